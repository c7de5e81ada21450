#!/usr/bin/env python3
"""GeoPandas + shapely 2 baseline for issue 6: SPEC rules R1-R10 on a synthetic data set.

    python3 benches/geopandas_baseline.py DATA.gpkg [--out DIR] [--area geodesic|laea]

DATA.gpkg is a data set written by `minefree synth` (layers hazards, releases, regions,
settlements, accidents; EPSG:4326), e.g. /var/cache/minefree/bench/scale-100/synthetic.gpkg.
The parameters are those of the benchmark's pipeline.toml: as_of 2026-06-30, radius_m 5000,
window_days 730, accident_years 5, default weights, national deadline 2030-04-01.

This is the script a careful GIS analyst would write with GeoPandas and shapely 2 to do
the same work as `minefree run`: vectorised array operations (sjoin / STRtree queries,
shapely.intersection / difference / union_all on arrays, sjoin_nearest), single-threaded,
no hand-written geometry kernels and no Python loop over pairs of features. It exists to
measure the baseline that issue 6's "10x faster" refers to; it is not a second
implementation to be trusted for figures (see the simplifications below).

Stages (named like minefree's run.json timings) and what they compute:

  ingest    read the five layers with pyogrio
  qa        R1 make_valid of invalid polygons + sliver removal, value normalisation,
            R2 as-of filters, duplicate ids, overlapping hazards / regions (QA findings)
  release   R3 pairs (sjoin + intersection area > 0 + dates), R4 remaining / cleared /
            reduced per hazard, remaining at the window start, per-hazard areas, and the
            release.hazard_id QA checks
  regions   R5/R6: region_id of each hazard (largest share); dissolve (union_all) of U, M,
            M_cha, C, Rd and M_before per connected group of overlapping hazards, C - M and
            (Rd - C) - M per group, groups split by the region boundaries (groups inside
            one region are not clipped), areas summed per region and _outside
  priority  R8/R9 in a metric CRS: sjoin_nearest, sjoin dwithin for settlements and
            accidents, factors, score, rank
  progress  R10: released in the window, rate, years, projected completion, on track
  report    minefree.gpkg (remaining_hazards, region_summary, priority_tasks, qa_findings)
            and region_summary.csv, priority_tasks.csv, qa_findings.csv

Areas (R7). Default `--area geodesic`: pyproj.Geod(ellps="WGS84").geometry_area_perimeter
per geometry (Karney; straight lon/lat edges measured as geodesics), which is what the SPEC
asks; it is a Python-level loop over geometries (pyproj has no array API for polygons), so
its cost is reported separately as "of which areas". `--area laea` is the shortcut many
analysts would take instead: project to a Lambert azimuthal equal-area CRS centred on the
data (+ellps=WGS84) and take the planar, fully vectorised GEOS area; for hazards of at most
a few km2 with edges of tens of metres it agrees with the geodesic area far inside the
SPEC's 0.01 %.

Distances (R8) are planar distances in that same LAEA CRS (sjoin_nearest / dwithin), not
geodesic distances: the LAEA scale error is < 0.1 % within 500 km of the centre, inside the
SPEC's 0.5 % tolerance for a data set of national size, and 0 when the settlement is inside.

Simplifications versus the SPEC (none of them removes a stage of work):
  * input is one GeoPackage already in EPSG:4326 with the SPEC's field names (no pipeline
    file, no field mapping, no CRS override);
  * R1: GEOS make_valid (linework method) of the invalid polygons, polygonal parts kept;
    no separate check for repeated vertices / spikes; unusable geometries are dropped with
    an error finding;
  * QA findings are computed and written but without geometry, and only the checks listed
    above;
  * no Parquet, report.html or run.json (timings are printed and written to timings.json);
  * the output directory is written in place (no staging + atomic swap, no lock file).

Checked against minefree 0.1.0 on scale 10: region_summary agrees to < 1e-5 relative
(hazard counts, populations and projected dates identical). About 8 % of the ranked
hazards have a shorter distance_m here: GEOS leaves needle slivers (~1e-10 m wide) where a
release boundary runs through a hazard vertex, still attached to a remaining part and so
not removed by the 1e-12 deg2 rule; these shift some scores and ranks.
"""

import argparse
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd
import geopandas as gpd
import pyogrio
import pyproj
import shapely
from pyproj import CRS, Geod
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# ------------------------------------------------------------------ parameters
AS_OF = pd.Timestamp("2026-06-30")
RADIUS_M = 5000.0
ACCIDENT_YEARS = 5
WINDOW_DAYS = 730
WEIGHTS = {"proximity": 3.0, "people": 3.0, "accidents": 2.0, "status": 1.0, "hazard_type": 1.0}
DEADLINE_NATIONAL = pd.Timestamp("2030-04-01")
DEADLINE_REGIONS = {}  # e.g. {"XS-01": pd.Timestamp("2028-12-31")}
TYPE_FACTOR = {"AP": 1.0, "IED": 0.9, "CMR": 0.9, "MIXED": 0.9, "ERW": 0.7, "AT": 0.6}
TYPE_UNKNOWN = 0.8
SLIVER_DEG2 = 1e-12
MIN_REMAINING_M2 = 1.0
OUTSIDE = "_outside"
METHODS = ("cancelled", "reduced", "cleared")

EMPTY = shapely.MultiPolygon()
GEOD = Geod(ellps="WGS84")
AREA_MODE = "geodesic"
LAEA = None  # set from the data extent in main()
PROJ_TO_LAEA = None


# ------------------------------------------------------------------ timing
class Timer:
    def __init__(self):
        self.stages = {}
        self.area_s = {}
        self.current = None
        self.t_start = time.perf_counter()

    @contextmanager
    def stage(self, name):
        self.current = name
        t0 = time.perf_counter()
        yield
        self.stages[name] = time.perf_counter() - t0
        a = self.area_s.get(name, 0.0)
        extra = f"   (of which areas {a:.3f} s)" if a else ""
        print(f"  {name:<9} {self.stages[name]:9.3f} s{extra}", file=sys.stderr, flush=True)


TIMER = Timer()


# ------------------------------------------------------------------ geometry helpers (vectorised)
def clean(geoms):
    """R1/edge case 'slivers': the Polygon parts >= 1e-12 deg2 of each geometry, as one
    MultiPolygon per input (EMPTY when nothing is left). Lines and points produced by
    overlays are dropped. Fully vectorised (get_parts / multipolygons with indices)."""
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    out = np.empty(n, dtype=object)
    out[:] = EMPTY
    if n == 0:
        return out
    parts, idx = shapely.get_parts(geoms, return_index=True)
    types = shapely.get_type_id(parts)
    nested = types >= 4  # Multi* or GeometryCollection inside a GeometryCollection
    while nested.any():
        sub, sidx = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], sub])
        idx = np.concatenate([idx[~nested], idx[nested][sidx]])
        types = shapely.get_type_id(parts)
        nested = types >= 4
    keep = types == 3
    parts, idx = parts[keep], idx[keep]
    keep = shapely.area(parts) >= SLIVER_DEG2
    parts, idx = parts[keep], idx[keep]
    if len(parts):
        order = np.argsort(idx, kind="stable")
        shapely.multipolygons(parts[order], indices=idx[order], out=out)
    return out


def nonempty(geoms):
    geoms = np.asarray(geoms, dtype=object)
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def union_by(group, geoms, n):
    """Union of `geoms` per group 0..n-1, vectorised: groups are bucketed by size, each
    bucket padded into a (groups x k) array with None, then shapely.union_all(axis=1).
    None for a group without geometry."""
    group = np.asarray(group, dtype=np.int64)
    geoms = np.asarray(geoms, dtype=object)
    out = np.full(n, None, dtype=object)
    if len(group) == 0:
        return out
    order = np.argsort(group, kind="stable")
    g, gm = group[order], geoms[order]
    counts = np.bincount(g, minlength=n)
    starts = np.cumsum(counts) - counts
    pos = np.arange(len(g)) - starts[g]
    single = counts[g] == 1
    out[g[single]] = gm[single]
    k = 2
    while True:
        sel_groups = np.nonzero((counts >= 2) & (counts <= k) & (counts > k // 2))[0] if k > 2 \
            else np.nonzero(counts == 2)[0]
        if len(sel_groups):
            row = np.full(n, -1, dtype=np.int64)
            row[sel_groups] = np.arange(len(sel_groups))
            m = row[g] >= 0
            grid = np.full((len(sel_groups), k), None, dtype=object)
            grid[row[g[m]], pos[m]] = gm[m]
            out[sel_groups] = shapely.union_all(grid, axis=1)
        if k >= counts.max():
            break
        k *= 2
    return out


def area_m2(geoms):
    """R7 areas in m2 (see the module docstring for the two modes); 0 for None / EMPTY."""
    t0 = time.perf_counter()
    geoms = np.asarray(geoms, dtype=object)
    out = np.zeros(len(geoms))
    ok = nonempty(geoms)
    if AREA_MODE == "geodesic":
        # CCW shells / CW holes, so every part has a positive signed area (pyproj subtracts holes)
        oriented = shapely.orient_polygons(geoms[ok], exterior_cw=False)
        out[ok] = [abs(GEOD.geometry_area_perimeter(g)[0]) for g in oriented]
    else:
        out[ok] = shapely.area(to_laea(geoms[ok]))
    TIMER.area_s[TIMER.current] = TIMER.area_s.get(TIMER.current, 0.0) + time.perf_counter() - t0
    return out


def to_laea(geoms):
    return shapely.transform(geoms, lambda xy: np.column_stack(PROJ_TO_LAEA.transform(xy[:, 0], xy[:, 1])))


def norm_str(s, case):
    s = s.astype("string").str.strip()
    return s.str.upper() if case == "upper" else s.str.lower()


def qa(findings, severity, check, layer, ids, message):
    ids = list(ids)
    if ids:
        msgs = message if isinstance(message, list) else [message] * len(ids)
        findings.append(pd.DataFrame({"severity": severity, "check": check, "layer": layer,
                                      "feature_id": pd.Series(ids, dtype="string").fillna("").values,
                                      "message": msgs}))


def repair_layer(gdf, layer, findings):
    """R1 for a polygon layer: make_valid the invalid geometries, keep polygonal parts,
    drop slivers; drop (with an error finding) what is unusable."""
    g = gdf.geometry.values
    arr = np.asarray(g, dtype=object)
    usable = nonempty(arr) & np.isin(shapely.get_type_id(arr), (3, 6))
    usable &= np.isfinite(shapely.bounds(arr)).all(axis=1)
    # GEOS's bounds pass over a NaN coordinate (its min/max comparisons are false): test
    # every coordinate
    coords, owner = shapely.get_coordinates(arr, return_index=True)
    usable[np.unique(owner[~np.isfinite(coords).all(axis=1)])] = False
    idcol = gdf.columns[0]
    qa(findings, "error", "geometry_unusable", layer, gdf.loc[~usable, idcol], "NULL, EMPTY, non-finite or non-polygonal geometry: feature skipped")
    gdf = gdf[usable].copy()
    arr = arr[usable]
    invalid = ~shapely.is_valid(arr)
    if invalid.any():
        reasons = shapely.is_valid_reason(arr[invalid]).tolist()
        qa(findings, "warning", "geometry_repaired", layer, gdf.loc[invalid, idcol], reasons)
        arr = arr.copy()
        arr[invalid] = shapely.make_valid(arr[invalid])
    arr = clean(arr)
    left = nonempty(arr)
    qa(findings, "error", "geometry_unusable", layer, gdf.loc[~left, idcol], "nothing polygonal left after repair: feature skipped")
    gdf = gdf[left].copy()
    gdf.geometry = gpd.GeoSeries(arr[left], index=gdf.index, crs=gdf.crs)
    return gdf.reset_index(drop=True)


def interior_pairs(tree_geoms, query_geoms):
    """Pairs (i in query, j in tree) whose interiors intersect (DE-9IM T********)."""
    tree = shapely.STRtree(tree_geoms)
    qi, tj = tree.query(query_geoms, predicate="intersects")
    m = shapely.relate_pattern(query_geoms[qi], tree_geoms[tj], "T********")
    return qi[m], tj[m]


# ------------------------------------------------------------------ main
def main():
    global AREA_MODE, LAEA, PROJ_TO_LAEA
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", help="GeoPackage written by `minefree synth`")
    ap.add_argument("--out", help="output directory (default: a new temporary directory)")
    ap.add_argument("--area", choices=("geodesic", "laea"), default="geodesic",
                    help="geodesic (pyproj.Geod, what the SPEC asks; default) or laea (equal-area projection)")
    args = ap.parse_args()
    AREA_MODE = args.area
    out_dir = args.out or tempfile.mkdtemp(prefix="geopandas-baseline-")
    os.makedirs(out_dir, exist_ok=True)
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    findings = []
    D = AS_OF
    print(f"geopandas baseline on {args.data} (areas: {AREA_MODE}) -> {out_dir}", file=sys.stderr)

    # ---------------------------------------------------------------- ingest
    with TIMER.stage("ingest"):
        layers = {}
        for name in ("hazards", "releases", "regions", "settlements", "accidents"):
            df = gpd.read_file(args.data, layer=name, engine="pyogrio")
            if df.crs is None or not df.crs.equals(CRS.from_epsg(4326)):
                df = df.to_crs(4326) if df.crs is not None else df.set_crs(4326)
            layers[name] = df
        n_read = {k: len(v) for k, v in layers.items()}
        # metric CRS for R8 (and for --area laea): Lambert azimuthal equal-area centred on the data
        x0, y0, x1, y1 = layers["hazards"].total_bounds
        LAEA = CRS.from_proj4(f"+proj=laea +lat_0={(y0 + y1) / 2:.6f} +lon_0={(x0 + x1) / 2:.6f} "
                              "+x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs")
        PROJ_TO_LAEA = pyproj.Transformer.from_crs(4326, LAEA, always_xy=True)

    # ---------------------------------------------------------------- qa (R1, R2)
    with TIMER.stage("qa"):
        hz, rl, rg = layers["hazards"], layers["releases"], layers["regions"]
        st, ac = layers["settlements"], layers["accidents"]
        hz["hazard_id"] = hz["hazard_id"].astype("string").str.strip()
        hz["status"] = norm_str(hz["status"], "upper")
        bad = ~hz["status"].isin(["CHA", "SHA"]).fillna(False).astype(bool)
        qa(findings, "warning", "status_unknown", "hazards", hz.loc[bad, "hazard_id"], "status is neither CHA nor SHA: treated as SHA")
        hz.loc[bad, "status"] = "SHA"
        hz["hazard_type"] = norm_str(hz["hazard_type"], "upper")
        rl["release_id"] = rl["release_id"].astype("string").str.strip()
        rl["hazard_id"] = rl["hazard_id"].astype("string").str.strip()
        rl["method"] = norm_str(rl["method"], "lower")
        rg["region_id"] = rg["region_id"].astype("string").str.strip()
        st["settlement_id"] = st["settlement_id"].astype("string").str.strip()

        # R2: hazards recorded after D do not exist; missing recorded_on = before every release
        after = hz["recorded_on"] > D
        qa(findings, "info", "hazard_after_as_of", "hazards", hz.loc[after, "hazard_id"], "recorded after the as-of date: ignored")
        hz = hz[~after.fillna(False)]
        qa(findings, "warning", "hazard_without_recorded_on", "hazards", hz.loc[hz["recorded_on"].isna(), "hazard_id"],
           "no recorded_on: counts as recorded before every release")
        # R2: releases without completed_on or completed after D are ignored
        nodate = rl["completed_on"].isna()
        qa(findings, "warning", "release_without_completed_on", "releases", rl.loc[nodate, "release_id"], "no completed_on: not completed, ignored")
        later = rl["completed_on"] > D
        qa(findings, "info", "release_after_as_of", "releases", rl.loc[later.fillna(False), "release_id"], "completed after the as-of date: ignored")
        badm = ~rl["method"].isin(METHODS).fillna(False).astype(bool)
        qa(findings, "warning", "method_unknown", "releases", rl.loc[badm & ~nodate & ~later.fillna(False), "release_id"], "unknown method: ignored")
        rl = rl[~nodate & ~later.fillna(False) & ~badm]

        # R1 repair
        hz = repair_layer(hz, "hazards", findings)
        rl = repair_layer(rl, "releases", findings)
        rg = repair_layer(rg, "regions", findings)
        st = st[nonempty(st.geometry.values) & (shapely.get_type_id(np.asarray(st.geometry.values)) == 0)].reset_index(drop=True)
        st["population"] = st["population"].fillna(0).clip(lower=0).astype(np.int64)
        ac = ac[nonempty(ac.geometry.values)].reset_index(drop=True)

        # duplicate ids keep every record (error finding)
        for df, col, layer in ((hz, "hazard_id", "hazards"), (rl, "release_id", "releases")):
            dup = df[col].duplicated(keep=False)
            qa(findings, "error", "duplicate_id", layer, df.loc[dup, col], "duplicated id: every record kept")

        H = np.asarray(hz.geometry.values, dtype=object)
        R = np.asarray(rl.geometry.values, dtype=object)
        G = np.asarray(rg.geometry.values, dtype=object)
        # overlapping hazard records (info) and overlapping regions (error)
        qi, tj = interior_pairs(H, H)
        m = qi < tj
        ov_a, ov_b = qi[m], tj[m]
        qa(findings, "info", "hazards_overlap", "hazards", hz["hazard_id"].values[qi[m]],
           ("overlaps hazard " + pd.Series(hz["hazard_id"].values[tj[m]], dtype="string")).tolist())
        qi, tj = interior_pairs(G, G)
        m = qi < tj
        qa(findings, "error", "regions_overlap", "regions", rg["region_id"].values[qi[m]],
           ("overlaps region " + pd.Series(rg["region_id"].values[tj[m]], dtype="string")).tolist())
        nh, nr, ng = len(hz), len(rl), len(rg)

    # ---------------------------------------------------------------- release (R3, R4)
    with TIMER.stage("release"):
        pairs = gpd.sjoin(hz[["geometry"]], rl[["geometry"]], how="inner", predicate="intersects")
        ph = pairs.index.to_numpy()
        pr = pairs["index_right"].to_numpy()
        pieces = clean(shapely.intersection(H[ph], R[pr]))      # H ∩ R for every candidate pair
        overlap = nonempty(pieces)                              # interiors intersect (area > 0)
        ph, pr, pieces = ph[overlap], pr[overlap], pieces[overlap]

        # QA (R3): release.hazard_id naming a missing hazard or a hazard it does not overlap
        named = rl["hazard_id"].notna()
        exists = rl["hazard_id"].isin(set(hz["hazard_id"].dropna())).fillna(False).astype(bool)
        qa(findings, "warning", "release_hazard_missing", "releases", rl.loc[named & ~exists, "release_id"],
           "hazard_id names no existing hazard; applied spatially")
        ov = pd.DataFrame({"r": pr, "hid": hz["hazard_id"].values[ph]}).drop_duplicates()
        chk = pd.DataFrame({"r": np.nonzero((named & exists).to_numpy())[0]})
        chk["hid"] = rl["hazard_id"].values[chk["r"]]
        chk = chk.merge(ov, how="left", on=["r", "hid"], indicator=True)
        qa(findings, "warning", "release_hazard_not_overlapping", "releases",
           rl["release_id"].values[chk.loc[chk["_merge"] == "left_only", "r"]],
           "does not overlap the hazard it names; applied spatially")

        # R3: completed_on >= recorded_on (missing recorded_on: always)
        rec = hz["recorded_on"].values[ph]
        comp = rl["completed_on"].values[pr]
        applies = pd.isna(rec) | (comp >= rec)
        ph, pr, pieces, comp = ph[applies], pr[applies], pieces[applies], comp[applies]
        method = rl["method"].to_numpy()[pr]
        cut = np.datetime64(D - pd.Timedelta(days=WINDOW_DAYS))   # releases up to D - window
        before = comp <= cut

        # R4: union of the applying releases per hazard (H ∩ ∪R = ∪(H ∩ R))
        A_all = union_by(ph, pieces, nh)
        A_clr = union_by(ph[method == "cleared"], pieces[method == "cleared"], nh)
        A_red = union_by(ph[method == "reduced"], pieces[method == "reduced"], nh)
        A_bef = union_by(ph[before], pieces[before], nh)

        def minus(X, A):
            out = np.array(X, dtype=object)
            m = nonempty(A)
            out[m] = clean(shapely.difference(X[m], A[m]))
            return out

        remaining = minus(H, A_all)
        rem_before = minus(H, A_bef)
        cleared = clean(np.where(nonempty(A_clr), A_clr, None))
        reduced = minus(clean(np.where(nonempty(A_red), A_red, None)), cleared)

        original_m2 = area_m2(H)
        remaining_m2 = area_m2(remaining)
        cleared_m2 = area_m2(cleared)
        reduced_m2 = area_m2(reduced)
        released_m2 = np.maximum(0.0, original_m2 - remaining_m2)
        cancelled_m2 = np.maximum(0.0, released_m2 - cleared_m2 - reduced_m2)
        live = remaining_m2 >= MIN_REMAINING_M2

    # ---------------------------------------------------------------- regions (R5, R6)
    with TIMER.stage("regions"):
        # region_id of each hazard: largest share of the original hazard, ties lowest region_id
        shapely.prepare(G)
        hr = gpd.sjoin(hz[["geometry"]], rg[["geometry"]], how="inner", predicate="intersects")
        qh = hr.index.to_numpy()
        qg = hr["index_right"].to_numpy()
        inside = shapely.contains(G[qg], H[qh])                 # hazard entirely in the region: no clipping
        share = np.where(inside, original_m2[qh], 0.0)
        share[~inside] = area_m2(clean(shapely.intersection(H[qh[~inside]], G[qg[~inside]])))
        sh = pd.DataFrame({"h": qh, "region_id": rg["region_id"].values[qg], "a": share})
        sh = sh[sh["a"] > 0].sort_values(["h", "a", "region_id"], ascending=[True, False, True])
        sh = sh.drop_duplicates("h")
        hz_region = np.full(nh, OUTSIDE, dtype=object)
        hz_region[sh["h"].to_numpy()] = sh["region_id"].to_numpy()
        country = shapely.union_all(G)
        shapely.prepare(country)

        # R5: dissolve per connected group of hazards whose interiors overlap (the pairs of the QA
        # check): groups have disjoint interiors, so their areas add up; within a group every
        # point counts once (U, M, M_cha, C, Rd and M at the window start are unions).
        graph = coo_matrix((np.ones(len(ov_a)), (ov_a, ov_b)), shape=(nh, nh))
        ngrp, grp = connected_components(graph, directed=False)
        is_cha = (hz["status"] == "CHA").to_numpy()

        def dissolve(X, mask=None):
            ok = nonempty(X) if mask is None else (nonempty(X) & mask)
            return clean(union_by(grp[ok], X[ok], ngrp))

        size = np.bincount(grp, minlength=ngrp)
        U = dissolve(H)
        M = dissolve(remaining)
        Mcha = dissolve(remaining, is_cha)
        C = dissolve(cleared)
        Rd = dissolve(reduced)
        Mb = dissolve(rem_before)
        # (U - M) ∩ C = C - M and ((U - M) ∩ Rd) - C = (Rd - C) - M; for a single hazard C and Rd
        # are disjoint from M and from each other by construction (R4), so only groups need it
        multi = size > 1
        Crel = np.array(C, dtype=object)
        sel = multi & nonempty(C) & nonempty(M)
        Crel[sel] = clean(shapely.difference(C[sel], M[sel]))
        Rdrel = np.array(Rd, dtype=object)
        sel = multi & nonempty(Rd) & nonempty(C)
        Rdrel[sel] = clean(shapely.difference(Rd[sel], C[sel]))
        sel = multi & nonempty(Rdrel) & nonempty(M)
        Rdrel[sel] = clean(shapely.difference(Rdrel[sel], M[sel]))

        # R6: split every group by the region boundaries (groups inside one region unclipped)
        gq, gr = shapely.STRtree(G).query(U, predicate="intersects")
        g_inside = shapely.contains(G[gr], U[gq])
        in_any = np.zeros(ngrp, dtype=bool)
        in_any[gq[g_inside]] = True
        out_g = np.nonzero(~in_any)[0]
        labels = np.concatenate([gr, np.full(len(out_g), ng)])  # region index; ng = _outside
        reg = pd.DataFrame({"region_id": list(rg["region_id"]) + [OUTSIDE],
                            "name": list(rg["name"]) + ["Outside every region"]})
        sums = {}
        for key, X in (("original_m2", U), ("remaining_m2", M), ("remaining_cha_m2", Mcha),
                       ("cleared_m2", Crel), ("reduced_m2", Rdrel), ("remaining_before_m2", Mb)):
            clipped = np.array(X[gq], dtype=object)
            sel = ~g_inside & nonempty(clipped)
            clipped[sel] = clean(shapely.intersection(clipped[sel], G[gr[sel]]))
            outside = np.array(X[out_g], dtype=object)
            sel = nonempty(outside)
            outside[sel] = clean(shapely.difference(outside[sel], country))
            a = area_m2(np.concatenate([clipped, outside]))
            sums[key] = np.bincount(labels, weights=a, minlength=ng + 1)
            if key != "remaining_before_m2":
                reg[key] = sums[key]
        remaining_before_m2 = sums["remaining_before_m2"]
        reg["remaining_sha_m2"] = np.maximum(0.0, reg["remaining_m2"] - reg["remaining_cha_m2"])
        reg["released_m2"] = np.maximum(0.0, reg["original_m2"] - reg["remaining_m2"])
        reg["cancelled_m2"] = np.maximum(0.0, reg["released_m2"] - reg["cleared_m2"] - reg["reduced_m2"])
        reg["pct_released"] = 100.0 * reg["released_m2"] / reg["original_m2"].where(reg["original_m2"] > 0)
        if reg["original_m2"].iloc[-1] > 0:
            h_out = np.setdiff1d(np.arange(nh), qh[inside])
            part = clean(shapely.difference(H[h_out], country))
            qa(findings, "warning", "hazard_outside_regions", "hazards", hz["hazard_id"].values[h_out[nonempty(part)]],
               "part of the hazard lies outside every region")

    # ---------------------------------------------------------------- priority (R8, R9)
    with TIMER.stage("priority"):
        li = np.nonzero(live)[0]
        haz_m = gpd.GeoDataFrame({"h": li}, geometry=to_laea(remaining[li]), crs=LAEA)
        st_m = gpd.GeoDataFrame({"settlement_id": st["settlement_id"].values, "name": st["name"].values,
                                 "population": st["population"].values},
                                geometry=to_laea(np.asarray(st.geometry.values, dtype=object)), crs=LAEA)
        lo = D.replace(year=D.year - ACCIDENT_YEARS) if not (D.month == 2 and D.day == 29) \
            else D.replace(year=D.year - ACCIDENT_YEARS, day=28)
        acw = ac[(ac["occurred_on"] > lo) & (ac["occurred_on"] <= D)]
        ac_m = gpd.GeoDataFrame({"accident_id": acw["accident_id"].values},
                                geometry=to_laea(np.asarray(acw.geometry.values, dtype=object)), crs=LAEA)

        near = gpd.sjoin_nearest(haz_m, st_m, how="inner", distance_col="distance_m")
        near = near.sort_values(["h", "distance_m", "settlement_id"]).drop_duplicates("h")
        within = gpd.sjoin(haz_m, st_m, how="inner", predicate="dwithin", distance=RADIUS_M)
        sw = within.groupby("h").agg(settlements_within=("settlement_id", "size"),
                                     population_within=("population", "sum"))
        aw = gpd.sjoin(haz_m, ac_m, how="inner", predicate="dwithin", distance=RADIUS_M).groupby("h").size()

        out = pd.DataFrame({
            "hazard_id": hz["hazard_id"].values, "status": hz["status"].values,
            "hazard_type": hz["hazard_type"].values, "region_id": hz_region,
            "original_m2": original_m2, "remaining_m2": remaining_m2, "released_m2": released_m2,
            "cleared_m2": cleared_m2, "reduced_m2": reduced_m2, "cancelled_m2": cancelled_m2})
        nn = near.set_index("h")
        out["nearest_settlement_id"] = pd.Series(nn["settlement_id"]).reindex(range(nh)).values
        out["nearest_settlement"] = pd.Series(nn["name"]).reindex(range(nh)).values
        out["distance_m"] = nn["distance_m"].reindex(range(nh)).values
        out["settlements_within"] = sw["settlements_within"].reindex(range(nh)).values
        out["population_within"] = sw["population_within"].reindex(range(nh)).values
        out["accidents_within"] = aw.reindex(range(nh)).values
        for c in ("settlements_within", "population_within", "accidents_within"):
            out[c] = pd.array(np.where(live, out[c].fillna(0), np.nan), dtype="Int64")
        maxp = out.loc[live, "population_within"].max() if live.any() else 0
        f_prox = np.exp(-out["distance_m"] / 2000.0)
        f_people = np.log1p(out["population_within"].astype(float)) / np.log1p(maxp) if maxp > 0 else 0.0 * f_prox
        f_acc = np.minimum(1.0, out["accidents_within"].astype(float) / 3.0)
        f_status = np.where(out["status"] == "CHA", 1.0, 0.6)
        f_type = out["hazard_type"].map(TYPE_FACTOR).astype(float).fillna(TYPE_UNKNOWN).to_numpy()
        wsum = sum(WEIGHTS.values())
        raw = 100.0 * (WEIGHTS["proximity"] * f_prox + WEIGHTS["people"] * f_people + WEIGHTS["accidents"] * f_acc
                       + WEIGHTS["status"] * f_status + WEIGHTS["hazard_type"] * f_type) / wsum
        out["f_proximity"] = f_prox
        out["f_people"] = f_people
        out["f_accidents"] = f_acc
        out["f_status"] = np.where(live, f_status, np.nan)
        out["f_type"] = np.where(live, f_type, np.nan)
        out["score"] = np.floor(raw * 100.0 + 0.5) / 100.0           # half away from zero (score >= 0)
        ranked = out[live].sort_values(["score", "hazard_id"], ascending=[False, True], kind="stable")
        out["rank"] = pd.array([pd.NA] * nh, dtype="Int64")
        out.loc[ranked.index, "rank"] = np.arange(1, len(ranked) + 1)
        for c in hz.columns:                                          # other fields carried through
            if c not in out.columns and c not in ("geometry", "recorded_on"):
                out[c] = hz[c].values

        # per region: hazards with remaining >= 1 m2, distinct settlements near them
        reg["hazards"] = reg["region_id"].map(out.loc[live, "region_id"].value_counts()).fillna(0).astype(int)
        wr = pd.DataFrame({"region_id": hz_region[within["h"].to_numpy()],
                           "settlement_id": within["settlement_id"].values,
                           "population": within["population"].values}).drop_duplicates(["region_id", "settlement_id"])
        reg["population_near_hazards"] = reg["region_id"].map(wr.groupby("region_id")["population"].sum()).fillna(0).astype(np.int64)

    # ---------------------------------------------------------------- progress (R10)
    with TIMER.stage("progress"):
        reg["released_window_m2"] = np.maximum(0.0, remaining_before_m2 - reg["remaining_m2"].to_numpy())
        reg["rate_m2_per_year"] = reg["released_window_m2"] / (WINDOW_DAYS / 365.25)
        rate = reg["rate_m2_per_year"].to_numpy()
        years = np.where(rate > 0, reg["remaining_m2"].to_numpy() / np.where(rate > 0, rate, 1.0), np.nan)
        reg["years_to_complete"] = years
        days = np.floor(years * 365.25 + 0.5)
        max_days = (dt.date(9999, 12, 31) - D.date()).days
        proj = [(D.date() + dt.timedelta(days=int(d))).isoformat() if np.isfinite(d) and d <= max_days else None
                for d in days]
        reg["projected_completion"] = proj
        dl = [DEADLINE_REGIONS.get(r, DEADLINE_NATIONAL) for r in reg["region_id"]]
        reg["deadline"] = [d.date().isoformat() if d is not None else None for d in dl]
        reg["on_track"] = [None if d is None else (True if rem == 0 else (p is not None and p <= d.date().isoformat()))
                           for d, rem, p in zip(dl, reg["remaining_m2"], proj)]
        if reg["original_m2"].iloc[-1] <= 0:
            reg = reg.iloc[:-1]
        reg = reg.sort_values("region_id", kind="stable").reset_index(drop=True)

    # ---------------------------------------------------------------- report
    with TIMER.stage("report"):
        cols_h = ["hazard_id", "status", "hazard_type", "region_id", "original_m2", "remaining_m2", "released_m2",
                  "cleared_m2", "reduced_m2", "cancelled_m2", "nearest_settlement_id", "nearest_settlement",
                  "distance_m", "settlements_within", "population_within", "accidents_within", "f_proximity",
                  "f_people", "f_accidents", "f_status", "f_type", "score", "rank"]
        cols_h += [c for c in out.columns if c not in cols_h]
        cols_r = ["region_id", "name", "hazards", "original_m2", "remaining_m2", "remaining_cha_m2",
                  "remaining_sha_m2", "released_m2", "cleared_m2", "reduced_m2", "cancelled_m2", "pct_released",
                  "released_window_m2", "rate_m2_per_year", "years_to_complete", "projected_completion",
                  "deadline", "on_track", "population_near_hazards"]
        out = out[cols_h]
        r2 = {c: 2 for c in cols_h + cols_r if c.endswith("_m2") or c in ("distance_m", "rate_m2_per_year")}
        r2.update({c: 6 for c in ("f_proximity", "f_people", "f_accidents", "f_status", "f_type")})
        r2.update({"pct_released": 4, "years_to_complete": 4})
        out = out.round({k: v for k, v in r2.items() if k in out.columns})
        reg = reg[cols_r].round({k: v for k, v in r2.items() if k in cols_r})
        geom_rem = np.where(live, remaining, None)
        gpkg = os.path.join(out_dir, "minefree.gpkg")
        if os.path.exists(gpkg):
            os.remove(gpkg)
        rh = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geom_rem, crs=4326))
        rh.to_file(gpkg, layer="remaining_hazards", driver="GPKG", engine="pyogrio", geometry_type="MultiPolygon")
        rgeom = dict(zip(rg["region_id"], G))
        rs = gpd.GeoDataFrame(reg, geometry=gpd.GeoSeries([rgeom.get(r) for r in reg["region_id"]], crs=4326))
        rs.to_file(gpkg, layer="region_summary", driver="GPKG", engine="pyogrio", geometry_type="MultiPolygon")
        pt = rh[rh["rank"].notna()].sort_values("rank")
        pt.to_file(gpkg, layer="priority_tasks", driver="GPKG", engine="pyogrio", geometry_type="MultiPolygon")
        qaf = (pd.concat(findings, ignore_index=True) if findings else
               pd.DataFrame(columns=["severity", "check", "layer", "feature_id", "message"]))
        qaf = qaf.sort_values(["layer", "feature_id", "check"], kind="stable").reset_index(drop=True)
        pyogrio.write_dataframe(qaf, gpkg, layer="qa_findings", driver="GPKG")
        reg_csv = reg.copy()
        reg_csv["on_track"] = reg_csv["on_track"].map({True: "true", False: "false"})
        reg_csv.to_csv(os.path.join(out_dir, "region_summary.csv"), index=False)
        pd.DataFrame(pt.drop(columns="geometry")).to_csv(os.path.join(out_dir, "priority_tasks.csv"), index=False)
        qaf.to_csv(os.path.join(out_dir, "qa_findings.csv"), index=False)

    total = time.perf_counter() - TIMER.t_start
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # kB on Linux
    areas = sum(TIMER.area_s.values())
    versions = {"python": sys.version.split()[0], "geopandas": gpd.__version__, "shapely": shapely.__version__,
                "geos": shapely.geos_version_string, "pyogrio": pyogrio.__version__,
                "gdal": pyogrio.__gdal_version_string__, "pyproj": pyproj.__version__,
                "proj": pyproj.proj_version_str, "numpy": np.__version__, "pandas": pd.__version__}
    print(f"  {'total':<9} {total:9.3f} s   (of which areas {areas:.3f} s, mode {AREA_MODE})", file=sys.stderr)
    print(f"  peak RSS  {rss_mib:9.1f} MiB", file=sys.stderr)
    print(f"  read: {n_read}; hazards as of D {nh}, releases used {nr}, applying pairs {len(ph)}, "
          f"remaining hazards {int(live.sum())}", file=sys.stderr)
    nat = reg[["original_m2", "remaining_m2", "cleared_m2", "reduced_m2", "cancelled_m2", "released_window_m2"]].sum()
    print("  national: " + ", ".join(f"{k} {v:,.0f}" for k, v in nat.items()), file=sys.stderr)
    print("  versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()), file=sys.stderr)
    with open(os.path.join(out_dir, "timings.json"), "w") as f:
        json.dump({"data": os.path.abspath(args.data), "area_mode": AREA_MODE,
                   "timings_s": {**TIMER.stages, "total": total}, "areas_s": TIMER.area_s,
                   "peak_rss_mib": rss_mib, "features_read": n_read, "versions": versions}, f, indent=1)
    print(json.dumps({**{k: round(v, 3) for k, v in TIMER.stages.items()}, "total": round(total, 3),
                      "areas": round(areas, 3), "peak_rss_mib": round(rss_mib, 1)}))


if __name__ == "__main__":
    sys.exit(main())
