//! Where the local projection is centred, and which features lie too far from it.
//!
//! The projection must be centred on what is being planned — the counties and townships, or,
//! without them, the population cells — not on the extent of every layer: one school
//! mistyped at (0, 0) would otherwise move the centre thousands of kilometres and change every
//! distance of the run (and so every coverage figure) with no sign but a warning.
//!
//! 1. The *study layers* are the area layers when there are any, else the population layer.
//! 2. A provisional centre is the median longitude and median latitude of the centres of
//!    their features' bounding boxes: a few misplaced features cannot move a median far.
//! 3. The centre is the middle of the bounding box of the study features lying within
//!    [`MAX_FROM_CENTRE_M`] of the provisional centre (for ordinary data, the middle of the
//!    study area, as before).
//! 4. Every feature of every layer (schools, candidates, cells, areas, roads) reaching farther
//!    than [`MAX_FROM_CENTRE_M`] from the centre is an error naming it and the distance; its
//!    geometry is then not used. 400 km covers a province; beyond it a local transverse
//!    Mercator plane is no longer a faithful map (scale error above 0.2 %), and such a point is
//!    almost always a typing or geocoding slip (0, 0; a swapped sign; another province).

use geo::{BoundingRect, Coord, CoordsIter};

use super::Layer;
use crate::io::features::{FeatureRecord, FileProblems};

/// Largest distance of any position from the centre of the study area, metres.
pub(super) const MAX_FROM_CENTRE_M: f64 = 400_000.0;

/// Great-circle distance in metres between two lon/lat points (haversine, mean Earth radius).
pub(super) fn great_circle_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    const R: f64 = 6_371_008.8;
    let (la1, la2) = (a.y.to_radians(), b.y.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.x - a.x).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().min(1.0).asin()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Bounding boxes (lon/lat) of the features of `layers` that have a geometry.
fn boxes<'a>(layers: &'a [&'a Layer]) -> impl Iterator<Item = geo::Rect<f64>> + 'a {
    layers.iter().flat_map(|l| {
        let records = l
            .records
            .iter()
            .filter_map(|r| r.geometry.as_ref()?.bounding_rect());
        let cells = l
            .raster
            .iter()
            .flat_map(|r| r.outlines())
            .filter_map(|(_, p)| p.bounding_rect());
        records.chain(cells)
    })
}

/// The centre (lon, lat) of the study area; `None` when no layer has any geometry.
pub(super) fn study_centre(study: &[&Layer], all: &[&Layer]) -> Option<Coord<f64>> {
    let layers = if boxes(study).next().is_some() {
        study
    } else {
        all
    };
    let centres: Vec<Coord<f64>> = boxes(layers).map(|r| r.center()).collect();
    if centres.is_empty() {
        return None;
    }
    let provisional = Coord {
        x: median(centres.iter().map(|c| c.x).collect()),
        y: median(centres.iter().map(|c| c.y).collect()),
    };
    let near = boxes(layers)
        .filter(|r| great_circle_m(r.center(), provisional) <= MAX_FROM_CENTRE_M)
        .reduce(|a, b| {
            geo::Rect::new(
                Coord {
                    x: a.min().x.min(b.min().x),
                    y: a.min().y.min(b.min().y),
                },
                Coord {
                    x: a.max().x.max(b.max().x),
                    y: a.max().y.max(b.max().y),
                },
            )
        });
    Some(near.map_or(provisional, |r| r.center()))
}

/// Records an error for every feature of `layer` reaching farther than
/// [`MAX_FROM_CENTRE_M`] from `centre`, and drops its geometry.
pub(super) fn check_far(layer: &mut Layer, centre: Coord<f64>, what: &str) {
    if let Some(mut raster) = layer.raster.take() {
        // A raster's cells, each through its record made on the fly.
        let far: Vec<usize> = raster
            .outlines()
            .filter(|(_, p)| !near(&geo::Geometry::Polygon(p.clone()), centre))
            .map(|(i, _)| i)
            .collect();
        for i in far {
            let mut rec = raster.record(i);
            if far_error(&mut rec, &mut layer.fp, centre, what) {
                raster.usable[i] = false;
            }
        }
        layer.raster = Some(raster);
    }
    let mut records = std::mem::take(&mut layer.records);
    for rec in records.iter_mut() {
        far_error(rec, &mut layer.fp, centre, what);
    }
    layer.records = records;
}

/// True when every corner of the geometry's bounding box lies within
/// [`MAX_FROM_CENTRE_M`] of `centre`.
fn near(g: &geo::Geometry<f64>, centre: Coord<f64>) -> bool {
    let Some(r) = g.bounding_rect() else {
        return true;
    };
    let corners = [
        r.min(),
        r.max(),
        Coord {
            x: r.min().x,
            y: r.max().y,
        },
        Coord {
            x: r.max().x,
            y: r.min().y,
        },
    ];
    corners
        .iter()
        .all(|c| great_circle_m(*c, centre) <= MAX_FROM_CENTRE_M)
}

/// Records the error of a record reaching too far and drops its geometry; true when it did.
fn far_error(
    rec: &mut FeatureRecord,
    fp: &mut FileProblems,
    centre: Coord<f64>,
    what: &str,
) -> bool {
    let Some(g) = rec.geometry.as_ref() else {
        return false;
    };
    if near(g, centre) {
        return false;
    }
    let far = g
        .coords_iter()
        .map(|c| (great_circle_m(c, centre), c))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let Some((d, c)) = far.filter(|(d, _)| *d > MAX_FROM_CENTRE_M) else {
        return false;
    };
    fp.error(
        rec,
        "geometry",
        format!(
            "a position within {:.0} km of the centre of {what} ({:.5}, {:.5})",
            MAX_FROM_CENTRE_M / 1000.0,
            centre.x,
            centre.y
        ),
        format!("({}, {}), {:.0} km away", c.x, c.y, d / 1000.0),
    );
    rec.geometry = None;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn great_circle_distances() {
        let fushun = Coord { x: 123.9, y: 41.87 };
        let d = great_circle_m(fushun, Coord { x: 0.0, y: 0.0 });
        assert!((d / 1000.0 - 12_736.3).abs() < 1.0, "{d}"); // 12,736.3 km, the same formula evaluated with Python's math module
                                                             // One degree of latitude is about 111.2 km.
        let d = great_circle_m(fushun, Coord { x: 123.9, y: 42.87 });
        assert!((d - 111_195.0).abs() < 50.0, "{d}");
    }

    #[test]
    fn median_resists_outliers() {
        assert_eq!(median(vec![1.0, 2.0, 100.0]), 2.0);
        assert_eq!(median(vec![1.0, 2.0, 3.0, 1e9]), 2.5);
    }
}
