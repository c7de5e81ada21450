"""GeoParquet check: the (Geo)Parquet files of a minefree output directory read with
pyarrow, GeoPandas and (when installed) DuckDB, with the GeoParquet 1.1 `geo` key both in the Parquet footer
(where the spec puts it, and where DuckDB and GDAL look) and in the Arrow schema (where
pyarrow and GeoPandas look), WKB that shapely decodes, and the same rows as the CSV /
GeoPackage tables; the CRS is OGC:CRS84 with its id, as pyproj reads it.

Usage: python3 tests/geoparquet/check.py OUTPUT_DIR
Prints one line per failure and 'geoparquet: N passed, M failed'; exits 1 on failure.
"""
import csv
import json
import sqlite3
import sys

import geopandas
import pyproj
import pyarrow.parquet as pq
import shapely

sys.path.insert(0, __file__.rsplit("/", 2)[0])
from checks import Checks  # noqa: E402

out = sys.argv[1]
check = Checks("geoparquet")


db = sqlite3.connect(f"{out}/minefree.gpkg")
for name in ["remaining_hazards", "region_summary"]:
    table = pq.read_table(f"{out}/{name}.parquet")
    meta = pq.read_metadata(f"{out}/{name}.parquet").metadata or {}
    geo = json.loads(meta.get(b"geo", b"{}"))
    check((table.schema.metadata or {}).get(b"geo") == meta.get(b"geo"), f"{name}: geo in the Arrow schema")
    frame = geopandas.read_parquet(f"{out}/{name}.parquet")
    check(len(frame) == table.num_rows and frame.crs is not None and frame.crs.is_geographic, f"{name}: GeoPandas reads it ({frame.crs})")
    check(geo.get("version") == "1.1.0", f"{name}: geo metadata version {geo.get('version')}")
    col = geo.get("columns", {}).get("geometry", {})
    check(col.get("encoding") == "WKB", f"{name}: encoding {col.get('encoding')}")
    crs = col.get("crs") or {}
    check(crs.get("id") == {"authority": "OGC", "code": "CRS84"}, f"{name}: PROJJSON id {crs.get('id')}")
    # pyproj reads the id back (without one, to_authority() is None and readers show an
    # unknown CRS); GeoPandas' CRS is the same one.
    check(pyproj.CRS.from_json_dict(crs).to_authority() == ("OGC", "CRS84"), f"{name}: pyproj authority of {crs.get('name')}")
    check(frame.crs is not None and frame.crs.to_authority() == ("OGC", "CRS84"), f"{name}: GeoPandas CRS authority")
    check(pyproj.CRS.from_json_dict(crs).equals(pyproj.CRS("OGC:CRS84")), f"{name}: CRS equals OGC:CRS84")
    wkb = table.column("geometry").to_pylist()
    geoms = [shapely.from_wkb(w) if w is not None else None for w in wkb]
    check(all(g is None or g.geom_type == "MultiPolygon" for g in geoms), f"{name}: MultiPolygon WKB")
    check(all(g is None or g.is_valid for g in geoms), f"{name}: valid geometry")
    rows = db.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    check(table.num_rows == rows, f"{name}: {table.num_rows} rows vs {rows} in the GeoPackage")
    if geoms and any(g is not None for g in geoms):
        xs = [g.bounds for g in geoms if g is not None]
        bbox = col.get("bbox")
        check(bbox is not None and bbox[0] <= min(b[0] for b in xs) and bbox[2] >= max(b[2] for b in xs), f"{name}: bbox")
try:
    import duckdb  # the footer key and the rows as DuckDB sees them (no extension needed)
except ImportError:
    duckdb = None
    print("geoparquet: duckdb not installed; DuckDB check skipped")
if duckdb is not None:
    for name in ["remaining_hazards", "region_summary"]:
        path = f"{out}/{name}.parquet"
        kv = duckdb.sql(f"SELECT value FROM parquet_kv_metadata('{path}') WHERE key = 'geo'").fetchall()
        crs = json.loads(kv[0][0])["columns"]["geometry"]["crs"] if kv else {}
        check(crs.get("id") == {"authority": "OGC", "code": "CRS84"}, f"{name}: DuckDB reads the geo key with the CRS id")
        rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
        check(rows == pq.read_metadata(path).num_rows, f"{name}: DuckDB reads {rows} rows")
for name in ["region_summary", "priority_tasks", "qa_findings"]:
    table = pq.read_table(f"{out}/{name}.parquet")
    with open(f"{out}/{name}.csv", newline="") as f:
        csv_rows = list(csv.DictReader(f))
    check(table.num_rows == len(csv_rows), f"{name}: parquet {table.num_rows} rows vs CSV {len(csv_rows)}")
    cols = [c for c in table.column_names if c != "geometry"]
    check(cols == list(csv_rows[0].keys()) if csv_rows else True, f"{name}: same columns as the CSV")
check.finish()
