//! `schoolplan run SCENARIO`: the whole job — coverage, proposals, rules, layers and report —
//! written into one folder, whole or not at all.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use super::bundle::{finding_row, proposal_rows};
use super::messages::{pad, peek_language, step_name};
use super::{emit, Outcome};
use crate::config::Language;
use crate::config::Scenario;
use crate::coverage::LevelCoverage;
use crate::error::Error;
use crate::pipeline::{analyse, Analysis};
use crate::propose::ProposalOutcome;
use crate::report::numbers::human;
use crate::report::tables::{localise_csv, CsvOptions};
use crate::report::{self, preflight, FindingRow, Mode, OutputDir, OutputOptions, RunBundle};
use crate::rules::{findings_to_csv, findings_to_json, FindingStatus};

/// Options of `schoolplan run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Output folder (default: the scenario's `outputs.dir`, else `out/<name>`).
    pub out: Option<PathBuf>,
    /// Report language (default: the scenario's).
    pub lang: Option<Language>,
    /// No progress display.
    pub quiet: bool,
    /// Exit 1 when a rule fails.
    pub strict: bool,
    /// Start CSV files with a UTF-8 byte-order mark (for Excel); `--no-bom` turns it off.
    pub csv_bom: bool,
    /// Write into a non-empty folder schoolplan did not create (its files are kept).
    pub force: bool,
}

/// A spinner on stderr when it is a terminal and not `quiet`; hidden otherwise.
fn spinner(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

/// The language of a command's messages: `--lang`, else the scenario's.
pub fn message_language(path: &Path, lang: Option<Language>) -> Language {
    lang.or_else(|| peek_language(path)).unwrap_or_default()
}

/// Analyses the scenario and writes its outputs. The output folder is checked first (see
/// [`OutputDir`]), so that a folder schoolplan may not write is refused before the analysis.
pub fn analyse_and_write(path: &Path, opts: &RunOptions) -> Result<(Analysis, PathBuf), Error> {
    let options = OutputOptions {
        force: opts.force,
        mode: Mode::Replace,
        producer: "run",
    };
    let out_dir = match &opts.out {
        Some(o) => o.clone(),
        None => Scenario::load(path)?.out_dir,
    };
    preflight(&out_dir, options)?;
    let pb = spinner(opts.quiet);
    let say = message_language(path, opts.lang);
    let a = analyse(path, &mut |step| {
        pb.set_message(step_name(step, say).to_string())
    })?;
    pb.set_message(step_name("writing outputs", say).to_string());
    let lang = opts.lang.unwrap_or(a.scenario.language);
    let csv = CsvOptions {
        bom: opts.csv_bom,
        lang,
    };
    write_outputs_with(&a, &out_dir, csv, options)?;
    pb.finish_and_clear();
    Ok((a, out_dir))
}

/// Writes every output of an analysis into `out_dir` atomically, in `lang`, CSV files with a
/// byte-order mark.
pub fn write_outputs(
    a: &Analysis,
    out_dir: &Path,
    lang: Language,
    options: OutputOptions,
) -> Result<(), Error> {
    write_outputs_with(a, out_dir, CsvOptions::new(lang), options)
}

/// [`write_outputs`] with the CSV conventions given; the report language is `csv.lang`.
pub fn write_outputs_with(
    a: &Analysis,
    out_dir: &Path,
    csv: CsvOptions,
    options: OutputOptions,
) -> Result<(), Error> {
    let findings: Vec<FindingRow> = a.findings.iter().map(finding_row).collect();
    let (proposals, meta) = proposal_rows(a);
    let bundle = RunBundle {
        map: &a.map,
        scenario: &a.scenario,
        coverage: &a.coverage,
        findings: &findings,
        proposals: &proposals,
        proposal_meta: meta.as_ref(),
        coverage_before: a.coverage_before.as_ref(),
    };
    let dir = OutputDir::create_with(out_dir, options)?;
    report::write_run_with(&dir, &bundle, csv)?;
    // The rules' own files carry every field of a finding (evidence, reason, projects).
    dir.write("findings.json", &findings_to_json(&a.findings))?;
    dir.write(
        "findings.csv",
        &localise_csv(&findings_to_csv(&a.findings), csv),
    )?;
    dir.commit()
}

/// A timing step of [`Analysis::timings`] in Chinese.
fn timing_name(step: &str) -> &str {
    match step {
        "load" => "读取",
        "coverage" => "覆盖",
        "proposals" => "布局建议",
        "rules" => "规则",
        other => other,
    }
}

/// The console summary of a run, in `lang`: one line per level, the findings, one line per
/// proposal request, the timings.
pub fn summary_text(a: &Analysis, out_dir: &Path, seconds: f64, lang: Language) -> String {
    let zh = lang == Language::Zh;
    let mut s = format!("{} — {}\n", a.scenario.name, a.scenario.title);
    if a.map.synthetic {
        s.push_str(if zh {
            "注意:部分输入为模拟数据(生成数据,并非真实数据)\n"
        } else {
            "note: some inputs are SYNTHETIC (generated, not real data)\n"
        });
    }
    for l in &a.coverage.levels {
        s.push_str(&level_line(l, a.coverage.unit.symbol(), lang));
    }
    if let Some(n) = &a.coverage.network {
        s.push_str(&format!("  {}\n", n.line()));
    }
    s.push_str(&findings_line(a, lang));
    for o in &a.proposals {
        s.push_str(&proposal_line(o, lang));
    }
    s.push_str(&timings_line(a, lang));
    s.push_str(&if zh {
        format!("已写出 {}(用时 {seconds:.1} 秒)\n", out_dir.display())
    } else {
        format!("wrote {} in {seconds:.1} s\n", out_dir.display())
    });
    s
}

/// A level's coverage within its radius (both radii where urban and rural standards differ).
fn level_line(l: &LevelCoverage, unit: &str, lang: Language) -> String {
    let zh = lang == Language::Zh;
    let name = if zh {
        l.level.name_zh()
    } else {
        l.level.name()
    };
    // Where urban and rural standards differ, both radii are shown.
    let rural = l.standards[1].radius;
    let two = l.has_settings() && rural != l.radius;
    if zh {
        let within = if two {
            format!("城镇 {} {unit}、乡村 {rural} {unit}", l.radius)
        } else {
            format!("{} {unit}", l.radius)
        };
        format!(
            "  {} 覆盖率 {:>5.1} %({} 名学生中 {} 名在 {within} 内)\n",
            pad(name, 14),
            100.0 * l.coverage(),
            human(l.total_demand, 0),
            human(l.covered_demand, 0),
        )
    } else {
        let within = if two {
            format!("{} {unit} urban, {rural} {unit} rural", l.radius)
        } else {
            format!("{} {unit}", l.radius)
        };
        format!(
            "  {} coverage {:>6.1} %  ({:.0} of {:.0} pupils within {within})\n",
            pad(name, 13),
            100.0 * l.coverage(),
            l.covered_demand,
            l.total_demand,
        )
    }
}

/// Findings counted by status.
fn findings_line(a: &Analysis, lang: Language) -> String {
    let count = |st: FindingStatus| a.findings.iter().filter(|f| f.status == st).count();
    if lang == Language::Zh {
        format!(
            "  {} 未通过 {} 项,无法评估 {} 项,通过 {} 项\n",
            pad("规则核查", 14),
            count(FindingStatus::Fail),
            count(FindingStatus::NotEvaluable),
            count(FindingStatus::Pass)
        )
    } else {
        format!(
            "  findings      {} fail, {} not evaluable, {} pass\n",
            count(FindingStatus::Fail),
            count(FindingStatus::NotEvaluable),
            count(FindingStatus::Pass)
        )
    }
}

/// One proposal request: sites, problem, coverage before and after, the solver's certificate.
fn proposal_line(o: &ProposalOutcome, lang: Language) -> String {
    if lang == Language::Zh {
        let mut status = match o.status.as_str() {
            "optimal" => "已证明最优".to_string(),
            "infeasible" => "无可行解".to_string(),
            _ => format!("可行解,最优性差距 {:.2} %", 100.0 * o.gap),
        };
        match o.stop.as_str() {
            "work_limit" => status.push_str(",达到计算量上限"),
            "wall_clock" => status.push_str(",被时间上限截断(结果可能因机器负载而异)"),
            _ => {}
        }
        format!(
            "  布局建议 {}:{} 处,{},覆盖 {} → {} 名({status},{:.1} 秒)\n",
            o.id,
            o.sites.len(),
            o.problem,
            human(o.covered_before, 0),
            human(o.covered_after, 0),
            o.seconds
        )
    } else {
        let stop = match o.stop.as_str() {
            "work_limit" => ", work limit reached",
            "wall_clock" => ", cut short by the time limit: may differ between runs",
            _ => "",
        };
        format!(
            "  proposal {:<14} {} sites, {} {:.0} → {:.0} covered, gap {:.2} % ({}{stop}, {:.1} s)\n",
            o.id,
            o.sites.len(),
            o.problem,
            o.covered_before,
            o.covered_after,
            100.0 * o.gap,
            o.status,
            o.seconds
        )
    }
}

/// Seconds per step. Timings go to the console, never into the files (which stay
/// byte-identical).
fn timings_line(a: &Analysis, lang: Language) -> String {
    let zh = lang == Language::Zh;
    let steps: Vec<String> = a
        .timings
        .iter()
        .map(|(step, secs)| {
            if zh {
                format!("{} {secs:.1} 秒", timing_name(step))
            } else {
                format!("{step} {secs:.1} s")
            }
        })
        .collect();
    if zh {
        format!("  {} {}\n", pad("分项用时", 14), steps.join(","))
    } else {
        format!("  timings       {}\n", steps.join(", "))
    }
}

/// Runs the command and prints a short summary (in the report language).
pub fn run(path: &Path, opts: &RunOptions, out: &mut dyn Write) -> Result<Outcome, Error> {
    let t = Instant::now();
    let (a, out_dir) = analyse_and_write(path, opts)?;
    let lang = opts.lang.unwrap_or(a.scenario.language);
    emit(
        out,
        &summary_text(&a, &out_dir, t.elapsed().as_secs_f64(), lang),
    )?;
    Ok(if opts.strict && a.has_failures() {
        Outcome::RuleFailures
    } else {
        Outcome::Ok
    })
}
