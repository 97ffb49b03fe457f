//! # schoolplan
//!
//! A spatial engine for school layout planning (中小学幼儿园布局规划).
//!
//! **The pipeline in one paragraph.** A *scenario* file (TOML) names the input layers: schools,
//! population cells, counties and townships, candidate sites and an optional road network.
//! [`io`] reads the scenario into [`config`] (what the scenario means) and the layers into
//! [`model`], converting GCJ-02 / BD-09 coordinates to WGS 84 and projecting everything once into
//! metres in a local transverse-Mercator projection ([`geodesy`]); from then on the library works
//! only in metres. [`coverage`] measures who is within reach of which school (straight line, road
//! network via [`spatial`], or an external cost matrix) and how full each school is; [`rules`]
//! checks the plan's siting rules as data and produces findings with evidence; [`solve`] holds
//! the location solvers, which see cost matrices, never geometry; [`propose`] turns a scenario's
//! requests into solver instances and builds the answers into the map; [`report`] writes the
//! GeoJSON layers, QGIS project, `summary.json` and the HTML / Markdown report, projecting back
//! to WGS 84 once on the way out; [`pipeline`] runs the whole analysis for the commands of
//! [`cli`].
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
//! ## Modules: the rooms and what each may use
//!
//! Dependencies flow one way, from the bottom up; `tests/layering.rs` fails when a module uses
//! one above it.
//!
//! | module | holds | may use |
//! | --- | --- | --- |
//! | [`error`], [`rng`], [`round`], [`csv_cell`] | errors and problems as data; the one seeded generator; rounding before writing; spreadsheet-safe CSV cells | — (any module may use them) |
//! | [`geodesy`] | datums (GCJ-02, BD-09), the local projection | error |
//! | [`model`] | schools, demand cells, areas, candidates, roads, cost matrix — metres | geodesy |
//! | [`config`] | the scenario's meaning: levels, distance, accessibility, layers | model, geodesy |
//! | [`spatial`] | the spatial index wrapper, point-in-area, the road graph and shortest paths | config, model |
//! | [`forecast`] | the cohort-component projection of the children of the plan year | config, model |
//! | [`zones`] | attendance zones: the exact capacitated transportation solver, per county | spatial and below |
//! | [`coverage`] | settings per cell, reach, nearest school, capacity allocation, 2SFCA, zones, area shares, coverage gaps and their fixes (`coverage::gaps`) | forecast, zones, spatial and below |
//! | [`rules`] | rule kinds (one file each), findings | coverage and below |
//! | [`solve`] | LSCP, MCLP, p-median, p-center, capacitated variants, bounds | error, rng only |
//! | [`propose`] | scenario requests and point layers (`schoolplan solve`) → solver instances through one cost builder → schools built into the map | rules, solve and below |
//! | [`consistency`] | cross-checks between a scenario and its layers, rules and requests | propose and below |
//! | [`report`] | layers, QGIS project and styles, summary, HTML / Markdown, compare; owned output folders and atomic writes | propose and below |
//! | [`io`] | files → config and model (scenario TOML, GeoJSON and the other formats, matrix CSV, points) | spatial and below |
//! | [`pipeline`] | load → measure → propose → check → report, shared by the commands; `pipeline::solve`, a location problem on point files (`schoolplan solve`) | all but cli |
//! | [`cli`] | argument parsing, printing, exit codes | everything |
//!
//! **Where new work goes.** A new input format: a reader in [`io`] producing the same
//! [`model`] types (and its scenario keys in [`config`]). A new rule kind: one file in
//! `rules/kinds/` plus its registry entry. A new solver: one file in [`solve`] taking cost
//! lists, with a brute-force oracle test. A new report section: one small function in
//! [`report`] per section. A new command: one file in [`cli`] that only parses, calls the
//! library and maps errors to exit codes.

#![deny(missing_docs)]

pub mod cli;
pub mod config;
pub mod consistency;
pub mod coverage;
pub mod csv_cell;
pub mod error;
pub mod forecast;
pub mod geodesy;
pub mod io;
pub mod model;
pub mod pipeline;
pub mod propose;
pub mod report;
pub mod rng;
pub mod round;
pub mod rules;
pub mod solve;
pub mod spatial;
pub mod zones;
