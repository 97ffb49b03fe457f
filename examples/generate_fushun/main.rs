//! Writes the synthetic layers of the Fushun map into `maps/fushun/`.
//!
//! ```text
//! cargo run --release --example generate_fushun -- --seed 2021
//! cargo run --release --example generate_fushun -- --seed 2021 --out /tmp/fushun
//! ```
//!
//! Reads only the real data copied into `maps/fushun/source/` (county boundaries, census,
//! township list and seats, urban cores, named schools) and writes `townships.geojson`,
//! `population.geojson`, `schools.geojson`, `candidates.geojson`, `network.geojson` and
//! `calibration.json`. Every generated feature carries `synthetic = true`. All random draws
//! come from named splitmix64 streams of the seed; nothing depends on hash-map order, so the
//! same seed gives byte-identical files. See `maps/fushun/README.md` for the method.

mod forecast;
mod input;
mod network;
mod output;
mod population;
mod schools;
mod sites;
mod townships;

use std::path::{Path, PathBuf};

fn main() {
    let mut seed: u64 = 2021;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps/fushun");
    let mut out = root.clone();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().and_then(|s| s.parse().ok()).expect("--seed N"),
            "--out" => out = PathBuf::from(args.next().expect("--out DIR")),
            other => {
                eprintln!("generate_fushun: unknown argument {other}\nusage: generate_fushun [--seed N] [--out DIR]");
                std::process::exit(2);
            }
        }
    }
    let t = std::time::Instant::now();
    match generate(seed, &root.join("source"), &out) {
        Ok(summary) => {
            println!("{summary}");
            println!(
                "wrote {} in {:.1} s",
                out.display(),
                t.elapsed().as_secs_f64()
            );
        }
        Err(e) => {
            eprintln!("generate_fushun: {e}");
            std::process::exit(1);
        }
    }
}

/// Generates every synthetic layer from the sources in `src` into `out`; returns a calibration
/// summary (also written as `calibration.json`).
pub fn generate(seed: u64, src: &Path, out: &Path) -> input::Res<String> {
    std::fs::create_dir_all(out)?;
    let inp = input::read(src)?;
    let ts = townships::build(&inp)?;
    let pop = population::build(seed, &inp, &ts)?;
    let schools = schools::build(seed, &inp, &ts, &pop)?;
    let cands = sites::build(seed, &inp, &ts, &pop, &schools)?;
    let net = network::build(&inp)?;
    output::write_all(out, &inp, &ts, &pop, &schools, &cands, &net)?;
    forecast::write(src, out)?;
    output::calibration(out, seed, &inp, &ts, &pop, &schools, &cands, &net)
}
