//! The capacitated transportation problem, solved exactly by successive shortest paths.
//!
//! **Problem.** Sources `i` (population cells) hold an integer supply `s_i` (pupils in fixed
//! units); sinks `j` (schools) take up to `cap_j` units at no extra cost (`None`: unlimited);
//! a unit from `i` to `j` costs `c_ij` (an integer: distance in centimetres, say) along the
//! arcs listed for `i`. Every unit must be placed. A sink may take more than its capacity only
//! through its **overflow arc** at the cost `M` a unit, where `M` exceeds the cost of any
//! simple path of the residual network ([`Problem::big_m`]); so the solution first seats as
//! many units as the capacities allow, and among those placements minimises
//! `Σ c_ij x_ij` — the classic "Hitchcock" transportation problem with a penalised dummy
//! column, which is a minimum-cost flow.
//!
//! **Method.** Successive shortest paths with node potentials (Edmonds & Karp 1972; Tomizawa
//! 1971; see Ahuja, Magnanti & Orlin, *Network Flows*, 1993, §9.7), specialised to the shape
//! of school zoning — many sources, few sinks:
//!
//! 1. Every source sends its whole supply along its cheapest arc (ties: lower sink). With sink
//!    potentials 0, every residual arc has a non-negative reduced cost: the pseudo-flow is
//!    optimal for its own imbalances, which are the units above capacity at each sink.
//! 2. While a sink `A` holds excess, a Dijkstra search from `A` over the **sink graph** finds
//!    the cheapest way to place it: a sink `u` reaches the super-sink `T` through a free seat
//!    (cost 0) or its overflow arc (cost `M`), and reaches sink `C` through any source `i`
//!    that currently sends flow to `u` and lists `C` (cost `c_iC − c_iu`: take the unit back
//!    from `u`, send it to `C`). Source potentials cancel along such a two-arc step, so only
//!    sinks (and `T`) carry potentials. The cheapest step `u → C` is kept in a lazy min-heap
//!    of `(c_iC − c_iu, i)` per sink pair, built the first time `u` is searched from; entries of
//!    sources that no longer send to `u` are dropped when they surface.
//! 3. The search stops when `T` is settled; settled sinks get `π(v) += d(v) − d(T)` (the
//!    standard early-termination update, which keeps every reduced cost non-negative), and
//!    the path is augmented by its bottleneck (the excess, a source's flow on a step, or the
//!    free seats at the end).
//!
//! Each augmentation empties a source's flow on a step, the excess of `A` or the free seats of
//! a sink, so the loop ends; at the end there is no excess and every residual arc has a
//! non-negative reduced cost: the flow is optimal (reduced-cost optimality, AMO Thm 9.3).
//! Integer data give an integer optimum. A basic optimal solution of a transportation problem
//! is a spanning forest, so at most `sinks − 1` sources per connected component are split
//! between several sinks; this method's solutions are of that kind in practice (each
//! augmentation moves a bottleneck), and callers report how many sources were split.
//!
//! [`Solution::potentials`] are the optimal dual prices `π_j` of the sinks (relative to `T`):
//! a source's flow goes only to sinks minimising `c_ij − π_j`. [`Solution::violations`] checks
//! that optimality condition against arcs the problem did **not** list — the price-out test
//! that lets callers list only each source's nearest sinks and still prove the answer exact.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// A transportation instance (see the module docs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Problem {
    /// Supply of each source, in integer units (≥ 0).
    pub supply: Vec<i64>,
    /// Capacity of each sink in units; `None` = unlimited.
    pub capacity: Vec<Option<i64>>,
    /// Compressed rows: the arcs of source `i` are `offsets[i]..offsets[i + 1]` of `sinks` and
    /// `costs`, sorted by cost, then sink.
    pub offsets: Vec<usize>,
    /// Arc heads (sink indices).
    pub sinks: Vec<u32>,
    /// Arc costs (integers ≥ 0).
    pub costs: Vec<i64>,
}

/// Why an instance cannot be solved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// A source with supply has no arc.
    NoArc {
        /// The source.
        source: usize,
    },
    /// Malformed input (lengths, negative numbers, unsorted rows, sink out of range).
    Invalid(String),
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransportError::NoArc { source } => write!(f, "source {source} has supply but no arc"),
            TransportError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for TransportError {}

/// An optimal placement.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Per source: `(sink, units)` with units > 0, sorted by sink.
    pub flows: Vec<Vec<(u32, i64)>>,
    /// Per sink: units placed (seated and overflow).
    pub load: Vec<i64>,
    /// Per sink: units above its capacity (through the overflow arc).
    pub overflow: Vec<i64>,
    /// `Σ c_ij x_ij` (the overflow penalty not included).
    pub cost: i128,
    /// Optimal dual price of each sink, relative to the super-sink.
    pub potentials: Vec<i64>,
    /// Augmenting paths used.
    pub augmentations: usize,
    /// Sources split between two or more sinks.
    pub split_sources: usize,
}

impl Problem {
    /// Builds a problem from per-source arc lists (sorted here by cost, then sink).
    pub fn from_lists(
        supply: Vec<i64>,
        capacity: Vec<Option<i64>>,
        lists: impl IntoIterator<Item = Vec<(u32, i64)>>,
    ) -> Problem {
        let mut p = Problem {
            supply,
            capacity,
            offsets: vec![0],
            sinks: Vec::new(),
            costs: Vec::new(),
        };
        for mut l in lists {
            l.sort_unstable_by_key(|&(j, c)| (c, j));
            p.sinks.extend(l.iter().map(|a| a.0));
            p.costs.extend(l.iter().map(|a| a.1));
            p.offsets.push(p.sinks.len());
        }
        p
    }

    /// The arcs of source `i`: `(sinks, costs)` by increasing cost.
    pub fn row(&self, i: usize) -> (&[u32], &[i64]) {
        let r = self.offsets[i]..self.offsets[i + 1];
        (&self.sinks[r.clone()], &self.costs[r])
    }

    /// The overflow cost `M`: larger than `2 (sinks + 1) × max arc cost`, the most any simple
    /// path of sink steps can cost, so no seat is ever left free while a unit overflows.
    pub fn big_m(&self) -> i64 {
        let max_cost = self.costs.iter().copied().max().unwrap_or(0).max(1);
        let n = self.capacity.len() as i64 + 1;
        max_cost
            .saturating_mul(2)
            .saturating_mul(n)
            .saturating_add(1)
    }

    fn validate(&self) -> Result<(), TransportError> {
        let bad = |m: String| Err(TransportError::Invalid(m));
        let n = self.supply.len();
        if self.offsets.len() != n + 1 || self.offsets[0] != 0 {
            return bad(format!(
                "offsets: expected {} entries starting at 0, found {}",
                n + 1,
                self.offsets.len()
            ));
        }
        if self.sinks.len() != self.costs.len() || self.offsets[n] != self.sinks.len() {
            return bad("arc arrays of different lengths".into());
        }
        if self.offsets.windows(2).any(|w| w[0] > w[1]) {
            return bad("offsets decrease".into());
        }
        if let Some(i) = self.supply.iter().position(|&s| s < 0) {
            return bad(format!("source {i}: negative supply"));
        }
        if let Some(j) = self.capacity.iter().position(|c| c.is_some_and(|c| c < 0)) {
            return bad(format!("sink {j}: negative capacity"));
        }
        let m = self.capacity.len();
        for i in 0..n {
            let (s, c) = self.row(i);
            if s.iter().any(|&j| j as usize >= m) {
                return bad(format!("source {i}: sink index out of range"));
            }
            if c.iter().any(|&c| c < 0) {
                return bad(format!("source {i}: negative cost"));
            }
            if c.windows(2).any(|w| w[0] > w[1]) {
                return bad(format!("source {i}: arcs not sorted by cost"));
            }
            if self.supply[i] > 0 && s.is_empty() {
                return Err(TransportError::NoArc { source: i });
            }
        }
        Ok(())
    }
}

/// Lazy min-heaps of sink steps `u → C`: `(c_iC − c_iu, i)`.
type StepHeap = BinaryHeap<Reverse<(i64, u32)>>;

struct State<'a> {
    p: &'a Problem,
    m_cost: i64,
    flows: Vec<Vec<(u32, i64)>>,
    load: Vec<i64>,
    seated: Vec<i64>,
    overflow: Vec<i64>,
    pot: Vec<i64>,
    /// Per sink, built on first search: neighbour sink → heap.
    steps: Vec<Option<BTreeMap<u32, StepHeap>>>,
    /// Per sink: sources sending flow to it (may hold stale entries).
    members: Vec<Vec<u32>>,
    /// Dijkstra scratch, indexed by sink (`T` last): distance, predecessor, settled.
    dist: Vec<i64>,
    pred: Vec<(usize, Option<u32>)>,
    done: Vec<bool>,
}

impl State<'_> {
    fn flow(&self, i: u32, j: u32) -> i64 {
        self.flows[i as usize]
            .iter()
            .find(|f| f.0 == j)
            .map_or(0, |f| f.1)
    }

    fn cost(&self, i: u32, j: u32) -> i64 {
        let (s, c) = self.p.row(i as usize);
        s.iter().position(|&x| x == j).map_or(i64::MAX, |k| c[k])
    }

    fn excess(&self, j: usize) -> i64 {
        self.load[j] - self.seated[j] - self.overflow[j]
    }

    fn free_seats(&self, j: usize) -> Option<i64> {
        self.p.capacity[j].map(|c| c - self.seated[j])
    }

    /// Adds source `i`'s steps out of sink `u` to `u`'s heaps (when built).
    fn push_steps(&mut self, i: u32, u: u32) {
        let (s, c) = self.p.row(i as usize);
        let Some(cu) = s.iter().position(|&x| x == u).map(|k| c[k]) else {
            return;
        };
        if let Some(h) = self.steps[u as usize].as_mut() {
            for (&cj, &cc) in s.iter().zip(c) {
                if cj != u {
                    h.entry(cj).or_default().push(Reverse((cc - cu, i)));
                }
            }
        }
    }

    fn build_steps(&mut self, u: usize) {
        if self.steps[u].is_some() {
            return;
        }
        self.steps[u] = Some(BTreeMap::new());
        let mut members = std::mem::take(&mut self.members[u]);
        members.sort_unstable();
        members.dedup();
        members.retain(|&i| self.flow(i, u as u32) > 0);
        for &i in &members {
            self.push_steps(i, u as u32);
        }
        self.members[u] = members;
    }

    /// The cheapest valid step out of `u` towards `c`: `(key, source)`.
    fn top(&mut self, u: usize, c: u32) -> Option<(i64, u32)> {
        loop {
            let heap = self.steps[u].as_mut()?.get_mut(&c)?;
            let Reverse((k, i)) = *heap.peek()?;
            if self.flows[i as usize].iter().any(|f| f.0 == u as u32) {
                return Some((k, i));
            }
            heap.pop();
        }
    }

    fn move_flow(&mut self, i: u32, from: u32, to: u32, amount: i64) {
        let fl = &mut self.flows[i as usize];
        let k = fl.iter().position(|f| f.0 == from).expect("flow on step");
        fl[k].1 -= amount;
        if fl[k].1 == 0 {
            fl.remove(k);
        }
        let gained_new = match fl.iter().position(|f| f.0 == to) {
            Some(k) => {
                fl[k].1 += amount;
                false
            }
            None => {
                let at = fl.partition_point(|f| f.0 < to);
                fl.insert(at, (to, amount));
                true
            }
        };
        self.load[from as usize] -= amount;
        self.load[to as usize] += amount;
        if gained_new {
            self.members[to as usize].push(i);
            self.push_steps(i, to);
        }
    }

    /// One Dijkstra search from `a` and one augmentation. Returns false when nothing moved
    /// (cannot happen on a valid instance: the overflow arc always reaches `T`).
    fn augment_from(&mut self, a: usize) -> bool {
        let m = self.load.len();
        let t = m;
        let mut touched: Vec<usize> = Vec::new();
        let mut settled: Vec<usize> = Vec::new();
        let mut heap: BinaryHeap<Reverse<(i64, usize)>> = BinaryHeap::new();
        self.dist[a] = 0;
        touched.push(a);
        heap.push(Reverse((0, a)));
        let mut dt = None;
        while let Some(Reverse((d, u))) = heap.pop() {
            if self.done[u] || self.dist[u] < d {
                continue;
            }
            self.done[u] = true;
            if u == t {
                dt = Some(d);
                break;
            }
            settled.push(u);
            // Into T: a free seat, else the overflow arc (T's potential is 0).
            let into_t = match self.free_seats(u) {
                Some(f) if f <= 0 => self.m_cost,
                _ => 0,
            };
            debug_assert!(into_t + self.pot[u] >= 0, "negative reduced cost into T");
            let cand = d + into_t + self.pot[u];
            if cand < self.dist[t] {
                if self.dist[t] == i64::MAX {
                    touched.push(t);
                }
                self.dist[t] = cand;
                self.pred[t] = (u, None);
                heap.push(Reverse((cand, t)));
            }
            self.build_steps(u);
            let targets: Vec<u32> = self.steps[u]
                .as_ref()
                .map(|h| h.keys().copied().collect())
                .unwrap_or_default();
            for c in targets {
                let cu = c as usize;
                if self.done[cu] {
                    continue;
                }
                let Some((key, i)) = self.top(u, c) else {
                    continue;
                };
                let rc = key + self.pot[u] - self.pot[cu];
                debug_assert!(rc >= 0, "negative reduced cost {rc} on step {u}->{c}");
                let cand = d + rc;
                if cand < self.dist[cu] {
                    if self.dist[cu] == i64::MAX {
                        touched.push(cu);
                    }
                    self.dist[cu] = cand;
                    self.pred[cu] = (u, Some(i));
                    heap.push(Reverse((cand, cu)));
                }
            }
        }
        let result = dt.map(|dt| {
            for &v in &settled {
                self.pot[v] += self.dist[v] - dt;
            }
            // The path, from T back to a.
            let mut path: Vec<(usize, usize, Option<u32>)> = Vec::new();
            let mut v = t;
            while v != a {
                let (u, via) = self.pred[v];
                path.push((u, v, via));
                v = u;
            }
            path.reverse();
            path
        });
        for &v in &touched {
            self.dist[v] = i64::MAX;
            self.done[v] = false;
        }
        let Some(path) = result else { return false };
        let mut delta = self.excess(a);
        for &(u, v, via) in &path {
            match via {
                Some(i) => delta = delta.min(self.flow(i, u as u32)),
                None => {
                    debug_assert_eq!(v, t);
                    if let Some(f) = self.free_seats(u) {
                        if f > 0 {
                            delta = delta.min(f);
                        }
                    }
                }
            }
        }
        debug_assert!(delta > 0);
        for &(u, v, via) in &path {
            match via {
                Some(i) => self.move_flow(i, u as u32, v as u32, delta),
                None => match self.free_seats(u) {
                    Some(f) if f > 0 => self.seated[u] += delta,
                    Some(_) => self.overflow[u] += delta,
                    None => self.seated[u] += delta,
                },
            }
        }
        true
    }
}

/// Solves `p` exactly (see the module docs).
pub fn solve(p: &Problem) -> Result<Solution, TransportError> {
    p.validate()?;
    let n = p.supply.len();
    let m = p.capacity.len();
    let mut st = State {
        p,
        m_cost: p.big_m(),
        flows: vec![Vec::new(); n],
        load: vec![0; m],
        seated: vec![0; m],
        overflow: vec![0; m],
        pot: vec![0; m],
        steps: vec![None; m],
        members: vec![Vec::new(); m],
        dist: vec![i64::MAX; m + 1],
        pred: vec![(0, None); m + 1],
        done: vec![false; m + 1],
    };
    for i in 0..n {
        if p.supply[i] == 0 {
            continue;
        }
        let j = p.row(i).0[0];
        st.flows[i].push((j, p.supply[i]));
        st.load[j as usize] += p.supply[i];
        st.members[j as usize].push(i as u32);
    }
    for j in 0..m {
        st.seated[j] = match p.capacity[j] {
            Some(c) => st.load[j].min(c),
            None => st.load[j],
        };
    }
    let mut augmentations = 0;
    for a in 0..m {
        while st.excess(a) > 0 {
            if !st.augment_from(a) {
                return Err(TransportError::Invalid(format!(
                    "sink {a}: excess could not be placed"
                )));
            }
            augmentations += 1;
        }
    }
    let mut cost: i128 = 0;
    for i in 0..n {
        for &(j, x) in &st.flows[i] {
            cost += st.cost(i as u32, j) as i128 * x as i128;
        }
    }
    let split_sources = st.flows.iter().filter(|f| f.len() > 1).count();
    Ok(Solution {
        flows: st.flows,
        load: st.load,
        overflow: st.overflow,
        cost,
        potentials: st.pot,
        augmentations,
        split_sources,
    })
}

impl Solution {
    /// The sink with the largest flow of source `i` (ties: lower sink); `None` without supply.
    pub fn main_sink(&self, i: usize) -> Option<u32> {
        self.flows[i]
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|f| f.0)
    }

    /// Price-out test for source `i` against arcs `(sink, cost)` not listed in the problem:
    /// the arcs whose reduced cost `c_iC − π_C − max_{A: x_iA > 0}(c_iA − π_A)` is negative,
    /// i.e. that would lower the total cost. Empty means the solution stays optimal when they
    /// are added. `listed_cost(A)` gives the listed cost of a sink the source sends to.
    pub fn violations(
        &self,
        i: usize,
        listed_cost: impl Fn(u32) -> i64,
        unlisted: &[(u32, i64)],
    ) -> Vec<u32> {
        let Some(worst) = self.flows[i]
            .iter()
            .map(|&(a, _)| listed_cost(a) - self.potentials[a as usize])
            .max()
        else {
            return Vec::new();
        };
        unlisted
            .iter()
            .filter(|&&(c, cost)| cost - self.potentials[c as usize] < worst)
            .map(|&(c, _)| c)
            .collect()
    }

    /// The bound used to skip the price-out test of source `i`: when every unlisted arc costs
    /// at least `min_unlisted_cost`, none can violate optimality if this returns true.
    pub fn priced_out(
        &self,
        i: usize,
        listed_cost: impl Fn(u32) -> i64,
        min_unlisted_cost: i64,
        max_potential: i64,
    ) -> bool {
        let worst = self.flows[i]
            .iter()
            .map(|&(a, _)| listed_cost(a) - self.potentials[a as usize])
            .max();
        match worst {
            None => true,
            Some(w) => min_unlisted_cost - max_potential >= w,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix;

    /// Brute force: every integer split of every supply; objective (overflow, cost) lexicographic.
    fn brute(p: &Problem) -> (i64, i128) {
        let n = p.supply.len();
        let m = p.capacity.len();
        let mut best = (i64::MAX, i128::MAX);
        let mut load = vec![0i64; m];
        fn rec(
            p: &Problem,
            i: usize,
            k: usize,
            left: i64,
            load: &mut Vec<i64>,
            cost: i128,
            best: &mut (i64, i128),
        ) {
            let n = p.supply.len();
            if i == n {
                let over: i64 = load
                    .iter()
                    .zip(&p.capacity)
                    .map(|(&l, c)| c.map_or(0, |c| (l - c).max(0)))
                    .sum();
                if (over, cost) < *best {
                    *best = (over, cost);
                }
                return;
            }
            let (s, c) = p.row(i);
            if k == s.len() - 1 {
                load[s[k] as usize] += left;
                let next = if i + 1 < n { p.supply[i + 1] } else { 0 };
                rec(
                    p,
                    i + 1,
                    0,
                    next,
                    load,
                    cost + c[k] as i128 * left as i128,
                    best,
                );
                load[s[k] as usize] -= left;
                return;
            }
            for x in 0..=left {
                load[s[k] as usize] += x;
                rec(
                    p,
                    i,
                    k + 1,
                    left - x,
                    load,
                    cost + c[k] as i128 * x as i128,
                    best,
                );
                load[s[k] as usize] -= x;
            }
        }
        if n == 0 {
            return (0, 0);
        }
        rec(p, 0, 0, p.supply[0], &mut load, 0, &mut best);
        best
    }

    fn random_problem(rng: &mut SplitMix, n: usize, m: usize, max_s: i64) -> Problem {
        let pts_s: Vec<(f64, f64)> = (0..m).map(|_| (rng.unit(), rng.unit())).collect();
        let supply: Vec<i64> = (0..n)
            .map(|_| (rng.next_u64() % (max_s as u64 + 1)) as i64)
            .collect();
        let capacity: Vec<Option<i64>> = (0..m)
            .map(|_| {
                if rng.unit() < 0.15 {
                    None
                } else {
                    Some((rng.next_u64() % (max_s as u64 * n as u64 / m as u64 + 2)) as i64)
                }
            })
            .collect();
        let lists = (0..n).map(|_| {
            let (x, y) = (rng.unit(), rng.unit());
            let mut l: Vec<(u32, i64)> = (0..m)
                .map(|j| {
                    let d = ((pts_s[j].0 - x).powi(2) + (pts_s[j].1 - y).powi(2)).sqrt();
                    (j as u32, (d * 100.0).round() as i64)
                })
                .collect();
            // Sometimes a sparse row (the nearest few only).
            if rng.unit() < 0.3 {
                l.sort_by_key(|&(j, c)| (c, j));
                l.truncate(1 + (rng.next_u64() % m as u64) as usize);
            }
            l
        });
        let lists: Vec<_> = lists.collect();
        Problem::from_lists(supply, capacity, lists)
    }

    fn check_solution(p: &Problem, s: &Solution) {
        // Every unit placed, on listed arcs, loads and overflow consistent.
        let m = p.capacity.len();
        let mut load = vec![0i64; m];
        for (i, f) in s.flows.iter().enumerate() {
            assert_eq!(
                f.iter().map(|x| x.1).sum::<i64>(),
                p.supply[i],
                "source {i}"
            );
            for &(j, x) in f {
                assert!(x > 0);
                assert!(p.row(i).0.contains(&j), "unlisted arc {i}->{j}");
                load[j as usize] += x;
            }
        }
        assert_eq!(load, s.load);
        for j in 0..m {
            let over = p.capacity[j].map_or(0, |c| (load[j] - c).max(0));
            assert_eq!(over, s.overflow[j], "sink {j}");
        }
    }

    #[test]
    fn matches_brute_force_on_tiny_instances() {
        let mut rng = SplitMix::new(7);
        for case in 0..400 {
            let n = 1 + (rng.next_u64() % 3) as usize;
            let m = 1 + (rng.next_u64() % 3) as usize;
            let p = random_problem(&mut rng, n, m, 3);
            let s = solve(&p).unwrap();
            check_solution(&p, &s);
            let over: i64 = s.overflow.iter().sum();
            assert_eq!((over, s.cost), brute(&p), "case {case}: {p:?}");
        }
    }

    /// An independent min-cost flow: successive shortest paths with Bellman-Ford on the
    /// explicit network (source, cells, schools, overflow, sink), unit by unit.
    fn reference(p: &Problem) -> (i64, i128) {
        let n = p.supply.len();
        let m = p.capacity.len();
        let (src, snk) = (n + m, n + m + 1);
        let nodes = n + m + 2;
        // edges: to, cap, cost, rev
        let mut g: Vec<Vec<(usize, i64, i64, usize)>> = vec![Vec::new(); nodes];
        let add = |g: &mut Vec<Vec<(usize, i64, i64, usize)>>,
                   u: usize,
                   v: usize,
                   cap: i64,
                   cost: i64| {
            let ru = g[v].len();
            let rv = g[u].len();
            g[u].push((v, cap, cost, ru));
            g[v].push((u, 0, -cost, rv));
        };
        let total: i64 = p.supply.iter().sum();
        let big = p.big_m();
        for i in 0..n {
            add(&mut g, src, i, p.supply[i], 0);
            let (s, c) = p.row(i);
            for (&j, &c) in s.iter().zip(c) {
                add(&mut g, i, n + j as usize, total, c);
            }
        }
        for j in 0..m {
            match p.capacity[j] {
                Some(c) => {
                    add(&mut g, n + j, snk, c, 0);
                    add(&mut g, n + j, snk, total, big);
                }
                None => add(&mut g, n + j, snk, total, 0),
            }
        }
        let mut cost: i128 = 0;
        let mut sent = 0;
        while sent < total {
            let mut dist = vec![i64::MAX; nodes];
            let mut prev = vec![(usize::MAX, 0usize); nodes];
            dist[src] = 0;
            for _ in 0..nodes {
                let mut changed = false;
                for u in 0..nodes {
                    if dist[u] == i64::MAX {
                        continue;
                    }
                    for (k, &(v, cap, c, _)) in g[u].iter().enumerate() {
                        if cap > 0 && dist[u] + c < dist[v] {
                            dist[v] = dist[u] + c;
                            prev[v] = (u, k);
                            changed = true;
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
            let mut f = total - sent;
            let mut v = snk;
            while v != src {
                let (u, k) = prev[v];
                f = f.min(g[u][k].1);
                v = u;
            }
            let mut v = snk;
            while v != src {
                let (u, k) = prev[v];
                g[u][k].1 -= f;
                let (to, rev) = (g[u][k].0, g[u][k].3);
                g[to][rev].1 += f;
                v = u;
            }
            cost += dist[snk] as i128 * f as i128;
            sent += f;
        }
        let over: i64 = (0..m)
            .filter(|&j| p.capacity[j].is_some())
            .map(|j| {
                g[n + j]
                    .iter()
                    .filter(|e| e.0 == snk && e.2 == big)
                    .map(|e| total - e.1)
                    .sum::<i64>()
            })
            .sum();
        (over, cost - over as i128 * big as i128)
    }

    #[test]
    fn matches_an_independent_min_cost_flow_on_larger_instances() {
        let mut rng = SplitMix::new(11);
        for case in 0..60 {
            let n = 5 + (rng.next_u64() % 40) as usize;
            let m = 2 + (rng.next_u64() % 8) as usize;
            let p = random_problem(&mut rng, n, m, 20);
            let s = solve(&p).unwrap();
            check_solution(&p, &s);
            let over: i64 = s.overflow.iter().sum();
            assert_eq!((over, s.cost), reference(&p), "case {case}");
            // Duals certify optimality over the listed arcs.
            for i in 0..n {
                let (sk, c) = p.row(i);
                let listed: Vec<(u32, i64)> = sk.iter().copied().zip(c.iter().copied()).collect();
                let cost_of = |a: u32| listed.iter().find(|x| x.0 == a).unwrap().1;
                assert!(
                    s.violations(i, cost_of, &listed).is_empty(),
                    "case {case} source {i}"
                );
            }
        }
    }

    #[test]
    fn seats_fill_before_overflow_and_ties_are_stable() {
        // Two sources of 5 at equal distance from two sinks of 4 seats: 8 seated, 2 over.
        let p = Problem::from_lists(
            vec![5, 5],
            vec![Some(4), Some(4)],
            vec![vec![(0, 10), (1, 10)], vec![(0, 10), (1, 10)]],
        );
        let s = solve(&p).unwrap();
        assert_eq!(s.overflow.iter().sum::<i64>(), 2);
        assert_eq!(s.cost, 100);
        assert_eq!(s, solve(&p).unwrap());
        // Unlimited sink takes everything at its cost.
        let q = Problem::from_lists(vec![3], vec![None], vec![vec![(0, 7)]]);
        let s = solve(&q).unwrap();
        assert_eq!((s.cost, s.overflow[0], s.load[0]), (21, 0, 3));
    }

    #[test]
    fn invalid_input_is_an_error_not_a_panic() {
        let p = Problem::from_lists(vec![1], vec![Some(1)], vec![vec![]]);
        assert_eq!(solve(&p), Err(TransportError::NoArc { source: 0 }));
        let mut q = Problem::from_lists(vec![1], vec![Some(1)], vec![vec![(0, 1)]]);
        q.supply[0] = -1;
        assert!(matches!(solve(&q), Err(TransportError::Invalid(_))));
        let r = Problem::from_lists(vec![1], vec![Some(1)], vec![vec![(3, 1)]]);
        assert!(matches!(solve(&r), Err(TransportError::Invalid(_))));
    }
}
