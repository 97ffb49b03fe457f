//! Coverage: who is within reach of which school, by straight line, by road or by a cost matrix,
//! and how full each school is.
//!
//! [`compute`] measures every level of a scenario and returns a [`Coverage`] (results stay in
//! memory; the report module writes them). Conventions:
//!
//! - **Cells are their centroid.** A polygon cell is measured from
//!   [`DemandCell::pos`](crate::model::DemandCell::pos), its centroid; a school from its point.
//! - **Demand** of a cell for a level = cohort × `enrolment_rate` × `population.factors[field]`
//!   ([`level_demand`]); a layer without the cohort field uses `pop_total` × the county's
//!   cohort share, else 0 with a warning in [`Coverage::warnings`]. With a `[forecast]`, the
//!   demand is then scaled to the scenario's year ([`crate::forecast`]).
//! - **Setting** ([`settings::classify`]): each cell is urban or rural (`[settings]`; all urban
//!   without it) and is measured against its setting's standard of the level: its day radius
//!   ([`LevelCoverage::radius_at`]) and, where given, a boarding school's reach.
//! - **Serving schools**: open schools (existing or planned, not closed) whose level serves the
//!   measured level ([`Level::serves`](crate::model::Level::serves): a nine-year school serves
//!   primary and junior).
//! - **Cost** is metres, or minutes when `distance.unit = "min"`: straight distance in the
//!   local projection (minutes at walking speed); the road network (see
//!   [`crate::spatial::network`]: snap to the nearest point on a segment, access legs included,
//!   one-way segments in digitisation direction, barrier segments left out for levels with
//!   `avoid_barriers`); or the cost matrix ([`crate::model::matrix`]) the map was loaded with
//!   from `layers.matrix`, missing pairs unreachable.
//! - **Nearest school** is exact in every mode, whatever the distance: straight lines use an
//!   R-tree nearest-neighbour query, networks an unbounded multi-source Dijkstra from the
//!   schools (cheap: `O((V + E) log V)` per level), matrices the smallest listed cost. Ties go to
//!   the lower school index. Cells with no reachable school get cost `INFINITY` and an
//!   [`Unreachable`] reason.
//! - **Covered** means cost **≤ the cell's radius (inclusive)** — a cell exactly at 500 m of a
//!   primary school with a 500 m radius is covered — or, in a setting with `boarding_radius_m`,
//!   a straight line ≤ that reach to an open boarding school of the level. Coverage shares are always **population-weighted**
//!   (Σ demand of covered cells ÷ Σ demand), never counts of cells; zero-demand cells weigh
//!   nothing.
//! - **Cutoff of the pair lists**: besides the nearest school, every school within
//!   `max(radius, radius × catchment_factor)` of a cell is listed (straight: R-tree radius query;
//!   network: one bounded Dijkstra per school; matrix: all pairs). Allocation and accessibility
//!   use these lists; pairs beyond the cutoff play no role in either, by definition.
//! - **Allocation** ([`capacity::allocate_greedy`]): greedy, whole cells, in order of
//!   increasing cost over all (cell, school) pairs within the radius, ties by cell index then
//!   school index; a cell goes to the school when the school's spare seats are at least its
//!   demand. Schools with unknown seats (no `capacity_seats`, no `classes`) are not limited.
//!   Seats come from [`School::seats_for`](crate::model::School::seats_for) with the level's
//!   class size (a nine-year school's seats split 6 : 3 between primary and junior).
//! - **Load** of a school ([`LevelCoverage::school_load`]): with attendance zones
//!   (`zones = true`, [`crate::zones`]) the pupils of its zone; otherwise `nearest_demand`, the
//!   demand whose nearest school it is (the demand that "chooses" it, at any distance);
//!   utilisation = load ÷ seats; over capacity = load − seats when positive; spare seats = seats
//!   − allocated demand (under-use).
//! - **Accessibility** ([`capacity::two_step_fca`]): the two-step floating catchment area
//!   index of W. Luo and F. Wang (2003), "Measures of spatial accessibility to health care in a
//!   GIS environment: synthesis and a case study in the Chicago region", *Environment and
//!   Planning B* 30, 865–884, with the distance decay of the scenario (step as in the
//!   original; linear, Gaussian (Dai 2010) and exponential as in the enhanced 2SFCA of Luo and
//!   Qi 2009): `R_j = S_j / Σ_{i: d_ij ≤ d0} D_i W(d_ij)`, `A_i = Σ_{j: d_ij ≤ d0} R_j W(d_ij)`,
//!   `d0 = radius × catchment_factor`, the radius of the cell's setting. Unit: seats per pupil.
//! - **Areas**: per county and per township ([`AreaTally`]): demand, covered demand and
//!   allocated demand of the cells whose centroid lies in the area, and seats of the serving
//!   schools located in it; cells outside every area count only in [`LevelCoverage::city`].
//! - **Gaps** ([`gaps`], computed from a finished [`Coverage`]): the cells left without a school
//!   in reach (distance) or with only full schools in reach (seats), grouped by planning unit
//!   into pieces one school could close, each with the nearest school with spare seats and the
//!   best site.
//!
//! Levels are measured one after the other, each in parallel over cells (rayon).

mod access;
pub mod areas;
pub mod capacity;
mod demand;
pub mod gaps;
mod output;
pub mod reach;
pub mod settings;
pub mod snapping;

pub use areas::AreaTally;
pub use demand::{apply_forecast, level_demand, level_demand_with_warnings};
pub use output::SchoolLoad;

use crate::config::{CostUnit, DistanceMode, LevelConfig, Scenario, Setting, SettingStandard};
use crate::error::{Error, Problem, Severity};
use crate::forecast::Projection;
use crate::model::matrix::CostMatrix;
use crate::model::{Level, Map};
use crate::spatial::network::{NetworkOptions, RoadNetwork, Snap, Traversal};
use crate::zones::LevelZones;
use reach::Reach;

/// Why a cell has no school in reach at all (distance infinite).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unreachable {
    /// No open school serves the level.
    NoSchool,
    /// The cell is farther than `snap_max_m` from the road network.
    OffNetwork,
    /// The cell's network component holds no school of the level.
    Disconnected,
    /// The cost matrix has no pair for the cell.
    NoMatrixPair,
}

impl Unreachable {
    /// The snake_case name used in output files.
    pub fn name(self) -> &'static str {
        match self {
            Unreachable::NoSchool => "no_school",
            Unreachable::OffNetwork => "off_network",
            Unreachable::Disconnected => "disconnected",
            Unreachable::NoMatrixPair => "no_matrix_pair",
        }
    }
}

/// Coverage and capacity of one level.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelCoverage {
    /// The level measured.
    pub level: Level,
    /// Service radius of urban cells in the scenario's unit (metres or minutes), inclusive;
    /// see [`LevelCoverage::standards`] for the rural one.
    pub radius: f64,
    /// The standard of each setting (indexed by [`Setting::index`]).
    pub standards: [SettingStandard; 2],
    /// Per cell: its setting.
    pub setting: Vec<Setting>,
    /// Per cell: beyond the day radius but within the boarding reach of an open boarding school
    /// of the level (so covered).
    pub boarding: Vec<bool>,
    /// Per cell: demand of this level (cohort × enrolment rate × projection factor).
    pub demand: Vec<f64>,
    /// Per cell: index (into `Map::schools`) of the nearest open school serving the level.
    pub nearest: Vec<Option<usize>>,
    /// Per cell: cost to the nearest school (metres or minutes); `f64::INFINITY` if none.
    pub cost: Vec<f64>,
    /// Per cell: why no school is reachable (`None` when one is).
    pub unreachable: Vec<Option<Unreachable>>,
    /// Per cell: `cost ≤` the radius of the cell's setting, or served by a boarding school.
    pub covered: Vec<bool>,
    /// Per cell: the school the demand is allocated to under capacity (`None` when unallocated).
    pub allocated: Vec<Option<usize>>,
    /// Per school (all schools, 0 for those not serving the level): demand allocated.
    pub school_demand: Vec<f64>,
    /// Per school: seats for this level (`None` when unknown).
    pub school_seats: Vec<Option<f64>>,
    /// Per cell: two-step floating catchment accessibility (seats per pupil within reach).
    pub accessibility: Vec<f64>,
    /// Σ demand.
    pub total_demand: f64,
    /// Σ demand of covered cells.
    pub covered_demand: f64,
    /// Catchment of the accessibility index in urban cells (radius × catchment factor), same
    /// unit; a rural cell's is its own radius × the factor.
    pub catchment: f64,
    /// Per school: demand whose nearest school it is (any distance; 0 for non-serving ones).
    pub nearest_demand: Vec<f64>,
    /// Σ demand of cells allocated to a school.
    pub allocated_demand: f64,
    /// Per county (aligned with `Map::counties`).
    pub per_county: Vec<AreaTally>,
    /// Per township (aligned with `Map::townships`).
    pub per_township: Vec<AreaTally>,
    /// The whole map.
    pub city: AreaTally,
    /// The whole map, per setting (demand, covered, unreachable; no seats).
    pub per_setting: [AreaTally; 2],
    /// Per county and setting (demand, covered, unreachable; no seats).
    pub per_county_setting: Vec<[AreaTally; 2]>,
    /// Attendance zones, when the level asks for them.
    pub zones: Option<LevelZones>,
}

impl Default for LevelCoverage {
    /// An empty coverage of the kindergarten level (no cells, no schools): a base for
    /// `LevelCoverage { level, radius, .., ..Default::default() }` in tests.
    fn default() -> Self {
        LevelCoverage {
            level: Level::Kindergarten,
            radius: 0.0,
            standards: [SettingStandard {
                radius: 0.0,
                boarding_radius_m: None,
            }; 2],
            setting: Vec::new(),
            boarding: Vec::new(),
            demand: Vec::new(),
            nearest: Vec::new(),
            cost: Vec::new(),
            unreachable: Vec::new(),
            covered: Vec::new(),
            allocated: Vec::new(),
            school_demand: Vec::new(),
            school_seats: Vec::new(),
            accessibility: Vec::new(),
            total_demand: 0.0,
            covered_demand: 0.0,
            catchment: 0.0,
            nearest_demand: Vec::new(),
            allocated_demand: 0.0,
            per_county: Vec::new(),
            per_township: Vec::new(),
            city: AreaTally::default(),
            per_setting: [AreaTally::default(); 2],
            per_county_setting: Vec::new(),
            zones: None,
        }
    }
}

impl LevelCoverage {
    /// The day radius of cell `i` (its setting's), in the scenario's unit.
    pub fn radius_at(&self, i: usize) -> f64 {
        match self.setting.get(i).copied().unwrap_or_default() {
            Setting::Urban => self.radius,
            Setting::Rural => self.standards[Setting::Rural.index()].radius,
        }
    }

    /// Whether the level has different standards in urban and rural cells.
    pub fn has_settings(&self) -> bool {
        self.setting.contains(&Setting::Rural)
    }

    /// Population-weighted coverage share (covered ÷ demand); 1 when there is no demand.
    pub fn coverage(&self) -> f64 {
        if self.total_demand > 0.0 {
            self.covered_demand / self.total_demand
        } else {
            1.0
        }
    }
}

/// Coverage of every level of a scenario.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    /// How distance was measured.
    pub mode: DistanceMode,
    /// Unit of costs and radii.
    pub unit: CostUnit,
    /// One entry per measured level, in the scenario's order.
    pub levels: Vec<LevelCoverage>,
    /// Non-fatal problems met while measuring (missing cohort shares, schools off the network,
    /// matrix ids matching no cell), to be reported with the findings.
    pub warnings: Vec<Problem>,
    /// Per cell: its setting (urban or rural).
    pub settings: Vec<Setting>,
    /// The forecast the demand was scaled with (base year to the scenario's year).
    pub forecast: Option<Projection>,
    /// In network mode: what snapping to the road network did.
    pub network: Option<snapping::NetworkSnapping>,
}

impl Coverage {
    /// The coverage of a level, if measured.
    pub fn level(&self, level: Level) -> Option<&LevelCoverage> {
        self.levels.iter().find(|l| l.level == level)
    }
}

/// Measures every level of `scenario` on `map` (see the module docs). In matrix mode the
/// matrix is the one the map was loaded with ([`Map::matrix`]).
pub fn compute(map: &Map, scenario: &Scenario) -> Result<Coverage, Error> {
    match scenario.distance.mode {
        DistanceMode::Matrix => compute_with_matrix(map, scenario, map_matrix(map)?),
        _ => measure(map, scenario, None),
    }
}

/// The map's cost matrix, required in matrix mode.
pub fn map_matrix(map: &Map) -> Result<&CostMatrix, Error> {
    map.matrix
        .as_ref()
        .ok_or_else(|| Error::Usage("`distance.mode = \"matrix\"` needs `[layers.matrix]`".into()))
}

/// [`compute`] in matrix mode with a matrix already read.
pub fn compute_with_matrix(
    map: &Map,
    scenario: &Scenario,
    matrix: &CostMatrix,
) -> Result<Coverage, Error> {
    measure(map, scenario, Some(matrix))
}

/// Network state shared by the levels: built once, snaps per barrier setting.
struct NetState {
    net: RoadNetwork,
    cells: [Option<Vec<Option<Snap>>>; 2],
    trav: [Option<Traversal>; 2],
    snapping: snapping::NetworkSnapping,
}

fn measure(map: &Map, scenario: &Scenario, matrix: Option<&CostMatrix>) -> Result<Coverage, Error> {
    let d = &scenario.distance;
    let mode = if matrix.is_some() {
        DistanceMode::Matrix
    } else {
        d.mode
    };
    let positions: Vec<[f64; 2]> = map
        .demand
        .cells
        .iter()
        .map(|c| [c.pos.x, c.pos.y])
        .collect();
    let mut warnings = Vec::new();
    let mut net = (mode == DistanceMode::Network).then(|| {
        let (net, focus) = snapping::population_network(map, NetworkOptions::from_config(d));
        let cells = net.snap_all(&positions, false);
        let snapping = snapping::NetworkSnapping::new(&focus, d.snap_max_m, &cells);
        NetState {
            net,
            cells: [Some(cells), None],
            trav: [None, None],
            snapping,
        }
    });
    if let Some(n) = &net {
        if n.net.graph().edge_count() == 0 {
            warnings.push(warn(
                scenario,
                "network",
                "a road network with at least one segment",
                "none".into(),
            ));
        }
    }
    let cell_settings = settings::classify(map, scenario.settings.as_ref());
    let forecast = scenario
        .forecast
        .as_ref()
        .map(|f| Projection::project(f, scenario.year.unwrap_or(f.base_year)));
    if let Some(m) = matrix {
        warnings.extend(matrix_ids(m, map)?);
    }
    let mut levels = Vec::with_capacity(scenario.levels.len());
    for cfg in &scenario.levels {
        let (demand, w) = level_demand_with_warnings(map, scenario, cfg.level)?;
        warnings.extend(w);
        let catchment = cfg.radius * scenario.accessibility.catchment_factor;
        let cutoff = cfg
            .standards()
            .iter()
            .map(|s| {
                s.radius
                    .max(s.radius * scenario.accessibility.catchment_factor)
            })
            .fold(0.0, f64::max);
        let serving: Vec<usize> = (0..map.schools.len())
            .filter(|&j| map.schools[j].serves(cfg.level))
            .collect();
        let reach = if serving.is_empty() {
            Reach::none(positions.len(), Unreachable::NoSchool)
        } else if let Some(m) = matrix {
            let ids: Vec<&str> = map.demand.cells.iter().map(|c| c.id.as_str()).collect();
            let sids: Vec<Option<&str>> = map
                .schools
                .iter()
                .map(|s| s.serves(cfg.level).then_some(s.id.as_str()))
                .collect();
            reach::matrix(m, &ids, &sids, cutoff).0
        } else if let Some(ns) = net.as_mut() {
            network_reach(ns, map, scenario, cfg, &positions, cutoff, &mut warnings)
        } else {
            let pts: Vec<([f64; 2], usize)> = serving
                .iter()
                .map(|&j| ([map.schools[j].pos.x, map.schools[j].pos.y], j))
                .collect();
            reach::straight(
                &positions,
                &pts,
                cutoff,
                reach::metres_per_unit(d.unit, d.walk_speed_kmh),
            )
        };
        let full = if cfg.zones && mode != DistanceMode::Straight {
            Some(if let Some(m) = matrix {
                access::full_matrix_lists(map, cfg.level, m)
            } else {
                let ns = net.as_mut().expect("network mode");
                network_reach(
                    ns,
                    map,
                    scenario,
                    cfg,
                    &positions,
                    f64::INFINITY,
                    &mut Vec::new(),
                )
                .lists
                .into_lists()
            })
        } else {
            None
        };
        let mut lc = finish_level(map, scenario, cfg, demand, reach, catchment, &cell_settings);
        if cfg.zones {
            lc.zones = Some(access::zones(map, scenario, &lc, full.as_deref()));
        }
        levels.push(lc);
    }
    let network = net.map(|n| n.snapping);
    if let Some(w) = network.as_ref().and_then(|n| fragment_warning(scenario, n)) {
        warnings.push(w);
    }
    Ok(Coverage {
        mode,
        unit: d.unit,
        levels,
        warnings,
        settings: cell_settings,
        forecast,
        network,
    })
}

/// A warning when pieces of the network serve nobody and points were snapped past them.
fn fragment_warning(scenario: &Scenario, n: &snapping::NetworkSnapping) -> Option<Problem> {
    if n.fragments == 0 {
        return None;
    }
    let schools: usize = n.levels.iter().map(|l| l.past_fragment).sum();
    let first = n
        .levels
        .iter()
        .flat_map(|l| l.past_fragment_ids.first())
        .next()
        .map_or(String::new(), |id| format!(" (first school: {id:?})"));
    Some(warn(
        scenario,
        "network",
        "a connected road network",
        format!(
            "{} fragment(s) ({:.0} m of road) connected to nothing that serves the population; nothing is snapped to them: {} school snap(s){first} and {} cell(s) whose nearest road is a fragment were snapped to the serving network instead",
            n.fragments, n.fragment_length_m, schools, n.cells_past_fragment
        ),
    ))
}

/// How the ids of a cost matrix match the map: an error when no origin matches a population
/// cell or no destination matches a school or candidate (every cell would be unreachable, a
/// coverage of 0 % that says nothing), warnings with the counts when only some do.
fn matrix_ids(m: &CostMatrix, map: &Map) -> Result<Vec<Problem>, Error> {
    use std::collections::BTreeSet;
    let cells: BTreeSet<&str> = map.demand.cells.iter().map(|c| c.id.as_str()).collect();
    let sites: BTreeSet<&str> = map
        .schools
        .iter()
        .map(|s| s.id.as_str())
        .chain(map.candidates.iter().map(|c| c.id.as_str()))
        .collect();
    let (origins, destinations) = m.ids();
    let unmatched = |ids: &[String], known: &BTreeSet<&str>| -> Vec<String> {
        let mut v: Vec<String> = ids
            .iter()
            .filter(|i| !known.contains(i.as_str()))
            .cloned()
            .collect();
        v.sort();
        v
    };
    let (uo, ud) = (unmatched(origins, &cells), unmatched(destinations, &sites));
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for (ids, bad, column, what) in [
        (origins, &uo, "origin_id", "population cell"),
        (destinations, &ud, "destination_id", "school or candidate"),
    ] {
        let Some(first) = bad.first() else { continue };
        let severity = if bad.len() == ids.len() {
            Severity::Error
        } else {
            Severity::Warning
        };
        let found = format!(
            "{} of {} {column}(s) matching no {what} (first: {first:?})",
            bad.len(),
            ids.len()
        );
        let p = Problem::file(severity, m.file.clone(), format!("ids of {what}s"), found)
            .on_property(column);
        if severity == Severity::Error {
            errors.push(p);
        } else {
            warnings.push(p);
        }
    }
    if m.is_empty() {
        errors.push(Problem::file(
            Severity::Error,
            m.file.clone(),
            "at least one origin, destination and cost",
            "no pair",
        ));
    }
    if errors.is_empty() {
        Ok(warnings)
    } else {
        errors.extend(warnings);
        Err(Error::Invalid(errors))
    }
}

fn warn(scenario: &Scenario, what: &str, expected: &str, found: String) -> Problem {
    let file = match what {
        "network" => scenario.layers.network.as_ref(),
        _ => scenario.layers.schools.as_ref(),
    };
    let file = file.map_or_else(|| what.to_string(), |l| l.path.display().to_string());
    Problem::file(Severity::Warning, file, expected, found)
}

fn network_reach(
    ns: &mut NetState,
    map: &Map,
    scenario: &Scenario,
    cfg: &LevelConfig,
    positions: &[[f64; 2]],
    cutoff: f64,
    warnings: &mut Vec<Problem>,
) -> Reach {
    let v = usize::from(cfg.avoid_barriers);
    let net = &ns.net;
    if ns.cells[v].is_none() {
        // Snapping without barriers first; a cell whose nearest segment is no barrier snaps
        // the same when barriers are avoided, so only the others are snapped again.
        let all = ns.cells[0].get_or_insert_with(|| net.snap_all(positions, false));
        if v == 1 {
            let open = net.resnap_avoiding_barriers(positions, all);
            ns.cells[1] = Some(open);
        }
    }
    let cells = ns.cells[v].as_ref().expect("snapped above");
    let trav = ns.trav[v].get_or_insert_with(|| net.traversal(cfg.avoid_barriers));
    let schools: Vec<Option<Snap>> = map
        .schools
        .iter()
        .map(|s| {
            s.serves(cfg.level)
                .then(|| net.snap([s.pos.x, s.pos.y], cfg.avoid_barriers))
                .flatten()
        })
        .collect();
    ns.snapping.add_level(net, map, cfg.level, &schools);
    let off: Vec<&str> = map
        .schools
        .iter()
        .zip(&schools)
        .filter(|(s, snap)| s.serves(cfg.level) && snap.is_none())
        .map(|(s, _)| s.id.as_str())
        .collect();
    if let Some(first) = off.first() {
        let found = format!(
            "{} {} school(s) farther than snap_max_m = {} m from the network (first: {first:?}); they serve no cell",
            off.len(),
            cfg.level.name(),
            scenario.distance.snap_max_m
        );
        warnings.push(warn(
            scenario,
            "schools",
            "schools within reach of the road network",
            found,
        ));
    }
    reach::network(net, trav, cells, &schools, cutoff)
}

fn finish_level(
    map: &Map,
    scenario: &Scenario,
    cfg: &LevelConfig,
    demand: Vec<f64>,
    reach: Reach,
    catchment: f64,
    cell_settings: &[Setting],
) -> LevelCoverage {
    let standards = cfg.standards();
    let radius: Vec<f64> = cell_settings
        .iter()
        .map(|s| standards[s.index()].radius)
        .collect();
    let catchments: Vec<f64> = radius
        .iter()
        .map(|r| r * scenario.accessibility.catchment_factor)
        .collect();
    let m = map.schools.len();
    let school_seats: Vec<Option<f64>> = map
        .schools
        .iter()
        .map(|s| {
            if s.serves(cfg.level) {
                s.seats_for(cfg.level, cfg.class_size)
            } else {
                Some(0.0)
            }
        })
        .collect();
    let boarding = access::boarding_cover(
        map,
        cfg.level,
        &standards,
        cell_settings,
        &reach.cost,
        &radius,
    );
    let covered: Vec<bool> = reach
        .cost
        .iter()
        .zip(&radius)
        .zip(&boarding)
        .map(|((&c, &r), &b)| c <= r || b)
        .collect();
    let alloc = capacity::allocate_greedy(&demand, &reach.lists, &radius, &school_seats, m);
    let accessibility = capacity::two_step_fca(
        &demand,
        &reach.lists,
        &catchments,
        &school_seats,
        scenario.accessibility.decay,
    );
    let mut nearest_demand = vec![0.0; m];
    for (i, n) in reach.nearest.iter().enumerate() {
        if let Some(j) = n {
            nearest_demand[*j] += demand[i];
        }
    }
    // An empty float sum is -0.0 in Rust; `+ 0.0` makes it 0 (no "-0.0 %" in reports).
    let total_demand = demand.iter().sum::<f64>() + 0.0;
    let covered_demand = demand
        .iter()
        .zip(&covered)
        .filter(|(_, &c)| c)
        .map(|(d, _)| d)
        .sum::<f64>()
        + 0.0;
    let allocated_demand = demand
        .iter()
        .zip(&alloc.allocated)
        .filter(|(_, a)| a.is_some())
        .map(|(d, _)| d)
        .sum::<f64>()
        + 0.0;
    let mut lc = LevelCoverage {
        level: cfg.level,
        radius: cfg.radius,
        standards,
        setting: cell_settings.to_vec(),
        boarding,
        demand,
        nearest: reach.nearest,
        cost: reach.cost,
        unreachable: reach.unreachable,
        covered,
        allocated: alloc.allocated,
        school_demand: alloc.school_demand,
        school_seats,
        accessibility,
        total_demand,
        covered_demand,
        catchment,
        nearest_demand,
        allocated_demand,
        per_county: Vec::new(),
        per_township: Vec::new(),
        city: AreaTally::default(),
        per_setting: [AreaTally::default(); 2],
        per_county_setting: Vec::new(),
        zones: None,
    };
    areas::tally(map, &mut lc);
    lc
}
