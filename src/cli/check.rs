//! `schoolplan check SCENARIO`: evaluate the scenario's rules and print a table.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{emit, Outcome};
use crate::config::Language;
use crate::error::Error;
use crate::io::atomic::write_file_atomic;
use crate::pipeline::analyse;
use crate::report::tables::{localise_csv, CsvOptions};
use crate::rules::{findings_to_csv, findings_to_json, render_table};

/// Runs the command: prints the findings table; writes `findings.json` and `findings.csv` into
/// `out_dir` when given; returns [`Outcome::RuleFailures`] under `strict` when a rule fails.
pub fn run(
    path: &Path,
    lang: Option<Language>,
    out_dir: Option<PathBuf>,
    strict: bool,
    out: &mut dyn Write,
) -> Result<Outcome, Error> {
    let a = analyse(path, &mut |_| {})?;
    let lang = lang.unwrap_or(a.scenario.language);
    if let Some(dir) = out_dir {
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        write_file_atomic(
            &dir.join("findings.json"),
            findings_to_json(&a.findings).as_bytes(),
        )?;
        write_file_atomic(
            &dir.join("findings.csv"),
            localise_csv(&findings_to_csv(&a.findings), CsvOptions::new(lang)).as_bytes(),
        )?;
    }
    emit(out, &render_table(&a.findings, lang))?;
    Ok(if strict && a.has_failures() {
        Outcome::RuleFailures
    } else {
        Outcome::Ok
    })
}
