//! Rectangles with a payload (bounding boxes of areas or cells), for point-in-area location
//! and for finding the shapes whose boxes meet another's.

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

/// An R-tree of axis-aligned boxes in metres, each carrying a `usize` payload.
#[derive(Debug, Clone)]
pub struct BoxIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl BoxIndex {
    /// An index over `(min corner, max corner, payload)` boxes. Bulk-loaded: `O(n log n)`.
    pub fn new(boxes: impl IntoIterator<Item = ([f64; 2], [f64; 2], usize)>) -> BoxIndex {
        let items = boxes
            .into_iter()
            .map(|(lo, hi, i)| GeomWithData::new(Rectangle::from_corners(lo, hi), i))
            .collect();
        BoxIndex {
            tree: RTree::bulk_load(items),
        }
    }

    /// Payloads of the boxes containing `p` (borders included), in ascending order.
    pub fn at_point(&self, p: [f64; 2]) -> Vec<usize> {
        let mut v: Vec<usize> = self.tree.locate_all_at_point(&p).map(|g| g.data).collect();
        v.sort_unstable();
        v
    }

    /// Payloads of the boxes meeting the box `lo..=hi` grown by `margin_m` on every side, in
    /// ascending order.
    pub fn meeting(&self, lo: [f64; 2], hi: [f64; 2], margin_m: f64) -> Vec<usize> {
        let env = AABB::from_corners(
            [lo[0] - margin_m, lo[1] - margin_m],
            [hi[0] + margin_m, hi[1] + margin_m],
        );
        let mut v: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&env)
            .map(|g| g.data)
            .collect();
        v.sort_unstable();
        v
    }

    /// Number of boxes.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// True when the index holds no box.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }
}

/// Calls `f(i, j)` with `i < j` for every pair of axis-aligned boxes
/// `[min_x, min_y, max_x, max_y]` that intersect (touching counts), in increasing `(i, j)`
/// order, until `f` returns `false`. One index query per box: `O(n log n + pairs)`, the
/// candidate search of segment-intersection tests (polygon validity).
pub fn for_each_box_pair(boxes: &[[f64; 4]], mut f: impl FnMut(usize, usize) -> bool) {
    let index = BoxIndex::new(
        boxes
            .iter()
            .enumerate()
            .map(|(i, b)| ([b[0], b[1]], [b[2], b[3]], i)),
    );
    for (i, b) in boxes.iter().enumerate() {
        for j in index.meeting([b[0], b[1]], [b[2], b[3]], 0.0) {
            if j > i && !f(i, j) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_and_box_queries_are_inclusive_and_sorted() {
        let idx = BoxIndex::new([
            ([1.0, 0.0], [2.0, 1.0], 1),
            ([0.0, 0.0], [1.0, 1.0], 0),
            ([5.0, 5.0], [6.0, 6.0], 2),
        ]);
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.at_point([1.0, 0.5]), vec![0, 1]);
        assert!(idx.at_point([3.0, 3.0]).is_empty());
        assert_eq!(
            idx.meeting([2.5, 0.0], [4.0, 1.0], 0.0),
            Vec::<usize>::new()
        );
        assert_eq!(idx.meeting([2.5, 0.0], [4.0, 1.0], 0.5), vec![1]);
        assert!(BoxIndex::new([]).is_empty());
    }
}
