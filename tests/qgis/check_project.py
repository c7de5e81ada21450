#!/usr/bin/python3
"""Opens the QGIS project stored in a minefree GeoPackage (PyQGIS, headless) and checks it.

Usage:  QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis/check_project.py \
            OUT/minefree.gpkg [LAYOUT.png [LAYOUT.pdf]]

The GeoPackage is first copied into a fresh temporary folder, and the project is loaded
from the copy (URI geopackage:/copy/minefree.gpkg?projectName=minefree): its layers must
then come from the copy, which proves that the datasources are relative. Checks:
  * the qgis_projects row (read with Python's sqlite3) holds a valid zip with one .qgs;
  * QGIS reads the project; its CRS is EPSG:4326 and its title the pipeline file name;
  * every layer is valid, reads the copy, and the layer tree is, top first,
    priority_tasks, remaining_hazards, region_summary, qa_findings, release_history,
    scenarios, work_plan (those present), all checked except qa_findings;
  * the spatial layers carry the stored default styles (the renderers check_gpkg.py
    expects);
  * the layout "National map" is A4 landscape with a map (of the data extent), a legend
    of the visible spatial layers only, a scale bar in km, a north arrow, a title
    "... — land release as of YYYY-MM-DD" and a fixed table of the regions (minefree's
    figures) with the main columns, one row per region up to TABLE_ROWS, most remaining
    land first, and one "N others" row when region_summary has more;
  * the layout exports to PNG (LAYOUT.png, default layout.png beside the GeoPackage)
    and PDF (LAYOUT.pdf, default beside the PNG), and the PNG is not blank.

Exits 0 when every check passes, 1 with one line per failure otherwise, 2 on bad usage
or when PyQGIS is missing (install Debian's python3-qgis and qgis-providers).
"""

import binascii
import io
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qgis_env  # noqa: E402

qgis_env.prepare()

try:
    from qgis.core import (
        QgsApplication,
        QgsLayoutExporter,
        QgsLayoutItemManualTable,
        QgsLayoutItemLabel,
        QgsLayoutItemLegend,
        QgsLayoutItemMap,
        QgsLayoutItemPicture,
        QgsLayoutItemScaleBar,
        QgsProject,
        QgsUnitTypes,
    )
    from qgis.PyQt.QtCore import QSize
except ImportError as e:  # pragma: no cover - environment problem
    qgis_env.missing("check_project", e)

from check_gpkg import EXPECTED  # noqa: E402  (the renderers of the stored styles)

PROJECT = "minefree"
LAYOUT = "National map"
ORDER = ["priority_tasks", "remaining_hazards", "region_summary", "qa_findings",
         "release_history", "scenarios", "work_plan"]
HIDDEN = {"qa_findings"}
# names, km² and % with one decimal, the regions with most remaining land first, at most
# TABLE_ROWS of them, then one "N others" row summing the rest
TABLE_HEADINGS = ["Region", "Remaining km²", "Released km²", "% released", "Completion"]
TABLE_ROWS = 15


def stored_archive(gpkg, problems):
    """Checks the qgis_projects row as QGIS stores it: hex text of a .qgz zip."""
    con = sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT name, metadata, content FROM qgis_projects").fetchall()
    except sqlite3.Error as e:
        problems.append(f"qgis_projects: {e}")
        return
    finally:
        con.close()
    if [r[0] for r in rows] != [PROJECT]:
        problems.append(f"qgis_projects: rows {[r[0] for r in rows]}, expected ['{PROJECT}']")
        return
    _, metadata, content = rows[0]
    if "last_modified_time" not in (metadata or ""):
        problems.append(f"qgis_projects: metadata without last_modified_time: {metadata!r}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(binascii.unhexlify(content)))
        bad = archive.testzip()
        names = archive.namelist()
    except (binascii.Error, TypeError, zipfile.BadZipFile) as e:
        problems.append(f"qgis_projects: content is not a hex-encoded zip ({e})")
        return
    if bad is not None:
        problems.append(f"qgis_projects: CRC error in {bad}")
    if [n for n in names if n.endswith(".qgs")] != names or len(names) != 1:
        problems.append(f"qgis_projects: the archive holds {names}, expected one .qgs")


def check_layers(project, folder, problems):
    root = project.layerTreeRoot()
    nodes = root.findLayers()
    names = [n.name() for n in nodes]
    expected = [n for n in ORDER if n in names]
    if names != expected:
        problems.append(f"layer tree: {names}, expected {expected} (top first)")
    for node in nodes:
        layer = node.layer()
        name = node.name()
        if layer is None or not layer.isValid():
            problems.append(f"{name}: layer is not valid (datasource {node.customProperty('source', '?')})")
            continue
        source = layer.source()
        if not os.path.realpath(source.split("|")[0]).startswith(os.path.realpath(folder) + os.sep):
            problems.append(f"{name}: reads {source}, not the copy in {folder} (absolute path?)")
        want_visible = name not in HIDDEN
        if node.isVisible() != want_visible:
            problems.append(f"{name}: visible is {node.isVisible()}, expected {want_visible}")
        if name in EXPECTED:
            kind = layer.renderer().type() if layer.renderer() else None
            if kind != EXPECTED[name][0]:
                problems.append(f"{name}: renderer {kind}, expected {EXPECTED[name][0]} (stored style)")
            label = EXPECTED[name][2]
            if label and not layer.labelsEnabled():
                problems.append(f"{name}: labels are off")
        print(f"check_project: {name}: valid, {layer.featureCount()} features, "
              f"{'visible' if node.isVisible() else 'hidden'}")
    return {n.name(): n.layer() for n in nodes if n.layer() is not None}


def one_item(layout, cls, what, problems):
    items = [i for i in layout.items() if isinstance(i, cls)]
    if len(items) != 1:
        problems.append(f"layout: {len(items)} {what}, expected 1")
        return None
    return items[0]


def check_layout(project, layers, problems):
    layout = project.layoutManager().layoutByName(LAYOUT)
    if layout is None:
        problems.append(f"layout {LAYOUT!r} is missing")
        return None
    page = layout.pageCollection().page(0)
    size = page.pageSize() if page else None
    if size is None or (round(size.width()), round(size.height())) != (297, 210):
        problems.append(f"layout: page {size and (size.width(), size.height())}, expected A4 landscape 297x210 mm")
    m = one_item(layout, QgsLayoutItemMap, "maps", problems)
    if m is not None:
        extent = m.extent()
        for name in ("region_summary", "remaining_hazards"):
            if name in layers and not extent.contains(layers[name].extent()):
                problems.append(f"layout map: extent {extent.toString(3)} does not hold {name}")
    legend = one_item(layout, QgsLayoutItemLegend, "legends", problems)
    if legend is not None:
        shown = [n.name() for n in legend.model().rootGroup().findLayers()]
        want = [n for n in ORDER if n in layers and n not in HIDDEN and layers[n].isSpatial()]
        if shown != want:
            problems.append(f"layout legend lists {shown}, expected {want}")
    bar = one_item(layout, QgsLayoutItemScaleBar, "scale bars", problems)
    if bar is not None and bar.units() != QgsUnitTypes.DistanceKilometers:
        problems.append(f"layout scale bar: units {QgsUnitTypes.toString(bar.units())}, expected km")
    arrow = one_item(layout, QgsLayoutItemPicture, "pictures (north arrow)", problems)
    if arrow is not None and "north_arrow" not in arrow.picturePath():
        problems.append(f"layout north arrow: picture {arrow.picturePath()!r}")
    title = one_item(layout, QgsLayoutItemLabel, "labels (title)", problems)
    if title is not None and not re.search(r" — land release as of \d{4}-\d{2}-\d{2}$", title.text()):
        problems.append(f"layout title: {title.text()!r}")
    tables = [f for f in layout.multiFrames() if isinstance(f, QgsLayoutItemManualTable)]
    if len(tables) != 1:
        problems.append(f"layout: {len(tables)} fixed tables, expected 1")
    elif "region_summary" in layers:
        table = tables[0]
        headings = [h.heading() for h in table.headers()]
        rows = [[str(cell.content()) for cell in row] for row in table.tableContents()]
        regions = layers["region_summary"].featureCount()
        want = min(regions, TABLE_ROWS) + (1 if regions > TABLE_ROWS else 0)
        if headings != TABLE_HEADINGS:
            problems.append(f"layout table: headings {headings}, expected {TABLE_HEADINGS}")
        elif len(rows) != want:
            problems.append(f"layout table: {len(rows)} rows, expected {want} ({regions} regions)")
        else:
            shown = rows[:min(regions, TABLE_ROWS)]
            km2 = [float(row[1].replace(",", "")) for row in shown]
            if km2 != sorted(km2, reverse=True):
                problems.append(f"layout table: remaining km² {km2} not largest first")
            if regions > TABLE_ROWS and not re.match(r"^\d+ others", rows[-1][0]):
                problems.append(f"layout table: last row {rows[-1]!r} is not the others row")
            table.refreshAttributes()
            if len(table.contents()) != want:
                problems.append(f"layout table: QGIS draws {len(table.contents())} rows, expected {want}")
    return layout


def export(layout, png, pdf, problems):
    exporter = QgsLayoutExporter(layout)
    # renderPageToImage + save rather than exportToImage: the latter also georeferences
    # the PNG through GDAL, which cannot update PNGs and prints an ERROR line.
    picture = exporter.renderPageToImage(0, QSize(), 150)
    if picture.isNull() or not picture.save(png, "PNG"):
        problems.append(f"layout: PNG export to {png} failed")
        return
    result = exporter.exportToPdf(pdf, QgsLayoutExporter.PdfExportSettings())
    if result != QgsLayoutExporter.Success or os.path.getsize(pdf) < 1000:
        problems.append(f"layout: PDF export failed ({result}): {exporter.errorMessage()}")
    colours = set()
    painted = 0
    step = 4
    for y in range(0, picture.height(), step):
        for x in range(0, picture.width(), step):
            rgb = picture.pixel(x, y) & 0xFFFFFF
            colours.add(rgb)
            painted += rgb != 0xFFFFFF
    total = max(1, (picture.width() // step) * (picture.height() // step))
    if painted < total * 0.1 or len(colours) < 8:
        problems.append(f"layout: PNG looks blank ({painted}/{total} painted samples, {len(colours)} colours)")


def main(argv):
    if len(argv) not in (2, 3, 4):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    gpkg = os.path.abspath(argv[1])
    png = os.path.abspath(argv[2]) if len(argv) >= 3 else os.path.join(os.path.dirname(gpkg), "layout.png")
    if not os.path.isfile(gpkg):
        print(f"check_project: FAIL: {gpkg} does not exist", file=sys.stderr)
        return 1
    problems = []
    stored_archive(gpkg, problems)
    elsewhere = tempfile.mkdtemp(prefix="minefree-moved-")
    copy = os.path.join(elsewhere, "minefree.gpkg")
    shutil.copyfile(gpkg, copy)
    pdf = os.path.abspath(argv[3]) if len(argv) == 4 else os.path.splitext(png)[0] + ".pdf"
    app = QgsApplication([], False)
    app.initQgis()
    try:
        project = QgsProject.instance()
        uri = f"geopackage:{copy}?projectName={PROJECT}"
        if not project.read(uri):
            problems.append(f"QGIS cannot read the project {uri}: {project.error()}")
        else:
            print(f"check_project: read {uri}: title {project.title()!r}, CRS {project.crs().authid()}")
            if project.crs().authid() != "EPSG:4326":
                problems.append(f"project CRS is {project.crs().authid()}, expected EPSG:4326")
            if not project.title().endswith(".toml"):
                problems.append(f"project title {project.title()!r} is not the pipeline file name")
            layers = check_layers(project, elsewhere, problems)
            layout = check_layout(project, layers, problems)
            if layout is not None:
                export(layout, png, pdf, problems)
                print(f"check_project: layout exported to {png} and {pdf}")
        project.clear()
    finally:
        shutil.rmtree(elsewhere, ignore_errors=True)
    for p in problems:
        print(f"check_project: FAIL: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_project: OK: project {PROJECT!r} of {gpkg}")
    return 0


if __name__ == "__main__":
    status = main(sys.argv)
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown (PyQGIS 3.22 crashes when Python destroys QgsApplication).
    os._exit(status)
