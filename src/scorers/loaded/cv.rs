//! Fitting and cross-validating the loaded-language model, and the figures it reports.

use super::*;

/// One point of the hyper-parameter search on the validation set.
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let f = model.file();
/// let grid = &f.metrics.as_ref().unwrap().selection;
/// assert_eq!(grid.len(), f.params.alphas.len() * f.params.combiners.len());
/// let best = grid.iter().map(|g| g.validation_auc).fold(f64::MIN, f64::max);
/// let chosen = grid.iter().find(|g| g.alpha == f.chosen.alpha && g.combiner == f.chosen.combiner);
/// assert_eq!(chosen.unwrap().validation_auc, best);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridPoint {
    /// L2 strength.
    pub alpha: f64,
    /// Sentence combiner.
    pub combiner: Combiner,
    /// ROC-AUC of the sentence probability on the validation set.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub validation_auc: f64,
}

/// The chosen settings.
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let c = &model.file().chosen;
/// assert!(model.file().params.alphas.contains(&c.alpha));
/// assert!(c.word_threshold > 0.0 && c.word_threshold < 1.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// L2 strength of the word model.
    pub alpha: f64,
    /// Sentence combiner.
    pub combiner: Combiner,
    /// A word is listed as loaded (in `sentences.csv`, `evidence.csv` and
    /// the HTML report) when its probability is at or above this: the
    /// threshold that maximises word-level F1 on the training data's
    /// out-of-fold word probabilities.
    pub word_threshold: f64,
}

/// One fold of the cross-validation on the training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldResult {
    /// Fold index.
    pub fold: usize,
    /// Held-out rows.
    pub n_test: usize,
    /// Decision threshold used on this fold (chosen on the other folds).
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub threshold: f64,
    /// Macro-F1 of the sentence decision.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub macro_f1: f64,
    /// Accuracy of the sentence decision.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub accuracy: f64,
    /// ROC-AUC of the decision probability.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub decision_auc: f64,
    /// ROC-AUC of the word-derived sentence probability.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub score_auc: f64,
    /// The decision's L2 strength chosen for this fold (inner CV).
    #[serde(default)]
    pub decision_alpha: f64,
    /// The decision's extra word-score features chosen for this fold.
    #[serde(default)]
    pub decision_extras: Vec<String>,
}

/// Stratified K-fold cross-validation on the training data, at the chosen
/// hyper-parameters. Each fold's word model is fitted on the other folds;
/// the decision is evaluated on those out-of-fold word scores with the
/// same folds, its grid point (L2 strength, extra features) and
/// threshold chosen for each fold by inner cross-validation on the other
/// folds (nested; its inputs for a training row still come from a word
/// model that saw the held-out fold, a small optimism the card states).
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let cv = &model.file().metrics.as_ref().unwrap().cv;
/// assert_eq!(cv.per_fold.len(), cv.folds);
/// let mean = cv.per_fold.iter().map(|f| f.macro_f1).sum::<f64>() / cv.folds as f64;
/// assert!((cv.macro_f1 - mean).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvReport {
    /// Folds.
    pub folds: usize,
    /// Seed of the split.
    pub seed: u64,
    /// Mean over folds of the decision's macro-F1.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub macro_f1: f64,
    /// 95% normal interval of that mean (± 1.96 standard deviations of
    /// the fold figures over √folds).
    #[serde(default)]
    pub macro_f1_ci: (f64, f64),
    /// Mean over folds of the decision's accuracy.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub accuracy: f64,
    /// Mean over folds of the decision probability's ROC-AUC.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub decision_auc: f64,
    /// Mean over folds of the sentence probability's ROC-AUC.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub score_auc: f64,
    /// Macro-F1 of the sentence probability alone at its best threshold
    /// (out-of-fold, pooled): what the word scores reach without the
    /// decision model.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub score_macro_f1: f64,
    /// ROC-AUC of the word probabilities against the marked words
    /// (pooled out-of-fold words of the rows that train words).
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub word_auc: f64,
    /// Per fold.
    pub per_fold: Vec<FoldResult>,
}

#[cfg(feature = "train")]
/// Everything the cross-validation produces: the report, the out-of-fold
/// decision inputs (to fit the final decision model) and the thresholds.
pub(super) struct CvOut {
    pub(super) report: CvReport,
    /// The shipped decision (fitted on all rows' out-of-fold word scores).
    pub(super) decision: DecisionModel,
    pub(super) word_threshold: f64,
}

#[cfg(feature = "train")]
/// The nested choice of the decision: the grid, per outer fold the chosen
/// grid point, its threshold and the held-out rows' probabilities (in row
/// order), and the shipped decision.
struct NestedDecision {
    configs: Vec<(f64, Vec<String>)>,
    outer: Vec<(usize, f64, Vec<f64>)>,
    shipped: DecisionModel,
}

/// The validation set's provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationInfo {
    /// File name.
    pub name: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Rows.
    pub rows: u64,
    /// Rows labelled loaded.
    pub positives: u64,
}

/// Figures on the validation set (out of domain: never trained on).
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let v = model.file().metrics.as_ref().unwrap().validation.as_ref().unwrap();
/// assert_eq!(v.data.name, "sentences.csv");
/// assert!(v.roc_auc_ci.0 <= v.roc_auc && v.roc_auc <= v.roc_auc_ci.1);
/// assert!(v.roc_auc > v.length_auc); // better than sentence length
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// The data.
    pub data: ValidationInfo,
    /// ROC-AUC of the sentence probability.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub roc_auc: f64,
    /// Its 95% bootstrap interval (1,000 row resamples, the model's seed).
    pub roc_auc_ci: (f64, f64),
    /// ROC-AUC of sentence length in words (the baseline).
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub length_auc: f64,
    /// ROC-AUC of sentence length in characters.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub length_chars_auc: f64,
    /// 95% bootstrap interval of the probability's ROC-AUC minus the
    /// larger of the two length baselines' (the same resamples for both).
    pub gap_ci: (f64, f64),
    /// Mean ROC-AUC of the probability within the ten deciles of length
    /// (words).
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub within_decile_auc: f64,
    /// Its 95% bootstrap interval.
    pub within_decile_ci: (f64, f64),
    /// MCC of the sentence decision (`loaded`) at the shipped threshold.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub decision_mcc: f64,
    /// F1 (loaded class) of the sentence decision.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub decision_f1: f64,
    /// Share of rows the decision flags as loaded.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub decision_flagged: f64,
    /// ROC-AUC of the decision probability.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub decision_auc: f64,
    /// MCC of "the sentence has a word at or above the word threshold"
    /// (a word listed in `loaded_words`).
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub words_mcc: f64,
    /// F1 (loaded class) of the same.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub words_f1: f64,
    /// Share of rows with such a word.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub words_flagged: f64,
    /// Share of loaded rows whose most probable word lies in an annotated
    /// span.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub top_word_in_span: f64,
    /// ROC-AUC of the probability per year: `(year, rows, positives, auc)`.
    pub by_year: Vec<(String, u64, u64, f64)>,
}

/// Metrics stored in the model card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadedMetrics {
    /// The hyper-parameter search on the validation set (empty without
    /// one).
    pub selection: Vec<GridPoint>,
    /// Cross-validation on the training data.
    pub cv: CvReport,
    /// The shipped model on the validation set.
    pub validation: Option<ValidationReport>,
}

/// The reference corpus behind the rarity features.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorpusInfo {
    /// File name.
    pub name: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Documents read.
    pub documents: u64,
}

#[cfg(feature = "train")]
impl LoadedValidParams {
    /// The settings.
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedParams;
    /// let valid = LoadedParams { folds: 5, ..LoadedParams::default() }.check().unwrap();
    /// assert_eq!(valid.params().folds, 5);
    /// ```
    pub fn params(&self) -> &LoadedParams {
        &self.0
    }

    pub(super) fn solver(&self, alpha: f64) -> Solver {
        Solver {
            alpha,
            max_iterations: self.0.max_iterations,
            gradient_tolerance: 1e-3,
        }
    }

    /// Fit the word model on `rows` of `data`.
    pub(super) fn fit_words(
        &self,
        data: &LoadedData,
        rows: &[usize],
        alpha: f64,
    ) -> Result<WordModel> {
        let d = word_design(&self.0, data, rows);
        if !d.y.iter().any(|&y| y) {
            return Err(Error::usage(
                "no marked word in the training rows: the loaded-language model needs word annotations",
            ));
        }
        let fit = fit_binary_sparse(&d.x, &d.y, self.solver(alpha), None)?;
        let (nc, nw, nt) = (d.grams.len(), d.words.len(), TYPE_DENSE.len());
        Ok(WordModel::new(
            d.grams
                .iter()
                .map(|&g| data.grams.get(g).to_string())
                .collect(),
            fit.weights[..nc].to_vec(),
            d.words
                .iter()
                .map(|&t| data.types.get(t).to_string())
                .collect(),
            fit.weights[nc..nc + nw].to_vec(),
            fit.weights[nc + nw..nc + nw + nt].to_vec(),
            fit.weights[nc + nw + nt..].to_vec(),
            fit.intercept,
        ))
    }

    /// Cross-validate on `data` with L2 strength `alpha` and `combiner`.
    pub(super) fn cv(
        &self,
        data: &LoadedData,
        stats: &CorpusStats,
        alpha: f64,
        combiner: Combiner,
    ) -> Result<CvOut> {
        let p = &self.0;
        let labels = data.labels();
        let folds = metrics::stratified_folds(&labels, p.folds, p.seed);
        let preds: Vec<Result<FoldPred>> = (0..p.folds)
            .into_par_iter()
            .map(|f| {
                let train: Vec<usize> = (0..data.len()).filter(|&i| folds[i] != f).collect();
                let test: Vec<usize> = (0..data.len()).filter(|&i| folds[i] == f).collect();
                let m = self.fit_words(data, &train, alpha)?;
                let probs = m.predict(data, stats, &test);
                Ok(FoldPred {
                    words: test.into_iter().zip(probs).collect(),
                })
            })
            .collect();
        let mut word_probs: Vec<Vec<f64>> = vec![Vec::new(); data.len()];
        for r in preds {
            for (i, w) in r?.words {
                word_probs[i] = w;
            }
        }
        // Word level: pooled out-of-fold words of the rows that train words.
        let (mut wy, mut wp) = (Vec::new(), Vec::new());
        for (i, probs) in word_probs.iter().enumerate() {
            if data.trains_words(i) {
                for (w, &q) in data.rows[i].words.iter().zip(probs) {
                    wy.push(data.word_label(i, w));
                    wp.push(q);
                }
            }
        }
        let word_auc = metrics::roc_auc(&wy, &wp);
        let word_threshold = best_f1_threshold(&wy, &wp);
        // Sentence level.
        let score: Vec<f64> = word_probs.iter().map(|w| combiner.combine(w)).collect();
        let dec = self.nested_decision(data, &labels, &folds, &word_probs, combiner)?;
        let mut per_fold = Vec::with_capacity(p.folds);
        for (f, (config, t, q)) in dec.outer.iter().enumerate() {
            let test: Vec<usize> = (0..data.len()).filter(|&i| folds[i] == f).collect();
            let y: Vec<bool> = test.iter().map(|&i| labels[i]).collect();
            let s: Vec<f64> = test.iter().map(|&i| score[i]).collect();
            let pred: Vec<bool> = q.iter().map(|&v| v >= *t).collect();
            let (alpha, extras) = dec.configs[*config].clone();
            per_fold.push(FoldResult {
                fold: f,
                n_test: test.len(),
                threshold: *t,
                macro_f1: metrics::binary_macro_f1(&y, q, *t),
                accuracy: metrics::accuracy(&y, &pred),
                decision_auc: metrics::roc_auc(&y, q),
                score_auc: metrics::roc_auc(&y, &s),
                decision_alpha: alpha,
                decision_extras: extras,
            });
        }
        let mean = |g: &dyn Fn(&FoldResult) -> f64| {
            per_fold.iter().map(g).sum::<f64>() / per_fold.len() as f64
        };
        let macro_f1 = mean(&|f| f.macro_f1);
        let k = per_fold.len() as f64;
        let sd = (per_fold
            .iter()
            .map(|f| (f.macro_f1 - macro_f1).powi(2))
            .sum::<f64>()
            / (k - 1.0).max(1.0))
        .sqrt();
        let half = 1.96 * sd / k.sqrt();
        let score_t = unclamped_best_threshold(&labels, &score);
        Ok(CvOut {
            report: CvReport {
                folds: p.folds,
                seed: p.seed,
                macro_f1,
                macro_f1_ci: (macro_f1 - half, macro_f1 + half),
                accuracy: mean(&|f| f.accuracy),
                decision_auc: mean(&|f| f.decision_auc),
                score_auc: mean(&|f| f.score_auc),
                score_macro_f1: metrics::binary_macro_f1(&labels, &score, score_t),
                word_auc,
                per_fold,
            },
            decision: dec.shipped,
            word_threshold,
        })
    }

    /// The decision's grid: `(alpha, extra features)` for every candidate
    /// set of extras and every alpha, in that order.
    fn decision_grid(&self) -> Vec<(f64, Vec<String>)> {
        let p = &self.0;
        p.decision_extras
            .iter()
            .flat_map(|e| p.decision_alphas.iter().map(move |&a| (a, e.clone())))
            .collect()
    }

    /// Choose and evaluate the sentence decision on out-of-fold word
    /// probabilities `word_probs`, with the outer `folds`.
    ///
    /// For each outer fold `f`, every grid point is scored by inner
    /// cross-validation on the other folds (each inner fold `g ≠ f`
    /// predicted by a model fitted on the folds other than `f` and `g`):
    /// macro-F1 of the pooled inner predictions at their best threshold.
    /// The best point (ties: the earlier) is fitted on the folds other
    /// than `f` and predicts `f` at that inner threshold: nothing about
    /// fold `f`'s labels reaches its decision. The shipped decision is
    /// chosen the same way with all folds as the inner ones, fitted on all
    /// rows, its threshold the best on its pooled out-of-fold decisions.
    /// With two folds there are no inner folds: each outer fold uses the
    /// first grid point at threshold 0.5.
    fn nested_decision(
        &self,
        data: &LoadedData,
        labels: &[bool],
        folds: &[usize],
        word_probs: &[Vec<f64>],
        combiner: Combiner,
    ) -> Result<NestedDecision> {
        let p = &self.0;
        let k = p.folds;
        let fz = Featurizer::new();
        let dense_names = fz.dense_names();
        let configs = self.decision_grid();
        // Per grid point: feature names and every row's features.
        let mut designs: Vec<(Vec<String>, Vec<Vec<f64>>)> = Vec::with_capacity(configs.len());
        for (_, extras) in &configs {
            let mut names: Vec<String> = DECISION_WORD_FEATURES.map(String::from).to_vec();
            names.extend(extras.iter().cloned());
            names.extend(dense_names.iter().cloned());
            let inputs = decision_inputs(&names[DECISION_WORD_FEATURES.len()..], dense_names)
                .map_err(|f| Error::usage(format!("unknown decision feature {f:?}")))?;
            let rows: Vec<Vec<f64>> = word_probs
                .iter()
                .zip(&data.rows)
                .map(|(w, r)| decision_row(w, combiner, &r.dense, &inputs))
                .collect();
            designs.push((names, rows));
        }
        // Every fit the procedure needs: for grid point c, the rows outside
        // the excluded folds `(a, b)` (`a == b`: one fold left out), and
        // the predictions of the rows of folds `a` and `b`.
        let mut jobs: Vec<(usize, usize, usize)> = Vec::new();
        for c in 0..configs.len() {
            for a in 0..k {
                // Inner folds need at least three outer ones.
                for b in (a..k).filter(|&b| b == a || k >= 3) {
                    jobs.push((c, a, b));
                }
            }
        }
        type Job = Result<((usize, usize, usize), Vec<(usize, f64)>)>;
        let fitted: Vec<Job> = jobs
            .par_iter()
            .map(|&(c, a, b)| {
                let (names, rows) = &designs[c];
                let train: Vec<usize> = (0..data.len())
                    .filter(|&i| folds[i] != a && folds[i] != b)
                    .collect();
                let x: Vec<Vec<f64>> = train.iter().map(|&i| rows[i].clone()).collect();
                let y: Vec<bool> = train.iter().map(|&i| labels[i]).collect();
                let m = DecisionModel::fit(&x, &y, configs[c].0, names.clone())?;
                let pred = (0..data.len())
                    .filter(|&i| folds[i] == a || folds[i] == b)
                    .map(|i| (i, m.probability(&rows[i])))
                    .collect();
                Ok(((c, a, b), pred))
            })
            .collect();
        // preds[c][(a, b)]: (row, probability) of the rows of folds a and b.
        type Preds = FxHashMap<(usize, usize), Vec<(usize, f64)>>;
        let mut preds: Vec<Preds> = vec![FxHashMap::default(); configs.len()];
        for r in fitted {
            let ((c, a, b), v) = r?;
            preds[c].insert((a, b), v);
        }
        // The inner out-of-fold decisions of grid point c without fold
        // `outer` (`None`: over all folds), pooled over the rows of the
        // inner folds.
        let inner = |c: usize, outer: Option<usize>| -> (Vec<bool>, Vec<f64>) {
            let mut q = vec![f64::NAN; data.len()];
            for g in (0..k).filter(|&g| Some(g) != outer) {
                let key = match outer {
                    Some(f) => (f.min(g), f.max(g)),
                    None => (g, g),
                };
                for &(i, v) in &preds[c][&key] {
                    if folds[i] == g {
                        q[i] = v;
                    }
                }
            }
            (0..data.len())
                .filter(|&i| Some(folds[i]) != outer)
                .map(|i| (labels[i], q[i]))
                .unzip()
        };
        let choose = |outer: Option<usize>| -> (usize, f64) {
            if outer.is_some() && k < 3 {
                return (0, 0.5);
            }
            let mut best: Option<(f64, usize, f64)> = None;
            for c in 0..configs.len() {
                let (y, q) = inner(c, outer);
                let t = metrics::best_threshold(&y, &q);
                let f1 = metrics::binary_macro_f1(&y, &q, t);
                if best.is_none_or(|b| f1 > b.0 + 1e-12) {
                    best = Some((f1, c, t));
                }
            }
            best.map_or((0, 0.5), |b| (b.1, b.2))
        };
        let outer: Vec<(usize, f64, Vec<f64>)> = (0..k)
            .into_par_iter()
            .map(|f| {
                let (c, t) = choose(Some(f));
                let q: Vec<f64> = preds[c][&(f, f)]
                    .iter()
                    .filter(|&&(i, _)| folds[i] == f)
                    .map(|&(_, v)| v)
                    .collect();
                (c, t, q)
            })
            .collect();
        let (c, t) = choose(None);
        let (names, rows) = &designs[c];
        let mut shipped = DecisionModel::fit(rows, labels, configs[c].0, names.clone())?;
        shipped.threshold = t;
        Ok(NestedDecision {
            configs,
            outer,
            shipped,
        })
    }

    /// Fit the model: choose the L2 strength and the combiner on
    /// `validation` (the first of each without one), cross-validate on
    /// `data` at that choice, fit the decision model on the out-of-fold
    /// word scores and the word model on all of `data`. Returns the model
    /// (metrics included; provenance left for the caller) and the
    /// validation figures' inputs are recomputed from the shipped model.
    ///
    /// ```
    /// use slant::scorers::loaded::{LoadedData, LoadedParams};
    /// use slant::scorers::textfeat::Featurizer;
    /// use slant::scorers::wordfeat::CorpusStats;
    /// let fz = Featurizer::new();
    /// let stats = CorpusStats::new(0, 1, vec![]);
    /// let data = LoadedData::from_texts(&fz, &stats, &[
    ///     ("The bill passed.", &[][..]), ("Officials met.", &[]), ("The report is out.", &[]),
    ///     ("The panel votes.", &[]), ("A disgraceful attack.", &["disgraceful"]),
    ///     ("Radical thugs slammed it.", &["thugs", "slammed"]),
    ///     ("A dangerous plan.", &["dangerous"]), ("Corrupt, outrageous elites.", &["corrupt"]),
    /// ]);
    /// let params = LoadedParams { alphas: vec![0.5, 1.0], folds: 2, min_count: 1,
    ///     ..LoadedParams::default() }.check().unwrap();
    /// let (model, _) = params.fit(&data, stats, None).unwrap();
    /// // Without a validation set the first alpha and combiner are used.
    /// assert_eq!(model.file().chosen.alpha, 0.5);
    /// assert!(model.file().metrics.as_ref().unwrap().selection.is_empty());
    /// ```
    pub fn fit(
        &self,
        data: &LoadedData,
        stats: CorpusStats,
        validation: Option<&ValidationSet>,
    ) -> Result<(LoadedModel, Vec<GridPoint>)> {
        let p = &self.0;
        let all: Vec<usize> = (0..data.len()).collect();
        let mut selection = Vec::new();
        let mut best: Option<(f64, f64, Combiner, WordModel)> = None;
        for &alpha in &p.alphas {
            let m = self.fit_words(data, &all, alpha)?;
            match validation {
                Some(v) => {
                    let rows: Vec<usize> = (0..v.data.len()).collect();
                    let probs = m.predict(&v.data, &stats, &rows);
                    let y = v.data.labels();
                    for &c in &p.combiners {
                        let s: Vec<f64> = probs.iter().map(|w| c.combine(w)).collect();
                        let auc = metrics::roc_auc(&y, &s);
                        selection.push(GridPoint {
                            alpha,
                            combiner: c,
                            validation_auc: auc,
                        });
                        if best.as_ref().is_none_or(|b| auc > b.0 + 1e-12) {
                            best = Some((auc, alpha, c, m.clone()));
                        }
                    }
                }
                None => {
                    best = Some((f64::NAN, alpha, p.combiners[0], m));
                    break;
                }
            }
        }
        let (_, alpha, combiner, words) =
            best.ok_or_else(|| Error::usage("empty hyper-parameter grid"))?;
        let cv = self.cv(data, &stats, alpha, combiner)?;
        let fz = Featurizer::new();
        let file = LoadedFile {
            method: METHOD.into(),
            seed: p.seed,
            params: p.clone(),
            chosen: Choice {
                alpha,
                combiner,
                word_threshold: cv.word_threshold,
            },
            training_data: None,
            positive_label: String::new(),
            corpus: None,
            lexicons: fz.lexicon_sources(),
            grams: words.grams,
            gram_coefficients: words.gram_w,
            words: words.words,
            word_coefficients: words.word_w,
            type_features: TYPE_DENSE.map(String::from).to_vec(),
            type_coefficients: words.type_w,
            token_features: TOKEN_DENSE.map(String::from).to_vec(),
            token_coefficients: words.token_w,
            intercept: words.intercept,
            corpus_stats: stats,
            decision: cv.decision,
            metrics: Some(LoadedMetrics {
                selection: selection.clone(),
                cv: cv.report,
                validation: None,
            }),
        };
        let mut model = LoadedModel::from_file(file, Path::new("<memory>"))?;
        if let Some(v) = validation {
            let r = model.validate(&fz, v);
            if let Some(m) = model.file.metrics.as_mut() {
                m.validation = Some(r);
            }
        }
        Ok((model, selection))
    }

    /// Recompute the cross-validation of a model's card (same folds, seed
    /// and chosen hyper-parameters).
    ///
    /// ```
    /// use slant::scorers::loaded::{LoadedData, LoadedParams};
    /// use slant::scorers::textfeat::Featurizer;
    /// use slant::scorers::wordfeat::CorpusStats;
    /// let fz = Featurizer::new();
    /// let stats = CorpusStats::new(0, 1, vec![]);
    /// let data = LoadedData::from_texts(&fz, &stats, &[
    ///     ("The bill passed.", &[][..]), ("Officials met.", &[]), ("The report is out.", &[]),
    ///     ("The panel votes.", &[]), ("A disgraceful attack.", &["disgraceful"]),
    ///     ("Radical thugs slammed it.", &["thugs", "slammed"]),
    ///     ("A dangerous plan.", &["dangerous"]), ("Corrupt, outrageous elites.", &["corrupt"]),
    /// ]);
    /// let params = LoadedParams { alphas: vec![0.5], folds: 2, min_count: 1,
    ///     ..LoadedParams::default() }.check().unwrap();
    /// let (model, _) = params.fit(&data, stats, None).unwrap();
    /// let again = params.cross_validate(&data, model.file()).unwrap();
    /// assert_eq!(&again, &model.file().metrics.as_ref().unwrap().cv);
    /// ```
    pub fn cross_validate(&self, data: &LoadedData, file: &LoadedFile) -> Result<CvReport> {
        Ok(self
            .cv(
                data,
                &file.corpus_stats,
                file.chosen.alpha,
                file.chosen.combiner,
            )?
            .report)
    }
}

#[cfg(feature = "train")]
/// The threshold maximising F1 of the positive class (candidates: midpoints
/// of consecutive distinct scores; 0.5 when there are none).
pub(super) fn best_f1_threshold(truth: &[bool], score: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
    let pos = truth.iter().filter(|&&t| t).count() as f64;
    let (mut tp, mut pp) = (0.0f64, 0.0f64);
    let (mut best, mut best_t) = (-1.0f64, 0.5f64);
    for (k, &i) in idx.iter().enumerate() {
        pp += 1.0;
        if truth[i] {
            tp += 1.0;
        }
        let next = idx.get(k + 1).map(|&j| score[j]);
        if next == Some(score[i]) {
            continue;
        }
        let f1 = if tp > 0.0 { 2.0 * tp / (pp + pos) } else { 0.0 };
        if f1 > best + 1e-12 {
            best = f1;
            best_t = match next {
                Some(n) => (score[i] + n) / 2.0,
                None => score[i],
            };
        }
    }
    best_t
}

#[cfg(feature = "train")]
/// The threshold maximising binary macro-F1, unclamped (for the word
/// score's own figure).
pub(super) fn unclamped_best_threshold(truth: &[bool], score: &[f64]) -> f64 {
    let mut s: Vec<f64> = score.to_vec();
    s.sort_by(f64::total_cmp);
    s.dedup();
    let mut best = (f64::NEG_INFINITY, 0.5);
    // At most ~200 evenly spaced candidates keep this cheap.
    let step = (s.len() / 200).max(1);
    for w in s.windows(2).step_by(step) {
        let t = (w[0] + w[1]) / 2.0;
        let f = metrics::binary_macro_f1(truth, score, t);
        if f > best.0 {
            best = (f, t);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sentences, labels, folds and synthetic out-of-fold word
    /// probabilities for the decision's procedure.
    fn decision_case() -> (LoadedData, Vec<bool>, Vec<usize>, Vec<Vec<f64>>) {
        let fz = Featurizer::new();
        let stats = CorpusStats::new(0, 1, vec![]);
        let calm = [
            "The committee met on Tuesday to discuss the budget.",
            "Officials said the vote would be held next week.",
            "The report was published by the agency on Monday.",
            "He said the talks would continue in the capital.",
        ];
        let loaded = [
            "The radical senator slammed the disgraceful, shameful plan.",
            "Critics blasted the outrageous scheme as a dangerous betrayal.",
            "The corrupt elites pushed a disastrous and reckless bill.",
            "Extremist thugs attacked the so-called reform.",
        ];
        let texts: Vec<(&str, &[&str])> = (0..64)
            .map(|i| {
                let t = if i % 2 == 0 {
                    calm[i / 2 % 4]
                } else {
                    loaded[i / 2 % 4]
                };
                (t, &[][..])
            })
            .collect();
        let data = LoadedData::from_texts(&fz, &stats, &texts);
        // A deterministic stream; labels agree with the text's kind three
        // times in four, so thresholds and grid points have work to do.
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let labels: Vec<bool> = (0..64).map(|i| (i % 2 == 1) != (i % 8 == 3)).collect();
        let folds: Vec<usize> = (0..64).map(|i| (i / 2) % 4).collect();
        let probs = data
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let lift = if i % 2 == 1 { 0.3 } else { 0.0 };
                r.words
                    .iter()
                    .map(|_| (0.6 * next() + lift).min(0.99))
                    .collect()
            })
            .collect();
        (data, labels, folds, probs)
    }

    /// The procedure on [`decision_case`] with 4 folds and `labels`.
    fn nested(labels: &[bool]) -> NestedDecision {
        let (data, _, folds, probs) = decision_case();
        let vp = LoadedParams {
            folds: 4,
            ..LoadedParams::default()
        }
        .check()
        .unwrap();
        vp.nested_decision(&data, labels, &folds, &probs, Combiner::NoisyOr)
            .unwrap()
    }

    /// An outer fold's decision — its grid point, threshold and held-out
    /// probabilities — is chosen without that fold's labels (nested): the
    /// earlier procedure chose the threshold on decisions of models fitted
    /// with them.
    #[test]
    fn outer_fold_decision_ignores_its_labels() {
        let (_, labels, folds, _) = decision_case();
        let a = nested(&labels);
        let mut flipped = labels.clone();
        for (i, y) in flipped.iter_mut().enumerate() {
            if folds[i] == 0 {
                *y = !*y;
            }
        }
        let b = nested(&flipped);
        assert_eq!(a.configs.len(), 10);
        assert_eq!(a.outer[0], b.outer[0]);
        // The other folds (and the shipped decision) do see fold 0.
        assert_ne!(a.shipped, b.shipped);
        assert!(a.outer[1..] != b.outer[1..]);
    }

    /// The shipped decision is the grid point whose pooled out-of-fold
    /// decisions score best, and reads the extra features it was chosen
    /// with.
    #[test]
    fn shipped_decision_reads_its_grid_point() {
        let labels = decision_case().1;
        let d = nested(&labels);
        let s = &d.shipped;
        let extras: Vec<String> = s.features[DECISION_WORD_FEATURES.len()..]
            .iter()
            .filter(|f| DECISION_EXTRA_FEATURES.contains(&f.as_str()))
            .cloned()
            .collect();
        assert!(d.configs.contains(&(s.alpha, extras)));
        assert!((0.2..=0.8).contains(&s.threshold));
        // Deterministic.
        let again = nested(&labels);
        assert_eq!(again.shipped, d.shipped);
        assert_eq!(again.outer, d.outer);
    }

    /// Two folds leave no inner folds: the first grid point at 0.5 (the
    /// earlier code failed to fit an empty training set).
    #[test]
    fn two_folds_use_the_first_grid_point() {
        let (data, labels, _, probs) = decision_case();
        let folds: Vec<usize> = (0..labels.len()).map(|i| (i / 2) % 2).collect();
        let vp = LoadedParams {
            folds: 2,
            ..LoadedParams::default()
        }
        .check()
        .unwrap();
        let d = vp
            .nested_decision(&data, &labels, &folds, &probs, Combiner::NoisyOr)
            .unwrap();
        assert!(d.outer.iter().all(|o| o.0 == 0 && o.1 == 0.5));
        assert_eq!(d.outer[0].2.len(), 32);
    }
}
