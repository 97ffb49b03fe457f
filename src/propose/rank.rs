//! Ranking the chosen new sites by what each adds, greedily: the site that newly covers the most
//! demand first, and so on — so the first rows are what to build first. Ties are broken by need
//! (the demand the site reaches at all), never by input order; only sites equal on every
//! measure fall back to their id.

use serde::Serialize;

use super::instance::{Instance, SiteKind};
use crate::model::{Map, ProjectKind};

/// The gap a proposal closes, in numbers (RULES.md P1: "report the gap each closes").
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct GapClosed {
    /// Pupils of the level newly within the radius (of no open school before it, nor of a
    /// proposal ranked higher).
    pub pupils_newly_covered: f64,
    /// Pupils short of a seat in a school's catchment that the project seats ([`super::need`]):
    /// for an expansion, `min(seats added, seats short at the school)`; for a new school, the
    /// fall of seats short at the existing schools it relieves (each school's fall credited to
    /// the nearest new school of the request).
    pub seats_short_relieved: f64,
    /// Classes of 56+ pupils (大班额; the request's `large_class_from`) removed: for an
    /// expansion, at the school itself once its classes are levelled; for a new school, at the
    /// schools whose recorded pupils move to it (each school's removal credited to the new school
    /// taking most of its pupils).
    pub large_classes_removed: u32,
}

impl GapClosed {
    /// Whether the project closes any measured gap.
    pub fn any(&self) -> bool {
        self.pupils_newly_covered > 0.0
            || self.seats_short_relieved > 0.0
            || self.large_classes_removed > 0
    }
}

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
    /// ranked higher). The same as `gap_closed.pupils_newly_covered`.
    pub demand_newly_covered: f64,
    /// Demand (pupils) within the radius of this site, whoever else reaches it.
    pub demand_reached: f64,
    /// Pupils the school will serve once built: its attendance zone's pupils (levels with
    /// zones), else the demand whose nearest school it is; for an expansion, the school's load
    /// before it. Summed over the levels a nine-year school serves.
    pub served: f64,
    /// Seats the project adds.
    pub seats_added: f64,
    /// Classes built or added.
    pub classes: u32,
    /// Cost (currency unit of the candidates / request).
    pub cost: f64,
    /// For an expansion: pupils over capacity at the school before it (0 when not over).
    pub over_capacity_before: f64,
    /// For an expansion: pupils short of a seat in the school's catchment before it.
    pub seats_short_before: f64,
    /// For an expansion: recorded classes of 56+ pupils before it.
    pub large_classes_before: u32,
    /// The gap the project closes, in numbers.
    pub gap_closed: GapClosed,
    /// Share of the level's uncovered demand this site closes (newly covered ÷ uncovered before).
    pub uncovered_share_closed: f64,
    /// The new school serves fewer pupils than half a class of its level: the request's best
    /// site serves almost nobody (reported as a `fail` finding with the request's id).
    pub low_demand: bool,
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
pub fn rank(map: &Map, inst: &Instance, selected: &[usize]) -> Ranked {
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
    let mut covered = inst.covered_before.clone();
    covered.resize(n, false);
    let covered_before: f64 = (0..n).filter(|&i| covered[i]).map(|i| w[i]).sum();
    let uncovered_before = inst.costs.total_weight() - covered_before;
    let reached = |j: usize| -> f64 { rows_of[j].iter().map(|&i| w[i]).sum() };
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
        // Highest gain, then most demand reached, then the smaller id: never input order.
        let (pos, &j) = left
            .iter()
            .enumerate()
            .max_by(|a, b| {
                gain(*a.1)
                    .total_cmp(&gain(*b.1))
                    .then(reached(*a.1).total_cmp(&reached(*b.1)))
                    .then(inst.sites[*b.1].id.cmp(&inst.sites[*a.1].id))
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
            demand_reached: reached(j),
            served: 0.0,
            seats_added: s.seats,
            classes: s.classes,
            cost: s.cost,
            over_capacity_before: 0.0,
            seats_short_before: 0.0,
            large_classes_before: 0,
            gap_closed: GapClosed {
                pupils_newly_covered: newly,
                ..GapClosed::default()
            },
            uncovered_share_closed: if uncovered_before > 0.0 {
                newly / uncovered_before
            } else {
                0.0
            },
            low_demand: false,
        });
    }
    let covered_after: f64 = (0..n).filter(|&i| covered[i]).map(|i| w[i]).sum();
    Ranked {
        sites: out,
        covered_before,
        covered_after,
    }
}
