//! What snapping to the road network did, for the run's summary: how many cells and schools
//! were snapped, how long their access legs are, which pieces of the network they were
//! snapped to, and who was snapped past a fragment (see [`crate::spatial::network`]).

use serde::{Deserialize, Serialize};

use crate::model::{Level, Map};
use crate::spatial::network::{NetworkFocus, NetworkOptions, RoadNetwork, Snap};

/// Serving components listed in the summary (the rest are counted).
const MAX_LISTED: usize = 10;

/// One piece of the network that points snap to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentRow {
    /// 1 = the piece serving the most population.
    pub id: usize,
    /// Road length, metres.
    pub length_m: f64,
    /// Share of the population near the network whose nearest road is on it (ratio).
    pub population_share: f64,
    /// Cells whose nearest road is on it.
    pub cells: usize,
}

/// Snapping of one level's schools.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelSnapping {
    /// The level.
    pub level: Level,
    /// Open schools serving the level.
    pub schools: usize,
    /// Of them, snapped to the network.
    pub snapped: usize,
    /// Farther than `snap_max_m` from every serving road: they serve no cell.
    pub off_network: usize,
    /// Median access leg of the snapped schools, metres.
    pub leg_median_m: Option<f64>,
    /// Longest access leg, metres.
    pub leg_max_m: Option<f64>,
    /// Snapped schools whose nearest road was a fragment (they were snapped to a serving
    /// piece instead).
    pub past_fragment: usize,
    /// Up to five of those, by id.
    pub past_fragment_ids: Vec<String>,
    /// Snapped schools per component id, `[id, schools]`.
    pub by_component: Vec<[usize; 2]>,
}

/// The summary of network snapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkSnapping {
    /// Largest access leg allowed, metres.
    pub snap_max_m: f64,
    /// Connected pieces of the network.
    pub components: usize,
    /// Pieces points snap to (the main one, and those serving at least 1 % of the population
    /// near the network with at least 100 m of road).
    pub serving_components: usize,
    /// The serving pieces (at most ten listed).
    pub serving: Vec<ComponentRow>,
    /// Pieces nothing snaps to.
    pub fragments: usize,
    /// Their road length, metres.
    pub fragment_length_m: f64,
    /// Populated cells.
    pub cells: usize,
    /// Cells snapped to a serving piece.
    pub cells_snapped: usize,
    /// Cells farther than `snap_max_m` from every serving road (unreachable).
    pub cells_off_network: usize,
    /// Median access leg of the snapped cells, metres.
    pub cell_leg_median_m: Option<f64>,
    /// Longest access leg of a snapped cell, metres.
    pub cell_leg_max_m: Option<f64>,
    /// Cells whose nearest road was a fragment.
    pub cells_past_fragment: usize,
    /// One entry per measured level.
    pub levels: Vec<LevelSnapping>,
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

fn max(v: &[f64]) -> Option<f64> {
    v.iter().copied().reduce(f64::max)
}

/// The weight of a cell when pieces of the network are weighed: its residents (`pop_total`,
/// else the sum of its cohorts).
pub fn cell_weights(map: &Map) -> Vec<f64> {
    map.demand
        .cells
        .iter()
        .map(|c| c.pop_total.unwrap_or_else(|| c.cohort_pop.iter().sum()))
        .collect()
}

/// The road network of `map`, focused on the population ([`RoadNetwork::focus`]).
pub fn population_network(map: &Map, options: NetworkOptions) -> (RoadNetwork, NetworkFocus) {
    let mut net = RoadNetwork::build(&map.roads, options);
    let cells: Vec<[f64; 2]> = map
        .demand
        .cells
        .iter()
        .map(|c| [c.pos.x, c.pos.y])
        .collect();
    let focus = net.focus(&cells, &cell_weights(map));
    (net, focus)
}

impl NetworkSnapping {
    /// The summary of the cells' snaps (made without avoiding barriers).
    pub fn new(focus: &NetworkFocus, snap_max_m: f64, cells: &[Option<Snap>]) -> Self {
        let total: f64 = focus.components.iter().map(|c| c.population).sum();
        let serving: Vec<_> = focus.components.iter().filter(|c| c.serving).collect();
        let legs: Vec<f64> = cells.iter().flatten().map(|s| s.leg_m).collect();
        NetworkSnapping {
            snap_max_m,
            components: focus.components.len(),
            serving_components: serving.len(),
            serving: serving
                .iter()
                .take(MAX_LISTED)
                .map(|c| ComponentRow {
                    id: c.id,
                    length_m: c.length_m,
                    population_share: if total > 0.0 {
                        c.population / total
                    } else {
                        0.0
                    },
                    cells: c.cells,
                })
                .collect(),
            fragments: focus.components.len() - serving.len(),
            fragment_length_m: focus
                .components
                .iter()
                .filter(|c| !c.serving)
                .map(|c| c.length_m)
                .sum(),
            cells: cells.len(),
            cells_snapped: legs.len(),
            cells_off_network: cells.len() - legs.len(),
            cell_leg_median_m: median(legs.clone()),
            cell_leg_max_m: max(&legs),
            cells_past_fragment: focus.cells_past_fragment,
            levels: Vec::new(),
        }
    }

    /// Adds the snapping of one level's schools (`snaps[j]` is `None` for schools not serving
    /// the level and for those off the network).
    pub fn add_level(
        &mut self,
        net: &RoadNetwork,
        map: &Map,
        level: Level,
        snaps: &[Option<Snap>],
    ) {
        let serving: Vec<usize> = (0..map.schools.len())
            .filter(|&j| map.schools[j].serves(level))
            .collect();
        let legs: Vec<f64> = serving
            .iter()
            .filter_map(|&j| snaps[j].map(|s| s.leg_m))
            .collect();
        let mut past = Vec::new();
        let mut by_component: std::collections::BTreeMap<usize, usize> = Default::default();
        for &j in &serving {
            let Some(s) = snaps[j] else { continue };
            if let Some(c) = net.component_of(s.edge) {
                *by_component.entry(c).or_default() += 1;
            }
            let p = map.schools[j].pos;
            if net.nearest_fragment_m([p.x, p.y]).is_some() {
                past.push(map.schools[j].id.clone());
            }
        }
        past.sort();
        self.levels.push(LevelSnapping {
            level,
            schools: serving.len(),
            snapped: legs.len(),
            off_network: serving.len() - legs.len(),
            leg_median_m: median(legs.clone()),
            leg_max_m: max(&legs),
            past_fragment: past.len(),
            past_fragment_ids: past.into_iter().take(5).collect(),
            by_component: by_component.into_iter().map(|(c, n)| [c, n]).collect(),
        });
    }

    /// One line for the console.
    pub fn line(&self) -> String {
        let main = self.serving.first();
        let mut s = format!(
            "network: {} of {} cells snapped (median leg {:.0} m, longest {:.0} m), {} off the network; {} piece(s), {} serving",
            self.cells_snapped,
            self.cells,
            self.cell_leg_median_m.unwrap_or(0.0),
            self.cell_leg_max_m.unwrap_or(0.0),
            self.cells_off_network,
            self.components,
            self.serving_components,
        );
        if let Some(m) = main {
            s.push_str(&format!(
                " (the main one {:.1} % of the population)",
                100.0 * m.population_share
            ));
        }
        let past: usize =
            self.cells_past_fragment + self.levels.iter().map(|l| l.past_fragment).sum::<usize>();
        if self.fragments > 0 {
            s.push_str(&format!(
                "; {} fragment(s), {:.0} m of road, not snapped to; {past} point(s) whose nearest road was a fragment were snapped to a serving piece",
                self.fragments, self.fragment_length_m
            ));
        }
        s
    }
}
