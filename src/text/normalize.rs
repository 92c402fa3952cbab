//! Text normalisation with a compact map back to the original byte offsets.
//!
//! What [`normalize_into`] does, in order of appearance in the text:
//!
//! * ASCII passes through unchanged (whole runs are copied at once), except
//!   that the backtick `` ` `` becomes `'` and whitespace is collapsed.
//! * Typographic double quotes (`“ ” „ ‟ « »` and `″`) become `"`; single
//!   quotes / apostrophes / primes (`‘ ’ ‚ ‛ ′`) become `'`; dashes
//!   (`– — ― ‒ −`) become `-`.
//! * Soft hyphen and zero-width characters (U+00AD, U+200B–U+200D, U+2060,
//!   U+FEFF) are removed.
//! * Every whitespace run (including NBSP, tabs and `\r`) becomes exactly one
//!   character: `'\n'` if the run contains a line break (`\n`, `\r`, U+0085,
//!   U+2028, U+2029; `\r\n` counts as one), otherwise `' '`. Leading and
//!   trailing whitespace of the document is dropped.
//! * Other non-ASCII text is put in NFKC (so `ﬁ` → `fi`, `…` → `...`). NFKC
//!   is applied per run of non-ASCII characters (a combining mark directly
//!   after an ASCII letter is composed with it, so `u` + U+0308 → `ü`).
//!   Spacing diacritics whose NFKC form contains a space (such as `¨` or `´`)
//!   are kept as they are, so that normalisation stays idempotent.
//!
//! Documents longer than [`MAX_INPUT_LEN`] bytes are truncated (at a char
//! boundary) so that all normalised offsets fit in a `u32`.

use std::ops::Range;

use unicode_normalization::char::{
    canonical_combining_class, decompose_compatible, is_combining_mark,
};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Maximum number of bytes of a document that [`normalize_into`] processes
/// (256 MiB); longer input is truncated at a char boundary. NFKC can expand
/// text by at most ~11× in bytes, so every normalised offset fits in `u32`.
///
/// ```
/// assert_eq!(slant::text::normalize::MAX_INPUT_LEN, 1 << 28);
/// ```
pub const MAX_INPUT_LEN: usize = 1 << 28;

/// One place where the normalised text differs from an identity copy: the
/// normalised bytes `n0..n1` were produced by the original bytes `o0..o1`.
/// Outside groups, `orig - norm` is constant (the offset after the last group).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Group {
    n0: u32,
    n1: u32,
    o0: u32,
    o1: u32,
}

/// A normalised document plus a compact map back to the original offsets.
///
/// Reuse one value across documents with [`normalize_into`] to avoid
/// reallocating.
///
/// ```
/// use slant::text::{normalize_into, Normalized};
/// let mut n = Normalized::default();
/// normalize_into("“Hi”\u{a0} there", &mut n);
/// assert_eq!(n.text, "\"Hi\" there");
/// ```
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// Sorted change points (non-decreasing `n0`; only a deletion, an
    /// empty `n0..n1`, shares its `n0` with the group that follows it).
    groups: Vec<Group>,
    /// Positions of every `'\n'` in `text`.
    breaks: Vec<u32>,
    /// Positions of the `'\n'` that came from a blank line (≥ 2 line breaks).
    blank_breaks: Vec<u32>,
    /// Whether paragraphs are delimited by blank lines only.
    use_blank: bool,
    /// Length of the (possibly truncated) original.
    orig_len: u32,
    /// Scratch buffers for the slow (non-ASCII) path.
    scratch_in: String,
    scratch_out: String,
    scratch_whole: String,
    /// Segments of a run: original start, original end, end in `scratch_out`.
    scratch_segs: Vec<(usize, usize, usize)>,
}

impl Normalized {
    /// Map a byte range in `text` back to the byte range in the original
    /// string: the start maps to the start of the original char(s) that
    /// produced it, the end to the end of them.
    ///
    /// Positions past the end of `text` are clamped; the result always has
    /// `start <= end <= original.len()`, and both ends are monotone
    /// (non-decreasing) in the input positions. When the input positions are
    /// char boundaries of `text`, the output positions are char boundaries of
    /// the original.
    ///
    /// ```
    /// use slant::text::{normalize_into, Normalized};
    /// let orig = "a — “quote”";
    /// let mut n = Normalized::default();
    /// normalize_into(orig, &mut n);
    /// assert_eq!(n.text, "a - \"quote\"");
    /// assert_eq!(&orig[n.to_original(2..3)], "—");
    /// assert_eq!(&orig[n.to_original(4..11)], "“quote”");
    /// ```
    pub fn to_original(&self, span: Range<usize>) -> Range<usize> {
        let len = self.text.len();
        let s = span.start.min(len) as u32;
        let e = span.end.min(len) as u32;
        let s = self.map_start(s).min(self.orig_len);
        let e = self.map_end(e).min(self.orig_len);
        s as usize..e.max(s) as usize
    }

    /// [`Normalized::to_original`] for a sequence of spans whose starts
    /// never decrease (matches in text order): `cursor` (0 before the first
    /// span) carries the search position from one call to the next, so
    /// each call costs a short forward scan instead of two binary searches.
    ///
    /// ```
    /// use slant::text::{normalize_into, Normalized};
    /// let orig = "a — “quote”  and  “more”";
    /// let mut n = Normalized::default();
    /// normalize_into(orig, &mut n);
    /// let mut cursor = 0;
    /// for span in [0..1, 2..3, 4..11, 4..9, 12..15, 16..22] {
    ///     assert_eq!(n.to_original_seq(span.clone(), &mut cursor), n.to_original(span));
    /// }
    /// ```
    pub fn to_original_seq(&self, span: Range<usize>, cursor: &mut usize) -> Range<usize> {
        let len = self.text.len();
        let s = span.start.min(len) as u32;
        let e = span.end.min(len) as u32;
        let g = &self.groups;
        // `cursor` is partition_point(n0 <= s), valid for every s at least
        // the previous one.
        let mut i = (*cursor).min(g.len());
        if i > 0 && g[i - 1].n0 > s {
            i = g.partition_point(|x| x.n0 <= s);
        }
        while i < g.len() && g[i].n0 <= s {
            i += 1;
        }
        *cursor = i;
        // partition_point(n0 < e): every group before `i` has n0 <= s < e.
        let j = if e > s {
            let mut j = i;
            while j < g.len() && g[j].n0 < e {
                j += 1;
            }
            j
        } else {
            g.partition_point(|x| x.n0 < e)
        };
        let s = self.map_start_at(i, s).min(self.orig_len);
        let e = self.map_end_at(j, e).min(self.orig_len);
        s as usize..e.max(s) as usize
    }

    fn map_start(&self, p: u32) -> u32 {
        self.map_start_at(self.groups.partition_point(|g| g.n0 <= p), p)
    }

    fn map_start_at(&self, idx: usize, p: u32) -> u32 {
        match idx.checked_sub(1).and_then(|i| self.groups.get(i)) {
            None => p,
            Some(g) if p < g.n1 => g.o0,
            Some(g) => g.o1.saturating_add(p - g.n1),
        }
    }

    fn map_end(&self, p: u32) -> u32 {
        self.map_end_at(self.groups.partition_point(|g| g.n0 < p), p)
    }

    fn map_end_at(&self, idx: usize, p: u32) -> u32 {
        match idx.checked_sub(1).and_then(|i| self.groups.get(i)) {
            None => p,
            Some(g) if p <= g.n1 => g.o1,
            Some(g) => g.o1.saturating_add(p - g.n1),
        }
    }

    /// Byte positions in `text` of paragraph breaks (each is a `'\n'`).
    ///
    /// If the original contains any blank line (a whitespace run with at least
    /// two line breaks), only those runs are paragraph breaks (hard-wrapped
    /// text); otherwise every line break is one.
    ///
    /// ```
    /// use slant::text::{normalize_into, Normalized};
    /// let mut n = Normalized::default();
    /// normalize_into("One\ntwo.\n\nThree.", &mut n);
    /// assert_eq!(n.text, "One\ntwo.\nThree.");
    /// assert_eq!(n.paragraph_breaks(), &[8]);
    /// normalize_into("One.\nTwo.", &mut n);
    /// assert_eq!(n.paragraph_breaks(), &[4]);
    /// ```
    pub fn paragraph_breaks(&self) -> &[u32] {
        if self.use_blank {
            &self.blank_breaks
        } else {
            &self.breaks
        }
    }

    /// Number of change points in the offset map (a measure of how far the
    /// text is from an identity copy; 0 for plain single-spaced ASCII).
    ///
    /// ```
    /// use slant::text::{normalize_into, Normalized};
    /// let mut n = Normalized::default();
    /// normalize_into("Plain ASCII text.", &mut n);
    /// assert_eq!(n.map_len(), 0);
    /// ```
    pub fn map_len(&self) -> usize {
        self.groups.len()
    }

    fn push_group(&mut self, n0: usize, n1: usize, o0: usize, o1: usize) {
        let g = Group {
            n0: n0 as u32,
            n1: n1 as u32,
            o0: o0 as u32,
            o1: o1 as u32,
        };
        // Adjacent deletions merge. A deletion followed by a change at the
        // same place stays its own group, so that the change maps back to
        // exactly its own original bytes.
        if let Some(last) = self.groups.last_mut() {
            if last.n0 == last.n1 && g.n0 == g.n1 && last.n1 == g.n0 && last.o1 == g.o0 {
                last.n1 = g.n1;
                last.o1 = g.o1;
                return;
            }
        }
        self.groups.push(g);
    }

    /// Emit the pending whitespace run (if any) that ends at original `pos`.
    fn flush_ws(&mut self, ws: &mut Option<Ws>, pos: usize) {
        let Some(w) = ws.take() else { return };
        let n0 = self.text.len();
        if n0 == 0 {
            // Leading whitespace is dropped.
            self.push_group(0, 0, w.start, pos);
            return;
        }
        if w.breaks > 0 {
            self.text.push('\n');
            self.breaks.push(n0 as u32);
            if w.breaks >= 2 {
                self.blank_breaks.push(n0 as u32);
            }
        } else {
            self.text.push(' ');
        }
        if pos - w.start != 1 {
            self.push_group(n0, n0 + 1, w.start, pos);
        }
    }
}

/// A pending whitespace run.
#[derive(Debug, Clone, Copy)]
struct Ws {
    start: usize,
    breaks: u32,
}

fn add_ws(ws: &mut Option<Ws>, start: usize, line_break: bool) {
    let w = ws.get_or_insert(Ws { start, breaks: 0 });
    if line_break {
        w.breaks = w.breaks.saturating_add(1);
    }
}

const PLAIN: u8 = 0;
const WS: u8 = 1;
const BACKTICK: u8 = 2;
const NON_ASCII: u8 = 3;

static ASCII_CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut i = 128;
    while i < 256 {
        t[i] = NON_ASCII;
        i += 1;
    }
    t[b' ' as usize] = WS;
    t[b'\t' as usize] = WS;
    t[b'\n' as usize] = WS;
    t[b'\r' as usize] = WS;
    t[0x0B] = WS;
    t[0x0C] = WS;
    t[b'`' as usize] = BACKTICK;
    t
};

/// Whether eight bytes can join a plain run (see [`plain8`]).
#[derive(Debug, PartialEq, Eq)]
enum Plain8 {
    /// All eight: printable ASCII other than the backtick, with no two
    /// spaces in a row, and the last byte not a space.
    All,
    /// The same for the first seven; the eighth is a space (whose
    /// successor is not known yet).
    SevenThenSpace,
    /// Take the byte-by-byte path.
    No,
}

/// Classify eight bytes (little-endian word) for the plain-run fast path
/// of [`normalize_into`] with per-byte masks (no branches per byte). The
/// run's previous byte must be plain, so a space in the first byte is a
/// single space.
#[inline]
fn plain8(x: u64) -> Plain8 {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    if x & H != 0 {
        return Plain8::No;
    }
    // High bit per byte: set where the byte is >= 0x20 (no borrow across
    // bytes: each byte is at least 0x80 before the subtraction).
    let printable = ((x | H) - 0x20 * L) & H;
    // Set where the byte is not zero (bytes are ASCII here).
    let nonzero = |y: u64| ((y | H) - L) & H;
    let backtick = !nonzero(x ^ (b'`' as u64 * L)) & H;
    let space = !nonzero(x ^ (b' ' as u64 * L)) & H;
    if printable != H || backtick != 0 || space & (space << 8) != 0 {
        return Plain8::No;
    }
    if space & (0x80 << 56) != 0 {
        Plain8::SevenThenSpace
    } else {
        Plain8::All
    }
}

/// ASCII replacement for typographic quotes and dashes.
fn map_char(c: char) -> Option<char> {
    match c {
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{AB}' | '\u{BB}' | '\u{2033}' => {
            Some('"')
        }
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => Some('\''),
        '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2012}' | '\u{2212}' => Some('-'),
        _ => None,
    }
}

fn is_removable(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Whether `c` is kept verbatim because its NFKC form contains whitespace.
fn is_spacing_compat(c: char) -> bool {
    if is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
        return false;
    }
    let mut has_ws = false;
    decompose_compatible(c, |d| has_ws |= d.is_whitespace());
    has_ws
}

/// Classification of a non-ASCII char.
enum Class {
    Ws(bool),
    Map(char),
    Verbatim,
    /// Part of an NFKC run (`true` if it is removed).
    Run(bool),
}

fn classify(c: char) -> Class {
    if c.is_whitespace() {
        Class::Ws(is_line_break(c))
    } else if let Some(m) = map_char(c) {
        Class::Map(m)
    } else if is_removable(c) {
        Class::Run(true)
    } else if is_spacing_compat(c) {
        Class::Verbatim
    } else {
        Class::Run(false)
    }
}

/// Largest char boundary `<= max` in `s`.
fn floor_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    let mut i = max;
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Normalise `original` into `out` (replacing its previous content and
/// reusing its allocations). See the [module docs](self) for the rules.
///
/// ```
/// use slant::text::{normalize_into, Normalized};
/// let mut n = Normalized::default();
/// normalize_into("  The \u{fb01}rst\u{200b} “test” — it’s\r\n\r\n done.  ", &mut n);
/// assert_eq!(n.text, "The first \"test\" - it's\ndone.");
/// ```
pub fn normalize_into(original: &str, out: &mut Normalized) {
    let original = &original[..floor_boundary(original, MAX_INPUT_LEN)];
    out.text.clear();
    out.groups.clear();
    out.breaks.clear();
    out.blank_breaks.clear();
    out.orig_len = original.len() as u32;
    out.text.reserve(original.len());

    let b = original.as_bytes();
    let n = b.len();
    let mut ws: Option<Ws> = None;
    let mut i = 0;
    while i < n {
        let c = b[i];
        match ASCII_CLASS[c as usize] {
            PLAIN => {
                out.flush_ws(&mut ws, i);
                let start = i;
                i += 1;
                while i < n {
                    // Eight bytes at a time while they are plain ASCII with
                    // single spaces.
                    if let Some(chunk) = b.get(i..i + 8) {
                        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
                        match plain8(x) {
                            Plain8::All => {
                                i += 8;
                                continue;
                            }
                            Plain8::SevenThenSpace => {
                                i += 7;
                                continue;
                            }
                            Plain8::No => {}
                        }
                    }
                    let d = b[i];
                    if ASCII_CLASS[d as usize] == PLAIN {
                        i += 1;
                    } else if d == b' ' && i + 1 < n && ASCII_CLASS[b[i + 1] as usize] == PLAIN {
                        i += 2;
                    } else {
                        break;
                    }
                }
                out.text.push_str(&original[start..i]);
            }
            WS => {
                let is_break = c == b'\n' || c == b'\r';
                add_ws(&mut ws, i, is_break);
                i += if c == b'\r' && b.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
            }
            BACKTICK => {
                out.flush_ws(&mut ws, i);
                out.text.push('\'');
                i += 1;
            }
            _ => {
                let Some(ch) = original[i..].chars().next() else {
                    break;
                };
                let cl = ch.len_utf8();
                match classify(ch) {
                    Class::Ws(brk) => {
                        add_ws(&mut ws, i, brk);
                        i += cl;
                    }
                    Class::Map(m) => {
                        out.flush_ws(&mut ws, i);
                        let n0 = out.text.len();
                        out.text.push(m);
                        out.push_group(n0, n0 + 1, i, i + cl);
                        i += cl;
                    }
                    Class::Verbatim => {
                        out.flush_ws(&mut ws, i);
                        out.text.push(ch);
                        i += cl;
                    }
                    Class::Run(first_removed) => {
                        let mut has_removed = first_removed;
                        let mut j = i + cl;
                        for c2 in original[j..].chars() {
                            if c2.is_ascii() {
                                break;
                            }
                            match classify(c2) {
                                Class::Run(r) => has_removed |= r,
                                _ => break,
                            }
                            j += c2.len_utf8();
                        }
                        process_run(original, i, j, has_removed, &mut ws, out);
                        i = j;
                    }
                }
            }
        }
    }
    if let Some(w) = ws.take() {
        // Trailing whitespace is dropped.
        let p = out.text.len();
        out.push_group(p, p, w.start, n);
    }
    out.use_blank = !out.blank_breaks.is_empty();
}

/// Normalise the run of non-ASCII chars `original[i..j]`.
///
/// The run is cut into segments before every char that starts a fresh
/// normalisation context (a starter that does not compose with what
/// precedes it, or a removed char), and each segment is normalised on its
/// own and mapped to its own original bytes, so that a word inside a run
/// maps back exactly (`ＭＩＬＩＴＡＮＴＳ，` → `MILITANTS,`: the word without the
/// comma). If the segments' results differ from normalising the run as a
/// whole, the whole run is one change instead.
fn process_run(
    original: &str,
    i: usize,
    j: usize,
    has_removed: bool,
    ws: &mut Option<Ws>,
    out: &mut Normalized,
) {
    let run = &original[i..j];
    if !has_removed && is_nfkc_quick(run.chars()) == IsNormalized::Yes {
        out.flush_ws(ws, i);
        out.text.push_str(run);
        return;
    }
    let first_kept = run.chars().find(|&c| !is_removable(c));
    let Some(first_kept) = first_kept else {
        // Only removed chars: absorbed by a pending whitespace run, or a deletion.
        if ws.is_none() {
            let p = out.text.len();
            out.push_group(p, p, i, j);
        }
        return;
    };
    let b = original.as_bytes();
    let prev = i.checked_sub(1).and_then(|k| b.get(k).copied());
    // A combining mark directly after an ASCII letter composes with it: the
    // letter (already copied) joins the first segment.
    let lookback = match prev {
        Some(p) if ws.is_none() && p.is_ascii_graphic() && p != b'`' => {
            out.text.as_bytes().last() == Some(&p) && is_combining_mark(first_kept)
        }
        _ => false,
    };
    let o0 = if lookback {
        out.text.pop();
        i - 1
    } else {
        out.flush_ws(ws, i);
        i
    };
    let mut input = std::mem::take(&mut out.scratch_in);
    let mut output = std::mem::take(&mut out.scratch_out);
    let mut whole = std::mem::take(&mut out.scratch_whole);
    let mut segs = std::mem::take(&mut out.scratch_segs);
    output.clear();
    segs.clear();
    let mut seg_start = o0;
    for (k, c) in run.char_indices() {
        let p = i + k;
        if p > seg_start && starts_segment(c) {
            normalize_segment(&original[seg_start..p], &mut input, &mut output);
            segs.push((seg_start, p, output.len()));
            seg_start = p;
        }
    }
    normalize_segment(&original[seg_start..j], &mut input, &mut output);
    segs.push((seg_start, j, output.len()));
    if segs.len() > 1 {
        whole.clear();
        normalize_segment(&original[o0..j], &mut input, &mut whole);
        if whole != output {
            std::mem::swap(&mut whole, &mut output);
            segs.clear();
            segs.push((o0, j, output.len()));
        }
    }
    let n0 = out.text.len();
    out.text.push_str(&output);
    let mut from = 0;
    for &(s0, s1, to) in &segs {
        if original.get(s0..s1) != output.get(from..to) {
            out.push_group(n0 + from, n0 + to, s0, s1);
        }
        from = to;
    }
    out.scratch_in = input;
    out.scratch_out = output;
    out.scratch_whole = whole;
    out.scratch_segs = segs;
}

/// Whether a segment of a run may start at `c`: a removed char, or a
/// starter that never composes with what precedes it (NFKC quick check
/// "yes" or "no", not "maybe") and whose decomposition starts with a starter.
fn starts_segment(c: char) -> bool {
    if is_removable(c) {
        return true;
    }
    if canonical_combining_class(c) != 0 || is_nfkc_quick(std::iter::once(c)) == IsNormalized::Maybe
    {
        return false;
    }
    let mut first = None;
    decompose_compatible(c, |d| {
        first.get_or_insert(d);
    });
    first.is_some_and(|d| canonical_combining_class(d) == 0)
}

/// Append the normalised form of `segment` (removed chars dropped, NFKC,
/// typographic quotes and dashes mapped) to `output`.
fn normalize_segment(segment: &str, input: &mut String, output: &mut String) {
    input.clear();
    input.extend(segment.chars().filter(|&c| !is_removable(c)));
    output.extend(input.chars().nfkc().map(|c| map_char(c).unwrap_or(c)));
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Mapping spans in start order with a cursor gives what mapping
        /// each span on its own gives.
        #[test]
        fn sequential_mapping_agrees(
            orig in "([a-c ]|  |\n\n|\u{2014}|\u{201C}|\u{201D}|\u{AD}|e\u{301}|\u{FB01}|\t){0,40}",
            raw in proptest::collection::vec((0usize..80, 0usize..8), 0..30),
        ) {
            let mut n = Normalized::default();
            normalize_into(&orig, &mut n);
            let mut spans: Vec<(usize, usize)> = raw.iter().map(|&(s, l)| (s, s + l)).collect();
            spans.sort_by_key(|x| x.0);
            let mut cursor = 0;
            for (s, e) in spans {
                proptest::prop_assert_eq!(n.to_original_seq(s..e, &mut cursor), n.to_original(s..e));
            }
            // Starts that go back are still answered correctly.
            let mut cursor = usize::MAX;
            proptest::prop_assert_eq!(n.to_original_seq(0..1, &mut cursor), n.to_original(0..1));
        }
    }

    /// Issue "trust" 2: where `word` (normalised: `norm_word`) sits in
    /// `orig` at byte `at`, the normalised word maps back to exactly its
    /// own original bytes.
    fn assert_maps_back(orig: &str, at: usize, word: &str, norm_word: &str) {
        let n = norm(orig);
        let Some(p) = n.text.rfind(norm_word) else {
            panic!("{orig:?}: {norm_word:?} not in {:?}", n.text);
        };
        let got = n.to_original(p..p + norm_word.len());
        assert_eq!(
            got,
            at..at + word.len(),
            "{orig:?} -> {:?}",
            &orig[got.clone()]
        );
        let mut cursor = 0;
        assert_eq!(n.to_original_seq(p..p + norm_word.len(), &mut cursor), got);
    }

    const WORDS: &[(&str, &str)] = &[
        ("ＭＩＬＩＴＡＮＴＳ", "MILITANTS"),
        ("militants", "militants"),
        ("ﬁghters", "fighters"),
        ("Zu\u{308}rich", "Zürich"),
        ("Ｚu\u{308}rich", "Zürich"),
        ("naïve", "naïve"),
        ("ｃａｆé", "café"),
        ("ｃａｆe\u{301}", "café"),
        ("ＩＳＩＳ\u{ad}ｌｉｎｋｅｄ", "ISISlinked"),
    ];

    /// The leading whitespace (or anything else removed or changed) before
    /// a word that normalisation changes is not part of the word.
    #[test]
    fn words_map_back_exactly_after_any_prefix() {
        let prefixes = [
            "",
            "\n",
            " \n\t ",
            "\r\n",
            "\r\n\r\n",
            "\u{feff}",
            "\u{feff}\r\n",
            "\u{200b}",
            "\u{200b} ",
            "\u{a0}",
            "\u{3000}",
            "ﬁ ",
            "ｘ ",
            "ｘ\u{200b}",
            "e\u{301} ",
            "\u{301} ",
            "…",
            "“",
            "—",
            "½ ",
            "가 ",
            "\u{1100}\u{1161} ",
            "It said: ",
            "It said:\u{3000}",
            "ＳＡＩＤ，",
            "said\u{ad}",
        ];
        let suffixes = [
            "",
            " attacked",
            "，",
            "， ｘ",
            "…",
            "\u{200b}",
            "\u{200b} x",
            "”",
            "\r\n",
            "\u{3000}x",
        ];
        for prefix in prefixes {
            for &(word, norm_word) in WORDS {
                for suffix in suffixes {
                    let orig = format!("{prefix}{word}{suffix}");
                    assert_maps_back(&orig, prefix.len(), word, norm_word);
                }
            }
        }
    }

    proptest::proptest! {
        /// The same for random prefixes and suffixes (separated from the
        /// word by a space).
        #[test]
        fn words_map_back_exactly(
            prefix in "[a-c \n\r\t\u{a0}\u{ad}\u{200b}\u{feff}\u{3000}“”—…ﬁ½éＡ\u{301}\u{308}가\u{1100}\u{1161}]{0,12}",
            w in 0..WORDS.len(),
            suffix in "[a-c \n\r\u{a0}\u{ad}\u{200b}“”…ﬁＡ\u{301}，]{0,8}",
        ) {
            let (word, norm_word) = WORDS[w];
            let orig = format!("{prefix} {word} {suffix}");
            assert_maps_back(&orig, prefix.len() + 1, word, norm_word);
        }
    }

    #[test]
    fn runs_map_per_segment() {
        // A removed char before a changed one stays its own (empty) group.
        let n = norm("\u{200b}ＡＢ");
        assert_eq!(n.text, "AB");
        assert_eq!(n.to_original(0..1), 3..6);
        assert_eq!(n.to_original(1..2), 6..9);
        assert_eq!(n.to_original(0..0), 3..3);
        // Chars that compose stay in one segment: Hangul jamo, and the
        // halfwidth voiced mark (a spacing char whose NFKC form is a
        // combining mark).
        let n = norm("ｘ\u{1100}\u{1161}ｶﾞ");
        assert_eq!(n.text, "x가ガ");
        assert_eq!(n.to_original(0..1), 0..3);
        assert_eq!(n.to_original(1..4), 3..9);
        assert_eq!(n.to_original(4..7), 9..15);
    }

    /// `plain8` agrees with a byte-by-byte reading of its rule, for every
    /// byte value in every position and for pairs of spaces.
    #[test]
    fn plain8_matches_its_rule() {
        let rule = |w: [u8; 8]| {
            let plain = |c: u8| (0x20..0x80).contains(&c) && c != b'`';
            let ok = w.iter().all(|&c| plain(c)) && !w.windows(2).any(|p| p == b"  ");
            match (ok, w[7] == b' ') {
                (false, _) => Plain8::No,
                (true, true) => Plain8::SevenThenSpace,
                (true, false) => Plain8::All,
            }
        };
        let base = *b"abcdefgh";
        for pos in 0..8 {
            for v in 0..=255u8 {
                let mut w = base;
                w[pos] = v;
                assert_eq!(plain8(u64::from_le_bytes(w)), rule(w), "{w:?}");
                for pos2 in 0..8 {
                    let mut w2 = w;
                    w2[pos2] = b' ';
                    assert_eq!(plain8(u64::from_le_bytes(w2)), rule(w2), "{w2:?}");
                }
            }
        }
    }

    fn norm(s: &str) -> Normalized {
        let mut n = Normalized::default();
        normalize_into(s, &mut n);
        n
    }

    #[test]
    fn table() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("   ", ""),
            ("abc", "abc"),
            ("a  b\t\tc", "a b c"),
            ("a \r\n b", "a\nb"),
            ("a\u{a0}b", "a b"),
            ("a\u{2028}b", "a\nb"),
            ("“x” „y‟ «z»", "\"x\" \"y\" \"z\""),
            ("‘a’ ‚b‛ 5′ `c", "'a' 'b' 5' 'c"),
            ("5″", "5\""),
            ("a–b—c―d‒e−f", "a-b-c-d-e-f"),
            (
                "co\u{ad}op\u{200b}x\u{200c}\u{200d}\u{2060}\u{feff}",
                "coopx",
            ),
            ("\u{feff}Hello", "Hello"),
            ("\u{fb01}ne", "fine"),
            ("wait…", "wait..."),
            ("Zu\u{308}rich", "Zürich"),
            ("Zürich São", "Zürich São"),
            ("ｆｕｌｌ", "full"),
            ("x ¨ y", "x ¨ y"),
            ("a \u{200b} b", "a b"),
            ("\u{1100}\u{1161}", "가"),
        ];
        for (input, want) in cases {
            assert_eq!(norm(input).text, *want, "input {input:?}");
        }
    }

    #[test]
    fn ascii_map_is_empty() {
        let n = norm("The U.S. said on Monday that it's fine.\nNext paragraph.");
        assert_eq!(n.map_len(), 0);
        assert_eq!(n.text.len(), 55);
    }

    #[test]
    fn paragraphs() {
        let n = norm("A b\nc d.\n\nE f\ng.\r\n\r\nH");
        assert_eq!(n.text, "A b\nc d.\nE f\ng.\nH");
        let breaks: Vec<&str> = n
            .paragraph_breaks()
            .iter()
            .map(|&p| &n.text[..p as usize])
            .collect();
        assert_eq!(breaks, vec!["A b\nc d.", "A b\nc d.\nE f\ng."]);
        let n = norm("A.\nB.\r\nC.");
        assert_eq!(n.paragraph_breaks(), &[2, 5]);
        let n = norm("\n\nA.");
        assert!(n.paragraph_breaks().is_empty());
    }

    #[test]
    fn to_original_round_trips() {
        let orig = "\u{feff}He said\u{a0}\u{a0}“the \u{fb01}nal — offer”…\r\n\r\n‘Done’ ";
        let n = norm(orig);
        assert_eq!(n.text, "He said \"the final - offer\"...\n'Done'");
        let find = |needle: &str| {
            let s = n.text.find(needle).unwrap();
            &orig[n.to_original(s..s + needle.len())]
        };
        assert_eq!(find("He"), "He");
        assert_eq!(find("said"), "said");
        assert_eq!(find(" \""), "\u{a0}\u{a0}“");
        assert_eq!(find("\""), "“");
        assert_eq!(find("final"), "\u{fb01}nal");
        assert_eq!(find("-"), "—");
        assert_eq!(find("offer\""), "offer”");
        assert_eq!(find("..."), "…");
        assert_eq!(find("'Done'"), "‘Done’");
        assert_eq!(find("\n"), "\r\n\r\n");
        assert_eq!(
            &orig[n.to_original(0..n.text.len())],
            orig.trim().trim_start_matches('\u{feff}')
        );
        // Empty and out-of-range spans.
        assert_eq!(n.to_original(0..0), 3..3);
        let end = n.to_original(1000..2000);
        assert_eq!(end.start, end.end);
        assert!(end.end <= orig.len());
    }

    #[test]
    fn idempotent_samples() {
        for s in [
            "é\u{200b}\u{323}",
            "a¨\u{301}",
            "’\u{301}",
            "x\u{200b}\u{308}",
            " \u{301}",
            "`\u{301}",
            "½ ﬁ ﬀ ™ ㎏",
            "\u{2033}\u{2036}",
        ] {
            let once = norm(s).text;
            let twice = norm(&once).text;
            assert_eq!(once, twice, "input {s:?}");
        }
    }
}
