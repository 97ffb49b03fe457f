//! Plain data in metres: schools, demand cells, areas, candidate sites, roads.
//!
//! Everything here is already projected into the local transverse-Mercator plane (see
//! [`crate::geodesy::projection`]); WGS 84 copies are kept only to write outputs without a
//! round-trip error.

pub mod area;
pub mod demand;
pub mod matrix;
pub mod points;
pub mod project;
pub mod road;
pub mod school;
pub mod site;

pub use area::{Area, AreaKind};
pub use demand::{DemandCell, DemandLayer};
pub use points::PointLayer;
pub use project::ProjectKind;
pub use road::Road;
pub use school::{Level, Ownership, School, Status};
pub use site::Candidate;

use crate::error::Problem;
use crate::geodesy::projection::LocalProjection;

/// Everything a scenario loaded, in local metres.
#[derive(Debug, Clone)]
pub struct Map {
    /// The local projection all coordinates are in.
    pub projection: LocalProjection,
    /// Schools.
    pub schools: Vec<School>,
    /// Population cells.
    pub demand: DemandLayer,
    /// Counties (区/县).
    pub counties: Vec<Area>,
    /// Townships (乡/镇/街道).
    pub townships: Vec<Area>,
    /// Candidate sites (may be empty).
    pub candidates: Vec<Candidate>,
    /// Road network (may be empty).
    pub roads: Vec<Road>,
    /// Travel-cost matrix, in matrix distance mode.
    pub matrix: Option<matrix::CostMatrix>,
    /// For each school, the county and township it lies in.
    pub school_areas: Vec<(Option<usize>, Option<usize>)>,
    /// Warnings found while loading (errors stop the load).
    pub warnings: Vec<Problem>,
    /// Whether any layer is marked synthetic.
    pub synthetic: bool,
}

impl Map {
    /// Index of a county by code.
    pub fn county_by_code(&self, code: &str) -> Option<usize> {
        self.counties.iter().position(|a| a.code == code)
    }
}
