//! Maps drawn as inline SVG, two per level: the whole map, and a close-up of the central district
//! ([`super::inset`]) when it helps. Each shows county and township boundaries, population cells
//! coloured covered / uncovered, gap areas, the schools serving the level with their radius
//! (straight-line metres only), proposed sites, non-overlapping labels, a legend and a scale bar.
//!
//! Geometry is taken in local metres and mapped by a plain affine transform (scale, flip y) to a
//! viewBox 1000 units wide; coordinates are written with one decimal; polygons are simplified
//! (Ramer–Douglas–Peucker) to half a unit, so a county outline stays small. Population cells are
//! drawn only when at most [`MAX_CELLS_DRAWN`] are in view; beyond that the map shows gap areas
//! only.
//!
//! **Interaction.** The map content sits in a nested `<svg class="pz">` whose `viewBox` the
//! report's inline script changes to pan and zoom (legend and scale bar stay put). Markers and
//! labels are `<g class="mk">` groups placed by `transform="translate(x y)"` with their own
//! `data-x` / `data-y`, so the script can keep them at screen size while zooming. Schools,
//! proposals, gap areas and townships carry a `<title>` with their figures, one `label: value`
//! per line — a tooltip in any SVG viewer, and what the report's info panel shows on a click
//! (elements of class `hit`).
//!
//! **Labels** are placed greedily, most important first (proposals, then schools by seats): at
//! the right, left, above or below the marker, at the first position that overlaps no label and
//! no marker drawn, else not at all; at most [`MAX_LABELS`] per map (whole map, close-up).

use std::collections::BTreeMap;

use geo::{BoundingRect, Coord, LineString, MultiPolygon, Rect, Simplify};

use super::areas::AreaStat;
use super::gaps::{GapArea, GapShape};
use super::inset::{central_district, Inset};
use super::numbers::{human, percent};
use super::styles::{level_hex, GAP_COLOURS, LEVEL_SYMBOLS};
use super::text::{level_name, proposal_kind_name, t, xml_escape as esc};
use super::RunBundle;
use crate::config::{CostUnit, DistanceMode, Language};
use crate::model::{Level, School};

/// Width of the map's viewBox.
pub const VIEW_W: f64 = 1000.0;
/// Population cells drawn at most (beyond, only gap areas are drawn).
pub const MAX_CELLS_DRAWN: usize = 10_000;
const LEGEND_H: f64 = 70.0;
/// Labels drawn at most on a whole map, and on a close-up.
pub const MAX_LABELS: (usize, usize) = (25, 60);
const LABEL_PX: f64 = 11.0;

/// One drawn map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapOut {
    /// Caption.
    pub caption: String,
    /// File stem (`map-primary`, `map-primary-centre`).
    pub stem: String,
    /// The `<svg>` element.
    pub svg: String,
}

struct Frame {
    min: Coord<f64>,
    scale: f64,
    h: f64,
}

impl Frame {
    fn xy(&self, c: Coord<f64>) -> (f64, f64) {
        (
            (c.x - self.min.x) * self.scale,
            self.h - (c.y - self.min.y) * self.scale,
        )
    }
    fn pt(&self, c: Coord<f64>) -> String {
        let (x, y) = self.xy(c);
        format!("{:.1} {:.1}", x, y)
    }
    fn ring(&self, ls: &LineString<f64>, out: &mut String) {
        let mut first = true;
        let mut last = String::new();
        for c in &ls.0 {
            let p = self.pt(*c);
            if p == last {
                continue;
            }
            out.push_str(if first { "M" } else { "L" });
            out.push_str(&p);
            last = p;
            first = false;
        }
        out.push('Z');
    }
    fn path(&self, mp: &MultiPolygon<f64>) -> String {
        let eps = 0.5 / self.scale;
        let simple = mp.simplify(eps);
        let mut d = String::new();
        for p in &simple.0 {
            self.ring(p.exterior(), &mut d);
            for h in p.interiors() {
                self.ring(h, &mut d);
            }
        }
        d
    }
}

impl Frame {
    /// The frame of `view` (local metres) on a map [`VIEW_W`] wide and at least 200 units
    /// high, with the view's width in metres (for the scale bar).
    fn fit(view: Rect<f64>) -> (Frame, f64) {
        let (w_m, h_m) = (view.width().max(1.0), view.height().max(1.0));
        let scale = VIEW_W / w_m;
        let h = (h_m * scale).max(200.0);
        let f = Frame {
            min: view.min(),
            scale,
            h,
        };
        (f, w_m)
    }
}

/// Whether `c` lies in `r` (edges included).
fn inside(r: &Rect<f64>, c: Coord<f64>) -> bool {
    c.x >= r.min().x && c.x <= r.max().x && c.y >= r.min().y && c.y <= r.max().y
}

/// Opens a map `h` units high: the outer `<svg>` (map and legend) with its `id` and `label`,
/// the styles (labels in `label_font`), and the pannable `<svg class="pz">` with its
/// background.
fn open_map(h: f64, id: &str, label: &str, label_font: &str) -> String {
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {VIEW_W} {:.1}\" class=\"map\" id=\"{id}\" role=\"img\" aria-label=\"{}\">\n",
        h + LEGEND_H,
        esc(label)
    );
    s.push_str(&format!("<style>.lb{{font:{label_font};fill:#222;paint-order:stroke;stroke:#fff;stroke-width:3px;pointer-events:none}}.leg{{font:13px sans-serif;fill:#222}}.nohit{{pointer-events:none}}</style>\n"));
    s.push_str(&format!(
        "<svg class=\"pz\" x=\"0\" y=\"0\" width=\"{VIEW_W}\" height=\"{h:.1}\" viewBox=\"0 0 {VIEW_W} {h:.1}\">\n<rect x=\"-100000\" y=\"-100000\" width=\"200000\" height=\"200000\" fill=\"#f7f7f4\"/>\n"
    ));
    s
}

/// Townships as clickable, nearly transparent areas with their figures; only those meeting
/// `seen` when given.
fn township_areas(
    s: &mut String,
    f: &Frame,
    map: &crate::model::Map,
    areas: &[AreaStat],
    lang: Language,
    seen: Option<&Rect<f64>>,
) {
    let stats: BTreeMap<&str, &AreaStat> = areas.iter().map(|a| (a.code.as_str(), a)).collect();
    for a in &map.townships {
        if let Some(seen) = seen {
            if !a
                .shape_m
                .bounding_rect()
                .is_some_and(|r| intersects(&r, seen))
            {
                continue;
            }
        }
        let title = stats
            .get(a.code.as_str())
            .map_or_else(String::new, |st| township_title(st, lang));
        s.push_str(&format!(
            "<path class=\"hit area\" d=\"{}\" fill=\"#000\" fill-opacity=\"0\" stroke=\"#8a8a8a\" stroke-width=\"1\" stroke-dasharray=\"4 3\" vector-effect=\"non-scaling-stroke\">{title}</path>\n",
            f.path(&a.shape_m)
        ));
    }
}

/// County boundaries (not clickable).
fn county_lines(s: &mut String, f: &Frame, map: &crate::model::Map) {
    for a in &map.counties {
        s.push_str(&format!(
            "<path d=\"{}\" fill=\"none\" stroke=\"#333333\" stroke-width=\"2.2\" class=\"nohit\" vector-effect=\"non-scaling-stroke\"/>\n",
            f.path(&a.shape_m)
        ));
    }
}

/// Closes the map content (`h` units high) and opens the legend below it; returns the
/// baseline of the legend's first row.
fn open_legend(s: &mut String, h: f64) -> f64 {
    s.push_str("</svg>\n");
    s.push_str(&format!(
        "<rect x=\"0\" y=\"{h:.1}\" width=\"{VIEW_W}\" height=\"{LEGEND_H}\" fill=\"#ffffff\"/>\n"
    ));
    h + 22.0
}

/// A row of legend items on baseline `ly`: each symbol (drawn at `x`) and its label.
fn legend_row(s: &mut String, ly: f64, items: &[(f64, String, &str)]) {
    for (x, sym, label) in items {
        s.push_str(sym);
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"leg\">{}</text>\n",
            x + 16.0,
            ly + 5.0,
            esc(label)
        ));
    }
}

/// The county and township boundary symbols on baseline `ly2`, the township's at
/// `township_x`.
fn boundary_legend(s: &mut String, ly2: f64, township_x: f64, lang: Language) {
    s.push_str(&format!("<line x1=\"0\" y1=\"{ly2:.1}\" x2=\"12\" y2=\"{ly2:.1}\" stroke=\"#333333\" stroke-width=\"2.2\"/><text x=\"16\" y=\"{:.1}\" class=\"leg\">{}</text>\n", ly2 + 5.0, esc(t(lang, "legend_county"))));
    s.push_str(&format!("<line x1=\"{township_x}\" y1=\"{ly2:.1}\" x2=\"{}\" y2=\"{ly2:.1}\" stroke=\"#8a8a8a\" stroke-dasharray=\"4 3\"/><text x=\"{}\" y=\"{:.1}\" class=\"leg\">{}</text>\n", township_x + 12.0, township_x + 16.0, ly2 + 5.0, esc(t(lang, "legend_township"))));
}

/// The scale bar at the right of the legend's second row (`ly2`): a round length near a
/// quarter of the map's width `w_m`.
fn scale_bar(s: &mut String, ly2: f64, w_m: f64, scale: f64) {
    let bar_m = nice_length(w_m / 4.0);
    let bar = bar_m * scale;
    let label = if bar_m >= 1000.0 {
        format!("{} km", bar_m / 1000.0)
    } else {
        format!("{bar_m} m")
    };
    s.push_str(&format!(
        "<path d=\"M{:.1} {:.1}v6h{bar:.1}v-6\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1.5\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"leg\" text-anchor=\"middle\">{label}</text>\n",
        VIEW_W - bar - 10.0,
        ly2 - 4.0,
        VIEW_W - bar / 2.0 - 10.0,
        ly2 - 8.0
    ));
}

fn union(a: Rect<f64>, r: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(r.min().x),
            y: a.min().y.min(r.min().y),
        },
        Coord {
            x: a.max().x.max(r.max().x),
            y: a.max().y.max(r.max().y),
        },
    )
}

fn extent(b: &RunBundle) -> Option<Rect<f64>> {
    let map = b.map;
    let mut rects: Vec<Rect<f64>> = map
        .counties
        .iter()
        .chain(&map.townships)
        .filter_map(|a| a.shape_m.bounding_rect())
        .collect();
    if rects.is_empty() {
        rects.extend(map.demand.cells.iter().filter_map(|c| match &c.shape_m {
            Some(s) => s.bounding_rect(),
            None => Some(Rect::new(c.pos, c.pos)),
        }));
        rects.extend(map.schools.iter().map(|s| Rect::new(s.pos, s.pos)));
    }
    rects.into_iter().reduce(union)
}

fn intersects(a: &Rect<f64>, r: &Rect<f64>) -> bool {
    a.min().x <= r.max().x
        && r.min().x <= a.max().x
        && a.min().y <= r.max().y
        && r.min().y <= a.max().y
}

/// An SVG marker of a level's shape centred on (x, y).
pub fn marker(level: Level, x: f64, y: f64, size: f64, fill: &str, extra: &str) -> String {
    let shape = LEVEL_SYMBOLS
        .iter()
        .find(|s| s.0 == level)
        .map_or("circle", |s| s.2);
    let r = size / 2.0;
    let poly = |pts: &[(f64, f64)]| {
        let p: Vec<String> = pts
            .iter()
            .map(|(dx, dy)| format!("{:.1},{:.1}", x + dx * r, y + dy * r))
            .collect();
        format!(
            "<polygon points=\"{}\" fill=\"{fill}\" {extra}/>",
            p.join(" ")
        )
    };
    match shape {
        "square" => format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{size:.1}\" height=\"{size:.1}\" fill=\"{fill}\" {extra}/>",
            x - r,
            y - r
        ),
        "triangle" => poly(&[(0.0, -1.15), (1.0, 0.75), (-1.0, 0.75)]),
        "diamond" => poly(&[(0.0, -1.2), (1.2, 0.0), (0.0, 1.2), (-1.2, 0.0)]),
        "pentagon" | "hexagon" | "star" => {
            let n = if shape == "hexagon" { 6 } else { 5 };
            let pts: Vec<(f64, f64)> = (0..n)
                .map(|k| {
                    let a = std::f64::consts::PI * 2.0 * k as f64 / n as f64
                        - std::f64::consts::FRAC_PI_2;
                    (1.1 * a.cos(), 1.1 * a.sin())
                })
                .collect();
            poly(&pts)
        }
        _ => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"{fill}\" {extra}/>"),
    }
}

/// A five-pointed star (proposed sites).
pub fn star(x: f64, y: f64, r: f64, fill: &str) -> String {
    let pts: Vec<String> = (0..10)
        .map(|k| {
            let a = std::f64::consts::PI * k as f64 / 5.0 - std::f64::consts::FRAC_PI_2;
            let rr = if k % 2 == 0 { r } else { r * 0.45 };
            format!("{:.1},{:.1}", x + rr * a.cos(), y + rr * a.sin())
        })
        .collect();
    format!(
        "<polygon points=\"{}\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"1\"/>",
        pts.join(" ")
    )
}

fn nice_length(max_m: f64) -> f64 {
    let p = 10f64.powf(max_m.log10().floor());
    [5.0, 2.0, 1.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v <= max_m)
        .unwrap_or(p)
}

/// Estimated width of a label in viewBox units (CJK characters are square, Latin ones narrower).
pub fn label_width(text: &str, px: f64) -> f64 {
    text.chars()
        .map(|c| if (c as u32) > 0x2e80 { px } else { 0.6 * px })
        .sum()
}

/// A box: (x0, y0, x1, y1) in viewBox units.
pub type LabelBox = (f64, f64, f64, f64);

fn overlaps(a: &LabelBox, b: &LabelBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Greedy label placement: for each (anchor x, y, marker radius, width, height), in priority
/// order, the first of right / left / above / below that overlaps no placed label, no `blocked`
/// box and stays inside `bounds`; `None` when none fits or `max` labels are placed.
pub fn place_labels(
    items: &[(f64, f64, f64, f64, f64)],
    blocked: &[LabelBox],
    bounds: LabelBox,
    max: usize,
) -> Vec<Option<LabelBox>> {
    let mut placed: Vec<LabelBox> = Vec::new();
    items
        .iter()
        .map(|&(x, y, r, w, h)| {
            if placed.len() >= max {
                return None;
            }
            let gap = r + 2.0;
            let candidates = [
                (x + gap, y - h / 2.0),
                (x - gap - w, y - h / 2.0),
                (x - w / 2.0, y - gap - h),
                (x - w / 2.0, y + gap),
            ];
            let chosen = candidates
                .iter()
                .map(|&(x0, y0)| (x0, y0, x0 + w, y0 + h))
                .find(|bx| {
                    bx.0 >= bounds.0
                        && bx.1 >= bounds.1
                        && bx.2 <= bounds.2
                        && bx.3 <= bounds.3
                        && !placed.iter().any(|p| overlaps(p, bx))
                        && !blocked.iter().any(|p| overlaps(p, bx))
                });
            if let Some(bx) = chosen {
                placed.push(bx);
            }
            chosen
        })
        .collect()
}

/// The maps of one level: the whole map, then the central-district close-up when there is one.
pub fn level_maps(
    b: &RunBundle,
    level: Level,
    gaps: &[GapArea],
    areas: &[AreaStat],
    lang: Language,
) -> Vec<MapOut> {
    let Some(full) = extent(b) else {
        return Vec::new();
    };
    let inset = central_district(b);
    let mut out = Vec::new();
    let name = level_name(lang, level);
    if let Some(svg) = draw(b, level, gaps, areas, lang, full, "all", inset.as_ref()) {
        out.push(MapOut {
            caption: format!("{} {name}", t(lang, "map_of")),
            stem: format!("map-{}", level.name()),
            svg,
        });
    }
    if let Some(ins) = &inset {
        // Frame the close-up with a margin of 5 % of its larger side.
        let pad = 0.05 * ins.rect_m.width().max(ins.rect_m.height());
        let r = Rect::new(
            Coord {
                x: ins.rect_m.min().x - pad,
                y: ins.rect_m.min().y - pad,
            },
            Coord {
                x: ins.rect_m.max().x + pad,
                y: ins.rect_m.max().y + pad,
            },
        );
        if let Some(svg) = draw(b, level, gaps, areas, lang, r, "centre", None) {
            out.push(MapOut {
                caption: format!(
                    "{} {name} — {}: {}",
                    t(lang, "map_of"),
                    t(lang, "central_district"),
                    ins.names
                        .join(if lang == Language::Zh { "、" } else { ", " })
                ),
                stem: format!("map-{}-centre", level.name()),
                svg,
            });
        }
    }
    out
}

/// `<title>` text: one `label: value` per line.
fn title_lines(lines: &[(String, String)]) -> String {
    let text: Vec<String> = lines.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("<title>{}</title>", esc(&text.join("\n")))
}

fn school_title(b: &RunBundle, j: usize, level: Level, lang: Language) -> String {
    let s = &b.map.schools[j];
    let mut lines = vec![
        (
            t(lang, "name").to_string(),
            if s.name.is_empty() {
                s.id.clone()
            } else {
                format!("{} ({})", s.name, s.id)
            },
        ),
        (
            t(lang, "level").to_string(),
            format!(
                "{} · {}",
                level_name(lang, s.level),
                t(lang, s.status.name())
            ),
        ),
    ];
    if let Some(lc) = b.coverage.level(level) {
        let load = lc.school_load(j);
        lines.push((
            t(lang, "seats").into(),
            load.seats.map_or_else(|| "–".into(), |x| human(x, 0)),
        ));
        lines.push((
            t(lang, "nearest_demand").into(),
            human(load.nearest_demand, 0),
        ));
        lines.push((t(lang, "utilisation").into(), percent(load.utilisation)));
    }
    title_lines(&lines)
}

fn township_title(a: &AreaStat, lang: Language) -> String {
    let mut lines = vec![(
        t(lang, "name").to_string(),
        format!("{} ({})", a.name, a.code),
    )];
    for l in &a.levels {
        lines.push((
            level_name(lang, l.level).to_string(),
            format!(
                "{} {} · {} {} · {} {}",
                t(lang, "coverage"),
                percent(l.coverage),
                t(lang, "demand"),
                human(l.demand, 0),
                t(lang, "seats"),
                human(l.seats, 0)
            ),
        ));
    }
    title_lines(&lines)
}

fn gap_title(g: &GapArea, unit: CostUnit, lang: Language) -> String {
    let u = unit.symbol();
    let zh = lang == Language::Zh;
    let mut lines = vec![
        (
            t(lang, "legend_gap").to_string(),
            format!(
                "{} {} · {}",
                level_name(lang, g.level),
                g.id,
                super::gapdoc::kind_text(g, lang)
            ),
        ),
        (t(lang, "township").into(), super::gapdoc::place_text(g)),
        (
            if zh { "适龄儿童" } else { "Children" }.into(),
            human(g.demand, 0),
        ),
        (t(lang, "area_km2").into(), human(g.area_km2, 2)),
        (
            if zh {
                "最近有余位学校"
            } else {
                "Nearest school with seats"
            }
            .into(),
            match (&g.nearest_school, g.nearest_cost) {
                (Some(s), Some(d)) => format!("{s} · {} {u}", human(d, 0)),
                _ => t(lang, "unreachable").into(),
            },
        ),
    ];
    lines.push((
        if zh { "建议" } else { "Fix" }.into(),
        super::gapdoc::fix_text(g, lang),
    ));
    title_lines(&lines)
}

/// Colour of a gap of a kind: distance gaps red-orange, seats gaps purple.
fn gap_colour(kind: crate::coverage::gaps::GapKind) -> &'static str {
    match kind {
        crate::coverage::gaps::GapKind::Distance => "#d7301f",
        crate::coverage::gaps::GapKind::Seats => "#6a51a3",
    }
}

/// The gap map of one level (`gaps-<level>.svg`): township and county boundaries, the gaps
/// coloured by kind (distance, seats; scattered lines paler), the schools of the level as dots,
/// and for the ten largest gaps their rank at the centre cell and their best site (a star).
/// `None` when the level is not measured or the map has no extent.
pub fn gap_map(
    b: &RunBundle,
    level: Level,
    gaps: &[GapArea],
    areas: &[AreaStat],
    lang: Language,
) -> Option<MapOut> {
    let map = b.map;
    b.coverage.level(level)?;
    let (f, w_m) = Frame::fit(extent(b)?);
    let zh = lang == Language::Zh;
    let name = level_name(lang, level);
    let caption = format!(
        "{} {name}",
        if zh {
            "覆盖缺口:"
        } else {
            "Coverage gaps of"
        }
    );
    let id = format!("map-gaps-{}", level.name());
    let mut s = open_map(f.h, &id, &caption, "bold 11px sans-serif");
    township_areas(&mut s, &f, map, areas, lang, None);
    let of_level: Vec<&GapArea> = gaps.iter().filter(|g| g.level == level).collect();
    gap_shapes(&mut s, &f, b, &of_level, lang);
    county_lines(&mut s, &f, map);
    for (j, sc) in map
        .schools
        .iter()
        .enumerate()
        .filter(|(_, x)| x.serves(level))
    {
        let (x, y) = f.xy(sc.pos);
        s.push_str(&format!(
            "<g class=\"mk hit school\" transform=\"translate({x:.1} {y:.1})\" data-x=\"{x:.1}\" data-y=\"{y:.1}\"><circle r=\"3\" fill=\"#252525\"/>{}</g>\n",
            school_title(b, j, level, lang)
        ));
    }
    top_gap_marks(&mut s, &f, map, &of_level, lang);
    let ly = open_legend(&mut s, f.h);
    gap_legend(&mut s, ly, lang);
    let ly2 = ly + 26.0;
    boundary_legend(&mut s, ly2, 260.0, lang);
    scale_bar(&mut s, ly2, w_m, f.scale);
    s.push_str("</svg>");
    Some(MapOut {
        caption,
        stem: format!("gaps-{}", level.name()),
        svg: s,
    })
}

/// The gaps of a level coloured by kind: scattered lines first (underneath, paler), then the
/// listed gaps from the smallest up.
fn gap_shapes(s: &mut String, f: &Frame, b: &RunBundle, of_level: &[&GapArea], lang: Language) {
    let mut order: Vec<&GapArea> = of_level.to_vec();
    order.sort_by(|a, c| c.scattered.cmp(&a.scattered).then(c.rank.cmp(&a.rank)));
    for g in order {
        let colour = gap_colour(g.kind);
        let opacity = if g.scattered { 0.25 } else { 0.6 };
        match &g.shape {
            GapShape::Polygons { shape_m, .. } => s.push_str(&format!(
                "<path class=\"hit gap\" d=\"{}\" fill=\"{colour}\" fill-opacity=\"{opacity}\" stroke=\"{colour}\" stroke-width=\"0.8\" fill-rule=\"evenodd\" vector-effect=\"non-scaling-stroke\">{}</path>\n",
                f.path(shape_m),
                gap_title(g, b.coverage.unit, lang)
            )),
            GapShape::Points { points_m, .. } => {
                let mut d = String::new();
                for p in points_m {
                    let (x, y) = f.xy(*p);
                    d.push_str(&format!("M{:.1} {:.1}h4v4h-4Z", x - 2.0, y - 2.0));
                }
                s.push_str(&format!(
                    "<path class=\"hit gap\" d=\"{d}\" fill=\"{colour}\" fill-opacity=\"{opacity}\">{}</path>\n",
                    gap_title(g, b.coverage.unit, lang)
                ));
            }
        }
    }
}

/// The ten largest gaps of a level: their best site (a star), then their rank badge at the
/// centre cell.
fn top_gap_marks(
    s: &mut String,
    f: &Frame,
    map: &crate::model::Map,
    of_level: &[&GapArea],
    lang: Language,
) {
    let zh = lang == Language::Zh;
    let top: Vec<&GapArea> = of_level
        .iter()
        .copied()
        .filter(|g| !g.scattered && g.rank <= 10)
        .collect();
    for g in &top {
        if let Some(site) = &g.site {
            let (x, y) = f.xy(site.pos);
            s.push_str(&format!(
                "<g class=\"mk hit site\" transform=\"translate({x:.1} {y:.1})\" data-x=\"{x:.1}\" data-y=\"{y:.1}\">{}{}</g>\n",
                star(0.0, 0.0, 8.0, "#fd8d3c"),
                title_lines(&[
                    (
                        if zh { "建议选址" } else { "Best site" }.to_string(),
                        format!("{} → {}", site.id, g.id),
                    ),
                    (
                        if zh { "可覆盖儿童" } else { "Children reached" }.to_string(),
                        human(site.children, 0),
                    ),
                ])
            ));
        }
    }
    for g in &top {
        let Some(c) = g
            .centre
            .as_ref()
            .and_then(|id| map.demand.cells.iter().find(|c| &c.id == id))
        else {
            continue;
        };
        let (x, y) = f.xy(c.pos);
        s.push_str(&format!(
            "<g class=\"mk\" transform=\"translate({x:.1} {y:.1})\" data-x=\"{x:.1}\" data-y=\"{y:.1}\"><circle r=\"8\" fill=\"#ffffff\" stroke=\"{}\" stroke-width=\"2\" class=\"nohit\"/><text class=\"lb\" text-anchor=\"middle\" y=\"4\">{}</text></g>\n",
            gap_colour(g.kind),
            g.rank
        ));
    }
}

/// The first legend row of a gap map: the gap kinds, scattered lines, best sites, schools.
fn gap_legend(s: &mut String, ly: f64, lang: Language) {
    use crate::coverage::gaps::GapKind;
    let zh = lang == Language::Zh;
    let swatch = |x: f64, colour: &str, opacity: f64| {
        format!("<rect x=\"{x}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{colour}\" fill-opacity=\"{opacity}\" stroke=\"{colour}\"/>", ly - 6.0)
    };
    let items: [(f64, String, &str); 5] = [
        (
            0.0,
            swatch(0.0, gap_colour(GapKind::Distance), 0.6),
            if zh {
                "距离缺口(服务半径内无学校)"
            } else {
                "distance gap (no school in reach)"
            },
        ),
        (
            260.0,
            swatch(260.0, gap_colour(GapKind::Seats), 0.6),
            if zh {
                "学位缺口(半径内学校已满)"
            } else {
                "seats gap (schools in reach full)"
            },
        ),
        (
            520.0,
            swatch(520.0, gap_colour(GapKind::Distance), 0.25),
            if zh {
                "零散缺口(淡色)"
            } else {
                "scattered (pale)"
            },
        ),
        (
            700.0,
            star(706.0, ly, 8.0, "#fd8d3c"),
            if zh {
                "最佳选址(前十)"
            } else {
                "best site (top ten)"
            },
        ),
        (
            860.0,
            format!("<circle cx=\"866\" cy=\"{ly:.1}\" r=\"2.5\" fill=\"#252525\"/>"),
            t(lang, "legend_school"),
        ),
    ];
    legend_row(s, ly, &items);
}

/// A label to place: anchor x, y, marker radius, text, priority (higher first).
type LabelItem = (f64, f64, f64, String, f64);

/// Draws one map of `level` framing `view` (local metres). `id` makes ids unique in a page;
/// `inset` is drawn as a frame on the whole map.
#[allow(clippy::too_many_arguments)]
fn draw(
    b: &RunBundle,
    level: Level,
    gaps: &[GapArea],
    areas: &[AreaStat],
    lang: Language,
    view: Rect<f64>,
    id: &str,
    inset: Option<&Inset>,
) -> Option<String> {
    let map = b.map;
    let lc = b.coverage.level(level)?;
    let (f, w_m) = Frame::fit(view);
    // What lies in view (with a margin of 2 % for shapes crossing the edge).
    let margin = 0.02 * w_m.max(view.height().max(1.0));
    let seen = Rect::new(
        Coord {
            x: view.min().x - margin,
            y: view.min().y - margin,
        },
        Coord {
            x: view.max().x + margin,
            y: view.max().y + margin,
        },
    );
    let label = format!("{} {}", t(lang, "map_of"), level_name(lang, level));
    let uid = format!("map-{}-{id}", level.name());
    let mut s = open_map(f.h, &uid, &label, "11px sans-serif");
    cell_layer(&mut s, &f, map, lc, &seen);
    township_areas(&mut s, &f, map, areas, lang, Some(&seen));
    gap_layer(&mut s, &f, b, level, gaps, lang, &seen);
    county_lines(&mut s, &f, map);
    let serving: Vec<usize> = (0..map.schools.len())
        .filter(|&j| map.schools[j].serves(level) && inside(&seen, map.schools[j].pos))
        .collect();
    if b.coverage.unit == CostUnit::M && b.coverage.mode == DistanceMode::Straight {
        for &j in &serving {
            let (x, y) = f.xy(map.schools[j].pos);
            s.push_str(&format!(
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1\" stroke-opacity=\"0.6\" class=\"nohit\" vector-effect=\"non-scaling-stroke\"/>\n",
                lc.radius * f.scale,
                level_hex(map.schools[j].level)
            ));
        }
    }
    if let Some(ins) = inset {
        inset_frame(&mut s, &f, ins);
    }
    // Markers (school, then proposals on top), at screen size; then their labels.
    let mut blocked: Vec<LabelBox> = Vec::new();
    let mut label_items: Vec<LabelItem> = Vec::new();
    for &j in &serving {
        let sc = &map.schools[j];
        let (x, y) = f.xy(sc.pos);
        s.push_str(&format!(
            "<g class=\"mk hit school\" transform=\"translate({x:.1} {y:.1})\" data-x=\"{x:.1}\" data-y=\"{y:.1}\">{}{}</g>\n",
            marker(
                sc.level,
                0.0,
                0.0,
                11.0,
                &level_hex(sc.level),
                "stroke=\"#222222\" stroke-width=\"1\""
            ),
            school_title(b, j, level, lang)
        ));
        blocked.push((x - 6.0, y - 6.0, x + 6.0, y + 6.0));
        let seats = lc.school_load(j).seats.unwrap_or(0.0);
        let text = if sc.name.is_empty() { &sc.id } else { &sc.name };
        label_items.push((x, y, 6.0, text.clone(), seats));
    }
    proposal_markers(
        &mut s,
        &f,
        b,
        level,
        lang,
        &seen,
        &mut blocked,
        &mut label_items,
    );
    let max = if id == "centre" {
        MAX_LABELS.1
    } else {
        MAX_LABELS.0
    };
    labels(&mut s, f.h, label_items, &blocked, max);
    let ly = open_legend(&mut s, f.h);
    legend(&mut s, b, level, lang, ly);
    scale_bar(&mut s, ly + 26.0, w_m, f.scale);
    s.push_str("</svg>");
    Some(s)
}

/// The level's population cells in `seen`, covered and uncovered as two paths; none when
/// more than [`MAX_CELLS_DRAWN`] are in view.
fn cell_layer(
    s: &mut String,
    f: &Frame,
    map: &crate::model::Map,
    lc: &crate::coverage::LevelCoverage,
    seen: &Rect<f64>,
) {
    let cells: Vec<usize> = (0..map.demand.cells.len())
        .filter(|&i| lc.demand[i] > 0.0 && inside(seen, map.demand.cells[i].pos))
        .collect();
    if cells.len() > MAX_CELLS_DRAWN {
        return;
    }
    let (mut cov, mut unc) = (String::new(), String::new());
    for &i in &cells {
        let c = &map.demand.cells[i];
        let target = if lc.covered[i] { &mut cov } else { &mut unc };
        match &c.shape_m {
            // A grid cell (one quadrilateral): its bounding box, 25 bytes instead of 60; at
            // these scales the two differ by less than half a unit.
            Some(mp) if mp.0.len() == 1 && mp.0[0].exterior().0.len() <= 5 => {
                if let Some(r) = mp.bounding_rect() {
                    let (x0, y0) = f.xy(Coord {
                        x: r.min().x,
                        y: r.max().y,
                    });
                    let (x1, y1) = f.xy(Coord {
                        x: r.max().x,
                        y: r.min().y,
                    });
                    target.push_str(&format!(
                        "M{x0:.1} {y0:.1}h{:.1}v{:.1}h{:.1}Z",
                        x1 - x0,
                        y1 - y0,
                        x0 - x1
                    ));
                }
            }
            Some(mp) => target.push_str(&f.path(mp)),
            None => {
                let (x, y) = f.xy(c.pos);
                target.push_str(&format!("M{:.1} {:.1}h2v2h-2Z", x - 1.0, y - 1.0));
            }
        }
    }
    s.push_str(&format!("<path d=\"{cov}\" fill=\"#d9f0d3\" stroke=\"none\" class=\"nohit\"/>\n<path d=\"{unc}\" fill=\"#fde0c5\" stroke=\"none\" class=\"nohit\"/>\n"));
}

/// The level's gap areas in `seen`, one colour, clickable.
fn gap_layer(
    s: &mut String,
    f: &Frame,
    b: &RunBundle,
    level: Level,
    gaps: &[GapArea],
    lang: Language,
    seen: &Rect<f64>,
) {
    let (gr, gg, gb) = GAP_COLOURS[3];
    for g in gaps.iter().filter(|g| g.level == level) {
        match &g.shape {
            GapShape::Polygons { shape_m, .. } => {
                if !shape_m
                    .bounding_rect()
                    .is_some_and(|r| intersects(&r, seen))
                {
                    continue;
                }
                s.push_str(&format!(
                    "<path class=\"hit gap\" d=\"{}\" fill=\"rgb({gr},{gg},{gb})\" fill-opacity=\"0.35\" stroke=\"rgb({gr},{gg},{gb})\" stroke-width=\"1.5\" fill-rule=\"evenodd\" vector-effect=\"non-scaling-stroke\">{}</path>\n",
                    f.path(shape_m),
                    gap_title(g, b.coverage.unit, lang)
                ));
            }
            GapShape::Points { points_m, .. } => {
                let mut d = String::new();
                for p in points_m.iter().filter(|p| inside(seen, **p)) {
                    let (x, y) = f.xy(*p);
                    d.push_str(&format!("M{:.1} {:.1}h4v4h-4Z", x - 2.0, y - 2.0));
                }
                if !d.is_empty() {
                    s.push_str(&format!(
                        "<path class=\"hit gap\" d=\"{d}\" fill=\"rgb({gr},{gg},{gb})\" fill-opacity=\"0.6\">{}</path>\n",
                        gap_title(g, b.coverage.unit, lang)
                    ));
                }
            }
        }
    }
}

/// The close-up's frame, drawn on the whole map.
fn inset_frame(s: &mut String, f: &Frame, ins: &Inset) {
    let (x0, y0) = f.xy(Coord {
        x: ins.rect_m.min().x,
        y: ins.rect_m.max().y,
    });
    let (x1, y1) = f.xy(Coord {
        x: ins.rect_m.max().x,
        y: ins.rect_m.min().y,
    });
    s.push_str(&format!(
        "<rect x=\"{x0:.1}\" y=\"{y0:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"#c81e1e\" stroke-width=\"2\" class=\"nohit\" vector-effect=\"non-scaling-stroke\"/>\n",
        x1 - x0,
        y1 - y0
    ));
}

/// The proposals of (or serving) the level in `seen` as stars with their figures; each blocks
/// labels from its marker and asks for its own label first.
#[allow(clippy::too_many_arguments)]
fn proposal_markers(
    s: &mut String,
    f: &Frame,
    b: &RunBundle,
    level: Level,
    lang: Language,
    seen: &Rect<f64>,
    blocked: &mut Vec<LabelBox>,
    label_items: &mut Vec<LabelItem>,
) {
    for p in b
        .proposals
        .iter()
        .filter(|p| p.level.serves(level) || p.level == level)
    {
        let Some((px, py)) = b.map.projection.to_local(p.lonlat.x, p.lonlat.y) else {
            continue;
        };
        let pos = Coord { x: px, y: py };
        if !inside(seen, pos) {
            continue;
        }
        let (x, y) = f.xy(pos);
        let title = title_lines(&[
            (
                t(lang, "legend_proposal").into(),
                format!("{} ({})", p.id, proposal_kind_name(lang, p.kind)),
            ),
            (
                t(lang, "name").into(),
                format!("{} ({})", p.name, p.site_id),
            ),
            (
                t(lang, "newly_covered").into(),
                human(p.demand_newly_covered, 0),
            ),
            (
                t(lang, "seats_added").into(),
                p.seats_added.map_or_else(|| "–".into(), |x| human(x, 0)),
            ),
        ]);
        s.push_str(&format!(
            "<g class=\"mk hit proposal\" transform=\"translate({x:.1} {y:.1})\" data-x=\"{x:.1}\" data-y=\"{y:.1}\">{}{title}</g>\n",
            star(0.0, 0.0, 10.0, "#e41a1c")
        ));
        blocked.push((x - 9.0, y - 9.0, x + 9.0, y + 9.0));
        label_items.push((x, y, 9.0, p.id.clone(), f64::INFINITY));
    }
}

/// Labels: proposals first, then the largest schools; never overlapping each other or a
/// marker, at most `max`, inside a map `h` units high.
fn labels(s: &mut String, h: f64, mut items: Vec<LabelItem>, blocked: &[LabelBox], max: usize) {
    items.sort_by(|a, c| c.4.total_cmp(&a.4).then_with(|| a.3.cmp(&c.3)));
    let boxes: Vec<(f64, f64, f64, f64, f64)> = items
        .iter()
        .map(|(x, y, r, text, _)| (*x, *y, *r, label_width(text, LABEL_PX), LABEL_PX + 2.0))
        .collect();
    let placed = place_labels(&boxes, blocked, (0.0, 0.0, VIEW_W, h), max);
    for ((x, y, _, text, _), bx) in items.iter().zip(&placed) {
        if let Some((x0, y0, _, _)) = bx {
            // The label's offset from its marker, so that it follows the marker when zooming.
            s.push_str(&format!(
                "<g class=\"mk\" transform=\"translate({x:.1} {y:.1})\" data-x=\"{x:.1}\" data-y=\"{y:.1}\"><text class=\"lb\" x=\"{:.1}\" y=\"{:.1}\">{}</text></g>\n",
                x0 - x,
                y0 - y + LABEL_PX - 1.0,
                esc(text)
            ));
        }
    }
}

/// The legend of a level map (baseline `ly`): the level's school marker, gaps, proposals,
/// covered and uncovered cells; then boundaries and the marker of another level serving this
/// one (a nine-year school on the primary map).
fn legend(s: &mut String, b: &RunBundle, level: Level, lang: Language, ly: f64) {
    let map = b.map;
    let (gr, gg, gb) = GAP_COLOURS[3];
    let lvl_school = format!("{} {}", level_name(lang, level), t(lang, "legend_school"));
    let items: [(f64, String, &str); 5] = [
        (
            0.0,
            marker(level, 6.0, ly, 11.0, &level_hex(level), "stroke=\"#222222\""),
            &lvl_school,
        ),
        (
            200.0,
            format!("<rect x=\"200\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"rgb({gr},{gg},{gb})\" fill-opacity=\"0.35\" stroke=\"rgb({gr},{gg},{gb})\"/>", ly - 6.0),
            t(lang, "legend_gap"),
        ),
        (400.0, star(406.0, ly, 8.0, "#e41a1c"), t(lang, "legend_proposal")),
        (
            560.0,
            format!("<rect x=\"560\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"#d9f0d3\"/>", ly - 6.0),
            t(lang, "legend_covered"),
        ),
        (
            720.0,
            format!("<rect x=\"720\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"#fde0c5\"/>", ly - 6.0),
            t(lang, "legend_uncovered"),
        ),
    ];
    legend_row(s, ly, &items);
    let ly2 = ly + 26.0;
    boundary_legend(s, ly2, 200.0, lang);
    if let Some(other) = map
        .schools
        .iter()
        .map(|s| s.level)
        .find(|l| *l != level && l.serves(level))
    {
        s.push_str(&marker(
            other,
            406.0,
            ly2,
            11.0,
            &level_hex(other),
            "stroke=\"#222222\"",
        ));
        s.push_str(&format!(
            "<text x=\"416\" y=\"{:.1}\" class=\"leg\">{} {}</text>\n",
            ly2 + 5.0,
            esc(level_name(lang, other)),
            esc(t(lang, "legend_school"))
        ));
    }
}

/// The change map of one level (compare): the cells newly covered (green) or no longer covered
/// (red) from run `a` to run `b`, the schools of the level added in `b` (stars) or closed
/// (crosses), B's boundaries. `None` when the level is not in `b` or nothing can be drawn.
pub fn change_map(
    a: &RunBundle,
    b: &RunBundle,
    level: Level,
    changes: &[super::compare::CellChange],
    lang: Language,
) -> Option<MapOut> {
    let map = b.map;
    b.coverage.level(level)?;
    let full = extent(b)?;
    let before: BTreeMap<&str, &School> =
        a.map.schools.iter().map(|x| (x.id.as_str(), x)).collect();
    let moved: Vec<(&School, bool)> = map
        .schools
        .iter()
        .filter(|x| x.serves(level))
        .filter_map(|sc| opened(&before, sc).map(|added| (sc, added)))
        .collect();
    let changed: BTreeMap<&str, bool> = changes
        .iter()
        .filter(|c| c.level == level)
        .map(|c| (c.id.as_str(), c.newly))
        .collect();
    let (f, w_m) = Frame::fit(change_view(map, &changed, &moved, full));
    let label = format!("{} {}", t(lang, "change_maps"), level_name(lang, level));
    let id = format!("change-{}", level.name());
    let mut s = open_map(f.h, &id, &label, "11px sans-serif");
    let (newly, lost) = changed_cells(&f, a, b, &changed);
    for a_ in &map.townships {
        s.push_str(&format!(
            "<path d=\"{}\" fill=\"none\" stroke=\"#8a8a8a\" stroke-width=\"1\" stroke-dasharray=\"4 3\" class=\"nohit\" vector-effect=\"non-scaling-stroke\"/>\n",
            f.path(&a_.shape_m)
        ));
    }
    s.push_str(&format!("<path d=\"{newly}\" fill=\"#1a9641\" stroke=\"#1a9641\" stroke-width=\"0.5\" class=\"nohit\"/>\n<path d=\"{lost}\" fill=\"#d7191c\" stroke=\"#d7191c\" stroke-width=\"0.5\" class=\"nohit\"/>\n"));
    county_lines(&mut s, &f, map);
    // Other open schools of the level, for orientation.
    let mut others = String::new();
    for sc in map.schools.iter().filter(|x| x.serves(level) && is_open(x)) {
        if moved.iter().any(|(m, _)| m.id == sc.id) {
            continue;
        }
        let (x, y) = f.xy(sc.pos);
        others.push_str(&format!(
            "<g class=\"mk\" transform=\"translate({x:.1} {y:.1})\" data-x=\"{x:.1}\" data-y=\"{y:.1}\"><circle r=\"3\" fill=\"#777\"/></g>"
        ));
    }
    s.push_str(&format!("<g class=\"nohit\">{others}</g>\n"));
    for (sc, added) in &moved {
        s.push_str(&opened_marker(&f, sc, *added, lang));
    }
    let ly = open_legend(&mut s, f.h);
    change_legend(&mut s, ly, lang);
    scale_bar(&mut s, ly + 26.0, w_m, f.scale);
    s.push_str("</svg>");
    Some(MapOut {
        caption: format!("{}: {}", t(lang, "change_maps"), level_name(lang, level)),
        stem: format!("compare-{}", level.name()),
        svg: s,
    })
}

/// Whether a school is open (existing or planned).
fn is_open(x: &School) -> bool {
    x.status != crate::model::Status::Closed
}

/// `Some(true)` when a school is open now and was not open `before` (absent or closed),
/// `Some(false)` when it was open and is closed now, else `None`.
fn opened(before: &BTreeMap<&str, &School>, sc: &School) -> Option<bool> {
    let was_open = before.get(sc.id.as_str()).is_some_and(|w| is_open(w));
    match (is_open(sc), was_open) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// What a change map frames: the changed cells and the schools added or closed, with a margin
/// of 15 %, at least a tenth of the whole map across; the whole map when nothing changes.
fn change_view(
    map: &crate::model::Map,
    changed: &BTreeMap<&str, bool>,
    moved: &[(&School, bool)],
    full: Rect<f64>,
) -> Rect<f64> {
    let focus = map
        .demand
        .cells
        .iter()
        .filter(|c| changed.contains_key(c.id.as_str()))
        .map(|c| {
            c.shape_m
                .as_ref()
                .and_then(|m| m.bounding_rect())
                .unwrap_or(Rect::new(c.pos, c.pos))
        })
        .chain(moved.iter().map(|(sc, _)| Rect::new(sc.pos, sc.pos)))
        .reduce(union);
    let Some(r) = focus else {
        return full;
    };
    let side = (r.width().max(r.height()) * 1.3).max(0.1 * full.width().max(full.height()));
    let c = r.center();
    let half = side / 2.0;
    Rect::new(
        Coord {
            x: c.x - half,
            y: c.y - half * 0.75,
        },
        Coord {
            x: c.x + half,
            y: c.y + half * 0.75,
        },
    )
}

/// The paths of the cells newly covered and no longer covered (shapes from run `b`, else `a`).
fn changed_cells(
    f: &Frame,
    a: &RunBundle,
    b: &RunBundle,
    changed: &BTreeMap<&str, bool>,
) -> (String, String) {
    let cell_shape = |id: &str| {
        [b, a].into_iter().find_map(|bundle| {
            bundle
                .map
                .demand
                .cells
                .iter()
                .find(|c| c.id == id)
                .map(|c| (c.shape_m.clone(), c.pos))
        })
    };
    let (mut newly, mut lost) = (String::new(), String::new());
    for (id, is_new) in changed {
        let Some((shape, pos)) = cell_shape(id) else {
            continue;
        };
        let target = if *is_new { &mut newly } else { &mut lost };
        match &shape {
            Some(mp) => target.push_str(&f.path(mp)),
            None => {
                let (x, y) = f.xy(pos);
                target.push_str(&format!("M{:.1} {:.1}h3v3h-3Z", x - 1.5, y - 1.5));
            }
        }
    }
    (newly, lost)
}

/// A school added (a star) or closed (a cross) on a change map, with its name and level.
fn opened_marker(f: &Frame, sc: &School, added: bool, lang: Language) -> String {
    let (x, y) = f.xy(sc.pos);
    let title = title_lines(&[
        (
            t(
                lang,
                if added {
                    "schools_added"
                } else {
                    "schools_closed"
                },
            )
            .into(),
            if sc.name.is_empty() {
                sc.id.clone()
            } else {
                format!("{} ({})", sc.name, sc.id)
            },
        ),
        (t(lang, "level").into(), level_name(lang, sc.level).into()),
    ]);
    let shape = if added {
        star(0.0, 0.0, 9.0, "#e41a1c")
    } else {
        "<path d=\"M-6 -6L6 6M-6 6L6 -6\" stroke=\"#444\" stroke-width=\"3\"/>".to_string()
    };
    format!(
        "<g class=\"mk hit school\" transform=\"translate({x:.1} {y:.1})\" data-x=\"{x:.1}\" data-y=\"{y:.1}\">{shape}{title}</g>\n"
    )
}

/// The legend of a change map (baseline `ly`).
fn change_legend(s: &mut String, ly: f64, lang: Language) {
    let items: [(f64, String, &str); 4] = [
        (
            0.0,
            format!(
                "<rect x=\"0\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"#1a9641\"/>",
                ly - 6.0
            ),
            t(lang, "newly_covered_pop"),
        ),
        (
            200.0,
            format!(
                "<rect x=\"200\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"#d7191c\"/>",
                ly - 6.0
            ),
            t(lang, "newly_uncovered_pop"),
        ),
        (
            400.0,
            star(406.0, ly, 8.0, "#e41a1c"),
            t(lang, "schools_added"),
        ),
        (
            600.0,
            format!(
                "<path d=\"M600 {:.1}l12 12m-12 0l12 -12\" stroke=\"#444\" stroke-width=\"3\"/>",
                ly - 6.0
            ),
            t(lang, "schools_closed"),
        ),
    ];
    legend_row(s, ly, &items);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_never_overlap_and_avoid_markers() {
        // Twenty markers on a tight diagonal: many labels cannot all fit.
        let items: Vec<(f64, f64, f64, f64, f64)> = (0..20)
            .map(|k| {
                (
                    100.0 + 8.0 * k as f64,
                    100.0 + 5.0 * k as f64,
                    6.0,
                    60.0,
                    13.0,
                )
            })
            .collect();
        let blocked: Vec<LabelBox> = items
            .iter()
            .map(|&(x, y, r, _, _)| (x - r, y - r, x + r, y + r))
            .collect();
        let placed = place_labels(&items, &blocked, (0.0, 0.0, 1000.0, 1000.0), 60);
        let boxes: Vec<LabelBox> = placed.iter().flatten().copied().collect();
        assert!(!boxes.is_empty() && boxes.len() < 20, "{}", boxes.len());
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!overlaps(a, b), "{a:?} overlaps {b:?}");
            }
            for m in &blocked {
                assert!(!overlaps(a, m), "{a:?} covers a marker {m:?}");
            }
        }
        // A lone label goes to the right of its marker; the cap is respected.
        let one = place_labels(
            &[(10.0, 50.0, 5.0, 30.0, 10.0)],
            &[],
            (0.0, 0.0, 100.0, 100.0),
            5,
        );
        assert_eq!(one[0], Some((17.0, 45.0, 47.0, 55.0)));
        let none = place_labels(&items, &[], (0.0, 0.0, 1000.0, 1000.0), 0);
        assert!(none.iter().all(Option::is_none));
    }

    #[test]
    fn cjk_labels_are_wider() {
        assert_eq!(label_width("ab", 10.0), 12.0);
        assert_eq!(label_width("新抚", 10.0), 20.0);
    }
}
