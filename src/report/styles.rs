//! QGIS styles: renderers and labels, as `.qml` files beside each layer and inside the project
//! ([`super::qgis`]).
//!
//! - schools: categorised by `level`, one colour and marker shape per level (per-level layers
//!   list only the levels serving it); labelled by `name` at 1:50 000 and larger scales;
//! - coverage: graduated by the distance (or minutes) to the nearest school of one level:
//!   0 – ½r – r – 2r – ∞, green to red (the `.qml` shows primary when measured, else the first
//!   level; the project has one coverage layer per level);
//! - gaps: graduated by `children`, light to dark purple (the `.qml` is rule-based with one rule
//!   per level; the project has one gap layer per level);
//! - areas: outlines only, counties thick, townships thin (rule-based on `kind`), counties
//!   labelled by name at every scale, townships at 1:150 000 and larger;
//! - proposals: categorised by `kind`, stars for new schools, triangles for expansions, labelled
//!   by name at 1:100 000 and larger.
//!
//! Legend labels are in the report language. The renderers are the QGIS 3 XML
//! (`renderer-v2`), the same text inside the `.qml` files and inside the project's `maplayer`
//! elements; QGIS 3.22 reads them (tested with PyQGIS in `tests/report_qgis.rs`).

use super::gaps::GapArea;
use super::layers::cost_key;
use super::numbers::nice_ceil;
use super::text::{level_name, t, xml_escape as esc};
use super::RunBundle;
use crate::config::Language;
use crate::model::Level;

/// The QGIS version written into `.qml` and `.qgs` files (the oldest tested: Debian 12's).
pub const QGIS_VERSION: &str = "3.22.16-Białowieża";

/// Largest scale denominator at which school names are drawn (1:50 000).
pub const SCHOOL_LABEL_MAX_SCALE: f64 = 50_000.0;
/// Largest scale denominator at which township names are drawn (1:150 000).
pub const TOWNSHIP_LABEL_MAX_SCALE: f64 = 150_000.0;
/// Largest scale denominator at which proposal names are drawn (1:100 000).
pub const PROPOSAL_LABEL_MAX_SCALE: f64 = 100_000.0;

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

pub(super) fn qml(renderer: &str, geometry_type: u8) -> String {
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"{QGIS_VERSION}\" styleCategories=\"Symbology\">\n{renderer}\n<layerGeometryType>{geometry_type}</layerGeometryType>\n</qgis>\n"
    )
}

fn qml_labelled(renderer: &str, labeling: &str, geometry_type: u8) -> String {
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"{QGIS_VERSION}\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"1\">\n{renderer}\n{labeling}\n<layerGeometryType>{geometry_type}</layerGeometryType>\n</qgis>\n"
    )
}

/// How a label is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelPlacement {
    /// Around a point, at the cartographic positions (top-right first).
    AroundPoint,
    /// Horizontally over a polygon's centroid (inside the polygon).
    OverCentroid,
}

/// One label style: the field shown, text size and colour, the largest scale denominator at
/// which it shows (`None`: every scale) and the placement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelStyle<'a> {
    /// Field whose value is the label.
    pub field: &'a str,
    /// Text size, points.
    pub size_pt: f64,
    /// Bold text.
    pub bold: bool,
    /// Text colour.
    pub colour: (u8, u8, u8),
    /// Labels show at scales 1:`max_scale` and larger; `None` at every scale.
    pub max_scale: Option<f64>,
    /// Placement.
    pub placement: LabelPlacement,
}

/// The `<settings>` element of one label style (QGIS 3.22 `QgsPalLayerSettings`).
fn label_settings(l: &LabelStyle) -> String {
    let (r, g, b) = l.colour;
    let (placement, flags, dist) = match l.placement {
        LabelPlacement::AroundPoint => (6, 10, 1.0),
        LabelPlacement::OverCentroid => (1, 10, 0.0),
    };
    let (vis, max) = match l.max_scale {
        Some(m) => (1, m),
        None => (0, 0.0),
    };
    format!(
        "<settings calloutType=\"simple\"><text-style fieldName=\"{}\" isExpression=\"0\" fontSize=\"{}\" fontSizeUnit=\"Point\" fontWeight=\"{}\" textColor=\"{r},{g},{b},255\" textOpacity=\"1\" multilineHeight=\"1\"><text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" bufferOpacity=\"0.9\" bufferNoFill=\"1\" bufferJoinStyle=\"128\"/></text-style><text-format wrapChar=\"\" multilineAlign=\"3\"/><placement placement=\"{placement}\" placementFlags=\"{flags}\" dist=\"{dist}\" distUnits=\"MM\" centroidInside=\"1\" centroidWhole=\"0\" fitInPolygonOnly=\"0\" predefinedPositionOrder=\"TR,TL,BR,BL,R,L,TSR,BSR\" priority=\"5\" offsetType=\"0\" quadOffset=\"4\" xOffset=\"0\" yOffset=\"0\" offsetUnits=\"MM\" rotationAngle=\"0\" preserveRotation=\"1\"/><rendering drawLabels=\"1\" scaleVisibility=\"{vis}\" scaleMin=\"1\" scaleMax=\"{max}\" obstacle=\"1\" obstacleFactor=\"1\" obstacleType=\"1\" displayAll=\"0\" upsidedownLabels=\"0\" labelPerPart=\"0\" mergeLines=\"0\" limitNumLabels=\"0\" maxNumLabels=\"2000\" minFeatureSize=\"0\" fontLimitPixelSize=\"0\" zIndex=\"0\"/></settings>",
        esc(l.field),
        l.size_pt,
        if l.bold { 75 } else { 50 },
    )
}

/// A `<labeling type="simple">` element.
pub fn simple_labeling(l: &LabelStyle) -> String {
    format!("<labeling type=\"simple\">{}</labeling>", label_settings(l))
}

/// School names, 8 pt, at 1:50 000 and larger.
pub fn schools_labeling() -> String {
    simple_labeling(&LabelStyle {
        field: "name",
        size_pt: 8.0,
        bold: false,
        colour: (30, 30, 30),
        max_scale: Some(SCHOOL_LABEL_MAX_SCALE),
        placement: LabelPlacement::AroundPoint,
    })
}

/// Proposal names, 8 pt bold red, at 1:100 000 and larger.
pub fn proposals_labeling() -> String {
    simple_labeling(&LabelStyle {
        field: "name",
        size_pt: 8.0,
        bold: true,
        colour: (180, 20, 20),
        max_scale: Some(PROPOSAL_LABEL_MAX_SCALE),
        placement: LabelPlacement::AroundPoint,
    })
}

/// Area names: counties 11 pt bold at every scale, townships 7.5 pt grey at 1:150 000 and
/// larger (rule-based labels).
pub fn areas_labeling() -> String {
    let county = label_settings(&LabelStyle {
        field: "name",
        size_pt: 11.0,
        bold: true,
        colour: (40, 40, 40),
        max_scale: None,
        placement: LabelPlacement::OverCentroid,
    });
    let township = label_settings(&LabelStyle {
        field: "name",
        size_pt: 7.5,
        bold: false,
        colour: (90, 90, 90),
        max_scale: None,
        placement: LabelPlacement::OverCentroid,
    });
    format!(
        "<labeling type=\"rule-based\"><rules key=\"{{6d1bd5a4-0c2f-4a8e-9a52-3c1f0b7e9a01}}\"><rule key=\"{{6d1bd5a4-0c2f-4a8e-9a52-3c1f0b7e9a02}}\" description=\"county\" filter=\"{}\">{county}</rule><rule key=\"{{6d1bd5a4-0c2f-4a8e-9a52-3c1f0b7e9a03}}\" description=\"township\" filter=\"{}\" scalemaxdenom=\"{TOWNSHIP_LABEL_MAX_SCALE}\" scalemindenom=\"1\">{township}</rule></rules></labeling>",
        esc("\"kind\" = 'county'"),
        esc("\"kind\" <> 'county'"),
    )
}

/// Renderer of `schools.geojson`: every level, or only the kinds of school serving `serving`
/// (a nine-year school serves primary and junior).
pub fn schools_renderer(serving: Option<Level>, lang: Language) -> String {
    let mut cats = String::new();
    let mut syms = String::new();
    let kinds = LEVEL_SYMBOLS
        .iter()
        .filter(|(l, _, _)| serving.is_none_or(|s| l.serves(s)));
    for (k, (level, rgb, shape)) in kinds.enumerate() {
        cats.push_str(&format!(
            "<category value=\"{}\" symbol=\"{k}\" label=\"{}\" render=\"true\"/>",
            level.name(),
            esc(level_name(lang, *level))
        ));
        syms.push_str(&marker(k, *rgb, shape, 3.2));
    }
    format!(
        "<renderer-v2 type=\"categorizedSymbol\" attr=\"level\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><categories>{cats}</categories><symbols>{syms}</symbols></renderer-v2>"
    )
}

/// `schools.qml`: every level, labelled by name.
pub fn schools_qml(lang: Language) -> String {
    qml_labelled(&schools_renderer(None, lang), &schools_labeling(), 0)
}

/// The symbol of class `k` of a graduated or rule-based style.
fn class_symbol(k: usize, rgb: (u8, u8, u8), point: bool, gap: bool) -> String {
    let (r, g, b) = rgb;
    match (point, gap) {
        (true, _) => marker(k, rgb, "square", 2.0),
        // Gap areas: translucent, outlined more heavily the larger the class, so the coverage
        // classes stay visible underneath.
        (false, true) => fill(k, (r, g, b, 90), rgb, 0.4 + 0.2 * k as f64, "solid"),
        (false, false) => fill(k, (r, g, b, 200), rgb, 0.1, "solid"),
    }
}

pub(super) fn graduated(
    attr: &str,
    breaks: &[f64],
    labels: &[String],
    colours: &[(u8, u8, u8)],
    point: bool,
) -> String {
    graduated_styled(attr, breaks, labels, colours, point, false)
}

fn graduated_styled(
    attr: &str,
    breaks: &[f64],
    labels: &[String],
    colours: &[(u8, u8, u8)],
    point: bool,
    gap: bool,
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
        syms.push_str(&class_symbol(k, colours[k], point, gap));
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

/// Whether the population cells are points (not polygons).
pub fn point_cells(b: &RunBundle) -> bool {
    b.map
        .demand
        .cells
        .first()
        .is_some_and(|c| c.shape_lonlat.is_none())
}

/// Renderer of `coverage.geojson` for one level with radius `r` (scenario unit).
pub fn coverage_renderer_for(b: &RunBundle, level: Level, r: f64, lang: Language) -> String {
    let unit = b.coverage.unit.symbol();
    let breaks = [0.0, r / 2.0, r, 2.0 * r, 1e12];
    let labels = vec![
        format!(
            "0 – {} {unit} ({})",
            r / 2.0,
            t(lang, "legend_covered_short")
        ),
        format!(
            "{} – {} {unit} ({})",
            r / 2.0,
            r,
            t(lang, "legend_covered_short")
        ),
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
        point_cells(b),
    )
}

/// Renderer of `coverage.qml`: the level of [`styled_level`].
pub fn coverage_renderer(b: &RunBundle, lang: Language) -> String {
    match styled_level(b) {
        Some((level, r)) => coverage_renderer_for(b, level, r, lang),
        None => "<renderer-v2 type=\"nullSymbol\"/>".into(),
    }
}

/// `coverage.qml`.
pub fn coverage_qml(b: &RunBundle, lang: Language) -> String {
    qml(
        &coverage_renderer(b, lang),
        if point_cells(b) { 0 } else { 2 },
    )
}

/// Gap classes, light to dark purple (apart from the coverage's green-to-red).
pub const GAP_COLOURS: [(u8, u8, u8); 4] = [
    (188, 189, 220),
    (158, 154, 200),
    (117, 107, 177),
    (84, 39, 143),
];

/// Children class breaks of gaps: 0, ⅛, ¼, ½ and 1 × a round number ≥ the largest.
fn gap_breaks(gaps: &[&GapArea]) -> [f64; 5] {
    let max = gaps.iter().map(|g| g.demand).fold(0.0, f64::max);
    let top = nice_ceil(max);
    [0.0, top / 8.0, top / 4.0, top / 2.0, top]
}

fn gap_labels(breaks: &[f64; 5]) -> Vec<String> {
    breaks
        .windows(2)
        .map(|w| format!("{} – {}", w[0], w[1]))
        .collect()
}

fn gaps_are_points(gaps: &[GapArea]) -> bool {
    gaps.iter()
        .any(|g| matches!(g.shape, super::gaps::GapShape::Points { .. }))
}

/// Renderer of the gaps of one level (classes of children from its largest gap).
pub fn gaps_renderer_for(gaps: &[GapArea], level: Level) -> String {
    let of_level: Vec<&GapArea> = gaps.iter().filter(|g| g.level == level).collect();
    let breaks = gap_breaks(&of_level);
    graduated_styled(
        "children",
        &breaks,
        &gap_labels(&breaks),
        &GAP_COLOURS,
        gaps_are_points(gaps),
        true,
    )
}

/// Renderer of `gaps.qml`: rule-based, one rule per level (`"level" = '…'`) with its own
/// classes of children, so each level can be switched on alone.
pub fn gaps_renderer(gaps: &[GapArea], lang: Language) -> String {
    let levels: std::collections::BTreeSet<Level> = gaps.iter().map(|g| g.level).collect();
    let point = gaps_are_points(gaps);
    let mut rules = String::new();
    let mut syms = String::new();
    let mut k = 0usize;
    for level in levels {
        let of_level: Vec<&GapArea> = gaps.iter().filter(|g| g.level == level).collect();
        let breaks = gap_breaks(&of_level);
        let labels = gap_labels(&breaks);
        rules.push_str(&format!(
            "<rule key=\"gaps-{0}\" filter=\"{1}\" label=\"{2}\">",
            level.name(),
            esc(&format!("\"level\" = '{}'", level.name())),
            esc(level_name(lang, level))
        ));
        for c in 0..4 {
            rules.push_str(&format!(
                "<rule key=\"gaps-{}-{c}\" filter=\"{}\" symbol=\"{k}\" label=\"{}\"/>",
                level.name(),
                esc(&format!(
                    "\"children\" >= {} AND \"children\" <= {}",
                    breaks[c],
                    breaks[c + 1]
                )),
                esc(&labels[c])
            ));
            syms.push_str(&class_symbol(k, GAP_COLOURS[c], point, true));
            k += 1;
        }
        rules.push_str("</rule>");
    }
    format!(
        "<renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><rules key=\"root\">{rules}</rules><symbols>{syms}</symbols></renderer-v2>"
    )
}

/// `gaps.qml`.
pub fn gaps_qml(gaps: &[GapArea], lang: Language) -> String {
    qml(
        &gaps_renderer(gaps, lang),
        if gaps_are_points(gaps) { 4 } else { 2 },
    )
}

/// Renderer of `areas.geojson`.
pub fn areas_renderer(lang: Language) -> String {
    format!(
        "<renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><rules key=\"root\"><rule key=\"county\" filter=\"{}\" symbol=\"0\" label=\"{}\"/><rule key=\"township\" filter=\"{}\" symbol=\"1\" label=\"{}\"/></rules><symbols>{}{}</symbols></renderer-v2>",
        esc("\"kind\" = 'county'"),
        esc(t(lang, "legend_county")),
        esc("\"kind\" <> 'county'"),
        esc(t(lang, "legend_township")),
        fill(0, (0, 0, 0, 0), (60, 60, 60), 0.8, "no"),
        fill(1, (0, 0, 0, 0), (120, 120, 120), 0.3, "no"),
    )
}

/// `areas.qml`.
pub fn areas_qml(lang: Language) -> String {
    qml_labelled(&areas_renderer(lang), &areas_labeling(), 2)
}

/// Renderer of `proposals.geojson`.
pub fn proposals_renderer(lang: Language) -> String {
    use super::text::proposal_kind_name;
    use crate::model::ProjectKind;
    format!(
        "<renderer-v2 type=\"categorizedSymbol\" attr=\"kind\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><categories><category value=\"new\" symbol=\"0\" label=\"{}\" render=\"true\"/><category value=\"expansion\" symbol=\"1\" label=\"{}\" render=\"true\"/></categories><symbols>{}{}</symbols></renderer-v2>",
        esc(proposal_kind_name(lang, ProjectKind::New)),
        esc(proposal_kind_name(lang, ProjectKind::Expansion)),
        marker(0, (228, 26, 28), "star", 5.0),
        marker(1, (255, 127, 0), "triangle", 4.5),
    )
}

/// `proposals.qml`.
pub fn proposals_qml(lang: Language) -> String {
    qml_labelled(&proposals_renderer(lang), &proposals_labeling(), 0)
}

/// `coverage-change.qml` (compare): rule-based, per level two rules on `change_<level>` —
/// newly covered (green) and no longer covered (red).
pub fn change_qml(b: &RunBundle, changes: &[super::compare::CellChange], lang: Language) -> String {
    let levels: std::collections::BTreeSet<Level> = changes.iter().map(|c| c.level).collect();
    let point = point_cells(b);
    let mut rules = String::new();
    let mut syms = String::new();
    let mut k = 0usize;
    for level in levels {
        for (value, word, rgb) in [
            ("newly_covered", "newly_covered_pop", (26, 150, 65)),
            ("no_longer_covered", "newly_uncovered_pop", (215, 25, 28)),
        ] {
            rules.push_str(&format!(
                "<rule key=\"change-{}-{value}\" filter=\"{}\" symbol=\"{k}\" label=\"{}\"/>",
                level.name(),
                esc(&format!("\"change_{}\" = '{value}'", level.name())),
                esc(&format!("{} {}", level_name(lang, level), t(lang, word)))
            ));
            syms.push_str(&class_symbol(k, rgb, point, false));
            k += 1;
        }
    }
    qml(
        &format!(
            "<renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><rules key=\"root\">{rules}</rules><symbols>{syms}</symbols></renderer-v2>"
        ),
        if point { 0 } else { 2 },
    )
}
