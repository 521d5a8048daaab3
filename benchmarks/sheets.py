"""The Excel import at size: a points workbook of many rows, imported as a clerk would.

    python benchmarks/sheets.py [--rows 200000] [--rows 10000] [--keep DIR]

For each row count it writes a synthetic county with one unit of 400 people (`cadre
synth`), exports that unit's December points workbook, fills it to the row count (every
row a valid item of one of the unit's people, names matching), and runs `cadre import
sheet` on it in a fresh process. It prints the seconds, the peak memory and the exit code
of each import, and the workbook's size; run it by hand, before and after a change to the
import, and compare. Nothing here is a unit test: the figures depend on the machine.

Measured on 2 cores (seconds inside the command, peak resident memory):

| rows | before | after |
|---:|---|---|
| 200,000 | 132.2 s, 1,847 MB: read whole, then refused (the record would pass 1 MB) | 1.2 s, 150 MB: refused at the 10,000-row limit, read no further |
| 10,000 | 15.9 s, 161 MB: written | 7.5 s, 219 MB: written, after the computed checks too |
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def cadre(args: list[str], cwd: Path, env: dict) -> dict:
    """One `cadre` command in its own process (benchmarks/measure.py): seconds, peak MB, exit."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(HERE / "measure.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    head, _, tail = done.stderr.rpartition("@@")
    figures = json.loads(tail) if tail.strip().startswith("{") else {"exit": done.returncode}
    figures["wall"] = wall
    figures["output"] = (done.stdout + head).strip().splitlines()[-3:]
    return figures


def fill(workbook: Path, rows: int, out: Path) -> None:
    """The exported workbook's header and meta, then `rows` rows cycling over its people."""
    from openpyxl import Workbook, load_workbook

    source = load_workbook(workbook)
    ws = source.worksheets[0]
    header = [[c.value for c in row] for row in ws.iter_rows(max_row=2)]
    people = sorted(
        {(r[0], r[1]) for r in ws.iter_rows(min_row=3, values_only=True) if r[0]},
    )
    meta = [[c.value for c in row] for row in source["_meta"].iter_rows()]
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(ws.title)
    for row in header:
        sheet.append(row)
    classes = [v for v in (ws.cell(3, 3).value,) if v]
    for n in range(rows):
        pid, name = people[n % len(people)]
        sheet.append([pid, name, classes[0], n % 9 + 1, f"完成月度工作任务第{n % 97 + 1}项"])
    hidden = wb.create_sheet("_meta")
    for row in meta:
        hidden.append(row)
    hidden.sheet_state = "hidden"
    wb.save(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, action="append", help="rows in the workbook")
    parser.add_argument("--keep", type=Path, help="keep the synthetic county here")
    args = parser.parse_args()
    counts = args.rows or [200_000]
    work = args.keep or Path(tempfile.mkdtemp(prefix="cadre-sheets-"))
    env = {**os.environ, "CADRE_NO_CACHE": "1", "NO_MKDOCS_2_WARNING": "1"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    subprocess.run(
        [sys.executable, "-m", "generator.cli", "synth", "--people", "400", "--units", "1"]
        + ["--years", "1", "--out", str(work)],
        check=True,
        env=env,
        capture_output=True,
    )
    exported = cadre(
        ["export", "sheet", "--unit", unit(work), "--year", "2025", "--month", "12"]
        + ["--out", str(work / "points.xlsx")],
        work,
        env,
    )
    assert exported["exit"] == 0, exported
    target = next((work / "records/points/2025/12").glob("*.yaml"))
    original = target.read_bytes()
    print("| rows | workbook (MB) | seconds | peak memory (MB) | exit | says |")
    print("|---:|---:|---:|---:|---:|---|")
    for rows in counts:
        book = work / f"points-{rows}.xlsx"
        fill(work / "points.xlsx", rows, book)
        result = cadre(["import", "sheet", str(book)], work, env)
        size = book.stat().st_size / 2**20
        says = " / ".join(result["output"])[:120]
        print(
            f"| {rows:,} | {size:.1f} | {result.get('seconds', result['wall']):.2f} "
            f"| {result.get('peak_mb', 0):.0f} | {result['exit']} | {says} |"
        )
        target.write_bytes(original)


def unit(work: Path) -> str:
    return next((work / "records/units").glob("*.yaml")).stem


if __name__ == "__main__":
    main()
