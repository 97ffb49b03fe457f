//! The `k` nearest of a few thousand points, for a million queries: a uniform bucket grid
//! searched ring by ring.
//!
//! Points are bucketed in squares of side `s` (about two points a bucket). A query visits the
//! rings of buckets around its own, nearest first; after ring `r` every unvisited point is at
//! least `r × s` away (`r` whole buckets lie between), so the search stops as soon as it holds
//! `k` points no farther than that. Exact: the same `k` points as sorting all distances, ties
//! by the lower index.

use crate::spatial::index::distance_m;

/// A bucket grid over points in metres.
#[derive(Debug, Clone)]
pub struct KNearest {
    origin: [f64; 2],
    side: f64,
    nx: i64,
    ny: i64,
    /// Bucket `b` holds `items[starts[b]..starts[b + 1]]`.
    starts: Vec<usize>,
    items: Vec<(usize, [f64; 2])>,
}

impl KNearest {
    /// A grid over `points` (`(payload, position)`).
    pub fn new(points: &[(usize, [f64; 2])]) -> KNearest {
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for (_, p) in points {
            for d in 0..2 {
                lo[d] = lo[d].min(p[d]);
                hi[d] = hi[d].max(p[d]);
            }
        }
        if points.is_empty() {
            lo = [0.0; 2];
            hi = [0.0; 2];
        }
        let (w, h) = ((hi[0] - lo[0]).max(1.0), (hi[1] - lo[1]).max(1.0));
        let side = (w * h * 2.0 / points.len().max(1) as f64).sqrt().max(1.0);
        let nx = ((w / side).floor() as i64 + 1).min(4096);
        let ny = ((h / side).floor() as i64 + 1).min(4096);
        let side = side.max(w / nx as f64).max(h / ny as f64);
        let bucket = |p: [f64; 2]| -> usize {
            let bx = (((p[0] - lo[0]) / side).floor() as i64).clamp(0, nx - 1);
            let by = (((p[1] - lo[1]) / side).floor() as i64).clamp(0, ny - 1);
            (by * nx + bx) as usize
        };
        let nb = (nx * ny) as usize;
        let mut counts = vec![0usize; nb + 1];
        for (_, p) in points {
            counts[bucket(*p) + 1] += 1;
        }
        for b in 0..nb {
            counts[b + 1] += counts[b];
        }
        let mut fill = counts.clone();
        let mut items = vec![(0usize, [0.0; 2]); points.len()];
        for &(j, p) in points {
            let b = bucket(p);
            items[fill[b]] = (j, p);
            fill[b] += 1;
        }
        KNearest {
            origin: lo,
            side,
            nx,
            ny,
            starts: counts,
            items,
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True without points.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The `k` nearest points to `q` as `(payload, metres)`, by distance then payload, into
    /// `out` (cleared first).
    pub fn query(&self, q: [f64; 2], k: usize, out: &mut Vec<(usize, f64)>) {
        out.clear();
        if k == 0 || self.items.is_empty() {
            return;
        }
        let k = k.min(self.items.len());
        let qx = ((q[0] - self.origin[0]) / self.side).floor() as i64;
        let qy = ((q[1] - self.origin[1]) / self.side).floor() as i64;
        let cx = qx.clamp(0, self.nx - 1);
        let cy = qy.clamp(0, self.ny - 1);
        // Distance from q to the grid (0 inside): the clamp offsets it.
        let outside = (qx - cx).abs().max((qy - cy).abs());
        let max_r = self.nx.max(self.ny);
        let cmp = |a: &(usize, f64), b: &(usize, f64)| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0));
        for r in 0..=max_r {
            let mut visit = |bx: i64, by: i64| {
                if bx < 0 || by < 0 || bx >= self.nx || by >= self.ny {
                    return;
                }
                let b = (by * self.nx + bx) as usize;
                for &(j, p) in &self.items[self.starts[b]..self.starts[b + 1]] {
                    out.push((j, distance_m(q, p)));
                }
            };
            if r == 0 {
                visit(cx, cy);
            } else {
                for bx in cx - r..=cx + r {
                    visit(bx, cy - r);
                    visit(bx, cy + r);
                }
                for by in cy - r + 1..=cy + r - 1 {
                    visit(cx - r, by);
                    visit(cx + r, by);
                }
            }
            if out.len() >= k {
                // Unvisited buckets are `r + 1` rings or more from the clamped bucket, so `r − outside`
                // whole buckets or more from q's own (virtual) bucket.
                let bound = (r - outside).max(0) as f64 * self.side;
                if out.len() > k {
                    out.select_nth_unstable_by(k - 1, cmp);
                }
                let kth = out[..k].iter().map(|x| x.1).fold(0.0, f64::max);
                if kth <= bound || r == max_r {
                    out.truncate(k);
                    out.sort_unstable_by(cmp);
                    // Ties at the k-th distance beyond the cut: keep the lower payloads. The
                    // select above may have kept an arbitrary one of equal distances.
                    return;
                }
            }
        }
        out.sort_unstable_by(cmp);
        out.truncate(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix;

    #[test]
    fn same_as_sorting_every_distance() {
        let mut rng = SplitMix::new(3);
        for case in 0..50 {
            let n = 1 + rng.below(300);
            let spread = [10.0, 1000.0, 50_000.0][case % 3];
            let pts: Vec<(usize, [f64; 2])> = (0..n)
                .map(|j| (j, [rng.unit() * spread, rng.unit() * spread * 0.3]))
                .collect();
            let g = KNearest::new(&pts);
            let mut out = Vec::new();
            for _ in 0..40 {
                let q = [
                    rng.unit() * spread * 1.4 - spread * 0.2,
                    rng.unit() * spread,
                ];
                let k = 1 + rng.below(20);
                g.query(q, k, &mut out);
                let mut all: Vec<(usize, f64)> =
                    pts.iter().map(|&(j, p)| (j, distance_m(q, p))).collect();
                all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                all.truncate(k);
                let d: Vec<f64> = out.iter().map(|x| x.1).collect();
                let e: Vec<f64> = all.iter().map(|x| x.1).collect();
                assert_eq!(d, e, "case {case}");
            }
        }
    }
}
