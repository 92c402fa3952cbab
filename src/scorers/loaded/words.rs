//! The fitted parts of the loaded-language model: the word model and the sentence decision.

use super::*;

/// A fitted word model in memory.
#[derive(Debug, Clone)]
pub(super) struct WordModel {
    #[cfg_attr(not(feature = "train"), allow(dead_code))] // read by the training only
    pub(super) grams: Vec<String>,
    pub(super) gram_w: Vec<f64>,
    #[cfg_attr(not(feature = "train"), allow(dead_code))] // read by the training only
    pub(super) words: Vec<String>,
    pub(super) word_w: Vec<f64>,
    pub(super) type_w: Vec<f64>,
    pub(super) token_w: Vec<f64>,
    pub(super) intercept: f64,
    pub(super) gram_index: FxHashMap<String, u32>,
    pub(super) word_index: FxHashMap<String, u32>,
}

impl WordModel {
    pub(super) fn new(
        grams: Vec<String>,
        gram_w: Vec<f64>,
        words: Vec<String>,
        word_w: Vec<f64>,
        type_w: Vec<f64>,
        token_w: Vec<f64>,
        intercept: f64,
    ) -> WordModel {
        let gram_index = grams
            .iter()
            .enumerate()
            .map(|(i, g)| (g.clone(), i as u32))
            .collect();
        let word_index = words
            .iter()
            .enumerate()
            .map(|(i, g)| (g.clone(), i as u32))
            .collect();
        WordModel {
            grams,
            gram_w,
            words,
            word_w,
            type_w,
            token_w,
            intercept,
            gram_index,
            word_index,
        }
    }

    /// The part of a word's logit that depends on the lower-cased word
    /// alone (n-grams, identity, [`TYPE_DENSE`]; no intercept).
    pub(super) fn type_logit(&self, word: &str, stats: &CorpusStats) -> f64 {
        let (mut k, mut s) = (0usize, 0.0f64);
        word_grams(word, |g| {
            if let Some(&c) = self.gram_index.get(g) {
                k += 1;
                s += self.gram_w[c as usize];
            }
        });
        let mut z = if k > 0 { s / (k as f64).sqrt() } else { 0.0 };
        if let Some(&c) = self.word_index.get(word) {
            z += self.word_w[c as usize];
        }
        type_dense(word, stats, |i, v| z += self.type_w[i as usize] * v);
        z
    }

    pub(super) fn token_logit(&self, dense: &[(u16, f64)]) -> f64 {
        dense
            .iter()
            .map(|&(i, v)| self.token_w[i as usize] * v)
            .sum()
    }

    #[cfg(feature = "train")]
    /// Word probabilities of every row of `data` in `rows`.
    pub(super) fn predict(
        &self,
        data: &LoadedData,
        stats: &CorpusStats,
        rows: &[usize],
    ) -> Vec<Vec<f64>> {
        let mut tl: Vec<f64> = vec![f64::NAN; data.types.len()];
        rows.iter()
            .map(|&i| {
                data.rows[i]
                    .words
                    .iter()
                    .map(|w| {
                        let t = &mut tl[w.ty as usize];
                        if t.is_nan() {
                            *t = self.type_logit(data.types.get(w.ty), stats);
                        }
                        sigmoid(self.intercept + *t + self.token_logit(&w.dense))
                    })
                    .collect()
            })
            .collect()
    }
}

#[cfg(feature = "train")]
/// Word-level design of the training rows `rows`: columns are the n-gram
/// and word vocabularies (kept when seen at least `min_count` times in
/// those rows' words), then [`TYPE_DENSE`], then [`TOKEN_DENSE`].
pub(super) struct Design {
    pub(super) grams: Vec<u32>,
    pub(super) words: Vec<u32>,
    pub(super) x: Csr,
    pub(super) y: Vec<bool>,
}

#[cfg(feature = "train")]
pub(super) fn word_design(p: &LoadedParams, data: &LoadedData, rows: &[usize]) -> Design {
    let mut type_count = vec![0u32; data.types.len()];
    for &i in rows.iter().filter(|&&i| data.trains_words(i)) {
        for w in &data.rows[i].words {
            type_count[w.ty as usize] += 1;
        }
    }
    let mut gram_count = vec![0u32; data.grams.len()];
    for (t, &n) in type_count.iter().enumerate() {
        if n > 0 {
            for &g in &data.type_grams[t] {
                gram_count[g as usize] += n;
            }
        }
    }
    let keep = |counts: &[u32], names: &Interner| -> Vec<u32> {
        let mut ids: Vec<u32> = (0..counts.len() as u32)
            .filter(|&i| counts[i as usize] >= p.min_count.max(1))
            .collect();
        ids.sort_by(|&a, &b| names.get(a).cmp(names.get(b)));
        ids
    };
    let grams = keep(&gram_count, &data.grams);
    let words = if p.word_identity {
        keep(&type_count, &data.types)
    } else {
        vec![]
    };
    let mut gram_col = vec![u32::MAX; data.grams.len()];
    for (c, &g) in grams.iter().enumerate() {
        gram_col[g as usize] = c as u32;
    }
    let mut word_col = vec![u32::MAX; data.types.len()];
    for (c, &t) in words.iter().enumerate() {
        word_col[t as usize] = c as u32;
    }
    let (nc, nw) = (grams.len() as u32, words.len() as u32);
    let nt = TYPE_DENSE.len() as u32;
    // Per type, its columns (computed once).
    let type_cols: Vec<Vec<(u32, f64)>> = (0..data.types.len())
        .map(|t| {
            if type_count[t] == 0 {
                return vec![];
            }
            let mut cols: Vec<u32> = data.type_grams[t]
                .iter()
                .map(|&g| gram_col[g as usize])
                .filter(|&c| c != u32::MAX)
                .collect();
            cols.sort_unstable();
            let v = if cols.is_empty() {
                0.0
            } else {
                1.0 / (cols.len() as f64).sqrt()
            };
            let mut out: Vec<(u32, f64)> = cols.into_iter().map(|c| (c, v)).collect();
            if word_col[t] != u32::MAX {
                out.push((nc + word_col[t], 1.0));
            }
            out.extend(
                data.type_dense[t]
                    .iter()
                    .map(|&(i, v)| (nc + nw + i as u32, v)),
            );
            out
        })
        .collect();
    let mut x = Csr::new((nc + nw + nt) as usize + TOKEN_DENSE.len());
    let mut y = Vec::new();
    for &i in rows.iter().filter(|&&i| data.trains_words(i)) {
        for w in &data.rows[i].words {
            x.push_row(
                type_cols[w.ty as usize]
                    .iter()
                    .copied()
                    .chain(w.dense.iter().map(|&(j, v)| (nc + nw + nt + j as u32, v))),
            );
            y.push(data.word_label(i, w));
        }
    }
    Design { grams, words, x, y }
}

#[cfg(feature = "train")]
/// One outer fold's out-of-fold predictions.
pub(super) struct FoldPred {
    /// Per held-out row: its word probabilities.
    pub(super) words: Vec<(usize, Vec<f64>)>,
}

/// The decision model's word-score features of a row.
pub(super) fn word_summary(p: &[f64], combiner: Combiner) -> [f64; 3] {
    [
        combiner.combine(p),
        Combiner::Max.combine(p),
        Combiner::Top2.combine(p),
    ]
}

pub(super) fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

/// Names of the decision model's word-score features (before the
/// featurizer's dense features).
pub const DECISION_WORD_FEATURES: [&str; 3] = ["word_score", "word_max", "word_top2"];

/// Names of the extra word-score features the decision may read (see
/// [`LoadedParams::decision_extras`]): `ln(Σp + 0.001)` (the log of the
/// expected number of loaded words), the number of words with `p ≥ 0.5`,
/// the mean word logit, and the logit of the third largest probability
/// (0 with fewer than three words).
///
/// ```
/// use slant::scorers::loaded::{LoadedParams, DECISION_EXTRA_FEATURES};
/// // Every candidate of the default grid is one of them.
/// assert!(LoadedParams::default().decision_extras.iter().flatten()
///     .all(|n| DECISION_EXTRA_FEATURES.contains(&n.as_str())));
/// ```
pub const DECISION_EXTRA_FEATURES: [&str; 4] = [
    "word_log_sum",
    "words_over_half",
    "word_mean_logit",
    "word_third",
];

/// Extra word-score feature `k` ([`DECISION_EXTRA_FEATURES`]) of a
/// sentence's word probabilities.
pub(super) fn word_extra(p: &[f64], k: usize) -> f64 {
    match k {
        0 => (p.iter().sum::<f64>() + 1e-3).ln(),
        1 => p.iter().filter(|&&q| q >= 0.5).count() as f64,
        2 => {
            if p.is_empty() {
                logit(0.0)
            } else {
                p.iter().map(|&q| logit(q)).sum::<f64>() / p.len() as f64
            }
        }
        _ => {
            // The third largest (0 when missing).
            let mut top = [0.0f64; 3];
            for &q in p {
                if q > top[2] {
                    top[2] = q;
                    top.sort_by(|a, b| b.total_cmp(a));
                }
            }
            logit(top[2])
        }
    }
}

/// Where a decision feature after the three [`DECISION_WORD_FEATURES`]
/// comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DecisionInput {
    /// Extra word-score feature `k` ([`DECISION_EXTRA_FEATURES`]).
    Word(usize),
    /// The featurizer's dense feature `i`.
    Dense(usize),
}

/// The inputs of decision features `names` (after the word features);
/// `Err(name)` names the first unknown one.
pub(super) fn decision_inputs(
    names: &[String],
    dense_names: &[String],
) -> std::result::Result<Vec<DecisionInput>, String> {
    names
        .iter()
        .map(|f| {
            if let Some(k) = DECISION_EXTRA_FEATURES.iter().position(|n| n == f) {
                Ok(DecisionInput::Word(k))
            } else if let Some(i) = dense_names.iter().position(|n| n == f) {
                Ok(DecisionInput::Dense(i))
            } else {
                Err(f.clone())
            }
        })
        .collect()
}

#[cfg(feature = "train")]
/// The decision model's row for a sentence with word probabilities `p`
/// and dense features `dense`: the logits of the three word summaries,
/// then `inputs`.
pub(super) fn decision_row(
    p: &[f64],
    combiner: Combiner,
    dense: &[f64],
    inputs: &[DecisionInput],
) -> Vec<f64> {
    decision_row_of(p, word_summary(p, combiner), dense, inputs)
}

/// [`decision_row`] with the word summary `summary` of `p` already made.
pub(super) fn decision_row_of(
    p: &[f64],
    summary: [f64; 3],
    dense: &[f64],
    inputs: &[DecisionInput],
) -> Vec<f64> {
    let mut row: Vec<f64> = summary.iter().map(|&q| logit(q)).collect();
    row.extend(inputs.iter().map(|&i| match i {
        DecisionInput::Word(k) => word_extra(p, k),
        DecisionInput::Dense(j) => dense.get(j).copied().unwrap_or(0.0),
    }));
    row
}

/// The sentence decision model: a logistic regression over the word
/// scores and the featurizer's sentence-level lexicon features.
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, DECISION_WORD_FEATURES, FILE_NAME};
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let d = &model.file().decision;
/// assert!(d.features.starts_with(&DECISION_WORD_FEATURES.map(String::from)));
/// assert_eq!(d.coefficients.len(), d.features.len());
/// assert!((0.2..=0.8).contains(&d.threshold));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionModel {
    /// Feature names in coefficient order.
    pub features: Vec<String>,
    /// Training mean of each feature.
    pub mean: Vec<f64>,
    /// Its L2 strength (chosen from [`LoadedParams::decision_alphas`]).
    #[serde(default)]
    pub alpha: f64,
    /// Training standard deviation of each feature.
    pub sd: Vec<f64>,
    /// Coefficient per standardised feature.
    pub coefficients: Vec<f64>,
    /// Intercept.
    pub intercept: f64,
    /// A sentence is loaded when its decision probability is at or above
    /// this.
    pub threshold: f64,
}

impl DecisionModel {
    #[cfg(feature = "train")]
    pub(super) fn fit(
        rows: &[Vec<f64>],
        y: &[bool],
        alpha: f64,
        names: Vec<String>,
    ) -> Result<DecisionModel> {
        let std = Standardizer::fit(rows);
        let z: Vec<Vec<(u32, f64)>> = rows
            .iter()
            .map(|r| {
                std.apply(r)
                    .into_iter()
                    .enumerate()
                    .map(|(j, v)| (j as u32, v))
                    .collect()
            })
            .collect();
        let x = design::<f32>(&z, names.len(), None, 1.0, true);
        let fit: BinaryFit = fit_binary(
            x.view(),
            y,
            Solver {
                alpha,
                max_iterations: 300,
                gradient_tolerance: 1e-5,
            },
            None,
        )?;
        Ok(DecisionModel {
            features: names,
            alpha,
            mean: std.mean,
            sd: std.sd,
            coefficients: fit.weights,
            intercept: fit.intercept,
            threshold: 0.5,
        })
    }

    pub(super) fn probability(&self, row: &[f64]) -> f64 {
        let mut z = self.intercept;
        for (((v, m), s), w) in row
            .iter()
            .zip(&self.mean)
            .zip(&self.sd)
            .zip(&self.coefficients)
        {
            z += w * (v - m) / s;
        }
        sigmoid(z)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_word_features() {
        let p = [0.2, 0.9, 0.6, 0.1];
        assert!((word_extra(&p, 0) - (1.8f64 + 1e-3).ln()).abs() < 1e-12);
        assert_eq!(word_extra(&p, 1), 2.0);
        let mean = p.iter().map(|&q| logit(q)).sum::<f64>() / 4.0;
        assert!((word_extra(&p, 2) - mean).abs() < 1e-12);
        assert!((word_extra(&p, 3) - logit(0.2)).abs() < 1e-12);
        // Fewer than three words: the third largest is 0.
        assert_eq!(word_extra(&[0.7, 0.4], 3), logit(0.0));
        assert_eq!(word_extra(&[], 2), logit(0.0));
        assert_eq!(word_extra(&[], 1), 0.0);
    }

    #[test]
    fn decision_rows_follow_their_inputs() {
        let dense_names: Vec<String> = ["hedge", "log_tokens"].map(String::from).to_vec();
        let names: Vec<String> = ["word_mean_logit", "log_tokens"].map(String::from).to_vec();
        let inputs = decision_inputs(&names, &dense_names).unwrap();
        assert_eq!(inputs, [DecisionInput::Word(2), DecisionInput::Dense(1)]);
        let p = [0.2, 0.9];
        let row = decision_row(&p, Combiner::Max, &[0.0, 3.0], &inputs);
        assert_eq!(row.len(), 5);
        assert_eq!(row[1], logit(0.9));
        assert_eq!(row[3], (logit(0.2) + logit(0.9)) / 2.0);
        assert_eq!(row[4], 3.0);
        let bad: Vec<String> = vec!["word_fifth".into()];
        assert_eq!(
            decision_inputs(&bad, &dense_names),
            Err("word_fifth".to_string())
        );
    }
}
