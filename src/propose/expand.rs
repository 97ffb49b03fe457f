//! Expansions (改扩建) chosen by the need they relieve.
//!
//! Every open, existing school of the request's level inside its areas is an option: it adds
//! `expansion_classes` classes and their seats. Its value is measured ([`super::need`]):
//!
//! - **seats**: `min(seats added, seats short in the school's catchment)` (a nine-year school's
//!   added seats split 6 : 3 between its primary and junior catchments);
//! - **crowding**: recorded classes of 56+ pupils (`large_class_from`) removed once its pupils
//!   are spread over the added classes ([`super::need::level_classes`]);
//! - **coverage**: pupils newly within the radius — always 0 for an expansion, which adds seats
//!   where a school already stands.
//!
//! The request's `need` orders the options (lexicographically, or by `need_weights` for `mix`)
//! and the best `expansions` are taken. With independent values and no budget, the best `k` by
//! value are an optimal choice (the objective is a sum of per-option values), so the answer is
//! exact; under a budget the options are taken greedily in that order while they fit. An option
//! with no measured need is never proposed: when fewer schools need an expansion than the
//! request asks for, fewer are proposed and a note says so. Ties fall to the larger seats
//! shortage, then the more large classes, then the school id — never the input order.

use std::cmp::Ordering;

use super::need::{self, LARGE_CLASS};
use super::rank::{GapClosed, ProposedSite};
use super::request::{Need, ProposalRequest};
use crate::config::Scenario;
use crate::coverage::Coverage;
use crate::model::{Level, Map, ProjectKind, Status};

/// Least seats short (pupils) that counts as a need.
pub const MIN_NEED: f64 = 1.0;

/// One expansion option with its measured need.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpansionOption {
    /// School index.
    pub school: usize,
    /// Seats added (all levels the school serves).
    pub seats_added: f64,
    /// Classes added.
    pub classes: u32,
    /// Cost.
    pub cost: f64,
    /// Pupils short of a seat in its catchment (summed over the levels it serves).
    pub seats_short: f64,
    /// Seats short relieved.
    pub seats_relieved: f64,
    /// Large classes before.
    pub large_before: u32,
    /// Large classes removed.
    pub large_removed: u32,
    /// Load before (zone pupils or nearest demand, summed over levels).
    pub served: f64,
    /// Pupils over capacity before (summed over levels).
    pub over_capacity: f64,
}

/// Value of an option under `need` (higher is better), for [`Need::Mix`].
fn value(o: &ExpansionOption, req: &ProposalRequest, class_size: f64) -> f64 {
    let w = &req.need_weights;
    match req.need {
        Need::Coverage => 0.0,
        Need::Seats => o.seats_relieved,
        Need::Crowding => o.large_removed as f64,
        Need::Mix => {
            w.seats * o.seats_relieved + w.crowding.unwrap_or(class_size) * o.large_removed as f64
        }
    }
}

/// Orders options best first (see the module docs).
fn compare(
    a: &ExpansionOption,
    b: &ExpansionOption,
    req: &ProposalRequest,
    class_size: f64,
    map: &Map,
) -> Ordering {
    let (va, vb) = (value(a, req, class_size), value(b, req, class_size));
    let by_seats = b.seats_relieved.total_cmp(&a.seats_relieved);
    let by_crowd = b.large_removed.cmp(&a.large_removed);
    let primary = match req.need {
        Need::Crowding => by_crowd.then(by_seats),
        _ => vb.total_cmp(&va).then(by_seats).then(by_crowd),
    };
    primary
        .then(b.seats_short.total_cmp(&a.seats_short))
        .then(b.large_before.cmp(&a.large_before))
        .then(map.schools[a.school].id.cmp(&map.schools[b.school].id))
}

/// The levels a school of `level` serves (a nine-year school: primary and junior).
pub(crate) fn served_levels(level: Level) -> Vec<Level> {
    if level == Level::NineYear {
        vec![Level::Primary, Level::Junior]
    } else {
        vec![level]
    }
}

/// Every expansion option of `req` with its need, measured on `map` and `coverage`.
pub fn options(
    map: &Map,
    scenario: &Scenario,
    coverage: &Coverage,
    req: &ProposalRequest,
) -> Vec<ExpansionOption> {
    let class_size = scenario
        .level(req.service_level())
        .map_or(45.0, |l| l.class_size);
    let added = req.expansion_classes.unwrap_or(6);
    let seats_added = added as f64 * class_size;
    let from = req.large_class_from.unwrap_or(LARGE_CLASS);
    let mut out = Vec::new();
    for (j, s) in map.schools.iter().enumerate() {
        if s.level != req.level || s.status != Status::Existing {
            continue;
        }
        let (county, township) = map.school_areas.get(j).copied().unwrap_or((None, None));
        if !super::instance::in_areas(map, &req.areas, county, township) {
            continue;
        }
        let (mut short, mut relieved, mut served, mut over) = (0.0, 0.0, 0.0, 0.0);
        for l in served_levels(s.level) {
            let Some(lc) = coverage.level(l) else {
                continue;
            };
            let share = if s.level == Level::NineYear {
                l.years() as f64 / Level::NineYear.years() as f64
            } else {
                1.0
            };
            let sh = need::seats_short(lc, j).unwrap_or(0.0);
            let sh = if sh < MIN_NEED { 0.0 } else { sh };
            short += sh;
            relieved += sh.min(seats_added * share);
            let load = lc.school_load(j);
            served += load.zone_pupils.unwrap_or(load.nearest_demand);
            over += load.over_capacity.unwrap_or(0.0);
        }
        let sizes = s.class_sizes.clone().unwrap_or_default();
        let large_before = need::large_classes(&sizes, from);
        let large_after = need::large_classes(&need::level_classes(&sizes, added), from);
        out.push(ExpansionOption {
            school: j,
            seats_added,
            classes: added,
            cost: added as f64 * req.cost_per_class.unwrap_or(0.0),
            seats_short: short,
            seats_relieved: relieved,
            large_before,
            large_removed: large_before.saturating_sub(large_after),
            served,
            over_capacity: over,
        });
    }
    out
}

/// The chosen expansions, best first, and notes.
pub struct Chosen {
    /// Ranked expansions (ranks from 1; the caller renumbers after the new sites).
    pub sites: Vec<ProposedSite>,
    /// Σ value of the chosen options.
    pub value: f64,
    /// Σ value of the best `expansions` options ignoring the budget: a bound on `value`.
    pub bound: f64,
    /// Whether the choice is provably the best (no budget, or every option fitted).
    pub exact: bool,
    /// Options measured.
    pub options: usize,
    /// Notes for the report.
    pub notes: Vec<String>,
}

/// Chooses the expansions of `req` (see the module docs); `budget_left` is what the request's
/// budget leaves after its new sites (`None`: no budget).
pub fn choose(
    map: &Map,
    scenario: &Scenario,
    coverage: &Coverage,
    req: &ProposalRequest,
    budget_left: Option<f64>,
) -> Chosen {
    let class_size = scenario
        .level(req.service_level())
        .map_or(45.0, |l| l.class_size);
    let mut opts = options(map, scenario, coverage, req);
    let measured = opts.len();
    // A need under one pupil is rounding, not a need.
    opts.retain(|o| o.seats_relieved >= MIN_NEED || o.large_removed > 0);
    opts.sort_by(|a, b| compare(a, b, req, class_size, map));
    let mut notes = Vec::new();
    let with_need = opts.len();
    let bound = opts
        .iter()
        .take(req.expansions)
        .map(|o| value(o, req, class_size))
        .sum();
    let mut left = budget_left;
    let mut chosen: Vec<ExpansionOption> = Vec::new();
    let mut exact = true;
    for o in opts {
        if chosen.len() == req.expansions {
            break;
        }
        if let Some(b) = left.as_mut() {
            if o.cost > *b + 1e-9 {
                exact = false;
                continue;
            }
            *b -= o.cost;
        }
        chosen.push(o);
    }
    if chosen.len() < req.expansions {
        notes.push(format!(
            "expansions: {} of {} requested — only {with_need} of the {measured} {} schools in the areas have a measured need (seats short in their catchment or classes of {}+ pupils){}",
            chosen.len(),
            req.expansions,
            req.level,
            req.large_class_from.unwrap_or(LARGE_CLASS),
            if budget_left.is_some() { " within the budget" } else { "" }
        ));
    }
    notes.push(format!(
        "expansions chosen by need ({}) after the new sites are placed: {measured} schools measured, {with_need} with a need",
        match req.need {
            Need::Coverage => "coverage",
            Need::Seats => "seats",
            Need::Crowding => "crowding",
            Need::Mix => "mix",
        }
    ));
    let value_sum = chosen.iter().map(|o| value(o, req, class_size)).sum();
    let sites = chosen
        .into_iter()
        .enumerate()
        .map(|(k, o)| {
            let s = &map.schools[o.school];
            let (county, township) = map
                .school_areas
                .get(o.school)
                .copied()
                .unwrap_or((None, None));
            ProposedSite {
                rank: k + 1,
                id: s.id.clone(),
                name: s.name.clone(),
                kind: ProjectKind::Expansion,
                lon: s.lonlat.x,
                lat: s.lonlat.y,
                county_code: county.map(|c| map.counties[c].code.clone()),
                township_code: township.map(|t| map.townships[t].code.clone()),
                township_name: township.map(|t| map.townships[t].name.clone()),
                demand_newly_covered: 0.0,
                demand_reached: 0.0,
                served: o.served,
                seats_added: o.seats_added,
                classes: o.classes,
                cost: o.cost,
                over_capacity_before: o.over_capacity,
                seats_short_before: o.seats_short,
                large_classes_before: o.large_before,
                gap_closed: GapClosed {
                    pupils_newly_covered: 0.0,
                    seats_short_relieved: o.seats_relieved,
                    large_classes_removed: o.large_removed,
                },
                uncovered_share_closed: 0.0,
                low_demand: false,
            }
        })
        .collect();
    Chosen {
        sites,
        value: value_sum,
        bound,
        exact,
        options: measured,
        notes,
    }
}
