//! Administrative areas: counties (区/县) and townships (乡/镇/街道).

use geo::MultiPolygon;
use serde::{Deserialize, Serialize};

/// The kind of an administrative area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    /// 区 / 县 / 市 (county level).
    County,
    /// 街道 (urban sub-district).
    Street,
    /// 镇 (town).
    Town,
    /// 乡 / 民族乡 (rural township).
    Township,
}

impl AreaKind {
    /// Name used in files.
    pub fn name(self) -> &'static str {
        match self {
            AreaKind::County => "county",
            AreaKind::Street => "street",
            AreaKind::Town => "town",
            AreaKind::Township => "township",
        }
    }

    /// Parses the `kind` property of the townships layer: English (`street`, `town`,
    /// `township`) or Chinese (`街道`, `镇`, `乡`, `民族乡`).
    pub fn parse_township(s: &str) -> Option<AreaKind> {
        match s {
            "street" | "街道" => Some(AreaKind::Street),
            "town" | "镇" => Some(AreaKind::Town),
            "township" | "乡" | "民族乡" => Some(AreaKind::Township),
            _ => None,
        }
    }

    /// Rural units (镇 and 乡), the scope of rule K1.
    pub fn is_rural(self) -> bool {
        matches!(self, AreaKind::Town | AreaKind::Township)
    }
}

/// An administrative area, in local metres.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// Official code (6 digits for counties, 9 for townships).
    pub code: String,
    /// Name.
    pub name: String,
    /// County, street, town or township.
    pub kind: AreaKind,
    /// For townships: index of the county the area lies in (by its code prefix and location).
    pub county: Option<usize>,
    /// Geometry in local metres.
    pub shape_m: MultiPolygon<f64>,
    /// Geometry in WGS 84 degrees, as loaded (after datum conversion).
    pub shape_lonlat: MultiPolygon<f64>,
    /// Marked `synthetic = true` in the input.
    pub synthetic: bool,
    /// Index of the feature in its file.
    pub feature_index: usize,
}
