//! Framing over time (`--period`): every measure of `sources.csv` that
//! is a mean or a rate (family scores, category rates, learned-score
//! means) per calendar period and per key (the document's source today;
//! any per-document key, such as a group, works the same way), with the
//! pooled value of all documents of the period beside them.
//!
//! Each (period, key) cell is one sample of documents: its family scores
//! are Dirichlet-smoothed towards the *run's* pooled proportions (so a
//! period's score moves only when its word choice does), its intervals
//! are 95% percentile intervals of a bootstrap over the cell's documents
//! (one random stream per replicate, seeded by
//! [`super::framing::replicate_rng`]), and its
//! story-adjusted score restricts the story deviations to the period's
//! documents. Only documents whose date was read into a calendar day are
//! placed in a period; the others are counted ([`TimeSeries::undated`]).
//!
//! ```
//! use slant::estimators::timeseries::{time_series, Period, TimeDoc, TimeSpec};
//! use slant::corpus::date::Date;
//! // One family (variants 0 "terrorist", tone -1, and 1 "insurgent", tone 0),
//! // pooled shares one half each; no category, no learned score.
//! let fams = vec![(0..2, vec![0.5, 0.5], vec![-1.0, 0.0])];
//! let spec = TimeSpec {
//!     period: Period::Month,
//!     families: &fams,
//!     family_ids: &["armed_group".to_string()],
//!     category_ids: &[],
//!     learned: &[],
//!     scope: "source",
//!     prior_strength: 2.0,
//!     min_matches: 3,
//!     bootstrap: 200,
//!     seed: 42,
//! };
//! let doc = |key, y, m, d, variants| TimeDoc {
//!     key,
//!     date: Some(Date::new(y, m, d).unwrap()),
//!     variants,
//!     ..TimeDoc::default()
//! };
//! // "wire" writes "terrorists" in January and "insurgents" in March.
//! let docs = [
//!     doc("wire", 2020, 1, 5, &[(0, 3)][..]),
//!     doc("wire", 2020, 1, 20, &[(0, 2)][..]),
//!     doc("wire", 2020, 3, 2, &[(1, 4)][..]),
//!     doc("wire", 2020, 3, 9, &[(1, 1)][..]),
//! ];
//! let ts = time_series(&docs, &spec);
//! let score = |period: &str, scope: &str| {
//!     ts.rows.iter().find(|r| r.period == period && r.scope == scope).unwrap().value.unwrap()
//! };
//! assert!(score("2020-01", "source") < -0.5 && score("2020-03", "source") > -0.5);
//! // No document in February: no row for it.
//! assert!(ts.rows.iter().all(|r| r.period != "2020-02"));
//! assert_eq!((ts.dated, ts.undated, ts.periods.len()), (4, 0, 2));
//! ```

use super::framing::{percentile_interval, replicate_rng, smoothed_score, story_adjusted};
use super::{story_members_deviations, FamilyParams};
use crate::corpus::date::Date;
use rand::Rng;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// A calendar period (`--period`).
///
/// ```
/// use slant::estimators::timeseries::Period;
/// use slant::corpus::date::Date;
/// let d = Date::new(2020, 2, 14).unwrap();
/// assert_eq!(Period::Week.label(d), "2020-W07");
/// assert_eq!(Period::Month.label(d), "2020-02");
/// assert_eq!(Period::Quarter.label(d), "2020-Q1");
/// assert_eq!(Period::Year.label(d), "2020");
/// assert_eq!(Period::Week.start(d), Date::new(2020, 2, 10).unwrap()); // a Monday
/// assert_eq!("quarter".parse::<Period>(), Ok(Period::Quarter));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// ISO week (Monday to Sunday), labelled by its ISO week-year:
    /// `2020-W07`; 29 December 2025 is in `2026-W01`.
    Week,
    /// Calendar month: `2020-03`.
    Month,
    /// Calendar quarter: `2020-Q1` (January to March).
    Quarter,
    /// Calendar year: `2020`.
    Year,
}

impl Period {
    /// The option's value: `week`, `month`, `quarter` or `year`.
    pub fn name(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }

    /// The first day of the period that holds `d`.
    pub fn start(self, d: Date) -> Date {
        let first = |m: i8| Date::new(d.year(), m, 1).unwrap_or(d);
        match self {
            Period::Week => {
                let w = d.iso_week_date();
                jiff::civil::ISOWeekDate::new(w.year(), w.week(), jiff::civil::Weekday::Monday)
                    .map(|m| m.date())
                    .unwrap_or(d)
            }
            Period::Month => d.first_of_month(),
            Period::Quarter => first((d.month() - 1) / 3 * 3 + 1),
            Period::Year => d.first_of_year(),
        }
    }

    /// The ISO label of the period that holds `d` (see [`Period`]).
    pub fn label(self, d: Date) -> String {
        match self {
            Period::Week => {
                let w = d.iso_week_date();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            Period::Month => format!("{:04}-{:02}", d.year(), d.month()),
            Period::Quarter => format!("{:04}-Q{}", d.year(), (d.month() - 1) / 3 + 1),
            Period::Year => format!("{:04}", d.year()),
        }
    }
}

impl std::str::FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Period, String> {
        match s {
            "week" => Ok(Period::Week),
            "month" => Ok(Period::Month),
            "quarter" => Ok(Period::Quarter),
            "year" => Ok(Period::Year),
            _ => Err(format!(
                "unknown period `{s}` (expected week, month, quarter or year)"
            )),
        }
    }
}

/// One document, as the time series reads it.
///
/// ```
/// use slant::estimators::timeseries::TimeDoc;
/// let d = TimeDoc { key: "wire", authorial_tokens: 120, ..TimeDoc::default() };
/// assert!(d.reported && d.date.is_none());
/// ```
#[derive(Debug, Clone)]
pub struct TimeDoc<'a> {
    /// The key its rows are reported under (the source, or a group).
    pub key: &'a str,
    /// Whether its key gets rows of its own (`false`: a source under
    /// `--min-docs`; the document still counts in the pooled rows and as
    /// a story peer).
    pub reported: bool,
    /// Its date, when it could be read into a calendar day.
    pub date: Option<Date>,
    /// Its story id.
    pub story: Option<&'a str>,
    /// Non-zero authorial variant counts: (flat variant, count).
    pub variants: &'a [(u32, u32)],
    /// Non-zero authorial category counts: (category, count).
    pub categories: &'a [(u32, u32)],
    /// Tokens in the outlet's own voice.
    pub authorial_tokens: u64,
    /// Learned scores, in the order of [`TimeSpec::learned`].
    pub learned: Vec<Option<f64>>,
}

impl Default for TimeDoc<'_> {
    fn default() -> Self {
        TimeDoc {
            key: "",
            reported: true,
            date: None,
            story: None,
            variants: &[],
            categories: &[],
            authorial_tokens: 0,
            learned: Vec::new(),
        }
    }
}

/// What to measure and how (the run's settings).
#[derive(Debug, Clone)]
pub struct TimeSpec<'a> {
    /// The period.
    pub period: Period,
    /// Each family's flat range, the run's pooled shares and the tones
    /// (see [`family_params`](super::family_params)).
    pub families: &'a [FamilyParams],
    /// Family ids, in the order of `families`.
    pub family_ids: &'a [String],
    /// Category ids (category index = position).
    pub category_ids: &'a [String],
    /// Names of the learned scores (`loaded_mean`, `slant_mean`).
    pub learned: &'a [String],
    /// What a key is (`source`): the `scope` of its rows.
    pub scope: &'a str,
    /// Dirichlet prior strength of the family scores.
    pub prior_strength: f64,
    /// Fewer authorial matches in a cell: no family score there.
    pub min_matches: u64,
    /// Bootstrap replicates.
    pub bootstrap: usize,
    /// Seed.
    pub seed: u64,
}

/// What a measure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MeasureKind {
    /// A framing family's smoothed score (-1 to +1).
    Family,
    /// A category's authorial matches per 1,000 authorial tokens.
    Category,
    /// A learned score's mean over the documents.
    Model,
}

impl MeasureKind {
    /// `family`, `category` or `model`.
    pub fn name(self) -> &'static str {
        match self {
            MeasureKind::Family => "family",
            MeasureKind::Category => "category",
            MeasureKind::Model => "model",
        }
    }
}

/// One row of `timeseries.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeRow {
    /// The period's label (`2020-03`).
    pub period: String,
    /// Its first day.
    pub start: Date,
    /// `all` for the pooled row of the period, else [`TimeSpec::scope`].
    pub scope: String,
    /// The key (empty in pooled rows).
    pub key: String,
    /// What the measure is.
    pub kind: MeasureKind,
    /// The measure's name (family, category or learned-score id).
    pub measure: String,
    /// The value (none: too few matches, no tokens, no scored document).
    pub value: Option<f64>,
    /// Its 95% bootstrap interval (needs two documents).
    pub ci: Option<(f64, f64)>,
    /// Documents of the cell.
    pub n_docs: u64,
    /// Authorial matches (families only).
    pub n_matches: Option<u64>,
    /// Story-adjusted score from the period's shared stories (families
    /// of keyed rows only; none without a shared story in the period).
    pub story_value: Option<f64>,
}

/// The time series of a run.
#[derive(Debug, Clone, Default)]
pub struct TimeSeries {
    /// Rows by period (in time order), pooled row first, keys sorted;
    /// measures in the order families, categories, learned scores.
    pub rows: Vec<TimeRow>,
    /// The periods with documents: (label, first day), in time order.
    pub periods: Vec<(String, Date)>,
    /// Documents placed in a period.
    pub dated: u64,
    /// Documents without a usable date (not in any period).
    pub undated: u64,
}

/// [`time_series_until`] without a stop flag.
pub fn time_series(docs: &[TimeDoc<'_>], spec: &TimeSpec<'_>) -> TimeSeries {
    time_series_until(docs, spec, &AtomicBool::new(false)).unwrap_or_default()
}

/// One (period, key) cell: its documents (indices into the run's).
struct Cell {
    period: usize,
    /// `None`: the pooled cell.
    key: Option<usize>,
    docs: Vec<usize>,
}

/// Sums over a sample of documents, from which every measure is read.
struct Sums {
    variants: Vec<u64>,
    categories: Vec<u64>,
    tokens: u64,
    learned: Vec<(f64, u64)>,
}

impl Sums {
    fn new(spec: &TimeSpec<'_>, n_variants: usize) -> Sums {
        Sums {
            variants: vec![0; n_variants],
            categories: vec![0; spec.category_ids.len()],
            tokens: 0,
            learned: vec![(0.0, 0); spec.learned.len()],
        }
    }

    fn clear(&mut self) {
        self.variants.iter_mut().for_each(|c| *c = 0);
        self.categories.iter_mut().for_each(|c| *c = 0);
        self.tokens = 0;
        self.learned.iter_mut().for_each(|l| *l = (0.0, 0));
    }

    fn add(&mut self, d: &TimeDoc<'_>) {
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
        for (l, v) in self.learned.iter_mut().zip(&d.learned) {
            if let Some(v) = v.filter(|v| v.is_finite()) {
                l.0 += v;
                l.1 += 1;
            }
        }
    }

    /// Every measure, in row order (families, categories, learned).
    fn measures(&self, spec: &TimeSpec<'_>, out: &mut Vec<Option<f64>>) {
        out.clear();
        for (range, pooled, tones) in spec.families {
            let counts = &self.variants[range.clone()];
            let n: u64 = counts.iter().sum();
            out.push(if n >= spec.min_matches.max(1) {
                smoothed_score(counts, pooled, tones, spec.prior_strength)
            } else {
                None
            });
        }
        for &c in &self.categories {
            out.push((self.tokens > 0).then(|| c as f64 * 1000.0 / self.tokens as f64));
        }
        for &(s, n) in &self.learned {
            out.push((n > 0).then(|| s / n as f64));
        }
    }
}

/// The time series of `docs` (see the [module](self)), or `None` when
/// `stop` was set before it was done. Parallel over cells (rayon);
/// the same whatever the thread count.
pub fn time_series_until(
    docs: &[TimeDoc<'_>],
    spec: &TimeSpec<'_>,
    stop: &AtomicBool,
) -> Option<TimeSeries> {
    let n_variants = spec.families.iter().map(|f| f.0.end).max().unwrap_or(0);
    // Periods in time order, keys sorted.
    let mut periods: BTreeMap<Date, String> = BTreeMap::new();
    let mut keys: BTreeMap<&str, usize> = BTreeMap::new();
    let mut undated = 0u64;
    for d in docs {
        match d.date {
            Some(date) => {
                let start = spec.period.start(date);
                periods
                    .entry(start)
                    .or_insert_with(|| spec.period.label(date));
                keys.entry(d.key).or_insert(0);
            }
            None => undated += 1,
        }
    }
    for (i, v) in keys.values_mut().enumerate() {
        *v = i;
    }
    let key_names: Vec<&str> = keys.keys().copied().collect();
    let period_index: BTreeMap<Date, usize> =
        periods.keys().enumerate().map(|(i, &d)| (d, i)).collect();
    // Cells: per period, the pooled cell then one per reported key.
    let mut by_cell: BTreeMap<(usize, Option<usize>), Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        let Some(date) = d.date else { continue };
        let p = period_index[&spec.period.start(date)];
        by_cell.entry((p, None)).or_default().push(i);
        if d.reported {
            by_cell.entry((p, Some(keys[d.key]))).or_default().push(i);
        }
    }
    let cells: Vec<Cell> = by_cell
        .into_iter()
        .map(|((period, key), docs)| Cell { period, key, docs })
        .collect();
    let periods: Vec<(String, Date)> = periods.into_iter().map(|(d, l)| (l, d)).collect();
    // Story deviations per period: (period, key, family) -> deviations.
    let stories = period_story_deviations(docs, spec, &period_index, &keys, n_variants);
    let measure_names: Vec<(MeasureKind, &str)> = spec
        .family_ids
        .iter()
        .map(|f| (MeasureKind::Family, f.as_str()))
        .chain(
            spec.category_ids
                .iter()
                .map(|c| (MeasureKind::Category, c.as_str())),
        )
        .chain(
            spec.learned
                .iter()
                .map(|l| (MeasureKind::Model, l.as_str())),
        )
        .collect();
    let rows: Vec<Vec<TimeRow>> = cells
        .par_iter()
        .map(|cell| {
            let (label, start) = &periods[cell.period];
            let (scope, key) = match cell.key {
                None => ("all", ""),
                Some(k) => (spec.scope, key_names[k]),
            };
            let mut sums = Sums::new(spec, n_variants);
            for &i in &cell.docs {
                sums.add(&docs[i]);
            }
            let mut values = Vec::new();
            sums.measures(spec, &mut values);
            let n_matches: Vec<u64> = spec
                .families
                .iter()
                .map(|(r, _, _)| sums.variants[r.clone()].iter().sum())
                .collect();
            // Replicates (none for a single document: no interval then).
            let mut reps: Vec<Vec<f64>> = vec![Vec::new(); values.len()];
            if cell.docs.len() >= 2 {
                let rng_key = format!("time\u{1f}{label}\u{1f}{scope}\u{1f}{key}");
                let mut rep = Vec::new();
                for r in 0..spec.bootstrap {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let mut rng = replicate_rng(spec.seed, &rng_key, r as u64);
                    sums.clear();
                    for _ in 0..cell.docs.len() {
                        sums.add(&docs[cell.docs[rng.random_range(0..cell.docs.len())]]);
                    }
                    sums.measures(spec, &mut rep);
                    for (out, v) in reps.iter_mut().zip(&rep) {
                        if let Some(v) = v {
                            out.push(*v);
                        }
                    }
                }
            }
            values
                .iter()
                .zip(reps)
                .enumerate()
                .map(|(m, (value, reps))| {
                    let (kind, name) = measure_names[m];
                    let ci = value
                        .filter(|_| cell.docs.len() >= 2)
                        .and_then(|v| percentile_interval(reps, v));
                    let story_value = match (kind, cell.key) {
                        (MeasureKind::Family, Some(k)) => stories
                            .get(&(cell.period, k, m))
                            .and_then(|d| story_adjusted(d)),
                        _ => None,
                    };
                    TimeRow {
                        period: label.clone(),
                        start: *start,
                        scope: scope.to_string(),
                        key: key.to_string(),
                        kind,
                        measure: name.to_string(),
                        value: *value,
                        ci,
                        n_docs: cell.docs.len() as u64,
                        n_matches: (kind == MeasureKind::Family).then(|| n_matches[m]),
                        story_value,
                    }
                })
                .collect()
        })
        .collect();
    if stop.load(Ordering::Relaxed) {
        return None;
    }
    let dated = docs.len() as u64 - undated;
    Some(TimeSeries {
        rows: rows.into_iter().flatten().collect(),
        periods,
        dated,
        undated,
    })
}

type StoryMap = BTreeMap<(usize, usize, usize), Vec<super::framing::StoryDeviation>>;

/// For each (period, key, family): the key's deviations from its peers in
/// the stories of the period it shares with another key (the documents of
/// the period only, every key a peer, reported or not).
fn period_story_deviations(
    docs: &[TimeDoc<'_>],
    spec: &TimeSpec<'_>,
    period_index: &BTreeMap<Date, usize>,
    keys: &BTreeMap<&str, usize>,
    n_variants: usize,
) -> StoryMap {
    // (period, story) -> key -> dense counts [authorial, 0].
    type Members = BTreeMap<usize, Vec<[u64; 2]>>;
    let mut by_story: BTreeMap<(usize, &str), Members> = BTreeMap::new();
    for d in docs {
        let (Some(date), Some(story)) = (d.date, d.story) else {
            continue;
        };
        let p = period_index[&spec.period.start(date)];
        let counts = by_story
            .entry((p, story))
            .or_default()
            .entry(keys[d.key])
            .or_insert_with(|| vec![[0, 0]; n_variants]);
        for &(v, c) in d.variants {
            if let Some(x) = counts.get_mut(v as usize) {
                x[0] += c as u64;
            }
        }
    }
    let mut out = StoryMap::new();
    let mut per_period: BTreeMap<(usize, usize), Vec<super::framing::StoryDeviation>> =
        BTreeMap::new();
    let mut last: Option<usize> = None;
    for ((p, _), members) in &by_story {
        if last != Some(*p) {
            flush_period(&mut out, &mut per_period, last);
            last = Some(*p);
        }
        let members: Vec<(usize, &[[u64; 2]])> =
            members.iter().map(|(k, c)| (*k, c.as_slice())).collect();
        story_members_deviations(&members, spec.families, &mut per_period);
    }
    flush_period(&mut out, &mut per_period, last);
    out
}

fn flush_period(
    out: &mut StoryMap,
    per_period: &mut BTreeMap<(usize, usize), Vec<super::framing::StoryDeviation>>,
    period: Option<usize>,
) {
    if let Some(p) = period {
        for ((k, f), devs) in std::mem::take(per_period) {
            out.insert((p, k, f), devs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    /// Labels and first days at the boundaries of years, quarters and ISO
    /// weeks (whose year is not always the calendar year).
    #[test]
    fn period_keys_at_boundaries() {
        use Period::*;
        type Ymd = (i16, i8, i8);
        let cases: &[(Period, Ymd, &str, Ymd)] = &[
            // ISO week 1 of 2026 starts on Monday 29 December 2025.
            (Week, (2025, 12, 29), "2026-W01", (2025, 12, 29)),
            (Week, (2025, 12, 28), "2025-W52", (2025, 12, 22)),
            (Week, (2026, 1, 4), "2026-W01", (2025, 12, 29)),
            // 1 January 2021 (a Friday) is in week 53 of 2020.
            (Week, (2021, 1, 1), "2020-W53", (2020, 12, 28)),
            (Week, (2021, 1, 3), "2020-W53", (2020, 12, 28)),
            (Week, (2021, 1, 4), "2021-W01", (2021, 1, 4)),
            (Week, (2020, 2, 29), "2020-W09", (2020, 2, 24)),
            (Month, (2020, 2, 29), "2020-02", (2020, 2, 1)),
            (Month, (2019, 12, 31), "2019-12", (2019, 12, 1)),
            (Quarter, (2020, 3, 31), "2020-Q1", (2020, 1, 1)),
            (Quarter, (2020, 4, 1), "2020-Q2", (2020, 4, 1)),
            (Quarter, (2020, 9, 30), "2020-Q3", (2020, 7, 1)),
            (Quarter, (2020, 12, 31), "2020-Q4", (2020, 10, 1)),
            (Year, (2020, 12, 31), "2020", (2020, 1, 1)),
            (Year, (1999, 1, 1), "1999", (1999, 1, 1)),
        ];
        for &(p, (y, m, d), label, (sy, sm, sd)) in cases {
            let x = date(y, m, d);
            assert_eq!(p.label(x), label, "{p:?} {x}");
            assert_eq!(p.start(x), date(sy, sm, sd), "{p:?} {x}");
            // The first day is in the period it starts.
            assert_eq!(p.label(p.start(x)), label);
        }
        for p in [Week, Month, Quarter, Year] {
            assert_eq!(p.name().parse::<Period>(), Ok(p));
        }
        assert!("fortnight".parse::<Period>().is_err());
    }

    fn spec<'a>(fams: &'a [FamilyParams], ids: &'a [String], bootstrap: usize) -> TimeSpec<'a> {
        TimeSpec {
            period: Period::Month,
            families: fams,
            family_ids: ids,
            category_ids: &[],
            learned: &[],
            scope: "source",
            prior_strength: 2.0,
            min_matches: 3,
            bootstrap,
            seed: 7,
        }
    }

    /// A trend planted month by month (the share of "terrorist" falling
    /// from 90% to 10% over nine months) comes back: scores rise with the
    /// months, each month's interval holds the true score of the month.
    #[test]
    fn a_known_trend_is_recovered() {
        let fams = vec![(0..2, vec![0.5, 0.5], vec![-1.0, 0.0])];
        let ids = vec!["armed_group".to_string()];
        let mut variants: Vec<Vec<(u32, u32)>> = Vec::new();
        let mut dates = Vec::new();
        let mut truth = Vec::new();
        for m in 1..=9i8 {
            let p = 0.9 - 0.1 * (m - 1) as f64; // share of "terrorist"
            truth.push(-p);
            // 40 documents of 5 matches each with exactly that share
            // overall (deterministic, no random draws).
            let terror = (p * 200.0).round() as u32;
            for i in 0..40u32 {
                let t = terror / 40 + u32::from(i < terror % 40);
                let v: Vec<(u32, u32)> = [(0, t), (1, 5 - t)]
                    .into_iter()
                    .filter(|&(_, c)| c > 0)
                    .collect();
                variants.push(v);
                dates.push(date(2020, m, 1 + (i % 28) as i8));
            }
        }
        let docs: Vec<TimeDoc> = variants
            .iter()
            .zip(&dates)
            .map(|(v, &d)| TimeDoc {
                key: "wire",
                date: Some(d),
                variants: v,
                ..TimeDoc::default()
            })
            .collect();
        let ts = time_series(&docs, &spec(&fams, &ids, 300));
        let wire: Vec<&TimeRow> = ts.rows.iter().filter(|r| r.scope == "source").collect();
        assert_eq!(wire.len(), 9);
        let values: Vec<f64> = wire.iter().map(|r| r.value.unwrap()).collect();
        assert!(values.windows(2).all(|w| w[0] < w[1]), "{values:?}");
        for (r, t) in wire.iter().zip(&truth) {
            let (lo, hi) = r.ci.unwrap();
            // The smoothing pulls 200 matches towards -0.5 by under 1%.
            assert!(
                lo - 0.01 <= *t && *t <= hi + 0.01,
                "{}: {t} not in {lo}..{hi}",
                r.period
            );
            assert_eq!((r.n_docs, r.n_matches), (40, Some(200)));
        }
        // One key: the pooled rows say the same.
        let all: Vec<Option<f64>> = ts
            .rows
            .iter()
            .filter(|r| r.scope == "all")
            .map(|r| r.value)
            .collect();
        assert_eq!(all, values.into_iter().map(Some).collect::<Vec<_>>());
    }

    /// Rows, categories, learned means, story values and undated documents
    /// on a small table of documents; the same with one thread or four.
    #[test]
    fn table_of_cells() {
        let fams = vec![(0..2, vec![0.5, 0.5], vec![-1.0, 0.0])];
        let ids = vec!["armed_group".to_string()];
        let cats = vec!["hedge".to_string()];
        let learned = vec!["loaded_mean".to_string()];
        let mut spec = spec(&fams, &ids, 50);
        spec.category_ids = &cats;
        spec.learned = &learned;
        spec.period = Period::Quarter;
        let d = |key, m, story, variants, cat, tok, l| TimeDoc {
            key,
            reported: key != "tiny",
            date: (m > 0).then(|| date(2021, m, 10)),
            story,
            variants,
            categories: cat,
            authorial_tokens: tok,
            learned: vec![l],
        };
        let docs = [
            d(
                "a",
                1,
                Some("s1"),
                &[(0, 4)][..],
                &[(0, 2)][..],
                1000,
                Some(0.2),
            ),
            d("a", 2, Some("s2"), &[(0, 2)][..], &[][..], 1000, None),
            d(
                "b",
                3,
                Some("s1"),
                &[(1, 4)][..],
                &[(0, 6)][..],
                2000,
                Some(0.6),
            ),
            d("tiny", 5, Some("s3"), &[(1, 3)][..], &[][..], 100, None),
            d("a", 0, None, &[(0, 9)][..], &[][..], 100, None),
        ];
        let ts = time_series(&docs, &spec);
        assert_eq!((ts.dated, ts.undated), (4, 1));
        let labels: Vec<&str> = ts.periods.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(labels, ["2021-Q1", "2021-Q2"]);
        let cell = |period: &str, key: &str, measure: &str| {
            ts.rows
                .iter()
                .find(|r| r.period == period && r.key == key && r.measure == measure)
                .unwrap_or_else(|| panic!("{period} {key} {measure}"))
        };
        // Q1 pooled: 6 terrorist, 4 insurgent; hedges 8 per 4,000 tokens.
        let all = cell("2021-Q1", "", "armed_group");
        assert_eq!(
            (all.scope.as_str(), all.n_docs, all.n_matches),
            ("all", 3, Some(10))
        );
        let want = smoothed_score(&[6, 4], &[0.5, 0.5], &[-1.0, 0.0], 2.0);
        assert_eq!(all.value, want);
        assert_eq!(all.story_value, None);
        assert_eq!(cell("2021-Q1", "", "hedge").value, Some(2.0));
        assert_eq!(cell("2021-Q1", "", "loaded_mean").value, Some(0.4));
        assert_eq!(cell("2021-Q1", "a", "hedge").value, Some(1.0));
        assert_eq!(cell("2021-Q1", "a", "loaded_mean").value, Some(0.2));
        // "a" said "terrorist" (-1) in s1, "b" "insurgent" (0).
        assert_eq!(cell("2021-Q1", "a", "armed_group").story_value, Some(-1.0));
        assert_eq!(cell("2021-Q1", "b", "armed_group").story_value, Some(1.0));
        // "b" has one document: a value, no interval.
        let b = cell("2021-Q1", "b", "armed_group");
        assert!(b.value.is_some() && b.ci.is_none());
        // "tiny" is not reported but counts in Q2's pooled row, whose
        // 3 matches reach min_matches.
        assert!(ts.rows.iter().all(|r| r.key != "tiny"));
        assert_eq!(cell("2021-Q2", "", "armed_group").n_matches, Some(3));
        // Rows: 2 periods' pooled rows + a, b in Q1; 3 measures each.
        assert_eq!(ts.rows.len(), 4 * 3);
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let one = pool(1).install(|| time_series(&docs, &spec));
        let four = pool(4).install(|| time_series(&docs, &spec));
        assert_eq!(one.rows, four.rows);
        assert_eq!(one.rows, ts.rows);
    }

    #[test]
    fn a_stop_ends_the_series() {
        let fams = vec![(0..2, vec![0.5, 0.5], vec![-1.0, 0.0])];
        let ids = vec!["armed_group".to_string()];
        let docs: Vec<TimeDoc> = (0..100)
            .map(|i| TimeDoc {
                key: "a",
                date: Some(date(2020, 1 + (i % 12) as i8, 1)),
                variants: &[(0, 1)],
                ..TimeDoc::default()
            })
            .collect();
        let spec = spec(&fams, &ids, 1_000_000);
        let t = std::time::Instant::now();
        assert!(time_series_until(&docs, &spec, &AtomicBool::new(true)).is_none());
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
    }
}
