//! Lagrangian relaxation lower bound for the (uncapacitated) p-median problem.
//!
//! Relaxing the assignment constraints `Σ_j x_ij = 1` with multipliers `λ_i` gives
//! (Cornuéjols, Fisher & Nemhauser 1977; Beasley 1993)
//!
//! `L(λ) = Σ_i λ_i + Σ_{j open} ρ_j`, with `ρ_j = Σ_i min(0, w_i d_ij − λ_i)`,
//!
//! where the fixed-open sites and the always-open "unserved" dummy (cost `P` for everyone) are
//! open, and the `p` most negative `ρ_j` among the free candidates are opened. `L(λ)` is a lower
//! bound for every `λ`, and its maximum equals the LP relaxation's bound. It is maximised by
//! subgradient optimisation, `g_i = 1 − Σ_j x_ij`, with the Held–Karp (Polyak) step
//! `t = θ (UB − L) / Σ_i w_i g_i²` applied as `λ_i += t w_i g_i`: a demand of weight `w` moves
//! as `w` demands of weight 1 would (its multiplier lives on the scale `w_i × cost`), so
//! heavy and light demands converge together; `θ` is halved after a run of non-improving
//! iterations (Beasley's rule). `λ_i` is kept in `[0, w_i P]`, which holds a maximiser.
//!
//! Work per iteration: `ρ` is updated incrementally — only demands whose multiplier moved
//! (`g_i ≠ 0`) walk their sorted list, up to the larger of the old and new `λ_i / w_i` — with a
//! full recomputation every [`FULL_PASS_EVERY`] iterations and at the end (the bound returned is
//! always evaluated exactly, never from the running sums); the subgradient is counted along the
//! columns of the `p` opened sites when the transposed matrix is given (`O(Σ_{j open} |col_j|)`
//! instead of a pass over every row prefix); the top-`p` selection is `O(m)`. The sites opened by
//! each subproblem are a primal candidate too (the "Lagrangian heuristic"). Group and budget
//! limits are not in the relaxation, which therefore bounds the problem without them: still
//! valid.

use super::budget::Budget;
use super::{SparseCosts, Transposed};

/// Iterations between two full recomputations of the reduced costs `ρ` (between them `ρ` is
/// updated incrementally; the recomputation bounds the rounding drift of the running sums).
pub const FULL_PASS_EVERY: u32 = 64;

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
    /// Weight `α` of the newest subgradient in the step direction `d = α g + (1 − α) d_prev`:
    /// 1 is the plain subgradient; smaller values average over the past ones, which damps the
    /// zig-zag of the plain method on large instances (the direction of Barahona & Anbil's
    /// 2000 volume algorithm).
    pub average: f64,
}

impl Default for SubgradientSettings {
    fn default() -> Self {
        Self {
            theta: 2.0,
            patience: 50,
            min_theta: 1e-5,
            max_iterations: 20000,
            average: 1.0,
        }
    }
}

/// Result of the subgradient optimisation.
#[derive(Debug, Clone)]
pub struct LagrangeResult {
    /// Best lower bound found (`L` evaluated exactly at [`LagrangeResult::multipliers`]).
    pub bound: f64,
    /// Multipliers at the best bound.
    pub multipliers: Vec<f64>,
    /// Reduced costs `ρ_j` at the best bound (free candidates; 0 for fixed ones).
    pub reduced: Vec<f64>,
    /// Iterations made.
    pub iterations: u64,
    /// Per candidate, the exponentially averaged indicator of being opened by the subproblems
    /// (weight [`SubgradientSettings::average`] on the newest): an estimate of the LP
    /// relaxation's `y_j` (Barahona & Anbil 2000), for rounding into a primal start.
    pub opened: Vec<f64>,
}

/// The p-median relaxation for one matrix, with fixed sites, `p` and the unserved cost.
#[derive(Debug, Clone)]
pub struct PMedianRelaxation<'a> {
    /// The matrix.
    pub costs: &'a SparseCosts,
    /// The same pairs by candidate ([`SparseCosts::transpose`]), when available: subgradients
    /// are then counted along the columns of the opened sites.
    pub cols: Option<&'a Transposed>,
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
        let work = self.full_rho(lambda, rho);
        (self.select(self.constant(lambda), rho), work)
    }

    /// `Σ_i λ_i + Σ_i min(0, w_i P − λ_i)`: the multipliers and the dummy site.
    fn constant(&self, lambda: &[f64]) -> f64 {
        let w = self.costs.weights();
        lambda
            .iter()
            .zip(w)
            .map(|(&l, &wi)| l + (wi * self.unserved - l).min(0.0))
            .sum()
    }

    /// Recomputes `ρ` from scratch; returns the work units.
    fn full_rho(&self, lambda: &[f64], rho: &mut [f64]) -> u64 {
        rho.fill(0.0);
        let w = self.costs.weights();
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
        }
        work
    }

    /// `L` from the constant part and `ρ`: the fixed sites and the `p` most negative free `ρ_j`
    /// (ties by index). `O(m)`.
    fn select(&self, constant: f64, rho: &[f64]) -> (f64, Vec<usize>) {
        let mut total = constant;
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
        free.sort_unstable();
        total += free.iter().map(|&j| rho[j]).sum::<f64>();
        (total, free)
    }

    /// Subgradient `g_i = 1 − Σ_{j open} [w_i d_ij < λ_i] − [w_i P < λ_i]` (0 for weightless
    /// demands); returns `Σ_i w_i g_i²` and the work units. Counts along the columns of the
    /// open sites (`open`) when the transposed matrix is known and that is cheaper than the row
    /// prefixes (`row_work`, the pairs the last pass visited), else along the rows (`mask`).
    fn subgradient(
        &self,
        lambda: &[f64],
        open: &[usize],
        mask: &[bool],
        row_work: u64,
        g: &mut [f64],
    ) -> (f64, u64) {
        let w = self.costs.weights();
        let mut work = 2 * lambda.len() as u64;
        for (i, gi) in g.iter_mut().enumerate() {
            *gi = 1.0 - f64::from(u8::from(w[i] * self.unserved < lambda[i]));
        }
        let col_work = self.cols.map(|t| {
            open.iter()
                .map(|&j| t.offsets[j + 1] - t.offsets[j])
                .sum::<usize>() as u64
        });
        match (self.cols, col_work) {
            (Some(t), Some(cw)) if cw <= row_work => {
                work += cw;
                for &j in open {
                    let r = t.offsets[j]..t.offsets[j + 1];
                    for (&i, &c) in t.demands[r.clone()].iter().zip(&t.costs[r]) {
                        let i = i as usize;
                        if w[i] * c < lambda[i] {
                            g[i] -= 1.0;
                        }
                    }
                }
            }
            _ => {
                for (i, &li) in lambda.iter().enumerate() {
                    let (cands, costs) = self.costs.row_slices(i);
                    for (&j, &c) in cands.iter().zip(costs) {
                        if w[i] * c >= li {
                            break;
                        }
                        work += 1;
                        if mask[j as usize] {
                            g[i] -= 1.0;
                        }
                    }
                }
            }
        }
        let mut norm = 0.0;
        for (gi, &wi) in g.iter_mut().zip(w) {
            if wi == 0.0 {
                *gi = 0.0;
            }
            norm += wi * *gi * *gi;
        }
        (norm, work)
    }

    /// Moves `λ_i` from `old` to `new` in the running reduced costs: walks demand `i`'s list up
    /// to the larger of the two. Returns the pairs visited.
    fn shift(&self, i: usize, old: f64, new: f64, rho: &mut [f64]) -> u64 {
        let wi = self.costs.weights()[i];
        let top = old.max(new);
        let (cands, costs) = self.costs.row_slices(i);
        let mut work = 0;
        for (&j, &c) in cands.iter().zip(costs) {
            let v = wi * c;
            if v >= top {
                break;
            }
            work += 1;
            rho[j as usize] += (v - new).min(0.0) - (v - old).min(0.0);
        }
        work
    }

    /// Maximises `L(λ)` from `lambda0` against the upper bound `upper`. `on_primal` receives the
    /// free sites opened by each subproblem (sorted) and the budget to charge its work to, and
    /// may return a better upper bound. Stops
    /// early when `done(bound)` says the bound is good enough or when `budget` is exhausted.
    pub fn optimise(
        &self,
        lambda0: Vec<f64>,
        mut upper: f64,
        settings: &SubgradientSettings,
        budget: &mut Budget,
        mut on_primal: impl FnMut(&[usize], &mut Budget) -> f64,
        done: impl Fn(f64, f64) -> bool,
    ) -> LagrangeResult {
        let (n, m) = (self.costs.n(), self.costs.m());
        let w = self.costs.weights();
        let cap = |i: usize| {
            if w[i] > 0.0 {
                w[i] * self.unserved
            } else {
                0.0
            }
        };
        let mut lambda = lambda0;
        for (i, l) in lambda.iter_mut().enumerate() {
            *l = l.clamp(0.0, cap(i));
        }
        let (mut rho, mut g) = (vec![0.0; m], vec![0.0; n]);
        let mut best = LagrangeResult {
            bound: f64::NEG_INFINITY,
            multipliers: lambda.clone(),
            reduced: vec![0.0; m],
            iterations: 0,
            opened: vec![0.0; m],
        };
        let fixed_open: Vec<usize> = (0..m).filter(|&j| self.fixed[j]).collect();
        let (mut theta, mut stale) = (settings.theta, 0);
        let mut dir = vec![0.0; n];
        let mut mask = self.fixed.clone();
        let mut open: Vec<usize> = Vec::with_capacity(fixed_open.len() + self.p);
        let mut row_work = self.full_rho(&lambda, &mut rho);
        budget.spend(row_work);
        let mut since_full = 0;
        for it in 0..settings.max_iterations {
            if since_full >= FULL_PASS_EVERY {
                row_work = self.full_rho(&lambda, &mut rho);
                budget.spend(row_work);
                since_full = 0;
            }
            since_full += 1;
            let (bound, chosen) = self.select(self.constant(&lambda), &rho);
            budget.spend((2 * n + m) as u64);
            best.iterations = u64::from(it) + 1;
            let a = if it == 0 { 1.0 } else { settings.average };
            for y in &mut best.opened {
                *y *= 1.0 - a;
            }
            for &j in &chosen {
                best.opened[j] += a;
            }
            upper = upper.min(on_primal(&chosen, budget));
            if bound > best.bound + 1e-12 * bound.abs().max(1.0) {
                best.bound = bound;
                best.multipliers.clone_from(&lambda);
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
            open.clear();
            open.extend_from_slice(&fixed_open);
            open.extend_from_slice(&chosen);
            for &j in &chosen {
                mask[j] = true;
            }
            let (norm, work) = self.subgradient(&lambda, &open, &mask, row_work, &mut g);
            for &j in &chosen {
                mask[j] = false;
            }
            budget.spend(work);
            if norm == 0.0 {
                break; // the relaxed solution is feasible, hence optimal for the relaxation
            }
            let alpha = settings.average;
            let mut norm = norm;
            if alpha < 1.0 && it > 0 {
                norm = 0.0;
                for i in 0..n {
                    dir[i] = alpha * g[i] + (1.0 - alpha) * dir[i];
                    norm += w[i] * dir[i] * dir[i];
                }
                budget.spend(n as u64);
            } else {
                dir.copy_from_slice(&g);
            }
            if norm == 0.0 {
                break;
            }
            let step = theta * (upper - bound).max(1e-9 * upper.abs().max(1.0)) / norm;
            let mut work = n as u64;
            for i in 0..n {
                if dir[i] == 0.0 {
                    continue;
                }
                let old = lambda[i];
                let new = (old + step * w[i] * dir[i]).clamp(0.0, cap(i));
                if new != old {
                    work += self.shift(i, old, new, &mut rho);
                    lambda[i] = new;
                }
            }
            budget.spend(work);
        }
        // The bound returned is evaluated exactly at the best multipliers (the running sums
        // above may carry rounding drift).
        let ((exact, _), work) = self.evaluate_counted(&best.multipliers, &mut rho);
        budget.spend(work);
        best.bound = exact;
        best.reduced = rho;
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 30 demands, 12 candidates, random non-metric costs, weights 0.5–40.
    fn instance() -> SparseCosts {
        let mut x = 0x2545_f491_u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 10_000) as f64 / 10.0
        };
        let lists = (0..30)
            .map(|_| (0..12).map(|j| (j, next())).collect())
            .collect();
        let weights = (0..30).map(|_| 0.5 + next() / 25.0).collect();
        SparseCosts::from_lists(weights, 12, lists).unwrap()
    }

    /// The optimum over every selection of `p` sites (at most `P` per unit weight).
    fn brute_force(costs: &SparseCosts, p: usize, unserved: f64) -> f64 {
        let m = costs.m();
        let mut best = f64::INFINITY;
        for mask in 0u32..(1 << m) {
            if mask.count_ones() as usize != p {
                continue;
            }
            let value: f64 = (0..costs.n())
                .map(|i| {
                    let d = costs
                        .row(i)
                        .find(|&(j, _)| mask & (1 << j) != 0)
                        .map_or(unserved, |(_, c)| c.min(unserved));
                    costs.weights()[i] * d
                })
                .sum();
            best = best.min(value);
        }
        best
    }

    #[test]
    fn bounds_hold_and_columns_change_nothing() {
        let costs = instance();
        let cols = costs.transpose();
        let unserved = 1500.0;
        for p in [2, 3, 5] {
            let opt = brute_force(&costs, p, unserved);
            for average in [1.0, 0.1] {
                let run = |cols: Option<&Transposed>| {
                    let relax = PMedianRelaxation {
                        costs: &costs,
                        cols,
                        fixed: vec![false; costs.m()],
                        selectable: vec![true; costs.m()],
                        p,
                        unserved,
                    };
                    let settings = SubgradientSettings {
                        theta: if average < 1.0 { 0.1 } else { 2.0 },
                        average,
                        max_iterations: 300,
                        ..SubgradientSettings::default()
                    };
                    let lambda0 = vec![0.0; costs.n()];
                    let r = relax.optimise(
                        lambda0,
                        opt * 1.05,
                        &settings,
                        &mut Budget::unlimited(),
                        |_, _| f64::INFINITY,
                        |_, _| false,
                    );
                    // The bound returned is `L` at the multipliers returned, exactly.
                    let mut rho = vec![0.0; costs.m()];
                    let (exact, _) = relax.evaluate(&r.multipliers, &mut rho);
                    assert_eq!(exact, r.bound);
                    r
                };
                let (rows, by_cols) = (run(None), run(Some(&cols)));
                assert_eq!(rows.bound, by_cols.bound, "p {p}, average {average}");
                assert_eq!(rows.multipliers, by_cols.multipliers);
                assert!(
                    rows.bound <= opt + 1e-9 * opt,
                    "p {p}: {} > {opt}",
                    rows.bound
                );
                // Weighted, averaged or not, the bound gets close (these instances have an
                // LP gap, so not to the optimum).
                assert!(rows.bound >= 0.8 * opt, "p {p}: {} vs {opt}", rows.bound);
            }
        }
    }
}
