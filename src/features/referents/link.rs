//! Per document: the link rules, from a label to the name it is about.
//!
//! Each rule reads the token roles of [`discover`](super::discover):
//! - **title**: a role before a name ("North Korean dictator Kim Jong Un",
//!   "President Trump"): the label is the title, its modifiers included;
//! - **premodifier**: a name before a person or group noun ("Taliban
//!   fighters"), not a relational one ("Trump supporters");
//! - **apposition**: "the Taliban, an Islamist militant group," and "the
//!   North Korean leader, Kim Jong Un,"; not in a list ("the leaders,
//!   Trump and Kim");
//! - **copula**: "the Taliban are insurgents", "Kim is a dictator"; not
//!   negated;
//! - **adjective**: a capitalised adjective before a plural person noun or a
//!   collective ("Democratic donors", "North Korean officials"); which
//!   referent's name it is made from is decided per story (see
//!   [`labels`](super::labels));
//! - **anaphora**: a definite noun phrase naming a person or group ("the
//!   militants", "the regime"), kept with the names mentioned before it in
//!   its paragraph, nearest first; which one it is about is decided once
//!   the whole corpus is read (see [`labels`](super::labels)). A phrase
//!   right after a coordinator or a contrast ("al-Qaeda or any other
//!   extremist group", "and the militants") is not an anaphor.

use super::discover::{Role, Tok};
use super::words::{
    is_agent, is_collective, is_coordinator, is_copula, is_definite, is_demonym, is_group,
    is_number_word, is_other_side, is_relational, is_title, singular,
};
use super::LinkRule;
use crate::text::Voice;

/// A label found in a document.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Found {
    /// Linked to mention `mention` by `rule`.
    Link {
        mention: u32,
        label: String,
        /// Byte span of the label in the normalised text.
        span: (u32, u32),
        voice: Voice,
        rule: LinkRule,
    },
    /// A capitalised adjective ("Democratic", "North Korean") before a
    /// plural person noun or a collective: its referent is the story's
    /// referent the adjective is made from.
    Adjective {
        adjective: String,
        label: String,
        /// Byte span of the label in the normalised text.
        span: (u32, u32),
        voice: Voice,
    },
    /// An anaphor with the mentions before it in its paragraph: (sentences
    /// back, mention), nearest first.
    Anaphor {
        label: String,
        /// Byte span of the label in the normalised text.
        span: (u32, u32),
        voice: Voice,
        candidates: Vec<(u32, u32)>,
        /// A mention it cannot be (the conjunct before "and the …").
        not: Option<u32>,
    },
}

const MAX_NP: usize = 5;

fn word_ends_np(t: &Tok) -> bool {
    t.role != Role::Content
}

/// Whether token `t` can be the head of a label.
fn head_ok(t: &Tok, low: &str) -> bool {
    let w = t.lower(low);
    t.role == Role::Content
        && !t.cap
        && w.len() > 1
        && !w.ends_with("ing")
        && !w.ends_with("ed")
        && w.chars().all(|c| c.is_alphabetic() || c == '-')
}

/// The end of the noun phrase of content words starting at `i` (`None` when
/// there is none or its head cannot head a label).
fn np_forward(toks: &[Tok], low: &str, i: usize) -> Option<usize> {
    np_forward_with(toks, low, i, false)
}

/// [`np_forward`], names allowed as modifiers when `names` ("the former
/// New York City mayor").
fn np_forward_with(toks: &[Tok], low: &str, i: usize, names: bool) -> Option<usize> {
    if toks.get(i).is_some_and(|t| t.lower(low) == "-") {
        return None;
    }
    let ends = |t: &Tok| {
        if names && matches!(t.role, Role::Name(_) | Role::Title(_)) {
            return false;
        }
        word_ends_np(t)
    };
    // A participle only opens a phrase ("the fired director"); after a
    // noun it is a verb ("Taliban leaders ordered fighters").
    let participle = |t: &Tok| t.lower(low).ends_with("ed") || t.lower(low).ends_with("ing");
    let mut j = i;
    while j < toks.len()
        && j - i < MAX_NP + 2
        && !ends(&toks[j])
        && !(j > i && participle(&toks[j]) && !participle(&toks[j - 1]))
    {
        j += 1;
        // "the group's leader": the phrase ends at its possessive.
        if toks[j - 1].possessive {
            break;
        }
    }
    // A participle after the phrase is its verb ("the group stipulated").
    while j > i + 1
        && !head_ok(&toks[j - 1], low)
        && (toks[j - 1].lower(low).ends_with("ed") || toks[j - 1].lower(low).ends_with("ing"))
    {
        j -= 1;
    }
    (j > i && head_ok(&toks[j - 1], low)).then_some(j)
}

/// The words of tokens `a..b`, lower case, spaced, a spaced hyphen closed
/// up ("son - in - law" → "son-in-law").
/// The byte span of tokens `a..b` in the normalised text.
fn span(toks: &[Tok], a: usize, b: usize) -> (u32, u32) {
    (toks[a].span.0, toks[b - 1].span.1)
}

fn label(toks: &[Tok], low: &str, a: usize, b: usize) -> String {
    let mut s = String::new();
    label_into(toks, low, a, b, &mut s);
    s
}

/// [`label`] into `s` (cleared first).
fn label_into(toks: &[Tok], low: &str, a: usize, b: usize, s: &mut String) {
    s.clear();
    let mut glue = false;
    for t in &toks[a..b] {
        if t.lower(low) == "-" {
            glue = true;
            s.push('-');
            continue;
        }
        if !s.is_empty() && !glue {
            s.push(' ');
        }
        glue = false;
        s.push_str(t.lower(low));
    }
}

/// Whether the label of tokens `a..b` names a person or a group: its last
/// word, or in "secretary of state" the word before "of".
fn is_agent_label(toks: &[Tok], low: &str, a: usize, b: usize) -> bool {
    thread_local! {
        static LABEL: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    LABEL.with_borrow_mut(|l| {
        label_into(toks, low, a, b, l);
        // The word before the first "of" (when not first), else the last.
        let mut head = "";
        for (p, w) in l.split(' ').enumerate() {
            if w == "of" && p > 0 && !l.starts_with("of ") {
                return is_agent(head);
            }
            head = w;
        }
        is_agent(head)
    })
}

fn punct(t: Option<&Tok>) -> Option<u8> {
    match t.map(|t| t.role) {
        Some(Role::Punct(b)) => Some(b),
        _ => None,
    }
}

/// Whether a noun phrase ending before `j` closes like an apposition: a
/// comma, the end of the sentence, a relative pronoun, "of …".
fn closes(toks: &[Tok], low: &str, j: usize, sentence: u32) -> bool {
    match toks.get(j) {
        None => true,
        Some(t) if t.sentence != sentence => true,
        Some(t) => match t.role {
            Role::Punct(b) => matches!(b, b',' | b'.' | b';' | b')' | b':' | b'-'),
            Role::Func => matches!(
                t.lower(low),
                "who" | "which" | "that" | "of" | "in" | "since" | "with"
            ),
            _ => false,
        },
    }
}

/// Every label of the document. `mentions[m]` is `(start, end, seq_start)`.
pub(super) fn find(
    toks: &[Tok],
    low: &str,
    mentions: &[(usize, usize, usize)],
    out: &mut Vec<Found>,
) {
    out.clear();
    let n = toks.len();
    for (m, &(start, end, seq_start)) in mentions.iter().enumerate() {
        let m = m as u32;
        let sentence = toks[start].sentence;
        // Title: the title words inside the sequence and the content words
        // right before it.
        let mut a = seq_start;
        while a > 0
            && a + 6 > seq_start
            && toks[a - 1].role == Role::Content
            && toks[a - 1].sentence == sentence
        {
            // A participle only after a determiner ("the fired director",
            // not "welcomed prime minister").
            let w = toks[a - 1].lower(low);
            let participle = w.ends_with("ed") || w.ends_with("ing");
            if participle && !(a >= 2 && matches!(toks[a - 2].lower(low), "the" | "a" | "an")) {
                break;
            }
            a -= 1;
        }
        while a < start && toks[a].lower(low) == "-" {
            a += 1;
        }
        if a < start {
            let head = &toks[start - 1];
            let lw = head.lower(low);
            if head.role != Role::Func
                && is_agent_label(toks, low, a, start)
                && lw.len() > 1
                && !lw.ends_with("ing")
            {
                out.push(Found::Link {
                    mention: m,
                    label: label(toks, low, a, start),
                    span: span(toks, a, start),
                    voice: toks[a].voice,
                    rule: LinkRule::Title,
                });
            }
        }
        let last = &toks[end - 1];
        if last.possessive {
            continue;
        }
        // Premodifier: "Taliban fighters" (not followed by another name:
        // then the words are that name's title).
        if let Some(j) = np_forward(toks, low, end) {
            let next_is_name = matches!(
                toks.get(j).map(|t| t.role),
                Some(Role::Name(_) | Role::Title(_))
            );
            let head = toks[j - 1].lower(low);
            // Members of the referent ("Taliban fighters", "the Kim regime"),
            // not someone in it ("CIA director") nor a body named after it
            // ("Trump administration").
            let members = (singular(head) != *head && !is_group(head)) || is_collective(head);
            if !next_is_name
                && toks[j - 1].sentence == sentence
                && members
                && is_agent(head)
                && !is_relational(head)
                && !toks[j - 1].possessive
            {
                out.push(Found::Link {
                    mention: m,
                    label: label(toks, low, end, j),
                    span: span(toks, end, j),
                    voice: toks[end].voice,
                    rule: LinkRule::Premodifier,
                });
            }
        }
        // Apposition after the name: "the Taliban, an Islamist militant group,".
        if punct(toks.get(end)) == Some(b',')
            && toks
                .get(end + 1)
                .is_some_and(|t| matches!(t.lower(low), "a" | "an" | "the"))
        {
            if let Some(j) = np_forward_with(toks, low, end + 2, true) {
                let coordinated = toks.get(j).is_some_and(|t| is_coordinator(t.lower(low)))
                    || (punct(toks.get(j)) == Some(b',')
                        && toks
                            .get(j + 1)
                            .is_some_and(|t| matches!(t.lower(low), "and" | "or")));
                if !coordinated
                    && closes(toks, low, j, sentence)
                    && is_agent_label(toks, low, end + 2, j)
                {
                    out.push(Found::Link {
                        mention: m,
                        label: label(toks, low, end + 2, j),
                        span: span(toks, end + 2, j),
                        voice: toks[end + 2].voice,
                        rule: LinkRule::Apposition,
                    });
                }
            }
        }
        // Apposition before the name: "the North Korean leader, Kim Jong Un,".
        if seq_start >= 3 && punct(toks.get(seq_start - 1)) == Some(b',') {
            let b = seq_start - 1;
            let mut a = b;
            while a > 0 && b - a < MAX_NP + 2 && toks[a - 1].role == Role::Content {
                a -= 1;
            }
            let det = a.checked_sub(1).map(|d| &toks[d]);
            // A determiner, a possessive ("Manafort's deputy, Rick Gates,"),
            // or, for a role, the start of a list item ("and son-in-law,
            // Jared Kushner;").
            let det_ok = det.is_some_and(|d| {
                matches!(
                    d.lower(low),
                    "the" | "a" | "an" | "its" | "his" | "her" | "their"
                ) || (d.possessive && matches!(d.role, Role::Name(_)))
                    || ((matches!(d.role, Role::Punct(b',' | b';'))
                        || d.lower(low) == "and"
                        || d.sentence != sentence)
                        && (is_title(toks[b - 1].lower(low))
                            || (is_agent(toks[b - 1].lower(low))
                                && !is_group(toks[b - 1].lower(low)))))
            });
            let after = toks.get(end);
            let after_ok = after.is_none_or(|t| {
                t.sentence != sentence || matches!(t.role, Role::Punct(b',' | b'.' | b';'))
            });
            if a < b
                && det_ok
                && after_ok
                && toks[a].lower(low) != "-"
                && head_ok(&toks[b - 1], low)
                && is_agent_label(toks, low, a, b)
            {
                out.push(Found::Link {
                    mention: m,
                    label: label(toks, low, a, b),
                    span: span(toks, a, b),
                    voice: toks[a].voice,
                    rule: LinkRule::Apposition,
                });
            }
        }
        // Copula: "the Taliban are insurgents", "Kim is a dictator".
        if toks.get(end).is_some_and(|t| is_copula(t.lower(low))) {
            let (i, det) = match toks.get(end + 1).map(|t| t.lower(low)) {
                Some("a" | "an" | "the") => (end + 2, true),
                _ => (end + 1, false),
            };
            if let Some(j) = np_forward_with(toks, low, i, det) {
                let head = toks[j - 1].lower(low);
                let plural = singular(head) != *head;
                let coordinated = toks.get(j).is_some_and(|t| is_coordinator(t.lower(low)));
                if (det || plural) && !coordinated && is_agent_label(toks, low, i, j) {
                    out.push(Found::Link {
                        mention: m,
                        label: label(toks, low, i, j),
                        span: span(toks, i, j),
                        voice: toks[i].voice,
                        rule: LinkRule::Copula,
                    });
                }
            }
        }
    }
    // Adjective: "Democratic donors", "North Korean officials".
    let mut i = 0;
    while i < n {
        if !(toks[i].cap && toks[i].role == Role::Content && is_demonym(toks[i].lower(low))) {
            i += 1;
            continue;
        }
        // The capitalised words of the adjective ("North Korean").
        let mut a = i;
        while a > 0
            && i - a < 3
            && toks[a - 1].cap
            && toks[a - 1].role == Role::Content
            && toks[a - 1].sentence == toks[i].sentence
        {
            a -= 1;
        }
        let k = i + 1;
        i = k;
        // After a coordinator or "other" the phrase is another one's.
        let before = a.checked_sub(1).map(|p| toks[p].lower(low));
        if toks[k - 1].possessive || before.is_some_and(is_coordinator) {
            continue;
        }
        let Some(j) = np_forward(toks, low, k) else {
            continue;
        };
        let head = toks[j - 1].lower(low);
        let members = (singular(head) != *head && !is_group(head)) || is_collective(head);
        let next_is_name = matches!(
            toks.get(j).map(|t| t.role),
            Some(Role::Name(_) | Role::Title(_))
        );
        if members
            && !next_is_name
            && is_agent(head)
            && !is_other_side(head)
            && toks[j - 1].sentence == toks[k - 1].sentence
            && !toks[j - 1].possessive
            && !toks[k..j].iter().any(|t| is_number_word(t.lower(low)))
        {
            let mut adjective = String::new();
            label_into(toks, low, a, k, &mut adjective);
            out.push(Found::Adjective {
                adjective,
                label: label(toks, low, k, j),
                span: span(toks, k, j),
                voice: toks[k].voice,
            });
        }
        i = j;
    }
    // Anaphora: definite noun phrases naming a person or a group.
    let mut i = 0;
    while i + 1 < n {
        if !(toks[i].role == Role::Func && is_definite(toks[i].lower(low))) {
            i += 1;
            continue;
        }
        let before = i.checked_sub(1).map(|p| toks[p].lower(low)).unwrap_or("");
        let name_at = |k: usize| {
            toks.get(k)
                .is_some_and(|t| matches!(t.role, Role::Name(_) | Role::Title(_)))
        };
        let plain = np_forward(toks, low, i + 1);
        // Where the phrase of content words stops.
        let stop = (i + 1..n)
            .find(|&k| toks[k].role != Role::Content)
            .unwrap_or(n);
        // A name inside the phrase, before a role noun ("the former FBI
        // chief", "the DNC chairwoman"); not a title of the name after it.
        let with_name = || {
            np_forward_with(toks, low, i + 1, true).filter(|&k| {
                k > stop
                    && is_title(toks[k - 1].lower(low))
                    && !name_at(k)
                    && toks[i + 1..k]
                        .iter()
                        .any(|t| matches!(t.role, Role::Name(_)))
            })
        };
        let Some(j) = (if name_at(stop) {
            with_name().or(plain)
        } else {
            plain
        }) else {
            i += 1;
            continue;
        };
        let sentence = toks[i].sentence;
        let next = toks.get(j);
        let titled = next.is_some_and(|t| matches!(t.role, Role::Name(_) | Role::Title(_)));
        let appositive = punct(next) == Some(b',')
            && toks
                .get(j + 1)
                .is_some_and(|t| matches!(t.role, Role::Name(_) | Role::Title(_)));
        // "the two leaders", "both groups": several referents.
        let counted = toks[i + 1..j].iter().any(|t| is_number_word(t.lower(low)));
        // After a coordinator or a contrast the phrase is not the name
        // just before it ("Trump and the group"): that name is left out of
        // its candidates; after "other" / "another" it is no anaphor.
        let conjunct = match toks.get(i.wrapping_sub(2)).map(|t| t.role) {
            Some(Role::Name(m)) if i >= 2 && is_coordinator(before) => Some(m),
            _ => None,
        };
        let other = matches!(before, "other" | "another");
        // Already linked as an apposition or a copula of the name before it.
        let name_before = |k: usize| matches!(toks.get(k).map(|t| t.role), Some(Role::Name(_)));
        let linked = i >= 2
            && name_before(i - 2)
            && (punct(toks.get(i - 1)) == Some(b',') || is_copula(toks[i - 1].lower(low)));
        if counted
            || other
            || linked
            || titled
            || appositive
            || !is_agent_label(toks, low, i + 1, j)
            || toks[j - 1].sentence != sentence
        {
            i = j;
            continue;
        }
        let para = toks[i].paragraph;
        let mut candidates: Vec<(u32, u32)> = Vec::new();
        for (m, &(start, _, _)) in mentions.iter().enumerate().rev() {
            if start >= i {
                continue;
            }
            // The paragraph, or the one before when the phrase opens its
            // paragraph.
            let back = para - toks[start].paragraph;
            if back > 1
                || (back == 1
                    && candidates
                        .iter()
                        .any(|&(_, c)| toks[mentions[c as usize].0].paragraph == para))
            {
                break;
            }
            candidates.push((sentence - toks[start].sentence, m as u32));
            if candidates.len() >= 8 {
                break;
            }
        }
        out.push(Found::Anaphor {
            label: label(toks, low, i + 1, j),
            span: span(toks, i + 1, j),
            voice: toks[i + 1].voice,
            candidates,
            not: conjunct,
        });
        i = j;
    }
}
