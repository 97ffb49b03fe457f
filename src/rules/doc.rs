//! The rule-kind registry: every kind's documentation as a value, rendered by
//! `schoolplan rules [KIND]` (the way `ruff rule CODE` renders ruff's rules).

use std::fmt::Write as _;

use super::common::Scope;
use super::kinds::DOCS;

/// One parameter of a rule kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamDoc {
    /// Key in the `[[rules]]` table.
    pub name: &'static str,
    /// TOML type, e.g. `number`, `filter`, `array of strings`.
    pub ty: &'static str,
    /// Default value; empty when the key is required.
    pub default: &'static str,
    /// What it means.
    pub meaning: &'static str,
}

/// The documentation of a rule kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleKindDoc {
    /// The name written in `kind = "…"`.
    pub kind: &'static str,
    /// One line.
    pub summary: &'static str,
    /// What it checks.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// Scopes it accepts.
    pub scopes: &'static [Scope],
    /// Kind-specific parameters (the keys every rule has are documented in [`crate::rules`]).
    pub parameters: &'static [ParamDoc],
    /// Measured value, threshold, comparison and unit, and whether the threshold is inclusive.
    pub threshold: &'static str,
    /// What missing data gives.
    pub missing_data: &'static str,
    /// The Fushun rules (RULES.md ids) that use it.
    pub used_by: &'static str,
    /// An example `[[rules]]` table (it parses: a test checks).
    pub example: &'static str,
}

/// Every rule kind, in a fixed order.
pub fn registry() -> &'static [&'static RuleKindDoc] {
    &DOCS
}

/// The documentation of `kind`, if it exists.
pub fn kind_doc(kind: &str) -> Option<&'static RuleKindDoc> {
    DOCS.iter().copied().find(|d| d.kind == kind)
}

/// One line per kind: name and summary (`schoolplan rules`).
pub fn render_kind_list() -> String {
    let width = DOCS.iter().map(|d| d.kind.len()).max().unwrap_or(0);
    let mut s = String::new();
    for d in DOCS {
        let _ = writeln!(s, "{:<width$}  {}", d.kind, d.summary);
    }
    s
}

/// The full documentation of a kind (`schoolplan rules KIND`), or `None` for an unknown kind.
pub fn render_kind_doc(kind: &str) -> Option<String> {
    let d = kind_doc(kind)?;
    let mut s = String::new();
    let _ = writeln!(s, "# {} — {}\n", d.kind, d.summary);
    let _ = writeln!(s, "## What it checks\n\n{}\n", d.what);
    let _ = writeln!(s, "## Why it matters\n\n{}\n", d.why);
    let scopes: Vec<&str> = d.scopes.iter().map(|x| x.name()).collect();
    let _ = writeln!(s, "## Scopes\n\n{}\n", scopes.join(", "));
    let _ = writeln!(s, "## Parameters\n");
    for p in d.parameters {
        let default = if p.default.is_empty() {
            "required".to_string()
        } else {
            format!("default {}", p.default)
        };
        let _ = writeln!(s, "- `{}` ({}, {}): {}", p.name, p.ty, default, p.meaning);
    }
    let _ = writeln!(
        s,
        "\nEvery rule also has `id`, `kind`, `title_zh`, `title_en`, `clause`, `scope` and \
         optionally `quote`, `areas`, `area_name`, `township_kinds`.\n"
    );
    let _ = writeln!(s, "## Threshold\n\n{}\n", d.threshold);
    let _ = writeln!(s, "## Missing data\n\n{}\n", d.missing_data);
    if !d.used_by.is_empty() {
        let _ = writeln!(s, "## Used by\n\n{}\n", d.used_by);
    }
    let _ = writeln!(s, "## Example\n\n```toml\n{}\n```", d.example.trim());
    Some(s)
}
