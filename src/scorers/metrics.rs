//! Evaluation metrics and cross-validation folds: stratified and grouped
//! K-fold splits (deterministic for a seed), accuracy, macro-F1, ROC-AUC
//! (also within length strata, with a bootstrap interval), MCC and F1,
//! Spearman's rank correlation, and the macro-F1-optimal threshold.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// Fold assignment for stratified K-fold: every class is shuffled with
/// `seed` and dealt round-robin over the folds, so each fold holds about
/// `1/k` of every class. Returns the fold index of every item.
///
/// ```
/// use slant::scorers::metrics::stratified_folds;
/// let y = [0u8, 0, 0, 0, 1, 1, 1, 1];
/// let f = stratified_folds(&y, 2, 7);
/// assert_eq!(f.len(), 8);
/// for fold in 0..2 {
///     let ones = (0..8).filter(|&i| f[i] == fold && y[i] == 1).count();
///     assert_eq!(ones, 2);
/// }
/// assert_eq!(f, stratified_folds(&y, 2, 7));
/// ```
pub fn stratified_folds<L: Ord + Copy>(labels: &[L], k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(1);
    let mut by_class: BTreeMap<L, Vec<usize>> = BTreeMap::new();
    for (i, l) in labels.iter().enumerate() {
        by_class.entry(*l).or_default().push(i);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut folds = vec![0usize; labels.len()];
    let mut next = 0usize;
    for idx in by_class.values_mut() {
        idx.shuffle(&mut rng);
        for &i in idx.iter() {
            folds[i] = next % k;
            next += 1;
        }
    }
    folds
}

/// Fold assignment for grouped, label-stratified K-fold: all items of a
/// group land in the same fold (so a model is always evaluated on groups it
/// never saw), and each fold gets its share of the *groups* of every label.
/// A group's label is the most frequent label among its items. Groups are
/// taken largest first (ties in a seed-shuffled order), each into the fold
/// that holds the fewest groups of its label so far, then the fewest items
/// of its label, then the lowest index.
///
/// Balancing groups rather than items matters when the label belongs to
/// the group (an outlet's rating): balancing items lets one large group
/// fill a fold's quota, and the folds end up holding mostly one label's
/// groups, so a score that only shifts between folds (a fold's class
/// prior) already correlates with the label.
///
/// ```
/// use slant::scorers::metrics::grouped_folds;
/// let groups = ["a", "a", "b", "c", "c", "d"];
/// let labels = [0u8, 0, 0, 1, 1, 1];
/// let f = grouped_folds(&groups, &labels, 2, 1);
/// assert_eq!(f[0], f[1]);
/// assert_eq!(f[3], f[4]);
/// assert_ne!(f[0], f[2]); // the two label-0 groups are split over the folds
/// assert_ne!(f[3], f[5]); // and so are the two label-1 groups
/// ```
pub fn grouped_folds<G: Ord + Clone, L: Ord + Copy>(
    groups: &[G],
    labels: &[L],
    k: usize,
    seed: u64,
) -> Vec<usize> {
    let k = k.max(1);
    let mut members: BTreeMap<&G, Vec<usize>> = BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        members.entry(g).or_default().push(i);
    }
    let mut order: Vec<(&G, Vec<usize>)> = members.into_iter().collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    order.shuffle(&mut rng);
    // Stable sort by size (largest first) keeps the shuffled order on ties.
    order.sort_by_key(|(_, m)| std::cmp::Reverse(m.len()));
    // Per label and fold: (groups, items).
    let mut load: BTreeMap<L, Vec<(usize, usize)>> = BTreeMap::new();
    let mut folds = vec![0usize; groups.len()];
    for (_, m) in &order {
        let mut counts: BTreeMap<L, usize> = BTreeMap::new();
        for &i in m {
            *counts.entry(labels[i]).or_insert(0) += 1;
        }
        let label = counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(l, _)| *l)
            .expect("a group has at least one item");
        let l = load.entry(label).or_insert_with(|| vec![(0, 0); k]);
        let fold = (0..k).min_by_key(|&f| (l[f], f)).unwrap_or(0);
        l[fold].0 += 1;
        l[fold].1 += m.len();
        for &i in m {
            folds[i] = fold;
        }
    }
    folds
}

/// Share of correct predictions.
///
/// ```
/// assert_eq!(slant::scorers::metrics::accuracy(&[1u8, 0, 1], &[1, 1, 1]), 2.0 / 3.0);
/// ```
pub fn accuracy<L: PartialEq>(truth: &[L], pred: &[L]) -> f64 {
    if truth.is_empty() {
        return f64::NAN;
    }
    truth.iter().zip(pred).filter(|(a, b)| a == b).count() as f64 / truth.len() as f64
}

/// Macro-averaged F1 over the classes `0..n_classes` (a class absent from
/// both truth and prediction is skipped; one absent from either scores 0).
///
/// ```
/// use slant::scorers::metrics::macro_f1;
/// assert_eq!(macro_f1(&[0, 0, 1, 1], &[0, 0, 1, 1], 2), 1.0);
/// let f = macro_f1(&[0, 0, 1, 1], &[0, 1, 1, 1], 2);
/// assert!((f - (2.0 / 3.0 + 0.8) / 2.0).abs() < 1e-12);
/// ```
pub fn macro_f1(truth: &[usize], pred: &[usize], n_classes: usize) -> f64 {
    let mut sum = 0.0;
    let mut n = 0;
    for c in 0..n_classes {
        let tp = truth
            .iter()
            .zip(pred)
            .filter(|(t, p)| **t == c && **p == c)
            .count() as f64;
        let fp = truth
            .iter()
            .zip(pred)
            .filter(|(t, p)| **t != c && **p == c)
            .count() as f64;
        let fneg = truth
            .iter()
            .zip(pred)
            .filter(|(t, p)| **t == c && **p != c)
            .count() as f64;
        if tp + fp + fneg == 0.0 {
            continue;
        }
        sum += 2.0 * tp / (2.0 * tp + fp + fneg);
        n += 1;
    }
    if n == 0 {
        f64::NAN
    } else {
        sum / n as f64
    }
}

/// Average ranks (1-based; ties get the mean of their ranks).
///
/// ```
/// assert_eq!(slant::scorers::metrics::ranks(&[10.0, 20.0, 10.0]), vec![1.5, 3.0, 1.5]);
/// ```
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson correlation (NaN when either side is constant).
///
/// ```
/// let r = slant::scorers::metrics::pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]);
/// assert!((r - 1.0).abs() < 1e-12);
/// ```
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len()) as f64;
    if n < 2.0 {
        return f64::NAN;
    }
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx == 0.0 || syy == 0.0 {
        return f64::NAN;
    }
    sxy / (sxx * syy).sqrt()
}

/// Spearman's rank correlation with tie-corrected (average) ranks: the
/// Pearson correlation of the ranks.
///
/// ```
/// use slant::scorers::metrics::spearman;
/// assert!((spearman(&[0.1, 0.5, 0.9], &[-1.0, 0.0, 1.0]) - 1.0).abs() < 1e-12);
/// assert!((spearman(&[0.9, 0.5, 0.1], &[-1.0, 0.0, 1.0]) + 1.0).abs() < 1e-12);
/// ```
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

/// Area under the ROC curve for scores of a binary truth (the
/// Mann–Whitney statistic; tied scores count one half).
///
/// ```
/// use slant::scorers::metrics::roc_auc;
/// assert_eq!(roc_auc(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8]), 0.75);
/// ```
pub fn roc_auc(truth: &[bool], score: &[f64]) -> f64 {
    let r = ranks(score);
    let n_pos = truth.iter().filter(|&&t| t).count() as f64;
    let n_neg = truth.len() as f64 - n_pos;
    if n_pos == 0.0 || n_neg == 0.0 {
        return f64::NAN;
    }
    let sum_pos: f64 = truth
        .iter()
        .zip(&r)
        .filter(|(t, _)| **t)
        .map(|(_, r)| r)
        .sum();
    (sum_pos - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg)
}

/// Binary macro-F1 of `prob >= threshold` against `truth`.
///
/// ```
/// use slant::scorers::metrics::binary_macro_f1;
/// assert_eq!(binary_macro_f1(&[false, true], &[0.2, 0.7], 0.5), 1.0);
/// ```
pub fn binary_macro_f1(truth: &[bool], prob: &[f64], threshold: f64) -> f64 {
    let t: Vec<usize> = truth.iter().map(|&b| b as usize).collect();
    let p: Vec<usize> = prob.iter().map(|&p| (p >= threshold) as usize).collect();
    macro_f1(&t, &p, 2)
}

/// The threshold on `prob` that maximises binary macro-F1 (candidates: the
/// midpoints between consecutive distinct probabilities, clamped to
/// `[0.2, 0.8]` so that a small validation set cannot push it to an
/// extreme; ties go to the candidate closest to 0.5).
///
/// ```
/// use slant::scorers::metrics::best_threshold;
/// let t = best_threshold(&[false, false, true, true], &[0.1, 0.3, 0.4, 0.9]);
/// assert!(t > 0.3 && t <= 0.4);
/// ```
pub fn best_threshold(truth: &[bool], prob: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = prob.iter().copied().filter(|p| p.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    let mut cands: Vec<f64> = sorted.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
    cands.push(0.5);
    let mut best: (f64, f64) = (f64::NEG_INFINITY, 0.5);
    for c in cands {
        let c = c.clamp(0.2, 0.8);
        let f = binary_macro_f1(truth, prob, c);
        let better = f > best.0 + 1e-12
            || ((f - best.0).abs() <= 1e-12 && (c - 0.5).abs() < (best.1 - 0.5).abs());
        if better {
            best = (f, c);
        }
    }
    best.1
}

/// Matthews correlation coefficient of `pred` against `truth` (0 when a
/// row or column of the confusion matrix is empty).
///
/// ```
/// use slant::scorers::metrics::mcc;
/// assert_eq!(mcc(&[false, true, true], &[false, true, true]), 1.0);
/// assert_eq!(mcc(&[false, true], &[true, false]), -1.0);
/// assert_eq!(mcc(&[false, true], &[true, true]), 0.0); // one predicted class
/// ```
pub fn mcc(truth: &[bool], pred: &[bool]) -> f64 {
    let (mut tp, mut tn, mut fp, mut fne) = (0f64, 0f64, 0f64, 0f64);
    for (&t, &p) in truth.iter().zip(pred) {
        match (t, p) {
            (true, true) => tp += 1.0,
            (false, false) => tn += 1.0,
            (false, true) => fp += 1.0,
            (true, false) => fne += 1.0,
        }
    }
    let d = ((tp + fp) * (tp + fne) * (tn + fp) * (tn + fne)).sqrt();
    if d == 0.0 {
        0.0
    } else {
        (tp * tn - fp * fne) / d
    }
}

/// F1 of the positive class of `pred` against `truth` (0 without true
/// positives).
///
/// ```
/// use slant::scorers::metrics::f1_positive;
/// // precision 1/2, recall 1/1
/// assert!((f1_positive(&[false, true, false], &[true, true, false]) - 2.0 / 3.0).abs() < 1e-12);
/// ```
pub fn f1_positive(truth: &[bool], pred: &[bool]) -> f64 {
    let tp = truth.iter().zip(pred).filter(|(t, p)| **t && **p).count() as f64;
    let pp = pred.iter().filter(|&&p| p).count() as f64;
    let ap = truth.iter().filter(|&&t| t).count() as f64;
    if tp == 0.0 {
        0.0
    } else {
        2.0 * tp / (pp + ap)
    }
}

/// ROC-AUC within length strata: the rows are ranked by `length` (ties in
/// row order), cut into `bins` groups of (nearly) equal size, and the AUC
/// of `score` is computed inside each group that holds both classes; the
/// result is their mean (NaN if no group has both). It shows how well a
/// score ranks sentences of similar length, which a score that only grows
/// with length cannot do.
///
/// ```
/// use slant::scorers::metrics::{roc_auc, within_bins_auc};
/// let truth = [false, true, false, true, false, true, false, true];
/// let length = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
/// // Length alone ranks all rows well, but not within pairs of similar length.
/// assert!(roc_auc(&truth, &length) > 0.6);
/// let noise = [0.5; 8];
/// assert_eq!(within_bins_auc(&truth, &noise, &length, 4), 0.5);
/// let good = [0.1, 0.9, 0.2, 0.8, 0.1, 0.7, 0.3, 0.9];
/// assert_eq!(within_bins_auc(&truth, &good, &length, 4), 1.0);
/// ```
pub fn within_bins_auc(truth: &[bool], score: &[f64], length: &[f64], bins: usize) -> f64 {
    let n = truth.len();
    let bins = bins.max(1);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| length[a].total_cmp(&length[b]).then(a.cmp(&b)));
    let mut aucs = Vec::new();
    for b in 0..bins {
        let (lo, hi) = (b * n / bins, (b + 1) * n / bins);
        let t: Vec<bool> = order[lo..hi].iter().map(|&i| truth[i]).collect();
        let s: Vec<f64> = order[lo..hi].iter().map(|&i| score[i]).collect();
        let a = roc_auc(&t, &s);
        if a.is_finite() {
            aucs.push(a);
        }
    }
    if aucs.is_empty() {
        f64::NAN
    } else {
        aucs.iter().sum::<f64>() / aucs.len() as f64
    }
}

/// 95% percentile bootstrap interval of a statistic of `n` rows:
/// `replicates` resamples of the row indices with replacement (ChaCha8
/// stream from `seed`); `stat` gets each resample's indices, and
/// non-finite results are skipped. `(NaN, NaN)` when none is finite.
///
/// ```
/// use slant::scorers::metrics::bootstrap_interval;
/// let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
/// let mean = |idx: &[usize]| idx.iter().map(|&i| x[i]).sum::<f64>() / idx.len() as f64;
/// let (lo, hi) = bootstrap_interval(x.len(), 500, 7, mean);
/// assert!(lo < 3.5 && 3.5 < hi && lo >= 1.0 && hi <= 6.0);
/// assert_eq!(bootstrap_interval(x.len(), 500, 7, mean), (lo, hi)); // same seed
/// ```
pub fn bootstrap_interval(
    n: usize,
    replicates: usize,
    seed: u64,
    mut stat: impl FnMut(&[usize]) -> f64,
) -> (f64, f64) {
    use rand::Rng;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut vals = Vec::with_capacity(replicates);
    let mut idx = Vec::with_capacity(n);
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    for _ in 0..replicates {
        idx.clear();
        idx.extend((0..n).map(|_| rng.random_range(0..n)));
        let v = stat(&idx);
        if v.is_finite() {
            vals.push(v);
        }
    }
    if vals.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    vals.sort_by(f64::total_cmp);
    let q = |p: f64| vals[((p * (vals.len() - 1) as f64).round() as usize).min(vals.len() - 1)];
    (q(0.025), q(0.975))
}

/// 95% percentile bootstrap interval of the ROC-AUC (see
/// [`bootstrap_interval`]; resamples with one class only are skipped).
///
/// ```
/// use slant::scorers::metrics::{auc_interval, roc_auc};
/// let truth: Vec<bool> = (0..200).map(|i| i % 3 == 0).collect();
/// let score: Vec<f64> = (0..200).map(|i| if i % 3 == 0 { 0.6 } else { 0.4 } + (i % 7) as f64 / 10.0).collect();
/// let (lo, hi) = auc_interval(&truth, &score, 500, 1);
/// let auc = roc_auc(&truth, &score);
/// assert!(lo <= auc && auc <= hi && hi - lo < 0.3);
/// ```
pub fn auc_interval(truth: &[bool], score: &[f64], replicates: usize, seed: u64) -> (f64, f64) {
    let (mut t, mut s) = (Vec::new(), Vec::new());
    bootstrap_interval(truth.len(), replicates, seed, |idx| {
        t.clear();
        s.clear();
        t.extend(idx.iter().map(|&i| truth[i]));
        s.extend(idx.iter().map(|&i| score[i]));
        roc_auc(&t, &s)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_folds_keep_groups_together_and_balance() {
        let groups: Vec<String> = (0..100).map(|i| format!("g{}", i % 20)).collect();
        let labels: Vec<u8> = (0..100).map(|i| ((i % 20) % 3) as u8).collect();
        let f = grouped_folds(&groups, &labels, 5, 3);
        for i in 0..100 {
            for j in 0..100 {
                if groups[i] == groups[j] {
                    assert_eq!(f[i], f[j]);
                }
            }
        }
        for fold in 0..5 {
            assert!(f.iter().filter(|&&x| x == fold).count() >= 15);
        }
    }

    /// Outlets carry their label: one huge outlet per label plus many small
    /// ones. Every fold must get its share of each label's outlets (the
    /// item-balancing rule put most small outlets of a label in the folds
    /// without the huge one).
    #[test]
    fn grouped_folds_balance_groups_per_label() {
        let mut groups = Vec::new();
        let mut labels = Vec::new();
        for label in 0..3u8 {
            for _ in 0..500 {
                groups.push(format!("big{label}"));
                labels.push(label);
            }
            for g in 0..40 {
                groups.push(format!("small{label}-{g}"));
                labels.push(label);
            }
        }
        let f = grouped_folds(&groups, &labels, 5, 42);
        for label in 0..3u8 {
            let mut per_fold = [
                std::collections::BTreeSet::new(),
                Default::default(),
                Default::default(),
                Default::default(),
                Default::default(),
            ];
            for i in 0..groups.len() {
                if labels[i] == label {
                    per_fold[f[i]].insert(&groups[i]);
                }
            }
            let sizes: Vec<usize> = per_fold.iter().map(|s| s.len()).collect();
            let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(hi - lo <= 1, "label {label}: groups per fold {sizes:?}");
        }
    }

    #[test]
    fn auc_with_ties_and_perfect() {
        assert_eq!(roc_auc(&[false, true], &[0.5, 0.5]), 0.5);
        assert_eq!(roc_auc(&[false, true, true], &[0.1, 0.8, 0.9]), 1.0);
    }
}
