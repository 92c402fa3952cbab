//! Per-source statistics of the learned scores: for each active model, the
//! mean over a source's documents with a 95% percentile interval from
//! bootstrap replicates that resample those documents, the stacked outlet
//! slant, and the empirical-Bayes shrunken slant. The models themselves
//! ([`scorers`](crate::scorers)) only score documents; the numbers here are
//! typed, and [`report::models`](crate::report) renders them as cells.

use crate::scorers::apply::{DocModelSummary, Scorers};
use crate::scorers::stack::{SourceInput, Stacker};
use crate::stats::shrink::Shrinkage;
use crate::stats::{percentile_interval, replicate_rng};
use rand::Rng;
use std::sync::atomic::{AtomicBool, Ordering};

/// An estimate with its 95% bootstrap interval (`None` with fewer than two
/// documents or no replicates).
///
/// ```
/// use slant::estimators::models::Estimate;
/// let e = Estimate { value: 0.3, ci: Some((0.2, 0.4)) };
/// assert!(e.ci.is_some_and(|(lo, hi)| lo <= e.value && e.value <= hi));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The point estimate over all the documents.
    pub value: f64,
    /// The percentile interval.
    pub ci: Option<(f64, f64)>,
}

/// One source's learned scores. A part is `None` when its model is not
/// loaded or no document of the source has that score.
///
/// ```
/// use slant::estimators::models::SourceModelScores;
/// let s = SourceModelScores::default();
/// assert!(s.loaded.is_none() && s.slant.is_none() && s.slant_shrunk.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceModelScores {
    /// Mean loaded-language probability of the documents.
    pub loaded: Option<Estimate>,
    /// The stacked outlet slant (an outlet model with a source stacker).
    pub slant: Option<Estimate>,
    /// Mean document phrase slant: with its interval without a stacker,
    /// the mean alone with one.
    pub slant_mean: Option<Estimate>,
    /// Empirical-Bayes posterior mean slant ([`Shrinkage`] fitted over all
    /// the sources given).
    pub slant_shrunk: Option<f64>,
}

/// The columns the learned scores add to the per-source reports
/// (`sources.csv`, `groups.csv`), as a typed table: the column names, in
/// order, and one row of values per source (`None` for an empty cell).
/// The reports format the numbers; nothing here is text for a cell.
///
/// ```
/// use slant::estimators::models::SourceValues;
/// let mut t = SourceValues::default();
/// assert!(t.is_empty());
/// t.columns.extend(["loaded_mean", "loaded_ci_low", "loaded_ci_high"]);
/// t.rows.push(vec![Some(0.3), None, None]);
/// assert_eq!(t.row(0)[0], Some(0.3));
/// assert!(t.row(5).is_empty()); // a source without learned values
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceValues {
    /// Column names, in the order of the values of each row.
    pub columns: Vec<&'static str>,
    /// `rows[source]`: one value per column.
    pub rows: Vec<Vec<Option<f64>>>,
}

impl SourceModelScores {
    /// The value of the per-source column `column` (a model's
    /// [`Scorer::source_columns`](crate::scorers::scorer::Scorer::source_columns)),
    /// `None` when it is missing or the column is not a learned one. The
    /// `slant_ci_*` bounds are the stacked slant's when there is one, else
    /// the mean phrase slant's (a source has a stacked slant exactly when
    /// a stacker is in use and it has a phrase slant).
    ///
    /// ```
    /// use slant::estimators::models::{Estimate, SourceModelScores};
    /// let s = SourceModelScores {
    ///     slant_mean: Some(Estimate { value: 0.1, ci: Some((-0.2, 0.3)) }),
    ///     ..SourceModelScores::default()
    /// };
    /// assert_eq!(s.value("slant_mean"), Some(0.1));
    /// assert_eq!(s.value("slant_ci_high"), Some(0.3));
    /// assert_eq!((s.value("loaded_mean"), s.value("documents")), (None, None));
    /// ```
    pub fn value(&self, column: &str) -> Option<f64> {
        let low = |e: Option<Estimate>| e.and_then(|e| e.ci).map(|c| c.0);
        let high = |e: Option<Estimate>| e.and_then(|e| e.ci).map(|c| c.1);
        let slant_ci = self.slant.or(self.slant_mean);
        match column {
            "loaded_mean" => self.loaded.map(|e| e.value),
            "loaded_ci_low" => low(self.loaded),
            "loaded_ci_high" => high(self.loaded),
            "slant" => self.slant.map(|e| e.value),
            "slant_mean" => self.slant_mean.map(|e| e.value),
            "slant_ci_low" => low(slant_ci),
            "slant_ci_high" => high(slant_ci),
            "slant_shrunk" => self.slant_shrunk,
            _ => None,
        }
    }
}

impl SourceValues {
    /// The values of source `i` (empty when it has none).
    ///
    /// ```
    /// use slant::estimators::models::SourceValues;
    /// let t = SourceValues { columns: vec!["slant_shrunk"], rows: vec![vec![Some(-0.1)]] };
    /// assert_eq!(t.row(0), [Some(-0.1)]);
    /// ```
    pub fn row(&self, i: usize) -> &[Option<f64>] {
        self.rows.get(i).map_or(&[], Vec::as_slice)
    }

    /// Whether there are no columns.
    ///
    /// ```
    /// use slant::estimators::models::SourceValues;
    /// assert!(SourceValues::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The value of column `name` for source `i`, if the column exists and
    /// the value is there.
    ///
    /// ```
    /// use slant::estimators::models::SourceValues;
    /// let t = SourceValues { columns: vec!["slant_mean"], rows: vec![vec![Some(0.2)], vec![None]] };
    /// assert_eq!(t.get(0, "slant_mean"), Some(0.2));
    /// assert_eq!(t.get(1, "slant_mean"), None);
    /// assert_eq!(t.get(0, "loaded_mean"), None);
    /// ```
    pub fn get(&self, i: usize, name: &str) -> Option<f64> {
        let c = self.columns.iter().position(|h| *h == name)?;
        self.row(i).get(c).copied().flatten()
    }
}

/// The learned columns of the per-source reports for the models loaded,
/// with each source's values from [`source_scores`]: a mean with its
/// interval bounds (`loaded_mean`, `loaded_ci_low`, `loaded_ci_high`),
/// then the stacked slant with its bounds and the mean phrase slant (with
/// a stacker: `slant`, `slant_ci_low`, `slant_ci_high`, `slant_mean`) or
/// the mean phrase slant with its bounds (without: `slant_mean`,
/// `slant_ci_low`, `slant_ci_high`), then the shrunken slant
/// (`slant_shrunk`).
///
/// ```
/// use slant::estimators::models::{source_scores, source_values};
/// use slant::scorers::apply::{DocModelSummary, Scorers};
/// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
/// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
/// // `dir` holds the loaded-language model only.
/// let scorers = Scorers::load(dir.path()).unwrap();
/// let doc = |p: f64| DocModelSummary { loaded: Some(p), ..DocModelSummary::default() };
/// let docs = [vec![doc(0.2), doc(0.4), doc(0.3)], vec![doc(0.9)]];
/// let stats = source_scores(&scorers, &["Daily", "Herald"], &docs, 42, 200);
/// let t = source_values(&scorers, &stats);
/// assert_eq!(t.columns, ["loaded_mean", "loaded_ci_low", "loaded_ci_high"]);
/// assert!((t.rows[0][0].unwrap() - 0.3).abs() < 1e-12);
/// assert_eq!(t.rows[1], [Some(0.9), None, None]); // one document: no interval
/// ```
pub fn source_values(scorers: &Scorers, stats: &[SourceModelScores]) -> SourceValues {
    let columns: Vec<&'static str> = scorers
        .models()
        .flat_map(|m| m.source_columns().iter().copied())
        .collect();
    let rows = stats
        .iter()
        .map(|s| columns.iter().map(|c| s.value(c)).collect())
        .collect();
    SourceValues { columns, rows }
}

/// Per-source learned scores. `docs[i]` holds the [`DocModelSummary`] of
/// every document of the source named `names[i]`; the bootstrap of a score
/// draws its streams from [`replicate_rng`]`(seed, "model\u{1f}source",
/// r)`, so each source and model resamples with streams of its own.
///
/// An outlet model with a source stacker ([`stack`](crate::scorers::stack))
/// gives [`SourceModelScores::slant`], the stacked slant of the source's
/// documents (mean phrase slant and framing-family totals) with its
/// interval from the same document resamples, and the mean phrase slant
/// without an interval; without a stacker the mean phrase slant gets the
/// interval. The outlet model also gets the shrunken slant, which ranks
/// sources with few documents sensibly (a one-article source is pulled
/// towards the overall level); `None` when the sources are too few to fit
/// it.
///
/// ```
/// use slant::estimators::models::source_scores;
/// use slant::scorers::apply::{DocModelSummary, Scorers};
/// # let (dir, file) = (tempfile::tempdir().unwrap(), slant::scorers::loaded::FILE_NAME);
/// # std::fs::copy(Scorers::default_dir().join(file), dir.path().join(file)).unwrap();
/// // `dir` holds the loaded-language model only.
/// let scorers = Scorers::load(dir.path()).unwrap();
/// // loaded_mean per document; no slant without the outlet model.
/// let doc = |p: f64| DocModelSummary { loaded: Some(p), ..DocModelSummary::default() };
/// let docs = [vec![doc(0.2), doc(0.4), doc(0.3)], vec![doc(0.9)]];
/// let s = source_scores(&scorers, &["Daily", "Herald"], &docs, 42, 200);
/// let daily = s[0].loaded.unwrap();
/// assert!((daily.value - 0.3).abs() < 1e-12);
/// let (low, high) = daily.ci.unwrap();
/// assert!(0.2 <= low && low <= 0.3 && 0.3 <= high && high <= 0.4);
/// assert_eq!(s[1].loaded.unwrap().ci, None); // one document: no interval
/// assert!(s[0].slant.is_none() && s[0].slant_shrunk.is_none());
/// ```
pub fn source_scores(
    scorers: &Scorers,
    names: &[&str],
    docs: &[Vec<DocModelSummary>],
    seed: u64,
    bootstrap: usize,
) -> Vec<SourceModelScores> {
    let never = AtomicBool::new(false);
    source_scores_until(scorers, names, docs, seed, bootstrap, &never).unwrap_or_default()
}

/// [`source_scores`] that stops within a bootstrap replicate of `stop`
/// being set, returning `None` then.
pub fn source_scores_until(
    scorers: &Scorers,
    names: &[&str],
    docs: &[Vec<DocModelSummary>],
    seed: u64,
    bootstrap: usize,
    stop: &AtomicBool,
) -> Option<Vec<SourceModelScores>> {
    let slants: Vec<Vec<f64>> = docs
        .iter()
        .map(|d| d.iter().filter_map(|x| x.slant).collect())
        .collect();
    let shrink = scorers.outlet().and_then(|_| {
        let groups: Vec<&[f64]> = slants.iter().map(Vec::as_slice).collect();
        Shrinkage::fit(&groups)
    });
    let out = names
        .iter()
        .zip(docs.iter().zip(&slants))
        .map(|(name, (d, v))| {
            let mut s = SourceModelScores::default();
            if scorers.loaded().is_some() {
                let v: Vec<f64> = d.iter().filter_map(|x| x.loaded).collect();
                s.loaded = mean_interval(&v, seed, &format!("loaded\u{1f}{name}"), bootstrap, stop);
            }
            if let Some(st) = scorers.stacker() {
                let key = format!("slant\u{1f}{name}");
                s.slant = stacked_interval(st, d, seed, &key, bootstrap, stop);
                s.slant_mean = mean_interval(v, seed, "", 0, stop);
            } else if scorers.outlet().is_some() {
                let key = format!("slant\u{1f}{name}");
                s.slant_mean = mean_interval(v, seed, &key, bootstrap, stop);
            }
            if scorers.outlet().is_some() {
                s.slant_shrunk = shrink.filter(|_| !v.is_empty()).map(|sh| sh.shrink(v));
            }
            s
        })
        .collect();
    (!stop.load(Ordering::Relaxed)).then_some(out)
}

/// The stacker's input from some documents (`pick` yields indexes into
/// `docs`, repeats allowed); `None` without a phrase slant.
fn stack_input(
    st: &Stacker,
    docs: &[DocModelSummary],
    pick: impl Iterator<Item = usize>,
) -> Option<SourceInput> {
    let mut x = SourceInput {
        phrase: 0.0,
        families: vec![(0.0, 0.0); st.families.len()],
    };
    let mut n = 0usize;
    for i in pick {
        let d = &docs[i];
        if let Some(s) = d.slant {
            x.phrase += s;
            n += 1;
        }
        for &(f, tone, m) in &d.families {
            if let Some(e) = x.families.get_mut(f as usize) {
                e.0 += tone;
                e.1 += m as f64;
            }
        }
    }
    (n > 0).then(|| {
        x.phrase /= n as f64;
        x
    })
}

/// The stacked source slant and its document-bootstrap interval (`None`
/// without a phrase slant).
fn stacked_interval(
    st: &Stacker,
    docs: &[DocModelSummary],
    seed: u64,
    key: &str,
    bootstrap: usize,
    stop: &AtomicBool,
) -> Option<Estimate> {
    let input = stack_input(st, docs, 0..docs.len())?;
    Some(with_interval(
        st.score(&input),
        docs.len(),
        seed,
        key,
        bootstrap,
        stop,
        |pick| stack_input(st, docs, pick.iter().copied()).map_or(f64::NAN, |x| st.score(&x)),
    ))
}

/// The mean of `v` and its bootstrap interval (`None` without values).
fn mean_interval(
    v: &[f64],
    seed: u64,
    key: &str,
    bootstrap: usize,
    stop: &AtomicBool,
) -> Option<Estimate> {
    if v.is_empty() {
        return None;
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    Some(with_interval(
        mean,
        v.len(),
        seed,
        key,
        bootstrap,
        stop,
        |pick| pick.iter().map(|&i| v[i]).sum::<f64>() / n,
    ))
}

/// An estimate over `n` documents and its 95% percentile interval from
/// `bootstrap` resamples of them (`stat` of the resampled indexes; streams
/// from [`replicate_rng`]`(seed, key, r)`); no interval with fewer than
/// two documents.
fn with_interval(
    value: f64,
    n: usize,
    seed: u64,
    key: &str,
    bootstrap: usize,
    stop: &AtomicBool,
    stat: impl Fn(&[usize]) -> f64,
) -> Estimate {
    let ci = (n >= 2 && bootstrap > 0)
        .then(|| {
            let mut pick = vec![0usize; n];
            let reps: Vec<f64> = (0..bootstrap as u64)
                .take_while(|_| !stop.load(Ordering::Relaxed))
                .map(|r| {
                    let mut rng = replicate_rng(seed, key, r);
                    for p in pick.iter_mut() {
                        *p = rng.random_range(0..n);
                    }
                    stat(&pick)
                })
                .collect();
            percentile_interval(reps, value)
        })
        .flatten();
    Estimate { value, ci }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Per-source intervals stop within a replicate when asked.
    #[test]
    fn source_scores_stop_when_asked() {
        let scorers = Scorers::load(&Scorers::default_dir()).unwrap();
        let docs: Vec<Vec<DocModelSummary>> = vec![
            (0..1000)
                .map(|i| DocModelSummary {
                    loaded: Some(i as f64 / 1e3),
                    slant: Some(0.1),
                    families: vec![(0, 0.5, 1)],
                })
                .collect();
            20
        ];
        let names: Vec<String> = (0..20).map(|i| format!("s{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let stop = AtomicBool::new(true);
        let t = std::time::Instant::now();
        assert!(source_scores_until(&scorers, &names, &docs, 1, 100_000, &stop).is_none());
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
        stop.store(false, Ordering::Relaxed);
        let s = source_scores_until(&scorers, &names, &docs, 1, 20, &stop);
        assert_eq!(s, Some(source_scores(&scorers, &names, &docs, 1, 20)));
    }
}
