#!/usr/bin/python3
"""Independent oracle for SPEC R13 (land released per organisation) on the sample data set.

Brute force from the SPEC text, with the geometry helpers of sample_oracle.py (shapely 2 /
GEOS overlays, slivers < 1e-12 deg^2 dropped after every overlay, pyproj geodesic areas) and
no Rust code:

  for each ledger year Y:  L_Y = (M_e(Y-1) u N_Y) - M_e(Y)        (R11, as sample_oracle.ledger)
  land(R) = union over the hazards H that R applies to (R3) of (H n R)
  the releases completed in Y are sorted by (method: cleared, reduced, cancelled;
  completed_on; release_id; input order) and L_Y is peeled through them:
      credited(R) = rest n land(R);  rest = rest - land(R)
  per place G (each region, _outside) and organisation: the geodesic area of the union of
  its releases' credited(R) n G, in total and per method; `releases` = the distinct release
  records credited with land there; task_days / m2_per_task_day from started_on.

    /usr/bin/python3 tests/oracle/r13_oracle.py       # from the repo root
    /usr/bin/python3 tests/oracle/r13_oracle.py --compare out/sample/release_by_organisation.csv

Runs after sample_oracle.py (which calls it at its end): reads the sample again, writes
the key `release_by_organisation` into tests/expected/sample.json, leaves every other key
as it is (asserted), and prints the self-check against the oracle's R11 rows
(`release_history`).  See tests/oracle/README.md, section "R13".
"""

import csv
import datetime as dt
import json
import os
import sys

import numpy as np
import shapely

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sample_oracle as so  # noqa: E402

METHOD_ORDER = {"cleared": 0, "reduced": 1, "cancelled": 2}
UNKNOWN_ORG = "unknown"
NATIONAL = "_national"
AREAS = ("released_m2", "cleared_m2", "reduced_m2", "cancelled_m2")
# SPEC field names; the sample pipeline maps completed_on = "COMPLETED", organisation = "org"
# and maps no started_on (the shapefile has no such field).
REL_FIELDS = {"completed_on": "COMPLETED", "organisation": "org", "started_on": "started_on"}
# Cross-check only: areas of the same sets with every straight lon/lat edge split every
# <= 1e-4 deg (~10 m), i.e. the area of the planar set itself rather than of the polygon
# with geodesic edges between the vertices that the overlays happened to leave.
DENSIFY_DEG = 1e-4


# ------------------------------------------------------------------ reading (as sample_oracle.main)
def load():
    """Regions, hazards (with R3 applying releases) and releases, read as sample_oracle.main does."""
    regions = []
    for r in so.read_ogr(os.path.join(so.SAMPLE, "regions.geojson")):
        g, why, _ = so.repair(r["geom"])
        assert g is not None, why
        regions.append({"id": so.norm(r["region_id"]), "geom": g})
    regions.sort(key=lambda r: r["id"])

    raw_h = so.read_ogr(os.path.join(so.SAMPLE, "national.gpkg"), "hazards")
    counts = {}
    for r in raw_h:
        counts[r["hazard_id"]] = counts.get(r["hazard_id"], 0) + 1
    seen, hazards = {}, []
    for r in raw_h:
        hid = r["hazard_id"]
        seen[hid] = seen.get(hid, 0) + 1
        key = "%s#%d" % (hid, seen[hid]) if counts[hid] > 1 else hid
        if r["recorded_on"] is not None and r["recorded_on"] > so.D:
            continue
        g, _, _ = so.repair(r["geom"])
        if g is None:
            continue
        hazards.append({"key": key, "rec": r["recorded_on"], "geom": g})

    releases = []
    for order, r in enumerate(so.read_ogr(os.path.join(so.SAMPLE, "releases_utm42n.shp"))):
        done = r[REL_FIELDS["completed_on"]]
        if done is None or done > so.D:
            continue
        g, _, _ = so.repair(r["geom"])
        if g is None:
            continue
        m = (so.norm(r["method"]) or "").lower()
        if m not in METHOD_ORDER:
            continue
        org = so.norm(r.get(REL_FIELDS["organisation"]))
        started = r.get(REL_FIELDS["started_on"])
        releases.append({"n": order, "id": r["release_id"], "method": m, "date": done,
                         "org": org if org else UNKNOWN_ORG, "started": started, "geom": g})

    for h in hazards:                       # R3, exactly as sample_oracle.main
        H = h["geom"]
        h["app"] = sorted((r for r in releases
                           if H.intersection(r["geom"]).area > 0
                           and (h["rec"] is None or r["date"] >= h["rec"])),
                          key=lambda r: r["id"])
    return regions, hazards, releases


def clips_of(regions, hazards):
    """Place clips as sample_oracle.main: each region, and _outside when hazard land lies there."""
    clips = {g["id"]: (lambda X, G=g["geom"]: so.inter(X, G)) for g in regions}
    reg_union = so.union([g["geom"] for g in regions])
    if so.garea(so.diff(so.union([h["geom"] for h in hazards]), reg_union)) > 0:
        clips[so.OUTSIDE] = lambda X: so.diff(X, reg_union)
    return clips


# ------------------------------------------------------------------ R13
def release_land(hazards, releases):
    """land(R) = union over hazards H that R applies to of (H n R), per release record."""
    land = {}
    for r in releases:
        hs = [h for h in hazards if any(a is r for a in h["app"])]
        land[r["n"]] = so.union([so.inter(h["geom"], r["geom"]) for h in hs])
    return land


def credit_year(y, l_y, releases, land):
    """Peel L_Y through year Y's applying releases in R13 order: {record n: credited set}, rest."""
    year_rel = [r for r in releases if r["date"].year == y and not land[r["n"]].is_empty]
    year_rel.sort(key=lambda r: (METHOD_ORDER[r["method"]], r["date"], r["id"], r["n"]))
    rest, credited = l_y, {}
    for r in year_rel:
        piece = so.inter(rest, land[r["n"]])
        if not piece.is_empty:
            credited[r["n"]] = piece
        rest = so.diff(rest, land[r["n"]])
    return credited, rest


def task_days(recs):
    """Sum of (completed_on - started_on + 1) days over the records with started_on; None if none."""
    days = [(r["date"] - r["started"]).days + 1 for r in recs if r["started"] is not None]
    return sum(days) if days else None


def rows_of_year(y, credited, by_n, clips, area):
    """Rows {place: {org: row}} for one year; areas (`area`) measured on the union per org
    and method."""
    out = {}
    for place, clip in clips.items():
        per_org = {}
        for n, piece in credited.items():
            part = clip(piece)
            if part.is_empty:
                continue
            per_org.setdefault(by_n[n]["org"], []).append((by_n[n], part))
        rows = {}
        for org, items in sorted(per_org.items()):
            row = {"region_id": place, "year": y, "organisation": org,
                   "released_m2": area(so.union([p for _, p in items]))}
            for m in METHOD_ORDER:
                row[m + "_m2"] = area(so.union([p for r, p in items if r["method"] == m]))
            recs = [r for r, _ in items]
            td = task_days(recs)
            timed = area(so.union([p for r, p in items if r["started"] is not None]))
            row.update({"releases": len({r["n"] for r in recs}), "task_days": td,
                        "m2_per_task_day": (timed / td) if td else None,
                        "_recs": sorted(r["n"] for r in recs),
                        "_pieces": {r["n"]: area(p) for r, p in items}})
            rows[org] = row
        out[place] = rows
    return out


def national_rows(y, per_place, by_n):
    """_national: areas summed over places, releases and task days over distinct records."""
    orgs = sorted({o for rows in per_place.values() for o in rows})
    out = []
    for org in orgs:
        rows = [per_place[p][org] for p in per_place if org in per_place[p]]
        recs = sorted({n for r in rows for n in r["_recs"]})
        row = {"region_id": NATIONAL, "year": y, "organisation": org}
        for k in AREAS:
            row[k] = sum(r[k] for r in rows)
        td = task_days([by_n[n] for n in recs])
        timed = sum(a for r in rows for n, a in r["_pieces"].items() if by_n[n]["started"] is not None)
        row.update({"releases": len(recs), "task_days": td,
                    "m2_per_task_day": (timed / td) if td else None, "_recs": recs})
        out.append(row)
    return out


def sample_points(y, l_y, credited, hazards, releases, n_points=4000, seed=13):
    """Point check of the peeling: random points of L_Y, each credited straight from the SPEC
    sentence (the releases of year Y covering it that apply to a hazard containing it, best
    by method, completed_on, release_id); returns (points, disagreements). Points within
    1e-9 deg of a boundary are skipped (their side is a matter of rounding)."""
    rng = np.random.default_rng(seed + y)
    pts = []
    parts = so.polygons_of(l_y)
    total = sum(q.area for q in parts)
    for q in parts:                          # points in proportion to the parts' areas
        want = max(1, int(round(n_points * q.area / total)))
        x0, y0, x1, y1 = q.bounds
        got = []
        for _ in range(50):
            cand = shapely.points(rng.uniform((x0, y0), (x1, y1), size=(4 * want, 2)))
            inside = shapely.contains(q, cand) & (shapely.distance(q.boundary, cand) > 1e-9)
            got.extend(cand[inside][: want - len(got)])
            if len(got) >= want:
                break
        pts.extend(got)
    year_rel = [r for r in releases if r["date"].year == y]
    owners = {r["n"]: [h for h in hazards if any(a is r for a in h["app"])] for r in year_rel}
    for g in [r["geom"] for r in year_rel] + [h["geom"] for h in hazards] + list(credited.values()):
        shapely.prepare(g)
    bad = 0
    for p in pts:
        best = None
        for r in year_rel:
            if not r["geom"].contains(p) or not any(h["geom"].contains(p) for h in owners[r["n"]]):
                continue
            k = (METHOD_ORDER[r["method"]], r["date"], r["id"], r["n"])
            if best is None or k < best[0]:
                best = (k, r["n"])
        if best is None or best[1] not in credited:
            bad += 1
            continue
        if credited[best[1]].boundary.distance(p) > 1e-9 and not credited[best[1]].contains(p):
            bad += 1
    return len(pts), bad


def r13(hazards, releases, clips, area=so.garea, sample=False):
    """All R13 rows (unrounded, measured with `area`), plus per-year leftovers and L_Y areas
    (and, with `sample`, each year's point check (points, disagreements) under "points")."""
    land = release_land(hazards, releases)
    by_n = {r["n"]: r for r in releases}
    years = [h["rec"].year for h in hazards if h["rec"] is not None]
    years += [r["date"].year for h in hazards for r in h["app"]]
    first = min(years)
    m_prev = so.land_at(hazards, dt.date(first - 1, 12, 31))
    rows, extra = [], {}
    for y in range(first, so.D.year + 1):
        m_cur = so.land_at(hazards, so.year_end(y))
        n_y = so.union([h["geom"] for h in hazards if h["rec"] is not None and h["rec"].year == y])
        l_y = so.diff(so.union([m_prev, n_y]), m_cur)
        credited, rest = credit_year(y, l_y, releases, land)
        per_place = rows_of_year(y, credited, by_n, clips, area)
        extra[y] = {"rest_m2": so.garea(rest), "l_y_m2": so.garea(l_y),
                    "credited_sum_m2": sum(so.garea(p) for p in credited.values())}
        if sample and not l_y.is_empty:
            extra[y]["points"] = sample_points(y, l_y, credited, hazards, releases)
        for place in per_place:
            rows.extend(per_place[place].values())
        rows.extend(national_rows(y, per_place, by_n))
        m_prev = m_cur
    rows.sort(key=lambda r: (r["region_id"], r["year"], r["organisation"]))
    return rows, extra


# ------------------------------------------------------------------ self-checks
def densified_garea(g):
    """Geodesic area of g with its straight lon/lat edges split every <= DENSIFY_DEG."""
    return so.garea(shapely.segmentize(g, DENSIFY_DEG)) if not g.is_empty else 0.0


def vertex_noise(rows, dense_rows):
    """Lines comparing each row with the same sets measured densified (vertex-placement noise)."""
    dense = {(r["region_id"], r["year"], r["organisation"]): r for r in dense_rows}
    lines, worst = [], (0.0, 0.0, None, None)
    for r in rows:
        key = (r["region_id"], r["year"], r["organisation"])
        for k in AREAS:
            a, b = r[k], dense[key][k]
            rel = abs(a - b) / max(b, 1.0)
            if rel > worst[1]:
                worst = (abs(a - b), rel, key, k)
            if abs(a - b) > 1.0 and rel > 0.5 * so.AREA_REL:
                lines.append("WARNING: R13 %s %d %s %s: %.3f m2, densified %.3f m2 (%.1e rel): more "
                             "than half of R7's 0.01 %% is vertex placement" % (key + (k, a, b, rel)))
    lines.insert(0, "check R13 rows vs the same sets densified: worst %.4f m2 (%.1e rel) at %s %s"
                 % (worst[0], worst[1], worst[2], worst[3]))
    return lines


def checks(rows, extra, expected):
    """Lines: the organisations' sums against the oracle's R11 rows, and the peeling checks."""
    lines = []
    r11 = {(r["region_id"], r["year"]): r for r in expected["release_history"]}
    for y, r in expected["release_history_national"].items():
        r11[(NATIONAL, int(y))] = r
    sums = {}
    for r in rows:
        s = sums.setdefault((r["region_id"], r["year"]), dict.fromkeys(AREAS, 0.0))
        for k in AREAS:
            s[k] += r[k]
    for scope in ("places", NATIONAL):
        worst = {k: (0.0, 0.0, None) for k in AREAS}      # abs, rel, where
        for key, ref in sorted(r11.items()):
            if (key[0] == NATIONAL) != (scope == NATIONAL):
                continue
            s = sums.get(key, dict.fromkeys(AREAS, 0.0))
            for k in AREAS:
                d = s[k] - ref[k]
                rel = abs(d) / max(ref["released_m2"], 1.0)
                if abs(d) > worst[k][0]:
                    worst[k] = (abs(d), rel, key)
                if abs(d) > 1.0 and rel > so.AREA_REL:
                    lines.append("MISMATCH %s %d %s: organisations %.3f vs R11 %.3f"
                                 % (key[0], key[1], k, s[k], ref[k]))
        for k in AREAS:
            a, rel, where = worst[k]
            lines.append("check R13 %-9s %-12s worst |sum over organisations - R11| = %.4f m2 "
                         "(%.1e of released) at %s"
                         % (scope, k, a, rel, "%s %d" % where if where else "-"))
    pts = [e["points"] for e in extra.values() if "points" in e]
    lines.append("check R13 points of L_Y credited straight from the SPEC sentence: %d points in %d "
                 "years, %d disagree with the peeling" % (sum(p for p, _ in pts), len(pts),
                                                          sum(b for _, b in pts)))
    rest = max(e["rest_m2"] for e in extra.values())
    lines.append("check R13 L_Y left uncredited after peeling: at most %.6f m2 in a year" % rest)
    small = [(r["region_id"], r["year"], r["organisation"], n, a)
             for r in rows if "_pieces" in r for n, a in r["_pieces"].items() if a < 1.0]
    for s in small:
        lines.append("WARNING: R13 %s %d %s: release record %d credited only %.4f m2 "
                     "(counts in `releases`)" % s)
    zero_method = [(r["region_id"], r["year"], r["organisation"], k, r[k]) for r in rows
                   for k in AREAS[1:] if 0 < r[k] < 1.0]
    for z in zero_method:
        lines.append("note: R13 %s %d %s %s = %.4f m2 (overlay residue)" % z)
    return lines


def strip(row):
    return {k: v for k, v in row.items() if not k.startswith("_")}


def compare(path, rows, dense_rows):
    """Lines comparing a minefree release_by_organisation.csv with the oracle's rows."""
    with open(path, newline="") as f:
        got = list(csv.DictReader(f))
    keyed = {(r["region_id"], int(r["year"]), r["organisation"]): r for r in got}
    want = {(r["region_id"], r["year"], r["organisation"]): r for r in rows}
    dense = {(r["region_id"], r["year"], r["organisation"]): r for r in dense_rows}
    lines = ["compare %s: %d rows, oracle %d rows, same order: %s"
             % (path, len(got), len(rows),
                [(r["region_id"], int(r["year"]), r["organisation"]) for r in got] ==
                [(r["region_id"], r["year"], r["organisation"]) for r in rows])]
    lines += ["  only in minefree: %s" % (k,) for k in sorted(set(keyed) - set(want))]
    lines += ["  only in the oracle: %s" % (k,) for k in sorted(set(want) - set(keyed))]
    worst = (0.0, 0.0, None)
    for k in sorted(set(keyed) & set(want)):
        for c in AREAS:
            a, b, d = want[k][c], float(keyed[k][c]), dense[k][c]
            rel = abs(a - b) / max(a, 1.0)
            if rel > worst[1]:
                worst = (abs(a - b), rel, k + (c,))
            if abs(a - b) > 1.0 or rel > so.AREA_REL:
                lines.append("  DIFF %s %d %s %s: oracle %.3f (densified %.3f), minefree %.3f, "
                             "%+.3f m2 (%.1e rel)" % (k + (c, a, d, b, b - a, rel)))
        for c in ("releases", "task_days", "m2_per_task_day"):
            v = keyed[k][c]
            v = None if v == "" else (float(v) if c == "m2_per_task_day" else int(v))
            if v != want[k][c]:
                lines.append("  DIFF %s %s: oracle %r, minefree %r" % (k, c, want[k][c], v))
    lines.append("  worst area difference %.4f m2 (%.1e rel) at %s" % worst)
    return lines


def main():
    regions, hazards, releases = load()
    with open(so.OUT) as f:
        before = json.load(f)
    # the reading above must be sample_oracle's: same hazards, same applying releases
    got = {h["key"]: [r["id"] for r in h["app"]] for h in hazards}
    want = {k: v["applied_releases"] for k, v in before["hazards"].items()}
    assert got == want, "R13 reading differs from sample_oracle's"
    clips = clips_of(regions, hazards)
    assert sorted(clips) == sorted(before["regions"]), (sorted(clips), sorted(before["regions"]))
    rows, extra = r13(hazards, releases, clips, sample=True)
    lines = checks(rows, extra, before)
    dense_rows = r13(hazards, releases, clips, densified_garea)[0]
    lines += vertex_noise(rows, dense_rows)
    if len(sys.argv) > 2 and sys.argv[1] == "--compare":
        lines += compare(sys.argv[2], rows, dense_rows)
    after = dict(before)
    after["release_by_organisation"] = [strip(r) for r in rows]
    with open(so.OUT, "w", newline="\n") as f:
        json.dump(after, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(so.OUT) as f:
        again = json.load(f)
    assert {k: v for k, v in again.items() if k != "release_by_organisation"} == \
        {k: v for k, v in before.items() if k != "release_by_organisation"}
    print("R13 release_by_organisation: %d rows (%d _national) -> %s"
          % (len(rows), sum(r["region_id"] == NATIONAL for r in rows), os.path.relpath(so.OUT, so.ROOT)))
    for y, e in sorted(extra.items()):
        if e["l_y_m2"] > 0:
            print("  %d: |L_Y| %.3f m2, credited %.3f m2, left %.6f m2"
                  % (y, e["l_y_m2"], e["credited_sum_m2"], e["rest_m2"]))
    for line in lines:
        print(line)


if __name__ == "__main__":
    sys.exit(main())
