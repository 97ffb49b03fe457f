//! Malformed inputs for every new reader (CSV, XLSX, Shapefile, GeoPackage, GeoTIFF, ESRI ASCII
//! grid, OSM PBF) and wrong coordinate systems: each must exit 2 with a message naming the file,
//! the row or feature and the property — never a panic. Built from the demo's GDAL-made layers (`maps/demo/formats`).

use std::path::{Path, PathBuf};
use std::process::Command;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/maps/demo");

/// A copy of the demo (with `formats/`) in a scratch folder and a scenario over it.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["", "formats"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            for e in std::fs::read_dir(Path::new(DEMO).join(sub)).unwrap() {
                let p = e.unwrap().path();
                if p.is_file() {
                    std::fs::copy(&p, dir.path().join(sub).join(p.file_name().unwrap())).unwrap();
                }
            }
        }
        Case { dir }
    }

    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }

    /// Validates `demo.toml` with `layers` (TOML) on top; returns (exit code, stderr).
    fn validate(&self, layers: &str) -> (i32, String) {
        let s = self.path("case.toml");
        std::fs::write(&s, format!("extends = \"demo.toml\"\n{layers}")).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
            .arg("validate")
            .arg(&s)
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    fn expect(&self, layers: &str, fragments: &[&str]) {
        let (code, err) = self.validate(layers);
        assert_eq!(code, 2, "expected exit 2, stderr:\n{err}");
        assert!(!err.contains("panicked"), "{err}");
        for f in fragments {
            assert!(err.contains(f), "stderr lacks {f:?}:\n{err}");
        }
    }

    fn edit(&self, f: &str, edit: impl FnOnce(String) -> String) {
        let p = self.path(f);
        std::fs::write(&p, edit(std::fs::read_to_string(&p).unwrap())).unwrap();
    }
}

const CSV: &str = "[layers.schools]\npath = \"formats/schools_gcj02.csv\"\ndatum = \"gcj02\"\nx_field = \"经度\"\ny_field = \"纬度\"\n";

#[test]
fn the_shipped_formats_scenario_is_valid() {
    let c = Case::new();
    let (code, err) = c.validate(CSV);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn csv_bad_property_names_row_id_and_property() {
    let c = Case::new();
    c.edit("formats/schools_gcj02.csv", |t| {
        t.replacen(
            ",k03,Bright Future Kindergarten,kindergarten,private,0,0,0,existing,180,",
            ",k03,Bright Future Kindergarten,kindergarten,private,0,0,0,existing,lots,",
            1,
        )
    });
    // k03 is the third school: row 4 (the header is row 1).
    c.expect(
        CSV,
        &[
            "schools_gcj02.csv",
            "row 4",
            "\"k03\"",
            "capacity_seats",
            "lots",
        ],
    );
}

#[test]
fn csv_missing_coordinate_names_row_and_column() {
    let c = Case::new();
    c.edit("formats/schools_gcj02.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let cells: Vec<&str> = lines[2].splitn(2, ',').collect();
        lines[2] = format!(",{}", cells[1]);
        lines.join("\n") + "\n"
    });
    c.expect(
        CSV,
        &[
            "schools_gcj02.csv",
            "row 3",
            "经度",
            "a number (coordinate)",
            "empty cell",
        ],
    );
}

#[test]
fn csv_unknown_coordinate_column_lists_the_columns() {
    let c = Case::new();
    c.expect(
        &CSV.replace("x_field = \"经度\"", "x_field = \"lon\""),
        &[
            "schools_gcj02.csv",
            "x_field",
            "a column named \"lon\"",
            "纬度",
        ],
    );
}

#[test]
fn projected_numbers_declared_as_lon_lat_name_the_likely_crs() {
    let c = Case::new();
    // Replace the GCJ-02 degrees by EPSG:4550 metres but keep declaring lon/lat.
    c.edit("formats/schools_gcj02.csv", |t| {
        let mut out = String::new();
        for (i, line) in t.lines().enumerate() {
            if i == 0 {
                out.push_str(line);
            } else {
                let rest = line.splitn(3, ',').nth(2).unwrap();
                out.push_str(&format!(
                    "{},{},{rest}",
                    574_000 + i * 10,
                    4_634_000 + i * 10
                ));
            }
            out.push('\n');
        }
        out
    });
    c.expect(
        CSV,
        &[
            "schools_gcj02.csv",
            "geometry",
            "lon/lat",
            "EPSG:4550",
            "Gauss-Krüger",
        ],
    );
}

#[test]
fn wrong_gauss_kruger_zone_is_named() {
    let c = Case::new();
    // The GeoPackage is in EPSG:4550 (CM variant): declaring the zone-numbered 4529 is wrong.
    c.expect(
        "[layers.townships]\npath = \"formats/townships.gpkg\"\ncrs = \"EPSG:4529\"\n",
        &[
            "townships.gpkg",
            "geometry",
            "EPSG:4529",
            "without a zone number",
        ],
    );
}

#[test]
fn unsupported_crs_and_datum_are_refused_with_the_reason() {
    let c = Case::new();
    c.expect(
        "[layers.townships]\npath = \"formats/townships.gpkg\"\ncrs = \"EPSG:2435\"\n",
        &["townships.gpkg", "crs", "Beijing 1954"],
    );
    c.expect(
        "[layers.townships]\npath = \"formats/townships.gpkg\"\ncrs = \"EPSG:27700\"\n",
        &["townships.gpkg", "crs", "not supported"],
    );
    std::fs::write(
        c.path("formats/counties.prj"),
        r#"GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
    )
    .unwrap();
    c.expect(
        "[layers.counties]\npath = \"formats/counties.shp\"\n",
        &["counties.shp", "crs", "Xian_1980"],
    );
}

#[test]
fn shapefile_without_dbf_or_truncated() {
    let c = Case::new();
    std::fs::remove_file(c.path("formats/counties.dbf")).unwrap();
    c.expect(
        "[layers.counties]\npath = \"formats/counties.shp\"\n",
        &["counties.shp", ".dbf"],
    );
    let c = Case::new();
    let p = c.path("formats/counties.shp");
    let b = std::fs::read(&p).unwrap();
    std::fs::write(&p, &b[..b.len() - 40]).unwrap();
    c.expect(
        "[layers.counties]\npath = \"formats/counties.shp\"\n",
        &["counties.shp"],
    );
    let c = Case::new();
    std::fs::write(c.path("formats/counties.shp"), b"not a shapefile").unwrap();
    c.expect(
        "[layers.counties]\npath = \"formats/counties.shp\"\n",
        &["counties.shp", "Shapefile"],
    );
}

#[test]
fn dbf_bad_value_names_feature_and_field() {
    let c = Case::new();
    // Blank out the `code` of the first county: a required property then is missing.
    let p = c.path("formats/counties.dbf");
    let mut b = std::fs::read(&p).unwrap();
    let header_len = u16::from_le_bytes([b[8], b[9]]) as usize;
    // First field is `code` (text of 254 bytes from GDAL): fill record 0's with spaces.
    let len = b[32 + 16] as usize;
    for x in &mut b[header_len + 1..header_len + 1 + len] {
        *x = b' ';
    }
    std::fs::write(&p, &b).unwrap();
    c.expect(
        "[layers.counties]\npath = \"formats/counties.shp\"\n",
        &["counties.shp", "feature 0", "`code`", "required"],
    );
}

#[test]
fn geopackage_corrupt_or_wrong_layer() {
    let c = Case::new();
    c.expect(
        "[layers.townships]\npath = \"formats/townships.gpkg\"\nlayer = \"roads\"\n",
        &["townships.gpkg", "layer", "\"roads\"", "townships"],
    );
    let p = c.path("formats/townships.gpkg");
    let mut b = std::fs::read(&p).unwrap();
    b[0] = b'X';
    std::fs::write(&p, &b).unwrap();
    c.expect(
        "[layers.townships]\npath = \"formats/townships.gpkg\"\n",
        &["townships.gpkg", "SQLite"],
    );
    // Random damage past the header: an error or a valid read, never a panic.
    let c = Case::new();
    let p = c.path("formats/townships.gpkg");
    let orig = std::fs::read(&p).unwrap();
    let mut state = 12345u64;
    for _ in 0..20 {
        let mut b = orig.clone();
        for _ in 0..50 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let i = 100 + (state >> 33) as usize % (b.len() - 100);
            b[i] = (state >> 7) as u8;
        }
        std::fs::write(&p, &b).unwrap();
        let (code, err) = c.validate("[layers.townships]\npath = \"formats/townships.gpkg\"\n");
        assert!(code == 0 || code == 2, "exit {code}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn geotiff_corrupt_or_off_grid_cohort() {
    let c = Case::new();
    let pop = "[layers.population]\npath = \"formats/pop_total.tif\"\n";
    std::fs::write(c.path("formats/pop_total.tif"), b"II*\0garbage").unwrap();
    c.expect(pop, &["pop_total.tif", "GeoTIFF"]);
    let c = Case::new();
    c.expect(
        &format!("{pop}[layers.population.cohort_rasters]\npop_3_5 = [{{ path = \"formats/pop_3_5.tif\", band = 2 }}]\n"),
        &["cohort_rasters.pop_3_5", "band in 1–1"],
    );
}

#[test]
fn unknown_format_is_named() {
    let c = Case::new();
    std::fs::write(c.path("schools.dat"), b"x").unwrap();
    c.expect(
        "[layers.schools]\npath = \"schools.dat\"\n",
        &["schools.dat", "format", "a known format"],
    );
}

#[test]
fn osm_pbf_garbage_truncated_or_empty() {
    let net = "[layers.network]\npath = \"formats/network.osm.pbf\"\n";
    // Not a PBF at all.
    let c = Case::new();
    std::fs::write(c.path("formats/network.osm.pbf"), b"<osm>not a pbf</osm>").unwrap();
    c.expect(
        net,
        &["network.osm.pbf", "property `file`", "OpenStreetMap PBF"],
    );
    // Cut in the middle of a block (the osmium-written file, truncated).
    let c = Case::new();
    let bytes = std::fs::read(c.path("formats/network.osm.pbf")).unwrap();
    std::fs::write(c.path("formats/network.osm.pbf"), &bytes[..bytes.len() / 2]).unwrap();
    c.expect(net, &["network.osm.pbf", "OpenStreetMap PBF"]);
    // A PBF with no roads: the network layer is empty, which the loader names.
    let c = Case::new();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/osm/tags.osm.pbf"),
        c.path("formats/network.osm.pbf"),
    )
    .unwrap();
    let (code, err) = c.validate(net);
    assert!(!err.contains("panicked"), "{err}");
    assert!(code == 0 || code == 2, "{code}: {err}");
}

#[test]
fn ascii_grid_bad_header_or_value_count() {
    let pop = "[layers.population]\npath = \"pop.asc\"\ncrs = \"+proj=tmerc +lat_0=41.85 +lon_0=123.9 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs\"\n";
    let grid = "ncols 3\nnrows 2\nxllcorner -300\nyllcorner -200\ncellsize 200\nNODATA_value -1\n1 2 3\n4 5 6\n";
    let c = Case::new();
    std::fs::write(c.path("pop.asc"), grid.replace("ncols 3\n", "")).unwrap();
    c.expect(pop, &["pop.asc", "ncols"]);
    let c = Case::new();
    std::fs::write(c.path("pop.asc"), grid.replace("4 5 6\n", "4 5\n")).unwrap();
    c.expect(pop, &["pop.asc", "6 values (3 × 2), found 5"]);
    let c = Case::new();
    std::fs::write(c.path("pop.asc"), grid.replace("5", "five")).unwrap();
    c.expect(pop, &["pop.asc", "\"five\""]);
    let c = Case::new();
    std::fs::write(c.path("pop.asc"), grid.replace("5", "-5")).unwrap();
    c.expect(
        pop,
        &["pop.asc", "pop_total", "negative", "row 1, column 1"],
    );
}
