//! Tokenisation of normalised text into words, numbers and punctuation, with
//! byte offsets.
//!
//! Rules:
//!
//! * **Word**: a run of alphanumeric chars (`char::is_alphanumeric`, plus
//!   combining marks after the first char), joined across internal `'` and
//!   `-` when an alphanumeric char follows (`don't`, `Taliban's`,
//!   `well-known`, `COVID-19`). A run that starts with a digit but contains
//!   letters (`5th`, `1990s`) is a Word too.
//! * Dotted abbreviations `letter(.letter)+` (single ASCII letters) are one
//!   Word including the final dot if present: `U.S.`, `e.g.`, `a.m.`. In
//!   `U.S.-Taliban` the tokens are `U.S.`, `-`, `Taliban`.
//! * **Number**: ASCII digits with internal `,` or `.` between digits
//!   (`5,000`, `3.5`).
//! * **Punct**: every other non-whitespace char, one token per char (emoji
//!   included).

use unicode_normalization::char::is_combining_mark;

use super::Voice;

/// The kind of a [`Token`].
///
/// ```
/// use slant::text::{tokenize_into, TokenKind};
/// let mut t = Vec::new();
/// tokenize_into("5,000 troops!", &mut t);
/// let kinds: Vec<TokenKind> = t.iter().map(|t| t.kind).collect();
/// assert_eq!(kinds, [TokenKind::Number, TokenKind::Word, TokenKind::Punct]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters/digits, possibly with internal apostrophes, hyphens or dots.
    Word,
    /// Digits with internal `,` or `.`.
    Number,
    /// A single non-alphanumeric, non-whitespace char.
    Punct,
}

/// A token: a byte span in the normalised text plus its kind and voice.
///
/// ```
/// use slant::text::{tokenize_into, Token, TokenKind, Voice};
/// let mut t = Vec::new();
/// tokenize_into("Hi", &mut t);
/// assert_eq!(
///     t[0],
///     Token { start: 0, end: 2, kind: TokenKind::Word, voice: Voice::Authorial, ascii: true }
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Start byte offset (inclusive) in the normalised text.
    pub start: u32,
    /// End byte offset (exclusive) in the normalised text.
    pub end: u32,
    /// What the token is.
    pub kind: TokenKind,
    /// Authorial or quoted; [`tokenize_into`] sets `Authorial`, and
    /// [`Analyzed::analyze`](super::Analyzed::analyze) fills in the real value.
    pub voice: Voice,
    /// Whether the token's text is all ASCII (known while scanning, so
    /// callers need not test each token's bytes again).
    ///
    /// ```
    /// use slant::text::tokenize_into;
    /// let mut t = Vec::new();
    /// tokenize_into("São Paulo", &mut t);
    /// assert_eq!((t[0].ascii, t[1].ascii), (false, true));
    /// ```
    pub ascii: bool,
}

impl Token {
    /// The token's text in `s` (the text it was produced from); empty if the
    /// span does not fit `s`.
    ///
    /// ```
    /// use slant::text::tokenize_into;
    /// let s = "It's U.S.-made.";
    /// let mut t = Vec::new();
    /// tokenize_into(s, &mut t);
    /// let words: Vec<&str> = t.iter().map(|t| t.text(s)).collect();
    /// assert_eq!(words, ["It's", "U.S.", "-", "made", "."]);
    /// ```
    pub fn text<'a>(&self, s: &'a str) -> &'a str {
        s.get(self.start as usize..self.end as usize).unwrap_or("")
    }

    /// Whether the token is a [`TokenKind::Word`].
    ///
    /// ```
    /// use slant::text::tokenize_into;
    /// let mut t = Vec::new();
    /// tokenize_into("war 1", &mut t);
    /// assert!(t[0].is_word());
    /// assert!(!t[1].is_word());
    /// ```
    pub fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }
}

const SPACE: u8 = 0;
const ALPHA: u8 = 1;
const DIGIT: u8 = 2;
const PUNCT: u8 = 3;
const HIGH: u8 = 4;

static CLASS: [u8; 256] = {
    let mut t = [PUNCT; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b >= 0x80 {
            HIGH
        } else if b.is_ascii_alphabetic() {
            ALPHA
        } else if b.is_ascii_digit() {
            DIGIT
        } else if b.is_ascii_whitespace() || b == 0x0B {
            SPACE
        } else {
            PUNCT
        };
        i += 1;
    }
    t
};

const HI: u64 = 0x8080_8080_8080_8080;

/// Per-byte masks (high bit of each byte) of the ASCII alphanumerics and of
/// the ASCII letters among eight bytes (little-endian word).
#[inline]
fn alnum8(x: u64) -> (u64, u64) {
    const L: u64 = 0x0101_0101_0101_0101;
    let ascii = !x & HI;
    let low = x & !HI;
    // Set where the (7-bit) byte is >= c; no borrow crosses bytes.
    let ge = |y: u64, c: u8| ((y | HI) - c as u64 * L) & HI;
    let folded = low | (0x20 * L);
    let letters = ge(folded, b'a') & !ge(folded, b'z' + 1) & ascii;
    let digits = ge(low, b'0') & !ge(low, b'9' + 1) & ascii;
    (letters | digits, letters)
}

/// Length of the word char (alphanumeric, or a combining mark when
/// `allow_mark`) at `pos`, if any.
#[inline]
fn word_char_at(text: &str, pos: usize, allow_mark: bool) -> Option<usize> {
    let b = *text.as_bytes().get(pos)?;
    match CLASS[b as usize] {
        ALPHA | DIGIT => Some(1),
        HIGH => {
            let c = text.get(pos..)?.chars().next()?;
            (c.is_alphanumeric() || (allow_mark && is_combining_mark(c))).then(|| c.len_utf8())
        }
        _ => None,
    }
}

#[inline]
fn ascii_alpha_at(b: &[u8], pos: usize) -> bool {
    b.get(pos).is_some_and(|c| c.is_ascii_alphabetic())
}

/// Scan a word or number starting at `start` (an alphanumeric char).
fn scan_word(text: &str, start: usize) -> (usize, TokenKind) {
    let b = text.as_bytes();
    // Dotted abbreviation: L.L(.L)*[.]
    if ascii_alpha_at(b, start)
        && b.get(start + 1) == Some(&b'.')
        && ascii_alpha_at(b, start + 2)
        && word_char_at(text, start + 3, true).is_none()
    {
        let mut pos = start + 1;
        while b.get(pos) == Some(&b'.')
            && ascii_alpha_at(b, pos + 1)
            && word_char_at(text, pos + 2, true).is_none()
        {
            pos += 2;
        }
        if b.get(pos) == Some(&b'.') {
            pos += 1;
        }
        return (pos, TokenKind::Word);
    }
    let mut numeric = b.get(start).is_some_and(u8::is_ascii_digit);
    let mut pos = start;
    loop {
        // Alphanumeric run (ASCII fast path).
        while let Some(&c) = b.get(pos) {
            match CLASS[c as usize] {
                ALPHA => {
                    numeric = false;
                    pos += 1;
                }
                DIGIT => pos += 1,
                HIGH => match word_char_at(text, pos, true) {
                    Some(l) => {
                        numeric = false;
                        pos += l;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        match b.get(pos) {
            Some(b'\'') | Some(b'-') if word_char_at(text, pos + 1, false).is_some() => {
                numeric = false;
                pos += 1;
            }
            Some(b',') | Some(b'.')
                if numeric && b.get(pos + 1).is_some_and(u8::is_ascii_digit) =>
            {
                pos += 1;
            }
            _ => break,
        }
    }
    let kind = if numeric {
        TokenKind::Number
    } else {
        TokenKind::Word
    };
    (pos, kind)
}

/// Tokenise `text` into `out` (cleared first). Offsets are byte offsets
/// into `text`, always on char boundaries. Texts longer than `u32::MAX`
/// bytes are tokenised up to that length only.
///
/// ```
/// use slant::text::{tokenize_into, TokenKind};
/// let s = "São Paulo's well-known 3.5% rise 🚀";
/// let mut t = Vec::new();
/// tokenize_into(s, &mut t);
/// let got: Vec<(&str, TokenKind)> = t.iter().map(|t| (t.text(s), t.kind)).collect();
/// assert_eq!(got, [
///     ("São", TokenKind::Word),
///     ("Paulo's", TokenKind::Word),
///     ("well-known", TokenKind::Word),
///     ("3.5", TokenKind::Number),
///     ("%", TokenKind::Punct),
///     ("rise", TokenKind::Word),
///     ("🚀", TokenKind::Punct),
/// ]);
/// ```
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let mut limit = text.len().min(u32::MAX as usize);
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let text = &text[..limit];
    let b = text.as_bytes();
    let n = b.len();
    out.reserve(n / 5);
    let mut i = 0;
    while i < n {
        let c = b[i];
        let (end, kind, ascii) = match CLASS[c as usize] {
            SPACE => {
                i += 1;
                continue;
            }
            ALPHA | DIGIT => {
                // Fast path: a plain ASCII alphanumeric run ended by a byte
                // that cannot continue a word (space, most punctuation).
                // Runs ended by ' - , . or a non-ASCII byte, and dotted
                // abbreviations (which start with a letter and a period),
                // take the full scan.
                let mut j = i + 1;
                let mut alpha = CLASS[c as usize] == ALPHA;
                // Eight bytes at a time, then byte by byte at the end.
                while let Some(chunk) = b.get(j..j + 8) {
                    let (alnum, letters) =
                        alnum8(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
                    let run = (!alnum & HI).trailing_zeros() / 8;
                    let in_run = if run == 8 {
                        u64::MAX
                    } else {
                        (1u64 << (run * 8)) - 1
                    };
                    alpha |= letters & in_run != 0;
                    j += run as usize;
                    if run < 8 {
                        break;
                    }
                }
                if b.len() < j + 8 {
                    while j < n {
                        match CLASS[b[j] as usize] {
                            ALPHA => alpha = true,
                            DIGIT => {}
                            _ => break,
                        }
                        j += 1;
                    }
                }
                match b.get(j) {
                    Some(b'\'' | b'-' | b',' | b'.' | 0x80..) => {
                        let (end, kind) = scan_word(text, i);
                        (end, kind, b[i..end].is_ascii())
                    }
                    _ if alpha => (j, TokenKind::Word, true),
                    _ => (j, TokenKind::Number, true),
                }
            }
            PUNCT => (i + 1, TokenKind::Punct, true),
            _ => {
                let Some(ch) = text[i..].chars().next() else {
                    break;
                };
                if ch.is_whitespace() {
                    i += ch.len_utf8();
                    continue;
                }
                // Starts with a non-ASCII character.
                if ch.is_alphanumeric() {
                    let (end, kind) = scan_word(text, i);
                    (end, kind, false)
                } else {
                    (i + ch.len_utf8(), TokenKind::Punct, false)
                }
            }
        };
        out.push(Token {
            start: i as u32,
            end: end as u32,
            kind,
            voice: Voice::Authorial,
            ascii,
        });
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    /// `alnum8` agrees with the byte classes for every byte value in every
    /// position.
    #[test]
    fn alnum8_matches_the_byte_classes() {
        for pos in 0..8 {
            for v in 0..=255u8 {
                let mut w = *b"a1b2c3d4";
                w[pos] = v;
                let (alnum, letters) = alnum8(u64::from_le_bytes(w));
                for (k, &c) in w.iter().enumerate() {
                    let bit = 0x80u64 << (8 * k);
                    assert_eq!(alnum & bit != 0, c.is_ascii_alphanumeric(), "{w:?} {k}");
                    assert_eq!(letters & bit != 0, c.is_ascii_alphabetic(), "{w:?} {k}");
                }
                assert_eq!(alnum & !HI, 0);
            }
        }
    }

    /// The tokenizer without its ASCII fast path: every word goes through
    /// `scan_word`.
    fn reference(text: &str) -> Vec<(u32, u32, TokenKind)> {
        let b = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let (end, kind) = match CLASS[b[i] as usize] {
                SPACE => {
                    i += 1;
                    continue;
                }
                ALPHA | DIGIT => scan_word(text, i),
                PUNCT => (i + 1, Punct),
                _ => {
                    let ch = text[i..].chars().next().unwrap();
                    if ch.is_whitespace() {
                        i += ch.len_utf8();
                        continue;
                    }
                    if ch.is_alphanumeric() {
                        scan_word(text, i)
                    } else {
                        (i + ch.len_utf8(), Punct)
                    }
                }
            };
            out.push((i as u32, end as u32, kind));
            i = end;
        }
        out
    }

    proptest::proptest! {
        /// The fast path for plain ASCII words changes nothing.
        #[test]
        fn fast_path_agrees_with_the_full_scan(s in "([a-cA-C0-9 .,'\\-]|é|\u{301}|\n|U\\.S\\.){0,40}") {
            let mut t = Vec::new();
            tokenize_into(&s, &mut t);
            let got: Vec<(u32, u32, TokenKind)> = t.iter().map(|t| (t.start, t.end, t.kind)).collect();
            proptest::prop_assert_eq!(got, reference(&s));
            for tok in &t {
                proptest::prop_assert_eq!(tok.ascii, tok.text(&s).is_ascii(), "{:?}", tok);
            }
        }
    }

    fn toks(s: &str) -> Vec<(&str, TokenKind)> {
        let mut t = Vec::new();
        tokenize_into(s, &mut t);
        for tok in &t {
            assert!(s.is_char_boundary(tok.start as usize));
            assert!(s.is_char_boundary(tok.end as usize));
            assert!(tok.start < tok.end);
            assert_eq!(tok.text(s), &s[tok.start as usize..tok.end as usize]);
        }
        t.iter().map(|t| (t.text(s), t.kind)).collect()
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[(&str, TokenKind)])] = &[
            ("", &[]),
            ("  \n ", &[]),
            ("don't", &[("don't", Word)]),
            ("Taliban's leader", &[("Taliban's", Word), ("leader", Word)]),
            (
                "students' union",
                &[("students", Word), ("'", Punct), ("union", Word)],
            ),
            ("'90s", &[("'", Punct), ("90s", Word)]),
            ("U.S. forces", &[("U.S.", Word), ("forces", Word)]),
            ("the U.S.", &[("the", Word), ("U.S.", Word)]),
            ("U.S", &[("U.S", Word)]),
            ("e.g. this", &[("e.g.", Word), ("this", Word)]),
            (
                "U.S.-Taliban",
                &[("U.S.", Word), ("-", Punct), ("Taliban", Word)],
            ),
            ("J. Smith", &[("J", Word), (".", Punct), ("Smith", Word)]),
            ("A.Bc", &[("A", Word), (".", Punct), ("Bc", Word)]),
            ("well-known", &[("well-known", Word)]),
            ("COVID-19", &[("COVID-19", Word)]),
            (
                "a--b",
                &[("a", Word), ("-", Punct), ("-", Punct), ("b", Word)],
            ),
            (
                "5,000 3.5 1,2,3",
                &[("5,000", Number), ("3.5", Number), ("1,2,3", Number)],
            ),
            (
                "in 2019.The",
                &[("in", Word), ("2019", Number), (".", Punct), ("The", Word)],
            ),
            ("5th 1990s", &[("5th", Word), ("1990s", Word)]),
            (
                "5, 6.",
                &[("5", Number), (",", Punct), ("6", Number), (".", Punct)],
            ),
            ("Zürich São", &[("Zürich", Word), ("São", Word)]),
            ("Zu\u{308}rich", &[("Zu\u{308}rich", Word)]),
            ("\u{308}a", &[("\u{308}", Punct), ("a", Word)]),
            ("Москва 北京", &[("Москва", Word), ("北京", Word)]),
            (
                "hi👍🏽!",
                &[("hi", Word), ("👍", Punct), ("🏽", Punct), ("!", Punct)],
            ),
            (
                "\"Go,\" he",
                &[
                    ("\"", Punct),
                    ("Go", Word),
                    (",", Punct),
                    ("\"", Punct),
                    ("he", Word),
                ],
            ),
            ("a\u{a0}b", &[("a", Word), ("b", Word)]),
        ];
        for (input, want) in cases {
            assert_eq!(toks(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn reuses_buffer() {
        let mut t = Vec::new();
        tokenize_into("one two three", &mut t);
        tokenize_into("x", &mut t);
        assert_eq!(t.len(), 1);
    }
}
