#!/usr/bin/env bash
# R13 on data minefree did not write: generates ../shared/bench/gen.py's scale 10 (seed 7),
# runs minefree on it and checks that every region-year's organisations add up to its
# release_history row (tests/organisations/check_sums.py). The Rust suite checks the same
# on `minefree synth` data. Skipped, saying so, when the generator is not beside the clone.
#
# Usage: scripts/check-gen.sh BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:?usage: $0 BINARY}"
gen="${BENCH_GEN_PY:-../shared/bench/gen.py}"
if [[ ! -f "$gen" ]]; then
  echo "check-gen: skipped: no generator at $gen"
  exit 0
fi
python3 -c 'import numpy, shapely, pyproj, pyogrio, pyarrow' 2>/dev/null ||
  python3 -m pip install -q numpy shapely pyproj pyogrio pyarrow >/dev/null 2>&1 ||
  /usr/bin/python3 -m pip install -q --break-system-packages numpy shapely pyproj pyogrio pyarrow >/dev/null
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 "$gen" --seed 7 --scale 10 --out "$tmp/data" >/dev/null
{
  echo 'as_of = "2026-06-30"'
  echo 'output = "out"'
  echo 'fail_on = "never"'
  for layer in hazards releases regions settlements accidents; do
    printf '\n[inputs.%s]\nsource = "inputs.gpkg"\nlayer = "%s"\n' "$layer" "$layer"
  done
} >"$tmp/data/pipeline.toml"
"$bin" --quiet run "$tmp/data/pipeline.toml" --output "$tmp/out" >/dev/null 2>"$tmp/log" ||
  { cat "$tmp/log" >&2; exit 1; }
python3 tests/organisations/check_sums.py "$tmp/out"
