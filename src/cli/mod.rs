//! The command line: one file per subcommand, a thin `main` over `run() -> Result`.
//!
//! Exit codes: **0** ok; **1** the run found rule failures and `--strict` was given; **2** the
//! tool could not run (bad input, unreadable files, impossible options). Errors go to stderr
//! with the file, feature and property they concern; a closed stdout (`| head`) is a clean exit.

mod bundle;
mod check;
mod compare;
mod messages;
mod rules;
pub mod run;
pub mod solve;
mod validate;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::Error;

/// schoolplan: school layout planning — coverage, siting rules, location proposals, reports.
#[derive(Debug, Parser)]
#[command(name = "schoolplan", version, about, long_about = None)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load a scenario and every layer it names; print what was found and every problem.
    Validate {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
    /// Evaluate the scenario's rules and print the findings, failing first.
    Check {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Exit with code 1 when any rule fails.
        #[arg(long)]
        strict: bool,
        /// Report language (default: the scenario's).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Also write findings.json and findings.csv into this folder.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write into a non-empty folder schoolplan did not create. Files there are kept: an
        /// output whose name is taken by a file schoolplan did not write is still refused.
        #[arg(long)]
        force: bool,
    },
    /// Run everything: coverage, proposals, rules, GeoJSON layers, QGIS project, report.
    Run {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Output folder (default: `out/<scenario name>`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Report language (default: the scenario's).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// No progress display.
        #[arg(long, short)]
        quiet: bool,
        /// Exit with code 1 when any rule fails.
        #[arg(long)]
        strict: bool,
        /// Write CSV files without the UTF-8 byte-order mark (Excel needs it to read Chinese).
        #[arg(long)]
        no_bom: bool,
        /// Write into a non-empty folder schoolplan did not create. Files there are kept: an
        /// output whose name is taken by a file schoolplan did not write is still refused.
        #[arg(long)]
        force: bool,
    },
    /// Compare two scenarios (A before, B after): coverage, rules changing status, schools.
    Compare {
        /// Scenario A (before).
        a: PathBuf,
        /// Scenario B (after).
        b: PathBuf,
        /// Output folder (default: `out/compare-<A>-<B>`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Report language (default: B's).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Write into a non-empty folder schoolplan did not create. Files there are kept: an
        /// output whose name is taken by a file schoolplan did not write is still refused.
        #[arg(long)]
        force: bool,
    },
    /// List the rule kinds, or document one (a kind such as `min_count`, or a rule id such as K1).
    Rules {
        /// Rule kind or rule id.
        id: Option<String>,
    },
    /// Solve a location problem on GeoJSON points (lscp, mclp, pmedian, pcenter).
    Solve(Box<solve::SolveArgs>),
}

/// `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    /// Chinese.
    Zh,
    /// English.
    En,
}

impl LangArg {
    /// The scenario language.
    pub fn language(self) -> crate::config::Language {
        match self {
            LangArg::Zh => crate::config::Language::Zh,
            LangArg::En => crate::config::Language::En,
        }
    }
}

/// What a command asks the process to exit with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Ok,
    /// Exit 1: rule failures under `--strict`.
    RuleFailures,
}

/// Runs a parsed command line.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<Outcome, Error> {
    match cli.command {
        Command::Validate { scenario } => validate::run(&scenario, out),
        Command::Solve(args) => solve::run(*args, out),
        Command::Check {
            scenario,
            strict,
            lang,
            out: dir,
            force,
        } => check::run(
            &scenario,
            lang.map(LangArg::language),
            dir,
            crate::report::OutputOptions {
                force,
                mode: crate::report::Mode::Update,
                producer: "check",
            },
            strict,
            out,
        ),
        Command::Rules { id } => rules::run(id.as_deref(), out),
        Command::Compare {
            a,
            b,
            out: dir,
            lang,
            force,
        } => compare::run(&a, &b, dir, lang.map(LangArg::language), force, out),
        Command::Run {
            scenario,
            out: dir,
            lang,
            quiet,
            strict,
            no_bom,
            force,
        } => {
            let opts = run::RunOptions {
                out: dir,
                lang: lang.map(LangArg::language),
                quiet,
                strict,
                csv_bom: !no_bom,
                force,
            };
            run::run(&scenario, &opts, out)
        }
    }
}

/// Entry point of the binary: parses arguments, runs the command, maps errors to exit codes.
pub fn main() -> ExitCode {
    // A bug must still not show a Rust backtrace to a planner: report it as an internal error.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "schoolplan: internal error: {info}. Please report this with the input that caused it."
        );
    }));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    // Errors are told in the language of the scenario (or `--lang`).
    let lang = match &cli.command {
        Command::Run { scenario, lang, .. } | Command::Check { scenario, lang, .. } => {
            Some(run::message_language(scenario, lang.map(LangArg::language)))
        }
        Command::Compare { b, lang, .. } => {
            Some(run::message_language(b, lang.map(LangArg::language)))
        }
        Command::Validate { scenario } => Some(run::message_language(scenario, None)),
        _ => None,
    }
    .unwrap_or_default();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli, &mut out)));
    match result {
        Ok(Ok(Outcome::Ok)) => ExitCode::SUCCESS,
        Ok(Ok(Outcome::RuleFailures)) => ExitCode::from(1),
        Ok(Err(Error::Io { source, .. })) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => {
            eprintln!("schoolplan: {}", messages::error_text(&e, lang));
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}

/// Writes to the command's output, turning a write failure into an [`Error`].
pub(crate) fn emit(out: &mut dyn Write, text: &str) -> Result<(), Error> {
    out.write_all(text.as_bytes())
        .map_err(|e| Error::io(std::path::Path::new("<stdout>"), e))
}
