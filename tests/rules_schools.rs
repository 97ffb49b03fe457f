//! Per-school kinds: max_class_size, max_school_size, min_utilisation, resource_minimum, and
//! balance_cv.

use schoolplan::model::{Level, Status};
use schoolplan_testkit::rulemap::*;

fn class_rule(scope: &str) -> String {
    format!(
        r#"
[[rules]]
id = "P3"
kind = "max_class_size"
title_zh = "大班额"
title_en = "Large classes"
clause = "一"
scope = "{scope}"
filter = {{ levels = ["primary", "nine_year"] }}
"#
    )
}

#[test]
fn class_size_56_is_large_55_is_not() {
    let mut t = TestMap::new();
    let mut a = school("p1", Level::Primary);
    a.class_sizes = Some(vec![40, 55]);
    t.add(a, 0);
    let mut b = school("p2", Level::Primary);
    b.class_sizes = Some(vec![56, 67, 30]);
    t.add(b, 2);
    let mut c = school("p3", Level::Primary);
    c.class_sizes = None;
    t.add(c, 2);
    let cov = coverage(vec![]);
    let f = check(&class_rule("school"), &t.map, &cov);
    let p1 = for_school(&f, "p1");
    assert_eq!(
        (p1.status, p1.measured, p1.threshold),
        (Pass, Some(55.0), Some(55.0))
    );
    let p2 = for_school(&f, "p2");
    assert_eq!((p2.status, p2.measured), (Fail, Some(67.0)));
    assert!(p2
        .note
        .as_deref()
        .unwrap()
        .starts_with("2 large (56+), 1 very large (66+), 2 of 3 classes over standard"));
    assert_eq!(for_school(&f, "p3").status, NotEvaluable);
    let f = check(&class_rule("county"), &t.map, &cov);
    let a = at(&f, Some("000001"));
    assert_eq!(
        (a.status, a.measured, a.threshold),
        (Pass, Some(0.0), Some(0.0))
    );
    let b = at(&f, Some("000002"));
    assert_eq!(
        (b.status, b.measured, b.unit.as_str()),
        (Fail, Some(2.0), "classes")
    );
    assert_eq!(b.evidence.schools, vec!["p2"]);
}

#[test]
fn class_size_area_not_evaluable_when_only_unknowns() {
    let mut t = TestMap::new();
    let mut a = school("p1", Level::Primary);
    a.class_sizes = Some(vec![40]);
    t.add(a, 0);
    t.add(school("p2", Level::Primary), 0);
    let mut planned = school("p3", Level::Primary);
    planned.status = Status::Planned;
    planned.class_sizes = Some(vec![]); // known: no classes yet
    t.add(planned, 2);
    let f = check(&class_rule("county"), &t.map, &coverage(vec![]));
    let a = at(&f, Some("000001"));
    assert_eq!(a.status, NotEvaluable);
    assert_eq!(a.evidence.schools, vec!["p2"]);
    assert_eq!(at(&f, Some("000002")).status, Pass);
}

const SIZE: &str = r#"
[[rules]]
id = "S1"
kind = "max_school_size"
title_zh = "规模"
title_en = "Size"
clause = "x"
scope = "school"
filter = { levels = ["primary", "nine_year"] }
max = 2000
max_by_level = { nine_year = 2500 }
"#;

#[test]
fn school_size_cap_inclusive_per_level() {
    let mut t = TestMap::new();
    for (id, level, e) in [
        ("p1", Level::Primary, Some(2000.0)),
        ("p2", Level::Primary, Some(2001.0)),
        ("n1", Level::NineYear, Some(2400.0)),
        ("p3", Level::Primary, None),
    ] {
        let mut s = school(id, level);
        s.enrolment = e;
        t.add(s, 0);
    }
    let f = check(SIZE, &t.map, &coverage(vec![]));
    assert_eq!(for_school(&f, "p1").status, Pass, "exactly 2000 passes");
    assert_eq!(for_school(&f, "p2").status, Fail);
    let n1 = for_school(&f, "n1");
    assert_eq!((n1.status, n1.threshold), (Pass, Some(2500.0)));
    assert_eq!(for_school(&f, "p3").status, NotEvaluable);
    let f = check(
        &SIZE.replace("scope = \"school\"", "scope = \"city\""),
        &t.map,
        &coverage(vec![]),
    );
    assert_eq!((f[0].status, f[0].measured), (Fail, Some(1.0)));
    assert_eq!(f[0].evidence.schools, vec!["p2"]);
}

const UTIL: &str = r#"
[[rules]]
id = "E1"
kind = "min_utilisation"
title_zh = "利用率"
title_en = "Utilisation"
clause = "三(三)"
scope = "school"
level = "primary"
min = 0.5
"#;

#[test]
fn utilisation_floor_inclusive_and_unknown_seats() {
    let mut t = TestMap::new();
    t.add(school("p1", Level::Primary), 0);
    t.add(school("p2", Level::Primary), 0);
    t.add(school("p3", Level::Primary), 0);
    t.add(school("k1", Level::Kindergarten), 0);
    let lc = level_coverage(
        Level::Primary,
        500.0,
        vec![],
        vec![],
        vec![Some(400.0), Some(400.0), None, Some(0.0)],
        vec![200.0, 199.0, 50.0, 0.0],
    );
    let f = check(UTIL, &t.map, &coverage(vec![lc.clone()]));
    assert_eq!(
        f.len(),
        3,
        "the kindergarten does not serve primary: {f:#?}"
    );
    let p1 = for_school(&f, "p1");
    assert_eq!(
        (p1.status, p1.measured),
        (Pass, Some(0.5)),
        "exactly the floor passes"
    );
    assert_eq!(for_school(&f, "p2").status, Fail);
    assert_eq!(for_school(&f, "p3").status, NotEvaluable);
    let f = check(
        &UTIL.replace("\"school\"", "\"county\""),
        &t.map,
        &coverage(vec![lc]),
    );
    let a = at(&f, Some("000001"));
    assert_eq!((a.status, a.measured), (Fail, Some(1.0)));
    assert_eq!(a.evidence.schools, vec!["p2"]);
}

fn with_resources(id: &str, enrolment: f64, teachers: f64, area: f64) -> schoolplan::model::School {
    let mut s = school(id, Level::Primary);
    s.enrolment = Some(enrolment);
    s.resources.insert("qualified_teachers".into(), teachers);
    s.resources.insert("teaching_area_m2".into(), area);
    s
}

const MINIMUM: &str = r#"
[[rules]]
id = "B2"
kind = "resource_minimum"
title_zh = "最低标准"
title_en = "Minimums"
clause = "四(二)2"
scope = "school"
filter = { levels = ["primary"] }
min_met = 1
floor_share = 0.85
indicators = [
  { name = "qualified_teachers", per_pupils = 100, min = 4.2 },
  { name = "teaching_area_m2", per_pupils = 1, min = 4.5 },
]
"#;

#[test]
fn resource_minimum_met_floor_and_missing() {
    let mut t = TestMap::new();
    t.add(with_resources("ok", 1000.0, 42.0, 4500.0), 0); // exactly 4.2 and 4.5: both met
    t.add(with_resources("floor", 1000.0, 42.0, 3825.0), 0); // 3.825 = 0.85 × 4.5: passes
    t.add(with_resources("under", 1000.0, 42.0, 3800.0), 0); // below the floor: fails
    t.add(with_resources("none", 1000.0, 30.0, 3000.0), 0); // 0 met
    let mut gap = school("gap", Level::Primary);
    gap.enrolment = Some(100.0);
    t.add(gap, 0);
    let f = check(MINIMUM, &t.map, &coverage(vec![]));
    let ok = for_school(&f, "ok");
    assert_eq!(
        (ok.status, ok.measured, ok.threshold),
        (Pass, Some(2.0), Some(1.0))
    );
    assert_eq!(for_school(&f, "floor").status, Pass);
    assert_eq!(for_school(&f, "under").status, Fail);
    assert_eq!(for_school(&f, "none").status, Fail);
    let gap = for_school(&f, "gap");
    assert_eq!(gap.status, NotEvaluable);
    assert!(gap
        .reason
        .as_deref()
        .unwrap()
        .contains("res_qualified_teachers"));
}

const CV: &str = r#"
[[rules]]
id = "B1"
kind = "balance_cv"
title_zh = "差异系数"
title_en = "CV"
clause = "四(二)2"
scope = "county"
filter = { levels = ["primary"] }
max_cv = 0.5
weighted = false
indicators = [{ name = "qualified_teachers", per_pupils = 100 }]
"#;

#[test]
fn balance_cv_value_and_inclusive_threshold() {
    // Values 2 and 6 per 100 pupils: mean 4, population s.d. 2, CV exactly 0.5.
    let mut t = TestMap::new();
    let mut a = with_resources("a", 100.0, 2.0, 0.0);
    a.resources.remove("teaching_area_m2");
    t.add(a, 0);
    t.add(with_resources("b", 100.0, 6.0, 0.0), 0);
    let f = check(CV, &t.map, &coverage(vec![]));
    let a = at(&f, Some("000001"));
    assert_eq!((a.status, a.measured), (Pass, Some(0.5)));
    let f = check(
        &CV.replace("max_cv = 0.5", "max_cv = 0.49"),
        &t.map,
        &coverage(vec![]),
    );
    let a = at(&f, Some("000001"));
    assert_eq!(a.status, Fail);
    assert_eq!(a.evidence.schools, vec!["a"], "the lowest school is named");
}

#[test]
fn balance_cv_weighted_by_enrolment() {
    // Values 2 (300 pupils) and 6 (100 pupils): weighted mean 3, s.d. √3, CV 0.577.
    let mut t = TestMap::new();
    t.add(with_resources("a", 300.0, 6.0, 0.0), 0);
    t.add(with_resources("b", 100.0, 6.0, 0.0), 0);
    let f = check(
        &CV.replace("weighted = false", "weighted = true"),
        &t.map,
        &coverage(vec![]),
    );
    let m = at(&f, Some("000001")).measured.unwrap();
    assert!((m - 3f64.sqrt() / 3.0).abs() < 1e-12, "{m}");
}

#[test]
fn balance_cv_not_evaluable_missing_data_or_single_school() {
    let mut t = TestMap::new();
    t.add(with_resources("a", 100.0, 2.0, 0.0), 0);
    let mut b = school("b", Level::Primary);
    b.enrolment = Some(100.0);
    t.add(b, 0);
    t.add(with_resources("c", 100.0, 2.0, 0.0), 2);
    let f = check(CV, &t.map, &coverage(vec![]));
    let a = at(&f, Some("000001"));
    assert_eq!(a.status, NotEvaluable);
    assert_eq!(a.evidence.schools, vec!["b"]);
    let b = at(&f, Some("000002"));
    assert_eq!(b.status, NotEvaluable, "one school: nothing to compare");
}
