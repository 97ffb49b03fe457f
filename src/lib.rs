//! # schoolplan
//!
//! A spatial engine for school layout planning (中小学幼儿园布局规划).
//!
//! **The pipeline in one paragraph.** A *scenario* file (TOML, [`io::scenario`]) names the input
//! layers: schools, population cells, counties and townships, candidate sites and an optional
//! road network. [`io`] reads them, converts GCJ-02 / BD-09 coordinates to WGS 84 and projects
//! everything once into metres in a local transverse-Mercator projection ([`spatial`]); from then
//! on the library works only in metres ([`model`]). [`coverage`] measures who is within reach of
//! which school (straight line, road network or an external cost matrix) and how full each school
//! is; [`rules`] checks the plan's siting rules as data and produces findings with evidence;
//! [`solve`] proposes new sites and expansions with a certified optimality gap; [`report`] writes
//! the GeoJSON layers, QGIS styles, `summary.json` and the HTML / Markdown report, projecting back
//! to WGS 84 once on the way out; [`cli`] is the command line.
//!
//! ## Glossary
//!
//! - **Demand cell**: a population cell (grid square or point) represented by its centroid, with
//!   residents per cohort (ages 3–5, 6–11, 12–14, 15–17).
//! - **Level**: kindergarten, primary, junior, nine-year (serves primary and junior), senior,
//!   special, vocational.
//! - **Coverage radius**: the service distance of a level; a cell is *covered* when the distance
//!   to the nearest open school of the level is **≤** the radius (inclusive).
//! - **Catchment**: the cells assigned to a school.
//! - **Candidate**: a site where a new school may be built.
//! - **LSCP**: location set covering problem — fewest sites covering all (or a share of) demand.
//! - **MCLP**: maximal covering location problem — most demand covered by `p` sites.
//! - **p-median**: least total demand-weighted distance with `p` sites.
//! - **p-center**: least worst distance with `p` sites.
//!
//! ## Modules
//!
//! Dependencies flow one way: `io → model → spatial → coverage → rules / solve → propose →
//! report → cli`.

#![deny(missing_docs)]

pub mod cli;
pub mod consistency;
pub mod coverage;
pub mod csv_cell;
pub mod error;
pub mod io;
pub mod model;
pub mod pipeline;
pub mod propose;
pub mod report;
pub mod rng;
pub mod rules;
pub mod solve;
pub mod spatial;
