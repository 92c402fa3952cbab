//! The loaded-language model's settings: [`LoadedParams`] and their checked form.

use super::*;

/// How a sentence's score is made from its words' probabilities.
///
/// ```
/// use slant::scorers::loaded::Combiner;
/// let p = [0.5, 0.2, 0.5];
/// assert!((Combiner::NoisyOr.combine(&p) - (1.0 - 0.5 * 0.8 * 0.5)).abs() < 1e-12);
/// assert_eq!(Combiner::Max.combine(&p), 0.5);
/// assert_eq!(Combiner::Top2.combine(&p), 0.5);
/// assert_eq!(Combiner::Top2.combine(&[0.4]), 0.4);
/// assert_eq!(Combiner::NoisyOr.combine(&[]), 0.0); // no words: nothing loaded
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combiner {
    /// `1 − Π (1 − p)`: the probability that at least one word is loaded,
    /// if words were independent.
    NoisyOr,
    /// The largest word probability.
    Max,
    /// The mean of the two largest word probabilities (the largest when
    /// there is one word).
    Top2,
}

impl Combiner {
    /// Combine word probabilities (0 without words).
    ///
    /// ```
    /// use slant::scorers::loaded::Combiner;
    /// assert_eq!(Combiner::Max.combine(&[0.1, 0.7]), 0.7);
    /// ```
    pub fn combine(self, p: &[f64]) -> f64 {
        let (m1, m2) = top_two(p);
        match self {
            Combiner::NoisyOr => {
                let mut log_none = 0.0;
                for &q in p {
                    log_none += (-q.clamp(0.0, 1.0 - 1e-15)).ln_1p();
                }
                if p.is_empty() {
                    0.0
                } else {
                    -log_none.exp_m1()
                }
            }
            Combiner::Max => m1,
            Combiner::Top2 => match p.len() {
                0 => 0.0,
                1 => m1,
                _ => (m1 + m2) / 2.0,
            },
        }
    }
}

/// The two largest values (0 when missing).
pub(super) fn top_two(p: &[f64]) -> (f64, f64) {
    let (mut a, mut b) = (0.0f64, 0.0f64);
    for &q in p {
        if q > a {
            b = a;
            a = q;
        } else if q > b {
            b = q;
        }
    }
    (a, b)
}

/// Settings for training (before checking). The defaults are those of the
/// shipped model. They are stored in the model file.
///
/// ```
/// use slant::scorers::loaded::{Combiner, LoadedParams};
/// let params = LoadedParams { alphas: vec![0.5], combiners: vec![Combiner::Max],
///     ..LoadedParams::default() };
/// let valid = params.clone().check().unwrap();
/// assert_eq!(valid.params(), &params);
/// let json = serde_json::to_string(&params).unwrap();
/// assert!(json.contains("\"combiners\":[\"max\"]"));
/// assert_eq!(serde_json::from_str::<LoadedParams>(&json).unwrap(), params);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadedParams {
    /// Candidate L2 strengths of the word model (linfa's `alpha` on the
    /// summed log-loss, ≈ scikit-learn `C = 1/α`), searched on the
    /// validation set in this order (ties keep the earlier).
    pub alphas: Vec<f64>,
    /// Candidate sentence combiners, searched with the alphas.
    pub combiners: Vec<Combiner>,
    /// Smallest count (training word tokens) of a character n-gram or word
    /// to get a column.
    pub min_count: u32,
    /// Whether the word itself is a feature (besides its n-grams).
    pub word_identity: bool,
    /// Folds of the cross-validation on the training data.
    pub folds: usize,
    /// Seed of every fold split and bootstrap.
    pub seed: u64,
    /// L-BFGS iterations of the word model.
    pub max_iterations: u64,
    /// Candidate L2 strengths of the sentence decision model.
    pub decision_alphas: Vec<f64>,
    /// Candidate sets of extra word-score features of the decision model
    /// (names from [`DECISION_EXTRA_FEATURES`]; an empty set: the three
    /// [`DECISION_WORD_FEATURES`] and the lexicon features only). With the
    /// alphas they form the decision's grid, chosen inside each outer
    /// fold by inner cross-validation on the other folds (nested), and
    /// for the shipped decision by cross-validation on all the data.
    pub decision_extras: Vec<Vec<String>>,
    /// Words in fewer reference-corpus documents are unseen to the rarity
    /// features (keeps the shipped table small).
    pub corpus_min_df: u32,
}

impl Default for LoadedParams {
    fn default() -> Self {
        LoadedParams {
            alphas: vec![1.0, 0.5, 2.0],
            combiners: vec![Combiner::NoisyOr, Combiner::Top2, Combiner::Max],
            min_count: 3,
            word_identity: true,
            folds: 10,
            seed: 42,
            max_iterations: 200,
            decision_alphas: vec![1.0, 10.0],
            decision_extras: vec![
                vec![],
                vec!["word_log_sum".into()],
                vec!["words_over_half".into()],
                vec!["word_mean_logit".into()],
                vec!["word_third".into()],
            ],
            corpus_min_df: 3,
        }
    }
}

/// Checked settings, made by [`LoadedParams::check`].
///
/// ```
/// use slant::scorers::loaded::LoadedParams;
/// let valid = LoadedParams::default().check().unwrap();
/// assert_eq!(valid.params().folds, 10);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedValidParams(pub(super) LoadedParams);

impl LoadedParams {
    /// Check the settings.
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedParams;
    /// assert!(LoadedParams::default().check().is_ok());
    /// assert!(LoadedParams { alphas: vec![-1.0], ..LoadedParams::default() }.check().is_err());
    /// assert!(LoadedParams { combiners: vec![], ..LoadedParams::default() }.check().is_err());
    /// assert!(LoadedParams { folds: 1, ..LoadedParams::default() }.check().is_err());
    /// assert!(LoadedParams { decision_alphas: vec![], ..LoadedParams::default() }.check().is_err());
    /// let bad = LoadedParams { decision_extras: vec![vec!["word_fifth".into()]], ..LoadedParams::default() };
    /// assert!(bad.check().unwrap_err().to_string().contains("unknown decision feature"));
    /// ```
    pub fn check(self) -> Result<LoadedValidParams> {
        let ok = |a: f64| a.is_finite() && a > 0.0;
        if self.alphas.is_empty() || !self.alphas.iter().all(|&a| ok(a)) {
            return Err(Error::usage("alphas must be finite and > 0"));
        }
        if self.decision_alphas.is_empty() || !self.decision_alphas.iter().all(|&a| ok(a)) {
            return Err(Error::usage("decision_alphas must be finite and > 0"));
        }
        if self.decision_extras.is_empty() {
            return Err(Error::usage(
                "at least one decision feature set is needed (an empty set: no extra feature)",
            ));
        }
        for name in self.decision_extras.iter().flatten() {
            if !DECISION_EXTRA_FEATURES.contains(&name.as_str()) {
                return Err(Error::usage(format!(
                    "unknown decision feature {name:?} (known: {})",
                    DECISION_EXTRA_FEATURES.join(", ")
                )));
            }
        }
        if self.combiners.is_empty() {
            return Err(Error::usage("at least one sentence combiner is needed"));
        }
        if self.folds < 2 {
            return Err(Error::usage("folds must be >= 2"));
        }
        Ok(LoadedValidParams(self))
    }
}
