//! `schoolplan compare A.toml B.toml`: what changes from scenario A (before) to B (after).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::bundle::{finding_row, proposal_rows};
use super::{emit, Outcome};
use crate::config::Language;
use crate::config::Scenario;
use crate::error::Error;
use crate::pipeline::{analyse, Analysis};
use crate::report::{
    areas, gaps, preflight, write_compare_into, Comparison, FindingRow, Mode, OutputDir,
    OutputOptions, RunBundle, Summary,
};

/// Rows the bundle of an analysis borrows.
struct Rows {
    findings: Vec<FindingRow>,
    proposals: Vec<crate::report::ProposalRow>,
    meta: Option<crate::report::ProposalMeta>,
}

fn rows(a: &Analysis) -> Rows {
    let (proposals, meta) = proposal_rows(a);
    Rows {
        findings: a.findings.iter().map(finding_row).collect(),
        proposals,
        meta,
    }
}

fn bundle<'a>(a: &'a Analysis, r: &'a Rows) -> RunBundle<'a> {
    RunBundle {
        map: &a.map,
        scenario: &a.scenario,
        coverage: &a.coverage,
        findings: &r.findings,
        proposals: &r.proposals,
        proposal_meta: r.meta.as_ref(),
    }
}

fn summary(b: &RunBundle) -> Summary {
    let stats = areas::area_stats(b);
    let gap_areas = gaps::gap_areas(b);
    let capacity = gaps::capacity_gaps(b, &stats);
    Summary::build(b, &stats, &gap_areas, &capacity)
}

/// Runs the command: analyses both scenarios, writes `compare.json`, `compare.html` and
/// `compare.md` into `out` (default `out/compare-<A>-<B>`), prints the level changes.
pub fn run(
    a_path: &Path,
    b_path: &Path,
    out_dir: Option<PathBuf>,
    lang: Option<Language>,
    force: bool,
    out: &mut dyn Write,
) -> Result<Outcome, Error> {
    let options = OutputOptions {
        force,
        mode: Mode::Replace,
        producer: "compare",
    };
    let dir = match out_dir {
        Some(d) => d,
        None => {
            let (na, nb) = (Scenario::load(a_path)?.name, Scenario::load(b_path)?.name);
            PathBuf::from("out").join(format!("compare-{na}-{nb}"))
        }
    };
    preflight(&dir, options)?;
    let a = analyse(a_path, &mut |_| {})?;
    let b = analyse(b_path, &mut |_| {})?;
    let (ra, rb) = (rows(&a), rows(&b));
    let (ba, bb) = (bundle(&a, &ra), bundle(&b, &rb));
    let cmp = Comparison::from_summaries(&summary(&ba), &summary(&bb)).with_cells(&ba, &bb);
    let lang = lang.unwrap_or(b.scenario.language);
    let od = OutputDir::create_with(&dir, options)?;
    write_compare_into(&od, &cmp, lang)?;
    od.commit()?;
    let mut s = format!("{} → {}\n", a.scenario.name, b.scenario.name);
    for l in &cmp.levels {
        s.push_str(&format!(
            "  {:<13} coverage {} → {}, newly covered {}\n",
            l.level.name(),
            l.coverage_before
                .map_or("-".into(), |c| format!("{:.1} %", 100.0 * c)),
            l.coverage_after
                .map_or("-".into(), |c| format!("{:.1} %", 100.0 * c)),
            l.newly_covered.map_or("-".into(), |c| format!("{c:.0}")),
        ));
    }
    s.push_str(&format!(
        "  rules changing status: {}; schools added {}, expanded {}, closed {}\n",
        cmp.rules_changed.len(),
        cmp.schools_added.len(),
        cmp.schools_expanded.len(),
        cmp.schools_closed.len()
    ));
    s.push_str(&format!("wrote {}\n", dir.display()));
    emit(out, &s)?;
    Ok(Outcome::Ok)
}
