//! The report on the shipped Fushun map (synthetic population and schools, real boundaries):
//! every layer written, byte-identical twice, gap areas found. Findings and proposals are left
//! empty here (the rules and the optimiser have their own tests).
//!
//! Set `SCHOOLPLAN_REPORT_KEEP=<folder>` to keep the output.

use std::fs;
use std::path::{Path, PathBuf};

use schoolplan::report::{self, RunBundle};

#[test]
fn fushun_report_is_written_whole_and_deterministic() {
    let scenario_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("maps/fushun/baseline-2020.toml");
    let (scenario, map) =
        schoolplan::io::layers::load(&scenario_path).expect("the shipped map loads");
    let coverage = schoolplan::coverage::compute(&map, &scenario).expect("coverage");
    let bundle = RunBundle {
        map: &map,
        scenario: &scenario,
        coverage: &coverage,
        findings: &[],
        proposals: &[],
        proposal_meta: None,
        coverage_before: None,
    };
    let work = match std::env::var_os("SCHOOLPLAN_REPORT_KEEP") {
        Some(d) => PathBuf::from(d).join("fushun"),
        None => std::env::temp_dir().join(format!("schoolplan-fushun-{}", std::process::id())),
    };
    let _ = fs::remove_dir_all(&work);
    let (a, b) = (work.join("a"), work.join("b"));
    report::write_run(&a, &bundle, scenario.language).unwrap();
    report::write_run(&b, &bundle, scenario.language).unwrap();
    for f in report::RUN_FILES {
        let (x, y) = (fs::read(a.join(f)).unwrap(), fs::read(b.join(f)).unwrap());
        assert!(x == y, "{f} differs between two runs");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(a.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["conventions"]["synthetic"], true);
    assert!(summary["townships"].as_array().unwrap().len() > 50);
    let html = fs::read_to_string(a.join("report.html")).unwrap();
    assert!(
        html.len() < 8_000_000,
        "report.html is {} bytes",
        html.len()
    );
    if std::env::var_os("SCHOOLPLAN_REPORT_KEEP").is_none() {
        fs::remove_dir_all(&work).unwrap();
    }
}
