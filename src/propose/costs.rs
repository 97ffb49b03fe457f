//! Demand × site cost lists for location problems — the one builder behind proposals
//! ([`super::instance`]) and point-layer problems ([`super::points`], `schoolplan solve`) — and
//! what a cutoff does to a p-median or p-center problem.
//!
//! ## Distances
//!
//! - [`Distance::Straight`]: straight lines between positions in metres; costs in metres, or in
//!   minutes at a walking speed (`metres_per_unit` metres a minute).
//! - [`Distance::Vertices`]: shortest paths on a vertex graph ([`GraphCosts`]: every point snaps
//!   to the nearest vertex; `schoolplan solve --network`).
//! - [`Distance::Roads`]: shortest paths on the road network between points snapped onto its
//!   segments, exactly as the coverage measurement does (proposals in network mode).
//! - [`Distance::Lists`]: lists given per demand (a cost matrix); a pair not listed is
//!   unreachable.
//!
//! ## Cutoff
//!
//! With a cutoff only the pairs costing at most the cutoff are kept (a covering problem needs
//! nothing beyond its radius; a p-median or p-center search gets a smaller matrix). For a
//! covering problem at its radius this changes nothing. For p-median and p-center it changes the
//! problem: the solvers charge a p-median demand with no open site within the cutoff the cutoff
//! per unit weight (`Problem::unserved_cost`, never more than its true cost, so the lower bound
//! stays valid for the untruncated problem), and p-center leaves out demand with no site within
//! it. [`certify_cutoff`] says what the cutoff did ([`Truncation`]) and, when the true costs are
//! at hand (straight lines, or every pair of a matrix), scores the selection on the untruncated
//! problem, so that objective, bound and gap hold for the problem the planner asked.

use crate::error::{Error, Result};
use crate::spatial::graph_costs::GraphCosts;
use crate::spatial::index::PointIndex;
use crate::spatial::network::{RoadNetwork, Snap, Traversal};

use crate::coverage::reach;
use crate::solve::{self, Kind, Problem, Solution, SparseCosts, Status};

use rayon::prelude::*;

/// Most straight-line pairs stored without a cutoff (demand × sites).
pub const MAX_DENSE_PAIRS: usize = 50_000_000;

/// Where the costs come from (see the module docs).
pub enum Distance<'a> {
    /// Straight lines; costs are metres divided by `metres_per_unit` (1 for metres).
    Straight {
        /// Metres per cost unit.
        metres_per_unit: f64,
    },
    /// Shortest paths on a vertex graph; every point snaps to its nearest vertex.
    Vertices(&'a GraphCosts),
    /// Shortest paths on the road network between snapped points (`None`: off the network).
    Roads {
        /// The network.
        net: &'a RoadNetwork,
        /// How it may be travelled.
        trav: &'a Traversal,
        /// Demand points, snapped.
        demand: &'a [Option<Snap>],
        /// Sites, snapped.
        sites: &'a [Option<Snap>],
    },
    /// Given `(site, cost)` lists, one per demand.
    Lists(Vec<Vec<(usize, f64)>>),
}

/// Per-demand `(site, cost)` lists up to a cutoff, and how to find the true costs beyond it.
#[derive(Debug, Clone)]
pub struct SiteCosts {
    /// Per demand, the `(site, cost)` pairs kept.
    pub lists: Vec<Vec<(usize, f64)>>,
    /// The cutoff, when one was applied.
    pub cutoff: Option<f64>,
    /// Whether the cutoff dropped any pair (for graphs and road networks: whether any pair is
    /// missing, which a disconnected site also causes — a conservative "may have changed").
    pub truncated: bool,
    full: Full,
}

/// The true costs beyond the cutoff.
#[derive(Debug, Clone)]
enum Full {
    /// Straight lines: positions in metres.
    Plane {
        demand: Vec<[f64; 2]>,
        sites: Vec<[f64; 2]>,
        metres_per_unit: f64,
    },
    /// Every listed pair before the cutoff.
    Lists(Vec<Vec<(usize, f64)>>),
    /// Not available (a graph searched only up to the cutoff), or nothing was dropped.
    Unknown,
}

/// Builds the cost lists of `demand` × `sites` (positions in local metres; for
/// [`Distance::Lists`] only their counts matter) up to `cutoff`. Errors when a straight-line
/// matrix without cutoff would exceed [`MAX_DENSE_PAIRS`].
pub fn build(
    demand: &[[f64; 2]],
    sites: &[[f64; 2]],
    distance: Distance<'_>,
    cutoff: Option<f64>,
) -> Result<SiteCosts> {
    let m = sites.len();
    let missing = |lists: &[Vec<(usize, f64)>]| lists.iter().any(|l| l.len() < m);
    let (lists, truncated, full) = match distance {
        Distance::Straight { metres_per_unit } => match cutoff {
            Some(c) => {
                let targets: Vec<([f64; 2], usize)> = sites.iter().copied().zip(0..).collect();
                let lists = reach::straight(demand, &targets, c, metres_per_unit)
                    .lists
                    .into_lists();
                let truncated = missing(&lists);
                let full = if truncated {
                    Full::Plane {
                        demand: demand.to_vec(),
                        sites: sites.to_vec(),
                        metres_per_unit,
                    }
                } else {
                    Full::Unknown
                };
                (lists, truncated, full)
            }
            None => {
                let pairs = demand.len().saturating_mul(m);
                if pairs > MAX_DENSE_PAIRS {
                    return Err(Error::Usage(format!(
                        "{pairs} demand × site pairs without a cutoff (limit {MAX_DENSE_PAIRS}); give a radius as a cutoff"
                    )));
                }
                let lists = demand
                    .par_iter()
                    .map(|&p| {
                        sites
                            .iter()
                            .enumerate()
                            .map(|(j, &q)| {
                                (j, crate::spatial::index::distance_m(p, q) / metres_per_unit)
                            })
                            .collect()
                    })
                    .collect();
                (lists, false, Full::Unknown)
            }
        },
        Distance::Vertices(graph) => {
            let snap = |pts: &[[f64; 2]]| -> Vec<usize> {
                pts.iter()
                    .map(|&p| graph.nearest_vertex(p).map_or(0, |v| v.0))
                    .collect()
            };
            let lists = graph.cost_lists(&snap(demand), &snap(sites), cutoff);
            let truncated = cutoff.is_some() && missing(&lists);
            (lists, truncated, Full::Unknown)
        }
        Distance::Roads {
            net,
            trav,
            demand: ds,
            sites: ss,
        } => {
            let c = cutoff.unwrap_or(f64::INFINITY);
            let lists = reach::network(net, trav, ds, ss, c).lists.into_lists();
            let truncated = cutoff.is_some() && missing(&lists);
            (lists, truncated, Full::Unknown)
        }
        Distance::Lists(all) => match cutoff {
            Some(c) => {
                let lists: Vec<Vec<(usize, f64)>> = all
                    .iter()
                    .map(|l| l.iter().copied().filter(|p| p.1 <= c).collect())
                    .collect();
                let truncated = lists.iter().zip(&all).any(|(a, b)| a.len() < b.len());
                let full = if truncated {
                    Full::Lists(all)
                } else {
                    Full::Unknown
                };
                (lists, truncated, full)
            }
            None => (all, false, Full::Unknown),
        },
    };
    Ok(SiteCosts {
        lists,
        cutoff,
        truncated,
        full,
    })
}

impl SiteCosts {
    /// The p-median objective of the open-site mask on the untruncated problem (every pair at
    /// its true cost; a demand no site reaches at all charged the solver's default, twice the
    /// largest cost plus one), when the true costs are known.
    pub fn untruncated_pmedian(&self, weights: &[f64], open: &[bool]) -> Option<f64> {
        match &self.full {
            Full::Plane {
                demand,
                sites,
                metres_per_unit,
            } => {
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
                        .zip(weights)
                        .map(|(&p, w)| {
                            let d = index.nearest(p).map_or(f64::INFINITY, |(_, d)| d);
                            w * d / metres_per_unit
                        })
                        .sum(),
                )
            }
            Full::Lists(all) => {
                let costs =
                    SparseCosts::from_lists(weights.to_vec(), open.len(), all.clone()).ok()?;
                let unserved = Problem {
                    unserved_cost: None,
                    ..Problem::default()
                }
                .unserved(&costs);
                Some(solve::pmedian::evaluate(&costs, open, unserved))
            }
            Full::Unknown => None,
        }
    }
}

/// What a cutoff did to a p-median or p-center problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Truncation {
    /// The cutoff, in the cost unit.
    pub cutoff: f64,
    /// Whether it dropped any pair, i.e. may have changed the problem.
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

/// For p-median and p-center solved on `site_costs` with a cutoff: measures what the cutoff
/// did and, for the uncapacitated p-median with the true costs at hand, re-scores the selection
/// on the untruncated problem (the bound stays valid there: the solver charged a demand beyond
/// the cutoff never more than its true cost). `None` for other problems or without a cutoff.
pub fn certify_cutoff(
    kind: Kind,
    capacitated: bool,
    site_costs: &SiteCosts,
    costs: &SparseCosts,
    problem: &Problem,
    solution: &mut Solution,
) -> Option<Truncation> {
    let r = site_costs.cutoff?;
    if !matches!(kind, Kind::Pmedian | Kind::Pcenter) {
        return None;
    }
    let w = costs.weights();
    let mut t = Truncation {
        cutoff: r,
        truncated: site_costs.truncated,
        beyond_weight: 0.0,
        truncated_objective: None,
        certified_untruncated: !site_costs.truncated,
        note: String::new(),
    };
    if kind == Kind::Pcenter {
        // `+ 0.0`: an empty float sum is −0.0, never written.
        t.beyond_weight = (0..costs.n())
            .filter(|&i| w[i] > 0.0 && costs.row(i).next().is_none())
            .map(|i| w[i])
            .sum::<f64>()
            + 0.0;
        t.certified_untruncated = t.beyond_weight == 0.0;
        t.note = if t.beyond_weight > 0.0 {
            format!("cutoff {r}: demand with no site within it (weight {}) is left out, so the objective is the p-center of the rest", t.beyond_weight)
        } else {
            format!("cutoff {r}: every demand has a site within it, so the p-center is that of the untruncated problem when it is at most {r}")
        };
        return Some(t);
    }
    let mut open = problem.fixed_mask(costs.m());
    for &j in &solution.selected {
        open[j] = true;
    }
    t.beyond_weight = (0..costs.n())
        .filter(|&i| !costs.row(i).any(|(j, _)| open[j]))
        .map(|i| w[i])
        .sum::<f64>()
        + 0.0;
    t.truncated_objective = Some(solution.objective);
    if !site_costs.truncated {
        t.note = format!("cutoff {r} dropped no pair: the problem is untruncated");
        return Some(t);
    }
    let true_objective = if capacitated || solution.status == Status::Infeasible {
        None
    } else {
        site_costs.untruncated_pmedian(w, &open)
    };
    match true_objective {
        Some(v) => {
            *solution = solution.rescored(v, costs.is_integral() && v.fract() == 0.0);
            t.certified_untruncated = true;
            t.note = format!("cutoff {r}: the search charged a demand beyond it {r} per unit weight (never more than its true cost), so the bound holds for the untruncated problem; objective and gap are those of the untruncated problem");
        }
        None => {
            t.note = format!("cutoff {r} changed the problem: a demand with no open site within it is charged {r} per unit weight; objective, bound and gap are those of this truncated problem");
        }
    }
    Some(t)
}
