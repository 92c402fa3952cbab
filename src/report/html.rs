//! `report.html`: one self-contained page (inline CSS and SVG, no scripts
//! or external requests) showing the framing at a glance.
//!
//! Layout: an overview (corpus size, sources, stories, dates, rejections),
//! one chart per framing family with matches (stacked variant shares per
//! source, ordered by tone and labelled, plus each source's score with its
//! interval on a [-1, 1] axis and, with story ids, the story-adjusted
//! score), example sentences per family and source, and one section per
//! source (distinctive n-grams and variants, learned scores). Large corpora
//! are capped (rows per chart, source sections) with a note and a link to
//! the CSV that holds everything. Every piece of input text goes through
//! [`escape`]; the output depends only on the inputs (no timestamps), so it
//! is byte-identical across thread counts.

mod measures;
mod timechart;

pub use measures::{learned_label, FEW_DOCS, MAX_CATEGORY_ROWS};
pub use timechart::{time_section, TIME_SOURCES};

use super::{EvidenceLevel, Examples, OutputLevels, SentenceLevel};
use crate::corpus::Rejection;
use crate::estimators::wordfish::SourceScaling;
use crate::estimators::{Estimates, FamilyEstimate, TermRow};
use crate::features::Aggregates;
use crate::lexicon::{Family, Lexicon};
use std::fmt::Write as _;

/// Everything the HTML report shows.
///
/// ```
/// use slant::report::html::{render, HtmlInput};
/// # use slant::corpus::Document;
/// # use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, story: &str, text: &str| Document::new(id, source, text).with_story(story);
/// # let docs = [
/// #     doc("1", "a", "s1", "Terrorists attacked the town. The terrorists fled."),
/// #     doc("2", "a", "s2", "Terrorists struck again. The insurgents withdrew."),
/// #     doc("3", "b", "s1", "Insurgents attacked the town."),
/// #     doc("4", "b", "s2", "The insurgents fled. Terrorists, officials said."),
/// # ];
/// # let ex = Extractor::new(&lex, FeatureOptions::default());
/// # let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// # let mut per_doc = Vec::new();
/// # let mut examples = slant::report::Examples::new(3);
/// # for d in &docs {
/// #     let f = ex.extract(d, &mut ws, &mut agg);
/// #     examples.add_document(&d.source, &d.id, &ws.text, &ws.analyzed, &f.matches, &lex);
/// #     let sparse: Vec<(u32, u32)> = (0u32..).zip(&f.counts.variants)
/// #         .filter(|(_, c)| c[0] > 0).map(|(v, c)| (v, c[0] as u32)).collect();
/// #     per_doc.push((d.source.clone(), sparse));
/// # }
/// # let by_source: Vec<Vec<&[(u32, u32)]>> = agg.sources.keys()
/// #     .map(|s| per_doc.iter().filter(|(src, _)| src == s).map(|(_, v)| v.as_slice()).collect())
/// #     .collect();
/// # let est = slant::estimators::estimate(
/// #     &agg, &lex, &by_source, &slant::estimators::EstimatorOptions::default());
/// // `agg`, `est`, `examples`: four documents of sources "a" and "b" in
/// // two stories, extracted, estimated and collected.
/// let input = HtmlInput {
///     lex: &lex, agg: &agg, est: &est, examples: &examples,
///     read: 4, analyzed: 4, rejections: &[], rejected: 0, stories: 2,
///     date_range: Some(("2024-01-01".into(), "2024-01-31".into())), dates_unused: 1,
///     inputs: vec!["news.csv".into()], small_sources: None, timeseries: None,
///     output: None, scaling: None, labels: &[],
/// };
/// let html = render(&input);
/// assert!(html.contains("<code>news.csv</code>"));
/// assert!(html.contains("4 analysed of 4 read; 0 rejected"));
/// assert!(html.contains("2024-01-01 to 2024-01-31; 1 date not used"));
/// ```
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
    /// Records read / analyzed / rejected.
    pub read: u64,
    /// Documents analyzed.
    pub analyzed: u64,
    /// First rejections (at most a few dozen), for the overview.
    pub rejections: &'a [Rejection],
    /// Total rejected records.
    pub rejected: u64,
    /// Distinct stories.
    pub stories: u64,
    /// Earliest and latest date (`YYYY-MM-DD`), of the dates that could be
    /// read.
    pub date_range: Option<(String, String)>,
    /// Dates that could not be read (unparseable or impossible), left out
    /// of the range.
    pub dates_unused: u64,
    /// Input paths as given (sorted).
    pub inputs: Vec<String>,
    /// Sources `--min-docs` left out of `agg` (still in the totals).
    pub small_sources: Option<&'a super::SmallSources>,
    /// The time series (`--period`): a time section with line charts.
    pub timeseries: Option<&'a crate::estimators::timeseries::TimeSeries>,
    /// What `evidence.csv` and `sentences.csv` list (`None`: everything),
    /// so the page links only to files the run wrote.
    pub output: Option<OutputLevels>,
    /// The Wordfish positions (`--scale`), charted when given.
    pub scaling: Option<&'a SourceScaling>,
    /// The rows of `labels.csv` (empty: no "who is called what" section).
    pub labels: &'a [crate::features::referents::LabelRow],
}

/// Rows (sources) per family chart; the rest are counted and left to
/// `families.csv`.
pub const MAX_CHART_ROWS: usize = 40;
/// Per-source sections; the rest are left to `sources.csv`/`terms.csv`.
pub const MAX_SOURCE_SECTIONS: usize = 60;
/// Distinctive n-grams charted per source.
pub const TOP_NGRAMS: usize = 10;
/// Distinctive variants listed per source.
pub const TOP_VARIANTS: usize = 8;
/// |z| from which a variant counts as distinctive.
pub const VARIANT_Z: f64 = 1.96;
/// Rows of the overview's source table.
pub const MAX_OVERVIEW_SOURCES: usize = 1000;
/// Rejections listed in the overview.
pub const MAX_REJECTIONS: usize = 20;
/// Source names longer than this are shortened in charts (the full name
/// stays in the tooltip and the `data-source` attribute).
const MAX_LABEL_CHARS: usize = 26;

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

/// Fill colour for a tone in [-1, 1] on a diverging red–grey–blue palette
/// (ColorBrewer RdBu, 7 classes, interpolated), and a text colour that
/// reads on it.
///
/// ```
/// use slant::report::html::tone_colour;
/// assert_eq!(tone_colour(-1.0).0, "#b2182b");
/// assert_eq!(tone_colour(0.0).0, "#f7f7f7");
/// assert_eq!(tone_colour(1.0).0, "#2166ac");
/// ```
pub fn tone_colour(tone: f64) -> (String, &'static str) {
    const STOPS: [(u8, u8, u8); 7] = [
        (0xb2, 0x18, 0x2b),
        (0xef, 0x8a, 0x62),
        (0xfd, 0xdb, 0xc7),
        (0xf7, 0xf7, 0xf7),
        (0xd1, 0xe5, 0xf0),
        (0x67, 0xa9, 0xcf),
        (0x21, 0x66, 0xac),
    ];
    let t = if tone.is_finite() {
        tone.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let pos = (t + 1.0) * 3.0;
    let i = (pos.floor() as usize).min(5);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let (r, g, bl) = (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2));
    let lum = (0.299 * r as f64 + 0.587 * g as f64 + 0.114 * bl as f64) / 255.0;
    (
        format!("#{r:02x}{g:02x}{bl:02x}"),
        if lum < 0.55 { "#fff" } else { "#111" },
    )
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Integer with comma thousands separators (`28,022`).
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Signed score with two decimals, or an en dash when missing.
pub(crate) fn sc(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => {
            let s = format!("{v:+.2}");
            if s == "-0.00" || s == "+0.00" {
                "0.00".into()
            } else {
                s
            }
        }
        _ => "–".into(),
    }
}

fn ci_text(ci: Option<(f64, f64)>) -> String {
    match ci {
        Some((a, b)) => format!("[{}, {}]", sc(Some(a)), sc(Some(b))),
        None => String::new(),
    }
}

fn attr_f(x: Option<f64>) -> String {
    x.map(super::fmt_f).unwrap_or_default()
}

const CSS: &str = r#"
:root{--fg:#1b1b1b;--muted:#5b5b5b;--line:#d4d4d4;--bg:#fff;--accent:#3b5b8c}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg);margin:0}
main{max-width:1120px;margin:0 auto;padding:0 20px 40px}
header.top{background:#f3f4f6;border-bottom:1px solid var(--line);padding:14px 20px}
header.top h1{margin:0 auto;max-width:1080px;font-size:22px}
nav.toc{max-width:1080px;margin:6px auto 0;font-size:13px;color:var(--muted)}
nav.toc a{margin-right:10px}
h2{font-size:19px;border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:34px}
h3{font-size:16px;margin:22px 0 4px}
h4{font-size:14px;margin:12px 0 4px}
a{color:var(--accent)}
p.note,.muted{color:var(--muted);font-size:13px}
table{border-collapse:collapse;font-size:13px;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f7f7f7}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.scroll{overflow-x:auto;max-width:100%}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;font-size:14px}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
section.family,section.source{border-top:1px solid var(--line);margin-top:18px}
svg{display:block;max-width:100%;height:auto;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
svg text{font-size:12px;fill:#1b1b1b}
svg .seg text{font-size:11px}
svg .axis text,svg .head text{fill:#5b5b5b;font-size:11px}
svg .flagged text.src{fill:#777;font-style:italic}
svg tspan.few{font-size:10px;fill:#777}
tr.few-docs td:first-child{color:#777}
table.categories td:first-child{white-space:nowrap}
.badge.few-docs{background:#eee;border-color:#aaa;color:#555}
table.categories th{font-size:12px}
table.categories td.learned,table.categories th.learned{border-left:1px solid var(--line)}
.legend{display:flex;flex-wrap:wrap;gap:4px 12px;font-size:12px;margin:4px 0}
.legend span.sw{display:inline-block;width:12px;height:12px;border:1px solid #888;vertical-align:-2px;margin-right:4px}
.badge{display:inline-block;font-size:11px;line-height:1.4;padding:0 5px;border-radius:3px;border:1px solid #888;margin-right:4px;white-space:nowrap}
.badge.authorial{background:#fff;border-style:solid}
.badge.quoted{background:#eee;border-style:dashed}
.badge.flag{background:#fff4d6;border-color:#b58900}
.badge.prob{background:#fde2e2;border-color:#b03030}
mark.loaded-word{background:#fde2e2;border-bottom-color:#b03030}
mark{background:#ffe066;padding:0 1px;border-bottom:2px solid #b58900;color:inherit}
ul.examples{list-style:none;padding-left:0;margin:4px 0 10px}
ul.examples li{margin:4px 0;padding:4px 6px;border-left:3px solid var(--line);font-size:13px}
ul.examples .doc{color:var(--muted);font-size:11px;margin-left:6px;word-break:break-all}
u.referent{text-decoration:underline 2px #2a6f97;text-underline-offset:2px}
details{margin:6px 0}
summary{cursor:pointer;color:var(--accent);font-size:14px}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:0 24px}
.cols>div{min-width:0}
svg.terms{width:100%;max-width:400px}
code{font-size:12px}
@media print{
  header.top{background:none}
  nav.toc{display:none}
  summary{color:inherit;font-weight:600}
  details::details-content{content-visibility:visible;display:contents}
  section.family,section.source{break-inside:avoid-page}
  svg{break-inside:avoid}
  a{color:inherit;text-decoration:none}
  body{font-size:11pt}
  main{max-width:none;padding:0}
}
"#;

/// Render the report: a complete HTML page, with input text escaped.
///
/// ```
/// use slant::report::html::{render, HtmlInput};
/// # use slant::corpus::Document;
/// # use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, story: &str, text: &str| Document::new(id, source, text).with_story(story);
/// # let docs = [
/// #     doc("1", "Daily <News>", "s1", "Terrorists attacked the town. The terrorists fled."),
/// #     doc("2", "Daily <News>", "s2", "Terrorists struck again. The insurgents withdrew."),
/// #     doc("3", "b", "s1", "Insurgents attacked the town."),
/// #     doc("4", "b", "s2", "The insurgents fled. Terrorists, officials said."),
/// # ];
/// # let ex = Extractor::new(&lex, FeatureOptions::default());
/// # let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// # let mut per_doc = Vec::new();
/// # let mut examples = slant::report::Examples::new(3);
/// # for d in &docs {
/// #     let f = ex.extract(d, &mut ws, &mut agg);
/// #     examples.add_document(&d.source, &d.id, &ws.text, &ws.analyzed, &f.matches, &lex);
/// #     let sparse: Vec<(u32, u32)> = (0u32..).zip(&f.counts.variants)
/// #         .filter(|(_, c)| c[0] > 0).map(|(v, c)| (v, c[0] as u32)).collect();
/// #     per_doc.push((d.source.clone(), sparse));
/// # }
/// # let by_source: Vec<Vec<&[(u32, u32)]>> = agg.sources.keys()
/// #     .map(|s| per_doc.iter().filter(|(src, _)| src == s).map(|(_, v)| v.as_slice()).collect())
/// #     .collect();
/// # let est = slant::estimators::estimate(
/// #     &agg, &lex, &by_source, &slant::estimators::EstimatorOptions::default());
/// // Sources "Daily <News>" and "b", extracted, estimated and collected.
/// let html = render(&HtmlInput {
///     lex: &lex, agg: &agg, est: &est, examples: &examples,
///     read: 4, analyzed: 4, rejections: &[], rejected: 0, stories: 2,
///     date_range: None, dates_unused: 0, inputs: vec!["news.csv".into()],
///     small_sources: None, timeseries: None, output: None, scaling: None, labels: &[],
/// });
/// assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
/// assert!(html.contains("armed_group") && !html.contains("<script"));
/// // The source's name is shown, escaped: it cannot inject markup.
/// assert!(html.contains("Daily &lt;News&gt;") && !html.contains("<News>"));
/// ```
pub fn render(input: &HtmlInput<'_>) -> String {
    let mut s = String::with_capacity(256 * 1024);
    s.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"generator\" content=\"slant\"><title>slant report</title><style>",
    );
    s.push_str(CSS);
    s.push_str("</style></head><body>\n");
    let fams_with: Vec<usize> = (0..input.lex.families.len())
        .filter(|&fi| family_total(input, fi).0 > 0)
        .collect();
    s.push_str("<header class=\"top\"><h1>slant report</h1><nav class=\"toc\">");
    s.push_str(
        "<a href=\"#overview\">Overview</a><a href=\"#families\">Framing families</a>\
<a href=\"#categories\">Categories</a>",
    );
    if input.timeseries.is_some() {
        s.push_str("<a href=\"#time\">Over time</a>");
    }
    if input.scaling.is_some() {
        s.push_str("<a href=\"#scaling\">Positions</a>");
    }
    if !input.labels.is_empty() {
        s.push_str("<a href=\"#labels\">Who is called what</a>");
    }
    s.push_str("<a href=\"#sources\">Sources</a>");
    s.push_str("</nav></header>\n<main>\n");
    overview(&mut s, input);
    families(&mut s, input, &fams_with);
    if let Some(ts) = input.timeseries {
        timechart::time_section(&mut s, ts, input.lex);
    }
    measures::categories(&mut s, input);
    if let Some(sc) = input.scaling {
        measures::scaling(&mut s, sc);
    }
    who_is_called_what(&mut s, input.labels, &input.examples.labels);
    sources(&mut s, input, &fams_with);
    let _ = writeln!(
        s,
        "<p class=\"note\">Generated by slant. All figures are in the CSV files beside this page: \
<a href=\"sources.csv\">sources.csv</a>, <a href=\"families.csv\">families.csv</a>, \
<a href=\"terms.csv\">terms.csv</a>, {}\
<a href=\"documents.csv\">documents.csv</a>, <a href=\"rejected.csv\">rejected.csv</a>, \
<a href=\"run.json\">run.json</a>.</p>",
        match evidence_level(input) {
            EvidenceLevel::None => String::new(),
            EvidenceLevel::Families => {
                "<a href=\"evidence.csv\">evidence.csv</a> (family matches), ".into()
            }
            EvidenceLevel::All => "<a href=\"evidence.csv\">evidence.csv</a>, ".into(),
        }
    );
    s.push_str("</main></body></html>\n");
    s
}

/// One sentence of "who is called what": the label marked, the name
/// underlined, the source and the rule.
fn label_example(s: &mut String, e: &crate::report::LabelExample) {
    let _ = write!(
        s,
        "<li class=\"example\" data-source=\"{src}\" data-rule=\"{rule}\"><span class=\"badge\">{src}</span> ",
        src = escape(&e.source),
        rule = e.rule.as_str()
    );
    // The two marks in text order; overlapping ones: the label only.
    let (l, n) = (e.label.clone(), e.name.clone());
    let mut marks = vec![(l.clone(), "mark")];
    if n.end <= l.start || n.start >= l.end {
        marks.push((n, "u class=\"referent\""));
    }
    marks.sort_by_key(|m| m.0.start);
    let mut at = 0;
    for (r, tag) in marks {
        let (Some(before), Some(inner)) = (e.sentence.get(at..r.start), e.sentence.get(r.clone()))
        else {
            continue;
        };
        let close = tag.split(' ').next().unwrap_or(tag);
        let _ = write!(s, "{}<{tag}>{}</{close}>", escape(before), escape(inner));
        at = r.end;
    }
    s.push_str(&escape(e.sentence.get(at..).unwrap_or("")));
    let _ = write!(
        s,
        "<span class=\"doc\">{} · {}</span></li>",
        escape(&e.doc_id),
        e.rule.as_str()
    );
}

/// Stories, referents per story and labels per source the "who is called
/// what" section shows; the rest are in `labels.csv`.
pub const MAX_LABEL_STORIES: usize = 12;
const MAX_REFERENTS: usize = 5;
const MAX_LABELS: usize = 4;

/// "Who is called what": per story (the most labelled first), its main
/// referents, each with a table of the labels each source used for it
/// (most used first; quoted ones marked) and sentences in which a label is
/// linked to its name (label and name marked).
fn who_is_called_what(
    s: &mut String,
    rows: &[crate::features::referents::LabelRow],
    examples: &std::collections::BTreeMap<String, Vec<crate::report::LabelExample>>,
) {
    use crate::features::referents::UNRESOLVED;
    use std::collections::BTreeMap;
    if rows.is_empty() {
        return;
    }
    // story → referent → source → label → [authorial, quoted]
    type Labels<'a> = BTreeMap<&'a str, [u64; 2]>;
    let mut by: BTreeMap<&str, BTreeMap<&str, BTreeMap<&str, Labels>>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.referent != UNRESOLVED) {
        let q = (r.voice == crate::text::Voice::Quoted) as usize;
        by.entry(&r.story)
            .or_default()
            .entry(&r.referent)
            .or_default()
            .entry(&r.source)
            .or_default()
            .entry(&r.label)
            .or_default()[q] += r.count;
    }
    let total = |m: &BTreeMap<&str, Labels>| -> u64 {
        m.values()
            .flat_map(|l| l.values())
            .map(|c| c[0] + c[1])
            .sum()
    };
    let mut stories: Vec<(&str, u64)> = by
        .iter()
        .map(|(st, refs)| (*st, refs.values().map(total).sum()))
        .collect();
    stories.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    s.push_str(
        "<section id=\"labels\"><h2>Who is called what</h2><p class=\"note\">The labels each \
source used for the same referent (names mentioned by several sources), linked by title, \
premodifier, adjective, apposition, copula or anaphora; <i>q</i> marks labels inside quotations. Under \
each table, a sentence per source in which a label is linked to the referent's name (the label marked, \
the name underlined). All rows, the unresolved ones and how each was linked are in \
<a href=\"labels.csv\">labels.csv</a>; every match with its referent is in evidence.csv.</p>\n",
    );
    for (story, _) in stories.iter().take(MAX_LABEL_STORIES) {
        let refs = &by[story];
        let mut order: Vec<(&str, u64)> = refs.iter().map(|(r, m)| (*r, total(m))).collect();
        order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        if !story.is_empty() {
            let _ = writeln!(s, "<h3>{}</h3>", escape(story));
        }
        for (referent, n) in order.iter().take(MAX_REFERENTS) {
            let _ = write!(
                s,
                "<table class=\"labels\"><caption><b>{}</b> ({n} labelled mentions)</caption>\
<thead><tr><th>source</th><th>labels</th></tr></thead><tbody>",
                escape(referent)
            );
            for (source, labels) in &refs[referent] {
                let mut ls: Vec<(&str, [u64; 2])> = labels.iter().map(|(l, c)| (*l, *c)).collect();
                ls.sort_by(|a, b| (b.1[0] + b.1[1]).cmp(&(a.1[0] + a.1[1])).then(a.0.cmp(b.0)));
                let cells: Vec<String> = ls
                    .iter()
                    .take(MAX_LABELS)
                    .map(|(l, c)| {
                        let q = if c[0] == 0 { " <i>q</i>" } else { "" };
                        format!("<mark>{}</mark> {}{q}", escape(l), c[0] + c[1])
                    })
                    .collect();
                let more = ls.len().saturating_sub(MAX_LABELS);
                let _ = write!(
                    s,
                    "<tr><td>{}</td><td>{}{}</td></tr>",
                    escape(source),
                    cells.join(", "),
                    if more > 0 {
                        format!(", +{more} more")
                    } else {
                        String::new()
                    }
                );
            }
            s.push_str("</tbody></table>\n");
            // Sentences that link a label to this referent's name, one per
            // source (by source name).
            let mut shown: Vec<&crate::report::LabelExample> = examples
                .values()
                .flatten()
                .filter(|e| e.referent == *referent && e.story == *story)
                .collect();
            shown.sort_by(|a, b| (&a.source, &a.doc_id).cmp(&(&b.source, &b.doc_id)));
            shown.dedup_by(|a, b| a.source == b.source);
            if !shown.is_empty() {
                s.push_str("<ul class=\"examples labels\">");
                for e in shown.iter().take(MAX_REFERENTS) {
                    label_example(s, e);
                }
                s.push_str("</ul>\n");
            }
        }
    }
    if stories.len() > MAX_LABEL_STORIES {
        let _ = writeln!(
            s,
            "<p class=\"note\">{} more stories in labels.csv.</p>",
            stories.len() - MAX_LABEL_STORIES
        );
    }
    s.push_str("</section>\n");
}

/// What `evidence.csv` lists in this run.
fn evidence_level(input: &HtmlInput<'_>) -> EvidenceLevel {
    input.output.map_or(EvidenceLevel::All, |o| o.evidence)
}

/// Authorial and quoted matches of family `fi` over all sources.
fn family_total(input: &HtmlInput<'_>, fi: usize) -> (u64, u64) {
    input
        .est
        .families
        .iter()
        .filter_map(|f| f.get(fi))
        .fold((0, 0), |(a, q), e| (a + e.n_matches, q + e.n_quoted))
}

fn overview(s: &mut String, input: &HtmlInput<'_>) {
    let agg = input.agg;
    let mut total = agg.total();
    // Sources under --min-docs are out of `agg` but still in the totals.
    if let Some(small) = input.small_sources {
        total.tokens += small.tokens[0];
        total.authorial_tokens += small.tokens[1];
        total.quoted_tokens += small.tokens[2];
    }
    s.push_str("<section id=\"overview\"><h2>Overview</h2><dl class=\"facts\">");
    let inputs: Vec<String> = input
        .inputs
        .iter()
        .map(|i| format!("<code>{}</code>", escape(i)))
        .collect();
    let _ = write!(
        s,
        "<dt>Input</dt><dd>{}</dd>",
        if inputs.is_empty() {
            "–".to_string()
        } else {
            inputs.join(", ")
        }
    );
    let _ = write!(
        s,
        "<dt>Documents</dt><dd>{} analysed of {} read; {} rejected</dd>",
        thousands(input.analyzed),
        thousands(input.read),
        thousands(input.rejected)
    );
    let _ = write!(
        s,
        "<dt>Tokens</dt><dd>{} ({} in the outlets&#39; own voice, {} inside quotations)</dd>",
        thousands(total.tokens),
        thousands(total.authorial_tokens),
        thousands(total.quoted_tokens)
    );
    let _ = write!(
        s,
        "<dt>Sources</dt><dd>{}</dd><dt>Stories</dt><dd>{}</dd>",
        match input.small_sources.filter(|m| m.sources > 0) {
            None => thousands(agg.sources.len() as u64),
            Some(m) => format!(
                "{}, and <span class=\"min-docs\">{} with fewer than {} documents ({} documents) left out of the per-source tables and charts (<code>--min-docs</code>; named in <code>run.json</code>), still counted in the totals</span>",
                thousands(agg.sources.len() as u64),
                thousands(m.sources),
                thousands(m.min_docs),
                thousands(m.documents)
            ),
        },
        if input.stories == 0 {
            "none (no story ids; no story-adjusted scores)".to_string()
        } else {
            thousands(input.stories)
        }
    );
    let _ = write!(
        s,
        "<dt>Dates</dt><dd>{}{}</dd>",
        match &input.date_range {
            Some((a, b)) if a == b => escape(a),
            Some((a, b)) => format!("{} to {}", escape(a), escape(b)),
            None => "no dates".into(),
        },
        match input.dates_unused {
            0 => String::new(),
            n => format!(
                "; {} date{} not used (unparseable or impossible; see <code>run.json</code>)",
                thousands(n),
                if n == 1 { "" } else { "s" }
            ),
        }
    );
    let _ = write!(
        s,
        "<dt>Lexicon</dt><dd>{} framing families, {} categories</dd>",
        input.lex.families.len(),
        input.lex.categories.len()
    );
    s.push_str("</dl>\n");

    // Rejections.
    s.push_str("<h3 id=\"rejected\">Rejected records</h3>");
    if input.rejected == 0 {
        s.push_str("<p>None: every record read was analysed.</p>\n");
    } else {
        let shown = input.rejections.len().min(MAX_REJECTIONS);
        let _ = write!(
            s,
            "<p>{} record{} could not be analyzed{}. Every one is listed with its reason in \
<a href=\"rejected.csv\">rejected.csv</a>.</p>",
            thousands(input.rejected),
            if input.rejected == 1 { "" } else { "s" },
            if (shown as u64) < input.rejected {
                format!("; the first {shown} are shown")
            } else {
                String::new()
            }
        );
        s.push_str("<table class=\"rejections\"><thead><tr><th>where</th><th>id</th><th>reason</th></tr></thead><tbody>");
        for r in &input.rejections[..shown] {
            let place = if r.origin.line == 0 {
                r.origin.file.to_string()
            } else {
                format!("{}:{}", r.origin.file, r.origin.line)
            };
            let _ = write!(
                s,
                "<tr class=\"rejection\"><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                escape(&place),
                escape(r.id.as_deref().unwrap_or("")),
                escape(&r.reason)
            );
        }
        s.push_str("</tbody></table>\n");
    }

    // Sources.
    let n = agg.sources.len();
    s.push_str("<h3>Sources</h3>");
    let open = if n <= 30 { " open" } else { "" };
    let _ = write!(
        s,
        "<details class=\"source-list\"{open}><summary>All {} sources</summary>",
        thousands(n as u64)
    );
    s.push_str("<table class=\"sources\"><thead><tr><th>source</th><th class=\"num\">documents</th><th class=\"num\">tokens</th><th class=\"num\">quoted</th><th class=\"num\">family matches</th></tr></thead><tbody>");
    for (si, (name, sa)) in agg.sources.iter().enumerate().take(MAX_OVERVIEW_SOURCES) {
        let c = &sa.counts;
        let matches: u64 = input
            .est
            .families
            .get(si)
            .map_or(0, |f| f.iter().map(|e| e.n_matches).sum());
        let quoted = if c.tokens == 0 {
            "–".to_string()
        } else {
            format!("{:.0}%", 100.0 * c.quoted_tokens as f64 / c.tokens as f64)
        };
        let _ = write!(
            s,
            "<tr data-source=\"{e}\"{}><td>{e}</td><td class=\"num\">{}{}</td><td class=\"num\">{}</td><td class=\"num\">{quoted}</td><td class=\"num\">{}</td></tr>",
            if c.docs < FEW_DOCS { " class=\"few-docs\"" } else { "" },
            thousands(c.docs),
            if c.docs < FEW_DOCS { " <span class=\"badge few-docs\">few</span>" } else { "" },
            thousands(c.tokens),
            thousands(matches),
            e = escape(name),
        );
    }
    s.push_str("</tbody></table>");
    if n > MAX_OVERVIEW_SOURCES {
        let _ = write!(
            s,
            "<p class=\"note\">{} more sources are not listed here; see <a href=\"sources.csv\">sources.csv</a>.</p>",
            thousands((n - MAX_OVERVIEW_SOURCES) as u64)
        );
    }
    s.push_str("</details></section>\n");
}

/// Variant indices of a family, ordered by tone (most negative first; ties
/// in lexicon order).
fn tone_order(f: &Family) -> Vec<usize> {
    let mut v: Vec<usize> = (0..f.variants.len()).collect();
    v.sort_by(|&a, &b| f.variants[a].tone.total_cmp(&f.variants[b].tone));
    v
}

fn families(s: &mut String, input: &HtmlInput<'_>, fams_with: &[usize]) {
    let lex = input.lex;
    let nf = lex.families.len();
    s.push_str("<section id=\"families\"><h2>Framing families</h2>");
    let _ = write!(
        s,
        "<p>{} of {} framing families have matches in this corpus and are charted below",
        fams_with.len(),
        nf
    );
    let uncharted = |quoted: bool| -> Vec<&str> {
        (0..nf)
            .filter(|fi| !fams_with.contains(fi) && (family_total(input, *fi).1 > 0) == quoted)
            .map(|fi| lex.families[fi].id.as_str())
            .collect()
    };
    let (none, quoted_only) = (uncharted(false), uncharted(true));
    if !quoted_only.is_empty() {
        let _ = write!(
            s,
            "; {} {} matches only inside quotations (<span class=\"muted\">{}</span>)",
            quoted_only.len(),
            if quoted_only.len() == 1 {
                "has"
            } else {
                "have"
            },
            escape(&quoted_only.join(", "))
        );
    }
    if none.is_empty() {
        s.push_str(".</p>");
    } else {
        let _ = write!(
            s,
            "; {} had no matches anywhere (<span class=\"muted\">{}</span>).</p>",
            none.len(),
            escape(&none.join(", "))
        );
    }
    s.push_str(
        "<p class=\"note\">Each bar shows how one source&#39;s own-voice (authorial) matches of the family \
split over its variants, ordered by tone from the most delegitimising (red, left) to the most sympathetic \
(blue, right); segments are labelled with the variant and its share. Right of the bars: ● the smoothed \
score with its 95% bootstrap interval (whiskers), ◇ the raw tone-weighted share, on a −1 … +1 axis",
    );
    if input.est.has_stories {
        s.push_str(
            "; ■ the story-adjusted score (how the source differs from other sources on the same stories; \
0 = like its peers) with its interval",
        );
    }
    s.push_str(
        ". A source with a single document (or a single shared story) has no interval. Rows are ordered by raw score. Sources marked <i>few</i> have fewer matches than needed for a \
smoothed score (flag <code>few_matches</code>).",
    );
    let _ = write!(
        s,
        " Sources with fewer than {FEW_DOCS} documents are marked with their number of documents \
and charted after the others.</p>"
    );
    s.push_str("<p class=\"toc\">");
    for &fi in fams_with {
        let f = &lex.families[fi];
        let _ = write!(
            s,
            "<a href=\"#fam-{fi}\">{}</a> ",
            escape(&f.id).replace('_', "_<wbr>")
        );
    }
    s.push_str("</p>\n");
    let offsets = lex.variant_offsets();
    for &fi in fams_with {
        family_section(s, input, fi, offsets[fi]);
    }
    s.push_str("</section>\n");
}

// Family chart geometry (SVG user units; the chart scales to the page).
const W: f64 = 1080.0;
const NAME_X: f64 = 186.0;
const N_X: f64 = 236.0;
const BAR_X: f64 = 244.0;
const BAR_W: f64 = 460.0;
const P1_X: f64 = 730.0;
const P_W: f64 = 150.0;
const P2_X: f64 = 912.0;
const ROW_H: f64 = 24.0;
const BAR_H: f64 = 17.0;
const HEAD_H: f64 = 40.0;

/// Without story ids the score panel takes the width of both panels.
const P_WIDE: f64 = W - P1_X - 20.0;

fn axis_x(x0: f64, pw: f64, v: f64) -> f64 {
    x0 + (v.clamp(-1.0, 1.0) + 1.0) / 2.0 * pw
}

fn family_section(s: &mut String, input: &HtmlInput<'_>, fi: usize, offset: usize) {
    let lex = input.lex;
    let fam = &lex.families[fi];
    let est = input.est;
    let order = tone_order(fam);
    let names: Vec<&String> = input.agg.sources.keys().collect();
    let ests: Vec<&FamilyEstimate> = est.families.iter().map(|f| &f[fi]).collect();
    let with: Vec<usize> = (0..ests.len())
        .filter(|&si| ests[si].n_matches > 0)
        .collect();
    let quoted_only: Vec<usize> = (0..ests.len())
        .filter(|&si| ests[si].n_matches == 0 && ests[si].n_quoted > 0)
        .collect();
    let none: Vec<usize> = (0..ests.len())
        .filter(|&si| ests[si].n_matches == 0 && ests[si].n_quoted == 0)
        .collect();
    // Top sources by authorial matches, then ordered by raw score.
    let mut shown = with.clone();
    shown.sort_by(|&a, &b| {
        ests[b]
            .n_matches
            .cmp(&ests[a].n_matches)
            .then_with(|| a.cmp(&b))
    });
    shown.truncate(MAX_CHART_ROWS);
    // Sources with few documents go after the others, not first.
    let few: Vec<bool> = (0..ests.len())
        .map(|si| measures::few_docs(input, si))
        .collect();
    shown.sort_by(|&a, &b| {
        let ra = ests[a].raw_score.unwrap_or(0.0);
        let rb = ests[b].raw_score.unwrap_or(0.0);
        (few[a].cmp(&few[b]))
            .then_with(|| ra.total_cmp(&rb))
            .then_with(|| a.cmp(&b))
    });
    let omitted = with.len() - shown.len();

    let _ = write!(
        s,
        "<section class=\"family\" id=\"fam-{fi}\" data-family=\"{}\"><h3>{} <code>{}</code></h3>",
        escape(&fam.id),
        escape(&fam.name),
        escape(&fam.id)
    );
    if !fam.about.is_empty() {
        let _ = write!(s, "<p class=\"note\">{}</p>", escape(&fam.about));
    }
    let total_auth: u64 = with.iter().map(|&si| ests[si].n_matches).sum();
    let total_q: u64 = ests.iter().map(|e| e.n_quoted).sum();
    let _ = write!(
        s,
        "<p class=\"note\">{} authorial and {} quoted matches; {} of {} sources use the family in their own voice.</p>",
        thousands(total_auth),
        thousands(total_q),
        thousands(with.len() as u64),
        thousands(ests.len() as u64)
    );
    // Legend.
    s.push_str("<div class=\"legend\" aria-label=\"variants by tone\">");
    for &vi in &order {
        let v = &fam.variants[vi];
        let (fill, _) = tone_colour(v.tone);
        let _ = write!(
            s,
            "<span><span class=\"sw\" style=\"background:{fill}\"></span>{} ({})</span>",
            escape(&v.id),
            sc(Some(v.tone))
        );
    }
    s.push_str("</div>");

    chart(s, input, fi, offset, &order, &shown);
    if omitted > 0 {
        let _ = write!(
            s,
            "<p class=\"note\">{} more source{} with matches {} not charted (the {} with the most matches are); \
see <a href=\"families.csv\">families.csv</a> and <a href=\"sources.csv\">sources.csv</a>.</p>",
            thousands(omitted as u64),
            if omitted == 1 { "" } else { "s" },
            if omitted == 1 { "is" } else { "are" },
            shown.len()
        );
    }
    if !quoted_only.is_empty() {
        let _ = write!(
            s,
            "<p class=\"note\">Only inside quotations (no own-voice matches, no score): {}.</p>",
            name_list(&quoted_only, &names)
        );
    }
    if !none.is_empty() && none.len() <= 20 {
        let _ = write!(
            s,
            "<p class=\"note no-matches\">No matches in this family ({}): {}.</p>",
            none.len(),
            name_list(&none, &names)
        );
    } else if !none.is_empty() {
        let _ = write!(
            s,
            "<details class=\"no-matches\"><summary>{} sources with no matches in this family</summary>\
<p class=\"note no-matches\">{}.</p></details>",
            thousands(none.len() as u64),
            name_list(&none, &names)
        );
    }

    // Table with the same figures as text.
    let _ = write!(
        s,
        "<details class=\"table\"><summary>Figures as a table</summary><div class=\"scroll\"><table><thead><tr><th>source</th>\
<th class=\"num\">n</th><th class=\"num\">quoted</th><th>shares (authorial)</th><th class=\"num\">raw</th>\
<th class=\"num\">score</th><th>95% interval</th>{}<th>flag</th></tr></thead><tbody>",
        if est.has_stories {
            "<th class=\"num\">story-adj.</th><th>95% interval</th><th class=\"num\">stories</th>"
        } else {
            ""
        }
    );
    for &si in &shown {
        let e = ests[si];
        let counts = &input.agg.sources[names[si]].counts.variants;
        let shares: Vec<String> = order
            .iter()
            .filter(|&&vi| counts[offset + vi][0] > 0)
            .map(|&vi| {
                format!(
                    "{} {:.0}%",
                    escape(&fam.variants[vi].id),
                    100.0 * counts[offset + vi][0] as f64 / e.n_matches as f64
                )
            })
            .collect();
        let _ = write!(
            s,
            "<tr data-source=\"{n}\"><td>{n}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td>\
<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td>",
            thousands(e.n_matches),
            thousands(e.n_quoted),
            shares.join(" · "),
            sc(e.raw_score),
            sc(e.score),
            ci_text(e.ci),
            n = escape(names[si]),
        );
        if est.has_stories {
            let _ = write!(
                s,
                "<td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td>",
                sc(e.story_score),
                ci_text(e.story_ci),
                e.n_stories
            );
        }
        let _ = write!(s, "<td>{}</td></tr>", e.flag);
    }
    s.push_str("</tbody></table></div></details>");

    evidence(s, input, fi, offset, &shown, &names);
    s.push_str("</section>\n");
}

fn name_list(idx: &[usize], names: &[&String]) -> String {
    const MAX: usize = 200;
    let mut out: Vec<String> = idx.iter().take(MAX).map(|&i| escape(names[i])).collect();
    if idx.len() > MAX {
        out.push(format!("and {} more", idx.len() - MAX));
    }
    out.join(", ")
}

fn chart(
    s: &mut String,
    input: &HtmlInput<'_>,
    fi: usize,
    offset: usize,
    order: &[usize],
    shown: &[usize],
) {
    let fam = &input.lex.families[fi];
    let est = input.est;
    let names: Vec<&String> = input.agg.sources.keys().collect();
    let stories = est.has_stories;
    let width = W;
    let pw = if stories { P_W } else { P_WIDE };
    let height = HEAD_H + ROW_H * shown.len() as f64 + 22.0;
    let _ = write!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" \
aria-label=\"{}: variant shares and scores per source\">",
        escape(&fam.id)
    );
    // Column heads and axes.
    let _ = write!(
        s,
        "<g class=\"head\"><text x=\"{BAR_X}\" y=\"14\">variant shares (own voice)</text>\
<text x=\"{N_X}\" y=\"14\" text-anchor=\"end\">n</text>\
<text x=\"{P1_X}\" y=\"14\">score ● interval, raw ◇</text>"
    );
    if stories {
        let _ = write!(s, "<text x=\"{P2_X}\" y=\"14\">story-adjusted ■</text>");
    }
    s.push_str("</g><g class=\"axis\">");
    let y0 = HEAD_H - 6.0;
    let y1 = HEAD_H + ROW_H * shown.len() as f64;
    let panels: &[f64] = if stories { &[P1_X, P2_X] } else { &[P1_X] };
    for &px in panels {
        for (v, lab) in [(-1.0, "−1"), (-0.5, ""), (0.0, "0"), (0.5, ""), (1.0, "+1")] {
            let x = axis_x(px, pw, v);
            let (stroke, dash) = if v == 0.0 {
                ("#888", "")
            } else {
                ("#ddd", " stroke-dasharray=\"2 2\"")
            };
            let _ = write!(
                s,
                "<line x1=\"{x:.1}\" y1=\"{y0}\" x2=\"{x:.1}\" y2=\"{y1}\" stroke=\"{stroke}\"{dash}/>"
            );
            if !lab.is_empty() {
                let _ = write!(
                    s,
                    "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{lab}</text><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{lab}</text>",
                    HEAD_H - 10.0,
                    y1 + 14.0
                );
            }
        }
    }
    s.push_str("</g>");
    for (row, &si) in shown.iter().enumerate() {
        let e = &est.families[si][fi];
        let name = names[si];
        let counts = &input.agg.sources[name].counts.variants;
        let y = HEAD_H + ROW_H * row as f64;
        let flagged = e.flag != "ok";
        let docs = input.agg.sources[name].counts.docs;
        let few_docs = docs < FEW_DOCS;
        let _ = write!(
            s,
            "<g class=\"bar{}{}\" data-docs=\"{docs}\" data-source=\"{}\" data-score=\"{}\" data-smoothed=\"{}\" data-story-score=\"{}\" \
data-n=\"{}\" data-flag=\"{}\" data-dominant=\"{}\" transform=\"translate(0 {y})\">",
            if flagged { " flagged" } else { "" },
            if few_docs { " few-docs" } else { "" },
            escape(name),
            attr_f(e.raw_score),
            attr_f(e.score),
            attr_f(e.story_score),
            e.n_matches,
            e.flag,
            e.dominant
                .map(|d| escape(&fam.variants[d].id))
                .unwrap_or_default()
        );
        let _ = write!(
            s,
            "<title>{}: {} own-voice matches, raw score {}, score {} {}{}{}</title>",
            escape(name),
            e.n_matches,
            sc(e.raw_score),
            sc(e.score),
            ci_text(e.ci),
            if flagged { " (few matches)" } else { "" },
            if few_docs {
                format!(
                    " ({docs} document{}: few)",
                    if docs == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            }
        );
        let _ = write!(
            s,
            "<text class=\"src\" x=\"{NAME_X}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
<text class=\"n\" x=\"{N_X}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            BAR_H - 4.0,
            if few_docs {
                format!(
                    "{} <tspan class=\"few\">({docs} doc{})</tspan>",
                    escape(&truncate(name, MAX_LABEL_CHARS - 8)),
                    if docs == 1 { "" } else { "s" }
                )
            } else {
                escape(&truncate(name, MAX_LABEL_CHARS))
            },
            BAR_H - 4.0,
            if flagged {
                format!("few {}", e.n_matches)
            } else {
                thousands(e.n_matches)
            }
        );
        // Stacked segments.
        let mut x = BAR_X;
        for &vi in order {
            let c = counts[offset + vi][0];
            if c == 0 {
                continue;
            }
            let v = &fam.variants[vi];
            let share = c as f64 / e.n_matches as f64;
            let w = BAR_W * share;
            let (fill, ink) = tone_colour(v.tone);
            let pct = format!("{:.0}%", 100.0 * share);
            let full = format!("{} {pct}", v.id);
            // About 6 units per character at 11px.
            let fits = |t: &str| (t.chars().count() as f64) * 6.2 + 6.0 <= w;
            let label = if fits(&full) {
                Some(full.clone())
            } else if fits(&v.id) {
                Some(v.id.clone())
            } else if fits(&pct) {
                Some(pct.clone())
            } else {
                None
            };
            let _ = write!(
                s,
                "<g class=\"seg\" data-variant=\"{}\"><title>{}: {} ({c} of {})</title>\
<rect x=\"{x:.1}\" y=\"0\" width=\"{w:.1}\" height=\"{BAR_H}\" fill=\"{fill}\" stroke=\"#fff\" stroke-width=\"0.8\"/>",
                escape(&v.id),
                escape(&v.id),
                pct,
                e.n_matches
            );
            if let Some(label) = label {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" style=\"fill:{ink}\">{}</text>",
                    x + 3.0,
                    BAR_H - 4.5,
                    escape(&label)
                );
            }
            s.push_str("</g>");
            x += w;
        }
        let _ = write!(
            s,
            "<rect x=\"{BAR_X}\" y=\"0\" width=\"{BAR_W}\" height=\"{BAR_H}\" fill=\"none\" stroke=\"#999\" stroke-width=\"0.6\"/>"
        );
        // Score panel.
        let cy = BAR_H / 2.0;
        whisker(s, P1_X, pw, cy, e.ci);
        if let Some(r) = e.raw_score {
            let x = axis_x(P1_X, pw, r);
            let _ = write!(
                s,
                "<path class=\"raw\" d=\"M{:.1} {:.1}l5 5l-5 5l-5 -5z\" fill=\"#fff\" stroke=\"#333\" stroke-width=\"1.2\"/>",
                x,
                cy - 5.0
            );
        }
        if let Some(v) = e.score {
            let _ = write!(
                s,
                "<circle class=\"score\" cx=\"{:.1}\" cy=\"{cy:.1}\" r=\"4.5\" fill=\"#1b1b1b\"/>",
                axis_x(P1_X, pw, v)
            );
        }
        if stories {
            whisker(s, P2_X, P_W, cy, e.story_ci);
            if let Some(v) = e.story_score {
                let _ = write!(
                    s,
                    "<rect class=\"story\" x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"#1b1b1b\"/>",
                    axis_x(P2_X, P_W, v) - 4.0,
                    cy - 4.0
                );
            } else {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"muted\">no shared story</text>",
                    P2_X + P_W / 2.0,
                    BAR_H - 4.0
                );
            }
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
}

fn whisker(s: &mut String, x0: f64, pw: f64, cy: f64, ci: Option<(f64, f64)>) {
    if let Some((a, b)) = ci {
        whisker_between(s, axis_x(x0, pw, a), axis_x(x0, pw, b), cy);
    }
}

/// An interval's whiskers from `xa` to `xb` at height `cy`.
fn whisker_between(s: &mut String, xa: f64, xb: f64, cy: f64) {
    let _ = write!(
        s,
        "<path class=\"ci\" d=\"M{xa:.1} {:.1}v8M{xa:.1} {cy:.1}H{xb:.1}M{xb:.1} {:.1}v8\" stroke=\"#333\" stroke-width=\"1.4\" fill=\"none\"/>",
        cy - 4.0,
        cy - 4.0
    );
}

fn evidence(
    s: &mut String,
    input: &HtmlInput<'_>,
    fi: usize,
    offset: usize,
    shown: &[usize],
    names: &[&String],
) {
    let fam = &input.lex.families[fi];
    // Sources in chart order, then quoted-only ones (their examples are
    // the only evidence they have).
    let mut keys: Vec<usize> = shown.to_vec();
    let est = input.est;
    keys.extend((0..names.len()).filter(|&si| {
        let e = &est.families[si][fi];
        e.n_matches == 0 && e.n_quoted > 0
    }));
    keys.truncate(MAX_CHART_ROWS);
    let lists: Vec<(usize, &Vec<super::Example>)> = keys
        .iter()
        .filter_map(|&si| {
            input
                .examples
                .by_key
                .get(&(names[si].clone(), fi))
                .filter(|v| !v.is_empty())
                .map(|v| (si, v))
        })
        .collect();
    if lists.is_empty() {
        return;
    }
    let n: usize = lists.iter().map(|(_, v)| v.len()).sum();
    let open = if shown.len() <= 10 { " open" } else { "" };
    let _ = write!(
        s,
        "<details class=\"evidence\"{open}><summary>Example sentences ({n})</summary>\
<p class=\"note\">The first few matches per source, the matched words highlighted{}.</p>",
        if evidence_level(input) == EvidenceLevel::None {
            ""
        } else {
            "; every match is in <a href=\"evidence.csv\">evidence.csv</a>"
        }
    );
    for (si, list) in lists {
        let _ = write!(
            s,
            "<h4 data-source=\"{e}\">{e}</h4><ul class=\"examples\">",
            e = escape(names[si])
        );
        for ex in list {
            let vi = ex.variant.checked_sub(offset);
            let var = vi.and_then(|vi| fam.variants.get(vi));
            let (vid, tone) = var.map_or(("?", 0.0), |v| (v.id.as_str(), v.tone));
            let (fill, ink) = tone_colour(tone);
            let voice = ex.voice.as_str();
            let _ = write!(
                s,
                "<li class=\"example\" data-source=\"{}\" data-variant=\"{}\" data-voice=\"{voice}\">\
<span class=\"badge variant\" style=\"background:{fill};color:{ink}\">{}</span>\
<span class=\"badge {voice}\">{voice}</span> ",
                escape(names[si]),
                escape(vid),
                escape(vid)
            );
            let sent = &ex.sentence;
            match (
                sent.get(..ex.mark.start),
                sent.get(ex.mark.clone()),
                sent.get(ex.mark.end..),
            ) {
                (Some(a), Some(m), Some(b)) => {
                    let _ = write!(s, "{}<mark>{}</mark>{}", escape(a), escape(m), escape(b));
                }
                _ => s.push_str(&escape(sent)),
            }
            let _ = write!(s, "<span class=\"doc\">{}</span></li>", escape(&ex.doc_id));
        }
        s.push_str("</ul>");
    }
    s.push_str("</details>");
}

fn sources(s: &mut String, input: &HtmlInput<'_>, fams_with: &[usize]) {
    let agg = input.agg;
    let est = input.est;
    let names: Vec<&String> = agg.sources.keys().collect();
    let n = names.len();
    // Terms grouped by source index.
    let mut terms: Vec<Vec<&TermRow>> = vec![Vec::new(); n];
    for t in &est.terms {
        if let Some(v) = terms.get_mut(t.source) {
            v.push(t);
        }
    }
    // The sources with the most documents, shown by name.
    let mut pick: Vec<usize> = (0..n).collect();
    if n > MAX_SOURCE_SECTIONS {
        let docs: Vec<u64> = agg.sources.values().map(|a| a.counts.docs).collect();
        pick.sort_by(|&a, &b| docs[b].cmp(&docs[a]).then_with(|| a.cmp(&b)));
        pick.truncate(MAX_SOURCE_SECTIONS);
        pick.sort_unstable();
    }
    s.push_str("<section id=\"sources\"><h2>Sources</h2>");
    s.push_str(
        "<p class=\"note\">Per source: the n-grams it uses most distinctively compared with all other \
sources pooled (log-odds z with an informative Dirichlet prior; n-grams made only of stop-words are skipped), \
the family variants it uses notably more (z &gt; 0) or less (z &lt; 0) than the others (|z| ≥ 1.96), and its \
family scores.</p>",
    );
    if n > MAX_SOURCE_SECTIONS {
        let _ = write!(
            s,
            "<p class=\"note\">Showing the {} sources with the most documents; {} more are in \
<a href=\"sources.csv\">sources.csv</a> and <a href=\"terms.csv\">terms.csv</a>.</p>",
            MAX_SOURCE_SECTIONS,
            thousands((n - MAX_SOURCE_SECTIONS) as u64)
        );
    }
    s.push_str("<p class=\"toc\">");
    for &si in &pick {
        let _ = write!(s, "<a href=\"#src-{si}\">{}</a> ", escape(names[si]));
    }
    s.push_str("</p>\n");
    for &si in &pick {
        source_section(s, input, si, &terms[si], fams_with);
    }
    s.push_str("</section>\n");
}

fn source_section(
    s: &mut String,
    input: &HtmlInput<'_>,
    si: usize,
    terms: &[&TermRow],
    fams_with: &[usize],
) {
    let (name, sa) = input.agg.sources.iter().nth(si).expect("source index");
    let c = &sa.counts;
    let est = input.est;
    let lex = input.lex;
    let _ = write!(
        s,
        "<section class=\"source\" id=\"src-{si}\" data-source=\"{e}\"><h3>{e}{}</h3>\
<p class=\"note\">{} document{}, {} tokens, {} inside quotations.</p><div class=\"cols\">",
        if c.docs < FEW_DOCS {
            measures::few_badge(c.docs)
        } else {
            String::new()
        },
        thousands(c.docs),
        if c.docs == 1 { "" } else { "s" },
        thousands(c.tokens),
        if c.tokens == 0 {
            "–".to_string()
        } else {
            format!("{:.0}%", 100.0 * c.quoted_tokens as f64 / c.tokens as f64)
        },
        e = escape(name)
    );

    // Distinctive n-grams.
    let mut ngrams: Vec<&TermRow> = terms
        .iter()
        .copied()
        .filter(|t| t.kind == "ngram" && !t.stopword && t.z.is_finite() && t.z > 0.0)
        .collect();
    ngrams.sort_by(|a, b| {
        b.z.total_cmp(&a.z)
            .then_with(|| a.order.cmp(&b.order))
            .then_with(|| a.term.cmp(&b.term))
    });
    ngrams.truncate(TOP_NGRAMS);
    s.push_str("<div><h4>Most distinctive words and phrases</h4>");
    if ngrams.is_empty() {
        s.push_str("<p class=\"note\">None with positive z (too few tokens, or n-grams were not counted).</p>");
    } else {
        term_chart(s, &ngrams);
    }
    s.push_str("</div>");

    // Distinctive variants.
    let mut vars: Vec<&TermRow> = terms
        .iter()
        .copied()
        .filter(|t| t.kind == "variant" && t.z.is_finite() && t.z.abs() >= VARIANT_Z)
        .collect();
    vars.sort_by(|a, b| {
        b.z.abs()
            .total_cmp(&a.z.abs())
            .then_with(|| a.family.cmp(&b.family))
            .then_with(|| a.term.cmp(&b.term))
    });
    vars.truncate(TOP_VARIANTS);
    s.push_str("<div><h4>Distinctive labels (family variants)</h4>");
    if vars.is_empty() {
        s.push_str("<p class=\"note\">No variant with |z| ≥ 1.96.</p>");
    } else {
        s.push_str("<table class=\"variants\"><thead><tr><th>family</th><th>variant</th><th class=\"num\">here</th><th class=\"num\">others</th><th class=\"num\">z</th></tr></thead><tbody>");
        for t in vars {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:+.1} {}</td></tr>",
                escape(&t.family),
                escape(&t.term),
                thousands(t.count),
                thousands(t.count_rest),
                t.z,
                if t.z > 0.0 { "more" } else { "less" }
            );
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</div></div>");

    // Family scores.
    let rows: Vec<usize> = fams_with
        .iter()
        .copied()
        .filter(|&fi| est.families[si][fi].n_matches > 0)
        .collect();
    s.push_str("<div class=\"scroll\"><h4>Family scores</h4>");
    if rows.is_empty() {
        s.push_str("<p class=\"note\">No own-voice matches in any family.</p>");
    } else {
        let _ = write!(
            s,
            "<table class=\"scores\"><thead><tr><th>family</th><th>dominant</th><th class=\"num\">n</th><th class=\"num\">raw</th><th class=\"num\">score</th><th>95% interval</th>{}</tr></thead><tbody>",
            if est.has_stories {
                "<th class=\"num\">story-adj.</th>"
            } else {
                ""
            }
        );
        for fi in rows {
            let e = &est.families[si][fi];
            let fam = &lex.families[fi];
            let _ = write!(
                s,
                "<tr><td><a href=\"#fam-{fi}\">{}</a></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td>",
                escape(&fam.id),
                e.dominant
                    .map(|d| escape(&fam.variants[d].id))
                    .unwrap_or_default(),
                if e.flag == "ok" {
                    thousands(e.n_matches)
                } else {
                    format!("{} <span class=\"badge flag\">few</span>", e.n_matches)
                },
                sc(e.raw_score),
                sc(e.score),
                ci_text(e.ci)
            );
            if est.has_stories {
                let _ = write!(s, "<td class=\"num\">{}</td>", sc(e.story_score));
            }
            s.push_str("</tr>");
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</div>");

    // Learned scores and other extra columns.
    if !est.learned.is_empty() {
        s.push_str("<div><h4>Learned scores</h4><table class=\"extra\"><tbody>");
        for (label, value) in measures::learned_rows(input, si) {
            let _ = write!(
                s,
                "<tr><th>{}</th><td class=\"num\">{}</td></tr>",
                escape(&label),
                escape(&value)
            );
        }
        s.push_str(
            "</tbody></table><p class=\"note\">With 95% intervals from document resamples; \
every column is in <a href=\"sources.csv\">sources.csv</a>.</p></div>",
        );
    }
    loaded_sentences(s, input, name);
    s.push_str("</section>\n");
}

/// A source's most loaded sentences, the words the loaded-language model
/// reads as loaded highlighted (their probability in the tooltip and in a
/// `data-probability` attribute).
fn loaded_sentences(s: &mut String, input: &HtmlInput<'_>, name: &str) {
    let Some(list) = input.examples.loaded.get(name).filter(|v| !v.is_empty()) else {
        return;
    };
    s.push_str(
        "<div class=\"loaded\"><h4>Most loaded sentences</h4><p class=\"note\">The sentences with the \
highest loaded-language probability, the words the model reads as loaded highlighted",
    );
    let sentences = input.output.map_or(SentenceLevel::All, |o| o.sentences);
    match sentences {
        SentenceLevel::All => {
            s.push_str("; every sentence is in <a href=\"sentences.csv\">sentences.csv</a>")
        }
        SentenceLevel::Loaded => s.push_str(
            "; every sentence read as loaded is in <a href=\"sentences.csv\">sentences.csv</a>",
        ),
        SentenceLevel::None => {}
    }
    if evidence_level(input) == EvidenceLevel::All {
        s.push_str(
            ", every such word in <a href=\"evidence.csv\">evidence.csv</a> (kind <code>loaded_word</code>)",
        );
    }
    s.push_str(".</p><ul class=\"examples\">");
    for e in list {
        let _ = write!(
            s,
            "<li class=\"example loaded\" data-probability=\"{p:.3}\"><span class=\"badge prob\">{p:.2}</span> ",
            p = e.probability
        );
        let mut at = 0usize;
        for (r, p) in &e.marks {
            match (e.sentence.get(at..r.start), e.sentence.get(r.clone())) {
                (Some(a), Some(m)) if r.start >= at => {
                    let _ = write!(
                        s,
                        "{}<mark class=\"loaded-word\" data-probability=\"{p:.3}\" title=\"loaded: {p:.2}\">{}</mark>",
                        escape(a),
                        escape(m)
                    );
                    at = r.end;
                }
                _ => {}
            }
        }
        s.push_str(&escape(e.sentence.get(at..).unwrap_or("")));
        let _ = write!(s, "<span class=\"doc\">{}</span></li>", escape(&e.doc_id));
    }
    s.push_str("</ul></div>");
}

fn term_chart(s: &mut String, rows: &[&TermRow]) {
    const LW: f64 = 130.0;
    const BW: f64 = 200.0;
    const RH: f64 = 18.0;
    let max = rows.iter().map(|t| t.z).fold(0.0f64, f64::max).max(1e-9);
    let h = RH * rows.len() as f64 + 4.0;
    let w = LW + BW + 50.0;
    let _ = write!(
        s,
        "<svg class=\"terms\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"distinctive terms by z\">"
    );
    for (i, t) in rows.iter().enumerate() {
        let y = RH * i as f64 + 2.0;
        let bw = (BW * t.z / max).max(1.0);
        let _ = write!(
            s,
            "<g class=\"term\" data-term=\"{e}\" data-z=\"{}\"><title>{e}: z = {:.1}, {} here vs {} in the other sources</title>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
<rect x=\"{LW}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"#7a8fb3\"/>\
<text x=\"{:.1}\" y=\"{:.1}\">{:.1}</text></g>",
            super::fmt_f(t.z),
            t.z,
            thousands(t.count),
            thousands(t.count_rest),
            LW - 6.0,
            y + RH - 6.0,
            escape(&truncate(&t.term, 20)),
            RH - 4.0,
            LW + bw + 4.0,
            y + RH - 6.0,
            t.z,
            e = escape(&t.term),
        );
    }
    s.push_str("</svg>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(
            escape("a & b \"c\" 'd'"),
            "a &amp; b &quot;c&quot; &#39;d&#39;"
        );
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape("naïve – “quoted”"), "naïve – “quoted”");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn palette_is_diverging_and_readable() {
        let (neg, ink_neg) = tone_colour(-1.0);
        let (mid, ink_mid) = tone_colour(0.0);
        assert_ne!(neg, mid);
        assert_eq!(ink_neg, "#fff");
        assert_eq!(ink_mid, "#111");
        assert_eq!(tone_colour(f64::NAN).0, mid);
        assert_eq!(tone_colour(5.0).0, tone_colour(1.0).0);
    }

    #[test]
    fn helpers() {
        assert_eq!(thousands(28022), "28,022");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(sc(Some(-0.9)), "-0.90");
        assert_eq!(sc(Some(-0.0001)), "0.00");
        assert_eq!(sc(None), "–");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
