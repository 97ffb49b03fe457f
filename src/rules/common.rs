//! The keys every rule has, the scopes, and parsing `[[rules]]` tables into [`Rule`]s.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::doc;
use super::kinds::{
    BalanceCv, BoardingReach, BuildProgramme, MaxClassSize, MaxSchoolSize, MinCount, MinCoverage,
    MinSeats, MinShare, MinUtilisation, ResourceMinimum, WithinReach,
};
use crate::config::Sourced;
use crate::error::{Error, Result};
use crate::model::AreaKind;

/// What a rule is checked over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The whole map (全市).
    City,
    /// The union of the counties listed in `areas` (e.g. 中心城区), named by `area_name`.
    AreaSet,
    /// Each county (区/县).
    County,
    /// Each township (乡/镇/街道), optionally only some kinds (`township_kinds`).
    Township,
    /// Each school.
    School,
}

impl Scope {
    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Scope::City => "city",
            Scope::AreaSet => "area_set",
            Scope::County => "county",
            Scope::Township => "township",
            Scope::School => "school",
        }
    }
}

/// A parsed rule: the common keys and the kind's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Unique id, e.g. `K1`.
    pub id: String,
    /// Chinese title.
    pub title_zh: String,
    /// English title.
    pub title_en: String,
    /// Plan clause, e.g. `四(八)1`.
    pub clause: String,
    /// The clause's words, when given.
    pub quote: Option<String>,
    /// What the rule is checked over.
    pub scope: Scope,
    /// Area codes the rule is restricted to (empty: all); for [`Scope::AreaSet`], the set.
    pub areas: Vec<String>,
    /// Name of the area set.
    pub area_name: Option<String>,
    /// With [`Scope::Township`]: the township kinds checked (empty: all).
    pub township_kinds: Vec<AreaKind>,
    /// The kind and its parameters.
    pub check: Check,
    /// The file that declared the rule.
    pub file: PathBuf,
    /// Position of the rule among the `[[rules]]` of that file (0-based).
    pub index: usize,
}

/// A rule kind with its parameters (one variant per kind; see [`super::registry`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// `min_count`.
    MinCount(MinCount),
    /// `min_share`.
    MinShare(MinShare),
    /// `min_coverage`.
    MinCoverage(MinCoverage),
    /// `min_seats`.
    MinSeats(MinSeats),
    /// `max_class_size`.
    MaxClassSize(MaxClassSize),
    /// `max_school_size`.
    MaxSchoolSize(MaxSchoolSize),
    /// `balance_cv`.
    BalanceCv(BalanceCv),
    /// `resource_minimum`.
    ResourceMinimum(ResourceMinimum),
    /// `build_programme`.
    BuildProgramme(BuildProgramme),
    /// `boarding_reach`.
    BoardingReach(BoardingReach),
    /// `min_utilisation`.
    MinUtilisation(MinUtilisation),
    /// `within_reach`.
    WithinReach(WithinReach),
}

impl Check {
    /// The kind's name as written in `kind = "…"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Check::MinCount(_) => "min_count",
            Check::MinShare(_) => "min_share",
            Check::MinCoverage(_) => "min_coverage",
            Check::MinSeats(_) => "min_seats",
            Check::MaxClassSize(_) => "max_class_size",
            Check::MaxSchoolSize(_) => "max_school_size",
            Check::BalanceCv(_) => "balance_cv",
            Check::ResourceMinimum(_) => "resource_minimum",
            Check::BuildProgramme(_) => "build_programme",
            Check::BoardingReach(_) => "boarding_reach",
            Check::MinUtilisation(_) => "min_utilisation",
            Check::WithinReach(_) => "within_reach",
        }
    }

    fn validate(&self) -> std::result::Result<(), String> {
        match self {
            Check::MinCount(p) => p.validate(),
            Check::MinShare(p) => p.validate(),
            Check::MinCoverage(p) => p.validate(),
            Check::MinSeats(p) => p.validate(),
            Check::MaxClassSize(p) => p.validate(),
            Check::MaxSchoolSize(p) => p.validate(),
            Check::BalanceCv(p) => p.validate(),
            Check::ResourceMinimum(p) => p.validate(),
            Check::BuildProgramme(p) => p.validate(),
            Check::BoardingReach(p) => p.validate(),
            Check::MinUtilisation(p) => p.validate(),
            Check::WithinReach(p) => p.validate(),
        }
    }
}

/// Keys every rule may have; the rest belong to the kind.
const COMMON_KEYS: [&str; 10] = [
    "id",
    "kind",
    "title_zh",
    "title_en",
    "clause",
    "quote",
    "scope",
    "areas",
    "area_name",
    "township_kinds",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommonFile {
    id: String,
    kind: String,
    title_zh: String,
    title_en: String,
    clause: String,
    quote: Option<String>,
    scope: Scope,
    #[serde(default)]
    areas: Vec<String>,
    area_name: Option<String>,
    #[serde(default)]
    township_kinds: Vec<AreaKind>,
}

/// Parses every rule; ids must be unique.
pub(crate) fn parse_all(rules: &[Sourced]) -> Result<Vec<Rule>> {
    let mut out: Vec<Rule> = Vec::with_capacity(rules.len());
    let mut seen = BTreeSet::new();
    for (i, sourced) in rules.iter().enumerate() {
        let index = rules[..i].iter().filter(|r| r.file == sourced.file).count();
        let rule = parse_one(sourced, index)?;
        if !seen.insert(rule.id.clone()) {
            return Err(rule_error(
                sourced,
                index,
                Some(&rule.id),
                "`id`: another rule has the same id".into(),
            ));
        }
        out.push(rule);
    }
    Ok(out)
}

fn rule_error(sourced: &Sourced, index: usize, id: Option<&str>, message: String) -> Error {
    let who = match id {
        Some(id) => format!("[[rules]] #{} (id {id:?})", index + 1),
        None => format!("[[rules]] #{}", index + 1),
    };
    Error::Scenario {
        file: sourced.file.clone(),
        message: format!("{who}: {message}"),
    }
}

fn from_table<T: DeserializeOwned>(table: toml::Table) -> std::result::Result<T, String> {
    toml::Value::Table(table).try_into::<T>().map_err(|e| {
        // Display is "message\nin `key.path`" when the error is inside a key.
        let text = e.to_string();
        match text.trim_end().rsplit_once("\nin `") {
            Some((msg, key)) => format!("`{}`: {}", key.trim_end_matches('`'), msg.trim()),
            None => text.trim().to_string(),
        }
    })
}

/// Parses one `[[rules]]` table.
pub(crate) fn parse_one(sourced: &Sourced, index: usize) -> Result<Rule> {
    let id = sourced.table.get("id").and_then(|v| v.as_str());
    let err = |m: String| rule_error(sourced, index, id, m);
    let (mut common, mut params) = (toml::Table::new(), toml::Table::new());
    for (k, v) in &sourced.table {
        if COMMON_KEYS.contains(&k.as_str()) {
            common.insert(k.clone(), v.clone());
        } else {
            params.insert(k.clone(), v.clone());
        }
    }
    let c: CommonFile = from_table(common).map_err(&err)?;
    let Some(kind_doc) = doc::kind_doc(&c.kind) else {
        let names: Vec<&str> = doc::registry().iter().map(|d| d.kind).collect();
        return Err(err(format!(
            "`kind`: unknown rule kind {:?}; expected one of {}",
            c.kind,
            names.join(", ")
        )));
    };
    let check = parse_check(&c.kind, params).map_err(|m| {
        err(format!(
            "{m} (kind `{}`; every rule may also have {})",
            c.kind,
            COMMON_KEYS.map(|k| format!("`{k}`")).join(", ")
        ))
    })?;
    check.validate().map_err(&err)?;
    if !kind_doc.scopes.contains(&c.scope) {
        let names: Vec<&str> = kind_doc.scopes.iter().map(|s| s.name()).collect();
        return Err(err(format!(
            "`scope`: kind `{}` cannot be checked at scope {:?}; expected one of {}",
            c.kind,
            c.scope.name(),
            names.join(", ")
        )));
    }
    if c.scope == Scope::AreaSet && c.areas.is_empty() {
        return Err(err(
            "`areas`: `scope = \"area_set\"` needs the county codes of the set".into(),
        ));
    }
    if !c.township_kinds.is_empty() && c.scope != Scope::Township {
        return Err(err(
            "`township_kinds`: only meaningful with `scope = \"township\"`".into(),
        ));
    }
    Ok(Rule {
        id: c.id,
        title_zh: c.title_zh,
        title_en: c.title_en,
        clause: c.clause,
        quote: c.quote,
        scope: c.scope,
        areas: c.areas,
        area_name: c.area_name,
        township_kinds: c.township_kinds,
        check,
        file: sourced.file.clone(),
        index,
    })
}

fn parse_check(kind: &str, params: toml::Table) -> std::result::Result<Check, String> {
    Ok(match kind {
        "min_count" => Check::MinCount(from_table(params)?),
        "min_share" => Check::MinShare(from_table(params)?),
        "min_coverage" => Check::MinCoverage(from_table(params)?),
        "min_seats" => Check::MinSeats(from_table(params)?),
        "max_class_size" => Check::MaxClassSize(from_table(params)?),
        "max_school_size" => Check::MaxSchoolSize(from_table(params)?),
        "balance_cv" => Check::BalanceCv(from_table(params)?),
        "resource_minimum" => Check::ResourceMinimum(from_table(params)?),
        "build_programme" => Check::BuildProgramme(from_table(params)?),
        "boarding_reach" => Check::BoardingReach(from_table(params)?),
        "min_utilisation" => Check::MinUtilisation(from_table(params)?),
        "within_reach" => Check::WithinReach(from_table(params)?),
        other => return Err(format!("unknown rule kind {other:?}")),
    })
}

/// Checks that `x` is a finite number in `[lo, hi]`, naming the key.
pub(crate) fn check_range(key: &str, x: f64, lo: f64, hi: f64) -> std::result::Result<(), String> {
    if x.is_finite() && x >= lo && x <= hi {
        Ok(())
    } else {
        Err(format!(
            "`{key}`: expected a number in [{lo}, {hi}], found {x}"
        ))
    }
}

/// Checks that `x` is a finite number ≥ 0, naming the key.
pub(crate) fn check_non_negative(key: &str, x: f64) -> std::result::Result<(), String> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err(format!("`{key}`: expected a finite number ≥ 0, found {x}"))
    }
}
