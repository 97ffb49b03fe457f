//! Geometry in metres: datum conversion, the local projection, spatial indexes, road networks.

pub mod datum;
pub mod projection;
