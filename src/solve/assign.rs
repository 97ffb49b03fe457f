//! Single-source assignment of demand to open sites under capacities (a generalised assignment
//! problem), by the regret heuristic of Martello & Toth (1981) followed by shift and swap
//! improvement. Used by the capacitated p-median and capacitated MCLP.

/// One demand's options: `(site, cost)` over open sites, by increasing cost.
pub(crate) struct AssignInput<'a> {
    /// Per demand: `(site, cost)` pairs, sorted by cost.
    pub(crate) options: &'a [Vec<(usize, f64)>],
    /// Capacity used by each demand.
    pub(crate) usage: &'a [f64],
    /// Weight multiplying the cost of each demand.
    pub(crate) weight: &'a [f64],
    /// Remaining capacity per site (indexed by site).
    pub(crate) capacity: Vec<f64>,
    /// Cost per unit weight of leaving a demand unassigned.
    pub(crate) unserved: f64,
}

const EPS: f64 = 1e-9;

/// Assigns demands; returns `(total cost, assignment, work)`, `work` counting the options and
/// pairs inspected (deterministic work units, see [`super::budget`]). `O(a² k)` for the regret
/// phase over the `a` demands with an option; demands without one are left out at once.
pub(crate) fn assign(mut input: AssignInput<'_>, thorough: bool) -> (f64, Vec<Option<usize>>, u64) {
    let n = input.options.len();
    let mut out: Vec<Option<usize>> = vec![None; n];
    // Demands with no option (or nothing to assign) take no capacity whenever they are
    // decided: leave them out now.
    let mut pending: Vec<usize> = (0..n)
        .filter(|&i| {
            (input.weight[i] > 0.0 || input.usage[i] > 0.0) && !input.options[i].is_empty()
        })
        .collect();
    let mut work = n as u64;
    while !pending.is_empty() {
        let mut pick: Option<(f64, usize, Option<usize>)> = None;
        for (k, &i) in pending.iter().enumerate() {
            let mut feasible = input.options[i]
                .iter()
                .inspect(|_| work += 1)
                .filter(|(j, _)| input.capacity[*j] + EPS >= input.usage[i]);
            let first = feasible.next().copied();
            let second = feasible
                .next()
                .map_or(input.unserved, |o| o.1.min(input.unserved));
            let regret = match first {
                Some((_, c)) if c < input.unserved => input.weight[i] * (second - c),
                _ => f64::NEG_INFINITY,
            };
            let usage_tiebreak = regret + EPS * input.usage[i];
            if !matches!(pick, Some((r, _, _)) if r >= usage_tiebreak) {
                pick = Some((
                    usage_tiebreak,
                    k,
                    first.filter(|&(_, c)| c < input.unserved).map(|(j, _)| j),
                ));
            }
        }
        work += pending.len() as u64;
        let Some((_, k, site)) = pick else { break };
        // Order-preserving removal keeps the scan order (and so the ties) of the full loop.
        let i = pending.remove(k);
        work += (pending.len() - k) as u64 / 8;
        if let Some(j) = site {
            input.capacity[j] -= input.usage[i];
            out[i] = Some(j);
        }
    }
    work += improve(&mut input, &mut out, thorough);
    (total_cost(&input, &out), out, work)
}

fn cost_of(input: &AssignInput<'_>, i: usize, site: Option<usize>) -> f64 {
    let c = site
        .and_then(|j| input.options[i].iter().find(|o| o.0 == j))
        .map_or(input.unserved, |o| o.1);
    input.weight[i] * c.min(input.unserved)
}

fn total_cost(input: &AssignInput<'_>, out: &[Option<usize>]) -> f64 {
    (0..out.len()).map(|i| cost_of(input, i, out[i])).sum()
}

/// Shift moves (one demand to a cheaper site with room) and swap moves (two demands exchange
/// sites, only when `thorough`: `O(a²)` per pass over the `a` assigned demands) until no move
/// improves, at most 20 passes. Returns the work done.
#[allow(clippy::needless_range_loop)] // i indexes options, usage, weight and out
fn improve(input: &mut AssignInput<'_>, out: &mut [Option<usize>], thorough: bool) -> u64 {
    let n = out.len();
    let mut work = 0u64;
    for _ in 0..20 {
        let mut improved = false;
        for i in 0..n {
            let now = cost_of(input, i, out[i]);
            work += 1 + input.options[i].len() as u64;
            for k in 0..input.options[i].len() {
                let (j, c) = input.options[i][k];
                if input.weight[i] * c >= now - EPS {
                    break;
                }
                if Some(j) != out[i] && input.capacity[j] + EPS >= input.usage[i] {
                    if let Some(old) = out[i] {
                        input.capacity[old] += input.usage[i];
                    }
                    input.capacity[j] -= input.usage[i];
                    out[i] = Some(j);
                    improved = true;
                    break;
                }
            }
        }
        if thorough {
            let (better, w) = swap_pass(input, out);
            improved |= better;
            work += w;
        }
        if !improved {
            break;
        }
    }
    work
}

/// One pass of swaps over the assigned demands (the set does not change during a pass: a swap
/// exchanges two sites); returns whether any improved and the pairs inspected.
fn swap_pass(input: &mut AssignInput<'_>, out: &mut [Option<usize>]) -> (bool, u64) {
    let assigned: Vec<usize> = (0..out.len()).filter(|&i| out[i].is_some()).collect();
    let mut improved = false;
    let mut work = out.len() as u64;
    for (ka, &a) in assigned.iter().enumerate() {
        let Some(ja) = out[a] else { continue };
        for &b in &assigned[ka + 1..] {
            work += 1;
            let Some(jb) = out[b] else { continue };
            if ja == jb {
                continue;
            }
            let (ua, ub) = (input.usage[a], input.usage[b]);
            if input.capacity[jb] + ub + EPS < ua || input.capacity[ja] + ua + EPS < ub {
                continue;
            }
            work += 8;
            let before = cost_of(input, a, Some(ja)) + cost_of(input, b, Some(jb));
            let after = cost_of(input, a, Some(jb)) + cost_of(input, b, Some(ja));
            if after < before - EPS * before.max(1.0) {
                input.capacity[ja] += ua - ub;
                input.capacity[jb] += ub - ua;
                out[a] = Some(jb);
                out[b] = Some(ja);
                improved = true;
                break;
            }
        }
    }
    (improved, work)
}
