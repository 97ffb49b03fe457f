//! Demand: population cells with residents per cohort.

use geo::{Coord, MultiPolygon};

/// One populated cell (grid square, polygon or point), represented by its centroid.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandCell {
    /// Unique id (`id` property).
    pub id: String,
    /// Centroid in local metres: distances are measured from here.
    pub pos: Coord<f64>,
    /// Centroid in WGS 84 degrees.
    pub lonlat: Coord<f64>,
    /// The cell's polygon in local metres (`None` for point cells).
    pub shape_m: Option<MultiPolygon<f64>>,
    /// The cell's polygon in WGS 84 degrees, for output (`None` for point cells).
    pub shape_lonlat: Option<MultiPolygon<f64>>,
    /// Total residents (`pop_total`), when given.
    pub pop_total: Option<f64>,
    /// Residents per cohort, aligned with [`DemandLayer::cohorts`].
    pub cohort_pop: Vec<f64>,
    /// Index of the county the centroid lies in, if any.
    pub county: Option<usize>,
    /// Index of the township the centroid lies in, if any.
    pub township: Option<usize>,
    /// Marked `synthetic = true` in the input.
    pub synthetic: bool,
    /// The residential area (小区, new housing development) the cell belongs to (`housing`), when
    /// the layer says; contiguous cells with the same value form one area (rule kind
    /// `min_coverage` with `clusters = "housing"`).
    pub housing: Option<String>,
    /// Index of the feature in its file.
    pub feature_index: usize,
}

/// All demand cells and the names of their cohort fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemandLayer {
    /// Cohort field names (for example `pop_3_5`, `pop_6_11`), sorted.
    pub cohorts: Vec<String>,
    /// The cells.
    pub cells: Vec<DemandCell>,
}

impl DemandLayer {
    /// Index of a cohort field, if the layer has it.
    pub fn cohort_index(&self, field: &str) -> Option<usize> {
        self.cohorts.iter().position(|c| c == field)
    }

    /// Residents of cohort `k` in every cell (0 where the cell has none).
    pub fn cohort_column(&self, k: usize) -> Vec<f64> {
        self.cells
            .iter()
            .map(|c| c.cohort_pop.get(k).copied().unwrap_or(0.0))
            .collect()
    }

    /// Sum of cohort `k` over all cells.
    pub fn cohort_total(&self, k: usize) -> f64 {
        self.cells
            .iter()
            .map(|c| c.cohort_pop.get(k).copied().unwrap_or(0.0))
            .sum()
    }
}
