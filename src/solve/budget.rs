//! Deterministic work budgets: when a search stops must not depend on the clock.
//!
//! Every solver counts the elementary steps it makes — mostly visits of a `(demand,
//! candidate)` pair, plus a fixed charge per candidate scanned — in *work units*, and stops
//! when the proof is complete or when the units reach the budget. The budget is
//! [`Problem::work_limit`](super::Problem::work_limit) when given, otherwise
//! [`WORK_PER_SECOND`] times the time limit. Two runs with the same inputs and seed therefore
//! make exactly the same steps and return the same selection, objective and bound on any
//! machine, at any load and with any number of threads.
//!
//! The wall clock stays as a safety net only: when the time limit passes before the budget is
//! used up (a slow or overloaded machine), the search stops there and the solution says so
//! ([`Stop::WallClock`]); only then may a result depend on timing.

use std::time::{Duration, Instant};

/// Work units per second of time limit used to derive the budget. A release build on the
/// 2-core development machine does 260–800 million units per CPU second (260 on the largest
/// instances, whose passes miss the caches; measured with `examples/solve_bench.rs` and
/// `examples/solve_planning.rs`), so the budget runs out at 20–60 % of the time limit on an
/// idle machine and the result stays the same on a machine 1.7 (largest instances) to 5 times
/// slower or busier.
pub const WORK_PER_SECOND: f64 = 150_000_000.0;

/// Largest time limit honoured (one year); longer limits are clamped, never a panic.
pub const MAX_TIME_LIMIT: Duration = Duration::from_secs(365 * 24 * 3600);

/// Why a search stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The search is complete: optimality (or infeasibility) is proven, or nothing was left to
    /// try.
    Complete,
    /// The deterministic work budget ran out.
    WorkLimit,
    /// The wall-clock safety net fired before the work budget ran out (the result may depend
    /// on timing).
    WallClock,
}

impl Stop {
    /// The name used in outputs: `complete`, `work_limit` or `wall_clock`.
    pub fn name(self) -> &'static str {
        match self {
            Stop::Complete => "complete",
            Stop::WorkLimit => "work_limit",
            Stop::WallClock => "wall_clock",
        }
    }
}

/// A time limit in seconds as a [`Duration`], clamped to `[0, MAX_TIME_LIMIT]` (NaN → 0), so
/// that `1e300` or `inf` never panics.
pub fn duration_from_secs(seconds: f64) -> Duration {
    if seconds.is_nan() || seconds <= 0.0 {
        Duration::ZERO
    } else if seconds >= MAX_TIME_LIMIT.as_secs_f64() {
        MAX_TIME_LIMIT
    } else {
        Duration::from_secs_f64(seconds)
    }
}

/// The work budget for a time limit: [`WORK_PER_SECOND`] per second, saturating.
pub fn work_for(limit: Duration) -> u64 {
    let w = limit.as_secs_f64() * WORK_PER_SECOND;
    if w >= u64::MAX as f64 {
        u64::MAX
    } else {
        w as u64
    }
}

/// A work budget with its wall-clock safety net.
#[derive(Debug, Clone)]
pub struct Budget {
    limit: u64,
    used: u64,
    deadline: Option<Instant>,
    wall: bool,
}

impl Budget {
    /// A budget of `limit` units whose safety net fires `time_limit` after `started`.
    pub fn new(limit: u64, started: Instant, time_limit: Duration) -> Budget {
        Budget {
            limit,
            used: 0,
            deadline: started.checked_add(time_limit.min(MAX_TIME_LIMIT)),
            wall: false,
        }
    }

    /// A budget that never runs out and has no safety net.
    pub fn unlimited() -> Budget {
        Budget {
            limit: u64::MAX,
            used: 0,
            deadline: None,
            wall: false,
        }
    }

    /// Moves the wall-clock safety net `time` earlier: room to finish (score the answer,
    /// rebuild the assignment) once it fires, so that the whole solve keeps its time limit.
    /// Solvers reserve a few times what one full pass over their data took at the start — a
    /// measurement of the machine as it is now, used only by the safety net.
    pub(crate) fn reserve(&mut self, time: Duration) {
        // A reserve reaching before any representable instant fires the net at once.
        self.deadline = self
            .deadline
            .map(|d| d.checked_sub(time).unwrap_or_else(Instant::now));
    }

    /// Charges `units` of work.
    #[inline]
    pub fn spend(&mut self, units: u64) {
        self.used = self.used.saturating_add(units);
    }

    /// Charges `units` and tells whether the budget is now exhausted.
    #[inline]
    pub fn charge(&mut self, units: u64) -> bool {
        self.spend(units);
        self.exhausted()
    }

    /// Whether the work budget is used up or the safety net has fired (sticky).
    pub fn exhausted(&mut self) -> bool {
        if self.used >= self.limit || self.wall {
            return true;
        }
        if let Some(d) = self.deadline {
            if Instant::now() >= d {
                self.wall = true;
            }
        }
        self.wall
    }

    /// Units spent so far.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Units left (0 when exhausted).
    pub fn left(&self) -> u64 {
        self.limit.saturating_sub(self.used)
    }

    /// A sub-budget for one phase: at most `units` more than spent so far (same safety net).
    /// Spend it, then [`Budget::absorb`] it back.
    pub(crate) fn phase(&self, units: u64) -> Budget {
        Budget {
            limit: self.used.saturating_add(units.min(self.left())),
            used: self.used,
            deadline: self.deadline,
            wall: self.wall,
        }
    }

    /// Takes back the spending (and a fired safety net) of a phase made with [`Budget::phase`].
    pub(crate) fn absorb(&mut self, phase: &Budget) {
        self.used = self.used.max(phase.used);
        self.wall |= phase.wall;
    }

    /// Why the search stopped, given whether it completed.
    pub(crate) fn stop(&self, complete: bool) -> Stop {
        if complete {
            Stop::Complete
        } else if self.wall {
            Stop::WallClock
        } else if self.used >= self.limit {
            Stop::WorkLimit
        } else {
            Stop::Complete
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_and_counts() {
        assert_eq!(duration_from_secs(1e300), MAX_TIME_LIMIT);
        assert_eq!(duration_from_secs(f64::INFINITY), MAX_TIME_LIMIT);
        assert_eq!(duration_from_secs(f64::NAN), Duration::ZERO);
        assert_eq!(duration_from_secs(-1.0), Duration::ZERO);
        assert_eq!(work_for(MAX_TIME_LIMIT), work_for(MAX_TIME_LIMIT));
        let mut b = Budget::new(10, Instant::now(), Duration::from_secs(3600));
        assert!(!b.charge(9));
        let mut p = b.phase(100);
        assert!(p.charge(1));
        b.absorb(&p);
        assert!(b.exhausted());
        assert_eq!(b.stop(false), Stop::WorkLimit);
        assert_eq!(b.stop(true), Stop::Complete);
        let mut u = Budget::unlimited();
        assert!(!u.charge(u64::MAX / 2));
    }

    #[test]
    fn the_safety_net_fires_and_is_reported() {
        let mut b = Budget::new(u64::MAX, Instant::now(), Duration::ZERO);
        assert!(b.exhausted());
        assert_eq!(b.stop(false), Stop::WallClock);
        // A reserve moves the net earlier: an hour's limit with an hour kept back fires now.
        let mut b = Budget::new(u64::MAX, Instant::now(), Duration::from_secs(3600));
        assert!(!b.exhausted());
        b.reserve(Duration::from_secs(3600));
        assert!(b.exhausted());
        assert_eq!(b.stop(false), Stop::WallClock);
        // An unrepresentable reserve fires it too (never a panic).
        let mut b = Budget::new(u64::MAX, Instant::now(), Duration::from_secs(3600));
        b.reserve(Duration::MAX);
        assert!(b.exhausted());
    }
}
