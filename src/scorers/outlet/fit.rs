//! Fitting the outlet-slant model: per-fold fits, out-of-fold predictions, the source stacker.

use super::*;

#[cfg(feature = "train")]
/// A held-out article's slant and predicted class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Pred {
    pub(super) slant: f64,
    pub(super) class: usize,
}

#[cfg(feature = "train")]
/// Held-out predictions of one fold and its hyper-parameters.
pub(super) type FoldPart = (Vec<(usize, Pred)>, OutletChoice);
#[cfg(feature = "train")]
/// One outer fold of the stacked CV: per held-out outlet (outlet,
/// stacked slant, mean phrase slant, articles), and the stacker's
/// hyper-parameters.
pub(super) type StackedFold = (Vec<(u32, f64, f64, usize)>, StackChoice);
#[cfg(feature = "train")]
/// (outlet, label, articles, mean slant).
pub(super) type OutletRow = (String, String, usize, f64);

/// The fitted scoring function.
#[derive(Debug, Clone)]
pub(super) enum Fit {
    Multi(MultiFit),
    Ridge { weights: Vec<f64>, intercept: f64 },
}

#[cfg(feature = "train")]
pub(super) struct FoldFit {
    pub(super) space: NgramSpace,
    pub(super) fit: Fit,
    /// Ridge only: slant cut points between left / center and center /
    /// right, set so that the training articles' predicted class shares
    /// match their label shares (for the article-level metrics).
    pub(super) cuts: [f64; 2],
}

#[cfg(feature = "train")]
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
    pub(super) fn cap(&self, data: &OutletData, idx: &[usize], seed: u64) -> Vec<usize> {
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

    pub(super) fn fit_fold(
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
    pub(super) fn fit_ridge(
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

    pub(super) fn predict(
        f: &FoldFit,
        data: &OutletData,
        voice: VoiceFilter,
        rows: &[usize],
    ) -> Vec<Pred> {
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
    pub(super) fn folds(data: &OutletData, idx: &[usize], k: usize, seed: u64) -> Vec<usize> {
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
    pub(super) fn prior_only(data: &OutletData, idx: &[usize], k: usize, seed: u64) -> Vec<f64> {
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
    pub(super) fn oof(
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
    pub(super) fn fit_stacker(
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
    pub(super) fn stack_search(
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
    pub(super) fn final_stacker(
        &self,
        data: &OutletData,
        choice: &OutletChoice,
    ) -> Result<Option<Stacker>> {
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
}

#[cfg(feature = "train")]
impl OutletValidParams {
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

#[cfg(feature = "train")]
pub(super) fn argmax(p: &[f64; 3]) -> usize {
    let mut b = 0;
    for k in 1..3 {
        if p[k] > p[b] {
            b = k;
        }
    }
    b
}

pub(super) fn score_row(fit: &Fit, x: &[(u32, f64)]) -> SlantScore {
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
