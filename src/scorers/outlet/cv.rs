//! Cross-validating the outlet-slant model by leaving outlets out, and the figures it reports.

use super::*;

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

#[cfg(feature = "train")]
/// 95% percentile interval of the Spearman over outlets with at least
/// `min_docs` articles, from `reps` resamples of those outlets.
pub(super) fn spearman_interval(
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

#[cfg(feature = "train")]
impl OutletValidParams {
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
    pub(super) fn check_training_split(
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
}

#[cfg(feature = "train")]
/// Spearman between held-out outlets' mean slant and their label, over
/// outlets with at least `min_docs` rows in `idx`. Returns (rho, outlets,
/// per-outlet rows).
pub(super) fn outlet_spearman(
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

#[cfg(feature = "train")]
/// Like [`outlet_spearman`] with each outlet's mean replaced by its
/// empirical-Bayes shrunken mean; the shrinkage is fitted on all held-out
/// outlets' document slants (no labels), then outlets with fewer than
/// `min_docs` rows are left out of the correlation.
pub(super) fn outlet_spearman_shrunk(
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

pub(super) fn nan3() -> [f64; 3] {
    [f64::NAN; 3]
}

pub(super) fn nan() -> f64 {
    f64::NAN
}
