"""Excel for clerks: export, fill, import; only what the clerk changed changes in git."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.pipeline import check_dir, open_source
from generator.sheets import CATEGORY_SHEETS, export_appraisal, export_points, import_workbook
from tests.conftest import REPO


def fill(path, sheet, person, values: dict):
    wb = load_workbook(path)
    ws = wb[sheet]
    codes = [c.value for c in ws[1]]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == person)
    for code, value in values.items():
        ws.cell(row, codes.index(code) + 1, value)
    wb.save(path)
    return row, codes


def test_export_has_one_sheet_per_category_with_its_items_and_limits(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    result = cli("export", "sheet", "--unit", "hexi", "--year", "2025")
    assert result.exit_code == 0, result.output
    # By default into exports/ beside the records, which git ignores; the command says where.
    path = mini_repo / "exports" / "hexi-2025.xlsx"
    assert str(path) in result.output
    wb = load_workbook(path)
    assert [n for n in wb.sheetnames if n != "_meta"] == list(CATEGORY_SHEETS.values())
    staff = wb["一般工作人员"]
    codes = [c.value for c in staff[1]]
    assert codes[:6] == ["person", "name", "results.r01", "results.r02", "daily.d01", "daily.d02"]
    assert [staff.cell(r, 1).value for r in (3, 4)] == ["hx-003", "hx-004"]
    assert staff.cell(3, 3).value == 50  # prefilled from the record
    # hx-004 is ungraded: the reason shows as its Chinese label
    assert staff.cell(4, codes.index("ungraded") + 1).value == "正在接受调查"
    limits = {
        str(dv.sqref).split(":")[0]: dv.formula2
        for dv in staff.data_validations.dataValidation
        if dv.type == "decimal"
    }
    assert limits["C3"] == "60" and limits["D3"] == "40"  # r01 max 60, r02 max 40 (staff)
    assert wb["_meta"].sheet_state == "hidden"


def test_exports_are_ignored_by_git():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/exports/" in ignored and "*.xlsx" in ignored


def test_points_classes_show_their_names_and_a_name_imports_as_its_code(
    mini_repo, cli, monkeypatch
):
    monkeypatch.chdir(mini_repo)
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    cli("export", "sheet", "--unit", "hexi", "--year", "2025", "--month", "12", "--out", "p.xlsx")
    wb = load_workbook(mini_repo / "p.xlsx")
    ws = wb["积分"]
    assert [ws.cell(3, c).value for c in range(1, 6)] == [
        "hx-003",
        "赵小明",
        "工作实绩",
        5,
        "完成年终统计",
    ]
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists == ['"工作实绩,作风纪律"']
    for col, value in enumerate(["hx-002", "李秀兰", "作风纪律", -2, "会议迟到"], start=1):
        ws.cell(4, col, value)
    wb.save(mini_repo / "p.xlsx")
    result = cli("import", "sheet", "p.xlsx")
    assert result.exit_code == 0, result.output
    text = (mini_repo / "records/points/2025/12/hexi.yaml").read_text(encoding="utf-8")
    # the new person's item in the file's own (flow) style, the class by its code
    assert text.endswith(
        "  - person: hx-002\n    items:\n      - {class: conduct, points: -2, reason: 会议迟到}\n"
    )
    assert cli("validate").exit_code == 0


def test_one_cell_changes_one_line_and_the_score_follows(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    target = mini_repo / "records/appraisals/2025/hexi.yaml"
    before = target.read_text(encoding="utf-8")
    cli("export", "sheet", "--unit", "hexi", "--year", "2025", "--out", "s.xlsx")
    fill(mini_repo / "s.xlsx", "一般工作人员", "hx-003", {"results.r01": 55.5})
    result = cli("import", "sheet", "s.xlsx")
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert changed == [("    results: {r01: 50, r02: 30}", "    results: {r01: 55.5, r02: 30}")]
    assert cli("validate").exit_code == 0
    computed = json.loads(cli("compute").output)
    hx3 = next(a for a in computed["appraisals"] if a["person"] == "hx-003")
    # results (55.5 + 30) = 85.5; daily 85; democratic 84: 0.8x85.5 + 8.5 + 8.4 = 85.30
    assert hx3["total"] == "85.30"


def test_an_unchanged_workbook_writes_nothing(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    target = mini_repo / "records/appraisals/2025/hexi.yaml"
    stamp = target.stat().st_mtime_ns
    cli("export", "sheet", "--unit", "hexi", "--year", "2025", "--out", "s.xlsx")
    result = cli("import", "sheet", "s.xlsx")
    assert result.exit_code == 0 and "没有变化" in result.output
    assert target.stat().st_mtime_ns == stamp


# ---------------------------------------------------------------- the demo county, every sheet


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A copy of the demo records, checked once, shared by the round trips below."""
    root = tmp_path_factory.mktemp("demo")
    shutil.copytree(REPO / "records", root / "records")
    source = open_source(root / "records")
    source.cache = None
    return root, source, check_dir(source)


def _workbooks(checked):
    rec = checked.records
    for year, unit in sorted(rec.appraisals):
        yield f"appraisals/{year}/{unit}.yaml", export_appraisal(rec, unit, year), "appraisal"
    for year, month, unit in sorted(rec.points):
        yield (
            f"points/{year}/{month:02d}/{unit}.yaml",
            export_points(rec, unit, year, month),
            "points",
        )


def test_every_demo_sheet_round_trips_unchanged(demo):
    root, source, checked = demo
    before = {p: p.read_bytes() for p in (root / "records").rglob("*.yaml")}
    seen = set()
    for rel, raw, kind in _workbooks(checked):
        imported = import_workbook(source, checked, raw)
        assert imported.new is None, rel  # nothing to write
        assert imported.target == root / "records" / rel
        seen.add(kind)
    assert seen == {"appraisal", "points"}
    assert {p: p.read_bytes() for p in (root / "records").rglob("*.yaml")} == before


def _edit_first_number(raw: bytes) -> tuple[bytes, object]:
    """The workbook with its first numeric data cell raised by 1 (kept within the maximum)."""
    wb = load_workbook(io.BytesIO(raw))
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=3):
        for cell in row[2:]:
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                old = cell.value
                cell.value = old - 1 if old >= 1 else old + 1
                out = io.BytesIO()
                wb.save(out)
                return out.getvalue(), (old, cell.value)
    raise AssertionError("no number to edit")


@pytest.mark.parametrize("unit", ["nongji-zhongxin", "nongyeju", "qingxi-zhen", "shiqiao-zhen"])
def test_one_edited_cell_changes_one_line_of_every_demo_unit(demo, unit):
    root, source, checked = demo
    rec = checked.records
    for raw, rel in (
        (export_appraisal(rec, unit, 2025), f"appraisals/2025/{unit}.yaml"),
        (export_points(rec, unit, 2025, 12), f"points/2025/12/{unit}.yaml"),
    ):
        edited, (old, new) = _edit_first_number(raw)
        imported = import_workbook(source, checked, edited)
        before = (root / "records" / rel).read_text(encoding="utf-8").splitlines()
        after = imported.new.decode("utf-8").splitlines()
        assert len(before) == len(after)
        changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
        assert len(changed) == 1, (rel, changed)
        (a, b) = changed[0]
        assert a.rsplit(": ", 1)[1] == f"{old}" and b.rsplit(": ", 1)[1] == f"{new:g}"


# ---------------------------------------------------------------- no formula ever


PLANTED = [
    '=HYPERLINK("http://example.invalid","点此")',
    "+1+2",
    "-3+4",
    "@SUM(1)",
    "=cmd|' /C calc'!A0",
]


def _plant(repo: Path) -> None:
    points = repo / "records/points/2025/12/hexi.yaml"
    items = "".join(
        f"      - {{class: work, points: 1, reason: {json.dumps(t, ensure_ascii=False)}}}\n"
        for t in PLANTED
    )
    points.write_text(points.read_text(encoding="utf-8") + items, encoding="utf-8")
    appraisal = repo / "records/appraisals/2025/hexi.yaml"
    text = appraisal.read_text(encoding="utf-8")
    text = text.replace("report: 按时完成交办任务。", f"report: {json.dumps(PLANTED[4])}")
    appraisal.write_text(text, encoding="utf-8")


def test_exported_workbooks_hold_no_formula_whatever_the_records_say(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    _plant(mini_repo)
    assert cli("validate").exit_code == 0
    cli("export", "sheet", "--unit", "hexi", "--year", "2025", "--month", "12", "--out", "p.xlsx")
    cli("export", "sheet", "--unit", "hexi", "--year", "2025", "--out", "a.xlsx")
    texts = []
    for name in ("p.xlsx", "a.xlsx"):
        wb = load_workbook(mini_repo / name)  # formulas are read as formulas (data_only=False)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (name, ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        texts.append(cell.value)
    assert all(t in texts for t in PLANTED)  # kept, as text
    # ...and the text goes back unchanged: nothing to write
    for name in ("p.xlsx", "a.xlsx"):
        result = cli("import", "sheet", name)
        assert result.exit_code == 0 and "没有变化" in result.output, result.output
