//! Area-count kinds: min_count, min_share, min_seats, min_coverage.

use schoolplan::model::{Level, Ownership};
use schoolplan_testkit::rulemap::*;

const K1: &str = r#"
[[rules]]
id = "K1"
kind = "min_count"
title_zh = "每个乡镇至少办好1所优质公办中心幼儿园"
title_en = "Quality public kindergarten per township"
clause = "四(八)1"
scope = "township"
township_kinds = ["town", "township"]
filter = { levels = ["kindergarten"], ownership = "public", quality = true }
min = 1
"#;

#[test]
fn min_count_pass_fail_and_rural_kinds_only() {
    let mut t = TestMap::new();
    let mut k = school("k1", Level::Kindergarten);
    k.quality = Some(true);
    t.add(k, 1); // A Town
    let mut p = school("k2", Level::Kindergarten);
    p.quality = Some(true);
    p.ownership = Ownership::Private;
    t.add(p, 2); // B Township: private does not count
    let f = check(K1, &t.map, &coverage(vec![]));
    assert_eq!(f.len(), 2, "the street is not checked: {f:#?}");
    let town = at(&f, Some("000001101"));
    assert_eq!(
        (town.status, town.measured, town.threshold),
        (Pass, Some(1.0), Some(1.0))
    );
    assert_eq!(town.evidence.schools, vec!["k1"]);
    let tsp = at(&f, Some("000002201"));
    assert_eq!(tsp.status, Fail);
    assert_eq!(
        tsp.fix.as_deref(),
        Some("add 1 quality public kindergarten in B Township")
    );
    assert_eq!(tsp.evidence.areas, vec!["000002201"]);
}

#[test]
fn min_count_unknown_flag_is_not_evaluable_unless_already_met() {
    let mut t = TestMap::new();
    t.add(school("k1", Level::Kindergarten), 1); // quality unknown
    let mut q = school("k2", Level::Kindergarten);
    q.quality = Some(true);
    t.add(q, 2);
    t.add(school("k3", Level::Kindergarten), 2); // unknown, but B is already met
    let f = check(K1, &t.map, &coverage(vec![]));
    let town = at(&f, Some("000001101"));
    assert_eq!(town.status, NotEvaluable);
    assert!(
        town.reason.as_deref().unwrap().contains("k1 (quality)"),
        "{town:?}"
    );
    assert_eq!(at(&f, Some("000002201")).status, Pass);
}

#[test]
fn min_count_threshold_inclusive_and_population_condition() {
    let rule = r#"
[[rules]]
id = "P4"
kind = "min_count"
title_zh = "特教"
title_en = "Special"
clause = "一"
scope = "county"
filter = { levels = ["special"] }
min = 2
min_population = 300000
population = { "000002" = 299999 }
"#;
    let mut t = TestMap::new();
    t.add(school("x1", Level::Special), 0);
    t.add(school("x2", Level::Special), 1);
    t.add_cell("c1", 0.0, 0.0, 0, Some(200000.0));
    t.add_cell("c2", 0.0, 0.0, 1, Some(100000.0)); // county A: exactly 300,000
    let f = check(rule, &t.map, &coverage(vec![]));
    assert_eq!(f.len(), 1, "county B (299,999) is not checked: {f:#?}");
    let a = at(&f, Some("000001"));
    assert_eq!(
        (a.status, a.measured, a.evidence.population),
        (Pass, Some(2.0), Some(300000.0))
    );
    // Population unknown: a cell without pop_total.
    t.add_cell("c3", 0.0, 0.0, 1, None);
    let f = check(rule, &t.map, &coverage(vec![]));
    assert_eq!(at(&f, Some("000001")).status, NotEvaluable);
}

fn share_rule(min: f64) -> String {
    format!(
        r#"
[[rules]]
id = "K2"
kind = "min_share"
title_zh = "公办"
title_en = "Public share"
clause = "四(二)1"
scope = "city"
filter = {{ levels = ["kindergarten"], ownership = "public" }}
min = {min}
"#
    )
}

#[test]
fn min_share_pass_fail_inclusive() {
    let mut t = TestMap::new();
    let mut a = school("k1", Level::Kindergarten);
    a.enrolment = Some(150.0);
    t.add(a, 0);
    let mut b = school("k2", Level::Kindergarten);
    b.ownership = Ownership::Private;
    b.enrolment = Some(150.0);
    t.add(b, 1);
    let mut p = school("p1", Level::Primary); // not in the base
    p.enrolment = Some(1000.0);
    t.add(p, 1);
    let cov = coverage(vec![]);
    let f = check(&share_rule(0.5), &t.map, &cov);
    assert_eq!(
        (f[0].status, f[0].measured),
        (Pass, Some(0.5)),
        "exactly 0.50 passes"
    );
    let f = check(&share_rule(0.51), &t.map, &cov);
    assert_eq!(f[0].status, Fail);
    assert_eq!(f[0].evidence.schools, vec!["k2"]);
    assert!(
        f[0].fix.as_deref().unwrap().starts_with("3 more pupils"),
        "{:?}",
        f[0].fix
    );
}

#[test]
fn min_share_missing_enrolment_or_flag_is_not_evaluable() {
    let mut t = TestMap::new();
    let mut a = school("k1", Level::Kindergarten);
    a.enrolment = Some(150.0);
    t.add(a, 0);
    t.add(school("k2", Level::Kindergarten), 1); // no enrolment
    let f = check(&share_rule(0.5), &t.map, &coverage(vec![]));
    assert_eq!(f[0].status, NotEvaluable);
    assert_eq!(f[0].evidence.schools, vec!["k2"]);
    // Inclusive flag missing on a private kindergarten (public ones count as inclusive).
    let rule = share_rule(0.5).replace("ownership = \"public\"", "inclusive = true");
    let mut t = TestMap::new();
    let mut a = school("k1", Level::Kindergarten);
    a.enrolment = Some(100.0);
    t.add(a, 0);
    let mut b = school("k2", Level::Kindergarten);
    b.ownership = Ownership::Private;
    b.enrolment = Some(100.0);
    t.add(b, 0);
    let f = check(&rule, &t.map, &coverage(vec![]));
    assert_eq!(f[0].status, NotEvaluable);
    assert!(f[0].reason.as_deref().unwrap().contains("k2 (inclusive)"));
}

const SEATS: &str = r#"
[[rules]]
id = "K4"
kind = "min_seats"
title_zh = "学位"
title_en = "Seats"
clause = "四(二)1"
scope = "county"
level = "kindergarten"
enrolment_rate = 0.9
"#;

#[test]
fn min_seats_pass_at_equality_fail_and_not_evaluable() {
    let mut t = TestMap::new();
    t.add(school("k1", Level::Kindergarten), 0);
    t.add(school("k2", Level::Kindergarten), 2);
    t.add(school("k3", Level::Kindergarten), 2);
    t.add_cell("a", 0.0, 0.0, 0, None);
    t.add_cell("b", 0.0, 0.0, 2, None);
    // Demand 100 in each county (enrolment rate 1.0 in the scenario), × 0.9 = 90.
    let lc = level_coverage(
        Level::Kindergarten,
        300.0,
        vec![100.0, 100.0],
        vec![0.0, 0.0],
        vec![Some(90.0), Some(50.0), None],
        vec![0.0; 3],
    );
    let f = check(SEATS, &t.map, &coverage(vec![lc.clone()]));
    let a = at(&f, Some("000001"));
    assert_eq!(
        (a.status, a.measured, a.threshold),
        (Pass, Some(90.0), Some(90.0))
    );
    let b = at(&f, Some("000002"));
    assert_eq!(b.status, NotEvaluable, "k3's seats unknown and 50 < 90");
    assert_eq!(b.evidence.schools, vec!["k3"]);
    let mut lc2 = lc;
    lc2.school_seats[2] = Some(30.0);
    let f = check(SEATS, &t.map, &coverage(vec![lc2]));
    let b = at(&f, Some("000002"));
    assert_eq!(b.status, Fail);
    assert_eq!(b.fix.as_deref(), Some("10 seats short in County B"));
    // Level not measured.
    let f = check(SEATS, &t.map, &coverage(vec![]));
    assert!(f.iter().all(|x| x.status == NotEvaluable));
}

const COV: &str = r#"
[[rules]]
id = "C1"
kind = "min_coverage"
title_zh = "覆盖"
title_en = "Coverage"
clause = "GB 50180"
scope = "county"
level = "primary"
min = 0.75
"#;

#[test]
fn min_coverage_inclusive_radius_and_share() {
    let mut t = TestMap::new();
    for (i, tw) in [0, 0, 0, 0, 2, 2].into_iter().enumerate() {
        t.add_cell(&format!("c{i}"), 0.0, 0.0, tw, None);
    }
    // County A: 4 cells of 10, costs 500 (= radius, covered), 100, 200, 501 → 0.75.
    // County B: 2 cells, one uncovered → 0.5.
    let lc = level_coverage(
        Level::Primary,
        500.0,
        vec![10.0; 6],
        vec![500.0, 100.0, 200.0, 501.0, 10.0, f64::INFINITY],
        vec![],
        vec![],
    );
    let f = check(COV, &t.map, &coverage(vec![lc]));
    let a = at(&f, Some("000001"));
    assert_eq!((a.status, a.measured), (Pass, Some(0.75)));
    assert_eq!(a.evidence.cells, vec!["c3"]);
    let b = at(&f, Some("000002"));
    assert_eq!((b.status, b.evidence.population), (Fail, Some(10.0)));
    let f = check(COV, &t.map, &coverage(vec![]));
    assert!(f.iter().all(|x| x.status == NotEvaluable));
}

#[test]
fn min_coverage_min_cell_demand_selects_large_cells() {
    let rule = COV.replace("min = 0.75", "min = 1.0\nmin_cell_demand = 50");
    let mut t = TestMap::new();
    t.add_cell("small", 0.0, 0.0, 0, None);
    t.add_cell("big", 0.0, 0.0, 0, None);
    let lc = level_coverage(
        Level::Primary,
        500.0,
        vec![10.0, 50.0],
        vec![900.0, 0.0],
        vec![],
        vec![],
    );
    let f = check(&rule, &t.map, &coverage(vec![lc]));
    assert_eq!(
        at(&f, Some("000001")).status,
        Pass,
        "the small uncovered cell does not count"
    );
}
