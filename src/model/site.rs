//! Candidate sites for new schools.

use geo::Coord;

use super::school::Level;

/// A site where a new school may be built.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Unique id (`id`).
    pub id: String,
    /// Name (`name`), may be empty.
    pub name: String,
    /// Position (centroid for parcels) in local metres.
    pub pos: Coord<f64>,
    /// Position in WGS 84 degrees.
    pub lonlat: Coord<f64>,
    /// Levels the site may host (`levels`, comma-separated); `None` = any.
    pub levels: Option<Vec<Level>>,
    /// Cost of building here (`cost`, in the scenario's currency unit), when given.
    pub cost: Option<f64>,
    /// Largest school the site can take, in classes (`max_classes`), when given.
    pub max_classes: Option<u32>,
    /// Index of the county the site lies in, if any.
    pub county: Option<usize>,
    /// Index of the township the site lies in, if any.
    pub township: Option<usize>,
    /// The site stands at the seat (乡镇政府驻地) of this township (`township_seat`, its code).
    pub township_seat: Option<String>,
    /// Marked `synthetic = true` in the input.
    pub synthetic: bool,
    /// Index of the feature in its file.
    pub feature_index: usize,
}

impl Candidate {
    /// Whether a school of `level` may be built here.
    pub fn allows(&self, level: Level) -> bool {
        self.levels.as_ref().is_none_or(|ls| ls.contains(&level))
    }
}
