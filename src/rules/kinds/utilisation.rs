//! `min_utilisation`: schools whose demand falls below a share of their seats.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{num, report_schools, tr, Context, Evaluated, Outcome, SchoolCheck};
use crate::config::Setting;
use crate::coverage::LevelCoverage;
use crate::model::{Level, Status};
use crate::rules::common::{check_range, Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::filter::SchoolFilter;
use crate::rules::finding::{Comparison, Finding};
use crate::spatial::index::PointIndex;

/// Parameters of `min_utilisation`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinUtilisation {
    /// Service level whose coverage is read (not `nine_year`).
    pub level: Level,
    /// Schools checked (default: every open school serving the level).
    #[serde(default)]
    pub filter: SchoolFilter,
    /// Least demand ÷ seats, 0–10 (inclusive).
    pub min: f64,
    /// Which demand: `allocated` (default: the demand the coverage engine allocates to the
    /// school under capacity, within the radius), `nearest` (the demand whose nearest school
    /// it is, at any distance), `zone` (its attendance zone's pupils) or `enrolment` (recorded
    /// pupils, projected).
    #[serde(default)]
    pub demand: UtilisationDemand,
    /// A school under the floor is a consolidation candidate only when every pupil of its
    /// catchment would find an open school of the level with spare seats, in the same county,
    /// within the standard of the pupil's setting: the day radius, or the boarding reach when
    /// that school boards (国办发〔2018〕27号). The distances are reported either way.
    #[serde(default)]
    pub closure_within_standard: bool,
    /// Rural schools (in a rural cell) with fewer recorded pupils than this are protected small
    /// schools (乡村小规模学校, e.g. 100) and never consolidation candidates.
    pub protect_small_rural_below: Option<f64>,
}

/// Which demand `min_utilisation` divides by the seats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UtilisationDemand {
    /// Demand allocated under capacity (within the radius).
    #[default]
    Allocated,
    /// Demand whose nearest school it is (any distance).
    Nearest,
    /// Pupils of its attendance zone (the level must have `zones = true`; otherwise the
    /// nearest demand is used).
    Zone,
    /// Recorded `enrolment` (a nine-year school's split by its seats, 6 : 3), scaled by the
    /// change of the level's demand in the school's county from the census to the scenario
    /// (forecast and population factors); the zone's pupils (else the nearest demand) for a
    /// school without `enrolment`.
    Enrolment,
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "min_utilisation",
    summary: "schools whose demand falls below a utilisation floor (consolidation candidates)",
    what: "For each open school serving the level: its demand (by default the demand the coverage \
engine allocates to it; `demand = \"nearest\"`: the demand whose nearest school it is; `zone`: its \
attendance zone; `enrolment`: its recorded pupils scaled by its county's projected change) ÷ its \
seats for the level. Under a scenario with a forecast or population factors, this is the \
utilisation the projected cohort would give. Schools the scenario builds or expands (status \
`planned`, `added_classes` > 0) are never consolidation candidates and get no finding: the plan \
justifies them. With `closure_within_standard`, a school under the floor is a candidate only \
when every pupil of its catchment would have an open school with spare seats of the same county \
within the standard of the pupil's setting (day radius, or boarding reach to a boarding school); \
`protect_small_rural_below` exempts small rural schools (小规模学校). The note gives the \
pupils' mean and longest distance after a closure.",
    why: "The plan asks that the school layout follow population change (教育布局结构与人口变化…协调发展, \
E1). Fushun's kindergarten cohort is shrinking: schools that would stand half empty are \
candidates for consolidation, while new gaps show in `min_coverage` and `min_seats` rules of the \
same scenario.",
    scopes: &[Scope::School, Scope::City, Scope::AreaSet, Scope::County, Scope::Township],
    parameters: &[
        ParamDoc { name: "level", ty: "level", default: "", meaning: "service level whose coverage is read" },
        ParamDoc { name: "filter", ty: "filter", default: "every open school", meaning: "schools checked (only those serving the level count)" },
        ParamDoc { name: "min", ty: "number", default: "", meaning: "least utilisation (demand ÷ seats)" },
        ParamDoc { name: "demand", ty: "\"allocated\" | \"nearest\" | \"zone\" | \"enrolment\"", default: "\"allocated\"", meaning: "allocated: demand the coverage engine allocates to the school under capacity, within the radius; nearest: demand whose nearest school it is, at any distance; zone: pupils of its attendance zone (levels with `zones = true`); enrolment: recorded enrolment × the county's projected change of the level's demand (zone pupils where enrolment is missing)" },
        ParamDoc { name: "closure_within_standard", ty: "bool", default: "false", meaning: "a candidate only when every pupil of its catchment keeps a school with spare seats of the same county within the standard of their setting (day radius; boarding reach for a boarding school)" },
        ParamDoc { name: "protect_small_rural_below", ty: "number", default: "none", meaning: "rural schools with fewer recorded pupils are protected small schools (小规模学校), never candidates" },
    ],
    threshold: "School scope: measured = utilisation, threshold = `min`, `>=` (inclusive: a school \
at exactly the floor passes). A school under the floor that is protected (a small rural school, or \
one whose pupils would travel beyond their standard) passes, its note saying why. Area scopes: \
measured = number of consolidation candidates, threshold 0, `<=`.",
    missing_data: "A school without known seats (or with 0 seats) is not_evaluable. Not evaluable \
when the scenario does not measure the level.",
    used_by: "E1, E1-primary (with R2: small rural schools and post-closure distances)",
    example: r#"
[[rules]]
id = "E1"
kind = "min_utilisation"
title_zh = "学校布局与人口变化相协调"
title_en = "Schools stay used under the population projection"
clause = "三(三)"
scope = "school"
level = "kindergarten"
min = 0.5
"#,
};

impl MinUtilisation {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.level == Level::NineYear {
            return Err(
                "`level`: nine_year is a kind of school, not a cohort; use primary or junior"
                    .into(),
            );
        }
        check_range("min", self.min, 0.0, 10.0)
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
        let Some(lc) = ctx.coverage.level(self.level) else {
            let (units, missing) = crate::rules::scope::units(rule, ctx.map);
            out.extend(missing);
            for unit in units {
                let mut f = Finding::new(rule, &unit, Comparison::AtLeast, "share");
                f.threshold = Some(self.min);
                f.not_evaluable(tr(
                    ctx,
                    format!("the scenario does not measure {}", self.level),
                    format!("情景未计算{}", self.level.name_zh()),
                ));
                out.push(f);
            }
            return;
        };
        let map = ctx.map;
        let ratio = if self.demand == UtilisationDemand::Enrolment {
            county_change(ctx, lc)
        } else {
            BTreeMap::new()
        };
        let closure = Closure::new(ctx, lc);
        let mut evaluated: Vec<Evaluated> = Vec::new();
        for (i, s) in map.schools.iter().enumerate() {
            if !s.serves(self.level) || self.filter.matches(s) != Some(true) {
                continue;
            }
            // Built or expanded by the scenario: the plan's own project, not a candidate.
            if s.status == Status::Planned || s.added_classes.is_some_and(|a| a > 0) {
                continue;
            }
            let seats = lc.school_seats.get(i).copied().flatten();
            let zone_or_nearest = || match &lc.zones {
                Some(z) => z.pupils.get(i).copied().unwrap_or(0.0),
                None => lc.nearest_demand.get(i).copied().unwrap_or(0.0),
            };
            let demand = match (self.demand, &lc.zones) {
                (UtilisationDemand::Allocated, _) => {
                    lc.school_demand.get(i).copied().unwrap_or(0.0)
                }
                (UtilisationDemand::Zone, Some(z)) => z.pupils.get(i).copied().unwrap_or(0.0),
                (UtilisationDemand::Nearest | UtilisationDemand::Zone, _) => {
                    lc.nearest_demand.get(i).copied().unwrap_or(0.0)
                }
                (UtilisationDemand::Enrolment, _) => match s.enrolment {
                    Some(e) => {
                        let share = match (s.level == Level::NineYear, s.capacity_seats, seats) {
                            (true, Some(total), Some(mine)) if total > 0.0 => mine / total,
                            (true, _, _) => {
                                self.level.years() as f64 / Level::NineYear.years() as f64
                            }
                            _ => 1.0,
                        };
                        let county = map.school_areas.get(i).and_then(|a| a.0);
                        let change = county.and_then(|c| ratio.get(&c).copied()).unwrap_or(1.0);
                        e * share * change
                    }
                    None => zone_or_nearest(),
                },
            };
            let mut note = format!("demand {}", num(crate::round::tenths(demand)));
            let outcome = match seats {
                Some(seats) if seats > 0.0 => {
                    let u = demand / seats;
                    if Comparison::AtLeast.holds(u, self.min) {
                        Outcome::Pass { measured: u }
                    } else {
                        self.under_floor(ctx, lc, &closure, i, u, demand, seats, &mut note)
                    }
                }
                _ => Outcome::Unknown {
                    reason: tr(ctx, "seats unknown or 0".into(), "学位数不详或为 0".into()),
                },
            };
            evaluated.push(Evaluated::new(i, outcome, Some(note)));
        }
        let check = SchoolCheck {
            threshold: self.min,
            comparison: Comparison::AtLeast,
            unit: "share",
            area_unit: "schools",
        };
        report_schools(rule, ctx, &check, evaluated, &|_| None, out);
    }

    /// The outcome of a school under the floor: a consolidation candidate (`Fail`) unless it is
    /// a protected small rural school or its pupils would travel beyond their standard.
    #[allow(clippy::too_many_arguments)]
    fn under_floor(
        &self,
        ctx: &Context,
        lc: &LevelCoverage,
        closure: &Closure,
        i: usize,
        u: f64,
        demand: f64,
        seats: f64,
        note: &mut String,
    ) -> Outcome {
        let s = &ctx.map.schools[i];
        let rural = closure.setting_of(ctx, i) == Setting::Rural;
        if let (Some(below), Some(e), true) = (self.protect_small_rural_below, s.enrolment, rural) {
            if e < below {
                note.push_str(&tr(
                    ctx,
                    format!(
                        "; protected small rural school ({} pupils < {}): not a consolidation candidate",
                        num(e),
                        num(below)
                    ),
                    format!(
                        "；乡村小规模学校（{} 人 < {}）予以保留，不列入撤并候选",
                        num(e),
                        num(below)
                    ),
                ));
                return Outcome::Pass { measured: u };
            }
        }
        let t = closure.travel(ctx, lc, i);
        note.push_str(&t.describe(ctx));
        if self.closure_within_standard && t.beyond >= 0.5 {
            note.push_str(&tr(
                ctx,
                "; kept: a closure would take pupils beyond their standard".into(),
                "；撤并将使学生超出服务标准，予以保留".into(),
            ));
            return Outcome::Pass { measured: u };
        }
        let spare = (seats - demand).floor();
        Outcome::Fail {
            measured: u,
            count: 1.0,
            fix: Some(tr(
                ctx,
                format!(
                    "{} of {} seats used: consider consolidating or re-purposing",
                    num(demand.round()),
                    num(seats)
                ),
                format!(
                    "学位 {} 个仅使用 {} 个（空余 {}）：可考虑撤并或调整用途",
                    num(seats),
                    num(demand.round()),
                    num(spare)
                ),
            )),
        }
    }
}

/// Per county (index), the level's demand in the scenario ÷ its census demand (without forecast
/// or population factors); counties without census demand are left out (change 1).
fn county_change(ctx: &Context, lc: &LevelCoverage) -> BTreeMap<usize, f64> {
    let mut base_scenario = ctx.scenario.clone();
    base_scenario.forecast = None;
    base_scenario.population.factors.clear();
    let Ok(base) = crate::coverage::level_demand(ctx.map, &base_scenario, lc.level) else {
        return BTreeMap::new();
    };
    let mut sums: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    for (c, cell) in ctx.map.demand.cells.iter().enumerate() {
        let Some(k) = cell.county else { continue };
        let e = sums.entry(k).or_default();
        e.0 += lc.demand.get(c).copied().unwrap_or(0.0);
        e.1 += base.get(c).copied().unwrap_or(0.0);
    }
    sums.into_iter()
        .filter(|(_, (_, b))| *b > 0.0)
        .map(|(k, (d, b))| (k, d / b))
        .collect()
}

/// What closing a school would mean for its pupils.
struct Travel {
    /// Pupils of its catchment.
    pupils: f64,
    /// Pupil-weighted mean straight-line distance to the next school with seats, metres.
    mean_m: f64,
    /// Longest, metres (infinite when no school with seats is left in the county).
    max_m: f64,
    /// Pupils that would be beyond their standard (and farther than now).
    beyond: f64,
}

impl Travel {
    fn describe(&self, ctx: &Context) -> String {
        if self.pupils <= 0.0 {
            return tr(
                ctx,
                "; no pupils in its catchment".into(),
                "；服务范围内无学生".into(),
            );
        }
        if !self.max_m.is_finite() {
            return tr(
                ctx,
                format!(
                    "; after a closure {} pupils would have no school with seats in the county",
                    num(self.pupils.round())
                ),
                format!(
                    "；撤并后 {} 名学生在本县区内无有空余学位的学校",
                    num(self.pupils.round())
                ),
            );
        }
        tr(
            ctx,
            format!(
                "; after a closure its {} pupils would travel {} km on average, {} km at most, to the next school with seats; {} pushed beyond their standard",
                num(self.pupils.round()),
                num(crate::round::km_tenths(self.mean_m)),
                num(crate::round::km_tenths(self.max_m)),
                num(self.beyond.round())
            ),
            format!(
                "；撤并后 {} 名学生到最近有空余学位学校平均 {} km、最远 {} km，{} 人将超出服务标准",
                num(self.pupils.round()),
                num(crate::round::km_tenths(self.mean_m)),
                num(crate::round::km_tenths(self.max_m)),
                num(self.beyond.round())
            ),
        )
    }
}

/// What the closure test needs about a level.
struct Closure {
    /// Per school: its catchment's cells and pupils.
    catchment: BTreeMap<usize, Vec<(usize, f64)>>,
    /// Per school: it could take pupils (open, serving, spare seats or unknown seats).
    spare: Vec<bool>,
    /// Metres per cost unit.
    metres_per_unit: f64,
    /// The cells, for a school's setting (that of its nearest cell).
    cells: PointIndex,
}

impl Closure {
    fn new(ctx: &Context, lc: &LevelCoverage) -> Closure {
        let map = ctx.map;
        let mut catchment: BTreeMap<usize, Vec<(usize, f64)>> = BTreeMap::new();
        for c in 0..lc.demand.len() {
            match &lc.zones {
                Some(z) => {
                    for &(j, f) in &z.flows[c] {
                        if f > 0.0 {
                            catchment.entry(j).or_default().push((c, f));
                        }
                    }
                }
                None => {
                    if let (Some(j), d) = (lc.nearest[c], lc.demand[c]) {
                        if d > 0.0 {
                            catchment.entry(j).or_default().push((c, d));
                        }
                    }
                }
            }
        }
        let spare = (0..map.schools.len())
            .map(|j| {
                map.schools[j].serves(lc.level)
                    && match lc.school_seats[j] {
                        Some(seats) => {
                            let load = lc.school_load(j);
                            seats - load.zone_pupils.unwrap_or(load.nearest_demand) >= 1.0
                        }
                        None => true,
                    }
            })
            .collect();
        let d = &ctx.scenario.distance;
        Closure {
            catchment,
            spare,
            metres_per_unit: crate::coverage::reach::metres_per_unit(d.unit, d.walk_speed_kmh),
            cells: PointIndex::new(
                &map.demand
                    .cells
                    .iter()
                    .map(|c| [c.pos.x, c.pos.y])
                    .collect::<Vec<_>>(),
            ),
        }
    }

    /// The setting of the cell nearest school `i`.
    fn setting_of(&self, ctx: &Context, i: usize) -> Setting {
        let p = ctx.map.schools[i].pos;
        self.cells
            .nearest([p.x, p.y])
            .and_then(|(c, _)| ctx.coverage.settings.get(c).copied())
            .unwrap_or_default()
    }

    /// Where the pupils of school `i` would go if it closed (see [`MinUtilisation`]).
    fn travel(&self, ctx: &Context, lc: &LevelCoverage, i: usize) -> Travel {
        let map = ctx.map;
        let county = map.school_areas.get(i).and_then(|a| a.0);
        let receivers: Vec<usize> = (0..map.schools.len())
            .filter(|&k| k != i && self.spare[k])
            .filter(|&k| county.is_none() || map.school_areas.get(k).and_then(|a| a.0) == county)
            .collect();
        let cells = self.catchment.get(&i).cloned().unwrap_or_default();
        let (mut pupils, mut sum, mut max, mut beyond) = (0.0, 0.0, 0.0f64, 0.0);
        for (c, p) in cells {
            let pos = map.demand.cells[c].pos;
            let best = receivers
                .iter()
                .map(|&k| {
                    let q = map.schools[k].pos;
                    (k, (q.x - pos.x).hypot(q.y - pos.y))
                })
                .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            pupils += p;
            let Some((k, d)) = best else {
                max = f64::INFINITY;
                beyond += p;
                continue;
            };
            sum += p * d;
            max = max.max(d);
            let standard = lc.standards[lc.setting.get(c).copied().unwrap_or_default().index()];
            let day_m = lc.radius_at(c) * self.metres_per_unit;
            let boarding_m = standard
                .boarding_radius_m
                .filter(|_| map.schools[k].boarding == Some(true));
            // A pupil already farther than the standard is harmed only when the closure takes
            // them farther still.
            let here = map.schools[i].pos;
            let now = (here.x - pos.x).hypot(here.y - pos.y);
            let limit = boarding_m.map_or(day_m, |b| b.max(day_m)).max(now);
            if d > limit + 1e-6 {
                beyond += p;
            }
        }
        Travel {
            pupils,
            mean_m: if pupils > 0.0 { sum / pupils } else { 0.0 },
            max_m: max,
            beyond,
        }
    }
}
