//! The report's time section (`--period`): per framing family, an inline
//! SVG line chart of the score per period, pooled over all sources and
//! for the sources with the most dated documents, with each 95% interval
//! as a band. No script: the charts are static SVG, readable with
//! hundreds of periods (time on a true calendar axis, at most a dozen
//! tick labels, markers only when there are few periods).

use super::escape;
use crate::corpus::date::Date;
use crate::estimators::timeseries::{MeasureKind, TimeRow, TimeSeries};
use crate::lexicon::Lexicon;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Sources drawn per chart besides the pooled line.
pub const TIME_SOURCES: usize = 5;
/// Periods up to which each value gets a marker.
const MARKERS_UP_TO: usize = 60;
const W: f64 = 1080.0;
const H: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 30.0;
/// Pooled line first, then the sources' (colour-blind-safe palette).
const COLOURS: [&str; 6] = [
    "#1b1b1b", "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00",
];

/// Days since the first period's start (the x axis).
fn day(first: Date, d: Date) -> f64 {
    first.until(d).map_or(0.0, |s| s.get_days() as f64)
}

/// Write the time section: nothing when no period has a family score.
///
/// ```
/// use slant::corpus::date::Date;
/// use slant::estimators::timeseries::{time_series, Period, TimeDoc, TimeSpec};
/// use slant::report::time_section;
/// let lex = slant::lexicon::Lexicon::builtin();
/// let fams = slant::estimators::family_params(&slant::features::Aggregates::new(&lex), &lex);
/// let ids: Vec<String> = lex.families.iter().map(|f| f.id.clone()).collect();
/// let spec = TimeSpec {
///     period: Period::Month, families: &fams, family_ids: &ids, category_ids: &[],
///     learned: &[], scope: "source", prior_strength: 2.0, min_matches: 1,
///     bootstrap: 20, seed: 1,
/// };
/// let docs: Vec<TimeDoc> = (1..=6i8)
///     .map(|m| TimeDoc {
///         key: "wire",
///         date: Some(Date::new(2020, m, 1).unwrap()),
///         variants: &[(0, 2), (1, 1)],
///         ..TimeDoc::default()
///     })
///     .collect();
/// let mut html = String::new();
/// time_section(&mut html, &time_series(&docs, &spec), &lex);
/// assert!(html.starts_with("<section id=\"time\">"));
/// assert!(html.contains(&format!("data-family=\"{}\"", lex.families[0].id)));
/// assert!(html.contains("data-source=\"wire\"") && !html.contains("<script"));
/// ```
pub fn time_section(s: &mut String, ts: &TimeSeries, lex: &Lexicon) {
    // Family rows per (family, scope, key), in period order.
    let mut series: BTreeMap<(&str, bool, &str), Vec<&TimeRow>> = BTreeMap::new();
    for r in ts.rows.iter().filter(|r| r.kind == MeasureKind::Family) {
        series
            .entry((r.measure.as_str(), r.scope != "all", r.key.as_str()))
            .or_default()
            .push(r);
    }
    // The sources with the most dated documents (ties by name).
    let mut docs: BTreeMap<&str, u64> = BTreeMap::new();
    if let Some(f) = lex.families.first() {
        for ((fam, keyed, key), rows) in &series {
            if *keyed && *fam == f.id {
                *docs.entry(key).or_default() += rows.iter().map(|r| r.n_docs).sum::<u64>();
            }
        }
    }
    let mut top: Vec<(&str, u64)> = docs.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    top.truncate(TIME_SOURCES);
    let Some(first) = ts.periods.first().map(|p| p.1) else {
        return;
    };
    let last = ts.periods.last().map_or(first, |p| p.1);
    let span = day(first, last).max(1.0);
    let period = ts
        .rows
        .first()
        .map(|r| period_word(&r.period))
        .unwrap_or("period");
    let charts: Vec<usize> = (0..lex.families.len())
        .filter(|&fi| {
            series
                .get(&(lex.families[fi].id.as_str(), false, ""))
                .is_some_and(|rows| rows.iter().any(|r| r.value.is_some()))
        })
        .collect();
    s.push_str("<section id=\"time\"><h2>Over time</h2>");
    let _ = write!(
        s,
        "<p class=\"note\">Each family&#39;s score per {period} ({} {period}s from {} to {}; {} dated documents, {} without a usable date left out), \
pooled over all sources (black) and for the {} sources with the most dated documents; the band is the 95% bootstrap interval \
over the {period}&#39;s documents. Scores are smoothed towards the run&#39;s pooled proportions, so a {period} with few matches \
stays near the overall score. Every source, category rate and learned score per {period} is in \
<a href=\"timeseries.csv\">timeseries.csv</a>.</p>",
        ts.periods.len(),
        escape(&ts.periods[0].0),
        escape(&ts.periods[ts.periods.len() - 1].0),
        ts.dated,
        ts.undated,
        top.len(),
    );
    if charts.is_empty() {
        s.push_str("<p>No family has a score in any period.</p></section>\n");
        return;
    }
    s.push_str("<p class=\"legend\">");
    let mut keys: Vec<(bool, &str)> = vec![(false, "")];
    keys.extend(top.iter().map(|(k, _)| (true, *k)));
    for (i, (_, k)) in keys.iter().enumerate() {
        let _ = write!(
            s,
            "<span class=\"key\" style=\"margin-right:14px;font-size:13px;white-space:nowrap\">\
<span class=\"swatch\" style=\"display:inline-block;width:14px;height:4px;margin:0 5px 3px 0;vertical-align:middle;background:{}\"></span>{}</span> ",
            COLOURS[i % COLOURS.len()],
            if i == 0 {
                "all sources".to_string()
            } else {
                escape(k)
            }
        );
    }
    s.push_str("</p>");
    let x = |d: Date| LEFT + (W - LEFT - RIGHT) * day(first, d) / span;
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - (v.clamp(-1.0, 1.0) + 1.0) / 2.0);
    for fi in charts {
        let fam = &lex.families[fi];
        let _ = write!(
            s,
            "<h3>{} <code>{}</code></h3><svg class=\"timechart\" data-family=\"{}\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" style=\"max-width:100%;height:auto;font-size:11px\" aria-label=\"{}: score per {period}\">",
            escape(&fam.name),
            escape(&fam.id),
            escape(&fam.id),
            escape(&fam.id)
        );
        axes(s, ts, first, &x, &y);
        for (i, (keyed, key)) in keys.iter().enumerate() {
            let Some(rows) = series.get(&(fam.id.as_str(), *keyed, *key)) else {
                continue;
            };
            line(
                s,
                rows,
                COLOURS[i % COLOURS.len()],
                *keyed,
                key,
                ts.periods.len(),
                &x,
                &y,
            );
        }
        s.push_str("</svg>");
    }
    s.push_str("</section>\n");
}

/// `week`, `month`, `quarter` or `year`, from a period label.
fn period_word(label: &str) -> &'static str {
    if label.contains('W') {
        "week"
    } else if label.contains('Q') {
        "quarter"
    } else if label.len() == 7 {
        "month"
    } else {
        "year"
    }
}

/// Grid lines at -1, -0.5, 0, 0.5, 1 and at most a dozen date ticks.
fn axes(
    s: &mut String,
    ts: &TimeSeries,
    first: Date,
    x: &dyn Fn(Date) -> f64,
    y: &dyn Fn(f64) -> f64,
) {
    s.push_str("<g class=\"axis\" fill=\"#5b5b5b\">");
    for v in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let yy = y(v);
        let _ = write!(
            s,
            "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            if v == 0.0 { "#888" } else { "#e3e3e3" },
            LEFT - 6.0,
            yy + 4.0,
            match v {
                -1.0 => "−1",
                1.0 => "+1",
                0.0 => "0",
                _ => "",
            }
        );
    }
    // Ticks: the periods themselves when few, else the first period of
    // every k-th year (or every k-th period within a year or two).
    let last = ts.periods.last().map_or(first, |p| p.1);
    let years = (last.year() - first.year()) as usize + 1;
    let ticks: Vec<(Date, String)> = if ts.periods.len() <= 12 {
        ts.periods.iter().map(|(l, d)| (*d, l.clone())).collect()
    } else if years >= 3 {
        let step = years.div_ceil(12);
        (first.year()..=last.year())
            .filter(|yr| (yr - first.year()) as usize % step == 0)
            .filter_map(|yr| Date::new(yr, 1, 1).ok())
            .filter(|d| *d >= first)
            .map(|d| (d, d.year().to_string()))
            .collect()
    } else {
        let step = ts.periods.len().div_ceil(12);
        ts.periods
            .iter()
            .step_by(step)
            .map(|(l, d)| (*d, l.clone()))
            .collect()
    };
    let base = H - BOTTOM;
    for (d, label) in ticks {
        let xx = x(d);
        let _ = write!(
            s,
            "<line x1=\"{xx:.1}\" y1=\"{TOP}\" x2=\"{xx:.1}\" y2=\"{:.1}\" stroke=\"#f0f0f0\"/><text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            base + 4.0,
            base + 18.0,
            escape(&label)
        );
    }
    s.push_str("</g>");
}

/// One series: its interval band and line, broken where a period has no
/// score.
#[allow(clippy::too_many_arguments)]
fn line(
    s: &mut String,
    rows: &[&TimeRow],
    colour: &str,
    keyed: bool,
    key: &str,
    periods: usize,
    x: &dyn Fn(Date) -> f64,
    y: &dyn Fn(f64) -> f64,
) {
    let _ = write!(
        s,
        "<g class=\"series\" data-scope=\"{}\" data-source=\"{}\">",
        if keyed { "source" } else { "all" },
        escape(key)
    );
    // Runs of consecutive rows with a value.
    let mut runs: Vec<Vec<&TimeRow>> = vec![Vec::new()];
    for r in rows {
        if r.value.is_some() {
            if let Some(run) = runs.last_mut() {
                run.push(r);
            }
        } else if runs.last().is_some_and(|r| !r.is_empty()) {
            runs.push(Vec::new());
        }
    }
    for run in runs.iter().filter(|r| !r.is_empty()) {
        // Band over the rows with an interval.
        let with_ci: Vec<&&TimeRow> = run.iter().filter(|r| r.ci.is_some()).collect();
        if with_ci.len() >= 2 {
            let mut d = String::new();
            for (i, r) in with_ci.iter().enumerate() {
                let (_, hi) = r.ci.unwrap_or_default();
                let _ = write!(
                    d,
                    "{}{:.1} {:.1}",
                    if i == 0 { "M" } else { "L" },
                    x(r.start),
                    y(hi)
                );
            }
            for r in with_ci.iter().rev() {
                let (lo, _) = r.ci.unwrap_or_default();
                let _ = write!(d, "L{:.1} {:.1}", x(r.start), y(lo));
            }
            let _ = write!(
                s,
                "<path class=\"band\" d=\"{d}Z\" fill=\"{colour}\" fill-opacity=\"0.12\" stroke=\"none\"/>"
            );
        }
        let mut d = String::new();
        for (i, r) in run.iter().enumerate() {
            let v = r.value.unwrap_or_default();
            let _ = write!(
                d,
                "{}{:.1} {:.1}",
                if i == 0 { "M" } else { "L" },
                x(r.start),
                y(v)
            );
        }
        let _ = write!(
            s,
            "<path class=\"line\" d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\"/>",
            if keyed { 1.4 } else { 2.2 }
        );
        if periods <= MARKERS_UP_TO || run.len() == 1 {
            for r in run {
                let v = r.value.unwrap_or_default();
                let _ = write!(
                    s,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.6\" fill=\"{colour}\"><title>{}{}: {:.2}{} ({} documents)</title></circle>",
                    x(r.start),
                    y(v),
                    if keyed { format!("{}, ", escape(key)) } else { String::new() },
                    escape(&r.period),
                    v,
                    r.ci.map(|(a, b)| format!(" [{a:.2}, {b:.2}]")).unwrap_or_default(),
                    r.n_docs
                );
            }
        }
    }
    s.push_str("</g>");
}
