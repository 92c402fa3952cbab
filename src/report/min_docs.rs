//! `--min-docs N`: sources with fewer analyzed documents are left out of
//! the per-source reports (`sources.csv`, `sources_long.csv`,
//! `families.csv`, `terms.csv`, the charts, `timeseries.csv`) once every
//! statistic is computed, so they still count in the pooled proportions,
//! the keyness reference, the story peers and the overview's totals.

use crate::estimators::Estimates;
use crate::features::Aggregates;

/// The sources `--min-docs` left out, for `run.json` (`min_docs`) and the
/// report's overview.
///
/// ```
/// use slant::report::SmallSources;
/// let s = SmallSources { min_docs: 20, sources: 1, names: vec!["blog".into()], ..Default::default() };
/// let json = serde_json::to_value(&s).unwrap();
/// assert_eq!(json["min_docs"], 20);
/// assert_eq!(json["names"][0], "blog");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SmallSources {
    /// The threshold: sources with fewer analyzed documents are left out.
    pub min_docs: u64,
    /// How many sources were left out.
    pub sources: u64,
    /// Their documents.
    pub documents: u64,
    /// Their names, sorted.
    pub names: Vec<String>,
    /// Their tokens (all, own voice, quoted), still in the overview's
    /// totals.
    #[serde(skip)]
    pub tokens: [u64; 3],
}

/// Whether a source with `docs` analyzed documents is left out under
/// `--min-docs min_docs`.
///
/// ```
/// use slant::report::too_small;
/// assert!(too_small(19, 20) && !too_small(20, 20));
/// assert!(!too_small(1, 1) && !too_small(1, 0));
/// ```
pub fn too_small(docs: u64, min_docs: u64) -> bool {
    docs < min_docs
}

/// Take the sources with fewer than `min_docs` documents out of `agg` and
/// `est` (their rows of the per-source estimates, their terms, with the
/// other sources' term indices renumbered, and
/// [`Estimates::variant_rows_left_out`] counted over the sources kept).
/// `None`, and nothing changed,
/// when `min_docs` is at most 1 (every source has a document).
///
/// ```
/// use slant::corpus::Document;
/// use slant::estimators::{estimate, EstimatorOptions};
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// use slant::report::drop_small_sources;
/// let lex = slant::lexicon::Lexicon::builtin();
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// for (i, src) in ["big", "big", "small"].iter().enumerate() {
///     ex.extract(&Document::new(i.to_string(), *src, "Militants attacked."), &mut ws, &mut agg);
/// }
/// let opts = EstimatorOptions { bootstrap: 10, ..Default::default() };
/// let mut est = estimate(&agg, &lex, &[vec![], vec![]], &opts);
/// assert!(drop_small_sources(&mut agg, &mut est, 1).is_none());
/// let left = drop_small_sources(&mut agg, &mut est, 2).unwrap();
/// assert_eq!((left.sources, left.documents, left.names.as_slice()), (1, 1, &["small".to_string()][..]));
/// assert_eq!(agg.sources.keys().collect::<Vec<_>>(), ["big"]);
/// assert_eq!(est.families.len(), 1);
/// ```
pub fn drop_small_sources(
    agg: &mut Aggregates,
    est: &mut Estimates,
    min_docs: u64,
) -> Option<SmallSources> {
    if min_docs <= 1 {
        return None;
    }
    let n_variants = agg
        .sources
        .values()
        .next()
        .map_or(0, |s| s.counts.variants.len());
    let keep: Vec<bool> = agg
        .sources
        .values()
        .map(|s| !too_small(s.counts.docs, min_docs))
        .collect();
    let mut left = SmallSources {
        min_docs,
        ..Default::default()
    };
    agg.sources.retain(|name, s| {
        let small = too_small(s.counts.docs, min_docs);
        if small {
            left.sources += 1;
            left.documents += s.counts.docs;
            left.names.push(name.clone());
            let c = &s.counts;
            left.tokens[0] += c.tokens;
            left.tokens[1] += c.authorial_tokens;
            left.tokens[2] += c.quoted_tokens;
        }
        !small
    });
    // New index of each kept source.
    let mut new_index = Vec::with_capacity(keep.len());
    let mut next = 0usize;
    for &k in &keep {
        new_index.push(k.then_some(next));
        next += usize::from(k);
    }
    let kept = |i: usize| keep.get(i).copied().unwrap_or(false);
    let mut i = 0;
    est.families.retain(|_| {
        i += 1;
        kept(i - 1)
    });
    let mut i = 0;
    est.learned.rows.retain(|_| {
        i += 1;
        kept(i - 1)
    });
    let mut variant_rows_dropped = 0u64;
    est.terms
        .retain_mut(|t| match new_index.get(t.source).copied().flatten() {
            Some(n) => {
                t.source = n;
                true
            }
            None => {
                variant_rows_dropped += u64::from(t.kind == "variant");
                false
            }
        });
    // What `terms.csv` leaves out, over the sources it still lists.
    est.variant_rows_left_out = est
        .variant_rows_left_out
        .saturating_sub((left.sources * n_variants as u64).saturating_sub(variant_rows_dropped));
    Some(left)
}
