//! A reproducible coverage benchmark on generated data (seeded).
//!
//! [`synthetic_map`] lays out a square city of [`CITY_SIDE_M`] metres: cells and schools, 70 %
//! of them clustered around 24 towns and 30 % spread evenly, cohorts of 0–20 residents (one
//! cell in ten empty), schools of five kinds (kindergarten 40 %, primary 30 %, nine-year 5 %,
//! junior 15 %, senior 10 %) with 200–2000 seats, and optionally a jittered grid road network
//! with about `nodes` nodes (10 % of links missing, 5 % one-way, 3 % barriers). [`run`]
//! measures the four levels kindergarten / primary / junior / senior at 300 / 500 / 1000 /
//! 2000 m with [`super::compute`]. `examples/coverage_bench.rs` prints the table; it is a
//! measurement, not a test.

use std::time::Instant;

use schoolplan::config::{DistanceMode, Scenario};
use schoolplan::model::{Level, Map};

use crate::map as testkit;

/// Side of the generated city, metres.
pub const CITY_SIDE_M: f64 = 40_000.0;

pub use schoolplan::rng::SplitMix;

fn place(rng: &mut SplitMix, towns: &[[f64; 2]]) -> [f64; 2] {
    let p = if rng.unit() < 0.7 {
        let t = towns[(rng.next_u64() % towns.len() as u64) as usize];
        [t[0] + rng.normalish(2500.0), t[1] + rng.normalish(2500.0)]
    } else {
        [rng.unit() * CITY_SIDE_M, rng.unit() * CITY_SIDE_M]
    };
    [p[0].clamp(0.0, CITY_SIDE_M), p[1].clamp(0.0, CITY_SIDE_M)]
}

/// A generated map: `cells` populated cells, `schools` schools and a road grid of about
/// `nodes` nodes (none when 0). The same arguments give the same map.
pub fn synthetic_map(cells: usize, schools: usize, nodes: usize, seed: u64) -> Map {
    let mut rng = SplitMix::new(seed);
    let towns: Vec<[f64; 2]> = (0..24)
        .map(|_| [rng.unit() * CITY_SIDE_M, rng.unit() * CITY_SIDE_M])
        .collect();
    let cohorts = ["pop_12_14", "pop_15_17", "pop_3_5", "pop_6_11"];
    let mut school_rng = SplitMix::new(seed ^ 0x0005_C001);
    let schools = (0..schools)
        .map(|j| {
            let u = school_rng.unit();
            let level = match u {
                u if u < 0.40 => Level::Kindergarten,
                u if u < 0.70 => Level::Primary,
                u if u < 0.75 => Level::NineYear,
                u if u < 0.90 => Level::Junior,
                _ => Level::Senior,
            };
            let seats = (200.0 + school_rng.unit() * 1800.0).round();
            let p = place(&mut school_rng, &towns);
            testkit::school(&format!("s{j}"), level, p, Some(seats))
        })
        .collect();
    let cells = (0..cells)
        .map(|i| {
            let p = place(&mut rng, &towns);
            let empty = rng.unit() < 0.1;
            let pop = (0..4)
                .map(|_| {
                    if empty {
                        0.0
                    } else {
                        (rng.unit() * 20.0).round()
                    }
                })
                .collect();
            testkit::cell(&format!("c{i}"), p, pop, None)
        })
        .collect();
    let roads = if nodes == 0 {
        Vec::new()
    } else {
        grid_roads(nodes, seed)
    };
    testkit::map(schools, &cohorts, cells, Vec::new(), roads)
}

fn grid_roads(nodes: usize, seed: u64) -> Vec<schoolplan::model::Road> {
    let mut rng = SplitMix::new(seed ^ 0x0AD5);
    let k = (nodes as f64).sqrt().ceil() as usize;
    let step = CITY_SIDE_M / (k - 1).max(1) as f64;
    let pos: Vec<[f64; 2]> = (0..k * k)
        .map(|n| {
            let (r, c) = (n / k, n % k);
            [
                c as f64 * step + rng.normalish(0.15 * step),
                r as f64 * step + rng.normalish(0.15 * step),
            ]
        })
        .collect();
    let mut roads = Vec::with_capacity(2 * k * k);
    for n in 0..k * k {
        let (r, c) = (n / k, n % k);
        for (ok, m) in [(c + 1 < k, n + 1), (r + 1 < k, n + k)] {
            if !ok || rng.unit() < 0.10 {
                continue;
            }
            let oneway = rng.unit() < 0.05;
            let barrier = rng.unit() < 0.03;
            roads.push(testkit::road(
                &format!("r{}", roads.len()),
                &[pos[n], pos[m]],
                oneway,
                barrier,
            ));
        }
    }
    roads
}

/// The benchmark scenario: kindergarten / primary / junior / senior at 300 / 500 / 1000 /
/// 2000 m, step decay, catchment factor 2.
pub fn bench_scenario(mode: DistanceMode) -> Scenario {
    let levels = [
        (Level::Kindergarten, 300.0),
        (Level::Primary, 500.0),
        (Level::Junior, 1000.0),
        (Level::Senior, 2000.0),
    ]
    .into_iter()
    .map(|(l, r)| testkit::level(l, r))
    .collect();
    let mut s = testkit::scenario(levels, mode);
    s.distance.snap_max_m = 2000.0;
    s
}

/// One benchmark measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchRow {
    /// `straight` or `network`.
    pub mode: &'static str,
    /// Cells.
    pub cells: usize,
    /// Schools.
    pub schools: usize,
    /// Network nodes and edges (0 for straight lines).
    pub nodes_edges: (usize, usize),
    /// Seconds to generate the data (not part of the measurement).
    pub generate_s: f64,
    /// Seconds of [`super::compute`] for all four levels (wall clock).
    pub compute_s: f64,
    /// CPU seconds (user + system, all threads) of the same call, from `/proc/self/stat`
    /// (`None` where that is not available): robust to other load on the machine.
    pub compute_cpu_s: Option<f64>,
    /// Coverage share per level, as a check that the work was done.
    pub coverage: Vec<(Level, f64)>,
}

/// Generates the data and times [`super::compute`] once.
pub fn run(cells: usize, schools: usize, nodes: usize, seed: u64) -> BenchRow {
    let t0 = Instant::now();
    let map = synthetic_map(cells, schools, nodes, seed);
    let generate_s = t0.elapsed().as_secs_f64();
    let mode = if nodes == 0 {
        DistanceMode::Straight
    } else {
        DistanceMode::Network
    };
    let scenario = bench_scenario(mode);
    let cpu0 = process_cpu_s();
    let t1 = Instant::now();
    let cov = schoolplan::coverage::compute(&map, &scenario).expect("benchmark data are valid");
    let compute_s = t1.elapsed().as_secs_f64();
    let compute_cpu_s = process_cpu_s().zip(cpu0).map(|(b, a)| b - a);
    let nodes_edges = if nodes == 0 {
        (0, 0)
    } else {
        let net = schoolplan::spatial::network::RoadNetwork::build(
            &map.roads,
            schoolplan::spatial::network::NetworkOptions::from_config(&scenario.distance),
        );
        (net.graph().node_count(), net.graph().edge_count())
    };
    BenchRow {
        mode: if nodes == 0 { "straight" } else { "network" },
        cells,
        schools,
        nodes_edges,
        generate_s,
        compute_s,
        compute_cpu_s,
        coverage: cov.levels.iter().map(|l| (l.level, l.coverage())).collect(),
    }
}

/// CPU time of this process so far (user + system), seconds; Linux only (`/proc/self/stat`,
/// clock ticks of 1/100 s).
pub fn process_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
