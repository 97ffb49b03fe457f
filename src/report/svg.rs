//! Maps drawn as inline SVG, one per level: county and township boundaries, population cells
//! coloured covered / uncovered, gap areas, the schools serving the level with their radius
//! (metres only), proposed sites, a legend and a scale bar.
//!
//! Geometry is taken in local metres and mapped by a plain affine transform (scale, flip y) to a
//! viewBox 1000 units wide; coordinates are written with one decimal; polygons are simplified
//! (Ramer–Douglas–Peucker) to half a unit, so a county outline stays small. Population cells are
//! drawn only up to [`MAX_CELLS_DRAWN`]; beyond that the map shows gap areas only.

use geo::{BoundingRect, Coord, LineString, MultiPolygon, Rect, Simplify};

use super::gaps::{GapArea, GapShape};
use super::styles::{level_hex, LEVEL_SYMBOLS};
use super::text::{level_name, t, xml_escape as esc};
use super::RunBundle;
use crate::config::{CostUnit, DistanceMode, Language};
use crate::model::Level;

/// Width of the map's viewBox.
pub const VIEW_W: f64 = 1000.0;
/// Population cells drawn at most (beyond, only gap areas are drawn).
pub const MAX_CELLS_DRAWN: usize = 10_000;
const LEGEND_H: f64 = 70.0;
/// Schools are labelled with their id only when a map shows at most this many.
pub const MAX_LABELS: usize = 40;

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

fn extent(b: &RunBundle) -> Option<Rect<f64>> {
    let map = b.map;
    let mut rects: Vec<Rect<f64>> = Vec::new();
    rects.extend(
        map.counties
            .iter()
            .chain(&map.townships)
            .filter_map(|a| a.shape_m.bounding_rect()),
    );
    if rects.is_empty() {
        rects.extend(map.demand.cells.iter().filter_map(|c| match &c.shape_m {
            Some(s) => s.bounding_rect(),
            None => Some(Rect::new(c.pos, c.pos)),
        }));
        rects.extend(map.schools.iter().map(|s| Rect::new(s.pos, s.pos)));
    }
    let first = *rects.first()?;
    Some(rects.iter().fold(first, |acc, r| {
        Rect::new(
            Coord {
                x: acc.min().x.min(r.min().x),
                y: acc.min().y.min(r.min().y),
            },
            Coord {
                x: acc.max().x.max(r.max().x),
                y: acc.max().y.max(r.max().y),
            },
        )
    }))
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
                    let a = std::f64::consts::PI * 2.0 * k as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
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

/// The map of one level as an `<svg>` element, or `None` when there is nothing to draw.
pub fn level_map(b: &RunBundle, level: Level, gaps: &[GapArea], lang: Language) -> Option<String> {
    let map = b.map;
    let lc = b.coverage.level(level)?;
    let ext = extent(b)?;
    let (w_m, h_m) = (ext.width().max(1.0), ext.height().max(1.0));
    let scale = VIEW_W / w_m;
    let h = (h_m * scale).max(200.0);
    let f = Frame {
        min: ext.min(),
        scale,
        h,
    };
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"-10 -10 {} {}\" class=\"map\" role=\"img\" aria-label=\"{}\">\n",
        VIEW_W + 20.0,
        h + LEGEND_H + 20.0,
        esc(&format!("{} {}", t(lang, "map_of"), level_name(lang, level)))
    );
    s.push_str("<style>.lbl{font:11px sans-serif;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:3px}.leg{font:13px sans-serif;fill:#222}</style>\n");
    s.push_str(&format!(
        "<rect x=\"-10\" y=\"-10\" width=\"{}\" height=\"{}\" fill=\"#f7f7f4\"/>\n",
        VIEW_W + 20.0,
        h + 20.0
    ));
    s.push_str(&format!(
        "<defs><clipPath id=\"clip-{0}\"><rect x=\"0\" y=\"0\" width=\"{VIEW_W}\" height=\"{h:.1}\"/></clipPath></defs>\n<g clip-path=\"url(#clip-{0})\">\n",
        level.name()
    ));
    if map.demand.cells.len() <= MAX_CELLS_DRAWN {
        let (mut cov, mut unc) = (String::new(), String::new());
        for (i, c) in map.demand.cells.iter().enumerate() {
            if lc.demand[i] <= 0.0 {
                continue;
            }
            let target = if lc.covered[i] { &mut cov } else { &mut unc };
            match &c.shape_m {
                Some(mp) => target.push_str(&f.path(mp)),
                None => {
                    let (x, y) = f.xy(c.pos);
                    target.push_str(&format!("M{:.1} {:.1}h2v2h-2Z", x - 1.0, y - 1.0));
                }
            }
        }
        s.push_str(&format!("<path d=\"{cov}\" fill=\"#d9f0d3\" stroke=\"none\"/>\n<path d=\"{unc}\" fill=\"#fde0c5\" stroke=\"none\"/>\n"));
    }
    for g in gaps.iter().filter(|g| g.level == level) {
        match &g.shape {
            GapShape::Polygons { shape_m, .. } => s.push_str(&format!(
                "<path d=\"{}\" fill=\"#d7301f\" fill-opacity=\"0.45\" stroke=\"#b30000\" stroke-width=\"1.2\" fill-rule=\"evenodd\"><title>{}</title></path>\n",
                f.path(shape_m),
                esc(&g.id)
            )),
            GapShape::Points { points_m, .. } => {
                for p in points_m {
                    let (x, y) = f.xy(*p);
                    s.push_str(&format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#d7301f\" fill-opacity=\"0.6\"/>\n"));
                }
            }
        }
    }
    for a in &map.townships {
        s.push_str(&format!(
            "<path d=\"{}\" fill=\"none\" stroke=\"#8a8a8a\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\n",
            f.path(&a.shape_m)
        ));
    }
    for a in &map.counties {
        s.push_str(&format!(
            "<path d=\"{}\" fill=\"none\" stroke=\"#333333\" stroke-width=\"2.2\"/>\n",
            f.path(&a.shape_m)
        ));
    }
    let serving: Vec<usize> = (0..map.schools.len())
        .filter(|&j| map.schools[j].serves(level))
        .collect();
    if b.coverage.unit == CostUnit::M && b.coverage.mode == DistanceMode::Straight {
        for &j in &serving {
            let (x, y) = f.xy(map.schools[j].pos);
            s.push_str(&format!(
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1\" stroke-opacity=\"0.6\"/>\n",
                lc.radius * scale,
                level_hex(map.schools[j].level)
            ));
        }
    }
    for &j in &serving {
        let sc = &map.schools[j];
        let (x, y) = f.xy(sc.pos);
        s.push_str(&marker(
            sc.level,
            x,
            y,
            11.0,
            &level_hex(sc.level),
            "stroke=\"#222222\" stroke-width=\"1\"",
        ));
        if serving.len() <= MAX_LABELS {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"lbl\">{}</text>\n",
                x + 8.0,
                y - 6.0,
                esc(&sc.id)
            ));
        }
    }
    for p in b
        .proposals
        .iter()
        .filter(|p| p.level.serves(level) || p.level == level)
    {
        if let Some((px, py)) = map.projection.to_local(p.lonlat.x, p.lonlat.y) {
            let (x, y) = f.xy(Coord { x: px, y: py });
            s.push_str(&star(x, y, 10.0, "#e41a1c"));
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"lbl\">{}</text>\n",
                x + 10.0,
                y + 14.0,
                esc(&p.id)
            ));
        }
    }
    s.push_str("</g>\n");
    // Legend and scale bar below the map.
    let ly = h + 22.0;
    let lvl_school = format!("{} {}", level_name(lang, level), t(lang, "legend_school"));
    let items: [(f64, String, &str); 5] = [
        (0.0, marker(level, 6.0, ly, 11.0, &level_hex(level), "stroke=\"#222222\""), &lvl_school),
        (
            200.0,
            format!("<rect x=\"200\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"#d7301f\" fill-opacity=\"0.45\" stroke=\"#b30000\"/>", ly - 6.0),
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
    for (x, sym, label) in items {
        s.push_str(&sym);
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"leg\">{}</text>\n",
            x + 16.0,
            ly + 5.0,
            esc(label)
        ));
    }
    let ly2 = ly + 26.0;
    s.push_str(&format!("<line x1=\"0\" y1=\"{ly2:.1}\" x2=\"12\" y2=\"{ly2:.1}\" stroke=\"#333333\" stroke-width=\"2.2\"/><text x=\"16\" y=\"{:.1}\" class=\"leg\">{}</text>\n", ly2 + 5.0, esc(t(lang, "legend_county"))));
    s.push_str(&format!("<line x1=\"200\" y1=\"{ly2:.1}\" x2=\"212\" y2=\"{ly2:.1}\" stroke=\"#8a8a8a\" stroke-dasharray=\"4 3\"/><text x=\"216\" y=\"{:.1}\" class=\"leg\">{}</text>\n", ly2 + 5.0, esc(t(lang, "legend_township"))));
    if serving.iter().any(|&j| map.schools[j].level != level) {
        let other = serving
            .iter()
            .map(|&j| map.schools[j].level)
            .find(|l| *l != level)
            .unwrap_or(level);
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
    s.push_str("</svg>");
    Some(s)
}
