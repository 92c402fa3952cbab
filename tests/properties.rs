//! Property tests of the matcher (the text-analysis properties — offsets in
//! bounds and on char boundaries, idempotent normalisation — live in
//! `src/text/mod.rs`): matches are sorted, in bounds, on char boundaries and
//! word boundaries, never overlap within a layer, and are exactly the
//! leftmost-longest selection per layer of a naive reference matcher.

use proptest::prelude::*;
use slant::lexicon::{Lexicon, Match, Matcher, Scratch, Target};
use slant::text::Analyzed;

/// Families share layer 0; category `c` is layer `1 + c`.
fn layer(t: &Target) -> usize {
    match *t {
        Target::Variant { .. } => 0,
        Target::Category { category, .. } => 1 + category as usize,
    }
}

fn key(m: &Match) -> (u32, u32, usize, String) {
    (m.start, m.end, layer(&m.target), format!("{:?}", m.target))
}

fn check_basic(text: &str, out: &[Match]) -> Result<(), TestCaseError> {
    let mut prev_start = 0;
    let mut last: Vec<Option<(u32, u32)>> = Vec::new();
    for m in out {
        prop_assert!(m.start < m.end && m.end as usize <= text.len(), "{m:?}");
        prop_assert!(text.is_char_boundary(m.start as usize));
        prop_assert!(text.is_char_boundary(m.end as usize));
        prop_assert!(m.start >= prev_start, "not sorted");
        prev_start = m.start;
        let l = layer(&m.target);
        if last.len() <= l {
            last.resize(l + 1, None);
        }
        if let Some((s, e)) = last[l] {
            // One span may count for several families (same term listed
            // in each); otherwise nothing overlaps within a layer.
            let same = l == 0 && (s, e) == (m.start, m.end);
            prop_assert!(
                m.start >= e || same,
                "overlap in layer {l}: {s}..{e} and {m:?}"
            );
        }
        last[l] = Some((m.start, m.end));
    }
    Ok(())
}

const SMALL: &str = r#"
[[family]]
id = "armed"
[[family.variant]]
id = "terror"
tone = -1.0
terms = ["terrorist group", "terrorists"]
[[family.variant]]
id = "plain"
tone = 0.0
terms = ["group", "armed group"]
[[family]]
id = "fighters"
[[family.variant]]
id = "freedom"
tone = 1.0
terms = ["freedom fighters"]
[[family.variant]]
id = "fighters"
tone = 0.0
terms = ["fighters"]
[[category]]
id = "loaded"
terms = ["terrorist", "group", "freedom"]
[[category]]
id = "hedge"
terms = ["may", "may be", "be"]
"#;

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

fn word_before(t: &str, i: usize) -> bool {
    let mut it = t[..i].chars().rev();
    match it.next() {
        Some(c) if is_word(c) => true,
        Some('-') => it.next().is_some_and(is_word),
        _ => false,
    }
}

fn word_after(t: &str, i: usize) -> bool {
    let mut it = t[i..].chars();
    match it.next() {
        Some(c) if is_word(c) => true,
        Some('-') => it.next().is_some_and(is_word),
        _ => false,
    }
}

/// The reference: every occurrence (ASCII case-insensitive) of every term
/// on word boundaries, then per layer, by start and longest first, greedily
/// keep what does not overlap.
fn reference(lex: &Lexicon, text: &str) -> Vec<(u32, u32, usize, String)> {
    let mut terms: Vec<(String, Target)> = Vec::new();
    let mut flat = 0u32;
    for (fi, f) in lex.families.iter().enumerate() {
        for v in &f.variants {
            for t in &v.terms {
                let target = Target::Variant {
                    family: fi as u32,
                    flat,
                };
                terms.push((t.text.clone(), target));
            }
            flat += 1;
        }
    }
    for (ci, c) in lex.categories.iter().enumerate() {
        for t in &c.terms {
            let target = Target::Category {
                category: ci as u32,
                weight: t.weight as f32,
            };
            terms.push((t.text.clone(), target));
        }
    }
    let lower = text.to_ascii_lowercase();
    let mut cands: Vec<(u32, u32, usize, String)> = Vec::new();
    for (term, target) in &terms {
        for (i, _) in lower.match_indices(term.as_str()) {
            let end = i + term.len();
            if !word_before(text, i) && !word_after(text, end) {
                cands.push((i as u32, end as u32, layer(target), format!("{target:?}")));
            }
        }
    }
    cands.sort_by(|a, b| a.2.cmp(&b.2).then(a.0.cmp(&b.0)).then(b.1.cmp(&a.1)));
    let mut out = Vec::new();
    let mut last: Option<(usize, u32)> = None;
    for c in cands {
        if last.is_none_or(|(l, e)| l != c.2 || c.0 >= e) {
            last = Some((c.2, c.1));
            out.push(c);
        }
    }
    out.sort();
    out
}

fn words() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec![
        "terrorist",
        "terrorists",
        "Terrorist",
        "group",
        "GROUP",
        "armed",
        "freedom",
        "fighters",
        "may",
        "be",
        "maybe",
        "x",
        "groups",
        "é",
        "ﬁghters",
    ]);
    let sep = prop::sample::select(vec![" ", " ", " ", "-", ", ", "'s ", "\n", "  ", "\u{a0}"]);
    prop::collection::vec((word, sep), 0..24)
        .prop_map(|v| v.into_iter().flat_map(|(w, s)| [w, s]).collect::<String>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Leftmost-longest per layer, exactly as the reference selects.
    #[test]
    fn matcher_equals_leftmost_longest_reference(text in words()) {
        let lex = Lexicon::from_toml_str("small.toml", SMALL).unwrap();
        let m = Matcher::new(&lex);
        let mut out = Vec::new();
        m.find_into(&text, &mut Scratch::default(), &mut out);
        check_basic(&text, &out)?;
        let mut got: Vec<_> = out.iter().map(key).collect();
        got.sort();
        prop_assert_eq!(got, reference(&lex, &text));
    }

    /// With the built-in lexicons on arbitrary (normalised) text: sorted,
    /// in bounds, on char and word boundaries, no overlap within a layer.
    #[test]
    fn builtin_matches_never_overlap_within_a_layer(s in any::<String>()) {
        let m = builtin_matcher();
        let mut a = Analyzed::default();
        a.analyze(&s);
        let text = a.norm.text.as_str();
        let mut out = Vec::new();
        m.find_into(text, &mut Scratch::default(), &mut out);
        check_basic(text, &out)?;
        for x in &out {
            let first = text[x.start as usize..].chars().next().unwrap();
            if is_word(first) {
                prop_assert!(!word_before(text, x.start as usize));
            }
        }
    }

    /// The same on text made of lexicon words, where matches are dense.
    #[test]
    fn builtin_dense_matches_never_overlap(text in words()) {
        let m = builtin_matcher();
        let mut out = Vec::new();
        m.find_into(&text, &mut Scratch::default(), &mut out);
        check_basic(&text, &out)?;
    }
}

fn builtin_matcher() -> &'static Matcher {
    static M: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
    M.get_or_init(|| Matcher::new(&Lexicon::builtin()))
}

/// The reference is not vacuous: a known text gives the expected spans.
#[test]
fn reference_on_a_known_text() {
    let lex = Lexicon::from_toml_str("small.toml", SMALL).unwrap();
    let text = "A terrorist group may be armed group-like; freedom fighters.";
    let spans: Vec<(&str, usize)> = reference(&lex, text)
        .iter()
        .map(|(s, e, l, _)| (&text[*s as usize..*e as usize], *l))
        .collect();
    assert_eq!(
        spans,
        [
            ("terrorist", 1),
            ("terrorist group", 0),
            ("group", 1),
            // "be" (same layer) is inside "may be"; "group-like" is one word.
            ("may be", 2),
            ("freedom", 1),
            ("freedom fighters", 0),
        ]
    );
    let mut out = Vec::new();
    Matcher::new(&lex).find_into(text, &mut Scratch::default(), &mut out);
    assert_eq!(out.len(), spans.len());
}
