#!/usr/bin/env python3
"""R13 against R11 on any output directory of `minefree run`: every (region_id, year) of
release_history.csv with land released has rows in release_by_organisation.csv whose
released/cleared/reduced/cancelled add up to it (regions and _outside to 1e-6 relative;
_national, which sums the places, to the whole-country ledger within R7's 0.01 %), and no
organisation row exists for a place-year without a ledger row. Also: released = the sum
of the three methods in every row, and releases >= 1.
Exit 1 when anything is wrong, listing the first 20 problems.

Usage: check_sums.py OUTPUT_DIR
"""
import csv
import sys
from collections import defaultdict

COLUMNS = ["released_m2", "cleared_m2", "reduced_m2", "cancelled_m2"]


def main(out):
    sums = defaultdict(lambda: [0.0] * 4)
    problems = []
    rows = list(csv.DictReader(open(f"{out}/release_by_organisation.csv")))
    for r in rows:
        key = (r["region_id"], r["year"])
        values = [float(r[c]) for c in COLUMNS]
        for i, v in enumerate(values):
            sums[key][i] += v
        if abs(values[0] - sum(values[1:])) > 1e-6 * values[0] + 1e-6:
            problems.append(f"{key} {r['organisation']}: released != cleared + reduced + cancelled")
        if int(r["releases"]) < 1:
            problems.append(f"{key} {r['organisation']}: no release credited")
    checked = 0
    for h in csv.DictReader(open(f"{out}/release_history.csv")):
        key = (h["region_id"], h["year"])
        got = sums.pop(key, [0.0] * 4)
        national = key[0] == "_national"
        for g, c in zip(got, COLUMNS):
            w = float(h[c])
            tol = 1e-4 * w + 0.01 if national else 1e-6 * w + 1e-6
            if abs(g - w) > tol:
                problems.append(f"{key} {c}: organisations {g}, ledger {w}")
        checked += got[0] > 0
    if sums:
        problems.append(f"organisation rows without a ledger row: {sorted(sums)[:5]}")
    for p in problems[:20]:
        print("check_sums:", p)
    print(f"check_sums: {len(rows)} organisation rows, {checked} place-years with land released, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
