//! Empirical-Bayes shrinkage of group means (one-way random effects).
//!
//! A source's mean document score is a noisy estimate of its true level:
//! with one article it is that article's score. Ranking sources by raw
//! means puts the sources with the fewest documents at both extremes. The
//! posterior mean under a normal random-effects model pulls each mean
//! towards the overall level in proportion to its noise:
//!
//! `shrunk_g = μ + B_g (x̄_g − μ)`, `B_g = τ² / (τ² + σ² / n_g)`
//!
//! where σ² is the within-group variance of documents, τ² the variance of
//! the true group levels and μ their precision-weighted mean. σ² and τ²
//! are estimated from the scores themselves by the method of moments (the
//! unbalanced one-way ANOVA estimator), so the shrinkage uses no labels.

/// The fitted variance components, from [`Shrinkage::fit`].
///
/// ```
/// use slant::stats::shrink::Shrinkage;
/// // Two groups with means 2 and 6, each with spread 1 around its mean.
/// let s = Shrinkage::fit(&[&[1.0, 3.0][..], &[5.0, 7.0][..]]).unwrap();
/// assert_eq!(s, Shrinkage { mean: 4.0, within: 2.0, between: 7.0 });
/// // A group of two keeps τ² / (τ² + σ²/2) = 7/8 of its distance from μ.
/// assert_eq!(s.shrink(&[1.0, 3.0]), 4.0 - 2.0 * 7.0 / 8.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shrinkage {
    /// Precision-weighted mean of the group means (μ).
    pub mean: f64,
    /// Pooled within-group variance of single scores (σ²).
    pub within: f64,
    /// Variance of the true group levels (τ², at least a tiny positive
    /// floor so the ranking of means is never flattened to ties).
    pub between: f64,
}

impl Shrinkage {
    /// Estimate the components from groups of scores (empty groups are
    /// ignored). `None` when there are fewer than two non-empty groups or
    /// no group with two or more scores.
    ///
    /// ```
    /// use slant::stats::shrink::Shrinkage;
    /// let a = [0.5, 0.7, 0.6, 0.4];
    /// let b = [-0.5, -0.3, -0.4];
    /// let c = [0.9]; // one noisy score
    /// let s = Shrinkage::fit(&[&a[..], &b[..], &c[..]]).unwrap();
    /// let c_shrunk = s.shrink(&c);
    /// assert!(c_shrunk < 0.9 && c_shrunk > s.mean);
    /// // Groups with many scores move less than groups with one.
    /// assert!((s.shrink(&a) - 0.55).abs() < (c_shrunk - 0.9).abs());
    /// ```
    pub fn fit(groups: &[&[f64]]) -> Option<Shrinkage> {
        let groups: Vec<&[f64]> = groups.iter().copied().filter(|g| !g.is_empty()).collect();
        let g = groups.len();
        let n: usize = groups.iter().map(|x| x.len()).sum();
        if g < 2 || n <= g {
            return None;
        }
        let means: Vec<f64> = groups.iter().map(|x| mean(x)).collect();
        let ss_within: f64 = groups
            .iter()
            .zip(&means)
            .map(|(x, m)| x.iter().map(|v| (v - m) * (v - m)).sum::<f64>())
            .sum();
        let within = ss_within / (n - g) as f64;
        let grand = mean(&means);
        let var_means =
            means.iter().map(|m| (m - grand) * (m - grand)).sum::<f64>() / (g - 1) as f64;
        let mean_inv_n = groups.iter().map(|x| 1.0 / x.len() as f64).sum::<f64>() / g as f64;
        // Floor: a vanishing between-group variance would shrink every
        // group onto the mean and turn the ranking into ties.
        let floor = 1e-9 * (within + var_means).max(f64::MIN_POSITIVE);
        let between = (var_means - within * mean_inv_n).max(floor);
        let (mut wsum, mut wx) = (0.0, 0.0);
        for (x, m) in groups.iter().zip(&means) {
            let w = 1.0 / (between + within / x.len() as f64);
            wsum += w;
            wx += w * m;
        }
        Some(Shrinkage {
            mean: wx / wsum,
            within,
            between,
        })
    }

    /// The shrunken mean of one group's scores (`mean` for an empty group).
    ///
    /// ```
    /// use slant::stats::shrink::Shrinkage;
    /// let s = Shrinkage { mean: 0.0, within: 1.0, between: 1.0 };
    /// // One score keeps τ² / (τ² + σ²) = 1/2 of its distance from μ ...
    /// assert_eq!(s.shrink(&[2.0]), 1.0);
    /// // ... four scores with the same mean keep 4/5 of it.
    /// assert_eq!(s.shrink(&[1.0, 3.0, 2.0, 2.0]), 1.6);
    /// assert_eq!(s.shrink(&[]), 0.0);
    /// ```
    pub fn shrink(&self, scores: &[f64]) -> f64 {
        if scores.is_empty() {
            return self.mean;
        }
        let b = self.between / (self.between + self.within / scores.len() as f64);
        self.mean + b * (mean(scores) - self.mean)
    }
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Simulated groups: the components are recovered, and shrunken means
    /// are closer to the true levels than raw means.
    #[test]
    fn recovers_components_and_reduces_error() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut normal = || {
            // Box–Muller.
            let (u, v): (f64, f64) = (rng.random(), rng.random());
            (-2.0 * (1.0 - u).ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        };
        let (tau, sigma) = (0.3, 1.0);
        let mut levels = Vec::new();
        let mut groups = Vec::new();
        for i in 0..400 {
            let level = 0.2 + tau * normal();
            let n = [1, 2, 5, 20, 60][i % 5];
            groups.push(
                (0..n)
                    .map(|_| level + sigma * normal())
                    .collect::<Vec<f64>>(),
            );
            levels.push(level);
        }
        let refs: Vec<&[f64]> = groups.iter().map(Vec::as_slice).collect();
        let s = Shrinkage::fit(&refs).unwrap();
        assert!((s.within - 1.0).abs() < 0.1, "{s:?}");
        assert!((s.between - 0.09).abs() < 0.04, "{s:?}");
        assert!((s.mean - 0.2).abs() < 0.08, "{s:?}");
        let err = |f: &dyn Fn(&[f64]) -> f64| {
            groups
                .iter()
                .zip(&levels)
                .map(|(g, l)| (f(g) - l).powi(2))
                .sum::<f64>()
        };
        let raw = err(&|g| mean(g));
        let shrunk = err(&|g| s.shrink(g));
        assert!(shrunk < 0.5 * raw, "raw {raw} shrunk {shrunk}");
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(Shrinkage::fit(&[]), None);
        assert_eq!(Shrinkage::fit(&[&[1.0, 2.0][..]]), None);
        // Two groups of one score: no within-group variance to estimate.
        assert_eq!(Shrinkage::fit(&[&[1.0][..], &[2.0][..]]), None);
        // Identical groups: between floored, means keep their order.
        let s = Shrinkage::fit(&[&[0.0, 1.0][..], &[0.0, 1.0, 0.1][..], &[0.9][..]]).unwrap();
        assert!(s.between > 0.0);
        let a = s.shrink(&[0.9]);
        let b = s.shrink(&[0.0, 1.0]);
        assert!(a > b, "{a} {b}");
        assert_eq!(s.shrink(&[]), s.mean);
    }
}
