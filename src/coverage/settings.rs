//! The setting of each cell (urban or rural), which decides the service standard it is
//! measured against.
//!
//! A cell is **urban** when any criterion of `[settings]` says so: its township's kind is one
//! of `urban_township_kinds` (街道 usually), its county or township code is in `urban_areas`,
//! or its residents per km² of its own polygon reach `urban_min_density_per_km2` (county towns
//! inside a 镇); otherwise it is **rural**. Without `[settings]` every cell is urban, and every
//! level has one standard.

use geo::Area as _;

use crate::config::{Setting, SettingsConfig};
use crate::model::Map;

/// The setting of every cell of `map`.
pub fn classify(map: &Map, cfg: Option<&SettingsConfig>) -> Vec<Setting> {
    let Some(cfg) = cfg else {
        return vec![Setting::Urban; map.demand.cells.len()];
    };
    map.demand
        .cells
        .iter()
        .map(|c| {
            let township = c.township.and_then(|k| map.townships.get(k));
            let county = c.county.and_then(|k| map.counties.get(k));
            let by_kind = township.is_some_and(|t| cfg.urban_township_kinds.contains(&t.kind));
            let by_area = township
                .iter()
                .chain(county.iter())
                .any(|a| cfg.urban_areas.contains(&a.code));
            let by_density = match (cfg.urban_min_density_per_km2, c.pop_total, &c.shape_m) {
                (Some(min), Some(pop), Some(shape)) => {
                    let km2 = shape.unsigned_area() / 1e6;
                    km2 > 0.0 && pop / km2 >= min
                }
                _ => false,
            };
            if by_kind || by_area || by_density {
                Setting::Urban
            } else {
                Setting::Rural
            }
        })
        .collect()
}
