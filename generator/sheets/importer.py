"""Importing a filled workbook: all of it or nothing, every problem named by its cell.

The order: the workbook's size and parts (before it is opened), its meta sheet (which
record it belongs to), every cell (people, names, the unit in the period, numbers, labels,
no formulas), then the record with the values laid in place (`apply`), then the whole
repository's checks and computed checks on that new record, as `cadre validate` would run
them. A finding about the new record is traced back to the cell its value came from; one
that has no cell says which row or which sheet. Nothing is written by this module: the
caller writes the one file once everything passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from ..findings import Finding
from ..model import Records
from ..pipeline import Checked, Source, ValidationFailed, check_files, compute_checked
from .apply import Cells, apply_appraisal, apply_points, dump, load, new_record
from .cells import appraisal_rows, points_rows
from .layout import SHEET_WORDS, SheetError
from .reader import open_workbook, read_meta


@dataclass
class Imported:
    target: Path
    new: bytes | None  # None when the workbook changes nothing


def target_path(rec: Records, records_dir: Path, meta: dict) -> Path:
    """Where the workbook's data belongs; the meta sheet is user-editable, so check every part."""
    kind, unit, year, month = (meta.get(k) for k in ("kind", "unit", "year", "month"))
    if kind not in ("appraisal", "points"):
        raise SheetError(["_meta: 未知的工作簿类型 (unknown workbook kind) (提示: 请重新导出)"])
    if not isinstance(unit, str) or unit not in rec.units:
        raise SheetError(["_meta: 工作簿所属单位不存在 (unknown unit) (提示: 请重新导出)"])
    if not isinstance(year, int) or year not in rec.policies:
        raise SheetError([f"_meta: 年度 {year} 没有政策参数 (no policy for this year)"])
    if kind == "appraisal":
        return records_dir / "appraisals" / str(year) / f"{unit}.yaml"
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise SheetError(["_meta: 月份应为 1 到 12 (month must be 1-12)"])
    return records_dir / "points" / str(year) / f"{month:02d}" / f"{unit}.yaml"


def _record(target: Path, meta: dict):
    if target.exists():
        return load(target.read_text(encoding="utf-8"))
    year, unit = meta["year"], meta["unit"]
    if meta["kind"] == "appraisal":
        return new_record(
            [("year", year), ("unit", unit), ("date", f"{year + 1}-01-20")],
            f"{year} 年度考核录入（由 Excel 导入）",
        )
    month = meta["month"]
    return new_record(
        [
            ("year", year),
            ("month", month),
            ("unit", unit),
            ("date", f"{year + (month == 12)}-{month % 12 + 1:02d}-05"),
        ],
        f"{year} 年 {month} 月分类积分（由 Excel 导入）",
    )


def import_workbook(
    source: Source, checked: Checked, raw: bytes, size: int | None = None
) -> Imported:
    """The new bytes of the workbook's record, or SheetError with every problem in sheet terms.

    `size` is the file's size when `raw` holds only its beginning (a file over the limit
    is never read whole)."""
    rec = checked.records
    wb = open_workbook(raw, size)
    try:
        meta = read_meta(wb)
        target = target_path(rec, source.records_dir, meta)
        errors: list[str] = []
        if meta["kind"] == "appraisal":
            rows = appraisal_rows(rec, wb, meta["year"], meta["unit"], errors)
        else:
            rows = points_rows(rec, wb, meta["year"], meta["month"], meta["unit"], errors)
    finally:
        wb.close()
    if errors:
        raise SheetError(errors)
    data = _record(target, meta)
    apply = apply_appraisal if meta["kind"] == "appraisal" else apply_points
    changed, cells = apply(data, rows)
    if not changed:
        return Imported(target, None)
    new = dump(data).encode("utf-8")
    rel = target.relative_to(source.records_dir).as_posix()
    problems = _new_errors(source, checked, rel, new)
    if problems:
        raise SheetError(explain(problems, f"{source.prefix}/{rel}", new, cells))
    return Imported(target, new)


def _new_errors(source: Source, checked: Checked, rel: str, new: bytes) -> list[Finding]:
    """Errors the new record has, or brings to another record, as `cadre validate` finds them."""
    files = dict(source.files)
    files[rel] = new
    shown_path = f"{source.prefix}/{rel}"
    before = {(f.path, f.rule, f.message) for f in checked.findings if f.severity == "error"}

    def new_errors(findings: list[Finding]) -> list[Finding]:
        return [
            f
            for f in findings
            if f.severity == "error"
            and (f.path == shown_path or (f.path, f.rule, f.message) not in before)
        ]

    after = check_files(files, None, source.prefix, source.cache)
    problems = new_errors(after.findings)
    if not problems:
        try:
            _results, findings = compute_checked(after, {})
        except ValidationFailed as e:
            findings = e.findings
        problems = new_errors(findings)
    return problems


# ---------------------------------------------------------------- findings in sheet terms

_RULE_ID = re.compile(r"[A-Z][0-9]+\Z")
_WORDS = re.compile(r"(?<![A-Za-z_])(" + "|".join(SHEET_WORDS) + r")(?![A-Za-z_])")


def in_sheet_terms(text: str) -> str:
    """A message or hint with record keys replaced by the columns a clerk sees."""
    return _WORDS.sub(lambda m: SHEET_WORDS[m.group(1)], text)


def _say(f: Finding, cell: str, header: str | None) -> str:
    head = f"{f.rule}: " if _RULE_ID.match(f.rule) else ""
    chinese, sep, gloss = f.message.partition(" (")
    message = in_sheet_terms(chinese) + sep + gloss
    hint = in_sheet_terms(f.hint) if f.hint else ""
    if header:
        hint = f"{hint}；见“{header}”列" if hint else f"改正“{header}”列"
    return f"{cell}: {head}{message}" + (f" (提示: {hint})" if hint else "")


def _positions(raw: bytes, keys) -> dict[tuple, tuple[int, int]]:
    """Line and column (1-based) of the value at each path of the record, read back with
    ruamel.yaml, which (unlike the strict loader) also reads text the loader refuses."""
    try:
        data = load(raw.decode("utf-8"))
    except Exception:  # a record that ruamel cannot read back: every finding is sheet-wide
        return {}
    out = {}
    for key in keys:
        node = data
        try:
            for k in key[:-1]:
                node = node[k]
            if isinstance(node, CommentedMap):
                line, col = node.lc.value(key[-1]) if key[-1] in node else (None, None)
            else:
                line, col = node.lc.item(key[-1])
        except (KeyError, IndexError, TypeError, AttributeError):
            continue
        if line is not None:
            out[key] = (line + 1, col + 1)
    return out


def explain(findings: list[Finding], path: str, raw: bytes, cells: Cells) -> list[str]:
    """Each finding at the cell its value came from, else its row, else the sheet as a whole."""
    positions = _positions(raw, cells)
    at_line: dict[int, list[tuple[int, tuple]]] = {}
    for key in cells:
        pos = positions.get(key)
        if pos is not None:
            at_line.setdefault(pos[0], []).append((pos[1], key))
    starts = sorted((positions[key], key) for key in cells if len(key) == 3 and key[2] == "person")
    out = []
    for f in findings:
        if f.path != path:
            out.append(
                f"（整个工作簿）: 导入后另一条记录出错 (another record would fail):"
                f" {f.path}:{f.line}: {f.rule}: {in_sheet_terms(f.message)}"
            )
            continue
        line = [c for c in at_line.get(f.line, []) if c[0] <= f.col]
        if line:
            row, code = cells[max(line)[1]]
            if code not in ("person", "name"):
                out.append(_say(f, row.at(code), row.header(code)))
                continue
        entry = [k for (ln, _col), k in starts if ln <= f.line]
        if entry:
            row, _code = cells[entry[-1]]
            pid = row.values.get("person")
            out.append(_say(f, f"{row.at('person')}（{pid} 这一行）", None))
        else:
            out.append(_say(f, "（整个工作簿，不对应某个单元格）", None))
    return out
