//! The outlet-slant scorer, trained on outlet-labelled articles over
//! phrases selected Gentzkow–Shapiro style (χ² of presence against the
//! label, restricted to phrases that several training outlets use), in one
//! of two forms ([`OutletMethod`]):
//!
//! - the **outlet ridge** (shipped): every training outlet is one row, the
//!   renormalised mean of its articles' TF-IDF vectors, and a ridge
//!   regression (dual form, [`fit_ridge_dual`]) fits its label on the
//!   ordered scale left −1, center 0, right 1. A document's slant is the
//!   fitted linear score of its own vector;
//! - the **multinomial** logistic regression (linfa-logistic) over left /
//!   center / right on articles; a document's slant is `P(right) − P(left)`.
//!
//! Either way the slant estimates the expected label, so a source's mean
//! slant ranks it from left to right. Labels are per outlet, so validation
//! leaves whole outlets out (grouped, label-stratified K-fold by outlet),
//! never random articles.
//!
//! [`OutletParams`] → [`OutletParams::check`] → [`OutletValidParams`] →
//! [`OutletValidParams::fit`] → [`OutletModel`].
//!
//! ```
//! use slant::scorers::outlet::{OutletData, OutletParams, LABELS};
//! use slant::scorers::textfeat::VoiceFilter;
//! let docs: Vec<(&str, &str, usize)> = vec![
//!     ("l1", "Progressive activists demand climate justice now.", 0),
//!     ("l2", "Climate justice advocates and progressive groups rallied.", 0),
//!     ("c1", "The committee published its quarterly budget report.", 1),
//!     ("c2", "Officials released the quarterly budget figures.", 1),
//!     ("r1", "Conservatives defend border security and lower taxes.", 2),
//!     ("r2", "Border security hawks and conservatives praised tax cuts.", 2),
//! ];
//! let data = OutletData::from_texts(&docs);
//! let params = OutletParams { vocab_sizes: vec![100], alphas: vec![0.1], min_df: 1, min_groups: 1,
//!     folds: 2, inner_folds: 2, ..OutletParams::default() };
//! let model = params.check().unwrap().fit_with(&data, &params.fixed_choice()).unwrap();
//! let right = model.score_text("Conservatives want border security.", VoiceFilter::All);
//! let left = model.score_text("Progressive activists want climate justice.", VoiceFilter::All);
//! assert!(right.slant > left.slant);
//! assert_eq!(LABELS, ["left", "center", "right"]);
//! ```

mod cv;
mod data;
mod fit;
mod params;

pub use cv::*;
pub use data::*;
use fit::*;
pub use params::*;

use crate::error::{Error, ErrorKind, Result};
use crate::scorers::data::{DataInfo, LabelledDoc};
#[cfg(feature = "train")]
use crate::scorers::linear::Solver;
#[cfg(feature = "train")]
use crate::scorers::linear::{fit_multinomial, fit_ridge_dual};
use crate::scorers::linear::{softmax, MultiFit};
#[cfg(feature = "train")]
use crate::scorers::metrics;
use crate::scorers::model_file;
use crate::scorers::model_file::ModelFile;
pub use crate::scorers::scorer::SlantScore;
use crate::scorers::scorer::{DocInput, DocScores, Scorer, Source};
#[cfg(feature = "train")]
use crate::scorers::stack;
#[cfg(feature = "train")]
use crate::scorers::stack::SourceInput;
use crate::scorers::stack::{StackChoice, StackParams, Stacker};
use crate::scorers::textfeat::{Featurizer, VoiceFilter};
#[cfg(feature = "train")]
use crate::scorers::vectorize::{design, select_chi2_by};
use crate::scorers::vectorize::{sparse_counts, Interner, NgramSpace, Weighting};
use crate::scorers::wordcache::{walk, ColCounter, Gram, WordCache, WordEntry, NONE};
use crate::text::Analyzed;
#[cfg(feature = "train")]
use rand::seq::SliceRandom;
#[cfg(feature = "train")]
use rand::SeedableRng;
#[cfg(feature = "train")]
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The model kind recorded in the file.
pub const KIND: &str = "outlet-slant";
/// The default file name inside a model directory.
pub const FILE_NAME: &str = "outlet-slant.json";
/// Class labels in index order.
pub const LABELS: [&str; 3] = ["left", "center", "right"];

/// Metrics stored in the model card.
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::outlet::{OutletModel, FILE_NAME};
/// use slant::scorers::textfeat::VoiceFilter;
/// let model = OutletModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let card = model.file().metrics.as_ref().unwrap();
/// assert_eq!(card.fixed_cv_all.voice, VoiceFilter::All);
/// let auth = &card.fixed_cv_authorial;
/// assert_eq!(auth.voice, VoiceFilter::Authorial);
/// assert!(!auth.nested && auth.folds == auth.per_fold.len());
/// // The held-out outlets are ranked far better than by the folds' label
/// // shares alone.
/// assert!(auth.outlet_spearman > auth.prior_only_spearman[0] + 0.2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutletMetrics {
    /// Nested leave-outlets-out CV of the shipped voice setting (absent
    /// when training skipped it).
    pub nested_cv: Option<OutletCv>,
    /// Leave-outlets-out CV with the final hyper-parameters, features from
    /// all text.
    pub fixed_cv_all: OutletCv,
    /// The same with authorial-voice features only.
    pub fixed_cv_authorial: OutletCv,
    /// Leave-outlets-out CV of the stacked source slant with the final
    /// hyper-parameters (models with a stacker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stacked_cv: Option<StackedCv>,
    /// The same, nested: each outer fold searches the phrase and stacker
    /// hyper-parameters (when training ran it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stacked_nested_cv: Option<StackedCv>,
}

/// The serialised model.
///
/// ```
/// use slant::scorers::outlet::{OutletMethod, OutletModel, OutletParams, LABELS};
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
/// let file = model.file();
/// assert_eq!(file.classes, LABELS);
/// // One row of coefficients per class (the outlet ridge has a single row).
/// assert_eq!(file.coefficients.len(), 3);
/// assert!(file.coefficients.iter().all(|c| c.len() == file.vocabulary.len()));
/// // A file with another class order is refused.
/// let mut bad = file.clone();
/// bad.classes.reverse();
/// assert!(OutletModel::from_file(bad, "bad.json".as_ref()).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutletFile {
    /// Seed.
    pub seed: u64,
    /// Training settings.
    pub params: OutletParams,
    /// Chosen hyper-parameters.
    pub chosen: OutletChoice,
    /// Training data provenance.
    pub training_data: Option<DataInfo>,
    /// Voice the features read.
    pub voice: VoiceFilter,
    /// N-gram weighting.
    pub weighting: Weighting,
    /// How features are formed.
    pub features: String,
    /// Class names in coefficient order.
    pub classes: Vec<String>,
    /// Vocabulary (sorted).
    pub vocabulary: Vec<String>,
    /// Idf per term.
    pub idf: Vec<f64>,
    /// `coefficients[class][term]`.
    pub coefficients: Vec<Vec<f64>>,
    /// Intercept per class.
    pub intercepts: Vec<f64>,
    /// Cross-validated metrics.
    pub metrics: Option<OutletMetrics>,
    /// The source stacker ([`super::stack`]): a source's slant
    /// stacks its mean phrase slant with its framing-family scores. Absent
    /// from files written before it existed and from models trained
    /// without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<Stacker>,
}

/// A fitted, ready-to-use outlet-slant model.
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::outlet::{OutletModel, FILE_NAME};
/// use slant::text::Analyzed;
/// let model = OutletModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// assert!(!model.has_probabilities()); // the shipped outlet ridge gives a slant only
/// let slant = |text: &str| {
///     let mut a = Analyzed::default();
///     a.analyze(text);
///     model.score(&a).slant
/// };
/// let left = slant("Undocumented immigrants and climate activists rallied for gun safety.");
/// let right = slant("Illegal aliens flooded the border while Americans defended gun rights.");
/// assert!(left < right);
/// ```
#[derive(Debug, Clone)]
pub struct OutletModel {
    file: OutletFile,
    space: NgramSpace,
    fit: Fit,
}

impl OutletModel {
    /// Check a deserialised model and prepare it for scoring (`path` for
    /// messages).
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::outlet::{OutletMethod, OutletModel, FILE_NAME};
    /// let model = OutletModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let copy = OutletModel::from_file(model.file().clone(), "copy.json".as_ref()).unwrap();
    /// assert_eq!(copy.file(), model.file());
    /// // The shipped outlet ridge has one coefficient row; a multinomial model needs three.
    /// let mut bad = model.file().clone();
    /// bad.params.method = OutletMethod::Multinomial;
    /// let err = OutletModel::from_file(bad, "bad.json".as_ref()).unwrap_err().to_string();
    /// assert!(err.starts_with("bad.json") && err.contains("3 coefficient row(s)"));
    /// ```
    pub fn from_file(file: OutletFile, path: &Path) -> Result<OutletModel> {
        let bad = |m: &str| {
            Error::new(ErrorKind::Model {
                path: path.to_path_buf(),
                message: m.to_string(),
            })
        };
        let n = file.vocabulary.len();
        if file.classes != LABELS {
            return Err(bad("classes must be left, center, right"));
        }
        let rows = match file.params.method {
            OutletMethod::Multinomial => 3,
            OutletMethod::OutletRidge => 1,
        };
        if file.idf.len() != n
            || file.coefficients.len() != rows
            || file.coefficients.iter().any(|c| c.len() != n)
            || file.intercepts.len() != rows
        {
            return Err(bad(&format!(
                "vocabulary, idf and coefficients differ in length (a {:?} model has {rows} coefficient row(s))",
                file.params.method
            )));
        }
        let space =
            NgramSpace::from_terms(file.vocabulary.clone(), file.idf.clone(), file.weighting);
        let fit = match file.params.method {
            OutletMethod::Multinomial => Fit::Multi(MultiFit {
                weights: file.coefficients.clone(),
                intercepts: file.intercepts.clone(),
            }),
            OutletMethod::OutletRidge => Fit::Ridge {
                weights: file.coefficients[0].clone(),
                intercept: file.intercepts[0],
            },
        };
        Ok(OutletModel { file, space, fit })
    }

    /// The serialisable content.
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::outlet::{OutletMethod, OutletModel, FILE_NAME};
    /// let model = OutletModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let file = model.file();
    /// assert_eq!(file.params.method, OutletMethod::OutletRidge);
    /// assert!(file.vocabulary.len() <= file.chosen.vocab_size);
    /// assert_eq!(file.coefficients[0].len(), file.vocabulary.len());
    /// ```
    pub fn file(&self) -> &OutletFile {
        &self.file
    }

    /// Mutable content (metrics and provenance).
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::outlet::{OutletMetrics, OutletParams};
    /// use slant::scorers::textfeat::VoiceFilter;
    /// # let data = slant::scorers::outlet::OutletData::from_texts(&[("L1", "Climate justice.", 0),
    /// #     ("L2", "Climate rally.", 0), ("C1", "Budget report.", 1), ("C2", "Budget cuts.", 1),
    /// #     ("R1", "Border security.", 2), ("R2", "Border hawks.", 2)]);
    /// // `data`: six one-article outlets, two per label.
    /// let params = OutletParams { alphas: vec![0.1], vocab_sizes: vec![100], min_df: 1,
    ///     min_groups: 1, folds: 2, ..OutletParams::default() };
    /// let valid = params.check().unwrap();
    /// let mut model = valid.fit(&data).unwrap();
    /// assert!(model.file().metrics.is_none()); // a fresh fit has no model card
    /// let choice = model.file().chosen.clone();
    /// let cv = |voice| valid.cross_validate(&data, voice, Some(&choice)).unwrap();
    /// model.file_mut().metrics = Some(OutletMetrics { nested_cv: None,
    ///     fixed_cv_all: cv(VoiceFilter::All), fixed_cv_authorial: cv(VoiceFilter::Authorial),
    ///     stacked_cv: None, stacked_nested_cv: None });
    /// assert!(model.to_json().unwrap().contains("\"fixed_cv_authorial\""));
    /// ```
    pub fn file_mut(&mut self) -> &mut OutletFile {
        &mut self.file
    }

    /// Score an analyzed document with the model's voice setting.
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::outlet::{OutletModel, FILE_NAME};
    /// use slant::scorers::textfeat::VoiceFilter;
    /// use slant::text::Analyzed;
    /// let model = OutletModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let mut a = Analyzed::default();
    /// a.analyze("\"Illegal aliens are flooding the border,\" the senator said.");
    /// // The shipped model reads the authorial voice only: the quotation does not count.
    /// assert_eq!(model.file().voice, VoiceFilter::Authorial);
    /// assert_eq!(model.score(&a), model.score_text("The senator said.", VoiceFilter::All));
    /// ```
    pub fn score(&self, a: &Analyzed) -> SlantScore {
        let mut cols = Vec::new();
        Featurizer::ngrams(
            a,
            0..a.tokens.len(),
            self.file.voice,
            &mut String::new(),
            |g| {
                if let Some(j) = self.space.column(g) {
                    cols.push(j)
                }
            },
        );
        score_row(&self.fit, &self.space.weigh(sparse_counts(cols)))
    }

    /// Score an analyzed document from the scorers' word cache (prepared
    /// for `a`). Identical to [`OutletModel::score`].
    pub(crate) fn score_cached(
        &self,
        a: &Analyzed,
        cache: &WordCache,
        counter: &mut ColCounter,
    ) -> SlantScore {
        walk(
            a,
            &cache.toks,
            0..a.tokens.len(),
            self.file.voice,
            |e| e.o_pair,
            |g| match g {
                Gram::Word(e) if e.o_uni != NONE => counter.add(e.o_uni),
                Gram::Word(_) => {}
                Gram::Pair(x, y) => {
                    if let Some(c) = self.space.pair_column(x, y) {
                        counter.add(c);
                    }
                }
            },
        );
        score_row(&self.fit, &self.space.weigh(counter.take()))
    }

    /// Whether scores carry class probabilities (multinomial models; the
    /// outlet ridge gives a slant only).
    ///
    /// ```
    /// use slant::scorers::outlet::{OutletMethod, OutletParams};
    /// # let data = slant::scorers::outlet::OutletData::from_texts(&[("L1", "Climate justice.", 0),
    /// #     ("L2", "Climate rally.", 0), ("C1", "Budget report.", 1), ("C2", "Budget cuts.", 1),
    /// #     ("R1", "Border security.", 2), ("R2", "Border hawks.", 2)]);
    /// // `data`: six one-article outlets, two per label.
    /// let params = |method| OutletParams { method, alphas: vec![0.1], vocab_sizes: vec![100],
    ///     min_df: 1, min_groups: 1, ..OutletParams::default() };
    /// let fit = |method| params(method).check().unwrap().fit(&data).unwrap();
    /// assert!(fit(OutletMethod::Multinomial).has_probabilities());
    /// assert!(!fit(OutletMethod::OutletRidge).has_probabilities());
    /// ```
    pub fn has_probabilities(&self) -> bool {
        matches!(self.fit, Fit::Multi(_))
    }

    /// The n-gram space.
    pub(crate) fn space(&self) -> &NgramSpace {
        &self.space
    }

    /// Score a bare text (`voice` overrides the model's setting, for tests).
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::outlet::{OutletModel, FILE_NAME};
    /// use slant::scorers::textfeat::VoiceFilter;
    /// let model = OutletModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let text = "\"Illegal aliens are flooding the border,\" the senator said.";
    /// let authorial = model.score_text(text, VoiceFilter::Authorial).slant;
    /// let all = model.score_text(text, VoiceFilter::All).slant; // reads the quotation too
    /// assert!(all > authorial);
    /// ```
    pub fn score_text(&self, text: &str, voice: VoiceFilter) -> SlantScore {
        let mut a = Analyzed::default();
        a.analyze(text);
        let mut cols = Vec::new();
        Featurizer::ngrams(&a, 0..a.tokens.len(), voice, &mut String::new(), |g| {
            if let Some(j) = self.space.column(g) {
                cols.push(j)
            }
        });
        score_row(&self.fit, &self.space.weigh(sparse_counts(cols)))
    }
}

impl Scorer for OutletModel {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn doc_columns(&self) -> &'static [&'static str] {
        if self.has_probabilities() {
            &["slant", "p_left", "p_center", "p_right"]
        } else {
            &["slant"]
        }
    }

    /// With a source stacker, the stacked `slant` with its interval, then
    /// the mean phrase slant; without, the mean phrase slant with its
    /// interval; then the shrunken slant.
    fn source_columns(&self) -> &'static [&'static str] {
        if self.stacker().is_some() {
            &[
                "slant",
                "slant_ci_low",
                "slant_ci_high",
                "slant_mean",
                "slant_shrunk",
            ]
        } else {
            &[
                "slant_mean",
                "slant_ci_low",
                "slant_ci_high",
                "slant_shrunk",
            ]
        }
    }

    fn word_entry(&self, word: &str, entry: &mut WordEntry) {
        let r = self.space().word(word);
        entry.o_uni = r.column.unwrap_or(NONE);
        entry.o_pair = r.pair_word.unwrap_or(NONE);
    }

    fn score_document(&self, input: &mut DocInput<'_>, out: &mut DocScores) {
        out.slant = Some(match &mut input.from {
            Source::Fresh { .. } => self.score(input.a),
            Source::Cached { words, rows } => self.score_cached(input.a, words, &mut rows.counter),
        });
    }

    fn doc_values(&self, s: &DocScores, out: &mut dyn FnMut(Option<f64>)) {
        out(s.slant.as_ref().map(|x| x.slant));
        if self.has_probabilities() {
            for k in 0..3 {
                out(s.slant.as_ref().and_then(|x| x.probabilities).map(|p| p[k]));
            }
        }
    }

    fn stacker(&self) -> Option<&Stacker> {
        self.file.stack.as_ref()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl ModelFile for OutletModel {
    const KIND: &'static str = KIND;
    const FILE_NAME: &'static str = FILE_NAME;
    type Body = OutletFile;

    /// The model from its file content, checked (loading and writing
    /// come with [`ModelFile`]).
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::{loaded, outlet::{OutletModel, FILE_NAME}};
    /// let dir = Scorers::default_dir();
    /// let model = OutletModel::load(&dir.join(FILE_NAME)).unwrap();
    /// assert!(!model.file().vocabulary.is_empty());
    /// // A model file of another kind is refused.
    /// let err = OutletModel::load(&dir.join(loaded::FILE_NAME)).unwrap_err().to_string();
    /// assert!(err.contains("expected a `outlet-slant` model, found `loaded-language`"));
    /// ```
    ///
    /// Parsed back from its JSON, it scores as it did:
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::outlet::{OutletModel, OutletParams};
    /// use slant::scorers::textfeat::VoiceFilter;
    /// # let data = slant::scorers::outlet::OutletData::from_texts(&[("L1", "Climate justice.", 0),
    /// #     ("L2", "Climate rally.", 0), ("C1", "Budget report.", 1), ("C2", "Budget cuts.", 1),
    /// #     ("R1", "Border security.", 2), ("R2", "Border hawks.", 2)]);
    /// // `data`: six one-article outlets, two per label.
    /// let params = OutletParams { alphas: vec![0.1], vocab_sizes: vec![100], min_df: 1,
    ///     min_groups: 1, ..OutletParams::default() };
    /// let model = params.check().unwrap().fit(&data).unwrap();
    /// let json = model.to_json().unwrap();
    /// let back = OutletModel::from_json("outlet-slant.json".as_ref(), &json).unwrap();
    /// let score = |m: &OutletModel| m.score_text("Border security hawks.", VoiceFilter::All);
    /// assert_eq!(score(&back), score(&model));
    /// assert!(OutletModel::from_json("broken.json".as_ref(), &json[..json.len() / 2]).is_err());
    /// ```
    fn from_body(body: OutletFile, path: &Path) -> Result<OutletModel> {
        OutletModel::from_file(body, path)
    }

    /// The serialisable content (its JSON is [`ModelFile::to_json`]).
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// use slant::scorers::outlet::{OutletModel, OutletParams};
    /// # let data = slant::scorers::outlet::OutletData::from_texts(&[("L1", "Climate justice.", 0),
    /// #     ("L2", "Climate rally.", 0), ("C1", "Budget report.", 1), ("C2", "Budget cuts.", 1),
    /// #     ("R1", "Border security.", 2), ("R2", "Border hawks.", 2)]);
    /// // `data`: six one-article outlets, two per label.
    /// let params = OutletParams { alphas: vec![0.1], vocab_sizes: vec![100], min_df: 1,
    ///     min_groups: 1, ..OutletParams::default() };
    /// let model = params.check().unwrap().fit(&data).unwrap();
    /// let json = model.to_json().unwrap();
    /// assert!(json.contains("\"kind\": \"outlet-slant\""));
    /// # let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("outlet-slant.json");
    /// std::fs::write(&path, &json).unwrap();
    /// assert_eq!(OutletModel::load(&path).unwrap().to_json().unwrap(), json); // the same bytes
    /// ```
    fn body(&self) -> &OutletFile {
        &self.file
    }
}

#[cfg(test)]
mod tests {
    use super::{outlet_family, OutletData, OutletParams};
    use crate::scorers::textfeat::VoiceFilter;

    /// Too many folds for the outlets: a message about folds, not a
    /// solver's complaint about empty input; enough outlets: no error.
    #[test]
    fn too_few_outlets_for_the_folds_is_named() {
        let names = ["L1", "L2", "C1", "C2", "R1", "R2", "L3", "C3", "R3"];
        let docs: Vec<(&str, &str, usize)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                (
                    *n,
                    ["left words here", "center words here", "right words here"][i % 3],
                    i % 3,
                )
            })
            .collect();
        let data = OutletData::from_texts(&docs[..6]);
        let params = |folds, inner_folds| OutletParams {
            alphas: vec![0.1],
            vocab_sizes: vec![50],
            min_df: 1,
            min_groups: 1,
            folds,
            inner_folds,
            ..OutletParams::default()
        };
        let err = params(2, 2)
            .check()
            .unwrap()
            .cross_validate(&data, VoiceFilter::All, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("use fewer folds"), "{err}");
        assert!(err.contains("out of"), "{err}");
        let more = OutletData::from_texts(&docs);
        params(3, 2)
            .check()
            .unwrap()
            .cross_validate(&more, VoiceFilter::All, None)
            .unwrap();
    }

    /// Which source names are one outlet, and which are not.
    #[test]
    fn outlet_families() {
        let same: &[&[&str]] = &[
            &["CNS News", "CNSNews.com", "www.cnsnews.com"],
            &["Des Moines Register", "DesMoines Register"],
            &["The Western Journal", "Western Journal"],
            &["NBC (Web News)", "NBC News (Online)", "NBCNews.com"],
            &["Newsmax (News)", "Newsmax - News", "Newsmax - Opinion"],
        ];
        for group in same {
            for name in &group[1..] {
                assert_eq!(outlet_family(name), outlet_family(group[0]), "{name}");
            }
        }
        let apart: &[(&str, &str)] = &[
            ("Washington Post", "Washington Times"),
            ("Star News", "Star Tribune"),
            ("NewsBusters", "NewsOne"),
            ("Boston Herald", "Boston Review"),
            ("Deseret News", "Detroit News"),
        ];
        for (a, b) in apart {
            assert_ne!(outlet_family(a), outlet_family(b), "{a} / {b}");
        }
        // Degenerate names still give a non-empty key.
        for name in ["News", "The", ".com", "Online News"] {
            assert!(!outlet_family(name).is_empty(), "{name}");
        }
    }
}
