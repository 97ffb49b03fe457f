//! Geometry in metres: datum conversion, the local projection, spatial indexes, road networks.

pub mod crs;
pub mod datum;
pub mod graph_costs;
pub mod index;
pub mod locate;
pub mod network;
pub mod projection;
