//! Polygon validity in `O(n log n)`: the checks of `geo`'s `Validation`, without its quadratic
//! self-intersection test.
//!
//! `geo` 0.33 tests every pair of segments of a ring for intersection, so an official
//! boundary of 100,000 vertices took minutes. Here every segment of every ring of a
//! (multi)polygon goes into one R-tree of bounding boxes
//! ([`crate::spatial::index::for_each_box_pair`]) and only pairs whose boxes meet are tested,
//! with `geo`'s robust orientation predicate (Shewchuk's adaptive arithmetic). The rules
//! (OGC simple features, as `geo` states them):
//!
//! - a ring has at least 3 distinct points (4 positions, closed);
//! - a ring does not touch or cross itself: two of its segments meet only when they are
//!   consecutive, at their shared vertex, and do not fold back onto each other (a spike);
//! - two rings of a polygon, and two polygons of a multipolygon, never cross and never share
//!   a stretch of line; they may touch at points;
//! - a hole lies inside its exterior and outside the other holes; polygons of a multipolygon
//!   do not lie inside one another. Once no two rings cross, one vertex of a ring decides on
//!   which side of another ring the whole ring lies (tested with `geo`'s
//!   `CoordinatePosition`, `O(n)`, only for pairs of rings whose bounding boxes meet).
//!
//! Repeated consecutive positions (common in digitised data) are ignored, as `geo` does.
//! The first problem found is reported with a position, so that it can be found in QGIS.
//! Cost for a ring of `n` vertices: `O(n log n)` plus the pairs of segments whose boxes meet
//! (a few per segment for real boundaries).

use geo::algorithm::kernels::{Kernel, Orientation, RobustKernel};
use geo::coordinate_position::CoordPos;
use geo::{BoundingRect, Coord, CoordinatePosition, LineString, MultiPolygon, Polygon};

use crate::spatial::index::for_each_box_pair;

/// A segment of a ring: its ends, the polygon and ring it belongs to, its index in the ring
/// and the number of segments of that ring.
#[derive(Debug, Clone, Copy)]
struct Seg {
    a: Coord<f64>,
    b: Coord<f64>,
    polygon: usize,
    ring: usize,
    index: usize,
    ring_len: usize,
}

fn ring_name(ring: usize) -> String {
    if ring == 0 {
        "exterior ring".into()
    } else {
        format!("interior ring at index {}", ring - 1)
    }
}

fn at(c: Coord<f64>) -> String {
    format!("near ({:.7}, {:.7})", c.x, c.y)
}

/// The positions of a ring without repeated consecutive ones, closed.
fn dedup_ring(ring: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut v: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for &c in &ring.0 {
        if v.last() != Some(&c) {
            v.push(c);
        }
    }
    if v.len() > 1 && v.first() != v.last() {
        let first = v[0];
        v.push(first);
    }
    v
}

fn orient(p: Coord<f64>, q: Coord<f64>, r: Coord<f64>) -> Orientation {
    RobustKernel::orient2d(p, q, r)
}

fn opposite(a: Orientation, b: Orientation) -> bool {
    matches!(
        (a, b),
        (Orientation::Clockwise, Orientation::CounterClockwise)
            | (Orientation::CounterClockwise, Orientation::Clockwise)
    )
}

/// How two segments meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meet {
    /// Not at all.
    Apart,
    /// At one point.
    Point,
    /// Crossing in their interiors.
    Cross,
    /// Along a stretch of line.
    Overlap,
}

fn meet(p: &Seg, q: &Seg) -> Meet {
    let (o1, o2) = (orient(p.a, p.b, q.a), orient(p.a, p.b, q.b));
    let (o3, o4) = (orient(q.a, q.b, p.a), orient(q.a, q.b, p.b));
    let col = Orientation::Collinear;
    if o1 == col && o2 == col {
        // Collinear: compare the extents along the longer axis.
        let horizontal = (p.b.x - p.a.x).abs() + (q.b.x - q.a.x).abs()
            >= (p.b.y - p.a.y).abs() + (q.b.y - q.a.y).abs();
        let key = |c: Coord<f64>| if horizontal { c.x } else { c.y };
        let (p0, p1) = (key(p.a).min(key(p.b)), key(p.a).max(key(p.b)));
        let (q0, q1) = (key(q.a).min(key(q.b)), key(q.a).max(key(q.b)));
        let (lo, hi) = (p0.max(q0), p1.min(q1));
        return if lo < hi {
            Meet::Overlap
        } else if lo == hi {
            Meet::Point
        } else {
            Meet::Apart
        };
    }
    if opposite(o1, o2) && opposite(o3, o4) {
        return Meet::Cross;
    }
    let straddles = |x: Orientation, y: Orientation| x == col || y == col || opposite(x, y);
    if straddles(o1, o2) && straddles(o3, o4) {
        Meet::Point
    } else {
        Meet::Apart
    }
}

fn consecutive(p: &Seg, q: &Seg) -> bool {
    let (i, j) = (p.index.min(q.index), p.index.max(q.index));
    j == i + 1 || (i == 0 && j + 1 == p.ring_len)
}

/// The first problem of a (multi)polygon in WGS 84 degrees, in words, or `None` when valid.
pub fn first_problem(shape: &MultiPolygon<f64>) -> Option<String> {
    let mut rings: Vec<Vec<Vec<Coord<f64>>>> = Vec::with_capacity(shape.0.len());
    for (k, poly) in shape.0.iter().enumerate() {
        let mut rs = Vec::new();
        for (r, ring) in std::iter::once(poly.exterior())
            .chain(poly.interiors())
            .enumerate()
        {
            let ring = dedup_ring(ring);
            if ring.len() < 4 {
                let what = format!("{} has fewer than 3 distinct points", ring_name(r));
                return Some(in_polygon(shape, k, &what));
            }
            rs.push(ring);
        }
        rings.push(rs);
    }
    let mut segs = Vec::new();
    for (k, rs) in rings.iter().enumerate() {
        for (r, ring) in rs.iter().enumerate() {
            let n = ring.len() - 1;
            segs.extend(ring.windows(2).enumerate().map(|(i, w)| Seg {
                a: w[0],
                b: w[1],
                polygon: k,
                ring: r,
                index: i,
                ring_len: n,
            }));
        }
    }
    if let Some(p) = crossing(shape, &segs) {
        return Some(p);
    }
    containment(shape)
}

fn in_polygon(shape: &MultiPolygon<f64>, k: usize, what: &str) -> String {
    if shape.0.len() == 1 {
        what.to_string()
    } else {
        format!("polygon at index {k} is invalid: {what}")
    }
}

/// Segments that touch or cross where they may not.
fn crossing(shape: &MultiPolygon<f64>, segs: &[Seg]) -> Option<String> {
    let boxes: Vec<[f64; 4]> = segs
        .iter()
        .map(|s| {
            [
                s.a.x.min(s.b.x),
                s.a.y.min(s.b.y),
                s.a.x.max(s.b.x),
                s.a.y.max(s.b.y),
            ]
        })
        .collect();
    let mut found = None;
    for_each_box_pair(&boxes, |i, j| {
        let (p, q) = (&segs[i], &segs[j]);
        let m = meet(p, q);
        let problem = if p.polygon == q.polygon && p.ring == q.ring {
            let bad = if consecutive(p, q) {
                m == Meet::Overlap
            } else {
                m != Meet::Apart
            };
            bad.then(|| {
                let what = format!("{} has a self-intersection {}", ring_name(p.ring), at(p.b));
                in_polygon(shape, p.polygon, &what)
            })
        } else if m == Meet::Cross || m == Meet::Overlap {
            let how = if m == Meet::Cross {
                "cross"
            } else {
                "intersect on a line"
            };
            Some(if p.polygon == q.polygon {
                let what = format!(
                    "{} and {} {how} {}",
                    ring_name(p.ring),
                    ring_name(q.ring),
                    at(q.a)
                );
                in_polygon(shape, p.polygon, &what)
            } else {
                let how = if m == Meet::Cross {
                    "overlap"
                } else {
                    "touch on a line"
                };
                format!(
                    "polygons at indices {} and {} {how} {}",
                    p.polygon,
                    q.polygon,
                    at(q.a)
                )
            })
        } else {
            None
        };
        found = problem;
        found.is_none()
    });
    found
}

/// Where ring `inner` lies relative to the polygon `outer` (holes count as outside): decided
/// by its first vertex not on `outer`'s boundary; `None` when all are on it.
fn side(outer: &Polygon<f64>, inner: &LineString<f64>) -> Option<CoordPos> {
    inner
        .0
        .iter()
        .map(|c| outer.coordinate_position(c))
        .find(|p| *p != CoordPos::OnBoundary)
}

fn boxes_meet(a: &LineString<f64>, b: &LineString<f64>) -> bool {
    match (a.bounding_rect(), b.bounding_rect()) {
        (Some(x), Some(y)) => {
            x.min().x <= y.max().x
                && y.min().x <= x.max().x
                && x.min().y <= y.max().y
                && y.min().y <= x.max().y
        }
        _ => false,
    }
}

/// Holes inside their exterior and outside each other; polygons not inside one another.
fn containment(shape: &MultiPolygon<f64>) -> Option<String> {
    for (k, poly) in shape.0.iter().enumerate() {
        let shell = Polygon::new(poly.exterior().clone(), vec![]);
        for (h, hole) in poly.interiors().iter().enumerate() {
            if side(&shell, hole) == Some(CoordPos::Outside) {
                let what = format!(
                    "interior ring at index {h} is not contained within the polygon's exterior {}",
                    at(hole.0[0])
                );
                return Some(in_polygon(shape, k, &what));
            }
        }
        for (h1, a) in poly.interiors().iter().enumerate() {
            let ha = Polygon::new(a.clone(), vec![]);
            for (h2, b) in poly.interiors().iter().enumerate().skip(h1 + 1) {
                if !boxes_meet(a, b) {
                    continue;
                }
                let hb = Polygon::new(b.clone(), vec![]);
                if side(&ha, b) == Some(CoordPos::Inside) || side(&hb, a) == Some(CoordPos::Inside)
                {
                    let what = format!(
                        "interior rings at indices {h1} and {h2} intersect on an area {}",
                        at(b.0[0])
                    );
                    return Some(in_polygon(shape, k, &what));
                }
            }
        }
    }
    for (i, p) in shape.0.iter().enumerate() {
        for (j, q) in shape.0.iter().enumerate().skip(i + 1) {
            if !boxes_meet(p.exterior(), q.exterior()) {
                continue;
            }
            if side(p, q.exterior()) == Some(CoordPos::Inside)
                || side(q, p.exterior()) == Some(CoordPos::Inside)
            {
                return Some(format!(
                    "polygons at indices {i} and {j} overlap {}",
                    at(q.exterior().0[0])
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix;
    use geo::{polygon, Validation};

    fn mp(p: Polygon<f64>) -> MultiPolygon<f64> {
        MultiPolygon(vec![p])
    }

    #[test]
    fn known_cases() {
        let square = polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 0., y: 4.)];
        assert_eq!(first_problem(&mp(square.clone())), None);
        let bowtie = polygon![(x: 0., y: 0.), (x: 4., y: 4.), (x: 4., y: 0.), (x: 0., y: 4.)];
        assert!(first_problem(&mp(bowtie))
            .unwrap()
            .contains("self-intersection"));
        let spike = polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 6., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.)];
        assert!(first_problem(&mp(spike)).is_some());
        let dup = polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 0., y: 4.)];
        assert_eq!(first_problem(&mp(dup)), None, "repeated points are fine");
        let hole_out = Polygon::new(
            square.exterior().clone(),
            vec![LineString::from(vec![
                (5., 5.),
                (6., 5.),
                (6., 6.),
                (5., 5.),
            ])],
        );
        assert!(first_problem(&mp(hole_out))
            .unwrap()
            .contains("not contained"));
        let two = MultiPolygon(vec![
            square.clone(),
            polygon![(x: 1., y: 1.), (x: 2., y: 1.), (x: 2., y: 2.)],
        ]);
        assert!(first_problem(&two).unwrap().contains("overlap"));
        let touching = MultiPolygon(vec![
            square.clone(),
            polygon![(x: 4., y: 4.), (x: 6., y: 4.), (x: 6., y: 6.)],
        ]);
        assert_eq!(first_problem(&touching), None, "touching at a point");
        let sharing = MultiPolygon(vec![
            square,
            polygon![(x: 4., y: 0.), (x: 6., y: 0.), (x: 6., y: 4.), (x: 4., y: 4.)],
        ]);
        assert!(first_problem(&sharing).unwrap().contains("on a line"));
    }

    /// Differential test against `geo`'s `Validation` on random small polygons with holes and
    /// second parts (general position: random real coordinates).
    #[test]
    fn agrees_with_geo_on_random_polygons() {
        let mut rng = SplitMix::seeded(10);
        let ring = |rng: &mut SplitMix, cx: f64, cy: f64, r: f64| -> LineString<f64> {
            let n = 3 + rng.below(6);
            let star = rng.below(2) == 0;
            let mut pts: Vec<(f64, f64)> = (0..n)
                .map(|k| {
                    let t = if star {
                        std::f64::consts::TAU * (k as f64 + 0.8 * rng.unit()) / n as f64
                    } else {
                        std::f64::consts::TAU * rng.unit()
                    };
                    let rr = r * (0.3 + 0.7 * rng.unit());
                    (cx + rr * t.cos(), cy + rr * t.sin())
                })
                .collect();
            pts.push(pts[0]);
            LineString::from(pts)
        };
        let (mut valid, mut invalid) = (0, 0);
        for case in 0..3000 {
            let outer = ring(&mut rng, 0.0, 0.0, 10.0);
            let holes: Vec<LineString<f64>> = (0..rng.below(3))
                .map(|_| {
                    let (x, y) = (8.0 * rng.unit() - 4.0, 8.0 * rng.unit() - 4.0);
                    let r = 1.0 + 4.0 * rng.unit();
                    ring(&mut rng, x, y, r)
                })
                .collect();
            let mut parts = vec![Polygon::new(outer, holes)];
            if rng.below(3) == 0 {
                let x = 30.0 * rng.unit() - 5.0;
                parts.push(Polygon::new(ring(&mut rng, x, 0.0, 8.0), vec![]));
            }
            let shape = MultiPolygon(parts);
            let ours = first_problem(&shape);
            let theirs = shape.validation_errors();
            assert_eq!(
                ours.is_none(),
                theirs.is_empty(),
                "case {case}: ours {ours:?}, geo {theirs:?}\n{shape:?}"
            );
            if ours.is_none() {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
        assert!(
            valid > 300 && invalid > 300,
            "{valid} valid, {invalid} invalid"
        );
    }
}
