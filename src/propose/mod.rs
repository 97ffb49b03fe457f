//! Proposals: from a planner's request ("2 new primary schools and 4 expansions in the central
//! district, maximise pupils covered within 500 m, capacity-aware") to ranked sites, each with
//! what it closes, and a certificate of how good the set is.
//!
//! A request is answered in two steps ([`crate::pipeline`] runs them):
//!
//! 1. **New sites** ([`propose_new`]): [`instance`] turns the map into matrices (existing
//!    schools fixed open, new-site options, sparse costs in the scenario's distance mode);
//!    [`crate::solve`] solves them with a heuristic and a bound; [`rank`] orders the chosen
//!    sites by what each adds. Each new school is then sized from the demand it will serve
//!    (`sizing`), and the pupils it takes leave the schools they were zoned to ([`apply`]).
//! 2. **Expansions** ([`expand`]): on the map with the new sites built, the existing schools
//!    are measured on the need an expansion would relieve ([`need`]: seats short in their
//!    catchment, classes of 56+ pupils) and the best are chosen.
//!
//! Every proposed site reports the gap it closes in numbers ([`rank::GapClosed`]).

pub mod apply;
pub mod costs;
pub mod expand;
pub mod instance;
pub mod need;
pub mod points;
pub mod rank;
pub mod request;

pub use instance::{Site, SiteKind};
pub use rank::{GapClosed, ProposedSite};
pub use request::{parse_requests, Need, Objective, ProposalRequest, SourcedRequest};

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
    /// Problem solved for the new sites (`mclp`, `mclp-capacitated`, `lscp`, `pmedian`,
    /// `pmedian-capacitated`, `pcenter`, `reach`); `need` when the request has only expansions.
    pub problem: String,
    /// Objective value of the new sites (covered demand, sites, weighted cost or worst cost);
    /// for an expansions-only request, the need value of the expansions.
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
    /// Expansion options (existing schools of the level in the areas, each measured on its
    /// need).
    pub options_expansion: usize,
    /// Σ need value of the chosen expansions (see [`expand`]; pupils).
    pub expansion_value: f64,
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
        Objective::Reach => "reach",
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

/// A second upper bound for the covering requests, kept when it is tighter than the solver's:
/// coverage is subadditive, so the demand covered is at most what the fixed-open sites cover plus
/// the sum of what each chosen new site covers beyond them; the best such sum under the
/// request's group limits (at most `new_sites`, at most `max_per_township` per township: a
/// laminar family, hence a matroid) is found exactly by the greedy algorithm (Edmonds 1971).
/// The bound is exact when the chosen sites do not overlap — a township's central school per
/// township, say — and then proves the answer optimal. Capacities only lower the coverage, so
/// the bound holds for the capacitated variant too.
fn tighten_cover_bound(inst: &instance::Instance, sol: &mut Solution) {
    let fixed: std::collections::BTreeSet<usize> =
        inst.problem.fixed_open.iter().copied().collect();
    let w = inst.costs.weights();
    let mut base = 0.0;
    let mut gain = vec![0.0; inst.sites.len()];
    for (i, &wi) in w.iter().enumerate().take(inst.cells.len()) {
        let reach: Vec<usize> = inst
            .costs
            .row(i)
            .filter(|&(_, c)| c <= inst.radius)
            .map(|(j, _)| j)
            .collect();
        if reach.iter().any(|j| fixed.contains(j)) {
            base += wi;
        } else {
            reach.iter().for_each(|&j| gain[j] += wi);
        }
    }
    let mut order: Vec<usize> = (0..inst.sites.len())
        .filter(|j| !fixed.contains(j))
        .collect();
    order.sort_by(|&a, &b| gain[b].total_cmp(&gain[a]).then(a.cmp(&b)));
    let mut room: Vec<usize> = inst.problem.groups.iter().map(|g| g.max).collect();
    let (mut taken, mut bound) = (0, base);
    for j in order {
        if taken == inst.problem.p {
            break;
        }
        let groups: Vec<usize> = (0..inst.problem.groups.len())
            .filter(|&g| inst.problem.groups[g].candidates.contains(&j))
            .collect();
        if groups.iter().any(|&g| room[g] == 0) {
            continue;
        }
        groups.iter().for_each(|&g| room[g] -= 1);
        taken += 1;
        bound += gain[j];
    }
    if bound < sol.bound {
        sol.bound = bound.max(sol.objective);
        // The solver's convention: (bound − objective) ÷ max(|objective|, 1e-12), never negative.
        let diff = sol.bound - sol.objective;
        sol.gap = if diff <= 0.0 {
            0.0
        } else {
            diff / sol.objective.abs().max(1e-12)
        };
        if sol.gap <= 1e-9 && sol.status == solve::Status::Feasible {
            sol.status = solve::Status::Optimal;
        }
    }
}

/// Places the new sites of one request on the map as it stands (step 1 of the module docs; the
/// expansions are chosen by [`expand::choose`] once they are built). A request without new
/// sites gives an outcome with no site and problem `need`.
pub fn propose_new(
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
    let needs_solver = req.new_sites > 0 || req.objective == Objective::Lscp;
    if !needs_solver {
        return Ok(ProposalOutcome {
            id: req.id.clone(),
            file: sr.file.clone(),
            problem: "need".into(),
            objective: 0.0,
            bound: 0.0,
            gap: 0.0,
            status: "optimal".into(),
            // Nothing to search: an expansion-only request by need.
            stop: "complete".into(),
            work: 0,
            nodes: 0,
            seconds: 0.0,
            demand: lc.total_demand,
            covered_before: lc.covered_demand,
            covered_after: lc.covered_demand,
            options_new: 0,
            options_expansion: 0,
            expansion_value: 0.0,
            sites: Vec::new(),
            notes: Vec::new(),
            request: sr.request,
        });
    }
    let inst = instance::build(map, scenario, lc, req)?;
    let mut sol = dispatch(req, &inst.costs, &inst.problem)?;
    if matches!(req.objective, Objective::Mclp | Objective::Reach) && req.budget.is_none() {
        tighten_cover_bound(&inst, &mut sol);
    }
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
    let ranked = rank::rank(map, &inst, &sol.selected);
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
        options_expansion: 0,
        expansion_value: 0.0,
        sites: ranked.sites,
        notes,
        request: sr.request,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Coord;
    use instance::{Instance, Site};
    use solve::{GroupLimit, Problem};

    fn site(township: usize) -> Site {
        Site {
            kind: SiteKind::New,
            id: String::new(),
            name: String::new(),
            school: None,
            pos: Coord { x: 0.0, y: 0.0 },
            lonlat: Coord { x: 0.0, y: 0.0 },
            seats: 0.0,
            classes: 0,
            cost: 0.0,
            county: None,
            township: Some(township),
        }
    }

    #[test]
    fn the_cover_bound_follows_the_township_limits_and_proves_disjoint_answers() {
        // Site 0 (fixed open) covers cell 0; sites 1 and 2 (township A) cover cells 1–2 and 2–3;
        // site 3 (township B) covers cell 4. Weights 10, 5, 7, 3, 4. At most one new site per
        // township, two in all: the bound is 10 + max(5 + 7, 7 + 3) + 4 = 26.
        let lists = vec![
            vec![(0, 0.0)],
            vec![(1, 0.5)],
            vec![(1, 0.5), (2, 0.5)],
            vec![(2, 1.0)],
            vec![(3, 0.2)],
        ];
        let costs = SparseCosts::from_lists(vec![10.0, 5.0, 7.0, 3.0, 4.0], 4, lists).unwrap();
        let problem = Problem {
            fixed_open: vec![0],
            p: 2,
            radius: 1.0,
            groups: vec![
                GroupLimit {
                    candidates: vec![1, 2, 3],
                    min: 2,
                    max: 2,
                },
                GroupLimit {
                    candidates: vec![1, 2],
                    min: 0,
                    max: 1,
                },
                GroupLimit {
                    candidates: vec![3],
                    min: 0,
                    max: 1,
                },
            ],
            ..Problem::default()
        };
        let inst = Instance {
            sites: vec![site(9), site(0), site(0), site(1)],
            cells: (0..5).collect(),
            costs,
            // Not read by the bound; straight-line costs of five cells to four sites.
            site_costs: super::costs::build(
                &[[0.0, 0.0]; 5],
                &[[0.0, 0.0]; 4],
                super::costs::Distance::Straight {
                    metres_per_unit: 1.0,
                },
                None,
            )
            .unwrap(),
            problem,
            radius: 1.0,
            covered_before: vec![true, false, false, false, false],
            notes: Vec::new(),
        };
        let mut sol = Solution {
            selected: vec![1, 3],
            objective: 26.0,
            bound: 40.0,
            gap: 14.0 / 26.0,
            status: solve::Status::Feasible,
            sense: solve::Sense::Maximise,
            covered: 26.0,
            total: 29.0,
            assignment: None,
            seconds: 0.0,
            iterations: 0,
            work: 0,
            stop: solve::budget::Stop::WorkLimit,
            nodes: 0,
        };
        tighten_cover_bound(&inst, &mut sol);
        assert_eq!(sol.bound, 26.0);
        assert_eq!(sol.gap, 0.0);
        assert_eq!(sol.status, solve::Status::Optimal);
        // A worse answer keeps its honest gap, and a looser bound is never taken.
        sol.objective = 24.0;
        sol.bound = 25.0;
        sol.status = solve::Status::Feasible;
        tighten_cover_bound(&inst, &mut sol);
        assert_eq!((sol.bound, sol.status), (25.0, solve::Status::Feasible));
    }
}
