//! Per-setting standards in the coverage of a level: boarding reach and attendance zones.

use crate::config::{CostUnit, DistanceMode, Scenario, Setting, SettingStandard};
use crate::model::matrix::CostMatrix;
use crate::model::{Level, Map};
use crate::spatial::index::PointIndex;
use crate::zones::{self, LevelZones, ZoneCosts, ZoneInput};

use super::{reach, LevelCoverage};

/// Per cell: beyond its day radius but within the boarding reach of its setting (straight
/// line, metres, inclusive) of an open boarding school (`boarding = true`) of the level.
pub(super) fn boarding_cover(
    map: &Map,
    level: Level,
    standards: &[SettingStandard; 2],
    settings: &[Setting],
    cost: &[f64],
    radius: &[f64],
) -> Vec<bool> {
    let n = settings.len();
    if standards.iter().all(|s| s.boarding_radius_m.is_none()) {
        return vec![false; n];
    }
    let boarding: Vec<([f64; 2], usize)> = map
        .schools
        .iter()
        .enumerate()
        .filter(|(_, s)| s.serves(level) && s.boarding == Some(true))
        .map(|(j, s)| ([s.pos.x, s.pos.y], j))
        .collect();
    if boarding.is_empty() {
        return vec![false; n];
    }
    let index = PointIndex::from_items(boarding);
    (0..n)
        .map(|i| {
            let Some(reach) = standards[settings[i].index()].boarding_radius_m else {
                return false;
            };
            if cost[i] <= radius[i] {
                return false;
            }
            let p = map.demand.cells[i].pos;
            index.nearest([p.x, p.y]).is_some_and(|(_, d)| d <= reach)
        })
        .collect()
}

/// Every listed `(school, cost)` of each cell in the cost matrix, for the schools serving the
/// level (zones need costs beyond the coverage cutoff).
pub(super) fn full_matrix_lists(map: &Map, level: Level, m: &CostMatrix) -> Vec<Vec<(usize, f64)>> {
    let ids: Vec<&str> = map.demand.cells.iter().map(|c| c.id.as_str()).collect();
    let sids: Vec<Option<&str>> = map
        .schools
        .iter()
        .map(|s| s.serves(level).then_some(s.id.as_str()))
        .collect();
    m.lists_for(&ids, &sids).0
}

/// The attendance zones of a measured level (see [`crate::zones`]): its demand, its serving
/// schools and their seats, costs in the scenario's unit. `full` holds every cell's complete
/// cost list in network and matrix modes.
pub(super) fn zones(
    map: &Map,
    scenario: &Scenario,
    lc: &LevelCoverage,
    full: Option<&[Vec<(usize, f64)>]>,
) -> LevelZones {
    let cells: Vec<[f64; 2]> = map
        .demand
        .cells
        .iter()
        .map(|c| [c.pos.x, c.pos.y])
        .collect();
    let cell_county: Vec<Option<usize>> = map.demand.cells.iter().map(|c| c.county).collect();
    let populated: Vec<bool> = map
        .demand
        .cells
        .iter()
        .map(|c| c.pop_total.is_some_and(|p| p > 0.0) || c.cohort_pop.iter().any(|&p| p > 0.0))
        .collect();
    let schools: Vec<[f64; 2]> = map.schools.iter().map(|s| [s.pos.x, s.pos.y]).collect();
    let serving: Vec<bool> = map.schools.iter().map(|s| s.serves(lc.level)).collect();
    let school_county: Vec<Option<usize>> = (0..map.schools.len())
        .map(|j| map.school_areas.get(j).and_then(|a| a.0))
        .collect();
    let d = &scenario.distance;
    let costs = match (full, d.mode) {
        (Some(l), DistanceMode::Network | DistanceMode::Matrix) => ZoneCosts::Lists(l),
        _ => ZoneCosts::Straight {
            metres_per_unit: reach::metres_per_unit(d.unit, d.walk_speed_kmh),
        },
    };
    zones::assign(&ZoneInput {
        cells: &cells,
        cell_county: &cell_county,
        demand: &lc.demand,
        populated: &populated,
        schools: &schools,
        serving: &serving,
        school_county: &school_county,
        seats: &lc.school_seats,
        counties: map.counties.len(),
        costs,
        cost_resolution: match d.unit {
            CostUnit::M => 100.0,
            CostUnit::Min => 1000.0,
        },
        k: 16,
        multiscale_from: zones::MULTISCALE_FROM,
    })
}
