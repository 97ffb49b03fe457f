//! OpenStreetMap roads read from `.osm.pbf` files written by an independent tool: osmium-tool
//! (libosmium) converted the OSM XML fixtures (`bash maps/make-osm.sh`):
//!
//! - `tests/data/osm/tags.osm(.pbf)`: hand-written ways, one per tag combination the reader
//!   interprets (speeds, `maxspeed` forms, one-way forms, barriers, skipped kinds, a missing
//!   node);
//! - `maps/demo/formats/network.osm(.pbf)`: the demo's road grid as OSM would tag it (streets
//!   spanning several blocks, a railway with level crossings): the demo run along those roads
//!   gives the same coverage and findings as along `network.geojson`, in metres and in minutes,
//!   with primary pupils avoiding barriers.
//!
//! The committed `.pbf` files are read on every run. The last test converts the XML again with
//! osmium and checks that the reader sees the same roads; it skips (with a note) when osmium is
//! not installed, but fails when the `CI` environment variable is set (CI installs
//! `osmium-tool`).

use std::path::{Path, PathBuf};
use std::process::Command;

use geo::{Coord, Geometry};
use schoolplan::config::LayerSpec;
use schoolplan::io::features::{FeatureRecord, FileProblems};
use schoolplan::io::formats::read_records;
use schoolplan_testkit::runs::{coverages, run_outputs};
use serde_json::{json, Value};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &Path) -> (Vec<FeatureRecord>, FileProblems) {
    let spec = LayerSpec {
        path: path.to_path_buf(),
        ..LayerSpec::default()
    };
    let mut fp = FileProblems::new(path);
    let recs = read_records(&spec, "id", None, &mut fp).expect("the file reads");
    (recs, fp)
}

fn by_id(recs: &[FeatureRecord]) -> std::collections::BTreeMap<String, &FeatureRecord> {
    recs.iter()
        .map(|r| (r.props["id"].as_str().unwrap().to_string(), r))
        .collect()
}

fn line(r: &FeatureRecord) -> Vec<(f64, f64)> {
    match r.geometry.as_ref().unwrap() {
        Geometry::LineString(l) => l.0.iter().map(|c: &Coord<f64>| (c.x, c.y)).collect(),
        g => panic!("{g:?}"),
    }
}

#[test]
fn tags_of_an_osmium_file_become_speeds_one_ways_and_barriers() {
    let (recs, fp) = read(&Path::new(ROOT).join("tests/data/osm/tags.osm.pbf"));
    let w = by_id(&recs);
    let prop = |id: &str, k: &str| w[id].props.get(k).cloned().unwrap_or(Value::Null);
    // (id, highway, speed_kmh, oneway, barrier), written from the tags in tags.osm.
    let expected = [
        ("w101", "motorway", json!(100), true, true),
        ("w102", "trunk_link", json!(40), false, true),
        ("w104", "residential", json!(30), true, false),
        ("w105", "tertiary", json!(40), true, false),
        ("w106", "footway", Value::Null, false, false),
        ("w109", "residential", json!(30), false, false),
        ("w110", "service", json!(20), false, false),
        ("w111-1", "residential", json!(30), false, true),
        ("w111-2", "residential", json!(30), false, false),
        ("w112", "unclassified", json!(40), false, false),
        ("w114", "living_street", json!(10), true, false),
    ];
    for (id, highway, speed, oneway, barrier) in &expected {
        assert!(w.contains_key(*id), "{id} missing; read {:?}", w.keys());
        assert_eq!(prop(id, "highway"), json!(highway), "{id}");
        assert_eq!(prop(id, "speed_kmh"), *speed, "{id}");
        assert_eq!(prop(id, "oneway"), json!(oneway), "{id}");
        assert_eq!(prop(id, "barrier"), json!(barrier), "{id}");
    }
    // 30 mph signed on a primary road.
    let mph = prop("w103", "speed_kmh").as_f64().unwrap();
    assert!((mph - 30.0 * 1.609_344).abs() < 1e-9, "{mph}");
    assert_eq!(prop("w103", "name"), json!("抚顺大街"));
    // Not roads: construction, proposed, a building, a railway.
    for id in ["w107", "w108", "w113", "w115"] {
        assert!(!w.contains_key(id), "{id} should be skipped");
    }
    assert_eq!(recs.len(), expected.len() + 1);
    // oneway=-1: digitised 5 → 6 → 7, read 7 → 6 → 5.
    assert_eq!(
        line(w["w104"]),
        vec![(123.952, 41.881), (123.951, 41.881), (123.95, 41.881)]
    );
    // The level crossing at node 12 closes the two blocks either side of it.
    assert_eq!(
        line(w["w111-1"]),
        vec![(123.95, 41.884), (123.951, 41.884), (123.952, 41.884)]
    );
    assert_eq!(
        line(w["w111-2"]),
        vec![(123.952, 41.884), (123.953, 41.884)]
    );
    // The reference to the missing node 999 is one warning; the way keeps its two nodes.
    assert_eq!(line(w["w109"]).len(), 2);
    assert_eq!(fp.problems.len(), 1, "{:?}", fp.problems);
    assert!(!fp.problems[0].is_error());
    assert!(fp.problems[0].found.contains("1 node reference"));
}

/// The demo along its roads from `network.geojson` and from the osmium-written PBF, with the
/// scenario text `body` (distance and levels) added to `demo-network.toml`.
fn compare_networks(body: &str) {
    let dir = tempfile::tempdir().unwrap();
    let demo = format!("{ROOT}/maps/demo/demo-network.toml");
    let pbf = format!("{ROOT}/maps/demo/formats/network.osm.pbf");
    let common = body;
    let write = |name: &str, body: &str| -> PathBuf {
        let p = dir.path().join(format!("{name}.toml"));
        std::fs::write(&p, format!("extends = {demo:?}\nname = {name:?}\n{body}")).unwrap();
        p
    };
    let a = write("geojson", common);
    let b = write(
        "osm",
        &format!("{common}\n[layers.network]\npath = {pbf:?}\ndatum = \"wgs84\"\n"),
    );
    let (sa, fa) = run_outputs(&a, &dir.path().join("a"));
    let (sb, fb) = run_outputs(&b, &dir.path().join("b"));
    let (ca, cb) = (coverages(&sa), coverages(&sb));
    assert_eq!(ca.len(), 4);
    for ((la, x), (lb, y)) in ca.iter().zip(&cb) {
        assert_eq!(la, lb);
        assert!(
            (x - y).abs() <= 0.0005,
            "{body}: {la} coverage {x} along the GeoJSON roads, {y} along the OSM roads"
        );
    }
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(x, y, "{body}: a finding differs along the OSM roads");
    }
}

#[test]
fn demo_along_osm_roads_matches_the_geojson_network_in_metres() {
    compare_networks(
        "[distance]\nmode = \"network\"\nunit = \"m\"\nsnap_max_m = 400\n\
        [levels.primary]\navoid_barriers = true\n",
    );
}

#[test]
fn demo_along_osm_roads_matches_the_geojson_network_in_minutes() {
    // Minutes use every road's speed: residential 30, tertiary 40, the arterial's maxspeed 50.
    let minutes = "[distance]\nmode = \"network\"\nunit = \"min\"\nsnap_max_m = 400\n\
        [levels.kindergarten]\nradius_min = 4\n\
        [levels.primary]\nradius_min = 6\navoid_barriers = true\n\
        [levels.junior]\nradius_min = 8\n[levels.senior]\nradius_min = 12\n";
    compare_networks(minutes);
}

#[test]
fn osmium_regenerates_the_committed_fixtures() {
    let skipped = "the osmium regeneration test";
    if !schoolplan_testkit::tools::have(&["osmium"], "osmium-tool", skipped) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (xml, pbf) in [
        ("tests/data/osm/tags.osm", "tests/data/osm/tags.osm.pbf"),
        (
            "maps/demo/formats/network.osm",
            "maps/demo/formats/network.osm.pbf",
        ),
    ] {
        let fresh = dir.path().join("fresh.osm.pbf");
        let o = Command::new("osmium")
            .args(["cat", "--no-progress", "-O"])
            .arg(Path::new(ROOT).join(xml))
            .arg("-o")
            .arg(&fresh)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let (a, _) = read(&Path::new(ROOT).join(pbf));
        let (b, _) = read(&fresh);
        assert!(!a.is_empty());
        assert_eq!(a.len(), b.len(), "{pbf}");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.props, y.props, "{pbf}");
            assert_eq!(x.geometry, y.geometry, "{pbf}");
        }
    }
}
