//! `min_utilisation`: schools whose demand falls below a share of their seats.

use serde::Deserialize;

use super::{num, report_schools, tr, Context, Evaluated, Outcome, SchoolCheck};
use crate::model::Level;
use crate::rules::common::{check_range, Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::filter::SchoolFilter;
use crate::rules::finding::{Comparison, Finding};

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
    /// school under capacity, within the radius) or `nearest` (the demand whose nearest school
    /// it is, at any distance).
    #[serde(default)]
    pub demand: UtilisationDemand,
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
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "min_utilisation",
    summary: "schools whose demand falls below a utilisation floor (consolidation candidates)",
    what: "For each open school serving the level: its demand (by default the demand the coverage \
engine allocates to it; `demand = \"nearest\"`: the demand whose nearest school it is) ÷ its \
seats for the level. Under a scenario with population factors (e.g. `pop_3_5 = 0.7`), this \
is the utilisation the projected cohort would give.",
    why: "The plan asks that the school layout follow population change (教育布局结构与人口变化…协调发展, \
E1). Fushun's kindergarten cohort is shrinking: schools that would stand half empty are \
candidates for consolidation, while new gaps show in `min_coverage` and `min_seats` rules of the \
same scenario.",
    scopes: &[Scope::School, Scope::City, Scope::AreaSet, Scope::County, Scope::Township],
    parameters: &[
        ParamDoc { name: "level", ty: "level", default: "", meaning: "service level whose coverage is read" },
        ParamDoc { name: "filter", ty: "filter", default: "every open school", meaning: "schools checked (only those serving the level count)" },
        ParamDoc { name: "min", ty: "number", default: "", meaning: "least utilisation (demand ÷ seats)" },
        ParamDoc { name: "demand", ty: "\"allocated\" | \"nearest\" | \"zone\"", default: "\"allocated\"", meaning: "allocated: demand the coverage engine allocates to the school under capacity, within the radius; nearest: demand whose nearest school it is, at any distance; zone: pupils of its attendance zone (levels with `zones = true`)" },
    ],
    threshold: "School scope: measured = utilisation, threshold = `min`, `>=` (inclusive: a school \
at exactly the floor passes). Area scopes: measured = number of schools under the floor, \
threshold 0, `<=`.",
    missing_data: "A school without known seats (or with 0 seats) is not_evaluable. Not evaluable \
when the scenario does not measure the level.",
    used_by: "E1",
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
        let mut evaluated: Vec<Evaluated> = Vec::new();
        for (i, s) in ctx.map.schools.iter().enumerate() {
            if !s.serves(self.level) || self.filter.matches(s) != Some(true) {
                continue;
            }
            let per_school = match (self.demand, &lc.zones) {
                (UtilisationDemand::Allocated, _) => &lc.school_demand,
                (UtilisationDemand::Zone, Some(z)) => &z.pupils,
                (UtilisationDemand::Nearest | UtilisationDemand::Zone, _) => &lc.nearest_demand,
            };
            let demand = per_school.get(i).copied().unwrap_or(0.0);
            let outcome = match lc.school_seats.get(i).copied().flatten() {
                Some(seats) if seats > 0.0 => {
                    let u = demand / seats;
                    if Comparison::AtLeast.holds(u, self.min) {
                        Outcome::Pass { measured: u }
                    } else {
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
                _ => Outcome::Unknown {
                    reason: tr(ctx, "seats unknown or 0".into(), "学位数不详或为 0".into()),
                },
            };
            let note = Some(format!("demand {}", num((demand * 10.0).round() / 10.0)));
            evaluated.push(Evaluated::new(i, outcome, note));
        }
        let check = SchoolCheck {
            threshold: self.min,
            comparison: Comparison::AtLeast,
            unit: "share",
            area_unit: "schools",
        };
        report_schools(rule, ctx, &check, evaluated, &|_| None, out);
    }
}
