//! The per-document rows: `documents.csv`, `evidence.csv`, the loaded words of `sentences.csv`
//! and `rejected.csv`. Column order is fixed here and documented in the README's data dictionary.

use super::csvout::*;
use crate::corpus::{Document, Rejection};
use crate::features::{DocFeatures, MatchRecord};
use crate::lexicon::{Lexicon, Target};

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

/// A CSV error of the file at `path`.
fn csv_error(path: &std::path::Path) -> impl Fn(csv::Error) -> crate::error::Error + Copy + '_ {
    move |e| {
        crate::error::Error::new(crate::error::ErrorKind::Csv {
            path: path.to_path_buf(),
            source: e,
        })
    }
}

/// A reader of the CSV file at `path`, its header as a record.
fn raw_reader(path: &std::path::Path) -> crate::error::Result<csv::Reader<std::fs::File>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .map_err(csv_error(path))
}

/// Rewrite the family cells of `documents.csv` at `path` for the families
/// that name their referents ([`Family::referents`](crate::lexicon::Family::referents)):
/// `linked[i]` holds row `i`'s counts of their linked matches as (flat
/// variant, [authorial, quoted]); `{family}_matches`,
/// `{family}_quoted_matches` and `{family}_score` are written from them, the
/// other cells as they are.
///
/// ```
/// use slant::lexicon::Lexicon;
/// use slant::report::relink_documents;
/// let lex = Lexicon::from_toml_str("mini.toml", r#"
/// [[family]]
/// id = "armed_group"
/// referents = ["Taliban"]
/// [[family.variant]]
/// id = "terrorist"
/// tone = -1.0
/// terms = ["terrorists"]
/// [[family.variant]]
/// id = "insurgent"
/// tone = 0.0
/// terms = ["insurgents"]
/// "#).unwrap();
/// let dir = tempfile::tempdir().unwrap();
/// let p = dir.path().join("documents.csv");
/// std::fs::write(&p, "id,armed_group_matches,armed_group_quoted_matches,armed_group_score\n\
///                     1,3,1,-0.6667\n2,0,0,\n").unwrap();
/// relink_documents(&p, &lex, &[vec![(1, [1, 0])], vec![]]).unwrap();
/// assert_eq!(
///     std::fs::read_to_string(&p).unwrap(),
///     "id,armed_group_matches,armed_group_quoted_matches,armed_group_score\n1,1,0,0\n2,0,0,\n"
/// );
/// ```
pub fn relink_documents(
    path: &std::path::Path,
    lex: &Lexicon,
    linked: &[Vec<(u32, [u64; 2])>],
) -> crate::error::Result<()> {
    use crate::error::{Error, ErrorKind};
    let io = |e: std::io::Error| Error::io(path, e);
    let bad = csv_error(path);
    let mut r = raw_reader(path)?;
    let mut header = csv::StringRecord::new();
    if !r.read_record(&mut header).map_err(bad)? {
        return Ok(());
    }
    let col = |name: String| header.iter().position(|h| h == name);
    let offsets = lex.variant_offsets();
    // Per named family: its flat variants, tones, and its three columns.
    let mut named = Vec::new();
    for (fi, f) in lex.families.iter().enumerate() {
        if f.referents.is_empty() {
            continue;
        }
        let cols = (
            col(format!("{}_matches", f.id)),
            col(format!("{}_quoted_matches", f.id)),
            col(format!("{}_score", f.id)),
        );
        if let (Some(a), Some(b), Some(c)) = cols {
            named.push((offsets[fi]..offsets[fi + 1], f, [a, b, c]));
        }
    }
    let tmp = path.with_extension("csv.linking");
    let f = std::fs::File::create(&tmp).map_err(io)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
    w.write_byte_record(header.as_byte_record()).map_err(bad)?;
    let mut rec = csv::ByteRecord::new();
    let mut row = 0usize;
    let mut cells: Vec<Vec<u8>> = Vec::new();
    while r.read_byte_record(&mut rec).map_err(bad)? {
        let counts = linked.get(row).ok_or_else(|| {
            Error::new(ErrorKind::Internal(format!(
                "{}: more rows than documents analysed",
                path.display()
            )))
        })?;
        row += 1;
        cells.clear();
        cells.extend(rec.iter().map(<[u8]>::to_vec));
        for (flats, fam, [a, b, c]) in &named {
            let of = |flat: usize| {
                counts
                    .iter()
                    .find(|(f, _)| *f as usize == flat)
                    .map_or([0, 0], |x| x.1)
            };
            let per: Vec<[u64; 2]> = flats.clone().map(of).collect();
            let n: u64 = per.iter().map(|x| x[0]).sum();
            let q: u64 = per.iter().map(|x| x[1]).sum();
            let score = crate::estimators::raw_score(
                per.iter().map(|x| x[0]),
                fam.variants.iter().map(|v| v.tone),
            );
            cells[*a] = n.to_string().into_bytes();
            cells[*b] = q.to_string().into_bytes();
            cells[*c] = score.map(fmt_f).unwrap_or_default().into_bytes();
        }
        w.write_record(&cells).map_err(bad)?;
    }
    if row != linked.len() {
        return Err(Error::new(ErrorKind::Internal(format!(
            "{}: {row} rows for {} documents analysed",
            path.display(),
            linked.len()
        ))));
    }
    w.flush().map_err(io)?;
    drop(w);
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(())
}

/// The last column of `evidence.csv` while a run writes it with referents
/// on: the key of the label each match is in
/// ([`MentionKey::to_cell`](crate::features::referents::MentionKey::to_cell)),
/// which [`link_evidence`] turns into [`EVIDENCE_LINK_COLUMNS`].
pub const LINK_KEY_COLUMN: &str = "label_key";

/// The columns [`link_evidence`] puts in place of [`LINK_KEY_COLUMN`].
pub const EVIDENCE_LINK_COLUMNS: [&str; 2] = ["referent", "link"];

/// Rewrite the `evidence.csv` at `path` whose last column is
/// [`LINK_KEY_COLUMN`]: each key becomes the referent its label is linked
/// to and the rule (`unresolved` twice for a label no rule links, both
/// empty for a match in no label), by `res` (`None`: labels were not
/// resolved, the column is dropped). A file without the column is left as
/// it is. Returns whether it was rewritten.
///
/// ```
/// use slant::features::referents::{LabelOptions, ReferentCounts};
/// use slant::report::link_evidence;
/// use slant::text::Analyzed;
/// let (mut a, mut c) = (Analyzed::default(), ReferentCounts::default());
/// for (s, t) in [("a", "Taliban fighters attacked."), ("b", "Taliban fighters fled.")] {
///     a.analyze(t);
///     c.add_document(&a, s, None);
/// }
/// let (_, res) = c.labels_resolved(&LabelOptions::default(), true);
/// let dir = tempfile::tempdir().unwrap();
/// let p = dir.path().join("evidence.csv");
/// std::fs::write(&p, "document_id,source,story,label_key\n1,a,,premodifier\ttaliban\n2,b,,\n").unwrap();
/// assert!(link_evidence(&p, Some(&res), Default::default()).unwrap());
/// assert_eq!(
///     std::fs::read_to_string(&p).unwrap(),
///     "document_id,source,story,referent,link\n1,a,,Taliban,premodifier\n2,b,,,\n"
/// );
/// ```
pub fn link_evidence(
    path: &std::path::Path,
    res: Option<&crate::features::referents::LabelResolution>,
    style: CsvStyle,
) -> crate::error::Result<bool> {
    use crate::error::Error;
    use crate::features::referents::{MentionKey, UNRESOLVED};
    let io = |e: std::io::Error| Error::io(path, e);
    let bad = csv_error(path);
    let mut r = raw_reader(path)?;
    let mut rec = csv::ByteRecord::new();
    if !r.read_byte_record(&mut rec).map_err(bad)?
        || rec.iter().next_back() != Some(LINK_KEY_COLUMN.as_bytes())
    {
        return Ok(false);
    }
    let tmp = path.with_extension("csv.linking");
    let f = std::fs::File::create(&tmp).map_err(io)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
    let n = rec.len() - 1;
    let write_head = |w: &mut csv::Writer<_>, rec: &csv::ByteRecord| -> csv::Result<()> {
        for cell in rec.iter().take(n) {
            w.write_field(cell)?;
        }
        Ok(())
    };
    write_head(&mut w, &rec).map_err(bad)?;
    if res.is_some() {
        w.write_record(EVIDENCE_LINK_COLUMNS).map_err(bad)?;
    } else {
        w.write_record(None::<&[u8]>).map_err(bad)?;
    }
    let story_col = EVIDENCE_HEADER.iter().position(|h| *h == "story");
    while r.read_byte_record(&mut rec).map_err(bad)? {
        write_head(&mut w, &rec).map_err(bad)?;
        if let Some(res) = res {
            let cell = std::str::from_utf8(rec.get(n).unwrap_or_default()).unwrap_or("");
            let story = story_col
                .and_then(|i| rec.get(i))
                .and_then(|s| std::str::from_utf8(s).ok())
                .unwrap_or("");
            // The story cell as written: undo the formula guard's quote.
            let story = match !style.raw {
                true => story
                    .strip_prefix('\'')
                    .filter(|s| s.starts_with(['=', '+', '-', '@', '\t', '\r']))
                    .unwrap_or(story),
                false => story,
            };
            let (referent, rule) = match MentionKey::parse(cell) {
                None => (String::new(), ""),
                Some(key) => match res.referent(story, &key) {
                    Some((r, rule)) => (safe_cell(r, style).into_owned(), rule.as_str()),
                    None => (UNRESOLVED.to_string(), UNRESOLVED),
                },
            };
            w.write_field(referent).map_err(bad)?;
            w.write_field(rule).map_err(bad)?;
        }
        w.write_record(None::<&[u8]>).map_err(bad)?;
    }
    w.flush().map_err(io)?;
    drop(w);
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(true)
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

/// One `evidence.csv` row: `text` is the analyzed original string
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
///     evidence_row(&mut w, &d, &ws.text, m, &lex, CsvStyle::default(), None).unwrap();
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
    link: Option<&str>,
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
    write_evidence(w, doc, text, rec.sentence, labels, span, style, link)
}

/// Write one `evidence.csv` row: the document's cells, the sentence, the
/// five label cells (voice, kind, group, variant, tone), then the term at
/// `span` of `text` (on character boundaries), its offsets and up to 60
/// bytes of context either side; then `link`, when given (the key of the
/// label the match is in, resolved into `referent` and `link` at the end
/// of the run).
#[allow(clippy::too_many_arguments)]
fn write_evidence(
    w: &mut csv::Writer<Vec<u8>>,
    doc: &Document,
    text: &str,
    sentence: u32,
    labels: [&str; 5],
    span: std::ops::Range<usize>,
    style: CsvStyle,
    link: Option<&str>,
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
    if let Some(link) = link {
        w.write_field(link)?;
    }
    w.write_record(None::<&[u8]>)
}

/// Write one `evidence.csv` row for a word the loaded-language model reads
/// as loaded: kind `loaded_word`, group `loaded_language`, the word's
/// probability in the `tone` column, and its byte span `start..end` in the
/// analyzed original `text` (title, blank line, body) with context, like
/// [`evidence_row`].
///
/// ```
/// use slant::corpus::Document;
/// use slant::report::{evidence_header, loaded_word_row, CsvStyle};
/// use slant::text::Voice;
/// let doc = Document::new("7", "Daily", "Critics slammed the plan.");
/// let mut w = csv::Writer::from_writer(Vec::new());
/// w.write_record(evidence_header()).unwrap();
/// loaded_word_row(&mut w, &doc, &doc.text, 0, Voice::Authorial, 8, 15, 0.8125, CsvStyle::default(), None)
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
    link: Option<&str>,
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
    write_evidence(w, doc, text, sentence, labels, s..e, style, link)
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
