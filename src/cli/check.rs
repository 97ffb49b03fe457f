//! `schoolplan check SCENARIO`: evaluate the scenario's rules and print a table.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{emit, Outcome};
use crate::config::Language;
use crate::error::Error;
use crate::pipeline::analyse;
use crate::report::tables::{localise_csv, CsvOptions};
use crate::report::{preflight, OutputDir, OutputOptions};
use crate::rules::{findings_to_csv, findings_to_json, render_table};

/// Runs the command: prints the findings table; writes `findings.json` and `findings.csv` into
/// `out_dir` when given (an output folder schoolplan owns, see [`OutputDir`]); returns [`Outcome::RuleFailures`] under `strict` when a rule fails.
pub fn run(
    path: &Path,
    lang: Option<Language>,
    out_dir: Option<PathBuf>,
    options: OutputOptions,
    strict: bool,
    out: &mut dyn Write,
) -> Result<Outcome, Error> {
    if let Some(dir) = &out_dir {
        preflight(dir, options)?;
    }
    let a = analyse(path, &mut |_| {})?;
    let lang = lang.unwrap_or(a.scenario.language);
    if let Some(dir) = out_dir {
        // Adds or updates the two files; a run's other outputs in the folder stay.
        let od = OutputDir::create_with(&dir, options)?;
        od.write("findings.json", &findings_to_json(&a.findings))?;
        od.write(
            "findings.csv",
            &localise_csv(&findings_to_csv(&a.findings), CsvOptions::new(lang)),
        )?;
        od.commit()?;
    }
    emit(out, &render_table(&a.findings, lang))?;
    Ok(if strict && a.has_failures() {
        Outcome::RuleFailures
    } else {
        Outcome::Ok
    })
}
