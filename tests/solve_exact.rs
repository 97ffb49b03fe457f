//! The exact solvers (MCLP, LSCP and p-center branch-and-bound) against brute-force
//! enumeration: on small random instances they must *prove* the enumerated optimum (`Optimal`,
//! bound equal to the objective, search complete); the MCLP bound must never exceed the
//! coverable demand nor fall below the objective, whatever the work budget; and a solve stopped
//! early must still bracket the optimum.

use schoolplan::solve::{lscp, mclp, pcenter};
use schoolplan::solve::{GroupLimit, Problem, Solution, SparseCosts, Status, Stop};
use schoolplan_testkit::oracle::{self as exact, Kind};
use std::time::Duration;

/// splitmix64, local to the test so that the instances do not depend on the crate's generator.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        ((self.next() * n as f64) as usize).min(n - 1)
    }
}

/// Points in a square; Euclidean costs (two decimals); `n` demands, `m` candidates. Weights
/// integral or fractional. Dense enough that coverage sets overlap a lot.
fn instance(seed: u64, n: usize, m: usize, integral: bool) -> SparseCosts {
    let mut r = Rng(seed);
    let pts = |k: usize, r: &mut Rng| {
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
                .map(|(j, b)| (j, ((a.0 - b.0).hypot(a.1 - b.1) * 100.0).round() / 100.0))
                .collect()
        })
        .collect();
    let weights = (0..n)
        .map(|_| {
            if integral {
                (1 + r.below(20)) as f64
            } else {
                0.25 + r.next() * 7.0
            }
        })
        .collect();
    SparseCosts::from_lists(weights, m, lists).unwrap()
}

fn problem(p: usize, radius: f64) -> Problem {
    Problem {
        p,
        radius,
        time_limit: Duration::from_secs(600),
        work_limit: Some(2_000_000_000),
        ..Problem::default()
    }
}

fn coverable(costs: &SparseCosts, radius: f64) -> f64 {
    (0..costs.n())
        .filter(|&i| costs.row(i).any(|(_, c)| c <= radius))
        .map(|i| costs.weights()[i])
        .sum()
}

fn assert_proven(sol: &Solution, opt: f64, what: &str) {
    let tol = 1e-7 * opt.abs().max(1.0);
    assert_eq!(sol.status, Status::Optimal, "{what}: gap {}", sol.gap);
    assert_eq!(sol.stop, Stop::Complete, "{what}");
    assert!(
        (sol.objective - opt).abs() <= tol,
        "{what}: {} ≠ {opt}",
        sol.objective
    );
    assert!(
        (sol.bound - opt).abs() <= tol,
        "{what}: bound {} ≠ {opt}",
        sol.bound
    );
}

#[test]
fn mclp_proves_the_enumerated_optimum() {
    for seed in 0..40 {
        let m = 8 + (seed as usize % 7);
        let costs = instance(seed, 60, m, seed % 3 != 0);
        let mut pr = problem(2 + seed as usize % 4, 2.0 + (seed % 4) as f64 * 0.5);
        if seed % 5 == 0 {
            pr.fixed_open = vec![seed as usize % m];
        }
        let (opt, _) = exact::solve(Kind::Mclp, &costs, &pr).unwrap().unwrap();
        let sol = mclp::solve(&costs, &pr).unwrap();
        assert_proven(&sol, opt, &format!("mclp seed {seed}"));
        assert!(sol.selected.len() <= pr.p);
    }
}

#[test]
fn mclp_with_budget_and_groups_proves_the_enumerated_optimum() {
    for seed in 100..130 {
        let m = 10;
        let costs = instance(seed, 50, m, true);
        let mut pr = problem(3, 2.5);
        pr.site_cost = Some((0..m).map(|j| 1.0 + (j % 3) as f64).collect());
        pr.budget = Some(5.0);
        pr.groups = vec![GroupLimit {
            candidates: vec![0, 1, 2],
            min: 1,
            max: 1,
        }];
        let opt = exact::solve(Kind::Mclp, &costs, &pr).unwrap();
        let sol = mclp::solve(&costs, &pr).unwrap();
        let Some((opt, _)) = opt else {
            assert_eq!(sol.status, Status::Infeasible, "seed {seed}");
            continue;
        };
        assert_proven(&sol, opt, &format!("mclp+limits seed {seed}"));
        let spent: f64 = sol.selected.iter().map(|&j| 1.0 + (j % 3) as f64).sum();
        assert!(spent <= 5.0 + 1e-9, "seed {seed}: budget");
        assert_eq!(
            sol.selected.iter().filter(|&&j| j < 3).count(),
            1,
            "seed {seed}: group"
        );
    }
}

/// New sites in two "townships" (nested in the new-site group) plus co-located expansions:
/// the planner's groups are laminar and the bound respects their maxima; a crossing family is
/// relaxed. Both must prove the enumerated optimum; the capacitated variant must bracket it.
#[test]
fn mclp_with_laminar_and_crossing_groups_proves_the_enumerated_optimum() {
    use schoolplan::solve::Capacities;
    for seed in 400..430 {
        let m = 12;
        let costs = instance(seed, 50, m, seed % 2 == 0);
        let laminar = seed % 3 != 0;
        let mut pr = problem(4, 2.0 + (seed % 3) as f64 * 0.5);
        pr.groups = if laminar {
            vec![
                GroupLimit {
                    candidates: (0..8).collect(),
                    min: 1,
                    max: 2,
                },
                GroupLimit {
                    candidates: (0..4).collect(),
                    min: 0,
                    max: 1,
                },
                GroupLimit {
                    candidates: (4..8).collect(),
                    min: 0,
                    max: 1,
                },
                GroupLimit {
                    candidates: (8..12).collect(),
                    min: 0,
                    max: 2,
                },
            ]
        } else {
            vec![
                GroupLimit {
                    candidates: (0..7).collect(),
                    min: 1,
                    max: 2,
                },
                GroupLimit {
                    candidates: (5..12).collect(),
                    min: 0,
                    max: 2,
                },
            ]
        };
        let what = format!("seed {seed} laminar {laminar}");
        let (opt, _) = exact::solve(Kind::Mclp, &costs, &pr).unwrap().unwrap();
        let sol = mclp::solve(&costs, &pr).unwrap();
        assert_proven(&sol, opt, &what);
        // The capacitated enumeration assigns every demand exactly: a smaller instance.
        let costs = instance(seed, 12, m, seed % 2 == 0);
        let (opt, _) = exact::solve(Kind::Mclp, &costs, &pr).unwrap().unwrap();
        pr.capacities = Some(Capacities {
            capacity: (0..m).map(|j| 8.0 + 6.0 * (j % 4) as f64).collect(),
            usage: None,
        });
        let (cap_opt, _) = exact::solve(Kind::CapacitatedMclp, &costs, &pr)
            .unwrap()
            .unwrap();
        let sol = mclp::solve_capacitated(&costs, &pr).unwrap();
        let tol = 1e-7 * cap_opt.max(1.0);
        assert!(
            sol.objective <= cap_opt + tol,
            "{what}: {} > {cap_opt}",
            sol.objective
        );
        assert!(
            sol.bound >= cap_opt - tol,
            "{what}: bound {} < {cap_opt}",
            sol.bound
        );
        assert!(
            sol.bound <= opt + tol,
            "{what}: capacitated bound above the uncapacitated optimum"
        );
    }
}

#[test]
fn mclp_bound_never_exceeds_coverable_demand_nor_falls_below_the_objective() {
    // Large enough that small budgets stop the search early.
    for seed in 0..4 {
        let costs = instance(1000 + seed, 400, 60, seed % 2 == 0);
        for radius in [1.0, 2.5, 4.0] {
            let limit = coverable(&costs, radius);
            for work in [1_000, 100_000, 3_000_000, 2_000_000_000] {
                let mut pr = problem(6, radius);
                pr.work_limit = Some(work);
                let sol = mclp::solve(&costs, &pr).unwrap();
                let what = format!("seed {seed} radius {radius} work {work}");
                assert!(
                    sol.bound <= limit + 1e-9 * limit,
                    "{what}: bound {} > coverable {limit}",
                    sol.bound
                );
                assert!(sol.bound <= sol.total, "{what}: bound above the total");
                assert!(
                    sol.bound >= sol.objective - 1e-9,
                    "{what}: bound below the objective"
                );
                assert!(
                    sol.work <= work.max(sol.work.min(work + 50_000_000)),
                    "{what}"
                );
                if sol.status != Status::Optimal {
                    assert_eq!(sol.stop, Stop::WorkLimit, "{what}");
                }
            }
        }
    }
}

#[test]
fn lscp_proves_the_enumerated_optimum() {
    for seed in 200..240 {
        let m = 10 + (seed as usize % 6);
        let costs = instance(seed, 50, m, true);
        let mut pr = problem(0, 2.0 + (seed % 3) as f64);
        if seed % 2 == 0 {
            pr.site_cost = Some(
                (0..m)
                    .map(|j| (1 + (j * 7 + seed as usize) % 4) as f64)
                    .collect(),
            );
        }
        if seed % 7 == 0 {
            pr.fixed_open = vec![0];
        }
        let (opt, _) = exact::solve(Kind::Lscp, &costs, &pr).unwrap().unwrap();
        let sol = lscp::solve(&costs, &pr).unwrap();
        assert_proven(&sol, opt, &format!("lscp seed {seed}"));
        assert!(
            (sol.covered - coverable(&costs, pr.radius)).abs() < 1e-9 || !pr.fixed_open.is_empty()
        );
    }
}

#[test]
fn pcenter_proves_the_enumerated_optimum() {
    for seed in 300..330 {
        let m = 8 + (seed as usize % 8);
        let costs = instance(seed, 40, m, true);
        let mut pr = problem(1 + seed as usize % 4, 0.0);
        if seed % 6 == 0 {
            pr.fixed_open = vec![1];
        }
        let (opt, _) = exact::solve(Kind::PCenter, &costs, &pr).unwrap().unwrap();
        let sol = pcenter::solve(&costs, &pr).unwrap();
        assert_proven(&sol, opt, &format!("pcenter seed {seed}"));
    }
}

#[test]
fn same_inputs_same_answer_and_work() {
    let costs = instance(77, 400, 60, true);
    let pr = Problem {
        work_limit: Some(20_000_000),
        ..problem(7, 2.0)
    };
    let a = mclp::solve(&costs, &pr).unwrap();
    let b = mclp::solve(&costs, &pr).unwrap();
    assert_eq!(
        (&a.selected, a.objective, a.bound, a.work, a.nodes),
        (&b.selected, b.objective, b.bound, b.work, b.nodes)
    );
}
