//! From a request and the measured map to a location problem: sites, demand and sparse costs.
//!
//! Sites are, in this order: the open schools serving the level (fixed open: they count for
//! coverage and capacity; left out with `objective = "reach"`, which counts all demand a new
//! site reaches), and new-site options (candidate sites allowing the level inside the areas, at
//! least `min_spacing_m` from open schools; without a candidates layer, the centroids of
//! populated cells in the areas). Expansions are not sited here: they add seats, not reach, and
//! are chosen by the need they relieve ([`super::expand`]).
//! Demand is every cell with demand for the level, wherever it is. Costs come from the
//! scenario's distance mode, stored only up to a cutoff (the radius for covering problems,
//! four radii for p-median and p-center, beyond which demand counts as unserved at that cost).

use geo::Coord;

use super::costs::{self, Distance, SiteCosts};
use super::request::{Objective, ProposalRequest};
use crate::config::{DistanceMode, Scenario};
use crate::coverage::snapping::population_network;
use crate::coverage::{reach, LevelCoverage};
use crate::error::{Error, Result};
use crate::model::{Level, Map, ProjectKind};
use crate::solve::{Capacities, GroupLimit, Problem, SparseCosts};
use crate::spatial::index::PointIndex;
use crate::spatial::network::NetworkOptions;

/// Most generated candidates (from cells) per request; the most populated cells are kept.
const MAX_GENERATED_SITES: usize = 3000;

/// What a site of a solver instance is. Not [`ProjectKind`]: an instance also holds the open
/// schools, fixed open, which are no project; [`SiteKind::project`] gives the project of the
/// others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SiteKind {
    /// An open school, fixed open.
    Existing,
    /// Expand this school.
    Expansion,
    /// Build a new school here.
    New,
}

impl SiteKind {
    /// The project a chosen site of this kind means; `None` for a school already open.
    pub fn project(self) -> Option<ProjectKind> {
        match self {
            SiteKind::Existing => None,
            SiteKind::Expansion => Some(ProjectKind::Expansion),
            SiteKind::New => Some(ProjectKind::New),
        }
    }

    /// Name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            SiteKind::Existing => "existing",
            SiteKind::Expansion => "expansion",
            SiteKind::New => "new",
        }
    }
}

/// One facility option of the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Kind.
    pub kind: SiteKind,
    /// Id: the school id (existing, expansion) or candidate id (new; `cell:<id>` when
    /// generated from a cell).
    pub id: String,
    /// Name.
    pub name: String,
    /// School index for existing and expansion sites.
    pub school: Option<usize>,
    /// Position, local metres.
    pub pos: Coord<f64>,
    /// Position, WGS 84.
    pub lonlat: Coord<f64>,
    /// Seats the site provides (existing: its seats; others: the seats they add).
    pub seats: f64,
    /// Classes added (expansion) or built (new).
    pub classes: u32,
    /// Cost of selecting it.
    pub cost: f64,
    /// County and township indices.
    pub county: Option<usize>,
    /// Township index.
    pub township: Option<usize>,
}

/// A request turned into a problem.
#[derive(Debug, Clone)]
pub struct Instance {
    /// All sites (existing first).
    pub sites: Vec<Site>,
    /// Cell index of each demand row.
    pub cells: Vec<usize>,
    /// Demand × site costs up to the cutoff.
    pub costs: SparseCosts,
    /// The cost lists as built, with what lies beyond the cutoff (see [`super::costs`]).
    pub site_costs: SiteCosts,
    /// The problem for the solver.
    pub problem: Problem,
    /// Radius in the scenario's unit; 1 when the covering costs are per-cell normalised (a
    /// level with urban and rural standards: each cost divided by its cell's radius).
    pub radius: f64,
    /// Per demand row: within the radius of an open school before the request.
    pub covered_before: Vec<bool>,
    /// Notes for the report (generated candidates, fallbacks).
    pub notes: Vec<String>,
}

pub(crate) fn in_areas(
    map: &Map,
    codes: &[String],
    county: Option<usize>,
    township: Option<usize>,
) -> bool {
    codes.is_empty()
        || codes.iter().any(|c| {
            county.is_some_and(|i| &map.counties[i].code == c)
                || township.is_some_and(|i| &map.townships[i].code == c)
        })
}

/// Builds the instance of `req`'s new sites (see the module docs). Expansions are not part of
/// it: they are chosen by need ([`super::expand`]) once the new sites are placed.
pub fn build(
    map: &Map,
    scenario: &Scenario,
    lc: &LevelCoverage,
    req: &ProposalRequest,
) -> Result<Instance> {
    let level = req.service_level();
    let cfg = scenario.level(level).ok_or_else(|| {
        Error::Usage(format!(
            "proposal {}: the scenario does not measure the {} level",
            req.id,
            level.name()
        ))
    })?;
    let radius = req.radius.unwrap_or(cfg.radius);
    let mut notes = Vec::new();
    let existing = existing_sites(map, lc, level);
    let reach_only = req.objective == Objective::Reach;
    // With `reach`, existing schools are not part of the problem: the new sites are placed
    // where they reach the most demand, whoever else reaches it.
    let mut sites = if reach_only {
        Vec::new()
    } else {
        existing.clone()
    };
    let n_existing = sites.len();
    let first_new = sites.len();
    sites.extend(new_sites(
        map,
        lc,
        req,
        cfg.class_size,
        &existing,
        &mut notes,
    ));

    let cells: Vec<usize> = (0..lc.demand.len())
        .filter(|&i| lc.demand[i] > 0.0)
        .collect();
    let weights: Vec<f64> = cells.iter().map(|&i| lc.demand[i]).collect();
    let covering = matches!(
        req.objective,
        Objective::Mclp | Objective::Lscp | Objective::Reach
    );
    // Covering a cell means reaching it within its own setting's radius (urban or rural):
    // costs are divided by the cell's radius and the problem's radius is 1.
    let per_cell: Option<Vec<f64>> = (covering && req.radius.is_none() && lc.has_settings())
        .then(|| cells.iter().map(|&i| lc.radius_at(i)).collect());
    let cutoff = match &per_cell {
        Some(r) => r.iter().copied().fold(radius, f64::max),
        None if covering => radius,
        None => 4.0 * radius,
    };
    let site_costs = site_costs(
        map,
        scenario,
        cfg.avoid_barriers,
        &cells,
        &sites,
        cutoff,
        &mut notes,
    )?;
    let mut lists = site_costs.lists.clone();
    let mut existing_lists = if reach_only {
        self::site_costs(
            map,
            scenario,
            cfg.avoid_barriers,
            &cells,
            &existing,
            cutoff,
            &mut Vec::new(),
        )?
        .lists
    } else {
        Vec::new()
    };
    let radius = match &per_cell {
        Some(r) => {
            for (row, &ri) in lists.iter_mut().zip(r) {
                row.iter_mut().for_each(|p| p.1 /= ri);
                row.retain(|p| p.1 <= 1.0);
            }
            for (row, &ri) in existing_lists.iter_mut().zip(r) {
                row.iter_mut().for_each(|p| p.1 /= ri);
            }
            notes.push(
                "urban and rural standards: each cell is covered within its own setting's radius (costs in radii)"
                    .into(),
            );
            1.0
        }
        None => radius,
    };
    // Rows the existing schools reach within the radius (before the request).
    let covered_before: Vec<bool> = if reach_only {
        existing_lists
            .iter()
            .map(|row| row.iter().any(|p| p.1 <= radius))
            .collect()
    } else {
        lists
            .iter()
            .map(|row| row.iter().any(|&(j, c)| j < n_existing && c <= radius))
            .collect()
    };
    let costs = SparseCosts::from_lists(weights.clone(), sites.len(), lists)
        .map_err(|e| Error::Usage(format!("proposal {}: {e}", req.id)))?;

    let news: Vec<usize> = (first_new..sites.len()).collect();
    let mut groups = Vec::new();
    if req.objective != Objective::Lscp {
        groups.push(GroupLimit {
            min: req.new_sites.min(news.len()),
            max: req.new_sites,
            candidates: news.clone(),
        });
    }
    if let Some(k) = req.max_per_township {
        let mut by_township: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for &j in &news {
            if let Some(t) = sites[j].township {
                by_township.entry(t).or_default().push(j);
            }
        }
        groups.extend(by_township.into_values().map(|c| GroupLimit {
            candidates: c,
            min: 0,
            max: k,
        }));
    }
    let p = match req.objective {
        Objective::Lscp => {
            if req.new_sites > 0 {
                req.new_sites
            } else {
                news.len()
            }
        }
        _ => req.new_sites.min(news.len()),
    };
    let capacities = req.capacitated.then(|| {
        let total: f64 = weights.iter().sum();
        Capacities {
            // Unknown seats do not limit (as in the coverage allocation).
            capacity: sites
                .iter()
                .map(|s| if s.seats.is_finite() { s.seats } else { total })
                .collect(),
            usage: None,
        }
    });
    let problem = Problem {
        fixed_open: (0..n_existing).collect(),
        p,
        radius,
        capacities,
        site_cost: Some(sites.iter().map(|s| s.cost).collect()),
        budget: req.budget,
        groups,
        unserved_cost: (!covering).then_some(cutoff),
        coverage_target: req
            .coverage_target
            .or((req.objective == Objective::Lscp).then_some(1.0)),
        time_limit: crate::solve::duration_from_secs(req.time_limit_s.unwrap_or(10.0)),
        work_limit: req.work_limit,
        seed: req.seed.unwrap_or(1),
    };
    Ok(Instance {
        sites,
        cells,
        costs,
        site_costs,
        problem,
        radius,
        covered_before,
        notes,
    })
}

fn existing_sites(map: &Map, lc: &LevelCoverage, level: Level) -> Vec<Site> {
    map.schools
        .iter()
        .enumerate()
        .filter(|(_, s)| s.serves(level))
        .map(|(j, s)| Site {
            kind: SiteKind::Existing,
            id: s.id.clone(),
            name: s.name.clone(),
            school: Some(j),
            pos: s.pos,
            lonlat: s.lonlat,
            seats: lc.school_seats[j].unwrap_or(f64::INFINITY),
            classes: s.classes.unwrap_or(0),
            cost: 0.0,
            county: map.school_areas.get(j).and_then(|a| a.0),
            township: map.school_areas.get(j).and_then(|a| a.1),
        })
        .collect()
}

fn new_sites(
    map: &Map,
    lc: &LevelCoverage,
    req: &ProposalRequest,
    class_size: f64,
    existing: &[Site],
    notes: &mut Vec<String>,
) -> Vec<Site> {
    let spacing = req.min_spacing_m.unwrap_or(0.0);
    let index = PointIndex::new(
        &existing
            .iter()
            .map(|s| [s.pos.x, s.pos.y])
            .collect::<Vec<_>>(),
    );
    let far_enough = |p: Coord<f64>| {
        spacing <= 0.0 || index.nearest([p.x, p.y]).is_none_or(|(_, d)| d >= spacing)
    };
    let default_classes = req
        .new_school_classes
        .unwrap_or(ProposalRequest::default_classes(req.level));
    let mut out: Vec<Site> = map
        .candidates
        .iter()
        .filter(|c| {
            c.allows(req.level)
                && in_areas(map, &req.areas, c.county, c.township)
                && far_enough(c.pos)
        })
        .map(|c| {
            let classes = c
                .max_classes
                .map_or(default_classes, |m| m.min(default_classes));
            Site {
                kind: SiteKind::New,
                id: c.id.clone(),
                name: c.name.clone(),
                school: None,
                pos: c.pos,
                lonlat: c.lonlat,
                seats: classes as f64 * class_size,
                classes,
                cost: c.cost.or(req.cost_new_site).unwrap_or(0.0),
                county: c.county,
                township: c.township,
            }
        })
        .collect();
    if req.central_school_sites {
        let classes = default_classes;
        let mut best: std::collections::BTreeMap<usize, usize> = Default::default();
        for (j, s) in map.schools.iter().enumerate() {
            let public_compulsory = s.is_open()
                && s.ownership == crate::model::Ownership::Public
                && matches!(s.level, Level::Primary | Level::NineYear);
            let Some((county, Some(t))) = map.school_areas.get(j).copied() else {
                continue;
            };
            if !public_compulsory || !in_areas(map, &req.areas, county, Some(t)) {
                continue;
            }
            let seats = |k: usize| {
                map.schools[k]
                    .seats_for(map.schools[k].level, 1.0)
                    .unwrap_or(0.0)
            };
            let better = best.get(&t).is_none_or(|&k| {
                seats(j) > seats(k) || (seats(j) == seats(k) && s.id < map.schools[k].id)
            });
            if better {
                best.insert(t, j);
            }
        }
        for (t, j) in best {
            let s = &map.schools[j];
            out.push(Site {
                kind: SiteKind::New,
                id: format!("central:{}", s.id),
                name: s.name.clone(),
                school: None,
                pos: s.pos,
                lonlat: s.lonlat,
                seats: classes as f64 * class_size,
                classes,
                cost: req.cost_new_site.unwrap_or(0.0),
                county: map.school_areas[j].0,
                township: Some(t),
            });
        }
        notes.push(
            "sites beside each township's central school (中心校) considered (`central:<school id>`)"
                .into(),
        );
    }
    if map.candidates.is_empty() {
        let mut cells: Vec<usize> = (0..map.demand.cells.len())
            .filter(|&i| lc.demand[i] > 0.0)
            .filter(|&i| {
                let c = &map.demand.cells[i];
                in_areas(map, &req.areas, c.county, c.township) && far_enough(c.pos)
            })
            .collect();
        cells.sort_by(|&a, &b| lc.demand[b].total_cmp(&lc.demand[a]).then(a.cmp(&b)));
        cells.truncate(MAX_GENERATED_SITES);
        cells.sort_unstable();
        notes.push(format!(
            "no candidate layer: {} candidate sites generated from the centroids of populated cells",
            cells.len()
        ));
        out.extend(cells.into_iter().map(|i| {
            let c = &map.demand.cells[i];
            Site {
                kind: SiteKind::New,
                id: format!("cell:{}", c.id),
                name: String::new(),
                school: None,
                pos: c.pos,
                lonlat: c.lonlat,
                seats: default_classes as f64 * class_size,
                classes: default_classes,
                cost: req.cost_new_site.unwrap_or(0.0),
                county: c.county,
                township: c.township,
            }
        }));
    }
    if let Some(r) = req.near_township_seat_m {
        // The seat of each township, from the candidates marked `township_seat`.
        let mut seat: std::collections::BTreeMap<usize, Coord<f64>> = Default::default();
        for c in &map.candidates {
            let Some(code) = &c.township_seat else {
                continue;
            };
            if let Some(t) = map.townships.iter().position(|t| &t.code == code) {
                seat.entry(t).or_insert(c.pos);
            }
        }
        let before = out.len();
        out.retain(|s| {
            s.township
                .and_then(|t| seat.get(&t))
                .is_none_or(|p| (p.x - s.pos.x).hypot(p.y - s.pos.y) <= r)
        });
        notes.push(format!(
            "{} township seats known: in those townships only sites within {} m of the seat are considered ({} of {} options kept)",
            seat.len(),
            crate::error::shown(r),
            out.len(),
            before
        ));
    }
    out
}

/// Per demand row, `(site, cost)` up to `cutoff`, in the scenario's distance mode (the shared
/// builder of [`super::costs`]).
fn site_costs(
    map: &Map,
    scenario: &Scenario,
    avoid_barriers: bool,
    cells: &[usize],
    sites: &[Site],
    cutoff: f64,
    notes: &mut Vec<String>,
) -> Result<SiteCosts> {
    let cell_pts: Vec<[f64; 2]> = cells
        .iter()
        .map(|&i| [map.demand.cells[i].pos.x, map.demand.cells[i].pos.y])
        .collect();
    let site_pts: Vec<[f64; 2]> = sites.iter().map(|s| [s.pos.x, s.pos.y]).collect();
    let d = &scenario.distance;
    match d.mode {
        DistanceMode::Straight => {
            let distance = Distance::Straight {
                metres_per_unit: reach::metres_per_unit(d.unit, d.walk_speed_kmh),
            };
            costs::build(&cell_pts, &site_pts, distance, Some(cutoff))
        }
        DistanceMode::Network => {
            // The same pieces of the network as the coverage measurement snaps to.
            let (net, _) = population_network(map, NetworkOptions::from_config(d));
            let trav = net.traversal(avoid_barriers);
            let cs = net.snap_all(&cell_pts, avoid_barriers);
            let ss = net.snap_all(&site_pts, avoid_barriers);
            let distance = Distance::Roads {
                net: &net,
                trav: &trav,
                demand: &cs,
                sites: &ss,
            };
            costs::build(&cell_pts, &site_pts, distance, Some(cutoff))
        }
        DistanceMode::Matrix => {
            let m = crate::coverage::map_matrix(map)?;
            let ids: Vec<&str> = cells
                .iter()
                .map(|&i| map.demand.cells[i].id.as_str())
                .collect();
            let sids: Vec<Option<&str>> = sites.iter().map(|s| Some(s.id.as_str())).collect();
            notes.push(
                "matrix mode: sites the matrix does not list as destinations are unreachable"
                    .into(),
            );
            let (lists, _) = m.lists_for(&ids, &sids);
            costs::build(&cell_pts, &site_pts, Distance::Lists(lists), Some(cutoff))
        }
    }
}
