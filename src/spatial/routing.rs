//! The one shortest-path implementation: Dijkstra on a compressed-row graph, multi-source,
//! labelled, optionally bounded.
//!
//! Every road-graph question of the library — coverage, zones, proposals and `schoolplan solve`
//! — comes down to "from these seed nodes (each with a starting cost and a label), what is the
//! cheapest cost to every node, and which seed gave it". [`Csr`] holds the arcs as flat arrays
//! (offsets, neighbour, cost) so that the inner loop touches no hash map and no pointer chain;
//! [`search`] runs Dijkstra (1959) with a binary heap from many seeds at once, settling nodes in
//! order of cost and, on equal cost, of the smaller label, up to an inclusive cutoff.
//! `O((V + E) log V)` per search; scratch arrays are reused between searches and reset in
//! `O(touched)`, which is what makes one bounded search per school cheap on a city network.
//!
//! Why not `petgraph::algo::dijkstra`: it is single-source, has no cutoff, tracks no source label
//! and returns a `HashMap`. `petgraph` remains the container the networks are built in
//! ([`crate::spatial::network::RoadNetwork::graph`], [`crate::spatial::graph_costs`]); the
//! searches run on a [`Csr`] copy of it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A directed graph in compressed rows: for node `v`, the arcs stored under `v` as
/// `(neighbour, cost)`. Searches relax the arcs stored under the node they settle, so a search
/// "towards" destinations stores each arc `u → v` under `v` (the reversed graph).
#[derive(Debug, Clone, Default)]
pub struct Csr {
    offsets: Vec<u32>,
    neighbour: Vec<u32>,
    cost: Vec<f64>,
}

impl Csr {
    /// Builds rows for `nodes` nodes from `(row, neighbour, cost)` triples; within a row, arcs
    /// keep the order of `(neighbour)` after a stable sort, so the result does not depend on
    /// the order the triples came in beyond ties of equal neighbours.
    pub fn from_arcs(nodes: usize, mut arcs: Vec<(u32, u32, f64)>) -> Csr {
        arcs.sort_by_key(|&(row, nb, _)| (row, nb));
        let mut offsets = vec![0u32; nodes + 1];
        for &(row, _, _) in &arcs {
            offsets[row as usize + 1] += 1;
        }
        for i in 0..nodes {
            offsets[i + 1] += offsets[i];
        }
        Csr {
            offsets,
            neighbour: arcs.iter().map(|a| a.1).collect(),
            cost: arcs.iter().map(|a| a.2).collect(),
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of arcs.
    pub fn arc_count(&self) -> usize {
        self.neighbour.len()
    }

    fn row(&self, v: usize) -> impl Iterator<Item = (u32, f64)> + '_ {
        let r = self.offsets[v] as usize..self.offsets[v + 1] as usize;
        self.neighbour[r.clone()]
            .iter()
            .copied()
            .zip(self.cost[r].iter().copied())
    }
}

/// Reusable per-thread state of [`search`]: costs and labels of every node (infinite and
/// unlabelled between searches), the nodes touched, the heap.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Per node: best cost found (`INFINITY` when untouched).
    pub cost: Vec<f64>,
    /// Per node: label of the seed that gave it (`u32::MAX` when untouched).
    pub label: Vec<u32>,
    touched: Vec<u32>,
    // (cost, label, node): equal costs pop the smaller label first, so no node is settled
    // twice even across zero-cost arcs.
    heap: BinaryHeap<Reverse<(u64, u32, u32)>>,
}

impl Scratch {
    /// Scratch for a graph of `nodes` nodes.
    pub fn new(nodes: usize) -> Scratch {
        Scratch {
            cost: vec![f64::INFINITY; nodes],
            label: vec![u32::MAX; nodes],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Forgets the last search in `O(touched)`.
    pub fn reset(&mut self) {
        for &v in &self.touched {
            self.cost[v as usize] = f64::INFINITY;
            self.label[v as usize] = u32::MAX;
        }
        self.touched.clear();
        self.heap.clear();
    }

    fn offer(&mut self, v: u32, c: f64, l: u32) {
        let vi = v as usize;
        let better = c < self.cost[vi] || (c == self.cost[vi] && l < self.label[vi]);
        if better {
            if self.cost[vi].is_infinite() {
                self.touched.push(v);
            }
            self.cost[vi] = c;
            self.label[vi] = l;
            self.heap.push(Reverse((key(c), l, v)));
        }
    }
}

/// Order-preserving key of a non-negative cost.
fn key(c: f64) -> u64 {
    c.to_bits()
}

/// Multi-source Dijkstra over `graph` from `seeds` (`(node, starting cost, label)`), settling
/// nodes with cost `≤ cutoff` (inclusive; `f64::INFINITY` for none). On return `scratch.cost`
/// and `scratch.label` hold, for every settled node, the cheapest cost and the label of the
/// seed that gives it (ties: the smaller label); the settled nodes are returned in the order
/// they were settled (non-decreasing cost). Seeds with a non-finite or negative cost are
/// ignored. `scratch` must be fresh or [`Scratch::reset`]; the caller resets it afterwards.
pub fn search(
    graph: &Csr,
    seeds: impl IntoIterator<Item = (u32, f64, u32)>,
    cutoff: f64,
    scratch: &mut Scratch,
) -> Vec<(u32, f64)> {
    for (v, c, l) in seeds {
        if c.is_finite() && c >= 0.0 && c <= cutoff {
            scratch.offer(v, c, l);
        }
    }
    let mut settled = Vec::new();
    while let Some(Reverse((k, l, v))) = scratch.heap.pop() {
        let vi = v as usize;
        if k != key(scratch.cost[vi]) || l != scratch.label[vi] {
            continue; // stale entry
        }
        let c = scratch.cost[vi];
        settled.push((v, c));
        for (u, w) in graph.row(vi) {
            let nc = c + w;
            if nc <= cutoff {
                scratch.offer(u, nc, l);
            }
        }
    }
    settled
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force: Bellman-Ford from every seed, keeping the cheapest (then smallest label).
    fn oracle(n: usize, arcs: &[(u32, u32, f64)], seeds: &[(u32, f64, u32)]) -> Vec<(f64, u32)> {
        let mut best = vec![(f64::INFINITY, u32::MAX); n];
        for &(s, c0, l) in seeds {
            let mut d = vec![f64::INFINITY; n];
            d[s as usize] = c0;
            for _ in 0..n {
                for &(row, nb, w) in arcs {
                    // arcs are relaxed from the row node to the neighbour
                    if d[row as usize] + w < d[nb as usize] {
                        d[nb as usize] = d[row as usize] + w;
                    }
                }
            }
            for v in 0..n {
                let reached = d[v].is_finite();
                if reached && (d[v] < best[v].0 || (d[v] == best[v].0 && l < best[v].1)) {
                    best[v] = (d[v], l);
                }
            }
        }
        best
    }

    #[test]
    fn matches_brute_force_on_random_graphs() {
        let mut rng = crate::rng::SplitMix::new(7);
        for case in 0..200 {
            let n = 1 + (rng.next_u64() % 9) as usize;
            let m = (rng.next_u64() % 25) as usize;
            let arcs: Vec<(u32, u32, f64)> = (0..m)
                .map(|_| {
                    let a = (rng.next_u64() % n as u64) as u32;
                    let b = (rng.next_u64() % n as u64) as u32;
                    (a, b, (rng.next_u64() % 5) as f64) // zero costs and ties on purpose
                })
                .collect();
            let seeds: Vec<(u32, f64, u32)> = (0..1 + rng.next_u64() % 3)
                .map(|l| {
                    (
                        (rng.next_u64() % n as u64) as u32,
                        (rng.next_u64() % 3) as f64,
                        l as u32,
                    )
                })
                .collect();
            let g = Csr::from_arcs(n, arcs.clone());
            let mut s = Scratch::new(n);
            let settled = search(&g, seeds.iter().copied(), f64::INFINITY, &mut s);
            let want = oracle(n, &arcs, &seeds);
            for (v, w) in want.iter().enumerate() {
                assert_eq!((s.cost[v], s.label[v]), *w, "case {case} node {v}");
            }
            assert!(settled.windows(2).all(|w| w[0].1 <= w[1].1), "case {case}");
            // Bounded: exactly the nodes within the cutoff, inclusive.
            s.reset();
            let cut = 2.0;
            let mut got: Vec<u32> = search(&g, seeds.iter().copied(), cut, &mut s)
                .into_iter()
                .map(|p| p.0)
                .collect();
            got.sort_unstable();
            let expect: Vec<u32> = (0..n as u32)
                .filter(|&v| want[v as usize].0 <= cut)
                .collect();
            assert_eq!(got, expect, "case {case}");
            s.reset();
            assert!(s.cost.iter().all(|c| c.is_infinite()));
        }
    }

    #[test]
    fn empty_graph_and_no_seeds() {
        let g = Csr::from_arcs(0, Vec::new());
        assert_eq!((g.node_count(), g.arc_count()), (0, 0));
        let mut s = Scratch::new(0);
        assert!(search(&g, [], f64::INFINITY, &mut s).is_empty());
        let g = Csr::from_arcs(2, vec![(0, 1, 1.0)]);
        let mut s = Scratch::new(2);
        assert!(search(&g, [(0, f64::NAN, 0)], f64::INFINITY, &mut s).is_empty());
    }
}
