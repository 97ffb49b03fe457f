//! A small synthetic town (a grid of 250 m cells near Fushun, one county, two townships, a few
//! schools), with straight-line coverage computed here, for the report's tests, the examples and
//! a `--demo` run. Every feature is marked synthetic.
//!
//! [`SampleRun::baseline`] has an uncovered east side; [`SampleRun::plan`] adds a new primary
//! school there, expands a junior school and closes a kindergarten, so that a comparison has
//! something to show.

use std::collections::BTreeMap;
use std::path::PathBuf;

use geo::{coord, Coord, LineString, MultiPolygon, Polygon};

use schoolplan::config::{
    AccessibilityConfig, CostUnit, Decay, DistanceConfig, DistanceMode, Language, LayersFile,
    LevelConfig, PopulationFile, Scenario,
};
use schoolplan::coverage::Coverage;
use schoolplan::geodesy::projection::LocalProjection;
use schoolplan::model::{
    Area, AreaKind, DemandCell, DemandLayer, Level, Map, Ownership, ProjectKind, School, Status,
};
use schoolplan::report::{
    FindingRow, FindingStatus, ProposalMeta, ProposalRow, RequestMeta, RunBundle,
};

/// Cell side of the sample grid, metres.
pub const CELL_M: f64 = 250.0;
const COLS: i32 = 8;
const ROWS: i32 = 5;

/// A complete, owned run of the sample town.
#[derive(Debug, Clone)]
pub struct SampleRun {
    /// The map.
    pub map: Map,
    /// The scenario.
    pub scenario: Scenario,
    /// Coverage (straight line, computed here).
    pub coverage: Coverage,
    /// Findings.
    pub findings: Vec<FindingRow>,
    /// Proposals.
    pub proposals: Vec<ProposalRow>,
    /// Proposal metadata.
    pub meta: ProposalMeta,
}

impl SampleRun {
    /// The baseline: the east of the town is beyond 500 m of any primary school.
    pub fn baseline() -> SampleRun {
        build(false)
    }

    /// The plan: a new primary school in the east, a junior school expanded, a kindergarten
    /// closed.
    pub fn plan() -> SampleRun {
        build(true)
    }

    /// References to everything, for [`schoolplan::report::write_run`].
    pub fn bundle(&self) -> RunBundle<'_> {
        RunBundle {
            map: &self.map,
            scenario: &self.scenario,
            coverage: &self.coverage,
            findings: &self.findings,
            proposals: &self.proposals,
            proposal_meta: Some(&self.meta),
            coverage_before: None,
        }
    }
}

/// A rectangle in metres as a polygon (counter-clockwise).
pub fn rect_m(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    Polygon::new(
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    )
}

/// The same polygon in WGS 84 degrees through `proj`.
pub fn to_lonlat(proj: &LocalProjection, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::MapCoords;
    mp.map_coords(|c| {
        let (lon, lat) = proj
            .to_wgs84(c.x, c.y)
            .expect("sample coordinates are finite");
        coord! { x: lon, y: lat }
    })
}

fn lonlat(proj: &LocalProjection, p: Coord<f64>) -> Coord<f64> {
    let (x, y) = proj
        .to_wgs84(p.x, p.y)
        .expect("sample coordinates are finite");
    coord! { x: x, y: y }
}

/// A school with everything optional unset.
pub fn school(
    proj: &LocalProjection,
    id: &str,
    name: &str,
    level: Level,
    x: f64,
    y: f64,
) -> School {
    let pos = coord! { x: x, y: y };
    School {
        id: id.into(),
        name: name.into(),
        level,
        ownership: Ownership::Public,
        inclusive: Some(true),
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
        pos,
        lonlat: lonlat(proj, pos),
        feature_index: 0,
    }
}

fn area(proj: &LocalProjection, code: &str, name: &str, kind: AreaKind, r: Polygon<f64>) -> Area {
    let shape_m = MultiPolygon::new(vec![r]);
    Area {
        code: code.into(),
        name: name.into(),
        kind,
        county: if kind == AreaKind::County {
            None
        } else {
            Some(0)
        },
        shape_lonlat: to_lonlat(proj, &shape_m),
        shape_m,
        synthetic: true,
        feature_index: 0,
    }
}

fn build(plan: bool) -> SampleRun {
    let proj = LocalProjection::new(123.95, 41.88).expect("valid centre");
    let w = COLS as f64 * CELL_M / 2.0;
    let h = ROWS as f64 * CELL_M / 2.0;
    let counties = vec![area(
        &proj,
        "210411",
        "顺城区",
        AreaKind::County,
        rect_m(-w, -h, w, h),
    )];
    let townships = vec![
        area(
            &proj,
            "210411001",
            "新华街道",
            AreaKind::Street,
            rect_m(-w, -h, 0.0, h),
        ),
        area(
            &proj,
            "210411100",
            "会元乡",
            AreaKind::Township,
            rect_m(0.0, -h, w, h),
        ),
    ];
    let mut cells = Vec::new();
    for r in 0..ROWS {
        for c in 0..COLS {
            let x0 = -w + c as f64 * CELL_M;
            let y0 = -h + r as f64 * CELL_M;
            let shape_m = MultiPolygon::new(vec![rect_m(x0, y0, x0 + CELL_M, y0 + CELL_M)]);
            let pos = coord! { x: x0 + CELL_M / 2.0, y: y0 + CELL_M / 2.0 };
            // Denser in the west, a hole of empty cells in the middle row.
            let base = if r == 2 && c == 3 {
                0.0
            } else {
                ((COLS - c) * 40 + r * 15) as f64
            };
            let k = if plan { 0.8 } else { 1.0 }; // fewer young children by the plan year
            cells.push(DemandCell {
                id: format!("c{r}{c}"),
                pos,
                lonlat: lonlat(&proj, pos),
                shape_lonlat: Some(to_lonlat(&proj, &shape_m)),
                shape_m: Some(shape_m),
                pop_total: Some(base * 10.0),
                cohort_pop: vec![base * 0.3 * k, base * 0.6, base * 0.3],
                county: Some(0),
                township: Some(if pos.x < 0.0 { 0 } else { 1 }),
                synthetic: true,
                housing: None,
                feature_index: (r * COLS + c) as usize,
            });
        }
    }
    let demand = DemandLayer {
        cohorts: vec!["pop_12_14".into(), "pop_3_5".into(), "pop_6_11".into()],
        cells: cells
            .into_iter()
            .map(|mut c| {
                // Align with the sorted cohort names above.
                let (k, p, j) = (c.cohort_pop[0], c.cohort_pop[1], c.cohort_pop[2]);
                c.cohort_pop = vec![j, k, p];
                c
            })
            .collect(),
    };
    let mut schools = vec![
        school(
            &proj,
            "K01",
            "实验幼儿园",
            Level::Kindergarten,
            -700.0,
            100.0,
        ),
        school(
            &proj,
            "K02",
            "会元中心幼儿园",
            Level::Kindergarten,
            300.0,
            -300.0,
        ),
        school(&proj, "P01", "新华小学", Level::Primary, -600.0, -100.0),
        school(&proj, "P02", "站前小学", Level::Primary, -150.0, 300.0),
        school(&proj, "J01", "第二中学", Level::Junior, -400.0, 0.0),
        school(
            &proj,
            "N01",
            "会元九年一贯制学校",
            Level::NineYear,
            900.0,
            500.0,
        ),
    ];
    let seats = [120.0, 90.0, 700.0, 500.0, 600.0, 450.0];
    for (s, seats) in schools.iter_mut().zip(seats) {
        s.capacity_seats = Some(seats);
        s.classes = Some((seats / 40.0).round() as u32);
        s.enrolment = Some(seats * 0.9);
    }
    schools[0].quality = Some(true);
    schools[1].ownership = Ownership::Private;
    schools[1].inclusive = Some(false);
    schools[5].boarding = Some(true);
    schools[4].class_sizes = Some(if plan {
        vec![48, 47, 45]
    } else {
        vec![58, 52, 50]
    });
    if plan {
        schools[1].status = Status::Closed;
        schools[4].added_classes = Some(6);
        schools[4].capacity_seats = Some(900.0);
        let mut p = school(&proj, "P03", "会元新区小学", Level::Primary, 500.0, -150.0);
        p.status = Status::Planned;
        p.capacity_seats = Some(1080.0);
        p.classes = Some(24);
        schools.push(p);
    }
    for (i, s) in schools.iter_mut().enumerate() {
        s.feature_index = i;
    }
    let school_areas = schools
        .iter()
        .map(|s| (Some(0), Some(if s.pos.x < 0.0 { 0 } else { 1 })))
        .collect();
    let map = Map {
        projection: proj,
        schools,
        demand,
        counties,
        townships,
        candidates: Vec::new(),
        roads: Vec::new(),
        matrix: None,
        school_areas,
        warnings: Vec::new(),
        synthetic: true,
    };
    let levels = vec![
        LevelConfig::defaults(Level::Kindergarten),
        LevelConfig::defaults(Level::Primary),
        LevelConfig::defaults(Level::Junior),
    ];
    let name = if plan {
        "sample-plan-2025"
    } else {
        "sample-baseline-2020"
    };
    let scenario = Scenario {
        path: PathBuf::from(format!("{name}.toml")),
        name: name.into(),
        title: if plan {
            "示例城区 2025 规划".into()
        } else {
            "示例城区 2020 现状".into()
        },
        description: "Synthetic sample town".into(),
        language: Language::Zh,
        year: Some(if plan { 2025 } else { 2020 }),
        layers: LayersFile::default(),
        distance: DistanceConfig {
            mode: DistanceMode::Straight,
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
        out_dir: PathBuf::from("out").join(name),
        files: vec![PathBuf::from(format!("{name}.toml"))],
    };
    let coverage = straight_coverage(&map, &scenario);
    let findings = sample_findings(&coverage, plan);
    let proposals = if plan {
        Vec::new()
    } else {
        vec![
            ProposalRow {
                id: "P-primary-1".into(),
                rank: 1,
                level: Level::Primary,
                kind: ProjectKind::New,
                site_id: "S07".into(),
                name: "会元新区地块".into(),
                lonlat: lonlat(&map.projection, coord! { x: 500.0, y: -150.0 }),
                demand_newly_covered: 2000.0,
                seats_added: Some(1080.0),
                classes_added: Some(24),
                cost: Some(8000.0),
                gap_closed: Some("primary-1".into()),
                gap_id: None,
                seats_short_relieved: None,
                large_classes_removed: None,
                served: None,
                closes_findings: vec!["COV-primary".into()],
            },
            ProposalRow {
                id: "P-junior-1".into(),
                rank: 1,
                level: Level::Junior,
                kind: ProjectKind::Expansion,
                site_id: "J01".into(),
                name: "第二中学".into(),
                lonlat: map.schools[4].lonlat,
                demand_newly_covered: 0.0,
                seats_added: Some(300.0),
                classes_added: Some(6),
                cost: Some(1500.0),
                gap_closed: None,
                gap_id: None,
                seats_short_relieved: Some(120.0),
                large_classes_removed: Some(2),
                served: Some(1400.0),
                closes_findings: vec![],
            },
        ]
    };
    let requests = if plan {
        Vec::new()
    } else {
        vec![
            RequestMeta {
                id: "P-primary".into(),
                title_zh: Some("会元新区新建小学".into()),
                title_en: Some("A new primary school in Huiyuan".into()),
                level: Level::Primary,
                problem: "mclp".into(),
                status: "optimal".into(),
                objective: 3000.0,
                bound: 3000.0,
                gap: 0.0,
                stop: "complete".into(),
                work: 1000,
                sites: 1,
                covered_before: 1000.0,
                covered_after: 3000.0,
                closes: vec!["COV-primary".into()],
                notes: vec![],
            },
            RequestMeta {
                id: "P-junior".into(),
                title_zh: None,
                title_en: None,
                level: Level::Junior,
                problem: "pmedian-capacitated".into(),
                status: "feasible".into(),
                objective: 1000.0,
                bound: 979.15,
                gap: 0.0213,
                stop: "work_limit".into(),
                work: 150_000_000,
                sites: 1,
                covered_before: 800.0,
                covered_after: 800.0,
                closes: vec![],
                notes: vec![],
            },
        ]
    };
    let meta = ProposalMeta {
        method: "MCLP (sample)".into(),
        objective: Some(2000.0),
        bound: Some(2000.0),
        optimality_gap: Some(0.0),
        requests,
    };
    SampleRun {
        map,
        scenario,
        coverage,
        findings,
        proposals,
        meta,
    }
}

/// Coverage of the scenario by the crate's engine ([`schoolplan::coverage::compute`]).
pub fn straight_coverage(map: &Map, scenario: &Scenario) -> Coverage {
    schoolplan::coverage::compute(map, scenario)
        .expect("straight-line coverage of the sample cannot fail")
}

fn finding(
    id: &str,
    en: &str,
    zh: &str,
    clause: &str,
    scope: &str,
    area: &str,
    status: FindingStatus,
) -> FindingRow {
    FindingRow {
        id: id.into(),
        title_en: en.into(),
        title_zh: zh.into(),
        clause: clause.into(),
        scope: scope.into(),
        area: area.into(),
        status,
        value: None,
        threshold: None,
        evidence: Vec::new(),
        fix: None,
        message: None,
        unit: String::new(),
        comparison: String::new(),
        area_name: None,
    }
}

fn sample_findings(cov: &Coverage, plan: bool) -> Vec<FindingRow> {
    let mut out = Vec::new();
    for lc in &cov.levels {
        let mut f = finding(
            &format!("COV-{}", lc.level.name()),
            &format!("{} coverage within the service radius", lc.level.name()),
            &format!("{}服务半径覆盖率", lc.level.name_zh()),
            "GB 50180-2018",
            "city",
            "city",
            if lc.coverage() >= 0.9 {
                FindingStatus::Pass
            } else {
                FindingStatus::Fail
            },
        );
        f.value = Some(lc.coverage());
        f.threshold = Some(0.9);
        f.unit = "share".into();
        f.comparison = ">=".into();
        out.push(f);
    }
    let mut k1 = finding(
        "K1",
        "Every township has a quality public central kindergarten",
        "每个乡镇至少办好1所优质公办中心幼儿园",
        "四(八)1",
        "township",
        "210411100",
        FindingStatus::Fail,
    );
    k1.value = Some(0.0);
    k1.threshold = Some(1.0);
    k1.unit = "schools".into();
    k1.comparison = ">=".into();
    k1.area_name = Some("会元乡".into());
    k1.evidence = vec!["210411100".into()];
    k1.fix = Some("build or upgrade a public kindergarten in 会元乡".into());
    out.push(k1);
    let mut p3 = finding(
        "P3",
        "No large classes (56+ pupils)",
        "消除56人以上大班额",
        "一",
        "school",
        "J01",
        if plan {
            FindingStatus::Pass
        } else {
            FindingStatus::Fail
        },
    );
    p3.value = Some(if plan { 48.0 } else { 58.0 });
    p3.threshold = Some(55.0);
    p3.unit = "pupils".into();
    p3.comparison = "<=".into();
    p3.evidence = vec!["J01".into()];
    out.push(p3);
    let mut b1 = finding(
        "B1",
        "Balance: coefficient of variation of resources",
        "优质均衡:校际差异系数",
        "四(二)2",
        "county",
        "210411",
        FindingStatus::NotEvaluable,
    );
    b1.threshold = Some(0.5);
    b1.unit = "cv".into();
    b1.comparison = "<=".into();
    b1.message = Some("resource indicators missing for 6 schools".into());
    out.push(b1);
    out
}
