//! Findings: the result of checking one rule over one area or school, with its evidence.

use serde::{Deserialize, Serialize, Serializer};

use super::common::{Rule, Scope};
use super::project::ProjectGap;
use super::scope::Unit;
use crate::model::Map;

/// Outcome of a check (also the status the report module shows and reads back from
/// `summary.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// The rule fails (listed first in tables).
    Fail,
    /// Data the rule needs are missing; `reason` says which.
    NotEvaluable,
    /// The rule holds.
    Pass,
}

impl FindingStatus {
    /// `pass`, `fail` or `not_evaluable`.
    pub fn name(self) -> &'static str {
        match self {
            FindingStatus::Pass => "pass",
            FindingStatus::Fail => "fail",
            FindingStatus::NotEvaluable => "not_evaluable",
        }
    }
}

/// How the measured value is compared with the threshold. Both bounds are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// `>=`: passes when measured ≥ threshold.
    AtLeast,
    /// `<=`: passes when measured ≤ threshold.
    AtMost,
    /// `==`: passes when measured = threshold.
    Exactly,
}

/// Relative tolerance absorbing floating-point rounding in comparisons.
const TOLERANCE: f64 = 1e-9;

impl Comparison {
    /// `>=`, `<=` or `==`.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => ">=",
            Comparison::AtMost => "<=",
            Comparison::Exactly => "==",
        }
    }

    /// Whether `measured` passes against `threshold` (inclusive, relative tolerance 1e-9).
    pub fn holds(self, measured: f64, threshold: f64) -> bool {
        let eps = TOLERANCE * threshold.abs().max(1.0);
        match self {
            Comparison::AtLeast => measured >= threshold - eps,
            Comparison::AtMost => measured <= threshold + eps,
            Comparison::Exactly => (measured - threshold).abs() <= eps,
        }
    }
}

impl Serialize for Comparison {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.symbol())
    }
}

/// What a finding rests on.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// Ids of the schools concerned (failing, lacking data, or counted), sorted.
    pub schools: Vec<String>,
    /// Codes of the areas concerned, sorted.
    pub areas: Vec<String>,
    /// Ids of the population cells concerned (e.g. uncovered), sorted.
    pub cells: Vec<String>,
    /// The population concerned (pupils or residents, see the kind), when it applies.
    pub population: Option<f64>,
}

/// The result of checking one rule over one area or school.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Rule id.
    pub rule_id: String,
    /// Chinese title of the rule.
    pub title_zh: String,
    /// English title of the rule.
    pub title_en: String,
    /// Plan clause.
    pub clause: String,
    /// Rule kind.
    pub kind: String,
    /// Scope of the rule.
    pub scope: Scope,
    /// Code of the area checked (county or township code; the codes of an area set joined by
    /// `+`); `None` for the city; for a school, the code of its county.
    pub area_code: Option<String>,
    /// Name of the area checked (or of the school's county).
    pub area_name: Option<String>,
    /// The school checked, for school scope.
    pub school_id: Option<String>,
    /// Pass, fail or not evaluable.
    pub status: FindingStatus,
    /// The measured value (`None` when it could not be measured).
    pub measured: Option<f64>,
    /// How `measured` is compared with `threshold`.
    pub comparison: Comparison,
    /// The threshold.
    pub threshold: Option<f64>,
    /// Unit of `measured` and `threshold` (`schools`, `share`, `pupils`, `seats`, `classes`, …).
    pub unit: String,
    /// What the finding rests on.
    pub evidence: Evidence,
    /// Why the rule could not be evaluated (status `not_evaluable`).
    pub reason: Option<String>,
    /// What would fix a failure, when the tool can tell.
    pub fix: Option<String>,
    /// Further measurements (e.g. the 66+ classes, each indicator's coefficient of variation).
    pub note: Option<String>,
    /// Build projects counted, with the gap each closes (`build_programme` only).
    pub projects: Vec<ProjectGap>,
}

impl Finding {
    /// A finding of `rule` over `unit`, not yet decided (status not evaluable, nothing measured).
    pub(crate) fn new(rule: &Rule, unit: &Unit, comparison: Comparison, unit_name: &str) -> Self {
        Finding {
            rule_id: rule.id.clone(),
            title_zh: rule.title_zh.clone(),
            title_en: rule.title_en.clone(),
            clause: rule.clause.clone(),
            kind: rule.check.kind().to_string(),
            scope: rule.scope,
            area_code: unit.code.clone(),
            area_name: unit.name.clone(),
            school_id: None,
            status: FindingStatus::NotEvaluable,
            measured: None,
            comparison,
            threshold: None,
            unit: unit_name.to_string(),
            evidence: Evidence::default(),
            reason: None,
            fix: None,
            note: None,
            projects: Vec::new(),
        }
    }

    /// A finding of `rule` about school `i` (its county as the area).
    pub(crate) fn for_school(
        rule: &Rule,
        map: &Map,
        i: usize,
        comparison: Comparison,
        unit_name: &str,
    ) -> Self {
        let county = map
            .school_areas
            .get(i)
            .and_then(|a| a.0)
            .and_then(|c| map.counties.get(c));
        let unit = Unit {
            sel: super::scope::Sel::City,
            code: county.map(|c| c.code.clone()),
            name: county.map(|c| c.name.clone()),
        };
        let mut f = Finding::new(rule, &unit, comparison, unit_name);
        f.school_id = Some(map.schools[i].id.clone());
        f
    }

    /// Sets measured value, threshold and the status they give.
    pub(crate) fn decide(&mut self, measured: f64, threshold: f64) {
        self.measured = Some(measured);
        self.threshold = Some(threshold);
        self.status = if self.comparison.holds(measured, threshold) {
            FindingStatus::Pass
        } else {
            FindingStatus::Fail
        };
    }

    /// Marks the finding not evaluable with `reason`.
    pub(crate) fn not_evaluable(&mut self, reason: impl Into<String>) {
        self.status = FindingStatus::NotEvaluable;
        self.reason = Some(reason.into());
    }
}

/// Order of findings within a rule: by area code (the city first), then school id.
pub(crate) fn order_key(f: &Finding) -> (Option<&str>, Option<&str>) {
    (f.area_code.as_deref(), f.school_id.as_deref())
}
