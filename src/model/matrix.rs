//! A travel-cost matrix computed elsewhere (OSRM, r5py, a transport model): pairs of
//! origin id (a demand cell), destination id (a school or candidate) and cost in the
//! scenario's unit. A pair not listed is unreachable. The reader (`io::matrix`) parses the CSV.

use std::collections::HashMap;

/// The pairs of a cost-matrix file, ids interned in order of first appearance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CostMatrix {
    /// The file it was read from (for messages).
    pub file: String,
    origins: Vec<String>,
    destinations: Vec<String>,
    entries: Vec<(u32, u32, f64)>,
}

impl CostMatrix {
    /// An empty matrix; `file` names its source in messages.
    pub fn new(file: &str) -> CostMatrix {
        CostMatrix {
            file: file.to_string(),
            ..CostMatrix::default()
        }
    }

    /// Adds a pair; returns the index of the pair's origin and destination (ids interned in
    /// order of first appearance). Duplicates are the reader's business.
    pub fn intern_pair(
        &mut self,
        ix: &mut MatrixInterner,
        origin: &str,
        destination: &str,
    ) -> (u32, u32) {
        (
            intern(&mut ix.origins, &mut self.origins, origin),
            intern(&mut ix.destinations, &mut self.destinations, destination),
        )
    }

    /// Records the cost of an interned pair.
    pub fn push(&mut self, origin: u32, destination: u32, cost: f64) {
        self.entries.push((origin, destination, cost));
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

/// Id-to-index maps used while a matrix is being filled.
#[derive(Debug, Default)]
pub struct MatrixInterner {
    origins: HashMap<String, u32>,
    destinations: HashMap<String, u32>,
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
