//! Gap-report benchmark: the time of [`schoolplan::coverage::gaps::compute`] (gap cells,
//! clustering, nearest school with spare seats, best sites) and of the report's rows
//! ([`schoolplan::report::gaps::areas_of`]: geometry unions and links), on a scenario file and
//! on the generated bench city of `schoolplan_testkit::bench` (point cells, straight lines).
//!
//! ```text
//! cargo run --release --example gaps_bench -- [--scenario maps/fushun/plan-2025.toml]
//!     [--cells 200000,1000000] [--schools 2000] [--seed 42] [--repeat 3]
//! ```
//!
//! Prints one row per input: cells, gap cells, gaps listed and scattered lines per level,
//! and the best of `--repeat` wall-clock times. A measurement, not a test.

use std::path::PathBuf;
use std::time::Instant;

use schoolplan::config::DistanceMode;
use schoolplan::coverage::gaps::{self, Gap};
use schoolplan::report::RunBundle;
use schoolplan_testkit::bench;

/// Runs `f` `repeat` times; the result, the best wall-clock seconds and the least CPU seconds
/// (user + system, all threads: robust to other load on the machine).
fn best_of<T>(repeat: usize, mut f: impl FnMut() -> T) -> (T, f64, f64) {
    let (mut best, mut cpu) = (f64::INFINITY, f64::INFINITY);
    let mut out = None;
    for _ in 0..repeat.max(1) {
        let c0 = bench::process_cpu_s();
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (c0, bench::process_cpu_s()) {
            cpu = cpu.min(b - a);
        }
        out = Some(v);
    }
    (out.expect("ran once"), best, cpu)
}

fn counts(g: &[Gap]) -> String {
    let mut levels: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    for x in g {
        if !seen.contains(&x.level) {
            seen.push(x.level);
        }
    }
    for l in seen {
        let listed = g.iter().filter(|x| x.level == l && !x.scattered).count();
        let lines = g.iter().filter(|x| x.level == l && x.scattered).count();
        levels.push(format!("{} {listed}+{lines}", l.name()));
    }
    levels.join(", ")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
            .unwrap_or_else(|| default.to_string())
    };
    let scenario = PathBuf::from(get("--scenario", "maps/fushun/plan-2025.toml"));
    let cells: Vec<usize> = get("--cells", "200000,1000000")
        .split(',')
        .map(|s| s.parse().expect("--cells: numbers"))
        .collect();
    let schools: usize = get("--schools", "2000").parse().expect("--schools");
    let seed: u64 = get("--seed", "42").parse().expect("--seed");
    let repeat: usize = get("--repeat", "3").parse().expect("--repeat");
    println!(
        "threads: {}; best of {repeat}",
        rayon::current_num_threads()
    );
    println!(
        "| input | cells | gap cells | gaps listed + scattered lines | gaps s (CPU s) | report rows s (CPU s) |"
    );
    println!("| --- | ---: | ---: | --- | ---: | ---: |");

    let a = schoolplan::pipeline::analyse(&scenario, &mut |_| {}).expect("the scenario runs");
    let (g, secs, cpu) = best_of(repeat, || {
        gaps::compute(&a.map, &a.scenario, &a.coverage).expect("gaps")
    });
    let (findings, proposals) = (Vec::new(), Vec::new());
    let bundle = RunBundle {
        map: &a.map,
        scenario: &a.scenario,
        coverage: &a.coverage,
        findings: &findings,
        proposals: &proposals,
        proposal_meta: None,
        coverage_before: None,
    };
    let (_, rows, rows_cpu) = best_of(repeat, || schoolplan::report::gaps::areas_of(&bundle, &g));
    println!(
        "| {} | {} | {} | {} | {secs:.3} ({cpu:.2}) | {rows:.3} ({rows_cpu:.2}) |",
        scenario.display(),
        a.map.demand.cells.len(),
        g.iter().map(|x| x.cells.len()).sum::<usize>(),
        counts(&g),
    );

    for &n in &cells {
        let map = bench::synthetic_map(n, schools, 0, seed);
        let sc = bench::bench_scenario(DistanceMode::Straight);
        let cov = schoolplan::coverage::compute(&map, &sc).expect("coverage");
        let (g, secs, cpu) = best_of(repeat, || gaps::compute(&map, &sc, &cov).expect("gaps"));
        println!(
            "| bench city, {schools} schools | {n} | {} | {} | {secs:.3} ({cpu:.2}) | – |",
            g.iter().map(|x| x.cells.len()).sum::<usize>(),
            counts(&g),
        );
    }
}
