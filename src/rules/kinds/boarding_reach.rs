//! `boarding_reach`: rural pupils beyond walking reach of a school are within reach of a
//! boarding school.

use serde::Deserialize;

use super::{num, tr, Context};
use crate::model::{AreaKind, Level};
use crate::rules::common::{check_non_negative, Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::finding::{Comparison, Finding, FindingStatus};
use crate::rules::scope::{self, sorted};

/// Parameters of `boarding_reach`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardingReach {
    /// Service level (`primary` or `junior` usually).
    pub level: Level,
    /// Straight-line distance within which a boarding school serves a cell, metres (inclusive).
    pub boarding_radius_m: f64,
    /// Walking standard in the scenario's cost unit (default: the day radius of each cell's
    /// setting); cells whose cost to the nearest school is above it are "beyond walking reach".
    pub walk_radius: Option<f64>,
    /// Township kinds whose cells are rural (default `["town", "township"]`).
    #[serde(default = "rural")]
    pub rural_kinds: Vec<AreaKind>,
    /// Pupils allowed beyond reach (default 0, inclusive).
    #[serde(default)]
    pub max_unreached: f64,
}

fn rural() -> Vec<AreaKind> {
    vec![AreaKind::Town, AreaKind::Township]
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "boarding_reach",
    summary: "rural pupils beyond walking reach of any school are within reach of a boarding school",
    what: "Takes the cells of rural townships (`rural_kinds`) with demand of the level whose cost \
to the nearest open school of the level is above the walking standard (`walk_radius`, default \
the day radius of the cell's setting, urban or rural; at the radius is walkable), and checks that each lies within \
`boarding_radius_m` (straight line, inclusive) of an open school of the level with `boarding = \
true`. Reports the pupils and cells left without either.",
    why: "Rural Fushun (新宾, 清原, 抚顺县) is mountainous and thinly settled; the plan answers with \
small village schools and township boarding schools (推进乡村小规模学校和乡镇寄宿制学校建设, R1). A \
pupil too far to walk to school needs a boarding place within a bus ride.",
    scopes: &[Scope::City, Scope::AreaSet, Scope::County, Scope::Township],
    parameters: &[
        ParamDoc { name: "level", ty: "level", default: "", meaning: "service level" },
        ParamDoc { name: "boarding_radius_m", ty: "number", default: "", meaning: "straight-line reach of a boarding school, metres" },
        ParamDoc { name: "walk_radius", ty: "number", default: "the day radius of the cell's setting", meaning: "walking standard in the scenario's cost unit" },
        ParamDoc { name: "rural_kinds", ty: "array of township kinds", default: "[\"town\", \"township\"]", meaning: "township kinds whose cells are rural" },
        ParamDoc { name: "max_unreached", ty: "number", default: "0", meaning: "pupils allowed beyond reach" },
    ],
    threshold: "measured = pupils beyond walking reach and beyond boarding reach, threshold = \
`max_unreached`, unit `pupils`, `<=` (inclusive). Both radii are inclusive.",
    missing_data: "A school of the level without a `boarding` flag may be a boarding school: cells \
it would reach count as unknown, and the area is not_evaluable when they could change the \
outcome. Not evaluable when the scenario does not measure the level or has no townships layer \
(rurality unknown).",
    used_by: "R1",
    example: r#"
[[rules]]
id = "R1"
kind = "boarding_reach"
title_zh = "乡镇寄宿制学校覆盖偏远学生"
title_en = "Remote rural pupils can reach a boarding school"
clause = "四(八)1"
scope = "township"
township_kinds = ["town", "township"]
level = "primary"
boarding_radius_m = 15000
"#,
};

/// Pupils by reach: (unreached pupils, cells; unknown pupils, cells; beyond-walk pupils).
#[derive(Default)]
struct Tally {
    unreached: f64,
    unreached_cells: Vec<String>,
    unknown: f64,
    unknown_cells: Vec<String>,
    far: f64,
}

impl BoardingReach {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.level == Level::NineYear {
            return Err(
                "`level`: nine_year is a kind of school, not a cohort; use primary or junior"
                    .into(),
            );
        }
        check_non_negative("boarding_radius_m", self.boarding_radius_m)?;
        if let Some(w) = self.walk_radius {
            check_non_negative("walk_radius", w)?;
        }
        check_non_negative("max_unreached", self.max_unreached)
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
        let map = ctx.map;
        let (units, missing) = scope::units(rule, map);
        out.extend(missing);
        let lc = ctx.coverage.level(self.level);
        for unit in units {
            let mut f = Finding::new(rule, &unit, Comparison::AtMost, "pupils");
            f.threshold = Some(self.max_unreached);
            let Some(lc) = lc else {
                f.not_evaluable(tr(
                    ctx,
                    format!("the scenario does not measure {}", self.level),
                    format!("情景未计算{}", self.level.name_zh()),
                ));
                out.push(f);
                continue;
            };
            if map.townships.is_empty() {
                f.not_evaluable(tr(
                    ctx,
                    "no townships layer: rural cells unknown".into(),
                    "缺少乡镇图层，无法识别农村区域".into(),
                ));
                out.push(f);
                continue;
            }
            let walk = |c: usize| self.walk_radius.unwrap_or_else(|| lc.radius_at(c));
            let (boarding, maybe): (Vec<usize>, Vec<usize>) = {
                let serving = (0..map.schools.len()).filter(|&i| map.schools[i].serves(self.level));
                let (mut b, mut m) = (Vec::new(), Vec::new());
                for i in serving {
                    match map.schools[i].boarding {
                        Some(true) => b.push(i),
                        None => m.push(i),
                        Some(false) => {}
                    }
                }
                (b, m)
            };
            let near = |c: &crate::model::DemandCell, set: &[usize]| {
                set.iter().any(|&i| {
                    let p = map.schools[i].pos;
                    (p.x - c.pos.x).hypot(p.y - c.pos.y) <= self.boarding_radius_m
                })
            };
            let mut t = Tally::default();
            for (c, cell) in map.demand.cells.iter().enumerate() {
                let d = lc.demand.get(c).copied().unwrap_or(0.0);
                let rural = cell
                    .township
                    .and_then(|k| map.townships.get(k))
                    .is_some_and(|a| self.rural_kinds.contains(&a.kind));
                let cost = lc.cost.get(c).copied().unwrap_or(f64::INFINITY);
                if d <= 0.0 || !rural || !unit.has_cell(cell) || cost <= walk(c) {
                    continue;
                }
                t.far += d;
                if near(cell, &boarding) {
                    continue;
                }
                if near(cell, &maybe) {
                    t.unknown += d;
                    t.unknown_cells.push(cell.id.clone());
                } else {
                    t.unreached += d;
                    t.unreached_cells.push(cell.id.clone());
                }
            }
            self.report(ctx, &mut f, t);
            out.push(f);
        }
    }

    fn report(&self, ctx: &Context, f: &mut Finding, t: Tally) {
        let cmp = Comparison::AtMost;
        f.note = Some(tr(
            ctx,
            format!("{} rural pupils beyond walking reach", num(t.far)),
            format!("农村步行范围外学生 {} 人", num(t.far)),
        ));
        if t.unknown > 0.0
            && cmp.holds(t.unreached, self.max_unreached)
            && !cmp.holds(t.unreached + t.unknown, self.max_unreached)
        {
            f.measured = Some(t.unreached);
            f.evidence.cells = sorted(t.unknown_cells);
            f.evidence.population = Some(t.unknown);
            f.not_evaluable(tr(
                ctx,
                format!(
                    "{} pupils are reached only by schools without a `boarding` flag",
                    num(t.unknown)
                ),
                format!("{} 名学生仅能到达未标注 `boarding` 的学校", num(t.unknown)),
            ));
            return;
        }
        f.decide(t.unreached, self.max_unreached);
        f.evidence.population = Some(t.unreached);
        f.evidence.cells = sorted(t.unreached_cells);
        if f.status == FindingStatus::Fail {
            f.fix = Some(tr(
                ctx,
                format!(
                    "{} pupils need a boarding {} school within {} m",
                    num(t.unreached),
                    self.level,
                    num(self.boarding_radius_m)
                ),
                format!(
                    "{} 名学生需要 {} 米内的寄宿制{}",
                    num(t.unreached),
                    num(self.boarding_radius_m),
                    self.level.name_zh()
                ),
            ));
        }
    }
}
