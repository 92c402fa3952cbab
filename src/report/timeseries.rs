//! `timeseries.csv` (`--period`): one row per (period, key, measure).

use super::csvout::{fmt_f, safe_cell, CsvStyle};
use crate::estimators::timeseries::TimeSeries;
use std::io::Write;

/// The columns of `timeseries.csv`.
pub const TIMESERIES_HEADER: [&str; 12] = [
    "period",
    "period_start",
    "scope",
    "source",
    "measure_kind",
    "measure",
    "value",
    "ci_low",
    "ci_high",
    "n_docs",
    "n_matches",
    "story_value",
];

fn opt(x: Option<f64>) -> String {
    x.map(fmt_f).unwrap_or_default()
}

/// Write `timeseries.csv`: the rows of `ts` in their order (periods in
/// time order; in each, the pooled `all` row first, then the sources).
///
/// ```
/// use slant::corpus::date::Date;
/// use slant::estimators::timeseries::{time_series, Period, TimeDoc, TimeSpec};
/// use slant::report::{timeseries_rows, CsvStyle};
/// let fams = vec![(0..2, vec![0.5, 0.5], vec![-1.0, 0.0])];
/// let spec = TimeSpec {
///     period: Period::Week,
///     families: &fams,
///     family_ids: &["armed_group".to_string()],
///     category_ids: &[],
///     learned: &[],
///     scope: "source",
///     prior_strength: 0.0,
///     min_matches: 1,
///     bootstrap: 10,
///     seed: 1,
/// };
/// let doc = TimeDoc {
///     key: "=wire",
///     date: Some(Date::new(2021, 1, 1).unwrap()),
///     variants: &[(0, 3), (1, 1)],
///     ..TimeDoc::default()
/// };
/// let ts = time_series(&[doc], &spec);
/// let mut out = Vec::new();
/// timeseries_rows(&mut out, &ts, CsvStyle::default()).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "\
/// period,period_start,scope,source,measure_kind,measure,value,ci_low,ci_high,n_docs,n_matches,story_value
/// 2020-W53,2020-12-28,all,,family,armed_group,-0.75,,,1,4,
/// 2020-W53,2020-12-28,source,'=wire,family,armed_group,-0.75,,,1,4,
/// ");
/// ```
pub fn timeseries_rows<W: Write>(w: W, ts: &TimeSeries, style: CsvStyle) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(TIMESERIES_HEADER)?;
    for r in &ts.rows {
        w.write_record([
            r.period.as_str(),
            r.start.to_string().as_str(),
            r.scope.as_str(),
            safe_cell(&r.key, style).as_ref(),
            r.kind.name(),
            r.measure.as_str(),
            opt(r.value).as_str(),
            opt(r.ci.map(|c| c.0)).as_str(),
            opt(r.ci.map(|c| c.1)).as_str(),
            r.n_docs.to_string().as_str(),
            r.n_matches
                .map(|n| n.to_string())
                .unwrap_or_default()
                .as_str(),
            opt(r.story_value).as_str(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
