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

/// Assigns demands; returns `(total cost, assignment)`. `O(n² k)` for the regret phase.
pub(crate) fn assign(mut input: AssignInput<'_>, thorough: bool) -> (f64, Vec<Option<usize>>) {
    let n = input.options.len();
    let mut out: Vec<Option<usize>> = vec![None; n];
    let mut done = vec![false; n];
    let mut left = (0..n)
        .filter(|&i| input.weight[i] > 0.0 || input.usage[i] > 0.0)
        .count();
    for (i, d) in done.iter_mut().enumerate() {
        *d = input.weight[i] == 0.0 && input.usage[i] == 0.0;
    }
    while left > 0 {
        let mut pick: Option<(f64, usize, Option<usize>)> = None;
        for i in (0..n).filter(|&i| !done[i]) {
            let mut feasible = input.options[i]
                .iter()
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
                    i,
                    first.filter(|&(_, c)| c < input.unserved).map(|(j, _)| j),
                ));
            }
        }
        let Some((_, i, site)) = pick else { break };
        done[i] = true;
        left -= 1;
        if let Some(j) = site {
            input.capacity[j] -= input.usage[i];
            out[i] = Some(j);
        }
    }
    improve(&mut input, &mut out, thorough);
    (total_cost(&input, &out), out)
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
/// sites, only when `thorough`: `O(n² k)` per pass) until no move improves, at most 20 passes.
#[allow(clippy::needless_range_loop)] // i indexes options, usage, weight and out
fn improve(input: &mut AssignInput<'_>, out: &mut [Option<usize>], thorough: bool) {
    let n = out.len();
    for _ in 0..20 {
        let mut improved = false;
        for i in 0..n {
            let now = cost_of(input, i, out[i]);
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
            improved |= swap_pass(input, out);
        }
        if !improved {
            break;
        }
    }
}

fn swap_pass(input: &mut AssignInput<'_>, out: &mut [Option<usize>]) -> bool {
    let n = out.len();
    let mut improved = false;
    for a in 0..n {
        let Some(ja) = out[a] else { continue };
        for b in a + 1..n {
            let Some(jb) = out[b] else { continue };
            if ja == jb {
                continue;
            }
            let (ua, ub) = (input.usage[a], input.usage[b]);
            if input.capacity[jb] + ub + EPS < ua || input.capacity[ja] + ua + EPS < ub {
                continue;
            }
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
    improved
}
