//! The Wordfish fit itself: the count data, the alternating penalised
//! Newton steps for words and sources, and the parametric bootstrap draws.

use super::*;

/// The counts kept, by source and by word.
#[derive(Debug, Clone)]
pub(super) struct Data {
    /// Input index of each kept source.
    pub(super) docs: Vec<usize>,
    /// Kept source of each input index.
    pub(super) doc_of: Vec<Option<usize>>,
    pub(super) dropped_docs: Vec<usize>,
    /// Input id of each kept word.
    pub(super) words: Vec<u32>,
    pub(super) dropped_words: usize,
    /// `by_doc[d]`: `(word, count)`, counts > 0.
    pub(super) by_doc: Vec<Vec<(u32, f64)>>,
    /// `by_word[w]`: `(source, count)`, counts > 0.
    pub(super) by_word: Vec<Vec<(u32, f64)>>,
}

impl Data {
    pub(super) fn new(
        counts: &[Vec<(u32, f64)>],
        n_words: usize,
        min_sources: usize,
    ) -> Result<Data> {
        let mut users = vec![0usize; n_words];
        let mut rows: Vec<Vec<(u32, f64)>> = Vec::with_capacity(counts.len());
        for (i, row) in counts.iter().enumerate() {
            let mut r: Vec<(u32, f64)> = Vec::with_capacity(row.len());
            for &(w, c) in row {
                if (w as usize) >= n_words || !c.is_finite() || c < 0.0 {
                    return Err(Error::usage(format!(
                        "wordfish: source {i} has an invalid count ({c} for word {w} of {n_words})"
                    )));
                }
                if c > 0.0 {
                    r.push((w, c));
                }
            }
            r.sort_by_key(|e| e.0);
            r.dedup_by(|b, a| {
                if a.0 == b.0 {
                    a.1 += b.1;
                    true
                } else {
                    false
                }
            });
            for &(w, _) in &r {
                users[w as usize] += 1;
            }
            rows.push(r);
        }
        let mut word_of = vec![u32::MAX; n_words];
        let mut words = Vec::new();
        for (w, &u) in users.iter().enumerate() {
            if u >= min_sources.max(1) {
                word_of[w] = words.len() as u32;
                words.push(w as u32);
            }
        }
        let dropped_words = users.iter().filter(|&&u| u > 0).count() - words.len();
        let (mut docs, mut doc_of, mut dropped_docs, mut by_doc) =
            (Vec::new(), vec![None; counts.len()], Vec::new(), Vec::new());
        for (i, r) in rows.into_iter().enumerate() {
            let kept: Vec<(u32, f64)> = r
                .into_iter()
                .filter(|e| word_of[e.0 as usize] != u32::MAX)
                .map(|(w, c)| (word_of[w as usize], c))
                .collect();
            if kept.is_empty() {
                dropped_docs.push(i);
            } else {
                doc_of[i] = Some(docs.len());
                docs.push(i);
                by_doc.push(kept);
            }
        }
        if docs.len() < 3 || words.len() < 2 {
            return Err(Error::usage(format!(
                "wordfish needs at least 3 sources and 2 words used by {} or more of them; \
                 {} sources and {} words remain",
                min_sources.max(1),
                docs.len(),
                words.len()
            )));
        }
        Ok(Data {
            docs,
            doc_of,
            dropped_docs,
            words,
            dropped_words,
            by_word: transpose(&by_doc, 0),
            by_doc,
        })
    }

    pub(super) fn n_docs(&self) -> usize {
        self.by_doc.len()
    }

    pub(super) fn n_words(&self) -> usize {
        self.words.len()
    }

    /// Counts drawn from the fitted rates (same sources and words).
    pub(super) fn simulate(&self, est: &Estimates, rng: &mut impl rand::Rng) -> Data {
        let mut by_doc = Vec::with_capacity(self.n_docs());
        for d in 0..self.n_docs() {
            let mut row = Vec::new();
            for w in 0..self.n_words() {
                let lambda = est.eta(d, w).exp();
                let y = Poisson::new(lambda).map_or(0.0, |p| p.sample(rng));
                if y > 0.0 {
                    row.push((w as u32, y));
                }
            }
            by_doc.push(row);
        }
        Data {
            by_word: transpose(&by_doc, self.n_words()),
            by_doc,
            ..self.clone()
        }
    }
}

/// Columns of sparse rows as rows (`n` columns at least).
pub(super) fn transpose(rows: &[Vec<(u32, f64)>], n: usize) -> Vec<Vec<(u32, f64)>> {
    let n = rows
        .iter()
        .flat_map(|r| r.iter().map(|e| e.0 as usize + 1))
        .max()
        .unwrap_or(0)
        .max(n);
    let mut cols = vec![Vec::new(); n];
    for (i, r) in rows.iter().enumerate() {
        for &(j, c) in r {
            cols[j as usize].push((i as u32, c));
        }
    }
    cols
}

/// The parameters being fitted.
#[derive(Debug, Clone)]
pub(super) struct Estimates {
    pub(super) alpha: Vec<f64>,
    pub(super) theta: Vec<f64>,
    pub(super) psi: Vec<f64>,
    pub(super) beta: Vec<f64>,
}

impl Estimates {
    pub(super) fn eta(&self, d: usize, w: usize) -> f64 {
        (self.alpha[d] + self.psi[w] + self.beta[w] * self.theta[d]).min(MAX_ETA)
    }

    /// Starting values as quanteda's: α from the sources' totals, ψ from
    /// the words' means, θ and β from the first singular vectors of the
    /// residual `log(y + 0.1) − α_i − ψ_j` (power iteration on the sparse
    /// counts, without forming the matrix).
    pub(super) fn start(data: &Data) -> Estimates {
        let (nd, nw) = (data.n_docs(), data.n_words());
        let totals: Vec<f64> = data
            .by_doc
            .iter()
            .map(|r| r.iter().map(|e| e.1).sum())
            .collect();
        let alpha0: Vec<f64> = totals.iter().map(|t| (t / totals[0]).ln()).collect();
        let psi: Vec<f64> = data
            .by_word
            .iter()
            .map(|c| (c.iter().map(|e| e.1).sum::<f64>() / nd as f64).ln())
            .collect();
        let base = 0.1f64.ln();
        // Z v = Σ_j (log(y_ij + 0.1) − α_i − ψ_j) v_j, with the zero cells
        // contributing base − α_i − ψ_j.
        let sum_v = |v: &[f64]| v.iter().sum::<f64>();
        let z_mul = |v: &[f64]| -> Vec<f64> {
            let (sv, spv) = (sum_v(v), psi.iter().zip(v).map(|(p, x)| p * x).sum::<f64>());
            (0..nd)
                .map(|d| {
                    let sparse: f64 = data.by_doc[d]
                        .iter()
                        .map(|&(w, y)| ((y + 0.1).ln() - base) * v[w as usize])
                        .sum();
                    sparse + (base - alpha0[d]) * sv - spv
                })
                .collect()
        };
        let zt_mul = |u: &[f64]| -> Vec<f64> {
            let (su, sau) = (
                sum_v(u),
                alpha0.iter().zip(u).map(|(a, x)| a * x).sum::<f64>(),
            );
            (0..nw)
                .map(|w| {
                    let sparse: f64 = data.by_word[w]
                        .iter()
                        .map(|&(d, y)| ((y + 0.1).ln() - base) * u[d as usize])
                        .sum();
                    sparse + (base - psi[w]) * su - sau
                })
                .collect()
        };
        // Power iteration from a fixed, non-symmetric start.
        let mut u: Vec<f64> = (0..nd).map(|d| 1.0 + d as f64 / nd as f64).collect();
        let mut v = vec![0.0; nw];
        for _ in 0..100 {
            v = zt_mul(&u);
            let nv = norm(&v);
            if nv == 0.0 {
                break;
            }
            v.iter_mut().for_each(|x| *x /= nv);
            let next = z_mul(&v);
            let nu = norm(&next);
            if nu == 0.0 {
                break;
            }
            let change: f64 = next
                .iter()
                .zip(&u)
                .map(|(a, b)| (a / nu - b / norm(&u)).abs())
                .sum();
            u = next.into_iter().map(|x| x / nu).collect();
            if change < 1e-10 {
                break;
            }
        }
        let sigma = norm(&z_mul(&v));
        let mut est = Estimates {
            alpha: alpha0,
            theta: u,
            psi,
            beta: v.iter().map(|x| x * sigma).collect(),
        };
        est.normalise();
        est
    }

    /// θ to mean 0 and standard deviation 1, α centred; ψ and β adjusted so
    /// every rate is unchanged.
    pub(super) fn normalise(&mut self) {
        let n = self.theta.len() as f64;
        let m = self.theta.iter().sum::<f64>() / n;
        let sd = (self.theta.iter().map(|t| (t - m) * (t - m)).sum::<f64>() / n).sqrt();
        let sd = if sd.is_finite() && sd > 1e-12 {
            sd
        } else {
            1.0
        };
        for t in &mut self.theta {
            *t = (*t - m) / sd;
        }
        for (p, b) in self.psi.iter_mut().zip(&mut self.beta) {
            *p += *b * m;
            *b *= sd;
        }
        let a = self.alpha.iter().sum::<f64>() / self.alpha.len() as f64;
        for x in &mut self.alpha {
            *x -= a;
        }
        for p in &mut self.psi {
            *p += a;
        }
    }

    pub(super) fn flip(&mut self) {
        self.theta.iter_mut().for_each(|t| *t = -*t);
        self.beta.iter_mut().for_each(|b| *b = -*b);
    }

    pub(super) fn log_likelihood(&self, data: &Data) -> f64 {
        (0..data.n_docs())
            .map(|d| {
                let sparse: f64 = data.by_doc[d]
                    .iter()
                    .map(|&(w, y)| y * self.eta(d, w as usize))
                    .sum();
                let rates: f64 = (0..data.n_words()).map(|w| self.eta(d, w).exp()).sum();
                sparse - rates
            })
            .sum()
    }

    pub(super) fn penalised(&self, data: &Data, p: &WordfishParams) -> f64 {
        let sq = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>();
        self.log_likelihood(data)
            - sq(&self.beta) / (2.0 * p.beta_sd * p.beta_sd)
            - sq(&self.theta) / (2.0 * p.theta_sd * p.theta_sd)
    }

    /// Rounds of word and source steps until the penalised log-likelihood
    /// settles; `align` (a bootstrap replicate) keeps the direction of the
    /// positions given. Returns the rounds run and whether it converged.
    pub(super) fn run(
        &mut self,
        data: &Data,
        p: &WordfishParams,
        align: Option<&[f64]>,
    ) -> (usize, bool) {
        let mut last = self.penalised(data, p);
        for it in 1..=p.max_iter {
            // Words: (ψ_j, β_j) given α and θ.
            let (alpha, theta) = (&self.alpha, &self.theta);
            let words: Vec<(f64, f64)> = (0..data.n_words())
                .into_par_iter()
                .map(|w| {
                    newton(
                        (self.psi[w], self.beta[w]),
                        alpha,
                        theta,
                        &data.by_word[w],
                        p.beta_sd,
                    )
                })
                .collect();
            for (w, (psi, beta)) in words.into_iter().enumerate() {
                self.psi[w] = psi;
                self.beta[w] = beta;
            }
            // Sources: (α_i, θ_i) given ψ and β.
            let (psi, beta) = (&self.psi, &self.beta);
            let docs: Vec<(f64, f64)> = (0..data.n_docs())
                .into_par_iter()
                .map(|d| {
                    newton(
                        (self.alpha[d], self.theta[d]),
                        psi,
                        beta,
                        &data.by_doc[d],
                        p.theta_sd,
                    )
                })
                .collect();
            for (d, (alpha, theta)) in docs.into_iter().enumerate() {
                self.alpha[d] = alpha;
                self.theta[d] = theta;
            }
            self.normalise();
            if let Some(a) = align {
                let dot: f64 = a.iter().zip(&self.theta).map(|(x, y)| x * y).sum();
                if dot < 0.0 {
                    self.flip();
                }
            }
            let now = self.penalised(data, p);
            if (now - last).abs() <= p.tol * now.abs().max(1.0) {
                return (it, true);
            }
            last = now;
        }
        (p.max_iter, false)
    }
}

pub(super) fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// Maximise one unit's penalised Poisson log-likelihood over `(a, b)`:
///
/// `f(a, b) = Σ_k [y_k η_k − e^{η_k}] − b² / (2 sd²)`, `η_k = c_k + a + b x_k`
///
/// over every `k` (`y` sparse: `(k, y_k)`, the rest 0). Newton steps on the
/// 2 × 2 system, each halved until `f` rises; a unit without counts goes to
/// a negligible rate (its `a` far below every `c_k`, `b` 0).
pub(super) fn newton(
    start: (f64, f64),
    c: &[f64],
    x: &[f64],
    y: &[(u32, f64)],
    sd: f64,
) -> (f64, f64) {
    let sy: f64 = y.iter().map(|e| e.1).sum();
    if sy <= 0.0 {
        let top = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        return (-50.0 - top, 0.0);
    }
    let syx: f64 = y.iter().map(|&(k, v)| v * x[k as usize]).sum();
    let prec = 1.0 / (sd * sd);
    let f = |a: f64, b: f64| {
        let rates: f64 = c
            .iter()
            .zip(x)
            .map(|(ck, xk)| (ck + a + b * xk).min(MAX_ETA).exp())
            .sum();
        a * sy + b * syx - rates - 0.5 * prec * b * b
    };
    let (mut a, mut b) = start;
    let mut fa = f(a, b);
    for _ in 0..20 {
        let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
        for (ck, xk) in c.iter().zip(x) {
            let l = (ck + a + b * xk).min(MAX_ETA).exp();
            s0 += l;
            s1 += l * xk;
            s2 += l * xk * xk;
        }
        let (ga, gb) = (sy - s0, syx - s1 - prec * b);
        let (haa, hab, hbb) = (s0, s1, s2 + prec); // of −f
        let det = haa * hbb - hab * hab;
        if !(det.is_finite() && det > 0.0) {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        let mut step = 1.0;
        let mut moved = false;
        for _ in 0..30 {
            let (na, nb) = (a + step * da, b + step * db);
            let fn_ = f(na, nb);
            if fn_.is_finite() && fn_ >= fa {
                (a, b, moved) = (na, nb, true);
                let gain = fn_ - fa;
                fa = fn_;
                if gain <= 1e-12 * fa.abs().max(1.0) {
                    return (a, b);
                }
                break;
            }
            step *= 0.5;
        }
        if !moved || (da.abs() + db.abs()) * step < 1e-10 {
            break;
        }
    }
    (a, b)
}
