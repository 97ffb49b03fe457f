//! Exact set covering: reductions, Lagrangian bound and branch-and-bound, for the LSCP and the
//! p-center decision problems.
//!
//! The problem: rows (demands) that must each be covered by an open column (candidate) of their
//! list, at least total column cost.
//!
//! ## Reductions (Toregas et al. 1971; Garfinkel & Nemhauser 1972, ch. 8)
//!
//! Repeated until nothing changes: a row with a single column makes that column *essential*
//! (forced open; the rows it covers leave); a row whose list contains another row's list is
//! implied by it and leaves; without group limits, a column whose rows are a subset of another
//! column's at no lower cost is dominated and leaves (of two equal ones the later index). A row
//! with no column left proves the cover infeasible.
//!
//! ## Bound (Beasley 1990, "A Lagrangian heuristic for set-covering problems", *NRL* 37)
//!
//! `L(u) = Σ_i u_i + Σ_j min(0, c_j − Σ_{i ∈ N_j} u_i)` for `u ≥ 0` is a lower bound; it is
//! maximised by deflected subgradient steps towards a target level, as for the MCLP
//! ([`super::maxcover`]). Every few iterations the columns with a negative reduced cost seed a
//! greedy completion (price per newly covered row, with the reduced costs as prices) followed by
//! redundancy elimination: the Lagrangian heuristic.
//!
//! ## Branch-and-bound
//!
//! Best-first over nodes that fix columns open or closed. At each node, rows covered by open
//! columns leave, a row left with one free column forces it open and a row with none prunes the
//! node; the multipliers are re-optimised from the parent's; reduced-cost fixing closes a column
//! `j` with `L + rc_j` not below the incumbent and forces open one with `L − rc_j` not below it
//! (with integer costs "not below" after rounding the bound up); branching is on the column
//! with the largest running-average relaxed value below 1. A *cutoff* turns it into a decision
//! procedure ("is there a cover of cost ≤ cutoff?"), which p-center uses.

use super::budget::Budget;
use super::constraints::Limits;
use super::tree::Settings;
use std::collections::BinaryHeap;

/// A set-covering instance over the candidates `0..m` (the caller's indices).
pub(crate) struct Instance {
    /// For each row to cover, its candidate columns (sorted, deduplicated).
    pub(crate) rows: Vec<Vec<u32>>,
    /// Cost of each of the `m` columns.
    pub(crate) cost: Vec<f64>,
    /// Columns that may be opened.
    pub(crate) usable: Vec<bool>,
}

/// Outcome of [`solve`].
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// The best cover found (columns, sorted) and its cost, when any.
    pub(crate) best: Option<(Vec<usize>, f64)>,
    /// Lower bound on the optimum (`+∞` when proven infeasible).
    pub(crate) bound: f64,
    /// Whether the search is complete (optimality, infeasibility or the cutoff decided).
    pub(crate) complete: bool,
    /// Nodes processed.
    pub(crate) nodes: u64,
    /// Subgradient iterations.
    pub(crate) iterations: u64,
}

/// The reduced problem: compact rows and columns plus the essential columns.
struct Reduced {
    /// Rows over compact column indices.
    rows: Vec<Vec<u32>>,
    /// Columns: rows of each compact column.
    cols: Vec<Vec<u32>>,
    /// Original index of each compact column.
    orig: Vec<usize>,
    /// Cost of each compact column.
    cost: Vec<f64>,
    /// Essential columns (original indices).
    forced: Vec<usize>,
}

/// Whether sorted `a` ⊆ sorted `b`.
fn subset(a: &[u32], b: &[u32]) -> bool {
    let mut k = 0;
    for &x in a {
        while k < b.len() && b[k] < x {
            k += 1;
        }
        if k == b.len() || b[k] != x {
            return false;
        }
        k += 1;
    }
    true
}

/// Applies the reductions; `None` when some row cannot be covered.
fn reduce(inst: &Instance, dominate_columns: bool, budget: &mut Budget) -> Option<Reduced> {
    let m = inst.cost.len();
    let mut alive: Vec<bool> = inst.usable.clone();
    let mut forced_mask = vec![false; m];
    let mut rows: Vec<Vec<u32>> = inst.rows.clone();
    loop {
        let mut changed = false;
        // Drop dead columns and rows covered by forced columns; find essential columns.
        let mut kept = Vec::with_capacity(rows.len());
        for mut r in rows.drain(..) {
            budget.spend(r.len() as u64 + 1);
            if r.iter().any(|&j| forced_mask[j as usize]) {
                continue;
            }
            r.retain(|&j| alive[j as usize]);
            match r.len() {
                0 => return None,
                1 => {
                    forced_mask[r[0] as usize] = true;
                    changed = true;
                }
                _ => kept.push(r),
            }
        }
        rows = kept;
        if changed {
            continue;
        }
        // Row domination (and duplicates): a row containing another row's list leaves.
        rows.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        rows.dedup();
        let mut col_rows: Vec<Vec<u32>> = vec![Vec::new(); m];
        for (r, row) in rows.iter().enumerate() {
            for &j in row {
                col_rows[j as usize].push(r as u32);
            }
        }
        let mut row_alive = vec![true; rows.len()];
        for a in 0..rows.len() {
            if !row_alive[a] {
                continue;
            }
            let pivot = rows[a]
                .iter()
                .copied()
                .min_by_key(|&j| (col_rows[j as usize].len(), j))
                .unwrap_or(0);
            for &b in &col_rows[pivot as usize] {
                let b = b as usize;
                if b == a || !row_alive[b] || b < a {
                    continue;
                }
                budget.spend((rows[a].len() + rows[b].len()) as u64);
                if subset(&rows[a], &rows[b]) {
                    row_alive[b] = false;
                    changed = true;
                }
            }
        }
        if changed {
            let mut k = 0;
            rows.retain(|_| {
                k += 1;
                row_alive[k - 1]
            });
            continue;
        }
        // Column domination: rows ⊆ another column's at no lower cost.
        let mut removed = false;
        for j in 0..m {
            if !alive[j] || forced_mask[j] {
                continue;
            }
            if col_rows[j].is_empty() {
                alive[j] = false;
                continue;
            }
            if !dominate_columns {
                continue;
            }
            let pivot = col_rows[j]
                .iter()
                .copied()
                .min_by_key(|&r| (rows[r as usize].len(), r))
                .unwrap_or(0) as usize;
            for &k in &rows[pivot] {
                let k = k as usize;
                if k == j || !alive[k] || inst.cost[k] > inst.cost[j] {
                    continue;
                }
                let (lj, lk) = (col_rows[j].len(), col_rows[k].len());
                if lk < lj || (lk == lj && inst.cost[k] == inst.cost[j] && k > j) {
                    continue;
                }
                budget.spend((lj + lk) as u64);
                if subset(&col_rows[j], &col_rows[k]) {
                    alive[j] = false;
                    removed = true;
                    break;
                }
            }
        }
        if !removed {
            let orig: Vec<usize> = (0..m)
                .filter(|&j| alive[j] && !forced_mask[j] && !col_rows[j].is_empty())
                .collect();
            let mut index = vec![u32::MAX; m];
            for (k, &j) in orig.iter().enumerate() {
                index[j] = k as u32;
            }
            let rows: Vec<Vec<u32>> = rows
                .iter()
                .map(|r| r.iter().map(|&j| index[j as usize]).collect())
                .collect();
            let mut cols = vec![Vec::new(); orig.len()];
            for (r, row) in rows.iter().enumerate() {
                for &j in row {
                    cols[j as usize].push(r as u32);
                }
            }
            return Some(Reduced {
                rows,
                cols,
                cost: orig.iter().map(|&j| inst.cost[j]).collect(),
                orig,
                forced: (0..m).filter(|&j| forced_mask[j]).collect(),
            });
        }
    }
}

/// Settings for the root node: a long first optimisation of the multipliers.
const ROOT: Settings = Settings {
    first_level: 0.5,
    patience: 40,
    halvings: 16,
    max_iterations: 4000,
};

/// Weight of the running average `ȳ` given to the newest subproblem solution.
const AVERAGE: f64 = 0.1;

/// Iterations between two Lagrangian-heuristic completions.
const HEURISTIC_EVERY: u32 = 10;

/// Most multiplier values (f32) kept in open nodes before new nodes start from zero.
const MAX_STORED_MULTIPLIERS: usize = 40_000_000;

type Node = super::tree::Node<true>;

enum NodeResult {
    Pruned,
    Leaf,
    Interrupted(f64),
    Branch(Box<(Node, Node)>),
}

/// Scratch state, reused by every node; indices are compact columns and reduced rows.
struct Tree<'a> {
    red: &'a Reduced,
    /// Limits over the *original* columns (budget, groups), checked on every cover.
    limits: &'a Limits,
    integral: bool,
    /// Cost of the essential columns.
    forced_cost: f64,
    open: Vec<bool>,
    closed: Vec<bool>,
    covered: Vec<bool>,
    rows_left: Vec<u32>,
    free: Vec<u32>,
    u: Vec<f64>,
    best_u: Vec<f64>,
    g: Vec<f64>,
    d: Vec<f64>,
    rc: Vec<f64>,
    ybar: Vec<f64>,
    count: Vec<u32>,
    iterations: u64,
    /// Incumbent: cost (with the essential columns) and compact columns.
    inc_value: f64,
    inc: Option<Vec<u32>>,
    /// Stop as soon as a cover of at most this cost is found.
    cutoff: f64,
    /// Number of original columns.
    m: usize,
}

impl<'a> Tree<'a> {
    /// Whether a lower bound may still improve on the incumbent (or reach the cutoff).
    fn improves(&self, bound: f64) -> bool {
        let target = self.inc_value;
        if self.integral {
            (bound - 1e-6).ceil() < target - 0.5
        } else {
            bound < target - 1e-9 * target.abs().max(1.0)
        }
    }

    fn decided(&self) -> bool {
        self.inc_value <= self.cutoff + 1e-9 * self.cutoff.abs().max(1.0)
    }

    /// Node setup with propagation; returns the cost of its open columns, or `None` when a row
    /// cannot be covered.
    fn setup(&mut self, node: &mut Node, budget: &mut Budget) -> Option<f64> {
        let (nr, mc) = (self.red.rows.len(), self.red.cost.len());
        self.open.fill(false);
        self.closed.fill(false);
        for &j in &node.closed {
            self.closed[j as usize] = true;
        }
        for &j in &node.open {
            self.open[j as usize] = true;
        }
        self.covered.fill(false);
        let mut work = (nr + mc) as u64;
        for &j in &node.open {
            for &i in &self.red.cols[j as usize] {
                self.covered[i as usize] = true;
            }
            work += self.red.cols[j as usize].len() as u64;
        }
        // Propagate: a row with one free column forces it; with none, infeasible.
        loop {
            let mut forced = false;
            for i in 0..nr {
                if self.covered[i] {
                    continue;
                }
                let row = &self.red.rows[i];
                work += row.len() as u64;
                let mut free = row.iter().filter(|&&j| !self.closed[j as usize]);
                let Some(&first) = free.next() else {
                    budget.spend(work);
                    return None;
                };
                if free.next().is_none() {
                    self.open[first as usize] = true;
                    node.open.push(first);
                    for &r in &self.red.cols[first as usize] {
                        self.covered[r as usize] = true;
                    }
                    forced = true;
                }
            }
            if !forced {
                break;
            }
        }
        budget.spend(work);
        self.rows_left.clear();
        self.rows_left
            .extend((0..nr as u32).filter(|&i| !self.covered[i as usize]));
        self.free.clear();
        self.free
            .extend((0..mc as u32).filter(|&j| !self.open[j as usize] && !self.closed[j as usize]));
        self.u.fill(0.0);
        if node.multipliers.len() == nr {
            for &i in &self.rows_left {
                self.u[i as usize] = f64::from(node.multipliers[i as usize]).max(0.0);
            }
        } else {
            // Start from the cheapest cost per row of each row's columns.
            for &i in &self.rows_left {
                let row = &self.red.rows[i as usize];
                self.u[i as usize] = row
                    .iter()
                    .filter(|&&j| !self.closed[j as usize])
                    .map(|&j| {
                        self.red.cost[j as usize] / self.red.cols[j as usize].len().max(1) as f64
                    })
                    .fold(f64::INFINITY, f64::min)
                    .min(1e12);
            }
        }
        for &j in &self.free {
            self.ybar[j as usize] = 0.0;
        }
        Some(node.open.iter().map(|&j| self.red.cost[j as usize]).sum())
    }

    /// `L(u)` over the node (without its open columns' cost) and the reduced costs.
    fn evaluate(&mut self, budget: &mut Budget) -> f64 {
        let mut value: f64 = self.rows_left.iter().map(|&i| self.u[i as usize]).sum();
        let mut work = (self.rows_left.len() + self.free.len()) as u64;
        for &j in &self.free {
            let col = &self.red.cols[j as usize];
            work += col.len() as u64;
            let s: f64 = col
                .iter()
                .filter(|&&i| !self.covered[i as usize])
                .map(|&i| self.u[i as usize])
                .sum();
            let rc = self.red.cost[j as usize] - s;
            self.rc[j as usize] = rc;
            if rc < 0.0 {
                value += rc;
            }
        }
        budget.spend(work);
        value
    }

    /// Greedy completion of the node's open columns plus those with a negative reduced cost,
    /// priced by `max(rc, 0) + ε c`, then redundancy elimination; scores the cover.
    fn heuristic(&mut self, node_open: &[u32], budget: &mut Budget) {
        let nr = self.red.rows.len();
        let mut work = 0u64;
        self.count.fill(0);
        let mut sel: Vec<u32> = node_open.to_vec();
        sel.extend(
            self.free
                .iter()
                .copied()
                .filter(|&j| self.rc[j as usize] < 0.0),
        );
        for &j in &sel {
            for &i in &self.red.cols[j as usize] {
                self.count[i as usize] += 1;
            }
            work += self.red.cols[j as usize].len() as u64;
        }
        let mut uncovered: usize = (0..nr).filter(|&i| self.count[i] == 0).count();
        while uncovered > 0 {
            let mut best: Option<(f64, u32)> = None;
            for &j in &self.free {
                if self.count_open(j, &sel) {
                    continue;
                }
                let col = &self.red.cols[j as usize];
                work += col.len() as u64;
                let gain = col.iter().filter(|&&i| self.count[i as usize] == 0).count();
                if gain == 0 {
                    continue;
                }
                let price = self.rc[j as usize].max(0.0) + 1e-6 * self.red.cost[j as usize];
                let score = price / gain as f64;
                if !matches!(best, Some((s, _)) if s <= score) {
                    best = Some((score, j));
                }
            }
            let Some((_, j)) = best else {
                budget.spend(work);
                return;
            };
            sel.push(j);
            for &i in &self.red.cols[j as usize] {
                if self.count[i as usize] == 0 {
                    uncovered -= 1;
                }
                self.count[i as usize] += 1;
            }
        }
        // Redundancy elimination, most expensive first.
        let cost = &self.red.cost;
        sel.sort_by(|&a, &b| {
            cost[b as usize]
                .total_cmp(&cost[a as usize])
                .then(a.cmp(&b))
        });
        let mut k = 0;
        while k < sel.len() {
            let j = sel[k] as usize;
            work += self.red.cols[j].len() as u64;
            if self.red.cols[j].iter().all(|&i| self.count[i as usize] > 1) {
                for &i in &self.red.cols[j] {
                    self.count[i as usize] -= 1;
                }
                sel.remove(k);
            } else {
                k += 1;
            }
        }
        budget.spend(2 * work);
        self.offer(sel);
    }

    fn count_open(&self, j: u32, sel: &[u32]) -> bool {
        self.open[j as usize] || sel.contains(&j)
    }

    /// Scores a cover (compact columns) and keeps it when better and feasible.
    fn offer(&mut self, mut sel: Vec<u32>) {
        let value = self.forced_cost + sel.iter().map(|&j| self.red.cost[j as usize]).sum::<f64>();
        if value >= self.inc_value - 1e-9 * value.abs().max(1.0) {
            return;
        }
        let full: Vec<usize> = self
            .red
            .forced
            .iter()
            .copied()
            .chain(sel.iter().map(|&j| self.red.orig[j as usize]))
            .collect();
        if !self.limits.feasible(&full) {
            return;
        }
        sel.sort_unstable();
        self.inc_value = value;
        self.inc = Some(sel);
    }

    /// Maximises `L(u)` at the node; the best multipliers stay in `best_u`.
    fn optimise(
        &mut self,
        node_open: &[u32],
        open_cost: f64,
        s: Settings,
        budget: &mut Budget,
    ) -> Option<f64> {
        let (mut stale, mut halvings) = (0, 0);
        let mut best = f64::NEG_INFINITY;
        let mut delta = 0.0f64;
        for &i in &self.rows_left {
            self.d[i as usize] = 0.0;
        }
        let base = self.forced_cost + open_cost;
        for it in 0..s.max_iterations {
            if budget.exhausted() {
                return None;
            }
            self.iterations += 1;
            let value = base + self.evaluate(budget);
            if value > best + 1e-12 * value.abs().max(1.0) {
                best = value;
                stale = 0;
                for &i in &self.rows_left {
                    self.best_u[i as usize] = self.u[i as usize];
                }
            } else {
                stale += 1;
                if stale >= s.patience {
                    delta /= 2.0;
                    halvings += 1;
                    stale = 0;
                }
            }
            if it % HEURISTIC_EVERY == 0 {
                self.heuristic(node_open, budget);
                if self.decided() {
                    return Some(best);
                }
            }
            let alpha = if it == 0 { 1.0 } else { AVERAGE };
            for &j in &self.free {
                let y = if self.rc[j as usize] < 0.0 { 1.0 } else { 0.0 };
                self.ybar[j as usize] = (1.0 - alpha) * self.ybar[j as usize] + alpha * y;
            }
            if !self.improves(best) || halvings > s.halvings {
                break;
            }
            // Subgradient of L (maximised): g_i = 1 − Σ_{j: rc_j < 0} [i ∈ N_j].
            for &i in &self.rows_left {
                self.g[i as usize] = 1.0;
            }
            let mut work = 2 * self.rows_left.len() as u64;
            for &j in &self.free {
                if self.rc[j as usize] < 0.0 {
                    let col = &self.red.cols[j as usize];
                    work += col.len() as u64;
                    for &i in col {
                        self.g[i as usize] -= 1.0;
                    }
                }
            }
            budget.spend(2 * work);
            let (mut dot, mut dn) = (0.0, 0.0);
            for &i in &self.rows_left {
                let i = i as usize;
                if self.g[i] < 0.0 && self.u[i] <= 0.0 {
                    self.g[i] = 0.0;
                }
                dot += self.g[i] * self.d[i];
                dn += self.d[i] * self.d[i];
            }
            let beta = if dot < 0.0 && dn > 0.0 {
                -1.5 * dot / dn
            } else {
                0.0
            };
            let mut norm = 0.0;
            for &i in &self.rows_left {
                let i = i as usize;
                let mut di = self.g[i] + beta * self.d[i];
                if di < 0.0 && self.u[i] <= 0.0 {
                    di = 0.0;
                }
                self.d[i] = di;
                norm += di * di;
            }
            if norm == 0.0 {
                break;
            }
            if it == 0 {
                let gap = if self.inc_value.is_finite() {
                    self.inc_value - best
                } else {
                    best.abs()
                };
                delta = s.first_level * gap.max(1.0);
            }
            let target = if self.inc_value.is_finite() {
                (best + delta).min(self.inc_value)
            } else {
                best + delta
            };
            let step = (target - value).max(1e-9 * value.abs().max(1.0)) / norm;
            for &i in &self.rows_left {
                let i = i as usize;
                self.u[i] = (self.u[i] + step * self.d[i]).max(0.0);
            }
        }
        Some(best)
    }

    fn process(
        &mut self,
        mut node: Node,
        seq: &mut u64,
        store: bool,
        budget: &mut Budget,
    ) -> NodeResult {
        let Some(open_cost) = self.setup(&mut node, budget) else {
            return NodeResult::Pruned;
        };
        let full: Vec<usize> = self
            .red
            .forced
            .iter()
            .copied()
            .chain(node.open.iter().map(|&j| self.red.orig[j as usize]))
            .collect();
        let mut closed_orig = vec![false; self.m];
        for (k, &j) in self.red.orig.iter().enumerate() {
            closed_orig[j] = self.closed[k];
        }
        if !self.limits.can_complete(&full, |j| !closed_orig[j]) {
            return NodeResult::Pruned;
        }
        if self.rows_left.is_empty() {
            self.offer(node.open.clone());
            return NodeResult::Leaf;
        }
        let settings = if node.depth == 0 {
            ROOT
        } else {
            super::tree::NODE
        };
        let node_open = node.open.clone();
        let Some(bound) = self.optimise(&node_open, open_cost, settings, budget) else {
            return NodeResult::Interrupted(node.bound);
        };
        let bound = bound.max(node.bound);
        if self.decided() || !self.improves(bound) {
            return NodeResult::Pruned;
        }
        // Reduced-cost fixing at the best multipliers.
        for &i in &self.rows_left {
            self.u[i as usize] = self.best_u[i as usize];
        }
        let value = self.forced_cost + open_cost + self.evaluate(budget);
        let mut open = node.open.clone();
        let mut closed_list = node.closed.clone();
        for &j in &self.free {
            let rc = self.rc[j as usize];
            if rc >= 0.0 {
                if !self.improves(value + rc) {
                    closed_list.push(j);
                }
            } else if !self.improves(value - rc) {
                open.push(j);
            }
        }
        let left: Vec<u32> = self
            .free
            .iter()
            .copied()
            .filter(|j| !open.contains(j) && !closed_list.contains(j))
            .collect();
        let depth = node.depth + 1;
        if left.is_empty() {
            // Everything decided: the node's cover is settled by propagation.
            let leaf = Node {
                bound,
                depth,
                seq: *seq,
                open,
                closed: closed_list,
                multipliers: Vec::new(),
            };
            return match self.setup_leaf(leaf, budget) {
                true => NodeResult::Leaf,
                false => NodeResult::Pruned,
            };
        }
        // Branch on the column ȳ most nearly opens (ties: smaller reduced cost, lower index).
        let rc = &self.rc;
        let pick = super::tree::most_nearly_open(&left, &self.ybar, |a, b| {
            rc[b as usize].total_cmp(&rc[a as usize])
        });
        let (zero, one) = Node::children(
            bound,
            depth,
            seq,
            (open, closed_list),
            pick,
            store.then_some(&self.best_u[..]),
        );
        NodeResult::Branch(Box::new((zero, one)))
    }

    /// A node with every column decided: scores its cover when the open columns cover all
    /// rows; returns whether they do.
    fn setup_leaf(&mut self, mut leaf: Node, budget: &mut Budget) -> bool {
        if self.setup(&mut leaf, budget).is_none() || !self.rows_left.is_empty() {
            return false;
        }
        self.offer(leaf.open);
        true
    }
}

/// Solves a set-covering instance exactly (within the budget). `limits` (over the original
/// columns) are checked on every cover and prune nodes that cannot be completed; `incumbent`
/// is a known cover; with `cutoff`, the search stops as soon as a cover of at most that cost is
/// found (`complete` then means "decided").
pub(crate) fn solve(
    inst: &Instance,
    limits: &Limits,
    incumbent: Option<(Vec<usize>, f64)>,
    cutoff: Option<f64>,
    budget: &mut Budget,
) -> Outcome {
    let infeasible = Outcome {
        best: None,
        bound: f64::INFINITY,
        complete: true,
        nodes: 0,
        iterations: 0,
    };
    let dominate = !limits.has_groups();
    let Some(red) = reduce(inst, dominate, budget) else {
        return infeasible;
    };
    let integral = inst.cost.iter().all(|c| c.fract() == 0.0);
    let (nr, mc) = (red.rows.len(), red.cost.len());
    let forced_cost: f64 = red.forced.iter().map(|&j| inst.cost[j]).sum();
    let mut tree = Tree {
        red: &red,
        limits,
        integral,
        forced_cost,
        open: vec![false; mc],
        closed: vec![false; mc],
        covered: vec![false; nr],
        rows_left: Vec::new(),
        free: Vec::new(),
        u: vec![0.0; nr],
        best_u: vec![0.0; nr],
        g: vec![0.0; nr],
        d: vec![0.0; nr],
        rc: vec![0.0; mc],
        ybar: vec![0.0; mc],
        count: vec![0; nr],
        iterations: 0,
        inc_value: f64::INFINITY,
        inc: None,
        cutoff: f64::NEG_INFINITY,
        m: inst.cost.len(),
    };
    // A virtual incumbent just above the cutoff turns the search into a decision.
    if let Some(c) = cutoff {
        tree.cutoff = c;
        tree.inc_value = if integral {
            c.floor() + 1.0
        } else {
            c * (1.0 + 1e-9) + 1e-12
        };
    }
    let mut known: Option<(Vec<usize>, f64)> = None;
    if let Some((sel, v)) = incumbent {
        if v < tree.inc_value {
            tree.inc_value = v;
            known = Some((sel, v));
        }
    }
    let mut heap = BinaryHeap::new();
    heap.push(Node {
        bound: forced_cost,
        depth: 0,
        seq: 0,
        open: Vec::new(),
        closed: Vec::new(),
        multipliers: Vec::new(),
    });
    let (mut seq, mut nodes) = (0u64, 0u64);
    let mut interrupted: Option<f64> = None;
    while let Some(node) = heap.pop() {
        if tree.decided() {
            break;
        }
        if !tree.improves(node.bound) {
            continue;
        }
        if budget.exhausted() {
            interrupted = Some(node.bound);
            break;
        }
        nodes += 1;
        let store = heap.len().saturating_add(2).saturating_mul(nr) <= MAX_STORED_MULTIPLIERS;
        match tree.process(node, &mut seq, store, budget) {
            NodeResult::Pruned | NodeResult::Leaf => {}
            NodeResult::Interrupted(b) => {
                interrupted = Some(b);
                break;
            }
            NodeResult::Branch(children) => {
                let (a, b) = *children;
                for c in [a, b] {
                    if c.bound.is_finite() {
                        heap.push(c);
                    }
                }
            }
        }
    }
    let decided = tree.decided();
    let open_min = heap
        .iter()
        .filter(|nd| tree.improves(nd.bound))
        .map(|nd| nd.bound)
        .fold(f64::INFINITY, f64::min);
    let complete = decided || (interrupted.is_none() && open_min == f64::INFINITY);
    let best = match tree.inc.take() {
        Some(sel) => {
            let mut cols: Vec<usize> = red
                .forced
                .iter()
                .copied()
                .chain(sel.iter().map(|&j| red.orig[j as usize]))
                .collect();
            cols.sort_unstable();
            Some((cols, tree.inc_value))
        }
        None => known,
    };
    let best_value = best.as_ref().map_or(f64::INFINITY, |b| b.1);
    let bound = if complete && !decided {
        // Exhausted: the incumbent (or, without one, infeasibility up to the cutoff) is proven.
        match cutoff {
            Some(c) if best.is_none() => {
                if integral {
                    c.floor() + 1.0
                } else {
                    c
                }
            }
            _ => best_value,
        }
    } else {
        interrupted
            .unwrap_or(f64::INFINITY)
            .min(open_min)
            .min(best_value)
            .max(forced_cost)
    };
    Outcome {
        best,
        bound,
        complete,
        nodes,
        iterations: tree.iterations,
    }
}
