//! `within_reach`: every school (or township) has a school of a given kind within a reach.

use serde::Deserialize;

use super::{num, tr, Context};
use crate::config::Setting;
use crate::model::School;
use crate::rules::common::{check_range, Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::filter::SchoolFilter;
use crate::rules::finding::{Comparison, Finding};
use crate::rules::scope;
use crate::spatial::index::PointIndex;

/// Parameters of `within_reach`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithinReach {
    /// With `scope = "school"`: the schools checked (default: every open school).
    #[serde(default)]
    pub filter: SchoolFilter,
    /// With `scope = "school"`: only schools in a cell of this setting (`urban` / `rural`; a
    /// school's setting is that of its nearest population cell).
    pub setting: Option<Setting>,
    /// What must be within reach: a school matching any of these.
    pub to: Vec<Target>,
    /// Reach, metres, straight line (inclusive).
    pub reach_m: f64,
}

/// One kind of school that satisfies `within_reach`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The schools.
    #[serde(default)]
    pub filter: SchoolFilter,
    /// … that also have this resource (`res_<name>` > 0, e.g. `resource_rooms` for a resource
    /// room, 资源教室).
    pub resource: Option<String>,
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "within_reach",
    summary: "every school (or township) has a school of a given kind within a reach",
    what: "School scope: for each open school matching `filter` (and `setting`, when given), the \
straight-line distance to the nearest other open school matching one of `to`. Township scope: \
for each township, 0 when such a school stands in it, else the distance from the township's \
population centre (the resident-weighted centroid of its cells) to the nearest one. A target \
with `resource` must also record that resource above 0 (`res_<resource>`).",
    why: "The plan links rural schools to strong ones (集团化办学、拉手共建…推动优质教育资源向薄弱、乡村学校辐射, \
G1) and builds inclusive education on ordinary schools with resource rooms, special schools and \
home teaching (以普通学校随班就读为主体、特殊教育学校为骨干, I1): both are promises of a partner or a \
service within reach.",
    scopes: &[Scope::School, Scope::Township],
    parameters: &[
        ParamDoc { name: "filter", ty: "filter", default: "every open school", meaning: "school scope: the schools checked" },
        ParamDoc { name: "setting", ty: "\"urban\" | \"rural\"", default: "any", meaning: "school scope: only schools in cells of this setting" },
        ParamDoc { name: "to", ty: "array of { filter, resource }", default: "", meaning: "a school matching any of these must be within reach" },
        ParamDoc { name: "reach_m", ty: "number", default: "", meaning: "reach in metres, straight line" },
    ],
    threshold: "measured = distance in metres to the nearest target (0 inside the township), \
threshold = `reach_m`, `<=` (inclusive), unit `m`.",
    missing_data: "A school that would be a target but lacks a flag of its filter or the resource \
is unknown: the unit is not_evaluable when an unknown school is nearer than every known target \
and the known ones are out of reach. When no school of the map records the resource at all, \
every unit is not_evaluable (the data does not say). A township without population cells is \
measured from its polygon's centroid.",
    used_by: "G1 (rural compulsory schools linked to a quality school), I1 (a resource room or special school within reach of every township)",
    example: r#"
[[rules]]
id = "G1"
kind = "within_reach"
title_zh = "乡村学校与优质学校结对"
title_en = "Rural schools have a quality partner school within reach"
clause = "四(二)2"
scope = "school"
filter = { levels = ["primary", "junior", "nine_year"], status = ["existing"] }
setting = "rural"
to = [{ filter = { levels = ["primary", "junior", "nine_year"], quality = true } }]
reach_m = 20000
"#,
};

/// Whether a school is a target: `Some(true)`, `Some(false)`, or `None` when unknown.
fn is_target(to: &[Target], s: &School) -> Option<bool> {
    if !s.is_open() {
        return Some(false);
    }
    let mut unknown = false;
    for t in to {
        let by_filter = t.filter.matches(s);
        let by_resource = match &t.resource {
            None => Some(true),
            Some(r) => s.resources.get(r).map(|x| *x > 0.0),
        };
        match (by_filter, by_resource) {
            (Some(true), Some(true)) => return Some(true),
            (Some(false), _) | (_, Some(false)) => {}
            _ => unknown = true,
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}

impl WithinReach {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.to.is_empty() {
            return Err("`to`: expected at least one kind of school".into());
        }
        check_range("reach_m", self.reach_m, 0.0, 1_000_000.0)
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
        let map = ctx.map;
        let status: Vec<Option<bool>> =
            map.schools.iter().map(|s| is_target(&self.to, s)).collect();
        // A resource no school records: the data cannot say.
        let unrecorded: Vec<&str> = self
            .to
            .iter()
            .filter_map(|t| t.resource.as_deref())
            .filter(|r| !map.schools.iter().any(|s| s.resources.contains_key(*r)))
            .collect();
        let all_unknown = !unrecorded.is_empty() && !status.contains(&Some(true));
        let nearest = |p: [f64; 2], not: Option<usize>| -> (Option<(usize, f64)>, Option<f64>) {
            let (mut known, mut unknown): (Option<(usize, f64)>, Option<f64>) = (None, None);
            for (k, s) in map.schools.iter().enumerate() {
                if Some(k) == not {
                    continue;
                }
                let d = (s.pos.x - p[0]).hypot(s.pos.y - p[1]);
                match status[k] {
                    Some(true) if known.is_none_or(|x| d < x.1) => known = Some((k, d)),
                    None if unknown.is_none_or(|x| d < x) => unknown = Some(d),
                    _ => {}
                }
            }
            (known, unknown)
        };
        let decide = |f: &mut Finding, at: [f64; 2], inside: bool, not: Option<usize>| {
            f.threshold = Some(self.reach_m);
            if all_unknown {
                f.not_evaluable(tr(
                    ctx,
                    format!(
                        "no school records {}",
                        unrecorded
                            .iter()
                            .map(|r| format!("res_{r}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    format!(
                        "没有学校记录 {}",
                        unrecorded
                            .iter()
                            .map(|r| format!("res_{r}"))
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                ));
                return;
            }
            if inside {
                f.decide(0.0, self.reach_m);
                return;
            }
            let (known, unknown) = nearest(at, not);
            let d = known.map(|x| x.1);
            let in_reach = d.is_some_and(|d| Comparison::AtMost.holds(d, self.reach_m));
            if !in_reach && unknown.is_some_and(|u| u <= self.reach_m) {
                f.measured = d.map(|d| d.round());
                f.not_evaluable(tr(
                    ctx,
                    "a school within reach lacks the data to tell whether it qualifies".into(),
                    "服务范围内有学校缺少判断所需数据".into(),
                ));
                return;
            }
            match known {
                Some((k, d)) => {
                    f.decide(d.round(), self.reach_m);
                    f.evidence.schools = vec![map.schools[k].id.clone()];
                    f.note = Some(tr(
                        ctx,
                        format!(
                            "nearest: {} at {} km",
                            map.schools[k].id,
                            num(crate::round::km_tenths(d))
                        ),
                        format!(
                            "最近：{}，{} km",
                            map.schools[k].id,
                            num(crate::round::km_tenths(d))
                        ),
                    ));
                }
                None => {
                    f.status = crate::rules::FindingStatus::Fail;
                    f.note = Some(tr(
                        ctx,
                        "no such school on the map".into(),
                        "全图没有此类学校".into(),
                    ));
                }
            }
            if f.status == crate::rules::FindingStatus::Fail {
                f.fix = Some(tr(
                    ctx,
                    format!(
                        "a partner or service school within {} km",
                        num(self.reach_m / 1000.0)
                    ),
                    format!("在 {} km 内确定结对或服务学校", num(self.reach_m / 1000.0)),
                ));
            }
        };
        if rule.scope == Scope::School {
            let cells = PointIndex::new(
                &map.demand
                    .cells
                    .iter()
                    .map(|c| [c.pos.x, c.pos.y])
                    .collect::<Vec<_>>(),
            );
            for (i, s) in map.schools.iter().enumerate() {
                if !s.is_open() || self.filter.matches(s) != Some(true) {
                    continue;
                }
                if let Some(want) = self.setting {
                    let here = cells
                        .nearest([s.pos.x, s.pos.y])
                        .and_then(|(c, _)| ctx.coverage.settings.get(c).copied())
                        .unwrap_or_default();
                    if here != want {
                        continue;
                    }
                }
                if !super::school_listed(rule, ctx, i) {
                    continue;
                }
                let mut f = Finding::for_school(rule, map, i, Comparison::AtMost, "m");
                decide(&mut f, [s.pos.x, s.pos.y], false, Some(i));
                out.push(f);
            }
            return;
        }
        let (units, missing) = scope::units(rule, map);
        out.extend(missing);
        for unit in units {
            let scope::Sel::Township(t) = unit.sel else {
                continue;
            };
            let inside = map
                .schools
                .iter()
                .enumerate()
                .any(|(k, _)| status[k] == Some(true) && unit.has_school(map, k));
            let (mut w, mut x, mut y) = (0.0, 0.0, 0.0);
            for c in map.demand.cells.iter().filter(|c| c.township == Some(t)) {
                let weight = c.pop_total.unwrap_or(1.0).max(0.0);
                w += weight;
                x += weight * c.pos.x;
                y += weight * c.pos.y;
            }
            let at = if w > 0.0 {
                [x / w, y / w]
            } else {
                use geo::Centroid;
                map.townships[t]
                    .shape_m
                    .centroid()
                    .map_or([f64::NAN, f64::NAN], |p| [p.x(), p.y()])
            };
            let mut f = Finding::new(rule, &unit, Comparison::AtMost, "m");
            decide(&mut f, at, inside, None);
            out.push(f);
        }
    }
}
