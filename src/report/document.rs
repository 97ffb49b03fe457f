//! The report's content as a list of blocks, rendered by [`super::html`] and
//! [`super::markdown`], so that both say the same thing.
//!
//! The report reads top-down like a planning document: the summary; what the plan must change
//! (the failing targets, by name, with percentages); the proposals, each with what it adds and
//! the target it addresses; the coverage gaps ([`super::gapdoc`]: the ten largest per level, a
//! map per level, a table per county, what the plan closes); the maps (city-wide and the central
//! district); then the detail tables, folded (`<details>`): coverage and seats per level, capacity
//! gaps, counties,
//! townships, and every finding grouped by rule; last the conventions. One function per section.

use std::collections::BTreeMap;

use geo::Contains;

use super::areas::AreaStat;
use super::gaps::{CapacityGap, GapArea};
use super::numbers::{human, percent};
use super::summary::{LevelSummary, ProposalOut, Summary};
use super::text::{kind_name, level_name, mode_name, proposal_kind_name, status_name, t};
use super::{FindingRow, FindingStatus, RequestMeta, RunBundle};
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
    /// The gaps before the run's proposals were built and what became of them (runs that
    /// built proposals).
    pub plan_gaps: Option<&'a [super::gaps::GapClosure]>,
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

/// A status badge cell.
pub(crate) fn status_cell(lang: Language, s: FindingStatus) -> Cell {
    Cell {
        text: status_name(lang, s).into(),
        kind: CellKind::Status(s),
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
    /// A bulleted list.
    Bullets(Vec<String>),
    /// A prominent warning (synthetic data).
    Warning(String),
    /// Key figures: (label, value, note).
    Figures(Vec<(String, String, String)>),
    /// A table: header and rows.
    Table(Vec<String>, Vec<Vec<Cell>>),
    /// A map: caption, file stem (`map-primary`), SVG text.
    Map(String, String, String),
    /// A chart (not a map: no pan, zoom or click): caption, file stem, SVG text.
    Chart(String, String, String),
    /// Definition list: (term, text).
    Defs(Vec<(String, String)>),
    /// A folded section: its one-line summary, whether it opens unfolded, and its blocks.
    Details(String, bool, Vec<Block>),
}

/// Table headings: the words for `keys` in `lang`.
pub(crate) fn heads(lang: Language, keys: &[&'static str]) -> Vec<String> {
    keys.iter().map(|k| t(lang, k).to_string()).collect()
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

/// Names, at most `n` then "… +M".
fn some_names(names: &[String], n: usize, lang: Language) -> String {
    let sep = if lang == Language::Zh { "、" } else { ", " };
    if names.len() <= n {
        names.join(sep)
    } else {
        format!("{} … +{}", names[..n].join(sep), names.len() - n)
    }
}

/// A measured value or threshold in its unit: shares as percentages, counts as integers.
pub fn value_text(x: Option<f64>, unit: &str) -> String {
    let Some(v) = x else {
        return "–".into();
    };
    match unit {
        "share" => percent(Some(v)),
        "cv" => human(v, 3),
        "pupils" | "seats" | "schools" | "classes" | "indicators" | "projects" => human(v, 0),
        _ => human(v, 3),
    }
}

/// A finding's title in `lang`.
pub fn finding_title(lang: Language, f: &FindingRow) -> &str {
    if lang == Language::Zh && !f.title_zh.is_empty() {
        &f.title_zh
    } else {
        &f.title_en
    }
}

/// Who a finding is about, by name: the school's name (and id), the area's name, or the city.
pub fn subject_name(ctx: &ReportContext, lang: Language, f: &FindingRow) -> String {
    if f.scope == "school" {
        if let Some(s) = ctx.bundle.map.schools.iter().find(|s| s.id == f.area) {
            if !s.name.is_empty() {
                return format!("{} ({})", s.name, s.id);
            }
        }
        return f.area.clone();
    }
    if let Some(n) = f.area_name.as_ref().filter(|n| !n.is_empty()) {
        return n.clone();
    }
    if f.area == "city" {
        return t(lang, "city").into();
    }
    ctx.areas
        .iter()
        .find(|a| a.code == f.area)
        .map_or_else(|| f.area.clone(), |a| a.name.clone())
}

/// The report title.
pub fn title(ctx: &ReportContext, lang: Language) -> String {
    format!("{} — {}", t(lang, "report"), ctx.summary.scenario.title)
}

/// The blocks of the run report, top to bottom.
pub fn run_blocks(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let mut out = Vec::new();
    out.extend(preamble(ctx, lang));
    out.extend(summary_section(ctx, lang));
    out.extend(targets_section(ctx, lang));
    out.extend(access_section(ctx, lang));
    out.extend(proposals_section(ctx, lang));
    out.extend(super::gapdoc::gap_section(ctx, lang));
    out.extend(maps_section(ctx, lang));
    out.extend(detail_section(ctx, lang));
    out.extend(conventions_section(ctx, lang));
    out
}

/// Urban and rural standards, attendance zones and the forecast, when the scenario has them.
fn access_section(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let blocks = super::forecast::access_blocks(ctx, lang);
    if blocks.is_empty() {
        return blocks;
    }
    let title = match lang {
        Language::Zh => "服务标准、学区与学龄人口预测",
        Language::En => "Service standards, attendance zones and forecast",
    };
    let mut out = vec![Block::Heading(title.into())];
    out.extend(blocks);
    out
}

/// The synthetic-data warning and what the scenario is.
fn preamble(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let s = ctx.summary;
    let mut out = Vec::new();
    if s.conventions.synthetic {
        out.push(Block::Warning(t(lang, "synthetic_warning").into()));
    }
    let mut meta = Vec::new();
    if let Some(y) = s.scenario.year {
        meta.push((t(lang, "year").to_string(), y.to_string()));
    }
    if !s.scenario.description.is_empty() {
        meta.push((
            t(lang, "description").into(),
            s.scenario.description.clone(),
        ));
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
    out
}

/// Failing findings grouped by rule id (in the summary's order: by id).
fn failing_by_rule<'a>(ctx: &'a ReportContext) -> Vec<(&'a str, Vec<&'a FindingRow>)> {
    let mut by: BTreeMap<&str, Vec<&FindingRow>> = BTreeMap::new();
    for f in &ctx.summary.findings {
        if f.status == FindingStatus::Fail {
            by.entry(f.id.as_str()).or_default().push(f);
        }
    }
    by.into_iter().collect()
}

/// 1. Key figures and a few sentences: per level, then the rules, then the proposals.
fn summary_section(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let s = ctx.summary;
    let mut figs: Vec<(String, String, String)> = Vec::new();
    let mut bullets = Vec::new();
    for l in &s.levels {
        figs.push(level_figure(ctx, lang, l));
        bullets.push(level_sentence(ctx, lang, l));
    }
    let failing_rules = failing_by_rule(ctx).len();
    figs.push(rules_figure(ctx, lang, failing_rules));
    let p = &s.proposals.items;
    if !p.is_empty() {
        let newly: f64 = p.iter().map(|x| x.demand_newly_covered).sum();
        figs.push((
            t(lang, "proposals").into(),
            p.len().to_string(),
            format!("+{} {}", human(newly, 0), t(lang, "pupils_covered")),
        ));
    }
    bullets.push(rules_sentence(ctx, lang, failing_rules));
    if !p.is_empty() {
        bullets.push(proposals_sentence(lang, p));
    }
    vec![
        Block::Heading(t(lang, "summary").into()),
        Block::Figures(figs),
        Block::Bullets(bullets),
    ]
}

/// A level's radius (metres or minutes, whichever the unit is).
fn level_radius(l: &LevelSummary) -> f64 {
    l.radius_m.or(l.radius_min).unwrap_or(0.0)
}

/// The key figure of a level: its coverage, covered of demand within the radius.
fn level_figure(ctx: &ReportContext, lang: Language, l: &LevelSummary) -> (String, String, String) {
    let unit = ctx.summary.conventions.unit.symbol();
    (
        format!("{} · {}", level_name(lang, l.level), t(lang, "coverage")),
        percent(Some(l.coverage)),
        format!(
            "{} / {} · ≤ {} {unit}",
            human(l.covered, 0),
            human(l.demand, 0),
            human(level_radius(l), 0)
        ),
    )
}

/// A level in one sentence: covered pupils, gaps, schools and seats.
fn level_sentence(ctx: &ReportContext, lang: Language, l: &LevelSummary) -> String {
    let s = ctx.summary;
    let unit = s.conventions.unit.symbol();
    let r = level_radius(l);
    let gaps = s
        .gap_counts
        .iter()
        .find(|g| g.level == l.level)
        .map_or(0, |g| g.count);
    match lang {
        Language::Zh => format!(
            "{}:{} 名适龄学生中有 {} 名({})在 {} {unit} 服务半径内;{} 处覆盖缺口区域;{} 所学校,{} 个学位。",
            level_name(lang, l.level),
            human(l.demand, 0),
            human(l.covered, 0),
            percent(Some(l.coverage)),
            human(r, 0),
            gaps,
            l.schools,
            human(l.seats, 0)
        ),
        Language::En => format!(
            "{}: {} of {} pupils ({}) live within {} {unit} of a school; {} gap areas; {} schools with {} seats.",
            level_name(lang, l.level),
            human(l.covered, 0),
            human(l.demand, 0),
            percent(Some(l.coverage)),
            human(r, 0),
            gaps,
            l.schools,
            human(l.seats, 0)
        ),
    }
}

/// The key figure of the rules: rules failing, findings by status.
fn rules_figure(
    ctx: &ReportContext,
    lang: Language,
    failing_rules: usize,
) -> (String, String, String) {
    let c = ctx.summary.finding_counts;
    (
        t(lang, "rules").into(),
        format!("{} {}", failing_rules, t(lang, "rules_failing")),
        format!(
            "{} {} · {} {} · {} {}",
            c.fail,
            t(lang, "fail"),
            c.pass,
            t(lang, "pass"),
            c.not_evaluable,
            t(lang, "not_evaluable")
        ),
    )
}

/// The rules in one sentence.
fn rules_sentence(ctx: &ReportContext, lang: Language, failing_rules: usize) -> String {
    let c = ctx.summary.finding_counts;
    match lang {
        Language::Zh => format!(
            "规则核查:{failing_rules} 条规则未达标(共 {} 项未通过,{} 项通过,{} 项无法评估),见“规划须解决的问题”。",
            c.fail, c.pass, c.not_evaluable
        ),
        Language::En => format!(
            "Rules: {failing_rules} rules are not met ({} findings fail, {} pass, {} not evaluable); see “What the plan must change”.",
            c.fail, c.pass, c.not_evaluable
        ),
    }
}

/// The proposals in one sentence.
fn proposals_sentence(lang: Language, p: &[ProposalOut]) -> String {
    let newly = human(p.iter().map(|x| x.demand_newly_covered).sum(), 0);
    match lang {
        Language::Zh => format!(
            "布局建议:{} 处新建或改扩建,新增覆盖 {newly} 名学生,见“布局建议”。",
            p.len()
        ),
        Language::En => format!(
            "Proposals: {} new schools or expansions, newly covering {newly} pupils; see “Proposals”.",
            p.len()
        ),
    }
}

/// The proposal requests (ids) that address a rule.
fn addressed_by(ctx: &ReportContext, rule: &str) -> Vec<String> {
    let meta = ctx.bundle.proposal_meta;
    let mut ids: Vec<String> = meta
        .map(|m| {
            m.requests
                .iter()
                .filter(|r| r.closes.iter().any(|c| c == rule))
                .map(|r| r.id.clone())
                .collect()
        })
        .unwrap_or_default();
    if ids.is_empty() {
        ids = ctx
            .summary
            .proposals
            .items
            .iter()
            .filter(|p| p.closes_findings.iter().any(|c| c == rule))
            .map(|p| p.id.clone())
            .collect();
    }
    ids.dedup();
    ids
}

/// 2. What the plan must change: one row per failing rule, subjects by name, values in units.
fn targets_section(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let mut out = vec![Block::Heading(t(lang, "must_change").into())];
    let failing = failing_by_rule(ctx);
    if failing.is_empty() {
        out.push(Block::Para(t(lang, "all_targets_met").into()));
        return out;
    }
    out.push(Block::Para(t(lang, "must_change_intro").into()));
    let head = heads(
        lang,
        &[
            "target",
            "clause",
            "failing_subjects",
            "measured_vs_target",
            "addressed_by",
        ],
    );
    let rows = failing
        .iter()
        .map(|(id, fs)| {
            let f0 = fs[0];
            let total = ctx.summary.findings.iter().filter(|f| f.id == *id).count();
            let subjects: Vec<String> = fs
                .iter()
                .map(|f| {
                    if fs.len() == 1 {
                        subject_name(ctx, lang, f)
                    } else {
                        format!(
                            "{} {}",
                            subject_name(ctx, lang, f),
                            value_text(f.value, &f.unit)
                        )
                    }
                })
                .collect();
            let measured = if fs.len() == 1 {
                format!(
                    "{} {} {}",
                    value_text(f0.value, &f0.unit),
                    t(lang, "vs_target"),
                    target_text(f0)
                )
            } else {
                format!(
                    "{} / {} {} · {} {}",
                    fs.len(),
                    total,
                    t(lang, "subjects_fail"),
                    t(lang, "target_word"),
                    target_text(f0)
                )
            };
            let by = addressed_by(ctx, id);
            vec![
                txt(format!("{} ({id})", finding_title(lang, f0))),
                txt(&f0.clause),
                txt(some_names(&subjects, 6, lang)),
                num(measured),
                txt(if by.is_empty() {
                    "–".into()
                } else {
                    by.join(", ")
                }),
            ]
        })
        .collect();
    out.push(Block::Table(head, rows));
    out
}

fn target_text(f: &FindingRow) -> String {
    format!("{} {}", f.comparison, value_text(f.threshold, &f.unit))
        .trim()
        .to_string()
}

/// The township (else county) a WGS 84 point lies in.
fn place_of(ctx: &ReportContext, lon: f64, lat: f64) -> Option<String> {
    let map = ctx.bundle.map;
    let (x, y) = map.projection.to_local(lon, lat)?;
    let p = geo::Point::new(x, y);
    map.townships
        .iter()
        .chain(&map.counties)
        .find(|a| a.shape_m.contains(&p))
        .map(|a| a.name.clone())
}

fn problem_name(lang: Language, problem: &str) -> String {
    let base = problem.trim_end_matches("-capacitated");
    let name = match base {
        "mclp" => t(lang, "problem_mclp"),
        "lscp" => t(lang, "problem_lscp"),
        "pmedian" => t(lang, "problem_pmedian"),
        "pcenter" => t(lang, "problem_pcenter"),
        "reach" => t(lang, "problem_reach"),
        "need" => t(lang, "problem_need"),
        other => return other.to_string(),
    };
    if problem.ends_with("-capacitated") {
        format!("{name}, {}", t(lang, "capacitated"))
    } else {
        name.to_string()
    }
}

fn solve_status(lang: Language, r: &RequestMeta) -> String {
    match r.status.as_str() {
        "optimal" => t(lang, "proven_optimal").into(),
        "infeasible" => t(lang, "infeasible").into(),
        _ => format!(
            "{} {}",
            t(lang, "optimality_gap_at_most"),
            percent(Some(r.gap))
        ),
    }
}

fn proposal_rows(ctx: &ReportContext, lang: Language, items: &[&ProposalOut]) -> Block {
    let head = heads(
        lang,
        &[
            "rank",
            "proposal_kind",
            "name",
            "place",
            "newly_covered",
            "seats_added",
            "classes_added",
            "seats_short_relieved",
            "large_classes_removed",
            "cost",
        ],
    );
    let rows = items
        .iter()
        .map(|r| {
            vec![
                num(r.rank.to_string()),
                txt(proposal_kind_name(lang, r.kind)),
                txt(if r.name.is_empty() {
                    r.site_id.clone()
                } else {
                    format!("{} ({})", r.name, r.site_id)
                }),
                txt(place_of(ctx, r.lon, r.lat).unwrap_or_else(|| "–".into())),
                num(human(r.demand_newly_covered, 0)),
                num(opt_num(r.seats_added, 0)),
                num(r
                    .classes_added
                    .map_or_else(|| "–".into(), |c| c.to_string())),
                num(opt_num(r.seats_short_relieved, 0)),
                num(r
                    .large_classes_removed
                    .map_or_else(|| "–".into(), |c| c.to_string())),
                num(opt_num(r.cost, 0)),
            ]
        })
        .collect();
    Block::Table(head, rows)
}

/// 3. The proposals, request by request: method, what it changes, the target it addresses, sites.
fn proposals_section(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let mut out = vec![Block::Heading(t(lang, "proposals").into())];
    let items = &ctx.summary.proposals.items;
    if items.is_empty() {
        out.push(Block::Para(t(lang, "no_proposals").into()));
        return out;
    }
    let requests = ctx
        .bundle
        .proposal_meta
        .map(|m| m.requests.as_slice())
        .unwrap_or_default();
    if requests.is_empty() {
        let all: Vec<&ProposalOut> = items.iter().collect();
        out.push(proposal_rows(ctx, lang, &all));
        return out;
    }
    for r in requests {
        out.extend(request_blocks(ctx, lang, r, items));
    }
    out
}

/// One proposal request: its heading, what it changes, its method and certificate, the targets
/// it addresses, and its sites.
fn request_blocks(
    ctx: &ReportContext,
    lang: Language,
    r: &RequestMeta,
    items: &[ProposalOut],
) -> Vec<Block> {
    let title = match lang {
        Language::Zh => r.title_zh.as_ref().or(r.title_en.as_ref()),
        Language::En => r.title_en.as_ref().or(r.title_zh.as_ref()),
    };
    let heading = Block::SubHeading(match title {
        Some(tt) => format!("{} · {} ({})", level_name(lang, r.level), tt, r.id),
        None => format!("{} ({})", level_name(lang, r.level), r.id),
    });
    let closes: Vec<String> = r
        .closes
        .iter()
        .map(|id| target_state(ctx, lang, id))
        .collect();
    let mut defs = vec![
        (
            t(lang, "change").to_string(),
            format!(
                "{} → {} {} (+{})",
                human(r.covered_before, 0),
                human(r.covered_after, 0),
                t(lang, "pupils_within_radius"),
                human(r.covered_after - r.covered_before, 0)
            ),
        ),
        (
            t(lang, "method").to_string(),
            format!(
                "{}; {}",
                problem_name(lang, &r.problem),
                solve_status(lang, r)
            ),
        ),
    ];
    if !closes.is_empty() {
        defs.push((t(lang, "addresses").to_string(), closes.join("; ")));
    }
    if !r.notes.is_empty() {
        defs.push((t(lang, "solver_notes").to_string(), r.notes.join("; ")));
    }
    let prefix = format!("{}-", r.id);
    let mine: Vec<&ProposalOut> = items
        .iter()
        .filter(|p| {
            p.id.strip_prefix(&prefix)
                .is_some_and(|rank| rank.parse::<u32>().is_ok())
        })
        .collect();
    let sites = if mine.is_empty() {
        Block::Para(t(lang, "no_sites").into())
    } else {
        proposal_rows(ctx, lang, &mine)
    };
    vec![heading, Block::Defs(defs), sites]
}

/// A rule a request addresses, and whether it is now met (or how many subjects still fail).
fn target_state(ctx: &ReportContext, lang: Language, id: &str) -> String {
    let findings = &ctx.summary.findings;
    let Some(f) = findings.iter().find(|f| f.id == id) else {
        return id.to_string();
    };
    let fails = findings
        .iter()
        .filter(|f| f.id == id && f.status == FindingStatus::Fail)
        .count();
    format!(
        "{} ({id}): {}",
        finding_title(lang, f),
        if fails == 0 {
            t(lang, "now_met").to_string()
        } else {
            format!("{fails} {}", t(lang, "still_failing"))
        }
    )
}

/// 4. One city-wide map per level, and its central-district close-up.
fn maps_section(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let mut out = vec![
        Block::Heading(t(lang, "maps").into()),
        Block::Para(t(lang, "maps_hint").into()),
    ];
    for l in &ctx.summary.levels {
        for m in super::svg::level_maps(ctx.bundle, l.level, ctx.gaps, ctx.areas, lang) {
            out.push(Block::Map(m.caption, m.stem, m.svg));
        }
    }
    out
}

fn levels_table(ctx: &ReportContext, lang: Language) -> Block {
    let s = ctx.summary;
    let unit = s.conventions.unit.symbol();
    let head = heads(
        lang,
        &[
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
        ],
    );
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
    Block::Table(head, rows)
}

fn capacity_blocks(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    if ctx.capacity.is_empty() {
        return vec![Block::Para(t(lang, "no_capacity_gaps").into())];
    }
    let head = heads(
        lang,
        &["level", "name", "code", "demand", "seats", "shortfall"],
    );
    let rows = ctx
        .capacity
        .iter()
        .map(|g| {
            vec![
                txt(level_name(lang, g.level)),
                txt(&g.name),
                txt(&g.code),
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
    vec![Block::Table(head, rows)]
}

fn area_table(ctx: &ReportContext, lang: Language, list: &[AreaStat]) -> Block {
    let s = ctx.summary;
    let mut head = heads(lang, &["name", "code", "kind"]);
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
            let mut r = vec![txt(&a.name), txt(&a.code), txt(kind_name(lang, a.kind))];
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
    Block::Table(head, rows)
}

/// Every finding, one folded table per rule (failing rules first, failing rows first).
fn findings_blocks(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let mut by: BTreeMap<&str, Vec<&FindingRow>> = BTreeMap::new();
    for f in &ctx.summary.findings {
        by.entry(f.id.as_str()).or_default().push(f);
    }
    let mut groups: Vec<(&str, Vec<&FindingRow>)> = by.into_iter().collect();
    groups.sort_by_key(|(id, fs)| (fs.iter().map(|f| f.status).min(), id.to_string()));
    let head = heads(
        lang,
        &["area", "status", "value", "threshold", "evidence", "fix"],
    );
    groups
        .into_iter()
        .map(|(id, fs)| {
            let count = |st: FindingStatus| fs.iter().filter(|f| f.status == st).count();
            let f0 = fs[0];
            let summary = format!(
                "{id} {} — {} {} · {} {} · {} {}",
                finding_title(lang, f0),
                count(FindingStatus::Fail),
                t(lang, "fail"),
                count(FindingStatus::Pass),
                t(lang, "pass"),
                count(FindingStatus::NotEvaluable),
                t(lang, "not_evaluable"),
            );
            let rows = fs
                .iter()
                .map(|f| {
                    let fix = [f.fix.clone(), f.message.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" — ");
                    vec![
                        txt(subject_name(ctx, lang, f)),
                        status_cell(lang, f.status),
                        num(value_text(f.value, &f.unit)),
                        num(target_text(f)),
                        txt(evidence_text(&f.evidence)),
                        txt(fix),
                    ]
                })
                .collect();
            let mut inner = Vec::new();
            if !f0.clause.is_empty() {
                inner.push(Block::Defs(vec![(
                    t(lang, "clause").to_string(),
                    f0.clause.clone(),
                )]));
            }
            inner.push(Block::Table(head.clone(), rows));
            Block::Details(summary, false, inner)
        })
        .collect()
}

/// 5. Detail tables, folded.
fn detail_section(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let s = ctx.summary;
    let mut out = vec![
        Block::Heading(t(lang, "details").into()),
        Block::Details(
            t(lang, "targets").into(),
            false,
            vec![levels_table(ctx, lang)],
        ),
        Block::Details(
            format!("{} ({})", t(lang, "capacity_gaps"), ctx.capacity.len()),
            false,
            capacity_blocks(ctx, lang),
        ),
    ];
    for (key, list) in [("counties", &s.counties), ("townships", &s.townships)] {
        if !list.is_empty() {
            out.push(Block::Details(
                format!("{} ({})", t(lang, key), list.len()),
                false,
                vec![area_table(ctx, lang, list)],
            ));
        }
    }
    out.push(Block::SubHeading(format!(
        "{} ({})",
        t(lang, "findings"),
        s.findings.len()
    )));
    out.extend(findings_blocks(ctx, lang));
    out
}

/// 6. How things were measured, and where the files are.
fn conventions_section(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let s = ctx.summary;
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
    vec![
        Block::Heading(t(lang, "conventions").into()),
        Block::Defs(defs),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_shown_in_their_unit() {
        assert_eq!(value_text(Some(0.444), "share"), "44.4 %");
        assert_eq!(value_text(Some(1234.0), "pupils"), "1,234");
        assert_eq!(value_text(Some(0.41234), "cv"), "0.412");
        assert_eq!(value_text(None, "share"), "–");
    }
}
