//! Road network segments.

use geo::LineString;

/// One road or path segment (a LineString of the network layer), in local metres.
#[derive(Debug, Clone, PartialEq)]
pub struct Road {
    /// `id` property, or the feature index as text.
    pub id: String,
    /// Geometry in local metres.
    pub line_m: LineString<f64>,
    /// Travel speed (`speed_kmh`), used when the scenario measures minutes.
    pub speed_kmh: Option<f64>,
    /// One-way in the direction of digitisation (`oneway`).
    pub oneway: bool,
    /// Crossing an arterial road or railway (`barrier`): excluded for levels that forbid it.
    pub barrier: bool,
    /// A cost for the whole segment from a named property (`--cost-field`), when asked for.
    pub cost: Option<f64>,
    /// Index of the feature in its file.
    pub feature_index: usize,
}
