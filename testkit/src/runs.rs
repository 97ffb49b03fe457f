//! Shared by the `access_*` tests: run the real binary on a scenario into a scratch folder and
//! read its outputs back as JSON.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A finished run: its folder (kept alive) and parsed outputs.
pub struct Run {
    /// The folder holding the outputs (removed when dropped).
    pub dir: tempfile::TempDir,
    /// `summary.json`, parsed.
    pub summary: Value,
}

impl Run {
    /// An output file of the run.
    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    /// An output JSON file of the run, parsed.
    pub fn json(&self, file: &str) -> Value {
        let text =
            std::fs::read_to_string(self.path(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        serde_json::from_str(&text).unwrap()
    }

    /// The features' properties of a GeoJSON output.
    pub fn props(&self, file: &str) -> Vec<serde_json::Map<String, Value>> {
        self.json(file)["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"].as_object().unwrap().clone())
            .collect()
    }

    /// `levels[]` entry of a level in summary.json.
    pub fn level(&self, level: &str) -> &Value {
        self.summary["levels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["level"] == level)
            .unwrap_or_else(|| panic!("no level {level}"))
    }
}

/// Runs `schoolplan run <scenario> --out <tmp> --quiet` (path relative to the repository).
pub fn run(scenario: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = Command::new(crate::schoolplan_bin())
        .args([
            "run",
            scenario,
            "--out",
            &out.display().to_string(),
            "--quiet",
        ])
        .current_dir(crate::repo_root())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "run {scenario}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let dir2 = tempfile::TempDir::new().unwrap();
    // Keep one folder: move the outputs up.
    for e in std::fs::read_dir(&out).unwrap() {
        let e = e.unwrap();
        std::fs::rename(e.path(), dir2.path().join(e.file_name())).unwrap();
    }
    drop(dir);
    let summary =
        serde_json::from_str(&std::fs::read_to_string(dir2.path().join("summary.json")).unwrap())
            .unwrap();
    Run { dir: dir2, summary }
}

/// Reads an input GeoJSON of the repository: its features' properties.
pub fn input_props(path: &str) -> Vec<serde_json::Map<String, Value>> {
    let text = std::fs::read_to_string(crate::repo_root().join(path)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].as_object().unwrap().clone())
        .collect()
}

/// A JSON number (panics otherwise).
pub fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// A JSON number, when there is one.
pub fn opt_num(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64)
}

/// A JSON string (panics otherwise).
pub fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}

/// Sum of `f(props)` grouped by `key(props)`.
pub fn group_sum(
    rows: &[serde_json::Map<String, Value>],
    key: impl Fn(&serde_json::Map<String, Value>) -> Option<String>,
    f: impl Fn(&serde_json::Map<String, Value>) -> f64,
) -> BTreeMap<String, f64> {
    let mut m = BTreeMap::new();
    for r in rows {
        if let Some(k) = key(r) {
            *m.entry(k).or_insert(0.0) += f(r);
        }
    }
    m
}

/// Whether `a` and `b` agree within `tol`, relative to the larger of them (and absolute near
/// zero).
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

/// Runs `schoolplan run <scenario> --out <out> --quiet` and asserts exit code 0.
pub fn run_quiet(scenario: &Path, out: &Path) {
    let o = Command::new(crate::schoolplan_bin())
        .args(["run", &scenario.display().to_string(), "--out"])
        .arg(out)
        .arg("--quiet")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Reads a JSON file, panicking with its path.
pub fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap()
}

/// A file of `maps/demo`.
pub fn demo_file(file: &str) -> PathBuf {
    crate::repo_root().join("maps/demo").join(file)
}

/// A copy of `maps/demo` (its files, not its sub-folders) in a temporary folder.
pub fn demo_scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(crate::repo_root().join("maps/demo")).unwrap() {
        let e = e.unwrap();
        if e.path().is_file() {
            std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
        }
    }
    dir
}

/// The outputs of `maps/demo/demo-programme.toml`, run once per test binary.
pub fn demo_programme() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        run_quiet(&demo_file("demo-programme.toml"), d.path());
        d
    })
    .path()
}

/// Runs `schoolplan run <scenario> --out <out> --quiet`, asserts exit code 0 and returns the
/// run's `summary.json` and `findings.json`.
pub fn run_outputs(scenario: &Path, out: &Path) -> (Value, Vec<Value>) {
    run_quiet(scenario, out);
    (
        read_json(&out.join("summary.json")),
        read_json(&out.join("findings.json"))
            .as_array()
            .unwrap()
            .clone(),
    )
}

/// `(level, coverage)` of each level of a `summary.json`.
pub fn coverages(summary: &Value) -> Vec<(String, f64)> {
    summary["levels"]
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
