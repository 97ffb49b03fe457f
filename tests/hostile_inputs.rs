//! Issue 10, cases 4–7 and 11: hostile geometry and files get a clear answer naming the file
//! and the feature, never a panic, a hang or a silent change of everyone's numbers.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use schoolplan_testkit::scratch::{assert_ok, assert_refused, text, Scratch};
use serde_json::{json, Value};

fn edit(s: &Scratch, layer: &str, f: impl FnOnce(&mut Value)) {
    let p = s.inp(layer);
    let mut v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
}

fn validate(s: &Scratch, scenario: &str) -> std::process::Output {
    s.bin(&["validate", &format!("inp/{scenario}")])
}

/// Case 4: a one-number position inside a polygon, a line, a point and a multipolygon.
#[test]
fn case04_short_positions_name_file_feature_and_path() {
    for (layer, index, f, path) in [
        (
            "townships.geojson",
            1,
            (|g: &mut Value| g["coordinates"][0][3] = json!([123.9])) as fn(&mut Value),
            "geometry.coordinates[0][3]",
        ),
        (
            "network.geojson",
            2,
            |g: &mut Value| g["coordinates"][1] = json!([123.9]),
            "geometry.coordinates[1]",
        ),
        (
            "schools.geojson",
            4,
            |g: &mut Value| g["coordinates"] = json!([]),
            "geometry.coordinates",
        ),
        (
            "counties.geojson",
            0,
            |g: &mut Value| {
                let ring = g["coordinates"][0].clone();
                *g = json!({"type": "MultiPolygon", "coordinates": [[ring], [[[1.0, 2.0], [3.0], [1.0, 2.0], [1.0, 2.0]]]]});
            },
            "geometry.coordinates[1][0][1]",
        ),
    ] {
        let s = Scratch::with_map("demo");
        edit(&s, layer, |v| f(&mut v["features"][index]["geometry"]));
        let o = validate(&s, "demo-network.toml");
        assert_refused(
            &o,
            &[
                layer,
                &format!("feature {index}"),
                &format!("`{path}`"),
                "at least 2 finite numbers",
            ],
        );
        // `run` says the same.
        let o = s.bin(&["run", "inp/demo-network.toml", "--out", "o"]);
        assert_refused(&o, &[layer, &format!("`{path}`")]);
    }
}

/// Case 4: a string where a coordinate belongs, and nested nonsense.
#[test]
fn case04_non_numbers_in_positions() {
    let s = Scratch::with_map("demo");
    edit(&s, "schools.geojson", |v| {
        v["features"][0]["geometry"]["coordinates"] = json!(["123.9", 41.8]);
        v["features"][1]["geometry"]["coordinates"] = json!([[123.9, 41.8]]);
    });
    assert_refused(
        &validate(&s, "demo.toml"),
        &[
            "feature 0",
            "`geometry.coordinates[0]`",
            "string \"123.9\"",
            "feature 1",
            "`geometry.coordinates[0]`",
        ],
    );
}

fn coverage_lines(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.contains("coverage") && l.contains('%'))
        .map(str::to_string)
        .collect()
}

/// Case 5: a school at (0, 0) is an error naming it, not a silent change of every distance;
/// a school a few kilometres outside changes nobody else's distances.
#[test]
fn case05_far_away_points_are_errors_and_do_not_move_the_projection() {
    let s = Scratch::with_map("demo");
    let base = s.bin(&["run", "inp/demo.toml", "--out", "base", "--quiet"]);
    assert_ok(&base);
    for (layer, index) in [
        ("schools.geojson", 5),
        ("candidates.geojson", 2),
        ("population.geojson", 7),
        ("network.geojson", 1),
    ] {
        let s = Scratch::with_map("demo");
        edit(&s, layer, |v| {
            let g = &mut v["features"][index]["geometry"];
            match g["type"].as_str().unwrap() {
                "Point" => g["coordinates"] = json!([0.0, 0.0]),
                "LineString" => g["coordinates"][0] = json!([0.0, 0.0]),
                _ => g["coordinates"][0][0] = json!([0.0, 0.0]),
            }
        });
        let o = validate(&s, "demo-network.toml");
        assert_refused(
            &o,
            &[
                layer,
                &format!("feature {index}"),
                "within 400 km",
                "12737 km away",
            ],
        );
    }
    // A (closed) school 300 km east: a warning, and the projection and every coverage figure
    // stay as they are (centred on the extent of all data, they moved).
    let s2 = Scratch::with_map("demo");
    let closed_only = Scratch::with_map("demo");
    let mut moved = String::new();
    edit(&s2, "schools.geojson", |v| {
        let f = &mut v["features"][30];
        moved = f["properties"]["id"].as_str().unwrap().to_string();
        f["properties"]["status"] = json!("closed");
        f["geometry"]["coordinates"] = json!([127.5, 41.85]);
    });
    edit(&closed_only, "schools.geojson", |v| {
        v["features"][30]["properties"]["status"] = json!("closed")
    });
    let o = s2.bin(&["run", "inp/demo.toml", "--out", "o"]);
    assert_ok(&o);
    let c = closed_only.bin(&["run", "inp/demo.toml", "--out", "o"]);
    assert_ok(&c);
    assert_eq!(
        coverage_lines(&text(&o.stdout)),
        coverage_lines(&text(&c.stdout)),
        "moved {moved}"
    );
    let summary = |s: &Scratch| -> Value {
        serde_json::from_slice(&std::fs::read(s.path().join("o/summary.json")).unwrap()).unwrap()
    };
    let (moved_summary, closed_summary) = (summary(&s2), summary(&closed_only));
    assert_eq!(
        moved_summary["conventions"]["projection"],
        closed_summary["conventions"]["projection"]
    );
    assert!(
        moved_summary["warnings"]
            .to_string()
            .contains("outside every area"),
        "a warning says where it is"
    );
}

/// Case 6: eight 2 m road stubs beside schools no longer pull them off the network; the run
/// says how many were snapped, how far, to which piece, and who was snapped past a fragment.
#[test]
fn case06_road_stubs_do_not_pull_schools_off_the_network() {
    let s = Scratch::with_map("demo");
    let base = s.bin(&["run", "inp/demo-network.toml", "--out", "base", "--quiet"]);
    assert_ok(&base);
    let schools: Value =
        serde_json::from_slice(&std::fs::read(s.inp("schools.geojson")).unwrap()).unwrap();
    let mut stubbed = Vec::new();
    edit(&s, "network.geojson", |v| {
        let feats = v["features"].as_array_mut().unwrap();
        for f in schools["features"].as_array().unwrap() {
            if stubbed.len() == 8 || f["properties"]["level"] != "primary" {
                continue;
            }
            let (x, y) = (
                f["geometry"]["coordinates"][0].as_f64().unwrap(),
                f["geometry"]["coordinates"][1].as_f64().unwrap(),
            );
            stubbed.push(f["properties"]["id"].as_str().unwrap().to_string());
            feats.push(json!({"type": "Feature", "properties": {"id": format!("stub{}", stubbed.len())},
                "geometry": {"type": "LineString", "coordinates": [[x + 0.00001, y], [x + 0.00001, y + 0.000018]]}}));
        }
    });
    assert!(stubbed.len() >= 5);
    let o = s.bin(&["run", "inp/demo-network.toml", "--out", "stub", "--quiet"]);
    assert_ok(&o);
    assert_eq!(
        coverage_lines(&text(&o.stdout)),
        coverage_lines(&text(&base.stdout)),
        "coverage must not change"
    );
    let out = text(&o.stdout);
    assert!(out.contains("fragment(s)"), "{out}");
    let summary: Value =
        serde_json::from_slice(&std::fs::read(s.path().join("stub/summary.json")).unwrap())
            .unwrap();
    let n = &summary["network"];
    // Stubs within the join tolerance of a road are joined to it; the others are fragments.
    let fragments = n["fragments"].as_u64().unwrap() as usize;
    assert!(fragments >= 1 && fragments <= stubbed.len(), "{n}");
    assert_eq!(n["serving_components"], json!(1));
    let primary = n["levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["level"] == "primary")
        .unwrap();
    assert_eq!(primary["off_network"], json!(0));
    assert!(primary["past_fragment"].as_u64().unwrap() >= 1, "{primary}");
    assert!(primary["leg_max_m"].as_f64().unwrap() <= 400.0);
    assert_eq!(
        primary["by_component"][0][0],
        json!(1),
        "all on the main piece"
    );
    let warnings = summary["warnings"].to_string();
    assert!(warnings.contains("fragment"), "{warnings}");
    // The baseline has no fragment: its summary says one piece, all serving.
    let b: Value =
        serde_json::from_slice(&std::fs::read(s.path().join("base/summary.json")).unwrap())
            .unwrap();
    assert_eq!(b["network"]["components"], json!(1));
}

/// The ring `r` with every edge cut into pieces: about `n` vertices, the same shape.
fn densify(r: &[Value], n: usize) -> Vec<[f64; 2]> {
    let pt = |v: &Value| [v[0].as_f64().unwrap(), v[1].as_f64().unwrap()];
    let per = n / (r.len() - 1);
    let mut out = Vec::with_capacity(n + 1);
    for w in r.windows(2) {
        let (a, b) = (pt(&w[0]), pt(&w[1]));
        for k in 0..per {
            let t = k as f64 / per as f64;
            out.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
        }
    }
    out.push(out[0]);
    out
}

/// Case 7: a 100,000-vertex county boundary validates (this test would take minutes with a
/// quadratic check; the measured time is in `examples/polygon_validity_bench.rs`), and a
/// self-intersection in it is found and placed.
#[test]
fn case07_large_boundaries_validate_and_defects_are_found() {
    let s = Scratch::with_map("demo");
    edit(&s, "counties.geojson", |v| {
        let g = &mut v["features"][0]["geometry"];
        let outer = match g["type"].as_str().unwrap() {
            "Polygon" => g["coordinates"][0].clone(),
            _ => g["coordinates"][0][0].clone(),
        };
        let dense = densify(outer.as_array().unwrap(), 100_000);
        assert!(dense.len() >= 99_000, "{}", dense.len());
        *g = json!({"type": "Polygon", "coordinates": [dense]});
    });
    let o = validate(&s, "demo.toml");
    assert_ok(&o);
    edit(&s, "counties.geojson", |v| {
        let c = &mut v["features"][0]["geometry"]["coordinates"][0];
        // Swap two vertices far apart: the ring crosses itself.
        let (a, b) = (c[1000].clone(), c[60_000].clone());
        c[1000] = b;
        c[60_000] = a;
    });
    let o = validate(&s, "demo.toml");
    assert_refused(
        &o,
        &[
            "counties.geojson",
            "feature 0",
            "self-intersection",
            "near (",
        ],
    );
}

/// Case 11: a named pipe as a layer is refused at once (it would block forever), a device
/// such as /dev/urandom too (it would be read until memory runs out); the size cap is stated.
#[cfg(unix)]
#[test]
fn case11_fifo_and_devices_are_refused_without_reading() {
    let s = Scratch::with_map("demo");
    let fifo = s.path().join("inp/pipe.geojson");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|st| st.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "mkfifo is needed under CI"
        );
        return;
    }
    let scenario = std::fs::read_to_string(s.inp("demo.toml")).unwrap();
    for (name, target) in [
        ("fifo.toml", "pipe.geojson"),
        ("urandom.toml", "/dev/urandom"),
        ("folder.toml", "."),
    ] {
        std::fs::write(
            s.inp(name),
            scenario.replacen(
                "path = \"population.geojson\"",
                &format!("path = {target:?}"),
                1,
            ),
        )
        .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
            .args(["validate", &format!("inp/{name}")])
            .current_dir(s.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("{name}: validate hangs on {target}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let o = child.wait_with_output().unwrap();
        assert_refused(&o, &["regular file of at most 1 GiB"]);
        let err = text(&o.stderr);
        assert!(
            err.contains("named pipe")
                || err.contains("character device")
                || err.contains("a folder"),
            "{err}"
        );
    }
    // The scenario file itself, and a matrix, follow the same rule.
    let o = s.bin(&["validate", "/dev/urandom"]);
    assert_refused(&o, &["character device", "16 MiB"]);
}

/// Case 9: a level nobody covers reads "0.0 %", never "-0.0 %" (an empty float sum is -0.0).
#[test]
fn case09_zero_coverage_is_not_negative() {
    let s = Scratch::with_map("demo");
    edit(&s, "schools.geojson", |v| {
        for f in v["features"].as_array_mut().unwrap() {
            if f["properties"]["level"] == "kindergarten" {
                f["properties"]["status"] = json!("closed");
            }
        }
    });
    let o = s.bin(&["run", "inp/demo.toml", "--out", "o", "--quiet"]);
    assert_ok(&o);
    let out = text(&o.stdout);
    assert!(
        out.contains("kindergarten  coverage    0.0 %  (0 of"),
        "{out}"
    );
    assert!(!out.contains("-0"), "{out}");
    let md = std::fs::read_to_string(s.path().join("o/report.md")).unwrap();
    assert!(
        !md.contains("-0.0") && !md.contains("| -0 "),
        "negative zero in report.md"
    );
}
