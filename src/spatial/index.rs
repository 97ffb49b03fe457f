//! A point index in local metres: the one place that wraps `rstar` (points, segments, and the
//! box pairs of [`for_each_box_pair`]).
//!
//! [`PointIndex`] holds points with a `usize` payload (the index of the school, cell or
//! candidate they stand for) in a bulk-loaded R-tree of `GeomWithData<[f64; 2], usize>`.
//! Every query takes and returns **metres**: `rstar`'s `locate_within_distance` takes a
//! *squared* radius, and that squaring happens here and nowhere else.
//!
//! Ties are broken by the payload: among points at exactly the same distance the smallest
//! payload wins ([`PointIndex::nearest`]) or comes first ([`PointIndex::within_radius`]), so
//! results never depend on the tree's internal order.

use rstar::primitives::{GeomWithData, Line};
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
    origin: [f64; 2],
    size: f64,
    nx: usize,
    ny: usize,
    /// Per bucket, start of its candidates in `cand` (length `nx * ny + 1`).
    starts: Vec<u32>,
    cand: Vec<u32>,
    pts: Vec<[f64; 2]>,
    ids: Vec<usize>,
}

impl<'a> NearGrid<'a> {
    fn new(index: &'a PointIndex, queries: &[[f64; 2]], cutoff: f64) -> Self {
        use rayon::prelude::*;
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in queries {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        let pts: Vec<[f64; 2]> = index.tree.iter().map(|i| *i.geom()).collect();
        let ids: Vec<usize> = index.tree.iter().map(|i| i.data).collect();
        let mut g = NearGrid {
            index,
            cutoff,
            origin: lo,
            size: 1.0,
            nx: 0,
            ny: 0,
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
        g.size = size;
        g.nx = ((hi[0] - lo[0]) / size).floor() as usize + 1;
        g.ny = ((hi[1] - lo[1]) / size).floor() as usize + 1;
        let mut used = vec![false; g.nx * g.ny];
        for &p in queries {
            if let Some(b) = g.bucket(p) {
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
                let c = [
                    lo[0] + ((b % g.nx) as f64 + 0.5) * size,
                    lo[1] + ((b / g.nx) as f64 + 0.5) * size,
                ];
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

    fn bucket(&self, p: [f64; 2]) -> Option<usize> {
        let bx = ((p[0] - self.origin[0]) / self.size).floor();
        let by = ((p[1] - self.origin[1]) / self.size).floor();
        if bx < 0.0 || by < 0.0 || bx >= self.nx as f64 || by >= self.ny as f64 {
            return None;
        }
        Some(by as usize * self.nx + bx as usize)
    }

    /// The nearest point to `p` (`(payload, metres)`, ties to the smallest payload; `None` when
    /// the index is empty), and into `out` (cleared first) every point within the cutoff,
    /// sorted by distance then payload.
    pub fn query(&self, p: [f64; 2], out: &mut Vec<(usize, f64)>) -> Option<(usize, f64)> {
        out.clear();
        let Some(b) = self
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
    origin: [f64; 2],
    size: f64,
    nx: usize,
    ny: usize,
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
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for (p, _) in &items {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        if items.is_empty() {
            lo = [0.0; 2];
            hi = [0.0; 2];
        }
        let extent = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1.0);
        let mut size = radius_m.max(extent / 2048.0).max(1e-6);
        let (mut nx, mut ny);
        loop {
            nx = ((hi[0] - lo[0]) / size).floor() as usize + 1;
            ny = ((hi[1] - lo[1]) / size).floor() as usize + 1;
            if nx * ny <= 4 << 20 {
                break;
            }
            size *= 2.0;
        }
        let bucket = |p: [f64; 2]| {
            let bx = (((p[0] - lo[0]) / size) as usize).min(nx - 1);
            let by = (((p[1] - lo[1]) / size) as usize).min(ny - 1);
            by * nx + bx
        };
        items.sort_by_key(|&(p, id)| (bucket(p), id));
        let mut starts = vec![0u32; nx * ny + 1];
        for &(p, _) in &items {
            starts[bucket(p) + 1] += 1;
        }
        for b in 0..nx * ny {
            starts[b + 1] += starts[b];
        }
        RadiusGrid {
            radius_m,
            origin: lo,
            size,
            nx,
            ny,
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
        out.clear();
        let r = self.radius_m;
        if self.pts.is_empty() || r.is_nan() || r < 0.0 {
            return;
        }
        let range = |v: f64, o: f64, n: usize| -> Option<(usize, usize)> {
            let a = ((v - r - o) / self.size).floor();
            let b = ((v + r - o) / self.size).floor();
            if b < 0.0 || a > (n - 1) as f64 {
                return None;
            }
            Some((a.max(0.0) as usize, (b as usize).min(n - 1)))
        };
        let (Some((x0, x1)), Some((y0, y1))) = (
            range(p[0], self.origin[0], self.nx),
            range(p[1], self.origin[1], self.ny),
        ) else {
            return;
        };
        for by in y0..=y1 {
            let a = self.starts[by * self.nx + x0] as usize;
            let b = self.starts[by * self.nx + x1 + 1] as usize;
            for k in a..b {
                let d = distance_m(p, self.pts[k]);
                if d <= r {
                    out.push((self.ids[k], d));
                }
            }
        }
        out.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    }
}

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
    origin: [f64; 2],
    size: f64,
    nx: usize,
    ny: usize,
    starts: Vec<u32>,
    members: Vec<u32>,
}

/// Calls `f(i, j)` with `i < j` for every pair of axis-aligned boxes
/// `[min_x, min_y, max_x, max_y]` that intersect (touching counts), in increasing `(i, j)`
/// order, until `f` returns `false`. One R-tree query per box: `O(n log n + pairs)`, the
/// candidate search of segment-intersection tests (polygon validity).
pub fn for_each_box_pair(boxes: &[[f64; 4]], mut f: impl FnMut(usize, usize) -> bool) {
    use rstar::primitives::Rectangle;
    use rstar::AABB;
    let items: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = boxes
        .iter()
        .enumerate()
        .map(|(i, b)| GeomWithData::new(Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]), i))
        .collect();
    let tree = RTree::bulk_load(items);
    let mut js = Vec::new();
    for (i, b) in boxes.iter().enumerate() {
        let env = AABB::from_corners([b[0], b[1]], [b[2], b[3]]);
        js.clear();
        js.extend(
            tree.locate_in_envelope_intersecting(&env)
                .map(|g| g.data)
                .filter(|&j| j > i),
        );
        js.sort_unstable();
        for &j in &js {
            if !f(i, j) {
                return;
            }
        }
    }
}

/// Squared distance from `p` to segment `a`–`b`, and the nearest point.
fn segment_distance_2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> (f64, [f64; 2]) {
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
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for (a, b, _) in &segs {
            for k in 0..2 {
                lo[k] = lo[k].min(a[k]).min(b[k]);
                hi[k] = hi[k].max(a[k]).max(b[k]);
            }
        }
        let mut g = SegmentIndex {
            tree: std::sync::OnceLock::new(),
            segs: Vec::new(),
            origin: lo,
            size: 1.0,
            nx: 0,
            ny: 0,
            starts: vec![0],
            members: Vec::new(),
        };
        if segs.is_empty() {
            return g;
        }
        let (w, h) = ((hi[0] - lo[0]).max(1e-6), (hi[1] - lo[1]).max(1e-6));
        g.size = ((w * h) / segs.len() as f64)
            .sqrt()
            .max(w.max(h) / 2048.0)
            .max(1e-3);
        g.nx = (w / g.size).floor() as usize + 1;
        g.ny = (h / g.size).floor() as usize + 1;
        let cell = |v: f64, o: f64, n: usize| (((v - o) / g.size) as usize).min(n - 1);
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(segs.len() * 2);
        for (k, (a, b, _)) in segs.iter().enumerate() {
            let (x0, x1) = (
                cell(a[0].min(b[0]), lo[0], g.nx),
                cell(a[0].max(b[0]), lo[0], g.nx),
            );
            let (y0, y1) = (
                cell(a[1].min(b[1]), lo[1], g.ny),
                cell(a[1].max(b[1]), lo[1], g.ny),
            );
            for y in y0..=y1 {
                for x in x0..=x1 {
                    pairs.push(((y * g.nx + x) as u32, k as u32));
                }
            }
        }
        pairs.sort_unstable();
        g.starts = vec![0u32; g.nx * g.ny + 1];
        for &(b, _) in &pairs {
            g.starts[b as usize + 1] += 1;
        }
        for b in 0..g.nx * g.ny {
            g.starts[b + 1] += g.starts[b];
        }
        g.members = pairs.into_iter().map(|p| p.1).collect();
        g.segs = segs;
        g
    }

    /// Ring search in the grid; `None` when it gives up (far from every segment).
    fn nearest_in_grid(&self, p: [f64; 2]) -> Option<(usize, f64, [f64; 2])> {
        if self.nx == 0 {
            return None;
        }
        let fx = ((p[0] - self.origin[0]) / self.size).floor();
        let fy = ((p[1] - self.origin[1]) / self.size).floor();
        let (cx, cy) = (fx as i64, fy as i64);
        let (nx, ny) = (self.nx as i64, self.ny as i64);
        // Distance from p to the grid's extent, to skip empty rings outside it.
        let mut best: Option<(usize, f64, [f64; 2])> = None;
        for ring in 0..64i64 {
            if let Some((_, d2, _)) = best {
                // Everything unseen lies outside the square of rings < `ring`: stop when the
                // best distance is below the distance from p to that square's edge.
                let r = ring - 1;
                let (o, s) = (self.origin, self.size);
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
        let last_inner = 62.0 * self.size;
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

/// Sparse per-origin cost lists in compressed rows: for origin `i`, the `(target, cost)` pairs
/// within some cutoff, sorted by cost, then target. The result type of the radius queries of
/// this module and of [`crate::spatial::network`]; `into_lists` gives plain vectors.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CostLists {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    costs: Vec<f64>,
}

impl CostLists {
    /// Builds the lists of `n` origins in parallel: `fill(i, buf)` writes the pairs of origin
    /// `i` into `buf` (cleared before each call); they are sorted here.
    pub fn build(n: usize, fill: impl Fn(usize, &mut Vec<(usize, f64)>) + Sync) -> Self {
        Self::build_with(n, fill).0
    }

    /// [`CostLists::build`] where `fill` also returns a value per origin, collected in order.
    pub fn build_with<T: Send>(
        n: usize,
        fill: impl Fn(usize, &mut Vec<(usize, f64)>) -> T + Sync,
    ) -> (Self, Vec<T>) {
        use rayon::prelude::*;
        const CHUNK: usize = 4096;
        type Chunk<T> = (Vec<usize>, Vec<u32>, Vec<f64>, Vec<T>);
        let chunks: Vec<Chunk<T>> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let mut buf = Vec::new();
                let (mut lens, mut targets, mut costs, mut extra) =
                    (Vec::new(), Vec::new(), Vec::new(), Vec::new());
                for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                    buf.clear();
                    extra.push(fill(i, &mut buf));
                    if !buf.is_sorted_by(|a, b| a.1 < b.1 || (a.1 == b.1 && a.0 <= b.0)) {
                        buf.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                    }
                    lens.push(buf.len());
                    targets.extend(buf.iter().map(|&(j, _)| j as u32));
                    costs.extend(buf.iter().map(|&(_, c)| c));
                }
                (lens, targets, costs, extra)
            })
            .collect();
        let total: usize = chunks.iter().map(|c| c.1.len()).sum();
        let mut out = CostLists {
            offsets: Vec::with_capacity(n + 1),
            targets: Vec::with_capacity(total),
            costs: Vec::with_capacity(total),
        };
        let mut values = Vec::with_capacity(n);
        out.offsets.push(0);
        for (lens, targets, costs, extra) in chunks {
            for l in lens {
                let last = *out.offsets.last().unwrap_or(&0);
                out.offsets.push(last + l);
            }
            out.targets.extend(targets);
            out.costs.extend(costs);
            values.extend(extra);
        }
        (out, values)
    }

    /// Number of origins.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// True when there is no origin.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of stored pairs.
    pub fn pairs(&self) -> usize {
        self.targets.len()
    }

    /// The targets and costs of origin `i`, by increasing cost (then target).
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let r = self.offsets[i]..self.offsets[i + 1];
        (&self.targets[r.clone()], &self.costs[r])
    }

    /// Plain vectors: per origin, `(target, cost)` sorted by cost, then target.
    pub fn into_lists(self) -> Vec<Vec<(usize, f64)>> {
        (0..self.len())
            .map(|i| {
                let (t, c) = self.row(i);
                t.iter().zip(c).map(|(&j, &c)| (j as usize, c)).collect()
            })
            .collect()
    }
}

/// Straight-line costs in metres from every origin to every target within `radius_m`
/// (inclusive), as sorted per-origin lists. Parallel over origins; `O(n + m + pairs)` on
/// spread-out data (a [`RadiusGrid`]).
pub fn straight_costs(origins: &[[f64; 2]], targets: &[[f64; 2]], radius_m: f64) -> CostLists {
    let grid = RadiusGrid::new(
        targets.iter().copied().enumerate().map(|(i, p)| (p, i)),
        radius_m,
    );
    CostLists::build(origins.len(), |i, buf| grid.within_into(origins[i], buf))
}

#[cfg(test)]
mod tests {
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
