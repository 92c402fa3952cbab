//! Quotation spans (the basis of [`Voice`](super::Voice)).
//!
//! Runs on normalised text, where every double quote is `"` (the original
//! curly direction is lost), so each `"` toggles between open and closed,
//! with these exceptions:
//!
//! * A `"` directly after an ASCII digit is an inch mark (`a 12" screen`) and
//!   is ignored when no quotation is open, or when it is directly followed by
//!   an alphanumeric char.
//! * Multi-paragraph quotations: if a quotation is open at a paragraph break
//!   and the next paragraph starts with `"`, the quotation continues (that
//!   `"` does not close it). If the next paragraph does not start with `"`,
//!   the quotation is closed at the paragraph break, so a missing closing
//!   mark never makes text beyond the current paragraph quoted.
//! * An open quotation at the end of the text ends there.
//!
//! Single quotes are **not** quotation marks here: after normalisation `'`
//! is shared by apostrophes (`it's`, `students'`), primes and single
//! quotation marks, which is too ambiguous to track reliably.

use std::ops::Range;

fn is_inch_mark(b: &[u8], q: usize, open: bool) -> bool {
    let after_digit = q
        .checked_sub(1)
        .and_then(|p| b.get(p))
        .is_some_and(u8::is_ascii_digit);
    if !after_digit {
        return false;
    }
    if !open {
        return true;
    }
    // Inside a quotation, only `5"x` (glued to a following word char) is an inch mark.
    b.get(q + 1)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c >= 0x80)
}

/// Compute quotation spans of `text` into `out` (cleared first): byte ranges
/// including the quote marks, sorted and non-overlapping. A quotation that is
/// closed at a paragraph break (missing closing mark) ends before the `'\n'`.
/// `paragraph_breaks` must be sorted (as returned by
/// [`Normalized::paragraph_breaks`](super::Normalized::paragraph_breaks)).
///
/// ```
/// use slant::text::quote_spans_into;
/// use std::ops::Range;
/// let s = "He said \"we will win\" and left, with a 5\" knife.";
/// let mut q = Vec::new();
/// quote_spans_into(s, &[], &mut q);
/// assert_eq!(q, vec![Range { start: 8, end: 21 }]);
/// assert_eq!(&s[8..21], "\"we will win\"");
/// ```
pub fn quote_spans_into(text: &str, paragraph_breaks: &[u32], out: &mut Vec<Range<u32>>) {
    out.clear();
    let b = text.as_bytes();
    let b = &b[..b.len().min(u32::MAX as usize)];
    let mut open: Option<u32> = None;
    let mut pb = 0usize;
    let mut skip: Option<usize> = None;

    // Handle paragraph breaks strictly before `limit`.
    let mut cross_breaks = |limit: usize,
                            open: &mut Option<u32>,
                            skip: &mut Option<usize>,
                            out: &mut Vec<Range<u32>>| {
        while let Some(&br) = paragraph_breaks.get(pb) {
            if br as usize >= limit {
                break;
            }
            pb += 1;
            if let Some(o) = *open {
                if br < o {
                    continue;
                }
                let next = br as usize + 1;
                if b.get(next) == Some(&b'"') {
                    *skip = Some(next);
                } else {
                    out.push(o..br);
                    *open = None;
                }
            }
        }
    };

    for q in memchr::memchr_iter(b'"', b) {
        cross_breaks(q, &mut open, &mut skip, out);
        if skip == Some(q) {
            skip = None;
            continue;
        }
        if is_inch_mark(b, q, open.is_some()) {
            continue;
        }
        match open {
            None => open = Some(q as u32),
            Some(o) => {
                out.push(o..q as u32 + 1);
                open = None;
            }
        }
    }
    cross_breaks(usize::MAX, &mut open, &mut skip, out);
    if let Some(o) = open {
        out.push(o..b.len() as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Analyzed, Voice};
    use std::ops::Range;

    /// Words of `orig` (after analysis) with their voice.
    fn voices(orig: &str) -> Vec<(String, Voice)> {
        let mut a = Analyzed::default();
        a.analyze(orig);
        a.tokens
            .iter()
            .filter(|t| t.is_word())
            .map(|t| (t.text(&a.norm.text).to_string(), t.voice))
            .collect()
    }

    fn quoted_words(orig: &str) -> Vec<String> {
        voices(orig)
            .into_iter()
            .filter(|(_, v)| *v == Voice::Quoted)
            .map(|(w, _)| w)
            .collect()
    }

    #[test]
    fn trump_example() {
        let v = voices(
            "Trump said \"They will be killing terrorists... They will keep that fight going,\" he said.",
        );
        let get = |w: &str| v.iter().find(|(x, _)| x == w).map(|x| x.1);
        assert_eq!(get("terrorists"), Some(Voice::Quoted));
        assert_eq!(get("going"), Some(Voice::Quoted));
        assert_eq!(get("Trump"), Some(Voice::Authorial));
        assert_eq!(get("he"), Some(Voice::Authorial));
        assert_eq!(v.last().map(|x| x.1), Some(Voice::Authorial));
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            ("no quotes here", &[]),
            ("a \"b c\" d \"e\" f", &["b", "c", "e"]),
            // Two-paragraph quotation: opening mark on both paragraphs.
            (
                "He said:\n\"First part.\n\"Second part.\" Then more.",
                &["First", "part", "Second", "part"],
            ),
            // Unbalanced: closed at the paragraph break.
            (
                "He said \"never closed\nNext paragraph is authorial.",
                &["never", "closed"],
            ),
            // Unbalanced at the end of the text.
            ("He said \"never closed", &["never", "closed"]),
            // Mixed curly/straight quotes in the original.
            (
                "“To be clear — we are committed,” he said",
                &["To", "be", "clear", "we", "are", "committed"],
            ),
            ("“Mixed\" close and \"open” here", &["Mixed", "open"]),
            // Inch marks.
            ("a 5\" screen and \"big\" one", &["big"]),
            ("\"we had 5\" he said", &["we", "had"]),
            // Single quotes are not quotation marks.
            ("the 'so-called' deal isn't", &[]),
        ];
        for (input, want) in cases {
            let got: Vec<String> = quoted_words(input);
            let got: Vec<&str> = got.iter().map(String::as_str).collect();
            assert_eq!(got, *want, "input {input:?}");
        }
    }

    #[test]
    fn spans() {
        let mut q = Vec::new();
        // Continued quotation is one span over both paragraphs.
        let s = "x\n\"a\n\"b\" y";
        super::quote_spans_into(s, &[1, 4], &mut q);
        assert_eq!(q, vec![Range { start: 2, end: 8 }]);
        // Unclosed: ends before the break.
        let s = "\"a\nb";
        super::quote_spans_into(s, &[2], &mut q);
        assert_eq!(q, vec![Range { start: 0, end: 2 }]);
        // Not-continued and unbalanced inside next paragraph.
        let s = "\"a\nb \"c";
        super::quote_spans_into(s, &[2], &mut q);
        assert_eq!(q, [0..2, 5..7]);
        super::quote_spans_into("", &[], &mut q);
        assert!(q.is_empty());
    }
}
