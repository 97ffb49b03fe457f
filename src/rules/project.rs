//! Build projects (新建 / 改扩建) for `build_programme` rules, and the gap each one closes.

use serde::Serialize;

use crate::config::{DistanceMode, Scenario};
use crate::coverage::{Coverage, LevelCoverage};
use crate::model::{Level, Map, School};

pub use crate::model::ProjectKind;

/// One build project: from the scenario (see [`map_projects`]) or from the optimiser.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    /// Id (the school's id for the scenario's own projects; the proposal's id otherwise).
    pub id: String,
    /// Level of the school built or expanded.
    pub level: Level,
    /// New build or expansion.
    pub kind: ProjectKind,
    /// Index (into `Map::counties`) of the county the project lies in; `None` when unknown.
    pub county: Option<usize>,
    /// Demand newly within the service radius thanks to the project (pupils), when measured.
    /// The optimiser fills it for its proposals; [`map_projects`] measures it for new schools
    /// with straight-line distances.
    pub newly_covered: Option<f64>,
    /// Seats the project adds, when known.
    pub seats_added: Option<f64>,
}

/// The gap a project closes, as reported on `build_programme` findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectGap {
    /// Project id.
    pub id: String,
    /// Level.
    pub level: Level,
    /// New build or expansion.
    pub kind: ProjectKind,
    /// Demand newly within the service radius (pupils), when measured.
    pub newly_covered: Option<f64>,
    /// Seats added, when known.
    pub seats_added: Option<f64>,
}

impl From<&Project> for ProjectGap {
    fn from(p: &Project) -> Self {
        ProjectGap {
            id: p.id.clone(),
            level: p.level,
            kind: p.kind,
            newly_covered: p.newly_covered,
            seats_added: p.seats_added,
        }
    }
}

/// The scenario's own projects: every school with `status = "planned"` is a new build, every
/// open school with `added_classes > 0` an expansion (a planned school is only a new build).
///
/// Gaps measured here:
/// - `newly_covered` (new builds, straight-line distance mode only): the demand of the cells
///   whose nearest school is the project, that are covered, and that no other open school of
///   the level reaches within the radius. Under network or matrix distance it is left `None`
///   (the caller, who can re-run coverage without the project, may fill it).
/// - `seats_added`: new builds, their seats (`capacity_seats`, or classes × the level's class
///   size); expansions, `added_classes` × the level's class size.
pub fn map_projects(map: &Map, scenario: &Scenario, coverage: &Coverage) -> Vec<Project> {
    let mut out = Vec::new();
    for (i, s) in map.schools.iter().enumerate() {
        let county = map.school_areas.get(i).and_then(|a| a.0);
        let class_size = class_size_of(scenario, s.level);
        let project = if s.status == crate::model::Status::Planned {
            Project {
                id: s.id.clone(),
                level: s.level,
                kind: ProjectKind::New,
                county,
                newly_covered: newly_covered(map, coverage, i),
                seats_added: s
                    .capacity_seats
                    .or_else(|| Some(s.classes? as f64 * class_size?)),
            }
        } else if s.is_open() && s.added_classes.is_some_and(|c| c > 0) {
            Project {
                id: s.id.clone(),
                level: s.level,
                kind: ProjectKind::Expansion,
                county,
                newly_covered: None,
                seats_added: s.added_classes.zip(class_size).map(|(c, k)| c as f64 * k),
            }
        } else {
            continue;
        };
        out.push(project);
    }
    out
}

/// Class-size standard of a school level (a nine-year school: the primary one).
fn class_size_of(scenario: &Scenario, level: Level) -> Option<f64> {
    let service = if level == Level::NineYear {
        Level::Primary
    } else {
        level
    };
    scenario.level(service).map(|l| l.class_size)
}

fn newly_covered(map: &Map, coverage: &Coverage, school: usize) -> Option<f64> {
    if coverage.mode != DistanceMode::Straight {
        return None;
    }
    let s = &map.schools[school];
    let levels: Vec<&LevelCoverage> = coverage
        .levels
        .iter()
        .filter(|lc| s.level.serves(lc.level))
        .collect();
    if levels.is_empty() {
        return None;
    }
    let mut total = 0.0;
    for lc in levels {
        let others: Vec<&School> = map
            .schools
            .iter()
            .enumerate()
            .filter(|&(j, o)| j != school && o.serves(lc.level))
            .map(|(_, o)| o)
            .collect();
        for (c, cell) in map.demand.cells.iter().enumerate() {
            if lc.nearest.get(c) != Some(&Some(school))
                || !lc.covered.get(c).copied().unwrap_or(false)
            {
                continue;
            }
            let reached_otherwise = others
                .iter()
                .any(|o| (o.pos.x - cell.pos.x).hypot(o.pos.y - cell.pos.y) <= lc.radius);
            if !reached_otherwise {
                total += lc.demand.get(c).copied().unwrap_or(0.0);
            }
        }
    }
    Some(total)
}
