//! Brute force over all selections as the oracle for every solver on small random instances:
//! a heuristic is never better than the optimum, a bound never on the wrong side of it, and
//! `Optimal` only when it truly is.

use schoolplan::solve::{capacitated, lscp, mclp, pcenter, pmedian};
use schoolplan::solve::{Capacities, Problem, Sense, Solution, SparseCosts, Status};
use schoolplan_testkit::oracle::{self as exact, Kind};
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

/// Random points in a 10 × 10 square; integer rounded Euclidean costs; some pairs dropped.
fn instance(seed: u64) -> (SparseCosts, Problem) {
    let mut r = Lcg(seed);
    let n = 3 + (r.next() * 10.0) as usize;
    let m = 2 + (r.next() * 8.0) as usize;
    let pts = |k: usize, r: &mut Lcg| {
        (0..k)
            .map(|_| (r.next() * 10.0, r.next() * 10.0))
            .collect::<Vec<_>>()
    };
    let (d, s) = (pts(n, &mut r), pts(m, &mut r));
    let lists = d
        .iter()
        .map(|a| {
            s.iter()
                .enumerate()
                .map(|(j, b)| (j, ((a.0 - b.0).hypot(a.1 - b.1)).round()))
                .filter(|_| r.next() > 0.15)
                .collect()
        })
        .collect();
    let weights = (0..n).map(|_| (r.next() * 5.0).floor()).collect();
    let costs = SparseCosts::from_lists(weights, m, lists).unwrap();
    let mut problem = Problem {
        p: (r.next() * 4.0) as usize,
        radius: (2.0 + r.next() * 4.0).round(),
        time_limit: Duration::from_millis(200),
        seed,
        ..Problem::default()
    };
    if r.next() < 0.3 {
        problem.fixed_open = vec![(r.next() * m as f64) as usize];
    }
    let cap = (0..m).map(|_| (2.0 + r.next() * 10.0).floor()).collect();
    problem.capacities = Some(Capacities {
        capacity: cap,
        usage: None,
    });
    (costs, problem)
}

fn check(kind: Kind, sol: &Solution, opt: Option<(f64, Vec<usize>)>, seed: u64) {
    let Some((opt, _)) = opt else {
        assert_eq!(sol.status, Status::Infeasible, "{kind:?} seed {seed}");
        return;
    };
    let tol = 1e-6 * opt.abs().max(1.0);
    match sol.sense {
        Sense::Minimise => {
            assert!(
                sol.objective >= opt - tol,
                "{kind:?} seed {seed}: heuristic {} < optimum {opt}",
                sol.objective
            );
            assert!(
                sol.bound <= opt + tol,
                "{kind:?} seed {seed}: bound {} > optimum {opt}",
                sol.bound
            );
        }
        Sense::Maximise => {
            assert!(
                sol.objective <= opt + tol,
                "{kind:?} seed {seed}: heuristic {} > optimum {opt}",
                sol.objective
            );
            assert!(
                sol.bound >= opt - tol,
                "{kind:?} seed {seed}: bound {} < optimum {opt}",
                sol.bound
            );
        }
    }
    if sol.status == Status::Optimal {
        assert!(
            (sol.objective - opt).abs() <= tol,
            "{kind:?} seed {seed}: Optimal but {} ≠ {opt}",
            sol.objective
        );
    }
}

#[test]
fn every_solver_agrees_with_brute_force() {
    for seed in 0..80 {
        let (costs, problem) = instance(seed);
        let run = |kind: Kind, sol: Solution| {
            check(
                kind,
                &sol,
                exact::solve(kind, &costs, &problem).unwrap(),
                seed,
            )
        };
        run(Kind::PMedian, pmedian::solve(&costs, &problem).unwrap());
        run(Kind::Mclp, mclp::solve(&costs, &problem).unwrap());
        run(Kind::Lscp, lscp::solve(&costs, &problem).unwrap());
        run(Kind::PCenter, pcenter::solve(&costs, &problem).unwrap());
        run(
            Kind::CapacitatedPMedian,
            capacitated::solve(&costs, &problem).unwrap(),
        );
        run(
            Kind::CapacitatedMclp,
            mclp::solve_capacitated(&costs, &problem).unwrap(),
        );
    }
}

#[test]
fn heuristics_respect_budget_and_groups() {
    for seed in 100..130 {
        let (costs, mut problem) = instance(seed);
        let m = costs.m();
        problem.p = 3;
        problem.site_cost = Some((0..m).map(|j| 1.0 + (j % 3) as f64).collect());
        problem.budget = Some(4.0);
        problem.groups = vec![schoolplan::solve::GroupLimit {
            candidates: vec![0, 1],
            min: 1,
            max: 1,
        }];
        let opt = exact::solve(Kind::PMedian, &costs, &problem).unwrap();
        let sol = pmedian::solve(&costs, &problem).unwrap();
        check(Kind::PMedian, &sol, opt, seed);
        let opt = exact::solve(Kind::Mclp, &costs, &problem).unwrap();
        let sol = mclp::solve(&costs, &problem).unwrap();
        check(Kind::Mclp, &sol, opt, seed);
        if sol.status != Status::Infeasible {
            let cost: f64 = sol.selected.iter().map(|&j| 1.0 + (j % 3) as f64).sum();
            assert!(cost <= 4.0 + 1e-9 && sol.selected.len() <= 3, "seed {seed}");
            assert_eq!(
                sol.selected
                    .iter()
                    .filter(|&&j| j < 2 && !problem.fixed_open.contains(&j))
                    .count(),
                1,
                "seed {seed}"
            );
        }
    }
}
