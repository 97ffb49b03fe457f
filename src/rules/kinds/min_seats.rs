//! `min_seats`: seats of a level against its cohort demand, per area.

use serde::Deserialize;

use super::{num, tr, Context};
use crate::model::Level;
use crate::rules::common::{check_range, Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::filter::SchoolFilter;
use crate::rules::finding::{Comparison, Finding, FindingStatus};
use crate::rules::scope::{self, sorted};

/// Parameters of `min_seats`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinSeats {
    /// Service level (not `nine_year`).
    pub level: Level,
    /// Schools whose seats count (default: every open school serving the level).
    pub filter: Option<SchoolFilter>,
    /// Target gross enrolment rate, replacing the level's `enrolment_rate` for this rule
    /// (e.g. 0.9 for kindergartens).
    pub enrolment_rate: Option<f64>,
    /// Count the seats of the open schools of these school levels instead of the seats serving
    /// `level` (e.g. `["senior", "vocational"]` for the 高中阶段 against the 15–17 cohort).
    #[serde(default)]
    pub seat_levels: Vec<Level>,
    /// Seats needed per 1,000 residents (千人学位指标) instead of the cohort demand: the area's
    /// residents (Σ `pop_total` of its cells) ÷ 1,000 × this.
    pub per_1000_residents: Option<f64>,
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "min_seats",
    summary: "seats of a level at least its cohort demand, per area",
    what: "Σ seats of the open schools serving the level in each area (the coverage engine's \
seats: `capacity_seats`, or classes × class size; a nine-year school's seats split 6/9 primary, \
3/9 junior) against Σ demand of the area's cells (cohort × enrolment rate × the scenario's \
population factor). With `enrolment_rate`, demand is recomputed with that rate instead of the \
level's. With `seat_levels`, the seats of the open schools of those school levels count (each \
school's own seats). With `per_1000_residents`, the seats needed are the area's residents (Σ \
`pop_total`) ÷ 1,000 × that indicator (千人学位指标) instead of the cohort demand.",
    why: "The plan asks each county to plan its kindergartens (以县(区)级为单位制定幼儿园布局规划, K4) so \
that places match the 3–5 cohort at the target enrolment rate; seat shortfalls are what new \
buildings and expansions must close, and surpluses what shrinking cohorts leave empty.",
    scopes: &[Scope::City, Scope::AreaSet, Scope::County, Scope::Township],
    parameters: &[
        ParamDoc { name: "level", ty: "level", default: "", meaning: "service level" },
        ParamDoc { name: "filter", ty: "filter", default: "every open school serving the level", meaning: "schools whose seats count" },
        ParamDoc { name: "enrolment_rate", ty: "number 0–2", default: "the level's `enrolment_rate`", meaning: "target gross enrolment rate" },
        ParamDoc { name: "seat_levels", ty: "array of levels", default: "[]", meaning: "count the seats of the open schools of these school levels (e.g. senior and vocational)" },
        ParamDoc { name: "per_1000_residents", ty: "number", default: "none", meaning: "seats needed per 1,000 residents (千人学位指标) instead of the cohort demand" },
    ],
    threshold: "measured = seats, threshold = demand (pupils), unit `seats`, passes when seats >= \
demand (inclusive: seats equal to demand pass). The fix gives the seats short.",
    missing_data: "Schools without known seats: the area passes if the known seats already reach \
demand, else it is not_evaluable listing them. Not evaluable when the scenario does not measure \
the level. Areas with neither demand nor schools give no finding.",
    used_by: "K4 (kindergarten seats ≥ 3–5 cohort × 0.90, per county), S1 (seats per 1,000 residents), H3 (senior and vocational seats ≥ the 15–17 cohort × 88.5 %)",
    example: r#"
[[rules]]
id = "K4"
kind = "min_seats"
title_zh = "幼儿园学位满足适龄幼儿需求"
title_en = "Kindergarten seats meet the 3–5 cohort"
clause = "四(二)1"
scope = "county"
level = "kindergarten"
enrolment_rate = 0.9
"#,
};

impl MinSeats {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.level == Level::NineYear {
            return Err(
                "`level`: nine_year is a kind of school, not a cohort; use primary or junior"
                    .into(),
            );
        }
        if let Some(r) = self.enrolment_rate {
            check_range("enrolment_rate", r, 0.0, 2.0)?;
        }
        if let Some(x) = self.per_1000_residents {
            check_range("per_1000_residents", x, 0.0, 1000.0)?;
            if self.enrolment_rate.is_some() {
                return Err(
                    "`per_1000_residents`: the seats needed come from the residents, not a cohort: drop `enrolment_rate`"
                        .into(),
                );
            }
        }
        Ok(())
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
        let map = ctx.map;
        let (units, missing) = scope::units(rule, map);
        out.extend(missing);
        let lc = ctx.coverage.level(self.level);
        let scale = match (self.enrolment_rate, ctx.scenario.level(self.level)) {
            (Some(r), Some(cfg)) if cfg.enrolment_rate > 0.0 => r / cfg.enrolment_rate,
            _ => 1.0,
        };
        for unit in units {
            let mut f = Finding::new(rule, &unit, Comparison::AtLeast, "seats");
            let Some(lc) = lc else {
                f.not_evaluable(tr(
                    ctx,
                    format!("the scenario does not measure {}", self.level),
                    format!("情景未计算{}", self.level.name_zh()),
                ));
                out.push(f);
                continue;
            };
            let demand: f64 = match self.per_1000_residents {
                Some(x) => {
                    let residents: f64 = map
                        .demand
                        .cells
                        .iter()
                        .filter(|c| unit.has_cell(c))
                        .map(|c| c.pop_total.unwrap_or(0.0))
                        .sum();
                    if residents <= 0.0 && map.demand.cells.iter().all(|c| c.pop_total.is_none()) {
                        f.not_evaluable(tr(
                            ctx,
                            "the population layer has no `pop_total` (residents)".into(),
                            "人口图层缺少 `pop_total`（常住人口）".into(),
                        ));
                        out.push(f);
                        continue;
                    }
                    residents / 1000.0 * x
                }
                None => {
                    map.demand
                        .cells
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| unit.has_cell(c))
                        .map(|(c, _)| lc.demand.get(c).copied().unwrap_or(0.0))
                        .sum::<f64>()
                        * scale
                }
            };
            let (mut seats, mut lacking, mut counted) = (0.0, Vec::new(), Vec::new());
            for i in scope::schools_in(map, &unit) {
                let s = &map.schools[i];
                let of_level = if self.seat_levels.is_empty() {
                    s.serves(self.level)
                } else {
                    s.is_open() && self.seat_levels.contains(&s.level)
                };
                let chosen = match &self.filter {
                    Some(flt) => flt.matches(s) == Some(true) && of_level,
                    None => of_level,
                };
                if !chosen {
                    continue;
                }
                let own = if self.seat_levels.is_empty() {
                    lc.school_seats.get(i).copied().flatten()
                } else {
                    let service = if s.level == Level::NineYear {
                        Level::Primary
                    } else {
                        s.level
                    };
                    let class_size = ctx.scenario.level(service).map_or_else(
                        || crate::config::LevelConfig::defaults(service).class_size,
                        |l| l.class_size,
                    );
                    s.capacity_seats
                        .or_else(|| s.classes.map(|c| c as f64 * class_size))
                };
                match own {
                    Some(x) => {
                        seats += x;
                        counted.push(s.id.clone());
                    }
                    None => lacking.push(s.id.clone()),
                }
            }
            if demand <= 0.0 && counted.is_empty() && lacking.is_empty() {
                continue;
            }
            f.evidence.population = Some(demand);
            if seats < demand && !lacking.is_empty() {
                f.measured = Some(seats);
                f.threshold = Some(demand);
                let lacking = sorted(lacking);
                f.not_evaluable(tr(
                    ctx,
                    format!(
                        "{} school(s) lack seats (capacity_seats or classes): {}",
                        lacking.len(),
                        lacking.join(", ")
                    ),
                    format!(
                        "{} 所学校缺少学位数（capacity_seats 或 classes）：{}",
                        lacking.len(),
                        lacking.join("，")
                    ),
                ));
                f.evidence.schools = lacking;
            } else {
                f.decide(seats, demand);
                f.evidence.schools = sorted(counted);
                if f.status == FindingStatus::Fail {
                    let short = (demand - seats).ceil();
                    f.fix = Some(tr(
                        ctx,
                        format!("{} seats short in {}", num(short), unit.label()),
                        format!(
                            "{}缺少学位 {} 个",
                            unit.name.clone().unwrap_or_else(|| "全市".into()),
                            num(short)
                        ),
                    ));
                }
            }
            out.push(f);
        }
    }
}
