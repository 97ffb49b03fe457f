//! Fixtures for schoolplan's tests and examples — kept out of the library's public API.
//!
//! - [`map`]: schools, cells, areas, roads, levels and scenarios built in local metres, for
//!   hand-computed tests.
//! - [`sample`]: a small complete run (map, coverage, findings, proposals) for report tests.
//! - [`bench`]: seeded synthetic cities for the coverage benchmark and oracle tests.
//! - [`oracle`]: brute-force location solvers (enumeration) the solver tests compare with.
//! - [`solve_bench`]: OR-Library / SJC benchmark readers, a seeded MCLP generator and suite
//!   runners for `examples/solve_bench.rs`.
//!
//! This is a dev-only crate of the workspace: the library's tests and examples depend on it,
//! nothing else does.

#![deny(missing_docs)]

pub mod bench;
pub mod map;
pub mod oracle;
pub mod sample;
pub mod solve_bench;

use std::path::PathBuf;
use std::process::Command;

/// Runs one of the crate's example programs (built by `cargo test` beside the test binaries,
/// in `target/<profile>/examples/`) with `args`, and panics with its output when it fails.
/// Tests use this to check the map generators without compiling their source into the test.
pub fn run_example(name: &str, args: &[&std::ffi::OsStr]) {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let bin = dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is not built: run the whole `cargo test` (it builds the examples) or `cargo build --examples`",
        bin.display()
    );
    let out = Command::new(&bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    assert!(
        out.status.success(),
        "{} failed: {}\n{}",
        PathBuf::from(&bin).display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
