#!/usr/bin/python3
"""Opens a minefree GeoPackage in QGIS (PyQGIS, headless) and checks it as an analyst sees it.

Usage:  QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis/check_gpkg.py OUT/minefree.gpkg [MAP.png]

For every feature table listed in gpkg_contents (read with Python's sqlite3, not QGIS):
  * QGIS loads it as a valid layer, in EPSG:4326;
  * QGIS counts as many features as SQLite has rows;
  * a default style for it is stored in layer_styles (the way QGIS stores styles) and
    QGIS applied it on load: the renderer is not the single-symbol fallback, and for
    the minefree layers it is the expected one (CHA/SHA categories, graduated
    pct_released with name labels, graduated rank with rank labels, rule-based by
    severity).
Then it renders every layer into MAP.png (default: map.png beside the GeoPackage) and
checks that the picture is not blank.

Exits 0 when every check passes, 1 with one line per failure otherwise, 2 on bad usage
or when PyQGIS is missing (install Debian's python3-qgis and qgis-providers).
"""

import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qgis_env  # noqa: E402

qgis_env.prepare()

try:
    from qgis.core import (
        QgsApplication,
        QgsMapRendererParallelJob,
        QgsMapSettings,
        QgsRectangle,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
except ImportError as e:  # pragma: no cover - environment problem
    qgis_env.missing("check_gpkg", e)

# The renderer each minefree layer must get from its stored default style:
# (renderer type, classification attribute or None, label field or None).
EXPECTED = {
    "remaining_hazards": ("categorizedSymbol", "status", None),
    "region_summary": ("graduatedSymbol", "pct_released", "name"),
    "priority_tasks": ("graduatedSymbol", "rank", "rank"),
    "qa_findings": ("RuleRenderer", None, None),
}
# Drawing order, bottom first; other layers go on top.
DRAW_ORDER = ["region_summary", "remaining_hazards", "priority_tasks", "qa_findings"]


def sqlite_facts(path):
    """Feature tables with their row counts, and the layers with a default stored style."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        styled = {}
        has_styles = con.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'layer_styles'"
        ).fetchone()[0]
        if has_styles:
            kind = con.execute(
                "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
            styled["__registered__"] = kind[0] if kind else None
            for name, n in con.execute(
                    "SELECT f_table_name, count(*) FROM layer_styles WHERE useAsDefault "
                    "AND f_table_schema = '' AND f_geometry_column = 'geom' GROUP BY f_table_name"):
                styled[name] = n
        return counts, styled
    finally:
        con.close()


def check_layer(layer, name, expected_count, problems):
    if not layer.isValid():
        problems.append(f"{name}: QGIS cannot load the layer")
        return
    crs = layer.crs().authid()
    if crs != "EPSG:4326":
        problems.append(f"{name}: CRS is {crs or 'unknown'}, expected EPSG:4326")
    n = layer.featureCount()
    if n != expected_count:
        problems.append(f"{name}: QGIS counts {n} features, SQLite has {expected_count} rows")
    renderer = layer.renderer()
    kind = renderer.type() if renderer else None
    if kind in (None, "singleSymbol"):
        problems.append(f"{name}: stored style not applied (renderer is {kind}, the QGIS fallback)")
        return
    if name not in EXPECTED:
        return
    want_kind, want_attr, want_label = EXPECTED[name]
    if kind != want_kind:
        problems.append(f"{name}: renderer is {kind}, expected {want_kind}")
        return
    if want_attr and want_attr not in renderer.classAttribute():
        problems.append(f"{name}: classified by {renderer.classAttribute()!r}, expected {want_attr!r}")
    if kind == "categorizedSymbol":
        colours = {c.value(): c.symbol().color().name() for c in renderer.categories()}
        if set(colours) != {"CHA", "SHA"} or colours["CHA"] == colours["SHA"]:
            problems.append(f"{name}: CHA and SHA are not distinguishable: {colours}")
    if kind == "graduatedSymbol" and len(renderer.ranges()) < 3:
        problems.append(f"{name}: only {len(renderer.ranges())} classes")
    if name == "region_summary" and want_label:
        from qgis.core import QgsPalLayerSettings
        settings = QgsPalLayerSettings(layer.labeling().settings())  # a copy that lives on
        prop = settings.dataDefinedProperties().property(QgsPalLayerSettings.Priority)
        if not prop.isActive() or "remaining_m2" not in prop.expressionString():
            problems.append(f"{name}: label priority is not by remaining land ({prop.expressionString()!r})")
    if name == "region_summary":
        # a region without hazard land is its own neutral class, not "80-100 % released"
        labels = [r.label() for r in renderer.ranges()]
        if "no hazard land recorded" not in labels:
            problems.append(f"{name}: no class for regions without hazard land: {labels}")
    if kind == "RuleRenderer":
        filters = " ".join(r.filterExpression() for r in renderer.rootRule().children())
        for severity in ("error", "warning", "info"):
            if f"'{severity}'" not in filters:
                problems.append(f"{name}: no rule for severity {severity}")
    if want_label:
        if not layer.labelsEnabled() or layer.labeling() is None:
            problems.append(f"{name}: labels are not enabled")
        elif layer.labeling().settings().fieldName not in (
                want_label, f'CASE WHEN "remaining_m2" >= 1 THEN "{want_label}" END',
                f'CASE WHEN "rank" <= 20 THEN "{want_label}" END'):
            problems.append(f"{name}: labelled with {layer.labeling().settings().fieldName!r}, "
                            f"expected {want_label!r}")


def render(layers, png, problems):
    """Renders `layers` (bottom first) into `png`; checks the picture is not blank."""
    extent = QgsRectangle()
    extent.setMinimal()
    for layer in layers:
        if layer.featureCount() > 0 and not layer.extent().isEmpty():
            extent.combineExtentWith(layer.extent())
    if extent.isEmpty():
        problems.append("map: every layer is empty, nothing to render")
        return
    extent.scale(1.05)
    settings = QgsMapSettings()
    settings.setLayers(list(reversed(layers)))  # QgsMapSettings wants top layer first
    settings.setDestinationCrs(layers[0].crs())
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setOutputSize(QSize(1200, 900))
    settings.setOutputDpi(110)
    settings.setExtent(extent)
    settings.setFlag(QgsMapSettings.Antialiasing, True)
    settings.setFlag(QgsMapSettings.DrawLabeling, True)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    for error in job.errors():
        problems.append(f"map: render error in {error.layerID}: {error.message}")
    if not image.save(png, "PNG"):
        problems.append(f"map: cannot write {png}")
        return
    # Regions cover the map when present; findings alone are a few small shapes.
    min_fraction = 0.05 if any(l.name() == "region_summary" for l in layers) else 0.0
    colours = set()
    painted = 0
    step = 2
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            rgb = image.pixel(x, y) & 0xFFFFFF
            colours.add(rgb)
            painted += rgb != 0xFFFFFF
    total = (image.width() // step) * (image.height() // step)
    if painted < max(10, total * min_fraction) or len(colours) < 3:
        problems.append(f"map: picture looks blank ({painted}/{total} painted samples, "
                        f"{len(colours)} colours)")


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    gpkg = os.path.abspath(argv[1])
    png = os.path.abspath(argv[2]) if len(argv) == 3 else os.path.join(os.path.dirname(gpkg), "map.png")
    if not os.path.isfile(gpkg):
        print(f"check_gpkg: FAIL: {gpkg} does not exist", file=sys.stderr)
        return 1
    counts, styled = sqlite_facts(gpkg)
    problems = []
    if not counts:
        problems.append("no feature table in gpkg_contents")
    if styled.get("__registered__") != "attributes":
        problems.append("layer_styles is missing or not registered in gpkg_contents as 'attributes'")
    app = QgsApplication([], False)
    app.initQgis()
    layers = {}
    try:
        for name, n in counts.items():
            if styled.get(name) != 1:
                problems.append(f"{name}: {styled.get(name, 0)} default styles stored in layer_styles, expected 1")
            layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
            check_layer(layer, name, n, problems)
            if layer.isValid():
                layers[name] = layer
                print(f"check_gpkg: {name}: {layer.featureCount()} features, {layer.crs().authid()}, "
                      f"renderer {layer.renderer().type()}, labels {'on' if layer.labelsEnabled() else 'off'}")
        ordered = [layers[n] for n in DRAW_ORDER if n in layers]
        ordered += [layers[n] for n in sorted(layers) if n not in DRAW_ORDER]
        if ordered:
            render(ordered, png, problems)
            print(f"check_gpkg: map rendered to {png}")
    finally:
        layers.clear()
    for p in problems:
        print(f"check_gpkg: FAIL: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_gpkg: OK: {len(counts)} layers of {gpkg}")
    return 0


if __name__ == "__main__":
    status = main(sys.argv)
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: destroying QgsApplication from Python's garbage
    # collector crashes PyQGIS 3.22 at exit, which would turn a pass into a segfault.
    os._exit(status)
