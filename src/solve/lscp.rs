//! Location set covering (Toregas et al. 1971): the fewest (or cheapest, with `site_cost`) new
//! sites so that every coverable demand of positive weight is within `radius` (inclusive) of an
//! open site, or so that a share `coverage_target` of the total weight is covered.
//!
//! Reads `fixed_open`, `radius`, `site_cost`, `budget`, `groups`, `coverage_target`,
//! `time_limit`; `p` is ignored. Demands no site can cover are left out and reported through
//! `covered < total`.
//!
//! Full cover (no `coverage_target`, or a target reaching all coverable demand) is solved
//! exactly by the set-cover tree (`solve::setcover`): reductions (essential sites, dominated demands and sites),
//! Beasley's Lagrangian bound and branch-and-bound, started from Chvátal's greedy (cost per
//! newly covered demand) with redundancy elimination. For a smaller target share the greedy
//! (per newly covered weight) is the answer and the bound is the cost of the cheapest sites whose
//! largest coverages could reach the target. Budget and group limits are respected by every
//! selection; the bounds ignore them (still valid).

use super::constraints::Limits;
use super::setcover;
use super::solution::Sense;
use super::{Problem, Solution, SolveError, SparseCosts, Transposed};
use std::time::Instant;

struct Cover<'a> {
    rows: &'a SparseCosts,
    cols: &'a Transposed,
    need: Vec<bool>,
    cost: Vec<f64>,
    limits: Limits,
    target: f64,
}

impl Cover<'_> {
    fn gain(&self, j: usize, count: &[u32], by_weight: bool) -> f64 {
        let w = self.rows.weights();
        self.cols
            .column(j)
            .filter(|&(i, _)| self.need[i] && count[i] == 0)
            .map(|(i, _)| if by_weight { w[i] } else { 1.0 })
            .sum()
    }

    fn covered_weight(&self, count: &[u32]) -> f64 {
        let w = self.rows.weights();
        (0..count.len())
            .filter(|&i| self.need[i] && count[i] > 0)
            .map(|i| w[i])
            .sum()
    }

    fn done(&self, count: &[u32]) -> bool {
        if self.target.is_finite() {
            self.covered_weight(count) >= self.target - 1e-9
        } else {
            (0..count.len()).all(|i| !self.need[i] || count[i] > 0)
        }
    }

    /// Greedy completion of `start` with costs `price` (site cost or Lagrangian-adjusted), then
    /// redundancy elimination. Returns `None` if the limits stop the cover.
    #[allow(clippy::needless_range_loop)] // j indexes price and the limits
    fn complete(&self, start: &[usize], price: &[f64], count0: &[u32]) -> Option<Vec<usize>> {
        let mut count = count0.to_vec();
        let mut tally = self.limits.tally();
        let mut sel = Vec::new();
        for &j in start {
            if self.limits.can_add(&tally, j) {
                self.add(j, &mut count, &mut sel);
                self.limits.add(&mut tally, j);
            }
        }
        let by_weight = self.target.is_finite();
        while !self.done(&count) || self.limits.any_deficit(&tally) {
            let mut best: Option<(f64, usize)> = None;
            for j in 0..self.rows.m() {
                if !self.limits.can_add(&tally, j) {
                    continue;
                }
                let g = self.gain(j, &count, by_weight);
                let ok = g > 0.0
                    || (self.limits.any_deficit(&tally) && self.limits.in_deficit(&tally, j));
                let score = price[j].max(0.0) / g.max(1e-12);
                if ok && !matches!(best, Some((s, _)) if s <= score) {
                    best = Some((score, j));
                }
            }
            let (_, j) = best?;
            self.add(j, &mut count, &mut sel);
            self.limits.add(&mut tally, j);
        }
        self.drop_redundant(&mut sel, &mut count, &mut tally);
        Some(sel)
    }

    fn add(&self, j: usize, count: &mut [u32], sel: &mut Vec<usize>) {
        sel.push(j);
        for (i, _) in self.cols.column(j) {
            count[i] += 1;
        }
    }

    fn drop_redundant(
        &self,
        sel: &mut Vec<usize>,
        count: &mut [u32],
        tally: &mut super::constraints::Tally,
    ) {
        sel.sort_by(|&a, &b| self.cost[b].total_cmp(&self.cost[a]).then(a.cmp(&b)));
        let mut k = 0;
        while k < sel.len() {
            let j = sel[k];
            for (i, _) in self.cols.column(j) {
                count[i] -= 1;
            }
            if self.done(count) && self.limits.can_remove(tally, j) {
                self.limits.remove(tally, j);
                sel.remove(k);
            } else {
                for (i, _) in self.cols.column(j) {
                    count[i] += 1;
                }
                k += 1;
            }
        }
    }

    fn value(&self, sel: &[usize]) -> f64 {
        sel.iter().map(|&j| self.cost[j]).sum()
    }
}

/// Solves the LSCP. `objective` is the number (or total cost) of new sites.
pub fn solve(costs: &SparseCosts, problem: &Problem) -> Result<Solution, SolveError> {
    problem.validate(costs)?;
    let started = Instant::now();
    let mut budget = problem.budget(started);
    let rows = costs.within(problem.radius);
    let cols = rows.transpose();
    budget.spend(6 * rows.pairs() as u64 + rows.n() as u64);
    let (m, w) = (rows.m(), rows.weights());
    let total = rows.total_weight();
    let limits = Limits::new(problem, m, Some(m));
    let fixed = problem.fixed_mask(m);
    let mut count0 = vec![0u32; rows.n()];
    for &j in &problem.fixed_open {
        for (i, _) in cols.column(j) {
            count0[i] += 1;
        }
    }
    let need: Vec<bool> = (0..rows.n())
        .map(|i| w[i] > 0.0 && rows.row(i).any(|(j, _)| fixed[j] || limits.selectable(j)))
        .collect();
    let coverable: f64 = (0..rows.n())
        .filter(|&i| need[i] || count0[i] > 0)
        .map(|i| w[i])
        .sum();
    let target = problem
        .coverage_target
        .map(|t| (t * total).min(coverable))
        .filter(|&t| t < coverable - 1e-9 * coverable.abs().max(1.0))
        .unwrap_or(f64::INFINITY);
    let cost: Vec<f64> = problem.site_cost.clone().unwrap_or_else(|| vec![1.0; m]);
    let integral = cost.iter().all(|c| c.fract() == 0.0);
    let cover = Cover {
        rows: &rows,
        cols: &cols,
        need,
        cost,
        limits,
        target,
    };
    budget.spend((m * rows.n()) as u64 / 4 + 4 * rows.pairs() as u64);
    let greedy = cover.complete(&[], &cover.cost, &count0);
    let (best, best_value, bound, complete, nodes, iterations) = if target.is_finite() {
        let Some(best) = greedy else {
            return Ok(Solution::infeasible(Sense::Minimise, total, started).finish(&budget, false));
        };
        let v = cover.value(&best);
        (best, v, share_bound(&cover, &count0), false, 0, 0)
    } else {
        // Full cover: exact set covering over the demands the fixed sites leave uncovered.
        let inst = setcover::Instance {
            rows: (0..rows.n())
                .filter(|&i| cover.need[i] && count0[i] == 0)
                .map(|i| {
                    let mut l: Vec<u32> = rows
                        .row_slices(i)
                        .0
                        .iter()
                        .copied()
                        .filter(|&j| cover.limits.selectable(j as usize))
                        .collect();
                    l.sort_unstable();
                    l.dedup();
                    l
                })
                .collect(),
            cost: cover.cost.clone(),
            usable: (0..m).map(|j| cover.limits.selectable(j)).collect(),
        };
        let start = greedy.map(|g| {
            let v = cover.value(&g);
            (g, v)
        });
        let out = setcover::solve(&inst, &cover.limits, start, None, &mut budget);
        let Some((best, v)) = out.best else {
            let sol = Solution::infeasible(Sense::Minimise, total, started);
            return Ok(sol.finish(&budget, out.complete));
        };
        (best, v, out.bound, out.complete, out.nodes, out.iterations)
    };
    let mut count = count0;
    for &j in &best {
        for (i, _) in cols.column(j) {
            count[i] += 1;
        }
    }
    let covered = (0..rows.n()).filter(|&i| count[i] > 0).map(|i| w[i]).sum();
    let mut sol = Solution::certified(
        Sense::Minimise,
        best,
        best_value,
        bound,
        integral,
        covered,
        total,
        started,
    );
    let mut open = fixed;
    for &j in &sol.selected {
        open[j] = true;
    }
    sol.assignment = Some(super::mclp::nearest_open(&rows, &open));
    sol.iterations = iterations;
    sol.nodes = nodes;
    Ok(sol.finish(&budget, complete))
}

/// Lower bound for a target share: the weight still needed divided among the largest
/// single-site coverages gives the least number `k` of sites; the `k` cheapest costs bound.
fn share_bound(cover: &Cover<'_>, count0: &[u32]) -> f64 {
    let needed = cover.target - cover.covered_weight(count0);
    if needed <= 1e-9 {
        return 0.0;
    }
    let m = cover.rows.m();
    let mut gains: Vec<f64> = (0..m)
        .filter(|&j| cover.limits.selectable(j))
        .map(|j| cover.gain(j, count0, true))
        .collect();
    gains.sort_by(|a, b| b.total_cmp(a));
    let mut costs: Vec<f64> = (0..m)
        .filter(|&j| cover.limits.selectable(j))
        .map(|j| cover.cost[j])
        .collect();
    costs.sort_by(f64::total_cmp);
    let (mut acc, mut k) = (0.0, 0);
    while acc < needed - 1e-9 && k < gains.len() {
        acc += gains[k];
        k += 1;
    }
    costs.iter().take(k).sum()
}
