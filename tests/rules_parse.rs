//! Parsing rules: the Fushun preset, the demo rules, the registry examples, and errors that
//! name the file, the rule and the key.

use std::path::{Path, PathBuf};

use schoolplan::config::{Scenario, Sourced};
use schoolplan::rules::{self, registry, render_kind_doc, render_kind_list, Check};
use schoolplan_testkit::rulemap::scenario;

fn manifest(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// A scenario file in a temp dir that includes `preset` and points at tiny layers.
fn load_with_include(preset: &Path) -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let empty = r#"{"type":"FeatureCollection","features":[]}"#;
    std::fs::write(dir.path().join("schools.geojson"), empty).unwrap();
    std::fs::write(dir.path().join("population.geojson"), empty).unwrap();
    let text = format!(
        "include = [{:?}]\n[layers.schools]\npath = \"schools.geojson\"\n[layers.population]\npath = \"population.geojson\"\n",
        preset.display().to_string()
    );
    let path = dir.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    let sc = Scenario::load(&path).unwrap();
    std::mem::forget(dir);
    sc
}

#[test]
fn fushun_preset_parses_and_covers_every_plan_rule() {
    let sc = load_with_include(&manifest("maps/fushun/rules/fushun-2025.toml"));
    let parsed = rules::parse_rules(&sc).unwrap();
    let ids: Vec<&str> = parsed.iter().map(|r| r.id.as_str()).collect();
    for want in [
        "K1",
        "K2",
        "K3",
        "K4",
        "P1",
        "P2-B1-primary",
        "P2-B1-junior",
        "P2-B2-primary",
        "P2-B2-junior",
        "P3",
        "P4",
        "H1",
        "R1",
        "E1",
    ] {
        assert!(ids.contains(&want), "{want} missing from {ids:?}");
    }
    for r in &parsed {
        assert!(
            !r.clause.is_empty() && r.quote.is_some(),
            "{} lacks clause or quote",
            r.id
        );
        assert!(r.file.ends_with("fushun-2025.toml"));
    }
    let p1 = parsed.iter().find(|r| r.id == "P1").unwrap();
    assert_eq!(p1.areas, ["210402", "210403", "210404", "210411"]);
    let Check::BuildProgramme(bp) = &p1.check else {
        panic!("P1 kind")
    };
    let counts: Vec<u32> = bp.require.iter().map(|r| r.count).collect();
    assert_eq!(counts, [2, 4, 3, 1, 1]);
    let p2 = parsed.iter().find(|r| r.id == "P2-B1-primary").unwrap();
    assert_eq!(p2.areas, ["210421", "210411", "210404"]);
    // Every kind is used by the preset except none.
    let kinds: std::collections::BTreeSet<&str> = parsed.iter().map(|r| r.check.kind()).collect();
    assert_eq!(kinds.len(), registry().len(), "{kinds:?}");
}

#[test]
fn demo_rules_have_one_rule_of_every_kind() {
    let sc = load_with_include(&manifest("maps/demo/rules.toml"));
    let parsed = rules::parse_rules(&sc).unwrap();
    let kinds: std::collections::BTreeSet<&str> = parsed.iter().map(|r| r.check.kind()).collect();
    for d in registry() {
        assert!(kinds.contains(d.kind), "demo lacks {}", d.kind);
    }
}

#[test]
fn every_registry_example_parses_and_every_doc_renders() {
    for d in registry() {
        let sc = scenario(d.example);
        let parsed = rules::parse_rules(&sc).unwrap_or_else(|e| panic!("{}: {e}", d.kind));
        assert_eq!(parsed[0].check.kind(), d.kind);
        assert!(d.scopes.contains(&parsed[0].scope), "{}", d.kind);
        let doc = render_kind_doc(d.kind).unwrap();
        for part in [
            "## What it checks",
            "## Why it matters",
            "## Parameters",
            "## Threshold",
            "## Example",
        ] {
            assert!(doc.contains(part), "{}: {part}", d.kind);
        }
    }
    assert!(render_kind_doc("nope").is_none());
    assert_eq!(render_kind_list().lines().count(), registry().len());
}

fn parse_err(toml: &str) -> String {
    rules::parse_rules(&scenario(toml)).unwrap_err().to_string()
}

const HEAD: &str = "[[rules]]\nid = \"X1\"\ntitle_zh = \"x\"\ntitle_en = \"x\"\nclause = \"一\"\n";

#[test]
fn unknown_key_names_key_rule_and_file() {
    let e = parse_err(&format!(
        "{HEAD}kind = \"min_count\"\nscope = \"county\"\nfilter = {{}}\nmin = 1\nminimum = 2\n"
    ));
    assert!(e.starts_with("test.toml: [[rules]] #1 (id \"X1\")"), "{e}");
    assert!(e.contains("unknown field `minimum`"), "{e}");
    let e = parse_err(&format!("{HEAD}kind = \"min_count\"\nscope = \"county\"\nfilter = {{ quality = true, colour = 1 }}\nmin = 1\n"));
    assert!(e.contains("`colour`"), "{e}");
}

#[test]
fn bad_kind_scope_value_and_duplicate_id_are_errors() {
    let e = parse_err(&format!("{HEAD}kind = \"max_fun\"\nscope = \"county\"\n"));
    assert!(e.contains("unknown rule kind \"max_fun\""), "{e}");
    let e = parse_err(&format!(
        "{HEAD}kind = \"max_school_size\"\nscope = \"nowhere\"\nmax = 1\n"
    ));
    assert!(e.contains("scope"), "{e}");
    let e = parse_err(&format!("{HEAD}kind = \"build_programme\"\nscope = \"school\"\nrequire = [{{ level = \"primary\", project = \"new\", count = 1 }}]\n"));
    assert!(e.contains("cannot be checked at scope \"school\""), "{e}");
    let e = parse_err(&format!(
        "{HEAD}kind = \"min_share\"\nscope = \"city\"\nfilter = {{}}\nmin = 1.5\n"
    ));
    assert!(
        e.contains("`min`: expected a number in [0, 1], found 1.5"),
        "{e}"
    );
    let e = parse_err(&format!(
        "{HEAD}kind = \"min_coverage\"\nscope = \"city\"\n"
    ));
    assert!(e.contains("missing field `level`"), "{e}");
    let rule = format!("{HEAD}kind = \"max_school_size\"\nscope = \"school\"\nmax = 1\n");
    let e = parse_err(&format!("{rule}{rule}"));
    assert!(e.contains("#2 (id \"X1\")") && e.contains("same id"), "{e}");
}

#[test]
fn sourced_tables_keep_their_file() {
    let mut sc = scenario("");
    let table: toml::Table = toml::from_str(&format!(
        "{HEAD}kind = \"max_school_size\"\nscope = \"school\"\nmax = 1\nx = 1\n"
    ))
    .unwrap();
    let table = table["rules"].as_array().unwrap()[0]
        .as_table()
        .unwrap()
        .clone();
    sc.rules.push(Sourced {
        file: PathBuf::from("presets/city.toml"),
        table,
    });
    let e = rules::parse_rules(&sc).unwrap_err().to_string();
    assert!(e.starts_with("presets/city.toml: [[rules]] #1"), "{e}");
}
