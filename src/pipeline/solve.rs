//! `schoolplan solve` as a library call: read the point layers (and a network or a cost
//! matrix), check the options, build the costs and solve through [`crate::propose::points`],
//! and describe the answer as the command's JSON object. The command (`cli::solve`) only turns
//! its arguments into a [`PointSolve`] and prints; the benchmarks call [`solve_files`] directly.
//!
//! ## Inputs
//!
//! Demand, candidates and existing facilities are GeoJSON points in WGS 84 (a non-point feature
//! stands for its centroid). Candidates need a unique id (`id_field`); demand needs one only
//! with a matrix. Weights (`weight_field`, default 1 per point) and capacities
//! (`capacity_field`, on candidates and existing facilities) must be finite numbers ≥ 0 on
//! every feature. Every problem of every file is reported at once. Existing facilities
//! are fixed open and never listed in `selected`; costs are straight-line metres, shortest paths
//! along a network (points snap to vertices) or matrix pairs (see [`crate::propose::points`]).
//!
//! ## Output
//!
//! [`SolveReport::to_json`] gives one object: `problem`, `capacitated`, `objective`, `bound`,
//! `gap`, `status` (`optimal`, `feasible` or `infeasible`; objective and bound are `null` when
//! infeasible), `selected` (candidate ids, sorted: numerically when both ids are integers, else
//! as text), `stop` (`complete`: proven or nothing left to try; `work_limit`: the deterministic
//! work budget ran out; `wall_clock`: the time limit cut the search short first, so the answer
//! may depend on the machine's speed and load), `work` (work units spent), `nodes`
//! (branch-and-bound nodes), `seconds` (wall time of the whole call), `read_seconds`
//! (reading the input files), `solve_seconds`, and for MCLP and LSCP `covered` and `total`
//! (demand weight). With a radius, p-median and p-center add `cutoff`, `truncated`,
//! `beyond_cutoff_weight`, `objective_within_cutoff` (p-median), `certified_untruncated` and a
//! `truncation` sentence ([`crate::propose::costs::Truncation`]). Units: MCLP objective = covered
//! weight; p-median = weighted cost; p-center = cost; LSCP = number of new sites.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::error::{Error, Problem};
use crate::io::points::{read_matrix_lists, read_network_lines, read_points, PointSpec};
use crate::model::PointLayer;
use crate::propose::costs::Truncation;
use crate::propose::points::{self, PointCosts, PointProblem, Sites};
use crate::solve::{self, Kind, Solution, Status};
use crate::spatial::graph_costs::NetworkLine;

/// Wall time kept back from the solver for mapping ids and printing.
const OUTPUT_MARGIN: Duration = Duration::from_millis(20);

/// One location problem on point files: what `schoolplan solve` was asked.
#[derive(Debug, Clone)]
pub struct PointSolve {
    /// The problem.
    pub problem: Kind,
    /// Demand points (GeoJSON, WGS 84).
    pub demand: PathBuf,
    /// Candidate sites (GeoJSON points, WGS 84).
    pub candidates: PathBuf,
    /// Existing facilities, fixed open.
    pub existing: Option<PathBuf>,
    /// Road network (GeoJSON LineStrings); points snap to the nearest network vertex.
    pub network: Option<PathBuf>,
    /// Network property holding each edge's cost (default: length in metres).
    pub cost_field: Option<String>,
    /// Cost matrix CSV `demand_id,candidate_id,cost`.
    pub matrix: Option<PathBuf>,
    /// Number of sites to open (all problems but LSCP).
    pub p: Option<usize>,
    /// Coverage radius (MCLP, LSCP) or cutoff (p-median, p-center), in metres or the cost unit
    /// of the network / matrix.
    pub radius: Option<f64>,
    /// Candidate property holding its capacity (capacitated MCLP and p-median).
    pub capacity_field: Option<String>,
    /// Demand property holding its weight (default: 1 per point).
    pub weight_field: Option<String>,
    /// Property holding feature ids.
    pub id_field: String,
    /// Time limit in seconds for everything but reading the inputs.
    pub time_limit_s: f64,
    /// Work budget in work units (default: derived from the time limit).
    pub work_limit: Option<u64>,
    /// Seed for randomised search.
    pub seed: u64,
}

/// What `solve` found: the solution and the candidate ids it selected.
#[derive(Debug, Clone)]
pub struct SolveReport {
    /// The problem solved.
    pub problem: Kind,
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
fn check_args(args: &PointSolve) -> Result<(), Error> {
    let name = args.problem.name();
    let needs_p = args.problem != Kind::Lscp;
    if needs_p && args.p.is_none() {
        return Err(usage(format!("{name} needs --p")));
    }
    let needs_radius = matches!(args.problem, Kind::Lscp | Kind::Mclp);
    match args.radius {
        None if needs_radius => return Err(usage(format!("{name} needs --radius"))),
        Some(r) if !(r.is_finite() && r >= 0.0) => {
            return Err(usage(format!("--radius {r} is not a finite number ≥ 0")))
        }
        _ => {}
    }
    let max = crate::propose::request::MAX_TIME_LIMIT_S;
    if !(args.time_limit_s.is_finite() && (0.0..=max).contains(&args.time_limit_s)) {
        let t = crate::error::shown(args.time_limit_s);
        return Err(usage(format!(
            "--time-limit: expected seconds between 0 and {max} (one day), found {t}"
        )));
    }
    let capacitated_ok = matches!(args.problem, Kind::Mclp | Kind::Pmedian);
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

fn read_layers(args: &PointSolve) -> Result<Layers, Error> {
    let matrix = args.matrix.is_some();
    let id = args.id_field.as_str();
    let mut problems: Vec<Problem> = Vec::new();
    let mut read = |path: &Path, require_id: bool, number: Option<&str>| {
        let spec = PointSpec {
            id_field: id,
            require_id,
            number_field: number,
        };
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

/// Reads the inputs and solves: the library entry point of `schoolplan solve` (also used by
/// the benchmarks).
pub fn solve_files(args: &PointSolve) -> Result<SolveReport, Error> {
    let started = Instant::now();
    check_args(args)?;
    let layers = read_layers(args)?;
    let sites = Sites::new(&layers.candidates, &layers.existing);
    let mut warnings = Vec::new();
    let lines: Vec<NetworkLine>;
    let net_file: String;
    let costs = match (&args.network, &args.matrix) {
        (Some(path), _) => {
            lines = read_network_lines(path, args.cost_field.as_deref()).map_err(Error::Invalid)?;
            net_file = path.display().to_string();
            PointCosts::Network {
                lines: &lines,
                file: &net_file,
            }
        }
        (None, Some(path)) => {
            let origins: Vec<&str> = layers.demand.ids.iter().map(String::as_str).collect();
            let (lists, unknown) = read_matrix_lists(path, &origins, &sites.ids)?;
            if !unknown.is_empty() {
                let shown: Vec<&str> = unknown.iter().take(5).map(String::as_str).collect();
                warnings.push(format!(
                    "{}: {} demand id(s) match no demand point and were ignored (e.g. {})",
                    path.display(),
                    unknown.len(),
                    shown.join(", ")
                ));
            }
            PointCosts::Matrix(lists)
        }
        (None, None) => PointCosts::Straight,
    };
    let read_seconds = started.elapsed().as_secs_f64();
    // The limit covers everything but reading: building the costs and solving get what is left
    // of it (the solver's wall-clock safety net), while the deterministic work budget comes
    // from the whole limit.
    let limit = solve::duration_from_secs(args.time_limit_s);
    let capacitated = args.capacity_field.is_some();
    let answer = points::solve(PointProblem {
        kind: args.problem,
        capacitated,
        demand: &layers.demand,
        weighted: args.weight_field.is_some(),
        sites: &sites,
        costs,
        p: args.p.unwrap_or(0),
        radius: args.radius,
        time_limit: limit.saturating_sub(OUTPUT_MARGIN),
        work_limit: args
            .work_limit
            .unwrap_or_else(|| solve::budget::work_for(limit)),
        seed: args.seed,
    })
    .map_err(|e| match e {
        Error::Usage(m) => usage(m),
        other => other,
    })?;
    Ok(SolveReport {
        problem: args.problem,
        capacitated,
        solution: answer.solution,
        selected: answer.selected,
        seconds: started.elapsed().as_secs_f64(),
        read_seconds,
        warnings,
        truncation: answer.truncation,
    })
}

fn finite(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

pub(crate) fn status_name(s: Status) -> &'static str {
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
        if matches!(self.problem, Kind::Mclp | Kind::Lscp) {
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
}
