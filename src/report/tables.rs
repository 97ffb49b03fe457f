//! CSV tables for spreadsheets — the one place CSV files of a run are written.
//!
//! - `schools.csv`, `areas.csv`, `proposals.csv`, `gaps.csv`: the properties of a GeoJSON layer, one row per
//!   feature, the columns in the layer's property order (every feature carries every key, see
//!   [`super::layers`]); `null` is an empty cell, booleans are `true` / `false`.
//! - `findings.csv` (the rules' table) passes through [`localise_csv`] for the same conventions.
//!
//! Every cell, headers included, goes through [`csv_cell`] (spreadsheet-safe: no formulas, no
//! control or invisible characters); the byte-order mark is added after.
//!
//! **Excel conventions.** Files start with a UTF-8 byte-order mark by default, so that Excel
//! (which otherwise assumes the system code page, GBK on a Chinese Windows) shows 新抚区 and not
//! 鏂版姎鍖; `schoolplan run --no-bom` leaves it out for tools that do not expect one. Lines end
//! in `\n`. In a zh run the header row is Chinese ([`header_zh`]: `学位(小学)` for
//! `seats_primary`); the values, and the field names of the GeoJSON and JSON files, stay the
//! stable English ones.

use serde_json::Value;

use super::text::level_name;
use crate::config::Language;
use crate::csv_cell::csv_cell;
use crate::model::Level;

/// The UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

/// How CSV files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    /// Start with a UTF-8 byte-order mark (default true).
    pub bom: bool,
    /// Header language: English field names, or Chinese headers.
    pub lang: Language,
}

impl CsvOptions {
    /// A BOM, and headers in `lang`.
    pub fn new(lang: Language) -> CsvOptions {
        CsvOptions { bom: true, lang }
    }
}

/// Chinese names of fixed columns.
const HEADERS_ZH: &[(&str, &str)] = &[
    ("id", "编号"),
    ("name", "名称"),
    ("level", "学段"),
    ("ownership", "办学性质"),
    ("inclusive", "普惠"),
    ("quality", "优质"),
    ("boarding", "寄宿"),
    ("status", "状态"),
    ("capacity_seats", "学位数"),
    ("enrolment", "在校生数"),
    ("classes", "班级数"),
    ("added_classes", "新增班级数"),
    ("max_class_size", "最大班额"),
    ("county", "区县代码"),
    ("township", "乡镇街道代码"),
    ("fails", "未通过规则"),
    ("synthetic", "模拟数据"),
    ("code", "代码"),
    ("kind", "类型"),
    ("area_km2", "面积(km²)"),
    ("findings_failing", "未通过项数"),
    ("rank", "排序"),
    ("site_id", "选址或学校编号"),
    ("demand_newly_covered", "新增覆盖需求(人)"),
    ("seats_added", "新增学位"),
    ("classes_added", "新增班级"),
    ("cost", "投资"),
    ("gap_closed", "填补的缺口"),
    ("seats_short_relieved", "缓解学位缺口(人)"),
    ("large_classes_removed", "消除大班额(个)"),
    ("served", "服务学生(人)"),
    ("closes_findings", "解决的规则"),
    ("pop_total", "常住人口"),
    // gaps.csv
    ("scattered", "零散缺口"),
    ("setting", "城乡"),
    ("county_name", "区县名称"),
    ("township_name", "乡镇街道名称"),
    ("cohort", "年龄组字段"),
    ("population", "适龄人口"),
    ("children", "适龄儿童(人)"),
    ("cell_count", "网格数"),
    ("centre_cell", "中心网格"),
    ("radius_m", "服务半径(米)"),
    ("radius_min", "服务半径(分钟)"),
    ("spread_m", "距中心最远(米)"),
    ("nearest_school", "最近有余位学校"),
    ("nearest_m", "至最近有余位学校(米)"),
    ("nearest_min", "至最近有余位学校(分钟)"),
    ("nearest_spare_seats", "该校余位"),
    ("nearest_any_school", "最近学校"),
    ("nearest_any_m", "至最近学校(米)"),
    ("nearest_any_min", "至最近学校(分钟)"),
    ("full_school", "半径内已满学校"),
    ("seats_needed", "所需学位"),
    ("classes_needed", "所需班级"),
    ("best_site", "建议选址"),
    ("site_kind", "选址类型"),
    ("site_name", "选址名称"),
    ("site_children", "选址可覆盖儿童"),
    ("site_cells", "选址可覆盖网格"),
    ("site_cost", "选址投资"),
    ("site_lon", "选址经度"),
    ("site_lat", "选址纬度"),
    ("no_site", "无选址原因"),
    ("findings", "关联规则"),
    ("proposals", "关联规划项目"),
    // findings.csv
    ("rule_id", "规则编号"),
    ("title_zh", "规则名称"),
    ("title_en", "规则名称(英文)"),
    ("clause", "规划条款"),
    ("scope", "范围"),
    ("area_code", "区域代码"),
    ("area_name", "区域名称"),
    ("school_id", "学校编号"),
    ("measured", "实测值"),
    ("comparison", "比较"),
    ("threshold", "标准值"),
    ("unit", "单位"),
    ("evidence_schools", "依据:学校"),
    ("evidence_areas", "依据:区域"),
    ("evidence_cells", "依据:网格"),
    ("evidence_population", "依据:人口"),
    ("reason", "原因"),
    ("fix", "整改建议"),
    ("note", "说明"),
    ("projects", "规划项目"),
];

/// Chinese names of per-level columns: `<prefix>_<level>` → `<name>(<level>)`.
const LEVEL_HEADERS_ZH: &[(&str, &str)] = &[
    ("seats", "学位"),
    ("nearest_demand", "就近需求"),
    ("allocated", "已分配需求"),
    ("utilisation", "利用率"),
    ("over_capacity", "超出学位"),
    ("spare_seats", "富余学位"),
    ("demand", "需求"),
    ("covered", "覆盖需求"),
    ("coverage", "覆盖率"),
    ("schools", "学校数"),
];

/// The Chinese header of a column (the field name itself when it has none).
pub fn header_zh(field: &str) -> String {
    if let Some((_, zh)) = HEADERS_ZH.iter().find(|(k, _)| *k == field) {
        return (*zh).to_string();
    }
    for (prefix, zh) in LEVEL_HEADERS_ZH {
        if let Some(rest) = field.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) {
            if let Ok(level) = rest.parse::<Level>() {
                if level.name() == rest {
                    return format!("{zh}({})", level_name(Language::Zh, level));
                }
            }
        }
    }
    // pop_3_5 → 3-5岁人口
    if let Some((a, b)) = field
        .strip_prefix("pop_")
        .and_then(|r| r.split_once('_'))
        .filter(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok())
    {
        return format!("{a}-{b}岁人口");
    }
    field.to_string()
}

fn header(field: &str, lang: Language) -> String {
    match lang {
        Language::Zh => header_zh(field),
        Language::En => field.to_string(),
    }
}

/// Writes a CSV table: header row (translated per `opts`), then the rows; a BOM first when asked.
pub fn write_csv(columns: &[String], rows: &[Vec<String>], opts: CsvOptions) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Every cell, header included, through the spreadsheet-safe `csv_cell`.
    let head: Vec<String> = columns
        .iter()
        .map(|c| csv_cell(&header(c, opts.lang)).into_owned())
        .collect();
    // Writing into a Vec cannot fail.
    let _ = w.write_record(&head);
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| csv_cell(c).into_owned()));
    }
    let body = w
        .into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    if opts.bom {
        format!("{BOM}{body}")
    } else {
        body
    }
}

/// The properties of every feature of `geojson` as CSV. An unreadable layer gives an empty
/// string.
pub fn properties_csv(geojson: &str, opts: CsvOptions) -> String {
    let Ok(v) = serde_json::from_str::<Value>(geojson) else {
        return String::new();
    };
    let feats = v["features"].as_array().cloned().unwrap_or_default();
    let mut columns: Vec<String> = Vec::new();
    for f in &feats {
        if let Some(p) = f["properties"].as_object() {
            for k in p.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
    }
    let rows: Vec<Vec<String>> = feats
        .iter()
        .map(|f| {
            columns
                .iter()
                .map(|c| match &f["properties"][c] {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    write_csv(&columns, &rows, opts)
}

/// Re-writes a CSV table made elsewhere (the rules' `findings.csv`) with these conventions.
pub fn localise_csv(text: &str, opts: CsvOptions) -> String {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches(BOM).as_bytes());
    let mut records = r.records().filter_map(|x| x.ok());
    let columns: Vec<String> = records
        .next()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = records
        .map(|rec| rec.iter().map(str::to_string).collect())
        .collect();
    write_csv(&columns, &rows, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYER: &str = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":null,"properties":{"id":"a","n":1.5,"ok":true,"x":null}},
        {"type":"Feature","geometry":null,"properties":{"id":"b, c","n":2,"ok":false,"x":"新抚区"}}]}"#;

    #[test]
    fn one_row_per_feature_with_empty_nulls_and_a_bom() {
        let plain = CsvOptions {
            bom: false,
            lang: Language::En,
        };
        assert_eq!(
            properties_csv(LAYER, plain),
            "id,n,ok,x\na,1.5,true,\n\"b, c\",2,false,新抚区\n"
        );
        let excel = properties_csv(LAYER, CsvOptions::new(Language::En));
        assert!(excel.starts_with("\u{feff}id,n,ok,x\n"));
        assert_eq!(excel.as_bytes()[..3], [0xef, 0xbb, 0xbf]);
        assert_eq!(properties_csv("not json", plain), "");
    }

    #[test]
    fn chinese_headers_keep_values() {
        let zh = properties_csv(LAYER, CsvOptions::new(Language::Zh));
        assert!(zh.starts_with("\u{feff}编号,n,ok,x\na,"), "{zh}");
        assert_eq!(header_zh("seats_primary"), "学位(小学)");
        assert_eq!(header_zh("coverage_kindergarten"), "覆盖率(幼儿园)");
        assert_eq!(header_zh("spare_seats_junior"), "富余学位(初中)");
        assert_eq!(header_zh("pop_6_11"), "6-11岁人口");
        assert_eq!(header_zh("res_pe_arts_teachers"), "res_pe_arts_teachers");
        assert_eq!(header_zh("seats_college"), "seats_college");
        // Every fixed header is named once.
        for (k, _) in HEADERS_ZH {
            assert_eq!(HEADERS_ZH.iter().filter(|x| x.0 == *k).count(), 1, "{k}");
        }
    }

    #[test]
    fn cells_are_spreadsheet_safe() {
        let g = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":null,"properties":{"id":"=HYPERLINK(1)","n":-3.5}}]}"#;
        let plain = CsvOptions {
            bom: false,
            lang: Language::En,
        };
        assert_eq!(properties_csv(g, plain), "id,n\n'=HYPERLINK(1),-3.5\n");
    }

    #[test]
    fn tables_from_elsewhere_get_the_same_conventions() {
        let csv = "rule_id,status,area_name\nK1,fail,\"新抚区, 东\"\n";
        let out = localise_csv(csv, CsvOptions::new(Language::Zh));
        assert_eq!(
            out,
            "\u{feff}规则编号,状态,区域名称\nK1,fail,\"新抚区, 东\"\n"
        );
        // Idempotent on its own output, BOM included.
        assert_eq!(localise_csv(&out, CsvOptions::new(Language::Zh)), out);
    }
}
