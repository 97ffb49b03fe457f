//! The whole analysis of one scenario, in memory: load, measure coverage, propose, check rules.
//!
//! `schoolplan check`, `run` and `compare` all go through [`analyse`], so the findings a planner
//! sees in the terminal are the ones in the report. Proposals are computed before the rules so
//! that build-programme rules (P1) can count the proposed projects.

use std::path::Path;
use std::time::Instant;

use crate::config::Scenario;
use crate::coverage::{self, Coverage};
use crate::error::Result;
use crate::io::layers::load_map;
use crate::model::Map;
use crate::propose::{self, ProposalOutcome};
use crate::rules::{self, Finding, Project};

/// Everything known about a scenario after analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The resolved scenario.
    pub scenario: Scenario,
    /// The loaded map, in metres.
    pub map: Map,
    /// Coverage of every measured level.
    pub coverage: Coverage,
    /// One outcome per proposal request.
    pub proposals: Vec<ProposalOutcome>,
    /// Findings of every rule.
    pub findings: Vec<Finding>,
    /// Seconds spent in each step, in order.
    pub timings: Vec<(&'static str, f64)>,
}

impl Analysis {
    /// Whether any finding failed.
    pub fn has_failures(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.status == rules::FindingStatus::Fail)
    }
}

/// Runs the analysis of the scenario at `path`. `step` is called with the name of each step
/// as it starts (for progress display).
pub fn analyse(path: &Path, step: &mut dyn FnMut(&'static str)) -> Result<Analysis> {
    let mut timings = Vec::new();
    let mut timed =
        |name: &'static str, t: Instant| timings.push((name, t.elapsed().as_secs_f64()));

    step("loading layers");
    let t = Instant::now();
    let scenario = Scenario::load(path)?;
    let mut map = load_map(&scenario)?;
    // Everything `validate` checks: rules, requests and how they fit the map.
    let parsed_rules = rules::parse_rules(&scenario)?;
    let requests = propose::parse_requests(&scenario)?;
    let problems = crate::consistency::check(&scenario, &map, &parsed_rules, &requests);
    if problems.iter().any(crate::error::Problem::is_error) {
        return Err(crate::error::Error::Invalid(problems));
    }
    map.warnings.extend(problems);
    timed("load", t);

    step("measuring coverage");
    let t = Instant::now();
    let coverage = coverage::compute(&map, &scenario)?;
    timed("coverage", t);

    step("solving proposals");
    let t = Instant::now();
    let (map, coverage, proposals, projects) = plan(map, coverage, &scenario)?;
    timed("proposals", t);

    step("checking rules");
    let t = Instant::now();
    let findings = rules::evaluate(&map, &scenario, &coverage, &projects)?;
    timed("rules", t);

    Ok(Analysis {
        scenario,
        map,
        coverage,
        proposals,
        findings,
        timings,
    })
}

/// Solves the proposal requests in order. A request that is built (`build`, the default) joins
/// the map — new schools as `planned`, expansions as `added_classes` — and coverage is measured
/// again, so the next request and the rules see the city with it built. Returns the map and
/// coverage after the plan, the outcomes, and the projects of requests that were not built
/// (built ones are counted by the rules from the map itself).
fn plan(
    mut map: Map,
    mut coverage: Coverage,
    scenario: &Scenario,
) -> Result<(Map, Coverage, Vec<ProposalOutcome>, Vec<Project>)> {
    let mut outcomes = Vec::new();
    let mut unbuilt = Vec::new();
    for sr in propose::parse_requests(scenario)? {
        let build = sr.request.build.unwrap_or(true);
        let class_size = scenario
            .level(sr.request.service_level())
            .map_or(45.0, |l| l.class_size);
        let o = propose::propose_one(&map, scenario, &coverage, sr)?;
        if build {
            let first_new = map.schools.len();
            propose::apply::apply(&mut map, class_size, &o);
            coverage = coverage::compute(&map, scenario)?;
            estimate_enrolment(&mut map, &coverage, first_new);
        } else {
            unbuilt.extend(proposal_projects(&map, std::slice::from_ref(&o)));
        }
        outcomes.push(o);
    }
    Ok((map, coverage, outcomes, unbuilt))
}

/// A school the plan builds has no enrolment yet: estimate it as the demand the coverage
/// allocation gives it (over every level it serves), so that enrolment shares stay evaluable.
fn estimate_enrolment(map: &mut Map, coverage: &Coverage, first_new: usize) {
    for j in first_new..map.schools.len() {
        let allocated: f64 = coverage
            .levels
            .iter()
            .filter(|l| map.schools[j].level.serves(l.level))
            .map(|l| l.school_demand[j])
            .sum();
        map.schools[j].enrolment = Some(allocated.round());
    }
}

/// The proposals as build projects, for build-programme rules.
pub fn proposal_projects(map: &Map, proposals: &[ProposalOutcome]) -> Vec<Project> {
    proposals
        .iter()
        .flat_map(|o| {
            o.sites.iter().map(move |s| Project {
                id: format!("{}:{}", o.id, s.id),
                level: o.request.level,
                kind: s.kind,
                county: s.county_code.as_deref().and_then(|c| map.county_by_code(c)),
                newly_covered: Some(s.demand_newly_covered),
                seats_added: Some(s.seats_added),
            })
        })
        .collect()
}
