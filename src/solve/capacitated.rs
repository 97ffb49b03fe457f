//! Capacitated p-median with single sourcing (as in Lorena & Senne's SJC instances): every
//! demand is assigned to one open site of its list, the usage assigned to a site must not exceed
//! its capacity, and the objective is `Σ_i w_i d(i, assigned site)`; a demand that cannot be
//! assigned costs the unserved cost `P` per unit weight.
//!
//! Reads `fixed_open`, `p`, `capacities` (required), `site_cost` + `budget`, `groups`,
//! `unserved_cost`, `time_limit`, `seed`.
//!
//! Heuristic: the uncapacitated p-median solution as a start, assignment by regret + shift/swap
//! (`super::assign`), then swaps of each open site with candidates near its catchment, plus
//! the sites opened by the Lagrangian subproblems.
//!
//! Bound: Lagrangian relaxation of the assignment constraints; each site's subproblem is a 0-1
//! knapsack `max Σ_i (λ_i − w_i d_ij)⁺ x_i, Σ_i u_i x_i ≤ Q_j`, solved by its LP (Dantzig) bound
//! during the subgradient iterations and exactly by dynamic programming (`O(items · Q_j)`,
//! integer usages and capacities up to 10⁵) in the final iterations. Both are valid bounds.

use super::assign::{assign, AssignInput};
use super::budget::Budget;
use super::constraints::Limits;
use super::solution::Sense;
use super::{pmedian, Problem, Solution, SolveError, SparseCosts, Transposed};
use std::time::Instant;

/// Candidates tried per served demand in the swap neighbourhood (its nearest ones).
const NEIGHBOURS: usize = 6;

/// Lagrangian selections used as extra local-search starts.
const MAX_STARTS: usize = 8;

struct Ctx<'a> {
    costs: &'a SparseCosts,
    cols: Transposed,
    usage: Vec<f64>,
    capacity: Vec<f64>,
    unserved: f64,
    fixed: Vec<usize>,
    limits: Limits,
}

impl Ctx<'_> {
    /// Cost and assignment of a selection of new sites, charging the work done to `budget`.
    fn evaluate_in(
        &self,
        selected: &[usize],
        thorough: bool,
        budget: &mut Budget,
    ) -> (f64, Vec<Option<usize>>) {
        let (cost, out, work) = self.evaluate(selected, thorough);
        budget.spend(work);
        (cost, out)
    }

    /// Cost, assignment and work units of a selection of new sites.
    fn evaluate(&self, selected: &[usize], thorough: bool) -> (f64, Vec<Option<usize>>, u64) {
        let mut open = vec![false; self.costs.m()];
        for &j in self.fixed.iter().chain(selected) {
            open[j] = true;
        }
        let options: Vec<Vec<(usize, f64)>> = (0..self.costs.n())
            .map(|i| self.costs.row(i).filter(|&(j, _)| open[j]).collect())
            .collect();
        let input = AssignInput {
            options: &options,
            usage: &self.usage,
            weight: self.costs.weights(),
            capacity: self.capacity.clone(),
            unserved: self.unserved,
        };
        let (cost, out, work) = assign(input, thorough);
        (cost, out, work + 2 * self.costs.pairs() as u64)
    }
}

/// Solves the capacitated p-median problem (error if `capacities` is missing).
pub fn solve(costs: &SparseCosts, problem: &Problem) -> Result<Solution, SolveError> {
    problem.validate(costs)?;
    let started = Instant::now();
    let mut budget = problem.budget(started);
    let Some(caps) = &problem.capacities else {
        let reason = "the capacitated p-median needs capacities".to_string();
        return Err(SolveError::Parameter {
            name: "capacities".into(),
            reason,
        });
    };
    let total = costs.total_weight();
    let limits = Limits::new(problem, costs.m(), None);
    let start = pmedian::solve(
        costs,
        &Problem {
            work_limit: Some(problem.work_budget() / 10),
            ..problem.clone()
        },
    )?;
    budget.spend(start.work);
    if start.status == super::Status::Infeasible {
        return Ok(Solution::infeasible(Sense::Minimise, total, started).finish(&budget, false));
    }
    let ctx = Ctx {
        costs,
        cols: costs.transpose(),
        usage: (0..costs.n()).map(|i| caps.usage_of(costs, i)).collect(),
        capacity: caps.capacity.clone(),
        unserved: problem.unserved(costs),
        fixed: problem.fixed_open.clone(),
        limits,
    };
    let mut best = start.selected.clone();
    let (mut best_obj, _) = ctx.evaluate_in(&best, true, &mut budget);
    let mut iterations = 0;
    let mut phase = budget.phase(budget.left() / 2);
    let (bound, lag_sets, lag_it) = lower_bound(&ctx, problem, best_obj, &mut phase);
    budget.absorb(&phase);
    iterations += lag_it;
    iterations += local_search(&ctx, &mut best, &mut best_obj, &mut budget);
    // Multi-start from the distinct Lagrangian selections, best first, while budget remains.
    let mut starts: Vec<(f64, Vec<usize>)> = lag_sets
        .into_iter()
        .filter(|set| ctx.limits.feasible(set))
        .map(|set| (ctx.evaluate_in(&set, false, &mut budget).0, set))
        .collect();
    starts.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    for (_, mut set) in starts.into_iter().take(MAX_STARTS) {
        if budget.exhausted() {
            break;
        }
        let (mut v, _) = ctx.evaluate_in(&set, true, &mut budget);
        iterations += local_search(&ctx, &mut set, &mut v, &mut budget);
        if v < best_obj {
            (best, best_obj) = (set, v);
        }
    }
    let (objective, assignment, work) = ctx.evaluate(&best, true);
    budget.spend(work);
    let w = costs.weights();
    let covered = (0..costs.n())
        .filter(|&i| assignment[i].is_some())
        .map(|i| w[i])
        .sum();
    let integral = costs.is_integral();
    let mut sol = Solution::certified(
        Sense::Minimise,
        best,
        objective,
        bound.max(start.bound),
        integral,
        covered,
        total,
        started,
    );
    sol.assignment = Some(assignment);
    sol.iterations = iterations + start.iterations;
    Ok(sol.finish(&budget, false))
}

/// Swap each open site with candidates near the demands it serves; first improvement, repeated
/// until a full pass fails or the budget runs out. Returns the evaluations made.
fn local_search(
    ctx: &Ctx<'_>,
    best: &mut Vec<usize>,
    best_obj: &mut f64,
    budget: &mut Budget,
) -> u64 {
    let mut evaluations = 0;
    let mut improved = true;
    while improved && !budget.exhausted() {
        improved = false;
        let (_, assignment) = ctx.evaluate_in(best, false, budget);
        'sites: for k in 0..best.len() {
            let r = best[k];
            let mut near: Vec<usize> = (0..ctx.costs.n())
                .filter(|&i| assignment[i] == Some(r))
                .flat_map(|i| ctx.costs.row(i).take(NEIGHBOURS).map(|(j, _)| j))
                .collect();
            near.sort_unstable();
            near.dedup();
            let tally = ctx.limits.tally_of(best);
            for a in near {
                if best.contains(&a) || ctx.fixed.contains(&a) || !ctx.limits.can_swap(&tally, r, a)
                {
                    continue;
                }
                if budget.exhausted() {
                    break 'sites;
                }
                let mut trial = best.clone();
                trial[k] = a;
                evaluations += 1;
                let (v, _) = ctx.evaluate_in(&trial, false, budget);
                if v < *best_obj - 1e-9 * best_obj.abs().max(1.0) {
                    let (v, _) = ctx.evaluate_in(&trial, true, budget);
                    if v < *best_obj {
                        (*best, *best_obj, improved) = (trial, v, true);
                        continue 'sites;
                    }
                }
            }
        }
    }
    evaluations
}

/// Knapsack value for one site: exact DP when `exact` and the data are integral and small,
/// otherwise the LP (Dantzig) bound. Items are `(profit, usage)` with positive profit; returns
/// the value and the fractional take of each item.
fn knapsack(items: &[(f64, f64)], capacity: f64, exact: bool) -> (f64, Vec<f64>) {
    let integral = items.iter().all(|&(_, u)| u.fract() == 0.0) && capacity.floor() <= 1e5;
    if exact && integral && items.len() as f64 * capacity <= 2e7 {
        return knapsack_dp(items, capacity.floor() as usize);
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    let density = |k: usize| {
        if items[k].1 <= 0.0 {
            f64::INFINITY
        } else {
            items[k].0 / items[k].1
        }
    };
    order.sort_by(|&a, &b| density(b).total_cmp(&density(a)));
    let (mut left, mut value, mut take) = (capacity, 0.0, vec![0.0; items.len()]);
    for k in order {
        let (p, u) = items[k];
        let t = if u <= left {
            1.0
        } else if left > 0.0 {
            left / u
        } else {
            0.0
        };
        left -= t * u;
        value += t * p;
        take[k] = t;
        if t < 1.0 {
            break;
        }
    }
    (value, take)
}

fn knapsack_dp(items: &[(f64, f64)], cap: usize) -> (f64, Vec<f64>) {
    let mut best = vec![0.0f64; cap + 1];
    let mut keep = vec![false; items.len() * (cap + 1)];
    for (k, &(p, u)) in items.iter().enumerate() {
        let u = u as usize;
        for c in (u..=cap).rev() {
            if best[c - u] + p > best[c] {
                best[c] = best[c - u] + p;
                keep[k * (cap + 1) + c] = true;
            }
        }
    }
    let mut take = vec![0.0; items.len()];
    let mut c = cap;
    for k in (0..items.len()).rev() {
        if keep[k * (cap + 1) + c] {
            take[k] = 1.0;
            c -= items[k].1 as usize;
        }
    }
    (best[cap], take)
}

/// Subgradient optimisation of the knapsack Lagrangian; returns the bound, the site sets opened
/// by the last subproblems, and the iterations.
fn lower_bound(
    ctx: &Ctx<'_>,
    problem: &Problem,
    upper: f64,
    budget: &mut Budget,
) -> (f64, Vec<Vec<usize>>, u64) {
    let (n, m) = (ctx.costs.n(), ctx.costs.m());
    let w = ctx.costs.weights();
    let fixed = problem.fixed_mask(m);
    let mut lambda: Vec<f64> = (0..n)
        .map(|i| w[i] * ctx.costs.row(i).nth(1).map_or(ctx.unserved, |(_, c)| c))
        .collect();
    let (mut best, mut theta, mut stale) = (f64::NEG_INFINITY, 2.0, 0);
    let mut sets = Vec::new();
    // The exact knapsacks run once the step has shrunk or three quarters of the phase are used.
    let exact_from = budget.used() + budget.left() / 4 * 3;
    let mut it = 0u64;
    while it < 3000 && !budget.exhausted() && theta > 1e-4 {
        it += 1;
        let exact = theta < 0.02 || budget.used() >= exact_from;
        let mut work = (n + m) as u64;
        let mut rho = vec![0.0; m];
        let mut take: Vec<Vec<(usize, f64)>> = vec![Vec::new(); m];
        for j in (0..m).filter(|&j| fixed[j] || ctx.limits.selectable(j)) {
            let items: Vec<(usize, f64, f64)> = ctx
                .cols
                .column(j)
                .filter_map(|(i, c)| {
                    let profit = lambda[i] - w[i] * c;
                    (profit > 0.0).then_some((i, profit, ctx.usage[i]))
                })
                .collect();
            let pu: Vec<(f64, f64)> = items.iter().map(|&(_, p, u)| (p, u)).collect();
            work += 4 * items.len() as u64 + 1;
            if exact {
                work += items.len() as u64 * (ctx.capacity[j].clamp(0.0, 1e5) as u64) / 4;
            }
            let (value, t) = knapsack(&pu, ctx.capacity[j], exact);
            rho[j] = -value;
            take[j] = items
                .iter()
                .zip(t)
                .filter(|(_, t)| *t > 0.0)
                .map(|(&(i, _, _), t)| (i, t))
                .collect();
        }
        budget.spend(work);
        let mut bound: f64 = lambda.iter().sum();
        bound += (0..n)
            .map(|i| (w[i] * ctx.unserved - lambda[i]).min(0.0))
            .sum::<f64>();
        let mut free: Vec<usize> = (0..m)
            .filter(|&j| !fixed[j] && ctx.limits.selectable(j) && rho[j] < 0.0)
            .collect();
        free.sort_by(|&a, &b| rho[a].total_cmp(&rho[b]).then(a.cmp(&b)));
        free.truncate(ctx.limits.p);
        bound += (0..m).filter(|&j| fixed[j]).map(|j| rho[j]).sum::<f64>()
            + free.iter().map(|&j| rho[j]).sum::<f64>();
        if bound > best + 1e-12 * bound.abs().max(1.0) {
            (best, stale) = (bound, 0);
        } else {
            stale += 1;
            if stale >= 30 {
                (theta, stale) = (theta / 2.0, 0);
            }
        }
        if it.is_multiple_of(10) {
            sets.push(free.clone());
        }
        let mut g: Vec<f64> = (0..n)
            .map(|i| {
                if w[i] * ctx.unserved < lambda[i] {
                    0.0
                } else {
                    1.0
                }
            })
            .collect();
        for &j in free.iter().chain(ctx.fixed.iter()) {
            for &(i, t) in &take[j] {
                g[i] -= t;
            }
        }
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm == 0.0 || pmedian::proven(ctx.costs.is_integral(), best, upper) {
            break;
        }
        let step = theta * (upper - bound).max(1e-9) / norm;
        for (l, gi) in lambda.iter_mut().zip(&g) {
            *l = (*l + step * gi).max(0.0);
        }
    }
    sets.sort();
    sets.dedup();
    (best, sets, it)
}
