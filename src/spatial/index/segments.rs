//! Snapping to the nearest point *on* a segment: a uniform grid (see `grid.rs`) ringed around
//! the query, with an R-tree fallback for far queries.

use rstar::primitives::{GeomWithData, Line};
use rstar::RTree;

use super::distance_m;
use super::grid::GridFrame;

/// Straight segments in metres, each carrying a `usize` payload (a network edge index), for
/// snapping points to the nearest point *on* a segment.
///
/// Queries scan a uniform grid of buckets (about one segment a bucket, each segment listed in
/// every bucket its bounding box overlaps) ring by ring around the query point, and stop once
/// the best distance found is below the ring's inner distance; past 64 rings they fall back to
/// the R-tree. Exact either way.
#[derive(Debug, Clone)]
pub struct SegmentIndex {
    /// Built on first use (only far queries need it).
    tree: std::sync::OnceLock<RTree<GeomWithData<Line<[f64; 2]>, usize>>>,
    segs: Vec<([f64; 2], [f64; 2], usize)>,
    frame: GridFrame,
    starts: Vec<u32>,
    members: Vec<u32>,
}

/// Squared distance from `p` to segment `a`–`b`, and the nearest point.
pub(super) fn segment_distance_2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> (f64, [f64; 2]) {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let q = [a[0] + t * dx, a[1] + t * dy];
    ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2), q)
}

/// The nearest point of a segment to a query point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentHit {
    /// Payload of the segment.
    pub id: usize,
    /// The nearest point on the segment, metres.
    pub point: [f64; 2],
    /// Distance from the query point to `point`, metres.
    pub distance_m: f64,
}

impl SegmentIndex {
    /// An index over `(from, to, payload)` segments. Bulk-loaded: `O(n log n)`.
    pub fn new(segments: impl IntoIterator<Item = ([f64; 2], [f64; 2], usize)>) -> Self {
        let segs: Vec<([f64; 2], [f64; 2], usize)> = segments.into_iter().collect();
        let (lo, hi) = GridFrame::extent(segs.iter().flat_map(|&(a, b, _)| [a, b]));
        let mut g = SegmentIndex {
            tree: std::sync::OnceLock::new(),
            segs: Vec::new(),
            frame: GridFrame::empty(lo),
            starts: vec![0],
            members: Vec::new(),
        };
        if segs.is_empty() {
            return g;
        }
        let (w, h) = ((hi[0] - lo[0]).max(1e-6), (hi[1] - lo[1]).max(1e-6));
        let size = ((w * h) / segs.len() as f64)
            .sqrt()
            .max(w.max(h) / 2048.0)
            .max(1e-3);
        let f = GridFrame::new(lo, [lo[0] + w, lo[1] + h], size);
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(segs.len() * 2);
        for (k, (a, b, _)) in segs.iter().enumerate() {
            let (x0, x1) = (f.clamped(a[0].min(b[0]), 0), f.clamped(a[0].max(b[0]), 0));
            let (y0, y1) = (f.clamped(a[1].min(b[1]), 1), f.clamped(a[1].max(b[1]), 1));
            for y in y0..=y1 {
                for x in x0..=x1 {
                    pairs.push(((y * f.nx + x) as u32, k as u32));
                }
            }
        }
        pairs.sort_unstable();
        g.starts = f.starts(pairs.iter().map(|p| p.0 as usize));
        g.frame = f;
        g.members = pairs.into_iter().map(|p| p.1).collect();
        g.segs = segs;
        g
    }

    /// Ring search in the grid; `None` when it gives up (far from every segment).
    fn nearest_in_grid(&self, p: [f64; 2]) -> Option<(usize, f64, [f64; 2])> {
        let f = &self.frame;
        if f.nx == 0 {
            return None;
        }
        let fx = ((p[0] - f.origin[0]) / f.size).floor();
        let fy = ((p[1] - f.origin[1]) / f.size).floor();
        let (cx, cy) = (fx as i64, fy as i64);
        let (nx, ny) = (f.nx as i64, f.ny as i64);
        // Distance from p to the grid's extent, to skip empty rings outside it.
        let mut best: Option<(usize, f64, [f64; 2])> = None;
        for ring in 0..64i64 {
            if let Some((_, d2, _)) = best {
                // Everything unseen lies outside the square of rings < `ring`: stop when the
                // best distance is below the distance from p to that square's edge.
                let r = ring - 1;
                let (o, s) = (f.origin, f.size);
                let bound = (p[0] - (o[0] + (cx - r) as f64 * s))
                    .min(o[0] + (cx + r + 1) as f64 * s - p[0])
                    .min(p[1] - (o[1] + (cy - r) as f64 * s))
                    .min(o[1] + (cy + r + 1) as f64 * s - p[1]);
                if bound > 0.0 && d2 < bound * bound {
                    break;
                }
            }
            let (x0, x1, y0, y1) = (cx - ring, cx + ring, cy - ring, cy + ring);
            if x1 < 0 || y1 < 0 || x0 >= nx || y0 >= ny {
                continue;
            }
            for y in y0.max(0)..=y1.min(ny - 1) {
                let full_row = y == y0 || y == y1;
                let mut x = x0.max(0);
                while x <= x1.min(nx - 1) {
                    let b = (y * nx + x) as usize;
                    for &k in &self.members[self.starts[b] as usize..self.starts[b + 1] as usize] {
                        let (a, bb, id) = self.segs[k as usize];
                        let (d2, q) = segment_distance_2(p, a, bb);
                        if best.is_none_or(|(bid, bd2, _)| d2 < bd2 || (d2 == bd2 && id < bid)) {
                            best = Some((id, d2, q));
                        }
                    }
                    x = if full_row || x == x1 { x + 1 } else { x1 };
                }
            }
        }
        let (id, d2, q) = best?;
        // Accept only when no unseen bucket can hold anything as close (checked by the loop
        // break); when the loop ran out of rings, let the tree decide.
        let last_inner = 62.0 * f.size;
        (d2 < last_inner * last_inner).then_some((id, d2, q))
    }

    /// Number of segments.
    pub fn len(&self) -> usize {
        self.segs.len()
    }

    /// True when the index holds no segment.
    pub fn is_empty(&self) -> bool {
        self.segs.is_empty()
    }

    fn tree(&self) -> &RTree<GeomWithData<Line<[f64; 2]>, usize>> {
        self.tree.get_or_init(|| {
            RTree::bulk_load(
                self.segs
                    .iter()
                    .map(|&(a, b, i)| GeomWithData::new(Line::new(a, b), i))
                    .collect(),
            )
        })
    }

    /// The segment nearest to `p` and the nearest point on it; among segments at exactly the
    /// same distance (for example all the segments meeting at a vertex), the smallest payload.
    pub fn nearest(&self, p: [f64; 2]) -> Option<SegmentHit> {
        use rstar::PointDistance;
        if let Some((id, _, q)) = self.nearest_in_grid(p) {
            return Some(SegmentHit {
                id,
                point: q,
                distance_m: distance_m(p, q),
            });
        }
        let tree = self.tree();
        let first = tree.nearest_neighbor(&p)?;
        let d2 = first.geom().distance_2(&p);
        // Ties: every segment at the same squared distance (a second, tight query).
        let mut best = first;
        for item in tree.locate_within_distance(p, d2) {
            if item.data < best.data && item.geom().distance_2(&p) == d2 {
                best = item;
            }
        }
        let q = best.geom().nearest_point(&p);
        Some(SegmentHit {
            id: best.data,
            point: q,
            distance_m: distance_m(p, q),
        })
    }
}
