//! Per-document feature extraction and mergeable aggregates.
//!
//! [`Extractor::extract`] turns one [`Document`] into [`DocFeatures`]: token
//! and sentence counts, lexicon matches with their voice, and (optionally)
//! authorial uni- and bigram counts added straight into an [`Aggregates`].
//! Aggregates are plain sums keyed by source and by source × story, so the
//! aggregates of two shards added with [`Aggregates::merge`] equal those of
//! the union — extraction can run on any number of threads (or machines)
//! and give the same totals.
//!
//! ```
//! use slant::corpus::Document;
//! use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
//! use slant::lexicon::Lexicon;
//! let lex = Lexicon::builtin();
//! let ex = Extractor::new(&lex, FeatureOptions::default());
//! let text = "Officials said the insurgents attacked. \"Terrorists!\" he shouted.";
//! let doc = Document::new("1", "a", text);
//! let mut ws = Workspace::default();
//! let mut agg = Aggregates::new(&lex);
//! let f = ex.extract(&doc, &mut ws, &mut agg);
//! assert!(f.counts.quoted_tokens >= 1);
//! assert_eq!(agg.sources["a"].counts.docs, 1);
//! ```

pub mod boilerplate;
mod ngram_counts;
mod vocab;

pub(crate) use ngram_counts::gallop;
pub use ngram_counts::NgramCounts;
pub use vocab::{
    bigram_key, decode_key, occurrence_key, unigram_key, Key, Vocab, MAX_OCCURRENCE_ID,
};

use crate::corpus::Document;
use crate::lexicon::{Lexicon, Match, Target, TokenMatcher, TokenScratch};
use crate::text::{Analyzed, TokenKind, Voice};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Fixed-point scale for valence sums (so sums are exact and
/// order-independent across threads).
pub const VALENCE_SCALE: f64 = 10_000.0;

/// Options for feature extraction.
///
/// ```
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |source: &str, story: Option<&str>, text: &str| Document { story: story.map(Into::into), ..Document::new("1", source, text) };
/// let d = doc("a", None, "The insurgents fled.");
/// let mut ws = Workspace::default();
/// let mut with = Aggregates::new(&lex);
/// Extractor::new(&lex, FeatureOptions::default()).extract(&d, &mut ws, &mut with);
/// // Three unigrams and two bigrams ("the insurgents", "insurgents fled").
/// assert_eq!(with.sources["a"].ngrams.len(), 5);
/// let mut without = Aggregates::new(&lex);
/// let opts = FeatureOptions { ngrams: false, ..Default::default() };
/// Extractor::new(&lex, opts).extract(&d, &mut ws, &mut without);
/// assert!(without.sources["a"].ngrams.is_empty());
/// assert_eq!(without.sources["a"].counts, with.sources["a"].counts);
/// ```
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeatureOptions {
    /// Count authorial uni- and bigrams (needed for log-odds of terms).
    pub ngrams: bool,
    /// Words longer than this many bytes are not counted as n-grams (URLs,
    /// base64 blobs, runs without spaces).
    pub max_token_bytes: usize,
    /// Boilerplate: a sentence in at least this many documents of a source
    /// (and 1% of them, see [`boilerplate::threshold`]) is left out of the
    /// n-gram keyness, and so are sentences opening with a
    /// [`boilerplate::LEADS`] label or ending with a [`boilerplate::TAILS`]
    /// one; 0 keeps every sentence. Only with `ngrams`.
    pub boilerplate_min_docs: u64,
}

impl Default for FeatureOptions {
    fn default() -> Self {
        FeatureOptions {
            ngrams: true,
            max_token_bytes: 64,
            boilerplate_min_docs: 5,
        }
    }
}

/// Counts for one document or a sum of documents. Voice-indexed arrays are
/// `[authorial, quoted]`.
///
/// ```
/// use slant::features::{Aggregates, Counts, Extractor, FeatureOptions, Workspace};
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |source: &str, story: Option<&str>, text: &str| Document { story: story.map(Into::into), ..Document::new("1", source, text) };
/// // `lex`: family "armed_group" (variants "terrorist", "insurgent") and
/// // category "hedge" ("reportedly"); `doc(source, story, text)` builds a Document.
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// let text = "The insurgents reportedly fled. \"Terrorists!\" he said.";
/// let c: Counts = ex.extract(&doc("a", None, text), &mut ws, &mut agg).counts;
/// assert_eq!((c.docs, c.tokens, c.authorial_tokens, c.quoted_tokens), (1, 7, 6, 1));
/// assert_eq!(c.sentences, 2);
/// assert_eq!(c.variants, [[0, 1], [1, 0]]); // by flat variant, then voice
/// assert_eq!(c.categories, [[1, 0]]); // "reportedly"
/// let mut total = Counts::new(&lex);
/// total.add(&c);
/// total.add(&c);
/// assert_eq!((total.docs, total.variants[0]), (2, [0, 2]));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Documents.
    pub docs: u64,
    /// Word and number tokens.
    pub tokens: u64,
    /// Tokens in the outlet's own voice.
    pub authorial_tokens: u64,
    /// Tokens inside quotations.
    pub quoted_tokens: u64,
    /// Sentences.
    pub sentences: u64,
    /// Mojibake repairs.
    pub repairs: u64,
    /// Matches per flat family variant, by voice.
    pub variants: Vec<[u64; 2]>,
    /// Matches per category, by voice.
    pub categories: Vec<[u64; 2]>,
    /// Sum of term weights per category, by voice, in units of
    /// 1/[`VALENCE_SCALE`] (used for valence categories).
    pub weight_sums: Vec<[i64; 2]>,
}

impl Counts {
    /// Zero counts shaped for `lexicon`.
    ///
    /// ```
    /// use slant::features::Counts;
    /// use slant::lexicon::Lexicon;
    /// let lex = Lexicon::builtin();
    /// let c = Counts::new(&lex);
    /// assert_eq!(c.variants.len(), lex.n_variants());
    /// assert_eq!(c.categories.len(), lex.categories.len());
    /// assert!(c.variants.iter().chain(&c.categories).all(|&v| v == [0, 0]));
    /// ```
    pub fn new(lexicon: &Lexicon) -> Counts {
        Counts {
            variants: vec![[0; 2]; lexicon.n_variants()],
            categories: vec![[0; 2]; lexicon.categories.len()],
            weight_sums: vec![[0; 2]; lexicon.categories.len()],
            ..Default::default()
        }
    }

    /// Add `other` into `self`.
    ///
    /// ```
    /// use slant::features::Counts;
    /// # let lex = slant::lexicon::Lexicon::builtin();
    /// let mut one = Counts::new(&lex);
    /// one.docs = 1;
    /// one.tokens = 5;
    /// one.variants[0][1] = 1; // one quoted match of the first variant
    /// let mut total = Counts::new(&lex);
    /// total.add(&one);
    /// total.add(&one);
    /// assert_eq!((total.docs, total.tokens, total.variants[0]), (2, 10, [0, 2]));
    /// ```
    pub fn add(&mut self, other: &Counts) {
        self.docs += other.docs;
        self.tokens += other.tokens;
        self.authorial_tokens += other.authorial_tokens;
        self.quoted_tokens += other.quoted_tokens;
        self.sentences += other.sentences;
        self.repairs += other.repairs;
        for (a, b) in self.variants.iter_mut().zip(&other.variants) {
            a[0] += b[0];
            a[1] += b[1];
        }
        for (a, b) in self.categories.iter_mut().zip(&other.categories) {
            a[0] += b[0];
            a[1] += b[1];
        }
        for (a, b) in self.weight_sums.iter_mut().zip(&other.weight_sums) {
            a[0] += b[0];
            a[1] += b[1];
        }
    }
}

/// Aggregates of one source: counts plus authorial n-gram counts.
///
/// ```
/// use slant::features::{bigram_key, Aggregates, Extractor, FeatureOptions, SourceAgg, Workspace};
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |source: &str, story: Option<&str>, text: &str| Document { story: story.map(Into::into), ..Document::new("1", source, text) };
/// // `lex`: family "armed_group" (variants "terrorist", "insurgent") and
/// // category "hedge" ("reportedly"); `doc(source, story, text)` builds a Document.
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// for text in ["The insurgents fled.", "The insurgents returned."] {
///     ex.extract(&doc("a", None, text), &mut ws, &mut agg);
/// }
/// let a: &SourceAgg = &agg.sources["a"];
/// assert_eq!((a.counts.docs, a.counts.variants[1]), (2, [2, 0]));
/// let the = agg.vocab.id("the").unwrap();
/// let insurgents = agg.vocab.id("insurgents").unwrap();
/// assert_eq!(a.ngrams.get(bigram_key(the, insurgents)), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceAgg {
    /// Summed counts.
    pub counts: Counts,
    /// Authorial n-gram counts keyed by [`unigram_key`] / [`bigram_key`]
    /// over [`Vocab`] ids.
    pub ngrams: NgramCounts,
    /// Per furniture label ([`boilerplate::furniture_of`]), the
    /// `[documents, sentences]` with it (left out of `ngrams`); empty until
    /// the first one.
    pub furniture: Vec<[u64; 2]>,
}

/// Mergeable sums over documents, keyed by source and by (source, story).
///
/// ```
/// use slant::features::{unigram_key, Aggregates, Extractor, FeatureOptions, Workspace};
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |source: &str, story: Option<&str>, text: &str| Document { story: story.map(Into::into), ..Document::new("1", source, text) };
/// // `lex`: family "armed_group" (variants "terrorist", "insurgent") and
/// // category "hedge" ("reportedly"); `doc(source, story, text)` builds a Document.
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let mut ws = Workspace::default();
/// // Two shards (say, two threads), each with aggregates of its own.
/// let (mut left, mut right) = (Aggregates::new(&lex), Aggregates::new(&lex));
/// ex.extract(&doc("a", Some("s1"), "The insurgents fled."), &mut ws, &mut left);
/// ex.extract(&doc("a", Some("s2"), "Terrorists fled."), &mut ws, &mut right);
/// ex.extract(&doc("b", Some("s1"), "Insurgents fled."), &mut ws, &mut right);
/// left.merge(right);
/// assert_eq!((left.total().docs, left.sources["a"].counts.docs), (3, 2));
/// assert_eq!(left.stories[&("b".to_string(), "s1".to_string())].variants[1], [1, 0]);
/// // N-grams are keyed by ids of the merged vocabulary.
/// let fled = left.vocab.id("fled").unwrap();
/// assert_eq!(left.sources["a"].ngrams.get(unigram_key(fled)), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Aggregates {
    /// N-gram vocabulary (ids are local to this aggregate until
    /// [`Aggregates::merge`] remaps them).
    pub vocab: Vocab,
    /// Per source.
    pub sources: BTreeMap<String, SourceAgg>,
    /// Per (source, story), for documents with a story id.
    pub stories: BTreeMap<(String, String), Counts>,
    template: Counts,
}

impl Aggregates {
    /// Empty aggregates shaped for `lexicon`.
    ///
    /// ```
    /// use slant::features::{Aggregates, Counts};
    /// # let lex = slant::lexicon::Lexicon::builtin();
    /// let agg = Aggregates::new(&lex);
    /// assert!(agg.sources.is_empty() && agg.vocab.is_empty());
    /// // Totals have the lexicon's shape even before the first document.
    /// assert_eq!(agg.total(), Counts::new(&lex));
    /// ```
    pub fn new(lexicon: &Lexicon) -> Aggregates {
        Aggregates {
            template: Counts::new(lexicon),
            ..Default::default()
        }
    }

    /// Empty aggregates whose vocabulary starts as `vocab` (no counts).
    ///
    /// Workers seeded with one vocabulary (say, a first worker's after its
    /// first batch) give its words the same ids, so [`merge`](Self::merge)
    /// copies the n-gram keys made of them instead of re-sorting them.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::features::{unigram_key, Aggregates};
    /// # use slant::features::{Extractor, FeatureOptions, Workspace};
    /// # let lex = slant::lexicon::Lexicon::builtin();
    /// # let ex = Extractor::new(&lex, FeatureOptions::default());
    /// # let mut ws = Workspace::default();
    /// let mut a = Aggregates::new(&lex);
    /// ex.extract(&Document::new("1", "x", "Rebels fled."), &mut ws, &mut a);
    /// let mut b = Aggregates::seeded(&lex, a.vocab.clone());
    /// assert!(b.sources.is_empty());
    /// ex.extract(&Document::new("2", "x", "Troops fled."), &mut ws, &mut b);
    /// assert_eq!(a.vocab.id("fled"), b.vocab.id("fled"));
    /// a.merge(b);
    /// let fled = a.vocab.id("fled").unwrap();
    /// assert_eq!(a.sources["x"].ngrams.get(unigram_key(fled)), 2);
    /// ```
    pub fn seeded(lexicon: &Lexicon, vocab: Vocab) -> Aggregates {
        Aggregates {
            vocab,
            ..Aggregates::new(lexicon)
        }
    }

    fn source_mut(&mut self, source: &str) -> &mut SourceAgg {
        if !self.sources.contains_key(source) {
            self.sources.insert(
                source.to_string(),
                SourceAgg {
                    counts: self.template.clone(),
                    ..SourceAgg::default()
                },
            );
        }
        self.sources.get_mut(source).expect("just inserted")
    }

    /// Add `other` into `self` (sums; n-gram ids remapped through strings).
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::features::{unigram_key, Aggregates};
    /// # use slant::features::{Extractor, FeatureOptions, Workspace};
    /// # let lex = slant::lexicon::Lexicon::builtin();
    /// # let ex = Extractor::new(&lex, FeatureOptions::default());
    /// # let mut ws = Workspace::default();
    /// let (mut a, mut b) = (Aggregates::new(&lex), Aggregates::new(&lex));
    /// ex.extract(&Document::new("1", "x", "Rebels fled."), &mut ws, &mut a);
    /// ex.extract(&Document::new("2", "x", "Troops and civilians fled."), &mut ws, &mut b);
    /// // "fled" has a different id in each; merging maps ids through their strings.
    /// assert_ne!(a.vocab.id("fled"), b.vocab.id("fled"));
    /// a.merge(b);
    /// assert_eq!(a.sources["x"].counts.docs, 2);
    /// let fled = a.vocab.id("fled").unwrap();
    /// assert_eq!(a.sources["x"].ngrams.get(unigram_key(fled)), 2);
    /// ```
    pub fn merge(&mut self, mut other: Aggregates) {
        // Mapping the other's words to ids here is mostly sequential (new
        // words are interned in id order); it runs while the rest of the
        // pool compacts both sides' n-gram counts, largest first.
        let Aggregates { vocab, sources, .. } = self;
        let (remap, ()) = rayon::join(
            || remap_vocab(vocab, &other.vocab),
            || {
                let mut all: Vec<&mut NgramCounts> = sources
                    .values_mut()
                    .chain(other.sources.values_mut())
                    .map(|s| &mut s.ngrams)
                    .collect();
                all.sort_by_key(|n| std::cmp::Reverse(n.heap_bytes()));
                all.into_par_iter()
                    .with_max_len(1)
                    .for_each(NgramCounts::compact);
            },
        );
        // A key's halves are ids, except a unigram's high half (u32::MAX).
        let map_hi = |hi: u32| match hi {
            u32::MAX => u32::MAX,
            id => remap[id as usize],
        };
        let map_lo = |id: u32| remap[id as usize];
        // Ids both vocabularies share (a common seed, see `seeded`) map to
        // themselves: keys made of them need no re-sorting. No id past
        // that prefix can map into it (its words are taken).
        let fixed = remap
            .iter()
            .zip(0u32..)
            .take_while(|&(&to, from)| to == from)
            .count() as u32;
        debug_assert_eq!(unigram_key(7) >> 32, u32::MAX as u64);
        debug_assert_eq!(bigram_key(7, 9), 7 << 32 | 9);
        let mut pairs = Vec::with_capacity(other.sources.len());
        for (source, agg) in other.sources {
            self.source_mut(&source);
            pairs.push((source, agg));
        }
        // Each source's n-gram merge is independent: run them in parallel.
        let mut mine: Vec<(&mut SourceAgg, SourceAgg)> = Vec::with_capacity(pairs.len());
        let mut theirs = pairs.into_iter().peekable();
        for (name, sa) in self.sources.iter_mut() {
            if theirs.peek().is_some_and(|(n, _)| n == name) {
                let (_, t) = theirs.next().expect("peeked");
                mine.push((sa, t));
            }
        }
        // Largest first, one source per task: a few outlets hold most of
        // the n-grams, and they must not end up queued behind each other.
        mine.sort_by_key(|(m, t)| std::cmp::Reverse(m.ngrams.len() + t.ngrams.len()));
        mine.into_par_iter().with_max_len(1).for_each(|(m, t)| {
            m.counts.add(&t.counts);
            add_furniture(&mut m.furniture, &t.furniture);
            m.ngrams.merge_mapped(t.ngrams, fixed, map_hi, map_lo);
        });
        for (key, counts) in other.stories {
            match self.stories.get_mut(&key) {
                Some(c) => c.add(&counts),
                None => {
                    self.stories.insert(key, counts);
                }
            }
        }
    }

    /// Sort every source's pending n-gram keys into runs (done once when
    /// extraction ends; reading counts works either way, only slower).
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::features::Aggregates;
    /// # use slant::features::{Extractor, FeatureOptions, Workspace};
    /// # let lex = slant::lexicon::Lexicon::builtin();
    /// # let ex = Extractor::new(&lex, FeatureOptions::default());
    /// # let mut ws = Workspace::default();
    /// let mut agg = Aggregates::new(&lex);
    /// ex.extract(&Document::new("1", "a", "Rebels fled. Rebels returned."), &mut ws, &mut agg);
    /// let before: Vec<(u64, u64)> = agg.sources["a"].ngrams.iter().collect();
    /// agg.flush_ngrams();
    /// // The same counts, now read from sorted runs.
    /// assert_eq!(agg.sources["a"].ngrams.iter().collect::<Vec<_>>(), before);
    /// ```
    pub fn flush_ngrams(&mut self) {
        let mut all: Vec<&mut SourceAgg> = self.sources.values_mut().collect();
        all.sort_by_key(|s| std::cmp::Reverse(s.ngrams.heap_bytes()));
        all.into_par_iter()
            .with_max_len(1)
            .for_each(|s| s.ngrams.compact());
    }

    /// Total counts over all sources.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::features::Aggregates;
    /// # use slant::features::{Extractor, FeatureOptions, Workspace};
    /// # let lex = slant::lexicon::Lexicon::builtin();
    /// # let ex = Extractor::new(&lex, FeatureOptions::default());
    /// # let mut ws = Workspace::default();
    /// let mut agg = Aggregates::new(&lex);
    /// ex.extract(&Document::new("1", "a", "Rebels fled."), &mut ws, &mut agg);
    /// ex.extract(&Document::new("2", "b", "Troops advanced quickly."), &mut ws, &mut agg);
    /// let t = agg.total();
    /// assert_eq!((t.docs, t.tokens), (2, 5));
    /// ```
    pub fn total(&self) -> Counts {
        let mut t = self.template.clone();
        for s in self.sources.values() {
            t.add(&s.counts);
        }
        t
    }
}

/// One lexicon match kept for evidence.
///
/// ```
/// use slant::features::{Aggregates, Extractor, FeatureOptions, MatchRecord, Workspace};
/// use slant::text::Voice;
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |source: &str, story: Option<&str>, text: &str| Document { story: story.map(Into::into), ..Document::new("1", source, text) };
/// // `lex`: family "armed_group" (variants "terrorist", "insurgent") and
/// // category "hedge" ("reportedly"); `doc(source, story, text)` builds a Document.
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// // Curly quotes become straight ones in the normalised text.
/// let text = "The insurgents fled. \u{201c}Terrorists!\u{201d} he said.";
/// let f = ex.extract(&doc("a", None, text), &mut ws, &mut agg);
/// let m: &MatchRecord = &f.matches[1];
/// assert_eq!(&ws.text[m.original.clone()], "Terrorists");
/// assert_eq!(&ws.analyzed.norm.text[m.m.start as usize..m.m.end as usize], "Terrorists");
/// assert_eq!((m.m.start, m.original.start), (22, 24));
/// assert_eq!((m.sentence, m.voice), (1, Voice::Quoted));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MatchRecord {
    /// The match (span in normalised text).
    pub m: Match,
    /// Byte span in the analysed original text.
    pub original: std::ops::Range<usize>,
    /// Sentence index within the document.
    pub sentence: u32,
    /// Voice.
    pub voice: Voice,
}

/// Features of one document.
///
/// ```
/// use slant::features::{Aggregates, DocFeatures, Extractor, FeatureOptions, Workspace};
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |source: &str, story: Option<&str>, text: &str| Document { story: story.map(Into::into), ..Document::new("1", source, text) };
/// // `lex`: family "armed_group" (variants "terrorist", "insurgent") and
/// // category "hedge" ("reportedly"); `doc(source, story, text)` builds a Document.
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// let d = doc("a", None, "The insurgents reportedly fled, said terrorists.");
/// let f: DocFeatures = ex.extract(&d, &mut ws, &mut agg);
/// let found: Vec<&str> = f.matches.iter().map(|m| &ws.text[m.original.clone()]).collect();
/// assert_eq!(found, ["insurgents", "reportedly", "terrorists"]);
/// assert_eq!(f.counts.docs, 1);
/// // The same counts were added to the source's aggregate.
/// assert_eq!(agg.sources["a"].counts, f.counts);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DocFeatures {
    /// Counts for this document alone (docs = 1).
    pub counts: Counts,
    /// Every lexicon match, in text order.
    pub matches: Vec<MatchRecord>,
}

/// Reusable per-thread buffers for extraction. After
/// [`Extractor::extract`] they hold the analysis of the document just
/// extracted, until the next call.
///
/// ```
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |source: &str, story: Option<&str>, text: &str| Document { story: story.map(Into::into), ..Document::new("1", source, text) };
/// // `lex`: family "armed_group" (variants "terrorist", "insurgent") and
/// // category "hedge" ("reportedly"); `doc(source, story, text)` builds a Document.
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// let mut d = doc("a", None, "Insurgents fled. Officials said so.");
/// d.title = Some("Retreat".into());
/// ex.extract(&d, &mut ws, &mut agg);
/// assert_eq!(ws.text, "Retreat\n\nInsurgents fled. Officials said so.");
/// assert_eq!(ws.analyzed.sentences.len(), 3);
/// let words: Vec<&str> = ws.token_ids().iter()
///     .filter(|&&id| id != u32::MAX).map(|&id| agg.vocab.get(id)).collect();
/// assert_eq!(words[..3], ["retreat", "insurgents", "fled"]);
/// ```
#[derive(Debug, Default)]
pub struct Workspace {
    /// The analysed text of the last document.
    pub analyzed: Analyzed,
    /// The analysed string: title and body (see [`analysed_text`]).
    pub text: String,
    scratch: TokenScratch,
    matches: Vec<Match>,
    /// The document's lookup keys: the analysed text with ASCII letters
    /// lowered, then the lower-cased tokens that have other characters.
    keybuf: String,
    /// Per token: `(start, end)` in `keybuf`, `(0, 0)` when not looked up.
    key_spans: Vec<(u32, u32)>,
    /// Per looked-up token, its prepared key.
    probes: Vec<Key>,
    ids: Vec<u32>,
    /// Per token, the hash of its key (0 when not looked up).
    hashes: Vec<u64>,
    starts: Vec<(u32, u32)>,
    /// This document's sentences for boilerplate detection.
    sentences: SentenceSink,
}

impl Workspace {
    /// Vocabulary ids of the last document's tokens, in the vocabulary of
    /// the [`Aggregates`] it was extracted into (`u32::MAX` for tokens not
    /// looked up: punctuation without punctuation patterns and tokens over
    /// [`FeatureOptions::max_token_bytes`]).
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
    /// # let lex = slant::lexicon::Lexicon::builtin();
    /// let ex = Extractor::new(&lex, FeatureOptions { max_token_bytes: 10, ..Default::default() });
    /// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
    /// ex.extract(&Document::new("1", "a", "Rebels fled unconstitutionally"), &mut ws, &mut agg);
    /// let words: Vec<Option<&str>> =
    ///     ws.token_ids().iter().map(|&id| (id != u32::MAX).then(|| agg.vocab.get(id))).collect();
    /// // The last word is longer than 10 bytes: not looked up.
    /// assert_eq!(words, [Some("rebels"), Some("fled"), None]);
    /// ```
    pub fn token_ids(&self) -> &[u32] {
        &self.ids
    }
}

/// The string slant analyses for a document: the title (when present) as a
/// first paragraph, then the body. Evidence offsets index this string.
/// `out` is cleared first.
///
/// ```
/// use slant::features::analysed_text;
/// # use slant::corpus::Document;
/// # let doc = |source: &str, story: Option<&str>, text: &str| Document { story: story.map(Into::into), ..Document::new("1", source, text) };
/// let mut d = doc("a", None, "Fighting continued.");
/// let mut s = String::from("left over");
/// analysed_text(&d, &mut s);
/// assert_eq!(s, "Fighting continued.");
/// d.title = Some("  Rebels advance ".into());
/// analysed_text(&d, &mut s);
/// assert_eq!(s, "Rebels advance\n\nFighting continued.");
/// ```
pub fn analysed_text(doc: &Document, out: &mut String) {
    out.clear();
    if let Some(t) = &doc.title {
        out.push_str(t.trim());
        out.push_str("\n\n");
    }
    out.push_str(&doc.text);
}

/// Compiled lexicon plus options: extracts [`DocFeatures`]. Build it once
/// and reuse it for every document.
///
/// ```
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// use slant::lexicon::parse_valence;
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let mut lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |source: &str, story: Option<&str>, text: &str| Document { story: story.map(Into::into), ..Document::new("1", source, text) };
/// // `lex`: family "armed_group" (variants "terrorist", "insurgent") and
/// // category "hedge" ("reportedly"); `doc(source, story, text)` builds a Document.
/// // Add a small valence list (term, tab, weight) as a category.
/// lex.categories.push(parse_valence("tone.txt", "tone", "good\t1.9\nbad\t-2.5\n").unwrap());
/// let tone = lex.categories.len() - 1;
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// assert!(ex.is_valence(tone) && !ex.is_valence(0));
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// let f = ex.extract(&doc("a", None, "Good news, bad news, good."), &mut ws, &mut agg);
/// assert_eq!(f.counts.categories[tone], [3, 0]);
/// // 1.9 - 2.5 + 1.9 = 1.3, in units of 1 / VALENCE_SCALE.
/// assert_eq!(f.counts.weight_sums[tone][0], 13_000);
/// ```
#[derive(Debug, Clone)]
pub struct Extractor {
    matcher: TokenMatcher,
    opts: FeatureOptions,
    template: Counts,
    valence: Vec<bool>,
    /// Sentences seen, for boilerplate (with n-grams and boilerplate on).
    sentences: Option<boilerplate::SentenceTable>,
}

/// Lower-case `s` into `out` as the vocabulary keys are (per character).
pub(crate) fn lower_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
    } else {
        for c in s.chars() {
            out.extend(c.to_lowercase());
        }
    }
}

impl Extractor {
    /// Compile `lexicon` for extraction.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
    /// use slant::lexicon::Lexicon;
    /// let lex = Lexicon::from_toml_str("hedges.toml", r#"
    /// [[category]]
    /// id = "hedge"
    /// terms = ["reportedly", "allegedly"]
    /// "#).unwrap();
    /// let ex = Extractor::new(&lex, FeatureOptions::default());
    /// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
    /// let d = Document::new("1", "a", "Rebels reportedly fled, allegedly.");
    /// assert_eq!(ex.extract(&d, &mut ws, &mut agg).counts.categories, [[2, 0]]);
    /// ```
    pub fn new(lexicon: &Lexicon, opts: FeatureOptions) -> Extractor {
        let boilerplate = opts.ngrams && opts.boilerplate_min_docs > 0;
        Extractor {
            matcher: TokenMatcher::new(lexicon),
            template: Counts::new(lexicon),
            valence: lexicon.categories.iter().map(|c| c.valence).collect(),
            sentences: boilerplate.then(boilerplate::SentenceTable::default),
            opts,
        }
    }

    /// The sentences this extractor (and its clones) has seen, for
    /// [`boilerplate::remove_boilerplate`]; `None` without n-grams or with
    /// boilerplate detection off.
    ///
    /// ```
    /// use slant::features::{Extractor, FeatureOptions};
    /// let lex = slant::lexicon::Lexicon::builtin();
    /// assert!(Extractor::new(&lex, FeatureOptions::default()).sentence_table().is_some());
    /// let off = FeatureOptions { boilerplate_min_docs: 0, ..Default::default() };
    /// assert!(Extractor::new(&lex, off).sentence_table().is_none());
    /// ```
    pub fn sentence_table(&self) -> Option<&boilerplate::SentenceTable> {
        self.sentences.as_ref()
    }

    /// Whether category `i` is a valence category (`false` when there is no
    /// category `i`).
    ///
    /// ```
    /// use slant::features::{Extractor, FeatureOptions};
    /// let lex = slant::lexicon::Lexicon::builtin();
    /// let ex = Extractor::new(&lex, FeatureOptions::default());
    /// let sentiment = lex.categories.iter().position(|c| c.id == "sentiment").unwrap();
    /// let hedge = lex.categories.iter().position(|c| c.id == "hedge").unwrap();
    /// assert!(ex.is_valence(sentiment) && !ex.is_valence(hedge));
    /// assert!(!ex.is_valence(lex.categories.len()));
    /// ```
    pub fn is_valence(&self, i: usize) -> bool {
        self.valence.get(i).copied().unwrap_or(false)
    }

    /// Analyse one document: returns its features and adds its counts (and
    /// n-grams) to `agg`.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::features::{Aggregates, Workspace};
    /// # use slant::features::{Extractor, FeatureOptions};
    /// # let lex = slant::lexicon::Lexicon::builtin();
    /// # let ex = Extractor::new(&lex, FeatureOptions::default());
    /// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
    /// let d = Document::new("1", "a", "The insurgents fled.").with_story("s1");
    /// let f = ex.extract(&d, &mut ws, &mut agg);
    /// assert_eq!((f.counts.docs, f.counts.tokens), (1, 3));
    /// // The same counts went to the source and to its story.
    /// assert_eq!(agg.sources["a"].counts, f.counts);
    /// assert_eq!(agg.stories[&("a".to_string(), "s1".to_string())], f.counts);
    /// ```
    pub fn extract(&self, doc: &Document, ws: &mut Workspace, agg: &mut Aggregates) -> DocFeatures {
        analysed_text(doc, &mut ws.text);
        ws.analyzed.analyze(&ws.text);
        let Workspace {
            analyzed: a,
            scratch,
            matches: found,
            keybuf,
            key_spans,
            probes,
            ids,
            hashes,
            starts,
            sentences: sink,
            ..
        } = ws;
        let text = a.norm.text.as_str();
        let mut counts = self.template.clone();
        counts.docs = 1;
        counts.repairs = doc.repairs as u64;
        counts.sentences = a.sentences.len() as u64;
        // First pass over tokens: voice counts and lookup keys.
        // The text with ASCII letters lowered (same offsets); keys of
        // tokens with other characters are appended after it.
        keybuf.clear();
        keybuf.push_str(text);
        keybuf.make_ascii_lowercase();
        key_spans.clear();
        key_spans.reserve(a.tokens.len());
        probes.clear();
        for t in &a.tokens {
            if t.kind != TokenKind::Punct {
                counts.tokens += 1;
                match t.voice {
                    Voice::Authorial => counts.authorial_tokens += 1,
                    Voice::Quoted => counts.quoted_tokens += 1,
                }
            }
            let word = t.text(text);
            if word.len() > self.opts.max_token_bytes
                || (t.kind == TokenKind::Punct && !self.matcher.has_punct_patterns())
            {
                key_spans.push((0, 0));
                continue;
            }
            let (k0, k1) = if t.ascii {
                // The key is the lowered text at the token's own offsets.
                (t.start as usize, t.end as usize)
            } else {
                let k0 = keybuf.len();
                keybuf.extend(word.chars().flat_map(char::to_lowercase));
                (k0, keybuf.len())
            };
            key_spans.push((k0 as u32, k1 as u32));
            probes.push(Key::within(keybuf, k0, k1));
        }
        // Touch every key's slot before interning: the loads are
        // independent, so their cache misses overlap instead of queueing
        // behind each lookup's compare-and-branch.
        std::hint::black_box(probes.iter().fold(0, |x, k| x ^ agg.vocab.touch(k)));
        // Second pass: vocabulary ids (a new token gets the lexicon patterns
        // it can start computed once).
        ids.clear();
        ids.reserve(a.tokens.len());
        hashes.clear();
        hashes.reserve(a.tokens.len());
        starts.clear();
        starts.reserve(a.tokens.len());
        let mut probe = probes.iter();
        for &(k0, k1) in key_spans.iter() {
            if k0 == k1 {
                ids.push(u32::MAX);
                hashes.push(0);
                starts.push((0, 0));
                continue;
            }
            let key = probe.next().expect("one probe per looked-up token");
            hashes.push(key.hash());
            let (id, range) =
                agg.vocab
                    .intern_key(key, &keybuf[k0 as usize..k1 as usize], |k, out| {
                        self.matcher.starts_for(k, out)
                    });
            ids.push(id);
            starts.push((range.start, range.end));
        }
        let view = DocView {
            vocab: &agg.vocab,
            keybuf,
            key_spans,
            starts,
        };
        self.matcher
            .find_into(text, &a.tokens, &view, scratch, found);
        let mut matches = Vec::with_capacity(found.len());
        // Matches come in text order: sentence, quotation and mapping
        // lookups advance cursors instead of searching from scratch.
        let (mut qc, mut sc, mut gc) = (0usize, 0usize, 0usize);
        for m in found.iter() {
            let q = advance(&a.quotes, &mut qc, |q| q.end <= m.start);
            let voice = match a.quotes.get(q) {
                Some(q) if q.start <= m.start => Voice::Quoted,
                _ => Voice::Authorial,
            };
            debug_assert_eq!(voice, a.voice_at(m.start));
            let sentence = advance(&a.sentences, &mut sc, |s| s.end <= m.start)
                .min(a.sentences.len().saturating_sub(1)) as u32;
            debug_assert_eq!(sentence, a.sentence_at(m.start));
            let original = a
                .norm
                .to_original_seq(m.start as usize..m.end as usize, &mut gc);
            debug_assert_eq!(
                original,
                a.norm.to_original(m.start as usize..m.end as usize)
            );
            let v = (voice == Voice::Quoted) as usize;
            match m.target {
                Target::Variant { flat, .. } => counts.variants[flat as usize][v] += 1,
                Target::Category { category, weight } => {
                    counts.categories[category as usize][v] += 1;
                    counts.weight_sums[category as usize][v] +=
                        (weight as f64 * VALENCE_SCALE).round() as i64;
                }
            }
            matches.push(MatchRecord {
                m: *m,
                original,
                sentence,
                voice,
            });
        }
        let src = agg.source_mut(&doc.source);
        src.counts.add(&counts);
        if self.opts.ngrams {
            sink.track = self.sentences.is_some();
            sink.furniture = self.opts.boilerplate_min_docs > 0;
            count_ngrams(a, ids, hashes, &mut src.ngrams, sink);
            if !sink.furniture_hits.is_empty() {
                count_furniture(&mut src.furniture, &mut sink.furniture_hits);
            }
            if let Some(table) = &self.sentences {
                table.record(&doc.source, &mut sink.hashes, |s, out| {
                    sentence_words(a, ids, keybuf, key_spans, s, out)
                });
            }
        }
        if let Some(story) = &doc.story {
            match agg.stories.get_mut(&(doc.source.clone(), story.clone())) {
                Some(c) => c.add(&counts),
                None => {
                    agg.stories
                        .insert((doc.source.clone(), story.clone()), counts.clone());
                }
            }
        }
        DocFeatures { counts, matches }
    }
}

/// Add per-label `[documents, sentences]` furniture counts.
fn add_furniture(into: &mut Vec<[u64; 2]>, from: &[[u64; 2]]) {
    if into.len() < from.len() {
        into.resize(from.len(), [0; 2]);
    }
    for (a, b) in into.iter_mut().zip(from) {
        a[0] += b[0];
        a[1] += b[1];
    }
}

/// The id in `base` of each of `other`'s words (by `other`'s id), adding
/// the words `base` lacks. Most are known: they are looked up in parallel,
/// then the rest are interned in id order.
fn remap_vocab(base: &mut Vocab, other: &Vocab) -> Vec<u32> {
    let known: Vec<Option<u32>> = (0..other.len() as u32)
        .into_par_iter()
        .map(|id| base.id(other.get(id)))
        .collect();
    known
        .into_iter()
        .zip(0u32..)
        .map(|(k, id)| k.unwrap_or_else(|| base.intern(other.get(id))))
        .collect()
}

/// `items.partition_point(pred)` for a predicate that holds on a prefix and
/// whose prefix only grows between calls (positions in text order):
/// `cursor` carries the previous answer, so a call costs a short forward
/// scan. Falls back to a binary search if the prefix shrank.
#[inline]
fn advance<T>(items: &[T], cursor: &mut usize, pred: impl Fn(&T) -> bool) -> usize {
    let mut i = (*cursor).min(items.len());
    if i > 0 && !pred(&items[i - 1]) {
        i = items.partition_point(&pred);
    }
    while i < items.len() && pred(&items[i]) {
        i += 1;
    }
    *cursor = i;
    i
}

/// A document's tokens as a [`TokenTable`](crate::lexicon::TokenTable):
/// vocabulary ids (`u32::MAX` for tokens not looked up) and the ranges of
/// their pattern lists in the vocabulary's pool.
struct DocView<'a> {
    vocab: &'a Vocab,
    keybuf: &'a str,
    key_spans: &'a [(u32, u32)],
    starts: &'a [(u32, u32)],
}

impl crate::lexicon::TokenTable for DocView<'_> {
    #[inline]
    fn key(&self, i: usize) -> &str {
        // The document's own copy of the key: sequential memory, unlike
        // the vocabulary's arena.
        let (a, b) = self.key_spans[i];
        &self.keybuf[a as usize..b as usize]
    }

    #[inline]
    fn starts(&self, i: usize) -> &[u32] {
        let (a, b) = self.starts[i];
        &self.vocab.extra_pool()[a as usize..b as usize]
    }
}

/// What n-gram counting leaves for boilerplate detection about the
/// document it counted (reused between documents).
#[derive(Debug, Default)]
struct SentenceSink {
    /// Hash each sentence's counted words.
    track: bool,
    /// Skip sentences with a furniture label ([`boilerplate::furniture_of`]).
    furniture: bool,
    /// `(hash, sentence index)` of the sentences with counted words.
    hashes: Vec<(u64, u32)>,
    /// The furniture label of each skipped sentence.
    furniture_hits: Vec<u8>,
}

/// Whether token `i` is counted in the n-grams: an authorial word that was
/// looked up and is not part of a web address.
#[inline]
fn counted(tokens: &[crate::text::Token], text: &[u8], i: usize, id: u32) -> bool {
    let t = &tokens[i];
    t.kind == TokenKind::Word
        && t.voice == Voice::Authorial
        && id <= MAX_OCCURRENCE_ID
        && !web_part(tokens, text, i)
}

/// Whether word `i` is part of a web address, e-mail address or handle:
/// written without a space against a `/`, a `:/`, an `@`, or a `.` with
/// another word or number on its other side (`pic.twitter.com/x`,
/// `https://t.co`, `@handle`). Such pieces are not words of the text.
#[inline]
fn web_part(tokens: &[crate::text::Token], text: &[u8], i: usize) -> bool {
    let t = &tokens[i];
    let punct = |p: &crate::text::Token| {
        if p.kind == TokenKind::Punct && p.end == p.start + 1 {
            text[p.start as usize]
        } else {
            0
        }
    };
    if let Some(n) = tokens.get(i + 1).filter(|n| n.start == t.end) {
        let after = tokens.get(i + 2).filter(|m| m.start == n.end);
        match punct(n) {
            b'/' | b'@' => return true,
            b':' if after.is_some_and(|m| punct(m) == b'/') => return true,
            b'.' if after.is_some_and(|m| m.kind != TokenKind::Punct) => return true,
            _ => {}
        }
    }
    if let Some(p) = i
        .checked_sub(1)
        .map(|j| &tokens[j])
        .filter(|p| p.end == t.start)
    {
        let before = i
            .checked_sub(2)
            .map(|j| &tokens[j])
            .filter(|b| b.end == p.start);
        match punct(p) {
            b'/' | b'@' => return true,
            b'.' if before.is_some_and(|b| b.kind != TokenKind::Punct) => return true,
            _ => {}
        }
    }
    false
}

/// Whether two counted tokens make a bigram: adjacent with one space
/// between them.
#[inline]
fn bigram_gap(text: &[u8], prev_end: u32, next: &crate::text::Token) -> bool {
    next.start == prev_end + 1 && text.get(prev_end as usize) == Some(&b' ')
}

/// Count authorial unigrams and bigrams of word tokens (bigrams only
/// between adjacent words of the same sentence with just a space between
/// them). Keys are collected per document, sorted and counted in runs, so
/// the document's keys are appended to the source's counts, which sort
/// them in large batches (see [`NgramCounts`]).
///
/// With `sink.furniture`, sentences with a furniture label are skipped
/// (their label in `sink.furniture_hits`); with `sink.track`, each
/// other sentence with counted words and no quoted word (a quotation's
/// authorial rest, "he said", is not site text) leaves the hash of those words (from
/// `hashes`, the tokens' key hashes) and whether each forms a bigram with
/// the previous one, in `sink.hashes`.
fn count_ngrams(
    a: &Analyzed,
    ids: &[u32],
    hashes: &[u64],
    ngrams: &mut NgramCounts,
    sink: &mut SentenceSink,
) {
    let text = a.norm.text.as_bytes();
    sink.hashes.clear();
    sink.furniture_hits.clear();
    let (track, furniture) = (sink.track, sink.furniture);
    let SentenceSink {
        hashes: out,
        furniture_hits,
        ..
    } = sink;
    ngrams.add_with(|keys| {
        for (si, s) in a.sentences.iter().enumerate() {
            let tokens = &a.tokens[s.first_token as usize..s.end_token as usize];
            if furniture {
                if let Some(l) = boilerplate::furniture_of(&a.norm.text, tokens) {
                    furniture_hits.push(l as u8);
                    continue;
                }
            }
            // One occurrence key per counted word, pushed when the next
            // token shows whether the two make a bigram.
            let mut prev: Option<(u32, u32)> = None; // (id, end)
            let (mut h, mut words, mut quoted) = (0u64, 0u32, false);
            for (i, t) in (s.first_token as usize..).zip(tokens) {
                let id = ids[i];
                if !counted(&a.tokens, text, i, id) {
                    quoted |= t.voice == Voice::Quoted && t.kind == TokenKind::Word;
                    if let Some((p, _)) = prev.take() {
                        keys.push(occurrence_key(p, None));
                    }
                    continue;
                }
                let mut linked = false;
                if let Some((p, pe)) = prev {
                    linked = bigram_gap(text, pe, t);
                    keys.push(occurrence_key(p, linked.then_some(id)));
                }
                if track {
                    h = h.rotate_left(23).wrapping_add(hashes[i] ^ linked as u64);
                    words += 1;
                }
                prev = Some((id, t.end));
            }
            if let Some((p, _)) = prev {
                keys.push(occurrence_key(p, None));
            }
            // A sentence with a quotation is reporting, not site text: its
            // authorial rest ("he said") repeats across documents by nature.
            if track && words > 0 && !quoted {
                out.push((
                    vocab::fold(h ^ words as u64, 0x2545_f491_4f6c_dd1d),
                    si as u32,
                ));
            }
        }
    });
}

/// Add one document's furniture sentences (`hits`, their labels; sorted
/// here) to a source's `[documents, sentences]` per label.
fn count_furniture(counts: &mut Vec<[u64; 2]>, hits: &mut [u8]) {
    let labels = boilerplate::LEADS.len() + boilerplate::TAILS.len();
    if counts.len() < labels {
        counts.resize(labels, [0; 2]);
    }
    hits.sort_unstable();
    for (i, &l) in hits.iter().enumerate() {
        let e = &mut counts[l as usize];
        e[1] += 1;
        if i == 0 || hits[i - 1] != l {
            e[0] += 1;
        }
    }
}

/// Append the counted words of sentence `s` to `out` as
/// [`boilerplate`] stores them: lower-cased, `' '` before a word that forms
/// a bigram with the previous one, `'\t'` before one that does not.
fn sentence_words(
    a: &Analyzed,
    ids: &[u32],
    keybuf: &str,
    key_spans: &[(u32, u32)],
    s: u32,
    out: &mut String,
) {
    let text = a.norm.text.as_bytes();
    let s = a.sentences[s as usize];
    let mut prev_end: Option<u32> = None;
    for i in s.first_token as usize..s.end_token as usize {
        let t = &a.tokens[i];
        if !counted(&a.tokens, text, i, ids[i]) {
            prev_end = None;
            continue;
        }
        if !out.is_empty() {
            let linked = prev_end.is_some_and(|pe| bigram_gap(text, pe, t));
            out.push(if linked { ' ' } else { '\t' });
        }
        let (k0, k1) = key_spans[i];
        out.push_str(&keybuf[k0 as usize..k1 as usize]);
        prev_end = Some(t.end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn doc(i: usize, source: &str, story: Option<&str>, text: &str) -> Document {
        Document {
            story: story.map(Into::into),
            ..Document::new(i.to_string(), source, text)
        }
    }

    /// Everything an aggregate says, with n-grams as text (ids differ
    /// between shards).
    type Snapshot = (
        BTreeMap<String, (Counts, BTreeMap<String, u64>)>,
        BTreeMap<(String, String), Counts>,
    );

    fn snapshot(agg: &Aggregates) -> Snapshot {
        let sources = agg
            .sources
            .iter()
            .map(|(s, a)| {
                let ngrams = a
                    .ngrams
                    .iter()
                    .map(|(k, c)| (agg.vocab.ngram_text(k), c))
                    .collect();
                (s.clone(), (a.counts.clone(), ngrams))
            })
            .collect();
        (sources, agg.stories.clone())
    }

    /// The built-in lexicon and its extractor, built once for all cases.
    fn shared() -> &'static (Lexicon, Extractor) {
        static SHARED: std::sync::OnceLock<(Lexicon, Extractor)> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            let lex = Lexicon::builtin();
            let ex = Extractor::new(&lex, FeatureOptions::default());
            (lex, ex)
        })
    }

    /// The n-gram rules written out directly: every authorial word is a
    /// unigram, unless a `/`, `@`, `:/` or a `.` followed (or preceded) by a
    /// letter or digit touches it (a web address); two such words of one
    /// sentence with one space between them are a bigram.
    fn ngrams_by_the_rules(a: &Analyzed, ids: &[u32]) -> Vec<(u64, u64)> {
        let text = a.norm.text.as_bytes();
        let at = |i: isize| {
            usize::try_from(i)
                .ok()
                .and_then(|i| text.get(i))
                .copied()
                .unwrap_or(b' ')
        };
        let web = |t: &crate::text::Token| {
            let (s, e) = (t.start as isize, t.end as isize);
            matches!(at(s - 1), b'/' | b'@')
                || matches!(at(e), b'/' | b'@')
                || (at(e) == b':' && at(e + 1) == b'/')
                || (at(e) == b'.' && at(e + 1).is_ascii_alphanumeric())
                || (at(s - 1) == b'.' && at(s - 2).is_ascii_alphanumeric())
        };
        let counted = |i: usize| {
            let t = &a.tokens[i];
            t.kind == TokenKind::Word
                && t.voice == Voice::Authorial
                && ids[i] != u32::MAX
                && !web(t)
        };
        let mut want: BTreeMap<u64, u64> = BTreeMap::new();
        for i in 0..a.tokens.len() {
            if !counted(i) {
                continue;
            }
            *want.entry(unigram_key(ids[i])).or_insert(0) += 1;
            if i + 1 < a.tokens.len() && counted(i + 1) {
                let (t, u) = (&a.tokens[i], &a.tokens[i + 1]);
                let same_sentence = a.sentence_at(t.start) == a.sentence_at(u.start);
                if same_sentence && u.start == t.end + 1 && text[t.end as usize] == b' ' {
                    *want.entry(bigram_key(ids[i], ids[i + 1])).or_insert(0) += 1;
                }
            }
        }
        want.into_iter().collect()
    }

    proptest! {
        /// Occurrence keys count what the rules say.
        #[test]
        fn ngram_counts_follow_the_rules(
            words in proptest::collection::vec(
                prop_oneof![
                    Just("the"), Just("rebels"), Just("said"), Just("\"Rebels"), Just("attack.\""),
                    Just("fled."), Just("Then,"), Just("a"), Just("b"), Just("(c)"), Just("--"),
                    Just("Don't"), Just("stop!"), Just("\n\n"), Just("pic.twitter.com/x1"),
                    Just("(@handle)"), Just("and/or"), Just("https://t.co/ab"), Just("U.S."),
                ],
                0..40,
            ),
        ) {
            let mut a = Analyzed::default();
            a.analyze(&words.join(" "));
            let mut vocab = Vocab::default();
            let ids: Vec<u32> = a
                .tokens
                .iter()
                .map(|t| match t.kind {
                    TokenKind::Punct => u32::MAX,
                    _ => vocab.intern(&t.text(&a.norm.text).to_lowercase()),
                })
                .collect();
            let want = ngrams_by_the_rules(&a, &ids);
            let mut c = NgramCounts::default();
            let hashes = vec![0; ids.len()];
            count_ngrams(&a, &ids, &hashes, &mut c, &mut SentenceSink::default());
            prop_assert_eq!(c.iter().collect::<Vec<_>>(), want);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]
        /// Aggregates are sums: extracting two shards separately and merging
        /// equals extracting the union, whatever the split.
        #[test]
        fn aggregates_of_shards_merge_to_the_union(
            docs in proptest::collection::vec(
                (
                    0usize..3,
                    proptest::option::of(0usize..2),
                    proptest::collection::vec(
                        prop_oneof![
                            Just("The"), Just("terrorists"), Just("insurgents"), Just("said"),
                            Just("claimed"), Just("may"), Just("\"Terrorists!\""), Just("good"),
                            Just("attack."), Just("Rebels"), Just("reportedly"), Just("bad"),
                        ],
                        1..25,
                    ),
                ),
                1..12,
            ),
            split in any::<u64>(),
        ) {
            let (lex, ex) = shared();
            let docs: Vec<Document> = docs
                .iter()
                .enumerate()
                .map(|(i, (s, k, words))| {
                    doc(i, ["a", "b", "c"][*s], k.map(|k| ["s1", "s2"][k]), &words.join(" "))
                })
                .collect();
            let mut ws = Workspace::default();
            let mut all = Aggregates::new(lex);
            let (mut left, mut right) = (Aggregates::new(lex), Aggregates::new(lex));
            for (i, d) in docs.iter().enumerate() {
                ex.extract(d, &mut ws, &mut all);
                let shard = if split >> (i % 64) & 1 == 1 { &mut left } else { &mut right };
                ex.extract(d, &mut ws, shard);
            }
            let mut merged = Aggregates::new(lex);
            merged.merge(right);
            merged.merge(left);
            prop_assert_eq!(snapshot(&merged), snapshot(&all));
        }
    }

    /// Sentences for the boilerplate property: any may repeat across
    /// documents; two differ only in a number and a comma (the same words,
    /// but not the same bigrams), one is partly quoted (never boilerplate).
    const SENTENCES: &[&str] = &[
        "Rebels took the town.",
        "The council met again.",
        "The council met, again.",
        "Troops fled 3 times.",
        "Troops fled 7 times.",
        "\"Rebels took the town,\" he said.",
        "Officials said little.",
        "Sign-up for the newsletter.",
    ];

    /// N-gram counts per source as text.
    fn ngram_texts(agg: &Aggregates) -> BTreeMap<String, BTreeMap<String, u64>> {
        snapshot(agg)
            .0
            .into_iter()
            .map(|(s, (_, grams))| (s, grams))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(60))]
        /// Removing boilerplate leaves exactly the n-grams of the corpus
        /// without the boilerplate sentences (those in at least `min_docs`
        /// documents of their source), whatever the split into shards.
        #[test]
        fn boilerplate_removal_equals_counting_without_it(
            docs in proptest::collection::vec(
                (0usize..2, proptest::collection::vec(0usize..SENTENCES.len() + 3, 1..6)),
                1..16,
            ),
            min_docs in 2u64..4,
            split in any::<u64>(),
        ) {
            let lex = &shared().0;
            // Indices past SENTENCES are sentences unique to their document.
            let text = |i: usize, picks: &[usize], keep: &dyn Fn(usize) -> bool| -> String {
                picks
                    .iter()
                    .enumerate()
                    .filter(|&(_, &p)| keep(p))
                    .map(|(k, &p)| match SENTENCES.get(p) {
                        Some(s) => s.to_string(),
                        None => format!("Unique words d{i}x{k} here."),
                    })
                    .collect::<Vec<_>>()
                    .join("\n\n")
            };
            let opts = FeatureOptions { boilerplate_min_docs: min_docs, ..Default::default() };
            let ex = Extractor::new(lex, opts);
            let mut ws = Workspace::default();
            let (mut left, mut right) = (Aggregates::new(lex), Aggregates::new(lex));
            for (i, (s, picks)) in docs.iter().enumerate() {
                let d = doc(i, ["a", "b"][*s], None, &text(i, picks, &|_| true));
                let shard = if split >> (i % 64) & 1 == 1 { &mut left } else { &mut right };
                ex.extract(&d, &mut ws, shard);
            }
            left.merge(right);
            let found = boilerplate::remove_boilerplate(&mut left, ex.sentence_table(), min_docs);
            // Expected: drop every sentence of SENTENCES that is in at least
            // `min_docs` documents of its source (a threshold floor: sources
            // here have under 100 documents), count with detection off.
            // The two "Troops fled" sentences count the same words.
            let words_of = |p: usize| if p == 4 { 3 } else { p };
            let mut per_words: BTreeMap<(usize, usize), u64> = BTreeMap::new();
            for (s, picks) in &docs {
                let mut seen: Vec<usize> =
                    picks.iter().filter(|&&p| p < SENTENCES.len()).map(|&p| words_of(p)).collect();
                seen.sort_unstable();
                seen.dedup();
                for p in seen {
                    *per_words.entry((*s, p)).or_default() += 1;
                }
            }
            let boiler = |s: usize, p: usize| {
                // The partly quoted sentence is never boilerplate.
                p < SENTENCES.len()
                    && p != 5
                    && per_words.get(&(s, words_of(p))).copied().unwrap_or(0) >= min_docs
            };
            let off = Extractor::new(lex, FeatureOptions { boilerplate_min_docs: 0, ..Default::default() });
            let mut want = Aggregates::new(lex);
            for (i, (s, picks)) in docs.iter().enumerate() {
                let d = doc(i, ["a", "b"][*s], None, &text(i, picks, &|p| !boiler(*s, p)));
                off.extract(&d, &mut ws, &mut want);
            }
            let got = ngram_texts(&left);
            for (source, grams) in ngram_texts(&want) {
                prop_assert_eq!(got.get(&source).cloned().unwrap_or_default(), grams, "{}", source);
            }
            // Every reported row is a repeated sentence of SENTENCES.
            prop_assert!(found.rows.iter().all(|r| r.kind == "repeated" && r.documents >= min_docs));
        }
    }

    #[test]
    fn furniture_and_web_addresses_are_not_counted() {
        let (lex, ex) = shared();
        let mut ws = Workspace::default();
        let mut agg = Aggregates::new(lex);
        let text = "JUST WATCHED Senate vote Replay More Videos ...\n\n\
                    Hide Caption 1 of 9 Photos: Senate votes on the budget.\n\n\
                    The senate voted. See pic.twitter.com/Ab1 and https://t.co/xy (@handle).\n\n\
                    Jo Lee and the Associated Press contributed to this report.";
        ex.extract(&doc(0, "a", None, text), &mut ws, &mut agg);
        let grams: Vec<String> = ngram_texts(&agg)["a"].keys().cloned().collect();
        assert_eq!(
            grams,
            [
                "and",
                "see",
                "senate",
                "senate voted",
                "the",
                "the senate",
                "voted"
            ]
        );
        let f = &agg.sources["a"].furniture;
        let hits: Vec<(String, [u64; 2])> = f
            .iter()
            .enumerate()
            .filter(|(_, c)| c[1] > 0)
            .map(|(i, c)| (boilerplate::furniture_label(i), *c))
            .collect();
        assert_eq!(
            hits,
            [
                ("just watched …".to_string(), [1, 1]),
                ("hide caption …".to_string(), [1, 1]),
                ("… contributed to this report".to_string(), [1, 1]),
            ]
        );
        // Off: everything counts.
        let off = Extractor::new(
            lex,
            FeatureOptions {
                boilerplate_min_docs: 0,
                ..Default::default()
            },
        );
        let mut all = Aggregates::new(lex);
        off.extract(&doc(0, "a", None, text), &mut ws, &mut all);
        assert!(ngram_texts(&all)["a"].contains_key("just watched"));
        assert!(all.sources["a"].furniture.is_empty());
    }

    #[test]
    fn quoted_labels_are_counted_as_quoted() {
        let (lex, ex) = shared();
        let mut ws = Workspace::default();
        let mut agg = Aggregates::new(lex);
        let f = ex.extract(
            &doc(
                0,
                "a",
                None,
                "The insurgents attacked. \"They will be killing terrorists,\" he said.",
            ),
            &mut ws,
            &mut agg,
        );
        let voices: Vec<(&str, Voice)> = f
            .matches
            .iter()
            .filter(|m| matches!(m.m.target, Target::Variant { .. }))
            .map(|m| (&ws.text[m.original.clone()], m.voice))
            .collect();
        assert_eq!(
            voices,
            [
                ("insurgents", Voice::Authorial),
                ("terrorists", Voice::Quoted)
            ]
        );
        // Unigrams and bigrams are authorial only.
        let grams: Vec<String> = agg.sources["a"]
            .ngrams
            .iter()
            .map(|(k, _)| agg.vocab.ngram_text(k))
            .collect();
        assert!(grams.contains(&"the insurgents".to_string()));
        assert!(!grams.iter().any(|g| g.contains("terrorists")));
    }
}
