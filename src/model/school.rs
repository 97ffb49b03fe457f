//! Schools: levels, ownership, status and the figures rules need.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use geo::Coord;
use serde::{Deserialize, Serialize};

/// The kind of school, as the `level` property of the schools layer names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 幼儿园, ages 3–5.
    Kindergarten,
    /// 小学, ages 6–11.
    Primary,
    /// 初中, ages 12–14.
    Junior,
    /// 九年一贯制学校: serves both primary and junior.
    NineYear,
    /// 普通高中, ages 15–17.
    Senior,
    /// 特殊教育学校.
    Special,
    /// 中等职业学校.
    Vocational,
}

impl Level {
    /// Every level, in a fixed order.
    pub const ALL: [Level; 7] = [
        Level::Kindergarten,
        Level::Primary,
        Level::Junior,
        Level::NineYear,
        Level::Senior,
        Level::Special,
        Level::Vocational,
    ];

    /// The levels a scenario can measure coverage for (every level but `nine_year`, which is a
    /// kind of school, not a cohort).
    pub const SERVICE: [Level; 6] = [
        Level::Kindergarten,
        Level::Primary,
        Level::Junior,
        Level::Senior,
        Level::Special,
        Level::Vocational,
    ];

    /// The snake_case name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Level::Kindergarten => "kindergarten",
            Level::Primary => "primary",
            Level::Junior => "junior",
            Level::NineYear => "nine_year",
            Level::Senior => "senior",
            Level::Special => "special",
            Level::Vocational => "vocational",
        }
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Level::Kindergarten => "幼儿园",
            Level::Primary => "小学",
            Level::Junior => "初中",
            Level::NineYear => "九年一贯制学校",
            Level::Senior => "普通高中",
            Level::Special => "特殊教育学校",
            Level::Vocational => "中等职业学校",
        }
    }

    /// Whether a school of this level serves pupils of the `service` level: a nine-year school
    /// serves primary and junior; every other school serves its own level.
    pub fn serves(self, service: Level) -> bool {
        self == service
            || (self == Level::NineYear && matches!(service, Level::Primary | Level::Junior))
    }

    /// Years of schooling, used to split a nine-year school's seats between primary (6) and
    /// junior (3).
    pub fn years(self) -> u32 {
        match self {
            Level::Kindergarten => 3,
            Level::Primary => 6,
            Level::Junior => 3,
            Level::NineYear => 9,
            Level::Senior => 3,
            Level::Special => 9,
            Level::Vocational => 3,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Level {
    /// Parses a level as bureau tables write it: the file name (`primary`) or a Chinese name —
    /// 幼儿园 (幼儿园/学前/幼), 小学, 初中 (初级中学), 九年一贯制 (九年一贯制学校), 高中 (普通高中),
    /// 特殊教育 (特殊教育学校/特教/特校), 中职 (中等职业学校/职业高中/职高). Surrounding spaces are
    /// ignored.
    pub fn parse_alias(s: &str) -> Option<Level> {
        let s = s.trim();
        if let Some(l) = Level::ALL.into_iter().find(|l| l.name() == s) {
            return Some(l);
        }
        Some(match s {
            "幼儿园" | "学前" | "幼" => Level::Kindergarten,
            "小学" => Level::Primary,
            "初中" | "初级中学" => Level::Junior,
            "九年一贯制" | "九年一贯制学校" => Level::NineYear,
            "高中" | "普通高中" => Level::Senior,
            "特殊教育" | "特殊教育学校" | "特教" | "特校" => Level::Special,
            "中职" | "中等职业学校" | "职业高中" | "职高" => Level::Vocational,
            _ => return None,
        })
    }
}

impl FromStr for Level {
    type Err = String;
    /// See [`Level::parse_alias`]: English file names and Chinese names.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::parse_alias(s).ok_or_else(|| format!("unknown level {s:?}"))
    }
}

/// Who runs the school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ownership {
    /// 公办.
    Public,
    /// 民办.
    Private,
}

impl Ownership {
    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Ownership::Public => "public",
            Ownership::Private => "private",
        }
    }

    /// Parses `public` / `private` or the Chinese 公办 (公立) / 民办 (私立).
    pub fn parse_alias(s: &str) -> Option<Ownership> {
        match s.trim() {
            "public" | "公办" | "公立" => Some(Ownership::Public),
            "private" | "民办" | "私立" => Some(Ownership::Private),
            _ => None,
        }
    }
}

/// Whether the school operates.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Operating now.
    #[default]
    Existing,
    /// Planned or under construction: counts as open in plan scenarios.
    Planned,
    /// Closed: never serves demand.
    Closed,
}

impl Status {
    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Status::Existing => "existing",
            Status::Planned => "planned",
            Status::Closed => "closed",
        }
    }

    /// Parses `existing` / `planned` / `closed` or the Chinese 现状 (现有/已建) / 规划 (新建/拟建/在建)
    /// / 关闭 (撤并/停办).
    pub fn parse_alias(s: &str) -> Option<Status> {
        match s.trim() {
            "existing" | "现状" | "现有" | "已建" => Some(Status::Existing),
            "planned" | "规划" | "新建" | "拟建" | "在建" => Some(Status::Planned),
            "closed" | "关闭" | "撤并" | "停办" => Some(Status::Closed),
            _ => None,
        }
    }
}

/// A school, in local metres.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// Unique id (`id` property).
    pub id: String,
    /// Name (`name`), may be empty.
    pub name: String,
    /// Level (`level`).
    pub level: Level,
    /// Ownership (`ownership`).
    pub ownership: Ownership,
    /// 普惠 (`inclusive`): public kindergartens and inclusive private ones. `None` when not given.
    pub inclusive: Option<bool>,
    /// Quality flag (`quality`: 省级示范 / 优质 / 中心园 / 示范性高中). `None` when not given.
    pub quality: Option<bool>,
    /// Boarding school (`boarding`, 寄宿制). `None` when not given.
    pub boarding: Option<bool>,
    /// Status (`status`, default existing).
    pub status: Status,
    /// Seats (`capacity_seats`).
    pub capacity_seats: Option<f64>,
    /// Pupils enrolled (`enrolment`).
    pub enrolment: Option<f64>,
    /// Number of classes (`classes`).
    pub classes: Option<u32>,
    /// Classes a planned expansion adds (`added_classes`, 改扩建): an expansion project.
    pub added_classes: Option<u32>,
    /// Pupils in each class (`class_sizes`), for the large-class rule.
    pub class_sizes: Option<Vec<u32>>,
    /// Resource indicators for the balance test (properties `res_<name>`; absolute values,
    /// e.g. `res_teaching_area_m2`), keyed without the `res_` prefix.
    pub resources: BTreeMap<String, f64>,
    /// Marked `synthetic = true` in the input.
    pub synthetic: bool,
    /// Position in local metres.
    pub pos: Coord<f64>,
    /// Position in WGS 84 degrees, as loaded (after datum conversion).
    pub lonlat: Coord<f64>,
    /// Index of the feature in its file.
    pub feature_index: usize,
}

impl School {
    /// Whether the school is open (existing or planned) and so serves demand.
    pub fn is_open(&self) -> bool {
        self.status != Status::Closed
    }

    /// Whether this school serves pupils of `service` level (see [`Level::serves`]).
    pub fn serves(&self, service: Level) -> bool {
        self.is_open() && self.level.serves(service)
    }

    /// Seats for pupils of the `service` level: `capacity_seats`, or `classes × class_size`
    /// when only classes are known; a nine-year school's seats are split by years of schooling
    /// (6/9 primary, 3/9 junior). `None` when neither capacity nor classes are known.
    pub fn seats_for(&self, service: Level, class_size: f64) -> Option<f64> {
        if !self.level.serves(service) {
            return Some(0.0);
        }
        let total = self
            .capacity_seats
            .or_else(|| self.classes.map(|c| c as f64 * class_size))?;
        Some(if self.level == Level::NineYear {
            total * service.years() as f64 / Level::NineYear.years() as f64
        } else {
            total
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nine_year_serves_primary_and_junior_only() {
        assert!(Level::NineYear.serves(Level::Primary));
        assert!(Level::NineYear.serves(Level::Junior));
        assert!(!Level::NineYear.serves(Level::Senior));
        assert!(!Level::Primary.serves(Level::Junior));
        assert!(Level::Senior.serves(Level::Senior));
    }

    #[test]
    fn level_names_round_trip() {
        for l in Level::ALL {
            assert_eq!(l.name().parse::<Level>().unwrap(), l);
        }
        assert!("college".parse::<Level>().is_err());
    }

    #[test]
    fn chinese_spellings_are_accepted() {
        for (zh, l) in [
            ("幼儿园", Level::Kindergarten),
            ("小学", Level::Primary),
            ("初中", Level::Junior),
            ("九年一贯制", Level::NineYear),
            ("九年一贯制学校", Level::NineYear),
            ("高中", Level::Senior),
            ("普通高中", Level::Senior),
            ("特殊教育学校", Level::Special),
            ("中职", Level::Vocational),
            (" 小学 ", Level::Primary),
        ] {
            assert_eq!(zh.parse::<Level>(), Ok(l), "{zh}");
        }
        // Every level's own Chinese name parses back.
        for l in Level::ALL {
            assert_eq!(Level::parse_alias(l.name_zh()), Some(l));
        }
        assert_eq!(Level::parse_alias("大学"), None);
        assert_eq!(Ownership::parse_alias("公办"), Some(Ownership::Public));
        assert_eq!(Ownership::parse_alias("民办"), Some(Ownership::Private));
        assert_eq!(Ownership::parse_alias("公私"), None);
        assert_eq!(Status::parse_alias("规划"), Some(Status::Planned));
        assert_eq!(Status::parse_alias("撤并"), Some(Status::Closed));
        assert_eq!(Status::parse_alias("existing"), Some(Status::Existing));
    }

    #[test]
    fn nine_year_seats_split_six_to_three() {
        let s = School {
            id: "n".into(),
            name: String::new(),
            level: Level::NineYear,
            ownership: Ownership::Public,
            inclusive: None,
            quality: None,
            boarding: None,
            status: Status::Existing,
            capacity_seats: Some(900.0),
            enrolment: None,
            classes: None,
            added_classes: None,
            class_sizes: None,
            resources: BTreeMap::new(),
            synthetic: false,
            pos: Coord { x: 0.0, y: 0.0 },
            lonlat: Coord { x: 0.0, y: 0.0 },
            feature_index: 0,
        };
        assert_eq!(s.seats_for(Level::Primary, 45.0), Some(600.0));
        assert_eq!(s.seats_for(Level::Junior, 50.0), Some(300.0));
        assert_eq!(s.seats_for(Level::Senior, 50.0), Some(0.0));
        let by_classes = School {
            capacity_seats: None,
            classes: Some(18),
            level: Level::Primary,
            ..s
        };
        assert_eq!(by_classes.seats_for(Level::Primary, 45.0), Some(810.0));
    }
}
