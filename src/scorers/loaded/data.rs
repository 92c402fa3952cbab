//! Training rows of the loaded-language model: sentences with their marked words, featurised.

use super::*;

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
pub(super) type RawRow = (Vec<(String, Vec<(u16, f64)>)>, Vec<f64>);

/// Per-thread featurisation of one analyzed text into a [`Row`] (word
/// strings instead of ids).
pub(super) fn featurise_row(
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
                    let f = fz.analyze(&d.doc, ws);
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
            let f = fz.analyze_text(t, &mut ws);
            let (words, dense) = featurise_row(fz, &lex, ws.analyzed(), &f.matches, &mut us);
            let marked: Vec<String> = marked.iter().map(|w| w.to_lowercase()).collect();
            data.push_row(stats, words, dense, !marked.is_empty(), &marked);
        }
        data
    }

    pub(super) fn type_id(&mut self, stats: &CorpusStats, w: &str) -> u32 {
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

    pub(super) fn push_row(
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

    #[cfg(feature = "train")]
    /// Whether the words of row `i` train the word model: every row except
    /// a loaded one whose annotators marked no word (its loaded words are
    /// unknown).
    pub(super) fn trains_words(&self, i: usize) -> bool {
        let r = &self.rows[i];
        !(r.label && r.marked.is_empty())
    }

    #[cfg(feature = "train")]
    /// Whether word `w` of row `i` is a positive word-level example.
    pub(super) fn word_label(&self, i: usize, w: &WordRow) -> bool {
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
