//! The GeoTIFF block decoder (`src/io/formats/raster/blocks.rs`) against files GDAL writes:
//! the same pixels stored tiled and striped, DEFLATE / LZW / PackBits / uncompressed,
//! predictors 2 and 3, big-endian, band-interleaved, sparse, as 8- to 64-bit integers and
//! floats. The values are made here as raw samples, `gdal_translate` (the independent
//! writer) stores them in each layout, and every pixel read back must be the one written:
//! each populated pixel a cell `r<row>c<col>` with its value, nothing else, and the totals of
//! `raster::scan` those of the raw samples.
//!
//! Skips (with a note) when GDAL is not installed, but fails when the `CI` environment variable
//! is set: CI installs it (`apt-get install -y gdal-bin`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use schoolplan::config::LayerSpec;
use schoolplan::io::features::FileProblems;
use schoolplan::io::formats::{raster, read_layer_data, read_records, Format, LayerData};

const W: usize = 301;
const H: usize = 170;
const NODATA: f64 = -9999.0;

fn have_gdal() -> bool {
    schoolplan_testkit::tools::have(&["gdal_translate"], "gdal-bin", "the GeoTIFF decoder test")
}

/// The pixel values: people with fractions (integers for integer types), zeros, nodata over
/// a corner, and an all-nodata stripe of rows (sparse tiles when GDAL may skip them).
fn values(int: bool, max: f64) -> Vec<f64> {
    let mut s: u64 = 42;
    (0..W * H)
        .map(|i| {
            let (r, c) = (i / W, i % W);
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            if r + c < 40 || (100..140).contains(&r) {
                NODATA
            } else if u < 0.2 {
                0.0
            } else if int {
                (u * max).floor()
            } else {
                ((u * max * 1000.0).round() / 1000.0) as f32 as f64
            }
        })
        .collect()
}

/// Writes `vals` as raw little-endian samples of GDAL type `ty` with a VRT over them, and
/// converts it with `gdal_translate` and `opts` into `out`. `bands` > 1 repeats the band
/// with the values doubled in the second.
fn write_tiff(dir: &Path, vals: &[f64], ty: &str, bands: usize, opts: &[&str], out: &str) {
    let size = match ty {
        "Byte" | "Int8" => 1,
        "Int16" | "UInt16" => 2,
        "Int32" | "UInt32" | "Float32" => 4,
        _ => 8,
    };
    let mut raw = Vec::with_capacity(vals.len() * size * bands);
    for b in 0..bands {
        for &v in vals {
            let v = if b == 1 && v != NODATA { v * 2.0 } else { v };
            let v = if v == NODATA && matches!(ty, "Byte" | "UInt16" | "UInt32") {
                255.0
            } else {
                v
            };
            match ty {
                "Byte" => raw.push(v as u8),
                "Int8" => raw.push(v as i8 as u8),
                "Int16" => raw.extend((v as i16).to_le_bytes()),
                "UInt16" => raw.extend((v as u16).to_le_bytes()),
                "Int32" => raw.extend((v as i32).to_le_bytes()),
                "UInt32" => raw.extend((v as u32).to_le_bytes()),
                "Float32" => raw.extend((v as f32).to_le_bytes()),
                _ => raw.extend(v.to_le_bytes()),
            }
        }
    }
    std::fs::write(dir.join("src.raw"), raw).unwrap();
    let nodata = if matches!(ty, "Byte" | "UInt16" | "UInt32") {
        255.0
    } else {
        NODATA
    };
    let band_xml: String = (0..bands)
        .map(|b| {
            format!(
                r#"<VRTRasterBand dataType="{ty}" band="{}" subClass="VRTRawRasterBand">
    <NoDataValue>{nodata}</NoDataValue>
    <SourceFilename relativeToVRT="1">src.raw</SourceFilename>
    <ImageOffset>{}</ImageOffset><PixelOffset>{size}</PixelOffset><LineOffset>{}</LineOffset>
    <ByteOrder>LSB</ByteOrder>
  </VRTRasterBand>"#,
                b + 1,
                b * W * H * size,
                W * size
            )
        })
        .collect();
    std::fs::write(
        dir.join("src.vrt"),
        format!(
            r#"<VRTDataset rasterXSize="{W}" rasterYSize="{H}">
  <SRS>EPSG:4326</SRS>
  <GeoTransform>123.5, 0.001, 0, 42.0, 0, -0.001</GeoTransform>
  {band_xml}
</VRTDataset>"#
        ),
    )
    .unwrap();
    let o = Command::new("gdal_translate")
        .arg("-q")
        .args(opts)
        .arg(dir.join("src.vrt"))
        .arg(dir.join(out))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "gdal_translate {opts:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every populated pixel as a cell with its value, through the records and through the
/// loader's compact cells; both must hold exactly the expected pixels.
fn check(dir: &Path, file: &str, band: u32, expected: &[f64], nodata: f64, what: &str) {
    let path = dir.join(file);
    let spec = LayerSpec {
        path: path.clone(),
        band: Some(band),
        ..LayerSpec::default()
    };
    let want: BTreeMap<String, f64> = expected
        .iter()
        .enumerate()
        .filter(|(_, &v)| v != nodata && v > 0.0)
        .map(|(i, &v)| (format!("r{}c{}", i / W, i % W), v))
        .collect();
    assert!(want.len() > 10_000, "{what}: a test with pixels");
    let mut fp = FileProblems::new(&path);
    let recs = read_records(&spec, "id", None, &mut fp).unwrap_or_default();
    assert!(fp.problems.is_empty(), "{what}: {:?}", fp.problems);
    let got: BTreeMap<String, f64> = recs
        .iter()
        .map(|r| {
            let v = r.props["pop_total"].as_f64().unwrap();
            (r.id.clone().unwrap(), v)
        })
        .collect();
    assert_eq!(got.len(), want.len(), "{what}: populated pixels");
    for (id, v) in &want {
        let g = got
            .get(id)
            .unwrap_or_else(|| panic!("{what}: {id} missing"));
        assert!((g - v).abs() < 1e-6, "{what}: {id} read {g}, written {v}");
    }
    let mut fp = FileProblems::new(&path);
    let (data, _) = read_layer_data(&spec, "id", None, &mut fp);
    let Some(LayerData::Raster(cells)) = data else {
        panic!("{what}: compact cells expected")
    };
    assert_eq!(cells.len(), want.len(), "{what}: compact cells");
    for i in 0..cells.len() {
        assert_eq!(cells.pop_total(i), Some(got[&cells.id(i)]), "{what}");
    }
    // The whole-band scan counts the same pixels.
    let t = raster::scan(&path, Format::Geotiff, band).unwrap();
    let valued = expected.iter().filter(|&&v| v != nodata).count() as u64;
    let sum: f64 = want.values().sum();
    assert_eq!((t.width, t.height), (W, H), "{what}");
    assert_eq!(t.valued, valued, "{what}: valued pixels");
    assert_eq!(t.populated, want.len() as u64, "{what}: populated pixels");
    assert!(
        (t.sum - sum).abs() < 1e-6 * sum,
        "{what}: {} against {sum}",
        t.sum
    );
}

#[test]
fn layouts_gdal_writes_read_back_pixel_for_pixel() {
    if !have_gdal() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let float = values(false, 40.0);
    let layouts: &[(&str, &[&str])] = &[
        (
            "tiled deflate",
            &[
                "-co",
                "TILED=YES",
                "-co",
                "BLOCKXSIZE=64",
                "-co",
                "BLOCKYSIZE=32",
                "-co",
                "COMPRESS=DEFLATE",
            ],
        ),
        (
            "tiled deflate, floating-point predictor",
            &[
                "-co",
                "TILED=YES",
                "-co",
                "COMPRESS=DEFLATE",
                "-co",
                "PREDICTOR=3",
                "-co",
                "BLOCKXSIZE=128",
                "-co",
                "BLOCKYSIZE=64",
            ],
        ),
        (
            "striped LZW, floating-point predictor",
            &[
                "-co",
                "COMPRESS=LZW",
                "-co",
                "PREDICTOR=3",
                "-co",
                "BLOCKYSIZE=7",
            ],
        ),
        ("striped uncompressed", &["-co", "BLOCKYSIZE=16"]),
        (
            "striped PackBits",
            &["-co", "COMPRESS=PACKBITS", "-co", "BLOCKYSIZE=5"],
        ),
        (
            "tiled big-endian deflate",
            &[
                "-co",
                "TILED=YES",
                "-co",
                "COMPRESS=DEFLATE",
                "-co",
                "ENDIANNESS=BIG",
            ],
        ),
        (
            "sparse tiles (nodata rows not written)",
            &[
                "-co",
                "TILED=YES",
                "-co",
                "BLOCKXSIZE=32",
                "-co",
                "BLOCKYSIZE=16",
                "-co",
                "SPARSE_OK=TRUE",
                "-co",
                "COMPRESS=DEFLATE",
            ],
        ),
    ];
    for (i, (what, opts)) in layouts.iter().enumerate() {
        let file = format!("f{i}.tif");
        write_tiff(dir, &float, "Float32", 1, opts, &file);
        check(dir, &file, 1, &float, NODATA, &format!("Float32 {what}"));
    }
    // Float64 with the floating-point predictor.
    write_tiff(
        dir,
        &float,
        "Float64",
        1,
        &[
            "-co",
            "COMPRESS=DEFLATE",
            "-co",
            "PREDICTOR=3",
            "-co",
            "TILED=YES",
        ],
        "f64.tif",
    );
    check(dir, "f64.tif", 1, &float, NODATA, "Float64 predictor 3");
    // Integers with the horizontal predictor, tiled and striped.
    for (ty, max) in [
        ("Int16", 3000.0),
        ("Int32", 100_000.0),
        ("UInt16", 200.0),
        ("Byte", 200.0),
    ] {
        let ints = values(true, max);
        let nodata = if matches!(ty, "Byte" | "UInt16") {
            255.0
        } else {
            NODATA
        };
        let ints: Vec<f64> = ints
            .iter()
            .map(|&v| if v == NODATA { nodata } else { v })
            .collect();
        for (what, opts) in [
            (
                "tiled deflate, predictor 2",
                &[
                    "-co",
                    "TILED=YES",
                    "-co",
                    "COMPRESS=DEFLATE",
                    "-co",
                    "PREDICTOR=2",
                    "-co",
                    "BLOCKXSIZE=48",
                    "-co",
                    "BLOCKYSIZE=48",
                ][..],
            ),
            (
                "striped LZW, predictor 2",
                &[
                    "-co",
                    "COMPRESS=LZW",
                    "-co",
                    "PREDICTOR=2",
                    "-co",
                    "BLOCKYSIZE=9",
                ][..],
            ),
        ] {
            let file = format!("{ty}.tif");
            write_tiff(dir, &ints, ty, 1, opts, &file);
            check(dir, &file, 1, &ints, nodata, &format!("{ty} {what}"));
        }
    }
    // Two bands, pixel- and band-interleaved: band 2 holds the values doubled.
    let doubled: Vec<f64> = float
        .iter()
        .map(|&v| if v == NODATA { v } else { v * 2.0 })
        .collect();
    for (what, opts) in [
        (
            "pixel-interleaved",
            &[
                "-co",
                "TILED=YES",
                "-co",
                "COMPRESS=DEFLATE",
                "-co",
                "INTERLEAVE=PIXEL",
            ][..],
        ),
        (
            "band-interleaved",
            &[
                "-co",
                "COMPRESS=LZW",
                "-co",
                "INTERLEAVE=BAND",
                "-co",
                "BLOCKYSIZE=11",
            ][..],
        ),
    ] {
        write_tiff(dir, &float, "Float32", 2, opts, "two.tif");
        check(
            dir,
            "two.tif",
            1,
            &float,
            NODATA,
            &format!("band 1, {what}"),
        );
        check(
            dir,
            "two.tif",
            2,
            &doubled,
            NODATA,
            &format!("band 2, {what}"),
        );
    }
}
