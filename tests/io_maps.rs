//! The shipped maps' new-format layers (made by GDAL, `maps/make-formats.sh`) read to the same
//! map as their GeoJSON originals, on every test run (no GDAL needed here).

use std::path::Path;

use geo::CoordsIter;
use schoolplan::io::layers::load;
use schoolplan_testkit::runs::run_outputs;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Largest coordinate difference between two multipolygons, ring orientation ignored (a
/// Shapefile stores outer rings clockwise, GeoJSON counter-clockwise): sorted vertices compared.
fn max_coord_diff(a: &geo::MultiPolygon<f64>, b: &geo::MultiPolygon<f64>) -> f64 {
    assert_eq!(a.coords_count(), b.coords_count());
    let sorted = |m: &geo::MultiPolygon<f64>| {
        let mut v: Vec<(f64, f64)> = m.coords_iter().map(|c| (c.x, c.y)).collect();
        v.sort_by(|p, q| p.partial_cmp(q).unwrap());
        v
    };
    sorted(a)
        .iter()
        .zip(sorted(b).iter())
        .map(|(p, q)| (p.0 - q.0).abs().max((p.1 - q.1).abs()))
        .fold(0.0, f64::max)
}

#[test]
fn fushun_gbk_shapefile_and_excel_schools_match_the_geojson() {
    let (_, a) = load(&Path::new(ROOT).join("maps/fushun/baseline-2020.toml")).unwrap();
    let (_, b) = load(&Path::new(ROOT).join("maps/fushun/baseline-2020-formats.toml")).unwrap();
    assert_eq!(a.townships.len(), 72);
    assert_eq!(a.townships.len(), b.townships.len());
    for (x, y) in a.townships.iter().zip(&b.townships) {
        // GBK text decoded to the same Chinese names.
        assert_eq!((&x.code, &x.name, x.kind), (&y.code, &y.name, y.kind));
        // EPSG:4550 there and back: well under a millimetre (1e-8° ≈ 1 mm).
        let d = max_coord_diff(&x.shape_lonlat, &y.shape_lonlat);
        assert!(d < 1e-8, "{} moved by {d}°", x.code);
    }
    assert!(a.townships.iter().any(|t| t.name.contains("街道")));
    assert_eq!(a.schools.len(), b.schools.len());
    // GDAL's XLSX driver writes an empty list as an empty cell: [] reads back as no value.
    let sizes = |s: &schoolplan::model::School| s.class_sizes.clone().filter(|v| !v.is_empty());
    for (x, y) in a.schools.iter().zip(&b.schools) {
        assert_eq!(sizes(x), sizes(y), "{}", x.id);
        assert_eq!(
            (
                &x.id,
                &x.name,
                x.level,
                x.ownership,
                x.status,
                x.capacity_seats,
                x.classes
            ),
            (
                &y.id,
                &y.name,
                y.level,
                y.ownership,
                y.status,
                y.capacity_seats,
                y.classes
            )
        );
        assert!((x.lonlat.x - y.lonlat.x).abs() < 1e-9 && (x.lonlat.y - y.lonlat.y).abs() < 1e-9);
    }
    assert_eq!(a.demand.cells.len(), b.demand.cells.len());
}

/// `r<row from top>c<col>` of the raster → the demo's `rRRcCC` (rows from the bottom).
fn demo_id(raster_id: &str) -> String {
    let (r, c) = raster_id[1..].split_once('c').unwrap();
    format!(
        "r{:02}c{:02}",
        19 - r.parse::<i64>().unwrap(),
        c.parse::<i64>().unwrap()
    )
}

#[test]
fn demo_formats_scenario_gives_the_demo_results() {
    let dir = tempfile::tempdir().unwrap();
    // At the demo's own radii: its sites lie off the cell lattice (examples/generate_demo.rs,
    // `SITE_OFFSET_M`), so no cell is within 0.5 m of a radius and rounding decides nothing.
    let mut results = Vec::new();
    for name in ["demo", "demo-formats"] {
        let s = Path::new(ROOT)
            .join("maps/demo")
            .join(format!("{name}.toml"));
        results.push(run_outputs(&s, &dir.path().join(name)));
    }
    let (sa, mut fa) = results.remove(0);
    let (sb, mut fb) = results.remove(0);
    for (la, lb) in sa["levels"]
        .as_array()
        .unwrap()
        .iter()
        .zip(sb["levels"].as_array().unwrap())
    {
        let (x, y) = (
            la["coverage"].as_f64().unwrap(),
            lb["coverage"].as_f64().unwrap(),
        );
        assert!((x - y).abs() <= 0.0005, "{}: {x} vs {y}", la["level"]);
        assert_eq!(la["demand"], lb["demand"]);
    }
    for (f, map) in [
        (&mut fa, None),
        (&mut fb, Some(demo_id as fn(&str) -> String)),
    ] {
        for x in f.iter_mut() {
            if let Some(cells) = x["evidence"]["cells"].as_array_mut() {
                let mut ids: Vec<String> = cells
                    .iter()
                    .map(|c| {
                        let s = c.as_str().unwrap();
                        map.map_or(s.to_string(), |m| m(s))
                    })
                    .collect();
                ids.sort();
                *cells = ids.into_iter().map(Value::from).collect();
            }
        }
    }
    assert_eq!(fa.len(), fb.len());
    for (a, b) in fa.iter().zip(&fb) {
        assert_eq!(a, b);
    }
}
