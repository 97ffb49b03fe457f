//! build_programme and boarding_reach.

use schoolplan::model::{Level, Status};
use schoolplan::rules::{Project, ProjectKind};
use schoolplan_testkit::rulemap::*;

const P1: &str = r#"
[[rules]]
id = "P1"
kind = "build_programme"
title_zh = "中心城区"
title_en = "Central district"
clause = "四(二)2"
scope = "area_set"
areas = ["000001"]
area_name = "中心城区"
require = [
  { level = "primary", project = "new", count = 2 },
  { level = "junior", project = "expansion", count = 1 },
]
"#;

#[test]
fn build_programme_counts_inside_the_set_exactly() {
    let mut t = TestMap::new();
    let mut a = school("new1", Level::Primary);
    a.status = Status::Planned;
    a.capacity_seats = Some(900.0);
    t.add(a, 0);
    let mut out = school("new-outside", Level::Primary);
    out.status = Status::Planned;
    t.add(out, 2);
    let mut x = school("exp1", Level::Junior);
    x.added_classes = Some(6);
    t.add(x, 1);
    let cov = coverage(vec![]);
    let f = check(P1, &t.map, &cov);
    assert_eq!(f.len(), 2);
    assert_eq!(
        (f[0].status, f[0].measured, f[0].threshold),
        (Fail, Some(1.0), Some(2.0))
    );
    assert_eq!(f[0].comparison.symbol(), "==");
    assert_eq!(
        f[0].fix.as_deref(),
        Some("add 1 new primary project(s) in 中心城区")
    );
    assert_eq!(f[0].projects[0].seats_added, Some(900.0));
    assert_eq!((f[1].status, f[1].measured), (Pass, Some(1.0)));
    assert_eq!(f[1].projects[0].seats_added, Some(300.0), "6 classes × 50");
    // An optimiser proposal inside the set completes the programme.
    let prop = Project {
        id: "opt-1".into(),
        level: Level::Primary,
        kind: ProjectKind::New,
        county: Some(0),
        newly_covered: Some(420.0),
        seats_added: Some(1350.0),
    };
    let f = check_with(P1, &t.map, &cov, std::slice::from_ref(&prop));
    assert_eq!(f[0].status, Pass);
    assert_eq!(f[0].evidence.schools, vec!["new1", "opt-1"]);
    // Exact: one too many fails.
    let f = check_with(
        P1,
        &t.map,
        &cov,
        &[
            prop.clone(),
            Project {
                id: "opt-2".into(),
                ..prop.clone()
            },
        ],
    );
    assert_eq!(f[0].status, Fail);
    // An unlocated project that could decide it: not evaluable.
    let f = check_with(
        P1,
        &t.map,
        &cov,
        &[Project {
            county: None,
            ..prop
        }],
    );
    assert_eq!(f[0].status, NotEvaluable);
}

#[test]
fn build_programme_at_least_is_inclusive() {
    let rule = P1.replace("require", "exact = false\nrequire");
    let mut t = TestMap::new();
    for id in ["a", "b", "c"] {
        let mut s = school(id, Level::Primary);
        s.status = Status::Planned;
        t.add(s, 0);
    }
    let f = check(&rule, &t.map, &coverage(vec![]));
    assert_eq!((f[0].status, f[0].comparison.symbol()), (Pass, ">="));
}

#[test]
fn build_programme_measures_newly_covered_demand() {
    let mut t = TestMap::new();
    let mut old = school("old", Level::Primary);
    old.pos.x = 0.0;
    t.add(old, 0);
    let mut new = school("new", Level::Primary);
    new.status = Status::Planned;
    new.pos.x = 2000.0;
    t.add(new, 0);
    t.add_cell("near-old", 100.0, 0.0, 0, None);
    t.add_cell("near-new", 1900.0, 0.0, 0, None);
    let mut lc = level_coverage(
        Level::Primary,
        500.0,
        vec![10.0, 30.0],
        vec![100.0, 100.0],
        vec![None, None],
        vec![0.0, 0.0],
    );
    lc.nearest = vec![Some(0), Some(1)];
    let f = check(P1, &t.map, &coverage(vec![lc]));
    assert_eq!(f[0].projects[0].newly_covered, Some(30.0));
}

const R1: &str = r#"
[[rules]]
id = "R1"
kind = "boarding_reach"
title_zh = "寄宿"
title_en = "Boarding"
clause = "四(八)1"
scope = "county"
level = "primary"
boarding_radius_m = 10000
"#;

#[test]
fn boarding_reach_pass_fail_inclusive_radius() {
    let mut t = TestMap::new();
    let mut b = school("board", Level::NineYear);
    b.boarding = Some(true);
    b.pos.x = 0.0;
    t.add(b, 2);
    let mut d = school("day", Level::Primary);
    d.boarding = Some(false);
    t.add(d, 2);
    t.add_cell("edge", 10000.0, 0.0, 2, None); // exactly at the boarding radius
    t.add_cell("far", 10001.0, 0.0, 2, None);
    t.add_cell("street", 50000.0, 0.0, 0, None); // urban: not checked
    t.add_cell("walk", 50000.0, 0.0, 2, None); // within walking reach
    let lc = level_coverage(
        Level::Primary,
        500.0,
        vec![5.0, 7.0, 9.0, 11.0],
        vec![600.0, 600.0, 600.0, 500.0],
        vec![],
        vec![],
    );
    let cov = coverage(vec![lc]);
    let f = check(R1, &t.map, &cov);
    let a = at(&f, Some("000001"));
    assert_eq!((a.status, a.measured), (Pass, Some(0.0)));
    let b = at(&f, Some("000002"));
    assert_eq!(
        (b.status, b.measured, b.threshold),
        (Fail, Some(7.0), Some(0.0))
    );
    assert_eq!(b.evidence.cells, vec!["far"]);
    let f = check(
        &R1.replace("boarding_radius_m = 10000", "boarding_radius_m = 10001"),
        &t.map,
        &cov,
    );
    assert_eq!(at(&f, Some("000002")).status, Pass);
}

fn f_cov(t: &TestMap) -> schoolplan::coverage::Coverage {
    let n = t.map.demand.cells.len();
    coverage(vec![level_coverage(
        Level::Primary,
        500.0,
        vec![5.0; n],
        vec![600.0; n],
        vec![],
        vec![],
    )])
}

#[test]
fn boarding_reach_unknown_flag_not_evaluable() {
    let mut t = TestMap::new();
    t.add(school("maybe", Level::Primary), 2); // boarding unknown
    t.add_cell("far", 1000.0, 0.0, 2, None);
    let f = check(R1, &t.map, &f_cov(&t));
    let b = at(&f, Some("000002"));
    assert_eq!(b.status, NotEvaluable);
    assert_eq!(b.evidence.cells, vec!["far"]);
    // Level not measured.
    let f = check(R1, &t.map, &coverage(vec![]));
    assert!(f.iter().all(|x| x.status == NotEvaluable));
}
