//! What a learned model does during `slant analyze`, as the [`Scorer`]
//! trait, and the typed scores it gives: [`DocScores`] per document (with
//! the loaded-language model's [`SentenceScore`]s and the outlet-slant
//! model's [`SlantScore`]) and [`DocModelSummary`], a document's part of
//! the per-source statistics.
//!
//! [`Scorers`](super::apply::Scorers) holds the models found in a model
//! directory as a list of scorers and runs each on every document; a new
//! model is a folder with its model type, an implementation of
//! [`ModelFile`](super::model_file::ModelFile) (its file) and one of
//! [`Scorer`] (its scores and columns), its typed part of [`DocScores`],
//! and a line in [`Scorers::load`](super::apply::Scorers::load).
//!
//! ```
//! use slant::scorers::apply::Scorers;
//! let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
//! let kinds: Vec<&str> = scorers.models().map(|m| m.kind()).collect();
//! assert_eq!(kinds, ["loaded-language", "outlet-slant"]);
//! ```

use super::stack::Stacker;
use super::textfeat::{CharCache, Featurizer};
use super::wordcache::{RowScratch, WordCache, WordEntry};
use crate::features::MatchRecord;
use crate::text::{Analyzed, Voice};

/// A learned model as `slant analyze` applies it: it scores documents
/// into its part of [`DocScores`], names the columns it adds to
/// `documents.csv` and to the per-source reports, and gives a scored
/// document's values for its `documents.csv` columns. The per-source
/// statistics of its scores are the estimators' work
/// ([`estimators::models`](crate::estimators::models)); the reports turn
/// the typed values into cells.
///
/// ```
/// use slant::corpus::Document;
/// use slant::scorers::apply::Scorers;
/// let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
/// let doc = Document::new("1", "Daily", "Critics slammed the shameful, reckless decision.");
/// let s = scorers.score_document(&doc, &mut scorers.workspace());
/// for m in scorers.models() {
///     let mut values = Vec::new();
///     m.doc_values(&s, &mut |v| values.push(v));
///     assert_eq!(values.len(), m.doc_columns().len());
///     assert!(values.iter().all(Option::is_some));
/// }
/// ```
pub trait Scorer: std::fmt::Debug + Send + Sync {
    /// The model's kind, as its file and `run.json` name it.
    fn kind(&self) -> &'static str;

    /// The columns the model adds to `documents.csv`, in order.
    fn doc_columns(&self) -> &'static [&'static str];

    /// The columns the model adds to `sources.csv` (and `groups.csv`), in
    /// order; their values are the estimators'
    /// ([`SourceModelScores::value`](crate::estimators::models::SourceModelScores::value)).
    fn source_columns(&self) -> &'static [&'static str];

    /// Fill the model's part of the word cache's entry of the lower-cased
    /// `word` (computed once per distinct word and thread).
    fn word_entry(&self, word: &str, entry: &mut WordEntry);

    /// Score one document into the model's part of `out`.
    fn score_document(&self, input: &mut DocInput<'_>, out: &mut DocScores);

    /// The values of [`Scorer::doc_columns`] for a scored document, in
    /// order, each passed to `out` (`None`: an empty cell).
    fn doc_values(&self, s: &DocScores, out: &mut dyn FnMut(Option<f64>));

    /// The model's source stacker (per-source scores from document
    /// scores and framing-family totals), if it has one.
    fn stacker(&self) -> Option<&Stacker> {
        None
    }

    /// The model as [`Any`](std::any::Any), for
    /// [`Scorers::get`](super::apply::Scorers::get).
    fn as_any(&self) -> &dyn std::any::Any;
}

/// One document as the scorers read it: its analysis with the
/// featurizer's lexicon matches, either found afresh
/// ([`Scorers::score_document`](super::apply::Scorers::score_document)) or
/// taken from the word cache of the main extraction's analysis
/// ([`Scorers::score_analyzed`](super::apply::Scorers::score_analyzed)).
/// Built by [`Scorers`](super::apply::Scorers) only.
///
/// ```
/// use slant::corpus::Document;
/// use slant::scorers::apply::Scorers;
/// // Both ways of reading a document give the same scores.
/// # use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// # let lexicon = slant::lexicon::Lexicon::builtin();
/// # let extractor = Extractor::new(&lexicon, FeatureOptions::default());
/// # let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lexicon));
/// let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
/// let doc = Document::new("1", "Daily", "Thugs slammed the plan. The vote is on Tuesday.");
/// extractor.extract(&doc, &mut ws, &mut agg);
/// let mut fws = scorers.workspace();
/// let cached = scorers.score_analyzed(&ws.analyzed, ws.token_ids(), &agg.vocab, &mut fws);
/// assert_eq!(cached, scorers.score_document(&doc, &mut fws));
/// ```
pub struct DocInput<'a> {
    /// The scorers' featurizer.
    pub(crate) fz: &'a Featurizer,
    /// The document's analysis.
    pub(crate) a: &'a Analyzed,
    /// Where its lexicon matches and word values come from.
    pub(crate) from: Source<'a>,
}

/// Where a [`DocInput`]'s matches and word values come from.
pub(crate) enum Source<'a> {
    /// Analyzed afresh: the featurizer's matches, and the loaded-language
    /// model's per-word cache.
    Fresh {
        matches: &'a [MatchRecord],
        cache: &'a mut CharCache,
    },
    /// From the word cache prepared for the document, with row buffers.
    Cached {
        words: &'a WordCache,
        rows: &'a mut RowScratch,
    },
}

/// A word the model reads as loaded (probability at or above the word
/// threshold).
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// use slant::scorers::textfeat::Featurizer;
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let fz = Featurizer::new();
/// let mut ws = fz.workspace();
/// let text = "The radical thugs slammed the disgraceful plan.";
/// let s = model.score_text(&fz, &mut ws, text);
/// let words: Vec<&str> = s.words.iter().map(|w| &text[w.start as usize..w.end as usize]).collect();
/// assert!(words.contains(&"thugs") && !words.contains(&"plan"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadedWord {
    /// Token index in the document.
    pub token: u32,
    /// Byte span in the analyzed original text (title + blank line +
    /// body).
    pub start: u32,
    /// End of the span.
    pub end: u32,
    /// Voice of the word.
    pub voice: Voice,
    /// The word's probability of being loaded.
    pub probability: f64,
}

/// A sentence's score.
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// use slant::scorers::textfeat::Featurizer;
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let fz = Featurizer::new();
/// let mut ws = fz.workspace();
/// let s = model.score_text(&fz, &mut ws, "The radical thugs slammed the disgraceful plan.");
/// assert!(s.loaded && s.decision >= model.threshold());
/// assert!(s.words.iter().all(|w| w.probability >= model.word_threshold()));
/// let calm = model.score_text(&fz, &mut ws, "The committee met on Tuesday.");
/// assert!(calm.probability < s.probability && !calm.loaded && calm.words.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceScore {
    /// The word-derived sentence probability (the model's combiner over
    /// its words).
    pub probability: f64,
    /// The decision model's probability.
    pub decision: f64,
    /// Whether the decision is at or above its threshold.
    pub loaded: bool,
    /// Byte span of the sentence in the analyzed original text.
    pub span: (u32, u32),
    /// The words at or above the word threshold, in text order.
    pub words: Vec<LoadedWord>,
}

/// A document's outlet-slant score.
///
/// ```
/// use slant::scorers::outlet::{OutletMethod, OutletParams};
/// use slant::scorers::textfeat::VoiceFilter;
/// # use slant::scorers::outlet::OutletData;
/// # let data = OutletData::from_texts(&[
/// #     ("Left Daily", "Progressive activists demand climate justice now.", 0),
/// #     ("Left Weekly", "Climate justice advocates and progressive groups rallied.", 0),
/// #     ("Center Wire", "The committee published its quarterly budget report.", 1),
/// #     ("Center Post", "Officials released the quarterly budget figures.", 1),
/// #     ("Right Times", "Conservatives defend border security and lower taxes.", 2),
/// #     ("Right Herald", "Border security hawks and conservatives praised tax cuts.", 2),
/// # ]);
/// // `data`: six one-article outlets, two per label.
/// let params = OutletParams { method: OutletMethod::Multinomial, alphas: vec![0.1],
///     vocab_sizes: vec![100], min_df: 1, min_groups: 1, ..OutletParams::default() };
/// let model = params.check().unwrap().fit(&data).unwrap();
/// let s = model.score_text("Border security and lower taxes.", VoiceFilter::All);
/// let [left, center, right] = s.probabilities.unwrap();
/// assert!((left + center + right - 1.0).abs() < 1e-9);
/// assert_eq!(s.slant, right - left);
/// assert!(s.slant > 0.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SlantScore {
    /// P(left), P(center), P(right) (multinomial models; `None` for the
    /// outlet ridge, which has no class probabilities).
    pub probabilities: Option<[f64; 3]>,
    /// The expected label (left −1, center 0, right 1): `P(right) −
    /// P(left)` in [−1, 1] for the multinomial model, the ridge's linear
    /// score (not clipped) for the outlet ridge.
    pub slant: f64,
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
/// use slant::scorers::scorer::DocModelSummary;
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
    /// use slant::scorers::scorer::DocScores;
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
    pub(crate) fn summarise_sentences(&mut self) {
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
