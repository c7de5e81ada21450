"""Workbook check: minefree.xlsx read back with openpyxl (a reader minefree did not
write), every cell of every sheet compared to the CSV of the same table (or, for tables
without CSV, to the GeoPackage layer through sqlite3), the header frozen and filtered,
areas shown with thousands separators, and the `about` sheet listing every sheet.

Usage: python3 tests/xlsx/check.py OUTPUT_DIR
Prints one line per failure and 'xlsx: N passed, M failed'; exits 1 on failure.
"""
import csv
import datetime
import math
import os
import sqlite3
import sys

import openpyxl

sys.path.insert(0, __file__.rsplit("/", 2)[0])
from checks import Checks  # noqa: E402

out = sys.argv[1]
check = Checks("xlsx")
book = openpyxl.load_workbook(f"{out}/minefree.xlsx")


def same(text, cell):
    """A CSV field (text) against a cell value read by openpyxl."""
    if text == "":
        return cell is None
    if isinstance(cell, bool):
        return text.lower() == str(cell).lower()
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat() == text
    if isinstance(cell, (int, float)):
        x = float(text)
        return math.isclose(x, float(cell), rel_tol=1e-12, abs_tol=1e-9)
    return cell == text


def gpkg_rows(name):
    db = sqlite3.connect(f"{out}/minefree.gpkg")
    cols = [r[1] for r in db.execute(f'PRAGMA table_info("{name}")')]
    keep = [c for c in cols if c not in ("fid", "geom", "geometry")]
    rows = db.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in keep)} FROM "{name}" ORDER BY fid')
    return [keep] + [["" if v is None else str(v) for v in r] for r in rows]


sheets = book.sheetnames
check(sheets[0] == "about", f"first sheet is 'about' ({sheets[0]})")
about = book["about"]
listed = [about.cell(row=r, column=1).value for r in range(5, 5 + len(sheets) - 1)]
check(listed == sheets[1:], f"about lists every sheet: {listed} vs {sheets[1:]}")
for name in sheets[1:]:
    sheet = book[name]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    path = f"{out}/{name}.csv"
    if os.path.exists(path):
        with open(path, newline="", encoding="utf-8") as f:
            expected = list(csv.reader(f))
    else:
        expected = gpkg_rows(name)
    check(values[0] == expected[0], f"{name}: header {values[0]} vs {expected[0]}")
    check(len(values) == len(expected), f"{name}: {len(values) - 1} rows vs {len(expected) - 1}")
    bad = [
        (i, j, e, v)
        for i, (erow, vrow) in enumerate(zip(expected[1:], values[1:]), start=2)
        for j, (e, v) in enumerate(zip(erow, vrow))
        if not (same(e, v) or (not os.path.exists(path) and str(v) == e) or (not os.path.exists(path) and isinstance(v, bool) and e in ("0", "1") and v == (e == "1")))
    ]
    check(not bad, f"{name}: {len(bad)} cells differ, first {bad[:3]}")
    check(sheet.freeze_panes == "A2", f"{name}: header frozen ({sheet.freeze_panes})")
    check(bool(sheet.auto_filter.ref), f"{name}: autofilter")
    for j, head in enumerate(values[0]):
        if head.endswith("_m2") and len(values) > 1:
            fmt = sheet.cell(row=2, column=j + 1).number_format
            check(fmt == "#,##0", f"{name}.{head}: number format {fmt}")
check.finish()
