//! The p-center problem: minimise the largest distance from a positive-weight demand to its
//! nearest open site, with at most `p` new sites.
//!
//! Reads `fixed_open`, `p`, `groups`, `time_limit` (`site_cost` and `budget` are ignored).
//! Demands with an empty cost list are unreachable whatever is opened; they are left out and
//! reported through `covered < total`.
//!
//! Method (Minieka 1970; Daskin 2013 ch. 5): the optimum is one of the sorted distinct costs
//! `r`; at each `r` the question "can `p` sites cover everyone within `r`?" is a set-covering
//! problem, answered by the LSCP heuristic (feasible when it needs ≤ `p` sites) and refuted by its
//! Lagrangian bound (infeasible when the bound exceeds `p`). Binary search finds the smallest
//! radius the heuristic covers (the objective) and the largest radius the bound refutes; the
//! next distinct cost above it is a valid lower bound. `O(log R)` set-cover solves.

use super::solution::Sense;
use super::{lscp, Problem, Solution, SolveError, SparseCosts, Status};
use std::time::Instant;

/// Solves the p-center problem. `objective` and `bound` are distances.
pub fn solve(costs: &SparseCosts, problem: &Problem) -> Result<Solution, SolveError> {
    problem.validate(costs)?;
    let started = Instant::now();
    let w = costs.weights();
    let total = costs.total_weight();
    let relevant: Vec<usize> = (0..costs.n())
        .filter(|&i| w[i] > 0.0 && costs.row(i).next().is_some())
        .collect();
    let covered: f64 = relevant.iter().map(|&i| w[i]).sum();
    let floor = relevant
        .iter()
        .map(|&i| costs.row(i).next().map_or(0.0, |(_, c)| c))
        .fold(0.0, f64::max);
    let mut radii: Vec<f64> = relevant
        .iter()
        .flat_map(|&i| costs.row(i).map(|(_, c)| c))
        .filter(|&c| c >= floor)
        .collect();
    radii.sort_by(f64::total_cmp);
    radii.dedup();
    if radii.is_empty() {
        let mut sol = Solution::certified(
            Sense::Minimise,
            Vec::new(),
            0.0,
            0.0,
            true,
            0.0,
            total,
            started,
        );
        sol.covered = covered;
        return Ok(sol);
    }
    let sub = |radius: f64| {
        let p = Problem {
            radius,
            p: costs.m(),
            site_cost: None,
            budget: None,
            coverage_target: None,
            time_limit: problem.time_limit / 16,
            ..problem.clone()
        };
        lscp::solve(costs, &p)
    };
    // Smallest radius index the heuristic covers with ≤ p sites (the largest always... may not).
    let (mut lo, mut hi) = (0usize, radii.len());
    let mut found: Option<(usize, Solution)> = None;
    while lo < hi {
        let mid = (lo + hi) / 2;
        let s = sub(radii[mid])?;
        if s.status != Status::Infeasible
            && s.selected.len() <= problem.p
            && s.covered >= covered - 1e-9
        {
            hi = mid;
            found = Some((mid, s));
        } else {
            lo = mid + 1;
        }
    }
    let Some((at, cover)) = found else {
        return Ok(Solution::infeasible(Sense::Minimise, total, started));
    };
    // Largest radius index below `at` that the bound refutes.
    let (mut lo, mut hi, mut refuted) = (0usize, at, None);
    while lo < hi {
        let mid = (lo + hi) / 2;
        let s = sub(radii[mid])?;
        if s.bound > problem.p as f64 + 1e-9 {
            refuted = Some(mid);
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let bound = refuted.map_or(radii[0], |k| radii[k + 1]);
    let objective = max_distance(costs, &relevant, &problem.fixed_open, &cover.selected);
    let mut sol = Solution::certified(
        Sense::Minimise,
        cover.selected,
        objective,
        bound,
        false,
        covered,
        total,
        started,
    );
    if objective <= bound {
        sol.status = Status::Optimal;
        sol.gap = 0.0;
    }
    sol.assignment = cover.assignment;
    Ok(sol)
}

/// Largest nearest-open distance over the relevant demands.
fn max_distance(
    costs: &SparseCosts,
    relevant: &[usize],
    fixed: &[usize],
    selected: &[usize],
) -> f64 {
    let mut open = vec![false; costs.m()];
    for &j in fixed.iter().chain(selected) {
        open[j] = true;
    }
    relevant
        .iter()
        .map(|&i| {
            costs
                .row(i)
                .find(|&(j, _)| open[j])
                .map_or(f64::INFINITY, |(_, c)| c)
        })
        .fold(0.0, f64::max)
}
