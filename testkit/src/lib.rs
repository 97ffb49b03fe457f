//! Fixtures for schoolplan's tests and examples — kept out of the library's public API.
//!
//! - [`datum`]: WGS 84 → GCJ-02 written out independently, for the reader tests.
//! - [`map`]: schools, cells, areas, roads, levels and scenarios built in local metres, for
//!   hand-computed tests.
//! - [`sample`]: a small complete run (map, coverage, findings, proposals) for report tests.
//! - [`bench`]: seeded synthetic cities for the coverage benchmark and oracle tests.
//! - [`oracle`]: brute-force location solvers (enumeration) the solver tests compare with.
//! - [`mapgen`]: the seeded generator, rounding and one-feature-per-line GeoJSON writer of the
//!   map generators (`examples/generate_demo.rs`, `examples/generate_fushun/`).
//! - [`mutate`]: seeded damage of a scenario folder and an in-process run of the analysis, for
//!   `tests/mutation_fuzz.rs` and `examples/fuzz_inputs.rs`.
//! - [`rulemap`]: tiny hand-made maps, coverages and scenarios for the rule tests.
//! - [`scratch`]: a scratch copy of a shipped map and the real binary run inside it (the
//!   hostile-input and output-safety tests).
//! - [`runs`]: the real binary run on a scenario into a scratch folder, its outputs read back
//!   as JSON (the `access_*` tests).
//! - [`solve_bench`]: OR-Library / SJC benchmark readers, a seeded MCLP generator and suite
//!   runners for `examples/solve_bench.rs`.
//! - [`tools`]: the independent tools some tests need (skip locally, fail under CI).
//!
//! This is a dev-only crate of the workspace: the library's tests and examples depend on it,
//! nothing else does.

#![deny(missing_docs)]

pub mod bench;
pub mod datum;
pub mod map;
pub mod mapgen;
pub mod mutate;
pub mod oracle;
pub mod rulemap;
pub mod runs;
pub mod sample;
pub mod scratch;
pub mod solve_bench;
pub mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root folder (the `schoolplan` package), where `maps/` and `tests/data/`
/// are.
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit/ lies in the repository")
}

/// `target/<profile>/` of the running test binary (which lies in `target/<profile>/deps/`).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps")
        .to_path_buf()
}

/// The `schoolplan` binary cargo built for the running integration test (the file
/// `CARGO_BIN_EXE_schoolplan` names inside the test itself: `target/<profile>/schoolplan`).
pub fn schoolplan_bin() -> PathBuf {
    let bin = profile_dir().join(format!("schoolplan{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is not built: run the tests through `cargo test`",
        bin.display()
    );
    bin
}

/// Runs one of the crate's example programs (built by `cargo test` beside the test binaries,
/// in `target/<profile>/examples/`) with `args`, and panics with its output when it fails.
/// Tests use this to check the map generators without compiling their source into the test.
pub fn run_example(name: &str, args: &[&std::ffi::OsStr]) {
    let bin = profile_dir()
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
