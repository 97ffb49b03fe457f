//! The areas a rule is checked over, and which schools and cells each one holds.

use super::common::{Rule, Scope};
use super::finding::{Comparison, Finding};
use crate::model::{DemandCell, Map};

/// Which part of the map a unit is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Sel {
    /// Everything.
    City,
    /// The union of these counties.
    Set(Vec<usize>),
    /// One county.
    County(usize),
    /// One township.
    Township(usize),
}

/// One area a rule is checked over.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unit {
    pub sel: Sel,
    pub code: Option<String>,
    pub name: Option<String>,
}

impl Unit {
    /// Whether school `i` lies in the unit.
    pub fn has_school(&self, map: &Map, i: usize) -> bool {
        let (county, township) = map.school_areas.get(i).copied().unwrap_or((None, None));
        self.has(county, township)
    }

    /// Whether a cell lies in the unit.
    pub fn has_cell(&self, cell: &DemandCell) -> bool {
        self.has(cell.county, cell.township)
    }

    /// Whether something in `county` / `township` lies in the unit.
    pub fn has(&self, county: Option<usize>, township: Option<usize>) -> bool {
        match &self.sel {
            Sel::City => true,
            Sel::Set(cs) => county.is_some_and(|c| cs.contains(&c)),
            Sel::County(c) => county == Some(*c),
            Sel::Township(t) => township == Some(*t),
        }
    }

    /// The name to show in fix texts.
    pub fn label(&self) -> String {
        match (&self.name, &self.code) {
            (Some(n), _) => n.clone(),
            (None, Some(c)) => c.clone(),
            (None, None) => "the city".into(),
        }
    }
}

/// The units of an area-scoped rule, and `not_evaluable` findings for areas it names that the
/// map lacks (or for a missing county / township layer).
pub(crate) fn units(rule: &Rule, map: &Map) -> (Vec<Unit>, Vec<Finding>) {
    let mut missing = Vec::new();
    let mut absent = |code: Option<String>, reason: String| {
        let unit = Unit {
            sel: Sel::City,
            code,
            name: None,
        };
        let mut f = Finding::new(rule, &unit, Comparison::AtLeast, "");
        f.not_evaluable(reason);
        missing.push(f);
    };
    let listed = |code: &str, county: Option<usize>| {
        rule.areas.is_empty()
            || rule.areas.iter().any(|a| a == code)
            || county
                .and_then(|c| map.counties.get(c))
                .is_some_and(|c| rule.areas.contains(&c.code))
    };
    let mut out = Vec::new();
    match rule.scope {
        Scope::City | Scope::School => out.push(Unit {
            sel: Sel::City,
            code: None,
            name: None,
        }),
        Scope::AreaSet => {
            let mut idx = Vec::new();
            for code in &rule.areas {
                match map.county_by_code(code) {
                    Some(i) => idx.push(i),
                    None => absent(
                        Some(code.clone()),
                        format!("county {code} of the area set is not in the counties layer"),
                    ),
                }
            }
            if missing.is_empty() {
                out.push(Unit {
                    sel: Sel::Set(idx),
                    code: Some(rule.areas.join("+")),
                    name: rule.area_name.clone(),
                });
            }
        }
        Scope::County => {
            if map.counties.is_empty() {
                absent(None, "the scenario has no counties layer".into());
            }
            for code in &rule.areas {
                let known = map.county_by_code(code).is_some()
                    || map.townships.iter().any(|t| &t.code == code);
                if !known && !map.counties.is_empty() {
                    absent(
                        Some(code.clone()),
                        format!("area {code} is not in the counties layer"),
                    );
                }
            }
            for (i, c) in map.counties.iter().enumerate() {
                if listed(&c.code, None) {
                    out.push(Unit {
                        sel: Sel::County(i),
                        code: Some(c.code.clone()),
                        name: Some(c.name.clone()),
                    });
                }
            }
        }
        Scope::Township => {
            if map.townships.is_empty() {
                absent(None, "the scenario has no townships layer".into());
            }
            for (i, t) in map.townships.iter().enumerate() {
                let kind_ok =
                    rule.township_kinds.is_empty() || rule.township_kinds.contains(&t.kind);
                if kind_ok && listed(&t.code, t.county) {
                    out.push(Unit {
                        sel: Sel::Township(i),
                        code: Some(t.code.clone()),
                        name: Some(t.name.clone()),
                    });
                }
            }
        }
    }
    (out, missing)
}

/// Schools in `unit`, in map order.
pub(crate) fn schools_in<'m>(map: &'m Map, unit: &Unit) -> impl Iterator<Item = usize> + 'm {
    let unit = unit.clone();
    (0..map.schools.len()).filter(move |&i| unit.has_school(map, i))
}

/// Sorted, de-duplicated ids.
pub(crate) fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids.dedup();
    ids
}
