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
    let mut s = String::new();
    fmt_f_into(&mut s, x);
    s
}

/// [`fmt_f`] appending to `out` (no allocation once `out` has room).
///
/// ```
/// use slant::report::fmt_f_into;
/// let mut s = String::from("x=");
/// fmt_f_into(&mut s, -0.0000001);
/// assert_eq!(s, "x=0");
/// ```
pub fn fmt_f_into(out: &mut String, x: f64) {
    use std::fmt::Write;
    if !x.is_finite() {
        return;
    }
    let start = out.len();
    let _ = write!(out, "{x:.6}");
    if out[start..].contains('.') {
        let kept = out.trim_end_matches('0').trim_end_matches('.').len();
        // Never trim into the integer part ("10.000000" keeps "10").
        out.truncate(kept.max(start));
    }
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

fn opt_f(x: Option<f64>) -> String {
    x.map(fmt_f).unwrap_or_default()
}

/// Matches per 1,000 tokens (none without tokens).
fn rate_of(count: u64, tokens: u64) -> Option<f64> {
    (tokens != 0).then(|| count as f64 * 1000.0 / tokens as f64)
}

fn rate(count: u64, tokens: u64) -> String {
    opt_f(rate_of(count, tokens))
}

/// Mean valence weight of `n` matches whose scaled weights sum to `sum`.
fn mean_weight_of(sum: i64, n: u64) -> Option<f64> {
    (n != 0).then(|| sum as f64 / VALENCE_SCALE / n as f64)
}

fn mean_weight(sum: i64, n: u64) -> String {
    opt_f(mean_weight_of(sum, n))
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
    use std::fmt::Write;
    let c = &f.counts;
    // Cells are written one at a time through one scratch string: a row has
    // a few hundred cells and a document should not cost as many strings.
    let mut buf = String::with_capacity(32);
    let mut int = |w: &mut csv::Writer<Vec<u8>>, n: u64| {
        buf.clear();
        let _ = write!(buf, "{n}");
        w.write_field(&buf)
    };
    for cell in [
        doc.id.as_str(),
        &doc.source,
        doc.story.as_deref().unwrap_or(""),
        doc.date.as_deref().unwrap_or(""),
        doc.title.as_deref().unwrap_or(""),
        &doc.origin.file,
    ] {
        w.write_field(safe_cell(cell, style).as_ref())?;
    }
    if doc.origin.line == 0 {
        w.write_field("")?;
    } else {
        int(w, doc.origin.line)?;
    }
    w.write_field(doc.encoding)?;
    for n in [
        c.repairs,
        c.tokens,
        c.authorial_tokens,
        c.quoted_tokens,
        c.sentences,
    ] {
        int(w, n)?;
    }
    let mut fbuf = String::with_capacity(32);
    let mut float = |w: &mut csv::Writer<Vec<u8>>, x: Option<f64>| {
        fbuf.clear();
        if let Some(x) = x {
            fmt_f_into(&mut fbuf, x);
        }
        w.write_field(&fbuf)
    };
    float(
        w,
        (c.tokens != 0).then(|| c.quoted_tokens as f64 / c.tokens as f64),
    )?;
    let offsets = lex.variant_offsets();
    for (fi, fam) in lex.families.iter().enumerate() {
        let counts = &c.variants[offsets[fi]..offsets[fi + 1]];
        let n: u64 = counts.iter().map(|x| x[0]).sum();
        let q: u64 = counts.iter().map(|x| x[1]).sum();
        let score = crate::estimators::raw_score(
            counts.iter().map(|x| x[0]),
            fam.variants.iter().map(|v| v.tone),
        );
        int(w, n)?;
        int(w, q)?;
        float(w, score)?;
    }
    for (ci, cat) in lex.categories.iter().enumerate() {
        let n = c.categories[ci][0];
        int(w, n)?;
        float(w, rate_of(n, c.authorial_tokens))?;
        if cat.valence {
            float(w, mean_weight_of(c.weight_sums[ci][0], n))?;
        }
    }
    for cell in extra {
        w.write_field(cell)?;
    }
    w.write_record(None::<&[u8]>)
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
    // Most contexts and terms have nothing to blank out: write them as
    // they are, and format the numbers on the stack.
    let context = blank_controls(&text[cs..ce], true);
    let term = blank_controls(&text[s..e], false);
    let mut num = [0u8; 20];
    for cell in [&doc.id, &doc.source, doc.story.as_deref().unwrap_or("")] {
        w.write_field(safe_cell(cell, style).as_ref())?;
    }
    w.write_field(decimal(&mut num, rec.sentence as u64))?;
    for cell in [rec.voice.as_str(), kind, group, variant, tone.as_str()] {
        w.write_field(cell)?;
    }
    w.write_field(safe_cell(&term, style).as_ref())?;
    w.write_field(decimal(&mut num, s as u64))?;
    w.write_field(decimal(&mut num, e as u64))?;
    w.write_field(safe_cell(&context, style).as_ref())?;
    w.write_record(None::<&[u8]>)
}

/// `s` with control characters (and, if `separators`, U+2028 / U+2029)
/// replaced by spaces; borrowed when there are none.
fn blank_controls(s: &str, separators: bool) -> Cow<'_, str> {
    let blank = |c: char| c.is_control() || (separators && (c == '\u{2028}' || c == '\u{2029}'));
    if !s.chars().any(blank) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if blank(c) { ' ' } else { c }).collect())
}

/// `n` in decimal, written into the end of `buf`.
fn decimal(buf: &mut [u8; 20], mut n: u64) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_match_to_string() {
        let mut buf = [0u8; 20];
        for n in [0, 1, 9, 10, 99, 100, 12_345, u32::MAX as u64, u64::MAX] {
            assert_eq!(decimal(&mut buf, n), n.to_string().as_bytes());
        }
    }

    #[test]
    fn controls_are_blanked_only_when_present() {
        let cases: &[(&str, bool, &str, bool)] = &[
            ("plain words", true, "plain words", true),
            ("tab\there", false, "tab here", false),
            ("line\u{2028}sep", true, "line sep", false),
            ("line\u{2028}sep", false, "line\u{2028}sep", true),
            ("", true, "", true),
        ];
        for &(input, separators, want, borrowed) in cases {
            let got = blank_controls(input, separators);
            assert_eq!(got, want, "{input:?}");
            assert_eq!(matches!(got, Cow::Borrowed(_)), borrowed, "{input:?}");
        }
    }

    /// Appending keeps `fmt_f`'s trimming (written out here the long way).
    #[test]
    fn fmt_f_into_trims_like_fmt_f() {
        let mut s = String::new();
        for x in [0.5, -1.0, 10.0, 1.0 / 3.0, -0.0000001, 1e-7, 123456.0] {
            s.clear();
            fmt_f_into(&mut s, x);
            let mut old = format!("{x:.6}");
            if old.contains('.') {
                while old.ends_with('0') {
                    old.pop();
                }
                if old.ends_with('.') {
                    old.pop();
                }
            }
            if old == "-0" {
                old = "0".into();
            }
            assert_eq!(s, old, "{x}");
        }
    }
}
