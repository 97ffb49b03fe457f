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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Area, AreaKind, DemandCell, DemandLayer, Map};
    use geo::{polygon, Coord, MultiPolygon};

    fn square(x: f64, y: f64, side: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x, y: y),
            (x: x + side, y: y),
            (x: x + side, y: y + side),
            (x: x, y: y + side),
        ]])
    }

    fn area(code: &str, kind: AreaKind) -> Area {
        Area {
            code: code.into(),
            name: code.into(),
            kind,
            county: Some(0),
            shape_m: square(0.0, 0.0, 1.0),
            shape_lonlat: square(0.0, 0.0, 1.0),
            synthetic: true,
            feature_index: 0,
        }
    }

    fn cell(id: &str, township: usize, pop: f64, side: f64) -> DemandCell {
        DemandCell {
            id: id.into(),
            pos: Coord { x: 0.0, y: 0.0 },
            lonlat: Coord { x: 0.0, y: 0.0 },
            shape_m: Some(square(0.0, 0.0, side)),
            shape_lonlat: None,
            pop_total: Some(pop),
            cohort_pop: Vec::new(),
            county: Some(0),
            township: Some(township),
            synthetic: true,
            housing: None,
            feature_index: 0,
        }
    }

    #[test]
    fn any_criterion_makes_a_cell_urban() {
        let mut map = testkit_map();
        map.townships = vec![
            area("t-street", AreaKind::Street),
            area("t-town", AreaKind::Town),
            area("t-listed", AreaKind::Township),
        ];
        map.demand = DemandLayer {
            cohorts: Vec::new(),
            cells: vec![
                cell("street", 0, 10.0, 1000.0),
                cell("dense", 1, 400.0, 500.0),  // 1,600 per km²
                cell("sparse", 1, 300.0, 500.0), // 1,200 per km²
                cell("listed", 2, 1.0, 1000.0),
            ],
        };
        let cfg = SettingsConfig {
            urban_township_kinds: vec![AreaKind::Street],
            urban_min_density_per_km2: Some(1500.0),
            urban_areas: vec!["t-listed".into()],
        };
        use Setting::*;
        assert_eq!(classify(&map, Some(&cfg)), vec![Urban, Urban, Rural, Urban]);
        assert_eq!(classify(&map, None), vec![Urban; 4]);
        let only_kind = SettingsConfig {
            urban_township_kinds: vec![AreaKind::Street],
            ..Default::default()
        };
        assert_eq!(
            classify(&map, Some(&only_kind)),
            vec![Urban, Rural, Rural, Rural]
        );
    }

    fn testkit_map() -> Map {
        Map {
            projection: crate::geodesy::projection::LocalProjection::new(123.9, 41.9).unwrap(),
            schools: Vec::new(),
            demand: DemandLayer::default(),
            counties: vec![area("c", AreaKind::County)],
            townships: Vec::new(),
            candidates: Vec::new(),
            roads: Vec::new(),
            matrix: None,
            school_areas: Vec::new(),
            warnings: Vec::new(),
            synthetic: true,
        }
    }
}
