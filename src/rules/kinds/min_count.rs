//! `min_count`: at least N schools matching a filter in each area.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{num, tr, Context};
use crate::rules::common::{check_non_negative, Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::filter::SchoolFilter;
use crate::rules::finding::{Comparison, Finding};
use crate::rules::scope::{self, sorted, Unit};

/// Parameters of `min_count`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinCount {
    /// Schools counted.
    pub filter: SchoolFilter,
    /// Least number of matching schools (inclusive).
    pub min: u32,
    /// Only areas with at least this many residents are checked (inclusive).
    pub min_population: Option<f64>,
    /// Residents per area code, overriding the sum of the cells' `pop_total`.
    #[serde(default)]
    pub population: BTreeMap<String, f64>,
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "min_count",
    summary: "at least N schools matching a filter in each area",
    what: "Counts the open schools matching `filter` in each area of the scope and compares the \
count with `min`. With `min_population`, only areas with at least that many residents are \
checked (residents: the `population` table when it names the area, else the sum of the cells' \
`pop_total`); smaller areas give no finding.",
    why: "Plans promise a school of a kind per area: a quality public central kindergarten in \
every township (K1), a special-education school in every county of 300,000 residents or more \
(P4). A missing school is the most visible gap a bureau can be asked about.",
    scopes: &[Scope::City, Scope::AreaSet, Scope::County, Scope::Township],
    parameters: &[
        ParamDoc {
            name: "filter",
            ty: "filter",
            default: "",
            meaning: "schools counted (levels, ownership, inclusive, quality, boarding, status)",
        },
        ParamDoc {
            name: "min",
            ty: "integer",
            default: "",
            meaning: "least number of matching schools",
        },
        ParamDoc {
            name: "min_population",
            ty: "number",
            default: "none",
            meaning: "only areas with at least this many residents are checked",
        },
        ParamDoc {
            name: "population",
            ty: "table code → number",
            default: "{}",
            meaning:
                "residents per area code, e.g. census figures, overriding the cells' `pop_total`",
        },
    ],
    threshold: "measured = number of matching schools, unit `schools`, passes when measured >= \
`min` (inclusive: exactly `min` passes). The population condition is inclusive too: an area of \
exactly `min_population` residents is checked.",
    missing_data: "Schools whose needed flag (e.g. `quality`) is absent may or may not count: the \
area passes if the known matches already reach `min`, else it is not_evaluable listing those \
schools. An area whose population is needed but unknown (a cell without `pop_total` and no \
`population` entry) is not_evaluable.",
    used_by: "K1 (township, rural kinds), P4 (county, min_population = 300000)",
    example: r#"
[[rules]]
id = "K1"
kind = "min_count"
title_zh = "每个乡镇至少办好1所优质公办中心幼儿园"
title_en = "Every rural township has a quality public kindergarten"
clause = "四(八)1"
scope = "township"
township_kinds = ["town", "township"]
filter = { levels = ["kindergarten"], ownership = "public", quality = true }
min = 1
"#,
};

impl MinCount {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if let Some(p) = self.min_population {
            check_non_negative("min_population", p)?;
        }
        for (code, p) in &self.population {
            check_non_negative(&format!("population.{code}"), *p)?;
        }
        Ok(())
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
        let (units, missing) = scope::units(rule, ctx.map);
        out.extend(missing);
        for unit in units {
            let mut f = Finding::new(rule, &unit, Comparison::AtLeast, "schools");
            if let Some(min_pop) = self.min_population {
                match self.area_population(ctx, &unit) {
                    Some(p) if p < min_pop => continue,
                    Some(p) => f.evidence.population = Some(p),
                    None => {
                        f.not_evaluable(tr(
                            ctx,
                            "population unknown: a cell lacks `pop_total` and the rule's `population` table does not name the area".into(),
                            "人口不详：有人口格网缺少 `pop_total`，且规则的 `population` 表未给出该区域人口".into(),
                        ));
                        out.push(f);
                        continue;
                    }
                }
            }
            self.count(ctx, &unit, &mut f);
            out.push(f);
        }
    }

    fn count(&self, ctx: &Context, unit: &Unit, f: &mut Finding) {
        let map = ctx.map;
        let (mut known, mut unknown) = (Vec::new(), Vec::new());
        for i in scope::schools_in(map, unit) {
            let s = &map.schools[i];
            match self.filter.matches(s) {
                Some(true) => known.push(s.id.clone()),
                None => unknown.push((s.id.clone(), self.filter.missing_flags(s).join(", "))),
                Some(false) => {}
            }
        }
        let min = self.min as f64;
        let n = known.len() as f64;
        if n < min && !unknown.is_empty() {
            unknown.sort();
            f.measured = Some(n);
            f.threshold = Some(min);
            f.evidence.schools = unknown.iter().map(|u| u.0.clone()).collect();
            let list: Vec<String> = unknown
                .iter()
                .map(|(id, m)| format!("{id} ({m})"))
                .collect();
            f.not_evaluable(tr(
                ctx,
                format!(
                    "{} known, {} school(s) lack a flag: {}",
                    num(n),
                    unknown.len(),
                    list.join("; ")
                ),
                format!(
                    "已知 {} 所，{} 所学校缺少属性：{}",
                    num(n),
                    unknown.len(),
                    list.join("；")
                ),
            ));
            return;
        }
        f.decide(n, min);
        f.evidence.schools = sorted(known);
        if n < min {
            if let Some(code) = &unit.code {
                f.evidence.areas = vec![code.clone()];
            }
            let what = self.filter.describe(ctx.scenario.language);
            f.fix = Some(tr(
                ctx,
                format!("add {} {} in {}", num(min - n), what, unit.label()),
                format!(
                    "在{}新增{}所{}",
                    unit.name.clone().unwrap_or_else(|| "全市".into()),
                    num(min - n),
                    what
                ),
            ));
        }
    }

    fn area_population(&self, ctx: &Context, unit: &Unit) -> Option<f64> {
        if let Some(p) = unit.code.as_ref().and_then(|c| self.population.get(c)) {
            return Some(*p);
        }
        let mut total = 0.0;
        let mut any = false;
        for cell in ctx.map.demand.cells.iter().filter(|c| unit.has_cell(c)) {
            total += cell.pop_total?;
            any = true;
        }
        any.then_some(total)
    }
}
