//! The whole analysis of one scenario, in memory: load, measure coverage, propose, check rules.
//!
//! `schoolplan check`, `run` and `compare` all go through [`analyse`], so the findings a planner
//! sees in the terminal are the ones in the report. Proposals are computed before the rules so
//! that build-programme rules (P1) can count the proposed projects.

pub mod solve;

use std::path::Path;
use std::time::Instant;

use crate::config::Scenario;
use crate::coverage::{self, Coverage};
use crate::error::Result;
use crate::io::layers::load_map;
use crate::model::{Level, Map, ProjectKind};
use crate::propose::{self, ProposalOutcome, ProposalRequest};
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
    /// Coverage before the proposals were built into the map (`None` when none was built).
    pub coverage_before: Option<Coverage>,
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
    // Kept for the gap report: which gaps the built proposals close.
    let before = (!scenario.proposals.is_empty()).then(|| coverage.clone());
    let (map, coverage, proposals, projects) = plan(map, coverage, &scenario)?;
    let built = proposals
        .iter()
        .any(|o| o.request.build.unwrap_or(true) && !o.sites.is_empty());
    let coverage_before = before.filter(|_| built);
    timed("proposals", t);

    step("checking rules");
    let t = Instant::now();
    let mut findings = rules::evaluate(&map, &scenario, &coverage, &projects)?;
    findings.extend(proposal_findings(&map, &scenario, &proposals));
    timed("rules", t);

    Ok(Analysis {
        scenario,
        map,
        coverage,
        coverage_before,
        proposals,
        findings,
        timings,
    })
}

/// Solves the proposal requests in order. Each request places its new sites
/// ([`propose::propose_new`]), sizes them from the demand they will serve and moves the pupils
/// they take ([`build_new_sites`]), then chooses its expansions by need on the map with those
/// sites built ([`propose::expand::choose`]). A request that is built (`build`, the default)
/// joins the map — new schools as `planned`, expansions as `added_classes` — and coverage is
/// measured again, so the next request and the rules see the city with it built. Returns the map
/// and coverage after the plan, the outcomes, and the projects of requests that were not built
/// (built ones are counted by the rules from the map itself).
fn plan(
    mut map: Map,
    mut coverage: Coverage,
    scenario: &Scenario,
) -> Result<(Map, Coverage, Vec<ProposalOutcome>, Vec<Project>)> {
    let mut outcomes = Vec::new();
    let mut unbuilt = Vec::new();
    for sr in propose::parse_requests(scenario)? {
        let req = sr.request.clone();
        let build = req.build.unwrap_or(true);
        let class_size = scenario
            .level(req.service_level())
            .map_or(45.0, |l| l.class_size);
        let mut o = propose::propose_new(&map, scenario, &coverage, sr)?;
        let mut w = map.clone();
        let mut wc = coverage.clone();
        if o.sites.iter().any(|s| s.kind == ProjectKind::New) {
            wc = build_new_sites(&mut w, &coverage, scenario, &mut o, class_size)?;
        }
        if req.expansions > 0 {
            let spent: f64 = o.sites.iter().map(|s| s.cost).sum();
            let chosen =
                propose::expand::choose(&w, scenario, &wc, &req, req.budget.map(|b| b - spent));
            for s in &chosen.sites {
                propose::apply::expand(&mut w, s);
            }
            if !chosen.sites.is_empty() {
                wc = coverage::compute(&w, scenario)?;
            }
            o.options_expansion = chosen.options;
            o.expansion_value = chosen.value;
            if o.problem == "need" {
                o.objective = chosen.value;
                o.bound = chosen.bound;
                o.gap = if chosen.value > 0.0 {
                    (chosen.bound - chosen.value).abs() / chosen.value
                } else {
                    0.0
                };
                o.status = if chosen.exact { "optimal" } else { "feasible" }.into();
            }
            o.notes.extend(chosen.notes);
            let first = o.sites.len();
            o.sites
                .extend(chosen.sites.into_iter().enumerate().map(|(k, mut s)| {
                    s.rank = first + k + 1;
                    s
                }));
        }
        if build {
            map = w;
            coverage = wc;
        } else {
            unbuilt.extend(proposal_projects(&map, std::slice::from_ref(&o)));
        }
        outcomes.push(o);
    }
    Ok((map, coverage, outcomes, unbuilt))
}

/// A new school serving fewer pupils than this many classes serves almost nobody.
pub const LOW_DEMAND_CLASSES: f64 = 0.5;

/// Builds the new sites of `o` into `map` (a working copy) and returns the coverage with them:
/// each is sized from the demand it will serve (`sizing`), the pupils it takes leave the schools
/// they were zoned to ([`propose::apply`]), and each site's row gets what it serves and the
/// seats-short and large-class gaps it closes. `before` is the coverage without them.
fn build_new_sites(
    map: &mut Map,
    before: &Coverage,
    scenario: &Scenario,
    o: &mut ProposalOutcome,
    class_size: f64,
) -> Result<Coverage> {
    let req = o.request.clone();
    let cap =
        ProposalRequest::cap_pupils(req.level).map(|p| ((p / class_size).floor() as u32).max(1));
    for s in o.sites.iter_mut().filter(|s| s.kind == ProjectKind::New) {
        if let Some(c) = cap.filter(|&c| c < s.classes) {
            s.classes = c;
            s.seats_added = c as f64 * class_size;
        }
    }
    let range = propose::apply::add_new(map, class_size, o);
    let mut after = coverage::compute(map, scenario)?;
    let new = NewSites {
        rows: (0..o.sites.len())
            .filter(|&k| o.sites[k].kind == ProjectKind::New)
            .collect(),
        range,
    };
    if req.sizing == propose::request::Sizing::Demand {
        size_to_demand(map, &after, o, &new, class_size);
        after = coverage::compute(map, scenario)?;
    }
    note_low_demand(map, &after, o, &new, class_size);
    credit_seats_short(map, before, &after, o, &new);
    credit_large_classes(map, before, &after, o, &new);
    Ok(after)
}

/// The new schools of a request built into the map: their rows in the outcome's sites and
/// their indices in `Map::schools` (in the same order).
struct NewSites {
    rows: Vec<usize>,
    range: std::ops::Range<usize>,
}

impl NewSites {
    /// Pairs (row in the sites, school index).
    fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.rows.iter().copied().zip(self.range.clone())
    }

    /// The row of new school `j`.
    fn row(&self, j: usize) -> usize {
        self.rows[j - self.range.start]
    }
}

/// Sizes each new school to the seats it needs for every level it serves (a nine-year school's
/// seats split by years of schooling), between the request's smallest school and the site's
/// classes.
fn size_to_demand(
    map: &mut Map,
    after: &Coverage,
    o: &mut ProposalOutcome,
    new: &NewSites,
    class_size: f64,
) {
    let req = &o.request;
    let min_classes = req
        .min_school_classes
        .unwrap_or(ProposalRequest::default_min_classes(req.level));
    let level = req.level;
    for (k, j) in new.pairs() {
        let seats_needed = propose::expand::served_levels(level)
            .into_iter()
            .filter_map(|l| {
                let lc = after.level(l)?;
                let load = lc.school_load(j);
                let pupils = load.zone_pupils.unwrap_or(load.nearest_demand);
                Some(if level == Level::NineYear {
                    pupils * Level::NineYear.years() as f64 / l.years() as f64
                } else {
                    pupils
                })
            })
            .fold(0.0, f64::max);
        let hi = o.sites[k].classes;
        let lo = min_classes.min(hi);
        let classes = ((seats_needed / class_size).ceil() as u32).clamp(lo, hi);
        o.sites[k].classes = classes;
        o.sites[k].seats_added = classes as f64 * class_size;
        propose::apply::resize(map, j, classes, class_size);
    }
}

/// Records what each new school serves, and a note for one serving almost nobody.
fn note_low_demand(
    map: &Map,
    after: &Coverage,
    o: &mut ProposalOutcome,
    new: &NewSites,
    class_size: f64,
) {
    for (k, j) in new.pairs() {
        let served = propose::apply::served(map, after, j);
        let site = &mut o.sites[k];
        site.served = served;
        if served < LOW_DEMAND_CLASSES * class_size {
            site.low_demand = true;
            o.notes.push(format!(
                "site {} serves almost nobody: {} pupils, under half a class ({}); the request's best site may not be worth building",
                site.id,
                crate::error::shown(crate::round::tenths(served)),
                crate::error::shown(class_size)
            ));
        }
    }
}

/// Seats short at the existing schools before and after, credited to the nearest new school.
fn credit_seats_short(
    map: &Map,
    before: &Coverage,
    after: &Coverage,
    o: &mut ProposalOutcome,
    new: &NewSites,
) {
    let first = new.range.start;
    let nearest_new = |j: usize| -> Option<usize> {
        let p = map.schools[j].pos;
        new.range.clone().min_by(|&a, &b| {
            let d = |s: usize| (map.schools[s].pos.x - p.x).hypot(map.schools[s].pos.y - p.y);
            d(a).total_cmp(&d(b)).then(a.cmp(&b))
        })
    };
    for l in propose::expand::served_levels(o.request.level) {
        let (Some(lb), Some(la)) = (before.level(l), after.level(l)) else {
            continue;
        };
        for j in 0..first {
            if !map.schools[j].serves(l) {
                continue;
            }
            let (Some(b), Some(a)) = (
                propose::need::seats_short(lb, j),
                propose::need::seats_short(la, j),
            ) else {
                continue;
            };
            if b - a >= propose::expand::MIN_NEED {
                if let Some(s) = nearest_new(j) {
                    o.sites[new.row(s)].gap_closed.seats_short_relieved += b - a;
                }
            }
        }
    }
}

/// Moves the enrolment the new schools take from the schools they were zoned to, and credits
/// the large classes this removes to the new school taking most of each school's pupils.
fn credit_large_classes(
    map: &mut Map,
    before: &Coverage,
    after: &Coverage,
    o: &mut ProposalOutcome,
    new: &NewSites,
) {
    let from = o
        .request
        .large_class_from
        .unwrap_or(propose::need::LARGE_CLASS);
    let first = new.range.start;
    let moves = propose::apply::pupil_moves(before, after, new.range.clone());
    let large_before: Vec<u32> = (0..first)
        .map(|j| propose::need::school_large_classes(&map.schools[j], from))
        .collect();
    let lost = propose::apply::move_enrolment(map, after, new.range.clone(), &moves);
    for &j in lost.keys() {
        let removed = large_before[j]
            .saturating_sub(propose::need::school_large_classes(&map.schools[j], from));
        if removed == 0 {
            continue;
        }
        let taker = moves
            .iter()
            .filter(|((_, from_j), _)| *from_j == j)
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0 .0.cmp(&a.0 .0)))
            .map(|((s, _), _)| *s);
        if let Some(s) = taker {
            o.sites[new.row(s)].gap_closed.large_classes_removed += removed;
        }
    }
}

/// A `fail` finding for every proposed new school that serves almost nobody (fewer pupils than
/// half a class, [`LOW_DEMAND_CLASSES`]): the request's best site is not worth building as
/// asked. The finding carries the request's id as its rule id, kind `proposal`, school scope.
pub fn proposal_findings(
    map: &Map,
    scenario: &Scenario,
    proposals: &[ProposalOutcome],
) -> Vec<Finding> {
    let zh = scenario.language == crate::config::Language::Zh;
    let mut out = Vec::new();
    for o in proposals {
        let class_size = scenario
            .level(o.request.service_level())
            .map_or(45.0, |l| l.class_size);
        for s in o.sites.iter().filter(|s| s.low_demand) {
            let county = s.county_code.as_deref().and_then(|c| map.county_by_code(c));
            let served = crate::round::tenths(s.served);
            let threshold = LOW_DEMAND_CLASSES * class_size;
            out.push(Finding {
                rule_id: o.id.clone(),
                title_zh: o.request.title_zh.clone().unwrap_or_else(|| o.id.clone()),
                title_en: o.request.title_en.clone().unwrap_or_else(|| o.id.clone()),
                clause: o.request.clause.clone().unwrap_or_default(),
                kind: "proposal".into(),
                scope: rules::Scope::School,
                area_code: s.county_code.clone(),
                area_name: county.map(|c| map.counties[c].name.clone()),
                school_id: Some(propose::apply::new_school_id(&o.id, &s.id)),
                status: rules::FindingStatus::Fail,
                measured: Some(served),
                comparison: rules::Comparison::AtLeast,
                threshold: Some(threshold),
                unit: "pupils".into(),
                evidence: rules::Evidence {
                    schools: vec![propose::apply::new_school_id(&o.id, &s.id)],
                    ..Default::default()
                },
                reason: None,
                fix: Some(if zh {
                    format!(
                        "选址 {} 仅服务 {} 名学生（不足半个班 {}）：请核实需求，或改为扩建、合并办学",
                        s.id,
                        served,
                        threshold
                    )
                } else {
                    format!(
                        "site {} serves only {} pupils (under half a class, {}): check the need, or expand or share an existing school instead",
                        s.id, served, threshold
                    )
                }),
                note: Some(format!(
                    "served {served}; classes {}; seats {}",
                    s.classes, s.seats_added
                )),
                projects: Vec::new(),
            });
        }
    }
    out
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
