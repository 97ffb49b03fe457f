//! Coverage benchmark on generated data (see `schoolplan_testkit::bench`).
//!
//! ```text
//! cargo run --release --example coverage_bench -- [--mode straight|network|both]
//!     [--cells 1000000] [--schools 2000] [--nodes 200000] [--scales 0.25,0.5,1] [--seed 42]
//! ```
//!
//! Prints one row per (mode, scale): cells scale, schools and network stay fixed. Peak memory
//! is measured from outside: `/usr/bin/time -v target/release/examples/coverage_bench ...`.

use schoolplan_testkit::bench;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
            .unwrap_or_else(|| default.to_string())
    };
    let mode = get("--mode", "both");
    let cells: usize = get("--cells", "1000000")
        .parse()
        .expect("--cells: a number");
    let schools: usize = get("--schools", "2000")
        .parse()
        .expect("--schools: a number");
    let nodes: usize = get("--nodes", "200000").parse().expect("--nodes: a number");
    let seed: u64 = get("--seed", "42").parse().expect("--seed: a number");
    let scales: Vec<f64> = get("--scales", "0.25,0.5,1")
        .split(',')
        .map(|s| s.parse().expect("--scales: numbers"))
        .collect();
    println!(
        "threads: {}; seed {seed}; four levels (kindergarten/primary/junior/senior)",
        rayon::current_num_threads()
    );
    println!("| mode | cells | schools | nodes / edges | generate s | compute s | CPU s | µs per cell | coverage K / P / J / S |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    let modes: Vec<usize> = match mode.as_str() {
        "straight" => vec![0],
        "network" => vec![nodes],
        _ => vec![0, nodes],
    };
    for n in modes {
        for &s in &scales {
            let c = ((cells as f64) * s).round() as usize;
            let row = bench::run(c, schools, n, seed);
            let cov: Vec<String> = row
                .coverage
                .iter()
                .map(|(_, x)| format!("{:.3}", x))
                .collect();
            println!(
                "| {} | {} | {} | {} / {} | {:.2} | {:.3} | {} | {:.3} | {} |",
                row.mode,
                row.cells,
                row.schools,
                row.nodes_edges.0,
                row.nodes_edges.1,
                row.generate_s,
                row.compute_s,
                row.compute_cpu_s.map_or("-".into(), |c| format!("{c:.2}")),
                row.compute_s * 1e6 / row.cells.max(1) as f64,
                cov.join(" / ")
            );
        }
    }
}
