//! CSV cells: number formatting, and text cells made safe for spreadsheets.

use crate::features::VALENCE_SCALE;
use std::borrow::Cow;

/// How text cells are written.
///
/// ```
/// use slant::corpus::{Origin, Rejection};
/// use slant::report::{rejected_row, CsvStyle};
/// let r = Rejection {
///     origin: Origin { file: "in.csv".into(), line: 2, record: 1 },
///     id: Some("=1+1".into()),
///     reason: "no text".into(),
/// };
/// let row = |style: CsvStyle| {
///     let mut w = csv::Writer::from_writer(Vec::new());
///     rejected_row(&mut w, &r, style).unwrap();
///     String::from_utf8(w.into_inner().unwrap()).unwrap()
/// };
/// assert_eq!(row(CsvStyle::default()), "in.csv,2,1,'=1+1,no text\n");
/// assert_eq!(row(CsvStyle { raw: true }), "in.csv,2,1,=1+1,no text\n");
/// ```
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct CsvStyle {
    /// Write text cells exactly as found (no spreadsheet-injection guard),
    /// for machine consumers.
    pub raw: bool,
}

/// Neutralise a text-derived cell for spreadsheets (OWASP CSV injection):
/// a cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a
/// leading `'`.
///
/// ```
/// use slant::report::{safe_cell, CsvStyle};
/// assert_eq!(safe_cell("=HYPERLINK(\"x\")", CsvStyle::default()), "'=HYPERLINK(\"x\")");
/// assert_eq!(safe_cell("plain", CsvStyle::default()), "plain");
/// assert_eq!(safe_cell("=1+1", CsvStyle { raw: true }), "=1+1");
/// ```
pub fn safe_cell(s: &str, style: CsvStyle) -> Cow<'_, str> {
    if !style.raw && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Format a number with at most six decimals and no trailing zeros; an
/// empty string for NaN or infinity.
///
/// ```
/// use slant::report::fmt_f;
/// assert_eq!(fmt_f(0.5), "0.5");
/// assert_eq!(fmt_f(-1.0), "-1");
/// assert_eq!(fmt_f(1.0 / 3.0), "0.333333");
/// assert_eq!(fmt_f(f64::NAN), "");
/// ```
pub fn fmt_f(x: f64) -> String {
    let mut s = String::new();
    fmt_f_into(&mut s, x);
    s
}

/// [`fmt_f`] appending to `out` (no allocation once `out` has room).
///
/// ```
/// use slant::report::fmt_f_into;
/// let mut s = String::from("x=");
/// fmt_f_into(&mut s, -0.0000001);
/// assert_eq!(s, "x=0");
/// ```
pub fn fmt_f_into(out: &mut String, x: f64) {
    use std::fmt::Write;
    if !x.is_finite() {
        return;
    }
    let start = out.len();
    let _ = write!(out, "{x:.6}");
    if out[start..].contains('.') {
        let kept = out.trim_end_matches('0').trim_end_matches('.').len();
        // Never trim into the integer part ("10.000000" keeps "10").
        out.truncate(kept.max(start));
    }
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

pub(crate) fn opt_f(x: Option<f64>) -> String {
    x.map(fmt_f).unwrap_or_default()
}

/// Matches per 1,000 tokens (none without tokens).
pub(crate) fn rate_of(count: u64, tokens: u64) -> Option<f64> {
    (tokens != 0).then(|| count as f64 * 1000.0 / tokens as f64)
}

pub(crate) fn rate(count: u64, tokens: u64) -> String {
    opt_f(rate_of(count, tokens))
}

/// Mean valence weight of `n` matches whose scaled weights sum to `sum`.
pub(crate) fn mean_weight_of(sum: i64, n: u64) -> Option<f64> {
    (n != 0).then(|| sum as f64 / VALENCE_SCALE / n as f64)
}

pub(crate) fn mean_weight(sum: i64, n: u64) -> String {
    opt_f(mean_weight_of(sum, n))
}

/// `s` with control characters (and, if `separators`, U+2028 / U+2029)
/// replaced by spaces; borrowed when there are none.
pub(crate) fn blank_controls(s: &str, separators: bool) -> Cow<'_, str> {
    let blank = |c: char| c.is_control() || (separators && (c == '\u{2028}' || c == '\u{2029}'));
    if !s.chars().any(blank) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if blank(c) { ' ' } else { c }).collect())
}

/// `n` in decimal, written into the end of `buf`.
pub(crate) fn decimal(buf: &mut [u8; 20], mut n: u64) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// p- and q-values keep their precision in scientific notation when small.
pub(crate) fn fmt_p(x: f64) -> String {
    if !x.is_finite() {
        String::new()
    } else if x != 0.0 && x < 1e-4 {
        format!("{x:.3e}")
    } else {
        fmt_f(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_match_to_string() {
        let mut buf = [0u8; 20];
        for n in [0, 1, 9, 10, 99, 100, 12_345, u32::MAX as u64, u64::MAX] {
            assert_eq!(decimal(&mut buf, n), n.to_string().as_bytes());
        }
    }

    #[test]
    fn controls_are_blanked_only_when_present() {
        let cases: &[(&str, bool, &str, bool)] = &[
            ("plain words", true, "plain words", true),
            ("tab\there", false, "tab here", false),
            ("line\u{2028}sep", true, "line sep", false),
            ("line\u{2028}sep", false, "line\u{2028}sep", true),
            ("", true, "", true),
        ];
        for &(input, separators, want, borrowed) in cases {
            let got = blank_controls(input, separators);
            assert_eq!(got, want, "{input:?}");
            assert_eq!(matches!(got, Cow::Borrowed(_)), borrowed, "{input:?}");
        }
    }

    /// Appending keeps `fmt_f`'s trimming (written out here the long way).
    #[test]
    fn fmt_f_into_trims_like_fmt_f() {
        let mut s = String::new();
        for x in [0.5, -1.0, 10.0, 1.0 / 3.0, -0.0000001, 1e-7, 123456.0] {
            s.clear();
            fmt_f_into(&mut s, x);
            let mut old = format!("{x:.6}");
            if old.contains('.') {
                while old.ends_with('0') {
                    old.pop();
                }
                if old.ends_with('.') {
                    old.pop();
                }
            }
            if old == "-0" {
                old = "0".into();
            }
            assert_eq!(s, old, "{x}");
        }
    }
}
