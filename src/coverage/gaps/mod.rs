//! Coverage gaps a planner can act on: where children of a level are left without a school in
//! reach, in pieces that follow the planning units and that one school could close, each with
//! its fix.
//!
//! **Gap cells.** A populated cell (demand > 0) of a level is a *gap cell* when it is not served:
//!
//! - kind **distance**: no open school of the level within the cell's radius (its setting's,
//!   urban or rural; inclusive) and no boarding school in reach — the cell is not covered;
//! - kind **seats**: covered by day, but the capacitated allocation
//!   ([`super::capacity::allocate_greedy`]) left it unallocated — every school in reach is
//!   full. (A cell covered only by a boarding school is served: the allocation does not seat
//!   boarders, and the boarding standard is the answer there.)
//!
//! **Gaps.** Gap cells are split by **county, township, setting and kind** (a gap never crosses
//! a township or county line, never mixes urban and rural standards or the two kinds; cells
//! outside every township are split by county only), then, within each such unit:
//!
//! 1. **single linkage at the radius**: two gap cells belong together when their centroids are
//!    at most the radius of the unit's setting apart (straight line, metres; a radius in minutes
//!    is converted at the walking speed) — a *neighbourhood* is a group of gap cells within
//!    walking reach of each other, so cells larger than the radius (1 km rural cells at a 300 m
//!    standard) stay apart however they touch;
//! 2. **one school's reach**: a neighbourhood larger than one school can serve is cut into
//!    discs — greedily, the gap cell whose disc of the radius holds the most children not yet
//!    taken becomes a **centre** (ties: the lower cell index) and the untaken cells within the
//!    radius of it form one gap. So **every cell of a gap lies within the radius of the gap's
//!    centre cell** (straight line, inclusive): a school at the centre would reach all of it,
//!    and the gap's centroids fit in a circle of the radius (its area is at most that circle's
//!    plus the rim of half a cell around it).
//!
//! **Each gap** carries its children (demand of the level, pupils: cohort × enrolment rate ×
//! projection, forecast to the scenario's year), the residents of the cohort, its cells and
//! area (Σ of the cells' polygon areas; point cells count the median nearest-neighbour spacing
//! of the layer squared), the nearest open school of the level and the nearest one **with
//! spare seats** (seats − allocated demand ≥ 1, or seats unknown) with the cost to it (the least
//! over the gap's cells, in the scenario's unit and distance mode), and for a seats gap the full
//! school its centre cell is nearest to.
//!
//! **Fix.** Seats needed = the gap's children rounded up; classes = seats ÷ the level's class
//! size, rounded up. The best **site** is the one reaching the most of the gap's children
//! within each cell's own radius (scenario distance mode): a candidate site allowing the level
//! (not one an open school already stands on, within 1 m), or for a seats gap the expansion
//! of a school in reach; ties prefer an expansion, then the lower candidate cost, then the id.
//! Without a candidate layer, sites are the gaps' centre cells (`cell:<id>`, as proposals
//! generate them). Where no site reaches any child of the gap, there is none, and
//! [`NoSite`] says why.
//!
//! **Ranking.** Per level, by children (most first), then by the cost to the nearest school
//! with spare seats (farthest first, none at all first), then by the first cell id; ids are
//! `<level>-<rank>`. Gaps with fewer children than `[gaps] scattered_below` (default 10) are
//! not listed one by one: per township (county when outside townships) and kind they are
//! folded into one **scattered** line, `<level>-scattered-<code>-<kind>`, ranked after the
//! listed gaps (setting set only when all its cells share it; no site).

mod cluster;
mod reach;

pub use cluster::{cluster, Cluster};

use std::collections::BTreeMap;

use geo::Area;

use super::{Coverage, LevelCoverage};
use crate::config::{Scenario, Setting};
use crate::error::Result;
use crate::model::{Level, Map};
use crate::spatial::index::PointIndex;
use reach::{Costs, Target};

/// Why a gap cell is not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GapKind {
    /// No school of the level within the cell's radius.
    Distance,
    /// Schools in reach, all full.
    Seats,
}

impl GapKind {
    /// `distance` or `seats`.
    pub fn name(self) -> &'static str {
        match self {
            GapKind::Distance => "distance",
            GapKind::Seats => "seats",
        }
    }
}

/// What the best site of a gap is. Not [`crate::model::ProjectKind`]: a new school here is
/// two kinds of site, a candidate of the layer or a cell's centroid when there is no candidate
/// layer (the report names them apart); [`SiteKind::Expansion`] is
/// [`crate::model::ProjectKind::Expansion`], the two others [`crate::model::ProjectKind::New`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SiteKind {
    /// Expand an open school in reach (seats gaps).
    Expansion,
    /// Build on a candidate site.
    Candidate,
    /// Build at a cell's centroid (no candidate layer).
    Cell,
}

impl SiteKind {
    /// `expansion`, `candidate` or `cell`.
    pub fn name(self) -> &'static str {
        match self {
            SiteKind::Expansion => "expansion",
            SiteKind::Candidate => "candidate",
            SiteKind::Cell => "cell",
        }
    }
}

/// The site that would close most of a gap.
#[derive(Debug, Clone, PartialEq)]
pub struct GapSite {
    /// Kind.
    pub kind: SiteKind,
    /// Index: into `Map::schools` (expansion), `Map::candidates` (candidate) or the map's
    /// cells (cell).
    pub index: usize,
    /// Id: the school's, the candidate's, or `cell:<cell id>`.
    pub id: String,
    /// Children of the gap within reach of it (each cell's own radius), pupils.
    pub children: f64,
    /// Cells of the gap within reach of it.
    pub cells: usize,
    /// Cost of the site (the candidate's `cost`), when known.
    pub cost: Option<f64>,
}

/// Why a gap has no site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoSite {
    /// The candidate layer has no site allowing the level that no school stands on.
    NoCandidate,
    /// No candidate site (nor, for a seats gap, school to expand) reaches any cell of it.
    OutOfReach,
    /// A scattered line: the small gaps it folds have no single site.
    Scattered,
}

impl NoSite {
    /// `no_candidate`, `out_of_reach` or `scattered`.
    pub fn name(self) -> &'static str {
        match self {
            NoSite::NoCandidate => "no_candidate",
            NoSite::OutOfReach => "out_of_reach",
            NoSite::Scattered => "scattered",
        }
    }
}

/// One gap (or one scattered line) of one level; see the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// `<level>-<rank>`, or `<level>-scattered-<code>-<kind>`.
    pub id: String,
    /// The level.
    pub level: Level,
    /// Rank within the level, 1 = most children (scattered lines after the listed gaps).
    pub rank: u32,
    /// A scattered line (small gaps folded per township).
    pub scattered: bool,
    /// Distance or seats.
    pub kind: GapKind,
    /// Setting (`None`: a scattered line mixing both).
    pub setting: Option<Setting>,
    /// County (index into `Map::counties`).
    pub county: Option<usize>,
    /// Township (index into `Map::townships`).
    pub township: Option<usize>,
    /// Cells (indices into the map's cells), sorted by cell id.
    pub cells: Vec<usize>,
    /// Children of the level: Σ demand, pupils.
    pub children: f64,
    /// Residents of the level's cohort.
    pub population: f64,
    /// Area, km².
    pub area_km2: f64,
    /// The centre cell (every cell within `radius` of it); `None` for a scattered line.
    pub centre: Option<usize>,
    /// The radius the gap was formed with (its setting's; scenario unit); for a scattered line
    /// the largest of its cells'.
    pub radius: f64,
    /// Farthest centroid of the gap from the centre's, metres (straight line).
    pub spread_m: f64,
    /// Nearest open school of the level and the cost to it (least over the cells).
    pub nearest: Option<(usize, f64)>,
    /// Nearest open school of the level with spare seats, and the cost to it.
    pub nearest_spare: Option<(usize, f64)>,
    /// Spare seats of that school (`None`: seats unknown).
    pub nearest_spare_seats: Option<f64>,
    /// Seats gaps: the full school the centre cell is nearest to.
    pub full_school: Option<usize>,
    /// Seats needed: children rounded up.
    pub seats_needed: f64,
    /// Classes needed: seats ÷ class size, rounded up.
    pub classes_needed: u32,
    /// The best site, when one reaches the gap.
    pub site: Option<GapSite>,
    /// Why there is no site.
    pub no_site: Option<NoSite>,
}

/// What [`compute_with`] computes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GapOptions {
    /// Gaps with fewer children than this are folded into scattered lines (pupils).
    pub scattered_below: f64,
    /// Find the best site of every listed gap (the costly part; the nearest school with spare
    /// seats, which the ranking uses, is always found).
    pub sites: bool,
}

/// The kind of every cell of a level: `None` for a served or empty cell.
pub fn cell_kinds(lc: &LevelCoverage) -> Vec<Option<GapKind>> {
    (0..lc.demand.len())
        .map(|i| {
            if lc.demand[i] <= 0.0 {
                None
            } else if !lc.covered[i] {
                Some(GapKind::Distance)
            } else if lc.boarding.get(i).copied().unwrap_or(false)
                || lc.allocated.get(i).is_some_and(|a| a.is_some())
            {
                None
            } else {
                Some(GapKind::Seats)
            }
        })
        .collect()
}

/// The gaps of every measured level with their fixes, the scenario's `[gaps]` options applied:
/// level by level in the coverage's order, each level's by rank.
pub fn compute(map: &Map, scenario: &Scenario, coverage: &Coverage) -> Result<Vec<Gap>> {
    compute_with(
        map,
        scenario,
        coverage,
        GapOptions {
            scattered_below: scenario.gaps.scattered_below,
            sites: true,
        },
    )
}

/// [`compute`] with explicit options.
pub fn compute_with(
    map: &Map,
    scenario: &Scenario,
    coverage: &Coverage,
    opts: GapOptions,
) -> Result<Vec<Gap>> {
    let spacing = point_spacing(map);
    let mut costs = Costs::new(map, scenario);
    let mut out = Vec::new();
    for lc in &coverage.levels {
        out.extend(level_gaps(map, scenario, lc, spacing, opts, &mut costs)?);
    }
    Ok(out)
}

/// Median nearest-neighbour distance between the point cells of the layer (metres; 0 with
/// fewer than two).
fn point_spacing(map: &Map) -> f64 {
    let pts: Vec<[f64; 2]> = map
        .demand
        .cells
        .iter()
        .filter(|c| c.shape_m.is_none())
        .map(|c| [c.pos.x, c.pos.y])
        .collect();
    if pts.len() < 2 {
        return 0.0;
    }
    let index = PointIndex::new(&pts);
    let mut nn: Vec<f64> = pts
        .iter()
        .filter_map(|&p| index.nearest_apart_m(p))
        .collect();
    nn.sort_by(f64::total_cmp);
    nn[nn.len() / 2]
}

/// Metres per unit of the scenario's costs for straight lines.
fn metres_per_unit(scenario: &Scenario) -> f64 {
    super::reach::metres_per_unit(scenario.distance.unit, scenario.distance.walk_speed_kmh)
}

fn level_gaps(
    map: &Map,
    scenario: &Scenario,
    lc: &LevelCoverage,
    spacing: f64,
    opts: GapOptions,
    costs: &mut Costs,
) -> Result<Vec<Gap>> {
    let cells = &map.demand.cells;
    let cfg = scenario.level(lc.level);
    let class_size = cfg.map_or(30.0, |c| c.class_size).max(1.0);
    let cohort = cfg
        .and_then(|c| map.demand.cohort_index(&c.cohort_field))
        .map(|k| map.demand.cohort_column(k));
    let kinds = cell_kinds(lc);
    let mpu = metres_per_unit(scenario);
    // Planning units: county, township, setting, kind.
    type Unit = (Option<usize>, Option<usize>, usize, GapKind);
    let mut units: BTreeMap<Unit, Vec<usize>> = BTreeMap::new();
    for (i, k) in kinds.iter().enumerate() {
        if let Some(k) = k {
            let s = lc.setting.get(i).copied().unwrap_or_default();
            units
                .entry((cells[i].county, cells[i].township, s.index(), *k))
                .or_default()
                .push(i);
        }
    }
    let cell_area = |i: usize| -> f64 {
        match &cells[i].shape_m {
            Some(mp) => mp.unsigned_area() / 1e6,
            None => spacing * spacing / 1e6,
        }
    };
    let dist_m = |a: usize, b: usize| {
        let (p, q) = (cells[a].pos, cells[b].pos);
        ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt()
    };
    let mut gaps: Vec<Gap> = Vec::new();
    for ((county, township, s, kind), members) in units {
        let setting = if s == Setting::Rural.index() {
            Setting::Rural
        } else {
            Setting::Urban
        };
        let radius = lc.standards[s].radius;
        let pts: Vec<[f64; 2]> = members
            .iter()
            .map(|&i| [cells[i].pos.x, cells[i].pos.y])
            .collect();
        let w: Vec<f64> = members.iter().map(|&i| lc.demand[i]).collect();
        for c in cluster(&pts, &w, radius * mpu) {
            let centre = members[c.centre];
            let mut g: Vec<usize> = c.members.iter().map(|&k| members[k]).collect();
            g.sort_by(|&a, &b| cells[a].id.cmp(&cells[b].id));
            let children: f64 = g.iter().map(|&i| lc.demand[i]).sum();
            gaps.push(Gap {
                id: String::new(),
                level: lc.level,
                rank: 0,
                scattered: false,
                kind,
                setting: Some(setting),
                county,
                township,
                population: g
                    .iter()
                    .map(|&i| cohort.as_ref().map_or(lc.demand[i], |c| c[i]))
                    .sum(),
                area_km2: g.iter().map(|&i| cell_area(i)).sum(),
                spread_m: g.iter().map(|&i| dist_m(i, centre)).fold(0.0, f64::max),
                centre: Some(centre),
                radius,
                nearest: nearest_of(lc, &g),
                nearest_spare: None,
                nearest_spare_seats: None,
                full_school: (kind == GapKind::Seats)
                    .then(|| lc.nearest.get(centre).copied().flatten())
                    .flatten(),
                seats_needed: seats_needed(children),
                classes_needed: (seats_needed(children) / class_size).ceil() as u32,
                site: None,
                no_site: None,
                cells: g,
                children,
            });
        }
    }
    // Fold the small ones, per county, township and kind.
    let (mut listed, small): (Vec<Gap>, Vec<Gap>) = gaps
        .into_iter()
        .partition(|g| g.children >= opts.scattered_below);
    type Fold = (Option<usize>, Option<usize>, GapKind);
    let mut folded: BTreeMap<Fold, Vec<Gap>> = BTreeMap::new();
    for g in small {
        folded
            .entry((g.county, g.township, g.kind))
            .or_default()
            .push(g);
    }
    let mut scattered: Vec<Gap> = folded
        .into_iter()
        .map(|((county, township, kind), parts)| {
            let setting = parts[0]
                .setting
                .filter(|s| parts.iter().all(|g| g.setting == Some(*s)));
            let mut cs: Vec<usize> = parts.iter().flat_map(|g| g.cells.iter().copied()).collect();
            cs.sort_by(|&a, &b| cells[a].id.cmp(&cells[b].id));
            let children: f64 = parts.iter().map(|g| g.children).sum();
            Gap {
                id: String::new(),
                level: lc.level,
                rank: 0,
                scattered: true,
                kind,
                setting,
                county,
                township,
                population: parts.iter().map(|g| g.population).sum(),
                area_km2: parts.iter().map(|g| g.area_km2).sum(),
                centre: None,
                radius: parts.iter().map(|g| g.radius).fold(0.0, f64::max),
                spread_m: 0.0,
                nearest: nearest_of(lc, &cs),
                nearest_spare: None,
                nearest_spare_seats: None,
                full_school: None,
                seats_needed: seats_needed(children),
                classes_needed: (seats_needed(children) / class_size).ceil() as u32,
                site: None,
                no_site: Some(NoSite::Scattered),
                cells: cs,
                children,
            }
        })
        .collect();
    let avoid = cfg.is_some_and(|c| c.avoid_barriers);
    spare_schools(map, lc, &mut listed, &mut scattered, avoid, costs)?;
    if opts.sites {
        best_sites(map, lc, &mut listed, avoid, costs)?;
    }
    let key = |g: &Gap| g.nearest_spare.map_or(f64::INFINITY, |x| x.1);
    listed.sort_by(|a, b| {
        b.children
            .total_cmp(&a.children)
            .then_with(|| key(b).total_cmp(&key(a)))
            .then_with(|| cells[a.cells[0]].id.cmp(&cells[b.cells[0]].id))
    });
    let code = |g: &Gap| {
        g.township
            .map(|t| map.townships[t].code.clone())
            .or_else(|| g.county.map(|c| map.counties[c].code.clone()))
            .unwrap_or_else(|| "outside".into())
    };
    scattered.sort_by(|a, b| {
        b.children
            .total_cmp(&a.children)
            .then_with(|| code(a).cmp(&code(b)))
            .then_with(|| a.kind.cmp(&b.kind))
    });
    let n = listed.len();
    for (r, g) in listed.iter_mut().enumerate() {
        g.rank = r as u32 + 1;
        g.id = format!("{}-{}", lc.level.name(), g.rank);
    }
    for (r, g) in scattered.iter_mut().enumerate() {
        g.rank = (n + r) as u32 + 1;
        g.id = format!(
            "{}-scattered-{}-{}",
            lc.level.name(),
            code(g),
            g.kind.name()
        );
    }
    listed.extend(scattered);
    Ok(listed)
}

fn seats_needed(children: f64) -> f64 {
    (children - 1e-9).ceil().max(0.0)
}

/// The nearest open school over `cells`, and the cost to it.
fn nearest_of(lc: &LevelCoverage, cells: &[usize]) -> Option<(usize, f64)> {
    cells
        .iter()
        .filter_map(|&i| Some((lc.nearest.get(i).copied().flatten()?, lc.cost[i])))
        .filter(|x| x.1.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
}

/// Fills the nearest school with spare seats of every gap.
fn spare_schools(
    map: &Map,
    lc: &LevelCoverage,
    listed: &mut [Gap],
    scattered: &mut [Gap],
    avoid: bool,
    costs: &mut Costs,
) -> Result<()> {
    let n = lc.school_seats.len().min(map.schools.len());
    let spare = |j: usize| -> Option<Option<f64>> {
        if !map.schools[j].serves(lc.level) {
            return None;
        }
        match lc.school_seats[j] {
            None => Some(None),
            Some(s) => {
                let left = s - lc.school_demand[j];
                (left >= 1.0).then_some(Some(left))
            }
        }
    };
    let schools: Vec<(usize, Option<f64>)> =
        (0..n).filter_map(|j| spare(j).map(|s| (j, s))).collect();
    let targets: Vec<Target> = schools
        .iter()
        .map(|&(j, _)| Target {
            pos: map.schools[j].pos,
            id: &map.schools[j].id,
        })
        .collect();
    let all: Vec<usize> = listed
        .iter()
        .chain(scattered.iter())
        .flat_map(|g| g.cells.iter().copied())
        .collect();
    if all.is_empty() || targets.is_empty() {
        return Ok(());
    }
    let r = costs.reach(&all, &targets, 0.0, avoid)?;
    let mut row = 0;
    for g in listed.iter_mut().chain(scattered.iter_mut()) {
        let best = (row..row + g.cells.len())
            .filter_map(|k| Some((r.nearest[k]?, r.cost[k])))
            .filter(|x| x.1.is_finite())
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        row += g.cells.len();
        if let Some((t, c)) = best {
            g.nearest_spare = Some((schools[t].0, c));
            g.nearest_spare_seats = schools[t].1;
        }
    }
    Ok(())
}

/// One site option: what it is and how it is ranked.
struct SiteOption {
    kind: SiteKind,
    index: usize,
    id: String,
    cost: Option<f64>,
}

/// Fills the best site (or the reason there is none) of every listed gap.
fn best_sites(
    map: &Map,
    lc: &LevelCoverage,
    listed: &mut [Gap],
    avoid: bool,
    costs: &mut Costs,
) -> Result<()> {
    if listed.is_empty() {
        return Ok(());
    }
    let cells = &map.demand.cells;
    let cutoff = lc.standards.iter().map(|s| s.radius).fold(0.0, f64::max);
    // New-site options: candidates allowing the level that no open school stands on; without
    // a candidate layer, the gaps' centre cells.
    let occupied = PointIndex::new(
        &map.schools
            .iter()
            .filter(|s| s.is_open())
            .map(|s| [s.pos.x, s.pos.y])
            .collect::<Vec<_>>(),
    );
    let mut options: Vec<SiteOption> = Vec::new();
    if map.candidates.is_empty() {
        let mut centres: Vec<usize> = listed.iter().filter_map(|g| g.centre).collect();
        centres.sort_unstable();
        centres.dedup();
        options.extend(centres.into_iter().map(|i| SiteOption {
            kind: SiteKind::Cell,
            index: i,
            id: format!("cell:{}", cells[i].id),
            cost: None,
        }));
    } else {
        options.extend(
            map.candidates
                .iter()
                .enumerate()
                .filter(|(_, c)| c.allows(lc.level))
                .filter(|(_, c)| {
                    occupied
                        .nearest([c.pos.x, c.pos.y])
                        .is_none_or(|(_, d)| d > 1.0)
                })
                .map(|(k, c)| SiteOption {
                    kind: SiteKind::Candidate,
                    index: k,
                    id: c.id.clone(),
                    cost: c.cost,
                }),
        );
    }
    let no_candidate = options.is_empty();
    let n_new = options.len();
    // Expansion options: every open school of the level (only seats gaps can use them).
    let n = lc.school_seats.len().min(map.schools.len());
    options.extend(
        (0..n)
            .filter(|&j| map.schools[j].serves(lc.level))
            .map(|j| SiteOption {
                kind: SiteKind::Expansion,
                index: j,
                id: map.schools[j].id.clone(),
                cost: None,
            }),
    );
    let pos = |o: &SiteOption| match o.kind {
        SiteKind::Cell => cells[o.index].pos,
        SiteKind::Candidate => map.candidates[o.index].pos,
        SiteKind::Expansion => map.schools[o.index].pos,
    };
    let all: Vec<usize> = listed
        .iter()
        .flat_map(|g| g.cells.iter().copied())
        .collect();
    let new_targets: Vec<Target> = options[..n_new]
        .iter()
        .map(|o| Target {
            pos: pos(o),
            id: &o.id,
        })
        .collect();
    let r_new = costs.reach(&all, &new_targets, cutoff, avoid)?;
    let seats_cells: Vec<usize> = listed
        .iter()
        .filter(|g| g.kind == GapKind::Seats)
        .flat_map(|g| g.cells.iter().copied())
        .collect();
    let exp_targets: Vec<Target> = options[n_new..]
        .iter()
        .map(|o| Target {
            pos: pos(o),
            id: &o.id,
        })
        .collect();
    let r_exp = if seats_cells.is_empty() {
        None
    } else {
        Some(costs.reach(&seats_cells, &exp_targets, cutoff, avoid)?)
    };
    let (mut row, mut srow) = (0, 0);
    for g in listed.iter_mut() {
        let mut tally: BTreeMap<usize, (f64, usize)> = BTreeMap::new();
        let mut add = |reach: &crate::coverage::reach::Reach, k: usize, i: usize, base: usize| {
            let (t, c) = reach.lists.row(k);
            for (&o, &c) in t.iter().zip(c) {
                if c <= lc.radius_at(i) {
                    let e = tally.entry(base + o as usize).or_insert((0.0, 0));
                    e.0 += lc.demand[i];
                    e.1 += 1;
                }
            }
        };
        for (k, &i) in g.cells.iter().enumerate() {
            add(&r_new, row + k, i, 0);
        }
        row += g.cells.len();
        if g.kind == GapKind::Seats {
            if let Some(r) = &r_exp {
                for (k, &i) in g.cells.iter().enumerate() {
                    add(r, srow + k, i, n_new);
                }
            }
            srow += g.cells.len();
        }
        let best = tally.into_iter().max_by(|a, b| {
            let (oa, ob) = (&options[a.0], &options[b.0]);
            a.1 .0
                .total_cmp(&b.1 .0)
                .then_with(|| ob.kind.cmp(&oa.kind))
                .then_with(|| {
                    let c = |o: &SiteOption| o.cost.unwrap_or(f64::INFINITY);
                    c(ob).total_cmp(&c(oa))
                })
                .then_with(|| ob.id.cmp(&oa.id))
        });
        match best {
            Some((o, (children, n_cells))) => {
                let o = &options[o];
                g.site = Some(GapSite {
                    kind: o.kind,
                    index: o.index,
                    id: o.id.clone(),
                    children,
                    cells: n_cells,
                    cost: o.cost,
                });
            }
            None => {
                g.no_site = Some(if no_candidate {
                    NoSite::NoCandidate
                } else {
                    NoSite::OutOfReach
                });
            }
        }
    }
    Ok(())
}
