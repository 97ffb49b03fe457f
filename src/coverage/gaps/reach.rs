//! Costs from gap cells to arbitrary targets (schools with spare seats, candidate sites, the
//! schools a seats gap could expand) in the scenario's distance mode.

use geo::Coord;

use crate::config::{DistanceMode, Scenario};
use crate::coverage::reach::{self, Reach};
use crate::coverage::snapping::population_network;
use crate::error::Result;
use crate::model::Map;
use crate::spatial::network::{NetworkOptions, RoadNetwork, Traversal};

/// One target: its position (metres) and its id (matched against a cost matrix's
/// destinations).
pub struct Target<'a> {
    /// Position, local metres.
    pub pos: Coord<f64>,
    /// Id.
    pub id: &'a str,
}

/// The road network, built once for all levels (network mode only).
pub(super) struct Costs<'a> {
    map: &'a Map,
    scenario: &'a Scenario,
    net: Option<(RoadNetwork, [Option<Traversal>; 2])>,
}

impl<'a> Costs<'a> {
    pub(super) fn new(map: &'a Map, scenario: &'a Scenario) -> Self {
        Costs {
            map,
            scenario,
            net: None,
        }
    }

    /// Reach from `cells` (indices into the map's cells) to `targets`, with lists up to
    /// `cutoff` (scenario unit) and the exact nearest target whatever its cost. Target indices
    /// in the result are positions in `targets`.
    pub(super) fn reach(
        &mut self,
        cells: &[usize],
        targets: &[Target],
        cutoff: f64,
        avoid_barriers: bool,
    ) -> Result<Reach> {
        let map = self.map;
        let d = &self.scenario.distance;
        if targets.is_empty() {
            return Ok(Reach::none(
                cells.len(),
                crate::coverage::Unreachable::NoSchool,
            ));
        }
        let cell_pts: Vec<[f64; 2]> = cells
            .iter()
            .map(|&i| [map.demand.cells[i].pos.x, map.demand.cells[i].pos.y])
            .collect();
        let target_pts: Vec<[f64; 2]> = targets.iter().map(|t| [t.pos.x, t.pos.y]).collect();
        Ok(match d.mode {
            DistanceMode::Straight => {
                let items: Vec<([f64; 2], usize)> = target_pts.iter().copied().zip(0..).collect();
                reach::straight(
                    &cell_pts,
                    &items,
                    cutoff,
                    reach::metres_per_unit(d.unit, d.walk_speed_kmh),
                )
            }
            DistanceMode::Network => {
                let (net, trav) = self.net.get_or_insert_with(|| {
                    let (net, _) = population_network(map, NetworkOptions::from_config(d));
                    (net, [None, None])
                });
                let v = usize::from(avoid_barriers);
                let trav = trav[v].get_or_insert_with(|| net.traversal(avoid_barriers));
                let cs = net.snap_all(&cell_pts, avoid_barriers);
                let ts = net.snap_all(&target_pts, avoid_barriers);
                reach::network(net, trav, &cs, &ts, cutoff)
            }
            DistanceMode::Matrix => {
                let m = crate::coverage::map_matrix(map)?;
                let ids: Vec<&str> = cells
                    .iter()
                    .map(|&i| map.demand.cells[i].id.as_str())
                    .collect();
                let tids: Vec<Option<&str>> = targets.iter().map(|t| Some(t.id)).collect();
                reach::matrix(m, &ids, &tids, cutoff).0
            }
        })
    }
}
