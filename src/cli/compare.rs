//! `schoolplan compare A.toml B.toml`: what changes from scenario A (before) to B (after).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::bundle::{finding_row, proposal_rows};
use super::messages::pad;
use super::{emit, Outcome};
use crate::config::Language;
use crate::config::Scenario;
use crate::error::Error;
use crate::pipeline::{analyse, Analysis};
use crate::report::compare::{area_changes, signed_pct, write_compare_runs_into};
use crate::report::numbers::human;
use crate::report::{
    areas, gaps, preflight, Comparison, FindingRow, Mode, OutputDir, OutputOptions, RunBundle,
    Summary,
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
        coverage_before: a.coverage_before.as_ref(),
    }
}

fn summary(b: &RunBundle) -> Result<Summary, Error> {
    let stats = areas::area_stats(b);
    let gap_areas = gaps::gap_areas(b)?;
    let capacity = gaps::capacity_gaps(b, &stats);
    Ok(Summary::build(b, &stats, &gap_areas, &capacity))
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
    let cmp = Comparison::from_summaries(&summary(&ba)?, &summary(&bb)?)
        .with_cells(&ba, &bb)
        .with_gaps(&ba, &bb)?;
    let lang = lang.unwrap_or(b.scenario.language);
    let od = OutputDir::create_with(&dir, options)?;
    write_compare_runs_into(&od, &cmp, &ba, &bb, lang)?;
    od.commit()?;
    emit(out, &summary_text(&cmp, &dir, lang))?;
    Ok(Outcome::Ok)
}

/// The console summary of a comparison, in `lang`: per level the coverage before and after and
/// the pupils newly covered (never "-0"), then the counts of what changes.
pub fn summary_text(cmp: &Comparison, dir: &Path, lang: Language) -> String {
    let zh = lang == Language::Zh;
    let pct = |c: Option<f64>| c.map_or("-".into(), |c| format!("{:.1} %", 100.0 * c));
    let count = |c: Option<f64>| c.map_or("-".into(), |c| human(c + 0.0, 0));
    let mut s = format!("{} → {}\n", cmp.before.name, cmp.after.name);
    for l in &cmp.levels {
        let name = if zh {
            l.level.name_zh()
        } else {
            l.level.name()
        };
        s.push_str(&if zh {
            format!(
                "  {} 覆盖率 {} → {}({}),新增覆盖 {} 名,不再覆盖 {} 名\n",
                pad(name, 14),
                pct(l.coverage_before),
                pct(l.coverage_after),
                signed_pct(l.coverage_change),
                count(l.newly_covered),
                count(l.no_longer_covered)
            )
        } else {
            format!(
                "  {} coverage {} → {} ({}), newly covered {}, no longer covered {}\n",
                pad(name, 13),
                pct(l.coverage_before),
                pct(l.coverage_after),
                signed_pct(l.coverage_change),
                count(l.newly_covered),
                count(l.no_longer_covered)
            )
        });
    }
    let areas = cmp.areas.iter().filter(|a| area_changes(a)).count();
    s.push_str(&if zh {
        format!(
            "  56人以上大班额 {} → {} 个({} 所学校变化)\n",
            cmp.large_classes.0,
            cmp.large_classes.1,
            cmp.large_classes_changed.len()
        )
    } else {
        format!(
            "  classes of 56+ pupils {} → {} ({} schools change)\n",
            cmp.large_classes.0,
            cmp.large_classes.1,
            cmp.large_classes_changed.len()
        )
    });
    s.push_str(&if zh {
        format!(
            "  {} 个区域×学段发生变化;{} 项规则结论变化;新增学校 {} 所,扩建 {} 所,撤并 {} 所\n已写出 {}\n",
            areas,
            cmp.rules_changed.len(),
            cmp.schools_added.len(),
            cmp.schools_expanded.len(),
            cmp.schools_closed.len(),
            dir.display()
        )
    } else {
        format!(
            "  areas × levels changing: {areas}; rules changing status: {}; schools added {}, expanded {}, closed {}\nwrote {}\n",
            cmp.rules_changed.len(),
            cmp.schools_added.len(),
            cmp.schools_expanded.len(),
            cmp.schools_closed.len(),
            dir.display()
        )
    });
    s
}
