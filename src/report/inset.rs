//! The central district: the close-up shown beside the city-wide maps (SVG maps of the report
//! and the QGIS print layouts).
//!
//! A city-wide map of a prefecture-level city is drawn at 1:1 000 000 or so, where the central
//! districts — a few per cent of the area and most of the schools — are a smudge. The close-up
//! frames the **densest areas** — the counties (else townships) whose residents per km² are at
//! least half the densest one's (for Fushun: 新抚区, 望花区 and 顺城区) — but not their rural
//! fringes or outlying towns: its east–west and north–south limits are the 5 % and 95 %
//! resident-weighted quantiles of the cell centroids of those areas (so it holds about 90 % of
//! their residents along each axis; for Fushun the urban belt along the Hun River). Residents are the cells' `pop_total`, else the sum of their cohorts.
//! There is no close-up when it spans more than 40 % of the map's width or height (the map
//! already shows it well, as in the small demo) or when no area has residents.

use geo::{Area, BoundingRect, Coord, Rect};

use super::RunBundle;
use crate::model::Area as AreaModel;

/// Share of the densest area's density an area needs to join the close-up.
pub const DENSITY_SHARE: f64 = 0.5;
/// The close-up spans the resident-weighted quantiles `TRIM` … `1 − TRIM` along each axis.
pub const TRIM: f64 = 0.05;
/// The close-up is drawn only when it is at most this share of the map's width and height.
pub const MAX_SHARE: f64 = 0.4;

/// The central district close-up.
#[derive(Debug, Clone, PartialEq)]
pub struct Inset {
    /// Names of the areas it frames, densest first.
    pub names: Vec<String>,
    /// Whether they are counties (else townships).
    pub counties: bool,
    /// Indices of the areas in `map.counties` (or `map.townships`).
    pub areas: Vec<usize>,
    /// Its extent in local metres.
    pub rect_m: Rect<f64>,
    /// Its extent in WGS 84 degrees.
    pub rect_lonlat: Rect<f64>,
}

fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

fn bbox<'a>(shapes: impl Iterator<Item = &'a geo::MultiPolygon<f64>>) -> Option<Rect<f64>> {
    shapes.filter_map(|s| s.bounding_rect()).reduce(union)
}

/// The central district of the run's map, if a close-up helps (see the module docs).
pub fn central_district(b: &RunBundle) -> Option<Inset> {
    let map = b.map;
    let (list, counties): (&[AreaModel], bool) = if map.counties.len() >= 2 {
        (&map.counties, true)
    } else if map.townships.len() >= 2 {
        (&map.townships, false)
    } else {
        return None;
    };
    let cell_residents = |c: &crate::model::DemandCell| {
        c.pop_total
            .unwrap_or_else(|| c.cohort_pop.iter().sum::<f64>())
            .max(0.0)
    };
    let area_of = |c: &crate::model::DemandCell| if counties { c.county } else { c.township };
    let mut residents = vec![0.0; list.len()];
    for c in &map.demand.cells {
        if let Some(k) = area_of(c) {
            residents[k] += cell_residents(c);
        }
    }
    let density: Vec<f64> = list
        .iter()
        .zip(&residents)
        .map(|(a, r)| {
            let km2 = a.shape_m.unsigned_area() / 1e6;
            if km2 > 0.0 {
                r / km2
            } else {
                0.0
            }
        })
        .collect();
    let top = density.iter().copied().fold(0.0, f64::max);
    if top <= 0.0 {
        return None;
    }
    let mut chosen: Vec<usize> = (0..list.len())
        .filter(|&k| density[k] >= DENSITY_SHARE * top)
        .collect();
    chosen.sort_by(|&a, &c| density[c].total_cmp(&density[a]).then(a.cmp(&c)));
    // Resident-weighted 5 % and 95 % quantiles of the chosen areas' cell centroids.
    let cells: Vec<(&crate::model::DemandCell, f64)> = map
        .demand
        .cells
        .iter()
        .filter(|c| area_of(c).is_some_and(|k| chosen.contains(&k)))
        .map(|c| (c, cell_residents(c)))
        .filter(|(_, w)| *w > 0.0)
        .collect();
    let trimmed = |coord: &dyn Fn(&crate::model::DemandCell) -> f64| -> Option<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = cells.iter().map(|(c, w)| (coord(c), *w)).collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = v.iter().map(|x| x.1).sum();
        let quantile = |q: f64| {
            let mut acc = 0.0;
            v.iter()
                .find(|x| {
                    acc += x.1;
                    acc >= q * total
                })
                .map(|x| x.0)
        };
        Some((quantile(TRIM)?, quantile(1.0 - TRIM)?))
    };
    let (x0, x1) = trimmed(&|c| c.pos.x)?;
    let (y0, y1) = trimmed(&|c| c.pos.y)?;
    let (lon0, lon1) = trimmed(&|c| c.lonlat.x)?;
    let (lat0, lat1) = trimmed(&|c| c.lonlat.y)?;
    let rect_m = Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 });
    let rect_lonlat = Rect::new(Coord { x: lon0, y: lat0 }, Coord { x: lon1, y: lat1 });
    let full = bbox(list.iter().map(|a| &a.shape_m))?;
    if rect_m.width() > MAX_SHARE * full.width() || rect_m.height() > MAX_SHARE * full.height() {
        return None;
    }
    Some(Inset {
        names: chosen.iter().map(|&k| list[k].name.clone()).collect(),
        counties,
        areas: chosen,
        rect_m,
        rect_lonlat,
    })
}
