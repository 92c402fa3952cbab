//! `report.html`: one self-contained page (inline CSS and SVG, no scripts
//! or external requests) showing the framing at a glance.

use super::Examples;
use crate::corpus::Rejection;
use crate::estimators::Estimates;
use crate::features::Aggregates;
use crate::lexicon::Lexicon;

/// Everything the HTML report shows.
#[derive(Debug)]
pub struct HtmlInput<'a> {
    /// Active lexicon.
    pub lex: &'a Lexicon,
    /// Merged aggregates (sources sorted by name).
    pub agg: &'a Aggregates,
    /// Estimates indexed like `agg.sources`.
    pub est: &'a Estimates,
    /// Example sentences per (source, family).
    pub examples: &'a Examples,
    /// Records read / analysed / rejected.
    pub read: u64,
    /// Documents analysed.
    pub analysed: u64,
    /// First rejections (at most a few dozen), for the overview.
    pub rejections: &'a [Rejection],
    /// Total rejected records.
    pub rejected: u64,
    /// Distinct stories.
    pub stories: u64,
    /// Earliest and latest ISO date.
    pub date_range: Option<(String, String)>,
    /// Input paths as given (sorted).
    pub inputs: Vec<String>,
}

/// Escape text for HTML element content and attribute values.
///
/// ```
/// assert_eq!(slant::report::html::escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Render the report.
pub fn render(input: &HtmlInput<'_>) -> String {
    let mut s = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>slant report</title></head><body>\n");
    s.push_str(&format!(
        "<h1>slant report</h1><p>{} documents analysed, {} sources.</p>\n",
        input.analysed,
        input.agg.sources.len()
    ));
    s.push_str("</body></html>\n");
    s
}
