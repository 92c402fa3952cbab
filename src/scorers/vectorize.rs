//! A small n-gram vectoriser: an interned vocabulary over slant's tokens,
//! χ² feature selection inside a training fold, TF-IDF or binary weights
//! with L2 row normalisation, and dense design matrices for linfa.
//!
//! ```
//! use slant::scorers::vectorize::{Interner, NgramSpace, Weighting, select_chi2};
//! let mut vocab = Interner::default();
//! let rows: Vec<Vec<(u32, u32)>> = vec![
//!     Interner::count(&mut vocab, ["radical", "left", "radical left"]),
//!     Interner::count(&mut vocab, ["the", "senator", "said"]),
//!     Interner::count(&mut vocab, ["radical", "plan"]),
//!     Interner::count(&mut vocab, ["the", "plan", "said"]),
//! ];
//! let labels = [1usize, 0, 1, 0];
//! let rows_ref: Vec<&[(u32, u32)]> = rows.iter().map(|r| r.as_slice()).collect();
//! let ids = select_chi2(&rows_ref, &labels, 2, 2, 2, &vocab);
//! let terms: Vec<&str> = ids.iter().map(|&i| vocab.get(i)).collect();
//! assert_eq!(terms, ["radical", "said"]);
//! let space = NgramSpace::fit(&ids, &vocab, &rows_ref, Weighting::Binary);
//! let x = space.transform_ids(&rows[0]);
//! assert_eq!(x.len(), 1); // only "radical" is in the space
//! ```

#[cfg(feature = "train")]
use ndarray::Array2;
use rustc_hash::FxHashMap;

/// Prefix of character n-gram features (`#c: wo`), which keeps them apart
/// from word n-grams in one vocabulary.
pub const CHAR_PREFIX: &str = "#c:";

/// Call `f` with the character n-grams (lengths 2 to 5) of a lower-cased
/// word padded with one space on each side, each prefixed with
/// [`CHAR_PREFIX`] (like scikit-learn's `char_wb` analyzer).
///
/// ```
/// let mut g = Vec::new();
/// slant::scorers::vectorize::char_ngrams("ab", &mut String::new(), |s| g.push(s.to_string()));
/// assert_eq!(g, ["#c: a", "#c:ab", "#c:b ", "#c: ab", "#c:ab ", "#c: ab "]);
/// ```
pub fn char_ngrams(word: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    let chars: Vec<char> = std::iter::once(' ')
        .chain(word.chars())
        .chain(std::iter::once(' '))
        .collect();
    for n in 2..=5 {
        if n > chars.len() {
            break;
        }
        for w in chars.windows(n) {
            buf.clear();
            buf.push_str(CHAR_PREFIX);
            buf.extend(w.iter());
            f(buf);
        }
    }
}

/// String interner: n-gram → dense `u32` id (ids in insertion order).
///
/// ```
/// use slant::scorers::vectorize::Interner;
/// let mut vocab = Interner::default();
/// let a = vocab.intern("border security");
/// let b = vocab.intern("tax cuts");
/// assert_eq!((a, b), (0, 1));
/// assert_eq!(vocab.intern("border security"), a); // known: same id
/// assert_eq!(vocab.get(b), "tax cuts");
/// assert_eq!(vocab.id("wall"), None); // `id` never inserts
/// assert_eq!(vocab.len(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Interner {
    ids: FxHashMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Interner {
    /// The id of `s`, inserting it when new.
    ///
    /// ```
    /// let mut v = slant::scorers::vectorize::Interner::default();
    /// assert_eq!(v.intern("a"), v.intern("a"));
    /// ```
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    /// The string of `id`.
    ///
    /// ```
    /// use slant::scorers::vectorize::Interner;
    /// let mut vocab = Interner::default();
    /// let id = vocab.intern("tax cuts");
    /// assert_eq!(vocab.get(id), "tax cuts");
    /// ```
    pub fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }

    /// The id of `s`, if known.
    ///
    /// ```
    /// use slant::scorers::vectorize::Interner;
    /// let mut vocab = Interner::default();
    /// vocab.intern("regime");
    /// assert_eq!(vocab.id("regime"), Some(0));
    /// assert_eq!(vocab.id("government"), None);
    /// assert_eq!(vocab.len(), 1); // looking up does not insert
    /// ```
    pub fn id(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    /// Number of strings.
    ///
    /// ```
    /// use slant::scorers::vectorize::Interner;
    /// let mut vocab = Interner::default();
    /// for term in ["regime", "said", "regime"] {
    ///     vocab.intern(term);
    /// }
    /// assert_eq!(vocab.len(), 2); // distinct strings
    /// ```
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether empty.
    ///
    /// ```
    /// use slant::scorers::vectorize::Interner;
    /// let mut vocab = Interner::default();
    /// assert!(vocab.is_empty());
    /// vocab.intern("regime");
    /// assert!(!vocab.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// Intern `terms` and return their sparse counts, sorted by id.
    ///
    /// ```
    /// use slant::scorers::vectorize::Interner;
    /// let mut v = Interner::default();
    /// assert_eq!(Interner::count(&mut v, ["b", "a", "b"]), vec![(0, 2), (1, 1)]);
    /// ```
    pub fn count<'a>(
        vocab: &mut Interner,
        terms: impl IntoIterator<Item = &'a str>,
    ) -> Vec<(u32, u32)> {
        let ids: Vec<u32> = terms.into_iter().map(|t| vocab.intern(t)).collect();
        sparse_counts(ids)
    }
}

/// Sort ids and collapse repeats into `(id, count)`.
///
/// ```
/// assert_eq!(slant::scorers::vectorize::sparse_counts(vec![3, 1, 3]), vec![(1, 1), (3, 2)]);
/// ```
pub fn sparse_counts(mut ids: Vec<u32>) -> Vec<(u32, u32)> {
    ids.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(ids.len());
    for id in ids {
        match out.last_mut() {
            Some((last, c)) if *last == id => *c += 1,
            _ => out.push((id, 1)),
        }
    }
    out
}

/// Document frequency per class of every id in `rows`.
fn df_by_class(
    rows: &[&[(u32, u32)]],
    labels: &[usize],
    n_classes: usize,
    n_ids: usize,
) -> Vec<u32> {
    let mut df = vec![0u32; n_ids * n_classes];
    for (r, &l) in rows.iter().zip(labels) {
        for &(id, _) in r.iter() {
            df[id as usize * n_classes + l] += 1;
        }
    }
    df
}

/// The χ² statistic of the 2 × `k` table "term present / absent" by class.
///
/// ```
/// use slant::scorers::vectorize::chi2_presence;
/// // Present in every document of class 1 and none of class 0: maximal.
/// assert_eq!(chi2_presence(&[0, 5], &[5, 5]), 10.0);
/// assert_eq!(chi2_presence(&[2, 2], &[5, 5]), 0.0);
/// ```
pub fn chi2_presence(present: &[u32], class_totals: &[u32]) -> f64 {
    let n: f64 = class_totals.iter().map(|&c| c as f64).sum();
    let df: f64 = present.iter().map(|&c| c as f64).sum();
    if n == 0.0 || df == 0.0 || df == n {
        return 0.0;
    }
    let mut chi = 0.0;
    for (&a, &t) in present.iter().zip(class_totals) {
        let (a, t) = (a as f64, t as f64);
        if t == 0.0 {
            continue;
        }
        let e1 = df * t / n;
        let e0 = (n - df) * t / n;
        chi += (a - e1).powi(2) / e1 + ((t - a) - e0).powi(2) / e0;
    }
    chi
}

/// Select up to `k` ids by χ² of presence against the class labels, among
/// ids present in at least `min_df` rows (computed on `rows` only, i.e.
/// inside the training fold). Ties are broken by the n-gram string. The
/// result is sorted by string, so column order does not depend on the order
/// in which n-grams were first seen.
///
/// ```
/// use slant::scorers::vectorize::{select_chi2, Interner};
/// let mut vocab = Interner::default();
/// let rows = vec![
///     Interner::count(&mut vocab, ["regime", "said"]),
///     Interner::count(&mut vocab, ["regime", "said", "crackdown"]),
///     Interner::count(&mut vocab, ["government", "said"]),
///     Interner::count(&mut vocab, ["government", "said"]),
/// ];
/// let labels = [1, 1, 0, 0];
/// let rows: Vec<&[(u32, u32)]> = rows.iter().map(Vec::as_slice).collect();
/// let ids = select_chi2(&rows, &labels, 2, 2, 2, &vocab);
/// let terms: Vec<&str> = ids.iter().map(|&i| vocab.get(i)).collect();
/// // "said" does not tell the classes apart; "crackdown" is in one row only.
/// assert_eq!(terms, ["government", "regime"]);
/// ```
pub fn select_chi2(
    rows: &[&[(u32, u32)]],
    labels: &[usize],
    n_classes: usize,
    min_df: u32,
    k: usize,
    vocab: &Interner,
) -> Vec<u32> {
    select_chi2_by(rows, labels, n_classes, min_df, k, vocab, None)
}

/// [`select_chi2`] with an optional extra filter on ids (for example "used
/// by at least m outlets").
///
/// ```
/// use slant::scorers::vectorize::{select_chi2_by, Interner};
/// let mut vocab = Interner::default();
/// let rows = vec![
///     Interner::count(&mut vocab, ["regime", "the regime"]),
///     Interner::count(&mut vocab, ["regime", "the regime"]),
///     Interner::count(&mut vocab, ["government", "the government"]),
///     Interner::count(&mut vocab, ["government", "the government"]),
/// ];
/// let rows: Vec<&[(u32, u32)]> = rows.iter().map(Vec::as_slice).collect();
/// // Bigrams only.
/// let bigrams = |id: u32| vocab.get(id).contains(' ');
/// let ids = select_chi2_by(&rows, &[1, 1, 0, 0], 2, 1, 10, &vocab, Some(&bigrams));
/// let terms: Vec<&str> = ids.iter().map(|&i| vocab.get(i)).collect();
/// assert_eq!(terms, ["the government", "the regime"]);
/// ```
pub fn select_chi2_by(
    rows: &[&[(u32, u32)]],
    labels: &[usize],
    n_classes: usize,
    min_df: u32,
    k: usize,
    vocab: &Interner,
    keep: Option<&dyn Fn(u32) -> bool>,
) -> Vec<u32> {
    let n_ids = vocab.len();
    let df = df_by_class(rows, labels, n_classes, n_ids);
    let mut totals = vec![0u32; n_classes];
    for &l in labels {
        totals[l] += 1;
    }
    let mut scored: Vec<(f64, u32)> = (0..n_ids)
        .filter_map(|id| {
            let p = &df[id * n_classes..(id + 1) * n_classes];
            let d: u32 = p.iter().sum();
            if d < min_df || keep.is_some_and(|f| !f(id as u32)) {
                return None;
            }
            Some((chi2_presence(p, &totals), id as u32))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| vocab.get(a.1).cmp(vocab.get(b.1)))
    });
    scored.truncate(k);
    let mut ids: Vec<u32> = scored.into_iter().map(|(_, id)| id).collect();
    ids.sort_by(|&a, &b| vocab.get(a).cmp(vocab.get(b)));
    ids
}

/// How n-gram counts become feature values (before L2 normalisation).
///
/// ```
/// use slant::scorers::vectorize::{NgramSpace, Weighting};
/// let terms = vec!["rare".to_string(), "said".to_string()];
/// let idf = vec![2.0, 1.0];
/// let counts = vec![(0, 1), (1, 3)]; // "rare" once, "said" three times
/// let binary = NgramSpace::from_terms(terms.clone(), idf.clone(), Weighting::Binary);
/// let x = binary.weigh(counts.clone());
/// assert_eq!(x[0].1, x[1].1); // presence only
/// let tfidf = NgramSpace::from_terms(terms, idf, Weighting::Tfidf);
/// let x = tfidf.weigh(counts);
/// // (1 + ln 1)·2 against (1 + ln 3)·1, then scaled to unit length.
/// assert!((x[0].1 / x[1].1 - 2.0 / (1.0 + 3f64.ln())).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// 1 if present.
    Binary,
    /// `(1 + ln tf) · idf`, `idf = ln((1 + n) / (1 + df)) + 1`.
    Tfidf,
}

/// A fitted n-gram feature space: terms (sorted), their idf, the weighting.
///
/// ```
/// use slant::scorers::vectorize::{Interner, NgramSpace, Weighting};
/// let mut vocab = Interner::default();
/// let rows = vec![
///     Interner::count(&mut vocab, ["tax", "cuts", "tax cuts"]),
///     Interner::count(&mut vocab, ["tax", "hikes", "tax hikes"]),
/// ];
/// let rows: Vec<&[(u32, u32)]> = rows.iter().map(Vec::as_slice).collect();
/// // Selected ids, sorted by string (as `select_chi2` returns them).
/// let ids: Vec<u32> = ["cuts", "tax", "tax cuts"].iter().map(|t| vocab.id(t).unwrap()).collect();
/// let space = NgramSpace::fit(&ids, &vocab, &rows, Weighting::Tfidf);
/// assert_eq!(space.terms, ["cuts", "tax", "tax cuts"]);
/// assert!(space.idf[1] < space.idf[0]); // "tax" is in every row
/// // At prediction time: strings in, unknown terms ignored, a unit-length row out.
/// let x = space.transform_terms(["tax", "cuts", "tax cuts", "wall"]);
/// assert_eq!(x.iter().map(|&(j, _)| j).collect::<Vec<_>>(), [0, 1, 2]);
/// assert!((x.iter().map(|&(_, v)| v * v).sum::<f64>() - 1.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NgramSpace {
    /// Terms, sorted; column `j` is `terms[j]`.
    pub terms: Vec<String>,
    /// Inverse document frequency per term (from the training rows).
    pub idf: Vec<f64>,
    /// Weighting scheme.
    pub weighting: Weighting,
    /// Normalisation block of each column: word n-grams (0) and character
    /// n-grams (1, terms starting with [`CHAR_PREFIX`]) are L2-normalised
    /// separately.
    block: Vec<u8>,
    index: FxHashMap<String, u32>,
    by_id: FxHashMap<u32, u32>,
    /// Words of the space's word bigrams → a local word number.
    pair_words: FxHashMap<String, u32>,
    /// `(first << 32) | second` local word numbers → bigram column.
    pairs: FxHashMap<u64, u32>,
}

/// What a space knows about one word, for callers that look words up once
/// and then work with numbers (see [`NgramSpace::word`]).
///
/// ```
/// use slant::scorers::vectorize::{NgramSpace, Weighting};
/// let space = NgramSpace::from_terms(
///     vec!["border security".into(), "wall".into()], vec![1.0; 2], Weighting::Binary);
/// // "border" has no column of its own but is the first word of a bigram.
/// let border = space.word("border");
/// assert_eq!(border.column, None);
/// let security = space.word("security");
/// let pair = space.pair_column(border.pair_word.unwrap(), security.pair_word.unwrap());
/// assert_eq!(pair, Some(0));
/// let wall = space.word("wall");
/// assert_eq!((wall.column, wall.pair_word), (Some(1), None));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordRef {
    /// The word's unigram column.
    pub column: Option<u32>,
    /// The word's number among the words of the space's bigrams (for
    /// [`NgramSpace::pair_column`]).
    pub pair_word: Option<u32>,
}

impl NgramSpace {
    /// Build the space of the selected `ids` (sorted by string), with idf
    /// from the training `rows`.
    ///
    /// ```
    /// use slant::scorers::vectorize::{Interner, NgramSpace, Weighting};
    /// let mut vocab = Interner::default();
    /// let rows = [Interner::count(&mut vocab, ["cuts", "tax"]), Interner::count(&mut vocab, ["tax"])];
    /// let rows: Vec<&[(u32, u32)]> = rows.iter().map(Vec::as_slice).collect();
    /// let space = NgramSpace::fit(&[0, 1], &vocab, &rows, Weighting::Tfidf);
    /// assert_eq!(space.terms, ["cuts", "tax"]);
    /// // idf = ln((1 + rows) / (1 + rows with the term)) + 1
    /// assert_eq!(space.idf, [(3.0f64 / 2.0).ln() + 1.0, 1.0]);
    /// ```
    pub fn fit(
        ids: &[u32],
        vocab: &Interner,
        rows: &[&[(u32, u32)]],
        weighting: Weighting,
    ) -> NgramSpace {
        let by_id: FxHashMap<u32, u32> = ids
            .iter()
            .enumerate()
            .map(|(j, &id)| (id, j as u32))
            .collect();
        let mut df = vec![0u32; ids.len()];
        for r in rows {
            for (id, _) in r.iter() {
                if let Some(&j) = by_id.get(id) {
                    df[j as usize] += 1;
                }
            }
        }
        let n = rows.len() as f64;
        let idf = df
            .iter()
            .map(|&d| ((1.0 + n) / (1.0 + d as f64)).ln() + 1.0)
            .collect();
        let terms: Vec<String> = ids.iter().map(|&id| vocab.get(id).to_string()).collect();
        NgramSpace::from_parts(terms, idf, weighting, by_id)
    }

    /// Rebuild a space from stored terms and idf (a loaded model).
    ///
    /// ```
    /// use slant::scorers::vectorize::{NgramSpace, Weighting};
    /// // Terms and idf as stored in a model file.
    /// let terms = vec!["cuts".to_string(), "tax cuts".to_string()];
    /// let space = NgramSpace::from_terms(terms, vec![1.5, 2.0], Weighting::Tfidf);
    /// assert_eq!(space.column("tax cuts"), Some(1));
    /// let x = space.transform_terms(["tax", "cuts", "tax cuts"]); // "tax" has no column
    /// assert_eq!(x.len(), 2);
    /// assert!((x[1].1 / x[0].1 - 2.0 / 1.5).abs() < 1e-12);
    /// ```
    pub fn from_terms(terms: Vec<String>, idf: Vec<f64>, weighting: Weighting) -> NgramSpace {
        NgramSpace::from_parts(terms, idf, weighting, FxHashMap::default())
    }

    fn from_parts(
        terms: Vec<String>,
        idf: Vec<f64>,
        weighting: Weighting,
        by_id: FxHashMap<u32, u32>,
    ) -> NgramSpace {
        let index = terms
            .iter()
            .enumerate()
            .map(|(j, t)| (t.clone(), j as u32))
            .collect();
        let block = terms
            .iter()
            .map(|t| t.starts_with(CHAR_PREFIX) as u8)
            .collect();
        let mut pair_words: FxHashMap<String, u32> = FxHashMap::default();
        let mut pairs = FxHashMap::default();
        for (j, t) in terms.iter().enumerate() {
            if t.starts_with(CHAR_PREFIX) {
                continue;
            }
            let Some((a, b)) = t.split_once(' ') else {
                continue;
            };
            if b.contains(' ') {
                continue;
            }
            let mut num = |w: &str| {
                let n = pair_words.len() as u32;
                *pair_words.entry(w.to_string()).or_insert(n)
            };
            let (a, b) = (num(a), num(b));
            pairs.insert(((a as u64) << 32) | b as u64, j as u32);
        }
        NgramSpace {
            block,
            terms,
            idf,
            weighting,
            index,
            by_id,
            pair_words,
            pairs,
        }
    }

    /// The unigram column of `word` and its number among bigram words.
    ///
    /// ```
    /// use slant::scorers::vectorize::{NgramSpace, Weighting};
    /// let s = NgramSpace::from_terms(
    ///     vec!["border".into(), "border security".into(), "security".into()],
    ///     vec![1.0; 3], Weighting::Tfidf);
    /// let (a, b) = (s.word("border"), s.word("security"));
    /// assert_eq!(a.column, Some(0));
    /// assert_eq!(s.pair_column(a.pair_word.unwrap(), b.pair_word.unwrap()), Some(1));
    /// assert_eq!(s.pair_column(b.pair_word.unwrap(), a.pair_word.unwrap()), None);
    /// assert_eq!(s.word("wall").pair_word, None);
    /// ```
    pub fn word(&self, word: &str) -> WordRef {
        WordRef {
            column: self.column(word),
            pair_word: self.pair_words.get(word).copied(),
        }
    }

    /// The column of the bigram of two words numbered by
    /// [`NgramSpace::word`].
    ///
    /// ```
    /// use slant::scorers::vectorize::{NgramSpace, Weighting};
    /// let s = NgramSpace::from_terms(vec!["tax cuts".into()], vec![1.0], Weighting::Binary);
    /// let (tax, cuts) = (s.word("tax").pair_word.unwrap(), s.word("cuts").pair_word.unwrap());
    /// assert_eq!(s.pair_column(tax, cuts), Some(0));
    /// assert_eq!(s.pair_column(cuts, tax), None); // "cuts tax" is not a term
    /// ```
    #[inline]
    pub fn pair_column(&self, first: u32, second: u32) -> Option<u32> {
        self.pairs
            .get(&(((first as u64) << 32) | second as u64))
            .copied()
    }

    /// Column of a term.
    ///
    /// ```
    /// use slant::scorers::vectorize::{NgramSpace, Weighting};
    /// let terms = vec!["regime".into(), "the regime".into()];
    /// let s = NgramSpace::from_terms(terms, vec![1.0; 2], Weighting::Binary);
    /// assert_eq!(s.column("the regime"), Some(1));
    /// assert_eq!(s.column("government"), None);
    /// ```
    pub fn column(&self, term: &str) -> Option<u32> {
        self.index.get(term).copied()
    }

    /// Number of columns.
    ///
    /// ```
    /// use slant::scorers::vectorize::{NgramSpace, Weighting};
    /// let terms = vec!["regime".into(), "the regime".into()];
    /// let s = NgramSpace::from_terms(terms, vec![1.0; 2], Weighting::Binary);
    /// assert_eq!(s.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether the space has no terms.
    ///
    /// ```
    /// use slant::scorers::vectorize::{Interner, NgramSpace, Weighting};
    /// // Nothing selected: every row becomes empty.
    /// let space = NgramSpace::fit(&[], &Interner::default(), &[], Weighting::Binary);
    /// assert!(space.is_empty());
    /// assert!(space.transform_terms(["regime"]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Weighted, L2-normalised sparse row `(column, value)` from counts per
    /// column, sorted by column (word and character n-gram columns are
    /// normalised separately).
    ///
    /// ```
    /// use slant::scorers::vectorize::{NgramSpace, Weighting};
    /// let terms = vec!["#c:ta".into(), "cuts".into(), "tax".into()];
    /// let s = NgramSpace::from_terms(terms, vec![1.0; 3], Weighting::Binary);
    /// let x = s.weigh(vec![(2, 1), (1, 4), (0, 2)]);
    /// // Sorted by column; the character n-gram and the words have unit length each.
    /// let h = 1.0 / 2f64.sqrt();
    /// assert_eq!(x, [(0, 1.0), (1, h), (2, h)]);
    /// ```
    pub fn weigh(&self, mut cols: Vec<(u32, u32)>) -> Vec<(u32, f64)> {
        cols.sort_unstable();
        let mut out: Vec<(u32, f64)> = cols
            .into_iter()
            .map(|(j, c)| {
                let v = match self.weighting {
                    Weighting::Binary => 1.0,
                    // ln 1 = 0: most counts are 1, skip the logarithm.
                    Weighting::Tfidf if c == 1 => self.idf[j as usize],
                    Weighting::Tfidf => (1.0 + (c as f64).ln()) * self.idf[j as usize],
                };
                (j, v)
            })
            .collect();
        let mut norm = [0.0f64; 2];
        for (j, v) in &out {
            norm[self.block[*j as usize] as usize] += v * v;
        }
        let norm = norm.map(f64::sqrt);
        for (j, v) in &mut out {
            let n = norm[self.block[*j as usize] as usize];
            if n > 0.0 {
                *v /= n;
            }
        }
        out
    }

    /// Transform training-interner counts (ids from [`NgramSpace::fit`]; a
    /// space from [`NgramSpace::from_terms`] knows no ids).
    ///
    /// ```
    /// use slant::scorers::vectorize::{Interner, NgramSpace, Weighting};
    /// let mut vocab = Interner::default();
    /// let row = Interner::count(&mut vocab, ["tax", "cuts", "tax"]);
    /// let space = NgramSpace::fit(&[vocab.id("tax").unwrap()], &vocab, &[&row], Weighting::Binary);
    /// assert_eq!(space.transform_ids(&row), [(0, 1.0)]); // "cuts" was not selected
    /// let loaded = NgramSpace::from_terms(space.terms.clone(), space.idf.clone(), space.weighting);
    /// assert!(loaded.transform_ids(&row).is_empty());
    /// ```
    pub fn transform_ids(&self, row: &[(u32, u32)]) -> Vec<(u32, f64)> {
        self.weigh(
            row.iter()
                .filter_map(|(id, c)| self.by_id.get(id).map(|&j| (j, *c)))
                .collect(),
        )
    }

    /// Transform n-gram strings (a loaded model at prediction time).
    ///
    /// ```
    /// use slant::scorers::vectorize::{NgramSpace, Weighting};
    /// let terms = vec!["regime".into(), "said".into()];
    /// let s = NgramSpace::from_terms(terms, vec![1.0; 2], Weighting::Tfidf);
    /// // "said" twice, "regime" once; "crackdown" has no column.
    /// let x = s.transform_terms(["said", "regime", "said", "crackdown"]);
    /// assert_eq!((x[0].0, x[1].0), (0, 1));
    /// assert!((x[1].1 / x[0].1 - (1.0 + 2f64.ln())).abs() < 1e-12);
    /// ```
    pub fn transform_terms<'a>(&self, terms: impl IntoIterator<Item = &'a str>) -> Vec<(u32, f64)> {
        let ids: Vec<u32> = terms.into_iter().filter_map(|t| self.column(t)).collect();
        self.weigh(sparse_counts(ids))
    }
}

/// Standardisation of dense features: `(x − mean) / sd` (sd 1 for a
/// constant feature).
///
/// ```
/// use slant::scorers::vectorize::Standardizer;
/// let s = Standardizer::fit(&[vec![0.0, 7.0], vec![2.0, 7.0], vec![4.0, 7.0]]);
/// assert_eq!(s.mean, [2.0, 7.0]);
/// assert_eq!(s.sd[1], 1.0); // constant in training
/// let z = s.apply(&[2.0 + s.sd[0], 9.0]);
/// assert!((z[0] - 1.0).abs() < 1e-12);
/// assert_eq!(z[1], 2.0);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Standardizer {
    /// Mean per feature (training rows).
    pub mean: Vec<f64>,
    /// Standard deviation per feature (training rows).
    pub sd: Vec<f64>,
}

impl Standardizer {
    /// Fit on training rows.
    ///
    /// ```
    /// use slant::scorers::vectorize::Standardizer;
    /// let s = Standardizer::fit(&[vec![1.0, 5.0], vec![3.0, 5.0]]);
    /// assert_eq!(s.apply(&[3.0, 5.0]), vec![1.0, 0.0]);
    /// ```
    pub fn fit(rows: &[Vec<f64>]) -> Standardizer {
        let d = rows.first().map_or(0, Vec::len);
        let n = rows.len().max(1) as f64;
        let mut mean = vec![0.0; d];
        for r in rows {
            for (m, v) in mean.iter_mut().zip(r) {
                *m += v;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut sd = vec![0.0; d];
        for r in rows {
            for ((s, v), m) in sd.iter_mut().zip(r).zip(&mean) {
                *s += (v - m) * (v - m);
            }
        }
        let sd = sd
            .into_iter()
            .map(|s| {
                let s = (s / n).sqrt();
                if s > 1e-12 {
                    s
                } else {
                    1.0
                }
            })
            .collect();
        Standardizer { mean, sd }
    }

    /// Standardise one row.
    ///
    /// ```
    /// use slant::scorers::vectorize::Standardizer;
    /// let s = Standardizer { mean: vec![10.0, 0.0], sd: vec![2.0, 1.0] };
    /// assert_eq!(s.apply(&[14.0, -3.0]), [2.0, -3.0]);
    /// ```
    pub fn apply(&self, row: &[f64]) -> Vec<f64> {
        row.iter()
            .zip(&self.mean)
            .zip(&self.sd)
            .map(|((v, m), s)| (v - m) / s)
            .collect()
    }
}

#[cfg(feature = "train")]
/// A dense design matrix: sparse n-gram rows in the first columns, then
/// dense rows scaled by `dense_scale`. With `column_major` the matrix is
/// laid out column by column: linfa's binary gradient multiplies by the
/// transposed matrix as a matrix–vector product, which is only
/// cache-friendly in that layout (several times faster).
///
/// ```
/// use slant::scorers::vectorize::design;
/// let sparse = vec![vec![(0, 0.6), (2, 0.8)], vec![(1, 1.0)]];
/// let dense = vec![vec![1.0, -1.0], vec![0.5, 0.0]];
/// let x = design::<f32>(&sparse, 3, Some(&dense), 0.5, false);
/// assert_eq!(x.dim(), (2, 5));
/// assert_eq!(x.row(0).to_vec(), [0.6, 0.0, 0.8, 0.5, -0.5]);
/// // The same values laid out column by column.
/// let xf = design::<f32>(&sparse, 3, Some(&dense), 0.5, true);
/// assert_eq!(x, xf);
/// assert!(x.is_standard_layout() && !xf.is_standard_layout());
/// ```
pub fn design<F: linfa::Float>(
    sparse: &[Vec<(u32, f64)>],
    n_sparse: usize,
    dense: Option<&[Vec<f64>]>,
    dense_scale: f64,
    column_major: bool,
) -> Array2<F> {
    use ndarray::ShapeBuilder;
    let nd = dense.and_then(|d| d.first()).map_or(0, Vec::len);
    let shape = (sparse.len(), n_sparse + nd);
    let mut x = if column_major {
        Array2::<F>::zeros(shape.f())
    } else {
        Array2::<F>::zeros(shape)
    };
    for (i, r) in sparse.iter().enumerate() {
        let mut row = x.row_mut(i);
        for &(j, v) in r {
            row[j as usize] = F::cast(v);
        }
        if let Some(d) = dense {
            for (k, v) in d[i].iter().enumerate() {
                row[n_sparse + k] = F::cast(v * dense_scale);
            }
        }
    }
    x
}
