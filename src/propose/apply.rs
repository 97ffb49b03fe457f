//! Building a proposal into the map: new sites become `planned` public schools, expansions add
//! classes and seats to their school. A plan scenario is thus measured, checked and reported
//! as the city would be with the plan built.

use std::collections::BTreeMap;

use geo::Coord;

use super::ProposalOutcome;
use crate::model::{Map, Ownership, ProjectKind, School, Status};

/// Id of the school a new proposed site becomes.
pub fn new_school_id(request_id: &str, site_id: &str) -> String {
    format!("{request_id}:{site_id}")
}

/// Adds the outcome's sites to `map` (see the module docs). Returns the number of schools
/// added and expanded.
pub fn apply(map: &mut Map, class_size: f64, o: &ProposalOutcome) -> (usize, usize) {
    let (mut added, mut expanded) = (0, 0);
    for s in &o.sites {
        if s.kind == ProjectKind::Expansion {
            let Some(j) = map.schools.iter().position(|x| x.id == s.id) else {
                continue;
            };
            let school = &mut map.schools[j];
            school.added_classes = Some(school.added_classes.unwrap_or(0) + s.classes);
            match (&mut school.capacity_seats, &mut school.classes) {
                (Some(c), _) => *c += s.seats_added,
                (None, Some(k)) => *k += s.classes,
                (None, None) => school.classes = Some(s.classes),
            }
            expanded += 1;
            continue;
        }
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
        // A school built on a synthetic site (candidate or generated from a cell) is synthetic.
        let synthetic = map
            .candidates
            .iter()
            .find(|c| c.id == s.id)
            .map(|c| c.synthetic)
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
        added += 1;
    }
    (added, expanded)
}
