//! Spatial indexes in local metres: the one place that wraps `rstar` and the one uniform grid.
//!
//! - [`PointIndex`]: points with a `usize` payload (the index of the school, cell or
//!   candidate they stand for) in a bulk-loaded R-tree of `GeomWithData<[f64; 2], usize>`.
//!   Every query takes and returns **metres**: `rstar`'s `locate_within_distance` takes a
//!   *squared* radius, and that squaring happens here and nowhere else.
//! - [`BoxIndex`]: rectangles (bounding boxes of areas, cells) with a payload, for
//!   point-in-area location and neighbour searches.
//! - [`SegmentIndex`]: straight segments, for snapping to the nearest point on a road.
//! - [`NearGrid`], [`RadiusGrid`]: bucketed query structures for the hot loops of straight-line
//!   coverage, built on one uniform grid frame (`grid.rs`).
//! - [`CostLists`]: the sparse per-origin `(target, cost)` lists every reach query returns.
//!
//! Ties are broken by the payload: among points at exactly the same distance the smallest
//! payload wins ([`PointIndex::nearest`]) or comes first ([`PointIndex::within_radius`]), so
//! results never depend on the tree's internal order.

mod boxes;
mod grid;
mod lists;
mod segments;

pub use boxes::{for_each_box_pair, BoxIndex};
pub use grid::{NearGrid, RadiusGrid};
pub use lists::{straight_costs, CostLists};
pub use segments::{SegmentHit, SegmentIndex};

use rstar::primitives::GeomWithData;
use rstar::RTree;

/// A point and the index of what it stands for.
type Item = GeomWithData<[f64; 2], usize>;

/// An R-tree of points in metres, each carrying a `usize` payload.
#[derive(Debug, Clone)]
pub struct PointIndex {
    tree: RTree<Item>,
}

/// Euclidean distance in metres between two points in metres.
pub fn distance_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    (dx * dx + dy * dy).sqrt()
}

impl PointIndex {
    /// An index over `points`, the payload of each being its position in the slice.
    /// Bulk-loaded: `O(n log n)`.
    pub fn new(points: &[[f64; 2]]) -> Self {
        Self::from_items(points.iter().copied().enumerate().map(|(i, p)| (p, i)))
    }

    /// An index over `(point, payload)` pairs. Bulk-loaded: `O(n log n)`.
    pub fn from_items(items: impl IntoIterator<Item = ([f64; 2], usize)>) -> Self {
        let items: Vec<Item> = items
            .into_iter()
            .map(|(p, i)| GeomWithData::new(p, i))
            .collect();
        PointIndex {
            tree: RTree::bulk_load(items),
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// True when the index holds no point.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// The nearest point to `p`: `(payload, distance in metres)`; among points at exactly the
    /// same distance, the smallest payload. `None` when the index is empty.
    pub fn nearest(&self, p: [f64; 2]) -> Option<(usize, f64)> {
        let first = self.tree.nearest_neighbor(&p)?;
        let q = *first.geom();
        let d2 = (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2);
        // Ties: every point at the same squared distance (a second, tight query).
        let mut best = (first.data, q);
        for item in self.tree.locate_within_distance(p, d2) {
            let g = *item.geom();
            if (p[0] - g[0]).powi(2) + (p[1] - g[1]).powi(2) == d2 && item.data < best.0 {
                best = (item.data, g);
            }
        }
        Some((best.0, distance_m(p, best.1)))
    }

    /// Distance in metres from `p` to the nearest indexed point not at `p` itself (points at
    /// exactly `p` are skipped); `None` when there is none.
    pub fn nearest_apart_m(&self, p: [f64; 2]) -> Option<f64> {
        self.tree
            .nearest_neighbor_iter(&p)
            .map(|i| distance_m(p, *i.geom()))
            .find(|&d| d > 0.0)
    }

    /// A query grid over `queries` for nearest-and-within-`cutoff_m` queries: see [`NearGrid`].
    pub fn near_grid(&self, queries: &[[f64; 2]], cutoff_m: f64) -> NearGrid<'_> {
        NearGrid::new(self, queries, cutoff_m)
    }

    /// A grid for repeated radius queries with one fixed `radius_m`: see [`RadiusGrid`].
    pub fn radius_grid(&self, radius_m: f64) -> RadiusGrid {
        RadiusGrid::new(self.tree.iter().map(|i| (*i.geom(), i.data)), radius_m)
    }

    /// Every point within `radius_m` of `p` (inclusive: distance ≤ radius), as
    /// `(payload, distance in metres)` sorted by distance, then payload.
    pub fn within_radius(&self, p: [f64; 2], radius_m: f64) -> Vec<(usize, f64)> {
        let mut out = Vec::new();
        self.within_radius_into(p, radius_m, &mut out);
        out
    }

    /// [`PointIndex::within_radius`] into a reused buffer (cleared first).
    pub fn within_radius_into(&self, p: [f64; 2], radius_m: f64, out: &mut Vec<(usize, f64)>) {
        out.clear();
        if radius_m.is_nan() || radius_m < 0.0 {
            return;
        }
        // rstar compares squared distances; widen by a relative 1e-12 so that the inclusive test
        // below, done on the distance itself, is the only one that decides.
        let r2 = radius_m * radius_m * (1.0 + 1e-12);
        for item in self.tree.locate_within_distance(p, r2) {
            let d = distance_m(p, *item.geom());
            if d <= radius_m {
                out.push((item.data, d));
            }
        }
        out.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    }
}

#[cfg(test)]
mod tests {
    use super::segments::segment_distance_2;
    use super::*;

    #[test]
    fn radius_is_in_metres_and_inclusive() {
        let idx = PointIndex::new(&[[0.0, 0.0], [300.0, 400.0], [301.0, 400.0]]);
        let hits = idx.within_radius([0.0, 0.0], 500.0);
        assert_eq!(hits, vec![(0, 0.0), (1, 500.0)]);
        assert!(idx.within_radius([0.0, 0.0], -1.0).is_empty());
    }

    #[test]
    fn nearest_breaks_ties_by_payload() {
        let idx = PointIndex::from_items([([10.0, 0.0], 7), ([-10.0, 0.0], 3), ([0.0, 20.0], 1)]);
        assert_eq!(idx.nearest([0.0, 0.0]), Some((3, 10.0)));
        assert_eq!(PointIndex::new(&[]).nearest([0.0, 0.0]), None);
        assert_eq!(idx.len(), 3);
    }

    #[test]
    fn radius_grid_agrees_with_the_tree() {
        let mut x = 12345u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 10_000) as f64
        };
        let pts: Vec<[f64; 2]> = (0..300).map(|_| [next(), next()]).collect();
        let idx = PointIndex::new(&pts);
        for r in [0.0, 150.0, 700.0, 20_000.0] {
            let grid = idx.radius_grid(r);
            let mut buf = Vec::new();
            for _ in 0..200 {
                let p = [next() * 1.2 - 1000.0, next() * 1.2 - 1000.0];
                grid.within_into(p, &mut buf);
                assert_eq!(buf, idx.within_radius(p, r), "r = {r}, p = {p:?}");
            }
        }
    }

    #[test]
    fn near_grid_agrees_with_the_tree() {
        let mut x = 987u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 10_000) as f64
        };
        let pts: Vec<[f64; 2]> = (0..200).map(|_| [next(), next()]).collect();
        let idx = PointIndex::new(&pts);
        let queries: Vec<[f64; 2]> = (0..2000).map(|_| [next(), next()]).collect();
        for r in [0.0, 100.0, 900.0] {
            let grid = idx.near_grid(&queries, r);
            let mut buf = Vec::new();
            for &q in queries.iter().chain(&[[-500.0, 3.0], [20_000.0, 1.0]]) {
                let n = grid.query(q, &mut buf);
                assert_eq!(buf, idx.within_radius(q, r), "r = {r}, q = {q:?}");
                assert_eq!(n, idx.nearest(q));
            }
        }
    }

    #[test]
    fn straight_costs_are_sorted_lists() {
        let lists = straight_costs(
            &[[0.0, 0.0], [1000.0, 0.0]],
            &[[0.0, 30.0], [0.0, 40.0], [0.0, -30.0]],
            35.0,
        );
        assert_eq!(lists.pairs(), 2);
        assert_eq!(lists.into_lists(), vec![vec![(0, 30.0), (2, 30.0)], vec![]]);
    }

    #[test]
    fn snaps_to_the_nearest_point_on_a_segment() {
        let idx = SegmentIndex::new([
            ([0.0, 0.0], [100.0, 0.0], 4),
            ([0.0, 50.0], [100.0, 50.0], 2),
        ]);
        let hit = idx.nearest([30.0, 10.0]).unwrap();
        assert_eq!(hit.id, 4);
        assert_eq!(hit.point, [30.0, 0.0]);
        assert_eq!(hit.distance_m, 10.0);
        // Equidistant: smallest payload.
        assert_eq!(idx.nearest([30.0, 25.0]).unwrap().id, 2);
        // Far away: the tree decides.
        assert_eq!(idx.nearest([1e6, 0.0]).unwrap().id, 4);
        assert!(SegmentIndex::new([]).nearest([0.0, 0.0]).is_none());
    }

    #[test]
    fn segment_grid_agrees_with_brute_force() {
        let mut x = 4242u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 10_000) as f64
        };
        let segs: Vec<([f64; 2], [f64; 2], usize)> = (0..300)
            .map(|i| {
                let a = [next(), next()];
                (a, [a[0] + next() / 20.0, a[1] + next() / 50.0], i)
            })
            .collect();
        let idx = SegmentIndex::new(segs.clone());
        for _ in 0..500 {
            let p = [next() * 1.5 - 2500.0, next() * 1.5 - 2500.0];
            let want = segs
                .iter()
                .map(|&(a, b, i)| (segment_distance_2(p, a, b).0, i))
                .min_by(|u, v| u.0.total_cmp(&v.0).then(u.1.cmp(&v.1)))
                .unwrap();
            let got = idx.nearest(p).unwrap();
            assert_eq!(got.id, want.1, "p = {p:?}");
            assert!((got.distance_m - want.0.sqrt()).abs() < 1e-9);
        }
    }
}
