//! Byte decoding and mojibake repair.
//!
//! [`decode`] turns raw article bytes into text: it sniffs a byte-order mark
//! (UTF-8, UTF-16LE/BE, UTF-32LE/BE), takes valid UTF-8 as is, recognises
//! BOM-less UTF-32 and UTF-16,
//! rejects binary-looking (NUL) and corrupted UTF-8 input, falls back to
//! legacy single-byte detection (chardetng + encoding_rs) and finally repairs
//! mojibake (UTF-8 that was decoded as Windows-1252 or Latin-1) with
//! [`repair_mojibake`].
//!
//! ```
//! use slant::corpus::decode::decode;
//!
//! let d = decode("Americaâ€™s".as_bytes()).unwrap();
//! assert_eq!(d.text, "America’s");
//! assert_eq!(d.encoding, "UTF-8");
//! assert_eq!(d.repairs, 1);
//! ```

use std::borrow::Cow;
use std::fmt;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// Result of turning raw bytes into text.
///
/// ```
/// use slant::corpus::decode::{decode, Decoded};
///
/// let d = decode(b"\xEF\xBB\xBFhello").unwrap();
/// assert_eq!(
///     d,
///     Decoded { text: "hello".to_string(), encoding: "UTF-8", had_bom: true, repairs: 0 }
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded (and, unless switched off, repaired) text.
    pub text: String,
    /// Canonical encoding name, e.g. "UTF-8", "UTF-16LE", "UTF-32BE", "windows-1252".
    pub encoding: &'static str,
    /// Whether the input started with a byte-order mark (which is not part of `text`).
    pub had_bom: bool,
    /// Number of mojibake sequences repaired.
    pub repairs: u32,
}

/// Why bytes could not be turned into text.
///
/// ```
/// use slant::corpus::decode::{decode, DecodeError};
///
/// assert_eq!(decode(b"ab\0cd"), Err(DecodeError::Nul { offset: 2 }));
/// assert_eq!(
///     decode(b"caf\xC3\xA9 \xFF").unwrap_err().to_string(),
///     "invalid UTF-8 at byte 6"
/// );
/// assert_eq!(
///     decode(b"\0\0\xFE\xFF\0\0\0h\xFF\0\0\0").unwrap_err().to_string(),
///     "invalid UTF-32BE at byte 8"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Mostly UTF-8 but with invalid sequences: byte offset of the first invalid byte.
    InvalidUtf8 {
        /// Byte offset (in the input, BOM included) of the first invalid byte.
        offset: usize,
    },
    /// Contains NUL bytes (and is not UTF-16 or UTF-32), or a UTF-32 text
    /// contains U+0000: offset of the first one.
    Nul {
        /// Byte offset of the first NUL byte (of the U+0000 code unit in UTF-32).
        offset: usize,
    },
    /// Starts with a UTF-32 byte-order mark but a code unit is not a
    /// Unicode scalar value, or the length is not a multiple of four.
    InvalidUtf32 {
        /// Byte offset (BOM included) of the first invalid or incomplete code unit.
        offset: usize,
        /// "UTF-32LE" or "UTF-32BE".
        encoding: &'static str,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::InvalidUtf8 { offset } => write!(f, "invalid UTF-8 at byte {offset}"),
            DecodeError::Nul { offset } => write!(f, "NUL byte at byte {offset}"),
            DecodeError::InvalidUtf32 { offset, encoding } => {
                write!(f, "invalid {encoding} at byte {offset}")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decode bytes: BOM sniffing (UTF-8, UTF-16LE/BE, UTF-32LE/BE), then UTF-8, then legacy detection, then mojibake repair.
///
/// Same as [`decode_with`] with repair switched on.
///
/// ```
/// use slant::corpus::decode::decode;
///
/// let d = decode(b"caf\xe9 cr\xe8me").unwrap();
/// assert_eq!(d.text, "café crème");
/// assert_eq!(d.encoding, "windows-1252");
///
/// let d = decode(b"\xFF\xFEh\0i\0").unwrap();
/// assert_eq!((d.text.as_str(), d.encoding, d.had_bom), ("hi", "UTF-16LE", true));
///
/// let d = decode(b"\xFF\xFE\0\0h\0\0\0i\0\0\0").unwrap();
/// assert_eq!((d.text.as_str(), d.encoding, d.had_bom), ("hi", "UTF-32LE", true));
/// ```
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    decode_with(bytes, true)
}

/// Decode with repair switched off or on.
///
/// Order of decisions:
/// 1. BOM: UTF-8 (stripped; the rest must be valid UTF-8), UTF-32LE/BE
///    (checked before UTF-16, whose little-endian BOM is a prefix of it;
///    every code unit must be a Unicode scalar value other than U+0000, or
///    [`DecodeError::InvalidUtf32`] / [`DecodeError::Nul`]), UTF-16LE/BE
///    (unpaired surrogates become U+FFFD).
/// 2. Valid UTF-8 without NUL bytes: taken as is (one copy).
/// 3. NUL bytes in BOM-less UTF-32 (every four bytes a Unicode scalar value
///    that is not a control character other than whitespace, little-endian
///    tried first): UTF-32LE/BE. NUL bytes that look like BOM-less UTF-16
///    (more than 30% of the first 2048 code units have a zero high byte,
///    and the whole input decodes cleanly with no U+0000): UTF-16LE/BE.
/// 4. Other NUL bytes: [`DecodeError::Nul`].
/// 5. Invalid UTF-8 that still contains valid multi-byte sequences (at least one,
///    and no more than four invalid sequences per valid one):
///    [`DecodeError::InvalidUtf8`]. Otherwise a legacy encoding guessed by
///    chardetng (typically windows-1252).
/// 6. Unless `repair` is false, [`repair_mojibake`].
///
/// ```
/// use slant::corpus::decode::decode_with;
///
/// let raw = "cafÃ©".as_bytes();
/// assert_eq!(decode_with(raw, false).unwrap().text, "cafÃ©");
/// let d = decode_with(raw, true).unwrap();
/// assert_eq!((d.text.as_str(), d.repairs), ("café", 1));
/// ```
pub fn decode_with(bytes: &[u8], repair: bool) -> Result<Decoded, DecodeError> {
    // 1. Byte-order marks.
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        if let Some(offset) = rest.contains(&0).then(|| find_nul(rest)).flatten() {
            return Err(DecodeError::Nul { offset: offset + 3 });
        }
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok(finish_str(s, UTF_8, true, repair)),
            Err(e) => Err(DecodeError::InvalidUtf8 {
                offset: e.valid_up_to() + 3,
            }),
        };
    }
    // UTF-32 before UTF-16: FF FE 00 00 is the UTF-32LE BOM, not the
    // UTF-16LE BOM and a U+0000.
    for (bom, big_endian) in [(b"\xFF\xFE\0\0", false), (b"\0\0\xFE\xFF", true)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let text = decode_utf32(rest, big_endian, bom.len())?;
            return Ok(finish_string(text, utf32_name(big_endian), true, repair));
        }
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let (text, _) = UTF_16LE.decode_without_bom_handling(rest);
        return Ok(finish_cow(text, UTF_16LE, true, repair));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let (text, _) = UTF_16BE.decode_without_bom_handling(rest);
        return Ok(finish_cow(text, UTF_16BE, true, repair));
    }

    // 2. UTF-8 (hot path).
    let utf8 = std::str::from_utf8(bytes);
    let nul = if bytes.contains(&0) {
        find_nul(bytes)
    } else {
        None
    };
    if let (Ok(s), None) = (&utf8, nul) {
        return Ok(finish_str(s, UTF_8, false, repair));
    }

    // 3./4. NUL bytes: BOM-less UTF-32 or UTF-16, or an error.
    if let Some(offset) = nul {
        if let Some((text, big_endian)) = sniff_utf32(bytes) {
            return Ok(finish_string(text, utf32_name(big_endian), false, repair));
        }
        if let Some(d) = sniff_utf16(bytes, repair) {
            return Ok(d);
        }
        return Err(DecodeError::Nul { offset });
    }

    // 5. Not valid UTF-8: corrupted UTF-8 or a legacy encoding.
    let first_invalid = match utf8 {
        Ok(s) => return Ok(finish_str(s, UTF_8, false, repair)),
        Err(e) => e.valid_up_to(),
    };
    let (valid_multibyte, invalid) = count_utf8_sequences(bytes);
    if valid_multibyte > 0 && invalid <= valid_multibyte.saturating_mul(4) {
        return Err(DecodeError::InvalidUtf8 {
            offset: first_invalid,
        });
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let mut encoding = detector.guess(None, true);
    if encoding == UTF_8 || encoding == UTF_16LE || encoding == UTF_16BE {
        encoding = WINDOWS_1252;
    }
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Ok(finish_cow(text, encoding, false, repair))
}

/// Build the result from a borrowed `&str`, copying it exactly once.
fn finish_str(s: &str, encoding: &'static Encoding, had_bom: bool, repair: bool) -> Decoded {
    let (text, repairs) = if repair {
        let (fixed, n) = repair_mojibake(s);
        (fixed.into_owned(), n)
    } else {
        (s.to_owned(), 0)
    };
    Decoded {
        text,
        encoding: encoding.name(),
        had_bom,
        repairs,
    }
}

/// Build the result from text produced by an encoding_rs decoder.
fn finish_cow(
    text: Cow<'_, str>,
    encoding: &'static Encoding,
    had_bom: bool,
    repair: bool,
) -> Decoded {
    let (text, repairs) = if repair {
        let (fixed, n) = repair_mojibake(&text);
        match fixed {
            Cow::Owned(o) => (o, n),
            Cow::Borrowed(_) => (text.into_owned(), n),
        }
    } else {
        (text.into_owned(), 0)
    };
    Decoded {
        text,
        encoding: encoding.name(),
        had_bom,
        repairs,
    }
}

/// Build the result from an owned string.
fn finish_string(text: String, encoding: &'static str, had_bom: bool, repair: bool) -> Decoded {
    let (text, repairs) = if repair {
        match repair_mojibake(&text) {
            (Cow::Owned(o), n) => (o, n),
            (Cow::Borrowed(_), n) => (text, n),
        }
    } else {
        (text, 0)
    };
    Decoded {
        text,
        encoding,
        had_bom,
        repairs,
    }
}

fn utf32_name(big_endian: bool) -> &'static str {
    if big_endian {
        "UTF-32BE"
    } else {
        "UTF-32LE"
    }
}

/// Decode UTF-32 code units; `offset` (the BOM's length) is added to error offsets.
fn decode_utf32(units: &[u8], big_endian: bool, offset: usize) -> Result<String, DecodeError> {
    let mut text = String::with_capacity(units.len() / 4);
    let mut chunks = units.chunks_exact(4);
    for (k, unit) in chunks.by_ref().enumerate() {
        let at = offset + 4 * k;
        let &[a, b, c, d] = unit else {
            break;
        };
        let v = if big_endian {
            u32::from_be_bytes([a, b, c, d])
        } else {
            u32::from_le_bytes([a, b, c, d])
        };
        match char::from_u32(v) {
            Some('\0') => return Err(DecodeError::Nul { offset: at }),
            Some(ch) => text.push(ch),
            None => {
                return Err(DecodeError::InvalidUtf32 {
                    offset: at,
                    encoding: utf32_name(big_endian),
                })
            }
        }
    }
    if !chunks.remainder().is_empty() {
        return Err(DecodeError::InvalidUtf32 {
            offset: offset + units.len() - chunks.remainder().len(),
            encoding: utf32_name(big_endian),
        });
    }
    Ok(text)
}

/// Detect BOM-less UTF-32: every four bytes are a Unicode scalar value
/// other than a control character (whitespace aside), little-endian tried
/// first. Text in any other encoding practically never passes: each code
/// unit needs a zero byte and a byte of at most 0x10 in fixed places.
/// Returns the text and whether it is big-endian.
fn sniff_utf32(bytes: &[u8]) -> Option<(String, bool)> {
    if bytes.is_empty() || bytes.len() % 4 != 0 {
        return None;
    }
    [false, true].into_iter().find_map(|big_endian| {
        let text = decode_utf32(bytes, big_endian, 0).ok()?;
        text.chars()
            .all(|c| !c.is_control() || c.is_whitespace())
            .then_some((text, big_endian))
    })
}

fn find_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// Detect BOM-less UTF-16 from the position of zero bytes.
fn sniff_utf16(bytes: &[u8], repair: bool) -> Option<Decoded> {
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let mut pairs = 0usize;
    let mut zero_even = 0usize; // big-endian ASCII: 00 xx
    let mut zero_odd = 0usize; // little-endian ASCII: xx 00
    for pair in head.chunks_exact(2) {
        pairs += 1;
        if let [a, b] = pair {
            if *a == 0 && *b != 0 {
                zero_even += 1;
            } else if *b == 0 && *a != 0 {
                zero_odd += 1;
            }
        }
    }
    if pairs == 0 {
        return None;
    }
    let threshold = |n: usize| n.saturating_mul(10) > pairs.saturating_mul(3);
    let encoding = if zero_odd > zero_even && threshold(zero_odd) {
        UTF_16LE
    } else if zero_even > zero_odd && threshold(zero_even) {
        UTF_16BE
    } else {
        return None;
    };
    let text = encoding.decode_without_bom_handling_and_without_replacement(bytes)?;
    if text.contains('\0') {
        return None;
    }
    Some(finish_cow(text, encoding, false, repair))
}

/// Count valid multi-byte UTF-8 sequences and invalid sequences.
fn count_utf8_sequences(bytes: &[u8]) -> (usize, usize) {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    (valid_multibyte, invalid)
}

/// Repair text that was UTF-8 wrongly decoded as Windows-1252 or Latin-1
/// (once or more), the way ftfy's `fix_encoding` does it: only where the
/// result is clearly better than the text as it stands. Returns the repaired
/// text (borrowed when nothing changed) and the number of repaired sequences.
///
/// Every character that Windows-1252 (or Latin-1, for the C1 controls
/// U+0080–U+009F) maps to a single byte stands for that byte. A *sequence*
/// is a UTF-8 lead byte (`Â`–`ô`) followed by the right number of
/// continuation bytes (characters standing for 0x80–0xBF) that together
/// encode a valid, plausible character (not a C1 control, private-use
/// character, noncharacter or one of the rare blocks that correct text would
/// produce, such as NKo from `ß’`). Adjacent sequences form a *stretch*, and
/// a stretch is judged as a whole by a badness score before and after
/// repair: each sequence scores 1 unless it also reads as correct text — a
/// letter that can end a word there, followed by punctuation that can follow
/// a word (`é…”`, `café—“`, `JOSÉ’s`, `ï’`, `à»`) — and the repaired
/// characters score 0. So a stretch is repaired only when at least one of
/// its sequences cannot be correct text (`Ã©`, `â€™`, `Â°`, `ÐŸ`); then
/// all of it is, since the whole stretch re-encodes to valid UTF-8.
/// Otherwise it is left exactly as it is.
///
/// A sequence reads as correct text when
/// * its lead is `Â` or `Ã` directly after a capital (`IRMÃ”`), `â`
///   directly after a lowercase letter (`hâlâ…”`), or another letter that
///   does not follow a digit and is not a capital after a lowercase letter
///   (`cafÃ`, `25Â`, ` Ã` are never correct: these three leads are how
///   mojibake of `é`, `°` and `’` starts);
/// * every continuation is a mark that can follow a word: quotes, dashes,
///   `…`, `•`, `·`, `†`, `‡`, NBSP, soft hyphen, `°`, `™` or `®`; after the
///   lead of a three- or four-byte sequence (`à`–`ô`, whose repair would be a
///   lone CJK or other far-away character) also `‚ „ ‰ ¡ ¿ § ¶ ©`;
/// * and a closing mark (`” ° † ‡ ™ ®`) is not directly followed by a
///   letter or digit (`HÃ”TEL` is `HÔTEL`).
///
/// A closing quote whose third byte (0x9D) was lost (`â€` before whitespace,
/// ASCII punctuation, U+FFFD or the end) becomes `”`, and daggers that stand
/// for closing quotes are restored (see below). Repair is repeated until
/// nothing changes, so doubly encoded text is repaired too and the result is
/// a fixed point.
///
/// ```
/// use slant::corpus::decode::repair_mojibake;
/// use std::borrow::Cow;
///
/// let (fixed, n) = repair_mojibake("â€œneedlessâ€ attacks on Americaâ€™s cafÃ©s");
/// assert_eq!(fixed, "“needless” attacks on America’s cafés");
/// assert_eq!(n, 4);
///
/// // Correct text that happens to re-encode to UTF-8 is left alone.
/// for s in ["Zürich, São Paulo", "“Touché…” they said", "café—“a landmark”", "JOSÉ’s"] {
///     assert!(matches!(repair_mojibake(s), (Cow::Borrowed(_), 0)));
/// }
/// ```
pub fn repair_mojibake(text: &str) -> (Cow<'_, str>, u32) {
    let (mut fixed, mut n) = repair_inner(text);
    // A repaired quote can complete a sequence the first passes left alone
    // ("ð†€¡" → "ð”€¡"): repair again until nothing changes, so a second call
    // finds nothing. Each round removes a dagger, so this terminates.
    while let Some((again, m)) = repair_dagger_quotes(&fixed) {
        let (more, k) = repair_inner(&again);
        n = n.saturating_add(m).saturating_add(k);
        fixed = Cow::Owned(more.into_owned());
    }
    (fixed, n)
}

/// A second, rarer breakage of the closing quote `”` (E2 80 9D): the last
/// byte was replaced by 0xA0 on a trip through Windows-1252, leaving a
/// dagger `†` (E2 80 A0) where the quote was, usually swallowing the space
/// after it (`“needless†attacks`). Repaired only when the text has more
/// opening `“` than closing `”` quotes (so the daggers are the missing
/// closers) and only for a `†` glued to the preceding character; the lost
/// space is restored before a letter or digit.
fn repair_dagger_quotes(text: &str) -> Option<(String, u32)> {
    if !text.contains('\u{2020}') {
        return None;
    }
    let opens = text.matches('\u{201C}').count();
    let closes = text.matches('\u{201D}').count();
    if opens <= closes {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut n = 0u32;
    let mut prev: Option<char> = None;
    let mut it = text.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\u{2020}' && prev.is_some_and(|p| !p.is_whitespace()) {
            out.push('\u{201D}');
            if it.peek().is_some_and(|x| x.is_alphanumeric()) {
                out.push(' ');
            }
            n += 1;
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    (n > 0).then_some((out, n))
}

fn repair_inner(text: &str) -> (Cow<'_, str>, u32) {
    // Every possible lead character (U+00C2..=U+00F4) is encoded in UTF-8 as
    // 0xC3 followed by one byte, and 0xC3 never occurs otherwise: text
    // without that byte cannot contain mojibake.
    if !text.as_bytes().contains(&0xC3) {
        return (Cow::Borrowed(text), 0);
    }
    let mut current: Cow<'_, str> = Cow::Borrowed(text);
    let mut total = 0u32;
    let mut seqs = Vec::new();
    // Each repair replaces 2–4 characters by one, so this terminates.
    while let Some((next, n)) = repair_pass(&current, &mut seqs) {
        total = total.saturating_add(n);
        current = Cow::Owned(next);
    }
    (current, total)
}

/// A possible mojibake sequence: `text[start..end]` stands for `ch`.
#[derive(Debug, Clone, Copy)]
struct Seq {
    start: usize,
    end: usize,
    ch: char,
    /// It cannot be read as correct text (badness 1).
    bad: bool,
}

/// One pass over `text`: the repaired text and the number of repairs, or
/// `None` if nothing was repaired. `seqs` is scratch space.
fn repair_pass(text: &str, seqs: &mut Vec<Seq>) -> Option<(String, u32)> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied_to = 0usize;
    let mut search = 0usize;
    let mut repairs = 0u32;
    while let Some(rel) = bytes.get(search..).and_then(|b| memchr::memchr(0xC3, b)) {
        // 0xC3 starts a character U+00C0..=U+00FF: a run of characters that
        // stand for single bytes starts here (what precedes it cannot start
        // a sequence).
        let start = search + rel;
        let end = run_end(text, start);
        seqs.clear();
        find_sequences(text, start, end, seqs);
        search = seqs.last().map_or(end, |s| s.end.max(end)).max(start + 1);
        let mut k = 0;
        while k < seqs.len() {
            let mut j = k + 1;
            while seqs
                .get(j)
                .zip(seqs.get(j - 1))
                .is_some_and(|(b, a)| b.start == a.end)
            {
                j += 1;
            }
            let stretch = seqs.get(k..j).unwrap_or_default();
            if stretch.iter().any(|s| s.bad) {
                let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
                for s in stretch {
                    buf.push_str(text.get(copied_to..s.start).unwrap_or_default());
                    buf.push(s.ch);
                    copied_to = s.end;
                    repairs = repairs.saturating_add(1);
                }
            }
            k = j;
        }
    }
    let mut buf = out?;
    buf.push_str(text.get(copied_to..).unwrap_or_default());
    Some((buf, repairs))
}

/// End of the run of characters standing for single bytes that starts at `start`.
fn run_end(text: &str, start: usize) -> usize {
    let mut end = start;
    for c in text.get(start..).unwrap_or_default().chars() {
        if single_byte(c).is_none() {
            break;
        }
        end += c.len_utf8();
    }
    end
}

/// The sequences in the run `text[start..end]`, in order, not overlapping.
fn find_sequences(text: &str, start: usize, end: usize, seqs: &mut Vec<Seq>) {
    let mut prev = text.get(..start).and_then(|s| s.chars().next_back());
    let mut i = start;
    while i < end {
        if let Some(s) = sequence_at(text, i, end, prev) {
            prev = text.get(..s.end).and_then(|t| t.chars().next_back());
            i = s.end;
            seqs.push(s);
            continue;
        }
        let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
            break;
        };
        prev = Some(c);
        i += c.len_utf8();
    }
}

/// The sequence starting at byte `at` of the run ending at `end`, if any;
/// `prev` is the character before it.
fn sequence_at(text: &str, at: usize, end: usize, prev: Option<char>) -> Option<Seq> {
    let mut chars = text.get(at..end)?.chars();
    let lead = chars.next()?;
    let b0 = single_byte(lead)?;
    let n = match b0 {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut buf = [b0, 0, 0, 0];
    let mut conts = ['\0'; 3];
    let mut len = lead.len_utf8();
    for k in 1..n {
        let next = chars.next();
        match next.and_then(|c| Some((c, single_byte(c)?))) {
            Some((c, b @ 0x80..=0xBF)) => {
                buf[k] = b;
                conts[k - 1] = c;
                len += c.len_utf8();
            }
            _ => {
                // `â€` at the end of the run: a closing quote whose third
                // byte (0x9D) was lost.
                if k == 2 && lead == 'â' && conts[0] == '€' && next.is_none() {
                    let extra = match text.get(end..).and_then(|t| t.chars().next()) {
                        None => 0,
                        Some('\u{FFFD}') => '\u{FFFD}'.len_utf8(),
                        Some(c) if c.is_whitespace() || c.is_ascii_punctuation() => 0,
                        Some(_) => return None,
                    };
                    return Some(Seq {
                        start: at,
                        end: at + len + extra,
                        ch: '\u{201D}',
                        bad: true,
                    });
                }
                return None;
            }
        }
    }
    let ch = std::str::from_utf8(buf.get(..n)?).ok()?.chars().next()?;
    if !plausible(ch) {
        return None;
    }
    let after = text.get(at + len..).and_then(|t| t.chars().next());
    Some(Seq {
        start: at,
        end: at + len,
        ch,
        bad: !reads_as_text(prev, lead, conts.get(..n - 1)?, after),
    })
}

/// Whether `lead` followed by `conts` (between `prev` and `after`) can be
/// correct text: a letter ending a word, then marks that follow words. See
/// [`repair_mojibake`] for the rules and why.
fn reads_as_text(prev: Option<char>, lead: char, conts: &[char], after: Option<char>) -> bool {
    let ends_word = match lead {
        'Â' | 'Ã' => prev.is_some_and(char::is_uppercase),
        'â' => prev.is_some_and(char::is_lowercase),
        _ => {
            lead.is_alphabetic()
                && !prev
                    .is_some_and(|p| p.is_numeric() || (p.is_lowercase() && lead.is_uppercase()))
        }
    };
    let wide = lead >= '\u{E0}';
    ends_word
        && conts
            .iter()
            .all(|&c| follows_word(c) || (wide && follows_word_wide(c)))
        && !(after.is_some_and(char::is_alphanumeric) && conts.last().is_some_and(|&c| closes(c)))
}

/// Marks (standing for continuation bytes) that can directly follow a word.
fn follows_word(c: char) -> bool {
    matches!(
        c,
        '’' | '‘'
            | '”'
            | '“'
            | '»'
            | '«'
            | '›'
            | '‹'
            | '–'
            | '—'
            | '…'
            | '•'
            | '·'
            | '†'
            | '‡'
            | '\u{A0}'
            | '\u{AD}'
            | '°'
            | '™'
            | '®'
    )
}

/// Further marks accepted after the lead of a three- or four-byte sequence:
/// opening marks and signs that rarely follow a word, but whose mojibake
/// reading (a lone character of a far-away script) is less likely still.
fn follows_word_wide(c: char) -> bool {
    matches!(c, '‚' | '„' | '‰' | '¡' | '¿' | '§' | '¶' | '©')
}

/// Marks that close a word group and are not directly followed by a letter.
fn closes(c: char) -> bool {
    matches!(c, '”' | '°' | '†' | '‡' | '™' | '®')
}

/// The byte that `c` stands for when bytes were decoded as Windows-1252 (or
/// Latin-1, whose C1 controls also fill Windows-1252's five undefined bytes).
fn single_byte(c: char) -> Option<u8> {
    let b = match c {
        '\u{80}'..='\u{FF}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(b)
}

/// Whether a repaired character is believable (ftfy's idea of not making
/// things worse): no C1 controls, private-use or noncharacters, and none of
/// the rare blocks that correct accented text followed by punctuation would
/// produce (NKo from `ß’`, Samaritan/Mandaic from `à` + NBSP, ...).
fn plausible(ch: char) -> bool {
    let cp = ch as u32;
    !((0x80..=0x9F).contains(&cp)
        || (0x07C0..=0x08FF).contains(&cp)
        || (0xE000..=0xF8FF).contains(&cp)
        || (0xFDD0..=0xFDEF).contains(&cp)
        || cp & 0xFFFE == 0xFFFE
        || (0x40000..=0xDFFFF).contains(&cp)
        || cp >= 0xF0000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repair_after_a_dagger_quote_is_idempotent() {
        // Found by the property test: the dagger repaired into a closing
        // quote completes a sequence the first passes left alone.
        let s = "\u{201C}\u{F0}\u{2020}\u{20AC}\u{A1}";
        let (once, _) = repair_mojibake(s);
        let (twice, n) = repair_mojibake(&once);
        assert_eq!((twice.as_ref(), n), (once.as_ref(), 0));
    }

    #[test]
    fn dagger_closing_quotes() {
        let (s, n) =
            repair_mojibake("stop \u{201C}needless\u{2020}attacks. \u{201C}Fine,\u{2020} he said");
        assert_eq!(
            s,
            "stop \u{201C}needless\u{201D} attacks. \u{201C}Fine,\u{201D} he said"
        );
        assert_eq!(n, 2);
        // Balanced quotes or a footnote dagger: left alone.
        for t in [
            "a \u{201C}b\u{201D} c\u{2020}",
            "Smith\u{2020} (deceased)",
            "\u{2020} note",
        ] {
            assert_eq!(repair_mojibake(t).0, t);
        }
    }
    use proptest::prelude::*;

    fn fix(s: &str) -> String {
        repair_mojibake(s).0.into_owned()
    }

    /// UTF-8 bytes of `s` decoded as Windows-1252 (WHATWG: undefined bytes
    /// become the C1 control with the same value).
    fn mojibake(s: &str) -> String {
        WINDOWS_1252
            .decode_without_bom_handling(s.as_bytes())
            .0
            .into_owned()
    }

    #[test]
    fn repairs_real_examples() {
        assert_eq!(repair_mojibake("â€œHelloâ€\u{9d}"), ("“Hello”".into(), 2));
        assert_eq!(
            repair_mojibake("â€œneedlessâ€ attacks"),
            ("“needless” attacks".into(), 2)
        );
        assert_eq!(repair_mojibake("Americaâ€™s"), ("America’s".into(), 1));
        assert_eq!(repair_mojibake("cafÃ©"), ("café".into(), 1));
        assert_eq!(repair_mojibake("donâ€™t"), ("don’t".into(), 1));
        assert_eq!(repair_mojibake("â€“"), ("–".into(), 1));
        assert_eq!(repair_mojibake("â€”"), ("—".into(), 1));
        assert_eq!(repair_mojibake("Ã¼ber"), ("über".into(), 1));
        assert_eq!(
            repair_mojibake("Mr.Â\u{a0}Smith"),
            ("Mr.\u{a0}Smith".into(), 1)
        );
        assert_eq!(fix("â€˜quotedâ€™"), "‘quoted’");
    }

    /// Real mojibake, in the contexts it turns up in: every sequence has
    /// at least one reading that correct text never has.
    #[test]
    fn repairs_mojibake_in_context() {
        let cases = [
            ("â€œHelloâ€\u{9d} they said", "“Hello” they said"),
            ("â€œHelloâ€ they said", "“Hello” they said"),
            ("Americaâ€™s", "America’s"),
            ("â€˜quotedâ€™", "‘quoted’"),
            ("war â€” and peace", "war — and peace"),
            ("Zeitâ€”und", "Zeit—und"),
            ("1990â€“2000", "1990–2000"),
            ("waitâ€¦", "wait…"),
            ("cafÃ© crÃ¨me brÃ»lÃ©e", "café crème brûlée"),
            ("Ã¼ber schÃ¶n", "über schön"),
            ("Ã–sterreich", "Österreich"),
            ("Ã\u{a0} la carte", "à la carte"),
            ("25Â°C", "25°C"),
            ("a 90Â° turn", "a 90° turn"),
            ("Mr.Â\u{a0}Smith", "Mr.\u{a0}Smith"),
            ("Â© 2020 Reuters", "© 2020 Reuters"),
            ("Santa FÃ©", "Santa Fé"),
            ("MÃ¡rio SÃ¡", "Mário Sá"),
            ("JOSÃ‰ MARTÃ\u{8d}", "JOSÉ MARTÍ"),
            ("FRANÃ‡OIS", "FRANÇOIS"),
            ("HÃ”TEL", "HÔTEL"),
            ("polÃ\u{ad}tica", "política"),
            ("A â†’ B", "A → B"),
            ("WrocÅ‚aw", "Wrocław"),
            ("Ä°stanbul", "İstanbul"),
            ("ðŸ˜€ ok", "😀 ok"),
            ("æ—¥æœ¬èªž", "日本語"),
        ];
        for (broken, want) in cases {
            let (fixed, n) = repair_mojibake(broken);
            assert_eq!(fixed, want, "{broken}");
            assert!(n > 0, "{broken}");
            let d = decode(broken.as_bytes()).unwrap();
            assert_eq!(d.text, want, "{broken}");
        }
        // Doubly encoded: the outer layer, then the inner one.
        assert_eq!(fix("ObamaÃ¢â‚¬â„¢s"), "Obama’s");
        assert_eq!(fix("GOPÃ¢â‚¬â„¢s Ã¢â‚¬Å“planÃ¢â‚¬"), "GOP’s “plan”");
    }

    /// Marks that follow words in correct text: the Windows-1252
    /// punctuation in 0x80–0xBF that closes or joins words, NBSP, soft
    /// hyphen, `°`, `™` and `®`.
    const AFTER_ANY_WORD: &[char] = &[
        '…', '”', '—', '“', '’', '‘', '»', '«', '–', '•', '·', '†', '‡', '›', '‹', '\u{A0}',
        '\u{AD}', '°', '™', '®',
    ];
    /// The rest of that punctuation, which opens rather than follows words
    /// (`„` `¡`) or goes with numbers (`‰` `§`): correct after a lowercase
    /// word ending (`é„` would otherwise be a lone CJK character), but
    /// after a capital `Ã¡` and `Ã©` are mojibake (`Santa FÃ©`).
    const AFTER_LOWERCASE_WORD: &[char] = &['‚', '„', '‰', '¡', '¿', '§', '¶', '©'];
    /// Marks that close a word group and are not followed by a letter.
    const CLOSING: &[char] = &['”', '°', '†', '‡', '™', '®'];

    /// Issue "trust" 1: every accented letter U+00C0–U+00FF ending a word,
    /// followed by one or two marks that follow words, is left alone,
    /// wherever the word is and whatever follows it.
    #[test]
    fn keeps_accented_words_next_to_punctuation() {
        let mut checked = 0usize;
        for letter in ('\u{C0}'..='\u{FF}').filter(|c| c.is_alphabetic()) {
            let lower = letter.is_lowercase();
            let marks: Vec<char> = if lower {
                AFTER_ANY_WORD
                    .iter()
                    .chain(AFTER_LOWERCASE_WORD)
                    .copied()
                    .collect()
            } else {
                AFTER_ANY_WORD.to_vec()
            };
            // Words ending in the letter; `Â`, `Ã` and `â` end words only
            // after a letter (`HÂLÂ`, `IRMÃ`, `hâlâ`): alone before these
            // marks they are how mojibake starts.
            let words: &[&str] = match letter {
                'Â' => &["HÂL"],
                'Ã' => &["IRM", "AMANH"],
                'â' => &["hâl"],
                _ if lower => &["touch", "", "Touch"],
                _ => &["TOUCH", ""],
            };
            let mut tails: Vec<String> = marks.iter().map(|m| m.to_string()).collect();
            for a in &marks {
                for b in &marks {
                    tails.push(format!("{a}{b}"));
                }
            }
            for word in words {
                for t in &tails {
                    let mut texts = vec![
                        format!("The crowd shouted “{word}{letter}{t} and militants fled."),
                        format!("{word}{letter}{t}"),
                        format!("({word}{letter}{t}).\n"),
                    ];
                    if !t.ends_with(CLOSING) {
                        texts.push(format!("{word}{letter}{t}s and more"));
                    }
                    for text in texts {
                        // (`repair_inner`: a glued `†` in text with more `“`
                        // than `”` is the dagger rule's business.)
                        let (out, n) = repair_inner(&text);
                        assert!(
                            matches!(out, Cow::Borrowed(_)) && n == 0,
                            "{text:?} -> {out:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100_000, "{checked}");
        // The cases of the issue, through the whole decoder.
        for text in [
            "The crowd shouted “Touché…” and militants fled.",
            "café—“a landmark”",
            "“olé”—",
            "“olé”—and",
            "é…",
            "à»",
            "ï’",
            "“Touché…”\n“Olé!” shouted militants. Américaâ€™s",
        ] {
            let d = decode(text.as_bytes()).unwrap();
            let want = text.replace("â€™", "’");
            assert_eq!(d.text, want, "{text}");
            assert_eq!(d.repairs, u32::from(want != text), "{text}");
        }
    }

    #[test]
    fn repairs_missing_third_byte_of_closing_quote() {
        assert_eq!(fix("â€œendâ€"), "“end”");
        assert_eq!(fix("â€œendâ€."), "“end”.");
        assert_eq!(fix("â€œendâ€, he said"), "“end”, he said");
        assert_eq!(fix("â€œendâ€\u{FFFD} x"), "“end” x");
        assert_eq!(repair_mojibake("saidâ€\n").1, 1);
    }

    #[test]
    fn repairs_latin1_decoded_text() {
        // Latin-1 (not Windows-1252) decoding keeps 0x80..0x9F as C1 controls.
        assert_eq!(fix("\u{e2}\u{80}\u{9c}hi\u{e2}\u{80}\u{9d}"), "“hi”");
    }

    #[test]
    fn repairs_other_scripts_and_emoji() {
        for s in [
            "Привет, мир",
            "Łódź i Kraków",
            "İstanbul",
            "日本語",
            "😀 ok",
            "Ελληνικά",
        ] {
            assert_eq!(fix(&mojibake(s)), s, "{s}");
        }
    }

    #[test]
    fn repairs_double_encoding() {
        let twice = mojibake(&mojibake("don’t"));
        // Three sequences in the outer layer, then one in the inner.
        assert_eq!(repair_mojibake(&twice), ("don’t".into(), 4));
    }

    #[test]
    fn keeps_correct_text() {
        for s in [
            "café",
            "naïve",
            "Ångström",
            "São Paulo",
            "Zürich",
            "Â is a letter",
            "£100",
            "©2020",
            "“quotes”",
            "—",
            "Ã",
            "Ã alone",
            "Ελληνικά κείμενα",
            "Русский текст",
            "中文文本 日本語",
            "emoji 😀🎉",
            "résumé",
            "façade",
            "JOSÉ’s",
            "AMANHÔ",
            "Gruß’",
            "voilà\u{a0}»",
            "ÉTÉ\u{a0}»",
            "hello",
        ] {
            let (out, n) = repair_mojibake(s);
            assert_eq!(out, s, "{s}");
            assert_eq!(n, 0, "{s}");
        }
    }

    #[test]
    fn mixed_text_fixes_only_mojibake() {
        assert_eq!(
            repair_mojibake("cafÃ© and café"),
            ("café and café".into(), 1)
        );
        assert_eq!(fix("résumé Americaâ€™s"), "résumé America’s");
    }

    #[test]
    fn ambiguous_sequences_follow_their_stretch() {
        // Alone, "É’" is a correct capital and apostrophe, even in a
        // document that has clear mojibake elsewhere ...
        assert_eq!(fix("JOSÉ’s"), "JOSÉ’s");
        assert_eq!(fix("JOSÉ’s cafÃ©"), "JOSÉ’s café");
        // ... but next to clear mojibake, "Ñ‚" is the Cyrillic "т".
        assert_eq!(fix(&mojibake("Привет")), "Привет");
        assert_eq!(fix(&mojibake("Привет…")), "Привет…");
        assert_eq!(fix(&mojibake("ты")), "ты");
    }

    #[test]
    fn repair_is_idempotent_on_examples() {
        for s in [
            "â€œHelloâ€\u{9d}",
            "â€œneedlessâ€ attacks",
            "Americaâ€™s",
            "cafÃ©",
            "Ã¼ber",
            "Ãƒ©",
            "JOSÉ’s cafÃ©",
        ] {
            let once = fix(s);
            assert_eq!(fix(&once), once, "{s}");
        }
    }

    #[test]
    fn ascii_and_clean_text_are_borrowed() {
        assert!(matches!(
            repair_mojibake("plain ascii"),
            (Cow::Borrowed(_), 0)
        ));
        assert!(matches!(repair_mojibake("résumé"), (Cow::Borrowed(_), 0)));
        assert!(matches!(repair_mojibake(""), (Cow::Borrowed(_), 0)));
    }

    #[test]
    fn decode_utf8_with_bom() {
        let d = decode(b"\xEF\xBB\xBFcaf\xC3\xA9").unwrap();
        assert_eq!(d.text, "café");
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.had_bom);
        assert_eq!(
            decode(b"\xEF\xBB\xBFab\xFF"),
            Err(DecodeError::InvalidUtf8 { offset: 5 })
        );
    }

    #[test]
    fn decode_utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in "café ☕".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        let d = decode(&le).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.had_bom),
            ("café ☕", "UTF-16LE", true)
        );
        let d = decode(&be).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.had_bom),
            ("café ☕", "UTF-16BE", true)
        );
        // Unpaired surrogate becomes U+FFFD.
        let d = decode(&[0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0]).unwrap();
        assert_eq!(d.text, "a\u{FFFD}b");
    }

    fn utf32(s: &str, big_endian: bool) -> Vec<u8> {
        s.chars()
            .flat_map(|c| {
                let v = c as u32;
                if big_endian {
                    v.to_be_bytes()
                } else {
                    v.to_le_bytes()
                }
            })
            .collect()
    }

    /// Issue "trust" 13: UTF-32 with a BOM (FF FE 00 00 starts like the
    /// UTF-16LE BOM) or without one is decoded, or rejected with a reason.
    #[test]
    fn decode_utf32() {
        let text = "The senator’s “bold” plan — naïve, 😀 or not.\r\n";
        for big_endian in [false, true] {
            let name = if big_endian { "UTF-32BE" } else { "UTF-32LE" };
            let body = utf32(text, big_endian);
            let bom = utf32("\u{FEFF}", big_endian);
            let d = decode(&[bom.clone(), body.clone()].concat()).unwrap();
            assert_eq!((d.text.as_str(), d.encoding, d.had_bom), (text, name, true));
            let d = decode(&body).unwrap();
            assert_eq!(
                (d.text.as_str(), d.encoding, d.had_bom),
                (text, name, false)
            );
            // Mojibake inside is repaired as in any other encoding.
            let d = decode(&utf32("Americaâ€™s", big_endian)).unwrap();
            assert_eq!((d.text.as_str(), d.repairs), ("America’s", 1));
            // With a BOM: a surrogate, a value past U+10FFFF, U+0000 or a
            // truncated code unit is a reason to reject, with its offset.
            for (bad, err) in [
                (
                    0xD800u32,
                    DecodeError::InvalidUtf32 {
                        offset: 8,
                        encoding: name,
                    },
                ),
                (
                    0x11_0000,
                    DecodeError::InvalidUtf32 {
                        offset: 8,
                        encoding: name,
                    },
                ),
                (0, DecodeError::Nul { offset: 8 }),
            ] {
                let unit = if big_endian {
                    bad.to_be_bytes()
                } else {
                    bad.to_le_bytes()
                };
                let bytes = [
                    bom.clone(),
                    utf32("a", big_endian),
                    unit.to_vec(),
                    body.clone(),
                ]
                .concat();
                assert_eq!(decode(&bytes), Err(err), "{bad:x}");
            }
            let mut cut = [bom.clone(), body.clone()].concat();
            cut.pop();
            assert_eq!(
                decode(&cut),
                Err(DecodeError::InvalidUtf32 {
                    offset: cut.len() - 3,
                    encoding: name
                })
            );
            assert_eq!(
                DecodeError::InvalidUtf32 {
                    offset: 12,
                    encoding: name
                }
                .to_string(),
                format!("invalid {name} at byte 12")
            );
            // Without a BOM, anything that is not clean UTF-32 text is not
            // taken for it (here: a control character).
            let d = decode(&utf32("ab\u{1}", big_endian));
            assert_eq!(
                d,
                Err(DecodeError::Nul {
                    offset: if big_endian { 0 } else { 1 }
                })
            );
        }
        // The UTF-16LE BOM followed by text is still UTF-16LE.
        let d = decode(b"\xFF\xFEa\0b\0").unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("ab", "UTF-16LE"));
        // BOM-less UTF-16 never passes for UTF-32.
        let le: Vec<u8> = "abcd".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&le).unwrap().encoding, "UTF-16LE");
    }

    #[test]
    fn decode_utf16_without_bom() {
        let text = "The senator’s “bold” plan, naïve or not.";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let d = decode(&le).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.had_bom),
            (text, "UTF-16LE", false)
        );
        let d = decode(&be).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.had_bom),
            (text, "UTF-16BE", false)
        );
    }

    #[test]
    fn decode_legacy_latin1() {
        let d = decode(b"caf\xe9 cr\xe8me").unwrap();
        assert_eq!(d.text, "café crème");
        assert_eq!(d.encoding, "windows-1252");
        assert!(!d.had_bom);
        let d = decode(
            b"\x93Smart quotes\x94 and a dash \x96 in the caf\xe9\x92s r\xe9sum\xe9 of a na\xefve fa\xe7ade",
        )
        .unwrap();
        assert_eq!(
            d.text,
            "“Smart quotes” and a dash – in the café’s résumé of a naïve façade"
        );
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn decode_invalid_utf8_in_utf8_text() {
        let mut bytes = "Zürich café ".as_bytes().to_vec();
        let offset = bytes.len();
        bytes.push(0xFF);
        bytes.extend_from_slice("naïve".as_bytes());
        assert_eq!(decode(&bytes), Err(DecodeError::InvalidUtf8 { offset }));
        assert_eq!(
            decode(b"ok \xC3\xA9 \xC3("),
            Err(DecodeError::InvalidUtf8 { offset: 6 })
        );
        assert_eq!(
            DecodeError::InvalidUtf8 { offset: 1234 }.to_string(),
            "invalid UTF-8 at byte 1234"
        );
    }

    #[test]
    fn decode_nul_is_error() {
        assert_eq!(decode(b"abc\0def"), Err(DecodeError::Nul { offset: 3 }));
        assert_eq!(decode(b"\0"), Err(DecodeError::Nul { offset: 0 }));
        assert_eq!(decode(b"\0\0\0\0"), Err(DecodeError::Nul { offset: 0 }));
        assert_eq!(
            decode(b"\xEF\xBB\xBFa\0"),
            Err(DecodeError::Nul { offset: 4 })
        );
        assert_eq!(
            DecodeError::Nul { offset: 7 }.to_string(),
            "NUL byte at byte 7"
        );
    }

    #[test]
    fn decode_empty() {
        let d = decode(b"").unwrap();
        assert_eq!(
            d,
            Decoded {
                text: String::new(),
                encoding: "UTF-8",
                had_bom: false,
                repairs: 0
            }
        );
        assert_eq!(decode(b"\xEF\xBB\xBF").unwrap().text, "");
        assert_eq!(decode(b"\xFF\xFE").unwrap().text, "");
    }

    #[test]
    fn decode_repairs_unless_switched_off() {
        let raw = "â€œneedlessâ€ attacks on Americaâ€™s".as_bytes();
        let d = decode(raw).unwrap();
        assert_eq!(d.text, "“needless” attacks on America’s");
        assert_eq!(d.repairs, 3);
        let d = decode_with(raw, false).unwrap();
        assert_eq!(d.text, "â€œneedlessâ€ attacks on Americaâ€™s");
        assert_eq!(d.repairs, 0);
    }

    fn latin_text() -> impl Strategy<Value = String> {
        let ch = prop_oneof![
            proptest::char::range(' ', '~'),
            proptest::char::range('\u{A0}', '\u{FF}'),
            proptest::char::range('\u{2010}', '\u{205E}'),
        ];
        proptest::collection::vec(ch, 0..40).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        // About a quarter of random strings contain mojibake-looking pairs.
        #![proptest_config(ProptestConfig {
            max_global_rejects: 1_000_000,
            ..ProptestConfig::default()
        })]

        #[test]
        fn prop_mojibake_roundtrip(s in latin_text()) {
            // Only text that repair leaves alone (it does not itself look
            // like mojibake or dagger-mangled closing quotes) can come
            // back, and only where no Latin-1 character follows an ASCII
            // capital: `AÃ”` or `AÂ°` can be a correct capital word ending
            // (`IRMÃ”`), so the mojibake of `AÔ` is left alone on purpose.
            prop_assume!(repair_mojibake(&s).0 == s);
            prop_assume!(repair_dagger_quotes(&s).is_none());
            let chars: Vec<char> = s.chars().collect();
            prop_assume!(!chars
                .windows(2)
                .any(|w| w[0].is_ascii_uppercase() && ('\u{A0}'..='\u{FF}').contains(&w[1])));
            let broken = mojibake(&s);
            let (fixed, n) = repair_mojibake(&broken);
            prop_assert_eq!(fixed, s.as_str());
            prop_assert_eq!(n as usize, s.chars().filter(|c| !c.is_ascii()).count());
        }
    }

    proptest! {

        #[test]
        fn prop_repair_never_panics_and_is_idempotent(s in any::<String>()) {
            let (once, _) = repair_mojibake(&s);
            let (twice, n) = repair_mojibake(&once);
            prop_assert_eq!(&twice, &once);
            prop_assert_eq!(n, 0);
        }

        #[test]
        fn prop_repair_idempotent_on_mojibake_alphabet(
            v in proptest::collection::vec(
                prop_oneof![
                    proptest::char::range(' ', '~'),
                    proptest::char::range('\u{80}', '\u{FF}'),
                    proptest::sample::select(vec!['€', '‚', 'ƒ', '„', '…', '†', '™', 'œ', '’', '”', '“', '–', '—', '\u{FFFD}']),
                ],
                0..40,
            )
        ) {
            let s: String = v.into_iter().collect();
            let (once, _) = repair_mojibake(&s);
            let (twice, n) = repair_mojibake(&once);
            prop_assert_eq!(&twice, &once);
            prop_assert_eq!(n, 0);
        }

        #[test]
        fn prop_ascii_is_borrowed(s in "[ -~\t\n]*") {
            let (out, n) = repair_mojibake(&s);
            prop_assert!(matches!(out, Cow::Borrowed(_)));
            prop_assert_eq!(n, 0);
        }

        #[test]
        fn prop_decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&bytes);
            let _ = decode_with(&bytes, false);
        }

        #[test]
        fn prop_valid_utf8_without_nul_roundtrips_unrepaired(s in any::<String>()) {
            prop_assume!(!s.contains('\0') && !s.starts_with('\u{FEFF}'));
            let d = decode_with(s.as_bytes(), false).unwrap();
            prop_assert_eq!(d.text, s);
            prop_assert_eq!(d.encoding, "UTF-8");
        }
    }
}
