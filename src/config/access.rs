//! Access as a county planner measures it: urban and rural service standards, the children of
//! the plan year (a cohort-component forecast) and attendance zones.
//!
//! Scenario keys (all optional; without them a scenario measures one standard everywhere, the
//! census children and no zones):
//!
//! ```toml
//! # How cells get their setting: urban when any criterion says so, else rural.
//! [settings]
//! urban_township_kinds = ["street"]      # cells of 街道 are urban; 镇 and 乡 are rural …
//! urban_min_density_per_km2 = 1500       # … unless this dense (county towns)
//! urban_areas = ["210421100"]            # … or in these townships / counties
//!
//! # One standard per level and setting; unset ones take the defaults below.
//! [levels.junior.settings.rural]
//! radius_m = 3000
//! boarding_radius_m = 15000              # a boarding school this close also serves the cell
//!
//! [levels.primary]
//! zones = true                            # attendance zones for this level
//!
//! [forecast]
//! base_year = 2020
//! base_ages = "forecast/census-2020-ages.csv"
//! births = [ { year = 2019, births = 10742, source = "…" }, { year = 2022, births = 5745, source = "…" } ]
//! infant_survival = 0.9946
//! child_survival = 0.9997
//! migration = -0.016
//! urbanisation = 0.009
//! ```
//!
//! ## Default standards
//!
//! | level | urban | rural | sources |
//! | --- | --- | --- | --- |
//! | kindergarten | 300 m (15 min) | 1,000 m (15 min) | urban: GB 50180-2018 五分钟生活圈 (300 m); rural: **local assumption** (a 15-minute walk with a parent; no national distance standard for rural kindergartens) |
//! | primary | 500 m (15 min) | 2,000 m (30 min) | urban: GB 50180-2018 十分钟生活圈 (500 m); rural: 国办发〔2018〕27号 (grades 1–3 day pupils, "路途时间一般不超过半小时"); 2,000 m is 30 minutes at a child's 4 km/h — **local conversion** |
//! | junior | 1,000 m (20 min) | 3,000 m (45 min), boarding 15,000 m | urban: GB 50180-2018 十五分钟生活圈 (1,000 m); rural day reach **local assumption**; boarding: 乡镇寄宿制学校 of 国办发〔2018〕27号, the 15 km reach a **local assumption** (a township's extent) |
//! | senior, special, vocational | the level's radius | the same | — |
//!
//! Minutes apply when `distance.unit = "min"`. Rural primary has no boarding catchment by
//! default (27号: grades 4–6 may board "where housing, transport and safety are assured" —
//! the scenario says so with `boarding_radius_m`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::model::{AreaKind, Level};

/// The setting of a cell: which service standard applies.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Setting {
    /// Urban (城镇): the GB 50180-2018 life-circle standards.
    #[default]
    Urban,
    /// Rural (乡村): the rural standards.
    Rural,
}

impl Setting {
    /// Both settings, urban first.
    pub const ALL: [Setting; 2] = [Setting::Urban, Setting::Rural];

    /// Name in files.
    pub fn name(self) -> &'static str {
        match self {
            Setting::Urban => "urban",
            Setting::Rural => "rural",
        }
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Setting::Urban => "城镇",
            Setting::Rural => "乡村",
        }
    }

    /// Index into per-setting arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// `[settings]`: how a cell's setting is decided. A cell is urban when any criterion given says
/// so, else rural.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    /// Township kinds whose cells are urban: `street` (街道), `town` (镇), `township` (乡).
    pub urban_township_kinds: Option<Vec<AreaKind>>,
    /// Cells with at least this many residents (`pop_total`) per km² of their polygon are urban
    /// (county towns in a 镇; the urban-centre density of the UN/EU/OECD *Degree of
    /// Urbanisation* (2020) is 1,500 per km²). Point cells have no area: the criterion does not
    /// apply to them.
    pub urban_min_density_per_km2: Option<f64>,
    /// County or township codes whose cells are urban.
    pub urban_areas: Option<Vec<String>>,
}

/// `[settings]` resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsConfig {
    /// Township kinds whose cells are urban.
    pub urban_township_kinds: Vec<AreaKind>,
    /// Density threshold, residents per km².
    pub urban_min_density_per_km2: Option<f64>,
    /// County or township codes whose cells are urban.
    pub urban_areas: Vec<String>,
}

/// `[levels.<level>.settings.<setting>]`: the standard of one level in one setting.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SettingFile {
    /// Day-school radius in metres (inclusive).
    pub radius_m: Option<f64>,
    /// Day-school radius in minutes, when `distance.unit = "min"`.
    pub radius_min: Option<f64>,
    /// Straight-line reach of a boarding school (寄宿制, `boarding = true`), metres (inclusive):
    /// a cell beyond the day radius but within this distance of an open boarding school of the
    /// level is served.
    pub boarding_radius_m: Option<f64>,
}

/// The standard of one level in one setting, resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SettingStandard {
    /// Day-school radius in the scenario's unit (inclusive).
    pub radius: f64,
    /// Boarding reach in metres, when boarding schools serve the setting.
    pub boarding_radius_m: Option<f64>,
}

/// Default rural standard of a level in metres and minutes (see the module docs), or `None`
/// when the level has none of its own.
pub fn rural_default(level: Level) -> Option<(f64, f64, Option<f64>)> {
    match level {
        Level::Kindergarten => Some((1000.0, 15.0, None)),
        Level::Primary | Level::NineYear => Some((2000.0, 30.0, None)),
        Level::Junior => Some((3000.0, 45.0, Some(15000.0))),
        _ => None,
    }
}

/// One year of the births series.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BirthRecord {
    /// Calendar year.
    pub year: i32,
    /// Births in the year (any consistent scope: the series is used as an index).
    pub births: f64,
    /// Where the figure comes from.
    pub source: Option<String>,
}

/// How births are continued after the last recorded year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BirthsAfter {
    /// The last recorded value is held (an assumption, flagged).
    #[default]
    Hold,
    /// The average yearly rate of change between the first and last recorded years goes on.
    Trend,
}

/// Overrides of one county in `[forecast.counties.<code>]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ForecastCountyFile {
    /// Survival from age 0 to 1.
    pub infant_survival: Option<f64>,
    /// Yearly survival from age 1 on.
    pub child_survival: Option<f64>,
    /// Net migration per year, as a share of each cohort (negative: out-migration).
    pub migration: Option<f64>,
    /// Share of the rural children moving to the county's urban cells per year.
    pub urbanisation: Option<f64>,
}

/// `[forecast]`: children of the scenario's year by ageing the base population forward.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ForecastFile {
    /// The year the population layer describes (the census), e.g. 2020.
    pub base_year: Option<i32>,
    /// CSV of the base population by age and county: header `county,age_from,age_to,persons`
    /// (ages inclusive; a group is split evenly between its single years), relative to the
    /// scenario file.
    pub base_ages: Option<PathBuf>,
    /// Births per year; missing years between two records are interpolated geometrically and
    /// flagged as assumptions.
    #[serde(default)]
    pub births: Vec<BirthRecord>,
    /// How births continue after the last record (default `hold`).
    pub births_after: Option<BirthsAfter>,
    /// The base-year age whose census count anchors the births index (default 0): new
    /// cohorts are `P(anchor, base) × B(t) ÷ B(base − anchor)`. Censuses undercount infants;
    /// anchoring on age 1 uses the cohort of a year the births series records.
    pub anchor_age: Option<u32>,
    /// Survival from age 0 to 1 (default 0.9946: infant mortality 5.4‰, 国家卫生健康委
    /// 2020年我国卫生健康事业发展统计公报).
    pub infant_survival: Option<f64>,
    /// Yearly survival from age 1 on (default 0.9997; under-five mortality 7.5‰ in the same
    /// bulletin leaves about 0.5‰ a year for ages 1–4, less later).
    pub child_survival: Option<f64>,
    /// Net migration per year as a share of each cohort, every county (default 0).
    pub migration: Option<f64>,
    /// Share of the rural children moving to urban cells of their county per year (default 0).
    pub urbanisation: Option<f64>,
    /// Per-county overrides, keyed by county code.
    #[serde(default)]
    pub counties: BTreeMap<String, ForecastCountyFile>,
}

/// The yearly rates of one county.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CountyRates {
    /// Survival from age 0 to 1.
    pub infant_survival: f64,
    /// Yearly survival from age 1 on.
    pub child_survival: f64,
    /// Net migration per year (share of each cohort).
    pub migration: f64,
    /// Rural-to-urban shift per year (share of rural children).
    pub urbanisation: f64,
}

/// `[forecast]` resolved, with the base table read.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastConfig {
    /// Base (census) year.
    pub base_year: i32,
    /// The base table's file, for provenance.
    pub base_file: PathBuf,
    /// Base population per county code: persons by single year of age (index = age).
    pub base: BTreeMap<String, Vec<f64>>,
    /// Births as recorded, by year.
    pub births: Vec<BirthRecord>,
    /// Continuation after the last record.
    pub births_after: BirthsAfter,
    /// Base-year age anchoring the births index.
    pub anchor_age: u32,
    /// Rates of counties without overrides.
    pub default_rates: CountyRates,
    /// Rates per county code (only the overridden ones).
    pub county_rates: BTreeMap<String, CountyRates>,
}

impl ForecastConfig {
    /// The rates of a county.
    pub fn rates(&self, county: &str) -> CountyRates {
        self.county_rates
            .get(county)
            .copied()
            .unwrap_or(self.default_rates)
    }
}
