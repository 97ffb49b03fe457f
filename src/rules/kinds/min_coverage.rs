//! `min_coverage`: population-weighted coverage of a level, per area.

use serde::Deserialize;

use super::{num, tr, Context};
use crate::model::Level;
use crate::rules::common::{check_non_negative, check_range, Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::finding::{Comparison, Finding};
use crate::rules::scope::{self, sorted};

/// Parameters of `min_coverage`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinCoverage {
    /// Level measured (a service level: not `nine_year`).
    pub level: Level,
    /// Least covered share of demand, 0–1 (inclusive).
    pub min: f64,
    /// Only cells with at least this demand count (e.g. to check only sizeable residential
    /// areas); default: every cell with demand.
    pub min_cell_demand: Option<f64>,
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "min_coverage",
    summary: "share of a level's demand within the service radius of a school, at least a target",
    what: "Σ demand of covered cells ÷ Σ demand of the cells of each area, for one level, from the \
coverage engine (a cell is covered when the cost to the nearest open school of the level is <= \
the level's radius). With `min_cell_demand`, only cells with at least that demand count: with \
`min = 1.0` this reads \"every residential cluster of that size has a school within the radius\".",
    why: "The service radius (300 m kindergarten, 500 m primary, 1000 m junior; GB 50180-2018 life \
circles) is how Chinese planning standards express access; the uncovered population is the gap a \
new school would close.",
    scopes: &[Scope::City, Scope::AreaSet, Scope::County, Scope::Township],
    parameters: &[
        ParamDoc { name: "level", ty: "level", default: "", meaning: "service level measured (`kindergarten`, `primary`, `junior`, `senior`, `special`, `vocational`)" },
        ParamDoc { name: "min", ty: "number 0–1", default: "", meaning: "least covered share" },
        ParamDoc { name: "min_cell_demand", ty: "number", default: "none", meaning: "only cells with at least this demand (pupils) count" },
    ],
    threshold: "measured = covered share (0–1), unit `share`, passes when measured >= `min` \
(inclusive). Coverage itself is inclusive: a cell exactly at the radius is covered. Evidence: \
uncovered cells and their demand.",
    missing_data: "Not evaluable when the scenario does not measure the level, or when no cell of \
the map has demand of the level (cohort field missing). Areas without demand give no finding.",
    used_by: "K4 (second part: residential areas have a kindergarten within the radius)",
    example: r#"
[[rules]]
id = "C-primary"
kind = "min_coverage"
title_zh = "小学服务半径覆盖率"
title_en = "Primary pupils within the service radius"
clause = "GB 50180-2018"
scope = "county"
level = "primary"
min = 0.9
"#,
};

impl MinCoverage {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.level == Level::NineYear {
            return Err(
                "`level`: nine_year is a kind of school, not a cohort; use primary or junior"
                    .into(),
            );
        }
        if let Some(d) = self.min_cell_demand {
            check_non_negative("min_cell_demand", d)?;
        }
        check_range("min", self.min, 0.0, 1.0)
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
        let map = ctx.map;
        let (units, missing) = scope::units(rule, map);
        out.extend(missing);
        let lc = ctx.coverage.level(self.level);
        let no_demand = !matches!(lc, Some(lc) if lc.total_demand > 0.0);
        let threshold = self.min_cell_demand.unwrap_or(0.0);
        for unit in units {
            let mut f = Finding::new(rule, &unit, Comparison::AtLeast, "share");
            f.threshold = Some(self.min);
            let Some(lc) = lc.filter(|_| !no_demand) else {
                f.not_evaluable(tr(
                    ctx,
                    format!("the scenario measures no {} demand (level not configured or cohort field missing)", self.level),
                    format!("情景未计算{}需求（未配置该学段或缺少人口年龄段字段）", self.level.name_zh()),
                ));
                out.push(f);
                continue;
            };
            let (mut total, mut covered, mut cells) = (0.0, 0.0, Vec::new());
            for (c, cell) in map.demand.cells.iter().enumerate() {
                let d = lc.demand.get(c).copied().unwrap_or(0.0);
                if d <= 0.0 || d < threshold || !unit.has_cell(cell) {
                    continue;
                }
                total += d;
                if lc.covered.get(c).copied().unwrap_or(false) {
                    covered += d;
                } else {
                    cells.push(cell.id.clone());
                }
            }
            if total <= 0.0 {
                continue;
            }
            f.decide(covered / total, self.min);
            f.evidence.cells = sorted(cells);
            f.evidence.population = Some(total - covered);
            f.note = Some(tr(
                ctx,
                format!(
                    "{} of {} pupils within {} {}",
                    num(covered),
                    num(total),
                    num(lc.radius),
                    unit_name(ctx)
                ),
                format!(
                    "{} / {} 名学生在 {} {} 服务半径内",
                    num(covered),
                    num(total),
                    num(lc.radius),
                    unit_name(ctx)
                ),
            ));
            if f.status == crate::rules::FindingStatus::Fail {
                let short = (self.min * total - covered).max(0.0).ceil();
                f.fix = Some(tr(
                    ctx,
                    format!("bring {} more pupils within the radius (new or relocated {} in the uncovered cells)", num(short), self.level),
                    format!("需使另外 {} 名学生进入服务半径（在未覆盖区域新建或调整{}）", num(short), self.level.name_zh()),
                ));
            }
            out.push(f);
        }
    }
}

fn unit_name(ctx: &Context) -> &'static str {
    ctx.coverage.unit.symbol()
}
