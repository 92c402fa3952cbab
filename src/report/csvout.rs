//! CSV rows for every report file. Column order is fixed here and
//! documented in the README's data dictionary.

use crate::corpus::{Document, Rejection};
use crate::estimators::Estimates;
use crate::features::{Aggregates, DocFeatures, MatchRecord, VALENCE_SCALE};
use crate::lexicon::{Lexicon, Target};
use std::borrow::Cow;
use std::io::Write;

/// How text cells are written.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct CsvStyle {
    /// Write text cells exactly as found (no spreadsheet-injection guard),
    /// for machine consumers.
    pub raw: bool,
}

/// Neutralise a text-derived cell for spreadsheets (OWASP CSV injection):
/// a cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a
/// leading `'`.
///
/// ```
/// use slant::report::{safe_cell, CsvStyle};
/// assert_eq!(safe_cell("=HYPERLINK(\"x\")", CsvStyle::default()), "'=HYPERLINK(\"x\")");
/// assert_eq!(safe_cell("plain", CsvStyle::default()), "plain");
/// assert_eq!(safe_cell("=1+1", CsvStyle { raw: true }), "=1+1");
/// ```
pub fn safe_cell(s: &str, style: CsvStyle) -> Cow<'_, str> {
    if !style.raw && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Format a number with at most six decimals and no trailing zeros; an
/// empty string for NaN or infinity.
///
/// ```
/// use slant::report::fmt_f;
/// assert_eq!(fmt_f(0.5), "0.5");
/// assert_eq!(fmt_f(-1.0), "-1");
/// assert_eq!(fmt_f(1.0 / 3.0), "0.333333");
/// assert_eq!(fmt_f(f64::NAN), "");
/// ```
pub fn fmt_f(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let mut s = format!("{x:.6}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

fn opt_f(x: Option<f64>) -> String {
    x.map(fmt_f).unwrap_or_default()
}

fn rate(count: u64, tokens: u64) -> String {
    if tokens == 0 {
        String::new()
    } else {
        fmt_f(count as f64 * 1000.0 / tokens as f64)
    }
}

fn mean_weight(sum: i64, n: u64) -> String {
    if n == 0 {
        String::new()
    } else {
        fmt_f(sum as f64 / VALENCE_SCALE / n as f64)
    }
}

/// Header of `documents.csv` for a lexicon.
pub fn document_header(lex: &Lexicon) -> Vec<String> {
    let mut h: Vec<String> = [
        "id",
        "source",
        "story",
        "date",
        "title",
        "file",
        "line",
        "encoding",
        "repairs",
        "tokens",
        "authorial_tokens",
        "quoted_tokens",
        "sentences",
        "quote_share",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for f in &lex.families {
        h.push(format!("{}_matches", f.id));
        h.push(format!("{}_quoted_matches", f.id));
        h.push(format!("{}_score", f.id));
    }
    for c in &lex.categories {
        h.push(format!("{}_count", c.id));
        h.push(format!("{}_rate", c.id));
        if c.valence {
            h.push(format!("{}_mean", c.id));
        }
    }
    h
}

/// One `documents.csv` row.
pub fn document_row(
    w: &mut csv::Writer<Vec<u8>>,
    doc: &Document,
    f: &DocFeatures,
    lex: &Lexicon,
    style: CsvStyle,
) -> csv::Result<()> {
    document_row_extra(w, doc, f, lex, style, &[])
}

/// One `documents.csv` row followed by `extra` cells (learned-scorer
/// columns).
pub fn document_row_extra(
    w: &mut csv::Writer<Vec<u8>>,
    doc: &Document,
    f: &DocFeatures,
    lex: &Lexicon,
    style: CsvStyle,
    extra: &[String],
) -> csv::Result<()> {
    let c = &f.counts;
    let mut row: Vec<String> = vec![
        safe_cell(&doc.id, style).into_owned(),
        safe_cell(&doc.source, style).into_owned(),
        safe_cell(doc.story.as_deref().unwrap_or(""), style).into_owned(),
        safe_cell(doc.date.as_deref().unwrap_or(""), style).into_owned(),
        safe_cell(doc.title.as_deref().unwrap_or(""), style).into_owned(),
        safe_cell(&doc.origin.file, style).into_owned(),
        if doc.origin.line == 0 {
            String::new()
        } else {
            doc.origin.line.to_string()
        },
        doc.encoding.to_string(),
        c.repairs.to_string(),
        c.tokens.to_string(),
        c.authorial_tokens.to_string(),
        c.quoted_tokens.to_string(),
        c.sentences.to_string(),
        if c.tokens == 0 {
            String::new()
        } else {
            fmt_f(c.quoted_tokens as f64 / c.tokens as f64)
        },
    ];
    let offsets = lex.variant_offsets();
    for (fi, fam) in lex.families.iter().enumerate() {
        let counts = &c.variants[offsets[fi]..offsets[fi + 1]];
        let n: u64 = counts.iter().map(|x| x[0]).sum();
        let q: u64 = counts.iter().map(|x| x[1]).sum();
        let score = crate::estimators::raw_score(
            counts.iter().map(|x| x[0]),
            fam.variants.iter().map(|v| v.tone),
        );
        row.push(n.to_string());
        row.push(q.to_string());
        row.push(opt_f(score));
    }
    for (ci, cat) in lex.categories.iter().enumerate() {
        let n = c.categories[ci][0];
        row.push(n.to_string());
        row.push(rate(n, c.authorial_tokens));
        if cat.valence {
            row.push(mean_weight(c.weight_sums[ci][0], n));
        }
    }
    row.extend(extra.iter().cloned());
    w.write_record(&row)
}

/// Header of `evidence.csv`.
pub const EVIDENCE_HEADER: &[&str] = &[
    "document_id",
    "source",
    "story",
    "sentence",
    "voice",
    "kind",
    "group",
    "variant",
    "tone",
    "term",
    "start",
    "end",
    "context",
];

/// Header of `evidence.csv`.
pub fn evidence_header() -> &'static [&'static str] {
    EVIDENCE_HEADER
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// One `evidence.csv` row: `text` is the analysed original string.
pub fn evidence_row(
    w: &mut csv::Writer<Vec<u8>>,
    doc: &Document,
    text: &str,
    rec: &MatchRecord,
    lex: &Lexicon,
    style: CsvStyle,
) -> csv::Result<()> {
    let (kind, group, variant, tone) = match rec.m.target {
        Target::Variant { family, flat } => {
            let f = &lex.families[family as usize];
            let first = lex.variant_offsets()[family as usize];
            let v = &f.variants[flat as usize - first];
            ("family", f.id.as_str(), v.id.as_str(), fmt_f(v.tone))
        }
        Target::Category { category, .. } => (
            "category",
            lex.categories[category as usize].id.as_str(),
            "",
            String::new(),
        ),
    };
    let (s, e) = (rec.original.start, rec.original.end);
    let cs = floor_char(text, s.saturating_sub(60));
    let ce = ceil_char(text, e.saturating_add(60));
    let mut context = String::with_capacity(ce - cs + 8);
    for ch in text[cs..ce].chars() {
        context.push(if ch.is_control() || ch == '\u{2028}' || ch == '\u{2029}' {
            ' '
        } else {
            ch
        });
    }
    let term: String = text[s..e]
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let sentence = rec.sentence.to_string();
    let (start, end) = (s.to_string(), e.to_string());
    w.write_record([
        safe_cell(&doc.id, style).as_ref(),
        safe_cell(&doc.source, style).as_ref(),
        safe_cell(doc.story.as_deref().unwrap_or(""), style).as_ref(),
        sentence.as_str(),
        rec.voice.as_str(),
        kind,
        group,
        variant,
        tone.as_str(),
        safe_cell(&term, style).as_ref(),
        start.as_str(),
        end.as_str(),
        safe_cell(&context, style).as_ref(),
    ])
}

/// Header of `rejected.csv`.
pub const REJECTED_HEADER: &[&str] = &["file", "line", "record", "id", "reason"];

/// One `rejected.csv` row.
pub fn rejected_row(
    w: &mut csv::Writer<Vec<u8>>,
    r: &Rejection,
    style: CsvStyle,
) -> csv::Result<()> {
    let line = if r.origin.line == 0 {
        String::new()
    } else {
        r.origin.line.to_string()
    };
    let record = if r.origin.record == 0 {
        String::new()
    } else {
        r.origin.record.to_string()
    };
    w.write_record([
        safe_cell(&r.origin.file, style).as_ref(),
        line.as_str(),
        record.as_str(),
        safe_cell(r.id.as_deref().unwrap_or(""), style).as_ref(),
        safe_cell(&r.reason, style).as_ref(),
    ])
}

/// Write `sources.csv`: one row per source.
pub fn sources_rows<W: Write>(
    w: W,
    agg: &Aggregates,
    est: &Estimates,
    lex: &Lexicon,
    style: CsvStyle,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    let mut h: Vec<String> = [
        "source",
        "documents",
        "tokens",
        "authorial_tokens",
        "quoted_tokens",
        "sentences",
        "quote_share",
        "repairs",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for c in &lex.categories {
        h.push(format!("{}_rate", c.id));
        h.push(format!("{}_quoted_rate", c.id));
        if c.valence {
            h.push(format!("{}_mean", c.id));
        }
    }
    let story_cols = est.has_stories;
    for f in &lex.families {
        for col in [
            "dominant",
            "raw_score",
            "score",
            "ci_low",
            "ci_high",
            "n_matches",
            "n_quoted",
            "flag",
        ] {
            h.push(format!("{}_{col}", f.id));
        }
        if story_cols {
            for col in [
                "story_adjusted_score",
                "story_ci_low",
                "story_ci_high",
                "n_stories",
            ] {
                h.push(format!("{}_{col}", f.id));
            }
        }
    }
    for extra in &est.source_extra_headers {
        h.push(extra.clone());
    }
    w.write_record(&h)?;
    for (si, (source, sa)) in agg.sources.iter().enumerate() {
        let c = &sa.counts;
        let mut row = vec![
            safe_cell(source, style).into_owned(),
            c.docs.to_string(),
            c.tokens.to_string(),
            c.authorial_tokens.to_string(),
            c.quoted_tokens.to_string(),
            c.sentences.to_string(),
            if c.tokens == 0 {
                String::new()
            } else {
                fmt_f(c.quoted_tokens as f64 / c.tokens as f64)
            },
            c.repairs.to_string(),
        ];
        for (ci, cat) in lex.categories.iter().enumerate() {
            row.push(rate(c.categories[ci][0], c.authorial_tokens));
            row.push(rate(c.categories[ci][1], c.quoted_tokens));
            if cat.valence {
                row.push(mean_weight(c.weight_sums[ci][0], c.categories[ci][0]));
            }
        }
        for (fi, fam) in lex.families.iter().enumerate() {
            let e = &est.families[si][fi];
            row.push(
                e.dominant
                    .map(|v| fam.variants[v].id.clone())
                    .unwrap_or_default(),
            );
            row.push(opt_f(e.raw_score));
            row.push(opt_f(e.score));
            row.push(opt_f(e.ci.map(|c| c.0)));
            row.push(opt_f(e.ci.map(|c| c.1)));
            row.push(e.n_matches.to_string());
            row.push(e.n_quoted.to_string());
            row.push(e.flag.to_string());
            if story_cols {
                row.push(opt_f(e.story_score));
                row.push(opt_f(e.story_ci.map(|c| c.0)));
                row.push(opt_f(e.story_ci.map(|c| c.1)));
                row.push(e.n_stories.to_string());
            }
        }
        if let Some(extra) = est.source_extra.get(si) {
            row.extend(extra.iter().cloned());
        }
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// Write `families.csv`: tidy rows of source × family × variant.
pub fn families_rows<W: Write>(
    w: W,
    agg: &Aggregates,
    lex: &Lexicon,
    style: CsvStyle,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record([
        "source",
        "family",
        "variant",
        "tone",
        "authorial_count",
        "quoted_count",
        "share",
        "quoted_share",
    ])?;
    let offsets = lex.variant_offsets();
    for (source, sa) in &agg.sources {
        for (fi, fam) in lex.families.iter().enumerate() {
            let counts = &sa.counts.variants[offsets[fi]..offsets[fi + 1]];
            let n: u64 = counts.iter().map(|x| x[0]).sum();
            let q: u64 = counts.iter().map(|x| x[1]).sum();
            for (v, var) in fam.variants.iter().enumerate() {
                let [a, qc] = counts[v];
                w.write_record([
                    safe_cell(source, style).as_ref(),
                    fam.id.as_str(),
                    var.id.as_str(),
                    fmt_f(var.tone).as_str(),
                    a.to_string().as_str(),
                    qc.to_string().as_str(),
                    if n == 0 {
                        String::new()
                    } else {
                        fmt_f(a as f64 / n as f64)
                    }
                    .as_str(),
                    if q == 0 {
                        String::new()
                    } else {
                        fmt_f(qc as f64 / q as f64)
                    }
                    .as_str(),
                ])?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

/// Write `terms.csv`: distinctive family variants and n-grams per source.
pub fn terms_rows<W: Write>(
    w: W,
    agg: &Aggregates,
    est: &Estimates,
    style: CsvStyle,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record([
        "source",
        "kind",
        "family",
        "term",
        "order",
        "count",
        "count_rest",
        "delta",
        "z",
        "p",
        "q",
        "rank",
        "stopword",
    ])?;
    let names: Vec<&String> = agg.sources.keys().collect();
    for r in &est.terms {
        w.write_record([
            safe_cell(names[r.source], style).as_ref(),
            r.kind,
            r.family.as_str(),
            safe_cell(&r.term, style).as_ref(),
            if r.order == 0 {
                String::new()
            } else {
                r.order.to_string()
            }
            .as_str(),
            r.count.to_string().as_str(),
            r.count_rest.to_string().as_str(),
            fmt_f(r.delta).as_str(),
            fmt_f(r.z).as_str(),
            fmt_p(r.p).as_str(),
            fmt_p(r.q).as_str(),
            r.rank.to_string().as_str(),
            if r.stopword { "true" } else { "false" },
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// p- and q-values keep their precision in scientific notation when small.
fn fmt_p(x: f64) -> String {
    if !x.is_finite() {
        String::new()
    } else if x != 0.0 && x < 1e-4 {
        format!("{x:.3e}")
    } else {
        fmt_f(x)
    }
}
