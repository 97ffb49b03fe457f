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

// ---------------------------------------------------------------------------------------------
// Issue 10, case 9: `validate` reads everything `run` reads. Each input below was "usable" to
// `validate` and then rejected (or silently misread) by `run`; now both refuse it, naming the
// file and the key.

impl Demo {
    fn run(&self) -> (i32, String) {
        let out = self.dir.path().join("out-run");
        let o = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
            .arg("run")
            .arg(self.scenario())
            .arg("--out")
            .arg(&out)
            .arg("--quiet")
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    fn append_scenario(&self, text: &str) {
        self.edit_text(&self.scenario(), |t| format!("{t}\n{text}\n"));
    }

    fn replace_scenario(&self, from: &str, to: &str) {
        self.edit_text(&self.scenario(), |t| {
            assert!(t.contains(from), "{from:?} not in the scenario");
            t.replacen(from, to, 1)
        });
    }

    fn append_rules(&self, text: &str) {
        let rules = self.dir.path().join("rules.toml");
        self.edit_text(&rules, |t| format!("{t}\n{text}\n"));
    }
}

/// `validate` and `run` both exit 2 and name every fragment.
fn expect_both(demo: &Demo, fragments: &[&str]) {
    expect_failure(demo, fragments);
    let (code, err) = demo.run();
    assert_eq!(code, 2, "run: expected exit 2, stderr:\n{err}");
    for f in fragments {
        assert!(err.contains(f), "run's stderr should mention {f:?}:\n{err}");
    }
    assert!(
        !demo.dir.path().join("out-run").exists(),
        "a refused run wrote its folder"
    );
}

const PROPOSAL: &str =
    "[[proposals]]\nid = \"NEW-P\"\nlevel = \"primary\"\nnew_sites = 1\ntime_limit_s = 1\n";

#[test]
fn case09_rule_with_unknown_key() {
    let demo = Demo::new();
    demo.append_rules("[[rules]]\nid = \"X1\"\nkind = \"min_count\"\ntitle_zh = \"x\"\ntitle_en = \"x\"\nclause = \"x\"\nscope = \"city\"\nfilter = { levels = [\"primary\"] }\nmin = 1\nminimum = 2");
    expect_both(&demo, &["rules.toml", "X1", "minimum"]);
}

#[test]
fn case09_rule_of_unknown_kind() {
    let demo = Demo::new();
    demo.append_rules("[[rules]]\nid = \"X2\"\nkind = \"max_fun\"\ntitle_zh = \"x\"\ntitle_en = \"x\"\nclause = \"x\"\nscope = \"city\"");
    expect_both(&demo, &["rules.toml", "X2", "max_fun"]);
}

#[test]
fn case09_rule_naming_unknown_area() {
    let demo = Demo::new();
    demo.append_rules("[[rules]]\nid = \"X3\"\nkind = \"min_count\"\ntitle_zh = \"x\"\ntitle_en = \"x\"\nclause = \"x\"\nscope = \"county\"\nareas = [\"990199\"]\nfilter = { levels = [\"primary\"] }\nmin = 1");
    expect_both(&demo, &["rules.toml", "X3", "areas", "990199"]);
}

#[test]
fn case09_proposal_with_unknown_key() {
    let demo = Demo::new();
    demo.append_scenario(&format!("{PROPOSAL}sites = 3"));
    expect_both(&demo, &["demo.toml", "NEW-P", "sites"]);
}

#[test]
fn case09_duplicate_proposal_ids() {
    let demo = Demo::new();
    demo.append_scenario(&format!("{PROPOSAL}\n{PROPOSAL}"));
    expect_both(&demo, &["demo.toml", "NEW-P", "unique proposal id"]);
}

#[test]
fn case09_proposal_closes_unknown_rule() {
    let demo = Demo::new();
    demo.append_scenario(&format!("{PROPOSAL}closes = [\"P9\"]"));
    expect_both(&demo, &["demo.toml", "closes", "P9"]);
}

#[test]
fn case09_proposal_in_unknown_area() {
    let demo = Demo::new();
    demo.append_scenario(&format!("{PROPOSAL}areas = [\"123456\"]"));
    expect_both(&demo, &["demo.toml", "areas", "123456"]);
}

#[test]
fn case09_proposal_for_a_level_not_measured() {
    let demo = Demo::new();
    demo.append_scenario(
        "[[proposals]]\nid = \"S\"\nlevel = \"special\"\nnew_sites = 1\ntime_limit_s = 1\n",
    );
    expect_both(&demo, &["demo.toml", "level", "does not measure"]);
}

#[test]
fn case09_huge_proposal_values() {
    let demo = Demo::new();
    demo.append_scenario(&format!("{PROPOSAL}radius = 1e300"));
    expect_both(&demo, &["demo.toml", "radius", "1e300"]);
    let demo = Demo::new();
    demo.append_scenario("[[proposals]]\nid = \"B\"\nlevel = \"primary\"\nnew_sites = 1000000\n");
    expect_both(&demo, &["demo.toml", "new_sites", "1000000"]);
}

#[test]
fn case09_cohort_field_typo() {
    let demo = Demo::new();
    demo.replace_scenario("cohort_field = \"pop_6_11\"", "cohort_field = \"pop_6_1\"");
    expect_both(
        &demo,
        &[
            "demo.toml",
            "levels.primary.cohort_field",
            "pop_6_1",
            "0 pupils",
        ],
    );
}

#[test]
fn case09_factor_for_an_unknown_field() {
    let demo = Demo::new();
    demo.append_scenario("[population.factors]\npop_3_4 = 0.7");
    expect_both(&demo, &["demo.toml", "population.factors.pop_3_4"]);
}

#[test]
fn case09_cohort_shares_of_an_unknown_county_are_a_warning() {
    let demo = Demo::new();
    demo.append_scenario("[population.cohort_shares.123456]\npop_3_5 = 0.02");
    let (code, out, err) = demo.validate();
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("population.cohort_shares.123456") && out.contains("apply to no cell"),
        "{out}"
    );
}

#[test]
fn case09_huge_magnitudes_in_layers() {
    for (layer, index, property, value, fragment) in [
        ("population", 0, "pop_total", json!(1e300), "1e300"),
        ("population", 1, "pop_6_11", json!(2e7), "20000000"),
        ("schools", 0, "capacity_seats", json!(1e25), "1e25"),
        ("schools", 1, "enrolment", json!(5e5), "500000"),
        ("schools", 2, "classes", json!(5000), "5000"),
        ("schools", 3, "class_sizes", json!([30, 10000]), "10000"),
        ("candidates", 0, "max_classes", json!(99999), "99999"),
        ("network", 0, "speed_kmh", json!(1e6), "1000000"),
    ] {
        let demo = Demo::new();
        let file = demo.edit_json(layer, |v| props(v, index)[property] = value);
        expect_both(
            &demo,
            &[
                &file,
                &format!("feature {index}"),
                &format!("`{property}`"),
                fragment,
            ],
        );
    }
}

#[test]
fn case09_huge_magnitudes_in_the_scenario() {
    for (from, to, key) in [
        (
            "radius_m = 500",
            "radius_m = 1e300",
            "levels.primary.radius_m",
        ),
        (
            "class_size = 45",
            "class_size = 4500",
            "levels.primary.class_size",
        ),
    ] {
        let demo = Demo::new();
        demo.replace_scenario(from, to);
        expect_both(&demo, &["demo.toml", key]);
    }
    let demo = Demo::new();
    demo.replace_scenario(
        "mode = \"straight\"",
        "mode = \"straight\"\nwalk_speed_kmh = 1e9",
    );
    expect_both(&demo, &["demo.toml", "walk_speed_kmh", "1000000000"]);
}

#[test]
fn case09_include_of_itself_and_of_a_scenario() {
    let demo = Demo::new();
    demo.replace_scenario(
        "include = [\"rules.toml\"]",
        "include = [\"rules.toml\", \"demo.toml\"]",
    );
    expect_both(&demo, &["demo.toml", "include", "not a rule preset"]);
    let demo = Demo::new();
    demo.replace_scenario(
        "include = [\"rules.toml\"]",
        "include = [\"rules.toml\", \"demo-plan.toml\"]",
    );
    expect_both(&demo, &["demo-plan.toml", "`[[rules]]` only"]);
}

fn matrix_demo(rows: &str) -> Demo {
    let demo = Demo::new();
    std::fs::write(demo.dir.path().join("m.csv"), rows).unwrap();
    demo.replace_scenario("mode = \"straight\"", "mode = \"matrix\"");
    demo.append_scenario("[layers.matrix]\npath = \"m.csv\"");
    demo
}

#[test]
fn case09_matrix_whose_ids_match_nothing() {
    let demo = matrix_demo("origin_id,destination_id,cost\nx1,k01,100\nx2,p01,200\n");
    expect_both(
        &demo,
        &[
            "m.csv",
            "origin_id",
            "2 of 2",
            "matching no population cell",
        ],
    );
    let demo = matrix_demo("origin_id,destination_id,cost\nr00c00,nope,100\n");
    expect_both(
        &demo,
        &["m.csv", "destination_id", "matching no school or candidate"],
    );
}

#[test]
fn case09_matrix_with_bad_records_and_missing_matrix() {
    let demo = matrix_demo("origin_id,destination_id,cost\nr00c00,k01,abc\nr00c01,k01,-5\n");
    expect_both(&demo, &["m.csv", "`cost`", "\"abc\"", "\"-5\""]);
    let demo = matrix_demo("");
    std::fs::remove_file(demo.dir.path().join("m.csv")).unwrap();
    expect_both(&demo, &["m.csv"]);
}

#[test]
fn case09_layer_and_rule_problems_are_reported_together() {
    let demo = Demo::new();
    demo.edit_json("schools", |v| props(v, 0)["level"] = json!("college"));
    demo.append_scenario(&format!("{PROPOSAL}sites = 3"));
    expect_failure(&demo, &["schools.geojson", "college", "NEW-P", "sites"]);
}

// More hostile inputs of the catalogue (cases 2, 4 and 5 seen through `validate`).

#[test]
fn scenario_name_that_is_a_path() {
    let demo = Demo::new();
    demo.replace_scenario("name = \"demo\"", "name = \"../../victim\"");
    expect_both(&demo, &["demo.toml", "`name`", "plain name"]);
}

#[test]
fn one_number_position_in_a_township_ring() {
    case_feature(
        "townships",
        2,
        "geometry.coordinates[0][1]",
        "at least 2 finite numbers",
        |f| f["geometry"]["coordinates"][0][1] = json!([123.9]),
    );
}

#[test]
fn bad_position_inside_a_geometry_collection() {
    case_feature(
        "candidates",
        1,
        "geometry.geometries[1].coordinates",
        "at least 2 finite numbers",
        |f| {
            f["geometry"] = json!({"type": "GeometryCollection", "geometries": [
                {"type": "Point", "coordinates": [123.9, 41.85]},
                {"type": "Point", "coordinates": [123.9]}]})
        },
    );
}

#[test]
fn school_at_null_island() {
    case_feature("schools", 12, "geometry", "within 400 km", |f| {
        f["geometry"]["coordinates"] = json!([0.0, 0.0])
    });
}

#[test]
fn extends_a_missing_file() {
    let demo = Demo::new();
    demo.edit_text(&demo.scenario(), |t| {
        format!("extends = \"nowhere.toml\"\n{t}")
    });
    expect_failure(&demo, &["nowhere.toml"]);
}

#[test]
fn include_of_a_missing_preset() {
    let demo = Demo::new();
    demo.replace_scenario(
        "include = [\"rules.toml\"]",
        "include = [\"rules.toml\", \"gone.toml\"]",
    );
    expect_failure(&demo, &["gone.toml"]);
}

#[test]
fn scenario_with_a_duplicate_key() {
    let demo = Demo::new();
    demo.edit_text(&demo.scenario(), |t| format!("year = 2020\n{t}"));
    expect_failure(&demo, &["demo.toml", "line"]);
}

#[test]
fn scenario_that_is_binary() {
    let demo = Demo::new();
    std::fs::write(demo.scenario(), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    expect_failure(&demo, &["demo.toml"]);
}
