//! `schoolplan solve <problem>`: a location problem straight from GeoJSON points, for direct
//! use and benchmarks. Prints one JSON object (see [`SolveArgs`]).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::Outcome;
use crate::error::Error;

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
#[derive(Debug, Args)]
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
    /// Time limit in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub time_limit: f64,
    /// Seed for randomised search.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(_args: SolveArgs, _out: &mut dyn Write) -> Result<Outcome, Error> {
    Err(Error::Usage("solve: not wired yet".into()))
}
