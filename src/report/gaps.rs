//! Gap areas as the report shows them, and capacity gaps.
//!
//! **Coverage gaps** are computed by [`crate::coverage::gaps`] (which cells, how they are grouped
//! into gaps a school could close, the nearest school with spare seats, the best site, the
//! ranking, the scattered lines — see there). This module only joins them to what the report
//! knows and draws:
//!
//! - **geometry**: for polygon cells the union of the gap's cell polygons (`geo::unary_union`, a
//!   MultiPolygon, rounded to the output grid), for point cells the MultiPoint of their
//!   centroids;
//! - **findings** a gap causes: failing findings of a rule about its level (the rule's `level`,
//!   `filter.levels`, `base.levels` or `require[].level`; a nine-year level counts for primary
//!   and junior): a finding whose evidence lists cells when it lists one of the gap's (R1 lists
//!   the rural cells beyond walking reach); otherwise, for a rule of a provision kind
//!   (`min_count`, `min_seats`, `min_coverage`, `boarding_reach`, `build_programme`), when its
//!   subject is the gap's township, its county or an area set holding one of them (K1, K4, P1);
//! - **proposals** near it: the proposals of a level serving the gap's whose site lies within a
//!   gap cell's radius by straight line (for a built plan these are the new or expanded schools
//!   that reach it but are full);
//! - **what a plan closes** ([`closures`]): the gaps of a *before* state (the run before its
//!   proposals were built, or scenario A of `compare`) matched cell by cell (ids) with an
//!   *after* state: **closed** when none of its cells is a gap cell after, **left** when all
//!   are, **shrunk** otherwise; its children after are the after-demand of the cells still in a
//!   gap, and the proposals closing it are those whose school (the new school, or the expanded
//!   one) the after-allocation seats its closed cells in.
//!
//! **Capacity gaps** are townships (or counties when no township layer is loaded) whose demand
//! of a level exceeds the seats of the schools inside them serving that level.

use std::collections::{BTreeMap, BTreeSet};

use geo::orient::{Direction, Orient};
use geo::{Coord, MapCoords, MultiPolygon, Polygon};
use serde::{Deserialize, Serialize};

use super::areas::AreaStat;
use super::numbers::round_coord;
use super::{FindingStatus, ProposalRow, RunBundle};
use crate::config::Setting;
use crate::coverage::gaps::{self as cg, Gap, GapKind, GapOptions, NoSite, SiteKind};
use crate::coverage::{Coverage, LevelCoverage};
use crate::error::Result;
use crate::model::{AreaKind, Level, Map, ProjectKind};

/// Geometry of a gap area.
#[derive(Debug, Clone, PartialEq)]
pub enum GapShape {
    /// Union of polygon cells: in local metres and in WGS 84 degrees.
    Polygons {
        /// Metres.
        shape_m: MultiPolygon<f64>,
        /// Degrees.
        shape_lonlat: MultiPolygon<f64>,
    },
    /// Point cells: centroids in metres and in degrees.
    Points {
        /// Metres.
        points_m: Vec<Coord<f64>>,
        /// Degrees.
        points_lonlat: Vec<Coord<f64>>,
    },
}

/// The best site of a gap, as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRow {
    /// Candidate, expansion or cell.
    pub kind: SiteKind,
    /// Candidate id, school id, or `cell:<id>`.
    pub id: String,
    /// Name of the candidate or school (may be empty).
    pub name: String,
    /// Position, local metres.
    pub pos: Coord<f64>,
    /// Position, WGS 84.
    pub lonlat: Coord<f64>,
    /// Children of the gap it reaches, pupils.
    pub children: f64,
    /// Cells of the gap it reaches.
    pub cells: usize,
    /// Cost (the candidate's), when known.
    pub cost: Option<f64>,
}

/// One gap (or scattered line) of one level, as the report shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct GapArea {
    /// `<level>-<rank>` or `<level>-scattered-<code>-<kind>`.
    pub id: String,
    /// The level.
    pub level: Level,
    /// Rank within the level by children, 1 = most (scattered lines after the gaps).
    pub rank: u32,
    /// Small gaps of a township folded into one line.
    pub scattered: bool,
    /// Distance or seats.
    pub kind: GapKind,
    /// Urban or rural (`None`: a scattered line mixing both).
    pub setting: Option<Setting>,
    /// The cohort field the population comes from (e.g. `pop_6_11`).
    pub cohort: String,
    /// Residents of the cohort in the gap.
    pub population: f64,
    /// Children of the level in the gap (demand), pupils.
    pub demand: f64,
    /// Ids of the cells, sorted.
    pub cells: Vec<String>,
    /// Area in km².
    pub area_km2: f64,
    /// County code.
    pub county: Option<String>,
    /// County name.
    pub county_name: Option<String>,
    /// Township code.
    pub township: Option<String>,
    /// Township name.
    pub township_name: Option<String>,
    /// The centre cell's id (a school there reaches every cell; `None` for scattered lines).
    pub centre: Option<String>,
    /// The centre cell's centroid, WGS 84.
    pub centre_lonlat: Option<Coord<f64>>,
    /// Radius the gap was formed with (scenario unit).
    pub radius: f64,
    /// Farthest cell centroid from the centre's, metres.
    pub spread_m: f64,
    /// Nearest open school of the level **with spare seats**.
    pub nearest_school: Option<String>,
    /// Cost to it (scenario unit), least over the gap's cells.
    pub nearest_cost: Option<f64>,
    /// Its spare seats (`None`: unknown seats).
    pub nearest_spare_seats: Option<f64>,
    /// Nearest open school of the level, with or without seats.
    pub any_school: Option<String>,
    /// Cost to it.
    pub any_cost: Option<f64>,
    /// Seats gaps: the full school in reach of the centre.
    pub full_school: Option<String>,
    /// Seats needed (children rounded up).
    pub seats_needed: f64,
    /// Classes needed.
    pub classes_needed: u32,
    /// The best site.
    pub site: Option<SiteRow>,
    /// Why there is no site.
    pub no_site: Option<NoSite>,
    /// Rule ids of the failing findings it is linked to (sorted).
    pub findings: Vec<String>,
    /// Ids of the proposals sited within its reach (sorted).
    pub proposals: Vec<String>,
    /// Geometry.
    pub shape: GapShape,
}

/// A township (or county) whose demand exceeds its seats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityGap {
    /// The level.
    pub level: Level,
    /// Area code.
    pub code: String,
    /// Area name.
    pub name: String,
    /// Area kind.
    pub kind: AreaKind,
    /// Demand of the level in the area, pupils.
    pub demand: f64,
    /// Seats of the open schools inside the area serving the level.
    pub seats: f64,
    /// demand − seats (> 0).
    pub shortfall: f64,
    /// Some schools of the area have unknown seats: the shortfall may be overstated.
    pub seats_incomplete: bool,
}

/// What became of one gap of a before state in an after state (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapClosure {
    /// The gap's id in the before state.
    pub id: String,
    /// The level.
    pub level: Level,
    /// A scattered line.
    pub scattered: bool,
    /// `distance` or `seats`.
    pub kind: String,
    /// County code.
    pub county: Option<String>,
    /// Township code.
    pub township: Option<String>,
    /// Township name (county name outside townships).
    pub township_name: Option<String>,
    /// Children before, pupils.
    pub children_before: f64,
    /// Children after of the cells still in a gap, pupils.
    pub children_after: f64,
    /// Cells before.
    pub cells_before: u32,
    /// Cells still in a gap after.
    pub cells_after: u32,
    /// `closed`, `shrunk` or `left`.
    pub status: String,
    /// Proposals whose schools seat its closed cells.
    pub proposals: Vec<String>,
}

/// Per level: how many gaps and children before and after, and what became of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapLevelChange {
    /// The level.
    pub level: Level,
    /// Listed gaps before (scattered lines not counted).
    pub gaps_before: u32,
    /// Listed gaps after.
    pub gaps_after: u32,
    /// Children in gap cells before (scattered included), pupils.
    pub children_before: f64,
    /// Children in gap cells after, pupils.
    pub children_after: f64,
    /// Gaps (listed and scattered lines) of the before state closed.
    pub closed: u32,
    /// … shrunk.
    pub shrunk: u32,
    /// … left as they were.
    pub left: u32,
    /// Children after in cells that were not gap cells before (new gaps), pupils.
    pub new_children: f64,
}

/// The gap areas of every measured level with their fixes and links, level by level in the
/// coverage's order, each level's by rank (see the module docs).
pub fn gap_areas(b: &RunBundle) -> Result<Vec<GapArea>> {
    let gaps = cg::compute(b.map, b.scenario, b.coverage)?;
    Ok(areas_of(b, &gaps))
}

/// The report's rows of computed gaps.
pub fn areas_of(b: &RunBundle, gaps: &[Gap]) -> Vec<GapArea> {
    let links = finding_links(b, &rule_meta(b));
    gaps.iter()
        .map(|g| {
            let lc = b.coverage.level(g.level);
            area_row(b, lc, g, &links)
        })
        .collect()
}

fn school_id(map: &Map, j: usize) -> Option<String> {
    map.schools.get(j).map(|s| s.id.clone())
}

fn area_row(b: &RunBundle, lc: Option<&LevelCoverage>, g: &Gap, links: &[FindingLink]) -> GapArea {
    let map = b.map;
    let cells = &map.demand.cells;
    let site = g.site.as_ref().map(|s| {
        let (name, pos, lonlat) = match s.kind {
            SiteKind::Candidate => {
                let c = &map.candidates[s.index];
                (c.name.clone(), c.pos, c.lonlat)
            }
            SiteKind::Expansion => {
                let c = &map.schools[s.index];
                (c.name.clone(), c.pos, c.lonlat)
            }
            SiteKind::Cell => (String::new(), cells[s.index].pos, cells[s.index].lonlat),
        };
        SiteRow {
            kind: s.kind,
            id: s.id.clone(),
            name,
            pos,
            lonlat,
            children: s.children,
            cells: s.cells,
            cost: s.cost,
        }
    });
    let county = g.county.map(|c| &map.counties[c]);
    let township = g.township.map(|t| &map.townships[t]);
    let cohort = b
        .scenario
        .level(g.level)
        .map(|c| c.cohort_field.clone())
        .unwrap_or_default();
    let mut row = GapArea {
        id: g.id.clone(),
        level: g.level,
        rank: g.rank,
        scattered: g.scattered,
        kind: g.kind,
        setting: g.setting,
        cohort,
        population: g.population,
        demand: g.children,
        cells: g.cells.iter().map(|&i| cells[i].id.clone()).collect(),
        area_km2: g.area_km2,
        county: county.map(|a| a.code.clone()),
        county_name: county.map(|a| a.name.clone()),
        township: township.map(|a| a.code.clone()),
        township_name: township.map(|a| a.name.clone()),
        centre: g.centre.map(|i| cells[i].id.clone()),
        centre_lonlat: g.centre.map(|i| cells[i].lonlat),
        radius: g.radius,
        spread_m: g.spread_m,
        nearest_school: g.nearest_spare.and_then(|x| school_id(map, x.0)),
        nearest_cost: g.nearest_spare.map(|x| x.1),
        nearest_spare_seats: g.nearest_spare_seats,
        any_school: g.nearest.and_then(|x| school_id(map, x.0)),
        any_cost: g.nearest.map(|x| x.1),
        full_school: g.full_school.and_then(|j| school_id(map, j)),
        seats_needed: g.seats_needed,
        classes_needed: g.classes_needed,
        site,
        no_site: g.no_site,
        findings: Vec::new(),
        proposals: Vec::new(),
        shape: shape_of(map, &g.cells),
    };
    row.findings = linked_findings(&row, links);
    row.proposals = lc.map_or_else(Vec::new, |lc| nearby_proposals(b, lc, g));
    row
}

/// What the report needs of a rule: its kind and the levels it is about.
#[derive(Debug, Clone, Default)]
struct RuleMeta {
    kind: String,
    levels: Vec<Level>,
}

/// Rule kinds whose failure a coverage gap can cause.
const PROVISION_KINDS: [&str; 5] = [
    "min_count",
    "min_seats",
    "min_coverage",
    "boarding_reach",
    "build_programme",
];

fn rule_meta(b: &RunBundle) -> BTreeMap<String, RuleMeta> {
    let level_of = |v: &toml::Value| v.as_str().and_then(|s| s.parse::<Level>().ok());
    let levels_in = |v: Option<&toml::Value>| -> Vec<Level> {
        v.and_then(|v| v.get("levels"))
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(level_of).collect())
            .unwrap_or_default()
    };
    let mut out = BTreeMap::new();
    for r in &b.scenario.rules {
        let t = &r.table;
        let Some(id) = t.get("id").and_then(|v| v.as_str()) else {
            continue;
        };
        let mut levels: Vec<Level> = t.get("level").and_then(level_of).into_iter().collect();
        levels.extend(levels_in(t.get("filter")));
        levels.extend(levels_in(t.get("base")));
        if let Some(req) = t.get("require").and_then(|v| v.as_array()) {
            levels.extend(req.iter().filter_map(|x| x.get("level").and_then(level_of)));
        }
        out.insert(
            id.to_string(),
            RuleMeta {
                kind: t
                    .get("kind")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string(),
                levels,
            },
        );
    }
    out
}

/// A failing finding, as the gap links need it.
struct FindingLink {
    id: String,
    /// The rule's levels (empty: unknown).
    levels: Vec<Level>,
    /// A rule of a provision kind.
    provision: bool,
    /// Cells among its evidence (empty: it lists none).
    cells: BTreeSet<String>,
    /// Area codes of its subject.
    areas: Vec<String>,
}

fn finding_links(b: &RunBundle, rules: &BTreeMap<String, RuleMeta>) -> Vec<FindingLink> {
    let cell_ids: BTreeSet<&str> = b.map.demand.cells.iter().map(|c| c.id.as_str()).collect();
    b.findings
        .iter()
        .filter(|f| f.status == FindingStatus::Fail)
        .map(|f| {
            let meta = rules.get(&f.id).cloned().unwrap_or_default();
            FindingLink {
                id: f.id.clone(),
                levels: meta.levels,
                provision: PROVISION_KINDS.contains(&meta.kind.as_str()),
                cells: f
                    .evidence
                    .iter()
                    .filter(|e| cell_ids.contains(e.as_str()))
                    .cloned()
                    .collect(),
                areas: f.area.split('+').map(str::to_string).collect(),
            }
        })
        .collect()
}

fn linked_findings(g: &GapArea, links: &[FindingLink]) -> Vec<String> {
    let codes: Vec<&str> = [g.township.as_deref(), g.county.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let mut out = BTreeSet::new();
    for f in links {
        let about_level = f.levels.is_empty() || f.levels.iter().any(|l| l.serves(g.level));
        // A finding listing cells is linked by them; one about an area by the area.
        let linked = if f.cells.is_empty() {
            f.provision
                && !f.levels.is_empty()
                && about_level
                && f.areas.iter().any(|a| codes.contains(&a.as_str()))
        } else {
            about_level && g.cells.iter().any(|c| f.cells.contains(c))
        };
        if linked {
            out.insert(f.id.clone());
        }
    }
    out.into_iter().collect()
}

/// Proposals of a level serving the gap's, sited within a gap cell's radius (straight line).
fn nearby_proposals(b: &RunBundle, lc: &LevelCoverage, g: &Gap) -> Vec<String> {
    let mpu = crate::coverage::reach::metres_per_unit(
        b.scenario.distance.unit,
        b.scenario.distance.walk_speed_kmh,
    );
    let cells = &b.map.demand.cells;
    let mut out: Vec<String> = b
        .proposals
        .iter()
        .filter(|p| p.level.serves(g.level))
        .filter(|p| {
            let Some((x, y)) = b.map.projection.to_local(p.lonlat.x, p.lonlat.y) else {
                return false;
            };
            g.cells.iter().any(|&i| {
                let c = cells[i].pos;
                ((c.x - x).powi(2) + (c.y - y).powi(2)).sqrt() <= lc.radius_at(i) * mpu
            })
        })
        .map(|p| p.id.clone())
        .collect();
    out.sort();
    out
}

/// Rounds a union to the output grid and unions its parts again, twice: parts that were a
/// hair apart (cells whose shared edges do not match exactly) overlap once rounded, and the
/// second union merges them, so the rounded output stays valid.
fn snap_union(mut mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    for _ in 0..2 {
        let parts: Vec<Polygon<f64>> =
            mp.0.iter()
                .map(|p| {
                    p.map_coords(|c| Coord {
                        x: round_coord(c.x),
                        y: round_coord(c.y),
                    })
                })
                .collect();
        mp = geo::unary_union(&parts);
    }
    mp.orient(Direction::Default)
}

/// The geometry of a set of cells: the union of their polygons, or their centroids when any
/// of them is a point cell.
fn shape_of(map: &Map, g: &[usize]) -> GapShape {
    let cells = &map.demand.cells;
    if g.iter().any(|&i| cells[i].shape_m.is_none()) {
        return GapShape::Points {
            points_m: g.iter().map(|&i| cells[i].pos).collect(),
            points_lonlat: g.iter().map(|&i| cells[i].lonlat).collect(),
        };
    }
    let polys: Vec<Polygon<f64>> = g
        .iter()
        .filter_map(|&i| cells[i].shape_m.as_ref())
        .flat_map(|mp| mp.0.iter())
        .map(|p| p.orient(Direction::Default))
        .collect();
    let shape_m = geo::unary_union(&polys).orient(Direction::Default);
    // The output geometry is the union of the cells' own WGS 84 polygons, so shared vertices
    // stay identical (a round trip through the projection moves them by ~1e-12° and can make
    // a valid union invalid); snapped to the output grid (1e-7°) first, so rounding the union
    // on output cannot fold a sliver into an invalid ring.
    let polys_lonlat: Vec<Polygon<f64>> = g
        .iter()
        .filter_map(|&i| cells[i].shape_lonlat.as_ref())
        .flat_map(|mp| mp.0.iter())
        .map(|p| {
            p.map_coords(|c| Coord {
                x: round_coord(c.x),
                y: round_coord(c.y),
            })
            .orient(Direction::Default)
        })
        .collect();
    let shape_lonlat = snap_union(geo::unary_union(&polys_lonlat));
    GapShape::Polygons {
        shape_m,
        shape_lonlat,
    }
}

/// The school a proposal row builds or expands, by id: a new site becomes
/// `<request id>:<site id>` (see [`crate::propose::apply::new_school_id`]).
fn proposal_schools(proposals: &[ProposalRow]) -> BTreeMap<String, String> {
    proposals
        .iter()
        .filter_map(|p| {
            let school = match p.kind {
                ProjectKind::Expansion => p.site_id.clone(),
                ProjectKind::New => {
                    let req = p.id.strip_suffix(&format!("-{}", p.rank))?;
                    crate::propose::apply::new_school_id(req, &p.site_id)
                }
            };
            Some((school, p.id.clone()))
        })
        .collect()
}

/// What became of the gaps `before` (computed on `map_a` with `cov_a`) in the after state `b`
/// (see the module docs), with the per-level totals.
pub fn closures(
    before: &[Gap],
    map_a: &Map,
    cov_a: &Coverage,
    b: &RunBundle,
) -> (Vec<GapClosure>, Vec<GapLevelChange>) {
    let schools = proposal_schools(b.proposals);
    let mut rows = Vec::new();
    let mut levels = Vec::new();
    for lb in &b.coverage.levels {
        let Some(la) = cov_a.level(lb.level) else {
            continue;
        };
        let kinds_b = cg::cell_kinds(lb);
        let kinds_a = cg::cell_kinds(la);
        let index_b: BTreeMap<&str, usize> = b
            .map
            .demand
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let mut change = GapLevelChange {
            level: lb.level,
            gaps_before: before
                .iter()
                .filter(|g| g.level == lb.level && !g.scattered)
                .count() as u32,
            gaps_after: 0,
            children_before: 0.0,
            children_after: 0.0,
            closed: 0,
            shrunk: 0,
            left: 0,
            new_children: 0.0,
        };
        for g in before.iter().filter(|g| g.level == lb.level) {
            let (mut after, mut n_after, mut props) = (0.0, 0u32, BTreeSet::new());
            for &i in &g.cells {
                let Some(&k) = index_b.get(map_a.demand.cells[i].id.as_str()) else {
                    continue;
                };
                if kinds_b[k].is_some() {
                    after += lb.demand[k];
                    n_after += 1;
                } else if let Some(p) = lb.allocated[k]
                    .or(lb.nearest[k].filter(|_| lb.covered[k]))
                    .and_then(|j| schools.get(&b.map.schools[j].id))
                {
                    props.insert(p.clone());
                }
            }
            let status = if n_after == 0 {
                change.closed += 1;
                "closed"
            } else if n_after as usize == g.cells.len() {
                change.left += 1;
                "left"
            } else {
                change.shrunk += 1;
                "shrunk"
            };
            change.children_before += g.children;
            rows.push(GapClosure {
                id: g.id.clone(),
                level: g.level,
                scattered: g.scattered,
                kind: g.kind.name().to_string(),
                county: g.county.map(|c| map_a.counties[c].code.clone()),
                township: g.township.map(|t| map_a.townships[t].code.clone()),
                township_name: g
                    .township
                    .map(|t| map_a.townships[t].name.clone())
                    .or_else(|| g.county.map(|c| map_a.counties[c].name.clone())),
                children_before: g.children,
                children_after: after + 0.0,
                cells_before: g.cells.len() as u32,
                cells_after: n_after,
                status: status.into(),
                proposals: props.into_iter().collect(),
            });
        }
        let was: BTreeSet<&str> = map_a
            .demand
            .cells
            .iter()
            .enumerate()
            .filter(|(i, _)| kinds_a[*i].is_some())
            .map(|(_, c)| c.id.as_str())
            .collect();
        for (k, c) in b.map.demand.cells.iter().enumerate() {
            if kinds_b[k].is_some() {
                change.children_after += lb.demand[k];
                if !was.contains(c.id.as_str()) {
                    change.new_children += lb.demand[k];
                }
            }
        }
        change.children_after += 0.0;
        change.new_children += 0.0;
        levels.push(change);
    }
    (rows, levels)
}

/// The gaps before the run's proposals were built and what the plan did to them, when the run
/// built any (`RunBundle::coverage_before`); the per-level totals count the listed gaps after
/// from `after`.
pub fn plan_closures(
    b: &RunBundle,
    after: &[GapArea],
) -> Result<Option<(Vec<GapClosure>, Vec<GapLevelChange>)>> {
    let Some(before) = b.coverage_before else {
        return Ok(None);
    };
    let gaps = cg::compute_with(
        b.map,
        b.scenario,
        before,
        GapOptions {
            scattered_below: b.scenario.gaps.scattered_below,
            sites: false,
        },
    )?;
    let (rows, mut levels) = closures(&gaps, b.map, before, b);
    count_after(&mut levels, after);
    Ok(Some((rows, levels)))
}

/// `proposals` with `gap_id` set (where not set already) to the gap of `closures` whose
/// children fall most among those the proposal closes or shrinks (ties: the lower id).
pub fn with_gap_closed(proposals: &[ProposalRow], closures: &[GapClosure]) -> Vec<ProposalRow> {
    proposals
        .iter()
        .map(|p| {
            let mut p = p.clone();
            if p.gap_id.is_none() {
                p.gap_id = closures
                    .iter()
                    .filter(|c| c.proposals.contains(&p.id))
                    .max_by(|a, b| {
                        (a.children_before - a.children_after)
                            .total_cmp(&(b.children_before - b.children_after))
                            .then_with(|| b.id.cmp(&a.id))
                    })
                    .map(|c| c.id.clone());
            }
            p
        })
        .collect()
}

/// Sets `gaps_after` of each level from the after state's gap areas.
pub fn count_after(levels: &mut [GapLevelChange], after: &[GapArea]) {
    for l in levels {
        l.gaps_after = after
            .iter()
            .filter(|g| g.level == l.level && !g.scattered)
            .count() as u32;
    }
}

/// Townships (or counties when there are no townships) whose demand of a level exceeds their
/// seats, by level then by shortfall, largest first.
pub fn capacity_gaps(b: &RunBundle, stats: &[AreaStat]) -> Vec<CapacityGap> {
    let want_township = !b.map.townships.is_empty();
    let mut out = Vec::new();
    for lc in &b.coverage.levels {
        let mut level: Vec<CapacityGap> = stats
            .iter()
            .filter(|s| (s.kind != AreaKind::County) == want_township)
            .filter_map(|s| {
                let l = s.levels.iter().find(|l| l.level == lc.level)?;
                (l.demand > l.seats + 1e-9).then(|| CapacityGap {
                    level: lc.level,
                    code: s.code.clone(),
                    name: s.name.clone(),
                    kind: s.kind,
                    demand: l.demand,
                    seats: l.seats,
                    shortfall: l.demand - l.seats,
                    seats_incomplete: l.schools_without_seats > 0,
                })
            })
            .collect();
        level.sort_by(|a, c| {
            c.shortfall
                .total_cmp(&a.shortfall)
                .then_with(|| a.code.cmp(&c.code))
        });
        out.extend(level);
    }
    out
}
