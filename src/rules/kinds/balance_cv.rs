//! `balance_cv`: coefficient of variation of per-pupil resources between the schools of an area.

use serde::Deserialize;

use super::{num, tr, Context};
use crate::rules::common::{check_non_negative, Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::filter::SchoolFilter;
use crate::rules::finding::{Comparison, Finding, FindingStatus};
use crate::rules::scope::{self, sorted};

/// A resource indicator: the school property `res_<name>` per `per_pupils` pupils.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Resource name without the `res_` prefix, e.g. `qualified_teachers`, `teaching_area_m2`.
    pub name: String,
    /// Pupils the value is expressed per: 100 for "per 100 pupils" (teachers, rooms), 1 for
    /// "per pupil" (m², yuan). Default 100.
    #[serde(default = "per_hundred")]
    pub per_pupils: f64,
    /// Per-school minimum of the value (used by `resource_minimum`; inclusive).
    pub min: Option<f64>,
}

fn per_hundred() -> f64 {
    100.0
}

impl Indicator {
    /// The school's value: `res_<name>` ÷ enrolment × `per_pupils`; `None` when the resource or
    /// the enrolment is missing or the enrolment is 0.
    pub fn value(&self, s: &crate::model::School) -> Option<f64> {
        let r = *s.resources.get(&self.name)?;
        let e = s.enrolment.filter(|e| *e > 0.0)?;
        Some(r / e * self.per_pupils)
    }

    pub(crate) fn validate(&self, key: &str) -> Result<(), String> {
        if !(self.per_pupils.is_finite() && self.per_pupils > 0.0) {
            return Err(format!(
                "`{key}.per_pupils`: expected a number > 0, found {}",
                self.per_pupils
            ));
        }
        if let Some(m) = self.min {
            check_non_negative(&format!("{key}.min"), m)?;
        }
        Ok(())
    }
}

/// Parameters of `balance_cv`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalanceCv {
    /// Schools compared (e.g. `levels = ["primary"]`).
    pub filter: SchoolFilter,
    /// Indicators; each must have a coefficient of variation ≤ `max_cv`.
    pub indicators: Vec<Indicator>,
    /// Largest coefficient of variation (inclusive).
    pub max_cv: f64,
    /// Weight schools by enrolment (the official method); default true.
    #[serde(default = "yes")]
    pub weighted: bool,
    /// Fewest schools for a meaningful comparison; default 2.
    #[serde(default = "two")]
    pub min_schools: usize,
}

fn yes() -> bool {
    true
}

fn two() -> usize {
    2
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "balance_cv",
    summary: "resources per pupil evenly spread between the schools of an area (coefficient of variation)",
    what: "For each indicator, each school's value `res_<name>` ÷ enrolment × `per_pupils`, then the \
coefficient of variation between the area's schools: CV = S / x̄ with x̄ = Σ Pᵢxᵢ / Σ Pᵢ and \
S = √(Σ Pᵢ(xᵢ − x̄)² / Σ Pᵢ), Pᵢ the school's enrolment (all Pᵢ = 1 with `weighted = false`). The \
area passes when every indicator's CV is within `max_cv`.",
    why: "The national county-level test of balanced compulsory education (县域义务教育优质均衡发展督导评估办法, \
2017) requires the CV of seven resource indicators to be ≤ 0.50 between primary schools and ≤ 0.45 \
between junior schools (B1). The plan commits 抚顺县, 顺城区 and 望花区 to pass it (P2).",
    scopes: &[Scope::City, Scope::AreaSet, Scope::County, Scope::Township],
    parameters: &[
        ParamDoc { name: "filter", ty: "filter", default: "", meaning: "schools compared" },
        ParamDoc { name: "indicators", ty: "array of { name, per_pupils = 100 }", default: "", meaning: "resource indicators (`res_<name>` school properties) and the pupils they are expressed per" },
        ParamDoc { name: "max_cv", ty: "number", default: "", meaning: "largest coefficient of variation" },
        ParamDoc { name: "weighted", ty: "bool", default: "true", meaning: "weight schools by enrolment" },
        ParamDoc { name: "min_schools", ty: "integer", default: "2", meaning: "fewest schools for a comparison" },
    ],
    threshold: "measured = the largest CV over the indicators, threshold = `max_cv`, unit `cv`, `<=` \
(inclusive: a CV of exactly 0.50 passes). The note gives every indicator's CV.",
    missing_data: "Not evaluable when a school compared lacks the resource or `enrolment`, listing \
them, or when the area has fewer than `min_schools` schools. Schools with 0 pupils (e.g. planned \
ones) are left out: there is nothing per pupil to compare.",
    used_by: "P2 (B1: primary ≤ 0.50, junior ≤ 0.45, in 抚顺县, 顺城区, 望花区)",
    example: r#"
[[rules]]
id = "P2-B1-primary"
kind = "balance_cv"
title_zh = "小学校际差异系数不高于0.50"
title_en = "Primary schools: coefficient of variation ≤ 0.50"
clause = "四(二)2"
scope = "county"
areas = ["210421", "210411", "210404"]
filter = { levels = ["primary"] }
max_cv = 0.5
indicators = [
  { name = "qualified_teachers", per_pupils = 100 },
  { name = "teaching_area_m2", per_pupils = 1 },
]
"#,
};

/// Coefficient of variation of `values` with weights; `None` for an empty list or a zero mean
/// with some spread.
pub(crate) fn cv(values: &[(f64, f64)]) -> Option<f64> {
    let w: f64 = values.iter().map(|v| v.1).sum();
    if values.is_empty() || w <= 0.0 {
        return None;
    }
    let mean = values.iter().map(|(x, p)| x * p).sum::<f64>() / w;
    let var = values
        .iter()
        .map(|(x, p)| p * (x - mean).powi(2))
        .sum::<f64>()
        / w;
    if mean.abs() < 1e-12 {
        return (var < 1e-24).then_some(0.0);
    }
    Some(var.sqrt() / mean)
}

impl BalanceCv {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.indicators.is_empty() {
            return Err("`indicators`: expected at least one".into());
        }
        for (k, ind) in self.indicators.iter().enumerate() {
            ind.validate(&format!("indicators[{k}]"))?;
        }
        check_non_negative("max_cv", self.max_cv)
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
        let map = ctx.map;
        let (units, missing) = scope::units(rule, map);
        out.extend(missing);
        for unit in units {
            let schools: Vec<usize> = scope::schools_in(map, &unit)
                .filter(|&i| self.filter.matches(&map.schools[i]) == Some(true))
                .filter(|&i| map.schools[i].enrolment != Some(0.0))
                .collect();
            if schools.is_empty() {
                continue;
            }
            let mut f = Finding::new(rule, &unit, Comparison::AtMost, "cv");
            f.threshold = Some(self.max_cv);
            let mut lacking = Vec::new();
            for &i in &schools {
                let s = &map.schools[i];
                let gone: Vec<&str> = self
                    .indicators
                    .iter()
                    .filter(|ind| ind.value(s).is_none())
                    .map(|ind| ind.name.as_str())
                    .collect();
                if !gone.is_empty() {
                    let what = if s.enrolment.is_none() {
                        "enrolment".to_string()
                    } else {
                        gone.iter()
                            .map(|g| format!("res_{g}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    lacking.push((s.id.clone(), what));
                }
            }
            if !lacking.is_empty() {
                lacking.sort();
                f.evidence.schools = lacking.iter().map(|l| l.0.clone()).collect();
                let list: Vec<String> = lacking
                    .iter()
                    .map(|(id, w)| format!("{id} ({w})"))
                    .collect();
                f.not_evaluable(tr(
                    ctx,
                    format!("{} school(s) lack data: {}", list.len(), list.join("; ")),
                    format!("{} 所学校缺少数据：{}", list.len(), list.join("；")),
                ));
                out.push(f);
                continue;
            }
            if schools.len() < self.min_schools {
                f.not_evaluable(tr(
                    ctx,
                    format!(
                        "{} school(s): fewer than {} to compare",
                        schools.len(),
                        self.min_schools
                    ),
                    format!(
                        "仅 {} 所学校，少于 {} 所，无法比较",
                        schools.len(),
                        self.min_schools
                    ),
                ));
                out.push(f);
                continue;
            }
            self.measure(ctx, &schools, &mut f);
            out.push(f);
        }
    }

    fn measure(&self, ctx: &Context, schools: &[usize], f: &mut Finding) {
        let map = ctx.map;
        let (mut worst, mut parts, mut failing, mut lowest) = (0.0f64, vec![], vec![], vec![]);
        for ind in &self.indicators {
            let values: Vec<(f64, f64, usize)> = schools
                .iter()
                .filter_map(|&i| {
                    let s = &map.schools[i];
                    let p = if self.weighted { s.enrolment? } else { 1.0 };
                    Some((ind.value(s)?, p, i))
                })
                .collect();
            let pairs: Vec<(f64, f64)> = values.iter().map(|v| (v.0, v.1)).collect();
            let Some(c) = cv(&pairs) else {
                f.not_evaluable(format!("indicator {}: mean 0 with spread", ind.name));
                return;
            };
            worst = worst.max(c);
            parts.push(format!("{} {}", ind.name, num(c)));
            if !Comparison::AtMost.holds(c, self.max_cv) {
                failing.push(ind.name.clone());
                if let Some(low) = values.iter().min_by(|a, b| a.0.total_cmp(&b.0)) {
                    lowest.push(map.schools[low.2].id.clone());
                }
            }
        }
        f.decide(worst, self.max_cv);
        f.note = Some(format!("cv: {}", parts.join(", ")));
        if f.status == FindingStatus::Fail {
            f.evidence.schools = sorted(lowest.clone());
            f.fix = Some(tr(
                ctx,
                format!(
                    "even out {} (lowest: {})",
                    failing.join(", "),
                    sorted(lowest.clone()).join(", ")
                ),
                format!(
                    "缩小{}的校际差距（最低：{}）",
                    failing.join("、"),
                    sorted(lowest).join("、")
                ),
            ));
        }
    }
}
