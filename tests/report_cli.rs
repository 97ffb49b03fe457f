//! The report through the real binary: Chinese end to end (console, CSV headers, errors, Chinese
//! input values), Excel conventions (BOM, `--no-bom`), no absolute paths in what is handed on,
//! `compare` in Chinese without a negative zero.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schoolplan"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("schoolplan-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

const BOM: &[u8] = b"\xef\xbb\xbf";

#[test]
fn chinese_run_speaks_chinese_and_writes_excel_csv() {
    let work = scratch("zh");
    let out = work.join("out");
    // The scenario by its absolute path: nothing handed on may show where it lives.
    let scenario = root().join("maps/demo/demo.toml");
    let o = bin(&[
        "run",
        scenario.to_str().unwrap(),
        "--lang",
        "zh",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    for word in ["覆盖率", "名学生中", "规则核查", "已写出", "模拟数据"] {
        assert!(stdout.contains(word), "{word} missing from:\n{stdout}");
    }
    assert!(
        !stdout.contains("coverage") && !stdout.contains("pupils"),
        "{stdout}"
    );
    // CSV: BOM, Chinese headers, English values.
    for (file, header) in [
        ("schools.csv", "编号,名称,学段,办学性质"),
        ("areas.csv", "代码,名称,类型"),
        ("findings.csv", "规则编号,规则名称"),
    ] {
        let bytes = fs::read(out.join(file)).unwrap();
        assert!(bytes.starts_with(BOM), "{file} has no BOM");
        let t = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(
            t.starts_with(header),
            "{file}: {}",
            t.lines().next().unwrap()
        );
    }
    let schools = fs::read_to_string(out.join("schools.csv")).unwrap();
    assert!(schools.contains("学位(小学)") && schools.contains(",primary,"));
    // GeoJSON and JSON keep the stable English field names.
    let layer: Value =
        serde_json::from_str(&fs::read_to_string(out.join("schools.geojson")).unwrap()).unwrap();
    assert!(
        layer["features"][0]["properties"]["seats_primary"].is_number()
            || layer["features"][0]["properties"]["seats_primary"].is_null()
    );
    assert!(layer["features"][0]["properties"].get("level").is_some());
    // No absolute path of the analyst in anything written.
    let home = root().to_str().unwrap();
    for e in fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        let t = fs::read_to_string(&p).unwrap_or_default();
        assert!(!t.contains(home), "{} shows {home}", p.display());
        assert!(
            !t.contains(work.to_str().unwrap()),
            "{} shows the output folder",
            p.display()
        );
    }
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["scenario"]["files"][0], "demo.toml");
    // --no-bom leaves the mark out; English headers in an English run.
    let plain = work.join("plain");
    let o = bin(&[
        "run",
        "maps/demo/demo.toml",
        "--quiet",
        "--no-bom",
        "--out",
        plain.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let bytes = fs::read(plain.join("schools.csv")).unwrap();
    assert!(bytes.starts_with(b"id,name,level,ownership"));
    assert!(text(&o.stdout).contains("coverage"));
    fs::remove_dir_all(&work).unwrap();
}

/// A copy of the demo whose schools layer spells levels, ownership, status and booleans the way
/// a bureau table does.
fn chinese_spelled_demo(work: &Path) -> PathBuf {
    let demo = root().join("maps/demo");
    for e in fs::read_dir(&demo).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            fs::copy(&p, work.join(p.file_name().unwrap())).unwrap();
        }
    }
    let path = work.join("schools.geojson");
    let mut layer: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    for f in layer["features"].as_array_mut().unwrap() {
        let p = f["properties"].as_object_mut().unwrap();
        let zh = |k: &str, v: &Value| -> Option<Value> {
            let s = v.as_str();
            Some(Value::String(
                match (k, s) {
                    ("level", Some("kindergarten")) => "幼儿园",
                    ("level", Some("primary")) => "小学",
                    ("level", Some("junior")) => "初中",
                    ("level", Some("nine_year")) => "九年一贯制",
                    ("level", Some("senior")) => "高中",
                    ("level", Some("special")) => "特殊教育",
                    ("level", Some("vocational")) => "中职",
                    ("ownership", Some("public")) => "公办",
                    ("ownership", Some("private")) => "民办",
                    ("status", Some("existing")) => "现状",
                    ("status", Some("planned")) => "规划",
                    ("status", Some("closed")) => "关闭",
                    ("inclusive" | "quality" | "boarding", _) if v.is_boolean() => {
                        if v.as_bool().unwrap() {
                            "是"
                        } else {
                            "否"
                        }
                    }
                    _ => return None,
                }
                .to_string(),
            ))
        };
        let keys: Vec<String> = p.keys().cloned().collect();
        for k in keys {
            if let Some(v) = zh(&k, &p[&k]) {
                p.insert(k, v);
            }
        }
    }
    fs::write(&path, serde_json::to_string(&layer).unwrap()).unwrap();
    work.join("demo.toml")
}

#[test]
fn chinese_input_values_give_the_same_run() {
    let work = scratch("zh-input");
    let scenario = chinese_spelled_demo(&work);
    let text_layer = fs::read_to_string(work.join("schools.geojson")).unwrap();
    assert!(text_layer.contains("\"小学\"") && text_layer.contains("\"是\""));
    let (a, b) = (work.join("out-zh"), work.join("out-en"));
    let o = bin(&[
        "run",
        scenario.to_str().unwrap(),
        "--quiet",
        "--out",
        a.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = bin(&[
        "run",
        "maps/demo/demo.toml",
        "--quiet",
        "--out",
        b.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // Same schools, same coverage, same findings: the spellings mean the same.
    for f in ["schools.geojson", "coverage.geojson", "findings.json"] {
        assert!(
            fs::read(a.join(f)).unwrap() == fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn chinese_errors_keep_codes_and_fields() {
    let work = scratch("zh-error");
    let scenario = chinese_spelled_demo(&work);
    let toml = fs::read_to_string(&scenario)
        .unwrap()
        .replace("language = \"en\"", "language = \"zh\"");
    fs::write(&scenario, toml).unwrap();
    let path = work.join("schools.geojson");
    let layer = fs::read_to_string(&path)
        .unwrap()
        .replacen("\"小学\"", "\"大学\"", 1);
    fs::write(&path, layer).unwrap();
    let o = bin(&["run", scenario.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    for part in [
        "输入数据有",
        "错误: ",
        "schools.geojson",
        "个要素",
        "属性 `level`",
        "应为",
        "实际为 \"大学\"",
    ] {
        assert!(err.contains(part), "{part} missing from: {err}");
    }
    // The same scenario in English keeps the English words, same exit code.
    let o = bin(&["run", scenario.to_str().unwrap(), "--quiet", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("property `level`: expected"));
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn compare_in_chinese_lists_changes_without_negative_zero() {
    let work = scratch("compare");
    let out = work.join("cmp");
    let o = bin(&[
        "compare",
        "maps/demo/demo.toml",
        "maps/demo/demo-plan.toml",
        "--lang",
        "zh",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("新增覆盖") && stdout.contains("已写出"),
        "{stdout}"
    );
    assert!(!stdout.contains("-0 ") && !stdout.contains("-0,") && !stdout.contains("-0\n"));
    for f in [
        "compare.json",
        "compare.html",
        "coverage-change.geojson",
        "coverage-change.qml",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let cmp: Value =
        serde_json::from_str(&fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    let junior = cmp["levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["level"] == "junior")
        .unwrap();
    let layer: Value =
        serde_json::from_str(&fs::read_to_string(out.join("coverage-change.geojson")).unwrap())
            .unwrap();
    let newly: f64 = layer["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["change_junior"] == "newly_covered")
        .map(|f| f["properties"]["demand_junior"].as_f64().unwrap())
        .sum();
    assert!(newly > 0.0);
    assert!((newly - junior["newly_covered"].as_f64().unwrap()).abs() < 1e-3);
    fs::remove_dir_all(&work).unwrap();
}
