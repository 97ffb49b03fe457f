//! GeoPackage vector layers (OGC 12-128r18), read with [`super::sqlite`].
//!
//! The feature tables are listed in `gpkg_contents` (`data_type = 'features'`) and
//! `gpkg_geometry_columns` (geometry column and SRS id); `layer = "…"` picks one when there are
//! several. The CRS is the SRS row of `gpkg_spatial_ref_sys`: its EPSG code
//! (`organization = 'EPSG'`), else its WKT definition. Geometry blobs are the GeoPackage header
//! plus WKB ([`super::wkb`]). Every other column becomes a property: integers and reals as
//! numbers (integral reals as integers), text as text except lists (GDAL writes list fields as
//! JSON text or `(N:a,b,…)`), which become arrays; BLOBs as their length.

use serde_json::{Map as JsonMap, Value};

use super::sqlite::{Database, SqlValue, TableInfo};
use super::{cell_value, file_error, number_value, wkb, RawFeature, RawLayer};
use crate::config::LayerSpec;
use crate::error::{Problem, Severity};
use crate::geodesy::crs::Crs;
use crate::io::features::FileProblems;

struct Layer {
    table: TableInfo,
    geom_col: usize,
    srs_id: Option<i64>,
}

fn text(v: Option<&SqlValue>) -> String {
    match v {
        Some(SqlValue::Text(s)) => s.clone(),
        Some(SqlValue::Int(i)) => i.to_string(),
        _ => String::new(),
    }
}

/// Finds the feature table and its geometry column.
fn layer(db: &Database, spec: &LayerSpec) -> Result<Layer, (String, String, String)> {
    let e = |prop: &str, exp: String, found: String| (prop.to_string(), exp, found);
    let gc = db
        .table("gpkg_geometry_columns")
        .map_err(|m| e("file", "a readable GeoPackage".into(), m))?
        .ok_or_else(|| {
            e(
                "file",
                "a GeoPackage (a gpkg_geometry_columns table)".into(),
                "an SQLite file without it".into(),
            )
        })?;
    let rows = db
        .select(&gc)
        .map_err(|m| e("file", "a readable gpkg_geometry_columns".into(), m))?;
    let col = |name: &str| gc.columns.iter().position(|c| c.eq_ignore_ascii_case(name));
    let (Some(tn), Some(cn), srs) = (col("table_name"), col("column_name"), col("srs_id")) else {
        return Err(e(
            "file",
            "gpkg_geometry_columns with table_name and column_name".into(),
            format!("columns {}", gc.columns.join(", ")),
        ));
    };
    let layers: Vec<(String, String, Option<i64>)> = rows
        .iter()
        .map(|r| {
            let srs_id = srs.and_then(|i| match r.get(i) {
                Some(SqlValue::Int(v)) => Some(*v),
                _ => None,
            });
            (text(r.get(tn)), text(r.get(cn)), srs_id)
        })
        .collect();
    let names: Vec<&str> = layers.iter().map(|l| l.0.as_str()).collect();
    let chosen = match &spec.layer {
        Some(l) => layers
            .iter()
            .find(|x| x.0.eq_ignore_ascii_case(l))
            .ok_or_else(|| {
                e(
                    "layer",
                    format!("a feature table named {l:?}"),
                    format!("feature tables {}", names.join(", ")),
                )
            })?,
        None => match layers.as_slice() {
            [one] => one,
            [] => {
                return Err(e(
                    "layer",
                    "a feature table".into(),
                    "a GeoPackage without feature tables".into(),
                ))
            }
            _ => {
                return Err(e(
                    "layer",
                    "`layer = \"…\"` on the scenario layer, naming one of its feature tables"
                        .into(),
                    format!("{} feature tables: {}", layers.len(), names.join(", ")),
                ))
            }
        },
    };
    let table = db
        .table(&chosen.0)
        .map_err(|m| e("file", format!("a readable table {:?}", chosen.0), m))?
        .ok_or_else(|| {
            e(
                "layer",
                format!("the table {:?} listed in gpkg_geometry_columns", chosen.0),
                "no such table".into(),
            )
        })?;
    let geom_col = table
        .columns
        .iter()
        .position(|c| c.eq_ignore_ascii_case(&chosen.1))
        .ok_or_else(|| {
            e(
                "geometry",
                format!("the geometry column {:?}", chosen.1),
                format!("columns {}", table.columns.join(", ")),
            )
        })?;
    Ok(Layer {
        table,
        geom_col,
        srs_id: chosen.2,
    })
}

/// The CRS of an SRS id from `gpkg_spatial_ref_sys`.
fn srs(db: &Database, srs_id: i64) -> Result<Option<Crs>, String> {
    // GeoPackage's reserved ids: -1 undefined Cartesian, 0 undefined geographic.
    if srs_id == 0 || srs_id == -1 {
        return Ok(None);
    }
    let Some(t) = db.table("gpkg_spatial_ref_sys")? else {
        return Ok(None);
    };
    let col = |name: &str| t.columns.iter().position(|c| c.eq_ignore_ascii_case(name));
    let rows = db.select(&t)?;
    let (id_c, org_c, code_c, def_c) = (
        col("srs_id"),
        col("organization"),
        col("organization_coordsys_id"),
        col("definition"),
    );
    for r in rows {
        if id_c.and_then(|i| r.get(i)) != Some(&SqlValue::Int(srs_id)) {
            continue;
        }
        let org = text(org_c.and_then(|i| r.get(i)));
        let code = match code_c.and_then(|i| r.get(i)) {
            Some(SqlValue::Int(c)) => Some(*c),
            _ => None,
        };
        if org.eq_ignore_ascii_case("EPSG") {
            if let Some(c) = code.and_then(|c| u32::try_from(c).ok()) {
                if let Ok(crs) = Crs::from_epsg(c) {
                    return Ok(Some(crs));
                }
            }
        }
        let def = text(def_c.and_then(|i| r.get(i)));
        return Crs::from_wkt(&def)
            .map(Some)
            .map_err(|e| format!("SRS {srs_id} ({org} {}): {e}", code.unwrap_or(0)));
    }
    Err(format!(
        "an SRS row with srs_id {srs_id} in gpkg_spatial_ref_sys"
    ))
}

/// The CRS a GeoPackage layer declares.
pub fn declared_crs(spec: &LayerSpec) -> Option<Crs> {
    let db = Database::open(&spec.path).ok()?;
    let l = layer(&db, spec).ok()?;
    srs(&db, l.srs_id?).ok()?
}

/// Reads a GeoPackage feature table.
pub fn read(spec: &LayerSpec, fp: &mut FileProblems) -> Option<RawLayer> {
    let db = match Database::open(&spec.path) {
        Ok(d) => d,
        Err(e) => {
            file_error(fp, "file", "a GeoPackage (SQLite) file", e);
            return None;
        }
    };
    let l = match layer(&db, spec) {
        Ok(l) => l,
        Err((prop, exp, found)) => {
            file_error(fp, &prop, exp, found);
            return None;
        }
    };
    let declared = match l.srs_id.map(|id| srs(&db, id)) {
        Some(Ok(Some(c))) => Some((
            c,
            format!("gpkg_spatial_ref_sys (srs_id {})", l.srs_id.unwrap_or(0)),
        )),
        Some(Ok(None)) | None => None,
        Some(Err(e)) => {
            file_error(fp, "crs", "a supported CRS (or `crs` on the layer)", e);
            return None;
        }
    };
    let rows = match db.select(&l.table) {
        Ok(r) => r,
        Err(e) => {
            file_error(
                fp,
                "file",
                format!("a readable table {:?}", l.table.name),
                e,
            );
            return None;
        }
    };
    let mut features = Vec::with_capacity(rows.len());
    for (index, row) in rows.into_iter().enumerate() {
        let mut props = JsonMap::new();
        let mut geometry = None;
        let mut problem = None;
        for (i, (name, v)) in l.table.columns.iter().zip(row).enumerate() {
            if i == l.geom_col {
                match v {
                    SqlValue::Blob(b) => match wkb::gpkg_body(&b).and_then(|(body, empty)| {
                        if empty {
                            Err("a non-empty geometry".to_string())
                        } else {
                            wkb::parse(body)
                        }
                    }) {
                        Ok(g) => geometry = Some(g),
                        Err(e) => problem = Some(("a readable geometry blob".to_string(), e)),
                    },
                    SqlValue::Null => {
                        problem = Some(("a geometry".to_string(), "none (NULL)".to_string()))
                    }
                    other => problem = Some(("a geometry blob".to_string(), format!("{other:?}"))),
                }
                continue;
            }
            if Some(i) == l.table.rowid_alias {
                // The feature id column (`fid`) is GeoPackage bookkeeping, not a property.
                continue;
            }
            let value = match v {
                SqlValue::Null => Value::Null,
                SqlValue::Int(n) => Value::from(n),
                SqlValue::Real(f) => number_value(f).unwrap_or(Value::Null),
                // Lists arrive as JSON text or GDAL's `(N:a,b,…)`; see `cell_value`.
                SqlValue::Text(s) => match cell_value(&s) {
                    v @ Value::Array(_) => v,
                    _ => Value::String(s),
                },
                SqlValue::Blob(b) => Value::String(format!("<blob of {} bytes>", b.len())),
            };
            props.insert(name.clone(), value);
        }
        if let Some((exp, found)) = problem {
            fp.problems.push(
                Problem::file(Severity::Error, fp.file.clone(), exp, found)
                    .at_feature(index, None)
                    .on_property("geometry"),
            );
        }
        features.push(RawFeature {
            index,
            props,
            geometry,
        });
    }
    Some(RawLayer { features, declared })
}
