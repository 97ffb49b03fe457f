//! Demand of a level per cell: cohort × enrolment rate × projection factor.

use std::collections::BTreeMap;

use crate::config::Scenario;
use crate::error::{Error, Problem, Severity};
use crate::model::{Level, Map};

/// Demand of `level` in every cell (see [`level_demand_with_warnings`]); warnings dropped.
pub fn level_demand(map: &Map, scenario: &Scenario, level: Level) -> Result<Vec<f64>, Error> {
    level_demand_with_warnings(map, scenario, level).map(|(d, _)| d)
}

/// Demand of `level` in every cell, and warnings for cells whose demand could not be known.
///
/// Demand = cohort × `enrolment_rate` × `population.factors[cohort_field]` (factor 1 when not
/// set). The cohort is the cell's value of the level's `cohort_field` when the population layer
/// has that field; otherwise `pop_total × population.cohort_shares[county code][cohort_field]`
/// for cells in a county with a share. A cell with neither (no county, no share for its
/// county, or no `pop_total`) gets demand 0 and is counted in one warning per county and
/// reason, so a missing share is never a silent zero. Errors when the scenario does not
/// measure `level`.
pub fn level_demand_with_warnings(
    map: &Map,
    scenario: &Scenario,
    level: Level,
) -> Result<(Vec<f64>, Vec<Problem>), Error> {
    let cfg = scenario
        .level(level)
        .ok_or_else(|| Error::Usage(format!("level {level} is not measured by the scenario")))?;
    let field = cfg.cohort_field.as_str();
    let factor = scenario
        .population
        .factors
        .get(field)
        .copied()
        .unwrap_or(1.0);
    let scale = cfg.enrolment_rate * factor;
    let cells = &map.demand.cells;
    if let Some(k) = map.demand.cohort_index(field) {
        let d = cells
            .iter()
            .map(|c| c.cohort_pop.get(k).copied().unwrap_or(0.0) * scale)
            .collect();
        return Ok((d, Vec::new()));
    }
    // (county code or "", reason) → (cells, first cell id)
    let mut missing: BTreeMap<(String, &'static str), (usize, String)> = BTreeMap::new();
    let mut demand = Vec::with_capacity(cells.len());
    for c in cells {
        let code = c
            .county
            .and_then(|k| map.counties.get(k))
            .map(|a| a.code.as_str());
        let share = code
            .and_then(|code| scenario.population.cohort_shares.get(code))
            .and_then(|s| s.get(field));
        let value = match (c.pop_total, share) {
            (Some(total), Some(share)) => total * share * scale,
            (Some(0.0), _) => 0.0,
            (total, share) => {
                let reason = match (code, share, total) {
                    (None, _, _) => "the cell lies in no county, so no cohort share applies",
                    (Some(_), None, _) => "no `population.cohort_shares` entry for its county",
                    _ => "the cell has no `pop_total`",
                };
                let e = missing
                    .entry((code.unwrap_or("").to_string(), reason))
                    .or_insert((0, c.id.clone()));
                e.0 += 1;
                0.0
            }
        };
        demand.push(value);
    }
    let file = scenario.layers.population.as_ref().map_or_else(
        || "population".to_string(),
        |l| l.path.display().to_string(),
    );
    let warnings = missing
        .into_iter()
        .map(|((county, reason), (n, first))| {
            let place = if county.is_empty() {
                String::new()
            } else {
                format!(" in county {county}")
            };
            Problem::file(
                Severity::Warning,
                file.clone(),
                format!("`{field}` or a cohort share for the {} level", level.name()),
                format!("{n} cell(s){place} (first: {first:?}) with demand taken as 0: {reason}"),
            )
            .on_property(field)
        })
        .collect();
    Ok((demand, warnings))
}
