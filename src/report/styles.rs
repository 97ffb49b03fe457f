//! QGIS styles (`.qml` beside each layer) and the project `schoolplan.qgs` that opens every
//! layer styled, with relative paths (`./schools.geojson`) and CRS EPSG:4326.
//!
//! - schools: categorised by `level`, one colour and marker shape per level;
//! - coverage: graduated by the distance (or minutes) to the nearest school of one level
//!   (primary when measured, else the first level): 0 – ½r – r – 2r – ∞, green to red;
//! - gaps: graduated by `population`, light to dark red;
//! - areas: outlines only, counties thick, townships thin (rule-based on `kind`);
//! - proposals: categorised by `kind`, stars for new schools, triangles for expansions.
//!
//! The renderers are the QGIS 3 XML (`renderer-v2`), the same text inside the `.qml` files and
//! inside the project's `maplayer` elements.

use super::gaps::GapArea;
use super::layers::cost_key;
use super::text::xml_escape as esc;
use super::RunBundle;
use crate::model::Level;

const QGIS_VERSION: &str = "3.28.0-Firenze";

/// Colour (r, g, b) and QGIS marker shape of each level, in [`Level::ALL`] order.
pub const LEVEL_SYMBOLS: [(Level, (u8, u8, u8), &str); 7] = [
    (Level::Kindergarten, (227, 119, 194), "circle"),
    (Level::Primary, (31, 119, 180), "square"),
    (Level::Junior, (44, 160, 44), "triangle"),
    (Level::NineYear, (23, 190, 207), "diamond"),
    (Level::Senior, (148, 103, 189), "pentagon"),
    (Level::Special, (255, 127, 14), "star"),
    (Level::Vocational, (140, 86, 75), "hexagon"),
];

/// The colour of a level as `#rrggbb`.
pub fn level_hex(level: Level) -> String {
    let (_, (r, g, b), _) = LEVEL_SYMBOLS
        .iter()
        .find(|s| s.0 == level)
        .copied()
        .unwrap_or(LEVEL_SYMBOLS[0]);
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn opt(name: &str, value: &str) -> String {
    format!(
        "<Option type=\"QString\" name=\"{name}\" value=\"{}\"/>",
        esc(value)
    )
}

fn marker(idx: usize, rgb: (u8, u8, u8), shape: &str, size: f64) -> String {
    let (r, g, b) = rgb;
    format!(
        "<symbol type=\"marker\" name=\"{idx}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleMarker\" enabled=\"1\" pass=\"0\" locked=\"0\"><Option type=\"Map\">{}{}{}{}{}{}{}</Option></layer></symbol>",
        opt("name", shape),
        opt("color", &format!("{r},{g},{b},255")),
        opt("outline_color", "35,35,35,255"),
        opt("outline_width", "0.3"),
        opt("outline_width_unit", "MM"),
        opt("size", &format!("{size}")),
        opt("size_unit", "MM"),
    )
}

fn fill(
    idx: usize,
    rgba: (u8, u8, u8, u8),
    outline: (u8, u8, u8),
    width_mm: f64,
    style: &str,
) -> String {
    let (r, g, b, a) = rgba;
    let (or, og, ob) = outline;
    format!(
        "<symbol type=\"fill\" name=\"{idx}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\" locked=\"0\"><Option type=\"Map\">{}{}{}{}{}{}</Option></layer></symbol>",
        opt("color", &format!("{r},{g},{b},{a}")),
        opt("style", style),
        opt("outline_color", &format!("{or},{og},{ob},255")),
        opt("outline_style", "solid"),
        opt("outline_width", &format!("{width_mm}")),
        opt("outline_width_unit", "MM"),
    )
}

fn qml(renderer: &str, geometry_type: u8) -> String {
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"{QGIS_VERSION}\" styleCategories=\"Symbology\">\n{renderer}\n<layerGeometryType>{geometry_type}</layerGeometryType>\n</qgis>\n"
    )
}

/// Renderer of `schools.geojson`.
pub fn schools_renderer() -> String {
    let mut cats = String::new();
    let mut syms = String::new();
    for (k, (level, rgb, shape)) in LEVEL_SYMBOLS.iter().enumerate() {
        cats.push_str(&format!(
            "<category value=\"{}\" symbol=\"{k}\" label=\"{} {}\" render=\"true\"/>",
            level.name(),
            level.name(),
            level.name_zh()
        ));
        syms.push_str(&marker(k, *rgb, shape, 3.2));
    }
    format!(
        "<renderer-v2 type=\"categorizedSymbol\" attr=\"level\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><categories>{cats}</categories><symbols>{syms}</symbols></renderer-v2>"
    )
}

/// `schools.qml`.
pub fn schools_qml() -> String {
    qml(&schools_renderer(), 0)
}

fn graduated(
    attr: &str,
    breaks: &[f64],
    labels: &[String],
    colours: &[(u8, u8, u8)],
    point: bool,
) -> String {
    let mut ranges = String::new();
    let mut syms = String::new();
    for k in 0..breaks.len() - 1 {
        ranges.push_str(&format!(
            "<range lower=\"{}\" upper=\"{}\" symbol=\"{k}\" label=\"{}\" render=\"true\"/>",
            breaks[k],
            breaks[k + 1],
            esc(&labels[k])
        ));
        let (r, g, b) = colours[k];
        syms.push_str(&if point {
            marker(k, (r, g, b), "square", 2.0)
        } else {
            fill(k, (r, g, b, 200), (r, g, b), 0.1, "solid")
        });
    }
    format!(
        "<renderer-v2 type=\"graduatedSymbol\" attr=\"{}\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><ranges>{ranges}</ranges><symbols>{syms}</symbols></renderer-v2>",
        esc(attr)
    )
}

/// The level the coverage style shows: primary when measured, else the first measured level.
pub fn styled_level(b: &RunBundle) -> Option<(Level, f64)> {
    let levels = &b.coverage.levels;
    levels
        .iter()
        .find(|l| l.level == Level::Primary)
        .or(levels.first())
        .map(|l| (l.level, l.radius))
}

/// Renderer of `coverage.geojson`.
pub fn coverage_renderer(b: &RunBundle) -> String {
    let point = b
        .map
        .demand
        .cells
        .first()
        .is_some_and(|c| c.shape_lonlat.is_none());
    let Some((level, r)) = styled_level(b) else {
        return "<renderer-v2 type=\"nullSymbol\"/>".into();
    };
    let unit = b.coverage.unit.symbol();
    let breaks = [0.0, r / 2.0, r, 2.0 * r, 1e12];
    let labels = vec![
        format!("0 – {} {unit}", r / 2.0),
        format!("{} – {} {unit} (covered)", r / 2.0, r),
        format!("{} – {} {unit}", r, 2.0 * r),
        format!("> {} {unit}", 2.0 * r),
    ];
    let colours = [
        (26, 150, 65),
        (166, 217, 106),
        (253, 174, 97),
        (215, 25, 28),
    ];
    graduated(
        &cost_key(level, b.coverage.unit),
        &breaks,
        &labels,
        &colours,
        point,
    )
}

/// `coverage.qml`.
pub fn coverage_qml(b: &RunBundle) -> String {
    let point = b
        .map
        .demand
        .cells
        .first()
        .is_some_and(|c| c.shape_lonlat.is_none());
    qml(&coverage_renderer(b), if point { 0 } else { 2 })
}

/// A "nice" upper bound ≥ x (1, 2, 5 × 10ⁿ).
fn nice_ceil(x: f64) -> f64 {
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

/// Renderer of `gaps.geojson` (population classes from the largest gap).
pub fn gaps_renderer(gaps: &[GapArea]) -> String {
    let max = gaps.iter().map(|g| g.population).fold(0.0, f64::max);
    let top = nice_ceil(max);
    let breaks = [0.0, top / 8.0, top / 4.0, top / 2.0, top];
    let labels: Vec<String> = breaks
        .windows(2)
        .map(|w| format!("{} – {}", w[0], w[1]))
        .collect();
    let colours = [
        (254, 229, 217),
        (252, 174, 145),
        (251, 106, 74),
        (203, 24, 29),
    ];
    let point = gaps
        .iter()
        .any(|g| matches!(g.shape, super::gaps::GapShape::Points { .. }));
    graduated("population", &breaks, &labels, &colours, point)
}

/// `gaps.qml`.
pub fn gaps_qml(gaps: &[GapArea]) -> String {
    qml(&gaps_renderer(gaps), 2)
}

/// Renderer of `areas.geojson`.
pub fn areas_renderer() -> String {
    format!(
        "<renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><rules key=\"root\"><rule key=\"county\" filter=\"{}\" symbol=\"0\" label=\"county 区/县\"/><rule key=\"township\" filter=\"{}\" symbol=\"1\" label=\"township 乡/镇/街道\"/></rules><symbols>{}{}</symbols></renderer-v2>",
        esc("\"kind\" = 'county'"),
        esc("\"kind\" <> 'county'"),
        fill(0, (0, 0, 0, 0), (60, 60, 60), 0.8, "no"),
        fill(1, (0, 0, 0, 0), (120, 120, 120), 0.3, "no"),
    )
}

/// `areas.qml`.
pub fn areas_qml() -> String {
    qml(&areas_renderer(), 2)
}

/// Renderer of `proposals.geojson`.
pub fn proposals_renderer() -> String {
    format!(
        "<renderer-v2 type=\"categorizedSymbol\" attr=\"kind\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><categories><category value=\"new\" symbol=\"0\" label=\"new 新建\" render=\"true\"/><category value=\"expansion\" symbol=\"1\" label=\"expansion 改扩建\" render=\"true\"/></categories><symbols>{}{}</symbols></renderer-v2>",
        marker(0, (228, 26, 28), "star", 5.0),
        marker(1, (255, 127, 0), "triangle", 4.5),
    )
}

/// `proposals.qml`.
pub fn proposals_qml() -> String {
    qml(&proposals_renderer(), 0)
}

const WGS84_SRS: &str = "<spatialrefsys nativeFormat=\"Wkt\"><proj4>+proj=longlat +datum=WGS84 +no_defs</proj4><srsid>3452</srsid><srid>4326</srid><authid>EPSG:4326</authid><description>WGS 84</description><projectionacronym>longlat</projectionacronym><ellipsoidacronym>EPSG:7030</ellipsoidacronym><geographicflag>true</geographicflag></spatialrefsys>";

/// The layers of the project, top to bottom: (name, geometry, renderer).
fn project_layers(b: &RunBundle, gaps: &[GapArea]) -> Vec<(&'static str, &'static str, String)> {
    let point_cells = b
        .map
        .demand
        .cells
        .first()
        .is_some_and(|c| c.shape_lonlat.is_none());
    vec![
        ("proposals", "Point", proposals_renderer()),
        ("schools", "Point", schools_renderer()),
        ("areas", "Polygon", areas_renderer()),
        ("gaps", "Polygon", gaps_renderer(gaps)),
        (
            "coverage",
            if point_cells { "Point" } else { "Polygon" },
            coverage_renderer(b),
        ),
    ]
}

/// `schoolplan.qgs`: a QGIS project opening every layer, styled, with relative paths.
pub fn project_qgs(b: &RunBundle, gaps: &[GapArea]) -> String {
    let title = esc(&b.scenario.title);
    let layers = project_layers(b, gaps);
    let mut tree = String::new();
    let mut maplayers = String::new();
    let mut order = String::new();
    for (name, geom, renderer) in &layers {
        let id = format!("{name}_layer");
        let src = format!("./{name}.geojson");
        tree.push_str(&format!(
            "    <layer-tree-layer id=\"{id}\" name=\"{name}\" source=\"{src}\" providerKey=\"ogr\" checked=\"Qt::Checked\" expanded=\"1\"><customproperties/></layer-tree-layer>\n"
        ));
        order.push_str(&format!("    <layer id=\"{id}\"/>\n"));
        maplayers.push_str(&format!(
            "    <maplayer type=\"vector\" geometry=\"{geom}\" autoRefreshEnabled=\"0\" refreshOnNotifyEnabled=\"0\">\n      <id>{id}</id>\n      <datasource>{src}</datasource>\n      <layername>{name}</layername>\n      <srs>{WGS84_SRS}</srs>\n      <provider encoding=\"UTF-8\">ogr</provider>\n      {renderer}\n    </maplayer>\n"
        ));
    }
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"{title}\" version=\"{QGIS_VERSION}\">\n  <homePath path=\"\"/>\n  <title>{title}</title>\n  <projectCrs>{WGS84_SRS}</projectCrs>\n  <layer-tree-group>\n    <customproperties/>\n{tree}  </layer-tree-group>\n  <projectlayers>\n{maplayers}  </projectlayers>\n  <layerorder>\n{order}  </layerorder>\n  <properties>\n    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n    </Paths>\n  </properties>\n</qgis>\n"
    )
}
