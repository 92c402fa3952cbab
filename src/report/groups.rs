//! Group reports: `groups.csv` (the columns of `sources.csv` per group),
//! `comparisons.csv` (each pair of groups' differences with intervals),
//! the kept columns of `documents.csv`, and the report's groups section.

use super::csvout::{safe_cell, CsvStyle};
use super::fmt_f;
use super::html::{escape, sc as two};
use super::tables::sources_rows;
use crate::error::{Error, Result};
use crate::estimators::groups::Comparison;
use crate::estimators::Estimates;
use crate::features::Aggregates;
use crate::lexicon::Lexicon;
use std::fmt::Write as _;
use std::io::Write;

/// Add the kept columns (`--keep-col`) to the `documents.csv` header,
/// refusing a name it already has or one given twice.
pub(crate) fn kept_header(header: &mut Vec<String>, keep: &[String]) -> Result<()> {
    for (i, c) in keep.iter().enumerate() {
        if header.iter().any(|h| h == c) {
            return Err(Error::usage(format!(
                "--keep-col {c}: documents.csv already has a column named `{c}`; rename the \
                 input column (or leave it out: the value is there already)"
            )));
        }
        if keep[..i].contains(c) {
            return Err(Error::usage(format!("--keep-col {c} is given twice")));
        }
    }
    header.extend(keep.iter().cloned());
    Ok(())
}

/// Write `groups.csv`: the rows `sources.csv` would have for `groups` (an
/// [`Aggregates`] whose sources are the groups, estimated into `est`),
/// with `group` as the first column and each group's number of sources
/// (`n_sources`, in name order) second.
pub(crate) fn groups_rows<W: Write>(
    w: W,
    groups: &Aggregates,
    est: &Estimates,
    lex: &Lexicon,
    n_sources: &[u64],
    style: CsvStyle,
) -> csv::Result<()> {
    let mut buf = Vec::new();
    sources_rows(&mut buf, groups, est, lex, style)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(buf.as_slice());
    let mut out = csv::Writer::from_writer(w);
    for (i, rec) in rdr.byte_records().enumerate() {
        let rec = rec?;
        let mut row = csv::ByteRecord::new();
        let mut cells = rec.iter();
        if i == 0 {
            cells.next();
            row.push_field(b"group");
            row.push_field(b"n_sources");
        } else {
            row.push_field(cells.next().unwrap_or_default());
            let n = n_sources.get(i - 1).copied().unwrap_or(0);
            row.push_field(n.to_string().as_bytes());
        }
        for c in cells {
            row.push_field(c);
        }
        out.write_byte_record(&row)?;
    }
    out.flush()?;
    Ok(())
}

/// Header of `comparisons.csv`.
pub(crate) const COMPARISONS_HEADER: &[&str] = &[
    "group_a",
    "group_b",
    "measure_kind",
    "measure",
    "value_a",
    "value_b",
    "difference",
    "ci_low",
    "ci_high",
    "n_sources_a",
    "n_sources_b",
    "n_docs_a",
    "n_docs_b",
];

/// Write `comparisons.csv`.
pub(crate) fn comparison_rows<W: Write>(
    w: W,
    rows: &[Comparison],
    style: CsvStyle,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(COMPARISONS_HEADER)?;
    let f = |x: Option<f64>| x.map(fmt_f).unwrap_or_default();
    for r in rows {
        w.write_record([
            safe_cell(&r.group_a, style).into_owned(),
            safe_cell(&r.group_b, style).into_owned(),
            r.kind.to_string(),
            r.measure.clone(),
            f(r.value_a),
            f(r.value_b),
            f(r.difference),
            f(r.ci.map(|c| c.0)),
            f(r.ci.map(|c| c.1)),
            r.n_sources_a.to_string(),
            r.n_sources_b.to_string(),
            r.n_docs_a.to_string(),
            r.n_docs_b.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Rows of the comparisons table shown in the report (all of them are in
/// `comparisons.csv`).
const MAX_SHOWN: usize = 400;

/// The report's groups section: per family, each group's score with its
/// interval side by side; then the comparisons, significant differences
/// (intervals that leave out 0) marked and listed first.
pub(crate) fn html_section(
    groups: &Aggregates,
    est: &Estimates,
    lex: &Lexicon,
    n_sources: &[u64],
    rows: &[Comparison],
    title: &str,
) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let names: Vec<&String> = groups.sources.keys().collect();
    let _ = write!(
        s,
        "<section id=\"groups\"><h2>Groups</h2><p class=\"note\">{}. A group&#39;s score pools \
its sources&#39; documents; intervals are 95% bootstrap intervals (as in \
<a href=\"groups.csv\">groups.csv</a>). Sources without a group are left out.</p>",
        escape(title)
    );
    if names.is_empty() {
        return comparisons_table(s, rows);
    }
    s.push_str("<div class=\"scroll\"><table class=\"group-scores\"><thead><tr><th>family</th>");
    for (g, n) in names.iter().zip(n_sources) {
        let _ = write!(
            s,
            "<th class=\"num\" data-group=\"{e}\">{e}<br><span class=\"muted\">{n} sources, {} docs</span></th>",
            groups.sources[*g].counts.docs,
            e = escape(g)
        );
    }
    s.push_str("</tr></thead><tbody>");
    for (fi, fam) in lex.families.iter().enumerate() {
        let any = est.families.iter().any(|f| f[fi].score.is_some());
        if !any {
            continue;
        }
        let _ = write!(
            s,
            "<tr class=\"group-family\" data-family=\"{e}\"><td><code>{e}</code></td>",
            e = escape(&fam.id)
        );
        for f in &est.families {
            let e = &f[fi];
            let ci =
                e.ci.map(|(a, b)| {
                    format!(
                        " <span class=\"muted\">[{}, {}]</span>",
                        two(Some(a)),
                        two(Some(b))
                    )
                })
                .unwrap_or_default();
            let _ = write!(s, "<td class=\"num\">{}{ci}</td>", two(e.score));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>\n");
    comparisons_table(s, rows)
}

/// The comparisons table, and the end of the section.
fn comparisons_table(mut s: String, rows: &[Comparison]) -> String {
    // Comparisons: significant first, then by measure.
    let mut shown: Vec<&Comparison> = rows.iter().filter(|r| r.difference.is_some()).collect();
    shown.sort_by_key(|r| !r.significant());
    let sig = shown.iter().filter(|r| r.significant()).count();
    let _ = write!(
        s,
        "<h3 id=\"comparisons\">Comparisons</h3><p class=\"note\">Difference = B − A, with a 95% \
bootstrap interval that resamples sources within each group and documents within each source. \
<strong>{sig}</strong> of {} differences have an interval that leaves out 0 (marked ●; with \
many comparisons some are expected by chance). Family scores run from −1 to +1; category rates \
are per 1,000 authorial tokens. All rows: <a href=\"comparisons.csv\">comparisons.csv</a>.</p>",
        shown.len()
    );
    s.push_str("<div class=\"scroll\"><table class=\"comparisons\"><thead><tr><th>A</th><th>B</th><th>kind</th><th>measure</th><th class=\"num\">A</th><th class=\"num\">B</th><th class=\"num\">B − A</th><th class=\"num\">95% interval</th><th></th></tr></thead><tbody>");
    for r in shown.iter().take(MAX_SHOWN) {
        let mark = if r.significant() { "●" } else { "" };
        let _ = write!(
            s,
            "<tr class=\"comparison{}\" data-measure=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{mark}</td></tr>",
            if r.significant() { " sig" } else { "" },
            escape(&r.measure),
            escape(&r.group_a),
            escape(&r.group_b),
            r.kind,
            escape(&r.measure),
            two(r.value_a),
            two(r.value_b),
            two(r.difference),
            r.ci
                .map(|(a, b)| format!("[{}, {}]", two(Some(a)), two(Some(b))))
                .unwrap_or_default(),
        );
    }
    s.push_str("</tbody></table></div>");
    if shown.len() > MAX_SHOWN {
        let _ = write!(
            s,
            "<p class=\"note\">The first {MAX_SHOWN} of {} rows are shown.</p>",
            shown.len()
        );
    }
    s.push_str("</section>\n");
    s
}

/// Put `section` into a rendered report: before the closing note, with a
/// link in the table of contents.
pub(crate) fn insert_section(html: &mut String, section: &str) {
    let toc = "<a href=\"#sources\">Sources</a>";
    if let Some(i) = html.find(toc) {
        html.insert_str(i + toc.len(), "<a href=\"#groups\">Groups</a>");
    }
    let at = html
        .find("<p class=\"note\">Generated by slant.")
        .or_else(|| html.rfind("</main>"))
        .unwrap_or(html.len());
    html.insert_str(at, section);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_columns_that_clash_are_refused() {
        let mut h = vec!["id".to_string(), "source".to_string()];
        let err = kept_header(&mut h, &["source".into()]).unwrap_err();
        assert!(err
            .to_string()
            .contains("already has a column named `source`"));
        let err = kept_header(&mut h, &["topic".into(), "topic".into()]).unwrap_err();
        assert!(err.to_string().contains("given twice"));
        kept_header(&mut h, &["topic".into()]).unwrap();
        assert_eq!(h, ["id", "source", "topic"]);
    }

    #[test]
    fn comparison_cells() {
        let r = Comparison {
            group_a: "=left".into(),
            group_b: "right".into(),
            kind: "family",
            measure: "armed_group".into(),
            value_a: Some(-0.5),
            value_b: None,
            difference: None,
            ci: None,
            n_sources_a: 2,
            n_sources_b: 3,
            n_docs_a: 10,
            n_docs_b: 12,
        };
        let mut out = Vec::new();
        comparison_rows(&mut out, &[r], CsvStyle::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text.lines().nth(1),
            Some("'=left,right,family,armed_group,-0.5,,,,,2,3,10,12")
        );
    }
}
