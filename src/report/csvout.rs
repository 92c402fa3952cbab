//! CSV rows for every report file. Column order is fixed here and
//! documented in the README's data dictionary.

use crate::corpus::{Document, Rejection};
use crate::estimators::Estimates;
use crate::features::referents::LabelRow;
use crate::features::{Aggregates, DocFeatures, MatchRecord, VALENCE_SCALE};
use crate::lexicon::{Lexicon, Target};
use std::borrow::Cow;
use std::io::Write;

/// How text cells are written.
///
/// ```
/// use slant::corpus::{Origin, Rejection};
/// use slant::report::{rejected_row, CsvStyle};
/// let r = Rejection {
///     origin: Origin { file: "in.csv".into(), line: 2, record: 1 },
///     id: Some("=1+1".into()),
///     reason: "no text".into(),
/// };
/// let row = |style: CsvStyle| {
///     let mut w = csv::Writer::from_writer(Vec::new());
///     rejected_row(&mut w, &r, style).unwrap();
///     String::from_utf8(w.into_inner().unwrap()).unwrap()
/// };
/// assert_eq!(row(CsvStyle::default()), "in.csv,2,1,'=1+1,no text\n");
/// assert_eq!(row(CsvStyle { raw: true }), "in.csv,2,1,=1+1,no text\n");
/// ```
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
pub(crate) fn rate_of(count: u64, tokens: u64) -> Option<f64> {
    (tokens != 0).then(|| count as f64 * 1000.0 / tokens as f64)
}

fn rate(count: u64, tokens: u64) -> String {
    opt_f(rate_of(count, tokens))
}

/// Mean valence weight of `n` matches whose scaled weights sum to `sum`.
pub(crate) fn mean_weight_of(sum: i64, n: u64) -> Option<f64> {
    (n != 0).then(|| sum as f64 / VALENCE_SCALE / n as f64)
}

fn mean_weight(sum: i64, n: u64) -> String {
    opt_f(mean_weight_of(sum, n))
}

/// Header of `documents.csv` for a lexicon: fixed columns, then three per
/// family and two per category (three for a valence category).
///
/// ```
/// use slant::report::document_header;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// // `lex`: family "armed_group" and category "hedge".
/// let h = document_header(&lex);
/// assert_eq!(h[..5], ["id", "source", "story", "date", "date_parsed"]);
/// assert_eq!(
///     h[15..],
///     ["armed_group_matches", "armed_group_quoted_matches", "armed_group_score",
///      "hedge_count", "hedge_rate"]
/// );
/// ```
pub fn document_header(lex: &Lexicon) -> Vec<String> {
    let mut h: Vec<String> = [
        "id",
        "source",
        "story",
        "date",
        "date_parsed",
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

/// One `documents.csv` row, in the columns of [`document_header`].
///
/// ```
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// use slant::report::{document_header, document_row, CsvStyle};
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, text: &str| Document::new(id, source, text);
/// // `lex`: family "armed_group" (variants "terrorist", "insurgent") and
/// // category "hedge" ("reportedly"); `doc(id, source, text)` builds a Document.
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// let d = doc("7", "a", "The insurgents reportedly fled.");
/// let f = ex.extract(&d, &mut ws, &mut agg);
/// let mut w = csv::Writer::from_writer(Vec::new());
/// w.write_record(document_header(&lex)).unwrap();
/// document_row(&mut w, &d, &f, &lex, CsvStyle::default()).unwrap();
/// let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
/// // 4 tokens, 1 sentence; 1 "insurgent" match (tone 0); 1 hedge, 250 per 1,000 tokens.
/// assert_eq!(csv.lines().nth(1), Some("7,a,,,,,(in memory),,UTF-8,0,4,4,0,1,0,1,0,0,1,250"));
/// ```
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
///
/// ```
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// use slant::report::{document_header, document_row_extra, CsvStyle};
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, text: &str| Document::new(id, source, text);
/// // `lex`: family "armed_group" (variants "terrorist", "insurgent") and
/// // category "hedge" ("reportedly"); `doc(id, source, text)` builds a Document.
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// let d = doc("7", "a", "The insurgents reportedly fled.");
/// let f = ex.extract(&d, &mut ws, &mut agg);
/// let mut header = document_header(&lex);
/// header.push("model_score".into());
/// let mut w = csv::Writer::from_writer(Vec::new());
/// w.write_record(&header).unwrap();
/// let extra = ["0.42".to_string()];
/// document_row_extra(&mut w, &d, &f, &lex, CsvStyle::default(), &extra).unwrap();
/// let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
/// assert!(csv.lines().nth(1).unwrap().ends_with(",1,250,0.42"));
/// ```
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
    for cell in [
        doc.id.as_str(),
        &doc.source,
        doc.story.as_deref().unwrap_or(""),
        doc.date.as_deref().unwrap_or(""),
    ] {
        w.write_field(safe_cell(cell, style).as_ref())?;
    }
    // The date read into a calendar day: empty when missing, unparseable
    // or impossible (counted in run.json).
    buf.clear();
    if let Some(Ok(d)) = doc.parsed_date() {
        let _ = write!(buf, "{d}");
    }
    w.write_field(&buf)?;
    for cell in [doc.title.as_deref().unwrap_or(""), &doc.origin.file] {
        w.write_field(safe_cell(cell, style).as_ref())?;
    }
    let mut int = |w: &mut csv::Writer<Vec<u8>>, n: u64| {
        buf.clear();
        let _ = write!(buf, "{n}");
        w.write_field(&buf)
    };
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

/// Header of `evidence.csv`: the names of its thirteen columns.
///
/// ```
/// use slant::report::evidence_header;
/// let mut w = csv::Writer::from_writer(Vec::new());
/// w.write_record(evidence_header()).unwrap();
/// assert_eq!(
///     String::from_utf8(w.into_inner().unwrap()).unwrap(),
///     "document_id,source,story,sentence,voice,kind,group,variant,tone,term,start,end,context\n"
/// );
/// ```
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

/// One `evidence.csv` row: `text` is the analysed original string
/// ([`Workspace::text`](crate::features::Workspace::text) after extraction),
/// which the match's byte offsets index.
///
/// ```
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// use slant::report::{evidence_row, CsvStyle};
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, text: &str| Document::new(id, source, text);
/// // `lex`: family "armed_group" (variants "terrorist", "insurgent") and
/// // category "hedge" ("reportedly"); `doc(id, source, text)` builds a Document.
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// let d = doc("7", "a", "Officials said \"terrorists\" fled.");
/// let f = ex.extract(&d, &mut ws, &mut agg);
/// let mut w = csv::Writer::from_writer(Vec::new());
/// for m in &f.matches {
///     evidence_row(&mut w, &d, &ws.text, m, &lex, CsvStyle::default()).unwrap();
/// }
/// let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
/// assert_eq!(
///     csv,
///     "7,a,,0,quoted,family,armed_group,terrorist,-1,terrorists,16,26,\
///      \"Officials said \"\"terrorists\"\" fled.\"\n"
/// );
/// ```
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
    let labels = [rec.voice.as_str(), kind, group, variant, tone.as_str()];
    let span = rec.original.start..rec.original.end;
    write_evidence(w, doc, text, rec.sentence, labels, span, style)
}

/// Write one `evidence.csv` row: the document's cells, the sentence, the
/// five label cells (voice, kind, group, variant, tone), then the term at
/// `span` of `text` (on character boundaries), its offsets and up to 60
/// bytes of context either side.
fn write_evidence(
    w: &mut csv::Writer<Vec<u8>>,
    doc: &Document,
    text: &str,
    sentence: u32,
    labels: [&str; 5],
    span: std::ops::Range<usize>,
    style: CsvStyle,
) -> csv::Result<()> {
    let (s, e) = (span.start, span.end);
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
    w.write_field(decimal(&mut num, sentence as u64))?;
    for cell in labels {
        w.write_field(cell)?;
    }
    w.write_field(safe_cell(&term, style).as_ref())?;
    w.write_field(decimal(&mut num, s as u64))?;
    w.write_field(decimal(&mut num, e as u64))?;
    w.write_field(safe_cell(&context, style).as_ref())?;
    w.write_record(None::<&[u8]>)
}

/// Write one `evidence.csv` row for a word the loaded-language model reads
/// as loaded: kind `loaded_word`, group `loaded_language`, the word's
/// probability in the `tone` column, and its byte span `start..end` in the
/// analysed original `text` (title, blank line, body) with context, like
/// [`evidence_row`].
///
/// ```
/// use slant::corpus::Document;
/// use slant::report::{evidence_header, loaded_word_row, CsvStyle};
/// use slant::text::Voice;
/// let doc = Document::new("7", "Daily", "Critics slammed the plan.");
/// let mut w = csv::Writer::from_writer(Vec::new());
/// w.write_record(evidence_header()).unwrap();
/// loaded_word_row(&mut w, &doc, &doc.text, 0, Voice::Authorial, 8, 15, 0.8125, CsvStyle::default())
///     .unwrap();
/// let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
/// let row = csv.lines().nth(1).unwrap();
/// assert_eq!(row, "7,Daily,,0,authorial,loaded_word,loaded_language,,0.8125,slammed,8,15,Critics slammed the plan.");
/// ```
#[allow(clippy::too_many_arguments)]
pub fn loaded_word_row(
    w: &mut csv::Writer<Vec<u8>>,
    doc: &Document,
    text: &str,
    sentence: u32,
    voice: crate::text::Voice,
    start: usize,
    end: usize,
    probability: f64,
    style: CsvStyle,
) -> csv::Result<()> {
    let s = floor_char(text, start);
    let e = ceil_char(text, end.max(s));
    let p = fmt_f(probability);
    let labels = [
        voice.as_str(),
        "loaded_word",
        "loaded_language",
        "",
        p.as_str(),
    ];
    write_evidence(w, doc, text, sentence, labels, s..e, style)
}

/// `s` with control characters (and, if `separators`, U+2028 / U+2029)
/// replaced by spaces; borrowed when there are none.
pub(crate) fn blank_controls(s: &str, separators: bool) -> Cow<'_, str> {
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

/// One `rejected.csv` row, in the columns of [`REJECTED_HEADER`]. A line
/// or record number of 0 (a whole file) is written as an empty cell.
///
/// ```
/// use slant::corpus::{Origin, Rejection};
/// use slant::report::{rejected_row, CsvStyle, REJECTED_HEADER};
/// let r = Rejection {
///     origin: Origin { file: "notes.bin".into(), line: 0, record: 0 },
///     id: None,
///     reason: "binary file".into(),
/// };
/// let mut w = csv::Writer::from_writer(Vec::new());
/// w.write_record(REJECTED_HEADER).unwrap();
/// rejected_row(&mut w, &r, CsvStyle::default()).unwrap();
/// let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
/// assert_eq!(csv, "file,line,record,id,reason\nnotes.bin,,,,binary file\n");
/// ```
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

/// The header of `sources.csv`: fixed columns, then per category and per
/// family (the story-adjusted columns when `stories`), then `extra` (the
/// learned scorers' columns).
///
/// ```
/// use slant::report::sources_header;
/// let lex = slant::lexicon::Lexicon::builtin();
/// let h = sources_header(&lex, false, &["slant_mean".to_string()]);
/// assert_eq!(&h[..2], ["source", "documents"]);
/// assert!(h.iter().any(|c| c == "hedge_rate"));
/// assert!(!h.iter().any(|c| c.ends_with("_story_adjusted_score")));
/// assert_eq!(h.last().unwrap(), "slant_mean");
/// ```
pub fn sources_header(lex: &Lexicon, stories: bool, extra: &[String]) -> Vec<String> {
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
        if stories {
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
    for extra in extra {
        h.push(extra.clone());
    }
    h
}

/// The first column name that appears twice in `header`, if any (user
/// lexicon ids such as `x` and `x_quoted` can derive the same column).
///
/// ```
/// use slant::report::duplicate_column;
/// let h = ["foo_rate", "foo_quoted_rate", "foo_quoted_rate"].map(String::from);
/// assert_eq!(duplicate_column(&h), Some("foo_quoted_rate"));
/// assert_eq!(duplicate_column(&h[..2]), None);
/// ```
pub fn duplicate_column(header: &[String]) -> Option<&str> {
    let mut seen = std::collections::HashSet::new();
    header.iter().map(String::as_str).find(|c| !seen.insert(*c))
}

/// Write `sources.csv`: one row per source.
///
/// ```
/// use slant::report::{sources_rows, CsvStyle};
/// # use slant::corpus::Document;
/// # use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, story: &str, text: &str| Document::new(id, source, text).with_story(story);
/// # let docs = [
/// #     doc("1", "a", "s1", "Terrorists attacked the town. The terrorists fled."),
/// #     doc("2", "a", "s2", "Terrorists struck again. The insurgents withdrew."),
/// #     doc("3", "b", "s1", "Insurgents attacked the town."),
/// #     doc("4", "b", "s2", "The insurgents fled. Terrorists, officials said."),
/// # ];
/// # let ex = Extractor::new(&lex, FeatureOptions::default());
/// # let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// # let mut per_doc = Vec::new();
/// # for d in &docs {
/// #     let f = ex.extract(d, &mut ws, &mut agg);
/// #     let sparse: Vec<(u32, u32)> = (0u32..).zip(&f.counts.variants)
/// #         .filter(|(_, c)| c[0] > 0).map(|(v, c)| (v, c[0] as u32)).collect();
/// #     per_doc.push((d.source.clone(), sparse));
/// # }
/// # let by_source: Vec<Vec<&[(u32, u32)]>> = agg.sources.keys()
/// #     .map(|s| per_doc.iter().filter(|(src, _)| src == s).map(|(_, v)| v.as_slice()).collect())
/// #     .collect();
/// # let est = slant::estimators::estimate(
/// #     &agg, &lex, &by_source, &slant::estimators::EstimatorOptions::default());
/// // `agg`, `est`: sources "a" (3 × "terrorists", 1 × "insurgents", in two
/// // documents) and "b" (1 and 2, in two documents).
/// let mut out = Vec::new();
/// sources_rows(&mut out, &agg, &est, &lex, CsvStyle::default()).unwrap();
/// let mut r = csv::Reader::from_reader(out.as_slice());
/// let header = r.headers().unwrap().clone();
/// let col = |name: &str| header.iter().position(|c| c == name).unwrap();
/// let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
/// assert_eq!(rows.len(), 2);
/// let a = &rows[0];
/// assert_eq!((&a[col("source")], &a[col("documents")]), ("a", "2"));
/// assert_eq!(&a[col("armed_group_dominant")], "terrorist");
/// assert_eq!(&a[col("armed_group_raw_score")], "-0.75");
/// assert_eq!(&a[col("armed_group_flag")], "ok");
/// ```
pub fn sources_rows<W: Write>(
    w: W,
    agg: &Aggregates,
    est: &Estimates,
    lex: &Lexicon,
    style: CsvStyle,
) -> csv::Result<()> {
    let (h, rows) = sources_table(agg, est, lex, style);
    write_table(w, &h, &rows)
}

pub(crate) fn write_table<W: Write>(
    w: W,
    header: &[String],
    rows: &[Vec<String>],
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(header)?;
    for row in rows {
        w.write_record(row)?;
    }
    w.flush()?;
    Ok(())
}

/// The cells of `sources.csv`: its header and one row per source, as
/// [`sources_rows`] writes them (and [`sources_long_rows`] reshapes them).
///
/// ```
/// use slant::estimators::Estimates;
/// use slant::features::Aggregates;
/// use slant::report::{sources_table, CsvStyle};
/// let lex = slant::lexicon::Lexicon::builtin();
/// let agg = Aggregates::new(&lex);
/// let (header, rows) = sources_table(&agg, &Estimates::default(), &lex, CsvStyle::default());
/// assert_eq!(&header[..2], ["source", "documents"]);
/// assert!(rows.is_empty()); // no source yet
/// ```
pub fn sources_table(
    agg: &Aggregates,
    est: &Estimates,
    lex: &Lexicon,
    style: CsvStyle,
) -> (Vec<String>, Vec<Vec<String>>) {
    let h = sources_header(lex, est.has_stories, &est.source_extra_headers);
    let mut rows = Vec::with_capacity(agg.sources.len());
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
            if est.has_stories {
                row.push(opt_f(e.story_score));
                row.push(opt_f(e.story_ci.map(|c| c.0)));
                row.push(opt_f(e.story_ci.map(|c| c.1)));
                row.push(e.n_stories.to_string());
            }
        }
        if let Some(extra) = est.source_extra.get(si) {
            row.extend(extra.iter().cloned());
        }
        rows.push(row);
    }
    (h, rows)
}

/// The columns of `sources_long.csv`.
pub const SOURCES_LONG_HEADER: [&str; 6] = ["source", "measure", "value", "ci_low", "ci_high", "n"];

/// Write `sources_long.csv`, the long (tidy) form of `sources.csv`: one
/// row per source and numeric column, with the cells of `sources.csv`
/// itself (`header` and `rows` from [`sources_table`]). A score's row
/// carries its interval (`{family}_score` with `{family}_ci_low` and
/// `_ci_high`, `{family}_story_adjusted_score` with `_story_ci_*`,
/// `loaded_mean` with `loaded_ci_*`, and `slant` with `slant_ci_*`, or
/// `slant_mean` when there is no `slant` column), whose columns get no row
/// of their own; `n` is the count the value rests on: authorial matches
/// for a family's scores, shared stories for a story-adjusted score,
/// documents otherwise. Text columns (`dominant`, `flag`) are left out.
///
/// ```
/// use slant::report::sources_long_rows;
/// let header = ["source", "documents", "armed_group_dominant", "armed_group_score",
///     "armed_group_ci_low", "armed_group_ci_high", "armed_group_n_matches"].map(String::from);
/// let row = ["wire", "3", "terrorist", "-0.6", "-0.9", "-0.2", "5"].map(String::from).to_vec();
/// let mut out = Vec::new();
/// sources_long_rows(&mut out, &header, &[row]).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "\
/// source,measure,value,ci_low,ci_high,n
/// wire,documents,3,,,3
/// wire,armed_group_score,-0.6,-0.9,-0.2,5
/// wire,armed_group_n_matches,5,,,3
/// ");
/// ```
pub fn sources_long_rows<W: Write>(
    w: W,
    header: &[String],
    rows: &[Vec<String>],
) -> csv::Result<()> {
    let col = |name: &str| header.iter().position(|c| c == name);
    let documents = col("documents");
    // (interval columns, n column) per column; `None`: no row.
    type Plan = Option<(Option<(usize, usize)>, Option<usize>)>;
    let mut plan: Vec<Plan> = Vec::new();
    let mut interval_cols = std::collections::HashSet::new();
    for name in header {
        let pair = |lo: String, hi: String| col(&lo).zip(col(&hi));
        let (ci, n) = if let Some(f) = name.strip_suffix("_story_adjusted_score") {
            (
                pair(format!("{f}_story_ci_low"), format!("{f}_story_ci_high")),
                col(&format!("{f}_n_stories")),
            )
        } else if let Some(f) = name
            .strip_suffix("_raw_score")
            .or_else(|| name.strip_suffix("_score"))
        {
            let ci = if name.ends_with("_raw_score") {
                None
            } else {
                pair(format!("{f}_ci_low"), format!("{f}_ci_high"))
            };
            (ci, col(&format!("{f}_n_matches")).or(documents))
        } else if let Some(m) = name.strip_suffix("_mean").filter(|m| col(m).is_none()) {
            // `slant_ci_*` belong to `slant` when the stacker gives it.
            (
                pair(format!("{m}_ci_low"), format!("{m}_ci_high")),
                documents,
            )
        } else {
            (
                pair(format!("{name}_ci_low"), format!("{name}_ci_high")),
                documents,
            )
        };
        if let Some((lo, hi)) = ci {
            interval_cols.insert(lo);
            interval_cols.insert(hi);
        }
        plan.push(Some((ci, n)));
    }
    for (i, name) in header.iter().enumerate() {
        if i == 0
            || interval_cols.contains(&i)
            || name.ends_with("_dominant")
            || name.ends_with("_flag")
        {
            plan[i] = None;
        }
    }
    let mut w = csv::Writer::from_writer(w);
    w.write_record(SOURCES_LONG_HEADER)?;
    let cell =
        |row: &[String], i: Option<usize>| i.and_then(|i| row.get(i)).cloned().unwrap_or_default();
    for row in rows {
        for (i, p) in plan.iter().enumerate() {
            let Some((ci, n)) = p else { continue };
            w.write_record([
                cell(row, Some(0)),
                header[i].clone(),
                cell(row, Some(i)),
                cell(row, ci.map(|c| c.0)),
                cell(row, ci.map(|c| c.1)),
                cell(row, *n),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Write `families.csv`: tidy rows of source × family × variant, for the
/// variants the source used (authorial or quoted): a variant the source
/// never used has no row, nor has a family it never matched. Returns the
/// number of rows written.
///
/// ```
/// use slant::report::{families_rows, CsvStyle};
/// # use slant::corpus::Document;
/// # use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, story: &str, text: &str| Document::new(id, source, text).with_story(story);
/// # let docs = [
/// #     doc("1", "a", "s1", "Terrorists attacked the town. The terrorists fled."),
/// #     doc("2", "a", "s2", "Terrorists struck again. The insurgents withdrew."),
/// #     doc("3", "b", "s1", "Insurgents attacked the town."),
/// #     doc("4", "b", "s2", "The insurgents fled. Terrorists, officials said."),
/// #     doc("5", "c", "s2", "\"Insurgents,\" officials said."),
/// #     doc("6", "d", "s2", "Officials said nothing."),
/// # ];
/// # let ex = Extractor::new(&lex, FeatureOptions::default());
/// # let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// # for d in &docs {
/// #     ex.extract(d, &mut ws, &mut agg);
/// # }
/// // `agg`: sources "a" (3 × "terrorists", 1 × "insurgents") and "b" (1 and 2);
/// // "c" quoted "insurgents" once; "d" matched nothing.
/// let mut out = Vec::new();
/// let rows = families_rows(&mut out, &agg, &lex, CsvStyle::default()).unwrap();
/// let want = "\
/// source,family,variant,tone,authorial_count,quoted_count,share,quoted_share
/// a,armed_group,terrorist,-1,3,0,0.75,
/// a,armed_group,insurgent,0,1,0,0.25,
/// b,armed_group,terrorist,-1,1,0,0.333333,
/// b,armed_group,insurgent,0,2,0,0.666667,
/// c,armed_group,insurgent,0,0,1,,1
/// ";
/// assert_eq!(String::from_utf8(out).unwrap(), want);
/// assert_eq!(rows, 5);
/// ```
pub fn families_rows<W: Write>(
    w: W,
    agg: &Aggregates,
    lex: &Lexicon,
    style: CsvStyle,
) -> csv::Result<u64> {
    let mut w = csv::Writer::from_writer(w);
    let mut written = 0u64;
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
                if a == 0 && qc == 0 {
                    continue;
                }
                written += 1;
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
    Ok(written)
}

/// The columns of `labels.csv`.
pub const LABELS_HEADER: [&str; 8] = [
    "story", "referent", "source", "label", "voice", "link", "count", "z",
];

/// Write `labels.csv`: one row per (story, referent, source, label, voice)
/// with the rules that linked it, its count and the log-odds z of `z`
/// (same order as `rows`); returns the rows written.
///
/// ```
/// use slant::features::referents::LabelRow;
/// use slant::report::{labels_rows, CsvStyle};
/// use slant::text::Voice;
/// let rows = [LabelRow {
///     story: "s1".into(), referent: "Taliban".into(), source: "a".into(),
///     label: "militant group".into(), voice: Voice::Authorial,
///     link: "apposition".into(), count: 2,
/// }];
/// let mut out = Vec::new();
/// assert_eq!(labels_rows(&mut out, &rows, &[f64::NAN], CsvStyle::default()).unwrap(), 1);
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "story,referent,source,label,voice,link,count,z\ns1,Taliban,a,militant group,authorial,apposition,2,\n"
/// );
/// ```
pub fn labels_rows<W: Write>(
    w: W,
    rows: &[LabelRow],
    z: &[f64],
    style: CsvStyle,
) -> csv::Result<u64> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(LABELS_HEADER)?;
    for (r, z) in rows.iter().zip(z) {
        w.write_record([
            safe_cell(&r.story, style).as_ref(),
            safe_cell(&r.referent, style).as_ref(),
            safe_cell(&r.source, style).as_ref(),
            safe_cell(&r.label, style).as_ref(),
            r.voice.as_str(),
            r.link.as_str(),
            r.count.to_string().as_str(),
            fmt_f(*z).as_str(),
        ])?;
    }
    w.flush()?;
    Ok(rows.len() as u64)
}

/// Write `terms.csv`: distinctive family variants and n-grams per source,
/// one row per [`TermRow`](crate::estimators::TermRow) of `est.terms`.
///
/// ```
/// use slant::report::{terms_rows, CsvStyle};
/// # use slant::corpus::Document;
/// # use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, story: &str, text: &str| Document::new(id, source, text).with_story(story);
/// # let docs = [
/// #     doc("1", "a", "s1", "Terrorists attacked the town. The terrorists fled."),
/// #     doc("2", "a", "s2", "Terrorists struck again. The insurgents withdrew."),
/// #     doc("3", "b", "s1", "Insurgents attacked the town."),
/// #     doc("4", "b", "s2", "The insurgents fled. Terrorists, officials said."),
/// # ];
/// # let ex = Extractor::new(&lex, FeatureOptions::default());
/// # let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// # let mut per_doc = Vec::new();
/// # for d in &docs {
/// #     let f = ex.extract(d, &mut ws, &mut agg);
/// #     let sparse: Vec<(u32, u32)> = (0u32..).zip(&f.counts.variants)
/// #         .filter(|(_, c)| c[0] > 0).map(|(v, c)| (v, c[0] as u32)).collect();
/// #     per_doc.push((d.source.clone(), sparse));
/// # }
/// # let by_source: Vec<Vec<&[(u32, u32)]>> = agg.sources.keys()
/// #     .map(|s| per_doc.iter().filter(|(src, _)| src == s).map(|(_, v)| v.as_slice()).collect())
/// #     .collect();
/// # let est = slant::estimators::estimate(
/// #     &agg, &lex, &by_source, &slant::estimators::EstimatorOptions::default());
/// // `agg`, `est`: sources "a" (3 × "terrorists", 1 × "insurgents", in two
/// // documents) and "b" (1 and 2, in two documents).
/// let mut out = Vec::new();
/// terms_rows(&mut out, &agg, &est, CsvStyle::default()).unwrap();
/// let csv = String::from_utf8(out).unwrap();
/// let lines: Vec<&str> = csv.lines().collect();
/// assert_eq!(lines[0], "source,kind,family,term,order,count,count_rest,delta,z,p,q,rank,stopword");
/// assert_eq!(lines.len(), 1 + est.terms.len());
/// // "a" used "terrorist" 3 times, the other sources once: its top variant.
/// assert!(lines[1].starts_with("a,variant,armed_group,terrorist,,3,1,"));
/// assert!(lines[1].ends_with(",1,false"));
/// ```
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

/// Columns of `boilerplate.csv`.
pub const BOILERPLATE_HEADER: &[&str] = &["source", "kind", "text", "documents", "sentences"];

/// Write `boilerplate.csv`: one row per boilerplate sentence (or furniture
/// lead) and source, in the order of
/// [`Boilerplate::rows`](crate::features::boilerplate::Boilerplate::rows).
///
/// ```
/// use slant::features::boilerplate::BoilerplateRow;
/// use slant::report::{boilerplate_rows, CsvStyle};
/// let rows = [BoilerplateRow {
///     source: "wire".into(),
///     kind: "repeated",
///     text: "click here for reprint permission".into(),
///     documents: 40,
///     sentences: 41,
/// }];
/// let mut out = Vec::new();
/// boilerplate_rows(&mut out, &rows, CsvStyle::default()).unwrap();
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "source,kind,text,documents,sentences\nwire,repeated,click here for reprint permission,40,41\n"
/// );
/// ```
pub fn boilerplate_rows<W: Write>(
    w: W,
    rows: &[crate::features::boilerplate::BoilerplateRow],
    style: CsvStyle,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(BOILERPLATE_HEADER)?;
    for r in rows {
        w.write_record([
            safe_cell(&r.source, style).as_ref(),
            r.kind,
            safe_cell(&r.text, style).as_ref(),
            r.documents.to_string().as_str(),
            r.sentences.to_string().as_str(),
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
