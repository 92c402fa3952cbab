//! Statistics over aggregates: framing scores with intervals, story
//! control and distinctive terms. Everything here reads only
//! [`Aggregates`] and per-document variant counts, runs in parallel with
//! rayon, and is deterministic for a given `seed` whatever the thread
//! count (one RNG stream per bootstrap replicate).

pub mod framing;
pub mod groups;
pub mod labels;
pub mod logodds;
pub mod models;
pub use crate::stats::shrink;
pub mod terms;
pub mod timeseries;
pub mod wordfish;

pub use logodds::Prior;
pub use terms::TermRow;

use crate::features::Aggregates;
use crate::lexicon::Lexicon;
use framing::StoryDeviation;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// Tone-weighted share of a family's variants: `Σ tone_v · n_v / Σ n_v`,
/// or `None` when there are no matches.
///
/// ```
/// let s = slant::estimators::raw_score([3u64, 1], [-1.0, 0.0]);
/// assert_eq!(s, Some(-0.75));
/// assert_eq!(slant::estimators::raw_score([0u64, 0], [-1.0, 0.0]), None);
/// ```
pub fn raw_score(
    counts: impl IntoIterator<Item = u64>,
    tones: impl IntoIterator<Item = f64>,
) -> Option<f64> {
    let (mut n, mut s) = (0u64, 0.0);
    for (c, t) in counts.into_iter().zip(tones) {
        n += c;
        s += c as f64 * t;
    }
    (n > 0).then(|| s / n as f64)
}

/// Index of the most frequent variant (ties go to the first in lexicon
/// order), or `None` when there are no matches.
///
/// ```
/// assert_eq!(slant::estimators::dominant(&[1, 3, 3]), Some(1));
/// assert_eq!(slant::estimators::dominant(&[0, 0]), None);
/// ```
pub fn dominant(counts: &[u64]) -> Option<usize> {
    let mut best: Option<(usize, u64)> = None;
    for (i, &c) in counts.iter().enumerate() {
        if c > 0 && best.is_none_or(|(_, b)| c > b) {
            best = Some((i, c));
        }
    }
    best.map(|(i, _)| i)
}

/// Settings of the statistical model (recorded in `run.json`).
///
/// ```
/// use slant::estimators::EstimatorOptions;
/// let opts = EstimatorOptions { bootstrap: 200, seed: 7, ..Default::default() };
/// let json = serde_json::to_value(&opts).unwrap();
/// assert_eq!(json["bootstrap"], 200);
/// assert_eq!(json["min_matches"], 3);
/// assert_eq!(json["prior"], "informative");
/// ```
#[derive(Debug, Clone, serde::Serialize)]
pub struct EstimatorOptions {
    /// Seed for every bootstrap.
    pub seed: u64,
    /// Bootstrap replicates.
    pub bootstrap: usize,
    /// Dirichlet prior strength for family scores (pseudo-matches spread
    /// over variants in pooled proportions).
    pub prior_strength: f64,
    /// Fewer authorial matches than this: no score, flag `few_matches`.
    pub min_matches: u64,
    /// Prior for the log-odds.
    pub prior: Prior,
    /// α₀ for the open-vocabulary log-odds.
    pub alpha0: f64,
    /// α₀ for the family-variant log-odds.
    pub family_alpha0: f64,
    /// Add the complement terms to the variance of δ.
    pub exact_variance: bool,
    /// Pooled count an n-gram needs to be tested.
    pub min_count: u64,
    /// N-grams kept per source and order in `terms.csv`.
    pub top_terms: usize,
    /// Keep every tested n-gram.
    pub all_terms: bool,
    /// Authorial tokens a source needs for its n-grams to be tested (fewer:
    /// no n-gram rows for it; its words still count for the others).
    pub min_source_tokens: u64,
    /// Words whose n-grams are left out of the keyness (lower-cased; see
    /// [`terms::read_stopwords`]). `run.json` records the file instead.
    #[serde(skip)]
    pub stopwords: Vec<String>,
}

impl Default for EstimatorOptions {
    fn default() -> Self {
        EstimatorOptions {
            seed: 42,
            bootstrap: 1000,
            prior_strength: 2.0,
            min_matches: 3,
            prior: Prior::Informative,
            alpha0: 1000.0,
            family_alpha0: 10.0,
            exact_variance: false,
            min_count: 5,
            top_terms: 30,
            all_terms: false,
            min_source_tokens: 50,
            stopwords: Vec::new(),
        }
    }
}

/// Estimates for one source and one family.
///
/// ```
/// use slant::estimators::{estimate, EstimatorOptions, FamilyEstimate};
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
/// // Sources "a" (3 × "terrorists", 1 × "insurgents") and "b" (1 and 2),
/// // in stories "s1" and "s2", extracted as in the example of `estimate`.
/// let est = estimate(&agg, &lex, &by_source, &EstimatorOptions::default());
/// let e: &FamilyEstimate = &est.families[0][0]; // source "a", family "armed_group"
/// assert_eq!((e.flag, e.n_matches, e.n_quoted), ("ok", 4, 0));
/// assert_eq!(e.dominant, Some(0)); // "terrorist", the family's first variant
/// assert_eq!(e.raw_score, Some(-0.75)); // (3 × -1 + 1 × 0) / 4
/// let (score, (lo, hi)) = (e.score.unwrap(), e.ci.unwrap());
/// assert!(lo <= score && score <= hi);
/// // "a" is 1 below "b" in story s1 and level with it in s2.
/// assert_eq!((e.story_score, e.n_stories), (Some(-0.5), 2));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FamilyEstimate {
    /// Most frequent authorial variant.
    pub dominant: Option<usize>,
    /// Raw tone-weighted share (authorial).
    pub raw_score: Option<f64>,
    /// Smoothed score (empty when flagged).
    pub score: Option<f64>,
    /// Bootstrap 95% interval of the smoothed score (needs ≥ 2 documents).
    pub ci: Option<(f64, f64)>,
    /// Authorial matches.
    pub n_matches: u64,
    /// Quoted matches.
    pub n_quoted: u64,
    /// `ok`, `no_matches` or `few_matches`.
    pub flag: &'static str,
    /// Story-adjusted score (deviation from same-story peers).
    pub story_score: Option<f64>,
    /// Bootstrap 95% interval over stories (needs ≥ 2 stories).
    pub story_ci: Option<(f64, f64)>,
    /// Stories shared with at least one other source (with matches).
    pub n_stories: u64,
}

/// All estimates of a run, indexed like `Aggregates::sources` (sorted by
/// source) and `Lexicon::families`.
///
/// ```
/// use slant::estimators::{estimate, EstimatorOptions};
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
/// // Sources "a" (3 × "terrorists", 1 × "insurgents") and "b" (1 and 2),
/// // in stories "s1" and "s2", extracted as in the example of `estimate`.
/// let est = estimate(&agg, &lex, &by_source, &EstimatorOptions::default());
/// let names: Vec<&str> = agg.sources.keys().map(String::as_str).collect();
/// assert_eq!(names, ["a", "b"]);
/// assert_eq!((est.families.len(), est.families[0].len()), (2, lex.families.len()));
/// assert!(est.has_stories);
/// // Each source's family variants come first among its terms.
/// let t = &est.terms[0];
/// assert_eq!((names[t.source], t.kind, t.term.as_str()), ("a", "variant", "terrorist"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Estimates {
    /// `families[source][family]`.
    pub families: Vec<Vec<FamilyEstimate>>,
    /// Whether any document had a story id.
    pub has_stories: bool,
    /// Distinctive terms (variants first, then n-grams), sorted by source.
    pub terms: Vec<TermRow>,
    /// The learned scorers' `sources.csv` columns and their values per
    /// source ([`models::source_values`]; empty without models).
    pub learned: models::SourceValues,
    /// (source, variant) pairs without a `terms.csv` row: families the
    /// source has no authorial match of, variants no source used (see
    /// [`terms::variant_rows`]).
    pub variant_rows_left_out: u64,
    /// Sources whose n-grams were not tested: fewer authorial tokens than
    /// [`EstimatorOptions::min_source_tokens`].
    pub ngram_sources_skipped: u64,
}

/// One document's sparse authorial variant counts, grouped by source for
/// the bootstrap.
pub type DocVariants<'a> = &'a [(u32, u32)];

/// Compute every estimate. `docs_by_source[s]` lists the documents of the
/// `s`-th source (in `agg.sources` order) as sparse variant counts: the
/// `(flat variant, authorial count)` pairs of its non-zero variants.
///
/// ```
/// use slant::estimators::{estimate, EstimatorOptions};
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// # use slant::corpus::Document;
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
/// // `lex`: family "armed_group", variants "terrorist" (tone -1) and
/// // "insurgent" (tone 0). `docs`: source "a" writes "terrorists" 3 times
/// // and "insurgents" once, source "b" once and twice, in two stories.
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// let mut per_doc = Vec::new();
/// for d in &docs {
///     let f = ex.extract(d, &mut ws, &mut agg);
///     let sparse: Vec<(u32, u32)> = (0u32..).zip(&f.counts.variants)
///         .filter(|(_, c)| c[0] > 0).map(|(v, c)| (v, c[0] as u32)).collect();
///     per_doc.push((d.source.clone(), sparse));
/// }
/// let by_source: Vec<Vec<&[(u32, u32)]>> = agg.sources.keys()
///     .map(|s| per_doc.iter().filter(|(src, _)| src == s).map(|(_, v)| v.as_slice()).collect())
///     .collect();
/// let est = estimate(&agg, &lex, &by_source, &EstimatorOptions::default());
/// let (a, b) = (&est.families[0][0], &est.families[1][0]);
/// assert!(a.score.unwrap() < b.score.unwrap());
/// ```
pub fn estimate(
    agg: &Aggregates,
    lex: &Lexicon,
    docs_by_source: &[Vec<DocVariants<'_>>],
    opts: &EstimatorOptions,
) -> Estimates {
    let never = AtomicBool::new(false);
    estimate_until(agg, lex, docs_by_source, opts, &never).unwrap_or_default()
}

/// One family's parameters for the smoothed scores: its flat variant
/// range, the pooled authorial shares of its variants over the whole run
/// (uniform when no source matched it) and their tones.
pub type FamilyParams = (std::ops::Range<usize>, Vec<f64>, Vec<f64>);

/// Each family's [`FamilyParams`] from a run's pooled authorial counts:
/// what [`framing::smoothed_score`] centres its prior on.
///
/// ```
/// use slant::estimators::family_params;
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// # use slant::corpus::Document;
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
/// // `lex`: family "armed_group", variants "terrorist" (tone -1) and
/// // "insurgent" (tone 0).
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// ex.extract(&Document::new("1", "a", "Terrorists and insurgents. Terrorists."), &mut ws, &mut agg);
/// let fams = family_params(&agg, &lex);
/// let (range, pooled, tones) = &fams[0];
/// assert_eq!((range.clone(), tones.as_slice()), (0..2, &[-1.0, 0.0][..]));
/// assert!((pooled[0] - 2.0 / 3.0).abs() < 1e-12);
/// ```
pub fn family_params(agg: &Aggregates, lex: &Lexicon) -> Vec<FamilyParams> {
    let offsets = lex.variant_offsets();
    let total = agg.total();
    lex.families
        .iter()
        .enumerate()
        .map(|(fi, f)| {
            let range = offsets[fi]..offsets[fi + 1];
            let counts: Vec<u64> = total.variants[range.clone()].iter().map(|c| c[0]).collect();
            let n: u64 = counts.iter().sum();
            let k = counts.len().max(1) as f64;
            let pooled = counts
                .iter()
                .map(|&c| if n == 0 { 1.0 / k } else { c as f64 / n as f64 })
                .collect();
            (range, pooled, f.variants.iter().map(|v| v.tone).collect())
        })
        .collect()
}

/// [`estimate`] that stops within a bootstrap replicate of `stop` being
/// set, returning `None` then.
pub(crate) fn estimate_until(
    agg: &Aggregates,
    lex: &Lexicon,
    docs_by_source: &[Vec<DocVariants<'_>>],
    opts: &EstimatorOptions,
    stop: &AtomicBool,
) -> Option<Estimates> {
    let fams = family_params(agg, lex);
    let stories = story_deviations(agg, &fams);
    let names: Vec<&String> = agg.sources.keys().collect();
    let families: Vec<Vec<FamilyEstimate>> = agg
        .sources
        .values()
        .enumerate()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&(si, sa)| {
            let docs = docs_by_source.get(si).map(Vec::as_slice).unwrap_or(&[]);
            // One document gives no interval (below), so no replicates.
            let resampled = if docs.len() >= 2 { docs } else { &[] };
            let reps = framing::bootstrap_source_until(
                resampled,
                lex.n_variants(),
                &fams,
                opts.prior_strength,
                opts.bootstrap,
                opts.seed,
                names[si],
                stop,
            );
            fams.iter()
                .enumerate()
                .map(|(fi, (range, pooled, tones))| {
                    let counts: Vec<u64> = sa.counts.variants[range.clone()]
                        .iter()
                        .map(|c| c[0])
                        .collect();
                    let n: u64 = counts.iter().sum();
                    let flag = if n == 0 {
                        "no_matches"
                    } else if n < opts.min_matches {
                        "few_matches"
                    } else {
                        "ok"
                    };
                    let score = (flag == "ok")
                        .then(|| {
                            framing::smoothed_score(&counts, pooled, tones, opts.prior_strength)
                        })
                        .flatten();
                    // One document (or one story) carries no information
                    // about sampling variability: no interval then.
                    let ci = score
                        .filter(|_| docs.len() >= 2)
                        .and_then(|s| framing::percentile_interval(reps[fi].clone(), s));
                    let devs = stories.get(&(si, fi)).map(Vec::as_slice).unwrap_or(&[]);
                    let story_score = framing::story_adjusted(devs);
                    let story_ci = story_score.filter(|_| devs.len() >= 2).and_then(|s| {
                        let key = format!("{}\u{1f}{}\u{1f}story", names[si], lex.families[fi].id);
                        framing::percentile_interval(
                            framing::bootstrap_stories_until(
                                devs,
                                opts.bootstrap,
                                opts.seed,
                                &key,
                                stop,
                            ),
                            s,
                        )
                    });
                    FamilyEstimate {
                        dominant: dominant(&counts),
                        raw_score: raw_score(counts.iter().copied(), tones.iter().copied()),
                        score,
                        ci,
                        n_matches: n,
                        n_quoted: sa.counts.variants[range.clone()].iter().map(|c| c[1]).sum(),
                        flag,
                        story_score,
                        story_ci,
                        n_stories: devs.len() as u64,
                    }
                })
                .collect()
        })
        .collect();
    if stop.load(Ordering::Relaxed) {
        return None;
    }
    let (mut terms, ngrams) = rayon::join(
        || terms::variant_rows(agg, lex, opts),
        || terms::ngram_rows_until(agg, opts, stop),
    );
    let variant_rows_left_out = (agg.sources.len() * lex.n_variants() - terms.len()) as u64;
    terms.extend(ngrams);
    terms.sort_by(|a, b| {
        a.source
            .cmp(&b.source)
            .then_with(|| (a.kind == "ngram").cmp(&(b.kind == "ngram")))
            .then_with(|| a.family.cmp(&b.family))
            .then_with(|| a.order.cmp(&b.order))
            .then_with(|| a.rank.cmp(&b.rank))
    });
    if stop.load(Ordering::Relaxed) {
        return None;
    }
    Some(Estimates {
        families,
        has_stories: !agg.stories.is_empty(),
        terms,
        variant_rows_left_out,
        ngram_sources_skipped: terms::ngram_sources_skipped(agg, opts),
        ..Default::default()
    })
}

/// For each (source index, family index): the deviations of the source
/// from its peers in every story it shares with at least one other source
/// that also has matches of the family there.
fn story_deviations(
    agg: &Aggregates,
    fams: &[FamilyParams],
) -> BTreeMap<(usize, usize), Vec<StoryDeviation>> {
    let index: BTreeMap<&str, usize> = agg
        .sources
        .keys()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    // story -> [(source index, counts)]
    let mut by_story: BTreeMap<&str, Vec<(usize, &crate::features::Counts)>> = BTreeMap::new();
    for ((source, story), counts) in &agg.stories {
        if let Some(&si) = index.get(source.as_str()) {
            by_story
                .entry(story.as_str())
                .or_default()
                .push((si, counts));
        }
    }
    let mut out: BTreeMap<(usize, usize), Vec<StoryDeviation>> = BTreeMap::new();
    for members in by_story.values() {
        let members: Vec<(usize, &[[u64; 2]])> = members
            .iter()
            .map(|(si, c)| (*si, c.variants.as_slice()))
            .collect();
        story_members_deviations(&members, fams, &mut out);
    }
    out
}

/// The deviations of each member of one story from its peers, per family:
/// `members` holds each member's (key index, variant counts `[authorial,
/// quoted]` over all flat variants); members with no authorial match of a
/// family are left out of it, and a family needs two members with matches.
/// Appends to `out[(key index, family)]`.
pub(crate) fn story_members_deviations(
    members: &[(usize, &[[u64; 2]])],
    fams: &[FamilyParams],
    out: &mut BTreeMap<(usize, usize), Vec<StoryDeviation>>,
) {
    for (fi, (range, _, tones)) in fams.iter().enumerate() {
        let per: Vec<(usize, Vec<u64>)> = members
            .iter()
            .map(|(si, c)| {
                (
                    *si,
                    c[range.clone()].iter().map(|x| x[0]).collect::<Vec<u64>>(),
                )
            })
            .filter(|(_, v)| v.iter().sum::<u64>() > 0)
            .collect();
        if per.len() < 2 {
            continue;
        }
        let mut pooled = vec![0u64; range.len()];
        for (_, v) in &per {
            for (p, x) in pooled.iter_mut().zip(v) {
                *p += x;
            }
        }
        for (si, v) in &per {
            let others: Vec<u64> = pooled.iter().zip(v).map(|(p, x)| p - x).collect();
            let (Some(mine), Some(theirs)) = (
                raw_score(v.iter().copied(), tones.iter().copied()),
                raw_score(others.iter().copied(), tones.iter().copied()),
            ) else {
                continue;
            };
            out.entry((*si, fi)).or_default().push(StoryDeviation {
                deviation: mine - theirs,
                weight: v.iter().sum::<u64>() as f64,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Document;
    use crate::features::{Extractor, FeatureOptions, Workspace};

    /// `estimate_until` gives `estimate`'s numbers, or `None` at once when
    /// stopped (here with 100,000 replicates for 50 sources, minutes of
    /// work).
    #[test]
    fn estimation_stops_when_asked() {
        let lex = Lexicon::builtin();
        let ex = Extractor::new(&lex, FeatureOptions::default());
        let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
        let mut per_doc = Vec::new();
        for i in 0..200 {
            let label = ["terrorists", "insurgents", "militants"][i % 3];
            let text = format!("The {label} attacked the town. {label} fled.");
            let d = Document::new(i.to_string(), format!("s{}", i % 50), text)
                .with_story(format!("e{}", i % 4));
            let f = ex.extract(&d, &mut ws, &mut agg);
            let sparse: Vec<(u32, u32)> = (0u32..)
                .zip(&f.counts.variants)
                .filter(|(_, c)| c[0] > 0)
                .map(|(v, c)| (v, c[0] as u32))
                .collect();
            per_doc.push((d.source.clone(), sparse));
        }
        let by_source: Vec<Vec<&[(u32, u32)]>> = agg
            .sources
            .keys()
            .map(|s| {
                per_doc
                    .iter()
                    .filter(|(src, _)| src == s)
                    .map(|(_, v)| v.as_slice())
                    .collect()
            })
            .collect();
        let mut opts = EstimatorOptions {
            bootstrap: 100_000,
            ..Default::default()
        };
        let t = std::time::Instant::now();
        let stopped = estimate_until(&agg, &lex, &by_source, &opts, &AtomicBool::new(true));
        assert!(stopped.is_none());
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
        opts.bootstrap = 50;
        let never = AtomicBool::new(false);
        let a = estimate_until(&agg, &lex, &by_source, &opts, &never).unwrap();
        let b = estimate(&agg, &lex, &by_source, &opts);
        assert_eq!(format!("{:?}", a.families), format!("{:?}", b.families));
        assert!(a.families[0].iter().any(|f| f.ci.is_some()));
    }
}
