//! How long validating a large boundary takes: `schoolplan validate` on the demo map with
//! county 0 replaced by a ring of 10,000 / 50,000 / 100,000 / 200,000 vertices (the same
//! shape, edges cut into pieces), in-process. Official boundaries often have 10⁴–10⁵ vertices;
//! a quadratic self-intersection test took minutes on 100,000.
//!
//! ```sh
//! cargo run --release --example polygon_validity_bench
//! ```

use std::path::Path;
use std::time::Instant;

use serde_json::{json, Value};

fn densify(r: &[Value], n: usize) -> Vec<[f64; 2]> {
    let pt = |v: &Value| [v[0].as_f64().unwrap(), v[1].as_f64().unwrap()];
    let per = (n / (r.len() - 1)).max(1);
    let mut out = Vec::with_capacity(n + 1);
    for w in r.windows(2) {
        let (a, b) = (pt(&w[0]), pt(&w[1]));
        for k in 0..per {
            let t = k as f64 / per as f64;
            out.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
        }
    }
    out.push(out[0]);
    out
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("maps/demo");
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&root).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let counties = dir.path().join("counties.geojson");
    let original: Value = serde_json::from_slice(&std::fs::read(&counties).unwrap()).unwrap();
    let g = &original["features"][0]["geometry"];
    let ring = match g["type"].as_str().unwrap() {
        "Polygon" => g["coordinates"][0].clone(),
        _ => g["coordinates"][0][0].clone(),
    };
    println!("vertices   load + validate (s)");
    for n in [10_000, 50_000, 100_000, 200_000] {
        let mut v = original.clone();
        let dense = densify(ring.as_array().unwrap(), n);
        let count = dense.len();
        v["features"][0]["geometry"] = json!({"type": "Polygon", "coordinates": [dense]});
        std::fs::write(&counties, serde_json::to_vec(&v).unwrap()).unwrap();
        let t = Instant::now();
        let result = schoolplan::io::layers::load(&dir.path().join("demo.toml"));
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{count:>8}   {secs:>8.3}   {}",
            if result.is_ok() { "valid" } else { "refused" }
        );
    }
}
