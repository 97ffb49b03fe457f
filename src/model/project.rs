//! What a build project does to the school map: a new school (新建) or an existing school
//! expanded (改扩建). One type for the rules' build programmes, the proposals and the report.

use serde::{Deserialize, Serialize};

/// New build or expansion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    /// 新建: a new school (on a candidate site).
    New,
    /// 改扩建: an existing school expanded.
    Expansion,
}

impl ProjectKind {
    /// The name used in files: `new` or `expansion`.
    pub fn name(self) -> &'static str {
        match self {
            ProjectKind::New => "new",
            ProjectKind::Expansion => "expansion",
        }
    }
}
