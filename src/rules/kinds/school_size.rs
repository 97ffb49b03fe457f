//! `max_school_size`: no school above a size cap.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{num, report_schools, tr, Context, Evaluated, Outcome, SchoolCheck};
use crate::model::Level;
use crate::rules::common::{check_non_negative, Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::filter::SchoolFilter;
use crate::rules::finding::{Comparison, Finding};

/// Parameters of `max_school_size`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxSchoolSize {
    /// Schools checked (default: every open school).
    #[serde(default)]
    pub filter: SchoolFilter,
    /// Largest enrolment allowed (inclusive).
    pub max: f64,
    /// Caps per school level overriding `max` (e.g. `{ nine_year = 2500, kindergarten = 360 }`).
    #[serde(default)]
    pub max_by_level: BTreeMap<Level, f64>,
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "max_school_size",
    summary: "no school enrols more than a cap",
    what:
        "Compares each school's `enrolment` with the cap of its level (`max_by_level`, else `max`).",
    why: "The 2017 county balanced-development method caps primary and junior schools at 2000 \
pupils and nine-year schools at 2500; 幼儿园工作规程 caps kindergartens at 360 children. Oversized \
schools are where a new school or a split relieves pressure.",
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
            default: "every open school",
            meaning: "schools checked",
        },
        ParamDoc {
            name: "max",
            ty: "number",
            default: "",
            meaning: "largest enrolment allowed",
        },
        ParamDoc {
            name: "max_by_level",
            ty: "table level → number",
            default: "{}",
            meaning: "caps per school level overriding `max`",
        },
    ],
    threshold:
        "School scope: measured = enrolment, threshold = the cap, `<=` (inclusive: a school \
of exactly 2000 pupils passes `max = 2000`). Area scopes: measured = number of schools over the \
cap, threshold 0, `<=`.",
    missing_data:
        "A school without `enrolment` is not_evaluable; an area fails as soon as one known \
school is over the cap and is not_evaluable when none is but some lack enrolment.",
    used_by: "the school-size standard of the balance method (alongside P2)",
    example: r#"
[[rules]]
id = "S1"
kind = "max_school_size"
title_zh = "学校规模不超过2000人"
title_en = "No school above 2000 pupils"
clause = "县域义务教育优质均衡发展督导评估办法"
scope = "school"
filter = { levels = ["primary", "junior", "nine_year"] }
max = 2000
max_by_level = { nine_year = 2500 }
"#,
};

impl MaxSchoolSize {
    pub(crate) fn validate(&self) -> Result<(), String> {
        check_non_negative("max", self.max)?;
        for (l, v) in &self.max_by_level {
            check_non_negative(&format!("max_by_level.{l}"), *v)?;
        }
        Ok(())
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
        let mut evaluated: Vec<Evaluated> = Vec::new();
        for (i, s) in ctx.map.schools.iter().enumerate() {
            if self.filter.matches(s) != Some(true) {
                continue;
            }
            let cap = self.max_by_level.get(&s.level).copied().unwrap_or(self.max);
            let outcome = match s.enrolment {
                None => Outcome::Unknown {
                    reason: tr(
                        ctx,
                        "no enrolment".into(),
                        "缺少 enrolment（在校生数）".into(),
                    ),
                },
                Some(e) if Comparison::AtMost.holds(e, cap) => Outcome::Pass { measured: e },
                Some(e) => Outcome::Fail {
                    measured: e,
                    count: 1.0,
                    fix: Some(tr(
                        ctx,
                        format!("{} pupils over the cap of {}", num(e - cap), num(cap)),
                        format!("超出规模上限 {} 人 {} 人", num(cap), num(e - cap)),
                    )),
                },
            };
            let mut e = Evaluated::new(i, outcome, None);
            e.threshold = Some(cap);
            evaluated.push(e);
        }
        let check = SchoolCheck {
            threshold: self.max,
            comparison: Comparison::AtMost,
            unit: "pupils",
            area_unit: "schools",
        };
        report_schools(rule, ctx, &check, evaluated, &|_| None, out);
    }
}
