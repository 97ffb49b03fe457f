//! The p-center problem: minimise the largest distance from a positive-weight demand to its
//! nearest open site, with at most `p` new sites.
//!
//! Reads `fixed_open`, `p`, `groups`, `time_limit`, `work_limit` (`site_cost` and `budget` are
//! ignored). Demands with an empty cost list are unreachable whatever is opened; they are left
//! out and reported through `covered < total`.
//!
//! Method (Minieka 1970, "The m-center problem", *SIAM Review* 12; Daskin 2013 ch. 5): the
//! optimum is one of the sorted distinct costs `r`, and "can at most `p` new sites cover every
//! demand within `r`?" is a set-covering decision, answered exactly by the set-cover tree (`solve::setcover`) with
//! the cutoff `p` (a cover of at most `p` sites found, or the tree exhausted without one).
//! Binary search over the distinct costs — each feasible answer moves the upper end down to
//! the largest distance it actually achieves — finds the smallest feasible radius: the optimum,
//! with the next-smaller radius proven infeasible as the certificate. If the work budget runs
//! out first, the objective is the best radius found and the bound the smallest radius not
//! proven infeasible. `O(log R)` decisions for `R` distinct costs.

use super::budget::Budget;
use super::constraints::Limits;
use super::setcover;
use super::solution::Sense;
use super::{Problem, Solution, SolveError, SparseCosts};
use std::time::Instant;

/// The answer to one decision.
enum Decision {
    /// A cover with at most `p` new sites (sorted).
    Feasible(Vec<usize>),
    /// Proven impossible.
    Infeasible,
    /// The budget ran out first.
    Unknown,
}

/// Whether at most `p` new sites can cover every relevant demand within `radius`.
fn decide(
    costs: &SparseCosts,
    relevant: &[usize],
    fixed: &[bool],
    limits: &Limits,
    p: usize,
    radius: f64,
    budget: &mut Budget,
) -> Decision {
    let mut rows = Vec::new();
    let mut work = 0u64;
    for &i in relevant {
        let (cands, cs) = costs.row_slices(i);
        let k = cs.partition_point(|&c| c <= radius);
        work += k as u64 + 1;
        if cands[..k].iter().any(|&j| fixed[j as usize]) {
            continue;
        }
        let mut l: Vec<u32> = cands[..k]
            .iter()
            .copied()
            .filter(|&j| limits.selectable(j as usize))
            .collect();
        if l.is_empty() {
            budget.spend(work);
            return Decision::Infeasible;
        }
        l.sort_unstable();
        rows.push(l);
    }
    budget.spend(work);
    let m = costs.m();
    let inst = setcover::Instance {
        rows,
        cost: vec![1.0; m],
        usable: (0..m).map(|j| limits.selectable(j)).collect(),
    };
    let out = setcover::solve(&inst, limits, None, Some(p as f64), budget);
    match out.best {
        Some((sel, v)) if v <= p as f64 + 1e-9 => Decision::Feasible(sel),
        _ if out.complete => Decision::Infeasible,
        _ => Decision::Unknown,
    }
}

/// Solves the p-center problem. `objective` and `bound` are distances.
pub fn solve(costs: &SparseCosts, problem: &Problem) -> Result<Solution, SolveError> {
    problem.validate(costs)?;
    let started = Instant::now();
    let mut budget = problem.budget(started);
    let w = costs.weights();
    let total = costs.total_weight();
    let m = costs.m();
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
    budget.spend(2 * costs.pairs() as u64 + radii.len() as u64 * 20);
    if radii.is_empty() {
        let sol = Solution::certified(
            Sense::Minimise,
            Vec::new(),
            0.0,
            0.0,
            true,
            0.0,
            total,
            started,
        );
        return Ok(Solution { covered, ..sol }.finish(&budget, true));
    }
    let unit = Problem {
        site_cost: None,
        budget: None,
        ..problem.clone()
    };
    let limits = Limits::new(&unit, m, Some(problem.p));
    let fixed = problem.fixed_mask(m);
    // Invariants: radii[..lo] proven infeasible; `best` feasible at radii[hi] (hi = len: none).
    let (mut lo, mut hi) = (0usize, radii.len());
    let mut best: Option<Vec<usize>> = None;
    let mut complete = true;
    // The largest radius first: if it fails, nothing is feasible.
    let mut probe = radii.len() - 1;
    loop {
        match decide(
            costs,
            &relevant,
            &fixed,
            &limits,
            problem.p,
            radii[probe],
            &mut budget,
        ) {
            Decision::Feasible(sel) => {
                let reach = max_distance(costs, &relevant, &problem.fixed_open, &sel);
                hi = radii.partition_point(|&r| r < reach).min(probe);
                best = Some(sel);
            }
            Decision::Infeasible => lo = probe + 1,
            Decision::Unknown => {
                complete = false;
                break;
            }
        }
        if best.is_none() || lo >= hi {
            break;
        }
        probe = (lo + hi) / 2;
    }
    let Some(sel) = best else {
        let sol = Solution::infeasible(Sense::Minimise, total, started);
        return Ok(sol.finish(&budget, complete));
    };
    let objective = max_distance(costs, &relevant, &problem.fixed_open, &sel);
    let bound = radii[lo.min(radii.len() - 1)].min(objective);
    let mut sol = Solution::certified(
        Sense::Minimise,
        sel,
        objective,
        bound,
        false,
        covered,
        total,
        started,
    );
    let mut open = fixed;
    for &j in &sol.selected {
        open[j] = true;
    }
    sol.assignment = Some(
        (0..costs.n())
            .map(|i| costs.row(i).map(|(j, _)| j).find(|&j| open[j]))
            .collect(),
    );
    Ok(sol.finish(&budget, complete && lo >= hi))
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
