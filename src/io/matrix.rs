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

/// Stop collecting problems after this many.
pub const MAX_PROBLEMS: usize = 100;

/// The pairs of a cost-matrix file, ids interned in order of first appearance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CostMatrix {
    /// The file read (for messages).
    pub file: String,
    origins: Vec<String>,
    destinations: Vec<String>,
    entries: Vec<(u32, u32, f64)>,
}

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
    CostMatrix::from_reader(std::io::BufReader::new(f), &file)
}

fn problem(file: &str, expected: &str, found: String) -> Problem {
    Problem::file(Severity::Error, file, expected, found)
}

impl CostMatrix {
    /// Parses CSV text from `reader`; `file` names it in problems.
    pub fn from_reader(reader: impl Read, file: &str) -> Result<CostMatrix, Error> {
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
            let p =
                problem(file, "columns origin_id, destination_id and cost", found).at_line(1, 1);
            return Err(Error::Invalid(vec![p]));
        };
        let mut m = CostMatrix {
            file: file.to_string(),
            ..CostMatrix::default()
        };
        let mut origin_ix: HashMap<String, u32> = HashMap::new();
        let mut dest_ix: HashMap<String, u32> = HashMap::new();
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
                let oi = intern(&mut origin_ix, &mut m.origins, o);
                let di = intern(&mut dest_ix, &mut m.destinations, d);
                if let Some(first) = seen.insert((oi, di), row) {
                    let found = format!("the pair ({o}, {d}) again (first in record {first})");
                    problems.push(at(problem(file, "each pair once", found), "destination_id"));
                } else {
                    m.entries.push((oi, di, cost));
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

    /// The distinct origin and destination ids of the file, in order of first appearance.
    pub fn ids(&self) -> (&[String], &[String]) {
        (&self.origins, &self.destinations)
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the file holds no pair.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every pair as `(origin id, destination id, cost)`, in file order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str, f64)> + '_ {
        self.entries.iter().map(|&(o, d, c)| {
            (
                self.origins[o as usize].as_str(),
                self.destinations[d as usize].as_str(),
                c,
            )
        })
    }

    /// The pairs between the given origins and destinations (matched by id), as per-origin
    /// `(destination index, cost)` lists sorted by cost, then index; ids of the file absent from
    /// both slices are skipped. Also returns the origin ids of the file that match no origin
    /// given (sorted), for a warning.
    pub fn lists_for(
        &self,
        origin_ids: &[&str],
        destination_ids: &[Option<&str>],
    ) -> (Vec<Vec<(usize, f64)>>, Vec<String>) {
        let o_of: HashMap<&str, usize> = origin_ids
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, i))
            .collect();
        let d_of: HashMap<&str, usize> = destination_ids
            .iter()
            .enumerate()
            .filter_map(|(j, s)| s.map(|s| (s, j)))
            .collect();
        let file_o: Vec<Option<usize>> = self
            .origins
            .iter()
            .map(|s| o_of.get(s.as_str()).copied())
            .collect();
        let file_d: Vec<Option<usize>> = self
            .destinations
            .iter()
            .map(|s| d_of.get(s.as_str()).copied())
            .collect();
        let mut lists = vec![Vec::new(); origin_ids.len()];
        for &(o, d, c) in &self.entries {
            if let (Some(i), Some(j)) = (file_o[o as usize], file_d[d as usize]) {
                lists[i].push((j, c));
            }
        }
        for l in &mut lists {
            l.sort_unstable_by(|a: &(usize, f64), b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        }
        let mut unknown: Vec<String> = self
            .origins
            .iter()
            .zip(&file_o)
            .filter(|(_, i)| i.is_none())
            .map(|(s, _)| s.clone())
            .collect();
        unknown.sort();
        (lists, unknown)
    }
}

fn intern(ix: &mut HashMap<String, u32>, names: &mut Vec<String>, s: &str) -> u32 {
    if let Some(&i) = ix.get(s) {
        return i;
    }
    let i = names.len() as u32;
    names.push(s.to_string());
    ix.insert(s.to_string(), i);
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs_in_any_column_order() {
        let text = "cost,origin_id,destination_id,note\n12.5,c1,s1,x\n3,c1,s2,\n";
        let m = CostMatrix::from_reader(text.as_bytes(), "m.csv").unwrap();
        assert_eq!(m.len(), 2);
        let (lists, unknown) = m.lists_for(&["c0", "c1"], &[Some("s1"), Some("s2")]);
        assert_eq!(lists, vec![vec![], vec![(1, 3.0), (0, 12.5)]]);
        assert!(unknown.is_empty());
    }

    #[test]
    fn problems_name_file_record_and_column() {
        let text = "origin_id,destination_id,cost\nc1,s1,-1\nc1,s1,2\nc1,s1,3\n,s2,1\n";
        let Err(Error::Invalid(ps)) = CostMatrix::from_reader(text.as_bytes(), "m.csv") else {
            panic!("expected problems")
        };
        assert_eq!(ps.len(), 3, "{ps:?}");
        assert_eq!(ps[0].property.as_deref(), Some("cost"));
        assert_eq!(ps[0].feature_index, Some(0));
        assert_eq!(ps[0].line_column, Some((2, 1)));
        assert!(ps[1].found.contains("again"));
        assert_eq!(ps[2].property.as_deref(), Some("origin_id"));
        assert!(ps[2].to_string().starts_with("error: m.csv:5:1: feature 3"));
        let missing = CostMatrix::from_reader("a,b\n1,2\n".as_bytes(), "m.csv");
        assert!(matches!(missing, Err(Error::Invalid(_))));
    }
}
