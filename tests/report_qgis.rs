//! The QGIS project in real QGIS: `schoolplan run` on the shipped maps, then PyQGIS (Debian's
//! `python3-qgis`, QGIS 3.22, headless with `QT_QPA_PLATFORM=offscreen`) loads `schoolplan.qgs`
//! and runs `tests/qgis/check_project.py`: every layer valid, in the layer tree and the legend;
//! the project CRS valid and projected (and `SpatialRefSys/ProjectionsEnabled` read); per level
//! a group with a coverage layer graduated on the level's distance, a gap layer subset to the
//! level, schools labelled by name at limited scales; Chinese layer names in a zh run; one print
//! layout per level with map (following the level's theme), legend, scale bar, north arrow and
//! labels, rendered to PNG and not blank.
//!
//! Skips (with a note) when no Python with the `qgis` module is found, but fails when the `CI`
//! environment variable is set: CI installs it (`apt-get install -y qgis python3-qgis`). The
//! Python is `$SCHOOLPLAN_PYTHON`, else `/usr/bin/python3`, else `python3`. Set
//! `SCHOOLPLAN_REPORT_KEEP=<folder>` to keep the run folders and the rendered layouts.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn python_with_qgis() -> Option<String> {
    let candidates: Vec<String> = std::env::var("SCHOOLPLAN_PYTHON")
        .ok()
        .into_iter()
        .chain(["/usr/bin/python3".to_string(), "python3".to_string()])
        .collect();
    let found = candidates.into_iter().find(|py| {
        Command::new(py)
            .args(["-c", "import qgis.core"])
            .env("QT_QPA_PLATFORM", "offscreen")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        let package = "qgis python3-qgis";
        schoolplan_testkit::tools::missing("PyQGIS", package, "the QGIS test");
    }
    found
}

fn work_dir(name: &str) -> PathBuf {
    let d = match std::env::var_os("SCHOOLPLAN_REPORT_KEEP") {
        Some(k) => PathBuf::from(k).join(name),
        None => std::env::temp_dir().join(format!("schoolplan-qgis-{name}-{}", std::process::id())),
    };
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// Runs the scenario, checks the project with PyQGIS, returns the checker's report.
fn run_and_check(python: &str, scenario: &str, lang: &str, name: &str) -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = work_dir(name);
    let out = work.join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
        .current_dir(root)
        .args(["run", scenario, "--quiet", "--lang", lang, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "schoolplan run failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let levels: Vec<&str> = summary["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["level"].as_str().unwrap())
        .collect();
    assert!(!levels.is_empty());
    let png_dir = work.join("png");
    let check = Command::new(python)
        .arg(root.join("tests/qgis/check_project.py"))
        .arg(out.join("schoolplan.qgs"))
        .arg(&png_dir)
        .arg(levels.join(","))
        .arg(lang)
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("XDG_RUNTIME_DIR", &work)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&check.stdout);
    let report: Value = stdout
        .find('{')
        .and_then(|i| serde_json::from_str(&stdout[i..]).ok())
        .unwrap_or_else(|| {
            panic!(
                "the checker printed no report:\n{stdout}\n{}",
                String::from_utf8_lossy(&check.stderr)
            )
        });
    assert!(
        check.status.success(),
        "QGIS found problems in {scenario}: {:#?}",
        report["problems"]
    );
    for level in &levels {
        let png = png_dir.join(format!("layout-{level}.png"));
        let bytes = fs::read(&png).unwrap_or_else(|_| panic!("{} missing", png.display()));
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert!(
            bytes.len() > 50_000,
            "{} is {} bytes",
            png.display(),
            bytes.len()
        );
    }
    if std::env::var_os("SCHOOLPLAN_REPORT_KEEP").is_none() {
        fs::remove_dir_all(&work).unwrap();
    }
    report
}

#[test]
fn fushun_plan_opens_in_qgis_in_chinese_with_a_layout_per_level() {
    let Some(python) = python_with_qgis() else {
        return;
    };
    let report = run_and_check(&python, "maps/fushun/plan-2025.toml", "zh", "fushun");
    // Fushun's residents live near 123.9° E: CGCS2000 3-degree Gauss–Krüger CM 123° E.
    assert_eq!(report["crs"], "EPSG:4550");
    let layers = report["layers"].as_object().unwrap();
    assert!(layers.keys().any(|id| id.starts_with("proposals_primary_")));
    // plan-2025 draws attendance zones: each zoned level has its zones layer, valid in QGIS.
    for level in ["primary", "junior"] {
        let prefix = format!("zones_{level}_");
        assert!(
            layers.keys().any(|id| id.starts_with(&prefix)),
            "no {prefix}* layer in {:?}",
            layers.keys().collect::<Vec<_>>()
        );
    }
    assert!(layers.values().all(|l| l["valid"] == true));
}

#[test]
fn demo_opens_in_qgis_in_english() {
    let Some(python) = python_with_qgis() else {
        return;
    };
    let report = run_and_check(&python, "maps/demo/demo.toml", "en", "demo");
    assert_eq!(report["crs"], "EPSG:4550");
    assert_eq!(report["layouts"].as_object().unwrap().len(), 4);
}
