//! Token-level lexicon matching: the fast path used by feature extraction.
//!
//! Each lexicon term is tokenised with slant's own tokenizer into a short
//! pattern of lower-cased tokens (with whether a space separates them).
//! When a document token is first interned in a [`TokenTable`] (the n-gram
//! vocabulary), the table stores the patterns that token can *start*; a
//! document then costs one table lookup per token, and phrases are
//! confirmed by comparing the following tokens. Selection is
//! leftmost-longest per layer, exactly as in the text-level
//! [`Matcher`](super::Matcher), which serves as the reference
//! implementation (a property test checks that both agree).
//!
//! Word boundaries fall out of tokenisation: a hyphen between letters joins
//! a word ("government-run" is one token), and a possessive `'s` or `'` is
//! stripped for matching ("Taliban's" matches "taliban", the match span
//! excludes the `'s`).

use super::{Lexicon, Match, Target};
use crate::text::Token;
use rustc_hash::FxHashMap;

/// Per-token data of one document: for the token at position `i`, its
/// lower-cased text and the patterns it can start (from
/// [`TokenMatcher::starts_for`], usually cached per distinct token).
///
/// Implement it over your own per-token cache, or use [`SimpleTable`].
///
/// ```
/// use slant::lexicon::{Lexicon, SimpleTable, TokenMatcher, TokenTable};
/// use slant::text::Analyzed;
/// let lex = Lexicon::from_toml_str("x.toml", "[[category]]\nid = \"hedge\"\nterms = [\"may\"]").unwrap();
/// let m = TokenMatcher::new(&lex);
/// let mut a = Analyzed::default();
/// a.analyze("It May rain.");
/// let table = SimpleTable::new(&m, &a.norm.text, &a.tokens);
/// assert_eq!(table.key(1), "may");
/// assert!(!table.starts(1).is_empty());
/// assert!(table.starts(0).is_empty());
/// ```
pub trait TokenTable {
    /// The lower-cased text of the `i`-th token.
    fn key(&self, i: usize) -> &str;
    /// Patterns the `i`-th token can start.
    fn starts(&self, i: usize) -> &[u32];
}

/// A simple [`TokenTable`]: keys and start lists held per token.
///
/// It looks up every token anew; a caller that matches many documents
/// would rather cache the start lists per distinct token.
///
/// ```
/// use slant::lexicon::{Lexicon, SimpleTable, TokenMatcher};
/// use slant::text::Analyzed;
/// let lex = Lexicon::from_toml_str("x.toml", r#"
/// [[category]]
/// id = "attribution"
/// terms = ["according to", "claimed"]
/// "#).unwrap();
/// let m = TokenMatcher::new(&lex);
/// let mut a = Analyzed::default();
/// a.analyze("According to Reuters");
/// let table = SimpleTable::new(&m, &a.norm.text, &a.tokens);
/// assert_eq!(table.keys, ["according", "to", "reuters"]);
/// assert_eq!(table.starts[0].len(), 1); // "according" starts "according to"
/// assert!(table.starts[1].is_empty() && table.starts[2].is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct SimpleTable {
    /// Lower-cased token texts.
    pub keys: Vec<String>,
    /// Patterns each token starts.
    pub starts: Vec<Vec<u32>>,
}

impl SimpleTable {
    /// Build the table for tokens of `text` (normalised): one lower-cased
    /// key and one start list per token.
    ///
    /// ```
    /// use slant::lexicon::{Lexicon, SimpleTable, TokenMatcher};
    /// use slant::text::Analyzed;
    /// let lex = Lexicon::from_toml_str("x.toml", "[[category]]\nid = \"hedge\"\nterms = [\"may\"]").unwrap();
    /// let mut a = Analyzed::default();
    /// a.analyze("MAY it rain?");
    /// let table = SimpleTable::new(&TokenMatcher::new(&lex), &a.norm.text, &a.tokens);
    /// assert_eq!(table.keys.len(), a.tokens.len());
    /// assert_eq!(table.keys[0], "may");
    /// assert_eq!(table.starts[0].len(), 1);
    /// ```
    pub fn new(m: &TokenMatcher, text: &str, tokens: &[Token]) -> SimpleTable {
        let mut t = SimpleTable::default();
        for tok in tokens {
            let key = tok.text(text).to_lowercase();
            let mut st = Vec::new();
            m.starts_for(&key, &mut st);
            t.keys.push(key);
            t.starts.push(st);
        }
        t
    }
}

impl TokenTable for SimpleTable {
    fn key(&self, i: usize) -> &str {
        &self.keys[i]
    }
    fn starts(&self, i: usize) -> &[u32] {
        &self.starts[i]
    }
}

#[derive(Debug, Clone)]
struct PatTok {
    text: Box<str>,
    /// A space (rather than nothing) separates this token from the previous.
    space_before: bool,
}

#[derive(Debug, Clone)]
struct Pattern {
    toks: Vec<PatTok>,
    wildcard: bool,
    targets: std::ops::Range<u32>,
}

/// What matching needs of a pattern before its second token, packed
/// (most patterns are one word: they are decided here, without touching
/// [`Pattern::toks`]).
#[derive(Debug, Clone, Copy)]
struct PatHead {
    n_toks: u32,
    /// Byte length of the first token's text.
    first_len: u32,
    wildcard: bool,
    targets: (u32, u32),
}

/// A lexicon compiled for token-level matching.
///
/// ```
/// use slant::lexicon::{Lexicon, SimpleTable, TokenMatcher};
/// use slant::text::Analyzed;
/// let lex = Lexicon::from_toml_str("x.toml", r#"
/// [[category]]
/// id = "hedge"
/// terms = ["may", "appears to", "suggest*"]
/// "#).unwrap();
/// let m = TokenMatcher::new(&lex);
/// let mut a = Analyzed::default();
/// a.analyze("The mayor may go; data suggests it appears to work.");
/// let table = SimpleTable::new(&m, &a.norm.text, &a.tokens);
/// let mut out = Vec::new();
/// m.find_into(&a.norm.text, &a.tokens, &table, &mut Default::default(), &mut out);
/// let words: Vec<&str> = out.iter().map(|x| &a.norm.text[x.start as usize..x.end as usize]).collect();
/// assert_eq!(words, ["may", "suggests", "appears to"]);
/// ```
#[derive(Debug, Clone)]
pub struct TokenMatcher {
    patterns: Vec<Pattern>,
    heads: Vec<PatHead>,
    targets: Vec<Target>,
    first_exact: FxHashMap<Box<str>, Vec<u32>>,
    first_wild: Vec<(Box<str>, u32)>,
    n_layers: usize,
    punct_patterns: bool,
}

/// Reusable buffers for [`TokenMatcher::find_into`].
///
/// Keep one per thread and pass it to every call, so that matching does
/// not allocate per document.
///
/// ```
/// use slant::lexicon::{Lexicon, SimpleTable, TokenMatcher, TokenScratch};
/// use slant::text::Analyzed;
/// let lex = Lexicon::from_toml_str("x.toml", "[[category]]\nid = \"hedge\"\nterms = [\"may\"]").unwrap();
/// let m = TokenMatcher::new(&lex);
/// let (mut a, mut scratch, mut out) = (Analyzed::default(), TokenScratch::default(), Vec::new());
/// let mut counts = Vec::new();
/// for doc in ["It may rain.", "No hedge here.", "May it? It may."] {
///     a.analyze(doc);
///     let table = SimpleTable::new(&m, &a.norm.text, &a.tokens);
///     m.find_into(&a.norm.text, &a.tokens, &table, &mut scratch, &mut out);
///     counts.push(out.len());
/// }
/// assert_eq!(counts, [1, 0, 2]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct TokenScratch {
    cands: Vec<(u32, u32, u32)>,
    last_end: Vec<u32>,
}

/// The token text without a possessive `'s` or trailing `'`, if it has one.
#[inline]
fn possessive_base(key: &str) -> Option<&str> {
    key.strip_suffix("'s")
        .or_else(|| key.strip_suffix('\''))
        .filter(|b| !b.is_empty())
}

impl TokenMatcher {
    /// Compile `lexicon`. Terms are tokenised like documents, so a
    /// hyphenated term is one word and a possessive `'s` in the text still
    /// matches.
    ///
    /// ```
    /// use slant::lexicon::{Lexicon, SimpleTable, TokenMatcher};
    /// use slant::text::Analyzed;
    /// let lex = Lexicon::from_toml_str("x.toml", r#"
    /// [[category]]
    /// id = "loaded"
    /// terms = ["regime", "state-run"]
    /// "#).unwrap();
    /// let m = TokenMatcher::new(&lex);
    /// let mut a = Analyzed::default();
    /// a.analyze("State-run media praised the Regime's plan, not the state.");
    /// let table = SimpleTable::new(&m, &a.norm.text, &a.tokens);
    /// let mut out = Vec::new();
    /// m.find_into(&a.norm.text, &a.tokens, &table, &mut Default::default(), &mut out);
    /// let found: Vec<&str> = out.iter().map(|x| &a.norm.text[x.start as usize..x.end as usize]).collect();
    /// assert_eq!(found, ["State-run", "Regime"]);
    /// ```
    pub fn new(lexicon: &Lexicon) -> TokenMatcher {
        let mut index: FxHashMap<(String, bool), usize> = FxHashMap::default();
        let mut per: Vec<((String, bool), Vec<Target>)> = Vec::new();
        let mut add = |text: &str, wildcard: bool, t: Target| {
            let key = (text.to_string(), wildcard);
            let i = *index.entry(key.clone()).or_insert_with(|| {
                per.push((key, Vec::new()));
                per.len() - 1
            });
            per[i].1.push(t);
        };
        let mut flat = 0u32;
        for (fi, f) in lexicon.families.iter().enumerate() {
            for v in &f.variants {
                for t in &v.terms {
                    let target = Target::Variant {
                        family: fi as u32,
                        flat,
                    };
                    add(&t.text, t.wildcard, target);
                }
                flat += 1;
            }
        }
        for (ci, c) in lexicon.categories.iter().enumerate() {
            for t in &c.terms {
                let target = Target::Category {
                    category: ci as u32,
                    weight: t.weight as f32,
                };
                add(&t.text, t.wildcard, target);
            }
        }
        let mut a = crate::text::Analyzed::default();
        let mut patterns = Vec::with_capacity(per.len());
        let mut targets = Vec::new();
        let mut first_exact: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        let mut first_wild = Vec::new();
        for ((text, wildcard), ts) in per {
            a.analyze(&text);
            let toks: Vec<PatTok> = a
                .tokens
                .iter()
                .enumerate()
                .map(|(i, t)| PatTok {
                    text: t.text(&a.norm.text).to_lowercase().into(),
                    space_before: i > 0 && a.tokens[i - 1].end < t.start,
                })
                .collect();
            if toks.is_empty() {
                continue;
            }
            let pid = patterns.len() as u32;
            if wildcard && toks.len() == 1 {
                first_wild.push((toks[0].text.clone(), pid));
            } else {
                first_exact
                    .entry(toks[0].text.clone())
                    .or_default()
                    .push(pid);
            }
            let start = targets.len() as u32;
            targets.extend(ts);
            patterns.push(Pattern {
                toks,
                wildcard,
                targets: start..targets.len() as u32,
            });
        }
        let punct_patterns = patterns.iter().any(|p| {
            p.toks.iter().any(|t| {
                let mut tok = Vec::new();
                crate::text::tokenize_into(&t.text, &mut tok);
                tok.iter().any(|x| x.kind == crate::text::TokenKind::Punct)
            })
        });
        let heads = patterns
            .iter()
            .map(|p| PatHead {
                n_toks: p.toks.len() as u32,
                first_len: p.toks[0].text.len() as u32,
                wildcard: p.wildcard,
                targets: (p.targets.start, p.targets.end),
            })
            .collect();
        TokenMatcher {
            patterns,
            heads,
            targets,
            first_exact,
            first_wild,
            n_layers: 1 + lexicon.categories.len(),
            punct_patterns,
        }
    }

    /// Whether any pattern contains a punctuation token (if not, punctuation
    /// tokens need no lookup).
    ///
    /// ```
    /// use slant::lexicon::{Lexicon, TokenMatcher};
    /// let lex = |terms: &str| {
    ///     Lexicon::from_toml_str("x.toml", &format!("[[category]]\nid = \"c\"\nterms = [{terms}]")).unwrap()
    /// };
    /// assert!(!TokenMatcher::new(&lex(r#""may", "state-run""#)).has_punct_patterns());
    /// assert!(TokenMatcher::new(&lex(r#""lol :)""#)).has_punct_patterns());
    /// ```
    pub fn has_punct_patterns(&self) -> bool {
        self.punct_patterns
    }

    /// The patterns a token with lower-cased text `key` can start (appended
    /// to `out`, sorted, deduplicated). Call once per distinct token.
    ///
    /// ```
    /// use slant::lexicon::{Lexicon, TokenMatcher};
    /// let lex = Lexicon::from_toml_str("x.toml", r#"
    /// [[category]]
    /// id = "hedge"
    /// terms = ["may", "may be", "suggest*", "taliban"]
    /// "#).unwrap();
    /// let m = TokenMatcher::new(&lex);
    /// let starts = |key: &str| {
    ///     let mut out = Vec::new();
    ///     m.starts_for(key, &mut out);
    ///     out.len()
    /// };
    /// assert_eq!(starts("may"), 2); // "may" and "may be"
    /// assert_eq!(starts("suggested"), 1); // "suggest*"
    /// assert_eq!(starts("taliban's"), 1); // possessive stripped
    /// assert_eq!(starts("mayor"), 0);
    /// ```
    pub fn starts_for(&self, key: &str, out: &mut Vec<u32>) {
        let n = out.len();
        for k in std::iter::once(key).chain(possessive_base(key)) {
            if let Some(ps) = self.first_exact.get(k) {
                out.extend_from_slice(ps);
            }
            for (prefix, pid) in &self.first_wild {
                if k.starts_with(&**prefix) {
                    out.push(*pid);
                }
            }
        }
        out[n..].sort_unstable();
        let mut w = n;
        for r in n..out.len() {
            if w == n || out[w - 1] != out[r] {
                out[w] = out[r];
                w += 1;
            }
        }
        out.truncate(w);
    }

    /// Does pattern token `pt` (the last one when `last`) match document
    /// token text `key`? Returns the matched byte length of the document
    /// token's lower-cased key (shorter when a possessive was stripped).
    #[inline]
    fn tok_match(&self, pt: &PatTok, last_wild: bool, key: &str) -> Option<usize> {
        let ok = |k: &str| {
            if last_wild {
                k.starts_with(&*pt.text)
            } else {
                k == &*pt.text
            }
        };
        if ok(key) {
            return Some(key.len());
        }
        possessive_base(key).filter(|b| ok(b)).map(str::len)
    }

    /// Find matches in a tokenised document; `table` describes `tokens`
    /// position by position. Appends to `out` (cleared first), sorted by
    /// start. A span matching terms of several layers (the families, each
    /// category) is reported once per layer.
    ///
    /// ```
    /// use slant::lexicon::{Lexicon, SimpleTable, Target, TokenMatcher, TokenScratch};
    /// use slant::text::Analyzed;
    /// let lex = Lexicon::from_toml_str("x.toml", r#"
    /// [[family]]
    /// id = "armed_group"
    /// [[family.variant]]
    /// id = "terrorist"
    /// tone = -1.0
    /// terms = ["terrorist group"]
    /// [[category]]
    /// id = "loaded"
    /// terms = ["terrorist"]
    /// "#).unwrap();
    /// let m = TokenMatcher::new(&lex);
    /// let mut a = Analyzed::default();
    /// a.analyze("A terrorist group said so.");
    /// let table = SimpleTable::new(&m, &a.norm.text, &a.tokens);
    /// let mut out = Vec::new();
    /// m.find_into(&a.norm.text, &a.tokens, &table, &mut TokenScratch::default(), &mut out);
    /// let found: Vec<(&str, Target)> = out.iter()
    ///     .map(|x| (&a.norm.text[x.start as usize..x.end as usize], x.target))
    ///     .collect();
    /// assert_eq!(found, [
    ///     ("terrorist group", Target::Variant { family: 0, flat: 0 }),
    ///     ("terrorist", Target::Category { category: 0, weight: 1.0 }),
    /// ]);
    /// ```
    pub fn find_into(
        &self,
        text: &str,
        tokens: &[Token],
        table: &impl TokenTable,
        scratch: &mut TokenScratch,
        out: &mut Vec<Match>,
    ) {
        out.clear();
        let TokenScratch { cands, last_end } = scratch;
        last_end.clear();
        last_end.resize(self.n_layers, 0);
        let n = tokens.len();
        for i in 0..n {
            let starts = table.starts(i);
            if starts.is_empty() {
                continue;
            }
            cands.clear();
            for &pid in starts {
                let h = self.heads[pid as usize];
                let k = h.n_toks as usize;
                if i + k > n {
                    continue;
                }
                // `starts_for` already established that the key (or its
                // possessive base) matches the first token.
                let first = table.key(i);
                let mut matched_len = h.first_len as usize;
                if k == 1 {
                    if h.wildcard {
                        let pt = &self.patterns[pid as usize].toks[0];
                        matched_len = if first.starts_with(&*pt.text) {
                            first.len()
                        } else {
                            possessive_base(first).map_or(0, str::len)
                        };
                    }
                } else if first.len() != matched_len {
                    continue;
                }
                let mut ok = true;
                if k > 1 {
                    let p = &self.patterns[pid as usize];
                    for (j, pt) in p.toks.iter().enumerate().skip(1) {
                        let t = &tokens[i + j];
                        let key = table.key(i + j);
                        let last = j + 1 == k;
                        let prev = &tokens[i + j - 1];
                        let gap = text.get(prev.end as usize..t.start as usize).unwrap_or("x");
                        if (pt.space_before && gap != " ") || (!pt.space_before && !gap.is_empty())
                        {
                            ok = false;
                            break;
                        }
                        match self.tok_match(pt, last && p.wildcard, key) {
                            Some(len) if last || len == key.len() => matched_len = len,
                            _ => {
                                ok = false;
                                break;
                            }
                        }
                    }
                }
                if !ok {
                    continue;
                }
                let last_tok = &tokens[i + k - 1];
                let key_len = table.key(i + k - 1).len();
                // Trim a stripped possessive from the span (the key is the
                // lower-cased token; `'s`/`'` are ASCII, so trimming the same
                // number of bytes from the token is exact).
                let end = last_tok.end - (key_len - matched_len) as u32;
                cands.push(((i + k) as u32, end, pid));
            }
            // Longest first (by end token, then end byte), then pattern id.
            if cands.len() > 1 {
                cands
                    .sort_unstable_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
            }
            let start = tokens[i].start;
            for &(end_tok, end, pid) in cands.iter() {
                let (t0, t1) = self.heads[pid as usize].targets;
                let targets = &self.targets[t0 as usize..t1 as usize];
                // Token indices here: a match covers tokens `i..end_tok`.
                super::matcher::select_targets(targets, i as u32, end_tok, last_end, |t| {
                    out.push(Match {
                        start,
                        end,
                        target: t,
                    })
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{Matcher, Scratch};
    use crate::text::Analyzed;
    use proptest::prelude::*;

    fn lex() -> Lexicon {
        Lexicon::from_toml_str(
            "t.toml",
            r#"
[[family]]
id = "armed_group"
[[family.variant]]
id = "terrorist"
tone = -1.0
terms = ["terrorist group", "terrorists", "terror group"]
[[family.variant]]
id = "fighters"
tone = 0.2
terms = ["fighters", "taliban fighters"]
[[family.variant]]
id = "freedom"
tone = 0.8
terms = ["freedom fighters"]
[[family]]
id = "other"
[[family.variant]]
id = "t"
tone = 0.0
terms = ["taliban"]
[[category]]
id = "loaded"
terms = ["terrorist", "slammed", "terror"]
[[category]]
id = "hedge"
terms = ["may", "suggest*", "appears to", "u.s."]
"#,
        )
        .unwrap()
    }

    fn token_matches(m: &TokenMatcher, text: &str) -> Vec<Match> {
        let mut a = Analyzed::default();
        a.analyze(text);
        let table = SimpleTable::new(m, &a.norm.text, &a.tokens);
        let mut out = Vec::new();
        m.find_into(
            &a.norm.text,
            &a.tokens,
            &table,
            &mut TokenScratch::default(),
            &mut out,
        );
        out
    }

    fn ac_matches(m: &Matcher, text: &str) -> Vec<Match> {
        let mut a = Analyzed::default();
        a.analyze(text);
        let mut out = Vec::new();
        m.find_into(&a.norm.text, &mut Scratch::default(), &mut out);
        out
    }

    #[test]
    fn possessive_and_phrases() {
        let l = lex();
        let m = TokenMatcher::new(&l);
        let text = "Taliban's fighters, the terrorist group and U.S. suggestions.";
        let got: Vec<&str> = token_matches(&m, text)
            .iter()
            .map(|x| &text[x.start as usize..x.end as usize])
            .collect();
        assert_eq!(
            got,
            [
                "Taliban",
                "fighters",
                "terrorist group",
                "terrorist",
                "U.S.",
                "suggestions"
            ]
        );
    }

    #[test]
    fn word_boundaries() {
        let l = lex();
        let m = TokenMatcher::new(&l);
        let cases: &[(&str, &[&str])] = &[
            ("counterterrorist units", &[]),
            ("counter-terrorists", &[]),
            ("terrorists.", &["terrorists"]),
            ("(terrorists)", &["terrorists"]),
            ("The mayor may", &["may"]),
            ("TERRORIST GROUP", &["TERRORIST GROUP", "TERRORIST"]),
            ("terrorist, group", &["terrorist"]),
            ("freedom  fighters", &["freedom fighters"]),
        ];
        for (text, want) in cases {
            let mut a = Analyzed::default();
            a.analyze(text);
            let got: Vec<&str> = token_matches(&m, text)
                .iter()
                .map(|x| &a.norm.text[x.start as usize..x.end as usize])
                .collect();
            assert_eq!(&got, want, "{text:?}");
        }
    }

    proptest! {
        /// The token-level matcher agrees with the Aho–Corasick reference
        /// on text built from lexicon words, case changes and separators.
        #[test]
        fn agrees_with_the_reference_matcher(
            words in proptest::collection::vec(
                (
                    prop_oneof![
                        Just("terrorist"), Just("terrorists"), Just("group"), Just("terror"),
                        Just("fighters"), Just("freedom"), Just("Taliban"), Just("taliban's"),
                        Just("may"), Just("mayor"), Just("suggest"), Just("suggests"),
                        Just("Appears"), Just("to"), Just("U.S."), Just("anti-terrorist"),
                        Just("slammed"), Just("the"), Just("TERRORISTS"), Just("Freedom"),
                    ],
                    prop_oneof![Just(" "), Just(", "), Just(". "), Just(" - "), Just("\n"), Just("  "), Just(" \""), Just("\" ")],
                ),
                0..30,
            )
        ) {
            let text: String = words.iter().map(|(w, s)| format!("{w}{s}")).collect();
            let l = lex();
            let tm = TokenMatcher::new(&l);
            let am = Matcher::new(&l);
            prop_assert_eq!(token_matches(&tm, &text), ac_matches(&am, &text), "text: {:?}", text);
        }
    }
}
