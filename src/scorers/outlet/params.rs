//! The outlet-slant model's settings: method, grids, checked parameters and the chosen point.

use super::*;

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
    pub(super) fn is_multinomial(&self) -> bool {
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
pub struct OutletValidParams(pub(super) OutletParams);

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
