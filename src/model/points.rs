//! Plain point layers: ids, WGS 84 positions and one number per point (a weight or a
//! capacity), as `schoolplan solve` reads them for a location problem from points.

/// The points of one layer, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PointLayer {
    /// The file, as shown in messages.
    pub file: String,
    /// Id of each feature (its index as text when the feature has none and ids are optional).
    pub ids: Vec<String>,
    /// Position of each feature, WGS 84 `[lon, lat]` degrees.
    pub lonlat: Vec<[f64; 2]>,
    /// The number read with each point (a weight or a capacity; empty when none was asked for).
    pub numbers: Vec<f64>,
}

impl PointLayer {
    /// Number of points.
    pub fn len(&self) -> usize {
        self.lonlat.len()
    }

    /// True when the layer holds no point.
    pub fn is_empty(&self) -> bool {
        self.lonlat.is_empty()
    }
}
