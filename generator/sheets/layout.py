"""What a clerk's workbook looks like: its sheets, columns, labels and limits.

Shared by the export and the import, so that what one writes the other reads. Every data
sheet has the same frame: row 1 holds the column codes (grey, for the import), row 2 the
Chinese headers, data from row 3. A hidden `_meta` sheet says which record the workbook
belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import CadreError
from ..labels import CATEGORY_LABELS, RATER_GROUPS, UNGRADED_REASONS, VOTE_LABELS

# Appraisal workbooks: one sheet per staff category, in this order (each has its own items).
CATEGORY_SHEETS = {c: CATEGORY_LABELS[c] for c in ("staff", "deputy", "principal")}
POINTS_SHEET = "积分"
META_SHEET = "_meta"
FIRST_ROW = 3  # rows 1 and 2 are the codes and the headers

# Limits, checked before a workbook is read whole (file, parts) or while it streams (rows,
# cells). A unit's sheet holds at most a few thousand rows; the longest text a record takes
# is 2,000 characters (`common.schema.json` text).
MAX_FILE_BYTES = 20 * 2**20
MAX_PART_BYTES = 100 * 2**20  # any one part of the .xlsx (a zip), unpacked
MAX_ROWS = 10_000  # data rows of one sheet (a record file holds at most 1 MB)
MAX_COLUMNS = 200
MAX_CELL_CHARS = 2_000
SHOWN_CHARS = 20  # no message quotes more of a cell than this


class SheetError(CadreError):
    """The workbook is not one this tool exported, or its cells are wrong; carries every message."""

    exit_code = 1

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages

    def lines(self) -> list[str]:
        return self.messages


@dataclass(frozen=True)
class Column:
    code: str  # machine key in row 1: person, name, results.r01, democratic.own_unit.raters, ...
    label: str  # the Chinese header in row 2, which every message names
    kind: str = "number"  # id, name, number, count, text, choice, class
    maximum: Decimal | None = None


PERSON = Column("person", "人员编号", "id")
NAME = Column("name", "姓名", "name")


def appraisal_columns(template: dict) -> list[Column]:
    """The columns of one category's sheet: the template's items, the tallies, the report."""
    cols = [PERSON, NAME]
    for part, prefix in (("results", "实绩"), ("daily", "日常")):
        cols += [
            Column(
                f"{part}.{i['id']}",
                f"{prefix}·{i['name']}（≤{i['max']}）",
                "number",
                Decimal(str(i["max"])),
            )
            for i in template[part]
        ]
    for g, gname in RATER_GROUPS.items():
        cols += [
            Column(f"democratic.{g}.{v}", f"测评·{gname}·{vname}", "count")
            for v, vname in VOTE_LABELS.items()
        ]
    cols.append(Column("report", "工作实绩报告摘要（公示）", "text"))
    cols.append(Column("ungraded", "不定等次原因", "choice"))
    return cols


POINTS_COLUMNS = [
    PERSON,
    NAME,
    Column("class", "积分类别", "class"),
    Column("points", "分值", "number", Decimal(100)),
    Column("reason", "事由（公示）", "text"),
]
POINTS_LIMIT = Decimal(100)  # points run from -100 to 100 (points.schema.json)

# Record keys and the sheet's words for them, so that a message about the record reads in
# the clerk's terms (a hint saying `ungraded` names the column 不定等次原因).
SHEET_WORDS = {
    "ungraded": "“不定等次原因”列",
    "results": "“实绩”各列",
    "daily": "“日常”各列",
    "democratic": "“测评”各列",
    "report": "“工作实绩报告摘要（公示）”列",
    "class": "“积分类别”列",
    "points": "“分值”列",
    "reason": "“事由（公示）”列",
    "person": "“人员编号”列",
}


def class_labels(policy: dict) -> dict[str, str]:
    """The policy's points classes, code to Chinese name (积分类别 as the sheet shows them)."""
    return {c["id"]: c["name"] for c in policy["points"]["classes"]}


def ungraded_labels() -> dict[str, str]:
    return dict(UNGRADED_REASONS)


def shown(value) -> str:
    """A cell's value as a message may quote it: at most a short prefix, on one line."""
    text = str(value).replace("\r", " ").replace("\n", " ")
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[:SHOWN_CHARS]}…（共 {len(text)} 字）"


def where(sheet: str, coordinate: str) -> str:
    return f"{sheet}!{coordinate}"
