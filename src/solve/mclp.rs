//! Maximal covering location problem (Church & ReVelle 1974) and its capacitated variant.
//!
//! Maximise the weight of demands within `radius` (inclusive) of an open site, opening at most
//! `p` new sites; fixed-open sites already cover. Reads `fixed_open`, `p`, `radius`,
//! `site_cost` + `budget`, `groups`, `time_limit`, `seed` (and `capacities` in
//! [`solve_capacitated`]).
//!
//! Method: the problem is first reduced and then solved by Lagrangian branch-and-bound
//! (the maximal-covering tree, `solve::maxcover`): same-set demands merged, dominated candidates removed, an upper bound
//! from the Lagrangian relaxation of the coverage constraints (never above the coverable
//! demand, as tight as the LP relaxation at its optimum) and a best-first tree with
//! reduced-cost fixing. The starting incumbent comes from a greedy by marginal covered weight
//! (per unit site cost under a budget) and iterated swap search with the gain / loss / extra
//! decomposition of the p-median interchange (`O(Σ_{i unique to r} deg(i) + m)` per removed
//! site `r`). `Optimal` is reported when the tree is exhausted. All stopping is by the
//! deterministic work budget ([`super::budget`]).

use super::budget::Budget;
use super::constraints::{Limits, Tally};
use super::maxcover::{self, Incumbent};
use super::rng::Rng;
use super::solution::Sense;
use super::{Problem, Solution, SolveError, SparseCosts, Transposed};
use std::time::Instant;

/// A local optimum this much (relative) worse than the best may become the next start.
const ACCEPT_WORSE: f64 = 0.004;

/// Perturbations without improvement after which the local search stops.
const STALE_PERTURBATIONS: u32 = 300;

/// Coverage state: how many open sites cover each demand, and per-site gain / loss.
pub(crate) struct Cover<'a> {
    pub(crate) rows: &'a SparseCosts,
    pub(crate) cols: &'a Transposed,
    pub(crate) count: Vec<u32>,
    pub(crate) open: Vec<bool>,
    gain: Vec<f64>,
    loss: Vec<f64>,
}

impl<'a> Cover<'a> {
    pub(crate) fn new(rows: &'a SparseCosts, cols: &'a Transposed, fixed: &[usize]) -> Self {
        let w = rows.weights();
        let mut gain = vec![0.0; rows.m()];
        for (j, g) in gain.iter_mut().enumerate() {
            *g = cols.column(j).map(|(i, _)| w[i]).sum();
        }
        let mut c = Cover {
            rows,
            cols,
            count: vec![0; rows.n()],
            open: vec![false; rows.m()],
            gain,
            loss: vec![0.0; rows.m()],
        };
        for &j in fixed {
            if !c.open[j] {
                c.add(j);
            }
        }
        c
    }

    fn sole_cover(&self, i: usize) -> Option<usize> {
        self.rows.row(i).map(|(j, _)| j).find(|&j| self.open[j])
    }

    pub(crate) fn add(&mut self, a: usize) {
        let w = self.rows.weights();
        self.open[a] = true;
        for (i, _) in self.cols.column(a) {
            match self.count[i] {
                0 => {
                    for (k, _) in self.rows.row(i) {
                        self.gain[k] -= w[i];
                    }
                    self.loss[a] += w[i];
                }
                1 => {
                    if let Some(u) = self.sole_cover(i).filter(|&u| u != a) {
                        self.loss[u] -= w[i];
                    }
                }
                _ => {}
            }
            self.count[i] += 1;
        }
    }

    pub(crate) fn remove(&mut self, r: usize) {
        let w = self.rows.weights();
        self.open[r] = false;
        for (i, _) in self.cols.column(r) {
            self.count[i] -= 1;
            match self.count[i] {
                0 => {
                    for (k, _) in self.rows.row(i) {
                        self.gain[k] += w[i];
                    }
                    self.loss[r] -= w[i];
                }
                1 => {
                    if let Some(u) = self.sole_cover(i) {
                        self.loss[u] += w[i];
                    }
                }
                _ => {}
            }
        }
    }

    pub(crate) fn covered(&self) -> f64 {
        let w = self.rows.weights();
        self.count
            .iter()
            .zip(w)
            .filter(|(c, _)| **c > 0)
            .map(|(_, wi)| wi)
            .sum()
    }

    /// Best swap `(a in, r out, profit)` over the removable `selected` sites.
    #[allow(clippy::needless_range_loop)] // a indexes open, gain and extra
    fn best_swap(
        &self,
        selected: &[usize],
        limits: &Limits,
        tally: &Tally,
        extra: &mut [f64],
        budget: &mut Budget,
    ) -> Option<(usize, usize, f64)> {
        let w = self.rows.weights();
        let mut best: Option<(usize, usize, f64)> = None;
        let mut touched = Vec::new();
        for &r in selected {
            budget.spend((self.rows.m() + self.cols.demands_of(r).len()) as u64);
            for (i, _) in self.cols.column(r) {
                if self.count[i] == 1 {
                    budget.spend(self.rows.row_slices(i).0.len() as u64);
                    for (a, _) in self.rows.row(i) {
                        if extra[a] == 0.0 {
                            touched.push(a);
                        }
                        extra[a] += w[i];
                    }
                }
            }
            for a in 0..self.rows.m() {
                if self.open[a] || !limits.selectable(a) {
                    continue;
                }
                let profit = self.gain[a] + extra[a] - self.loss[r];
                if profit > 1e-9
                    && !matches!(best, Some(b) if b.2 >= profit)
                    && limits.can_swap(tally, r, a)
                {
                    best = Some((a, r, profit));
                }
            }
            for &a in &touched {
                extra[a] = 0.0;
            }
            touched.clear();
        }
        best
    }
}

/// Greedy then iterated swap search within `budget`; returns the selected sites and the moves
/// made (`None` when a group minimum cannot be met).
pub(crate) fn heuristic(
    cover: &mut Cover<'_>,
    limits: &Limits,
    budget: &mut Budget,
    rng: &mut Rng,
) -> Option<(Vec<usize>, u64)> {
    let m = cover.rows.m();
    let mut tally = limits.tally();
    let mut selected = Vec::new();
    loop {
        let gain = &cover.gain;
        let open = &cover.open;
        // An open site is never picked again, even while a group minimum forces zero-gain picks.
        let pick = limits.greedy_pick(
            &tally,
            m,
            |j| if open[j] { f64::NEG_INFINITY } else { gain[j] },
        );
        let Some(j) = pick.filter(|&j| !cover.open[j]) else {
            break;
        };
        budget.spend((m + 2 * cover.cols.demands_of(j).len()) as u64);
        limits.add(&mut tally, j);
        cover.add(j);
        selected.push(j);
    }
    if limits.any_deficit(&tally) {
        return None;
    }
    let mut extra = vec![0.0; m];
    let mut moves = descend(cover, &mut selected, limits, &mut tally, &mut extra, budget);
    // Iterated local search: swap 1–3 random sites for random neighbours, descend, keep if better.
    let (mut best, mut best_value, mut stale) = (selected.clone(), cover.covered(), 0);
    while stale < STALE_PERTURBATIONS && !budget.exhausted() && !selected.is_empty() {
        for _ in 0..=rng.below(3) {
            let k = rng.below(selected.len());
            let r = selected[k];
            let near: Vec<usize> = cover
                .cols
                .column(r)
                .flat_map(|(i, _)| cover.rows.row(i).map(|(j, _)| j))
                .collect();
            budget.spend(near.len() as u64 + 1);
            let a = if near.is_empty() || rng.below(2) == 0 {
                rng.below(m)
            } else {
                near[rng.below(near.len())]
            };
            if !cover.open[a] && limits.selectable(a) && limits.can_swap(&tally, r, a) {
                limits.remove(&mut tally, r);
                limits.add(&mut tally, a);
                cover.remove(r);
                cover.add(a);
                selected[k] = a;
            }
        }
        moves += descend(cover, &mut selected, limits, &mut tally, &mut extra, budget);
        budget.spend(cover.count.len() as u64);
        let value = cover.covered();
        if value > best_value + 1e-9 * value.abs().max(1.0) {
            (best, best_value, stale) = (selected.clone(), value, 0);
        } else {
            stale += 1;
            // Drift: keep a slightly worse local optimum as the next start, but return to the
            // best one every few failures.
            let drift = value >= best_value - ACCEPT_WORSE * best_value.abs() && stale % 8 != 0;
            if !drift {
                for &j in &selected {
                    limits.remove(&mut tally, j);
                    cover.remove(j);
                }
                for &j in &best {
                    limits.add(&mut tally, j);
                    cover.add(j);
                }
                let moved: usize = selected
                    .iter()
                    .chain(&best)
                    .map(|&j| cover.cols.demands_of(j).len())
                    .sum();
                budget.spend(2 * moved as u64);
                selected.clone_from(&best);
            }
        }
    }
    if selected != best {
        for &j in &selected {
            cover.remove(j);
        }
        for &j in &best {
            cover.add(j);
        }
    }
    Some((best, moves))
}

/// Best-improvement swap descent from `start` (a feasible selection); returns the local
/// optimum and its covered weight.
pub(crate) fn polish(
    costs: &SparseCosts,
    cols: &Transposed,
    limits: &Limits,
    start: &[usize],
    budget: &mut Budget,
) -> (Vec<usize>, f64) {
    budget.spend(2 * costs.pairs() as u64 + costs.m() as u64);
    let mut cover = Cover::new(costs, cols, &[]);
    for &j in start {
        cover.add(j);
    }
    let mut selected = start.to_vec();
    let mut tally = limits.tally_of(&selected);
    let mut extra = vec![0.0; costs.m()];
    descend(
        &mut cover,
        &mut selected,
        limits,
        &mut tally,
        &mut extra,
        budget,
    );
    selected.sort_unstable();
    (selected, cover.covered())
}

/// Best-improvement swaps until none improves or the budget runs out; returns the moves made.
fn descend(
    cover: &mut Cover<'_>,
    selected: &mut [usize],
    limits: &Limits,
    tally: &mut Tally,
    extra: &mut [f64],
    budget: &mut Budget,
) -> u64 {
    let mut moves = 0;
    while !budget.exhausted() {
        let Some((a, r, _)) = cover.best_swap(selected, limits, tally, extra, budget) else {
            break;
        };
        budget.spend(2 * (cover.cols.demands_of(a).len() + cover.cols.demands_of(r).len()) as u64);
        limits.remove(tally, r);
        limits.add(tally, a);
        cover.remove(r);
        cover.add(a);
        if let Some(slot) = selected.iter_mut().find(|s| **s == r) {
            *slot = a;
        }
        moves += 1;
    }
    moves
}

/// Solves the MCLP. `covered` / `total` in the solution are the covered and total weight.
pub fn solve(costs: &SparseCosts, problem: &Problem) -> Result<Solution, SolveError> {
    problem.validate(costs)?;
    let started = Instant::now();
    let mut budget = problem.budget(started);
    solve_within(costs, problem, started, &mut budget)
}

/// [`solve`] with a budget owned by the caller.
fn solve_within(
    costs: &SparseCosts,
    problem: &Problem,
    started: Instant,
    budget: &mut Budget,
) -> Result<Solution, SolveError> {
    let total = costs.total_weight();
    let limits = Limits::new(problem, costs.m(), None);
    if limits.provably_infeasible(problem) {
        return Ok(Solution::infeasible(Sense::Maximise, total, started).finish(budget, true));
    }
    let rows = costs.within(problem.radius);
    budget.spend(2 * rows.pairs() as u64 + rows.n() as u64);
    let red = maxcover::reduce(&rows, problem, &limits)?;
    let rcols = red.costs.transpose();
    let rlimits = Limits::new(&red.problem, red.costs.m(), None);
    budget.spend(4 * rows.pairs() as u64);
    let mut cover = Cover::new(&red.costs, &rcols, &[]);
    let mut rng = Rng::seeded(problem.seed);
    let mut phase = budget.phase(budget.left() / 4);
    let found = heuristic(&mut cover, &rlimits, &mut phase, &mut rng);
    budget.absorb(&phase);
    let Some((start, moves)) = found else {
        return Ok(Solution::infeasible(Sense::Maximise, total, started).finish(budget, false));
    };
    let mut inc = Incumbent {
        value: cover.covered(),
        selection: Some(start),
    };
    let tree = maxcover::tree(&red.costs, &rcols, &rlimits, &mut inc, budget);
    let selected: Vec<usize> = inc
        .selection
        .unwrap_or_default()
        .iter()
        .map(|&k| red.orig[k])
        .collect();
    let mut open = problem.fixed_mask(costs.m());
    for &j in &selected {
        open[j] = true;
    }
    let objective = covered_by(&rows, &open);
    let coverable = red.base + red.costs.total_weight();
    let bound = (red.base + tree.bound).min(coverable).min(total);
    let mut sol = Solution::certified(
        Sense::Maximise,
        selected,
        objective,
        bound,
        rows.weights_integral(),
        objective,
        total,
        started,
    );
    sol.assignment = Some(nearest_open(&rows, &open));
    sol.iterations = moves + tree.iterations;
    sol.nodes = tree.nodes;
    Ok(sol.finish(budget, tree.complete))
}

/// Weight of the demands with an open site in their (radius-limited) list.
pub(crate) fn covered_by(rows: &SparseCosts, open: &[bool]) -> f64 {
    let w = rows.weights();
    (0..rows.n())
        .filter(|&i| rows.row_slices(i).0.iter().any(|&j| open[j as usize]))
        .map(|i| w[i])
        .sum()
}

/// Capacitated MCLP: a demand counts as covered only when *assigned* (single-sourced) to an
/// open site within the radius whose remaining capacity holds its usage. Sites come from the
/// uncapacitated solve (exact branch-and-bound, at most half the budget) and, unless its
/// selection already meets the uncapacitated bound once assigned, a capacity-aware local
/// search; demands are assigned by regret (`super::assign`): cost 0 within the radius, 1 per
/// unit weight when left out.
///
/// Bound: the smaller of the uncapacitated bound (a relaxation: capacities only take covered
/// weight away) and, when that does not already prove the selection, the capacitated
/// Lagrangian bound of `capacitated_bound`, which relaxes "each demand assigned at most once"
/// and leaves one knapsack per site. `complete` is reported when the bound proves the
/// selection or every phase ended by itself; the search itself is heuristic.
pub fn solve_capacitated(costs: &SparseCosts, problem: &Problem) -> Result<Solution, SolveError> {
    let Some(caps) = &problem.capacities else {
        let reason = "the capacitated MCLP needs capacities".to_string();
        return Err(SolveError::Parameter {
            name: "capacities".into(),
            reason,
        });
    };
    problem.validate(costs)?;
    let started = Instant::now();
    let mut budget = problem.budget(started);
    let mut phase = budget.phase(budget.left() / 2);
    let mut sol = solve_within(costs, problem, started, &mut phase)?;
    budget.absorb(&phase);
    if sol.status == super::Status::Infeasible {
        return Ok(sol);
    }
    let rows = costs.within(problem.radius);
    let usage: Vec<f64> = (0..rows.n()).map(|i| caps.usage_of(costs, i)).collect();
    let limits = Limits::new(problem, costs.m(), None);
    let uncapacitated = std::mem::take(&mut sol.selected);
    let integral = rows.weights_integral();
    // Whether the uncapacitated bound proves a covered weight (capacities not binding).
    let proves = |covered: f64| {
        if integral {
            sol.bound < covered + 1.0 - 1e-6
        } else {
            sol.bound <= covered + 1e-9 * covered.abs().max(1.0)
        }
    };
    let (first, first_assignment, work) =
        assigned_cover(&rows, problem, &usage, caps, &uncapacitated);
    budget.spend(work);
    let (covered, assignment, selected) = if proves(first) {
        (first, first_assignment, uncapacitated)
    } else {
        let mut phase = budget.phase(budget.left() / 2);
        let searched = capacity_search(
            &rows,
            problem,
            &limits,
            &usage,
            &caps.capacity,
            uncapacitated.clone(),
            &mut phase,
        );
        budget.absorb(&phase);
        let (second, second_assignment, work) =
            assigned_cover(&rows, problem, &usage, caps, &searched);
        budget.spend(work);
        // Keep whichever selection the full (regret) assignment rates higher.
        if second > first + 1e-9 * first.abs().max(1.0) {
            (second, second_assignment, searched)
        } else {
            (first, first_assignment, uncapacitated)
        }
    };
    let proven = proves(covered);
    let (cap_bound, cap_iterations) = if proven {
        (f64::INFINITY, 0)
    } else {
        let cols = rows.transpose();
        capacitated_bound(
            &rows,
            &cols,
            problem,
            &limits,
            &usage,
            &caps.capacity,
            covered,
            &mut budget,
        )
    };
    let bound = sol.bound.min(cap_bound);
    let iterations = sol.iterations + cap_iterations;
    let nodes = sol.nodes;
    sol = Solution::certified(
        Sense::Maximise,
        selected,
        covered,
        bound,
        integral,
        covered,
        sol.total,
        started,
    );
    sol.assignment = Some(assignment);
    sol.iterations = iterations;
    sol.nodes = nodes;
    // The search is heuristic: complete only when the bound proves the selection.
    Ok(sol.finish(&budget, false))
}

/// Subgradient settings of the capacitated bound.
const CAP_BOUND_ITERATIONS: u32 = 400;

/// Lagrangian upper bound of the capacitated MCLP: relaxing `Σ_j x_ij ≤ 1` with `μ_i ∈ [0, w_i]`
/// leaves, for each site, the knapsack `V_j(μ) = max Σ_{i ∈ N_j} (w_i − μ_i) x_i` subject to
/// `Σ u_i x_i ≤ Q_j`, bounded by its LP (Dantzig) value; then
/// `L(μ) = Σ_i μ_i + Σ_{fixed} V_j + Σ_{p largest free} V_j` bounds the optimum for every `μ`
/// (for a budget, the smaller of that and the fractional knapsack of the `V_j`; with laminar
/// group limits the `p` largest within the groups' maxima). Minimised by
/// subgradient steps on `g_i = 1 − Σ_j x_ij`. At `μ = 0` it is already no larger than the
/// fixed capacity plus the `p` largest free capacities. Returns the bound and the iterations.
#[allow(clippy::too_many_arguments)]
pub(crate) fn capacitated_bound(
    rows: &SparseCosts,
    cols: &Transposed,
    problem: &Problem,
    limits: &Limits,
    usage: &[f64],
    capacity: &[f64],
    lower: f64,
    budget: &mut Budget,
) -> (f64, u64) {
    let (n, m) = (rows.n(), rows.m());
    let w = rows.weights();
    let fixed = problem.fixed_mask(m);
    let sites: Vec<usize> = (0..m)
        .filter(|&j| fixed[j] || limits.selectable(j))
        .collect();
    let laminar = limits.has_groups() && limits.groups_laminar();
    let mut mu = vec![0.0; n];
    let mut best = f64::INFINITY;
    let (mut theta, mut stale) = (1.0, 0);
    let mut value = vec![0.0; m];
    let mut take: Vec<Vec<(u32, f64)>> = vec![Vec::new(); m];
    let mut items: Vec<(u32, f64, f64)> = Vec::new();
    let mut g = vec![0.0; n];
    let mut iterations = 0;
    for _ in 0..CAP_BOUND_ITERATIONS {
        if budget.exhausted() {
            break;
        }
        iterations += 1;
        // The multiplier sums and updates below visit every demand about five times.
        let mut work = 5 * (n + m) as u64;
        for &j in &sites {
            items.clear();
            for (i, _) in cols.column(j) {
                let profit = w[i] - mu[i];
                if profit > 0.0 {
                    items.push((i as u32, profit, usage[i]));
                }
            }
            let len = items.len() as u64;
            work += len * (2 + u64::from(len.max(1).ilog2())) + 1;
            let density = |it: &(u32, f64, f64)| {
                if it.2 <= 0.0 {
                    f64::INFINITY
                } else {
                    it.1 / it.2
                }
            };
            items.sort_by(|a, b| density(b).total_cmp(&density(a)).then(a.0.cmp(&b.0)));
            let (mut left, mut v) = (capacity[j], 0.0);
            take[j].clear();
            for &(i, profit, u) in &items {
                let f = if u <= left {
                    1.0
                } else if left > 0.0 {
                    left / u
                } else {
                    break;
                };
                left -= f * u;
                v += f * profit;
                take[j].push((i, f));
                if f < 1.0 {
                    break;
                }
            }
            value[j] = v;
        }
        budget.spend(work);
        let mut bound: f64 = mu.iter().sum();
        let mut chosen: Vec<(usize, f64)> = Vec::new();
        for &j in &sites {
            if fixed[j] {
                bound += value[j];
                chosen.push((j, 1.0));
            }
        }
        let mut free: Vec<usize> = sites
            .iter()
            .copied()
            .filter(|&j| !fixed[j] && value[j] > 0.0)
            .collect();
        free.sort_by(|&a, &b| value[b].total_cmp(&value[a]).then(a.cmp(&b)));
        // The `p` largest, within the group maxima when the groups are laminar (greedy over a
        // laminar matroid is optimal; otherwise the groups are relaxed).
        let mut tally = limits.tally();
        let mut top: Vec<usize> = Vec::with_capacity(limits.p);
        for &j in &free {
            if top.len() == limits.p {
                break;
            }
            if !laminar || limits.fits_groups(&tally, j) {
                limits.add(&mut tally, j);
                top.push(j);
            }
        }
        let by_count: f64 = top.iter().map(|&j| value[j]).sum();
        let mut pick: Vec<(usize, f64)> = top.iter().map(|&j| (j, 1.0)).collect();
        let mut sub = by_count;
        if let Some(mut left) = limits.budget_left(0.0) {
            let density = |j: usize| value[j] / limits.site_cost(j).max(1e-12);
            let mut ratio = free.clone();
            ratio.sort_by(|&a, &b| density(b).total_cmp(&density(a)).then(a.cmp(&b)));
            let (mut v, mut sel) = (0.0, Vec::new());
            for j in ratio {
                let c = limits.site_cost(j);
                if c <= left {
                    left -= c;
                    v += value[j];
                    sel.push((j, 1.0));
                } else {
                    let f = if c > 0.0 { left / c } else { 1.0 };
                    v += value[j] * f;
                    sel.push((j, f));
                    break;
                }
            }
            if v < sub {
                sub = v;
                pick = sel;
            }
        }
        bound += sub;
        chosen.extend(pick);
        if bound < best - 1e-12 * bound.abs().max(1.0) {
            best = bound;
            stale = 0;
        } else {
            stale += 1;
            if stale >= 20 {
                theta /= 2.0;
                stale = 0;
            }
        }
        let integral = rows.weights_integral();
        let done = if integral {
            best < lower + 1.0 - 1e-6
        } else {
            best <= lower + 1e-9 * lower.abs().max(1.0)
        };
        if done || theta < 1e-4 {
            break;
        }
        g.iter_mut()
            .zip(w)
            .for_each(|(gi, wi)| *gi = if *wi > 0.0 { 1.0 } else { 0.0 });
        for &(j, f) in &chosen {
            for &(i, x) in &take[j] {
                g[i as usize] -= f * x;
            }
        }
        let mut norm = 0.0;
        for i in 0..n {
            let blocked = (g[i] > 0.0 && mu[i] <= 0.0) || (g[i] < 0.0 && mu[i] >= w[i]);
            if blocked {
                g[i] = 0.0;
            }
            norm += g[i] * g[i];
        }
        if norm == 0.0 {
            break;
        }
        let step = theta * (bound - lower).max(1e-9 * bound.abs().max(1.0)) / norm;
        for i in 0..n {
            mu[i] = (mu[i] - step * g[i]).clamp(0.0, w[i]);
        }
    }
    (best, iterations)
}

/// Covered weight, assignment and work units of a selection under capacities, by the regret
/// heuristic (`super::assign`): cost 0 within the radius, 1 per unit weight when left out.
fn assigned_cover(
    rows: &SparseCosts,
    problem: &Problem,
    usage: &[f64],
    caps: &super::Capacities,
    selected: &[usize],
) -> (f64, Vec<Option<usize>>, u64) {
    let mut open = problem.fixed_mask(rows.m());
    for &j in selected {
        open[j] = true;
    }
    let options: Vec<Vec<(usize, f64)>> = (0..rows.n())
        .map(|i| {
            rows.row(i)
                .filter(|&(j, _)| open[j])
                .map(|(j, _)| (j, 0.0))
                .collect()
        })
        .collect();
    let input = super::assign::AssignInput {
        options: &options,
        usage,
        weight: rows.weights(),
        capacity: caps.capacity.clone(),
        unserved: 1.0,
    };
    let (_, mut assignment, work) = super::assign::assign(input, rows.n() <= 2000);
    let w = rows.weights();
    let work = work + repair(&options, usage, w, &caps.capacity, &mut assignment);
    let covered = (0..rows.n())
        .filter(|&i| assignment[i].is_some())
        .map(|i| w[i])
        .sum();
    (covered, assignment, work + 2 * rows.pairs() as u64)
}

/// Passes of [`repair`] at most.
const REPAIR_PASSES: usize = 10;

/// Improves a capacitated covering assignment (`options[i]`: the open sites covering demand
/// `i`): each unassigned demand, heaviest first, takes a covering site with room, or makes room
/// by moving one demand of a covering site to another covering site with room (an ejection
/// chain of length one), or is swapped in for one demand of a covering site, the room left
/// refilled with the heaviest unassigned demands that site covers, when that covers more; then
/// each site is re-packed as a knapsack over its demands and the unassigned ones it covers (up
/// to [`REPACK_ITEMS`]). Every move raises the covered weight, so the passes end. Returns the
/// work done.
fn repair(
    options: &[Vec<(usize, f64)>],
    usage: &[f64],
    w: &[f64],
    capacity: &[f64],
    assignment: &mut [Option<usize>],
) -> u64 {
    const EPS: f64 = 1e-9;
    let mut left = capacity.to_vec();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); capacity.len()];
    for (i, a) in assignment.iter().enumerate() {
        if let Some(j) = *a {
            left[j] -= usage[i];
            members[j].push(i);
        }
    }
    let mut order: Vec<usize> = (0..options.len())
        .filter(|&i| w[i] > 0.0 && !options[i].is_empty())
        .collect();
    order.sort_by(|&a, &b| w[b].total_cmp(&w[a]).then(a.cmp(&b)));
    // The demands each site covers, heaviest first.
    let mut covers: Vec<Vec<usize>> = vec![Vec::new(); capacity.len()];
    for &i in &order {
        for &(j, _) in &options[i] {
            covers[j].push(i);
        }
    }
    let mut work = 2 * options.len() as u64 + order.len() as u64;
    for _ in 0..REPAIR_PASSES {
        let mut improved = false;
        for &i in &order {
            if assignment[i].is_some() {
                continue;
            }
            for &(j, _) in &options[i] {
                work += 1 + members[j].len() as u64;
                if left[j] + EPS >= usage[i] {
                    left[j] -= usage[i];
                    members[j].push(i);
                    assignment[i] = Some(j);
                    improved = true;
                    break;
                }
                // Move one demand of `j` elsewhere to make room.
                let moved = members[j].iter().enumerate().find_map(|(pos, &k)| {
                    if left[j] + usage[k] + EPS < usage[i] {
                        return None;
                    }
                    options[k]
                        .iter()
                        .find(|&&(j2, _)| j2 != j && left[j2] + EPS >= usage[k])
                        .map(|&(j2, _)| (pos, k, j2))
                });
                if let Some((pos, k, j2)) = moved {
                    work += options[k].len() as u64;
                    members[j].swap_remove(pos);
                    left[j] += usage[k];
                    left[j2] -= usage[k];
                    members[j2].push(k);
                    assignment[k] = Some(j2);
                    left[j] -= usage[i];
                    members[j].push(i);
                    assignment[i] = Some(j);
                    improved = true;
                    break;
                }
                // Swap a demand of `j` out for this one and refill the room left with the
                // heaviest unassigned demands `j` covers, when that covers more.
                let mut best: Option<(f64, usize, Vec<usize>)> = None;
                for (pos, &k) in members[j].iter().enumerate() {
                    let room = left[j] + usage[k] - usage[i];
                    if room + EPS < 0.0 {
                        continue;
                    }
                    let (mut room, mut gain, mut fill) = (room, w[i] - w[k], Vec::new());
                    for &c in &covers[j] {
                        work += 1;
                        if c != i && assignment[c].is_none() && usage[c] <= room + EPS {
                            room -= usage[c];
                            gain += w[c];
                            fill.push(c);
                        }
                    }
                    if gain > EPS * w[i].max(1.0) && !matches!(&best, Some((g, ..)) if *g >= gain) {
                        best = Some((gain, pos, fill));
                    }
                }
                if let Some((_, pos, fill)) = best {
                    let k = members[j].swap_remove(pos);
                    left[j] += usage[k];
                    assignment[k] = None;
                    for c in std::iter::once(i).chain(fill) {
                        left[j] -= usage[c];
                        members[j].push(c);
                        assignment[c] = Some(j);
                    }
                    improved = true;
                    break;
                }
            }
        }
        // Re-pack each site: its demands and the unassigned ones it covers, as a knapsack.
        for j in 0..capacity.len() {
            if members[j].is_empty() && covers[j].iter().all(|&c| assignment[c].is_some()) {
                continue;
            }
            let mut items: Vec<usize> = members[j].clone();
            items.extend(
                covers[j]
                    .iter()
                    .copied()
                    .filter(|&c| assignment[c].is_none()),
            );
            if items.len() > REPACK_ITEMS {
                continue;
            }
            items.sort_by(|&a, &b| w[b].total_cmp(&w[a]).then(a.cmp(&b)));
            let now: f64 = members[j].iter().map(|&k| w[k]).sum();
            let (value, chosen, nodes) = knapsack(&items, w, usage, capacity[j]);
            work += nodes;
            if value > now + EPS * now.max(1.0) {
                for &k in &members[j] {
                    assignment[k] = None;
                }
                members[j].clear();
                left[j] = capacity[j];
                for (&c, &take) in items.iter().zip(&chosen) {
                    if take {
                        left[j] -= usage[c];
                        members[j].push(c);
                        assignment[c] = Some(j);
                    }
                }
                improved = true;
            }
        }
        if !improved {
            break;
        }
    }
    work
}

/// Most demands a site's re-packing considers (a depth-first knapsack search).
const REPACK_ITEMS: usize = 40;

/// Most nodes of one re-packing search.
const REPACK_NODES: u64 = 20_000;

/// Maximum-weight subset of `items` (sorted by decreasing weight) whose usage fits `cap`, by
/// depth-first search with the remaining weight as bound, at most [`REPACK_NODES`] nodes.
/// Returns the weight, the choice per item and the nodes visited.
fn knapsack(items: &[usize], w: &[f64], usage: &[f64], cap: f64) -> (f64, Vec<bool>, u64) {
    fn dfs(
        k: usize,
        ctx: (&[usize], &[f64], &[f64], &[f64]),
        room: f64,
        value: f64,
        take: &mut Vec<bool>,
        best: &mut (f64, Vec<bool>),
        nodes: &mut u64,
    ) {
        let (items, w, usage, rest) = ctx;
        *nodes += 1;
        if value > best.0 {
            *best = (value, take.clone());
        }
        if k == items.len() || *nodes >= REPACK_NODES || value + rest[k] <= best.0 + 1e-9 {
            return;
        }
        let i = items[k];
        if usage[i] <= room + 1e-9 {
            take[k] = true;
            dfs(k + 1, ctx, room - usage[i], value + w[i], take, best, nodes);
            take[k] = false;
        }
        dfs(k + 1, ctx, room, value, take, best, nodes);
    }
    // rest[k]: the weight of items k.. (the bound).
    let mut rest = vec![0.0; items.len() + 1];
    for k in (0..items.len()).rev() {
        rest[k] = rest[k + 1] + w[items[k]];
    }
    let mut take = vec![false; items.len()];
    let mut best = (0.0, take.clone());
    let mut nodes = 0;
    dfs(
        0,
        (items, w, usage, &rest),
        cap,
        0.0,
        &mut take,
        &mut best,
        &mut nodes,
    );
    (best.0, best.1, nodes)
}

/// Fast capacitated coverage of an open mask: demands with the fewest open covering sites
/// first (heavier first among equals), each to the covering open site with the most remaining
/// capacity that holds its usage. Returns the assigned weight; `unassigned` receives the
/// positive-weight demands left out. `O(Σ_i k_i + n log n)`.
fn greedy_cover(
    rows: &SparseCosts,
    open: &[bool],
    usage: &[f64],
    capacity: &[f64],
    left: &mut Vec<f64>,
    unassigned: &mut Vec<usize>,
) -> f64 {
    let w = rows.weights();
    left.clear();
    left.extend_from_slice(capacity);
    unassigned.clear();
    let mut order: Vec<(usize, usize)> = (0..rows.n())
        .filter(|&i| w[i] > 0.0)
        .map(|i| (rows.row(i).filter(|&(j, _)| open[j]).count(), i))
        .collect();
    order.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(w[b.1].total_cmp(&w[a.1]))
            .then(a.1.cmp(&b.1))
    });
    let mut covered = 0.0;
    for (_, i) in order {
        let best = rows
            .row(i)
            .map(|(j, _)| j)
            .filter(|&j| open[j] && left[j] + 1e-9 >= usage[i])
            .max_by(|&a, &b| left[a].total_cmp(&left[b]).then(b.cmp(&a)));
        match best {
            Some(j) => {
                left[j] -= usage[i];
                covered += w[i];
            }
            None => unassigned.push(i),
        }
    }
    covered
}

/// Capacity-aware local search: first-improvement additions (while fewer than `p` sites are
/// open) and swaps, rated by [`greedy_cover`], over the candidates that cover a demand left
/// unassigned — so an expansion goes where demand exceeds seats. Stops at a local optimum or
/// when the budget runs out; respects every limit.
fn capacity_search(
    rows: &SparseCosts,
    problem: &Problem,
    limits: &Limits,
    usage: &[f64],
    capacity: &[f64],
    mut selected: Vec<usize>,
    budget: &mut Budget,
) -> Vec<usize> {
    let m = rows.m();
    let mut open = problem.fixed_mask(m);
    for &j in &selected {
        open[j] = true;
    }
    let mut tally = limits.tally_of(&selected);
    let (mut left, mut unassigned, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
    let mut current = greedy_cover(rows, &open, usage, capacity, &mut left, &mut unassigned);
    let better = |v: f64, c: f64| v > c + 1e-9 * c.abs().max(1.0);
    // One greedy cover: the sort of the demands dominates.
    let n = rows.n() as f64;
    let step = (n * n.log2().max(1.0)) as u64 + 4 * rows.pairs() as u64;
    'outer: while !budget.exhausted() && !unassigned.is_empty() {
        let mut mark = vec![false; m];
        for &i in &unassigned {
            for (j, _) in rows.row(i) {
                mark[j] = !open[j] && limits.selectable(j);
            }
        }
        let cands: Vec<usize> = (0..m).filter(|&j| mark[j]).collect();
        for &a in &cands {
            if limits.can_add(&tally, a) {
                budget.spend(step);
                open[a] = true;
                let v = greedy_cover(rows, &open, usage, capacity, &mut left, &mut scratch);
                if better(v, current) {
                    limits.add(&mut tally, a);
                    selected.push(a);
                    current = v;
                    std::mem::swap(&mut unassigned, &mut scratch);
                    continue 'outer;
                }
                open[a] = false;
            }
        }
        let snapshot = selected.clone();
        for (k, &r) in snapshot.iter().enumerate() {
            for &a in &cands {
                if budget.charge(step) {
                    break 'outer;
                }
                if !limits.can_swap(&tally, r, a) {
                    continue;
                }
                open[r] = false;
                open[a] = true;
                let v = greedy_cover(rows, &open, usage, capacity, &mut left, &mut scratch);
                if better(v, current) {
                    limits.remove(&mut tally, r);
                    limits.add(&mut tally, a);
                    selected[k] = a;
                    current = v;
                    std::mem::swap(&mut unassigned, &mut scratch);
                    continue 'outer;
                }
                open[a] = false;
                open[r] = true;
            }
        }
        break;
    }
    selected.sort_unstable();
    selected
}

/// For each demand, the nearest open site within its (radius-limited) list.
pub(crate) fn nearest_open(rows: &SparseCosts, open: &[bool]) -> Vec<Option<usize>> {
    (0..rows.n())
        .map(|i| rows.row(i).map(|(j, _)| j).find(|&j| open[j]))
        .collect()
}
