//! Point layers and cost matrices for `schoolplan solve`.
//!
//! [`read_points`] reads a GeoJSON FeatureCollection of points (demand, candidates, existing
//! facilities) in WGS 84: one point per feature (a non-point geometry stands for its centroid),
//! an id from the id property, and optionally one numeric property (a weight or a capacity).
//! Every problem of the file is collected — file, feature index and id, property, expected,
//! found — and returned at once.
//!
//! [`read_solve_matrix`] reads the cost-matrix CSV of `solve --matrix`: columns
//! `demand_id,candidate_id,cost` (the scenario names `origin_id,destination_id,cost` are accepted
//! too); a pair listed twice is an error and a pair not listed is unreachable
//! (see [`crate::io::matrix`]).

use std::collections::HashMap;
use std::path::Path;

use geo::Centroid;

use crate::error::{Error, Problem};
use crate::geodesy::datum::Datum;
use crate::io::features::{read_features, FileProblems, Props};
use crate::io::matrix::parse_matrix;
use crate::model::matrix::CostMatrix;
use crate::spatial::graph_costs::NetworkLine;

/// What to read from a point layer besides the geometry.
#[derive(Debug, Clone, Copy)]
pub struct PointSpec<'a> {
    /// Property holding the id.
    pub id_field: &'a str,
    /// Whether every feature must have an id (ids must then also be unique).
    pub require_id: bool,
    /// A numeric property (finite, ≥ 0) required on every feature, when given.
    pub number_field: Option<&'a str>,
}

pub use crate::model::points::PointLayer;

/// Reads a point layer; on any error returns every problem of the file. A well-formed file
/// takes the streaming reader (serde straight into ids, positions and one number: the
/// 100,000-point layers of the solver benchmarks in a fraction of a second); anything it does
/// not handle exactly like the full reader goes to the full reader, which reports every problem.
pub fn read_points(path: &Path, spec: PointSpec<'_>) -> Result<PointLayer, Vec<Problem>> {
    if let Some(layer) = fast::read_points(path, spec) {
        return Ok(layer);
    }
    read_points_full(path, spec)
}

/// The full point reader: every problem of the file collected.
fn read_points_full(path: &Path, spec: PointSpec<'_>) -> Result<PointLayer, Vec<Problem>> {
    let mut fp = FileProblems::new(path);
    let Some(records) = read_features(path, Datum::Wgs84, spec.id_field, &mut fp) else {
        return Err(fp.problems);
    };
    let mut layer = PointLayer {
        file: fp.file.clone(),
        ..PointLayer::default()
    };
    let mut first_of: HashMap<String, usize> = HashMap::new();
    for rec in &records {
        let id = if spec.require_id {
            let mut props = Props { rec, fp: &mut fp };
            props.required_id(spec.id_field)
        } else {
            Some(rec.id.clone().unwrap_or_else(|| rec.index.to_string()))
        };
        if let Some(id) = &id {
            if spec.require_id {
                if let Some(first) = first_of.insert(id.clone(), rec.index) {
                    let found = format!("id {id:?} again (first in feature {first})");
                    fp.error(rec, spec.id_field, "a unique id", found);
                }
            }
        }
        let number = spec.number_field.and_then(|field| {
            let mut props = Props { rec, fp: &mut fp };
            let v = props.opt_nonneg(field);
            if v.is_none() && !matches!(rec.props.get(field), Some(x) if !x.is_null()) {
                fp.error(rec, field, "a finite number ≥ 0 (required)", "nothing");
            }
            v
        });
        let point = rec.geometry.as_ref().and_then(|g| g.centroid());
        if rec.geometry.is_some() && point.is_none() {
            fp.error(
                rec,
                "geometry",
                "a geometry with a centroid",
                "a degenerate geometry",
            );
        }
        if let (Some(id), Some(pt)) = (id, point) {
            layer.ids.push(id);
            layer.lonlat.push([pt.x(), pt.y()]);
            if let Some(v) = number {
                layer.numbers.push(v);
            }
        }
    }
    if fp.has_errors() {
        Err(fp.problems)
    } else {
        Ok(layer)
    }
}

/// Reads the lines of a network layer (LineString or MultiLineString features, WGS 84) for
/// [`crate::spatial::graph_costs::GraphCosts`]. With `cost_field`, every feature must carry that
/// property (a finite number ≥ 0: the cost of the whole line); the optional `oneway` property
/// (true/false, 1/0, "yes"/"no") makes a line one-way in its digitisation direction. Every
/// problem of the file is returned at once.
pub fn read_network_lines(
    path: &Path,
    cost_field: Option<&str>,
) -> Result<Vec<NetworkLine>, Vec<Problem>> {
    use geo::Geometry;
    let mut fp = FileProblems::new(path);
    let Some(records) = read_features(path, Datum::Wgs84, "id", &mut fp) else {
        return Err(fp.problems);
    };
    let mut lines = Vec::new();
    for rec in &records {
        let cost = cost_field.and_then(|field| {
            let v = Props { rec, fp: &mut fp }.opt_nonneg(field);
            if v.is_none() && !matches!(rec.props.get(field), Some(x) if !x.is_null()) {
                fp.error(rec, field, "a finite number ≥ 0 (required)", "nothing");
            }
            v
        });
        let oneway = match rec.props.get("oneway") {
            None | Some(serde_json::Value::Null) => Some(false),
            Some(serde_json::Value::String(s)) => match s.to_ascii_lowercase().as_str() {
                "yes" | "true" | "1" => Some(true),
                "no" | "false" | "0" => Some(false),
                _ => {
                    let found = format!("{s:?}");
                    fp.error(rec, "oneway", "true or false (or \"yes\" / \"no\")", found);
                    None
                }
            },
            Some(_) => Props { rec, fp: &mut fp }.opt_bool("oneway"),
        };
        let parts: Vec<Vec<[f64; 2]>> = match &rec.geometry {
            Some(Geometry::LineString(l)) => vec![l.coords().map(|c| [c.x, c.y]).collect()],
            Some(Geometry::MultiLineString(ml)) => ml
                .iter()
                .map(|l| l.coords().map(|c| [c.x, c.y]).collect())
                .collect(),
            Some(_) => {
                fp.error(
                    rec,
                    "geometry",
                    "a LineString or MultiLineString",
                    "another type",
                );
                continue;
            }
            None => continue,
        };
        if let (Some(oneway), true) = (oneway, cost.is_some() || cost_field.is_none()) {
            let total = parts.len();
            for lonlat in parts {
                // A MultiLineString's cost is shared equally among its parts.
                let cost = cost.map(|c| c / total as f64);
                lines.push(NetworkLine {
                    lonlat,
                    cost,
                    oneway,
                });
            }
        }
    }
    if fp.has_errors() {
        Err(fp.problems)
    } else {
        Ok(lines)
    }
}

/// Reads the cost matrix of `solve --matrix` (see the module docs).
pub fn read_solve_matrix(path: &Path) -> Result<CostMatrix, Error> {
    let max = crate::io::input::MAX_LAYER_BYTES;
    let text = crate::io::input::read_text_capped(path, max).map_err(|e| {
        let file = path.display().to_string();
        Error::Invalid(vec![crate::error::Problem::file(
            crate::error::Severity::Error,
            file,
            e.expected(max),
            e.found(),
        )])
    })?;
    let (header, rest) = text.split_once('\n').unwrap_or((text.as_str(), ""));
    let rename = |h: &str| match h.trim().trim_matches('"') {
        "demand_id" => "origin_id".to_string(),
        "candidate_id" => "destination_id".to_string(),
        other => other.to_string(),
    };
    let renamed: Vec<String> = header
        .trim_end_matches('\r')
        .split(',')
        .map(rename)
        .collect();
    let uses_solve_names = header.contains("demand_id") || header.contains("candidate_id");
    let text = format!("{}\n{rest}", renamed.join(","));
    let file = path.display().to_string();
    parse_matrix(text.as_bytes(), &file).map_err(|e| match e {
        Error::Invalid(problems) if uses_solve_names => Error::Invalid(
            problems
                .into_iter()
                .map(|mut p| {
                    p.property = p.property.map(|c| match c.as_str() {
                        "origin_id" => "demand_id".into(),
                        "destination_id" => "candidate_id".into(),
                        _ => c,
                    });
                    p.expected = p
                        .expected
                        .replace("origin_id, destination_id", "demand_id, candidate_id");
                    p
                })
                .collect(),
        ),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn reads_points_and_reports_every_problem() {
        let dir = tempfile::tempdir().unwrap();
        let ok = write(
            dir.path(),
            "ok.geojson",
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"a","pop":3},"geometry":{"type":"Point","coordinates":[1,2]}},
            {"type":"Feature","properties":{"id":7,"pop":0},"geometry":{"type":"Point","coordinates":[3,4]}}]}"#,
        );
        let spec = PointSpec {
            id_field: "id",
            require_id: true,
            number_field: Some("pop"),
        };
        let l = read_points(&ok, spec).unwrap();
        assert_eq!(l.ids, vec!["a", "7"]);
        assert_eq!(l.numbers, vec![3.0, 0.0]);
        assert_eq!(l.lonlat[1], [3.0, 4.0]);
        let bad = write(
            dir.path(),
            "bad.geojson",
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"a","pop":-1},"geometry":{"type":"Point","coordinates":[1,2]}},
            {"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Point","coordinates":[3,4]}},
            {"type":"Feature","properties":{"pop":1},"geometry":null}]}"#,
        );
        let ps = read_points(&bad, spec).unwrap_err();
        let text: Vec<String> = ps.iter().map(ToString::to_string).collect();
        assert!(text.iter().all(|t| t.contains("bad.geojson")), "{text:?}");
        assert!(text
            .iter()
            .any(|t| t.contains("property `pop`") && t.contains("-1")));
        assert!(text.iter().any(|t| t.contains("unique id")));
        assert!(text
            .iter()
            .any(|t| t.contains("feature 2") && t.contains("`id`")));
        assert!(text
            .iter()
            .any(|t| t.contains("feature 2") && t.contains("geometry")));
    }

    #[test]
    fn matrix_accepts_solve_column_names() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "m.csv",
            "demand_id,candidate_id,cost\nd1,c1,2\nd1,c1,3\n",
        );
        let Err(Error::Invalid(ps)) = read_solve_matrix(&p) else {
            panic!("expected a duplicate-pair problem")
        };
        assert_eq!(ps[0].property.as_deref(), Some("candidate_id"));
        let p = write(
            dir.path(),
            "n.csv",
            "demand_id,candidate_id,cost\nd1,c1,2\n",
        );
        let m = read_solve_matrix(&p).unwrap();
        assert_eq!(m.pairs().collect::<Vec<_>>(), vec![("d1", "c1", 2.0)]);
    }
}

/// Per-demand `(site, cost)` lists from the `solve --matrix` CSV for the given demand and site
/// ids, and the matrix's demand ids that match no demand point (sorted). A well-formed file takes
/// a byte-level scan; anything else goes to [`read_solve_matrix`], which reports every problem.
#[allow(clippy::type_complexity)]
pub fn read_matrix_lists(
    path: &Path,
    demand_ids: &[&str],
    site_ids: &[String],
) -> Result<(Vec<Vec<(usize, f64)>>, Vec<String>), Error> {
    if let Some(found) = fast::matrix_lists(path, demand_ids, site_ids) {
        return Ok(found);
    }
    let dests: Vec<Option<&str>> = site_ids.iter().map(|s| Some(s.as_str())).collect();
    Ok(read_solve_matrix(path)?.lists_for(demand_ids, &dests))
}

/// Streaming readers for well-formed inputs: serde straight into the few fields `solve` needs
/// (a point per feature, an id, one number) and a byte-level matrix scan. They return `None` at
/// the first thing they do not handle exactly like the full readers (`read_points_full`,
/// [`read_solve_matrix`]) — a
/// non-point geometry, a missing or invalid property, a duplicate, a quoted CSV field — and
/// the caller then uses the full reader, which reports every problem of the file. On the files
/// they accept, both give identical results.
mod fast {
    use std::borrow::Cow;
    use std::collections::{BTreeSet, HashMap, HashSet};
    use std::path::Path;

    use serde::Deserialize;
    use serde_json::{Map, Value};

    use super::{PointLayer, PointSpec};
    use crate::io::features::FileProblems;

    #[derive(Deserialize)]
    struct Collection<'a> {
        #[serde(rename = "type", borrow)]
        kind: Cow<'a, str>,
        #[serde(borrow)]
        features: Vec<Feature<'a>>,
    }

    #[derive(Deserialize)]
    struct Feature<'a> {
        #[serde(rename = "type", borrow)]
        kind: Cow<'a, str>,
        #[serde(default)]
        properties: Option<Map<String, Value>>,
        #[serde(default, borrow)]
        geometry: Option<Geometry<'a>>,
    }

    #[derive(Deserialize)]
    struct Geometry<'a> {
        #[serde(rename = "type", borrow)]
        kind: Cow<'a, str>,
        coordinates: Vec<f64>,
    }

    /// A point layer read the fast way, or `None` (use the full reader).
    pub(super) fn read_points(path: &Path, spec: PointSpec<'_>) -> Option<PointLayer> {
        let bytes = std::fs::read(path).ok()?;
        let fc: Collection<'_> = serde_json::from_slice(&bytes).ok()?;
        if fc.kind != "FeatureCollection" {
            return None;
        }
        let n = fc.features.len();
        let mut layer = PointLayer {
            file: FileProblems::new(path).file,
            ids: Vec::with_capacity(n),
            lonlat: Vec::with_capacity(n),
            numbers: Vec::with_capacity(if spec.number_field.is_some() { n } else { 0 }),
        };
        let mut seen: HashSet<&str> = HashSet::new();
        for (index, f) in fc.features.iter().enumerate() {
            if f.kind != "Feature" {
                return None;
            }
            let g = f.geometry.as_ref()?;
            if g.kind != "Point" || g.coordinates.len() < 2 {
                return None;
            }
            let (x, y) = (g.coordinates[0], g.coordinates[1]);
            if !(x.is_finite() && y.is_finite() && x.abs() <= 180.0 && y.abs() <= 90.0) {
                return None;
            }
            let get = |key: &str| {
                f.properties
                    .as_ref()
                    .and_then(|p| p.get(key))
                    .filter(|v| !v.is_null())
            };
            let id = match get(spec.id_field) {
                Some(Value::String(s)) if !spec.require_id || !s.trim().is_empty() => s.clone(),
                Some(Value::Number(v)) if !spec.require_id || v.is_i64() || v.is_u64() => {
                    v.to_string()
                }
                _ if spec.require_id => return None,
                _ => index.to_string(),
            };
            if let Some(field) = spec.number_field {
                match get(field).and_then(Value::as_f64) {
                    Some(v) if v.is_finite() && v >= 0.0 => layer.numbers.push(v),
                    _ => return None,
                }
            }
            layer.ids.push(id);
            layer.lonlat.push([x, y]);
        }
        if spec.require_id {
            for id in &layer.ids {
                if !seen.insert(id.as_str()) {
                    return None;
                }
            }
        }
        Some(layer)
    }

    /// Per-demand `(site, cost)` lists from a `demand_id,candidate_id,cost` matrix, and the
    /// matrix's demand ids that match no demand point (sorted), or `None` (use the full reader).
    #[allow(clippy::type_complexity)]
    pub(super) fn matrix_lists(
        path: &Path,
        demand_ids: &[&str],
        site_ids: &[String],
    ) -> Option<(Vec<Vec<(usize, f64)>>, Vec<String>)> {
        let bytes = std::fs::read(path).ok()?;
        let text = std::str::from_utf8(&bytes).ok()?;
        if text.contains('"') {
            return None;
        }
        let mut lines = text.split('\n');
        let header: Vec<&str> = lines
            .next()?
            .trim_end_matches('\r')
            .split(',')
            .map(str::trim)
            .collect();
        let col = |names: [&str; 2]| header.iter().position(|h| names.contains(h));
        let (oc, dc, cc) = (
            col(["demand_id", "origin_id"])?,
            col(["candidate_id", "destination_id"])?,
            col(["cost", "cost"])?,
        );
        let width = header.len();
        let demand_of: HashMap<&str, usize> = demand_ids
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, i))
            .collect();
        let site_of: HashMap<&str, usize> = site_ids
            .iter()
            .enumerate()
            .map(|(j, s)| (s.as_str(), j))
            .collect();
        let mut lists: Vec<Vec<(usize, f64)>> = vec![Vec::new(); demand_ids.len()];
        let mut unknown: BTreeSet<&str> = BTreeSet::new();
        let mut other_pairs: HashSet<(&str, &str)> = HashSet::new();
        let mut fields: Vec<&str> = Vec::with_capacity(width);
        for line in lines {
            let line = line.trim_end_matches('\r');
            if line.is_empty() {
                continue;
            }
            fields.clear();
            fields.extend(line.split(',').map(str::trim));
            if fields.len() != width {
                return None;
            }
            let (o, d, c) = (fields[oc], fields[dc], fields[cc]);
            if o.is_empty() || d.is_empty() {
                return None;
            }
            let cost: f64 = c.parse().ok()?;
            if !(cost.is_finite() && cost >= 0.0) {
                return None;
            }
            match (demand_of.get(o), site_of.get(d)) {
                (Some(&i), Some(&j)) => lists[i].push((j, cost)),
                (i, _) => {
                    if i.is_none() {
                        unknown.insert(o);
                    }
                    if !other_pairs.insert((o, d)) {
                        return None;
                    }
                }
            }
        }
        for l in &mut lists {
            l.sort_unstable_by_key(|a| a.0);
            if l.windows(2).any(|w| w[0].0 == w[1].0) {
                return None;
            }
            l.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        }
        Some((lists, unknown.into_iter().map(str::to_string).collect()))
    }
}
