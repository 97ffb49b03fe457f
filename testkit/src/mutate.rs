//! Seeded mutation of a scenario folder: the engine of `tests/mutation_fuzz.rs` (a bounded
//! number of seeds, in CI) and of `examples/fuzz_inputs.rs` (as many as you like).
//!
//! A [`Workspace`] is a copy of `maps/demo` plus a matrix-mode scenario with its cost matrix
//! and a network scenario with a proposal request, so that every layer kind (schools,
//! population, counties, townships, candidates, network, matrix CSV), the scenario TOML and
//! the rule preset are read. [`Workspace::mutate`] damages one or more of those files —
//! structurally (hostile values in properties and coordinates, wrong geometry types, deleted
//! or duplicated features, hostile scenario keys) more often than byte by byte, since byte
//! damage mostly stops at the JSON parser. [`Workspace::analyse`] runs the whole analysis
//! in-process and writes the outputs; it returns a description of any panic or any broken
//! invariant (coverage outside [0, 1], non-finite figures).

use std::path::{Path, PathBuf};

use schoolplan::rng::SplitMix;
use serde_json::{json, Value};

/// The files a round may damage, relative to the workspace.
pub const TARGETS: [&str; 10] = [
    "schools.geojson",
    "population.geojson",
    "counties.geojson",
    "townships.geojson",
    "candidates.geojson",
    "network.geojson",
    "matrix.csv",
    "demo.toml",
    "fuzz-network.toml",
    "rules.toml",
];

/// The scenarios analysed each round.
pub const SCENARIOS: [&str; 3] = ["demo.toml", "fuzz-network.toml", "fuzz-matrix.toml"];

/// A scratch copy of the demo map with the extra scenarios.
pub struct Workspace {
    /// The scratch folder (removed when dropped).
    pub dir: tempfile::TempDir,
    originals: Vec<(PathBuf, Vec<u8>)>,
}

fn centre(g: &Value) -> Option<(f64, f64)> {
    let mut v = &g["coordinates"];
    while v.get(0).is_some_and(Value::is_array) {
        v = &v[0];
    }
    Some((v.get(0)?.as_f64()?, v.get(1)?.as_f64()?))
}

impl Workspace {
    /// A copy of `maps/demo` (from the crate root `root`) with `fuzz-network.toml` and
    /// `fuzz-matrix.toml` (and its `matrix.csv`) added.
    pub fn new(root: &Path) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let demo = root.join("maps/demo");
        for e in std::fs::read_dir(&demo).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
            }
        }
        let w = dir.path();
        std::fs::write(
            w.join("fuzz-network.toml"),
            "extends = \"demo.toml\"\nname = \"fuzz-network\"\n[distance]\nmode = \"network\"\nsnap_max_m = 400\n\n[[proposals]]\nid = \"F1\"\nlevel = \"primary\"\nnew_sites = 2\nexpansions = 1\ntime_limit_s = 0.3\n",
        )
        .unwrap();
        std::fs::write(
            w.join("fuzz-matrix.toml"),
            "extends = \"demo.toml\"\nname = \"fuzz-matrix\"\n[distance]\nmode = \"matrix\"\n[layers.matrix]\npath = \"matrix.csv\"\n",
        )
        .unwrap();
        // A cost matrix: every cell to every school within ~3 km, cost = degree distance × 85 km.
        let read = |f: &str| -> Value {
            serde_json::from_slice(&std::fs::read(w.join(f)).unwrap()).unwrap()
        };
        let (pop, schools) = (read("population.geojson"), read("schools.geojson"));
        let mut csv = String::from("origin_id,destination_id,cost\n");
        for c in pop["features"].as_array().unwrap() {
            let Some((cx, cy)) = centre(&c["geometry"]) else {
                continue;
            };
            for s in schools["features"].as_array().unwrap() {
                let Some((sx, sy)) = centre(&s["geometry"]) else {
                    continue;
                };
                let d = ((cx - sx).powi(2) + (cy - sy).powi(2)).sqrt() * 85_000.0;
                if d < 3000.0 {
                    csv.push_str(&format!(
                        "{},{},{:.1}\n",
                        c["properties"]["id"].as_str().unwrap(),
                        s["properties"]["id"].as_str().unwrap(),
                        d
                    ));
                }
            }
        }
        std::fs::write(w.join("matrix.csv"), csv).unwrap();
        let originals = TARGETS
            .iter()
            .map(|t| (w.join(t), std::fs::read(w.join(t)).unwrap()))
            .collect();
        Workspace { dir, originals }
    }

    /// Puts every file back as it was.
    pub fn restore(&self) {
        for (p, bytes) in &self.originals {
            std::fs::write(p, bytes).unwrap();
        }
    }

    /// Damages 1–3 files; returns what was done, for the failure message.
    pub fn mutate(&self, rng: &mut SplitMix) -> Vec<String> {
        let mut log = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let k = rng.below(TARGETS.len());
            let (path, _) = &self.originals[k];
            let bytes = std::fs::read(path).unwrap();
            let name = TARGETS[k];
            let structural = rng.below(5) != 0;
            let (out, what) = if structural && name.ends_with(".geojson") {
                geojson(&bytes, rng)
            } else if structural && name.ends_with(".toml") {
                scenario(&bytes, rng)
            } else if structural && name.ends_with(".csv") {
                matrix(&bytes, rng)
            } else {
                (bytes_level(&bytes, rng), "byte damage".to_string())
            };
            std::fs::write(path, out).unwrap();
            log.push(format!("{name}: {what}"));
        }
        log
    }

    /// Analyses every scenario and writes the outputs of those that can run; `Err` describes
    /// a panic or a broken invariant.
    pub fn analyse(&self) -> Result<(usize, usize), String> {
        let (mut ran, mut refused) = (0, 0);
        for sc in SCENARIOS {
            let path = self.dir.path().join(sc);
            let out = self.dir.path().join(format!("out-{sc}"));
            let result = std::panic::catch_unwind(|| -> Result<Option<String>, String> {
                match schoolplan::pipeline::analyse(&path, &mut |_| {}) {
                    Err(e) => {
                        let msg = e.to_string();
                        if msg.trim().is_empty() {
                            return Err("an empty error message".into());
                        }
                        Ok(None)
                    }
                    Ok(a) => {
                        for l in &a.coverage.levels {
                            let c = l.coverage();
                            let sane = c.is_finite()
                                && (0.0..=1.0 + 1e-9).contains(&c)
                                && l.total_demand.is_finite()
                                && l.total_demand >= 0.0;
                            if !sane {
                                return Err(format!(
                                    "{}: coverage {c}, demand {}",
                                    l.level, l.total_demand
                                ));
                            }
                        }
                        let opts = schoolplan::report::OutputOptions {
                            force: true,
                            ..Default::default()
                        };
                        schoolplan::cli::run::write_outputs(&a, &out, a.scenario.language, opts)
                            .map_err(|e| format!("writing outputs failed: {e}"))?;
                        Ok(Some(sc.to_string()))
                    }
                }
            });
            match result {
                Err(p) => {
                    let msg = p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    return Err(format!("{sc}: panic: {msg}"));
                }
                Ok(Err(e)) => return Err(format!("{sc}: {e}")),
                Ok(Ok(Some(_))) => ran += 1,
                Ok(Ok(None)) => refused += 1,
            }
        }
        Ok((ran, refused))
    }
}

/// Byte-level damage: deleted, replaced or inserted bytes, truncation.
pub fn bytes_level(bytes: &[u8], rng: &mut SplitMix) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for _ in 0..1 + rng.below(4) {
        if b.is_empty() {
            break;
        }
        let i = rng.below(b.len());
        match rng.below(4) {
            0 => {
                b.remove(i);
            }
            1 => b[i] = b"0123456789-.eE,[]{}\":nul "[rng.below(25)],
            2 => b.insert(i, b"-9e999,[]{}\"\\"[rng.below(13)]),
            _ => b.truncate(i),
        }
    }
    b
}

/// Hostile JSON values.
fn hostile_value(rng: &mut SplitMix) -> Value {
    match rng.below(18) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1),
        3 => json!(0),
        4 => json!(1e300),
        5 => json!(-1e300),
        6 => json!(1e-300),
        7 => json!(""),
        8 => json!("=HYPERLINK(\"http://x\")"),
        9 => json!("<script>alert(1)</script>"),
        10 => json!([]),
        11 => json!({}),
        12 => json!([1]),
        13 => json!(u64::MAX),
        14 => json!("x".repeat(10_000)),
        15 => json!("\u{0}\u{7}\u{202E}"),
        16 => json!(2.5),
        _ => json!("primary"),
    }
}

/// Hostile coordinate arrays.
fn hostile_coordinates(rng: &mut SplitMix) -> Value {
    match rng.below(12) {
        0 => json!([]),
        1 => json!([[]]),
        2 => json!([123.9]),
        3 => json!([[123.9]]),
        4 => json!([null, 41.8]),
        5 => json!([1e300, 41.8]),
        6 => json!([0.0, 0.0]),
        7 => json!([41.85, 123.9]),
        8 => json!([[
            [123.9, 41.85],
            [123.9, 41.85],
            [123.9, 41.85],
            [123.9, 41.85]
        ]]),
        9 => json!("123.9,41.8"),
        10 => json!([[[[[[123.9, 41.8]]]]]]),
        _ => json!([
            [123.9, 41.85],
            [123.91, 41.86],
            [123.9, 41.86],
            [123.91, 41.85],
            [123.9, 41.85]
        ]),
    }
}

const GEOMETRY_TYPES: [&str; 8] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
    "Feature",
];

const KEYS: [&str; 16] = [
    "id",
    "name",
    "level",
    "ownership",
    "status",
    "capacity_seats",
    "enrolment",
    "classes",
    "class_sizes",
    "pop_total",
    "pop_6_11",
    "code",
    "kind",
    "levels",
    "speed_kmh",
    "oneway",
];

/// Walks into a random nested array of `v` (at most `depth` levels).
fn random_array<'a>(v: &'a mut Value, rng: &mut SplitMix, depth: usize) -> &'a mut Value {
    if depth == 0
        || !v
            .as_array()
            .is_some_and(|a| !a.is_empty() && a[0].is_array())
    {
        return v;
    }
    let n = v.as_array().map_or(0, Vec::len);
    let i = rng.below(n);
    random_array(&mut v[i], rng, depth - 1)
}

/// Structural GeoJSON damage.
pub fn geojson(bytes: &[u8], rng: &mut SplitMix) -> (Vec<u8>, String) {
    let Ok(mut v) = serde_json::from_slice::<Value>(bytes) else {
        return (bytes_level(bytes, rng), "byte damage (not JSON)".into());
    };
    let n = v["features"].as_array().map_or(0, Vec::len);
    if n == 0 {
        return (bytes_level(bytes, rng), "byte damage (no features)".into());
    }
    let i = rng.below(n);
    let what;
    {
        let feats = v["features"].as_array_mut().unwrap();
        match rng.below(9) {
            0 => {
                let key = KEYS[rng.below(KEYS.len())];
                let val = hostile_value(rng);
                what = format!("feature {i}: {key} = {val}");
                feats[i]["properties"][key] = val;
            }
            1 => {
                let c = hostile_coordinates(rng);
                what = format!("feature {i}: coordinates = {c}");
                feats[i]["geometry"]["coordinates"] = c;
            }
            2 => {
                let depth = rng.below(4);
                let c = hostile_coordinates(rng);
                let g = &mut feats[i]["geometry"]["coordinates"];
                let target = random_array(g, rng, depth);
                if let Some(a) = target.as_array_mut().filter(|a| !a.is_empty()) {
                    let k = rng.below(a.len());
                    what = format!("feature {i}: a position at depth {depth} = {c}");
                    a[k] = c;
                } else {
                    what = format!("feature {i}: coordinates = {c}");
                    *target = c;
                }
            }
            3 => {
                let t = GEOMETRY_TYPES[rng.below(GEOMETRY_TYPES.len())];
                what = format!("feature {i}: geometry type {t}");
                feats[i]["geometry"]["type"] = json!(t);
            }
            4 => {
                what = format!("feature {i}: removed");
                feats.remove(i);
            }
            5 => {
                what = format!("feature {i}: duplicated");
                let f = feats[i].clone();
                feats.push(f);
            }
            6 => {
                what = format!("feature {i}: geometry null");
                feats[i]["geometry"] = Value::Null;
            }
            7 => {
                let val = hostile_value(rng);
                what = format!("feature {i}: properties = {val}");
                feats[i]["properties"] = val;
            }
            _ => {
                // A position far away, or every position of a ring shifted a little.
                let dx = [0.0, 0.001, 5.0, 180.0][rng.below(4)];
                what = format!("feature {i}: shifted by {dx}°");
                shift(&mut feats[i]["geometry"]["coordinates"], dx);
            }
        }
    }
    (serde_json::to_vec(&v).unwrap(), what)
}

fn shift(v: &mut Value, dx: f64) {
    match v {
        Value::Array(a) if a.first().is_some_and(Value::is_number) => {
            if let Some(x) = a[0].as_f64() {
                a[0] = json!(x + dx);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| shift(x, dx)),
        _ => {}
    }
}

/// Scenario keys and hostile values for them.
const SCENARIO_KEYS: [&str; 16] = [
    "name",
    "language",
    "year",
    "include",
    "extends",
    "distance.mode",
    "distance.unit",
    "distance.snap_max_m",
    "distance.walk_speed_kmh",
    "levels.primary.radius_m",
    "levels.primary.cohort_field",
    "levels.kindergarten.class_size",
    "levels.junior.enrolment_rate",
    "accessibility.catchment_factor",
    "population.factors.pop_3_5",
    "outputs.dir",
];

fn hostile_toml(rng: &mut SplitMix) -> toml::Value {
    match rng.below(14) {
        0 => toml::Value::Float(f64::NAN),
        1 => toml::Value::Float(f64::INFINITY),
        2 => toml::Value::Float(1e300),
        3 => toml::Value::Integer(-1),
        4 => toml::Value::Integer(0),
        5 => toml::Value::String(String::new()),
        6 => toml::Value::String("../../victim".into()),
        7 => toml::Value::String("demo.toml".into()),
        8 => toml::Value::Array(vec![]),
        9 => toml::Value::Array(vec![toml::Value::String("demo.toml".into())]),
        10 => toml::Value::String("network".into()),
        11 => toml::Value::String("min".into()),
        12 => toml::Value::Boolean(true),
        _ => toml::Value::String("pop_6_1".into()),
    }
}

/// Structural damage of a scenario or a rule preset.
pub fn scenario(bytes: &[u8], rng: &mut SplitMix) -> (Vec<u8>, String) {
    let Ok(mut t) = std::str::from_utf8(bytes)
        .map_err(|_| ())
        .and_then(|s| s.parse::<toml::Table>().map_err(|_| ()))
    else {
        return (bytes_level(bytes, rng), "byte damage (not TOML)".into());
    };
    let what = if let Some(rules) = t.get_mut("rules").and_then(|r| r.as_array_mut()) {
        // A rule preset: damage one rule.
        let i = rng.below(rules.len().max(1));
        let keys = [
            "min",
            "max",
            "scope",
            "areas",
            "kind",
            "id",
            "filter",
            "threshold",
        ];
        let key = keys[rng.below(keys.len())];
        let val = hostile_toml(rng);
        if let Some(r) = rules.get_mut(i).and_then(|r| r.as_table_mut()) {
            r.insert(key.into(), val.clone());
        }
        format!("rule {i}: {key} = {val}")
    } else {
        let key = SCENARIO_KEYS[rng.below(SCENARIO_KEYS.len())];
        let val = hostile_toml(rng);
        let mut table = &mut t;
        let parts: Vec<&str> = key.split('.').collect();
        for p in &parts[..parts.len() - 1] {
            let entry = table
                .entry(p.to_string())
                .or_insert_with(|| toml::Value::Table(Default::default()));
            if !entry.is_table() {
                *entry = toml::Value::Table(Default::default());
            }
            table = entry.as_table_mut().unwrap();
        }
        if rng.below(6) == 0 {
            table.remove(parts[parts.len() - 1]);
            format!("removed {key}")
        } else {
            table.insert(parts[parts.len() - 1].to_string(), val.clone());
            format!("{key} = {val}")
        }
    };
    (toml::to_string(&t).unwrap_or_default().into_bytes(), what)
}

/// Structural damage of the cost matrix.
pub fn matrix(bytes: &[u8], rng: &mut SplitMix) -> (Vec<u8>, String) {
    let text = String::from_utf8_lossy(bytes);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.len() < 2 {
        return (bytes_level(bytes, rng), "byte damage".into());
    }
    let i = 1 + rng.below(lines.len() - 1);
    let cost = ["nan", "inf", "-0", "1e308", "", "\"1,5\"", "-1", "1e-320"][rng.below(8)];
    let what = match rng.below(4) {
        0 => {
            let parts: Vec<&str> = lines[i].split(',').collect();
            lines[i] = format!("{},{},{cost}", parts[0], parts.get(1).unwrap_or(&""));
            format!("line {i}: cost {cost}")
        }
        1 => {
            lines[i] = format!("nobody,{}", lines[i].split_once(',').map_or("", |x| x.1));
            format!("line {i}: unknown origin")
        }
        2 => {
            let l = lines[i].clone();
            lines.push(l);
            format!("line {i}: duplicated")
        }
        _ => {
            lines[0] = "origin,destination,cost".into();
            "header renamed".into()
        }
    };
    ((lines.join("\n") + "\n").into_bytes(), what)
}
