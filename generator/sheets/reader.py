"""Reading a filled workbook: bounded before it is opened, streamed row by row, no formulas.

A workbook is refused before it is read whole when the file, any part of it (it is a zip)
or a sheet's declared size is over the limits of `layout`; rows and cells are checked
while they stream (openpyxl's read-only mode), so a sheet that lies about its size costs
no more than the limit. A formula cell is refused whether or not Excel saved its value:
the import takes what the clerk typed, never what a formula made of it.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .layout import (
    FIRST_ROW,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_PART_BYTES,
    MAX_ROWS,
    META_SHEET,
    SheetError,
    shown,
    where,
)


@dataclass
class Row:
    """One data row: its sheet, its number, and each coded column's value and coordinate."""

    sheet: str
    number: int
    values: dict[str, object] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)  # code -> "B7", the filled cells
    bad: set[str] = field(default_factory=set)  # codes whose cell was already refused
    labels: dict[str, str] = field(default_factory=dict, repr=False)  # the sheet's headers
    letters: dict[str, str] = field(default_factory=dict, repr=False)  # code -> column letter

    def header(self, code: str) -> str:
        return self.labels.get(code, code)

    def at(self, code: str) -> str:
        """`sheet!B7` for a column of this row, filled or not (column A if there is no such column)."""
        return where(self.sheet, f"{self.letters.get(code, 'A')}{self.number}")


@dataclass
class Sheet:
    title: str
    codes: list[str | None]
    labels: dict[str, str]  # code -> the header the clerk sees in row 2
    rows: list[Row]


def _unreadable(e: Exception) -> SheetError:
    return SheetError([f"无法读取工作簿 (not a readable .xlsx workbook: {type(e).__name__})"])


def open_workbook(raw: bytes, size: int | None = None):
    """The workbook, streamed (read-only), once its size and its parts' sizes are in bounds."""
    mb = 2**20
    size = max(size or 0, len(raw))
    if size > MAX_FILE_BYTES:
        raise SheetError(
            [
                f"工作簿有 {size / mb:.1f} MB，超过 {MAX_FILE_BYTES // mb} MB 的上限"
                " (workbook over the size limit) (提示: 一个单位一个工作簿；删去多余的工作表和行)",
            ]
        )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            big = [i for i in z.infolist() if i.file_size > MAX_PART_BYTES]
            if big:
                raise SheetError(
                    [
                        f"工作簿中 {shown(big[0].filename)} 解压后有 {big[0].file_size / mb:.0f} MB，"
                        f"超过 {MAX_PART_BYTES // mb} MB 的上限 (a part of the workbook is too large)"
                    ]
                )
            for part, title in _sheet_parts(z).items():
                rows = _count_rows(z, part)
                if rows > MAX_ROWS + FIRST_ROW - 1:
                    raise _too_many(title, rows - FIRST_ROW + 1)
    except (zipfile.BadZipFile, ValueError, OSError, KeyError, ET.ParseError) as e:
        raise _unreadable(e) from None
    try:
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise _unreadable(e) from None


_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ROW = re.compile(rb"<(?:[A-Za-z0-9_]+:)?row[\s>/]")
_DIMENSION = re.compile(rb'<(?:[A-Za-z0-9_]+:)?dimension\s+ref="[A-Z]*[0-9]*:?[A-Z]*([0-9]+)"')


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's part in the zip and its title (from the small workbook.xml)."""
    names = set(z.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {n: n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sheet in ET.fromstring(z.read("xl/workbook.xml")).iter():
        if sheet.tag.endswith("}sheet") and sheet.get(_REL) in target:
            path = target[sheet.get(_REL)].lstrip("/")
            path = path if path.startswith("xl/") else f"xl/{path}"
            if path in names:
                out[path] = sheet.get("name", path)
    return out


def _count_rows(z: zipfile.ZipFile, part: str) -> int:
    """A sheet's rows as its `<dimension>` declares them, else counted while it streams,
    stopping as soon as there are more than the limit: never more read than that."""
    limit = MAX_ROWS + FIRST_ROW - 1
    count, tail, head = 0, b"", True
    with z.open(part) as fh:
        while chunk := fh.read(1 << 20):
            text = tail + chunk
            if head:
                declared = _DIMENSION.search(text)
                if declared:
                    return int(declared.group(1))
                head = b"sheetData" not in text
            # a match ending inside the previous chunk's tail was counted with that chunk
            count += sum(1 for m in _ROW.finditer(text) if m.end() > len(tail))
            if count > limit:
                return count
            tail = text[-16:]
    return count


def read_meta(wb) -> dict:
    if META_SHEET not in wb.sheetnames:
        raise SheetError(["_meta: 不是本工具导出的工作簿 (workbook was not exported by cadre)"])
    meta = {}
    try:
        for n, row in enumerate(wb[META_SHEET].iter_rows(values_only=True)):
            if n > 20:
                break
            if row and row[0]:
                meta[str(row[0])] = row[1] if len(row) > 1 else None
    except Exception as e:
        raise _unreadable(e) from None
    return meta


def _declared_rows(ws) -> int | None:
    try:
        return ws.max_row
    except Exception:
        return None


def read_sheet(wb, title: str, errors: list[str]) -> Sheet:
    """The coded columns and the non-empty data rows of one sheet, streamed.

    Formula cells and cells over the length limit go to `errors` (each named `sheet!B7`
    with its column's header); too many rows or columns stop the reading at once.
    """
    ws = wb[title]
    declared = _declared_rows(ws)
    if declared is not None and declared > MAX_ROWS + FIRST_ROW - 1:
        raise _too_many(title, declared - FIRST_ROW + 1)
    ws.reset_dimensions()  # read every row, whatever the sheet declares; the limit stops it
    codes: list[str | None] = []
    labels: dict[str, str] = {}
    letters: dict[str, str] = {}
    rows: list[Row] = []
    try:
        for n, cells in enumerate(ws.iter_rows(), start=1):
            if len(cells) > MAX_COLUMNS:
                raise SheetError(
                    [f"{title}: 有 {len(cells)} 列，超过 {MAX_COLUMNS} 列的上限 (too many columns)"]
                )
            if n == 1:
                codes = [c.value if isinstance(c.value, str) else None for c in cells]
                continue
            if n == 2:
                labels = {
                    code: str(c.value) if c.value is not None else code
                    for code, c in zip(codes, cells, strict=False)
                    if code
                }
                letters = {code: get_column_letter(i + 1) for i, code in enumerate(codes) if code}
                continue
            if n - FIRST_ROW >= MAX_ROWS:
                if any(c.value not in (None, "") for c in cells):
                    raise _too_many(title, MAX_ROWS + 1)
                continue
            row = _row(title, n, codes, labels, letters, cells, errors)
            if row is not None:
                rows.append(row)
    except SheetError:
        raise
    except Exception as e:
        raise _unreadable(e) from None
    return Sheet(title, codes, labels, rows)


def _too_many(title: str, count: int) -> SheetError:
    return SheetError(
        [
            f"{title}: 有 {count} 行以上数据，超过 {MAX_ROWS} 行的上限 (too many rows)"
            " (提示: 一个单位一个工作簿；请检查是否粘贴了多余的行)"
        ]
    )


def _row(title: str, n: int, codes, labels, letters, cells, errors: list[str]) -> Row | None:
    row = Row(title, n, labels=labels, letters=letters)
    filled = False
    for i, cell in enumerate(cells):
        value = cell.value
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            continue
        code = codes[i] if i < len(codes) else None
        filled = filled or code is not None
        coordinate = getattr(cell, "coordinate", f"{i + 1}:{n}")
        header = labels.get(code, code) if code else "（无列代码）"
        if cell.data_type == "f":
            row.bad.add(code or "")
            errors.append(
                f"{where(title, coordinate)}: 不能填写公式 (a formula cell)"
                f" (提示: 在“{header}”列直接填写数值或文字；复制时用“选择性粘贴 → 数值”)"
            )
            continue
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            row.bad.add(code or "")
            errors.append(
                f"{where(title, coordinate)}: 内容有 {len(value)} 字，超过 {MAX_CELL_CHARS} 字的上限"
                f"（开头：{shown(value)}） (cell too long) (提示: 缩短“{header}”列的内容)"
            )
            continue
        if code:
            row.values[code] = value
            row.cells[code] = coordinate
    return row if filled else None
