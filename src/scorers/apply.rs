//! Applying the shipped models during `slant analyze`: per-sentence
//! loaded-language probabilities (with the words read as loaded),
//! per-document mean and maximum, and per-document outlet slant, as typed
//! scores. Their per-source statistics are in
//! [`estimators::models`](crate::estimators::models) and their report
//! cells in [`report::models`](crate::report::models).
//!
//! ```
//! use slant::scorers::apply::Scorers;
//! // No model files in an empty directory: nothing to apply.
//! let dir = std::env::temp_dir().join("slant-no-models-doc");
//! std::fs::create_dir_all(&dir).unwrap();
//! let s = Scorers::load(&dir).unwrap();
//! assert!(s.is_empty());
//! ```

use super::loaded::{LoadedModel, SentenceScore};
use super::outlet::{OutletModel, SlantScore};
use super::stack::Stacker;
use super::textfeat::{FeatWorkspace, Featurizer};
use super::wordcache::{EntryModels, WordEntry, NONE};
use crate::corpus::Document;
use crate::error::Result;
use crate::features::Vocab;
use crate::text::Analyzed;
use std::path::{Path, PathBuf};

pub use super::model_file::ModelInfo;

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
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
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
        use super::model_file::ModelFile;
        let mut info = Vec::new();
        let loaded = LoadedModel::find(dir)?.map(|(m, i)| {
            info.push(i);
            m
        });
        let outlet = OutletModel::find(dir)?.map(|(m, i)| {
            info.push(i);
            m
        });
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

    /// The outlet model's source stacker, if it has one.
    pub fn stacker(&self) -> Option<&Stacker> {
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
}

/// The models an entry is computed for.
struct Models<'a> {
    pub fz: &'a Featurizer,
    pub loaded: Option<&'a LoadedModel>,
    pub outlet: Option<&'a OutletModel>,
}

impl EntryModels for Models<'_> {
    fn matcher(&self) -> &crate::lexicon::TokenMatcher {
        self.fz.matcher()
    }

    fn owner(&self) -> (usize, usize) {
        (
            self.loaded.map_or(0, |m| m as *const _ as usize),
            self.outlet.map_or(0, |m| m as *const _ as usize),
        )
    }

    fn entry(&self, key: &str, pool: &mut Vec<u32>, id: u32) -> WordEntry {
        let mut e = WordEntry {
            key: id,
            word: true,
            ..WordEntry::EMPTY
        };
        let s = pool.len() as u32;
        self.fz.matcher().starts_for(key, pool);
        e.starts = (s, pool.len() as u32);
        if let Some(m) = self.loaded {
            e.l_type = m.type_logit(key);
        }
        if let Some(m) = self.outlet {
            let r = m.space().word(key);
            e.o_uni = r.column.unwrap_or(NONE);
            e.o_pair = r.pair_word.unwrap_or(NONE);
        }
        e
    }
}
