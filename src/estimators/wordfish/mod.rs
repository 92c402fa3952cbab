//! Wordfish: unsupervised scaling of sources on one dimension from their
//! word counts (Slapin & Proksch 2008, "A scaling model for estimating
//! time-series party positions from texts").
//!
//! Each count is Poisson, `y_ij ~ Poisson(λ_ij)`, with
//!
//! `log λ_ij = α_i + ψ_j + β_j θ_i`
//!
//! where `α_i` is source `i`'s verbosity, `ψ_j` word `j`'s frequency,
//! `β_j` how strongly the word discriminates along the dimension and `θ_i`
//! the source's position. The fit alternates penalised Newton steps for the
//! words `(ψ_j, β_j)` and for the sources `(α_i, θ_i)`, with the priors
//! quanteda uses (`β ~ N(0, 3²)`, `θ ~ N(0, 1)`), and after every round
//! fixes the scale (θ mean 0, standard deviation 1; α centred), adjusting
//! ψ and β so the fit is unchanged. Each unit's problem is concave, and
//! each Newton step is halved until the penalised log-likelihood rises, so
//! a step never diverges.
//!
//! Standard errors come from a parametric bootstrap: counts drawn from the
//! fitted Poisson rates, the model refitted from the estimates, and each
//! replicate's positions aligned with the fit. Every replicate draws from
//! its own seeded stream, so the result does not depend on the thread count.
//!
//! The direction of θ is not identified by the data: an anchor (a source
//! that must end up to the left of another) fixes it.
//!
//! What makes the model fail in practice is guarded against here: a word
//! that only one source uses (or none) has no position information and an
//! unbounded β, and a source left with no words has α = −∞; both are left
//! out before the fit and listed in the result. Rates are computed with a
//! capped exponent, so sparse matrices do not produce infinities or NaN.
//!
//! ```
//! use slant::estimators::wordfish::WordfishParams;
//! // Four sources; words 0–1 are "left" words, 2–3 "right" words, 4 neutral.
//! let counts: Vec<Vec<(u32, f64)>> = vec![
//!     vec![(0, 30.0), (1, 25.0), (2, 2.0), (3, 1.0), (4, 20.0)],
//!     vec![(0, 20.0), (1, 18.0), (2, 8.0), (3, 6.0), (4, 20.0)],
//!     vec![(0, 9.0), (1, 7.0), (2, 19.0), (3, 17.0), (4, 20.0)],
//!     vec![(0, 2.0), (1, 3.0), (2, 28.0), (3, 30.0), (4, 20.0)],
//! ];
//! let fit = WordfishParams::new().anchor(0, 3).bootstrap(50).seed(7).fit(&counts, 5).unwrap();
//! assert!(fit.converged);
//! let theta: Vec<f64> = fit.sources.iter().map(|s| s.theta).collect();
//! assert!(theta[0] < theta[1] && theta[1] < theta[2] && theta[2] < theta[3]);
//! // Every position has a bootstrap interval around it.
//! assert!(fit.sources.iter().all(|s| s.ci.0 <= s.theta && s.theta <= s.ci.1));
//! ```

use crate::error::{Error, Result};
use crate::stats::{percentile_interval, replicate_rng};
use rand_distr::{Distribution, Poisson};
use rayon::prelude::*;

mod fit;
use fit::*;

/// The largest exponent used for a rate: `e^700` is finite, so sums of
/// rates never become infinite and Newton steps never see NaN.
const MAX_ETA: f64 = 700.0;

/// Settings for a Wordfish fit (builder; defaults as quanteda's
/// `textmodel_wordfish` where it has one).
///
/// ```
/// use slant::estimators::wordfish::WordfishParams;
/// let p = WordfishParams::new().bootstrap(0).max_iter(50);
/// assert_eq!(p.bootstrap, 0);
/// // Settings are checked when fitting: a prior must be positive.
/// let bad = WordfishParams::new().beta_sd(0.0);
/// assert!(bad.fit(&[vec![(0, 1.0)]], 1).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct WordfishParams {
    /// Prior standard deviation of the word weights β (default 3).
    pub beta_sd: f64,
    /// Prior standard deviation of the positions θ (default 1).
    pub theta_sd: f64,
    /// Words used by fewer sources are left out (default 2, the least that
    /// carries information about positions).
    pub min_sources: usize,
    /// Most rounds of word and source steps (default 1000).
    pub max_iter: usize,
    /// Converged when a round changes the penalised log-likelihood by
    /// less than this, relative to its size (default 1e-7; quanteda uses
    /// 1e-6). The alternating steps creep along a flat ridge for hundreds
    /// of rounds at changes of 1e-8 that no longer move the positions.
    pub tol: f64,
    /// Parametric bootstrap replicates for the standard errors (default
    /// 200; 0 for none).
    pub bootstrap: usize,
    /// Seed of the bootstrap's random streams.
    pub seed: u64,
    /// `(left, right)`: source indexes such that θ_left < θ_right. Without
    /// one, the direction is the one where the first source is left of the
    /// last.
    pub anchor: Option<(usize, usize)>,
}

impl Default for WordfishParams {
    fn default() -> Self {
        WordfishParams {
            beta_sd: 3.0,
            theta_sd: 1.0,
            min_sources: 2,
            max_iter: 1000,
            tol: 1e-7,
            bootstrap: 200,
            seed: 42,
            anchor: None,
        }
    }
}

/// One source's position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourcePosition {
    /// Index of the source in the input.
    pub index: usize,
    /// Position θ (the sources' positions have mean 0 and standard
    /// deviation 1).
    pub theta: f64,
    /// Bootstrap standard error of θ (NaN without bootstrap).
    pub se: f64,
    /// 95% percentile interval of θ (θ itself without bootstrap).
    pub ci: (f64, f64),
    /// Verbosity α (centred over the sources).
    pub alpha: f64,
}

/// One word's parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordParams {
    /// The word's id in the input.
    pub word: u32,
    /// Discrimination β: positive words are used more by sources with
    /// higher θ.
    pub beta: f64,
    /// Frequency ψ.
    pub psi: f64,
}

/// A fitted Wordfish model.
#[derive(Debug, Clone, PartialEq)]
pub struct Wordfish {
    /// The sources scaled, in input order.
    pub sources: Vec<SourcePosition>,
    /// The words used, by id.
    pub words: Vec<WordParams>,
    /// Sources left out: no count on any word that is used.
    pub dropped_sources: Vec<usize>,
    /// Words left out: used by fewer than `min_sources` sources.
    pub dropped_words: usize,
    /// Rounds run.
    pub iterations: usize,
    /// Whether the change fell below `tol` within `max_iter` rounds.
    pub converged: bool,
    /// Poisson log-likelihood at the estimates (without its constant
    /// `−Σ log y!`).
    pub log_likelihood: f64,
    /// Bootstrap replicates that did not converge (their positions are
    /// still used; a large number is a warning).
    pub bootstrap_unconverged: usize,
}

impl WordfishParams {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Set [`WordfishParams::beta_sd`].
    pub fn beta_sd(mut self, v: f64) -> Self {
        self.beta_sd = v;
        self
    }
    /// Set [`WordfishParams::theta_sd`].
    pub fn theta_sd(mut self, v: f64) -> Self {
        self.theta_sd = v;
        self
    }
    /// Set [`WordfishParams::min_sources`].
    pub fn min_sources(mut self, v: usize) -> Self {
        self.min_sources = v;
        self
    }
    /// Set [`WordfishParams::max_iter`].
    pub fn max_iter(mut self, v: usize) -> Self {
        self.max_iter = v;
        self
    }
    /// Set [`WordfishParams::tol`].
    pub fn tol(mut self, v: f64) -> Self {
        self.tol = v;
        self
    }
    /// Set [`WordfishParams::bootstrap`].
    pub fn bootstrap(mut self, v: usize) -> Self {
        self.bootstrap = v;
        self
    }
    /// Set [`WordfishParams::seed`].
    pub fn seed(mut self, v: u64) -> Self {
        self.seed = v;
        self
    }
    /// Set [`WordfishParams::anchor`]: `left` must end up left of `right`.
    pub fn anchor(mut self, left: usize, right: usize) -> Self {
        self.anchor = Some((left, right));
        self
    }

    fn check(&self, n_sources: usize) -> Result<()> {
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if !positive(self.beta_sd) || !positive(self.theta_sd) {
            return Err(Error::usage(
                "wordfish: the prior standard deviations must be positive",
            ));
        }
        if !positive(self.tol) || self.max_iter == 0 {
            return Err(Error::usage(
                "wordfish: the tolerance must be positive and max_iter at least 1",
            ));
        }
        if let Some((l, r)) = self.anchor {
            if l == r || l >= n_sources || r >= n_sources {
                return Err(Error::usage(format!(
                    "wordfish: the anchor ({l}, {r}) must name two different sources of {n_sources}"
                )));
            }
        }
        Ok(())
    }

    /// Fit the model to `counts[i]`, source `i`'s sparse word counts
    /// `(word id < n_words, count)` (counts must be finite and not
    /// negative; repeated ids add up).
    ///
    /// Fails when the settings are out of range, a count is invalid, an
    /// anchor source is left out, or fewer than three sources or two words
    /// remain after leaving out the rare words and the empty sources.
    pub fn fit(&self, counts: &[Vec<(u32, f64)>], n_words: usize) -> Result<Wordfish> {
        self.check(counts.len())?;
        let data = Data::new(counts, n_words, self.min_sources)?;
        if let Some((l, r)) = self.anchor {
            for a in [l, r] {
                if data.doc_of.get(a).copied().flatten().is_none() {
                    return Err(Error::usage(format!(
                        "wordfish: anchor source {a} has no count on the words used"
                    )));
                }
            }
        }
        let mut est = Estimates::start(&data);
        let (iterations, converged) = est.run(&data, self, None);
        // Direction: the anchor, else first-left-of-last.
        let (l, r) = self
            .anchor
            .map(|(l, r)| (data.doc_of[l].unwrap(), data.doc_of[r].unwrap()))
            .unwrap_or((0, data.n_docs() - 1));
        if est.theta[l] > est.theta[r] {
            est.flip();
        }
        let reps: Vec<(Vec<f64>, bool)> = (0..self.bootstrap as u64)
            .into_par_iter()
            .map(|rep| {
                let mut rng = replicate_rng(self.seed, "wordfish", rep);
                let sim = data.simulate(&est, &mut rng);
                let mut e = est.clone();
                let (_, ok) = e.run(&sim, self, Some(&est.theta));
                (e.theta, ok)
            })
            .collect();
        let bootstrap_unconverged = reps.iter().filter(|r| !r.1).count();
        let mut sources = Vec::with_capacity(data.n_docs());
        for (d, &index) in data.docs.iter().enumerate() {
            let draws: Vec<f64> = reps.iter().map(|r| r.0[d]).collect();
            let theta = est.theta[d];
            let (se, ci) = if draws.len() >= 2 {
                let m = draws.iter().sum::<f64>() / draws.len() as f64;
                let var =
                    draws.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (draws.len() - 1) as f64;
                (
                    var.sqrt(),
                    percentile_interval(draws, theta).unwrap_or((theta, theta)),
                )
            } else {
                (f64::NAN, (theta, theta))
            };
            sources.push(SourcePosition {
                index,
                theta,
                se,
                ci,
                alpha: est.alpha[d],
            });
        }
        let words = data
            .words
            .iter()
            .enumerate()
            .map(|(w, &word)| WordParams {
                word,
                beta: est.beta[w],
                psi: est.psi[w],
            })
            .collect();
        Ok(Wordfish {
            sources,
            words,
            dropped_sources: data.dropped_docs.clone(),
            dropped_words: data.dropped_words,
            iterations,
            converged,
            log_likelihood: est.log_likelihood(&data),
            bootstrap_unconverged,
        })
    }
}

/// What `--scale` scales: sources with at least `min_docs` documents, on
/// their `max_words` most frequent authorial words (among those at least
/// two of them use), with `bootstrap` parametric replicates.
///
/// ```
/// let o = slant::estimators::wordfish::ScaleOptions::default();
/// assert_eq!((o.min_docs, o.max_words, o.bootstrap), (20, 2000, 100));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScaleOptions {
    /// Sources with fewer documents are not scaled.
    pub min_docs: u64,
    /// Most words used (the most frequent).
    pub max_words: usize,
    /// Parametric bootstrap replicates.
    pub bootstrap: usize,
    /// `(left, right)` source names: `left` ends up left of `right`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<(String, String)>,
}

impl Default for ScaleOptions {
    fn default() -> Self {
        ScaleOptions {
            min_docs: 20,
            max_words: 2000,
            bootstrap: 100,
            anchor: None,
        }
    }
}

/// Wordfish over the sources of a run (see [`scale_sources`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceScaling {
    /// The fit; its `sources[k].index` and `words[k].word` index
    /// [`SourceScaling::sources`] and [`SourceScaling::words`].
    pub fit: Wordfish,
    /// The sources given to the model: name and documents.
    pub sources: Vec<(String, u64)>,
    /// The words given to the model: text and count over those sources.
    pub words: Vec<(String, u64)>,
    /// Sources with fewer than `min_docs` documents, not scaled.
    pub too_small: usize,
}

/// Scale the sources of `agg` on one dimension with Wordfish, from their
/// authorial unigram counts. Sources are taken in name order; with an
/// anchor, both sources must be among those scaled.
///
/// ```
/// use slant::corpus::Document;
/// use slant::estimators::wordfish::{scale_sources, ScaleOptions};
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// let lex = slant::lexicon::Lexicon::builtin();
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let mut agg = Aggregates::new(&lex);
/// let mut ws = Workspace::default();
/// let texts = [
///     ("Left", "Workers rallied for fair wages and climate justice today."),
///     ("Centre", "Officials discussed wages, the budget and the climate today."),
///     ("Right", "Taxpayers rallied for border security and lower taxes today."),
/// ];
/// for (i, (src, text)) in texts.iter().enumerate() {
///     for k in 0..3 {
///         let d = Document::new(format!("{i}-{k}"), *src, *text);
///         ex.extract(&d, &mut ws, &mut agg);
///     }
/// }
/// agg.flush_ngrams();
/// let opts = ScaleOptions {
///     min_docs: 2,
///     anchor: Some(("Left".into(), "Right".into())),
///     bootstrap: 20,
///     ..ScaleOptions::default()
/// };
/// let s = scale_sources(&agg, &opts, 42).unwrap();
/// let theta = |name: &str| {
///     let i = s.sources.iter().position(|(n, _)| n == name).unwrap();
///     s.fit.sources.iter().find(|p| p.index == i).unwrap().theta
/// };
/// // The anchor fixes which end is which; every scaled source has a position.
/// assert!(theta("Left") < theta("Right"));
/// assert!(theta("Centre").is_finite());
/// assert_eq!((s.fit.sources.len(), s.too_small), (3, 0));
/// ```
pub fn scale_sources(
    agg: &crate::features::Aggregates,
    opts: &ScaleOptions,
    seed: u64,
) -> Result<SourceScaling> {
    use crate::features::unigram_key;
    let eligible: Vec<(&String, &crate::features::SourceAgg)> = agg
        .sources
        .iter()
        .filter(|(_, s)| s.counts.docs >= opts.min_docs)
        .collect();
    let too_small = agg.sources.len() - eligible.len();
    // Unigram totals and users over the eligible sources.
    let mut totals: std::collections::HashMap<u32, (u64, usize)> = Default::default();
    for (_, s) in &eligible {
        for (key, n) in s.ngrams.iter() {
            if key >> 32 == u32::MAX as u64 && n > 0 {
                let e = totals.entry(key as u32).or_default();
                e.0 += n;
                e.1 += 1;
            }
        }
    }
    let mut words: Vec<(String, u64, u32)> = totals
        .into_iter()
        .filter(|(_, (_, users))| *users >= 2)
        .map(|(id, (n, _))| (agg.vocab.get(id).to_string(), n, id))
        .collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    words.truncate(opts.max_words);
    let dense: std::collections::HashMap<u32, u32> = words
        .iter()
        .enumerate()
        .map(|(i, w)| (w.2, i as u32))
        .collect();
    let counts: Vec<Vec<(u32, f64)>> = eligible
        .iter()
        .map(|(_, s)| {
            let mut row: Vec<(u32, f64)> = words
                .iter()
                .filter_map(|w| {
                    let n = s.ngrams.get(unigram_key(w.2));
                    (n > 0).then(|| (dense[&w.2], n as f64))
                })
                .collect();
            row.sort_by_key(|e| e.0);
            row
        })
        .collect();
    let mut params = WordfishParams::new().bootstrap(opts.bootstrap).seed(seed);
    if let Some((l, r)) = &opts.anchor {
        let find = |name: &str| {
            eligible.iter().position(|(n, _)| n.as_str() == name).ok_or_else(|| {
                Error::usage(format!(
                    "--scale-anchor: `{name}` is not among the sources scaled (sources with at least {} documents)",
                    opts.min_docs
                ))
            })
        };
        params = params.anchor(find(l)?, find(r)?);
    }
    let fit = params.fit(&counts, words.len())?;
    Ok(SourceScaling {
        fit,
        sources: eligible
            .iter()
            .map(|(n, s)| ((*n).clone(), s.counts.docs))
            .collect(),
        words: words.into_iter().map(|(t, n, _)| (t, n)).collect(),
        too_small,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scorers::metrics::spearman;
    use rand::Rng;

    /// Counts from the model itself with known parameters.
    fn simulate(n_docs: usize, n_words: usize, seed: u64) -> (Vec<Vec<(u32, f64)>>, Vec<f64>) {
        let mut rng = replicate_rng(seed, "wordfish-sim", 0);
        let normal = |rng: &mut rand_chacha::ChaCha8Rng| {
            // Box–Muller.
            let (u1, u2): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
            (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
        };
        let theta: Vec<f64> = (0..n_docs).map(|_| normal(&mut rng)).collect();
        let alpha: Vec<f64> = (0..n_docs).map(|_| 0.3 * normal(&mut rng)).collect();
        let psi: Vec<f64> = (0..n_words).map(|_| 0.5 + normal(&mut rng)).collect();
        let beta: Vec<f64> = (0..n_words).map(|_| 0.4 * normal(&mut rng)).collect();
        let counts = (0..n_docs)
            .map(|d| {
                (0..n_words)
                    .filter_map(|w| {
                        let l = (alpha[d] + psi[w] + beta[w] * theta[d]).exp();
                        let y: f64 = Poisson::new(l).unwrap().sample(&mut rng);
                        (y > 0.0).then_some((w as u32, y))
                    })
                    .collect()
            })
            .collect();
        (counts, theta)
    }

    #[test]
    fn recovers_known_positions() {
        for seed in 0..3 {
            let (counts, theta) = simulate(30, 400, seed);
            let lo = (0..30)
                .min_by(|&a, &b| theta[a].total_cmp(&theta[b]))
                .unwrap();
            let hi = (0..30)
                .max_by(|&a, &b| theta[a].total_cmp(&theta[b]))
                .unwrap();
            let fit = WordfishParams::new()
                .bootstrap(0)
                .anchor(lo, hi)
                .fit(&counts, 400)
                .unwrap();
            assert!(fit.converged, "seed {seed}: {} rounds", fit.iterations);
            let est: Vec<f64> = fit.sources.iter().map(|s| s.theta).collect();
            let rho = spearman(&est, &theta);
            assert!(rho >= 0.95, "seed {seed}: Spearman {rho}");
        }
    }

    /// The 95% intervals cover the true positions about 95% of the time
    /// (on the scale of the fit: the truth standardised like θ).
    #[test]
    fn intervals_cover_the_truth() {
        let (mut covered, mut total) = (0usize, 0usize);
        for seed in 10..16 {
            let (counts, theta) = simulate(25, 300, seed);
            let lo = (0..25)
                .min_by(|&a, &b| theta[a].total_cmp(&theta[b]))
                .unwrap();
            let hi = (0..25)
                .max_by(|&a, &b| theta[a].total_cmp(&theta[b]))
                .unwrap();
            let fit = WordfishParams::new()
                .bootstrap(100)
                .seed(seed)
                .anchor(lo, hi)
                .fit(&counts, 300)
                .unwrap();
            let m = theta.iter().sum::<f64>() / 25.0;
            let sd = (theta.iter().map(|t| (t - m) * (t - m)).sum::<f64>() / 25.0).sqrt();
            for s in &fit.sources {
                let truth = (theta[s.index] - m) / sd;
                covered += (s.ci.0 <= truth && truth <= s.ci.1) as usize;
                total += 1;
            }
        }
        let rate = covered as f64 / total as f64;
        eprintln!("wordfish interval coverage {rate} ({covered} of {total})");
        assert!((0.85..=0.995).contains(&rate), "coverage {rate} of {total}");
    }

    /// quanteda's traps: a sparse matrix with many words used once, a word
    /// nobody uses, a source with no words; no NaN anywhere.
    #[test]
    fn sparse_and_rare_words_give_finite_results() {
        let (mut counts, _) = simulate(12, 60, 99);
        // 500 words each used once by one source.
        for (k, row) in counts.iter_mut().enumerate() {
            for j in 0..42 {
                row.push((60 + (k * 42 + j) as u32, 1.0));
            }
        }
        counts.push(vec![]); // a source with nothing
        counts.push(vec![(600, 3.0)]); // one with only a word nobody else uses
        let fit = WordfishParams::new()
            .bootstrap(20)
            .fit(&counts, 700)
            .unwrap();
        assert_eq!(fit.dropped_sources, [12, 13]);
        assert_eq!(fit.dropped_words, 12 * 42 + 1);
        assert!(fit.log_likelihood.is_finite());
        for s in &fit.sources {
            assert!(s.theta.is_finite() && s.se.is_finite() && s.alpha.is_finite());
        }
        assert!(fit
            .words
            .iter()
            .all(|w| w.beta.is_finite() && w.psi.is_finite()));
    }

    #[test]
    fn anchor_fixes_the_direction_and_results_repeat() {
        let (counts, _) = simulate(10, 80, 5);
        let a = WordfishParams::new()
            .bootstrap(10)
            .anchor(3, 7)
            .fit(&counts, 80)
            .unwrap();
        let b = WordfishParams::new()
            .bootstrap(10)
            .anchor(7, 3)
            .fit(&counts, 80)
            .unwrap();
        assert!(a.sources[3].theta < a.sources[7].theta);
        assert!(b.sources[7].theta < b.sources[3].theta);
        for (x, y) in a.sources.iter().zip(&b.sources) {
            assert!((x.theta + y.theta).abs() < 1e-9);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let one = pool.install(|| {
            WordfishParams::new()
                .bootstrap(10)
                .anchor(3, 7)
                .fit(&counts, 80)
                .unwrap()
        });
        assert_eq!(one, a, "same result on one thread");
    }

    #[test]
    fn too_little_data_is_an_error() {
        let two = vec![vec![(0, 1.0), (1, 2.0)], vec![(0, 2.0), (1, 1.0)]];
        assert!(WordfishParams::new().fit(&two, 2).is_err());
        let bad = vec![vec![(0, -1.0)], vec![(0, 1.0)], vec![(0, 1.0)]];
        assert!(WordfishParams::new().fit(&bad, 1).is_err());
        let (counts, _) = simulate(5, 20, 1);
        assert!(WordfishParams::new().anchor(0, 9).fit(&counts, 20).is_err());
    }
}
