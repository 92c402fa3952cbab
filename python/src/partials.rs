//! Partials of in-memory Arrow data, and their merge (`slant::app::partial`).

use crate::{cancellable, records::feed_reader, run_options, summary};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use pyo3_arrow::input::AnyRecordBatch;
use std::path::PathBuf;

/// The partial of `data`'s rows (a record batch, table or stream), read
/// through the record gate as the input `name`; `origin` names the columns
/// holding each row's file and 0-based row in it, when known
/// (`BatchFeeder::with_origin_columns`), written relative to the directory
/// `origin_base` when under it (`BatchFeeder::with_origin_base`). The GIL
/// is released while it is made.
#[pyfunction]
#[pyo3(signature = (data, name = "frame", origin = None, origin_base = None, **options))]
fn extract_partial(
    py: Python<'_>,
    data: AnyRecordBatch,
    name: &str,
    origin: Option<(String, String)>,
    origin_base: Option<String>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyBytes>> {
    let opts = run_options(vec![], PathBuf::new(), options)?;
    let mut reader = Some(data.into_reader()?);
    let bytes = cancellable(py, opts, |opts| {
        slant::app::extract_partial_records(opts, name, &mut |gate| match reader.take() {
            Some(r) => feed_reader(
                gate,
                &opts.read,
                name,
                r,
                origin.as_ref(),
                origin_base.as_deref(),
            ),
            None => Ok(()),
        })
    })?;
    Ok(PyBytes::new(py, &bytes).unbind())
}

/// Merge partials into the reports in `out_dir`; the run's summary.
#[pyfunction]
#[pyo3(signature = (partials, out_dir, **options))]
fn merge(
    py: Python<'_>,
    partials: Vec<Vec<u8>>,
    out_dir: PathBuf,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let opts = run_options(vec![], out_dir, options)?;
    let s = cancellable(py, opts, |opts| slant::app::merge_partials(partials, opts))?;
    summary(py, &s)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(extract_partial, m)?)?;
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    Ok(())
}
