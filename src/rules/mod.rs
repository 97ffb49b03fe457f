//! Rules: the plan's siting rules as data, checked against a map and its coverage, with evidence.
//!
//! A scenario (or a preset it `include`s) declares rules as `[[rules]]` tables. Each rule is an
//! instance of a generic, parameterised **rule kind** (see [`registry`] and `schoolplan rules`):
//! the Fushun plan's "every township has ≥ 1 quality public kindergarten" is a `min_count` rule
//! with a school filter, a township scope and a threshold of 1, not code.
//!
//! ```toml
//! [[rules]]
//! id = "K1"
//! kind = "min_count"
//! title_zh = "每个乡镇至少办好1所优质公办中心幼儿园"
//! title_en = "Every rural township has at least one quality public kindergarten"
//! clause = "四(八)1"
//! quote = "每个乡镇至少办好1所优质公办中心幼儿园"
//! scope = "township"
//! township_kinds = ["town", "township"]
//! filter = { levels = ["kindergarten"], ownership = "public", quality = true }
//! min = 1
//! ```
//!
//! ## Keys every rule has
//!
//! | key | required | meaning |
//! | --- | --- | --- |
//! | `id` | yes | unique id (e.g. `K1`); a scenario's rule replaces a base rule with the same id |
//! | `kind` | yes | the rule kind (`schoolplan rules` lists them) |
//! | `title_zh`, `title_en` | yes | titles shown in reports |
//! | `clause` | yes | the plan clause, e.g. `四(八)1` |
//! | `quote` | no | the clause's words, quoted |
//! | `scope` | yes | `city`, `area_set` (the union of the counties in `areas`), `county`, `township` or `school`; each kind lists the scopes it accepts |
//! | `areas` | no | county or township codes: only these areas are checked (a township is in when its own or its county's code is listed); for `area_set`, the counties that form the set |
//! | `area_name` | no | name of the `area_set` (e.g. `中心城区`) |
//! | `township_kinds` | no | with `scope = "township"`: only townships of these kinds (`street`, `town`, `township`) |
//!
//! Unknown keys are an error naming the key, the rule and the file.
//!
//! ## Findings
//!
//! [`evaluate`] gives one [`Finding`] per rule and area (or school): `pass`, `fail` or
//! `not_evaluable`. Missing data never passes silently: when a school lacks a flag or a figure
//! the rule needs, the rule is decided only if the known data already decide it (for example a
//! township with one known quality public kindergarten passes `min = 1` whatever the unknown
//! schools are); otherwise the finding is `not_evaluable` with a reason and the schools
//! concerned. Areas a rule does not apply to (a county under the population condition of a
//! `min_count` rule, an area without demand of a level) give no finding. Findings come in rule
//! order, then by area code (or school id).
//!
//! **Thresholds are inclusive**: `>=` passes at exactly the threshold and `<=` too (a share of
//! exactly 0.50 passes `min = 0.5`; a school of exactly 2000 pupils passes `max = 2000`); a
//! relative tolerance of 1e-9 absorbs floating-point rounding. Each kind's documentation says
//! what it compares.

mod common;
pub mod doc;
mod filter;
mod finding;
mod kinds;
mod output;
mod project;
mod scope;

pub use common::{Check, Rule, Scope};
pub use doc::{registry, render_kind_doc, render_kind_list, ParamDoc, RuleKindDoc};
pub use filter::SchoolFilter;
pub use finding::{Comparison, Evidence, Finding, FindingStatus};
pub use kinds::{
    BalanceCv, BoardingReach, BuildProgramme, ClusterBy, Indicator, MaxClassSize, MaxSchoolSize,
    MinCount, MinCoverage, MinSeats, MinShare, MinUtilisation, ProjectRequirement, ResourceMinimum,
    ShareOf, Target, UtilisationDemand, WithinReach,
};
pub use output::{findings_to_csv, findings_to_json, render_table, CSV_COLUMNS};
pub use project::{map_projects, Project, ProjectGap, ProjectKind};

use crate::config::Scenario;
use crate::coverage::Coverage;
use crate::error::Result;
use crate::model::Map;

/// Parses the scenario's `[[rules]]` tables into rules.
///
/// Errors name the file, the rule (its position among the rules of that file and its id) and
/// the key; rule ids must be unique.
pub fn parse_rules(scenario: &Scenario) -> Result<Vec<Rule>> {
    common::parse_all(&scenario.rules)
}

/// Everything a rule reads while it is evaluated.
pub(crate) struct Context<'a> {
    pub map: &'a Map,
    pub scenario: &'a Scenario,
    pub coverage: &'a Coverage,
    /// The scenario's own projects ([`map_projects`]) followed by the ones passed in.
    pub projects: Vec<Project>,
}

/// Parses the scenario's rules and checks every one of them.
///
/// `projects` are extra build projects (for example the optimiser's proposals) that
/// `build_programme` rules count alongside the scenario's own (schools with `status = "planned"`
/// and schools with `added_classes > 0`, see [`map_projects`]). Pass `&[]` when there are none.
pub fn evaluate(
    map: &Map,
    scenario: &Scenario,
    coverage: &Coverage,
    projects: &[Project],
) -> Result<Vec<Finding>> {
    let rules = parse_rules(scenario)?;
    Ok(evaluate_rules(&rules, map, scenario, coverage, projects))
}

/// Checks already-parsed rules (see [`evaluate`]).
pub fn evaluate_rules(
    rules: &[Rule],
    map: &Map,
    scenario: &Scenario,
    coverage: &Coverage,
    projects: &[Project],
) -> Vec<Finding> {
    let mut all = map_projects(map, scenario, coverage);
    all.extend(projects.iter().cloned());
    let ctx = Context {
        map,
        scenario,
        coverage,
        projects: all,
    };
    let mut out = Vec::new();
    for rule in rules {
        let mut found = Vec::new();
        kinds::evaluate(rule, &ctx, &mut found);
        if found.is_empty() {
            found.push(no_unit_finding(rule, &ctx));
        }
        found.sort_by(|a, b| finding::order_key(a).cmp(&finding::order_key(b)));
        out.extend(found);
    }
    out
}

/// The finding of a rule that found no unit to check (no area or school qualifies: no county
/// of the population condition, no residential area of the size, no school of the filter): a
/// `pass` over 0 units, so that no rule is ever silent.
fn no_unit_finding(rule: &Rule, ctx: &Context) -> Finding {
    let unit = scope::Unit {
        sel: scope::Sel::City,
        code: None,
        name: None,
    };
    let mut f = Finding::new(rule, &unit, Comparison::AtLeast, "units");
    f.status = FindingStatus::Pass;
    f.measured = Some(0.0);
    f.note = Some(kinds::tr(
        ctx,
        format!(
            "no {} qualifies for this rule: nothing to check (0 units)",
            rule.scope.name().replace('_', " ")
        ),
        "没有符合本规则条件的评估对象（0 个）".into(),
    ));
    f
}
