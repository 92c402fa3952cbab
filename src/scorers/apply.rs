//! Applying the shipped models during `slant analyze`: per-sentence
//! loaded-language probabilities (with the words read as loaded),
//! per-document mean and maximum, per-document outlet slant, and per-source
//! means with document-bootstrap intervals.
//!
//! ```
//! use slant::scorers::apply::Scorers;
//! // No model files in an empty directory: nothing to apply.
//! let dir = std::env::temp_dir().join("slant-no-models-doc");
//! std::fs::create_dir_all(&dir).unwrap();
//! let s = Scorers::load(&dir).unwrap();
//! assert!(s.is_empty());
//! assert!(s.document_header().is_empty());
//! ```

use super::loaded::{self, LoadedModel, SentenceScore};
use super::outlet::{self, OutletModel, SlantScore};
use super::stack::{SourceInput, Stacker};
use super::textfeat::{FeatWorkspace, Featurizer};
use super::wordcache::Models;
use crate::corpus::Document;
use crate::error::Result;
use crate::estimators::framing::{percentile_interval, replicate_rng};
use crate::features::Vocab;
use crate::report::csvout::blank_controls;
use crate::report::{fmt_f, fmt_f_into, safe_cell, CsvStyle};
use crate::text::Analyzed;
use rand::Rng;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// A model file in use, as recorded in `run.json`: its kind, the path it
/// was loaded from and the SHA-256 of its bytes, so that a report can be
/// traced to the exact model that produced it.
///
/// ```
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded;
/// use slant::scorers::model_file::file_sha256;
/// // A model directory holding a copy of the shipped loaded-language model only.
/// let shipped = Scorers::default_dir().join(loaded::FILE_NAME);
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::copy(&shipped, dir.path().join(loaded::FILE_NAME)).unwrap();
/// let scorers = Scorers::load(dir.path()).unwrap();
/// assert_eq!(scorers.info.len(), 1);
/// let info = &scorers.info[0];
/// assert_eq!(info.kind, loaded::KIND);
/// assert!(info.path.ends_with("loaded-language.json"));
/// // Same bytes, same checksum as the shipped file.
/// assert_eq!(info.sha256, file_sha256(&shipped).unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ModelInfo {
    /// Model kind.
    pub kind: String,
    /// Path as found.
    pub path: String,
    /// SHA-256 of the file.
    pub sha256: String,
}

/// The models found in a model directory, with the featurizer they need.
/// Each model is optional: a directory may hold either file, both or
/// neither, and the extra report columns follow what was found.
///
/// ```
/// use slant::corpus::Document;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded;
/// // A model directory with the loaded-language model but no outlet-slant model.
/// let dir = tempfile::tempdir().unwrap();
/// let shipped = Scorers::default_dir().join(loaded::FILE_NAME);
/// std::fs::copy(&shipped, dir.path().join(loaded::FILE_NAME)).unwrap();
/// let scorers = Scorers::load(dir.path()).unwrap();
/// assert!(scorers.loaded.is_some() && scorers.outlet.is_none());
/// assert_eq!(scorers.document_header(), ["loaded_mean", "loaded_max"]);
///
/// let doc = Document::new(
///     "1",
///     "Daily",
///     "The radical thugs slammed the disgraceful plan. The committee met on Tuesday.",
/// );
/// let mut ws = scorers.workspace(); // one per thread
/// let scores = scorers.score_document(&doc, &mut ws);
/// assert_eq!(scores.sentences.len(), 2);
/// assert!(scores.sentences[0].probability > scores.sentences[1].probability);
/// assert_eq!(scorers.document_cells(&scores).len(), scorers.document_header().len());
/// ```
#[derive(Debug, Clone)]
pub struct Scorers {
    /// Loaded-language model, if its file is present.
    pub loaded: Option<LoadedModel>,
    /// Outlet-slant model, if its file is present.
    pub outlet: Option<OutletModel>,
    /// Files in use.
    pub info: Vec<ModelInfo>,
    fz: Featurizer,
    /// For each family of the featurizer's lexicon, its feature index in
    /// the outlet model's source stacker (empty without a stacker).
    stack_slots: Vec<Option<u16>>,
}

/// Scores of one document: the loaded-language probability of each
/// sentence with their mean and maximum, and the outlet slant. A part is
/// `None` (or empty) when its model is not loaded.
///
/// ```
/// use slant::corpus::Document;
/// use slant::scorers::apply::{DocScores, Scorers};
/// # use slant::scorers::loaded;
/// # let dir = tempfile::tempdir().unwrap();
/// # let shipped = Scorers::default_dir().join(loaded::FILE_NAME);
/// # std::fs::copy(&shipped, dir.path().join(loaded::FILE_NAME)).unwrap();
/// // `dir` holds the loaded-language model only.
/// let scorers = Scorers::load(dir.path()).unwrap();
/// let doc = Document::new(
///     "1",
///     "Daily",
///     "The radical senator's disgraceful bill passed. The vote was held on Tuesday.",
/// )
/// .with_title("Senate vote");
/// let s: DocScores = scorers.score_document(&doc, &mut scorers.workspace());
/// // The title is the document's first sentence.
/// assert_eq!(s.sentences.len(), 3);
/// let p: Vec<f64> = s.sentences.iter().map(|x| x.probability).collect();
/// assert_eq!(s.loaded_max, p.iter().copied().reduce(f64::max));
/// assert!((s.loaded_mean.unwrap() - p.iter().sum::<f64>() / 3.0).abs() < 1e-12);
/// assert!(s.slant.is_none()); // no outlet-slant model in `dir`
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocScores {
    /// Per sentence (in order), when the loaded-language model is active.
    pub sentences: Vec<SentenceScore>,
    /// Mean sentence probability.
    pub loaded_mean: Option<f64>,
    /// Largest sentence probability.
    pub loaded_max: Option<f64>,
    /// Outlet slant.
    pub slant: Option<SlantScore>,
    /// Authorial framing-family totals `(stacker feature, Σ tone,
    /// matches)` for the outlet model's source stacker (empty without one).
    pub families: Vec<(u16, f64, u32)>,
}

/// What the per-source columns need of one document: its mean
/// loaded-language probability, its phrase slant and its framing-family
/// totals for the source stacker ([`DocScores::summary`]).
///
/// ```
/// use slant::scorers::apply::DocModelSummary;
/// let d = DocModelSummary { loaded: Some(0.4), slant: None, families: vec![] };
/// assert_eq!(d.clone(), d);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocModelSummary {
    /// Mean sentence probability of loaded language.
    pub loaded: Option<f64>,
    /// Phrase slant.
    pub slant: Option<f64>,
    /// `(stacker feature, Σ tone, matches)` per family with matches.
    pub families: Vec<(u16, f64, u32)>,
}

impl DocScores {
    /// The document's part of the per-source columns.
    ///
    /// ```
    /// use slant::scorers::apply::DocScores;
    /// let s = DocScores { loaded_mean: Some(0.25), ..DocScores::default() };
    /// let d = s.summary();
    /// assert_eq!((d.loaded, d.slant), (Some(0.25), None));
    /// ```
    pub fn summary(&self) -> DocModelSummary {
        DocModelSummary {
            loaded: self.loaded_mean,
            slant: self.slant.as_ref().map(|x| x.slant),
            families: self.families.clone(),
        }
    }

    /// Set `loaded_mean` and `loaded_max` from `sentences` (left `None`
    /// when there are none).
    fn summarise_sentences(&mut self) {
        if !self.sentences.is_empty() {
            let n = self.sentences.len() as f64;
            self.loaded_mean = Some(self.sentences.iter().map(|s| s.probability).sum::<f64>() / n);
            self.loaded_max = self
                .sentences
                .iter()
                .map(|s| s.probability)
                .reduce(f64::max);
        }
    }
}

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
/// use slant::scorers::apply::{Scorers, DOCUMENT_COLUMNS};
/// let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
/// assert!(scorers.document_header().iter().all(|c| DOCUMENT_COLUMNS.contains(&c.as_str())));
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
/// [`DOCUMENT_COLUMNS`]).
///
/// ```
/// use slant::scorers::apply::{Scorers, SOURCE_COLUMNS};
/// let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
/// assert!(scorers.source_header().iter().all(|c| SOURCE_COLUMNS.contains(&c.as_str())));
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

impl Scorers {
    /// The default model directory: `models/` in the working directory if
    /// it exists, else `models/` in the source checkout slant was built from.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::{loaded, outlet};
    /// let dir = Scorers::default_dir();
    /// assert!(dir.ends_with("models"));
    /// assert!(dir.join(loaded::FILE_NAME).is_file() && dir.join(outlet::FILE_NAME).is_file());
    /// ```
    pub fn default_dir() -> PathBuf {
        let local = PathBuf::from("models");
        if local.is_dir() {
            return local;
        }
        Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
    }

    /// Load whichever model files are present in `dir`. A present but
    /// unusable file (other format version, damaged) is an error.
    ///
    /// ```
    /// use slant::scorers::{apply::Scorers, loaded};
    /// use slant::ErrorKind;
    /// # let dir = tempfile::tempdir().unwrap();
    /// // `dir` is an empty directory: no model, and no error.
    /// assert!(Scorers::load(dir.path()).unwrap().info.is_empty());
    /// std::fs::write(dir.path().join(loaded::FILE_NAME), "{ not a model").unwrap();
    /// let err = Scorers::load(dir.path()).unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::Model { .. }));
    /// ```
    pub fn load(dir: &Path) -> Result<Scorers> {
        let mut info = Vec::new();
        let lp = dir.join(loaded::FILE_NAME);
        let loaded = if lp.is_file() {
            let m = LoadedModel::load(&lp)?;
            info.push(ModelInfo {
                kind: loaded::KIND.into(),
                path: lp.display().to_string(),
                sha256: super::model_file::file_sha256(&lp)?,
            });
            Some(m)
        } else {
            None
        };
        let op = dir.join(outlet::FILE_NAME);
        let outlet = if op.is_file() {
            let m = OutletModel::load(&op)?;
            info.push(ModelInfo {
                kind: outlet::KIND.into(),
                path: op.display().to_string(),
                sha256: super::model_file::file_sha256(&op)?,
            });
            Some(m)
        } else {
            None
        };
        let fz = Featurizer::new();
        let stack_slots = match outlet.as_ref().and_then(|m| m.file().stack.as_ref()) {
            Some(st) => fz
                .lexicon()
                .families
                .iter()
                .map(|f| {
                    st.families
                        .iter()
                        .position(|id| *id == f.id)
                        .map(|j| j as u16)
                })
                .collect(),
            None => Vec::new(),
        };
        Ok(Scorers {
            loaded,
            outlet,
            info,
            fz,
            stack_slots,
        })
    }

    /// Whether no model is active. Scoring then gives empty scores.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::scorers::apply::{DocScores, Scorers};
    /// # let dir = tempfile::tempdir().unwrap();
    /// // `dir` is an empty directory.
    /// let scorers = Scorers::load(dir.path()).unwrap();
    /// assert!(scorers.is_empty());
    /// let doc = Document::new("1", "Daily", "Critics slammed the plan.");
    /// assert_eq!(scorers.score_document(&doc, &mut scorers.workspace()), DocScores::default());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.loaded.is_none() && self.outlet.is_none()
    }

    /// Per-thread buffers; reusing them for many documents does not change
    /// the scores.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::scorers::apply::Scorers;
    /// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
    /// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
    /// // `dir` holds the loaded-language model only.
    /// let scorers = Scorers::load(dir.path()).unwrap();
    /// let loaded = Document::new("1", "Daily", "The radical thugs slammed the disgraceful plan.");
    /// let plain = Document::new("2", "Daily", "The committee met on Tuesday.");
    /// let mut ws = scorers.workspace(); // keep one per thread
    /// let first = scorers.score_document(&loaded, &mut ws);
    /// assert!(first.loaded_max > scorers.score_document(&plain, &mut ws).loaded_max);
    /// assert_eq!(scorers.score_document(&loaded, &mut ws), first);
    /// ```
    pub fn workspace(&self) -> FeatWorkspace {
        self.fz.workspace()
    }

    /// Extra `documents.csv` columns, following the models loaded.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
    /// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
    /// // `dir` holds the loaded-language model only.
    /// let scorers = Scorers::load(dir.path()).unwrap();
    /// assert_eq!(scorers.document_header(), ["loaded_mean", "loaded_max"]);
    /// ```
    pub fn document_header(&self) -> Vec<String> {
        let c = &DOCUMENT_COLUMNS;
        let mut h = Vec::new();
        if self.loaded.is_some() {
            h.extend(c[0..2].iter().map(|s| s.to_string()));
        }
        if let Some(m) = &self.outlet {
            h.push(c[2].to_string());
            if m.has_probabilities() {
                h.extend(c[3..6].iter().map(|s| s.to_string()));
            }
        }
        h
    }

    /// Extra `sources.csv` columns (see [`Scorers::source_cells`]),
    /// following the models loaded.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
    /// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
    /// // `dir` holds the loaded-language model only.
    /// let scorers = Scorers::load(dir.path()).unwrap();
    /// assert_eq!(scorers.source_header(), ["loaded_mean", "loaded_ci_low", "loaded_ci_high"]);
    /// ```
    pub fn source_header(&self) -> Vec<String> {
        let c = &SOURCE_COLUMNS;
        let mut h = Vec::new();
        if self.loaded.is_some() {
            h.extend(c[0..3].iter().map(|s| s.to_string()));
        }
        if self.stacker().is_some() {
            h.extend([c[3], c[5], c[6], c[4], c[7]].map(String::from));
        } else if self.outlet.is_some() {
            h.extend(c[4..8].iter().map(|s| s.to_string()));
        }
        h
    }

    /// The outlet model's source stacker, if it has one.
    fn stacker(&self) -> Option<&Stacker> {
        self.outlet.as_ref().and_then(|m| m.file().stack.as_ref())
    }

    /// A document's authorial family totals keyed by stacker feature
    /// (empty without a stacker).
    fn stack_totals(&self, matches: &[crate::features::MatchRecord]) -> Vec<(u16, f64, u32)> {
        if self.stack_slots.is_empty() {
            return Vec::new();
        }
        let mut v: Vec<(u16, f64, u32)> = self
            .fz
            .family_totals(matches)
            .into_iter()
            .filter_map(|(f, t, n)| {
                let slot = self.stack_slots.get(f as usize).copied().flatten()?;
                Some((slot, t, n))
            })
            .collect();
        v.sort_by_key(|e| e.0);
        v
    }

    /// Score one document.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::scorers::apply::Scorers;
    /// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
    /// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
    /// // `dir` holds the loaded-language model only.
    /// let scorers = Scorers::load(dir.path()).unwrap();
    /// let doc = Document::new("7", "Daily", "Critics slammed the shameful, reckless decision.");
    /// let s = scorers.score_document(&doc, &mut scorers.workspace());
    /// assert_eq!(s.sentences.len(), 1);
    /// assert_eq!(s.loaded_mean, Some(s.sentences[0].probability));
    /// // The words the model reads as loaded, with their byte spans.
    /// let words: Vec<&str> = s.sentences[0].words.iter()
    ///     .map(|w| &doc.text[w.start as usize..w.end as usize]).collect();
    /// assert!(words.contains(&"shameful"));
    /// ```
    pub fn score_document(&self, doc: &Document, ws: &mut FeatWorkspace) -> DocScores {
        let mut out = DocScores::default();
        if self.is_empty() {
            return out;
        }
        let f = self.fz.analyse(doc, ws);
        let (a, cache) = ws.parts();
        if let Some(m) = &self.loaded {
            out.sentences = (0..a.sentences.len() as u32)
                .map(|s| m.score(&self.fz, a, &f.matches, Some(s), cache))
                .collect();
            out.summarise_sentences();
        }
        if let Some(m) = &self.outlet {
            out.slant = Some(m.score(a));
            out.families = self.stack_totals(&f.matches);
        }
        out
    }

    /// Score a document the main extraction has just analysed: `a` is its
    /// analysis and `ids` the vocabulary ids of its tokens in `vocab` (see
    /// [`Workspace::token_ids`](crate::features::Workspace::token_ids)).
    /// Gives the same scores as [`Scorers::score_document`] without
    /// analysing the text again; `ws` must be used with one vocabulary.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
    /// use slant::lexicon::Lexicon;
    /// use slant::scorers::apply::Scorers;
    /// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
    /// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
    /// // `dir` holds the loaded-language model only.
    /// let scorers = Scorers::load(dir.path()).unwrap();
    /// let lexicon = Lexicon::builtin();
    /// let extractor = Extractor::new(&lexicon, FeatureOptions::default());
    /// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lexicon));
    /// let mut fws = scorers.workspace();
    /// for text in ["Critics slammed the shameful plan.", "The plan passed. Critics slammed it!"] {
    ///     let doc = Document::new("1", "Daily", text);
    ///     extractor.extract(&doc, &mut ws, &mut agg);
    ///     let s = scorers.score_analyzed(&ws.analyzed, ws.token_ids(), &agg.vocab, &mut fws);
    ///     assert_eq!(s, scorers.score_document(&doc, &mut fws));
    /// }
    /// ```
    pub fn score_analyzed(
        &self,
        a: &Analyzed,
        ids: &[u32],
        vocab: &Vocab,
        ws: &mut FeatWorkspace,
    ) -> DocScores {
        let mut out = DocScores::default();
        if self.is_empty() {
            return out;
        }
        let models = Models {
            fz: &self.fz,
            loaded: self.loaded.as_ref(),
            outlet: self.outlet.as_ref(),
        };
        let cache = &mut ws.words;
        cache.prepare(&models, a, ids, vocab);
        let mut rs = std::mem::take(&mut cache.scratch_rows);
        if let Some(m) = &self.loaded {
            let mut rest = &cache.matches[..];
            out.sentences = (0..a.sentences.len() as u32)
                .map(|s| {
                    let n = rest.partition_point(|r| r.sentence <= s);
                    let (here, later) = rest.split_at(n);
                    rest = later;
                    m.score_cached(&self.fz, a, cache, s, here, &mut rs)
                })
                .collect();
            out.summarise_sentences();
        }
        if let Some(m) = &self.outlet {
            out.slant = Some(m.score_cached(a, cache, &mut rs.counter));
            out.families = self.stack_totals(&cache.matches);
        }
        cache.scratch_rows = rs;
        out
    }

    /// Extra `documents.csv` cells for `s`, in the order of
    /// [`Scorers::document_header`]; a missing score is an empty cell.
    ///
    /// ```
    /// use slant::scorers::apply::{DocScores, Scorers};
    /// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
    /// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
    /// // `dir` holds the loaded-language model only.
    /// let scorers = Scorers::load(dir.path()).unwrap();
    /// let s = DocScores { loaded_mean: Some(0.25), loaded_max: Some(0.5), ..Default::default() };
    /// assert_eq!(scorers.document_cells(&s), ["0.25", "0.5"]);
    /// assert_eq!(scorers.document_cells(&DocScores::default()), ["", ""]);
    /// ```
    pub fn document_cells(&self, s: &DocScores) -> Vec<String> {
        let opt = |x: Option<f64>| x.map(fmt_f).unwrap_or_default();
        let mut c = Vec::new();
        if self.loaded.is_some() {
            c.push(opt(s.loaded_mean));
            c.push(opt(s.loaded_max));
        }
        if let Some(m) = &self.outlet {
            c.push(opt(s.slant.as_ref().map(|x| x.slant)));
            if m.has_probabilities() {
                for k in 0..3 {
                    c.push(opt(s
                        .slant
                        .as_ref()
                        .and_then(|x| x.probabilities)
                        .map(|p| p[k])));
                }
            }
        }
        c
    }

    /// Write the `sentences.csv` rows of one document (columns
    /// [`SENTENCES_HEADER`], one row per sentence; none without the
    /// loaded-language model): the sentence's byte span in the analysed
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
    /// use slant::scorers::apply::{Scorers, SENTENCES_HEADER};
    /// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
    /// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
    /// // `dir` holds the loaded-language model only.
    /// let scorers = Scorers::load(dir.path()).unwrap();
    /// let doc = Document::new("=7", "Daily", "Thugs slammed the disgraceful plan. The vote is on Tuesday.");
    /// let mut ws = scorers.workspace();
    /// let s = scorers.score_document(&doc, &mut ws);
    /// let mut w = csv::Writer::from_writer(Vec::new());
    /// w.write_record(SENTENCES_HEADER).unwrap();
    /// scorers.sentence_rows(&mut w, &doc, ws.text(), &s, CsvStyle::default()).unwrap();
    /// let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
    /// let rows: Vec<&str> = csv.lines().skip(1).collect();
    /// assert_eq!(rows.len(), 2);
    /// assert!(rows[0].starts_with("'=7,Daily,0,0,35,"));
    /// assert!(rows[0].contains("Thugs:0.") && rows[0].ends_with(",Thugs slammed the disgraceful plan."));
    /// assert!(rows[1].ends_with(",,The vote is on Tuesday.")); // no loaded word
    /// ```
    pub fn sentence_rows(
        &self,
        w: &mut csv::Writer<Vec<u8>>,
        doc: &Document,
        text: &str,
        s: &DocScores,
        style: CsvStyle,
    ) -> csv::Result<()> {
        if self.loaded.is_none() {
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
    /// as loaded (see [`loaded_word_row`](crate::report::loaded_word_row)).
    ///
    /// ```
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
    /// scorers.evidence_rows(&mut w, &doc, ws.text(), &s, CsvStyle::default()).unwrap();
    /// let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
    /// assert!(csv.lines().all(|l| l.starts_with("1,Daily,,1,authorial,loaded_word,loaded_language,,")));
    /// assert!(csv.contains(",Thugs,24,29,"));
    /// ```
    pub fn evidence_rows(
        &self,
        w: &mut csv::Writer<Vec<u8>>,
        doc: &Document,
        text: &str,
        s: &DocScores,
        style: CsvStyle,
    ) -> csv::Result<()> {
        for (i, sc) in s.sentences.iter().enumerate() {
            for lw in &sc.words {
                crate::report::loaded_word_row(
                    w,
                    doc,
                    text,
                    i as u32,
                    lw.voice,
                    lw.start as usize,
                    lw.end as usize,
                    lw.probability,
                    style,
                )?;
            }
        }
        Ok(())
    }

    /// Per-source cells: for each active model, the mean over the source's
    /// documents and a 95% percentile interval from `bootstrap` replicates
    /// resampling those documents (streams from
    /// [`replicate_rng`]`(seed, "model\u{1f}source", r)`; no interval with
    /// fewer than 2 documents). `docs[i]` holds the [`DocModelSummary`]
    /// of every document of the `i`-th source.
    ///
    /// An outlet model with a source stacker ([`stack`](super::stack))
    /// gives `slant`, the stacked outlet slant of the source's documents
    /// (mean phrase slant and framing-family totals), with its interval
    /// from the same document resamples, then `slant_mean`, the mean
    /// document phrase slant (no interval). Without a stacker: `slant_mean`
    /// with its interval.
    ///
    /// The outlet model also gets `slant_shrunk`: the source's
    /// empirical-Bayes posterior mean slant
    /// ([`Shrinkage`](crate::estimators::shrink::Shrinkage) fitted over all
    /// sources of the run), which ranks sources with few documents
    /// sensibly (a one-article source is pulled towards the overall level);
    /// empty when the run has too few sources or documents to fit it.
    ///
    /// ```
    /// use slant::scorers::apply::{DocModelSummary, Scorers};
    /// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
    /// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
    /// // `dir` holds the loaded-language model only.
    /// let scorers = Scorers::load(dir.path()).unwrap();
    /// // loaded_mean per document; no slant without the outlet model.
    /// let doc = |p: f64| DocModelSummary { loaded: Some(p), ..DocModelSummary::default() };
    /// let docs = [vec![doc(0.2), doc(0.4), doc(0.3)], vec![doc(0.9)]];
    /// let cells = scorers.source_cells(&["Daily", "Herald"], &docs, 42, 200);
    /// assert_eq!(cells[0].len(), scorers.source_header().len());
    /// let (low, high): (f64, f64) = (cells[0][1].parse().unwrap(), cells[0][2].parse().unwrap());
    /// assert_eq!(cells[0][0], "0.3");
    /// assert!(0.2 <= low && low <= 0.3 && 0.3 <= high && high <= 0.4);
    /// assert_eq!(cells[1], ["0.9", "", ""]); // one document: no interval
    /// ```
    pub fn source_cells(
        &self,
        names: &[&str],
        docs: &[Vec<DocModelSummary>],
        seed: u64,
        bootstrap: usize,
    ) -> Vec<Vec<String>> {
        let never = AtomicBool::new(false);
        self.source_cells_until(names, docs, seed, bootstrap, &never)
            .unwrap_or_default()
    }

    /// [`Scorers::source_cells`] that stops within a bootstrap replicate
    /// of `stop` being set, returning `None` then.
    pub(crate) fn source_cells_until(
        &self,
        names: &[&str],
        docs: &[Vec<DocModelSummary>],
        seed: u64,
        bootstrap: usize,
        stop: &AtomicBool,
    ) -> Option<Vec<Vec<String>>> {
        let slants: Vec<Vec<f64>> = docs
            .iter()
            .map(|d| d.iter().filter_map(|x| x.slant).collect())
            .collect();
        let shrink = self.outlet.as_ref().and_then(|_| {
            let groups: Vec<&[f64]> = slants.iter().map(Vec::as_slice).collect();
            crate::estimators::shrink::Shrinkage::fit(&groups)
        });
        let cells = names
            .iter()
            .zip(docs.iter().zip(&slants))
            .map(|(name, (d, v))| {
                let mut cells = Vec::new();
                if self.loaded.is_some() {
                    let v: Vec<f64> = d.iter().filter_map(|x| x.loaded).collect();
                    cells.extend(mean_interval(
                        &v,
                        seed,
                        &format!("loaded\u{1f}{name}"),
                        bootstrap,
                        stop,
                    ));
                }
                if let Some(st) = self.stacker() {
                    cells.extend(stacked_interval(
                        st,
                        d,
                        seed,
                        &format!("slant\u{1f}{name}"),
                        bootstrap,
                        stop,
                    ));
                    cells.push(mean_interval(v, seed, "", 0, stop)[0].clone());
                } else if self.outlet.is_some() {
                    cells.extend(mean_interval(
                        v,
                        seed,
                        &format!("slant\u{1f}{name}"),
                        bootstrap,
                        stop,
                    ));
                }
                if self.outlet.is_some() {
                    cells.push(match &shrink {
                        Some(sh) if !v.is_empty() => fmt_f(sh.shrink(v)),
                        _ => String::new(),
                    });
                }
                cells
            })
            .collect();
        (!stop.load(Ordering::Relaxed)).then_some(cells)
    }
}

/// The stacker's input from some documents (`pick` yields indexes into
/// `docs`, repeats allowed); `None` without a phrase slant.
fn stack_input(
    st: &Stacker,
    docs: &[DocModelSummary],
    pick: impl Iterator<Item = usize>,
) -> Option<SourceInput> {
    let mut x = SourceInput {
        phrase: 0.0,
        families: vec![(0.0, 0.0); st.families.len()],
    };
    let mut n = 0usize;
    for i in pick {
        let d = &docs[i];
        if let Some(s) = d.slant {
            x.phrase += s;
            n += 1;
        }
        for &(f, tone, m) in &d.families {
            if let Some(e) = x.families.get_mut(f as usize) {
                e.0 += tone;
                e.1 += m as f64;
            }
        }
    }
    (n > 0).then(|| {
        x.phrase /= n as f64;
        x
    })
}

/// The stacked source slant and its document-bootstrap interval (empty
/// cells without documents; no interval with fewer than two).
fn stacked_interval(
    st: &Stacker,
    docs: &[DocModelSummary],
    seed: u64,
    key: &str,
    bootstrap: usize,
    stop: &AtomicBool,
) -> [String; 3] {
    let Some(input) = stack_input(st, docs, 0..docs.len()) else {
        return [String::new(), String::new(), String::new()];
    };
    interval_cells(
        st.score(&input),
        docs.len(),
        seed,
        key,
        bootstrap,
        stop,
        |pick| stack_input(st, docs, pick.iter().copied()).map_or(f64::NAN, |x| st.score(&x)),
    )
}

/// Mean and bootstrap interval cells (empty when there are no values; no
/// interval with fewer than two).
fn mean_interval(
    v: &[f64],
    seed: u64,
    key: &str,
    bootstrap: usize,
    stop: &AtomicBool,
) -> [String; 3] {
    if v.is_empty() {
        return [String::new(), String::new(), String::new()];
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    interval_cells(mean, v.len(), seed, key, bootstrap, stop, |pick| {
        pick.iter().map(|&i| v[i]).sum::<f64>() / n
    })
}

/// An estimate over `n` documents and its 95% percentile interval from
/// `bootstrap` resamples of them (`stat` of the resampled indexes; streams
/// from [`replicate_rng`]`(seed, key, r)`), as cells; no interval with
/// fewer than two documents.
fn interval_cells(
    est: f64,
    n: usize,
    seed: u64,
    key: &str,
    bootstrap: usize,
    stop: &AtomicBool,
    stat: impl Fn(&[usize]) -> f64,
) -> [String; 3] {
    let ci = (n >= 2 && bootstrap > 0)
        .then(|| {
            let mut pick = vec![0usize; n];
            let reps: Vec<f64> = (0..bootstrap as u64)
                .take_while(|_| !stop.load(Ordering::Relaxed))
                .map(|r| {
                    let mut rng = replicate_rng(seed, key, r);
                    for p in pick.iter_mut() {
                        *p = rng.random_range(0..n);
                    }
                    stat(&pick)
                })
                .collect();
            percentile_interval(reps, est)
        })
        .flatten();
    [
        fmt_f(est),
        ci.map(|c| fmt_f(c.0)).unwrap_or_default(),
        ci.map(|c| fmt_f(c.1)).unwrap_or_default(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Per-source intervals stop within a replicate when asked.
    #[test]
    fn source_cells_stop_when_asked() {
        let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
        let docs: Vec<Vec<DocModelSummary>> = vec![
            (0..1000)
                .map(|i| DocModelSummary {
                    loaded: Some(i as f64 / 1e3),
                    slant: Some(0.1),
                    families: vec![(0, 0.5, 1)],
                })
                .collect();
            20
        ];
        let names: Vec<String> = (0..20).map(|i| format!("s{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let stop = AtomicBool::new(true);
        let t = std::time::Instant::now();
        assert!(scorers
            .source_cells_until(&names, &docs, 1, 100_000, &stop)
            .is_none());
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
        stop.store(false, Ordering::Relaxed);
        let cells = scorers.source_cells_until(&names, &docs, 1, 20, &stop);
        assert_eq!(cells, Some(scorers.source_cells(&names, &docs, 1, 20)));
    }
}
