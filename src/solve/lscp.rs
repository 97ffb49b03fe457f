//! Location set covering (Toregas et al. 1971): the fewest (or cheapest, with `site_cost`) new
//! sites so that every coverable demand of positive weight is within `radius` (inclusive) of an
//! open site, or so that a share `coverage_target` of the total weight is covered.
//!
//! Reads `fixed_open`, `radius`, `site_cost`, `budget`, `groups`, `coverage_target`,
//! `time_limit`; `p` is ignored. Demands no site can cover are left out and reported through
//! `covered < total`.
//!
//! Heuristic: Chvátal's greedy (cost per newly covered row, or per newly covered weight for a
//! target share), then redundancy elimination (drop the most expensive redundant site first).
//! For full cover, the Lagrangian relaxation of the cover constraints (Beasley 1990, "A
//! Lagrangian heuristic for set-covering problems", *NRL* 37) gives the lower bound
//! `L(u) = Σ_i u_i + Σ_j min(0, c_j − Σ_{i ∈ N_j} u_i)`, and each subproblem seeds a greedy
//! completion + redundancy elimination (its Lagrangian heuristic). For a target share the bound
//! is the cost of the cheapest sites whose largest coverages could reach the target.
//! Budget and group limits are respected by the heuristic, not by the bounds (still valid).

use super::constraints::Limits;
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
    let deadline = started + problem.time_limit;
    let rows = costs.within(problem.radius);
    let cols = rows.transpose();
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
        .map_or(f64::INFINITY, |t| (t * total).min(coverable));
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
    let Some(mut best) = cover.complete(&[], &cover.cost, &count0) else {
        return Ok(Solution::infeasible(Sense::Minimise, total, started));
    };
    let mut best_value = cover.value(&best);
    let (bound, iterations) = if target.is_finite() {
        (share_bound(&cover, &count0), 0)
    } else {
        lagrangian(
            &cover,
            &count0,
            &mut best,
            &mut best_value,
            integral,
            deadline,
        )
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
    Ok(sol)
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

/// Subgradient optimisation of the cover relaxation with the Lagrangian heuristic; improves
/// `best` in place and returns the bound and iterations.
fn lagrangian(
    cover: &Cover<'_>,
    count0: &[u32],
    best: &mut Vec<usize>,
    best_value: &mut f64,
    integral: bool,
    deadline: Instant,
) -> (f64, u64) {
    let (n, m) = (cover.rows.n(), cover.rows.m());
    let live: Vec<bool> = (0..n).map(|i| cover.need[i] && count0[i] == 0).collect();
    let selectable: Vec<usize> = (0..m).filter(|&j| cover.limits.selectable(j)).collect();
    let mut u: Vec<f64> = (0..n)
        .map(|i| {
            if live[i] {
                cover
                    .rows
                    .row(i)
                    .filter(|&(j, _)| cover.limits.selectable(j))
                    .map(|(j, _)| cover.cost[j])
                    .fold(f64::INFINITY, f64::min)
            } else {
                0.0
            }
        })
        .map(|v| if v.is_finite() { v } else { 0.0 })
        .collect();
    let (mut bound_best, mut theta, mut stale, mut it) = (f64::NEG_INFINITY, 2.0, 0, 0u64);
    let mut rc = vec![0.0; m];
    while it < 5000 && Instant::now() < deadline {
        it += 1;
        let mut bound: f64 = u.iter().sum();
        let mut chosen = Vec::new();
        for &j in &selectable {
            rc[j] = cover.cost[j] - cover.cols.column(j).map(|(i, _)| u[i]).sum::<f64>();
            if rc[j] < 0.0 {
                bound += rc[j];
                chosen.push(j);
            }
        }
        if bound > bound_best + 1e-12 * bound.abs().max(1.0) {
            (bound_best, stale) = (bound, 0);
        } else {
            stale += 1;
            if stale >= 20 {
                (theta, stale) = (theta / 2.0, 0);
            }
        }
        if it % 5 == 1 {
            let price: Vec<f64> = (0..m)
                .map(|j| rc[j].max(0.0) + 1e-6 * cover.cost[j])
                .collect();
            if let Some(sel) = cover.complete(&chosen, &price, count0) {
                let v = cover.value(&sel);
                if v < *best_value {
                    (*best, *best_value) = (sel, v);
                }
            }
        }
        if theta < 1e-4 || super::pmedian::proven(integral, bound_best, *best_value) {
            break;
        }
        let mut g: Vec<f64> = live.iter().map(|&l| f64::from(u8::from(l))).collect();
        for &j in &chosen {
            for (i, _) in cover.cols.column(j) {
                g[i] -= 1.0;
            }
        }
        for i in 0..n {
            if !live[i] || (u[i] <= 0.0 && g[i] < 0.0) {
                g[i] = 0.0;
            }
        }
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm == 0.0 {
            break;
        }
        let step = theta * (*best_value - bound).max(1e-9) / norm;
        for i in 0..n {
            u[i] = (u[i] + step * g[i]).max(0.0);
        }
    }
    (bound_best, it)
}
