//! The report module end to end on the sample town: every file written, byte-identical twice,
//! QGIS project paths resolve, styles are well-formed XML, summary keys are stable, comparison.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use schoolplan::config::Language;
use schoolplan::report::{self, Comparison, Summary};
use schoolplan_testkit::sample::SampleRun;
use serde_json::Value;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("schoolplan-report-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn read_all(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A minimal XML well-formedness check: tags balance, attributes are quoted, no stray `<` or
/// `&`. Enough to catch a broken writer; not a validator.
fn check_xml(text: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        let between = &rest[..lt];
        check_text(between)?;
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").ok_or("unclosed comment")?;
            rest = &rest[end + 3..];
            continue;
        }
        if rest.starts_with("<?") || rest.starts_with("<!") {
            let end = rest.find('>').ok_or("unclosed declaration")?;
            rest = &rest[end + 1..];
            continue;
        }
        let end = find_tag_end(rest).ok_or("unclosed tag")?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .ok_or(format!("closing </{name}> without opening"))?;
            if open != name.trim() {
                return Err(format!("<{open}> closed by </{name}>"));
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name: String = body.chars().take_while(|c| !c.is_whitespace()).collect();
        if name.is_empty() {
            return Err(format!("empty tag name in <{tag}>"));
        }
        check_attributes(&body[name.len()..])?;
        if !self_closing {
            stack.push(name);
        }
    }
    check_text(rest)?;
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed elements {stack:?}"))
    }
}

fn find_tag_end(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn check_attributes(s: &str) -> Result<(), String> {
    let mut rest = s.trim();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or(format!("attribute without value: {rest}"))?;
        let after = rest[eq + 1..].trim_start();
        let q = after.chars().next().ok_or("missing attribute value")?;
        if q != '"' && q != '\'' {
            return Err(format!("unquoted attribute in {s}"));
        }
        let close = after[1..].find(q).ok_or("unclosed attribute value")?;
        check_text(&after[1..1 + close])?;
        if after[1..1 + close].contains('<') {
            return Err("`<` inside an attribute".into());
        }
        rest = after[close + 2..].trim_start();
    }
    Ok(())
}

fn check_text(s: &str) -> Result<(), String> {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        let semi = rest[amp..].find(';').ok_or(format!("bare & in {s:?}"))?;
        let entity = &rest[amp + 1..amp + semi];
        let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
            || entity.starts_with('#') && entity.len() > 1;
        if !ok {
            return Err(format!("unknown entity &{entity};"));
        }
        rest = &rest[amp + semi..];
    }
    Ok(())
}

#[test]
fn xml_checker_catches_broken_xml() {
    assert!(check_xml("<a x=\"1\"><b/></a>").is_ok());
    assert!(check_xml("<a><b></a>").is_err());
    assert!(check_xml("<a x=1/>").is_err());
    assert!(check_xml("<a>&</a>").is_err());
}

#[test]
fn run_writes_every_file_and_is_byte_identical_twice() {
    let base = scratch("determinism");
    let run = SampleRun::baseline();
    let (a, b) = (base.join("a"), base.join("b"));
    report::write_run(&a, &run.bundle(), Language::Zh).unwrap();
    report::write_run(&b, &run.bundle(), Language::Zh).unwrap();
    let (fa, fb) = (read_all(&a), read_all(&b));
    for f in report::RUN_FILES {
        assert!(fa.contains_key(f), "missing {f}");
    }
    for l in ["kindergarten", "primary", "junior"] {
        assert!(fa.contains_key(&format!("map-{l}.svg")));
    }
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between two runs");
        assert!(std::str::from_utf8(bytes).is_ok(), "{name} is not UTF-8");
    }
    // Writing again over an existing folder replaces it and leaves no sibling behind.
    report::write_run(&a, &run.bundle(), Language::En).unwrap();
    let names: Vec<String> = fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    fs::remove_dir_all(&base).unwrap();
}

#[test]
fn qgis_project_resolves_every_datasource_and_styles_are_xml() {
    let base = scratch("qgis");
    let run = SampleRun::baseline();
    report::write_run(&base.join("out"), &run.bundle(), Language::En).unwrap();
    let out = base.join("out");
    let qgs = fs::read_to_string(out.join("schoolplan.qgs")).unwrap();
    check_xml(&qgs).unwrap();
    let sources: Vec<&str> = qgs
        .split("<datasource>")
        .skip(1)
        .map(|s| &s[..s.find("</datasource>").unwrap()])
        .collect();
    // Areas and all schools, then proposals, schools, gaps and coverage per level.
    let levels = run.bundle().coverage.levels.len();
    assert_eq!(sources.len(), 2 + 4 * levels, "{sources:#?}");
    for s in sources {
        assert!(s.starts_with("./"), "relative path: {s}");
        // `./gaps.geojson|subset=&quot;level&quot; = 'primary'`: the file before the subset.
        let s = s.split('|').next().unwrap();
        assert!(out.join(s).is_file(), "{s} does not exist");
        let layer: Value = serde_json::from_str(&fs::read_to_string(out.join(s)).unwrap()).unwrap();
        assert_eq!(layer["type"], "FeatureCollection");
    }
    // Layers in WGS 84, the project in a projected CRS that QGIS reads.
    assert!(qgs.contains("<authid>EPSG:4326</authid>"));
    assert!(qgs.contains("<ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>"));
    let project_crs = &qgs[qgs.find("<projectCrs>").unwrap()..qgs.find("</projectCrs>").unwrap()];
    assert!(project_crs.contains("<geographicflag>false</geographicflag>"));
    for q in ["schools", "coverage", "gaps", "areas", "proposals"] {
        let text = fs::read_to_string(out.join(format!("{q}.qml"))).unwrap();
        check_xml(&text).unwrap_or_else(|e| panic!("{q}.qml: {e}"));
        assert!(text.contains("<renderer-v2"));
    }
    for svg in ["map-primary.svg", "map-junior.svg"] {
        check_xml(&fs::read_to_string(out.join(svg)).unwrap())
            .unwrap_or_else(|e| panic!("{svg}: {e}"));
    }
    fs::remove_dir_all(&base).unwrap();
}

#[test]
fn summary_has_the_stable_keys() {
    let base = scratch("summary");
    let run = SampleRun::baseline();
    report::write_run(&base, &run.bundle(), Language::En).unwrap();
    let v: Value =
        serde_json::from_str(&fs::read_to_string(base.join("summary.json")).unwrap()).unwrap();
    for key in [
        "scenario",
        "conventions",
        "levels",
        "counties",
        "townships",
        "findings",
        "proposals",
        "gaps",
    ] {
        assert!(v.get(key).is_some(), "summary lacks {key}");
    }
    let primary = v["levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["level"] == "primary")
        .unwrap();
    for key in [
        "radius_m",
        "demand",
        "covered",
        "coverage",
        "seats",
        "allocated",
        "over_capacity_schools",
    ] {
        assert!(primary.get(key).is_some(), "level lacks {key}");
    }
    assert_eq!(primary["radius_m"], 500.0);
    let cov = primary["coverage"].as_f64().unwrap();
    assert!(
        cov > 0.0 && cov < 1.0,
        "the sample has a primary gap: {cov}"
    );
    for f in v["findings"].as_array().unwrap() {
        for key in ["id", "status", "area", "value", "threshold"] {
            assert!(f.get(key).is_some(), "finding lacks {key}");
        }
    }
    assert_eq!(v["findings"][0]["status"], "fail", "failing findings first");
    assert_eq!(v["conventions"]["synthetic"], true);
    assert!(v["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["id"] == "primary-1"));
    // Reads back.
    let s = Summary::read(&base.join("summary.json")).unwrap();
    assert_eq!(s.levels.len(), 3);
    fs::remove_dir_all(&base).unwrap();
}

#[test]
fn report_html_is_self_contained_and_warns_about_synthetic_data() {
    let base = scratch("html");
    let run = SampleRun::baseline();
    report::write_run(&base, &run.bundle(), Language::Zh).unwrap();
    let html = fs::read_to_string(base.join("report.html")).unwrap();
    assert!(html.contains("模拟数据"), "synthetic warning in Chinese");
    assert!(html.contains("<svg"));
    // One inline script (the interactive maps), nothing loaded from elsewhere.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("<script>(function(){") || html.contains("<script>\n(function(){"));
    for banned in [
        "http://",
        "https://",
        "<script src",
        "@import",
        "url(h",
        "url(f",
        "url(/",
        "src=",
    ] {
        let hits: Vec<_> = html
            .match_indices(banned)
            .filter(|(i, _)| !html[..*i].ends_with("xmlns=\""))
            .collect();
        assert!(
            hits.is_empty(),
            "external reference {banned} in report.html"
        );
    }
    let md = fs::read_to_string(base.join("report.md")).unwrap();
    assert!(md.contains("## 规划须解决的问题") && md.contains("![") && md.contains("<details>"));
    // A planning document's order: summary, what must change, proposals, maps, detail tables.
    let order: Vec<usize> = [
        "## 概要",
        "## 规划须解决的问题",
        "## 布局建议",
        "## 地图",
        "## 明细表",
    ]
    .iter()
    .map(|h| md.find(h).unwrap_or_else(|| panic!("{h} missing")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    report::write_run(&base, &run.bundle(), Language::En).unwrap();
    let html = fs::read_to_string(base.join("report.html")).unwrap();
    assert!(html.contains("Synthetic data") && html.contains("lang=\"en\""));
    fs::remove_dir_all(&base).unwrap();
}

#[test]
fn comparison_finds_added_expanded_closed_and_newly_covered() {
    let (a, b) = (SampleRun::baseline(), SampleRun::plan());
    let (ba, bb) = (a.bundle(), b.bundle());
    let sa = Summary::build(
        &ba,
        &report::areas::area_stats(&ba),
        &report::gaps::gap_areas(&ba).unwrap(),
        &[],
    );
    let sb = Summary::build(
        &bb,
        &report::areas::area_stats(&bb),
        &report::gaps::gap_areas(&bb).unwrap(),
        &[],
    );
    let c = Comparison::from_summaries(&sa, &sb).with_cells(&ba, &bb);
    let ids =
        |v: &[report::compare::SchoolChange]| v.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&c.schools_added), vec!["P03"]);
    assert_eq!(ids(&c.schools_expanded), vec!["J01"]);
    assert_eq!(ids(&c.schools_closed), vec!["K02"]);
    let primary = c
        .levels
        .iter()
        .find(|l| l.level == schoolplan::model::Level::Primary)
        .unwrap();
    assert!(primary.newly_covered.unwrap() > 0.0);
    assert!(primary.coverage_change.unwrap() > 0.0);
    assert!(c
        .rules_changed
        .iter()
        .any(|r| r.id == "P3" && r.area == "J01"));
    let base = scratch("compare");
    report::write_compare(&base, &c, Language::Zh).unwrap();
    for f in ["compare.json", "compare.html", "compare.md"] {
        assert!(base.join(f).is_file(), "{f}");
    }
    let v: Value =
        serde_json::from_str(&fs::read_to_string(base.join("compare.json")).unwrap()).unwrap();
    assert_eq!(v["schools_added"][0]["id"], "P03");
    // From the two runs: the change layer (one feature per changed cell, the change per level),
    // its style and a map per level.
    report::compare::write_compare_runs(&base, &c, &ba, &bb, Language::Zh).unwrap();
    let layer: Value =
        serde_json::from_str(&fs::read_to_string(base.join("coverage-change.geojson")).unwrap())
            .unwrap();
    let feats = layer["features"].as_array().unwrap();
    let changes = report::compare::cell_changes(&ba, &bb);
    let changed_cells: std::collections::BTreeSet<&str> =
        changes.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(feats.len(), changed_cells.len());
    assert!(!feats.is_empty());
    let newly: f64 = feats
        .iter()
        .filter(|f| f["properties"]["change_primary"] == "newly_covered")
        .map(|f| f["properties"]["demand_primary"].as_f64().unwrap())
        .sum();
    assert!((newly - primary.newly_covered.unwrap()).abs() < 1e-3);
    check_xml(&fs::read_to_string(base.join("coverage-change.qml")).unwrap()).unwrap();
    check_xml(&fs::read_to_string(base.join("compare-primary.svg")).unwrap()).unwrap();
    let html = fs::read_to_string(base.join("compare.html")).unwrap();
    assert!(html.contains("覆盖变化图"));
    // Only changing area rows, and never a negative zero.
    let md = fs::read_to_string(base.join("compare.md")).unwrap();
    assert!(
        !md.contains("-0 ") && !md.contains("-0.0") && !md.contains("+0.0 pp"),
        "{md}"
    );
    let unchanged = c
        .areas
        .iter()
        .filter(|a| !report::compare::area_changes(a))
        .count();
    assert!(unchanged > 0 && md.contains(&format!("{} 行", c.areas.len())));
    fs::remove_dir_all(&base).unwrap();
}
