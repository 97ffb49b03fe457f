//! Building a proposal into the map: new sites become `planned` public schools, expansions add
//! classes and seats to their school. A plan scenario is thus measured, checked and reported
//! as the city would be with the plan built.
//!
//! **Pupils are counted once.** A new school's enrolment is the pupils of its attendance zone
//! once built (levels with zones; else the demand whose nearest school it is), and those pupils
//! leave the schools they were zoned to before ([`pupil_moves`], [`move_enrolment`]): cell by
//! cell, the pupils a new school takes come from the schools that held the cell's pupils, in
//! proportion. A school losing `m` pupils records `m` fewer (never below 0), taken from every
//! class in proportion ([`super::need::remove_pupils`]). A new school's classes are its pupils
//! spread evenly. An expansion keeps the school's recorded pupils and spreads them over the
//! added classes ([`super::need::level_classes`]).

use std::collections::BTreeMap;
use std::ops::Range;

use geo::Coord;

use super::need;
use super::rank::ProposedSite;
use super::ProposalOutcome;
use crate::coverage::Coverage;
use crate::model::{Map, Ownership, ProjectKind, School, Status};

/// Id of the school a new proposed site becomes.
pub fn new_school_id(request_id: &str, site_id: &str) -> String {
    format!("{request_id}:{site_id}")
}

/// Adds the outcome's new sites to `map` as planned schools (their seats = classes ×
/// `class_size`, no pupils yet); returns the indices they take.
pub fn add_new(map: &mut Map, class_size: f64, o: &ProposalOutcome) -> Range<usize> {
    let first = map.schools.len();
    for s in o.sites.iter().filter(|s| s.kind == ProjectKind::New) {
        let lonlat = Coord { x: s.lon, y: s.lat };
        let pos = map
            .projection
            .to_local(s.lon, s.lat)
            .map(|(x, y)| Coord { x, y })
            .unwrap_or(Coord {
                x: f64::NAN,
                y: f64::NAN,
            });
        let county = s.county_code.as_deref().and_then(|c| map.county_by_code(c));
        let township = s
            .township_code
            .as_deref()
            .and_then(|c| map.townships.iter().position(|t| t.code == c));
        // A school built on a synthetic site (candidate, beside a synthetic school, or generated
        // from a cell) is synthetic.
        let synthetic = map
            .candidates
            .iter()
            .find(|c| c.id == s.id)
            .map(|c| c.synthetic)
            .or_else(|| {
                let school = s.id.strip_prefix("central:")?;
                map.schools
                    .iter()
                    .find(|x| x.id == school)
                    .map(|x| x.synthetic)
            })
            .or_else(|| {
                let cell = s.id.strip_prefix("cell:")?;
                map.demand
                    .cells
                    .iter()
                    .find(|c| c.id == cell)
                    .map(|c| c.synthetic)
            })
            .unwrap_or(false);
        map.schools.push(School {
            id: new_school_id(&o.id, &s.id),
            name: format!(
                "{} #{} ({})",
                o.request.title_zh.as_deref().unwrap_or(&o.id),
                s.rank,
                s.id
            ),
            level: o.request.level,
            ownership: Ownership::Public,
            inclusive: Some(true),
            quality: Some(o.request.quality),
            boarding: None,
            status: Status::Planned,
            capacity_seats: Some(s.classes as f64 * class_size),
            enrolment: None,
            classes: Some(s.classes),
            added_classes: None,
            class_sizes: None,
            resources: BTreeMap::new(),
            synthetic,
            pos,
            lonlat,
            feature_index: usize::MAX,
        });
        map.school_areas.push((county, township));
    }
    first..map.schools.len()
}

/// Sets a planned school's size to `classes` (seats = classes × `class_size`).
pub fn resize(map: &mut Map, school: usize, classes: u32, class_size: f64) {
    let s = &mut map.schools[school];
    s.classes = Some(classes);
    s.capacity_seats = Some(classes as f64 * class_size);
}

/// Adds one expansion to its school: `added_classes`, classes and seats grow, and the recorded
/// pupils are spread over the added classes. Returns whether the school was found.
pub fn expand(map: &mut Map, site: &ProposedSite) -> bool {
    let Some(j) = map.schools.iter().position(|x| x.id == site.id) else {
        return false;
    };
    let school = &mut map.schools[j];
    school.added_classes = Some(school.added_classes.unwrap_or(0) + site.classes);
    match (&mut school.capacity_seats, &mut school.classes) {
        (Some(c), k) => {
            *c += site.seats_added;
            if let Some(k) = k {
                *k += site.classes;
            }
        }
        (None, Some(k)) => *k += site.classes,
        (None, None) => school.classes = Some(site.classes),
    }
    if let Some(sizes) = school.class_sizes.as_mut() {
        *sizes = need::level_classes(sizes, site.classes);
    }
    true
}

/// Pupils moving to the new schools `new` from each other school, `(new, from) → pupils`,
/// between the coverage `before` and `after` they were built (see the module docs).
pub fn pupil_moves(
    before: &Coverage,
    after: &Coverage,
    new: Range<usize>,
) -> BTreeMap<(usize, usize), f64> {
    let mut moves = BTreeMap::new();
    for lb in &before.levels {
        let Some(la) = after.level(lb.level) else {
            continue;
        };
        for c in 0..la.demand.len().min(lb.demand.len()) {
            let to_new: Vec<(usize, f64)> = match &la.zones {
                Some(z) => z.flows[c]
                    .iter()
                    .copied()
                    .filter(|(s, f)| new.contains(s) && *f > 0.0)
                    .collect(),
                None => la.nearest[c]
                    .filter(|s| new.contains(s))
                    .map(|s| vec![(s, la.demand[c])])
                    .unwrap_or_default(),
            };
            if to_new.is_empty() {
                continue;
            }
            let from: Vec<(usize, f64)> = match &lb.zones {
                Some(z) => z.flows[c].clone(),
                None => lb.nearest[c]
                    .map(|j| vec![(j, lb.demand[c])])
                    .unwrap_or_default(),
            };
            let total: f64 = from.iter().map(|x| x.1).sum();
            if total <= 0.0 {
                continue;
            }
            for &(s, fs) in &to_new {
                for &(j, fj) in &from {
                    *moves.entry((s, j)).or_insert(0.0) += fs * fj / total;
                }
            }
        }
    }
    moves
}

/// Pupils each school of `new` serves under `coverage`: its zone's pupils (levels with zones),
/// else the demand whose nearest school it is, summed over the levels it serves.
pub fn served(map: &Map, coverage: &Coverage, school: usize) -> f64 {
    coverage
        .levels
        .iter()
        .filter(|l| map.schools[school].level.serves(l.level))
        .map(|l| {
            let load = l.school_load(school);
            load.zone_pupils.unwrap_or(load.nearest_demand)
        })
        .sum()
}

/// Records the moves: each new school's enrolment is what it serves (classes filled evenly),
/// and every school pupils left records that many fewer (see the module docs). Returns, per
/// school that lost pupils, its recorded pupils before and after.
pub fn move_enrolment(
    map: &mut Map,
    coverage_after: &Coverage,
    new: Range<usize>,
    moves: &BTreeMap<(usize, usize), f64>,
) -> BTreeMap<usize, (f64, f64)> {
    for s in new.clone() {
        let pupils = served(map, coverage_after, s).round();
        let school = &mut map.schools[s];
        school.enrolment = Some(pupils);
        let k = school.classes.unwrap_or(0);
        school.class_sizes = Some(if k == 0 {
            Vec::new()
        } else {
            let p = pupils.max(0.0) as u64;
            (0..k as u64)
                .map(|i| (p / k as u64 + u64::from(i < p % k as u64)) as u32)
                .collect()
        });
    }
    let mut lost: BTreeMap<usize, f64> = BTreeMap::new();
    for (&(_, j), &m) in moves {
        if !new.contains(&j) {
            *lost.entry(j).or_insert(0.0) += m;
        }
    }
    let mut out = BTreeMap::new();
    for (j, m) in lost {
        let school = &mut map.schools[j];
        let Some(e) = school.enrolment else {
            continue;
        };
        let after = (e - m).round().max(0.0).min(e);
        if after == e {
            continue;
        }
        if let Some(sizes) = school.class_sizes.as_mut() {
            *sizes = need::remove_pupils(sizes, (e - after) as u64);
        }
        school.enrolment = Some(after);
        out.insert(j, (e, after));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::LevelCoverage;
    use crate::model::Level;
    use crate::zones::LevelZones;

    fn level(
        nearest: Vec<Option<usize>>,
        demand: Vec<f64>,
        flows: Option<Vec<Vec<(usize, f64)>>>,
    ) -> LevelCoverage {
        LevelCoverage {
            level: Level::Primary,
            nearest,
            demand,
            zones: flows.map(|f| LevelZones {
                flows: f,
                ..LevelZones::default()
            }),
            ..LevelCoverage::default()
        }
    }

    #[test]
    fn pupils_a_new_school_takes_come_from_where_they_were() {
        // Cell 0: 100 pupils split 60 / 40 between schools 0 and 1; after, 50 go to the new
        // school 2 (30 from school 0, 20 from school 1). Cell 1: nothing changes.
        let before = Coverage {
            levels: vec![level(
                vec![Some(0), Some(1)],
                vec![100.0, 10.0],
                Some(vec![vec![(0, 60.0), (1, 40.0)], vec![(1, 10.0)]]),
            )],
            ..Coverage::default()
        };
        let after = Coverage {
            levels: vec![level(
                vec![Some(2), Some(1)],
                vec![100.0, 10.0],
                Some(vec![vec![(0, 50.0), (2, 50.0)], vec![(1, 10.0)]]),
            )],
            ..Coverage::default()
        };
        let m = pupil_moves(&before, &after, 2..3);
        assert_eq!(m.len(), 2);
        assert!((m[&(2, 0)] - 30.0).abs() < 1e-9);
        assert!((m[&(2, 1)] - 20.0).abs() < 1e-9);
        // Without zones: the nearest school.
        let before = Coverage {
            levels: vec![level(vec![Some(0), Some(1)], vec![100.0, 10.0], None)],
            ..Coverage::default()
        };
        let after = Coverage {
            levels: vec![level(vec![Some(2), Some(1)], vec![100.0, 10.0], None)],
            ..Coverage::default()
        };
        let m = pupil_moves(&before, &after, 2..3);
        assert_eq!(m.into_iter().collect::<Vec<_>>(), vec![((2, 0), 100.0)]);
    }
}
