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

use super::loaded::LoadedModel;
use super::model_file::ModelFile;
use super::outlet::OutletModel;
use super::scorer::{DocInput, Scorer, Source};
use super::stack::Stacker;
use super::textfeat::{FeatWorkspace, Featurizer};
use super::wordcache::{EntryModels, WordEntry};
use crate::corpus::Document;
use crate::error::Result;
use crate::features::Vocab;
use crate::text::Analyzed;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub use super::model_file::ModelInfo;
pub use super::scorer::{DocModelSummary, DocScores};

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
/// assert!(scorers.loaded().is_some() && scorers.outlet().is_none());
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
    /// The models found, in the order of their columns.
    models: Vec<Arc<dyn Scorer>>,
    /// Files in use.
    pub info: Vec<ModelInfo>,
    fz: Featurizer,
    /// For each family of the featurizer's lexicon, its feature index in
    /// the source stacker (empty without a stacker).
    stack_slots: Vec<Option<u16>>,
    /// Identity of this set of models (shared by its clones), which the
    /// per-thread word caches belong to.
    id: usize,
}

/// The identity of the next set of models loaded.
static NEXT_ID: AtomicUsize = AtomicUsize::new(1);

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
        let mut s = Scorers {
            models: Vec::new(),
            info: Vec::new(),
            fz: Featurizer::new(),
            stack_slots: Vec::new(),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        };
        // Every model slant knows, in the order of their report columns.
        s.add::<LoadedModel>(dir)?;
        s.add::<OutletModel>(dir)?;
        if let Some(st) = s.stacker() {
            s.stack_slots =
                s.fz.lexicon()
                    .families
                    .iter()
                    .map(|f| {
                        st.families
                            .iter()
                            .position(|id| *id == f.id)
                            .map(|j| j as u16)
                    })
                    .collect();
        }
        Ok(s)
    }

    /// Add model `M` if its file is in `dir`.
    fn add<M: ModelFile + Scorer + 'static>(&mut self, dir: &Path) -> Result<()> {
        if let Some((m, info)) = M::find(dir)? {
            self.info.push(info);
            self.models.push(Arc::new(m));
        }
        Ok(())
    }

    /// The models in use, in the order of their report columns.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
    /// let columns: Vec<&str> = scorers.models().flat_map(|m| m.doc_columns().iter().copied()).collect();
    /// assert_eq!(&columns[..3], ["loaded_mean", "loaded_max", "slant"]);
    /// ```
    pub fn models(&self) -> impl Iterator<Item = &dyn Scorer> {
        self.models.iter().map(|m| &**m)
    }

    /// The model of type `M`, if it is in use.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::LoadedModel;
    /// let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
    /// assert!(scorers.get::<LoadedModel>().is_some());
    /// ```
    pub fn get<M: Scorer + 'static>(&self) -> Option<&M> {
        self.models
            .iter()
            .find_map(|m| m.as_any().downcast_ref::<M>())
    }

    /// The loaded-language model, if it is in use.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
    /// assert!(scorers.loaded().is_some_and(|m| m.threshold() > 0.0));
    /// ```
    pub fn loaded(&self) -> Option<&LoadedModel> {
        self.get()
    }

    /// The outlet-slant model, if it is in use.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
    /// assert!(scorers.outlet().is_some());
    /// ```
    pub fn outlet(&self) -> Option<&OutletModel> {
        self.get()
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
        self.models.is_empty()
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

    /// The source stacker of a model in use (the outlet model's), if it
    /// has one.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
    /// let from_outlet = scorers.outlet().and_then(|m| m.file().stack.as_ref());
    /// assert_eq!(scorers.stacker().is_some(), from_outlet.is_some());
    /// ```
    pub fn stacker(&self) -> Option<&Stacker> {
        self.models.iter().find_map(|m| m.stacker())
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
        let f = self.fz.analyze(doc, ws);
        let (a, cache) = ws.parts();
        let mut input = DocInput {
            fz: &self.fz,
            a,
            from: Source::Fresh {
                matches: &f.matches,
                cache,
            },
        };
        for m in &self.models {
            m.score_document(&mut input, &mut out);
        }
        out.families = self.stack_totals(&f.matches);
        out
    }

    /// Score a document the main extraction has just analyzed: `a` is its
    /// analysis and `ids` the vocabulary ids of its tokens in `vocab` (see
    /// [`Workspace::token_ids`](crate::features::Workspace::token_ids)).
    /// Gives the same scores as [`Scorers::score_document`] without
    /// analyzing the text again; `ws` must be used with one vocabulary.
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
            list: &self.models,
            id: self.id,
        };
        let cache = &mut ws.words;
        cache.prepare(&models, a, ids, vocab);
        let mut rows = std::mem::take(&mut cache.scratch_rows);
        let mut input = DocInput {
            fz: &self.fz,
            a,
            from: Source::Cached {
                words: cache,
                rows: &mut rows,
            },
        };
        for m in &self.models {
            m.score_document(&mut input, &mut out);
        }
        out.families = self.stack_totals(&cache.matches);
        cache.scratch_rows = rows;
        out
    }
}

/// The models an entry is computed for.
struct Models<'a> {
    fz: &'a Featurizer,
    list: &'a [Arc<dyn Scorer>],
    id: usize,
}

impl EntryModels for Models<'_> {
    fn matcher(&self) -> &crate::lexicon::TokenMatcher {
        self.fz.matcher()
    }

    fn owner(&self) -> usize {
        self.id
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
        for m in self.list {
            m.word_entry(key, &mut e);
        }
        e
    }
}
