//! Sparse per-origin cost lists in compressed rows, and straight-line reach as such lists.

use super::grid::RadiusGrid;

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
