//! Errors and problems.
//!
//! A [`Problem`] is one thing wrong (or suspicious) in an input: it names the file, the feature
//! (index and id), the property, what was expected and what was found. Loaders collect *all*
//! problems of a file before giving up, the way `geo`'s validation reports every problem rather
//! than the first. An [`Error`] is why the tool could not run; it maps to exit code 2.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How serious a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input cannot be used as it is: the run stops with exit code 2.
    Error,
    /// Suspicious but usable (for example a school outside every area): reported, run continues.
    Warning,
}

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in, as given (relative to the working directory when possible).
    pub file: String,
    /// Zero-based index of the feature (or CSV record) in the file, when the problem is in one.
    pub feature_index: Option<usize>,
    /// The feature's `id` (or `code`) property, when it has one.
    pub feature_id: Option<String>,
    /// The property (or `geometry`) concerned.
    pub property: Option<String>,
    /// What was expected.
    pub expected: String,
    /// What was found.
    pub found: String,
    /// Line and column in the file (1-based), for syntax errors.
    pub line_column: Option<(usize, usize)>,
    /// The spreadsheet row (1-based, the header is row 1) of a record of a CSV or XLSX table;
    /// messages then say `row N` instead of `feature N`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
}

impl Problem {
    /// A problem with the whole file (no feature).
    pub fn file(
        severity: Severity,
        file: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Problem {
            severity,
            file: file.into(),
            feature_index: None,
            feature_id: None,
            property: None,
            expected: expected.into(),
            found: found.into(),
            line_column: None,
            row: None,
        }
    }

    /// Sets the feature index and id.
    pub fn at_feature(mut self, index: usize, id: Option<&str>) -> Self {
        self.feature_index = Some(index);
        self.feature_id = id.map(str::to_string);
        self
    }

    /// Sets the spreadsheet row of a table record (shown instead of the feature index).
    pub fn at_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    /// Sets the property concerned.
    pub fn on_property(mut self, property: impl Into<String>) -> Self {
        self.property = Some(property.into());
        self
    }

    /// Sets the line and column.
    pub fn at_line(mut self, line: usize, column: usize) -> Self {
        self.line_column = Some((line, column));
        self
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.file)?;
        if let Some((l, c)) = self.line_column {
            write!(f, ":{l}:{c}")?;
        }
        if let Some(r) = self.row {
            write!(f, ": row {r}")?;
            if let Some(id) = &self.feature_id {
                write!(f, " (id {id:?})")?;
            }
        } else if let Some(i) = self.feature_index {
            write!(f, ": feature {i}")?;
            if let Some(id) = &self.feature_id {
                write!(f, " (id {id:?})")?;
            }
        }
        if let Some(p) = &self.property {
            write!(f, ": property `{p}`")?;
        }
        write!(f, ": expected {}, found {}", self.expected, self.found)
    }
}

/// Why the tool could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A scenario file is malformed.
    #[error("{file}: {message}")]
    Scenario {
        /// The scenario file.
        file: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
    /// Input layers have problems that make them unusable (all of them are listed).
    #[error("{} problem(s) in the input:\n{}", .0.iter().filter(|p| p.is_error()).count(), format_problems(.0))]
    Invalid(Vec<Problem>),
    /// The projection could not be set up.
    #[error("projection: {0}")]
    Projection(String),
    /// A request that cannot be served (bad command-line values, impossible options).
    #[error("{0}")]
    Usage(String),
    /// An output could not be produced.
    #[error("output {path}: {message}")]
    Output {
        /// The output file or folder.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

fn format_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A number as shown in messages: plain when moderate, in exponent form when huge or tiny
/// (`1e300`, not three hundred digits).
pub fn shown(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_feature_property_expected_found() {
        let p = Problem::file(Severity::Error, "schools.geojson", "a number ≥ 0", "-3")
            .at_feature(4, Some("k-12"))
            .on_property("capacity_seats");
        let s = p.to_string();
        assert_eq!(
            s,
            "error: schools.geojson: feature 4 (id \"k-12\"): property `capacity_seats`: expected a number ≥ 0, found -3"
        );
    }

    #[test]
    fn invalid_lists_every_problem() {
        let e = Error::Invalid(vec![
            Problem::file(Severity::Error, "a", "x", "y"),
            Problem::file(Severity::Warning, "b", "x", "y"),
        ]);
        let s = e.to_string();
        assert!(s.starts_with("1 problem(s)"));
        assert!(s.contains("error: a") && s.contains("warning: b"));
    }
}
