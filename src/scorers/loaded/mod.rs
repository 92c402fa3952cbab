//! The loaded-language scorer: a **word-level** L2-regularised logistic
//! regression trained on the words annotators marked as biased in BABE
//! (`biased_words`), with features that generalise across outlets and
//! topics ([`super::wordfeat`]). A sentence's probability combines its
//! words' probabilities (noisy-OR: the probability that at least one of its
//! words is loaded, or the largest, or the mean of the two largest); a
//! document's and a source's scores are means of those.
//!
//! A second, small model makes the yes/no **decision** for a sentence:
//! a logistic regression (linfa) over the word scores (combined, largest,
//! mean of the two largest, and extra word-score features from a small
//! grid) and the featurizer's sentence-level lexicon counts, fitted on
//! BABE's sentence labels with out-of-fold word scores.
//! It serves BABE-style sentence classification; the probability, which
//! only reads words, is what transfers to other outlets and is validated
//! out of domain (BASIL, [`ValidationSet`]).
//!
//! Hyper-parameters (the L2 strength of the word model and the sentence
//! combiner) are chosen on a validation set from other outlets and years
//! that is never trained on; the decision's L2 strength, extra features
//! and threshold by macro-F1 on BABE's out-of-fold decisions (nested
//! inside the cross-validation that reports its figure).
//!
//! ```
//! use slant::scorers::loaded::{LoadedData, LoadedParams};
//! use slant::scorers::textfeat::Featurizer;
//! use slant::scorers::wordfeat::CorpusStats;
//! let fz = Featurizer::new();
//! let stats = CorpusStats::new(0, 1, vec![]);
//! let data = LoadedData::from_texts(&fz, &stats, &[
//!     ("The senator said the bill passed on Tuesday.", &[][..]),
//!     ("Officials said the meeting was held in Paris.", &[]),
//!     ("The report was published on Monday.", &[]),
//!     ("The committee said it would vote next week.", &[]),
//!     ("The radical senator's disgraceful bill is a shameful attack.", &["disgraceful", "shameful"]),
//!     ("Corrupt elites slammed the outrageous, dangerous plan.", &["corrupt", "outrageous"]),
//!     ("The disastrous plan is a shameful betrayal by extremists.", &["disastrous", "shameful"]),
//!     ("Radical extremists pushed an outrageous, disgraceful scheme.", &["outrageous", "disgraceful"]),
//! ]);
//! let params = LoadedParams { alphas: vec![0.1], folds: 2, min_count: 1, ..LoadedParams::default() };
//! let (model, _) = params.check().unwrap().fit(&data, stats, None).unwrap();
//! let mut ws = fz.workspace();
//! let calm = model.score_text(&fz, &mut ws, "The committee met on Monday.");
//! let loaded = model.score_text(&fz, &mut ws, "A disgraceful, outrageous attack.");
//! assert!(loaded.probability > calm.probability);
//! ```

mod cv;
mod data;
mod params;
mod validation;
mod words;

pub use cv::*;
pub use data::*;
pub use params::*;
pub use validation::*;
use words::*;
pub use words::{DecisionModel, DECISION_EXTRA_FEATURES, DECISION_WORD_FEATURES};

use crate::error::{Error, ErrorKind, Result};
use crate::features::MatchRecord;
use crate::lexicon::Match;
use crate::scorers::data::{DataInfo, LabelledDoc};
use crate::scorers::linear::sigmoid;
#[cfg(feature = "train")]
use crate::scorers::linear::{fit_binary, fit_binary_sparse, BinaryFit, Csr, Solver};
#[cfg(feature = "train")]
use crate::scorers::metrics;
use crate::scorers::model_file;
use crate::scorers::model_file::ModelFile;
use crate::scorers::scorer::{DocInput, DocScores, Scorer, Source};
pub use crate::scorers::scorer::{LoadedWord, SentenceScore};
use crate::scorers::textfeat::{CharCache, FeatWorkspace, Featurizer, LexiconRef, VoiceFilter};
use crate::scorers::vectorize::Interner;
#[cfg(feature = "train")]
use crate::scorers::vectorize::{design, Standardizer};
use crate::scorers::wordcache::{RowScratch, WordCache, WordEntry};
use crate::scorers::wordfeat::{
    type_dense, unit_words, word_grams, CorpusStats, LexCats, UnitScratch, TOKEN_DENSE, TYPE_DENSE,
};
use crate::text::Analyzed;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The model kind recorded in the file.
pub const KIND: &str = "loaded-language";
/// The default file name inside a model directory.
pub const FILE_NAME: &str = "loaded-language.json";
/// The method recorded in the file; a file written by another method (the
/// earlier sentence-level n-gram model) is refused with a message to
/// retrain.
pub const METHOD: &str = "word-level logistic regression";

/// The serialised model.
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME, METHOD};
/// use slant::scorers::wordfeat::{TOKEN_DENSE, TYPE_DENSE};
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let f = model.file();
/// assert_eq!(f.method, METHOD);
/// assert_eq!(f.grams.len(), f.gram_coefficients.len());
/// assert!(f.grams.windows(2).all(|w| w[0] < w[1])); // sorted
/// assert_eq!((f.type_coefficients.len(), f.token_coefficients.len()),
///     (TYPE_DENSE.len(), TOKEN_DENSE.len()));
/// assert_eq!(f.training_data.as_ref().unwrap().name, "final_labels_SG2.csv");
/// // An inconsistent file is refused when it is turned back into a model.
/// let mut bad = f.clone();
/// bad.gram_coefficients.pop();
/// assert!(LoadedModel::from_file(bad, "bad.json".as_ref()).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadedFile {
    /// [`METHOD`].
    pub method: String,
    /// Seed of every split.
    pub seed: u64,
    /// Training settings (search grid).
    pub params: LoadedParams,
    /// Chosen settings.
    pub chosen: Choice,
    /// Training data provenance.
    pub training_data: Option<DataInfo>,
    /// The label of loaded rows in the training data.
    pub positive_label: String,
    /// The reference corpus of the rarity features.
    pub corpus: Option<CorpusInfo>,
    /// Lexicon files behind the VADER, subjectivity and decision features.
    pub lexicons: Vec<LexiconRef>,
    /// Character n-gram vocabulary (sorted).
    pub grams: Vec<String>,
    /// Coefficient per n-gram (on `1/√k`, `k` the word's n-grams in the
    /// vocabulary).
    pub gram_coefficients: Vec<f64>,
    /// Word vocabulary (sorted).
    pub words: Vec<String>,
    /// Coefficient per word.
    pub word_coefficients: Vec<f64>,
    /// Names of the word-type features ([`TYPE_DENSE`]).
    pub type_features: Vec<String>,
    /// Their coefficients.
    pub type_coefficients: Vec<f64>,
    /// Names of the token features ([`TOKEN_DENSE`]).
    pub token_features: Vec<String>,
    /// Their coefficients.
    pub token_coefficients: Vec<f64>,
    /// Intercept of the word model.
    pub intercept: f64,
    /// Reference-corpus document frequencies (rarity).
    pub corpus_stats: CorpusStats,
    /// The sentence decision model.
    pub decision: DecisionModel,
    /// Metrics.
    pub metrics: Option<LoadedMetrics>,
}

/// A fitted, ready-to-use loaded-language model.
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// use slant::scorers::textfeat::Featurizer;
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let fz = Featurizer::new();
/// let mut ws = fz.workspace();
/// let calm = model.score_text(&fz, &mut ws, "The committee met on Tuesday.");
/// let loaded = model.score_text(&fz, &mut ws, "The radical thugs slammed the disgraceful plan.");
/// assert!(calm.probability < loaded.probability);
/// ```
#[derive(Debug, Clone)]
pub struct LoadedModel {
    file: LoadedFile,
    words: WordModel,
    lex: Option<LexCats>,
    /// Where the decision's features after the word features come from.
    inputs: Vec<DecisionInput>,
}

impl LoadedModel {
    /// Build a model from its file content (checking consistency).
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let mut file = model.file().clone();
    /// file.method = "sentence-level n-grams".into(); // an older model
    /// let err = LoadedModel::from_file(file, "old.json".as_ref()).unwrap_err();
    /// assert!(err.to_string().contains("retrain"));
    /// ```
    pub fn from_file(file: LoadedFile, path: &Path) -> Result<LoadedModel> {
        let bad = |message: String| {
            Error::new(ErrorKind::Model {
                path: path.to_path_buf(),
                message,
            })
        };
        if file.method != METHOD {
            return Err(bad(format!(
                "model method {:?}, this slant reads {METHOD:?}; retrain it with `slant train loaded`",
                file.method
            )));
        }
        if file.grams.len() != file.gram_coefficients.len()
            || file.words.len() != file.word_coefficients.len()
        {
            return Err(bad("vocabulary and coefficients differ in length".into()));
        }
        if file.type_features != TYPE_DENSE.map(String::from).to_vec()
            || file.token_features != TOKEN_DENSE.map(String::from).to_vec()
            || file.type_coefficients.len() != TYPE_DENSE.len()
            || file.token_coefficients.len() != TOKEN_DENSE.len()
        {
            return Err(bad(
                "the model's word features differ from this slant's; retrain it".into(),
            ));
        }
        let d = &file.decision;
        if d.mean.len() != d.features.len()
            || d.sd.len() != d.features.len()
            || d.coefficients.len() != d.features.len()
            || d.features.len() < DECISION_WORD_FEATURES.len()
        {
            return Err(bad("decision model sizes differ".into()));
        }
        let fz_names = Featurizer::new();
        let names = fz_names.dense_names();
        let inputs = decision_inputs(&d.features[DECISION_WORD_FEATURES.len()..], names)
            .map_err(|f| {
                bad(format!(
                    "the decision model reads the feature {f:?}, which this slant does not have (a built-in lexicon's category or a word score); retrain it"
                ))
            })?;
        let words = WordModel::new(
            file.grams.clone(),
            file.gram_coefficients.clone(),
            file.words.clone(),
            file.word_coefficients.clone(),
            file.type_coefficients.clone(),
            file.token_coefficients.clone(),
            file.intercept,
        );
        Ok(LoadedModel {
            lex: Some(LexCats::new(fz_names.lexicon())),
            file,
            words,
            inputs,
        })
    }

    /// The serialisable content.
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// assert_eq!(model.file().decision.threshold, model.threshold());
    /// ```
    pub fn file(&self) -> &LoadedFile {
        &self.file
    }

    /// Mutable content (to attach metrics and provenance after training).
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let mut model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// model.file_mut().positive_label = "loaded".into();
    /// assert!(model.to_json().unwrap().contains("\"positive_label\": \"loaded\""));
    /// ```
    pub fn file_mut(&mut self) -> &mut LoadedFile {
        &mut self.file
    }

    /// Whether the lexicon files match those the model was trained with
    /// (when they differ, the VADER, subjectivity and decision features may
    /// have shifted: `slant eval` shows by how much).
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// use slant::scorers::textfeat::Featurizer;
    /// let mut model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let fz = Featurizer::new();
    /// assert!(model.lexicons_match(&fz));
    /// model.file_mut().lexicons.pop();
    /// assert!(!model.lexicons_match(&fz));
    /// ```
    pub fn lexicons_match(&self, fz: &Featurizer) -> bool {
        self.file.lexicons == fz.lexicon_sources()
    }

    /// The decision threshold: a sentence whose decision probability is at
    /// or above it counts as loaded.
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// assert!((0.2..=0.8).contains(&model.threshold()));
    /// ```
    pub fn threshold(&self) -> f64 {
        self.file.decision.threshold
    }

    /// The word threshold (see [`Choice::word_threshold`]).
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// assert_eq!(model.word_threshold(), model.file().chosen.word_threshold);
    /// ```
    pub fn word_threshold(&self) -> f64 {
        self.file.chosen.word_threshold
    }

    /// The word-type part of a lower-cased word's logit (cached per word
    /// by the scorers).
    pub(crate) fn type_logit(&self, word: &str) -> f64 {
        self.words.type_logit(word, &self.file.corpus_stats)
    }

    /// Score one unit (tokens `range` of `a`) from its words' type logits
    /// (`type_logit(k)` for the unit's `k`-th word) and the featurizer's
    /// matches: word probabilities, combined score, decision.
    #[allow(clippy::too_many_arguments)]
    fn score_unit<'m>(
        &self,
        fz: &Featurizer,
        a: &Analyzed,
        range: std::ops::Range<usize>,
        matches: impl Iterator<Item = &'m Match> + Clone,
        dense: Vec<f64>,
        us: &mut UnitScratch,
        probs: &mut Vec<f64>,
        mut type_logit: impl FnMut(usize) -> f64,
    ) -> SentenceScore {
        let lex = self.lex.unwrap_or(LexCats {
            sentiment: None,
            subjectivity: None,
        });
        let _ = fz;
        probs.clear();
        let mut words = Vec::new();
        let wt = self.word_threshold();
        unit_words(a, range.clone(), matches, &lex, us, |w| {
            let z = self.words.intercept + type_logit(w.token) + self.words.token_logit(w.dense);
            let q = sigmoid(z);
            probs.push(q);
            if q >= wt {
                let t = &a.tokens[w.token];
                let o = a.norm.to_original(t.start as usize..t.end as usize);
                words.push(LoadedWord {
                    token: w.token as u32,
                    start: o.start as u32,
                    end: o.end as u32,
                    voice: t.voice,
                    probability: q,
                });
            }
        });
        let summary = word_summary(probs, self.file.chosen.combiner);
        let d = &self.file.decision;
        let row = decision_row_of(probs, summary, &dense, &self.inputs);
        let decision = d.probability(&row);
        let span = match (
            a.tokens.get(range.start),
            range.end.checked_sub(1).and_then(|e| a.tokens.get(e)),
        ) {
            (Some(f), Some(l)) if !range.is_empty() => {
                let o = a.norm.to_original(f.start as usize..l.end as usize);
                (o.start as u32, o.end as u32)
            }
            _ => (0, 0),
        };
        SentenceScore {
            probability: summary[0],
            decision,
            loaded: decision >= d.threshold,
            span,
            words,
        }
    }

    /// Score one sentence (`sentence` index) of an analyzed document, or the
    /// whole document with `None`.
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// use slant::scorers::textfeat::Featurizer;
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// let text = "The committee met on Tuesday. The radical thugs slammed the disgraceful plan.";
    /// let f = fz.analyze_text(text, &mut ws);
    /// let (a, cache) = ws.parts();
    /// let first = model.score(&fz, a, &f.matches, Some(0), cache);
    /// let second = model.score(&fz, a, &f.matches, Some(1), cache);
    /// assert!(first.probability < second.probability);
    /// assert_eq!(&text[second.span.0 as usize..second.span.1 as usize],
    ///     "The radical thugs slammed the disgraceful plan.");
    /// ```
    pub fn score(
        &self,
        fz: &Featurizer,
        a: &Analyzed,
        matches: &[MatchRecord],
        sentence: Option<u32>,
        cache: &mut CharCache,
    ) -> SentenceScore {
        let range = a.token_range(sentence);
        let owner = &self.words as *const WordModel as usize;
        if cache.owner != owner || cache.map.len() > 1_000_000 {
            cache.owner = owner;
            cache.map.clear();
        }
        let text = a.norm.text.as_str();
        let dense = fz.dense(a, matches, sentence, VoiceFilter::All);
        let ms = matches
            .iter()
            .filter(|m| sentence.is_none_or(|s| s == m.sentence))
            .map(|m| &m.m);
        let mut lower = String::new();
        let mut us = UnitScratch::default();
        let mut probs = Vec::new();
        self.score_unit(fz, a, range, ms, dense, &mut us, &mut probs, |tok| {
            crate::features::lower_into(a.tokens[tok].text(text), &mut lower);
            if let Some(&v) = cache.map.get(lower.as_str()) {
                return v;
            }
            let v = self.type_logit(&lower);
            cache.map.insert(lower.as_str().into(), v);
            v
        })
    }

    /// Score sentence `sentence` of `a` from the scorers' word cache
    /// (prepared for `a`); `matches` are the featurizer's matches of that
    /// sentence in text order. Identical to [`LoadedModel::score`].
    pub(crate) fn score_cached(
        &self,
        fz: &Featurizer,
        a: &Analyzed,
        cache: &WordCache,
        sentence: u32,
        matches: &[MatchRecord],
        rs: &mut RowScratch,
    ) -> SentenceScore {
        let range = a.token_range(Some(sentence));
        let dense = fz.dense_of(
            a,
            matches.iter().map(|m| (&m.m.target, m.voice)),
            range.clone(),
            VoiceFilter::All,
        );
        let RowScratch { unit, probs, .. } = rs;
        self.score_unit(
            fz,
            a,
            range,
            matches.iter().map(|m| &m.m),
            dense,
            unit,
            probs,
            |tok| cache.toks[tok].l_type,
        )
    }

    /// Score a bare text as one unit.
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// use slant::scorers::textfeat::Featurizer;
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// let text = "The committee met on Tuesday. The radical thugs slammed the disgraceful plan.";
    /// let whole = model.score_text(&fz, &mut ws, text);
    /// let f = fz.analyze_text(text, &mut ws);
    /// let (a, cache) = ws.parts();
    /// assert_eq!(whole, model.score(&fz, a, &f.matches, None, cache));
    /// ```
    pub fn score_text(&self, fz: &Featurizer, ws: &mut FeatWorkspace, text: &str) -> SentenceScore {
        let f = fz.analyze_text(text, ws);
        let (a, cache) = ws.parts();
        self.score(fz, a, &f.matches, None, cache)
    }

    #[cfg(feature = "train")]
    /// Word probabilities of featurised rows (each row one unit).
    fn row_probs(&self, data: &LoadedData) -> Vec<Vec<f64>> {
        let rows: Vec<usize> = (0..data.len()).collect();
        self.words.predict(data, &self.file.corpus_stats, &rows)
    }

    #[cfg(feature = "train")]
    /// Figures of the model on a validation set: ROC-AUC of the sentence
    /// probability (with a bootstrap interval), the sentence-length
    /// baselines, AUC within length deciles, the decision's MCC and F1 at
    /// the shipped threshold, and how often the top word falls in an
    /// annotated span.
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, ValidationSet, FILE_NAME};
    /// use slant::scorers::textfeat::Featurizer;
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let fz = Featurizer::new();
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("dev.csv");
    /// std::fs::write(&path, "text,lexical_bias,lexical_spans\n\
    ///     The vote was held on Tuesday.,0,\n\
    ///     Officials met in the capital on Monday.,0,\n\
    ///     \"The radical thugs slammed the disgraceful, shameful plan.\",1,radical thugs\n").unwrap();
    /// let v = ValidationSet::read(&fz, &model.file().corpus_stats, &path).unwrap();
    /// let r = model.validate(&fz, &v);
    /// assert_eq!(r.roc_auc, 1.0);
    /// assert_eq!(r.top_word_in_span, 1.0);
    /// ```
    pub fn validate(&self, fz: &Featurizer, v: &ValidationSet) -> ValidationReport {
        let probs = self.row_probs(&v.data);
        let y = v.data.labels();
        let combiner = self.file.chosen.combiner;
        let score: Vec<f64> = probs.iter().map(|p| combiner.combine(p)).collect();
        let decision: Vec<f64> = probs
            .iter()
            .zip(&v.data.rows)
            .map(|(p, r)| {
                self.file
                    .decision
                    .probability(&decision_row(p, combiner, &r.dense, &self.inputs))
            })
            .collect();
        let _ = fz;
        let words: Vec<f64> = v.data.rows.iter().map(|r| r.words.len() as f64).collect();
        let chars: Vec<f64> = v.texts.iter().map(|t| t.chars().count() as f64).collect();
        let pred: Vec<bool> = decision.iter().map(|&q| q >= self.threshold()).collect();
        let wt = self.word_threshold();
        let has_word: Vec<bool> = probs.iter().map(|p| p.iter().any(|&q| q >= wt)).collect();
        let share = |v: &[bool]| v.iter().filter(|&&b| b).count() as f64 / v.len().max(1) as f64;
        let (mut hits, mut n) = (0usize, 0usize);
        for (i, p) in probs.iter().enumerate() {
            if !y[i] || p.is_empty() {
                continue;
            }
            n += 1;
            let best = p
                .iter()
                .enumerate()
                .fold(0, |b, (k, &q)| if q > p[b] { k } else { b });
            let w = v.data.types.get(v.data.rows[i].words[best].ty);
            if v.spans[i].contains(w) {
                hits += 1;
            }
        }
        let mut years: Vec<&str> = v.years.iter().map(String::as_str).collect();
        years.sort_unstable();
        years.dedup();
        let by_year = years
            .iter()
            .filter(|yr| !yr.is_empty())
            .map(|yr| {
                let idx: Vec<usize> = (0..y.len()).filter(|&i| v.years[i] == *yr).collect();
                let t: Vec<bool> = idx.iter().map(|&i| y[i]).collect();
                let s: Vec<f64> = idx.iter().map(|&i| score[i]).collect();
                (
                    yr.to_string(),
                    idx.len() as u64,
                    t.iter().filter(|&&b| b).count() as u64,
                    metrics::roc_auc(&t, &s),
                )
            })
            .collect();
        let (length_auc, length_chars_auc) =
            (metrics::roc_auc(&y, &words), metrics::roc_auc(&y, &chars));
        let baseline = if length_chars_auc > length_auc {
            &chars
        } else {
            &words
        };
        let pick = |idx: &[usize], v: &[f64]| -> Vec<f64> { idx.iter().map(|&i| v[i]).collect() };
        let pick_y = |idx: &[usize]| -> Vec<bool> { idx.iter().map(|&i| y[i]).collect() };
        let seed = self.file.seed;
        ValidationReport {
            data: v.info.clone(),
            roc_auc: metrics::roc_auc(&y, &score),
            roc_auc_ci: metrics::auc_interval(&y, &score, 1000, seed),
            length_auc,
            length_chars_auc,
            gap_ci: metrics::bootstrap_interval(y.len(), 1000, seed, |idx| {
                let t = pick_y(idx);
                metrics::roc_auc(&t, &pick(idx, &score))
                    - metrics::roc_auc(&t, &pick(idx, baseline))
            }),
            within_decile_auc: metrics::within_bins_auc(&y, &score, &words, 10),
            within_decile_ci: metrics::bootstrap_interval(y.len(), 1000, seed, |idx| {
                metrics::within_bins_auc(&pick_y(idx), &pick(idx, &score), &pick(idx, &words), 10)
            }),
            decision_mcc: metrics::mcc(&y, &pred),
            decision_f1: metrics::f1_positive(&y, &pred),
            decision_flagged: share(&pred),
            decision_auc: metrics::roc_auc(&y, &decision),
            words_mcc: metrics::mcc(&y, &has_word),
            words_f1: metrics::f1_positive(&y, &has_word),
            words_flagged: share(&has_word),
            top_word_in_span: if n > 0 {
                hits as f64 / n as f64
            } else {
                f64::NAN
            },
            by_year,
        }
    }
}

impl Scorer for LoadedModel {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn doc_columns(&self) -> &'static [&'static str] {
        &["loaded_mean", "loaded_max"]
    }

    fn source_columns(&self) -> &'static [&'static str] {
        &["loaded_mean", "loaded_ci_low", "loaded_ci_high"]
    }

    fn word_entry(&self, word: &str, entry: &mut WordEntry) {
        entry.l_type = self.type_logit(word);
    }

    /// Every sentence's score, with their mean and maximum.
    fn score_document(&self, input: &mut DocInput<'_>, out: &mut DocScores) {
        let (fz, a) = (input.fz, input.a);
        let n = a.sentences.len() as u32;
        out.sentences = match &mut input.from {
            Source::Fresh { matches, cache } => (0..n)
                .map(|s| self.score(fz, a, matches, Some(s), cache))
                .collect(),
            Source::Cached { words, rows } => {
                let mut rest = &words.matches[..];
                (0..n)
                    .map(|s| {
                        let k = rest.partition_point(|r| r.sentence <= s);
                        let (here, later) = rest.split_at(k);
                        rest = later;
                        self.score_cached(fz, a, words, s, here, rows)
                    })
                    .collect()
            }
        };
        out.summarise_sentences();
    }

    fn doc_values(&self, s: &DocScores, out: &mut dyn FnMut(Option<f64>)) {
        out(s.loaded_mean);
        out(s.loaded_max);
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl ModelFile for LoadedModel {
    const KIND: &'static str = KIND;
    const FILE_NAME: &'static str = FILE_NAME;
    type Body = LoadedFile;

    fn from_body(body: LoadedFile, path: &Path) -> Result<LoadedModel> {
        LoadedModel::from_file(body, path)
    }

    fn body(&self) -> &LoadedFile {
        &self.file
    }

    /// Parse a model from JSON text (`path` for messages).
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let text = std::fs::read_to_string(Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let model = LoadedModel::from_json(FILE_NAME.as_ref(), &text).unwrap();
    /// assert!(!model.file().grams.is_empty());
    /// // An edited file no longer matches its checksum.
    /// let edited = text.replacen("\"intercept\": -", "\"intercept\": -1", 1);
    /// let err = LoadedModel::from_json(FILE_NAME.as_ref(), &edited).unwrap_err();
    /// assert!(err.to_string().contains("checksum mismatch"));
    /// ```
    fn from_json(path: &Path, text: &str) -> Result<LoadedModel> {
        match model_file::from_json::<LoadedFile>(path, KIND, text) {
            Ok(file) => LoadedModel::from_file(file, path),
            Err(e) => Err(earlier_method(path, text).unwrap_or(e)),
        }
    }
}
