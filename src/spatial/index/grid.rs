//! The one uniform grid: a frame of square buckets over an extent ([`GridFrame`]) with
//! compressed bucket rows, and the two query structures of straight-line coverage built on it
//! ([`NearGrid`], [`RadiusGrid`]); [`super::SegmentIndex`] uses the same frame.

use super::{distance_m, PointIndex};

/// Square buckets of side `size` over the extent starting at `origin`: `nx` columns, `ny`
/// rows, numbered row-major. An empty frame has no bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct GridFrame {
    pub origin: [f64; 2],
    pub size: f64,
    pub nx: usize,
    pub ny: usize,
}

impl GridFrame {
    /// A frame with no bucket.
    pub fn empty(origin: [f64; 2]) -> GridFrame {
        GridFrame {
            origin,
            size: 1.0,
            nx: 0,
            ny: 0,
        }
    }

    /// The bounding box of `points` (infinite corners when there are none).
    pub fn extent(points: impl IntoIterator<Item = [f64; 2]>) -> ([f64; 2], [f64; 2]) {
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in points {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        (lo, hi)
    }

    /// Buckets of side `size` covering `lo..=hi`.
    pub fn new(lo: [f64; 2], hi: [f64; 2], size: f64) -> GridFrame {
        GridFrame {
            origin: lo,
            size,
            nx: ((hi[0] - lo[0]) / size).floor() as usize + 1,
            ny: ((hi[1] - lo[1]) / size).floor() as usize + 1,
        }
    }

    /// Number of buckets.
    pub fn buckets(&self) -> usize {
        self.nx * self.ny
    }

    /// The bucket holding `p`; `None` outside the frame.
    pub fn bucket(&self, p: [f64; 2]) -> Option<usize> {
        let bx = ((p[0] - self.origin[0]) / self.size).floor();
        let by = ((p[1] - self.origin[1]) / self.size).floor();
        if bx < 0.0 || by < 0.0 || bx >= self.nx as f64 || by >= self.ny as f64 {
            return None;
        }
        Some(by as usize * self.nx + bx as usize)
    }

    /// The column (`axis` 0) or row (`axis` 1) of coordinate `v`, clamped into the frame.
    pub fn clamped(&self, v: f64, axis: usize) -> usize {
        let n = if axis == 0 { self.nx } else { self.ny };
        (((v - self.origin[axis]) / self.size) as usize).min(n - 1)
    }

    /// The bucket of `p`, clamped into the frame.
    pub fn clamped_bucket(&self, p: [f64; 2]) -> usize {
        self.clamped(p[1], 1) * self.nx + self.clamped(p[0], 0)
    }

    /// The centre of bucket `b`.
    pub fn centre(&self, b: usize) -> [f64; 2] {
        [
            self.origin[0] + ((b % self.nx) as f64 + 0.5) * self.size,
            self.origin[1] + ((b / self.nx) as f64 + 0.5) * self.size,
        ]
    }

    /// The columns (`axis` 0) or rows (`axis` 1) meeting `lo..=hi`, clamped; `None` when the
    /// interval misses the frame.
    pub fn span(&self, lo: f64, hi: f64, axis: usize) -> Option<(usize, usize)> {
        let n = if axis == 0 { self.nx } else { self.ny };
        let a = ((lo - self.origin[axis]) / self.size).floor();
        let b = ((hi - self.origin[axis]) / self.size).floor();
        if n == 0 || b < 0.0 || a > (n - 1) as f64 {
            return None;
        }
        Some((a.max(0.0) as usize, (b as usize).min(n - 1)))
    }

    /// Compressed rows from bucket keys in bucket order: `starts[b]..starts[b + 1]` are the
    /// positions of bucket `b`'s entries (length `buckets() + 1`).
    pub fn starts(&self, sorted_keys: impl IntoIterator<Item = usize>) -> Vec<u32> {
        let mut starts = vec![0u32; self.buckets() + 1];
        for b in sorted_keys {
            starts[b + 1] += 1;
        }
        for b in 0..self.buckets() {
            starts[b + 1] += starts[b];
        }
        starts
    }
}

/// Precomputed candidates for many "nearest point, and every point within `cutoff`" queries
/// at known query locations (the hot loop of straight-line coverage).
///
/// The query locations are bucketed in a uniform grid of squares of side `s` (about eight
/// queries a bucket, at most half the cutoff). For each occupied bucket with centre `c` and
/// half-diagonal `h`, the candidates are the indexed points within `max(cutoff + h, d* + 2h)`
/// of `c`, where `d*` is the distance from `c` to its nearest point: every point within the
/// cutoff of a query in the bucket is among them (triangle inequality), and so is its nearest
/// point (that one is at most `d* + h` from the query, so at most `d* + 2h` from `c`). A query
/// then scans its bucket's candidates: exact, same ties and same results as
/// [`PointIndex::nearest`] and [`PointIndex::within_radius`]. Queries at other locations fall
/// back to the tree.
#[derive(Debug, Clone)]
pub struct NearGrid<'a> {
    index: &'a PointIndex,
    cutoff: f64,
    frame: GridFrame,
    /// Per bucket, start of its candidates in `cand` (length `nx * ny + 1`).
    starts: Vec<u32>,
    cand: Vec<u32>,
    pts: Vec<[f64; 2]>,
    ids: Vec<usize>,
}

impl<'a> NearGrid<'a> {
    pub(super) fn new(index: &'a PointIndex, queries: &[[f64; 2]], cutoff: f64) -> Self {
        use rayon::prelude::*;
        let (lo, hi) = GridFrame::extent(queries.iter().copied());
        let pts: Vec<[f64; 2]> = index.tree.iter().map(|i| *i.geom()).collect();
        let ids: Vec<usize> = index.tree.iter().map(|i| i.data).collect();
        let mut g = NearGrid {
            index,
            cutoff,
            frame: GridFrame::empty(lo),
            starts: vec![0],
            cand: Vec::new(),
            pts,
            ids,
        };
        if queries.is_empty() || index.is_empty() || cutoff.is_nan() || cutoff < 0.0 {
            return g;
        }
        // Buckets a third of the cutoff wide (candidates cover at most ~1.9× the cutoff's
        // area), but no more buckets than a quarter of the queries.
        let area = ((hi[0] - lo[0]) * (hi[1] - lo[1])).max(1.0);
        let size = (cutoff / 3.0)
            .max((area / (queries.len() as f64 / 4.0).max(1.0)).sqrt())
            .max((hi[0] - lo[0]).max(hi[1] - lo[1]) / 4096.0)
            .max(1e-3);
        g.frame = GridFrame::new(lo, hi, size);
        let mut used = vec![false; g.frame.buckets()];
        for &p in queries {
            if let Some(b) = g.frame.bucket(p) {
                used[b] = true;
            }
        }
        let h = size * std::f64::consts::FRAC_1_SQRT_2;
        let pos = Positions::new(&g.ids);
        let lists: Vec<Vec<u32>> = used
            .par_iter()
            .enumerate()
            .map(|(b, &u)| {
                if !u {
                    return Vec::new();
                }
                let c = g.frame.centre(b);
                let d_star = index
                    .tree
                    .nearest_neighbor(&c)
                    .map_or(0.0, |i| distance_m(c, *i.geom()));
                let r = (cutoff + h).max(d_star + 2.0 * h) * (1.0 + 1e-9);
                index
                    .tree
                    .locate_within_distance(c, r * r)
                    .map(|i| pos.get(i.data))
                    .collect()
            })
            .collect();
        g.starts = Vec::with_capacity(lists.len() + 1);
        g.starts.push(0);
        for l in &lists {
            g.cand.extend_from_slice(l);
            g.starts.push(g.cand.len() as u32);
        }
        g
    }

    /// The nearest point to `p` (`(payload, metres)`, ties to the smallest payload; `None` when
    /// the index is empty), and into `out` (cleared first) every point within the cutoff,
    /// sorted by distance then payload.
    pub fn query(&self, p: [f64; 2], out: &mut Vec<(usize, f64)>) -> Option<(usize, f64)> {
        out.clear();
        let Some(b) = self
            .frame
            .bucket(p)
            .filter(|&b| self.starts[b] < self.starts[b + 1])
        else {
            self.index.within_radius_into(p, self.cutoff, out);
            return out.first().copied().or_else(|| self.index.nearest(p));
        };
        let mut best: Option<(usize, f64)> = None;
        for &k in &self.cand[self.starts[b] as usize..self.starts[b + 1] as usize] {
            let (id, d) = (self.ids[k as usize], distance_m(p, self.pts[k as usize]));
            if d <= self.cutoff {
                out.push((id, d));
            }
            if best.is_none_or(|(bi, bd)| d < bd || (d == bd && id < bi)) {
                best = Some((id, d));
            }
        }
        out.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        best
    }
}

/// Payload → position in the grid's arrays: dense when payloads are small, else hashed.
enum Positions {
    Dense(Vec<u32>),
    Hashed(std::collections::HashMap<usize, u32>),
}

impl Positions {
    fn new(ids: &[usize]) -> Self {
        let max = ids.iter().copied().max().unwrap_or(0);
        if max <= 4 * ids.len() + 1024 {
            let mut v = vec![u32::MAX; max + 1];
            ids.iter().enumerate().for_each(|(k, &id)| v[id] = k as u32);
            Positions::Dense(v)
        } else {
            Positions::Hashed(
                ids.iter()
                    .enumerate()
                    .map(|(k, &id)| (id, k as u32))
                    .collect(),
            )
        }
    }

    fn get(&self, id: usize) -> u32 {
        match self {
            Positions::Dense(v) => v[id],
            Positions::Hashed(h) => h[&id],
        }
    }
}

/// Points bucketed in a uniform grid whose cells are at least the query radius wide, for
/// many radius queries with the same radius (the hot loop of straight-line coverage: a query
/// scans at most three contiguous runs of points instead of walking a tree). Results are the
/// same as [`PointIndex::within_radius`]: inclusive, in metres, sorted by distance then payload.
#[derive(Debug, Clone)]
pub struct RadiusGrid {
    radius_m: f64,
    frame: GridFrame,
    /// Bucket starts (row-major), length `nx * ny + 1`.
    starts: Vec<u32>,
    pts: Vec<[f64; 2]>,
    ids: Vec<usize>,
}

impl RadiusGrid {
    /// Buckets `items` for queries of radius `radius_m`. At most about 4 million buckets: the
    /// bucket size grows beyond the radius when the extent would need more.
    pub fn new(items: impl IntoIterator<Item = ([f64; 2], usize)>, radius_m: f64) -> Self {
        let mut items: Vec<([f64; 2], usize)> = items.into_iter().collect();
        let (mut lo, mut hi) = GridFrame::extent(items.iter().map(|x| x.0));
        if items.is_empty() {
            lo = [0.0; 2];
            hi = [0.0; 2];
        }
        let extent = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1.0);
        let mut size = radius_m.max(extent / 2048.0).max(1e-6);
        let frame = loop {
            let f = GridFrame::new(lo, hi, size);
            if f.buckets() <= 4 << 20 {
                break f;
            }
            size *= 2.0;
        };
        items.sort_by_key(|&(p, id)| (frame.clamped_bucket(p), id));
        let starts = frame.starts(items.iter().map(|&(p, _)| frame.clamped_bucket(p)));
        RadiusGrid {
            radius_m,
            frame,
            starts,
            pts: items.iter().map(|x| x.0).collect(),
            ids: items.iter().map(|x| x.1).collect(),
        }
    }

    /// The radius the grid answers.
    pub fn radius_m(&self) -> f64 {
        self.radius_m
    }

    /// Every point within the radius of `p` (inclusive), `(payload, metres)` sorted by
    /// distance then payload, into `out` (cleared first).
    pub fn within_into(&self, p: [f64; 2], out: &mut Vec<(usize, f64)>) {
        self.within_unsorted_into(p, out);
        out.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    }

    /// [`RadiusGrid::within_into`] without the sort, for callers that only sum or collect: the
    /// points in bucket order, which depends only on the items (deterministic).
    pub fn within_unsorted_into(&self, p: [f64; 2], out: &mut Vec<(usize, f64)>) {
        out.clear();
        let r = self.radius_m;
        if self.pts.is_empty() || r.is_nan() || r < 0.0 {
            return;
        }
        let f = &self.frame;
        let (Some((x0, x1)), Some((y0, y1))) =
            (f.span(p[0] - r, p[0] + r, 0), f.span(p[1] - r, p[1] + r, 1))
        else {
            return;
        };
        for by in y0..=y1 {
            let a = self.starts[by * f.nx + x0] as usize;
            let b = self.starts[by * f.nx + x1 + 1] as usize;
            for k in a..b {
                let d = distance_m(p, self.pts[k]);
                if d <= r {
                    out.push((self.ids[k], d));
                }
            }
        }
    }
}
