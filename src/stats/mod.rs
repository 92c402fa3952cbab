//! Numerical helpers with no knowledge of text, shared by the learned
//! scorers (their cross-validation and evaluation) and the estimators:
//! quantiles and percentile intervals, one random stream per bootstrap
//! replicate, and empirical-Bayes shrinkage of group means. Below every
//! other module but [`error`](crate::error) in the flow, so both
//! [`scorers`](crate::scorers) and [`estimators`](crate::estimators) can
//! use them without importing upwards.

pub mod shrink;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Linear-interpolation quantile (type 7) of sorted data.
///
/// ```
/// use slant::stats::quantile;
/// assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
/// ```
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// A 95% percentile interval from replicate values, widened if needed so
/// that it contains the point estimate (percentile intervals of skewed,
/// smoothed statistics can otherwise exclude it). Non-finite replicates
/// are ignored; `None` when no finite replicate is left.
///
/// ```
/// use slant::stats::percentile_interval;
/// let reps: Vec<f64> = (0..=100).map(|i| i as f64 / 100.0).collect();
/// let (lo, hi) = percentile_interval(reps.clone(), 0.5).unwrap();
/// assert!((lo - 0.025).abs() < 1e-12 && (hi - 0.975).abs() < 1e-12);
/// // An estimate outside the replicates stretches the interval to reach it.
/// assert_eq!(percentile_interval(reps, 1.2).unwrap().1, 1.2);
/// assert_eq!(percentile_interval(vec![f64::NAN], 0.0), None);
/// ```
pub fn percentile_interval(mut reps: Vec<f64>, estimate: f64) -> Option<(f64, f64)> {
    reps.retain(|x| x.is_finite());
    if reps.is_empty() {
        return None;
    }
    reps.sort_by(f64::total_cmp);
    let lo = quantile(&reps, 0.025).min(estimate);
    let hi = quantile(&reps, 0.975).max(estimate);
    Some((lo, hi))
}

/// The RNG for replicate `r` of the stream family `key`: one ChaCha8
/// stream per replicate, so results do not depend on how replicates are
/// spread over threads.
///
/// ```
/// use rand::Rng;
/// use slant::stats::replicate_rng;
/// // Replicate 7 draws the same numbers wherever and whenever it runs...
/// let x: u64 = replicate_rng(42, "outlet_a", 7).random();
/// assert_eq!(x, replicate_rng(42, "outlet_a", 7).random::<u64>());
/// // ...and other replicates or keys get streams of their own.
/// assert_ne!(x, replicate_rng(42, "outlet_a", 8).random::<u64>());
/// assert_ne!(x, replicate_rng(42, "outlet_b", 7).random::<u64>());
/// ```
pub fn replicate_rng(seed: u64, key: &str, r: u64) -> ChaCha8Rng {
    // FNV-1a of the key, so the seed mix is stable across platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ h);
    rng.set_stream(r);
    rng
}
