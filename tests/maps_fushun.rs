//! The Fushun map in `maps/fushun/`: real sources copied into the repo, synthetic layers
//! calibrated to them, scenarios that load, and a generator that reproduces the files.
//! Reads only files inside the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use geo::{
    Area, BooleanOps, BoundingRect, Centroid, Contains, Coord, LineString, MultiPolygon, Point,
    Polygon, Validation,
};
use schoolplan::config::Scenario;
use schoolplan::geodesy::datum::Datum;
use schoolplan::geodesy::projection::LocalProjection;
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("maps/fushun")
}

fn json(file: &str) -> Value {
    let path = dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn features(file: &str) -> Vec<Value> {
    json(file)["features"].as_array().expect("features").clone()
}

fn csv_rows(file: &str) -> Vec<BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_path(dir().join("source").join(file)).unwrap();
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn ring(v: &Value, datum: Datum) -> LineString<f64> {
    LineString::new(
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let (x, y) = datum.to_wgs84(c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
                Coord { x, y }
            })
            .collect(),
    )
}

/// A GeoJSON (Multi)Polygon geometry as a WGS 84 MultiPolygon.
fn multipolygon(g: &Value, datum: Datum) -> MultiPolygon<f64> {
    let polys: Vec<&Value> = match g["type"].as_str().unwrap() {
        "MultiPolygon" => g["coordinates"].as_array().unwrap().iter().collect(),
        "Polygon" => vec![&g["coordinates"]],
        t => panic!("unexpected {t}"),
    };
    MultiPolygon::new(
        polys
            .into_iter()
            .map(|p| {
                let rings: Vec<LineString<f64>> = p
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| ring(r, datum))
                    .collect();
                Polygon::new(rings[0].clone(), rings[1..].to_vec())
            })
            .collect(),
    )
}

/// The counties as the scenario loads them: the published GCJ-02 file, converted.
fn counties() -> Vec<(String, MultiPolygon<f64>)> {
    features("source/fushun_districts_datav_gcj02.geojson")
        .iter()
        .map(|f| {
            (
                f["properties"]["adcode"].as_i64().unwrap().to_string(),
                multipolygon(&f["geometry"], Datum::Gcj02),
            )
        })
        .collect()
}

fn metres(m: &MultiPolygon<f64>, p: &LocalProjection) -> MultiPolygon<f64> {
    use geo::MapCoords;
    m.map_coords(|c| {
        let (x, y) = p.to_local(c.x, c.y).unwrap();
        Coord { x, y }
    })
}

fn dist_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let lat = a.1.to_radians();
    let dx = (a.0 - b.0).to_radians() * 6_371_000.0 * lat.cos();
    let dy = (a.1 - b.1).to_radians() * 6_371_000.0;
    (dx * dx + dy * dy).sqrt()
}

#[test]
fn gcj02_boundaries_convert_to_the_wgs84_reference_within_2_m() {
    for (gcj, wgs) in [
        (
            "source/fushun_districts_datav_gcj02.geojson",
            "source/fushun_districts_wgs84.geojson",
        ),
        (
            "source/fushun_city_datav_gcj02.geojson",
            "source/fushun_city_wgs84.geojson",
        ),
    ] {
        let (a, b) = (features(gcj), features(wgs));
        assert_eq!(a.len(), b.len());
        let mut worst: f64 = 0.0;
        let mut n = 0;
        for (fa, fb) in a.iter().zip(&b) {
            assert_eq!(fa["properties"]["adcode"], fb["properties"]["adcode"]);
            let ca = multipolygon(&fa["geometry"], Datum::Gcj02);
            let cb = multipolygon(&fb["geometry"], Datum::Wgs84);
            for (pa, pb) in ca.0.iter().zip(&cb.0) {
                assert_eq!(pa.exterior().0.len(), pb.exterior().0.len());
                for (u, v) in pa.exterior().0.iter().zip(&pb.exterior().0) {
                    worst = worst.max(dist_m((u.x, u.y), (v.x, v.y)));
                    n += 1;
                }
            }
        }
        println!("{gcj}: {n} vertices, worst {worst:.3} m");
        assert!(n > 400, "{gcj}: {n} vertices");
        assert!(
            worst < 2.0,
            "{gcj}: worst vertex {worst:.3} m from the WGS-84 reference"
        );
    }
}

#[test]
fn county_populations_match_the_census() {
    let census: BTreeMap<String, f64> = csv_rows("fushun_census2020_by_county.csv")
        .into_iter()
        .map(|r| (r["code"].clone(), r["pop_2020_census"].parse().unwrap()))
        .collect();
    let counties = counties();
    let bbs: Vec<geo::Rect<f64>> = counties
        .iter()
        .map(|c| c.1.bounding_rect().unwrap())
        .collect();
    let mut got: BTreeMap<String, f64> = BTreeMap::new();
    let mut cohorts = [0.0f64; 4];
    for f in features("population.geojson") {
        let p = &f["properties"];
        let c = multipolygon(&f["geometry"], Datum::Wgs84)
            .centroid()
            .unwrap();
        let k = (0..counties.len()).find(|&i| {
            let r = bbs[i];
            r.min().x <= c.x()
                && c.x() <= r.max().x
                && r.min().y <= c.y()
                && c.y() <= r.max().y
                && counties[i].1.contains(&c)
        });
        let total = p["pop_total"].as_f64().unwrap();
        let Some(k) = k else {
            assert_eq!(
                total, 0.0,
                "cell {} outside every county has people",
                p["id"]
            );
            continue;
        };
        *got.entry(counties[k].0.clone()).or_default() += total;
        for (q, field) in ["pop_3_5", "pop_6_11", "pop_12_14", "pop_15_17"]
            .iter()
            .enumerate()
        {
            cohorts[q] += p[field].as_f64().unwrap();
        }
    }
    for (code, census) in &census {
        let g = got.get(code).copied().unwrap_or(0.0);
        assert!(
            (g - census).abs() <= 0.005 * census,
            "{code}: generated {g} vs census {census}"
        );
    }
    // City cohorts follow the census estimates (3–5 ≈ 32,530; 6–11 ≈ 71,151; 12–14 ≈ 36,387).
    for (q, expected) in [32_530.0, 71_151.0, 36_387.0].iter().enumerate() {
        assert!(
            (cohorts[q] - expected).abs() < 0.01 * expected,
            "cohort {q}: {}",
            cohorts[q]
        );
    }
}

#[test]
fn townships_match_the_official_list() {
    let official: BTreeMap<String, (String, String)> = csv_rows("fushun_townships.csv")
        .into_iter()
        .map(|r| (r["code"].clone(), (r["name"].clone(), r["type"].clone())))
        .collect();
    assert_eq!(official.len(), 72);
    let ts = features("townships.geojson");
    assert_eq!(ts.len(), 72);
    let mut seen = BTreeSet::new();
    for t in &ts {
        let p = &t["properties"];
        let code = p["code"].as_str().unwrap();
        let (name, kind_zh) = official
            .get(code)
            .unwrap_or_else(|| panic!("{code} not in the official list"));
        assert_eq!(p["name"].as_str().unwrap(), name);
        let kind = match kind_zh.as_str() {
            "街道" => "street",
            "镇" => "town",
            _ => "township",
        };
        assert_eq!(p["kind"].as_str().unwrap(), kind, "{code}");
        assert!(seen.insert(code.to_string()));
    }
}

#[test]
fn township_polygons_are_valid_disjoint_and_tile_their_counties() {
    let proj = LocalProjection::new(124.57, 41.857).unwrap();
    let counties = counties();
    let ts: Vec<(String, MultiPolygon<f64>)> = features("townships.geojson")
        .iter()
        .map(|f| {
            (
                f["properties"]["code"].as_str().unwrap().to_string(),
                multipolygon(&f["geometry"], Datum::Wgs84),
            )
        })
        .collect();
    for (code, mp) in &ts {
        let errors = mp.validation_errors();
        assert!(errors.is_empty(), "{code}: {errors:?}");
        let c = mp.centroid().unwrap();
        let county = counties
            .iter()
            .find(|(cc, _)| code.starts_with(cc.as_str()))
            .unwrap();
        assert!(county.1.contains(&c), "{code}: centroid outside its county");
    }
    for (ccode, cpoly) in &counties {
        let cm = metres(cpoly, &proj);
        let parts: Vec<MultiPolygon<f64>> = ts
            .iter()
            .filter(|(c, _)| c.starts_with(ccode.as_str()))
            .map(|(_, m)| metres(m, &proj))
            .collect();
        let sum: f64 = parts.iter().map(|m| m.unsigned_area()).sum();
        // No overlaps: pairwise intersections are below 100 m² (rounding slivers).
        for i in 0..parts.len() {
            for j in i + 1..parts.len() {
                let a = parts[i].intersection(&parts[j]).unsigned_area();
                assert!(
                    a < 100.0,
                    "{ccode}: townships {i} and {j} overlap by {a:.0} m²"
                );
            }
        }
        // Inside the county and covering it: the area outside is tiny, the sum matches.
        // (Rounding to 1e-6° moves border vertices by up to 0.1 m: allow 1e-5 of the area.)
        let ca = cm.unsigned_area();
        let outside: f64 = parts
            .iter()
            .map(|m| m.difference(&cm).unsigned_area())
            .sum();
        assert!(
            outside < 1e-5 * ca,
            "{ccode}: {outside:.0} m² of townships outside the county"
        );
        assert!(
            (sum - ca).abs() < 1e-4 * ca,
            "{ccode}: townships {sum:.0} m² vs county {ca:.0} m²"
        );
    }
}

#[test]
fn every_generated_feature_is_synthetic() {
    for file in [
        "townships.geojson",
        "population.geojson",
        "schools.geojson",
        "candidates.geojson",
        "network.geojson",
    ] {
        let fs = features(file);
        assert!(!fs.is_empty(), "{file}");
        let mut ids = BTreeSet::new();
        for f in &fs {
            assert_eq!(
                f["properties"]["synthetic"],
                Value::Bool(true),
                "{file}: {}",
                f["properties"]
            );
            let id = f["properties"]
                .get("id")
                .or(f["properties"].get("code"))
                .unwrap()
                .to_string();
            assert!(ids.insert(id.clone()), "{file}: duplicate id {id}");
            // Coordinates are rounded to 1e-6°.
            let text = f["geometry"]["coordinates"].to_string();
            for num in text
                .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .filter(|s| s.contains('.'))
            {
                assert!(num.split('.').nth(1).unwrap().len() <= 6, "{file}: {num}");
            }
        }
    }
}

#[test]
fn schools_are_calibrated_and_deliberately_imperfect() {
    let schools = features("schools.geojson");
    let p = |f: &Value, k: &str| f["properties"][k].as_f64().unwrap_or(0.0);
    let level = |f: &Value| f["properties"]["level"].as_str().unwrap().to_string();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for f in &schools {
        *count.entry(level(f)).or_default() += 1;
        let sizes: Vec<f64> = f["properties"]["class_sizes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(
            sizes.len() as f64,
            p(f, "classes"),
            "{}",
            f["properties"]["id"]
        );
        assert_eq!(
            sizes.iter().sum::<f64>(),
            p(f, "enrolment"),
            "{}",
            f["properties"]["id"]
        );
    }
    assert!((200..=450).contains(&count["kindergarten"]), "{count:?}");
    assert!((70..=130).contains(&count["primary"]), "{count:?}");
    assert!((35..=70).contains(&count["junior"]), "{count:?}");
    assert!(
        count["nine_year"] >= 5 && count["special"] >= 1 && count["vocational"] >= 1,
        "{count:?}"
    );
    let seniors: Vec<&Value> = schools.iter().filter(|f| level(f) == "senior").collect();
    assert!((15..=25).contains(&seniors.len()));
    assert_eq!(
        seniors
            .iter()
            .filter(|f| f["properties"]["quality"] == true)
            .count(),
        11
    );
    // Preschool shares below the plan's 2025 targets (public 50 %, 普惠 85 %).
    let kg: Vec<&Value> = schools
        .iter()
        .filter(|f| level(f) == "kindergarten")
        .collect();
    let all: f64 = kg.iter().map(|f| p(f, "enrolment")).sum();
    let public: f64 = kg
        .iter()
        .filter(|f| f["properties"]["ownership"] == "public")
        .map(|f| p(f, "enrolment"))
        .sum();
    let inclusive: f64 = kg
        .iter()
        .filter(|f| f["properties"]["inclusive"] == true)
        .map(|f| p(f, "enrolment"))
        .sum();
    assert!(
        public / all < 0.5 && public / all > 0.35,
        "public {}",
        public / all
    );
    assert!(inclusive / all < 0.85, "inclusive {}", inclusive / all);
    assert!(
        kg.iter()
            .any(|f| f["properties"]["inclusive"] == true
                && f["properties"]["ownership"] == "private")
    );
    // Large classes, over-capacity and under-used schools.
    let sizes: Vec<f64> = schools
        .iter()
        .flat_map(|f| f["properties"]["class_sizes"].as_array().unwrap().clone())
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(sizes.iter().any(|&s| s >= 66.0));
    assert!(sizes.iter().filter(|&&s| s >= 56.0).count() >= 10);
    assert!(
        schools
            .iter()
            .filter(|f| p(f, "enrolment") > p(f, "capacity_seats"))
            .count()
            >= 10
    );
    assert!(
        schools
            .iter()
            .filter(|f| p(f, "enrolment") < 0.5 * p(f, "capacity_seats"))
            .count()
            >= 10
    );
    assert!(schools.iter().any(|f| f["properties"]["boarding"] == true));
    // Special education: one county over 300,000 residents (望花区) has none (rule P4 fails).
    let counties = counties();
    let special_in = |code: &str| {
        let c = &counties.iter().find(|c| c.0 == code).unwrap().1;
        schools.iter().filter(|f| level(f) == "special").any(|f| {
            let xy = &f["geometry"]["coordinates"];
            c.contains(&Point::new(
                xy[0].as_f64().unwrap(),
                xy[1].as_f64().unwrap(),
            ))
        })
    };
    assert!(!special_in("210404"));
    assert!(special_in("210411"));
    // Every school lies in a county.
    for f in &schools {
        let xy = &f["geometry"]["coordinates"];
        let pt = Point::new(xy[0].as_f64().unwrap(), xy[1].as_f64().unwrap());
        assert!(
            counties.iter().any(|c| c.1.contains(&pt)),
            "{} outside the city",
            f["properties"]["id"]
        );
    }
    // Rural townships (镇/乡) without a quality public kindergarten exist.
    let cal = json("calibration.json");
    assert!(!cal["rural_townships_without_quality_public_kindergarten"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn candidates_and_network_have_their_properties() {
    let cands = features("candidates.geojson");
    assert!((200..=500).contains(&cands.len()));
    for c in &cands {
        assert!(!c["properties"]["levels"].as_array().unwrap().is_empty());
        assert!(c["properties"]["cost"].as_f64().unwrap() > 0.0);
        assert!(c["properties"]["max_classes"].as_u64().unwrap() > 0);
    }
    let net = features("network.geojson");
    assert!(net.len() > 500);
    assert!(
        net.iter()
            .filter(|e| e["properties"]["barrier"] == true)
            .count()
            >= 5
    );
    assert!(net
        .iter()
        .all(|e| e["properties"]["speed_kmh"].as_f64().unwrap() > 0.0));
}

#[test]
fn scenarios_load_and_stand_alone() {
    for file in [
        "baseline-2020.toml",
        "plan-2025.toml",
        "births-decline.toml",
    ] {
        let s = Scenario::load(&dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let counties = s.layers.counties.as_ref().unwrap();
        assert_eq!(counties.datum, Datum::Gcj02);
        assert_eq!(counties.code_field.as_deref(), Some("adcode"));
        for spec in [
            &s.layers.schools,
            &s.layers.population,
            &s.layers.counties,
            &s.layers.townships,
            &s.layers.candidates,
            &s.layers.network,
        ] {
            let path = &spec.as_ref().unwrap().path;
            assert!(path.exists(), "{file}: {}", path.display());
            assert!(
                !path.to_string_lossy().contains("shared"),
                "{file}: reads outside the repo"
            );
        }
        assert_eq!(s.levels.len(), 4);
    }
    let d = Scenario::load(&dir().join("births-decline.toml")).unwrap();
    assert!(d.population.factors["pop_3_5"] <= 0.70);
}

#[test]
fn generator_reproduces_the_committed_files() {
    let tmp = tempfile::tempdir().unwrap();
    schoolplan_testkit::run_example(
        "generate_fushun",
        &[
            "--seed".as_ref(),
            "2021".as_ref(),
            "--out".as_ref(),
            tmp.path().as_os_str(),
        ],
    );
    for f in [
        "townships.geojson",
        "population.geojson",
        "schools.geojson",
        "candidates.geojson",
        "network.geojson",
        "calibration.json",
        "forecast/census-2020-ages.csv",
    ] {
        let a = std::fs::read(dir().join(f)).unwrap();
        let b = std::fs::read(tmp.path().join(f)).unwrap();
        assert!(a == b, "{f} differs from a fresh generation with seed 2021: rerun `cargo run --release --example generate_fushun -- --seed 2021`");
    }
}
