//! Thin wrappers around `linfa-logistic` that return plain coefficient
//! vectors with a guaranteed orientation.
//!
//! linfa-logistic 0.8 decides which label is the "positive" class of a
//! binary model from the data (the more frequent label, or the first one
//! seen on a tie), so the sign of the fitted coefficients depends on the
//! order and balance of the training rows. [`fit_binary`] fits on `bool`
//! targets and flips the solution whenever linfa picked `false` as the
//! positive class: the returned weights always give `P(true)`.

#[cfg(feature = "train")]
use crate::error::{Error, Result};
#[cfg(feature = "train")]
use linfa::prelude::*;
#[cfg(feature = "train")]
use linfa_logistic::{LogisticRegression, MultiLogisticRegression};
#[cfg(feature = "train")]
use ndarray::{Array1, Array2, ArrayView2};

/// A fitted binary linear model: `P(true | x) = σ(w·x + b)`.
///
/// ```
/// use ndarray::array;
/// use slant::scorers::linear::{fit_binary, sigmoid, BinaryFit, Solver};
/// let x = array![[0.0f32, 1.0], [0.2, 0.8], [0.8, 0.1], [1.0, 0.0]];
/// let y = [false, false, true, true];
/// let s = Solver { alpha: 0.01, max_iterations: 200, gradient_tolerance: 1e-6 };
/// let fit: BinaryFit = fit_binary(x.view(), &y, s, None).unwrap();
/// assert_eq!(fit.weights.len(), 2);
/// for (row, &label) in x.rows().into_iter().zip(&y) {
///     let z: f64 = row.iter().zip(&fit.weights).map(|(&v, w)| v as f64 * w).sum::<f64>();
///     let p_true = sigmoid(z + fit.intercept);
///     assert_eq!(p_true > 0.5, label);
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BinaryFit {
    /// Weights, one per feature.
    pub weights: Vec<f64>,
    /// Intercept.
    pub intercept: f64,
}

/// A fitted multinomial linear model: `P(class c | x) ∝ exp(w_c·x + b_c)`.
///
/// ```
/// use slant::scorers::linear::{softmax, MultiFit};
/// // Three classes on one feature: low x means class 0, high x class 2.
/// let fit = MultiFit {
///     weights: vec![vec![-2.0], vec![0.0], vec![2.0]],
///     intercepts: vec![0.0, 0.5, 0.0],
/// };
/// let probabilities = |x: f64| {
///     let mut s: Vec<f64> = (0..3).map(|c| fit.weights[c][0] * x + fit.intercepts[c]).collect();
///     softmax(&mut s);
///     s
/// };
/// assert!(probabilities(2.0)[2] > 0.9);
/// assert!(probabilities(-2.0)[0] > 0.9);
/// let p = probabilities(0.0); // the intercept favours class 1
/// assert!(p[1] > p[0] && p[1] > p[2]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MultiFit {
    /// `weights[c][j]`: weight of feature `j` for class `c`.
    pub weights: Vec<Vec<f64>>,
    /// Intercept per class.
    pub intercepts: Vec<f64>,
}

/// Solver settings shared by both fits.
///
/// ```
/// use ndarray::array;
/// use slant::scorers::linear::{fit_binary, Solver};
/// let x = array![[0.0f32], [0.2], [0.8], [1.0]];
/// let y = [false, false, true, true];
/// let weak = Solver { alpha: 0.01, max_iterations: 200, gradient_tolerance: 1e-6 };
/// let strong = Solver { alpha: 10.0, ..weak };
/// let weight = |s: Solver| fit_binary(x.view(), &y, s, None).unwrap().weights[0];
/// // A stronger L2 penalty shrinks the weight towards zero.
/// assert!(0.0 < weight(strong) && weight(strong) < weight(weak));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Solver {
    /// L2 penalty strength (linfa's `alpha`, on the summed log-loss).
    pub alpha: f64,
    /// Maximum L-BFGS iterations.
    pub max_iterations: u64,
    /// Gradient-norm tolerance.
    pub gradient_tolerance: f64,
}

#[cfg(feature = "train")]
/// Fit an L2-regularised binary logistic regression with linfa (single
/// precision, which halves the memory traffic of the dense design) and return
/// weights oriented so that they predict `P(true)`, whatever class linfa
/// chose as positive. `warm` optionally starts L-BFGS from a previous
/// solution (weights then intercept, already oriented for `true`).
///
/// ```
/// use ndarray::array;
/// use slant::scorers::linear::{fit_binary, Solver};
/// let x = array![[0.0f32], [0.1], [0.9], [1.0], [0.2]];
/// // `false` is the majority, so linfa makes it its positive class …
/// let y = [false, false, true, true, false];
/// let s = Solver { alpha: 0.01, max_iterations: 200, gradient_tolerance: 1e-6 };
/// let fit = fit_binary(x.view(), &y, s, None).unwrap();
/// // … but the returned weight still points towards `true`.
/// assert!(fit.weights[0] > 0.0);
/// ```
pub fn fit_binary(
    x: ArrayView2<'_, f32>,
    y: &[bool],
    solver: Solver,
    warm: Option<&BinaryFit>,
) -> Result<BinaryFit> {
    if x.nrows() != y.len() {
        return Err(Error::usage(format!(
            "{} rows but {} labels",
            x.nrows(),
            y.len()
        )));
    }
    let targets = Array1::from_iter(y.iter().copied());
    let ds = DatasetBase::new(x, targets);
    let mut params = LogisticRegression::<f32>::default()
        .alpha(solver.alpha as f32)
        .max_iterations(solver.max_iterations)
        .gradient_tolerance(solver.gradient_tolerance as f32)
        .with_intercept(true);
    // Decide the orientation linfa will use before warm-starting it.
    let n_true = y.iter().filter(|&&b| b).count();
    let n_false = y.len() - n_true;
    let first = y.first().copied().unwrap_or(true);
    let linfa_pos_true = if n_true != n_false {
        n_true > n_false
    } else {
        first
    };
    if let Some(w) = warm {
        let sign = if linfa_pos_true { 1.0 } else { -1.0 };
        let mut init: Vec<f32> = w.weights.iter().map(|&v| (sign * v) as f32).collect();
        init.push((sign * w.intercept) as f32);
        params = params.initial_params(Array1::from(init));
    }
    let fitted = params
        .fit(&ds)
        .map_err(|e| Error::usage(format!("logistic regression failed: {e}")))?;
    let flip = !fitted.labels().pos.class;
    debug_assert_eq!(flip, !linfa_pos_true);
    let sign = if flip { -1.0 } else { 1.0 };
    Ok(BinaryFit {
        weights: fitted.params().iter().map(|&v| sign * v as f64).collect(),
        intercept: sign * fitted.intercept() as f64,
    })
}

#[cfg(feature = "train")]
/// Fit an L2-regularised multinomial logistic regression with linfa on
/// class indices `0..n_classes` (every class must occur), in single
/// precision (the design matrices of article corpora are large). Returns
/// weights per class in index order.
///
/// ```
/// use ndarray::array;
/// use slant::scorers::linear::{fit_multinomial, Solver};
/// let x = array![[-1.0f32], [-0.9], [0.0], [0.1], [0.9], [1.0]];
/// let y = [0usize, 0, 1, 1, 2, 2];
/// let s = Solver { alpha: 0.01, max_iterations: 300, gradient_tolerance: 1e-6 };
/// let fit = fit_multinomial(x.view(), &y, 3, s).unwrap();
/// assert!(fit.weights[2][0] > fit.weights[0][0]);
/// ```
pub fn fit_multinomial(
    x: ArrayView2<'_, f32>,
    y: &[usize],
    n_classes: usize,
    solver: Solver,
) -> Result<MultiFit> {
    if x.nrows() != y.len() {
        return Err(Error::usage(format!(
            "{} rows but {} labels",
            x.nrows(),
            y.len()
        )));
    }
    for c in 0..n_classes {
        if !y.contains(&c) {
            return Err(Error::usage(format!("class {c} has no training example")));
        }
    }
    let ds = DatasetBase::new(x, Array1::from_iter(y.iter().copied()));
    let fitted = MultiLogisticRegression::<f32>::default()
        .alpha(solver.alpha as f32)
        .max_iterations(solver.max_iterations)
        .gradient_tolerance(solver.gradient_tolerance as f32)
        .with_intercept(true)
        .fit(&ds)
        .map_err(|e| Error::usage(format!("logistic regression failed: {e}")))?;
    // linfa sorts the classes; check that column c is class c.
    if fitted.classes() != (0..n_classes).collect::<Vec<_>>().as_slice() {
        return Err(Error::usage("unexpected class order from linfa"));
    }
    let p: &Array2<f32> = fitted.params();
    Ok(MultiFit {
        weights: (0..n_classes)
            .map(|c| p.column(c).iter().map(|&v| v as f64).collect())
            .collect(),
        intercepts: fitted.intercept().iter().map(|&v| v as f64).collect(),
    })
}

#[cfg(feature = "train")]
/// Ridge regression with an intercept, solved in its dual form for few
/// rows and many sparse columns: minimises
/// `Σ_i (y_i − w·x_i − b)² + α |w|²` over `w` and `b` (the intercept is not
/// penalised), through `w = X_cᵀ (X_c X_cᵀ + α I)⁻¹ (y − ȳ)` with `X_c` the
/// column-centred rows, and `b = ȳ − μ·w`. The `n × n` system is solved by
/// Cholesky; cost `O(n · nnz + n³)`. Rows are sparse `(column, value)`
/// with columns below `dim`, in any order. Deterministic.
///
/// (linfa has no dual-form ridge; its elastic net works in the primal,
/// which is slow for tens of thousands of columns.)
///
/// ```
/// use slant::scorers::linear::fit_ridge_dual;
/// // y = 2·x0 − 1, four exact points, almost no penalty.
/// let rows = vec![vec![(0, 0.0)], vec![(0, 1.0)], vec![(0, 2.0)], vec![(0, 3.0)]];
/// let (w, b) = fit_ridge_dual(&rows, 1, &[-1.0, 1.0, 3.0, 5.0], 1e-9).unwrap();
/// assert!((w[0] - 2.0).abs() < 1e-6 && (b + 1.0).abs() < 1e-6);
/// ```
pub fn fit_ridge_dual(
    rows: &[Vec<(u32, f64)>],
    dim: usize,
    y: &[f64],
    alpha: f64,
) -> Result<(Vec<f64>, f64)> {
    use rayon::prelude::*;
    let n = rows.len();
    if n == 0 || y.len() != n {
        return Err(Error::usage("ridge: no rows, or rows and targets differ"));
    }
    if !(alpha.is_finite() && alpha > 0.0) {
        return Err(Error::usage("ridge: alpha must be finite and > 0"));
    }
    let mut mu = vec![0.0f64; dim];
    for r in rows {
        for &(j, v) in r {
            mu[j as usize] += v;
        }
    }
    for m in &mut mu {
        *m /= n as f64;
    }
    let ybar = y.iter().sum::<f64>() / n as f64;
    let dot_mu = |r: &[(u32, f64)]| r.iter().map(|&(j, v)| v * mu[j as usize]).sum::<f64>();
    let r_mu: Vec<f64> = rows.iter().map(|r| dot_mu(r)).collect();
    let mu_mu: f64 = mu.iter().map(|m| m * m).sum();
    // Gram matrix of the centred rows, one row of it per task (a dense
    // scatter of row g, then sparse dots with every row).
    let gram: Vec<Vec<f64>> = (0..n)
        .into_par_iter()
        .map_init(
            || vec![0.0f64; dim],
            |dense, g| {
                for &(j, v) in &rows[g] {
                    dense[j as usize] += v;
                }
                let out = (0..n)
                    .map(|h| {
                        let k: f64 = rows[h].iter().map(|&(j, v)| v * dense[j as usize]).sum();
                        k - r_mu[g] - r_mu[h] + mu_mu
                    })
                    .collect();
                for &(j, _) in &rows[g] {
                    dense[j as usize] = 0.0;
                }
                out
            },
        )
        .collect();
    let mut a: Vec<f64> = y.iter().map(|v| v - ybar).collect();
    let mut m = gram;
    for (i, row) in m.iter_mut().enumerate() {
        row[i] += alpha;
    }
    cholesky_solve(&mut m, &mut a)?;
    // w = Σ a_g (x_g − μ) = Σ a_g x_g: the μ term vanishes because
    // Σ a_g = 0 (1 spans the centred Gram matrix's null space, so
    // α·Σ a_g = Σ (y_g − ȳ) = 0).
    let mut w = vec![0.0f64; dim];
    for (r, &ag) in rows.iter().zip(&a) {
        for &(j, v) in r {
            w[j as usize] += ag * v;
        }
    }
    let b = ybar - w.iter().zip(&mu).map(|(w, m)| w * m).sum::<f64>();
    Ok((w, b))
}

#[cfg(feature = "train")]
/// Solve `M x = b` for a symmetric positive-definite `M` (overwritten by
/// its Cholesky factor); `b` becomes `x`.
fn cholesky_solve(m: &mut [Vec<f64>], b: &mut [f64]) -> Result<()> {
    let n = b.len();
    for i in 0..n {
        for j in 0..=i {
            let s = m[i][j]
                - m[i][..j]
                    .iter()
                    .zip(&m[j][..j])
                    .map(|(a, b)| a * b)
                    .sum::<f64>();
            if i == j {
                if !(s > 0.0 && s.is_finite()) {
                    return Err(Error::usage("ridge: system is not positive definite"));
                }
                m[i][i] = s.sqrt();
            } else {
                m[i][j] = s / m[j][j];
            }
        }
    }
    for i in 0..n {
        let s = b[i] - (0..i).map(|k| m[i][k] * b[k]).sum::<f64>();
        b[i] = s / m[i][i];
    }
    for i in (0..n).rev() {
        let s = b[i] - (i + 1..n).map(|k| m[k][i] * b[k]).sum::<f64>();
        b[i] = s / m[i][i];
    }
    Ok(())
}

#[cfg(feature = "train")]
/// A sparse matrix in compressed rows: row `i` holds the `(column, value)`
/// pairs `indices[indptr[i]..indptr[i + 1]]`, `values[..]`.
///
/// ```
/// use slant::scorers::linear::Csr;
/// let mut x = Csr::new(3);
/// x.push_row([(0, 1.0), (2, 0.5)]);
/// x.push_row([]);
/// assert_eq!((x.rows(), x.cols()), (2, 3));
/// assert_eq!(x.row(0).collect::<Vec<_>>(), [(0, 1.0), (2, 0.5)]);
/// assert_eq!(x.row(1).count(), 0);
/// assert_eq!(x.dot_row(0, &[2.0, 9.0, 4.0]), 4.0);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Csr {
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f64>,
    cols: usize,
}

#[cfg(feature = "train")]
impl Csr {
    /// An empty matrix with `cols` columns.
    ///
    /// ```
    /// let x = slant::scorers::linear::Csr::new(4);
    /// assert_eq!((x.rows(), x.cols()), (0, 4));
    /// ```
    pub fn new(cols: usize) -> Csr {
        Csr {
            indptr: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
            cols,
        }
    }

    /// Append a row; columns at or past [`Csr::cols`] widen the matrix.
    ///
    /// ```
    /// let mut x = slant::scorers::linear::Csr::new(1);
    /// x.push_row([(5, 2.0)]);
    /// assert_eq!(x.cols(), 6);
    /// ```
    pub fn push_row(&mut self, row: impl IntoIterator<Item = (u32, f64)>) {
        for (j, v) in row {
            self.cols = self.cols.max(j as usize + 1);
            self.indices.push(j);
            self.values.push(v);
        }
        self.indptr.push(self.indices.len());
    }

    /// Number of rows.
    ///
    /// ```
    /// let mut x = slant::scorers::linear::Csr::new(2);
    /// x.push_row([(1, 1.0)]);
    /// assert_eq!(x.rows(), 1);
    /// ```
    pub fn rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Number of columns.
    ///
    /// ```
    /// assert_eq!(slant::scorers::linear::Csr::new(7).cols(), 7);
    /// ```
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The `(column, value)` pairs of row `i`.
    ///
    /// ```
    /// let mut x = slant::scorers::linear::Csr::new(2);
    /// x.push_row([(1, 3.0)]);
    /// assert_eq!(x.row(0).next(), Some((1, 3.0)));
    /// ```
    pub fn row(&self, i: usize) -> impl Iterator<Item = (u32, f64)> + '_ {
        let r = self.indptr[i]..self.indptr[i + 1];
        self.indices[r.clone()]
            .iter()
            .copied()
            .zip(self.values[r].iter().copied())
    }

    /// `x_i · w`.
    ///
    /// ```
    /// let mut x = slant::scorers::linear::Csr::new(2);
    /// x.push_row([(0, 2.0), (1, 1.0)]);
    /// assert_eq!(x.dot_row(0, &[1.0, -1.0]), 1.0);
    /// ```
    pub fn dot_row(&self, i: usize, w: &[f64]) -> f64 {
        self.row(i).map(|(j, v)| w[j as usize] * v).sum()
    }
}

#[cfg(feature = "train")]
/// linfa-logistic's binary objective on a sparse design:
/// `−Σ log σ(y_i z_i) + α/2 |w|²` with `y_i ∈ {−1, 1}`, `z_i = x_i·w + b`
/// (the intercept, the last parameter, is not penalised).
struct SparseLogistic<'a> {
    x: &'a Csr,
    y: Vec<f64>,
    alpha: f64,
}

#[cfg(feature = "train")]
impl SparseLogistic<'_> {
    /// Margins `y_i z_i`.
    fn margins(&self, p: &[f64]) -> Vec<f64> {
        let n = self.x.cols();
        let b = p[n];
        (0..self.x.rows())
            .map(|i| self.y[i] * (self.x.dot_row(i, &p[..n]) + b))
            .collect()
    }
}

#[cfg(feature = "train")]
/// `log σ(t)`, stable for large |t|.
fn log_sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        -(-t).exp().ln_1p()
    } else {
        t - t.exp().ln_1p()
    }
}

#[cfg(feature = "train")]
impl argmin::core::CostFunction for SparseLogistic<'_> {
    type Param = Array1<f64>;
    type Output = f64;
    fn cost(&self, p: &Self::Param) -> std::result::Result<f64, argmin::core::Error> {
        let p = p.as_slice().expect("contiguous parameters");
        let n = self.x.cols();
        let loss: f64 = self.margins(p).into_iter().map(log_sigmoid).sum();
        let reg: f64 = p[..n].iter().map(|w| w * w).sum();
        Ok(-loss + 0.5 * self.alpha * reg)
    }
}

#[cfg(feature = "train")]
impl argmin::core::Gradient for SparseLogistic<'_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;
    fn gradient(&self, p: &Self::Param) -> std::result::Result<Array1<f64>, argmin::core::Error> {
        let p = p.as_slice().expect("contiguous parameters");
        let n = self.x.cols();
        let mut g = vec![0.0f64; n + 1];
        for (i, m) in self.margins(p).into_iter().enumerate() {
            // d/dz of −log σ(y z) = (σ(y z) − 1) y
            let r = (sigmoid(m) - 1.0) * self.y[i];
            for (j, v) in self.x.row(i) {
                g[j as usize] += r * v;
            }
            g[n] += r;
        }
        for (gj, wj) in g[..n].iter_mut().zip(&p[..n]) {
            *gj += self.alpha * wj;
        }
        Ok(Array1::from(g))
    }
}

#[cfg(feature = "train")]
/// Fit an L2-regularised binary logistic regression on a sparse design
/// matrix: the objective of linfa-logistic (summed log-loss plus
/// `α/2 |w|²`, intercept unpenalised) minimised by the same solver linfa
/// uses (argmin's L-BFGS with a Moré–Thuente line search, history 10).
/// linfa-logistic needs a dense `ndarray` design, which for the
/// word-level loaded-language model (one row per token of the training
/// sentences, tens of thousands of character n-gram columns) would take
/// gigabytes; this works on the sparse rows directly. Labels are `bool`,
/// so the weights always predict `P(true)`. Single-threaded and
/// deterministic; `warm` starts from a previous solution.
///
/// ```
/// use slant::scorers::linear::{fit_binary_sparse, sigmoid, Csr, Solver};
/// let mut x = Csr::new(2);
/// for row in [[(0, 0.0)], [(0, 0.2)], [(0, 0.8)], [(0, 1.0)]] {
///     x.push_row(row);
/// }
/// let y = [false, false, true, true];
/// let s = Solver { alpha: 0.01, max_iterations: 200, gradient_tolerance: 1e-6 };
/// let fit = fit_binary_sparse(&x, &y, s, None).unwrap();
/// assert_eq!(fit.weights.len(), 2);
/// assert_eq!(fit.weights[1], 0.0); // an empty column gets no weight
/// for (i, &label) in y.iter().enumerate() {
///     assert_eq!(sigmoid(x.dot_row(i, &fit.weights) + fit.intercept) > 0.5, label);
/// }
/// ```
pub fn fit_binary_sparse(
    x: &Csr,
    y: &[bool],
    solver: Solver,
    warm: Option<&BinaryFit>,
) -> Result<BinaryFit> {
    use argmin::core::{Executor, State};
    use argmin::solver::linesearch::MoreThuenteLineSearch;
    use argmin::solver::quasinewton::LBFGS;
    if x.rows() != y.len() {
        return Err(Error::usage(format!(
            "{} rows but {} labels",
            x.rows(),
            y.len()
        )));
    }
    if !(solver.alpha.is_finite() && solver.alpha > 0.0) {
        return Err(Error::usage("alpha must be finite and > 0"));
    }
    let n = x.cols();
    let init: Vec<f64> = match warm {
        Some(w) if w.weights.len() == n => w.weights.iter().copied().chain([w.intercept]).collect(),
        _ => vec![0.0; n + 1],
    };
    let problem = SparseLogistic {
        x,
        y: y.iter().map(|&t| if t { 1.0 } else { -1.0 }).collect(),
        alpha: solver.alpha,
    };
    let lbfgs = LBFGS::new(MoreThuenteLineSearch::new(), 10)
        .with_tolerance_grad(solver.gradient_tolerance)
        .map_err(|e| Error::usage(format!("logistic regression: {e}")))?;
    let res = Executor::new(problem, lbfgs)
        .configure(|state| {
            state
                .param(Array1::from(init))
                .max_iters(solver.max_iterations)
        })
        .run()
        .map_err(|e| Error::usage(format!("logistic regression failed: {e}")))?;
    let p = res
        .state()
        .get_best_param()
        .ok_or_else(|| Error::usage("logistic regression: no solution"))?;
    if p.iter().any(|v| !v.is_finite()) {
        return Err(Error::usage("logistic regression diverged"));
    }
    Ok(BinaryFit {
        weights: p.iter().take(n).copied().collect(),
        intercept: p[n],
    })
}

/// The logistic function.
///
/// ```
/// assert_eq!(slant::scorers::linear::sigmoid(0.0), 0.5);
/// ```
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Softmax of scores, in place.
///
/// ```
/// let mut s = vec![0.0, 0.0];
/// slant::scorers::linear::softmax(&mut s);
/// assert_eq!(s, vec![0.5, 0.5]);
/// ```
pub fn softmax(s: &mut [f64]) {
    let m = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut z = 0.0;
    for v in s.iter_mut() {
        *v = (*v - m).exp();
        z += *v;
    }
    for v in s.iter_mut() {
        *v /= z;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// The dual solution satisfies the primal optimality conditions:
    /// residuals sum to zero (intercept) and `Xᵀ r = α w` (ridge).
    #[test]
    fn ridge_dual_meets_the_normal_equations() {
        let rows: Vec<Vec<(u32, f64)>> = vec![
            vec![(0, 1.0), (3, 0.5)],
            vec![(1, 2.0)],
            vec![(0, 0.3), (1, 0.7), (2, 1.0)],
            vec![(2, 0.4), (3, 1.5)],
            vec![(4, 1.0)],
            vec![],
        ];
        let y = [1.0, -1.0, 0.0, 1.0, -1.0, 0.0];
        let alpha = 0.3;
        let (w, b) = fit_ridge_dual(&rows, 5, &y, alpha).unwrap();
        let pred = |r: &[(u32, f64)]| b + r.iter().map(|&(j, v)| w[j as usize] * v).sum::<f64>();
        let resid: Vec<f64> = rows.iter().zip(&y).map(|(r, y)| y - pred(r)).collect();
        assert!(resid.iter().sum::<f64>().abs() < 1e-9);
        for (j, wj) in w.iter().enumerate() {
            let g: f64 = rows
                .iter()
                .zip(&resid)
                .map(|(r, e)| e * r.iter().find(|c| c.0 as usize == j).map_or(0.0, |c| c.1))
                .sum();
            assert!(
                (g - alpha * wj).abs() < 1e-9,
                "column {j}: {g} vs {}",
                alpha * wj
            );
        }
        assert!(fit_ridge_dual(&rows, 5, &y, 0.0).is_err());
        assert!(fit_ridge_dual(&[], 5, &[], 1.0).is_err());
    }

    /// linfa's positive class follows the data (majority, or first label on
    /// a tie); our weights must point to `true` in every case.
    #[test]
    fn orientation_is_always_towards_true() {
        let s = Solver {
            alpha: 0.01,
            max_iterations: 300,
            gradient_tolerance: 1e-8,
        };
        // Same data, rows in both orders (linfa's positive class is the
        // first label seen on a tie).
        for (x, y) in [
            (
                array![[0.0f32], [0.2], [0.8], [1.0]],
                [false, false, true, true],
            ),
            (
                array![[1.0f32], [0.8], [0.2], [0.0]],
                [true, true, false, false],
            ),
        ] {
            let xs: Vec<f32> = x.column(0).to_vec();
            let fit = fit_binary(x.view(), &y, s, None).unwrap();
            for (xi, yi) in xs.iter().zip(&y) {
                let p = sigmoid(fit.weights[0] * *xi as f64 + fit.intercept);
                assert_eq!(p > 0.5, *yi, "x={xi} y={yi} p={p}");
            }
        }
        // Majority false, first label true, and the reverse.
        let x = array![[1.0f32], [0.0], [0.1], [0.2]];
        let y = [true, false, false, false];
        let fit = fit_binary(x.view(), &y, s, None).unwrap();
        assert!(fit.weights[0] > 0.0);
        let y = [false, true, true, true];
        let fit = fit_binary(x.view(), &y, s, None).unwrap();
        assert!(fit.weights[0] < 0.0);
    }

    /// The sparse fit minimises linfa's objective with linfa's solver: on
    /// a small dense problem both give the same probabilities.
    #[test]
    fn sparse_fit_matches_linfa() {
        let x = array![
            [0.0f32, 1.0, 0.0],
            [0.3, 0.2, 1.0],
            [0.9, 0.1, 0.0],
            [1.0, 0.5, 1.0],
            [0.5, 0.5, 0.0],
            [0.1, 0.9, 1.0],
            [0.7, 0.0, 0.0]
        ];
        let y = [false, true, true, false, true, false, true];
        let s = Solver {
            alpha: 0.5,
            max_iterations: 500,
            gradient_tolerance: 1e-9,
        };
        let dense = fit_binary(x.view(), &y, s, None).unwrap();
        let mut csr = Csr::new(3);
        for row in x.rows() {
            csr.push_row(
                row.iter()
                    .enumerate()
                    .filter(|(_, v)| **v != 0.0)
                    .map(|(j, v)| (j as u32, *v as f64)),
            );
        }
        let sparse = fit_binary_sparse(&csr, &y, s, None).unwrap();
        for (a, b) in dense.weights.iter().zip(&sparse.weights) {
            assert!((a - b).abs() < 1e-3, "{a} vs {b}");
        }
        assert!((dense.intercept - sparse.intercept).abs() < 1e-3);
        // Deterministic, and a warm start from the optimum stays there.
        assert_eq!(fit_binary_sparse(&csr, &y, s, None).unwrap(), sparse);
        let again = fit_binary_sparse(&csr, &y, s, Some(&sparse)).unwrap();
        assert!((again.intercept - sparse.intercept).abs() < 1e-6);
        // Mismatched labels are an error, not a panic.
        assert!(fit_binary_sparse(&csr, &y[..3], s, None).is_err());
    }

    #[test]
    fn binary_matches_linfa_probabilities() {
        let x = array![
            [0.0f32, 1.0],
            [0.3, 0.2],
            [0.9, 0.1],
            [1.0, 0.5],
            [0.5, 0.5]
        ];
        let y = [false, true, true, false, true];
        let s = Solver {
            alpha: 0.1,
            max_iterations: 300,
            gradient_tolerance: 1e-8,
        };
        let fit = fit_binary(x.view(), &y, s, None).unwrap();
        let ds = DatasetBase::new(x.view(), Array1::from(y.to_vec()));
        let lf = LogisticRegression::<f32>::default()
            .alpha(0.1)
            .max_iterations(300)
            .gradient_tolerance(1e-8)
            .fit(&ds)
            .unwrap();
        assert!(lf.labels().pos.class, "linfa picked the majority (true)");
        let p = lf.predict_probabilities(&x);
        for (i, row) in x.rows().into_iter().enumerate() {
            let z: f64 = row
                .iter()
                .zip(&fit.weights)
                .map(|(a, b)| *a as f64 * b)
                .sum::<f64>()
                + fit.intercept;
            assert!((sigmoid(z) - p[i] as f64).abs() < 1e-5);
        }
    }
}
