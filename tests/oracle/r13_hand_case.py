#!/usr/bin/python3
"""R13 hand case for what the sample cannot exercise, with expected values from rectangles.

    /usr/bin/python3 tests/oracle/r13_hand_case.py PATH/TO/minefree     # from the repo root

Builds a GeoPackage in a temporary directory (two regions split at lon 1; three 0.01 deg
hazards near the equator, recorded 2020-01-01), runs `minefree run` on it and checks
release_by_organisation.csv against areas of axis-parallel rectangles (pyproj Geod):

- H1, 2021: RL-1 cleared (left half, started 2021-04-01, completed 05-01: 31 days,
  organisation " Alpha " -> "Alpha"), RL-2 cancelled (all of H1, organisation NULL, no
  started_on), RL-3 reduced (top strip, organisation blank, started = completed: 1 day).
  Cleared beats reduced beats cancelled: Alpha gets the left half; "unknown" gets the
  right half (RL-3's strip reduced, the rest cancelled), 2 releases, task_days 1 (RL-2 has
  no started_on), m2_per_task_day = RL-3's land only.
- H2, 2022: RL-4 cleared over the region boundary (33 days): one row per region and a
  _national row with releases 1 and task_days 33 (distinct releases, not summed).
- H3, 2023: two records both named RL-X, cleared, same day, overlapping by 0.002 deg:
  a full tie; the overlap goes to the first record in input order (Beta), an
  interpretation (see README, R13 interpretation 2).
"""

import csv
import datetime as dt
import os
import subprocess
import sys
import tempfile

from osgeo import ogr, osr
from pyproj import Geod

ogr.UseExceptions()
GEOD = Geod(ellps="WGS84")
D = dt.date


def rect(x0, y0, x1, y1):
    return "POLYGON((%r %r,%r %r,%r %r,%r %r,%r %r))" % (x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)


def area(x0, y0, x1, y1):
    return abs(GEOD.polygon_area_perimeter([x0, x1, x1, x0], [y0, y0, y1, y1])[0])


def layer(ds, srs, name, fields, rows, gtype=ogr.wkbPolygon):
    lyr = ds.CreateLayer(name, srs, gtype)
    for f, t in fields:
        lyr.CreateField(ogr.FieldDefn(f, t))
    for wkt, vals in rows:
        ft = ogr.Feature(lyr.GetLayerDefn())
        for k, v in vals.items():
            if v is None:
                ft.SetFieldNull(k)
            elif isinstance(v, dt.date):
                ft.SetField(k, v.year, v.month, v.day, 0, 0, 0, 0)
            else:
                ft.SetField(k, v)
        ft.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        lyr.CreateFeature(ft)


def release(rid, method, done, started, hid, org, box):
    return (rect(*box), {"release_id": rid, "method": method, "completed_on": done,
                         "started_on": started, "hazard_id": hid, "organisation": org})


def build(folder):
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(os.path.join(folder, "hand.gpkg"))
    s, dt_ = ogr.OFTString, ogr.OFTDate
    layer(ds, srs, "regions", [("region_id", s), ("name", s)],
          [(rect(0, 0, 1, 1), {"region_id": "R-A", "name": "A"}),
           (rect(1, 0, 2, 1), {"region_id": "R-B", "name": "B"})])
    layer(ds, srs, "hazards", [("hazard_id", s), ("status", s), ("recorded_on", dt_)],
          [(rect(0.10, 0.10, 0.11, 0.11), {"hazard_id": "H1", "status": "SHA", "recorded_on": D(2020, 1, 1)}),
           (rect(0.995, 0.20, 1.005, 0.21), {"hazard_id": "H2", "status": "SHA", "recorded_on": D(2020, 1, 1)}),
           (rect(0.30, 0.30, 0.31, 0.31), {"hazard_id": "H3", "status": "CHA", "recorded_on": D(2020, 1, 1)})])
    layer(ds, srs, "releases", [("release_id", s), ("method", s), ("completed_on", dt_),
                                ("started_on", dt_), ("hazard_id", s), ("organisation", s)], [
        release("RL-1", "cleared", D(2021, 5, 1), D(2021, 4, 1), "H1", " Alpha ", (0.10, 0.10, 0.105, 0.11)),
        release("RL-2", "cancelled", D(2021, 3, 1), None, "H1", None, (0.10, 0.10, 0.11, 0.11)),
        release("RL-3", "reduced", D(2021, 6, 1), D(2021, 6, 1), "H1", "  ", (0.10, 0.108, 0.11, 0.11)),
        release("RL-4", "cleared", D(2022, 2, 2), D(2022, 1, 1), "H2", "Alpha", (0.995, 0.20, 1.005, 0.21)),
        release("RL-X", "cleared", D(2023, 3, 3), D(2023, 3, 1), "H3", "Beta", (0.30, 0.30, 0.306, 0.31)),
        release("RL-X", "cleared", D(2023, 3, 3), D(2023, 3, 2), "H3", "Gamma", (0.304, 0.30, 0.31, 0.31)),
    ])
    layer(ds, srs, "settlements", [("settlement_id", s), ("name", s), ("population", ogr.OFTInteger)],
          [("POINT(0.5 0.5)", {"settlement_id": "S1", "name": "s", "population": 10})], ogr.wkbPoint)
    ds = None
    toml = 'as_of = "2026-06-30"\noutput = "out"\n' + "".join(
        '[inputs.%s]\nsource = "hand.gpkg"\nlayer = "%s"\n' % (k, k)
        for k in ("hazards", "releases", "regions", "settlements"))
    with open(os.path.join(folder, "hand.toml"), "w") as f:
        f.write(toml)


def expected():
    """(region, year, organisation) -> (released, cleared, reduced, cancelled, releases,
    task_days, m2_per_task_day), from rectangles."""
    alpha21 = area(0.10, 0.10, 0.105, 0.11)
    red = area(0.105, 0.108, 0.11, 0.11)
    can = area(0.105, 0.10, 0.11, 0.108)
    a22, b22 = area(0.995, 0.20, 1.0, 0.21), area(1.0, 0.20, 1.005, 0.21)
    beta, gamma = area(0.30, 0.30, 0.306, 0.31), area(0.306, 0.30, 0.31, 0.31)
    rows = {("R-A", 2021, "Alpha"): (alpha21, alpha21, 0, 0, 1, 31, alpha21 / 31),
            ("R-A", 2021, "unknown"): (red + can, 0, red, can, 2, 1, red / 1),
            ("R-A", 2022, "Alpha"): (a22, a22, 0, 0, 1, 33, a22 / 33),
            ("R-B", 2022, "Alpha"): (b22, b22, 0, 0, 1, 33, b22 / 33),
            ("R-A", 2023, "Beta"): (beta, beta, 0, 0, 1, 3, beta / 3),
            ("R-A", 2023, "Gamma"): (gamma, gamma, 0, 0, 1, 2, gamma / 2)}
    rows[("_national", 2022, "Alpha")] = (a22 + b22, a22 + b22, 0, 0, 1, 33, (a22 + b22) / 33)
    for k in [k for k in rows if k[0] == "R-A" and k[1] != 2022]:
        rows[("_national",) + k[1:]] = rows[k]
    return rows


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as folder:
        build(folder)
        run = subprocess.run([binary, "run", os.path.join(folder, "hand.toml")],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        with open(os.path.join(folder, "out", "release_by_organisation.csv"), newline="") as f:
            got = {(r["region_id"], int(r["year"]), r["organisation"]): r for r in csv.DictReader(f)}
    want = expected()
    cols = ("released_m2", "cleared_m2", "reduced_m2", "cancelled_m2", "releases", "task_days",
            "m2_per_task_day")
    bad = ["only in minefree: %s" % (k,) for k in sorted(set(got) - set(want))]
    bad += ["missing in minefree: %s" % (k,) for k in sorted(set(want) - set(got))]
    for k in sorted(set(got) & set(want)):
        for c, w in zip(cols, want[k]):
            g = got[k][c]
            g = None if g == "" else float(g)
            if g is None or abs(g - w) > max(0.01, 1e-6 * abs(w)):
                bad.append("%s %s: expected %r, minefree %r" % (k, c, w, g))
    for line in bad:
        print("FAIL", line)
    print("R13 hand case: %d rows, %d problems" % (len(want), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
