//! Capacity: allocating demand to schools under their seats, and the 2SFCA accessibility index.
//!
//! Both work on per-cell cost lists ([`CostLists`]: for each cell, the schools within some
//! cutoff with their cost, sorted) whose targets are school indices, so they are the same for
//! straight-line, network and matrix costs.

use rayon::prelude::*;

use crate::config::Decay;
use crate::spatial::index::CostLists;

/// Result of [`allocate_greedy`].
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    /// Per cell: the school its demand goes to (`None`: no demand, or no school within the
    /// radius with enough spare seats).
    pub allocated: Vec<Option<usize>>,
    /// Per school: demand allocated.
    pub school_demand: Vec<f64>,
}

/// Greedy capacitated allocation, whole cells (single sourcing).
///
/// Every (cell, school) pair with cost ≤ the cell's `radius[i]` and positive cell demand is
/// visited in order
/// of increasing cost, ties broken by cell index, then school index. A cell not yet allocated
/// goes to the school if the school's spare seats are at least the cell's demand (a school with
/// unknown seats, `None`, has no limit). So each cell goes to the nearest school in its radius
/// that still has room for it when the pair's turn comes; a cell whose demand fits nowhere
/// stays unallocated (and is counted as such), it is never split. `O(P log P)` for `P` pairs.
pub fn allocate_greedy(
    demand: &[f64],
    lists: &CostLists,
    radius: &[f64],
    seats: &[Option<f64>],
    schools: usize,
) -> Allocation {
    // One sortable key per pair: cost bits (monotone for costs ≥ 0), cell, school.
    let mut keys: Vec<u128> = Vec::new();
    for (i, &d) in demand.iter().enumerate() {
        if d > 0.0 {
            let (t, c) = lists.row(i);
            for (&j, &c) in t.iter().zip(c).take_while(|(_, &c)| c <= radius[i]) {
                keys.push((u128::from(c.to_bits()) << 64) | ((i as u128) << 32) | u128::from(j));
            }
        }
    }
    keys.par_sort_unstable();
    let pairs = keys.into_iter().map(|k| ((), (k >> 32) as u32, k as u32));
    let mut allocated = vec![None; demand.len()];
    let mut school_demand = vec![0.0; schools];
    for ((), i, j) in pairs {
        let (i, j) = (i as usize, j as usize);
        if allocated[i].is_some() {
            continue;
        }
        let fits = match seats[j] {
            Some(s) => school_demand[j] + demand[i] <= s + 1e-9,
            None => true,
        };
        if fits {
            allocated[i] = Some(j);
            school_demand[j] += demand[i];
        }
    }
    Allocation {
        allocated,
        school_demand,
    }
}

/// The weight of distance `d` within catchment `r` (0 beyond it): see [`Decay`].
pub fn decay_weight(decay: Decay, d: f64, r: f64) -> f64 {
    if d.is_nan() || d > r || r <= 0.0 {
        return if d == 0.0 && r == 0.0 { 1.0 } else { 0.0 };
    }
    match decay {
        Decay::Step => 1.0,
        Decay::Linear => 1.0 - d / r,
        Decay::Gaussian => {
            let e = (-0.5f64).exp();
            ((-0.5 * (d / r).powi(2)).exp() - e) / (1.0 - e)
        }
        Decay::Exponential => (-3.0 * d / r).exp(),
    }
}

/// Two-step floating catchment area accessibility (Luo & Wang 2003), with distance decay.
///
/// Step 1, per school `j`: `R_j = S_j / Σ_{i: d_ij ≤ d0} D_i W(d_ij)`; step 2, per cell `i`:
/// `A_i = Σ_{j: d_ij ≤ d0} R_j W(d_ij)`, where `S_j` is the school's seats (0 when unknown),
/// `D_i` the cell's demand, `d0` the catchment of cell `i` (`catchment[i]`: its setting's
/// radius × the catchment factor, the demand-side catchment of variable-catchment 2SFCA, Luo &
/// Whippo 2012) and `W` the decay. `A_i` is seats per pupil
/// within reach (1 = exactly one seat per pupil). A school with no weighted demand in its
/// catchment gets `R_j = 0`. Pairs beyond `d0` in `lists` are ignored. `O(P)`.
pub fn two_step_fca(
    demand: &[f64],
    lists: &CostLists,
    catchment: &[f64],
    seats: &[Option<f64>],
    decay: Decay,
) -> Vec<f64> {
    let m = seats.len();
    let weighted = (0..lists.len())
        .into_par_iter()
        .fold(
            || vec![0.0; m],
            |mut acc, i| {
                if demand[i] > 0.0 {
                    let d0 = catchment[i];
                    let (t, c) = lists.row(i);
                    for (&j, &c) in t.iter().zip(c).take_while(|(_, &c)| c <= d0) {
                        acc[j as usize] += demand[i] * decay_weight(decay, c, d0);
                    }
                }
                acc
            },
        )
        .reduce(
            || vec![0.0; m],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let ratio: Vec<f64> = weighted
        .iter()
        .zip(seats)
        .map(|(&w, s)| if w > 0.0 { s.unwrap_or(0.0) / w } else { 0.0 })
        .collect();
    (0..lists.len())
        .into_par_iter()
        .map(|i| {
            let d0 = catchment[i];
            let (t, c) = lists.row(i);
            t.iter()
                .zip(c)
                .take_while(|(_, &c)| c <= d0)
                .map(|(&j, &c)| ratio[j as usize] * decay_weight(decay, c, d0))
                .sum()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decays_are_one_at_zero_and_zero_beyond() {
        for d in [
            Decay::Step,
            Decay::Linear,
            Decay::Gaussian,
            Decay::Exponential,
        ] {
            assert!((decay_weight(d, 0.0, 10.0) - 1.0).abs() < 1e-12, "{d:?}");
            assert_eq!(decay_weight(d, 10.5, 10.0), 0.0);
        }
        assert_eq!(decay_weight(Decay::Linear, 5.0, 10.0), 0.5);
        assert!(decay_weight(Decay::Gaussian, 10.0, 10.0).abs() < 1e-12);
    }

    #[test]
    fn two_step_fca_matches_hand_computation() {
        // Cells 0 and 1 both reach school 0 (10 seats); cell 1 also reaches school 1 (6 seats).
        let lists = CostLists::build(2, |i, buf| {
            buf.push((0, 1.0));
            if i == 1 {
                buf.push((1, 2.0));
            }
        });
        let a = two_step_fca(
            &[4.0, 6.0],
            &lists,
            &[5.0, 5.0],
            &[Some(10.0), Some(6.0)],
            Decay::Step,
        );
        // R0 = 10 / 10 = 1, R1 = 6 / 6 = 1.
        assert_eq!(a, vec![1.0, 2.0]);
    }
}
