//! The independent tools some tests check against (GDAL, osmium, Chromium, PyQGIS): a test
//! skips with a note when its tool is missing on a developer's machine, and fails under CI
//! (env `CI` set), where `.ci/run` installs them.

use std::process::Command;

/// Whether `program args…` runs and exits 0.
pub fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Reports a missing tool: panics under CI, else prints what is skipped and how to install it.
pub fn missing(tool: &str, package: &str, skipped: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{tool} is required under CI (apt-get install -y {package})");
    }
    eprintln!(
        "note: {tool} not found; skipping {skipped} (install with apt-get install -y {package})"
    );
}

/// Whether every one of `programs` answers `--version`; when not, [`missing`].
pub fn have(programs: &[&str], package: &str, skipped: &str) -> bool {
    let ok = programs.iter().all(|p| runs(p, &["--version"]));
    if !ok {
        missing(&programs.join(", "), package, skipped);
    }
    ok
}
