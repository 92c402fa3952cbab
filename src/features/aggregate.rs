//! Aggregation: mergeable sums over documents ([`Counts`], per source
//! [`SourceAgg`], and [`Aggregates`] keyed by source and by (source, story)).

use super::*;

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
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// Names and their labels (empty unless
    /// [`FeatureOptions::referents`](super::FeatureOptions::referents)).
    pub referents: super::referents::ReferentCounts,
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

    pub(super) fn source_mut(&mut self, source: &str) -> &mut SourceAgg {
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
        self.referents.merge(std::mem::take(&mut other.referents));
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

/// Add per-label `[documents, sentences]` furniture counts.
pub(super) fn add_furniture(into: &mut Vec<[u64; 2]>, from: &[[u64; 2]]) {
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
pub(super) fn remap_vocab(base: &mut Vocab, other: &Vocab) -> Vec<u32> {
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

/// [`Aggregates`] as plain data, for a partial (`slant extract --partial`):
/// the n-gram vocabulary as its words in id order, so the n-gram keys of
/// each source mean the same words wherever the parts are read back.
///
/// ```
/// use slant::corpus::Document;
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// let lex = slant::lexicon::Lexicon::builtin();
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// ex.extract(&Document::new("1", "wire", "Rebels fled the town."), &mut ws, &mut agg);
/// let parts = agg.to_parts();
/// assert_eq!(parts.words, ["fled", "rebels", "the", "town"]); // in byte order
/// let mut back = Aggregates::from_parts(&lex, parts.clone()).unwrap();
/// assert_eq!(back.to_parts(), parts);
/// assert_eq!(back.sources["wire"].counts, agg.sources["wire"].counts);
/// // Parts that do not fit the lexicon, or name words they lack, are refused.
/// let mut bad = parts;
/// bad.sources[0].ngrams.push((u64::MAX - 1, 1));
/// assert!(Aggregates::from_parts(&lex, bad).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AggregateParts {
    /// The n-gram words, in id order.
    pub words: Vec<String>,
    /// Per source, in name order.
    pub sources: Vec<SourceParts>,
    /// Per (source, story): the counts.
    pub stories: Vec<(String, String, Counts)>,
    /// The referents' names and labels.
    pub referents: super::referents::ReferentParts,
}

/// One source of [`AggregateParts`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceParts {
    /// The source.
    pub name: String,
    /// Its summed counts.
    pub counts: Counts,
    /// `(key, count)` in key order, keys over the parts' words.
    pub ngrams: Vec<(u64, u64)>,
    /// Furniture `[documents, sentences]` per label.
    pub furniture: Vec<[u64; 2]>,
}

impl Aggregates {
    /// These aggregates as plain data (see [`AggregateParts`]), in a
    /// canonical form: words in byte order and n-gram keys over that order,
    /// so the same documents give the same parts whatever the threads that
    /// counted them (vocabulary ids follow thread timing).
    pub fn to_parts(&mut self) -> AggregateParts {
        self.flush_ngrams();
        let vocab = &self.vocab;
        let mut order: Vec<u32> = (0..vocab.len() as u32).collect();
        order.par_sort_unstable_by(|&a, &b| vocab.get(a).cmp(vocab.get(b)));
        let mut new_id = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_id[old as usize] = new as u32;
        }
        let map = |k: u64| {
            let (hi, lo) = ((k >> 32) as u32, k as u32);
            let hi = if hi == u32::MAX {
                hi
            } else {
                new_id[hi as usize]
            };
            (hi as u64) << 32 | new_id[lo as usize] as u64
        };
        let sources: Vec<(&String, &SourceAgg)> = self.sources.iter().collect();
        AggregateParts {
            words: order.iter().map(|&id| vocab.get(id).to_string()).collect(),
            sources: sources
                .into_par_iter()
                .map(|(name, s)| {
                    let mut ngrams: Vec<(u64, u64)> =
                        s.ngrams.iter().map(|(k, c)| (map(k), c)).collect();
                    ngrams.sort_unstable();
                    SourceParts {
                        name: name.clone(),
                        counts: s.counts.clone(),
                        ngrams,
                        furniture: s.furniture.clone(),
                    }
                })
                .collect(),
            stories: self
                .stories
                .iter()
                .map(|((s, k), c)| (s.clone(), k.clone(), c.clone()))
                .collect(),
            referents: self.referents.to_parts(),
        }
    }

    /// Aggregates back from [`to_parts`](Self::to_parts), checked against
    /// `lexicon`'s shape: counts of another shape, repeated words, keys out
    /// of order or naming a word the parts lack are refused (the message
    /// says which).
    pub fn from_parts(lexicon: &Lexicon, parts: AggregateParts) -> Result<Aggregates, String> {
        let mut agg = Aggregates::new(lexicon);
        let shape = |c: &Counts| {
            c.variants.len() == agg.template.variants.len()
                && c.categories.len() == agg.template.categories.len()
                && c.weight_sums.len() == agg.template.weight_sums.len()
        };
        for (i, w) in parts.words.iter().enumerate() {
            if agg.vocab.intern(w) as usize != i {
                return Err(format!("the word `{w}` is listed twice"));
            }
        }
        let n = parts.words.len() as u64;
        let known = |key: u64| {
            let (hi, lo) = (key >> 32, key & 0xffff_ffff);
            lo < n && (hi == u32::MAX as u64 || hi < n)
        };
        for s in parts.sources {
            if !shape(&s.counts) {
                return Err(format!(
                    "the counts of source `{}` do not fit the lexicon",
                    s.name
                ));
            }
            if s.ngrams.windows(2).any(|w| w[0].0 >= w[1].0)
                || !s.ngrams.iter().all(|&(k, _)| known(k))
            {
                return Err(format!("the n-grams of source `{}` are damaged", s.name));
            }
            if agg.sources.contains_key(&s.name) {
                return Err(format!("source `{}` is listed twice", s.name));
            }
            let mut ngrams = NgramCounts::default();
            ngrams.add_run(s.ngrams);
            agg.sources.insert(
                s.name,
                SourceAgg {
                    counts: s.counts,
                    ngrams,
                    furniture: s.furniture,
                },
            );
        }
        for (source, story, c) in parts.stories {
            if !shape(&c) {
                return Err(format!(
                    "the counts of story `{story}` do not fit the lexicon"
                ));
            }
            agg.stories.insert((source, story), c);
        }
        agg.referents = super::referents::ReferentCounts::from_parts(parts.referents);
        Ok(agg)
    }
}
