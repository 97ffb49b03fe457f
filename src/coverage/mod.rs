//! Coverage: who is within reach of which school, by straight line, by road or by a cost matrix,
//! and how full each school is.
//!
//! (The engine is being written; these types are the contract the rules, the optimiser and the
//! report rely on.)

use crate::io::scenario::{CostUnit, DistanceMode};
use crate::model::Level;

/// Why a cell has no school in reach at all (distance infinite).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unreachable {
    /// No open school serves the level.
    NoSchool,
    /// The cell is farther than `snap_max_m` from the road network.
    OffNetwork,
    /// The cell's network component holds no school of the level.
    Disconnected,
    /// The cost matrix has no pair for the cell.
    NoMatrixPair,
}

/// Coverage and capacity of one level.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelCoverage {
    /// The level measured.
    pub level: Level,
    /// Service radius in the scenario's unit (metres or minutes), inclusive.
    pub radius: f64,
    /// Per cell: demand of this level (cohort × enrolment rate × projection factor).
    pub demand: Vec<f64>,
    /// Per cell: index (into `Map::schools`) of the nearest open school serving the level.
    pub nearest: Vec<Option<usize>>,
    /// Per cell: cost to the nearest school (metres or minutes); `f64::INFINITY` if none.
    pub cost: Vec<f64>,
    /// Per cell: why no school is reachable (`None` when one is).
    pub unreachable: Vec<Option<Unreachable>>,
    /// Per cell: `cost ≤ radius`.
    pub covered: Vec<bool>,
    /// Per cell: the school the demand is allocated to under capacity (`None` when unallocated).
    pub allocated: Vec<Option<usize>>,
    /// Per school (all schools, 0 for those not serving the level): demand allocated.
    pub school_demand: Vec<f64>,
    /// Per school: seats for this level (`None` when unknown).
    pub school_seats: Vec<Option<f64>>,
    /// Per cell: two-step floating catchment accessibility (seats per pupil within reach).
    pub accessibility: Vec<f64>,
    /// Σ demand.
    pub total_demand: f64,
    /// Σ demand of covered cells.
    pub covered_demand: f64,
}

impl LevelCoverage {
    /// Population-weighted coverage share (covered ÷ demand); 1 when there is no demand.
    pub fn coverage(&self) -> f64 {
        if self.total_demand > 0.0 {
            self.covered_demand / self.total_demand
        } else {
            1.0
        }
    }
}

/// Coverage of every level of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// How distance was measured.
    pub mode: DistanceMode,
    /// Unit of costs and radii.
    pub unit: CostUnit,
    /// One entry per measured level, in the scenario's order.
    pub levels: Vec<LevelCoverage>,
}

impl Coverage {
    /// The coverage of a level, if measured.
    pub fn level(&self, level: Level) -> Option<&LevelCoverage> {
        self.levels.iter().find(|l| l.level == level)
    }
}
