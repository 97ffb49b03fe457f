//! The report's sections on urban and rural standards, attendance zones and the forecast:
//! small functions returning [`Block`]s, added to the run report after the targets table.

use std::collections::BTreeMap;

use super::access::ForecastRow;
use super::document::{num, txt, Block, ReportContext};
use super::numbers::{human, percent};
use super::text::{level_name, xml_escape};
use crate::config::{Language, Setting};
use crate::model::Level;

fn tr(lang: Language, en: &str, zh: &str) -> String {
    match lang {
        Language::En => en.to_string(),
        Language::Zh => zh.to_string(),
    }
}

/// Every section of this module, in order.
pub fn access_blocks(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let mut out = settings_blocks(ctx, lang);
    out.extend(zones_blocks(ctx, lang));
    out.extend(forecast_blocks(ctx, lang));
    out
}

/// Urban and rural side by side, per level and county: radius, pupils and coverage of each
/// setting. Nothing when the scenario does not classify settings.
pub fn settings_blocks(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let b = ctx.bundle;
    if b.scenario.settings.is_none() {
        return Vec::new();
    }
    let unit = b.coverage.unit.symbol();
    let mut out = vec![
        Block::SubHeading(tr(lang, "Urban and rural standards", "城镇与乡村服务标准")),
        Block::Para(tr(
            lang,
            "Each cell is measured against the standard of its setting: urban cells against the GB 50180-2018 life circles, rural cells against the rural standard (and a boarding school's reach where the level has one).",
            "每个网格按其所属类型的标准衡量：城镇网格采用《城市居住区规划设计标准》(GB 50180-2018)生活圈标准，乡村网格采用乡村标准（设寄宿制学校服务范围的学段另计寄宿覆盖）。",
        )),
    ];
    let head: Vec<String> = [
        ("level", "学段"),
        ("county", "区县"),
        ("urban radius", "城镇半径"),
        ("urban pupils", "城镇学生"),
        ("urban coverage", "城镇覆盖率"),
        ("rural radius", "乡村半径"),
        ("rural pupils", "乡村学生"),
        ("rural coverage", "乡村覆盖率"),
    ]
    .iter()
    .map(|(e, z)| tr(lang, e, z))
    .collect();
    let mut rows = Vec::new();
    for lc in &b.coverage.levels {
        let radius = |s: Setting| {
            let st = lc.standards[s.index()];
            let mut t = format!("{} {unit}", human(st.radius, 0));
            if let Some(br) = st.boarding_radius_m {
                t.push_str(&format!(
                    " / {} m {}",
                    human(br, 0),
                    tr(lang, "boarding", "寄宿")
                ));
            }
            t
        };
        let mut areas: Vec<(String, String, [crate::coverage::AreaTally; 2])> = b
            .map
            .counties
            .iter()
            .zip(&lc.per_county_setting)
            .map(|(a, t)| (a.code.clone(), a.name.clone(), *t))
            .collect();
        areas.sort_by(|x, y| x.0.cmp(&y.0));
        areas.push((String::new(), tr(lang, "all", "全市"), lc.per_setting));
        for (_, name, t) in areas {
            let [u, r] = t;
            rows.push(vec![
                txt(level_name(lang, lc.level)),
                txt(name),
                num(radius(Setting::Urban)),
                num(human(u.demand, 0)),
                num(if u.demand > 0.0 {
                    percent(Some(u.coverage()))
                } else {
                    "–".into()
                }),
                num(radius(Setting::Rural)),
                num(human(r.demand, 0)),
                num(if r.demand > 0.0 {
                    percent(Some(r.coverage()))
                } else {
                    "–".into()
                }),
            ]);
        }
    }
    out.push(Block::Table(head, rows));
    out
}

/// Attendance zones per level and county: pupils, seats, pupils zoned, seat shortfall.
pub fn zones_blocks(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let s = ctx.summary;
    if s.levels.iter().all(|l| l.zones.is_none()) {
        return Vec::new();
    }
    let unit = s.conventions.unit.symbol();
    let mut out = vec![
        Block::SubHeading(tr(lang, "Attendance zones", "学区划分")),
        Block::Para(tr(
            lang,
            "Every populated cell is zoned to an open school of its own county, the least total pupil-distance within the seats (an exact transportation problem). Pupils a county cannot seat stay in it, above the seats of its schools: the shortfall. Layer zones.geojson.",
            "每个有人口的网格划入本区县的一所学校，在学位约束下使学生总上学距离最小（精确求解运输问题）。区县内学位不足的学生不跨区县安排，计为学位缺口。图层见 zones.geojson。",
        )),
    ];
    let head: Vec<String> = [
        ("level", "学段"),
        ("county", "区县"),
        ("pupils", "学生"),
        ("seats", "学位"),
        ("zoned", "划入学生"),
        ("shortfall", "学位缺口"),
        ("mean distance", "平均距离"),
    ]
    .iter()
    .map(|(e, z)| tr(lang, e, z))
    .collect();
    let mut rows = Vec::new();
    for l in &s.levels {
        let Some(z) = &l.zones else { continue };
        for c in &z.counties {
            rows.push(vec![
                txt(level_name(lang, l.level)),
                txt(&c.name),
                num(human(c.demand, 0)),
                num(human(c.seats, 0)),
                num(human(c.zoned, 0)),
                num(human(c.shortfall, 0)),
                num(String::new()),
            ]);
        }
        rows.push(vec![
            txt(level_name(lang, l.level)),
            txt(tr(lang, "all", "全市")),
            num(human(l.demand, 0)),
            num(human(l.seats, 0)),
            num(human(z.pupils, 0)),
            num(human(z.shortfall, 0)),
            num(format!("{} {unit}", human(z.mean_cost, 0))),
        ]);
    }
    out.push(Block::Table(head, rows));
    out
}

/// The forecast: one small chart per level (children per county and year) and the births
/// index with its assumptions.
pub fn forecast_blocks(ctx: &ReportContext, lang: Language) -> Vec<Block> {
    let s = ctx.summary;
    if s.forecast.is_empty() {
        return Vec::new();
    }
    let mut out = vec![
        Block::SubHeading(tr(lang, "Children of the plan year (forecast)", "规划年学龄人口预测")),
        Block::Para(tr(
            lang,
            "Cohort-component projection from the base census: each county's children aged one year a year with survival and net migration, new cohorts following the births index. forecast.csv has every figure.",
            "以普查为基期的队列要素法预测：各区县儿童逐年递推（计存活率与净迁移），新出生队列按出生人数指数推算。全部数字见 forecast.csv。",
        )),
    ];
    let names: BTreeMap<String, String> = ctx
        .bundle
        .map
        .counties
        .iter()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    let levels: Vec<Level> = s.levels.iter().map(|l| l.level).collect();
    for level in levels {
        let rows: Vec<&ForecastRow> = s.forecast.iter().filter(|r| r.level == level).collect();
        if rows.is_empty() {
            continue;
        }
        out.push(Block::Map(
            format!(
                "{} · {}",
                tr(lang, "Forecast", "预测"),
                level_name(lang, level)
            ),
            format!("forecast-{}", level.name()),
            chart(&rows, &names),
        ));
    }
    let head: Vec<String> = [("year", "年份"), ("births", "出生人数"), ("status", "来源")]
        .iter()
        .map(|(e, z)| tr(lang, e, z))
        .collect();
    let rows = s
        .forecast_births
        .iter()
        .map(|b| {
            let status = match (b.status.as_str(), lang) {
                ("recorded", Language::Zh) => "统计数".to_string(),
                ("interpolated", Language::Zh) => "插值（假设）".to_string(),
                ("extrapolated", Language::Zh) => "外推（假设）".to_string(),
                ("recorded", _) => "recorded".to_string(),
                (other, _) => format!("{other} (assumption)"),
            };
            vec![
                num(b.year.to_string()),
                num(human(b.births, 0)),
                txt(match &b.source {
                    Some(src) => format!("{status}: {src}"),
                    None => status,
                }),
            ]
        })
        .collect();
    out.push(Block::Table(head, rows));
    out
}

/// A small line chart: children by year, one line per county.
fn chart(rows: &[&ForecastRow], names: &BTreeMap<String, String>) -> String {
    const W: f64 = 560.0;
    const H: f64 = 260.0;
    const L: f64 = 56.0;
    const R: f64 = 170.0;
    const T: f64 = 16.0;
    const B: f64 = 30.0;
    let colours = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf",
    ];
    let mut by_county: BTreeMap<&str, Vec<(i32, f64)>> = BTreeMap::new();
    for r in rows {
        by_county
            .entry(r.county.as_str())
            .or_default()
            .push((r.year, r.children));
    }
    let y0 = rows.iter().map(|r| r.year).min().unwrap_or(0);
    let y1 = rows.iter().map(|r| r.year).max().unwrap_or(0).max(y0 + 1);
    let vmax = rows.iter().map(|r| r.children).fold(0.0, f64::max).max(1.0);
    let step = nice_step(vmax / 4.0);
    let top = (vmax / step).ceil() * step;
    let x = |y: i32| L + (W - L - R) * f64::from(y - y0) / f64::from(y1 - y0);
    let y = |v: f64| T + (H - T - B) * (1.0 - v / top);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    let mut v = 0.0;
    while v <= top + 1e-9 {
        svg.push_str(&format!(
            "<line x1=\"{L}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - R,
            y(v),
            y(v),
            L - 4.0,
            y(v) + 4.0,
            human(v, 0)
        ));
        v += step;
    }
    for yr in y0..=y1 {
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{yr}</text>",
            x(yr),
            H - B + 16.0
        ));
    }
    for (k, (county, pts)) in by_county.iter().enumerate() {
        let c = colours[k % colours.len()];
        let path: Vec<String> = pts
            .iter()
            .map(|&(yr, v)| format!("{:.1},{:.1}", x(yr), y(v)))
            .collect();
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{}\"/>",
            path.join(" ")
        ));
        let name = names.get(*county).map_or(*county, |s| s.as_str());
        let ly = T + 14.0 * k as f64 + 6.0;
        svg.push_str(&format!(
            "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{ly:.1}\" y2=\"{ly:.1}\" stroke=\"{c}\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            W - R + 10.0,
            W - R + 28.0,
            W - R + 32.0,
            ly + 4.0,
            xml_escape(name)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// 1, 2 or 5 × 10ⁿ, at least `x`.
fn nice_step(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v >= x)
        .unwrap_or(10.0 * p)
}
