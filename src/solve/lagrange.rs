//! Lagrangian relaxation lower bound for the (uncapacitated) p-median problem.
//!
//! Relaxing the assignment constraints `Σ_j x_ij = 1` with multipliers `λ_i` gives
//! (Cornuéjols, Fisher & Nemhauser 1977; Beasley 1993)
//!
//! `L(λ) = Σ_i λ_i + Σ_{j open} ρ_j`, with `ρ_j = Σ_i min(0, w_i d_ij − λ_i)`,
//!
//! where the fixed-open sites and the always-open "unserved" dummy (cost `P` for everyone) are
//! open, and the `p` most negative `ρ_j` among the free candidates are opened. `L(λ)` is a lower
//! bound for every `λ`; it is maximised by subgradient optimisation with the Held–Karp step
//! `t = θ (UB − L) / ‖g‖²`, `g_i = 1 − Σ_j x_ij`, halving `θ` after a run of non-improving
//! iterations (Beasley's rule). Each iteration costs `O(Σ_i k_i(λ))`, the prefixes of the sorted
//! lists with `w_i d_ij < λ_i`, plus `O(m)` for the selection. The sites opened by each
//! subproblem are a primal candidate too (the "Lagrangian heuristic"). Group and budget limits
//! are not in the relaxation, which therefore bounds the problem without them: still valid.

use super::budget::Budget;
use super::SparseCosts;

/// Subgradient settings.
#[derive(Debug, Clone)]
pub struct SubgradientSettings {
    /// Initial step factor θ (Beasley: 2).
    pub theta: f64,
    /// Halve θ after this many iterations without a better bound.
    pub patience: u32,
    /// Stop when θ falls below this.
    pub min_theta: f64,
    /// Hard cap on iterations.
    pub max_iterations: u32,
}

impl Default for SubgradientSettings {
    fn default() -> Self {
        Self {
            theta: 2.0,
            patience: 50,
            min_theta: 1e-5,
            max_iterations: 20000,
        }
    }
}

/// Result of the subgradient optimisation.
#[derive(Debug, Clone)]
pub struct LagrangeResult {
    /// Best lower bound found.
    pub bound: f64,
    /// Multipliers at the best bound.
    pub multipliers: Vec<f64>,
    /// Reduced costs `ρ_j` at the best bound (free candidates; 0 for fixed ones).
    pub reduced: Vec<f64>,
    /// Iterations made.
    pub iterations: u64,
}

/// The p-median relaxation for one matrix, with fixed sites, `p` and the unserved cost.
#[derive(Debug, Clone)]
pub struct PMedianRelaxation<'a> {
    /// The matrix.
    pub costs: &'a SparseCosts,
    /// `true` for fixed-open candidates.
    pub fixed: Vec<bool>,
    /// `true` for candidates that may be opened.
    pub selectable: Vec<bool>,
    /// Most new sites.
    pub p: usize,
    /// Cost per unit weight of the always-open dummy site.
    pub unserved: f64,
}

impl PMedianRelaxation<'_> {
    /// Evaluates `L(λ)`: returns the bound, the opened free sites and fills `rho`.
    pub fn evaluate(&self, lambda: &[f64], rho: &mut [f64]) -> (f64, Vec<usize>) {
        self.evaluate_counted(lambda, rho).0
    }

    /// [`Self::evaluate`] and the work units it took.
    fn evaluate_counted(&self, lambda: &[f64], rho: &mut [f64]) -> ((f64, Vec<usize>), u64) {
        rho.fill(0.0);
        let w = self.costs.weights();
        let mut total: f64 = lambda.iter().sum();
        let mut work = (lambda.len() + rho.len()) as u64;
        for (i, &li) in lambda.iter().enumerate() {
            let (cands, costs) = self.costs.row_slices(i);
            for (&j, &c) in cands.iter().zip(costs) {
                let v = w[i] * c - li;
                if v >= 0.0 {
                    break;
                }
                work += 1;
                rho[j as usize] += v;
            }
            total += (w[i] * self.unserved - li).min(0.0);
        }
        let mut free: Vec<usize> = Vec::new();
        for (j, &r) in rho.iter().enumerate() {
            if self.fixed[j] {
                total += r;
            } else if self.selectable[j] && r < 0.0 {
                free.push(j);
            }
        }
        if free.len() > self.p {
            if self.p == 0 {
                free.clear();
            } else {
                free.select_nth_unstable_by(self.p - 1, |&a, &b| {
                    rho[a].total_cmp(&rho[b]).then(a.cmp(&b))
                });
                free.truncate(self.p);
            }
        }
        total += free.iter().map(|&j| rho[j]).sum::<f64>();
        ((total, free), work)
    }

    /// Subgradient `g_i = 1 − Σ_{j open} [w_i d_ij < λ_i] − [w_i P < λ_i]`; returns its squared
    /// norm and the work units.
    fn subgradient(&self, lambda: &[f64], open: &[bool], g: &mut [f64]) -> (f64, u64) {
        let w = self.costs.weights();
        let mut norm = 0.0;
        let mut work = lambda.len() as u64;
        for (i, &li) in lambda.iter().enumerate() {
            if w[i] == 0.0 {
                g[i] = 0.0;
                continue;
            }
            let mut x = f64::from(u8::from(w[i] * self.unserved < li));
            let (cands, costs) = self.costs.row_slices(i);
            for (&j, &c) in cands.iter().zip(costs) {
                if w[i] * c >= li {
                    break;
                }
                work += 1;
                if open[j as usize] {
                    x += 1.0;
                }
            }
            g[i] = 1.0 - x;
            norm += g[i] * g[i];
        }
        (norm, work)
    }

    /// Maximises `L(λ)` from `lambda0` against the upper bound `upper`. `on_primal` receives the
    /// free sites opened by each subproblem and may return a better upper bound. Stops early when
    /// `done(bound)` says the bound is good enough or when `budget` is exhausted.
    pub fn optimise(
        &self,
        lambda0: Vec<f64>,
        mut upper: f64,
        settings: &SubgradientSettings,
        budget: &mut Budget,
        mut on_primal: impl FnMut(&[usize]) -> f64,
        done: impl Fn(f64, f64) -> bool,
    ) -> LagrangeResult {
        let (n, m) = (self.costs.n(), self.costs.m());
        let mut lambda = lambda0;
        let (mut rho, mut g) = (vec![0.0; m], vec![0.0; n]);
        let mut best = LagrangeResult {
            bound: f64::NEG_INFINITY,
            multipliers: lambda.clone(),
            reduced: vec![0.0; m],
            iterations: 0,
        };
        let (mut theta, mut stale) = (settings.theta, 0);
        let mut open = vec![false; m];
        for it in 0..settings.max_iterations {
            let ((bound, chosen), work) = self.evaluate_counted(&lambda, &mut rho);
            budget.spend(work);
            best.iterations = u64::from(it) + 1;
            upper = upper.min(on_primal(&chosen));
            budget.spend(2 * self.costs.n() as u64);
            if bound > best.bound + 1e-12 * bound.abs().max(1.0) {
                best.bound = bound;
                best.multipliers.clone_from(&lambda);
                best.reduced.clone_from(&rho);
                stale = 0;
            } else {
                stale += 1;
                if stale >= settings.patience {
                    theta /= 2.0;
                    stale = 0;
                }
            }
            if theta < settings.min_theta || done(best.bound, upper) || budget.exhausted() {
                break;
            }
            open.copy_from_slice(&self.fixed);
            for &j in &chosen {
                open[j] = true;
            }
            let (norm, work) = self.subgradient(&lambda, &open, &mut g);
            budget.spend(work);
            if norm == 0.0 {
                break; // the relaxed solution is feasible, hence optimal for the relaxation
            }
            let step = theta * (upper - bound).max(1e-9 * upper.abs().max(1.0)) / norm;
            for (l, gi) in lambda.iter_mut().zip(&g) {
                *l = (*l + step * gi).max(0.0);
            }
        }
        best
    }
}
