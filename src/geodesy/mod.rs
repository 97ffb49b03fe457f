//! Geodesy: datums and the local projection — how lon/lat becomes metres and back.
//!
//! Kept apart from indexing and routing ([`crate::spatial`]): readers convert GCJ-02 / BD-09
//! to WGS 84 with [`datum`] and project once into the local transverse-Mercator plane with
//! [`projection`]; writers project back once on the way out. Nothing else in the library
//! sees longitude or latitude.

pub mod crs;
pub mod datum;
pub mod projection;
