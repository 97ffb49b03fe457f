//! Edge cases, invariants and the shipped OR-Library instances.

use schoolplan::solve::{lscp, mclp, pcenter, pmedian};
use schoolplan::solve::{Problem, SolveError, SparseCosts, Status};
use schoolplan_testkit::solve_bench::{generated_mclp, read_known, read_pmed, read_scp};
use std::path::Path;
use std::time::Duration;

fn data(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/bench")
        .join(rel)
}

fn line() -> SparseCosts {
    // Four demands on a line at 0, 1, 2, 10; candidates at the same places.
    let pos = [0.0f64, 1.0, 2.0, 10.0];
    let rows: Vec<Vec<f64>> = pos
        .iter()
        .map(|a| pos.iter().map(|b| (a - b).abs()).collect())
        .collect();
    SparseCosts::from_dense(vec![1.0, 1.0, 1.0, 2.0], &rows, None).unwrap()
}

#[test]
fn empty_demand_is_trivially_optimal() {
    let costs = SparseCosts::from_lists(vec![], 3, vec![]).unwrap();
    let p = Problem {
        p: 2,
        ..Problem::default()
    };
    let s = pmedian::solve(&costs, &p).unwrap();
    assert_eq!((s.objective, s.status), (0.0, Status::Optimal));
    assert_eq!(mclp::solve(&costs, &p).unwrap().objective, 0.0);
    assert_eq!(lscp::solve(&costs, &p).unwrap().objective, 0.0);
}

#[test]
fn p_zero_and_p_beyond_m() {
    let costs = line();
    let s = pmedian::solve(
        &costs,
        &Problem {
            p: 0,
            fixed_open: vec![1],
            ..Problem::default()
        },
    )
    .unwrap();
    assert_eq!(s.objective, 1.0 + 1.0 + 2.0 * 9.0);
    assert!(s.selected.is_empty());
    let s = pmedian::solve(
        &costs,
        &Problem {
            p: 99,
            ..Problem::default()
        },
    )
    .unwrap();
    assert_eq!((s.objective, s.status), (0.0, Status::Optimal));
}

#[test]
fn single_candidate_and_ties() {
    let costs =
        SparseCosts::from_dense(vec![1.0, 1.0], &[vec![1.0, 1.0], vec![1.0, 1.0]], None).unwrap();
    let s = pmedian::solve(
        &costs,
        &Problem {
            p: 1,
            ..Problem::default()
        },
    )
    .unwrap();
    assert_eq!((s.objective, s.status), (2.0, Status::Optimal));
    let one = SparseCosts::from_dense(vec![3.0], &[vec![4.0]], None).unwrap();
    let s = pmedian::solve(
        &one,
        &Problem {
            p: 1,
            ..Problem::default()
        },
    )
    .unwrap();
    assert_eq!((s.selected.clone(), s.objective), (vec![0], 12.0));
}

#[test]
fn unreachable_and_zero_weight_demand() {
    let costs = SparseCosts::from_lists(
        vec![1.0, 0.0, 5.0],
        2,
        vec![vec![(0, 1.0)], vec![(1, 1.0)], vec![]],
    )
    .unwrap();
    let p = Problem {
        p: 1,
        radius: 1.0,
        unserved_cost: Some(100.0),
        ..Problem::default()
    };
    let s = pmedian::solve(&costs, &p).unwrap();
    assert_eq!(s.objective, 1.0 + 500.0);
    assert_eq!(s.covered, 1.0);
    let s = mclp::solve(&costs, &p).unwrap();
    assert_eq!((s.objective, s.total), (1.0, 6.0));
    let s = pcenter::solve(&costs, &p).unwrap();
    assert_eq!((s.objective, s.status), (1.0, Status::Optimal));
}

#[test]
fn invalid_input_is_an_error_not_a_panic() {
    let costs = line();
    let bad = Problem {
        fixed_open: vec![7],
        ..Problem::default()
    };
    assert!(matches!(
        pmedian::solve(&costs, &bad),
        Err(SolveError::CandidateOutOfRange { .. })
    ));
    let bad = Problem {
        radius: f64::NAN,
        ..Problem::default()
    };
    assert!(mclp::solve(&costs, &bad).is_err());
    let bad = Problem {
        site_cost: Some(vec![1.0]),
        ..Problem::default()
    };
    assert!(lscp::solve(&costs, &bad).is_err());
    assert!(SparseCosts::from_dense(vec![1.0], &[vec![f64::NAN]], None).is_err());
}

#[test]
fn mclp_coverage_never_falls_as_p_grows() {
    let (costs, problem) = generated_mclp(3000, 300, 0, 30.0, 3).unwrap();
    let mut last = -1.0;
    for p in 0..12 {
        let s = mclp::solve(
            &costs,
            &Problem {
                p,
                time_limit: Duration::from_millis(300),
                ..problem.clone()
            },
        )
        .unwrap();
        assert!(s.objective >= last, "p = {p}: {} < {last}", s.objective);
        assert!(s.bound >= s.objective);
        last = s.objective;
    }
}

#[test]
fn fixed_sites_cover_and_do_not_count() {
    let costs = line();
    let p = Problem {
        p: 1,
        radius: 1.0,
        fixed_open: vec![0],
        ..Problem::default()
    };
    let s = mclp::solve(&costs, &p).unwrap();
    assert_eq!((s.objective, s.selected.clone()), (4.0, vec![3]));
    let s = lscp::solve(&costs, &p).unwrap();
    assert_eq!((s.objective, s.status), (2.0, Status::Optimal));
}

#[test]
fn quick_pmed_instances_reach_the_optimum() {
    let known = read_known(&data("pmed/pmedopt.txt")).unwrap();
    for name in ["pmed1", "pmed2", "pmed6"] {
        let (costs, p) = read_pmed(&data(&format!("pmed/{name}.txt"))).unwrap();
        let opt = known.iter().find(|(k, _)| k == name).unwrap().1;
        let s = pmedian::solve(
            &costs,
            &Problem {
                p,
                time_limit: Duration::from_secs(3),
                ..Problem::default()
            },
        )
        .unwrap();
        assert_eq!(s.objective, opt, "{name}");
        assert!(
            s.bound <= opt,
            "{name}: bound {} above the optimum",
            s.bound
        );
        assert_eq!(s.selected.len(), p);
    }
}

#[test]
fn scp41_bound_and_heuristic_bracket_429() {
    let (costs, cost) = read_scp(&data("scp/scp41.txt")).unwrap();
    let p = Problem {
        radius: 0.0,
        site_cost: Some(cost),
        time_limit: Duration::from_secs(3),
        ..Problem::default()
    };
    let s = lscp::solve(&costs, &p).unwrap();
    assert!(s.bound <= 429.0 && s.objective >= 429.0);
    assert!(s.objective <= 429.0 * 1.02, "{}", s.objective);
}
