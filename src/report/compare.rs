//! Comparison of two scenarios (A = before, B = after): coverage per level and per area, rules
//! that change status, schools added, expanded or closed, population newly covered.
//!
//! **Design.** A comparison is computed from two [`Summary`] values — built in memory
//! ([`Summary::build`], as [`super::write_run`] does) or read back from two `summary.json` files
//! ([`Summary::read`]) — so two finished runs can be compared without re-running them.
//! A summary holds totals, not cells, so from summaries alone "newly covered" is the *net*
//! change of covered demand; [`Comparison::with_cells`] refines it from the two in-memory runs,
//! matching cells by id: `newly_covered` = demand (in B) of the cells covered in B but not in A,
//! `no_longer_covered` = demand (in A) of the cells covered in A but not in B.
//!
//! Schools, matched by id: *added* = present only in B (and not closed there); *expanded* = in
//! both and, in B, more `added_classes` or more `capacity_seats` than in A; *closed* = closed in
//! B but not in A, or present only in A.
//!
//! **What the report shows.** Coverage per level before and after; then only what changes: the
//! areas whose coverage, covered pupils or seats change (unchanged rows are left out and
//! counted), the rules that change status (by title and subject name, values in their unit),
//! the schools added, expanded or closed, and per level a map of the cells newly covered or no
//! longer covered.
//!
//! Outputs ([`write_compare`] from summaries; [`write_compare_runs`] from the two runs, adding
//! the change layer and the maps): `compare.json`, `compare.html`, `compare.md`, and
//! `coverage-change.geojson` with its `coverage-change.qml` — one feature per cell whose coverage
//! changes in some level (matched by id; geometry from B, else A): `id`, `county`, `township`, per
//! level L `change_L` (`newly_covered`, `no_longer_covered`, or null when unchanged) and
//! `demand_L` (pupils, B's, else A's) — and `compare-<level>.svg`, the maps.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::areas::AreaStat;
use super::document::{num, txt, Block, Cell, CellKind};
use super::gaps::{GapClosure, GapLevelChange};
use super::numbers::{human, percent, to_json_pretty};
use super::summary::{SchoolRow, Summary};
use super::svg::MapOut;
use super::text::{level_name, status_name, t};
use super::{FindingStatus, OutputDir, RunBundle};
use crate::config::Language;
use crate::error::Result;
use crate::model::{AreaKind, Level, Status};

/// Which scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioRef {
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Year.
    pub year: Option<i32>,
}

/// One level, before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelChange {
    /// The level.
    pub level: Level,
    /// Demand in A.
    pub demand_before: Option<f64>,
    /// Demand in B.
    pub demand_after: Option<f64>,
    /// Covered demand in A.
    pub covered_before: Option<f64>,
    /// Covered demand in B.
    pub covered_after: Option<f64>,
    /// Coverage in A.
    pub coverage_before: Option<f64>,
    /// Coverage in B.
    pub coverage_after: Option<f64>,
    /// coverage_after − coverage_before.
    pub coverage_change: Option<f64>,
    /// covered_after − covered_before.
    pub covered_net_change: Option<f64>,
    /// Demand of cells covered in B and not in A (only from [`Comparison::with_cells`]).
    pub newly_covered: Option<f64>,
    /// Demand of cells covered in A and not in B (only from [`Comparison::with_cells`]).
    pub no_longer_covered: Option<f64>,
    /// Seats in A.
    pub seats_before: Option<f64>,
    /// Seats in B.
    pub seats_after: Option<f64>,
}

/// One area and level, before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaChange {
    /// Area code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: AreaKind,
    /// Level.
    pub level: Level,
    /// Coverage in A.
    pub coverage_before: Option<f64>,
    /// Coverage in B.
    pub coverage_after: Option<f64>,
    /// Covered demand in A.
    pub covered_before: Option<f64>,
    /// Covered demand in B.
    pub covered_after: Option<f64>,
    /// Seats in A.
    pub seats_before: Option<f64>,
    /// Seats in B.
    pub seats_after: Option<f64>,
}

/// A finding (rule id + subject) whose status differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleChange {
    /// Rule id.
    pub id: String,
    /// Subject (area code, school id or `city`).
    pub area: String,
    /// Chinese title of the rule.
    #[serde(default)]
    pub title_zh: String,
    /// English title of the rule.
    #[serde(default)]
    pub title_en: String,
    /// Name of the subject, when it is an area.
    #[serde(default)]
    pub area_name: Option<String>,
    /// Unit of the values (`share`, `pupils`, …).
    #[serde(default)]
    pub unit: String,
    /// Status in A (`None` when the finding is absent there).
    pub before: Option<FindingStatus>,
    /// Status in B.
    pub after: Option<FindingStatus>,
    /// Value in A.
    pub value_before: Option<f64>,
    /// Value in B.
    pub value_after: Option<f64>,
    /// Threshold (B's, else A's).
    pub threshold: Option<f64>,
}

/// A school added, expanded or closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolChange {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Level.
    pub level: Level,
    /// `added`, `expanded`, `closed` or `removed` (present only in A).
    pub change: String,
    /// Seats in A.
    pub seats_before: Option<f64>,
    /// Seats in B.
    pub seats_after: Option<f64>,
    /// Classes added (B's `added_classes`).
    pub added_classes: Option<u32>,
    /// Classes of 56+ pupils (大班额) in A.
    #[serde(default)]
    pub large_classes_before: Option<u32>,
    /// … and in B.
    #[serde(default)]
    pub large_classes_after: Option<u32>,
}

/// The comparison of two runs; written as `compare.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// `schoolplan-compare/1`.
    pub schema: String,
    /// Scenario A.
    pub before: ScenarioRef,
    /// Scenario B.
    pub after: ScenarioRef,
    /// Per level (union of both runs' levels, in level order).
    pub levels: Vec<LevelChange>,
    /// Per county and township and level.
    pub areas: Vec<AreaChange>,
    /// Findings whose status changes, by rule id then subject.
    pub rules_changed: Vec<RuleChange>,
    /// Schools added in B.
    pub schools_added: Vec<SchoolChange>,
    /// Schools expanded in B.
    pub schools_expanded: Vec<SchoolChange>,
    /// Schools closed (or absent) in B.
    pub schools_closed: Vec<SchoolChange>,
    /// Schools whose classes of 56+ pupils (大班额) change, by id.
    #[serde(default)]
    pub large_classes_changed: Vec<SchoolChange>,
    /// Classes of 56+ pupils over all schools recording class sizes, in A and in B.
    #[serde(default)]
    pub large_classes: (u32, u32),
    /// What B does to the coverage gaps of A (only from [`Comparison::with_gaps`]).
    #[serde(default)]
    pub gaps: Option<GapsChange>,
}

/// The gaps of A closed, shrunk or left in B (see [`super::gaps::closures`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapsChange {
    /// Per level: gaps and children before and after, closed / shrunk / left, new.
    pub levels: Vec<GapLevelChange>,
    /// Every gap of A (listed gaps and scattered lines), by level then A's rank.
    pub gaps: Vec<GapClosure>,
}

/// A cell whose coverage of a level changes from A to B.
#[derive(Debug, Clone, PartialEq)]
pub struct CellChange {
    /// Cell id.
    pub id: String,
    /// The level.
    pub level: Level,
    /// Covered in B and not in A (else covered in A and not in B).
    pub newly: bool,
    /// Its demand of the level, pupils: B's for a newly covered cell, A's for one no longer
    /// covered.
    pub demand: f64,
}

/// The cells whose coverage changes, per level measured in both runs (by level, then cell id).
/// A cell present in only one run counts as uncovered in the other.
pub fn cell_changes(a: &RunBundle, b: &RunBundle) -> Vec<CellChange> {
    let mut out = Vec::new();
    for cb in &b.coverage.levels {
        let Some(ca) = a.coverage.level(cb.level) else {
            continue;
        };
        let state = |bundle: &RunBundle, lc: &crate::coverage::LevelCoverage| {
            bundle
                .map
                .demand
                .cells
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), (lc.covered[i], lc.demand[i])))
                .collect::<BTreeMap<String, (bool, f64)>>()
        };
        let (sa, sb) = (state(a, ca), state(b, cb));
        let ids: BTreeSet<&String> = sa.keys().chain(sb.keys()).collect();
        for id in ids {
            let (x, y) = (sa.get(id), sb.get(id));
            let (was, is) = (x.is_some_and(|v| v.0), y.is_some_and(|v| v.0));
            if was == is {
                continue;
            }
            let demand = if is {
                y.map_or(0.0, |v| v.1)
            } else {
                x.map_or(0.0, |v| v.1)
            };
            out.push(CellChange {
                id: id.clone(),
                level: cb.level,
                newly: is,
                demand,
            });
        }
    }
    out
}

fn sref(s: &Summary) -> ScenarioRef {
    ScenarioRef {
        name: s.scenario.name.clone(),
        title: s.scenario.title.clone(),
        year: s.scenario.year,
    }
}

fn area_rows(s: &Summary) -> BTreeMap<(String, Level), (&AreaStat, &super::areas::AreaLevel)> {
    s.counties
        .iter()
        .chain(&s.townships)
        .flat_map(|a| {
            a.levels
                .iter()
                .map(move |l| ((a.code.clone(), l.level), (a, l)))
        })
        .collect()
}

fn school_change(
    id: &str,
    a: Option<&SchoolRow>,
    b: Option<&SchoolRow>,
    change: &str,
) -> SchoolChange {
    let any = b.or(a).expect("one side has the school");
    SchoolChange {
        id: id.to_string(),
        name: any.name.clone(),
        level: any.level,
        change: change.into(),
        seats_before: a.and_then(|s| s.capacity_seats),
        seats_after: b.and_then(|s| s.capacity_seats),
        added_classes: b.and_then(|s| s.added_classes),
        large_classes_before: a.and_then(|s| s.large_classes),
        large_classes_after: b.and_then(|s| s.large_classes),
    }
}

/// City-wide demand, coverage and seats of each level in A or B.
fn level_changes(a: &Summary, b: &Summary) -> Vec<LevelChange> {
    let levels: BTreeSet<Level> = a.levels.iter().chain(&b.levels).map(|l| l.level).collect();
    levels
        .into_iter()
        .map(|lv| {
            let (la, lb) = (a.level(lv), b.level(lv));
            let diff = |x: Option<f64>, y: Option<f64>| x.zip(y).map(|(x, y)| y - x);
            LevelChange {
                level: lv,
                demand_before: la.map(|l| l.demand),
                demand_after: lb.map(|l| l.demand),
                covered_before: la.map(|l| l.covered),
                covered_after: lb.map(|l| l.covered),
                coverage_before: la.map(|l| l.coverage),
                coverage_after: lb.map(|l| l.coverage),
                coverage_change: diff(la.map(|l| l.coverage), lb.map(|l| l.coverage)),
                covered_net_change: diff(la.map(|l| l.covered), lb.map(|l| l.covered)),
                newly_covered: None,
                no_longer_covered: None,
                seats_before: la.map(|l| l.seats),
                seats_after: lb.map(|l| l.seats),
            }
        })
        .collect()
}

/// Coverage and seats of each area and level in A or B (all of them; see [`area_changes`]).
fn areas_compared(a: &Summary, b: &Summary) -> Vec<AreaChange> {
    let (ra, rb) = (area_rows(a), area_rows(b));
    let keys: BTreeSet<&(String, Level)> = ra.keys().chain(rb.keys()).collect();
    keys.into_iter()
        .map(|k| {
            let (x, y) = (ra.get(k), rb.get(k));
            let any = y.or(x).expect("key from one side").0;
            AreaChange {
                code: k.0.clone(),
                name: any.name.clone(),
                kind: any.kind,
                level: k.1,
                coverage_before: x.and_then(|r| r.1.coverage),
                coverage_after: y.and_then(|r| r.1.coverage),
                covered_before: x.map(|r| r.1.covered),
                covered_after: y.map(|r| r.1.covered),
                seats_before: x.map(|r| r.1.seats),
                seats_after: y.map(|r| r.1.seats),
            }
        })
        .collect()
}

/// The findings (rule and area) whose status differs between A and B.
fn rules_changed(a: &Summary, b: &Summary) -> Vec<RuleChange> {
    let fa: BTreeMap<(&str, &str), &super::FindingRow> = a
        .findings
        .iter()
        .map(|f| ((f.id.as_str(), f.area.as_str()), f))
        .collect();
    let fb: BTreeMap<(&str, &str), &super::FindingRow> = b
        .findings
        .iter()
        .map(|f| ((f.id.as_str(), f.area.as_str()), f))
        .collect();
    let fkeys: BTreeSet<&(&str, &str)> = fa.keys().chain(fb.keys()).collect();
    fkeys
        .into_iter()
        .filter_map(|k| {
            let (x, y) = (fa.get(k), fb.get(k));
            let (sx, sy) = (x.map(|f| f.status), y.map(|f| f.status));
            let any = y.or(x).expect("key from one side");
            (sx != sy).then(|| RuleChange {
                id: k.0.to_string(),
                area: k.1.to_string(),
                title_zh: any.title_zh.clone(),
                title_en: any.title_en.clone(),
                area_name: any.area_name.clone(),
                unit: any.unit.clone(),
                before: sx,
                after: sy,
                value_before: x.and_then(|f| f.value),
                value_after: y.and_then(|f| f.value),
                threshold: y.and_then(|f| f.threshold).or(x.and_then(|f| f.threshold)),
            })
        })
        .collect()
}

/// Schools by id, for matching A with B.
fn schools_by_id(s: &Summary) -> BTreeMap<&str, &SchoolRow> {
    s.schools.iter().map(|x| (x.id.as_str(), x)).collect()
}

/// Schools added, expanded and closed (or removed) from A to B, each by id.
fn school_changes(
    a: &Summary,
    b: &Summary,
) -> (Vec<SchoolChange>, Vec<SchoolChange>, Vec<SchoolChange>) {
    let (sa, sb) = (schools_by_id(a), schools_by_id(b));
    let ids: BTreeSet<&str> = sa.keys().chain(sb.keys()).copied().collect();
    let (mut added, mut expanded, mut closed) = (Vec::new(), Vec::new(), Vec::new());
    for id in ids {
        let (x, y) = (sa.get(id).copied(), sb.get(id).copied());
        match (x, y) {
            (None, Some(s)) if s.status != Status::Closed => {
                added.push(school_change(id, x, y, "added"))
            }
            (Some(_), None) => closed.push(school_change(id, x, y, "removed")),
            (Some(p), Some(q)) => {
                if q.status == Status::Closed && p.status != Status::Closed {
                    closed.push(school_change(id, x, y, "closed"));
                } else if q.status != Status::Closed
                    && (q.added_classes.unwrap_or(0) > p.added_classes.unwrap_or(0)
                        || q.capacity_seats.unwrap_or(0.0) > p.capacity_seats.unwrap_or(0.0))
                {
                    expanded.push(school_change(id, x, y, "expanded"));
                }
            }
            _ => {}
        }
    }
    (added, expanded, closed)
}

/// Schools whose count of large classes differs between A and B.
fn large_classes_changed(a: &Summary, b: &Summary) -> Vec<SchoolChange> {
    let (sa, sb) = (schools_by_id(a), schools_by_id(b));
    sa.keys()
        .chain(sb.keys())
        .copied()
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .filter_map(|id| {
            let (x, y) = (sa.get(id).copied(), sb.get(id).copied());
            let (p, q) = (
                x.and_then(|s| s.large_classes),
                y.and_then(|s| s.large_classes),
            );
            (p.unwrap_or(0) != q.unwrap_or(0)).then(|| school_change(id, x, y, "large_classes"))
        })
        .collect()
}

impl Comparison {
    /// Compares two summaries (A before, B after): one function per section.
    pub fn from_summaries(a: &Summary, b: &Summary) -> Comparison {
        let (added, expanded, closed) = school_changes(a, b);
        let large_sum =
            |s: &Summary| -> u32 { s.schools.iter().filter_map(|x| x.large_classes).sum() };
        Comparison {
            large_classes_changed: large_classes_changed(a, b),
            large_classes: (large_sum(a), large_sum(b)),
            schema: "schoolplan-compare/1".into(),
            before: sref(a),
            after: sref(b),
            levels: level_changes(a, b),
            areas: areas_compared(a, b),
            rules_changed: rules_changed(a, b),
            schools_added: added,
            schools_expanded: expanded,
            schools_closed: closed,
            gaps: None,
        }
    }

    /// Adds what B does to A's coverage gaps: A's gaps matched cell by cell with B's gap cells,
    /// the proposals of B that seat them (see [`super::gaps`]).
    pub fn with_gaps(mut self, a: &RunBundle, b: &RunBundle) -> Result<Comparison> {
        let opts = |x: &RunBundle| crate::coverage::gaps::GapOptions {
            scattered_below: x.scenario.gaps.scattered_below,
            sites: false,
        };
        let ga = crate::coverage::gaps::compute_with(a.map, a.scenario, a.coverage, opts(a))?;
        let gb = crate::coverage::gaps::compute_with(b.map, b.scenario, b.coverage, opts(b))?;
        let (gaps, mut levels) = super::gaps::closures(&ga, a.map, a.coverage, b);
        for l in &mut levels {
            l.gaps_after = gb
                .iter()
                .filter(|g| g.level == l.level && !g.scattered)
                .count() as u32;
        }
        self.gaps = Some(GapsChange { levels, gaps });
        Ok(self)
    }

    /// Adds the exact demand newly covered and no longer covered per level, matching the two
    /// runs' cells by id (see the module docs).
    pub fn with_cells(mut self, a: &RunBundle, b: &RunBundle) -> Comparison {
        let changes = cell_changes(a, b);
        for lc in &mut self.levels {
            if a.coverage.level(lc.level).is_none() || b.coverage.level(lc.level).is_none() {
                continue;
            }
            let sum = |newly: bool| {
                changes
                    .iter()
                    .filter(|c| c.level == lc.level && c.newly == newly)
                    .map(|c| c.demand)
                    .sum::<f64>()
                    + 0.0 // an empty f64 sum is −0
            };
            lc.newly_covered = Some(sum(true));
            lc.no_longer_covered = Some(sum(false));
        }
        self
    }

    /// The comparison as pretty JSON (reals rounded to 1e-6).
    pub fn to_json(&self) -> String {
        to_json_pretty(self)
    }
}

fn opt_h(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| human(v + 0.0, 0))
}

/// A change in percentage points, one decimal: `+2.2 pp`, `−0.4 pp`, `0.0 pp` (never `-0.0`).
pub fn signed_pct(x: Option<f64>) -> String {
    x.map_or_else(
        || "–".into(),
        |v| {
            let r = super::numbers::tenths(v * 100.0);
            if r == 0.0 {
                "0.0 pp".into()
            } else {
                format!("{r:+.1} pp")
            }
        },
    )
}

/// A signed count of pupils or seats: `+1,539`, `-12`, `0`.
fn signed_count(x: f64) -> String {
    let r = x.round() + 0.0;
    if r > 0.0 {
        format!("+{}", human(r, 0))
    } else {
        human(r, 0)
    }
}

/// Whether an area row changes visibly: coverage by at least 0.05 percentage points (it would
/// show as ±0.1 pp), or covered pupils or seats by at least half a unit.
pub fn area_changes(a: &AreaChange) -> bool {
    let moved = |x: Option<f64>, y: Option<f64>, tol: f64| match (x, y) {
        (Some(x), Some(y)) => (y - x).abs() >= tol,
        (None, None) => false,
        _ => true,
    };
    moved(a.coverage_before, a.coverage_after, 0.0005)
        || moved(a.covered_before, a.covered_after, 0.5)
        || moved(a.seats_before, a.seats_after, 0.5)
}

/// The title of the comparison report.
pub fn compare_title(c: &Comparison, lang: Language) -> String {
    format!(
        "{}: {} → {}",
        t(lang, "compare"),
        c.before.title,
        c.after.title
    )
}

fn levels_table(c: &Comparison, lang: Language) -> Block {
    let head = vec![
        t(lang, "level").into(),
        format!("{} ({})", t(lang, "coverage"), t(lang, "before")),
        format!("{} ({})", t(lang, "coverage"), t(lang, "after")),
        t(lang, "change").into(),
        t(lang, "newly_covered_pop").into(),
        t(lang, "newly_uncovered_pop").into(),
        format!(
            "{} ({} → {})",
            t(lang, "covered"),
            t(lang, "before"),
            t(lang, "after")
        ),
        format!(
            "{} ({} → {})",
            t(lang, "seats"),
            t(lang, "before"),
            t(lang, "after")
        ),
    ];
    let rows = c
        .levels
        .iter()
        .map(|l| {
            vec![
                txt(level_name(lang, l.level)),
                num(percent(l.coverage_before)),
                num(percent(l.coverage_after)),
                num(signed_pct(l.coverage_change)),
                num(l.newly_covered.map_or_else(
                    || {
                        format!(
                            "{} ({})",
                            l.covered_net_change.map_or("–".into(), signed_count),
                            t(lang, "net")
                        )
                    },
                    |v| human(v + 0.0, 0),
                )),
                num(opt_h(l.no_longer_covered)),
                num(format!(
                    "{} → {}",
                    opt_h(l.covered_before),
                    opt_h(l.covered_after)
                )),
                num(format!(
                    "{} → {}",
                    opt_h(l.seats_before),
                    opt_h(l.seats_after)
                )),
            ]
        })
        .collect();
    Block::Table(head, rows)
}

fn areas_blocks(c: &Comparison, lang: Language) -> Vec<Block> {
    let changed: Vec<&AreaChange> = c.areas.iter().filter(|a| area_changes(a)).collect();
    let mut out = vec![Block::Heading(t(lang, "coverage_by_area").into())];
    out.push(Block::Para(match lang {
        Language::Zh => format!(
            "共 {} 行(区域 × 学段)中有 {} 行发生变化;未变化的行不列出。",
            c.areas.len(),
            changed.len()
        ),
        Language::En => format!(
            "{} of {} rows (area × level) change; unchanged rows are left out.",
            changed.len(),
            c.areas.len()
        ),
    }));
    if changed.is_empty() {
        return out;
    }
    let head = vec![
        t(lang, "name").into(),
        t(lang, "kind").into(),
        t(lang, "level").into(),
        t(lang, "before").into(),
        t(lang, "after").into(),
        t(lang, "change").into(),
        t(lang, "covered_change").into(),
        format!(
            "{} ({} → {})",
            t(lang, "seats"),
            t(lang, "before"),
            t(lang, "after")
        ),
    ];
    let rows = changed
        .iter()
        .map(|a| {
            vec![
                txt(format!("{} ({})", a.name, a.code)),
                txt(super::text::kind_name(lang, a.kind)),
                txt(level_name(lang, a.level)),
                num(percent(a.coverage_before)),
                num(percent(a.coverage_after)),
                num(signed_pct(
                    a.coverage_before.zip(a.coverage_after).map(|(x, y)| y - x),
                )),
                num(a
                    .covered_before
                    .zip(a.covered_after)
                    .map_or("–".into(), |(x, y)| signed_count(y - x))),
                num(format!(
                    "{} → {}",
                    opt_h(a.seats_before),
                    opt_h(a.seats_after)
                )),
            ]
        })
        .collect();
    out.push(Block::Table(head, rows));
    out
}

fn rules_blocks(c: &Comparison, lang: Language) -> Vec<Block> {
    let mut out = vec![Block::Heading(t(lang, "rules_changed").into())];
    if c.rules_changed.is_empty() {
        out.push(Block::Para(t(lang, "none").into()));
        return out;
    }
    let head = ["rule", "area", "before", "after", "value", "threshold"]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
    let status = |s: Option<FindingStatus>| match s {
        Some(s) => Cell {
            text: status_name(lang, s).into(),
            kind: CellKind::Status(s),
        },
        None => txt("–"),
    };
    let rows = c
        .rules_changed
        .iter()
        .map(|r| {
            let title = if lang == Language::Zh && !r.title_zh.is_empty() {
                &r.title_zh
            } else {
                &r.title_en
            };
            let v = |x: Option<f64>| super::document::value_text(x, &r.unit);
            vec![
                txt(if title.is_empty() {
                    r.id.clone()
                } else {
                    format!("{title} ({})", r.id)
                }),
                txt(match &r.area_name {
                    Some(n) if !n.is_empty() => format!("{n} ({})", r.area),
                    _ if r.area == "city" => t(lang, "city").to_string(),
                    _ => r.area.clone(),
                }),
                status(r.before),
                status(r.after),
                num(format!("{} → {}", v(r.value_before), v(r.value_after))),
                num(v(r.threshold)),
            ]
        })
        .collect();
    out.push(Block::Table(head, rows));
    out
}

fn schools_blocks(c: &Comparison, lang: Language) -> Vec<Block> {
    let mut out = Vec::new();
    for (key, list) in [
        ("schools_added", &c.schools_added),
        ("schools_expanded", &c.schools_expanded),
        ("schools_closed", &c.schools_closed),
    ] {
        out.push(Block::SubHeading(format!(
            "{} ({})",
            t(lang, key),
            list.len()
        )));
        if list.is_empty() {
            out.push(Block::Para(t(lang, "none").into()));
            continue;
        }
        let head = vec![
            t(lang, "name").into(),
            t(lang, "level").into(),
            format!(
                "{} ({} → {})",
                t(lang, "seats"),
                t(lang, "before"),
                t(lang, "after")
            ),
            t(lang, "classes_added").into(),
        ];
        let rows = list
            .iter()
            .map(|s| {
                vec![
                    txt(if s.name.is_empty() {
                        s.id.clone()
                    } else {
                        format!("{} ({})", s.name, s.id)
                    }),
                    txt(level_name(lang, s.level)),
                    num(format!(
                        "{} → {}",
                        opt_h(s.seats_before),
                        opt_h(s.seats_after)
                    )),
                    num(s.added_classes.map_or("–".into(), |x| x.to_string())),
                ]
            })
            .collect();
        out.push(Block::Table(head, rows));
    }
    out.push(Block::SubHeading(format!(
        "{} ({} → {})",
        t(lang, "large_classes_change"),
        c.large_classes.0,
        c.large_classes.1
    )));
    if c.large_classes_changed.is_empty() {
        out.push(Block::Para(t(lang, "none").into()));
    } else {
        let head = vec![
            t(lang, "name").into(),
            t(lang, "level").into(),
            format!(
                "{} ({} → {})",
                t(lang, "large_classes_change"),
                t(lang, "before"),
                t(lang, "after")
            ),
        ];
        let rows = c
            .large_classes_changed
            .iter()
            .map(|s| {
                vec![
                    txt(if s.name.is_empty() {
                        s.id.clone()
                    } else {
                        format!("{} ({})", s.name, s.id)
                    }),
                    txt(level_name(lang, s.level)),
                    num(format!(
                        "{} → {}",
                        s.large_classes_before.map_or("–".into(), |x| x.to_string()),
                        s.large_classes_after.map_or("–".into(), |x| x.to_string())
                    )),
                ]
            })
            .collect();
        out.push(Block::Table(head, rows));
    }
    out
}

/// The blocks of the comparison report (with the maps of [`write_compare_runs`], if any).
pub fn compare_blocks(c: &Comparison, lang: Language) -> Vec<Block> {
    compare_blocks_with_maps(c, lang, &[])
}

fn compare_blocks_with_maps(c: &Comparison, lang: Language, maps: &[MapOut]) -> Vec<Block> {
    let mut out = vec![Block::Defs(vec![
        (
            t(lang, "before").into(),
            format!("{} ({})", c.before.title, c.before.name),
        ),
        (
            t(lang, "after").into(),
            format!("{} ({})", c.after.title, c.after.name),
        ),
    ])];
    out.push(Block::Heading(t(lang, "coverage").into()));
    out.push(levels_table(c, lang));
    if !maps.is_empty() {
        out.push(Block::Heading(t(lang, "change_maps").into()));
        out.push(Block::Para(t(lang, "maps_hint").into()));
        for m in maps {
            out.push(Block::Map(m.caption.clone(), m.stem.clone(), m.svg.clone()));
        }
    }
    out.extend(super::gapdoc::compare_gap_blocks(c, lang));
    out.extend(areas_blocks(c, lang));
    out.extend(rules_blocks(c, lang));
    out.extend(schools_blocks(c, lang));
    out
}

/// Writes `compare.json`, `compare.html` and `compare.md` into the folder `out`, atomically.
pub fn write_compare(out: &Path, cmp: &Comparison, lang: Language) -> Result<()> {
    let dir = OutputDir::create(out)?;
    write_compare_into(&dir, cmp, lang)?;
    dir.commit()
}

/// Writes the comparison into an open [`OutputDir`] (without committing it).
pub fn write_compare_into(dir: &OutputDir, cmp: &Comparison, lang: Language) -> Result<()> {
    dir.write("compare.json", &cmp.to_json())?;
    let blocks = compare_blocks(cmp, lang);
    let title = compare_title(cmp, lang);
    dir.write("compare.html", &super::html::render(&title, &blocks, lang))?;
    dir.write("compare.md", &super::markdown::render(&title, &blocks))
}

/// `coverage-change.geojson`: the cells whose coverage changes (see the module docs).
pub fn change_geojson(a: &RunBundle, b: &RunBundle, changes: &[CellChange]) -> String {
    use super::layers::{multipolygon_geometry, point_geometry, Props};
    use super::numbers::real;
    use serde_json::{json, Value};
    let levels: Vec<Level> = b
        .coverage
        .levels
        .iter()
        .map(|l| l.level)
        .filter(|l| a.coverage.level(*l).is_some())
        .collect();
    let mut by_cell: BTreeMap<&str, Vec<&CellChange>> = BTreeMap::new();
    for c in changes {
        by_cell.entry(c.id.as_str()).or_default().push(c);
    }
    let index = |bundle: &RunBundle| -> BTreeMap<String, usize> {
        bundle
            .map
            .demand
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect()
    };
    let (ia, ib) = (index(a), index(b));
    let features = by_cell
        .into_iter()
        .filter_map(|(id, cs)| {
            let (bundle, i) = ib
                .get(id)
                .map(|&i| (b, i))
                .or_else(|| ia.get(id).map(|&i| (a, i)))?;
            let map = bundle.map;
            let cell = &map.demand.cells[i];
            let mut p = Props::new();
            p.insert("id".into(), json!(id));
            p.insert(
                "county".into(),
                cell.county
                    .map_or(Value::Null, |k| json!(map.counties[k].code)),
            );
            p.insert(
                "township".into(),
                cell.township
                    .map_or(Value::Null, |k| json!(map.townships[k].code)),
            );
            for l in &levels {
                let n = l.name();
                let ch = cs.iter().find(|c| c.level == *l);
                p.insert(
                    format!("change_{n}"),
                    ch.map_or(Value::Null, |c| {
                        json!(if c.newly {
                            "newly_covered"
                        } else {
                            "no_longer_covered"
                        })
                    }),
                );
                let demand = bundle.coverage.level(*l).map_or(0.0, |lc| lc.demand[i]);
                p.insert(format!("demand_{n}"), real(demand));
            }
            let geometry = match &cell.shape_lonlat {
                Some(mp) => multipolygon_geometry(mp),
                None => point_geometry(cell.lonlat),
            };
            Some((geometry, p))
        })
        .collect();
    super::layers::feature_collection("coverage_change", features)
}

/// Writes the comparison of two runs: the files of [`write_compare`], the change layer with its
/// QGIS style, and a change map per level (in the report and as `compare-<level>.svg`).
pub fn write_compare_runs(
    out: &Path,
    cmp: &Comparison,
    a: &RunBundle,
    b: &RunBundle,
    lang: Language,
) -> Result<()> {
    let dir = OutputDir::create(out)?;
    write_compare_runs_into(&dir, cmp, a, b, lang)?;
    dir.commit()
}

/// [`write_compare_runs`] into an open [`OutputDir`] (without committing it).
pub fn write_compare_runs_into(
    dir: &OutputDir,
    cmp: &Comparison,
    a: &RunBundle,
    b: &RunBundle,
    lang: Language,
) -> Result<()> {
    let changes = cell_changes(a, b);
    dir.write("compare.json", &cmp.to_json())?;
    dir.write("coverage-change.geojson", &change_geojson(a, b, &changes))?;
    dir.write(
        "coverage-change.qml",
        &super::styles::change_qml(b, &changes, lang),
    )?;
    let maps: Vec<MapOut> = cmp
        .levels
        .iter()
        .filter_map(|l| super::svg::change_map(a, b, l.level, &changes, lang))
        .collect();
    for m in &maps {
        dir.write(
            &format!("{}.svg", m.stem),
            &format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n", m.svg),
        )?;
    }
    let blocks = compare_blocks_with_maps(cmp, lang, &maps);
    let title = compare_title(cmp, lang);
    dir.write("compare.html", &super::html::render(&title, &blocks, lang))?;
    dir.write("compare.md", &super::markdown::render(&title, &blocks))
}
