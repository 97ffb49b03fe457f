//! Side constraints shared by the heuristics: `p`, budget, group limits.

use super::Problem;

const EPS: f64 = 1e-9;

/// The limits on new selections, precomputed for `O(groups per candidate)` move checks.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub(crate) p: usize,
    free: Vec<bool>,
    excluded: Vec<bool>,
    cost: Vec<f64>,
    budget: f64,
    groups_of: Vec<Vec<u32>>,
    min: Vec<usize>,
    max: Vec<usize>,
}

/// Counters of the current selection against the [`Limits`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tally {
    pub(crate) count: usize,
    pub(crate) spent: f64,
    in_group: Vec<usize>,
}

impl Limits {
    /// `p_override` replaces `problem.p` (LSCP has no `p`).
    pub(crate) fn new(problem: &Problem, m: usize, p_override: Option<usize>) -> Limits {
        let mut groups_of = vec![Vec::new(); m];
        for (g, group) in problem.groups.iter().enumerate() {
            let mut members = group.candidates.clone();
            members.sort_unstable();
            members.dedup();
            for j in members {
                groups_of[j].push(g as u32);
            }
        }
        let fixed = problem.fixed_mask(m);
        Limits {
            p: p_override.unwrap_or(problem.p),
            free: fixed.iter().map(|f| !f).collect(),
            excluded: vec![false; m],
            cost: problem.site_cost.clone().unwrap_or_else(|| vec![0.0; m]),
            budget: problem.budget.unwrap_or(f64::INFINITY),
            groups_of,
            min: problem.groups.iter().map(|g| g.min).collect(),
            max: problem.groups.iter().map(|g| g.max).collect(),
        }
    }

    pub(crate) fn tally(&self) -> Tally {
        Tally {
            count: 0,
            spent: 0.0,
            in_group: vec![0; self.min.len()],
        }
    }

    /// Whether candidate `j` may ever be selected (not fixed, affordable, no group with max 0).
    pub(crate) fn selectable(&self, j: usize) -> bool {
        self.free[j]
            && !self.excluded[j]
            && self.cost[j] <= self.budget + EPS
            && self.groups_of[j].iter().all(|&g| self.max[g as usize] > 0)
    }

    /// Keeps `j` out of future moves (reduced-cost fixing); it may stay in a given selection.
    pub(crate) fn exclude(&mut self, j: usize) {
        self.excluded[j] = true;
    }

    pub(crate) fn site_cost(&self, j: usize) -> f64 {
        self.cost[j]
    }

    pub(crate) fn has_budget(&self) -> bool {
        self.budget.is_finite()
    }

    /// The budget left after spending `spent`, when there is a budget.
    pub(crate) fn budget_left(&self, spent: f64) -> Option<f64> {
        self.has_budget().then(|| (self.budget - spent).max(0.0))
    }

    pub(crate) fn has_groups(&self) -> bool {
        !self.min.is_empty()
    }

    /// Whether the groups form a laminar family (any two are disjoint or one contains the
    /// other, as "new sites" ⊇ "new sites in township t" and "expansions"). Then the group
    /// maxima with `p` are the independent sets of a laminar matroid, over which the greedy by
    /// decreasing value finds a maximum-weight selection (Edmonds 1971), so bounds may respect
    /// the maxima exactly. `O(groups² + Σ sizes)`.
    pub(crate) fn groups_laminar(&self) -> bool {
        let k = self.min.len();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
        for (j, gs) in self.groups_of.iter().enumerate() {
            for &g in gs {
                members[g as usize].push(j);
            }
        }
        // Two groups sharing a candidate must be nested: the smaller inside the larger.
        let mut checked = std::collections::BTreeSet::new();
        for gs in &self.groups_of {
            for (a, &g) in gs.iter().enumerate() {
                for &h in &gs[a + 1..] {
                    if !checked.insert((g.min(h), g.max(h))) {
                        continue;
                    }
                    let (small, large) = if members[g as usize].len() <= members[h as usize].len() {
                        (g, h)
                    } else {
                        (h, g)
                    };
                    let inside = members[small as usize]
                        .iter()
                        .all(|&j| self.groups_of[j].contains(&large));
                    if !inside {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Whether `j` fits every group maximum given the counts in `t` (ignores `p`, the budget
    /// and exclusions).
    pub(crate) fn fits_groups(&self, t: &Tally, j: usize) -> bool {
        self.groups_of[j]
            .iter()
            .all(|&g| t.in_group[g as usize] < self.max[g as usize])
    }

    pub(crate) fn can_add(&self, t: &Tally, j: usize) -> bool {
        self.free[j]
            && !self.excluded[j]
            && t.count < self.p
            && t.spent + self.cost[j] <= self.budget + EPS
            && self.groups_of[j]
                .iter()
                .all(|&g| t.in_group[g as usize] < self.max[g as usize])
    }

    pub(crate) fn can_remove(&self, t: &Tally, j: usize) -> bool {
        self.groups_of[j]
            .iter()
            .all(|&g| t.in_group[g as usize] > self.min[g as usize])
    }

    /// Whether replacing `out` (selected) by `inn` (not selected) keeps every limit.
    pub(crate) fn can_swap(&self, t: &Tally, out: usize, inn: usize) -> bool {
        if !self.free[inn]
            || self.excluded[inn]
            || t.spent - self.cost[out] + self.cost[inn] > self.budget + EPS
        {
            return false;
        }
        let (go, gi) = (&self.groups_of[out], &self.groups_of[inn]);
        go.iter()
            .filter(|g| !gi.contains(g))
            .all(|&g| t.in_group[g as usize] > self.min[g as usize])
            && gi
                .iter()
                .filter(|g| !go.contains(g))
                .all(|&g| t.in_group[g as usize] < self.max[g as usize])
    }

    /// Groups still below their minimum.
    pub(crate) fn in_deficit(&self, t: &Tally, j: usize) -> bool {
        self.groups_of[j]
            .iter()
            .any(|&g| t.in_group[g as usize] < self.min[g as usize])
    }

    pub(crate) fn any_deficit(&self, t: &Tally) -> bool {
        t.in_group.iter().zip(&self.min).any(|(c, m)| c < m)
    }

    pub(crate) fn add(&self, t: &mut Tally, j: usize) {
        t.count += 1;
        t.spent += self.cost[j];
        for &g in &self.groups_of[j] {
            t.in_group[g as usize] += 1;
        }
    }

    pub(crate) fn remove(&self, t: &mut Tally, j: usize) {
        t.count -= 1;
        t.spent -= self.cost[j];
        for &g in &self.groups_of[j] {
            t.in_group[g as usize] -= 1;
        }
    }

    /// Tally of a whole selection.
    pub(crate) fn tally_of(&self, selected: &[usize]) -> Tally {
        let mut t = self.tally();
        for &j in selected {
            self.add(&mut t, j);
        }
        t
    }

    /// Whether a selection satisfies every limit (and contains only free candidates).
    pub(crate) fn feasible(&self, selected: &[usize]) -> bool {
        let t = self.tally_of(selected);
        selected.iter().all(|&j| self.free[j])
            && t.count <= self.p
            && t.spent <= self.budget + EPS
            && t.in_group.iter().zip(&self.min).all(|(c, m)| c >= m)
            && t.in_group.iter().zip(&self.max).all(|(c, m)| c <= m)
    }

    /// Whether a partial selection `open` might still be completed into a feasible one using the
    /// candidates for which `free` is true: within `p`, the budget and every group maximum, and
    /// every group minimum reachable (in total within the sites left). A necessary condition,
    /// used to prune branch-and-bound nodes.
    pub(crate) fn can_complete(&self, open: &[usize], free: impl Fn(usize) -> bool) -> bool {
        let t = self.tally_of(open);
        if t.count > self.p || t.spent > self.budget + EPS {
            return false;
        }
        if self.min.is_empty() {
            return true;
        }
        let mut reachable = t.in_group.clone();
        for (j, groups) in self.groups_of.iter().enumerate() {
            if !groups.is_empty() && free(j) && self.selectable(j) {
                for &g in groups {
                    reachable[g as usize] += 1;
                }
            }
        }
        let mut deficit = 0;
        for (g, (&min, &max)) in self.min.iter().zip(&self.max).enumerate() {
            if t.in_group[g] > max || reachable[g] < min {
                return false;
            }
            deficit = deficit.max(min.saturating_sub(t.in_group[g]));
        }
        deficit <= self.p - t.count
    }

    /// A cheap proof of infeasibility: a group minimum exceeding `p`, its free members or the
    /// members affordable within the budget.
    pub(crate) fn provably_infeasible(&self, problem: &Problem) -> bool {
        problem.groups.iter().any(|g| {
            let mut costs: Vec<f64> = g
                .candidates
                .iter()
                .filter(|&&j| self.free[j])
                .map(|&j| self.cost[j])
                .collect();
            costs.sort_by(f64::total_cmp);
            g.min > self.p
                || g.min > costs.len()
                || costs.iter().take(g.min).sum::<f64>() > self.budget + EPS
        })
    }

    /// Picks the next candidate for a greedy construction: among addable candidates (restricted to
    /// groups in deficit while any remains) the best `gain`, divided by the site cost when a
    /// budget applies. Returns `None` when nothing can be added or no gain is positive (gains
    /// need not be positive while meeting a group minimum).
    pub(crate) fn greedy_pick(
        &self,
        t: &Tally,
        m: usize,
        mut gain: impl FnMut(usize) -> f64,
    ) -> Option<usize> {
        let deficit = self.any_deficit(t);
        let mut best: Option<(f64, usize)> = None;
        for j in 0..m {
            if !self.can_add(t, j) || (deficit && !self.in_deficit(t, j)) {
                continue;
            }
            let g = gain(j);
            if g == f64::NEG_INFINITY || (!deficit && g <= EPS) {
                continue;
            }
            let score = if self.has_budget() {
                g / self.cost[j].max(1e-9)
            } else {
                g
            };
            if !matches!(best, Some((s, _)) if s >= score) {
                best = Some((score, j));
            }
        }
        best.map(|(_, j)| j)
    }
}
