//! The p-median problem: minimise `Σ_i w_i d(i, nearest open site)` with at most `p` new sites.
//!
//! Reads [`Problem`] fields `fixed_open`, `p`, `site_cost` + `budget`, `groups`,
//! `unserved_cost`, `time_limit` and `seed`. Opening a site never increases the objective, so
//! "at most `p`" has the same optimum as "exactly `p`"; sites that would not reduce the
//! objective are not opened (so `p` larger than the number of candidates is not an error).
//!
//! Method: greedy construction, fast vertex substitution ([`super::interchange`]), the
//! Lagrangian bound with its Lagrangian heuristic ([`super::lagrange`]), then iterated local
//! search (random neighbourhood swaps + descent) until the time limit, until optimality is
//! proven, or after a run of non-improving perturbations.

use super::constraints::{Limits, Tally};
use super::interchange::SwapState;
use super::lagrange::{PMedianRelaxation, SubgradientSettings};
use super::rng::Rng;
use super::solution::Sense;
use super::{Problem, Solution, SolveError, SparseCosts};
use std::time::Instant;

/// Perturbations without improvement after which the iterated local search stops.
const STALE_PERTURBATIONS: u32 = 1000;

/// Perturbations without improvement before the bound is computed.
const FIRST_PERTURBATIONS: u32 = 100;

/// Rounds of [`STALE_PERTURBATIONS`] without improvement (each with a stronger perturbation)
/// after which the search gives up before the time limit.
const MAX_FAILED_ROUNDS: u32 = 3;

/// Objective of an open-site mask: `Σ_i w_i min(d(i, nearest open), P)`. `O(Σ_i k_i)`.
pub fn evaluate(costs: &SparseCosts, open: &[bool], unserved: f64) -> f64 {
    let w = costs.weights();
    (0..costs.n())
        .map(|i| {
            let (cands, cs) = costs.row_slices(i);
            let d = cands
                .iter()
                .zip(cs)
                .find(|(&j, _)| open[j as usize])
                .map_or(unserved, |(_, &c)| c.min(unserved));
            w[i] * d
        })
        .sum()
}

/// Whether a bound proves an objective optimal (rounding the bound up for integral data).
pub(crate) fn proven(integral: bool, bound: f64, objective: f64) -> bool {
    let tol = 1e-9 * objective.abs().max(1.0);
    if integral {
        (bound - tol).ceil() >= objective - tol
    } else {
        objective - bound <= tol
    }
}

struct Search<'a> {
    costs: &'a SparseCosts,
    limits: Limits,
    state: SwapState<'a>,
    tally: Tally,
    best: Vec<usize>,
    best_obj: f64,
    moves: u64,
    /// Most swaps made by one perturbation.
    strength: usize,
}

impl Search<'_> {
    fn greedy(&mut self) -> bool {
        loop {
            let state = &self.state;
            let pick = self.limits.greedy_pick(&self.tally, self.costs.m(), |j| {
                // Never re-pick an open site, even for a zero-gain group minimum.
                if state.is_open(j) {
                    f64::NEG_INFINITY
                } else {
                    state.gain(j)
                }
            });
            let Some(j) = pick else { break };
            self.limits.add(&mut self.tally, j);
            self.state.apply(j, usize::MAX);
        }
        !self.limits.any_deficit(&self.tally)
    }

    fn descend_and_keep(&mut self) -> bool {
        self.moves += self.state.descend(&self.limits, &mut self.tally, u64::MAX);
        let obj = self.state.objective();
        if obj < self.best_obj - 1e-9 * obj.abs().max(1.0) {
            self.best_obj = obj;
            self.best = self.state.selected();
            return true;
        }
        false
    }

    /// Iterated local search from the best selection: perturb, descend, keep improvements;
    /// stops after `stale_limit` perturbations without improvement, at the deadline, or when
    /// `bound` proves the incumbent optimal. Returns the perturbations made.
    fn iterate(&mut self, rng: &mut Rng, deadline: Instant, stale_limit: u32, bound: f64) -> u64 {
        let integral = self.costs.is_integral();
        let (mut stale, mut count) = (0, 0);
        let mut current = self.best.clone();
        while stale < stale_limit
            && Instant::now() < deadline
            && !proven(integral, bound, self.best_obj)
        {
            self.state.reset(&current);
            self.tally = self.limits.tally_of(&current);
            self.perturb(rng);
            count += 1;
            let improved = self.descend_and_keep();
            stale = if improved { 0 } else { stale + 1 };
            // Accept ties to drift across plateaus; otherwise return to the best.
            let obj = self.state.objective();
            current = if obj <= self.best_obj + 1e-9 * obj.abs().max(1.0) {
                self.state.selected()
            } else {
                self.best.clone()
            };
        }
        count
    }

    fn restart_from(&mut self, selection: &[usize]) -> bool {
        self.state.reset(selection);
        self.tally = self.limits.tally_of(selection);
        self.descend_and_keep()
    }

    /// Swaps 1–3 random open sites for random candidates near the demands they serve.
    fn perturb(&mut self, rng: &mut Rng) {
        let k = 1 + rng.below(self.strength);
        let assignment = self.state.assignment();
        for _ in 0..k {
            let sel = self.state.selected();
            if sel.is_empty() {
                return;
            }
            let r = sel[rng.below(sel.len())];
            let i = rng.below(self.costs.n().max(1));
            let i = (0..self.costs.n())
                .map(|d| (i + d) % self.costs.n())
                .find(|&d| assignment[d] == Some(r))
                .unwrap_or(i);
            let row: Vec<usize> = self.costs.row(i).map(|(j, _)| j).take(12).collect();
            if row.is_empty() {
                continue;
            }
            let a = row[rng.below(row.len())];
            if !sel.contains(&a)
                && self.limits.selectable(a)
                && self.limits.can_swap(&self.tally, r, a)
            {
                self.limits.remove(&mut self.tally, r);
                self.limits.add(&mut self.tally, a);
                self.state.apply(a, r);
            }
        }
    }
}

/// Solves the p-median problem. See the module documentation for the method.
pub fn solve(costs: &SparseCosts, problem: &Problem) -> Result<Solution, SolveError> {
    problem.validate(costs)?;
    let started = Instant::now();
    let deadline = started + problem.time_limit;
    let total = costs.total_weight();
    let limits = Limits::new(problem, costs.m(), None);
    if limits.provably_infeasible(problem) {
        return Ok(Solution::infeasible(Sense::Minimise, total, started));
    }
    let cols = costs.transpose();
    let unserved = problem.unserved(costs);
    let capacity = problem.p.min(costs.m());
    let state = SwapState::new(costs, &cols, &problem.fixed_open, unserved, capacity);
    let tally = limits.tally();
    let mut s = Search {
        costs,
        limits,
        state,
        tally,
        best: Vec::new(),
        best_obj: f64::INFINITY,
        moves: 0,
        strength: 3,
    };
    if !s.greedy() {
        return Ok(Solution::infeasible(Sense::Minimise, total, started));
    }
    s.descend_and_keep();
    let mut rng = Rng::new(problem.seed);
    let integral = costs.is_integral();
    let mut perturbations = s.iterate(&mut rng, deadline, FIRST_PERTURBATIONS, f64::NEG_INFINITY);
    let relax = relaxation(&s, problem, unserved);
    let lag = lagrangian(&mut s, &relax, deadline);
    let bound = lag.bound;
    let mut closed_at = f64::INFINITY;
    let mut failed_rounds = 0;
    while !proven(integral, bound, s.best_obj) && Instant::now() < deadline {
        if s.best_obj < closed_at {
            closed_at = s.best_obj;
            let closed = reduced_cost_closed(&relax, &lag.multipliers, closed_at, integral);
            for j in closed {
                s.limits.exclude(j);
            }
        }
        let before = s.best_obj;
        perturbations += s.iterate(&mut rng, deadline, STALE_PERTURBATIONS, bound);
        if s.best_obj >= before {
            failed_rounds += 1;
            if failed_rounds >= MAX_FAILED_ROUNDS {
                break;
            }
            s.strength += 1;
        }
    }
    let best = s.best.clone();
    s.state.reset(&best);
    let assignment = s.state.assignment();
    let w = costs.weights();
    let covered = assignment
        .iter()
        .zip(w)
        .filter(|(a, _)| a.is_some())
        .map(|(_, wi)| wi)
        .sum();
    let mut sol = Solution::certified(
        Sense::Minimise,
        best,
        s.best_obj,
        bound,
        costs.is_integral(),
        covered,
        total,
        started,
    );
    sol.assignment = Some(assignment);
    sol.iterations = s.moves + lag.iterations + perturbations;
    Ok(sol)
}

/// What the Lagrangian phase yields.
struct LagrangeOutcome {
    bound: f64,
    iterations: u64,
    multipliers: Vec<f64>,
}

fn relaxation<'a>(s: &Search<'a>, problem: &Problem, unserved: f64) -> PMedianRelaxation<'a> {
    let m = s.costs.m();
    let fixed = problem.fixed_mask(m);
    let selectable = (0..m)
        .map(|j| !fixed[j] && s.limits.selectable(j))
        .collect();
    PMedianRelaxation {
        costs: s.costs,
        fixed,
        selectable,
        p: s.limits.p,
        unserved,
    }
}

/// Runs the subgradient optimisation from the incumbent's assignment costs; the best feasible
/// Lagrangian selection, when better than the incumbent, becomes the start of a descent.
fn lagrangian(
    s: &mut Search<'_>,
    relax: &PMedianRelaxation<'_>,
    deadline: Instant,
) -> LagrangeOutcome {
    let costs = s.costs;
    let w = costs.weights();
    let near = s.state.assignment();
    let lambda0 = (0..costs.n())
        .map(|i| {
            w[i] * near[i]
                .and_then(|j| costs.cost(i, j))
                .unwrap_or(relax.unserved)
                .min(relax.unserved)
        })
        .collect();
    let mut open = relax.fixed.clone();
    let mut best: Option<(f64, Vec<usize>)> = None;
    let incumbent = s.best_obj;
    let limits = &s.limits;
    let on_primal = |chosen: &[usize]| {
        if !limits.feasible(chosen) {
            return f64::INFINITY;
        }
        open.copy_from_slice(&relax.fixed);
        for &j in chosen {
            open[j] = true;
        }
        let value = evaluate(costs, &open, relax.unserved);
        if value < incumbent && !matches!(&best, Some((b, _)) if *b <= value) {
            best = Some((value, chosen.to_vec()));
        }
        value
    };
    let integral = costs.is_integral();
    let settings = SubgradientSettings::default();
    let done = |bound, upper: f64| proven(integral, bound, upper.min(incumbent));
    let result = relax.optimise(lambda0, incumbent, &settings, deadline, on_primal, done);
    if let Some((_, sel)) = best {
        s.restart_from(&sel);
    }
    LagrangeOutcome {
        bound: result.bound,
        iterations: result.iterations,
        multipliers: result.multipliers,
    }
}

/// Reduced-cost fixing (Beasley 1993): opening a candidate `j` outside the relaxed solution
/// raises the bound by at least `ρ_j − ρ_[p]` (it replaces the weakest chosen site); when the
/// result cannot beat `upper`, no improving selection contains `j`. `O(Σ_i k_i(λ) + m)`.
fn reduced_cost_closed(
    relax: &PMedianRelaxation<'_>,
    multipliers: &[f64],
    upper: f64,
    integral: bool,
) -> Vec<usize> {
    let mut rho = vec![0.0; relax.costs.m()];
    let (bound, chosen) = relax.evaluate(multipliers, &mut rho);
    let weakest = if chosen.len() == relax.p {
        chosen
            .iter()
            .map(|&j| rho[j])
            .fold(f64::NEG_INFINITY, f64::max)
    } else {
        0.0
    };
    let mut in_chosen = vec![false; rho.len()];
    for &j in &chosen {
        in_chosen[j] = true;
    }
    (0..rho.len())
        .filter(|&j| relax.selectable[j] && !in_chosen[j])
        .filter(|&j| proven(integral, bound + rho[j] - weakest, upper))
        .collect()
}
