//! School filters: which schools a rule counts.

use serde::{Deserialize, Serialize};

use crate::config::Language;
use crate::model::{Level, Ownership, School, Status};

/// Selects schools by their properties: every key given must match; keys left out match any
/// school. Written inline, e.g.
/// `filter = { levels = ["kindergarten"], ownership = "public", quality = true }`.
///
/// Nine-year schools are only selected when `nine_year` is listed: write
/// `levels = ["primary", "nine_year"]` to count them with primary schools.
///
/// A school whose flag is not given (`quality`, `inclusive`, `boarding` absent from the input)
/// neither matches nor fails: [`SchoolFilter::matches`] returns `None` and the rule decides
/// whether the unknown matters. A public school without `inclusive` counts as inclusive (普惠):
/// public kindergartens are 普惠 by definition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolFilter {
    /// Levels (`kindergarten`, `primary`, `junior`, `nine_year`, `senior`, `special`,
    /// `vocational`); empty: any.
    #[serde(default)]
    pub levels: Vec<Level>,
    /// `public` or `private`.
    pub ownership: Option<Ownership>,
    /// 普惠 flag.
    pub inclusive: Option<bool>,
    /// Quality flag.
    pub quality: Option<bool>,
    /// Boarding flag.
    pub boarding: Option<bool>,
    /// Statuses; empty: the open ones (`existing` and `planned`).
    #[serde(default)]
    pub status: Vec<Status>,
}

impl SchoolFilter {
    /// `Some(true)` when the school matches, `Some(false)` when a known property rules it out,
    /// `None` when it would match but a flag the filter needs is not given.
    pub fn matches(&self, s: &School) -> Option<bool> {
        if !self.levels.is_empty() && !self.levels.contains(&s.level) {
            return Some(false);
        }
        if self.ownership.is_some_and(|o| o != s.ownership) {
            return Some(false);
        }
        let status_ok = if self.status.is_empty() {
            s.is_open()
        } else {
            self.status.contains(&s.status)
        };
        if !status_ok {
            return Some(false);
        }
        let inclusive = s
            .inclusive
            .or((s.ownership == Ownership::Public).then_some(true));
        let mut unknown = false;
        for (want, have) in [
            (self.inclusive, inclusive),
            (self.quality, s.quality),
            (self.boarding, s.boarding),
        ] {
            match (want, have) {
                (Some(w), Some(h)) if w != h => return Some(false),
                (Some(_), None) => unknown = true,
                _ => {}
            }
        }
        if unknown {
            None
        } else {
            Some(true)
        }
    }

    /// The flags this filter needs that the school does not give (for `not_evaluable` reasons).
    pub fn missing_flags(&self, s: &School) -> Vec<&'static str> {
        let mut out = Vec::new();
        let public = s.ownership == Ownership::Public;
        if self.inclusive.is_some() && s.inclusive.is_none() && !public {
            out.push("inclusive");
        }
        if self.quality.is_some() && s.quality.is_none() {
            out.push("quality");
        }
        if self.boarding.is_some() && s.boarding.is_none() {
            out.push("boarding");
        }
        out
    }

    /// A short description such as "quality public kindergarten" / "优质公办幼儿园".
    pub fn describe(&self, language: Language) -> String {
        let zh = language == Language::Zh;
        let mut words: Vec<String> = Vec::new();
        let flag = |v: Option<bool>, en: &str, zh_yes: &str, zh_no: &str| -> Option<String> {
            v.map(|b| match (zh, b) {
                (true, true) => zh_yes.to_string(),
                (true, false) => zh_no.to_string(),
                (false, true) => en.to_string(),
                (false, false) => format!("non-{en}"),
            })
        };
        words.extend(flag(self.quality, "quality", "优质", "非优质"));
        words.extend(flag(self.inclusive, "inclusive", "普惠", "非普惠"));
        words.extend(flag(self.boarding, "boarding", "寄宿制", "非寄宿制"));
        if let Some(o) = self.ownership {
            words.push(match (zh, o) {
                (true, Ownership::Public) => "公办".into(),
                (true, Ownership::Private) => "民办".into(),
                (false, o) => o.name().into(),
            });
        }
        let levels = if self.levels.is_empty() {
            if zh {
                "学校".to_string()
            } else {
                "school".to_string()
            }
        } else if zh {
            self.levels
                .iter()
                .map(|l| l.name_zh())
                .collect::<Vec<_>>()
                .join("或")
        } else {
            self.levels
                .iter()
                .map(|l| l.name().replace('_', "-"))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        words.push(levels);
        words.join(if zh { "" } else { " " })
    }
}
