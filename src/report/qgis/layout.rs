//! A print layout per level: A4 landscape (297 × 210 mm) with a title, the map of the level
//! (following the level's map theme, the data extent fitted to the frame), a legend of the
//! level's layers and the outlines, a scale bar in kilometres, a north arrow (QGIS's own
//! `layout_default_north_arrow.svg`, linked to the map), and a note: sources, CRS, the tool and,
//! for synthetic inputs, the warning that the data are not real.
//!
//! Items are written in QGIS 3.22's layout XML (`LayoutItem` with the registry's type ids);
//! attributes left out take QGIS's defaults.

use super::crs::ProjectCrs;
use super::{layer_tree, padded, pseudo_uuid, ProjectGroup};
use crate::config::Language;
use crate::report::inset::Inset;
use crate::report::text::{level_name, t, xml_escape as esc};
use crate::report::RunBundle;

/// An extent in the project CRS: (xmin, ymin, xmax, ymax), metres.
pub type Extent = (f64, f64, f64, f64);

/// Page size, mm.
pub const PAGE_MM: (f64, f64) = (297.0, 210.0);
/// The map frame: x, y, width, height, mm.
pub const MAP_MM: (f64, f64, f64, f64) = (10.0, 20.0, 190.0, 165.0);
/// The right-hand column (legend, close-up): x and width, mm.
pub const SIDE_MM: (f64, f64) = (205.0, 82.0);
/// The close-up of the central district: y and height, mm (in the right-hand column).
pub const INSET_MM: (f64, f64) = (130.0, 55.0);

const TYPE_PAGE: u32 = 65638;
const TYPE_MAP: u32 = 65639;
const TYPE_PICTURE: u32 = 65640;
const TYPE_LABEL: u32 = 65641;
const TYPE_LEGEND: u32 = 65642;
const TYPE_SCALEBAR: u32 = 65646;

fn font(size_pt: f64, bold: bool) -> String {
    format!(
        "Sans Serif,{size_pt},-1,5,{},0,0,0,0,0",
        if bold { 75 } else { 50 }
    )
}

/// The common attributes and children of a layout item.
fn item(
    kind: u32,
    uuid: &str,
    pos: (f64, f64),
    size: (f64, f64),
    z: u32,
    attrs: &str,
    body: &str,
) -> String {
    format!(
        "      <LayoutItem type=\"{kind}\" uuid=\"{{{uuid}}}\" templateUuid=\"{{{uuid}}}\" id=\"\" position=\"{},{},mm\" positionOnPage=\"{},{},mm\" size=\"{},{},mm\" zValue=\"{z}\" visibility=\"1\" positionLock=\"false\" referencePoint=\"0\" itemRotation=\"0\" opacity=\"1\" blendMode=\"0\" excludeFromExports=\"0\" outlineWidthM=\"0.3,mm\" frameJoinStyle=\"miter\" groupUuid=\"\" {attrs}>\n        <FrameColor alpha=\"255\" red=\"0\" green=\"0\" blue=\"0\"/>\n        <BackgroundColor alpha=\"255\" red=\"255\" green=\"255\" blue=\"255\"/>\n        <LayoutObject><customproperties><Option/></customproperties></LayoutObject>\n{body}      </LayoutItem>\n",
        pos.0, pos.1, pos.0, pos.1, size.0, size.1
    )
}

fn label(
    uuid: &str,
    pos: (f64, f64),
    size: (f64, f64),
    text: &str,
    size_pt: f64,
    bold: bool,
) -> String {
    item(
        TYPE_LABEL,
        uuid,
        pos,
        size,
        3,
        &format!(
            "labelText=\"{}\" htmlState=\"0\" halign=\"1\" valign=\"32\" marginX=\"0\" marginY=\"0\" frame=\"false\" background=\"false\"",
            esc(text)
        ),
        &format!(
            "        <LabelFont description=\"{}\" style=\"\"/>\n        <FontColor alpha=\"255\" red=\"20\" green=\"20\" blue=\"20\"/>\n",
            font(size_pt, bold)
        ),
    )
}

/// The close-up's frame on the main map: no fill, a red outline.
fn overview_symbol() -> String {
    "<symbol type=\"fill\" name=\"\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\"><layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\" locked=\"0\"><Option type=\"Map\"><Option type=\"QString\" name=\"color\" value=\"0,0,0,0\"/><Option type=\"QString\" name=\"style\" value=\"no\"/><Option type=\"QString\" name=\"outline_color\" value=\"200,30,30,255\"/><Option type=\"QString\" name=\"outline_style\" value=\"solid\"/><Option type=\"QString\" name=\"outline_width\" value=\"0.6\"/><Option type=\"QString\" name=\"outline_width_unit\" value=\"MM\"/></Option></layer></symbol>".into()
}

/// `ext` widened or heightened to the aspect ratio `w : h`.
pub fn fit_aspect(ext: (f64, f64, f64, f64), w: f64, h: f64) -> (f64, f64, f64, f64) {
    let (x0, y0, x1, y1) = ext;
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let (mut ew, mut eh) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
    if ew / eh > w / h {
        eh = ew * h / w;
    } else {
        ew = eh * w / h;
    }
    (cx - ew / 2.0, cy - eh / 2.0, cx + ew / 2.0, cy + eh / 2.0)
}

/// A round scale-bar segment (1, 2 or 5 × 10ⁿ km) near an eighth of `width_m`, in km.
pub fn segment_km(width_m: f64) -> f64 {
    let target = (width_m / 8.0 / 1000.0).max(0.001);
    let p = 10f64.powf(target.log10().floor());
    [5.0, 2.0, 1.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v <= target)
        .unwrap_or(p)
}

/// The `<Layout>` of one level's group: title, map, close-up, north arrow, scale bar, legend
/// and note, one function each.
pub fn print_layout(
    b: &RunBundle,
    crs: &ProjectCrs,
    extent: (f64, f64, f64, f64),
    inset: Option<(&Inset, Extent)>,
    base: &ProjectGroup,
    group: &ProjectGroup,
    lang: Language,
) -> String {
    // CJK fonts have no bold face; a synthesised one smudges: bold only for Latin text.
    let bold = lang != Language::Zh;
    let ids = Ids(group.level.map(|l| l.name()).unwrap_or("all"));
    let (_, _, mw, mh) = MAP_MM;
    let (x0, y0, x1, y1) = fit_aspect(padded(extent, 0.02), mw, mh);
    let name = format!(
        "{} — {}",
        group.level.map_or("", |l| level_name(lang, l)),
        t(lang, "qgis_layout")
    );
    let title = format!(
        "{} · {}",
        b.scenario.title,
        group.level.map_or(String::new(), |l| format!(
            "{} {}",
            level_name(lang, l),
            t(lang, "qgis_layout_title")
        ))
    );
    let mut s = format!(
        "    <Layout name=\"{}\" units=\"mm\" printResolution=\"300\" worldFileMap=\"\">\n      <Snapper snapToGrid=\"0\" snapToGuides=\"1\" snapToItems=\"1\" tolerance=\"5\"/>\n      <Grid resolution=\"10\" resUnits=\"mm\" offsetX=\"0\" offsetY=\"0\" offsetUnits=\"mm\"/>\n      <PageCollection>\n",
        esc(&name)
    );
    s.push_str(&item(
        TYPE_PAGE,
        &ids.uid("page"),
        (0.0, 0.0),
        PAGE_MM,
        0,
        "frame=\"false\" background=\"true\"",
        "",
    ));
    s.push_str("        <GuideCollection visible=\"1\"/>\n      </PageCollection>\n");
    s.push_str(&label(
        &ids.uid("title"),
        (10.0, 6.0),
        (277.0, 11.0),
        &title,
        16.0,
        true,
    ));
    s.push_str(&main_map(
        &ids,
        crs,
        (x0, y0, x1, y1),
        inset.is_some(),
        group,
    ));
    if let Some((ins, ext)) = inset {
        s.push_str(&close_up(&ids, crs, ins, ext, group, lang, bold));
    }
    s.push_str(&north_arrow(&ids));
    s.push_str(&scale_bar(&ids, segment_km(x1 - x0)));
    s.push_str(&legend(&ids, base, group, inset.is_some(), lang, bold));
    s.push_str(&note(&ids, b, crs, lang));
    s.push_str("      <customproperties><Option type=\"Map\"><Option name=\"singleFile\" type=\"bool\" value=\"true\"/></Option></customproperties>\n      <Atlas enabled=\"0\" hideCoverage=\"0\" filterFeatures=\"0\" sortFeatures=\"0\" coverageLayer=\"\" pageNameExpression=\"\" filenamePattern=\"'output_'||@atlas_featurenumber\"/>\n    </Layout>\n");
    s
}

/// The stable ids of one layout's items (`layout-<level>-<part>`).
struct Ids<'a>(&'a str);

impl Ids<'_> {
    fn uid(&self, part: &str) -> String {
        pseudo_uuid(&format!("layout-{}-{part}", self.0))
    }
}

/// The attributes of a map item following the group's map theme.
fn map_attrs(group: &ProjectGroup) -> String {
    format!(
        "frame=\"true\" background=\"true\" followPreset=\"true\" followPresetName=\"{}\" keepLayerSet=\"false\" drawCanvasItems=\"true\" mapRotation=\"0\" mapFlags=\"0\" labelMargin=\"0,mm\" isTemporal=\"0\"",
        esc(&group.name)
    )
}

/// The map, following the level's theme, with the close-up's frame drawn on it when there is
/// one.
fn main_map(
    ids: &Ids,
    crs: &ProjectCrs,
    (x0, y0, x1, y1): (f64, f64, f64, f64),
    with_inset: bool,
    group: &ProjectGroup,
) -> String {
    let (mx, my, mw, mh) = MAP_MM;
    item(
        TYPE_MAP,
        &ids.uid("map"),
        (mx, my),
        (mw, mh),
        1,
        &map_attrs(group),
        &format!(
            "        <Extent xmin=\"{x0:.1}\" ymin=\"{y0:.1}\" xmax=\"{x1:.1}\" ymax=\"{y1:.1}\"/>\n        <crs>{}</crs>\n        <LayerSet/>\n{}        <AtlasMap atlasDriven=\"0\" scalingMode=\"2\" margin=\"0.1\"/>\n        <labelBlockingItems/>\n",
            crs.srs_xml(),
            if with_inset {
                format!(
                    "        <ComposerMapOverview show=\"1\" name=\"close-up\" uuid=\"{{{}}}\" frameMap=\"{{{}}}\" blendMode=\"0\" inverted=\"0\" centered=\"0\">{}</ComposerMapOverview>\n",
                    ids.uid("overview"),
                    ids.uid("inset"),
                    overview_symbol()
                )
            } else {
                String::new()
            }
        ),
    )
}

/// The central-district close-up at the side, with its caption.
fn close_up(
    ids: &Ids,
    crs: &ProjectCrs,
    ins: &Inset,
    ext: Extent,
    group: &ProjectGroup,
    lang: Language,
    bold: bool,
) -> String {
    let (ix, iw) = SIDE_MM;
    let (iy, ih) = INSET_MM;
    let (a, b2, c, d) = fit_aspect(padded(ext, 0.04), iw, ih);
    let mut s = label(
        &ids.uid("inset-caption"),
        (ix, iy - 7.0),
        (iw, 6.0),
        &format!("{}: {}", t(lang, "central_district"), ins.names.join(", ")),
        8.0,
        bold,
    );
    s.push_str(&item(
        TYPE_MAP,
        &ids.uid("inset"),
        (ix, iy),
        (iw, ih),
        1,
        &map_attrs(group),
        &format!(
            "        <Extent xmin=\"{a:.1}\" ymin=\"{b2:.1}\" xmax=\"{c:.1}\" ymax=\"{d:.1}\"/>\n        <crs>{}</crs>\n        <LayerSet/>\n        <AtlasMap atlasDriven=\"0\" scalingMode=\"2\" margin=\"0.1\"/>\n        <labelBlockingItems/>\n",
            crs.srs_xml()
        ),
    ));
    s
}

/// North arrow in the map's top-right corner.
fn north_arrow(ids: &Ids) -> String {
    let (mx, my, mw, _) = MAP_MM;
    let map_uuid = ids.uid("map");
    item(
        TYPE_PICTURE,
        &ids.uid("north"),
        (mx + mw - 14.0, my + 3.0),
        (11.0, 16.0),
        4,
        &format!(
            "file=\":/images/north_arrows/layout_default_north_arrow.svg\" mode=\"0\" resizeMode=\"0\" anchorPoint=\"0\" pictureRotation=\"0\" northMode=\"0\" northOffset=\"0\" mapUuid=\"{{{map_uuid}}}\" svgFillColor=\"0,0,0,255\" svgBorderColor=\"255,255,255,255\" svgBorderWidth=\"0.2\" frame=\"false\" background=\"false\""
        ),
        "",
    )
}

/// Scale bar under the map's bottom-left corner, segments of `seg` km.
fn scale_bar(ids: &Ids, seg: f64) -> String {
    let (mx, my, _, mh) = MAP_MM;
    let map_uuid = ids.uid("map");
    item(
        TYPE_SCALEBAR,
        &ids.uid("scalebar"),
        (mx + 3.0, my + mh - 14.0),
        (70.0, 11.0),
        4,
        &format!(
            "style=\"Single Box\" mapUuid=\"{{{map_uuid}}}\" unitType=\"km\" unitLabel=\"km\" numMapUnitsPerScaleBarUnit=\"1\" numSegments=\"2\" numSegmentsLeft=\"0\" numSubdivisions=\"1\" numUnitsPerSegment=\"{seg}\" segmentSizeMode=\"0\" minBarWidth=\"50\" maxBarWidth=\"150\" height=\"2.5\" lineWidth=\"0.3\" labelBarSpace=\"2\" boxContentSpace=\"1\" alignment=\"0\" frame=\"false\" background=\"true\""
        ),
        "        <text-style fontSize=\"8\" fontSizeUnit=\"Point\" textColor=\"0,0,0,255\" textOpacity=\"1\"/>\n        <fillColor alpha=\"255\" red=\"0\" green=\"0\" blue=\"0\"/>\n        <fillColor2 alpha=\"255\" red=\"255\" green=\"255\" blue=\"255\"/>\n",
    )
}

/// Legend: the level's layers and the outlines (the base group's checked layers).
fn legend(
    ids: &Ids,
    base: &ProjectGroup,
    group: &ProjectGroup,
    with_inset: bool,
    lang: Language,
    bold: bool,
) -> String {
    let (_, my, _, mh) = MAP_MM;
    let map_uuid = ids.uid("map");
    let checked_base = ProjectGroup {
        name: base.name.clone(),
        level: None,
        layers: base.layers.iter().filter(|l| l.checked).cloned().collect(),
        checked: true,
    };
    let tree = layer_tree(&[group, &checked_base], "        ");
    item(
        TYPE_LEGEND,
        &ids.uid("legend"),
        (SIDE_MM.0, my),
        (SIDE_MM.1, if with_inset { INSET_MM.0 - 9.0 - my } else { mh }),
        2,
        &format!(
            "title=\"{}\" map_uuid=\"{{{map_uuid}}}\" resizeToContents=\"0\" columnCount=\"{}\" splitLayer=\"1\" equalColumnWidth=\"0\" symbolWidth=\"6\" symbolHeight=\"3.5\" boxSpace=\"2\" columnSpace=\"2\" lineSpacing=\"1\" wrapChar=\"\" titleAlignment=\"1\" legendFilterByAtlas=\"0\" legendFilterByMap=\"1\" frame=\"false\" background=\"true\"",
            esc(t(lang, "qgis_legend")),
            if with_inset { 2 } else { 1 }
        ),
        &format!(
            "        <styles>\n          <style name=\"title\" marginBottom=\"3\" alignment=\"1\"><styleFont description=\"{}\" style=\"\"/></style>\n          <style name=\"group\" marginTop=\"2.5\" alignment=\"1\"><styleFont description=\"{}\" style=\"\"/></style>\n          <style name=\"subgroup\" marginTop=\"2\" alignment=\"1\"><styleFont description=\"{}\" style=\"\"/></style>\n          <style name=\"symbol\" marginTop=\"1.5\" alignment=\"1\"><styleFont description=\"{}\" style=\"\"/></style>\n          <style name=\"symbolLabel\" marginTop=\"1.5\" marginLeft=\"2\" alignment=\"1\"><styleFont description=\"{}\" style=\"\"/></style>\n        </styles>\n{tree}",
            font(11.0, bold),
            font(9.0, bold),
            font(8.0, bold),
            font(7.5, false),
            font(7.5, false),
        ),
    )
}

/// The note under the map: sources, CRS, tool, synthetic-data warning.
fn note(ids: &Ids, b: &RunBundle, crs: &ProjectCrs, lang: Language) -> String {
    let (_, my, _, mh) = MAP_MM;
    let mut note = format!(
        "{}: {} · {}: {} ({}) · schoolplan {}",
        t(lang, "qgis_source"),
        super::super::display_files(&b.scenario.files).join(", "),
        t(lang, "qgis_crs"),
        crs.description(),
        crs.authid(),
        env!("CARGO_PKG_VERSION")
    );
    if b.map.synthetic {
        note.push_str(&format!("\n⚠ {}", t(lang, "synthetic_warning")));
    }
    label(
        &ids.uid("note"),
        (10.0, my + mh + 3.0),
        (277.0, 19.0),
        &note,
        7.5,
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extents_fit_the_frame_and_bars_are_round() {
        let (x0, y0, x1, y1) = fit_aspect((0.0, 0.0, 100.0, 10.0), 2.0, 1.0);
        assert_eq!((x0, x1), (0.0, 100.0));
        assert!(((y1 - y0) - 50.0).abs() < 1e-9);
        let (x0, _, x1, _) = fit_aspect((0.0, 0.0, 10.0, 100.0), 2.0, 1.0);
        assert!(((x1 - x0) - 200.0).abs() < 1e-9);
        assert_eq!(segment_km(160_000.0), 20.0);
        assert_eq!(segment_km(100_000.0), 10.0);
        assert_eq!(segment_km(30_000.0), 2.0);
    }
}
