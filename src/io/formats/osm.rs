//! OpenStreetMap roads from `.osm.pbf` (the `osmpbf` crate, pure Rust) as a network layer.
//!
//! Two passes over the file: the first keeps the ways tagged `highway=*` of a walkable or
//! drivable kind (table below) and the node ids they use; the second reads those nodes'
//! coordinates (and whether a node is a railway level crossing). With counties or townships in
//! the scenario, ways with no node within their extent (plus ~5 km) are dropped. Each way
//! becomes a LineString feature `id = "w<way id>"` with:
//!
//! - `speed_kmh`: `maxspeed` when numeric (`50`, `50 km/h`, `30 mph` converted), else the
//!   default of its `highway` kind below; footways and paths have none (walking speed applies);
//! - `oneway`: `oneway=yes/1/true`, or implied by `highway=motorway` and
//!   `junction=roundabout`; `oneway=-1` reverses the way;
//! - `barrier`: true for `motorway`, `motorway_link`, `trunk`, `trunk_link` (no pupil walks
//!   along them) and for a way through a railway level crossing (`railway=level_crossing` /
//!   `crossing` node) — the edges primary pupils may not use when `avoid_barriers` holds.
//!
//! | highway | default speed km/h |
//! | --- | --- |
//! | motorway, motorway_link | 100, 60 |
//! | trunk, trunk_link | 80, 50 |
//! | primary, primary_link | 60, 40 |
//! | secondary, secondary_link | 50, 40 |
//! | tertiary, tertiary_link | 40, 30 |
//! | unclassified, residential, road | 30 |
//! | service | 20 |
//! | living_street | 10 |
//! | track | 15 |
//! | pedestrian, footway, path, steps, cycleway, bridleway | none (walk speed) |
//!
//! Other `highway` values (`construction`, `proposed`, `platform`, `bus_stop`, …) are skipped.

use std::collections::HashMap;

use geo::{Coord, Geometry, LineString};
use osmpbf::{Element, ElementReader};
use serde_json::{Map as JsonMap, Value};

use super::{file_error, RawFeature, RawLayer};
use crate::config::LayerSpec;
use crate::geodesy::crs::Crs;
use crate::geodesy::datum::Datum;
use crate::io::features::FileProblems;

/// Default speed of a `highway` kind (km/h); `Some(None)` for footpaths (walking speed);
/// `None` for kinds that are not roads.
pub fn default_speed(highway: &str) -> Option<Option<f64>> {
    Some(match highway {
        "motorway" => Some(100.0),
        "motorway_link" => Some(60.0),
        "trunk" => Some(80.0),
        "trunk_link" => Some(50.0),
        "primary" => Some(60.0),
        "primary_link" | "secondary_link" => Some(40.0),
        "secondary" => Some(50.0),
        "tertiary" => Some(40.0),
        "tertiary_link" => Some(30.0),
        "unclassified" | "residential" | "road" => Some(30.0),
        "service" => Some(20.0),
        "living_street" => Some(10.0),
        "track" => Some(15.0),
        "pedestrian" | "footway" | "path" | "steps" | "cycleway" | "bridleway" => None,
        _ => return None,
    })
}

/// A `maxspeed` value in km/h, when numeric.
pub fn parse_maxspeed(v: &str) -> Option<f64> {
    let t = v.trim();
    let (num, mph) = match t.strip_suffix("mph") {
        Some(n) => (n.trim(), true),
        None => (
            t.trim_end_matches("km/h").trim_end_matches("kmh").trim(),
            false,
        ),
    };
    let x: f64 = num.parse().ok()?;
    (x.is_finite() && x > 0.0).then_some(if mph { x * 1.609_344 } else { x })
}

struct Way {
    id: i64,
    refs: Vec<i64>,
    speed_kmh: Option<f64>,
    oneway: bool,
    reverse: bool,
    barrier: bool,
    highway: String,
    name: Option<String>,
}

fn way_of(w: &osmpbf::Way<'_>) -> Option<Way> {
    let mut highway = None;
    let (mut maxspeed, mut oneway, mut junction, mut name) = (None, None, None, None);
    for (k, v) in w.tags() {
        match k {
            "highway" => highway = Some(v.to_string()),
            "maxspeed" => maxspeed = Some(v.to_string()),
            "oneway" => oneway = Some(v.to_string()),
            "junction" => junction = Some(v.to_string()),
            "name" => name = Some(v.to_string()),
            _ => {}
        }
    }
    let highway = highway?;
    let default = default_speed(&highway)?;
    let speed_kmh = maxspeed.as_deref().and_then(parse_maxspeed).or(default);
    let implied = highway == "motorway" || junction.as_deref() == Some("roundabout");
    let (oneway, reverse) = match oneway.as_deref() {
        Some("yes" | "1" | "true") => (true, false),
        Some("-1" | "reverse") => (true, true),
        Some("no" | "0" | "false") => (false, false),
        _ => (implied, false),
    };
    let barrier = matches!(
        highway.as_str(),
        "motorway" | "motorway_link" | "trunk" | "trunk_link"
    );
    Some(Way {
        id: w.id(),
        refs: w.refs().collect(),
        speed_kmh,
        oneway,
        reverse,
        barrier,
        highway,
        name,
    })
}

/// Reads the roads of an `.osm.pbf` file.
pub fn read(spec: &LayerSpec, fp: &mut FileProblems) -> Option<RawLayer> {
    read_masked(spec, None, fp)
}

/// Reads the roads, keeping ways with a node inside `extent` (lon/lat) when given.
pub fn read_masked(
    spec: &LayerSpec,
    extent: Option<[f64; 4]>,
    fp: &mut FileProblems,
) -> Option<RawLayer> {
    let open = |fp: &mut FileProblems| match ElementReader::from_path(&spec.path) {
        Ok(r) => Some(r),
        Err(e) => {
            file_error(
                fp,
                "file",
                "a readable OpenStreetMap PBF file",
                e.to_string(),
            );
            None
        }
    };
    // Pass 1: ways.
    let reader = open(fp)?;
    let ways = reader.par_map_reduce(
        |e| match e {
            Element::Way(w) => way_of(&w).into_iter().collect::<Vec<_>>(),
            _ => Vec::new(),
        },
        Vec::new,
        |mut a, mut b| {
            a.append(&mut b);
            a
        },
    );
    let mut ways = match ways {
        Ok(w) => w,
        Err(e) => {
            file_error(
                fp,
                "file",
                "a readable OpenStreetMap PBF file",
                e.to_string(),
            );
            return None;
        }
    };
    ways.sort_by_key(|w| w.id);
    let mut needed: Vec<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    needed.sort_unstable();
    needed.dedup();
    // Pass 2: the coordinates (and level crossings) of those nodes.
    let reader = open(fp)?;
    let needed_ref = &needed;
    let nodes = reader.par_map_reduce(
        |e| {
            let mut out = Vec::new();
            let mut take = |id: i64, lon: f64, lat: f64, crossing: bool| {
                if needed_ref.binary_search(&id).is_ok() {
                    out.push((id, lon, lat, crossing));
                }
            };
            match e {
                Element::DenseNode(n) => {
                    let crossing = n
                        .tags()
                        .any(|(k, v)| k == "railway" && (v == "level_crossing" || v == "crossing"));
                    take(n.id(), n.lon(), n.lat(), crossing)
                }
                Element::Node(n) => {
                    let crossing = n
                        .tags()
                        .any(|(k, v)| k == "railway" && (v == "level_crossing" || v == "crossing"));
                    take(n.id(), n.lon(), n.lat(), crossing)
                }
                _ => {}
            }
            out
        },
        Vec::new,
        |mut a, mut b| {
            a.append(&mut b);
            a
        },
    );
    let nodes = match nodes {
        Ok(n) => n,
        Err(e) => {
            file_error(
                fp,
                "file",
                "a readable OpenStreetMap PBF file",
                e.to_string(),
            );
            return None;
        }
    };
    let coords: HashMap<i64, (f64, f64, bool)> = nodes
        .into_iter()
        .map(|(id, lon, lat, c)| (id, (lon, lat, c)))
        .collect();
    let margin = 0.05;
    let inside = |lon: f64, lat: f64| {
        extent.is_none_or(|e| {
            lon >= e[0] - margin
                && lon <= e[2] + margin
                && lat >= e[1] - margin
                && lat <= e[3] + margin
        })
    };
    let mut features = Vec::new();
    let mut missing = 0usize;
    for w in ways {
        let mut pts = Vec::with_capacity(w.refs.len());
        let mut crossing = false;
        let mut any_inside = false;
        for r in &w.refs {
            match coords.get(r) {
                Some(&(lon, lat, c)) => {
                    crossing |= c;
                    any_inside |= inside(lon, lat);
                    pts.push(Coord { x: lon, y: lat });
                }
                None => missing += 1,
            }
        }
        if pts.len() < 2 || !any_inside {
            continue;
        }
        if w.reverse {
            pts.reverse();
        }
        let mut props = JsonMap::new();
        props.insert("id".into(), Value::String(format!("w{}", w.id)));
        props.insert("highway".into(), Value::String(w.highway));
        if let Some(n) = w.name {
            props.insert("name".into(), Value::String(n));
        }
        props.insert(
            "speed_kmh".into(),
            w.speed_kmh
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::Null, Value::Number),
        );
        props.insert("oneway".into(), Value::Bool(w.oneway));
        props.insert("barrier".into(), Value::Bool(w.barrier || crossing));
        features.push(RawFeature {
            index: features.len(),
            props,
            geometry: Some(Geometry::LineString(LineString(pts))),
        });
    }
    if missing > 0 {
        fp.problems.push(
            crate::error::Problem::file(
                crate::error::Severity::Warning,
                fp.file.clone(),
                "every node a way uses (an extract cut with complete ways)",
                format!("{missing} node reference(s) without a node; those ways are shortened"),
            )
            .on_property("geometry"),
        );
    }
    Some(RawLayer {
        features,
        declared: Some((Crs::geographic(Datum::Wgs84), "OSM".into())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_and_maxspeed() {
        assert_eq!(parse_maxspeed("50"), Some(50.0));
        assert_eq!(parse_maxspeed("40 km/h"), Some(40.0));
        assert!((parse_maxspeed("30 mph").unwrap() - 48.28).abs() < 0.01);
        assert_eq!(parse_maxspeed("CN:urban"), None);
        assert_eq!(default_speed("residential"), Some(Some(30.0)));
        assert_eq!(default_speed("footway"), Some(None));
        assert_eq!(default_speed("construction"), None);
    }
}
