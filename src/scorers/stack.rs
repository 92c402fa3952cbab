//! The outlet slant of a **source**: a second-level ridge regression that
//! stacks the source's mean phrase slant (the outlet ridge of
//! [`outlet`](super::outlet), scored document by document) with its
//! framing-family scores.
//!
//! A source's family score for family `f` is its authorial tone-weighted
//! share `Σ tone / matches` over all its documents, shrunk towards the
//! training corpus's pooled share `μ_f` with `k` pseudo-matches and centred:
//! `(Σ tone + k·μ_f) / (matches + k) − μ_f` (0 for a source without
//! matches). The family lexicon's tones say how sympathetic a label is to
//! its referent, not which side uses it; the stacker learns each family's
//! political direction from the training outlets.
//!
//! The stacker is fitted on training outlets with at least `min_docs`
//! articles (their features are measured well enough), each outlet once,
//! on out-of-fold phrase slants (so that it weighs the phrase score as it
//! behaves on outlets it has not seen), with standardised features and an
//! L2 penalty `alpha`, label left −1, center 0, right 1.
//!
//! ```
//! use slant::scorers::stack::{SourceInput, StackChoice, Stacker};
//! // Six outlets: phrase mean, one family (Σ tone, matches), label, articles.
//! let src = |r: f64, tone: f64, n: f64| SourceInput { phrase: r, families: vec![(tone, n)] };
//! let inputs = [src(-0.3, 8.0, 10.0), src(-0.1, 5.0, 10.0), src(0.0, 0.0, 10.0),
//!     src(0.05, 1.0, 10.0), src(0.2, -6.0, 10.0), src(0.3, -9.0, 10.0)];
//! let labels = [-1.0, -1.0, 0.0, 0.0, 1.0, 1.0];
//! let docs = [30, 30, 30, 30, 30, 30];
//! let choice = StackChoice { prior: 10.0, alpha: 1.0, min_docs: 20, inner_score: f64::NAN };
//! let s = Stacker::fit(&["immigration".to_string()], &[0.0], &inputs, &labels, &docs, &choice)
//!     .unwrap();
//! assert!(s.score(&inputs[0]) < s.score(&inputs[2]) && s.score(&inputs[2]) < s.score(&inputs[5]));
//! // This family's positive tones go with the left here: its weight is negative.
//! assert!(s.family_weights[0] < 0.0 && s.phrase_weight > 0.0);
//! ```

#[cfg(feature = "train")]
use super::linear::fit_ridge_dual;
use super::metrics;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// What the stacker reads of one source: its mean phrase slant and, per
/// family of [`Stacker::families`], the authorial `(Σ tone, matches)` over
/// its documents.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceInput {
    /// Mean document phrase slant.
    pub phrase: f64,
    /// Per family: (Σ tone, matches), in the stacker's family order.
    pub families: Vec<(f64, f64)>,
}

/// The stacker's search grid; the first value of each list is the fixed
/// choice. The shipped grid: prior strength k ∈ {10, 3, 30} pseudo-matches,
/// α ∈ {30, 10, 100}, fitted on outlets with ≥ {20, 10, 5} articles.
///
/// ```
/// use slant::scorers::stack::StackParams;
/// let p = StackParams::default();
/// let c = p.fixed_choice();
/// assert_eq!((c.prior, c.alpha, c.min_docs), (10.0, 30.0, 20));
/// assert_eq!(p.grid().len(), 27);
/// assert!(p.check().is_ok());
/// assert!(StackParams { alphas: vec![], ..p }.check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackParams {
    /// Prior strengths (pseudo-matches) of the family scores.
    pub priors: Vec<f64>,
    /// L2 strengths on standardised features.
    pub alphas: Vec<f64>,
    /// Least articles of an outlet the stacker is fitted on.
    pub min_docs: Vec<usize>,
    /// Folds of the inner cross-validation that gives the training outlets
    /// out-of-fold phrase slants inside each outer fold.
    pub inner_folds: usize,
}

impl Default for StackParams {
    fn default() -> Self {
        StackParams {
            priors: vec![10.0, 3.0, 30.0],
            alphas: vec![30.0, 10.0, 100.0],
            min_docs: vec![20, 10, 5],
            inner_folds: 4,
        }
    }
}

impl StackParams {
    /// Check the grid.
    ///
    /// ```
    /// use slant::scorers::stack::StackParams;
    /// assert!(StackParams { inner_folds: 1, ..StackParams::default() }.check().is_err());
    /// assert!(StackParams { priors: vec![-1.0], ..StackParams::default() }.check().is_err());
    /// ```
    pub fn check(&self) -> Result<()> {
        let bad = |v: &[f64], ok: fn(f64) -> bool| v.is_empty() || v.iter().any(|&x| !ok(x));
        if bad(&self.priors, |x| x.is_finite() && x >= 0.0) {
            return Err(Error::usage("stacker priors must be finite and >= 0"));
        }
        if bad(&self.alphas, |x| x.is_finite() && x > 0.0) {
            return Err(Error::usage("stacker alphas must be finite and > 0"));
        }
        if self.min_docs.is_empty() {
            return Err(Error::usage("stacker min_docs must not be empty"));
        }
        if self.inner_folds < 2 {
            return Err(Error::usage("stacker inner folds must be >= 2"));
        }
        Ok(())
    }

    /// The first grid point, unsearched.
    ///
    /// # Panics
    ///
    /// When a list is empty, which [`StackParams::check`] refuses.
    ///
    /// ```
    /// use slant::scorers::stack::StackParams;
    /// assert!(StackParams::default().fixed_choice().inner_score.is_nan());
    /// ```
    pub fn fixed_choice(&self) -> StackChoice {
        StackChoice {
            prior: self.priors[0],
            alpha: self.alphas[0],
            min_docs: self.min_docs[0],
            inner_score: f64::NAN,
        }
    }

    /// Every grid point, in search order (priors, then alphas, then
    /// minimum articles).
    ///
    /// ```
    /// use slant::scorers::stack::StackParams;
    /// let p = StackParams { priors: vec![1.0], alphas: vec![2.0, 3.0], min_docs: vec![5],
    ///     inner_folds: 2 };
    /// let g = p.grid();
    /// assert_eq!(g.len(), 2);
    /// assert_eq!((g[1].prior, g[1].alpha, g[1].min_docs), (1.0, 3.0, 5));
    /// ```
    pub fn grid(&self) -> Vec<StackChoice> {
        let mut out = Vec::new();
        for &prior in &self.priors {
            for &alpha in &self.alphas {
                for &min_docs in &self.min_docs {
                    out.push(StackChoice {
                        prior,
                        alpha,
                        min_docs,
                        inner_score: f64::NAN,
                    });
                }
            }
        }
        out
    }
}

/// Hyper-parameters of a stacker.
///
/// ```
/// use slant::scorers::stack::StackChoice;
/// let c = StackChoice { prior: 10.0, alpha: 30.0, min_docs: 20, inner_score: f64::NAN };
/// let json = serde_json::to_string(&c).unwrap();
/// assert!(json.contains("\"inner_score\":null"));
/// let back: StackChoice = serde_json::from_str(&json).unwrap();
/// assert!(back.inner_score.is_nan() && back.alpha == 30.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackChoice {
    /// Prior strength of the family scores (pseudo-matches).
    pub prior: f64,
    /// L2 strength on standardised features.
    pub alpha: f64,
    /// Least articles of an outlet the stacker is fitted on.
    pub min_docs: usize,
    /// Mean of the held-out-outlet Spearman over outlets with ≥ 5 and
    /// ≥ 20 articles in the search (NaN when not searched).
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub inner_score: f64,
}

/// A fitted stacker: `slant = intercept + phrase_weight · phrase mean +
/// Σ_f family_weights[f] · family score f` (see the module docs).
///
/// ```
/// use slant::scorers::stack::{SourceInput, Stacker, StackChoice};
/// let s = Stacker { families: vec!["taxes".into()], family_means: vec![0.2],
///     choice: StackChoice { prior: 10.0, alpha: 30.0, min_docs: 20, inner_score: f64::NAN },
///     intercept: 0.1, phrase_weight: 2.0, family_weights: vec![-1.0] };
/// // No family matches: the family score is 0.
/// let none = SourceInput { phrase: 0.3, families: vec![(0.0, 0.0)] };
/// assert!((s.score(&none) - 0.7).abs() < 1e-12);
/// // 10 matches of tone sum 7: (7 + 10·0.2) / (10 + 10) − 0.2 = 0.25.
/// let some = SourceInput { phrase: 0.3, families: vec![(7.0, 10.0)] };
/// assert!((s.score(&some) - 0.45).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stacker {
    /// Family ids, in feature order.
    pub families: Vec<String>,
    /// Pooled authorial tone share of each family in the training corpus.
    pub family_means: Vec<f64>,
    /// Hyper-parameters.
    pub choice: StackChoice,
    /// Intercept.
    pub intercept: f64,
    /// Weight of the mean phrase slant.
    pub phrase_weight: f64,
    /// Weight of each family score.
    pub family_weights: Vec<f64>,
}

/// A source's shrunk, centred family scores.
fn family_features<'a>(
    input: &'a SourceInput,
    means: &'a [f64],
    prior: f64,
) -> impl Iterator<Item = f64> + 'a {
    means.iter().enumerate().map(move |(f, &mu)| {
        let (tone, n) = input.families.get(f).copied().unwrap_or((0.0, 0.0));
        if n + prior > 0.0 {
            (tone + prior * mu) / (n + prior) - mu
        } else {
            0.0
        }
    })
}

impl Stacker {
    #[cfg(feature = "train")]
    /// Fit on outlets (`inputs`, `labels` on −1/0/1, `docs` articles
    /// each); only outlets with at least `choice.min_docs` articles are
    /// used, or all of them when fewer than 10 have that many.
    ///
    /// ```
    /// use slant::scorers::stack::{SourceInput, StackChoice, Stacker};
    /// let inputs = vec![SourceInput { phrase: -1.0, families: vec![] },
    ///     SourceInput { phrase: 1.0, families: vec![] }];
    /// let c = StackChoice { prior: 1.0, alpha: 1.0, min_docs: 1, inner_score: f64::NAN };
    /// let s = Stacker::fit(&[], &[], &inputs, &[-1.0, 1.0], &[1, 1], &c).unwrap();
    /// assert!(s.phrase_weight > 0.0);
    /// // One outlet is not enough.
    /// assert!(Stacker::fit(&[], &[], &inputs[..1], &[-1.0], &[1], &c).is_err());
    /// ```
    pub fn fit(
        families: &[String],
        family_means: &[f64],
        inputs: &[SourceInput],
        labels: &[f64],
        docs: &[usize],
        choice: &StackChoice,
    ) -> Result<Stacker> {
        let enough = docs.iter().filter(|&&n| n >= choice.min_docs).count();
        let min_docs = if enough >= 10 { choice.min_docs } else { 0 };
        let rows: Vec<Vec<f64>> = inputs
            .iter()
            .zip(docs)
            .filter(|(_, &n)| n >= min_docs)
            .map(|(x, _)| {
                std::iter::once(x.phrase)
                    .chain(family_features(x, family_means, choice.prior))
                    .collect()
            })
            .collect();
        let y: Vec<f64> = labels
            .iter()
            .zip(docs)
            .filter(|(_, &n)| n >= min_docs)
            .map(|(y, _)| *y)
            .collect();
        if rows.len() < 2 {
            return Err(Error::usage(format!(
                "the outlet stacker needs at least two training outlets, found {}",
                rows.len()
            )));
        }
        let dim = 1 + family_means.len();
        let n = rows.len() as f64;
        let mean: Vec<f64> = (0..dim)
            .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / n)
            .collect();
        let sd: Vec<f64> = (0..dim)
            .map(|j| (rows.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n).sqrt())
            .collect();
        let z: Vec<Vec<(u32, f64)>> = rows
            .iter()
            .map(|r| {
                (0..dim)
                    .filter(|&j| sd[j] > 1e-12)
                    .map(|j| (j as u32, (r[j] - mean[j]) / sd[j]))
                    .collect()
            })
            .collect();
        let (w, b) = fit_ridge_dual(&z, dim, &y, choice.alpha)?;
        let raw: Vec<f64> = (0..dim)
            .map(|j| if sd[j] > 1e-12 { w[j] / sd[j] } else { 0.0 })
            .collect();
        // On standardised features the intercept is `b`; unstandardised,
        // `b − Σ raw_j · mean_j`.
        let intercept = b - (0..dim).map(|j| raw[j] * mean[j]).sum::<f64>();
        Ok(Stacker {
            families: families.to_vec(),
            family_means: family_means.to_vec(),
            choice: choice.clone(),
            intercept,
            phrase_weight: raw[0],
            family_weights: raw[1..].to_vec(),
        })
    }

    /// The outlet slant of a source.
    pub fn score(&self, input: &SourceInput) -> f64 {
        self.intercept
            + self.phrase_weight * input.phrase
            + family_features(input, &self.family_means, self.choice.prior)
                .zip(&self.family_weights)
                .map(|(x, w)| x * w)
                .sum::<f64>()
    }
}

/// Spearman of held-out outlets' scores with their labels over those with
/// at least `min_docs` articles.
///
/// ```
/// use slant::scorers::stack::spearman_min;
/// let s = spearman_min(&[0.1, 0.5, 0.9, 0.0], &[-1.0, 0.0, 1.0, 1.0], &[5, 5, 5, 1], 5);
/// assert!((s - 1.0).abs() < 1e-12); // the one-article outlet is left out
/// ```
pub fn spearman_min(scores: &[f64], labels: &[f64], docs: &[usize], min_docs: usize) -> f64 {
    let (x, y): (Vec<f64>, Vec<f64>) = scores
        .iter()
        .zip(labels)
        .zip(docs)
        .filter(|(_, &n)| n >= min_docs)
        .map(|((s, l), _)| (*s, *l))
        .unzip();
    metrics::spearman(&x, &y)
}

/// The search criterion: the mean of the Spearman over outlets with ≥ 5
/// and with ≥ 20 articles (whichever are defined).
///
/// ```
/// use slant::scorers::stack::search_score;
/// let s = search_score(&[0.1, 0.5, 0.9], &[-1.0, 0.0, 1.0], &[25, 25, 25]);
/// assert!((s - 1.0).abs() < 1e-12);
/// ```
pub fn search_score(scores: &[f64], labels: &[f64], docs: &[usize]) -> f64 {
    let v: Vec<f64> = [5, 20]
        .iter()
        .map(|&m| spearman_min(scores, labels, docs, m))
        .filter(|s| s.is_finite())
        .collect();
    if v.is_empty() {
        spearman_min(scores, labels, docs, 1)
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::{SourceInput, StackChoice, Stacker};
    use crate::scorers::linear::fit_ridge_dual;

    fn inputs() -> (Vec<SourceInput>, Vec<f64>, Vec<usize>) {
        let x: Vec<SourceInput> = (0..12)
            .map(|i| {
                let v = i as f64;
                SourceInput {
                    phrase: (v * 0.37).sin(),
                    families: vec![((v * 1.3).cos() * 4.0, 3.0 + (i % 4) as f64)],
                }
            })
            .collect();
        let y = (0..12).map(|i| (i % 3) as f64 - 1.0).collect();
        let docs = (0..12).map(|i| if i < 10 { 30 } else { 2 }).collect();
        (x, y, docs)
    }

    /// The unstandardised weights give exactly the predictions of the ridge
    /// fitted on standardised features.
    #[test]
    fn raw_weights_reproduce_the_standardised_fit() {
        let (x, y, docs) = inputs();
        let c = StackChoice {
            prior: 2.0,
            alpha: 3.0,
            min_docs: 1,
            inner_score: f64::NAN,
        };
        let st = Stacker::fit(&["f".into()], &[0.1], &x, &y, &docs, &c).unwrap();
        let feats: Vec<[f64; 2]> = x
            .iter()
            .map(|s| {
                let (t, n) = s.families[0];
                [s.phrase, (t + 2.0 * 0.1) / (n + 2.0) - 0.1]
            })
            .collect();
        let n = feats.len() as f64;
        let mean: Vec<f64> = (0..2)
            .map(|j| feats.iter().map(|f| f[j]).sum::<f64>() / n)
            .collect();
        let sd: Vec<f64> = (0..2)
            .map(|j| (feats.iter().map(|f| (f[j] - mean[j]).powi(2)).sum::<f64>() / n).sqrt())
            .collect();
        let z: Vec<Vec<(u32, f64)>> = feats
            .iter()
            .map(|f| {
                (0..2)
                    .map(|j| (j as u32, (f[j] - mean[j]) / sd[j]))
                    .collect()
            })
            .collect();
        let (w, b) = fit_ridge_dual(&z, 2, &y, 3.0).unwrap();
        for (s, zi) in x.iter().zip(&z) {
            let want = b + zi.iter().map(|(j, v)| w[*j as usize] * v).sum::<f64>();
            assert!((st.score(s) - want).abs() < 1e-9);
        }
    }

    /// Outlets below `min_docs` do not move the fit (when at least 10
    /// outlets reach it).
    #[test]
    fn small_outlets_are_left_out_of_the_fit() {
        let (mut x, y, docs) = inputs();
        let c = StackChoice {
            prior: 2.0,
            alpha: 3.0,
            min_docs: 20,
            inner_score: f64::NAN,
        };
        let a = Stacker::fit(&["f".into()], &[0.1], &x, &y, &docs, &c).unwrap();
        x[11].phrase = 50.0;
        let b = Stacker::fit(&["f".into()], &[0.1], &x, &y, &docs, &c).unwrap();
        let weights = |s: &Stacker| (s.intercept, s.phrase_weight, s.family_weights.clone());
        assert_eq!(weights(&a), weights(&b));
        // With all outlets in, the outlier changes the fit.
        let all = StackChoice { min_docs: 1, ..c };
        let d = Stacker::fit(&["f".into()], &[0.1], &x, &y, &docs, &all).unwrap();
        assert_ne!(a.phrase_weight, d.phrase_weight);
    }
}
