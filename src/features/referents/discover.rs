//! Per document: each token's role in a noun phrase, and the mentions of
//! names (capitalised sequences, honorifics and titles split off).

use super::words::{
    is_agent, is_calendar, is_demonym, is_group, is_honorific, is_title, word_class,
};
use crate::text::{Analyzed, TokenKind, Voice};

/// What a token can be inside a noun phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// A function word: ends a noun phrase.
    Func,
    /// A verb that ends a noun phrase.
    Verb,
    /// A content word (lower case, or a capitalised title or demonym).
    Content,
    /// Part of the name of mention `n`.
    Name(u32),
    /// A title written inside a capitalised sequence before the name of
    /// mention `n` ("President" of "President Donald Trump").
    Title(u32),
    /// Punctuation (its byte).
    Punct(u8),
    /// Numbers, honorifics and everything else.
    Other,
}

/// One token, as the link rules read it.
#[derive(Debug, Clone)]
pub(super) struct Tok {
    /// Lower case, without a possessive `'s`: a byte range of the
    /// document's lower-case text ([`Scratch::low`]; see [`Tok::lower`]).
    pub low: (u32, u32),
    pub role: Role,
    /// Written with a possessive `'s`.
    pub possessive: bool,
    pub voice: Voice,
    pub sentence: u32,
    pub paragraph: u32,
    /// Written with a capital.
    pub cap: bool,
    /// Byte span of the word (without `'s`) in the normalised text.
    pub span: (u32, u32),
}

impl Tok {
    /// The token's lower-case text, `low` being the document's
    /// [`Scratch::low`].
    #[inline]
    pub fn lower<'a>(&self, low: &'a str) -> &'a str {
        low.get(self.low.0 as usize..self.low.1 as usize)
            .unwrap_or("")
    }
}

/// A mention of a name.
#[derive(Debug, Clone)]
pub(super) struct Mention {
    /// Token range of the name (titles excluded).
    pub start: usize,
    pub end: usize,
    /// First token of the capitalised sequence (the title, when present).
    pub seq_start: usize,
    /// The alias key: lower case, hyphens as spaces, no dots.
    pub key: String,
    /// The name as written.
    pub surface: String,
    /// Right after "the" ("the Taliban", "the DNC"): a group's name.
    pub definite: bool,
}

/// Reused buffers of one worker.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    pub toks: Vec<Tok>,
    /// The document's lower-case text: the normalised text with its ASCII
    /// letters lowered (at the same offsets), then the lower-case forms of
    /// the words with other characters. Each token's [`Tok::low`] is a
    /// range of it (one buffer per document, no string per token).
    pub low: String,
    pub mentions: Vec<Mention>,
    /// The words written in lower case (not sentence-initially) in the
    /// document: indices of their tokens, hashed by word.
    lowered: hashbrown::HashTable<u32>,
    /// Strings of the mentions of the previous document, for reuse.
    spare: Vec<String>,
    caps: Vec<bool>,
    starts: Vec<bool>,
}

/// Whether `w` starts with a capital, or has one right after a hyphen
/// within its first four bytes ("al-Qaeda", "ex-Marine").
fn is_capitalised(w: &str) -> bool {
    if w.chars().next().is_some_and(char::is_uppercase) {
        return true;
    }
    // The first part (before the first hyphen) is at most 3 bytes long.
    match w.bytes().take(4).position(|b| b == b'-') {
        Some(p) => w[p + 1..].chars().next().is_some_and(char::is_uppercase),
        None => false,
    }
}

/// The alias key of a name written by a user ("Kim Jong-Un" → `kim jong
/// un`), without a leading "the".
pub(super) fn name_key(name: &str) -> String {
    let mut k = String::new();
    let mut words = name.split_whitespace().peekable();
    if words.peek().is_some_and(|w| w.eq_ignore_ascii_case("the")) {
        words.next();
    }
    for w in words {
        push_key(&mut k, w);
    }
    k
}

/// Add a name's word to its alias key `k` (lower case, hyphens as
/// spaces, no dots).
fn push_key(k: &mut String, w: &str) {
    if w.is_ascii() {
        for part in w.split('-') {
            let mut first = true;
            for b in part.bytes().filter(|&b| b != b'.') {
                if first && !k.is_empty() {
                    k.push(' ');
                }
                first = false;
                k.push(b.to_ascii_lowercase() as char);
            }
        }
        return;
    }
    for part in w.split('-') {
        let p = part
            .chars()
            .filter(|c| *c != '.')
            .flat_map(char::to_lowercase);
        let mut first = true;
        for c in p {
            if first && !k.is_empty() {
                k.push(' ');
            }
            first = false;
            k.push(c);
        }
    }
}

fn word_hash(w: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(w)
}

impl Scratch {
    /// Whether `w` is written in lower case in the document (not only
    /// sentence-initially).
    fn is_lowered(&self, w: &str) -> bool {
        self.lowered
            .find(word_hash(w), |&k| {
                self.toks[k as usize].lower(&self.low) == w
            })
            .is_some()
    }

    /// A cleared string (a reused buffer when there is one).
    fn buffer(&mut self) -> String {
        let mut b = self.spare.pop().unwrap_or_default();
        b.clear();
        b
    }
}

/// Fill `s.toks` and `s.mentions` for the analyzed document `a`.
pub(super) fn discover(a: &Analyzed, s: &mut Scratch) {
    let text = a.norm.text.as_str();
    let breaks = a.norm.paragraph_breaks();
    s.low.clear();
    s.low.push_str(text);
    s.low.make_ascii_lowercase();
    s.toks.clear();
    s.toks.reserve(a.tokens.len());
    for m in s.mentions.drain(..) {
        s.spare.push(m.key);
        s.spare.push(m.surface);
    }
    s.lowered.clear();
    s.caps.clear();
    s.starts.clear();
    let (mut para, mut pc, mut sent) = (0u32, 0usize, 0usize);
    let mut at_start = true;
    for (i, t) in a.tokens.iter().enumerate() {
        while a
            .sentences
            .get(sent)
            .is_some_and(|x| (x.end_token as usize) <= i)
        {
            sent += 1;
            at_start = true;
        }
        while breaks.get(pc).is_some_and(|&b| b <= t.start) {
            pc += 1;
            para += 1;
            at_start = true;
        }
        let w = t.text(text);
        let (body, possessive) = match w.strip_suffix("'s").or_else(|| w.strip_suffix("s'")) {
            Some(b) if t.kind == TokenKind::Word && !b.is_empty() => (b, true),
            _ => (w, false),
        };
        // An ASCII word is lowered in place; another one's lower case is
        // added after the text.
        let low = if body.is_empty() {
            (0, 0)
        } else if body.is_ascii() {
            (t.start, t.start + body.len() as u32)
        } else {
            let from = s.low.len() as u32;
            s.low.extend(body.chars().flat_map(char::to_lowercase));
            (from, s.low.len() as u32)
        };
        let lower = s.low.get(low.0 as usize..low.1 as usize).unwrap_or("");
        let acronym = body.len() >= 2 && body.bytes().all(|b| b.is_ascii_uppercase() || b == b'.');
        let role = match t.kind {
            TokenKind::Punct => Role::Punct(text.as_bytes()[t.start as usize]),
            TokenKind::Number => Role::Other,
            TokenKind::Word => {
                let class = word_class(lower);
                if class.function() && !acronym {
                    Role::Func
                } else if class.verb() || lower.ends_with("ly") {
                    Role::Verb
                } else {
                    Role::Content
                }
            }
        };
        let cap = t.kind == TokenKind::Word && is_capitalised(body);
        let remember = t.kind == TokenKind::Word && !cap && !at_start;
        s.caps.push(cap);
        s.starts.push(at_start && t.kind == TokenKind::Word);
        if t.kind == TokenKind::Word {
            at_start = false;
        }
        let used = s.toks.len();
        s.toks.push(Tok {
            low,
            role,
            possessive,
            voice: t.voice,
            sentence: sent.min(a.sentences.len().saturating_sub(1)) as u32,
            paragraph: para,
            span: (t.start, t.start + body.len() as u32),
            cap,
        });
        if remember {
            let (toks, low) = (&s.toks, s.low.as_str());
            let w = toks[used].lower(low);
            let h = word_hash(w);
            if s.lowered
                .find(h, |&k| toks[k as usize].lower(low) == w)
                .is_none()
            {
                s.lowered
                    .insert_unique(h, used as u32, |&k| word_hash(toks[k as usize].lower(low)));
            }
        }
    }
    // Spaced hyphens inside a compound ("son - in - law", as some corpora
    // are tokenised): the hyphens and the words between are content.
    let n = s.toks.len();
    for k in 1..n.saturating_sub(1) {
        let spaced = s.toks[k].role == Role::Punct(b'-')
            && s.toks[k - 1].span.1 < s.toks[k].span.0
            && s.toks[k].span.1 < s.toks[k + 1].span.0;
        let words = |t: &Tok| matches!(t.role, Role::Content | Role::Func) && !t.cap;
        if spaced
            && words(&s.toks[k - 1])
            && words(&s.toks[k + 1])
            && s.toks[k + 1].lower(&s.low).len() <= 3
            || spaced
                && s.toks[k - 1].lower(&s.low).len() <= 3
                && words(&s.toks[k - 1])
                && words(&s.toks[k + 1])
                && k >= 2
                && s.toks[k - 2].role == Role::Punct(b'-')
        {
            s.toks[k].role = Role::Content;
            let from = s.low.len() as u32;
            s.low.push('-');
            s.toks[k].low = (from, from + 1);
            for x in [k - 1, k + 1] {
                if s.toks[x].role == Role::Func {
                    s.toks[x].role = Role::Content;
                }
            }
        }
    }
    // Capitalised sequences.
    let mut i = 0;
    while i < n {
        if !s.caps[i] || s.toks[i].role == Role::Func && s.starts[i] {
            i += 1;
            continue;
        }
        let lw = s.toks[i].lower(&s.low);
        if is_honorific(lw) {
            s.toks[i].role = Role::Other;
            // Its dot, when the tokenizer split it off.
            if s.toks
                .get(i + 1)
                .is_some_and(|t| t.role == Role::Punct(b'.'))
            {
                s.toks[i + 1].role = Role::Other;
                i += 1;
            }
            i += 1;
            continue;
        }
        if is_calendar(lw) || s.toks[i].role == Role::Func && lw.len() > 1 && !lw.contains('.') {
            i += 1;
            continue;
        }
        // Extend: capitalised words, and "of" between two of them.
        let mut j = i + 1;
        if !s.toks[i].possessive {
            while j < n {
                let t = &s.toks[j];
                let tl = t.lower(&s.low);
                let joins = s.caps[j]
                    && !is_calendar(tl)
                    && !is_honorific(tl)
                    && (t.role != Role::Func || tl.len() <= 1);
                if joins {
                    j += 1;
                    if t.possessive {
                        break;
                    }
                } else if tl == "of" && j + 1 < n && s.caps[j + 1] && j > i && {
                    // "Secretary of State", "Department of Justice"; not "Abe of Japan".
                    let w = s.toks[j - 1].lower(&s.low);
                    is_title(w) || is_group(w) || s.is_lowered(w)
                } {
                    j += 1;
                } else if t.role == Role::Punct(b'.')
                    && s.toks[j - 1].lower(&s.low).chars().count() == 1
                    && j + 1 < n
                    && s.caps[j + 1]
                {
                    // A middle initial: "Vladimir V. Putin".
                    j += 1;
                } else {
                    break;
                }
            }
        }
        while j > i + 1 && s.toks[j - 1].lower(&s.low) == "of" {
            j -= 1;
        }
        classify_sequence(s, text, i, j);
        i = j.max(i + 1);
    }
}

/// Decide what the capitalised tokens `i..j` are: a name (with its titles
/// split off), a modifier (a demonym: "North Korean"), or common words.
fn classify_sequence(s: &mut Scratch, text: &str, i: usize, j: usize) {
    let last = &s.toks[j - 1];
    let last_lower = last.lower(&s.low);
    let plural_demonym = last_lower.ends_with('s');
    let common = |s: &Scratch, k: usize| {
        let w = s.toks[k].lower(&s.low);
        is_title(w) || (s.is_lowered(w) && is_agent(w))
    };
    if is_demonym(last_lower) && !plural_demonym && !last.possessive {
        for k in i..j {
            s.toks[k].role = Role::Content;
        }
        return;
    }
    // The last title word before the final name word.
    let k = (i..j - 1)
        .rev()
        .find(|&k| common(s, k) && s.toks[k].lower(&s.low) != "of");
    let name_start = k.map_or(i, |k| k + 1);
    // Only common words (a sentence-initial "Officials", a lone "President"):
    // content words.
    let all_common = (i..j).all(|k| {
        let w = s.toks[k].lower(&s.low);
        common(s, k) || (s.starts[k] && (s.is_lowered(w) || s.toks[k].role != Role::Content))
    });
    if all_common || (j - i == 1 && s.starts[i] && s.is_lowered(s.toks[i].lower(&s.low))) {
        for k in i..j {
            if s.toks[k].role != Role::Func {
                s.toks[k].role = if s.toks[k].role == Role::Verb {
                    Role::Verb
                } else {
                    Role::Content
                };
            }
        }
        return;
    }
    let mut key = s.buffer();
    let mut surface = s.buffer();
    for (x, k) in (name_start..j)
        .filter(|&k| s.toks[k].role != Role::Punct(b'.'))
        .enumerate()
    {
        push_key(&mut key, s.toks[k].lower(&s.low));
        let (a, b) = s.toks[k].span;
        if x > 0 {
            surface.push(' ');
        }
        surface.push_str(text.get(a as usize..b as usize).unwrap_or(""));
    }
    if key.is_empty() || key.len() < 2 {
        s.spare.push(key);
        s.spare.push(surface);
        return;
    }
    let m = s.mentions.len() as u32;
    for k in i..name_start {
        s.toks[k].role = Role::Title(m);
    }
    for k in name_start..j {
        s.toks[k].role = Role::Name(m);
    }
    // "the Taliban said", not "the Trump administration".
    let definite = i > 0
        && s.toks[i - 1].lower(&s.low) == "the"
        && s.toks.get(j).is_none_or(|t| t.role != Role::Content);
    s.mentions.push(Mention {
        start: name_start,
        end: j,
        seq_start: i,
        key,
        surface,
        definite,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalised_words() {
        for (w, cap) in [
            ("Taliban", true),
            ("taliban", false),
            ("al-Qaeda", true),
            ("ex-Marine", true),
            ("abcd-Efg", false),
            ("abc-Def", true),
            ("-Abc", true),
            ("a--B", false),
            ("a-", false),
            ("", false),
            ("Ärzte", true),
            ("é-Ärzte", true),
            ("éé-Ärzte", false),
            ("ab-ée", false),
        ] {
            assert_eq!(is_capitalised(w), cap, "{w}");
        }
    }

    /// (lower case, role) of each token; (key, surface) of each mention.
    type Found = (Vec<(String, Role)>, Vec<(String, String)>);

    /// The tokens' (lower case, role) and the mentions' (key, surface).
    fn found(s: &Scratch) -> Found {
        (
            s.toks
                .iter()
                .map(|t| (t.lower(&s.low).to_string(), t.role))
                .collect(),
            s.mentions
                .iter()
                .map(|m| (m.key.clone(), m.surface.clone()))
                .collect(),
        )
    }

    #[test]
    fn lower_case_of_every_token_and_reused_buffers() {
        let texts = [
            "Ärzte's union and ÉCOLE officials met Mr. Kim; the son - in - law spoke.",
            "Kim.",
            "North Korean dictator Kim Jong Un met the Straße's Émile Zola, again.",
        ];
        let mut a = Analyzed::default();
        a.analyze(texts[0]);
        let mut s = Scratch::default();
        discover(&a, &mut s);
        let lower: Vec<&str> = s.toks.iter().map(|t| t.lower(&s.low)).collect();
        assert_eq!(&lower[..4], ["ärzte", "union", "and", "école"]);
        assert!(s.toks[0].possessive);
        // "son - in - law": the spaced hyphens are content, lower case "-".
        let k = lower.iter().position(|w| *w == "son").unwrap();
        assert_eq!(&lower[k..k + 5], ["son", "-", "in", "-", "law"]);
        assert_eq!(s.toks[k + 1].role, Role::Content);
        // One scratch through documents long, short and long finds what a
        // fresh one finds.
        for t in texts.iter().chain(texts.iter().rev()) {
            a.analyze(t);
            discover(&a, &mut s);
            let mut fresh = Scratch::default();
            discover(&a, &mut fresh);
            assert_eq!(found(&s), found(&fresh), "{t}");
        }
    }
}
