//! The loaded-language scorer: a **word-level** L2-regularised logistic
//! regression trained on the words annotators marked as biased in BABE
//! (`biased_words`), with features that generalise across outlets and
//! topics ([`super::wordfeat`]). A sentence's probability combines its
//! words' probabilities (noisy-OR: the probability that at least one of its
//! words is loaded, or the largest, or the mean of the two largest); a
//! document's and a source's scores are means of those.
//!
//! A second, small model makes the yes/no **decision** for a sentence:
//! a logistic regression (linfa) over the word scores (combined, largest,
//! mean of the two largest) and the featurizer's sentence-level lexicon
//! counts, fitted on BABE's sentence labels with out-of-fold word scores.
//! It serves BABE-style sentence classification; the probability, which
//! only reads words, is what transfers to other outlets and is validated
//! out of domain (BASIL, [`ValidationSet`]).
//!
//! Hyper-parameters (the L2 strength of the word model and the sentence
//! combiner) are chosen on a validation set from other outlets and years
//! that is never trained on; the decision threshold by macro-F1 on BABE's
//! out-of-fold decisions.
//!
//! ```
//! use slant::scorers::loaded::{LoadedData, LoadedParams};
//! use slant::scorers::textfeat::Featurizer;
//! use slant::scorers::wordfeat::CorpusStats;
//! let fz = Featurizer::new();
//! let stats = CorpusStats::new(0, 1, vec![]);
//! let data = LoadedData::from_texts(&fz, &stats, &[
//!     ("The senator said the bill passed on Tuesday.", &[][..]),
//!     ("Officials said the meeting was held in Paris.", &[]),
//!     ("The report was published on Monday.", &[]),
//!     ("The committee said it would vote next week.", &[]),
//!     ("The radical senator's disgraceful bill is a shameful attack.", &["disgraceful", "shameful"]),
//!     ("Corrupt elites slammed the outrageous, dangerous plan.", &["corrupt", "outrageous"]),
//!     ("The disastrous plan is a shameful betrayal by extremists.", &["disastrous", "shameful"]),
//!     ("Radical extremists pushed an outrageous, disgraceful scheme.", &["outrageous", "disgraceful"]),
//! ]);
//! let params = LoadedParams { alphas: vec![0.1], folds: 2, min_count: 1, ..LoadedParams::default() };
//! let (model, _) = params.check().unwrap().fit(&data, stats, None).unwrap();
//! let mut ws = fz.workspace();
//! let calm = model.score_text(&fz, &mut ws, "The committee met on Monday.");
//! let loaded = model.score_text(&fz, &mut ws, "A disgraceful, outrageous attack.");
//! assert!(loaded.probability > calm.probability);
//! ```

use super::data::{DataInfo, LabelledDoc};
use super::linear::{fit_binary, fit_binary_sparse, sigmoid, BinaryFit, Csr, Solver};
use super::metrics;
use super::model_file;
use super::textfeat::{CharCache, FeatWorkspace, Featurizer, LexiconRef, VoiceFilter};
use super::vectorize::{design, Interner, Standardizer};
use super::wordcache::{RowScratch, WordCache};
use super::wordfeat::{
    type_dense, unit_words, word_grams, CorpusStats, LexCats, UnitScratch, TOKEN_DENSE, TYPE_DENSE,
};
use crate::error::{Error, ErrorKind, Result};
use crate::features::MatchRecord;
use crate::lexicon::Match;
use crate::text::{Analyzed, Voice};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The model kind recorded in the file.
pub const KIND: &str = "loaded-language";
/// The default file name inside a model directory.
pub const FILE_NAME: &str = "loaded-language.json";
/// The method recorded in the file; a file written by another method (the
/// earlier sentence-level n-gram model) is refused with a message to
/// retrain.
pub const METHOD: &str = "word-level logistic regression";

/// How a sentence's score is made from its words' probabilities.
///
/// ```
/// use slant::scorers::loaded::Combiner;
/// let p = [0.5, 0.2, 0.5];
/// assert!((Combiner::NoisyOr.combine(&p) - (1.0 - 0.5 * 0.8 * 0.5)).abs() < 1e-12);
/// assert_eq!(Combiner::Max.combine(&p), 0.5);
/// assert_eq!(Combiner::Top2.combine(&p), 0.5);
/// assert_eq!(Combiner::Top2.combine(&[0.4]), 0.4);
/// assert_eq!(Combiner::NoisyOr.combine(&[]), 0.0); // no words: nothing loaded
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combiner {
    /// `1 − Π (1 − p)`: the probability that at least one word is loaded,
    /// if words were independent.
    NoisyOr,
    /// The largest word probability.
    Max,
    /// The mean of the two largest word probabilities (the largest when
    /// there is one word).
    Top2,
}

impl Combiner {
    /// Combine word probabilities (0 without words).
    ///
    /// ```
    /// use slant::scorers::loaded::Combiner;
    /// assert_eq!(Combiner::Max.combine(&[0.1, 0.7]), 0.7);
    /// ```
    pub fn combine(self, p: &[f64]) -> f64 {
        let (m1, m2) = top_two(p);
        match self {
            Combiner::NoisyOr => {
                let mut log_none = 0.0;
                for &q in p {
                    log_none += (-q.clamp(0.0, 1.0 - 1e-15)).ln_1p();
                }
                if p.is_empty() {
                    0.0
                } else {
                    -log_none.exp_m1()
                }
            }
            Combiner::Max => m1,
            Combiner::Top2 => match p.len() {
                0 => 0.0,
                1 => m1,
                _ => (m1 + m2) / 2.0,
            },
        }
    }
}

/// The two largest values (0 when missing).
fn top_two(p: &[f64]) -> (f64, f64) {
    let (mut a, mut b) = (0.0f64, 0.0f64);
    for &q in p {
        if q > a {
            b = a;
            a = q;
        } else if q > b {
            b = q;
        }
    }
    (a, b)
}

/// Settings for training (before checking). The defaults are those of the
/// shipped model. They are stored in the model file.
///
/// ```
/// use slant::scorers::loaded::{Combiner, LoadedParams};
/// let params = LoadedParams { alphas: vec![0.5], combiners: vec![Combiner::Max],
///     ..LoadedParams::default() };
/// let valid = params.clone().check().unwrap();
/// assert_eq!(valid.params(), &params);
/// let json = serde_json::to_string(&params).unwrap();
/// assert!(json.contains("\"combiners\":[\"max\"]"));
/// assert_eq!(serde_json::from_str::<LoadedParams>(&json).unwrap(), params);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadedParams {
    /// Candidate L2 strengths of the word model (linfa's `alpha` on the
    /// summed log-loss, ≈ scikit-learn `C = 1/α`), searched on the
    /// validation set in this order (ties keep the earlier).
    pub alphas: Vec<f64>,
    /// Candidate sentence combiners, searched with the alphas.
    pub combiners: Vec<Combiner>,
    /// Smallest count (training word tokens) of a character n-gram or word
    /// to get a column.
    pub min_count: u32,
    /// Whether the word itself is a feature (besides its n-grams).
    pub word_identity: bool,
    /// Folds of the cross-validation on the training data.
    pub folds: usize,
    /// Seed of every fold split and bootstrap.
    pub seed: u64,
    /// L-BFGS iterations of the word model.
    pub max_iterations: u64,
    /// L2 strength of the sentence decision model.
    pub decision_alpha: f64,
    /// Words in fewer reference-corpus documents are unseen to the rarity
    /// features (keeps the shipped table small).
    pub corpus_min_df: u32,
}

impl Default for LoadedParams {
    fn default() -> Self {
        LoadedParams {
            alphas: vec![1.0, 0.5, 2.0],
            combiners: vec![Combiner::NoisyOr, Combiner::Top2, Combiner::Max],
            min_count: 3,
            word_identity: true,
            folds: 10,
            seed: 42,
            max_iterations: 200,
            decision_alpha: 1.0,
            corpus_min_df: 3,
        }
    }
}

/// Checked settings, made by [`LoadedParams::check`].
///
/// ```
/// use slant::scorers::loaded::LoadedParams;
/// let valid = LoadedParams::default().check().unwrap();
/// assert_eq!(valid.params().folds, 10);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedValidParams(LoadedParams);

impl LoadedParams {
    /// Check the settings.
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedParams;
    /// assert!(LoadedParams::default().check().is_ok());
    /// assert!(LoadedParams { alphas: vec![-1.0], ..LoadedParams::default() }.check().is_err());
    /// assert!(LoadedParams { combiners: vec![], ..LoadedParams::default() }.check().is_err());
    /// assert!(LoadedParams { folds: 1, ..LoadedParams::default() }.check().is_err());
    /// ```
    pub fn check(self) -> Result<LoadedValidParams> {
        let ok = |a: f64| a.is_finite() && a > 0.0;
        if self.alphas.is_empty() || !self.alphas.iter().all(|&a| ok(a)) {
            return Err(Error::usage("alphas must be finite and > 0"));
        }
        if !ok(self.decision_alpha) {
            return Err(Error::usage("decision_alpha must be finite and > 0"));
        }
        if self.combiners.is_empty() {
            return Err(Error::usage("at least one sentence combiner is needed"));
        }
        if self.folds < 2 {
            return Err(Error::usage("folds must be >= 2"));
        }
        Ok(LoadedValidParams(self))
    }
}

/// One word of a featurised row.
#[derive(Debug, Clone, PartialEq)]
pub struct WordRow {
    /// The lower-cased word (id in [`LoadedData::types`]).
    pub ty: u32,
    /// Its [`TOKEN_DENSE`] features.
    pub dense: Vec<(u16, f64)>,
}

/// One featurised row (a training sentence, or a validation sentence).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Sentence label (`true`: loaded / biased).
    pub label: bool,
    /// Word types the annotators marked (sorted); empty without
    /// annotations. Training targets only, never an input.
    pub marked: Vec<u32>,
    /// The row's words in order.
    pub words: Vec<WordRow>,
    /// The featurizer's sentence-level dense features (for the decision
    /// model), in [`Featurizer::dense_names`] order.
    pub dense: Vec<f64>,
}

/// Featurised rows: words with their features, and per distinct word its
/// character n-grams and [`TYPE_DENSE`] features.
///
/// ```
/// use slant::scorers::loaded::LoadedData;
/// use slant::scorers::textfeat::Featurizer;
/// use slant::scorers::wordfeat::CorpusStats;
/// let fz = Featurizer::new();
/// let data = LoadedData::from_texts(&fz, &CorpusStats::new(0, 1, vec![]), &[
///     ("The report came out on Monday.", &[][..]),
///     ("A disgraceful, disgraceful bill.", &["disgraceful"]),
/// ]);
/// assert_eq!(data.len(), 2);
/// assert_eq!(data.rows[1].words.len(), 4);
/// let d = data.types.id("disgraceful").unwrap();
/// assert_eq!(data.rows[1].marked, [d]);
/// assert!(data.rows[1].label && !data.rows[0].label);
/// ```
#[derive(Debug, Clone, Default)]
pub struct LoadedData {
    /// Distinct lower-cased words.
    pub types: Interner,
    /// Character n-grams.
    pub grams: Interner,
    /// Per word type: its distinct n-gram ids.
    pub type_grams: Vec<Vec<u32>>,
    /// Per word type: its [`TYPE_DENSE`] features.
    pub type_dense: Vec<Vec<(u16, f64)>>,
    /// The rows.
    pub rows: Vec<Row>,
}

/// A featurised text before interning: each word (lower-cased) with its
/// token features `(column, value)`, and the sentence-level dense features.
type RawRow = (Vec<(String, Vec<(u16, f64)>)>, Vec<f64>);

/// Per-thread featurisation of one analysed text into a [`Row`] (word
/// strings instead of ids).
fn featurise_row(
    fz: &Featurizer,
    lex: &LexCats,
    a: &Analyzed,
    matches: &[MatchRecord],
    us: &mut UnitScratch,
) -> RawRow {
    let text = a.norm.text.as_str();
    let mut words = Vec::new();
    let mut lower = String::new();
    unit_words(
        a,
        0..a.tokens.len(),
        matches.iter().map(|m| &m.m),
        lex,
        us,
        |w| {
            crate::features::lower_into(a.tokens[w.token].text(text), &mut lower);
            words.push((lower.clone(), w.dense.to_vec()));
        },
    );
    (words, fz.dense(a, matches, None, VoiceFilter::All))
}

impl LoadedData {
    /// Featurise labelled documents (one row per document, i.e. per BABE
    /// sentence); `positive` is the label of loaded rows. A document's
    /// `group` holds the words its annotators marked, as a list such as
    /// `['word', "it's"]` (BABE's `biased_words`, see [`parse_word_list`]).
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::scorers::data::LabelledDoc;
    /// use slant::scorers::loaded::LoadedData;
    /// use slant::scorers::textfeat::Featurizer;
    /// use slant::scorers::wordfeat::CorpusStats;
    /// let doc = |text: &str, label: &str, marked: &str| LabelledDoc {
    ///     doc: Document::new("", "", text), label: label.into(), group: marked.into() };
    /// let docs = [
    ///     doc("The report came out on Monday.", "Non-biased", "[]"),
    ///     doc("The senator's disgraceful bill.", "Biased", "['Disgraceful']"),
    /// ];
    /// let stats = CorpusStats::new(0, 1, vec![]);
    /// let data = LoadedData::from_docs(&Featurizer::new(), &stats, &docs, "Biased");
    /// assert_eq!(data.rows.iter().map(|r| r.label).collect::<Vec<_>>(), [false, true]);
    /// assert_eq!(data.rows[1].marked, [data.types.id("disgraceful").unwrap()]);
    /// ```
    pub fn from_docs(
        fz: &Featurizer,
        stats: &CorpusStats,
        docs: &[LabelledDoc],
        positive: &str,
    ) -> LoadedData {
        let lex = LexCats::new(fz.lexicon());
        let feats: Vec<_> = docs
            .par_iter()
            .map_init(
                || (fz.workspace(), UnitScratch::default()),
                |(ws, us), d| {
                    let f = fz.analyse(&d.doc, ws);
                    featurise_row(fz, &lex, ws.analyzed(), &f.matches, us)
                },
            )
            .collect();
        let mut data = LoadedData::default();
        for ((words, dense), d) in feats.into_iter().zip(docs) {
            data.push_row(
                stats,
                words,
                dense,
                d.label == positive,
                &parse_word_list(&d.group),
            );
        }
        data
    }

    /// Featurise bare texts with their marked words (loaded when any word
    /// is marked); for tests and examples.
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedData;
    /// use slant::scorers::textfeat::Featurizer;
    /// use slant::scorers::wordfeat::CorpusStats;
    /// let fz = Featurizer::new();
    /// let data = LoadedData::from_texts(&fz, &CorpusStats::new(0, 1, vec![]),
    ///     &[("Radical plans, radical people.", &["radical"][..])]);
    /// assert!(data.rows[0].label);
    /// assert_eq!(data.types.len(), 3); // "radical" once
    /// ```
    pub fn from_texts(
        fz: &Featurizer,
        stats: &CorpusStats,
        texts: &[(&str, &[&str])],
    ) -> LoadedData {
        let lex = LexCats::new(fz.lexicon());
        let mut ws = fz.workspace();
        let mut us = UnitScratch::default();
        let mut data = LoadedData::default();
        for (t, marked) in texts {
            let f = fz.analyse_text(t, &mut ws);
            let (words, dense) = featurise_row(fz, &lex, ws.analyzed(), &f.matches, &mut us);
            let marked: Vec<String> = marked.iter().map(|w| w.to_lowercase()).collect();
            data.push_row(stats, words, dense, !marked.is_empty(), &marked);
        }
        data
    }

    fn type_id(&mut self, stats: &CorpusStats, w: &str) -> u32 {
        let before = self.types.len();
        let id = self.types.intern(w);
        if self.types.len() > before {
            let mut g = Vec::new();
            word_grams(w, |s| g.push(self.grams.intern(s)));
            self.type_grams.push(g);
            let mut d = Vec::new();
            type_dense(w, stats, |i, v| d.push((i, v)));
            self.type_dense.push(d);
        }
        id
    }

    fn push_row(
        &mut self,
        stats: &CorpusStats,
        words: Vec<(String, Vec<(u16, f64)>)>,
        dense: Vec<f64>,
        label: bool,
        marked: &[String],
    ) {
        let words: Vec<WordRow> = words
            .into_iter()
            .map(|(w, d)| WordRow {
                ty: self.type_id(stats, &w),
                dense: d,
            })
            .collect();
        let mut m: Vec<u32> = marked.iter().filter_map(|w| self.types.id(w)).collect();
        m.sort_unstable();
        m.dedup();
        self.rows.push(Row {
            label,
            marked: m,
            words,
            dense,
        });
    }

    /// Number of rows.
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedData;
    /// assert_eq!(LoadedData::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedData;
    /// assert!(LoadedData::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Sentence labels.
    ///
    /// ```
    /// use slant::scorers::loaded::LoadedData;
    /// use slant::scorers::textfeat::Featurizer;
    /// use slant::scorers::wordfeat::CorpusStats;
    /// let data = LoadedData::from_texts(&Featurizer::new(), &CorpusStats::new(0, 1, vec![]),
    ///     &[("Calm.", &[][..]), ("Vile!", &["vile"])]);
    /// assert_eq!(data.labels(), [false, true]);
    /// ```
    pub fn labels(&self) -> Vec<bool> {
        self.rows.iter().map(|r| r.label).collect()
    }

    /// Whether the words of row `i` train the word model: every row except
    /// a loaded one whose annotators marked no word (its loaded words are
    /// unknown).
    fn trains_words(&self, i: usize) -> bool {
        let r = &self.rows[i];
        !(r.label && r.marked.is_empty())
    }

    /// Whether word `w` of row `i` is a positive word-level example.
    fn word_label(&self, i: usize, w: &WordRow) -> bool {
        let r = &self.rows[i];
        r.label && r.marked.binary_search(&w.ty).is_ok()
    }
}

/// Parse an annotation cell like `['bizarre', "Trump's"]` (a Python list
/// of strings) into lower-cased words without surrounding quotation marks
/// or punctuation (`'"experts"'` → `experts`).
///
/// ```
/// use slant::scorers::loaded::parse_word_list;
/// assert_eq!(parse_word_list("['Bizarre', \"it's\"]"), ["bizarre", "it's"]);
/// assert_eq!(parse_word_list("['\"experts\"', 'chaos.']"), ["experts", "chaos"]);
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
            let w = w
                .trim()
                .trim_matches(|c: char| !c.is_alphanumeric())
                .replace('\u{2019}', "'")
                .to_lowercase();
            if !w.is_empty() {
                out.push(w);
            }
        }
    }
    out
}

/// A fitted word model in memory.
#[derive(Debug, Clone)]
struct WordModel {
    grams: Vec<String>,
    gram_w: Vec<f64>,
    words: Vec<String>,
    word_w: Vec<f64>,
    type_w: Vec<f64>,
    token_w: Vec<f64>,
    intercept: f64,
    gram_index: FxHashMap<String, u32>,
    word_index: FxHashMap<String, u32>,
}

impl WordModel {
    fn new(
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
    fn type_logit(&self, word: &str, stats: &CorpusStats) -> f64 {
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

    fn token_logit(&self, dense: &[(u16, f64)]) -> f64 {
        dense
            .iter()
            .map(|&(i, v)| self.token_w[i as usize] * v)
            .sum()
    }

    /// Word probabilities of every row of `data` in `rows`.
    fn predict(&self, data: &LoadedData, stats: &CorpusStats, rows: &[usize]) -> Vec<Vec<f64>> {
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

/// Word-level design of the training rows `rows`: columns are the n-gram
/// and word vocabularies (kept when seen at least `min_count` times in
/// those rows' words), then [`TYPE_DENSE`], then [`TOKEN_DENSE`].
struct Design {
    grams: Vec<u32>,
    words: Vec<u32>,
    x: Csr,
    y: Vec<bool>,
}

fn word_design(p: &LoadedParams, data: &LoadedData, rows: &[usize]) -> Design {
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

/// One outer fold's out-of-fold predictions.
struct FoldPred {
    /// Per held-out row: its word probabilities.
    words: Vec<(usize, Vec<f64>)>,
}

/// The decision model's word-score features of a row.
fn word_summary(p: &[f64], combiner: Combiner) -> [f64; 3] {
    [
        combiner.combine(p),
        Combiner::Max.combine(p),
        Combiner::Top2.combine(p),
    ]
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

/// Names of the decision model's word-score features (before the
/// featurizer's dense features).
pub const DECISION_WORD_FEATURES: [&str; 3] = ["word_score", "word_max", "word_top2"];

fn decision_row(summary: [f64; 3], dense: &[f64]) -> Vec<f64> {
    summary
        .iter()
        .map(|&p| logit(p))
        .chain(dense.iter().copied())
        .collect()
}

/// The sentence decision model: a logistic regression over the word
/// scores and the featurizer's sentence-level lexicon features.
///
/// ```
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
    fn fit(rows: &[Vec<f64>], y: &[bool], alpha: f64, names: Vec<String>) -> Result<DecisionModel> {
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
            mean: std.mean,
            sd: std.sd,
            coefficients: fit.weights,
            intercept: fit.intercept,
            threshold: 0.5,
        })
    }

    fn probability(&self, row: &[f64]) -> f64 {
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

/// One point of the hyper-parameter search on the validation set.
///
/// ```
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
}

/// Stratified K-fold cross-validation on the training data, at the chosen
/// hyper-parameters. Each fold's word model is fitted on the other folds;
/// the decision model is cross-validated on the out-of-fold word scores
/// with the same folds (its inputs for a training row come from a word
/// model that saw the held-out fold, a small optimism the card states).
///
/// ```
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

/// Everything the cross-validation produces: the report, the out-of-fold
/// decision inputs (to fit the final decision model) and the thresholds.
struct CvOut {
    report: CvReport,
    decision_rows: Vec<Vec<f64>>,
    word_threshold: f64,
    decision_threshold: f64,
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

/// The serialised model.
///
/// ```
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME, METHOD};
/// use slant::scorers::wordfeat::{TOKEN_DENSE, TYPE_DENSE};
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let f = model.file();
/// assert_eq!(f.method, METHOD);
/// assert_eq!(f.grams.len(), f.gram_coefficients.len());
/// assert!(f.grams.windows(2).all(|w| w[0] < w[1])); // sorted
/// assert_eq!((f.type_coefficients.len(), f.token_coefficients.len()),
///     (TYPE_DENSE.len(), TOKEN_DENSE.len()));
/// assert_eq!(f.training_data.as_ref().unwrap().name, "final_labels_SG2.csv");
/// // An inconsistent file is refused when it is turned back into a model.
/// let mut bad = f.clone();
/// bad.gram_coefficients.pop();
/// assert!(LoadedModel::from_file(bad, "bad.json".as_ref()).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadedFile {
    /// [`METHOD`].
    pub method: String,
    /// Seed of every split.
    pub seed: u64,
    /// Training settings (search grid).
    pub params: LoadedParams,
    /// Chosen settings.
    pub chosen: Choice,
    /// Training data provenance.
    pub training_data: Option<DataInfo>,
    /// The label of loaded rows in the training data.
    pub positive_label: String,
    /// The reference corpus of the rarity features.
    pub corpus: Option<CorpusInfo>,
    /// Lexicon files behind the VADER, subjectivity and decision features.
    pub lexicons: Vec<LexiconRef>,
    /// Character n-gram vocabulary (sorted).
    pub grams: Vec<String>,
    /// Coefficient per n-gram (on `1/√k`, `k` the word's n-grams in the
    /// vocabulary).
    pub gram_coefficients: Vec<f64>,
    /// Word vocabulary (sorted).
    pub words: Vec<String>,
    /// Coefficient per word.
    pub word_coefficients: Vec<f64>,
    /// Names of the word-type features ([`TYPE_DENSE`]).
    pub type_features: Vec<String>,
    /// Their coefficients.
    pub type_coefficients: Vec<f64>,
    /// Names of the token features ([`TOKEN_DENSE`]).
    pub token_features: Vec<String>,
    /// Their coefficients.
    pub token_coefficients: Vec<f64>,
    /// Intercept of the word model.
    pub intercept: f64,
    /// Reference-corpus document frequencies (rarity).
    pub corpus_stats: CorpusStats,
    /// The sentence decision model.
    pub decision: DecisionModel,
    /// Metrics.
    pub metrics: Option<LoadedMetrics>,
}

/// A word the model reads as loaded (probability at or above the word
/// threshold).
///
/// ```
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// use slant::scorers::textfeat::Featurizer;
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let fz = Featurizer::new();
/// let mut ws = fz.workspace();
/// let text = "The radical thugs slammed the disgraceful plan.";
/// let s = model.score_text(&fz, &mut ws, text);
/// let words: Vec<&str> = s.words.iter().map(|w| &text[w.start as usize..w.end as usize]).collect();
/// assert!(words.contains(&"thugs") && !words.contains(&"plan"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadedWord {
    /// Token index in the document.
    pub token: u32,
    /// Byte span in the analysed original text (title + blank line +
    /// body).
    pub start: u32,
    /// End of the span.
    pub end: u32,
    /// Voice of the word.
    pub voice: Voice,
    /// The word's probability of being loaded.
    pub probability: f64,
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
/// assert!(s.loaded && s.decision >= model.threshold());
/// assert!(s.words.iter().all(|w| w.probability >= model.word_threshold()));
/// let calm = model.score_text(&fz, &mut ws, "The committee met on Tuesday.");
/// assert!(calm.probability < s.probability && !calm.loaded && calm.words.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceScore {
    /// The word-derived sentence probability (the model's combiner over
    /// its words).
    pub probability: f64,
    /// The decision model's probability.
    pub decision: f64,
    /// Whether the decision is at or above its threshold.
    pub loaded: bool,
    /// Byte span of the sentence in the analysed original text.
    pub span: (u32, u32),
    /// The words at or above the word threshold, in text order.
    pub words: Vec<LoadedWord>,
}

/// A fitted, ready-to-use loaded-language model.
///
/// ```
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// use slant::scorers::textfeat::Featurizer;
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let fz = Featurizer::new();
/// let mut ws = fz.workspace();
/// let calm = model.score_text(&fz, &mut ws, "The committee met on Tuesday.");
/// let loaded = model.score_text(&fz, &mut ws, "The radical thugs slammed the disgraceful plan.");
/// assert!(calm.probability < loaded.probability);
/// ```
#[derive(Debug, Clone)]
pub struct LoadedModel {
    file: LoadedFile,
    words: WordModel,
    lex: Option<LexCats>,
    /// Decision feature `k` reads featurizer dense feature `dense_map[k]`.
    dense_map: Vec<usize>,
}

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

    fn solver(&self, alpha: f64) -> Solver {
        Solver {
            alpha,
            max_iterations: self.0.max_iterations,
            gradient_tolerance: 1e-3,
        }
    }

    /// Fit the word model on `rows` of `data`.
    fn fit_words(&self, data: &LoadedData, rows: &[usize], alpha: f64) -> Result<WordModel> {
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
    fn cv(
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
        let summaries: Vec<[f64; 3]> = word_probs
            .iter()
            .map(|w| word_summary(w, combiner))
            .collect();
        let score: Vec<f64> = summaries.iter().map(|s| s[0]).collect();
        let decision_rows: Vec<Vec<f64>> = summaries
            .iter()
            .zip(&data.rows)
            .map(|(s, r)| decision_row(*s, &r.dense))
            .collect();
        let names: Vec<String> = (0..decision_rows.first().map_or(0, Vec::len))
            .map(|j| format!("x{j}"))
            .collect();
        // Per fold: its index and the held-out rows' decision probabilities.
        type FoldDecisions = Result<(usize, Vec<(usize, f64)>)>;
        let dec: Vec<FoldDecisions> = (0..p.folds)
            .into_par_iter()
            .map(|f| {
                let train: Vec<usize> = (0..data.len()).filter(|&i| folds[i] != f).collect();
                let test: Vec<usize> = (0..data.len()).filter(|&i| folds[i] == f).collect();
                let rows: Vec<Vec<f64>> = train.iter().map(|&i| decision_rows[i].clone()).collect();
                let y: Vec<bool> = train.iter().map(|&i| labels[i]).collect();
                let m = DecisionModel::fit(&rows, &y, p.decision_alpha, names.clone())?;
                Ok((
                    f,
                    test.iter()
                        .map(|&i| (i, m.probability(&decision_rows[i])))
                        .collect(),
                ))
            })
            .collect();
        let mut decision = vec![0.0; data.len()];
        for r in dec {
            for (i, q) in r?.1 {
                decision[i] = q;
            }
        }
        let mut per_fold = Vec::with_capacity(p.folds);
        for f in 0..p.folds {
            let (other_y, other_p): (Vec<bool>, Vec<f64>) = (0..data.len())
                .filter(|&i| folds[i] != f)
                .map(|i| (labels[i], decision[i]))
                .unzip();
            let t = metrics::best_threshold(&other_y, &other_p);
            let test: Vec<usize> = (0..data.len()).filter(|&i| folds[i] == f).collect();
            let y: Vec<bool> = test.iter().map(|&i| labels[i]).collect();
            let q: Vec<f64> = test.iter().map(|&i| decision[i]).collect();
            let s: Vec<f64> = test.iter().map(|&i| score[i]).collect();
            let pred: Vec<bool> = q.iter().map(|&v| v >= t).collect();
            per_fold.push(FoldResult {
                fold: f,
                n_test: test.len(),
                threshold: t,
                macro_f1: metrics::binary_macro_f1(&y, &q, t),
                accuracy: metrics::accuracy(&y, &pred),
                decision_auc: metrics::roc_auc(&y, &q),
                score_auc: metrics::roc_auc(&y, &s),
            });
        }
        let mean = |g: &dyn Fn(&FoldResult) -> f64| {
            per_fold.iter().map(g).sum::<f64>() / per_fold.len() as f64
        };
        let score_t = unclamped_best_threshold(&labels, &score);
        Ok(CvOut {
            report: CvReport {
                folds: p.folds,
                seed: p.seed,
                macro_f1: mean(&|f| f.macro_f1),
                accuracy: mean(&|f| f.accuracy),
                decision_auc: mean(&|f| f.decision_auc),
                score_auc: mean(&|f| f.score_auc),
                score_macro_f1: metrics::binary_macro_f1(&labels, &score, score_t),
                word_auc,
                per_fold,
            },
            decision_threshold: metrics::best_threshold(&labels, &decision),
            decision_rows,
            word_threshold,
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
        let mut names: Vec<String> = DECISION_WORD_FEATURES.map(String::from).to_vec();
        names.extend(fz.dense_names().iter().cloned());
        let labels = data.labels();
        let mut decision = DecisionModel::fit(&cv.decision_rows, &labels, p.decision_alpha, names)?;
        decision.threshold = cv.decision_threshold;
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
            decision,
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

/// The threshold maximising F1 of the positive class (candidates: midpoints
/// of consecutive distinct scores; 0.5 when there are none).
fn best_f1_threshold(truth: &[bool], score: &[f64]) -> f64 {
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

/// The threshold maximising binary macro-F1, unclamped (for the word
/// score's own figure).
fn unclamped_best_threshold(truth: &[bool], score: &[f64]) -> f64 {
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

/// A validation set: sentences from other outlets and years with a
/// sentence label and the annotated spans (BASIL's `lexical_bias` and
/// `lexical_spans`), read from a CSV with the columns `text`,
/// `lexical_bias` (0/1), and optionally `lexical_spans` and `year`. Used to
/// choose hyper-parameters and to estimate transfer, never to train.
///
/// ```
/// use slant::scorers::loaded::ValidationSet;
/// use slant::scorers::textfeat::Featurizer;
/// use slant::scorers::wordfeat::CorpusStats;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("dev.csv");
/// std::fs::write(&path, "id,year,text,lexical_bias,lexical_spans\n\
///     a,2010,The vote was held on Tuesday.,0,\n\
///     b,2011,\"A shameful, reckless plan.\",1,shameful\n").unwrap();
/// let v = ValidationSet::read(&Featurizer::new(), &CorpusStats::new(0, 1, vec![]), &path).unwrap();
/// assert_eq!((v.info.rows, v.info.positives), (2, 1));
/// assert_eq!(v.years, ["2010", "2011"]);
/// assert_eq!(v.spans[1], "shameful");
/// std::fs::write(&path, "text,lexical_bias\nOne.,maybe\n").unwrap();
/// let err = ValidationSet::read(&Featurizer::new(), &CorpusStats::new(0, 1, vec![]), &path);
/// assert!(err.unwrap_err().to_string().contains("line 2"));
/// ```
#[derive(Debug, Clone)]
pub struct ValidationSet {
    /// Provenance.
    pub info: ValidationInfo,
    /// Featurised rows (labels from `lexical_bias`).
    pub data: LoadedData,
    /// Annotated spans per row, lower-cased (empty when none).
    pub spans: Vec<String>,
    /// Year per row (empty without the column).
    pub years: Vec<String>,
    /// The texts.
    pub texts: Vec<String>,
}

impl ValidationSet {
    /// Read and featurise a validation CSV.
    pub fn read(fz: &Featurizer, stats: &CorpusStats, path: &Path) -> Result<ValidationSet> {
        let bad = |line: u64, msg: String| {
            Error::new(ErrorKind::Input {
                path: path.to_path_buf(),
                message: format!("line {line}: {msg}"),
            })
        };
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes));
        let header = r.headers().map_err(|e| bad(1, e.to_string()))?.clone();
        let col = |name: &str| header.iter().position(|h| h == name);
        let (Some(text), Some(label)) = (col("text"), col("lexical_bias")) else {
            return Err(bad(
                1,
                "a validation file needs the columns text and lexical_bias".into(),
            ));
        };
        let (spans_c, year_c) = (col("lexical_spans"), col("year"));
        let mut texts = Vec::new();
        let mut labels = Vec::new();
        let mut spans = Vec::new();
        let mut years = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                bad(line, e.to_string())
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let y = match rec.get(label).map(str::trim) {
                Some("1") => true,
                Some("0") => false,
                other => {
                    return Err(bad(
                        line,
                        format!("lexical_bias must be 0 or 1, not {:?}", other.unwrap_or("")),
                    ))
                }
            };
            texts.push(rec.get(text).unwrap_or("").to_string());
            labels.push(y);
            spans.push(
                spans_c
                    .and_then(|c| rec.get(c))
                    .unwrap_or("")
                    .to_lowercase()
                    .replace('\u{2019}', "'"),
            );
            years.push(year_c.and_then(|c| rec.get(c)).unwrap_or("").to_string());
        }
        let lex = LexCats::new(fz.lexicon());
        let feats: Vec<_> = texts
            .par_iter()
            .map_init(
                || (fz.workspace(), UnitScratch::default()),
                |(ws, us), t| {
                    let f = fz.analyse_text(t, ws);
                    featurise_row(fz, &lex, ws.analyzed(), &f.matches, us)
                },
            )
            .collect();
        let mut data = LoadedData::default();
        for ((words, dense), &y) in feats.into_iter().zip(&labels) {
            data.push_row(stats, words, dense, y, &[]);
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        Ok(ValidationSet {
            info: ValidationInfo {
                name,
                sha256: model_file::file_sha256(path)?,
                rows: labels.len() as u64,
                positives: labels.iter().filter(|&&y| y).count() as u64,
            },
            data,
            spans,
            years,
            texts,
        })
    }
}

/// When a loaded-language file of another method (the earlier
/// sentence-level model has no `method` field) fails to read as this one,
/// the error that says so: retrain. `None` for anything else (only looked
/// at once reading has failed, so it costs nothing on good files).
fn earlier_method(path: &Path, text: &str) -> Option<Error> {
    #[derive(Deserialize)]
    struct Probe {
        kind: Option<String>,
        model: Option<ProbeModel>,
    }
    #[derive(Deserialize)]
    struct ProbeModel {
        method: Option<String>,
    }
    let p: Probe = serde_json::from_str(text).ok()?;
    let method = p.model?.method;
    if p.kind.as_deref() != Some(KIND) || method.as_deref() == Some(METHOD) {
        return None;
    }
    Some(Error::new(ErrorKind::Model {
        path: path.to_path_buf(),
        message: format!(
            "a loaded-language model of another method ({}), this slant reads {METHOD:?}; retrain it with `slant train loaded`",
            method.as_deref().unwrap_or("the earlier sentence-level model")
        ),
    }))
}

impl LoadedModel {
    /// Build a model from its file content (checking consistency).
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let mut file = model.file().clone();
    /// file.method = "sentence-level n-grams".into(); // an older model
    /// let err = LoadedModel::from_file(file, "old.json".as_ref()).unwrap_err();
    /// assert!(err.to_string().contains("retrain"));
    /// ```
    pub fn from_file(file: LoadedFile, path: &Path) -> Result<LoadedModel> {
        let bad = |message: String| {
            Error::new(ErrorKind::Model {
                path: path.to_path_buf(),
                message,
            })
        };
        if file.method != METHOD {
            return Err(bad(format!(
                "model method {:?}, this slant reads {METHOD:?}; retrain it with `slant train loaded`",
                file.method
            )));
        }
        if file.grams.len() != file.gram_coefficients.len()
            || file.words.len() != file.word_coefficients.len()
        {
            return Err(bad("vocabulary and coefficients differ in length".into()));
        }
        if file.type_features != TYPE_DENSE.map(String::from).to_vec()
            || file.token_features != TOKEN_DENSE.map(String::from).to_vec()
            || file.type_coefficients.len() != TYPE_DENSE.len()
            || file.token_coefficients.len() != TOKEN_DENSE.len()
        {
            return Err(bad(
                "the model's word features differ from this slant's; retrain it".into(),
            ));
        }
        let d = &file.decision;
        if d.mean.len() != d.features.len()
            || d.sd.len() != d.features.len()
            || d.coefficients.len() != d.features.len()
            || d.features.len() < DECISION_WORD_FEATURES.len()
        {
            return Err(bad("decision model sizes differ".into()));
        }
        let fz_names = Featurizer::new();
        let names = fz_names.dense_names();
        let mut dense_map = Vec::new();
        for f in &d.features[DECISION_WORD_FEATURES.len()..] {
            match names.iter().position(|n| n == f) {
                Some(i) => dense_map.push(i),
                None => {
                    return Err(bad(format!(
                        "the decision model reads the lexicon feature {f:?}, which this slant's built-in lexicons do not have; retrain it"
                    )))
                }
            }
        }
        let words = WordModel::new(
            file.grams.clone(),
            file.gram_coefficients.clone(),
            file.words.clone(),
            file.word_coefficients.clone(),
            file.type_coefficients.clone(),
            file.token_coefficients.clone(),
            file.intercept,
        );
        Ok(LoadedModel {
            lex: Some(LexCats::new(fz_names.lexicon())),
            file,
            words,
            dense_map,
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
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        LoadedModel::from_json(path, &text)
    }

    /// Parse a model from JSON text (`path` for messages).
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let text = std::fs::read_to_string(Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let model = LoadedModel::from_json(FILE_NAME.as_ref(), &text).unwrap();
    /// assert!(!model.file().grams.is_empty());
    /// // An edited file no longer matches its checksum.
    /// let edited = text.replacen("\"intercept\": -", "\"intercept\": -1", 1);
    /// let err = LoadedModel::from_json(FILE_NAME.as_ref(), &edited).unwrap_err();
    /// assert!(err.to_string().contains("checksum mismatch"));
    /// ```
    pub fn from_json(path: &Path, text: &str) -> Result<LoadedModel> {
        match model_file::from_json::<LoadedFile>(path, KIND, text) {
            Ok(file) => LoadedModel::from_file(file, path),
            Err(e) => Err(earlier_method(path, text).unwrap_or(e)),
        }
    }

    /// The model file's JSON.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let json = model.to_json().unwrap();
    /// let back = LoadedModel::from_json(FILE_NAME.as_ref(), &json).unwrap();
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
    /// assert_eq!(model.file().decision.threshold, model.threshold());
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
    /// model.file_mut().positive_label = "loaded".into();
    /// assert!(model.to_json().unwrap().contains("\"positive_label\": \"loaded\""));
    /// ```
    pub fn file_mut(&mut self) -> &mut LoadedFile {
        &mut self.file
    }

    /// Whether the lexicon files match those the model was trained with
    /// (when they differ, the VADER, subjectivity and decision features may
    /// have shifted: `slant eval` shows by how much).
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// use slant::scorers::textfeat::Featurizer;
    /// let mut model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let fz = Featurizer::new();
    /// assert!(model.lexicons_match(&fz));
    /// model.file_mut().lexicons.pop();
    /// assert!(!model.lexicons_match(&fz));
    /// ```
    pub fn lexicons_match(&self, fz: &Featurizer) -> bool {
        self.file.lexicons == fz.lexicon_sources()
    }

    /// The decision threshold: a sentence whose decision probability is at
    /// or above it counts as loaded.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// assert!((0.2..=0.8).contains(&model.threshold()));
    /// ```
    pub fn threshold(&self) -> f64 {
        self.file.decision.threshold
    }

    /// The word threshold (see [`Choice::word_threshold`]).
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// assert_eq!(model.word_threshold(), model.file().chosen.word_threshold);
    /// ```
    pub fn word_threshold(&self) -> f64 {
        self.file.chosen.word_threshold
    }

    /// The word-type part of a lower-cased word's logit (cached per word
    /// by the scorers).
    pub(crate) fn type_logit(&self, word: &str) -> f64 {
        self.words.type_logit(word, &self.file.corpus_stats)
    }

    /// Score one unit (tokens `range` of `a`) from its words' type logits
    /// (`type_logit(k)` for the unit's `k`-th word) and the featurizer's
    /// matches: word probabilities, combined score, decision.
    #[allow(clippy::too_many_arguments)]
    fn score_unit<'m>(
        &self,
        fz: &Featurizer,
        a: &Analyzed,
        range: std::ops::Range<usize>,
        matches: impl Iterator<Item = &'m Match> + Clone,
        dense: Vec<f64>,
        us: &mut UnitScratch,
        probs: &mut Vec<f64>,
        mut type_logit: impl FnMut(usize) -> f64,
    ) -> SentenceScore {
        let lex = self.lex.unwrap_or(LexCats {
            sentiment: None,
            subjectivity: None,
        });
        let _ = fz;
        probs.clear();
        let mut words = Vec::new();
        let wt = self.word_threshold();
        unit_words(a, range.clone(), matches, &lex, us, |w| {
            let z = self.words.intercept + type_logit(w.token) + self.words.token_logit(w.dense);
            let q = sigmoid(z);
            probs.push(q);
            if q >= wt {
                let t = &a.tokens[w.token];
                let o = a.norm.to_original(t.start as usize..t.end as usize);
                words.push(LoadedWord {
                    token: w.token as u32,
                    start: o.start as u32,
                    end: o.end as u32,
                    voice: t.voice,
                    probability: q,
                });
            }
        });
        let summary = word_summary(probs, self.file.chosen.combiner);
        let d = &self.file.decision;
        let mut row: Vec<f64> = summary.iter().map(|&p| logit(p)).collect();
        row.extend(
            self.dense_map
                .iter()
                .map(|&i| dense.get(i).copied().unwrap_or(0.0)),
        );
        let decision = d.probability(&row);
        let span = match (
            a.tokens.get(range.start),
            range.end.checked_sub(1).and_then(|e| a.tokens.get(e)),
        ) {
            (Some(f), Some(l)) if !range.is_empty() => {
                let o = a.norm.to_original(f.start as usize..l.end as usize);
                (o.start as u32, o.end as u32)
            }
            _ => (0, 0),
        };
        SentenceScore {
            probability: summary[0],
            decision,
            loaded: decision >= d.threshold,
            span,
            words,
        }
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
    /// assert!(first.probability < second.probability);
    /// assert_eq!(&text[second.span.0 as usize..second.span.1 as usize],
    ///     "The radical thugs slammed the disgraceful plan.");
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
        let owner = &self.words as *const WordModel as usize;
        if cache.owner != owner || cache.map.len() > 1_000_000 {
            cache.owner = owner;
            cache.map.clear();
        }
        let text = a.norm.text.as_str();
        let dense = fz.dense(a, matches, sentence, VoiceFilter::All);
        let ms = matches
            .iter()
            .filter(|m| sentence.is_none_or(|s| s == m.sentence))
            .map(|m| &m.m);
        let mut lower = String::new();
        let mut us = UnitScratch::default();
        let mut probs = Vec::new();
        self.score_unit(fz, a, range, ms, dense, &mut us, &mut probs, |tok| {
            crate::features::lower_into(a.tokens[tok].text(text), &mut lower);
            if let Some(&v) = cache.map.get(lower.as_str()) {
                return v;
            }
            let v = self.type_logit(&lower);
            cache.map.insert(lower.as_str().into(), v);
            v
        })
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
        let range = a.token_range(Some(sentence));
        let dense = fz.dense_of(
            a,
            matches.iter().map(|m| (&m.m.target, m.voice)),
            range.clone(),
            VoiceFilter::All,
        );
        let RowScratch { unit, probs, .. } = rs;
        self.score_unit(
            fz,
            a,
            range,
            matches.iter().map(|m| &m.m),
            dense,
            unit,
            probs,
            |tok| cache.toks[tok].l_type,
        )
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
    /// let f = fz.analyse_text(text, &mut ws);
    /// let (a, cache) = ws.parts();
    /// assert_eq!(whole, model.score(&fz, a, &f.matches, None, cache));
    /// ```
    pub fn score_text(&self, fz: &Featurizer, ws: &mut FeatWorkspace, text: &str) -> SentenceScore {
        let f = fz.analyse_text(text, ws);
        let (a, cache) = ws.parts();
        self.score(fz, a, &f.matches, None, cache)
    }

    /// Word probabilities of featurised rows (each row one unit).
    fn row_probs(&self, data: &LoadedData) -> Vec<Vec<f64>> {
        let rows: Vec<usize> = (0..data.len()).collect();
        self.words.predict(data, &self.file.corpus_stats, &rows)
    }

    /// Figures of the model on a validation set: ROC-AUC of the sentence
    /// probability (with a bootstrap interval), the sentence-length
    /// baselines, AUC within length deciles, the decision's MCC and F1 at
    /// the shipped threshold, and how often the top word falls in an
    /// annotated span.
    ///
    /// ```
    /// use slant::scorers::apply::Scorers;
    /// use slant::scorers::loaded::{LoadedModel, ValidationSet, FILE_NAME};
    /// use slant::scorers::textfeat::Featurizer;
    /// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// let fz = Featurizer::new();
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("dev.csv");
    /// std::fs::write(&path, "text,lexical_bias,lexical_spans\n\
    ///     The vote was held on Tuesday.,0,\n\
    ///     Officials met in the capital on Monday.,0,\n\
    ///     \"The radical thugs slammed the disgraceful, shameful plan.\",1,radical thugs\n").unwrap();
    /// let v = ValidationSet::read(&fz, &model.file().corpus_stats, &path).unwrap();
    /// let r = model.validate(&fz, &v);
    /// assert_eq!(r.roc_auc, 1.0);
    /// assert_eq!(r.top_word_in_span, 1.0);
    /// ```
    pub fn validate(&self, fz: &Featurizer, v: &ValidationSet) -> ValidationReport {
        let probs = self.row_probs(&v.data);
        let y = v.data.labels();
        let combiner = self.file.chosen.combiner;
        let score: Vec<f64> = probs.iter().map(|p| combiner.combine(p)).collect();
        let decision: Vec<f64> = probs
            .iter()
            .zip(&v.data.rows)
            .map(|(p, r)| {
                let mut row: Vec<f64> = word_summary(p, combiner)
                    .iter()
                    .map(|&q| logit(q))
                    .collect();
                row.extend(
                    self.dense_map
                        .iter()
                        .map(|&i| r.dense.get(i).copied().unwrap_or(0.0)),
                );
                self.file.decision.probability(&row)
            })
            .collect();
        let _ = fz;
        let words: Vec<f64> = v.data.rows.iter().map(|r| r.words.len() as f64).collect();
        let chars: Vec<f64> = v.texts.iter().map(|t| t.chars().count() as f64).collect();
        let pred: Vec<bool> = decision.iter().map(|&q| q >= self.threshold()).collect();
        let wt = self.word_threshold();
        let has_word: Vec<bool> = probs.iter().map(|p| p.iter().any(|&q| q >= wt)).collect();
        let share = |v: &[bool]| v.iter().filter(|&&b| b).count() as f64 / v.len().max(1) as f64;
        let (mut hits, mut n) = (0usize, 0usize);
        for (i, p) in probs.iter().enumerate() {
            if !y[i] || p.is_empty() {
                continue;
            }
            n += 1;
            let best = p
                .iter()
                .enumerate()
                .fold(0, |b, (k, &q)| if q > p[b] { k } else { b });
            let w = v.data.types.get(v.data.rows[i].words[best].ty);
            if v.spans[i].contains(w) {
                hits += 1;
            }
        }
        let mut years: Vec<&str> = v.years.iter().map(String::as_str).collect();
        years.sort_unstable();
        years.dedup();
        let by_year = years
            .iter()
            .filter(|yr| !yr.is_empty())
            .map(|yr| {
                let idx: Vec<usize> = (0..y.len()).filter(|&i| v.years[i] == *yr).collect();
                let t: Vec<bool> = idx.iter().map(|&i| y[i]).collect();
                let s: Vec<f64> = idx.iter().map(|&i| score[i]).collect();
                (
                    yr.to_string(),
                    idx.len() as u64,
                    t.iter().filter(|&&b| b).count() as u64,
                    metrics::roc_auc(&t, &s),
                )
            })
            .collect();
        let (length_auc, length_chars_auc) =
            (metrics::roc_auc(&y, &words), metrics::roc_auc(&y, &chars));
        let baseline = if length_chars_auc > length_auc {
            &chars
        } else {
            &words
        };
        let pick = |idx: &[usize], v: &[f64]| -> Vec<f64> { idx.iter().map(|&i| v[i]).collect() };
        let pick_y = |idx: &[usize]| -> Vec<bool> { idx.iter().map(|&i| y[i]).collect() };
        let seed = self.file.seed;
        ValidationReport {
            data: v.info.clone(),
            roc_auc: metrics::roc_auc(&y, &score),
            roc_auc_ci: metrics::auc_interval(&y, &score, 1000, seed),
            length_auc,
            length_chars_auc,
            gap_ci: metrics::bootstrap_interval(y.len(), 1000, seed, |idx| {
                let t = pick_y(idx);
                metrics::roc_auc(&t, &pick(idx, &score))
                    - metrics::roc_auc(&t, &pick(idx, baseline))
            }),
            within_decile_auc: metrics::within_bins_auc(&y, &score, &words, 10),
            within_decile_ci: metrics::bootstrap_interval(y.len(), 1000, seed, |idx| {
                metrics::within_bins_auc(&pick_y(idx), &pick(idx, &score), &pick(idx, &words), 10)
            }),
            decision_mcc: metrics::mcc(&y, &pred),
            decision_f1: metrics::f1_positive(&y, &pred),
            decision_flagged: share(&pred),
            decision_auc: metrics::roc_auc(&y, &decision),
            words_mcc: metrics::mcc(&y, &has_word),
            words_f1: metrics::f1_positive(&y, &has_word),
            words_flagged: share(&has_word),
            top_word_in_span: if n > 0 {
                hits as f64 / n as f64
            } else {
                f64::NAN
            },
            by_year,
        }
    }
}
