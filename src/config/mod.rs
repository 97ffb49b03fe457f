//! Configuration: what a scenario *means* — plain data at the bottom of the library.
//!
//! The serde types ending in `File` are the scenario format as written (every field optional,
//! so that a file extending another may set only what it changes); their doc comments are the
//! specification the README's scenario table is drawn from. [`Scenario`] is the resolved form
//! the engine works with: files merged, paths resolved, defaults applied.
//!
//! Reading and merging scenario files (`extends`, `include`, relative paths) is the job of
//! [`crate::io::scenario`]; everything else depends on this module, never on `io`.
//!
//!
//! A scenario names its input layers (paths relative to the scenario file), the school levels
//! with their service radius, class-size standard and the population field holding their cohort,
//! the rules to check, the proposals to make and where outputs go. Every key is documented on the
//! serde types below; **unknown keys are an error** naming the key and the file.
//!
//! ## Inheritance
//!
//! `extends = "baseline-2020.toml"` loads a base scenario first and applies this file on top:
//! a plan scenario is the baseline plus its changes. Merging is key by key: a value set here
//! replaces the base's; tables (`layers`, `levels.<level>`, `distance`, `population`, …) merge
//! field by field; `rules` and `proposals` are appended to the base's, and a rule with the same
//! `id` as one in the base replaces it. Paths are resolved relative to the file that wrote them.
//! `include = ["rules/fushun-2025.toml"]` appends the `[[rules]]` of preset files.
//!
//! ```toml
//! name = "demo-baseline"
//! title = "Demo town, baseline"
//! language = "en"
//!
//! [layers.schools]
//! path = "schools.geojson"
//! datum = "wgs84"
//!
//! [layers.population]
//! path = "population.geojson"
//!
//! [levels.primary]
//! radius_m = 500
//! class_size = 45
//! cohort_field = "pop_6_11"
//! ```

mod access;

pub use access::{
    rural_default, BirthRecord, BirthsAfter, CountyRates, ForecastConfig, ForecastCountyFile,
    ForecastFile, Setting, SettingFile, SettingStandard, SettingsConfig, SettingsFile,
};

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub mod formats;

pub use formats::{Format, RasterPart};

use crate::geodesy::datum::Datum;
use crate::model::Level;

/// One scenario file as written (every field optional, so that a file extending another may set
/// only what it changes).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Short name, used for the default output folder `out/<name>/`. Defaults to the file stem.
    /// A plain name: not empty, no path separators (`/`, `\`), not `.` or `..`, no control
    /// characters and none of `< > : " | ? *` (so it is a folder name on every system).
    pub name: Option<String>,
    /// Human title shown in reports.
    pub title: Option<String>,
    /// Free text describing the scenario.
    pub description: Option<String>,
    /// Report language: `zh` (Chinese) or `en` (English, the default).
    pub language: Option<Language>,
    /// The year the scenario describes (for reports), e.g. 2020.
    pub year: Option<i32>,
    /// A base scenario to extend, relative to this file.
    pub extends: Option<PathBuf>,
    /// Rule preset files whose `[[rules]]` are appended, relative to this file.
    #[serde(default)]
    pub include: Vec<PathBuf>,
    /// Input layers.
    #[serde(default)]
    pub layers: LayersFile,
    /// How distance is measured.
    #[serde(default)]
    pub distance: DistanceFile,
    /// Population options: cohort shares per county, projection factors.
    #[serde(default)]
    pub population: PopulationFile,
    /// School levels to measure, keyed by level name (`kindergarten`, `primary`, `junior`,
    /// `senior`, `special`, `vocational`).
    #[serde(default)]
    pub levels: BTreeMap<Level, LevelFile>,
    /// Accessibility index (two-step floating catchment) options.
    #[serde(default)]
    pub accessibility: AccessibilityFile,
    /// The coverage-gap report (`[gaps]`).
    #[serde(default)]
    pub gaps: GapsFile,
    /// How cells get their setting (urban or rural); without it every cell is urban.
    pub settings: Option<SettingsFile>,
    /// Cohort-component forecast of the children of `year` from a base census.
    pub forecast: Option<ForecastFile>,
    /// Rules to check (`[[rules]]` tables; see `schoolplan rules` for the kinds).
    #[serde(default)]
    pub rules: Vec<toml::Table>,
    /// Proposal requests (`[[proposals]]` tables).
    #[serde(default)]
    pub proposals: Vec<toml::Table>,
    /// Outputs.
    #[serde(default)]
    pub outputs: OutputsFile,
}

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    #[default]
    En,
    /// Chinese (simplified).
    Zh,
}

/// `[layers]`: the input files. Each is a table `{ path = "…", datum = "gcj02" }`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LayersFile {
    /// Schools (Point features). Required.
    pub schools: Option<LayerSpec>,
    /// Population cells (Polygon, MultiPolygon or Point features). Required.
    pub population: Option<LayerSpec>,
    /// Counties (Polygon / MultiPolygon with `code` and `name`).
    pub counties: Option<LayerSpec>,
    /// Townships (Polygon / MultiPolygon with `code`, `name` and `kind`).
    pub townships: Option<LayerSpec>,
    /// Candidate sites for new schools (Point or Polygon).
    pub candidates: Option<LayerSpec>,
    /// Road network (LineString / MultiLineString).
    pub network: Option<LayerSpec>,
    /// Cost matrix CSV (`origin_id,destination_id,cost`), for `distance.mode = "matrix"`.
    pub matrix: Option<LayerSpec>,
}

/// One input layer.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LayerSpec {
    /// File path, relative to the scenario file that names it.
    pub path: PathBuf,
    /// Datum of the coordinates: `wgs84` (default), `gcj02` (Amap, Tencent, DataV) or `bd09`
    /// (Baidu). Converted to WGS 84 on load.
    #[serde(default)]
    pub datum: Datum,
    /// Property holding the area code, when it is not `code` (DataV boundaries use `adcode`).
    pub code_field: Option<String>,
    /// File format, when the extension does not tell it: `geojson`, `gpkg`, `shapefile`, `csv`,
    /// `xlsx`, `geotiff`, `asc` (ESRI ASCII grid) or `osm_pbf`. See the README's input formats.
    pub format: Option<Format>,
    /// Layer (table) of a GeoPackage with several feature tables, or sheet of an XLSX workbook.
    pub layer: Option<String>,
    /// Coordinate reference system of the file, overriding the one it declares:
    /// `EPSG:4549`, `EPSG:4490`, `wgs84`, … (see [`crate::geodesy::crs`]). Point tables and
    /// ASCII grids have none of their own: `wgs84` lon/lat unless given (or `datum` set).
    pub crs: Option<String>,
    /// Point tables (CSV, XLSX): the column holding x (longitude or easting).
    pub x_field: Option<String>,
    /// Point tables (CSV, XLSX): the column holding y (latitude or northing).
    pub y_field: Option<String>,
    /// Text encoding of a Shapefile's DBF or a CSV, overriding `.cpg` / the DBF language byte:
    /// `UTF-8`, `GBK` (also `GB18030`, `CP936`), `Big5`, …
    pub encoding: Option<String>,
    /// Property names read from differently named columns: `{ name = "学校名称",
    /// capacity_seats = "CAP_SEATS" }` (a Shapefile truncates names to 10 characters).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Raster population: band holding `pop_total` (1-based, default 1).
    pub band: Option<u32>,
    /// Raster population: cohort fields summed from other rasters (WorldPop age/sex rasters),
    /// e.g. `pop_6_11 = ["chn_f_5_2020.tif", "chn_m_5_2020.tif", { path = "chn_f_10_2020.tif",
    /// factor = 0.4 }]`; paths relative to the scenario file.
    #[serde(default)]
    pub cohort_rasters: BTreeMap<String, Vec<RasterPart>>,
}

/// Distance measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DistanceMode {
    /// Straight-line (Euclidean) distance in the local projection.
    #[default]
    Straight,
    /// Shortest path along the road network, plus straight access legs to the network.
    Network,
    /// Costs read from the matrix CSV; missing pairs are unreachable.
    Matrix,
}

/// Unit of distances and radii.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CostUnit {
    /// Metres (`radius_m` applies).
    #[default]
    M,
    /// Minutes of travel (`radius_min` applies; network speeds from `speed_kmh`).
    Min,
}

impl CostUnit {
    /// The unit symbol used in outputs and messages: `m` or `min`.
    pub fn symbol(self) -> &'static str {
        match self {
            CostUnit::M => "m",
            CostUnit::Min => "min",
        }
    }
}

/// `[distance]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DistanceFile {
    /// `straight` (default), `network` or `matrix`.
    pub mode: Option<DistanceMode>,
    /// `m` (default) or `min`.
    pub unit: Option<CostUnit>,
    /// Walking speed for access legs and roads without `speed_kmh`, km/h (default 4.5).
    pub walk_speed_kmh: Option<f64>,
    /// Largest straight access leg from a cell or school to the network, metres (default 1000);
    /// farther points are unreachable, with that reason.
    pub snap_max_m: Option<f64>,
    /// Network vertices closer than this are joined, metres (default 1.0).
    pub join_tolerance_m: Option<f64>,
}

/// `[population]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationFile {
    /// Cohort shares per county code, for cells that carry only `pop_total`:
    /// `[population.cohort_shares.210402] pop_3_5 = 0.0154`.
    #[serde(default)]
    pub cohort_shares: BTreeMap<String, BTreeMap<String, f64>>,
    /// Projection factors per cohort field, applied to every cell (e.g. `pop_3_5 = 0.7` for a
    /// 30 % smaller kindergarten cohort).
    #[serde(default)]
    pub factors: BTreeMap<String, f64>,
}

/// `[levels.<level>]`: how one school level is measured. Unset fields take national defaults
/// (see [`LevelConfig::defaults`]).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LevelFile {
    /// Measure this level (default true once the level is listed).
    pub enabled: Option<bool>,
    /// Service radius in metres; a cell is covered when distance ≤ radius (inclusive).
    pub radius_m: Option<f64>,
    /// Service radius in minutes, when `distance.unit = "min"`.
    pub radius_min: Option<f64>,
    /// Class-size standard (pupils per class), used for seats = classes × class size.
    pub class_size: Option<f64>,
    /// Population field holding this level's cohort (e.g. `pop_6_11`).
    pub cohort_field: Option<String>,
    /// Share of the cohort expected to attend (gross enrolment rate), default 1.0.
    pub enrolment_rate: Option<f64>,
    /// Pupils of this level may not cross network edges flagged `barrier` (default false;
    /// the primary-school standard sets it true).
    pub avoid_barriers: Option<bool>,
    /// The standard per setting (`urban`, `rural`): `[levels.junior.settings.rural]` with
    /// `radius_m` / `radius_min` and `boarding_radius_m`. Urban defaults to the level's radius;
    /// rural to the defaults of [`rural_default`] when `[settings]` is given.
    #[serde(default)]
    pub settings: BTreeMap<Setting, SettingFile>,
    /// Compute attendance zones for this level (default false): every populated cell assigned
    /// to an open school of its county, least pupil-distance under seats.
    pub zones: Option<bool>,
}

/// `[accessibility]`: the two-step floating catchment area index (2SFCA).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccessibilityFile {
    /// Distance decay: `step` (default), `linear`, `gaussian` or `exponential`.
    pub decay: Option<Decay>,
    /// Catchment as a multiple of the level's radius (default 2.0).
    pub catchment_factor: Option<f64>,
}

/// `[gaps]`: how the coverage-gap report lists gaps (see `coverage::gaps`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GapsFile {
    /// Gaps with fewer children of their level than this (pupils, default 10) are not listed
    /// one by one but folded into one "scattered" line per township and level; 0 lists every
    /// gap.
    pub scattered_below: Option<f64>,
}

/// `[gaps]` with defaults applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GapsConfig {
    /// See [`GapsFile::scattered_below`] (pupils).
    pub scattered_below: f64,
}

impl Default for GapsConfig {
    fn default() -> Self {
        GapsConfig {
            scattered_below: 10.0,
        }
    }
}

/// Distance-decay function of the accessibility index; `d` is distance, `r` the catchment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decay {
    /// 1 when d ≤ r, else 0.
    #[default]
    Step,
    /// 1 − d/r when d ≤ r, else 0.
    Linear,
    /// Gaussian `(exp(-½(d/r)²) − exp(-½)) / (1 − exp(-½))` when d ≤ r, else 0 (Dai 2010).
    Gaussian,
    /// `exp(-3 d / r)` when d ≤ r, else 0.
    Exponential,
}

/// `[outputs]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutputsFile {
    /// Output folder, relative to the scenario file that sets it (default `out/<name>`,
    /// relative to the working directory). schoolplan writes only into a new folder, an empty
    /// one or one it wrote before (see `report::outdir`).
    pub dir: Option<PathBuf>,
}

/// A resolved scenario: files merged, paths absolute or relative to the working directory,
/// defaults applied.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file that was asked for.
    pub path: PathBuf,
    /// Name (default: file stem).
    pub name: String,
    /// Title (default: name).
    pub title: String,
    /// Description.
    pub description: String,
    /// Report language.
    pub language: Language,
    /// Year described.
    pub year: Option<i32>,
    /// Input layers, paths resolved.
    pub layers: LayersFile,
    /// Distance settings with defaults applied.
    pub distance: DistanceConfig,
    /// Population options.
    pub population: PopulationFile,
    /// Levels measured, in the fixed order of [`Level::SERVICE`].
    pub levels: Vec<LevelConfig>,
    /// Accessibility options.
    pub accessibility: AccessibilityConfig,
    /// The coverage-gap report options.
    pub gaps: GapsConfig,
    /// Setting classification (`None`: every cell urban).
    pub settings: Option<SettingsConfig>,
    /// The forecast, when the scenario has one.
    pub forecast: Option<ForecastConfig>,
    /// Rules, each with the file that declared it.
    pub rules: Vec<Sourced>,
    /// Proposal requests, each with the file that declared it.
    pub proposals: Vec<Sourced>,
    /// Output folder.
    pub out_dir: PathBuf,
    /// Every file read (the scenario, its bases and includes), for provenance.
    pub files: Vec<PathBuf>,
}

/// A raw table from a scenario file, parsed later by the module that owns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced {
    /// The file it came from.
    pub file: PathBuf,
    /// The table.
    pub table: toml::Table,
}

/// Distance settings with defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct DistanceConfig {
    /// Mode.
    pub mode: DistanceMode,
    /// Unit.
    pub unit: CostUnit,
    /// Walking speed, km/h.
    pub walk_speed_kmh: f64,
    /// Largest access leg, metres.
    pub snap_max_m: f64,
    /// Vertex join tolerance, metres.
    pub join_tolerance_m: f64,
}

/// One measured level with defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelConfig {
    /// The level.
    pub level: Level,
    /// Service radius in the scenario's cost unit (metres or minutes). Inclusive.
    pub radius: f64,
    /// Class-size standard.
    pub class_size: f64,
    /// Cohort field name.
    pub cohort_field: String,
    /// Gross enrolment rate applied to the cohort.
    pub enrolment_rate: f64,
    /// Avoid barrier edges on the network.
    pub avoid_barriers: bool,
    /// Boarding reach in urban cells, metres (usually none).
    pub urban_boarding_m: Option<f64>,
    /// The rural standard (`None`: the urban one).
    pub rural: Option<SettingStandard>,
    /// Attendance zones are computed.
    pub zones: bool,
}

impl LevelConfig {
    /// National defaults (RULES.md): radius 300 / 500 / 1000 m for kindergarten / primary /
    /// junior (GB 50180-2018 life circles), 2000 m senior, 5000 m special and vocational; class
    /// size 30 / 45 / 50 / 50 (GB 50099-2011; 幼儿园工作规程); cohorts 3–5, 6–11, 12–14, 15–17.
    pub fn defaults(level: Level) -> LevelConfig {
        let (radius, class_size, cohort, avoid) = match level {
            Level::Kindergarten => (300.0, 30.0, "pop_3_5", false),
            Level::Primary | Level::NineYear => (500.0, 45.0, "pop_6_11", true),
            Level::Junior => (1000.0, 50.0, "pop_12_14", false),
            Level::Senior => (2000.0, 50.0, "pop_15_17", false),
            Level::Special => (5000.0, 12.0, "pop_6_14", false),
            Level::Vocational => (5000.0, 45.0, "pop_15_17", false),
        };
        LevelConfig {
            level,
            radius,
            class_size,
            cohort_field: cohort.to_string(),
            enrolment_rate: 1.0,
            avoid_barriers: avoid,
            urban_boarding_m: None,
            rural: None,
            zones: false,
        }
    }

    /// The standard of a setting: urban is `radius` (and `urban_boarding_m`); rural is `rural`
    /// when set, else the urban one.
    pub fn standard(&self, setting: Setting) -> SettingStandard {
        let urban = SettingStandard {
            radius: self.radius,
            boarding_radius_m: self.urban_boarding_m,
        };
        match setting {
            Setting::Urban => urban,
            Setting::Rural => self.rural.unwrap_or(urban),
        }
    }

    /// The standard of each setting, indexed by [`Setting::index`].
    pub fn standards(&self) -> [SettingStandard; 2] {
        [self.standard(Setting::Urban), self.standard(Setting::Rural)]
    }
}

/// Accessibility options with defaults applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AccessibilityConfig {
    /// Decay function.
    pub decay: Decay,
    /// Catchment as a multiple of the level radius.
    pub catchment_factor: f64,
}

impl Scenario {
    /// The configuration of a level, if the scenario measures it.
    pub fn level(&self, level: Level) -> Option<&LevelConfig> {
        self.levels.iter().find(|l| l.level == level)
    }
}
