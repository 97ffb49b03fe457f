//! Maximal covering location problem (Church & ReVelle 1974) and its capacitated variant.
//!
//! Maximise the weight of demands within `radius` (inclusive) of an open site, opening at most
//! `p` new sites; fixed-open sites already cover. Reads `fixed_open`, `p`, `radius`,
//! `site_cost` + `budget`, `groups`, `time_limit`, `seed` (and `capacities` in
//! [`solve_capacitated`]).
//!
//! Heuristic: greedy by marginal covered weight (per unit site cost under a budget), then swap
//! interchange with the gain / loss / extra decomposition of the p-median interchange
//! (`O(Σ_{i unique to r} deg(i) + m)` per removed site `r`), first-best per pass.
//!
//! Bound: Lagrangian relaxation of the coverage constraints `z_i ≤ Σ_{j ∋ i} y_j` with
//! multipliers `μ_i ∈ [0, w_i]`: `L(μ) = Σ_i max(0, w_i − μ_i) + max_{|y| ≤ p} Σ_j y_j Σ_{i ∈ N_j} μ_i`,
//! minimised by subgradient steps (Daskin 2013, ch. 5). A budget is added as the smaller of that
//! and a fractional-knapsack relaxation; group limits are not modelled (still valid).

use super::constraints::{Limits, Tally};
use super::rng::Rng;
use super::solution::Sense;
use super::{Problem, Solution, SolveError, SparseCosts, Transposed};
use std::time::Instant;

/// Subgradient iterations without improvement before the step factor is halved.
const BOUND_PATIENCE: u32 = 100;

/// Perturbations without improvement after which the local search stops.
const STALE_PERTURBATIONS: u32 = 300;

/// Cap on subgradient iterations.
const MAX_BOUND_ITERATIONS: u32 = 5000;

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
    ) -> Option<(usize, usize, f64)> {
        let w = self.rows.weights();
        let mut best: Option<(usize, usize, f64)> = None;
        let mut touched = Vec::new();
        for &r in selected {
            for (i, _) in self.cols.column(r) {
                if self.count[i] == 1 {
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

/// Greedy then swap search; returns the selected sites and the moves made.
pub(crate) fn heuristic(
    cover: &mut Cover<'_>,
    limits: &Limits,
    deadline: Instant,
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
        limits.add(&mut tally, j);
        cover.add(j);
        selected.push(j);
    }
    if limits.any_deficit(&tally) {
        return None;
    }
    let mut extra = vec![0.0; m];
    let mut moves = descend(
        cover,
        &mut selected,
        limits,
        &mut tally,
        &mut extra,
        deadline,
    );
    // Iterated local search: swap 1–3 random sites for random neighbours, descend, keep if better.
    let (mut best, mut best_value, mut stale) = (selected.clone(), cover.covered(), 0);
    while stale < STALE_PERTURBATIONS && Instant::now() < deadline && !selected.is_empty() {
        for _ in 0..=rng.below(3) {
            let k = rng.below(selected.len());
            let r = selected[k];
            let near: Vec<usize> = cover
                .cols
                .column(r)
                .flat_map(|(i, _)| cover.rows.row(i).map(|(j, _)| j))
                .collect();
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
        moves += descend(
            cover,
            &mut selected,
            limits,
            &mut tally,
            &mut extra,
            deadline,
        );
        let value = cover.covered();
        if value > best_value + 1e-9 * value.abs().max(1.0) {
            (best, best_value, stale) = (selected.clone(), value, 0);
        } else {
            stale += 1;
            for &j in &selected {
                limits.remove(&mut tally, j);
                cover.remove(j);
            }
            for &j in &best {
                limits.add(&mut tally, j);
                cover.add(j);
            }
            selected.clone_from(&best);
        }
    }
    Some((best, moves))
}

/// Best-improvement swaps until none improves; returns the moves made.
fn descend(
    cover: &mut Cover<'_>,
    selected: &mut [usize],
    limits: &Limits,
    tally: &mut Tally,
    extra: &mut [f64],
    deadline: Instant,
) -> u64 {
    let mut moves = 0;
    while Instant::now() < deadline {
        let Some((a, r, _)) = cover.best_swap(selected, limits, tally, extra) else {
            break;
        };
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
    let deadline = started + problem.time_limit;
    let total = costs.total_weight();
    let limits = Limits::new(problem, costs.m(), None);
    if limits.provably_infeasible(problem) {
        return Ok(Solution::infeasible(Sense::Maximise, total, started));
    }
    let rows = costs.within(problem.radius);
    let cols = rows.transpose();
    let mut cover = Cover::new(&rows, &cols, &problem.fixed_open);
    let mut rng = Rng::seeded(problem.seed);
    let Some((selected, moves)) = heuristic(&mut cover, &limits, deadline, &mut rng) else {
        return Ok(Solution::infeasible(Sense::Maximise, total, started));
    };
    let objective = cover.covered();
    let (bound, iterations) = upper_bound(&rows, &cols, problem, &limits, objective, deadline);
    let mut sol = Solution::certified(
        Sense::Maximise,
        selected,
        objective,
        bound,
        rows.is_integral(),
        objective,
        total,
        started,
    );
    sol.assignment = Some(nearest_open(&rows, &cover.open));
    sol.iterations = moves + iterations;
    Ok(sol)
}

/// Capacitated MCLP: a demand counts as covered only when *assigned* (single-sourced) to an
/// open site within the radius whose remaining capacity holds its usage. Sites are chosen by
/// the uncapacitated heuristic, then demands are assigned by regret (`super::assign`): cost 0
/// within the radius, 1 per unit weight when left out. Bound: the smaller of the uncapacitated
/// bound and, when usage equals weight, the fixed capacity plus the `p` largest free
/// capacities plus nothing else (a relaxation, documented as weaker than an exact one).
pub fn solve_capacitated(costs: &SparseCosts, problem: &Problem) -> Result<Solution, SolveError> {
    let Some(caps) = &problem.capacities else {
        let reason = "the capacitated MCLP needs capacities".to_string();
        return Err(SolveError::Parameter {
            name: "capacities".into(),
            reason,
        });
    };
    let mut sol = solve(costs, problem)?;
    if sol.status == super::Status::Infeasible {
        return Ok(sol);
    }
    let elapsed = std::time::Duration::from_secs_f64(sol.seconds);
    let started = Instant::now()
        .checked_sub(elapsed)
        .unwrap_or_else(Instant::now);
    let rows = costs.within(problem.radius);
    let usage: Vec<f64> = (0..rows.n()).map(|i| caps.usage_of(costs, i)).collect();
    let deadline = started + problem.time_limit;
    let limits = Limits::new(problem, costs.m(), None);
    let uncapacitated = std::mem::take(&mut sol.selected);
    let searched = capacity_search(
        &rows,
        problem,
        &limits,
        &usage,
        &caps.capacity,
        uncapacitated.clone(),
        deadline,
    );
    // Keep whichever selection the full (regret) assignment rates higher.
    let (covered, assignment, selected) = [uncapacitated, searched]
        .into_iter()
        .map(|sel| {
            let (covered, assignment) = assigned_cover(&rows, problem, &usage, caps, &sel);
            (covered, assignment, sel)
        })
        .reduce(|a, b| {
            if b.0 > a.0 + 1e-9 * a.0.abs().max(1.0) {
                b
            } else {
                a
            }
        })
        .unwrap_or_default();
    let mut bound = sol.bound;
    if caps.usage.is_none() {
        let fixed = problem.fixed_mask(costs.m());
        let mut free: Vec<f64> = (0..costs.m())
            .filter(|&j| !fixed[j])
            .map(|j| caps.capacity[j])
            .collect();
        free.sort_by(|a, b| b.total_cmp(a));
        let cap: f64 = problem
            .fixed_open
            .iter()
            .map(|&j| caps.capacity[j])
            .sum::<f64>()
            + free.iter().take(problem.p).sum::<f64>();
        bound = bound.min(cap);
    }
    let iterations = sol.iterations;
    sol = Solution::certified(
        Sense::Maximise,
        selected,
        covered,
        bound,
        rows.is_integral(),
        covered,
        sol.total,
        started,
    );
    sol.assignment = Some(assignment);
    sol.iterations = iterations;
    Ok(sol)
}

/// Covered weight and assignment of a selection under capacities, by the regret heuristic
/// (`super::assign`): cost 0 within the radius, 1 per unit weight when left out.
fn assigned_cover(
    rows: &SparseCosts,
    problem: &Problem,
    usage: &[f64],
    caps: &super::Capacities,
    selected: &[usize],
) -> (f64, Vec<Option<usize>>) {
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
    let (_, assignment) = super::assign::assign(input, rows.n() <= 2000);
    let w = rows.weights();
    let covered = (0..rows.n())
        .filter(|&i| assignment[i].is_some())
        .map(|i| w[i])
        .sum();
    (covered, assignment)
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
/// at the deadline; respects every limit.
fn capacity_search(
    rows: &SparseCosts,
    problem: &Problem,
    limits: &Limits,
    usage: &[f64],
    capacity: &[f64],
    mut selected: Vec<usize>,
    deadline: Instant,
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
    'outer: while Instant::now() < deadline && !unassigned.is_empty() {
        let mut mark = vec![false; m];
        for &i in &unassigned {
            for (j, _) in rows.row(i) {
                mark[j] = !open[j] && limits.selectable(j);
            }
        }
        let cands: Vec<usize> = (0..m).filter(|&j| mark[j]).collect();
        for &a in &cands {
            if limits.can_add(&tally, a) {
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
                if Instant::now() >= deadline {
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

/// The Lagrangian upper bound (see the module docs); returns it and the iterations.
pub(crate) fn upper_bound(
    rows: &SparseCosts,
    cols: &Transposed,
    problem: &Problem,
    limits: &Limits,
    lower: f64,
    deadline: Instant,
) -> (f64, u64) {
    let w = rows.weights();
    let fixed = problem.fixed_mask(rows.m());
    let mut base = 0.0;
    let mut live = vec![true; rows.n()];
    for (i, l) in live.iter_mut().enumerate() {
        if rows.row(i).any(|(j, _)| fixed[j]) {
            *l = false;
            base += w[i];
        }
    }
    let selectable: Vec<usize> = (0..rows.m())
        .filter(|&j| !fixed[j] && limits.selectable(j))
        .collect();
    let mut mu: Vec<f64> = w
        .iter()
        .zip(&live)
        .map(|(wi, l)| if *l { *wi } else { 0.0 })
        .collect();
    let (mut best, mut theta, mut stale) = (f64::INFINITY, 2.0, 0);
    let mut value = vec![0.0; rows.m()];
    let mut iterations = 0;
    for _ in 0..MAX_BOUND_ITERATIONS {
        iterations += 1;
        for &j in &selectable {
            value[j] = cols.column(j).map(|(i, _)| mu[i]).sum();
        }
        let chosen = top_sites(&selectable, &value, limits, problem);
        let mut bound = base + chosen.1;
        bound += w
            .iter()
            .zip(&mu)
            .zip(&live)
            .filter(|(_, l)| **l)
            .map(|((wi, m), _)| (wi - m).max(0.0))
            .sum::<f64>();
        if bound < best - 1e-12 * bound.abs().max(1.0) {
            best = bound;
            stale = 0;
        } else {
            stale += 1;
            if stale >= BOUND_PATIENCE {
                theta /= 2.0;
                stale = 0;
            }
        }
        if theta < 1e-4 || best - lower <= 1e-9 * lower.abs().max(1.0) || Instant::now() >= deadline
        {
            break;
        }
        let mut g: Vec<f64> = (0..rows.n())
            .map(|i| f64::from(u8::from(live[i] && w[i] > mu[i])))
            .collect();
        for &j in &chosen.0 {
            for (i, _) in cols.column(j) {
                g[i] -= 1.0;
            }
        }
        let norm: f64 = g
            .iter()
            .zip(&live)
            .filter(|(_, l)| **l)
            .map(|(x, _)| x * x)
            .sum();
        if norm == 0.0 {
            break;
        }
        let step = theta * (bound - lower).max(1e-9) / norm;
        for i in 0..rows.n() {
            if live[i] {
                mu[i] = (mu[i] - step * g[i]).clamp(0.0, w[i]);
            }
        }
    }
    (best.max(lower), iterations)
}

/// The `p` best sites by `value` (and the fractional-knapsack value under a budget, whichever is
/// smaller); returns the chosen sites and the bound contribution.
fn top_sites(
    selectable: &[usize],
    value: &[f64],
    limits: &Limits,
    problem: &Problem,
) -> (Vec<usize>, f64) {
    let mut order: Vec<usize> = selectable
        .iter()
        .copied()
        .filter(|&j| value[j] > 0.0)
        .collect();
    order.sort_by(|&a, &b| value[b].total_cmp(&value[a]).then(a.cmp(&b)));
    order.truncate(limits.p);
    let by_count: f64 = order.iter().map(|&j| value[j]).sum();
    let Some(budget) = problem.budget else {
        return (order, by_count);
    };
    let mut ratio: Vec<usize> = selectable
        .iter()
        .copied()
        .filter(|&j| value[j] > 0.0)
        .collect();
    let density = |j: usize| value[j] / limits.site_cost(j).max(1e-12);
    ratio.sort_by(|&a, &b| density(b).total_cmp(&density(a)).then(a.cmp(&b)));
    let (mut left, mut by_budget, mut chosen) = (budget, 0.0, Vec::new());
    for j in ratio {
        let c = limits.site_cost(j);
        if c <= left {
            left -= c;
            by_budget += value[j];
            chosen.push(j);
        } else {
            by_budget += value[j] * left / c;
            chosen.push(j);
            break;
        }
    }
    if by_budget < by_count {
        (chosen, by_budget)
    } else {
        (order, by_count)
    }
}
