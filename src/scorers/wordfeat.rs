//! Word-level features of the loaded-language model: what a word is
//! (character 3–5-grams, the word itself, how rare it is in a reference
//! news corpus, its length and shape) and where it stands (capitalised,
//! inside a quotation, its VADER valence and Pattern subjectivity, its
//! neighbours). They are chosen to generalise across outlets and topics:
//! a word-level model trained on one set of outlets reads the same cues in
//! another.
//!
//! Features come in three blocks, in this column order in a model:
//! the character n-grams and words of a fitted vocabulary, then
//! [`TYPE_DENSE`] (functions of the lower-cased word alone, computed once
//! per distinct word and cached), then [`TOKEN_DENSE`] (functions of the
//! token in its sentence).
//!
//! ```
//! use slant::scorers::wordfeat::{unit_words, word_grams, LexCats, TOKEN_DENSE};
//! use slant::scorers::textfeat::Featurizer;
//! let mut grams = Vec::new();
//! word_grams("cult", |g| grams.push(g.to_string()));
//! assert_eq!(grams, ["<cu", "cul", "ult", "lt>", "<cul", "cult", "ult>", "<cult", "cult>"]);
//!
//! let fz = Featurizer::new();
//! let mut ws = fz.workspace();
//! let f = fz.analyze_text("Critics called it a \"shameful\" plan.", &mut ws);
//! let a = ws.analyzed();
//! let lex = LexCats::new(fz.lexicon());
//! let mut seen = Vec::new();
//! unit_words(a, 0..a.tokens.len(), f.matches.iter().map(|m| &m.m), &lex, &mut Default::default(),
//!     |w| seen.push((w.token, w.dense.to_vec())));
//! assert_eq!(seen.len(), 6); // six words
//! let name = |i: u16| TOKEN_DENSE[i as usize];
//! let shameful: Vec<&str> = seen[4].1.iter().map(|&(i, _)| name(i)).collect();
//! assert!(shameful.contains(&"quoted") && shameful.contains(&"vader_neg"), "{shameful:?}");
//! assert!(shameful.contains(&"prev_punct_quote") && shameful.contains(&"next_punct_quote"));
//! ```

use crate::lexicon::{Lexicon, Match, Target};
use crate::text::{Analyzed, TokenKind, Voice};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Names of the features of the lower-cased word alone.
pub const TYPE_DENSE: [&str; 17] = [
    "rarity",
    "rarity_bin0",
    "rarity_bin1",
    "rarity_bin2",
    "rarity_bin3",
    "rarity_bin4",
    "rarity_bin5",
    "rarity_bin6",
    "rarity_bin7",
    "stopword",
    "length0",
    "length1",
    "length2",
    "length3",
    "length4",
    "digit",
    "hyphen",
];

/// Names of the features of a token in its sentence.
pub const TOKEN_DENSE: [&str; 27] = [
    "capitalised",
    "all_caps",
    "first_word",
    "capitalised_mid_sentence",
    "quoted",
    "vader_in",
    "vader_abs",
    "vader_neg",
    "vader_pos",
    "subjectivity_in",
    "subjectivity",
    "prev_punct_quote",
    "prev_punct_other",
    "prev_vader_in",
    "prev_subjectivity_in",
    "prev_stopword",
    "prev_capitalised",
    "prev_vader_neg",
    "prev_none",
    "next_punct_quote",
    "next_punct_other",
    "next_vader_in",
    "next_subjectivity_in",
    "next_stopword",
    "next_capitalised",
    "next_vader_neg",
    "next_none",
];

/// Longest word (bytes) the model reads; longer tokens (URLs, runs
/// without spaces) are not words to it.
pub const MAX_WORD_BYTES: u32 = 64;

/// Call `f` with each distinct character n-gram (3 to 5 characters) of a
/// lower-cased word wrapped in `<` and `>`, shorter n-grams first.
///
/// ```
/// let mut g = Vec::new();
/// slant::scorers::wordfeat::word_grams("ab", |s| g.push(s.to_string()));
/// assert_eq!(g, ["<ab", "ab>", "<ab>"]);
/// let mut g = Vec::new();
/// slant::scorers::wordfeat::word_grams("aaaa", |s| g.push(s.to_string()));
/// assert_eq!(g, ["<aa", "aaa", "aa>", "<aaa", "aaaa", "aaa>", "<aaaa", "aaaa>"]); // distinct
/// ```
pub fn word_grams(word: &str, mut f: impl FnMut(&str)) {
    let mut s = String::with_capacity(word.len() + 2);
    s.push('<');
    s.push_str(word);
    s.push('>');
    let bounds: Vec<usize> = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()))
        .collect();
    let chars = bounds.len() - 1;
    let mut seen: Vec<&str> = Vec::new();
    for n in 3..=5 {
        if n > chars {
            break;
        }
        seen.clear();
        for i in 0..=chars - n {
            let g = &s[bounds[i]..bounds[i + n]];
            if !seen.contains(&g) {
                seen.push(g);
                f(g);
            }
        }
    }
}

/// Document frequencies of lower-cased words in a reference corpus, for
/// the rarity features (no labels are involved). Words in fewer than
/// `min_df` documents are left out and count as unseen.
///
/// ```
/// use slant::scorers::wordfeat::CorpusStats;
/// let stats = CorpusStats::new(1000, 3, vec![("the".into(), 990), ("cult".into(), 4)]);
/// assert!(stats.rarity("the") < stats.rarity("cult"));
/// assert_eq!(stats.rarity("zzyzx"), 1.0); // unseen
/// assert_eq!(stats.df("cult"), 4);
/// // Stored compactly: words grouped by document frequency.
/// let json = serde_json::to_string(&stats).unwrap();
/// assert_eq!(json, r#"{"documents":1000,"min_df":3,"by_df":[[4,"cult"],[990,"the"]]}"#);
/// assert_eq!(serde_json::from_str::<CorpusStats>(&json).unwrap(), stats);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "StatsFile", try_from = "StatsFile")]
pub struct CorpusStats {
    /// Documents in the reference corpus.
    pub documents: u64,
    /// Smallest document frequency kept.
    pub min_df: u32,
    /// `(word, document frequency)`, sorted by word.
    pub words: Vec<(String, u32)>,
}

impl CorpusStats {
    /// Statistics from `(word, df)` pairs (sorted here; pairs under
    /// `min_df` dropped).
    ///
    /// ```
    /// use slant::scorers::wordfeat::CorpusStats;
    /// let s = CorpusStats::new(10, 2, vec![("b".into(), 5), ("a".into(), 1), ("c".into(), 2)]);
    /// assert_eq!(s.words, [("b".to_string(), 5), ("c".to_string(), 2)]);
    /// ```
    pub fn new(documents: u64, min_df: u32, mut words: Vec<(String, u32)>) -> CorpusStats {
        words.retain(|(_, n)| *n >= min_df);
        words.sort();
        words.dedup_by(|a, b| a.0 == b.0);
        CorpusStats {
            documents,
            min_df,
            words,
        }
    }

    /// Document frequency of a lower-cased word (0 when unseen or under
    /// `min_df`).
    ///
    /// ```
    /// use slant::scorers::wordfeat::CorpusStats;
    /// let s = CorpusStats::new(10, 1, vec![("a".into(), 3)]);
    /// assert_eq!((s.df("a"), s.df("b")), (3, 0));
    /// ```
    pub fn df(&self, word: &str) -> u32 {
        self.words
            .binary_search_by(|(w, _)| w.as_str().cmp(word))
            .map_or(0, |i| self.words[i].1)
    }

    /// Rarity in [0, 1]: `ln((N + 1) / (df + 1)) / ln(N + 1)` (1 for an
    /// unseen word, near 0 for a word in every document).
    ///
    /// ```
    /// use slant::scorers::wordfeat::CorpusStats;
    /// let s = CorpusStats::new(99, 1, vec![("all".into(), 99)]);
    /// assert_eq!(s.rarity("all"), 0.0);
    /// assert_eq!(s.rarity("none"), 1.0);
    /// ```
    pub fn rarity(&self, word: &str) -> f64 {
        let n = self.documents as f64 + 1.0;
        if n <= 1.0 {
            return 1.0;
        }
        (n / (self.df(word) as f64 + 1.0)).ln() / n.ln()
    }
}

/// The stored form of [`CorpusStats`]: words grouped by document
/// frequency, each group one space-separated string (a compact file).
#[derive(Serialize, Deserialize)]
struct StatsFile {
    documents: u64,
    min_df: u32,
    /// `(df, "word word …")`, by increasing df.
    by_df: Vec<(u32, String)>,
}

impl From<CorpusStats> for StatsFile {
    fn from(s: CorpusStats) -> StatsFile {
        let mut groups: std::collections::BTreeMap<u32, String> = Default::default();
        for (w, n) in &s.words {
            let g = groups.entry(*n).or_default();
            if !g.is_empty() {
                g.push(' ');
            }
            g.push_str(w);
        }
        StatsFile {
            documents: s.documents,
            min_df: s.min_df,
            by_df: groups.into_iter().collect(),
        }
    }
}

impl TryFrom<StatsFile> for CorpusStats {
    type Error = String;
    fn try_from(f: StatsFile) -> std::result::Result<CorpusStats, String> {
        let mut words = Vec::new();
        for (n, g) in f.by_df {
            words.extend(
                g.split(' ')
                    .filter(|w| !w.is_empty())
                    .map(|w| (w.to_string(), n)),
            );
        }
        let before = words.len();
        let s = CorpusStats::new(f.documents, f.min_df, words);
        if s.words.len() != before {
            return Err("corpus statistics repeat a word or hold one under min_df".into());
        }
        Ok(s)
    }
}

/// Whether `word` (lower-cased) is one of slant's English stop-words.
fn is_stop(word: &str) -> bool {
    !word.contains(' ') && crate::lexicon::stopwords::is_stopword(word)
}

/// Call `f` with the [`TYPE_DENSE`] features `(index, value)` of a
/// lower-cased word (zeros left out).
///
/// ```
/// use slant::scorers::wordfeat::{type_dense, CorpusStats, TYPE_DENSE};
/// let stats = CorpusStats::new(100, 1, vec![("the".into(), 100)]);
/// let mut f = Vec::new();
/// type_dense("the", &stats, |i, v| f.push((TYPE_DENSE[i as usize], v)));
/// assert_eq!(f, [("rarity_bin0", 1.0), ("stopword", 1.0), ("length1", 1.0)]);
/// let mut f = Vec::new();
/// type_dense("covid-19", &stats, |i, v| f.push((TYPE_DENSE[i as usize], v)));
/// assert!(f.contains(&("rarity", 1.0)) && f.contains(&("hyphen", 1.0)) && f.contains(&("digit", 1.0)));
/// ```
pub fn type_dense(word: &str, stats: &CorpusStats, mut f: impl FnMut(u16, f64)) {
    let r = stats.rarity(word);
    if r != 0.0 {
        f(0, r);
    }
    f(1 + ((r * 8.0) as u16).min(7), 1.0);
    if is_stop(word) {
        f(9, 1.0);
    }
    let n = word.chars().count();
    f(10 + (n / 3).min(4) as u16, 1.0);
    if word.chars().any(|c| c.is_numeric()) {
        f(15, 1.0);
    }
    if word.contains('-') {
        f(16, 1.0);
    }
}

/// Where the VADER valence list and the Pattern subjectivity list sit
/// among a featurizer's categories.
///
/// ```
/// use slant::scorers::textfeat::Featurizer;
/// use slant::scorers::wordfeat::LexCats;
/// let fz = Featurizer::new();
/// let lex = LexCats::new(fz.lexicon());
/// let cats = &fz.lexicon().categories;
/// assert_eq!(cats[lex.sentiment.unwrap() as usize].id, "sentiment");
/// assert_eq!(cats[lex.subjectivity.unwrap() as usize].id, "subjectivity");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexCats {
    /// Category index of VADER sentiment.
    pub sentiment: Option<u32>,
    /// Category index of Pattern subjectivity.
    pub subjectivity: Option<u32>,
}

impl LexCats {
    /// Find the two categories in a featurizer's `lexicon`.
    ///
    /// ```
    /// # use slant::scorers::{textfeat::Featurizer, wordfeat::LexCats};
    /// assert!(LexCats::new(Featurizer::new().lexicon()).sentiment.is_some());
    /// ```
    pub fn new(lexicon: &Lexicon) -> LexCats {
        let find = |id: &str| {
            lexicon
                .categories
                .iter()
                .position(|c| c.id == id)
                .map(|i| i as u32)
        };
        LexCats {
            sentiment: find("sentiment"),
            subjectivity: find("subjectivity"),
        }
    }
}

/// One word of a unit with its [`TOKEN_DENSE`] features, as given to the
/// callback of [`unit_words`].
#[derive(Debug)]
pub struct UnitWord<'a> {
    /// Index of the word among the unit's words.
    pub index: usize,
    /// Token index in the analyzed text.
    pub token: usize,
    /// Nonzero `(index into TOKEN_DENSE, value)` features.
    pub dense: &'a [(u16, f64)],
}

/// Reusable buffers of [`unit_words`].
#[derive(Debug, Default)]
pub struct UnitScratch {
    words: Vec<usize>,
    /// Per word: VADER valence, subjectivity (NaN: none).
    lex: Vec<(f64, f64)>,
    /// Per word: bits of what its neighbours read.
    bits: Vec<u8>,
    dense: Vec<(u16, f64)>,
}

const B_VADER: u8 = 1;
const B_SUBJ: u8 = 2;
const B_STOP: u8 = 4;
const B_CAP: u8 = 8;
const B_NEG: u8 = 16;

/// Whether token `t` of `a` is a word the model reads.
pub(crate) fn is_model_word(t: &crate::text::Token) -> bool {
    t.kind == TokenKind::Word && t.end - t.start <= MAX_WORD_BYTES
}

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

fn all_caps(s: &str) -> bool {
    s.chars().count() > 1 && s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase)
}

/// Walk the words of tokens `range` of `a` (one unit: a sentence, or a
/// whole training row) and call `f` with each word's [`TOKEN_DENSE`]
/// features. `matches` are the featurizer's matches (any order; only the
/// VADER and subjectivity ones are read). A token is a word when it is a
/// [`TokenKind::Word`] of at most [`MAX_WORD_BYTES`] bytes.
///
/// ```
/// use slant::scorers::wordfeat::{unit_words, LexCats, TOKEN_DENSE};
/// use slant::scorers::textfeat::Featurizer;
/// let fz = Featurizer::new();
/// let mut ws = fz.workspace();
/// let f = fz.analyze_text("The Senate passed it.", &mut ws);
/// let a = ws.analyzed();
/// let mut first = Vec::new();
/// unit_words(a, 0..a.tokens.len(), f.matches.iter().map(|m| &m.m), &LexCats::new(fz.lexicon()),
///     &mut Default::default(), |w| if w.index == 1 {
///         first = w.dense.iter().map(|&(i, _)| TOKEN_DENSE[i as usize]).collect()
///     });
/// // "Senate": capitalised in mid-sentence, after a capitalised stop-word.
/// assert!(first.contains(&"capitalised_mid_sentence"));
/// assert!(first.contains(&"prev_stopword") && first.contains(&"prev_capitalised"));
/// ```
pub fn unit_words<'m>(
    a: &Analyzed,
    range: Range<usize>,
    matches: impl Iterator<Item = &'m Match>,
    lex: &LexCats,
    scratch: &mut UnitScratch,
    mut f: impl FnMut(UnitWord),
) {
    let text = a.norm.text.as_str();
    let range = range.start.min(a.tokens.len())..range.end.min(a.tokens.len());
    let UnitScratch {
        words,
        lex: vals,
        bits,
        dense,
    } = scratch;
    words.clear();
    words.extend(range.clone().filter(|&i| is_model_word(&a.tokens[i])));
    if words.is_empty() {
        return;
    }
    vals.clear();
    vals.resize(words.len(), (f64::NAN, f64::NAN));
    // Lexicon values: a match covers the words starting inside it.
    for m in matches {
        let Target::Category { category, weight } = m.target else {
            continue;
        };
        let slot = if Some(category) == lex.sentiment {
            0
        } else if Some(category) == lex.subjectivity {
            1
        } else {
            continue;
        };
        let first = words.partition_point(|&i| a.tokens[i].start < m.start);
        for (k, &i) in words.iter().enumerate().skip(first) {
            if a.tokens[i].start >= m.end {
                break;
            }
            let v = &mut vals[k];
            if slot == 0 {
                v.0 = weight as f64;
            } else {
                v.1 = weight as f64;
            }
        }
    }
    bits.clear();
    let mut lower = String::new();
    for (k, &i) in words.iter().enumerate() {
        let w = a.tokens[i].text(text);
        let mut b = 0u8;
        if !vals[k].0.is_nan() {
            b |= B_VADER;
            if vals[k].0 < 0.0 {
                b |= B_NEG;
            }
        }
        if !vals[k].1.is_nan() {
            b |= B_SUBJ;
        }
        if w.len() <= 6 {
            crate::features::lower_into(w, &mut lower);
            if is_stop(&lower) {
                b |= B_STOP;
            }
        }
        if starts_upper(w) {
            b |= B_CAP;
        }
        bits.push(b);
    }
    let punct = |i: usize| -> Option<bool> {
        let t = a.tokens.get(i)?;
        if !range.contains(&i) || t.kind != TokenKind::Punct {
            return None;
        }
        let s = t.text(text);
        Some(s == "\"" || s == "'")
    };
    for (k, &i) in words.iter().enumerate() {
        let t = &a.tokens[i];
        let w = t.text(text);
        dense.clear();
        let cap = starts_upper(w);
        if cap {
            dense.push((0, 1.0));
        }
        if all_caps(w) {
            dense.push((1, 1.0));
        }
        if k == 0 {
            dense.push((2, 1.0));
        } else if cap {
            let prev = &a.tokens[i - 1];
            let after_stop = prev.kind == TokenKind::Punct
                && matches!(prev.text(text), "." | "!" | "?" | ":" | "\"");
            if !after_stop {
                dense.push((3, 1.0));
            }
        }
        if t.voice == Voice::Quoted {
            dense.push((4, 1.0));
        }
        let (v, s) = vals[k];
        if !v.is_nan() {
            dense.push((5, 1.0));
            if v != 0.0 {
                dense.push((6, v.abs() / 4.0));
            }
            if v < 0.0 {
                dense.push((7, 1.0));
            } else if v > 0.0 {
                dense.push((8, 1.0));
            }
        }
        if !s.is_nan() {
            dense.push((9, 1.0));
            if s != 0.0 {
                dense.push((10, s));
            }
        }
        for (base, tok, nb) in [
            (11u16, i.checked_sub(1), k.checked_sub(1)),
            (19u16, Some(i + 1), Some(k + 1).filter(|&n| n < words.len())),
        ] {
            match tok.and_then(punct) {
                Some(true) => dense.push((base, 1.0)),
                Some(false) => dense.push((base + 1, 1.0)),
                None => {}
            }
            match nb {
                Some(n) => {
                    let b = bits[n];
                    for (bit, off) in [
                        (B_VADER, 2u16),
                        (B_SUBJ, 3),
                        (B_STOP, 4),
                        (B_CAP, 5),
                        (B_NEG, 6),
                    ] {
                        if b & bit != 0 {
                            dense.push((base + off, 1.0));
                        }
                    }
                }
                None => dense.push((base + 7, 1.0)),
            }
        }
        f(UnitWord {
            index: k,
            token: i,
            dense,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scorers::textfeat::Featurizer;

    fn names(text: &str, word: usize) -> Vec<&'static str> {
        let fz = Featurizer::new();
        let mut ws = fz.workspace();
        let f = fz.analyze_text(text, &mut ws);
        let a = ws.analyzed();
        let mut out = Vec::new();
        unit_words(
            a,
            0..a.tokens.len(),
            f.matches.iter().map(|m| &m.m),
            &LexCats::new(fz.lexicon()),
            &mut UnitScratch::default(),
            |w| {
                if w.index == word {
                    out = w
                        .dense
                        .iter()
                        .map(|&(i, _)| TOKEN_DENSE[i as usize])
                        .collect()
                }
            },
        );
        out
    }

    #[test]
    fn first_word_and_sentence_starts_are_not_mid_sentence_capitals() {
        assert!(names("Senators met.", 0).contains(&"first_word"));
        assert!(!names("Senators met.", 0).contains(&"capitalised_mid_sentence"));
        assert!(!names("He said: Nobody came.", 2).contains(&"capitalised_mid_sentence"));
        assert!(names("He met Nobody there.", 2).contains(&"capitalised_mid_sentence"));
    }

    #[test]
    fn lexicon_values_come_from_the_matches() {
        let n = names("It was horrible.", 2);
        assert!(n.contains(&"vader_in") && n.contains(&"vader_neg"));
        assert!(n.contains(&"prev_stopword") && n.contains(&"next_none"));
        let n = names("A plan.", 1);
        assert!(!n.contains(&"vader_in"));
    }

    #[test]
    fn long_tokens_and_numbers_are_not_words() {
        let long = "x".repeat(65);
        let fz = Featurizer::new();
        let mut ws = fz.workspace();
        let f = fz.analyze_text(&format!("A {long} and 5,000 more."), &mut ws);
        let a = ws.analyzed();
        let mut n = 0;
        unit_words(
            a,
            0..a.tokens.len(),
            f.matches.iter().map(|m| &m.m),
            &LexCats::new(fz.lexicon()),
            &mut UnitScratch::default(),
            |_| n += 1,
        );
        assert_eq!(n, 3); // "A", "and", "more"
    }
}
