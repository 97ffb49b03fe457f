//! Cross-checks between a scenario and its layers that no single reader can make.
//!
//! Each reader checks its own file: the scenario its keys, the layers their features, the
//! rules and proposal requests their tables. What none of them can see is whether the pieces
//! fit together — a `cohort_field` that no population cell carries (the level's demand would
//! silently be 0 pupils, covered 100 %), a rule or request naming an area code that no county
//! or township has, a request `closes` a rule id that does not exist, two requests with the
//! same id, a request for a level the scenario does not measure. [`check`] finds all of them
//! at once; `validate` and every analysis (`check`, `run`, `compare`) call it, so `validate`
//! says "usable" exactly when `run` can run.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Scenario;
use crate::error::{Problem, Severity};
use crate::model::Map;
use crate::propose::request::SourcedRequest;
use crate::rules::Rule;

fn problem(
    severity: Severity,
    file: &std::path::Path,
    property: String,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> Problem {
    Problem::file(severity, file.display().to_string(), expected, found).on_property(property)
}

fn listed(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut s = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(", … ({} in all)", names.len()));
    }
    s
}

/// An error naming the `ids` that are not `known` (at `file` and property `at`), if any:
/// "unknown <what> <ids>".
fn unknown(
    ids: &[String],
    known: &BTreeSet<&str>,
    (file, at): (&std::path::Path, String),
    expected: impl Into<String>,
    what: &str,
) -> Option<Problem> {
    let unknown: Vec<String> = ids
        .iter()
        .filter(|c| !known.contains(c.as_str()))
        .cloned()
        .collect();
    (!unknown.is_empty()).then(|| {
        let found = format!("unknown {what} {}", listed(&unknown));
        problem(Severity::Error, file, at, expected, found)
    })
}

/// Every cross-check problem of a scenario on its map, errors and warnings.
pub fn check(
    scenario: &Scenario,
    map: &Map,
    rules: &[Rule],
    requests: &[SourcedRequest],
) -> Vec<Problem> {
    let mut out = Vec::new();
    cohorts(scenario, map, &mut out);
    let codes: BTreeSet<&str> = map
        .counties
        .iter()
        .chain(&map.townships)
        .map(|a| a.code.as_str())
        .collect();
    let area_hint = if codes.is_empty() {
        "an area code (the scenario has no counties or townships layer)".to_string()
    } else {
        "a code of a county or township in the area layers".to_string()
    };
    for r in rules {
        out.extend(unknown(
            &r.areas,
            &codes,
            (
                &r.file,
                format!("[[rules]] #{} (id {:?}).areas", r.index + 1, r.id),
            ),
            area_hint.clone(),
            "code(s)",
        ));
    }
    let rule_ids: BTreeSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, sr) in requests.iter().enumerate() {
        let req = &sr.request;
        let at = |key: &str| format!("[[proposals]] #{} (id {:?}).{key}", k + 1, req.id);
        if let Some(first) = seen.insert(req.id.as_str(), k) {
            out.push(problem(
                Severity::Error,
                &sr.file,
                at("id"),
                "a unique proposal id",
                format!("{:?}, also the id of [[proposals]] #{}", req.id, first + 1),
            ));
        }
        out.extend(unknown(
            &req.closes,
            &rule_ids,
            (&sr.file, at("closes")),
            "ids of rules of the scenario",
            "rule id(s)",
        ));
        out.extend(unknown(
            &req.areas,
            &codes,
            (&sr.file, at("areas")),
            area_hint.clone(),
            "code(s)",
        ));
        let level = req.service_level();
        if scenario.level(level).is_none() {
            out.push(problem(
                Severity::Error,
                &sr.file,
                at("level"),
                "a level the scenario measures (see `[levels]`)",
                format!("{}, which the scenario does not measure", level.name()),
            ));
        }
    }
    out
}

/// Cohort fields of the measured levels, projection factors and cohort shares.
fn cohorts(scenario: &Scenario, map: &Map, out: &mut Vec<Problem>) {
    let pop_file = scenario.layers.population.as_ref().map_or_else(
        || "the population layer".to_string(),
        |l| l.path.display().to_string(),
    );
    let fields = &map.demand.cohorts;
    let shared: BTreeSet<&str> = scenario
        .population
        .cohort_shares
        .values()
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    let known = if fields.is_empty() {
        "none".to_string()
    } else {
        fields.join(", ")
    };
    for cfg in &scenario.levels {
        let field = cfg.cohort_field.as_str();
        if map.demand.cohort_index(field).is_some() || shared.contains(field) {
            continue;
        }
        out.push(problem(
            Severity::Error,
            &scenario.path,
            format!("levels.{}.cohort_field", cfg.level.name()),
            format!(
                "a population field of {pop_file} (it has: {known}) or `population.cohort_shares` for it; or `enabled = false` for the level"
            ),
            format!("{field:?}, which no cell carries: the level's demand would be 0 pupils"),
        ));
    }
    let level_fields: BTreeSet<&str> = scenario
        .levels
        .iter()
        .map(|c| c.cohort_field.as_str())
        .collect();
    for field in scenario.population.factors.keys() {
        if !level_fields.contains(field.as_str()) && map.demand.cohort_index(field).is_none() {
            out.push(problem(
                Severity::Error,
                &scenario.path,
                format!("population.factors.{field}"),
                format!("a cohort field of a measured level or of {pop_file}"),
                format!("{field:?}, which nothing uses"),
            ));
        }
    }
    for county in scenario.population.cohort_shares.keys() {
        if map.county_by_code(county).is_none() {
            out.push(problem(
                Severity::Warning,
                &scenario.path,
                format!("population.cohort_shares.{county}"),
                "the code of a county of the counties layer",
                format!("{county:?}, which no county has: these shares apply to no cell"),
            ));
        }
    }
}
