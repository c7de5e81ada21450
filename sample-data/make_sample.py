#!/usr/bin/python3
"""Generate the fictional "Republic of Tarvania" sample data set for minefree.

Deterministic: every random choice comes from random.Random(42) in a fixed
order, nothing depends on the clock (GDAL's GeoPackage timestamp is pinned with
OGR_CURRENT_DATE and the shapefile's DBF header date is pinned after writing),
so re-running this script regenerates byte-identical files.

Needs only the GDAL Python bindings (Debian: python3-gdal).

    /usr/bin/python3 sample-data/make_sample.py

Writes, next to this script:
    regions.geojson          4 provinces, EPSG:4326, shared edges vertex-identical
    national.gpkg            layer "hazards", EPSG:4326, generic GEOMETRY column
    releases_utm42n.shp      (+ .shx .dbf .prj .cpg) EPSG:32642
    settlements.csv          settlement_id,name,population,lon,lat (no CRS)
    accidents.csv            accident_id,occurred_on,casualties,WKT
    targets.csv              region_id,year,target_m2 (no geometry; R15)
The deliberate defects are listed in README.md.
"""

import csv
import datetime as dt
import json
import math
import os
import random

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
# pin the timestamps GDAL writes into the GeoPackage (gpkg_contents.last_change)
gdal.SetConfigOption("OGR_CURRENT_DATE", "2026-01-01T00:00:00Z")

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(42)

D = dt.date(2026, 6, 30)              # as-of date the sample is designed around
WINDOW_START = dt.date(2024, 7, 1)    # first day of the R10 window (D - 730 days, open)
BEFORE_WINDOW_END = dt.date(2024, 6, 29)

M_PER_DEG_LAT = 110574.0


def m_per_deg_lon(lat):
    return 111320.0 * math.cos(math.radians(lat))


def offset(pt, dx, dy):
    """Move a lon/lat point by dx (east) / dy (north) metres (local approximation)."""
    lon, lat = pt
    return (lon + dx / m_per_deg_lon(lat), lat + dy / M_PER_DEG_LAT)


def rnd(pt, nd=7):
    return (round(pt[0], nd), round(pt[1], nd))


# ---------------------------------------------------------------- regions
def jittered_line(a, b, n_mid, amp_deg):
    """Polyline a -> b with n_mid interior vertices jittered perpendicular to a-b."""
    pts = [a]
    dx, dy = b[0] - a[0], b[1] - a[1]
    ln = math.hypot(dx, dy)
    nx, ny = -dy / ln, dx / ln
    for i in range(1, n_mid + 1):
        t = i / (n_mid + 1)
        j = rng.uniform(-amp_deg, amp_deg)
        pts.append((a[0] + t * dx + j * nx, a[1] + t * dy + j * ny))
    pts.append(b)
    return [(round(x, 6), round(y, 6)) for x, y in pts]


CENTRE = (69.55, 38.25)
A_NE = (70.95, 39.35)
A_SE = (70.85, 37.10)
A_SW = (68.10, 37.15)
A_NW = (68.05, 39.40)

RAD_NE = jittered_line(CENTRE, A_NE, 12, 0.012)   # TV-NO | TV-EA
RAD_SE = jittered_line(CENTRE, A_SE, 12, 0.012)   # TV-EA | TV-SO
RAD_SW = jittered_line(CENTRE, A_SW, 12, 0.012)   # TV-SO | TV-WE
RAD_NW = jittered_line(CENTRE, A_NW, 12, 0.012)   # TV-WE | TV-NO
EDGE_N = jittered_line(A_NW, A_NE, 14, 0.04)
EDGE_E = jittered_line(A_NE, A_SE, 14, 0.04)
EDGE_S = jittered_line(A_SE, A_SW, 14, 0.04)
EDGE_W = jittered_line(A_SW, A_NW, 14, 0.04)


def ring_of(r1, edge, r2):
    ring = r1 + edge[1:] + list(reversed(r2))[1:]
    assert ring[0] == ring[-1]
    return ring


def signed_area(ring):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        s += x1 * y2 - x2 * y1
    return s / 2.0


def ccw(ring):
    return ring if signed_area(ring) > 0 else list(reversed(ring))


REGIONS = [
    ("TV-NO", "Aldara Province", ring_of(RAD_NW, EDGE_N, RAD_NE)),
    ("TV-EA", "Benjor Province", ring_of(RAD_NE, EDGE_E, RAD_SE)),
    ("TV-SO", "Tashar Province", ring_of(RAD_SE, EDGE_S, RAD_SW)),
    ("TV-WE", "Vaxlan Province", ring_of(RAD_SW, EDGE_W, RAD_NW)),
]


# ---------------------------------------------------------------- helpers
def along(line, t, off_m=0.0):
    """Point at fraction t of the polyline's (metric) length, moved off_m to the left."""
    lat0 = line[0][1]
    kx, ky = m_per_deg_lon(lat0), M_PER_DEG_LAT
    segs = []
    total = 0.0
    for a, b in zip(line, line[1:]):
        ln = math.hypot((b[0] - a[0]) * kx, (b[1] - a[1]) * ky)
        segs.append((a, b, ln))
        total += ln
    target = t * total
    for a, b, ln in segs:
        if target <= ln or (a, b, ln) == segs[-1]:
            f = target / ln
            p = (a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]))
            ux, uy = (b[0] - a[0]) * kx / ln, (b[1] - a[1]) * ky / ln
            return offset(p, -uy * off_m, ux * off_m)
        target -= ln
    raise AssertionError


def star(n, area_m2, irregular=0.35):
    """Irregular star-shaped simple polygon in local metres, CCW, exact planar area."""
    pts = []
    for i in range(n):
        a = 2 * math.pi * i / n + rng.uniform(-0.3, 0.3) * 2 * math.pi / n
        r = 1.0 - irregular * rng.random()
        pts.append((r * math.cos(a), r * math.sin(a)))
    ar = abs(signed_area(pts + [pts[0]]))
    k = math.sqrt(area_m2 / ar)
    return [(x * k, y * k) for x, y in pts]


def to_ll(centre, local, nd=7):
    return [rnd(offset(centre, dx, dy), nd) for dx, dy in local]


def close(ring):
    return ring + [ring[0]]


def maxr(local):
    return max(math.hypot(x, y) for x, y in local)


def d(s):
    return dt.date.fromisoformat(s) if s else None


def rand_date(lo, hi):
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


# ---------------------------------------------------------------- hazards
# Each hazard: dict(id, status, type, rec, geom_kind, centre, local parts ...)
P_BIG = along(RAD_NE, 0.47, -3500)      # where the large cancellation lands (TV-EA)
VS = [(69.05, 37.62), (69.85, 37.48)]   # valley in TV-SO
VW = [(68.35, 38.55), (68.95, 38.05)]   # valley in TV-WE
Q = (69.95, 38.95)                      # highland cluster in TV-NO

HAZ = []


def hz(hid, status, htype, rec, centre, area=None, n=16, kind="poly", **kw):
    h = dict(id=hid, status=status, type=htype, rec=d(rec), centre=centre, kind=kind, **kw)
    if kind in ("poly", "hole", "spike", "repeat"):
        h["local"] = star(n, area)
        h["R"] = maxr(h["local"])
    HAZ.append(h)
    return h


def H(hid, k=0):
    return [h for h in HAZ if h["id"] == hid][k]


# cluster A: along the TV-NO | TV-EA border (positive offset = TV-NO side)
hz("HZ-001", "SHA", "AP", "2014-05-12", along(RAD_NE, 0.42, 2500), 1.6e6, 24)
hz("HZ-002", "CHA", "AP", "2019-03-20", offset(H("HZ-001")["centre"], 350, 200), 2.5e5, 14)
hz("HZ-003", "SHA", "MIXED", "2013-09-03", offset(RAD_NE[6], 110, -110), 1.0e6, 20)  # crosses the border
hz("HZ-004", "CHA", "AT", "2016-04-18", offset(P_BIG, -1100, 300), 4.0e5, 12)
hz("HZ-005", "SHA", "AT", "2015-07-01", along(RAD_NE, 0.55, 3000), 7.0e5, 16)
hz("HZ-006", "SHA", "ERW", "2017-10-09", offset(P_BIG, 900, 800), 5.0e5, 18)
hz("HZ-007", " cha", "AP", "2020-06-15", along(RAD_NE, 0.45, 1800), 3.0e5, 11)
hz("HZ-008", "Sha", None, "2012-11-30", offset(P_BIG, 200, -1200), 3.0e5, 13)
hz("HZ-009", "SHA", "CMR", "2018-02-22", along(RAD_NE, 0.50, 4000), 9.0e5, 22, kind="hole")
hz("HZ-010", "CHA", "ERW", "2016-08-08", along(RAD_NE, 0.38, -2500), 2.0e5, 10)
# cluster B: along the TV-EA | TV-SO border (positive offset = TV-EA side)
hz("HZ-011", "SHA", "IED", "2021-04-05", along(RAD_SE, 0.55, 2500), 1.2e6, 20)
hz("HZ-012", "CHA", "IED", "2022-09-19", offset(H("HZ-011")["centre"], -300, -250), 2.0e5, 12)
hz("HZ-013", "SHA", "CMR", "2019-05-27", along(RAD_SE, 0.62, -2500), kind="multi")
hz("HZ-014", "CHA", "AP", "2018-07-11", along(RAD_SE, 0.48, -2000), kind="bowtie")
hz("HZ-015", "SHA", "ERW", None, along(RAD_SE, 0.68, 3000), 6.0e5, 15)
hz("HZ-016", "CHA", "ap", "2023-03-02", along(RAD_SE, 0.58, -4500), 1.5e5, 9)
hz("HZ-017", "XYZ", "AT", "2017-01-24", along(RAD_SE, 0.45, 4000), 4.5e5, 14)
# valley in TV-SO
hz("HZ-018", "SHA", "AP", "2013-06-06", along(VS, 0.2, 0), 1.8e6, 28)
hz("HZ-019", "CHA", "AP", "2021-05-10", offset(H("HZ-018")["centre"], 450, -150), 3.0e5, 12)
hz("HZ-020", "CHA", "ERW", "2015-10-21", along(VS, 0.4, 1200), 2.5e5, 10)
hz("HZ-021", "SHA", "MIXED", "2016-12-05", along(VS, 0.55, -800), 8.0e5, 16, kind="spike")
hz("HZ-022", "CHA", "AP", "2024-02-14", along(VS, 0.7, 600), 1.2e5, 10, kind="repeat")
hz("HZ-023", "SHA", "ERW", "2014-03-17", EDGE_S[9], 9.0e5, 18)          # partly outside
hz("HZ-024", "SHA", "AP", None, along(VS, 0.85, -1000), 5.0e5, 15)
hz("HZ-020", "SHA", "AT", "2019-08-26", along(VS, 0.95, 1500), 3.5e5, 12)  # reused id
hz("HZ-025", "CHA", "AP", "2026-09-01", along(VS, 0.3, -2000), 2.0e5, 10)  # after as-of
hz("HZ-026", "SHA", "IED", "2020-04-01", None, kind="empty")
# valley in TV-WE (no release there in the R10 window)
hz("HZ-027", "SHA", "AP", "2012-08-14", along(VW, 0.25, 0), 1.9e6, 30)
hz("HZ-028", "CHA", "AP", "2016-05-30", offset(H("HZ-027")["centre"], -400, 300), 3.5e5, 12)
hz("HZ-029", "SHA", "AT", "2014-10-02", along(VW, 0.5, 1500), 6.0e5, 16)
hz("HZ-030", "CHA", "MIXED", "2018-09-12", along(VW, 0.7, -1200), 2.5e5, 11)
hz("HZ-031", "SHA", "ERW", "2015-02-10", None, kind="null")
hz("HZ-032", "SHA", "AP", "2017-06-19", along(VW, 0.6, 0), kind="point")
hz("HZ-033", "CHA", "CMR", "2019-11-04", along(VW, 0.85, 800), 3.0e5, 13)
# highland cluster in TV-NO
hz("HZ-034", "SHA", "AP", "2013-04-22", offset(Q, -2000, 500), 1.1e6, 20)
hz("HZ-035", "CHA", "AT", "2020-10-13", offset(Q, 1500, 1200), 2.2e5, 12)
hz("HZ-036", "SHA", "ERW", "2022-05-09", offset(Q, 500, -2200), 7.0e5, 17)
hz("HZ-037", "CHA", "IED", "2025-02-14", offset(Q, 3500, -500), 6.0e4, 8)
hz("HZ-038", "SHA", "AP", "2016-03-03", offset(Q, -1000, -3000), 4.0e5, 14)
hz("HZ-039", "SHA", None, "2018-06-27", offset(Q, -4500, -1500), 2.5e4, 8)
hz("HZ-040", "CHA", "AP", "2024-11-20", offset(Q, 3000, 2500), 1.5e5, 10)

# the special geometries that are not a plain star
h13 = H("HZ-013")
h13["parts"] = [(offset(h13["centre"], -900, -300), star(12, 1.5e5)),
                (offset(h13["centre"], 900, 300), star(14, 2.5e5))]
h13["R"] = 1400.0
h14 = H("HZ-014")
h14["local"] = [(-400, -250), (400, 250), (400, -250), (-400, 250)]   # bow-tie
h14["R"] = maxr(h14["local"])
h09 = H("HZ-009")
h09["hole"] = [(x * 0.3, y * 0.3) for x, y in reversed(star(10, 9.0e5, 0.1))]


def hazard_wkt(h):
    k = h["kind"]
    c = h["centre"]
    if k == "empty":
        return "POLYGON EMPTY"
    if k == "null":
        return None
    if k == "point":
        lon, lat = rnd(c)
        return "POINT (%r %r)" % (lon, lat)
    if k == "multi":
        parts = []
        for pc, loc in h["parts"]:
            parts.append("((%s))" % fmt_ring(close(to_ll(pc, loc))))
        return "MULTIPOLYGON (%s)" % ", ".join(parts)
    ext = to_ll(c, h["local"])
    if k == "spike":       # out-and-back vertex: ... P3, S, P3, P4 ...
        s = rnd(offset(c, h["local"][3][0] * 1.6, h["local"][3][1] * 1.6))
        ext = ext[:4] + [s, ext[3]] + ext[4:]
    if k == "repeat":      # repeated consecutive vertices
        ext = ext[:3] + [ext[2], ext[2]] + ext[3:7] + [ext[6]] + ext[7:]
    rings = [close(ext)]
    if k == "hole":
        rings.append(close(to_ll(c, h["hole"])))
    return "POLYGON (%s)" % ", ".join("(%s)" % fmt_ring(r) for r in rings)


def fmt_ring(ring):
    return ", ".join("%r %r" % (x, y) for x, y in ring)


# ---------------------------------------------------------------- releases
S_WGS = osr.SpatialReference()
S_WGS.ImportFromEPSG(4326)
S_WGS.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
S_UTM = osr.SpatialReference()
S_UTM.ImportFromEPSG(32642)
S_UTM.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
TO_UTM = osr.CoordinateTransformation(S_WGS, S_UTM)

ORGS = ["TNMAC Humanitarian Demining Unit", "Steppe Demining Foundation",
        "Clearfield Relief", "Engineer Battalion 7"]
REL = []


def rel(rid, method, completed, hazard_id, ll_ring, exact=False, org=None):
    REL.append(dict(id=rid, method=method, completed=completed, hazard_id=hazard_id,
                    ring=ll_ring, exact=exact, org=org or ORGS[rng.randrange(len(ORGS))]))


def shape_partial(h):
    a = rng.uniform(0, 2 * math.pi)
    R = h["R"]
    c = offset(h["centre"], 0.5 * R * math.cos(a), 0.5 * R * math.sin(a))
    return close(to_ll(c, star(8, math.pi * (0.5 * R) ** 2 * 0.75, 0.25), 7))


def shape_strip(h):
    """A survey strip through the hazard that spills out past its edge."""
    R = h["R"]
    a = rng.uniform(0, math.pi)
    w = rng.uniform(40, 120)
    s = rng.uniform(-0.5, 0.5) * R
    ux, uy = math.cos(a), math.sin(a)
    nx, ny = -uy, ux
    L = 1.3 * R
    loc = [(-L * ux + (s - w / 2) * nx, -L * uy + (s - w / 2) * ny),
           (L * ux + (s - w / 2) * nx, L * uy + (s - w / 2) * ny),
           (L * ux + (s + w / 2) * nx, L * uy + (s + w / 2) * ny),
           (-L * ux + (s + w / 2) * nx, -L * uy + (s + w / 2) * ny)]
    return close(to_ll(h["centre"], loc, 7))


def shape_whole(h):
    n = 16
    R = h["R"] * 1.15
    loc = [(R * math.cos(2 * math.pi * i / n), R * math.sin(2 * math.pi * i / n)) for i in range(n)]
    return close(to_ll(h["centre"], loc, 7))


def shape_disc(c, R, n=12):
    loc = [(R * math.cos(2 * math.pi * i / n), R * math.sin(2 * math.pi * i / n)) for i in range(n)]
    return close(to_ll(c, loc, 7))


# special releases (see README for the list)
rel("RL-0001", "cleared", d("2025-05-20"), "HZ-038", shape_whole(H("HZ-038")))
h35 = H("HZ-035")
rel("RL-0002", " Cleared ", d("2024-09-12"), "HZ-035", close(to_ll(h35["centre"], h35["local"])), exact=True)
rel("RL-0003", "cancelled", d("2025-03-15"), "HZ-004", shape_disc(P_BIG, 1200, 20))
rel("RL-0004", "reduced", d("2023-04-11"), "HZ-099", shape_partial(H("HZ-005")))
rel("RL-0005", "reduced", d("2025-09-30"), "HZ-036", shape_partial(H("HZ-034")))
h19 = H("HZ-019")
rel("RL-0006", "cancelled", d("2019-08-01"), "HZ-019", shape_disc(h19["centre"], h19["R"] * 1.2, 14))
rel("RL-0007", "cleared", d("2025-02-14"), "HZ-037", shape_partial(H("HZ-037")))
rel("RL-0008", "cleared", None, "HZ-040", shape_partial(H("HZ-040")))
rel("RL-0009", "reduced", d("2026-08-20"), "HZ-036", shape_partial(H("HZ-036")))
rel("RL-0010", "cleared", d("2024-06-30"), "HZ-027", shape_partial(H("HZ-027")))
rel("RL-0011", "cleared", d("2025-11-03"), "HZ-022", shape_whole(H("HZ-022")))
rel("RL-0012", "REDUCED", d("2024-10-10"), "HZ-003", shape_strip(H("HZ-003")))
rel("RL-0013", "cancelled", d("2023-05-05"), "HZ-025", shape_partial(H("HZ-025")))
rel("RL-0014", "cleared", d("2022-07-07"), "HZ-014", shape_disc(offset(H("HZ-014")["centre"], 250, 0), 180, 10))
rel("RL-0015", "reduced", d("2024-12-01"), "HZ-013", shape_disc(h13["parts"][1][0], 200, 10))
rel("RL-0016", "Cancelled ", d("2021-10-18"), "HZ-009", shape_disc(offset(h09["centre"], 250, 0), 350, 12))
rel("RL-0042", "reduced", d("2025-06-02"), "HZ-001", shape_strip(H("HZ-001")))
rel("RL-0042", "cleared", d("2022-03-14"), "HZ-011", shape_partial(H("HZ-011")))

# ordinary releases: (hazard id, record index, count, kind or None = random)
# HZ-018's own releases all predate HZ-019 (recorded 2021-05-10), so they do not
# apply to the CHA drawn over it (R3).
LATEST = {"HZ-018": dt.date(2021, 5, 9)}
PLAN = [("HZ-001", 0, 4, None), ("HZ-002", 0, 1, None), ("HZ-003", 0, 2, None),
        ("HZ-004", 0, 2, None), ("HZ-005", 0, 3, None), ("HZ-006", 0, 2, None),
        ("HZ-007", 0, 2, None), ("HZ-008", 0, 1, None), ("HZ-009", 0, 2, None),
        ("HZ-010", 0, 2, None), ("HZ-011", 0, 3, None), ("HZ-012", 0, 1, None),
        ("HZ-013", 0, 1, None), ("HZ-015", 0, 2, None), ("HZ-017", 0, 3, None),
        ("HZ-018", 0, 4, None), ("HZ-019", 0, 1, None), ("HZ-020", 0, 2, None),
        ("HZ-020", 1, 1, None), ("HZ-021", 0, 2, None), ("HZ-023", 0, 2, None),
        ("HZ-024", 0, 2, None), ("HZ-027", 0, 3, None), ("HZ-028", 0, 1, None),
        ("HZ-029", 0, 3, None), ("HZ-030", 0, 2, None), ("HZ-034", 0, 2, None),
        ("HZ-036", 0, 3, None), ("HZ-039", 0, 1, "whole"), ("HZ-040", 0, 2, None)]
WEST = {"HZ-027", "HZ-028", "HZ-029", "HZ-030", "HZ-031", "HZ-032", "HZ-033"}
METHODS = ["cleared", "cleared", "cleared", "cleared", "reduced", "reduced", "reduced",
           "cancelled", "cancelled", "cancelled"]
VARIANT = {"cleared": " Cleared ", "reduced": "REDUCED", "cancelled": "Cancelled "}

next_id = 17
for hid, k, count, kind in PLAN:
    h = H(hid, k)
    for _ in range(count):
        if next_id == 42:
            next_id += 1
        knd = kind or rng.choice(["partial", "partial", "strip", "strip"])
        if h["kind"] == "multi":
            pc, loc = h["parts"][0]
            shape = shape_disc(offset(pc, 100, 0), 180, 10)
        elif knd == "partial":
            shape = shape_partial(h)
        elif knd == "strip":
            shape = shape_strip(h)
        else:
            shape = shape_whole(h)
        method = rng.choice(METHODS)
        if rng.random() < 0.15:
            method = VARIANT[method]
        rec = h["rec"] or dt.date(2016, 1, 1)
        lo = max(rec + dt.timedelta(days=30), dt.date(2016, 1, 1))
        in_window = hid not in WEST and hid != "HZ-039" and rng.random() < 0.55
        if hid in LATEST:
            date = rand_date(lo, LATEST[hid])
        elif in_window or lo > BEFORE_WINDOW_END:
            date = rand_date(max(lo, WINDOW_START), D)
        else:
            date = rand_date(lo, BEFORE_WINDOW_END)
        rel("RL-%04d" % next_id, method, date, hid, shape)
        next_id += 1

# ---------------------------------------------------------------- settlements
NAMES = ["Ardak", "Basmir", "Chalkuy", "Dehnavar", "Esfidan", "Farkhor-Bolo", "Gulobod",
         "Hisorak", "Istarvan", "Jomiqala", "Kalmon", "Lolazor", "Mazori", "Navobod",
         "Oqsu", "Pishtak", "Qaroqum", "Rushon-Poyon", "Sayod", "Tugalak", "Urtaboz",
         "Vakhsor", "Yakkatut", "Zarbdor", "Zarafshonak", "Shurobcha", "Chashmasor",
         "Khojaboz", "Darband-e Tar", "Tarvan (capital district)"]


def pop():
    u = rng.random()
    return max(50, min(40000, int(round(60 * (1.0 - u) ** (-1.0 / 0.7)))))


LIVE = [h for h in HAZ if h["kind"] not in ("empty", "null", "point") and h["id"] != "HZ-025"]
SETT = []
# three settlements inside hazard land (one in the hole of HZ-009)
for hid in ("HZ-016", "HZ-033", "HZ-009"):
    SETT.append(rnd(H(hid)["centre"], 6))
# three far from every hazard
SETT += [rnd(p, 6) for p in [(69.20, 39.15), (70.55, 38.05), (68.60, 37.45)]]
for h in rng.sample(LIVE, 24):
    a = rng.uniform(0, 2 * math.pi)
    dist = h["R"] + min(15000.0, rng.expovariate(1 / 4000.0))
    SETT.append(rnd(offset(h["centre"], dist * math.cos(a), dist * math.sin(a)), 6))
# move a settlement that fell within 25 m of the 5 km radius of a remaining hazard
# (within R8's tolerance) 150 m further away, so expected counts are unambiguous
NUDGE_AWAY = {27: ("HZ-024", 150.0),   # S028
              18: ("HZ-037", 100.0)}   # S019: keeps HZ-037 and HZ-003 apart in score
for i, (hid, extra) in NUDGE_AWAY.items():
    c = H(hid)["centre"]
    kx, ky = m_per_deg_lon(c[1]), M_PER_DEG_LAT
    vx, vy = (SETT[i][0] - c[0]) * kx, (SETT[i][1] - c[1]) * ky
    dd = math.hypot(vx, vy)
    SETT[i] = rnd(offset(SETT[i], vx / dd * extra, vy / dd * extra), 6)
POPS = [pop() for _ in SETT]
POPS[29] = 38500      # the district town
POPS[1] = 1240
order = list(range(len(SETT)))
SETTLEMENTS = [("S%03d" % (i + 1), NAMES[i], POPS[i], SETT[i][0], SETT[i][1]) for i in order]

# village_name of each hazard: the closest settlement (planar, local metres)
for h in HAZ:
    c = h["centre"]
    if c is None:
        h["village"] = None
        continue
    best = min(SETTLEMENTS, key=lambda s: math.hypot((s[3] - c[0]) * m_per_deg_lon(c[1]),
                                                     (s[4] - c[1]) * M_PER_DEG_LAT))
    h["village"] = best[1]

# ---------------------------------------------------------------- accidents
ACC_DATES = ["2015-04-11", "2017-09-02", "2019-03-28", "2021-06-30",   # outside the window
             "2021-07-01", "2022-05-17", "2022-10-03", "2023-04-22", "2023-08-09",
             "2024-03-15", "2024-09-27", "2025-05-06", "2025-11-19",
             "2026-06-30",                                              # last day inside
             "2026-08-03"]                                              # after as-of
ACC = []
for i, ds_ in enumerate(ACC_DATES):
    h = LIVE[rng.randrange(len(LIVE))]
    a = rng.uniform(0, 2 * math.pi)
    dist = rng.uniform(0.3, 4.0) * h["R"]
    p = rnd(offset(h["centre"], dist * math.cos(a), dist * math.sin(a)), 6)
    ACC.append(("ACC-%02d" % (i + 1), ds_, rng.choice([1, 1, 1, 2, 2, 3, 5]), p))


# ---------------------------------------------------------------- writers
def remove(path):
    if os.path.exists(path):
        os.remove(path)


def write_regions():
    feats = []
    for rid, name, ring in REGIONS:
        g = ogr.CreateGeometryFromWkt("POLYGON ((%s))" % fmt_ring(ring))
        assert g.IsValid(), rid
        feats.append({"type": "Feature",
                      "properties": {"region_id": rid, "name": name, "parent_id": None},
                      "geometry": {"type": "Polygon",
                                   "coordinates": [[list(p) for p in ccw(ring)]]}})
    fc = {"type": "FeatureCollection", "name": "regions", "features": feats}
    with open(os.path.join(HERE, "regions.geojson"), "w", newline="\n") as f:
        f.write(json.dumps(fc, indent=None, separators=(",", ":")).replace('{"type":"Feature"', '\n{"type":"Feature"'))
        f.write("\n")


def write_hazards():
    path = os.path.join(HERE, "national.gpkg")
    remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    lyr = ds.CreateLayer("hazards", srs, ogr.wkbUnknown, ["GEOMETRY_NAME=geom", "FID=fid"])
    for name, typ in [("hazard_id", ogr.OFTString), ("status", ogr.OFTString),
                      ("hazard_type", ogr.OFTString), ("recorded_on", ogr.OFTDate),
                      ("village_name", ogr.OFTString)]:
        lyr.CreateField(ogr.FieldDefn(name, typ))
    records = list(HAZ)
    # the exact duplicate: HZ-010 a second time, identical in every field, at the end
    records.append(H("HZ-010"))
    for h in records:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("hazard_id", h["id"])
        f.SetField("status", h["status"])
        if h["type"] is not None:
            f.SetField("hazard_type", h["type"])
        if h["rec"] is not None:
            f.SetField("recorded_on", h["rec"].year, h["rec"].month, h["rec"].day, 0, 0, 0, 0)
        if h["village"] is not None:
            f.SetField("village_name", h["village"])
        w = hazard_wkt(h)
        if w is not None:
            f.SetGeometry(ogr.CreateGeometryFromWkt(w))
        lyr.CreateFeature(f)
    ds = None


def write_releases():
    base = os.path.join(HERE, "releases_utm42n")
    for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        remove(base + ext)
    ds = ogr.GetDriverByName("ESRI Shapefile").CreateDataSource(base + ".shp")
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32642)
    lyr = ds.CreateLayer("releases_utm42n", srs, ogr.wkbPolygon, ["ENCODING=UTF-8"])
    for name, typ, width in [("release_id", ogr.OFTString, 12), ("method", ogr.OFTString, 12),
                             ("COMPLETED", ogr.OFTDate, 0), ("hazard_id", ogr.OFTString, 12),
                             ("org", ogr.OFTString, 40)]:
        fd = ogr.FieldDefn(name, typ)
        if width:
            fd.SetWidth(width)
        lyr.CreateField(fd)
    for r in REL:
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for lon, lat in r["ring"]:
            x, y, _ = TO_UTM.TransformPoint(lon, lat)
            if not r["exact"]:
                x, y = round(x, 2), round(y, 2)
            ring.AddPoint_2D(x, y)
        poly = ogr.Geometry(ogr.wkbPolygon)
        poly.AddGeometry(ring)
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("release_id", r["id"])
        f.SetField("method", r["method"])
        if r["completed"] is not None:
            c = r["completed"]
            f.SetField("COMPLETED", c.year, c.month, c.day, 0, 0, 0, 0)
        f.SetField("hazard_id", r["hazard_id"])
        f.SetField("org", r["org"])
        f.SetGeometry(poly)
        lyr.CreateFeature(f)
    ds = None
    # pin the "last update" date in the DBF header (bytes 1..3: YY-1900, MM, DD)
    with open(base + ".dbf", "r+b") as f:
        f.seek(1)
        f.write(bytes([126, 1, 1]))


# The previous plan's annual release targets (m², R15): round figures, as plans set
# them, for two past years of three provinces and the whole country. Not random (the
# draws above stay as they were).
TARGETS = [
    ("TV-NO", 2024, 500000), ("TV-NO", 2025, 1000000),
    ("TV-EA", 2024, 400000), ("TV-EA", 2025, 600000),
    ("TV-WE", 2024, 300000), ("TV-WE", 2025, 300000),
    ("_national", 2024, 1500000), ("_national", 2025, 2500000),
]


def write_csvs():
    with open(os.path.join(HERE, "settlements.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["settlement_id", "name", "population", "lon", "lat"])
        for sid, name, p, lon, lat in SETTLEMENTS:
            w.writerow([sid, name, p, "%.6f" % lon, "%.6f" % lat])
    with open(os.path.join(HERE, "accidents.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["accident_id", "occurred_on", "casualties", "WKT"])
        for aid, day, cas, (lon, lat) in ACC:
            w.writerow([aid, day, cas, "POINT (%.6f %.6f)" % (lon, lat)])
    with open(os.path.join(HERE, "targets.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region_id", "year", "target_m2"])
        for row in TARGETS:
            w.writerow(row)


if __name__ == "__main__":
    write_regions()
    write_hazards()
    write_releases()
    write_csvs()
    print("hazard records: %d, releases: %d, settlements: %d, accidents: %d"
          % (len(HAZ) + 1, len(REL), len(SETTLEMENTS), len(ACC)))
