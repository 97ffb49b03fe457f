//! `schoolplan validate SCENARIO`: load everything `run` loads — the scenario and its bases
//! and presets, every layer, the rules, the proposal requests, the cost matrix, the road
//! network — check how they fit together ([`crate::consistency`]) and measure coverage once;
//! print what was found and every problem of every input at once. "usable" means `run` can
//! run on these inputs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use geo::{BoundingRect, Coord};

use super::{emit, Outcome};
use crate::config::Scenario;
use crate::coverage::snapping::NetworkSnapping;
use crate::error::{Error, Problem, Severity};
use crate::io::layers::load_map;
use crate::model::{Level, Map, Ownership};

/// What `validate` found besides the map.
#[derive(Debug, Default)]
pub struct Findings {
    /// Rules parsed.
    pub rules: usize,
    /// Proposal requests parsed.
    pub proposals: usize,
    /// Warnings of every step (the map's own are in [`Map::warnings`]).
    pub warnings: Vec<Problem>,
    /// Network snapping, in network mode.
    pub network: Option<NetworkSnapping>,
    /// Whether `run` could write the default output folder, in words.
    pub output: String,
}

/// An error of a step, as problems of the input.
fn as_problems(scenario: &Path, e: Error) -> Vec<Problem> {
    let p = |file: String, expected: &str, found: String| {
        vec![Problem::file(Severity::Error, file, expected, found)]
    };
    match e {
        Error::Invalid(ps) => ps,
        Error::Scenario { file, message } => p(
            file.display().to_string(),
            "a valid scenario (keys, [[rules]] and [[proposals]] tables)",
            message,
        ),
        Error::Io { path, source } => p(
            path.display().to_string(),
            "a readable file",
            source.to_string(),
        ),
        other => p(
            scenario.display().to_string(),
            "inputs the analysis can use",
            other.to_string(),
        ),
    }
}

/// Runs the command. Problems of the inputs come back as [`Error::Invalid`] (exit 2) listing
/// all of them, after the summary of what could be read when the layers could be.
pub fn run(path: &Path, out: &mut dyn Write) -> Result<Outcome, Error> {
    let scenario = Scenario::load(path)?;
    let mut problems: Vec<Problem> = Vec::new();
    let map = match load_map(&scenario) {
        Ok(m) => Some(m),
        Err(Error::Invalid(ps)) => {
            problems.extend(ps);
            None
        }
        Err(e) => return Err(e),
    };
    let rules = crate::rules::parse_rules(&scenario).unwrap_or_else(|e| {
        problems.extend(as_problems(path, e));
        Vec::new()
    });
    let requests = crate::propose::parse_requests(&scenario).unwrap_or_else(|e| {
        problems.extend(as_problems(path, e));
        Vec::new()
    });
    let mut found = Findings {
        rules: rules.len(),
        proposals: requests.len(),
        output: output_note(&scenario),
        ..Findings::default()
    };
    if let Some(map) = &map {
        problems.extend(crate::consistency::check(&scenario, map, &rules, &requests));
        if !problems.iter().any(Problem::is_error) {
            match crate::coverage::compute(map, &scenario) {
                Ok(c) => {
                    problems.extend(c.warnings);
                    found.network = c.network;
                }
                Err(e) => problems.extend(as_problems(path, e)),
            }
        }
    }
    if problems.iter().any(Problem::is_error) {
        if let Some(map) = &map {
            emit(out, &summary(&scenario, map, &found))?;
        }
        return Err(Error::Invalid(problems));
    }
    found.warnings = problems;
    let map = map.expect("no error, so the map loaded");
    emit(out, &summary(&scenario, &map, &found))?;
    Ok(Outcome::Ok)
}

/// Whether `run` may write the scenario's output folder, in words.
fn output_note(scenario: &Scenario) -> String {
    let dir = &scenario.out_dir;
    match crate::report::preflight(dir, crate::report::OutputOptions::default()) {
        Ok(()) if dir.exists() => format!(
            "{} (schoolplan's, or empty: run replaces its own files there)",
            dir.display()
        ),
        Ok(()) => format!("{} (new)", dir.display()),
        Err(e) => format!("{} — run would refuse it: {e}", dir.display()),
    }
}

fn layer_line(
    s: &mut String,
    name: &str,
    spec: &Option<crate::config::LayerSpec>,
    count: usize,
    what: &str,
) {
    if let Some(spec) = spec {
        // Format, the CRS read (and from where) and the conversion to WGS 84.
        let info = crate::io::formats::describe(spec);
        let _ = writeln!(
            s,
            "  {name:<11} {count:>7} {what:<10} {} ({}; {} from {}; conversion: {})",
            spec.path.display(),
            info.format,
            info.crs,
            info.crs_source,
            info.conversion
        );
    }
}

/// The validation summary: counts per layer and level, extent, population per county and
/// cohort, schools outside every area, rules, proposals, network snapping, warnings.
pub fn summary(scenario: &Scenario, map: &Map, found: &Findings) -> String {
    let mut s = String::new();
    header(&mut s, scenario, map);
    layers(&mut s, scenario, map);
    schools_by_level(&mut s, map);
    extent(&mut s, map);
    population_table(&mut s, map);
    schools_outside(&mut s, map);
    let _ = writeln!(
        s,
        "\nrules       {} rule(s), {} proposal request(s)",
        found.rules, found.proposals
    );
    if let Some(n) = &found.network {
        let _ = writeln!(
            s,
            "network     {}",
            n.line().trim_start_matches("network: ")
        );
    }
    let _ = writeln!(s, "output      {}", found.output);
    problems(&mut s, map, found);
    s
}

/// Scenario, files, projection and the synthetic-data note.
fn header(s: &mut String, scenario: &Scenario, map: &Map) {
    let _ = writeln!(s, "scenario    {} — {}", scenario.name, scenario.title);
    let _ = writeln!(
        s,
        "files       {}",
        scenario
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(s, "projection  {}", map.projection.proj_string());
    if map.synthetic {
        let _ = writeln!(
            s,
            "note        some layers are SYNTHETIC (generated, not real data)"
        );
    }
}

/// One line per layer: its file and what was read from it.
fn layers(s: &mut String, scenario: &Scenario, map: &Map) {
    let _ = writeln!(s, "\nlayers");
    let l = &scenario.layers;
    layer_line(s, "schools", &l.schools, map.schools.len(), "schools");
    layer_line(
        s,
        "population",
        &l.population,
        map.demand.cells.len(),
        "cells",
    );
    layer_line(s, "counties", &l.counties, map.counties.len(), "areas");
    layer_line(s, "townships", &l.townships, map.townships.len(), "areas");
    layer_line(
        s,
        "candidates",
        &l.candidates,
        map.candidates.len(),
        "sites",
    );
    layer_line(s, "network", &l.network, map.roads.len(), "segments");
    layer_line(s, "matrix", &l.matrix, 0, "(csv)");
}

/// Schools per level: total, public, private, closed, planned.
fn schools_by_level(s: &mut String, map: &Map) {
    let _ = writeln!(
        s,
        "\nschools by level       total  public  private  closed  planned"
    );
    for level in Level::ALL {
        let of: Vec<_> = map.schools.iter().filter(|x| x.level == level).collect();
        if of.is_empty() {
            continue;
        }
        let public = of
            .iter()
            .filter(|x| x.ownership == Ownership::Public)
            .count();
        let closed = of.iter().filter(|x| !x.is_open()).count();
        let planned = of
            .iter()
            .filter(|x| x.status == crate::model::Status::Planned)
            .count();
        let _ = writeln!(
            s,
            "  {:<20} {:>5} {:>7} {:>8} {:>7} {:>8}",
            level.name(),
            of.len(),
            public,
            of.len() - public,
            closed,
            planned
        );
    }
}

/// The WGS 84 extent of cells, schools and counties.
fn extent(s: &mut String, map: &Map) {
    let rect = map
        .demand
        .cells
        .iter()
        .map(|c| c.lonlat)
        .chain(map.schools.iter().map(|x| x.lonlat))
        .chain(
            map.counties
                .iter()
                .flat_map(|a| a.shape_lonlat.bounding_rect().map(|r| [r.min(), r.max()]))
                .flatten(),
        )
        .fold(None::<(Coord<f64>, Coord<f64>)>, |acc, c| match acc {
            None => Some((c, c)),
            Some((lo, hi)) => Some((
                Coord {
                    x: lo.x.min(c.x),
                    y: lo.y.min(c.y),
                },
                Coord {
                    x: hi.x.max(c.x),
                    y: hi.y.max(c.y),
                },
            )),
        });
    if let Some((lo, hi)) = rect {
        let _ = writeln!(
            s,
            "\nextent      lon {:.5} – {:.5}, lat {:.5} – {:.5} (WGS 84)",
            lo.x, hi.x, lo.y, hi.y
        );
    }
}

/// Schools in no county and no township (when the map has areas).
fn schools_outside(s: &mut String, map: &Map) {
    if map.counties.is_empty() && map.townships.is_empty() {
        return;
    }
    let outside: Vec<&str> = map
        .schools
        .iter()
        .zip(&map.school_areas)
        .filter(|(_, a)| a.0.is_none() && a.1.is_none())
        .map(|(x, _)| x.id.as_str())
        .collect();
    let _ = writeln!(
        s,
        "\nschools outside every area: {}{}",
        outside.len(),
        if outside.is_empty() {
            String::new()
        } else {
            format!(" ({})", outside.join(", "))
        }
    );
}

/// Errors and warnings, one per line, and whether the scenario is usable.
fn problems(s: &mut String, map: &Map, found: &Findings) {
    let warnings: Vec<&Problem> = map.warnings.iter().chain(&found.warnings).collect();
    let errors = warnings.iter().filter(|p| p.is_error()).count();
    let _ = writeln!(
        s,
        "\nproblems    {errors} errors, {} warnings",
        warnings.len() - errors
    );
    for w in &warnings {
        let _ = writeln!(s, "  {w}");
    }
    let _ = writeln!(
        s,
        "\nresult      {}",
        if errors == 0 { "usable" } else { "not usable" }
    );
}

fn population_table(s: &mut String, map: &Map) {
    let cohorts = &map.demand.cohorts;
    let mut rows: BTreeMap<(String, String), (f64, Vec<f64>)> = BTreeMap::new();
    for c in &map.demand.cells {
        let key = match c.county {
            Some(i) => (map.counties[i].code.clone(), map.counties[i].name.clone()),
            None => ("-".into(), "outside every county".into()),
        };
        let row = rows
            .entry(key)
            .or_insert_with(|| (0.0, vec![0.0; cohorts.len()]));
        row.0 += c.pop_total.unwrap_or(0.0);
        for (k, v) in c.cohort_pop.iter().enumerate() {
            row.1[k] += v;
        }
    }
    let _ = write!(s, "\npopulation by county   {:>12}", "pop_total");
    for c in cohorts {
        let _ = write!(s, " {c:>10}");
    }
    let _ = writeln!(s);
    let mut total = (0.0, vec![0.0; cohorts.len()]);
    for ((code, name), (t, v)) in &rows {
        let label = format!("{code} {name}");
        let _ = write!(s, "  {:<20} {t:>12.0}", truncate(&label, 20));
        for x in v {
            let _ = write!(s, " {x:>10.0}");
        }
        let _ = writeln!(s);
        total.0 += t;
        for (k, x) in v.iter().enumerate() {
            total.1[k] += x;
        }
    }
    let _ = write!(s, "  {:<20} {:>12.0}", "total", total.0);
    for x in &total.1 {
        let _ = write!(s, " {x:>10.0}");
    }
    let _ = writeln!(s);
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
