//! Road networks: building a graph from road lines, snapping points to it, and shortest paths.
//!
//! ## Building
//!
//! [`RoadNetwork::build`] turns every pair of consecutive vertices of every [`Road`] into one
//! directed `petgraph` edge in the direction of digitisation (a [`Segment`]). Vertices closer
//! than `join_tolerance_m` are joined into one node (a grid hash with cells of the tolerance
//! size; a vertex joins the lowest-numbered existing node within the tolerance, so the result
//! does not depend on hashing order). Segments that collapse to one node are dropped. The cost
//! of a segment is its length in metres, or in minutes its length at the road's `speed_kmh`
//! (the walking speed when absent); a road with an explicit `cost` shares it among its
//! segments in proportion to their length.
//!
//! ## Snapping
//!
//! A point (cell centroid, school, candidate) is attached to the **nearest point on** the
//! nearest segment, not to the nearest vertex: the segment is split conceptually at that point
//! and the point reaches the segment's two ends through the partial segment. The straight
//! *access leg* from the point to the network is added to every cost (in minutes at walking
//! speed); a point farther than `snap_max_m` from every segment is *off the network* and
//! unreachable. Levels that avoid barriers snap only to segments that are not barriers.
//!
//! ## Pieces that serve the population
//!
//! Real road data has *fragments*: slivers and stubs connected to nothing, digitised beside
//! the network. A school snapped to a 2 m stub reaches no one, and no warning would say so.
//! [`RoadNetwork::focus`] finds the connected components (edges joined at shared nodes, in
//! either direction), weighs each by the population of the cells whose nearest segment lies on
//! it, and restricts snapping to the *serving* components — those with at least
//! [`SERVING_SHARE`] of that population and [`SERVING_LENGTH_M`] of road, and the one with
//! the most population. Fragments stay in the graph
//! but nothing snaps to them; [`NetworkFocus`] and [`RoadNetwork::nearest_fragment_m`] say
//! what was excluded and who was snapped past a fragment, and the run's summary reports it.
//!
//! ## Travel direction
//!
//! Costs are for travel **from an origin (a cell) to a destination (a school)**. A `oneway`
//! segment is traversed only in its digitisation direction. Searches run from the destinations
//! over the *reversed* graph, so one search serves every origin. A barrier segment is absent
//! for a [`Traversal`] made with `avoid_barriers`.
//!
//! ## Searches
//!
//! `petgraph` holds the network ([`RoadNetwork::graph`]) and is what other code should use
//! for graph questions. Searches — four multi-source searches plus one bounded search per
//! school on a whole-city run — use the library's one Dijkstra ([`crate::spatial::routing`])
//! on a compressed-row copy of the reversed, filtered adjacency ([`Traversal`]).

use std::collections::HashMap;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use rayon::prelude::*;

use crate::config::{CostUnit, DistanceConfig};
use crate::model::Road;
use crate::spatial::index::{distance_m, CostLists, SegmentIndex};
use crate::spatial::routing::{search, Csr, Scratch};

/// How a network measures cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetworkOptions {
    /// Metres or minutes.
    pub unit: CostUnit,
    /// Walking speed for access legs and roads without a speed, km/h.
    pub walk_speed_kmh: f64,
    /// Largest access leg, metres.
    pub snap_max_m: f64,
    /// Vertices closer than this are joined, metres.
    pub join_tolerance_m: f64,
}

impl NetworkOptions {
    /// The options of a scenario's `[distance]` table.
    pub fn from_config(d: &DistanceConfig) -> Self {
        NetworkOptions {
            unit: d.unit,
            walk_speed_kmh: d.walk_speed_kmh,
            snap_max_m: d.snap_max_m,
            join_tolerance_m: d.join_tolerance_m,
        }
    }

    /// The cost of walking `metres` (the access leg): metres, or minutes at walking speed.
    pub fn walk_cost(&self, metres: f64) -> f64 {
        match self.unit {
            CostUnit::M => metres,
            CostUnit::Min => metres / (self.walk_speed_kmh * 1000.0 / 60.0),
        }
    }
}

/// One network edge: a straight piece of a road between two consecutive vertices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Index of the road (in `Map::roads`) it comes from.
    pub road: usize,
    /// Length, metres.
    pub length_m: f64,
    /// Cost of the whole segment in the network's unit.
    pub cost: f64,
    /// Traversable only from the edge's source to its target.
    pub oneway: bool,
    /// Flagged `barrier`.
    pub barrier: bool,
}

/// Where a point attaches to the network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// Edge index in [`RoadNetwork::graph`].
    pub edge: u32,
    /// Position along the edge, 0 at its source, 1 at its target.
    pub t: f64,
    /// Cost of the access leg (network unit).
    pub leg: f64,
    /// Length of the access leg, metres.
    pub leg_m: f64,
}

/// A road network in local metres.
#[derive(Debug, Clone)]
pub struct RoadNetwork {
    graph: DiGraph<[f64; 2], Segment, u32>,
    options: NetworkOptions,
    all: SegmentIndex,
    open: Option<SegmentIndex>,
    /// After [`RoadNetwork::focus`]: the component of every edge (ids as in
    /// [`NetworkFocus::components`]), and the index of every segment (fragments included).
    focus: Option<Focused>,
}

#[derive(Debug, Clone)]
struct Focused {
    edge_component: Vec<u32>,
    serving: Vec<bool>,
    everything: SegmentIndex,
}

/// One connected piece of the road network (edges joined at shared nodes, in any direction).
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// 1 = the piece serving the most population; then by population, then by length.
    pub id: usize,
    /// Total length of its segments, metres.
    pub length_m: f64,
    /// Number of segments.
    pub segments: usize,
    /// Cells whose nearest segment (within `snap_max_m`) is on it.
    pub cells: usize,
    /// Their population weight.
    pub population: f64,
    /// Whether points snap to it: it serves at least [`SERVING_SHARE`] of the population
    /// near the network and is at least [`SERVING_LENGTH_M`] long, or it is the piece serving
    /// the most.
    pub serving: bool,
}

/// What [`RoadNetwork::focus`] found: the network's connected pieces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NetworkFocus {
    /// Every component, by id.
    pub components: Vec<Component>,
    /// Cells whose nearest segment was on a fragment (a piece that does not serve).
    pub cells_past_fragment: usize,
}

/// Least share of the population near the network a piece must serve for points to snap
/// to it (1 %). Smaller pieces are *fragments*: digitising slivers, stubs, unconnected paths.
pub const SERVING_SHARE: f64 = 0.01;

/// Least road length of a serving piece besides the main one, metres: a piece shorter than a
/// city block serves no neighbourhood, whatever cells lie beside it.
pub const SERVING_LENGTH_M: f64 = 100.0;

/// The reversed, filtered adjacency one search runs on: for node `v`, the nodes `u` from which
/// travel `u → v` is allowed, with the cost.
#[derive(Debug, Clone)]
pub struct Traversal {
    avoid_barriers: bool,
    reversed: Csr,
}

/// Result of a multi-source search: per node, the cost to the cheapest destination and which.
#[derive(Debug, Clone)]
pub struct NearestLabels {
    /// Per node: cost to the nearest destination (`INFINITY` when none is reachable).
    pub cost: Vec<f64>,
    /// Per node: that destination (`u32::MAX` when none).
    pub label: Vec<u32>,
}

impl RoadNetwork {
    /// Builds the network of `roads` (see the module docs). `O(V + E log E)`.
    pub fn build(roads: &[Road], options: NetworkOptions) -> Self {
        let mut graph: DiGraph<[f64; 2], Segment, u32> = DiGraph::default();
        let tol = options.join_tolerance_m.max(1e-9);
        // A vertex joins the lowest-numbered node within the tolerance, so the hash order of
        // the grid never matters.
        let mut grid: HashMap<(i64, i64), Vec<u32>> = HashMap::new();
        let mut node_of = |g: &mut DiGraph<[f64; 2], Segment, u32>, p: [f64; 2]| -> u32 {
            let (cx, cy) = ((p[0] / tol).floor() as i64, (p[1] / tol).floor() as i64);
            let mut best: Option<u32> = None;
            for dx in -1..=1 {
                for dy in -1..=1 {
                    for &n in grid.get(&(cx + dx, cy + dy)).into_iter().flatten() {
                        if distance_m(g[NodeIndex::new(n as usize)], p) <= options.join_tolerance_m
                            && best.is_none_or(|b| n < b)
                        {
                            best = Some(n);
                        }
                    }
                }
            }
            best.unwrap_or_else(|| {
                let n = g.add_node(p).index() as u32;
                grid.entry((cx, cy)).or_default().push(n);
                n
            })
        };
        for (r, road) in roads.iter().enumerate() {
            let pts: Vec<[f64; 2]> = road.line_m.0.iter().map(|c| [c.x, c.y]).collect();
            let road_len: f64 = pts.windows(2).map(|w| distance_m(w[0], w[1])).sum();
            let speed = road
                .speed_kmh
                .filter(|s| *s > 0.0)
                .unwrap_or(options.walk_speed_kmh);
            let mut prev = None;
            for &p in &pts {
                let n = node_of(&mut graph, p);
                if let Some((pn, pp)) = prev {
                    let length_m = distance_m(pp, p);
                    if pn != n {
                        let cost = match (road.cost, options.unit) {
                            (Some(c), _) if road_len > 0.0 => c * length_m / road_len,
                            (_, CostUnit::M) => length_m,
                            (_, CostUnit::Min) => length_m / (speed * 1000.0 / 60.0),
                        };
                        let seg = Segment {
                            road: r,
                            length_m,
                            cost,
                            oneway: road.oneway,
                            barrier: road.barrier,
                        };
                        graph.add_edge(
                            NodeIndex::new(pn as usize),
                            NodeIndex::new(n as usize),
                            seg,
                        );
                    }
                }
                prev = Some((n, p));
            }
        }
        let segments = |open_only: bool| {
            let g = &graph;
            g.edge_references()
                .filter(move |e| !(open_only && e.weight().barrier))
                .map(move |e| (g[e.source()], g[e.target()], e.id().index()))
        };
        let all = SegmentIndex::new(segments(false));
        let open = graph
            .edge_weights()
            .any(|s| s.barrier)
            .then(|| SegmentIndex::new(segments(true)));
        RoadNetwork {
            graph,
            options,
            all,
            open,
            focus: None,
        }
    }

    /// Segment indexes over the edges `keep` accepts: all of them, and those that are no
    /// barrier (when there are barriers).
    fn indexes(&self, keep: impl Fn(usize) -> bool) -> (SegmentIndex, Option<SegmentIndex>) {
        let g = &self.graph;
        let segments = |open_only: bool| {
            g.edge_references()
                .filter(move |e| !(open_only && e.weight().barrier))
                .filter(|e| keep(e.id().index()))
                .map(move |e| (g[e.source()], g[e.target()], e.id().index()))
        };
        let open = g
            .edge_weights()
            .any(|s| s.barrier)
            .then(|| SegmentIndex::new(segments(true)));
        (SegmentIndex::new(segments(false)), open)
    }

    /// Restricts snapping to the pieces of the network that serve the population (see the
    /// module docs): finds the connected components, weighs each by the population of the
    /// cells (`cells`, with `weights`) whose nearest segment lies on it, and from then on snaps
    /// every point to the nearest segment of a *serving* component (see [`Component::serving`]).
    /// Without fragments nothing changes. Call it once. `O((V + E) α + n log E)`.
    pub fn focus(&mut self, cells: &[[f64; 2]], weights: &[f64]) -> NetworkFocus {
        let n = self.graph.node_count();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        fn find(p: &mut [u32], mut x: u32) -> u32 {
            while p[x as usize] != x {
                p[x as usize] = p[p[x as usize] as usize];
                x = p[x as usize];
            }
            x
        }
        for e in self.graph.edge_references() {
            let (a, b) = (e.source().index() as u32, e.target().index() as u32);
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb) as usize] = ra.min(rb);
            }
        }
        // Components numbered by first edge, then weighed.
        let mut root_id: HashMap<u32, usize> = HashMap::new();
        let mut edge_comp: Vec<usize> = Vec::with_capacity(self.graph.edge_count());
        let mut comps: Vec<Component> = Vec::new();
        for e in self.graph.edge_references() {
            let r = find(&mut parent, e.source().index() as u32);
            let next = comps.len();
            let c = *root_id.entry(r).or_insert(next);
            if c == comps.len() {
                comps.push(Component {
                    id: 0,
                    length_m: 0.0,
                    segments: 0,
                    cells: 0,
                    population: 0.0,
                    serving: true,
                });
            }
            comps[c].length_m += e.weight().length_m;
            comps[c].segments += 1;
            edge_comp.push(c);
        }
        let snaps = self.snap_all(cells, false);
        for (s, w) in snaps.iter().zip(weights) {
            if let Some(s) = s {
                let c = &mut comps[edge_comp[s.edge as usize]];
                c.cells += 1;
                c.population += w.max(0.0);
            }
        }
        // Ids by population served, then length, then first appearance.
        let mut order: Vec<usize> = (0..comps.len()).collect();
        order.sort_by(|&a, &b| {
            comps[b]
                .population
                .total_cmp(&comps[a].population)
                .then(comps[b].length_m.total_cmp(&comps[a].length_m))
                .then(a.cmp(&b))
        });
        let total: f64 = comps.iter().map(|c| c.population).sum();
        let mut rank = vec![0usize; comps.len()];
        for (k, &c) in order.iter().enumerate() {
            rank[c] = k;
        }
        let mut sorted: Vec<Component> = order.iter().map(|&c| comps[c].clone()).collect();
        for (k, c) in sorted.iter_mut().enumerate() {
            c.id = k + 1;
            c.serving = k == 0
                || (c.population >= SERVING_SHARE * total
                    && c.population > 0.0
                    && c.length_m >= SERVING_LENGTH_M);
        }
        let serving: Vec<bool> = sorted.iter().map(|c| c.serving).collect();
        let edge_component: Vec<u32> = edge_comp.iter().map(|&c| rank[c] as u32).collect();
        let cells_past_fragment = snaps
            .iter()
            .flatten()
            .filter(|s| !serving[edge_component[s.edge as usize] as usize])
            .count();
        if serving.iter().any(|s| !s) {
            let (all, open) = self.indexes(|e| serving[edge_component[e] as usize]);
            let everything = std::mem::replace(&mut self.all, all);
            self.open = open;
            self.focus = Some(Focused {
                edge_component,
                serving,
                everything,
            });
        } else {
            self.focus = Some(Focused {
                edge_component,
                serving,
                everything: SegmentIndex::new(std::iter::empty()),
            });
        }
        NetworkFocus {
            components: sorted,
            cells_past_fragment,
        }
    }

    /// The component id (see [`NetworkFocus`]) of an edge, after [`RoadNetwork::focus`].
    pub fn component_of(&self, edge: u32) -> Option<usize> {
        self.focus
            .as_ref()
            .map(|f| f.edge_component[edge as usize] as usize + 1)
    }

    /// When the nearest segment of `p` (within `snap_max_m`) lies on a fragment that
    /// [`RoadNetwork::focus`] excluded: the distance to it, metres.
    pub fn nearest_fragment_m(&self, p: [f64; 2]) -> Option<f64> {
        let f = self.focus.as_ref()?;
        let hit = f.everything.nearest(p)?;
        let fragment = !f.serving[f.edge_component[hit.id] as usize];
        (fragment && hit.distance_m <= self.options.snap_max_m).then_some(hit.distance_m)
    }

    /// The `petgraph` graph: nodes are positions in metres, edges [`Segment`]s in the direction
    /// of digitisation.
    pub fn graph(&self) -> &DiGraph<[f64; 2], Segment, u32> {
        &self.graph
    }

    /// The options the network was built with.
    pub fn options(&self) -> &NetworkOptions {
        &self.options
    }

    /// Attaches `p` to the nearest point of the nearest usable segment (see the module docs);
    /// `None` when that point is farther than `snap_max_m` (or there is no segment).
    pub fn snap(&self, p: [f64; 2], avoid_barriers: bool) -> Option<Snap> {
        let index = match (&self.open, avoid_barriers) {
            (Some(open), true) => open,
            _ => &self.all,
        };
        let hit = index.nearest(p)?;
        if hit.distance_m > self.options.snap_max_m {
            return None;
        }
        let (a, _) = self.ends(hit.id as u32);
        let len = self.graph[EdgeIndex::new(hit.id)].length_m;
        let t = if len > 0.0 {
            (distance_m(a, hit.point) / len).clamp(0.0, 1.0)
        } else {
            0.0
        };
        Some(Snap {
            edge: hit.id as u32,
            t,
            leg: self.options.walk_cost(hit.distance_m),
            leg_m: hit.distance_m,
        })
    }

    /// [`RoadNetwork::snap`] for many points, in parallel.
    pub fn snap_all(&self, points: &[[f64; 2]], avoid_barriers: bool) -> Vec<Option<Snap>> {
        points
            .par_iter()
            .map(|&p| self.snap(p, avoid_barriers))
            .collect()
    }

    /// Snaps avoiding barriers, given the snaps of the same points that did not avoid them:
    /// a point whose nearest segment is no barrier keeps its snap (it is also the nearest
    /// non-barrier segment, with the same tie-break), the others are snapped again.
    pub fn resnap_avoiding_barriers(
        &self,
        points: &[[f64; 2]],
        all: &[Option<Snap>],
    ) -> Vec<Option<Snap>> {
        if self.open.is_none() {
            return all.to_vec();
        }
        points
            .par_iter()
            .zip(all)
            .map(|(&p, s)| match s {
                Some(s) if !self.graph[EdgeIndex::new(s.edge as usize)].barrier => Some(*s),
                _ => self.snap(p, true),
            })
            .collect()
    }

    fn ends(&self, edge: u32) -> ([f64; 2], [f64; 2]) {
        let (a, b) = self
            .graph
            .edge_endpoints(EdgeIndex::new(edge as usize))
            .expect("edge exists");
        (self.graph[a], self.graph[b])
    }

    fn edge(&self, edge: u32) -> (u32, u32, &Segment) {
        let e = EdgeIndex::new(edge as usize);
        let (a, b) = self.graph.edge_endpoints(e).expect("edge exists");
        (a.index() as u32, b.index() as u32, &self.graph[e])
    }

    /// The reversed adjacency for searches, without barrier segments when `avoid_barriers`.
    pub fn traversal(&self, avoid_barriers: bool) -> Traversal {
        let n = self.graph.node_count();
        let mut arcs: Vec<(u32, u32, f64)> = Vec::with_capacity(2 * self.graph.edge_count());
        for e in self.graph.edge_references() {
            let s = e.weight();
            if avoid_barriers && s.barrier {
                continue;
            }
            let (u, v) = (e.source().index() as u32, e.target().index() as u32);
            arcs.push((v, u, s.cost)); // travel u → v, stored under v
            if !s.oneway {
                arcs.push((u, v, s.cost));
            }
        }
        Traversal {
            avoid_barriers,
            reversed: Csr::from_arcs(n, arcs),
        }
    }

    /// Seeds of a destination: the nodes from which the destination can be reached along its
    /// own edge, with the cost (partial edge + access leg).
    fn seeds(&self, d: &Snap) -> [(u32, f64); 2] {
        let (a, b, s) = self.edge(d.edge);
        let to_a = (a, d.leg + d.t * s.cost); // a → point: along the edge, always allowed
        let to_b = if s.oneway {
            (b, f64::INFINITY)
        } else {
            (b, d.leg + (1.0 - d.t) * s.cost)
        };
        [to_a, to_b]
    }

    /// Exits of an origin: the nodes it reaches along its own edge, with the cost.
    fn exits(&self, o: &Snap) -> [(u32, f64); 2] {
        let (a, b, s) = self.edge(o.edge);
        let to_a = if s.oneway {
            (a, f64::INFINITY)
        } else {
            (a, o.leg + o.t * s.cost)
        };
        [to_a, (b, o.leg + (1.0 - o.t) * s.cost)]
    }

    /// Cost from origin `o` to destination `d` along their common edge, if they share one.
    fn same_edge(&self, o: &Snap, d: &Snap) -> f64 {
        if o.edge != d.edge {
            return f64::INFINITY;
        }
        let (_, _, s) = self.edge(o.edge);
        if s.oneway && o.t > d.t {
            return f64::INFINITY;
        }
        o.leg + (o.t - d.t).abs() * s.cost + d.leg
    }

    /// Multi-source search from `destinations` over `trav` (no cutoff): per node, the cost to
    /// the cheapest destination and its index (ties: the lower index). `O((V + E) log V)`.
    pub fn nearest_labels(&self, trav: &Traversal, destinations: &[Option<Snap>]) -> NearestLabels {
        let seeds = destinations.iter().enumerate().flat_map(|(j, d)| {
            d.iter()
                .flat_map(|d| self.seeds(d))
                .map(move |(v, c)| (v, c, j as u32))
        });
        let mut scratch = Scratch::new(self.graph.node_count());
        search(&trav.reversed, seeds, f64::INFINITY, &mut scratch);
        NearestLabels {
            cost: scratch.cost,
            label: scratch.label,
        }
    }

    /// The nearest destination of an origin and its cost, given the labels of a multi-source
    /// search over the same destinations (`same_edge` lists the destinations per edge, see
    /// [`RoadNetwork::destinations_by_edge`]). `None` when no destination is reachable.
    pub fn nearest_from(
        &self,
        o: &Snap,
        labels: &NearestLabels,
        destinations: &[Option<Snap>],
        by_edge: &[(u32, u32)],
    ) -> Option<(usize, f64)> {
        let mut best: Option<(usize, f64)> = None;
        let mut offer = |j: usize, c: f64| {
            if c.is_finite() && best.is_none_or(|(bj, bc)| c < bc || (c == bc && j < bj)) {
                best = Some((j, c));
            }
        };
        for (v, c) in self.exits(o) {
            let l = labels.label[v as usize];
            if l != u32::MAX {
                offer(l as usize, c + labels.cost[v as usize]);
            }
        }
        for j in on_edge(by_edge, o.edge) {
            if let Some(d) = &destinations[j] {
                offer(j, self.same_edge(o, d));
            }
        }
        best
    }

    /// Destinations sorted by edge, for the same-edge case: `(edge, destination)` pairs.
    pub fn destinations_by_edge(destinations: &[Option<Snap>]) -> Vec<(u32, u32)> {
        let mut v: Vec<(u32, u32)> = destinations
            .iter()
            .enumerate()
            .filter_map(|(j, d)| d.map(|d| (d.edge, j as u32)))
            .collect();
        v.sort_unstable();
        v
    }

    /// Bounded search from one destination: the nodes that reach it within `cutoff`, with cost.
    fn bounded(
        &self,
        trav: &Traversal,
        d: &Snap,
        cutoff: f64,
        scratch: &mut Scratch,
    ) -> Vec<(u32, f64)> {
        let seeds = self.seeds(d).map(|(v, c)| (v, c, 0));
        let out = search(&trav.reversed, seeds, cutoff, scratch);
        scratch.reset();
        out
    }

    /// Every (origin, destination) pair with a network cost `≤ cutoff` (inclusive), as sorted
    /// per-origin lists. Origins and destinations are already snapped (`None` = off the
    /// network: no pairs). One bounded search per destination, in parallel, over `trav`;
    /// then each origin combines the node costs at its two exits and the destinations on its
    /// own edge. `O(m · (V_c + E_c) log V_c + pairs)` where `V_c` is the part of the network
    /// within the cutoff of a destination.
    pub fn cost_lists(
        &self,
        trav: &Traversal,
        origins: &[Option<Snap>],
        destinations: &[Option<Snap>],
        cutoff: f64,
    ) -> CostLists {
        let n = self.graph.node_count();
        let per_dest: Vec<Vec<(u32, f64)>> = destinations
            .par_iter()
            .map_init(
                || Scratch::new(n),
                |s, d| {
                    d.as_ref()
                        .map_or_else(Vec::new, |d| self.bounded(trav, d, cutoff, s))
                },
            )
            .collect();
        // Invert into per-node lists of (destination, cost).
        let mut offsets = vec![0usize; n + 1];
        for list in &per_dest {
            for &(v, _) in list {
                offsets[v as usize + 1] += 1;
            }
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let total = offsets[n];
        let (mut dest, mut cost) = (vec![0u32; total], vec![0.0; total]);
        for (j, list) in per_dest.iter().enumerate() {
            for &(v, c) in list {
                let k = &mut next[v as usize];
                dest[*k] = j as u32;
                cost[*k] = c;
                *k += 1;
            }
        }
        drop(per_dest);
        let by_edge = Self::destinations_by_edge(destinations);
        CostLists::build(origins.len(), |i, buf| {
            let Some(o) = &origins[i] else { return };
            // The per-node lists are sorted by destination (filled in destination order):
            // merge the two exits' lists, keeping the cheaper cost of a destination.
            let [(va, ca), (vb, cb)] = self.exits(o);
            let row = |v: u32, c0: f64| {
                let r = if c0 <= cutoff {
                    offsets[v as usize]..offsets[v as usize + 1]
                } else {
                    0..0
                };
                dest[r.clone()]
                    .iter()
                    .zip(&cost[r])
                    .map(move |(&j, &c)| (j as usize, c0 + c))
            };
            let (mut a, mut b) = (row(va, ca).peekable(), row(vb, cb).peekable());
            loop {
                let next = match (a.peek(), b.peek()) {
                    (Some(x), Some(y)) if x.0 == y.0 => {
                        let m = if y.1 < x.1 { *y } else { *x };
                        a.next();
                        b.next();
                        m
                    }
                    (Some(x), Some(y)) if x.0 < y.0 => a.next().expect("peeked"),
                    (Some(_), Some(_)) | (None, Some(_)) => b.next().expect("peeked"),
                    (Some(_), None) => a.next().expect("peeked"),
                    (None, None) => break,
                };
                if next.1 <= cutoff {
                    buf.push(next);
                }
            }
            let mut same = on_edge(&by_edge, o.edge).peekable();
            if same.peek().is_some() {
                for j in same {
                    if let Some(d) = &destinations[j] {
                        buf.push((j, self.same_edge(o, d)));
                    }
                }
                buf.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
                buf.dedup_by_key(|p| p.0);
                buf.retain(|p| p.1 <= cutoff);
            }
        })
    }

    /// Network costs from `origins` to `destinations` (points in metres, snapped here) within
    /// `cutoff` (inclusive, network unit): per origin, `(destination index, cost)` sorted by
    /// cost, then index. Off-network points have no pairs. The building block for the solver's
    /// demand × candidate matrix.
    pub fn costs_within(
        &self,
        origins: &[[f64; 2]],
        destinations: &[[f64; 2]],
        cutoff: f64,
        avoid_barriers: bool,
    ) -> Vec<Vec<(usize, f64)>> {
        let trav = self.traversal(avoid_barriers);
        let o = self.snap_all(origins, avoid_barriers);
        let d = self.snap_all(destinations, avoid_barriers);
        self.cost_lists(&trav, &o, &d, cutoff).into_lists()
    }
}

impl Traversal {
    /// Whether barrier segments are left out.
    pub fn avoids_barriers(&self) -> bool {
        self.avoid_barriers
    }
}

fn on_edge(by_edge: &[(u32, u32)], edge: u32) -> impl Iterator<Item = usize> + '_ {
    let start = by_edge.partition_point(|&(e, _)| e < edge);
    by_edge[start..]
        .iter()
        .take_while(move |&&(e, _)| e == edge)
        .map(|&(_, j)| j as usize)
}
