//! Exact maximal covering: reduction, Lagrangian bound and branch-and-bound.
//!
//! ## Reduction
//!
//! Demands already covered by a fixed-open site count once ("base") and leave the model, as do
//! demands no selectable candidate covers. Demands with the same set of covering candidates
//! are merged into one row (weights added). Without a budget or group limits, a candidate whose
//! covered set is contained in another's is dominated — swapping it for the other never covers
//! less — and is removed (of two equal sets the later index goes); rows are merged again after
//! each round. The optimum is unchanged.
//!
//! ## Bound
//!
//! Relaxing the coverage constraints `z_i ≤ Σ_{j ∈ N_i} y_j` with multipliers `μ_i ∈ [0, w_i]`
//! gives (Church & ReVelle 1974's model; Galvão & ReVelle 1996, "A Lagrangean heuristic for the
//! maximal covering location problem", *EJOR* 88, 114–123)
//!
//! `L(μ) = Σ_i (w_i − μ_i) + Σ_{j ∈ T(μ)} c_j(μ)`, `c_j(μ) = Σ_{i ∈ N_j} μ_i`,
//!
//! `T(μ)` the (at most) `p` largest `c_j` (under a budget the smaller of that and the
//! fractional knapsack of the `c_j` within the budget). Every `μ` in the box gives an upper
//! bound; `L(0)` is the coverable demand, so the best bound never exceeds it, and since the
//! subproblem has the integrality property, `min_μ L(μ)` equals the LP relaxation. It is
//! minimised by projected subgradient steps `μ ← Π(μ − t d)` along the subgradient
//! `g_i = Σ_{j ∈ T} [i ∈ N_j] − 1` deflected by the previous direction (Camerini, Fratta &
//! Maffioli 1975), with a Polyak step towards a target level that is lowered when progress
//! stalls (Held, Wolfe & Crowder 1974; Brännlund 1995). The bound taken is the smallest `L(μ)`
//! evaluated — valid whatever the convergence, since `L(μ)` is computed exactly for the `μ`
//! at hand. A running average of the subproblem
//! solutions `ȳ` estimates the LP solution, as in the volume algorithm (Barahona & Anbil 2000,
//! *Math. Programming* 87, 385–399); it guides branching.
//!
//! ## Branch-and-bound
//!
//! Best-first over nodes that fix candidates open or closed, each re-optimising `μ` warm-started
//! from its parent. At a node's best `μ`, *reduced-cost fixing* (as in Beasley 1993 for the
//! p-median) closes a free candidate `j ∉ T` when `L + c_j − c_[p]` (the bound with `j` forced
//! in) cannot beat the incumbent, and forces open `j ∈ T` when `L − c_j + c_[p+1]` cannot; with
//! integer weights "beat" means by at least 1. The root's reduced costs fix candidates for the
//! whole tree again whenever the incumbent improves. The node then branches on the candidate
//! with the largest `ȳ_j` below 1. Every subproblem selection is a feasible solution and is scored
//! exactly. When the tree is exhausted the incumbent is optimal; otherwise the largest bound of
//! an open node bounds the optimum. Budget and group limits are respected by every incumbent
//! and prune nodes that cannot be completed; the bound ignores the group limits (valid, weaker).

use super::budget::Budget;
use super::constraints::{Limits, Tally};
use super::tree::Settings;
use super::{GroupLimit, Problem, SolveError, SparseCosts, Transposed};
use std::collections::BinaryHeap;

/// The MCLP after reduction: aggregated rows (cost 0 to each covering candidate, so radius 0),
/// the reduced problem and the map back to the original candidates.
pub(crate) struct Reduced {
    /// Aggregated demand rows over the kept candidates.
    pub(crate) costs: SparseCosts,
    /// `p`, site costs, budget and groups over the kept candidates; nothing fixed.
    pub(crate) problem: Problem,
    /// Original index of each kept candidate.
    pub(crate) orig: Vec<usize>,
    /// Weight covered by the fixed-open sites.
    pub(crate) base: f64,
}

/// Merges rows with equal candidate sets (sorted lists), summing weights. Deterministic.
fn aggregate(lists: &mut Vec<(Vec<u32>, f64)>) {
    lists.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<(Vec<u32>, f64)> = Vec::with_capacity(lists.len());
    for (l, w) in lists.drain(..) {
        match out.last_mut() {
            Some(last) if last.0 == l => last.1 += w,
            _ => out.push((l, w)),
        }
    }
    *lists = out;
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

/// Marks dominated and useless candidates dead; returns how many.
fn dominated(lists: &[(Vec<u32>, f64)], alive: &mut [bool]) -> usize {
    let m = alive.len();
    let mut cols: Vec<Vec<u32>> = vec![Vec::new(); m];
    for (r, (l, _)) in lists.iter().enumerate() {
        for &j in l {
            cols[j as usize].push(r as u32);
        }
    }
    let mut removed = 0;
    for j in 0..m {
        if !alive[j] {
            continue;
        }
        if cols[j].is_empty() {
            alive[j] = false;
            removed += 1;
            continue;
        }
        let pivot = cols[j]
            .iter()
            .copied()
            .min_by_key(|&r| (lists[r as usize].0.len(), r))
            .unwrap_or(0) as usize;
        for &k in &lists[pivot].0 {
            let k = k as usize;
            if k == j || !alive[k] {
                continue;
            }
            let (lj, lk) = (cols[j].len(), cols[k].len());
            if lk < lj || (lk == lj && k > j) {
                continue;
            }
            if subset(&cols[j], &cols[k]) {
                alive[j] = false;
                removed += 1;
                break;
            }
        }
    }
    removed
}

/// Reduces an MCLP whose `rows` are already restricted to the radius (see the module docs).
pub(crate) fn reduce(
    rows: &SparseCosts,
    problem: &Problem,
    limits: &Limits,
) -> Result<Reduced, SolveError> {
    let (n, m) = (rows.n(), rows.m());
    let w = rows.weights();
    let fixed = problem.fixed_mask(m);
    let mut alive: Vec<bool> = (0..m).map(|j| limits.selectable(j)).collect();
    let mut base = 0.0;
    let mut lists: Vec<(Vec<u32>, f64)> = Vec::new();
    for (i, &wi) in w.iter().enumerate().take(n) {
        if wi <= 0.0 {
            continue;
        }
        let (cands, _) = rows.row_slices(i);
        if cands.iter().any(|&j| fixed[j as usize]) {
            base += wi;
            continue;
        }
        let mut l: Vec<u32> = cands
            .iter()
            .copied()
            .filter(|&j| alive[j as usize])
            .collect();
        if !l.is_empty() {
            l.sort_unstable();
            lists.push((l, wi));
        }
    }
    aggregate(&mut lists);
    if !limits.has_budget() && !limits.has_groups() {
        for _ in 0..8 {
            if dominated(&lists, &mut alive) == 0 {
                break;
            }
            for (l, _) in lists.iter_mut() {
                l.retain(|&j| alive[j as usize]);
            }
            lists.retain(|(l, _)| !l.is_empty());
            aggregate(&mut lists);
        }
    }
    let orig: Vec<usize> = (0..m).filter(|&j| alive[j]).collect();
    let mut index = vec![usize::MAX; m];
    for (k, &j) in orig.iter().enumerate() {
        index[j] = k;
    }
    let weights: Vec<f64> = lists.iter().map(|(_, w)| *w).collect();
    let rl: Vec<Vec<(usize, f64)>> = lists
        .iter()
        .map(|(l, _)| l.iter().map(|&j| (index[j as usize], 0.0)).collect())
        .collect();
    let costs = SparseCosts::from_lists(weights, orig.len(), rl)?;
    let reduced = Problem {
        fixed_open: Vec::new(),
        radius: 0.0,
        capacities: None,
        site_cost: problem
            .site_cost
            .as_ref()
            .map(|c| orig.iter().map(|&j| c[j]).collect()),
        groups: problem
            .groups
            .iter()
            .map(|g| GroupLimit {
                candidates: g
                    .candidates
                    .iter()
                    .filter(|&&j| index[j] != usize::MAX)
                    .map(|&j| index[j])
                    .collect(),
                min: g.min,
                max: g.max,
            })
            .collect(),
        unserved_cost: None,
        coverage_target: None,
        ..problem.clone()
    };
    Ok(Reduced {
        costs,
        problem: reduced,
        orig,
        base,
    })
}

/// Settings for the root node: a long first optimisation of the multipliers.
const ROOT: Settings = Settings {
    first_level: 0.5,
    patience: 50,
    halvings: 20,
    max_iterations: 5000,
};

/// Nodes polish their best selection by swap descent when it is within this share of the
/// incumbent.
const POLISH_WINDOW: f64 = 0.003;

/// Weight of the running average `ȳ` given to the newest subproblem solution.
const AVERAGE: f64 = 0.1;

/// Most multiplier values (f32) kept in open nodes before new nodes restart from the root's.
const MAX_STORED_MULTIPLIERS: usize = 40_000_000;

type Node = super::tree::Node<false>;

/// The best selection known (reduced indices) and its covered weight.
pub(crate) struct Incumbent {
    pub(crate) value: f64,
    pub(crate) selection: Option<Vec<usize>>,
}

/// What the tree search returns.
pub(crate) struct TreeOutcome {
    /// Upper bound on the reduced optimum.
    pub(crate) bound: f64,
    /// Whether the tree was exhausted (the incumbent is optimal).
    pub(crate) complete: bool,
    /// Nodes processed.
    pub(crate) nodes: u64,
    /// Subgradient iterations.
    pub(crate) iterations: u64,
}

/// Scratch state of the relaxation, reused by every node.
struct Relax<'a> {
    costs: &'a SparseCosts,
    cols: &'a Transposed,
    limits: &'a Limits,
    w: &'a [f64],
    integral: bool,
    /// Bound and fixing may use the plain top-`p` selection (no budget, no groups).
    simple: bool,
    /// The groups are laminar: the bound's selection respects their maxima exactly (a laminar
    /// matroid, greedy by decreasing `c_j`).
    laminar: bool,
    /// Group counts of the node's open candidates.
    base: Tally,
    /// Scratch counts for the greedy.
    tally: Tally,
    /// The last bound without the budget's knapsack: the matroid part, used for fixing.
    top_value: f64,
    open: Vec<bool>,
    closed: Vec<bool>,
    cov: Vec<u32>,
    active: Vec<u32>,
    is_active: Vec<bool>,
    free: Vec<u32>,
    c: Vec<f64>,
    mu: Vec<f64>,
    best_mu: Vec<f64>,
    g: Vec<f64>,
    d: Vec<f64>,
    ybar: Vec<f64>,
    mark: Vec<bool>,
    chosen: Vec<(u32, f64)>,
    last_scored: Vec<u32>,
    /// Best selection scored in the current node, and its value.
    node_best: Option<(f64, Vec<usize>)>,
    /// The root's reduced costs, for fixing in the whole tree as the incumbent improves.
    root: Option<RootFixing>,
    order: Vec<u32>,
    iterations: u64,
}

/// The root's bound and reduced costs at its best multipliers (`c` is NaN for candidates that
/// were not free at the root).
struct RootFixing {
    value: f64,
    c: Vec<f64>,
    in_t: Vec<bool>,
    /// Per candidate outside `T`: what forcing it in must give up (the smallest `c` of `T`
    /// when `T + j` breaks a limit, else 0).
    give_up: Vec<f64>,
    /// The largest `c` outside `T` (what may replace a member of `T` forced out).
    best_out: f64,
}

/// Candidates every improving selection must contain / must avoid, from the root's reduced
/// costs and the current incumbent (reduced-cost fixing valid for the whole tree).
fn global_fixing(relax: &Relax<'_>, incumbent: f64, open: &mut [bool], closed: &mut [bool]) {
    let Some(r) = &relax.root else {
        return;
    };
    for j in 0..r.c.len() {
        let cj = r.c[j];
        if cj.is_nan() {
            continue;
        }
        if r.in_t[j] {
            open[j] |= !relax.improves(r.value - cj + r.best_out, incumbent);
        } else {
            closed[j] |= !relax.improves(r.value + cj - r.give_up[j], incumbent);
        }
    }
}

/// Adds the global fixings to a node; `false` when they contradict its own (prune it).
fn apply_fixing(node: &mut Node, open: &[bool], closed: &[bool]) -> bool {
    for &j in &node.open {
        if closed[j as usize] {
            return false;
        }
    }
    for &j in &node.closed {
        if open[j as usize] {
            return false;
        }
    }
    for j in 0..open.len() {
        let ju = j as u32;
        if open[j] && !node.open.contains(&ju) {
            node.open.push(ju);
        } else if closed[j] && !node.closed.contains(&ju) {
            node.closed.push(ju);
        }
    }
    true
}

/// The outcome of one node.
enum NodeResult {
    /// Cannot beat the incumbent (or cannot be completed feasibly).
    Pruned,
    /// Fully decided; its value was scored.
    Leaf,
    /// The budget ran out during the node: push it back with this bound.
    Interrupted(f64),
    /// Two children.
    Branch(Box<(Node, Node)>),
}

impl<'a> Relax<'a> {
    fn new(costs: &'a SparseCosts, cols: &'a Transposed, limits: &'a Limits) -> Self {
        let (n, m) = (costs.n(), costs.m());
        Relax {
            costs,
            cols,
            limits,
            w: costs.weights(),
            integral: costs.weights_integral(),
            simple: !limits.has_budget() && !limits.has_groups(),
            laminar: limits.has_groups() && limits.groups_laminar(),
            base: limits.tally(),
            tally: limits.tally(),
            top_value: f64::INFINITY,
            open: vec![false; m],
            closed: vec![false; m],
            cov: vec![0; n],
            active: Vec::new(),
            is_active: vec![false; n],
            free: Vec::new(),
            c: vec![0.0; m],
            mu: vec![0.0; n],
            best_mu: vec![0.0; n],
            g: vec![0.0; n],
            d: vec![0.0; n],
            ybar: vec![0.0; m],
            mark: vec![false; n],
            chosen: Vec::new(),
            last_scored: Vec::new(),
            node_best: None,
            root: None,
            order: Vec::new(),
            iterations: 0,
        }
    }

    /// Whether a bound may still beat the incumbent (by 1 with integer weights).
    fn improves(&self, bound: f64, incumbent: f64) -> bool {
        if self.integral {
            bound >= incumbent + 1.0 - 1e-6
        } else {
            bound > incumbent + 1e-9 * incumbent.abs().max(1.0)
        }
    }

    /// Sets up the node's masks, coverage by its open sites, active demands and free
    /// candidates; returns the weight its open sites cover.
    fn setup(&mut self, node: &Node, budget: &mut Budget) -> f64 {
        let n = self.costs.n();
        self.open.fill(false);
        self.closed.fill(false);
        for &j in &node.open {
            self.open[j as usize] = true;
        }
        for &j in &node.closed {
            self.closed[j as usize] = true;
        }
        self.cov.fill(0);
        let mut covered = 0.0;
        let mut work = (n + self.open.len()) as u64;
        for &j in &node.open {
            let col = self.cols.demands_of(j as usize);
            work += col.len() as u64;
            for &i in col {
                let i = i as usize;
                if self.cov[i] == 0 {
                    covered += self.w[i];
                }
                self.cov[i] += 1;
            }
        }
        self.free.clear();
        for j in 0..self.open.len() {
            if !self.open[j] && !self.closed[j] && self.limits.selectable(j) {
                self.free.push(j as u32);
            }
        }
        self.is_active.fill(false);
        for &j in &self.free {
            let col = self.cols.demands_of(j as usize);
            work += col.len() as u64;
            for &i in col {
                if self.cov[i as usize] == 0 {
                    self.is_active[i as usize] = true;
                }
            }
        }
        self.active.clear();
        for i in 0..n {
            if self.is_active[i] && self.w[i] > 0.0 {
                self.active.push(i as u32);
            } else {
                self.is_active[i] = false;
            }
        }
        self.mu.fill(0.0);
        if node.multipliers.len() == n {
            for &i in &self.active {
                let i = i as usize;
                self.mu[i] = f64::from(node.multipliers[i]).clamp(0.0, self.w[i]);
            }
        } else {
            for &i in &self.active {
                self.mu[i as usize] = self.w[i as usize];
            }
        }
        for &j in &self.free {
            self.ybar[j as usize] = 0.0;
        }
        budget.spend(work);
        covered
    }

    /// `c_j` of the free candidates at `mu`, and the bound with the selection in `chosen`.
    fn evaluate(&mut self, k: usize, spent: f64, budget: &mut Budget) -> f64 {
        let mut work = (self.active.len() + self.free.len()) as u64;
        for &j in &self.free {
            let col = self.cols.demands_of(j as usize);
            work += col.len() as u64;
            self.c[j as usize] = col.iter().map(|&i| self.mu[i as usize]).sum();
        }
        budget.spend(work);
        let mut value: f64 = self
            .active
            .iter()
            .map(|&i| self.w[i as usize] - self.mu[i as usize])
            .sum();
        self.order.clear();
        self.order.extend(
            self.free
                .iter()
                .copied()
                .filter(|&j| self.c[j as usize] > 0.0),
        );
        let c = &self.c;
        let by_value = |a: &u32, b: &u32| c[*b as usize].total_cmp(&c[*a as usize]).then(a.cmp(b));
        if self.laminar {
            // Greedy over the laminar matroid of `k` and the group maxima left by the node.
            self.order.sort_unstable_by(by_value);
            budget.spend(4 * self.order.len() as u64 + 1);
            self.tally.clone_from(&self.base);
            let mut kept = 0;
            for r in 0..self.order.len() {
                if kept == k {
                    break;
                }
                let j = self.order[r];
                if self.limits.fits_groups(&self.tally, j as usize) {
                    self.limits.add(&mut self.tally, j as usize);
                    self.order[kept] = j;
                    kept += 1;
                }
            }
            self.order.truncate(kept);
        } else if self.order.len() > k {
            if k > 0 {
                self.order.select_nth_unstable_by(k - 1, by_value);
            }
            self.order.truncate(k);
        }
        self.order.sort_unstable();
        let c = &self.c;
        let top: f64 = self.order.iter().map(|&j| c[j as usize]).sum();
        self.top_value = value + top;
        self.chosen.clear();
        let knap = if self.limits.has_budget() {
            self.knapsack(spent)
        } else {
            None
        };
        match knap {
            Some(v) if v < top => value += v,
            _ => {
                self.chosen.extend(self.order.iter().map(|&j| (j, 1.0)));
                value += top;
            }
        }
        value
    }

    /// Fractional knapsack of the `c_j` within the budget left (fills `chosen` when smaller
    /// than nothing else: the caller compares).
    fn knapsack(&mut self, spent: f64) -> Option<f64> {
        let left0 = self.limits.budget_left(spent)?;
        let mut items: Vec<u32> = self
            .free
            .iter()
            .copied()
            .filter(|&j| self.c[j as usize] > 0.0)
            .collect();
        let c = &self.c;
        let lim = self.limits;
        let density = |j: u32| c[j as usize] / lim.site_cost(j as usize).max(1e-12);
        items.sort_by(|&a, &b| density(b).total_cmp(&density(a)).then(a.cmp(&b)));
        let (mut left, mut value) = (left0, 0.0);
        let mut chosen = Vec::new();
        for j in items {
            let cost = lim.site_cost(j as usize);
            if cost <= left {
                left -= cost;
                value += c[j as usize];
                chosen.push((j, 1.0));
            } else {
                let f = if cost > 0.0 { left / cost } else { 1.0 };
                value += c[j as usize] * f;
                chosen.push((j, f));
                break;
            }
        }
        let top: f64 = self.order.iter().map(|&j| c[j as usize]).sum();
        if value < top {
            self.chosen = chosen;
        }
        Some(value)
    }

    /// Scores `open ∪ chosen` exactly when it is a new, feasible selection; updates the
    /// incumbent. `covered` is the weight of the node's open sites.
    fn score(&mut self, node_open: &[u32], covered: f64, inc: &mut Incumbent, budget: &mut Budget) {
        if self.chosen.iter().any(|&(_, f)| f < 1.0) {
            return;
        }
        let mut sel: Vec<u32> = self.chosen.iter().map(|&(j, _)| j).collect();
        sel.sort_unstable();
        if sel == self.last_scored {
            return;
        }
        self.last_scored.clone_from(&sel);
        let mut full: Vec<usize> = node_open.iter().map(|&j| j as usize).collect();
        full.extend(sel.iter().map(|&j| j as usize));
        if !self.limits.feasible(&full) {
            return;
        }
        let mut value = covered;
        let mut work = 0u64;
        for &j in &sel {
            let col = self.cols.demands_of(j as usize);
            work += col.len() as u64;
            for &i in col {
                let i = i as usize;
                if self.is_active[i] && !self.mark[i] {
                    self.mark[i] = true;
                    value += self.w[i];
                }
            }
        }
        for &j in &sel {
            for &i in self.cols.demands_of(j as usize) {
                self.mark[i as usize] = false;
            }
        }
        budget.spend(2 * work);
        full.sort_unstable();
        if !matches!(&self.node_best, Some((v, _)) if *v >= value) {
            self.node_best = Some((value, full.clone()));
        }
        if value > inc.value + 1e-9 * value.abs().max(1.0) {
            inc.value = value;
            inc.selection = Some(full);
        }
    }

    /// Swap descent from the node's best scored selection when it is close to the incumbent
    /// (always at the root); a better local optimum becomes the incumbent.
    fn polish(&mut self, depth: u32, inc: &mut Incumbent, budget: &mut Budget) {
        let Some((value, sel)) = self.node_best.take() else {
            return;
        };
        if depth > 0 && value < inc.value - POLISH_WINDOW * inc.value.abs() {
            return;
        }
        let (sel, value) = super::mclp::polish(self.costs, self.cols, self.limits, &sel, budget);
        if value > inc.value + 1e-9 * value.abs().max(1.0) && self.limits.feasible(&sel) {
            inc.value = value;
            inc.selection = Some(sel);
        }
    }

    /// Optimises the multipliers of the node; returns the best bound (the best multipliers are
    /// left in `best_mu`) or `None` when the budget ran out.
    ///
    /// Projected subgradient steps with a *target level* (Brännlund 1995):
    /// `t = (L − target) / ‖d‖²` with `target = max(incumbent, best − δ)`, `δ` halved after
    /// `patience` iterations without a better bound; the direction `d` is deflected
    /// (Camerini, Fratta & Maffioli 1975): `d = g + β d_prev`, `β = −1.5 g·d_prev / ‖d_prev‖²`
    /// when the two point against each other.
    #[allow(clippy::too_many_arguments)]
    fn optimise(
        &mut self,
        node: &Node,
        covered: f64,
        k: usize,
        spent: f64,
        s: Settings,
        inc: &mut Incumbent,
        budget: &mut Budget,
    ) -> Option<f64> {
        let (mut stale, mut halvings) = (0, 0);
        let mut best = f64::INFINITY;
        let mut delta = 0.0f64;
        for &i in &self.active {
            self.d[i as usize] = 0.0;
        }
        self.last_scored.clear();
        for it in 0..s.max_iterations {
            if budget.exhausted() {
                return None;
            }
            self.iterations += 1;
            let value = covered + self.evaluate(k, spent, budget);
            let sig = 1e-12 * value.abs().max(1.0);
            if value < best - 1e-12 * value.abs().max(1.0) {
                if value < best - sig {
                    stale = 0;
                } else {
                    stale += 1;
                }
                best = value;
                for &i in &self.active {
                    self.best_mu[i as usize] = self.mu[i as usize];
                }
                if stale >= s.patience {
                    delta /= 2.0;
                    halvings += 1;
                    stale = 0;
                }
            } else {
                stale += 1;
                if stale >= s.patience {
                    delta /= 2.0;
                    halvings += 1;
                    stale = 0;
                }
            }
            if it % 4 == 0 {
                self.score(&node.open, covered, inc, budget);
            }
            let alpha = if it == 0 { 1.0 } else { AVERAGE };
            for &j in &self.free {
                self.ybar[j as usize] *= 1.0 - alpha;
            }
            for &(j, f) in &self.chosen {
                self.ybar[j as usize] += alpha * f;
            }
            if !self.improves(best, inc.value) || halvings > s.halvings {
                break;
            }
            // Projected subgradient of L (minimised): g_i = Σ_{j ∈ T} [i ∈ N_j] − 1.
            for &i in &self.active {
                self.g[i as usize] = -1.0;
            }
            let mut work = 3 * self.active.len() as u64;
            for &(j, f) in &self.chosen {
                let col = self.cols.demands_of(j as usize);
                work += col.len() as u64;
                for &i in col {
                    self.g[i as usize] += f;
                }
            }
            budget.spend(2 * work);
            let (mut dot, mut dn) = (0.0, 0.0);
            for &i in &self.active {
                let i = i as usize;
                let gi = self.g[i];
                if (gi > 0.0 && self.mu[i] <= 0.0) || (gi < 0.0 && self.mu[i] >= self.w[i]) {
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
            for &i in &self.active {
                let i = i as usize;
                let mut di = self.g[i] + beta * self.d[i];
                if (di > 0.0 && self.mu[i] <= 0.0) || (di < 0.0 && self.mu[i] >= self.w[i]) {
                    di = 0.0;
                }
                self.d[i] = di;
                norm += di * di;
            }
            if norm == 0.0 {
                break;
            }
            if it == 0 {
                delta = s.first_level * (best - inc.value).max(1.0);
            }
            let target = (best - delta).max(inc.value);
            let step = (value - target).max(1e-9 * value.abs().max(1.0)) / norm;
            for &i in &self.active {
                let i = i as usize;
                self.mu[i] = (self.mu[i] - step * self.d[i]).clamp(0.0, self.w[i]);
            }
        }
        for &i in &self.active {
            self.g[i as usize] = 0.0;
        }
        Some(best)
    }

    /// Processes one node (see the module docs).
    fn process(
        &mut self,
        node: Node,
        seq: &mut u64,
        store_mu: bool,
        inc: &mut Incumbent,
        budget: &mut Budget,
    ) -> NodeResult {
        let open_now: Vec<usize> = node.open.iter().map(|&j| j as usize).collect();
        let covered = self.setup(&node, budget);
        self.base = self.limits.tally_of(&open_now);
        let closed_mask = &self.closed;
        if !self.limits.can_complete(&open_now, |j| !closed_mask[j]) {
            return NodeResult::Pruned;
        }
        let k = self.limits.p.saturating_sub(node.open.len());
        let spent: f64 = open_now.iter().map(|&j| self.limits.site_cost(j)).sum();
        // Nothing left to decide: score the open sites.
        if k == 0 || self.free.is_empty() {
            self.chosen.clear();
            self.last_scored.clear();
            self.last_scored.push(u32::MAX);
            self.score(&node.open, covered, inc, budget);
            return NodeResult::Leaf;
        }
        let settings = if node.depth == 0 {
            ROOT
        } else {
            super::tree::NODE
        };
        self.node_best = None;
        let Some(bound) = self.optimise(&node, covered, k, spent, settings, inc, budget) else {
            return NodeResult::Interrupted(node.bound);
        };
        self.polish(node.depth, inc, budget);
        if node.depth == 0 {
            // Round the averaged relaxed solution: the k largest ȳ_j, then swap descent.
            let mut order = self.free.clone();
            let ybar = &self.ybar;
            order.sort_by(|&a, &b| {
                ybar[b as usize]
                    .total_cmp(&ybar[a as usize])
                    .then(a.cmp(&b))
            });
            let mut sel: Vec<usize> = node.open.iter().map(|&j| j as usize).collect();
            sel.extend(order.iter().take(k).map(|&j| j as usize));
            if self.limits.feasible(&sel) {
                let (sel, value) =
                    super::mclp::polish(self.costs, self.cols, self.limits, &sel, budget);
                if value > inc.value + 1e-9 * value.abs().max(1.0) && self.limits.feasible(&sel) {
                    inc.value = value;
                    inc.selection = Some(sel);
                }
            }
        }
        let bound = bound.min(node.bound);
        if !self.improves(bound, inc.value) {
            return NodeResult::Pruned;
        }
        // Reduced-cost fixing at the best multipliers.
        for &i in &self.active {
            self.mu[i as usize] = self.best_mu[i as usize];
        }
        self.evaluate(k, spent, budget);
        let mut open = node.open.clone();
        let mut closed = node.closed.clone();
        if !self.limits.has_groups() || self.laminar {
            // The selection `T` in `order` is a maximum-weight independent set of a matroid
            // (top `k`, or the laminar one of the group maxima), so forcing `j ∉ T` in gives up
            // at least the smallest `c` of `T` when `T + j` breaks a limit (nothing otherwise),
            // and forcing `j ∈ T` out gains at most the largest `c` outside `T`. Valid with a
            // budget too: `top_value` (the bound without the knapsack) is itself a bound.
            let value = covered + self.top_value;
            let c = &self.c;
            let t_count = self.order.len();
            let in_t: Vec<bool> = {
                let mut v = vec![false; self.open.len()];
                for &j in &self.order {
                    v[j as usize] = true;
                }
                v
            };
            let smallest_in = self
                .order
                .iter()
                .map(|&j| c[j as usize])
                .fold(f64::INFINITY, f64::min);
            let best_out = self
                .free
                .iter()
                .filter(|&&j| !in_t[j as usize])
                .map(|&j| c[j as usize].max(0.0))
                .fold(0.0, f64::max);
            self.tally.clone_from(&self.base);
            for &j in &self.order {
                self.limits.add(&mut self.tally, j as usize);
            }
            let give_up = |j: u32| {
                let fits = t_count < k
                    && (!self.laminar || self.limits.fits_groups(&self.tally, j as usize));
                if fits || t_count == 0 {
                    0.0
                } else {
                    smallest_in
                }
            };
            let mut root_give_up = if node.depth == 0 {
                vec![0.0; self.open.len()]
            } else {
                Vec::new()
            };
            for &j in &self.free {
                let cj = c[j as usize];
                if in_t[j as usize] {
                    if !self.improves(value - cj + best_out, inc.value) {
                        open.push(j);
                    }
                } else {
                    let g = give_up(j);
                    if node.depth == 0 {
                        root_give_up[j as usize] = g;
                    }
                    if !self.improves(value + cj - g, inc.value) {
                        closed.push(j);
                    }
                }
            }
            budget.spend(4 * self.free.len() as u64);
            if node.depth == 0 {
                let mut cs = vec![f64::NAN; self.open.len()];
                for &j in &self.free {
                    cs[j as usize] = c[j as usize];
                }
                self.root = Some(RootFixing {
                    value,
                    c: cs,
                    in_t,
                    give_up: root_give_up,
                    best_out,
                });
            }
        }
        let k_left = self.limits.p.saturating_sub(open.len());
        let left: Vec<u32> = self
            .free
            .iter()
            .copied()
            .filter(|j| !open.contains(j) && !closed.contains(j))
            .collect();
        let decided = k_left == 0 || left.is_empty() || (self.simple && left.len() <= k_left);
        if decided {
            // Open everything left (when it fits) and score exactly.
            let mut all = open.clone();
            if k_left > 0 {
                all.extend(left.iter().copied());
            }
            let leaf = Node {
                bound,
                depth: node.depth + 1,
                seq: 0,
                open: all,
                closed,
                multipliers: Vec::new(),
            };
            let cov = self.setup(&leaf, budget);
            self.chosen.clear();
            self.last_scored.clear();
            self.last_scored.push(u32::MAX);
            self.score(&leaf.open, cov, inc, budget);
            return NodeResult::Leaf;
        }
        // Branch on the candidate ȳ most nearly opens (ties: larger c_j, lower index).
        let c = &self.c;
        let pick = super::tree::most_nearly_open(&left, &self.ybar, |a, b| {
            c[a as usize].total_cmp(&c[b as usize])
        });
        let (zero, one) = Node::children(
            bound,
            node.depth + 1,
            seq,
            (open, closed),
            pick,
            store_mu.then_some(&self.best_mu[..]),
        );
        NodeResult::Branch(Box::new((zero, one)))
    }
}

/// Best-first branch-and-bound on a reduced MCLP (see the module docs). `inc` holds the
/// incumbent value (a selection found by the caller's heuristic) and receives better ones.
pub(crate) fn tree(
    costs: &SparseCosts,
    cols: &Transposed,
    limits: &Limits,
    inc: &mut Incumbent,
    budget: &mut Budget,
) -> TreeOutcome {
    let n = costs.n();
    let total: f64 = costs.weights().iter().sum();
    let mut relax = Relax::new(costs, cols, limits);
    let mut heap = BinaryHeap::new();
    heap.push(Node {
        bound: total,
        depth: 0,
        seq: 0,
        open: Vec::new(),
        closed: Vec::new(),
        multipliers: Vec::new(),
    });
    let (mut seq, mut nodes) = (0u64, 0u64);
    let mut interrupted: Option<f64> = None;
    let m = costs.m();
    let (mut g_open, mut g_closed) = (vec![false; m], vec![false; m]);
    let mut fixed_at = f64::NAN;
    while let Some(mut node) = heap.pop() {
        if !relax.improves(node.bound, inc.value) {
            continue;
        }
        if relax.root.is_some() {
            if fixed_at != inc.value {
                fixed_at = inc.value;
                global_fixing(&relax, inc.value, &mut g_open, &mut g_closed);
            }
            if !apply_fixing(&mut node, &g_open, &g_closed) {
                continue;
            }
        }
        if budget.exhausted() {
            interrupted = Some(node.bound);
            break;
        }
        nodes += 1;
        let store = heap.len().saturating_add(2).saturating_mul(n) <= MAX_STORED_MULTIPLIERS;
        match relax.process(node, &mut seq, store, inc, budget) {
            NodeResult::Pruned | NodeResult::Leaf => {}
            NodeResult::Interrupted(b) => {
                interrupted = Some(b);
                break;
            }
            NodeResult::Branch(children) => {
                let (a, b) = *children;
                heap.push(a);
                heap.push(b);
            }
        }
    }
    let open_max = heap
        .iter()
        .filter(|nd| relax.improves(nd.bound, inc.value))
        .map(|nd| nd.bound)
        .fold(f64::NEG_INFINITY, f64::max);
    let complete = interrupted.is_none() && open_max == f64::NEG_INFINITY;
    let bound = interrupted
        .unwrap_or(f64::NEG_INFINITY)
        .max(open_max)
        .max(inc.value);
    TreeOutcome {
        bound: if complete { inc.value } else { bound },
        complete,
        nodes,
        iterations: relax.iterations,
    }
}
