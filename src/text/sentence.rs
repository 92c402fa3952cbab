//! Sentence splitting over tokens.
//!
//! A sentence ends after a `.`, `!` or `?` token (together with any directly
//! attached further terminators and closing `"`, `'`, `)`, `]`, `}`) when the
//! next token starts with an uppercase letter or a digit, or is an opening
//! `"`, `'`, `(` or `[`. A sentence also ends at every paragraph break and at
//! the end of the text.
//!
//! A `.` does not end a sentence directly after a title (`Mr`, `Dr`, `Gen`,
//! `Sen`, ...), a month abbreviation (`Jan`, `Sept`, ...), `vs`, `No` before a
//! number, or a single uppercase initial (`J.`). Dotted abbreviations such as
//! `U.S.` are single Word tokens and so never end a sentence either — unless
//! a paragraph break follows. An ellipsis (`...`, also from `…`) followed by
//! an uppercase word ends a sentence.

use super::tokenize::{Token, TokenKind};

/// A sentence: a byte span in the normalised text and the index range
/// `[first_token, end_token)` of its tokens.
///
/// ```
/// use slant::text::{split_sentences_into, tokenize_into, Sentence};
/// let s = "Hi. Bye.";
/// let mut t = Vec::new();
/// tokenize_into(s, &mut t);
/// let mut out = Vec::new();
/// split_sentences_into(s, &t, &[], &mut out);
/// assert_eq!(out[1], Sentence { start: 4, end: 8, first_token: 2, end_token: 4 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// Start byte offset (start of the first token).
    pub start: u32,
    /// End byte offset (end of the last token).
    pub end: u32,
    /// Index of the first token.
    pub first_token: u32,
    /// One past the index of the last token.
    pub end_token: u32,
}

fn punct_char(text: &str, t: &Token) -> Option<u8> {
    if t.kind != TokenKind::Punct || t.end != t.start + 1 {
        return None;
    }
    text.as_bytes().get(t.start as usize).copied()
}

fn is_terminal(text: &str, t: &Token) -> bool {
    matches!(punct_char(text, t), Some(b'.' | b'!' | b'?'))
}

fn is_closer(text: &str, t: &Token) -> bool {
    matches!(
        punct_char(text, t),
        Some(b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']' | b'}')
    )
}

fn starts_sentence(text: &str, t: &Token) -> bool {
    if matches!(punct_char(text, t), Some(b'"' | b'\'' | b'(' | b'[')) {
        return true;
    }
    t.text(text)
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn is_title_or_month(w: &str) -> bool {
    matches!(
        w,
        "Mr" | "Mrs"
            | "Ms"
            | "Dr"
            | "Prof"
            | "Sen"
            | "Rep"
            | "Gov"
            | "Gen"
            | "Col"
            | "Lt"
            | "Sgt"
            | "Capt"
            | "Maj"
            | "Adm"
            | "Cmdr"
            | "Pres"
            | "St"
            | "Rev"
            | "Hon"
            | "Jr"
            | "Sr"
            | "Jan"
            | "Feb"
            | "Apr"
            | "Aug"
            | "Sep"
            | "Sept"
            | "Oct"
            | "Nov"
            | "Dec"
            | "vs"
    )
}

/// Whether the `.` at token index `dot` is an abbreviation dot (given the
/// token that follows the terminator group).
fn is_abbreviation(text: &str, tokens: &[Token], dot: usize, next: &Token) -> bool {
    let Some(t) = tokens.get(dot) else {
        return false;
    };
    if punct_char(text, t) != Some(b'.') {
        return false;
    }
    let Some(prev) = dot.checked_sub(1).and_then(|p| tokens.get(p)) else {
        return false;
    };
    if prev.end != t.start || prev.kind != TokenKind::Word {
        return false;
    }
    let w = prev.text(text);
    if is_title_or_month(w) {
        return true;
    }
    if w == "No" && next.kind == TokenKind::Number {
        return true;
    }
    let mut chars = w.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

/// Split tokens into sentences (`out` is cleared first). Every token belongs
/// to exactly one sentence, sentences are in order, and no tokens means no
/// sentences. `paragraph_breaks` must be sorted (as returned by
/// [`Normalized::paragraph_breaks`](super::Normalized::paragraph_breaks)).
///
/// ```
/// use slant::text::{split_sentences_into, tokenize_into};
/// let s = "U.S. forces struck on Wednesday. Col. Sonny Leggett said it was defensive.";
/// let mut t = Vec::new();
/// tokenize_into(s, &mut t);
/// let mut out = Vec::new();
/// split_sentences_into(s, &t, &[], &mut out);
/// let got: Vec<&str> = out.iter().map(|x| &s[x.start as usize..x.end as usize]).collect();
/// assert_eq!(got, ["U.S. forces struck on Wednesday.", "Col. Sonny Leggett said it was defensive."]);
/// ```
pub fn split_sentences_into(
    text: &str,
    tokens: &[Token],
    paragraph_breaks: &[u32],
    out: &mut Vec<Sentence>,
) {
    out.clear();
    let n = tokens.len().min(u32::MAX as usize);
    let tokens = &tokens[..n];
    let mut first = 0usize;
    let mut pb = 0usize;
    let mut i = 0usize;
    while i < n {
        let mut last = i;
        let mut end_here = false;
        if is_terminal(text, &tokens[i]) {
            while last + 1 < n
                && tokens[last + 1].start == tokens[last].end
                && is_closer(text, &tokens[last + 1])
            {
                last += 1;
            }
            if let Some(next) = tokens.get(last + 1) {
                end_here = starts_sentence(text, next) && !is_abbreviation(text, tokens, i, next);
            }
        }
        if let Some(next) = tokens.get(last + 1) {
            let cur_end = tokens[last].end;
            while paragraph_breaks.get(pb).is_some_and(|&p| p < cur_end) {
                pb += 1;
            }
            if paragraph_breaks.get(pb).is_some_and(|&p| p < next.start) {
                end_here = true;
            }
        } else {
            end_here = true;
        }
        if end_here {
            out.push(Sentence {
                start: tokens[first].start,
                end: tokens[last].end,
                first_token: first as u32,
                end_token: (last + 1) as u32,
            });
            first = last + 1;
        }
        i = last + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::{normalize_into, tokenize_into, Normalized};
    use super::*;

    fn split(orig: &str) -> Vec<String> {
        let mut n = Normalized::default();
        normalize_into(orig, &mut n);
        let mut t = Vec::new();
        tokenize_into(&n.text, &mut t);
        let mut out = Vec::new();
        split_sentences_into(&n.text, &t, n.paragraph_breaks(), &mut out);
        let mut next = 0;
        for s in &out {
            assert_eq!(s.first_token, next);
            assert!(s.end_token > s.first_token);
            next = s.end_token;
        }
        assert_eq!(next as usize, t.len());
        out.iter()
            .map(|s| n.text[s.start as usize..s.end as usize].to_string())
            .collect()
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   ", &[]),
            ("No terminator", &["No terminator"]),
            (
                "U.S. forces struck on Wednesday. Col. Sonny Leggett said it was defensive.",
                &["U.S. forces struck on Wednesday.", "Col. Sonny Leggett said it was defensive."],
            ),
            ("Mr. Trump spoke.", &["Mr. Trump spoke."]),
            ("Dr. No. Gen. Jones met Sen. Smith.", &["Dr. No.", "Gen. Jones met Sen. Smith."]),
            ("He said: \"Go.\" Then he left.", &["He said: \"Go.\"", "Then he left."]),
            ("He left. \"Why?\" she asked.", &["He left.", "\"Why?\" she asked."]),
            ("\"Why?\" she asked. Nobody knew!", &["\"Why?\" she asked.", "Nobody knew!"]),
            ("Really?! Yes. (Indeed.) Fine.", &["Really?!", "Yes.", "(Indeed.)", "Fine."]),
            ("Stop! Go? 5 left.", &["Stop!", "Go?", "5 left."]),
            ("Donald J. Trump spoke.", &["Donald J. Trump spoke."]),
            ("It was Jan. 5 or Sept. 9.", &["It was Jan. 5 or Sept. 9."]),
            ("See No. 5 now.", &["See No. 5 now."]),
            ("Red vs. Blue. Fine.", &["Red vs. Blue.", "Fine."]),
            ("Apples, pears, etc. are fine. Etc. Next.", &["Apples, pears, etc. are fine.", "Etc.", "Next."]),
            ("He visited the U.S. Then he left.", &["He visited the U.S. Then he left."]),
            ("He visited the U.S.\n\nThen he left.", &["He visited the U.S.", "Then he left."]),
            ("A headline\nFirst paragraph here.", &["A headline", "First paragraph here."]),
            ("Hard\nwrapped text.\n\nNext para.", &["Hard\nwrapped text.", "Next para."]),
            ("lower. case. 3.5 is it.", &["lower. case.", "3.5 is it."]),
            (
                "Trump said \"They will be killing terrorists... They will keep that fight going,\" he said.",
                &["Trump said \"They will be killing terrorists...", "They will keep that fight going,\" he said."],
            ),
            ("Wait… Now.", &["Wait...", "Now."]),
            ("Wait... and see.", &["Wait... and see."]),
        ];
        for (input, want) in cases {
            assert_eq!(split(input), *want, "input {input:?}");
        }
    }
}
