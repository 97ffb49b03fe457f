//! The QGIS project `schoolplan.qgs`: every layer of the run folder, styled per level, in a
//! projected CRS chosen for the data, with a print layout per level.
//!
//! **Layers.** One group per measured level (its name is the level's name in the report
//! language) holding four layers over the run's files, each restricted by an OGR subset:
//! proposals of the level, schools serving it (`"level" IN (…)`, closed schools left out), its gap
//! areas (`gaps.geojson`, `"level" = '…'`) and its coverage (`coverage.geojson`, cells with demand
//! of the level, graduated by the distance to the nearest school). Above the groups, a base
//! group with the county and township outlines (labelled by name) and, unchecked, all schools.
//! Only the first level's group is checked, so the canvas shows one level at a time; a map theme
//! per level (`visibility-presets`) shows that level with the base layers, and each layout's map
//! follows its level's theme.
//!
//! **Ids.** Layer ids are QGIS-style, `<key>_<uuid>` with the UUID's dashes as underscores
//! (`gaps_primary_1b4e…`); the UUIDs are derived from the key (FNV-1a), so the file is the same
//! bytes for the same run.
//!
//! **CRS.** The project CRS is a CGCS2000 3-degree Gauss–Krüger zone (or UTM), see [`crs`];
//! `SpatialRefSys/ProjectionsEnabled` is set so QGIS reads it. The layers stay in WGS 84.
//!
//! **Layouts.** One A4-landscape print layout per level ([`layout`]): title, the map
//! (following the level's theme), legend, scale bar, north arrow, and a note naming the
//! sources, the CRS and, when inputs are synthetic, the synthetic-data warning.

pub mod crs;
pub mod layout;

use geo::{CoordsIter, MultiPolygon};

use super::gaps::GapArea;
use super::styles;
use super::text::{level_name, t, xml_escape as esc};
use super::RunBundle;
use crate::config::Language;
use crate::model::Level;
use crs::{ProjectCrs, WGS84_SRS};

/// A deterministic RFC 4122-shaped UUID (version 4 bits set) derived from `key`.
pub fn pseudo_uuid(key: &str) -> String {
    let fnv = |seed: u64| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
        for b in key.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A final avalanche (splitmix64) so near keys differ everywhere.
        let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let (a, b) = (fnv(1), fnv(2));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// A QGIS-style layer id: `<key>_<uuid with underscores>`.
pub fn layer_id(key: &str) -> String {
    format!("{key}_{}", pseudo_uuid(key).replace('-', "_"))
}

/// One layer of the project.
#[derive(Debug, Clone)]
pub struct ProjectLayer {
    /// ASCII key, e.g. `gaps_primary` (the id's prefix).
    pub key: String,
    /// The name shown in QGIS.
    pub name: String,
    /// The GeoJSON file in the run folder.
    pub file: &'static str,
    /// OGR subset (an SQL `WHERE` expression), if any.
    pub subset: Option<String>,
    /// `Point`, `Polygon` or `Line`.
    pub geometry: &'static str,
    /// The `renderer-v2` element.
    pub renderer: String,
    /// The `labeling` element, if labelled.
    pub labeling: Option<String>,
    /// Visible when the project opens.
    pub checked: bool,
}

impl ProjectLayer {
    /// The layer id.
    pub fn id(&self) -> String {
        layer_id(&self.key)
    }

    /// The OGR data source: `./file.geojson`, with `|subset=…` when restricted.
    pub fn source(&self) -> String {
        match &self.subset {
            Some(s) => format!("./{}|subset={s}", self.file),
            None => format!("./{}", self.file),
        }
    }
}

/// A group of the layer tree.
#[derive(Debug, Clone)]
pub struct ProjectGroup {
    /// Name shown in QGIS.
    pub name: String,
    /// The level, for a level's group.
    pub level: Option<Level>,
    /// Layers, top (drawn last) to bottom.
    pub layers: Vec<ProjectLayer>,
    /// Visible when the project opens.
    pub checked: bool,
}

/// The levels a kind of school serves as a SQL list: `'primary','nine_year'`.
fn serving_kinds(level: Level) -> String {
    Level::ALL
        .iter()
        .filter(|k| k.serves(level))
        .map(|k| format!("'{}'", k.name()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The layer tree: a base group, then one group per measured level.
pub fn project_groups(b: &RunBundle, gaps: &[GapArea], lang: Language) -> Vec<ProjectGroup> {
    let cells = if styles::point_cells(b) {
        "Point"
    } else {
        "Polygon"
    };
    let gap_geometry = if gaps
        .iter()
        .any(|g| matches!(g.shape, super::gaps::GapShape::Points { .. }))
    {
        "Point"
    } else {
        "Polygon"
    };
    let mut groups = vec![ProjectGroup {
        name: t(lang, "qgis_base").into(),
        level: None,
        layers: vec![
            ProjectLayer {
                key: "areas".into(),
                name: t(lang, "qgis_areas").into(),
                file: "areas.geojson",
                subset: None,
                geometry: "Polygon",
                renderer: styles::areas_renderer(lang),
                labeling: Some(styles::areas_labeling()),
                checked: true,
            },
            ProjectLayer {
                key: "schools_all".into(),
                name: t(lang, "qgis_schools_all").into(),
                file: "schools.geojson",
                subset: None,
                geometry: "Point",
                renderer: styles::schools_renderer(None, lang),
                labeling: Some(styles::schools_labeling()),
                checked: false,
            },
        ],
        checked: true,
    }];
    for (k, lc) in b.coverage.levels.iter().enumerate() {
        let level = lc.level;
        let n = level.name();
        let ln = level_name(lang, level);
        let named = |key: &'static str| format!("{ln} {}", t(lang, key));
        let mut layers = vec![
            ProjectLayer {
                key: format!("proposals_{n}"),
                name: named("qgis_proposals"),
                file: "proposals.geojson",
                subset: Some(format!("\"level\" IN ({})", serving_kinds(level))),
                geometry: "Point",
                renderer: styles::proposals_renderer(lang),
                labeling: Some(styles::proposals_labeling()),
                checked: true,
            },
            ProjectLayer {
                key: format!("schools_{n}"),
                name: named("qgis_schools"),
                file: "schools.geojson",
                subset: Some(format!(
                    "\"level\" IN ({}) AND \"status\" <> 'closed'",
                    serving_kinds(level)
                )),
                geometry: "Point",
                renderer: styles::schools_renderer(Some(level), lang),
                labeling: Some(styles::schools_labeling()),
                checked: true,
            },
            ProjectLayer {
                key: format!("gaps_{n}"),
                name: named("qgis_gaps"),
                file: "gaps.geojson",
                subset: Some(format!("\"level\" = '{n}'")),
                geometry: gap_geometry,
                renderer: styles::gaps_renderer_for(gaps, level),
                labeling: None,
                checked: true,
            },
            ProjectLayer {
                key: format!("coverage_{n}"),
                name: named("qgis_coverage"),
                file: "coverage.geojson",
                subset: Some(format!("\"demand_{n}\" > 0")),
                geometry: cells,
                renderer: styles::coverage_renderer_for(b, level, lc.radius, lang),
                labeling: None,
                checked: true,
            },
        ];
        if lc.zones.is_some() {
            // Below the coverage cells, unchecked: the zones answer "which school", the cells
            // "how far".
            layers.push(ProjectLayer {
                key: format!("zones_{n}"),
                name: named("qgis_zones"),
                file: "zones.geojson",
                subset: Some(format!("\"level\" = '{n}'")),
                geometry: "Polygon",
                renderer: super::access::zones_renderer(),
                labeling: None,
                checked: false,
            });
        }
        // A subset on an empty layer (no fields) makes the layer invalid: leave out the layers
        // of files without features.
        if gaps.is_empty() {
            layers.retain(|l| l.file != "gaps.geojson");
        }
        if b.proposals.is_empty() {
            layers.retain(|l| l.file != "proposals.geojson");
        }
        groups.push(ProjectGroup {
            name: ln.to_string(),
            level: Some(level),
            checked: k == 0,
            layers,
        });
    }
    groups
}

/// The data extent in the project CRS: (xmin, ymin, xmax, ymax), from the county outlines, else
/// the townships, else the cells and schools. `None` when nothing projects.
pub fn data_extent(b: &RunBundle, crs: &ProjectCrs) -> Option<(f64, f64, f64, f64)> {
    let project = crs.projector()?;
    let map = b.map;
    let outlines: Vec<&MultiPolygon<f64>> = if !map.counties.is_empty() {
        map.counties.iter().map(|a| &a.shape_lonlat).collect()
    } else {
        map.townships.iter().map(|a| &a.shape_lonlat).collect()
    };
    let mut pts: Vec<(f64, f64)> = outlines
        .iter()
        .flat_map(|mp| mp.exterior_coords_iter())
        .map(|c| (c.x, c.y))
        .collect();
    if pts.is_empty() {
        pts.extend(map.demand.cells.iter().map(|c| (c.lonlat.x, c.lonlat.y)));
        pts.extend(map.schools.iter().map(|s| (s.lonlat.x, s.lonlat.y)));
    }
    let mut ext: Option<(f64, f64, f64, f64)> = None;
    for (lon, lat) in pts {
        if let Some((x, y)) = project(lon, lat) {
            ext = Some(match ext {
                None => (x, y, x, y),
                Some((a, b2, c, d)) => (a.min(x), b2.min(y), c.max(x), d.max(y)),
            });
        }
    }
    ext
}

/// Where the project's CRS is centred, WGS 84 degrees: the population-weighted mean position of
/// the cells (so the zone's scale error is smallest where the pupils are), else the middle of the
/// areas' and schools' extent.
pub fn data_centre(b: &RunBundle) -> (f64, f64) {
    let map = b.map;
    let (mut sw, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for c in &map.demand.cells {
        let w = c
            .pop_total
            .unwrap_or_else(|| c.cohort_pop.iter().sum::<f64>());
        if w > 0.0 && c.lonlat.x.is_finite() && c.lonlat.y.is_finite() {
            sw += w;
            sx += w * c.lonlat.x;
            sy += w * c.lonlat.y;
        }
    }
    if sw > 0.0 {
        return (sx / sw, sy / sw);
    }
    let mut ext: Option<(f64, f64, f64, f64)> = None;
    let mut add = |x: f64, y: f64| {
        ext = Some(match ext {
            None => (x, y, x, y),
            Some((a, b2, c, d)) => (a.min(x), b2.min(y), c.max(x), d.max(y)),
        })
    };
    for a in map.counties.iter().chain(&map.townships) {
        for c in a.shape_lonlat.exterior_coords_iter() {
            add(c.x, c.y);
        }
    }
    for s in &map.schools {
        add(s.lonlat.x, s.lonlat.y);
    }
    ext.map_or((0.0, 0.0), |(a, b2, c, d)| ((a + c) / 2.0, (b2 + d) / 2.0))
}

/// The project's CRS for this run.
pub fn project_crs(b: &RunBundle) -> ProjectCrs {
    let (lon, lat) = data_centre(b);
    ProjectCrs::for_centre(lon, lat)
}

fn tree_layer(l: &ProjectLayer, indent: &str) -> String {
    format!(
        "{indent}<layer-tree-layer id=\"{}\" name=\"{}\" source=\"{}\" providerKey=\"ogr\" checked=\"{}\" expanded=\"1\" legend_exp=\"\" patch_size=\"-1,-1\" legend_split_behavior=\"0\"><customproperties><Option/></customproperties></layer-tree-layer>\n",
        l.id(),
        esc(&l.name),
        esc(&l.source()),
        if l.checked { "Qt::Checked" } else { "Qt::Unchecked" }
    )
}

fn tree_group(g: &ProjectGroup, indent: &str) -> String {
    let mut s = format!(
        "{indent}<layer-tree-group name=\"{}\" checked=\"{}\" expanded=\"{}\"><customproperties><Option/></customproperties>\n",
        esc(&g.name),
        if g.checked { "Qt::Checked" } else { "Qt::Unchecked" },
        if g.checked { 1 } else { 0 }
    );
    for l in &g.layers {
        s.push_str(&tree_layer(l, &format!("{indent}  ")));
    }
    s.push_str(&format!("{indent}</layer-tree-group>\n"));
    s
}

/// The `<layer-tree-group>` of the given groups (the project's, or a layout legend's).
pub fn layer_tree(groups: &[&ProjectGroup], indent: &str) -> String {
    let mut s =
        format!("{indent}<layer-tree-group><customproperties><Option/></customproperties>\n");
    for g in groups {
        s.push_str(&tree_group(g, &format!("{indent}  ")));
    }
    s.push_str(&format!("{indent}</layer-tree-group>\n"));
    s
}

fn maplayer(l: &ProjectLayer) -> String {
    let labels = match &l.labeling {
        Some(x) => format!("\n      {x}"),
        None => String::new(),
    };
    format!(
        "    <maplayer type=\"vector\" geometry=\"{}\" labelsEnabled=\"{}\" autoRefreshEnabled=\"0\" refreshOnNotifyEnabled=\"0\" styleCategories=\"AllStyleCategories\">\n      <id>{}</id>\n      <datasource>{}</datasource>\n      <layername>{}</layername>\n      <srs>{WGS84_SRS}</srs>\n      <provider encoding=\"UTF-8\">ogr</provider>\n      <flags><Identifiable>1</Identifiable><Removable>1</Removable><Searchable>1</Searchable><Private>0</Private></flags>\n      {}{labels}\n      <blendMode>0</blendMode>\n      <featureBlendMode>0</featureBlendMode>\n      <layerOpacity>1</layerOpacity>\n    </maplayer>\n",
        l.geometry,
        u8::from(l.labeling.is_some()),
        l.id(),
        esc(&l.source()),
        esc(&l.name),
        l.renderer,
    )
}

/// A map theme per level: its group's layers and the base outlines.
fn map_themes(groups: &[ProjectGroup]) -> String {
    let base = &groups[0];
    let mut s = String::from("  <visibility-presets>\n");
    for g in groups.iter().filter(|g| g.level.is_some()) {
        s.push_str(&format!(
            "    <visibility-preset name=\"{}\" has-expanded-info=\"1\" has-checked-group-info=\"1\">\n",
            esc(&g.name)
        ));
        for l in g
            .layers
            .iter()
            .chain(base.layers.iter().filter(|l| l.checked))
        {
            s.push_str(&format!(
                "      <layer id=\"{}\" visible=\"1\" style=\"default\" expanded=\"1\"/>\n",
                l.id()
            ));
        }
        s.push_str(&format!(
            "      <checked-group-nodes><checked-group-node id=\"{}\"/><checked-group-node id=\"{}\"/></checked-group-nodes>\n      <expanded-group-nodes><expanded-group-node id=\"{}\"/></expanded-group-nodes>\n    </visibility-preset>\n",
            esc(&base.name),
            esc(&g.name),
            esc(&g.name)
        ));
    }
    s.push_str("  </visibility-presets>\n");
    s
}

/// `schoolplan.qgs` (see the module docs).
pub fn project_qgs(b: &RunBundle, gaps: &[GapArea], lang: Language) -> String {
    let title = esc(&b.scenario.title);
    let crs = project_crs(b);
    let srs = crs.srs_xml();
    let groups = project_groups(b, gaps, lang);
    let all: Vec<&ProjectGroup> = groups.iter().collect();
    let tree = layer_tree(&all, "  ");
    let mut maplayers = String::new();
    let mut order = String::new();
    for l in groups.iter().flat_map(|g| &g.layers) {
        maplayers.push_str(&maplayer(l));
        order.push_str(&format!("    <layer id=\"{}\"/>\n", l.id()));
    }
    let extent = data_extent(b, &crs).unwrap_or((0.0, 0.0, 1.0, 1.0));
    let (x0, y0, x1, y1) = padded(extent, 0.03);
    let inset = super::inset::central_district(b);
    let inset_extent = inset.as_ref().and_then(|i| {
        let project = crs.projector()?;
        let r = i.rect_lonlat;
        let corners = [
            (r.min().x, r.min().y),
            (r.min().x, r.max().y),
            (r.max().x, r.min().y),
            (r.max().x, r.max().y),
        ];
        let pts: Vec<(f64, f64)> = corners.iter().filter_map(|&(x, y)| project(x, y)).collect();
        (pts.len() == 4).then(|| {
            pts.iter().fold(
                (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
                |(a, b2, c, d), &(x, y)| (a.min(x), b2.min(y), c.max(x), d.max(y)),
            )
        })
    });
    let inset_pair = inset.as_ref().zip(inset_extent);
    let layouts: String = groups
        .iter()
        .filter(|g| g.level.is_some())
        .map(|g| layout::print_layout(b, &crs, extent, inset_pair, &groups[0], g, lang))
        .collect();
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"{title}\" version=\"{}\" saveUserFull=\"\" saveUser=\"\">\n  <homePath path=\"\"/>\n  <title>{title}</title>\n  <projectFlags set=\"\"/>\n  <projectCrs>{srs}</projectCrs>\n{tree}  <mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\">\n    <units>meters</units>\n    <extent><xmin>{x0:.1}</xmin><ymin>{y0:.1}</ymin><xmax>{x1:.1}</xmax><ymax>{y1:.1}</ymax></extent>\n    <rotation>0</rotation>\n    <destinationsrs>{srs}</destinationsrs>\n    <rendermaptile>0</rendermaptile>\n  </mapcanvas>\n  <projectlayers>\n{maplayers}  </projectlayers>\n  <layerorder>\n{order}  </layerorder>\n  <properties>\n    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n    </Paths>\n    <SpatialRefSys>\n      <ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>\n    </SpatialRefSys>\n    <Measurement>\n      <DistanceUnits type=\"QString\">meters</DistanceUnits>\n      <AreaUnits type=\"QString\">km2</AreaUnits>\n    </Measurement>\n  </properties>\n{}  <Layouts>\n{layouts}  </Layouts>\n</qgis>\n",
        styles::QGIS_VERSION,
        map_themes(&groups),
    )
}

/// `ext` grown by `frac` of its larger side on every side.
pub fn padded(ext: (f64, f64, f64, f64), frac: f64) -> (f64, f64, f64, f64) {
    let (x0, y0, x1, y1) = ext;
    let pad = frac * (x1 - x0).max(y1 - y0).max(1.0);
    (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_qgis_style_and_stable() {
        let id = layer_id("gaps_primary");
        assert!(id.starts_with("gaps_primary_"));
        let uuid = &id["gaps_primary_".len()..];
        let parts: Vec<&str> = uuid.split('_').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(uuid.chars().all(|c| c == '_' || c.is_ascii_hexdigit()));
        assert_eq!(id, layer_id("gaps_primary"));
        assert_ne!(id, layer_id("gaps_junior"));
    }
}
