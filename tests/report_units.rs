//! Report building blocks on hand-built inputs: gap areas (dissolving, ranking, point cells;
//! the gap rules themselves are tested in `tests/gaps_*.rs`)
//! and layer writers (ring orientation, rounding, sorted features, failing rules per school).
//! Fixtures come from the dev-only `schoolplan-testkit` crate.

use geo::MultiPolygon;
use serde_json::Value;

use schoolplan::config::DistanceMode;
use schoolplan::model::Level;
use schoolplan::report::gaps::{gap_areas, GapArea, GapShape};
use schoolplan::report::layers::{
    coverage_geojson, multipolygon_geometry, proposals_geojson, school_failures, schools_geojson,
};
use schoolplan::report::{FindingRow, ProposalRow, RunBundle};
use schoolplan_testkit::map as testkit;
use schoolplan_testkit::sample::{rect_m, to_lonlat, SampleRun};

/// Cells of 100 m at the given (column, row) grid positions, far (5 km) from one primary
/// school at the origin, so none is covered.
fn run(cells: &[(i32, i32)], points: bool) -> Vec<GapArea> {
    let sc = testkit::scenario(
        vec![testkit::level(Level::Primary, 500.0)],
        DistanceMode::Straight,
    );
    let mut m = testkit::map(
        vec![testkit::school(
            "P1",
            Level::Primary,
            [0.0, 0.0],
            Some(100.0),
        )],
        &["pop_6_11"],
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (k, &(c, r)) in cells.iter().enumerate() {
        let (x0, y0) = (5000.0 + c as f64 * 100.0, r as f64 * 100.0);
        let mut cell = testkit::cell(
            &format!("c{k}"),
            [x0 + 50.0, y0 + 50.0],
            vec![10.0 + k as f64],
            None,
        );
        if !points {
            let shape = MultiPolygon::new(vec![rect_m(x0, y0, x0 + 100.0, y0 + 100.0)]);
            cell.shape_lonlat = Some(to_lonlat(&m.projection, &shape));
            cell.shape_m = Some(shape);
        }
        m.demand.cells.push(cell);
    }
    let cov = schoolplan::coverage::compute(&m, &sc).unwrap();
    let (f, p): (Vec<FindingRow>, Vec<ProposalRow>) = (Vec::new(), Vec::new());
    let b = RunBundle {
        map: &m,
        scenario: &sc,
        coverage: &cov,
        findings: &f,
        proposals: &p,
        proposal_meta: None,
        coverage_before: None,
    };
    gap_areas(&b).unwrap()
}

#[test]
fn two_adjacent_cells_merge_into_one_polygon() {
    let g = run(&[(0, 0), (1, 0)], false);
    assert_eq!(g.len(), 1);
    let GapShape::Polygons { shape_m, .. } = &g[0].shape else {
        panic!("polygons")
    };
    assert_eq!(shape_m.0.len(), 1, "one polygon, the shared edge dissolved");
    assert!((g[0].area_km2 - 0.02).abs() < 1e-9);
    assert_eq!(g[0].population, 21.0);
    assert_eq!(g[0].nearest_school.as_deref(), Some("P1"));
    assert!(
        (g[0].nearest_cost.unwrap() - (5050.0f64.powi(2) + 50.0f64.powi(2)).sqrt()).abs() < 1e-6
    );
}

#[test]
fn cells_farther_apart_than_the_radius_make_two_gaps_ranked_by_children() {
    // 800 m apart at a 500 m radius: not within walking reach of each other.
    let g = run(&[(0, 0), (8, 0)], false);
    assert_eq!(g.len(), 2);
    assert_eq!((g[0].id.as_str(), g[0].population), ("primary-1", 11.0));
    assert_eq!((g[1].id.as_str(), g[1].population), ("primary-2", 10.0));
}

#[test]
fn corner_touching_cells_form_one_gap() {
    let g = run(&[(0, 0), (1, 1)], false);
    assert_eq!(g.len(), 1);
    assert_eq!(g[0].cells, vec!["c0", "c1"]);
}

#[test]
fn point_cells_join_within_the_radius() {
    // Radius 500 m: the first four are within 300 m of each other (one gap), (9,0) is 707 m
    // from the nearest of them (alone). Area: cells × the median nearest-neighbour spacing².
    let g = run(&[(0, 0), (1, 0), (2, 1), (2, 2), (9, 0)], true);
    assert_eq!(g.len(), 2);
    assert_eq!(g[0].cells.len(), 4);
    assert!(matches!(g[0].shape, GapShape::Points { .. }));
    assert!((g[0].area_km2 - 0.04).abs() < 1e-9, "{}", g[0].area_km2);
}

#[test]
fn rings_follow_right_hand_rule_and_round() {
    // A clockwise exterior with a counter-clockwise hole: both must be flipped.
    let ext = geo::LineString::from(vec![
        (0.0, 0.0),
        (0.0, 1.0),
        (1.0, 1.0),
        (1.0, 0.0),
        (0.0, 0.0),
    ]);
    let hole = rect_m(0.2, 0.2, 0.4, 0.400000004).exterior().clone();
    let mp = MultiPolygon::new(vec![geo::Polygon::new(ext, vec![hole])]);
    let g = multipolygon_geometry(&mp);
    let rings = g["coordinates"][0].as_array().unwrap();
    let signed = |r: &Value| {
        let pts: Vec<(f64, f64)> = r
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
            .collect();
        pts.windows(2)
            .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
            .sum::<f64>()
            / 2.0
    };
    assert!(signed(&rings[0]) > 0.0, "exterior counter-clockwise");
    assert!(signed(&rings[1]) < 0.0, "hole clockwise");
    assert_eq!(rings[1][2][1].as_f64().unwrap(), 0.4, "rounded to 1e-7");
}

#[test]
fn features_sorted_with_one_key_set() {
    let run = SampleRun::plan();
    let b = run.bundle();
    for text in [
        schools_geojson(&b),
        coverage_geojson(&b),
        proposals_geojson(&b),
    ] {
        let v: Value = serde_json::from_str(&text).unwrap();
        let feats = v["features"].as_array().unwrap();
        let keys: Vec<Vec<&String>> = feats
            .iter()
            .map(|f| f["properties"].as_object().unwrap().keys().collect())
            .collect();
        assert!(keys.windows(2).all(|w| w[0] == w[1]));
        let ids: Vec<&str> = feats
            .iter()
            .map(|f| f["properties"]["id"].as_str().unwrap())
            .collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }
    let v: Value = serde_json::from_str(&schools_geojson(&b)).unwrap();
    let j01 = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == "J01")
        .unwrap();
    assert_eq!(j01["properties"]["capacity_seats"].to_string(), "900.0");
    assert_eq!(j01["properties"]["classes"].to_string(), "15");
}

#[test]
fn failing_school_rules_are_listed() {
    let run = SampleRun::baseline();
    assert_eq!(school_failures(&run.bundle(), "J01"), "P3");
    assert_eq!(school_failures(&run.bundle(), "P01"), "");
}
