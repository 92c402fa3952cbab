//! Log-odds ratios with an informative Dirichlet prior (Monroe, Colaresi &
//! Quinn 2008, "Fightin' Words", Political Analysis 16(4)), p-values and
//! Benjamini–Hochberg q-values.

/// Which prior to put on the word probabilities. Set it through
/// [`EstimatorOptions::prior`](super::EstimatorOptions::prior); it is
/// recorded in `run.json` by its lower-case name.
///
/// ```
/// use slant::estimators::{EstimatorOptions, Prior};
/// assert_eq!(EstimatorOptions::default().prior, Prior::Informative);
/// let opts = EstimatorOptions { prior: Prior::Uniform, ..Default::default() };
/// assert_eq!(serde_json::to_string(&opts.prior).unwrap(), r#""uniform""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Prior {
    /// `α_w = α₀ · (pooled count of w / pooled total)`.
    Informative,
    /// `α_w = α₀ / V` for a vocabulary of `V` terms.
    Uniform,
}

/// One word's comparison of a source (`i`) with the rest (`j`), as
/// computed by [`log_odds`].
///
/// ```
/// use slant::estimators::logodds::{log_odds, p_value, LogOdds};
/// // A word used 30 times in the source's 1,000 words and 20 times in the
/// // other sources' 4,000 words; α_w = 0.5, α₀ = 10.
/// let r: LogOdds = log_odds(30.0, 1000.0, 20.0, 4000.0, 0.5, 10.0, false);
/// assert!(r.delta > 0.0); // more typical of the source than of the rest
/// assert_eq!(r.z, r.delta / r.variance.sqrt());
/// assert!(p_value(r.z) < 0.001);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogOdds {
    /// δ: log-odds ratio of `i` vs `j`.
    pub delta: f64,
    /// Variance of δ.
    pub variance: f64,
    /// z = δ / σ.
    pub z: f64,
}

/// Compute δ, its variance and z for a word with counts `y_i`, `y_j` in
/// totals `n_i`, `n_j`, prior pseudo-count `alpha_w` and prior total
/// `alpha0`:
///
/// δ = log[(y_i+α_w)/(n_i+α₀−y_i−α_w)] − log[(y_j+α_w)/(n_j+α₀−y_j−α_w)],
/// σ² ≈ 1/(y_i+α_w) + 1/(y_j+α_w) (plus the two complement terms
/// 1/(n_i+α₀−y_i−α_w) + 1/(n_j+α₀−y_j−α_w) when `exact`).
///
/// ```
/// use slant::estimators::logodds::log_odds;
/// let r = log_odds(10.0, 100.0, 20.0, 400.0, 1.0, 10.0, false);
/// let delta = (11.0f64 / 99.0).ln() - (21.0f64 / 389.0).ln();
/// assert!((r.delta - delta).abs() < 1e-12);
/// assert!((r.variance - (1.0 / 11.0 + 1.0 / 21.0)).abs() < 1e-12);
/// ```
pub fn log_odds(
    y_i: f64,
    n_i: f64,
    y_j: f64,
    n_j: f64,
    alpha_w: f64,
    alpha0: f64,
    exact: bool,
) -> LogOdds {
    let a = y_i + alpha_w;
    let b = n_i + alpha0 - y_i - alpha_w;
    let c = y_j + alpha_w;
    let d = n_j + alpha0 - y_j - alpha_w;
    let delta = (a / b).ln() - (c / d).ln();
    let mut variance = 1.0 / a + 1.0 / c;
    if exact {
        variance += 1.0 / b + 1.0 / d;
    }
    LogOdds {
        delta,
        variance,
        z: delta / variance.sqrt(),
    }
}

/// Two-sided p-value of a standard normal z.
///
/// ```
/// let p = slant::estimators::logodds::p_value(1.959963984540054);
/// assert!((p - 0.05).abs() < 1e-9);
/// ```
pub fn p_value(z: f64) -> f64 {
    if !z.is_finite() {
        return if z.is_nan() { f64::NAN } else { 0.0 };
    }
    libm::erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0)
}

/// Benjamini–Hochberg q-values for `p` (same order as the input).
///
/// ```
/// let q = slant::estimators::logodds::bh_qvalues(&[0.01, 0.04, 0.03, 0.5]);
/// let want = [0.04, 0.04 * 4.0 / 3.0, 0.04 * 4.0 / 3.0, 0.5];
/// assert!(q.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12));
/// ```
pub fn bh_qvalues(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    // Sort the values with their positions (not positions by value: the
    // comparisons then read sequential memory).
    let mut order: Vec<(f64, usize)> = p.iter().copied().zip(0..).collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut q = vec![0.0; m];
    let mut running = 1.0f64;
    for (rank, &(p, i)) in order.iter().enumerate().rev() {
        let v = (p * m as f64 / (rank + 1) as f64).min(1.0);
        running = running.min(v);
        q[i] = running;
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-computed from the formula for the table
    /// word | source i | rest j ; totals n_i = 50, n_j = 150,
    /// with y_i = 8, y_j = 4, pooled share 12/200.
    #[test]
    fn hand_computed_values_for_both_priors_and_variances() {
        // Informative prior, α₀ = 20: α_w = 20 · 12/200 = 1.2.
        // δ = ln(9.2/60.8) − ln(5.2/164.8) = −1.888… − (−3.456…)
        let inf = log_odds(8.0, 50.0, 4.0, 150.0, 1.2, 20.0, false);
        let delta = (9.2f64 / 60.8).ln() - (5.2f64 / 164.8).ln();
        assert!((inf.delta - delta).abs() < 1e-12);
        assert!((inf.delta - 1.567_687_687).abs() < 1e-6, "{}", inf.delta);
        let var = 1.0 / 9.2 + 1.0 / 5.2;
        assert!((inf.variance - var).abs() < 1e-12);
        assert!((inf.z - delta / var.sqrt()).abs() < 1e-12);
        assert!((inf.z - 2.857_418_727).abs() < 1e-6, "{}", inf.z);
        // Exact variance adds the complements.
        let ex = log_odds(8.0, 50.0, 4.0, 150.0, 1.2, 20.0, true);
        let var_ex = var + 1.0 / 60.8 + 1.0 / 164.8;
        assert!((ex.variance - var_ex).abs() < 1e-12);
        assert!((ex.z - delta / var_ex.sqrt()).abs() < 1e-12);
        // Uniform prior over V = 4 words, α₀ = 20: α_w = 5.
        let uni = log_odds(8.0, 50.0, 4.0, 150.0, 5.0, 20.0, false);
        let delta_u = (13.0f64 / 57.0).ln() - (9.0f64 / 161.0).ln();
        assert!((uni.delta - delta_u).abs() < 1e-12);
        assert!((uni.variance - (1.0 / 13.0 + 1.0 / 9.0)).abs() < 1e-12);
        let uni_ex = log_odds(8.0, 50.0, 4.0, 150.0, 5.0, 20.0, true);
        let v: f64 = 1.0 / 13.0 + 1.0 / 9.0 + 1.0 / 57.0 + 1.0 / 161.0;
        assert!((uni_ex.z - delta_u / v.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn p_values_and_q_values() {
        assert!((p_value(0.0) - 1.0).abs() < 1e-15);
        assert!((p_value(-2.575829303549) - 0.01).abs() < 1e-9);
        assert_eq!(p_value(f64::INFINITY), 0.0);
        let q = bh_qvalues(&[
            0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216,
        ]);
        // Worked example: q for the 3rd p = min over k>=3 of p_k·10/k.
        let expect3 = [
            0.039 * 10.0 / 3.0,
            0.041 * 10.0 / 4.0,
            0.042 * 10.0 / 5.0,
            0.06 * 10.0 / 6.0,
            0.074 * 10.0 / 7.0,
        ]
        .into_iter()
        .fold(1.0f64, f64::min);
        assert!((q[2] - expect3).abs() < 1e-12);
        assert!(q.windows(2).all(|w| w[0] <= w[1] + 1e-15));
        assert!(bh_qvalues(&[]).is_empty());
    }
}
