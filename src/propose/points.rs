//! A location problem from point layers — demand points, candidate sites and existing
//! facilities in WGS 84 — as `schoolplan solve` poses it. The command reads the files (through
//! `io`) and prints; everything in between is here: sites, projection, costs
//! ([`super::costs`], shared with proposals), the solver ([`crate::solve::solve`]) and what a
//! cutoff did.
//!
//! ## Sites
//!
//! Candidates come first, then the existing facilities whose id is not a candidate id. Existing
//! facilities are fixed open: they serve and cover demand and do not count against `p`; one
//! whose id is also a candidate id makes that candidate fixed. Only candidates are reported as
//! selected.
//!
//! ## Costs
//!
//! - [`PointCosts::Straight`]: straight-line metres in a [`LocalProjection`] centred on the
//!   data's extent. Only pairs within the radius are kept when a radius is given (so for
//!   p-median / p-center a radius acts as a cutoff, see [`super::costs`]); without one every pair
//!   is kept (refused beyond [`super::costs::MAX_DENSE_PAIRS`]).
//! - [`PointCosts::Network`]: every point snaps to the nearest network **vertex**; costs are
//!   shortest paths from the demand to the candidate, the edge cost being the line's explicit
//!   cost when given, else the length in metres; when the same vertex pair is given several
//!   times **the last occurrence wins** (the OR-Library convention; see
//!   [`crate::spatial::graph_costs`]). The radius, when given, bounds the searches.
//! - [`PointCosts::Matrix`]: lists read from a `demand_id,candidate_id,cost` matrix over
//!   [`Sites::ids`]; a pair not listed is unreachable.

use std::time::{Duration, Instant};

use super::costs::{self, Distance, Truncation};
use crate::error::{Error, Problem as FileProblem, Result, Severity};
use crate::geodesy::projection::LocalProjection;
use crate::model::PointLayer;
use crate::solve::{self, Capacities, Kind, Solution, SparseCosts};
use crate::spatial::graph_costs::{GraphCosts, NetworkLine};

/// Candidates followed by the existing facilities whose id is not a candidate id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sites {
    /// The candidates' file, as shown in messages.
    pub file: String,
    /// Id of each site.
    pub ids: Vec<String>,
    /// Position of each site, WGS 84 `[lon, lat]`.
    pub lonlat: Vec<[f64; 2]>,
    /// Capacity of each site (the layers' numbers; empty when none were read).
    pub capacity: Vec<f64>,
    /// Sites fixed open (sorted).
    pub fixed: Vec<usize>,
    /// Number of true candidates (indices below this may be reported as selected).
    pub candidates: usize,
}

impl Sites {
    /// The sites of a problem: `candidates`, then the `existing` facilities not among them.
    pub fn new(candidates: &PointLayer, existing: &PointLayer) -> Sites {
        let index_of: std::collections::BTreeMap<&str, usize> = candidates
            .ids
            .iter()
            .enumerate()
            .map(|(j, s)| (s.as_str(), j))
            .collect();
        let mut s = Sites {
            file: candidates.file.clone(),
            ids: candidates.ids.clone(),
            lonlat: candidates.lonlat.clone(),
            capacity: candidates.numbers.clone(),
            fixed: Vec::new(),
            candidates: candidates.len(),
        };
        for k in 0..existing.len() {
            match index_of.get(existing.ids[k].as_str()) {
                Some(&j) => s.fixed.push(j),
                None => {
                    s.fixed.push(s.ids.len());
                    s.ids.push(existing.ids[k].clone());
                    s.lonlat.push(existing.lonlat[k]);
                    if let Some(&q) = existing.numbers.get(k) {
                        s.capacity.push(q);
                    }
                }
            }
        }
        s.fixed.sort_unstable();
        s.fixed.dedup();
        s
    }
}

/// Where the costs come from (see the module docs).
pub enum PointCosts<'a> {
    /// Straight-line metres.
    Straight,
    /// Shortest paths on the lines of a network file (named for messages).
    Network {
        /// The network's lines, WGS 84.
        lines: &'a [NetworkLine],
        /// The file they came from.
        file: &'a str,
    },
    /// Per-demand `(site, cost)` lists over [`Sites::ids`], read from a matrix.
    Matrix(Vec<Vec<(usize, f64)>>),
}

/// Everything of one point-layer problem.
pub struct PointProblem<'a> {
    /// The problem.
    pub kind: Kind,
    /// Solve the capacitated variant (MCLP, p-median) with the sites' capacities.
    pub capacitated: bool,
    /// Demand points; with `weighted` their numbers are the weights, else 1 each.
    pub demand: &'a PointLayer,
    /// Whether the demand layer's numbers are weights.
    pub weighted: bool,
    /// The sites ([`Sites::new`]).
    pub sites: &'a Sites,
    /// Where the costs come from.
    pub costs: PointCosts<'a>,
    /// New sites to open (ignored by LSCP).
    pub p: usize,
    /// Coverage radius (MCLP, LSCP) or cutoff (p-median, p-center), in the cost unit.
    pub radius: Option<f64>,
    /// Wall time for building the costs and solving: the solver's safety net gets what is left.
    pub time_limit: Duration,
    /// The solver's deterministic work budget.
    pub work_limit: u64,
    /// Seed of the randomised search.
    pub seed: u64,
}

/// The answer to a [`PointProblem`].
#[derive(Debug, Clone)]
pub struct PointAnswer {
    /// The solver's result (indices over [`Sites::ids`]).
    pub solution: Solution,
    /// Ids of the selected candidates, sorted (numerically when both ids are integers, else as
    /// text).
    pub selected: Vec<String>,
    /// p-median / p-center with a radius: what the cutoff did.
    pub truncation: Option<Truncation>,
}

fn projection(points: impl Iterator<Item = [f64; 2]>) -> Result<LocalProjection> {
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

fn project_all(proj: &LocalProjection, file: &str, pts: &[[f64; 2]]) -> Result<Vec<[f64; 2]>> {
    pts.iter()
        .map(|p| {
            proj.to_local(p[0], p[1])
                .map(|(x, y)| [x, y])
                .ok_or_else(|| {
                    let found = format!("({}, {}) that cannot be projected", p[0], p[1]);
                    Error::Invalid(vec![FileProblem::file(
                        Severity::Error,
                        file,
                        "a point",
                        found,
                    )])
                })
        })
        .collect()
}

/// Compares ids numerically when both are integers, else as text.
fn compare_ids(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a.parse::<i128>(), b.parse::<i128>()) {
        (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        _ => a.cmp(b),
    }
}

/// Builds the costs, solves and certifies (see the module docs).
pub fn solve(pp: PointProblem<'_>) -> Result<PointAnswer> {
    let started = Instant::now();
    let sites = pp.sites;
    let demand = pp.demand;
    let m = sites.ids.len();
    // For p-median and p-center a radius is a cutoff: pairs beyond it are dropped.
    let cutoff_only = matches!(pp.kind, Kind::Pmedian | Kind::Pcenter);
    let site_costs = match pp.costs {
        PointCosts::Matrix(lists) => costs::build(
            &vec![[0.0; 2]; demand.len()],
            &vec![[0.0; 2]; m],
            Distance::Lists(lists),
            pp.radius.filter(|_| cutoff_only),
        )?,
        PointCosts::Straight => {
            let pts = demand.lonlat.iter().chain(&sites.lonlat).copied();
            let proj = projection(pts)?;
            let d = project_all(&proj, &demand.file, &demand.lonlat)?;
            let s = project_all(&proj, &sites.file, &sites.lonlat)?;
            let distance = Distance::Straight {
                metres_per_unit: 1.0,
            };
            costs::build(&d, &s, distance, pp.radius)?
        }
        PointCosts::Network { lines, file } => {
            let pts = demand.lonlat.iter().chain(&sites.lonlat).copied();
            let proj = projection(pts.chain(lines.iter().flat_map(|l| l.lonlat.iter().copied())))?;
            let graph =
                GraphCosts::build(lines, |p| proj.to_local(p[0], p[1]).map(|(x, y)| [x, y]));
            if graph.vertex_count() == 0 {
                let p = FileProblem::file(
                    Severity::Error,
                    file,
                    "a network with lines",
                    "no usable line",
                );
                return Err(Error::Invalid(vec![p]));
            }
            let d = project_all(&proj, &demand.file, &demand.lonlat)?;
            let s = project_all(&proj, &sites.file, &sites.lonlat)?;
            costs::build(&d, &s, Distance::Vertices(&graph), pp.radius)?
        }
    };
    let weights = if pp.weighted {
        demand.numbers.clone()
    } else {
        vec![1.0; demand.len()]
    };
    let costs = SparseCosts::from_lists(weights, m, site_costs.lists.clone())
        .map_err(|e| Error::Usage(e.to_string()))?;
    let cutoff = pp.radius.filter(|_| cutoff_only);
    let problem = solve::Problem {
        fixed_open: sites.fixed.clone(),
        p: pp.p,
        radius: pp.radius.unwrap_or(0.0),
        capacities: pp.capacitated.then(|| Capacities {
            capacity: sites.capacity.clone(),
            usage: None,
        }),
        // Beyond the cutoff a demand costs the cutoff per unit weight: never more than its true
        // cost, so the solver's lower bound holds for the untruncated problem too.
        unserved_cost: cutoff.filter(|_| pp.kind == Kind::Pmedian),
        // What is left of the limit, less a tenth of the building time for scoring the answer
        // on the untruncated problem and mapping ids afterwards.
        time_limit: pp.time_limit.saturating_sub(started.elapsed().mul_f64(1.1)),
        work_limit: Some(pp.work_limit),
        seed: pp.seed,
        ..solve::Problem::default()
    };
    let mut solution = solve::solve(pp.kind, pp.capacitated, &costs, &problem)
        .map_err(|e| Error::Usage(e.to_string()))?;
    let truncation = costs::certify_cutoff(
        pp.kind,
        pp.capacitated,
        &site_costs,
        &costs,
        &problem,
        &mut solution,
    );
    let mut selected: Vec<String> = solution
        .selected
        .iter()
        .filter(|&&j| j < sites.candidates)
        .map(|&j| sites.ids[j].clone())
        .collect();
    selected.sort_by(|a, b| compare_ids(a, b));
    Ok(PointAnswer {
        solution,
        selected,
        truncation,
    })
}
