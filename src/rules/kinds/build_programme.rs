//! `build_programme`: the planned projects inside an area match the programme's counts.

use serde::Deserialize;

use super::{tr, Context};
use crate::model::Level;
use crate::rules::common::{Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::finding::{Comparison, Finding, FindingStatus};
use crate::rules::project::{Project, ProjectGap, ProjectKind};
use crate::rules::scope::{self, sorted, Unit};

/// One line of a programme: `count` projects of `project` kind for `level` schools.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectRequirement {
    /// School level (`nine_year` is its own level here).
    pub level: Level,
    /// `new` or `expansion`.
    pub project: ProjectKind,
    /// Required number of projects.
    pub count: u32,
}

/// Parameters of `build_programme`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildProgramme {
    /// The programme.
    pub require: Vec<ProjectRequirement>,
    /// Require exactly the counts (default true); false: at least.
    #[serde(default = "yes")]
    pub exact: bool,
}

fn yes() -> bool {
    true
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "build_programme",
    summary: "the scenario's build projects inside an area match a programme (new builds and expansions per level)",
    what: "Counts the projects of each (level, new / expansion) line of `require` that lie inside \
the area: the scenario's schools with `status = \"planned\"` (new builds) and open schools with \
`added_classes > 0` (expansions), plus the projects passed in by the caller (the optimiser's \
proposals). One finding per line, listing the projects with the gap each closes: `newly_covered` \
(demand newly within the radius; measured for planned schools under straight-line distance, \
otherwise supplied by the caller) and `seats_added`.",
    why: "The plan fixes the central district's programme (四(二)2: 2 new and 4 expanded primary \
schools, 3 new and 1 expanded junior schools, 1 new nine-year school, P1). A scenario for the plan \
must contain exactly that programme, inside the central district, and each project should close a \
measured gap.",
    scopes: &[Scope::AreaSet, Scope::City, Scope::County],
    parameters: &[
        ParamDoc { name: "require", ty: "array of { level, project = \"new\" | \"expansion\", count }", default: "", meaning: "the programme" },
        ParamDoc { name: "exact", ty: "bool", default: "true", meaning: "require exactly `count` (false: at least)" },
    ],
    threshold: "measured = projects counted, threshold = `count`, unit `projects`, `==` with \
`exact` (else `>=`, inclusive).",
    missing_data: "A project whose county is unknown (outside every county) could be inside the \
area: if counting it would change the outcome, the finding is not_evaluable naming it.",
    used_by: "P1 (area_set = 新抚区, 东洲区, 望花区, 顺城区)",
    example: r#"
[[rules]]
id = "P1"
kind = "build_programme"
title_zh = "中心城区中小学建设项目"
title_en = "Central district school building programme"
clause = "四(二)2"
scope = "area_set"
areas = ["210402", "210403", "210404", "210411"]
area_name = "中心城区"
require = [
  { level = "primary", project = "new", count = 2 },
  { level = "primary", project = "expansion", count = 4 },
]
"#,
};

impl BuildProgramme {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.require.is_empty() {
            return Err("`require`: expected at least one line".into());
        }
        Ok(())
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
        let (units, missing) = scope::units(rule, ctx.map);
        out.extend(missing);
        for unit in units {
            for req in &self.require {
                out.push(self.line(rule, ctx, &unit, req));
            }
        }
    }

    fn line(&self, rule: &Rule, ctx: &Context, unit: &Unit, req: &ProjectRequirement) -> Finding {
        let cmp = if self.exact {
            Comparison::Exactly
        } else {
            Comparison::AtLeast
        };
        let mut f = Finding::new(rule, unit, cmp, "projects");
        let of_line = |p: &&Project| p.level == req.level && p.kind == req.project;
        let inside: Vec<&Project> = ctx
            .projects
            .iter()
            .filter(of_line)
            .filter(|p| p.county.is_some() && unit.has(p.county, None))
            .collect();
        let unlocated: Vec<&Project> = match unit.sel {
            scope::Sel::City => Vec::new(),
            _ => ctx
                .projects
                .iter()
                .filter(of_line)
                .filter(|p| p.county.is_none())
                .collect(),
        };
        let n = inside.len() as f64;
        let want = req.count as f64;
        f.projects = inside.iter().map(|p| ProjectGap::from(*p)).collect();
        f.evidence.schools = sorted(inside.iter().map(|p| p.id.clone()).collect());
        let line = format!("{} {}", req.project.name(), req.level);
        let line_zh = format!(
            "{}{}",
            match req.project {
                ProjectKind::New => "新建",
                ProjectKind::Expansion => "改扩建",
            },
            req.level.name_zh()
        );
        f.note = Some(line.clone());
        let with_all = n + unlocated.len() as f64;
        if !unlocated.is_empty() && cmp.holds(n, want) != cmp.holds(with_all, want) {
            f.measured = Some(n);
            f.threshold = Some(want);
            let ids = sorted(unlocated.iter().map(|p| p.id.clone()).collect());
            f.not_evaluable(tr(
                ctx,
                format!(
                    "{line}: project(s) outside every county: {}",
                    ids.join(", ")
                ),
                format!("{line_zh}：项目不在任何县区内：{}", ids.join("，")),
            ));
            return f;
        }
        f.decide(n, want);
        if f.status == FindingStatus::Fail {
            let diff = want - n;
            let name = unit.label();
            f.fix = Some(if diff > 0.0 {
                tr(
                    ctx,
                    format!("add {} {line} project(s) in {name}", diff as i64),
                    format!("在{name}增加{line_zh}项目 {} 个", diff as i64),
                )
            } else {
                tr(
                    ctx,
                    format!(
                        "{} {line} project(s) more than the programme in {name}",
                        -diff as i64
                    ),
                    format!("{name}{line_zh}项目比规划多 {} 个", -diff as i64),
                )
            });
        }
        f
    }
}
