//! Location optimisation: solvers see matrices, not geometry.
//!
//! Every solver here works on a [`SparseCosts`] matrix — demand points `i = 0..n` with a weight
//! `w_i ≥ 0`, candidate sites `j = 0..m`, and for each demand the sorted list of the
//! `(candidate, cost)` pairs that matter (those within the largest radius or cutoff of
//! interest; a missing pair means *unreachable*). Coordinates, projections and file formats
//! stay in the rest of the crate; this module reads no files. (The OR-Library / SJC benchmark
//! readers and the brute-force oracles the tests check the solvers against live in the dev-only
//! `schoolplan-testkit` crate.)
//!
//! ## Problems
//!
//! | problem | objective | module |
//! | --- | --- | --- |
//! | p-median | minimise `Σ_i w_i d(i, nearest open site)` with at most `p` new sites | [`pmedian`] |
//! | capacitated p-median | the same with single-sourced assignment under site capacities | [`capacitated`] |
//! | MCLP (maximal covering) | maximise the weight within `radius` (inclusive) of an open site | [`mclp`] |
//! | capacitated MCLP | covered weight must also be *assigned* to a covering site with capacity | [`mclp`] |
//! | LSCP (set covering) | fewest (or cheapest) new sites covering all coverable demand, or a share | [`lscp`] |
//! | p-center | minimise the largest distance from a positive-weight demand to its nearest open site | [`pcenter`] |
//!
//! All problems share one [`Problem`] description: sites that are already open
//! ([`Problem::fixed_open`], existing schools; they serve and cover demand and do not count
//! against `p`), the number `p` of new sites, the coverage radius, optional capacities, per-site
//! costs with a budget, and "at least / at most k in this group" limits. An expansion of an
//! existing school is modelled as one more candidate co-located with the fixed site, with a cost
//! and the added capacity; nothing in the solvers needs to know it is an expansion.
//!
//! ## Certificates
//!
//! Each [`Solution`] carries the objective of the selection found *and* a bound on the optimum
//! (a lower bound when minimising, an upper bound when maximising), hence a proven relative
//! [`Solution::gap`]. [`Status::Optimal`] is reported only when the gap is proven to be
//! at most `1e-9` relative, or when all data are integers and the bound rounds up to the
//! objective. Bounds come from Lagrangian relaxations; when a relaxation cannot express a side
//! constraint (budget, group limits, capacities in the uncapacitated bound), the bound is that of
//! the problem *without* the constraint, which is a relaxation and therefore still valid (only
//! weaker). Heuristics always respect every constraint.
//!
//! ## Methods
//!
//! - Vertex substitution: M.B. Teitz and P. Bart (1968), "Heuristic methods for estimating the
//!   generalized vertex median of a weighted graph", *Operations Research* 16, 955–961.
//! - Fast interchange: R. Whitaker (1983), *INFOR* 21, 95–108; with the gain / loss / extra
//!   structures of M.G.C. Resende and R.F. Werneck (2004), "A hybrid heuristic for the p-median
//!   problem", *Journal of Heuristics* 10, 59–88 ([`interchange`]).
//! - Lagrangian relaxation for p-median: G. Cornuéjols, M.L. Fisher and G.L. Nemhauser (1977),
//!   *Management Science* 23, 789–810; J.E. Beasley (1985) *EJOR* 21, 270–273 and (1993)
//!   "Lagrangean heuristics for location problems", *EJOR* 65, 383–399 ([`lagrange`]).
//! - MCLP: R. Church and C. ReVelle (1974), "The maximal covering location problem",
//!   *Papers of the Regional Science Association* 32, 101–118.
//! - LSCP: C. Toregas, R. Swain, C. ReVelle and L. Bergman (1971), "The location of emergency
//!   service facilities", *Operations Research* 19, 1363–1373; greedy of V. Chvátal (1979).
//! - Capacitated p-median instances and method: L.A.N. Lorena and E.L.F. Senne (2004),
//!   *Computers & Operations Research* 31, 863–876.
//! - Overview of all of these: M.S. Daskin, *Network and Discrete Location* (2nd ed., 2013).
//!
//! Results are deterministic for a given [`Problem::seed`]: randomness comes from a seeded
//! splitmix64 generator and no hash-map iteration order reaches a result. Time limits are
//! checked between iterations, so a run can overshoot by one iteration.

mod assign;
pub mod budget;
pub mod capacitated;
mod constraints;
mod costs;
pub mod interchange;
pub mod lagrange;
pub mod lscp;
mod maxcover;
pub mod mclp;
pub mod pcenter;
pub mod pmedian;
mod problem;
mod rng;
mod setcover;
mod solution;
mod tree;

pub use budget::{duration_from_secs, Stop};
pub use costs::{SparseCosts, Transposed};
pub use problem::{Capacities, GroupLimit, Problem};
pub use solution::{Sense, Solution, Status};

use thiserror::Error;

/// The location problems, by what they optimise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Fewest (or cheapest) new sites covering the coverable demand ([`lscp`]).
    Lscp,
    /// Most demand within the radius of `p` new sites ([`mclp`]).
    Mclp,
    /// Least total demand-weighted cost with `p` new sites ([`pmedian`]).
    Pmedian,
    /// Least worst cost with `p` new sites ([`pcenter`]).
    Pcenter,
}

impl Kind {
    /// The name used in outputs: `lscp`, `mclp`, `pmedian`, `pcenter`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Lscp => "lscp",
            Kind::Mclp => "mclp",
            Kind::Pmedian => "pmedian",
            Kind::Pcenter => "pcenter",
        }
    }

    /// Whether the problem has a capacitated variant (MCLP and p-median).
    pub fn has_capacitated(self) -> bool {
        matches!(self, Kind::Mclp | Kind::Pmedian)
    }
}

/// Solves `kind` on `costs`, its capacitated variant when `capacitated` (MCLP:
/// [`mclp::solve_capacitated`], p-median: [`capacitated::solve`]; LSCP and p-center have none
/// and ignore the flag). The one dispatch shared by proposals and `schoolplan solve`.
pub fn solve(
    kind: Kind,
    capacitated: bool,
    costs: &SparseCosts,
    problem: &Problem,
) -> Result<Solution, SolveError> {
    match (kind, capacitated) {
        (Kind::Lscp, _) => lscp::solve(costs, problem),
        (Kind::Mclp, false) => mclp::solve(costs, problem),
        (Kind::Mclp, true) => mclp::solve_capacitated(costs, problem),
        (Kind::Pmedian, false) => pmedian::solve(costs, problem),
        (Kind::Pmedian, true) => capacitated::solve(costs, problem),
        (Kind::Pcenter, _) => pcenter::solve(costs, problem),
    }
}

/// Invalid input to a solver. Every variant names the offending index or value.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SolveError {
    /// A demand weight is negative, NaN or infinite.
    #[error("demand {index}: weight {value} is not a finite number ≥ 0")]
    BadWeight {
        /// Demand index.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A cost is negative or NaN (infinite costs are treated as missing pairs).
    #[error("demand {demand}, candidate {candidate}: cost {value} is not a number ≥ 0")]
    BadCost {
        /// Demand index.
        demand: usize,
        /// Candidate index.
        candidate: usize,
        /// The offending value.
        value: f64,
    },
    /// A candidate index is out of range.
    #[error("{context}: candidate {index} is out of range (there are {m} candidates)")]
    CandidateOutOfRange {
        /// Where the index was found.
        context: String,
        /// The offending index.
        index: usize,
        /// Number of candidates.
        m: usize,
    },
    /// A candidate appears twice in one demand's list.
    #[error("demand {demand}: candidate {candidate} is listed twice")]
    DuplicatePair {
        /// Demand index.
        demand: usize,
        /// Candidate index.
        candidate: usize,
    },
    /// A vector has the wrong length.
    #[error("{what}: expected length {expected}, got {got}")]
    Length {
        /// Which vector.
        what: String,
        /// Expected length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// A scalar parameter is invalid (negative radius, NaN budget, min > max in a group, ...).
    #[error("invalid parameter {name}: {reason}")]
    Parameter {
        /// Parameter name.
        name: String,
        /// Why it is invalid.
        reason: String,
    },
}
