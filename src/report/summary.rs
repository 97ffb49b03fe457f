//! `summary.json`: the machine-readable summary of a run.
//!
//! Keys are written in the order of the struct fields below; reals are rounded to 1e-6. The
//! names `levels[].level`, `radius_m` / `radius_min`, `demand`, `covered`, `coverage` and
//! `findings[].id`, `status`, `area`, `value`, `threshold` are relied on by other tools: keep them
//! stable. [`Summary`] also reads a `summary.json` back ([`Summary::read`]), which is what
//! [`super::compare`] works from.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::areas::AreaStat;
use super::gaps::{CapacityGap, GapArea};
use super::numbers::to_json_pretty;
use super::{FindingRow, FindingStatus, ProposalRow, RunBundle};
use crate::config::{CostUnit, DistanceMode, Language};
use crate::coverage::LevelCoverage;
use crate::error::{Error, Result};
use crate::model::Level;

/// Gap areas listed per level in the summary (the layer has them all).
pub const TOP_GAPS_PER_LEVEL: usize = 10;

/// Identifier of this summary format.
pub const SCHEMA: &str = "schoolplan-summary/1";

/// The scenario described.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Year described.
    pub year: Option<i32>,
    /// Report language.
    pub language: Language,
    /// Description.
    pub description: String,
    /// Files read (scenario, bases, includes): the scenario by its file name, the others
    /// relative to its folder ([`super::display_files`]); never absolute.
    pub files: Vec<String>,
}

/// How things were measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conventions {
    /// `straight`, `network` or `matrix`.
    pub distance_mode: DistanceMode,
    /// `m` or `min`.
    pub unit: CostUnit,
    /// The coverage test, in words.
    pub coverage_test: String,
    /// How a polygon cell is represented.
    pub centroid: String,
    /// Coordinates of the GeoJSON outputs.
    pub coordinates: String,
    /// The local projection distances are measured in.
    pub projection: String,
    /// Whether any input is marked synthetic.
    pub synthetic: bool,
}

/// Coverage and capacity of one level, city-wide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelSummary {
    /// The level.
    pub level: Level,
    /// Service radius in metres (when the unit is metres).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_m: Option<f64>,
    /// Service radius in minutes (when the unit is minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_min: Option<f64>,
    /// Cohort field.
    pub cohort: String,
    /// Residents of the cohort.
    pub population: f64,
    /// Demand: cohort × enrolment rate × projection factor, pupils.
    pub demand: f64,
    /// Demand within the radius (covered when distance ≤ radius).
    pub covered: f64,
    /// covered ÷ demand (1 when there is no demand).
    pub coverage: f64,
    /// Demand with no school of the level reachable at all.
    pub unreachable: f64,
    /// Seats of the open schools serving the level (unknown seats count 0).
    pub seats: f64,
    /// Demand allocated to schools under capacity (within the radius).
    pub allocated: f64,
    /// Open schools serving the level.
    pub schools: u32,
    /// Of those, schools whose nearest demand exceeds their seats (see
    /// [`crate::coverage::SchoolLoad`]).
    pub over_capacity_schools: u32,
    /// Σ over those schools of nearest demand − seats, pupils.
    pub over_capacity_pupils: f64,
    /// Of those, schools whose seats are unknown.
    pub schools_without_seats: u32,
    /// The standard and coverage of each setting (`urban`, `rural`), when the scenario
    /// classifies settings ([`super::access::SettingSummary`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<super::access::SettingSummary>,
    /// Attendance zones, when the level has them ([`super::access::ZonesSummary`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<super::access::ZonesSummary>,
}

/// Counts of findings by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FindingCounts {
    /// Passing.
    pub pass: u32,
    /// Failing.
    pub fail: u32,
    /// Not evaluable.
    pub not_evaluable: u32,
}

/// A proposal as written in the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalOut {
    /// Id.
    pub id: String,
    /// Rank within its level.
    pub rank: u32,
    /// Level.
    pub level: Level,
    /// `new` or `expansion`.
    pub kind: crate::model::ProjectKind,
    /// Candidate site or school id.
    pub site_id: String,
    /// Name.
    pub name: String,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Demand newly covered, pupils.
    pub demand_newly_covered: f64,
    /// Seats added.
    pub seats_added: Option<f64>,
    /// Classes added.
    pub classes_added: Option<u32>,
    /// Cost.
    pub cost: Option<f64>,
    /// The gap closed, in numbers (see [`super::ProposalRow::gap_closed`]).
    pub gap_closed: Option<String>,
    /// Id of the coverage gap the proposal closes or reduces most (see
    /// [`super::ProposalRow::gap_id`]).
    #[serde(default)]
    pub gap_id: Option<String>,
    /// Pupils short of a seat relieved.
    #[serde(default)]
    pub seats_short_relieved: Option<f64>,
    /// Classes of 56+ pupils removed.
    #[serde(default)]
    pub large_classes_removed: Option<u32>,
    /// Pupils the school will serve.
    #[serde(default)]
    pub served: Option<f64>,
    /// Rule ids addressed.
    pub closes_findings: Vec<String>,
}

/// The proposals section.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProposalsSummary {
    /// Method used.
    pub method: Option<String>,
    /// Objective reached.
    pub objective: Option<f64>,
    /// Proven bound.
    pub bound: Option<f64>,
    /// Relative optimality gap.
    pub optimality_gap: Option<f64>,
    /// Each request's certificate, in the order solved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<RequestCertificate>,
    /// The proposals, by level then rank.
    pub items: Vec<ProposalOut>,
}

/// What the solver proved for one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestCertificate {
    /// Request id.
    pub id: String,
    /// Problem solved (`mclp`, `mclp-capacitated`, `lscp`, `pmedian`, `pmedian-capacitated`,
    /// `pcenter`).
    pub problem: String,
    /// `optimal` (proven), `feasible` or `infeasible`.
    pub status: String,
    /// Objective reached: covered pupils (`mclp`), new sites (`lscp`), pupil-weighted cost
    /// (`pmedian`, in the distance unit × pupils) or the worst cost (`pcenter`, distance unit);
    /// `null` when infeasible.
    pub objective: Option<f64>,
    /// Proven bound on the best possible objective, same unit: no selection does better.
    pub bound: Option<f64>,
    /// Relative gap `|bound − objective| / objective` (0 = proven optimal).
    pub gap: Option<f64>,
    /// Why the search stopped: `complete` (proven, or nothing left to try), `work_limit` (the
    /// deterministic work budget ran out: the same answer on any machine) or `wall_clock` (the
    /// time limit cut it short first: the answer may differ between runs).
    pub stop: String,
    /// Work units the solver spent (deterministic; see `work_limit` in the request).
    pub work: u64,
}

/// A gap as written in the summary (the ten largest of each level; `gaps.geojson` has all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapRow {
    /// `<level>-<rank>`.
    pub id: String,
    /// Level.
    pub level: Level,
    /// Rank.
    pub rank: u32,
    /// Residents of the cohort.
    pub population: f64,
    /// Children of the level (demand), pupils.
    pub demand: f64,
    /// Cells.
    pub cell_count: u32,
    /// Area, km².
    pub area_km2: f64,
    /// Cost to the nearest school with spare seats from the closest cell (scenario unit).
    pub nearest_cost: Option<f64>,
    /// Nearest school with spare seats.
    pub nearest_school: Option<String>,
    /// Township code.
    pub township: Option<String>,
    /// Township name.
    pub township_name: Option<String>,
    /// County code.
    #[serde(default)]
    pub county: Option<String>,
    /// County name.
    #[serde(default)]
    pub county_name: Option<String>,
    /// `distance` or `seats`.
    #[serde(default)]
    pub kind: Option<String>,
    /// `urban` or `rural`.
    #[serde(default)]
    pub setting: Option<String>,
    /// Seats needed (children rounded up).
    #[serde(default)]
    pub seats_needed: f64,
    /// Classes needed.
    #[serde(default)]
    pub classes_needed: u32,
    /// Best site id (candidate, school to expand, or `cell:<id>`).
    #[serde(default)]
    pub best_site: Option<String>,
    /// `candidate`, `expansion` or `cell`.
    #[serde(default)]
    pub site_kind: Option<String>,
    /// Children of the gap the best site reaches, pupils.
    #[serde(default)]
    pub site_children: Option<f64>,
    /// The site's cost, when known.
    #[serde(default)]
    pub site_cost: Option<f64>,
    /// Why there is no site: `no_candidate`, `out_of_reach`.
    #[serde(default)]
    pub no_site: Option<String>,
    /// Failing findings linked to the gap (rule ids).
    #[serde(default)]
    pub findings: Vec<String>,
    /// Proposals sited within its reach.
    #[serde(default)]
    pub proposals: Vec<String>,
}

/// How many gaps a level has.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GapCount {
    /// The level.
    pub level: Level,
    /// Gaps listed one by one (in `gaps.geojson` with the scattered lines).
    pub count: u32,
    /// Scattered lines (one per township with small gaps).
    #[serde(default)]
    pub scattered_lines: u32,
    /// Children in all gap cells (listed and scattered), pupils.
    #[serde(default)]
    pub children: f64,
    /// Of them, in scattered lines, pupils.
    #[serde(default)]
    pub scattered_children: f64,
}

/// What the run's built proposals did to the gaps of the city without them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanGaps {
    /// Per level: gaps and children before and after, closed / shrunk / left.
    pub levels: Vec<super::gaps::GapLevelChange>,
    /// The gaps before the plan it closes or shrinks (by level, then before-rank).
    pub changed: Vec<super::gaps::GapClosure>,
}

/// A school, briefly (what a comparison needs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Level.
    pub level: Level,
    /// `existing`, `planned` or `closed`.
    pub status: crate::model::Status,
    /// Seats.
    pub capacity_seats: Option<f64>,
    /// Classes.
    pub classes: Option<u32>,
    /// Classes added by an expansion.
    pub added_classes: Option<u32>,
    /// Classes of 56 pupils or more (大班额), from `class_sizes` (`None` when not recorded).
    #[serde(default)]
    pub large_classes: Option<u32>,
}

/// The whole summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// [`SCHEMA`].
    pub schema: String,
    /// `schoolplan <version>`.
    pub tool: String,
    /// The scenario.
    pub scenario: ScenarioInfo,
    /// Conventions.
    pub conventions: Conventions,
    /// One entry per measured level.
    pub levels: Vec<LevelSummary>,
    /// Counties, by code.
    pub counties: Vec<AreaStat>,
    /// Townships, by code.
    pub townships: Vec<AreaStat>,
    /// Findings by status.
    pub finding_counts: FindingCounts,
    /// Findings: failing first, then not evaluable, then passing; each by id then area.
    pub findings: Vec<FindingRow>,
    /// Proposals.
    pub proposals: ProposalsSummary,
    /// The largest gap areas of each level (at most [`TOP_GAPS_PER_LEVEL`]).
    pub gaps: Vec<GapRow>,
    /// Number of gaps per level (all of them, in `gaps.geojson`).
    pub gap_counts: Vec<GapCount>,
    /// What the built proposals did to the gaps (runs that built any).
    #[serde(default)]
    pub plan_gaps: Option<PlanGaps>,
    /// Areas whose demand exceeds their seats.
    pub capacity_gaps: Vec<CapacityGap>,
    /// Every school, by id.
    pub schools: Vec<SchoolRow>,
    /// In network mode: how cells and schools were snapped to the road network (pieces of
    /// the network, access legs in metres, points snapped past fragments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<crate::coverage::snapping::NetworkSnapping>,
    /// Warnings met while loading and measuring, as text.
    pub warnings: Vec<String>,
    /// Children per year (base to scenario year), county and level, when the scenario has a
    /// forecast ([`super::access::ForecastRow`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forecast: Vec<super::access::ForecastRow>,
    /// The births series behind it, recorded or estimated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forecast_births: Vec<super::access::BirthRow>,
}

/// Findings sorted for reports: failing first, then not evaluable, then passing; by id, area.
pub fn sorted_findings(rows: &[FindingRow]) -> Vec<FindingRow> {
    let mut v = rows.to_vec();
    v.sort_by(|a, b| (a.status, &a.id, &a.area).cmp(&(b.status, &b.id, &b.area)));
    v
}

/// The summary's row of a gap.
pub fn gap_row(g: &GapArea) -> GapRow {
    GapRow {
        id: g.id.clone(),
        level: g.level,
        rank: g.rank,
        population: g.population,
        demand: g.demand,
        cell_count: g.cells.len() as u32,
        area_km2: g.area_km2,
        nearest_cost: g.nearest_cost,
        nearest_school: g.nearest_school.clone(),
        township: g.township.clone(),
        township_name: g.township_name.clone(),
        county: g.county.clone(),
        county_name: g.county_name.clone(),
        kind: Some(g.kind.name().to_string()),
        setting: g.setting.map(|s| s.name().to_string()),
        seats_needed: g.seats_needed,
        classes_needed: g.classes_needed,
        best_site: g.site.as_ref().map(|s| s.id.clone()),
        site_kind: g.site.as_ref().map(|s| s.kind.name().to_string()),
        site_children: g.site.as_ref().map(|s| s.children),
        site_cost: g.site.as_ref().and_then(|s| s.cost),
        no_site: g.no_site.map(|n| n.name().to_string()),
        findings: g.findings.clone(),
        proposals: g.proposals.clone(),
    }
}

impl Summary {
    /// Builds the summary of a run: one function per section below.
    pub fn build(
        b: &RunBundle,
        areas: &[AreaStat],
        gaps: &[GapArea],
        capacity: &[CapacityGap],
    ) -> Summary {
        let of_kind = |county: bool| -> Vec<AreaStat> {
            areas
                .iter()
                .filter(|a| (a.kind == crate::model::AreaKind::County) == county)
                .cloned()
                .collect()
        };
        Summary {
            schema: SCHEMA.into(),
            tool: format!("schoolplan {}", env!("CARGO_PKG_VERSION")),
            scenario: scenario_info(b),
            conventions: conventions(b),
            levels: b
                .coverage
                .levels
                .iter()
                .map(|lc| level_summary(b, lc))
                .collect(),
            counties: of_kind(true),
            townships: of_kind(false),
            finding_counts: finding_counts(b.findings),
            findings: sorted_findings(b.findings),
            proposals: proposals_summary(b),
            gaps: gaps
                .iter()
                .filter(|g| !g.scattered && g.rank as usize <= TOP_GAPS_PER_LEVEL)
                .map(gap_row)
                .collect(),
            gap_counts: gap_counts(b, gaps),
            plan_gaps: None,
            capacity_gaps: capacity.to_vec(),
            schools: school_rows(b.map),
            network: b.coverage.network.clone(),
            warnings: warnings(b),
            forecast: super::access::forecast_rows(b),
            forecast_births: super::access::birth_rows(b),
        }
    }

    /// The summary as pretty JSON, reals rounded to 1e-6, with a final newline.
    pub fn to_json(&self) -> String {
        to_json_pretty(self)
    }

    /// Reads a `summary.json` written by [`Summary::to_json`].
    pub fn read(path: &Path) -> Result<Summary> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::Output {
            path: path.to_path_buf(),
            message: format!("not a schoolplan summary.json: {e}"),
        })
    }

    /// The summary of a level, if measured.
    pub fn level(&self, level: Level) -> Option<&LevelSummary> {
        self.levels.iter().find(|l| l.level == level)
    }
}

/// The scenario section: name, title, year, language and the files read.
fn scenario_info(b: &RunBundle) -> ScenarioInfo {
    let sc = b.scenario;
    ScenarioInfo {
        name: sc.name.clone(),
        title: sc.title.clone(),
        year: sc.year,
        language: sc.language,
        description: sc.description.clone(),
        files: super::display_files(&sc.files),
    }
}

/// How things were measured, in words.
fn conventions(b: &RunBundle) -> Conventions {
    Conventions {
        distance_mode: b.coverage.mode,
        unit: b.coverage.unit,
        coverage_test: "covered when distance <= radius (inclusive)".into(),
        centroid: "a polygon cell is represented by its centroid; distances are measured from it"
            .into(),
        coordinates: "WGS 84 lon/lat (EPSG:4326, RFC 7946), rounded to 1e-7 degrees".into(),
        projection: b.map.projection.proj_string(),
        synthetic: b.map.synthetic,
    }
}

/// Coverage and capacity of one measured level, city-wide.
fn level_summary(b: &RunBundle, lc: &LevelCoverage) -> LevelSummary {
    let map = b.map;
    let cohort = b
        .scenario
        .level(lc.level)
        .map(|c| c.cohort_field.clone())
        .unwrap_or_default();
    let population = map
        .demand
        .cohort_index(&cohort)
        .map_or(0.0, |k| map.demand.cohort_total(k));
    let serving: Vec<usize> = (0..map.schools.len())
        .filter(|&j| map.schools[j].serves(lc.level))
        .collect();
    let unreachable = (0..lc.demand.len())
        .filter(|&i| !lc.cost[i].is_finite())
        .map(|i| lc.demand[i])
        .sum();
    let (radius_m, radius_min) = match b.coverage.unit {
        CostUnit::M => (Some(lc.radius), None),
        CostUnit::Min => (None, Some(lc.radius)),
    };
    let over = |j: usize| lc.school_load(j).over_capacity;
    LevelSummary {
        level: lc.level,
        radius_m,
        radius_min,
        cohort,
        population,
        demand: lc.total_demand,
        covered: lc.covered_demand,
        coverage: lc.coverage(),
        unreachable,
        seats: serving.iter().filter_map(|&j| lc.school_seats[j]).sum(),
        allocated: serving.iter().map(|&j| lc.school_demand[j]).sum(),
        schools: serving.len() as u32,
        over_capacity_schools: serving
            .iter()
            .filter(|&&j| over(j).is_some_and(|o| o > 0.0))
            .count() as u32,
        over_capacity_pupils: serving.iter().filter_map(|&j| over(j)).sum(),
        schools_without_seats: serving
            .iter()
            .filter(|&&j| lc.school_seats[j].is_none())
            .count() as u32,
        settings: super::access::settings_summary(b, lc),
        zones: super::access::zones_summary(map, lc),
    }
}

/// Findings counted by status.
fn finding_counts(findings: &[FindingRow]) -> FindingCounts {
    let mut counts = FindingCounts::default();
    for f in findings {
        match f.status {
            FindingStatus::Pass => counts.pass += 1,
            FindingStatus::Fail => counts.fail += 1,
            FindingStatus::NotEvaluable => counts.not_evaluable += 1,
        }
    }
    counts
}

/// The proposals section: the method, its certificates and the proposals by level then rank.
fn proposals_summary(b: &RunBundle) -> ProposalsSummary {
    let mut items: Vec<ProposalOut> = b.proposals.iter().map(proposal_out).collect();
    items.sort_by(|a, c| (a.level, a.rank, &a.id).cmp(&(c.level, c.rank, &c.id)));
    let meta = b.proposal_meta;
    ProposalsSummary {
        method: meta.map(|m| m.method.clone()),
        objective: meta.and_then(|m| m.objective),
        bound: meta.and_then(|m| m.bound),
        optimality_gap: meta.and_then(|m| m.optimality_gap),
        requests: meta
            .map(|m| m.requests.iter().map(certificate).collect())
            .unwrap_or_default(),
        items,
    }
}

/// A proposal as written in the summary (coordinates rounded).
fn proposal_out(p: &ProposalRow) -> ProposalOut {
    ProposalOut {
        id: p.id.clone(),
        rank: p.rank,
        level: p.level,
        kind: p.kind,
        site_id: p.site_id.clone(),
        name: p.name.clone(),
        lon: super::numbers::round_coord(p.lonlat.x),
        lat: super::numbers::round_coord(p.lonlat.y),
        demand_newly_covered: p.demand_newly_covered,
        seats_added: p.seats_added,
        classes_added: p.classes_added,
        cost: p.cost,
        gap_closed: p.gap_closed.clone(),
        gap_id: p.gap_id.clone(),
        seats_short_relieved: p.seats_short_relieved,
        large_classes_removed: p.large_classes_removed,
        served: p.served,
        closes_findings: p.closes_findings.clone(),
    }
}

/// Gaps and their children per measured level, listed and scattered apart.
fn gap_counts(b: &RunBundle, gaps: &[GapArea]) -> Vec<GapCount> {
    let mut counts: Vec<GapCount> = b
        .coverage
        .levels
        .iter()
        .map(|l| GapCount {
            level: l.level,
            count: 0,
            scattered_lines: 0,
            children: 0.0,
            scattered_children: 0.0,
        })
        .collect();
    for g in gaps {
        if let Some(e) = counts.iter_mut().find(|e| e.level == g.level) {
            e.children += g.demand;
            if g.scattered {
                e.scattered_lines += 1;
                e.scattered_children += g.demand;
            } else {
                e.count += 1;
            }
        }
    }
    counts
}

/// Every school, briefly, by id.
fn school_rows(map: &crate::model::Map) -> Vec<SchoolRow> {
    let mut schools: Vec<SchoolRow> =
        map.schools
            .iter()
            .map(|s| SchoolRow {
                id: s.id.clone(),
                name: s.name.clone(),
                level: s.level,
                status: s.status,
                capacity_seats: s.capacity_seats,
                classes: s.classes,
                added_classes: s.added_classes,
                large_classes: s.class_sizes.as_deref().map(|c| {
                    crate::propose::need::large_classes(c, crate::propose::need::LARGE_CLASS)
                }),
            })
            .collect();
    schools.sort_by(|a, c| a.id.cmp(&c.id));
    schools
}

/// The loading and measuring warnings as text, each file named relative to the scenario
/// (never by absolute path).
fn warnings(b: &RunBundle) -> Vec<String> {
    let scenario_file = b.scenario.files.first().cloned().unwrap_or_default();
    b.map
        .warnings
        .iter()
        .chain(&b.coverage.warnings)
        .map(|w| {
            let mut w = w.clone();
            let files = [scenario_file.clone(), w.file.clone().into()];
            if let Some(rel) = super::display_files(&files).get(1) {
                w.file = rel.clone();
            }
            w.to_string()
        })
        .collect()
}

fn certificate(r: &super::RequestMeta) -> RequestCertificate {
    let finite = |x: f64| x.is_finite().then_some(x);
    RequestCertificate {
        id: r.id.clone(),
        problem: r.problem.clone(),
        status: r.status.clone(),
        objective: finite(r.objective),
        bound: finite(r.bound),
        gap: finite(r.gap),
        stop: r.stop.clone(),
        work: r.work,
    }
}
