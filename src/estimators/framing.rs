//! Per-source family framing scores: Dirichlet-smoothed tone-weighted
//! shares with document-bootstrap intervals, and story-adjusted scores
//! with story-bootstrap intervals.

use rand::Rng;
use std::sync::atomic::{AtomicBool, Ordering};

/// Smoothed tone-weighted share: shares `θ_v = (n_v + a·p_v) / (n + a)`
/// under a Dirichlet prior of strength `a` centred on pooled shares `p`,
/// scored as `Σ tone_v θ_v`.
///
/// ```
/// use slant::estimators::framing::smoothed_score;
/// // No prior: the raw tone-weighted share.
/// assert_eq!(smoothed_score(&[3, 1], &[0.5, 0.5], &[-1.0, 0.0], 0.0), Some(-0.75));
/// // A strong prior pulls towards the pooled score (-0.5).
/// let s = smoothed_score(&[3, 1], &[0.5, 0.5], &[-1.0, 0.0], 1e9).unwrap();
/// assert!((s + 0.5).abs() < 1e-6);
/// ```
pub fn smoothed_score(counts: &[u64], pooled: &[f64], tones: &[f64], strength: f64) -> Option<f64> {
    let n: u64 = counts.iter().sum();
    let denom = n as f64 + strength;
    if denom <= 0.0 {
        return None;
    }
    let mut s = 0.0;
    for ((&c, &p), &t) in counts.iter().zip(pooled).zip(tones) {
        s += t * (c as f64 + strength * p) / denom;
    }
    Some(s)
}

pub use crate::stats::{percentile_interval, quantile, replicate_rng};

/// Bootstrap the smoothed scores of all families for one source by
/// resampling its documents. `docs` holds each document's sparse authorial
/// variant counts `(flat variant, count)`; `families` gives each family's
/// flat variant range, pooled shares and tones. Returns, per family, the
/// replicate scores. `key` names the source, so each source resamples
/// with its own random streams.
///
/// ```
/// use slant::estimators::framing::{bootstrap_source, percentile_interval, smoothed_score};
/// // One family whose two variants are flat indices 0 and 1, with tones -1
/// // and 0 and pooled shares of one half each.
/// let fams = vec![(0..2, vec![0.5, 0.5], vec![-1.0, 0.0])];
/// // Three documents of one source: (flat variant, authorial count).
/// let docs: [&[(u32, u32)]; 3] = [&[(0, 3)], &[(1, 1)], &[(0, 1), (1, 1)]];
/// let reps = bootstrap_source(&docs, 2, &fams, 2.0, 200, 42, "outlet_a");
/// assert_eq!(reps[0].len(), 200);
/// assert!(reps[0].iter().all(|s| (-1.0..=0.0).contains(s)));
/// // The interval around the full-sample score (4 and 2 matches).
/// let est = smoothed_score(&[4, 2], &[0.5, 0.5], &[-1.0, 0.0], 2.0).unwrap();
/// let (lo, hi) = percentile_interval(reps[0].clone(), est).unwrap();
/// assert!(lo < est && est < hi);
/// ```
pub fn bootstrap_source(
    docs: &[&[(u32, u32)]],
    n_variants: usize,
    families: &[(std::ops::Range<usize>, Vec<f64>, Vec<f64>)],
    strength: f64,
    replicates: usize,
    seed: u64,
    key: &str,
) -> Vec<Vec<f64>> {
    let never = AtomicBool::new(false);
    bootstrap_source_until(
        docs, n_variants, families, strength, replicates, seed, key, &never,
    )
}

/// [`bootstrap_source`] that stops between replicates once `stop` is set
/// (the replicates are then incomplete: the caller discards them).
#[allow(clippy::too_many_arguments)]
pub(crate) fn bootstrap_source_until(
    docs: &[&[(u32, u32)]],
    n_variants: usize,
    families: &[(std::ops::Range<usize>, Vec<f64>, Vec<f64>)],
    strength: f64,
    replicates: usize,
    seed: u64,
    key: &str,
    stop: &AtomicBool,
) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::with_capacity(replicates); families.len()];
    if docs.is_empty() {
        return out;
    }
    let mut counts = vec![0u64; n_variants];
    for r in 0..replicates {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let mut rng = replicate_rng(seed, key, r as u64);
        counts.iter_mut().for_each(|c| *c = 0);
        for _ in 0..docs.len() {
            let d = docs[rng.random_range(0..docs.len())];
            for &(v, c) in d {
                counts[v as usize] += c as u64;
            }
        }
        for (fi, (range, pooled, tones)) in families.iter().enumerate() {
            if let Some(s) = smoothed_score(&counts[range.clone()], pooled, tones, strength) {
                out[fi].push(s);
            }
        }
    }
    out
}

/// One story's contribution to a source's story-adjusted score.
///
/// ```
/// use slant::estimators::{framing::StoryDeviation, raw_score};
/// let tones = [-1.0, 0.0]; // "terrorist", "insurgent"
/// // In one story the source wrote "terrorist" three times and
/// // "insurgent" once; the other sources covering it used each twice.
/// let mine = raw_score([3, 1], tones).unwrap();
/// let peers = raw_score([2, 2], tones).unwrap();
/// let d = StoryDeviation { deviation: mine - peers, weight: 4.0 };
/// assert_eq!(d.deviation, -0.25);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoryDeviation {
    /// The source's raw score in the story minus the pooled raw score of
    /// the other sources covering it.
    pub deviation: f64,
    /// Weight: the source's matches in the story.
    pub weight: f64,
}

/// Weighted mean of story deviations.
///
/// ```
/// use slant::estimators::framing::{story_adjusted, StoryDeviation};
/// let d = [StoryDeviation { deviation: -1.0, weight: 3.0 }, StoryDeviation { deviation: 1.0, weight: 1.0 }];
/// assert_eq!(story_adjusted(&d), Some(-0.5));
/// ```
pub fn story_adjusted(devs: &[StoryDeviation]) -> Option<f64> {
    let w: f64 = devs.iter().map(|d| d.weight).sum();
    (w > 0.0).then(|| devs.iter().map(|d| d.deviation * d.weight).sum::<f64>() / w)
}

/// Bootstrap a story-adjusted score by resampling stories. Returns one
/// score per replicate, leaving out replicates whose weights sum to zero
/// (so none when `devs` is empty); `key` names the stream family, as in
/// [`replicate_rng`].
///
/// ```
/// use slant::estimators::framing::{
///     bootstrap_stories, percentile_interval, story_adjusted, StoryDeviation,
/// };
/// let devs = [
///     StoryDeviation { deviation: -0.5, weight: 4.0 },
///     StoryDeviation { deviation: -0.25, weight: 2.0 },
///     StoryDeviation { deviation: 0.25, weight: 2.0 },
/// ];
/// let est = story_adjusted(&devs).unwrap();
/// assert_eq!(est, -0.25);
/// let reps = bootstrap_stories(&devs, 500, 42, "outlet_a/armed_group");
/// assert_eq!(reps.len(), 500);
/// // Every replicate is a weighted mean of the same deviations.
/// let (lo, hi) = percentile_interval(reps, est).unwrap();
/// assert!(-0.5 <= lo && lo < est && est < hi && hi <= 0.25);
/// ```
pub fn bootstrap_stories(
    devs: &[StoryDeviation],
    replicates: usize,
    seed: u64,
    key: &str,
) -> Vec<f64> {
    bootstrap_stories_until(devs, replicates, seed, key, &AtomicBool::new(false))
}

/// [`bootstrap_stories`] that stops between replicates once `stop` is set.
pub(crate) fn bootstrap_stories_until(
    devs: &[StoryDeviation],
    replicates: usize,
    seed: u64,
    key: &str,
    stop: &AtomicBool,
) -> Vec<f64> {
    let mut out = Vec::with_capacity(replicates);
    if devs.is_empty() {
        return out;
    }
    let mut sample = Vec::with_capacity(devs.len());
    for r in 0..replicates {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let mut rng = replicate_rng(seed, key, r as u64);
        sample.clear();
        for _ in 0..devs.len() {
            sample.push(devs[rng.random_range(0..devs.len())]);
        }
        if let Some(s) = story_adjusted(&sample) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{any, prop_assert, proptest};

    /// A stop set before (or while) bootstrapping ends it at the next
    /// replicate.
    #[test]
    fn bootstraps_stop_between_replicates() {
        let fams = vec![(0..2, vec![0.5, 0.5], vec![-1.0, 0.0])];
        let docs: Vec<&[(u32, u32)]> = vec![&[(0, 3)], &[(1, 1)]];
        let devs = [StoryDeviation {
            deviation: 0.5,
            weight: 1.0,
        }; 3];
        let stop = AtomicBool::new(true);
        let reps = bootstrap_source_until(&docs, 2, &fams, 2.0, 100_000, 1, "k", &stop);
        assert!(reps[0].is_empty());
        assert!(bootstrap_stories_until(&devs, 100_000, 1, "k", &stop).is_empty());
        stop.store(false, Ordering::Relaxed);
        let reps = bootstrap_source_until(&docs, 2, &fams, 2.0, 10, 1, "k", &stop);
        assert_eq!(
            reps[0],
            bootstrap_source(&docs, 2, &fams, 2.0, 10, 1, "k")[0]
        );
    }

    #[test]
    fn replicate_streams_are_reproducible_and_distinct() {
        let a: Vec<u32> = (0..4).map(|_| replicate_rng(7, "x", 3).random()).collect();
        let b: Vec<u32> = (0..4).map(|_| replicate_rng(7, "x", 3).random()).collect();
        assert_eq!(a, b);
        let c: u64 = replicate_rng(7, "x", 4).random();
        let d: u64 = replicate_rng(7, "x", 3).random();
        assert_ne!(c, d);
    }

    proptest! {
        #[test]
        fn bootstrap_intervals_contain_the_point_estimate(
            docs in proptest::collection::vec(proptest::collection::vec((0u32..3, 1u32..5), 0..4), 1..12),
            strength in 0.0f64..10.0,
            seed in any::<u64>(),
        ) {
            let refs: Vec<&[(u32, u32)]> = docs.iter().map(|d| d.as_slice()).collect();
            let pooled = vec![0.2, 0.3, 0.5];
            let tones = vec![-1.0, 0.0, 1.0];
            let mut counts = [0u64; 3];
            for d in &docs { for &(v, c) in d { counts[v as usize] += c as u64; } }
            let est = smoothed_score(&counts, &pooled, &tones, strength);
            let fams = vec![(0..3, pooled.clone(), tones.clone())];
            let reps = bootstrap_source(&refs, 3, &fams, strength, 50, seed, "s");
            if let Some(e) = est {
                let (lo, hi) = percentile_interval(reps[0].clone(), e).unwrap();
                prop_assert!(lo <= e && e <= hi);
                prop_assert!((-1.0..=1.0).contains(&lo) && (-1.0..=1.0).contains(&hi));
            }
        }

        #[test]
        fn story_bootstrap_contains_estimate(devs in proptest::collection::vec((-2.0f64..2.0, 1.0f64..10.0), 1..10), seed in any::<u64>()) {
            let devs: Vec<StoryDeviation> = devs.into_iter().map(|(d, w)| StoryDeviation { deviation: d, weight: w }).collect();
            let e = story_adjusted(&devs).unwrap();
            let (lo, hi) = percentile_interval(bootstrap_stories(&devs, 40, seed, "k"), e).unwrap();
            prop_assert!(lo <= e && e <= hi);
        }
    }
}
