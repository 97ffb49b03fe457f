//! A longer fuzz run over the demo map: every layer kind, the scenario and the rule preset are
//! damaged by seeded mutations (see `testkit/src/mutate.rs`) and the whole analysis runs
//! in-process, writing its outputs. Stops at the first panic or broken invariant and prints
//! the seed and the mutations; the damaged files are left in `--keep DIR` when given.
//!
//! ```sh
//! cargo run --release --example fuzz_inputs -- --rounds 20000 --seed 1
//! cargo run --example fuzz_inputs -- --seed 4242 --rounds 1 --keep /tmp/case   # reproduce one
//! ```

use schoolplan::rng::SplitMix;
use schoolplan_testkit::mutate;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let rounds: u64 = arg("--rounds")
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let first: u64 = arg("--seed").and_then(|s| s.parse().ok()).unwrap_or(0);
    let keep = arg("--keep");
    // Panics are caught and reported by the harness; keep stderr quiet meanwhile.
    std::panic::set_hook(Box::new(|_| {}));
    let ws = mutate::Workspace::new(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let started = std::time::Instant::now();
    let (mut ran, mut refused) = (0usize, 0usize);
    for seed in first..first + rounds {
        let mut rng = SplitMix::seeded(seed);
        let log = ws.mutate(&mut rng);
        match ws.analyse() {
            Ok((r, f)) => {
                ran += r;
                refused += f;
            }
            Err(e) => {
                eprintln!("seed {seed}: {e}");
                for l in &log {
                    eprintln!("  {l}");
                }
                if let Some(dir) = &keep {
                    let _ = std::fs::create_dir_all(dir);
                    for t in mutate::TARGETS.iter().chain(&mutate::SCENARIOS) {
                        let _ =
                            std::fs::copy(ws.dir.path().join(t), std::path::Path::new(dir).join(t));
                    }
                    eprintln!("damaged inputs kept in {dir}");
                }
                std::process::exit(1);
            }
        }
        ws.restore();
        let done = seed - first + 1;
        if done.is_multiple_of(100) {
            println!(
                "{done} rounds, {ran} analyses ran, {refused} refused, {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "{rounds} rounds from seed {first}: no panic, no broken invariant ({ran} analyses ran, {refused} refused) in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}
