//! Cost-matrix CSV: travel costs computed elsewhere (OSRM, r5py, a transport model).
//!
//! The file has a header row naming at least the columns `origin_id`, `destination_id` and
//! `cost` (in any order; other columns are ignored). Origin = population cell id, destination
//! = school or candidate id, cost in the scenario's unit (metres or minutes), a finite number
//! ≥ 0. Ids are compared as text. A pair listed twice is an error; a pair not listed is
//! *unreachable*. Every problem names the file, the record (zero-based data row, and the line)
//! and the column; all problems of the file are collected (up to [`MAX_PROBLEMS`]) before
//! giving up.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Problem, Severity};
use crate::model::matrix::{CostMatrix, MatrixInterner};

/// Stop collecting problems after this many.
pub const MAX_PROBLEMS: usize = 100;

/// Reads a cost-matrix CSV (see the module docs).
pub fn read_matrix(path: &Path) -> Result<CostMatrix, Error> {
    let file = path.display().to_string();
    let max = crate::io::input::MAX_MATRIX_BYTES;
    let f = crate::io::input::open_capped(path, max).map_err(|e| {
        Error::Invalid(vec![Problem::file(
            Severity::Error,
            file.clone(),
            e.expected(max),
            e.found(),
        )])
    })?;
    parse_matrix(std::io::BufReader::new(f), &file)
}

fn problem(file: &str, expected: &str, found: String) -> Problem {
    Problem::file(Severity::Error, file, expected, found)
}

/// Parses cost-matrix CSV text from `reader`; `file` names it in problems.
pub fn parse_matrix(reader: impl Read, file: &str) -> Result<CostMatrix, Error> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| Error::Invalid(vec![problem(file, "a CSV header row", e.to_string())]))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(oc), Some(dc), Some(cc)) = (col("origin_id"), col("destination_id"), col("cost"))
    else {
        let found = format!("header {:?}", headers.iter().collect::<Vec<_>>());
        let p = problem(file, "columns origin_id, destination_id and cost", found).at_line(1, 1);
        return Err(Error::Invalid(vec![p]));
    };
    let mut m = CostMatrix::new(file);
    let mut ix = MatrixInterner::default();
    let mut seen: HashMap<(u32, u32), usize> = HashMap::new();
    let mut problems = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut row = 0usize;
    loop {
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(
                    problem(file, "a well-formed CSV record", e.to_string())
                        .at_feature(row, None)
                        .at_line(line, 1),
                );
                row += 1;
                continue;
            }
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |c: usize| record.get(c).unwrap_or("");
        let (o, d, c) = (field(oc), field(dc), field(cc));
        let at = |p: Problem, column: &str| {
            p.at_feature(row, Some(o).filter(|s| !s.is_empty()))
                .on_property(column)
                .at_line(line, 1)
        };
        let mut bad = false;
        for (value, column) in [(o, "origin_id"), (d, "destination_id")] {
            if value.is_empty() {
                problems.push(at(problem(file, "an id", "an empty field".into()), column));
                bad = true;
            }
        }
        let cost = match c.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => v,
            _ => {
                problems.push(at(
                    problem(file, "a finite number ≥ 0", format!("{c:?}")),
                    "cost",
                ));
                bad = true;
                0.0
            }
        };
        if !bad {
            let (oi, di) = m.intern_pair(&mut ix, o, d);
            if let Some(first) = seen.insert((oi, di), row) {
                let found = format!("the pair ({o}, {d}) again (first in record {first})");
                problems.push(at(problem(file, "each pair once", found), "destination_id"));
            } else {
                m.push(oi, di, cost);
            }
        }
        row += 1;
    }
    if problems.is_empty() {
        Ok(m)
    } else {
        Err(Error::Invalid(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs_in_any_column_order() {
        let text = "cost,origin_id,destination_id,note\n12.5,c1,s1,x\n3,c1,s2,\n";
        let m = parse_matrix(text.as_bytes(), "m.csv").unwrap();
        assert_eq!(m.len(), 2);
        let (lists, unknown) = m.lists_for(&["c0", "c1"], &[Some("s1"), Some("s2")]);
        assert_eq!(lists, vec![vec![], vec![(1, 3.0), (0, 12.5)]]);
        assert!(unknown.is_empty());
    }

    #[test]
    fn problems_name_file_record_and_column() {
        let text = "origin_id,destination_id,cost\nc1,s1,-1\nc1,s1,2\nc1,s1,3\n,s2,1\n";
        let Err(Error::Invalid(ps)) = parse_matrix(text.as_bytes(), "m.csv") else {
            panic!("expected problems")
        };
        assert_eq!(ps.len(), 3, "{ps:?}");
        assert_eq!(ps[0].property.as_deref(), Some("cost"));
        assert_eq!(ps[0].feature_index, Some(0));
        assert_eq!(ps[0].line_column, Some((2, 1)));
        assert!(ps[1].found.contains("again"));
        assert_eq!(ps[2].property.as_deref(), Some("origin_id"));
        assert!(ps[2].to_string().starts_with("error: m.csv:5:1: feature 3"));
        let missing = parse_matrix("a,b\n1,2\n".as_bytes(), "m.csv");
        assert!(matches!(missing, Err(Error::Invalid(_))));
    }
}
