"""The cells of a filled workbook, read into record values; every bad cell is one message.

A message names the cell (`积分!B7`), says what is wrong in Chinese (with an English gloss)
and ends with a hint that names the column's header, since the header is what the clerk
sees. A value is quoted only by a short prefix (`layout.shown`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..dates import add_months
from ..model import Records
from ..rules.scoring import appraised_category
from ..rules.shared import served_in
from .layout import (
    CATEGORY_SHEETS,
    PERSON,
    POINTS_COLUMNS,
    POINTS_SHEET,
    Column,
    appraisal_columns,
    class_labels,
    shown,
    ungraded_labels,
    where,
)
from .reader import Row, Sheet, read_sheet

CENT = Decimal("0.01")


@dataclass
class Period:
    """What a workbook covers: a unit, and the days its rows must have served there."""

    unit: str
    first: dt.date
    after: dt.date  # the day after the last
    words: str  # 2025 年度, 2025 年 12 月


def appraisal_period(unit: str, year: int) -> Period:
    return Period(unit, dt.date(year, 1, 1), dt.date(year + 1, 1, 1), f"{year} 年度")


def points_period(unit: str, year: int, month: int) -> Period:
    first = dt.date(year, month, 1)
    return Period(unit, first, add_months(first, 1), f"{year} 年 {month} 月")


def _say(errors: list[str], cell: str, message: str, header: str, hint: str) -> None:
    errors.append(f"{cell}: {message} (提示: “{header}”列{hint})")


def check_columns(sheet: Sheet, columns: list[Column], errors: list[str]) -> None:
    """Every code in row 1 is a column of this sheet; the id and name columns are there."""
    known = {c.code for c in columns}
    for i, code in enumerate(sheet.codes):
        if code and code not in known:
            errors.append(
                f"{where(sheet.title, _letter(i) + '1')}: 列代码 {shown(code)} 不是本表的列"
                " (unknown column code) (提示: 模板或政策已变化，请重新导出工作簿再填写)"
            )
    for code in ("person", "name"):
        if code not in sheet.codes:
            errors.append(
                f"{sheet.title}!1: 缺少“{PERSON.label if code == 'person' else '姓名'}”列"
                " (missing column) (提示: 不要删除第 1 行的列代码，请重新导出)"
            )


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def person_of(rec: Records, row: Row, period: Period, labels: dict, errors: list[str]):
    """The row's person id once it names someone of the unit in the period, whose name matches."""
    pid = row.values.get("person")
    head = labels.get("person", "人员编号")
    name_head = labels.get("name", "姓名")
    if row.bad & {"person", "name"}:
        return None  # already refused
    if pid is None:
        _say(errors, row.at("person"), "人员编号为空 (no person id)", head, "填写人员编号")
        return None
    pid = str(pid)
    person = rec.people.get(pid)
    if person is None:
        _say(
            errors,
            row.at("person"),
            f"人员编号 {shown(pid)} 不存在 (unknown person)",
            head,
            "应为 records/people/ 中的编号",
        )
        return None
    name = row.values.get("name")
    recorded = person.data["name"]
    if name is None or str(name) != recorded:
        message = (
            "姓名为空 (no name)"
            if name is None
            else f"姓名“{shown(name)}”不是人员 {pid} 的姓名 (name does not match the id)"
        )
        _say(
            errors,
            row.at("name"),
            message,
            name_head,
            f"应为 {pid} 的姓名 {recorded}；复制一行后改了姓名，也要改“{head}”列",
        )
        return None
    if not served_in(person.data, period.unit, period.first, period.after):
        _say(
            errors,
            row.at("person"),
            f"{pid}（{recorded}）{period.words}不在单位 {period.unit} 任职"
            " (person not in the sheet's unit in its period)",
            head,
            "核对人员编号；调动的人员先在其记录的任职经历中补充",
        )
        return None
    return pid


def number(raw, cell: str, col: Column, header: str, errors: list[str]):
    """A score, tally or points value: exact, in range, at most two decimals."""
    bad = None
    value = None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        bad = "应为数字 (must be a number)"
    else:
        try:
            value = Decimal(str(raw))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            bad = f"“{shown(raw)}”不是数字 (must be a number)"
    if bad is None:
        low = -col.maximum if col.code == "points" else Decimal(0)
        if value < low:
            bad = "不能为负数 (must not be negative)" if low == 0 else f"不能小于 {low} (too low)"
        elif col.maximum is not None and value > col.maximum:
            bad = f"超过上限 {col.maximum} (above the maximum)"
        elif col.kind == "count" and value != value.to_integral_value():
            bad = "应为整数 (must be a whole number)"
        elif value.as_tuple().exponent < -2 and value != value.quantize(CENT):
            bad = "最多两位小数 (at most two decimals)"
    if bad is not None:
        _say(errors, cell, bad, header, "填写数字")
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def choice(raw, cell: str, labels: dict[str, str], header: str, errors: list[str]):
    """A code from its Chinese label (or the code itself)."""
    text = str(raw)
    by_label = {v: k for k, v in labels.items()}
    if text in by_label:
        return by_label[text]
    if text in labels:
        return text
    _say(
        errors,
        cell,
        f"“{shown(text)}”不是可选的值 (not one of the choices)",
        header,
        f"应为 {' / '.join(labels.values())} 之一",
    )
    return None


def appraisal_rows(
    rec: Records, wb, year: int, unit: str, errors: list[str]
) -> list[tuple[Row, str, dict]]:
    """Each row of every category sheet as (row, person, {code: value}); bad cells to `errors`."""
    policy = rec.policies[year].data
    how = policy["grading"].get("category_at", "year_end")
    period = appraisal_period(unit, year)
    reasons = ungraded_labels()
    out: list[tuple[Row, str, dict]] = []
    seen: dict[str, str] = {}
    for cat, title in CATEGORY_SHEETS.items():
        if title not in wb.sheetnames:
            continue
        columns = appraisal_columns(policy["templates"][cat])
        sheet = read_sheet(wb, title, errors)
        check_columns(sheet, columns, errors)
        by_code = {c.code: c for c in columns}
        for row in sheet.rows:
            pid = person_of(rec, row, period, sheet.labels, errors)
            if pid is None:
                continue
            head = sheet.labels.get("person", "人员编号")
            if appraised_category(rec.people[pid].data, year, how) != cat:
                _say(
                    errors,
                    row.at("person"),
                    f"{pid} 的考核类别不是“{title}” (person is in another category's sheet)",
                    head,
                    "把这一行移到该人员类别的工作表",
                )
                continue
            if pid in seen:
                _say(
                    errors,
                    row.at("person"),
                    f"{pid} 已在 {seen[pid]} 出现 (person listed twice)",
                    head,
                    "每人只填一行",
                )
                continue
            seen[pid] = row.at("person")
            fields: dict = {}
            for code, raw in row.values.items():
                col = by_code.get(code)
                if col is None or code in ("person", "name"):
                    continue
                cell, header = row.at(code), sheet.labels.get(code, col.label)
                if col.kind == "text":
                    fields[code] = str(raw)
                elif col.kind == "choice":
                    value = choice(raw, cell, reasons, header, errors)
                    if value is not None:
                        fields[code] = value
                else:
                    value = number(raw, cell, col, header, errors)
                    if value is not None:
                        fields[code] = value
            out.append((row, pid, fields))
    return out


def points_rows(
    rec: Records, wb, year: int, month: int, unit: str, errors: list[str]
) -> list[tuple[Row, str, tuple]]:
    """Each row of the points sheet as (row, person, (class, points, reason))."""
    if POINTS_SHEET not in wb.sheetnames:
        errors.append(f"{POINTS_SHEET}: 缺少工作表 (missing sheet) (提示: 请重新导出工作簿)")
        return []
    labels = class_labels(rec.policies[year].data)
    period = points_period(unit, year, month)
    sheet = read_sheet(wb, POINTS_SHEET, errors)
    check_columns(sheet, POINTS_COLUMNS, errors)
    cols = {c.code: c for c in POINTS_COLUMNS}
    out = []
    for row in sheet.rows:
        pid = person_of(rec, row, period, sheet.labels, errors)
        values = {}
        for code in ("class", "points", "reason"):
            raw = row.values.get(code)
            header = sheet.labels.get(code, cols[code].label)
            if code in row.bad:
                continue
            if raw is None:
                _say(errors, row.at(code), "不能为空 (must not be empty)", header, "填写这一项")
            elif code == "class":
                values[code] = choice(raw, row.at(code), labels, header, errors)
            elif code == "points":
                values[code] = number(raw, row.at(code), cols[code], header, errors)
            elif "\n" in str(raw) or len(str(raw)) > 60:
                _say(
                    errors,
                    row.at(code),
                    "事由只写一行，不超过 60 字 (one line, at most 60 characters)",
                    header,
                    "简述加减分的事由",
                )
            else:
                values[code] = str(raw)
        if pid is not None and len(values) == 3 and None not in values.values():
            out.append((row, pid, (values["class"], values["points"], values["reason"])))
    return out
