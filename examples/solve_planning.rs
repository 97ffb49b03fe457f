//! Planning-size instances for `schoolplan solve`, written as files so that the command and
//! other tools (PySAL spopt + CBC, `examples/solve_spopt.py`) solve the very same matrix.
//!
//! ```sh
//! cargo run --release --example solve_planning -- write N M SEED DIR [uniform|clustered] [--no-matrix] [--side-km S] [--max-cost C]
//! ```
//!
//! writes `DIR/demand.geojson` (`id`, integer weight `pop` uniform in 1–143), `DIR/candidates.geojson`
//! (`id`) and, unless `--no-matrix`, `DIR/matrix.csv` with every `demand_id,candidate_id,cost`
//! pair (only those with cost ≤ C with `--max-cost`) (straight-line metres rounded to the centimetre, computed in the generator's own plane:
//! the matrix is the ground truth, the coordinates only place the points). Points lie in a square
//! of side `S` km (default `√(N / 20)`: 20 demand points per km²) near Fushun (123.9° E, 41.87° N): uniform, or
//! `clustered` (demand in Gaussian towns of 300–1,500 m spread, candidates half uniform and half
//! in the towns). Same arguments → byte-identical files.
//!
//! ```sh
//! cargo run --release --example solve_planning -- suite [SEEDS] [TIME_LIMIT] [--spopt PYTHON]
//! ```
//!
//! generates `SEEDS` (default 3) fresh instances per size and solves them through the command's
//! library entry point (`pipeline::solve::solve_files`, reading included): MCLP and LSCP at 2,000 × 200
//! (R = 1,000 m, p = 10), p-median and p-center at 500 × 50 (p = 5), MCLP at 10,000 × 500
//! (R = 1,000 m, p = 20). With `--spopt PYTHON` the same files also go to
//! `examples/solve_spopt.py` run by that interpreter, and the table shows both.

use schoolplan::geodesy::projection::LocalProjection;
use schoolplan::pipeline::solve::{solve_files, PointSolve};
use schoolplan::solve::Kind;
use schoolplan_testkit::mapgen::Rng;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Generated instance in the generator's plane (metres).
struct Instance {
    demand: Vec<[f64; 2]>,
    weights: Vec<u32>,
    sites: Vec<[f64; 2]>,
    side: f64,
}

fn generate(n: usize, m: usize, seed: u64, clustered: bool, side_km: Option<f64>) -> Instance {
    let side = side_km.unwrap_or((n as f64 / 20.0).sqrt()) * 1000.0;
    let mut rng = Rng::stream(seed, "planning");
    let uniform = |rng: &mut Rng| [rng.unit() * side, rng.unit() * side];
    let towns: Vec<([f64; 2], f64)> = (0..(n / 250).max(2))
        .map(|_| (uniform(&mut rng), rng.range(300.0, 1500.0)))
        .collect();
    let town_point = |rng: &mut Rng| loop {
        let (c, s) = towns[rng.below(towns.len())];
        let p = [c[0] + s * rng.normal(), c[1] + s * rng.normal()];
        if (0.0..side).contains(&p[0]) && (0.0..side).contains(&p[1]) {
            return p;
        }
    };
    let demand: Vec<[f64; 2]> = (0..n)
        .map(|_| {
            if clustered {
                town_point(&mut rng)
            } else {
                uniform(&mut rng)
            }
        })
        .collect();
    let weights = (0..n).map(|_| 1 + rng.below(143) as u32).collect();
    let sites = (0..m)
        .map(|k| {
            if clustered && k % 2 == 1 {
                town_point(&mut rng)
            } else {
                uniform(&mut rng)
            }
        })
        .collect();
    Instance {
        demand,
        weights,
        sites,
        side,
    }
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).hypot(a[1] - b[1]) * 100.0).round() / 100.0
}

fn write_points(
    path: &Path,
    proj: &LocalProjection,
    side: f64,
    pts: &[[f64; 2]],
    pop: Option<&[u32]>,
) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    writeln!(f, "{{\"type\":\"FeatureCollection\",\"features\":[").unwrap();
    for (k, p) in pts.iter().enumerate() {
        let (lon, lat) = proj
            .to_wgs84(p[0] - side / 2.0, p[1] - side / 2.0)
            .expect("projectable");
        let props = match pop {
            Some(w) => format!("{{\"id\":{},\"pop\":{}}}", k + 1, w[k]),
            None => format!("{{\"id\":{}}}", k + 1),
        };
        let sep = if k + 1 < pts.len() { "," } else { "" };
        writeln!(
            f,
            "{{\"type\":\"Feature\",\"properties\":{props},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon:.7},{lat:.7}]}}}}{sep}"
        )
        .unwrap();
    }
    writeln!(f, "]}}").unwrap();
}

/// How `write` lays out an instance.
#[derive(Clone, Copy, Default)]
struct Layout {
    /// Demand in towns and half the candidates near them (else uniform).
    clustered: bool,
    /// Write `matrix.csv`.
    matrix: bool,
    /// Side of the square in km (default `√(N / 20)`).
    side_km: Option<f64>,
    /// Matrix pairs kept only up to this cost.
    max_cost: Option<f64>,
}

fn write(n: usize, m: usize, seed: u64, dir: &Path, layout: Layout) {
    let Layout {
        clustered,
        matrix,
        side_km,
        max_cost,
    } = layout;
    std::fs::create_dir_all(dir).expect("create dir");
    let inst = generate(n, m, seed, clustered, side_km);
    let proj = LocalProjection::new(123.9, 41.87).expect("projection");
    write_points(
        &dir.join("demand.geojson"),
        &proj,
        inst.side,
        &inst.demand,
        Some(&inst.weights),
    );
    write_points(
        &dir.join("candidates.geojson"),
        &proj,
        inst.side,
        &inst.sites,
        None,
    );
    if matrix {
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("matrix.csv")).unwrap());
        writeln!(f, "demand_id,candidate_id,cost").unwrap();
        for (i, &a) in inst.demand.iter().enumerate() {
            for (j, &b) in inst.sites.iter().enumerate() {
                let d = dist(a, b);
                if d <= max_cost.unwrap_or(f64::INFINITY) {
                    writeln!(f, "{},{},{:.2}", i + 1, j + 1, d).unwrap();
                }
            }
        }
    }
}

/// One `schoolplan solve` run through the library entry point.
fn ours(
    dir: &Path,
    problem: Kind,
    p: Option<usize>,
    radius: Option<f64>,
    limit: f64,
    matrix: bool,
) -> serde_json::Value {
    let args = PointSolve {
        problem,
        demand: dir.join("demand.geojson"),
        candidates: dir.join("candidates.geojson"),
        existing: None,
        network: None,
        cost_field: None,
        matrix: matrix.then(|| dir.join("matrix.csv")),
        p,
        radius,
        capacity_field: None,
        weight_field: Some("pop".into()),
        id_field: "id".into(),
        time_limit_s: limit,
        work_limit: None,
        seed: 1,
    };
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    let r = solve_files(&args).expect("solve");
    let mut v = r.to_json();
    v["wall_seconds"] = serde_json::json!(t.elapsed().as_secs_f64());
    v["cpu_seconds"] = serde_json::json!(cpu_seconds() - cpu0);
    v
}

/// CPU seconds of this process (user + system) from /proc, 0 when unavailable.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |k: usize| {
        fields
            .get(k)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn spopt(
    python: &str,
    dir: &Path,
    problem: &str,
    p: Option<usize>,
    radius: Option<f64>,
) -> Option<serde_json::Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/solve_spopt.py");
    let mut cmd = std::process::Command::new(python);
    cmd.arg(script).arg(dir).arg(problem);
    if let Some(p) = p {
        cmd.arg("--p").arg(p.to_string());
    }
    if let Some(r) = radius {
        cmd.arg("--radius").arg(r.to_string());
    }
    let out = cmd.output().ok()?;
    if !out.status.success() {
        eprintln!("spopt failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

fn num(v: &serde_json::Value, k: &str) -> String {
    v.get(k)
        .and_then(serde_json::Value::as_f64)
        .map_or("-".into(), |x| format!("{x:.2}"))
}

fn suite(seeds: u64, limit: f64, python: Option<&str>) {
    let root = std::env::temp_dir().join("schoolplan-planning");
    /// Problem name, demand points, candidates, problem, p, radius.
    type Case = (&'static str, usize, usize, Kind, Option<usize>, Option<f64>);
    let cases: [Case; 5] = [
        ("mclp", 2000, 200, Kind::Mclp, Some(10), Some(1000.0)),
        ("lscp", 2000, 200, Kind::Lscp, None, Some(1000.0)),
        ("pmedian", 500, 50, Kind::Pmedian, Some(5), None),
        ("pcenter", 500, 50, Kind::Pcenter, Some(5), None),
        ("mclp", 10000, 500, Kind::Mclp, Some(20), Some(1000.0)),
    ];
    println!(
        "{:<8} {:>6} {:>4} {:>6} {:>14} {:>14} {:>9} {:>9} {:>8} {:>8} {:>8} | {:>14} {:>8} {:>8}",
        "problem",
        "n",
        "m",
        "seed",
        "objective",
        "bound",
        "gap %",
        "status",
        "wall s",
        "cpu s",
        "read s",
        "spopt obj",
        "spopt s",
        "cbc s"
    );
    for &(name, n, m, problem, p, radius) in &cases {
        for seed in 1..=seeds {
            let dir = root.join(format!("{n}x{m}-{seed}"));
            let matrix = n * m <= 10_000_000;
            if !dir.join("demand.geojson").exists() {
                let layout = Layout {
                    matrix,
                    ..Layout::default()
                };
                write(n, m, seed, &dir, layout);
            }
            let v = ours(&dir, problem, p, radius, limit, matrix);
            let sp = python.and_then(|py| spopt(py, &dir, name, p, radius));
            let (so, ss, sc) = sp
                .as_ref()
                .map_or(("-".into(), "-".into(), "-".into()), |s| {
                    (
                        num(s, "objective"),
                        num(s, "seconds"),
                        num(s, "solve_seconds"),
                    )
                });
            println!(
                "{:<8} {:>6} {:>4} {:>6} {:>14} {:>14} {:>9.4} {:>9} {:>8.2} {:>8.2} {:>8.2} | {:>14} {:>8} {:>8}",
                name,
                n,
                m,
                seed,
                num(&v, "objective"),
                num(&v, "bound"),
                100.0 * v["gap"].as_f64().unwrap_or(f64::NAN),
                v["status"].as_str().unwrap_or("?"),
                v["wall_seconds"].as_f64().unwrap_or(0.0),
                v["cpu_seconds"].as_f64().unwrap_or(0.0),
                v["read_seconds"].as_f64().unwrap_or(0.0),
                so,
                ss,
                sc
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|k| args.get(k + 1))
            .cloned()
    };
    let pos: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(k, a)| {
            !a.starts_with("--")
                && (*k == 0
                    || !matches!(args[k - 1].as_str(), "--spopt" | "--side-km" | "--max-cost"))
        })
        .map(|(_, a)| a)
        .collect();
    match pos.first().map(|s| s.as_str()) {
        Some("write") if pos.len() >= 5 => {
            let n = pos[1].parse().expect("N");
            let m = pos[2].parse().expect("M");
            let seed = pos[3].parse().expect("SEED");
            let dir = PathBuf::from(pos[4]);
            let clustered = pos.get(5).is_some_and(|s| s.as_str() == "clustered");
            let side = value("--side-km").and_then(|s| s.parse().ok());
            let max_cost = value("--max-cost").and_then(|s| s.parse().ok());
            let layout = Layout {
                clustered,
                matrix: !flag("--no-matrix"),
                side_km: side,
                max_cost,
            };
            write(n, m, seed, &dir, layout);
        }
        Some("suite") => {
            let seeds = pos.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
            let limit = pos.get(2).and_then(|s| s.parse().ok()).unwrap_or(10.0);
            suite(seeds, limit, value("--spopt").as_deref());
        }
        _ => eprintln!(
            "usage: solve_planning write N M SEED DIR [uniform|clustered] [--no-matrix] [--side-km S] [--max-cost C]\n       solve_planning suite [SEEDS] [TIME_LIMIT] [--spopt PYTHON]"
        ),
    }
}
