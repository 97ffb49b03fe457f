//! The `schoolplan` command line: a thin shell over [`schoolplan::cli`].

fn main() -> std::process::ExitCode {
    schoolplan::cli::main()
}
