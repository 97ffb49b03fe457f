//! Issue 10, case 8: names from input layers and scenario files cannot become spreadsheet
//! formulas in the CSV tables, nor HTML or links in the reports.

use schoolplan_testkit::scratch::{assert_ok, Scratch};
use serde_json::{json, Value};

const HOSTILE: [&str; 6] = [
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "<script>alert(1)</script>",
    "\tx\u{7}\u{202E}gnp.exe",
];

fn edit(path: &std::path::Path, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_vec(&v).unwrap()).unwrap();
}

fn hostile_demo() -> Scratch {
    let s = Scratch::with_map("demo");
    edit(&s.inp("schools.geojson"), |v| {
        for (k, name) in HOSTILE.iter().enumerate() {
            v["features"][k]["properties"]["name"] = json!(name);
        }
        v["features"][0]["properties"]["=evil_key"] = json!("=1+1");
    });
    edit(&s.inp("counties.geojson"), |v| {
        v["features"][0]["properties"]["name"] = json!(HOSTILE[0]);
    });
    edit(&s.inp("townships.geojson"), |v| {
        v["features"][0]["properties"]["name"] = json!(HOSTILE[4]);
    });
    edit(&s.inp("candidates.geojson"), |v| {
        for f in v["features"].as_array_mut().unwrap() {
            f["properties"]["name"] = json!(HOSTILE[1]);
        }
    });
    let rules = std::fs::read_to_string(s.inp("rules.toml")).unwrap();
    let rules = rules.replacen(
        "title_en = \"Every rural township has at least one quality public kindergarten\"",
        "title_en = \"=HYPERLINK(\\\"http://evil\\\")\"\nquote = \"@cmd [link](http://evil) <img src=x onerror=alert(1)>\"",
        1,
    );
    std::fs::write(s.inp("rules.toml"), rules).unwrap();
    let scenario = std::fs::read_to_string(s.inp("demo.toml")).unwrap();
    let scenario = scenario.replacen(
        "title = \"Demo East County (synthetic), baseline\"",
        "title = \"<script>alert('title')</script> # [x](javascript:alert(1))\"",
        1,
    );
    std::fs::write(
        s.inp("demo.toml"),
        format!("{scenario}\n[[proposals]]\nid = \"-P1\"\nlevel = \"primary\"\nnew_sites = 2\ntime_limit_s = 2\n"),
    )
    .unwrap();
    s
}

/// A cell a spreadsheet would run as a formula: first non-space character `= + - @` (or the
/// full-width forms), and not a plain number.
fn formula(cell: &str) -> bool {
    let t = cell.trim_start();
    t.starts_with(['=', '+', '-', '@', '＝', '＋', '－', '＠']) && t.trim().parse::<f64>().is_err()
}

#[test]
fn case08_csv_cells_are_never_formulas() {
    let s = hostile_demo();
    assert_ok(&s.bin(&["run", "inp/demo.toml", "--out", "out", "--quiet"]));
    let mut seen_hostile = 0;
    for file in ["schools.csv", "areas.csv", "proposals.csv", "findings.csv"] {
        let path = s.path().join("out").join(file);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&path)
            .unwrap();
        let mut rows = 0;
        for rec in rdr.records() {
            let rec = rec.unwrap();
            rows += 1;
            for cell in rec.iter() {
                assert!(!formula(cell), "{file}: formula cell {cell:?}");
                assert!(
                    !cell.chars().any(|c| c.is_control() || c == '\u{202E}'),
                    "{file}: control character in {cell:?}"
                );
                if cell.starts_with("'=") || cell.starts_with("'+") || cell.starts_with("'@") {
                    seen_hostile += 1;
                }
            }
        }
        assert!(rows > 1, "{file} has no data rows");
    }
    // The hostile names are there, defused, not dropped.
    assert!(seen_hostile >= 6, "{seen_hostile} defused cells");
    let schools = std::fs::read_to_string(s.path().join("out/schools.csv")).unwrap();
    assert!(schools.contains("'@SUM(A1:A9)"), "{schools}");
}

#[test]
fn case08_reports_carry_no_markup_from_inputs() {
    let s = hostile_demo();
    assert_ok(&s.bin(&["run", "inp/demo.toml", "--out", "out", "--quiet"]));
    let md = std::fs::read_to_string(s.path().join("out/report.md")).unwrap();
    for bad in ["<script", "<img", "[x](javascript:", "[link](http://evil)"] {
        assert!(!md.contains(bad), "report.md contains {bad:?}");
    }
    assert!(md.contains("&lt;script&gt;"), "the title is shown, escaped");
    let html = std::fs::read_to_string(s.path().join("out/report.html")).unwrap();
    for bad in ["<script>alert", "<img", "\u{7}"] {
        assert!(!html.contains(bad), "report.html contains {bad:?}");
    }
    // The one script is the tool's own map viewer, at the end of the body; none comes from inputs.
    assert_eq!(html.matches("<script").count(), 1, "scripts in report.html");
    let own = html.rfind("<script>").unwrap();
    assert!(html[own..]
        .trim_end()
        .ends_with("</script>\n</body>\n</html>"));
    assert!(
        html.contains("&lt;script&gt;alert"),
        "the title is shown, escaped"
    );
    for svg in std::fs::read_dir(s.path().join("out")).unwrap() {
        let p = svg.unwrap().path();
        if p.extension()
            .is_some_and(|e| e == "svg" || e == "qgs" || e == "qml")
        {
            let t = std::fs::read_to_string(&p).unwrap();
            assert!(
                !t.contains("<script") && !t.contains('\u{7}'),
                "{}",
                p.display()
            );
        }
    }
}
