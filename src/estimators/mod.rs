//! Statistics over aggregates: framing scores, intervals, log-odds.

use crate::features::Aggregates;
use crate::lexicon::Lexicon;

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

/// Estimates for one source and one family.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FamilyEstimate {
    /// Most frequent authorial variant.
    pub dominant: Option<usize>,
    /// Raw tone-weighted share (authorial).
    pub raw_score: Option<f64>,
    /// Smoothed score.
    pub score: Option<f64>,
    /// Bootstrap interval of the smoothed score.
    pub ci: Option<(f64, f64)>,
    /// Authorial matches.
    pub n_matches: u64,
    /// Quoted matches.
    pub n_quoted: u64,
    /// Why a score is missing or weak (`ok`, `no_matches`, `few_matches`).
    pub flag: &'static str,
    /// Story-adjusted score.
    pub story_score: Option<f64>,
    /// Bootstrap interval over stories.
    pub story_ci: Option<(f64, f64)>,
    /// Stories with ≥ 2 sources that this source covered with matches.
    pub n_stories: u64,
}

/// All estimates of a run, indexed like `Aggregates::sources` (sorted by
/// source) and `Lexicon::families`.
#[derive(Debug, Clone, Default)]
pub struct Estimates {
    /// `families[source][family]`.
    pub families: Vec<Vec<FamilyEstimate>>,
    /// Whether any document had a story id.
    pub has_stories: bool,
    /// Extra `sources.csv` columns (learned scorers), headers.
    pub source_extra_headers: Vec<String>,
    /// Extra `sources.csv` cells per source.
    pub source_extra: Vec<Vec<String>>,
}

/// Compute per-source family estimates from aggregates.
pub fn estimate(agg: &Aggregates, lex: &Lexicon) -> Estimates {
    let offsets = lex.variant_offsets();
    let families = agg
        .sources
        .values()
        .map(|sa| {
            lex.families
                .iter()
                .enumerate()
                .map(|(fi, fam)| {
                    let counts = &sa.counts.variants[offsets[fi]..offsets[fi + 1]];
                    let auth: Vec<u64> = counts.iter().map(|c| c[0]).collect();
                    let n: u64 = auth.iter().sum();
                    FamilyEstimate {
                        dominant: dominant(&auth),
                        raw_score: raw_score(
                            auth.iter().copied(),
                            fam.variants.iter().map(|v| v.tone),
                        ),
                        n_matches: n,
                        n_quoted: counts.iter().map(|c| c[1]).sum(),
                        flag: if n == 0 { "no_matches" } else { "ok" },
                        ..Default::default()
                    }
                })
                .collect()
        })
        .collect();
    Estimates {
        families,
        has_stories: !agg.stories.is_empty(),
        ..Default::default()
    }
}
