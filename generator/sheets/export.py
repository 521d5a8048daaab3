"""Workbooks for clerks: a unit's appraisal for a year, or its points for a month.

Every text cell is written as a string, never as a formula: a record's text that starts
with `=`, `+`, `-` or `@` (or a DDE string) stays inert text in Excel. Numbers stay
numbers. Codes are shown by their Chinese labels (积分类别 工作实绩, 不定等次原因
在岗不足半年), which the import maps back.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..model import Records
from ..rules.scoring import appraised_category
from ..rules.shared import ACTIVE, served_in
from .layout import (
    CATEGORY_SHEETS,
    FIRST_ROW,
    META_SHEET,
    POINTS_COLUMNS,
    POINTS_SHEET,
    Column,
    SheetError,
    appraisal_columns,
    class_labels,
    ungraded_labels,
)

HEAD = Font(bold=True)
CODE_FILL = PatternFill("solid", fgColor="DDDDDD")
ROOM = 300  # rows below the data that keep the validation lists, for rows added by hand


def put(ws, row: int, col: int, value) -> None:
    """One cell: text always as a string (openpyxl would make `=...` a formula), numbers as numbers."""
    cell = ws.cell(row, col)
    if value is None:
        return
    if isinstance(value, bool):
        value = "true" if value else "false"
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
    elif isinstance(value, int | float):
        cell.value = value
    else:
        cell.value = str(value)
        cell.data_type = "s"


def _frame(ws, columns: list[Column]) -> None:
    for n, col in enumerate(columns, start=1):
        put(ws, 1, n, col.code)
        ws.cell(1, n).fill = CODE_FILL
        put(ws, 2, n, col.label)
        ws.cell(2, n).font = HEAD
        ws.column_dimensions[get_column_letter(n)].width = 16 if n <= 2 else 14
    ws.freeze_panes = f"C{FIRST_ROW}"


def _choice_list(labels: list[str]) -> DataValidation | None:
    """A drop-down of labels, when they fit Excel's inline list (no comma or quote, 255 chars)."""
    inline = ",".join(labels)
    if any("," in x or '"' in x for x in labels) or len(inline) > 250:
        return None
    return DataValidation(type="list", formula1=f'"{inline}"', allow_blank=True)


def _validate(ws, columns: list[Column], last: int, choices: dict[str, list[str]]) -> None:
    for n, col in enumerate(columns, start=1):
        if col.kind == "number" and col.maximum is not None:
            low = -col.maximum if col.code == "points" else 0
            dv = DataValidation(
                type="decimal",
                operator="between",
                formula1=str(low),
                formula2=str(col.maximum),
                showErrorMessage=True,
                error=f"{low} 到 {col.maximum} 之间",
                errorTitle="超出范围",
            )
        elif col.kind == "count":
            dv = DataValidation(
                type="whole", operator="greaterThanOrEqual", formula1="0", showErrorMessage=True
            )
            dv.error = "非负整数"
        elif col.code in choices:
            dv = _choice_list(choices[col.code])
        else:
            dv = None
        if dv is not None:
            letter = get_column_letter(n)
            ws.add_data_validation(dv)
            dv.add(f"{letter}{FIRST_ROW}:{letter}{last}")


def _meta(wb: Workbook, **values) -> None:
    ws = wb.create_sheet(META_SHEET)
    for n, (k, v) in enumerate(values.items(), start=1):
        put(ws, n, 1, k)
        put(ws, n, 2, v)
    ws.sheet_state = "hidden"


def _bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _policy(rec: Records, unit: str, year: int) -> dict:
    if year not in rec.policies:
        raise SheetError([f"没有 {year} 年度的政策参数 (no policy for {year})"])
    if unit not in rec.units:
        raise SheetError([f"单位 {unit} 不存在 (unknown unit)"])
    return rec.policies[year].data


def _value(entry: dict, code: str, reasons: dict[str, str]):
    node = entry
    for part in code.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if code == "ungraded":
        return reasons.get(node.get("reason")) if isinstance(node, dict) else None
    return node


def export_appraisal(rec: Records, unit: str, year: int) -> bytes:
    """A workbook to fill in one unit's appraisal for one year, prefilled with what is recorded."""
    policy = _policy(rec, unit, year)
    existing = {}
    if (year, unit) in rec.appraisals:
        existing = {e["person"]: e for e in rec.appraisals[(year, unit)].data["entries"]}
    # Those in the unit on the last day of the year (not yet there, or gone, are left out).
    year_end, after = dt.date(year, 12, 31), dt.date(year + 1, 1, 1)
    people = sorted(
        pid
        for pid, d in rec.people.items()
        if d.data["status"] in ACTIVE and served_in(d.data, unit, year_end, after)
    )
    # Those recorded come first, in the record's order, so that a sheet read back in order
    # leaves the record's order alone.
    people = list(existing) + [p for p in people if p not in existing]
    how = policy["grading"].get("category_at", "year_end")
    reasons = ungraded_labels()
    wb = Workbook()
    wb.remove(wb.active)
    for cat, title in CATEGORY_SHEETS.items():
        ws = wb.create_sheet(title)
        columns = appraisal_columns(policy["templates"][cat])
        _frame(ws, columns)
        row = FIRST_ROW
        for pid in people:
            if pid not in rec.people or appraised_category(rec.people[pid].data, year, how) != cat:
                continue
            entry = existing.get(pid, {})
            put(ws, row, 1, pid)
            put(ws, row, 2, rec.people[pid].data["name"])
            for n, col in enumerate(columns[2:], start=3):
                put(ws, row, n, _value(entry, col.code, reasons))
            row += 1
        _validate(ws, columns, row + ROOM, {"ungraded": list(reasons.values())})
    _meta(wb, kind="appraisal", unit=unit, year=year)
    return _bytes(wb)


def export_points(rec: Records, unit: str, year: int, month: int) -> bytes:
    """A workbook of one unit's monthly points, one row per item, classes by their names."""
    policy = _policy(rec, unit, year)
    labels = class_labels(policy)
    wb = Workbook()
    ws = wb.active
    ws.title = POINTS_SHEET
    _frame(ws, POINTS_COLUMNS)
    ws.column_dimensions["E"].width = 40
    row = FIRST_ROW
    doc = rec.points.get((year, month, unit))
    for e in doc.data["entries"] if doc else []:
        person = rec.people.get(e["person"])
        for item in e["items"]:
            values = [
                e["person"],
                person.data["name"] if person else None,
                labels.get(item["class"], item["class"]),
                item["points"],
                item["reason"],
            ]
            for n, v in enumerate(values, start=1):
                put(ws, row, n, v)
            row += 1
    _validate(ws, POINTS_COLUMNS, row + ROOM, {"class": list(labels.values())})
    ws.column_dimensions["D"].width = 8
    _meta(wb, kind="points", unit=unit, year=year, month=month)
    return _bytes(wb)
