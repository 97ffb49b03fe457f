//! `max_class_size`: no class of N pupils or more (大班额), very large classes flagged apart.

use serde::Deserialize;

use super::{num, report_schools, tr, Context, Evaluated, Outcome, SchoolCheck};
use crate::model::Level;
use crate::rules::common::{Rule, Scope};
use crate::rules::doc::{ParamDoc, RuleKindDoc};
use crate::rules::filter::SchoolFilter;
use crate::rules::finding::{Comparison, Finding};

/// Parameters of `max_class_size`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxClassSize {
    /// Schools checked (default: every open school).
    #[serde(default)]
    pub filter: SchoolFilter,
    /// A class of this many pupils or more is large (大班额; default 56).
    #[serde(default = "default_large")]
    pub large_from: u32,
    /// A class of this many pupils or more is very large (超大班额; default 66), counted apart.
    #[serde(default = "default_very_large")]
    pub very_large_from: u32,
    /// Standard class size for the share of classes over standard (default: the scenario's
    /// `class_size` of the school's level; nine-year schools use primary's).
    pub standard: Option<u32>,
}

fn default_large() -> u32 {
    56
}

fn default_very_large() -> u32 {
    66
}

pub(crate) const DOC: RuleKindDoc = RuleKindDoc {
    kind: "max_class_size",
    summary: "no class of `large_from` pupils or more (大班额); very large classes counted apart",
    what:
        "Reads each school's `class_sizes` and counts the classes with `large_from` (56) pupils or \
more, and among them those with `very_large_from` (66) or more. Also reports the share of classes \
above the standard class size (GB 50099-2011: 45 primary, 50 junior and senior).",
    why: "Eliminating classes of 56+ was a national target for 2020 that the plan reports as met \
(P3); a map of where large classes persist shows which schools need relief seats.",
    scopes: &[
        Scope::School,
        Scope::City,
        Scope::AreaSet,
        Scope::County,
        Scope::Township,
    ],
    parameters: &[
        ParamDoc {
            name: "filter",
            ty: "filter",
            default: "every open school",
            meaning: "schools checked",
        },
        ParamDoc {
            name: "large_from",
            ty: "integer",
            default: "56",
            meaning: "class size from which a class is large",
        },
        ParamDoc {
            name: "very_large_from",
            ty: "integer",
            default: "66",
            meaning: "class size from which a class is very large",
        },
        ParamDoc {
            name: "standard",
            ty: "integer",
            default: "the level's `class_size`",
            meaning: "standard class size for the share over standard",
        },
    ],
    threshold: "School scope: measured = the largest class, threshold = `large_from` − 1, `<=`: a \
class of 55 passes, 56 fails (\"56+\" is inclusive of 56). Area scopes: measured = number of large \
classes, threshold 0, `<=`. Notes give the very large classes and the share over standard.",
    missing_data: "A school without `class_sizes` is not_evaluable (an empty list is known: no \
classes, e.g. a planned school); an area passes only when every \
school of it has class sizes, and fails as soon as a known class is large.",
    used_by: "P3",
    example: r#"
[[rules]]
id = "P3"
kind = "max_class_size"
title_zh = "消除56人以上大班额"
title_en = "No class of 56 pupils or more"
clause = "一"
scope = "county"
filter = { levels = ["primary", "junior", "nine_year", "senior"] }
large_from = 56
very_large_from = 66
"#,
};

impl MaxClassSize {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.large_from == 0 {
            return Err("`large_from`: expected an integer ≥ 1".into());
        }
        if self.very_large_from < self.large_from {
            return Err("`very_large_from`: expected ≥ `large_from`".into());
        }
        Ok(())
    }

    fn standard_for(&self, ctx: &Context, level: Level) -> Option<u32> {
        let service = if level == Level::NineYear {
            Level::Primary
        } else {
            level
        };
        self.standard.or_else(|| {
            ctx.scenario
                .level(service)
                .map(|l| l.class_size.round() as u32)
        })
    }

    pub(crate) fn evaluate(&self, rule: &Rule, ctx: &Context, out: &mut Vec<Finding>) {
        let map = ctx.map;
        let mut evaluated: Vec<Evaluated> = Vec::new();
        for (i, s) in map.schools.iter().enumerate() {
            if self.filter.matches(s) != Some(true) {
                continue;
            }
            let Some(sizes) = s.class_sizes.as_ref() else {
                let reason = tr(
                    ctx,
                    "no class_sizes".into(),
                    "缺少 class_sizes（各班人数）".into(),
                );
                evaluated.push(Evaluated::new(i, Outcome::Unknown { reason }, None));
                continue;
            };
            let (large, very, over, max) = self.counts(ctx, s.level, sizes);
            let note = Some(self.note(ctx, large, very, over, sizes.len()));
            let measured = max as f64;
            let outcome = if large > 0 {
                Outcome::Fail {
                    measured,
                    count: large as f64,
                    fix: Some(tr(
                        ctx,
                        format!(
                            "{large} class(es) of {}+ pupils: split them or add seats",
                            self.large_from
                        ),
                        format!(
                            "{large} 个 {} 人以上大班额：分班或增加学位",
                            self.large_from
                        ),
                    )),
                }
            } else {
                Outcome::Pass { measured }
            };
            evaluated.push(Evaluated::new(i, outcome, note));
        }
        let check = SchoolCheck {
            threshold: self.large_from as f64 - 1.0,
            comparison: Comparison::AtMost,
            unit: "pupils",
            area_unit: "classes",
        };
        let area_note = |idx: &[usize]| {
            let (mut large, mut very, mut over, mut n) = (0, 0, 0, 0);
            for &i in idx {
                let s = &map.schools[i];
                if let Some(sizes) = &s.class_sizes {
                    let (l, v, o, _) = self.counts(ctx, s.level, sizes);
                    (large, very, over, n) = (large + l, very + v, over + o, n + sizes.len());
                }
            }
            (n > 0).then(|| self.note(ctx, large, very, over, n))
        };
        report_schools(rule, ctx, &check, evaluated, &area_note, out);
    }

    /// (large, very large, over standard, largest) for one school's classes.
    fn counts(&self, ctx: &Context, level: Level, sizes: &[u32]) -> (usize, usize, usize, u32) {
        let standard = self.standard_for(ctx, level);
        let large = sizes.iter().filter(|&&c| c >= self.large_from).count();
        let very = sizes.iter().filter(|&&c| c >= self.very_large_from).count();
        let over = standard.map_or(0, |st| sizes.iter().filter(|&&c| c > st).count());
        (large, very, over, sizes.iter().copied().max().unwrap_or(0))
    }

    fn note(&self, ctx: &Context, large: usize, very: usize, over: usize, n: usize) -> String {
        let share = if n > 0 { over as f64 / n as f64 } else { 0.0 };
        tr(
            ctx,
            format!(
                "{large} large ({}+), {very} very large ({}+), {over} of {n} classes over standard ({})",
                self.large_from, self.very_large_from, num(share)
            ),
            format!(
                "大班额（{}+）{large} 个，超大班额（{}+）{very} 个，超过标准班额 {over} / {n} 个班（{}）",
                self.large_from, self.very_large_from, num(share)
            ),
        )
    }
}
