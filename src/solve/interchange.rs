//! Fast vertex substitution for the p-median problem.
//!
//! The state keeps, for every demand, its nearest and second-nearest open site, and three
//! accumulators from Resende & Werneck (2004), "A hybrid heuristic for the p-median problem":
//!
//! - `gain[a]`: decrease of the objective if candidate `a` were opened,
//! - `loss[r]`: increase if open site `r` were closed,
//! - `extra[a, r]`: correction when both happen at once,
//!
//! so the profit of swapping `r` out and `a` in is `gain[a] − loss[r] + extra[a, r]`, found in
//! `O(m·p)` per move (Teitz & Bart 1968 evaluated each swap in `O(n)` instead, `O(n·m·p)` per
//! move). After a move only the *affected* demands (whose nearest two sites change) are
//! withdrawn and re-added, each in `O(k_i)` for the prefix of its sorted cost list. Costs are
//! capped at the unserved cost `P` by an always-open dummy site. Memory `O(n + m·p)`.

use super::constraints::{Limits, Tally};
use super::{SparseCosts, Transposed};

const NONE: usize = usize::MAX;

/// Incremental local-search state over a selection of open sites.
#[derive(Debug, Clone)]
pub struct SwapState<'a> {
    costs: &'a SparseCosts,
    cols: &'a Transposed,
    unserved: f64,
    open: Vec<bool>,
    removable: Vec<bool>,
    slot: Vec<usize>,
    slots: Vec<usize>,
    near: Vec<[(usize, f64); 2]>,
    gain: Vec<f64>,
    loss: Vec<f64>,
    extra: Vec<f64>,
    width: usize,
    /// Work units spent since the last [`SwapState::take_work`].
    work: u64,
    /// Moves `(opened, closed)` since the last [`SwapState::commit`] or reset.
    journal: Vec<(usize, usize)>,
    /// Moves since the last rebuild (incremental updates accumulate rounding; see `descend`).
    moves_since_rebuild: u64,
    /// Scratch list of affected demands.
    affected: Vec<usize>,
}

/// Moves after which [`SwapState::descend`] rebuilds the accumulators from scratch, so that
/// rounding in the incremental updates never steers a move.
const REBUILD_EVERY: u64 = 4096;

impl<'a> SwapState<'a> {
    /// A state with the `fixed` sites open and room for `capacity` removable sites.
    pub fn new(
        costs: &'a SparseCosts,
        cols: &'a Transposed,
        fixed: &[usize],
        unserved: f64,
        capacity: usize,
    ) -> Self {
        let m = costs.m();
        let mut open = vec![false; m];
        for &j in fixed {
            open[j] = true;
        }
        let width = capacity.max(1);
        let mut s = SwapState {
            costs,
            cols,
            unserved,
            open,
            removable: vec![false; m],
            slot: vec![NONE; m],
            slots: Vec::new(),
            near: vec![[(NONE, unserved); 2]; costs.n()],
            gain: vec![0.0; m],
            loss: vec![0.0; m],
            extra: vec![0.0; m * width],
            width,
            work: 0,
            journal: Vec::new(),
            moves_since_rebuild: 0,
            affected: Vec::new(),
        };
        s.rebuild();
        s
    }

    /// Recomputes all structures from the open set. `O(Σ_i k_i)`.
    pub fn rebuild(&mut self) {
        self.work += (2 * self.costs.pairs() + self.costs.n() + self.extra.len()) as u64;
        self.moves_since_rebuild = 0;
        self.gain.fill(0.0);
        self.loss.fill(0.0);
        self.extra.fill(0.0);
        let before = self.work;
        for i in 0..self.costs.n() {
            self.near[i] = self.nearest_two(i).0;
            self.contribute(i, 1.0);
        }
        // The rebuild is charged its bound above, not the pairs it visited.
        self.work = before;
    }

    /// The removable (new) sites currently open.
    pub fn selected(&self) -> Vec<usize> {
        let mut s: Vec<usize> = self.slots.iter().copied().filter(|&j| j != NONE).collect();
        s.sort_unstable();
        s
    }

    /// Objective `Σ_i w_i min(d(i, nearest open), P)`.
    pub fn objective(&self) -> f64 {
        let w = self.costs.weights();
        self.near.iter().zip(w).map(|(nr, wi)| wi * nr[0].1).sum()
    }

    /// Nearest open site of each demand (`None` = unserved).
    pub fn assignment(&self) -> Vec<Option<usize>> {
        self.near
            .iter()
            .map(|nr| (nr[0].0 != NONE).then_some(nr[0].0))
            .collect()
    }

    /// Decrease of the objective if `a` were opened.
    pub fn gain(&self, a: usize) -> f64 {
        self.gain[a]
    }

    /// Whether site `a` is open.
    pub fn is_open(&self, a: usize) -> bool {
        self.open[a]
    }

    /// The nearest two open sites of demand `i` (cost `P` and no site when fewer are within
    /// `P`) and the pairs visited.
    fn nearest_two(&self, i: usize) -> ([(usize, f64); 2], u64) {
        let mut out = [(NONE, self.unserved); 2];
        let mut k = 0;
        let (cands, costs) = self.costs.row_slices(i);
        let mut visited = 0;
        for (&j, &c) in cands.iter().zip(costs) {
            visited += 1;
            if c >= self.unserved {
                break;
            }
            if self.open[j as usize] {
                out[k] = (j as usize, c);
                k += 1;
                if k == 2 {
                    break;
                }
            }
        }
        (out, visited)
    }

    /// Adds (`sign = 1`) or withdraws (`sign = −1`) demand `i`'s share of gain, loss and extra.
    fn contribute(&mut self, i: usize, sign: f64) {
        let w = self.costs.weights()[i] * sign;
        if w == 0.0 {
            return;
        }
        let [(f1, d1), (_, d2)] = self.near[i];
        let s1 = if f1 != NONE && self.removable[f1] {
            self.slot[f1]
        } else {
            NONE
        };
        if s1 != NONE {
            self.loss[f1] += w * (d2 - d1);
        }
        let (cands, costs) = self.costs.row_slices(i);
        let mut visited = 0;
        for (&a, &c) in cands.iter().zip(costs) {
            visited += 1;
            if c >= d2 {
                break;
            }
            let a = a as usize;
            if self.open[a] {
                continue;
            }
            if c < d1 {
                self.gain[a] += w * (d1 - c);
            }
            if s1 != NONE {
                self.extra[a * self.width + s1] += w * (d2 - c.max(d1));
            }
        }
        self.work += visited;
    }

    fn affected_by(&self, a: usize, r: usize, mark: &mut Vec<usize>) {
        mark.clear();
        if r != NONE {
            for (i, nr) in self.near.iter().enumerate() {
                if nr[0].0 == r || nr[1].0 == r {
                    mark.push(i);
                }
            }
        }
        if a == NONE {
            return;
        }
        for (i, c) in self.cols.column(a) {
            if c < self.near[i][1].1 && self.near[i][0].0 != r && self.near[i][1].0 != r {
                mark.push(i);
            }
        }
    }

    /// Opens `a` and closes `r` (`r = usize::MAX` for a pure insertion, `a = usize::MAX` for a
    /// pure removal); only affected demands are updated. The move is recorded in the journal
    /// ([`SwapState::undo_to`]).
    pub fn apply(&mut self, a: usize, r: usize) {
        if a == NONE && r == NONE {
            return;
        }
        self.journal.push((a, r));
        self.moves_since_rebuild += 1;
        let mut affected = std::mem::take(&mut self.affected);
        self.affected_by(a, r, &mut affected);
        // The scan for `r`, the column of `a`, and each affected demand's list walks (counted
        // as they go).
        let column = if a == NONE {
            0
        } else {
            self.cols.offsets[a + 1] - self.cols.offsets[a]
        };
        self.work += (self.costs.n() + column + affected.len() + self.width) as u64;
        for &i in &affected {
            self.contribute(i, -1.0);
        }
        let slot = if r == NONE {
            match self.slots.iter().position(|&j| j == NONE) {
                Some(s) => s,
                None => {
                    self.slots.push(NONE);
                    self.slots.len() - 1
                }
            }
        } else {
            self.open[r] = false;
            self.removable[r] = false;
            let s = self.slot[r];
            self.slot[r] = NONE;
            self.gain[r] = 0.0;
            self.loss[r] = 0.0;
            s
        };
        if a == NONE {
            self.slots[slot] = NONE;
        } else {
            for e in self.extra[a * self.width..(a + 1) * self.width].iter_mut() {
                *e = 0.0;
            }
            self.open[a] = true;
            self.removable[a] = true;
            self.slot[a] = slot;
            self.slots[slot] = a;
            self.gain[a] = 0.0;
            self.loss[a] = 0.0;
            if slot >= self.width {
                // More sites than planned: widen `extra` and rebuild everything.
                self.width = (2 * self.width).max(slot + 1);
                self.extra = vec![0.0; self.costs.m() * self.width];
                self.rebuild();
                self.affected = affected;
                return;
            }
        }
        for &i in &affected {
            let (near, visited) = self.nearest_two(i);
            self.near[i] = near;
            self.work += visited;
            self.contribute(i, 1.0);
        }
        self.affected = affected;
    }

    /// Length of the journal of moves, to come back to with [`SwapState::undo_to`].
    pub fn mark(&self) -> usize {
        self.journal.len()
    }

    /// Undoes the moves made since `mark` (latest first), each in `O(n + affected)` instead of
    /// a rebuild; the open set is then exactly the one at `mark`.
    pub fn undo_to(&mut self, mark: usize) {
        while self.journal.len() > mark {
            let Some((a, r)) = self.journal.pop() else {
                break;
            };
            self.apply(r, a);
            self.journal.pop();
        }
    }

    /// Forgets the journal (the current selection becomes the one to come back to).
    pub fn commit(&mut self) {
        self.journal.clear();
    }

    /// The most profitable feasible move: a swap `(a in, r out)` or, while fewer than
    /// `limits.p` are open, an insertion `(a, usize::MAX)`. Returns the profit too.
    pub(crate) fn best_move(&self, limits: &Limits, tally: &Tally) -> Option<(usize, usize, f64)> {
        let check = limits.has_groups() || limits.has_budget();
        let mut best: Option<(usize, usize, f64)> = None;
        let tol = 1e-9 * self.objective().abs().max(1.0);
        for a in 0..self.costs.m() {
            if self.open[a] || !limits.selectable(a) {
                continue;
            }
            let ga = self.gain[a];
            let mut consider = |r: usize, profit: f64| {
                if profit > tol && !matches!(best, Some(b) if b.2 >= profit) {
                    best = Some((a, r, profit));
                }
            };
            if limits.can_add(tally, a) {
                consider(NONE, ga);
            }
            let row = &self.extra[a * self.width..(a + 1) * self.width];
            for (s, &r) in self.slots.iter().enumerate() {
                if r == NONE || (check && !limits.can_swap(tally, r, a)) {
                    continue;
                }
                consider(r, ga - self.loss[r] + row[s]);
            }
        }
        best
    }

    /// Best-improvement local search until no improving move remains, `max_moves` are made or
    /// `stop()` says so (checked before each move), from the current (consistent) state;
    /// the accumulators are rebuilt first when [`REBUILD_EVERY`] moves were made incrementally.
    /// Returns the number of moves.
    pub(crate) fn descend(
        &mut self,
        limits: &Limits,
        tally: &mut Tally,
        max_moves: u64,
        mut stop: impl FnMut(u64) -> bool,
    ) -> u64 {
        let mut moves = 0;
        if self.moves_since_rebuild >= REBUILD_EVERY {
            self.rebuild();
        }
        while moves < max_moves && !stop(self.take_work()) {
            // One scan of the `m × (p + 1)` move table: a tight loop of a few flops per entry,
            // charged a quarter unit each so that a unit costs about as much time here as in
            // the other solvers' steps (measured on the OR-Library instances).
            self.work += (self.costs.m() * (self.slots.len() + 1)) as u64 / 4;
            let Some((a, r, _)) = self.best_move(limits, tally) else {
                break;
            };
            if r != NONE {
                limits.remove(tally, r);
            }
            limits.add(tally, a);
            self.apply(a, r);
            moves += 1;
        }
        moves
    }

    /// Work units spent since the last call (deterministic; see [`super::budget`]).
    pub fn take_work(&mut self) -> u64 {
        std::mem::take(&mut self.work)
    }

    /// Replaces the removable selection by `selection` (fixed sites stay open) and rebuilds.
    pub fn reset(&mut self, selection: &[usize]) {
        for &j in &self.slots {
            if j != NONE {
                self.open[j] = false;
                self.removable[j] = false;
                self.slot[j] = NONE;
            }
        }
        self.slots.clear();
        self.journal.clear();
        for &j in selection {
            if self.open[j] {
                continue;
            }
            if self.slots.len() == self.width {
                self.width *= 2;
                self.extra = vec![0.0; self.costs.m() * self.width];
            }
            self.open[j] = true;
            self.removable[j] = true;
            self.slot[j] = self.slots.len();
            self.slots.push(j);
        }
        self.rebuild();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::Problem;

    /// 60 demands, 25 candidates, random sparse costs (some pairs missing), weights 1–5.
    fn instance() -> SparseCosts {
        let mut x = 0x9e37_79b9_u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % 1000
        };
        let lists = (0..60)
            .map(|_| {
                (0..25)
                    .filter_map(|j| {
                        let c = next() as f64;
                        (c < 800.0).then_some((j, c))
                    })
                    .collect()
            })
            .collect();
        let weights = (0..60).map(|_| 1.0 + (next() % 5) as f64).collect();
        SparseCosts::from_lists(weights, 25, lists).unwrap()
    }

    /// Selection, objective, assignment, gains of the closed sites, losses of the open ones.
    type Snapshot = (Vec<usize>, f64, Vec<Option<usize>>, Vec<f64>, Vec<f64>);

    fn snapshot(s: &SwapState<'_>) -> Snapshot {
        let free: Vec<usize> = (0..s.costs.m()).filter(|&a| !s.open[a]).collect();
        let gains = free.iter().map(|&a| s.gain[a]).collect();
        let losses = s.selected().iter().map(|&r| s.loss[r]).collect();
        (s.selected(), s.objective(), s.assignment(), gains, losses)
    }

    #[test]
    fn undoing_moves_restores_the_state_a_rebuild_gives() {
        let costs = instance();
        let cols = costs.transpose();
        let problem = Problem {
            p: 4,
            ..Problem::default()
        };
        let limits = Limits::new(&problem, costs.m(), None);
        let mut s = SwapState::new(&costs, &cols, &[], 900.0, 4);
        s.reset(&[1, 7, 12, 20]);
        let before = snapshot(&s);
        let mark = s.mark();
        s.apply(3, 7);
        s.apply(NONE, 12);
        s.apply(15, NONE);
        let mut tally = limits.tally_of(&s.selected());
        s.descend(&limits, &mut tally, u64::MAX, |_| false);
        assert_ne!(s.mark(), mark);
        s.undo_to(mark);
        let after = snapshot(&s);
        assert_eq!(after.0, before.0);
        assert_eq!(after.2, before.2);
        assert!((after.1 - before.1).abs() < 1e-9);
        for (x, y) in after
            .3
            .iter()
            .zip(&before.3)
            .chain(after.4.iter().zip(&before.4))
        {
            assert!((x - y).abs() < 1e-6, "{x} != {y}");
        }
        // The incremental state agrees with one built from scratch.
        let mut fresh = SwapState::new(&costs, &cols, &[], 900.0, 4);
        fresh.reset(&after.0);
        let tally = limits.tally_of(&after.0);
        let (a, b) = (
            s.best_move(&limits, &tally),
            fresh.best_move(&limits, &tally),
        );
        assert_eq!(a.map(|m| (m.0, m.1)), b.map(|m| (m.0, m.1)));
    }
}
