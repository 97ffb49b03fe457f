//! What the report needs from a coverage: per-school load, per-cell properties, per-level
//! summary. Property names are stable; numbers are rounded so that outputs are byte-stable.

use serde_json::{json, Map as JsonMap, Value};

use super::{Coverage, LevelCoverage};
use crate::config::CostUnit;
use crate::model::Map;

/// Load of one school at one level.
///
/// The **load** is the pupils of the school's attendance zone when the level has zones, else
/// the demand whose nearest school it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SchoolLoad {
    /// Seats for the level (`None` when unknown).
    pub seats: Option<f64>,
    /// Demand whose nearest school this is (at any distance).
    pub nearest_demand: f64,
    /// Pupils zoned to it (`None` when the level has no zones).
    pub zone_pupils: Option<f64>,
    /// Demand allocated under capacity (within the radius).
    pub allocated_demand: f64,
    /// Load ÷ seats (`None` when seats are unknown or zero).
    pub utilisation: Option<f64>,
    /// Load − seats when positive, else 0 (`None` when seats are unknown).
    pub over_capacity: Option<f64>,
    /// Seats − allocated demand (under-use; `None` when seats are unknown).
    pub spare_seats: Option<f64>,
}

/// Rounds to `digits` decimals; `null` for non-finite values.
fn num(x: f64, digits: i32) -> Value {
    if !x.is_finite() {
        return Value::Null;
    }
    json!(crate::round::digits(x, digits))
}

impl LevelCoverage {
    /// The load of school `j` (see the module docs of [`crate::coverage`]).
    pub fn school_load(&self, j: usize) -> SchoolLoad {
        let seats = self.school_seats[j];
        let nearest_demand = self.nearest_demand[j];
        let allocated_demand = self.school_demand[j];
        let zone_pupils = self.zones.as_ref().map(|z| z.pupils[j]);
        let load = zone_pupils.unwrap_or(nearest_demand);
        // With zones the solver's own count of pupils above seats (exact in its 0.001-pupil
        // units; recomputing from rounded pupils could leave a crumb).
        let over = match &self.zones {
            Some(z) => z.over_seats[j],
            None => (load - seats.unwrap_or(0.0)).max(0.0),
        };
        SchoolLoad {
            seats,
            nearest_demand,
            zone_pupils,
            allocated_demand,
            utilisation: seats.filter(|s| *s > 0.0).map(|s| load / s),
            over_capacity: seats.map(|_| over),
            spare_seats: seats.map(|s| s - allocated_demand),
        }
    }

    /// The cost key of this level's cell property: `dist_<level>_m` or `cost_<level>_min`.
    pub fn cost_key(&self, unit: CostUnit) -> String {
        match unit {
            CostUnit::M => format!("dist_{}_m", self.level.name()),
            CostUnit::Min => format!("cost_{}_min", self.level.name()),
        }
    }

    /// `summary.json` entry: `radius_m` (or `radius_min`), `demand`, `covered`, `coverage`,
    /// `allocated`, `unreachable`, `seats`, `schools`, `schools_without_seats`.
    pub fn summary(&self, unit: CostUnit) -> Value {
        let radius_key = match unit {
            CostUnit::M => "radius_m",
            CostUnit::Min => "radius_min",
        };
        let mut o = JsonMap::new();
        o.insert("level".into(), json!(self.level.name()));
        o.insert(radius_key.into(), num(self.radius, 3));
        o.insert("demand".into(), num(self.total_demand, 3));
        o.insert("covered".into(), num(self.covered_demand, 3));
        o.insert("coverage".into(), num(self.coverage(), 6));
        o.insert("allocated".into(), num(self.allocated_demand, 3));
        o.insert("unreachable".into(), num(self.city.unreachable, 3));
        o.insert("seats".into(), num(self.city.seats, 3));
        o.insert("schools".into(), json!(self.city.schools));
        o.insert(
            "schools_without_seats".into(),
            json!(self.city.schools_without_seats),
        );
        Value::Object(o)
    }
}

impl Coverage {
    /// Access properties of cell `cell` for the coverage layer: `setting` (`urban` / `rural`),
    /// and per level with zones `zone_<level>` (school id of the attendance zone, null when
    /// none) and `zone_dist_<level>_m` / `zone_cost_<level>_min` (cost to it; 0.1 m / 0.01 min).
    pub fn access_properties(&self, map: &Map, cell: usize) -> Vec<(String, Value)> {
        let mut out = vec![(
            "setting".to_string(),
            json!(self.settings.get(cell).copied().unwrap_or_default().name()),
        )];
        let (digits, unit) = match self.unit {
            CostUnit::M => (1, "dist"),
            CostUnit::Min => (2, "cost"),
        };
        for l in &self.levels {
            let Some(z) = &l.zones else { continue };
            let n = l.level.name();
            let school = z.zone[cell].map_or(Value::Null, |j| json!(map.schools[j].id));
            out.push((format!("zone_{n}"), school));
            let key = match self.unit {
                CostUnit::M => format!("zone_{unit}_{n}_m"),
                CostUnit::Min => format!("zone_{unit}_{n}_min"),
            };
            out.push((key, num(z.zone_cost[cell], digits)));
        }
        out
    }

    /// Properties of cell `cell` for the coverage layer, per measured level in order:
    /// `demand_<level>` (cohort × rate × factor), `nearest_<level>` (school id or null),
    /// `dist_<level>_m` / `cost_<level>_min` (null when unreachable; 0.1 m / 0.01 min),
    /// `covered_<level>` (bool), `unreachable_<level>` (`no_school`, `off_network`,
    /// `disconnected`, `no_matrix_pair` or null), `allocated_<level>` (school id or null),
    /// `access_<level>` (2SFCA, seats per pupil, 4 decimals).
    pub fn cell_properties(&self, map: &Map, cell: usize) -> Vec<(String, Value)> {
        let id = |j: Option<usize>| j.map_or(Value::Null, |j| json!(map.schools[j].id));
        let digits = match self.unit {
            CostUnit::M => 1,
            CostUnit::Min => 2,
        };
        let mut out = Vec::with_capacity(7 * self.levels.len());
        for l in &self.levels {
            let n = l.level.name();
            out.push((format!("demand_{n}"), num(l.demand[cell], 3)));
            out.push((format!("nearest_{n}"), id(l.nearest[cell])));
            out.push((l.cost_key(self.unit), num(l.cost[cell], digits)));
            out.push((format!("covered_{n}"), json!(l.covered[cell])));
            let why = l.unreachable[cell].map_or(Value::Null, |u| json!(u.name()));
            out.push((format!("unreachable_{n}"), why));
            out.push((format!("allocated_{n}"), id(l.allocated[cell])));
            out.push((format!("access_{n}"), num(l.accessibility[cell], 4)));
        }
        out
    }
}
