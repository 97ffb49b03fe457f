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
use std::collections::BinaryHeap;

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
    /// The overflow cost `M` to use when it is larger than the one computed from the arcs
    /// (so that coarse and fine versions of one problem share their prices' scale).
    pub overflow_cost: Option<i64>,
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
    /// Sinks settled by the shortest-path searches, in total.
    pub settled: usize,
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
            overflow_cost: None,
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

/// The steps out of one sink: neighbour sinks (sorted) and one heap each.
#[derive(Default)]
struct Steps {
    targets: Vec<u32>,
    heaps: Vec<StepHeap>,
    /// Per target: the value of the sink's departure counter when the heap's top was last
    /// found valid (a top can only turn stale when a source leaves the sink).
    checked: Vec<u64>,
    /// Per target: the heap's top as last seen (kept inline: scanning tops is the hot loop).
    tops: Vec<Option<(i64, u32)>>,
}

/// How an arc of an augmenting path changes the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arc {
    /// Source `i` sends a unit to the head instead of the tail.
    Step(u32),
    /// Tail takes one more pupil on a seat.
    Seat,
    /// Tail takes one more pupil above its seats.
    Overflow,
    /// (from T) head frees a seat.
    Unseat,
    /// (from T) head takes one pupil fewer above its seats.
    Unoverflow,
}

struct State<'a> {
    p: &'a Problem,
    m_cost: i64,
    flows: Vec<Vec<(u32, i64)>>,
    load: Vec<i64>,
    seated: Vec<i64>,
    overflow: Vec<i64>,
    /// Imbalance of the super-sink: units received minus total supply (≤ 0 while units are
    /// still held at sinks).
    t_excess: i64,
    /// Potentials of the sinks and, last, of `T`.
    pot: Vec<i64>,
    /// Per sink, built on first search.
    steps: Vec<Option<Steps>>,
    /// Per sink: sources sending flow to it (may hold stale entries).
    members: Vec<Vec<u32>>,
    /// Per sink: how many times a source stopped sending to it.
    departures: Vec<u64>,
    /// Dijkstra scratch, indexed by node (`T` last).
    dist: Vec<i64>,
    pred: Vec<(u32, Arc)>,
    done: Vec<bool>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
    touched: Vec<u32>,
    settled: Vec<u32>,
    settled_total: usize,
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

    /// Units held at sink `j` (positive: excess; negative: a deficit of forced seats).
    fn imbalance(&self, j: usize) -> i64 {
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
        if let Some(st) = self.steps[u as usize].as_mut() {
            for (&cj, &cc) in s.iter().zip(c) {
                if cj == u {
                    continue;
                }
                let k = match st.targets.binary_search(&cj) {
                    Ok(k) => k,
                    Err(k) => {
                        st.targets.insert(k, cj);
                        st.heaps.insert(k, StepHeap::new());
                        st.checked.insert(k, u64::MAX);
                        st.tops.insert(k, None);
                        k
                    }
                };
                let e = (cc - cu, i);
                st.heaps[k].push(Reverse(e));
                // A new entry is valid: it becomes the cached top when smaller.
                if st.tops[k].is_none_or(|t| e < t) {
                    st.tops[k] = Some(e);
                }
            }
        }
    }

    fn build_steps(&mut self, u: usize) {
        if self.steps[u].is_some() {
            return;
        }
        let mut members = std::mem::take(&mut self.members[u]);
        members.sort_unstable();
        members.dedup();
        members.retain(|&i| self.flow(i, u as u32) > 0);
        // Bucket the steps by target sink (counting sort), then heapify each bucket.
        let m = self.load.len();
        let mut count = vec![0u32; m];
        for &i in &members {
            for &cj in self.p.row(i as usize).0 {
                count[cj as usize] += 1;
            }
        }
        count[u] = 0;
        let mut st = Steps::default();
        let mut slot = vec![u32::MAX; m];
        let mut buckets: Vec<Vec<Reverse<(i64, u32)>>> = Vec::new();
        for (c, &n) in count.iter().enumerate() {
            if n > 0 {
                slot[c] = st.targets.len() as u32;
                st.targets.push(c as u32);
                buckets.push(Vec::with_capacity(n as usize));
            }
        }
        for &i in &members {
            let (s, c) = self.p.row(i as usize);
            let Some(cu) = s.iter().position(|&x| x == u as u32).map(|k| c[k]) else {
                continue;
            };
            for (&cj, &cc) in s.iter().zip(c) {
                if cj != u as u32 {
                    buckets[slot[cj as usize] as usize].push(Reverse((cc - cu, i)));
                }
            }
        }
        st.checked = vec![u64::MAX; st.targets.len()];
        st.tops = vec![None; st.targets.len()];
        st.heaps = buckets.into_iter().map(BinaryHeap::from).collect();
        self.steps[u] = Some(st);
        self.members[u] = members;
    }

    fn move_flow(&mut self, i: u32, from: u32, to: u32, amount: i64) {
        let fl = &mut self.flows[i as usize];
        let k = fl.iter().position(|f| f.0 == from).expect("flow on step");
        fl[k].1 -= amount;
        if fl[k].1 == 0 {
            fl.remove(k);
            self.departures[from as usize] += 1;
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

    fn relax(&mut self, v: usize, cand: i64, from: u32, arc: Arc) {
        if cand < self.dist[v] {
            if self.dist[v] == i64::MAX {
                self.touched.push(v as u32);
            }
            self.dist[v] = cand;
            self.pred[v] = (from, arc);
            self.heap.push(Reverse((cand, v as u32)));
        }
    }

    /// Whether node `v` can absorb units (a deficit).
    fn is_deficit(&self, v: usize) -> bool {
        if v == self.load.len() {
            self.t_excess < 0
        } else {
            self.imbalance(v) < 0
        }
    }

    /// One Dijkstra search from the node `a` holding excess, and one augmentation to the first
    /// deficit settled. Returns false when no deficit is reachable (cannot happen on a valid
    /// instance: the overflow arcs always reach `T`).
    fn augment_from(&mut self, a: usize) -> bool {
        let m = self.load.len();
        let t = m;
        self.heap.clear();
        self.touched.clear();
        self.settled.clear();
        self.dist[a] = 0;
        self.touched.push(a as u32);
        self.heap.push(Reverse((0, a as u32)));
        let mut target = None;
        while let Some(Reverse((d, u))) = self.heap.pop() {
            let u = u as usize;
            if self.done[u] || self.dist[u] < d {
                continue;
            }
            self.done[u] = true;
            self.settled.push(u as u32);
            if u != a && self.is_deficit(u) {
                target = Some(u);
                break;
            }
            if u == t {
                // Out of T: free a seat (or an overflow place) of a sink.
                for j in 0..m {
                    if self.done[j] {
                        continue;
                    }
                    let (arc, cost) = if self.overflow[j] > 0 {
                        (Arc::Unoverflow, -self.m_cost)
                    } else if self.seated[j] > 0 {
                        (Arc::Unseat, 0)
                    } else {
                        continue;
                    };
                    let rc = cost + self.pot[t] - self.pot[j];
                    debug_assert!(rc >= 0, "negative reduced cost out of T");
                    self.relax(j, d + rc, t as u32, arc);
                }
                continue;
            }
            // Into T: a free seat, else the overflow arc.
            if !self.done[t] {
                let (arc, cost) = match self.free_seats(u) {
                    Some(f) if f <= 0 => (Arc::Overflow, self.m_cost),
                    _ => (Arc::Seat, 0),
                };
                let rc = cost + self.pot[u] - self.pot[t];
                debug_assert!(rc >= 0, "negative reduced cost into T");
                self.relax(t, d + rc, u as u32, arc);
            }
            self.build_steps(u);
            let steps = self.steps[u].take().expect("built");
            let mut steps = steps;
            for k in 0..steps.targets.len() {
                let c = steps.targets[k] as usize;
                if self.done[c] {
                    continue;
                }
                // The cheapest step whose source still sends to u.
                let heap = &mut steps.heaps[k];
                let stamp = self.departures[u];
                let top = if steps.checked[k] == stamp {
                    steps.tops[k]
                } else {
                    let t = loop {
                        let Some(&Reverse((key, i))) = heap.peek() else {
                            break None;
                        };
                        if self.flows[i as usize].iter().any(|f| f.0 == u as u32) {
                            break Some((key, i));
                        }
                        heap.pop();
                    };
                    steps.checked[k] = stamp;
                    steps.tops[k] = t;
                    t
                };
                let Some((key, i)) = top else { continue };
                let rc = key + self.pot[u] - self.pot[c];
                debug_assert!(rc >= 0, "negative reduced cost {rc} on step {u}->{c}");
                self.relax(c, d + rc, u as u32, Arc::Step(i));
            }
            self.steps[u] = Some(steps);
        }
        let result = target.map(|tg| {
            let dt = self.dist[tg];
            for k in 0..self.settled.len() {
                let v = self.settled[k] as usize;
                self.pot[v] += self.dist[v] - dt;
            }
            let mut path: Vec<(usize, usize, Arc)> = Vec::new();
            let mut v = tg;
            while v != a {
                let (u, arc) = self.pred[v];
                path.push((u as usize, v, arc));
                v = u as usize;
            }
            path.reverse();
            (tg, path)
        });
        for k in 0..self.touched.len() {
            let v = self.touched[k] as usize;
            self.dist[v] = i64::MAX;
            self.done[v] = false;
        }
        self.settled_total += self.settled.len();
        let Some((tg, path)) = result else {
            return false;
        };
        let held = |s: &Self, v: usize| {
            if v == t {
                s.t_excess
            } else {
                s.imbalance(v)
            }
        };
        let mut delta = held(self, a).min(-held(self, tg));
        for &(u, _, arc) in &path {
            let cap = match arc {
                Arc::Step(i) => self.flow(i, u as u32),
                Arc::Seat => self.free_seats(u).unwrap_or(i64::MAX),
                Arc::Overflow => i64::MAX,
                Arc::Unseat | Arc::Unoverflow => i64::MAX,
            };
            delta = delta.min(cap);
        }
        for &(_, v, arc) in &path {
            match arc {
                Arc::Unseat => delta = delta.min(self.seated[v]),
                Arc::Unoverflow => delta = delta.min(self.overflow[v]),
                _ => {}
            }
        }
        debug_assert!(delta > 0);
        for &(u, v, arc) in &path {
            match arc {
                Arc::Step(i) => self.move_flow(i, u as u32, v as u32, delta),
                Arc::Seat => {
                    self.seated[u] += delta;
                    self.t_excess += delta;
                }
                Arc::Overflow => {
                    self.overflow[u] += delta;
                    self.t_excess += delta;
                }
                Arc::Unseat => {
                    self.seated[v] -= delta;
                    self.t_excess -= delta;
                }
                Arc::Unoverflow => {
                    self.overflow[v] -= delta;
                    self.t_excess -= delta;
                }
            }
        }
        true
    }
}

/// Solves `p` exactly (see the module docs).
pub fn solve(p: &Problem) -> Result<Solution, TransportError> {
    solve_warm(p, None)
}

/// Solves `p` exactly, starting from sink potentials `warm` (for instance the optimal prices
/// of a coarser version of the same problem): each source starts at a sink minimising
/// `c_ij − π_j`, sinks with a negative price start full. Any potentials give the same optimal
/// cost (ties aside); good ones leave few units to move. Potentials are clamped to
/// `[−M, 0]` (0 for unlimited sinks), where they keep every reduced cost non-negative.
pub fn solve_warm(p: &Problem, warm: Option<&[i64]>) -> Result<Solution, TransportError> {
    p.validate()?;
    let n = p.supply.len();
    let m = p.capacity.len();
    let m_cost = p.big_m();
    let mut pot: Vec<i64> = (0..m)
        .map(|j| match (warm.and_then(|w| w.get(j)), p.capacity[j]) {
            (_, None) | (None, _) => 0,
            (Some(&x), Some(_)) => x.clamp(-m_cost, 0),
        })
        .collect();
    let mut st = State {
        p,
        m_cost,
        flows: vec![Vec::new(); n],
        load: vec![0; m],
        seated: vec![0; m],
        overflow: vec![0; m],
        t_excess: 0,
        pot: Vec::new(),
        steps: (0..m).map(|_| None).collect(),
        members: vec![Vec::new(); m],
        departures: vec![0; m],
        dist: vec![i64::MAX; m + 1],
        pred: vec![(0, Arc::Seat); m + 1],
        done: vec![false; m + 1],
        heap: BinaryHeap::new(),
        touched: Vec::new(),
        settled: Vec::new(),
        settled_total: 0,
    };
    let mut total: i64 = 0;
    for i in 0..n {
        if p.supply[i] == 0 {
            continue;
        }
        total += p.supply[i];
        let (s, c) = p.row(i);
        let mut best = 0;
        if warm.is_some() {
            for k in 1..s.len() {
                let (a, b) = (c[k] - pot[s[k] as usize], c[best] - pot[s[best] as usize]);
                if a < b || (a == b && s[k] < s[best]) {
                    best = k;
                }
            }
        }
        let j = s[best];
        st.flows[i].push((j, p.supply[i]));
        st.load[j as usize] += p.supply[i];
        st.members[j as usize].push(i as u32);
    }
    let mut received = 0;
    #[allow(clippy::needless_range_loop)] // j indexes five arrays
    for j in 0..m {
        let load = st.load[j];
        match p.capacity[j] {
            None => st.seated[j] = load,
            Some(cap) if pot[j] == 0 => st.seated[j] = load.min(cap),
            Some(cap) => {
                st.seated[j] = cap;
                if pot[j] == -m_cost {
                    st.overflow[j] = (load - cap).max(0);
                }
            }
        }
        received += st.seated[j] + st.overflow[j];
    }
    st.t_excess = received - total;
    pot.push(0);
    st.pot = pot;
    let mut augmentations = 0;
    loop {
        let mut any = false;
        for a in 0..=m {
            loop {
                let held = if a == m { st.t_excess } else { st.imbalance(a) };
                if held <= 0 {
                    break;
                }
                any = true;
                if !st.augment_from(a) {
                    return Err(TransportError::Invalid(format!(
                        "node {a}: excess could not be placed"
                    )));
                }
                augmentations += 1;
            }
        }
        if !any {
            break;
        }
    }
    let mut cost: i128 = 0;
    for i in 0..n {
        for &(j, x) in &st.flows[i] {
            cost += st.cost(i as u32, j) as i128 * x as i128;
        }
    }
    let split_sources = st.flows.iter().filter(|f| f.len() > 1).count();
    let settled = st.settled_total;
    // Potentials relative to T.
    let pt = st.pot[m];
    let potentials: Vec<i64> = st.pot[..m].iter().map(|&x| x - pt).collect();
    let overflow: Vec<i64> = (0..m)
        .map(|j| p.capacity[j].map_or(0, |c| (st.load[j] - c).max(0)))
        .collect();
    debug_assert_eq!(overflow, st.overflow);
    Ok(Solution {
        flows: st.flows,
        load: st.load,
        overflow,
        cost,
        potentials,
        augmentations,
        settled,
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
        for (j, &l) in load.iter().enumerate() {
            let over = p.capacity[j].map_or(0, |c| (l - c).max(0));
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
            // Any warm start gives the same optimum: arbitrary prices, some at −M.
            let big = p.big_m();
            let warm: Vec<i64> = (0..m)
                .map(|_| match rng.below(4) {
                    0 => 0,
                    1 => -big,
                    _ => -((rng.next_u64() % 300) as i64),
                })
                .collect();
            let w = solve_warm(&p, Some(&warm)).unwrap();
            check_solution(&p, &w);
            let over_w: i64 = w.overflow.iter().sum();
            assert_eq!((over_w, w.cost), (over, s.cost), "case {case}: warm start");
            // Warm from the optimal prices: nothing left to move.
            let again = solve_warm(&p, Some(&s.potentials)).unwrap();
            assert_eq!(again.cost, s.cost, "case {case}: from optimal prices");
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
