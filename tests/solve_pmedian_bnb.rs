//! The p-median branch-and-bound against brute force on instances whose Lagrangian bound alone
//! leaves a gap (few sites, clustered demand, fractional weights): `Optimal` must be the true
//! optimum, the bound must never exceed it, and on these small trees the proof must complete.

use schoolplan::solve::exact::{self, Kind};
use schoolplan::solve::{pmedian, Problem, SparseCosts, Status};
use std::time::Duration;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Demand in a few clusters, 20 candidates anywhere, dense fractional costs.
fn instance(seed: u64) -> (SparseCosts, Problem) {
    let mut r = Lcg(seed);
    let n = 60;
    let m = 20;
    let centres: Vec<(f64, f64)> = (0..4).map(|_| (r.next() * 10.0, r.next() * 10.0)).collect();
    let d: Vec<(f64, f64)> = (0..n)
        .map(|k| {
            let c = centres[k % centres.len()];
            (c.0 + 2.0 * r.next(), c.1 + 2.0 * r.next())
        })
        .collect();
    let s: Vec<(f64, f64)> = (0..m).map(|_| (r.next() * 10.0, r.next() * 10.0)).collect();
    let lists = d
        .iter()
        .map(|a| {
            s.iter()
                .enumerate()
                .map(|(j, b)| (j, (a.0 - b.0).hypot(a.1 - b.1)))
                .collect()
        })
        .collect();
    let weights = (0..n).map(|_| 0.5 + r.next() * 3.0).collect();
    let costs = SparseCosts::from_lists(weights, m, lists).unwrap();
    let problem = Problem {
        p: 2 + (seed % 4) as usize,
        time_limit: Duration::from_millis(1500),
        seed,
        ..Problem::default()
    };
    (costs, problem)
}

#[test]
fn branch_and_bound_proves_the_brute_force_optimum() {
    for seed in 0..12 {
        let (costs, problem) = instance(seed);
        let (opt, _) = exact::solve(Kind::PMedian, &costs, &problem)
            .unwrap()
            .unwrap();
        let sol = pmedian::solve(&costs, &problem).unwrap();
        let tol = 1e-7 * opt.abs().max(1.0);
        assert!(sol.bound <= opt + tol, "seed {seed}: bound {} > {opt}", sol.bound);
        assert!(sol.objective >= opt - tol, "seed {seed}: below the optimum");
        if sol.status == Status::Optimal {
            assert!((sol.objective - opt).abs() <= tol, "seed {seed}: false Optimal");
        }
        assert_eq!(sol.status, Status::Optimal, "seed {seed}: gap {}", sol.gap);
    }
}
