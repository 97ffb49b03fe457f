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
    /// Central-school reach: the most demand within the radius of the new sites, counting the
    /// demand other schools already reach (existing schools are not fixed open). For a school
    /// that serves a whole township whatever else stands there — the township's central
    /// kindergarten (乡镇中心园) or central school (中心校) — where plain MCLP, which counts only
    /// newly covered demand, has nothing to choose by.
    Reach,
}

/// The need a request's expansions serve (and that breaks ties between its new sites).
///
/// Each option is measured on three needs (see [`super::need`]): `coverage` (pupils newly within
/// the radius), `seats` (pupils short of a seat in the school's catchment that the added seats
/// relieve) and `crowding` (classes of 56+ pupils removed). An option whose value is 0 is never
/// proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    /// Pupils newly covered first, then seats, then crowding.
    Coverage,
    /// Seats short relieved first, then crowding, then coverage.
    Seats,
    /// Large classes removed first, then seats, then coverage.
    Crowding,
    /// `need_weights` · (coverage, seats, crowding); ties by seats, crowding, coverage. The
    /// default.
    #[default]
    Mix,
}

/// Weights of [`Need::Mix`], in pupils per unit of each need.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedWeights {
    /// Per pupil newly covered (default 1).
    #[serde(default = "one")]
    pub coverage: f64,
    /// Per pupil short of a seat relieved (default 1).
    #[serde(default = "one")]
    pub seats: f64,
    /// Per large class removed (default: the level's class size — a class of pupils).
    pub crowding: Option<f64>,
}

fn one() -> f64 {
    1.0
}

impl Default for NeedWeights {
    fn default() -> Self {
        NeedWeights {
            coverage: 1.0,
            seats: 1.0,
            crowding: None,
        }
    }
}

/// How a new school is sized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sizing {
    /// From the demand it will serve: classes = pupils of its attendance zone (or, without
    /// zones, of the cells whose nearest school it is) ÷ class size, rounded up, at least
    /// `min_school_classes` and at most `new_school_classes`, the site's `max_classes` and the
    /// national size cap ([`ProposalRequest::cap_pupils`]). The default.
    #[default]
    Demand,
    /// `new_school_classes` (capped by the site's `max_classes`), whatever the demand.
    Fixed,
}

impl Objective {
    /// The solver's problem.
    pub fn kind(self) -> crate::solve::Kind {
        use crate::solve::Kind;
        match self {
            // `reach` is a maximal covering problem on the new sites alone.
            Objective::Mclp | Objective::Reach => Kind::Mclp,
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
    /// Problem for the new sites: `mclp` (default), `lscp`, `pmedian`, `pcenter`, `reach`.
    #[serde(default)]
    pub objective: Objective,
    /// The need the expansions serve: `coverage`, `seats`, `crowding` or `mix` (default).
    /// Expansions are chosen after the request's new sites are placed, by the need that remains.
    #[serde(default)]
    pub need: Need,
    /// Weights of `need = "mix"`: `{ coverage = 1, seats = 1, crowding = <class size> }`.
    #[serde(default)]
    pub need_weights: NeedWeights,
    /// Class size from which a class is large (大班额) for the crowding need (default 56).
    pub large_class_from: Option<u32>,
    /// New schools to build (the `p` of the problem). For `lscp`, the most that may be used.
    #[serde(default)]
    pub new_sites: usize,
    /// Existing schools to expand (改扩建), chosen among open schools of the level inside
    /// `areas`.
    #[serde(default)]
    pub expansions: usize,
    /// Classes an expansion adds (default 6).
    pub expansion_classes: Option<u32>,
    /// Largest new school in classes (default: 9 kindergarten, 24 primary, 18 junior,
    /// 27 nine-year, 24 senior, 9 special, 24 vocational), capped by a site's `max_classes`;
    /// with `sizing = "fixed"`, the size of every new school.
    pub new_school_classes: Option<u32>,
    /// Smallest new school in classes when sized from demand (default: 1 kindergarten — a
    /// mixed-age class, as small rural kindergartens run —, 6 primary (one per grade), 3 junior,
    /// 9 nine-year, 3 senior and vocational, 1 special).
    pub min_school_classes: Option<u32>,
    /// `demand` (default) or `fixed`: see [`Sizing`].
    #[serde(default)]
    pub sizing: Sizing,
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
    /// Also consider, in every township of the areas, a site beside the township's central
    /// school (中心校: its largest open public primary or nine-year school by seats), with id
    /// `central:<school id>` — where a township's central kindergarten often stands (default
    /// false).
    #[serde(default)]
    pub central_school_sites: bool,
    /// In a township with a candidate at its seat (candidates' `township_seat` property), only
    /// options within this many metres of the seat (straight line) are considered: a township's
    /// central kindergarten or school (中心园, 中心校) stands at the township seat. Townships
    /// without a known seat keep every option.
    pub near_township_seat_m: Option<f64>,
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

    /// Smallest new school sized from demand, in classes (see `min_school_classes`).
    pub fn default_min_classes(level: Level) -> u32 {
        match level {
            Level::Primary => 6,
            Level::NineYear => 9,
            Level::Kindergarten | Level::Special => 1,
            _ => 3,
        }
    }

    /// National size cap of a school of `level`, pupils: kindergarten 360 (幼儿园工作规程 art. 11),
    /// primary and junior 2,000, nine-year 2,500 (县域义务教育优质均衡发展督导评估办法, 2017),
    /// senior 3,000 (普通高中学校办学规模, national guidance); special and vocational: none.
    pub fn cap_pupils(level: Level) -> Option<f64> {
        match level {
            Level::Kindergarten => Some(360.0),
            Level::Primary | Level::Junior => Some(2000.0),
            Level::NineYear => Some(2500.0),
            Level::Senior => Some(3000.0),
            Level::Special | Level::Vocational => None,
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
        ("near_township_seat_m", request.near_township_seat_m),
        ("time_limit_s", request.time_limit_s),
        ("need_weights.coverage", Some(request.need_weights.coverage)),
        ("need_weights.seats", Some(request.need_weights.seats)),
        ("need_weights.crowding", request.need_weights.crowding),
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
        (
            "near_township_seat_m",
            request.near_township_seat_m,
            100_000.0,
        ),
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
        (
            "min_school_classes",
            request.min_school_classes.map(|x| x as usize),
            2_000,
        ),
        (
            "large_class_from",
            request.large_class_from.map(|x| x as usize),
            1_000,
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
    if request.large_class_from == Some(0) {
        return Err(err(
            "`large_class_from`: expected an integer ≥ 1, found 0".into()
        ));
    }
    if request.objective == Objective::Reach && request.new_sites == 0 {
        return Err(err(
            "`objective = \"reach\"` sites new schools: `new_sites` must be at least 1".into(),
        ));
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
