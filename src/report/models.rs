//! The learned scores' cells in the reports: the columns the models add
//! to `documents.csv` (those of `sources.csv` are formatted with the
//! other per-source cells), the rows of `sentences.csv`, and
//! the loaded words in `evidence.csv`. The models
//! ([`scorers`](crate::scorers)) return typed scores and the estimators
//! ([`estimators::models`](crate::estimators::models)) typed per-source statistics; this is where
//! they become text.

use super::csvout::blank_controls;
use super::{fmt_f, fmt_f_into, safe_cell, CsvStyle};
use crate::corpus::Document;
use crate::scorers::apply::{DocScores, Scorers};
use std::fmt::Write as _;

/// Header of `sentences.csv`.
pub const SENTENCES_HEADER: &[&str] = &[
    "document_id",
    "source",
    "sentence",
    "start",
    "end",
    "probability",
    "decision",
    "loaded",
    "loaded_words",
    "text",
];

/// Every column the learned scorers can add to `documents.csv` (which
/// ones a run writes depends on the models it loads). Lexicon ids may not
/// derive any of them, whatever the models, so that a lexicon `slant
/// lexicon check` accepts is one every run accepts.
///
/// ```
/// use slant::report::models::{document_header, DOCUMENT_COLUMNS};
/// use slant::scorers::apply::Scorers;
/// let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
/// assert!(document_header(&scorers).iter().all(|c| DOCUMENT_COLUMNS.contains(&c.as_str())));
/// ```
pub const DOCUMENT_COLUMNS: [&str; 6] = [
    "loaded_mean",
    "loaded_max",
    "slant",
    "p_left",
    "p_center",
    "p_right",
];

/// Every column the learned scorers can add to `sources.csv` (see
/// [`DOCUMENT_COLUMNS`]; which ones a run writes is
/// [`source_values`](crate::estimators::models::source_values)' choice).
///
/// ```
/// use slant::estimators::models::source_values;
/// use slant::report::models::SOURCE_COLUMNS;
/// use slant::scorers::apply::Scorers;
/// let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
/// assert!(source_values(&scorers, &[]).columns.iter().all(|c| SOURCE_COLUMNS.contains(c)));
/// ```
pub const SOURCE_COLUMNS: [&str; 8] = [
    "loaded_mean",
    "loaded_ci_low",
    "loaded_ci_high",
    "slant",
    "slant_mean",
    "slant_ci_low",
    "slant_ci_high",
    "slant_shrunk",
];

/// Extra `documents.csv` columns, following the models loaded.
///
/// ```
/// use slant::report::models::document_header;
/// use slant::scorers::apply::Scorers;
/// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
/// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
/// // `dir` holds the loaded-language model only.
/// let scorers = Scorers::load(dir.path()).unwrap();
/// assert_eq!(document_header(&scorers), ["loaded_mean", "loaded_max"]);
/// ```
pub fn document_header(scorers: &Scorers) -> Vec<String> {
    scorers
        .models()
        .flat_map(|m| m.doc_columns().iter().map(|c| c.to_string()))
        .collect()
}

/// Extra `documents.csv` cells for `s`, in the order of
/// [`document_header`]; a missing score is an empty cell.
///
/// ```
/// use slant::report::models::document_cells;
/// use slant::scorers::apply::{DocScores, Scorers};
/// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
/// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
/// // `dir` holds the loaded-language model only.
/// let scorers = Scorers::load(dir.path()).unwrap();
/// let s = DocScores { loaded_mean: Some(0.25), loaded_max: Some(0.5), ..Default::default() };
/// assert_eq!(document_cells(&scorers, &s), ["0.25", "0.5"]);
/// assert_eq!(document_cells(&scorers, &DocScores::default()), ["", ""]);
/// ```
pub fn document_cells(scorers: &Scorers, s: &DocScores) -> Vec<String> {
    let mut c = Vec::new();
    for m in scorers.models() {
        m.doc_values(s, &mut |v| c.push(v.map(fmt_f).unwrap_or_default()));
    }
    c
}

/// Write the `sentences.csv` rows of one document (columns
/// [`SENTENCES_HEADER`], one row per sentence; none without the
/// loaded-language model): the sentence's byte span in the analyzed
/// original `text` (title, blank line, body), its probability, the
/// decision probability and `loaded` (1 when the decision is at or above
/// the model's threshold), the words the model reads as loaded with
/// their probabilities (`word:0.83; other:0.61`, in text order), and the
/// sentence text (control characters as spaces). Text cells are guarded
/// as `style` says.
///
/// ```
/// use slant::corpus::Document;
/// use slant::report::CsvStyle;
/// use slant::report::models::{sentence_rows, SENTENCES_HEADER};
/// use slant::scorers::apply::Scorers;
/// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
/// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
/// // `dir` holds the loaded-language model only.
/// let scorers = Scorers::load(dir.path()).unwrap();
/// let doc = Document::new("=7", "Daily", "Thugs slammed the disgraceful plan. The vote is on Tuesday.");
/// let mut ws = scorers.workspace();
/// let s = scorers.score_document(&doc, &mut ws);
/// let mut w = csv::Writer::from_writer(Vec::new());
/// w.write_record(SENTENCES_HEADER).unwrap();
/// sentence_rows(&scorers, &mut w, &doc, ws.text(), &s, CsvStyle::default()).unwrap();
/// let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
/// let rows: Vec<&str> = csv.lines().skip(1).collect();
/// assert_eq!(rows.len(), 2);
/// assert!(rows[0].starts_with("'=7,Daily,0,0,35,"));
/// assert!(rows[0].contains("Thugs:0.") && rows[0].ends_with(",Thugs slammed the disgraceful plan."));
/// assert!(rows[1].ends_with(",,The vote is on Tuesday.")); // no loaded word
/// ```
pub fn sentence_rows(
    scorers: &Scorers,
    w: &mut csv::Writer<Vec<u8>>,
    doc: &Document,
    text: &str,
    s: &DocScores,
    style: CsvStyle,
) -> csv::Result<()> {
    sentence_rows_where(scorers, w, doc, text, s, style, false)
}

/// [`sentence_rows`], with `loaded_only` just the sentences the model
/// decides are loaded (`loaded` = 1; `--sentences loaded`). Rows keep
/// their sentence numbers in the document.
///
/// ```
/// use slant::corpus::Document;
/// use slant::report::CsvStyle;
/// use slant::report::models::sentence_rows_where;
/// use slant::scorers::apply::Scorers;
/// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
/// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
/// let scorers = Scorers::load(dir.path()).unwrap();
/// let doc = Document::new("7", "Daily", "The vote is on Tuesday. Thugs slammed the disgraceful plan.");
/// let mut ws = scorers.workspace();
/// let s = scorers.score_document(&doc, &mut ws);
/// let mut w = csv::Writer::from_writer(Vec::new());
/// sentence_rows_where(&scorers, &mut w, &doc, ws.text(), &s, CsvStyle::default(), true).unwrap();
/// let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
/// assert_eq!(csv.lines().count(), 1);
/// assert!(csv.starts_with("7,Daily,1,24,")); // the second sentence
/// ```
pub fn sentence_rows_where(
    scorers: &Scorers,
    w: &mut csv::Writer<Vec<u8>>,
    doc: &Document,
    text: &str,
    s: &DocScores,
    style: CsvStyle,
    loaded_only: bool,
) -> csv::Result<()> {
    if scorers.loaded().is_none() {
        return Ok(());
    }
    // Cells go straight to the writer; scratch strings for numbers and
    // the word list.
    let mut num = String::with_capacity(24);
    let mut words = String::new();
    let id = safe_cell(&doc.id, style);
    let source = safe_cell(&doc.source, style);
    let slice = |a: u32, b: u32| text.get(a as usize..b as usize).unwrap_or("");
    for (i, sc) in s.sentences.iter().enumerate() {
        if loaded_only && !sc.loaded {
            continue;
        }
        w.write_field(id.as_ref())?;
        w.write_field(source.as_ref())?;
        for n in [i as u64, sc.span.0 as u64, sc.span.1 as u64] {
            num.clear();
            let _ = write!(num, "{n}");
            w.write_field(&num)?;
        }
        for v in [sc.probability, sc.decision] {
            num.clear();
            fmt_f_into(&mut num, v);
            w.write_field(&num)?;
        }
        w.write_field(if sc.loaded { "1" } else { "0" })?;
        words.clear();
        for (k, lw) in sc.words.iter().enumerate() {
            if k > 0 {
                words.push_str("; ");
            }
            words.push_str(&blank_controls(slice(lw.start, lw.end), true));
            words.push(':');
            let _ = write!(words, "{:.2}", lw.probability);
        }
        w.write_field(safe_cell(&words, style).as_ref())?;
        let t = blank_controls(slice(sc.span.0, sc.span.1), true);
        w.write_field(safe_cell(&t, style).as_ref())?;
        w.write_record(None::<&[u8]>)?;
    }
    Ok(())
}

/// Write one `evidence.csv` row per word the loaded-language model reads
/// as loaded (see [`loaded_word_row`](super::loaded_word_row)).
///
/// ```
/// use slant::report::models::evidence_rows;
/// use slant::corpus::Document;
/// use slant::report::CsvStyle;
/// use slant::scorers::apply::Scorers;
/// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
/// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
/// // `dir` holds the loaded-language model only.
/// let scorers = Scorers::load(dir.path()).unwrap();
/// let doc = Document::new("1", "Daily", "The vote is on Tuesday. Thugs slammed the disgraceful plan.");
/// let mut ws = scorers.workspace();
/// let s = scorers.score_document(&doc, &mut ws);
/// let mut w = csv::Writer::from_writer(Vec::new());
/// evidence_rows(&mut w, &doc, ws.text(), &s, CsvStyle::default(), None).unwrap();
/// let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
/// assert!(csv.lines().all(|l| l.starts_with("1,Daily,,1,authorial,loaded_word,loaded_language,,")));
/// assert!(csv.contains(",Thugs,24,29,"));
/// ```
pub fn evidence_rows(
    w: &mut csv::Writer<Vec<u8>>,
    doc: &Document,
    text: &str,
    s: &DocScores,
    style: CsvStyle,
    link: Option<&str>,
) -> csv::Result<()> {
    for (i, sc) in s.sentences.iter().enumerate() {
        for lw in &sc.words {
            super::loaded_word_row(
                w,
                doc,
                text,
                i as u32,
                lw.voice,
                lw.start as usize,
                lw.end as usize,
                lw.probability,
                style,
                link,
            )?;
        }
    }
    Ok(())
}
