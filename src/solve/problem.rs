//! The inputs shared by every solver.

use super::{SolveError, SparseCosts};
use std::time::Duration;

/// "At least `min` and at most `max` of these candidates" (for example the candidates of one
/// township). Counts only *new* selections, not [`Problem::fixed_open`] sites.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupLimit {
    /// Candidate indices of the group.
    pub candidates: Vec<usize>,
    /// Least number of new sites in the group.
    pub min: usize,
    /// Most number of new sites in the group.
    pub max: usize,
}

/// Site capacities for the capacitated variants.
#[derive(Debug, Clone, PartialEq)]
pub struct Capacities {
    /// Capacity of each candidate (length `m`), fixed-open sites included. An expansion of an
    /// existing school is a separate co-located candidate whose capacity is the added seats.
    pub capacity: Vec<f64>,
    /// Capacity used by each demand when assigned (length `n`); `None` means the demand weight.
    pub usage: Option<Vec<f64>>,
}

impl Capacities {
    /// Capacity used by demand `i`.
    pub fn usage_of(&self, costs: &SparseCosts, i: usize) -> f64 {
        match &self.usage {
            Some(u) => u[i],
            None => costs.weights()[i],
        }
    }
}

/// What to solve: the sites already open, how many new ones, and the side constraints.
///
/// The same struct serves every problem; fields a problem does not use are ignored (each
/// solver's documentation says which ones it reads).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Candidates that are open whatever happens (existing schools). They serve and cover demand
    /// and carry capacity, and do not count against `p`, the budget or group limits.
    pub fixed_open: Vec<usize>,
    /// Most new sites to open (p-median, MCLP, p-center; LSCP ignores it). A `p` larger than the
    /// number of free candidates simply opens all of them that help; `p = 0` evaluates the fixed
    /// sites alone.
    pub p: usize,
    /// Coverage radius for MCLP, LSCP: a demand is covered iff `cost ≤ radius` (inclusive).
    pub radius: f64,
    /// Capacities (read by the capacitated variants only).
    pub capacities: Option<Capacities>,
    /// Cost of opening each candidate (length `m`); with `budget`, `Σ cost(selected) ≤ budget`.
    /// LSCP minimises this cost when given (and the count otherwise).
    pub site_cost: Option<Vec<f64>>,
    /// Budget on the total site cost of new selections.
    pub budget: Option<f64>,
    /// Group limits on the number of new selections.
    pub groups: Vec<GroupLimit>,
    /// Cost per unit of weight of a demand with no open site in its list (p-median and
    /// capacitated p-median). Default: twice the largest stored cost, plus one.
    pub unserved_cost: Option<f64>,
    /// LSCP only: the share of total demand weight to cover (default: all coverable demand).
    pub coverage_target: Option<f64>,
    /// Wall-clock limit: the safety net of the search (see [`super::budget`]). Unless
    /// `work_limit` is given, it also sets the deterministic work budget.
    pub time_limit: Duration,
    /// Deterministic work budget in work units (see [`super::budget`]); `None` derives it from
    /// `time_limit` ([`super::budget::WORK_PER_SECOND`] units per second).
    pub work_limit: Option<u64>,
    /// Seed of the pseudo-random generator (results are deterministic for a given seed).
    pub seed: u64,
}

impl Default for Problem {
    fn default() -> Self {
        Self {
            fixed_open: Vec::new(),
            p: 1,
            radius: 0.0,
            capacities: None,
            site_cost: None,
            budget: None,
            groups: Vec::new(),
            unserved_cost: None,
            coverage_target: None,
            time_limit: Duration::from_secs(10),
            work_limit: None,
            seed: 1,
        }
    }
}

fn param(name: &str, reason: String) -> SolveError {
    SolveError::Parameter {
        name: name.into(),
        reason,
    }
}

fn check_len(what: &str, expected: usize, got: usize) -> Result<(), SolveError> {
    if expected == got {
        Ok(())
    } else {
        Err(SolveError::Length {
            what: what.into(),
            expected,
            got,
        })
    }
}

fn check_nonneg(name: &str, values: &[f64]) -> Result<(), SolveError> {
    match values.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        Some(k) => Err(param(
            name,
            format!("entry {k} is {}, expected ≥ 0", values[k]),
        )),
        None => Ok(()),
    }
}

impl Problem {
    /// Checks every field against the matrix and reports the first problem found.
    pub fn validate(&self, costs: &SparseCosts) -> Result<(), SolveError> {
        let (n, m) = (costs.n(), costs.m());
        let range = |context: &str, j: usize| {
            let context = context.to_string();
            Err(SolveError::CandidateOutOfRange {
                context,
                index: j,
                m,
            })
        };
        for &j in &self.fixed_open {
            if j >= m {
                return range("fixed_open", j);
            }
        }
        if self.radius.is_nan() || self.radius < 0.0 {
            return Err(param("radius", format!("{} is not ≥ 0", self.radius)));
        }
        if let Some(c) = &self.capacities {
            check_len("capacities.capacity", m, c.capacity.len())?;
            check_nonneg("capacities.capacity", &c.capacity)?;
            if let Some(u) = &c.usage {
                check_len("capacities.usage", n, u.len())?;
                check_nonneg("capacities.usage", u)?;
            }
        }
        if let Some(c) = &self.site_cost {
            check_len("site_cost", m, c.len())?;
            check_nonneg("site_cost", c)?;
        }
        if let Some(b) = self.budget {
            if b.is_nan() || b < 0.0 {
                return Err(param("budget", format!("{b} is not ≥ 0")));
            }
        }
        for (g, group) in self.groups.iter().enumerate() {
            if group.min > group.max {
                return Err(param(
                    "groups",
                    format!("group {g}: min {} > max {}", group.min, group.max),
                ));
            }
            if let Some(&j) = group.candidates.iter().find(|&&j| j >= m) {
                return range(&format!("group {g}"), j);
            }
        }
        if let Some(u) = self.unserved_cost {
            if u.is_nan() || u < 0.0 {
                return Err(param("unserved_cost", format!("{u} is not ≥ 0")));
            }
        }
        if let Some(t) = self.coverage_target {
            if !(0.0..=1.0).contains(&t) {
                return Err(param("coverage_target", format!("{t} is not in [0, 1]")));
            }
        }
        Ok(())
    }

    /// The cost per unit weight charged to an unserved demand.
    pub fn unserved(&self, costs: &SparseCosts) -> f64 {
        self.unserved_cost
            .unwrap_or_else(|| 2.0 * costs.max_cost() + 1.0)
    }

    /// The work budget: `work_limit`, or the one derived from `time_limit`.
    pub fn work_budget(&self) -> u64 {
        self.work_limit
            .unwrap_or_else(|| super::budget::work_for(self.time_limit))
    }

    /// The budget of one solve started at `started`.
    pub(crate) fn budget(&self, started: std::time::Instant) -> super::budget::Budget {
        super::budget::Budget::new(self.work_budget(), started, self.time_limit)
    }

    /// `fixed_open` as a membership mask of length `m`.
    pub fn fixed_mask(&self, m: usize) -> Vec<bool> {
        let mut mask = vec![false; m];
        for &j in &self.fixed_open {
            mask[j] = true;
        }
        mask
    }
}
