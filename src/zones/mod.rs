//! Attendance zones (学区): every populated cell assigned to an open school of its own county,
//! least total pupil-distance subject to seats.
pub mod transport;
