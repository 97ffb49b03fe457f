//! Cross-layer CRS check: a layer whose numbers are in another system than it was read in.
//!
//! Each file is checked against its own CRS when it is read ([`crate::geodesy::crs`]): numbers
//! that cannot be that system are an error naming what they look like. Two mistakes pass that
//! check and only show against the other layers:
//!
//! - **Plausible numbers, wrong system.** Gauss-Krüger metres of CM 123E read as CM 120E (a
//!   wrong `.prj`, or the wrong `crs` in the scenario) are valid numbers that land 250 km west;
//!   a school table of projected metres read as lon/lat fails its own check but the numbers
//!   alone cannot tell which central meridian they belong to.
//! - **Web-map datums.** A school list picked on Amap (GCJ-02) or Baidu (BD-09) and read as
//!   WGS 84 lies 0.5–1.2 km off — inside the right city, but off by more than a kindergarten's
//!   radius.
//!
//! The check, after every layer is read and before anything is projected:
//!
//! 1. Each vector layer keeps a sample of its own numbers ([`RawSample`], ≤ 2,000 positions);
//!    its WGS 84 positions give a box (the 2nd–98th percentiles, so a few stray features do not
//!    count).
//! 2. The **reference** is the largest group of layers whose boxes overlap one another (2 km
//!    margin), preferring groups with the counties and townships, then the population.
//! 3. A layer outside that group is an error naming it, where it lies from the others (km and
//!    direction), the CRS it was read in and where that came from; every supported CRS (WGS 84,
//!    GCJ-02, BD-09, swapped lat/lon, the CGCS2000 Gauss-Krüger zones and CM variants, UTM zones
//!    43–53 N, Web Mercator) is tried on its numbers, and the one that puts most positions on the
//!    reference — most inside the areas' polygons, then inside the reference box — is named with
//!    the `crs = …` to write. A layer whose numbers did not fit its CRS at all gets the same
//!    suggestion added to its error.
//! 4. For lon/lat point and area layers of the group, the **datum** is checked against the
//!    areas (points against the counties and townships, an area layer against the other):
//!    when ≥ 3 sampled positions (≥ 2 %) lie more than 50 m outside every area as read, and
//!    another web-map datum leaves at most a quarter of them outside, a warning names the layer
//!    and the datum its numbers look like (`datum = "gcj02"`). It is a warning, not an error: a
//!    few schools just over a boundary are possible, and the run still works.

use geo::{BoundingRect, Coord, Intersects, MultiPolygon, Point};

use super::centre::great_circle_m;
use super::Layer;
use crate::error::{Problem, Severity};
use crate::geodesy::crs::Crs;
use crate::geodesy::datum::Datum;
use crate::io::formats::RawSample;

/// Boxes closer than this (degrees, ≈ 2 km) overlap.
const MARGIN_DEG: f64 = 0.02;
/// A CRS fits when this share of the sampled positions falls in the reference box.
const FIT_SHARE: f64 = 0.8;
/// A position within this distance of an area's edge counts as inside (metres).
const EDGE_TOL_M: f64 = 50.0;

fn is_area(name: &str) -> bool {
    matches!(name, "counties" | "townships")
}

/// The layer's positions in WGS 84: its sample converted, or (rasters) its records' vertices.
fn positions(l: &Layer) -> Option<Vec<Coord<f64>>> {
    match &l.sample {
        Some(s) if s.misfit => None,
        Some(s) => Some(
            s.points
                .iter()
                .filter_map(|c| s.crs.to_wgs84(c.x, c.y))
                .map(|(x, y)| Coord { x, y })
                .collect(),
        ),
        None => {
            let cells = l
                .raster
                .iter()
                .flat_map(|r| r.outlines())
                .filter_map(|(_, p)| p.bounding_rect());
            let all: Vec<Coord<f64>> = l
                .records
                .iter()
                .filter_map(|r| r.geometry.as_ref())
                .filter_map(|g| g.bounding_rect())
                .chain(cells)
                .map(|r| r.center())
                .collect();
            let step = all.len().div_ceil(2000).max(1);
            Some(all.into_iter().step_by(step).collect())
        }
    }
}

/// `[min_lon, min_lat, max_lon, max_lat]` of the 2nd–98th percentiles (all of few positions).
fn robust_box(p: &[Coord<f64>]) -> Option<[f64; 4]> {
    if p.is_empty() {
        return None;
    }
    let mut xs: Vec<f64> = p.iter().map(|c| c.x).collect();
    let mut ys: Vec<f64> = p.iter().map(|c| c.y).collect();
    xs.sort_by(f64::total_cmp);
    ys.sort_by(f64::total_cmp);
    let n = xs.len();
    let (lo, hi) = if n < 50 {
        (0, n - 1)
    } else {
        (n / 50, n - 1 - n / 50)
    };
    Some([xs[lo], ys[lo], xs[hi], ys[hi]])
}

fn overlap(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] <= b[2] + MARGIN_DEG
        && b[0] <= a[2] + MARGIN_DEG
        && a[1] <= b[3] + MARGIN_DEG
        && b[1] <= a[3] + MARGIN_DEG
}

fn in_box(c: Coord<f64>, b: &[f64; 4]) -> bool {
    c.x >= b[0] - MARGIN_DEG
        && c.x <= b[2] + MARGIN_DEG
        && c.y >= b[1] - MARGIN_DEG
        && c.y <= b[3] + MARGIN_DEG
}

/// The area polygons (WGS 84) of a layer's records.
fn polygons(l: &Layer) -> Vec<MultiPolygon<f64>> {
    l.records
        .iter()
        .filter_map(|r| match r.geometry.as_ref()? {
            geo::Geometry::Polygon(p) => Some(MultiPolygon(vec![p.clone()])),
            geo::Geometry::MultiPolygon(m) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

/// Runs the check over the layers that were read (see the module docs).
pub(super) fn check(mut layers: Vec<&mut Layer>) {
    let n = layers.len();
    if !(2..=16).contains(&n) {
        return;
    }
    let pos: Vec<Option<Vec<Coord<f64>>>> = layers.iter().map(|l| positions(l)).collect();
    let boxes: Vec<Option<[f64; 4]>> = pos
        .iter()
        .map(|p| p.as_deref().and_then(robust_box))
        .collect();
    // The largest group of mutually overlapping layers.
    let mut best: Option<(u32, (u32, u32, u32))> = None;
    for m in 1u32..(1 << n) {
        let members: Vec<usize> = (0..n).filter(|i| m & (1 << i) != 0).collect();
        if members.iter().any(|&i| boxes[i].is_none()) {
            continue;
        }
        let all_overlap = members.iter().all(|&i| {
            members
                .iter()
                .all(|&j| i >= j || overlap(boxes[i].as_ref().unwrap(), boxes[j].as_ref().unwrap()))
        });
        if !all_overlap {
            continue;
        }
        let score = (
            members.len() as u32,
            members.iter().filter(|&&i| is_area(layers[i].name)).count() as u32,
            members
                .iter()
                .filter(|&&i| layers[i].name == "population")
                .count() as u32,
        );
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((m, score));
        }
    }
    let Some((group, _)) = best else { return };
    let member = |i: usize| group & (1 << i) != 0;
    let union = (0..n)
        .filter(|&i| member(i))
        .filter_map(|i| boxes[i])
        .reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        });
    let Some(reference) = union else { return };
    let names: Vec<&str> = (0..n)
        .filter(|&i| member(i))
        .map(|i| layers[i].name)
        .collect();
    let area_polys: Vec<(usize, Vec<MultiPolygon<f64>>)> = (0..n)
        .filter(|&i| member(i) && is_area(layers[i].name))
        .map(|i| (i, polygons(layers[i])))
        .collect();
    let all_areas: Vec<&MultiPolygon<f64>> =
        area_polys.iter().flat_map(|(_, p)| p.iter()).collect();
    let reference_text = format!(
        "{}: lon {:.3} – {:.3}, lat {:.3} – {:.3}",
        names.join(", "),
        reference[0],
        reference[2],
        reference[1],
        reference[3]
    );

    for i in 0..n {
        let Some(sample) = layers[i].sample.clone() else {
            continue;
        };
        if member(i) {
            // Fine check of the datum against the areas.
            if !sample.crs.is_geographic() || sample.points.is_empty() {
                continue;
            }
            let name = layers[i].name;
            let refs: Vec<&MultiPolygon<f64>> = if is_area(name) {
                area_polys
                    .iter()
                    .filter(|(j, _)| *j != i)
                    .flat_map(|(_, p)| p.iter())
                    .collect()
            } else if matches!(name, "schools" | "candidates") {
                all_areas.clone()
            } else {
                continue;
            };
            if refs.is_empty() {
                continue;
            }
            let ref_names: Vec<&str> = area_polys
                .iter()
                .filter(|(j, _)| *j != i)
                .map(|(j, _)| layers[*j].name)
                .collect();
            if let Some(p) =
                datum_check(&sample, &refs, &ref_names.join(" and "), &layers[i].fp.file)
            {
                layers[i].fp.problems.push(p);
            }
            continue;
        }
        let suggestion = suggest(&sample, &reference, &all_areas);
        let hint = match &suggestion {
            Some(s) => format!(
                "; read as {} they fall among the others ({} of {} sampled positions{}): {}",
                s.label,
                s.in_box,
                s.total,
                if all_areas.is_empty() {
                    String::new()
                } else {
                    format!(", {} inside the areas", s.in_areas)
                },
                s.fix
            ),
            None => "; no supported CRS puts them there: check which system the file is in".into(),
        };
        let layer = &mut layers[i];
        if sample.misfit {
            // The layer's own error already says the numbers do not fit; add where they fit.
            if suggestion.is_some() {
                if let Some(p) = layer.fp.problems.iter_mut().rev().find(|p| {
                    p.is_error()
                        && p.feature_index.is_none()
                        && p.property.as_deref() == Some("geometry")
                }) {
                    p.found.push_str(&format!(
                        "; beside the other layers ({}){hint}",
                        names.join(", ")
                    ));
                }
            }
            continue;
        }
        let Some(b) = boxes[i] else { continue };
        let centre = Coord {
            x: (b[0] + b[2]) / 2.0,
            y: (b[1] + b[3]) / 2.0,
        };
        let rc = Coord {
            x: (reference[0] + reference[2]) / 2.0,
            y: (reference[1] + reference[3]) / 2.0,
        };
        let km = great_circle_m(centre, rc) / 1000.0;
        let found = format!(
            "positions around lon {:.3}, lat {:.3}, {km:.0} km {} of them, read as {} ({}){hint}",
            centre.x,
            centre.y,
            direction(rc, centre),
            sample.crs.label(),
            sample.crs_source
        );
        let p = Problem::file(
            Severity::Error,
            layer.fp.file.clone(),
            format!("positions where the other layers lie ({reference_text})"),
            found,
        )
        .on_property("geometry");
        layer.fp.problems.push(p);
        // One error for the layer instead of one per feature.
        layer.records.clear();
        if let Some(r) = layer.raster.as_mut() {
            r.clear();
        }
    }
}

/// Compass direction from `from` to `to`.
fn direction(from: Coord<f64>, to: Coord<f64>) -> &'static str {
    let dx = (to.x - from.x) * from.y.to_radians().cos();
    let dy = to.y - from.y;
    let a = dy.atan2(dx).to_degrees(); // 0 = east, 90 = north
    let names = [
        "east",
        "north-east",
        "north",
        "north-west",
        "west",
        "south-west",
        "south",
        "south-east",
    ];
    names[(((a + 360.0 + 22.5) % 360.0) / 45.0) as usize % 8]
}

/// The best other reading of a layer's numbers.
struct Suggestion {
    label: String,
    fix: String,
    in_box: usize,
    in_areas: usize,
    total: usize,
}

/// The systems tried on a misplaced layer, in order of preference on ties.
fn candidates() -> Vec<Crs> {
    let mut out = vec![
        Crs::geographic(Datum::Wgs84),
        Crs::geographic(Datum::Gcj02),
        Crs::geographic(Datum::Bd09),
    ];
    let codes = (4534..=4554)
        .chain(4513..=4533)
        .chain(4502..=4512)
        .chain(4491..=4501)
        .chain(32643..=32653)
        .chain([3857]);
    let mut seen: Vec<String> = Vec::new();
    for code in codes {
        if let Ok(c) = Crs::from_epsg(code) {
            // 6-degree CM variants repeat 3-degree ones (CM 123E is both): keep the first.
            if seen.iter().any(|d| d == c.definition()) {
                continue;
            }
            seen.push(c.definition().to_string());
            out.push(c);
        }
    }
    out
}

fn fix_for(c: &Crs) -> String {
    match c.datum() {
        Some(Datum::Gcj02) => "set datum = \"gcj02\"".into(),
        Some(Datum::Bd09) => "set datum = \"bd09\"".into(),
        _ => format!("set crs = \"{}\"", c.code),
    }
}

fn inside_any(c: Coord<f64>, polys: &[&MultiPolygon<f64>]) -> bool {
    let p = Point(c);
    polys.iter().any(|m| m.intersects(&p))
}

/// Tries every candidate system (and swapped axes) on the sample.
fn suggest(
    sample: &RawSample,
    reference: &[f64; 4],
    areas: &[&MultiPolygon<f64>],
) -> Option<Suggestion> {
    let total = sample.points.len();
    if total == 0 {
        return None;
    }
    let mut best: Option<(usize, usize, Suggestion)> = None;
    let mut consider = |converted: Vec<Coord<f64>>, label: String, fix: String| {
        let in_box = converted.iter().filter(|c| in_box(**c, reference)).count();
        if (in_box as f64) < FIT_SHARE * total as f64 {
            return;
        }
        let in_areas = if areas.is_empty() {
            0
        } else {
            converted.iter().filter(|c| inside_any(**c, areas)).count()
        };
        if best
            .as_ref()
            .is_none_or(|(a, b, _)| (in_areas, in_box) > (*a, *b))
        {
            best = Some((
                in_areas,
                in_box,
                Suggestion {
                    label,
                    fix,
                    in_box,
                    in_areas,
                    total,
                },
            ));
        }
    };
    for c in candidates() {
        if c == sample.crs {
            continue;
        }
        let converted: Vec<Coord<f64>> = sample
            .points
            .iter()
            .filter_map(|p| c.to_wgs84(p.x, p.y))
            .filter(|(x, y)| x.abs() <= 180.0 && y.abs() <= 90.0)
            .map(|(x, y)| Coord { x, y })
            .collect();
        consider(converted, c.label(), fix_for(&c));
    }
    if sample.crs.is_geographic() {
        let swapped: Vec<Coord<f64>> = sample
            .points
            .iter()
            .map(|p| Coord { x: p.y, y: p.x })
            .collect();
        consider(
            swapped,
            "latitude, longitude (the two coordinates swapped)".into(),
            "swap the coordinates (for a table, exchange `x_field` and `y_field`)".into(),
        );
    }
    best.map(|(_, _, s)| s)
}

/// Local metres around `o` (equirectangular; enough for a 50 m tolerance within a city).
fn metres(c: Coord<f64>, o: Coord<f64>) -> (f64, f64) {
    (
        (c.x - o.x) * o.y.to_radians().cos() * 111_320.0,
        (c.y - o.y) * 110_574.0,
    )
}

/// Distance (metres) from `c` to the nearest edge of `polys`, checking only polygons whose box
/// (grown by the tolerance) holds `c`.
fn near_edge(c: Coord<f64>, polys: &[&MultiPolygon<f64>]) -> bool {
    let tol_deg = EDGE_TOL_M / 80_000.0;
    let (px, py) = metres(c, c);
    for m in polys {
        let Some(r) = m.bounding_rect() else { continue };
        if c.x < r.min().x - tol_deg
            || c.x > r.max().x + tol_deg
            || c.y < r.min().y - tol_deg
            || c.y > r.max().y + tol_deg
        {
            continue;
        }
        for poly in &m.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for seg in ring.0.windows(2) {
                    let (ax, ay) = metres(seg[0], c);
                    let (bx, by) = metres(seg[1], c);
                    let (dx, dy) = (bx - ax, by - ay);
                    let len2 = dx * dx + dy * dy;
                    let t = if len2 > 0.0 {
                        (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    let (qx, qy) = (ax + t * dx - px, ay + t * dy - py);
                    if qx * qx + qy * qy <= EDGE_TOL_M * EDGE_TOL_M {
                        return true;
                    }
                }
            }
        }
    }
    false
}

/// Positions of `sample` read in `datum` lying more than 50 m outside every area.
fn outside(sample: &RawSample, datum: Datum, polys: &[&MultiPolygon<f64>]) -> usize {
    sample
        .points
        .iter()
        .map(|p| {
            let (x, y) = datum.to_wgs84(p.x, p.y);
            Coord { x, y }
        })
        .filter(|&c| !inside_any(c, polys) && !near_edge(c, polys))
        .count()
}

/// The datum warning for a lon/lat layer, when another web-map datum fits the areas far better.
fn datum_check(
    sample: &RawSample,
    polys: &[&MultiPolygon<f64>],
    areas: &str,
    file: &str,
) -> Option<Problem> {
    let declared = sample.crs.datum()?;
    let n = sample.points.len();
    let out_d = outside(sample, declared, polys);
    if out_d < 3 || (out_d as f64) < 0.02 * n as f64 {
        return None;
    }
    let (alt, out_a) = [Datum::Wgs84, Datum::Gcj02, Datum::Bd09]
        .into_iter()
        .filter(|d| *d != declared)
        .map(|d| (d, outside(sample, d, polys)))
        .min_by_key(|(_, o)| *o)?;
    if out_a * 4 > out_d {
        return None;
    }
    let alt_crs = Crs::geographic(alt);
    Some(
        Problem::file(
            Severity::Warning,
            file.to_string(),
            format!(
                "positions inside the {areas}, as read in {} ({})",
                sample.crs.label(),
                sample.crs_source
            ),
            format!(
                "{out_d} of {n} sampled positions more than {EDGE_TOL_M:.0} m outside every area; read as {} only {out_a}: the coordinates look like {} — {}",
                alt_crs.label(),
                alt_crs.label(),
                if alt == Datum::Wgs84 {
                    "set datum = \"wgs84\"".to_string()
                } else {
                    fix_for(&alt_crs)
                }
            ),
        )
        .on_property("geometry"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_and_boxes() {
        let o = Coord { x: 124.0, y: 42.0 };
        assert_eq!(direction(o, Coord { x: 121.0, y: 42.0 }), "west");
        assert_eq!(direction(o, Coord { x: 124.0, y: 43.0 }), "north");
        assert_eq!(direction(o, Coord { x: 125.0, y: 41.3 }), "south-east");
        let pts: Vec<Coord<f64>> = (0..100)
            .map(|i| Coord {
                x: i as f64,
                y: 0.0,
            })
            .chain([Coord { x: 1e6, y: 1e6 }])
            .collect();
        // Stray positions do not stretch the box.
        let b = robust_box(&pts).unwrap();
        assert!(b[2] < 100.0 && b[3] < 1.0, "{b:?}");
        assert!(overlap(&[0.0, 0.0, 1.0, 1.0], &[1.01, 0.0, 2.0, 1.0]));
        assert!(!overlap(&[0.0, 0.0, 1.0, 1.0], &[1.05, 0.0, 2.0, 1.0]));
    }

    #[test]
    fn candidates_are_distinct_systems() {
        let c = candidates();
        let defs: Vec<&str> = c
            .iter()
            .filter(|c| !c.is_geographic())
            .map(Crs::definition)
            .collect();
        let mut d = defs.clone();
        d.sort();
        d.dedup();
        assert_eq!(d.len(), defs.len());
        // CM 123E appears once, as the 3-degree CM variant.
        assert!(c.iter().any(|c| c.code == "EPSG:4550"));
        assert!(!c.iter().any(|c| c.code == "EPSG:4510"));
    }
}
