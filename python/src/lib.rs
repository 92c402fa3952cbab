//! The Python module `slant._slant`: slant's runs over files, and over
//! Arrow data held in Python (a `pyarrow.RecordBatch` or `Table`, read
//! without a copy through the Arrow C interfaces). The Python package
//! `slant` (python/slant/__init__.py) wraps it.
//!
//! Every call releases the GIL while slant works; library errors become
//! `slant.SlantError` (or its subclasses) with the library's message.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyRecordBatch;
use slant::app::{RunOptions, RunSummary};
use slant::corpus::{Format, GroupMap, ReadOptions, SourceMap};
use slant::estimators::wordfish::ScaleOptions;
use slant::estimators::Prior;
use slant::features::referents::LinkRule;
use slant::ErrorKind;
use std::path::PathBuf;

mod partials;
mod records;

create_exception!(
    _slant,
    SlantError,
    PyException,
    "An error reported by slant."
);
create_exception!(
    _slant,
    InputError,
    SlantError,
    "Input that cannot be used: a missing file or column, a damaged file, nothing to analyze."
);
create_exception!(
    _slant,
    UsageError,
    SlantError,
    "Options that cannot be used together, or an option's value."
);

/// A library error as the Python exception of its kind, with its message.
pub(crate) fn py_err(e: slant::Error) -> PyErr {
    let msg = e.to_string();
    match e.kind() {
        ErrorKind::Usage(_) => UsageError::new_err(msg),
        ErrorKind::Io { .. }
        | ErrorKind::Input { .. }
        | ErrorKind::Csv { .. }
        | ErrorKind::Json(_)
        | ErrorKind::Lexicon { .. }
        | ErrorKind::Model { .. }
        | ErrorKind::NothingToAnalyze(_) => InputError::new_err(msg),
        _ => SlantError::new_err(msg),
    }
}

/// Run `f` on a thread of its own with the GIL released, while this
/// thread waits for it and watches for Python's signals: a Ctrl-C sets
/// the run's [`Cancel`](slant::app::Cancel) flag, the run stops at its
/// next record or step (leaving any previous reports as they were), and
/// the `KeyboardInterrupt` is raised.
pub(crate) fn cancellable<T: Send>(
    py: Python<'_>,
    mut opts: RunOptions,
    f: impl FnOnce(&RunOptions) -> slant::Result<T> + Send,
) -> PyResult<T> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let flag = std::sync::Arc::new(AtomicBool::new(false));
    opts.cancel = slant::app::Cancel::with(flag.clone());
    let opts = &opts;
    let waiter = std::thread::current();
    std::thread::scope(|s| {
        let run = s.spawn(move || {
            let r = f(opts);
            waiter.unpark();
            r
        });
        let mut signal = None;
        while !run.is_finished() {
            py.detach(|| std::thread::park_timeout(std::time::Duration::from_millis(100)));
            if signal.is_none() {
                if let Err(e) = py.check_signals() {
                    flag.store(true, Ordering::Relaxed);
                    signal = Some(e);
                }
            }
        }
        let r = run
            .join()
            .map_err(|_| SlantError::new_err("internal error: the run panicked"))?;
        match signal {
            Some(e) => Err(e),
            None => r.map_err(py_err),
        }
    })
}

/// A run's summary as a Python dict (the fields `run.json` records).
pub(crate) fn summary(py: Python<'_>, s: &RunSummary) -> PyResult<Py<PyAny>> {
    let json = serde_json::to_string(s).map_err(|e| SlantError::new_err(e.to_string()))?;
    let loads = py.import("json")?.getattr("loads")?;
    Ok(loads.call1((json,))?.unbind())
}

/// The options `analyze` takes as keywords, each named after its
/// command-line flag (`--text-col` is `text_col`).
const OPTIONS: &[&str] = &[
    "text_col",
    "source_col",
    "id_col",
    "story_col",
    "date_col",
    "title_col",
    "keep_col",
    "group_col",
    "manifest",
    "source_map",
    "format",
    "delimiter",
    "max_doc_bytes",
    "no_repair",
    "follow_symlinks",
    "no_ngrams",
    "max_token_bytes",
    "boilerplate_min_docs",
    "no_labels",
    "label_rules",
    "lexicon",
    "no_default_lexicons",
    "stopwords",
    "threads",
    "memory_budget",
    "csv_raw",
    "output_format",
    "evidence",
    "evidence_sentiment",
    "sentences",
    "extract_only",
    "seed",
    "bootstrap",
    "prior_strength",
    "min_matches",
    "prior",
    "alpha0",
    "family_alpha0",
    "exact_variance",
    "min_count",
    "top_terms",
    "all_terms",
    "min_source_tokens",
    "model_dir",
    "no_models",
    "groups",
    "compare",
    "period",
    "min_docs",
    "scale",
    "scale_anchor",
    "scale_min_docs",
    "scale_words",
    "scale_bootstrap",
];

/// A list option: one value or a list of them.
fn strings(v: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(s) = v.extract::<String>() {
        return Ok(vec![s]);
    }
    if let Ok(p) = v.extract::<PathBuf>() {
        return Ok(vec![p.to_string_lossy().into_owned()]);
    }
    v.extract::<Vec<PathBuf>>()
        .map(|v| v.iter().map(|p| p.to_string_lossy().into_owned()).collect())
}

/// A pair given as `"A,B"` or as two names.
fn pair(v: &Bound<'_, PyAny>, what: &str) -> PyResult<(String, String)> {
    let (a, b) = match v.extract::<String>() {
        Ok(s) => match s.split_once(',') {
            Some((a, b)) => (a.to_string(), b.to_string()),
            None => (s, String::new()),
        },
        Err(_) => v.extract::<(String, String)>()?,
    };
    let (a, b) = (a.trim().to_string(), b.trim().to_string());
    if a.is_empty() || b.is_empty() {
        return Err(UsageError::new_err(format!(
            "{what} takes two names: \"A,B\" or (\"A\", \"B\")"
        )));
    }
    Ok((a, b))
}

/// Run options from keyword arguments, as the command line reads its
/// flags (`analyze`'s defaults; unknown keywords are a `TypeError`).
pub(crate) fn run_options(
    inputs: Vec<PathBuf>,
    out_dir: PathBuf,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<RunOptions> {
    let mut o = RunOptions {
        inputs,
        out_dir,
        read: ReadOptions::default(),
        quiet: true,
        progress: false,
        ..RunOptions::default()
    };
    // As `slant analyze` (and `slant extract --partial`): referents and
    // their labels are counted unless `no_labels` is given.
    o.features.referents = true;
    let mut scale: Option<ScaleOptions> = None;
    let mut scale_on = false;
    let mut evidence_sentiment = false;
    let Some(kwargs) = kwargs else {
        return Ok(o);
    };
    // Scale settings apply once all keywords are read.
    let mut scale_settings = (20u64, 2000usize, 100usize, None);
    for (k, v) in kwargs.iter() {
        let key: String = k.extract()?;
        if v.is_none() {
            continue;
        }
        let s = || v.extract::<String>();
        let path = || v.extract::<PathBuf>();
        match key.as_str() {
            "text_col" => o.read.text_col = Some(s()?),
            "source_col" => o.read.source_col = Some(s()?),
            "id_col" => o.read.id_col = Some(s()?),
            "story_col" => o.read.story_col = Some(s()?),
            "date_col" => o.read.date_col = Some(s()?),
            "title_col" => o.read.title_col = Some(s()?),
            "keep_col" => o.read.keep_cols = strings(&v)?,
            "group_col" => o.read.group_col = Some(s()?),
            "manifest" => o.read.manifest = Some(path()?),
            "source_map" => {
                o.read.source_map = Some(SourceMap::from_path(&path()?).map_err(py_err)?)
            }
            "format" => {
                o.read.format = Some(match s()?.as_str() {
                    "csv" => Format::Csv,
                    "jsonl" => Format::Jsonl,
                    "text" => Format::Text,
                    "parquet" => Format::Parquet,
                    f => {
                        return Err(UsageError::new_err(format!(
                            "format must be text, csv, jsonl or parquet, got {f:?}"
                        )))
                    }
                })
            }
            "delimiter" => {
                let d = s()?;
                o.read.delimiter = match d.as_str() {
                    "\\t" | "tab" | "\t" => Some(b'\t'),
                    d if d.len() == 1 => Some(d.as_bytes()[0]),
                    d => {
                        return Err(UsageError::new_err(format!(
                            "delimiter must be one ASCII character, got {d:?}"
                        )))
                    }
                }
            }
            "max_doc_bytes" => o.read.max_doc_bytes = v.extract()?,
            "no_repair" => o.read.repair = !v.extract::<bool>()?,
            "follow_symlinks" => o.read.follow_symlinks = v.extract()?,
            "no_ngrams" => o.features.ngrams = !v.extract::<bool>()?,
            "max_token_bytes" => o.features.max_token_bytes = v.extract()?,
            "boilerplate_min_docs" => o.features.boilerplate_min_docs = v.extract()?,
            "no_labels" => o.features.referents = !v.extract::<bool>()?,
            "label_rules" => {
                o.labels.rules = strings(&v)?
                    .iter()
                    .flat_map(|r| r.split(','))
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(|r| {
                        LinkRule::parse(r).ok_or_else(|| {
                            UsageError::new_err(format!(
                                "label_rules: unknown rule '{r}' (title, premodifier, adjective, apposition, copula, anaphora, salience)"
                            ))
                        })
                    })
                    .collect::<PyResult<_>>()?
            }
            "lexicon" => o.lexicons = strings(&v)?.into_iter().map(PathBuf::from).collect(),
            "no_default_lexicons" => o.no_default_lexicons = v.extract()?,
            "stopwords" => o.stopwords = Some(path()?),
            "threads" => o.threads = v.extract()?,
            "memory_budget" => o.memory_budget = v.extract()?,
            "csv_raw" => o.csv.raw = v.extract()?,
            "output_format" => o.output_format = s()?.parse().map_err(UsageError::new_err)?,
            "evidence" => o.evidence = Some(s()?.parse().map_err(UsageError::new_err)?),
            "evidence_sentiment" => evidence_sentiment = v.extract()?,
            "sentences" => o.sentences = Some(s()?.parse().map_err(UsageError::new_err)?),
            "extract_only" => o.extract_only = v.extract()?,
            "seed" => o.estimators.seed = v.extract()?,
            "bootstrap" => o.estimators.bootstrap = v.extract()?,
            "prior_strength" => o.estimators.prior_strength = v.extract()?,
            "min_matches" => o.estimators.min_matches = v.extract()?,
            "prior" => {
                o.estimators.prior = match s()?.as_str() {
                    "informative" => Prior::Informative,
                    "uniform" => Prior::Uniform,
                    p => {
                        return Err(UsageError::new_err(format!(
                            "prior must be informative or uniform, got {p:?}"
                        )))
                    }
                }
            }
            "alpha0" => o.estimators.alpha0 = v.extract()?,
            "family_alpha0" => o.estimators.family_alpha0 = v.extract()?,
            "exact_variance" => o.estimators.exact_variance = v.extract()?,
            "min_count" => o.estimators.min_count = v.extract()?,
            "top_terms" => o.estimators.top_terms = v.extract()?,
            "all_terms" => o.estimators.all_terms = v.extract()?,
            "min_source_tokens" => o.estimators.min_source_tokens = v.extract()?,
            "model_dir" => o.model_dir = Some(path()?),
            "no_models" => o.no_models = v.extract()?,
            "groups" => o.group_map = Some(GroupMap::from_path(&path()?).map_err(py_err)?),
            "compare" => o.compare = Some(pair(&v, "compare")?),
            "period" => o.period = Some(s()?.parse().map_err(UsageError::new_err)?),
            "min_docs" => o.min_docs = v.extract()?,
            "scale" => scale_on = v.extract()?,
            "scale_anchor" => scale_settings.3 = Some(pair(&v, "scale_anchor")?),
            "scale_min_docs" => scale_settings.0 = v.extract()?,
            "scale_words" => scale_settings.1 = v.extract()?,
            "scale_bootstrap" => scale_settings.2 = v.extract()?,
            other => {
                return Err(PyTypeError::new_err(format!(
                    "unexpected keyword argument '{other}'; the options are: {}",
                    OPTIONS.join(", ")
                )))
            }
        }
    }
    for (name, x) in [
        ("prior_strength", o.estimators.prior_strength),
        ("alpha0", o.estimators.alpha0),
        ("family_alpha0", o.estimators.family_alpha0),
    ] {
        if !(x.is_finite() && x >= 0.0) {
            return Err(UsageError::new_err(format!(
                "{name} must be a finite number >= 0, got {x}"
            )));
        }
    }
    if scale_on {
        let (min_docs, max_words, bootstrap, anchor) = scale_settings;
        scale = Some(ScaleOptions {
            min_docs,
            max_words,
            bootstrap,
            anchor,
        });
    }
    o.scale = scale;
    if evidence_sentiment {
        match o.evidence {
            Some(slant::report::EvidenceLevel::All) | None => o.evidence_valence = true,
            Some(l) => {
                return Err(UsageError::new_err(format!(
                    "evidence_sentiment lists category matches: it needs evidence=\"all\", not {l}"
                )))
            }
        }
    }
    if o.extract_only {
        // As `slant extract`: no boilerplate to find, no sentences, no labels.
        o.features.boilerplate_min_docs = 0;
        o.features.referents = false;
        o.sentences = Some(slant::report::SentenceLevel::None);
        o.evidence.get_or_insert(slant::report::EvidenceLevel::None);
    }
    Ok(o)
}

/// The inputs given as one path or a list of them.
fn input_paths(inputs: &Bound<'_, PyAny>) -> PyResult<Vec<PathBuf>> {
    if let Ok(p) = inputs.extract::<PathBuf>() {
        return Ok(vec![p]);
    }
    inputs.extract::<Vec<PathBuf>>()
}

/// `slant analyze INPUTS -o OUT_DIR [options]`: returns the run's summary.
#[pyfunction]
#[pyo3(signature = (inputs, out_dir, **options))]
fn analyze(
    py: Python<'_>,
    inputs: &Bound<'_, PyAny>,
    out_dir: PathBuf,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let opts = run_options(input_paths(inputs)?, out_dir, options)?;
    let s = cancellable(py, opts, slant::app::analyze)?;
    summary(py, &s)
}

/// The options `analyze` takes, for help and checks in Python.
#[pyfunction]
fn option_names() -> Vec<&'static str> {
    OPTIONS.to_vec()
}

/// Read an Arrow batch or table into records through slant's record
/// gate, without analyzing them: `(documents, rejections)` as lists of
/// dicts. For checking how a frame's columns are read.
#[pyfunction]
#[pyo3(signature = (data, name = "frame", **options))]
fn read_records(
    py: Python<'_>,
    data: AnyRecordBatch,
    name: &str,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
    let opts = run_options(vec![], PathBuf::new(), options)?;
    let reader = data.into_reader()?;
    let (docs, rejected) = py
        .detach(|| records::gate_records(&opts.read, name, reader))
        .map_err(py_err)?;
    let docs = serde_json::to_string(&docs).map_err(|e| SlantError::new_err(e.to_string()))?;
    let rejected =
        serde_json::to_string(&rejected).map_err(|e| SlantError::new_err(e.to_string()))?;
    let loads = py.import("json")?.getattr("loads")?;
    Ok((
        loads.call1((docs,))?.unbind(),
        loads.call1((rejected,))?.unbind(),
    ))
}

#[pymodule]
fn _slant(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("SlantError", py.get_type::<SlantError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("UsageError", py.get_type::<UsageError>())?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(option_names, m)?)?;
    m.add_function(wrap_pyfunction!(read_records, m)?)?;
    partials::register(m)?;
    Ok(())
}
