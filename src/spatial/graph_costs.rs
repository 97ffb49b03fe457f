//! Shortest-path costs between points snapped to the **vertices** of a line network, for
//! `schoolplan solve --network` (and the OR-Library graphs written as GeoJSON).
//!
//! This differs from [`crate::spatial::network::RoadNetwork`] on purpose: benchmark graphs need
//! exact vertex identity and explicit per-edge costs, not snapping onto the middle of segments.
//!
//! ## Building
//!
//! - **Vertices** are the distinct coordinates of the lines, compared exactly after rounding to
//!   1e-9 degree (about 0.1 mm); their positions are projected to metres by the caller.
//! - **Edges**: every pair of consecutive coordinates of a line. The cost is the line's explicit
//!   cost when given (shared among its segments in proportion to their length, equally when the
//!   line has no length), else the segment length in metres. Segments from a vertex to itself are
//!   dropped.
//! - **Direction**: an edge can be travelled both ways, or only in its digitisation direction
//!   when the line is one-way.
//! - **Duplicates: the last occurrence wins.** When the same ordered vertex pair is given again
//!   (by a later segment of the same line or a later line), its cost *replaces* the earlier one —
//!   even when larger. This is the OR-Library `pmed` convention (the instances list some edges
//!   twice and their published optima are computed with the last cost). A two-way line sets both
//!   directions, a one-way line only its own.
//!
//! The graph is a `petgraph` [`DiGraph`] (node weight: position in metres; edge weight: cost).
//!
//! ## Costs
//!
//! [`GraphCosts::cost_lists`] gives, for each origin vertex, the cost of travelling **to** each
//! target vertex: one Dijkstra per distinct target vertex over the *reversed* graph, bounded by an
//! optional cutoff, in parallel with rayon — the library's one shortest-path implementation
//! ([`crate::spatial::routing`]) on a compressed-row copy of the reversed adjacency.
//! `O(T (V + E) log V)` for `T` target vertices; memory `O(V)` per thread plus the pairs.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rayon::prelude::*;

use crate::spatial::index::{distance_m, PointIndex};
use crate::spatial::routing::{search, Csr, Scratch};

/// One line of the network: WGS 84 degrees, an optional explicit cost, a direction flag.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkLine {
    /// Coordinates `[lon, lat]` in degrees, in digitisation order.
    pub lonlat: Vec<[f64; 2]>,
    /// Cost of the whole line (in the caller's unit); `None` means its length in metres.
    pub cost: Option<f64>,
    /// Travel only in the digitisation direction.
    pub oneway: bool,
}

/// A graph of network vertices with shortest-path queries.
#[derive(Debug, Clone)]
pub struct GraphCosts {
    graph: DiGraph<[f64; 2], f64>,
    index: PointIndex,
}

/// Vertex identity: degrees rounded to 1e-9.
fn vertex_key(p: [f64; 2]) -> (i64, i64) {
    ((p[0] * 1e9).round() as i64, (p[1] * 1e9).round() as i64)
}

impl GraphCosts {
    /// Builds the graph (see the module docs). `project` maps degrees to metres; a coordinate it
    /// cannot project is skipped together with its segments.
    pub fn build(lines: &[NetworkLine], project: impl Fn([f64; 2]) -> Option<[f64; 2]>) -> Self {
        let mut node_of: HashMap<(i64, i64), u32> = HashMap::new();
        let mut positions: Vec<[f64; 2]> = Vec::new();
        // Ordered vertex pair → (cost, order of the last write), so the last occurrence wins.
        let mut arcs: HashMap<(u32, u32), f64> = HashMap::new();
        let mut order: Vec<(u32, u32)> = Vec::new();
        for line in lines {
            let mut nodes: Vec<Option<u32>> = Vec::with_capacity(line.lonlat.len());
            for &c in &line.lonlat {
                let key = vertex_key(c);
                let node = match node_of.get(&key) {
                    Some(&n) => Some(n),
                    None => project(c).map(|xy| {
                        let n = positions.len() as u32;
                        positions.push(xy);
                        node_of.insert(key, n);
                        n
                    }),
                };
                nodes.push(node);
            }
            let segs: Vec<(u32, u32, f64)> = nodes
                .windows(2)
                .filter_map(|w| match (w[0], w[1]) {
                    (Some(a), Some(b)) if a != b => Some((
                        a,
                        b,
                        distance_m(positions[a as usize], positions[b as usize]),
                    )),
                    _ => None,
                })
                .collect();
            let length: f64 = segs.iter().map(|s| s.2).sum();
            for &(a, b, len) in &segs {
                let cost = match line.cost {
                    None => len,
                    Some(c) if segs.len() == 1 => c, // exactly, not c · len / len
                    Some(c) if length > 0.0 => c * len / length,
                    Some(c) => c / segs.len() as f64,
                };
                let mut set = |key: (u32, u32)| {
                    if arcs.insert(key, cost).is_none() {
                        order.push(key);
                    }
                };
                set((a, b));
                if !line.oneway {
                    set((b, a));
                }
            }
        }
        let mut graph = DiGraph::with_capacity(positions.len(), order.len());
        for &p in &positions {
            graph.add_node(p);
        }
        for key in order {
            let (a, b) = (
                NodeIndex::new(key.0 as usize),
                NodeIndex::new(key.1 as usize),
            );
            graph.add_edge(a, b, arcs[&key]);
        }
        let index = PointIndex::new(&positions);
        GraphCosts { graph, index }
    }

    /// The graph: node weight = position in metres, edge weight = cost.
    pub fn graph(&self) -> &DiGraph<[f64; 2], f64> {
        &self.graph
    }

    /// Number of vertices.
    pub fn vertex_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of directed edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The nearest vertex to a point in metres and its distance (smallest index on ties);
    /// `None` for an empty graph.
    pub fn nearest_vertex(&self, p: [f64; 2]) -> Option<(usize, f64)> {
        self.index.nearest(p)
    }

    /// For each origin vertex, the `(target index, cost)` pairs with a finite cost `≤ cutoff`,
    /// where the cost is that of the cheapest path **from the origin to the target**. `origins`
    /// and `targets` hold vertex indices (several may share a vertex).
    pub fn cost_lists(
        &self,
        origins: &[usize],
        targets: &[usize],
        cutoff: Option<f64>,
    ) -> Vec<Vec<(usize, f64)>> {
        let v = self.vertex_count();
        let limit = cutoff.unwrap_or(f64::INFINITY);
        // Reversed adjacency: for vertex b, the arcs a → b as (a, cost).
        let reversed = Csr::from_arcs(
            v,
            self.graph
                .edge_references()
                .map(|e| {
                    (
                        e.target().index() as u32,
                        e.source().index() as u32,
                        *e.weight(),
                    )
                })
                .collect(),
        );
        // Origins grouped by vertex.
        let mut at_vertex: Vec<Vec<u32>> = vec![Vec::new(); v];
        for (i, &o) in origins.iter().enumerate() {
            at_vertex[o].push(i as u32);
        }
        let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut group_of: HashMap<usize, usize> = HashMap::new();
        for (t, &tv) in targets.iter().enumerate() {
            let g = *group_of.entry(tv).or_insert_with(|| {
                groups.push((tv, Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(t);
        }
        let found: Vec<Vec<(u32, f64)>> = groups
            .par_iter()
            .map_init(
                || Scratch::new(v),
                |scratch, (source, _)| {
                    let mut out = Vec::new();
                    for (u, d) in search(&reversed, [(*source as u32, 0.0, 0)], limit, scratch) {
                        out.extend(at_vertex[u as usize].iter().map(|&i| (i, d)));
                    }
                    scratch.reset();
                    out
                },
            )
            .collect();
        let mut lists = vec![Vec::new(); origins.len()];
        for ((_, members), pairs) in groups.iter().zip(found) {
            for (i, d) in pairs {
                for &t in members {
                    lists[i as usize].push((t, d));
                }
            }
        }
        for l in &mut lists {
            l.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        }
        lists
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(a: [f64; 2], b: [f64; 2], cost: Option<f64>, oneway: bool) -> NetworkLine {
        NetworkLine {
            lonlat: vec![a, b],
            cost,
            oneway,
        }
    }

    fn plane(p: [f64; 2]) -> Option<[f64; 2]> {
        Some([p[0] * 1000.0, p[1] * 1000.0])
    }

    #[test]
    fn last_duplicate_wins_and_oneway_is_respected() {
        let (a, b, c) = ([0.0, 0.0], [1.0, 0.0], [2.0, 0.0]);
        let lines = vec![
            line(a, b, Some(5.0), false),
            line(b, a, Some(9.0), false), // same pair again: 9 replaces 5
            line(b, c, Some(1.0), true),  // b → c only
        ];
        let g = GraphCosts::build(&lines, plane);
        assert_eq!((g.vertex_count(), g.edge_count()), (3, 3));
        let lists = g.cost_lists(&[0, 1, 2], &[2, 0], None);
        assert_eq!(lists[0], vec![(1, 0.0), (0, 10.0)]);
        assert_eq!(lists[1], vec![(0, 1.0), (1, 9.0)]);
        assert_eq!(lists[2], vec![(0, 0.0)]); // c cannot reach a
        let bounded = g.cost_lists(&[0, 1], &[2], Some(5.0));
        assert_eq!(bounded, vec![vec![], vec![(0, 1.0)]]);
    }

    #[test]
    fn lengths_in_metres_without_costs_and_nearest_vertex() {
        let lines = vec![NetworkLine {
            lonlat: vec![[0.0, 0.0], [0.0, 3.0], [4.0, 3.0]],
            cost: None,
            oneway: false,
        }];
        let g = GraphCosts::build(&lines, plane);
        let lists = g.cost_lists(&[0], &[2], None);
        assert_eq!(lists[0], vec![(0, 7000.0)]);
        assert_eq!(g.nearest_vertex([3900.0, 2800.0]).map(|v| v.0), Some(2));
    }
}
