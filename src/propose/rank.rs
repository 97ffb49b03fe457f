//! Ranking the chosen sites by what each adds, greedily: the site that newly covers the most
//! demand first (expansions, which add seats at an existing school, by the over-capacity they
//! relieve), and so on — so the first rows are what to build first.

use serde::Serialize;

use super::instance::{Instance, SiteKind};
use crate::coverage::LevelCoverage;
use crate::model::{Map, ProjectKind};

/// One proposed new school or expansion.
#[derive(Debug, Clone, Serialize)]
pub struct ProposedSite {
    /// 1 = build first.
    pub rank: usize,
    /// Candidate id (new) or school id (expansion).
    pub id: String,
    /// Name.
    pub name: String,
    /// `new` or `expansion`.
    pub kind: ProjectKind,
    /// Longitude, WGS 84.
    pub lon: f64,
    /// Latitude, WGS 84.
    pub lat: f64,
    /// County code, if located.
    pub county_code: Option<String>,
    /// Township code, if located.
    pub township_code: Option<String>,
    /// Township name.
    pub township_name: Option<String>,
    /// Demand (pupils) within the radius of this site and of no school before it (existing or
    /// ranked higher).
    pub demand_newly_covered: f64,
    /// Seats the project adds.
    pub seats_added: f64,
    /// Classes built or added.
    pub classes: u32,
    /// Cost (currency unit of the candidates / request).
    pub cost: f64,
    /// For an expansion: pupils over capacity at the school before it (0 when not over).
    pub over_capacity_before: f64,
    /// Share of the level's uncovered demand this site closes (newly covered ÷ uncovered before).
    pub gap_closed: f64,
}

/// The ranked sites and coverage before and after.
pub struct Ranked {
    /// Ranked sites.
    pub sites: Vec<ProposedSite>,
    /// Demand covered by existing schools.
    pub covered_before: f64,
    /// Demand covered with every proposed site built.
    pub covered_after: f64,
}

/// Ranks `selected` (site indices; existing sites are ignored).
pub fn rank(map: &Map, lc: &LevelCoverage, inst: &Instance, selected: &[usize]) -> Ranked {
    let n = inst.cells.len();
    // Rows reachable within the radius, per site.
    let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); inst.sites.len()];
    for i in 0..n {
        for (j, c) in inst.costs.row(i) {
            if c <= inst.radius {
                rows_of[j].push(i);
            }
        }
    }
    let w = inst.costs.weights();
    let mut covered = vec![false; n];
    for (j, s) in inst.sites.iter().enumerate() {
        if s.kind == SiteKind::Existing {
            rows_of[j].iter().for_each(|&i| covered[i] = true);
        }
    }
    let covered_before: f64 = (0..n).filter(|&i| covered[i]).map(|i| w[i]).sum();
    let uncovered_before = inst.costs.total_weight() - covered_before;
    let mut left: Vec<usize> = selected
        .iter()
        .copied()
        .filter(|&j| inst.sites[j].kind != SiteKind::Existing)
        .collect();
    let mut out = Vec::new();
    while !left.is_empty() {
        let gain = |j: usize| -> f64 {
            rows_of[j]
                .iter()
                .filter(|&&i| !covered[i])
                .map(|&i| w[i])
                .sum()
        };
        let relief = |j: usize| -> f64 {
            inst.sites[j]
                .school
                .and_then(|s| lc.school_load(s).over_capacity)
                .unwrap_or(0.0)
        };
        // Highest gain, then highest relief, then lowest index: deterministic.
        let (pos, &j) = left
            .iter()
            .enumerate()
            .max_by(|a, b| {
                gain(*a.1)
                    .total_cmp(&gain(*b.1))
                    .then(relief(*a.1).total_cmp(&relief(*b.1)))
                    .then(b.1.cmp(a.1))
            })
            .expect("left is not empty");
        let newly = gain(j);
        rows_of[j].iter().for_each(|&i| covered[i] = true);
        left.swap_remove(pos);
        let s = &inst.sites[j];
        out.push(ProposedSite {
            rank: out.len() + 1,
            id: s.id.clone(),
            name: s.name.clone(),
            kind: s.kind.project().expect("existing sites are skipped"),
            lon: s.lonlat.x,
            lat: s.lonlat.y,
            county_code: s.county.map(|c| map.counties[c].code.clone()),
            township_code: s.township.map(|t| map.townships[t].code.clone()),
            township_name: s.township.map(|t| map.townships[t].name.clone()),
            demand_newly_covered: newly,
            seats_added: s.seats,
            classes: s.classes,
            cost: s.cost,
            over_capacity_before: relief(j),
            gap_closed: if uncovered_before > 0.0 {
                newly / uncovered_before
            } else {
                0.0
            },
        });
    }
    let covered_after: f64 = (0..n).filter(|&i| covered[i]).map(|i| w[i]).sum();
    Ranked {
        sites: out,
        covered_before,
        covered_after,
    }
}
