//! The result every solver returns: a selection, its objective and a certificate.

use super::budget::Stop;
use std::time::Instant;

/// Whether the objective is minimised or maximised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    /// Lower is better; the bound is a lower bound.
    Minimise,
    /// Higher is better; the bound is an upper bound.
    Maximise,
}

/// How good a [`Solution`] is known to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Proven optimal: gap ≤ 1e-9 relative, or integral data and the bound rounds to the objective.
    Optimal,
    /// Satisfies every constraint; optimality not proven (see the gap).
    Feasible,
    /// No selection satisfying the constraints was found (proven when the bound says so, e.g.
    /// group minimums exceeding `p`; otherwise the heuristic failed to find one).
    Infeasible,
}

/// A selection of new sites with its objective, a bound on the optimum and the gap between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// New sites opened, sorted (fixed-open sites are not listed).
    pub selected: Vec<usize>,
    /// Objective value of `selected` (with the fixed-open sites).
    pub objective: f64,
    /// Bound on the optimum: lower when minimising, upper when maximising.
    pub bound: f64,
    /// Relative gap: `(objective − bound) / max(|objective|, 1e-12)` when minimising,
    /// `(bound − objective) / max(|objective|, 1e-12)` when maximising; 0 when both are 0.
    pub gap: f64,
    /// Proof status.
    pub status: Status,
    /// Direction of the objective.
    pub sense: Sense,
    /// Weight covered (MCLP, LSCP) or served within the cost lists (p-median).
    pub covered: f64,
    /// Total demand weight.
    pub total: f64,
    /// For each demand, the site (candidate index) it is assigned to, if any.
    pub assignment: Option<Vec<Option<usize>>>,
    /// Wall-clock seconds spent.
    pub seconds: f64,
    /// Iterations of the main loop (local-search moves plus bound iterations).
    pub iterations: u64,
    /// Work units spent (deterministic; see [`super::budget`]).
    pub work: u64,
    /// Why the search stopped.
    pub stop: Stop,
    /// Branch-and-bound nodes explored (0 when no tree search ran).
    pub nodes: u64,
}

/// Relative gap between an objective and a bound, never negative.
pub(crate) fn relative_gap(sense: Sense, objective: f64, bound: f64) -> f64 {
    let diff = match sense {
        Sense::Minimise => objective - bound,
        Sense::Maximise => bound - objective,
    };
    if diff <= 0.0 {
        return 0.0;
    }
    diff / objective.abs().max(1e-12)
}

impl Solution {
    /// Assembles a solution, computing the gap and the status from the objective and the bound.
    /// With `integral` data a minimisation bound is rounded up (and a maximisation bound down)
    /// before comparing. The bound is clamped so it never lies on the wrong side of the objective.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn certified(
        sense: Sense,
        mut selected: Vec<usize>,
        objective: f64,
        bound: f64,
        integral: bool,
        covered: f64,
        total: f64,
        started: Instant,
    ) -> Solution {
        selected.sort_unstable();
        // `+ 0.0` turns the −0.0 of an empty float sum into 0.0 (never shown).
        let (objective, bound, covered, total) =
            (objective + 0.0, bound + 0.0, covered + 0.0, total + 0.0);
        let tol = 1e-9 * objective.abs().max(1.0);
        let bound = match (sense, integral) {
            (Sense::Minimise, true) => (bound - tol).ceil().min(objective),
            (Sense::Minimise, false) => bound.min(objective),
            (Sense::Maximise, true) => (bound + tol).floor().max(objective),
            (Sense::Maximise, false) => bound.max(objective),
        };
        let gap = relative_gap(sense, objective, bound);
        let status = if gap <= 1e-9 {
            Status::Optimal
        } else {
            Status::Feasible
        };
        Solution {
            selected,
            objective,
            bound,
            gap,
            status,
            sense,
            covered,
            total,
            assignment: None,
            seconds: started.elapsed().as_secs_f64(),
            iterations: 0,
            work: 0,
            stop: Stop::Complete,
            nodes: 0,
        }
    }

    /// Records the budget's spending and why the search stopped (`complete`: the search ended
    /// by itself, not on a limit; a proven optimum is always complete).
    pub(crate) fn finish(mut self, budget: &super::budget::Budget, complete: bool) -> Solution {
        self.work = budget.used();
        self.stop = budget.stop(complete || self.status == Status::Optimal);
        self
    }

    /// The same selection, bound and search record with another objective value: the
    /// selection scored on a problem the bound also holds for (for example the untruncated
    /// p-median behind a cutoff). Gap and status are recomputed (`integral`: objective and
    /// bound are integers, as in `Solution::certified`).
    pub fn rescored(&self, objective: f64, integral: bool) -> Solution {
        let mut s = Solution::certified(
            self.sense,
            self.selected.clone(),
            objective,
            self.bound,
            integral,
            self.covered,
            self.total,
            Instant::now(),
        );
        s.seconds = self.seconds;
        s.assignment.clone_from(&self.assignment);
        s.iterations = self.iterations;
        s.work = self.work;
        // A proven optimum is complete, however the search stopped.
        s.stop = if s.status == Status::Optimal {
            Stop::Complete
        } else {
            self.stop
        };
        s.nodes = self.nodes;
        s
    }

    /// An infeasible outcome (no selection satisfying the constraints).
    pub(crate) fn infeasible(sense: Sense, total: f64, started: Instant) -> Solution {
        let objective = match sense {
            Sense::Minimise => f64::INFINITY,
            Sense::Maximise => f64::NEG_INFINITY,
        };
        Solution {
            selected: Vec::new(),
            objective,
            bound: objective,
            gap: f64::INFINITY,
            status: Status::Infeasible,
            sense,
            covered: 0.0,
            total,
            assignment: None,
            seconds: started.elapsed().as_secs_f64(),
            iterations: 0,
            work: 0,
            stop: Stop::Complete,
            nodes: 0,
        }
    }
}
