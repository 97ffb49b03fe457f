//! Proposals: from a planner's request ("2 new primary schools and 4 expansions in the central
//! district, maximise pupils covered within 500 m, capacity-aware") to ranked sites, each with
//! what it closes, and a certificate of how good the set is.
//!
//! [`instance`] turns the map into matrices (existing schools fixed open, expansion and
//! new-site options, sparse costs in the scenario's distance mode); [`crate::solve`] solves
//! them with a heuristic and a bound; [`rank`] orders the chosen sites by what each adds.

pub mod apply;
pub mod costs;
pub mod instance;
pub mod points;
pub mod rank;
pub mod request;

pub use instance::{Site, SiteKind};
pub use rank::ProposedSite;
pub use request::{parse_requests, Objective, ProposalRequest, SourcedRequest};

use std::path::PathBuf;

use serde::Serialize;

use crate::config::Scenario;
use crate::coverage::Coverage;
use crate::error::{Error, Result};
use crate::model::Map;
use crate::solve::{self, Solution, SparseCosts};

/// The answer to one request.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalOutcome {
    /// Request id.
    pub id: String,
    /// Scenario file that made the request.
    pub file: PathBuf,
    /// The request.
    pub request: ProposalRequest,
    /// Problem solved (`mclp`, `mclp-capacitated`, `lscp`, `pmedian`, `pmedian-capacitated`,
    /// `pcenter`).
    pub problem: String,
    /// Objective value of the proposal (covered demand, sites, weighted cost or worst cost).
    pub objective: f64,
    /// Proven bound on the best possible objective (upper for maximisation, lower for
    /// minimisation).
    pub bound: f64,
    /// Relative optimality gap, `|bound − objective| / |objective|`.
    pub gap: f64,
    /// `optimal` (gap proven 0) or `feasible`; `infeasible` when the constraints cannot be met.
    pub status: String,
    /// Why the search stopped: `complete` (proven, or nothing left to try), `work_limit` (the
    /// deterministic work budget ran out: the same answer on any machine) or `wall_clock` (the
    /// time limit cut the search short before its work budget was spent: the answer may differ
    /// from run to run; raise `time_limit_s` or lower `work_limit`).
    pub stop: String,
    /// Work units the solver spent (deterministic unless `stop` is `wall_clock`).
    pub work: u64,
    /// Branch-and-bound nodes explored.
    pub nodes: u64,
    /// Solver time, seconds (console only: never written to files).
    pub seconds: f64,
    /// Demand of the level, in all cells.
    pub demand: f64,
    /// Demand within the radius of the existing schools.
    pub covered_before: f64,
    /// Demand within the radius once the proposal is built.
    pub covered_after: f64,
    /// Options the solver chose from: new sites and expansions.
    pub options_new: usize,
    /// Expansion options.
    pub options_expansion: usize,
    /// Proposed sites and expansions, ranked.
    pub sites: Vec<ProposedSite>,
    /// Notes (generated candidates, constraints that could not be met).
    pub notes: Vec<String>,
}

fn problem_name(req: &ProposalRequest) -> String {
    let base = match req.objective {
        Objective::Mclp => "mclp",
        Objective::Lscp => "lscp",
        Objective::Pmedian => "pmedian",
        Objective::Pcenter => "pcenter",
    };
    if req.capacitated && matches!(req.objective, Objective::Mclp | Objective::Pmedian) {
        format!("{base}-capacitated")
    } else {
        base.to_string()
    }
}

fn dispatch(
    req: &ProposalRequest,
    costs: &SparseCosts,
    problem: &solve::Problem,
) -> Result<Solution> {
    solve::solve(req.objective.kind(), req.capacitated, costs, problem)
        .map_err(|e| Error::Usage(format!("proposal {}: {e}", req.id)))
}

/// Solves one request on the map as it stands. [`crate::pipeline::analyse`] calls it for each
/// request in order, building each answer into the map before the next.
pub fn propose_one(
    map: &Map,
    scenario: &Scenario,
    coverage: &Coverage,
    sr: SourcedRequest,
) -> Result<ProposalOutcome> {
    let req = &sr.request;
    let lc = coverage.level(req.service_level()).ok_or_else(|| {
        Error::Usage(format!(
            "proposal {}: the scenario does not measure the {} level",
            req.id,
            req.service_level().name()
        ))
    })?;
    let inst = instance::build(map, scenario, lc, req)?;
    let mut sol = dispatch(req, &inst.costs, &inst.problem)?;
    let mut notes = inst.notes.clone();
    // p-median and p-center are solved up to a cutoff: say what it did, and score the answer on
    // the untruncated problem when the true costs are at hand.
    if let Some(t) = costs::certify_cutoff(
        req.objective.kind(),
        req.capacitated,
        &inst.site_costs,
        &inst.costs,
        &inst.problem,
        &mut sol,
    ) {
        if t.truncated {
            notes.push(t.note);
        }
    }
    if sol.status == solve::Status::Infeasible {
        notes.push(
            "the constraints cannot all be met (too few options, budget or per-township limits)"
                .into(),
        );
    }
    let ranked = rank::rank(map, lc, &inst, &sol.selected);
    let count = |k: SiteKind| inst.sites.iter().filter(|s| s.kind == k).count();
    Ok(ProposalOutcome {
        id: req.id.clone(),
        file: sr.file.clone(),
        problem: problem_name(req),
        objective: sol.objective,
        bound: sol.bound,
        gap: sol.gap,
        status: match sol.status {
            solve::Status::Optimal => "optimal",
            solve::Status::Feasible => "feasible",
            solve::Status::Infeasible => "infeasible",
        }
        .to_string(),
        stop: sol.stop.name().to_string(),
        work: sol.work,
        nodes: sol.nodes,
        seconds: sol.seconds,
        demand: lc.total_demand,
        covered_before: ranked.covered_before,
        covered_after: ranked.covered_after,
        options_new: count(SiteKind::New),
        options_expansion: count(SiteKind::Expansion),
        sites: ranked.sites,
        notes,
        request: sr.request,
    })
}
