//! Reading and writing files: scenario TOML, GeoJSON layers with per-feature context, cost
//! matrices, and atomic writers. Only `io` and `report` touch file formats.

pub mod features;
pub mod forecast;
pub mod formats;
pub mod input;
pub mod layers;
pub mod matrix;
pub mod points;
pub mod scenario;
