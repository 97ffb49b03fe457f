//! `schoolplan solve <problem>`: a location problem straight from GeoJSON points, for direct
//! use and benchmarks.
//!
//! ## Inputs
//!
//! Demand, candidates and existing facilities are GeoJSON points in WGS 84 (a non-point feature
//! stands for its centroid). Candidates need a unique id (`--id-field`); demand needs one only
//! with `--matrix`. Weights (`--weight-field`, default 1 per point) and capacities
//! (`--capacity-field`, on candidates and existing facilities) must be finite numbers ≥ 0 on
//! every feature. Every problem of every file is reported at once (exit 2).
//!
//! Existing facilities are fixed open: they serve and cover demand and do not count against
//! `p`; one whose id is also a candidate id makes that candidate fixed. They are never listed in
//! `selected`.
//!
//! ## Costs
//!
//! - default: straight-line metres in a [`LocalProjection`] centred on the data's extent. Only
//!   pairs within `--radius` are kept when a radius is given (so for p-median / p-center a
//!   radius acts as a cutoff: farther pairs are unreachable); without one every pair is kept
//!   (refused beyond [`MAX_DENSE_PAIRS`]).
//! - `--network`: every point snaps to the nearest network **vertex**; costs are shortest paths
//!   from the demand to the candidate, the edge cost being `--cost-field` when given, else the
//!   length in metres; edges are two-way unless `oneway` is true; when the same vertex pair is
//!   given several times **the last occurrence wins** (the OR-Library convention; see
//!   [`crate::spatial::graph_costs`]). The radius, when given, bounds the searches.
//! - `--matrix`: the CSV `demand_id,candidate_id,cost`; a pair not listed is unreachable.
//!
//! ## Output
//!
//! With `--json` one object: `problem`, `capacitated`, `objective`, `bound`, `gap`, `status`
//! (`optimal`, `feasible` or `infeasible`; objective and bound are `null` when infeasible),
//! `selected` (candidate ids, sorted: numerically when both ids are integers, else as text),
//! `seconds` (wall time of the whole command), `solve_seconds`, and for MCLP and LSCP `covered`
//! and `total` (demand weight). Units: MCLP objective = covered weight; p-median = weighted cost;
//! p-center = cost; LSCP = number of new sites. Without `--json`, a short summary.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use rayon::prelude::*;
use serde_json::{json, Value};

use super::{emit, Outcome};
use crate::error::{Error, Problem};
use crate::geodesy::projection::LocalProjection;
use crate::io::points::{
    read_network_lines, read_points, read_solve_matrix, PointLayer, PointSpec,
};
use crate::solve::{self, Capacities, Solution, SparseCosts, Status};
use crate::spatial::graph_costs::GraphCosts;
use crate::spatial::index::PointIndex;

/// Most straight-line pairs stored without a radius (demand × candidates).
pub const MAX_DENSE_PAIRS: usize = 50_000_000;

/// Wall time kept back from the solver for mapping ids and printing.
const OUTPUT_MARGIN: Duration = Duration::from_millis(20);

/// The problem to solve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SolveProblem {
    /// Fewest sites covering all demand within the radius.
    Lscp,
    /// Most demand covered within the radius by p sites.
    Mclp,
    /// Least total demand-weighted cost with p sites.
    Pmedian,
    /// Least worst cost with p sites.
    Pcenter,
}

/// Arguments of `schoolplan solve`.
#[derive(Debug, Clone, Args)]
pub struct SolveArgs {
    /// Problem.
    #[arg(value_enum)]
    pub problem: SolveProblem,
    /// Demand points (GeoJSON, WGS 84).
    #[arg(long)]
    pub demand: PathBuf,
    /// Candidate sites (GeoJSON points, WGS 84).
    #[arg(long)]
    pub candidates: PathBuf,
    /// Existing facilities, fixed open (GeoJSON points).
    #[arg(long)]
    pub existing: Option<PathBuf>,
    /// Road network (GeoJSON LineStrings); points snap to the nearest network vertex.
    #[arg(long, conflicts_with = "matrix")]
    pub network: Option<PathBuf>,
    /// Network property holding each edge's cost (default: length in metres).
    #[arg(long, requires = "network")]
    pub cost_field: Option<String>,
    /// Cost matrix CSV `demand_id,candidate_id,cost`.
    #[arg(long)]
    pub matrix: Option<PathBuf>,
    /// Number of sites to open.
    #[arg(long)]
    pub p: Option<usize>,
    /// Coverage radius (metres, or the cost unit of the network / matrix).
    #[arg(long)]
    pub radius: Option<f64>,
    /// Candidate property holding its capacity (capacitated variants of mclp and pmedian).
    #[arg(long)]
    pub capacity_field: Option<String>,
    /// Demand property holding its weight (default: 1 per point).
    #[arg(long)]
    pub weight_field: Option<String>,
    /// Property holding feature ids.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// Time limit in seconds for everything but reading the inputs. The search stops on a
    /// deterministic work budget derived from it (the same answer on any machine and at any
    /// load); the clock is only a safety net, reported as `"stop": "wall_clock"`.
    #[arg(long, default_value_t = 10.0)]
    pub time_limit: f64,
    /// Work budget in work units, replacing the one derived from `--time-limit` (for results
    /// reproducible whatever the time limit).
    #[arg(long)]
    pub work_limit: Option<u64>,
    /// Seed for randomised search.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

impl SolveProblem {
    /// The name used on the command line and in the output.
    pub fn name(self) -> &'static str {
        match self {
            SolveProblem::Lscp => "lscp",
            SolveProblem::Mclp => "mclp",
            SolveProblem::Pmedian => "pmedian",
            SolveProblem::Pcenter => "pcenter",
        }
    }
}

/// What `solve` found: the solution and the candidate ids it selected.
#[derive(Debug, Clone)]
pub struct SolveReport {
    /// The problem solved.
    pub problem: SolveProblem,
    /// Whether capacities were used.
    pub capacitated: bool,
    /// The solver's result (indices over candidates, then existing facilities not among them).
    pub solution: Solution,
    /// Ids of the selected candidates, sorted.
    pub selected: Vec<String>,
    /// Wall-clock seconds of the whole command (reading, costs, solving).
    pub seconds: f64,
    /// Wall-clock seconds spent reading the input files.
    pub read_seconds: f64,
    /// Non-fatal notes (for example matrix ids that match no demand point).
    pub warnings: Vec<String>,
    /// p-median / p-center with `--radius`: what the cutoff did.
    pub truncation: Option<Truncation>,
}

fn usage(message: impl Into<String>) -> Error {
    Error::Usage(format!("solve: {}", message.into()))
}

/// Checks option combinations before reading any file.
fn check_args(args: &SolveArgs) -> Result<(), Error> {
    let name = args.problem.name();
    let needs_p = args.problem != SolveProblem::Lscp;
    if needs_p && args.p.is_none() {
        return Err(usage(format!("{name} needs --p")));
    }
    let needs_radius = matches!(args.problem, SolveProblem::Lscp | SolveProblem::Mclp);
    match args.radius {
        None if needs_radius => return Err(usage(format!("{name} needs --radius"))),
        Some(r) if !(r.is_finite() && r >= 0.0) => {
            return Err(usage(format!("--radius {r} is not a finite number ≥ 0")))
        }
        _ => {}
    }
    let max = crate::propose::request::MAX_TIME_LIMIT_S;
    if !(args.time_limit.is_finite() && (0.0..=max).contains(&args.time_limit)) {
        let t = crate::error::shown(args.time_limit);
        return Err(usage(format!(
            "--time-limit: expected seconds between 0 and {max} (one day), found {t}"
        )));
    }
    let capacitated_ok = matches!(args.problem, SolveProblem::Mclp | SolveProblem::Pmedian);
    if args.capacity_field.is_some() && !capacitated_ok {
        let reason = "--capacity-field applies to mclp and pmedian only";
        return Err(usage(format!("{reason}, not {name}")));
    }
    Ok(())
}

/// The three point layers, read with all their problems collected.
struct Layers {
    demand: PointLayer,
    candidates: PointLayer,
    existing: PointLayer,
}

fn read_layers(args: &SolveArgs) -> Result<Layers, Error> {
    let matrix = args.matrix.is_some();
    let id = args.id_field.as_str();
    let mut problems: Vec<Problem> = Vec::new();
    let mut read = |path: &Path, require_id: bool, number: Option<&str>| {
        let spec = PointSpec {
            id_field: id,
            require_id,
            number_field: number,
        };
        // The streaming reader takes well-formed point layers; anything else (or any problem)
        // goes to the full reader, which reports every problem of the file.
        if let Some(layer) = fast::read_points(path, spec) {
            return layer;
        }
        read_points(path, spec).unwrap_or_else(|ps| {
            problems.extend(ps);
            PointLayer::default()
        })
    };
    let capacity = args.capacity_field.as_deref();
    let demand = read(&args.demand, matrix, args.weight_field.as_deref());
    let candidates = read(&args.candidates, true, capacity);
    let existing = match &args.existing {
        Some(path) => read(path, matrix, capacity),
        None => PointLayer::default(),
    };
    if problems.iter().any(Problem::is_error) {
        return Err(Error::Invalid(problems));
    }
    Ok(Layers {
        demand,
        candidates,
        existing,
    })
}

/// Candidates followed by the existing facilities whose id is not a candidate id.
struct Sites {
    ids: Vec<String>,
    lonlat: Vec<[f64; 2]>,
    capacity: Vec<f64>,
    fixed: Vec<usize>,
    /// Number of true candidates (indices below this may be reported as selected).
    candidates: usize,
}

fn sites(layers: &Layers) -> Sites {
    let c = &layers.candidates;
    let index_of: HashMap<&str, usize> = c
        .ids
        .iter()
        .enumerate()
        .map(|(j, s)| (s.as_str(), j))
        .collect();
    let mut s = Sites {
        ids: c.ids.clone(),
        lonlat: c.lonlat.clone(),
        capacity: c.numbers.clone(),
        fixed: Vec::new(),
        candidates: c.len(),
    };
    let e = &layers.existing;
    for k in 0..e.len() {
        match index_of.get(e.ids[k].as_str()) {
            Some(&j) => s.fixed.push(j),
            None => {
                s.fixed.push(s.ids.len());
                s.ids.push(e.ids[k].clone());
                s.lonlat.push(e.lonlat[k]);
                if let Some(&q) = e.numbers.get(k) {
                    s.capacity.push(q);
                }
            }
        }
    }
    s.fixed.sort_unstable();
    s.fixed.dedup();
    s
}

fn projection(points: impl Iterator<Item = [f64; 2]>) -> Result<LocalProjection, Error> {
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in points {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    if lo[0] > hi[0] {
        return LocalProjection::new(0.0, 0.0);
    }
    LocalProjection::for_extent(lo[0], lo[1], hi[0], hi[1])
}

fn project_all(
    proj: &LocalProjection,
    file: &str,
    pts: &[[f64; 2]],
) -> Result<Vec<[f64; 2]>, Error> {
    pts.iter()
        .map(|p| {
            proj.to_local(p[0], p[1])
                .map(|(x, y)| [x, y])
                .ok_or_else(|| {
                    let found = format!("({}, {}) that cannot be projected", p[0], p[1]);
                    Error::Invalid(vec![Problem::file(
                        crate::error::Severity::Error,
                        file,
                        "a point",
                        found,
                    )])
                })
        })
        .collect()
}

/// Per-demand `(site, cost)` lists, non-fatal warnings, and how to find true costs beyond a
/// cutoff.
struct Lists {
    lists: Vec<Vec<(usize, f64)>>,
    warnings: Vec<String>,
    beyond: Beyond,
}

/// Where the costs of pairs dropped by a cutoff can be found again.
enum Beyond {
    /// Straight lines: demand and site positions in metres.
    Plane(Vec<[f64; 2]>, Vec<[f64; 2]>),
    /// Every listed pair (a matrix before the cutoff).
    Full(Vec<Vec<(usize, f64)>>),
    /// Not available (a network searched only up to the cutoff).
    Unknown,
}

fn straight_lists(args: &SolveArgs, layers: &Layers, sites: &Sites) -> Result<Lists, Error> {
    let pts = layers.demand.lonlat.iter().chain(&sites.lonlat).copied();
    let proj = projection(pts)?;
    let demand = project_all(&proj, &layers.demand.file, &layers.demand.lonlat)?;
    let site_xy = project_all(&proj, &layers.candidates.file, &sites.lonlat)?;
    let lists = match args.radius {
        Some(r) => {
            let index = PointIndex::new(&site_xy);
            demand
                .par_iter()
                .map(|&p| index.within_radius(p, r))
                .collect()
        }
        None => {
            let pairs = demand.len().saturating_mul(site_xy.len());
            if pairs > MAX_DENSE_PAIRS {
                return Err(usage(format!(
                    "{pairs} demand × site pairs without --radius (limit {MAX_DENSE_PAIRS}); give --radius as a cutoff"
                )));
            }
            demand
                .par_iter()
                .map(|&p| {
                    site_xy
                        .iter()
                        .enumerate()
                        .map(|(j, &q)| (j, crate::spatial::index::distance_m(p, q)))
                        .collect()
                })
                .collect()
        }
    };
    Ok(Lists {
        lists,
        warnings: Vec::new(),
        beyond: Beyond::Plane(demand, site_xy),
    })
}

fn network_lists(
    args: &SolveArgs,
    path: &Path,
    layers: &Layers,
    sites: &Sites,
    read_seconds: &mut f64,
) -> Result<Lists, Error> {
    let t = Instant::now();
    let lines = read_network_lines(path, args.cost_field.as_deref()).map_err(Error::Invalid)?;
    *read_seconds += t.elapsed().as_secs_f64();
    let pts = layers.demand.lonlat.iter().chain(&sites.lonlat).copied();
    let proj = projection(pts.chain(lines.iter().flat_map(|l| l.lonlat.iter().copied())))?;
    let graph = GraphCosts::build(&lines, |p| proj.to_local(p[0], p[1]).map(|(x, y)| [x, y]));
    if graph.vertex_count() == 0 {
        let file = path.display().to_string();
        let p = Problem::file(
            crate::error::Severity::Error,
            file,
            "a network with lines",
            "no usable line",
        );
        return Err(Error::Invalid(vec![p]));
    }
    let snap = |file: &str, pts: &[[f64; 2]]| -> Result<Vec<usize>, Error> {
        let xy = project_all(&proj, file, pts)?;
        Ok(xy
            .iter()
            .map(|&p| graph.nearest_vertex(p).map_or(0, |v| v.0))
            .collect())
    };
    let origins = snap(&layers.demand.file, &layers.demand.lonlat)?;
    let targets = snap(&layers.candidates.file, &sites.lonlat)?;
    Ok(Lists {
        lists: graph.cost_lists(&origins, &targets, args.radius),
        warnings: Vec::new(),
        beyond: Beyond::Unknown,
    })
}

fn matrix_lists(
    path: &Path,
    layers: &Layers,
    sites: &Sites,
    read_seconds: &mut f64,
) -> Result<Lists, Error> {
    let t = Instant::now();
    let origins: Vec<&str> = layers.demand.ids.iter().map(String::as_str).collect();
    let dests: Vec<Option<&str>> = sites.ids.iter().map(|s| Some(s.as_str())).collect();
    let (lists, unknown) = match fast::matrix_lists(path, &origins, &sites.ids) {
        Some(found) => found,
        None => read_solve_matrix(path)?.lists_for(&origins, &dests),
    };
    *read_seconds += t.elapsed().as_secs_f64();
    let mut warnings = Vec::new();
    if !unknown.is_empty() {
        let shown: Vec<&str> = unknown.iter().take(5).map(String::as_str).collect();
        warnings.push(format!(
            "{}: {} demand id(s) match no demand point and were ignored (e.g. {})",
            path.display(),
            unknown.len(),
            shown.join(", ")
        ));
    }
    Ok(Lists {
        lists,
        warnings,
        beyond: Beyond::Unknown,
    })
}

/// Compares ids numerically when both are integers, else as text.
fn compare_ids(a: &str, b: &str) -> Ordering {
    match (a.parse::<i128>(), b.parse::<i128>()) {
        (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        _ => a.cmp(b),
    }
}

/// Reads the inputs, builds the cost matrix and solves: the library entry point of the command
/// (also used by the benchmarks).
pub fn solve_files(args: &SolveArgs) -> Result<SolveReport, Error> {
    let started = Instant::now();
    check_args(args)?;
    let layers = read_layers(args)?;
    let sites = sites(&layers);
    let mut read_seconds = started.elapsed().as_secs_f64();
    let Lists {
        mut lists,
        warnings,
        mut beyond,
    } = match (&args.network, &args.matrix) {
        (Some(net), _) => network_lists(args, net, &layers, &sites, &mut read_seconds)?,
        (None, Some(m)) => matrix_lists(m, &layers, &sites, &mut read_seconds)?,
        (None, None) => straight_lists(args, &layers, &sites)?,
    };
    let weights = if args.weight_field.is_some() {
        layers.demand.numbers.clone()
    } else {
        vec![1.0; layers.demand.len()]
    };
    // For p-median and p-center a radius is a cutoff: pairs beyond it are dropped.
    let cutoff = args
        .radius
        .filter(|_| matches!(args.problem, SolveProblem::Pmedian | SolveProblem::Pcenter));
    let mut truncated = false;
    if let Some(r) = cutoff {
        if args.matrix.is_some() {
            let full = lists.clone();
            for l in &mut lists {
                l.retain(|&(_, c)| c <= r);
            }
            truncated = lists.iter().zip(&full).any(|(a, b)| a.len() < b.len());
            beyond = Beyond::Full(full);
        } else {
            truncated = lists.iter().any(|l| l.len() < sites.ids.len());
        }
    }
    let costs = SparseCosts::from_lists(weights.clone(), sites.ids.len(), lists)
        .map_err(|e| usage(e.to_string()))?;
    let capacitated = args.capacity_field.is_some();
    // The limit covers everything but reading: the solver gets what is left of it (its
    // wall-clock safety net), while its deterministic work budget comes from the whole limit.
    let limit = solve::duration_from_secs(args.time_limit);
    let used = started
        .elapsed()
        .saturating_sub(Duration::from_secs_f64(read_seconds));
    let problem = solve::Problem {
        fixed_open: sites.fixed.clone(),
        p: args.p.unwrap_or(0),
        radius: args.radius.unwrap_or(0.0),
        capacities: capacitated.then(|| Capacities {
            capacity: sites.capacity.clone(),
            usage: None,
        }),
        // Beyond the cutoff a demand costs the cutoff per unit weight: never more than its true
        // cost, so the solver's lower bound holds for the untruncated problem too.
        unserved_cost: cutoff.filter(|_| args.problem == SolveProblem::Pmedian),
        time_limit: limit.saturating_sub(used + OUTPUT_MARGIN),
        work_limit: Some(
            args.work_limit
                .unwrap_or_else(|| solve::budget::work_for(limit)),
        ),
        seed: args.seed,
        ..solve::Problem::default()
    };
    let mut solution = match (args.problem, capacitated) {
        (SolveProblem::Lscp, _) => solve::lscp::solve(&costs, &problem),
        (SolveProblem::Mclp, false) => solve::mclp::solve(&costs, &problem),
        (SolveProblem::Mclp, true) => solve::mclp::solve_capacitated(&costs, &problem),
        (SolveProblem::Pmedian, false) => solve::pmedian::solve(&costs, &problem),
        (SolveProblem::Pmedian, true) => solve::capacitated::solve(&costs, &problem),
        (SolveProblem::Pcenter, _) => solve::pcenter::solve(&costs, &problem),
    }
    .map_err(|e| usage(e.to_string()))?;
    let truncation = cutoff.map(|r| {
        truncation(
            args,
            r,
            truncated,
            &costs,
            &problem,
            &beyond,
            capacitated,
            &mut solution,
        )
    });
    let mut selected: Vec<String> = solution
        .selected
        .iter()
        .filter(|&&j| j < sites.candidates)
        .map(|&j| sites.ids[j].clone())
        .collect();
    selected.sort_by(|a, b| compare_ids(a, b));
    Ok(SolveReport {
        problem: args.problem,
        capacitated,
        solution,
        selected,
        seconds: started.elapsed().as_secs_f64(),
        read_seconds,
        warnings,
        truncation,
    })
}

/// What a cutoff did to a p-median or p-center problem.
#[derive(Debug, Clone)]
pub struct Truncation {
    /// The cutoff (the `--radius`), in the cost unit.
    pub cutoff: f64,
    /// Whether it dropped any pair, i.e. changed the problem.
    pub truncated: bool,
    /// Demand weight whose nearest open site lies beyond the cutoff (p-median) or that has no
    /// site within it and is left out (p-center).
    pub beyond_weight: f64,
    /// p-median: the objective within the cutoff (pairs beyond it charged the cutoff).
    pub truncated_objective: Option<f64>,
    /// Whether `objective`, `bound` and `status` hold for the untruncated problem.
    pub certified_untruncated: bool,
    /// A sentence for the reader.
    pub note: String,
}

/// Measures the cutoff's effect and, for the uncapacitated p-median with the true costs at
/// hand, re-scores the selection on the untruncated problem (the bound stays valid there).
#[allow(clippy::too_many_arguments)]
fn truncation(
    args: &SolveArgs,
    r: f64,
    truncated: bool,
    costs: &SparseCosts,
    problem: &solve::Problem,
    beyond: &Beyond,
    capacitated: bool,
    solution: &mut Solution,
) -> Truncation {
    let w = costs.weights();
    let mut t = Truncation {
        cutoff: r,
        truncated,
        beyond_weight: 0.0,
        truncated_objective: None,
        certified_untruncated: !truncated,
        note: String::new(),
    };
    if args.problem == SolveProblem::Pcenter {
        t.beyond_weight = (0..costs.n())
            .filter(|&i| w[i] > 0.0 && costs.row(i).next().is_none())
            .map(|i| w[i])
            .sum();
        t.certified_untruncated = t.beyond_weight == 0.0;
        t.note = if t.beyond_weight > 0.0 {
            format!("--radius {r} is a cutoff: demand with no site within it (weight {}) is left out, so the objective is the p-center of the rest", t.beyond_weight)
        } else {
            format!("--radius {r} is a cutoff; every demand has a site within it, so the p-center is that of the untruncated problem when it is at most {r}")
        };
        return t;
    }
    let mut open = problem.fixed_mask(costs.m());
    for &j in &solution.selected {
        open[j] = true;
    }
    t.beyond_weight = (0..costs.n())
        .filter(|&i| !costs.row(i).any(|(j, _)| open[j]))
        .map(|i| w[i])
        .sum();
    t.truncated_objective = Some(solution.objective);
    if !truncated {
        t.note = format!("--radius {r} dropped no pair: the problem is untruncated");
        return t;
    }
    let true_objective = if capacitated || solution.status == Status::Infeasible {
        None
    } else {
        untruncated_objective(costs, problem, beyond, &open)
    };
    match true_objective {
        Some(v) => {
            let s = solution.clone();
            let mut c = Solution::certified(
                s.sense,
                s.selected.clone(),
                v,
                s.bound,
                costs.is_integral() && v.fract() == 0.0,
                s.covered,
                s.total,
                Instant::now(),
            );
            c.seconds = s.seconds;
            c.assignment = s.assignment;
            c.iterations = s.iterations;
            c.work = s.work;
            c.stop = s.stop;
            c.nodes = s.nodes;
            *solution = c;
            t.certified_untruncated = true;
            t.note = format!("--radius {r} is a cutoff: the search charged a demand beyond it {r} per unit weight (never more than its true cost), so the bound holds for the untruncated problem; objective and gap are those of the untruncated problem");
        }
        None => {
            t.note = format!("--radius {r} is a cutoff and changed the problem: a demand with no open site within it is charged {r} per unit weight; objective, bound and gap are those of this truncated problem");
        }
    }
    t
}

/// The p-median objective of an open-site mask with every pair's true cost, when known.
fn untruncated_objective(
    costs: &SparseCosts,
    problem: &solve::Problem,
    beyond: &Beyond,
    open: &[bool],
) -> Option<f64> {
    let w = costs.weights();
    match beyond {
        Beyond::Plane(demand, sites) => {
            let open_xy: Vec<([f64; 2], usize)> = (0..sites.len())
                .filter(|&j| open[j])
                .map(|j| (sites[j], j))
                .collect();
            if open_xy.is_empty() {
                return None;
            }
            let index = PointIndex::from_items(open_xy);
            Some(
                demand
                    .iter()
                    .zip(w)
                    .map(|(&p, wi)| wi * index.nearest(p).map_or(f64::INFINITY, |(_, d)| d))
                    .sum(),
            )
        }
        Beyond::Full(full) => {
            let full_costs = SparseCosts::from_lists(w.to_vec(), costs.m(), full.clone()).ok()?;
            let unserved = solve::Problem {
                unserved_cost: None,
                ..problem.clone()
            }
            .unserved(&full_costs);
            Some(solve::pmedian::evaluate(&full_costs, open, unserved))
        }
        Beyond::Unknown => None,
    }
}

fn finite(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Optimal => "optimal",
        Status::Feasible => "feasible",
        Status::Infeasible => "infeasible",
    }
}

impl SolveReport {
    /// The JSON object printed by `--json` (see the module docs).
    pub fn to_json(&self) -> Value {
        let s = &self.solution;
        let mut v = json!({
            "problem": self.problem.name(),
            "capacitated": self.capacitated,
            "objective": finite(s.objective),
            "bound": finite(s.bound),
            "gap": finite(s.gap),
            "status": status_name(s.status),
            "selected": self.selected,
            "seconds": self.seconds,
            "read_seconds": self.read_seconds,
            "solve_seconds": s.seconds,
            "stop": s.stop.name(),
            "work": s.work,
            "nodes": s.nodes,
        });
        if matches!(self.problem, SolveProblem::Mclp | SolveProblem::Lscp) {
            v["covered"] = json!(s.covered);
            v["total"] = json!(s.total);
        }
        if let Some(t) = &self.truncation {
            v["cutoff"] = json!(t.cutoff);
            v["truncated"] = json!(t.truncated);
            v["beyond_cutoff_weight"] = json!(t.beyond_weight);
            if let Some(o) = t.truncated_objective {
                v["objective_within_cutoff"] = finite(o);
            }
            v["certified_untruncated"] = json!(t.certified_untruncated);
            v["truncation"] = json!(t.note);
        }
        v
    }

    /// The short human-readable summary.
    pub fn summary(&self) -> String {
        let s = &self.solution;
        let cap = if self.capacitated { "capacitated " } else { "" };
        let mut out = format!(
            "{cap}{}: {} ({} site(s) selected)\n",
            self.problem.name(),
            status_name(s.status),
            self.selected.len()
        );
        if s.status != Status::Infeasible {
            out += &format!(
                "objective {:.6}, bound {:.6}, gap {:.4} %\n",
                s.objective,
                s.bound,
                100.0 * s.gap
            );
        }
        if matches!(self.problem, SolveProblem::Mclp | SolveProblem::Lscp) {
            out += &format!("covered weight {} of {}\n", s.covered, s.total);
        }
        out += &format!("selected: {}\n", self.selected.join(", "));
        out += &format!("{:.2} s\n", self.seconds);
        out
    }
}

/// Runs the command.
pub fn run(args: SolveArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let report = solve_files(&args)?;
    for w in &report.warnings {
        eprintln!("schoolplan: warning: {w}");
    }
    let text = if args.json {
        format!("{}\n", report.to_json())
    } else {
        report.summary()
    };
    emit(out, &text)?;
    Ok(Outcome::Ok)
}

/// Streaming readers for well-formed inputs: serde straight into the few fields `solve` needs
/// (a point per feature, an id, one number) and a byte-level matrix scan. They return `None` at
/// the first thing they do not handle exactly like the full readers
/// ([`crate::io::points::read_points`], [`crate::io::points::read_solve_matrix`]) — a
/// non-point geometry, a missing or invalid property, a duplicate, a quoted CSV field — and
/// the caller then uses the full reader, which reports every problem of the file. On the files
/// they accept, both give identical results.
mod fast {
    use std::borrow::Cow;
    use std::collections::{BTreeSet, HashMap, HashSet};
    use std::path::Path;

    use serde::Deserialize;
    use serde_json::{Map, Value};

    use crate::io::features::FileProblems;
    use crate::io::points::{PointLayer, PointSpec};

    #[derive(Deserialize)]
    struct Collection<'a> {
        #[serde(rename = "type", borrow)]
        kind: Cow<'a, str>,
        #[serde(borrow)]
        features: Vec<Feature<'a>>,
    }

    #[derive(Deserialize)]
    struct Feature<'a> {
        #[serde(rename = "type", borrow)]
        kind: Cow<'a, str>,
        #[serde(default)]
        properties: Option<Map<String, Value>>,
        #[serde(default, borrow)]
        geometry: Option<Geometry<'a>>,
    }

    #[derive(Deserialize)]
    struct Geometry<'a> {
        #[serde(rename = "type", borrow)]
        kind: Cow<'a, str>,
        coordinates: Vec<f64>,
    }

    /// A point layer read the fast way, or `None` (use the full reader).
    pub(super) fn read_points(path: &Path, spec: PointSpec<'_>) -> Option<PointLayer> {
        let bytes = std::fs::read(path).ok()?;
        let fc: Collection<'_> = serde_json::from_slice(&bytes).ok()?;
        if fc.kind != "FeatureCollection" {
            return None;
        }
        let n = fc.features.len();
        let mut layer = PointLayer {
            file: FileProblems::new(path).file,
            ids: Vec::with_capacity(n),
            lonlat: Vec::with_capacity(n),
            numbers: Vec::with_capacity(if spec.number_field.is_some() { n } else { 0 }),
        };
        let mut seen: HashSet<&str> = HashSet::new();
        for (index, f) in fc.features.iter().enumerate() {
            if f.kind != "Feature" {
                return None;
            }
            let g = f.geometry.as_ref()?;
            if g.kind != "Point" || g.coordinates.len() < 2 {
                return None;
            }
            let (x, y) = (g.coordinates[0], g.coordinates[1]);
            if !(x.is_finite() && y.is_finite() && x.abs() <= 180.0 && y.abs() <= 90.0) {
                return None;
            }
            let get = |key: &str| {
                f.properties
                    .as_ref()
                    .and_then(|p| p.get(key))
                    .filter(|v| !v.is_null())
            };
            let id = match get(spec.id_field) {
                Some(Value::String(s)) if !spec.require_id || !s.trim().is_empty() => s.clone(),
                Some(Value::Number(v)) if !spec.require_id || v.is_i64() || v.is_u64() => {
                    v.to_string()
                }
                _ if spec.require_id => return None,
                _ => index.to_string(),
            };
            if let Some(field) = spec.number_field {
                match get(field).and_then(Value::as_f64) {
                    Some(v) if v.is_finite() && v >= 0.0 => layer.numbers.push(v),
                    _ => return None,
                }
            }
            layer.ids.push(id);
            layer.lonlat.push([x, y]);
        }
        if spec.require_id {
            for id in &layer.ids {
                if !seen.insert(id.as_str()) {
                    return None;
                }
            }
        }
        Some(layer)
    }

    /// Per-demand `(site, cost)` lists from a `demand_id,candidate_id,cost` matrix, and the
    /// matrix's demand ids that match no demand point (sorted), or `None` (use the full reader).
    #[allow(clippy::type_complexity)]
    pub(super) fn matrix_lists(
        path: &Path,
        demand_ids: &[&str],
        site_ids: &[String],
    ) -> Option<(Vec<Vec<(usize, f64)>>, Vec<String>)> {
        let bytes = std::fs::read(path).ok()?;
        let text = std::str::from_utf8(&bytes).ok()?;
        if text.contains('"') {
            return None;
        }
        let mut lines = text.split('\n');
        let header: Vec<&str> = lines
            .next()?
            .trim_end_matches('\r')
            .split(',')
            .map(str::trim)
            .collect();
        let col = |names: [&str; 2]| header.iter().position(|h| names.contains(h));
        let (oc, dc, cc) = (
            col(["demand_id", "origin_id"])?,
            col(["candidate_id", "destination_id"])?,
            col(["cost", "cost"])?,
        );
        let width = header.len();
        let demand_of: HashMap<&str, usize> = demand_ids
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, i))
            .collect();
        let site_of: HashMap<&str, usize> = site_ids
            .iter()
            .enumerate()
            .map(|(j, s)| (s.as_str(), j))
            .collect();
        let mut lists: Vec<Vec<(usize, f64)>> = vec![Vec::new(); demand_ids.len()];
        let mut unknown: BTreeSet<&str> = BTreeSet::new();
        let mut other_pairs: HashSet<(&str, &str)> = HashSet::new();
        let mut fields: Vec<&str> = Vec::with_capacity(width);
        for line in lines {
            let line = line.trim_end_matches('\r');
            if line.is_empty() {
                continue;
            }
            fields.clear();
            fields.extend(line.split(',').map(str::trim));
            if fields.len() != width {
                return None;
            }
            let (o, d, c) = (fields[oc], fields[dc], fields[cc]);
            if o.is_empty() || d.is_empty() {
                return None;
            }
            let cost: f64 = c.parse().ok()?;
            if !(cost.is_finite() && cost >= 0.0) {
                return None;
            }
            match (demand_of.get(o), site_of.get(d)) {
                (Some(&i), Some(&j)) => lists[i].push((j, cost)),
                (i, _) => {
                    if i.is_none() {
                        unknown.insert(o);
                    }
                    if !other_pairs.insert((o, d)) {
                        return None;
                    }
                }
            }
        }
        for l in &mut lists {
            l.sort_unstable_by_key(|a| a.0);
            if l.windows(2).any(|w| w[0].0 == w[1].0) {
                return None;
            }
            l.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        }
        Some((lists, unknown.into_iter().map(str::to_string).collect()))
    }
}
