//! The p-median problem: minimise `Σ_i w_i d(i, nearest open site)` with at most `p` new sites.
//!
//! Reads [`Problem`] fields `fixed_open`, `p`, `site_cost` + `budget`, `groups`,
//! `unserved_cost`, `time_limit` and `seed`. Opening a site never increases the objective, so
//! "at most `p`" has the same optimum as "exactly `p`"; sites that would not reduce the
//! objective are not opened (so `p` larger than the number of candidates is not an error).
//!
//! Method: greedy construction, fast vertex substitution ([`super::interchange`]), the
//! Lagrangian bound with its Lagrangian heuristic ([`super::lagrange`]), then iterated local
//! search (random neighbourhood swaps + descent) until optimality is proven, after a run of
//! non-improving perturbations or on half the work budget; then, while the gap is open and
//! budget remains, a best-first Lagrangian branch-and-bound on the facility variables with
//! reduced-cost fixing (Beasley 1993), which proves most small-`p` OR-Library instances
//! optimal. `Optimal` is claimed only when the bound (root or tree) proves it.

use super::budget::Budget;
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
    /// The deterministic work budget of the whole solve.
    budget: Budget,
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
            self.budget
                .spend(self.costs.m() as u64 + self.state.take_work());
        }
        !self.limits.any_deficit(&self.tally)
    }

    fn descend_and_keep(&mut self) -> bool {
        let budget = &mut self.budget;
        self.moves += self
            .state
            .descend(&self.limits, &mut self.tally, u64::MAX, |work| {
                budget.charge(work)
            });
        self.budget.spend(self.state.take_work());
        let obj = self.state.objective();
        if obj < self.best_obj - 1e-9 * obj.abs().max(1.0) {
            self.best_obj = obj;
            self.best = self.state.selected();
            return true;
        }
        false
    }

    /// Iterated local search from the best selection: perturb, descend, keep improvements;
    /// stops after `stale_limit` perturbations without improvement, when the budget is used up,
    /// or when `bound` proves the incumbent optimal. Returns the perturbations made.
    fn iterate(&mut self, rng: &mut Rng, stale_limit: u32, bound: f64) -> u64 {
        let integral = self.costs.is_integral();
        let (mut stale, mut count) = (0, 0);
        let mut current = self.best.clone();
        while stale < stale_limit
            && !self.budget.exhausted()
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
        self.budget.spend(self.state.take_work());
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
            self.budget.spend(self.costs.n() as u64 / 4 + 12);
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
    let mut budget = problem.budget(started);
    let total = costs.total_weight();
    let limits = Limits::new(problem, costs.m(), None);
    if limits.provably_infeasible(problem) {
        return Ok(Solution::infeasible(Sense::Minimise, total, started).finish(&budget, true));
    }
    let cols = costs.transpose();
    budget.spend(4 * costs.pairs() as u64);
    let unserved = problem.unserved(costs);
    let capacity = problem.p.min(costs.m());
    let pass = Instant::now();
    let state = SwapState::new(costs, &cols, &problem.fixed_open, unserved, capacity);
    // Finishing after the safety net fires takes a few passes over the pairs (a Lagrangian
    // iteration, the final rebuild): keep room for them.
    budget.reserve(4 * pass.elapsed());
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
        budget,
    };
    if !s.greedy() {
        return Ok(Solution::infeasible(Sense::Minimise, total, started).finish(&s.budget, false));
    }
    s.descend_and_keep();
    let mut rng = Rng::seeded(problem.seed);
    let integral = costs.is_integral();
    // The first local search may use a quarter of the budget: on large instances (each descent
    // rebuilding `O(pairs)` structures) the Lagrangian bound must get its share.
    let outer = s.budget.clone();
    s.budget = outer.phase(outer.left() / 4);
    let mut perturbations = s.iterate(&mut rng, FIRST_PERTURBATIONS, f64::NEG_INFINITY);
    let phase = std::mem::replace(&mut s.budget, outer);
    s.budget.absorb(&phase);
    let relax = relaxation(&s, problem, unserved);
    let lag = lagrangian(&mut s, &relax);
    let bound = lag.bound;
    let mut closed_at = f64::INFINITY;
    let mut failed_rounds = 0;
    // The local search rounds may use at most half of what is left; the tree gets the rest.
    let outer = s.budget.clone();
    s.budget = outer.phase(outer.left() / 2);
    while !proven(integral, bound, s.best_obj) && !s.budget.exhausted() {
        if s.best_obj < closed_at {
            closed_at = s.best_obj;
            let closed = reduced_cost_closed(&relax, &lag.multipliers, closed_at, integral);
            for j in closed {
                s.limits.exclude(j);
            }
        }
        let before = s.best_obj;
        perturbations += s.iterate(&mut rng, STALE_PERTURBATIONS, bound);
        if s.best_obj >= before {
            failed_rounds += 1;
            if failed_rounds >= MAX_FAILED_ROUNDS {
                break;
            }
            s.strength += 1;
        }
    }
    let phase = std::mem::replace(&mut s.budget, outer);
    s.budget.absorb(&phase);
    let mut bound = bound;
    let mut nodes_iterations = 0;
    let mut complete = proven(integral, bound, s.best_obj);
    let mut nodes = 0;
    if !complete && !s.budget.exhausted() {
        let tree = branch_and_bound(&mut s, &relax, (bound, lag.multipliers));
        bound = bound.max(tree.lower);
        nodes_iterations = tree.iterations;
        nodes = tree.nodes;
        complete = tree.complete;
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
    sol.iterations = s.moves + lag.iterations + perturbations + nodes_iterations;
    sol.nodes = nodes;
    Ok(sol.finish(&s.budget, complete))
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
fn lagrangian(s: &mut Search<'_>, relax: &PMedianRelaxation<'_>) -> LagrangeOutcome {
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
    let budget = &mut s.budget;
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
    let result = relax.optimise(lambda0, incumbent, &settings, budget, on_primal, done);
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

/// Subgradient settings at a branch-and-bound node: the multipliers are warm-started from the
/// parent, so a short run with a small step suffices.
fn node_settings() -> SubgradientSettings {
    SubgradientSettings {
        theta: 0.5,
        patience: 6,
        min_theta: 1e-3,
        max_iterations: 60,
    }
}

/// One open node: facilities forced open / closed, the parent's bound and multipliers.
struct Node {
    bound: f64,
    open: Vec<usize>,
    closed: Vec<usize>,
    lambda: Vec<f64>,
}

/// Lagrangian branch-and-bound (Beasley 1993) on the facility variables, best-first, until
/// the budget runs out. Each node re-optimises the multipliers warm-started from its parent, prunes
/// against the incumbent, fixes variables by reduced costs (a free site outside the relaxed
/// solution is closed when opening it cannot beat the incumbent; a chosen one is forced open
/// when closing it cannot) and branches on the chosen site with the most negative `ρ_j`
/// (`y_j = 1` and `y_j = 0`). Better selections found on the way replace the incumbent.
/// Returns a lower bound valid for the whole problem: the incumbent's objective when the
/// tree is exhausted, otherwise the smallest bound of an unexplored node.
fn branch_and_bound(
    s: &mut Search<'_>,
    relax: &PMedianRelaxation<'_>,
    root: (f64, Vec<f64>),
) -> TreeOutcome {
    let costs = s.costs;
    let m = costs.m();
    let integral = costs.is_integral();
    let mut upper = s.best_obj;
    let mut found: Option<Vec<usize>> = None;
    let mut heap = vec![Node {
        bound: root.0,
        open: Vec::new(),
        closed: Vec::new(),
        lambda: root.1,
    }];
    let mut floor = f64::INFINITY; // bounds of nodes that could not be branched on
    let mut iterations = 0u64;
    let mut nodes = 0u64;
    let mut rho = vec![0.0; m];
    let mut mask = vec![false; m];
    while !heap.is_empty() {
        // Best-first; among equal bounds the deeper node.
        let k = (0..heap.len())
            .min_by(|&a, &b| {
                let (x, y) = (&heap[a], &heap[b]);
                x.bound
                    .total_cmp(&y.bound)
                    .then((y.open.len() + y.closed.len()).cmp(&(x.open.len() + x.closed.len())))
            })
            .unwrap_or(0);
        let node = heap.swap_remove(k);
        if proven(integral, node.bound, upper) {
            continue;
        }
        if s.budget.exhausted() {
            heap.push(node);
            break;
        }
        nodes += 1;
        let mut fixed = relax.fixed.clone();
        for &j in &node.open {
            fixed[j] = true;
        }
        let mut selectable: Vec<bool> = (0..m)
            .map(|j| relax.selectable[j] && !fixed[j] && s.limits.selectable(j))
            .collect();
        for &j in &node.closed {
            selectable[j] = false;
        }
        let sub = PMedianRelaxation {
            costs,
            fixed,
            selectable,
            p: relax.p - node.open.len(),
            unserved: relax.unserved,
        };
        let limits = &s.limits;
        let budget = &mut s.budget;
        let start_upper = upper;
        let mut last: Vec<usize> = Vec::new();
        let mut selection: Vec<usize> = Vec::new();
        let on_primal = |chosen: &[usize]| {
            if chosen == last.as_slice() {
                return f64::INFINITY;
            }
            last = chosen.to_vec();
            selection.clear();
            selection.extend_from_slice(&node.open);
            selection.extend_from_slice(chosen);
            if !limits.feasible(&selection) {
                return f64::INFINITY;
            }
            mask.copy_from_slice(&relax.fixed);
            for &j in &selection {
                mask[j] = true;
            }
            let value = evaluate(costs, &mask, relax.unserved);
            if value < upper - 1e-9 * value.abs().max(1.0) {
                upper = value;
                found = Some(selection.clone());
            }
            value
        };
        let done = |bound, up: f64| proven(integral, bound, up);
        let result = sub.optimise(
            node.lambda.clone(),
            start_upper,
            &node_settings(),
            budget,
            on_primal,
            done,
        );
        iterations += result.iterations;
        let bound = result.bound.max(node.bound);
        if proven(integral, bound, upper) {
            continue;
        }
        if s.budget.exhausted() {
            heap.push(Node { bound, ..node });
            break;
        }
        // Reduced-cost fixing at this node's best multipliers.
        let (b, chosen) = sub.evaluate(&result.multipliers, &mut rho);
        let b = b.max(node.bound);
        let weakest = if chosen.len() == sub.p {
            chosen
                .iter()
                .map(|&j| rho[j])
                .fold(f64::NEG_INFINITY, f64::max)
        } else {
            0.0
        };
        let mut in_chosen = vec![false; m];
        for &j in &chosen {
            in_chosen[j] = true;
        }
        let next = (0..m)
            .filter(|&j| sub.selectable[j] && !in_chosen[j])
            .map(|j| rho[j])
            .fold(0.0, f64::min);
        let mut closed = node.closed.clone();
        closed.extend((0..m).filter(|&j| {
            sub.selectable[j] && !in_chosen[j] && proven(integral, b + rho[j] - weakest, upper)
        }));
        let mut open = node.open.clone();
        let forced: Vec<usize> = chosen
            .iter()
            .copied()
            .filter(|&j| proven(integral, b - rho[j] + next, upper))
            .collect();
        open.extend_from_slice(&forced);
        if open.len() > relax.p {
            continue; // no improving selection in this subtree
        }
        let pick = chosen
            .iter()
            .copied()
            .filter(|j| !forced.contains(j))
            .min_by(|&a, &c| rho[a].total_cmp(&rho[c]).then(a.cmp(&c)));
        let Some(j) = pick else {
            if forced.is_empty() {
                floor = floor.min(bound);
            } else {
                // Fixing changed the node: re-solve it.
                heap.push(Node {
                    bound,
                    open,
                    closed,
                    lambda: result.multipliers,
                });
            }
            continue;
        };
        if open.len() < relax.p {
            let mut o = open.clone();
            o.push(j);
            heap.push(Node {
                bound,
                open: o,
                closed: closed.clone(),
                lambda: result.multipliers.clone(),
            });
        }
        closed.push(j);
        heap.push(Node {
            bound,
            open,
            closed,
            lambda: result.multipliers,
        });
    }
    if let Some(sel) = found {
        s.restart_from(&sel);
    }
    let open_min = heap.iter().map(|n| n.bound).fold(f64::INFINITY, f64::min);
    let lower = open_min.min(floor).min(s.best_obj);
    TreeOutcome {
        lower,
        iterations,
        nodes,
        complete: heap.is_empty() && floor == f64::INFINITY,
    }
}

/// What the p-median tree search returns.
struct TreeOutcome {
    /// Lower bound valid for the whole problem.
    lower: f64,
    /// Subgradient iterations.
    iterations: u64,
    /// Nodes processed.
    nodes: u64,
    /// Whether the tree was exhausted.
    complete: bool,
}
