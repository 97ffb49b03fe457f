//! Read benchmark: a province-sized population GeoTIFF and a region-sized `.osm.pbf`, read by
//! schoolplan and by GDAL / osmium on the same files, side by side.
//!
//! ```text
//! cargo build --release --example read_bench
//! target/release/examples/read_bench [--dir /tmp/schoolplan-read-bench] [--keep]
//!     [--tiff-cols 8400] [--tiff-rows 5760] [--pbf-towns 9000] [--only province.tif|region.osm.pbf]
//! ```
//!
//! Needs `gdal_translate`, `gdalinfo`, `osmium` and `/usr/bin/time`. It writes into `--dir`
//! (deleted afterwards unless `--keep`):
//!
//! - `province.tif`: a WorldPop-like population raster of a province — EPSG:4326, 3″ pixels
//!   (≈ 70 × 93 m), 8,400 × 5,760 pixels (lon 118.8–125.8°, lat 38.7–43.5°, the size of
//!   Liaoning), Float32 people per pixel with fractional noise on land, nodata over a "sea"
//!   to the south-east; made as raw samples plus a VRT by this program and converted by
//!   `gdal_translate` to a tiled (256 × 256) DEFLATE GeoTIFF of ≈ 100 MB;
//! - `region.osm.pbf`: towns of streets (`highway=*` with speeds, names, one-ways) and buildings,
//!   nodes with versions, timestamps and changesets as in an extract, with POI nodes; written
//!   as OPL text by this program and converted by `osmium cat` to ≈ 200 MB of PBF.
//!
//! Every measurement runs as its own process under `/usr/bin/time` (wall time, CPU time, peak
//! memory), ours as `read_bench --one <what> <file>`:
//!
//! | what | schoolplan | compared with |
//! | --- | --- | --- |
//! | whole raster | `raster::scan`: decode every pixel, total the people | `gdalinfo -stats`, `gdal_translate -of ENVI` |
//! | a city of the raster | `read_layer_data` (what the loader reads) with a 60 km octagon as the area mask: every populated pixel inside becomes a cell | `gdal_translate -projwin` of its box |
//! | the city as a scenario | `io::layers::load` of a scenario whose county is the octagon: the raster's cells become the map's demand cells | |
//! | roads of the PBF | `read_records`: every `highway=*` way with its nodes | `osmium tags-filter w/highway`, `osmium cat`, `osmium fileinfo -e` |

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use schoolplan::config::LayerSpec;
use schoolplan::io::features::FileProblems;
use schoolplan::io::formats::{raster, read_layer_data, read_records, AreaMask, Format, LayerData};

/// Raster origin and pixel size (degrees).
const LON0: f64 = 118.8;
const LAT0: f64 = 43.5;
const PX: f64 = 1.0 / 1200.0;
const NODATA: f32 = -99999.0;
/// The city of the masked read: centre and radius (km) of an octagon.
const CITY: (f64, f64, f64) = (124.2, 41.9, 60.0);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--one") {
        one(&args[1], Path::new(&args[2]));
        return;
    }
    let get = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
            .unwrap_or_else(|| default.to_string())
    };
    let dir = PathBuf::from(get("--dir", "/tmp/schoolplan-read-bench"));
    let cols: usize = get("--tiff-cols", "8400").parse().expect("--tiff-cols");
    let rows: usize = get("--tiff-rows", "5760").parse().expect("--tiff-rows");
    let towns: usize = get("--pbf-towns", "9000").parse().expect("--pbf-towns");
    let keep = args.iter().any(|a| a == "--keep");
    std::fs::create_dir_all(&dir).expect("--dir");
    let me = std::env::current_exe().expect("own path");

    let tif = dir.join("province.tif");
    if !tif.exists() {
        let t = Instant::now();
        make_tiff(&dir, cols, rows);
        eprintln!(
            "generated {} in {:.0} s",
            tif.display(),
            t.elapsed().as_secs_f64()
        );
    }
    let pbf = dir.join("region.osm.pbf");
    if !pbf.exists() && !get("--only", "").starts_with("province") {
        let t = Instant::now();
        make_pbf(&pbf, towns);
        eprintln!(
            "generated {} in {:.0} s",
            pbf.display(),
            t.elapsed().as_secs_f64()
        );
    }
    let mb = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0)
    };
    println!(
        "province.tif {:.1} MB ({cols} × {rows} Float32, DEFLATE, 256 × 256 tiles); region.osm.pbf {:.1} MB; {} threads",
        mb(&tif),
        mb(&pbf),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| file | task | tool | wall s | CPU s | peak MB | result |");
    println!("| --- | --- | --- | ---: | ---: | ---: | --- |");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let (box_w, box_s, box_e, box_n) = city_box();
    let out_bil = dir.join("out.bil");
    let city_bil = dir.join("city.bil");
    let filtered = dir.join("highways.osm.pbf");
    let copy = dir.join("copy.osm.pbf");
    let rows_: Vec<(&str, &str, &str, Vec<String>)> = vec![
        (
            "province.tif",
            "decode every pixel",
            "schoolplan raster::scan",
            vec![s(&me), "--one".into(), "tiff-scan".into(), s(&tif)],
        ),
        (
            "province.tif",
            "decode every pixel",
            "gdalinfo -stats",
            vec![
                "gdalinfo".into(),
                "--config".into(),
                "GDAL_PAM_ENABLED".into(),
                "NO".into(),
                "-stats".into(),
                "-nomd".into(),
                "-norat".into(),
                "-noct".into(),
                s(&tif),
            ],
        ),
        (
            "province.tif",
            "decode every pixel",
            "gdal_translate -of ENVI",
            vec![
                "gdal_translate".into(),
                "-q".into(),
                "-of".into(),
                "ENVI".into(),
                s(&tif),
                s(&out_bil),
            ],
        ),
        (
            "province.tif",
            "city window (60 km octagon)",
            "schoolplan read_layer_data",
            vec![s(&me), "--one".into(), "tiff-city".into(), s(&tif)],
        ),
        (
            "province.tif",
            "city as the scenario's county (60 km octagon)",
            "schoolplan load_map",
            vec![s(&me), "--one".into(), "tiff-city-load".into(), s(&tif)],
        ),
        (
            "province.tif",
            "city window (its box)",
            "gdal_translate -projwin",
            vec![
                "gdal_translate".into(),
                "-q".into(),
                "-of".into(),
                "ENVI".into(),
                "-projwin".into(),
                box_w.to_string(),
                box_n.to_string(),
                box_e.to_string(),
                box_s.to_string(),
                s(&tif),
                s(&city_bil),
            ],
        ),
        (
            "region.osm.pbf",
            "roads (highway=* ways and their nodes)",
            "schoolplan read_records",
            vec![s(&me), "--one".into(), "pbf-roads".into(), s(&pbf)],
        ),
        (
            "region.osm.pbf",
            "roads (highway=* ways and their nodes)",
            "osmium tags-filter w/highway",
            vec![
                "osmium".into(),
                "tags-filter".into(),
                "--no-progress".into(),
                "-O".into(),
                s(&pbf),
                "w/highway".into(),
                "-o".into(),
                s(&filtered),
            ],
        ),
        (
            "region.osm.pbf",
            "copy the whole file",
            "osmium cat",
            vec![
                "osmium".into(),
                "cat".into(),
                "--no-progress".into(),
                "-O".into(),
                s(&pbf),
                "-o".into(),
                s(&copy),
            ],
        ),
        (
            "region.osm.pbf",
            "count every object",
            "osmium fileinfo -e",
            vec![
                "osmium".into(),
                "fileinfo".into(),
                "-e".into(),
                "--no-progress".into(),
                s(&pbf),
            ],
        ),
    ];
    let only = get("--only", "");
    for (file, task, tool, cmd) in rows_ {
        if !only.is_empty() && file != only {
            continue;
        }
        let (wall, cpu, peak_mb, out) = timed(&cmd);
        let result = if cmd[0] == s(&me) {
            out.lines().last().unwrap_or("").to_string()
        } else {
            String::new()
        };
        println!("| {file} | {task} | {tool} | {wall:.2} | {cpu:.2} | {peak_mb:.0} | {result} |");
        for p in [&out_bil, &city_bil, &filtered, &copy] {
            let _ = std::fs::remove_file(p);
            let _ = std::fs::remove_file(p.with_extension("hdr"));
            let _ = std::fs::remove_file(p.with_extension("bil.aux.xml"));
        }
    }
    if !keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Runs `cmd` under `/usr/bin/time`: (wall s, user + system CPU s, peak resident MB, stdout).
fn timed(cmd: &[String]) -> (f64, f64, f64, String) {
    let o = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("TIME %e %U %S %M")
        .args(cmd)
        .output()
        .unwrap_or_else(|e| panic!("/usr/bin/time {}: {e}", cmd[0]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{cmd:?} failed:\n{err}");
    let line = err
        .lines()
        .rev()
        .find(|l| l.starts_with("TIME "))
        .expect("/usr/bin/time output");
    let v: Vec<f64> = line[5..]
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    (
        v[0],
        v[1] + v[2],
        v[3] / 1024.0,
        String::from_utf8_lossy(&o.stdout).to_string(),
    )
}

/// One measured read, in its own process.
fn one(what: &str, path: &Path) {
    match what {
        "tiff-scan" => {
            let t = raster::scan(path, Format::Geotiff, 1).expect("scan");
            println!(
                "{} × {}: {} pixels with people, {:.0} people",
                t.width, t.height, t.populated, t.sum
            );
        }
        "tiff-city" => {
            // What the layer loader reads: the compact cells of the populated pixels.
            let spec = LayerSpec {
                path: path.to_path_buf(),
                ..LayerSpec::default()
            };
            let city = city_polygon();
            let (w, s, e, n) = city_box();
            let mask = AreaMask {
                extent: Some([w, s, e, n]),
                polygons: vec![MultiPolygon(vec![city])],
            };
            let mut fp = FileProblems::new(path);
            let (data, _) = read_layer_data(&spec, "id", Some(&mask), &mut fp);
            assert!(fp.problems.is_empty(), "{:?}", fp.problems);
            let Some(LayerData::Raster(cells)) = data else {
                panic!("raster cells expected")
            };
            let people: f64 = (0..cells.len()).filter_map(|i| cells.pop_total(i)).sum();
            println!("{} cells, {people:.0} people", cells.len());
        }
        "tiff-city-load" => {
            // The whole loader: the city as a county, the raster as its population, every
            // populated pixel inside it a demand cell of the map.
            let dir = path.parent().expect("dir");
            let ring: Vec<String> = city_polygon()
                .exterior()
                .0
                .iter()
                .map(|c| format!("[{}, {}]", c.x, c.y))
                .collect();
            std::fs::write(
                dir.join("city.geojson"),
                format!(
                    r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature", "properties": {{"code": "210400", "name": "City"}}, "geometry": {{"type": "Polygon", "coordinates": [[{}]]}}}}]}}"#,
                    ring.join(", ")
                ),
            )
            .expect("city.geojson");
            std::fs::write(
                dir.join("school.geojson"),
                format!(
                    r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature", "properties": {{"id": "s1", "level": "primary", "ownership": "public"}}, "geometry": {{"type": "Point", "coordinates": [{}, {}]}}}}]}}"#,
                    CITY.0, CITY.1
                ),
            )
            .expect("school.geojson");
            let scenario = dir.join("city.toml");
            std::fs::write(
                &scenario,
                format!(
                    "name = \"city\"\n[layers.schools]\npath = \"school.geojson\"\n[layers.counties]\npath = \"city.geojson\"\n[layers.population]\npath = {:?}\n",
                    path.file_name().unwrap().to_str().unwrap()
                ),
            )
            .expect("city.toml");
            let (_, map) = schoolplan::io::layers::load(&scenario).expect("load");
            let people: f64 = map.demand.cells.iter().filter_map(|c| c.pop_total).sum();
            println!(
                "{} demand cells, {people:.0} people",
                map.demand.cells.len()
            );
        }
        "pbf-roads" => {
            let spec = LayerSpec {
                path: path.to_path_buf(),
                ..LayerSpec::default()
            };
            let mut fp = FileProblems::new(path);
            let roads = read_records(&spec, "id", None, &mut fp).expect("read");
            let vertices: usize = roads
                .iter()
                .filter_map(|r| match r.geometry.as_ref()? {
                    geo::Geometry::LineString(l) => Some(l.0.len()),
                    _ => None,
                })
                .sum();
            println!("{} roads, {vertices} vertices", roads.len());
        }
        _ => panic!("unknown --one {what}"),
    }
}

/// The city: a regular octagon of radius `CITY.2` km (≈ 11,000 km², Fushun's size).
fn city_polygon() -> Polygon<f64> {
    let (lon, lat, r_km) = CITY;
    let dlat = r_km / 111.2;
    let dlon = dlat / lat.to_radians().cos();
    let ring: Vec<Coord<f64>> = (0..=8)
        .map(|i| {
            let a = (i % 8) as f64 * std::f64::consts::PI / 4.0 + 0.3;
            Coord {
                x: lon + dlon * a.cos(),
                y: lat + dlat * a.sin(),
            }
        })
        .collect();
    Polygon::new(LineString(ring), vec![])
}

/// The city's bounding box (west, south, east, north).
fn city_box() -> (f64, f64, f64, f64) {
    use geo::BoundingRect;
    let r = city_polygon().bounding_rect().expect("box");
    (r.min().x, r.min().y, r.max().x, r.max().y)
}

/// A splitmix64 stream (deterministic input files).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Writes `province.tif` through a raw file, a VRT and `gdal_translate`.
fn make_tiff(dir: &Path, cols: usize, rows: usize) {
    let raw = dir.join("province.raw");
    let vrt = dir.join("province.vrt");
    let mut rng = Rng(2024);
    // Towns: (lon, lat, peak people per pixel, sigma in pixels).
    let towns: Vec<(f64, f64, f64, f64)> = (0..400)
        .map(|i| {
            let big = i < 12;
            (
                LON0 + rng.unit() * cols as f64 * PX,
                LAT0 - rng.unit() * rows as f64 * PX,
                if big { 150.0 } else { 30.0 + 40.0 * rng.unit() },
                if big { 60.0 } else { 6.0 + 10.0 * rng.unit() },
            )
        })
        .collect();
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&raw).expect("raw"));
        let mut row_buf = vec![0f32; cols];
        for r in 0..rows {
            let lat = LAT0 - (r as f64 + 0.5) * PX;
            let near: Vec<&(f64, f64, f64, f64)> = towns
                .iter()
                .filter(|t| ((t.1 - lat) / PX).abs() < 4.0 * t.3)
                .collect();
            for (c, v) in row_buf.iter_mut().enumerate() {
                let lon = LON0 + (c as f64 + 0.5) * PX;
                // Sea south-east of a diagonal coast.
                if (lon - 121.0) - 2.2 * (lat - 38.7) > 1.5 {
                    *v = NODATA;
                    continue;
                }
                let mut d = 0.3;
                for t in &near {
                    let dx = (t.0 - lon) / PX;
                    let dy = (t.1 - lat) / PX;
                    if dx.abs() < 4.0 * t.3 {
                        d += t.2 * (-(dx * dx + dy * dy) / (2.0 * t.3 * t.3)).exp();
                    }
                }
                // Most land pixels hold a fraction of a person, some none (fields, water).
                *v = if rng.unit() < 0.15 {
                    0.0
                } else {
                    (d * (0.2 + 1.6 * rng.unit())) as f32
                };
            }
            for v in &row_buf {
                w.write_all(&v.to_le_bytes()).expect("write");
            }
        }
    }
    std::fs::write(
        &vrt,
        format!(
            r#"<VRTDataset rasterXSize="{cols}" rasterYSize="{rows}">
  <SRS>EPSG:4326</SRS>
  <GeoTransform>{LON0}, {PX}, 0, {LAT0}, 0, -{PX}</GeoTransform>
  <VRTRasterBand dataType="Float32" band="1" subClass="VRTRawRasterBand">
    <NoDataValue>{NODATA}</NoDataValue>
    <SourceFilename relativeToVRT="1">province.raw</SourceFilename>
    <ImageOffset>0</ImageOffset>
    <PixelOffset>4</PixelOffset>
    <LineOffset>{}</LineOffset>
    <ByteOrder>LSB</ByteOrder>
  </VRTRasterBand>
</VRTDataset>
"#,
            cols * 4
        ),
    )
    .expect("vrt");
    let st = Command::new("gdal_translate")
        .args([
            "-q",
            "-co",
            "COMPRESS=DEFLATE",
            "-co",
            "TILED=YES",
            "-co",
            "BLOCKXSIZE=256",
            "-co",
            "BLOCKYSIZE=256",
        ])
        .arg(&vrt)
        .arg(dir.join("province.tif"))
        .status()
        .expect("gdal_translate");
    assert!(st.success(), "gdal_translate failed");
    let _ = std::fs::remove_file(raw);
    let _ = std::fs::remove_file(vrt);
}

/// Writes `region.osm.pbf`: OPL text piped into `osmium cat`.
fn make_pbf(path: &Path, towns: usize) {
    let mut child = Command::new("osmium")
        .args(["cat", "--no-progress", "-O", "-F", "opl", "-", "-o"])
        .arg(path)
        .stdin(Stdio::piped())
        .spawn()
        .expect("osmium");
    let stdin = child.stdin.take().expect("stdin");
    let mut w = std::io::BufWriter::with_capacity(1 << 20, stdin);
    let mut rng = Rng(7);
    let mut node_id: i64 = 0;
    let mut ways: Vec<String> = Vec::new();
    let kinds = [
        ("residential", 55),
        ("service", 15),
        ("tertiary", 10),
        ("secondary", 7),
        ("primary", 4),
        ("unclassified", 5),
        ("footway", 3),
        ("trunk", 1),
    ];
    let meta = |rng: &mut Rng| {
        format!(
            "v{} dV c{} t20{:02}-{:02}-{:02}T{:02}:{:02}:00Z i0 u",
            1 + rng.next() % 7,
            10_000_000 + rng.next() % 90_000_000,
            12 + rng.next() % 12,
            1 + rng.next() % 12,
            1 + rng.next() % 28,
            rng.next() % 24,
            rng.next() % 60
        )
    };
    let mut way_id: i64 = 0;
    for _ in 0..towns {
        let (lon0, lat0) = (119.0 + 6.5 * rng.unit(), 39.0 + 4.3 * rng.unit());
        let town_first = node_id + 1;
        // 40 streets of 12 nodes, each starting at a node of an earlier street of the town.
        for s in 0..40 {
            let mut refs: Vec<i64> = Vec::with_capacity(13);
            if s > 0 {
                refs.push(town_first + (rng.next() % (node_id - town_first + 1) as u64) as i64);
            }
            let (mut x, mut y) = (
                lon0 + 0.03 * (rng.unit() - 0.5),
                lat0 + 0.03 * (rng.unit() - 0.5),
            );
            let dir = rng.unit() * std::f64::consts::TAU;
            for _ in 0..12 {
                x += 0.0008 * dir.cos() + 0.0002 * (rng.unit() - 0.5);
                y += 0.0008 * dir.sin() + 0.0002 * (rng.unit() - 0.5);
                node_id += 1;
                let m = meta(&mut rng);
                let tags = match rng.next() % 200 {
                    0 => " Trailway=level_crossing",
                    1 => " Tcrossing=zebra,highway=crossing",
                    _ => " T",
                };
                writeln!(w, "n{node_id} {m}{tags} x{x:.7} y{y:.7}").expect("osmium stdin");
                refs.push(node_id);
            }
            let mut pick = rng.next() % 100;
            let mut kind = "residential";
            for (k, share) in kinds {
                if pick < share {
                    kind = k;
                    break;
                }
                pick -= share;
            }
            let mut tags = format!("highway={kind}");
            if rng.next().is_multiple_of(4) {
                tags.push_str(&format!(",name=Street%20%{}", rng.next() % 1000));
            }
            if rng.next().is_multiple_of(10) {
                tags.push_str(",oneway=yes");
            }
            if rng.next().is_multiple_of(6) {
                tags.push_str(&format!(",maxspeed={}", 20 + 10 * (rng.next() % 6)));
            }
            way_id += 1;
            let nds: Vec<String> = refs.iter().map(|r| format!("n{r}")).collect();
            ways.push(format!(
                "w{way_id} {} T{tags} N{}",
                meta(&mut rng),
                nds.join(",")
            ));
        }
        // 300 buildings of 4 nodes (closed rings), a few with POI tags on a node.
        for _ in 0..300 {
            let (x, y) = (
                lon0 + 0.03 * (rng.unit() - 0.5),
                lat0 + 0.03 * (rng.unit() - 0.5),
            );
            let first = node_id + 1;
            for (dx, dy) in [(0.0, 0.0), (0.00012, 0.0), (0.00012, 0.0001), (0.0, 0.0001)] {
                node_id += 1;
                let m = meta(&mut rng);
                let tags = if rng.next().is_multiple_of(50) {
                    " Tamenity=shop,name=Shop"
                } else {
                    " T"
                };
                writeln!(w, "n{node_id} {m}{tags} x{:.7} y{:.7}", x + dx, y + dy)
                    .expect("osmium stdin");
            }
            way_id += 1;
            ways.push(format!(
                "w{way_id} {} Tbuilding=yes Nn{first},n{},n{},n{},n{first}",
                meta(&mut rng),
                first + 1,
                first + 2,
                first + 3
            ));
        }
    }
    for l in &ways {
        writeln!(w, "{l}").expect("osmium stdin");
    }
    drop(w);
    let st = child.wait().expect("osmium");
    assert!(st.success(), "osmium cat failed");
}
