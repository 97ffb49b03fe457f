//! The plan's proposals on `maps/fushun/plan-2025.toml` (real binary): every expansion relieves
//! a measured need that its row reports; no school the plan builds or expands is a consolidation
//! candidate; every township central kindergarten stands within 500 m of its township seat where
//! the seat is known (the real seat list, `source/fushun_township_seats.csv`); every rule of the
//! preset gives a finding, the new targets among them; and `compare` with the 2020 baseline shows
//! the classes of 56+ pupils the plan removes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fushun(file: &str) -> PathBuf {
    Path::new(ROOT).join("maps/fushun").join(file)
}

fn bin(args: &[&str], out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn read(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn plan() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let p = fushun("plan-2025.toml");
        bin(&["run", &p.display().to_string(), "--quiet"], d.path());
        d
    })
    .path()
}

fn proposals() -> Vec<Value> {
    read(&plan().join("proposals.geojson"))["features"]
        .as_array()
        .unwrap()
        .clone()
}

fn gap_closed(p: &Value) -> (f64, f64, u64) {
    let kv: BTreeMap<&str, &str> = p["gap_closed"]
        .as_str()
        .unwrap()
        .split(';')
        .map(|x| x.split_once('=').unwrap())
        .collect();
    (
        kv["covered"].parse().unwrap(),
        kv["seats"].parse().unwrap(),
        kv["large_classes"].parse().unwrap(),
    )
}

#[test]
fn every_expansion_relieves_a_measured_need() {
    let all = proposals();
    let exp: Vec<&Value> = all
        .iter()
        .filter(|f| f["properties"]["kind"] == "expansion")
        .collect();
    assert_eq!(exp.len(), 4 + 1);
    // The recorded large classes of each school, from the input.
    let input: BTreeMap<String, usize> = read(&fushun("schools.geojson"))["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let large = p["class_sizes"].as_array().map_or(0, |a| {
                a.iter().filter(|c| c.as_u64().unwrap() >= 56).count()
            });
            (p["id"].as_str().unwrap().to_string(), large)
        })
        .collect();
    for f in exp {
        let p = &f["properties"];
        let (_, seats, classes) = gap_closed(p);
        assert!(seats >= 1.0 || classes > 0, "{p}");
        // Classes removed are classes the school had.
        assert!(
            classes as usize <= input[p["site_id"].as_str().unwrap()],
            "{p}"
        );
    }
    for f in &all {
        assert!(f["properties"]["gap_closed"].is_string());
    }
}

#[test]
fn no_school_the_plan_builds_or_expands_is_a_consolidation_candidate() {
    let built: BTreeSet<String> = proposals()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let site = p["site_id"].as_str().unwrap();
            if p["kind"] == "expansion" {
                site.to_string()
            } else {
                let id = p["id"].as_str().unwrap();
                let request = &id[..id.rfind('-').unwrap()];
                format!("{request}:{site}")
            }
        })
        .collect();
    assert_eq!(built.len(), 18);
    let findings = read(&plan().join("findings.json"));
    for f in findings.as_array().unwrap() {
        if f["rule_id"].as_str().unwrap().starts_with("E1") {
            let school = f["school_id"].as_str().unwrap_or("");
            assert!(
                !(built.contains(school) && f["status"] == "fail"),
                "{school} fails {}",
                f["rule_id"]
            );
        }
    }
}

#[test]
fn township_central_kindergartens_stand_at_the_known_seats() {
    // Real seats (WGS 84 columns) by township code.
    let text = std::fs::read_to_string(fushun("source/fushun_township_seats.csv")).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
    let (code, lon, lat) = (col("code"), col("lng_wgs84"), col("lat_wgs84"));
    let seats: BTreeMap<String, [f64; 2]> = lines
        .filter_map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            Some((
                c[code].to_string(),
                [c[lon].parse().ok()?, c[lat].parse().ok()?],
            ))
        })
        .collect();
    let metres = |a: [f64; 2], b: [f64; 2]| {
        let (ax, e2) = (6_378_137.0, 0.006_694_379_990_14);
        let la = ((a[1] + b[1]) / 2.0).to_radians();
        let w = (1.0 - e2 * la.sin().powi(2)).sqrt();
        let (n, m) = (ax / w, ax * (1.0 - e2) / w.powi(3));
        (n * la.cos() * (a[0] - b[0]).to_radians()).hypot(m * (a[1] - b[1]).to_radians())
    };
    let schools = read(&plan().join("schools.geojson"));
    let township: BTreeMap<&str, &str> = schools["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["id"].as_str().unwrap(),
                f["properties"]["township"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let (mut checked, mut k1) = (0, 0);
    for f in proposals() {
        let p = &f["properties"];
        if !p["id"].as_str().unwrap().starts_with("K1-kindergarten-") {
            continue;
        }
        k1 += 1;
        let id = format!("K1-kindergarten:{}", p["site_id"].as_str().unwrap());
        let t = township[id.as_str()];
        let Some(seat) = seats.get(t) else { continue };
        let c = &f["geometry"]["coordinates"];
        let at = [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()];
        let d = metres(at, *seat);
        assert!(d <= 500.0, "{id} in {t} is {d:.0} m from the seat");
        checked += 1;
    }
    assert_eq!(k1, 7);
    assert!(
        checked >= 6,
        "{checked} of the 7 townships have a known seat"
    );
}

#[test]
fn every_preset_rule_gives_a_finding_with_the_new_targets() {
    let t: toml::Table = std::fs::read_to_string(fushun("rules/fushun-2025.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let findings = read(&plan().join("findings.json"));
    let found: BTreeSet<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    let ids: Vec<&str> = t["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in &ids {
        assert!(found.contains(id), "rule {id} gave no finding");
    }
    for id in [
        "K5",
        "S1-kindergarten",
        "S1-primary",
        "S1-junior",
        "H2",
        "H3",
        "V1",
        "P2-class-primary",
        "P2-class-junior",
        "G1",
        "I1",
        "K4-residential",
    ] {
        assert!(ids.contains(&id), "{id} is not in the preset");
    }
    // K4-residential names the new housing areas it checks.
    let k4: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "K4-residential")
        .collect();
    assert!(k4
        .iter()
        .any(|f| f["note"].as_str().unwrap_or("").contains("李石新城")));
}

#[test]
fn compare_shows_the_large_classes_the_plan_removes() {
    let d = tempfile::tempdir().unwrap();
    bin(
        &[
            "compare",
            &fushun("baseline-2020.toml").display().to_string(),
            &fushun("plan-2025.toml").display().to_string(),
        ],
        d.path(),
    );
    let c = read(&d.path().join("compare.json"));
    let (before, after) = (
        c["large_classes"][0].as_u64().unwrap(),
        c["large_classes"][1].as_u64().unwrap(),
    );
    assert!(after < before, "{before} → {after}");
    // Every expanded school with large classes is among the schools that changed, with fewer.
    let changed: BTreeMap<&str, (u64, u64)> = c["large_classes_changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap(),
                (
                    s["large_classes_before"].as_u64().unwrap_or(0),
                    s["large_classes_after"].as_u64().unwrap_or(0),
                ),
            )
        })
        .collect();
    let removed: u64 = changed.values().map(|(b, a)| b - a.min(b)).sum();
    assert_eq!(before - after, removed);
    for f in proposals() {
        let p = &f["properties"];
        let (_, _, classes) = gap_closed(p);
        if p["kind"] == "expansion" && classes > 0 {
            let (b, a) = changed[p["site_id"].as_str().unwrap()];
            assert!(b - a >= classes, "{p}");
        }
    }
    let md = std::fs::read_to_string(d.path().join("compare.md")).unwrap();
    assert!(md.contains("大班额"), "the comparison report shows them");
}
