//! Brute-force oracles: exact solutions by enumeration, for tiny instances, written apart from
//! the solvers they check (only the public [`Problem`] and [`SparseCosts`] are shared).
//!
//! Every selection of at most `p` free candidates (every subset for LSCP) that satisfies the
//! budget and group limits is evaluated exactly; capacitated assignments are solved by a
//! depth-first branch and bound over the demands. Exponential: `O(C(m, ≤p) · n · k)`, refused
//! (an error) when `m > 20`.

use schoolplan::solve::{Problem, SolveError, SparseCosts};

/// Whether `sel` (new sites, sorted, none fixed) keeps `p`, the budget and every group limit.
fn feasible(problem: &Problem, p: usize, sel: &[usize]) -> bool {
    if sel.len() > p {
        return false;
    }
    let spent: f64 = sel
        .iter()
        .map(|&j| problem.site_cost.as_ref().map_or(0.0, |c| c[j]))
        .sum();
    if spent > problem.budget.unwrap_or(f64::INFINITY) + 1e-9 {
        return false;
    }
    problem.groups.iter().all(|g| {
        let mut members = g.candidates.clone();
        members.sort_unstable();
        members.dedup();
        let k = members.iter().filter(|j| sel.contains(j)).count();
        g.min <= k && k <= g.max
    })
}

/// Which problem to enumerate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Uncapacitated p-median (minimise).
    PMedian,
    /// Capacitated p-median (minimise).
    CapacitatedPMedian,
    /// Maximal covering (maximise covered weight).
    Mclp,
    /// Capacitated maximal covering (maximise assigned covered weight).
    CapacitatedMclp,
    /// Set covering: minimise the count or site cost covering all coverable demand.
    Lscp,
    /// p-center: minimise the largest distance of a positive-weight reachable demand.
    PCenter,
}

/// The optimal objective and one optimal selection, or `None` when no selection satisfies the
/// limits. Errors on invalid input or more than 20 candidates.
pub fn solve(
    kind: Kind,
    costs: &SparseCosts,
    problem: &Problem,
) -> Result<Option<(f64, Vec<usize>)>, SolveError> {
    problem.validate(costs)?;
    let m = costs.m();
    if m > 20 {
        let reason = format!("enumeration is limited to 20 candidates, got {m}");
        return Err(SolveError::Parameter {
            name: "m".into(),
            reason,
        });
    }
    let cap_needed = matches!(kind, Kind::CapacitatedPMedian | Kind::CapacitatedMclp);
    if cap_needed && problem.capacities.is_none() {
        return Err(SolveError::Parameter {
            name: "capacities".into(),
            reason: "required".into(),
        });
    }
    let p = if kind == Kind::Lscp { m } else { problem.p };
    let fixed = problem.fixed_mask(m);
    let mut best: Option<(f64, Vec<usize>)> = None;
    let maximise = matches!(kind, Kind::Mclp | Kind::CapacitatedMclp);
    for mask in 0u32..(1u32 << m) {
        let sel: Vec<usize> = (0..m).filter(|&j| mask >> j & 1 == 1).collect();
        if sel.iter().any(|&j| fixed[j]) || !feasible(problem, p, &sel) {
            continue;
        }
        let mut open = fixed.clone();
        for &j in &sel {
            open[j] = true;
        }
        let Some(v) = value(kind, costs, problem, &open) else {
            continue;
        };
        let better = match &best {
            None => true,
            Some((b, s)) => {
                if maximise {
                    v > *b + 1e-9 || (v >= *b - 1e-9 && sel.len() < s.len())
                } else {
                    v < *b - 1e-9
                }
            }
        };
        if better {
            best = Some((v, sel));
        }
    }
    Ok(best)
}

fn value(kind: Kind, costs: &SparseCosts, problem: &Problem, open: &[bool]) -> Option<f64> {
    let w = costs.weights();
    let n = costs.n();
    let nearest = |i: usize| costs.row(i).find(|&(j, _)| open[j]).map(|(_, c)| c);
    let unserved = problem.unserved(costs);
    match kind {
        Kind::PMedian => Some(
            (0..n)
                .map(|i| w[i] * nearest(i).map_or(unserved, |c| c.min(unserved)))
                .sum(),
        ),
        Kind::Mclp => Some(
            (0..n)
                .filter(|&i| nearest(i).is_some_and(|c| c <= problem.radius))
                .map(|i| w[i])
                .sum(),
        ),
        Kind::Lscp => {
            let all = (0..n).all(|i| {
                w[i] == 0.0
                    || costs.row(i).all(|(_, c)| c > problem.radius)
                    || nearest(i).is_some_and(|c| c <= problem.radius)
            });
            let site = |j: usize| problem.site_cost.as_ref().map_or(1.0, |c| c[j]);
            let fixed = problem.fixed_mask(costs.m());
            all.then(|| {
                (0..costs.m())
                    .filter(|&j| open[j] && !fixed[j])
                    .map(site)
                    .sum()
            })
        }
        Kind::PCenter => Some(
            (0..n)
                .filter(|&i| w[i] > 0.0 && costs.row(i).next().is_some())
                .map(|i| nearest(i).unwrap_or(f64::INFINITY))
                .fold(0.0, f64::max),
        )
        .filter(|v| v.is_finite()),
        Kind::CapacitatedPMedian | Kind::CapacitatedMclp => {
            Some(capacitated_value(kind, costs, problem, open))
        }
    }
}

/// Exact single-source assignment by depth-first branch and bound.
fn capacitated_value(kind: Kind, costs: &SparseCosts, problem: &Problem, open: &[bool]) -> f64 {
    let Some(caps) = &problem.capacities else {
        return f64::INFINITY;
    };
    let w = costs.weights();
    let mclp = kind == Kind::CapacitatedMclp;
    let unserved = if mclp { 1.0 } else { problem.unserved(costs) };
    // Options per demand as (site, cost per unit weight); MCLP: cost 0 within the radius.
    let options: Vec<Vec<(usize, f64)>> = (0..costs.n())
        .map(|i| {
            costs
                .row(i)
                .filter(|&(j, c)| open[j] && (!mclp || c <= problem.radius))
                .map(|(j, c)| (j, if mclp { 0.0 } else { c.min(unserved) }))
                .collect()
        })
        .collect();
    let usage: Vec<f64> = (0..costs.n()).map(|i| caps.usage_of(costs, i)).collect();
    let mut cap = caps.capacity.clone();
    let mut best = f64::INFINITY;
    dfs(0, 0.0, &options, &usage, w, unserved, &mut cap, &mut best);
    if mclp {
        costs.total_weight() - best
    } else {
        best
    }
}

#[allow(clippy::too_many_arguments)]
fn dfs(
    i: usize,
    acc: f64,
    options: &[Vec<(usize, f64)>],
    usage: &[f64],
    w: &[f64],
    unserved: f64,
    cap: &mut [f64],
    best: &mut f64,
) {
    if acc >= *best - 1e-12 {
        return;
    }
    if i == options.len() {
        *best = acc;
        return;
    }
    for &(j, c) in &options[i] {
        if cap[j] + 1e-9 >= usage[i] {
            cap[j] -= usage[i];
            dfs(
                i + 1,
                acc + w[i] * c,
                options,
                usage,
                w,
                unserved,
                cap,
                best,
            );
            cap[j] += usage[i];
        }
    }
    dfs(
        i + 1,
        acc + w[i] * unserved,
        options,
        usage,
        w,
        unserved,
        cap,
        best,
    );
}
