//! Coverage engine on hand-built maps: straight line, road network, cost matrix, capacity.

use schoolplan::config::{CostUnit, DistanceMode, Scenario};
use schoolplan::coverage::{
    compute, compute_with_matrix, level_demand_with_warnings, Coverage, Unreachable,
};
use schoolplan_testkit::map::{area, cell, level, map, road, scenario, school};

use schoolplan::model::{AreaKind, Level, Map, Status};

const COHORTS: [&str; 4] = ["pop_12_14", "pop_15_17", "pop_3_5", "pop_6_11"];

/// Cohorts (junior, senior, kindergarten, primary).
fn pop(junior: f64, primary: f64) -> Vec<f64> {
    vec![junior, 0.0, 0.0, primary]
}

fn run(m: &Map, s: &Scenario) -> Coverage {
    compute(m, s).expect("coverage")
}

#[test]
fn a_cell_exactly_at_the_radius_is_covered() {
    let m = map(
        vec![school("p", Level::Primary, [0.0, 0.0], Some(100.0))],
        &COHORTS,
        vec![
            cell("at", [300.0, 400.0], pop(0.0, 10.0), None),
            cell("beyond", [300.0, 400.001], pop(0.0, 30.0), None),
        ],
        vec![],
        vec![],
    );
    let c = run(
        &m,
        &scenario(vec![level(Level::Primary, 500.0)], DistanceMode::Straight),
    );
    let p = c.level(Level::Primary).unwrap();
    assert_eq!(p.cost[0], 500.0);
    assert!(p.covered[0]);
    assert!(!p.covered[1]);
    assert_eq!(
        p.nearest[1],
        Some(0),
        "nearest is reported beyond the radius too"
    );
    assert!((p.cost[1] - 500.0008).abs() < 1e-3);
    assert_eq!(p.covered_demand, 10.0);
    assert_eq!(
        p.coverage(),
        0.25,
        "population-weighted, not a count of cells"
    );
}

#[test]
fn zero_population_cells_weigh_nothing() {
    let m = map(
        vec![school("p", Level::Primary, [0.0, 0.0], Some(100.0))],
        &COHORTS,
        vec![
            cell("empty-near", [10.0, 0.0], pop(0.0, 0.0), None),
            cell("far", [5000.0, 0.0], pop(0.0, 20.0), None),
        ],
        vec![],
        vec![],
    );
    let c = run(
        &m,
        &scenario(vec![level(Level::Primary, 500.0)], DistanceMode::Straight),
    );
    let p = c.level(Level::Primary).unwrap();
    assert!(p.covered[0]);
    assert_eq!(p.allocated[0], None, "no demand, nothing to allocate");
    assert_eq!(p.coverage(), 0.0);
    assert_eq!(p.total_demand, 20.0);
    // A level with no demand at all is fully covered by convention.
    let m0 = map(
        vec![school("p", Level::Primary, [0.0, 0.0], Some(100.0))],
        &COHORTS,
        vec![cell("e", [9000.0, 0.0], pop(0.0, 0.0), None)],
        vec![],
        vec![],
    );
    let c0 = run(
        &m0,
        &scenario(vec![level(Level::Primary, 500.0)], DistanceMode::Straight),
    );
    assert_eq!(c0.levels[0].coverage(), 1.0);
}

#[test]
fn a_nine_year_school_serves_primary_and_junior_with_split_seats() {
    let mut closed = school("closed", Level::Primary, [1.0, 0.0], Some(1000.0));
    closed.status = Status::Closed;
    let m = map(
        vec![
            closed,
            school("n", Level::NineYear, [0.0, 0.0], Some(900.0)),
        ],
        &COHORTS,
        vec![cell("c", [100.0, 0.0], pop(50.0, 80.0), None)],
        vec![],
        vec![],
    );
    let s = scenario(
        vec![level(Level::Primary, 500.0), level(Level::Junior, 1000.0)],
        DistanceMode::Straight,
    );
    let c = run(&m, &s);
    let (p, j) = (
        c.level(Level::Primary).unwrap(),
        c.level(Level::Junior).unwrap(),
    );
    assert_eq!(p.nearest[0], Some(1), "a closed school serves no one");
    assert_eq!(j.nearest[0], Some(1));
    assert_eq!(p.school_seats[1], Some(600.0));
    assert_eq!(j.school_seats[1], Some(300.0));
    assert_eq!(p.school_seats[0], Some(0.0));
    assert_eq!((p.school_demand[1], j.school_demand[1]), (80.0, 50.0));
    let load = j.school_load(1);
    assert_eq!(load.utilisation, Some(50.0 / 300.0));
    assert_eq!(load.spare_seats, Some(250.0));
    assert_eq!(p.city.seats, 600.0);
}

#[test]
fn the_nearest_school_may_be_in_the_other_county() {
    let mut m = map(
        vec![
            school("far-home", Level::Primary, [-2000.0, 0.0], Some(100.0)),
            school("near-abroad", Level::Primary, [300.0, 0.0], Some(100.0)),
        ],
        &COHORTS,
        vec![
            cell("a", [0.0, 0.0], pop(0.0, 40.0), Some(0)),
            cell("b", [-1900.0, 0.0], pop(0.0, 10.0), Some(0)),
        ],
        vec![
            area("210401", AreaKind::County),
            area("210402", AreaKind::County),
        ],
        vec![],
    );
    m.school_areas = vec![(Some(0), None), (Some(1), None)];
    let c = run(
        &m,
        &scenario(vec![level(Level::Primary, 500.0)], DistanceMode::Straight),
    );
    let p = &c.levels[0];
    assert_eq!(p.nearest[0], Some(1));
    assert_eq!(p.allocated[0], Some(1));
    assert_eq!(p.per_county[0].demand, 50.0);
    assert_eq!(p.per_county[0].covered, 50.0);
    assert_eq!(p.per_county[0].seats, 100.0);
    assert_eq!(p.per_county[1].demand, 0.0);
    assert_eq!(p.per_county[1].seats, 100.0);
    assert_eq!(p.per_county[1].coverage(), 1.0);
    assert_eq!(p.city.demand, 50.0);
}

#[test]
fn capacity_ties_go_to_the_lower_cell_index() {
    // Two cells at the same distance; the school has seats for one of them.
    let m = map(
        vec![
            school("small", Level::Primary, [0.0, 0.0], Some(30.0)),
            school("other", Level::Primary, [0.0, 450.0], Some(100.0)),
        ],
        &COHORTS,
        vec![
            cell("second", [100.0, 0.0], pop(0.0, 30.0), None),
            cell("first", [-100.0, 0.0], pop(0.0, 30.0), None),
        ],
        vec![],
        vec![],
    );
    let c = run(
        &m,
        &scenario(vec![level(Level::Primary, 500.0)], DistanceMode::Straight),
    );
    let p = &c.levels[0];
    assert_eq!(p.allocated, vec![Some(0), Some(1)]);
    assert_eq!(p.school_demand, vec![30.0, 30.0]);
    assert_eq!(p.nearest_demand, vec![60.0, 0.0]);
    let load = p.school_load(0);
    assert_eq!(load.over_capacity, Some(30.0));
    assert_eq!(load.utilisation, Some(2.0));
    // Equidistant schools: the lower school index is nearest.
    let m2 = map(
        vec![
            school("b", Level::Primary, [100.0, 0.0], None),
            school("a", Level::Primary, [-100.0, 0.0], None),
        ],
        &COHORTS,
        vec![cell("c", [0.0, 0.0], pop(0.0, 5.0), None)],
        vec![],
        vec![],
    );
    let c2 = run(
        &m2,
        &scenario(vec![level(Level::Primary, 500.0)], DistanceMode::Straight),
    );
    assert_eq!(c2.levels[0].nearest[0], Some(0));
    assert_eq!(
        c2.levels[0].allocated[0],
        Some(0),
        "unknown seats do not limit"
    );
}

#[test]
fn accessibility_is_seats_per_pupil_within_the_catchment() {
    let m = map(
        vec![school("p", Level::Primary, [0.0, 0.0], Some(90.0))],
        &COHORTS,
        vec![
            cell("a", [0.0, 100.0], pop(0.0, 30.0), None),
            cell("b", [0.0, 900.0], pop(0.0, 30.0), None),
            cell("c", [0.0, 1100.0], pop(0.0, 30.0), None),
        ],
        vec![],
        vec![],
    );
    let c = run(
        &m,
        &scenario(vec![level(Level::Primary, 500.0)], DistanceMode::Straight),
    );
    // Catchment 2 × 500 m: cells a and b share 90 seats.
    assert_eq!(c.levels[0].accessibility, vec![1.5, 1.5, 0.0]);
}

#[test]
fn cohort_shares_replace_a_missing_cohort_field() {
    let mut cells = vec![
        cell("a", [0.0, 0.0], vec![], Some(0)),
        cell("b", [0.0, 0.0], vec![], Some(1)),
        cell("c", [0.0, 0.0], vec![], None),
    ];
    for c in &mut cells {
        c.pop_total = Some(1000.0);
    }
    let m = map(
        vec![],
        &[],
        cells,
        vec![
            area("210401", AreaKind::County),
            area("210402", AreaKind::County),
        ],
        vec![],
    );
    let mut s = scenario(vec![level(Level::Primary, 500.0)], DistanceMode::Straight);
    s.population
        .cohort_shares
        .insert("210401".into(), [("pop_6_11".to_string(), 0.05)].into());
    s.population.factors.insert("pop_6_11".into(), 0.8);
    let (d, warnings) = level_demand_with_warnings(&m, &s, Level::Primary).unwrap();
    assert_eq!(d, vec![40.0, 0.0, 0.0]);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings
        .iter()
        .all(|w| w.property.as_deref() == Some("pop_6_11")));
    let c = run(&m, &s);
    assert_eq!(c.levels[0].unreachable[0], Some(Unreachable::NoSchool));
    assert_eq!(c.warnings.len(), 2);
}

/// A street along y = 0 from x = 0 to 1000 (split at 500), a side street, and a separate
/// island road far away.
fn street_map(
    schools: Vec<schoolplan::model::School>,
    cells: Vec<schoolplan::model::DemandCell>,
    oneway: bool,
    barrier: bool,
) -> Map {
    map(
        schools,
        &COHORTS,
        cells,
        vec![],
        vec![
            road("a", &[[0.0, 0.0], [500.0, 0.0]], oneway, false),
            road("b", &[[500.0, 0.0], [1000.0, 0.0]], false, barrier),
            road("island", &[[0.0, 5000.0], [1000.0, 5000.0]], false, false),
        ],
    )
}

#[test]
fn network_costs_include_access_legs_and_partial_edges() {
    let m = street_map(
        vec![school("p", Level::NineYear, [900.0, 20.0], Some(100.0))],
        vec![
            cell("near", [100.0, -30.0], pop(0.0, 10.0), None),
            cell("island", [500.0, 5010.0], pop(0.0, 10.0), None),
            cell("off", [500.0, 2500.0], pop(0.0, 10.0), None),
        ],
        false,
        false,
    );
    let c = run(
        &m,
        &scenario(vec![level(Level::Junior, 1000.0)], DistanceMode::Network),
    );
    let j = &c.levels[0];
    assert_eq!(j.unreachable[0], None);
    // 30 m leg + 800 m along the street + 20 m leg.
    assert!((j.cost[0] - 850.0).abs() < 1e-9, "{}", j.cost[0]);
    assert_eq!(j.unreachable[0], None);
    assert!(j.covered[0]);
    let p = run(
        &m,
        &scenario(vec![level(Level::Primary, 500.0)], DistanceMode::Network),
    );
    assert!(
        !p.levels[0].covered[0],
        "850 m > 500 m by road although 800 m straight"
    );
    assert_eq!(j.unreachable[1], Some(Unreachable::Disconnected));
    assert_eq!(j.cost[1], f64::INFINITY);
    assert!(!j.covered[1]);
    assert_eq!(j.unreachable[2], Some(Unreachable::OffNetwork));
    // Minutes: 850 m at 4.5 km/h = 11.33 min.
    let mut s = scenario(vec![level(Level::Junior, 15.0)], DistanceMode::Network);
    s.distance.unit = CostUnit::Min;
    let cm = run(&m, &s);
    assert!((cm.levels[0].cost[0] - 850.0 / 75.0).abs() < 1e-9);
    assert!(cm.levels[0].covered[0]);
    let props = cm.cell_properties(&m, 0);
    assert!(props
        .iter()
        .any(|(k, v)| k == "cost_junior_min" && v.as_f64() == Some(11.33)));
    assert!(props.iter().any(|(k, v)| k == "nearest_junior" && v == "p"));
}

#[test]
fn a_one_way_street_is_only_travelled_in_its_direction() {
    // Street a (0 → 500) is one-way eastwards.
    let cells = vec![
        cell("west", [100.0, 10.0], pop(10.0, 0.0), None),
        cell("east", [900.0, 10.0], pop(10.0, 0.0), None),
    ];
    let east_school = vec![school("e", Level::Junior, [700.0, 0.0], None)];
    let c = run(
        &street_map(east_school, cells.clone(), true, false),
        &scenario(vec![level(Level::Junior, 1000.0)], DistanceMode::Network),
    );
    assert!(
        (c.levels[0].cost[0] - 610.0).abs() < 1e-9,
        "with the flow: {}",
        c.levels[0].cost[0]
    );
    let west_school = vec![school("w", Level::Junior, [200.0, 0.0], None)];
    let c = run(
        &street_map(west_school.clone(), cells.clone(), true, false),
        &scenario(vec![level(Level::Junior, 1000.0)], DistanceMode::Network),
    );
    assert!(
        (c.levels[0].cost[0] - 110.0).abs() < 1e-9,
        "same edge, with the flow"
    );
    assert_eq!(
        c.levels[0].unreachable[1],
        Some(Unreachable::Disconnected),
        "against the flow"
    );
    let two_way = run(
        &street_map(west_school, cells, false, false),
        &scenario(vec![level(Level::Junior, 1000.0)], DistanceMode::Network),
    );
    assert!((two_way.levels[0].cost[1] - 710.0).abs() < 1e-9);
}

#[test]
fn barrier_edges_are_avoided_by_levels_that_say_so() {
    let schools = vec![school("n", Level::NineYear, [900.0, 0.0], None)];
    let cells = vec![cell("c", [100.0, 10.0], pop(10.0, 10.0), None)];
    let m = street_map(schools, cells, false, true);
    let mut s = scenario(
        vec![level(Level::Primary, 2000.0), level(Level::Junior, 2000.0)],
        DistanceMode::Network,
    );
    s.distance.snap_max_m = 200.0;
    assert!(s.levels[0].avoid_barriers && !s.levels[1].avoid_barriers);
    let c = run(&m, &s);
    let (p, j) = (
        c.level(Level::Primary).unwrap(),
        c.level(Level::Junior).unwrap(),
    );
    assert!((j.cost[0] - 810.0).abs() < 1e-9);
    // The school sits on the barrier street: primary pupils cannot use it, and the school is
    // more than 200 m from any other street.
    assert_eq!(p.cost[0], f64::INFINITY);
    assert!(
        c.warnings.iter().any(|w| w.found.contains("snap_max_m")),
        "{:?}",
        c.warnings
    );
}

#[test]
fn matrix_mode_treats_missing_pairs_as_unreachable() {
    let m = map(
        vec![
            school("s1", Level::Primary, [0.0, 0.0], Some(100.0)),
            school("s2", Level::Primary, [0.0, 0.0], Some(100.0)),
        ],
        &COHORTS,
        vec![
            cell("c1", [0.0, 0.0], pop(0.0, 10.0), None),
            cell("c2", [0.0, 0.0], pop(0.0, 10.0), None),
        ],
        vec![],
        vec![],
    );
    let csv = "origin_id,destination_id,cost\nc1,s2,300\nc1,s1,700\nghost,s1,1\nc1,cand-9,5\n";
    let matrix = schoolplan::io::matrix::parse_matrix(csv.as_bytes(), "m.csv").unwrap();
    let mut s = scenario(vec![level(Level::Primary, 500.0)], DistanceMode::Matrix);
    s.layers.matrix = None;
    let c = compute_with_matrix(&m, &s, &matrix).unwrap();
    let p = &c.levels[0];
    assert_eq!(c.mode, DistanceMode::Matrix);
    assert_eq!((p.nearest[0], p.cost[0]), (Some(1), 300.0));
    assert!(p.covered[0]);
    assert_eq!(p.unreachable[1], Some(Unreachable::NoMatrixPair));
    assert_eq!(p.cost[1], f64::INFINITY);
    assert_eq!(p.coverage(), 0.5);
    assert!(c.warnings.iter().any(|w| w.found.contains("ghost")));
    // compute() itself needs the matrix layer.
    assert!(compute(&m, &s).is_err());
}

#[test]
fn summary_has_the_keys_summary_json_needs() {
    let m = map(
        vec![school("p", Level::Primary, [0.0, 0.0], Some(100.0))],
        &COHORTS,
        vec![cell("c", [10.0, 0.0], pop(0.0, 3.0), None)],
        vec![],
        vec![],
    );
    let c = run(
        &m,
        &scenario(vec![level(Level::Primary, 500.0)], DistanceMode::Straight),
    );
    let s = c.levels[0].summary(c.unit);
    assert_eq!(s["radius_m"], 500.0);
    assert_eq!(s["demand"], 3.0);
    assert_eq!(s["covered"], 3.0);
    assert_eq!(s["coverage"], 1.0);
    let props = c.cell_properties(&m, 0);
    let keys: Vec<&str> = props.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "demand_primary",
            "nearest_primary",
            "dist_primary_m",
            "covered_primary",
            "unreachable_primary",
            "allocated_primary",
            "access_primary"
        ]
    );
}
