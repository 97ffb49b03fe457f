//! The real binary on the shipped maps: `run`, `check`, `compare` and `rules`, their exit codes
//! and outputs, and byte-identical outputs for the same inputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schoolplan"))
        .args(args)
        .current_dir(ROOT)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn map(p: &str) -> String {
    Path::new(ROOT).join("maps").join(p).display().to_string()
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn run_into(scenario: &str, out: &Path) -> Output {
    bin(&[
        "run",
        &map(scenario),
        "--out",
        &out.display().to_string(),
        "--quiet",
    ])
}

const EXPECTED: [&str; 20] = [
    "summary.json",
    "schools.csv",
    "areas.csv",
    "proposals.csv",
    "report.html",
    "report.md",
    "findings.json",
    "findings.csv",
    "schools.geojson",
    "coverage.geojson",
    "gaps.geojson",
    "areas.geojson",
    "proposals.geojson",
    "schools.qml",
    "coverage.qml",
    "gaps.qml",
    "areas.qml",
    "proposals.qml",
    "schoolplan.qgs",
    "map-primary.svg",
];

#[test]
fn run_on_demo_writes_everything_and_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let o = run_into("demo/demo.toml", &a);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("coverage"), "{}", text(&o.stdout));
    let fa = files(&a);
    for f in EXPECTED {
        assert!(fa.contains_key(f), "missing {f}; have {:?}", fa.keys());
    }
    assert_eq!(run_into("demo/demo.toml", &b).status.code(), Some(0));
    let fb = files(&b);
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between two runs");
    }
    // No temporary folder is left beside the output.
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

#[test]
fn summary_levels_match_coverage_layer() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_into("demo/demo.toml", tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let summary: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("summary.json")).unwrap()).unwrap();
    let levels = summary["levels"].as_array().expect("levels array");
    assert_eq!(levels.len(), 4);
    let cov: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("coverage.geojson")).unwrap())
            .unwrap();
    let feats = cov["features"].as_array().unwrap();
    for l in levels {
        let level = l["level"].as_str().unwrap();
        let (demand, covered, coverage) = (
            l["demand"].as_f64().unwrap(),
            l["covered"].as_f64().unwrap(),
            l["coverage"].as_f64().unwrap(),
        );
        assert!(l["radius_m"].as_f64().unwrap() > 0.0);
        assert!((coverage - covered / demand).abs() < 1e-4, "{l}");
        // The layer's covered flags and demand add up to the summary (population-weighted).
        let key = format!("covered_{level}");
        let dkey = format!("demand_{level}");
        let from_layer: f64 = feats
            .iter()
            .filter(|f| f["properties"][&key].as_bool() == Some(true))
            .map(|f| f["properties"][&dkey].as_f64().unwrap_or(0.0))
            .sum();
        assert!(
            (from_layer - covered).abs() <= 1e-3 * covered.max(1.0) + 1.0,
            "{level}: layer {from_layer} vs summary {covered}"
        );
        assert!(
            feats
                .iter()
                .all(|f| f["properties"].get(format!("dist_{level}_m")).is_some()),
            "dist_{level}_m on every cell"
        );
    }
    let findings = summary["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        for k in ["id", "status", "area", "value", "threshold"] {
            assert!(f.get(k).is_some(), "finding without {k}: {f}");
        }
    }
}

#[test]
fn check_strict_exits_1_on_failures_and_writes_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let o = bin(&[
        "check",
        &map("demo/demo.toml"),
        "--strict",
        "--out",
        &tmp.path().display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    // Failing rules come first in the table.
    let first = out.lines().next().unwrap_or("");
    assert!(
        first.contains("FAIL: ") && !first.contains("FAIL: 0"),
        "{out}"
    );
    let csv = std::fs::read_to_string(tmp.path().join("findings.csv")).unwrap();
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("findings.json")).unwrap())
            .unwrap();
    assert_eq!(csv.lines().count() - 1, json.as_array().unwrap().len());
    // Without --strict the same findings exit 0.
    assert_eq!(
        bin(&["check", &map("demo/demo.toml")]).status.code(),
        Some(0)
    );
}

#[test]
fn check_in_chinese() {
    let o = bin(&["check", &map("demo/demo.toml"), "--lang", "zh"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("不达标"), "{}", text(&o.stdout));
}

#[test]
fn rules_documents_kinds_and_rule_ids() {
    let list = bin(&["rules"]);
    assert_eq!(list.status.code(), Some(0));
    assert!(text(&list.stdout).contains("min_count"));
    let k1 = bin(&["rules", "K1"]);
    assert_eq!(k1.status.code(), Some(0));
    let s = text(&k1.stdout);
    assert!(
        s.contains("What it checks") && s.contains("Why it matters") && s.contains("Parameters"),
        "{s}"
    );
    assert_eq!(bin(&["rules", "no_such_kind"]).status.code(), Some(2));
}

fn fushun_run(scenario: &str) -> (PathBuf, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = run_into(scenario, &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    (out, tmp)
}

#[test]
fn fushun_plan_builds_the_central_programme_and_passes_p1() {
    let (out, _tmp) = fushun_run("fushun/plan-2025.toml");
    let f = files(&out);
    for name in EXPECTED {
        assert!(f.contains_key(name), "missing {name}");
    }
    let findings: Value = serde_json::from_slice(&f["findings.json"]).unwrap();
    let p1: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule_id"] == "P1")
        .collect();
    assert_eq!(p1.len(), 5, "one P1 finding per required project type");
    assert!(p1.iter().all(|x| x["status"] == "pass"), "{p1:?}");
    // Every Fushun rule of the preset evaluates, and the synthetic baseline keeps gaps.
    let ids: std::collections::BTreeSet<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["rule_id"].as_str().unwrap())
        .collect();
    for id in [
        "K1",
        "K2",
        "K3",
        "K4",
        "P1",
        "P2-B1-primary",
        "P2-B2-primary",
        "P3",
        "P4",
        "H1",
        "R1",
        "E1",
    ] {
        assert!(ids.contains(id), "rule {id} gave no finding");
    }
    assert!(findings
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["status"] == "fail"));
    let proposals: Value = serde_json::from_slice(&f["proposals.geojson"]).unwrap();
    // 2 + 4 primary, 3 + 1 junior, 1 nine-year, 7 kindergartens.
    assert_eq!(proposals["features"].as_array().unwrap().len(), 18);
    // Every request carries its certificate: a bound on the right side of the objective, a
    // gap matching them, why the search stopped (never the clock: the answer must not depend
    // on the machine) and the work spent.
    let summary: Value = serde_json::from_slice(&f["summary.json"]).unwrap();
    let requests = summary["proposals"]["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 4, "{requests:?}");
    for r in requests {
        let (obj, bound, gap) = (
            r["objective"].as_f64().unwrap(),
            r["bound"].as_f64().unwrap(),
            r["gap"].as_f64().unwrap(),
        );
        // The township kindergartens are a `reach` request: an MCLP on the new sites alone.
        let problem = r["problem"].as_str().unwrap();
        assert!(problem.starts_with("mclp") || problem == "reach", "{r}");
        assert!(bound >= obj - 1e-6, "{r}");
        assert!((gap - (bound - obj) / obj).abs() < 1e-5, "{r}");
        assert_ne!(r["stop"], "wall_clock", "{r}");
        assert!(r["work"].as_u64().unwrap() > 0, "{r}");
        if r["status"] == "optimal" {
            assert!(gap == 0.0 && bound == obj, "{r}");
        }
    }
}

#[test]
fn compare_baseline_and_plan_shows_the_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let o = bin(&[
        "compare",
        &map("fushun/baseline-2020.toml"),
        &map("fushun/plan-2025.toml"),
        "--out",
        &tmp.path().display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let c: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("compare.json")).unwrap()).unwrap();
    assert_eq!(c["schools_added"].as_array().unwrap().len(), 2 + 3 + 1 + 7);
    assert_eq!(c["schools_expanded"].as_array().unwrap().len(), 4 + 1);
    let primary = c["levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["level"] == "primary")
        .unwrap();
    assert!(
        primary["newly_covered"].as_f64().unwrap() > 0.0,
        "{primary}"
    );
    assert!(c["rules_changed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.to_string().contains("P1")));
    assert!(tmp.path().join("compare.html").exists() && tmp.path().join("compare.md").exists());
}

#[test]
fn run_on_unusable_input_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, "[layers.schools]\npath = \"missing.geojson\"\n[layers.population]\npath = \"missing2.geojson\"\n").unwrap();
    let out = tmp.path().join("out");
    let o = bin(&[
        "run",
        &scenario.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("missing.geojson") && text(&o.stderr).contains("missing2.geojson"),
        "{}",
        text(&o.stderr)
    );
    assert!(!out.exists());
}

fn level_coverage(dir: &Path) -> BTreeMap<String, f64> {
    let s: Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    s["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["level"].as_str().unwrap().to_string(),
                l["coverage"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn network_distance_never_covers_more_than_straight_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let (s, n) = (tmp.path().join("s"), tmp.path().join("n"));
    assert_eq!(run_into("demo/demo.toml", &s).status.code(), Some(0));
    let o = run_into("demo/demo-network.toml", &n);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let summary = std::fs::read_to_string(n.join("summary.json")).unwrap();
    assert!(
        summary.contains("\"network\""),
        "the summary says network distance"
    );
    let (cs, cn) = (level_coverage(&s), level_coverage(&n));
    assert_eq!(cs.keys().collect::<Vec<_>>(), cn.keys().collect::<Vec<_>>());
    for (level, straight) in &cs {
        // A road path is never shorter than the straight line (access legs included).
        assert!(
            cn[level] <= straight + 1e-9,
            "{level}: network {} > straight {straight}",
            cn[level]
        );
    }
    assert!(
        cn.values().sum::<f64>() < cs.values().sum::<f64>(),
        "roads make a difference"
    );
}
