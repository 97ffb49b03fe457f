//! Test support: small hand-built maps and scenarios, in metres, without files.
//!
//! Used by the coverage tests, the benchmark and anyone who needs a [`Map`] or a [`Scenario`]
//! in a test. Positions are local metres; WGS 84 copies are left at zero.

use std::collections::BTreeMap;
use std::path::PathBuf;

use geo::{Coord, LineString, MultiPolygon};

use schoolplan::config::{
    AccessibilityConfig, CostUnit, Decay, DistanceConfig, DistanceMode, Language, LayersFile,
    LevelConfig, PopulationFile, Scenario,
};
use schoolplan::geodesy::projection::LocalProjection;
use schoolplan::model::{
    Area, AreaKind, DemandCell, DemandLayer, Level, Map, Ownership, Road, School, Status,
};

fn xy(p: [f64; 2]) -> Coord<f64> {
    Coord { x: p[0], y: p[1] }
}

/// An existing public school of `level` at `p` with `seats` seats (`None`: unknown).
pub fn school(id: &str, level: Level, p: [f64; 2], seats: Option<f64>) -> School {
    School {
        id: id.into(),
        name: String::new(),
        level,
        ownership: Ownership::Public,
        inclusive: None,
        quality: None,
        boarding: None,
        status: Status::Existing,
        capacity_seats: seats,
        enrolment: None,
        classes: None,
        added_classes: None,
        class_sizes: None,
        resources: BTreeMap::new(),
        synthetic: true,
        pos: xy(p),
        lonlat: Coord { x: 0.0, y: 0.0 },
        feature_index: 0,
    }
}

/// A point cell at `p` with residents per cohort (aligned with the layer's cohorts), in
/// `county`.
pub fn cell(id: &str, p: [f64; 2], cohort_pop: Vec<f64>, county: Option<usize>) -> DemandCell {
    DemandCell {
        id: id.into(),
        pos: xy(p),
        lonlat: Coord { x: 0.0, y: 0.0 },
        shape_m: None,
        shape_lonlat: None,
        pop_total: None,
        cohort_pop,
        county,
        township: None,
        synthetic: true,
        housing: None,
        feature_index: 0,
    }
}

/// An area with an empty shape.
pub fn area(code: &str, kind: AreaKind) -> Area {
    Area {
        code: code.into(),
        name: code.into(),
        kind,
        county: None,
        shape_m: MultiPolygon(Vec::new()),
        shape_lonlat: MultiPolygon(Vec::new()),
        synthetic: true,
        feature_index: 0,
    }
}

/// A road through `points`.
pub fn road(id: &str, points: &[[f64; 2]], oneway: bool, barrier: bool) -> Road {
    Road {
        id: id.into(),
        line_m: LineString(points.iter().map(|&p| xy(p)).collect()),
        speed_kmh: None,
        oneway,
        barrier,
        cost: None,
        feature_index: 0,
    }
}

/// A map of these schools, cells (with cohort field names `cohorts`), counties and roads.
/// School areas are left unknown.
pub fn map(
    schools: Vec<School>,
    cohorts: &[&str],
    cells: Vec<DemandCell>,
    counties: Vec<Area>,
    roads: Vec<Road>,
) -> Map {
    Map {
        projection: LocalProjection::new(123.9, 41.9).expect("valid centre"),
        school_areas: vec![(None, None); schools.len()],
        schools,
        demand: DemandLayer {
            cohorts: cohorts.iter().map(|s| s.to_string()).collect(),
            cells,
        },
        counties,
        townships: Vec::new(),
        candidates: Vec::new(),
        roads,
        matrix: None,
        warnings: Vec::new(),
        synthetic: true,
    }
}

/// A level with radius `radius` (scenario unit) and the national defaults otherwise.
pub fn level(level: Level, radius: f64) -> LevelConfig {
    LevelConfig {
        radius,
        ..LevelConfig::defaults(level)
    }
}

/// A scenario measuring `levels` in `mode` and metres, with default distance options, step
/// decay and catchment factor 2.
pub fn scenario(levels: Vec<LevelConfig>, mode: DistanceMode) -> Scenario {
    Scenario {
        path: PathBuf::from("test.toml"),
        name: "test".into(),
        title: "test".into(),
        description: String::new(),
        language: Language::En,
        year: None,
        layers: LayersFile::default(),
        distance: DistanceConfig {
            mode,
            unit: CostUnit::M,
            walk_speed_kmh: 4.5,
            snap_max_m: 1000.0,
            join_tolerance_m: 1.0,
        },
        population: PopulationFile::default(),
        levels,
        accessibility: AccessibilityConfig {
            decay: Decay::Step,
            catchment_factor: 2.0,
        },
        gaps: Default::default(),
        settings: None,
        forecast: None,
        rules: Vec::new(),
        proposals: Vec::new(),
        out_dir: PathBuf::from("out/test"),
        files: Vec::new(),
    }
}
