//! Extraction: one document's analysis, lexicon matches, counts and n-grams
//! ([`Extractor::extract`]), added into the [`Aggregates`] of its thread.

use super::*;

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
    /// Count names and their labels into [`Aggregates::referents`] (for
    /// `labels.csv`; see [`referents`](super::referents)).
    pub referents: bool,
}

impl Default for FeatureOptions {
    fn default() -> Self {
        FeatureOptions {
            ngrams: true,
            max_token_bytes: 64,
            boilerplate_min_docs: 5,
            referents: false,
        }
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
    /// Byte span in the analyzed original text.
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
    /// The analyzed text of the last document.
    pub analyzed: Analyzed,
    /// The analyzed string: title and body (see [`analyzed_text`]).
    pub text: String,
    scratch: TokenScratch,
    matches: Vec<Match>,
    /// The document's lookup keys: the analyzed text with ASCII letters
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
    referents: super::referents::ReferentScratch,
}

impl Workspace {
    /// Keep the labels of each document the referent rules find
    /// ([`labels`](Self::labels); with
    /// [`FeatureOptions::referents`] on), for the per-match files.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
    /// # let lex = slant::lexicon::Lexicon::builtin();
    /// let ex = Extractor::new(&lex, FeatureOptions { referents: true, ..Default::default() });
    /// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
    /// ws.record_labels(true);
    /// ex.extract(&Document::new("1", "a", "Taliban fighters attacked."), &mut ws, &mut agg);
    /// assert_eq!(ws.labels().len(), 1);
    /// ```
    pub fn record_labels(&mut self, on: bool) {
        self.referents.record(on);
    }

    /// The last document's labels (see [`record_labels`](Self::record_labels)).
    pub fn labels(&self) -> &[super::referents::LabelMention] {
        self.referents.labels()
    }

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
/// use slant::features::analyzed_text;
/// # use slant::corpus::Document;
/// # let doc = |source: &str, story: Option<&str>, text: &str| Document { story: story.map(Into::into), ..Document::new("1", source, text) };
/// let mut d = doc("a", None, "Fighting continued.");
/// let mut s = String::from("left over");
/// analyzed_text(&d, &mut s);
/// assert_eq!(s, "Fighting continued.");
/// d.title = Some("  Rebels advance ".into());
/// analyzed_text(&d, &mut s);
/// assert_eq!(s, "Rebels advance\n\nFighting continued.");
/// ```
pub fn analyzed_text(doc: &Document, out: &mut String) {
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
    /// The options it extracts with.
    ///
    /// ```
    /// use slant::features::{Extractor, FeatureOptions};
    /// let ex = Extractor::new(&slant::lexicon::Lexicon::builtin(), FeatureOptions::default());
    /// assert!(!ex.options().referents);
    /// ```
    pub fn options(&self) -> &FeatureOptions {
        &self.opts
    }

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

    /// Record sentences in a table that keeps the words of those seen once
    /// too ([`SentenceTable::keeping_words`](boilerplate::SentenceTable::keeping_words)),
    /// for a partial whose table is later added to others'. Without
    /// boilerplate detection there is no table, and this does nothing.
    ///
    /// ```
    /// use slant::features::{Extractor, FeatureOptions};
    /// let lex = slant::lexicon::Lexicon::builtin();
    /// let mut ex = Extractor::new(&lex, FeatureOptions::default());
    /// ex.keep_sentence_words();
    /// assert_eq!(ex.sentence_table().unwrap().len(), (0, 0));
    /// ```
    pub fn keep_sentence_words(&mut self) {
        if self.sentences.is_some() {
            self.sentences = Some(boilerplate::SentenceTable::keeping_words());
        }
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

    /// Analyze one document: returns its features and adds its counts (and
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
        analyzed_text(doc, &mut ws.text);
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
            referents: ref_scratch,
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
        if self.opts.referents {
            agg.referents
                .add_document_with(a, &doc.source, doc.story.as_deref(), ref_scratch);
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

/// `items.partition_point(pred)` for a predicate that holds on a prefix and
/// whose prefix only grows between calls (positions in text order):
/// `cursor` carries the previous answer, so a call costs a short forward
/// scan. Falls back to a binary search if the prefix shrank.
#[inline]
pub(super) fn advance<T>(items: &[T], cursor: &mut usize, pred: impl Fn(&T) -> bool) -> usize {
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
pub(super) struct DocView<'a> {
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
pub(super) struct SentenceSink {
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
pub(super) fn counted(tokens: &[crate::text::Token], text: &[u8], i: usize, id: u32) -> bool {
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
pub(super) fn web_part(tokens: &[crate::text::Token], text: &[u8], i: usize) -> bool {
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
pub(super) fn bigram_gap(text: &[u8], prev_end: u32, next: &crate::text::Token) -> bool {
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
pub(super) fn count_ngrams(
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
pub(super) fn count_furniture(counts: &mut Vec<[u64; 2]>, hits: &mut [u8]) {
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
pub(super) fn sentence_words(
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
