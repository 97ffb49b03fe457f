//! Per-area aggregates of one level: demand, covered demand, allocated demand and seats.

use super::LevelCoverage;
use crate::model::Map;

/// Totals of one level over one area (county, township or the whole map).
///
/// Cells count in the area their centroid lies in (`DemandCell::county` / `township`); schools
/// in the area of their point (`Map::school_areas`). Only open schools serving the level count.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AreaTally {
    /// Σ demand of the area's cells.
    pub demand: f64,
    /// Σ demand of the area's covered cells.
    pub covered: f64,
    /// Σ demand of the area's cells allocated to a school (wherever the school is).
    pub allocated: f64,
    /// Σ demand of the area's cells with no reachable school at all.
    pub unreachable: f64,
    /// Σ known seats of the serving schools in the area.
    pub seats: f64,
    /// Serving schools in the area.
    pub schools: usize,
    /// Serving schools in the area whose seats are unknown (not in `seats`).
    pub schools_without_seats: usize,
}

impl AreaTally {
    /// Population-weighted coverage share (covered ÷ demand); 1 when there is no demand.
    pub fn coverage(&self) -> f64 {
        if self.demand > 0.0 {
            self.covered / self.demand
        } else {
            1.0
        }
    }

    /// Seats minus demand (negative: a shortage), counting known seats only.
    pub fn seat_balance(&self) -> f64 {
        self.seats - self.demand
    }
}

/// Fills `per_county`, `per_township`, `city`, `per_setting` and `per_county_setting` of
/// `lc` (the per-setting tallies count cells only: schools have no setting).
pub(super) fn tally(map: &Map, lc: &mut LevelCoverage) {
    let mut county = vec![AreaTally::default(); map.counties.len()];
    let mut township = vec![AreaTally::default(); map.townships.len()];
    let mut city = AreaTally::default();
    let mut per_setting = [AreaTally::default(); 2];
    let mut county_setting = vec![[AreaTally::default(); 2]; map.counties.len()];
    for (i, cell) in map.demand.cells.iter().enumerate() {
        let d = lc.demand[i];
        let add = |t: &mut AreaTally| {
            t.demand += d;
            if lc.covered[i] {
                t.covered += d;
            }
            if lc.allocated[i].is_some() {
                t.allocated += d;
            }
            if lc.unreachable[i].is_some() {
                t.unreachable += d;
            }
        };
        add(&mut city);
        let s = lc.setting.get(i).copied().unwrap_or_default().index();
        add(&mut per_setting[s]);
        if let Some(t) = cell.county.and_then(|k| county_setting.get_mut(k)) {
            add(&mut t[s]);
        }
        if let Some(t) = cell.county.and_then(|k| county.get_mut(k)) {
            add(t);
        }
        if let Some(t) = cell.township.and_then(|k| township.get_mut(k)) {
            add(t);
        }
    }
    for (j, school) in map.schools.iter().enumerate() {
        if !school.serves(lc.level) {
            continue;
        }
        let seats = lc.school_seats[j];
        let add = |t: &mut AreaTally| {
            t.schools += 1;
            match seats {
                Some(s) => t.seats += s,
                None => t.schools_without_seats += 1,
            }
        };
        add(&mut city);
        let (c, tw) = map.school_areas.get(j).copied().unwrap_or((None, None));
        if let Some(t) = c.and_then(|k| county.get_mut(k)) {
            add(t);
        }
        if let Some(t) = tw.and_then(|k| township.get_mut(k)) {
            add(t);
        }
    }
    lc.per_county = county;
    lc.per_township = township;
    lc.city = city;
    lc.per_setting = per_setting;
    lc.per_county_setting = county_setting;
}
