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
    /// Check residential areas instead of cells: `"housing"` groups the cells by their
    /// `housing` property (the residential area, 小区 or new housing development), contiguous
    /// cells with the same value forming one area.
    pub clusters: Option<ClusterBy>,
    /// With `clusters`: only areas with at least this demand (pupils) count.
    pub min_cluster_demand: Option<f64>,
}

/// How `min_coverage` groups cells into residential areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClusterBy {
    /// Contiguous cells with the same `housing` value of the population layer.
    Housing,
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "min_coverage",
    summary: "share of a level's demand within the service radius of a school, at least a target",
    what: "Σ demand of covered cells ÷ Σ demand of the cells of each area, for one level, from the \
coverage engine (a cell is covered when the cost to the nearest open school of the level is <= \
the level's radius). With `min_cell_demand`, only cells with at least that demand count: with \
`min = 1.0` this reads \"every residential cluster of that size has a school within the radius\". \
With `clusters = \"housing\"`, the units checked are residential areas: contiguous cells (polygons \
whose bounding boxes touch) with the same `housing` property of the population layer; an area \
counts when its demand is at least `min_cluster_demand`, and is covered in the share of its demand \
within the radius. The note names each area.",
    why: "The service radius (300 m kindergarten, 500 m primary, 1000 m junior; GB 50180-2018 life \
circles) is how Chinese planning standards express access; the uncovered population is the gap a \
new school would close.",
    scopes: &[Scope::City, Scope::AreaSet, Scope::County, Scope::Township],
    parameters: &[
        ParamDoc { name: "level", ty: "level", default: "", meaning: "service level measured (`kindergarten`, `primary`, `junior`, `senior`, `special`, `vocational`)" },
        ParamDoc { name: "min", ty: "number 0–1", default: "", meaning: "least covered share" },
        ParamDoc { name: "min_cell_demand", ty: "number", default: "none", meaning: "only cells with at least this demand (pupils) count" },
        ParamDoc { name: "clusters", ty: "\"housing\"", default: "none", meaning: "check residential areas: contiguous cells with the same `housing` property" },
        ParamDoc { name: "min_cluster_demand", ty: "number", default: "0", meaning: "with `clusters`: only areas with at least this demand (pupils) count" },
    ],
    threshold: "measured = covered share (0–1), unit `share`, passes when measured >= `min` \
(inclusive). Coverage itself is inclusive: a cell exactly at the radius is covered. Evidence: \
uncovered cells and their demand.",
    missing_data: "Not evaluable when the scenario does not measure the level, or when no cell of \
the map has demand of the level (cohort field missing); with `clusters = \"housing\"`, when no \
cell of the population layer has a `housing` value. Areas without demand (or without a qualifying \
residential area) give no finding; a rule with no finding at all gives one `pass` over 0 units.",
    used_by: "K4-residential (residential areas of 90+ children have a kindergarten within the radius)",
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
        if let Some(d) = self.min_cluster_demand {
            check_non_negative("min_cluster_demand", d)?;
            if self.clusters.is_none() {
                return Err("`min_cluster_demand`: only meaningful with `clusters`".into());
            }
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
        if self.clusters.is_some() {
            if let Some(lc) = lc.filter(|_| !no_demand) {
                self.evaluate_clusters(rule, ctx, lc, &units, out);
                return;
            }
        }
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

/// One residential area: its name and cells.
struct Cluster {
    name: String,
    cells: Vec<usize>,
}

/// Residential areas: contiguous cells with the same `housing` value (polygon cells whose
/// bounding boxes touch, 1 m tolerance; point cells with the same value form one area), by name
/// then first cell.
fn housing_clusters(map: &crate::model::Map) -> Vec<Cluster> {
    use geo::BoundingRect;
    let cells = &map.demand.cells;
    let mut by_name: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, c) in cells.iter().enumerate() {
        if let Some(h) = &c.housing {
            by_name.entry(h.as_str()).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (name, members) in by_name {
        let rects: Vec<Option<geo::Rect<f64>>> = members
            .iter()
            .map(|&i| cells[i].shape_m.as_ref().and_then(|s| s.bounding_rect()))
            .collect();
        // Union-find over the members (areas are small: quadratic is fine).
        let mut parent: Vec<usize> = (0..members.len()).collect();
        fn find(p: &mut [usize], x: usize) -> usize {
            let mut r = x;
            while p[r] != r {
                r = p[r];
            }
            let mut y = x;
            while p[y] != r {
                let n = p[y];
                p[y] = r;
                y = n;
            }
            r
        }
        for a in 0..members.len() {
            for b in a + 1..members.len() {
                let touch = match (rects[a], rects[b]) {
                    (Some(ra), Some(rb)) => {
                        let tol = 1.0;
                        ra.min().x <= rb.max().x + tol
                            && rb.min().x <= ra.max().x + tol
                            && ra.min().y <= rb.max().y + tol
                            && rb.min().y <= ra.max().y + tol
                    }
                    (None, None) => true,
                    _ => false,
                };
                if touch {
                    let (x, y) = (find(&mut parent, a), find(&mut parent, b));
                    if x != y {
                        parent[x.max(y)] = x.min(y);
                    }
                }
            }
        }
        let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (k, &m) in members.iter().enumerate() {
            let r = find(&mut parent, k);
            groups.entry(r).or_default().push(m);
        }
        let many = groups.len() > 1;
        for (n, (_, cells)) in groups.into_iter().enumerate() {
            out.push(Cluster {
                name: if many {
                    format!("{name} #{}", n + 1)
                } else {
                    name.to_string()
                },
                cells,
            });
        }
    }
    out
}

impl MinCoverage {
    fn evaluate_clusters(
        &self,
        rule: &Rule,
        ctx: &Context,
        lc: &crate::coverage::LevelCoverage,
        units: &[crate::rules::scope::Unit],
        out: &mut Vec<Finding>,
    ) {
        let map = ctx.map;
        let clusters = housing_clusters(map);
        if clusters.is_empty() {
            for unit in units {
                let mut f = Finding::new(rule, unit, Comparison::AtLeast, "share");
                f.threshold = Some(self.min);
                f.not_evaluable(tr(
                    ctx,
                    "no cell of the population layer has a `housing` value (the residential area it belongs to)".into(),
                    "人口图层没有任何网格标注 `housing`（所属居住区）".into(),
                ));
                out.push(f);
            }
            return;
        }
        let least = self.min_cluster_demand.unwrap_or(0.0);
        // (cluster, demand, covered, uncovered cells, county and township of most demand)
        type Measured<'a> = (
            &'a Cluster,
            f64,
            f64,
            Vec<String>,
            (Option<usize>, Option<usize>),
        );
        let measured: Vec<Measured> = clusters
            .iter()
            .map(|cl| {
                let (mut d, mut cov, mut open) = (0.0, 0.0, Vec::new());
                let mut per_area: std::collections::BTreeMap<(Option<usize>, Option<usize>), f64> =
                    Default::default();
                for &c in &cl.cells {
                    let x = lc.demand.get(c).copied().unwrap_or(0.0);
                    d += x;
                    let cell = &map.demand.cells[c];
                    *per_area.entry((cell.county, cell.township)).or_default() += x;
                    if lc.covered.get(c).copied().unwrap_or(false) {
                        cov += x;
                    } else if x > 0.0 {
                        open.push(map.demand.cells[c].id.clone());
                    }
                }
                let area = per_area
                    .into_iter()
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                    .map_or((None, None), |x| x.0);
                (cl, d, cov, open, area)
            })
            .filter(|m| m.1 > 0.0 && m.1 >= least)
            .collect();
        for unit in units {
            let here: Vec<_> = measured
                .iter()
                .filter(|m| unit.has(m.4 .0, m.4 .1))
                .collect();
            if here.is_empty() {
                continue;
            }
            let mut f = Finding::new(rule, unit, Comparison::AtLeast, "share");
            let total: f64 = here.iter().map(|m| m.1).sum();
            let covered: f64 = here.iter().map(|m| m.2).sum();
            f.decide(covered / total, self.min);
            f.evidence.cells = sorted(here.iter().flat_map(|m| m.3.clone()).collect());
            f.evidence.population = Some(total - covered);
            let parts: Vec<String> = here
                .iter()
                .map(|m| {
                    tr(
                        ctx,
                        format!(
                            "{}: {} of {} within the radius",
                            m.0.name,
                            num(crate::round::tenths(m.2)),
                            num(crate::round::tenths(m.1))
                        ),
                        format!(
                            "{}：{} / {} 在服务半径内",
                            m.0.name,
                            num(crate::round::tenths(m.2)),
                            num(crate::round::tenths(m.1))
                        ),
                    )
                })
                .collect();
            f.note = Some(tr(
                ctx,
                format!(
                    "{} residential area(s) of {}+ pupils: {}",
                    here.len(),
                    num(least),
                    parts.join("; ")
                ),
                format!(
                    "{} 个 {} 人以上居住区：{}",
                    here.len(),
                    num(least),
                    parts.join("；")
                ),
            ));
            if f.status == crate::rules::FindingStatus::Fail {
                let short: Vec<&str> = here
                    .iter()
                    .filter(|m| m.2 < self.min * m.1 - 1e-9)
                    .map(|m| m.0.name.as_str())
                    .collect();
                f.fix = Some(tr(
                    ctx,
                    format!("a {} within the radius of {}", self.level, short.join(", ")),
                    format!(
                        "在{}服务半径内配建{}",
                        short.join("、"),
                        self.level.name_zh()
                    ),
                ));
            }
            out.push(f);
        }
    }
}
