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
//! Outputs ([`write_compare`]): `compare.json`, `compare.html`, `compare.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::areas::AreaStat;
use super::document::{num, txt, Block, Cell, CellKind};
use super::numbers::{human, percent, to_json_pretty};
use super::summary::{SchoolRow, Summary};
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
    }
}

impl Comparison {
    /// Compares two summaries (A before, B after).
    pub fn from_summaries(a: &Summary, b: &Summary) -> Comparison {
        let levels: BTreeSet<Level> = a.levels.iter().chain(&b.levels).map(|l| l.level).collect();
        let levels = levels
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
            .collect();
        let (ra, rb) = (area_rows(a), area_rows(b));
        let keys: BTreeSet<&(String, Level)> = ra.keys().chain(rb.keys()).collect();
        let areas = keys
            .into_iter()
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
            .collect();
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
        let rules_changed = fkeys
            .into_iter()
            .filter_map(|k| {
                let (x, y) = (fa.get(k), fb.get(k));
                let (sx, sy) = (x.map(|f| f.status), y.map(|f| f.status));
                (sx != sy).then(|| RuleChange {
                    id: k.0.to_string(),
                    area: k.1.to_string(),
                    before: sx,
                    after: sy,
                    value_before: x.and_then(|f| f.value),
                    value_after: y.and_then(|f| f.value),
                    threshold: y.and_then(|f| f.threshold).or(x.and_then(|f| f.threshold)),
                })
            })
            .collect();
        let sa: BTreeMap<&str, &SchoolRow> = a.schools.iter().map(|s| (s.id.as_str(), s)).collect();
        let sb: BTreeMap<&str, &SchoolRow> = b.schools.iter().map(|s| (s.id.as_str(), s)).collect();
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
        Comparison {
            schema: "schoolplan-compare/1".into(),
            before: sref(a),
            after: sref(b),
            levels,
            areas,
            rules_changed,
            schools_added: added,
            schools_expanded: expanded,
            schools_closed: closed,
        }
    }

    /// Adds the exact demand newly covered and no longer covered per level, matching the two
    /// runs' cells by id (see the module docs).
    pub fn with_cells(mut self, a: &RunBundle, b: &RunBundle) -> Comparison {
        for lc in &mut self.levels {
            let (Some(ca), Some(cb)) = (a.coverage.level(lc.level), b.coverage.level(lc.level))
            else {
                continue;
            };
            let covered_a: BTreeMap<&str, (bool, f64)> = a
                .map
                .demand
                .cells
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), (ca.covered[i], ca.demand[i])))
                .collect();
            let covered_b: BTreeMap<&str, (bool, f64)> = b
                .map
                .demand
                .cells
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), (cb.covered[i], cb.demand[i])))
                .collect();
            let newly: f64 = covered_b
                .iter()
                .filter(|(id, (cov, _))| *cov && !covered_a.get(*id).is_some_and(|x| x.0))
                .map(|(_, (_, d))| d)
                .sum();
            let lost: f64 = covered_a
                .iter()
                .filter(|(id, (cov, _))| *cov && !covered_b.get(*id).is_some_and(|x| x.0))
                .map(|(_, (_, d))| d)
                .sum();
            lc.newly_covered = Some(newly);
            lc.no_longer_covered = Some(lost);
        }
        self
    }

    /// The comparison as pretty JSON (reals rounded to 1e-6).
    pub fn to_json(&self) -> String {
        to_json_pretty(self)
    }
}

fn opt_h(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| human(v, 0))
}

fn signed_pct(x: Option<f64>) -> String {
    x.map_or_else(
        || "–".into(),
        |v| format!("{:+.1} pp", super::numbers::tenths(v * 100.0)),
    )
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

/// The blocks of the comparison report.
pub fn compare_blocks(c: &Comparison, lang: Language) -> Vec<Block> {
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
    let head = vec![
        t(lang, "level").into(),
        format!("{} ({})", t(lang, "coverage"), t(lang, "before")),
        format!("{} ({})", t(lang, "coverage"), t(lang, "after")),
        t(lang, "change").into(),
        format!("{} ({})", t(lang, "covered"), t(lang, "before")),
        format!("{} ({})", t(lang, "covered"), t(lang, "after")),
        t(lang, "newly_covered_pop").into(),
        t(lang, "newly_uncovered_pop").into(),
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
                num(opt_h(l.covered_before)),
                num(opt_h(l.covered_after)),
                num(l.newly_covered.map_or_else(
                    || format!("{} (net)", opt_h(l.covered_net_change)),
                    |v| human(v, 0),
                )),
                num(opt_h(l.no_longer_covered)),
                num(format!(
                    "{} → {}",
                    opt_h(l.seats_before),
                    opt_h(l.seats_after)
                )),
            ]
        })
        .collect();
    out.push(Block::Table(head, rows));
    out.push(Block::Heading(t(lang, "coverage_by_area").into()));
    let head = vec![
        t(lang, "code").into(),
        t(lang, "name").into(),
        t(lang, "level").into(),
        t(lang, "before").into(),
        t(lang, "after").into(),
        t(lang, "change").into(),
    ];
    let rows = c
        .areas
        .iter()
        .map(|a| {
            vec![
                txt(&a.code),
                txt(&a.name),
                txt(level_name(lang, a.level)),
                num(percent(a.coverage_before)),
                num(percent(a.coverage_after)),
                num(signed_pct(
                    a.coverage_before.zip(a.coverage_after).map(|(x, y)| y - x),
                )),
            ]
        })
        .collect();
    out.push(Block::Table(head, rows));
    out.push(Block::Heading(t(lang, "rules_changed").into()));
    if c.rules_changed.is_empty() {
        out.push(Block::Para(t(lang, "none").into()));
    } else {
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
                let v = |x: Option<f64>| x.map_or_else(|| "–".to_string(), |v| human(v, 3));
                vec![
                    txt(&r.id),
                    txt(&r.area),
                    status(r.before),
                    status(r.after),
                    num(format!("{} → {}", v(r.value_before), v(r.value_after))),
                    num(v(r.threshold)),
                ]
            })
            .collect();
        out.push(Block::Table(head, rows));
    }
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
            "id".into(),
            t(lang, "name").into(),
            t(lang, "level").into(),
            format!(
                "{} ({} → {})",
                t(lang, "seats"),
                t(lang, "before"),
                t(lang, "after")
            ),
        ];
        let rows = list
            .iter()
            .map(|s| {
                vec![
                    txt(&s.id),
                    txt(&s.name),
                    txt(level_name(lang, s.level)),
                    num(format!(
                        "{} → {}",
                        opt_h(s.seats_before),
                        opt_h(s.seats_after)
                    )),
                ]
            })
            .collect();
        out.push(Block::Table(head, rows));
    }
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
