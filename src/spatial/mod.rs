//! Geometry in metres: datum conversion, the local projection, spatial indexes, road networks.

pub mod datum;
pub mod locate;
pub mod projection;
pub mod index;
pub mod network;
