//! The report's content as a list of blocks, rendered by [`super::html`] and
//! [`super::markdown`], so that both say the same thing.

use super::areas::AreaStat;
use super::gaps::{CapacityGap, GapArea};
use super::numbers::{human, percent};
use super::summary::Summary;
use super::text::{
    kind_name, level_name, mode_name, proposal_kind_name, status_name, t, unit_symbol,
};
use super::{FindingStatus, RunBundle};
use crate::config::Language;

/// Everything the report is written from.
#[derive(Debug, Clone, Copy)]
pub struct ReportContext<'a> {
    /// The run.
    pub bundle: &'a RunBundle<'a>,
    /// Its summary.
    pub summary: &'a Summary,
    /// Gap areas.
    pub gaps: &'a [GapArea],
    /// Capacity gaps.
    pub capacity: &'a [CapacityGap],
    /// Area statistics.
    pub areas: &'a [AreaStat],
}

/// How a table cell is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Plain text.
    Text,
    /// A number (right-aligned).
    Num,
    /// A status badge.
    Status(FindingStatus),
}

/// One table cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Its text.
    pub text: String,
    /// How it is shown.
    pub kind: CellKind,
}

/// A text cell.
pub(crate) fn txt(s: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        kind: CellKind::Text,
    }
}

/// A number cell (right-aligned).
pub(crate) fn num(s: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        kind: CellKind::Num,
    }
}

/// A block of the report.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Section heading.
    Heading(String),
    /// Sub-heading.
    SubHeading(String),
    /// A paragraph.
    Para(String),
    /// A prominent warning (synthetic data).
    Warning(String),
    /// Key figures: (label, value, note).
    Figures(Vec<(String, String, String)>),
    /// A table: header and rows.
    Table(Vec<String>, Vec<Vec<Cell>>),
    /// A map: level name and file stem (`map-primary`), SVG text.
    Map(String, String, String),
    /// Definition list: (term, text).
    Defs(Vec<(String, String)>),
}

fn opt_num(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "–".into(), |v| human(v, digits))
}

/// Evidence ids, at most 12 then "… +N".
pub fn evidence_text(ids: &[String]) -> String {
    if ids.len() <= 12 {
        ids.join(", ")
    } else {
        format!("{} … +{}", ids[..12].join(", "), ids.len() - 12)
    }
}

/// The report title.
pub fn title(ctx: &ReportContext, lang: Language) -> String {
    format!("{} — {}", t(lang, "report"), ctx.summary.scenario.title)
}

/// The blocks of the run report.
pub fn run_blocks(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let s = ctx.summary;
    let unit = unit_symbol(s.conventions.unit);
    let mut out = Vec::new();
    if s.conventions.synthetic {
        out.push(Block::Warning(t(lang, "synthetic_warning").into()));
    }
    let mut meta = Vec::new();
    if let Some(y) = s.scenario.year {
        meta.push((t(lang, "year").to_string(), y.to_string()));
    }
    meta.push((
        t(lang, "distance_mode").into(),
        mode_name(lang, s.conventions.distance_mode).into(),
    ));
    meta.push((
        t(lang, "coverage_test").into(),
        t(lang, "coverage_test_text").into(),
    ));
    out.push(Block::Defs(meta));

    out.push(Block::Heading(t(lang, "summary").into()));
    let mut figs: Vec<(String, String, String)> = s
        .levels
        .iter()
        .map(|l| {
            let r = l.radius_m.or(l.radius_min).unwrap_or(0.0);
            (
                format!("{} · {}", level_name(lang, l.level), t(lang, "coverage")),
                percent(Some(l.coverage)),
                format!(
                    "{} / {} · ≤ {} {unit}",
                    human(l.covered, 0),
                    human(l.demand, 0),
                    human(r, 0)
                ),
            )
        })
        .collect();
    let c = s.finding_counts;
    figs.push((
        t(lang, "rules").into(),
        format!(
            "{} {} / {} {}",
            c.fail,
            t(lang, "fail"),
            c.pass,
            t(lang, "pass")
        ),
        format!("{} {}", c.not_evaluable, t(lang, "not_evaluable")),
    ));
    out.push(Block::Figures(figs));

    out.push(Block::SubHeading(t(lang, "targets").into()));
    let head = [
        "level",
        "radius",
        "population",
        "demand",
        "covered",
        "coverage",
        "seats",
        "allocated",
        "utilisation",
        "schools",
        "over_capacity",
    ]
    .iter()
    .map(|k| t(lang, k).to_string())
    .collect();
    let rows = s
        .levels
        .iter()
        .map(|l| {
            vec![
                txt(level_name(lang, l.level)),
                num(format!(
                    "{} {unit}",
                    human(l.radius_m.or(l.radius_min).unwrap_or(0.0), 0)
                )),
                num(human(l.population, 0)),
                num(human(l.demand, 0)),
                num(human(l.covered, 0)),
                num(percent(Some(l.coverage))),
                num(human(l.seats, 0)),
                num(human(l.allocated, 0)),
                num(percent((l.seats > 0.0).then(|| l.allocated / l.seats))),
                num(l.schools.to_string()),
                num(l.over_capacity_schools.to_string()),
            ]
        })
        .collect();
    out.push(Block::Table(head, rows));
    let targets: Vec<&super::FindingRow> = s
        .findings
        .iter()
        .filter(|f| matches!(f.scope.as_str(), "city" | "county") && f.threshold.is_some())
        .collect();
    if !targets.is_empty() {
        out.push(Block::SubHeading(t(lang, "plan_targets").into()));
        let head = ["rule", "title", "area", "value", "threshold", "status"]
            .iter()
            .map(|k| t(lang, k).to_string())
            .collect();
        let rows = targets
            .iter()
            .map(|f| {
                vec![
                    txt(&f.id),
                    txt(if lang == Language::Zh {
                        &f.title_zh
                    } else {
                        &f.title_en
                    }),
                    txt(&f.area),
                    num(opt_num(f.value, 3)),
                    num(opt_num(f.threshold, 3)),
                    Cell {
                        text: status_name(lang, f.status).into(),
                        kind: CellKind::Status(f.status),
                    },
                ]
            })
            .collect();
        out.push(Block::Table(head, rows));
    }

    out.push(Block::Heading(t(lang, "maps").into()));
    for l in &s.levels {
        if let Some(svg) = super::svg::level_map(ctx.bundle, l.level, ctx.gaps, lang) {
            out.push(Block::Map(
                format!("{} {}", t(lang, "map_of"), level_name(lang, l.level)),
                format!("map-{}", l.level.name()),
                svg,
            ));
        }
    }

    out.push(Block::Heading(t(lang, "gaps").into()));
    if ctx.gaps.is_empty() {
        out.push(Block::Para(t(lang, "no_gaps").into()));
    } else {
        let head = [
            "level",
            "rank",
            "population",
            "demand",
            "cells",
            "area_km2",
            "nearest",
            "distance",
            "township",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let rows = s
            .gaps
            .iter()
            .map(|g| {
                vec![
                    txt(level_name(lang, g.level)),
                    num(g.rank.to_string()),
                    num(human(g.population, 0)),
                    num(human(g.demand, 0)),
                    num(g.cell_count.to_string()),
                    num(human(g.area_km2, 2)),
                    txt(g.nearest_school.clone().unwrap_or_else(|| "–".into())),
                    num(g.nearest_cost.map_or_else(
                        || t(lang, "unreachable").to_string(),
                        |d| format!("{} {unit}", human(d, 0)),
                    )),
                    txt(g
                        .township_name
                        .clone()
                        .or_else(|| g.township.clone())
                        .unwrap_or_else(|| "–".into())),
                ]
            })
            .collect();
        out.push(Block::Table(head, rows));
    }
    out.push(Block::SubHeading(t(lang, "capacity_gaps").into()));
    if ctx.capacity.is_empty() {
        out.push(Block::Para(t(lang, "no_capacity_gaps").into()));
    } else {
        let head = ["level", "code", "name", "demand", "seats", "shortfall"]
            .iter()
            .map(|k| t(lang, k).to_string())
            .collect();
        let rows = ctx
            .capacity
            .iter()
            .map(|g| {
                vec![
                    txt(level_name(lang, g.level)),
                    txt(&g.code),
                    txt(&g.name),
                    num(human(g.demand, 0)),
                    num(format!(
                        "{}{}",
                        human(g.seats, 0),
                        if g.seats_incomplete { " *" } else { "" }
                    )),
                    num(human(g.shortfall, 0)),
                ]
            })
            .collect();
        out.push(Block::Table(head, rows));
    }

    out.push(Block::Heading(t(lang, "areas").into()));
    for (key, list) in [("counties", &s.counties), ("townships", &s.townships)] {
        if list.is_empty() {
            continue;
        }
        out.push(Block::SubHeading(t(lang, key).into()));
        let mut head: Vec<String> = ["code", "name", "kind"]
            .iter()
            .map(|k| t(lang, k).to_string())
            .collect();
        for l in &s.levels {
            head.push(format!(
                "{} {}",
                level_name(lang, l.level),
                t(lang, "coverage")
            ));
            head.push(format!(
                "{} {}/{}",
                level_name(lang, l.level),
                t(lang, "demand"),
                t(lang, "seats")
            ));
        }
        head.push(t(lang, "findings_failing").into());
        let rows = list
            .iter()
            .map(|a| {
                let mut r = vec![txt(&a.code), txt(&a.name), txt(kind_name(lang, a.kind))];
                for l in &s.levels {
                    let al = a.levels.iter().find(|x| x.level == l.level);
                    r.push(num(percent(al.and_then(|x| x.coverage))));
                    r.push(num(al.map_or_else(
                        || "–".into(),
                        |x| format!("{} / {}", human(x.demand, 0), human(x.seats, 0)),
                    )));
                }
                r.push(num(a.findings_failing.to_string()));
                r
            })
            .collect();
        out.push(Block::Table(head, rows));
    }

    out.push(Block::Heading(t(lang, "findings").into()));
    let head = [
        "rule",
        "title",
        "clause",
        "area",
        "status",
        "value",
        "threshold",
        "evidence",
        "fix",
    ]
    .iter()
    .map(|k| t(lang, k).to_string())
    .collect();
    let rows = s
        .findings
        .iter()
        .map(|f| {
            let title = if lang == Language::Zh {
                &f.title_zh
            } else {
                &f.title_en
            };
            let fix = [f.fix.clone(), f.message.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" — ");
            vec![
                txt(&f.id),
                txt(title),
                txt(&f.clause),
                txt(&f.area),
                Cell {
                    text: status_name(lang, f.status).into(),
                    kind: CellKind::Status(f.status),
                },
                num(opt_num(f.value, 3)),
                num(opt_num(f.threshold, 3)),
                txt(evidence_text(&f.evidence)),
                txt(fix),
            ]
        })
        .collect();
    out.push(Block::Table(head, rows));

    out.push(Block::Heading(t(lang, "proposals").into()));
    let p = &s.proposals;
    if p.items.is_empty() {
        out.push(Block::Para(t(lang, "no_proposals").into()));
    } else {
        let mut defs = Vec::new();
        if let Some(m) = &p.method {
            defs.push((t(lang, "method").to_string(), m.clone()));
        }
        if let Some(g) = p.optimality_gap {
            defs.push((t(lang, "optimality_gap").to_string(), percent(Some(g))));
        }
        if !defs.is_empty() {
            out.push(Block::Defs(defs));
        }
        let head = [
            "rank",
            "level",
            "proposal_kind",
            "name",
            "newly_covered",
            "seats_added",
            "cost",
            "closes",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let rows = p
            .items
            .iter()
            .map(|r| {
                let mut closes: Vec<String> = r.gap_closed.iter().cloned().collect();
                closes.extend(r.closes_findings.iter().cloned());
                vec![
                    num(r.rank.to_string()),
                    txt(level_name(lang, r.level)),
                    txt(proposal_kind_name(lang, r.kind)),
                    txt(format!("{} ({})", r.name, r.site_id)),
                    num(human(r.demand_newly_covered, 0)),
                    num(opt_num(r.seats_added, 0)),
                    num(opt_num(r.cost, 0)),
                    txt(closes.join(", ")),
                ]
            })
            .collect();
        out.push(Block::Table(head, rows));
    }

    out.push(Block::Heading(t(lang, "conventions").into()));
    let mut defs = vec![
        (
            t(lang, "distance_mode").to_string(),
            mode_name(lang, s.conventions.distance_mode).to_string(),
        ),
        (
            t(lang, "coverage_test").into(),
            t(lang, "coverage_test_text").into(),
        ),
        (t(lang, "centroid").into(), t(lang, "centroid_text").into()),
        (
            t(lang, "coordinates").into(),
            t(lang, "coordinates_text").into(),
        ),
        (t(lang, "files").into(), s.scenario.files.join(", ")),
        (t(lang, "generated_by").into(), s.tool.clone()),
        (t(lang, "layers").into(), t(lang, "layers_text").into()),
    ];
    if s.conventions.synthetic {
        defs.insert(0, ("⚠".into(), t(lang, "synthetic_warning").into()));
    }
    out.push(Block::Defs(defs));
    out
}
