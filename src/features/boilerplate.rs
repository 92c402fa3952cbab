//! Site boilerplate: text a site repeats around its articles (newsletter
//! prompts, copyright lines, "Advertisement", photo and video furniture).
//! It says nothing about how the outlet frames the news, yet it is the
//! most distinctive text an outlet has, so it is left out of the n-gram
//! keyness (`terms.csv`). Two rules, both decided per source:
//!
//! - **Repeated sentences.** A sentence without a quotation whose
//!   authorial words (the ones the n-grams count) appear, identically, in
//!   at least [`threshold`]`(documents)` documents of one source —
//!   `max(min_docs, ⌈1% of the source's documents⌉)` — is boilerplate of
//!   that source. (A quotation's authorial rest, "he said", repeats by
//!   nature and is reporting, not site text.)
//!   While documents are extracted, every sentence's words are hashed
//!   (64 bits, from the words' text, so the same in every worker) and
//!   recorded in a [`SentenceTable`] shared by the workers: a hash seen in
//!   one document once is only remembered; from its second sighting on,
//!   the sentence's words and its document and occurrence counts are kept.
//!   The counts are sums, so they do not depend on the order or the
//!   threads. After extraction, [`remove_boilerplate`] subtracts each
//!   boilerplate sentence's uni- and bigrams, times its occurrences, from
//!   the source's n-gram counts: exactly what counting them had added.
//! - **Furniture.** A sentence that opens with one of [`LEADS`] (`JUST
//!   WATCHED …`, `Hide Caption …`, `Photos: …`, `Enlarge this image …`) or
//!   ends with one of [`TAILS`] (`… contributed to this report.`) is a site
//!   template around variable text (a video or photo caption, a credit
//!   line), never identical twice; its n-grams are not counted at all.
//!
//! Category and family counts are not affected: boilerplate only leaves
//! the open-vocabulary n-grams.

use super::vocab::{bigram_key, fold, unigram_key, Key};
use super::Aggregates;
use crate::text::Token;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The share of a source's documents a sentence must appear in to be
/// boilerplate (besides the `min_docs` floor).
pub const MIN_SHARE: f64 = 0.01;

/// Sentence openings that mark site furniture: labels of templates around
/// varying text (video and photo embeds, link and credit lines, update
/// stamps), which the repeated-sentence rule cannot catch. Tokens,
/// lower-cased, punctuation included; matched ASCII case-insensitively.
///
/// ```
/// use slant::features::boilerplate::LEADS;
/// assert!(LEADS.contains(&&["just", "watched"][..]));
/// ```
pub const LEADS: &[&[&str]] = &[
    &["just", "watched"],
    &["must", "watch"],
    &["replay", "more", "videos"],
    &["hide", "caption"],
    &["photos", ":"],
    &["(", "photo", ":"],
    &["(", "photos", ":"],
    &["enlarge", "this", "image"],
    &["toggle", "caption"],
    &["story", "highlights"],
    &["click", "here"],
    &["click", "for"],
    &["sign", "up"],
    &["read", "more", ":"],
    &["read", "or", "share"],
    &["more", ":"],
    &["related", ":"],
    &["see", "also", ":"],
    &["(", "also", "on"],
    &["contributing", ":"],
    &["listen", "to"],
    &["updated", "at"],
    &["update", "at"],
];

/// Sentence endings that mark site furniture (credit lines, an audio
/// player's `Listen · 3:36`), before any closing punctuation and numbers;
/// like [`LEADS`].
///
/// ```
/// use slant::features::boilerplate::TAILS;
/// assert!(TAILS.contains(&&["contributed", "to", "this", "report"][..]));
/// ```
pub const TAILS: &[&[&str]] = &[
    &["contributed", "to", "this", "report"],
    &["contributed", "to", "this", "story"],
    &["listen", "·"],
];

/// The furniture label a sentence (its `tokens`, in `text`) opens or ends
/// with, if any: an index into [`LEADS`], or `LEADS.len()` + an index into
/// [`TAILS`] (see [`furniture_label`]).
///
/// ```
/// use slant::features::boilerplate::{furniture_label, furniture_of};
/// use slant::text::tokenize_into;
/// let label = |s: &str| {
///     let mut t = Vec::new();
///     tokenize_into(s, &mut t);
///     furniture_of(s, &t).map(furniture_label)
/// };
/// assert_eq!(label("JUST WATCHED Senate vote Replay More Videos").as_deref(), Some("just watched …"));
/// assert_eq!(label("Photos: The storm").as_deref(), Some("photos: …"));
/// assert_eq!(label("Jo Lee and Al Roe contributed to this report.").as_deref(),
///     Some("… contributed to this report"));
/// assert_eq!(label("Senate Votes Listen · 3:36 3:36").as_deref(), Some("… listen ·"));
/// assert_eq!(label("They would not listen."), None);
/// assert_eq!(label("Photos show the storm."), None);
/// assert_eq!(label("Just watch."), None);
/// ```
#[inline]
pub fn furniture_of(text: &str, tokens: &[Token]) -> Option<usize> {
    let is = |w: &str, t: &Token| t.text(text).eq_ignore_ascii_case(w);
    let first = tokens.first()?.text(text);
    // Most sentences fail on the first token's length.
    if (1..=12).contains(&first.len()) {
        if let Some(i) = LEADS.iter().position(|lead| {
            lead.len() <= tokens.len() && lead.iter().zip(tokens).all(|(w, t)| is(w, t))
        }) {
            return Some(i);
        }
    }
    // Tails: the last tokens before closing punctuation and numbers.
    let trailing = |t: &Token| {
        t.kind == crate::text::TokenKind::Number
            || matches!(t.text(text), "." | "!" | "?" | ":" | "\"" | "'" | ")" | "]")
    };
    let end = tokens.iter().rposition(|t| !trailing(t))? + 1;
    TAILS
        .iter()
        .position(|tail| {
            tail.len() <= end
                && tail
                    .iter()
                    .zip(&tokens[end - tail.len()..end])
                    .all(|(w, t)| is(w, t))
        })
        .map(|i| LEADS.len() + i)
}

/// How a furniture label reads in `boilerplate.csv`: `just watched …`,
/// `… contributed to this report`.
///
/// ```
/// use slant::features::boilerplate::{furniture_label, LEADS};
/// assert_eq!(furniture_label(0), "just watched …");
/// assert_eq!(furniture_label(LEADS.len()), "… contributed to this report");
/// ```
pub fn furniture_label(i: usize) -> String {
    let join = |words: &[&str]| words.join(" ").replace(" :", ":").replace("( ", "(");
    match LEADS.get(i) {
        Some(lead) => format!("{} …", join(lead)),
        None => format!("… {}", join(TAILS[i - LEADS.len()])),
    }
}

/// The documents a sentence must appear in to be boilerplate of a source
/// with `documents` documents: `max(min_docs, ⌈documents × MIN_SHARE⌉)`,
/// and at least 2 (a sentence in one document is not repeated).
///
/// ```
/// use slant::features::boilerplate::threshold;
/// assert_eq!(threshold(120, 5), 5);
/// assert_eq!(threshold(2_905, 5), 30);
/// assert_eq!(threshold(10, 1), 2);
/// ```
pub fn threshold(documents: u64, min_docs: u64) -> u64 {
    min_docs
        .max(2)
        .max((documents as f64 * MIN_SHARE).ceil() as u64)
}

/// A sentence seen more than once in a source.
#[derive(Debug, Clone)]
struct Repeat {
    source: Box<str>,
    /// The counted words, lower-cased: `' '` between two words that form a
    /// bigram, `'\t'` where something (punctuation, a number, a quotation)
    /// separates them.
    words: Box<str>,
    docs: u64,
    occurrences: u64,
}

#[derive(Debug, Default)]
struct Shard {
    /// Hashes seen exactly once (one document, one occurrence).
    seen: hashbrown::HashSet<u64, IdHash>,
    /// The same, with their words, in a table that keeps them
    /// ([`SentenceTable::keeping_words`]).
    singles: hashbrown::HashMap<u64, Repeat, IdHash>,
    repeats: hashbrown::HashMap<u64, Repeat, IdHash>,
}

/// One sentence of a [`SentenceTable`], as [`SentenceTable::entries`]
/// lists it and [`SentenceTable::absorb`] adds it: its salted hash, its
/// source and counted words (empty for a sentence seen once in a table
/// that does not keep words), and its document and occurrence counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SentenceEntry {
    /// The hash of the counted words, salted with the source.
    pub hash: u64,
    /// The source.
    pub source: String,
    /// The counted words (`'\t'` where two are not adjacent).
    pub words: String,
    /// Documents it was seen in.
    pub docs: u64,
    /// Times it was seen.
    pub occurrences: u64,
}

/// The hashes are already uniform: use them as they are.
#[derive(Debug, Default, Clone, Copy)]
struct IdHash;

impl std::hash::BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

const SHARDS: usize = 16;

/// Which shard a salted hash lives in: middle bits (the table uses the low
/// bits for its slots and the top ones for its tags).
#[inline]
fn shard_of(h: u64) -> usize {
    (h >> 32) as usize % SHARDS
}

/// The sentences of every source, by hash of their counted words: shared by
/// the workers of a run (cloning the handle shares the table), each of 16
/// shards behind its own lock, taken once per document.
///
/// ```
/// use slant::corpus::Document;
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// let lex = slant::lexicon::Lexicon::builtin();
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// for (i, town) in ["Kestria", "Velmir", "Ondrava"].iter().enumerate() {
///     let text = format!("Rebels took {town}. Sign-up for our newsletter here.");
///     ex.extract(&Document::new(i.to_string(), "wire", text), &mut ws, &mut agg);
/// }
/// let table = ex.sentence_table().unwrap();
/// // The newsletter line, in three documents; each "Rebels took …" once.
/// let repeated = table.repeated();
/// assert_eq!(repeated, [("wire".into(), "sign-up for our newsletter here".into(), 3, 3)]);
/// assert_eq!(table.len(), (3, 1));
/// // Numbers and punctuation are not words: "Page 1 of 3." and "Page 2 of 3."
/// // count the same n-grams, so they are the same sentence here.
/// ```
#[derive(Debug, Clone, Default)]
pub struct SentenceTable {
    shards: Arc<[Mutex<Shard>; SHARDS]>,
    /// Whether sentences seen once keep their words (for partials, whose
    /// tables are added to others' later).
    keep_words: bool,
}

impl SentenceTable {
    /// Record one document's sentences: `hashes` holds `(hash of the
    /// counted words, sentence index)` per sentence with counted words (it
    /// is salted with the source and reordered here); `words(sentence,
    /// out)` appends a sentence's words, called only for a sentence seen
    /// before.
    pub(crate) fn record(
        &self,
        source: &str,
        hashes: &mut [(u64, u32)],
        mut words: impl FnMut(u32, &mut String),
    ) {
        let salt = Key::new(source).hash();
        for e in hashes.iter_mut() {
            e.0 = fold(e.0 ^ salt, 0x9e37_79b9_7f4a_7c15);
        }
        hashes.sort_unstable_by_key(|&(h, s)| (shard_of(h), h, s));
        let mut i = 0;
        while i < hashes.len() {
            let shard = shard_of(hashes[i].0);
            let mut guard = self.shards[shard].lock().unwrap_or_else(|e| e.into_inner());
            let Shard {
                seen,
                singles,
                repeats,
            } = &mut *guard;
            while i < hashes.len() && shard_of(hashes[i].0) == shard {
                let (h, first) = hashes[i];
                let mut n = 0u64;
                while i < hashes.len() && hashes[i].0 == h {
                    n += 1;
                    i += 1;
                }
                if let Some(r) = repeats.get_mut(&h) {
                    r.docs += 1;
                    r.occurrences += n;
                    continue;
                }
                if self.keep_words {
                    if let Some(mut r) = singles.remove(&h) {
                        r.docs += 1;
                        r.occurrences += n;
                        repeats.insert(h, r);
                        continue;
                    }
                    let mut w = String::new();
                    words(first, &mut w);
                    let r = Repeat {
                        source: source.into(),
                        words: w.into(),
                        docs: 1,
                        occurrences: n,
                    };
                    if n > 1 {
                        repeats.insert(h, r);
                    } else {
                        singles.insert(h, r);
                    }
                    continue;
                }
                let before = seen.remove(&h) as u64;
                if before == 1 || n > 1 {
                    let mut w = String::new();
                    words(first, &mut w);
                    repeats.insert(
                        h,
                        Repeat {
                            source: source.into(),
                            words: w.into(),
                            docs: 1 + before,
                            occurrences: n + before,
                        },
                    );
                } else {
                    seen.insert(h);
                }
            }
        }
    }

    /// Every sentence seen more than once: `(source, words, documents,
    /// occurrences)`, sorted by source and words (words as in
    /// `boilerplate.csv`).
    pub fn repeated(&self) -> Vec<(String, String, u64, u64)> {
        let mut out: Vec<(String, String, u64, u64)> = Vec::new();
        for shard in self.shards.iter() {
            let g = shard.lock().unwrap_or_else(|e| e.into_inner());
            out.extend(g.repeats.values().map(|r| {
                (
                    r.source.to_string(),
                    display(&r.words),
                    r.docs,
                    r.occurrences,
                )
            }));
        }
        out.sort();
        out
    }

    /// Sentences seen once and sentences seen more than once.
    ///
    /// ```
    /// let t = slant::features::boilerplate::SentenceTable::default();
    /// assert_eq!(t.len(), (0, 0));
    /// ```
    pub fn len(&self) -> (usize, usize) {
        self.shards.iter().fold((0, 0), |(a, b), s| {
            let g = s.lock().unwrap_or_else(|e| e.into_inner());
            (a + g.seen.len() + g.singles.len(), b + g.repeats.len())
        })
    }

    /// An empty table that keeps the words of sentences seen once too, so
    /// that [`entries`](Self::entries) can be [`absorb`](Self::absorb)ed
    /// into another table and give what one table over all the documents
    /// would have held (a sentence seen once in each of two tables is a
    /// repeat of their sum).
    ///
    /// ```
    /// use slant::features::boilerplate::SentenceTable;
    /// # use slant::corpus::Document;
    /// # use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
    /// let lex = slant::lexicon::Lexicon::builtin();
    /// let mut tables = Vec::new();
    /// for town in ["Kestria", "Velmir"] {
    ///     let mut ex = Extractor::new(&lex, FeatureOptions::default());
    ///     ex.keep_sentence_words();
    ///     let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
    ///     let text = format!("Rebels took {town}. Sign-up for our newsletter here.");
    ///     ex.extract(&Document::new(town, "wire", text), &mut ws, &mut agg);
    ///     tables.push(ex.sentence_table().unwrap().entries());
    /// }
    /// let all = SentenceTable::keeping_words();
    /// for t in tables {
    ///     all.absorb(t);
    /// }
    /// assert_eq!(all.repeated(), [("wire".into(), "sign-up for our newsletter here".into(), 2, 2)]);
    /// assert_eq!(all.len(), (2, 1));
    /// ```
    pub fn keeping_words() -> SentenceTable {
        SentenceTable {
            keep_words: true,
            ..SentenceTable::default()
        }
    }

    /// Every sentence in the table, by hash (sentences seen once have
    /// empty words unless the table [keeps them](Self::keeping_words)).
    ///
    /// ```
    /// let t = slant::features::boilerplate::SentenceTable::default();
    /// assert!(t.entries().is_empty());
    /// ```
    pub fn entries(&self) -> Vec<SentenceEntry> {
        let mut out = Vec::new();
        for shard in self.shards.iter() {
            let g = shard.lock().unwrap_or_else(|e| e.into_inner());
            let entry = |(&hash, r): (&u64, &Repeat)| SentenceEntry {
                hash,
                source: r.source.to_string(),
                words: r.words.to_string(),
                docs: r.docs,
                occurrences: r.occurrences,
            };
            out.extend(g.repeats.iter().map(entry));
            out.extend(g.singles.iter().map(entry));
            out.extend(g.seen.iter().map(|&hash| SentenceEntry {
                hash,
                source: String::new(),
                words: String::new(),
                docs: 1,
                occurrences: 1,
            }));
        }
        out.sort_unstable_by_key(|e| e.hash);
        out
    }

    /// Add another table's [`entries`](Self::entries): counts are summed
    /// per hash, so absorbing tables in any order and grouping gives the
    /// same table (see [`keeping_words`](Self::keeping_words)).
    pub fn absorb(&self, entries: Vec<SentenceEntry>) {
        for e in entries {
            let mut g = self.shards[shard_of(e.hash)]
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let Shard {
                seen,
                singles,
                repeats,
            } = &mut *g;
            if let Some(r) = repeats.get_mut(&e.hash) {
                r.docs += e.docs;
                r.occurrences += e.occurrences;
                if r.words.is_empty() && !e.words.is_empty() {
                    (r.source, r.words) = (e.source.into(), e.words.into());
                }
                continue;
            }
            let mut r = Repeat {
                source: e.source.into(),
                words: e.words.into(),
                docs: e.docs,
                occurrences: e.occurrences,
            };
            let earlier = singles.remove(&e.hash).or_else(|| {
                seen.remove(&e.hash).then(|| Repeat {
                    source: "".into(),
                    words: "".into(),
                    docs: 1,
                    occurrences: 1,
                })
            });
            if let Some(s) = earlier {
                r.docs += s.docs;
                r.occurrences += s.occurrences;
                if r.words.is_empty() {
                    (r.source, r.words) = (s.source, s.words);
                }
            }
            if r.occurrences > 1 {
                repeats.insert(e.hash, r);
            } else if self.keep_words || !r.words.is_empty() {
                singles.insert(e.hash, r);
            } else {
                seen.insert(e.hash);
            }
        }
    }

    fn repeats(&self) -> Vec<Repeat> {
        let mut out = Vec::new();
        for shard in self.shards.iter() {
            let g = shard.lock().unwrap_or_else(|e| e.into_inner());
            out.extend(g.repeats.values().cloned());
        }
        out
    }
}

/// Stored words as shown in `boilerplate.csv`: separated by spaces, with
/// ` | ` where the words are not adjacent (no bigram between them).
fn display(words: &str) -> String {
    words.replace('\t', " | ")
}

/// One row of `boilerplate.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoilerplateRow {
    /// The source.
    pub source: String,
    /// `repeated` (a sentence in many documents) or `furniture` (sentences
    /// opening or ending with a furniture label).
    pub kind: &'static str,
    /// The sentence's authorial words (lower-cased; ` | ` where they are not
    /// adjacent), or the furniture label (`just watched …`).
    pub text: String,
    /// Documents of the source it appears in.
    pub documents: u64,
    /// Sentences (occurrences) left out of the n-gram counts.
    pub sentences: u64,
}

/// What [`remove_boilerplate`] found and removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Boilerplate {
    /// One row per boilerplate sentence or lead and source, sorted by
    /// source, then documents (descending), then kind and text.
    pub rows: Vec<BoilerplateRow>,
    /// Uni- and bigram occurrences subtracted from the counts (repeated
    /// sentences; furniture sentences were never counted).
    pub ngrams_removed: u64,
}

/// What `run.json` records about boilerplate.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct BoilerplateSummary {
    /// The `--boilerplate-min-docs` floor (0: detection off).
    pub min_docs: u64,
    /// The share of a source's documents a sentence must also reach.
    pub min_share: f64,
    /// Sources with any boilerplate.
    pub sources: u64,
    /// Distinct repeated boilerplate sentences (per source).
    pub repeated_sentences: u64,
    /// Their occurrences, left out of the n-grams.
    pub repeated_occurrences: u64,
    /// Sentences with a furniture label, left out of the n-grams.
    pub furniture_sentences: u64,
    /// Uni- and bigram occurrences subtracted for repeated sentences.
    pub ngrams_removed: u64,
}

impl Boilerplate {
    /// The counts `run.json` records.
    ///
    /// ```
    /// use slant::features::boilerplate::{Boilerplate, BoilerplateRow};
    /// let row = |source: &str, kind, sentences| BoilerplateRow {
    ///     source: source.into(), kind, text: "x".into(), documents: 5, sentences,
    /// };
    /// let b = Boilerplate {
    ///     rows: vec![row("a", "repeated", 7), row("a", "furniture", 2), row("b", "repeated", 5)],
    ///     ngrams_removed: 40,
    /// };
    /// let s = b.summary(5);
    /// assert_eq!((s.sources, s.repeated_sentences, s.repeated_occurrences), (2, 2, 12));
    /// assert_eq!((s.furniture_sentences, s.ngrams_removed, s.min_share), (2, 40, 0.01));
    /// ```
    pub fn summary(&self, min_docs: u64) -> BoilerplateSummary {
        let mut sources: Vec<&str> = self.rows.iter().map(|r| r.source.as_str()).collect();
        sources.dedup();
        BoilerplateSummary {
            min_docs,
            min_share: MIN_SHARE,
            sources: sources.len() as u64,
            repeated_sentences: self.rows.iter().filter(|r| r.kind == "repeated").count() as u64,
            repeated_occurrences: self.sentences("repeated"),
            furniture_sentences: self.sentences("furniture"),
            ngrams_removed: self.ngrams_removed,
        }
    }

    /// Occurrences of boilerplate sentences of one kind.
    ///
    /// ```
    /// let b = slant::features::boilerplate::Boilerplate::default();
    /// assert_eq!(b.sentences("repeated"), 0);
    /// ```
    pub fn sentences(&self, kind: &str) -> u64 {
        self.rows
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.sentences)
            .sum()
    }
}

/// Find each source's boilerplate and take its n-grams out of `agg`:
/// sentences of `table` in at least [`threshold`]`(documents, min_docs)`
/// documents of their source (their uni- and bigrams times their
/// occurrences are subtracted), plus the rows of the furniture sentences
/// [`Extractor::extract`](super::Extractor::extract) already left out.
/// Call it once, on the merged aggregates, before the estimates.
///
/// ```
/// use slant::corpus::Document;
/// use slant::features::boilerplate::remove_boilerplate;
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// let lex = slant::lexicon::Lexicon::builtin();
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// for (i, town) in ["Kestria", "Velmir", "Ondrava", "Dask", "Brask", "Menk"].iter().enumerate() {
///     let text = format!("Rebels took {town}. Reprint rights belong to the wire.");
///     ex.extract(&Document::new(i.to_string(), "wire", text), &mut ws, &mut agg);
/// }
/// let reprint = agg.vocab.id("reprint").unwrap();
/// assert_eq!(agg.sources["wire"].ngrams.get(slant::features::unigram_key(reprint)), 6);
/// let found = remove_boilerplate(&mut agg, ex.sentence_table(), 5);
/// assert_eq!(found.rows[0].text, "reprint rights belong to the wire");
/// // Six words and five bigrams, in six documents.
/// assert_eq!((found.rows[0].documents, found.ngrams_removed), (6, 6 * 11));
/// assert_eq!(agg.sources["wire"].ngrams.get(slant::features::unigram_key(reprint)), 0);
/// ```
pub fn remove_boilerplate(
    agg: &mut Aggregates,
    table: Option<&SentenceTable>,
    min_docs: u64,
) -> Boilerplate {
    let mut out = Boilerplate::default();
    if min_docs == 0 {
        return out;
    }
    let mut by_source: BTreeMap<String, Vec<Repeat>> = BTreeMap::new();
    for r in table.map(SentenceTable::repeats).unwrap_or_default() {
        let Some(sa) = agg.sources.get(&*r.source) else {
            continue;
        };
        if r.docs >= threshold(sa.counts.docs, min_docs) {
            by_source.entry(r.source.to_string()).or_default().push(r);
        }
    }
    for (source, mut reps) in by_source {
        reps.sort_by(|a, b| a.words.cmp(&b.words));
        let mut keys: Vec<(u64, u64)> = Vec::new();
        for r in &reps {
            let mut prev: Option<u32> = None;
            let mut ids = Vec::new();
            let mut ok = true;
            for (linked, w) in split_words(&r.words) {
                let Some(id) = agg.vocab.id(w) else {
                    ok = false;
                    break;
                };
                ids.push((linked.then_some(prev).flatten(), id));
                prev = Some(id);
            }
            if !ok {
                continue;
            }
            for (p, id) in ids {
                keys.push((unigram_key(id), r.occurrences));
                if let Some(p) = p {
                    keys.push((bigram_key(p, id), r.occurrences));
                }
            }
            out.rows.push(BoilerplateRow {
                source: source.clone(),
                kind: "repeated",
                text: display(&r.words),
                documents: r.docs,
                sentences: r.occurrences,
            });
        }
        keys.sort_unstable();
        let mut run: Vec<(u64, u64)> = Vec::with_capacity(keys.len());
        for (k, c) in keys {
            match run.last_mut() {
                Some(last) if last.0 == k => last.1 += c,
                _ => run.push((k, c)),
            }
        }
        let sa = agg.sources.get_mut(&source).expect("source checked above");
        out.ngrams_removed += sa.ngrams.subtract(&run);
    }
    for (source, sa) in &agg.sources {
        for (i, &[docs, sentences]) in sa.furniture.iter().enumerate() {
            if sentences > 0 {
                out.rows.push(BoilerplateRow {
                    source: source.clone(),
                    kind: "furniture",
                    text: furniture_label(i),
                    documents: docs,
                    sentences,
                });
            }
        }
    }
    out.rows.sort_by(|a, b| {
        a.source
            .cmp(&b.source)
            .then_with(|| b.documents.cmp(&a.documents))
            .then_with(|| a.kind.cmp(b.kind))
            .then_with(|| a.text.cmp(&b.text))
    });
    out
}

/// The stored words with whether each forms a bigram with the one before.
fn split_words(words: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut linked = false;
    words.split_inclusive([' ', '\t']).map(move |piece| {
        let this = linked;
        linked = piece.ends_with(' ');
        (this, piece.trim_end_matches([' ', '\t']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_words_split_back_with_their_links() {
        let got: Vec<(bool, &str)> = split_words("click here\tfor the app").collect();
        assert_eq!(
            got,
            [
                (false, "click"),
                (true, "here"),
                (false, "for"),
                (true, "the"),
                (true, "app")
            ]
        );
    }

    #[test]
    fn threshold_has_a_floor_and_a_share() {
        assert_eq!(threshold(0, 5), 5);
        assert_eq!(threshold(500, 5), 5);
        assert_eq!(threshold(501, 5), 6);
        assert_eq!(threshold(100_000, 5), 1000);
    }
}
