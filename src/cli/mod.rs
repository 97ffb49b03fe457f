//! The command line: one file per subcommand.

use std::process::ExitCode;

/// Entry point of the binary: parses arguments, runs the command, maps errors to exit codes
/// (0 ok, 1 rule failures with `--strict`, 2 the tool could not run).
pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
