"""Loads a schoolplan.qgs in QGIS (PyQGIS, headless) and checks what a planner relies on.

Usage: python3 check_project.py PROJECT.qgs PNG_DIR LEVELS LANG

LEVELS is a comma-separated list of the measured levels (e.g. `kindergarten,primary`), LANG
`zh` or `en`. Checks: the project reads; its CRS is valid and projected, with
SpatialRefSys/ProjectionsEnabled read; every layer is valid, in the layer tree and has legend
nodes; each level has a group with a coverage layer (graduated on dist_<level>_m or
cost_<level>_min), a gap layer (graduated on children, subset to the level), a schools layer
labelled by name; layer names are Chinese in zh projects; one print layout per level with a
map following the level's theme, a legend, a scale bar, a north arrow and labels; each layout
renders to PNG (PNG_DIR/layout-<level>.png) and is not blank. Prints one JSON object; exits 1
listing every failed check.
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayerTreeModel,
    QgsProject,
    QgsUnitTypes,
)
from qgis.PyQt.QtGui import QImage  # noqa: E402


def has_cjk(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def blank_fraction(png):
    """Share of sampled pixels that are plain white, and the number of distinct colours."""
    img = QImage(png)
    if img.isNull():
        return 1.0, 0
    w, h = img.width(), img.height()
    white, total, colours = 0, 0, set()
    for y in range(0, h, 4):
        for x in range(0, w, 4):
            c = img.pixel(x, y) & 0xFFFFFF
            colours.add(c)
            total += 1
            white += c == 0xFFFFFF
    return white / max(total, 1), len(colours)


def main():
    project_path, png_dir, levels, lang = sys.argv[1:5]
    levels = [l for l in levels.split(",") if l]
    problems = []
    report = {"layers": {}, "layouts": {}}

    def check(ok, message):
        if not ok:
            problems.append(message)
        return ok

    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    check(project.read(project_path), f"project does not read: {project.error()}")
    crs = project.crs()
    report["crs"] = crs.authid()
    check(crs.isValid(), "project CRS invalid")
    check(not crs.isGeographic(), f"project CRS {crs.authid()} is geographic")
    check(crs.mapUnits() == QgsUnitTypes.DistanceMeters, "project CRS not in metres")
    enabled, _ = project.readNumEntry("SpatialRefSys", "/ProjectionsEnabled", 0)
    check(enabled == 1, "SpatialRefSys/ProjectionsEnabled not read as 1")

    root = project.layerTreeRoot()
    model = QgsLayerTreeModel(root)
    layers = project.mapLayers()
    check(len(layers) > 0, "no layers")
    for lid, layer in layers.items():
        node = root.findLayer(lid)
        info = {
            "name": layer.name(),
            "valid": layer.isValid(),
            "features": layer.featureCount() if layer.isValid() else None,
            "renderer": layer.renderer().type() if layer.isValid() and layer.renderer() else None,
        }
        report["layers"][lid] = info
        check(layer.isValid(), f"layer {lid} ({layer.name()}) is not valid: {layer.source()}")
        check(node is not None, f"layer {lid} is not in the layer tree")
        if node is not None:
            check(len(model.layerLegendNodes(node)) > 0, f"layer {lid} has no legend entries")
        check(layer.crs().isValid(), f"layer {lid} has no valid CRS")
        if lang == "zh":
            check(has_cjk(layer.name()), f"layer {lid} name {layer.name()!r} is not Chinese")

    for level in levels:
        group_layers = {}
        for kind in ("coverage", "gaps", "schools", "proposals"):
            found = [l for lid, l in layers.items() if lid.startswith(f"{kind}_{level}_")]
            # Proposal layers exist only when the run has proposals.
            optional = kind == "proposals" and not found
            if optional or check(len(found) == 1, f"level {level}: expected one {kind} layer, found {len(found)}"):
                if found:
                    group_layers[kind] = found[0]
        cov = group_layers.get("coverage")
        if cov is not None and cov.isValid():
            r = cov.renderer()
            check(r.type() == "graduatedSymbol", f"coverage {level}: renderer {r.type()}")
            attr = getattr(r, "classAttribute", lambda: "")()
            check(attr in (f"dist_{level}_m", f"cost_{level}_min"), f"coverage {level}: classified on {attr!r}")
            check(len(r.ranges()) == 4, f"coverage {level}: {len(r.ranges())} classes")
            check(cov.featureCount() > 0, f"coverage {level}: no cells")
        gap = group_layers.get("gaps")
        if gap is not None and gap.isValid():
            r = gap.renderer()
            check(r.type() == "graduatedSymbol" and r.classAttribute() == "children",
                  f"gaps {level}: renderer {r.type()}")
            check(f"'{level}'" in gap.subsetString(), f"gaps {level}: subset {gap.subsetString()!r}")
            values = {f["level"] for f in gap.getFeatures()}
            check(values <= {level}, f"gaps {level}: features of levels {values}")
        sch = group_layers.get("schools")
        if sch is not None and sch.isValid():
            check(sch.labelsEnabled() and sch.labeling() is not None, f"schools {level}: not labelled")
            if sch.labeling() is not None:
                s = sch.labeling().settings()
                check(s.fieldName == "name", f"schools {level}: labelled by {s.fieldName!r}")
                check(s.scaleVisibility and 0 < s.minimumScale <= 100000,
                      f"schools {level}: labels not scale-limited ({s.minimumScale})")
            check(sch.featureCount() > 0, f"schools {level}: no schools")
        group = next((g for g in root.findGroups() if any(
            c.layerId().startswith(f"coverage_{level}_") for c in g.findLayers())), None)
        check(group is not None, f"level {level}: no layer-tree group")
        if group is not None and lang == "zh":
            check(has_cjk(group.name()), f"group {group.name()!r} is not Chinese")
        check(group is not None and group.name() in project.mapThemeCollection().mapThemes(),
              f"level {level}: no map theme named after its group")

    areas = [l for lid, l in layers.items() if lid.startswith("areas_")]
    if check(len(areas) == 1, "no areas layer"):
        check(areas[0].labelsEnabled(), "areas not labelled")

    layouts = project.layoutManager().layouts()
    check(len(layouts) == len(levels), f"{len(layouts)} layouts for {len(levels)} levels")
    os.makedirs(png_dir, exist_ok=True)
    for layout in layouts:
        items = layout.items()
        maps = [i for i in items if isinstance(i, QgsLayoutItemMap)]
        legends = [i for i in items if isinstance(i, QgsLayoutItemLegend)]
        bars = [i for i in items if isinstance(i, QgsLayoutItemScaleBar)]
        pictures = [i for i in items if isinstance(i, QgsLayoutItemPicture)]
        labels = [i for i in items if isinstance(i, QgsLayoutItemLabel)]
        name = layout.name()
        # The main map is the largest; a second, smaller one is the central-district close-up.
        maps.sort(key=lambda m: -m.rect().width() * m.rect().height())
        check(1 <= len(maps) <= 2, f"layout {name}: {len(maps)} maps")
        check(len(legends) == 1, f"layout {name}: {len(legends)} legends")
        check(len(bars) == 1, f"layout {name}: {len(bars)} scale bars")
        check(len(pictures) == 1, f"layout {name}: no north arrow")
        check(len(labels) >= 2, f"layout {name}: {len(labels)} labels (title and note)")
        if maps:
            m = maps[0]
            check(m.followVisibilityPreset(), f"layout {name}: map does not follow a theme")
            check(m.followVisibilityPresetName() in project.mapThemeCollection().mapThemes(),
                  f"layout {name}: theme {m.followVisibilityPresetName()!r} missing")
            check(m.crs().isValid() and not m.crs().isGeographic(), f"layout {name}: map CRS")
            check(0 < m.scale() < 1e8, f"layout {name}: map scale {m.scale()}")
            if areas:
                from qgis.core import QgsCoordinateTransform
                t = QgsCoordinateTransform(areas[0].crs(), m.crs(), project)
                ext = t.transformBoundingBox(areas[0].extent())
                check(m.extent().contains(ext), f"layout {name}: map extent does not hold the areas")
        if bars:
            check(bars[0].linkedMap() is not None, f"layout {name}: scale bar not linked")
        if pictures:
            check(pictures[0].linkedMap() is not None, f"layout {name}: north arrow not linked")
            check(pictures[0].isMissingImage() is False, f"layout {name}: north arrow image missing")
        if legends:
            n_entries = legends[0].model().rowCount()
            check(n_entries > 0, f"layout {name}: empty legend")
        if labels and lang == "zh":
            check(any(has_cjk(l.text()) for l in labels), f"layout {name}: title not Chinese")
        level = next((lv for lv in levels if maps and maps[0].followVisibilityPresetName() ==
                      next((g.name() for g in root.findGroups() if any(
                          c.layerId().startswith(f"coverage_{lv}_") for c in g.findLayers())), None)), name)
        png = os.path.join(png_dir, f"layout-{level}.png")
        exporter = QgsLayoutExporter(layout)
        settings = QgsLayoutExporter.ImageExportSettings()
        settings.dpi = 110
        settings.generateWorldFile = False
        settings.exportMetadata = False
        result = exporter.exportToImage(png, settings)
        white, colours = blank_fraction(png) if result == QgsLayoutExporter.Success else (1.0, 0)
        report["layouts"][name] = {"png": png, "result": int(result), "white": white, "colours": colours}
        check(result == QgsLayoutExporter.Success, f"layout {name}: export failed ({result})")
        check(white < 0.9 and colours > 20, f"layout {name}: rendering looks blank (white {white:.2f}, {colours} colours)")

    report["problems"] = problems
    print(json.dumps(report, ensure_ascii=False, indent=1))
    app.exitQgis()
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
