//! Runs the solver benchmarks and prints a table: `cargo run --release --example solve_bench
//! [pmed|pmed-cli|sjc|scp|mclp|all] [seconds per instance] [pmedN ...]` (default 5 s; 60 s for
//! `pmed`, whose proven instances stop early; names after the seconds restrict `pmed` to those
//! instances, solved one after the other). The time limit sets each solve's deterministic work
//! budget (150 million units a second), which runs out long before the clock: the whole `pmed`
//! suite takes about 30 s on two cores.
//!
//! `pmed-cli` writes each OR-Library instance as GeoJSON ([`benchmarks::pmed_to_geojson`]) and
//! solves it through the command's own library entry point ([`solve_files`]: reading, vertex
//! snapping, the last-wins network, Dijkstra and the solver), two instances at a time; its
//! seconds are those of the whole command.

use rayon::prelude::*;
use schoolplan::pipeline::solve::{solve_files, PointSolve};
use schoolplan::solve::Kind;
use schoolplan_testkit::solve_bench::{self as benchmarks, BenchResult};
use std::path::Path;
use std::time::{Duration, Instant};

/// One pmed instance through the CLI path.
fn pmed_cli(dir: &Path, name: &str, known: Option<f64>, secs: f64) -> Result<BenchResult, String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let files = benchmarks::pmed_to_geojson(&dir.join(format!("{name}.txt")), tmp.path())
        .map_err(|e| e.to_string())?;
    let args = PointSolve {
        problem: Kind::Pmedian,
        demand: files.demand.clone(),
        candidates: files.candidates.clone(),
        existing: None,
        network: Some(files.network.clone()),
        cost_field: Some("cost".into()),
        matrix: None,
        p: Some(files.p),
        radius: None,
        capacity_field: None,
        weight_field: None,
        id_field: "id".into(),
        time_limit_s: secs,
        work_limit: None,
        seed: 1,
    };
    let r = solve_files(&args).map_err(|e| e.to_string())?;
    let s = &r.solution;
    Ok(BenchResult {
        name: name.to_string(),
        n: s.total as usize,
        m: s.total as usize,
        p: files.p,
        objective: s.objective,
        known,
        bound: s.bound,
        gap: s.gap,
        status: s.status,
        seconds: r.seconds,
        work: s.work,
    })
}

fn summarise(label: &str, rows: &[BenchResult], wall: f64) {
    let hit = rows
        .iter()
        .filter(|r| r.excess_over_known().is_some_and(|e| e <= 1e-9))
        .count();
    let worst = rows
        .iter()
        .filter_map(BenchResult::excess_over_known)
        .fold(0.0, f64::max);
    let worst_gap = rows.iter().map(|r| r.gap).fold(0.0, f64::max);
    let proven = rows.iter().filter(|r| r.gap <= 1e-9).count();
    let sum: f64 = rows.iter().map(|r| r.seconds).sum();
    println!(
        "{label}: {hit}/{} at the optimum, {proven} proven, worst excess {:.3} %, worst gap {:.3} %, \
         sum of seconds {sum:.1}, wall {wall:.1} s\n",
        rows.len(),
        100.0 * worst,
        100.0 * worst_gap,
    );
}

fn print(rows: &[BenchResult]) {
    println!(
        "{:<14} {:>6} {:>5} {:>4} {:>12} {:>12} {:>12} {:>9} {:>9} {:>8} {:>9} {:>14}",
        "instance",
        "n",
        "m",
        "p",
        "known",
        "objective",
        "bound",
        "gap %",
        "vs known %",
        "seconds",
        "status",
        "work"
    );
    for r in rows {
        let known = r.known.map_or("-".to_string(), |k| format!("{k:.2}"));
        let excess = r
            .excess_over_known()
            .map_or("-".to_string(), |e| format!("{:.3}", 100.0 * e));
        println!(
            "{:<14} {:>6} {:>5} {:>4} {:>12} {:>12.2} {:>12.2} {:>9.4} {:>9} {:>8.2} {:>9?} {:>14}",
            r.name,
            r.n,
            r.m,
            r.p,
            known,
            r.objective,
            r.bound,
            100.0 * r.gap,
            excess,
            r.seconds,
            r.status,
            r.work
        );
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map_or("all", String::as_str);
    let secs: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let limit = Duration::from_secs_f64(secs);
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bench");
    if which == "pmed" || which == "all" {
        // Proven instances stop early, so a generous cap only goes where a gap is open (the
        // branch-and-bound and the large-p searches): 60 s unless given.
        let cap = args.get(2).map_or(Duration::from_secs(60), |_| limit);
        let t = Instant::now();
        let only: Vec<&String> = args.iter().skip(3).collect();
        let rows = if only.is_empty() {
            benchmarks::run_pmed_suite(&data.join("pmed"), cap)?
        } else {
            only.iter()
                .map(|name| benchmarks::run_pmed(&data.join("pmed"), name, cap))
                .collect::<Result<Vec<_>, _>>()?
        };
        print(&rows);
        summarise("pmed", &rows, t.elapsed().as_secs_f64());
    }
    if which == "pmed-cli" || which == "all" {
        let t = Instant::now();
        let dir = data.join("pmed");
        let known = benchmarks::read_known(&dir.join("pmedopt.txt"))?;
        let rows: Result<Vec<BenchResult>, String> = (1..41usize)
            .into_par_iter()
            .with_max_len(1)
            .map(|k| {
                let name = format!("pmed{k}");
                let opt = known.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
                pmed_cli(&dir, &name, opt, secs)
            })
            .collect();
        let rows = rows?;
        print(&rows);
        summarise("pmed via the CLI path", &rows, t.elapsed().as_secs_f64());
    }
    if which == "sjc" || which == "all" {
        print(&benchmarks::run_sjc_suite(&data.join("sjc"), limit)?);
        println!();
    }
    if which == "scp" || which == "all" {
        print(&[benchmarks::run_scp(
            &data.join("scp/scp41.txt"),
            Some(429.0),
            limit,
        )?]);
        println!();
    }
    if which == "mclp" || which == "all" {
        for per_site in [40.0, 100.0] {
            let t = Instant::now();
            let limit = limit.max(Duration::from_secs(25));
            let r = benchmarks::run_generated_mclp(100_000, 5_000, 50, per_site, 7, limit)?;
            print(&[r]);
            println!(
                "mclp wall including generation {:.1} s",
                t.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}
