//! The plan targets as rules, on the demo map (`maps/demo/demo-programme.toml` with
//! `rules-targets.toml`, run by the real binary): K5, S1, H2, H3, V1, P2-class, G1, I1 measure
//! what the plan says; E1 follows the consolidation policy (built or expanded schools are never
//! candidates, recorded pupils projected, small rural schools and long journeys protected);
//! K4-residential checks residential areas; and no rule is ever silent. Expected values are
//! computed here from the input layers and the run's own school and cell layers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use schoolplan_testkit::runs::{demo_file, demo_programme, demo_scratch, read_json, run_quiet};
use serde_json::{json, Value};

fn features(v: &Value) -> Vec<Value> {
    v["features"].as_array().unwrap().clone()
}

fn findings(out: &Path, id: &str) -> Vec<Value> {
    read_json(&out.join("findings.json"))
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == id)
        .cloned()
        .collect()
}

/// The run's schools (after the plan is built), by id.
fn out_schools(out: &Path) -> BTreeMap<String, Value> {
    features(&read_json(&out.join("schools.geojson")))
        .into_iter()
        .map(|f| {
            (
                f["properties"]["id"].as_str().unwrap().to_string(),
                f["properties"].clone(),
            )
        })
        .collect()
}

fn f64_of(v: &Value) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn every_rule_of_the_presets_gives_a_finding() {
    let out = demo_programme();
    let all = read_json(&out.join("findings.json"));
    let found: BTreeSet<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    for preset in ["rules.toml", "rules-targets.toml"] {
        let t: toml::Table = std::fs::read_to_string(demo_file(preset))
            .unwrap()
            .parse()
            .unwrap();
        for r in t["rules"].as_array().unwrap() {
            let id = r["id"].as_str().unwrap();
            assert!(found.contains(id), "rule {id} of {preset} gave no finding");
        }
    }
    // A rule whose scope has no qualifying unit: a pass over 0 units, not silence.
    let d = demo_scratch();
    std::fs::write(
        d.path().join("none.toml"),
        r#"extends = "demo.toml"
name = "none"

[[rules]]
id = "BIG"
kind = "min_count"
title_zh = "特大县"
title_en = "Very large counties"
clause = "test"
scope = "county"
filter = { levels = ["special"] }
min = 1
min_population = 1e9
"#,
    )
    .unwrap();
    let out = d.path().join("out");
    run_quiet(&d.path().join("none.toml"), &out);
    let f = findings(&out, "BIG");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["status"], "pass");
    assert_eq!(f[0]["unit"], "units");
    assert_eq!(f[0]["measured"], 0.0);
}

#[test]
fn k4_residential_checks_residential_areas_not_cells() {
    // Without a `housing` property the rule says it cannot tell.
    for f in findings(demo_programme(), "K4-residential") {
        assert_eq!(f["status"], "not_evaluable", "{f}");
    }
    // The new housing in the north-east corner (east of +2400 m, north of +1400 m of the demo's
    // centre, 123.9° 41.85°), marked as one residential area.
    let d = demo_scratch();
    let mut pop = read_json(&d.path().join("population.geojson"));
    let (east, north) = (
        123.9 + 2400.0 / (111_320.0 * 41.85f64.to_radians().cos()),
        41.85 + 1400.0 / 111_000.0,
    );
    let mut ids = BTreeSet::new();
    for f in pop["features"].as_array_mut().unwrap() {
        let ring = f["geometry"]["coordinates"][0].as_array().unwrap().clone();
        let n = (ring.len() - 1) as f64;
        let x: f64 = ring[..ring.len() - 1]
            .iter()
            .map(|p| f64_of(&p[0]))
            .sum::<f64>()
            / n;
        let y: f64 = ring[..ring.len() - 1]
            .iter()
            .map(|p| f64_of(&p[1]))
            .sum::<f64>()
            / n;
        if x > east && y > north {
            f["properties"]["housing"] = json!("NE estate");
            ids.insert(f["properties"]["id"].as_str().unwrap().to_string());
        }
    }
    assert!(ids.len() >= 4);
    std::fs::write(
        d.path().join("population.geojson"),
        serde_json::to_vec(&pop).unwrap(),
    )
    .unwrap();
    let out = d.path().join("out");
    run_quiet(&d.path().join("demo-programme.toml"), &out);
    // Its children (pop_3_5 × 0.8 in demo-plan) and those within reach, from the cell layer.
    let cov = read_json(&out.join("coverage.geojson"));
    let (mut total, mut covered, mut county) = (0.0, 0.0, BTreeMap::<String, f64>::new());
    for f in features(&cov) {
        let p = &f["properties"];
        if !ids.contains(p["id"].as_str().unwrap()) {
            continue;
        }
        let d = f64_of(&p["demand_kindergarten"]);
        total += d;
        if p["covered_kindergarten"] == true {
            covered += d;
        }
        *county
            .entry(p["county"].as_str().unwrap().to_string())
            .or_default() += d;
    }
    assert!(total >= 90.0, "the estate has {total} children");
    let home = county
        .iter()
        .max_by(|a, b| a.1.partial_cmp(b.1).unwrap())
        .unwrap()
        .0;
    let f = findings(&out, "K4-residential");
    assert_eq!(f.len(), 1, "one county holds the estate: {f:?}");
    assert_eq!(f[0]["area_code"].as_str(), Some(home.as_str()));
    assert!(close(f64_of(&f[0]["measured"]), covered / total, 1e-9));
    assert_eq!(
        f[0]["status"],
        if covered < total - 1e-9 {
            "fail"
        } else {
            "pass"
        }
    );
    assert!(f[0]["note"].as_str().unwrap().contains("NE estate"));
}

#[test]
fn the_plan_targets_measure_what_the_plan_says() {
    let out = demo_programme();
    let schools = out_schools(out);
    let open = |s: &&Value| s["status"] != "closed";
    // K5: public share of kindergarten seats (the plan's new central kindergarten included).
    let kg: Vec<&Value> = schools
        .values()
        .filter(open)
        .filter(|s| s["level"] == "kindergarten")
        .collect();
    let public: f64 = kg
        .iter()
        .filter(|s| s["ownership"] == "public")
        .map(|s| f64_of(&s["capacity_seats"]))
        .sum();
    let all: f64 = kg.iter().map(|s| f64_of(&s["capacity_seats"])).sum();
    let k5 = findings(out, "K5");
    assert!(close(f64_of(&k5[0]["measured"]), public / all, 1e-9));
    assert_eq!(
        k5[0]["status"],
        if public / all >= 0.8 { "pass" } else { "fail" }
    );
    // H3: senior and vocational seats against the 15–17 cohort × 88.5 %.
    let seats: f64 = schools
        .values()
        .filter(open)
        .filter(|s| s["level"] == "senior" || s["level"] == "vocational")
        .map(|s| f64_of(&s["capacity_seats"]))
        .sum();
    let cohort: f64 = features(&read_json(&demo_file("population.geojson")))
        .iter()
        .map(|f| f64_of(&f["properties"]["pop_15_17"]))
        .sum();
    let h3 = findings(out, "H3");
    assert_eq!(f64_of(&h3[0]["measured"]), seats);
    assert!(close(f64_of(&h3[0]["threshold"]), cohort * 0.885, 1e-6));
    // S1: residents ÷ 1,000 × 60 against the primary seats of each county.
    let cov = read_json(&out.join("coverage.geojson"));
    let mut residents: BTreeMap<String, f64> = BTreeMap::new();
    for f in features(&cov) {
        let p = &f["properties"];
        if let Some(c) = p["county"].as_str() {
            *residents.entry(c.into()).or_default() += f64_of(&p["pop_total"]);
        }
    }
    for f in findings(out, "S1-primary") {
        let c = f["area_code"].as_str().unwrap();
        let seats: f64 = schools
            .values()
            .filter(|s| s["county"] == c)
            .map(|s| f64_of(&s["seats_primary"]))
            .sum();
        assert!(close(
            f64_of(&f["threshold"]),
            residents[c] / 1000.0 * 60.0,
            1e-6
        ));
        assert!(close(f64_of(&f["measured"]), seats, 1e-6), "{f}");
    }
    // V1: vocational schools per county.
    for f in findings(out, "V1") {
        let c = f["area_code"].as_str().unwrap();
        let n = schools
            .values()
            .filter(|s| s["county"] == c && s["level"] == "vocational")
            .count();
        assert_eq!(f64_of(&f["measured"]), n as f64);
    }
    // H2: every senior school against 3,000 pupils.
    let h2 = findings(out, "H2");
    assert_eq!(
        h2.len(),
        schools.values().filter(|s| s["level"] == "senior").count()
    );
    for f in &h2 {
        let s = &schools[f["school_id"].as_str().unwrap()];
        assert_eq!(f64_of(&f["measured"]), f64_of(&s["enrolment"]));
    }
    // P2-class: classes above 45 in primary schools whose pupils the plan did not move.
    let input: BTreeMap<String, Value> = features(&read_json(&demo_file("schools.geojson")))
        .into_iter()
        .map(|f| {
            (
                f["properties"]["id"].as_str().unwrap().into(),
                f["properties"].clone(),
            )
        })
        .collect();
    for f in findings(out, "P2-class-primary") {
        let c = f["area_code"].as_str().unwrap();
        let here: Vec<(&String, &Value)> = schools
            .iter()
            .filter(|(_, s)| s["county"] == c && s["level"] == "primary" && s["status"] != "closed")
            .collect();
        if here.iter().any(|(id, s)| {
            input.get(*id).map(|i| f64_of(&i["enrolment"])) != Some(f64_of(&s["enrolment"]))
                || f64_of(&s["added_classes"]) > 0.0
        }) {
            continue; // the plan changed a school's classes here
        }
        let n: usize = here
            .iter()
            .filter_map(|(id, _)| input[*id]["class_sizes"].as_array())
            .flatten()
            .filter(|x| f64_of(x) >= 46.0)
            .count();
        assert_eq!(f64_of(&f["measured"]), n as f64, "{c}");
    }
    // G1: rural compulsory schools and their nearest quality school.
    let g1 = findings(out, "G1");
    assert!(!g1.is_empty());
    let pos = |id: &str| -> [f64; 2] {
        let f = features(&read_json(&out.join("schools.geojson")))
            .into_iter()
            .find(|f| f["properties"]["id"] == id)
            .unwrap();
        [
            f64_of(&f["geometry"]["coordinates"][0]),
            f64_of(&f["geometry"]["coordinates"][1]),
        ]
    };
    // Metres on the WGS 84 ellipsoid (radii of curvature at the mean latitude): exact enough
    // over a few kilometres.
    let metres = |a: [f64; 2], b: [f64; 2]| {
        let (ax, e2) = (6_378_137.0, 0.006_694_379_990_14);
        let lat = ((a[1] + b[1]) / 2.0).to_radians();
        let w = (1.0 - e2 * lat.sin().powi(2)).sqrt();
        let (n, m) = (ax / w, ax * (1.0 - e2) / w.powi(3));
        (n * lat.cos() * (a[0] - b[0]).to_radians()).hypot(m * (a[1] - b[1]).to_radians())
    };
    for f in &g1 {
        let me = f["school_id"].as_str().unwrap();
        let d = schools
            .iter()
            .filter(|(id, s)| {
                id.as_str() != me
                    && s["status"] != "closed"
                    && s["quality"] == true
                    && ["primary", "junior", "nine_year"].contains(&s["level"].as_str().unwrap())
            })
            .map(|(id, _)| metres(pos(me), pos(id)))
            .fold(f64::INFINITY, f64::min);
        assert!(close(f64_of(&f["measured"]), d, 1.0 + d * 2e-4), "{f}: {d}");
        assert_eq!(f["status"], if d <= 3000.0 { "pass" } else { "fail" });
    }
    // I1: no school records resource rooms, so a township is decided only by a special school
    // in it or within reach with no unknown school nearer.
    for f in findings(out, "I1") {
        let s = f["status"].as_str().unwrap();
        assert!(s == "pass" || s == "not_evaluable", "{f}");
        if s == "pass" {
            assert!(f64_of(&f["measured"]) <= 3000.0);
        }
    }
}

#[test]
fn consolidation_follows_policy() {
    let out = demo_programme();
    let schools = out_schools(out);
    let e1 = findings(out, "E1-primary");
    assert!(!e1.is_empty());
    // Schools the plan builds or expands are never candidates.
    let plan: BTreeSet<&str> = schools
        .iter()
        .filter(|(_, s)| s["status"] == "planned" || f64_of(&s["added_classes"]) > 0.0)
        .map(|(id, _)| id.as_str())
        .collect();
    assert!(plan.len() >= 3);
    for f in &e1 {
        assert!(!plan.contains(f["school_id"].as_str().unwrap()), "{f}");
    }
    // Recorded pupils, projected: primary pupils × 0.9 (demo-plan's pop_6_11 factor) ÷ seats;
    // a nine-year school's pupils split as its seats.
    let plan_toml: toml::Table = std::fs::read_to_string(demo_file("demo-plan.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let factor = plan_toml["population"]["factors"]["pop_6_11"]
        .as_float()
        .unwrap();
    for f in &e1 {
        let s = &schools[f["school_id"].as_str().unwrap()];
        let seats = f64_of(&s["seats_primary"]);
        let share = seats / f64_of(&s["capacity_seats"]);
        let want = f64_of(&s["enrolment"]) * share * factor / seats;
        assert!(close(f64_of(&f["measured"]), want, 1e-9), "{f}");
        let under = want < 0.5;
        let note = f["note"].as_str().unwrap();
        match f["status"].as_str().unwrap() {
            // A candidate lists the journey its pupils would make, none beyond their standard.
            "fail" => {
                assert!(under);
                assert!(
                    note.contains("km") && note.contains("; 0 pushed beyond"),
                    "{note}"
                );
            }
            // Under the floor yet kept: a small rural school or a journey beyond the standard.
            "pass" if under => assert!(
                note.contains("protected small rural school") || note.contains("kept:"),
                "{note}"
            ),
            _ => {}
        }
    }
    // The demo's small rural nine-year school (fewer than 200 pupils) is protected.
    let small: Vec<&Value> = e1
        .iter()
        .filter(|f| {
            let s = &schools[f["school_id"].as_str().unwrap()];
            f64_of(&s["enrolment"]) < 200.0 && f64_of(&f["measured"]) < 0.5
        })
        .collect();
    assert!(!small.is_empty());
    for f in small {
        assert_eq!(f["status"], "pass");
        assert!(f["note"]
            .as_str()
            .unwrap()
            .contains("protected small rural school"));
    }
}

#[test]
fn the_rule_kinds_are_listed() {
    let o = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
        .args(["rules"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("within_reach"), "{text}");
    let o = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
        .args(["rules", "within_reach"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
}
