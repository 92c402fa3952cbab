//! decode → normalise → tokenise → sentences/quotes → match → features,
//! asserting the invariants the reports rely on.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slant::corpus::decode::decode_with;
use slant::corpus::{Document, Origin};
use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
use slant::lexicon::{Lexicon, Matcher, Scratch, Target};
use slant::text::Analyzed;
use std::sync::OnceLock;

struct Env {
    lex: Lexicon,
    matcher: Matcher,
    extractor: Extractor,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let lex = Lexicon::builtin();
        let matcher = Matcher::new(&lex);
        let extractor = Extractor::new(
            &lex,
            FeatureOptions {
                ngrams: true,
                max_token_bytes: 16,
            },
        );
        Env {
            lex,
            matcher,
            extractor,
        }
    })
}

fn layer(t: &Target) -> usize {
    match *t {
        Target::Variant { .. } => 0,
        Target::Category { category, .. } => 1 + category as usize,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let repair = flags & 1 == 0;
    let env = env();
    let Ok(decoded) = decode_with(bytes, repair) else {
        return;
    };
    let orig = decoded.text.as_str();

    let mut a = Analyzed::default();
    a.analyze(orig);
    let text = a.norm.text.as_str();

    // Tokens: non-empty, in bounds, on char boundaries, in order.
    let mut prev_end = 0u32;
    for t in &a.tokens {
        assert!(t.start < t.end, "empty token {t:?}");
        assert!(t.end as usize <= text.len(), "token out of bounds {t:?}");
        assert!(text.is_char_boundary(t.start as usize) && text.is_char_boundary(t.end as usize));
        assert!(t.start >= prev_end, "tokens overlap");
        prev_end = t.end;
        let o = a.norm.to_original(t.start as usize..t.end as usize);
        assert!(
            o.start < o.end && o.end <= orig.len(),
            "token maps to {o:?}"
        );
        assert!(orig.is_char_boundary(o.start) && orig.is_char_boundary(o.end));
    }
    // Sentences partition the tokens.
    let mut next = 0u32;
    for s in &a.sentences {
        assert_eq!(s.first_token, next);
        assert!(s.end_token > s.first_token);
        next = s.end_token;
    }
    assert_eq!(next as usize, a.tokens.len());
    // Quotation spans sorted, disjoint, in bounds.
    let mut qend = 0u32;
    for q in &a.quotes {
        assert!(q.start >= qend && q.start < q.end && q.end as usize <= text.len());
        qend = q.end;
    }
    // Normalisation is idempotent.
    let mut again = Analyzed::default();
    again.analyze(text);
    assert_eq!(again.norm.text, text, "normalisation not idempotent");

    // Matches: in bounds, on char boundaries, sorted by start, and
    // non-overlapping within a layer.
    let mut out = Vec::new();
    env.matcher
        .find_into(text, &mut Scratch::default(), &mut out);
    // Last span taken in each layer; a span can count twice in the family
    // layer only when one term is listed in several families.
    let mut last: Vec<Option<(u32, u32)>> = vec![None; 1 + env.lex.categories.len()];
    let mut last_start = 0u32;
    for m in &out {
        assert!(
            m.start < m.end && m.end as usize <= text.len(),
            "match {m:?}"
        );
        assert!(text.is_char_boundary(m.start as usize) && text.is_char_boundary(m.end as usize));
        assert!(m.start >= last_start, "matches not sorted");
        last_start = m.start;
        let l = layer(&m.target);
        if let Some((s, e)) = last[l] {
            let same_span = l == 0 && (s, e) == (m.start, m.end);
            assert!(
                m.start >= e || same_span,
                "overlap in layer {l}: {m:?} after {s}..{e}"
            );
        }
        last[l] = Some((m.start, m.end));
        let o = a.norm.to_original(m.start as usize..m.end as usize);
        assert!(o.start < o.end && o.end <= orig.len());
    }

    // The whole per-document feature extraction.
    let doc = Document {
        id: "f".into(),
        source: "s".into(),
        story: (flags & 2 != 0).then(|| "story".into()),
        date: None,
        title: (flags & 4 != 0).then(|| "A title".into()),
        text: decoded.text.clone(),
        origin: Origin {
            file: "fuzz".into(),
            line: 0,
            record: 0,
        },
        encoding: decoded.encoding,
        repairs: decoded.repairs,
        extra: Vec::new(),
    };
    let mut ws = Workspace::default();
    let mut agg = Aggregates::new(&env.lex);
    let f = env.extractor.extract(&doc, &mut ws, &mut agg);
    for r in &f.matches {
        assert!(r.original.start <= r.original.end && r.original.end <= ws.text.len());
        assert!(ws.text.is_char_boundary(r.original.start));
        assert!(ws.text.is_char_boundary(r.original.end));
        assert!((r.sentence as usize) < ws.analyzed.sentences.len().max(1));
    }
});
