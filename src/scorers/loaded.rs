//! The loaded-language scorer: a sentence-level L2-regularised logistic
//! regression (linfa-logistic) on n-grams and lexicon features, trained on
//! BABE-style labelled sentences.
//!
//! Like linfa, it goes from parameters to checked parameters to a fitted
//! model: [`LoadedParams`] → [`LoadedParams::check`] → [`LoadedValidParams`]
//! → [`LoadedValidParams::fit`] → [`LoadedModel`]. Hyper-parameters (L2
//! strength and vocabulary size) are chosen by inner stratified
//! cross-validation, the decision threshold by maximising macro-F1 on the
//! inner out-of-fold predictions, and the vocabulary is selected by χ²
//! inside each training fold only.
//!
//! ```
//! use slant::scorers::loaded::{LoadedData, LoadedParams};
//! use slant::scorers::textfeat::Featurizer;
//! let fz = Featurizer::new();
//! let texts = [
//!     ("The senator said the bill passed on Tuesday.", false),
//!     ("Officials said the meeting was held in Paris.", false),
//!     ("The report was published on Monday.", false),
//!     ("The committee said it would vote next week.", false),
//!     ("The radical senator's disgraceful bill is a shameful attack.", true),
//!     ("Corrupt elites slammed the outrageous, dangerous plan.", true),
//!     ("The disastrous plan is a shameful betrayal by extremists.", true),
//!     ("Radical extremists pushed an outrageous, disgraceful scheme.", true),
//! ];
//! let data = LoadedData::from_texts(&fz, &texts);
//! let params = LoadedParams { alphas: vec![1.0], vocab_sizes: vec![50], inner_folds: 2,
//!     outer_folds: 2, min_df: 1, ..LoadedParams::default() };
//! let model = params.check().unwrap().fit(&data).unwrap();
//! let mut ws = fz.workspace();
//! let calm = model.score_text(&fz, &mut ws, "The committee met on Monday.");
//! let loaded = model.score_text(&fz, &mut ws, "A disgraceful, outrageous attack by radical extremists.");
//! assert!(loaded.probability > calm.probability);
//! ```

use super::data::{DataInfo, LabelledDoc};
use super::linear::{fit_binary, sigmoid, BinaryFit, Solver};
use super::metrics;
use super::model_file;
use super::textfeat::{CharCache, FeatWorkspace, Featurizer, LexiconRef, VoiceFilter};
use super::vectorize::{
    char_ngrams, design, select_chi2_by, sparse_counts, Interner, NgramSpace, Standardizer,
    Weighting, CHAR_PREFIX,
};
use super::wordcache::{walk, Gram, RowScratch, WordCache, NONE};
use crate::error::{Error, ErrorKind, Result};
use crate::features::MatchRecord;
use crate::text::Analyzed;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The model kind recorded in the file.
pub const KIND: &str = "loaded-language";
/// The default file name inside a model directory.
pub const FILE_NAME: &str = "loaded-language.json";

/// Settings for training (before checking). The defaults are those of the
/// shipped model; a small data set wants a smaller grid and vocabulary.
/// The settings are stored in the model file.
///
/// ```
/// use slant::scorers::loaded::LoadedParams;
/// let params = LoadedParams {
///     alphas: vec![0.5],
///     vocab_sizes: vec![500],
///     char_vocab_size: 0, // no character n-grams
///     ..LoadedParams::default()
/// };
/// let valid = params.clone().check().unwrap();
/// assert_eq!(valid.params(), &params);
/// let json = serde_json::to_string(&params).unwrap();
/// assert!(json.contains("\"weighting\":\"tfidf\""));
/// assert_eq!(serde_json::from_str::<LoadedParams>(&json).unwrap(), params);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadedParams {
    /// Candidate L2 strengths (linfa `alpha`, on the summed log-loss).
    pub alphas: Vec<f64>,
    /// Candidate vocabulary sizes (n-grams kept by χ²).
    pub vocab_sizes: Vec<usize>,
    /// Minimum document frequency of an n-gram in the training fold.
    pub min_df: u32,
    /// N-gram weighting.
    pub weighting: Weighting,
    /// Use the lexicon (dense) features.
    pub dense: bool,
    /// Scale of the standardised dense features relative to the
    /// L2-normalised n-gram block.
    pub dense_scale: f64,
    /// Folds of the inner (hyper-parameter) cross-validation.
    pub inner_folds: usize,
    /// Folds of the outer (reported) cross-validation.
    pub outer_folds: usize,
    /// Seed for every fold split.
    pub seed: u64,
    /// L-BFGS iterations.
    pub max_iterations: u64,
    /// Character 2–5-grams of each word kept by χ² (0: none), like
    /// scikit-learn's `char_wb` analyser; normalised as their own block.
    pub char_vocab_size: usize,
    /// Add the word-annotation lexicon features (see
    /// [`LoadedData::marked`]) when the training data has word annotations.
    pub word_lexicon: bool,
}

impl Default for LoadedParams {
    fn default() -> Self {
        LoadedParams {
            alphas: vec![1.0, 0.5, 0.25],
            vocab_sizes: vec![2000, 4000],
            min_df: 2,
            weighting: Weighting::Tfidf,
            dense: true,
            dense_scale: 0.3,
            inner_folds: 3,
            outer_folds: 10,
            seed: 42,
            max_iterations: 100,
            char_vocab_size: 6000,
            word_lexicon: true,
        }
    }
}

/// Checked settings, made by [`LoadedParams::check`]: they fit models,
/// search hyper-parameters and cross-validate.
///
/// ```
/// # use slant::scorers::loaded::{LoadedData, LoadedParams};
/// # use slant::scorers::textfeat::Featurizer;
/// # let fz = Featurizer::new();
/// # let data = LoadedData::from_texts(&fz, &[
/// #     ("The senator said the bill passed on Tuesday.", false),
/// #     ("Officials said the meeting was held in Paris.", false),
/// #     ("The report was published on Monday.", false),
/// #     ("The committee said it would vote next week.", false),
/// #     ("The radical senator's disgraceful bill is a shameful attack.", true),
/// #     ("Corrupt elites slammed the outrageous, dangerous plan.", true),
/// #     ("The disastrous plan is a shameful betrayal by extremists.", true),
/// #     ("Radical extremists pushed an outrageous, disgraceful scheme.", true),
/// # ]);
/// // `data`: eight short sentences, four of them loaded.
/// let params = LoadedParams { alphas: vec![1.0, 0.5], vocab_sizes: vec![50], inner_folds: 2,
///     outer_folds: 2, min_df: 1, char_vocab_size: 0, ..LoadedParams::default() };
/// let valid = params.check().unwrap();
/// // Nested cross-validation: each outer fold searches the grid on its own
/// // training rows, so the estimate covers the whole procedure.
/// let cv = valid.cross_validate(&data, None).unwrap();
/// assert!(cv.nested);
/// assert_eq!(cv.per_fold.len(), valid.params().outer_folds);
/// assert!(cv.per_fold.iter().all(|f| valid.params().alphas.contains(&f.choice.alpha)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedValidParams(LoadedParams);

impl LoadedParams {
    /// Check the settings.
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedParams;
    /// assert!(LoadedParams::default().check().is_ok());
    /// let bad = LoadedParams { alphas: vec![-1.0], ..LoadedParams::default() };
    /// assert!(bad.check().is_err());
    /// ```
    pub fn check(self) -> Result<LoadedValidParams> {
        if self.alphas.is_empty() || self.alphas.iter().any(|a| !(a.is_finite() && *a > 0.0)) {
            return Err(Error::usage("alphas must be finite and > 0"));
        }
        if self.vocab_sizes.is_empty() || self.vocab_sizes.contains(&0) {
            return Err(Error::usage("vocabulary sizes must be > 0"));
        }
        if self.inner_folds < 2 || self.outer_folds < 2 {
            return Err(Error::usage("inner and outer folds must be >= 2"));
        }
        if !(self.dense_scale.is_finite() && self.dense_scale >= 0.0) {
            return Err(Error::usage("dense_scale must be finite and >= 0"));
        }
        Ok(LoadedValidParams(self))
    }
}

/// Featurised training data: n-gram counts per sentence (ids in `vocab`),
/// dense lexicon features and labels.
///
/// ```
/// use slant::scorers::loaded::LoadedData;
/// use slant::scorers::textfeat::Featurizer;
/// let fz = Featurizer::new();
/// let data = LoadedData::from_texts(&fz, &[
///     ("The report was published on Monday.", false),
///     ("The radical senator's disgraceful bill is a shameful attack.", true),
/// ]);
/// assert_eq!(data.len(), 2);
/// assert_eq!(data.labels, [false, true]);
/// // Row 1 counts the word "shameful" once; dense rows follow the featurizer.
/// let id = data.vocab.id("shameful").unwrap();
/// assert!(data.rows[1].contains(&(id, 1)));
/// assert!(!data.rows[0].iter().any(|&(i, _)| i == id));
/// assert_eq!(data.dense[1].len(), fz.dense_names().len());
/// assert!(!data.has_annotations());
/// ```
#[derive(Debug, Clone, Default)]
pub struct LoadedData {
    /// Interned n-grams.
    pub vocab: Interner,
    /// Sparse n-gram counts per row.
    pub rows: Vec<Vec<(u32, u32)>>,
    /// Dense features per row.
    pub dense: Vec<Vec<f64>>,
    /// Labels (`true` = loaded / biased).
    pub labels: Vec<bool>,
    /// Distinct word (unigram) ids of each row.
    pub words: Vec<Vec<u32>>,
    /// Word ids the annotators marked as biased in each row (BABE's
    /// `biased_words`; empty without annotations). Used only at training
    /// time, to derive a word lexicon inside each training fold (cross-fitted
    /// for the fold's own rows); never as an input of the row itself.
    pub marked: Vec<Vec<u32>>,
}

impl LoadedData {
    /// Featurise labelled documents (one row per document, i.e. per BABE
    /// sentence); `positive` is the label of loaded rows. A document's
    /// `group` holds the words its annotators marked, as a list such as
    /// `['word', "it's"]` (BABE's `biased_words`, see [`parse_word_list`]),
    /// or is empty.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::scorers::data::LabelledDoc;
    /// use slant::scorers::loaded::LoadedData;
    /// use slant::scorers::textfeat::Featurizer;
    /// let doc = |text: &str, label: &str, marked: &str| LabelledDoc {
    ///     doc: Document::new("", "", text), label: label.into(), group: marked.into() };
    /// let docs = [
    ///     doc("The report came out on Monday.", "Non-biased", "[]"),
    ///     doc("The senator's disgraceful bill.", "Biased", "['Disgraceful']"),
    /// ];
    /// let data = LoadedData::from_docs(&Featurizer::new(), &docs, "Biased");
    /// assert_eq!(data.labels, [false, true]);
    /// // The marked word, lower-cased, as a vocabulary id.
    /// assert_eq!(data.marked, [vec![], vec![data.vocab.id("disgraceful").unwrap()]]);
    /// ```
    pub fn from_docs(fz: &Featurizer, docs: &[LabelledDoc], positive: &str) -> LoadedData {
        let feats: Vec<(Vec<String>, Vec<f64>)> = docs
            .par_iter()
            .map_init(
                || fz.workspace(),
                |ws, d| {
                    let f = fz.analyse(&d.doc, ws);
                    featurise(fz, ws, &f.matches)
                },
            )
            .collect();
        let mut data = LoadedData::default();
        for ((grams, dense), d) in feats.into_iter().zip(docs) {
            let ids = grams.iter().map(|g| data.vocab.intern(g)).collect();
            data.push_row(ids, dense, d.label == positive, &parse_word_list(&d.group));
        }
        data
    }

    /// Featurise bare texts with labels (tests and examples).
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedData;
    /// use slant::scorers::textfeat::Featurizer;
    /// let fz = Featurizer::new();
    /// let data = LoadedData::from_texts(&fz, &[("Radical plans, radical people.", true)]);
    /// assert_eq!(data.labels, [true]);
    /// let radical = data.vocab.id("radical").unwrap();
    /// assert!(data.rows[0].contains(&(radical, 2))); // counted per occurrence
    /// assert!(data.vocab.id("radical plans").is_some()); // word bigrams too
    /// assert!(data.marked[0].is_empty()); // bare texts carry no annotations
    /// ```
    pub fn from_texts(fz: &Featurizer, texts: &[(&str, bool)]) -> LoadedData {
        let mut ws = fz.workspace();
        let mut data = LoadedData::default();
        for (t, y) in texts {
            let f = fz.analyse_text(t, &mut ws);
            let (grams, dense) = featurise(fz, &ws, &f.matches);
            let ids = grams.iter().map(|g| data.vocab.intern(g)).collect();
            data.push_row(ids, dense, *y, &[]);
        }
        data
    }

    fn push_row(&mut self, ids: Vec<u32>, dense: Vec<f64>, label: bool, marked: &[String]) {
        let mut words: Vec<u32> = ids
            .iter()
            .copied()
            .filter(|&i| is_word(self.vocab.get(i)))
            .collect();
        words.sort_unstable();
        words.dedup();
        let mut m: Vec<u32> = marked.iter().filter_map(|w| self.vocab.id(w)).collect();
        m.sort_unstable();
        m.dedup();
        self.rows.push(sparse_counts(ids));
        self.dense.push(dense);
        self.labels.push(label);
        self.words.push(words);
        self.marked.push(m);
    }

    /// Whether any row carries word annotations.
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedData;
    /// use slant::scorers::textfeat::Featurizer;
    /// let mut data = LoadedData::from_texts(&Featurizer::new(), &[("A shameful plan.", true)]);
    /// assert!(!data.has_annotations());
    /// let shameful = data.vocab.id("shameful").unwrap();
    /// data.marked[0].push(shameful); // what `from_docs` reads from BABE's `biased_words`
    /// assert!(data.has_annotations());
    /// ```
    pub fn has_annotations(&self) -> bool {
        self.marked.iter().any(|m| !m.is_empty())
    }

    /// Number of rows.
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedData;
    /// use slant::scorers::textfeat::Featurizer;
    /// let data = LoadedData::from_texts(&Featurizer::new(), &[("One.", false), ("Two.", true)]);
    /// assert_eq!(data.len(), 2);
    /// assert_eq!(data.len(), data.labels.len());
    /// ```
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedData;
    /// use slant::scorers::textfeat::Featurizer;
    /// assert!(LoadedData::default().is_empty());
    /// assert!(!LoadedData::from_texts(&Featurizer::new(), &[("One.", false)]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Whether an n-gram is a single word (not a bigram, not a character gram).
fn is_word(g: &str) -> bool {
    !g.contains(' ') && !g.starts_with(CHAR_PREFIX)
}

/// Parse an annotation cell like `['bizarre', "Trump's"]` (a Python list
/// of strings) into lower-cased words.
///
/// ```
/// use slant::scorers::loaded::parse_word_list;
/// assert_eq!(parse_word_list("['Bizarre', \"it's\"]"), ["bizarre", "it's"]);
/// assert!(parse_word_list("[]").is_empty());
/// ```
pub fn parse_word_list(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            let mut w = String::new();
            for d in chars.by_ref() {
                if d == c {
                    break;
                }
                w.push(d);
            }
            let w = w.trim().to_lowercase();
            if !w.is_empty() {
                out.push(w);
            }
        }
    }
    out
}

/// Word scores from annotations over `rows`: `marked(w) / (rows with w + 1)`.
fn word_scores(data: &LoadedData, rows: &[usize]) -> FxHashMap<u32, f64> {
    let mut occ: FxHashMap<u32, (u32, u32)> = FxHashMap::default();
    for &i in rows {
        for &w in &data.words[i] {
            let e = occ.entry(w).or_insert((0, 0));
            e.0 += 1;
            if data.marked[i].binary_search(&w).is_ok() {
                e.1 += 1;
            }
        }
    }
    occ.into_iter()
        .filter(|(_, (_, m))| *m > 0)
        .map(|(w, (o, m))| (w, m as f64 / (o as f64 + 1.0)))
        .collect()
}

/// The two word-lexicon features: largest and summed word score.
fn lexicon_features(scores: impl Iterator<Item = f64>) -> [f64; 2] {
    // Sum in value order, so the result does not depend on the order the
    // words were seen in.
    let mut v: Vec<f64> = scores.collect();
    v.sort_unstable_by(f64::total_cmp);
    let mut mx = 0.0f64;
    let mut sum = 0.0;
    for s in v {
        mx = mx.max(s);
        sum += s;
    }
    [mx, sum]
}

/// Names of the word-lexicon features.
const LEXICON_FEATURES: [&str; 2] = ["word_lexicon_max", "word_lexicon_sum"];

fn featurise(
    fz: &Featurizer,
    ws: &FeatWorkspace,
    matches: &[MatchRecord],
) -> (Vec<String>, Vec<f64>) {
    let a = ws.analyzed();
    (
        sentence_grams(a, 0..a.tokens.len(), VoiceFilter::All, true),
        fz.dense(a, matches, None, VoiceFilter::All),
    )
}

/// Word uni/bigrams and (optionally) character n-grams of the words.
fn sentence_grams(
    a: &Analyzed,
    range: std::ops::Range<usize>,
    voice: VoiceFilter,
    chars: bool,
) -> Vec<String> {
    let mut grams = Vec::new();
    let mut cbuf = String::new();
    Featurizer::ngrams(a, range, voice, &mut String::new(), |g| {
        grams.push(g.to_string());
        if chars && !g.contains(' ') {
            char_ngrams(g, &mut cbuf, |c| grams.push(c.to_string()));
        }
    });
    grams
}

/// One outer fold's result and its (row, probability) predictions.
type FoldOut = (FoldResult, Vec<(usize, f64)>);

/// One fitted fold model.
struct FoldFit {
    space: NgramSpace,
    std: Standardizer,
    fit: BinaryFit,
    scores: Option<FxHashMap<u32, f64>>,
}

impl LoadedValidParams {
    /// The settings.
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedParams;
    /// let valid = LoadedParams { outer_folds: 5, ..LoadedParams::default() }.check().unwrap();
    /// assert_eq!(valid.params().outer_folds, 5);
    /// assert_eq!(valid.params().alphas, LoadedParams::default().alphas);
    /// ```
    pub fn params(&self) -> &LoadedParams {
        &self.0
    }

    fn solver(&self, alpha: f64) -> Solver {
        Solver {
            alpha,
            max_iterations: self.0.max_iterations,
            gradient_tolerance: 1e-3,
        }
    }

    /// Fit on `train` rows with vocabulary size `k`, once per alpha (in the
    /// given order, each warm-started from the previous).
    fn fit_fold(
        &self,
        data: &LoadedData,
        train: &[usize],
        k: usize,
        alphas: &[f64],
    ) -> Result<Vec<FoldFit>> {
        let p = &self.0;
        let rows: Vec<&[(u32, u32)]> = train.iter().map(|&i| data.rows[i].as_slice()).collect();
        let labels: Vec<usize> = train.iter().map(|&i| data.labels[i] as usize).collect();
        let is_char = |id: u32| data.vocab.get(id).starts_with(CHAR_PREFIX);
        let words = |id: u32| !is_char(id);
        let mut ids = select_chi2_by(&rows, &labels, 2, p.min_df, k, &data.vocab, Some(&words));
        if p.char_vocab_size > 0 {
            ids.extend(select_chi2_by(
                &rows,
                &labels,
                2,
                p.min_df,
                p.char_vocab_size,
                &data.vocab,
                Some(&is_char),
            ));
            ids.sort_by(|&a, &b| data.vocab.get(a).cmp(data.vocab.get(b)));
        }
        let space = NgramSpace::fit(&ids, &data.vocab, &rows, p.weighting);
        let sparse: Vec<Vec<(u32, f64)>> = rows.iter().map(|r| space.transform_ids(r)).collect();
        // Word lexicon from annotations: cross-fitted for the training rows
        // themselves (each row's scores come from the other inner folds), from
        // all training rows for prediction.
        let scores = (p.word_lexicon && data.has_annotations()).then(|| word_scores(data, train));
        let mut lex_rows: Vec<[f64; 2]> = vec![[0.0; 2]; train.len()];
        if scores.is_some() {
            let y: Vec<bool> = train.iter().map(|&i| data.labels[i]).collect();
            let inner = metrics::stratified_folds(&y, 5, p.seed ^ 0x5eed);
            for f in 0..5 {
                let fit_rows: Vec<usize> = (0..train.len())
                    .filter(|&j| inner[j] != f)
                    .map(|j| train[j])
                    .collect();
                let sc = word_scores(data, &fit_rows);
                for j in (0..train.len()).filter(|&j| inner[j] == f) {
                    lex_rows[j] = lexicon_features(
                        data.words[train[j]]
                            .iter()
                            .filter_map(|w| sc.get(w).copied()),
                    );
                }
            }
        }
        let dense_rows: Vec<Vec<f64>> = train
            .iter()
            .zip(&lex_rows)
            .map(|(&i, l)| {
                let mut r = if p.dense {
                    data.dense[i].clone()
                } else {
                    vec![]
                };
                if scores.is_some() {
                    r.extend(l);
                }
                r
            })
            .collect();
        let std = Standardizer::fit(&dense_rows);
        let dense: Vec<Vec<f64>> = dense_rows.iter().map(|r| std.apply(r)).collect();
        let x = design::<f32>(&sparse, space.len(), Some(&dense), p.dense_scale, true);
        let y: Vec<bool> = train.iter().map(|&i| data.labels[i]).collect();
        let mut out: Vec<FoldFit> = Vec::with_capacity(alphas.len());
        for &alpha in alphas {
            let warm = out.last().map(|f| &f.fit);
            let fit = fit_binary(x.view(), &y, self.solver(alpha), warm)?;
            out.push(FoldFit {
                space: space.clone(),
                std: std.clone(),
                fit,
                scores: scores.clone(),
            });
        }
        Ok(out)
    }

    fn predict(&self, f: &FoldFit, data: &LoadedData, rows: &[usize]) -> Vec<f64> {
        let p = &self.0;
        rows.iter()
            .map(|&i| {
                let s = f.space.transform_ids(&data.rows[i]);
                let mut z = f.fit.intercept;
                for (j, v) in s {
                    z += f.fit.weights[j as usize] * v;
                }
                let mut r = if p.dense {
                    data.dense[i].clone()
                } else {
                    vec![]
                };
                if let Some(sc) = &f.scores {
                    r.extend(lexicon_features(
                        data.words[i].iter().filter_map(|w| sc.get(w).copied()),
                    ));
                }
                let d = f.std.apply(&r);
                let n = f.space.len();
                for (k, v) in d.iter().enumerate() {
                    z += f.fit.weights[n + k] * v * p.dense_scale;
                }
                sigmoid(z)
            })
            .collect()
    }

    /// Choose alpha, vocabulary size and threshold by inner cross-validation
    /// on `idx` (out-of-fold macro-F1 at the best threshold); `seed` sets
    /// the inner fold split.
    ///
    /// ```
    /// # use slant::scorers::{loaded::LoadedData, textfeat::Featurizer};
    /// # let data = LoadedData::from_texts(&Featurizer::new(), &[("The bill passed.", false),
    /// #     ("Officials met.", false), ("The report is out.", false), ("The panel votes.", false),
    /// #     ("A disgraceful attack.", true), ("Radical thugs slammed it.", true),
    /// #     ("A dangerous plan.", true), ("Corrupt, outrageous elites.", true)]);
    /// // `data`: eight short sentences, four of them loaded.
    /// use slant::scorers::loaded::LoadedParams;
    /// let valid = LoadedParams { alphas: vec![1.0, 0.1], vocab_sizes: vec![20, 50],
    ///     inner_folds: 2, min_df: 1, char_vocab_size: 0, ..LoadedParams::default() };
    /// let valid = valid.check().unwrap();
    /// let all: Vec<usize> = (0..data.len()).collect();
    /// let choice = valid.search(&data, &all, 7).unwrap();
    /// assert!(valid.params().alphas.contains(&choice.alpha));
    /// assert!(valid.params().vocab_sizes.contains(&choice.vocab_size));
    /// assert_eq!(valid.search(&data, &all, 7).unwrap(), choice); // same seed, same choice
    /// ```
    pub fn search(&self, data: &LoadedData, idx: &[usize], seed: u64) -> Result<Choice> {
        let p = &self.0;
        let mut alphas = p.alphas.clone();
        alphas.sort_by(|a, b| b.total_cmp(a));
        let y: Vec<bool> = idx.iter().map(|&i| data.labels[i]).collect();
        let folds = metrics::stratified_folds(&y, p.inner_folds, seed);
        let mut best: Option<Choice> = None;
        for &k in &p.vocab_sizes {
            let mut oof = vec![vec![0.0; idx.len()]; alphas.len()];
            for f in 0..p.inner_folds {
                let train: Vec<usize> = (0..idx.len())
                    .filter(|&j| folds[j] != f)
                    .map(|j| idx[j])
                    .collect();
                let test: Vec<usize> = (0..idx.len()).filter(|&j| folds[j] == f).collect();
                let fits = self.fit_fold(data, &train, k, &alphas)?;
                let rows: Vec<usize> = test.iter().map(|&j| idx[j]).collect();
                for (a, fit) in fits.iter().enumerate() {
                    for (j, pr) in test.iter().zip(self.predict(fit, data, &rows)) {
                        oof[a][*j] = pr;
                    }
                }
            }
            for (a, &alpha) in alphas.iter().enumerate() {
                let t = metrics::best_threshold(&y, &oof[a]);
                let f1 = metrics::binary_macro_f1(&y, &oof[a], t);
                if best.as_ref().is_none_or(|b| f1 > b.inner_macro_f1 + 1e-9) {
                    best = Some(Choice {
                        alpha,
                        vocab_size: k,
                        threshold: t,
                        inner_macro_f1: f1,
                    });
                }
            }
        }
        best.ok_or_else(|| Error::usage("empty hyper-parameter grid"))
    }

    /// Outer stratified K-fold cross-validation. With `fixed`, every fold
    /// uses those hyper-parameters; without, each fold runs its own inner
    /// search on its training part (nested cross-validation).
    ///
    /// ```
    /// # use slant::scorers::{loaded::LoadedData, textfeat::Featurizer};
    /// # let data = LoadedData::from_texts(&Featurizer::new(), &[("The bill passed.", false),
    /// #     ("Officials met.", false), ("The report is out.", false), ("The panel votes.", false),
    /// #     ("A disgraceful attack.", true), ("Radical thugs slammed it.", true),
    /// #     ("A dangerous plan.", true), ("Corrupt, outrageous elites.", true)]);
    /// // `data`: eight short sentences, four of them loaded.
    /// use slant::scorers::loaded::{Choice, LoadedParams};
    /// let valid = LoadedParams { vocab_sizes: vec![50], outer_folds: 2, min_df: 1,
    ///     char_vocab_size: 0, ..LoadedParams::default() }.check().unwrap();
    /// let fixed = Choice { alpha: 1.0, vocab_size: 50, threshold: 0.5, inner_macro_f1: f64::NAN };
    /// let cv = valid.cross_validate(&data, Some(&fixed)).unwrap();
    /// assert!(!cv.nested);
    /// assert_eq!(cv.per_fold.len(), 2);
    /// assert!(cv.per_fold.iter().all(|f| f.choice.alpha == 1.0 && f.choice.threshold == 0.5));
    /// assert!((0.0..=1.0).contains(&cv.pooled_macro_f1));
    /// ```
    pub fn cross_validate(&self, data: &LoadedData, fixed: Option<&Choice>) -> Result<CvReport> {
        let p = &self.0;
        let folds = metrics::stratified_folds(&data.labels, p.outer_folds, p.seed);
        let results: Vec<Result<FoldOut>> = (0..p.outer_folds)
            .into_par_iter()
            .map(|f| {
                let train: Vec<usize> = (0..data.len()).filter(|&i| folds[i] != f).collect();
                let test: Vec<usize> = (0..data.len()).filter(|&i| folds[i] == f).collect();
                let choice = match fixed {
                    Some(c) => c.clone(),
                    None => self.search(data, &train, p.seed.wrapping_add(1 + f as u64))?,
                };
                let fit = self
                    .fit_fold(data, &train, choice.vocab_size, &[choice.alpha])?
                    .pop()
                    .expect("one alpha");
                let prob = self.predict(&fit, data, &test);
                let y: Vec<bool> = test.iter().map(|&i| data.labels[i]).collect();
                let pred: Vec<bool> = prob.iter().map(|&q| q >= choice.threshold).collect();
                Ok((
                    FoldResult {
                        fold: f,
                        n_test: test.len(),
                        macro_f1: metrics::binary_macro_f1(&y, &prob, choice.threshold),
                        accuracy: metrics::accuracy(&y, &pred),
                        roc_auc: metrics::roc_auc(&y, &prob),
                        choice,
                    },
                    test.into_iter().zip(prob).collect(),
                ))
            })
            .collect();
        let mut folds_out = Vec::new();
        let mut pooled = vec![(0.0, 0.5); data.len()];
        for r in results {
            let (fr, probs) = r?;
            for (i, q) in probs {
                pooled[i] = (q, fr.choice.threshold);
            }
            folds_out.push(fr);
        }
        let mean = |f: &dyn Fn(&FoldResult) -> f64| {
            folds_out.iter().map(f).sum::<f64>() / folds_out.len() as f64
        };
        let pred: Vec<usize> = pooled.iter().map(|(q, t)| (*q >= *t) as usize).collect();
        let truth: Vec<usize> = data.labels.iter().map(|&b| b as usize).collect();
        Ok(CvReport {
            nested: fixed.is_none(),
            folds: p.outer_folds,
            seed: p.seed,
            macro_f1: mean(&|f| f.macro_f1),
            accuracy: mean(&|f| f.accuracy),
            roc_auc: mean(&|f| f.roc_auc),
            pooled_macro_f1: metrics::macro_f1(&truth, &pred, 2),
            per_fold: folds_out,
        })
    }

    /// Choose hyper-parameters on all of `data` by inner cross-validation
    /// (a [`search`](LoadedValidParams::search) with the settings' seed)
    /// and fit the final model.
    ///
    /// ```
    /// # use slant::scorers::{loaded::LoadedData, textfeat::Featurizer};
    /// # let data = LoadedData::from_texts(&Featurizer::new(), &[("The bill passed.", false),
    /// #     ("Officials met.", false), ("The report is out.", false), ("The panel votes.", false),
    /// #     ("A disgraceful attack.", true), ("Radical thugs slammed it.", true),
    /// #     ("A dangerous plan.", true), ("Corrupt, outrageous elites.", true)]);
    /// // `data`: eight short sentences, four of them loaded.
    /// use slant::scorers::loaded::LoadedParams;
    /// let valid = LoadedParams { alphas: vec![1.0, 0.5], vocab_sizes: vec![50], inner_folds: 2,
    ///     min_df: 1, char_vocab_size: 0, ..LoadedParams::default() }.check().unwrap();
    /// let model = valid.fit(&data).unwrap();
    /// let all: Vec<usize> = (0..data.len()).collect();
    /// let searched = valid.search(&data, &all, valid.params().seed).unwrap();
    /// assert_eq!(model.file().chosen, searched);
    /// assert_eq!(model.threshold(), searched.threshold);
    /// ```
    pub fn fit(&self, data: &LoadedData) -> Result<LoadedModel> {
        let all: Vec<usize> = (0..data.len()).collect();
        let choice = self.search(data, &all, self.0.seed)?;
        self.fit_with(data, &choice)
    }

    /// Fit the final model with given hyper-parameters.
    ///
    /// ```
    /// # use slant::scorers::{loaded::LoadedData, textfeat::Featurizer};
    /// # let data = LoadedData::from_texts(&Featurizer::new(), &[("The bill passed.", false),
    /// #     ("Officials met.", false), ("The report is out.", false), ("The panel votes.", false),
    /// #     ("A disgraceful attack.", true), ("Radical thugs slammed it.", true),
    /// #     ("A dangerous plan.", true), ("Corrupt, outrageous elites.", true)]);
    /// // `data`: eight short sentences, four of them loaded.
    /// use slant::scorers::loaded::{Choice, LoadedParams};
    /// let valid = LoadedParams { min_df: 1, char_vocab_size: 0, ..LoadedParams::default() };
    /// let choice = Choice { alpha: 0.5, vocab_size: 10, threshold: 0.4, inner_macro_f1: 0.0 };
    /// let model = valid.check().unwrap().fit_with(&data, &choice).unwrap();
    /// assert!(model.file().vocabulary.len() <= 10); // at most `vocab_size` n-grams
    /// assert_eq!(model.file().chosen, choice);
    /// assert_eq!(model.threshold(), 0.4);
    /// ```
    pub fn fit_with(&self, data: &LoadedData, choice: &Choice) -> Result<LoadedModel> {
        let all: Vec<usize> = (0..data.len()).collect();
        let f = self
            .fit_fold(data, &all, choice.vocab_size, &[choice.alpha])?
            .pop()
            .expect("one alpha");
        let n = f.space.len();
        let fz = Featurizer::new();
        let file = LoadedFile {
            seed: self.0.seed,
            params: self.0.clone(),
            chosen: choice.clone(),
            training_data: None,
            positive_label: String::new(),
            features: FeatureDefs {
                ngrams:
                    "lower-cased word unigrams and bigrams of the sentence (quoted and authorial), \
                         chosen by chi-squared inside the training data"
                        .into(),
                voice: VoiceFilter::All,
                weighting: self.0.weighting,
                lexicons: fz.lexicon_sources(),
                dense: {
                    let mut d = if self.0.dense {
                        fz.dense_names().to_vec()
                    } else {
                        vec![]
                    };
                    if f.scores.is_some() {
                        d.extend(LEXICON_FEATURES.map(String::from));
                    }
                    d
                },
                char_ngrams: self.0.char_vocab_size > 0,
                dense_scale: self.0.dense_scale,
            },
            vocabulary: f.space.terms.clone(),
            idf: f.space.idf.clone(),
            ngram_coefficients: f.fit.weights[..n].to_vec(),
            dense_mean: f.std.mean.clone(),
            dense_sd: f.std.sd.clone(),
            dense_coefficients: f.fit.weights[n..].to_vec(),
            intercept: f.fit.intercept,
            word_lexicon: {
                let mut w: Vec<(String, f64)> = f
                    .scores
                    .iter()
                    .flatten()
                    .map(|(id, s)| (data.vocab.get(*id).to_string(), *s))
                    .collect();
                w.sort_by(|a, b| a.0.cmp(&b.0));
                w
            },
            threshold: choice.threshold,
            metrics: None,
        };
        LoadedModel::from_file(file, Path::new("<memory>"))
    }
}

/// Hyper-parameters chosen by a search.
///
/// ```
/// # use slant::scorers::loaded::{LoadedData, LoadedParams};
/// # use slant::scorers::textfeat::Featurizer;
/// # let fz = Featurizer::new();
/// # let data = LoadedData::from_texts(&fz, &[
/// #     ("The senator said the bill passed on Tuesday.", false),
/// #     ("Officials said the meeting was held in Paris.", false),
/// #     ("The report was published on Monday.", false),
/// #     ("The committee said it would vote next week.", false),
/// #     ("The radical senator's disgraceful bill is a shameful attack.", true),
/// #     ("Corrupt elites slammed the outrageous, dangerous plan.", true),
/// #     ("The disastrous plan is a shameful betrayal by extremists.", true),
/// #     ("Radical extremists pushed an outrageous, disgraceful scheme.", true),
/// # ]);
/// use slant::scorers::loaded::Choice;
/// // `data`: eight short sentences, four of them loaded.
/// let params = LoadedParams { alphas: vec![1.0, 0.5], vocab_sizes: vec![50, 100], inner_folds: 2,
///     outer_folds: 2, min_df: 1, char_vocab_size: 0, ..LoadedParams::default() };
/// let valid = params.check().unwrap();
/// let all: Vec<usize> = (0..data.len()).collect();
/// let choice: Choice = valid.search(&data, &all, 42).unwrap();
/// assert!([1.0, 0.5].contains(&choice.alpha) && [50, 100].contains(&choice.vocab_size));
/// // The threshold is searched within [0.2, 0.8].
/// assert!((0.2..=0.8).contains(&choice.threshold));
/// assert!((0.0..=1.0).contains(&choice.inner_macro_f1));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// L2 strength.
    pub alpha: f64,
    /// Vocabulary size.
    pub vocab_size: usize,
    /// Decision threshold on the probability.
    pub threshold: f64,
    /// Inner out-of-fold macro-F1 at that threshold.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub inner_macro_f1: f64,
}

/// One outer fold's result.
///
/// ```
/// # use slant::scorers::loaded::{LoadedData, LoadedParams};
/// # use slant::scorers::textfeat::Featurizer;
/// # let fz = Featurizer::new();
/// # let data = LoadedData::from_texts(&fz, &[
/// #     ("The senator said the bill passed on Tuesday.", false),
/// #     ("Officials said the meeting was held in Paris.", false),
/// #     ("The report was published on Monday.", false),
/// #     ("The committee said it would vote next week.", false),
/// #     ("The radical senator's disgraceful bill is a shameful attack.", true),
/// #     ("Corrupt elites slammed the outrageous, dangerous plan.", true),
/// #     ("The disastrous plan is a shameful betrayal by extremists.", true),
/// #     ("Radical extremists pushed an outrageous, disgraceful scheme.", true),
/// # ]);
/// use slant::scorers::loaded::Choice;
/// // `data`: eight short sentences, four of them loaded.
/// let params = LoadedParams { alphas: vec![1.0], vocab_sizes: vec![50], inner_folds: 2,
///     outer_folds: 2, min_df: 1, char_vocab_size: 0, ..LoadedParams::default() };
/// let fixed = Choice { alpha: 1.0, vocab_size: 50, threshold: 0.5, inner_macro_f1: f64::NAN };
/// let cv = params.check().unwrap().cross_validate(&data, Some(&fixed)).unwrap();
/// // Every row is held out exactly once.
/// assert_eq!(cv.per_fold.iter().map(|f| f.n_test).sum::<usize>(), data.len());
/// for f in &cv.per_fold {
///     assert_eq!(f.choice.threshold, 0.5);
///     assert!((0.0..=1.0).contains(&f.accuracy) && (0.0..=1.0).contains(&f.roc_auc));
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldResult {
    /// Fold index.
    pub fold: usize,
    /// Test rows.
    pub n_test: usize,
    /// Macro-F1 on the test rows.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub macro_f1: f64,
    /// Accuracy on the test rows.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub accuracy: f64,
    /// ROC-AUC on the test rows.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub roc_auc: f64,
    /// Hyper-parameters used.
    pub choice: Choice,
}

/// Cross-validated metrics.
///
/// ```
/// # use slant::scorers::loaded::{LoadedData, LoadedParams};
/// # use slant::scorers::textfeat::Featurizer;
/// # let fz = Featurizer::new();
/// # let data = LoadedData::from_texts(&fz, &[
/// #     ("The senator said the bill passed on Tuesday.", false),
/// #     ("Officials said the meeting was held in Paris.", false),
/// #     ("The report was published on Monday.", false),
/// #     ("The committee said it would vote next week.", false),
/// #     ("The radical senator's disgraceful bill is a shameful attack.", true),
/// #     ("Corrupt elites slammed the outrageous, dangerous plan.", true),
/// #     ("The disastrous plan is a shameful betrayal by extremists.", true),
/// #     ("Radical extremists pushed an outrageous, disgraceful scheme.", true),
/// # ]);
/// use slant::scorers::loaded::{Choice, CvReport};
/// // `data`: eight short sentences, four of them loaded.
/// let params = LoadedParams { alphas: vec![1.0], vocab_sizes: vec![50], inner_folds: 2,
///     outer_folds: 2, min_df: 1, char_vocab_size: 0, ..LoadedParams::default() };
/// let fixed = Choice { alpha: 1.0, vocab_size: 50, threshold: 0.5, inner_macro_f1: f64::NAN };
/// let cv: CvReport = params.check().unwrap().cross_validate(&data, Some(&fixed)).unwrap();
/// assert!(!cv.nested); // fixed hyper-parameters
/// assert_eq!(cv.folds, cv.per_fold.len());
/// let mean = cv.per_fold.iter().map(|f| f.accuracy).sum::<f64>() / cv.folds as f64;
/// assert!((cv.accuracy - mean).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvReport {
    /// Whether each fold chose its own hyper-parameters (nested CV).
    pub nested: bool,
    /// Outer folds.
    pub folds: usize,
    /// Seed of the fold split.
    pub seed: u64,
    /// Mean over folds of macro-F1.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub macro_f1: f64,
    /// Mean over folds of accuracy.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub accuracy: f64,
    /// Mean over folds of ROC-AUC.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub roc_auc: f64,
    /// Macro-F1 of all out-of-fold predictions pooled.
    #[serde(deserialize_with = "super::model_file::de_f64")]
    pub pooled_macro_f1: f64,
    /// Per fold.
    pub per_fold: Vec<FoldResult>,
}

/// What the features are, recorded in the model file.
///
/// ```
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// use slant::scorers::textfeat::{Featurizer, VoiceFilter};
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let defs = &model.file().features;
/// assert_eq!(defs.voice, VoiceFilter::All);
/// assert_eq!(defs.dense.len(), model.file().dense_coefficients.len());
/// // The first dense features are the featurizer's own, computed with the
/// // same lexicon files as this build's.
/// let fz = Featurizer::new();
/// assert!(defs.dense.starts_with(fz.dense_names()));
/// assert_eq!(defs.lexicons, fz.lexicon_sources());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureDefs {
    /// How n-grams are formed.
    pub ngrams: String,
    /// Which voice the features read.
    pub voice: VoiceFilter,
    /// N-gram weighting.
    pub weighting: Weighting,
    /// Lexicon files behind the dense features.
    pub lexicons: Vec<LexiconRef>,
    /// Dense feature names, in coefficient order.
    pub dense: Vec<String>,
    /// Scale applied to standardised dense features.
    pub dense_scale: f64,
    /// Whether character 2–5-grams of words are features.
    pub char_ngrams: bool,
}

/// Metrics stored in the model card.
///
/// ```
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let card = model.file().metrics.as_ref().unwrap();
/// let fixed = &card.fixed_cv;
/// assert!(!fixed.nested);
/// assert_eq!(fixed.per_fold.len(), fixed.folds);
/// assert!(fixed.per_fold.iter().all(|f| f.choice == model.file().chosen));
/// let nested = card.nested_cv.as_ref().unwrap();
/// assert!(nested.nested && nested.folds == fixed.folds);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadedMetrics {
    /// Nested cross-validation (honest estimate of the whole procedure;
    /// present when training ran it).
    pub nested_cv: Option<CvReport>,
    /// The same outer folds with the final hyper-parameters (what `slant
    /// eval` recomputes quickly).
    pub fixed_cv: CvReport,
}

/// The serialised model.
///
/// ```
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let file = model.file();
/// let n = file.vocabulary.len();
/// assert_eq!((file.idf.len(), file.ngram_coefficients.len()), (n, n));
/// assert!(file.vocabulary.windows(2).all(|w| w[0] < w[1])); // sorted
/// assert_eq!(file.training_data.as_ref().unwrap().name, "final_labels_SG2.csv");
/// // An inconsistent file is refused when it is turned back into a model.
/// let mut bad = file.clone();
/// bad.idf.pop();
/// assert!(LoadedModel::from_file(bad, "bad.json".as_ref()).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadedFile {
    /// Seed of every split.
    pub seed: u64,
    /// Training settings (search grid).
    pub params: LoadedParams,
    /// Chosen hyper-parameters.
    pub chosen: Choice,
    /// Training data provenance.
    pub training_data: Option<DataInfo>,
    /// The label of loaded rows in the training data.
    pub positive_label: String,
    /// Feature definitions.
    pub features: FeatureDefs,
    /// N-gram vocabulary (sorted).
    pub vocabulary: Vec<String>,
    /// Idf per vocabulary entry.
    pub idf: Vec<f64>,
    /// Coefficient per vocabulary entry.
    pub ngram_coefficients: Vec<f64>,
    /// Training mean of each dense feature.
    pub dense_mean: Vec<f64>,
    /// Training standard deviation of each dense feature.
    pub dense_sd: Vec<f64>,
    /// Coefficient per dense feature (on the standardised, scaled value).
    pub dense_coefficients: Vec<f64>,
    /// Intercept.
    pub intercept: f64,
    /// Word lexicon derived from the training data's word annotations:
    /// (word, share of its training sentences in which annotators marked
    /// it, with one pseudo-sentence). Feeds `word_lexicon_max` and
    /// `word_lexicon_sum`. Empty without annotations.
    pub word_lexicon: Vec<(String, f64)>,
    /// Decision threshold.
    pub threshold: f64,
    /// Cross-validated metrics.
    pub metrics: Option<LoadedMetrics>,
}

/// A sentence's score.
///
/// ```
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// use slant::scorers::textfeat::Featurizer;
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let fz = Featurizer::new();
/// let mut ws = fz.workspace();
/// let s = model.score_text(&fz, &mut ws, "The radical thugs slammed the disgraceful plan.");
/// assert!(s.probability > model.threshold());
/// // At most three n-grams, the largest absolute contribution first.
/// assert!(!s.top.is_empty() && s.top.len() <= 3);
/// assert!(s.top.windows(2).all(|w| w[0].1.abs() >= w[1].1.abs()));
/// let words: Vec<&str> = s.top.iter().map(|&(column, _)| model.term(column)).collect();
/// assert!(words.iter().all(|w| !w.is_empty()));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceScore {
    /// P(loaded).
    pub probability: f64,
    /// The most influential n-grams: (column, coefficient × value), by
    /// absolute contribution, at most three; [`LoadedModel::term`] names a
    /// column.
    pub top: Vec<(u32, f64)>,
}

/// A fitted, ready-to-use loaded-language model.
///
/// ```
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// use slant::scorers::textfeat::Featurizer;
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let fz = Featurizer::new();
/// assert!(model.lexicons_match(&fz));
/// let mut ws = fz.workspace();
/// let calm = model.score_text(&fz, &mut ws, "The committee met on Tuesday.");
/// let loaded = model.score_text(&fz, &mut ws, "The radical thugs slammed the disgraceful plan.");
/// assert!(calm.probability < model.threshold());
/// assert!(loaded.probability > model.threshold());
/// ```
#[derive(Debug, Clone)]
pub struct LoadedModel {
    file: LoadedFile,
    space: NgramSpace,
    std: Standardizer,
    lexicon: FxHashMap<String, f64>,
    n_fz_dense: usize,
}

impl LoadedModel {
    /// Check a deserialised model and prepare it for scoring (`path` for
    /// messages).
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let copy = LoadedModel::from_file(model.file().clone(), "copy.json".as_ref()).unwrap();
    /// assert_eq!(copy.file(), model.file());
    /// let mut bad = model.file().clone();
    /// bad.dense_sd.pop();
    /// let err = LoadedModel::from_file(bad, "bad.json".as_ref()).unwrap_err().to_string();
    /// assert!(err.starts_with("bad.json") && err.contains("differ in length"));
    /// // A word lexicon needs its dense features: refused, not a panic.
    /// let mut bad = model.file().clone();
    /// assert!(!bad.word_lexicon.is_empty());
    /// bad.features.dense.clear();
    /// bad.dense_mean.clear();
    /// bad.dense_sd.clear();
    /// bad.dense_coefficients.clear();
    /// let err = LoadedModel::from_file(bad, "bad.json".as_ref()).unwrap_err().to_string();
    /// assert!(err.contains("fewer than the"), "{err}");
    /// ```
    pub fn from_file(file: LoadedFile, path: &Path) -> Result<LoadedModel> {
        let bad = |m: String| {
            Error::new(ErrorKind::Model {
                path: path.to_path_buf(),
                message: m,
            })
        };
        let n = file.vocabulary.len();
        if file.idf.len() != n || file.ngram_coefficients.len() != n {
            return Err(bad(
                "vocabulary, idf and coefficients differ in length".into()
            ));
        }
        let d = file.features.dense.len();
        if file.dense_mean.len() != d
            || file.dense_sd.len() != d
            || file.dense_coefficients.len() != d
        {
            return Err(bad("dense feature arrays differ in length".into()));
        }
        let fz_names = Featurizer::new();
        let has_lex = !file.word_lexicon.is_empty();
        let n_lex = if has_lex { LEXICON_FEATURES.len() } else { 0 };
        let Some(n_fz_dense) = d.checked_sub(n_lex) else {
            return Err(bad(format!(
                "the model has a word lexicon but {d} dense features, fewer than the {n_lex} lexicon features"
            )));
        };
        if n_fz_dense > 0 && file.features.dense[..n_fz_dense] != *fz_names.dense_names() {
            return Err(bad(
                "the model's lexicon features differ from this slant's built-in lexicons; retrain it".into(),
            ));
        }
        let space = NgramSpace::from_terms(
            file.vocabulary.clone(),
            file.idf.clone(),
            file.features.weighting,
        );
        let std = Standardizer {
            mean: file.dense_mean.clone(),
            sd: file.dense_sd.clone(),
        };
        let lexicon = file.word_lexicon.iter().cloned().collect();
        Ok(LoadedModel {
            file,
            space,
            std,
            lexicon,
            n_fz_dense,
        })
    }

    /// Load and check a model file.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let dir = Scorers::default_dir();
    /// let model = LoadedModel::load(&dir.join(FILE_NAME)).unwrap();
    /// assert_eq!(model.file().positive_label, "Biased");
    /// assert!(LoadedModel::load(&dir.join("missing.json")).is_err());
    /// ```
    pub fn load(path: &Path) -> Result<LoadedModel> {
        let file: LoadedFile = model_file::read(path, KIND)?;
        LoadedModel::from_file(file, path)
    }

    /// Parse a model from JSON text (`path` for messages).
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let text = std::fs::read_to_string(Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let model = LoadedModel::from_json(FILE_NAME.as_ref(), &text).unwrap();
    /// assert!(!model.file().vocabulary.is_empty());
    /// // An edited file no longer matches its checksum.
    /// let edited = text.replacen("\"threshold\": 0.", "\"threshold\": 0.9", 1);
    /// let err = LoadedModel::from_json(FILE_NAME.as_ref(), &edited).unwrap_err();
    /// assert!(err.to_string().contains("checksum mismatch"));
    /// ```
    pub fn from_json(path: &Path, text: &str) -> Result<LoadedModel> {
        let file: LoadedFile = model_file::from_json(path, KIND, text)?;
        LoadedModel::from_file(file, path)
    }

    /// The model file's JSON.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// # let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join(FILE_NAME);
    /// let json = model.to_json().unwrap();
    /// std::fs::write(&path, &json).unwrap();
    /// let back = LoadedModel::load(&path).unwrap();
    /// assert_eq!(back.to_json().unwrap(), json); // the same bytes again
    /// ```
    pub fn to_json(&self) -> Result<String> {
        model_file::to_json(KIND, &self.file)
    }

    /// The serialisable content.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let file = model.file();
    /// assert_eq!(file.threshold, model.threshold());
    /// assert!(file.params.vocab_sizes.contains(&file.chosen.vocab_size)); // one it searched
    /// ```
    pub fn file(&self) -> &LoadedFile {
        &self.file
    }

    /// Mutable content (to attach metrics and provenance after training).
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let mut model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let f = model.file_mut();
    /// f.positive_label = "loaded".into();
    /// f.metrics = None;
    /// let json = model.to_json().unwrap();
    /// assert!(json.contains("\"positive_label\": \"loaded\""));
    /// assert!(json.contains("\"metrics\": null"));
    /// ```
    pub fn file_mut(&mut self) -> &mut LoadedFile {
        &mut self.file
    }

    /// Whether the lexicon files match those the model was trained with.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// use slant::scorers::textfeat::Featurizer;
    /// let mut model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let fz = Featurizer::new();
    /// assert!(model.lexicons_match(&fz));
    /// model.file_mut().features.lexicons.pop(); // as if trained with one lexicon less
    /// assert!(!model.lexicons_match(&fz));
    /// ```
    pub fn lexicons_match(&self, fz: &Featurizer) -> bool {
        self.file.features.lexicons == fz.lexicon_sources()
    }

    /// Score one sentence (`sentence` index) of an analysed document, or the
    /// whole document with `None`.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// use slant::scorers::textfeat::Featurizer;
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// let text = "The committee met on Tuesday. The radical thugs slammed the disgraceful plan.";
    /// let f = fz.analyse_text(text, &mut ws);
    /// let (a, cache) = ws.parts();
    /// let first = model.score(&fz, a, &f.matches, Some(0), cache);
    /// let second = model.score(&fz, a, &f.matches, Some(1), cache);
    /// assert!(first.probability < model.threshold() && model.threshold() < second.probability);
    /// ```
    pub fn score(
        &self,
        fz: &Featurizer,
        a: &Analyzed,
        matches: &[MatchRecord],
        sentence: Option<u32>,
        cache: &mut CharCache,
    ) -> SentenceScore {
        let range = a.token_range(sentence);
        // Stream the grams straight to column ids (no String per gram);
        // remember the lexicon entries of the distinct words seen.
        let mut cols: Vec<u32> = Vec::new();
        let mut lex_hits: Vec<(*const String, f64)> = Vec::new();
        let mut cbuf = String::new();
        let chars = self.file.features.char_ngrams;
        // The cache belongs to one model: the address of its n-gram space
        // identifies it while it is alive.
        let owner = &self.space as *const NgramSpace as usize;
        if cache.owner != owner || cache.map.len() > 1_000_000 {
            cache.owner = owner;
            cache.map.clear();
        }
        Featurizer::ngrams(
            a,
            range,
            self.file.features.voice,
            &mut String::new(),
            |g| {
                if let Some(c) = self.space.column(g) {
                    cols.push(c);
                }
                if !g.contains(' ') {
                    if let Some((k, v)) = self.lexicon.get_key_value(g) {
                        lex_hits.push((k as *const String, *v));
                    }
                    if chars {
                        match cache.map.get(g) {
                            Some(ids) => cols.extend_from_slice(ids),
                            None => {
                                let mut ids = Vec::new();
                                char_ngrams(g, &mut cbuf, |cg| {
                                    if let Some(c) = self.space.column(cg) {
                                        ids.push(c);
                                    }
                                });
                                cols.extend_from_slice(&ids);
                                cache.map.insert(g.into(), ids.into_boxed_slice());
                            }
                        }
                    }
                }
            },
        );
        let dense = (!self.file.dense_coefficients.is_empty() && self.n_fz_dense > 0)
            .then(|| fz.dense(a, matches, sentence, self.file.features.voice));
        // Distinct words: dedupe by the lexicon entry they hit.
        lex_hits.sort_unstable_by_key(|(k, _)| *k as usize);
        lex_hits.dedup_by_key(|(k, _)| *k as usize);
        self.finish(sparse_counts(cols), lex_hits.iter().map(|(_, v)| *v), dense)
    }

    /// Score sentence `sentence` of `a` from the scorers' word cache
    /// (prepared for `a`); `matches` are the featurizer's matches of that
    /// sentence in text order. Identical to [`LoadedModel::score`].
    pub(crate) fn score_cached(
        &self,
        fz: &Featurizer,
        a: &Analyzed,
        cache: &WordCache,
        sentence: u32,
        matches: &[MatchRecord],
        rs: &mut RowScratch,
    ) -> SentenceScore {
        let RowScratch { counter, lex } = rs;
        let range = a.token_range(Some(sentence));
        let voice = self.file.features.voice;
        let chars = self.file.features.char_ngrams;
        let pool = cache.pool();
        lex.clear();
        walk(
            a,
            &cache.toks,
            range.clone(),
            voice,
            |e| e.l_pair,
            |g| match g {
                Gram::Word(e) => {
                    if e.l_uni != NONE {
                        counter.add(e.l_uni);
                    }
                    if !e.lex.is_nan() {
                        lex.push((e.key, e.lex));
                    }
                    if chars {
                        counter.add_all(&pool[e.chars.0 as usize..e.chars.1 as usize]);
                    }
                }
                Gram::Pair(x, y) => {
                    if let Some(c) = self.space.pair_column(x, y) {
                        counter.add(c);
                    }
                }
            },
        );
        let dense = (!self.file.dense_coefficients.is_empty() && self.n_fz_dense > 0).then(|| {
            fz.dense_of(
                a,
                matches.iter().map(|m| (&m.m.target, m.voice)),
                range,
                voice,
            )
        });
        lex.sort_unstable_by_key(|(k, _)| *k);
        lex.dedup_by_key(|(k, _)| *k);
        self.finish(counter.take(), lex.iter().map(|(_, v)| *v), dense)
    }

    /// Probability and top contributions from the n-gram columns, the
    /// word-lexicon scores of the distinct words and the featurizer's dense
    /// features.
    fn finish(
        &self,
        counts: Vec<(u32, u32)>,
        lex: impl Iterator<Item = f64>,
        dense: Option<Vec<f64>>,
    ) -> SentenceScore {
        let x = self.space.weigh(counts);
        let mut z = self.file.intercept;
        let mut top: [(f64, u32); 3] = [(0.0, u32::MAX); 3];
        let mut n_top = 0;
        // Larger |contribution| first, then the smaller column.
        let before = |a: &(f64, u32), b: &(f64, u32)| {
            b.0.abs().total_cmp(&a.0.abs()).then(a.1.cmp(&b.1)) == std::cmp::Ordering::Less
        };
        for (j, v) in x {
            let c = self.file.ngram_coefficients[j as usize] * v;
            z += c;
            let item = (c, j);
            if n_top < 3 {
                top[n_top] = item;
                n_top += 1;
            } else if before(&item, &top[2]) {
                top[2] = item;
            } else {
                continue;
            }
            let mut k = n_top - 1;
            while k > 0 && before(&top[k], &top[k - 1]) {
                top.swap(k, k - 1);
                k -= 1;
            }
        }
        if !self.file.dense_coefficients.is_empty() {
            let mut raw = dense.unwrap_or_default();
            if !self.lexicon.is_empty() {
                raw.extend(lexicon_features(lex));
            }
            let d = self.std.apply(&raw);
            for (w, v) in self.file.dense_coefficients.iter().zip(d) {
                z += w * v * self.file.features.dense_scale;
            }
        }
        SentenceScore {
            probability: sigmoid(z),
            top: top[..n_top].iter().map(|&(c, j)| (j, c)).collect(),
        }
    }

    /// The n-gram space.
    pub(crate) fn space(&self) -> &NgramSpace {
        &self.space
    }

    /// The n-gram of column `j` (character n-grams carry a prefix); empty
    /// for a column the model does not have.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let vocabulary = &model.file().vocabulary;
    /// let j = vocabulary.iter().position(|t| t == "radical").unwrap();
    /// assert_eq!(model.term(j as u32), "radical");
    /// assert_eq!(model.term(vocabulary.len() as u32), "");
    /// ```
    pub fn term(&self, j: u32) -> &str {
        self.space.terms.get(j as usize).map_or("", String::as_str)
    }

    /// The word-lexicon score of a lower-cased word.
    pub(crate) fn word_lexicon_score(&self, word: &str) -> Option<f64> {
        self.lexicon.get(word).copied()
    }

    /// Whether the model reads character n-grams.
    pub(crate) fn uses_char_ngrams(&self) -> bool {
        self.file.features.char_ngrams
    }

    /// Score a bare text as one unit.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// use slant::scorers::textfeat::Featurizer;
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// let text = "The committee met on Tuesday. The radical thugs slammed the disgraceful plan.";
    /// let whole = model.score_text(&fz, &mut ws, text);
    /// // The same as scoring the analysed document with no sentence index.
    /// let f = fz.analyse_text(text, &mut ws);
    /// let (a, cache) = ws.parts();
    /// assert_eq!(whole, model.score(&fz, a, &f.matches, None, cache));
    /// ```
    pub fn score_text(&self, fz: &Featurizer, ws: &mut FeatWorkspace, text: &str) -> SentenceScore {
        let f = fz.analyse_text(text, ws);
        let (a, cache) = ws.parts();
        self.score(fz, a, &f.matches, None, cache)
    }

    /// The decision threshold: a probability at or above it counts as
    /// loaded.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// use slant::scorers::textfeat::Featurizer;
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// assert_eq!(model.threshold(), model.file().chosen.threshold); // chosen by the search
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// let s = model.score_text(&fz, &mut ws, "The radical thugs slammed the disgraceful plan.");
    /// assert!(s.probability >= model.threshold());
    /// ```
    pub fn threshold(&self) -> f64 {
        self.file.threshold
    }
}
