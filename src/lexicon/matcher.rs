//! One Aho–Corasick automaton over every term of a [`Lexicon`], with word
//! boundaries, `*` suffix wildcards and leftmost-longest selection done per
//! *layer*: all families form one layer (the longest phrase names the
//! referent: "terrorist attack" as an event is not also a label for a
//! group), and each category is a layer of its own, so that a family match
//! ("terrorist group") does not hide a category match on one of its words
//! ("terrorist" as a loaded word).
//!
//! Word boundaries: a term must not start or end inside a word. Letters,
//! digits and a hyphen *between* two of them are word characters
//! ("government-run" does not contain the word "government"); an apostrophe
//! is not ("Taliban's" contains "Taliban").

use super::Lexicon;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// What a pattern counts towards.
///
/// ```
/// use slant::lexicon::{Lexicon, Matcher, Target};
/// let lex = Lexicon::from_toml_str("x.toml", r#"
/// [[family]]
/// id = "armed_group"
/// [[family.variant]]
/// id = "terrorist"
/// tone = -1.0
/// terms = ["terrorists"]
/// [[category]]
/// id = "loaded"
/// terms = ["terrorists", "brutal"]
/// "#).unwrap();
/// let mut out = Vec::new();
/// Matcher::new(&lex).find_into("Brutal terrorists.", &mut Default::default(), &mut out);
/// let targets: Vec<Target> = out.iter().map(|m| m.target).collect();
/// assert_eq!(targets, [
///     Target::Category { category: 0, weight: 1.0 },
///     Target::Variant { family: 0, flat: 0 },
///     Target::Category { category: 0, weight: 1.0 },
/// ]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// A family variant: family index, flat variant index (see
    /// [`Lexicon::variant_offsets`]).
    Variant {
        /// Index into `Lexicon::families`.
        family: u32,
        /// Flat variant index over all families.
        flat: u32,
    },
    /// A category: index into `Lexicon::categories`, with the term's weight.
    Category {
        /// Index into `Lexicon::categories`.
        category: u32,
        /// The term's weight (valence for sentiment, else 1).
        weight: f32,
    },
}

/// Leftmost-longest selection within layers, shared by both matchers:
/// offer the targets of one candidate spanning `from..to` (bytes or token
/// indices; candidates must come sorted by start, longest first), and
/// `emit` each target whose layer has nothing overlapping yet. A term
/// listed in several families of the one family layer counts for each of
/// them (same candidate, same layer). `last_end[layer]` holds the end of
/// the layer's last match + 1 (0 = nothing taken yet).
pub(super) fn select_targets(
    targets: &[Target],
    from: u32,
    to: u32,
    last_end: &mut [u32],
    mut emit: impl FnMut(Target),
) {
    let mut taken_now = 0u64;
    for t in targets {
        let layer = t.layer() as usize;
        let same_candidate = layer < 64 && taken_now & (1 << layer) != 0;
        if same_candidate || from + 1 >= last_end[layer] {
            if layer < 64 {
                taken_now |= 1 << layer;
            }
            last_end[layer] = to + 1;
            emit(*t);
        }
    }
}

impl Target {
    /// Families share layer 0 (a phrase names one referent, so the longest
    /// phrase wins across families); category `c` is layer `1 + c`.
    fn layer(&self) -> u32 {
        match *self {
            Target::Variant { .. } => 0,
            Target::Category { category, .. } => 1 + category,
        }
    }
}

/// One accepted match: a byte span in the searched (normalised) text and
/// what it counts towards. A span matching terms of several layers yields
/// one `Match` per layer.
///
/// ```
/// use slant::lexicon::{Lexicon, Match, Matcher};
/// let lex = Lexicon::from_toml_str("x.toml", r#"
/// [[category]]
/// id = "attribution"
/// terms = ["claimed", "according to"]
/// "#).unwrap();
/// let text = "Officials claimed, according to the report, that it ended.";
/// let mut out: Vec<Match> = Vec::new();
/// Matcher::new(&lex).find_into(text, &mut Default::default(), &mut out);
/// let spans: Vec<&str> = out.iter().map(|m| &text[m.start as usize..m.end as usize]).collect();
/// assert_eq!(spans, ["claimed", "according to"]);
/// assert_eq!((out[1].start, out[1].end), (19, 31)); // byte offsets
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    /// Start byte offset in the searched text.
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
    /// What it counts towards.
    pub target: Target,
}

#[derive(Debug, Clone)]
struct PatternInfo {
    wildcard: bool,
    /// Whether the first / last char of the term is a word character.
    word_start: bool,
    word_end: bool,
    targets: std::ops::Range<u32>,
}

/// A compiled matcher for a [`Lexicon`].
///
/// ```
/// use slant::lexicon::{Lexicon, Matcher, Target};
/// let lex = Lexicon::from_toml_str("x.toml", r#"
/// [[category]]
/// id = "hedge"
/// terms = ["may", "appears to", "suggest*"]
/// "#).unwrap();
/// let m = Matcher::new(&lex);
/// let mut out = Vec::new();
/// m.find_into("The mayor may go; data suggests it appears to work.", &mut Default::default(), &mut out);
/// let words: Vec<&str> = out.iter()
///     .map(|x| &"The mayor may go; data suggests it appears to work."[x.start as usize..x.end as usize])
///     .collect();
/// assert_eq!(words, ["may", "suggests", "appears to"]);
/// ```
#[derive(Debug, Clone)]
pub struct Matcher {
    ac: Option<AhoCorasick>,
    patterns: Vec<PatternInfo>,
    targets: Vec<Target>,
    n_layers: usize,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    start: u32,
    end: u32,
    pattern: u32,
}

/// Reusable buffers for [`Matcher::find_into`], so matching allocates
/// nothing per document once warmed up.
///
/// Keep one per thread and pass it to every call.
///
/// ```
/// use slant::lexicon::{Lexicon, Matcher, Scratch};
/// let lex = Lexicon::from_toml_str("x.toml", "[[category]]\nid = \"hedge\"\nterms = [\"may\"]").unwrap();
/// let m = Matcher::new(&lex);
/// let mut scratch = Scratch::default();
/// let mut out = Vec::new();
/// let mut counts = Vec::new();
/// for doc in ["It may rain.", "No hedge here.", "May it? It may."] {
///     m.find_into(doc, &mut scratch, &mut out);
///     counts.push(out.len());
/// }
/// assert_eq!(counts, [1, 0, 2]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    cands: Vec<Candidate>,
    last_end: Vec<u32>,
}

#[inline]
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether the text just before byte `i` continues a word: a word char, or
/// a hyphen preceded by a word char.
#[inline]
fn word_before(text: &str, i: usize) -> bool {
    let mut it = text[..i].chars().rev();
    match it.next() {
        Some(c) if is_word_char(c) => true,
        Some('-') => it.next().is_some_and(is_word_char),
        _ => false,
    }
}

/// Whether the text at byte `i` continues a word: a word char, or a hyphen
/// followed by a word char.
#[inline]
fn word_after(text: &str, i: usize) -> bool {
    let mut it = text[i..].chars();
    match it.next() {
        Some(c) if is_word_char(c) => true,
        Some('-') => it.next().is_some_and(is_word_char),
        _ => false,
    }
}

impl Matcher {
    /// Compile all terms of `lexicon` into one automaton. Matching ignores
    /// ASCII case; an empty lexicon gives a matcher that finds nothing.
    ///
    /// ```
    /// use slant::lexicon::{Lexicon, Matcher};
    /// let lex = Lexicon::from_toml_str("x.toml", "[[category]]\nid = \"loaded\"\nterms = [\"slammed\"]").unwrap();
    /// let mut out = Vec::new();
    /// Matcher::new(&lex).find_into("Critics SLAMMED it.", &mut Default::default(), &mut out);
    /// assert_eq!(out.len(), 1);
    /// Matcher::new(&Lexicon::default()).find_into("Critics slammed it.", &mut Default::default(), &mut out);
    /// assert!(out.is_empty());
    /// ```
    pub fn new(lexicon: &Lexicon) -> Matcher {
        // Deduplicate identical (text, wildcard) terms across layers.
        let mut index: std::collections::HashMap<(String, bool), usize> = Default::default();
        let mut per_pattern: Vec<((String, bool), Vec<Target>)> = Vec::new();
        let mut add = |text: &str, wildcard: bool, target: Target| {
            let key = (text.to_string(), wildcard);
            let i = *index.entry(key.clone()).or_insert_with(|| {
                per_pattern.push((key, Vec::new()));
                per_pattern.len() - 1
            });
            per_pattern[i].1.push(target);
        };
        let mut flat = 0u32;
        for (fi, f) in lexicon.families.iter().enumerate() {
            for v in &f.variants {
                for t in &v.terms {
                    add(
                        &t.text,
                        t.wildcard,
                        Target::Variant {
                            family: fi as u32,
                            flat,
                        },
                    );
                }
                flat += 1;
            }
        }
        for (ci, c) in lexicon.categories.iter().enumerate() {
            for t in &c.terms {
                add(
                    &t.text,
                    t.wildcard,
                    Target::Category {
                        category: ci as u32,
                        weight: t.weight as f32,
                    },
                );
            }
        }
        let mut patterns = Vec::with_capacity(per_pattern.len());
        let mut targets = Vec::new();
        let mut texts = Vec::with_capacity(per_pattern.len());
        for ((text, wildcard), ts) in per_pattern {
            let start = targets.len() as u32;
            targets.extend(ts);
            patterns.push(PatternInfo {
                wildcard,
                word_start: text.chars().next().is_some_and(is_word_char),
                word_end: text.chars().next_back().is_some_and(is_word_char),
                targets: start..targets.len() as u32,
            });
            texts.push(text);
        }
        let ac = if texts.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&texts)
                    .or_else(|_| {
                        AhoCorasickBuilder::new()
                            .ascii_case_insensitive(true)
                            .match_kind(MatchKind::Standard)
                            .build(&texts)
                    })
                    .expect("lexicon terms always build an automaton"),
            )
        };
        Matcher {
            ac,
            patterns,
            targets,
            n_layers: 1 + lexicon.categories.len(),
        }
    }

    /// Number of distinct patterns in the automaton: a term listed in
    /// several families or categories is one pattern.
    ///
    /// ```
    /// use slant::lexicon::{Lexicon, Matcher};
    /// let lex = Lexicon::from_toml_str("x.toml", r#"
    /// [[family]]
    /// id = "armed_group"
    /// [[family.variant]]
    /// id = "terrorist"
    /// tone = -1.0
    /// terms = ["terrorists"]
    /// [[category]]
    /// id = "loaded"
    /// terms = ["terrorists", "brutal", "brutal*"]
    /// "#).unwrap();
    /// assert_eq!(Matcher::new(&lex).n_patterns(), 3); // terrorists, brutal, brutal*
    /// ```
    pub fn n_patterns(&self) -> usize {
        self.patterns.len()
    }

    /// Find all matches in `text`, appending them to `out` (cleared first),
    /// sorted by start. `scratch` is a reusable buffer. Terms match whole
    /// words only: a hyphen between letters joins two words, an apostrophe
    /// does not.
    ///
    /// ```
    /// use slant::lexicon::{Lexicon, Matcher, Scratch};
    /// let lex = Lexicon::from_toml_str("x.toml", "[[category]]\nid = \"loaded\"\nterms = [\"regime\"]").unwrap();
    /// let m = Matcher::new(&lex);
    /// let (mut scratch, mut out) = (Scratch::default(), Vec::new());
    /// // "Regime's" counts; "regimes" and "anti-regime" do not.
    /// m.find_into("The Regime's anti-regime critics and regimes.", &mut scratch, &mut out);
    /// assert_eq!(out.len(), 1);
    /// assert_eq!((out[0].start, out[0].end), (4, 10));
    /// m.find_into("No match here.", &mut scratch, &mut out);
    /// assert!(out.is_empty()); // cleared first
    /// ```
    pub fn find_into(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<Match>) {
        out.clear();
        let Scratch { cands, last_end } = scratch;
        cands.clear();
        let Some(ac) = &self.ac else { return };
        let bytes = text.as_bytes();
        for m in ac.find_overlapping_iter(text) {
            let p = &self.patterns[m.pattern().as_usize()];
            let (start, mut end) = (m.start(), m.end());
            // Matches of ASCII-case-insensitive patterns may split a UTF-8
            // char only if the term itself is malformed; guard anyway.
            if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                continue;
            }
            let ok_start = if p.word_start {
                !word_before(text, start)
            } else {
                !text[..start].chars().next_back().is_some_and(is_word_char)
            };
            if !ok_start {
                continue;
            }
            if p.wildcard {
                while word_after(text, end) {
                    let c = text[end..].chars().next().unwrap_or(' ');
                    end += c.len_utf8();
                }
            } else {
                let ok_end = if p.word_end {
                    !word_after(text, end)
                } else {
                    !text[end..].chars().next().is_some_and(is_word_char)
                };
                if !ok_end {
                    continue;
                }
            }
            debug_assert!(end <= bytes.len());
            cands.push(Candidate {
                start: start as u32,
                end: end as u32,
                pattern: m.pattern().as_u32(),
            });
        }
        if cands.is_empty() {
            return;
        }
        // Leftmost-longest per layer: sort by start, longest first, then
        // greedily keep what does not overlap the layer's previous match.
        // Ends are stored +1 so that 0 means "nothing taken yet".
        cands.sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        last_end.clear();
        last_end.resize(self.n_layers, 0);
        for c in cands.iter() {
            let p = &self.patterns[c.pattern as usize];
            let targets = &self.targets[p.targets.start as usize..p.targets.end as usize];
            select_targets(targets, c.start, c.end, last_end, |t| {
                out.push(Match {
                    start: c.start,
                    end: c.end,
                    target: t,
                })
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        Lexicon::from_toml_str(
            "t.toml",
            r#"
[[family]]
id = "armed_group"
[[family.variant]]
id = "terrorist"
tone = -1.0
terms = ["terrorist group", "terrorists", "terrorist"]
[[family.variant]]
id = "fighters"
tone = 0.2
terms = ["fighters"]
[[family.variant]]
id = "freedom"
tone = 0.8
terms = ["freedom fighters"]
[[category]]
id = "loaded"
terms = ["terrorist", "slammed"]
[[category]]
id = "hedge"
terms = ["may", "suggest*", "appears to"]
[[category]]
id = "emo"
terms = ["lol :)"]
"#,
        )
        .unwrap()
    }

    fn found(text: &str) -> Vec<(String, String)> {
        let l = lex();
        let m = Matcher::new(&l);
        let mut out = Vec::new();
        m.find_into(text, &mut Scratch::default(), &mut out);
        out.iter()
            .map(|x| {
                let what = match x.target {
                    Target::Variant { flat, .. } => format!("v{flat}"),
                    Target::Category { category, .. } => l.categories[category as usize].id.clone(),
                };
                (text[x.start as usize..x.end as usize].to_string(), what)
            })
            .collect()
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("counterterrorist units", &[]),
            ("the terrorists struck", &[("terrorists", "v0")]),
            (
                "a Terrorist Group said",
                &[("Terrorist Group", "v0"), ("Terrorist", "loaded")],
            ),
            (
                "freedom fighters and fighters",
                &[("freedom fighters", "v2"), ("fighters", "v1")],
            ),
            ("the mayor may", &[("may", "hedge")]),
            (
                "it suggests, suggestion",
                &[("suggests", "hedge"), ("suggestion", "hedge")],
            ),
            ("It Appears to work", &[("Appears to", "hedge")]),
            (
                "terrorist groups",
                &[("terrorist", "v0"), ("terrorist", "loaded")],
            ),
            ("anti-terrorist law", &[]),
            ("pro-terrorist, terrorist-linked", &[]),
            (
                "terrorists - and fighters",
                &[("terrorists", "v0"), ("fighters", "v1")],
            ),
            ("nice lol :) yes", &[("lol :)", "emo")]),
            ("nice :) yes", &[]),
            ("lol:)", &[]),
            ("lol :)y", &[]),
            ("", &[]),
            ("Taliban's terrorists.", &[("terrorists", "v0")]),
        ];
        for (text, want) in cases {
            let got = found(text);
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            assert_eq!(got, want, "text {text:?}");
        }
    }

    #[test]
    fn matches_never_overlap_within_a_layer() {
        let l = lex();
        let m = Matcher::new(&l);
        let mut out = Vec::new();
        m.find_into(
            "terrorist group terrorists freedom fighters fighters may suggest",
            &mut Scratch::default(),
            &mut out,
        );
        for (i, a) in out.iter().enumerate() {
            for b in &out[i + 1..] {
                let same = a.target.layer() == b.target.layer();
                assert!(!same || a.end <= b.start || b.end <= a.start, "{a:?} {b:?}");
            }
        }
    }
}
