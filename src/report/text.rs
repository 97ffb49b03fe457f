//! Words of the report in English and Chinese, and escaping.

use crate::config::{DistanceMode, Language};
use crate::model::{AreaKind, Level, ProjectKind};

use super::FindingStatus;

/// Escapes text for XML and HTML (`& < > " '`), and drops the characters XML 1.0 does not
/// allow (control characters other than tab and line breaks, U+FFFE, U+FFFF), so that a name
/// from an input layer can never break an SVG, QML or QGIS project file.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for Markdown so that it shows as written and can carry no markup: HTML
/// (`<script>`), links and images (`[…](…)`), emphasis, code and table pipes. `& < >` become
/// entities; `\ ` * _ [ ] | ~` are backslash-escaped (CommonMark allows escaping any ASCII
/// punctuation); line breaks become spaces and other control characters are dropped. For text
/// that starts a line use [`md_para`].
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// [`md_text`] for text at the start of a line: a leading `#`, `-`, `+`, `=` or `1.` would
/// make a heading, a list or a heading underline, so it is escaped too.
pub fn md_para(s: &str) -> String {
    let mut out = md_text(s.trim_start());
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    let after_digits = out[digits..].chars().next();
    if out.starts_with(['#', '-', '+', '=']) {
        out.insert(0, '\\');
    } else if digits > 0 && matches!(after_digits, Some('.') | Some(')')) {
        out.insert(digits, '\\');
    }
    out
}

/// Escapes text for a Markdown table cell: [`md_text`] (which also escapes `|`).
pub fn md_cell(s: &str) -> String {
    md_text(s)
}

/// (key, English, Chinese).
const WORDS: &[(&str, &str, &str)] = &[
    ("report", "School layout report", "学校布局评估报告"),
    ("summary", "Summary", "概要"),
    ("targets", "Coverage and seats per level", "各学段覆盖与学位"),
    ("plan_targets", "Plan targets", "规划目标核查"),
    ("level", "Level", "学段"),
    ("radius", "Radius", "服务半径"),
    ("population", "Cohort population", "适龄人口"),
    ("demand", "Demand (pupils)", "需求(学位)"),
    ("covered", "Covered", "覆盖人口"),
    ("coverage", "Coverage", "覆盖率"),
    ("seats", "Seats", "学位"),
    ("allocated", "Allocated", "已分配"),
    ("utilisation", "Utilisation", "利用率"),
    ("schools", "Schools", "学校数"),
    ("over_capacity", "Over capacity", "超容量学校"),
    ("rules", "Rules", "规则"),
    ("pass", "pass", "通过"),
    ("fail", "fail", "未通过"),
    ("not_evaluable", "not evaluable", "无法评估"),
    ("maps", "Maps", "地图"),
    ("map_of", "Coverage of", "服务覆盖:"),
    ("legend_school", "school", "学校"),
    ("legend_gap", "coverage gap", "覆盖缺口"),
    ("legend_proposal", "proposed site", "建议选址"),
    ("legend_county", "county boundary", "区县界"),
    ("legend_township", "township boundary", "乡镇街道界"),
    ("legend_covered", "covered cell", "已覆盖网格"),
    ("legend_uncovered", "uncovered cell", "未覆盖网格"),
    ("areas", "Counties and townships", "区县与乡镇街道"),
    ("counties", "Counties", "区县"),
    ("townships", "Townships", "乡镇街道"),
    ("code", "Code", "代码"),
    ("name", "Name", "名称"),
    ("kind", "Kind", "类型"),
    ("findings_failing", "Failing findings", "未通过项"),
    ("findings", "Findings", "规则核查结果"),
    ("rule", "Rule", "规则"),
    ("title", "Title", "名称"),
    ("clause", "Plan clause", "规划条款"),
    ("scope", "Scope", "范围"),
    ("area", "Subject", "对象"),
    ("status", "Status", "结论"),
    ("value", "Value", "实测值"),
    ("threshold", "Threshold", "标准"),
    ("evidence", "Evidence", "依据"),
    ("fix", "Fix", "整改建议"),
    ("rank", "Rank", "排序"),
    ("cells", "Cells", "网格数"),
    ("area_km2", "Area (km²)", "面积(km²)"),
    ("nearest", "Nearest school", "最近学校"),
    ("distance", "Distance", "距离"),
    ("township", "Township", "乡镇街道"),
    ("capacity_gaps", "Capacity gaps", "学位缺口"),
    ("shortfall", "Shortfall", "缺口"),
    ("proposals", "Proposals", "布局建议"),
    ("no_proposals", "No proposals in this run.", "本次运行未提出布局建议。"),
    ("no_capacity_gaps", "No area has more demand than seats.", "没有学位需求超过学位供给的区域。"),
    ("proposal_kind", "Kind", "类型"),
    ("newly_covered", "Demand newly covered", "新增覆盖需求"),
    ("seats_added", "Seats added", "新增学位"),
    ("cost", "Cost", "投资"),
    ("closes", "Closes", "解决"),
    ("method", "Method", "方法"),
    ("optimality_gap", "Optimality gap", "最优性差距"),
    ("conventions", "Conventions", "计算口径"),
    ("distance_mode", "Distance", "距离计算"),
    ("coverage_test", "Coverage test", "覆盖判定"),
    ("coverage_test_text", "a cell is covered when its distance to the nearest open school of the level is ≤ the radius (inclusive)", "网格中心到最近的同学段开办学校的距离 ≤ 服务半径即视为覆盖(含边界)"),
    ("centroid", "Cells", "人口网格"),
    ("centroid_text", "a population cell is represented by its centroid", "人口网格以其中心点代表"),
    ("coordinates", "Coordinates", "坐标"),
    ("coordinates_text", "GeoJSON outputs in WGS 84 (EPSG:4326); distances in metres in a local transverse Mercator projection", "GeoJSON 输出为 WGS 84(EPSG:4326);距离在局部横轴墨卡托投影中以米计算"),
    ("synthetic_warning", "Synthetic data: some inputs are generated, not real. The numbers below illustrate the method and must not be used for decisions.", "模拟数据:部分输入数据为生成数据,并非真实数据。以下数字仅用于演示方法,不得用于决策。"),
    ("straight", "straight line (Euclidean, not along roads)", "直线距离(欧氏距离,非道路距离)"),
    ("network", "along the road network", "沿道路网络"),
    ("matrix", "from an external cost matrix", "外部出行成本矩阵"),
    ("year", "Year", "年份"),
    ("generated_by", "Generated by", "生成工具"),
    ("files", "Files", "输入文件"),
    ("layers", "Layers for QGIS", "QGIS 图层"),
    ("layers_text", "Open schoolplan.qgs in QGIS: every GeoJSON layer of this folder opens styled.", "用 QGIS 打开 schoolplan.qgs,本文件夹的所有 GeoJSON 图层将按样式加载。"),
    ("compare", "Scenario comparison", "情景对比"),
    ("before", "Before", "对比前"),
    ("after", "After", "对比后"),
    ("change", "Change", "变化"),
    ("newly_covered_pop", "Newly covered", "新增覆盖"),
    ("newly_uncovered_pop", "No longer covered", "不再覆盖"),
    ("rules_changed", "Rules that change status", "结论发生变化的规则"),
    ("schools_added", "Schools added", "新增学校"),
    ("schools_expanded", "Schools expanded", "扩建学校"),
    ("schools_closed", "Schools closed", "撤并学校"),
    ("none", "none", "无"),
    ("coverage_by_area", "Coverage by area", "分区覆盖率"),
    ("unreachable", "unreachable", "不可达"),
    ("legend_covered_short", "covered", "已覆盖"),
    ("qgis_base", "Boundaries", "行政区划"),
    ("qgis_areas", "Counties and townships", "区县与乡镇街道"),
    ("qgis_schools_all", "All schools", "全部学校"),
    ("qgis_schools", "schools", "学校"),
    ("qgis_proposals", "proposed sites", "布局建议"),
    ("qgis_gaps", "coverage gaps", "覆盖缺口"),
    ("qgis_zones", "attendance zones", "学区"),
    ("qgis_coverage", "coverage", "服务覆盖"),
    ("qgis_layout", "print layout", "出图布局"),
    ("qgis_layout_title", "service coverage", "服务覆盖评估图"),
    ("qgis_legend", "Legend", "图例"),
    ("qgis_source", "Sources", "数据来源"),
    ("qgis_crs", "CRS", "坐标系"),
    ("central_district", "Central district", "中心城区"),
    ("city", "City", "全市"),
    ("net", "net", "净变化"),
    ("covered_change", "Covered pupils", "覆盖学生变化"),
    ("change_maps", "Where coverage changes", "覆盖变化图"),
    ("nearest_demand", "Pupils nearest", "就近学生"),
    ("existing", "existing", "现状"),
    ("planned", "planned", "规划"),
    ("closed", "closed", "关闭"),
    ("description", "Description", "说明"),
    ("rules_failing", "rules not met", "条规则未达标"),
    ("pupils_covered", "pupils newly covered", "名学生新增覆盖"),
    ("must_change", "What the plan must change", "规划须解决的问题"),
    ("all_targets_met", "Every rule checked is met.", "所核查的规则均已达标。"),
    ("must_change_intro", "Rules of the plan that are not met, with who fails them, what is measured against the target, and the proposals that address them.", "以下为未达标的规划规则:未达标的对象、实测值与标准值,以及针对该问题的布局建议。"),
    ("target", "Target", "规划目标"),
    ("failing_subjects", "Not met in", "未达标对象"),
    ("measured_vs_target", "Measured / target", "实测 / 标准"),
    ("addressed_by", "Addressed by", "对应建议"),
    ("vs_target", "vs.", "对比标准"),
    ("subjects_fail", "fail", "未达标"),
    ("target_word", "target", "标准"),
    ("place", "Township", "所在乡镇街道"),
    ("classes_added", "Classes added", "新增班级"),
    ("seats_short_relieved", "Seats short relieved", "缓解学位缺口"),
    ("large_classes_removed", "56+ classes removed", "消除大班额"),
    ("large_classes_change", "Classes of 56+ pupils (大班额)", "56人以上大班额"),
    ("problem_mclp", "maximal covering location (MCLP)", "最大覆盖选址模型(MCLP)"),
    ("problem_lscp", "location set covering (LSCP)", "集合覆盖选址模型(LSCP)"),
    ("problem_pmedian", "p-median (least pupil-weighted distance)", "p-中值模型(学生加权距离最小)"),
    ("problem_pcenter", "p-center (least worst distance)", "p-中心模型(最远距离最小)"),
    (
        "problem_reach",
        "central-school reach (most children within the radius, whoever else reaches them)",
        "中心校(园)覆盖(服务半径内适龄儿童最多,含已覆盖)",
    ),
    (
        "problem_need",
        "expansions by measured need (seats short, 56+ classes)",
        "按实测需求选择改扩建(学位缺口、大班额)",
    ),
    ("solver_notes", "Notes", "说明"),
    ("capacitated", "seats bound the pupils served", "考虑学位容量约束"),
    ("proven_optimal", "proven optimal", "已证明为最优解"),
    ("infeasible", "no feasible answer", "无可行解"),
    ("optimality_gap_at_most", "within", "与最优解差距不超过"),
    ("pupils_within_radius", "pupils within the radius", "名学生在服务半径内"),
    ("addresses", "Addresses", "针对规则"),
    ("now_met", "now met", "现已达标"),
    ("still_failing", "subjects still fail", "个对象仍未达标"),
    ("no_sites", "No site or expansion improves coverage here.", "未找到可提高覆盖的选址或扩建。"),
    ("maps_hint", "Drag to pan, scroll or use + / − to zoom, click a school or a township for its figures.", "拖动可平移,滚轮或 + / − 可缩放,点击学校或乡镇街道可查看其数据。"),
    ("details", "Detail tables", "明细表"),
    ("acc_county", "county", "区县"),
    ("acc_urban_radius", "urban radius", "城镇半径"),
    ("acc_urban_pupils", "urban pupils", "城镇学生"),
    ("acc_urban_coverage", "urban coverage", "城镇覆盖率"),
    ("acc_rural_radius", "rural radius", "乡村半径"),
    ("acc_rural_pupils", "rural pupils", "乡村学生"),
    ("acc_rural_coverage", "rural coverage", "乡村覆盖率"),
    ("acc_pupils", "pupils", "学生"),
    ("acc_zoned", "zoned", "划入学生"),
    ("acc_shortfall", "shortfall", "学位缺口"),
    ("acc_mean_distance", "mean distance", "平均距离"),
    ("acc_births", "births", "出生人数"),
    ("acc_source", "source", "来源"),
    ("acc_urban_and_rural_standards", "Urban and rural standards", "城镇与乡村服务标准"),
    ("acc_settings_intro", "Each cell is measured against the standard of its setting: urban cells against the GB 50180-2018 life circles, rural cells against the rural standard (and a boarding school's reach where the level has one).", "每个网格按其所属类型的标准衡量：城镇网格采用《城市居住区规划设计标准》(GB 50180-2018)生活圈标准，乡村网格采用乡村标准（设寄宿制学校服务范围的学段另计寄宿覆盖）。"),
    ("acc_boarding", "boarding", "寄宿"),
    ("acc_all", "all", "全市"),
    ("acc_attendance_zones", "Attendance zones", "学区划分"),
    ("acc_zones_intro", "Every populated cell is zoned to an open school of its own county, the least total pupil-distance within the seats (an exact transportation problem). Pupils a county cannot seat stay in it, above the seats of its schools: the shortfall. Layer zones.geojson.", "每个有人口的网格划入本区县的一所学校，在学位约束下使学生总上学距离最小（精确求解运输问题）。区县内学位不足的学生不跨区县安排，计为学位缺口。图层见 zones.geojson。"),
    ("acc_forecast_title", "Children of the plan year (forecast)", "规划年学龄人口预测"),
    ("acc_forecast_intro", "Cohort-component projection from the base census: each county's children aged one year a year with survival and net migration, new cohorts following the births index. forecast.csv has every figure.", "以普查为基期的队列要素法预测：各区县儿童逐年递推（计存活率与净迁移），新出生队列按出生人数指数推算。全部数字见 forecast.csv。"),
    ("acc_forecast", "Forecast", "预测"),
];

/// The word for `key` in `lang` (the key itself when unknown).
pub fn t(lang: Language, key: &'static str) -> &'static str {
    WORDS
        .iter()
        .find(|w| w.0 == key)
        .map_or(key, |w| if lang == Language::Zh { w.2 } else { w.1 })
}

/// A level's name in `lang`.
pub fn level_name(lang: Language, level: Level) -> &'static str {
    match lang {
        Language::Zh => level.name_zh(),
        Language::En => match level {
            Level::Kindergarten => "Kindergarten",
            Level::Primary => "Primary",
            Level::Junior => "Junior secondary",
            Level::NineYear => "Nine-year",
            Level::Senior => "Senior secondary",
            Level::Special => "Special education",
            Level::Vocational => "Vocational",
        },
    }
}

/// A status word in `lang`.
pub fn status_name(lang: Language, s: FindingStatus) -> &'static str {
    t(lang, s.name())
}

/// An area kind in `lang`.
pub fn kind_name(lang: Language, k: AreaKind) -> &'static str {
    match (lang, k) {
        (Language::Zh, AreaKind::County) => "区/县",
        (Language::Zh, AreaKind::Street) => "街道",
        (Language::Zh, AreaKind::Town) => "镇",
        (Language::Zh, AreaKind::Township) => "乡",
        (Language::En, k) => k.name(),
    }
}

/// A proposal kind in `lang`.
pub fn proposal_kind_name(lang: Language, k: ProjectKind) -> &'static str {
    match (lang, k) {
        (Language::Zh, ProjectKind::New) => "新建",
        (Language::Zh, ProjectKind::Expansion) => "改扩建",
        (Language::En, k) => k.name(),
    }
}

/// The distance mode in words.
pub fn mode_name(lang: Language, m: DistanceMode) -> &'static str {
    match m {
        DistanceMode::Straight => t(lang, "straight"),
        DistanceMode::Network => t(lang, "network"),
        DistanceMode::Matrix => t(lang, "matrix"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_translates() {
        assert_eq!(xml_escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(xml_escape("a\u{1}b\u{FFFF}"), "ab");
        assert_eq!(
            md_text("<script>alert(1)</script> [x](http://e) *b* a_b"),
            "&lt;script&gt;alert(1)&lt;/script&gt; \\[x\\](http://e) \\*b\\* a\\_b"
        );
        assert_eq!(md_para("# t"), "\\# t");
        assert_eq!(md_para("- x"), "\\- x");
        assert_eq!(md_para("2025. plan"), "2025\\. plan");
        assert_eq!(md_text("-3.5"), "-3.5");
        assert_eq!(md_text("a|b\nc"), "a\\|b c");
        assert_eq!(md_text("抚顺 2025"), "抚顺 2025");
        assert_eq!(t(Language::Zh, "coverage"), "覆盖率");
        assert_eq!(t(Language::En, "coverage"), "Coverage");
        for w in WORDS {
            assert_eq!(
                WORDS.iter().filter(|x| x.0 == w.0).count(),
                1,
                "duplicate key {}",
                w.0
            );
        }
    }
}
