//! `resource_minimum`: per-school minimums of per-pupil resources.

use serde::Deserialize;

use super::balance_cv::Indicator;
use super::{num, report_schools, tr, Context, Evaluated, Outcome, SchoolCheck};
use crate::rules::common::{check_range, Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::filter::SchoolFilter;
use crate::rules::finding::{Comparison, Finding};

/// Parameters of `resource_minimum`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceMinimum {
    /// Schools checked.
    pub filter: SchoolFilter,
    /// Indicators, each with its `min`.
    pub indicators: Vec<Indicator>,
    /// Indicators a school must meet (default: all).
    pub min_met: Option<usize>,
    /// The indicators not met must still reach this share of their minimum (default 1.0; the
    /// 2017 method: 0.85).
    #[serde(default = "one")]
    pub floor_share: f64,
}

fn one() -> f64 {
    1.0
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "resource_minimum",
    summary: "each school reaches minimum resources per pupil",
    what:
        "For each school, each indicator's value `res_<name>` ÷ enrolment × `per_pupils` against \
its `min`. A school passes when at least `min_met` indicators reach their minimum and every other \
indicator reaches `floor_share` × its minimum.",
    why: "The 2017 county balanced-development method sets per-school minimums per 100 pupils \
(qualified teachers 4.2 primary / 5.3 junior, backbone teachers 1 / 1, PE and arts teachers \
0.9 / 0.9, multimedia classrooms 2.3 / 2.4) and per pupil (teaching area 4.5 / 5.8 m², sports \
ground 7.5 / 10.2 m², equipment 2000 / 2500 yuan); each school must meet 6 of the 7 and reach \
85 % of the last (B2, part of P2).",
    scopes: &[
        Scope::School,
        Scope::City,
        Scope::AreaSet,
        Scope::County,
        Scope::Township,
    ],
    parameters: &[
        ParamDoc {
            name: "filter",
            ty: "filter",
            default: "",
            meaning: "schools checked",
        },
        ParamDoc {
            name: "indicators",
            ty: "array of { name, per_pupils = 100, min }",
            default: "",
            meaning: "resource indicators with their minimums",
        },
        ParamDoc {
            name: "min_met",
            ty: "integer",
            default: "all indicators",
            meaning: "indicators a school must meet",
        },
        ParamDoc {
            name: "floor_share",
            ty: "number 0–1",
            default: "1.0",
            meaning: "share of the minimum the other indicators must reach",
        },
    ],
    threshold:
        "School scope: measured = indicators met, threshold = `min_met`, `>=`; each \
indicator is met when value >= min (inclusive: exactly 4.5 m² per pupil meets 4.5), and the \
others must be >= `floor_share` × min (a school below that floor fails even when measured >= \
`min_met`; the note gives every value). Area scopes: measured = schools failing, threshold 0, `<=`.",
    missing_data:
        "A school lacking `enrolment` or a resource is not_evaluable. Schools with 0 pupils \
(e.g. planned ones) are left out.",
    used_by: "P2 (B2: primary and junior minimums in 抚顺县, 顺城区, 望花区)",
    example: r#"
[[rules]]
id = "P2-B2-primary"
kind = "resource_minimum"
title_zh = "小学每项资源配置指标达到标准"
title_en = "Primary schools reach the resource minimums"
clause = "四(二)2"
scope = "county"
areas = ["210421", "210411", "210404"]
filter = { levels = ["primary"] }
min_met = 1
floor_share = 0.85
indicators = [
  { name = "qualified_teachers", per_pupils = 100, min = 4.2 },
  { name = "teaching_area_m2", per_pupils = 1, min = 4.5 },
]
"#,
};

impl ResourceMinimum {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.indicators.is_empty() {
            return Err("`indicators`: expected at least one".into());
        }
        for (k, ind) in self.indicators.iter().enumerate() {
            ind.validate(&format!("indicators[{k}]"))?;
            if ind.min.is_none() {
                return Err(format!(
                    "`indicators[{k}].min`: required by resource_minimum"
                ));
            }
        }
        if let Some(m) = self.min_met {
            if m > self.indicators.len() {
                return Err(format!(
                    "`min_met`: expected at most {} (the indicators listed), found {m}",
                    self.indicators.len()
                ));
            }
        }
        check_range("floor_share", self.floor_share, 0.0, 1.0)
    }

    fn min_met(&self) -> usize {
        self.min_met.unwrap_or(self.indicators.len())
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
        let mut evaluated: Vec<Evaluated> = Vec::new();
        for (i, s) in ctx.map.schools.iter().enumerate() {
            if self.filter.matches(s) != Some(true) || s.enrolment == Some(0.0) {
                continue;
            }
            let mut lacking = Vec::new();
            let (mut met, mut under_floor, mut below, mut parts) = (0, vec![], vec![], vec![]);
            for ind in &self.indicators {
                let min = ind.min.unwrap_or(0.0);
                let Some(v) = ind.value(s) else {
                    lacking.push(if s.resources.contains_key(&ind.name) {
                        "enrolment".to_string()
                    } else {
                        format!("res_{}", ind.name)
                    });
                    continue;
                };
                parts.push(format!("{} {}/{}", ind.name, num(v), num(min)));
                if Comparison::AtLeast.holds(v, min) {
                    met += 1;
                } else {
                    below.push(ind.name.clone());
                    if !Comparison::AtLeast.holds(v, self.floor_share * min) {
                        under_floor.push(ind.name.clone());
                    }
                }
            }
            let note = Some(parts.join(", "));
            lacking.dedup();
            let outcome = if !lacking.is_empty() {
                Outcome::Unknown {
                    reason: format!("no {}", lacking.join(", ")),
                }
            } else if met >= self.min_met() && under_floor.is_empty() {
                Outcome::Pass {
                    measured: met as f64,
                }
            } else {
                Outcome::Fail {
                    measured: met as f64,
                    count: 1.0,
                    fix: Some(tr(
                        ctx,
                        format!("raise {}", below.join(", ")),
                        format!("提高{}", below.join("、")),
                    )),
                }
            };
            evaluated.push(Evaluated::new(i, outcome, note));
        }
        let check = SchoolCheck {
            threshold: self.min_met() as f64,
            comparison: Comparison::AtLeast,
            unit: "indicators",
            area_unit: "schools",
        };
        report_schools(rule, ctx, &check, evaluated, &|_| None, out);
    }
}
