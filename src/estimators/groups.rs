//! Groups of sources compared: each pair's difference per family score,
//! category rate and learned score, with a hierarchical bootstrap interval
//! that resamples sources within each group (the unit that carries the
//! group's label) and then documents within each sampled source.
//!
//! A group's value of a measure pools its documents: a family's smoothed
//! score over the summed authorial counts (as [`framing::smoothed_score`](super::framing::smoothed_score),
//! the score `groups.csv` gives), a category's matches per 1,000 authorial
//! tokens, a learned score's mean over the documents that have one.
//!
//! ```
//! use slant::estimators::groups::{compare, DocCounts, Measures, Unit};
//! // One family of two variants (tones -1 and 0, pooled shares 1/2 each).
//! let measures = Measures {
//!     families: vec![("armed_group".into(), 0..2, vec![0.5, 0.5], vec![-1.0, 0.0])],
//!     categories: vec![],
//!     loaded: false,
//!     slant: false,
//!     strength: 2.0,
//!     min_matches: 3,
//! };
//! // Group "left" writes the tone -1 variant, "right" the tone 0 one.
//! let doc = |v: &'static [(u32, u32)]| DocCounts { variants: v, authorial_tokens: 100, ..Default::default() };
//! let mut docs = vec![doc(&[(0, 3)]); 12];
//! docs.extend(vec![doc(&[(1, 3)]); 12]);
//! let units = [
//!     Unit { name: "left".into(), sources: vec![vec![0, 1, 2, 3], vec![4, 5, 6, 7], vec![8, 9, 10, 11]] },
//!     Unit { name: "right".into(), sources: vec![vec![12, 13, 14, 15], vec![16, 17, 18, 19], vec![20, 21, 22, 23]] },
//! ];
//! let rows = compare(&units, &[(0, 1)], &docs, &measures, 200, 42);
//! let r = &rows[0];
//! assert_eq!((r.group_a.as_str(), r.group_b.as_str(), r.measure.as_str()), ("left", "right", "armed_group"));
//! assert_eq!((r.n_sources_a, r.n_docs_b), (3, 12));
//! let (d, (lo, hi)) = (r.difference.unwrap(), r.ci.unwrap());
//! assert!(d > 0.9 && lo <= d && d <= hi && lo > 0.0);
//! ```

use super::framing::{percentile_interval, replicate_rng, smoothed_score};
use rand::Rng;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

/// What a comparison reads of one document.
///
/// ```
/// use slant::estimators::groups::DocCounts;
/// let d = DocCounts { variants: &[(0, 2)], authorial_tokens: 50, loaded: Some(0.3), ..Default::default() };
/// assert_eq!((d.categories.len(), d.slant), (0, None));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct DocCounts<'a> {
    /// Non-zero authorial variant counts: (flat variant, count).
    pub variants: &'a [(u32, u32)],
    /// Non-zero authorial category counts: (category, count).
    pub categories: &'a [(u32, u32)],
    /// Tokens in the outlet's own voice.
    pub authorial_tokens: u64,
    /// Mean loaded-language probability, when the model was applied.
    pub loaded: Option<f64>,
    /// Phrase slant, when the model was applied.
    pub slant: Option<f64>,
}

/// A family compared: its id, flat variant range, pooled authorial shares
/// (the prior's centre) and its variants' tones.
///
/// ```
/// use slant::estimators::groups::FamilyMeasure;
/// let f: FamilyMeasure = ("armed_group".into(), 0..2, vec![0.5, 0.5], vec![-1.0, 0.0]);
/// assert_eq!(f.1.len(), f.3.len());
/// ```
pub type FamilyMeasure = (String, Range<usize>, Vec<f64>, Vec<f64>);

/// The measures compared, in the order of the rows: families, then
/// categories, then the learned scores.
///
/// ```
/// use slant::estimators::groups::Measures;
/// let m = Measures {
///     families: vec![("armed_group".into(), 0..2, vec![0.5, 0.5], vec![-1.0, 0.0])],
///     categories: vec!["hedge".into()],
///     loaded: true,
///     slant: false,
///     strength: 2.0,
///     min_matches: 3,
/// };
/// let names: Vec<(&str, &str)> = m.names().collect();
/// assert_eq!(names, [("family", "armed_group"), ("category", "hedge"), ("learned", "loaded_mean")]);
/// ```
#[derive(Debug, Clone)]
pub struct Measures {
    /// The families.
    pub families: Vec<FamilyMeasure>,
    /// Category ids (rates per 1,000 authorial tokens).
    pub categories: Vec<String>,
    /// Compare the mean loaded-language probability.
    pub loaded: bool,
    /// Compare the mean phrase slant.
    pub slant: bool,
    /// Dirichlet prior strength of the family scores.
    pub strength: f64,
    /// Authorial matches a family score needs.
    pub min_matches: u64,
}

impl Measures {
    /// `(kind, name)` of each measure: `family`, `category` or `learned`.
    pub fn names(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let learned = [(self.loaded, "loaded_mean"), (self.slant, "slant_mean")];
        (self.families.iter().map(|f| ("family", f.0.as_str())))
            .chain(self.categories.iter().map(|c| ("category", c.as_str())))
            .chain(
                learned
                    .into_iter()
                    .filter(|l| l.0)
                    .map(|l| ("learned", l.1)),
            )
    }

    fn n_variants(&self) -> usize {
        self.families.iter().map(|f| f.1.end).max().unwrap_or(0)
    }

    /// Each measure's value from summed counts (`NaN`: none).
    fn values(&self, s: &Sums, out: &mut Vec<f64>) {
        out.clear();
        for (_, range, pooled, tones) in &self.families {
            let counts = &s.variants[range.clone()];
            let n: u64 = counts.iter().sum();
            let v = (n > 0 && n >= self.min_matches)
                .then(|| smoothed_score(counts, pooled, tones, self.strength))
                .flatten();
            out.push(v.unwrap_or(f64::NAN));
        }
        for c in 0..self.categories.len() {
            out.push(if s.tokens == 0 {
                f64::NAN
            } else {
                s.categories[c] as f64 * 1000.0 / s.tokens as f64
            });
        }
        for (on, (sum, n)) in [(self.loaded, s.loaded), (self.slant, s.slant)] {
            if on {
                out.push(if n == 0 { f64::NAN } else { sum / n as f64 });
            }
        }
    }
}

/// Sums over documents.
#[derive(Clone)]
struct Sums {
    variants: Vec<u64>,
    categories: Vec<u64>,
    tokens: u64,
    loaded: (f64, u64),
    slant: (f64, u64),
}

impl Sums {
    fn new(m: &Measures) -> Sums {
        Sums {
            variants: vec![0; m.n_variants()],
            categories: vec![0; m.categories.len()],
            tokens: 0,
            loaded: (0.0, 0),
            slant: (0.0, 0),
        }
    }

    fn clear(&mut self) {
        self.variants.iter_mut().for_each(|c| *c = 0);
        self.categories.iter_mut().for_each(|c| *c = 0);
        self.tokens = 0;
        self.loaded = (0.0, 0);
        self.slant = (0.0, 0);
    }

    fn add(&mut self, d: &DocCounts<'_>) {
        for &(v, c) in d.variants {
            if let Some(x) = self.variants.get_mut(v as usize) {
                *x += c as u64;
            }
        }
        for &(k, c) in d.categories {
            if let Some(x) = self.categories.get_mut(k as usize) {
                *x += c as u64;
            }
        }
        self.tokens += d.authorial_tokens;
        for (acc, x) in [(&mut self.loaded, d.loaded), (&mut self.slant, d.slant)] {
            if let Some(x) = x.filter(|x| x.is_finite()) {
                acc.0 += x;
                acc.1 += 1;
            }
        }
    }
}

/// A group (or a single source) compared: its name and its documents, as
/// indices into the documents, by source (for a single source, one list).
///
/// ```
/// use slant::estimators::groups::Unit;
/// let u = Unit { name: "left".into(), sources: vec![vec![0, 2], vec![1]] };
/// assert_eq!((u.n_sources(), u.n_docs()), (2, 3));
/// ```
#[derive(Debug, Clone)]
pub struct Unit {
    /// Group (or source) name.
    pub name: String,
    /// Each source's documents.
    pub sources: Vec<Vec<usize>>,
}

impl Unit {
    /// Sources with at least one document.
    pub fn n_sources(&self) -> u64 {
        self.sources.iter().filter(|s| !s.is_empty()).count() as u64
    }

    /// Documents.
    pub fn n_docs(&self) -> u64 {
        self.sources.iter().map(|s| s.len() as u64).sum()
    }
}

/// One row of `comparisons.csv`: one measure of one pair of groups (see
/// [`compare`] for how one is made).
///
/// ```
/// use slant::estimators::groups::Comparison;
/// let c = Comparison { group_a: "left".into(), group_b: "right".into(), kind: "category",
///     measure: "hedge".into(), value_a: Some(3.8), value_b: Some(3.7), difference: Some(-0.1),
///     ci: Some((-1.1, 0.7)), n_sources_a: 81, n_sources_b: 72, n_docs_a: 2550, n_docs_b: 2553 };
/// assert!(!c.significant());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The first group (in name order).
    pub group_a: String,
    /// The second group.
    pub group_b: String,
    /// `family`, `category` or `learned`.
    pub kind: &'static str,
    /// Family or category id, or `loaded_mean` / `slant_mean`.
    pub measure: String,
    /// The first group's value.
    pub value_a: Option<f64>,
    /// The second group's value.
    pub value_b: Option<f64>,
    /// `value_b - value_a`.
    pub difference: Option<f64>,
    /// 95% percentile bootstrap interval of the difference (each group
    /// needs two documents).
    pub ci: Option<(f64, f64)>,
    /// Sources of the first group.
    pub n_sources_a: u64,
    /// Sources of the second group.
    pub n_sources_b: u64,
    /// Documents of the first group.
    pub n_docs_a: u64,
    /// Documents of the second group.
    pub n_docs_b: u64,
}

impl Comparison {
    /// Whether the interval leaves out 0.
    ///
    /// ```
    /// # use slant::estimators::groups::Comparison;
    /// let mut c = Comparison { group_a: "a".into(), group_b: "b".into(), kind: "family",
    ///     measure: "m".into(), value_a: Some(0.1), value_b: Some(0.5), difference: Some(0.4),
    ///     ci: Some((0.1, 0.7)), n_sources_a: 3, n_sources_b: 3, n_docs_a: 9, n_docs_b: 9 };
    /// assert!(c.significant());
    /// c.ci = Some((-0.1, 0.7));
    /// assert!(!c.significant());
    /// ```
    pub fn significant(&self) -> bool {
        self.ci.is_some_and(|(lo, hi)| lo > 0.0 || hi < 0.0)
    }
}

/// The random-stream key of a unit: each group (or source) resamples with
/// streams of its own, so a pair's rows are the same whichever other
/// groups are compared (`--compare` gives the rows of the full run).
fn unit_key(name: &str) -> String {
    format!("group\u{1f}{name}")
}

/// Compare each pair `(a, b)` of `units` (indices) on every measure, with
/// `replicates` bootstrap replicates seeded by `seed`.
///
/// ```
/// use slant::estimators::groups::{compare, DocCounts, Measures, Unit};
/// let measures = Measures {
///     families: vec![],
///     categories: vec!["hedge".into()],
///     loaded: false,
///     slant: false,
///     strength: 2.0,
///     min_matches: 3,
/// };
/// // Two sources (one list of documents each): 100 tokens, 1 and 3 hedges.
/// let doc = |n: &'static [(u32, u32)]| DocCounts { categories: n, authorial_tokens: 100, ..Default::default() };
/// let docs = [doc(&[(0, 1)]), doc(&[(0, 1)]), doc(&[(0, 3)]), doc(&[(0, 3)])];
/// let units = [
///     Unit { name: "Daily".into(), sources: vec![vec![0, 1]] },
///     Unit { name: "Herald".into(), sources: vec![vec![2, 3]] },
/// ];
/// let rows = compare(&units, &[(0, 1)], &docs, &measures, 100, 42);
/// assert_eq!((rows[0].value_a, rows[0].value_b), (Some(10.0), Some(30.0))); // per 1,000 tokens
/// assert_eq!(rows[0].difference, Some(20.0));
/// // Documents alike within each source: every replicate gives 20.
/// assert_eq!(rows[0].ci, Some((20.0, 20.0)));
/// ```
pub fn compare(
    units: &[Unit],
    pairs: &[(usize, usize)],
    docs: &[DocCounts<'_>],
    measures: &Measures,
    replicates: usize,
    seed: u64,
) -> Vec<Comparison> {
    let never = AtomicBool::new(false);
    compare_until(units, pairs, docs, measures, replicates, seed, &never).unwrap_or_default()
}

/// [`compare`] that stops within a replicate of `stop` being set,
/// returning `None` then. Replicates run in parallel (rayon), each with its
/// own random stream per unit ([`replicate_rng`]), so the result does not
/// depend on the thread count.
pub(crate) fn compare_until(
    units: &[Unit],
    pairs: &[(usize, usize)],
    docs: &[DocCounts<'_>],
    measures: &Measures,
    replicates: usize,
    seed: u64,
    stop: &AtomicBool,
) -> Option<Vec<Comparison>> {
    // Only the units some pair uses are resampled.
    let used: Vec<usize> = {
        let mut u: Vec<usize> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
        u.sort_unstable();
        u.dedup();
        u
    };
    let slot: BTreeMap<usize, usize> = used.iter().enumerate().map(|(i, &u)| (u, i)).collect();
    let mut sums = Sums::new(measures);
    let point: Vec<Vec<f64>> = (used.iter())
        .map(|&u| {
            sums.clear();
            for &d in units[u].sources.iter().flatten() {
                sums.add(&docs[d]);
            }
            let mut v = Vec::new();
            measures.values(&sums, &mut v);
            v
        })
        .collect();
    let keys: Vec<String> = used.iter().map(|&u| unit_key(&units[u].name)).collect();
    // reps[r][slot][measure]
    let reps: Vec<Vec<Vec<f64>>> = (0..replicates)
        .into_par_iter()
        .map_init(
            || Sums::new(measures),
            |sums, r| {
                if stop.load(Ordering::Relaxed) {
                    return Vec::new();
                }
                (used.iter().zip(&keys))
                    .map(|(&u, key)| {
                        let mut rng = replicate_rng(seed, key, r as u64);
                        sums.clear();
                        let sources: Vec<&Vec<usize>> =
                            units[u].sources.iter().filter(|s| !s.is_empty()).collect();
                        for _ in 0..sources.len() {
                            let s = sources[rng.random_range(0..sources.len())];
                            for _ in 0..s.len() {
                                sums.add(&docs[s[rng.random_range(0..s.len())]]);
                            }
                        }
                        let mut v = Vec::new();
                        measures.values(sums, &mut v);
                        v
                    })
                    .collect()
            },
        )
        .collect();
    if stop.load(Ordering::Relaxed) {
        return None;
    }
    let names: Vec<(&'static str, &str)> = measures.names().collect();
    let finite = |x: f64| x.is_finite().then_some(x);
    let mut rows = Vec::with_capacity(pairs.len() * names.len());
    for &(a, b) in pairs {
        let (sa, sb) = (slot[&a], slot[&b]);
        let (ua, ub) = (&units[a], &units[b]);
        let varies = ua.n_docs() >= 2 && ub.n_docs() >= 2;
        for (m, &(kind, name)) in names.iter().enumerate() {
            let (va, vb) = (finite(point[sa][m]), finite(point[sb][m]));
            let difference = va.zip(vb).map(|(x, y)| y - x);
            let ci = difference.filter(|_| varies).and_then(|d| {
                let diffs: Vec<f64> = reps.iter().map(|r| r[sb][m] - r[sa][m]).collect();
                percentile_interval(diffs, d)
            });
            rows.push(Comparison {
                group_a: ua.name.clone(),
                group_b: ub.name.clone(),
                kind,
                measure: name.to_string(),
                value_a: va,
                value_b: vb,
                difference,
                ci,
                n_sources_a: ua.n_sources(),
                n_sources_b: ub.n_sources(),
                n_docs_a: ua.n_docs(),
                n_docs_b: ub.n_docs(),
            });
        }
    }
    Some(rows)
}

/// Each source's group from its documents' values: the most frequent value
/// wins (ties: the smallest); documents without a value do not vote.
/// Returns source → group and the sources whose documents disagree, each
/// with its values and their document counts (in value order).
///
/// ```
/// use slant::estimators::groups::majority_groups;
/// let docs = [("fox", Some("right")), ("fox", Some("right")), ("fox", Some("center")),
///             ("ap", Some("left")), ("ap", Some("center")), ("blog", None)];
/// let (groups, conflicts) = majority_groups(docs);
/// assert_eq!(groups["fox"], "right");
/// assert_eq!(groups["ap"], "center"); // a tie: the smallest value
/// assert!(!groups.contains_key("blog"));
/// assert_eq!(conflicts.len(), 2);
/// assert_eq!(conflicts["ap"], [("center".to_string(), 1), ("left".to_string(), 1)]);
/// ```
#[allow(clippy::type_complexity)]
pub fn majority_groups<'a>(
    docs: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> (
    BTreeMap<String, String>,
    BTreeMap<String, Vec<(String, u64)>>,
) {
    let mut votes: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for (source, group) in docs {
        if let Some(g) = group {
            *votes.entry(source).or_default().entry(g).or_default() += 1;
        }
    }
    let mut groups = BTreeMap::new();
    let mut conflicts = BTreeMap::new();
    for (source, v) in votes {
        // Values iterate in order: the first with the most votes wins.
        let best = v.iter().fold(None, |best: Option<(&str, u64)>, (&g, &n)| {
            if best.is_none_or(|(_, b)| n > b) {
                Some((g, n))
            } else {
                best
            }
        });
        if let Some((g, _)) = best {
            groups.insert(source.to_string(), g.to_string());
        }
        if v.len() > 1 {
            let list = v.iter().map(|(g, n)| (g.to_string(), *n)).collect();
            conflicts.insert(source.to_string(), list);
        }
    }
    (groups, conflicts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn one_family() -> Measures {
        Measures {
            families: vec![("f".into(), 0..2, vec![0.5, 0.5], vec![-1.0, 0.0])],
            categories: vec!["c".into()],
            loaded: true,
            slant: false,
            strength: 2.0,
            min_matches: 3,
        }
    }

    /// Documents of `sources` sources per group: in each document,
    /// `matches` matches, each of the tone -1 variant with the source's
    /// own probability (drawn around `p` with spread between sources).
    fn simulate(
        rng: &mut rand_chacha::ChaCha8Rng,
        p: [f64; 2],
        sources: usize,
        docs_per_source: usize,
    ) -> (Vec<Vec<(u32, u32)>>, Vec<Unit>) {
        let mut docs = Vec::new();
        let mut units = Vec::new();
        for (g, &pg) in p.iter().enumerate() {
            let mut unit = Unit {
                name: format!("g{g}"),
                sources: Vec::new(),
            };
            for _ in 0..sources {
                let ps = (pg + rng.random_range(-0.15..0.15)).clamp(0.0, 1.0);
                let mut list = Vec::new();
                for _ in 0..docs_per_source {
                    let k = (0..4).filter(|_| rng.random_bool(ps)).count() as u32;
                    let mut d = Vec::new();
                    if k > 0 {
                        d.push((0, k));
                    }
                    if k < 4 {
                        d.push((1, 4 - k));
                    }
                    list.push(docs.len());
                    docs.push(d);
                }
                unit.sources.push(list);
            }
            units.push(unit);
        }
        (docs, units)
    }

    /// Run `f` on a pool of its own, so that these tests' bootstraps do
    /// not hold up the global pool the other tests time.
    fn alone<T: Send>(f: impl FnOnce() -> T + Send) -> T {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(f)
    }

    fn counts(docs: &[Vec<(u32, u32)>]) -> Vec<DocCounts<'_>> {
        docs.iter()
            .map(|v| DocCounts {
                variants: v,
                authorial_tokens: 100,
                loaded: Some(0.5),
                ..Default::default()
            })
            .collect()
    }

    /// A known difference (share of the tone -1 variant 0.2 against 0.7:
    /// scores about -0.2 and -0.7, a difference of about -0.5) lies in the
    /// interval, which leaves out 0.
    #[test]
    fn a_known_difference_is_recovered() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let (docs, units) = simulate(&mut rng, [0.2, 0.7], 8, 15);
        let m = one_family();
        let c = counts(&docs);
        let rows = alone(|| compare(&units, &[(0, 1)], &c, &m, 400, 7));
        let f = &rows[0];
        assert_eq!((f.kind, f.measure.as_str()), ("family", "f"));
        let (d, (lo, hi)) = (f.difference.unwrap(), f.ci.unwrap());
        assert!((d + 0.5).abs() < 0.1, "{d}");
        assert!(lo <= -0.5 && -0.5 <= hi, "[{lo}, {hi}]");
        assert!(f.significant());
        // Same loaded score everywhere: a difference of 0.
        let l = rows.iter().find(|r| r.measure == "loaded_mean").unwrap();
        assert_eq!((l.difference, l.ci), (Some(0.0), Some((0.0, 0.0))));
    }

    /// Two groups drawn from the same distribution: the interval of the
    /// difference covers 0 in nearly every simulation (95% nominally).
    #[test]
    fn same_distribution_intervals_cover_zero() {
        let m = one_family();
        let mut covered = 0;
        let runs = 40;
        for seed in 0..runs {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(100 + seed);
            let (docs, units) = simulate(&mut rng, [0.4, 0.4], 6, 10);
            let c = counts(&docs);
            let rows = alone(|| compare(&units, &[(0, 1)], &c, &m, 300, seed));
            let (lo, hi) = rows[0].ci.unwrap();
            covered += u32::from(lo <= 0.0 && 0.0 <= hi);
        }
        assert!(covered >= 34, "{covered} of {runs}");
    }

    /// Threads change nothing; a set stop flag gives `None`.
    #[test]
    fn deterministic_and_stoppable() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let (docs, units) = simulate(&mut rng, [0.3, 0.6], 4, 6);
        let c = counts(&docs);
        let m = one_family();
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| compare(&units, &[(0, 1)], &c, &m, 100, 9))
        };
        assert_eq!(run(1), run(3));
        let stop = AtomicBool::new(true);
        assert!(compare_until(&units, &[(0, 1)], &c, &m, 100_000, 9, &stop).is_none());
    }

    /// Too few matches: no value, no difference; one document: no interval.
    #[test]
    fn thin_groups_give_empty_cells() {
        let docs = [vec![(0u32, 1u32)], vec![(1, 5)], vec![(1, 5)]];
        let units = [
            Unit {
                name: "a".into(),
                sources: vec![vec![0]],
            },
            Unit {
                name: "b".into(),
                sources: vec![vec![1, 2]],
            },
        ];
        let rows = compare(&units, &[(0, 1)], &counts(&docs), &one_family(), 50, 1);
        assert_eq!((rows[0].value_a, rows[0].difference), (None, None));
        assert!(rows[0].value_b.is_some());
        let cat = &rows[1];
        assert_eq!(cat.difference, Some(0.0));
        assert_eq!(cat.ci, None, "one document in a: no interval");
    }
}
