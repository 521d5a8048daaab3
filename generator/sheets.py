"""Excel workbooks for clerks: export blank or filled score sheets, import them back into YAML.

A clerk who has never seen YAML fills a sheet; `import_sheet` writes the numbers into the
record with ruamel's round-trip mode, so comments, key order and untouched values stay as
they were and the pull request shows only the numbers that changed. Bad cells are reported
as `sheet!B7: message`, all at once, and nothing is written unless every cell is good.

Appraisal workbooks have one sheet per staff category, since each category has its own
items; points workbooks have one row per points item. A hidden `_meta` sheet says what
the workbook is for, so an import cannot land in the wrong file.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .errors import CadreError
from .labels import CATEGORY_LABELS, RATER_GROUPS, UNGRADED_REASONS, VOTE_LABELS
from .model import Records
from .rules.scoring import appraised_category
from .rules.shared import ACTIVE, stint_at

# One sheet per staff category, in this order.
CATEGORY_SHEETS = {c: CATEGORY_LABELS[c] for c in ("staff", "deputy", "principal")}
GROUPS = RATER_GROUPS
VOTES = VOTE_LABELS
UNGRADED = UNGRADED_REASONS
HEAD = Font(bold=True)
CODE_FILL = PatternFill("solid", fgColor="DDDDDD")


class SheetError(CadreError):
    """The workbook is not one this tool exported, or its cells are wrong; carries every message."""

    exit_code = 1

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages

    def lines(self) -> list[str]:
        return self.messages


@dataclass
class Column:
    code: str  # machine key: r01, d02, own_unit.excellent, report, ungraded
    label: str
    maximum: Decimal | None = None
    kind: str = "number"  # number, count, text, choice


def _columns(template: dict) -> list[Column]:
    cols = [
        Column(f"results.{i['id']}", f"实绩·{i['name']}（≤{i['max']}）", Decimal(str(i["max"])))
        for i in template["results"]
    ]
    cols += [
        Column(f"daily.{i['id']}", f"日常·{i['name']}（≤{i['max']}）", Decimal(str(i["max"])))
        for i in template["daily"]
    ]
    for g, gname in GROUPS.items():
        cols += [
            Column(f"democratic.{g}.{v}", f"测评·{gname}·{vname}", None, "count")
            for v, vname in VOTES.items()
        ]
    cols.append(Column("report", "工作实绩报告摘要（公示）", None, "text"))
    cols.append(Column("ungraded", "不定等次原因", None, "choice"))
    return cols


def _meta(wb: Workbook, **values) -> None:
    ws = wb.create_sheet("_meta")
    for n, (k, v) in enumerate(values.items(), start=1):
        ws.cell(n, 1, k)
        ws.cell(n, 2, v)
    ws.sheet_state = "hidden"


def read_meta(wb) -> dict:
    if "_meta" not in wb.sheetnames:
        raise SheetError(["_meta: 不是本工具导出的工作簿 (workbook was not exported by cadre)"])
    ws = wb["_meta"]
    return {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0]}


def _cell_value(entry: dict, code: str):
    node = entry
    for part in code.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if code == "ungraded":
        return UNGRADED.get(node.get("reason")) if isinstance(node, dict) else None
    return node


def export_appraisal(rec: Records, unit: str, year: int) -> bytes:
    """A workbook to fill in one unit's appraisal for one year, prefilled with what is recorded."""
    policy = rec.policies[year].data if year in rec.policies else None
    if policy is None:
        raise SheetError([f"没有 {year} 年度的政策参数 (no policy for {year})"])
    if unit not in rec.units:
        raise SheetError([f"单位 {unit} 不存在 (unknown unit)"])
    existing = {}
    if (year, unit) in rec.appraisals:
        existing = {e["person"]: e for e in rec.appraisals[(year, unit)].data["entries"]}
    year_end = dt.date(year, 12, 31)
    people = sorted(
        pid
        for pid, d in rec.people.items()
        if stint_at(d.data, year_end)["unit"] == unit and d.data["status"] in ACTIVE
    )
    how = policy["grading"].get("category_at", "year_end")
    people += sorted(p for p in existing if p not in people)
    wb = Workbook()
    wb.remove(wb.active)
    for cat, title in CATEGORY_SHEETS.items():
        ws = wb.create_sheet(title)
        cols = _columns(policy["templates"][cat])
        ws.cell(1, 1, "person").fill = CODE_FILL
        ws.cell(1, 2, "name").fill = CODE_FILL
        ws.cell(2, 1, "人员编号").font = HEAD
        ws.cell(2, 2, "姓名").font = HEAD
        for n, col in enumerate(cols, start=3):
            ws.cell(1, n, col.code).fill = CODE_FILL
            ws.cell(2, n, col.label).font = HEAD
            ws.column_dimensions[get_column_letter(n)].width = 14
        ws.freeze_panes = "C3"
        row = 3
        for pid in people:
            if pid not in rec.people or appraised_category(rec.people[pid].data, year, how) != cat:
                continue
            ws.cell(row, 1, pid)
            ws.cell(row, 2, rec.people[pid].data["name"])
            for n, col in enumerate(cols, start=3):
                value = _cell_value(existing.get(pid, {}), col.code)
                if value is not None:
                    ws.cell(row, n, value)
            row += 1
        last = max(row - 1, 3) + 200  # room for people added by hand
        for n, col in enumerate(cols, start=3):
            letter = get_column_letter(n)
            if col.maximum is not None:
                dv = DataValidation(
                    type="decimal",
                    operator="between",
                    formula1="0",
                    formula2=str(col.maximum),
                    showErrorMessage=True,
                    error=f"0 到 {col.maximum} 之间",
                    errorTitle="超出范围",
                )
            elif col.kind == "count":
                dv = DataValidation(
                    type="whole",
                    operator="greaterThanOrEqual",
                    formula1="0",
                    showErrorMessage=True,
                    error="非负整数",
                )
            elif col.kind == "choice":
                dv = DataValidation(
                    type="list", formula1='"' + ",".join(UNGRADED.values()) + '"', allow_blank=True
                )
            else:
                continue
            ws.add_data_validation(dv)
            dv.add(f"{letter}3:{letter}{last}")
    _meta(wb, kind="appraisal", unit=unit, year=year)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_points(rec: Records, unit: str, year: int, month: int) -> bytes:
    """A workbook of one unit's monthly points, one row per item."""
    policy = rec.policies[year].data if year in rec.policies else None
    if policy is None:
        raise SheetError([f"没有 {year} 年度的政策参数 (no policy for {year})"])
    if unit not in rec.units:
        raise SheetError([f"单位 {unit} 不存在 (unknown unit)"])
    wb = Workbook()
    ws = wb.active
    ws.title = "积分"
    for n, (code, label) in enumerate(
        [
            ("person", "人员编号"),
            ("name", "姓名"),
            ("class", "积分类别"),
            ("points", "分值"),
            ("reason", "事由（公示）"),
        ],
        start=1,
    ):
        ws.cell(1, n, code).fill = CODE_FILL
        ws.cell(2, n, label).font = HEAD
        ws.column_dimensions[get_column_letter(n)].width = 16
    row = 3
    doc = rec.points.get((year, month, unit))
    if doc:
        for e in doc.data["entries"]:
            for item in e["items"]:
                name = rec.people[e["person"]].data["name"] if e["person"] in rec.people else ""
                for n, v in enumerate(
                    [e["person"], name, item["class"], item["points"], item["reason"]], start=1
                ):
                    ws.cell(row, n, v)
                row += 1
    classes = [c["id"] for c in policy["points"]["classes"]]
    dv = DataValidation(type="list", formula1='"' + ",".join(classes) + '"', allow_blank=False)
    ws.add_data_validation(dv)
    dv.add(f"C3:C{row + 300}")
    num = DataValidation(type="decimal", operator="between", formula1="-100", formula2="100")
    ws.add_data_validation(num)
    num.add(f"D3:D{row + 300}")
    _meta(wb, kind="points", unit=unit, year=year, month=month)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _number(raw, where: str, maximum: Decimal | None, whole: bool, errors: list[str]):
    if isinstance(raw, bool):
        errors.append(f"{where}: 应为数字 (must be a number)")
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        errors.append(f"{where}: 应为数字 (must be a number)")
        return None
    if not value.is_finite() or value < 0:
        errors.append(f"{where}: 不能为负数 (must not be negative)")
        return None
    if maximum is not None and value > maximum:
        errors.append(f"{where}: 超过满分 {maximum} (above the item's maximum)")
        return None
    if whole and value != value.to_integral_value():
        errors.append(f"{where}: 应为整数 (must be a whole number)")
        return None
    if value == value.to_integral_value():
        return int(value)
    if value.as_tuple().exponent < -2:
        errors.append(f"{where}: 最多两位小数 (at most two decimals)")
        return None
    return float(value)


def _set(entry: CommentedMap, code: str, value) -> None:
    parts = code.split(".")
    node = entry
    for part in parts[:-1]:
        if part not in node:
            child = CommentedMap()
            if part in ("results", "daily") or parts[0] == "democratic" and part != "democratic":
                child.fa.set_flow_style()
            node[part] = child
        node = node[part]
    node[parts[-1]] = value


def _rows(ws):
    codes = [c.value for c in ws[1]]
    for r, row in enumerate(ws.iter_rows(min_row=3), start=3):
        values = {codes[i]: cell.value for i, cell in enumerate(row) if i < len(codes) and codes[i]}
        if any(v not in (None, "") for v in values.values()):
            yield r, codes, values


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _existing_or_new(yaml: YAML, target: Path, header: list[tuple], comment: str) -> CommentedMap:
    """The record as it stands (round-trip, comments kept), or a new one with its header fields."""
    if target.exists():
        return yaml.load(target.read_text(encoding="utf-8"))
    data = CommentedMap([*header, ("entries", CommentedSeq())])
    data.yaml_set_start_comment(comment)
    return data


def import_appraisal(rec: Records, wb, meta: dict, target: Path) -> bytes:
    """New YAML text for the appraisal record, with the sheet's values laid over the existing file."""
    year, unit = int(meta["year"]), str(meta["unit"])
    policy = rec.policies[year].data if year in rec.policies else None
    if policy is None:
        raise SheetError([f"_meta: 没有 {year} 年度的政策参数 (no policy for {year})"])
    errors: list[str] = []
    updates: dict[str, dict] = {}
    how = policy["grading"].get("category_at", "year_end")
    for cat, title in CATEGORY_SHEETS.items():
        if title not in wb.sheetnames:
            continue
        ws = wb[title]
        cols = {c.code: c for c in _columns(policy["templates"][cat])}
        for r, codes, values in _rows(ws):
            pid = str(values.get("person") or "").strip()
            where = f"{title}!A{r}"
            if pid not in rec.people:
                errors.append(f"{where}: 人员编号 {pid or '(空)'} 不存在 (unknown person)")
                continue
            if appraised_category(rec.people[pid].data, year, how) != cat:
                errors.append(
                    f"{where}: {pid} 不属于“{title}”类别 (person is in another category's sheet)"
                )
                continue
            if pid in updates:
                errors.append(f"{where}: {pid} 重复出现 (person listed twice)")
                continue
            fields: dict = {}
            for code, raw in values.items():
                if code in ("person", "name") or code not in cols or raw in (None, ""):
                    continue
                col = cols[code]
                cell = f"{title}!{get_column_letter(codes.index(code) + 1)}{r}"
                if col.kind == "text":
                    fields[code] = str(raw).strip()
                elif col.kind == "choice":
                    reverse = {v: k for k, v in UNGRADED.items()}
                    if str(raw).strip() not in reverse:
                        errors.append(
                            f"{cell}: 应为 {' / '.join(UNGRADED.values())} 之一 (unknown reason)"
                        )
                    else:
                        fields["ungraded"] = reverse[str(raw).strip()]
                else:
                    value = _number(raw, cell, col.maximum, col.kind == "count", errors)
                    if value is not None:
                        fields[code] = value
            updates[pid] = fields
    if errors:
        raise SheetError(errors)
    yaml = _yaml()
    data = _existing_or_new(
        yaml,
        target,
        [("year", year), ("unit", unit), ("date", f"{year + 1}-01-20")],
        f"{year} 年度考核录入（由 Excel 导入）",
    )
    entries = data["entries"]
    by_person = {e["person"]: e for e in entries}
    for pid, fields in updates.items():
        entry = by_person.get(pid)
        if entry is None:
            entry = CommentedMap([("person", pid)])
            entries.append(entry)
        if "ungraded" in fields:
            reason = fields.pop("ungraded")
            if (entry.get("ungraded") or {}).get("reason") != reason:
                for key in ("results", "daily", "democratic"):
                    entry.pop(key, None)
                ungraded = CommentedMap([("reason", reason)])
                ungraded.fa.set_flow_style()
                entry["ungraded"] = ungraded
        elif any(k.startswith(("results.", "daily.")) for k in fields):
            entry.pop("ungraded", None)
        for code, value in fields.items():
            _set(entry, code, value)
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue().encode("utf-8")


def import_points(rec: Records, wb, meta: dict, target: Path) -> bytes:
    year, month, unit = int(meta["year"]), int(meta["month"]), str(meta["unit"])
    policy = rec.policies[year].data if year in rec.policies else None
    if policy is None:
        raise SheetError([f"_meta: 没有 {year} 年度的政策参数 (no policy for {year})"])
    classes = {c["id"] for c in policy["points"]["classes"]}
    ws = wb["积分"]
    errors: list[str] = []
    entries: dict[str, CommentedSeq] = {}
    for r, _codes, values in _rows(ws):
        pid = str(values.get("person") or "").strip()
        if pid not in rec.people:
            errors.append(f"积分!A{r}: 人员编号 {pid or '(空)'} 不存在 (unknown person)")
            continue
        cls = str(values.get("class") or "").strip()
        if cls not in classes:
            errors.append(
                f"积分!C{r}: 积分类别应为 {' / '.join(sorted(classes))} 之一 (unknown class)"
            )
        raw = values.get("points")
        try:
            pts = Decimal(str(raw).strip())
            if not pts.is_finite() or abs(pts) > 100:
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                f"积分!D{r}: 应为 -100 到 100 之间的数字 (points must be a number from -100 to 100)"
            )
            continue
        reason = str(values.get("reason") or "").strip()
        if not reason or "\n" in reason:
            errors.append(
                f"积分!E{r}: 事由不能为空，且只写一行 (reason must be one non-empty line)"
            )
            continue
        item = CommentedMap(
            [
                ("class", cls),
                ("points", int(pts) if pts == pts.to_integral_value() else float(pts)),
                ("reason", reason),
            ]
        )
        item.fa.set_flow_style()
        entries.setdefault(pid, CommentedSeq()).append(item)
    if errors:
        raise SheetError(errors)
    yaml = _yaml()
    data = _existing_or_new(
        yaml,
        target,
        [
            ("year", year),
            ("month", month),
            ("unit", unit),
            ("date", f"{year + (month == 12)}-{month % 12 + 1:02d}-05"),
        ],
        f"{year} 年 {month} 月分类积分（由 Excel 导入）",
    )
    data["entries"] = CommentedSeq(
        CommentedMap([("person", pid), ("items", items)]) for pid, items in entries.items()
    )
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue().encode("utf-8")


def read_workbook(raw: bytes):
    try:
        return load_workbook(io.BytesIO(raw), data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError(
            [f"无法读取工作簿 (not a readable .xlsx workbook: {type(e).__name__})"]
        ) from None


def target_path(rec: Records, records_dir: Path, meta: dict) -> Path:
    """Where the workbook's data belongs; the meta sheet is user-editable, so check every part."""
    unit, year, month = meta.get("unit"), meta.get("year"), meta.get("month")
    if unit not in rec.units:
        raise SheetError([f"_meta: 单位 {unit} 不存在 (unknown unit)"])
    if (
        not isinstance(year, int)
        or (rec.policies[year].data if year in rec.policies else None) is None
    ):
        raise SheetError([f"_meta: 年度 {year} 没有政策参数 (no policy for this year)"])
    if meta.get("kind") == "points" and not (isinstance(month, int) and 1 <= month <= 12):
        raise SheetError(["_meta: 月份应为 1 到 12 (month must be 1-12)"])
    if meta.get("kind") == "appraisal":
        return records_dir / "appraisals" / str(int(meta["year"])) / f"{meta['unit']}.yaml"
    if meta.get("kind") == "points":
        return (
            records_dir
            / "points"
            / str(int(meta["year"]))
            / f"{int(meta['month']):02d}"
            / f"{meta['unit']}.yaml"
        )
    raise SheetError(["_meta: 未知的工作簿类型 (unknown workbook kind)"])
