//! Readers for the OR-Library / SJC benchmark instances copied into `tests/data/bench`, a
//! seeded MCLP generator, and suite runners for `examples/solve_bench.rs` and the tests (moved
//! out of the library's public API: the library never reads benchmark files).
//!
//! Formats (see `tests/data/bench/*/README.md` for provenance):
//! - OR-Library `pmedinfo`: `n edges p`, then `i j c` edge lines (1-based). Costs are shortest
//!   paths (Floyd–Warshall, `O(n³)`); **when an edge appears twice the last cost read wins**.
//!   Every vertex is a client of weight 1 and a candidate.
//! - SJC (Lorena & Senne): `n p`, then `x y Q d` per point; Euclidean costs, unweighted
//!   objective, demand `d` uses capacity `Q`.
//! - OR-Library `scpinfo`: `rows cols`, column costs, then per row its covering columns.

use rayon::prelude::*;
use schoolplan::rng::SplitMix as Rng;
use schoolplan::solve::{capacitated, lscp, mclp, pmedian};
use schoolplan::solve::{Capacities, Problem, Solution, SolveError, SparseCosts, Status};
use std::path::Path;
use std::time::Duration;

/// A benchmark file that could not be read, or an instance the solver refused.
#[derive(Debug, Clone, PartialEq)]
pub enum BenchError {
    /// The file at `path` could not be read or parsed.
    File {
        /// File path.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The solver refused the instance.
    Solve(SolveError),
}

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BenchError::File { path, reason } => write!(f, "{path}: {reason}"),
            BenchError::Solve(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BenchError {}

impl From<SolveError> for BenchError {
    fn from(e: SolveError) -> Self {
        BenchError::Solve(e)
    }
}

/// One benchmark run: the instance, the result and the known optimum.
#[derive(Debug, Clone)]
pub struct BenchResult {
    /// Instance name.
    pub name: String,
    /// Demand points.
    pub n: usize,
    /// Candidates.
    pub m: usize,
    /// Number of sites.
    pub p: usize,
    /// Objective found.
    pub objective: f64,
    /// Best known / optimal value, when published.
    pub known: Option<f64>,
    /// Proven bound.
    pub bound: f64,
    /// Relative gap between objective and bound.
    pub gap: f64,
    /// Status of the solution.
    pub status: Status,
    /// Solve seconds (excluding reading and matrix construction).
    pub seconds: f64,
    /// Work units spent (see `schoolplan::solve::budget`).
    pub work: u64,
}

impl BenchResult {
    fn new(name: &str, costs: &SparseCosts, p: usize, known: Option<f64>, s: &Solution) -> Self {
        BenchResult {
            name: name.to_string(),
            n: costs.n(),
            m: costs.m(),
            p,
            objective: s.objective,
            known,
            bound: s.bound,
            gap: s.gap,
            status: s.status,
            seconds: s.seconds,
            work: s.work,
        }
    }

    /// Relative excess of the objective over the known value (negative = better than known).
    pub fn excess_over_known(&self) -> Option<f64> {
        self.known.map(|k| match self.status {
            _ if k == 0.0 => 0.0,
            _ => (self.objective - k) / k.abs(),
        })
    }
}

fn bench_err(path: &Path, reason: impl Into<String>) -> BenchError {
    BenchError::File {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

fn tokens(path: &Path) -> Result<Vec<String>, BenchError> {
    let text = std::fs::read_to_string(path).map_err(|e| bench_err(path, e.to_string()))?;
    Ok(text.split_whitespace().map(str::to_string).collect())
}

fn numbers<T: std::str::FromStr>(path: &Path, toks: &[String]) -> Result<Vec<T>, BenchError> {
    toks.iter()
        .enumerate()
        .map(|(k, t)| {
            t.parse()
                .map_err(|_| bench_err(path, format!("token {k}: bad number {t:?}")))
        })
        .collect()
}

/// Reads an OR-Library p-median instance: the dense shortest-path matrix and `p`.
pub fn read_pmed(path: &Path) -> Result<(SparseCosts, usize), BenchError> {
    let v: Vec<usize> = numbers(path, &tokens(path)?)?;
    if v.len() < 3 {
        return Err(bench_err(path, "missing header `n edges p`"));
    }
    let (n, e, p) = (v[0], v[1], v[2]);
    if v.len() < 3 + 3 * e {
        return Err(bench_err(path, format!("expected {e} edges")));
    }
    let inf = f64::INFINITY;
    let mut d = vec![inf; n * n];
    for i in 0..n {
        d[i * n + i] = 0.0;
    }
    for k in 0..e {
        let (a, b, c) = (v[3 + 3 * k], v[4 + 3 * k], v[5 + 3 * k] as f64);
        if a == 0 || b == 0 || a > n || b > n {
            return Err(bench_err(path, format!("edge {k}: vertex out of 1..{n}")));
        }
        if a != b {
            d[(a - 1) * n + b - 1] = c; // the last occurrence wins
            d[(b - 1) * n + a - 1] = c;
        }
    }
    floyd_warshall(&mut d, n);
    let rows: Vec<Vec<f64>> = d.chunks(n.max(1)).take(n).map(<[f64]>::to_vec).collect();
    Ok((SparseCosts::from_dense(vec![1.0; n], &rows, None)?, p))
}

/// The GeoJSON files written by [`pmed_to_geojson`].
#[derive(Debug, Clone, PartialEq)]
pub struct PmedFiles {
    /// Every vertex as a demand point (id = 1-based vertex number, weight 1).
    pub demand: std::path::PathBuf,
    /// Every vertex as a candidate (same ids and positions).
    pub candidates: std::path::PathBuf,
    /// Every edge line as a 2-point LineString with property `cost`, in file order.
    pub network: std::path::PathBuf,
    /// Number of medians of the instance.
    pub p: usize,
}

/// Synthetic WGS 84 position of vertex `k` (0-based) of an `n`-vertex instance: a square grid
/// with 0.001° spacing starting at (0.001°, 0.001°). Any distinct positions would do: with
/// `--cost-field cost` only the edges' costs matter.
fn pmed_position(k: usize, n: usize) -> [f64; 2] {
    let side = (n as f64).sqrt().ceil().max(1.0) as usize;
    [0.001 * (1 + k % side) as f64, 0.001 * (1 + k / side) as f64]
}

/// Writes an OR-Library p-median instance as `demand.geojson`, `candidates.geojson` and
/// `network.geojson` in `out_dir`, for `schoolplan solve pmedian --network network.geojson
/// --cost-field cost --p P`. Every vertex is a demand and a candidate at a synthetic position
/// (see `pmed_position`); each edge line becomes a LineString in file order, so the CLI's
/// "last duplicate wins" rule reproduces [`read_pmed`]'s costs. Self-loops are skipped.
pub fn pmed_to_geojson(instance: &Path, out_dir: &Path) -> Result<PmedFiles, BenchError> {
    let v: Vec<usize> = numbers(instance, &tokens(instance)?)?;
    if v.len() < 3 || v.len() < 3 + 3 * v[1] {
        return Err(bench_err(instance, "expected `n edges p` then the edges"));
    }
    let (n, e, p) = (v[0], v[1], v[2]);
    let point = |k: usize| {
        serde_json::json!({
            "type": "Feature",
            "properties": {"id": k + 1},
            "geometry": {"type": "Point", "coordinates": pmed_position(k, n)},
        })
    };
    let points: Vec<serde_json::Value> = (0..n).map(point).collect();
    let mut edges = Vec::with_capacity(e);
    for k in 0..e {
        let (a, b, c) = (v[3 + 3 * k], v[4 + 3 * k], v[5 + 3 * k]);
        if a == 0 || b == 0 || a > n || b > n {
            return Err(bench_err(
                instance,
                format!("edge {k}: vertex out of 1..{n}"),
            ));
        }
        if a != b {
            edges.push(serde_json::json!({
                "type": "Feature",
                "properties": {"cost": c},
                "geometry": {"type": "LineString",
                             "coordinates": [pmed_position(a - 1, n), pmed_position(b - 1, n)]},
            }));
        }
    }
    let write = |name: &str, features: Vec<serde_json::Value>| {
        let path = out_dir.join(name);
        let doc = serde_json::json!({"type": "FeatureCollection", "features": features});
        std::fs::write(&path, doc.to_string()).map_err(|err| bench_err(&path, err.to_string()))?;
        Ok::<_, BenchError>(path)
    };
    Ok(PmedFiles {
        demand: write("demand.geojson", points.clone())?,
        candidates: write("candidates.geojson", points)?,
        network: write("network.geojson", edges)?,
        p,
    })
}

/// All-pairs shortest paths in place on a row-major `n × n` matrix. `O(n³)`.
fn floyd_warshall(d: &mut [f64], n: usize) {
    for k in 0..n {
        let row_k: Vec<f64> = d[k * n..(k + 1) * n].to_vec();
        for i in 0..n {
            let dik = d[i * n + k];
            if dik.is_infinite() {
                continue;
            }
            for (dij, dkj) in d[i * n..(i + 1) * n].iter_mut().zip(&row_k) {
                let via = dik + dkj;
                if via < *dij {
                    *dij = via;
                }
            }
        }
    }
}

/// Reads a `name value` table (header line skipped), such as `pmedopt.txt` or `sjcopt.txt`
/// (the value is the last column).
pub fn read_known(path: &Path) -> Result<Vec<(String, f64)>, BenchError> {
    let text = std::fs::read_to_string(path).map_err(|e| bench_err(path, e.to_string()))?;
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if let (Some(name), Some(v)) = (parts.first(), parts.last().and_then(|v| v.parse().ok())) {
            if parts.len() >= 2 {
                out.push((name.to_string(), v));
            }
        }
    }
    Ok(out)
}

fn known_of(table: &[(String, f64)], name: &str) -> Option<f64> {
    table
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// Solves `pmed1.txt … pmed40.txt` found in `dir` (missing files are skipped), two at a time
/// with rayon, each with `time_limit`; known optima from `dir/pmedopt.txt` when present.
pub fn run_pmed_suite(dir: &Path, time_limit: Duration) -> Result<Vec<BenchResult>, BenchError> {
    let names: Vec<String> = (1..=40)
        .map(|k| format!("pmed{k}"))
        .filter(|nm| dir.join(format!("{nm}.txt")).exists())
        .collect();
    names
        .par_iter()
        .map(|name| run_pmed(dir, name, time_limit))
        .collect()
}

/// Solves one OR-Library instance `dir/NAME.txt` with `time_limit`.
pub fn run_pmed(dir: &Path, name: &str, time_limit: Duration) -> Result<BenchResult, BenchError> {
    let known = read_known(&dir.join("pmedopt.txt")).unwrap_or_default();
    let (costs, p) = read_pmed(&dir.join(format!("{name}.txt")))?;
    let problem = Problem {
        p,
        time_limit,
        ..Problem::default()
    };
    let sol = pmedian::solve(&costs, &problem)?;
    Ok(BenchResult::new(
        name,
        &costs,
        p,
        known_of(&known, name),
        &sol,
    ))
}

/// A capacitated p-median instance read from an SJC file.
#[derive(Debug, Clone)]
pub struct SjcInstance {
    /// Euclidean costs, every point weight 1.
    pub costs: SparseCosts,
    /// Capacity per point and demand per point.
    pub capacities: Capacities,
    /// Number of medians.
    pub p: usize,
}

/// Reads an SJC capacitated p-median instance.
pub fn read_sjc(path: &Path) -> Result<SjcInstance, BenchError> {
    let v: Vec<f64> = numbers(path, &tokens(path)?)?;
    if v.len() < 2 || v.len() < 2 + 4 * (v[0] as usize) {
        return Err(bench_err(path, "expected `n p` then n lines `x y Q d`"));
    }
    let (n, p) = (v[0] as usize, v[1] as usize);
    let pt = |i: usize| &v[2 + 4 * i..6 + 4 * i];
    let rows: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| (pt(i)[0] - pt(j)[0]).hypot(pt(i)[1] - pt(j)[1]))
                .collect()
        })
        .collect();
    let costs = SparseCosts::from_dense(vec![1.0; n], &rows, None)?;
    let capacities = Capacities {
        capacity: (0..n).map(|i| pt(i)[2]).collect(),
        usage: Some((0..n).map(|i| pt(i)[3]).collect()),
    };
    Ok(SjcInstance {
        costs,
        capacities,
        p,
    })
}

/// Solves the six SJC instances in `dir` (missing ones skipped) with `time_limit` each.
pub fn run_sjc_suite(dir: &Path, time_limit: Duration) -> Result<Vec<BenchResult>, BenchError> {
    let known = read_known(&dir.join("sjcopt.txt")).unwrap_or_default();
    let names = ["SJC1", "SJC2", "SJC3a", "SJC3b", "SJC4a", "SJC4b"];
    let mut out = Vec::new();
    for name in names {
        let path = dir.join(format!("{name}.dat"));
        if !path.exists() {
            continue;
        }
        let inst = read_sjc(&path)?;
        let problem = Problem {
            p: inst.p,
            capacities: Some(inst.capacities.clone()),
            time_limit,
            ..Problem::default()
        };
        let sol = capacitated::solve(&inst.costs, &problem)?;
        out.push(BenchResult::new(
            name,
            &inst.costs,
            inst.p,
            known_of(&known, name),
            &sol,
        ));
    }
    Ok(out)
}

/// Reads an OR-Library set-covering instance as a coverage matrix (rows = demands of weight 1,
/// columns = candidates, cost 0 for a covering pair, so `radius = 0` covers) and column costs.
pub fn read_scp(path: &Path) -> Result<(SparseCosts, Vec<f64>), BenchError> {
    let v: Vec<usize> = numbers(path, &tokens(path)?)?;
    let short = || bench_err(path, "file ends early");
    let (rows, cols) = (*v.first().ok_or_else(short)?, *v.get(1).ok_or_else(short)?);
    let cost: Vec<f64> = v
        .get(2..2 + cols)
        .ok_or_else(short)?
        .iter()
        .map(|&c| c as f64)
        .collect();
    let mut at = 2 + cols;
    let mut lists = Vec::with_capacity(rows);
    for _ in 0..rows {
        let k = *v.get(at).ok_or_else(short)?;
        let members = v.get(at + 1..at + 1 + k).ok_or_else(short)?;
        if members.iter().any(|&j| j == 0 || j > cols) {
            return Err(bench_err(path, format!("column index out of 1..{cols}")));
        }
        lists.push(members.iter().map(|&j| (j - 1, 0.0)).collect());
        at += 1 + k;
    }
    Ok((SparseCosts::from_lists(vec![1.0; rows], cols, lists)?, cost))
}

/// Solves a set-covering file as an LSCP with column costs.
pub fn run_scp(
    path: &Path,
    known: Option<f64>,
    time_limit: Duration,
) -> Result<BenchResult, BenchError> {
    let (costs, cost) = read_scp(path)?;
    let problem = Problem {
        radius: 0.0,
        site_cost: Some(cost),
        time_limit,
        ..Problem::default()
    };
    let sol = lscp::solve(&costs, &problem)?;
    let name = path
        .file_stem()
        .map_or("scp".into(), |s| s.to_string_lossy().to_string());
    Ok(BenchResult::new(
        &name,
        &costs,
        sol.selected.len(),
        known,
        &sol,
    ))
}

/// A seeded random MCLP: `n` demand points with weights 1–10 and `m` candidates uniform in a
/// 100 km square; the radius makes each candidate cover about `per_site` points on average
/// (`π r² n / A = per_site`). Only pairs within the radius are stored (grid bucketing,
/// `O(n + pairs)`). Returns the matrix and a problem with that radius and `p`.
pub fn generated_mclp(
    n: usize,
    m: usize,
    p: usize,
    per_site: f64,
    seed: u64,
) -> Result<(SparseCosts, Problem), BenchError> {
    let side = 100_000.0;
    let radius = (per_site * side * side / (std::f64::consts::PI * n.max(1) as f64)).sqrt();
    let mut rng = Rng::seeded(seed);
    let mut point = || (rng.unit() * side, rng.unit() * side);
    let demand: Vec<(f64, f64)> = (0..n).map(|_| point()).collect();
    let sites: Vec<(f64, f64)> = (0..m).map(|_| point()).collect();
    let cells = ((side / radius).floor() as usize).clamp(1, 4096);
    let cell = |x: f64| ((x / side * cells as f64) as usize).min(cells - 1);
    let mut grid = vec![Vec::new(); cells * cells];
    for (j, &(x, y)) in sites.iter().enumerate() {
        grid[cell(y) * cells + cell(x)].push(j);
    }
    let lists = demand
        .iter()
        .map(|&(x, y)| {
            let (cx, cy) = (cell(x), cell(y));
            let mut list = Vec::new();
            for gy in cy.saturating_sub(1)..=(cy + 1).min(cells - 1) {
                for gx in cx.saturating_sub(1)..=(cx + 1).min(cells - 1) {
                    for &j in &grid[gy * cells + gx] {
                        let d = (x - sites[j].0).hypot(y - sites[j].1);
                        if d <= radius {
                            list.push((j, d));
                        }
                    }
                }
            }
            list
        })
        .collect();
    let weights = (0..n).map(|_| 1.0 + rng.below(10) as f64).collect();
    let costs = SparseCosts::from_lists(weights, m, lists)?;
    Ok((
        costs,
        Problem {
            p,
            radius,
            ..Problem::default()
        },
    ))
}

/// Generates and solves an MCLP instance (see [`generated_mclp`]; `per_site` is the mean
/// number of demands a candidate covers).
pub fn run_generated_mclp(
    n: usize,
    m: usize,
    p: usize,
    per_site: f64,
    seed: u64,
    time_limit: Duration,
) -> Result<BenchResult, BenchError> {
    let (costs, mut problem) = generated_mclp(n, m, p, per_site, seed)?;
    problem.time_limit = time_limit;
    problem.seed = seed;
    let sol = mclp::solve(&costs, &problem)?;
    Ok(BenchResult::new(
        &format!("mclp-{n}x{m}-p{p}-k{per_site}"),
        &costs,
        p,
        None,
        &sol,
    ))
}
