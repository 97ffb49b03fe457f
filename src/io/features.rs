//! Reading GeoJSON features with per-feature context.
//!
//! Every check here records a [`Problem`] naming the file, the feature (index and id), the
//! property, what was expected and what was found, and carries on: a file's problems are all
//! reported at once. Coordinates are converted from the layer's datum to WGS 84 here, so that
//! everything downstream sees WGS 84 only.

use std::path::Path;

use geo::{Coord, Geometry, MapCoords};
use serde_json::{Map as JsonMap, Value};

use super::input;
use crate::error::{Problem, Severity};
use crate::geodesy::datum::Datum;

/// One feature of a layer, geometry in WGS 84.
#[derive(Debug, Clone)]
pub struct FeatureRecord {
    /// Zero-based index in the file.
    pub index: usize,
    /// The `id` property (or the layer's code field) as text, when present.
    pub id: Option<String>,
    /// The properties.
    pub props: JsonMap<String, Value>,
    /// The geometry in WGS 84 degrees; `None` when missing or unusable (a problem is recorded).
    pub geometry: Option<Geometry<f64>>,
}

/// Collects the problems of one file.
#[derive(Debug, Clone)]
pub struct FileProblems {
    /// The file, as shown in messages.
    pub file: String,
    /// Problems found so far.
    pub problems: Vec<Problem>,
    /// For tables (CSV, XLSX): the spreadsheet row of record 0; messages then name rows.
    pub row_base: Option<usize>,
}

impl FileProblems {
    /// A collector for `path`.
    pub fn new(path: &Path) -> Self {
        FileProblems {
            file: path.display().to_string(),
            problems: Vec::new(),
            row_base: None,
        }
    }

    /// Records a problem on a feature's property.
    pub fn feature(
        &mut self,
        severity: Severity,
        rec: &FeatureRecord,
        property: &str,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) {
        let mut p = Problem::file(severity, self.file.clone(), expected, found)
            .at_feature(rec.index, rec.id.as_deref())
            .on_property(property);
        if let Some(base) = self.row_base {
            p = p.at_row(rec.index + base);
        }
        self.problems.push(p);
    }

    /// Records an error on a feature's property.
    pub fn error(
        &mut self,
        rec: &FeatureRecord,
        property: &str,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) {
        self.feature(Severity::Error, rec, property, expected, found);
    }

    /// True when an error was recorded.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

/// Describes a JSON value briefly for "found …" messages.
pub fn describe(v: &Value) -> String {
    let s = match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(a) => format!("an array of {} item(s)", a.len()),
        Value::Object(_) => "an object".to_string(),
    };
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

/// Reads a GeoJSON FeatureCollection. Returns `None` (with a problem recorded) when the file
/// cannot be read or parsed at all.
pub fn read_features(
    path: &Path,
    datum: Datum,
    id_field: &str,
    fp: &mut FileProblems,
) -> Option<Vec<FeatureRecord>> {
    let root = read_json(path, fp)?;
    features_from_value(&root, datum, id_field, fp)
}

/// Reads and parses a JSON file; `None` (with a problem recorded) when it cannot be.
pub fn read_json(path: &Path, fp: &mut FileProblems) -> Option<Value> {
    let max = input::MAX_LAYER_BYTES;
    let text = match input::read_capped(path, max) {
        Ok(t) => t,
        Err(e) => {
            fp.problems.push(Problem::file(
                Severity::Error,
                fp.file.clone(),
                format!(
                    "a readable GeoJSON file (a regular file of at most {})",
                    input::human_bytes(max)
                ),
                e.found(),
            ));
            return None;
        }
    };
    match serde_json::from_slice(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            fp.problems.push(
                Problem::file(
                    Severity::Error,
                    fp.file.clone(),
                    "valid JSON",
                    e.to_string(),
                )
                .at_line(e.line(), e.column()),
            );
            None
        }
    }
}

/// The features of a parsed GeoJSON FeatureCollection (coordinates lon/lat in `datum`).
pub fn features_from_value(
    root: &Value,
    datum: Datum,
    id_field: &str,
    fp: &mut FileProblems,
) -> Option<Vec<FeatureRecord>> {
    let features = match (
        root.get("type").and_then(Value::as_str),
        root.get("features"),
    ) {
        (Some("FeatureCollection"), Some(Value::Array(f))) => f,
        _ => {
            let found = match root.get("type") {
                Some(t) => format!("a GeoJSON object of type {}", describe(t)),
                None => describe(root),
            };
            fp.problems.push(
                Problem::file(
                    Severity::Error,
                    fp.file.clone(),
                    "a FeatureCollection with a `features` array",
                    found,
                )
                .on_property("type"),
            );
            return None;
        }
    };
    Some(
        features
            .iter()
            .enumerate()
            .map(|(index, f)| read_feature(index, f, datum, id_field, fp))
            .collect(),
    )
}

fn read_feature(
    index: usize,
    f: &Value,
    datum: Datum,
    id_field: &str,
    fp: &mut FileProblems,
) -> FeatureRecord {
    let mut rec = FeatureRecord {
        index,
        id: None,
        props: JsonMap::new(),
        geometry: None,
    };
    let Some(obj) = f
        .as_object()
        .filter(|o| o.get("type").and_then(Value::as_str) == Some("Feature"))
    else {
        fp.error(&rec, "type", "a Feature object", describe(f));
        return rec;
    };
    match obj.get("properties") {
        Some(Value::Object(p)) => rec.props = p.clone(),
        None | Some(Value::Null) => {}
        Some(other) => fp.error(&rec, "properties", "an object", describe(other)),
    }
    rec.id = match rec.props.get(id_field) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    rec.geometry = read_geometry(obj.get("geometry"), &rec, datum, fp);
    rec
}

fn read_geometry(
    g: Option<&Value>,
    rec: &FeatureRecord,
    datum: Datum,
    fp: &mut FileProblems,
) -> Option<Geometry<f64>> {
    let g = match g {
        None | Some(Value::Null) => {
            fp.error(rec, "geometry", "a geometry", "none (null or missing)");
            return None;
        }
        Some(g) => g,
    };
    // Positions are checked on the raw JSON first: the conversion to `geo` types assumes at
    // least two numbers per position.
    if let Some((path, found)) = first_bad_position(g, "geometry") {
        fp.error(
            rec,
            &path,
            "a position of at least 2 finite numbers (lon, lat)",
            found,
        );
        return None;
    }
    let parsed = match serde_json::from_value::<geojson::Geometry>(g.clone()) {
        Ok(p) => p,
        Err(e) => {
            fp.error(rec, "geometry", "a valid GeoJSON geometry", e.to_string());
            return None;
        }
    };
    let geom: Geometry<f64> = match Geometry::<f64>::try_from(&parsed.value) {
        Ok(g) => g,
        Err(e) => {
            fp.error(rec, "geometry", "a convertible geometry", e.to_string());
            return None;
        }
    };
    if !check_coordinates(&geom, rec, fp) {
        return None;
    }
    Some(geom.map_coords(|c| {
        let (x, y) = datum.to_wgs84(c.x, c.y);
        Coord { x, y }
    }))
}

/// The first malformed position of a raw GeoJSON geometry, as (property path, what was
/// found): a position with fewer than 2 numbers, a non-number, or an array where a position
/// or a list of them belongs. Unknown types and missing members are left to the GeoJSON
/// parser, which reports them.
fn first_bad_position(g: &Value, path: &str) -> Option<(String, String)> {
    let ty = g.get("type")?.as_str()?;
    if ty == "GeometryCollection" {
        return g
            .get("geometries")?
            .as_array()?
            .iter()
            .enumerate()
            .find_map(|(k, sub)| first_bad_position(sub, &format!("{path}.geometries[{k}]")));
    }
    let depth = match ty {
        "Point" => 0,
        "MultiPoint" | "LineString" => 1,
        "MultiLineString" | "Polygon" => 2,
        "MultiPolygon" => 3,
        _ => return None,
    };
    bad_position_in(g.get("coordinates")?, depth, format!("{path}.coordinates"))
}

fn bad_position_in(v: &Value, depth: usize, path: String) -> Option<(String, String)> {
    let Some(items) = v.as_array() else {
        let what = if depth == 0 { "a position" } else { "an array" };
        return Some((path, format!("{} where {what} belongs", describe(v))));
    };
    if depth > 0 {
        return items
            .iter()
            .enumerate()
            .find_map(|(i, x)| bad_position_in(x, depth - 1, format!("{path}[{i}]")));
    }
    if items.len() < 2 {
        let text = serde_json::to_string(v).unwrap_or_default();
        return Some((
            path,
            format!("a position of {} number(s): {text}", items.len()),
        ));
    }
    items
        .iter()
        .position(|x| !x.as_f64().is_some_and(f64::is_finite))
        .map(|k| {
            (
                format!("{path}[{k}]"),
                format!("{} in a position", describe(&items[k])),
            )
        })
}

/// Checks coordinates are finite and in range, and that lon/lat are not swapped.
pub fn check_coordinates(geom: &Geometry<f64>, rec: &FeatureRecord, fp: &mut FileProblems) -> bool {
    use geo::CoordsIter;
    let mut n = 0usize;
    for c in geom.coords_iter() {
        n += 1;
        if !(c.x.is_finite() && c.y.is_finite()) {
            fp.error(
                rec,
                "geometry",
                "finite coordinates",
                format!("({}, {})", c.x, c.y),
            );
            return false;
        }
        if c.x.abs() > 180.0 || c.y.abs() > 90.0 {
            let swapped = c.y.abs() <= 180.0 && c.x.abs() <= 90.0;
            let expected = if swapped {
                "lon, lat order (these look swapped: lat, lon)"
            } else {
                "lon in [-180, 180] and lat in [-90, 90]"
            };
            fp.error(rec, "geometry", expected, format!("({}, {})", c.x, c.y));
            return false;
        }
    }
    if n == 0 {
        fp.error(rec, "geometry", "a non-empty geometry", "an empty geometry");
        return false;
    }
    true
}

/// A Chinese yes / no: 是 → true, 否 → false (surrounding spaces ignored).
pub fn bool_alias(s: &str) -> Option<bool> {
    match s.trim() {
        "是" => Some(true),
        "否" => Some(false),
        _ => None,
    }
}

/// Typed property access that records problems.
pub struct Props<'a> {
    /// The feature.
    pub rec: &'a FeatureRecord,
    /// Where problems go.
    pub fp: &'a mut FileProblems,
}

impl Props<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.rec.props.get(key).filter(|v| !v.is_null())
    }

    /// A required id-like value (string or integer) as text.
    pub fn required_id(&mut self, key: &str) -> Option<String> {
        match self.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Some(n.to_string()),
            Some(v) => {
                let found = describe(v);
                self.fp
                    .error(self.rec, key, "a non-empty string or an integer", found);
                None
            }
            None => {
                self.fp
                    .error(self.rec, key, "a value (required)", "nothing");
                None
            }
        }
    }

    /// An optional string.
    pub fn opt_str(&mut self, key: &str) -> Option<String> {
        match self.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(v) => {
                let found = describe(v);
                self.fp.error(self.rec, key, "a string", found);
                None
            }
            None => None,
        }
    }

    /// A required string.
    pub fn required_str(&mut self, key: &str) -> Option<String> {
        if self.get(key).is_none() {
            self.fp
                .error(self.rec, key, "a string (required)", "nothing");
            return None;
        }
        self.opt_str(key)
    }

    /// An optional boolean (also accepts 0/1 and the Chinese 是/否, as bureau tables write it).
    pub fn opt_bool(&mut self, key: &str) -> Option<bool> {
        match self.get(key) {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::Number(n)) if n.as_f64() == Some(0.0) => Some(false),
            Some(Value::Number(n)) if n.as_f64() == Some(1.0) => Some(true),
            Some(Value::String(s)) if bool_alias(s).is_some() => bool_alias(s),
            Some(v) => {
                let found = describe(v);
                self.fp
                    .error(self.rec, key, "true or false (or 是, 否)", found);
                None
            }
            None => None,
        }
    }

    /// An optional finite number ≥ 0.
    pub fn opt_nonneg(&mut self, key: &str) -> Option<f64> {
        match self.get(key) {
            Some(Value::Number(n)) => match n.as_f64() {
                Some(x) if x.is_finite() && x >= 0.0 => Some(x),
                _ => {
                    self.fp
                        .error(self.rec, key, "a finite number ≥ 0", n.to_string());
                    None
                }
            },
            Some(v) => {
                let found = describe(v);
                self.fp.error(self.rec, key, "a finite number ≥ 0", found);
                None
            }
            None => None,
        }
    }

    /// An optional finite number between 0 and `max`: larger values are beyond any city (a
    /// typing slip such as `1e25` seats) and are an error stating the limit and `why`.
    pub fn opt_nonneg_max(&mut self, key: &str, max: f64, why: &str) -> Option<f64> {
        let v = self.opt_nonneg(key)?;
        if v > max {
            self.fp.error(
                self.rec,
                key,
                format!("a number between 0 and {max} ({why})"),
                crate::error::shown(v),
            );
            return None;
        }
        Some(v)
    }

    /// An optional integer between 0 and `max` (see [`Props::opt_nonneg_max`]).
    pub fn opt_count_max(&mut self, key: &str, max: u32, why: &str) -> Option<u32> {
        let v = self.opt_count(key)?;
        if v > max {
            self.fp.error(
                self.rec,
                key,
                format!("an integer between 0 and {max} ({why})"),
                v.to_string(),
            );
            return None;
        }
        Some(v)
    }

    /// An optional integer ≥ 0 (that fits in 32 bits).
    pub fn opt_count(&mut self, key: &str) -> Option<u32> {
        let v = self.get(key)?.clone();
        match v.as_u64().and_then(|x| u32::try_from(x).ok()) {
            Some(x) => Some(x),
            None => {
                self.fp.error(self.rec, key, "an integer ≥ 0", describe(&v));
                None
            }
        }
    }

    /// An optional array of integers ≥ 0.
    pub fn opt_counts(&mut self, key: &str) -> Option<Vec<u32>> {
        let v = self.get(key)?.clone();
        let parsed: Option<Vec<u32>> = v.as_array().and_then(|a| {
            a.iter()
                .map(|x| x.as_u64().and_then(|x| u32::try_from(x).ok()))
                .collect()
        });
        if parsed.is_none() {
            self.fp
                .error(self.rec, key, "an array of integers ≥ 0", describe(&v));
        }
        parsed
    }

    /// An optional value parsed from a string by `parse`, with `expected` describing valid values.
    pub fn opt_enum<T>(
        &mut self,
        key: &str,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let s = self.opt_str(key)?;
        let v = parse(&s);
        if v.is_none() {
            self.fp
                .error(self.rec, key, expected.to_string(), format!("{s:?}"));
        }
        v
    }

    /// A required value parsed from a string by `parse`.
    pub fn required_enum<T>(
        &mut self,
        key: &str,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        if self.get(key).is_none() {
            self.fp
                .error(self.rec, key, format!("{expected} (required)"), "nothing");
            return None;
        }
        self.opt_enum(key, expected, parse)
    }
}
