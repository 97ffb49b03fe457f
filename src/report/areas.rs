//! Statistics per county and township: population per cohort, coverage per level, seats,
//! allocated demand, failing findings.
//!
//! A cell belongs to the county and township its centroid lies in (`DemandCell::county`,
//! `township`); a school to those of its position (`Map::school_areas`). Seats of an area are the
//! seats of the open schools inside it serving the level; `allocated` is the demand of its cells
//! allocated to a school (wherever the school is) — the same definitions as
//! [`crate::coverage::AreaTally`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{FindingStatus, RunBundle};
use crate::model::{AreaKind, Level};

/// One level in one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaLevel {
    /// The level.
    pub level: Level,
    /// Demand of the level (cohort × enrolment rate × factor) in the area's cells, pupils.
    pub demand: f64,
    /// Demand of covered cells, pupils.
    pub covered: f64,
    /// covered ÷ demand; `None` when the area has no demand.
    pub coverage: Option<f64>,
    /// Seats of the open schools in the area serving the level (schools with unknown seats count
    /// 0 and are counted in `schools_without_seats`).
    pub seats: f64,
    /// Demand of the area's cells allocated to a school (wherever the school is), pupils.
    pub allocated: f64,
    /// Demand of the area's cells with no reachable school at all, pupils.
    pub unreachable: f64,
    /// Open schools in the area serving the level.
    pub schools: u32,
    /// Of those, schools whose seats are unknown.
    pub schools_without_seats: u32,
}

/// Statistics of one county or township.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaStat {
    /// Official code.
    pub code: String,
    /// Name.
    pub name: String,
    /// `county`, `street`, `town` or `township`.
    pub kind: AreaKind,
    /// For a township, the code of its county.
    pub county: Option<String>,
    /// Residents per cohort field (`pop_3_5` …), summed over the area's cells.
    pub population: BTreeMap<String, f64>,
    /// Area in km² (from the polygon in local metres).
    pub area_km2: f64,
    /// One entry per measured level, in the scenario's order.
    pub levels: Vec<AreaLevel>,
    /// Findings with status `fail` whose subject is this area.
    pub findings_failing: u32,
}

/// Statistics of every county, then every township, each sorted by code.
pub fn area_stats(b: &RunBundle) -> Vec<AreaStat> {
    let map = b.map;
    let mut out = Vec::new();
    for (is_township, list) in [(false, &map.counties), (true, &map.townships)] {
        // One pass over cells and schools: their indices per area.
        let pick = |county: Option<usize>, township: Option<usize>| {
            if is_township {
                township
            } else {
                county
            }
        };
        let mut cells_of: Vec<Vec<usize>> = vec![Vec::new(); list.len()];
        for (i, c) in map.demand.cells.iter().enumerate() {
            if let Some(v) = pick(c.county, c.township).and_then(|a| cells_of.get_mut(a)) {
                v.push(i);
            }
        }
        let mut schools_of: Vec<Vec<usize>> = vec![Vec::new(); list.len()];
        for j in 0..map.schools.len() {
            let (c, t) = map.school_areas.get(j).copied().unwrap_or((None, None));
            if let Some(v) = pick(c, t).and_then(|a| schools_of.get_mut(a)) {
                v.push(j);
            }
        }
        let mut stats: Vec<AreaStat> = list
            .iter()
            .enumerate()
            .map(|(ai, area)| {
                let cells = &cells_of[ai];
                let schools = &schools_of[ai];
                let population = map
                    .demand
                    .cohorts
                    .iter()
                    .enumerate()
                    .map(|(k, name)| {
                        let sum = cells
                            .iter()
                            .map(|&i| {
                                map.demand.cells[i]
                                    .cohort_pop
                                    .get(k)
                                    .copied()
                                    .unwrap_or(0.0)
                            })
                            .sum();
                        (name.clone(), sum)
                    })
                    .collect();
                let levels = b
                    .coverage
                    .levels
                    .iter()
                    .map(|lc| {
                        let demand: f64 = cells.iter().map(|&i| lc.demand[i]).sum();
                        let covered: f64 = cells
                            .iter()
                            .filter(|&&i| lc.covered[i])
                            .map(|&i| lc.demand[i])
                            .sum();
                        let serving: Vec<usize> = schools
                            .iter()
                            .copied()
                            .filter(|&j| map.schools[j].serves(lc.level))
                            .collect();
                        AreaLevel {
                            level: lc.level,
                            demand,
                            covered,
                            coverage: (demand > 0.0).then(|| covered / demand),
                            seats: serving.iter().filter_map(|&j| lc.school_seats[j]).sum(),
                            allocated: cells
                                .iter()
                                .filter(|&&i| lc.allocated[i].is_some())
                                .map(|&i| lc.demand[i])
                                .sum(),
                            unreachable: cells
                                .iter()
                                .filter(|&&i| !lc.cost[i].is_finite())
                                .map(|&i| lc.demand[i])
                                .sum(),
                            schools: serving.len() as u32,
                            schools_without_seats: serving
                                .iter()
                                .filter(|&&j| lc.school_seats[j].is_none())
                                .count() as u32,
                        }
                    })
                    .collect();
                let findings_failing = b
                    .findings
                    .iter()
                    .filter(|f| f.status == FindingStatus::Fail && f.area == area.code)
                    .count() as u32;
                AreaStat {
                    code: area.code.clone(),
                    name: area.name.clone(),
                    kind: area.kind,
                    county: area
                        .county
                        .filter(|_| is_township)
                        .and_then(|c| map.counties.get(c))
                        .map(|c| c.code.clone()),
                    population,
                    area_km2: geo::Area::unsigned_area(&area.shape_m) / 1e6,
                    levels,
                    findings_failing,
                }
            })
            .collect();
        stats.sort_by(|a, b| a.code.cmp(&b.code));
        out.extend(stats);
    }
    out
}
