//! The demo scenario from its GeoJSON layers and from the same layers converted by GDAL —
//! schools as GeoPackage in EPSG:4549, townships as Shapefile in EPSG:4490, counties as
//! GeoPackage, schools also as a CSV of GCJ-02 coordinates, population as GeoTIFFs of the same
//! cells (`gdal_rasterize`) — must give the same coverage and findings.
//!
//! GDAL is the independent writer: every converted file is made here by `ogr2ogr` /
//! `gdal_rasterize`, never by this project. The GCJ-02 shift of the CSV uses the published
//! forward formula implemented below, independently of the `coordtransform` crate the reader
//! uses for the inverse.
//!
//! Skips (with a note) when GDAL is not installed, but fails when the `CI` environment variable
//! is set: CI installs it (`apt-get install -y gdal-bin`).

use std::path::{Path, PathBuf};
use std::process::Command;

use schoolplan_testkit::datum::wgs84_to_gcj02;
use schoolplan_testkit::runs::{coverages, run_outputs};
use serde_json::Value;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/maps/demo");
const BIN: &str = env!("CARGO_BIN_EXE_schoolplan");

fn have_gdal() -> bool {
    let tools = ["ogr2ogr", "gdal_rasterize"];
    schoolplan_testkit::tools::have(&tools, "gdal-bin", "the GDAL equivalence test")
}

fn sh(cmd: &str, args: &[&str], dir: &Path) {
    let o = Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{cmd} {args:?} failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The demo converted by GDAL in a scratch folder.
struct Converted {
    dir: tempfile::TempDir,
}

const TM: &str =
    "+proj=tmerc +lat_0=41.85 +lon_0=123.9 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs";
const COHORTS: [&str; 4] = ["pop_3_5", "pop_6_11", "pop_12_14", "pop_15_17"];

impl Converted {
    fn new() -> Converted {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let src = |f: &str| format!("{DEMO}/{f}");
        sh(
            "ogr2ogr",
            &[
                "-f",
                "GPKG",
                "-t_srs",
                "EPSG:4549",
                "schools.gpkg",
                &src("schools.geojson"),
                "-nln",
                "schools",
            ],
            d,
        );
        sh(
            "ogr2ogr",
            &[
                "-f",
                "ESRI Shapefile",
                "-t_srs",
                "EPSG:4490",
                "townships.shp",
                &src("townships.geojson"),
            ],
            d,
        );
        sh(
            "ogr2ogr",
            &[
                "-f",
                "GPKG",
                "counties.gpkg",
                &src("counties.geojson"),
                "-nln",
                "counties",
            ],
            d,
        );
        sh(
            "ogr2ogr",
            &[
                "-f",
                "CSV",
                "-lco",
                "GEOMETRY=AS_XY",
                "schools_wgs84.csv",
                &src("schools.geojson"),
            ],
            d,
        );
        // The demo grid: 30 × 20 cells of 200 m in the local transverse Mercator of its generator.
        sh(
            "ogr2ogr",
            &[
                "-t_srs",
                TM,
                "pop_tm.gpkg",
                &src("population.geojson"),
                "-nln",
                "pop",
            ],
            d,
        );
        for field in std::iter::once("pop_total").chain(COHORTS) {
            sh(
                "gdal_rasterize",
                &[
                    "-q",
                    "-a",
                    field,
                    "-a_nodata",
                    "-1",
                    "-init",
                    "-1",
                    "-te",
                    "-3000",
                    "-2000",
                    "3000",
                    "2000",
                    "-tr",
                    "200",
                    "200",
                    "-ot",
                    "Float32",
                    "-co",
                    "COMPRESS=DEFLATE",
                    "-co",
                    "TILED=YES",
                    "-co",
                    "BLOCKXSIZE=16",
                    "-co",
                    "BLOCKYSIZE=16",
                    "pop_tm.gpkg",
                    &format!("{field}.tif"),
                ],
                d,
            );
        }
        // GCJ-02 school list: GDAL's CSV with its X / Y shifted by the forward formula.
        let text = std::fs::read_to_string(d.join("schools_wgs84.csv")).unwrap();
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let mut wtr = csv::Writer::from_path(d.join("schools_gcj02.csv")).unwrap();
        let mut header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        assert_eq!(&header[..2], ["X", "Y"], "GDAL writes X, Y first");
        header[0] = "经度".into();
        header[1] = "纬度".into();
        wtr.write_record(&header).unwrap();
        for r in rdr.records() {
            let r = r.unwrap();
            let (lon, lat) = wgs84_to_gcj02(r[0].parse().unwrap(), r[1].parse().unwrap());
            let mut row: Vec<String> = r.iter().map(str::to_string).collect();
            row[0] = format!("{lon:.9}");
            row[1] = format!("{lat:.9}");
            wtr.write_record(&row).unwrap();
        }
        wtr.flush().unwrap();
        Converted { dir }
    }

    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }

    /// Writes a scenario extending the demo with `layers` (TOML) and `levels` (TOML).
    fn scenario(&self, name: &str, base: &str, body: &str) -> PathBuf {
        let p = self.path(&format!("{name}.toml"));
        std::fs::write(&p, format!("extends = {base:?}\nname = {name:?}\n{body}")).unwrap();
        p
    }

    fn run(&self, scenario: &Path) -> (Value, Vec<Value>) {
        let out = self.path(&format!(
            "out-{}",
            scenario.file_stem().unwrap().to_string_lossy()
        ));
        run_outputs(scenario, &out)
    }
}

const VECTOR_LAYERS: &str = r#"
[layers.schools]
path = "schools.gpkg"
[layers.townships]
path = "townships.shp"
[layers.counties]
path = "counties.gpkg"
"#;

const RASTER_LAYER: &str = r#"
[layers.population]
path = "pop_total.tif"
[layers.population.cohort_rasters]
pop_3_5 = ["pop_3_5.tif"]
pop_6_11 = ["pop_6_11.tif"]
pop_12_14 = ["pop_12_14.tif"]
pop_15_17 = [{ path = "pop_15_17.tif", factor = 1.0, band = 1 }]
"#;

const CSV_LAYER: &str = r#"
[layers.schools]
path = "schools_gcj02.csv"
datum = "gcj02"
x_field = "经度"
y_field = "纬度"
"#;

fn assert_same_coverage(a: &Value, b: &Value, what: &str) {
    let (ca, cb) = (coverages(a), coverages(b));
    assert_eq!(ca.len(), cb.len());
    assert!(!ca.is_empty());
    for ((la, x), (lb, y)) in ca.iter().zip(&cb) {
        assert_eq!(la, lb);
        assert!(
            (x - y).abs() <= 0.0005,
            "{what}: {la} coverage {x} vs {y} (more than 0.05 percentage points apart)"
        );
    }
}

/// Raster cell ids count rows from the top (`r<row>c<col>`), the demo's from the bottom with
/// two digits (`rRRcCC`): map the first to the second.
fn demo_id(raster_id: &str) -> String {
    let (r, c) = raster_id[1..].split_once('c').unwrap();
    format!(
        "r{:02}c{:02}",
        19 - r.parse::<i64>().unwrap(),
        c.parse::<i64>().unwrap()
    )
}

fn normalise_cells(findings: &mut [Value], map: impl Fn(&str) -> String) {
    for f in findings {
        if let Some(cells) = f["evidence"]["cells"].as_array_mut() {
            let mut ids: Vec<String> = cells.iter().map(|c| map(c.as_str().unwrap())).collect();
            ids.sort();
            *cells = ids.into_iter().map(Value::from).collect();
        }
    }
}

#[test]
fn gdal_converted_layers_give_the_same_coverage_and_findings() {
    if !have_gdal() {
        return;
    }
    let c = Converted::new();
    let demo = format!("{DEMO}/demo.toml");
    let (base, base_findings) = c.run(Path::new(&demo));

    // Schools GPKG (EPSG:4549), townships Shapefile (EPSG:4490), counties GPKG.
    let (s, f) = c.run(&c.scenario("vector", &demo, VECTOR_LAYERS));
    assert_same_coverage(&base, &s, "GeoPackage / Shapefile layers");
    assert_eq!(
        base_findings, f,
        "findings differ with the GeoPackage / Shapefile layers"
    );

    // Schools as a CSV of GCJ-02 coordinates with Chinese column names.
    let (s, f) = c.run(&c.scenario("csv", &demo, CSV_LAYER));
    assert_same_coverage(&base, &s, "GCJ-02 CSV schools");
    assert_eq!(
        base_findings, f,
        "findings differ with the GCJ-02 CSV schools"
    );

    // Everything converted at once, population as GeoTIFFs, at the demo's own radii.
    let mut base_findings = base_findings;
    let all = format!("{VECTOR_LAYERS}{RASTER_LAYER}");
    let (s, mut f) = c.run(&c.scenario("all", &demo, &all));
    assert_same_coverage(&base, &s, "all layers converted, population as GeoTIFF");
    normalise_cells(&mut base_findings, str::to_string);
    normalise_cells(&mut f, demo_id);
    assert_eq!(base_findings.len(), f.len());
    for (a, b) in base_findings.iter().zip(&f) {
        assert_eq!(a, b, "a finding differs with every layer converted");
    }
}

/// At the demo's own radii the raster cells are the GeoJSON cells to a few centimetres:
/// every populated cell has the same people, a distance to its nearest school within 0.1 m and
/// the same covered flags. The demo's sites lie off the cell lattice (no cell within 0.5 m of a
/// radius, `examples/generate_demo.rs`); were they on it, rounding would flip cells at the
/// radius and the coverage would differ by 0.27 percentage points (as it once did).
#[test]
fn raster_cells_match_at_the_demo_radii() {
    if !have_gdal() {
        return;
    }
    let c = Converted::new();
    let demo = format!("{DEMO}/demo.toml");
    let out_a = c.path("a");
    let out_b = c.path("b");
    let raster = c.scenario("raster", &demo, RASTER_LAYER);
    for (s, out) in [(PathBuf::from(&demo), &out_a), (raster, &out_b)] {
        let o = Command::new(BIN)
            .arg("run")
            .arg(&s)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let cells = |dir: &Path,
                 map: &dyn Fn(&str) -> String|
     -> std::collections::BTreeMap<String, Value> {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("coverage.geojson")).unwrap())
                .unwrap();
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    map(f["properties"]["id"].as_str().unwrap()),
                    f["properties"].clone(),
                )
            })
            .collect()
    };
    let a = cells(&out_a, &|s: &str| s.to_string());
    let b = cells(&out_b, &demo_id);
    let populated = a
        .values()
        .filter(|p| p["pop_total"].as_f64().unwrap_or(0.0) > 0.0)
        .count();
    assert_eq!(
        b.len(),
        populated,
        "one raster cell per populated GeoJSON cell"
    );
    let radii = [
        ("kindergarten", 300.0),
        ("primary", 500.0),
        ("junior", 1000.0),
        ("senior", 2000.0),
    ];
    for (id, pb) in &b {
        let pa = &a[id];
        for k in ["pop_total", "pop_3_5", "pop_6_11", "pop_12_14", "pop_15_17"] {
            assert_eq!(pa[k].as_f64(), pb[k].as_f64(), "{id} {k}");
        }
        for (level, r) in radii {
            let (da, db) = (
                pa[format!("dist_{level}_m")].as_f64().unwrap(),
                pb[format!("dist_{level}_m")].as_f64().unwrap(),
            );
            assert!((da - db).abs() < 0.1, "{id} {level}: {da} vs {db}");
            assert!(
                (da - r).abs() >= 0.5,
                "{id} {level}: {da} m is a tie at the radius {r} m"
            );
            assert_eq!(
                pa[format!("covered_{level}")],
                pb[format!("covered_{level}")],
                "{id} {level} at {da} m"
            );
        }
    }
}

/// GHS-POP's layout: people per pixel in World Mollweide (ESRI:54009), a system without
/// GeoTIFF codes that GDAL stores as user-defined keys with an `ESRI PE String` WKT citation.
/// `gdalwarp -r sum` to 250 m pixels keeps the people (up to the pixels cut at the areas'
/// edge): the raster read must hold the demo's people within 1.5 %.
#[test]
fn ghs_pop_mollweide_raster_keeps_the_people() {
    if !have_gdal() {
        return;
    }
    let c = Converted::new();
    sh(
        "gdalwarp",
        &[
            "-q",
            "-t_srs",
            "ESRI:54009",
            "-tr",
            "250",
            "250",
            "-r",
            "sum",
            "-srcnodata",
            "-1",
            "-dstnodata",
            "-1",
            "pop_total.tif",
            "ghs_pop_54009.tif",
        ],
        c.dir.path(),
    );
    let s = c.scenario(
        "ghs",
        &format!("{DEMO}/demo.toml"),
        "[layers.population]\npath = \"ghs_pop_54009.tif\"\n\
         [population.cohort_shares.990101]\npop_3_5 = 0.022\npop_6_11 = 0.048\npop_12_14 = 0.026\npop_15_17 = 0.025\n\
         [population.cohort_shares.990102]\npop_3_5 = 0.022\npop_6_11 = 0.048\npop_12_14 = 0.026\npop_15_17 = 0.025\n",
    );
    let o = Command::new(BIN).arg("validate").arg(&s).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("World_Mollweide"), "{out}");
    let total: f64 = out
        .lines()
        .find(|l| l.trim_start().starts_with("total ") && !l.contains("public"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no population total in:\n{out}"));
    let demo: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{DEMO}/population.geojson")).unwrap(),
    )
    .unwrap();
    let people: f64 = demo["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["pop_total"].as_f64().unwrap())
        .sum();
    assert!(
        (total - people).abs() <= 0.015 * people,
        "{total} people read from the Mollweide raster, {people} in the demo"
    );
}
