#!/usr/bin/env bash
# Extra CI checks that need Debian packages, on the output directory of `minefree run`:
#   tests/qgis/check_gpkg.py     PyQGIS (Debian python3-qgis, headless) opens every layer of
#                                minefree.gpkg: valid, EPSG:4326, right count, stored style
#                                applied; renders a PNG map.
#   tests/qgis/check_project.py  PyQGIS loads the QGIS project stored in minefree.gpkg from a
#                                copy in another folder (relative paths): layers valid, in
#                                order, visibility; exports the "National map" layout to PNG
#                                and PDF.
#   tests/browser/check_report.sh  headless Chromium renders report.html; DOM and screenshot.
#
# Usage: scripts/ci-extras.sh OUTPUT_DIR [--screenshots]
#   --screenshots  write the pictures to docs/img/qgis-map.png, docs/img/qgis-layout.png and
#                  docs/img/report.png (the README's screenshots); without it they go to a
#                  temporary folder. The layout PDF always goes to a temporary folder.
#
# Installs python3-qgis, qgis-providers and chromium with apt-get when they are missing
# (needs root; about 40 s with --no-install-recommends on Debian 12). Exits 1 when a
# check fails, 2 on bad usage or when the packages cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: $0 OUTPUT_DIR [--screenshots]" >&2
  exit 2
}
out=""
screenshots=0
for arg in "$@"; do
  case "$arg" in
    --screenshots) screenshots=1 ;;
    -*) usage ;;
    *) [[ -z "$out" ]] || usage; out="$arg" ;;
  esac
done
[[ -n "$out" ]] || usage
if [[ ! -d "$out" ]]; then
  echo "ci-extras: $out is not a directory (run minefree first)" >&2
  exit 2
fi

missing=()
/usr/bin/python3 -c 'import qgis.core' >/dev/null 2>&1 || missing+=(python3-qgis qgis-providers)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if ((${#missing[@]})); then
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "ci-extras: need root to apt-get install ${missing[*]}" >&2
    exit 2
  fi
  echo "ci-extras: installing ${missing[*]}"
  start=$SECONDS
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  echo "ci-extras: installed in $((SECONDS - start)) s"
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
if ((screenshots)); then
  pictures=docs/img
  mkdir -p "$pictures"
else
  pictures="$scratch"
fi

passed=0
failed=0
check() {
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
}
check env QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis/check_gpkg.py \
  "$out/minefree.gpkg" "$pictures/qgis-map.png"
check env QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis/check_project.py \
  "$out/minefree.gpkg" "$pictures/qgis-layout.png" "$scratch/qgis-layout.pdf"
check bash tests/browser/check_report.sh "$out/report.html" "$pictures/report.png"
echo "ci-extras: $passed passed, $failed failed"
((failed == 0))
