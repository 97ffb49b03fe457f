//! The sparse demand × candidate cost matrix every solver reads.

use super::SolveError;

/// Demand weights and, per demand, its reachable candidates sorted by increasing cost.
///
/// Stored in compressed rows (CSR): the pairs of demand `i` are
/// `offsets[i]..offsets[i + 1]`, ordered by `(cost, candidate)`. A pair that is not stored is
/// unreachable (infinite cost). Only pairs within the largest cutoff that matters need to be
/// stored ("sparse coverage"); memory is 12 bytes per pair.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseCosts {
    weights: Vec<f64>,
    m: usize,
    offsets: Vec<usize>,
    cands: Vec<u32>,
    costs: Vec<f64>,
    integral: bool,
}

/// The same pairs indexed by candidate: for candidate `j`, the demands that can reach it.
#[derive(Debug, Clone, PartialEq)]
pub struct Transposed {
    /// Row starts, length `m + 1`.
    pub offsets: Vec<usize>,
    /// Demand indices, sorted by increasing cost within a candidate.
    pub demands: Vec<u32>,
    /// Costs matching `demands`.
    pub costs: Vec<f64>,
}

impl Transposed {
    /// The demands of candidate `j` (by increasing cost).
    pub fn demands_of(&self, j: usize) -> &[u32] {
        &self.demands[self.offsets[j]..self.offsets[j + 1]]
    }

    /// The `(demand, cost)` pairs of candidate `j`, by increasing cost.
    pub fn column(&self, j: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.offsets[j]..self.offsets[j + 1];
        self.demands[r.clone()]
            .iter()
            .zip(&self.costs[r])
            .map(|(&i, &c)| (i as usize, c))
    }
}

fn check_weights(weights: &[f64]) -> Result<(), SolveError> {
    for (index, &value) in weights.iter().enumerate() {
        if !(value.is_finite() && value >= 0.0) {
            return Err(SolveError::BadWeight { index, value });
        }
    }
    Ok(())
}

impl SparseCosts {
    /// Builds the matrix from one list of `(candidate, cost)` pairs per demand.
    ///
    /// Lists need not be sorted. Infinite costs are dropped (unreachable). Errors on a negative
    /// or NaN weight or cost, an out-of-range candidate, a duplicate pair, or `lists.len() !=
    /// weights.len()`. `O(P log P)` for `P` pairs.
    pub fn from_lists(
        weights: Vec<f64>,
        m: usize,
        lists: Vec<Vec<(usize, f64)>>,
    ) -> Result<Self, SolveError> {
        check_weights(&weights)?;
        if lists.len() != weights.len() {
            return Err(SolveError::Length {
                what: "cost lists (one per demand)".into(),
                expected: weights.len(),
                got: lists.len(),
            });
        }
        let mut offsets = Vec::with_capacity(weights.len() + 1);
        offsets.push(0);
        let total: usize = lists.iter().map(Vec::len).sum();
        let (mut cands, mut costs) = (Vec::with_capacity(total), Vec::with_capacity(total));
        let mut seen = vec![usize::MAX; m];
        for (i, mut list) in lists.into_iter().enumerate() {
            for &(j, c) in &list {
                if j >= m {
                    let context = format!("cost list of demand {i}");
                    return Err(SolveError::CandidateOutOfRange {
                        context,
                        index: j,
                        m,
                    });
                }
                if c.is_nan() || c < 0.0 {
                    return Err(SolveError::BadCost {
                        demand: i,
                        candidate: j,
                        value: c,
                    });
                }
                if seen[j] == i {
                    return Err(SolveError::DuplicatePair {
                        demand: i,
                        candidate: j,
                    });
                }
                seen[j] = i;
            }
            list.retain(|&(_, c)| c.is_finite());
            list.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            for (j, c) in list {
                cands.push(j as u32);
                costs.push(c);
            }
            offsets.push(cands.len());
        }
        let integral = costs.iter().chain(&weights).all(|v| v.fract() == 0.0);
        Ok(Self {
            weights,
            m,
            offsets,
            cands,
            costs,
            integral,
        })
    }

    /// Builds the matrix from a dense `n × m` matrix (`matrix[i][j]`), keeping only the pairs
    /// with a finite cost `≤ cutoff` (all finite pairs when `cutoff` is `None`).
    pub fn from_dense(
        weights: Vec<f64>,
        matrix: &[Vec<f64>],
        cutoff: Option<f64>,
    ) -> Result<Self, SolveError> {
        let m = matrix.first().map_or(0, Vec::len);
        let limit = cutoff.unwrap_or(f64::INFINITY);
        let mut lists = Vec::with_capacity(matrix.len());
        for (i, row) in matrix.iter().enumerate() {
            if row.len() != m {
                let what = format!("row {i} of the dense cost matrix");
                return Err(SolveError::Length {
                    what,
                    expected: m,
                    got: row.len(),
                });
            }
            let mut list = Vec::new();
            for (j, &c) in row.iter().enumerate() {
                if c.is_nan() || c < 0.0 {
                    return Err(SolveError::BadCost {
                        demand: i,
                        candidate: j,
                        value: c,
                    });
                }
                if c <= limit {
                    list.push((j, c));
                }
            }
            lists.push(list);
        }
        Self::from_lists(weights, m, lists)
    }

    /// Number of demand points.
    pub fn n(&self) -> usize {
        self.weights.len()
    }

    /// Number of candidate sites.
    pub fn m(&self) -> usize {
        self.m
    }

    /// Number of stored pairs.
    pub fn pairs(&self) -> usize {
        self.cands.len()
    }

    /// Demand weights.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Total demand weight.
    pub fn total_weight(&self) -> f64 {
        self.weights.iter().sum()
    }

    /// True when every weight is an integer (coverage objectives are then integers).
    pub fn weights_integral(&self) -> bool {
        self.weights.iter().all(|v| v.fract() == 0.0)
    }

    /// True when every weight and every stored cost is an integer (used to round bounds up).
    pub fn is_integral(&self) -> bool {
        self.integral
    }

    /// The `(candidate, cost)` pairs of demand `i`, by increasing cost.
    pub fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.offsets[i]..self.offsets[i + 1];
        self.cands[r.clone()]
            .iter()
            .zip(&self.costs[r])
            .map(|(&j, &c)| (j as usize, c))
    }

    /// Raw slices `(candidates, costs)` of demand `i`.
    pub fn row_slices(&self, i: usize) -> (&[u32], &[f64]) {
        let r = self.offsets[i]..self.offsets[i + 1];
        (&self.cands[r.clone()], &self.costs[r])
    }

    /// Cost of pair `(i, j)`, `None` when not stored. `O(k_i)`.
    pub fn cost(&self, i: usize, j: usize) -> Option<f64> {
        self.row(i).find(|&(c, _)| c == j).map(|(_, c)| c)
    }

    /// Largest stored cost (0 when there are no pairs).
    pub fn max_cost(&self) -> f64 {
        self.costs.iter().copied().fold(0.0, f64::max)
    }

    /// The pairs indexed by candidate. `O(P)`.
    pub fn transpose(&self) -> Transposed {
        let mut counts = vec![0usize; self.m + 1];
        for &j in &self.cands {
            counts[j as usize + 1] += 1;
        }
        for j in 0..self.m {
            counts[j + 1] += counts[j];
        }
        let offsets = counts.clone();
        let mut next = counts;
        // Bucket the pairs by candidate (in demand order), then sort each column by cost, then
        // demand: `O(P log(P / m))` with each sort in cache, columns in parallel (the result
        // does not depend on the threads).
        let mut pairs = vec![(0.0f64, 0u32); self.cands.len()];
        let demand_of = self.demand_of_pair();
        for (k, &j) in self.cands.iter().enumerate() {
            let j = j as usize;
            pairs[next[j]] = (self.costs[k], demand_of[k]);
            next[j] += 1;
        }
        let mut columns: Vec<&mut [(f64, u32)]> = Vec::with_capacity(self.m);
        let mut rest: &mut [(f64, u32)] = &mut pairs;
        for j in 0..self.m {
            let (col, tail) = rest.split_at_mut(offsets[j + 1] - offsets[j]);
            columns.push(col);
            rest = tail;
        }
        {
            use rayon::prelude::*;
            columns.into_par_iter().for_each(|col| {
                col.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            });
        }
        let (costs, demands) = pairs.into_iter().unzip();
        Transposed {
            offsets,
            demands,
            costs,
        }
    }

    fn demand_of_pair(&self) -> Vec<u32> {
        let mut out = vec![0u32; self.cands.len()];
        for i in 0..self.n() {
            out[self.offsets[i]..self.offsets[i + 1]].fill(i as u32);
        }
        out
    }

    /// A copy restricted to pairs with cost `≤ radius` (inclusive): the coverage sets.
    pub fn within(&self, radius: f64) -> SparseCosts {
        let mut offsets = Vec::with_capacity(self.n() + 1);
        offsets.push(0);
        let (mut cands, mut costs) = (Vec::new(), Vec::new());
        for i in 0..self.n() {
            for (j, c) in self.row(i).take_while(|&(_, c)| c <= radius) {
                cands.push(j as u32);
                costs.push(c);
            }
            offsets.push(cands.len());
        }
        let integral = costs.iter().chain(&self.weights).all(|v| v.fract() == 0.0);
        SparseCosts {
            weights: self.weights.clone(),
            m: self.m,
            offsets,
            cands,
            costs,
            integral,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sorted_and_infinite_dropped() {
        let c = SparseCosts::from_dense(
            vec![1.0, 2.0],
            &[vec![3.0, 1.0, f64::INFINITY], vec![0.0, 5.0, 2.0]],
            None,
        )
        .unwrap();
        assert_eq!(c.row(0).collect::<Vec<_>>(), vec![(1, 1.0), (0, 3.0)]);
        assert_eq!(
            c.row(1).collect::<Vec<_>>(),
            vec![(0, 0.0), (2, 2.0), (1, 5.0)]
        );
        let t = c.transpose();
        assert_eq!(t.column(0).collect::<Vec<_>>(), vec![(1, 0.0), (0, 3.0)]);
        assert_eq!(t.column(2).collect::<Vec<_>>(), vec![(1, 2.0)]);
        assert_eq!(c.within(2.0).pairs(), 3);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(SparseCosts::from_lists(vec![-1.0], 1, vec![vec![]]).is_err());
        assert!(SparseCosts::from_lists(vec![1.0], 1, vec![vec![(1, 1.0)]]).is_err());
        assert!(SparseCosts::from_lists(vec![1.0], 1, vec![vec![(0, f64::NAN)]]).is_err());
        assert!(SparseCosts::from_lists(vec![1.0], 2, vec![vec![(0, 1.0), (0, 2.0)]]).is_err());
        assert!(SparseCosts::from_lists(vec![1.0], 2, vec![]).is_err());
    }
}
