//! The rule kinds, one file each, and what they share.

mod balance_cv;
mod boarding_reach;
mod build_programme;
mod class_size;
mod min_count;
mod min_coverage;
mod min_seats;
mod min_share;
mod resource_minimum;
mod school_size;
mod utilisation;
mod within_reach;

pub use balance_cv::{BalanceCv, Indicator};
pub use boarding_reach::BoardingReach;
pub use build_programme::{BuildProgramme, ProjectRequirement};
pub use class_size::MaxClassSize;
pub use min_count::MinCount;
pub use min_coverage::{ClusterBy, MinCoverage};
pub use min_seats::MinSeats;
pub use min_share::{MinShare, ShareOf};
pub use resource_minimum::ResourceMinimum;
pub use school_size::MaxSchoolSize;
pub use utilisation::{MinUtilisation, UtilisationDemand};
pub use within_reach::{Target, WithinReach};

use super::common::{Check, Rule, Scope};
use super::finding::{Comparison, Finding, FindingStatus};
use super::scope::{self, sorted};
use super::Context;
use crate::config::Language;

/// Every kind's documentation, in registry order.
pub(crate) const DOCS: [&super::doc::RuleKindDoc; 12] = [
    &min_count::DOC,
    &min_share::DOC,
    &min_coverage::DOC,
    &min_seats::DOC,
    &class_size::DOC,
    &school_size::DOC,
    &balance_cv::DOC,
    &resource_minimum::DOC,
    &build_programme::DOC,
    &boarding_reach::DOC,
    &utilisation::DOC,
    &within_reach::DOC,
];

/// Checks `rule`, appending its findings to `out` (unsorted).
pub(crate) fn evaluate(rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
    match &rule.check {
        Check::MinCount(p) => p.evaluate(rule, ctx, out),
        Check::MinShare(p) => p.evaluate(rule, ctx, out),
        Check::MinCoverage(p) => p.evaluate(rule, ctx, out),
        Check::MinSeats(p) => p.evaluate(rule, ctx, out),
        Check::MaxClassSize(p) => p.evaluate(rule, ctx, out),
        Check::MaxSchoolSize(p) => p.evaluate(rule, ctx, out),
        Check::BalanceCv(p) => p.evaluate(rule, ctx, out),
        Check::ResourceMinimum(p) => p.evaluate(rule, ctx, out),
        Check::BuildProgramme(p) => p.evaluate(rule, ctx, out),
        Check::BoardingReach(p) => p.evaluate(rule, ctx, out),
        Check::MinUtilisation(p) => p.evaluate(rule, ctx, out),
        Check::WithinReach(p) => p.evaluate(rule, ctx, out),
    }
}

/// English or Chinese text, by the scenario's language.
pub(crate) fn tr(ctx: &Context, en: String, zh: String) -> String {
    match ctx.scenario.language {
        Language::Zh => zh,
        Language::En => en,
    }
}

/// A number for messages: integers without decimals, others with up to 3.
pub(crate) fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The outcome of a per-school check.
pub(crate) enum Outcome {
    /// The school meets the limit; `measured` is its value.
    Pass { measured: f64 },
    /// The school breaks the limit; `count` offending units (classes, or 1 school).
    Fail {
        measured: f64,
        count: f64,
        fix: Option<String>,
    },
    /// The school lacks data.
    Unknown { reason: String },
}

/// How a per-school kind reports.
pub(crate) struct SchoolCheck<'a> {
    /// Per-school threshold and comparison, and the unit of the measured value.
    pub threshold: f64,
    pub comparison: Comparison,
    pub unit: &'a str,
    /// Unit of the area count (`schools` or `classes`): an area passes with 0 offending.
    pub area_unit: &'a str,
}

/// One evaluated school.
pub(crate) struct Evaluated {
    /// Index into `Map::schools`.
    pub school: usize,
    pub outcome: Outcome,
    /// Note for the school finding.
    pub note: Option<String>,
    /// The school's own threshold, when it differs from [`SchoolCheck::threshold`].
    pub threshold: Option<f64>,
}

impl Evaluated {
    pub fn new(school: usize, outcome: Outcome, note: Option<String>) -> Self {
        Evaluated {
            school,
            outcome,
            note,
            threshold: None,
        }
    }
}

/// Reports per-school outcomes: one finding per school at school scope, else one per area with
/// the number of offending units (threshold 0, `<=`). `area_note` adds a note to area findings
/// from the evaluated schools of the area.
pub(crate) fn report_schools(
    rule: &Rule,
    ctx: &Context,
    check: &SchoolCheck,
    evaluated: Vec<Evaluated>,
    area_note: &dyn Fn(&[usize]) -> Option<String>,
    out: &mut Vec<Finding>,
) {
    let map = ctx.map;
    if rule.scope == Scope::School {
        for e in evaluated {
            let i = e.school;
            if !school_listed(rule, ctx, i) {
                continue;
            }
            let mut f = Finding::for_school(rule, map, i, check.comparison, check.unit);
            f.threshold = Some(e.threshold.unwrap_or(check.threshold));
            f.note = e.note;
            match e.outcome {
                Outcome::Pass { measured } => {
                    f.measured = Some(measured);
                    f.status = FindingStatus::Pass;
                }
                Outcome::Fail { measured, fix, .. } => {
                    f.measured = Some(measured);
                    f.status = FindingStatus::Fail;
                    f.fix = fix;
                    f.evidence.schools = vec![map.schools[i].id.clone()];
                }
                Outcome::Unknown { reason } => {
                    f.not_evaluable(reason);
                    f.evidence.schools = vec![map.schools[i].id.clone()];
                }
            }
            out.push(f);
        }
        return;
    }
    let (units, missing) = scope::units(rule, map);
    out.extend(missing);
    for unit in units {
        let here: Vec<&Evaluated> = evaluated
            .iter()
            .filter(|e| unit.has_school(map, e.school))
            .collect();
        if here.is_empty() {
            continue;
        }
        let mut f = Finding::new(rule, &unit, Comparison::AtMost, check.area_unit);
        let (mut count, mut failing, mut unknown, mut fixes) = (0.0, vec![], vec![], vec![]);
        for e in &here {
            let id = map.schools[e.school].id.clone();
            match &e.outcome {
                Outcome::Pass { .. } => {}
                Outcome::Fail { count: c, fix, .. } => {
                    count += c;
                    if let Some(x) = fix {
                        fixes.push(format!("{id}: {x}"));
                    }
                    failing.push(id);
                }
                Outcome::Unknown { reason } => unknown.push(format!("{id} ({reason})")),
            }
        }
        let indices: Vec<usize> = here.iter().map(|e| e.school).collect();
        f.note = area_note(&indices);
        if failing.is_empty() && !unknown.is_empty() {
            f.evidence.schools = sorted(
                here.iter()
                    .filter(|e| matches!(e.outcome, Outcome::Unknown { .. }))
                    .map(|e| map.schools[e.school].id.clone())
                    .collect(),
            );
            unknown.sort();
            f.not_evaluable(tr(
                ctx,
                format!(
                    "{} school(s) lack data: {}",
                    unknown.len(),
                    unknown.join("; ")
                ),
                format!("{} 所学校缺少数据：{}", unknown.len(), unknown.join("；")),
            ));
        } else {
            f.decide(count, 0.0);
            f.evidence.schools = sorted(failing);
            fixes.sort();
            if !fixes.is_empty() {
                f.fix = Some(fixes.join("; "));
            }
        }
        out.push(f);
    }
}

/// With school scope, whether school `i` is in the rule's `areas` (all when none are listed).
fn school_listed(rule: &Rule, ctx: &Context, i: usize) -> bool {
    if rule.areas.is_empty() {
        return true;
    }
    let map = ctx.map;
    let (c, t) = map.school_areas.get(i).copied().unwrap_or((None, None));
    let code_in = |code: Option<&String>| code.is_some_and(|x| rule.areas.contains(x));
    code_in(c.and_then(|c| map.counties.get(c)).map(|a| &a.code))
        || code_in(t.and_then(|t| map.townships.get(t)).map(|a| &a.code))
}
