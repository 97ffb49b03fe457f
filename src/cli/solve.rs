//! `schoolplan solve <problem>`: a location problem straight from GeoJSON points, for direct
//! use and benchmarks. This file parses the arguments and prints; reading the files, the
//! checks, the costs and the solver run are [`crate::pipeline::solve`] (whose docs list the
//! inputs and every field of the `--json` object). Without `--json`, a short summary.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{emit, Outcome};
use crate::error::Error;
use crate::pipeline::solve::{solve_files, status_name, PointSolve, SolveReport};
use crate::solve::{self, Kind, Status};

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
    /// The solver's problem.
    pub fn kind(self) -> solve::Kind {
        match self {
            SolveProblem::Lscp => solve::Kind::Lscp,
            SolveProblem::Mclp => solve::Kind::Mclp,
            SolveProblem::Pmedian => solve::Kind::Pmedian,
            SolveProblem::Pcenter => solve::Kind::Pcenter,
        }
    }

    /// The name used on the command line and in the output.
    pub fn name(self) -> &'static str {
        self.kind().name()
    }
}

impl SolveArgs {
    /// The library's request.
    pub fn request(&self) -> PointSolve {
        PointSolve {
            problem: self.problem.kind(),
            demand: self.demand.clone(),
            candidates: self.candidates.clone(),
            existing: self.existing.clone(),
            network: self.network.clone(),
            cost_field: self.cost_field.clone(),
            matrix: self.matrix.clone(),
            p: self.p,
            radius: self.radius,
            capacity_field: self.capacity_field.clone(),
            weight_field: self.weight_field.clone(),
            id_field: self.id_field.clone(),
            time_limit_s: self.time_limit,
            work_limit: self.work_limit,
            seed: self.seed,
        }
    }
}

/// The short human-readable summary.
fn summary(report: &SolveReport) -> String {
    let s = &report.solution;
    let cap = if report.capacitated {
        "capacitated "
    } else {
        ""
    };
    let mut out = format!(
        "{cap}{}: {} ({} site(s) selected)\n",
        report.problem.name(),
        status_name(s.status),
        report.selected.len()
    );
    if s.status != Status::Infeasible {
        out += &format!(
            "objective {:.6}, bound {:.6}, gap {:.4} %\n",
            s.objective,
            s.bound,
            100.0 * s.gap
        );
    }
    if matches!(report.problem, Kind::Mclp | Kind::Lscp) {
        out += &format!("covered weight {} of {}\n", s.covered, s.total);
    }
    out += &format!("selected: {}\n", report.selected.join(", "));
    out += &format!("{:.2} s\n", report.seconds);
    out
}

/// Runs the command.
pub fn run(args: SolveArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let report = solve_files(&args.request())?;
    for w in &report.warnings {
        eprintln!("schoolplan: warning: {w}");
    }
    let text = if args.json {
        format!("{}\n", report.to_json())
    } else {
        summary(&report)
    };
    emit(out, &text)?;
    Ok(Outcome::Ok)
}
