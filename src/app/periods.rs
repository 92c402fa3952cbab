//! `analyze`'s calls for `--period` (`timeseries.csv`), `--min-docs` and
//! `sources_long.csv`, kept out of `app.rs`.

use super::{csv_err, io_err, DocSummary};
use crate::error::{Error, ErrorKind, Result};
use crate::estimators::timeseries::{self, Period, TimeDoc, TimeSeries, TimeSpec};
use crate::estimators::{self, Estimates, EstimatorOptions};
use crate::features::Aggregates;
use crate::lexicon::Lexicon;
use crate::report::{self, CsvStyle};
use std::path::Path;

/// `--min-docs` at 1 (or 0) leaves every source in: nothing to record.
pub(super) fn keeps_every_source(min_docs: &u64) -> bool {
    *min_docs <= 1
}

/// The learned scores a time series follows: those some document has.
const LEARNED: [&str; 2] = ["loaded_mean", "slant_mean"];

/// The time series of the run's documents, keyed by source (sources under
/// `min_docs` only in the pooled rows), with the run's pooled proportions.
pub(super) fn time_series(
    summaries: &[DocSummary],
    agg: &Aggregates,
    lex: &Lexicon,
    est: &EstimatorOptions,
    period: Period,
    min_docs: u64,
    (pool, cancel): (&rayon::ThreadPool, &std::sync::atomic::AtomicBool),
) -> Result<TimeSeries> {
    let fams = estimators::family_params(agg, lex);
    let family_ids: Vec<String> = lex.families.iter().map(|f| f.id.clone()).collect();
    let category_ids: Vec<String> = lex.categories.iter().map(|c| c.id.clone()).collect();
    let has = |i: usize| {
        summaries.iter().any(|d| {
            d.model
                .as_ref()
                .is_some_and(|m| [m.loaded, m.slant][i].is_some())
        })
    };
    let learned_idx: Vec<usize> = (0..LEARNED.len()).filter(|&i| has(i)).collect();
    let learned: Vec<String> = learned_idx.iter().map(|&i| LEARNED[i].into()).collect();
    let docs: Vec<TimeDoc> = summaries
        .iter()
        .map(|d| TimeDoc {
            key: &d.source,
            reported: agg
                .sources
                .get(&*d.source)
                .is_none_or(|s| !report::too_small(s.counts.docs, min_docs)),
            date: d.date,
            story: d.story.as_deref(),
            variants: &d.variants,
            categories: &d.categories,
            authorial_tokens: d.authorial_tokens,
            learned: learned_idx
                .iter()
                .map(|&i| d.model.as_ref().and_then(|m| [m.loaded, m.slant][i]))
                .collect(),
        })
        .collect();
    let spec = TimeSpec {
        period,
        families: &fams,
        family_ids: &family_ids,
        category_ids: &category_ids,
        learned: &learned,
        scope: "source",
        prior_strength: est.prior_strength,
        min_matches: est.min_matches,
        bootstrap: est.bootstrap,
        seed: est.seed,
    };
    pool.install(|| timeseries::time_series_until(&docs, &spec, cancel))
        .ok_or_else(|| Error::new(ErrorKind::Interrupted))
}

/// Write `timeseries.csv`; returns `run.json`'s `timeseries` block.
pub(super) fn write_timeseries(
    dir: &Path,
    ts: &TimeSeries,
    period: Period,
    style: CsvStyle,
) -> Result<serde_json::Value> {
    let p = dir.join("timeseries.csv");
    let f = std::fs::File::create(&p).map_err(io_err(&p))?;
    report::timeseries_rows(std::io::BufWriter::new(f), ts, style).map_err(|e| csv_err(&p, e))?;
    Ok(serde_json::json!({
        "period": period,
        "periods": ts.periods.len(),
        "first": ts.periods.first().map(|p| &p.0),
        "last": ts.periods.last().map(|p| &p.0),
        "rows": ts.rows.len(),
        "documents_dated": ts.dated,
        "documents_undated": ts.undated,
    }))
}

/// Write `sources.csv` and its long form `sources_long.csv` from the same
/// cells.
pub(super) fn write_sources(
    dir: &Path,
    agg: &Aggregates,
    est: &Estimates,
    lex: &Lexicon,
    style: CsvStyle,
) -> Result<()> {
    let (header, rows) = report::sources_table(agg, est, lex, style);
    for (name, long) in [("sources.csv", false), ("sources_long.csv", true)] {
        let p = dir.join(name);
        let f = std::io::BufWriter::new(std::fs::File::create(&p).map_err(io_err(&p))?);
        if long {
            report::sources_long_rows(f, &header, &rows)
        } else {
            report::tables::write_table(f, &header, &rows)
        }
        .map_err(|e| csv_err(&p, e))?;
    }
    Ok(())
}
