#!/usr/bin/env bash
# Opens minefree's report.html in headless Chromium and checks that it renders.
#
# Usage: tests/browser/check_report.sh OUTPUT_DIR|report.html [SCREENSHOT.png]
#
# Checks, on the DOM as Chromium parsed it (--dump-dom): every section is there
# (totals, map, regions, ledger, progress, outlook, priorities, qa), each chart is an SVG with
# shapes in it, the priority and QA tables have rows, and no NaN/Infinity/undefined
# (as Rust or JavaScript print them) leaked into the text. On the file itself: no script and nothing fetched from
# elsewhere (src=, href=, url(), @import). Then it takes a 1200×2400 screenshot
# (default: report.png beside the report) and checks the PNG is a real, non-blank
# picture. Chromium runs with networking disabled and every host unresolvable.
#
# Exits 0 when every check passes, 1 with one line per failure otherwise, 2 on bad
# usage or when Chromium is missing (apt-get install chromium).
set -uo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 OUTPUT_DIR|report.html [SCREENSHOT.png]" >&2
  exit 2
fi
report="$1"
[[ -d "$report" ]] && report="$report/report.html"
shot="${2:-$(dirname "$report")/report.png}"
chromium="${CHROMIUM:-/usr/bin/chromium}"
py=/usr/bin/python3
[[ -x "$py" ]] || py=python3
failures=0
fail() {
  echo "check_report: FAIL: $*" >&2
  failures=$((failures + 1))
}

if [[ ! -x "$chromium" ]]; then
  echo "check_report: $chromium not found; apt-get install chromium" >&2
  exit 2
fi
if [[ ! -s "$report" ]]; then
  echo "check_report: FAIL: $report is missing or empty" >&2
  exit 1
fi
report="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
shot="$(cd "$(dirname "$shot")" && pwd)/$(basename "$shot")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run_chromium() {
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --disable-extensions --host-resolver-rules="MAP * ~NOTFOUND" \
    --user-data-dir="$work/profile" "$@" "file://$report" 2>>"$work/chromium.log"
}

# The file itself: self-contained (no script, no attribute or style that fetches).
grep -qi '<script' "$report" && fail "report contains a <script> (it must be self-contained)"
grep -qiE '<[a-z][^>]*[[:space:]](src|href|xlink:href)=' "$report" &&
  fail "report links to another resource (src=/href=)"
sed -n '/<style>/,/<\/style>/p' "$report" | grep -qiE 'url\(|@import' &&
  fail "report's CSS fetches another resource (url()/@import)"

# The DOM as Chromium built it.
if ! run_chromium --dump-dom >"$work/dom.html" || [[ ! -s "$work/dom.html" ]]; then
  fail "chromium could not load the report (see below)"
  tail -n 20 "$work/chromium.log" >&2
else
  dom="$work/dom.html"
  grep -q '<title>Land release report' "$dom" || fail "no report title"
  for id in totals map regions ledger progress outlook priorities qa; do
    grep -q "<section id=\"$id\">" "$dom" || fail "section '$id' is missing"
  done
  # Extracts one section of the DOM (sections are not nested).
  section() { sed -n "/<section id=\"$1\">/,/<\/section>/p" "$dom"; }
  shapes="$(section map | grep -o '<path\|<circle' | wc -l)"
  [[ "$shapes" -ge 2 ]] || fail "the map draws $shapes shapes"
  for id in regions ledger; do
    n="$(section "$id" | grep -o '<rect' | wc -l)"
    [[ "$n" -ge 1 ]] || fail "the $id chart has no bars"
  done
  rows="$(section priorities | grep -o '<tr>' | wc -l)"
  [[ "$rows" -ge 2 ]] || grep -q 'No hazard with land remaining' <(section priorities) ||
    fail "the priority table has no rows"
  grep -q 'class="card"' <(section qa) || fail "the QA summary is missing"
  text="$(sed -e 's/<[^>]*>/ /g' "$dom")"
  bad='NaN|-?inf|Infinity|undefined'
  if grep -qwE "$bad" <<<"$text"; then
    fail "error text in the page: $(grep -owE "$bad" <<<"$text" | sort -u | tr '\n' ' ')"
  fi
fi

# The picture.
rm -f "$shot"
run_chromium --hide-scrollbars --window-size=1200,2400 --screenshot="$shot" >/dev/null
if [[ ! -s "$shot" ]]; then
  fail "no screenshot written to $shot"
  tail -n 20 "$work/chromium.log" >&2
else
  "$py" - "$shot" <<'EOF' || failures=$((failures + 1))
import struct, sys
path = sys.argv[1]
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit(print(f"check_report: FAIL: {path} is not a PNG", file=sys.stderr))
width, height = struct.unpack(">II", data[16:24])
# A blank 1200x2400 page compresses to a few kB; the report's charts make far more.
if (width, height) != (1200, 2400) or len(data) < 40_000:
    sys.exit(print(f"check_report: FAIL: screenshot {width}x{height}, {len(data)} bytes: blank?",
                   file=sys.stderr))
EOF
fi

# Print → PDF (A4): every section starts a page, in the page's order (the print
# stylesheet's page breaks; Chromium repeats each table's <thead> on a new page).
if command -v pdftotext >/dev/null; then
  run_chromium --no-pdf-header-footer --print-to-pdf="$work/report.pdf" >/dev/null
  if [[ ! -s "$work/report.pdf" ]]; then
    fail "no PDF printed"
  else
    pdftotext -enc UTF-8 "$work/report.pdf" "$work/report.txt"
    "$py" - "$work/report.txt" "$report" <<'EOF' || failures=$((failures + 1))
import html, re, sys
pages = [p.strip() for p in open(sys.argv[1], encoding="utf-8").read().split("\f")]
pages = [p for p in pages if p]
page_html = open(sys.argv[2], encoding="utf-8").read()
headings = [html.unescape(h) for h in re.findall(r'<section id="[a-z]+"><h2>([^<]+)</h2>', page_html)]
problems = []
starts = []
for h in headings[1:]:  # the first section follows the page title on page 1
    found = [i for i, p in enumerate(pages) if p.splitlines()[0].strip() == h.strip()]
    if not found:
        problems.append(f"section '{h}' does not start a page")
    else:
        starts.append(found[0])
if starts != sorted(starts):
    problems.append(f"sections out of order: pages {starts}")
if len(pages) < len(headings):
    problems.append(f"{len(pages)} pages for {len(headings)} sections")
for p in problems:
    print(f"check_report: FAIL: PDF: {p}", file=sys.stderr)
print(f"check_report: PDF: {len(pages)} A4 pages, {len(headings)} sections each starting a page",
      file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
    [[ -n "${PDF_OUT:-}" ]] && cp "$work/report.pdf" "$PDF_OUT"
  fi
else
  echo "check_report: pdftotext missing (apt-get install poppler-utils): PDF not checked" >&2
  failures=$((failures + 1))
fi

if [[ "$failures" -gt 0 ]]; then
  echo "check_report: $failures check(s) failed for $report" >&2
  exit 1
fi
echo "check_report: OK: $report renders; screenshot $shot"
