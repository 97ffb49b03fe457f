//! `schoolplan validate SCENARIO`: load everything, print what was found and every problem.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use geo::{BoundingRect, Coord};

use super::{emit, Outcome};
use crate::config::Scenario;
use crate::error::Error;
use crate::io::layers::load_map;
use crate::model::{Level, Map, Ownership};

/// Runs the command. Errors in the input come back as [`Error::Invalid`] (exit 2) after the
/// summary of what could be read.
pub fn run(path: &Path, out: &mut dyn Write) -> Result<Outcome, Error> {
    let scenario = Scenario::load(path)?;
    let map = load_map(&scenario)?;
    emit(out, &summary(&scenario, &map))?;
    Ok(Outcome::Ok)
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
/// cohort, schools outside every area, warnings.
pub fn summary(scenario: &Scenario, map: &Map) -> String {
    let mut s = String::new();
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
    let _ = writeln!(s, "\nlayers");
    let l = &scenario.layers;
    layer_line(&mut s, "schools", &l.schools, map.schools.len(), "schools");
    layer_line(
        &mut s,
        "population",
        &l.population,
        map.demand.cells.len(),
        "cells",
    );
    layer_line(&mut s, "counties", &l.counties, map.counties.len(), "areas");
    layer_line(
        &mut s,
        "townships",
        &l.townships,
        map.townships.len(),
        "areas",
    );
    layer_line(
        &mut s,
        "candidates",
        &l.candidates,
        map.candidates.len(),
        "sites",
    );
    layer_line(&mut s, "network", &l.network, map.roads.len(), "segments");
    layer_line(&mut s, "matrix", &l.matrix, 0, "(csv)");

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

    population_table(&mut s, map);

    let outside: Vec<&str> = map
        .schools
        .iter()
        .zip(&map.school_areas)
        .filter(|(_, a)| a.0.is_none() && a.1.is_none())
        .map(|(x, _)| x.id.as_str())
        .collect();
    if !map.counties.is_empty() || !map.townships.is_empty() {
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
    let _ = writeln!(s, "\nproblems    0 errors, {} warnings", map.warnings.len());
    for w in &map.warnings {
        let _ = writeln!(s, "  {w}");
    }
    let _ = writeln!(s, "\nresult      usable");
    s
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
