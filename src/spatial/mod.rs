//! Geometry in metres: spatial indexes, point-in-area location, road networks and routing.

pub mod graph_costs;
pub mod index;
pub mod locate;
pub mod network;
pub mod routing;
