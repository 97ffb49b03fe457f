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
//!   along them), and for the two segments either side of a railway level crossing
//!   (`railway=level_crossing` / `crossing` node) — the edges primary pupils may not use when
//!   `avoid_barriers` holds. A way through a crossing is split there into pieces
//!   `w<way id>-1`, `w<way id>-2`, … so that the rest of the street stays open.
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

use geo::{Coord, Geometry, LineString};
use osmpbf::{BlobDecode, BlobReader, Element, ElementReader};
use rayon::iter::{ParallelBridge, ParallelIterator};
use serde_json::{Map as JsonMap, Value};

use super::{file_error, number_value, RawFeature, RawLayer};
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

/// A node a road uses, as found in a block: index in the sorted needed ids, lon and lat in
/// 1e-7 degrees, whether it is a railway crossing.
type NodeHit = (u32, i32, i32, bool);

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
    // Pass 2: the coordinates (and level crossings) of those nodes, block by block in
    // parallel: (index in `needed`, lon and lat in 1e-7 degrees, crossing).
    let blobs = match BlobReader::from_path(&spec.path) {
        Ok(r) => r,
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
    if needed.len() > u32::MAX as usize {
        file_error(
            fp,
            "file",
            "at most 4,294,967,295 road nodes (cut an extract of the region)",
            format!("{} nodes used by roads", needed.len()),
        );
        return None;
    }
    let needed_ref = &needed;
    let blocks: Result<Vec<Vec<NodeHit>>, osmpbf::Error> = blobs
        .par_bridge()
        .map(|blob| {
            let block = match blob?.decode()? {
                BlobDecode::OsmData(block) => block,
                _ => return Ok(Vec::new()),
            };
            let mut out = Vec::new();
            let mut take = |id: i64, lon: i32, lat: i32, crossing: bool| {
                if let Ok(i) = needed_ref.binary_search(&id) {
                    out.push((i as u32, lon, lat, crossing));
                }
            };
            let is_crossing =
                |k: &str, v: &str| k == "railway" && (v == "level_crossing" || v == "crossing");
            for g in block.groups() {
                for n in g.dense_nodes() {
                    let crossing = n.tags().any(|(k, v)| is_crossing(k, v));
                    take(n.id(), n.decimicro_lon(), n.decimicro_lat(), crossing);
                }
                for n in g.nodes() {
                    let crossing = n.tags().any(|(k, v)| is_crossing(k, v));
                    take(n.id(), n.decimicro_lon(), n.decimicro_lat(), crossing);
                }
            }
            Ok(out)
        })
        .collect();
    let blocks = match blocks {
        Ok(b) => b,
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
    // Positions by index in `needed` (OSM stores 1e-7 degrees: exact decimals).
    let mut coords: Vec<Option<(f64, f64)>> = vec![None; needed.len()];
    let mut crossings = vec![false; needed.len()];
    for (i, lon, lat, c) in blocks.into_iter().flatten() {
        coords[i as usize] = Some((lon as f64 / 1e7, lat as f64 / 1e7));
        crossings[i as usize] |= c;
    }
    let lookup = |id: i64| -> Option<(f64, f64, bool)> {
        let i = needed.binary_search(&id).ok()?;
        coords[i].map(|(lon, lat)| (lon, lat, crossings[i]))
    };
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
        // Positions, and whether each is a railway crossing.
        let mut pts: Vec<(Coord<f64>, bool)> = Vec::with_capacity(w.refs.len());
        let mut any_inside = false;
        for r in &w.refs {
            match lookup(*r) {
                Some((lon, lat, c)) => {
                    any_inside |= inside(lon, lat);
                    pts.push((Coord { x: lon, y: lat }, c));
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
        let pieces = split_at_crossings(&pts, w.barrier);
        let several = pieces.len() > 1;
        for (k, (line, barrier)) in pieces.into_iter().enumerate() {
            let mut props = JsonMap::new();
            let id = if several {
                format!("w{}-{}", w.id, k + 1)
            } else {
                format!("w{}", w.id)
            };
            props.insert("id".into(), Value::String(id));
            props.insert("highway".into(), Value::String(w.highway.clone()));
            if let Some(n) = &w.name {
                props.insert("name".into(), Value::String(n.clone()));
            }
            props.insert(
                "speed_kmh".into(),
                w.speed_kmh.and_then(number_value).unwrap_or(Value::Null),
            );
            props.insert("oneway".into(), Value::Bool(w.oneway));
            props.insert("barrier".into(), Value::Bool(barrier));
            features.push(RawFeature {
                index: features.len(),
                props,
                geometry: Some(Geometry::LineString(LineString(line))),
            });
        }
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

/// Splits a way's positions into pieces of equal barrier state: a segment is a barrier when the
/// whole way is (`way_barrier`) or when one of its ends is a railway crossing, so only the
/// blocks either side of a level crossing are closed to pupils who avoid barriers, not the
/// whole street.
fn split_at_crossings(
    pts: &[(Coord<f64>, bool)],
    way_barrier: bool,
) -> Vec<(Vec<Coord<f64>>, bool)> {
    let mut out: Vec<(Vec<Coord<f64>>, bool)> = Vec::new();
    for seg in pts.windows(2) {
        let barrier = way_barrier || seg[0].1 || seg[1].1;
        match out.last_mut() {
            Some((line, b)) if *b == barrier => line.push(seg[1].0),
            _ => out.push((vec![seg[0].0, seg[1].0], barrier)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_close_only_their_blocks() {
        let p = |x: f64, c: bool| (Coord { x, y: 0.0 }, c);
        let pts = [
            p(0.0, false),
            p(1.0, false),
            p(2.0, true),
            p(3.0, false),
            p(4.0, false),
        ];
        let pieces = split_at_crossings(&pts, false);
        let xs: Vec<(Vec<f64>, bool)> = pieces
            .iter()
            .map(|(l, b)| (l.iter().map(|c| c.x).collect(), *b))
            .collect();
        assert_eq!(
            xs,
            vec![
                (vec![0.0, 1.0], false),
                (vec![1.0, 2.0, 3.0], true),
                (vec![3.0, 4.0], false)
            ]
        );
        // A crossing at the end closes the last block only; a motorway is one barrier piece.
        assert_eq!(split_at_crossings(&pts[..3], false).len(), 2);
        assert_eq!(split_at_crossings(&pts, true).len(), 1);
        assert_eq!(
            split_at_crossings(&[p(0.0, false), p(1.0, false)], false).len(),
            1
        );
    }

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
