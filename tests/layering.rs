//! The layering of the library, kept true: each top-level module may use only the modules
//! below it. The allowed arrows are written here once; a `use crate::…` (or an inline
//! `crate::…` path) outside them fails the test with the file and line.
//!
//! From the bottom: `error` and `rng` (utilities), `geodesy` (datums, the local projection),
//! `model` (plain data in metres), `config` (what a scenario means), `spatial` (indexes,
//! location, road graph), `coverage`, `rules` / `solve` (solvers see matrices, not geometry),
//! `propose`, `report`; `io` turns files into configuration and model and is used only by
//! `pipeline` and `cli`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Leaf utilities any module may use: errors as data, the seeded generator, the
/// rounding before writing, the spreadsheet-safe CSV cell.
const UTILITIES: &[&str] = &["error", "rng", "round", "csv_cell"];

fn allowed() -> BTreeMap<&'static str, &'static [&'static str]> {
    const BASE: &[&str] = &["error", "rng"];
    let mut a: BTreeMap<&str, &[&str]> = BTreeMap::new();
    a.insert("error", &[]);
    a.insert("rng", &[]);
    a.insert("csv_cell", &[]);
    a.insert("round", &[]);
    a.insert("geodesy", BASE);
    a.insert("model", &["error", "rng", "geodesy"]);
    a.insert("config", &["error", "rng", "geodesy", "model"]);
    a.insert("spatial", &["error", "rng", "geodesy", "model", "config"]);
    a.insert("forecast", &["error", "rng", "geodesy", "model", "config"]);
    a.insert(
        "zones",
        &["error", "rng", "geodesy", "model", "config", "spatial"],
    );
    a.insert(
        "coverage",
        &[
            "error", "rng", "geodesy", "model", "config", "spatial", "forecast", "zones",
        ],
    );
    a.insert(
        "rules",
        &[
            "error", "rng", "geodesy", "model", "config", "spatial", "forecast", "zones",
            "coverage",
        ],
    );
    a.insert("solve", BASE);
    a.insert(
        "propose",
        &[
            "error", "rng", "geodesy", "model", "config", "spatial", "forecast", "zones",
            "coverage", "rules", "solve",
        ],
    );
    a.insert(
        "consistency",
        &[
            "error", "rng", "geodesy", "model", "config", "spatial", "forecast", "zones",
            "coverage", "rules", "solve", "propose",
        ],
    );
    a.insert(
        "report",
        &[
            "error", "rng", "geodesy", "model", "config", "spatial", "forecast", "zones",
            "coverage", "rules", "solve", "propose",
        ],
    );
    a.insert(
        "io",
        &["error", "rng", "geodesy", "model", "config", "spatial"],
    );
    a.insert(
        "pipeline",
        &[
            "error",
            "rng",
            "geodesy",
            "model",
            "config",
            "spatial",
            "forecast",
            "zones",
            "coverage",
            "rules",
            "solve",
            "propose",
            "consistency",
            "report",
            "io",
        ],
    );
    a.insert(
        "cli",
        &[
            "error",
            "rng",
            "geodesy",
            "model",
            "config",
            "spatial",
            "forecast",
            "zones",
            "coverage",
            "rules",
            "solve",
            "propose",
            "consistency",
            "report",
            "io",
            "pipeline",
        ],
    );
    a
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file belongs to (`src/coverage/reach.rs` → `coverage`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every `crate::name` referenced on a code line (comments are not dependencies).
fn references(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
        rest = after;
    }
    out
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed = allowed();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut seen_modules = BTreeSet::new();
    let mut violations = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(ok) = allowed.get(module.as_str()) else {
            violations.push(format!(
                "{}: module `{module}` is not in the layering table of tests/layering.rs",
                file.display()
            ));
            continue;
        };
        seen_modules.insert(module.clone());
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for r in references(line) {
                if r != module && !UTILITIES.contains(&r.as_str()) && !ok.contains(&r.as_str()) {
                    violations.push(format!(
                        "{}:{}: `{module}` uses `crate::{r}`, above it",
                        file.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        seen_modules.len() >= 10,
        "the walk found too few modules: {seen_modules:?}"
    );
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_checker_sees_a_violation() {
    assert_eq!(
        references("use crate::io::scenario::Scenario; // crate::cli"),
        vec!["io".to_string()]
    );
    assert!(references("//! see [`crate::report`]").is_empty());
}
