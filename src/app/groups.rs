//! The groups part of a run (`--group-col`, `--groups`, `--compare`):
//! each source's group, the groups' aggregates estimated as sources are,
//! `groups.csv`, `comparisons.csv` and the report's groups section.

use super::{csv_err, io_err, DocSummary, RunOptions};
use crate::error::{Error, ErrorKind, Result};
use crate::estimators::groups::{compare_until, majority_groups, DocCounts, Measures, Unit};
use crate::estimators::{estimate_until, EstimatorOptions};
use crate::features::{Aggregates, Counts, SourceAgg};
use crate::lexicon::Lexicon;
use crate::report;
use crate::scorers::apply::{DocModelSummary, Scorers};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// What `run.json` says about the groups (`groups`).
///
/// ```
/// use slant::app::{analyze, RunOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("news.csv");
/// std::fs::write(&csv, "source,bias,text\n\
///     ledger,left,Rebels attacked the base.\n\
///     ledger,right,Rebels fled.\n\
///     ledger,left,Rebels returned.\n\
///     wire,right,Terrorists attacked the base.\n\
///     blog,,Militants attacked the base.\n").unwrap();
/// let mut opts = RunOptions { inputs: vec![csv], out_dir: dir.path().join("out"), no_models: true, ..Default::default() };
/// opts.read.group_col = Some("bias".into());
/// opts.estimators.bootstrap = 20;
/// let g = analyze(&opts).unwrap().groups.unwrap();
/// assert_eq!((g.groups, g.sources_grouped, g.sources_without_group), (2, 2, 1));
/// // ledger's documents disagree: it goes with its majority, "left".
/// assert_eq!((g.conflicting_sources, g.conflicting_documents), (1, 1));
/// assert!(dir.path().join("out/comparisons.csv").is_file());
/// ```
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct GroupsSummary {
    /// Where the groups came from: `column NAME` or `file PATH`; `none`
    /// when only two sources are compared.
    pub from: String,
    /// Groups found.
    pub groups: u64,
    /// Sources with a group.
    pub sources_grouped: u64,
    /// Sources without one (no document with a value, or not in the
    /// file): left out of `groups.csv` and `comparisons.csv`.
    pub sources_without_group: u64,
    /// Documents of those sources.
    pub documents_without_group: u64,
    /// Sources whose documents name more than one group (`--group-col`):
    /// each is put in its most frequent one (ties: the smallest).
    pub conflicting_sources: u64,
    /// Documents of those sources whose value is not their source's group.
    pub conflicting_documents: u64,
    /// Sources the `--groups` file lists that no document came from.
    pub listed_not_found: u64,
    /// The pair compared (`--compare`), and whether as `groups` or
    /// `sources`.
    pub compared: Option<(String, String, &'static str)>,
    /// Rows of `comparisons.csv`.
    pub comparison_rows: u64,
    /// Of them, differences whose interval leaves out 0.
    pub significant: u64,
}

/// The report section and the run.json summary.
pub(super) struct GroupsOut {
    pub(super) summary: GroupsSummary,
    pub(super) html: String,
}

/// Everything the groups part needs from the run.
pub(super) struct GroupsInput<'a> {
    pub(super) dir: &'a Path,
    pub(super) agg: &'a Aggregates,
    pub(super) lex: &'a Lexicon,
    pub(super) summaries: &'a [DocSummary],
    pub(super) est_opts: &'a EstimatorOptions,
    pub(super) scorers: Option<&'a Scorers>,
    pub(super) opts: &'a RunOptions,
    pub(super) pool: &'a rayon::ThreadPool,
    pub(super) timings: &'a mut BTreeMap<&'static str, u128>,
}

/// Run the groups part when asked (`None` otherwise).
pub(super) fn run(input: GroupsInput<'_>) -> Result<Option<GroupsOut>> {
    let GroupsInput {
        dir,
        agg,
        lex,
        summaries,
        est_opts,
        scorers,
        opts,
        pool,
        timings,
    } = input;
    let by_col = opts.read.group_col.as_deref();
    let by_file = opts.group_map.as_ref();
    if by_col.is_none() && by_file.is_none() && opts.compare.is_none() {
        return Ok(None);
    }
    let t = Instant::now();
    let mut summary = GroupsSummary::default();
    // Source -> group.
    let of_source: BTreeMap<String, String> = if let Some(col) = by_col {
        summary.from = format!("column {col}");
        let (groups, conflicts) =
            majority_groups(summaries.iter().map(|d| (&*d.source, d.group.as_deref())));
        summary.conflicting_sources = conflicts.len() as u64;
        summary.conflicting_documents = (conflicts.iter())
            .map(|(s, v)| {
                let g = &groups[s];
                v.iter()
                    .filter(|(x, _)| x != g)
                    .map(|(_, n)| n)
                    .sum::<u64>()
            })
            .sum();
        if let Some((s, v)) = conflicts.iter().next().filter(|_| !opts.quiet) {
            let values: Vec<String> = v.iter().map(|(g, n)| format!("{g} {n}")).collect();
            opts.messages.say(&format!(
                "slant: warning: {} source{} have documents with more than one --group-col value \
                 (e.g. {s}: {}); each is put in its most frequent group (run.json: groups)",
                conflicts.len(),
                if conflicts.len() == 1 { "" } else { "s" },
                values.join(", ")
            ));
        }
        groups
    } else if let Some(map) = by_file {
        summary.from = format!("file {}", crate::corpus::escape_path(&map.path));
        let found: std::collections::BTreeSet<String> = agg
            .sources
            .keys()
            .map(|s| s.trim().to_lowercase())
            .collect();
        summary.listed_not_found = map.sources().filter(|s| !found.contains(*s)).count() as u64;
        (agg.sources.keys())
            .filter_map(|s| map.get(s).map(|g| (s.clone(), g.to_string())))
            .collect()
    } else {
        summary.from = "none".into();
        BTreeMap::new()
    };
    let grouping = by_col.is_some() || by_file.is_some();
    if grouping {
        summary.sources_grouped = of_source.len() as u64;
        for (s, sa) in &agg.sources {
            if !of_source.contains_key(s) {
                summary.sources_without_group += 1;
                summary.documents_without_group += sa.counts.docs;
            }
        }
        if of_source.is_empty() && !opts.quiet {
            opts.messages.say(&format!(
                "slant: warning: no source has a group ({}): groups.csv and comparisons.csv \
                 are empty",
                match by_col {
                    Some(c) => format!("no document has a value for --group-col {c}"),
                    None => "the --groups file names none of the sources".to_string(),
                }
            ));
        } else if summary.sources_without_group > 0 && !opts.quiet {
            opts.messages.say(&format!(
                "slant: note: {} of {} sources ({} documents) have no group and are left out of \
                 groups.csv and comparisons.csv (run.json: groups)",
                summary.sources_without_group,
                agg.sources.len(),
                summary.documents_without_group
            ));
        }
    }

    // The groups' aggregates: each group a "source" of the summed counts.
    let mut gagg = Aggregates::new(lex);
    for (s, sa) in &agg.sources {
        if let Some(g) = of_source.get(s) {
            gagg.sources
                .entry(g.clone())
                .or_insert_with(|| SourceAgg {
                    counts: Counts::new(lex),
                    ngrams: Default::default(),
                    furniture: Vec::new(),
                })
                .counts
                .add(&sa.counts);
        }
    }
    for ((s, story), c) in &agg.stories {
        if let Some(g) = of_source.get(s) {
            gagg.stories
                .entry((g.clone(), story.clone()))
                .or_insert_with(|| Counts::new(lex))
                .add(c);
        }
    }
    summary.groups = gagg.sources.len() as u64;
    let group_names: Vec<&str> = gagg.sources.keys().map(String::as_str).collect();
    let group_index: BTreeMap<&str, usize> = group_names
        .iter()
        .enumerate()
        .map(|(i, g)| (*g, i))
        .collect();
    let source_names: Vec<&str> = agg.sources.keys().map(String::as_str).collect();
    // Documents by group, and by group and source (index into summaries).
    let mut by_group: Vec<Vec<&[(u32, u32)]>> = vec![Vec::new(); group_names.len()];
    let mut models: Vec<Vec<DocModelSummary>> = vec![Vec::new(); group_names.len()];
    let mut docs_of_source: Vec<Vec<usize>> = vec![Vec::new(); source_names.len()];
    for (i, d) in summaries.iter().enumerate() {
        if let Ok(si) = source_names.binary_search(&&*d.source) {
            docs_of_source[si].push(i);
        }
        if let Some(&gi) = of_source
            .get(&*d.source)
            .and_then(|g| group_index.get(g.as_str()))
        {
            by_group[gi].push(&d.variants);
            if let Some(m) = &d.model {
                models[gi].push(m.clone());
            }
        }
    }
    let n_sources: Vec<u64> = group_names
        .iter()
        .map(|g| of_source.values().filter(|x| x == g).count() as u64)
        .collect();

    // groups.csv: the per-source estimators, run on the groups.
    let interrupted = || Error::new(ErrorKind::Interrupted);
    let mut est = Default::default();
    if grouping {
        est = pool
            .install(|| estimate_until(&gagg, lex, &by_group, est_opts, opts.cancel.flag()))
            .ok_or_else(interrupted)?;
        if let Some(sc) = scorers {
            let stats = pool
                .install(|| {
                    crate::estimators::models::source_scores_until(
                        sc,
                        &group_names,
                        &models,
                        est_opts.seed,
                        est_opts.bootstrap,
                        opts.cancel.flag(),
                    )
                })
                .ok_or_else(interrupted)?;
            est.learned = crate::estimators::models::source_values(sc, &stats);
        }
        let p = dir.join("groups.csv");
        let f = std::fs::File::create(&p).map_err(io_err(&p))?;
        report::groups::groups_rows(
            std::io::BufWriter::new(f),
            &gagg,
            &est,
            lex,
            &n_sources,
            opts.csv,
        )
        .map_err(|e| csv_err(&p, e))?;
    }
    timings.insert("groups_ms", t.elapsed().as_millis());

    // comparisons.csv.
    let t = Instant::now();
    let group_units: Vec<Unit> = group_names
        .iter()
        .map(|g| Unit {
            name: g.to_string(),
            sources: (source_names.iter().enumerate())
                .filter(|(_, s)| of_source.get(**s).map(String::as_str) == Some(*g))
                .map(|(si, _)| docs_of_source[si].clone())
                .collect(),
        })
        .collect();
    let (units, pairs, pooled_from) = match &opts.compare {
        None => {
            let n = group_units.len();
            let pairs: Vec<(usize, usize)> = (0..n)
                .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
                .collect();
            (group_units, pairs, gagg.total())
        }
        Some((a, b)) => {
            let (ga, gb) = (group_index.get(a.as_str()), group_index.get(b.as_str()));
            let (sa, sb) = (
                source_names.binary_search(&a.as_str()).ok(),
                source_names.binary_search(&b.as_str()).ok(),
            );
            // Name order within the pair, as in the full table.
            let ordered = |x: usize, y: usize, names: &[&str]| {
                if names[x] <= names[y] {
                    (x, y)
                } else {
                    (y, x)
                }
            };
            match ((ga, gb), (sa, sb)) {
                ((Some(&x), Some(&y)), _) => {
                    summary.compared = Some((a.clone(), b.clone(), "groups"));
                    let pair = ordered(x, y, &group_names);
                    (group_units, vec![pair], gagg.total())
                }
                (_, (Some(x), Some(y))) => {
                    summary.compared = Some((a.clone(), b.clone(), "sources"));
                    let units: Vec<Unit> = source_names
                        .iter()
                        .zip(&docs_of_source)
                        .map(|(s, d)| Unit {
                            name: s.to_string(),
                            sources: vec![d.clone()],
                        })
                        .collect();
                    (units, vec![ordered(x, y, &source_names)], agg.total())
                }
                ((ga, gb), (sa, sb)) => {
                    let kind = |g: Option<&usize>, s: Option<usize>| {
                        g.map(|_| "group").or(s.map(|_| "source"))
                    };
                    let msg = match (kind(ga, sa), kind(gb, sb)) {
                        (Some(x), Some(y)) => format!(
                            "--compare: `{a}` is a {x} and `{b}` a {y}; compare two groups or two sources"
                        ),
                        (x, _) => {
                            let unknown = if x.is_none() { a } else { b };
                            let groups = if group_names.is_empty() {
                                String::from("no groups: use --group-col or --groups")
                            } else {
                                format!("groups: {}", group_names.join(", "))
                            };
                            format!(
                                "--compare: no group or source named `{unknown}` ({groups}); \
                                 compare two groups or two sources"
                            )
                        }
                    };
                    return Err(Error::usage(msg));
                }
            }
        }
    };
    let offsets = lex.variant_offsets();
    let measures = Measures {
        families: (lex.families.iter().enumerate())
            .map(|(fi, f)| {
                let range = offsets[fi]..offsets[fi + 1];
                let counts: Vec<u64> = pooled_from.variants[range.clone()]
                    .iter()
                    .map(|c| c[0])
                    .collect();
                let n: u64 = counts.iter().sum();
                let k = counts.len().max(1) as f64;
                let pooled = (counts.iter())
                    .map(|&c| if n == 0 { 1.0 / k } else { c as f64 / n as f64 })
                    .collect();
                let tones = f.variants.iter().map(|v| v.tone).collect();
                (f.id.clone(), range, pooled, tones)
            })
            .collect(),
        categories: lex.categories.iter().map(|c| c.id.clone()).collect(),
        loaded: scorers.is_some_and(|s| s.loaded().is_some()),
        slant: scorers.is_some_and(|s| s.outlet().is_some()),
        strength: est_opts.prior_strength,
        min_matches: est_opts.min_matches,
    };
    let docs: Vec<DocCounts<'_>> = summaries
        .iter()
        .map(|d| DocCounts {
            variants: &d.variants,
            categories: &d.categories,
            authorial_tokens: d.authorial_tokens,
            loaded: d.model.as_ref().and_then(|m| m.loaded),
            slant: d.model.as_ref().and_then(|m| m.slant),
        })
        .collect();
    let rows = pool
        .install(|| {
            compare_until(
                &units,
                &pairs,
                &docs,
                &measures,
                est_opts.bootstrap,
                est_opts.seed,
                opts.cancel.flag(),
            )
        })
        .ok_or_else(interrupted)?;
    let p = dir.join("comparisons.csv");
    let f = std::fs::File::create(&p).map_err(io_err(&p))?;
    report::groups::comparison_rows(std::io::BufWriter::new(f), &rows, opts.csv)
        .map_err(|e| csv_err(&p, e))?;
    summary.comparison_rows = rows.len() as u64;
    summary.significant = rows.iter().filter(|r| r.significant()).count() as u64;
    timings.insert("comparisons_ms", t.elapsed().as_millis());
    let title = match (&summary.compared, grouping) {
        (Some((a, b, "sources")), _) => format!("Sources {a} and {b} compared"),
        _ => format!(
            "{} groups of sources, from the {}",
            summary.groups, summary.from
        ),
    };
    let html = if grouping {
        report::groups::html_section(&gagg, &est, lex, &n_sources, &rows, &title)
    } else {
        report::groups::html_section(
            &Aggregates::new(lex),
            &Default::default(),
            lex,
            &[],
            &rows,
            &title,
        )
    };
    Ok(Some(GroupsOut { summary, html }))
}
