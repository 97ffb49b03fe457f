//! ESRI Shapefiles: geometry from `.shp` (the `shapefile` crate), attributes from `.dbf`
//! ([`super::dbf`], with GBK decoding), CRS from `.prj` (WKT, [`crate::geodesy::crs`]).
//!
//! Records are matched by position: record *i* of the `.shp` has row *i* of the `.dbf`.
//! Polygon rings follow the Shapefile rule (outer rings clockwise, holes counter-clockwise
//! after their outer ring). Null shapes are reported as missing geometry. Field names are
//! at most 10 characters: `fields = { capacity_seats = "capacity_s" }` maps them back.

use std::path::{Path, PathBuf};

use geo::Geometry;

use super::{dbf, file_error, RawFeature, RawLayer};
use crate::config::LayerSpec;
use crate::error::{Problem, Severity};
use crate::geodesy::crs::Crs;
use crate::io::features::FileProblems;

fn sidecar(path: &Path, ext: &str) -> Option<PathBuf> {
    // `.dbf` / `.DBF`, as the `.shp` is spelled.
    let upper = path
        .extension()
        .is_some_and(|e| e.to_string_lossy().chars().all(|c| c.is_ascii_uppercase()));
    let first = path.with_extension(if upper {
        ext.to_ascii_uppercase()
    } else {
        ext.to_string()
    });
    if first.exists() {
        return Some(first);
    }
    let second = path.with_extension(if upper {
        ext.to_string()
    } else {
        ext.to_ascii_uppercase()
    });
    second.exists().then_some(second)
}

/// The CRS of the `.prj`, when there is one and it is readable.
pub fn declared_crs(path: &Path) -> Option<Crs> {
    let prj = std::fs::read_to_string(sidecar(path, "prj")?).ok()?;
    Crs::from_wkt(&prj).ok()
}

/// Reads a Shapefile.
pub fn read(spec: &LayerSpec, fp: &mut FileProblems) -> Option<RawLayer> {
    let path = &spec.path;
    let file = match std::fs::File::open(path) {
        Ok(f) => std::io::BufReader::new(f),
        Err(e) => {
            file_error(fp, "file", "a readable .shp file", e.to_string());
            return None;
        }
    };
    let mut reader = match shapefile::ShapeReader::new(file) {
        Ok(r) => r,
        Err(e) => {
            file_error(fp, "file", "a Shapefile (.shp) header", e.to_string());
            return None;
        }
    };
    let mut shapes: Vec<Result<Option<Geometry<f64>>, String>> = Vec::new();
    for s in reader.iter_shapes() {
        match s {
            Ok(shapefile::Shape::NullShape) => shapes.push(Ok(None)),
            Ok(shape) => shapes.push(
                Geometry::<f64>::try_from(shape)
                    .map(Some)
                    .map_err(|e| e.to_string()),
            ),
            Err(e) => {
                // A broken record ends the readable part of the file.
                shapes.push(Err(format!("an unreadable record: {e}")));
                break;
            }
        }
    }
    let Some(dbf_path) = sidecar(path, "dbf") else {
        file_error(
            fp,
            "file",
            "a .dbf file beside the .shp (the attributes)",
            "none",
        );
        return None;
    };
    let bytes = match std::fs::read(&dbf_path) {
        Ok(b) => b,
        Err(e) => {
            file_error(fp, "file", "a readable .dbf file", e.to_string());
            return None;
        }
    };
    let cpg = sidecar(path, "cpg").and_then(|p| std::fs::read_to_string(p).ok());
    let table = match dbf::parse(&bytes, spec.encoding.as_deref(), cpg.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            file_error(
                fp,
                "file",
                format!("a dBASE table ({})", dbf_path.display()),
                e,
            );
            return None;
        }
    };
    for (index, field, expected, found) in &table.problems {
        let mut p = Problem::file(
            Severity::Error,
            fp.file.clone(),
            expected.clone(),
            found.clone(),
        );
        if let Some(i) = index {
            p = p.at_feature(*i, None);
        }
        if !field.is_empty() {
            p = p.on_property(field.clone());
        }
        fp.problems.push(p);
    }
    if table.records.len() != shapes.len() {
        file_error(
            fp,
            "file",
            format!("as many .dbf records as shapes ({})", shapes.len()),
            format!("{} records", table.records.len()),
        );
    }
    let declared = match sidecar(path, "prj") {
        Some(prj) => match std::fs::read_to_string(&prj)
            .map_err(|e| e.to_string())
            .and_then(|w| Crs::from_wkt(&w))
        {
            Ok(c) => Some((c, ".prj".to_string())),
            Err(e) => {
                file_error(
                    fp,
                    "crs",
                    "a supported CRS in the .prj (or `crs` on the layer)",
                    e,
                );
                return None;
            }
        },
        None => None,
    };
    let mut features = Vec::new();
    for (index, (shape, rec)) in shapes.into_iter().zip(table.records).enumerate() {
        let Some(props) = rec else { continue }; // deleted record
        let mut f = RawFeature {
            index,
            props,
            geometry: None,
        };
        match shape {
            Ok(Some(g)) => f.geometry = Some(simplify(g)),
            Ok(None) => {}
            Err(e) => {
                fp.problems.push(
                    Problem::file(Severity::Error, fp.file.clone(), "a readable shape", e)
                        .at_feature(index, None)
                        .on_property("geometry"),
                );
            }
        }
        if f.geometry.is_none() {
            fp.problems.push(
                Problem::file(
                    Severity::Error,
                    fp.file.clone(),
                    "a geometry",
                    "a null shape",
                )
                .at_feature(index, None)
                .on_property("geometry"),
            );
        }
        features.push(f);
    }
    Some(RawLayer { features, declared })
}

/// Single-part multi-geometries as their part (a Shapefile polygon is always "multi").
fn simplify(g: Geometry<f64>) -> Geometry<f64> {
    match g {
        Geometry::MultiPolygon(mut m) if m.0.len() == 1 => Geometry::Polygon(m.0.remove(0)),
        Geometry::MultiLineString(mut m) if m.0.len() == 1 => Geometry::LineString(m.0.remove(0)),
        Geometry::MultiPoint(mut m) if m.0.len() == 1 => Geometry::Point(m.0.remove(0)),
        g => g,
    }
}
