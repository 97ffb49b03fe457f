//! Findings output: order, CSV, JSON, the text table.

use schoolplan::config::Language;
use schoolplan::model::Level;
use schoolplan::rules::{self, findings_to_csv, findings_to_json, render_table, CSV_COLUMNS};
use schoolplan_testkit::rulemap::*;

const RULES: &str = r#"
[[rules]]
id = "S1"
kind = "max_school_size"
title_zh = "学校规模"
title_en = "School size"
clause = "x"
scope = "county"
max = 100

[[rules]]
id = "K1"
kind = "min_count"
title_zh = "每个乡镇至少办好1所优质公办中心幼儿园"
title_en = "Quality public kindergarten per township"
clause = "四(八)1"
scope = "township"
township_kinds = ["town"]
filter = { levels = ["kindergarten"], quality = true }
min = 1
"#;

fn sample() -> (TestMap, Vec<schoolplan::rules::Finding>) {
    let mut t = TestMap::new();
    let mut a = school("p1", Level::Primary);
    a.enrolment = Some(150.0);
    t.add(a, 2);
    let mut b = school("p2", Level::Primary);
    b.enrolment = Some(90.0);
    t.add(b, 0);
    let mut k = school("k1", Level::Kindergarten);
    k.quality = Some(true);
    k.enrolment = Some(80.0);
    t.add(k, 1);
    let f = check(RULES, &t.map, &coverage(vec![]));
    (t, f)
}

#[test]
fn findings_come_in_rule_then_area_order() {
    let (_, f) = sample();
    let keys: Vec<(&str, Option<&str>)> = f
        .iter()
        .map(|x| (x.rule_id.as_str(), x.area_code.as_deref()))
        .collect();
    assert_eq!(
        keys,
        [
            ("S1", Some("000001")),
            ("S1", Some("000002")),
            ("K1", Some("000001101")),
        ]
    );
}

#[test]
fn csv_has_stable_columns_and_one_row_per_finding() {
    let (_, f) = sample();
    let csv = findings_to_csv(&f);
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), CSV_COLUMNS.join(","));
    assert_eq!(csv.lines().count(), f.len() + 1);
    let s1b = csv.lines().nth(2).unwrap();
    assert!(s1b.starts_with("S1,学校规模,School size,x,max_school_size,county,000002,County B,,fail,1,<=,0,schools,p1,"), "{s1b}");
    assert_eq!(findings_to_csv(&f), csv, "deterministic");
}

#[test]
fn json_round_trips_field_names() {
    let (_, f) = sample();
    let v: serde_json::Value = serde_json::from_str(&findings_to_json(&f)).unwrap();
    let first = &v[0];
    for key in [
        "rule_id",
        "title_zh",
        "title_en",
        "clause",
        "kind",
        "scope",
        "area_code",
        "area_name",
        "school_id",
        "status",
        "measured",
        "comparison",
        "threshold",
        "unit",
        "evidence",
        "reason",
        "fix",
        "note",
        "projects",
    ] {
        assert!(first.get(key).is_some(), "{key}");
    }
    assert_eq!(first["comparison"], "<=");
    assert_eq!(v[1]["status"], "fail");
}

#[test]
fn table_groups_by_rule_failing_first_in_both_languages() {
    let (_, f) = sample();
    let en = render_table(&f, Language::En);
    let k1 = en
        .find("K1  Quality public kindergarten per township")
        .unwrap();
    let s1 = en.find("S1  School size").unwrap();
    assert!(s1 < k1, "S1 has a failure, K1 none:\n{en}");
    assert!(
        en.contains("FAIL  County B 000002  1 <= 0 schools  p1: 50 pupils over the cap of 100"),
        "{en}"
    );
    let fail = en.find("FAIL  County B").unwrap();
    let pass = en.find("pass  County A 000001").unwrap();
    assert!(fail < pass, "{en}");
    let zh = render_table(&f, Language::Zh);
    assert!(
        zh.contains("K1  每个乡镇至少办好1所优质公办中心幼儿园  [四(八)1]"),
        "{zh}"
    );
    assert!(zh.contains("不达标"), "{zh}");
}

#[test]
fn chinese_scenario_gives_chinese_fixes() {
    let mut t = TestMap::new();
    t.add(school("k0", Level::Primary), 1);
    let rules_zh = RULES
        .replace("max = 100", "max = 100\nareas = [\"000009\"]")
        .replace("township_kinds = [\"town\"]\n", "");
    let sc = scenario_lang(&rules_zh, Language::Zh);
    let f = rules::evaluate(&t.map, &sc, &coverage(vec![]), &[]).unwrap();
    let k1 = f
        .iter()
        .find(|x| x.rule_id == "K1" && x.status == Fail)
        .unwrap();
    assert_eq!(k1.fix.as_deref(), Some("在A Street新增1所优质幼儿园"));
    let s1 = f.iter().find(|x| x.rule_id == "S1").unwrap();
    assert_eq!(s1.status, NotEvaluable, "an area the map lacks: {s1:?}");
    assert_eq!(s1.area_code.as_deref(), Some("000009"));
}
