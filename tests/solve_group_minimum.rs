//! A group minimum met only by zero-gain sites (expansions co-located with an open school add
//! no coverage) must still be met, with distinct sites, by MCLP and p-median alike.

use schoolplan::solve::{mclp, pmedian, GroupLimit, Problem, SparseCosts, Status};

fn instance() -> SparseCosts {
    // Site 0 is an open school, 1 and 2 expansions at the same place, 3 and 4 new sites.
    let lists = vec![
        vec![(0, 1.0), (1, 1.0), (2, 1.0)],
        vec![(0, 2.0), (1, 2.0), (2, 2.0)],
        vec![(3, 1.0)],
        vec![(4, 1.0)],
    ];
    SparseCosts::from_lists(vec![5.0, 5.0, 7.0, 3.0], 5, lists).unwrap()
}

fn problem(min_expansions: usize) -> Problem {
    Problem {
        fixed_open: vec![0],
        p: 4,
        radius: 10.0,
        groups: vec![
            GroupLimit {
                candidates: vec![1, 2],
                min: min_expansions,
                max: 2,
            },
            GroupLimit {
                candidates: vec![3, 4],
                min: 2,
                max: 2,
            },
        ],
        unserved_cost: Some(100.0),
        ..Default::default()
    }
}

#[test]
fn mclp_meets_a_zero_gain_group_minimum() {
    let s = mclp::solve(&instance(), &problem(2)).unwrap();
    assert_eq!(s.status, Status::Optimal);
    assert_eq!(s.selected, vec![1, 2, 3, 4]);
    assert_eq!(s.objective, 20.0);
}

#[test]
fn pmedian_meets_a_zero_gain_group_minimum() {
    let s = pmedian::solve(&instance(), &problem(2)).unwrap();
    assert_ne!(s.status, Status::Infeasible);
    assert_eq!(s.selected, vec![1, 2, 3, 4]);
    // 5·1 + 5·2 + 7·1 + 3·1
    assert_eq!(s.objective, 25.0);
}
