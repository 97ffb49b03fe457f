//! Gap areas and capacity gaps.
//!
//! **Coverage gap areas.** For each measured level, the populated cells (demand > 0) that are not
//! covered are grouped into connected components and each component becomes one gap area:
//!
//! - *Polygon cells* are connected when their polygons intersect — they share an edge **or a
//!   corner** (queen contiguity, like 8-connectivity on a grid). The gap's geometry is the union
//!   of the component's polygons (`geo::unary_union`), a MultiPolygon; cells touching only at a
//!   corner stay two parts of one MultiPolygon. Its area is that union's area.
//! - *Point cells* have no extent, so no buffer is drawn: two point cells are connected when
//!   they are at most 1.5 × the grid spacing apart, the spacing being the median
//!   nearest-neighbour distance between all point cells of the layer (so a regular grid joins
//!   its 8 neighbours). The geometry is the MultiPoint of the cells' centroids, and the area is
//!   estimated as cells × spacing².
//!
//! Each gap carries its cohort population (residents of the level's cohort field), the level's
//! demand, its area in km², the cost to the nearest school (the minimum over its cells, metres
//! or minutes), and the township holding most of its population. Gaps are ranked per level by
//! population, largest first (rank 1); ties by the smallest cell id. A gap's id is
//! `<level>-<rank>`.
//!
//! **Capacity gaps** are townships (or counties when no township layer is loaded) whose demand
//! of a level exceeds the seats of the schools inside them serving that level.

use std::collections::BTreeMap;

use geo::orient::{Direction, Orient};
use geo::{Area, Coord, Intersects, MapCoords, MultiPolygon, Polygon};

use super::numbers::round_coord;
use serde::{Deserialize, Serialize};

use super::areas::AreaStat;
use super::RunBundle;
use crate::coverage::LevelCoverage;
use crate::model::{AreaKind, Level, Map};
use crate::spatial::index::{BoxIndex, PointIndex};

/// Geometry of a gap area.
#[derive(Debug, Clone, PartialEq)]
pub enum GapShape {
    /// Union of polygon cells: in local metres and in WGS 84 degrees.
    Polygons {
        /// Metres.
        shape_m: MultiPolygon<f64>,
        /// Degrees.
        shape_lonlat: MultiPolygon<f64>,
    },
    /// Point cells: centroids in metres and in degrees.
    Points {
        /// Metres.
        points_m: Vec<Coord<f64>>,
        /// Degrees.
        points_lonlat: Vec<Coord<f64>>,
    },
}

/// One gap area: a connected group of uncovered populated cells of one level.
#[derive(Debug, Clone, PartialEq)]
pub struct GapArea {
    /// `<level>-<rank>`, e.g. `primary-1`.
    pub id: String,
    /// The level.
    pub level: Level,
    /// Rank within the level by population, 1 = largest.
    pub rank: u32,
    /// The cohort field the population comes from (e.g. `pop_6_11`).
    pub cohort: String,
    /// Residents of the cohort in the gap.
    pub population: f64,
    /// Demand of the level in the gap (cohort × enrolment rate × factor), pupils.
    pub demand: f64,
    /// Ids of the cells, sorted.
    pub cells: Vec<String>,
    /// Area in km² (estimated for point cells, see the module docs).
    pub area_km2: f64,
    /// Cost from the gap's closest cell to its nearest school (scenario unit); `None` when no
    /// school of the level is reachable from any of its cells.
    pub nearest_cost: Option<f64>,
    /// Id of that nearest school.
    pub nearest_school: Option<String>,
    /// Code of the township holding most of the gap's population.
    pub township: Option<String>,
    /// Its name.
    pub township_name: Option<String>,
    /// Code of the county holding most of the gap's population.
    pub county: Option<String>,
    /// Geometry.
    pub shape: GapShape,
}

/// A township (or county) whose demand exceeds its seats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityGap {
    /// The level.
    pub level: Level,
    /// Area code.
    pub code: String,
    /// Area name.
    pub name: String,
    /// Area kind.
    pub kind: AreaKind,
    /// Demand of the level in the area, pupils.
    pub demand: f64,
    /// Seats of the open schools inside the area serving the level.
    pub seats: f64,
    /// demand − seats (> 0).
    pub shortfall: f64,
    /// Some schools of the area have unknown seats: the shortfall may be overstated.
    pub seats_incomplete: bool,
}

struct Dsu(Vec<usize>);

impl Dsu {
    fn new(n: usize) -> Self {
        Dsu((0..n).collect())
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller root wins: components do not depend on visiting order.
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.0[hi] = lo;
        }
    }
    /// Groups of `items` by component, each group sorted, groups in order of their first item.
    fn groups(&mut self, items: &[usize]) -> Vec<Vec<usize>> {
        let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (k, _) in items.iter().enumerate() {
            let r = self.find(k);
            by_root.entry(r).or_default().push(items[k]);
        }
        by_root.into_values().collect()
    }
}

/// Rounds a union to the output grid and unions its parts again, twice: parts that were a
/// hair apart (cells whose shared edges do not match exactly) overlap once rounded, and the
/// second union merges them, so the rounded output stays valid.
fn snap_union(mut mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    for _ in 0..2 {
        let parts: Vec<Polygon<f64>> =
            mp.0.iter()
                .map(|p| {
                    p.map_coords(|c| Coord {
                        x: round_coord(c.x),
                        y: round_coord(c.y),
                    })
                })
                .collect();
        mp = geo::unary_union(&parts);
    }
    mp.orient(Direction::Default)
}

/// Components of polygon cells (indices into `map.demand.cells`) by intersection.
fn polygon_components(map: &Map, cells: &[usize]) -> Vec<Vec<usize>> {
    let shapes: Vec<&MultiPolygon<f64>> = cells
        .iter()
        .map(|&i| map.demand.cells[i].shape_m.as_ref().expect("polygon cell"))
        .collect();
    let rects: Vec<([f64; 2], [f64; 2], usize)> = shapes
        .iter()
        .enumerate()
        .filter_map(|(k, s)| {
            geo::BoundingRect::bounding_rect(*s)
                .map(|r| ([r.min().x, r.min().y], [r.max().x, r.max().y], k))
        })
        .collect();
    let boxes = BoxIndex::new(rects.iter().copied());
    let mut dsu = Dsu::new(cells.len());
    for &(lo, hi, a) in &rects {
        for b in boxes.meeting(lo, hi, 1e-6) {
            if a < b && shapes[a].intersects(shapes[b]) {
                dsu.union(a, b);
            }
        }
    }
    dsu.groups(cells)
}

/// Median nearest-neighbour distance between all point cells of the layer (metres).
fn point_spacing(map: &Map) -> f64 {
    let pts: Vec<[f64; 2]> = map
        .demand
        .cells
        .iter()
        .filter(|c| c.shape_m.is_none())
        .map(|c| [c.pos.x, c.pos.y])
        .collect();
    if pts.len() < 2 {
        return 0.0;
    }
    let index = PointIndex::new(&pts);
    let mut nn: Vec<f64> = pts
        .iter()
        .filter_map(|&p| index.nearest_apart_m(p))
        .collect();
    nn.sort_by(f64::total_cmp);
    nn[nn.len() / 2]
}

fn point_components(map: &Map, cells: &[usize], threshold: f64) -> Vec<Vec<usize>> {
    let pts: Vec<[f64; 2]> = cells
        .iter()
        .map(|&i| [map.demand.cells[i].pos.x, map.demand.cells[i].pos.y])
        .collect();
    let index = PointIndex::new(&pts);
    let mut dsu = Dsu::new(cells.len());
    let mut near = Vec::new();
    for (a, &p) in pts.iter().enumerate() {
        index.within_radius_into(p, threshold, &mut near);
        for &(b, _) in &near {
            if a < b {
                dsu.union(a, b);
            }
        }
    }
    dsu.groups(cells)
}

/// The gap areas of every measured level, level by level in the coverage's order, each level's
/// gaps by rank.
pub fn gap_areas(b: &RunBundle) -> Vec<GapArea> {
    let mut out = Vec::new();
    for lc in &b.coverage.levels {
        out.extend(level_gaps(b, lc));
    }
    out
}

fn level_gaps(b: &RunBundle, lc: &LevelCoverage) -> Vec<GapArea> {
    let map = b.map;
    let cohort = b
        .scenario
        .level(lc.level)
        .map(|c| c.cohort_field.clone())
        .unwrap_or_default();
    let k = map.demand.cohort_index(&cohort);
    let pop = |i: usize| match k {
        Some(k) => map.demand.cells[i]
            .cohort_pop
            .get(k)
            .copied()
            .unwrap_or(0.0),
        None => lc.demand[i],
    };
    let uncovered: Vec<usize> = (0..map.demand.cells.len())
        .filter(|&i| lc.demand.get(i).copied().unwrap_or(0.0) > 0.0 && !lc.covered[i])
        .collect();
    let (poly, pts): (Vec<usize>, Vec<usize>) = uncovered
        .iter()
        .partition(|&&i| map.demand.cells[i].shape_m.is_some());
    let mut groups: Vec<(bool, Vec<usize>)> = polygon_components(map, &poly)
        .into_iter()
        .map(|g| (true, g))
        .collect();
    let spacing = point_spacing(map);
    if !pts.is_empty() {
        groups.extend(
            point_components(map, &pts, 1.5 * spacing)
                .into_iter()
                .map(|g| (false, g)),
        );
    }
    let mut gaps: Vec<GapArea> = groups
        .into_iter()
        .map(|(is_poly, mut g)| {
            g.sort_by(|&a, &c| map.demand.cells[a].id.cmp(&map.demand.cells[c].id));
            let shape = if is_poly {
                let polys: Vec<Polygon<f64>> = g
                    .iter()
                    .flat_map(|&i| {
                        map.demand.cells[i]
                            .shape_m
                            .as_ref()
                            .expect("polygon cell")
                            .0
                            .iter()
                    })
                    .map(|p| p.orient(Direction::Default))
                    .collect();
                let shape_m = geo::unary_union(&polys).orient(Direction::Default);
                // The output geometry is the union of the cells' own WGS 84 polygons, so shared
                // vertices stay identical (a round trip through the projection moves them by
                // ~1e-12° and can make a valid union invalid).
                let polys_lonlat: Vec<Polygon<f64>> = g
                    .iter()
                    .filter_map(|&i| map.demand.cells[i].shape_lonlat.as_ref())
                    .flat_map(|mp| mp.0.iter())
                    .map(|p| {
                        // Snapped to the output grid (1e-7°) first, so rounding the union on
                        // output cannot fold a sliver into an invalid ring.
                        p.map_coords(|c| Coord {
                            x: round_coord(c.x),
                            y: round_coord(c.y),
                        })
                        .orient(Direction::Default)
                    })
                    .collect();
                let shape_lonlat = snap_union(geo::unary_union(&polys_lonlat));
                GapShape::Polygons {
                    shape_m,
                    shape_lonlat,
                }
            } else {
                GapShape::Points {
                    points_m: g.iter().map(|&i| map.demand.cells[i].pos).collect(),
                    points_lonlat: g.iter().map(|&i| map.demand.cells[i].lonlat).collect(),
                }
            };
            let area_km2 = match &shape {
                GapShape::Polygons { shape_m, .. } => shape_m.unsigned_area() / 1e6,
                GapShape::Points { .. } => g.len() as f64 * spacing * spacing / 1e6,
            };
            let nearest = g
                .iter()
                .filter(|&&i| lc.cost[i].is_finite())
                .min_by(|&&a, &&c| lc.cost[a].total_cmp(&lc.cost[c]))
                .copied();
            let majority = |pick: &dyn Fn(usize) -> Option<usize>, areas: &[crate::model::Area]| {
                let mut w: BTreeMap<usize, f64> = BTreeMap::new();
                for &i in &g {
                    if let Some(a) = pick(i) {
                        *w.entry(a).or_default() += pop(i).max(lc.demand[i]).max(1e-12);
                    }
                }
                w.into_iter()
                    .max_by(|x, y| {
                        x.1.total_cmp(&y.1)
                            .then_with(|| areas[y.0].code.cmp(&areas[x.0].code))
                    })
                    .map(|(a, _)| a)
            };
            let township = majority(&|i| map.demand.cells[i].township, &map.townships);
            let county = majority(&|i| map.demand.cells[i].county, &map.counties);
            GapArea {
                id: String::new(),
                level: lc.level,
                rank: 0,
                cohort: cohort.clone(),
                population: g.iter().map(|&i| pop(i)).sum(),
                demand: g.iter().map(|&i| lc.demand[i]).sum(),
                cells: g.iter().map(|&i| map.demand.cells[i].id.clone()).collect(),
                area_km2,
                nearest_cost: nearest.map(|i| lc.cost[i]),
                nearest_school: nearest
                    .and_then(|i| lc.nearest[i])
                    .map(|j| map.schools[j].id.clone()),
                township: township.map(|t| map.townships[t].code.clone()),
                township_name: township.map(|t| map.townships[t].name.clone()),
                county: county.map(|c| map.counties[c].code.clone()),
                shape,
            }
        })
        .collect();
    gaps.sort_by(|a, c| {
        c.population
            .total_cmp(&a.population)
            .then_with(|| a.cells[0].cmp(&c.cells[0]))
    });
    for (r, g) in gaps.iter_mut().enumerate() {
        g.rank = r as u32 + 1;
        g.id = format!("{}-{}", lc.level.name(), g.rank);
    }
    gaps
}

/// Townships (or counties when there are no townships) whose demand of a level exceeds their
/// seats, by level then by shortfall, largest first.
pub fn capacity_gaps(b: &RunBundle, stats: &[AreaStat]) -> Vec<CapacityGap> {
    let want_township = !b.map.townships.is_empty();
    let mut out = Vec::new();
    for lc in &b.coverage.levels {
        let mut level: Vec<CapacityGap> = stats
            .iter()
            .filter(|s| (s.kind != AreaKind::County) == want_township)
            .filter_map(|s| {
                let l = s.levels.iter().find(|l| l.level == lc.level)?;
                (l.demand > l.seats + 1e-9).then(|| CapacityGap {
                    level: lc.level,
                    code: s.code.clone(),
                    name: s.name.clone(),
                    kind: s.kind,
                    demand: l.demand,
                    seats: l.seats,
                    shortfall: l.demand - l.seats,
                    seats_incomplete: l.schools_without_seats > 0,
                })
            })
            .collect();
        level.sort_by(|a, c| {
            c.shortfall
                .total_cmp(&a.shortfall)
                .then_with(|| a.code.cmp(&c.code))
        });
        out.extend(level);
    }
    out
}
