//! Clustering the gap cells of one planning unit: single linkage at the radius, then discs of
//! the radius (see the parent module's docs for why both).
//!
//! Works on points in metres with a weight (the cell's children); returns clusters as lists of
//! indices into the input, each with its centre (one of its own points).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::spatial::index::PointIndex;

/// One cluster: its members (indices into the input, sorted) and its centre (a member).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// Members, sorted.
    pub members: Vec<usize>,
    /// The member every other member lies within the radius of.
    pub centre: usize,
}

/// A heap entry: the weight a disc around `centre` would take, then the smaller index first.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    value: f64,
    centre: usize,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value
            .total_cmp(&other.value)
            .then_with(|| other.centre.cmp(&self.centre))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Clusters `points` (metres) of weight `weight`:
///
/// 1. **single linkage** at `radius_m`: two points are linked when at most `radius_m` apart
///    (inclusive); the connected pieces are the neighbourhoods;
/// 2. **discs**: within each piece, repeatedly the member whose disc of `radius_m` holds the most
///    weight not yet taken (ties: the lowest index) becomes a centre, and the members not yet
///    taken within `radius_m` of it form one cluster (greedy covering with discs).
///
/// Every member of a cluster lies within `radius_m` of its centre, and a cluster never spans
/// two pieces (a disc's members are linked to its centre). Clusters are returned in the order
/// they were formed (heaviest disc first). Deterministic: the result depends only on the
/// inputs. Cost: `O(n k)` distance tests for `k` points within a radius of a point.
pub fn cluster(points: &[[f64; 2]], weight: &[f64], radius_m: f64) -> Vec<Cluster> {
    let n = points.len();
    if n == 0 {
        return Vec::new();
    }
    let r = radius_m.max(0.0);
    let grid = PointIndex::new(points).radius_grid(r);
    // Neighbours are queried again when needed rather than stored: a dense city has hundreds
    // of cells within a radius, and a million cells would not fit. Unsorted (bucket order,
    // deterministic): only sums and sets are taken from them.
    let near = |a: usize, buf: &mut Vec<(usize, f64)>| {
        grid.within_unsorted_into(points[a], buf);
        if !buf.iter().any(|&(b, _)| b == a) {
            buf.push((a, 0.0));
        }
    };
    // Each disc's weight, in parallel. The pieces of the single linkage need no pass of
    // their own: a disc holds only points linked to its centre, so discs never span two
    // pieces, and the greedy run over all points takes, in each piece, the discs it would take
    // piece by piece (what happens in one piece does not change the weights in another).
    let value: Vec<f64> = (0..n)
        .into_par_iter()
        .map_init(Vec::new, |buf, a| {
            near(a, buf);
            buf.iter().map(|&(b, _)| weight[b]).sum()
        })
        .collect();
    let mut out = Vec::new();
    let mut taken = vec![false; n];
    let mut buf = Vec::new();
    let mut heap: BinaryHeap<Entry> = (0..n)
        .map(|a| Entry {
            value: value[a],
            centre: a,
        })
        .collect();
    while let Some(e) = heap.pop() {
        if taken[e.centre] {
            continue;
        }
        // The disc's weight now (it falls as earlier discs take its members): a stale
        // entry goes back with its current weight (lazy greedy, exact).
        near(e.centre, &mut buf);
        let now: f64 = buf
            .iter()
            .filter(|&&(b, _)| !taken[b])
            .map(|&(b, _)| weight[b])
            .sum();
        if now.total_cmp(&e.value) != Ordering::Equal {
            heap.push(Entry {
                value: now,
                centre: e.centre,
            });
            continue;
        }
        let mut members: Vec<usize> = buf.iter().map(|&(b, _)| b).filter(|&b| !taken[b]).collect();
        members.sort_unstable();
        for &b in &members {
            taken[b] = true;
        }
        out.push(Cluster {
            members,
            centre: e.centre,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
    }

    #[test]
    fn far_points_are_separate_and_close_ones_one() {
        let pts = [[0.0, 0.0], [100.0, 0.0], [1000.0, 0.0]];
        let c = cluster(&pts, &[1.0, 1.0, 1.0], 150.0);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].members, vec![0, 1]);
        assert_eq!(c[1].members, vec![2]);
        assert_eq!(c[1].centre, 2);
    }

    #[test]
    fn the_radius_is_inclusive() {
        let pts = [[0.0, 0.0], [150.0, 0.0]];
        assert_eq!(cluster(&pts, &[1.0, 1.0], 150.0).len(), 1);
        assert_eq!(cluster(&pts, &[1.0, 1.0], 149.999).len(), 2);
    }

    #[test]
    fn a_chain_is_cut_into_discs_of_the_radius() {
        // Ten points 100 m apart in a line, radius 150 m: single linkage joins them all, but a
        // school reaches at most three consecutive points.
        let pts: Vec<[f64; 2]> = (0..10).map(|i| [i as f64 * 100.0, 0.0]).collect();
        let w = vec![1.0; 10];
        let c = cluster(&pts, &w, 150.0);
        let total: usize = c.iter().map(|x| x.members.len()).sum();
        assert_eq!(total, 10);
        for x in &c {
            assert!(x.members.len() <= 3);
            assert!(x.members.contains(&x.centre));
            for &m in &x.members {
                assert!(dist(pts[m], pts[x.centre]) <= 150.0);
            }
        }
        // Greedy: the first disc takes the heaviest spot; ties go to the lowest index.
        assert_eq!(c[0].centre, 1);
        assert_eq!(c[0].members, vec![0, 1, 2]);
    }

    #[test]
    fn the_heaviest_disc_comes_first() {
        let pts = [[0.0, 0.0], [100.0, 0.0], [200.0, 0.0], [300.0, 0.0]];
        let c = cluster(&pts, &[1.0, 1.0, 1.0, 50.0], 100.0);
        // Around point 3 (weight 50) or 2 (50 + 1 + 1): point 2's disc is heaviest.
        assert_eq!(c[0].centre, 2);
        assert_eq!(c[0].members, vec![1, 2, 3]);
        assert_eq!(c[1].members, vec![0]);
    }

    #[test]
    fn empty_and_single() {
        assert!(cluster(&[], &[], 100.0).is_empty());
        let c = cluster(&[[5.0, 5.0]], &[3.0], 0.0);
        assert_eq!(
            c,
            vec![Cluster {
                members: vec![0],
                centre: 0
            }]
        );
    }
}
