//! Capacitated MCLP: expansions (candidates co-located with an open school, adding seats, no
//! uncapacitated coverage gain) must go where demand exceeds seats, and the choice must match
//! brute force.

use schoolplan::solve::{mclp, Capacities, GroupLimit, Problem, SparseCosts};
use schoolplan_testkit::oracle::{self as exact, Kind};
use std::time::Duration;

/// Site 0: an open school with 3 seats and 8 pupils around it; sites 1 (1 seat) and 2 (3 seats)
/// are expansions of it; site 3 is a new school with 10 seats covering 2 other pupils.
fn instance() -> SparseCosts {
    let mut lists: Vec<Vec<(usize, f64)>> =
        (0..8).map(|_| vec![(0, 1.0), (1, 1.0), (2, 1.0)]).collect();
    lists.extend((0..2).map(|_| vec![(3, 1.0)]));
    SparseCosts::from_lists(vec![1.0; 10], 4, lists).unwrap()
}

fn problem(p: usize, groups: Vec<GroupLimit>) -> Problem {
    Problem {
        fixed_open: vec![0],
        p,
        radius: 5.0,
        groups,
        capacities: Some(Capacities {
            capacity: vec![3.0, 1.0, 3.0, 10.0],
            usage: None,
        }),
        time_limit: Duration::from_secs(1),
        ..Default::default()
    }
}

fn check(problem: &Problem, expected: &[usize], objective: f64) {
    let costs = instance();
    let (opt, _) = exact::solve(Kind::CapacitatedMclp, &costs, problem)
        .unwrap()
        .unwrap();
    assert_eq!(opt, objective, "brute force");
    let sol = mclp::solve_capacitated(&costs, problem).unwrap();
    assert_eq!(sol.objective, opt);
    assert_eq!(sol.selected, expected);
    assert!(sol.bound >= opt - 1e-9);
}

#[test]
fn one_site_goes_to_the_larger_expansion_not_the_uncapacitated_pick() {
    // Uncapacitated, site 3 gains 2 and the expansions 0; with seats, expansion 2 adds 3.
    check(&problem(1, Vec::new()), &[2], 6.0);
}

#[test]
fn a_forced_expansion_is_the_one_with_more_seats() {
    // Exactly one expansion is required: the larger one (3 + 3 + 2), not the lowest index.
    let groups = vec![GroupLimit {
        candidates: vec![1, 2],
        min: 1,
        max: 1,
    }];
    check(&problem(2, groups), &[2, 3], 8.0);
}

#[test]
fn two_sites_take_the_new_school_and_the_larger_expansion() {
    check(&problem(2, Vec::new()), &[2, 3], 8.0);
}
