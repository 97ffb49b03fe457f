//! A catalogue of malformed inputs, each built from the demo map: every one must give exit
//! code 2 and a message naming the file and the feature (or key), and never a panic.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/maps/demo");

/// A copy of the demo map in a temporary folder.
struct Demo {
    dir: tempfile::TempDir,
}

impl Demo {
    fn new() -> Demo {
        let dir = tempfile::tempdir().unwrap();
        for e in std::fs::read_dir(DEMO).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
            }
        }
        Demo { dir }
    }

    fn scenario(&self) -> PathBuf {
        self.dir.path().join("demo.toml")
    }

    /// The file name of a layer, read from the scenario.
    fn layer(&self, name: &str) -> PathBuf {
        let text = std::fs::read_to_string(self.scenario()).unwrap();
        let t: toml::Table = toml::from_str(&text).unwrap();
        let path = t["layers"][name]["path"].as_str().unwrap();
        self.dir.path().join(path)
    }

    fn edit_json(&self, layer: &str, f: impl FnOnce(&mut Value)) -> String {
        let p = self.layer(layer);
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        f(&mut v);
        std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
        p.file_name().unwrap().to_string_lossy().into_owned()
    }

    fn edit_text(&self, file: &Path, f: impl FnOnce(String) -> String) {
        let t = std::fs::read_to_string(file).unwrap();
        std::fs::write(file, f(t)).unwrap();
    }

    fn validate(&self) -> (i32, String, String) {
        let o = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
            .arg("validate")
            .arg(self.scenario())
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }
}

fn feature(v: &mut Value, i: usize) -> &mut Value {
    &mut v["features"][i]
}

fn props(v: &mut Value, i: usize) -> &mut Value {
    &mut v["features"][i]["properties"]
}

/// Asserts exit 2, no panic, and that stderr names every fragment.
fn expect_failure(demo: &Demo, fragments: &[&str]) {
    let (code, _out, err) = demo.validate();
    assert_eq!(code, 2, "expected exit 2, stderr:\n{err}");
    assert!(
        !err.contains("panicked")
            && !err.contains("RUST_BACKTRACE")
            && !err.contains("internal error"),
        "{err}"
    );
    for f in fragments {
        assert!(err.contains(f), "stderr should mention {f:?}:\n{err}");
    }
}

/// Edits one feature of a layer and expects the message to name file, feature and property.
fn case_feature(
    layer: &str,
    index: usize,
    property: &str,
    expected: &str,
    f: impl FnOnce(&mut Value),
) {
    let demo = Demo::new();
    let file = demo.edit_json(layer, |v| f(feature(v, index)));
    expect_failure(
        &demo,
        &[
            &file,
            &format!("feature {index}"),
            &format!("`{property}`"),
            expected,
        ],
    );
}

#[test]
fn demo_is_valid() {
    let demo = Demo::new();
    let (code, out, err) = demo.validate();
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("schools by level") && out.contains("result      usable"),
        "{out}"
    );
}

#[test]
fn malformed_json_reports_line_and_column() {
    let demo = Demo::new();
    let p = demo.layer("schools");
    demo.edit_text(&p, |t| t[..t.len() / 2].to_string());
    let name = p.file_name().unwrap().to_string_lossy().into_owned();
    expect_failure(&demo, &[&format!("{name}:"), "expected valid JSON"]);
    let (_, _, err) = demo.validate();
    assert!(
        err.contains(&format!("{name}:"))
            && err
                .split(&format!("{name}:"))
                .nth(1)
                .unwrap()
                .starts_with(|c: char| c.is_ascii_digit()),
        "{err}"
    );
}

#[test]
fn not_a_feature_collection() {
    let demo = Demo::new();
    let file = demo.edit_json("schools", |v| *v = v["features"].clone());
    expect_failure(&demo, &[&file, "FeatureCollection"]);
}

#[test]
fn school_as_linestring() {
    case_feature(
        "schools",
        0,
        "geometry",
        "a Point",
        |f| {
            f["geometry"] =
                json!({"type": "LineString", "coordinates": [[123.9, 41.8], [123.91, 41.81]]})
        },
    );
}

#[test]
fn school_without_level() {
    case_feature("schools", 1, "level", "required", |f| {
        f["properties"].as_object_mut().unwrap().remove("level");
    });
}

#[test]
fn unknown_level() {
    case_feature("schools", 2, "level", "nine_year", |f| {
        f["properties"]["level"] = json!("college")
    });
}

#[test]
fn unknown_ownership() {
    case_feature("schools", 3, "ownership", "public or private", |f| {
        f["properties"]["ownership"] = json!("state")
    });
}

#[test]
fn negative_capacity() {
    case_feature("schools", 4, "capacity_seats", "≥ 0", |f| {
        f["properties"]["capacity_seats"] = json!(-120)
    });
}

#[test]
fn enrolment_as_text() {
    case_feature("schools", 5, "enrolment", "≥ 0", |f| {
        f["properties"]["enrolment"] = json!("many")
    });
}

#[test]
fn duplicate_school_id() {
    let demo = Demo::new();
    let file = demo.edit_json("schools", |v| {
        let id = v["features"][0]["properties"]["id"].clone();
        props(v, 3)["id"] = id;
    });
    expect_failure(
        &demo,
        &[
            &file,
            "feature 3",
            "`id`",
            "unique",
            "also used by feature 0",
        ],
    );
}

#[test]
fn null_geometry() {
    case_feature("schools", 6, "geometry", "a geometry", |f| {
        f["geometry"] = Value::Null
    });
}

#[test]
fn longitude_out_of_range() {
    case_feature("schools", 7, "geometry", "lon in [-180, 180]", |f| {
        f["geometry"] = json!({"type": "Point", "coordinates": [200.0, 41.85]})
    });
}

#[test]
fn swapped_lon_lat_out_of_range() {
    case_feature("schools", 8, "geometry", "look swapped", |f| {
        let c = f["geometry"]["coordinates"].clone();
        f["geometry"]["coordinates"] = json!([c[1], c[0]]);
    });
}

#[test]
fn fractional_class_count() {
    case_feature("schools", 9, "classes", "an integer ≥ 0", |f| {
        f["properties"]["classes"] = json!(12.5)
    });
}

#[test]
fn class_sizes_not_an_array() {
    case_feature("schools", 10, "class_sizes", "an array of integers", |f| {
        f["properties"]["class_sizes"] = json!("big")
    });
}

#[test]
fn school_without_id() {
    case_feature("schools", 11, "id", "required", |f| {
        f["properties"].as_object_mut().unwrap().remove("id");
    });
}

#[test]
fn unknown_status() {
    case_feature(
        "schools",
        12,
        "status",
        "existing, planned or closed",
        |f| f["properties"]["status"] = json!("demolished"),
    );
}

#[test]
fn inclusive_as_text() {
    case_feature("schools", 13, "inclusive", "true or false", |f| {
        f["properties"]["inclusive"] = json!("yes")
    });
}

#[test]
fn properties_not_an_object() {
    case_feature("schools", 14, "properties", "an object", |f| {
        f["properties"] = json!([1, 2])
    });
}

#[test]
fn huge_coordinate_is_reported() {
    let demo = Demo::new();
    let p = demo.layer("schools");
    let name = p.file_name().unwrap().to_string_lossy().into_owned();
    demo.edit_text(&p, |t| {
        let i = t.find("\"coordinates\"").unwrap();
        let j = i + t[i..].find('[').unwrap();
        format!(
            "{}[1e400, 41.8]{}",
            &t[..j],
            &t[j + t[j..].find(']').unwrap() + 1..]
        )
    });
    expect_failure(&demo, &[&name]);
}

#[test]
fn negative_cohort_population() {
    case_feature("population", 0, "pop_6_11", "≥ 0", |f| {
        f["properties"]["pop_6_11"] = json!(-5)
    });
}

#[test]
fn self_intersecting_cell() {
    case_feature("population", 1, "geometry", "a valid polygon", |f| {
        f["geometry"] = json!({"type": "Polygon", "coordinates": [[[123.90, 41.80], [123.91, 41.81], [123.91, 41.80], [123.90, 41.81], [123.90, 41.80]]]})
    });
}

#[test]
fn empty_polygon() {
    case_feature("population", 2, "geometry", "non-empty", |f| {
        f["geometry"] = json!({"type": "Polygon", "coordinates": []})
    });
}

#[test]
fn one_coordinate_point() {
    case_feature(
        "population",
        3,
        "geometry.coordinates",
        "at least 2 finite numbers",
        |f| f["geometry"] = json!({"type": "Point", "coordinates": [123.9]}),
    );
}

#[test]
fn duplicate_cell_id() {
    let demo = Demo::new();
    let file = demo.edit_json("population", |v| {
        let id = v["features"][0]["properties"]["id"].clone();
        props(v, 5)["id"] = id;
    });
    expect_failure(&demo, &[&file, "feature 5", "unique"]);
}

#[test]
fn county_without_code() {
    let demo = Demo::new();
    let field = {
        let t: toml::Table =
            toml::from_str(&std::fs::read_to_string(demo.scenario()).unwrap()).unwrap();
        t["layers"]["counties"]
            .get("code_field")
            .and_then(|v| v.as_str())
            .unwrap_or("code")
            .to_string()
    };
    let file = demo.edit_json("counties", |v| {
        props(v, 0).as_object_mut().unwrap().remove(&field);
    });
    expect_failure(
        &demo,
        &[&file, "feature 0", &format!("`{field}`"), "required"],
    );
}

#[test]
fn township_code_prefix_disagrees_with_county() {
    let demo = Demo::new();
    let file = demo.edit_json("townships", |v| {
        let code = v["features"][0]["properties"]["code"]
            .as_str()
            .unwrap()
            .to_string();
        // Keep 9 digits but change the county part.
        let wrong = format!(
            "{}{}",
            if code.starts_with("99") {
                "880000"
            } else {
                "990000"
            },
            &code[6..]
        );
        props(v, 0)["code"] = json!(wrong);
    });
    expect_failure(
        &demo,
        &[&file, "feature 0", "`code`", "a code starting with"],
    );
}

#[test]
fn overlapping_townships() {
    let demo = Demo::new();
    let file = demo.edit_json("townships", |v| {
        let g = v["features"][0]["geometry"].clone();
        v["features"][1]["geometry"] = g;
    });
    expect_failure(&demo, &[&file, "feature 0", "do not overlap", "feature 1"]);
}

#[test]
fn unknown_township_kind() {
    case_feature("townships", 1, "kind", "street, town or township", |f| {
        f["properties"]["kind"] = json!("village")
    });
}

#[test]
fn unknown_candidate_level() {
    case_feature("candidates", 0, "levels", "level names", |f| {
        f["properties"]["levels"] = json!("university")
    });
}

#[test]
fn point_in_network() {
    case_feature("network", 0, "geometry", "a LineString", |f| {
        f["geometry"] = json!({"type": "Point", "coordinates": [123.9, 41.85]})
    });
}

#[test]
fn zero_speed_road() {
    case_feature("network", 1, "speed_kmh", "> 0", |f| {
        f["properties"]["speed_kmh"] = json!(0)
    });
}

#[test]
fn many_problems_are_reported_at_once() {
    let demo = Demo::new();
    demo.edit_json("schools", |v| {
        props(v, 0)["level"] = json!("college");
        props(v, 1)["capacity_seats"] = json!(-1);
        props(v, 2)["ownership"] = json!(7);
    });
    demo.edit_json("population", |v| props(v, 0)["pop_3_5"] = json!(-1));
    expect_failure(
        &demo,
        &[
            "feature 0",
            "feature 1",
            "feature 2",
            "`pop_3_5`",
            "4 problem(s)",
        ],
    );
}

#[test]
fn scenario_unknown_key_names_key_and_file() {
    let demo = Demo::new();
    demo.edit_text(&demo.scenario(), |t| format!("colour = \"red\"\n{t}"));
    expect_failure(&demo, &["demo.toml", "colour"]);
}

#[test]
fn scenario_unknown_level_key() {
    let demo = Demo::new();
    demo.edit_text(&demo.scenario(), |t| {
        t.replacen("[levels.primary]", "[levels.primary]\nradius = 400", 1)
    });
    expect_failure(&demo, &["demo.toml", "line", "unknown field `radius`"]);
}

#[test]
fn missing_layer_file() {
    let demo = Demo::new();
    std::fs::remove_file(demo.layer("counties")).unwrap();
    let name = demo
        .layer("counties")
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    expect_failure(&demo, &[&name, "readable"]);
}

#[test]
fn extends_cycle() {
    let demo = Demo::new();
    let a = demo.dir.path().join("a.toml");
    let b = demo.dir.path().join("b.toml");
    std::fs::write(&a, "extends = \"b.toml\"\n").unwrap();
    std::fs::write(&b, "extends = \"a.toml\"\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
        .arg("validate")
        .arg(&a)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("cycle"), "{err}");
}

#[test]
fn binary_garbage_is_not_a_panic() {
    let demo = Demo::new();
    std::fs::write(demo.layer("population"), [0xff, 0x00, 0xfe, 0x7b, 0x22]).unwrap();
    let name = demo
        .layer("population")
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    expect_failure(&demo, &[&name, "valid JSON"]);
}
