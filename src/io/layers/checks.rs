//! Checks that need projected geometry: polygon validity, township overlaps and code prefixes,
//! and locating every point in its county and township.

use geo::{Area as _, BooleanOps, Coord, InteriorPoint, MultiPolygon};

use crate::error::{Problem, Severity};
use crate::io::features::{FeatureRecord, FileProblems};
use crate::model::Map;
use crate::spatial::locate::AreaLocator;

/// Files of the point layers, for messages.
pub(super) struct LayerFiles {
    pub schools: Option<String>,
    pub population: Option<String>,
    pub candidates: Option<String>,
}

/// At most this many "outside every area" warnings per layer; the rest are counted.
const MAX_OUTSIDE_WARNINGS: usize = 20;

/// Records an error for empty or invalid (self-intersecting, …) polygons.
pub(super) fn check_polygon_validity(
    rec: &FeatureRecord,
    shape: Option<&MultiPolygon<f64>>,
    fp: &mut FileProblems,
) {
    let Some(shape) = shape else { return };
    if shape.0.is_empty() || shape.0.iter().any(|p| p.exterior().0.len() < 4) {
        fp.error(
            rec,
            "geometry",
            "polygons with at least 4 positions per ring",
            "an empty or degenerate polygon",
        );
        return;
    }
    if let Some(e) = super::validity::first_problem(shape) {
        fp.error(
            rec,
            "geometry",
            "a valid polygon (closed rings, no self-intersection)",
            e,
        );
    }
}

/// Assigns each township its county, checks its code prefix, and looks for overlaps.
pub(super) fn check_townships(
    map: &mut Map,
    county_file: &str,
    township_file: &str,
    out: &mut Vec<Problem>,
) {
    let loc = AreaLocator::new(map.counties.iter().map(|a| &a.shape_m));
    for t in map.townships.iter_mut() {
        let Some(inside) = t.shape_m.interior_point() else {
            continue;
        };
        t.county = loc.locate(inside.0);
        let problem = |expected: String, found: String, sev| {
            Problem::file(sev, township_file, expected, found)
                .at_feature(t.feature_index, Some(&t.code))
                .on_property("code")
        };
        match t.county {
            Some(c) => {
                let county = &map.counties[c];
                if !t.code.starts_with(&county.code) {
                    out.push(problem(
                        format!("a code starting with {} (the county {} it lies in, from {county_file})", county.code, county.name),
                        format!("{:?}", t.code),
                        Severity::Error,
                    ));
                }
            }
            None => out.push(problem(
                format!("a township inside one of the counties of {county_file}"),
                "a township outside every county".into(),
                Severity::Warning,
            )),
        }
    }
    check_overlaps(map, township_file, out);
}

fn check_overlaps(map: &Map, file: &str, out: &mut Vec<Problem>) {
    let ts = &map.townships;
    let loc = AreaLocator::new(ts.iter().map(|a| &a.shape_m));
    for (i, a) in ts.iter().enumerate() {
        for j in loc
            .candidates_near(&a.shape_m)
            .into_iter()
            .filter(|&j| j > i)
        {
            let b = &ts[j];
            let overlap_m2 = a.shape_m.intersection(&b.shape_m).unsigned_area();
            let smaller_m2 = a.shape_m.unsigned_area().min(b.shape_m.unsigned_area());
            // Shared borders digitised twice leave slivers; only real overlaps count.
            if overlap_m2 > 1000.0_f64.max(0.001 * smaller_m2) {
                out.push(
                    Problem::file(
                        Severity::Error,
                        file,
                        "townships that do not overlap",
                        format!(
                            "an overlap of {:.0} m² with feature {} (code {})",
                            overlap_m2, b.feature_index, b.code
                        ),
                    )
                    .at_feature(a.feature_index, Some(&a.code))
                    .on_property("geometry"),
                );
            }
        }
    }
}

/// Locates cells, schools and candidates in counties and townships; warns about points outside
/// every area and flags points whose swapped coordinates would fall inside one.
pub(super) fn locate_everything(map: &mut Map, files: &LayerFiles, out: &mut Vec<Problem>) {
    if map.counties.is_empty() && map.townships.is_empty() {
        map.school_areas = vec![(None, None); map.schools.len()];
        return;
    }
    let counties = AreaLocator::new(map.counties.iter().map(|a| &a.shape_m));
    let townships = AreaLocator::new(map.townships.iter().map(|a| &a.shape_m));
    let outside =
        |pos: Coord<f64>| counties.locate(pos).is_none() && townships.locate(pos).is_none();
    let swapped_inside = |ll: Coord<f64>| {
        map.projection
            .to_local(ll.y, ll.x)
            .map(|(x, y)| !outside(Coord { x, y }))
            .unwrap_or(false)
    };
    let mut warn = Warner::default();
    let school_areas: Vec<_> = map
        .schools
        .iter()
        .map(|s| (counties.locate(s.pos), townships.locate(s.pos)))
        .collect();
    if let Some(file) = &files.schools {
        for s in &map.schools {
            if outside(s.pos) {
                warn.point(out, file, s.feature_index, &s.id, swapped_inside(s.lonlat));
            }
        }
        warn.finish(out, file);
    }
    let cell_areas: Vec<_> = map
        .demand
        .cells
        .iter()
        .map(|c| (counties.locate(c.pos), townships.locate(c.pos)))
        .collect();
    if let Some(file) = &files.population {
        for c in &map.demand.cells {
            if outside(c.pos) {
                warn.point(out, file, c.feature_index, &c.id, swapped_inside(c.lonlat));
            }
        }
        warn.finish(out, file);
    }
    let cand_areas: Vec<_> = map
        .candidates
        .iter()
        .map(|c| (counties.locate(c.pos), townships.locate(c.pos)))
        .collect();
    if let Some(file) = &files.candidates {
        for c in &map.candidates {
            if outside(c.pos) {
                warn.point(out, file, c.feature_index, &c.id, swapped_inside(c.lonlat));
            }
        }
        warn.finish(out, file);
    }
    // A point in a township but in no county takes the township's county.
    let fill = |(c, t): (Option<usize>, Option<usize>)| {
        (c.or_else(|| t.and_then(|t| map.townships[t].county)), t)
    };
    let school_areas: Vec<_> = school_areas.into_iter().map(fill).collect();
    let cell_areas: Vec<_> = cell_areas.into_iter().map(fill).collect();
    let cand_areas: Vec<_> = cand_areas.into_iter().map(fill).collect();
    for (c, (county, township)) in map.demand.cells.iter_mut().zip(cell_areas) {
        c.county = county;
        c.township = township;
    }
    for (c, (county, township)) in map.candidates.iter_mut().zip(cand_areas) {
        c.county = county;
        c.township = township;
    }
    map.school_areas = school_areas;
}

#[derive(Default)]
struct Warner {
    count: usize,
}

impl Warner {
    fn point(&mut self, out: &mut Vec<Problem>, file: &str, index: usize, id: &str, swapped: bool) {
        if swapped {
            out.push(
                Problem::file(
                    Severity::Error,
                    file,
                    "lon, lat order",
                    "coordinates that fall inside the study area only when swapped (lat, lon)",
                )
                .at_feature(index, Some(id))
                .on_property("geometry"),
            );
            return;
        }
        self.count += 1;
        if self.count <= MAX_OUTSIDE_WARNINGS {
            out.push(
                Problem::file(
                    Severity::Warning,
                    file,
                    "a point inside a county or township",
                    "a point outside every area",
                )
                .at_feature(index, Some(id))
                .on_property("geometry"),
            );
        }
    }

    fn finish(&mut self, out: &mut Vec<Problem>, file: &str) {
        if self.count > MAX_OUTSIDE_WARNINGS {
            out.push(Problem::file(
                Severity::Warning,
                file,
                "points inside a county or township",
                format!(
                    "{} more point(s) outside every area",
                    self.count - MAX_OUTSIDE_WARNINGS
                ),
            ));
        }
        self.count = 0;
    }
}
