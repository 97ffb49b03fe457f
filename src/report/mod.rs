//! Reports: GeoJSON layers for QGIS with their styles and project, gap areas, `summary.json`,
//! the HTML / Markdown report, and the comparison of two scenarios.
//!
//! Everything is computed in memory from a [`RunBundle`] (the map, the scenario, the coverage,
//! the findings and the proposals) and written by [`write_run`] into an [`OutputDir`]: a
//! temporary sibling folder renamed into place at the end, so an output folder is whole or
//! absent, never half-written. The same bundle gives byte-identical files: features are sorted by
//! id, JSON keys are in a fixed order, coordinates are rounded to 1e-7° and other reals to 1e-6,
//! and nothing depends on the clock or on hash order.
//!
//! ## Files of a run
//!
//! | file | what |
//! | --- | --- |
//! | `schools.geojson` | every school, with its input properties and per level served: allocated demand, utilisation, over-capacity, failing rules |
//! | `coverage.geojson` | one feature per populated cell: cohort population, nearest school, distance, covered, accessibility, the gap it belongs to (`gap_<level>`) per level |
//! | `gaps.geojson`, `gaps.csv` | coverage gaps per level: by county, township, setting and kind, each one school's reach, with the nearest school with spare seats and the best site ([`crate::coverage::gaps`], [`gaps`], properties in [`layers::gaps_geojson`]) |
//! | `areas.geojson` | counties and townships with population, coverage, seats, demand, failing findings |
//! | `proposals.geojson` | proposed new sites and expansions |
//! | `*.qml`, `schoolplan.qgs` | QGIS styles beside each layer, and a project opening them all: projected CRS chosen for the data, a group, map theme and print layout per level ([`qgis`]) |
//! | `schools.csv`, `areas.csv`, `proposals.csv`, `gaps.csv` | the same layers' properties as spreadsheet tables ([`tables`]: UTF-8 with a BOM, Chinese headers in zh runs) |
//! | `summary.json` | machine-readable summary ([`summary::Summary`]) |
//! | `findings.json` | the findings, failing first |
//! | `report.html`, `report.md` | the report ([`document`]), one offline file with interactive maps ([`html`]); `map-<level>.svg` and `map-<level>-centre.svg` (the central district, [`inset`]) beside it, linked from the Markdown |
//!
//! ## Calling it
//!
//! ```ignore
//! let bundle = RunBundle { map: &map, scenario: &scenario, coverage: &coverage,
//!                          findings: &rows, proposals: &props, proposal_meta: None,
//!                          coverage_before: None };
//! report::write_run(&scenario.out_dir, &bundle, scenario.language)?;
//! // or, to add CSV tables of your own before the folder is moved into place:
//! let dir = report::OutputDir::create(&scenario.out_dir)?;
//! report::write_run_into(&dir, &bundle, scenario.language)?;
//! dir.write("findings.csv", &report::tables::localise_csv(&csv, CsvOptions::new(lang)))?;
//! dir.commit()?;
//! ```
//!
//! `testkit::sample` (the dev-only crate beside the library) builds a small synthetic town with everything filled in, for tests and demos.

pub mod access;
pub mod areas;
pub mod atomic;
pub mod compare;
pub mod document;
pub mod forecast;
pub mod gapdoc;
pub mod gaps;
pub mod html;
pub mod inset;
pub mod layers;
pub mod markdown;
pub mod numbers;
pub mod outdir;
pub mod qgis;
pub mod styles;
pub mod summary;
pub mod svg;
pub mod tables;
pub mod text;

use std::path::Path;

use geo::Coord;
use serde::{Deserialize, Serialize};

use crate::config::{Language, Scenario};
use crate::coverage::Coverage;
use crate::error::Result;
use crate::model::{Level, Map, ProjectKind};

pub use compare::{write_compare, write_compare_into, Comparison};
pub use outdir::{preflight, Mode, OutputDir, OutputOptions};
pub use summary::Summary;

/// Status of a finding: the rules' own type (`fail`, `not_evaluable`, `pass`).
pub use crate::rules::FindingStatus;

/// One finding of a rule, as the report needs it (the lead maps `rules::Finding` to this).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    /// Rule id, e.g. `K1`.
    pub id: String,
    /// Title in English.
    pub title_en: String,
    /// Title in Chinese.
    pub title_zh: String,
    /// The plan clause the rule comes from (quoted or referenced).
    pub clause: String,
    /// Scope: `city`, `county`, `township`, `school` or `cell`.
    pub scope: String,
    /// The subject: an area code (county / township), a school id, or `city`.
    pub area: String,
    /// Pass, fail or not evaluable.
    pub status: FindingStatus,
    /// Measured value, when there is one.
    pub value: Option<f64>,
    /// Threshold the value is compared with, when there is one.
    pub threshold: Option<f64>,
    /// Ids of the schools, cells or areas behind the finding (those that fail, for a failure).
    pub evidence: Vec<String>,
    /// What would fix it (for example the proposal that closes it), when known.
    pub fix: Option<String>,
    /// A one-line explanation, when the rule gives one.
    pub message: Option<String>,
    /// Unit of `value` and `threshold`: `share` (a ratio, shown as a percentage), `pupils`,
    /// `seats`, `schools`, `classes`, `indicators`, `cv`, `projects` … (empty when unknown).
    #[serde(default)]
    pub unit: String,
    /// How `value` is compared with `threshold` (`>=`, `<=`, …; empty when unknown).
    #[serde(default)]
    pub comparison: String,
    /// Name of the area the finding is about, when it is an area.
    #[serde(default)]
    pub area_name: Option<String>,
}

/// One proposed site or expansion (the lead maps the optimiser's solution to this).
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalRow {
    /// Unique id of the proposal (e.g. `P-primary-1`).
    pub id: String,
    /// Rank within its level, 1 = most useful.
    pub rank: u32,
    /// Level of the school proposed.
    pub level: Level,
    /// New school or expansion.
    pub kind: ProjectKind,
    /// The candidate site id (new) or school id (expansion).
    pub site_id: String,
    /// Name of the site or school, may be empty.
    pub name: String,
    /// Position, WGS 84 degrees.
    pub lonlat: Coord<f64>,
    /// Demand (pupils of the level) newly within the radius thanks to this proposal.
    pub demand_newly_covered: f64,
    /// Seats added (new school's seats, or an expansion's added seats), when known.
    pub seats_added: Option<f64>,
    /// Classes added, when known.
    pub classes_added: Option<u32>,
    /// Cost in the scenario's currency unit, when known.
    pub cost: Option<f64>,
    /// The gap the proposal closes, in numbers (`covered=<pupils>;seats=<pupils>;large_classes=<n>`:
    /// pupils newly within the radius, pupils short of a seat relieved, classes of 56+ removed;
    /// see [`crate::propose::GapClosed`]).
    pub gap_closed: Option<String>,
    /// Id of the coverage gap this proposal closes or reduces most (children), if any: when the
    /// run built the proposals, a gap of the city without them (`summary.json` `plan_gaps`;
    /// filled by [`write_run`] from [`gaps::closures`]).
    pub gap_id: Option<String>,
    /// Pupils short of a seat in a school's catchment that the proposal relieves, when measured.
    pub seats_short_relieved: Option<f64>,
    /// Classes of 56+ pupils (大班额) the proposal removes, when measured.
    pub large_classes_removed: Option<u32>,
    /// Pupils the school will serve (a new school's zone, an expanded school's load), when
    /// measured.
    pub served: Option<f64>,
    /// Rule ids whose failure this proposal addresses.
    pub closes_findings: Vec<String>,
}

/// One proposal request as solved (shown with the proposals, in the report language).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestMeta {
    /// Request id (`P1-primary`).
    pub id: String,
    /// Chinese title, when given.
    pub title_zh: Option<String>,
    /// English title, when given.
    pub title_en: Option<String>,
    /// Level sited.
    pub level: Level,
    /// The problem solved: `mclp`, `mclp-capacitated`, `lscp`, `pmedian`, `pcenter` …
    pub problem: String,
    /// `optimal`, `feasible` or `infeasible`.
    pub status: String,
    /// Objective reached (covered pupils, sites, pupil-weighted cost or worst cost).
    pub objective: f64,
    /// Proven bound on the best possible objective (upper when maximising, lower when
    /// minimising), in the objective's unit.
    pub bound: f64,
    /// Relative optimality gap (0 = proven optimal).
    pub gap: f64,
    /// Why the search stopped: `complete`, `work_limit` or `wall_clock` (cut short by the time
    /// limit: the answer may differ between runs).
    pub stop: String,
    /// Work units spent by the solver.
    pub work: u64,
    /// Sites and expansions proposed.
    pub sites: usize,
    /// Demand of the level within the radius before the request, pupils.
    pub covered_before: f64,
    /// … and after it.
    pub covered_after: f64,
    /// Rule ids the request addresses.
    pub closes: Vec<String>,
    /// What the optimiser noted (a site that serves almost nobody, fewer expansions than asked
    /// because fewer schools need one, generated candidates …), in English.
    pub notes: Vec<String>,
}

/// How the proposals were obtained (shown with them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProposalMeta {
    /// Method, e.g. `MCLP, Lagrangian heuristic + interchange`.
    pub method: String,
    /// Objective value reached.
    pub objective: Option<f64>,
    /// Proven bound on the objective.
    pub bound: Option<f64>,
    /// Relative optimality gap (0 = proven optimal).
    pub optimality_gap: Option<f64>,
    /// The requests, in the order solved.
    pub requests: Vec<RequestMeta>,
}

/// Everything the report needs from one scenario run. All references: nothing is copied.
#[derive(Debug, Clone, Copy)]
pub struct RunBundle<'a> {
    /// The loaded map (metres, with WGS 84 copies).
    pub map: &'a Map,
    /// The resolved scenario.
    pub scenario: &'a Scenario,
    /// Coverage of every measured level.
    pub coverage: &'a Coverage,
    /// Findings of the rules.
    pub findings: &'a [FindingRow],
    /// Proposals of the optimiser (may be empty).
    pub proposals: &'a [ProposalRow],
    /// How the proposals were obtained, when there are any.
    pub proposal_meta: Option<&'a ProposalMeta>,
    /// Coverage before the run's proposals were built into the map, when it built any (the
    /// report then shows which gaps the plan closes).
    pub coverage_before: Option<&'a Coverage>,
}

/// The files a scenario was read from, for display: the first (the scenario) by its file name,
/// the others relative to its folder (`baseline-2020.toml`, `rules/fushun-2025.toml`,
/// `../shared/rules.toml`). Never an absolute path, so a report does not show where the analyst
/// keeps their files; a path that cannot be made relative shows its file name only.
pub fn display_files(files: &[std::path::PathBuf]) -> Vec<String> {
    use std::path::Component;
    let Some(first) = files.first() else {
        return Vec::new();
    };
    let base: Vec<Component> = first
        .parent()
        .map(|p| p.components().filter(|c| *c != Component::CurDir).collect())
        .unwrap_or_default();
    let name = |p: &std::path::Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    files
        .iter()
        .map(|f| {
            let comps: Vec<Component> =
                f.components().filter(|c| *c != Component::CurDir).collect();
            if f.is_absolute() != first.is_absolute() {
                return name(f);
            }
            let common = base.iter().zip(&comps).take_while(|(a, b)| a == b).count();
            let (up, down) = (&base[common..], &comps[common..]);
            let plain = |c: &Component| matches!(c, Component::Normal(_));
            if down.is_empty() || !up.iter().all(plain) || !down.iter().all(plain) {
                return name(f);
            }
            let mut parts = vec!["..".to_string(); up.len()];
            parts.extend(
                down.iter()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned()),
            );
            parts.join("/")
        })
        .collect()
}

/// Fixed file names written by [`write_run`] (besides one `map-<level>.svg` per measured level).
pub const RUN_FILES: [&str; 19] = [
    "schools.geojson",
    "schools.csv",
    "areas.csv",
    "proposals.csv",
    "schools.qml",
    "coverage.geojson",
    "coverage.qml",
    "gaps.geojson",
    "gaps.csv",
    "gaps.qml",
    "areas.geojson",
    "areas.qml",
    "proposals.geojson",
    "proposals.qml",
    "schoolplan.qgs",
    "summary.json",
    "report.html",
    "report.md",
    "findings.json",
];

/// Writes every output of a run into the folder `out`, atomically (see [`OutputDir`]): the
/// folder is replaced as a whole, or left as it was when anything fails.
pub fn write_run(out: &Path, bundle: &RunBundle, lang: Language) -> Result<()> {
    let dir = OutputDir::create(out)?;
    write_run_into(&dir, bundle, lang)?;
    dir.commit()
}

/// Writes every output of a run into an open [`OutputDir`] (without committing it), so a caller
/// can add its own files (CSV tables, findings in its own format) before [`OutputDir::commit`].
/// CSV files start with a byte-order mark ([`write_run_with`] chooses).
pub fn write_run_into(dir: &OutputDir, bundle: &RunBundle, lang: Language) -> Result<()> {
    write_run_with(dir, bundle, tables::CsvOptions::new(lang))
}

/// [`write_run_into`] with the CSV conventions given (BOM or not); the report language is
/// `csv.lang`.
pub fn write_run_with(dir: &OutputDir, bundle: &RunBundle, csv: tables::CsvOptions) -> Result<()> {
    let lang = csv.lang;
    let gap_areas = gaps::gap_areas(bundle)?;
    let plan_gaps = gaps::plan_closures(bundle, &gap_areas)?;
    // The proposals with the gap each closes or reduces most, when the run built them.
    let proposals: Vec<ProposalRow> = match &plan_gaps {
        Some((rows, _)) => gaps::with_gap_closed(bundle.proposals, rows),
        None => bundle.proposals.to_vec(),
    };
    let with_links = RunBundle {
        proposals: &proposals,
        ..*bundle
    };
    let bundle = &with_links;
    let area_stats = areas::area_stats(bundle);
    let capacity = gaps::capacity_gaps(bundle, &area_stats);
    let mut summary = Summary::build(bundle, &area_stats, &gap_areas, &capacity);
    summary.plan_gaps = plan_gaps.as_ref().map(|(rows, levels)| summary::PlanGaps {
        levels: levels.clone(),
        changed: rows
            .iter()
            .filter(|r| r.status != "left")
            .cloned()
            .collect(),
    });
    let schools_layer = layers::schools_geojson(bundle);
    dir.write("schools.csv", &tables::properties_csv(&schools_layer, csv))?;
    dir.write("schools.geojson", &schools_layer)?;
    dir.write("schools.qml", &styles::schools_qml(lang))?;
    dir.write(
        "coverage.geojson",
        &layers::coverage_geojson_with_gaps(bundle, Some(&gap_areas)),
    )?;
    dir.write("coverage.qml", &styles::coverage_qml(bundle, lang))?;
    let gaps_layer = layers::gaps_geojson(&gap_areas, bundle.coverage.unit);
    dir.write("gaps.csv", &tables::properties_csv(&gaps_layer, csv))?;
    dir.write("gaps.geojson", &gaps_layer)?;
    dir.write("gaps.qml", &styles::gaps_qml(&gap_areas, lang))?;
    let areas_layer = layers::areas_geojson(bundle, &area_stats);
    dir.write("areas.csv", &tables::properties_csv(&areas_layer, csv))?;
    dir.write("areas.geojson", &areas_layer)?;
    dir.write("areas.qml", &styles::areas_qml(lang))?;
    let proposals_layer = layers::proposals_geojson(bundle);
    dir.write(
        "proposals.csv",
        &tables::properties_csv(&proposals_layer, csv),
    )?;
    dir.write("proposals.geojson", &proposals_layer)?;
    dir.write("proposals.qml", &styles::proposals_qml(lang))?;
    dir.write(
        "schoolplan.qgs",
        &qgis::project_qgs(bundle, &gap_areas, lang),
    )?;
    access::write_access(dir, bundle, &summary)?;
    dir.write("summary.json", &summary.to_json())?;
    let findings = numbers::to_json_pretty(&summary.findings);
    dir.write("findings.json", &findings)?;
    let ctx = document::ReportContext {
        bundle,
        summary: &summary,
        gaps: &gap_areas,
        plan_gaps: plan_gaps.as_ref().map(|(rows, _)| rows.as_slice()),
        capacity: &capacity,
        areas: &area_stats,
    };
    let blocks = document::run_blocks(&ctx, lang);
    let title = document::title(&ctx, lang);
    dir.write("report.html", &html::render(&title, &blocks, lang))?;
    dir.write("report.md", &markdown::render(&title, &blocks))?;
    for b in &blocks {
        if let document::Block::Map(_, stem, svg) | document::Block::Chart(_, stem, svg) = b {
            dir.write(
                &format!("{stem}.svg"),
                &format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n", svg),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::display_files;
    use std::path::PathBuf;

    #[test]
    fn files_are_shown_relative_to_the_scenario() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            display_files(&[
                p("/home/ana/plans/fushun/plan-2025.toml"),
                p("/home/ana/plans/fushun/baseline-2020.toml"),
                p("/home/ana/plans/fushun/rules/fushun-2025.toml"),
                p("/home/ana/plans/shared/rules.toml"),
            ]),
            [
                "plan-2025.toml",
                "baseline-2020.toml",
                "rules/fushun-2025.toml",
                "../shared/rules.toml"
            ]
        );
        assert_eq!(
            display_files(&[p("maps/demo/demo.toml"), p("maps/demo/./rules.toml")]),
            ["demo.toml", "rules.toml"]
        );
        // A base reached through `..` cannot be inverted lexically: its file name only.
        assert_eq!(
            display_files(&[p("../x/a.toml"), p("b.toml"), p("/abs/c.toml")]),
            ["a.toml", "b.toml", "c.toml"]
        );
        assert!(display_files(&[]).is_empty());
    }
}
