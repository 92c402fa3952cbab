//! The log-odds z of each label of `labels.csv`: how much more a source
//! uses the label for a referent than the other sources do for the same
//! referent, with an informative Dirichlet prior (as the family variants of
//! `terms.csv`: `α_w = α₀ · pooled share of the label`).

use super::logodds::log_odds;
use crate::features::referents::{LabelRow, UNRESOLVED};
use rustc_hash::FxHashMap;

/// z of every row of `rows` (same order; NaN for `unresolved` rows and
/// where the source is the only one, or the only one using labels, for the
/// referent). Counts are summed over voices and link rules per (story,
/// referent, source, label).
///
/// ```
/// use slant::estimators::labels::label_z;
/// use slant::features::referents::LabelRow;
/// use slant::text::Voice;
/// let row = |source: &str, label: &str, count: u64| LabelRow {
///     story: String::new(), referent: "Taliban".into(), source: source.into(),
///     label: label.into(), voice: Voice::Authorial, link: "title".into(), count,
/// };
/// let rows = [row("a", "terrorist group", 9), row("a", "fighters", 1),
///             row("b", "terrorist group", 1), row("b", "fighters", 9)];
/// let z = label_z(&rows, 10.0, false);
/// assert!(z[0] > 1.0 && z[1] < -1.0);
/// assert!((z[0] + z[2]).abs() < 1e-9); // two sources: mirror images
/// ```
pub fn label_z(rows: &[LabelRow], alpha0: f64, exact: bool) -> Vec<f64> {
    type Ref<'a> = (&'a str, &'a str);
    // Hashed, not ordered: only looked up (labels.csv has ~10⁵ rows).
    let mut by_source: FxHashMap<(Ref, &str, &str), u64> = FxHashMap::default();
    let mut pooled: FxHashMap<(Ref, &str), u64> = FxHashMap::default();
    let mut source_total: FxHashMap<(Ref, &str), u64> = FxHashMap::default();
    let mut total: FxHashMap<Ref, u64> = FxHashMap::default();
    for r in rows.iter().filter(|r| r.referent != UNRESOLVED) {
        let k: Ref = (&r.story, &r.referent);
        *by_source.entry((k, &r.source, &r.label)).or_default() += r.count;
        *pooled.entry((k, &r.label)).or_default() += r.count;
        *source_total.entry((k, &r.source)).or_default() += r.count;
        *total.entry(k).or_default() += r.count;
    }
    rows.iter()
        .map(|r| {
            if r.referent == UNRESOLVED {
                return f64::NAN;
            }
            let k: Ref = (&r.story, &r.referent);
            let n_all = total[&k] as f64;
            let n_i = source_total[&(k, r.source.as_str())] as f64;
            let y_i = by_source[&(k, r.source.as_str(), r.label.as_str())] as f64;
            let pool = pooled[&(k, r.label.as_str())] as f64;
            let (n_j, y_j) = (n_all - n_i, pool - y_i);
            if n_j <= 0.0 {
                return f64::NAN;
            }
            log_odds(y_i, n_i, y_j, n_j, alpha0 * pool / n_all, alpha0, exact).z
        })
        .collect()
}
