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

mod aggregate;
pub mod boilerplate;
mod extract;
mod ngram_counts;
pub mod referents;
mod vocab;

pub use aggregate::*;
pub use extract::*;
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
