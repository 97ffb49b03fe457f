//! `min_share`: the share of enrolment in schools matching a filter, per area.

use serde::Deserialize;

use super::{num, tr, Context};
use crate::rules::common::{check_range, Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::filter::SchoolFilter;
use crate::rules::finding::{Comparison, Finding};
use crate::rules::scope::{self, sorted};

/// Parameters of `min_share`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinShare {
    /// Schools whose enrolment is the numerator.
    pub filter: SchoolFilter,
    /// Schools whose enrolment is the denominator (default: every open school of the filter's
    /// levels).
    pub base: Option<SchoolFilter>,
    /// Least share, 0–1 (inclusive).
    pub min: f64,
    /// What is shared: `enrolment` (default) or `seats` (`capacity_seats`, or classes × the
    /// level's class size; a nine-year school's seats whole).
    #[serde(default)]
    pub of: ShareOf,
}

/// What `min_share` divides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareOf {
    /// Recorded pupils.
    #[default]
    Enrolment,
    /// Seats.
    Seats,
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "min_share",
    summary: "share of enrolment in schools matching a filter, at least a target",
    what: "Σ `enrolment` of the schools matching `filter` ÷ Σ `enrolment` of the schools matching \
`base`, over the schools of each area (schools matching `filter` but not `base` are not counted). \
With `of = \"seats\"`, seats instead of enrolment (`capacity_seats`, or classes × the level's class \
size).",
    why: "The preschool and senior-high targets of the plan are enrolment shares: public \
kindergartens ≥ 50 % (K2), 普惠 kindergartens ≥ 85 % (K3), quality or specialty senior highs ≥ 65 % \
(H1); the public share of kindergarten seats (公办幼儿园学位覆盖率 ≥ 80 %, K5) is a share of seats. \
The share tells a bureau how many places must change hands (convert or build).",
    scopes: &[Scope::City, Scope::AreaSet, Scope::County, Scope::Township],
    parameters: &[
        ParamDoc { name: "filter", ty: "filter", default: "", meaning: "schools counted in the numerator" },
        ParamDoc { name: "base", ty: "filter", default: "{ levels = <filter's levels> }", meaning: "schools counted in the denominator" },
        ParamDoc { name: "min", ty: "number 0–1", default: "", meaning: "least share" },
        ParamDoc { name: "of", ty: "\"enrolment\" | \"seats\"", default: "\"enrolment\"", meaning: "what is shared" },
    ],
    threshold: "measured = share (0–1), unit `share`, passes when measured >= `min` (inclusive: \
exactly 0.50 passes `min = 0.5`). The fix gives the pupils that would have to be in matching \
schools.",
    missing_data: "Not evaluable when a school of the base lacks `enrolment`, or lacks a flag the \
filter needs (a public school without `inclusive` counts as inclusive), or when the area's base \
enrolment is 0; the schools concerned are listed. Areas without any base school give no finding.",
    used_by: "K2, K3 (county and city), H1 (city), K5 (seats)",
    example: r#"
[[rules]]
id = "K2"
kind = "min_share"
title_zh = "公办幼儿园在园幼儿占比达到50%以上"
title_en = "Public kindergartens enrol at least 50 % of children"
clause = "四(二)1"
scope = "county"
filter = { levels = ["kindergarten"], ownership = "public" }
base = { levels = ["kindergarten"] }
min = 0.5
"#,
};

impl MinShare {
    pub(crate) fn validate(&self) -> Result<(), String> {
        check_range("min", self.min, 0.0, 1.0)
    }

    fn base(&self) -> SchoolFilter {
        self.base.clone().unwrap_or_else(|| SchoolFilter {
            levels: self.filter.levels.clone(),
            ..SchoolFilter::default()
        })
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
        let map = ctx.map;
        let base = self.base();
        let (units, missing) = scope::units(rule, map);
        out.extend(missing);
        for unit in units {
            let mut f = Finding::new(rule, &unit, Comparison::AtLeast, "share");
            f.threshold = Some(self.min);
            let (mut num_e, mut den_e) = (0.0, 0.0);
            let (mut lacking, mut others, mut any) = (Vec::new(), Vec::new(), false);
            for i in scope::schools_in(map, &unit) {
                let s = &map.schools[i];
                let in_base = base.matches(s);
                if in_base == Some(false) {
                    continue;
                }
                any = true;
                let in_filter = self.filter.matches(s);
                let mut why: Vec<&str> = base.missing_flags(s);
                why.extend(self.filter.missing_flags(s));
                let value = match self.of {
                    ShareOf::Enrolment => s.enrolment,
                    ShareOf::Seats => seats_of(ctx, s),
                };
                if value.is_none() {
                    why.push(match self.of {
                        ShareOf::Enrolment => "enrolment",
                        ShareOf::Seats => "capacity_seats or classes",
                    });
                }
                if !why.is_empty() || in_base.is_none() || in_filter.is_none() {
                    why.dedup();
                    lacking.push(format!("{} ({})", s.id, why.join(", ")));
                    continue;
                }
                let e = value.unwrap_or(0.0);
                den_e += e;
                if in_filter == Some(true) {
                    num_e += e;
                } else {
                    others.push(s.id.clone());
                }
            }
            if !any {
                continue;
            }
            if !lacking.is_empty() {
                lacking.sort();
                f.evidence.schools = lacking
                    .iter()
                    .map(|l| l.split(' ').next().unwrap_or("").to_string())
                    .collect();
                f.not_evaluable(tr(
                    ctx,
                    format!(
                        "{} school(s) lack data: {}",
                        lacking.len(),
                        lacking.join("; ")
                    ),
                    format!("{} 所学校缺少数据：{}", lacking.len(), lacking.join("；")),
                ));
            } else if den_e <= 0.0 {
                f.not_evaluable(match self.of {
                    ShareOf::Enrolment => {
                        tr(ctx, "total enrolment is 0".into(), "在校生总数为 0".into())
                    }
                    ShareOf::Seats => tr(ctx, "total seats are 0".into(), "学位总数为 0".into()),
                });
            } else {
                f.decide(num_e / den_e, self.min);
                f.evidence.population = Some(den_e);
                if f.status == crate::rules::FindingStatus::Fail {
                    let short = (self.min * den_e - num_e).ceil().max(1.0);
                    let what = self.filter.describe(ctx.scenario.language);
                    f.evidence.schools = sorted(others);
                    let (what_en, what_zh) = match self.of {
                        ShareOf::Enrolment => ("pupils", "在校生"),
                        ShareOf::Seats => ("seats", "学位"),
                    };
                    f.fix = Some(tr(
                        ctx,
                        format!(
                            "{} more {what_en} in {} needed ({} of {} now)",
                            num(short),
                            what,
                            num(num_e),
                            num(den_e)
                        ),
                        format!(
                            "{}需再增加{what_zh} {} 个（现 {} / {}）",
                            what,
                            num(short),
                            num(num_e),
                            num(den_e)
                        ),
                    ));
                }
            }
            out.push(f);
        }
    }
}

/// Seats of a school (its whole seats: `capacity_seats`, or classes × the class size of its
/// level — a nine-year school's primary one).
fn seats_of(ctx: &Context, s: &crate::model::School) -> Option<f64> {
    let level = if s.level == crate::model::Level::NineYear {
        crate::model::Level::Primary
    } else {
        s.level
    };
    let class_size = ctx.scenario.level(level).map_or_else(
        || crate::config::LevelConfig::defaults(level).class_size,
        |l| l.class_size,
    );
    s.capacity_seats
        .or_else(|| s.classes.map(|c| c as f64 * class_size))
}
