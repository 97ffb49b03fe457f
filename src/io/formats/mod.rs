//! Input formats besides GeoJSON: GeoPackage, Shapefile, CSV / XLSX point tables, GeoTIFF and
//! ESRI ASCII population rasters, OpenStreetMap `.osm.pbf` roads.
//!
//! **One funnel.** Every reader turns its file into the same [`FeatureRecord`] list the GeoJSON
//! reader produces — properties as JSON values, geometry in WGS 84 degrees — so that the
//! per-feature property checks of [`crate::io::layers`] and their messages are shared by every
//! format. [`read_records`] is the one entry point; the layer loader calls it for every layer.
//!
//! 1. The format comes from `format = …` on the layer or the file extension ([`Format`]).
//! 2. The reader yields raw features in the file's own coordinates and the CRS the file
//!    declares (`.prj`, `gpkg_spatial_ref_sys`, GeoTIFF keys, GeoJSON `crs`); `crs = "EPSG:…"`
//!    on the layer overrides it, `datum = "gcj02"` refines lon/lat.
//! 3. [`finish`] checks the layer's extent against that CRS — numbers that look like another
//!    system are one error naming the likely system ([`crate::geodesy::crs`]) — renames
//!    `fields`, converts every coordinate to WGS 84 and runs the coordinate checks.
//!
//! Tables (CSV, XLSX) name **rows** (the header is row 1) in messages instead of feature indexes.
//! Their cells become typed JSON values by [`cell_value`]: numbers written canonically are
//! numbers (`"007"` stays text, so codes keep their zeros), `true`/`false` booleans, `[…]` JSON
//! arrays, empty cells null.

use std::collections::BTreeMap;
use std::path::Path;

use geo::{Coord, CoordsIter, Geometry, MapCoords, MultiPolygon};
use serde_json::{Map as JsonMap, Value};

use super::features::{check_coordinates, FeatureRecord, FileProblems};
use crate::config::LayerSpec;
use crate::error::{Problem, Severity};
use crate::geodesy::crs::Crs;
use crate::geodesy::datum::Datum;

pub mod dbf;
pub mod gpkg;
pub mod osm;
pub mod raster;
pub mod shp;
pub mod sqlite;
pub mod table;
pub mod wkb;

pub use crate::config::formats::{Format, RasterPart};
pub use raster::{PixelCell, RasterCells};

/// Where a population raster is cut: the WGS 84 extent and polygons of the areas (counties,
/// else townships). Pixels whose centre lies outside every polygon are skipped.
#[derive(Debug, Clone, Default)]
pub struct AreaMask {
    /// `[min_lon, min_lat, max_lon, max_lat]`.
    pub extent: Option<[f64; 4]>,
    /// Area polygons in WGS 84.
    pub polygons: Vec<MultiPolygon<f64>>,
}

impl AreaMask {
    /// The mask of already read area layers (the first non-empty one).
    pub fn from_records(layers: &[&[FeatureRecord]]) -> AreaMask {
        for records in layers {
            let polygons: Vec<MultiPolygon<f64>> = records
                .iter()
                .filter_map(|r| match r.geometry.as_ref()? {
                    Geometry::Polygon(p) => Some(MultiPolygon(vec![p.clone()])),
                    Geometry::MultiPolygon(m) => Some(m.clone()),
                    _ => None,
                })
                .collect();
            if polygons.is_empty() {
                continue;
            }
            let extent = extent_of(polygons.iter().flat_map(|m| m.coords_iter()));
            return AreaMask { extent, polygons };
        }
        AreaMask::default()
    }
}

/// What a layer's file is and how it was converted, for `validate`.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerInfo {
    /// Format name.
    pub format: String,
    /// The CRS read (or assumed), e.g. `EPSG:4549 CGCS2000 / 3-degree Gauss-Kruger CM 120E`.
    pub crs: String,
    /// Where the CRS came from: `.prj`, `gpkg_spatial_ref_sys`, `scenario`, `default`, …
    pub crs_source: String,
    /// The conversion applied to reach WGS 84.
    pub conversion: String,
}

/// A feature as a reader yields it: coordinates in the file's CRS.
#[derive(Debug, Clone, Default)]
pub struct RawFeature {
    /// Zero-based index (data row for tables).
    pub index: usize,
    /// Properties.
    pub props: JsonMap<String, Value>,
    /// Geometry in the file's CRS; `None` when missing (a problem was recorded, or is recorded
    /// by [`finish`] when `missing_geometry` says so).
    pub geometry: Option<Geometry<f64>>,
}

/// What a reader found: features and the CRS the file declares.
#[derive(Debug, Default)]
pub struct RawLayer {
    /// Features in file order.
    pub features: Vec<RawFeature>,
    /// The CRS the file declares and where it says so.
    pub declared: Option<(Crs, String)>,
}

/// Most positions kept in a [`RawSample`].
pub const MAX_SAMPLE: usize = 2000;

/// A vector layer's own numbers, kept for the cross-layer CRS check of the loader
/// (`io::layers::crs_check`): which CRS they were read in, where that came from, and up to
/// [`MAX_SAMPLE`] positions spread over the file, in the file's coordinates.
#[derive(Debug, Clone)]
pub struct RawSample {
    /// The CRS the layer was read in.
    pub crs: Crs,
    /// Where that CRS came from: `scenario \`crs\``, `.prj`, `gpkg_spatial_ref_sys`, `default`…
    pub crs_source: String,
    /// Positions in the file's own numbers.
    pub points: Vec<Coord<f64>>,
    /// The numbers did not fit `crs` at all (an error naming what they look like was recorded).
    pub misfit: bool,
}

/// Every `step`-th of `coords`, so that at most [`MAX_SAMPLE`] are kept.
fn sample_of(coords: Vec<Coord<f64>>) -> Vec<Coord<f64>> {
    let step = coords.len().div_ceil(MAX_SAMPLE).max(1);
    coords
        .into_iter()
        .step_by(step)
        .filter(|c| c.x.is_finite() && c.y.is_finite())
        .collect()
}

/// Reads any supported layer file into feature records (WGS 84). `None` (with problems
/// recorded) when the file cannot be read at all. `mask` cuts population rasters.
pub fn read_records(
    spec: &LayerSpec,
    id_field: &str,
    mask: Option<&AreaMask>,
    fp: &mut FileProblems,
) -> Option<Vec<FeatureRecord>> {
    let mut sample = None;
    match read_inner(spec, id_field, mask, fp, &mut sample, false)? {
        LayerData::Records(r) => Some(r),
        LayerData::Raster(_) => None,
    }
}

/// What a layer's file holds: feature records, or (population rasters read for the layer
/// loader) the compact [`RasterCells`].
#[derive(Debug)]
pub enum LayerData {
    /// Features in WGS 84, properties as JSON values.
    Records(Vec<FeatureRecord>),
    /// Populated pixels, for the loader, which checks their outlines as it goes (the checks
    /// of [`read_records`] on the polygons it makes).
    Raster(RasterCells),
}

/// [`read_records`], and for vector layers a [`RawSample`] of the file's own numbers. A
/// population raster comes back as [`LayerData::Raster`] when its properties need no
/// renaming (no `fields`, the default `id`): the loader makes demand cells from it
/// without a feature record per pixel.
pub fn read_layer_data(
    spec: &LayerSpec,
    id_field: &str,
    mask: Option<&AreaMask>,
    fp: &mut FileProblems,
) -> (Option<LayerData>, Option<RawSample>) {
    let mut sample = None;
    let data = read_inner(spec, id_field, mask, fp, &mut sample, true);
    (data, sample)
}

fn read_inner(
    spec: &LayerSpec,
    id_field: &str,
    mask: Option<&AreaMask>,
    fp: &mut FileProblems,
    sample: &mut Option<RawSample>,
    compact: bool,
) -> Option<LayerData> {
    // Regular files of a bounded size only, whatever the format: a FIFO or a device is refused
    // before anything opens it.
    let max = crate::io::input::MAX_LAYER_BYTES;
    if let Err(e) = crate::io::input::check_regular(&spec.path, max) {
        file_error(fp, "path", e.expected(max), e.found());
        return None;
    }
    let Some(format) = Format::of(spec) else {
        file_error(
            fp,
            "format",
            "a known format: .geojson, .gpkg, .shp, .csv, .xlsx, .tif, .asc, .osm.pbf (or `format = …` on the layer)",
            format!("the file name {:?}", spec.path.display().to_string()),
        );
        return None;
    };
    let scenario_crs = match spec.crs.as_deref().map(Crs::parse) {
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            file_error(fp, "crs", "a supported CRS in the scenario", e);
            return None;
        }
        None => None,
    };
    if format == Format::Geojson && scenario_crs.is_none() {
        return read_geojson(spec, id_field, fp, sample).map(LayerData::Records);
    }
    let raw = match format {
        Format::Geotiff | Format::Asc => {
            // Rasters convert their pixel corners themselves (the CRS is needed per pixel).
            let cells = raster::read_cells(spec, format, scenario_crs.as_ref(), mask, fp)?;
            effective_crs(spec, scenario_crs, Some(cells.crs()), fp)?;
            // The compact form when the cells' properties need no renaming and no field
            // takes the place of `id`, `pop_total` or another property (`fields`, a
            // `code_field`, a cohort raster not named `pop_<cohort>`): the loader then reads
            // them as the records below.
            let plain = spec.fields.is_empty()
                && id_field == "id"
                && cells
                    .fields
                    .iter()
                    .all(|f| f.starts_with("pop_") && f != "pop_total");
            if compact && plain {
                return Some(LayerData::Raster(cells));
            }
            let features = (0..cells.len()).map(|i| cells.feature(i)).collect();
            return Some(LayerData::Records(finish_converted(
                features, spec, id_field, fp,
            )));
        }
        Format::Geojson => geojson_raw(spec, fp)?,
        Format::Gpkg => gpkg::read(spec, fp)?,
        Format::Shapefile => shp::read(spec, fp)?,
        Format::Csv | Format::Xlsx => table::read(spec, format, fp)?,
        Format::OsmPbf => osm::read_masked(spec, mask.and_then(|m| m.extent), fp)?,
    };
    let source = crs_source(spec, scenario_crs.is_some(), raw.declared.as_ref());
    let crs = effective_crs(spec, scenario_crs, raw.declared.as_ref().map(|d| &d.0), fp)?;
    let points = sample_of(
        raw.features
            .iter()
            .filter_map(|f| f.geometry.as_ref())
            .flat_map(|g| g.coords_iter())
            .collect(),
    );
    let before = fp.problems.len();
    let out = finish(raw.features, &crs, spec, id_field, fp);
    let misfit = fp.problems[before..].iter().any(|p| {
        p.is_error() && p.feature_index.is_none() && p.property.as_deref() == Some("geometry")
    });
    *sample = Some(RawSample {
        crs,
        crs_source: source,
        points,
        misfit,
    });
    Some(LayerData::Records(out))
}

/// Where the CRS a layer is read in comes from, for messages.
fn crs_source(spec: &LayerSpec, scenario: bool, declared: Option<&(Crs, String)>) -> String {
    if scenario {
        "the scenario's `crs`".into()
    } else if let Some((_, from)) = declared {
        format!("from {from}")
    } else if spec.datum != Datum::Wgs84 {
        "the scenario's `datum`".into()
    } else {
        "the default, no CRS in the file or the scenario".into()
    }
}

/// The CRS to use: the scenario's, else the file's, else lon/lat in the layer's datum.
fn effective_crs(
    spec: &LayerSpec,
    scenario: Option<Crs>,
    declared: Option<&Crs>,
    fp: &mut FileProblems,
) -> Option<Crs> {
    let crs = scenario
        .or_else(|| declared.cloned())
        .unwrap_or_else(|| Crs::geographic(spec.datum));
    if spec.datum != Datum::Wgs84 {
        if crs.datum() == Some(Datum::Wgs84) {
            return Some(Crs::geographic(spec.datum));
        }
        if !crs.is_geographic() {
            file_error(
                fp,
                "datum",
                "`datum` only on lon/lat layers",
                format!(
                    "datum {} with projected CRS {}",
                    spec.datum.name(),
                    crs.label()
                ),
            );
            return None;
        }
    }
    Some(crs)
}

/// Describes a layer for `validate`: format, the CRS read and the conversion applied. Reads
/// only the file's header (or its `.prj`).
pub fn describe(spec: &LayerSpec) -> LayerInfo {
    let format = Format::of(spec);
    let mut fp = FileProblems::new(&spec.path);
    let (declared, source): (Option<Crs>, String) = match spec.crs.as_deref() {
        Some(c) => (Crs::parse(c).ok(), "scenario `crs`".into()),
        None => match format {
            Some(Format::Shapefile) => shp::declared_crs(&spec.path)
                .map(|c| (Some(c), ".prj".into()))
                .unwrap_or((None, "default (no .prj)".into())),
            Some(Format::Gpkg) => gpkg::declared_crs(spec)
                .map(|c| (Some(c), "gpkg_spatial_ref_sys".into()))
                .unwrap_or((None, "default".into())),
            Some(Format::Geotiff) => raster::declared_crs(&spec.path)
                .map(|c| (Some(c), "GeoTIFF keys".into()))
                .unwrap_or((None, "default".into())),
            Some(Format::Geojson) => geojson_declared(&spec.path)
                .map(|c| (Some(c), "GeoJSON `crs`".into()))
                .unwrap_or((None, "RFC 7946 default".into())),
            Some(Format::OsmPbf) => (
                Some(Crs::geographic(Datum::Wgs84)),
                "OSM (always WGS 84)".into(),
            ),
            _ => (None, "default".into()),
        },
    };
    let crs = effective_crs(spec, declared, None, &mut fp)
        .unwrap_or_else(|| Crs::geographic(Datum::Wgs84));
    let source = if spec.datum != Datum::Wgs84 && spec.crs.is_none() && crs.is_geographic() {
        "scenario `datum`".into()
    } else {
        source
    };
    LayerInfo {
        format: format.map_or("unknown", Format::name).to_string(),
        crs: crs.label(),
        crs_source: source,
        conversion: crs.conversion(),
    }
}

/// Records a file-level error on `property`.
pub fn file_error(
    fp: &mut FileProblems,
    property: &str,
    expected: impl Into<String>,
    found: impl Into<String>,
) {
    let p = Problem::file(Severity::Error, fp.file.clone(), expected, found).on_property(property);
    fp.problems.push(p);
}

/// The bounding box `[min_x, min_y, max_x, max_y]` of finite coordinates.
pub fn extent_of(coords: impl Iterator<Item = Coord<f64>>) -> Option<[f64; 4]> {
    let mut e: Option<[f64; 4]> = None;
    for c in coords {
        if !(c.x.is_finite() && c.y.is_finite()) {
            continue;
        }
        e = Some(match e {
            None => [c.x, c.y, c.x, c.y],
            Some([a, b, cc, d]) => [a.min(c.x), b.min(c.y), cc.max(c.x), d.max(c.y)],
        });
    }
    e
}

/// Checks the extent against the CRS, renames fields, converts to WGS 84 and checks
/// coordinates: raw features become feature records.
pub fn finish(
    raw: Vec<RawFeature>,
    crs: &Crs,
    spec: &LayerSpec,
    id_field: &str,
    fp: &mut FileProblems,
) -> Vec<FeatureRecord> {
    let ext = extent_of(
        raw.iter()
            .filter_map(|f| f.geometry.as_ref())
            .flat_map(|g| g.coords_iter()),
    );
    if let Some(ext) = ext {
        if let Err(e) = crs.check_extent(ext) {
            let (expected, found) = split_expected(&e);
            fp.problems.push(
                Problem::file(Severity::Error, fp.file.clone(), expected, found)
                    .on_property("geometry"),
            );
            return Vec::new();
        }
    }
    let mut out = Vec::with_capacity(raw.len());
    for f in raw {
        let mut rec = to_record(f, spec, id_field);
        if let Some(g) = rec.geometry.take() {
            let failed = std::cell::Cell::new(None::<Coord<f64>>);
            let converted = g.map_coords(|c| match crs.to_wgs84(c.x, c.y) {
                Some((x, y)) => Coord { x, y },
                None => {
                    if failed.get().is_none() {
                        failed.set(Some(c));
                    }
                    Coord {
                        x: f64::NAN,
                        y: f64::NAN,
                    }
                }
            });
            let failed = failed.get();
            if let Some(c) = failed {
                fp.error(
                    &rec,
                    "geometry",
                    format!("coordinates of {}", crs.label()),
                    format!("({}, {}), which cannot be converted to lon/lat", c.x, c.y),
                );
            } else if check_coordinates(&converted, &rec, fp) {
                rec.geometry = Some(converted);
            }
        }
        out.push(rec);
    }
    out
}

/// Splits a `check_extent` message "X, found Y…" into expected and found.
fn split_expected(msg: &str) -> (String, String) {
    match msg.split_once(", found ") {
        Some((a, b)) => (a.to_string(), b.to_string()),
        None => (msg.to_string(), "other numbers".to_string()),
    }
}

/// Raw features already in WGS 84 (rasters): rename fields and check coordinates.
fn finish_converted(
    raw: Vec<RawFeature>,
    spec: &LayerSpec,
    id_field: &str,
    fp: &mut FileProblems,
) -> Vec<FeatureRecord> {
    raw.into_iter()
        .map(|f| {
            let mut rec = to_record(f, spec, id_field);
            if let Some(g) = rec.geometry.take() {
                if check_coordinates(&g, &rec, fp) {
                    rec.geometry = Some(g);
                }
            }
            rec
        })
        .collect()
}

fn to_record(f: RawFeature, spec: &LayerSpec, id_field: &str) -> FeatureRecord {
    let mut props = f.props;
    for (canonical, column) in &spec.fields {
        if let Some(v) = props.remove(column) {
            props.insert(canonical.clone(), v);
        }
    }
    let id = match props.get(id_field) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    FeatureRecord {
        index: f.index,
        id,
        props,
        geometry: f.geometry,
    }
}

/// Turns a table cell's text into a JSON value: canonical numbers become numbers (`"007"`,
/// `"+5"` and `"1,000"` stay text), `true` / `false` booleans, `[…]` JSON arrays, GDAL's list
/// text `(3:1,2,3)` an array, empty text null; anything else is text.
pub fn cell_value(text: &str) -> Value {
    let t = text.trim();
    if t.is_empty() {
        return Value::Null;
    }
    match t {
        "true" | "TRUE" | "True" => return Value::Bool(true),
        "false" | "FALSE" | "False" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = canonical_number(t) {
        return n;
    }
    if t.starts_with('[') && t.ends_with(']') {
        if let Ok(v @ Value::Array(_)) = serde_json::from_str::<Value>(t) {
            return v;
        }
    }
    if let Some(inner) = t.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        if let Some((n, list)) = inner.split_once(':') {
            if let Ok(n) = n.parse::<usize>() {
                let items: Vec<Value> = list
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| canonical_number(s.trim()).unwrap_or(Value::String(s.to_string())))
                    .collect();
                if items.len() == n {
                    return Value::Array(items);
                }
            }
        }
    }
    Value::String(t.to_string())
}

/// A number written canonically (no leading zeros or plus sign), as a JSON number.
pub fn canonical_number(t: &str) -> Option<Value> {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let first = digits.chars().next()?;
    if !first.is_ascii_digit() {
        return None;
    }
    let int_part = digits.split(['.', 'e', 'E']).next().unwrap_or("");
    if int_part.len() > 1 && int_part.starts_with('0') {
        return None;
    }
    if !digits
        .chars()
        .all(|c| c.is_ascii_digit() || ".eE-+".contains(c))
    {
        return None;
    }
    if let Ok(i) = t.parse::<i64>() {
        return Some(Value::from(i));
    }
    let f: f64 = t.parse().ok()?;
    number_value(f)
}

/// A finite float as a JSON number: integral values within ±2⁵³ as integers.
pub fn number_value(f: f64) -> Option<Value> {
    if !f.is_finite() {
        return None;
    }
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        return Some(Value::from(f as i64));
    }
    serde_json::Number::from_f64(f).map(Value::Number)
}

/// GeoJSON with the layer's datum, read by [`super::features`], after checking the extent
/// against the CRS the file declares (a `crs` member) or lon/lat.
fn read_geojson(
    spec: &LayerSpec,
    id_field: &str,
    fp: &mut FileProblems,
    sample: &mut Option<RawSample>,
) -> Option<Vec<FeatureRecord>> {
    let mut root = super::features::read_json(&spec.path, fp)?;
    let declared = match root.get("crs").map(crs_member) {
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            file_error(fp, "crs", "a supported CRS in the GeoJSON `crs` member", e);
            return None;
        }
        None => None,
    };
    let source = match &declared {
        Some(_) => "from the GeoJSON `crs` member".to_string(),
        None if spec.datum != Datum::Wgs84 => "the scenario's `datum`".to_string(),
        None => "the RFC 7946 default".to_string(),
    };
    let crs = effective_crs(spec, None, declared.as_ref(), fp)?;
    let coords = json_coords(&root);
    let ext = extent_of(coords.iter().copied());
    let misfit = ext.and_then(|ext| crs.check_extent(ext).err());
    *sample = Some(RawSample {
        crs: crs.clone(),
        crs_source: source,
        points: sample_of(coords),
        misfit: misfit.is_some(),
    });
    if let Some(e) = misfit {
        let (expected, found) = split_expected(&e);
        fp.problems.push(
            Problem::file(Severity::Error, fp.file.clone(), expected, found)
                .on_property("geometry"),
        );
        return None;
    }
    match crs.datum() {
        Some(datum) => super::features::features_from_value(&root, datum, id_field, fp),
        None => {
            project_json(&mut root, &crs);
            super::features::features_from_value(&root, Datum::Wgs84, id_field, fp)
        }
    }
}

/// GeoJSON read through the raw path (with a scenario `crs`).
fn geojson_raw(spec: &LayerSpec, fp: &mut FileProblems) -> Option<RawLayer> {
    let root = super::features::read_json(&spec.path, fp)?;
    let mut tmp = FileProblems::new(&spec.path);
    let recs = super::features::features_from_value(&root, Datum::Wgs84, "\u{0}", &mut tmp);
    // Coordinates are not lon/lat here: drop the range problems, keep the structural ones.
    fp.problems.extend(
        tmp.problems
            .into_iter()
            .filter(|p| !(p.property.as_deref() == Some("geometry") && p.expected.contains("lon"))),
    );
    // Re-read geometries without the lon/lat checks.
    let features = root.get("features").and_then(Value::as_array)?;
    let recs = recs?;
    let mut out = Vec::with_capacity(recs.len());
    for (rec, f) in recs.into_iter().zip(features) {
        let geometry = f
            .get("geometry")
            .and_then(|g| serde_json::from_value::<geojson::Geometry>(g.clone()).ok())
            .and_then(|g| Geometry::<f64>::try_from(&g.value).ok());
        out.push(RawFeature {
            index: rec.index,
            props: rec.props,
            geometry,
        });
    }
    Some(RawLayer {
        features: out,
        declared: None,
    })
}

/// The CRS of a GeoJSON file's (pre-RFC 7946) `crs` member, when it has one.
fn geojson_declared(path: &Path) -> Option<Crs> {
    let text = std::fs::read(path).ok()?;
    let root: Value = serde_json::from_slice(&text).ok()?;
    root.get("crs").map(crs_member)?.ok()
}

fn crs_member(v: &Value) -> Result<Crs, String> {
    let name = v
        .get("properties")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| format!("a named CRS, found {v}"))?;
    Crs::parse(name)
}

/// Every position of every geometry of a FeatureCollection.
fn json_coords(root: &Value) -> Vec<Coord<f64>> {
    fn walk(v: &Value, out: &mut Vec<Coord<f64>>) {
        if let Value::Array(a) = v {
            if a.len() >= 2 && a[0].is_number() && a[1].is_number() {
                if let (Some(x), Some(y)) = (a[0].as_f64(), a[1].as_f64()) {
                    out.push(Coord { x, y });
                }
            } else {
                for x in a {
                    walk(x, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    if let Some(Value::Array(fs)) = root.get("features") {
        for f in fs {
            if let Some(c) = f.get("geometry").and_then(|g| g.get("coordinates")) {
                walk(c, &mut out);
            }
        }
    }
    out
}

/// Converts every position of a FeatureCollection in place from `crs` to WGS 84 (positions
/// that cannot be converted are left as they are, for the range checks to report).
fn project_json(root: &mut Value, crs: &Crs) {
    fn walk(v: &mut Value, crs: &Crs) {
        if let Value::Array(a) = v {
            if a.len() >= 2 && a[0].is_number() && a[1].is_number() {
                if let (Some(x), Some(y)) = (a[0].as_f64(), a[1].as_f64()) {
                    if let Some((lon, lat)) = crs.to_wgs84(x, y) {
                        if let (Some(x), Some(y)) = (
                            serde_json::Number::from_f64(lon),
                            serde_json::Number::from_f64(lat),
                        ) {
                            a[0] = Value::Number(x);
                            a[1] = Value::Number(y);
                        }
                    }
                }
            } else {
                for x in a {
                    walk(x, crs);
                }
            }
        }
    }
    if let Some(Value::Array(fs)) = root.get_mut("features") {
        for f in fs {
            if let Some(c) = f.get_mut("geometry").and_then(|g| g.get_mut("coordinates")) {
                walk(c, crs);
            }
        }
    }
}

/// A map of column names for messages ("columns: a, b, c").
pub fn list_columns<'a>(cols: impl Iterator<Item = &'a String>) -> String {
    let v: Vec<&str> = cols.map(String::as_str).collect();
    if v.is_empty() {
        "no columns".into()
    } else {
        format!("columns {}", v.join(", "))
    }
}

/// Renames applied by `fields`, reversed: column name → property name.
pub fn reverse_fields(spec: &LayerSpec) -> BTreeMap<&str, &str> {
    spec.fields
        .iter()
        .map(|(k, v)| (v.as_str(), k.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_become_typed_values() {
        assert_eq!(cell_value(" 360 "), Value::from(360));
        assert_eq!(cell_value("1.5"), serde_json::json!(1.5));
        assert_eq!(cell_value("990101001"), Value::from(990101001_i64));
        assert_eq!(cell_value("007"), Value::from("007"));
        assert_eq!(cell_value("+5"), Value::from("+5"));
        assert_eq!(cell_value("1,000"), Value::from("1,000"));
        assert_eq!(cell_value("NaN"), Value::from("NaN"));
        assert_eq!(cell_value("inf"), Value::from("inf"));
        assert_eq!(cell_value("-0.25"), serde_json::json!(-0.25));
        assert_eq!(cell_value("TRUE"), Value::Bool(true));
        assert_eq!(cell_value(""), Value::Null);
        assert_eq!(cell_value("[28,30]"), serde_json::json!([28, 30]));
        assert_eq!(cell_value("(3:28,30,31)"), serde_json::json!([28, 30, 31]));
        assert_eq!(cell_value("(2:28)"), Value::from("(2:28)"));
        assert_eq!(cell_value("k01"), Value::from("k01"));
        assert_eq!(cell_value("3.0"), Value::from(3));
    }

    #[test]
    fn formats_from_names() {
        assert_eq!(
            Format::from_path(Path::new("a/roads.osm.pbf")),
            Some(Format::OsmPbf)
        );
        assert_eq!(
            Format::from_path(Path::new("a/B.SHP")),
            Some(Format::Shapefile)
        );
        assert_eq!(Format::from_path(Path::new("x.tif")), Some(Format::Geotiff));
        assert_eq!(Format::from_path(Path::new("x.dat")), None);
    }
}
