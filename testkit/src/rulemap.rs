//! Tiny hand-made maps, coverages and scenarios for the rule tests (`tests/rules_*.rs`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use geo::{Coord, MultiPolygon};
use schoolplan::config::{
    AccessibilityConfig, CostUnit, Decay, DistanceConfig, DistanceMode, Language, LayersFile,
    LevelConfig, PopulationFile, Scenario, Sourced,
};
use schoolplan::coverage::{Coverage, LevelCoverage};
use schoolplan::geodesy::projection::LocalProjection;
use schoolplan::model::{
    Area, AreaKind, DemandCell, DemandLayer, Level, Map, Ownership, School, Status,
};
use schoolplan::rules::{self, Finding, FindingStatus, Project};

/// A public, open school with no optional data, at (x, y) metres.
pub fn school(id: &str, level: Level) -> School {
    School {
        id: id.into(),
        name: format!("School {id}"),
        level,
        ownership: Ownership::Public,
        inclusive: None,
        quality: None,
        boarding: None,
        status: Status::Existing,
        capacity_seats: None,
        enrolment: None,
        classes: None,
        added_classes: None,
        class_sizes: None,
        resources: BTreeMap::new(),
        synthetic: true,
        pos: Coord { x: 0.0, y: 0.0 },
        lonlat: Coord { x: 0.0, y: 0.0 },
        feature_index: 0,
    }
}

/// An area with an empty shape.
pub fn area(code: &str, name: &str, kind: AreaKind, county: Option<usize>) -> Area {
    Area {
        code: code.into(),
        name: name.into(),
        kind,
        county,
        shape_m: MultiPolygon(vec![]),
        shape_lonlat: MultiPolygon(vec![]),
        synthetic: true,
        feature_index: 0,
    }
}

/// A cell at (x, y) in county / township with `pop_total`.
pub fn cell(
    id: &str,
    x: f64,
    y: f64,
    county: usize,
    township: Option<usize>,
    pop: Option<f64>,
) -> DemandCell {
    DemandCell {
        id: id.into(),
        pos: Coord { x, y },
        lonlat: Coord { x: 0.0, y: 0.0 },
        shape_m: None,
        shape_lonlat: None,
        pop_total: pop,
        cohort_pop: vec![],
        county: Some(county),
        township,
        synthetic: true,
        housing: None,
        feature_index: 0,
    }
}

/// Two counties (A 000001, B 000002), three townships: 000001001 street (A), 000001101 town
/// (A), 000002201 township (B).
pub struct TestMap {
    /// The map built so far.
    pub map: Map,
}

impl Default for TestMap {
    fn default() -> Self {
        Self::new()
    }
}

impl TestMap {
    /// The two counties and three townships, no schools and no cells.
    pub fn new() -> Self {
        let counties = vec![
            area("000001", "County A", AreaKind::County, None),
            area("000002", "County B", AreaKind::County, None),
        ];
        let townships = vec![
            area("000001001", "A Street", AreaKind::Street, Some(0)),
            area("000001101", "A Town", AreaKind::Town, Some(0)),
            area("000002201", "B Township", AreaKind::Township, Some(1)),
        ];
        TestMap {
            map: Map {
                projection: LocalProjection::new(123.9, 41.85).unwrap(),
                schools: vec![],
                demand: DemandLayer::default(),
                counties,
                townships,
                candidates: vec![],
                roads: vec![],
                matrix: None,
                school_areas: vec![],
                warnings: vec![],
                synthetic: true,
            },
        }
    }

    /// Adds a school in `township` (its county follows); returns its index.
    pub fn add(&mut self, s: School, township: usize) -> usize {
        let county = self.map.townships[township].county;
        self.map.schools.push(s);
        self.map.school_areas.push((county, Some(township)));
        self.map.schools.len() - 1
    }

    /// Adds a cell in `township`; returns its index.
    pub fn add_cell(
        &mut self,
        id: &str,
        x: f64,
        y: f64,
        township: usize,
        pop: Option<f64>,
    ) -> usize {
        let county = self.map.townships[township].county.unwrap();
        self.map
            .demand
            .cells
            .push(cell(id, x, y, county, Some(township), pop));
        self.map.demand.cells.len() - 1
    }
}

/// A level's coverage for `map` with the given per-cell demand and covered flags, every school
/// with `seats` and `allocated` demand as given (index-aligned with the map's schools).
pub fn level_coverage(
    level: Level,
    radius: f64,
    demand: Vec<f64>,
    cost: Vec<f64>,
    school_seats: Vec<Option<f64>>,
    school_demand: Vec<f64>,
) -> LevelCoverage {
    let covered: Vec<bool> = cost.iter().map(|c| *c <= radius).collect();
    let total: f64 = demand.iter().sum();
    let cov: f64 = demand
        .iter()
        .zip(&covered)
        .filter(|(_, c)| **c)
        .map(|(d, _)| d)
        .sum();
    let n = demand.len();
    LevelCoverage {
        level,
        radius,
        nearest: vec![None; n],
        unreachable: vec![None; n],
        allocated: vec![None; n],
        accessibility: vec![0.0; n],
        nearest_demand: school_demand.clone(),
        demand,
        cost,
        covered,
        school_demand,
        school_seats,
        total_demand: total,
        covered_demand: cov,
        ..Default::default()
    }
}

/// A coverage made of the given levels (straight line, metres).
pub fn coverage(levels: Vec<LevelCoverage>) -> Coverage {
    Coverage {
        mode: DistanceMode::Straight,
        unit: CostUnit::M,
        levels,
        warnings: vec![],
        ..Default::default()
    }
}

/// A scenario whose rules are the `[[rules]]` tables of `rules_toml` (declared in `test.toml`),
/// measuring kindergarten, primary, junior and senior with national defaults.
pub fn scenario(rules_toml: &str) -> Scenario {
    scenario_lang(rules_toml, Language::En)
}

/// Same, in a language.
pub fn scenario_lang(rules_toml: &str, language: Language) -> Scenario {
    #[derive(serde::Deserialize)]
    struct Rules {
        #[serde(default)]
        rules: Vec<toml::Table>,
    }
    let parsed: Rules = toml::from_str(rules_toml).expect("test rules are valid TOML");
    Scenario {
        path: PathBuf::from("test.toml"),
        name: "test".into(),
        title: "test".into(),
        description: String::new(),
        language,
        year: None,
        layers: LayersFile::default(),
        distance: DistanceConfig {
            mode: DistanceMode::Straight,
            unit: CostUnit::M,
            walk_speed_kmh: 4.5,
            snap_max_m: 1000.0,
            join_tolerance_m: 1.0,
        },
        population: PopulationFile::default(),
        levels: [
            Level::Kindergarten,
            Level::Primary,
            Level::Junior,
            Level::Senior,
        ]
        .into_iter()
        .map(LevelConfig::defaults)
        .collect(),
        accessibility: AccessibilityConfig {
            decay: Decay::Step,
            catchment_factor: 2.0,
        },
        gaps: Default::default(),
        settings: None,
        forecast: None,
        rules: parsed
            .rules
            .into_iter()
            .map(|table| Sourced {
                file: PathBuf::from("test.toml"),
                table,
            })
            .collect(),
        proposals: vec![],
        out_dir: PathBuf::from("out/test"),
        files: vec![],
    }
}

/// Evaluates `rules_toml` on the map and coverage.
pub fn check(rules_toml: &str, map: &Map, cov: &Coverage) -> Vec<Finding> {
    check_with(rules_toml, map, cov, &[])
}

/// Same, with extra projects.
pub fn check_with(
    rules_toml: &str,
    map: &Map,
    cov: &Coverage,
    projects: &[Project],
) -> Vec<Finding> {
    let sc = scenario(rules_toml);
    rules::evaluate(map, &sc, cov, projects).expect("rules parse")
}

/// The finding for `area_code` (or the city when `None`).
pub fn at<'a>(findings: &'a [Finding], area_code: Option<&str>) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.area_code.as_deref() == area_code && f.school_id.is_none())
        .unwrap_or_else(|| panic!("no finding for {area_code:?} in {findings:#?}"))
}

/// The finding for school `id`.
pub fn for_school<'a>(findings: &'a [Finding], id: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.school_id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no finding for school {id} in {findings:#?}"))
}

#[allow(unused_imports)]
pub use FindingStatus::{Fail, NotEvaluable, Pass};
