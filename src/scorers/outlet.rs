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

use super::data::{DataInfo, LabelledDoc};
use super::linear::{fit_multinomial, fit_ridge_dual, softmax, MultiFit, Solver};
use super::metrics;
use super::model_file;
use super::stack::{self, SourceInput, StackChoice, StackParams, Stacker};
use super::textfeat::{Featurizer, VoiceFilter};
use super::vectorize::{design, select_chi2_by, sparse_counts, Interner, NgramSpace, Weighting};
use super::wordcache::{walk, ColCounter, Gram, WordCache, NONE};
use crate::error::{Error, ErrorKind, Result};
use crate::text::Analyzed;
use rand::seq::SliceRandom;
use rand::SeedableRng;
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

/// How the model turns a document into a slant.
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
/// let small = |method| OutletParams { method, alphas: vec![0.1], vocab_sizes: vec![100],
///     min_df: 1, min_groups: 1, ..OutletParams::default() };
/// let ridge = small(OutletMethod::OutletRidge).check().unwrap().fit(&data).unwrap();
/// let multi = small(OutletMethod::Multinomial).check().unwrap().fit(&data).unwrap();
/// let text = "Conservatives want border security.";
/// let r = ridge.score_text(text, VoiceFilter::All);
/// assert!(r.probabilities.is_none() && r.slant > 0.0);
/// let m = multi.score_text(text, VoiceFilter::All);
/// let p = m.probabilities.unwrap(); // left, center, right
/// assert!(m.slant > 0.0 && (m.slant - (p[2] - p[0])).abs() < 1e-12);
/// // Written in model files in kebab case.
/// assert_eq!(serde_json::to_string(&OutletMethod::OutletRidge).unwrap(), "\"outlet-ridge\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutletMethod {
    /// Article-level multinomial logistic regression (linfa) over left /
    /// center / right; a document's slant is `P(right) − P(left)`.
    #[default]
    Multinomial,
    /// Outlet-level ridge regression: each training outlet is one row, the
    /// renormalised mean of its articles' TF-IDF vectors, regressed on its
    /// label (left −1, center 0, right 1), so every outlet counts once
    /// whatever its size. A document's slant is the fitted linear score of
    /// its own vector: an estimate of the expected label, the same quantity
    /// as `P(right) − P(left)`, not clipped to [−1, 1].
    OutletRidge,
}

impl OutletMethod {
    fn is_multinomial(&self) -> bool {
        *self == OutletMethod::Multinomial
    }
}

/// Settings for training (before checking). The defaults are the shipped
/// settings, sized for tens of thousands of articles from hundreds of
/// outlets; a small corpus needs a smaller vocabulary and fewer outlets per
/// phrase.
///
/// ```
/// use slant::scorers::outlet::{OutletMethod, OutletParams};
/// use slant::scorers::textfeat::VoiceFilter;
/// let shipped = OutletParams::default();
/// assert_eq!(shipped.method, OutletMethod::OutletRidge);
/// assert_eq!(shipped.voice, VoiceFilter::Authorial);
/// let small = OutletParams { vocab_sizes: vec![2000], min_groups: 2, folds: 3, ..shipped.clone() };
/// assert_eq!(small.check().unwrap().params(), &small);
/// assert!(OutletParams { alphas: vec![], ..shipped }.check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutletParams {
    /// Model form. Files written before it existed are multinomial, and a
    /// multinomial model does not write it, so their checksums still hold.
    #[serde(default, skip_serializing_if = "OutletMethod::is_multinomial")]
    pub method: OutletMethod,
    /// Candidate L2 strengths.
    pub alphas: Vec<f64>,
    /// Candidate vocabulary sizes.
    pub vocab_sizes: Vec<usize>,
    /// Minimum document frequency in the training fold.
    pub min_df: u32,
    /// Minimum number of distinct training outlets using a phrase.
    pub min_groups: u32,
    /// At most this many training articles per outlet (a seeded sample), so
    /// that the largest outlets do not dominate the fit.
    pub max_docs_per_group: usize,
    /// Which voice the features read (shipped model).
    pub voice: VoiceFilter,
    /// N-gram weighting.
    pub weighting: Weighting,
    /// Outer grouped folds.
    pub folds: usize,
    /// Inner grouped folds (hyper-parameter search).
    pub inner_folds: usize,
    /// Seed.
    pub seed: u64,
    /// L-BFGS iterations.
    pub max_iterations: u64,
    /// The source-level stacker's grid ([`stack`](super::stack); used by
    /// the outlet ridge only; `None`: sources are scored by their mean
    /// phrase slant). Files written before it existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<StackParams>,
}

/// The shipped settings: the outlet ridge (see [`OutletParams::for_method`]).
impl Default for OutletParams {
    fn default() -> Self {
        OutletParams {
            method: OutletMethod::OutletRidge,
            alphas: vec![0.01, 0.001, 0.1],
            vocab_sizes: vec![50_000, 20_000],
            min_df: 5,
            min_groups: 5,
            max_docs_per_group: 300,
            voice: VoiceFilter::Authorial,
            weighting: Weighting::Tfidf,
            folds: 5,
            inner_folds: 3,
            seed: 42,
            max_iterations: 150,
            stack: Some(StackParams::default()),
        }
    }
}

impl OutletParams {
    /// The default settings of a method: the multinomial model keeps 5,000
    /// χ²-selected phrases with α = 1; the outlet ridge searches α ∈
    /// {0.01, 0.001, 0.1} × {50,000, 20,000} phrases by inner grouped CV
    /// (the first pair is its fixed choice).
    ///
    /// ```
    /// use slant::scorers::outlet::{OutletMethod, OutletParams};
    /// let p = OutletParams::for_method(OutletMethod::OutletRidge);
    /// let c = p.fixed_choice();
    /// assert_eq!((c.alpha, c.vocab_size), (0.01, 50_000));
    /// assert_eq!(OutletParams::for_method(OutletMethod::Multinomial).alphas, [1.0]);
    /// ```
    pub fn for_method(method: OutletMethod) -> OutletParams {
        match method {
            OutletMethod::OutletRidge => OutletParams::default(),
            OutletMethod::Multinomial => OutletParams {
                method,
                alphas: vec![1.0],
                vocab_sizes: vec![5000],
                stack: None,
                ..OutletParams::default()
            },
        }
    }

    /// Check the settings.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletParams;
    /// assert!(OutletParams::default().check().is_ok());
    /// assert!(OutletParams { folds: 1, ..OutletParams::default() }.check().is_err());
    /// ```
    pub fn check(&self) -> Result<OutletValidParams> {
        if self.alphas.is_empty() || self.alphas.iter().any(|a| !(a.is_finite() && *a > 0.0)) {
            return Err(Error::usage("alphas must be finite and > 0"));
        }
        if self.vocab_sizes.is_empty() || self.vocab_sizes.contains(&0) {
            return Err(Error::usage("vocabulary sizes must be > 0"));
        }
        if self.folds < 2 || self.inner_folds < 2 {
            return Err(Error::usage("folds must be >= 2"));
        }
        if self.max_docs_per_group == 0 {
            return Err(Error::usage("max_docs_per_group must be > 0"));
        }
        if let Some(sp) = &self.stack {
            sp.check()?;
        }
        Ok(OutletValidParams(self.clone()))
    }

    /// The first grid point as a fixed choice (no search).
    ///
    /// # Panics
    ///
    /// When `alphas` or `vocab_sizes` is empty, settings that
    /// [`OutletParams::check`] refuses.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletParams;
    /// let p = OutletParams { alphas: vec![0.5, 2.0], vocab_sizes: vec![300, 100],
    ///     ..OutletParams::default() };
    /// let c = p.fixed_choice();
    /// assert_eq!((c.alpha, c.vocab_size), (0.5, 300));
    /// assert!(c.inner_spearman.is_nan()); // nothing was searched
    /// ```
    pub fn fixed_choice(&self) -> OutletChoice {
        OutletChoice {
            alpha: self.alphas[0],
            vocab_size: self.vocab_sizes[0],
            inner_spearman: f64::NAN,
        }
    }
}

/// Checked settings, made by [`OutletParams::check`]: they fit models,
/// search hyper-parameters and cross-validate.
///
/// ```
/// use slant::scorers::outlet::OutletParams;
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
/// let params = OutletParams { alphas: vec![0.1, 1.0], vocab_sizes: vec![100], min_df: 1,
///     min_groups: 1, folds: 2, inner_folds: 2, ..OutletParams::default() };
/// let valid = params.check().unwrap();
/// // Two candidate alphas: `fit` chooses one by leaving outlets out, then
/// // fits on all the data.
/// let model = valid.fit(&data).unwrap();
/// let chosen = &model.file().chosen;
/// assert!(valid.params().alphas.contains(&chosen.alpha));
/// assert!(!chosen.inner_spearman.is_nan());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OutletValidParams(OutletParams);

/// Hyper-parameters chosen by a search.
///
/// ```
/// use slant::scorers::outlet::OutletParams;
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
/// let params = OutletParams { alphas: vec![0.1, 1.0], vocab_sizes: vec![100], min_df: 1,
///     min_groups: 1, folds: 2, inner_folds: 2, ..OutletParams::default() };
/// // The first grid point, unsearched:
/// let fixed = params.fixed_choice();
/// assert_eq!((fixed.alpha, fixed.vocab_size), (0.1, 100));
/// assert!(fixed.inner_spearman.is_nan());
/// // A search over all rows, scored by held-out outlets' rank correlation:
/// let all: Vec<usize> = (0..data.len()).collect();
/// let best = params.check().unwrap().search(&data, &all, VoiceFilter::Authorial, 42).unwrap();
/// assert!((-1.0..=1.0).contains(&best.inner_spearman));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutletChoice {
    /// L2 strength.
    pub alpha: f64,
    /// Vocabulary size.
    pub vocab_size: usize,
    /// Inner held-out-outlet Spearman (NaN when not searched).
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub inner_spearman: f64,
}

/// Featurised outlet-labelled articles: n-gram counts from all text and
/// from the authorial voice only.
///
/// ```
/// use slant::scorers::outlet::OutletData;
/// let data = OutletData::from_texts(&[
///     ("Right Times", "\"Taxes are theft,\" a senator said.", 2),
///     ("Left Daily", "Activists demand climate justice.", 0),
///     ("Right Times", "Conservatives praised the tax cuts.", 2),
/// ]);
/// assert_eq!(data.len(), 3);
/// assert_eq!(data.group_names, ["Left Daily", "Right Times"]); // sorted
/// assert_eq!(data.groups, [1, 0, 1]);
/// assert_eq!(data.group_labels(), [0, 2]);
/// // A quoted word counts in all text, not in the authorial voice.
/// let theft = data.vocab.id("theft").unwrap();
/// assert!(data.rows_all[0].iter().any(|&(id, _)| id == theft));
/// assert!(!data.rows_authorial[0].iter().any(|&(id, _)| id == theft));
/// ```
#[derive(Debug, Clone, Default)]
pub struct OutletData {
    /// Interned n-grams (pruned to those with enough documents).
    pub vocab: Interner,
    /// Counts over all tokens.
    pub rows_all: Vec<Vec<(u32, u32)>>,
    /// Counts over authorial tokens only.
    pub rows_authorial: Vec<Vec<(u32, u32)>>,
    /// Class index (see [`LABELS`]).
    pub labels: Vec<usize>,
    /// Group (outlet) index per row.
    pub groups: Vec<u32>,
    /// Outlet names, sorted.
    pub group_names: Vec<String>,
    /// Per row: authorial framing-family totals `(family, Σ tone, matches)`
    /// ([`Featurizer::family_totals`], built-in lexicon).
    pub families: Vec<Vec<(u16, f64, u32)>>,
    /// Family ids of the built-in lexicon (the indexes of `families`).
    pub family_names: Vec<String>,
}

/// The outlet a source name belongs to, for grouping the validation folds:
/// editions and sections of one outlet ("Fox News", "Fox Online News",
/// "Fox News (Online)", "Fox News Opinion") are one outlet, so leaving it
/// out leaves all of them out.
///
/// The result is a grouping key, not a display name: lower-cased;
/// parenthesised parts, anything after " - ", a leading "the" and the words
/// "news", "online", "opinion", "editorial", "board" and "web" are dropped;
/// a web address loses its "www." and top-level domain; spaces are removed
/// ("DesMoines Register" is "Des Moines Register"), and so is a trailing
/// "news" ("NBCNews.com" is "NBC News").
///
/// ```
/// use slant::scorers::outlet::outlet_family;
/// for name in ["Fox News", "Fox Online News", "Fox News (Online)", "Fox News Opinion"] {
///     assert_eq!(outlet_family(name), "fox");
/// }
/// assert_eq!(outlet_family("New York Times - Opinion"), "newyorktimes");
/// assert_eq!(outlet_family("New York Times Editorial Board"), "newyorktimes");
/// assert_eq!(outlet_family("NBCNews.com"), outlet_family("NBC News (Online)"));
/// assert_eq!(outlet_family("MichelleMalkin.com"), outlet_family("Michelle Malkin"));
/// assert_ne!(outlet_family("Washington Post"), outlet_family("Washington Times"));
/// ```
pub fn outlet_family(name: &str) -> String {
    let lower = name.to_lowercase();
    let head = lower.split(" - ").next().unwrap_or("");
    let mut kept = String::with_capacity(head.len());
    let mut depth = 0usize;
    for c in head.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    const DROP: [&str; 6] = ["news", "online", "opinion", "editorial", "board", "web"];
    let words: Vec<&str> = kept
        .split_whitespace()
        .enumerate()
        .filter(|&(i, w)| !(DROP.contains(&w) || (i == 0 && w == "the")))
        .map(|(_, w)| w)
        .collect();
    let mut key = match words.as_slice() {
        [] => lower.split_whitespace().collect::<String>(),
        [one] => {
            // A web address: "www.cnsnews.com" -> "cnsnews".
            let host = one.strip_prefix("www.").unwrap_or(one);
            const TLDS: [&str; 6] = [".com", ".org", ".net", ".gov", ".edu", ".us"];
            TLDS.iter()
                .find_map(|t| host.strip_suffix(t))
                .filter(|h| !h.is_empty())
                .unwrap_or(host)
                .to_string()
        }
        many => many.concat(),
    };
    if key.len() > "news".len() + 1 && key.ends_with("news") {
        key.truncate(key.len() - "news".len());
    }
    key
}

/// A document's n-grams, whether each is authorial, and its family totals.
type DocGrams = (Vec<String>, Vec<bool>, Vec<(u16, f64, u32)>);

/// The family ids of a featurizer's lexicon, in index order.
fn family_ids(fz: &Featurizer) -> Vec<String> {
    fz.lexicon().families.iter().map(|f| f.id.clone()).collect()
}

fn doc_ngrams(a: &Analyzed) -> (Vec<String>, Vec<bool>) {
    let mut grams = Vec::new();
    let mut auth = Vec::new();
    Featurizer::ngrams_voiced(a, 0..a.tokens.len(), &mut String::new(), |g, au| {
        grams.push(g.to_string());
        auth.push(au);
    });
    (grams, auth)
}

impl OutletData {
    /// Featurise labelled articles; labels must be `left`, `center` or
    /// `right`. N-grams in fewer than `min_df` articles overall are pruned
    /// (they cannot reach `min_df` inside any training fold either). A
    /// document's `group` names its outlet.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::scorers::data::LabelledDoc;
    /// use slant::scorers::outlet::OutletData;
    /// let doc = |outlet: &str, text: &str, label: &str| LabelledDoc {
    ///     doc: Document::new("", outlet, text), label: label.into(), group: outlet.into() };
    /// let docs = [doc("Left Daily", "Climate action now.", "left"),
    ///     doc("Right Times", "Border security now.", "right")];
    /// let data = OutletData::from_docs(&docs, 2).unwrap();
    /// assert_eq!(data.labels, [0, 2]);
    /// assert_eq!(data.group_names, ["Left Daily", "Right Times"]);
    /// // Only "now" is in two articles.
    /// assert!(data.vocab.id("now").is_some() && data.vocab.id("climate").is_none());
    /// assert!(OutletData::from_docs(&[doc("X", "Text.", "far-left")], 1).is_err());
    /// ```
    pub fn from_docs(docs: &[LabelledDoc], min_df: u32) -> Result<OutletData> {
        let mut bad: BTreeMap<&str, usize> = BTreeMap::new();
        let labels: Vec<usize> = docs
            .iter()
            .map(|d| {
                LABELS
                    .iter()
                    .position(|l| *l == d.label)
                    .unwrap_or_else(|| {
                        *bad.entry(d.label.as_str()).or_insert(0) += 1;
                        usize::MAX
                    })
            })
            .collect();
        if !bad.is_empty() {
            return Err(Error::usage(format!(
                "labels must be left, center or right; found {:?}",
                bad
            )));
        }
        let mut vocab = Interner::default();
        let mut rows_all = Vec::with_capacity(docs.len());
        let mut rows_auth = Vec::with_capacity(docs.len());
        let mut families = Vec::with_capacity(docs.len());
        let fz = Featurizer::new();
        for chunk in docs.chunks(1024) {
            let feats: Vec<DocGrams> = chunk
                .par_iter()
                .map_init(
                    || fz.workspace(),
                    |ws, d| {
                        let f = fz.analyse(&d.doc, ws);
                        let (grams, auth) = doc_ngrams(ws.analyzed());
                        (grams, auth, fz.family_totals(&f.matches))
                    },
                )
                .collect();
            for (grams, auth, fam) in feats {
                families.push(fam);
                let ids: Vec<u32> = grams.iter().map(|g| vocab.intern(g)).collect();
                let auth_ids: Vec<u32> = ids
                    .iter()
                    .zip(&auth)
                    .filter(|(_, a)| **a)
                    .map(|(i, _)| *i)
                    .collect();
                rows_all.push(sparse_counts(ids));
                rows_auth.push(sparse_counts(auth_ids));
            }
        }
        let group_names: Vec<String> = {
            let mut g: Vec<String> = docs.iter().map(|d| d.group.clone()).collect();
            g.sort();
            g.dedup();
            g
        };
        let groups = docs
            .iter()
            .map(|d| group_names.binary_search(&d.group).unwrap_or(0) as u32)
            .collect();
        let mut data = OutletData {
            vocab,
            rows_all,
            rows_authorial: rows_auth,
            labels,
            groups,
            group_names,
            families,
            family_names: family_ids(&fz),
        };
        data.prune(min_df);
        Ok(data)
    }

    /// Featurise `(group, text, class)` triples (tests and examples); the
    /// class indexes [`LABELS`], and no n-gram is pruned.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletData;
    /// let data = OutletData::from_texts(&[("Right Times", "Lower taxes now.", 2),
    ///     ("Left Daily", "Climate justice.", 0)]);
    /// assert_eq!(data.labels, [2, 0]);
    /// assert_eq!(data.groups, [1, 0]); // indexes into the sorted `group_names`
    /// assert!(data.vocab.id("lower taxes").is_some()); // in one article only, still kept
    /// ```
    pub fn from_texts(docs: &[(&str, &str, usize)]) -> OutletData {
        let fz = Featurizer::new();
        let mut ws = fz.workspace();
        let mut data = OutletData {
            family_names: family_ids(&fz),
            ..OutletData::default()
        };
        let mut names: Vec<String> = docs.iter().map(|d| d.0.to_string()).collect();
        names.sort();
        names.dedup();
        for (g, t, y) in docs {
            let f = fz.analyse_text(t, &mut ws);
            data.families.push(fz.family_totals(&f.matches));
            let (grams, auth) = doc_ngrams(ws.analyzed());
            let ids: Vec<u32> = grams.iter().map(|g| data.vocab.intern(g)).collect();
            let auth_ids: Vec<u32> = ids
                .iter()
                .zip(&auth)
                .filter(|(_, a)| **a)
                .map(|(i, _)| *i)
                .collect();
            data.rows_all.push(sparse_counts(ids));
            data.rows_authorial.push(sparse_counts(auth_ids));
            data.labels.push(*y);
            data.groups
                .push(names.binary_search(&g.to_string()).unwrap_or(0) as u32);
        }
        data.group_names = names;
        data
    }

    /// Drop n-grams in fewer than `min_df` rows (all-text counts) and
    /// renumber the rest in sorted string order.
    fn prune(&mut self, min_df: u32) {
        let mut df = vec![0u32; self.vocab.len()];
        for r in &self.rows_all {
            for (id, _) in r {
                df[*id as usize] += 1;
            }
        }
        let mut keep: Vec<u32> = (0..self.vocab.len() as u32)
            .filter(|&i| df[i as usize] >= min_df)
            .collect();
        keep.sort_by(|&a, &b| self.vocab.get(a).cmp(self.vocab.get(b)));
        let mut map = vec![u32::MAX; self.vocab.len()];
        let mut vocab = Interner::default();
        for &old in &keep {
            map[old as usize] = vocab.intern(self.vocab.get(old));
        }
        let remap = |rows: &mut Vec<Vec<(u32, u32)>>| {
            for r in rows.iter_mut() {
                let mut n: Vec<(u32, u32)> = r
                    .iter()
                    .filter(|(id, _)| map[*id as usize] != u32::MAX)
                    .map(|(id, c)| (map[*id as usize], *c))
                    .collect();
                n.sort_unstable();
                *r = n;
            }
        };
        remap(&mut self.rows_all);
        remap(&mut self.rows_authorial);
        self.vocab = vocab;
    }

    /// Number of rows.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletData;
    /// let data = OutletData::from_texts(&[("A", "One.", 0), ("A", "Two.", 0), ("B", "Six.", 2)]);
    /// assert_eq!(data.len(), 3); // articles, not outlets
    /// assert_eq!(data.group_names.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no rows.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletData;
    /// assert!(OutletData::from_texts(&[]).is_empty());
    /// assert!(!OutletData::from_texts(&[("A", "One.", 0)]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    fn rows(&self, voice: VoiceFilter) -> &[Vec<(u32, u32)>] {
        match voice {
            VoiceFilter::All => &self.rows_all,
            VoiceFilter::Authorial => &self.rows_authorial,
        }
    }

    /// Majority label of every outlet (ties: the lower index), in the order
    /// of `group_names`.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletData;
    /// let data = OutletData::from_texts(&[("A", "x.", 2), ("A", "y.", 2), ("A", "z.", 1),
    ///     ("B", "u.", 2), ("B", "v.", 0)]);
    /// assert_eq!(data.group_labels(), [2, 0]); // B: one right, one left, so left
    /// ```
    pub fn group_labels(&self) -> Vec<usize> {
        let mut counts = vec![[0usize; 3]; self.group_names.len()];
        for (g, l) in self.groups.iter().zip(&self.labels) {
            counts[*g as usize][*l] += 1;
        }
        counts
            .iter()
            .map(|c| {
                (0..3)
                    .max_by_key(|&k| (c[k], std::cmp::Reverse(k)))
                    .unwrap_or(1)
            })
            .collect()
    }

    /// Pooled authorial tone share of every family over `rows` (0 for a
    /// family without matches there).
    fn family_means(&self, rows: &[usize]) -> Vec<f64> {
        let mut sums = vec![(0.0f64, 0u64); self.family_names.len()];
        for &i in rows {
            for &(f, tone, n) in &self.families[i] {
                if let Some(e) = sums.get_mut(f as usize) {
                    e.0 += tone;
                    e.1 += n as u64;
                }
            }
        }
        sums.iter()
            .map(|&(t, n)| if n > 0 { t / n as f64 } else { 0.0 })
            .collect()
    }

    /// What the stacker reads of every outlet among `rows` (`slants[j]`:
    /// the phrase slant of `rows[j]`): `(outlet, input, articles)`, in
    /// outlet order.
    fn source_inputs(&self, rows: &[usize], slants: &[f64]) -> Vec<(u32, SourceInput, usize)> {
        let nf = self.family_names.len();
        let mut by: BTreeMap<u32, (SourceInput, usize)> = BTreeMap::new();
        for (j, &i) in rows.iter().enumerate() {
            let e = by.entry(self.groups[i]).or_insert_with(|| {
                (
                    SourceInput {
                        phrase: 0.0,
                        families: vec![(0.0, 0.0); nf],
                    },
                    0,
                )
            });
            e.0.phrase += slants[j];
            e.1 += 1;
            for &(f, tone, n) in &self.families[i] {
                if let Some(x) = e.0.families.get_mut(f as usize) {
                    x.0 += tone;
                    x.1 += n as f64;
                }
            }
        }
        by.into_iter()
            .map(|(g, (mut x, n))| {
                x.phrase /= n as f64;
                (g, x, n)
            })
            .collect()
    }
}

/// A held-out article's slant and predicted class.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pred {
    slant: f64,
    class: usize,
}

/// Held-out predictions of one fold and its hyper-parameters.
type FoldPart = (Vec<(usize, Pred)>, OutletChoice);
/// One outer fold of the stacked CV: per held-out outlet (outlet,
/// stacked slant, mean phrase slant, articles), and the stacker's
/// hyper-parameters.
type StackedFold = (Vec<(u32, f64, f64, usize)>, StackChoice);
/// (outlet, label, articles, mean slant).
type OutletRow = (String, String, usize, f64);

/// The fitted scoring function.
#[derive(Debug, Clone)]
enum Fit {
    Multi(MultiFit),
    Ridge { weights: Vec<f64>, intercept: f64 },
}

struct FoldFit {
    space: NgramSpace,
    fit: Fit,
    /// Ridge only: slant cut points between left / center and center /
    /// right, set so that the training articles' predicted class shares
    /// match their label shares (for the article-level metrics).
    cuts: [f64; 2],
}

/// Held-out results of a grouped cross-validation for one voice setting.
///
/// ```
/// use slant::scorers::outlet::OutletParams;
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
/// let params = OutletParams { alphas: vec![0.1], vocab_sizes: vec![100], min_df: 1, min_groups: 1,
///     folds: 2, inner_folds: 2, ..OutletParams::default() };
/// let valid = params.check().unwrap();
/// let fixed = params.fixed_choice();
/// let cv = valid.cross_validate(&data, VoiceFilter::Authorial, Some(&fixed)).unwrap();
/// assert!(!cv.nested);
/// assert_eq!((cv.articles, cv.outlets, cv.per_fold.len()), (6, 6, 2));
/// assert_eq!(cv.outlet_scores.len(), cv.outlets);
/// // Held-out outlets still rank from left to right.
/// assert!(cv.outlet_spearman > 0.5);
/// // Too few outlets with 5 or more articles: undefined, not zero.
/// assert!(cv.outlet_spearman_min5.is_nan() && cv.outlets_min5 == 0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutletCv {
    /// Voice the features read.
    pub voice: VoiceFilter,
    /// Whether hyper-parameters were searched inside each fold.
    pub nested: bool,
    /// Folds.
    pub folds: usize,
    /// Held-out articles.
    pub articles: usize,
    /// Article-level macro-F1 (left/center/right), pooled over folds.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub article_macro_f1: f64,
    /// Article-level accuracy, pooled.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub article_accuracy: f64,
    /// Held-out outlets.
    pub outlets: usize,
    /// Spearman between each held-out outlet's mean slant and its label
    /// (left −1, center 0, right 1), all outlets.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub outlet_spearman: f64,
    /// The same over outlets with at least 5 articles.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub outlet_spearman_min5: f64,
    /// Outlets with at least 5 articles.
    pub outlets_min5: usize,
    /// The same over outlets with at least 20 articles.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub outlet_spearman_min20: f64,
    /// Outlets with at least 20 articles.
    pub outlets_min20: usize,
    /// Spearman of the outlets' empirical-Bayes shrunken mean slant
    /// ([`Shrinkage`](crate::stats::shrink::Shrinkage), fitted on the
    /// held-out slants alone, no labels) and their label, all outlets.
    #[serde(default = "nan", deserialize_with = "super::model_file::de_f64")]
    pub outlet_spearman_shrunk: f64,
    /// The same over outlets with at least 5 articles.
    #[serde(default = "nan", deserialize_with = "super::model_file::de_f64")]
    pub outlet_spearman_shrunk_min5: f64,
    /// The text-free check on the same folds: Spearman (all, ≥ 5, ≥ 20
    /// articles) when every held-out article's slant is its training
    /// folds' P(right) − P(left). Near 0 when the folds do not favour a
    /// label; the model's figures mean something only well above it.
    #[serde(default = "nan3", deserialize_with = "super::model_file::de_f64_3")]
    pub prior_only_spearman: [f64; 3],
    /// Hyper-parameters per fold.
    pub per_fold: Vec<OutletChoice>,
    /// Per held-out outlet: (name, label, articles, mean slant).
    pub outlet_scores: Vec<(String, String, usize, f64)>,
}

/// Held-out results of the stacked source slant ([`stack`](super::stack))
/// in a leave-outlets-out cross-validation: inside each outer fold, the
/// training outlets get out-of-fold phrase slants from an inner grouped
/// CV, the stacker is fitted on them, and the held-out outlets are scored
/// by the phrase model of the whole training part and that stacker.
///
/// ```
/// use slant::scorers::outlet::StackedCv;
/// let cv = StackedCv::default();
/// assert!(cv.spearman.iter().all(|s| s.is_nan()));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackedCv {
    /// Voice the phrase features read.
    pub voice: VoiceFilter,
    /// Whether each fold searched the hyper-parameters (phrase and stacker).
    pub nested: bool,
    /// Outer folds.
    pub folds: usize,
    /// Fold seed.
    pub seed: u64,
    /// Held-out outlets with ≥ 1, ≥ 5 and ≥ 20 articles.
    pub outlets: [usize; 3],
    /// Spearman of the held-out outlets' stacked slant with their label
    /// (left −1, center 0, right 1): all, ≥ 5, ≥ 20 articles.
    #[serde(deserialize_with = "super::model_file::de_f64_3")]
    pub spearman: [f64; 3],
    /// Lower ends of 95% percentile intervals of `spearman` from 1,000
    /// resamples of the held-out outlets.
    #[serde(deserialize_with = "super::model_file::de_f64_3")]
    pub spearman_ci_low: [f64; 3],
    /// Upper ends of the same intervals.
    #[serde(deserialize_with = "super::model_file::de_f64_3")]
    pub spearman_ci_high: [f64; 3],
    /// The same Spearman for the mean phrase slant alone, on the same folds.
    #[serde(deserialize_with = "super::model_file::de_f64_3")]
    pub phrase_spearman: [f64; 3],
    /// Mean stacked slant of the held-out left, center and right outlets.
    #[serde(deserialize_with = "super::model_file::de_f64_3")]
    pub label_means: [f64; 3],
    /// The same over outlets with ≥ 20 articles.
    #[serde(deserialize_with = "super::model_file::de_f64_3")]
    pub label_means_min20: [f64; 3],
    /// Stacker hyper-parameters per fold.
    pub per_fold: Vec<StackChoice>,
    /// Per held-out outlet: (name, label, articles, stacked slant).
    pub outlet_scores: Vec<(String, String, usize, f64)>,
}

impl Default for StackedCv {
    fn default() -> Self {
        StackedCv {
            voice: VoiceFilter::Authorial,
            nested: false,
            folds: 0,
            seed: 0,
            outlets: [0; 3],
            spearman: [f64::NAN; 3],
            spearman_ci_low: [f64::NAN; 3],
            spearman_ci_high: [f64::NAN; 3],
            phrase_spearman: [f64::NAN; 3],
            label_means: [f64::NAN; 3],
            label_means_min20: [f64::NAN; 3],
            per_fold: vec![],
            outlet_scores: vec![],
        }
    }
}

/// 95% percentile interval of the Spearman over outlets with at least
/// `min_docs` articles, from `reps` resamples of those outlets.
fn spearman_interval(
    scores: &[f64],
    labels: &[f64],
    docs: &[usize],
    min_docs: usize,
    seed: u64,
    reps: usize,
) -> [f64; 2] {
    let keep: Vec<usize> = (0..scores.len()).filter(|&i| docs[i] >= min_docs).collect();
    if keep.len() < 3 {
        return [f64::NAN; 2];
    }
    let x: Vec<f64> = keep.iter().map(|&i| scores[i]).collect();
    let y: Vec<f64> = keep.iter().map(|&i| labels[i]).collect();
    let est = metrics::spearman(&x, &y);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (min_docs as u64).wrapping_mul(0x9e37_79b9));
    let n = x.len();
    let (mut bx, mut by) = (vec![0.0; n], vec![0.0; n]);
    let draws: Vec<f64> = (0..reps)
        .map(|_| {
            for k in 0..n {
                let j = rand::Rng::random_range(&mut rng, 0..n);
                bx[k] = x[j];
                by[k] = y[j];
            }
            metrics::spearman(&bx, &by)
        })
        .collect();
    match crate::stats::percentile_interval(draws, est) {
        Some((lo, hi)) => [lo, hi],
        None => [f64::NAN; 2],
    }
}

impl OutletValidParams {
    /// The settings.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletParams;
    /// let valid = OutletParams { folds: 3, ..OutletParams::default() }.check().unwrap();
    /// assert_eq!(valid.params().folds, 3);
    /// assert_eq!(valid.params().alphas, OutletParams::default().alphas);
    /// ```
    pub fn params(&self) -> &OutletParams {
        &self.0
    }

    /// Training rows of `idx` with at most `max_docs_per_group` per outlet
    /// (seeded sample, then sorted).
    fn cap(&self, data: &OutletData, idx: &[usize], seed: u64) -> Vec<usize> {
        let mut by_group: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for &i in idx {
            by_group.entry(data.groups[i]).or_default().push(i);
        }
        let mut out = Vec::with_capacity(idx.len());
        for (g, mut rows) in by_group {
            if rows.len() > self.0.max_docs_per_group {
                let mut rng = ChaCha8Rng::seed_from_u64(
                    seed ^ (g as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15),
                );
                rows.shuffle(&mut rng);
                rows.truncate(self.0.max_docs_per_group);
            }
            out.extend(rows);
        }
        out.sort_unstable();
        out
    }

    fn fit_fold(
        &self,
        data: &OutletData,
        train: &[usize],
        voice: VoiceFilter,
        choice: &OutletChoice,
        seed: u64,
    ) -> Result<FoldFit> {
        let p = &self.0;
        let train = self.cap(data, train, seed);
        let all_rows = data.rows(voice);
        let rows: Vec<&[(u32, u32)]> = train.iter().map(|&i| all_rows[i].as_slice()).collect();
        let labels: Vec<usize> = train.iter().map(|&i| data.labels[i]).collect();
        // Distinct training outlets per n-gram.
        let mut n_groups = vec![0u32; data.vocab.len()];
        let mut last = vec![u32::MAX; data.vocab.len()];
        for &i in &train {
            let g = data.groups[i];
            for (id, _) in &all_rows[i] {
                if last[*id as usize] != g {
                    last[*id as usize] = g;
                    n_groups[*id as usize] += 1;
                }
            }
        }
        let keep = |id: u32| n_groups[id as usize] >= p.min_groups;
        let ids = select_chi2_by(
            &rows,
            &labels,
            3,
            p.min_df,
            choice.vocab_size,
            &data.vocab,
            Some(&keep),
        );
        let space = NgramSpace::fit(&ids, &data.vocab, &rows, p.weighting);
        let sparse: Vec<Vec<(u32, f64)>> = rows.iter().map(|r| space.transform_ids(r)).collect();
        if p.method == OutletMethod::OutletRidge {
            return Self::fit_ridge(data, &train, &labels, sparse, space, choice.alpha);
        }
        let x = design::<f32>(&sparse, space.len(), None, 0.0, false);
        drop(sparse);
        let fit = fit_multinomial(
            x.view(),
            &labels,
            3,
            Solver {
                alpha: choice.alpha,
                max_iterations: p.max_iterations,
                gradient_tolerance: 1e-4,
            },
        )?;
        Ok(FoldFit {
            space,
            fit: Fit::Multi(fit),
            cuts: [f64::NAN; 2],
        })
    }

    /// The outlet ridge on the training rows `train` (their weighted
    /// vectors in `sparse`): one row per outlet, its renormalised mean
    /// vector, regressed on its majority label.
    fn fit_ridge(
        data: &OutletData,
        train: &[usize],
        labels: &[usize],
        sparse: Vec<Vec<(u32, f64)>>,
        space: NgramSpace,
        alpha: f64,
    ) -> Result<FoldFit> {
        let mut by_group: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (k, &i) in train.iter().enumerate() {
            by_group.entry(data.groups[i]).or_default().push(k);
        }
        let glabels = data.group_labels();
        let mut rows = Vec::with_capacity(by_group.len());
        let mut y = Vec::with_capacity(by_group.len());
        for (g, members) in &by_group {
            let mut sum: Vec<(u32, f64)> = members
                .iter()
                .flat_map(|&k| sparse[k].iter().copied())
                .collect();
            sum.sort_by_key(|e| e.0);
            let mut v: Vec<(u32, f64)> = Vec::with_capacity(sum.len());
            for (j, x) in sum {
                match v.last_mut() {
                    Some(last) if last.0 == j => last.1 += x,
                    _ => v.push((j, x)),
                }
            }
            let norm = v.iter().map(|e| e.1 * e.1).sum::<f64>().sqrt();
            if norm > 0.0 {
                for e in &mut v {
                    e.1 /= norm;
                }
            }
            rows.push(v);
            y.push(glabels[*g as usize] as f64 - 1.0);
        }
        let (weights, intercept) = fit_ridge_dual(&rows, space.len(), &y, alpha)?;
        let fit = Fit::Ridge { weights, intercept };
        // Cut points from the training articles' scores and label shares.
        let mut scores: Vec<f64> = sparse.iter().map(|x| score_row(&fit, x).slant).collect();
        scores.sort_by(f64::total_cmp);
        let n = scores.len();
        let share = |c: usize| labels.iter().filter(|&&l| l == c).count();
        let at = |k: usize| scores[k.min(n.saturating_sub(1))];
        let cuts = if n == 0 {
            [f64::NAN; 2]
        } else {
            [at(share(0)), at(n - share(2).min(n))]
        };
        Ok(FoldFit { space, fit, cuts })
    }

    fn predict(f: &FoldFit, data: &OutletData, voice: VoiceFilter, rows: &[usize]) -> Vec<Pred> {
        let all_rows = data.rows(voice);
        rows.iter()
            .map(|&i| {
                let s = score_row(&f.fit, &f.space.transform_ids(&all_rows[i]));
                let class = match s.probabilities {
                    Some(p) => argmax(&p),
                    None if s.slant < f.cuts[0] => 0,
                    None if s.slant >= f.cuts[1] => 2,
                    None => 1,
                };
                Pred {
                    slant: s.slant,
                    class,
                }
            })
            .collect()
    }

    /// Fold of each row of `idx`: grouped by outlet family (every edition
    /// of an outlet in one fold), each fold with its share of every label's
    /// outlets.
    fn folds(data: &OutletData, idx: &[usize], k: usize, seed: u64) -> Vec<usize> {
        let family: Vec<String> = data.group_names.iter().map(|n| outlet_family(n)).collect();
        let groups: Vec<&str> = idx
            .iter()
            .map(|&i| family[data.groups[i] as usize].as_str())
            .collect();
        let labels: Vec<usize> = idx.iter().map(|&i| data.labels[i]).collect();
        metrics::grouped_folds(&groups, &labels, k, seed)
    }

    /// The text-free check: every held-out article of a fold gets the
    /// training folds' label shares as its "probabilities", so an outlet's
    /// slant is the training prior of the fold it fell in. Its Spearman
    /// measures how much the fold layout alone correlates with the labels.
    fn prior_only(data: &OutletData, idx: &[usize], k: usize, seed: u64) -> Vec<f64> {
        let folds = Self::folds(data, idx, k, seed);
        let mut per_fold = vec![[0.0f64; 3]; k.max(1)];
        for (j, &i) in idx.iter().enumerate() {
            per_fold[folds[j]][data.labels[i]] += 1.0;
        }
        let total: [f64; 3] = std::array::from_fn(|c| per_fold.iter().map(|f| f[c]).sum::<f64>());
        let shares: Vec<[f64; 3]> = per_fold
            .iter()
            .map(|f| {
                let train: [f64; 3] = std::array::from_fn(|c| total[c] - f[c]);
                let n = train.iter().sum::<f64>().max(1.0);
                std::array::from_fn(|c| train[c] / n)
            })
            .collect();
        folds.iter().map(|&f| shares[f][2] - shares[f][0]).collect()
    }

    /// Grouped K-fold over `idx` with fixed hyper-parameters: per-article
    /// probabilities for every row of `idx` (in `idx` order).
    fn oof(
        &self,
        data: &OutletData,
        idx: &[usize],
        voice: VoiceFilter,
        k: usize,
        seed: u64,
        choice: Option<&OutletChoice>,
    ) -> Result<(Vec<Pred>, Vec<OutletChoice>)> {
        let folds = Self::folds(data, idx, k, seed);
        let parts: Vec<Result<FoldPart>> = (0..k)
            .into_par_iter()
            .map(|f| {
                let train: Vec<usize> = (0..idx.len())
                    .filter(|&j| folds[j] != f)
                    .map(|j| idx[j])
                    .collect();
                let test: Vec<usize> = (0..idx.len()).filter(|&j| folds[j] == f).collect();
                Self::check_training_split(data, idx, &train, f, k)?;
                let c = match choice {
                    Some(c) => c.clone(),
                    None => self.search(data, &train, voice, seed.wrapping_add(1 + f as u64))?,
                };
                let fit = self.fit_fold(data, &train, voice, &c, seed.wrapping_add(f as u64))?;
                let rows: Vec<usize> = test.iter().map(|&j| idx[j]).collect();
                let p = Self::predict(&fit, data, voice, &rows);
                Ok((test.into_iter().zip(p).collect(), c))
            })
            .collect();
        let mut out = vec![
            Pred {
                slant: 0.0,
                class: 1
            };
            idx.len()
        ];
        let mut choices = Vec::new();
        for part in parts {
            let (rows, c) = part?;
            for (j, p) in rows {
                out[j] = p;
            }
            choices.push(c);
        }
        Ok((out, choices))
    }

    /// Out-of-fold document slants of the rows `idx` (grouped `k`-fold
    /// over them, fixed hyper-parameters), and each row's fold (the folds
    /// of [`OutletValidParams::cross_validate`] when `idx` is every row, `k`
    /// the outer folds and `seed` the settings' seed).
    ///
    /// ```
    /// use slant::scorers::outlet::OutletParams;
    /// use slant::scorers::textfeat::VoiceFilter;
    /// # let data = slant::scorers::outlet::OutletData::from_texts(&[("L1", "Climate justice.", 0),
    /// #     ("L2", "Climate rally.", 0), ("C1", "Budget report.", 1), ("C2", "Budget cuts.", 1),
    /// #     ("R1", "Border security.", 2), ("R2", "Border hawks.", 2)]);
    /// // `data`: six one-article outlets, two per label.
    /// let params = OutletParams { alphas: vec![0.1], vocab_sizes: vec![100], min_df: 1,
    ///     min_groups: 1, ..OutletParams::default() };
    /// let all: Vec<usize> = (0..data.len()).collect();
    /// let valid = params.check().unwrap();
    /// let (slants, folds) = valid
    ///     .out_of_fold(&data, &all, VoiceFilter::All, &params.fixed_choice(), 2, 42)
    ///     .unwrap();
    /// assert_eq!((slants.len(), folds.len()), (6, 6));
    /// assert!(folds.iter().all(|&f| f < 2));
    /// ```
    pub fn out_of_fold(
        &self,
        data: &OutletData,
        idx: &[usize],
        voice: VoiceFilter,
        choice: &OutletChoice,
        k: usize,
        seed: u64,
    ) -> Result<(Vec<f64>, Vec<usize>)> {
        let (preds, _) = self.oof(data, idx, voice, k, seed, Some(choice))?;
        let folds = Self::folds(data, idx, k, seed);
        Ok((preds.iter().map(|p| p.slant).collect(), folds))
    }

    /// Fit the source stacker on the outlets of `rows`, whose phrase
    /// slants are `slants` (row-aligned; out-of-fold ones in training).
    fn fit_stacker(
        data: &OutletData,
        rows: &[usize],
        slants: &[f64],
        choice: &StackChoice,
    ) -> Result<Stacker> {
        let means = data.family_means(rows);
        let src = data.source_inputs(rows, slants);
        let glabels = data.group_labels();
        let labels: Vec<f64> = src
            .iter()
            .map(|(g, _, _)| glabels[*g as usize] as f64 - 1.0)
            .collect();
        let docs: Vec<usize> = src.iter().map(|e| e.2).collect();
        let inputs: Vec<SourceInput> = src.into_iter().map(|e| e.1).collect();
        Stacker::fit(&data.family_names, &means, &inputs, &labels, &docs, choice)
    }

    /// Choose the stacker's hyper-parameters by grouped CV over the
    /// outlets of `rows` (`folds[j]`: the fold of `rows[j]`, `slants[j]`
    /// its out-of-fold phrase slant), maximising [`stack::search_score`].
    fn stack_search(
        data: &OutletData,
        sp: &StackParams,
        rows: &[usize],
        slants: &[f64],
        folds: &[usize],
    ) -> Result<StackChoice> {
        let k = folds.iter().max().map_or(0, |m| m + 1);
        let glabels = data.group_labels();
        let mut best: Option<StackChoice> = None;
        for c in sp.grid() {
            let (mut scores, mut labels, mut docs) = (Vec::new(), Vec::new(), Vec::new());
            for g in 0..k {
                let part = |inside: bool| -> (Vec<usize>, Vec<f64>) {
                    (0..rows.len())
                        .filter(|&j| (folds[j] == g) == inside)
                        .map(|j| (rows[j], slants[j]))
                        .unzip()
                };
                let (train, train_slants) = part(false);
                let (test, test_slants) = part(true);
                if test.is_empty() {
                    continue;
                }
                let st = Self::fit_stacker(data, &train, &train_slants, &c)?;
                for (gr, x, n) in data.source_inputs(&test, &test_slants) {
                    scores.push(st.score(&x));
                    labels.push(glabels[gr as usize] as f64 - 1.0);
                    docs.push(n);
                }
            }
            let score = stack::search_score(&scores, &labels, &docs);
            if best
                .as_ref()
                .is_none_or(|b| score > b.inner_score + 1e-9 || b.inner_score.is_nan())
            {
                best = Some(StackChoice {
                    inner_score: score,
                    ..c
                });
            }
        }
        best.ok_or_else(|| Error::usage("empty stacker grid"))
    }

    /// The stacker of a final model fitted on all of `data`: out-of-fold
    /// phrase slants over the outer folds, the hyper-parameters searched on
    /// them (a single grid point is used as it is), fitted on all outlets.
    /// `None` when the settings have no stacker, the method is not the
    /// outlet ridge, or there are fewer than 20 outlets.
    fn final_stacker(&self, data: &OutletData, choice: &OutletChoice) -> Result<Option<Stacker>> {
        let p = &self.0;
        let Some(sp) = &p.stack else { return Ok(None) };
        if p.method != OutletMethod::OutletRidge || data.group_names.len() < 20 {
            return Ok(None);
        }
        let idx: Vec<usize> = (0..data.len()).collect();
        let (preds, _) = self.oof(data, &idx, p.voice, p.folds, p.seed, Some(choice))?;
        let slants: Vec<f64> = preds.iter().map(|x| x.slant).collect();
        let c = if sp.grid().len() > 1 {
            let folds = Self::folds(data, &idx, p.folds, p.seed);
            Self::stack_search(data, sp, &idx, &slants, &folds)?
        } else {
            sp.fixed_choice()
        };
        Self::fit_stacker(data, &idx, &slants, &c).map(Some)
    }

    /// Leave-outlets-out cross-validation of the stacked source slant
    /// (see [`StackedCv`]) with the outer folds of
    /// [`OutletValidParams::cross_validate`]. With `fixed` the phrase and
    /// stacker hyper-parameters are those; without, each outer fold searches
    /// both on its training part (nested).
    ///
    /// ```
    /// use slant::scorers::outlet::{OutletData, OutletParams};
    /// use slant::scorers::stack::StackParams;
    /// use slant::scorers::textfeat::VoiceFilter;
    /// // 24 one-article outlets, 8 per label, with label-coded words.
    /// let words = ["Progressive activists rallied.", "The committee met.",
    ///     "Conservatives praised tax cuts."];
    /// let names: Vec<String> = (0..24).map(|i| format!("outlet {i}")).collect();
    /// let docs: Vec<(&str, &str, usize)> =
    ///     (0..24).map(|i| (names[i].as_str(), words[i % 3], i % 3)).collect();
    /// let data = OutletData::from_texts(&docs);
    /// let sp = StackParams { priors: vec![1.0], alphas: vec![1.0], min_docs: vec![1],
    ///     inner_folds: 2 };
    /// let params = OutletParams { alphas: vec![0.1], vocab_sizes: vec![100], min_df: 1,
    ///     min_groups: 1, folds: 3, stack: Some(sp.clone()), ..OutletParams::default() };
    /// let valid = params.check().unwrap();
    /// let cv = valid
    ///     .cross_validate_stacked(&data, VoiceFilter::All,
    ///         Some((&params.fixed_choice(), &sp.fixed_choice())))
    ///     .unwrap();
    /// assert_eq!(cv.outlets[0], 24);
    /// assert!(cv.spearman[0] > 0.9);
    /// assert!(cv.label_means[0] < cv.label_means[1] && cv.label_means[1] < cv.label_means[2]);
    /// ```
    pub fn cross_validate_stacked(
        &self,
        data: &OutletData,
        voice: VoiceFilter,
        fixed: Option<(&OutletChoice, &StackChoice)>,
    ) -> Result<StackedCv> {
        let p = &self.0;
        let sp = p
            .stack
            .as_ref()
            .ok_or_else(|| Error::usage("these settings have no source stacker"))?;
        let (k, seed) = (p.folds, p.seed);
        let idx: Vec<usize> = (0..data.len()).collect();
        let (preds, choices) = self.oof(data, &idx, voice, k, seed, fixed.map(|f| f.0))?;
        let folds = Self::folds(data, &idx, k, seed);
        let parts: Vec<Result<StackedFold>> = (0..k)
            .into_par_iter()
            .map(|f| {
                let train: Vec<usize> = idx.iter().copied().filter(|&i| folds[i] != f).collect();
                let test: Vec<usize> = idx.iter().copied().filter(|&i| folds[i] == f).collect();
                let inner_seed = seed.wrapping_add(1 + f as u64);
                let (ip, _) = self.oof(
                    data,
                    &train,
                    voice,
                    sp.inner_folds,
                    inner_seed,
                    Some(&choices[f]),
                )?;
                let islants: Vec<f64> = ip.iter().map(|x| x.slant).collect();
                let c = match fixed {
                    Some((_, c)) => c.clone(),
                    None => {
                        let ifolds = Self::folds(data, &train, sp.inner_folds, inner_seed);
                        Self::stack_search(data, sp, &train, &islants, &ifolds)?
                    }
                };
                let st = Self::fit_stacker(data, &train, &islants, &c)?;
                let tslants: Vec<f64> = test.iter().map(|&i| preds[i].slant).collect();
                let scored = data
                    .source_inputs(&test, &tslants)
                    .into_iter()
                    .map(|(g, x, n)| (g, st.score(&x), x.phrase, n))
                    .collect();
                Ok((scored, c))
            })
            .collect();
        let mut rows = Vec::new();
        let mut per_fold = Vec::new();
        for part in parts {
            let (r, c) = part?;
            rows.extend(r);
            per_fold.push(c);
        }
        rows.sort_by_key(|r| r.0);
        let glabels = data.group_labels();
        let labels: Vec<f64> = rows
            .iter()
            .map(|r| glabels[r.0 as usize] as f64 - 1.0)
            .collect();
        let scores: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let phrase: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let docs: Vec<usize> = rows.iter().map(|r| r.3).collect();
        let mins = [1, 5, 20];
        let ci = mins.map(|m| spearman_interval(&scores, &labels, &docs, m, seed, 1000));
        let label_means = |min_docs: usize| -> [f64; 3] {
            std::array::from_fn(|c| {
                let v: Vec<f64> = (0..rows.len())
                    .filter(|&i| docs[i] >= min_docs && labels[i] == c as f64 - 1.0)
                    .map(|i| scores[i])
                    .collect();
                if v.is_empty() {
                    f64::NAN
                } else {
                    v.iter().sum::<f64>() / v.len() as f64
                }
            })
        };
        Ok(StackedCv {
            voice,
            nested: fixed.is_none(),
            folds: k,
            seed,
            outlets: mins.map(|m| docs.iter().filter(|&&n| n >= m).count()),
            spearman: mins.map(|m| stack::spearman_min(&scores, &labels, &docs, m)),
            spearman_ci_low: ci.map(|c| c[0]),
            spearman_ci_high: ci.map(|c| c[1]),
            phrase_spearman: mins.map(|m| stack::spearman_min(&phrase, &labels, &docs, m)),
            label_means: label_means(1),
            label_means_min20: label_means(20),
            per_fold,
            outlet_scores: rows
                .iter()
                .map(|r| {
                    let g = glabels[r.0 as usize];
                    (
                        data.group_names[r.0 as usize].clone(),
                        LABELS[g].to_string(),
                        r.3,
                        r.1,
                    )
                })
                .collect(),
        })
    }

    /// Refuse a fold whose training rows hold fewer than two outlets or a
    /// single label (too few outlets for `k` folds) with a message that
    /// says so, instead of a solver's complaint about empty input.
    fn check_training_split(
        data: &OutletData,
        idx: &[usize],
        train: &[usize],
        fold: usize,
        k: usize,
    ) -> Result<()> {
        let outlets = |rows: &[usize]| {
            rows.iter()
                .map(|&i| data.groups[i])
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        };
        let n_train = outlets(train);
        let labels: std::collections::BTreeSet<usize> =
            train.iter().map(|&i| data.labels[i]).collect();
        if n_train >= 2 && labels.len() >= 2 {
            return Ok(());
        }
        Err(Error::usage(format!(
            "leave-outlets-out cross-validation: fold {} of {k} trains on {n_train} outlet(s) \
             with {} label(s), out of {} outlets; it needs at least two outlets with different \
             labels: use fewer folds (outer or inner) or more outlets",
            fold + 1,
            labels.len(),
            outlets(idx),
        )))
    }

    /// Choose alpha and vocabulary size by inner grouped CV on `idx`
    /// (held-out-outlet Spearman of mean slant); `seed` sets the fold split.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletParams;
    /// use slant::scorers::textfeat::VoiceFilter;
    /// # let data = slant::scorers::outlet::OutletData::from_texts(&[("L1", "Climate justice.", 0),
    /// #     ("L2", "Climate rally.", 0), ("C1", "Budget report.", 1), ("C2", "Budget cuts.", 1),
    /// #     ("R1", "Border security.", 2), ("R2", "Border hawks.", 2)]);
    /// // `data`: six one-article outlets, two per label.
    /// let valid = OutletParams { alphas: vec![0.1, 1.0], vocab_sizes: vec![20, 100], min_df: 1,
    ///     min_groups: 1, inner_folds: 2, ..OutletParams::default() }.check().unwrap();
    /// let all: Vec<usize> = (0..data.len()).collect();
    /// let c = valid.search(&data, &all, VoiceFilter::All, 7).unwrap();
    /// assert!(valid.params().alphas.contains(&c.alpha));
    /// assert!(valid.params().vocab_sizes.contains(&c.vocab_size));
    /// assert!(c.inner_spearman > 0.0); // held-out outlets ranked left to right
    /// ```
    pub fn search(
        &self,
        data: &OutletData,
        idx: &[usize],
        voice: VoiceFilter,
        seed: u64,
    ) -> Result<OutletChoice> {
        let p = &self.0;
        let mut best: Option<OutletChoice> = None;
        for &k in &p.vocab_sizes {
            for &alpha in &p.alphas {
                let c = OutletChoice {
                    alpha,
                    vocab_size: k,
                    inner_spearman: f64::NAN,
                };
                let (preds, _) = self.oof(data, idx, voice, p.inner_folds, seed, Some(&c))?;
                let slants: Vec<f64> = preds.iter().map(|p| p.slant).collect();
                let s = outlet_spearman(data, idx, &slants, 1).0;
                if best
                    .as_ref()
                    .is_none_or(|b| s > b.inner_spearman + 1e-9 || b.inner_spearman.is_nan())
                {
                    best = Some(OutletChoice {
                        inner_spearman: s,
                        ..c
                    });
                }
            }
        }
        best.ok_or_else(|| Error::usage("empty hyper-parameter grid"))
    }

    /// Leave-outlets-out cross-validation for `voice`; nested (each fold
    /// searches) without `fixed`.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletParams;
    /// use slant::scorers::textfeat::VoiceFilter;
    /// # use slant::scorers::outlet::OutletData;
    /// # let texts =
    /// #     ["Activists demand climate justice.", "The budget report.", "Defend the border."];
    /// # let names = ["L1", "C1", "R1", "L2", "C2", "R2", "L3", "C3", "R3"];
    /// # let docs: Vec<_> =
    /// #     names.iter().enumerate().map(|(i, n)| (*n, texts[i % 3], i % 3)).collect();
    /// # let data = OutletData::from_texts(&docs);
    /// // `data`: nine one-article outlets, three per label.
    /// // Each of 3 outer folds trains on six outlets, which 2 inner folds split again.
    /// let valid = OutletParams { alphas: vec![0.1, 1.0], vocab_sizes: vec![100], min_df: 1,
    ///     min_groups: 1, folds: 3, inner_folds: 2, ..OutletParams::default() }.check().unwrap();
    /// let cv = valid.cross_validate(&data, VoiceFilter::All, None).unwrap();
    /// assert!(cv.nested && cv.per_fold.len() == 3);
    /// assert!(cv.per_fold.iter().all(|c| !c.inner_spearman.is_nan())); // each fold searched
    /// assert_eq!((cv.articles, cv.outlets), (9, 9));
    /// assert!(cv.outlet_spearman > 0.5);
    /// ```
    pub fn cross_validate(
        &self,
        data: &OutletData,
        voice: VoiceFilter,
        fixed: Option<&OutletChoice>,
    ) -> Result<OutletCv> {
        let p = &self.0;
        let idx: Vec<usize> = (0..data.len()).collect();
        let (preds, per_fold) = self.oof(data, &idx, voice, p.folds, p.seed, fixed)?;
        let pred: Vec<usize> = preds.iter().map(|p| p.class).collect();
        let slants: Vec<f64> = preds.iter().map(|p| p.slant).collect();
        let (s1, n1, scores) = outlet_spearman(data, &idx, &slants, 1);
        let (s5, n5, _) = outlet_spearman(data, &idx, &slants, 5);
        let (s20, n20, _) = outlet_spearman(data, &idx, &slants, 20);
        let shrunk1 = outlet_spearman_shrunk(data, &idx, &slants, 1);
        let shrunk5 = outlet_spearman_shrunk(data, &idx, &slants, 5);
        let prior = Self::prior_only(data, &idx, p.folds, p.seed);
        let prior_only = [1, 5, 20].map(|m| outlet_spearman(data, &idx, &prior, m).0);
        Ok(OutletCv {
            voice,
            nested: fixed.is_none(),
            folds: p.folds,
            articles: data.len(),
            article_macro_f1: metrics::macro_f1(&data.labels, &pred, 3),
            article_accuracy: metrics::accuracy(&data.labels, &pred),
            outlets: n1,
            outlet_spearman: s1,
            outlet_spearman_min5: s5,
            outlets_min5: n5,
            outlet_spearman_min20: s20,
            outlets_min20: n20,
            outlet_spearman_shrunk: shrunk1,
            outlet_spearman_shrunk_min5: shrunk5,
            prior_only_spearman: prior_only,
            per_fold,
            outlet_scores: scores,
        })
    }

    /// Search on all data, then fit the final model. With a single grid
    /// point there is nothing to search: the model uses
    /// [`OutletParams::fixed_choice`].
    ///
    /// ```
    /// use slant::scorers::outlet::OutletParams;
    /// use slant::scorers::textfeat::VoiceFilter;
    /// # let data = slant::scorers::outlet::OutletData::from_texts(&[("L1", "Climate justice.", 0),
    /// #     ("L2", "Climate rally.", 0), ("C1", "Budget report.", 1), ("C2", "Budget cuts.", 1),
    /// #     ("R1", "Border security.", 2), ("R2", "Border hawks.", 2)]);
    /// // `data`: six one-article outlets, two per label.
    /// let params = OutletParams { alphas: vec![0.1], vocab_sizes: vec![100], min_df: 1,
    ///     min_groups: 1, ..OutletParams::default() };
    /// let model = params.check().unwrap().fit(&data).unwrap();
    /// assert!(model.file().chosen.inner_spearman.is_nan()); // not searched
    /// let slant = |text| model.score_text(text, VoiceFilter::All).slant;
    /// assert!(slant("Climate justice activists.") < slant("Border security hawks."));
    /// ```
    pub fn fit(&self, data: &OutletData) -> Result<OutletModel> {
        let idx: Vec<usize> = (0..data.len()).collect();
        let c = if self.0.alphas.len() * self.0.vocab_sizes.len() > 1 {
            self.search(data, &idx, self.0.voice, self.0.seed)?
        } else {
            self.0.fixed_choice()
        };
        self.fit_with(data, &c)
    }

    /// Fit the final model with given hyper-parameters.
    ///
    /// ```
    /// use slant::scorers::outlet::{OutletChoice, OutletParams};
    /// # let data = slant::scorers::outlet::OutletData::from_texts(&[("L1", "Climate justice.", 0),
    /// #     ("L2", "Climate rally.", 0), ("C1", "Budget report.", 1), ("C2", "Budget cuts.", 1),
    /// #     ("R1", "Border security.", 2), ("R2", "Border hawks.", 2)]);
    /// // `data`: six one-article outlets, two per label.
    /// let valid = OutletParams { min_df: 1, min_groups: 1, ..OutletParams::default() };
    /// let valid = valid.check().unwrap();
    /// let choice = OutletChoice { alpha: 1.0, vocab_size: 3, inner_spearman: 0.0 };
    /// let model = valid.fit_with(&data, &choice).unwrap();
    /// assert_eq!(model.file().chosen, choice);
    /// assert!(model.file().vocabulary.len() <= 3); // at most `vocab_size` phrases
    /// ```
    pub fn fit_with(&self, data: &OutletData, choice: &OutletChoice) -> Result<OutletModel> {
        let idx: Vec<usize> = (0..data.len()).collect();
        let f = self.fit_fold(data, &idx, self.0.voice, choice, self.0.seed)?;
        let file = OutletFile {
            seed: self.0.seed,
            params: self.0.clone(),
            chosen: choice.clone(),
            training_data: None,
            voice: self.0.voice,
            weighting: self.0.weighting,
            features: format!(
                "lower-cased word unigrams and bigrams of the whole article (title and body), \
                 chi-squared-selected among phrases used by at least min_groups training outlets; \
                 TF-IDF, L2-normalised; {}",
                match self.0.method {
                    OutletMethod::Multinomial => {
                        "coefficients[class][term] of a multinomial logistic regression, \
                         slant = P(right) - P(left)"
                    }
                    OutletMethod::OutletRidge => {
                        "coefficients[0][term] and intercepts[0] of a ridge regression of the \
                         outlet label (-1, 0, 1) on outlets' renormalised mean vectors, \
                         slant = intercept + coefficients . x"
                    }
                }
            ),
            classes: LABELS.iter().map(|s| s.to_string()).collect(),
            vocabulary: f.space.terms.clone(),
            idf: f.space.idf.clone(),
            coefficients: match &f.fit {
                Fit::Multi(m) => m.weights.clone(),
                Fit::Ridge { weights, .. } => vec![weights.clone()],
            },
            intercepts: match &f.fit {
                Fit::Multi(m) => m.intercepts.clone(),
                Fit::Ridge { intercept, .. } => vec![*intercept],
            },
            metrics: None,
            stack: self.final_stacker(data, choice)?,
        };
        OutletModel::from_file(file, Path::new("<memory>"))
    }
}

fn argmax(p: &[f64; 3]) -> usize {
    let mut b = 0;
    for k in 1..3 {
        if p[k] > p[b] {
            b = k;
        }
    }
    b
}

fn score_row(fit: &Fit, x: &[(u32, f64)]) -> SlantScore {
    match fit {
        Fit::Multi(fit) => {
            let mut s = [0.0; 3];
            for (c, sc) in s.iter_mut().enumerate() {
                *sc = fit.intercepts[c]
                    + x.iter()
                        .map(|(j, v)| fit.weights[c][*j as usize] * v)
                        .sum::<f64>();
            }
            softmax(&mut s);
            SlantScore {
                probabilities: Some(s),
                slant: s[2] - s[0],
            }
        }
        Fit::Ridge { weights, intercept } => SlantScore {
            probabilities: None,
            slant: intercept + x.iter().map(|(j, v)| weights[*j as usize] * v).sum::<f64>(),
        },
    }
}

/// Spearman between held-out outlets' mean slant and their label, over
/// outlets with at least `min_docs` rows in `idx`. Returns (rho, outlets,
/// per-outlet rows).
fn outlet_spearman(
    data: &OutletData,
    idx: &[usize],
    slants: &[f64],
    min_docs: usize,
) -> (f64, usize, Vec<OutletRow>) {
    let glabels = data.group_labels();
    let mut sums: BTreeMap<u32, (f64, usize)> = BTreeMap::new();
    for (j, &i) in idx.iter().enumerate() {
        let e = sums.entry(data.groups[i]).or_insert((0.0, 0));
        e.0 += slants[j];
        e.1 += 1;
    }
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut rows = Vec::new();
    for (g, (s, n)) in sums {
        if n < min_docs {
            continue;
        }
        let mean = s / n as f64;
        x.push(mean);
        y.push(glabels[g as usize] as f64 - 1.0);
        rows.push((
            data.group_names[g as usize].clone(),
            LABELS[glabels[g as usize]].to_string(),
            n,
            mean,
        ));
    }
    (metrics::spearman(&x, &y), x.len(), rows)
}

/// Like [`outlet_spearman`] with each outlet's mean replaced by its
/// empirical-Bayes shrunken mean; the shrinkage is fitted on all held-out
/// outlets' document slants (no labels), then outlets with fewer than
/// `min_docs` rows are left out of the correlation.
fn outlet_spearman_shrunk(
    data: &OutletData,
    idx: &[usize],
    slants: &[f64],
    min_docs: usize,
) -> f64 {
    let glabels = data.group_labels();
    let mut by: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
    for (j, &i) in idx.iter().enumerate() {
        by.entry(data.groups[i]).or_default().push(slants[j]);
    }
    let groups: Vec<&[f64]> = by.values().map(Vec::as_slice).collect();
    let Some(sh) = crate::stats::shrink::Shrinkage::fit(&groups) else {
        return f64::NAN;
    };
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for (g, v) in &by {
        if v.len() >= min_docs {
            x.push(sh.shrink(v));
            y.push(glabels[*g as usize] as f64 - 1.0);
        }
    }
    metrics::spearman(&x, &y)
}

fn nan3() -> [f64; 3] {
    [f64::NAN; 3]
}

fn nan() -> f64 {
    f64::NAN
}

/// Metrics stored in the model card.
///
/// ```
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
    /// The source stacker ([`stack`](super::stack)): a source's slant
    /// stacks its mean phrase slant with its framing-family scores. Absent
    /// from files written before it existed and from models trained
    /// without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<Stacker>,
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

/// A fitted, ready-to-use outlet-slant model.
///
/// ```
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

    /// Load and check a model file.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::{loaded, outlet::{OutletModel, FILE_NAME}};
    /// let dir = Scorers::default_dir();
    /// let model = OutletModel::load(&dir.join(FILE_NAME)).unwrap();
    /// assert!(!model.file().vocabulary.is_empty());
    /// // A model file of another kind is refused.
    /// let err = OutletModel::load(&dir.join(loaded::FILE_NAME)).unwrap_err().to_string();
    /// assert!(err.contains("expected a `outlet-slant` model, found `loaded-language`"));
    /// ```
    pub fn load(path: &Path) -> Result<OutletModel> {
        let file: OutletFile = model_file::read(path, KIND)?;
        OutletModel::from_file(file, path)
    }

    /// Parse a model from JSON text (`path` for messages).
    ///
    /// ```
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
    pub fn from_json(path: &Path, text: &str) -> Result<OutletModel> {
        let file: OutletFile = model_file::from_json(path, KIND, text)?;
        OutletModel::from_file(file, path)
    }

    /// The model file's JSON.
    ///
    /// ```
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
    pub fn to_json(&self) -> Result<String> {
        model_file::to_json(KIND, &self.file)
    }

    /// The serialisable content.
    ///
    /// ```
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

    /// Score an analysed document with the model's voice setting.
    ///
    /// ```
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

    /// Score an analysed document from the scorers' word cache (prepared
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
