//! GDAL reads every layer the report writes, with the intended field types, feature counts and
//! valid geometry (`ogrinfo`, from Debian's gdal-bin).
//!
//! Skips (with a note) when `ogrinfo` is not installed, but fails when the `CI` environment
//! variable is set: CI installs it (`apt-get install -y gdal-bin`).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use schoolplan::config::Language;
use schoolplan::report;
use schoolplan_testkit::sample::SampleRun;

fn have_ogrinfo() -> bool {
    schoolplan_testkit::tools::have(&["ogrinfo"], "gdal-bin", "the GDAL test")
}

/// `ogrinfo -ro -al -so`: (feature count, geometry type, field → type).
fn ogr_summary(path: &Path) -> (usize, String, BTreeMap<String, String>) {
    let out = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "ogrinfo failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut count = None;
    let mut geometry = String::new();
    let mut fields = BTreeMap::new();
    for line in text.lines() {
        if let Some(c) = line.strip_prefix("Feature Count: ") {
            count = Some(c.trim().parse().unwrap());
        } else if let Some(g) = line.strip_prefix("Geometry: ") {
            geometry = g.trim().to_string();
        } else if let Some((name, ty)) = line.split_once(": ") {
            // Field lines look like `capacity_seats: Real (0.0)`.
            if !line.starts_with(' ') && ty.ends_with(')') && ty.contains(" (") {
                fields.insert(name.to_string(), ty[..ty.rfind(" (").unwrap()].to_string());
            }
        }
    }
    (count.expect("a feature count"), geometry, fields)
}

fn json_count(path: &Path) -> usize {
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    v["features"].as_array().unwrap().len()
}

fn all_valid(path: &Path, layer: &str) {
    let out = Command::new("ogrinfo")
        .args(["-ro", "-q", "-dialect", "SQLite", "-sql"])
        .arg(format!(
            "SELECT count(*) AS bad FROM \"{layer}\" WHERE ST_IsValid(geometry) = 0"
        ))
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("bad (Integer) = 0"),
        "invalid geometry in {layer}: {text}"
    );
}

#[test]
fn gdal_reads_every_layer_with_the_intended_types() {
    if !have_ogrinfo() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("schoolplan-ogr-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let plan = SampleRun::plan();
    report::write_run(&dir.join("plan"), &plan.bundle(), Language::En).unwrap();
    let base = SampleRun::baseline();
    report::write_run(&dir.join("base"), &base.bundle(), Language::En).unwrap();
    type Expected<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a str)]);
    let expect: [Expected; 5] = [
        (
            "plan",
            "schools",
            "Point",
            &[
                ("id", "String"),
                ("level", "String"),
                ("inclusive", "Integer(Boolean)"),
                ("capacity_seats", "Real"),
                ("enrolment", "Real"),
                ("classes", "Integer"),
                ("added_classes", "Integer"),
                ("max_class_size", "Integer"),
                ("seats_primary", "Real"),
                ("allocated_primary", "Real"),
                ("utilisation_primary", "Real"),
                ("over_capacity_primary", "Real"),
                ("fails", "String"),
                ("synthetic", "Integer(Boolean)"),
            ],
        ),
        (
            "plan",
            "coverage",
            "Multi Polygon",
            &[
                ("id", "String"),
                ("pop_6_11", "Real"),
                ("nearest_primary", "String"),
                ("dist_primary_m", "Real"),
                ("covered_primary", "Integer(Boolean)"),
                ("access_primary", "Real"),
            ],
        ),
        (
            "base",
            "gaps",
            "Multi Polygon",
            &[
                ("id", "String"),
                ("rank", "Integer"),
                ("scattered", "Integer(Boolean)"),
                ("kind", "String"),
                ("population", "Real"),
                ("children", "Real"),
                ("cell_count", "Integer"),
                ("area_km2", "Real"),
                ("nearest_m", "Real"),
                ("seats_needed", "Real"),
                ("classes_needed", "Integer"),
                ("township", "String"),
            ],
        ),
        (
            "plan",
            "areas",
            "Multi Polygon",
            &[
                ("code", "String"),
                ("kind", "String"),
                ("area_km2", "Real"),
                ("pop_3_5", "Real"),
                ("coverage_primary", "Real"),
                ("seats_primary", "Real"),
                ("schools_primary", "Integer"),
                ("findings_failing", "Integer"),
            ],
        ),
        (
            "base",
            "proposals",
            "Point",
            &[
                ("id", "String"),
                ("rank", "Integer"),
                ("kind", "String"),
                ("demand_newly_covered", "Real"),
                ("seats_added", "Real"),
                ("classes_added", "Integer"),
                ("cost", "Real"),
            ],
        ),
    ];
    for (run, layer, geometry, fields) in expect {
        let path = dir.join(run).join(format!("{layer}.geojson"));
        let (count, geom, types) = ogr_summary(&path);
        assert_eq!(count, json_count(&path), "{layer}: feature count");
        assert!(count > 0, "{layer}: the sample has features");
        assert_eq!(geom, geometry, "{layer}: geometry type");
        for (name, ty) in fields {
            assert_eq!(
                types.get(*name).map(String::as_str),
                Some(*ty),
                "{layer}.{name}: {types:?}"
            );
        }
        all_valid(&path, layer);
    }
    // No proposals: an empty FeatureCollection GDAL still opens.
    let (count, _, _) = ogr_summary(&dir.join("plan").join("proposals.geojson"));
    assert_eq!(count, 0);
    fs::remove_dir_all(&dir).unwrap();
}
