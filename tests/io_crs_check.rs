//! A layer in another CRS than it is read in, found against the other layers
//! (`src/io/layers/crs_check.rs`), on real-looking files: the demo and Fushun layers as a
//! bureau would send them by mistake — made by GDAL (`ogr2ogr`) where a projection is involved,
//! by the published web-map formulas (written out here) for GCJ-02 / BD-09 — each read by the
//! real binary, which must name the layer and the CRS its numbers look like.
//!
//! The GDAL cases skip (with a note) when GDAL is not installed, but fail when the `CI`
//! environment variable is set (CI installs gdal-bin).

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
use schoolplan_testkit::datum::wgs84_to_gcj02;

const BIN: &str = env!("CARGO_BIN_EXE_schoolplan");

fn have_gdal() -> bool {
    schoolplan_testkit::tools::have(&["ogr2ogr"], "gdal-bin", "the CRS check tests")
}

/// `schoolplan validate` on a scenario extending `base` with `body`: (exit code, all output).
fn validate(dir: &Path, base: &str, body: &str) -> (i32, String) {
    let s = dir.join("scenario.toml");
    let base = format!("{ROOT}/{base}");
    std::fs::write(&s, format!("extends = {base:?}\n{body}")).unwrap();
    let o = Command::new(BIN).arg("validate").arg(&s).output().unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code().unwrap_or(-1), text)
}

/// The lines of `text` that mention `file`.
fn lines_about<'a>(text: &'a str, file: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(file)).collect()
}

fn ogr(dir: &Path, args: &[&str]) {
    let o = Command::new("ogr2ogr")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "ogr2ogr {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn shipped_scenarios_raise_no_crs_doubts() {
    let dir = tempfile::tempdir().unwrap();
    for base in [
        "maps/demo/demo.toml",
        "maps/demo/demo-formats.toml",
        "maps/fushun/baseline-2020.toml",
        "maps/fushun/baseline-2020-formats.toml",
    ] {
        let (code, text) = validate(dir.path(), base, "");
        assert_eq!(code, 0, "{base}: {text}");
        for bad in ["look like", "fall among", "other layers lie"] {
            assert!(!text.contains(bad), "{base}: {text}");
        }
    }
}

/// WGS 84 → BD-09: GCJ-02, then Baidu's published offset.
fn wgs84_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    let (glon, glat) = wgs84_to_gcj02(lon, lat);
    let xp = PI * 3000.0 / 180.0;
    let z = (glon * glon + glat * glat).sqrt() + 0.00002 * (glat * xp).sin();
    let t = glat.atan2(glon) + 0.000003 * (glon * xp).cos();
    (z * t.cos() + 0.0065, z * t.sin() + 0.006)
}

/// A point layer of the demo as a table of web-map coordinates (`lng`, `lat` first, every
/// property a column; arrays as JSON text), as a bureau's list picked on Amap or Baidu.
fn web_map_table(layer: &str, shift: fn(f64, f64) -> (f64, f64), out: &Path) {
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{ROOT}/maps/demo/{layer}.geojson")).unwrap(),
    )
    .unwrap();
    let features = v["features"].as_array().unwrap();
    let mut keys: Vec<String> = features
        .iter()
        .flat_map(|f| f["properties"].as_object().unwrap().keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    let mut w = csv::Writer::from_path(out).unwrap();
    let mut header = vec!["lng".to_string(), "lat".to_string()];
    header.extend(keys.iter().cloned());
    w.write_record(&header).unwrap();
    for f in features {
        let c = &f["geometry"]["coordinates"];
        let (x, y) = shift(c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        let mut row = vec![format!("{x:.6}"), format!("{y:.6}")];
        for k in &keys {
            row.push(match &f["properties"][k] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                x => x.to_string(),
            });
        }
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn amap_candidate_list_read_as_wgs84_is_named_gcj02() {
    // The demo's candidate sites as picked on Amap (GCJ-02, ≈ 0.5 km off), read without `datum`:
    // four of them then lie outside every area, none when read as GCJ-02.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("candidates_amap.csv");
    web_map_table("candidates", wgs84_to_gcj02, &csv);
    let body = format!("[layers.candidates]\npath = {csv:?}\n");
    let (code, text) = validate(dir.path(), "maps/demo/demo.toml", &body);
    let about = lines_about(&text, "candidates_amap.csv").join("\n");
    assert!(about.contains("look like GCJ-02"), "{text}");
    assert!(
        about.contains("datum = \\\"gcj02\\\"") || about.contains("datum = \"gcj02\""),
        "{about}"
    );
    // A warning: the run still works.
    assert_eq!(code, 0, "{text}");
    // With the datum given, no doubt.
    let (_, text) = validate(
        dir.path(),
        "maps/demo/demo.toml",
        &format!("{body}datum = \"gcj02\"\n"),
    );
    assert!(!text.contains("look like"), "{text}");
}

#[test]
fn baidu_school_list_is_named_bd09() {
    // The demo's schools as picked on Baidu Maps (BD-09, ≈ 1.2 km off), read as WGS 84 and as
    // GCJ-02 by mistake.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("schools_baidu.csv");
    web_map_table("schools", wgs84_to_bd09, &csv);
    for datum in ["wgs84", "gcj02"] {
        let body = format!("[layers.schools]\npath = {csv:?}\ndatum = \"{datum}\"\n");
        let (code, text) = validate(dir.path(), "maps/demo/demo.toml", &body);
        let about = lines_about(&text, "schools_baidu.csv").join("\n");
        assert!(
            about.contains("look like BD-09") && about.contains("bd09"),
            "{datum}: {text}"
        );
        assert_eq!(code, 0, "{text}");
    }
    let body = format!("[layers.schools]\npath = {csv:?}\ndatum = \"bd09\"\n");
    let (_, text) = validate(dir.path(), "maps/demo/demo.toml", &body);
    assert!(!text.contains("look like"), "{text}");
}

#[test]
fn datav_boundaries_without_their_datum_are_named_gcj02() {
    // The DataV district boundaries as published (GCJ-02), declared WGS 84 by mistake: they
    // no longer meet the townships.
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "[layers.counties]\npath = \"{ROOT}/maps/fushun/source/fushun_districts_datav_gcj02.geojson\"\ndatum = \"wgs84\"\ncode_field = \"adcode\"\n"
    );
    let (_, text) = validate(dir.path(), "maps/fushun/baseline-2020.toml", &body);
    let about = lines_about(&text, "fushun_districts_datav_gcj02.geojson").join("\n");
    assert!(
        about.contains("GCJ-02") && about.contains("gcj02"),
        "{text}"
    );
    // The townships are not blamed.
    assert!(lines_about(&text, "townships.geojson")
        .iter()
        .all(|l| !l.contains("look like")));
}

#[test]
fn gauss_kruger_school_table_without_crs_gets_its_central_meridian() {
    if !have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The demo schools in CGCS2000 / 3-degree GK CM 123E, as x / y columns, no CRS anywhere.
    ogr(
        d,
        &[
            "-f",
            "CSV",
            "-t_srs",
            "EPSG:4550",
            "-lco",
            "GEOMETRY=AS_XY",
            "schools_gk.csv",
            &format!("{ROOT}/maps/demo/schools.geojson"),
        ],
    );
    let body = "[layers.schools]\npath = \"schools_gk.csv\"\nx_field = \"X\"\ny_field = \"Y\"\n";
    let (code, text) = validate(d, "maps/demo/demo.toml", body);
    assert_ne!(code, 0, "{text}");
    let about = lines_about(&text, "schools_gk.csv").join("\n");
    // The file's own check cannot tell the central meridian; beside the areas it can.
    assert!(about.contains("EPSG:4550"), "{text}");
    assert!(about.contains("fall among the others"), "{text}");
    // Web Mercator numbers likewise.
    ogr(
        d,
        &[
            "-f",
            "CSV",
            "-t_srs",
            "EPSG:3857",
            "-lco",
            "GEOMETRY=AS_XY",
            "schools_3857.csv",
            &format!("{ROOT}/maps/demo/schools.geojson"),
        ],
    );
    let body = body.replace("schools_gk.csv", "schools_3857.csv");
    let (_, text) = validate(d, "maps/demo/demo.toml", &body);
    let about = lines_about(&text, "schools_3857.csv").join("\n");
    assert!(
        about.contains("fall among the others") && about.contains("EPSG:3857"),
        "{text}"
    );
    // Given the right CRS, the table loads.
    let (code, text) = validate(
        d,
        "maps/demo/demo.toml",
        "[layers.schools]\npath = \"schools_gk.csv\"\nx_field = \"X\"\ny_field = \"Y\"\ncrs = \"EPSG:4550\"\n",
    );
    assert_eq!(code, 0, "{text}");
}

#[test]
fn geopackage_with_the_wrong_declared_crs_is_found_250_km_away() {
    if !have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Numbers in EPSG:4550 (CM 123E) but the GeoPackage says EPSG:4549 (CM 120E): valid
    // numbers in both, 250 km apart.
    ogr(
        d,
        &[
            "-f",
            "GPKG",
            "-t_srs",
            "EPSG:4550",
            "right.gpkg",
            &format!("{ROOT}/maps/demo/schools.geojson"),
            "-nln",
            "schools",
        ],
    );
    ogr(
        d,
        &[
            "-f",
            "GPKG",
            "-a_srs",
            "EPSG:4549",
            "wrong.gpkg",
            "right.gpkg",
            "-nln",
            "schools",
        ],
    );
    let (code, text) = validate(
        d,
        "maps/demo/demo.toml",
        "[layers.schools]\npath = \"wrong.gpkg\"\n",
    );
    assert_ne!(code, 0, "{text}");
    let about = lines_about(&text, "wrong.gpkg").join("\n");
    assert!(about.contains("west of them"), "{text}");
    assert!(
        about.contains("EPSG:4549") && about.contains("gpkg_spatial_ref_sys"),
        "{about}"
    );
    assert!(
        about.contains("set crs = \\\"EPSG:4550\\\"") || about.contains("set crs = \"EPSG:4550\""),
        "{about}"
    );
    // One error for the layer, not one per school.
    assert_eq!(about.matches("wrong.gpkg").count(), 1, "{about}");
    // The scenario's `crs` overrides the file's.
    let (code, text) = validate(
        d,
        "maps/demo/demo.toml",
        "[layers.schools]\npath = \"wrong.gpkg\"\ncrs = \"EPSG:4550\"\n",
    );
    assert_eq!(code, 0, "{text}");
}

#[test]
fn swapped_columns_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "[layers.schools]\npath = \"{ROOT}/maps/demo/formats/schools_gcj02.csv\"\nx_field = \"纬度\"\ny_field = \"经度\"\ndatum = \"gcj02\"\n"
    );
    let (code, text) = validate(dir.path(), "maps/demo/demo.toml", &body);
    assert_ne!(code, 0, "{text}");
    assert!(
        text.contains("swapped") && text.contains("x_field"),
        "{text}"
    );
}
