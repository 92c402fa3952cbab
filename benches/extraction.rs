//! Throughput of each extraction stage, in bytes of article text per
//! second, on a fixed corpus built from the shipped sample articles
//! (`data/sample`, repeated), so `cargo bench` works anywhere.
//!
//! Stages: decode + normalise; analyze (normalise, tokenise, sentences,
//! quotation spans); lexicon matching with the Aho–Corasick reference
//! matcher; vocabulary interning of every token; uni/bigram counting of
//! pre-interned token ids; full per-document extraction without n-grams
//! (lexicon only) and with uni/bigram counting.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use slant::corpus::Document;
use slant::features::{
    bigram_key, unigram_key, Aggregates, Extractor, FeatureOptions, NgramCounts, Vocab, Workspace,
};
use slant::lexicon::{Lexicon, Matcher, Scratch};
use slant::text::{normalize_into, Analyzed, Normalized, TokenKind};

fn corpus() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .expect("data/sample")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| std::fs::read_to_string(p).expect("sample text"))
        .collect();
    texts.sort();
    // ~2 MB: enough to exercise the vocabulary, small enough to iterate.
    let one: Vec<String> = texts.clone();
    for i in 0..60 {
        texts.extend(one.iter().map(|t| format!("{t}\n\nEdition {i}.")));
    }
    texts
}

fn docs(texts: &[String]) -> Vec<Document> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            Document::new(i.to_string(), format!("outlet-{}", i % 5), t.clone())
                .with_story(format!("story-{}", i % 4))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let texts = corpus();
    let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    let lex = Lexicon::builtin();
    let mut g = c.benchmark_group("extraction");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);

    let raw: Vec<Vec<u8>> = texts.iter().map(|t| t.clone().into_bytes()).collect();
    g.bench_function("decode_normalise", |b| {
        let mut n = Normalized::default();
        b.iter(|| {
            for r in &raw {
                let d = slant::corpus::decode::decode(r).expect("utf-8");
                normalize_into(&d.text, &mut n);
            }
        })
    });

    g.bench_function("analyze_tokens_sentences_quotes", |b| {
        let mut a = Analyzed::default();
        b.iter(|| {
            for t in &texts {
                a.analyze(t);
            }
        })
    });

    let ac = Matcher::new(&lex);
    let normalised: Vec<String> = texts
        .iter()
        .map(|t| {
            let mut n = Normalized::default();
            normalize_into(t, &mut n);
            n.text
        })
        .collect();
    g.bench_function("lexicon_match_aho_corasick", |b| {
        let mut s = Scratch::default();
        let mut out = Vec::new();
        b.iter(|| {
            for t in &normalised {
                ac.find_into(t, &mut s, &mut out);
            }
        })
    });

    // Lower-cased word tokens of every text, for the vocabulary and
    // n-gram stages.
    let words: Vec<Vec<String>> = texts
        .iter()
        .map(|t| {
            let mut a = Analyzed::default();
            a.analyze(t);
            a.tokens
                .iter()
                .filter(|k| k.kind == TokenKind::Word)
                .map(|k| k.text(&a.norm.text).to_lowercase())
                .collect()
        })
        .collect();
    g.bench_function("vocabulary_intern", |b| {
        b.iter_batched(
            Vocab::default,
            |mut v| {
                for doc in &words {
                    for w in doc {
                        std::hint::black_box(v.intern(w));
                    }
                }
                v
            },
            BatchSize::LargeInput,
        )
    });

    let mut vocab = Vocab::default();
    let keys: Vec<Vec<u64>> = words
        .iter()
        .map(|doc| {
            let ids: Vec<u32> = doc.iter().map(|w| vocab.intern(w)).collect();
            let mut k: Vec<u64> = ids.iter().map(|&i| unigram_key(i)).collect();
            k.extend(ids.windows(2).map(|p| bigram_key(p[0], p[1])));
            k
        })
        .collect();
    g.bench_function("ngram_counting", |b| {
        b.iter_batched(
            || vec![NgramCounts::default(); 5],
            |mut per_source| {
                for (i, k) in keys.iter().enumerate() {
                    per_source[i % 5].add_keys(k);
                }
                for c in per_source.iter_mut() {
                    c.compact();
                }
                per_source
            },
            BatchSize::LargeInput,
        )
    });

    let documents = docs(&texts);
    for (name, ngrams) in [("extract_lexicon_only", false), ("extract_full", true)] {
        let ex = Extractor::new(
            &lex,
            FeatureOptions {
                ngrams,
                ..FeatureOptions::default()
            },
        );
        g.bench_function(name, |b| {
            b.iter_batched(
                || (Workspace::default(), Aggregates::new(&lex)),
                |(mut ws, mut agg)| {
                    for d in &documents {
                        ex.extract(d, &mut ws, &mut agg);
                    }
                    agg
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
