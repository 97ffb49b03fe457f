//! Demand of a level per cell: cohort × enrolment rate × projection factor × forecast.

use std::collections::BTreeMap;

use crate::config::{Scenario, Setting};
use crate::error::{Error, Problem, Severity};
use crate::forecast::{cohort_ages, Projection};
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
///
/// With a `[forecast]`, each cell's demand is then scaled to the scenario's `year` by its
/// county's cohort-component factor for the level's ages (see [`crate::forecast`]); with
/// `urbanisation`, urban and rural cells of a county get their own factors. Cells outside the
/// forecast's counties keep the base value, with a warning.
pub fn level_demand_with_warnings(
    map: &Map,
    scenario: &Scenario,
    level: Level,
) -> Result<(Vec<f64>, Vec<Problem>), Error> {
    let (mut demand, mut warnings) = census_demand(map, scenario, level)?;
    if let (Some(fc), Some(cfg)) = (&scenario.forecast, scenario.level(level)) {
        let year = scenario.year.unwrap_or(fc.base_year);
        let projection = Projection::project(fc, year);
        let settings = super::settings::classify(map, scenario.settings.as_ref());
        warnings.extend(apply_forecast(
            map,
            scenario,
            &cfg.cohort_field,
            &projection,
            year,
            &settings,
            &mut demand,
        ));
    }
    Ok((demand, warnings))
}

/// Scales `demand` in place by the forecast factors of each cell's county and setting; returns
/// warnings for cells the forecast cannot scale.
pub fn apply_forecast(
    map: &Map,
    scenario: &Scenario,
    field: &str,
    projection: &Projection,
    year: i32,
    settings: &[Setting],
    demand: &mut [f64],
) -> Vec<Problem> {
    let file = scenario
        .forecast
        .as_ref()
        .map_or_else(String::new, |f| f.base_file.display().to_string());
    let Some(ages) = cohort_ages(field) else {
        return vec![Problem::file(
            Severity::Warning,
            file,
            "a cohort field named pop_<from>_<to> for the forecast",
            format!("`{field}`: its demand is not projected"),
        )];
    };
    // Base cohort of each county's urban and rural cells.
    let mut split = vec![[0.0f64; 2]; map.counties.len()];
    for (i, c) in map.demand.cells.iter().enumerate() {
        if let Some(k) = c.county {
            split[k][settings[i].index()] += demand[i];
        }
    }
    let factors: Vec<Option<[f64; 2]>> = map
        .counties
        .iter()
        .enumerate()
        .map(|(k, a)| projection.setting_factors(&a.code, year, ages, split[k][0], split[k][1]))
        .collect();
    let mut unscaled: BTreeMap<String, usize> = BTreeMap::new();
    for (i, c) in map.demand.cells.iter().enumerate() {
        match c.county.and_then(|k| factors[k]) {
            Some(f) => demand[i] *= f[settings[i].index()],
            None if demand[i] > 0.0 => {
                let code = c.county.map_or_else(
                    || "(no county)".to_string(),
                    |k| map.counties[k].code.clone(),
                );
                *unscaled.entry(code).or_default() += 1;
            }
            None => {}
        }
    }
    unscaled
        .into_iter()
        .map(|(code, n)| {
            Problem::file(
                Severity::Warning,
                file.clone(),
                format!("base ages for county {code}"),
                format!("none: {n} cell(s) keep the base-year `{field}`"),
            )
        })
        .collect()
}

/// Demand from the population layer as it is (the base year).
fn census_demand(
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
