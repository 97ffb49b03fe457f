//! Loading a scenario's layers into a [`Map`] in local metres.
//!
//! 1. Every layer is read as GeoJSON with per-feature context ([`super::features`]), its datum
//!    converted to WGS 84, and its properties checked; problems are collected, not thrown.
//! 2. The local projection is centred on the study area — the counties and townships, else the
//!    population — and features too far from it are errors (`layers::centre`).
//! 3. Geometry is projected once; areas are checked (validity, overlaps, code prefixes) and every
//!    cell, school and candidate is located in its county and township.
//!
//! Any error-severity problem stops the load with [`Error::Invalid`] listing all of them;
//! warnings travel in [`Map::warnings`].

use std::collections::BTreeMap;
use std::path::Path;

use geo::{Centroid, Coord, Geometry, MapCoords, MultiPolygon};

use super::features::check_coordinates;
use super::features::{describe, FeatureRecord, FileProblems, Props};
use super::formats::{read_layer_data, AreaMask, LayerData, RasterCells, RawSample};
use crate::config::{DistanceMode, LayerSpec, Scenario};
use crate::error::{Error, Problem, Result, Severity};
use crate::geodesy::projection::LocalProjection;
use crate::model::*;

mod centre;
mod checks;
mod crs_check;
mod validity;

/// Most seats or pupils a school may have: the largest schools anywhere have tens of thousands.
const MAX_SEATS: f64 = 100_000.0;
/// Most classes a school (or a site) may have.
const MAX_CLASSES: u32 = 2_000;
/// Most pupils a class may have.
const MAX_CLASS_SIZE: u32 = 1_000;
const SCHOOL_WHY: &str = "more than any school has";
/// Most residents a population cell may hold (any cohort, or `pop_total`).
const MAX_CELL_POP: f64 = 10_000_000.0;
const CELL_WHY: &str = "more than any city block holds";

fn class_sizes(p: &mut Props<'_>) -> Option<Vec<u32>> {
    let v = p.opt_counts("class_sizes")?;
    if let Some(&big) = v.iter().find(|&&x| x > MAX_CLASS_SIZE) {
        p.fp.error(
            p.rec,
            "class_sizes",
            format!("class sizes between 0 and {MAX_CLASS_SIZE} (more than any class has)"),
            big.to_string(),
        );
        return None;
    }
    Some(v)
}

/// A layer's records and its problem collector.
struct Layer {
    /// The layer's key in the scenario (`schools`, `counties`, …).
    name: &'static str,
    spec: LayerSpec,
    records: Vec<FeatureRecord>,
    fp: FileProblems,
    /// The file's own numbers, for the cross-layer CRS check (vector layers).
    sample: Option<RawSample>,
    /// A population raster's cells, kept compact (`records` is then empty): see
    /// [`RasterLayer`].
    raster: Option<RasterLayer>,
}

/// A population raster's cells and which of them still have their outline. Each check the
/// loader runs on a record's geometry (coordinates, distance from the centre, validity, the
/// CRS check's positions) runs on the cell's outline made again for the check and dropped,
/// with the cell as a record for messages ([`RasterLayer::record`]), so the problems and
/// demand cells are those of the records a vector layer of the same cells would give.
struct RasterLayer {
    cells: RasterCells,
    /// False once a problem was recorded on the cell's geometry (the record's `geometry`
    /// would be `None`).
    usable: Vec<bool>,
}

impl RasterLayer {
    /// Checks the cells' coordinates, as [`read_records`](super::formats::read_records) does
    /// on their polygons.
    fn new(cells: RasterCells, fp: &mut FileProblems) -> RasterLayer {
        // The record (for the message) is made only for a cell whose outline fails.
        let in_range = |p: &geo::Polygon<f64>| {
            p.exterior().0.iter().all(|c| {
                c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0
            })
        };
        let usable = (0..cells.len())
            .map(|i| match cells.polygon(i) {
                Some(p) if in_range(&p) => true,
                Some(p) => {
                    check_coordinates(&Geometry::Polygon(p), &cells_record(&cells, i, false), fp)
                }
                None => false,
            })
            .collect();
        RasterLayer { cells, usable }
    }

    /// Cell `i` as the feature record a vector layer would give (with its polygon when
    /// usable), made on the fly.
    fn record(&self, i: usize) -> FeatureRecord {
        cells_record(&self.cells, i, self.usable[i])
    }

    /// The usable cells' outlines (WGS 84), in cell order.
    fn outlines(&self) -> impl Iterator<Item = (usize, geo::Polygon<f64>)> + '_ {
        (0..self.cells.len())
            .filter(|&i| self.usable[i])
            .filter_map(|i| Some((i, self.cells.polygon(i)?)))
    }

    fn clear(&mut self) {
        self.cells.clear();
        self.usable.clear();
    }
}

fn cells_record(cells: &RasterCells, i: usize, geometry: bool) -> FeatureRecord {
    let f = cells.feature(i);
    FeatureRecord {
        index: f.index,
        id: Some(cells.id(i)),
        props: f.props,
        geometry: f.geometry.filter(|_| geometry),
    }
}

fn read_layer(
    name: &'static str,
    spec: &Option<LayerSpec>,
    id_field: &str,
    mask: Option<&AreaMask>,
) -> Option<Layer> {
    let spec = spec.as_ref()?;
    let id_field = spec.code_field.as_deref().unwrap_or(id_field);
    let mut fp = FileProblems::new(&spec.path);
    // Every format (GeoJSON, GeoPackage, Shapefile, CSV/XLSX, rasters, OSM) ends as the same
    // feature records, so the checks below are shared.
    let (data, sample) = read_layer_data(spec, id_field, mask, &mut fp);
    let (records, raster) = match data {
        Some(LayerData::Records(r)) => (r, None),
        Some(LayerData::Raster(cells)) => (Vec::new(), Some(RasterLayer::new(cells, &mut fp))),
        None => (Vec::new(), None),
    };
    Some(Layer {
        name,
        spec: spec.clone(),
        records,
        fp,
        sample,
        raster,
    })
}

/// Loads every layer the scenario names into a [`Map`].
pub fn load_map(scenario: &Scenario) -> Result<Map> {
    let l = &scenario.layers;
    // Areas first: they cut population rasters and OSM extracts to the scenario's extent.
    let mut counties = read_layer("counties", &l.counties, "code", None);
    let mut townships = read_layer("townships", &l.townships, "code", None);
    let mask = AreaMask::from_records(&[
        counties.as_ref().map_or(&[][..], |c| &c.records),
        townships.as_ref().map_or(&[][..], |t| &t.records),
    ]);
    let mut schools = read_layer("schools", &l.schools, "id", None);
    let mut population = read_layer("population", &l.population, "id", Some(&mask));
    let mut candidates = read_layer("candidates", &l.candidates, "id", None);
    let mut network = read_layer("network", &l.network, "id", Some(&mask));
    // A layer whose numbers are in another CRS than it was read in lands elsewhere than the
    // others (or a few hundred metres off, for a web-map datum): say which CRS they look like.
    crs_check::check(
        [
            &mut counties,
            &mut townships,
            &mut population,
            &mut schools,
            &mut candidates,
            &mut network,
        ]
        .into_iter()
        .flatten()
        .collect(),
    );

    let projection = {
        let all: Vec<&Layer> = [
            &schools,
            &population,
            &counties,
            &townships,
            &candidates,
            &network,
        ]
        .into_iter()
        .flatten()
        .collect();
        let areas: Vec<&Layer> = [&counties, &townships].into_iter().flatten().collect();
        let study = if areas.is_empty() {
            population.iter().collect()
        } else {
            areas
        };
        let centre = centre::study_centre(&study, &all);
        let what = if counties.is_some() || townships.is_some() {
            "the counties and townships"
        } else {
            "the population cells"
        };
        if let Some(c) = centre {
            for layer in [
                &mut schools,
                &mut population,
                &mut counties,
                &mut townships,
                &mut candidates,
                &mut network,
            ]
            .into_iter()
            .flatten()
            {
                centre::check_far(layer, c, what);
            }
        }
        match centre {
            Some(c) => LocalProjection::new(c.x, c.y)?,
            // Nothing readable: any centre will do, the load fails with the recorded problems.
            None => LocalProjection::new(0.0, 0.0)?,
        }
    };
    let project = |g: &Geometry<f64>| -> Geometry<f64> {
        g.map_coords(|c| {
            let (x, y) = projection
                .to_local(c.x, c.y)
                .unwrap_or((f64::NAN, f64::NAN));
            Coord { x, y }
        })
    };

    let county_areas = counties
        .as_mut()
        .map(|l| parse_areas(l, true, &project))
        .unwrap_or_default();
    let township_areas = townships
        .as_mut()
        .map(|l| parse_areas(l, false, &project))
        .unwrap_or_default();
    let school_list = schools
        .as_mut()
        .map(|l| parse_schools(l, &project))
        .unwrap_or_default();
    let demand = population
        .as_mut()
        .map(|l| parse_population(l, &project))
        .unwrap_or_default();
    let candidate_list = candidates
        .as_mut()
        .map(|l| parse_candidates(l, &project))
        .unwrap_or_default();
    let roads = network
        .as_mut()
        .map(|l| parse_roads(l, &project))
        .unwrap_or_default();

    // The matrix's problems are listed with the layers' (all problems of all inputs at once).
    let mut matrix_problems = Vec::new();
    let matrix = match (&scenario.distance.mode, &l.matrix) {
        (DistanceMode::Matrix, Some(spec)) => match super::matrix::read_matrix(&spec.path) {
            Ok(m) => Some(m),
            Err(Error::Invalid(ps)) => {
                matrix_problems = ps;
                None
            }
            Err(e) => return Err(e),
        },
        _ => None,
    };
    let mut map = Map {
        projection,
        schools: school_list,
        demand,
        counties: county_areas,
        townships: township_areas,
        candidates: candidate_list,
        roads,
        matrix,
        school_areas: Vec::new(),
        warnings: Vec::new(),
        synthetic: false,
    };
    let mut area_problems = Vec::new();
    if let (Some(c), Some(t)) = (&counties, &townships) {
        checks::check_townships(&mut map, &c.fp.file, &t.fp.file, &mut area_problems);
    }
    let files = checks::LayerFiles {
        schools: schools.as_ref().map(|l| l.fp.file.clone()),
        population: population.as_ref().map(|l| l.fp.file.clone()),
        candidates: candidates.as_ref().map(|l| l.fp.file.clone()),
    };
    checks::locate_everything(&mut map, &files, &mut area_problems);
    map.synthetic = map.schools.iter().any(|s| s.synthetic)
        || map.demand.cells.iter().any(|c| c.synthetic)
        || map
            .counties
            .iter()
            .chain(&map.townships)
            .any(|a| a.synthetic)
        || map.candidates.iter().any(|c| c.synthetic);

    let mut problems: Vec<Problem> = [
        schools, population, counties, townships, candidates, network,
    ]
    .into_iter()
    .flatten()
    .flat_map(|l| l.fp.problems)
    .collect();
    problems.extend(area_problems);
    problems.extend(matrix_problems);
    if problems.iter().any(Problem::is_error) {
        return Err(Error::Invalid(problems));
    }
    map.warnings = problems;
    Ok(map)
}

fn check_unique_ids(layer: &mut Layer, ids: &[(usize, Option<String>)]) {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, id) in ids {
        let Some(id) = id else { continue };
        if let Some(first) = seen.insert(id.as_str(), *index) {
            let rec = &layer.records[*index];
            layer.fp.error(
                rec,
                "id",
                "a unique id",
                format!("{id:?}, also used by feature {first}"),
            );
        }
    }
}

fn point_of(rec: &FeatureRecord, fp: &mut FileProblems, allow_polygon: bool) -> Option<Coord<f64>> {
    match rec.geometry.as_ref()? {
        Geometry::Point(p) => Some(p.0),
        g @ (Geometry::Polygon(_) | Geometry::MultiPolygon(_)) if allow_polygon => {
            g.centroid().map(|p| p.0)
        }
        g => {
            let expected = if allow_polygon {
                "a Point or Polygon"
            } else {
                "a Point"
            };
            fp.error(rec, "geometry", expected, geometry_name(g));
            None
        }
    }
}

fn geometry_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "a Point",
        Geometry::Line(_) | Geometry::LineString(_) => "a LineString",
        Geometry::MultiLineString(_) => "a MultiLineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "a Polygon",
        Geometry::MultiPolygon(_) => "a MultiPolygon",
        Geometry::MultiPoint(_) => "a MultiPoint",
        Geometry::GeometryCollection(_) => "a GeometryCollection",
    }
}

fn polygons_of(rec: &FeatureRecord, fp: &mut FileProblems) -> Option<MultiPolygon<f64>> {
    match rec.geometry.as_ref()? {
        Geometry::Polygon(p) => Some(MultiPolygon(vec![p.clone()])),
        Geometry::MultiPolygon(m) => Some(m.clone()),
        g => {
            fp.error(
                rec,
                "geometry",
                "a Polygon or MultiPolygon",
                geometry_name(g),
            );
            None
        }
    }
}

fn project_coord(project: &impl Fn(&Geometry<f64>) -> Geometry<f64>, c: Coord<f64>) -> Coord<f64> {
    match project(&Geometry::Point(c.into())) {
        Geometry::Point(p) => p.0,
        _ => Coord {
            x: f64::NAN,
            y: f64::NAN,
        },
    }
}

fn parse_schools(
    layer: &mut Layer,
    project: &impl Fn(&Geometry<f64>) -> Geometry<f64>,
) -> Vec<School> {
    let mut out = Vec::new();
    let mut ids = Vec::new();
    let records = std::mem::take(&mut layer.records);
    for rec in &records {
        let fp = &mut layer.fp;
        let pos = point_of(rec, fp, false);
        let mut p = Props { rec, fp };
        let id = p.required_id("id");
        ids.push((rec.index, id.clone()));
        let level = p.required_enum(
            "level",
            "one of kindergarten, primary, junior, nine_year, senior, special, vocational (or 幼儿园, 小学, 初中, 九年一贯制, 高中, 特殊教育, 中职)",
            Level::parse_alias,
        );
        let ownership = p.required_enum(
            "ownership",
            "public or private (or 公办, 民办)",
            Ownership::parse_alias,
        );
        let status = p
            .opt_enum(
                "status",
                "existing, planned or closed (or 现状, 规划, 关闭)",
                Status::parse_alias,
            )
            .unwrap_or_default();
        let mut resources = BTreeMap::new();
        let res_keys: Vec<String> = rec
            .props
            .keys()
            .filter(|k| k.starts_with("res_"))
            .cloned()
            .collect();
        for k in res_keys {
            if let Some(v) = p.opt_nonneg(&k) {
                resources.insert(k["res_".len()..].to_string(), v);
            }
        }
        let school = School {
            id: id.clone().unwrap_or_default(),
            name: p.opt_str("name").unwrap_or_default(),
            level: level.unwrap_or(Level::Primary),
            ownership: ownership.unwrap_or(Ownership::Public),
            inclusive: p.opt_bool("inclusive"),
            quality: p.opt_bool("quality"),
            boarding: p.opt_bool("boarding"),
            status,
            capacity_seats: p.opt_nonneg_max("capacity_seats", MAX_SEATS, SCHOOL_WHY),
            enrolment: p.opt_nonneg_max("enrolment", MAX_SEATS, SCHOOL_WHY),
            classes: p.opt_count_max("classes", MAX_CLASSES, SCHOOL_WHY),
            added_classes: p.opt_count_max("added_classes", MAX_CLASSES, SCHOOL_WHY),
            class_sizes: class_sizes(&mut p),
            resources,
            synthetic: p.opt_bool("synthetic").unwrap_or(false),
            pos: Coord { x: 0.0, y: 0.0 },
            lonlat: Coord { x: 0.0, y: 0.0 },
            feature_index: rec.index,
        };
        if let (Some(_), Some(_), Some(_), Some(ll)) = (id, level, ownership, pos) {
            out.push(School {
                pos: project_coord(project, ll),
                lonlat: ll,
                ..school
            });
        }
    }
    layer.records = records;
    check_unique_ids(layer, &ids);
    out
}

fn parse_population(
    layer: &mut Layer,
    project: &impl Fn(&Geometry<f64>) -> Geometry<f64>,
) -> DemandLayer {
    if let Some(raster) = layer.raster.take() {
        return parse_raster_population(layer, raster, project);
    }
    let records = std::mem::take(&mut layer.records);
    let mut cohorts: Vec<String> = records
        .iter()
        .flat_map(|r| r.props.keys())
        .filter(|k| k.starts_with("pop_") && k.as_str() != "pop_total")
        .cloned()
        .collect();
    cohorts.sort();
    cohorts.dedup();
    let mut cells = Vec::new();
    let mut ids = Vec::new();
    for rec in &records {
        let (id, cell) = demand_cell(rec, &cohorts, &mut layer.fp, project);
        ids.push((rec.index, id));
        cells.extend(cell);
    }
    layer.records = records;
    check_unique_ids(layer, &ids);
    no_population_field(layer, &cohorts, &cells);
    DemandLayer { cohorts, cells }
}

/// A population raster's cells become demand cells one by one, each through the record a
/// vector layer would give (made and dropped in turn, so no layer of records is held). The
/// ids `r<row>c<col>` are unique by construction.
fn parse_raster_population(
    layer: &mut Layer,
    raster: RasterLayer,
    project: &impl Fn(&Geometry<f64>) -> Geometry<f64>,
) -> DemandLayer {
    let mut cohorts: Vec<String> = if raster.cells.is_empty() {
        Vec::new()
    } else {
        raster.cells.fields.clone()
    };
    cohorts.sort();
    cohorts.dedup();
    let mut cells = Vec::with_capacity(raster.cells.len());
    for i in 0..raster.cells.len() {
        let rec = raster.record(i);
        cells.extend(demand_cell(&rec, &cohorts, &mut layer.fp, project).1);
    }
    no_population_field(layer, &cohorts, &cells);
    DemandLayer { cohorts, cells }
}

/// The demand cell of one population record (`None` with its problems recorded), and its id.
fn demand_cell(
    rec: &FeatureRecord,
    cohorts: &[String],
    fp: &mut FileProblems,
    project: &impl Fn(&Geometry<f64>) -> Geometry<f64>,
) -> (Option<String>, Option<DemandCell>) {
    let (pos, shape) = match rec.geometry.as_ref() {
        Some(Geometry::Point(p)) => (Some(p.0), None),
        Some(Geometry::Polygon(_) | Geometry::MultiPolygon(_)) => {
            let mp = polygons_of(rec, fp);
            checks::check_polygon_validity(rec, mp.as_ref(), fp);
            (mp.as_ref().and_then(|m| m.centroid()).map(|p| p.0), mp)
        }
        Some(g) => {
            fp.error(
                rec,
                "geometry",
                "a Polygon, MultiPolygon or Point",
                geometry_name(g),
            );
            (None, None)
        }
        None => (None, None),
    };
    let mut p = Props { rec, fp };
    let id = p.required_id("id");
    let pop_total = p.opt_nonneg_max("pop_total", MAX_CELL_POP, CELL_WHY);
    let cohort_pop: Vec<f64> = cohorts
        .iter()
        .map(|c| p.opt_nonneg_max(c, MAX_CELL_POP, CELL_WHY).unwrap_or(0.0))
        .collect();
    let synthetic = p.opt_bool("synthetic").unwrap_or(false);
    let housing = p.opt_str("housing").filter(|h| !h.trim().is_empty());
    let (Some(cell_id), Some(ll)) = (id.clone(), pos) else {
        return (id, None);
    };
    let shape_m = shape
        .as_ref()
        .and_then(|s| match project(&Geometry::MultiPolygon(s.clone())) {
            Geometry::MultiPolygon(m) => Some(m),
            _ => None,
        });
    let cell = DemandCell {
        id: cell_id,
        pos: project_coord(project, ll),
        lonlat: ll,
        shape_m,
        shape_lonlat: shape,
        pop_total,
        cohort_pop,
        county: None,
        township: None,
        synthetic,
        housing,
        feature_index: rec.index,
    };
    (id, Some(cell))
}

/// A layer with cells but neither `pop_total` nor any cohort field is an error.
fn no_population_field(layer: &mut Layer, cohorts: &[String], cells: &[DemandCell]) {
    if cohorts.is_empty() && cells.iter().all(|c| c.pop_total.is_none()) && !cells.is_empty() {
        let file = layer.fp.file.clone();
        layer.fp.problems.push(
            Problem::file(
                Severity::Error,
                file,
                "`pop_total` or `pop_<cohort>` fields on the cells",
                "no population field",
            )
            .on_property("pop_*"),
        );
    }
}

fn parse_areas(
    layer: &mut Layer,
    county: bool,
    project: &impl Fn(&Geometry<f64>) -> Geometry<f64>,
) -> Vec<Area> {
    let code_field = layer
        .spec
        .code_field
        .clone()
        .unwrap_or_else(|| "code".into());
    let records = std::mem::take(&mut layer.records);
    let mut out = Vec::new();
    let mut ids = Vec::new();
    for rec in &records {
        let fp = &mut layer.fp;
        let shape = polygons_of(rec, fp);
        checks::check_polygon_validity(rec, shape.as_ref(), fp);
        let mut p = Props { rec, fp };
        let code = p.required_id(&code_field);
        ids.push((rec.index, code.clone()));
        let want_len = if county { 6 } else { 9 };
        if let Some(c) = &code {
            if c.len() != want_len || !c.bytes().all(|b| b.is_ascii_digit()) {
                p.fp.error(
                    rec,
                    &code_field,
                    format!("a {want_len}-digit official code"),
                    format!("{c:?}"),
                );
            }
        }
        let name = p.required_str("name");
        let kind = if county {
            Some(AreaKind::County)
        } else {
            p.required_enum(
                "kind",
                "street, town or township (街道, 镇, 乡, 民族乡)",
                AreaKind::parse_township,
            )
        };
        let synthetic = p.opt_bool("synthetic").unwrap_or(false);
        if let (Some(code), Some(name), Some(kind), Some(shape)) = (code, name, kind, shape) {
            let shape_m = match project(&Geometry::MultiPolygon(shape.clone())) {
                Geometry::MultiPolygon(m) => m,
                _ => MultiPolygon(vec![]),
            };
            out.push(Area {
                code,
                name,
                kind,
                county: None,
                shape_m,
                shape_lonlat: shape,
                synthetic,
                feature_index: rec.index,
            });
        }
    }
    layer.records = records;
    check_unique_ids(layer, &ids);
    out
}

fn parse_candidates(
    layer: &mut Layer,
    project: &impl Fn(&Geometry<f64>) -> Geometry<f64>,
) -> Vec<Candidate> {
    let records = std::mem::take(&mut layer.records);
    let mut out = Vec::new();
    let mut ids = Vec::new();
    for rec in &records {
        let fp = &mut layer.fp;
        let pos = point_of(rec, fp, true);
        let mut p = Props { rec, fp };
        let id = p.required_id("id");
        ids.push((rec.index, id.clone()));
        let levels = parse_levels(&mut p);
        let c = Candidate {
            id: id.clone().unwrap_or_default(),
            name: p.opt_str("name").unwrap_or_default(),
            pos: Coord { x: 0.0, y: 0.0 },
            lonlat: Coord { x: 0.0, y: 0.0 },
            levels,
            cost: p.opt_nonneg("cost"),
            max_classes: p.opt_count_max("max_classes", MAX_CLASSES, SCHOOL_WHY),
            county: None,
            township: None,
            township_seat: p.opt_str("township_seat").filter(|s| !s.trim().is_empty()),
            synthetic: p.opt_bool("synthetic").unwrap_or(false),
            feature_index: rec.index,
        };
        if let (Some(_), Some(ll)) = (id, pos) {
            out.push(Candidate {
                pos: project_coord(project, ll),
                lonlat: ll,
                ..c
            });
        }
    }
    layer.records = records;
    check_unique_ids(layer, &ids);
    out
}

fn parse_levels(p: &mut Props<'_>) -> Option<Vec<Level>> {
    let v = p.rec.props.get("levels").filter(|v| !v.is_null())?.clone();
    let names: Vec<String> = match &v {
        // Commas, or the Chinese enumeration comma and full-width comma (小学、初中).
        serde_json::Value::String(s) => s
            .split([',', '、', '，'])
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        serde_json::Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().unwrap_or("").to_string())
            .collect(),
        _ => {
            p.fp.error(
                p.rec,
                "levels",
                "a comma-separated string or an array of level names",
                describe(&v),
            );
            return None;
        }
    };
    let mut levels = Vec::new();
    for n in names {
        match n.parse::<Level>() {
            Ok(l) => levels.push(l),
            Err(_) => p.fp.error(p.rec, "levels", "level names (kindergarten, primary, junior, nine_year, senior, special, vocational, or their Chinese names)", format!("{n:?}")),
        }
    }
    Some(levels)
}

fn parse_roads(layer: &mut Layer, project: &impl Fn(&Geometry<f64>) -> Geometry<f64>) -> Vec<Road> {
    let records = std::mem::take(&mut layer.records);
    let mut out = Vec::new();
    for rec in &records {
        let fp = &mut layer.fp;
        let lines = match rec.geometry.as_ref() {
            Some(Geometry::LineString(l)) => vec![l.clone()],
            Some(Geometry::MultiLineString(m)) => m.0.clone(),
            Some(g) => {
                fp.error(
                    rec,
                    "geometry",
                    "a LineString or MultiLineString",
                    geometry_name(g),
                );
                continue;
            }
            None => continue,
        };
        let mut p = Props { rec, fp };
        let speed_kmh = p.opt_nonneg_max("speed_kmh", 500.0, "faster than any road");
        if speed_kmh == Some(0.0) {
            p.fp.error(rec, "speed_kmh", "a speed > 0", "0");
        }
        let oneway = p.opt_bool("oneway").unwrap_or(false);
        let barrier = p.opt_bool("barrier").unwrap_or(false);
        let id = rec.id.clone().unwrap_or_else(|| rec.index.to_string());
        for (k, line) in lines.into_iter().enumerate() {
            if line.0.len() < 2 {
                p.fp.error(
                    rec,
                    "geometry",
                    "lines of at least 2 positions",
                    format!("{} position(s)", line.0.len()),
                );
                continue;
            }
            let line_m = match project(&Geometry::LineString(line)) {
                Geometry::LineString(l) => l,
                _ => continue,
            };
            let id = if k == 0 {
                id.clone()
            } else {
                format!("{id}#{k}")
            };
            out.push(Road {
                id,
                line_m,
                speed_kmh,
                oneway,
                barrier,
                cost: None,
                feature_index: rec.index,
            });
        }
    }
    layer.records = records;
    out
}

/// Loads the scenario file and its layers.
pub fn load(path: &Path) -> Result<(Scenario, Map)> {
    let scenario = Scenario::load(path)?;
    let map = load_map(&scenario)?;
    Ok((scenario, map))
}
