//! The report's sections on urban and rural standards, attendance zones and the forecast:
//! small functions returning [`Block`]s, added to the run report after the targets table.

use std::collections::BTreeMap;

use super::access::ForecastRow;
use super::document::heads;
use super::document::{num, txt, Block, ReportContext};
use super::numbers::{human, nice_ceil, percent};
use super::text::{level_name, t, xml_escape};
use crate::config::{Language, Setting};
use crate::model::Level;

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
        Block::SubHeading(t(lang, "acc_urban_and_rural_standards").to_string()),
        Block::Para(t(lang, "acc_settings_intro").to_string()),
    ];
    let head: Vec<String> = heads(
        lang,
        &[
            "level",
            "acc_county",
            "acc_urban_radius",
            "acc_urban_pupils",
            "acc_urban_coverage",
            "acc_rural_radius",
            "acc_rural_pupils",
            "acc_rural_coverage",
        ],
    );
    let mut rows = Vec::new();
    for lc in &b.coverage.levels {
        let radius = |s: Setting| {
            let st = lc.standards[s.index()];
            let mut text = format!("{} {unit}", human(st.radius, 0));
            if let Some(br) = st.boarding_radius_m {
                text.push_str(&format!(
                    " / {} m {}",
                    human(br, 0),
                    t(lang, "acc_boarding")
                ));
            }
            text
        };
        let mut areas: Vec<(String, String, [crate::coverage::AreaTally; 2])> = b
            .map
            .counties
            .iter()
            .zip(&lc.per_county_setting)
            .map(|(a, t)| (a.code.clone(), a.name.clone(), *t))
            .collect();
        areas.sort_by(|x, y| x.0.cmp(&y.0));
        areas.push((
            String::new(),
            t(lang, "acc_all").to_string(),
            lc.per_setting,
        ));
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
        Block::SubHeading(t(lang, "acc_attendance_zones").to_string()),
        Block::Para(t(lang, "acc_zones_intro").to_string()),
    ];
    let head: Vec<String> = heads(
        lang,
        &[
            "level",
            "acc_county",
            "acc_pupils",
            "seats",
            "acc_zoned",
            "acc_shortfall",
            "acc_mean_distance",
        ],
    );
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
            txt(t(lang, "acc_all").to_string()),
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
        Block::SubHeading(t(lang, "acc_forecast_title").to_string()),
        Block::Para(t(lang, "acc_forecast_intro").to_string()),
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
        out.push(Block::Chart(
            format!("{} · {}", t(lang, "acc_forecast"), level_name(lang, level)),
            format!("forecast-{}", level.name()),
            chart(&rows, &names),
        ));
    }
    let head: Vec<String> = heads(lang, &["year", "acc_births", "acc_source"]);
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
    let step = nice_ceil(vmax / 4.0);
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
