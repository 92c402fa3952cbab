//! The scorers' per-thread word cache: everything the shipped models need
//! to know about a word, computed once per distinct word and keyed by the
//! vocabulary id the main extraction already gave it.
//!
//! Scoring a document then re-uses the main analysis (tokens, sentences,
//! quotation spans) and works with numbers: no second normalisation or
//! tokenisation pass, no lower-casing, no string hashing per token. The
//! result is identical to scoring through [`Featurizer::analyze`]
//! (tested in [`super::apply`]).
//!
//! [`Featurizer::analyze`]: super::textfeat::Featurizer::analyze

use crate::features::{lower_into, MatchRecord, Vocab};
use crate::lexicon::{Match, TokenMatcher, TokenScratch, TokenTable};
use crate::text::{Analyzed, TokenKind, Voice, VoiceFilter};

/// No value.
pub(crate) const NONE: u32 = u32::MAX;

/// Longest word (in bytes) the scorers read; longer tokens are skipped as
/// [`Featurizer::ngrams`](super::textfeat::Featurizer::ngrams) does.
const MAX_WORD: u32 = 64;

/// What the models know about one word: each model fills its part
/// ([`Scorer::word_entry`](super::scorer::Scorer::word_entry)); the fields
/// are the crate's own.
///
/// ```
/// use slant::scorers::wordcache::WordEntry;
/// assert_eq!(WordEntry::default(), WordEntry::default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordEntry {
    /// Loaded-language: the part of the word's logit that depends on the
    /// lower-cased word alone.
    pub(crate) l_type: f64,
    /// Outlet-slant unigram column.
    pub(crate) o_uni: u32,
    /// Outlet-slant bigram word number.
    pub(crate) o_pair: u32,
    /// Featurizer lexicon patterns the word starts (range in the pool).
    pub(crate) starts: (u32, u32),
    /// Identity of the word within the document's cache (for
    /// de-duplication).
    pub(crate) key: u32,
    /// Whether the scorers read this token as a word.
    pub(crate) word: bool,
}

impl Default for WordEntry {
    fn default() -> Self {
        WordEntry::EMPTY
    }
}

impl WordEntry {
    pub(crate) const EMPTY: WordEntry = WordEntry {
        l_type: 0.0,
        o_uni: NONE,
        o_pair: NONE,
        starts: (0, 0),
        key: NONE,
        word: false,
    };
}

/// Per-thread cache (see the module documentation). It lives in a
/// [`FeatWorkspace`](super::textfeat::FeatWorkspace) and is used by
/// [`Scorers::score_analyzed`](super::apply::Scorers::score_analyzed);
/// there is nothing to call on it directly. Scoring through it gives the
/// same result as analyzing the document again:
///
/// ```
/// use slant::corpus::Document;
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// use slant::lexicon::Lexicon;
/// use slant::scorers::apply::Scorers;
/// # use slant::scorers::loaded;
/// # let dir = tempfile::tempdir().unwrap();
/// # let shipped = Scorers::default_dir().join(loaded::FILE_NAME);
/// # std::fs::copy(&shipped, dir.path().join(loaded::FILE_NAME)).unwrap();
/// // `dir` holds the loaded-language model.
/// let scorers = Scorers::load(dir.path()).unwrap();
/// let doc = Document::new(
///     "1",
///     "Daily",
///     "The radical senator's bill passed. \"It is a shameful attack,\" a critic said.",
/// )
/// .with_title("Senate vote");
/// // The main extraction analyzes the document and gives its tokens vocabulary ids …
/// let lexicon = Lexicon::builtin();
/// let extractor = Extractor::new(&lexicon, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lexicon));
/// extractor.extract(&doc, &mut ws, &mut agg);
/// // … which the scorers reuse through the word cache in their workspace.
/// let mut fws = scorers.workspace();
/// let cached = scorers.score_analyzed(&ws.analyzed, ws.token_ids(), &agg.vocab, &mut fws);
/// assert_eq!(cached.sentences.len(), 3);
/// assert_eq!(cached, scorers.score_document(&doc, &mut fws));
/// ```
#[derive(Debug, Default)]
pub struct WordCache {
    /// Entries by main vocabulary id (`None`: not computed yet).
    entries: Vec<Option<WordEntry>>,
    /// Column and pattern lists.
    pool: Vec<u32>,
    /// Identity of the models the entries belong to.
    owner: usize,
    /// The current document: one entry per token.
    pub(crate) toks: Vec<WordEntry>,
    /// Lower-cased keys of tokens the main vocabulary did not look up.
    extra: String,
    extra_spans: Vec<(u32, u32)>,
    /// Those keys → their per-document identity (so a word repeated in the
    /// document is one word).
    extra_keys: rustc_hash::FxHashMap<String, u32>,
    lower: String,
    scratch: TokenScratch,
    found: Vec<Match>,
    /// The current document's featurizer matches, in text order.
    pub(crate) matches: Vec<MatchRecord>,
    /// Buffers for the rows being scored.
    pub(crate) scratch_rows: RowScratch,
}

/// Buffers for scoring one row (a sentence or a document).
#[derive(Debug, Default)]
pub(crate) struct RowScratch {
    /// Column counts.
    pub counter: ColCounter,
    /// Word features of a unit.
    pub unit: super::wordfeat::UnitScratch,
    /// Word probabilities of a unit.
    pub probs: Vec<f64>,
}

/// Counts columns of one row without sorting every occurrence: a dense
/// counter per column plus the list of columns touched (only the distinct
/// columns are sorted).
#[derive(Debug, Default)]
pub(crate) struct ColCounter {
    acc: Vec<u32>,
    touched: Vec<u32>,
}

impl ColCounter {
    /// Count one occurrence of column `c`.
    #[inline]
    pub fn add(&mut self, c: u32) {
        let i = c as usize;
        if i >= self.acc.len() {
            self.acc.resize(i + 1, 0);
        }
        if self.acc[i] == 0 {
            self.touched.push(c);
        }
        self.acc[i] += 1;
    }

    /// The `(column, count)` pairs in column order (as
    /// [`sparse_counts`](super::vectorize::sparse_counts) gives them);
    /// resets the counter.
    pub fn take(&mut self) -> Vec<(u32, u32)> {
        self.touched.sort_unstable();
        let out = self
            .touched
            .iter()
            .map(|&c| (c, std::mem::take(&mut self.acc[c as usize])))
            .collect();
        self.touched.clear();
        out
    }
}

/// One n-gram met by [`walk`].
pub(crate) enum Gram<'e> {
    /// A word.
    Word(&'e WordEntry),
    /// A bigram, as the bigram-word numbers of its two words.
    Pair(u32, u32),
}

/// Walk the cached words of `tokens` (prepared for `a`) as
/// [`Featurizer::ngrams`](super::textfeat::Featurizer::ngrams) walks n-grams, calling `f` with each word `voice`
/// keeps and each bigram it keeps (two adjacent words of one sentence with
/// one space between them), numbered by `numbers` (pairs with a word in no
/// bigram are skipped).
pub(crate) fn walk(
    a: &Analyzed,
    toks: &[WordEntry],
    tokens: std::ops::Range<usize>,
    voice: VoiceFilter,
    numbers: impl Fn(&WordEntry) -> u32,
    mut f: impl FnMut(Gram),
) {
    let text = a.norm.text.as_str();
    let end = tokens.end.min(a.tokens.len());
    let mut sentence = a.sentence_at(a.tokens.get(tokens.start).map_or(0, |t| t.start)) as usize;
    let mut prev: Option<(u32, u32, bool)> = None; // (end, pair number, authorial)
    let start = tokens.start.min(end);
    for (i, (t, e)) in (start..end).zip(a.tokens[start..end].iter().zip(&toks[start..end])) {
        while sentence + 1 < a.sentences.len() && (i as u32) >= a.sentences[sentence].end_token {
            sentence += 1;
            prev = None;
        }
        if !e.word {
            prev = None;
            continue;
        }
        let authorial = t.voice == Voice::Authorial;
        if voice.keeps(t.voice) {
            f(Gram::Word(e));
        }
        let n = numbers(e);
        if let Some((pe, pn, pa)) = prev {
            if (voice == VoiceFilter::All || (pa && authorial))
                && pn != NONE
                && n != NONE
                && text.get(pe as usize..t.start as usize) == Some(" ")
            {
                f(Gram::Pair(pn, n));
            }
        }
        prev = Some((t.end, n, authorial));
    }
}

/// What the cache needs of the models it serves: the featurizer, an
/// identity (a cache belongs to one set of models), and a word's entry.
/// Implemented by the model-aware side ([`super::apply`]), so this file
/// knows no concrete model.
pub(crate) trait EntryModels {
    /// The featurizer's matcher, whose lexicon matches are cached.
    fn matcher(&self) -> &TokenMatcher;
    /// Identity of the models (entries of other models are dropped).
    fn owner(&self) -> usize;
    /// The entry of the lower-cased word `key` (`id`: its identity).
    fn entry(&self, key: &str, pool: &mut Vec<u32>, id: u32) -> WordEntry;
}

impl WordCache {
    /// Prepare the entries of the tokens of `a` (whose main vocabulary ids
    /// are `ids` in `vocab`) and the featurizer's lexicon matches.
    pub(crate) fn prepare(
        &mut self,
        models: &impl EntryModels,
        a: &Analyzed,
        ids: &[u32],
        vocab: &Vocab,
    ) {
        let owner = models.owner();
        // A cache belongs to one set of models and one (growing)
        // vocabulary; start afresh otherwise, or when it grew very large.
        if self.owner != owner || self.entries.len() > vocab.len() || self.pool.len() > 1 << 27 {
            self.entries.clear();
            self.pool.clear();
            self.owner = owner;
        }
        if self.entries.len() < vocab.len() {
            self.entries.resize(vocab.len(), None);
        }
        let text = a.norm.text.as_str();
        let punct = models.matcher().has_punct_patterns();
        self.toks.clear();
        self.extra.clear();
        self.extra_spans.clear();
        self.extra_spans.resize(a.tokens.len(), (0, 0));
        self.extra_keys.clear();
        for (i, t) in a.tokens.iter().enumerate() {
            let is_word = t.kind == TokenKind::Word;
            let looked_up = t.end - t.start <= MAX_WORD && (t.kind != TokenKind::Punct || punct);
            if !looked_up {
                self.toks.push(WordEntry::EMPTY);
                continue;
            }
            let id = ids.get(i).copied().unwrap_or(NONE);
            let mut e = if id != NONE {
                match self.entries[id as usize] {
                    Some(e) => e,
                    None => {
                        let e = models.entry(vocab.get(id), &mut self.pool, id);
                        self.entries[id as usize] = Some(e);
                        e
                    }
                }
            } else {
                // Not in the main vocabulary (a smaller --max-token-bytes, or
                // punctuation the run's lexicon has no patterns for).
                lower_into(t.text(text), &mut self.lower);
                let s = self.extra.len() as u32;
                self.extra.push_str(&self.lower);
                self.extra_spans[i] = (s, self.extra.len() as u32);
                let n = self.extra_keys.len() as u32;
                let key = NONE - 1 - *self.extra_keys.entry(self.lower.clone()).or_insert(n);
                models.entry(&self.lower, &mut self.pool, key)
            };
            e.word = is_word;
            self.toks.push(e);
        }
        let mut found = std::mem::take(&mut self.found);
        let mut scratch = std::mem::take(&mut self.scratch);
        let view = View {
            vocab,
            ids,
            cache: self,
        };
        models
            .matcher()
            .find_into(text, &a.tokens, &view, &mut scratch, &mut found);
        self.matches.clear();
        for m in &found {
            self.matches.push(MatchRecord {
                m: *m,
                // Scoring never reads the original span.
                original: m.start as usize..m.end as usize,
                sentence: a.sentence_at(m.start),
                voice: a.voice_at(m.start),
            });
        }
        self.found = found;
        self.scratch = scratch;
    }
}

/// The featurizer's view of the document's tokens.
struct View<'a> {
    vocab: &'a Vocab,
    ids: &'a [u32],
    cache: &'a WordCache,
}

impl TokenTable for View<'_> {
    #[inline]
    fn key(&self, i: usize) -> &str {
        let e = &self.cache.toks[i];
        if e.key == NONE {
            ""
        } else if self.ids.get(i).is_some_and(|&id| id == e.key) {
            self.vocab.get(e.key)
        } else {
            let (a, b) = self.cache.extra_spans[i];
            &self.cache.extra[a as usize..b as usize]
        }
    }

    #[inline]
    fn starts(&self, i: usize) -> &[u32] {
        let (a, b) = self.cache.toks[i].starts;
        &self.cache.pool[a as usize..b as usize]
    }
}
