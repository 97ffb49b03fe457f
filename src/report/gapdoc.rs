//! The report's coverage-gap section, and the gap part of a comparison.
//!
//! **Run report.** One section, "Coverage gaps": how gaps are formed (one sentence), then per
//! level a line of totals, **the ten largest gaps by children** (rank, township and county,
//! setting and kind, children, cells and area, the nearest school with spare seats and its
//! distance, the fix: best site with the children it reaches, seats and classes needed, cost,
//! and the findings and proposals linked), and the level's gap map ([`super::svg::gap_map`]);
//! then one folded table per county with its five largest gaps of each level and its scattered
//! lines; and, when the run built proposals, what the plan closes (the gaps of the city
//! without the plan that it closes or shrinks, with the proposals that do it).
//!
//! **Comparison.** Per level, the gaps of A closed, shrunk and left by B and the children in
//! gaps before and after, then A's largest gaps with what became of them.

use std::collections::BTreeMap;

use super::compare::Comparison;
use super::document::{num, txt, Block, Cell, ReportContext};
use super::gaps::{GapArea, GapClosure};
use super::numbers::human;
use super::text::level_name;
use crate::config::Language;
use crate::coverage::gaps::{GapKind, NoSite, SiteKind};

/// Gaps shown per level at the head of the section.
pub const TOP_GAPS: u32 = 10;
/// Gaps shown per county and level in the county tables.
pub const TOP_PER_COUNTY: usize = 5;

fn zh(lang: Language) -> bool {
    lang == Language::Zh
}

/// `urban · distance`, `乡村 · 学位不足`, `mixed`.
pub fn kind_text(g: &GapArea, lang: Language) -> String {
    let z = zh(lang);
    let setting = match g.setting {
        Some(s) if z => s.name_zh().to_string(),
        Some(s) => s.name().to_string(),
        None if z => "城乡混合".into(),
        None => "mixed".into(),
    };
    let kind = match (g.kind, z) {
        (GapKind::Distance, true) => "距离",
        (GapKind::Seats, true) => "学位",
        (k, false) => k.name(),
    };
    format!("{setting} · {kind}")
}

/// `新华街道 (顺城区)`, or the county alone, or `–`.
pub fn place_text(g: &GapArea) -> String {
    match (&g.township_name, &g.county_name) {
        (Some(t), Some(c)) => format!("{t} ({c})"),
        (Some(t), None) => t.clone(),
        (None, Some(c)) => c.clone(),
        (None, None) => "–".into(),
    }
}

/// The fix in words: the site, what it reaches, seats and classes, cost; or why there is none.
pub fn fix_text(g: &GapArea, lang: Language) -> String {
    let z = zh(lang);
    let need = if z {
        format!(
            "需 {} 个学位({} 个班)",
            human(g.seats_needed, 0),
            g.classes_needed
        )
    } else {
        format!(
            "{} seats ({} classes) needed",
            human(g.seats_needed, 0),
            g.classes_needed
        )
    };
    let site = match (&g.site, g.no_site) {
        (Some(s), _) => {
            let what = match (s.kind, z) {
                (SiteKind::Candidate, true) => "候选地块",
                (SiteKind::Expansion, true) => "扩建",
                (SiteKind::Cell, true) => "网格中心",
                (SiteKind::Candidate, false) => "candidate",
                (SiteKind::Expansion, false) => "expand",
                (SiteKind::Cell, false) => "at cell",
            };
            let name = if s.name.is_empty() {
                s.id.clone()
            } else {
                format!("{} ({})", s.name, s.id)
            };
            // A candidate's name says what it is.
            let what = if s.kind == SiteKind::Candidate && !s.name.is_empty() {
                ""
            } else {
                what
            };
            let name = if what.is_empty() {
                name
            } else if z {
                format!("{what}{name}")
            } else {
                format!("{what} {name}")
            };
            let cost = s
                .cost
                .map(|c| {
                    if z {
                        format!(",投资 {}", human(c, 0))
                    } else {
                        format!(", cost {}", human(c, 0))
                    }
                })
                .unwrap_or_default();
            if z {
                format!(
                    "{name}:覆盖 {} / {} 名{cost}",
                    human(s.children, 0),
                    human(g.demand, 0)
                )
            } else {
                format!(
                    "{name}: reaches {} of {}{cost}",
                    human(s.children, 0),
                    human(g.demand, 0)
                )
            }
        }
        (None, Some(NoSite::NoCandidate)) if z => "无允许该学段的候选地块".into(),
        (None, Some(NoSite::NoCandidate)) => "no candidate site allows the level".into(),
        (None, Some(NoSite::OutOfReach)) if z => "服务半径内无候选地块".into(),
        (None, Some(NoSite::OutOfReach)) => "no candidate site within reach".into(),
        (None, _) if z => "零散分布,无单一选址".into(),
        (None, _) => "scattered: no single site".into(),
    };
    format!("{site}; {need}")
}

fn nearest_text(g: &GapArea, lang: Language, unit: &str) -> String {
    match (&g.nearest_school, g.nearest_cost) {
        (Some(s), Some(d)) => {
            let spare = g.nearest_spare_seats.map_or_else(String::new, |x| {
                if zh(lang) {
                    format!(",余 {} 位", human(x, 0))
                } else {
                    format!(", {} spare", human(x, 0))
                }
            });
            format!("{s} · {} {unit}{spare}", human(d, 0))
        }
        _ if zh(lang) => "无可达学校".into(),
        _ => "none reachable".into(),
    }
}

fn links_text(g: &GapArea) -> String {
    let mut v: Vec<String> = g.findings.clone();
    v.extend(g.proposals.iter().cloned());
    if v.is_empty() {
        "–".into()
    } else {
        v.join(", ")
    }
}

fn gap_head(lang: Language) -> Vec<String> {
    let w: &[&str] = if zh(lang) {
        &[
            "排序",
            "乡镇街道(区县)",
            "城乡 · 类型",
            "适龄儿童",
            "网格 · km²",
            "最近有余位学校",
            "建议",
            "关联",
        ]
    } else {
        &[
            "Rank",
            "Township (county)",
            "Setting · kind",
            "Children",
            "Cells · km²",
            "Nearest school with seats",
            "Fix",
            "Linked",
        ]
    };
    w.iter().map(|s| s.to_string()).collect()
}

fn gap_cells(g: &GapArea, lang: Language, unit: &str) -> Vec<Cell> {
    vec![
        num(if g.scattered {
            "…".to_string()
        } else {
            g.rank.to_string()
        }),
        txt(place_text(g)),
        txt(kind_text(g, lang)),
        num(human(g.demand, 0)),
        num(format!("{} · {}", g.cells.len(), human(g.area_km2, 2))),
        txt(nearest_text(g, lang, unit)),
        txt(fix_text(g, lang)),
        txt(links_text(g)),
    ]
}

/// The run report's gap section (see the module docs).
pub fn gap_section(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let z = zh(lang);
    let s = ctx.summary;
    let unit = s.conventions.unit.symbol();
    let mut out = vec![Block::Heading(
        if z { "覆盖缺口" } else { "Coverage gaps" }.into(),
    )];
    let threshold = human(ctx.bundle.scenario.gaps.scattered_below, 0);
    out.push(Block::Para(if z {
        format!("缺口是某学段服务半径内无学校(距离缺口)或半径内学校已满(学位缺口)的有人口网格,按区县、乡镇街道、城乡和类型划分,再按服务半径聚合:每处缺口的所有网格都在其中心网格的服务半径内,一所学校即可覆盖。按适龄儿童从多到少排列;不足 {threshold} 名的缺口按乡镇合并为“零散”一行。建议选址为覆盖该缺口儿童最多的候选地块(学位缺口也考虑扩建半径内的学校)。gaps.geojson 与 gaps.csv 含全部缺口。")
    } else {
        format!("A gap is populated cells of a level with no school within the radius (distance) or whose schools in reach are full (seats), split by county, township, setting and kind and grouped within the radius: every cell of a gap lies within the radius of its centre cell, so one school could close it. Ranked by children; gaps of fewer than {threshold} children are folded into one “scattered” line per township. The fix is the candidate site reaching most of the gap's children (for a seats gap, also the expansion of a school in reach). gaps.geojson and gaps.csv list them all.")
    }));
    for l in &s.levels {
        let of_level: Vec<&GapArea> = ctx.gaps.iter().filter(|g| g.level == l.level).collect();
        let name = level_name(lang, l.level);
        out.push(Block::SubHeading(name.to_string()));
        let count = s.gap_counts.iter().find(|c| c.level == l.level);
        let (n, lines, children, scattered) = count.map_or((0, 0, 0.0, 0.0), |c| {
            (c.count, c.scattered_lines, c.children, c.scattered_children)
        });
        let mut para = if z {
            format!(
                "{n} 处缺口,共 {} 名适龄儿童;其中 {} 名分散在 {lines} 个乡镇街道的零散缺口中。",
                human(children, 0),
                human(scattered, 0)
            )
        } else {
            format!(
                "{n} gaps holding {} children; {} of them in the scattered lines of {lines} townships.",
                human(children, 0),
                human(scattered, 0)
            )
        };
        if let Some(p) = s
            .plan_gaps
            .as_ref()
            .and_then(|p| p.levels.iter().find(|x| x.level == l.level))
        {
            para.push(' ');
            para.push_str(&if z {
                format!(
                    "规划实施前:{} 处缺口,{} 名儿童;规划消除 {} 处、缩小 {} 处。",
                    p.gaps_before,
                    human(p.children_before, 0),
                    p.closed,
                    p.shrunk
                )
            } else {
                format!(
                    "Before the plan: {} gaps, {} children; the plan closes {} and shrinks {}.",
                    p.gaps_before,
                    human(p.children_before, 0),
                    p.closed,
                    p.shrunk
                )
            });
        }
        out.push(Block::Para(para));
        let top: Vec<Vec<Cell>> = of_level
            .iter()
            .filter(|g| !g.scattered && g.rank <= TOP_GAPS)
            .map(|g| gap_cells(g, lang, unit))
            .collect();
        if top.is_empty() {
            out.push(Block::Para(if z { "无缺口。" } else { "No gap." }.into()));
            continue;
        }
        out.push(Block::Table(gap_head(lang), top));
        if let Some(m) = super::svg::gap_map(ctx.bundle, l.level, ctx.gaps, ctx.areas, lang) {
            out.push(Block::Map(m.caption, m.stem, m.svg));
        }
    }
    out.extend(county_blocks(ctx, lang, unit));
    if let Some(rows) = ctx.plan_gaps {
        out.extend(plan_blocks(rows, lang));
    }
    out
}

fn county_blocks(ctx: &ReportContext, lang: Language, unit: &str) -> Vec<Block> {
    let z = zh(lang);
    let mut by: BTreeMap<(String, String), Vec<&GapArea>> = BTreeMap::new();
    for g in ctx.gaps {
        let key = (
            g.county.clone().unwrap_or_default(),
            g.county_name
                .clone()
                .unwrap_or_else(|| if z { "区县外" } else { "outside counties" }.into()),
        );
        by.entry(key).or_default().push(g);
    }
    if by.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Block::SubHeading(
        if z {
            "各区县缺口"
        } else {
            "Gaps by county"
        }
        .into(),
    )];
    for ((code, name), gs) in by {
        let mut rows = Vec::new();
        let mut total = 0.0;
        for l in &ctx.summary.levels {
            let of: Vec<&&GapArea> = gs.iter().filter(|g| g.level == l.level).collect();
            total += of.iter().map(|g| g.demand).sum::<f64>();
            for g in of.iter().filter(|g| !g.scattered).take(TOP_PER_COUNTY) {
                let mut r = vec![txt(level_name(lang, l.level))];
                r.extend(gap_cells(g, lang, unit));
                rows.push(r);
            }
            let sc: Vec<&&&GapArea> = of.iter().filter(|g| g.scattered).collect();
            if !sc.is_empty() {
                let children: f64 = sc.iter().map(|g| g.demand).sum();
                let cells: usize = sc.iter().map(|g| g.cells.len()).sum();
                let area: f64 = sc.iter().map(|g| g.area_km2).sum();
                rows.push(vec![
                    txt(level_name(lang, l.level)),
                    num("…"),
                    txt(if z {
                        format!("零散缺口({} 个乡镇街道)", sc.len())
                    } else {
                        format!("scattered ({} townships)", sc.len())
                    }),
                    txt("–"),
                    num(human(children, 0)),
                    num(format!("{cells} · {}", human(area, 2))),
                    txt("–"),
                    txt("–"),
                    txt("–"),
                ]);
            }
        }
        let mut head = vec![if z { "学段" } else { "Level" }.to_string()];
        head.extend(gap_head(lang));
        let label = if code.is_empty() {
            name.clone()
        } else {
            format!("{name} ({code})")
        };
        out.push(Block::Details(
            if z {
                format!("{label}:缺口内适龄儿童 {} 名", human(total, 0))
            } else {
                format!("{label}: {} children in gaps", human(total, 0))
            },
            false,
            vec![Block::Table(head, rows)],
        ));
    }
    out
}

fn status_text(status: &str, lang: Language) -> &'static str {
    match (status, zh(lang)) {
        ("closed", true) => "消除",
        ("shrunk", true) => "缩小",
        ("left", true) => "未变",
        ("closed", false) => "closed",
        ("shrunk", false) => "shrunk",
        _ => {
            if zh(lang) {
                "未变"
            } else {
                "left"
            }
        }
    }
}

fn closure_table(rows: &[&GapClosure], lang: Language) -> Block {
    let z = zh(lang);
    let head: Vec<String> = if z {
        [
            "学段",
            "缺口(之前)",
            "乡镇街道",
            "儿童 之前 → 之后",
            "结果",
            "规划项目",
        ]
    } else {
        [
            "Level",
            "Gap (before)",
            "Township",
            "Children before → after",
            "Result",
            "Proposals",
        ]
    }
    .iter()
    .map(|s| s.to_string())
    .collect();
    let body = rows
        .iter()
        .map(|r| {
            vec![
                txt(level_name(lang, r.level)),
                txt(&r.id),
                txt(r.township_name.clone().unwrap_or_else(|| "–".into())),
                num(format!(
                    "{} → {}",
                    human(r.children_before, 0),
                    human(r.children_after, 0)
                )),
                txt(status_text(&r.status, lang)),
                txt(if r.proposals.is_empty() {
                    "–".into()
                } else {
                    r.proposals.join(", ")
                }),
            ]
        })
        .collect();
    Block::Table(head, body)
}

/// The gaps before the plan that it closes or shrinks, most children first.
fn plan_blocks(rows: &[GapClosure], lang: Language) -> Vec<Block> {
    let z = zh(lang);
    let mut changed: Vec<&GapClosure> = rows.iter().filter(|r| r.status != "left").collect();
    changed.sort_by(|a, b| {
        b.children_before
            .total_cmp(&a.children_before)
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut out = vec![Block::SubHeading(
        if z {
            "规划消除或缩小的缺口"
        } else {
            "Gaps the plan closes or shrinks"
        }
        .into(),
    )];
    if changed.is_empty() {
        out.push(Block::Para(
            if z {
                "规划项目未消除或缩小任何缺口。"
            } else {
                "The plan's projects close or shrink no gap."
            }
            .into(),
        ));
        return out;
    }
    out.push(Block::Para(if z {
        "缺口编号为规划实施前(不含规划项目)的编号。".into()
    } else {
        "Gap ids are those of the city without the plan's projects.".into()
    }));
    out.push(closure_table(&changed, lang));
    out
}

/// The gap part of a comparison report (empty without [`Comparison::with_gaps`]).
pub fn compare_gap_blocks(c: &Comparison, lang: Language) -> Vec<Block> {
    let Some(g) = &c.gaps else {
        return Vec::new();
    };
    let z = zh(lang);
    let mut out = vec![Block::Heading(
        if z {
            "覆盖缺口的变化"
        } else {
            "Coverage gaps"
        }
        .into(),
    )];
    let head: Vec<String> = if z {
        [
            "学段",
            "缺口 之前 → 之后",
            "缺口内儿童 之前 → 之后",
            "消除",
            "缩小",
            "未变",
            "新出现缺口的儿童",
        ]
    } else {
        [
            "Level",
            "Gaps before → after",
            "Children in gaps before → after",
            "Closed",
            "Shrunk",
            "Left",
            "Children in new gap cells",
        ]
    }
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows = g
        .levels
        .iter()
        .map(|l| {
            vec![
                txt(level_name(lang, l.level)),
                num(format!("{} → {}", l.gaps_before, l.gaps_after)),
                num(format!(
                    "{} → {}",
                    human(l.children_before, 0),
                    human(l.children_after, 0)
                )),
                num(l.closed.to_string()),
                num(l.shrunk.to_string()),
                num(l.left.to_string()),
                num(human(l.new_children, 0)),
            ]
        })
        .collect();
    out.push(Block::Para(if z {
        "A 方案的每处缺口(含零散行)按网格与 B 方案对照:所有网格在 B 中均不再是缺口为“消除”,全部仍是缺口为“未变”,其余为“缩小”。".into()
    } else {
        "Each gap of A (scattered lines included) matched cell by cell with B: closed when none of its cells is a gap in B, left when all are, shrunk otherwise.".into()
    }));
    out.push(Block::Table(head, rows));
    for l in &g.levels {
        let mut top: Vec<&GapClosure> = g
            .gaps
            .iter()
            .filter(|r| r.level == l.level && !r.scattered)
            .collect();
        top.sort_by(|a, b| {
            b.children_before
                .total_cmp(&a.children_before)
                .then_with(|| a.id.cmp(&b.id))
        });
        top.truncate(TOP_GAPS as usize);
        if top.is_empty() {
            continue;
        }
        out.push(Block::SubHeading(format!(
            "{}: {}",
            level_name(lang, l.level),
            if z {
                "A 方案最大的缺口"
            } else {
                "the largest gaps of A"
            }
        )));
        out.push(closure_table(&top, lang));
    }
    out
}
