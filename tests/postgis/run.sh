#!/usr/bin/env bash
# PostGIS as a source: a real PostgreSQL 15 + PostGIS 3 server on loopback (a private
# cluster in a temporary folder, port 55432), loaded with the sample hazards reprojected
# to UTM 42N (SRID 32642, not 4326) plus one extra record that a `where` filter must drop.
# minefree reads hazards and releases from PostGIS; its region_summary must equal the
# run on the sample files (within 1e-6 relative: the UTM round trip moves vertices by
# less than a millimetre).
#
# Usage: tests/postgis/run.sh   (as root: installs postgresql-15-postgis-3 if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/minefree/target}"
bin="$CARGO_TARGET_DIR/release/minefree"
[ -x "$bin" ] || { echo "postgis: build minefree first (make build)" >&2; exit 2; }

pgbin=/usr/lib/postgresql/15/bin
if [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "postgis: install postgresql-15-postgis-3 (sudo apt-get install postgresql-15-postgis-3)" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-15-postgis-3 >/dev/null
fi

work="$(mktemp -d)"
chmod 755 "$work"
port=55432
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$work/db"
[ "$(id -u)" -eq 0 ] && chown postgres "$work/db"
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$work/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$work/db" -U postgres --auth=trust >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/db" -l "$work/db/log" -w \
  -o "-p $port -k $work/db -c listen_addresses=127.0.0.1" start >/dev/null
psql=(psql -q -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1)
"${psql[@]}" -c "CREATE DATABASE minefree"
"${psql[@]}" -d minefree -c "CREATE EXTENSION postgis"
pg="PG:host=127.0.0.1 port=$port dbname=minefree user=postgres"
ogr2ogr -f PostgreSQL "$pg" sample-data/national.gpkg hazards -nln hazards_utm \
  -t_srs EPSG:32642 -nlt GEOMETRY -lco GEOMETRY_NAME=geom
ogr2ogr -f PostgreSQL "$pg" sample-data/releases_utm42n.shp -nln releases -nlt GEOMETRY \
  -lco GEOMETRY_NAME=geom
"${psql[@]}" -d minefree -c "INSERT INTO hazards_utm (hazard_id, status, geom)
  SELECT 'HZ-999', 'CHA', ST_Translate(geom, 200, 200) FROM hazards_utm WHERE hazard_id = 'HZ-001'"
srid=$("${psql[@]}" -d minefree -At -c "SELECT Find_SRID('public', 'hazards_utm', 'geom')")

sed -e "s#^source = \"../sample-data/national.gpkg\"#source = \"$pg\"#" \
    -e "s#^layer = \"hazards\"#layer = \"hazards_utm\"\nwhere = \"hazard_id <> 'HZ-999'\"#" \
    -e "s#^source = \"../sample-data/releases_utm42n.shp\".*#source = \"$pg\"\nlayer = \"releases\"#" \
    -e "s#\"\.\./sample-data/#\"$PWD/sample-data/#" \
    pipelines/sample.toml > "$work/postgis.toml"
sed -e "s#\"\.\./sample-data/#\"$PWD/sample-data/#" pipelines/sample.toml > "$work/files.toml"

"$bin" -q run "$work/postgis.toml" --output "$work/from-postgis" >/dev/null 2>"$work/postgis.log" || { cat "$work/postgis.log" >&2; exit 1; }
"$bin" -q run "$work/files.toml" --output "$work/from-files" >/dev/null 2>"$work/files.log" || { cat "$work/files.log" >&2; exit 1; }

/usr/bin/python3 - "$work" "$srid" <<'PY'
import csv, json, sys
sys.path.insert(0, "tests")
from checks import Checks
work, srid = sys.argv[1], sys.argv[2]
check = Checks("postgis")
check(srid == "32642", f"hazards stored with SRID 32642 (got {srid})")
a = {r["region_id"]: r for r in csv.DictReader(open(f"{work}/from-postgis/region_summary.csv"))}
b = {r["region_id"]: r for r in csv.DictReader(open(f"{work}/from-files/region_summary.csv"))}
check(a.keys() == b.keys(), f"same regions {sorted(a)} vs {sorted(b)}")
for rid in b:
    for col, v in b[rid].items():
        w = a.get(rid, {}).get(col)
        try:
            x, y = float(v), float(w)
            tol = 1e-6 * max(abs(y), float(b[rid]["original_m2"])) + 0.05
            check(abs(x - y) <= tol, f"{rid}.{col}: files {v} vs PostGIS {w}")
        except (TypeError, ValueError):
            if col in ("years_to_complete",):
                continue
            check(v == w, f"{rid}.{col}: files {v!r} vs PostGIS {w!r}")
ra = json.load(open(f"{work}/from-postgis/run.json"))
hz = [i for i in ra["inputs"] if i["layer"] == "hazards"][0]
check(hz["features_read"] == 42, f"where filter dropped HZ-999 (read {hz['features_read']})")
check(hz["crs"] == "EPSG:32642", f"CRS read from PostGIS: {hz['crs']}")
pa = list(csv.DictReader(open(f"{work}/from-postgis/priority_tasks.csv")))
pb = list(csv.DictReader(open(f"{work}/from-files/priority_tasks.csv")))
check([r["hazard_id"] for r in pa] == [r["hazard_id"] for r in pb], "same priority order")
check.finish()
PY
