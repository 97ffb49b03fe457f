//! Brute-force oracles on seeded random data: the indexes and the engine against direct
//! computation.

use schoolplan::config::DistanceMode;
use schoolplan::coverage::{compute, Unreachable};
use schoolplan::model::Level;
use schoolplan::spatial::index::straight_costs;
use schoolplan::spatial::network::{NetworkOptions, RoadNetwork};
use schoolplan_testkit::bench::{synthetic_map, SplitMix};
use schoolplan_testkit::map::{level, scenario};

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

#[test]
fn straight_nearest_matches_brute_force() {
    let map = synthetic_map(3000, 120, 0, 7);
    let s = scenario(
        vec![
            level(Level::Kindergarten, 300.0),
            level(Level::Primary, 500.0),
            level(Level::Junior, 1000.0),
        ],
        DistanceMode::Straight,
    );
    let cov = compute(&map, &s).unwrap();
    for lc in &cov.levels {
        let serving: Vec<usize> = (0..map.schools.len())
            .filter(|&j| map.schools[j].serves(lc.level))
            .collect();
        let mut covered = 0.0;
        for (i, c) in map.demand.cells.iter().enumerate() {
            let p = [c.pos.x, c.pos.y];
            let (best_j, best_d) = serving
                .iter()
                .map(|&j| (j, dist(p, [map.schools[j].pos.x, map.schools[j].pos.y])))
                .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
                .unwrap();
            assert_eq!(lc.nearest[i], Some(best_j), "{:?} cell {i}", lc.level);
            assert_eq!(lc.cost[i], best_d);
            assert_eq!(lc.covered[i], best_d <= lc.radius);
            if best_d <= lc.radius {
                covered += lc.demand[i];
            }
        }
        assert!((lc.covered_demand - covered).abs() < 1e-6);
        assert!(lc.coverage() > 0.0 && lc.coverage() < 1.0);
    }
}

#[test]
fn straight_costs_match_brute_force() {
    let mut rng = SplitMix::new(11);
    let mut pt = || [rng.unit() * 5000.0, rng.unit() * 5000.0];
    let origins: Vec<[f64; 2]> = (0..500).map(|_| pt()).collect();
    let targets: Vec<[f64; 2]> = (0..80).map(|_| pt()).collect();
    let lists = straight_costs(&origins, &targets, 800.0).into_lists();
    for (i, o) in origins.iter().enumerate() {
        let mut want: Vec<(usize, f64)> = targets
            .iter()
            .enumerate()
            .map(|(j, t)| (j, dist(*o, *t)))
            .filter(|p| p.1 <= 800.0)
            .collect();
        want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        assert_eq!(lists[i], want);
    }
}

/// Network costs against an independent Dijkstra (petgraph's) on a graph where every origin
/// and destination is an explicit node spliced into its edge.
#[test]
fn network_costs_match_petgraph_dijkstra() {
    use petgraph::algo::dijkstra;
    use petgraph::graph::{DiGraph, NodeIndex};
    use petgraph::visit::EdgeRef;

    let map = synthetic_map(0, 0, 400, 3);
    let options = NetworkOptions {
        unit: schoolplan::config::CostUnit::M,
        walk_speed_kmh: 4.5,
        snap_max_m: 3000.0,
        join_tolerance_m: 1.0,
    };
    let net = RoadNetwork::build(&map.roads, options);
    let mut rng = SplitMix::new(5);
    let side = schoolplan_testkit::bench::CITY_SIDE_M;
    let mut pt = || [rng.unit() * side, rng.unit() * side];
    let origins: Vec<[f64; 2]> = (0..40).map(|_| pt()).collect();
    let dests: Vec<[f64; 2]> = (0..15).map(|_| pt()).collect();
    let cutoff = 12_000.0;
    let lists = net.costs_within(&origins, &dests, cutoff, true);

    // Reference graph: the road graph without barriers, each point a node joined to a node
    // spliced at its snap position.
    let g = net.graph();
    let mut h: DiGraph<(), f64> = DiGraph::new();
    for _ in g.node_indices() {
        h.add_node(());
    }
    let snaps_o: Vec<_> = origins.iter().map(|&p| net.snap(p, true)).collect();
    let snaps_d: Vec<_> = dests.iter().map(|&p| net.snap(p, true)).collect();
    let mut on_edge: Vec<Vec<(f64, NodeIndex, bool, f64)>> = vec![Vec::new(); g.edge_count()];
    let mut point_nodes = Vec::new();
    for (k, s) in snaps_o.iter().chain(&snaps_d).enumerate() {
        let n = h.add_node(());
        point_nodes.push(n);
        if let Some(s) = s {
            on_edge[s.edge as usize].push((s.t, n, k < origins.len(), s.leg));
        }
    }
    for e in g.edge_references() {
        let w = e.weight();
        if w.barrier {
            continue;
        }
        let mut chain = vec![(0.0, e.source(), None)];
        let mut pts = on_edge[e.id().index()].clone();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (t, n, _, leg) in &pts {
            chain.push((*t, h.add_node(()), Some((*n, *leg))));
        }
        chain.push((1.0, e.target(), None));
        for win in chain.windows(2) {
            let c = (win[1].0 - win[0].0) * w.cost;
            h.add_edge(win[0].1, win[1].1, c);
            if !w.oneway {
                h.add_edge(win[1].1, win[0].1, c);
            }
        }
        for (t_node, _, link) in chain.iter().map(|x| (x.1, x.0, x.2)) {
            if let Some((pnode, leg)) = link {
                h.add_edge(pnode, t_node, leg);
                h.add_edge(t_node, pnode, leg);
            }
        }
    }
    for (i, _) in origins.iter().enumerate() {
        let d = dijkstra(&h, point_nodes[i], None, |e| *e.weight());
        let mut want: Vec<(usize, f64)> = (0..dests.len())
            .filter_map(|j| d.get(&point_nodes[origins.len() + j]).map(|&c| (j, c)))
            .filter(|p| p.1 <= cutoff && snaps_o[i].is_some())
            .collect();
        want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        assert_eq!(
            lists[i].len(),
            want.len(),
            "origin {i}: {:?} vs {:?}",
            lists[i],
            want
        );
        for (a, b) in lists[i].iter().zip(&want) {
            assert!((a.1 - b.1).abs() < 1e-6, "origin {i}: {a:?} vs {b:?}");
        }
    }
}

#[test]
fn network_nearest_matches_unbounded_pair_lists() {
    let map = synthetic_map(1500, 60, 900, 9);
    let mut s = scenario(
        vec![level(Level::Primary, 1500.0), level(Level::Junior, 3000.0)],
        DistanceMode::Network,
    );
    s.distance.snap_max_m = 1500.0;
    let cov = compute(&map, &s).unwrap();
    let net = RoadNetwork::build(&map.roads, NetworkOptions::from_config(&s.distance));
    let cells: Vec<[f64; 2]> = map
        .demand
        .cells
        .iter()
        .map(|c| [c.pos.x, c.pos.y])
        .collect();
    let mut reached = 0;
    for (lc, cfg) in cov.levels.iter().zip(&s.levels) {
        let serving: Vec<usize> = (0..map.schools.len())
            .filter(|&j| map.schools[j].serves(lc.level))
            .collect();
        let pts: Vec<[f64; 2]> = serving
            .iter()
            .map(|&j| [map.schools[j].pos.x, map.schools[j].pos.y])
            .collect();
        let lists = net.costs_within(&cells, &pts, 1e12, cfg.avoid_barriers);
        for (i, list) in lists.iter().enumerate() {
            match list.first() {
                Some(&(k, c)) => {
                    reached += 1;
                    assert!(
                        (lc.cost[i] - c).abs() < 1e-6,
                        "{:?} cell {i}: {} vs {c}",
                        lc.level,
                        lc.cost[i]
                    );
                    assert_eq!(lc.nearest[i], Some(serving[k]));
                    assert_eq!(lc.unreachable[i], None);
                }
                None => {
                    assert_eq!(lc.cost[i], f64::INFINITY);
                    assert!(matches!(
                        lc.unreachable[i],
                        Some(Unreachable::OffNetwork | Unreachable::Disconnected)
                    ));
                }
            }
        }
    }
    assert!(reached > 1000, "{reached}");
}
