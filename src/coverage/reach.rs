//! Who reaches which school: nearest school and cost lists per cell, for each distance mode.

use rayon::prelude::*;

use super::Unreachable;
use crate::config::CostUnit;
use crate::model::matrix::CostMatrix;
use crate::spatial::index::{CostLists, PointIndex};
use crate::spatial::network::{RoadNetwork, Snap, Traversal};

/// What one level's measurement needs from a distance mode.
#[derive(Debug, Clone)]
pub struct Reach {
    /// Per cell: nearest school (index into `Map::schools`).
    pub nearest: Vec<Option<usize>>,
    /// Per cell: cost to it (`INFINITY` when none).
    pub cost: Vec<f64>,
    /// Per cell: why none is reachable.
    pub unreachable: Vec<Option<Unreachable>>,
    /// Per cell: every school within the gathering cutoff, sorted by cost then index; targets
    /// are school indices.
    pub lists: CostLists,
}

impl Reach {
    /// Every cell unreachable for the same reason.
    pub fn none(n: usize, why: Unreachable) -> Reach {
        Reach {
            nearest: vec![None; n],
            cost: vec![f64::INFINITY; n],
            unreachable: vec![Some(why); n],
            lists: CostLists::build(n, |_, _| {}),
        }
    }

    /// Fills nearest / cost from the first entry of each list, and for cells with an empty
    /// list from `fallback(i)` (`Err(reason)` when nothing is reachable).
    fn from_lists(
        lists: CostLists,
        fallback: impl Fn(usize) -> Result<(usize, f64), Unreachable> + Sync,
    ) -> Reach {
        let res: Vec<Result<(usize, f64), Unreachable>> = (0..lists.len())
            .into_par_iter()
            .map(|i| {
                let (t, c) = lists.row(i);
                match (t.first(), c.first()) {
                    (Some(&j), Some(&c)) => Ok((j as usize, c)),
                    _ => fallback(i),
                }
            })
            .collect();
        Reach {
            nearest: res.iter().map(|r| r.ok().map(|x| x.0)).collect(),
            cost: res
                .iter()
                .map(|r| r.map_or(f64::INFINITY, |x| x.1))
                .collect(),
            unreachable: res.iter().map(|r| r.err()).collect(),
            lists,
        }
    }
}

/// Straight-line reach: `schools` are `(position, school index)`; costs in metres, or in
/// minutes at `metres_per_unit` metres a minute. Cells beyond the cutoff still get their exact
/// nearest school (an R-tree nearest-neighbour query).
pub fn straight(
    cells: &[[f64; 2]],
    schools: &[([f64; 2], usize)],
    cutoff: f64,
    metres_per_unit: f64,
) -> Reach {
    let index = PointIndex::from_items(schools.iter().copied());
    let grid = index.near_grid(cells, cutoff * metres_per_unit);
    let (lists, nearest) = CostLists::build_with(cells.len(), |i, buf| {
        let nearest = grid.query(cells[i], buf);
        if metres_per_unit != 1.0 {
            buf.iter_mut().for_each(|p| p.1 /= metres_per_unit);
            buf.retain(|p| p.1 <= cutoff);
        }
        nearest
    });
    Reach::from_lists(lists, |i| {
        nearest[i]
            .map(|(j, d)| (j, d / metres_per_unit))
            .ok_or(Unreachable::NoSchool)
    })
}

/// Network reach: cells and schools already snapped (`None` = off the network; schools not
/// serving the level are `None` too). Nearest school by one multi-source search without
/// cutoff; lists by bounded searches up to `cutoff`.
pub fn network(
    net: &RoadNetwork,
    trav: &Traversal,
    cells: &[Option<Snap>],
    schools: &[Option<Snap>],
    cutoff: f64,
) -> Reach {
    let labels = net.nearest_labels(trav, schools);
    let by_edge = RoadNetwork::destinations_by_edge(schools);
    let lists = net.cost_lists(trav, cells, schools, cutoff);
    Reach::from_lists(lists, |i| match &cells[i] {
        None => Err(Unreachable::OffNetwork),
        Some(o) => net
            .nearest_from(o, &labels, schools, &by_edge)
            .ok_or(Unreachable::Disconnected),
    })
}

/// Matrix reach: `school_ids[j]` is `Some(id)` for schools serving the level. Returns the
/// reach and the origin ids of the matrix that match no cell.
pub fn matrix(
    m: &CostMatrix,
    cell_ids: &[&str],
    school_ids: &[Option<&str>],
    cutoff: f64,
) -> (Reach, Vec<String>) {
    let (full, unknown) = m.lists_for(cell_ids, school_ids);
    let nearest: Vec<Option<(usize, f64)>> = full.iter().map(|l| l.first().copied()).collect();
    let lists = CostLists::build(full.len(), |i, buf| {
        buf.extend(full[i].iter().copied().take_while(|p| p.1 <= cutoff));
    });
    drop(full);
    let reach = Reach::from_lists(lists, |i| nearest[i].ok_or(Unreachable::NoMatrixPair));
    (reach, unknown)
}

/// Metres per cost unit for straight lines: 1 in metres, walking metres a minute in minutes.
pub fn metres_per_unit(unit: CostUnit, walk_speed_kmh: f64) -> f64 {
    match unit {
        CostUnit::M => 1.0,
        CostUnit::Min => walk_speed_kmh * 1000.0 / 60.0,
    }
}
