//! GeoJSON layers for QGIS (RFC 7946).
//!
//! WGS 84 lon/lat; polygons follow the right-hand rule (exterior rings counter-clockwise, holes
//! clockwise) and are always written as `MultiPolygon`; coordinates are rounded to 1e-7°.
//! Every feature of a layer has the same properties in the same order, `null` where a value is
//! missing, so GDAL infers one type per field: integer fields are always integers, real fields
//! always carry a decimal point (`12.0`), booleans are booleans. Features are sorted by id
//! (gap areas by level, then rank). One feature per line, so diffs stay readable.
//!
//! GDAL cannot type a column that is `null` on every feature (for example `added_classes`
//! when no school is an expansion): it reads it as String. The values stay null.

use std::collections::BTreeSet;

use geo::orient::{Direction, Orient};
use geo::{Coord, MultiPolygon};
use serde_json::{json, Map as JsonMap, Value};

use super::areas::AreaStat;
use super::gaps::{GapArea, GapShape};
use super::numbers::{opt_real, real, round_coord};
use super::{FindingStatus, RunBundle};
use crate::config::CostUnit;
use crate::model::Level;

/// Properties of one feature, in order.
pub type Props = JsonMap<String, Value>;

fn coord(c: Coord<f64>) -> Value {
    json!([round_coord(c.x), round_coord(c.y)])
}

/// A Point geometry, rounded.
pub fn point_geometry(c: Coord<f64>) -> Value {
    json!({"type": "Point", "coordinates": coord(c)})
}

fn ring(ls: &geo::LineString<f64>) -> Option<Value> {
    let mut pts: Vec<[f64; 2]> = Vec::with_capacity(ls.0.len());
    for c in &ls.0 {
        let p = [round_coord(c.x), round_coord(c.y)];
        if pts.last() != Some(&p) {
            pts.push(p);
        }
    }
    // Twice the signed area (shoelace): rings that collapse to a line after rounding are
    // dropped (GDAL / GEOS call them self-intersections).
    let area2: f64 = pts
        .windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum();
    (pts.len() >= 4 && pts.first() == pts.last() && area2.abs() > 1e-16).then(|| json!(pts))
}

/// A MultiPolygon geometry, oriented by the right-hand rule and rounded; rings that collapse
/// after rounding are dropped. `null` when nothing is left.
pub fn multipolygon_geometry(mp: &MultiPolygon<f64>) -> Value {
    let oriented = mp.orient(Direction::Default);
    let polys: Vec<Value> = oriented
        .0
        .iter()
        .filter_map(|p| {
            let ext = ring(p.exterior())?;
            let mut rings = vec![ext];
            rings.extend(p.interiors().iter().filter_map(ring));
            Some(Value::Array(rings))
        })
        .collect();
    if polys.is_empty() {
        Value::Null
    } else {
        json!({"type": "MultiPolygon", "coordinates": polys})
    }
}

/// A FeatureCollection with one feature per line.
pub fn feature_collection(name: &str, features: Vec<(Value, Props)>) -> String {
    let mut s = format!(
        "{{\"type\":\"FeatureCollection\",\"name\":{},\"features\":[",
        json!(name)
    );
    for (k, (geometry, props)) in features.into_iter().enumerate() {
        if k > 0 {
            s.push(',');
        }
        s.push('\n');
        let f =
            json!({"type": "Feature", "properties": Value::Object(props), "geometry": geometry});
        s.push_str(&f.to_string());
    }
    s.push_str("\n]}\n");
    s
}

fn opt_str(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.to_string()))
}

fn opt_int(x: Option<u32>) -> Value {
    x.map_or(Value::Null, |v| json!(v))
}

/// The name of the cost property of a level: `dist_<level>_m` or `cost_<level>_min`.
pub fn cost_key(level: Level, unit: CostUnit) -> String {
    match unit {
        CostUnit::M => format!("dist_{}_m", level.name()),
        CostUnit::Min => format!("cost_{}_min", level.name()),
    }
}

/// The rule ids each school fails (failing findings of scope `school` whose subject is the
/// school), comma-separated and sorted.
pub fn school_failures(b: &RunBundle, school_id: &str) -> String {
    let ids: BTreeSet<&str> = b
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Fail && f.scope == "school" && f.area == school_id)
        .map(|f| f.id.as_str())
        .collect();
    ids.into_iter().collect::<Vec<_>>().join(",")
}

/// `schools.geojson`.
pub fn schools_geojson(b: &RunBundle) -> String {
    let map = b.map;
    let resources: BTreeSet<&str> = map
        .schools
        .iter()
        .flat_map(|s| s.resources.keys().map(String::as_str))
        .collect();
    let mut order: Vec<usize> = (0..map.schools.len()).collect();
    order.sort_by(|&a, &c| map.schools[a].id.cmp(&map.schools[c].id));
    let features = order
        .into_iter()
        .map(|j| {
            let s = &map.schools[j];
            let (county, township) = map.school_areas.get(j).copied().unwrap_or((None, None));
            let mut p = Props::new();
            p.insert("id".into(), json!(s.id));
            p.insert("name".into(), json!(s.name));
            p.insert("level".into(), json!(s.level.name()));
            p.insert("ownership".into(), json!(s.ownership.name()));
            p.insert("inclusive".into(), json!(s.inclusive));
            p.insert("quality".into(), json!(s.quality));
            p.insert("boarding".into(), json!(s.boarding));
            p.insert("status".into(), json!(s.status.name()));
            p.insert("capacity_seats".into(), opt_real(s.capacity_seats));
            p.insert("enrolment".into(), opt_real(s.enrolment));
            p.insert("classes".into(), opt_int(s.classes));
            p.insert("added_classes".into(), opt_int(s.added_classes));
            p.insert(
                "max_class_size".into(),
                opt_int(s.class_sizes.as_ref().and_then(|v| v.iter().copied().max())),
            );
            for r in &resources {
                p.insert(format!("res_{r}"), opt_real(s.resources.get(*r).copied()));
            }
            p.insert(
                "county".into(),
                opt_str(county.map(|c| map.counties[c].code.as_str())),
            );
            p.insert(
                "township".into(),
                opt_str(township.map(|t| map.townships[t].code.as_str())),
            );
            for lc in &b.coverage.levels {
                let l = lc.level.name();
                let load = s.serves(lc.level).then(|| lc.school_load(j));
                p.insert(format!("seats_{l}"), opt_real(load.and_then(|x| x.seats)));
                p.insert(
                    format!("nearest_demand_{l}"),
                    opt_real(load.map(|x| x.nearest_demand)),
                );
                if lc.zones.is_some() {
                    p.insert(
                        format!("zone_pupils_{l}"),
                        opt_real(load.and_then(|x| x.zone_pupils)),
                    );
                }
                p.insert(
                    format!("allocated_{l}"),
                    opt_real(load.map(|x| x.allocated_demand)),
                );
                p.insert(
                    format!("utilisation_{l}"),
                    opt_real(load.and_then(|x| x.utilisation)),
                );
                p.insert(
                    format!("over_capacity_{l}"),
                    opt_real(load.and_then(|x| x.over_capacity)),
                );
                p.insert(
                    format!("spare_seats_{l}"),
                    opt_real(load.and_then(|x| x.spare_seats)),
                );
            }
            p.insert("fails".into(), json!(school_failures(b, &s.id)));
            p.insert("synthetic".into(), json!(s.synthetic));
            (point_geometry(s.lonlat), p)
        })
        .collect();
    feature_collection("schools", features)
}

/// Cohort fields of the measured levels, in level order, without repeats.
pub fn measured_cohorts(b: &RunBundle) -> Vec<(Level, String)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for lc in &b.coverage.levels {
        if let Some(cfg) = b.scenario.level(lc.level) {
            if seen.insert(cfg.cohort_field.clone()) {
                out.push((lc.level, cfg.cohort_field.clone()));
            }
        }
    }
    out
}

/// `coverage.geojson`: one feature per populated cell.
pub fn coverage_geojson(b: &RunBundle) -> String {
    coverage_geojson_with_gaps(b, None)
}

/// [`coverage_geojson`] with, per level, `gap_<level>`: the id of the gap (in `gaps.geojson`)
/// the cell belongs to, null when the cell is served.
pub fn coverage_geojson_with_gaps(b: &RunBundle, gaps: Option<&[GapArea]>) -> String {
    let gap_of: std::collections::BTreeMap<(Level, &str), &str> = gaps
        .unwrap_or_default()
        .iter()
        .flat_map(|g| {
            g.cells
                .iter()
                .map(move |c| ((g.level, c.as_str()), g.id.as_str()))
        })
        .collect();
    let map = b.map;
    let cohorts = measured_cohorts(b);
    let mut order: Vec<usize> = (0..map.demand.cells.len())
        .filter(|&i| {
            let c = &map.demand.cells[i];
            c.cohort_pop.iter().any(|&p| p > 0.0) || c.pop_total.is_some_and(|p| p > 0.0)
        })
        .collect();
    order.sort_by(|&a, &c| map.demand.cells[a].id.cmp(&map.demand.cells[c].id));
    let features = order
        .into_iter()
        .map(|i| {
            let c = &map.demand.cells[i];
            let mut p = Props::new();
            p.insert("id".into(), json!(c.id));
            p.insert(
                "county".into(),
                opt_str(c.county.map(|k| map.counties[k].code.as_str())),
            );
            p.insert(
                "township".into(),
                opt_str(c.township.map(|k| map.townships[k].code.as_str())),
            );
            p.insert("pop_total".into(), opt_real(c.pop_total));
            for (_, field) in &cohorts {
                let v = map
                    .demand
                    .cohort_index(field)
                    .and_then(|k| c.cohort_pop.get(k).copied());
                p.insert(field.clone(), opt_real(v));
            }
            for lc in &b.coverage.levels {
                let l = lc.level.name();
                p.insert(format!("demand_{l}"), real(lc.demand[i]));
                p.insert(
                    format!("nearest_{l}"),
                    opt_str(lc.nearest[i].map(|j| map.schools[j].id.as_str())),
                );
                p.insert(cost_key(lc.level, b.coverage.unit), real(lc.cost[i]));
                p.insert(format!("covered_{l}"), json!(lc.covered[i]));
                p.insert(
                    format!("unreachable_{l}"),
                    opt_str(lc.unreachable.get(i).copied().flatten().map(|u| u.name())),
                );
                p.insert(format!("access_{l}"), real(lc.accessibility[i]));
                if gaps.is_some() {
                    p.insert(
                        format!("gap_{l}"),
                        opt_str(gap_of.get(&(lc.level, c.id.as_str())).copied()),
                    );
                }
            }
            p.extend(b.coverage.access_properties(map, i));
            p.insert("synthetic".into(), json!(c.synthetic));
            let geometry = match &c.shape_lonlat {
                Some(mp) => multipolygon_geometry(mp),
                None => point_geometry(c.lonlat),
            };
            (geometry, p)
        })
        .collect();
    feature_collection("coverage", features)
}

/// A gaps-layer property holding a cost: `<stem>_m`, or `<stem>_min` when costs are minutes.
pub fn gap_cost_key(stem: &str, unit: CostUnit) -> String {
    match unit {
        CostUnit::M => format!("{stem}_m"),
        CostUnit::Min => format!("{stem}_min"),
    }
}

/// `gaps.geojson`, from [`super::gaps::gap_areas`]: features by level, then rank (listed gaps,
/// then the scattered lines). Properties, in order (costs `_m` metres, or `_min` minutes when
/// `distance.unit = "min"`):
///
/// | property | unit | meaning |
/// | --- | --- | --- |
/// | `id` | | `<level>-<rank>`, or `<level>-scattered-<township code>-<kind>` |
/// | `level`, `rank` | | level; rank by children within it (1 = most) |
/// | `scattered` | boolean | a line folding the township's gaps below `[gaps] scattered_below` children |
/// | `kind` | | `distance` (no school within the radius) or `seats` (schools in reach, full) |
/// | `setting` | | `urban` or `rural` (the standard applied); null: mixed |
/// | `county`, `county_name`, `township`, `township_name` | | codes and names of the unit holding every cell of the gap |
/// | `cohort`, `population` | residents | the level's cohort field, and its residents in the gap |
/// | `children` | pupils | demand of the level in the gap (cohort × enrolment rate × projection) |
/// | `cell_count`, `area_km2` | cells, km² | cells, and Σ of their areas |
/// | `centre_cell` | | the cell every cell of the gap lies within `radius` of (null for scattered lines) |
/// | `radius_m` / `radius_min` | m / min | the radius the gap was formed with (its setting's) |
/// | `spread_m` | m | farthest cell centroid from the centre's, straight line |
/// | `nearest_school`, `nearest_m` / `nearest_min` | m / min | nearest open school of the level **with spare seats**, cost from the gap's closest cell |
/// | `nearest_spare_seats` | seats | its seats minus its allocated demand (null: seats unknown) |
/// | `nearest_any_school`, `nearest_any_m` / `nearest_any_min` | m / min | nearest open school of the level, full or not |
/// | `full_school` | | seats gaps: the full school nearest to the centre cell |
/// | `seats_needed`, `classes_needed` | seats, classes | children rounded up; ÷ the level's class size, rounded up |
/// | `best_site`, `site_kind`, `site_name` | | the site reaching most of the gap: a candidate, a school to expand, or `cell:<id>` without a candidate layer |
/// | `site_children`, `site_cells` | pupils, cells | what of the gap it reaches (each cell's own radius) |
/// | `site_cost` | scenario currency | the candidate's `cost`, when it has one |
/// | `site_lon`, `site_lat` | degrees | where the site is (WGS 84) |
/// | `no_site` | | why there is none: `no_candidate`, `out_of_reach`, `scattered` |
/// | `findings` | | failing rules the gap is linked to, comma-separated ids |
/// | `proposals` | | proposals sited within its reach, comma-separated ids |
pub fn gaps_geojson(gaps: &[GapArea], unit: CostUnit) -> String {
    let features = gaps
        .iter()
        .map(|g| {
            let mut p = Props::new();
            p.insert("id".into(), json!(g.id));
            p.insert("level".into(), json!(g.level.name()));
            p.insert("rank".into(), json!(g.rank));
            p.insert("scattered".into(), json!(g.scattered));
            p.insert("kind".into(), json!(g.kind.name()));
            p.insert("setting".into(), opt_str(g.setting.map(|s| s.name())));
            p.insert("county".into(), opt_str(g.county.as_deref()));
            p.insert("county_name".into(), opt_str(g.county_name.as_deref()));
            p.insert("township".into(), opt_str(g.township.as_deref()));
            p.insert("township_name".into(), opt_str(g.township_name.as_deref()));
            p.insert("cohort".into(), json!(g.cohort));
            p.insert("population".into(), real(g.population));
            p.insert("children".into(), real(g.demand));
            p.insert("cell_count".into(), json!(g.cells.len()));
            p.insert("area_km2".into(), real(g.area_km2));
            p.insert("centre_cell".into(), opt_str(g.centre.as_deref()));
            p.insert(gap_cost_key("radius", unit), real(g.radius));
            p.insert("spread_m".into(), real(g.spread_m));
            p.insert(
                "nearest_school".into(),
                opt_str(g.nearest_school.as_deref()),
            );
            p.insert(gap_cost_key("nearest", unit), opt_real(g.nearest_cost));
            p.insert(
                "nearest_spare_seats".into(),
                opt_real(g.nearest_spare_seats),
            );
            p.insert(
                "nearest_any_school".into(),
                opt_str(g.any_school.as_deref()),
            );
            p.insert(gap_cost_key("nearest_any", unit), opt_real(g.any_cost));
            p.insert("full_school".into(), opt_str(g.full_school.as_deref()));
            p.insert("seats_needed".into(), real(g.seats_needed));
            p.insert("classes_needed".into(), json!(g.classes_needed));
            let site = g.site.as_ref();
            p.insert("best_site".into(), opt_str(site.map(|s| s.id.as_str())));
            p.insert("site_kind".into(), opt_str(site.map(|s| s.kind.name())));
            p.insert("site_name".into(), opt_str(site.map(|s| s.name.as_str())));
            p.insert("site_children".into(), opt_real(site.map(|s| s.children)));
            p.insert(
                "site_cells".into(),
                site.map_or(Value::Null, |s| json!(s.cells)),
            );
            p.insert("site_cost".into(), opt_real(site.and_then(|s| s.cost)));
            p.insert(
                "site_lon".into(),
                site.map_or(Value::Null, |s| json!(round_coord(s.lonlat.x))),
            );
            p.insert(
                "site_lat".into(),
                site.map_or(Value::Null, |s| json!(round_coord(s.lonlat.y))),
            );
            p.insert("no_site".into(), opt_str(g.no_site.map(|n| n.name())));
            p.insert("findings".into(), json!(g.findings.join(",")));
            p.insert("proposals".into(), json!(g.proposals.join(",")));
            let geometry = match &g.shape {
                GapShape::Polygons { shape_lonlat, .. } => multipolygon_geometry(shape_lonlat),
                GapShape::Points { points_lonlat, .. } => json!({
                    "type": "MultiPoint",
                    "coordinates": points_lonlat.iter().map(|c| coord(*c)).collect::<Vec<_>>()
                }),
            };
            (geometry, p)
        })
        .collect();
    feature_collection("gaps", features)
}

/// `areas.geojson`: counties and townships, sorted by code.
pub fn areas_geojson(b: &RunBundle, stats: &[AreaStat]) -> String {
    let map = b.map;
    let cohorts = measured_cohorts(b);
    let mut rows: Vec<(&AreaStat, &MultiPolygon<f64>)> = stats
        .iter()
        .filter_map(|s| {
            let list = if s.kind == crate::model::AreaKind::County {
                &map.counties
            } else {
                &map.townships
            };
            list.iter()
                .find(|a| a.code == s.code)
                .map(|a| (s, &a.shape_lonlat))
        })
        .collect();
    rows.sort_by(|a, c| a.0.code.cmp(&c.0.code));
    let features = rows
        .into_iter()
        .map(|(s, shape)| {
            let mut p = Props::new();
            p.insert("code".into(), json!(s.code));
            p.insert("name".into(), json!(s.name));
            p.insert("kind".into(), json!(s.kind.name()));
            p.insert("county".into(), opt_str(s.county.as_deref()));
            p.insert("area_km2".into(), real(s.area_km2));
            for (_, field) in &cohorts {
                p.insert(field.clone(), opt_real(s.population.get(field).copied()));
            }
            for l in &s.levels {
                let n = l.level.name();
                p.insert(format!("demand_{n}"), real(l.demand));
                p.insert(format!("covered_{n}"), real(l.covered));
                p.insert(format!("coverage_{n}"), opt_real(l.coverage));
                p.insert(format!("seats_{n}"), real(l.seats));
                p.insert(format!("allocated_{n}"), real(l.allocated));
                p.insert(format!("schools_{n}"), json!(l.schools));
            }
            p.insert("findings_failing".into(), json!(s.findings_failing));
            (multipolygon_geometry(shape), p)
        })
        .collect();
    feature_collection("areas", features)
}

/// `proposals.geojson` (an empty FeatureCollection when there are none).
pub fn proposals_geojson(b: &RunBundle) -> String {
    let mut rows: Vec<&super::ProposalRow> = b.proposals.iter().collect();
    rows.sort_by(|a, c| a.id.cmp(&c.id));
    let features = rows
        .into_iter()
        .map(|r| {
            let mut p = Props::new();
            p.insert("id".into(), json!(r.id));
            p.insert("rank".into(), json!(r.rank));
            p.insert("level".into(), json!(r.level.name()));
            p.insert("kind".into(), json!(r.kind.name()));
            p.insert("site_id".into(), json!(r.site_id));
            p.insert("name".into(), json!(r.name));
            p.insert("demand_newly_covered".into(), real(r.demand_newly_covered));
            p.insert("seats_added".into(), opt_real(r.seats_added));
            p.insert("classes_added".into(), opt_int(r.classes_added));
            p.insert("cost".into(), opt_real(r.cost));
            p.insert("gap_closed".into(), opt_str(r.gap_closed.as_deref()));
            p.insert("gap_id".into(), opt_str(r.gap_id.as_deref()));
            p.insert(
                "seats_short_relieved".into(),
                opt_real(r.seats_short_relieved),
            );
            p.insert(
                "large_classes_removed".into(),
                opt_int(r.large_classes_removed),
            );
            p.insert("served".into(), opt_real(r.served));
            p.insert("closes_findings".into(), json!(r.closes_findings.join(",")));
            (point_geometry(r.lonlat), p)
        })
        .collect();
    feature_collection("proposals", features)
}
