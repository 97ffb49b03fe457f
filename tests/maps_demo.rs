//! Consistency of the synthetic demo map in `maps/demo/` (counts, codes, flags, scenarios) and
//! determinism of its generator.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use schoolplan::config::Scenario;
use serde_json::Value;

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("maps/demo")
}

fn features(file: &str) -> Vec<Value> {
    let path = demo_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(v["type"], "FeatureCollection", "{file}");
    // Every file must also parse with the geojson crate.
    text.parse::<geojson::GeoJson>()
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    v["features"].as_array().expect("features").clone()
}

const LAYERS: [&str; 6] = [
    "counties.geojson",
    "townships.geojson",
    "population.geojson",
    "schools.geojson",
    "candidates.geojson",
    "network.geojson",
];

#[test]
fn layer_counts() {
    assert_eq!(features("counties.geojson").len(), 2);
    assert_eq!(features("townships.geojson").len(), 4);
    assert_eq!(features("population.geojson").len(), 600);
    assert_eq!(features("candidates.geojson").len(), 20);
    let schools = features("schools.geojson");
    assert!((25..=60).contains(&schools.len()));
    let levels: BTreeSet<&str> = schools
        .iter()
        .map(|f| f["properties"]["level"].as_str().unwrap())
        .collect();
    for l in [
        "kindergarten",
        "primary",
        "junior",
        "nine_year",
        "senior",
        "special",
        "vocational",
    ] {
        assert!(levels.contains(l), "no {l} school");
    }
    let status: Vec<&str> = schools
        .iter()
        .filter_map(|f| f["properties"]["status"].as_str())
        .collect();
    assert_eq!(status.iter().filter(|s| **s == "closed").count(), 1);
    assert_eq!(status.iter().filter(|s| **s == "planned").count(), 1);
}

#[test]
fn every_feature_is_synthetic_and_ids_are_unique() {
    for layer in LAYERS {
        let mut ids = BTreeSet::new();
        for f in features(layer) {
            assert_eq!(
                f["properties"]["synthetic"],
                Value::Bool(true),
                "{layer}: {f}"
            );
            let id = f["properties"]
                .get("id")
                .or(f["properties"].get("code"))
                .expect("id or code");
            assert!(ids.insert(id.to_string()), "{layer}: duplicate id {id}");
        }
    }
}

#[test]
fn township_codes_extend_their_county_codes() {
    let counties: BTreeSet<String> = features("counties.geojson")
        .iter()
        .map(|f| f["properties"]["code"].as_str().unwrap().to_string())
        .collect();
    let mut kinds = BTreeSet::new();
    for t in features("townships.geojson") {
        let code = t["properties"]["code"].as_str().unwrap();
        assert_eq!(code.len(), 9);
        assert!(counties.contains(&code[..6]), "{code}");
        kinds.insert(t["properties"]["kind"].as_str().unwrap().to_string());
    }
    assert_eq!(kinds.len(), 3, "street, town and township");
}

#[test]
fn townships_tile_their_counties() {
    use geo::{Area, BooleanOps, MultiPolygon, Polygon};
    let poly = |f: &Value| -> Polygon<f64> {
        let g: geojson::Geometry = serde_json::from_value(f["geometry"].clone()).unwrap();
        Polygon::try_from(g).unwrap()
    };
    let counties = features("counties.geojson");
    let townships = features("townships.geojson");
    for c in &counties {
        let code = c["properties"]["code"].as_str().unwrap();
        let cp = poly(c);
        let parts: Vec<Polygon<f64>> = townships
            .iter()
            .filter(|t| t["properties"]["code"].as_str().unwrap().starts_with(code))
            .map(poly)
            .collect();
        let sum: f64 = parts.iter().map(|p| p.unsigned_area()).sum();
        let union = parts.iter().fold(MultiPolygon::new(vec![]), |acc, p| {
            acc.union(&MultiPolygon::new(vec![p.clone()]))
        });
        let diff = MultiPolygon::new(vec![cp.clone()])
            .xor(&union)
            .unsigned_area();
        assert!(
            (sum - cp.unsigned_area()).abs() < 1e-9,
            "{code}: overlaps or gaps"
        );
        assert!(
            diff < 1e-9,
            "{code}: townships do not tile the county ({diff})"
        );
    }
}

#[test]
fn demo_has_its_deliberate_imperfections() {
    let schools = features("schools.geojson");
    let p = |f: &Value, k: &str| f["properties"][k].as_f64().unwrap_or(0.0);
    // An over-capacity school and 56+ / 66+ classes.
    assert!(schools
        .iter()
        .any(|f| p(f, "enrolment") > p(f, "capacity_seats")));
    let sizes: Vec<u64> = schools
        .iter()
        .flat_map(|f| {
            f["properties"]["class_sizes"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert!(sizes.iter().any(|&s| s >= 66));
    assert!(sizes.iter().filter(|&&s| s >= 56).count() >= 5);
    // class_sizes sum to enrolment and have `classes` entries.
    for f in &schools {
        let cs = f["properties"]["class_sizes"].as_array().unwrap();
        assert_eq!(cs.len() as f64, p(f, "classes"), "{f}");
        assert_eq!(
            cs.iter().map(|v| v.as_f64().unwrap()).sum::<f64>(),
            p(f, "enrolment"),
            "{f}"
        );
    }
    // Inclusive (普惠) kindergarten share under 85 %.
    let kg: Vec<&Value> = schools
        .iter()
        .filter(|f| f["properties"]["level"] == "kindergarten")
        .collect();
    let all: f64 = kg.iter().map(|f| p(f, "enrolment")).sum();
    let inclusive: f64 = kg
        .iter()
        .filter(|f| f["properties"]["inclusive"] == true)
        .map(|f| p(f, "enrolment"))
        .sum();
    assert!(inclusive / all < 0.85);
    // Zero-population cells exist.
    assert!(features("population.geojson")
        .iter()
        .any(|f| p(f, "pop_total") == 0.0));
    // A few barrier edges and one one-way edge.
    let net = features("network.geojson");
    assert!(
        net.iter()
            .filter(|f| f["properties"]["barrier"] == true)
            .count()
            >= 3
    );
    assert_eq!(
        net.iter()
            .filter(|f| f["properties"]["oneway"] == true)
            .count(),
        1
    );
}

#[test]
fn demo_scenarios_load() {
    for file in ["demo.toml", "demo-plan.toml", "demo-network.toml"] {
        let s = Scenario::load(&demo_dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(s.levels.len(), 4, "{file}");
        for spec in [
            &s.layers.schools,
            &s.layers.population,
            &s.layers.counties,
            &s.layers.townships,
            &s.layers.candidates,
            &s.layers.network,
        ] {
            let spec = spec.as_ref().expect("every layer is named");
            assert!(spec.path.exists(), "{file}: {}", spec.path.display());
        }
    }
    let plan = Scenario::load(&demo_dir().join("demo-plan.toml")).unwrap();
    assert_eq!(plan.population.factors.get("pop_3_5"), Some(&0.8));
}

#[test]
fn generator_is_deterministic_and_matches_the_committed_files() {
    let tmp = tempfile::tempdir().unwrap();
    schoolplan_testkit::run_example("generate_demo", &[tmp.path().as_os_str()]);
    for layer in LAYERS {
        let a = std::fs::read(demo_dir().join(layer)).unwrap();
        let b = std::fs::read(tmp.path().join(layer)).unwrap();
        assert!(
            a == b,
            "{layer} differs from a fresh generation: rerun `cargo run --example generate_demo`"
        );
    }
}
