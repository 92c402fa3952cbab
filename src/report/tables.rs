//! The per-source tables: `sources.csv`, `sources_long.csv`, `families.csv`, `labels.csv`,
//! `terms.csv` and `boilerplate.csv`. Column order is fixed here and documented in the README's
//! data dictionary.

use super::csvout::*;
use crate::estimators::Estimates;
use crate::features::referents::LabelRow;
use crate::features::Aggregates;
use crate::lexicon::Lexicon;
use std::io::Write;

/// The header of `sources.csv`: fixed columns, then per category and per
/// family (the story-adjusted columns when `stories`), then `extra` (the
/// learned scorers' columns).
///
/// ```
/// use slant::report::sources_header;
/// let lex = slant::lexicon::Lexicon::builtin();
/// let h = sources_header(&lex, false, &["slant_mean"]);
/// assert_eq!(&h[..2], ["source", "documents"]);
/// assert!(h.iter().any(|c| c == "hedge_rate"));
/// assert!(!h.iter().any(|c| c.ends_with("_story_adjusted_score")));
/// assert_eq!(h.last().unwrap(), "slant_mean");
/// ```
pub fn sources_header(lex: &Lexicon, stories: bool, extra: &[&str]) -> Vec<String> {
    let mut h: Vec<String> = [
        "source",
        "documents",
        "tokens",
        "authorial_tokens",
        "quoted_tokens",
        "sentences",
        "quote_share",
        "repairs",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for c in &lex.categories {
        h.push(format!("{}_rate", c.id));
        h.push(format!("{}_quoted_rate", c.id));
        if c.valence {
            h.push(format!("{}_mean", c.id));
        }
    }
    for f in &lex.families {
        for col in [
            "dominant",
            "raw_score",
            "score",
            "ci_low",
            "ci_high",
            "n_matches",
            "n_quoted",
            "flag",
        ] {
            h.push(format!("{}_{col}", f.id));
        }
        if stories {
            for col in [
                "story_adjusted_score",
                "story_ci_low",
                "story_ci_high",
                "n_stories",
            ] {
                h.push(format!("{}_{col}", f.id));
            }
        }
    }
    for extra in extra {
        h.push(extra.to_string());
    }
    h
}

/// The first column name that appears twice in `header`, if any (user
/// lexicon ids such as `x` and `x_quoted` can derive the same column).
///
/// ```
/// use slant::report::duplicate_column;
/// let h = ["foo_rate", "foo_quoted_rate", "foo_quoted_rate"].map(String::from);
/// assert_eq!(duplicate_column(&h), Some("foo_quoted_rate"));
/// assert_eq!(duplicate_column(&h[..2]), None);
/// ```
pub fn duplicate_column(header: &[String]) -> Option<&str> {
    let mut seen = std::collections::HashSet::new();
    header.iter().map(String::as_str).find(|c| !seen.insert(*c))
}

/// Write `sources.csv`: one row per source.
///
/// ```
/// use slant::report::{sources_rows, CsvStyle};
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
/// # for d in &docs {
/// #     let f = ex.extract(d, &mut ws, &mut agg);
/// #     let sparse: Vec<(u32, u32)> = (0u32..).zip(&f.counts.variants)
/// #         .filter(|(_, c)| c[0] > 0).map(|(v, c)| (v, c[0] as u32)).collect();
/// #     per_doc.push((d.source.clone(), sparse));
/// # }
/// # let by_source: Vec<Vec<&[(u32, u32)]>> = agg.sources.keys()
/// #     .map(|s| per_doc.iter().filter(|(src, _)| src == s).map(|(_, v)| v.as_slice()).collect())
/// #     .collect();
/// # let est = slant::estimators::estimate(
/// #     &agg, &lex, &by_source, &slant::estimators::EstimatorOptions::default());
/// // `agg`, `est`: sources "a" (3 × "terrorists", 1 × "insurgents", in two
/// // documents) and "b" (1 and 2, in two documents).
/// let mut out = Vec::new();
/// sources_rows(&mut out, &agg, &est, &lex, CsvStyle::default()).unwrap();
/// let mut r = csv::Reader::from_reader(out.as_slice());
/// let header = r.headers().unwrap().clone();
/// let col = |name: &str| header.iter().position(|c| c == name).unwrap();
/// let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
/// assert_eq!(rows.len(), 2);
/// let a = &rows[0];
/// assert_eq!((&a[col("source")], &a[col("documents")]), ("a", "2"));
/// assert_eq!(&a[col("armed_group_dominant")], "terrorist");
/// assert_eq!(&a[col("armed_group_raw_score")], "-0.75");
/// assert_eq!(&a[col("armed_group_flag")], "ok");
/// ```
pub fn sources_rows<W: Write>(
    w: W,
    agg: &Aggregates,
    est: &Estimates,
    lex: &Lexicon,
    style: CsvStyle,
) -> csv::Result<()> {
    let (h, rows) = sources_table(agg, est, lex, style);
    write_table(w, &h, &rows)
}

pub(crate) fn write_table<W: Write>(
    w: W,
    header: &[String],
    rows: &[Vec<String>],
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(header)?;
    for row in rows {
        w.write_record(row)?;
    }
    w.flush()?;
    Ok(())
}

/// The cells of `sources.csv`: its header and one row per source, as
/// [`sources_rows`] writes them (and [`sources_long_rows`] reshapes them).
///
/// ```
/// use slant::estimators::Estimates;
/// use slant::features::Aggregates;
/// use slant::report::{sources_table, CsvStyle};
/// let lex = slant::lexicon::Lexicon::builtin();
/// let agg = Aggregates::new(&lex);
/// let (header, rows) = sources_table(&agg, &Estimates::default(), &lex, CsvStyle::default());
/// assert_eq!(&header[..2], ["source", "documents"]);
/// assert!(rows.is_empty()); // no source yet
/// ```
pub fn sources_table(
    agg: &Aggregates,
    est: &Estimates,
    lex: &Lexicon,
    style: CsvStyle,
) -> (Vec<String>, Vec<Vec<String>>) {
    let h = sources_header(lex, est.has_stories, &est.learned.columns);
    let mut rows = Vec::with_capacity(agg.sources.len());
    for (si, (source, sa)) in agg.sources.iter().enumerate() {
        let c = &sa.counts;
        let mut row = vec![
            safe_cell(source, style).into_owned(),
            c.docs.to_string(),
            c.tokens.to_string(),
            c.authorial_tokens.to_string(),
            c.quoted_tokens.to_string(),
            c.sentences.to_string(),
            if c.tokens == 0 {
                String::new()
            } else {
                fmt_f(c.quoted_tokens as f64 / c.tokens as f64)
            },
            c.repairs.to_string(),
        ];
        for (ci, cat) in lex.categories.iter().enumerate() {
            row.push(rate(c.categories[ci][0], c.authorial_tokens));
            row.push(rate(c.categories[ci][1], c.quoted_tokens));
            if cat.valence {
                row.push(mean_weight(c.weight_sums[ci][0], c.categories[ci][0]));
            }
        }
        for (fi, fam) in lex.families.iter().enumerate() {
            let e = &est.families[si][fi];
            row.push(
                e.dominant
                    .map(|v| fam.variants[v].id.clone())
                    .unwrap_or_default(),
            );
            row.push(opt_f(e.raw_score));
            row.push(opt_f(e.score));
            row.push(opt_f(e.ci.map(|c| c.0)));
            row.push(opt_f(e.ci.map(|c| c.1)));
            row.push(e.n_matches.to_string());
            row.push(e.n_quoted.to_string());
            row.push(e.flag.to_string());
            if est.has_stories {
                row.push(opt_f(e.story_score));
                row.push(opt_f(e.story_ci.map(|c| c.0)));
                row.push(opt_f(e.story_ci.map(|c| c.1)));
                row.push(e.n_stories.to_string());
            }
        }
        row.extend(est.learned.row(si).iter().map(|&v| opt_f(v)));
        rows.push(row);
    }
    (h, rows)
}

/// The columns of `sources_long.csv`.
pub const SOURCES_LONG_HEADER: [&str; 6] = ["source", "measure", "value", "ci_low", "ci_high", "n"];

/// Write `sources_long.csv`, the long (tidy) form of `sources.csv`: one
/// row per source and numeric column, with the cells of `sources.csv`
/// itself (`header` and `rows` from [`sources_table`]). A score's row
/// carries its interval (`{family}_score` with `{family}_ci_low` and
/// `_ci_high`, `{family}_story_adjusted_score` with `_story_ci_*`,
/// `loaded_mean` with `loaded_ci_*`, and `slant` with `slant_ci_*`, or
/// `slant_mean` when there is no `slant` column), whose columns get no row
/// of their own; `n` is the count the value rests on: authorial matches
/// for a family's scores, shared stories for a story-adjusted score,
/// documents otherwise. Text columns (`dominant`, `flag`) are left out.
///
/// ```
/// use slant::report::sources_long_rows;
/// let header = ["source", "documents", "armed_group_dominant", "armed_group_score",
///     "armed_group_ci_low", "armed_group_ci_high", "armed_group_n_matches"].map(String::from);
/// let row = ["wire", "3", "terrorist", "-0.6", "-0.9", "-0.2", "5"].map(String::from).to_vec();
/// let mut out = Vec::new();
/// sources_long_rows(&mut out, &header, &[row]).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "\
/// source,measure,value,ci_low,ci_high,n
/// wire,documents,3,,,3
/// wire,armed_group_score,-0.6,-0.9,-0.2,5
/// wire,armed_group_n_matches,5,,,3
/// ");
/// ```
pub fn sources_long_rows<W: Write>(
    w: W,
    header: &[String],
    rows: &[Vec<String>],
) -> csv::Result<()> {
    let col = |name: &str| header.iter().position(|c| c == name);
    let documents = col("documents");
    // (interval columns, n column) per column; `None`: no row.
    type Plan = Option<(Option<(usize, usize)>, Option<usize>)>;
    let mut plan: Vec<Plan> = Vec::new();
    let mut interval_cols = std::collections::HashSet::new();
    for name in header {
        let pair = |lo: String, hi: String| col(&lo).zip(col(&hi));
        let (ci, n) = if let Some(f) = name.strip_suffix("_story_adjusted_score") {
            (
                pair(format!("{f}_story_ci_low"), format!("{f}_story_ci_high")),
                col(&format!("{f}_n_stories")),
            )
        } else if let Some(f) = name
            .strip_suffix("_raw_score")
            .or_else(|| name.strip_suffix("_score"))
        {
            let ci = if name.ends_with("_raw_score") {
                None
            } else {
                pair(format!("{f}_ci_low"), format!("{f}_ci_high"))
            };
            (ci, col(&format!("{f}_n_matches")).or(documents))
        } else if let Some(m) = name.strip_suffix("_mean").filter(|m| col(m).is_none()) {
            // `slant_ci_*` belong to `slant` when the stacker gives it.
            (
                pair(format!("{m}_ci_low"), format!("{m}_ci_high")),
                documents,
            )
        } else {
            (
                pair(format!("{name}_ci_low"), format!("{name}_ci_high")),
                documents,
            )
        };
        if let Some((lo, hi)) = ci {
            interval_cols.insert(lo);
            interval_cols.insert(hi);
        }
        plan.push(Some((ci, n)));
    }
    for (i, name) in header.iter().enumerate() {
        if i == 0
            || interval_cols.contains(&i)
            || name.ends_with("_dominant")
            || name.ends_with("_flag")
        {
            plan[i] = None;
        }
    }
    let mut w = csv::Writer::from_writer(w);
    w.write_record(SOURCES_LONG_HEADER)?;
    let cell =
        |row: &[String], i: Option<usize>| i.and_then(|i| row.get(i)).cloned().unwrap_or_default();
    for row in rows {
        for (i, p) in plan.iter().enumerate() {
            let Some((ci, n)) = p else { continue };
            w.write_record([
                cell(row, Some(0)),
                header[i].clone(),
                cell(row, Some(i)),
                cell(row, ci.map(|c| c.0)),
                cell(row, ci.map(|c| c.1)),
                cell(row, *n),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Write `families.csv`: tidy rows of source × family × variant, for the
/// variants the source used (authorial or quoted): a variant the source
/// never used has no row, nor has a family it never matched. Returns the
/// number of rows written.
///
/// ```
/// use slant::report::{families_rows, CsvStyle};
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
/// #     doc("5", "c", "s2", "\"Insurgents,\" officials said."),
/// #     doc("6", "d", "s2", "Officials said nothing."),
/// # ];
/// # let ex = Extractor::new(&lex, FeatureOptions::default());
/// # let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// # for d in &docs {
/// #     ex.extract(d, &mut ws, &mut agg);
/// # }
/// // `agg`: sources "a" (3 × "terrorists", 1 × "insurgents") and "b" (1 and 2);
/// // "c" quoted "insurgents" once; "d" matched nothing.
/// let mut out = Vec::new();
/// let rows = families_rows(&mut out, &agg, &lex, CsvStyle::default()).unwrap();
/// let want = "\
/// source,family,variant,tone,authorial_count,quoted_count,share,quoted_share,referent
/// a,armed_group,terrorist,-1,3,0,0.75,,
/// a,armed_group,insurgent,0,1,0,0.25,,
/// b,armed_group,terrorist,-1,1,0,0.333333,,
/// b,armed_group,insurgent,0,2,0,0.666667,,
/// c,armed_group,insurgent,0,0,1,,1,
/// ";
/// assert_eq!(String::from_utf8(out).unwrap(), want);
/// assert_eq!(rows, 5);
/// ```
pub fn families_rows<W: Write>(
    w: W,
    agg: &Aggregates,
    lex: &Lexicon,
    style: CsvStyle,
) -> csv::Result<u64> {
    let mut w = csv::Writer::from_writer(w);
    let mut written = 0u64;
    w.write_record([
        "source",
        "family",
        "variant",
        "tone",
        "authorial_count",
        "quoted_count",
        "share",
        "quoted_share",
        "referent",
    ])?;
    let offsets = lex.variant_offsets();
    let referents: Vec<String> = lex
        .families
        .iter()
        .map(|f| f.referents.join("; "))
        .collect();
    for (source, sa) in &agg.sources {
        for (fi, fam) in lex.families.iter().enumerate() {
            let counts = &sa.counts.variants[offsets[fi]..offsets[fi + 1]];
            let n: u64 = counts.iter().map(|x| x[0]).sum();
            let q: u64 = counts.iter().map(|x| x[1]).sum();
            for (v, var) in fam.variants.iter().enumerate() {
                let [a, qc] = counts[v];
                if a == 0 && qc == 0 {
                    continue;
                }
                written += 1;
                w.write_record([
                    safe_cell(source, style).as_ref(),
                    fam.id.as_str(),
                    var.id.as_str(),
                    fmt_f(var.tone).as_str(),
                    a.to_string().as_str(),
                    qc.to_string().as_str(),
                    if n == 0 {
                        String::new()
                    } else {
                        fmt_f(a as f64 / n as f64)
                    }
                    .as_str(),
                    if q == 0 {
                        String::new()
                    } else {
                        fmt_f(qc as f64 / q as f64)
                    }
                    .as_str(),
                    safe_cell(&referents[fi], style).as_ref(),
                ])?;
            }
        }
    }
    w.flush()?;
    Ok(written)
}

/// The columns of `labels.csv`.
pub const LABELS_HEADER: [&str; 8] = [
    "story", "referent", "source", "label", "voice", "link", "count", "z",
];

/// Write `labels.csv`: one row per (story, referent, source, label, voice)
/// with the rules that linked it, its count and the log-odds z of `z`
/// (same order as `rows`); returns the rows written.
///
/// ```
/// use slant::features::referents::LabelRow;
/// use slant::report::{labels_rows, CsvStyle};
/// use slant::text::Voice;
/// let rows = [LabelRow {
///     story: "s1".into(), referent: "Taliban".into(), source: "a".into(),
///     label: "militant group".into(), voice: Voice::Authorial,
///     link: "apposition".into(), count: 2,
/// }];
/// let mut out = Vec::new();
/// assert_eq!(labels_rows(&mut out, &rows, &[f64::NAN], CsvStyle::default()).unwrap(), 1);
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "story,referent,source,label,voice,link,count,z\ns1,Taliban,a,militant group,authorial,apposition,2,\n"
/// );
/// ```
pub fn labels_rows<W: Write>(
    w: W,
    rows: &[LabelRow],
    z: &[f64],
    style: CsvStyle,
) -> csv::Result<u64> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(LABELS_HEADER)?;
    for (r, z) in rows.iter().zip(z) {
        w.write_record([
            safe_cell(&r.story, style).as_ref(),
            safe_cell(&r.referent, style).as_ref(),
            safe_cell(&r.source, style).as_ref(),
            safe_cell(&r.label, style).as_ref(),
            r.voice.as_str(),
            r.link.as_str(),
            r.count.to_string().as_str(),
            fmt_f(*z).as_str(),
        ])?;
    }
    w.flush()?;
    Ok(rows.len() as u64)
}

/// Write `terms.csv`: distinctive family variants and n-grams per source,
/// one row per [`TermRow`](crate::estimators::TermRow) of `est.terms`.
///
/// ```
/// use slant::report::{terms_rows, CsvStyle};
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
/// # for d in &docs {
/// #     let f = ex.extract(d, &mut ws, &mut agg);
/// #     let sparse: Vec<(u32, u32)> = (0u32..).zip(&f.counts.variants)
/// #         .filter(|(_, c)| c[0] > 0).map(|(v, c)| (v, c[0] as u32)).collect();
/// #     per_doc.push((d.source.clone(), sparse));
/// # }
/// # let by_source: Vec<Vec<&[(u32, u32)]>> = agg.sources.keys()
/// #     .map(|s| per_doc.iter().filter(|(src, _)| src == s).map(|(_, v)| v.as_slice()).collect())
/// #     .collect();
/// # let est = slant::estimators::estimate(
/// #     &agg, &lex, &by_source, &slant::estimators::EstimatorOptions::default());
/// // `agg`, `est`: sources "a" (3 × "terrorists", 1 × "insurgents", in two
/// // documents) and "b" (1 and 2, in two documents).
/// let mut out = Vec::new();
/// terms_rows(&mut out, &agg, &est, CsvStyle::default()).unwrap();
/// let csv = String::from_utf8(out).unwrap();
/// let lines: Vec<&str> = csv.lines().collect();
/// assert_eq!(lines[0], "source,kind,family,term,order,count,count_rest,delta,z,p,q,rank,stopword");
/// assert_eq!(lines.len(), 1 + est.terms.len());
/// // "a" used "terrorist" 3 times, the other sources once: its top variant.
/// assert!(lines[1].starts_with("a,variant,armed_group,terrorist,,3,1,"));
/// assert!(lines[1].ends_with(",1,false"));
/// ```
pub fn terms_rows<W: Write>(
    w: W,
    agg: &Aggregates,
    est: &Estimates,
    style: CsvStyle,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record([
        "source",
        "kind",
        "family",
        "term",
        "order",
        "count",
        "count_rest",
        "delta",
        "z",
        "p",
        "q",
        "rank",
        "stopword",
    ])?;
    let names: Vec<&String> = agg.sources.keys().collect();
    for r in &est.terms {
        w.write_record([
            safe_cell(names[r.source], style).as_ref(),
            r.kind,
            r.family.as_str(),
            safe_cell(&r.term, style).as_ref(),
            if r.order == 0 {
                String::new()
            } else {
                r.order.to_string()
            }
            .as_str(),
            r.count.to_string().as_str(),
            r.count_rest.to_string().as_str(),
            fmt_f(r.delta).as_str(),
            fmt_f(r.z).as_str(),
            fmt_p(r.p).as_str(),
            fmt_p(r.q).as_str(),
            r.rank.to_string().as_str(),
            if r.stopword { "true" } else { "false" },
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Columns of `boilerplate.csv`.
pub const BOILERPLATE_HEADER: &[&str] = &["source", "kind", "text", "documents", "sentences"];

/// Write `boilerplate.csv`: one row per boilerplate sentence (or furniture
/// lead) and source, in the order of
/// [`Boilerplate::rows`](crate::features::boilerplate::Boilerplate::rows).
///
/// ```
/// use slant::features::boilerplate::BoilerplateRow;
/// use slant::report::{boilerplate_rows, CsvStyle};
/// let rows = [BoilerplateRow {
///     source: "wire".into(),
///     kind: "repeated",
///     text: "click here for reprint permission".into(),
///     documents: 40,
///     sentences: 41,
/// }];
/// let mut out = Vec::new();
/// boilerplate_rows(&mut out, &rows, CsvStyle::default()).unwrap();
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "source,kind,text,documents,sentences\nwire,repeated,click here for reprint permission,40,41\n"
/// );
/// ```
pub fn boilerplate_rows<W: Write>(
    w: W,
    rows: &[crate::features::boilerplate::BoilerplateRow],
    style: CsvStyle,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(BOILERPLATE_HEADER)?;
    for r in rows {
        w.write_record([
            safe_cell(&r.source, style).as_ref(),
            r.kind,
            safe_cell(&r.text, style).as_ref(),
            r.documents.to_string().as_str(),
            r.sentences.to_string().as_str(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
