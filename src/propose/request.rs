//! `[[proposals]]`: what a planner asks the optimiser for.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::{Scenario, Sourced};
use crate::error::{Error, Result};
use crate::model::Level;

/// The longest solver time limit accepted, seconds (one day). Larger values (`1e300`) are
/// refused where they are read — the command line and `[[proposals]]` — never passed on.
pub const MAX_TIME_LIMIT_S: f64 = 86_400.0;

/// The location problem to solve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    /// Maximal covering (Church & ReVelle 1974): most demand within the radius. The default.
    #[default]
    Mclp,
    /// Set covering (Toregas et al. 1971): fewest new sites reaching `coverage_target`.
    Lscp,
    /// p-median (Hakimi 1964): least total demand-weighted distance.
    Pmedian,
    /// p-center: least worst distance.
    Pcenter,
}

impl Objective {
    /// The solver's problem.
    pub fn kind(self) -> crate::solve::Kind {
        use crate::solve::Kind;
        match self {
            Objective::Mclp => Kind::Mclp,
            Objective::Lscp => Kind::Lscp,
            Objective::Pmedian => Kind::Pmedian,
            Objective::Pcenter => Kind::Pcenter,
        }
    }
}

/// One `[[proposals]]` table.
///
/// ```toml
/// [[proposals]]
/// id = "P1-primary"
/// level = "primary"
/// objective = "mclp"
/// new_sites = 2
/// expansions = 4
/// areas = ["210402", "210403", "210404", "210411"]
/// capacitated = true
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalRequest {
    /// Stable id, used in outputs.
    pub id: String,
    /// Chinese title.
    pub title_zh: Option<String>,
    /// English title.
    pub title_en: Option<String>,
    /// Plan clause the request implements (e.g. "四(二)2").
    pub clause: Option<String>,
    /// Ids of the rules whose failures the request addresses (e.g. `["P1"]`), for the report.
    #[serde(default)]
    pub closes: Vec<String>,
    /// Level of the schools to site (`nine_year` sites serve primary and junior demand; the
    /// request measures primary).
    pub level: Level,
    /// Problem: `mclp` (default), `lscp`, `pmedian`, `pcenter`.
    #[serde(default)]
    pub objective: Objective,
    /// New schools to build (the `p` of the problem). For `lscp`, the most that may be used.
    #[serde(default)]
    pub new_sites: usize,
    /// Existing schools to expand (改扩建), chosen among open schools of the level inside
    /// `areas`.
    #[serde(default)]
    pub expansions: usize,
    /// Classes an expansion adds (default 6).
    pub expansion_classes: Option<u32>,
    /// Size of a new school in classes (default: 9 kindergarten, 24 primary, 18 junior,
    /// 27 nine-year, 24 senior, 9 special, 24 vocational), capped by a site's `max_classes`.
    pub new_school_classes: Option<u32>,
    /// Service radius in the scenario's unit (default: the level's radius).
    pub radius: Option<f64>,
    /// County or township codes where sites and expansions may be; empty = anywhere.
    #[serde(default)]
    pub areas: Vec<String>,
    /// Capacity-aware: a school's seats bound the demand it serves.
    #[serde(default)]
    pub capacitated: bool,
    /// A new site must be at least this far (metres, straight line) from existing open schools
    /// of the level.
    pub min_spacing_m: Option<f64>,
    /// At most this many new sites per township.
    pub max_per_township: Option<usize>,
    /// Budget for new sites and expansions (currency unit of the candidates' `cost`).
    pub budget: Option<f64>,
    /// Cost of a new site without a `cost` property (default 0).
    pub cost_new_site: Option<f64>,
    /// Cost of one added class (default 0).
    pub cost_per_class: Option<f64>,
    /// For `lscp`: share of demand to cover (default 1.0 = all coverable demand).
    pub coverage_target: Option<f64>,
    /// Build the proposal into the scenario (default true): the proposed schools join the map as
    /// `planned` schools and the expansions as `added_classes`, so coverage, rules and reports
    /// describe the city with the plan built, and build-programme rules count them.
    pub build: Option<bool>,
    /// Quality flag of the new schools when built (default false; true for the plan's central
    /// kindergartens, 优质公办中心园).
    #[serde(default)]
    pub quality: bool,
    /// Solver time limit, seconds (default 10; at most 86 400, one day). The search stops on
    /// a deterministic work budget derived from it (the same answer on any machine and at any
    /// load); the clock only cuts a search short on a machine too slow or too busy to spend the
    /// budget in time, and the answer then says so (`stop = "wall_clock"`).
    pub time_limit_s: Option<f64>,
    /// Work budget in work units (see `solve::budget`), replacing the one derived from
    /// `time_limit_s`: for answers reproducible whatever the time limit. A release build does
    /// 300–800 million units per second of one core (see `solve::budget::WORK_PER_SECOND`).
    pub work_limit: Option<u64>,
    /// Seed for the randomised parts of the search (default 1).
    pub seed: Option<u64>,
}

impl ProposalRequest {
    /// Default size of a new school of `level`, in classes.
    pub fn default_classes(level: Level) -> u32 {
        match level {
            Level::Kindergarten | Level::Special => 9,
            Level::Junior => 18,
            Level::NineYear => 27,
            _ => 24,
        }
    }

    /// The level whose demand the request serves.
    pub fn service_level(&self) -> Level {
        if self.level == Level::NineYear {
            Level::Primary
        } else {
            self.level
        }
    }
}

/// A request and the file that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourcedRequest {
    /// The request.
    pub request: ProposalRequest,
    /// The scenario file it came from.
    pub file: PathBuf,
}

/// Parses every `[[proposals]]` of a scenario; errors name the file, the request and the key.
pub fn parse_requests(scenario: &Scenario) -> Result<Vec<SourcedRequest>> {
    scenario
        .proposals
        .iter()
        .enumerate()
        .map(|(i, s)| parse_one(i, s))
        .collect()
}

fn parse_one(index: usize, s: &Sourced) -> Result<SourcedRequest> {
    let id = s
        .table
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or("?")
        .to_string();
    let err = |message: String| Error::Scenario {
        file: s.file.clone(),
        message: format!("[[proposals]] #{} (id {id:?}): {message}", index + 1),
    };
    let request: ProposalRequest = toml::Value::Table(s.table.clone())
        .try_into()
        .map_err(|e: toml::de::Error| err(e.message().to_string()))?;
    if request.level != Level::NineYear && !Level::SERVICE.contains(&request.level) {
        return Err(err(format!("level {} cannot be sited", request.level)));
    }
    for (key, v) in [
        ("radius", request.radius),
        ("budget", request.budget),
        ("cost_new_site", request.cost_new_site),
        ("cost_per_class", request.cost_per_class),
        ("min_spacing_m", request.min_spacing_m),
        ("time_limit_s", request.time_limit_s),
    ] {
        if let Some(x) = v {
            if !(x.is_finite() && x >= 0.0) {
                return Err(err(format!(
                    "`{key}`: expected a finite number ≥ 0, found {x}"
                )));
            }
        }
    }
    for (key, v, max) in [
        ("radius", request.radius, 200_000.0),
        ("min_spacing_m", request.min_spacing_m, 100_000.0),
    ] {
        if let Some(x) = v.filter(|x| *x > max) {
            return Err(err(format!(
                "`{key}`: expected at most {max} (beyond any city), found {}",
                crate::error::shown(x)
            )));
        }
    }
    for (key, v, max) in [
        ("new_sites", Some(request.new_sites), 10_000),
        ("expansions", Some(request.expansions), 10_000),
        ("max_per_township", request.max_per_township, 10_000),
        (
            "expansion_classes",
            request.expansion_classes.map(|x| x as usize),
            2_000,
        ),
        (
            "new_school_classes",
            request.new_school_classes.map(|x| x as usize),
            2_000,
        ),
    ] {
        if let Some(x) = v.filter(|x| *x > max) {
            return Err(err(format!(
                "`{key}`: expected at most {max} (beyond any city), found {x}"
            )));
        }
    }
    if let Some(t) = request.time_limit_s.filter(|t| *t > MAX_TIME_LIMIT_S) {
        let t = crate::error::shown(t);
        return Err(err(format!(
            "`time_limit_s`: expected seconds between 0 and {MAX_TIME_LIMIT_S} (one day), found {t}"
        )));
    }
    if let Some(t) = request.coverage_target {
        if !(0.0..=1.0).contains(&t) {
            return Err(err(format!(
                "`coverage_target`: expected a share in [0, 1], found {t}"
            )));
        }
    }
    if request.new_sites == 0 && request.expansions == 0 && request.objective != Objective::Lscp {
        return Err(err(
            "`new_sites` and `expansions` are both 0: nothing to propose".into(),
        ));
    }
    Ok(SourcedRequest {
        request,
        file: s.file.clone(),
    })
}
