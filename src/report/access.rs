//! Urban and rural standards, the forecast and the attendance zones in the outputs:
//! `summary.json` (`levels[].settings`, `levels[].zones`, `forecast`, `forecast_births`),
//! `forecast.csv`, `zones.geojson` and its style.

use std::collections::BTreeMap;

use geo::orient::Direction;
use geo::{Coord, MapCoords, Orient, Polygon};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::layers::{feature_collection, multipolygon_geometry, point_geometry, Props};
use super::numbers::round_coord;
use super::RunBundle;
use crate::config::{CostUnit, Setting};
use crate::coverage::{apply_forecast, LevelCoverage};
use crate::model::{Level, Map};

/// The standard of one setting of a level and the pupils measured against it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingSummary {
    /// `urban` or `rural`.
    pub setting: Setting,
    /// Day radius in metres (unit m).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_m: Option<f64>,
    /// Day radius in minutes (unit min).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_min: Option<f64>,
    /// Boarding reach in metres, when boarding schools serve the setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boarding_radius_m: Option<f64>,
    /// Pupils living in cells of the setting.
    pub demand: f64,
    /// Of those, covered (within the day radius or the boarding reach).
    pub covered: f64,
    /// covered ÷ demand (1 without demand).
    pub coverage: f64,
    /// Of the covered, those served only by a boarding school.
    pub covered_by_boarding: f64,
}

/// One county's zoning of a level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountyZoneRow {
    /// County code.
    pub county: String,
    /// County name.
    pub name: String,
    /// Pupils living in the county.
    pub demand: f64,
    /// Seats of its schools of the level (known ones).
    pub seats: f64,
    /// Pupils zoned to its schools.
    pub zoned: f64,
    /// Of those, from counties without a school of the level.
    pub imported: f64,
    /// Pupils living here zoned to another county's school (the county has no school).
    pub exported: f64,
    /// Pupils above seats over its schools: the seat shortfall.
    pub shortfall: f64,
}

/// The attendance zones of a level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZonesSummary {
    /// Pupils zoned.
    pub pupils: f64,
    /// Σ over schools of pupils above seats.
    pub over_seats: f64,
    /// Σ over counties of the seat shortfall (equals `over_seats`).
    pub shortfall: f64,
    /// Schools with pupils above seats.
    pub over_seats_schools: u32,
    /// Pupils zoned to a school of another county (their county has none of the level).
    pub cross_county_pupils: f64,
    /// Pupil-weighted mean distance (or time) to the zone's school, scenario unit.
    pub mean_cost: f64,
    /// Cells split between two schools.
    pub split_cells: u32,
    /// Pupils with no school of the level at all.
    pub unzoned: f64,
    /// Per county.
    pub counties: Vec<CountyZoneRow>,
}

/// One row of the forecast: children of a level's ages in a county and year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastRow {
    /// Year.
    pub year: i32,
    /// County code.
    pub county: String,
    /// Level.
    pub level: Level,
    /// Children of the level's cohort ages (residents, before the enrolment rate).
    pub children: f64,
}

/// One year of the births index as used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BirthRow {
    /// Year.
    pub year: i32,
    /// Births.
    pub births: f64,
    /// `recorded`, `interpolated` or `extrapolated`.
    pub status: String,
    /// Source of a recorded value.
    pub source: Option<String>,
}

/// Writes `zones.geojson` and `zones.qml` (when a level has zones) and `forecast.csv` (when
/// the scenario has a forecast).
pub fn write_access(
    dir: &super::OutputDir,
    b: &RunBundle,
    summary: &super::Summary,
) -> crate::error::Result<()> {
    if b.coverage.levels.iter().any(|l| l.zones.is_some()) {
        dir.write("zones.geojson", &zones_geojson(b))?;
        dir.write("zones.qml", &zones_qml())?;
    }
    if !summary.forecast.is_empty() {
        dir.write("forecast.csv", &forecast_csv(b, &summary.forecast))?;
    }
    Ok(())
}

/// `levels[].settings` of a level: one entry per setting (empty when the scenario does not
/// classify settings).
pub fn settings_summary(b: &RunBundle, lc: &LevelCoverage) -> Vec<SettingSummary> {
    if b.scenario.settings.is_none() {
        return Vec::new();
    }
    Setting::ALL
        .iter()
        .map(|&s| {
            let st = lc.standards[s.index()];
            let t = lc.per_setting[s.index()];
            let by_boarding: f64 = (0..lc.demand.len())
                .filter(|&i| lc.setting[i] == s && lc.boarding.get(i).copied().unwrap_or(false))
                .map(|i| lc.demand[i])
                .sum();
            let (radius_m, radius_min) = match b.coverage.unit {
                CostUnit::M => (Some(st.radius), None),
                CostUnit::Min => (None, Some(st.radius)),
            };
            SettingSummary {
                setting: s,
                radius_m,
                radius_min,
                boarding_radius_m: st.boarding_radius_m,
                demand: t.demand,
                covered: t.covered,
                coverage: t.coverage(),
                covered_by_boarding: by_boarding,
            }
        })
        .collect()
}

/// `levels[].zones` of a level with attendance zones.
pub fn zones_summary(map: &Map, lc: &LevelCoverage) -> Option<ZonesSummary> {
    let z = lc.zones.as_ref()?;
    let pupils: f64 = z.pupils.iter().sum();
    let cost: f64 = z.mean_cost.iter().zip(&z.pupils).map(|(c, p)| c * p).sum();
    let mut counties: Vec<CountyZoneRow> = map
        .counties
        .iter()
        .zip(&z.counties)
        .map(|(a, c)| CountyZoneRow {
            county: a.code.clone(),
            name: a.name.clone(),
            demand: c.demand,
            seats: c.seats,
            zoned: c.zoned,
            imported: c.imported,
            exported: c.exported,
            shortfall: c.shortfall,
        })
        .collect();
    counties.sort_by(|a, b| a.county.cmp(&b.county));
    Some(ZonesSummary {
        pupils,
        over_seats: z.total_over_seats(),
        shortfall: z.total_shortfall(),
        over_seats_schools: z.over_seats.iter().filter(|&&o| o > 0.0).count() as u32,
        cross_county_pupils: z.cross_county_pupils(),
        mean_cost: if pupils > 0.0 { cost / pupils } else { 0.0 },
        split_cells: z.stats.split_cells as u32,
        unzoned: z.unzoned,
        counties,
    })
}

/// The forecast rows: for every year from the base to the scenario's, county and measured
/// level, the children of the level's ages in the county's cells (the population layer's
/// cohort scaled by the forecast, as the demand is). Empty without a forecast.
pub fn forecast_rows(b: &RunBundle) -> Vec<ForecastRow> {
    let (Some(p), Some(_)) = (&b.coverage.forecast, &b.scenario.forecast) else {
        return Vec::new();
    };
    let map = b.map;
    let mut rows = Vec::new();
    for year in p.base_year..=p.to_year {
        for cfg in &b.scenario.levels {
            let Some(k) = map.demand.cohort_index(&cfg.cohort_field) else {
                continue;
            };
            let mut col = map.demand.cohort_column(k);
            apply_forecast(
                map,
                b.scenario,
                &cfg.cohort_field,
                p,
                year,
                &b.coverage.settings,
                &mut col,
            );
            let mut per: BTreeMap<&str, f64> = BTreeMap::new();
            for (i, c) in map.demand.cells.iter().enumerate() {
                if let Some(k) = c.county {
                    *per.entry(map.counties[k].code.as_str()).or_default() += col[i];
                }
            }
            for (county, children) in per {
                rows.push(ForecastRow {
                    year,
                    county: county.to_string(),
                    level: cfg.level,
                    children,
                });
            }
        }
    }
    rows.sort_by(|a, b| (a.year, &a.county, a.level).cmp(&(b.year, &b.county, b.level)));
    rows
}

/// The births index of the forecast (empty without one).
pub fn birth_rows(b: &RunBundle) -> Vec<BirthRow> {
    b.coverage.forecast.as_ref().map_or_else(Vec::new, |p| {
        p.births
            .iter()
            .map(|y| BirthRow {
                year: y.year,
                births: y.births,
                status: y.status.name().to_string(),
                source: y.source.clone(),
            })
            .collect()
    })
}

/// `forecast.csv`: `year,county,county_name,level,children` (children to 0.1), one row per
/// year, county and level.
pub fn forecast_csv(b: &RunBundle, rows: &[ForecastRow]) -> String {
    let names: BTreeMap<&str, &str> = b
        .map
        .counties
        .iter()
        .map(|a| (a.code.as_str(), a.name.as_str()))
        .collect();
    let mut out = String::from("year,county,county_name,level,children\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{:.1}\n",
            r.year,
            r.county,
            names.get(r.county.as_str()).copied().unwrap_or(""),
            r.level.name(),
            r.children
        ));
    }
    out
}

/// `zones.geojson`: one feature per school and level with a zone: the union of its cells
/// (polygon cells dissolved; point cells as a MultiPoint), with `level`, `school`,
/// `school_name`, `county`, `pupils`, `seats`, `utilisation` (pupils ÷ seats), `over_seats`
/// (pupils above seats), `mean_distance_m` and `max_distance_m` (or `_min` in minutes:
/// pupil-weighted mean and largest cost of the cells sending it pupils), `cells` and `parts`
/// (connected pieces of the dissolved zone; 1 = contiguous), `synthetic`.
pub fn zones_geojson(b: &RunBundle) -> String {
    let map = b.map;
    let unit = b.coverage.unit.symbol();
    let mut features = Vec::new();
    for lc in &b.coverage.levels {
        let Some(z) = &lc.zones else { continue };
        let mut cells: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, s) in z.zone.iter().enumerate() {
            if let Some(j) = s {
                cells.entry(*j).or_default().push(i);
            }
        }
        let mut rows: Vec<(String, Props, serde_json::Value)> = Vec::new();
        for (j, list) in cells {
            let s = &map.schools[j];
            let polys: Vec<Polygon<f64>> = list
                .iter()
                .filter_map(|&i| map.demand.cells[i].shape_lonlat.as_ref())
                .flat_map(|mp| mp.0.iter())
                .map(|p| {
                    p.map_coords(|c| Coord {
                        x: round_coord(c.x),
                        y: round_coord(c.y),
                    })
                    .orient(Direction::Default)
                })
                .collect();
            let (geometry, parts) = if polys.is_empty() {
                let pts: Vec<serde_json::Value> = list
                    .iter()
                    .map(|&i| point_geometry(map.demand.cells[i].lonlat)["coordinates"].clone())
                    .collect();
                (
                    json!({"type": "MultiPoint", "coordinates": pts}),
                    list.len(),
                )
            } else {
                let u = geo::unary_union(&polys).orient(Direction::Default);
                let parts = u.0.len();
                (multipolygon_geometry(&u), parts)
            };
            let seats = lc.school_seats[j];
            let pupils = z.pupils[j];
            let mut p = Props::new();
            p.insert("id".into(), json!(format!("{}:{}", lc.level.name(), s.id)));
            p.insert("level".into(), json!(lc.level.name()));
            p.insert("school".into(), json!(s.id));
            p.insert("school_name".into(), json!(s.name));
            p.insert(
                "county".into(),
                json!(map
                    .school_areas
                    .get(j)
                    .and_then(|a| a.0)
                    .map(|k| map.counties[k].code.clone())),
            );
            p.insert("pupils".into(), json!(crate::round::digits(pupils, 3)));
            p.insert(
                "seats".into(),
                json!(seats.map(|x| crate::round::digits(x, 3))),
            );
            p.insert(
                "utilisation".into(),
                json!(seats
                    .filter(|&x| x > 0.0)
                    .map(|x| crate::round::digits(pupils / x, 6))),
            );
            p.insert(
                "over_seats".into(),
                json!(crate::round::digits(z.over_seats[j], 3)),
            );
            p.insert(
                format!("mean_distance_{unit}"),
                json!(crate::round::digits(z.mean_cost[j], 1)),
            );
            p.insert(
                format!("max_distance_{unit}"),
                json!(crate::round::digits(z.max_cost[j], 1)),
            );
            p.insert("cells".into(), json!(list.len()));
            p.insert("parts".into(), json!(parts));
            p.insert("synthetic".into(), json!(map.synthetic));
            rows.push((s.id.clone(), p, geometry));
        }
        rows.sort_by(|a, c| a.0.cmp(&c.0));
        features.extend(rows.into_iter().map(|(_, p, g)| (g, p)));
    }
    feature_collection("zones", features)
}

/// The renderer of `zones.geojson`: graduated by `utilisation` (pupils ÷ seats): under 0.5,
/// 0.5–0.9, 0.9–1.0, over seats.
pub fn zones_renderer() -> String {
    let breaks = [0.0, 0.5, 0.9, 1.0, 1e12];
    let labels = vec![
        "< 0.5 (under half full)".to_string(),
        "0.5 – 0.9".to_string(),
        "0.9 – 1.0".to_string(),
        "> 1 (pupils above seats)".to_string(),
    ];
    let colours = [
        (222, 235, 247),
        (158, 202, 225),
        (49, 130, 189),
        (215, 25, 28),
    ];
    super::styles::graduated("utilisation", &breaks, &labels, &colours, false)
}

/// `zones.qml`.
pub fn zones_qml() -> String {
    super::styles::qml(&zones_renderer(), 2)
}
