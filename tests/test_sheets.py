"""Excel for clerks: export, fill, import, validate, compute; comments and untouched values survive."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from generator.sheets import CATEGORY_SHEETS


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
    assert (
        cli("export", "sheet", "--unit", "hexi", "--year", "2025", "--out", "s.xlsx").exit_code == 0
    )
    wb = load_workbook(mini_repo / "s.xlsx")
    assert [n for n in wb.sheetnames if n != "_meta"] == list(CATEGORY_SHEETS.values())
    staff = wb["一般工作人员"]
    codes = [c.value for c in staff[1]]
    assert codes[:6] == ["person", "name", "results.r01", "results.r02", "daily.d01", "daily.d02"]
    assert [staff.cell(r, 1).value for r in (3, 4)] == ["hx-003", "hx-004"]
    assert staff.cell(3, 3).value == 50  # prefilled from the record
    limits = {
        str(dv.sqref).split(":")[0]: dv.formula2
        for dv in staff.data_validations.dataValidation
        if dv.type == "decimal"
    }
    assert (
        limits["C3"] == "60" and limits["D3"] == "40"
    )  # r01 max 60, r02 max 40 in the staff template
    assert wb["_meta"].sheet_state == "hidden"


def test_round_trip_keeps_comments_and_changes_only_the_filled_cells(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    target = mini_repo / "records/appraisals/2025/hexi.yaml"
    before = target.read_text(encoding="utf-8")
    cli("export", "sheet", "--unit", "hexi", "--year", "2025", "--out", "s.xlsx")
    fill(mini_repo / "s.xlsx", "一般工作人员", "hx-003", {"results.r01": 55.5})
    result = cli("import", "sheet", "s.xlsx")
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    assert after.startswith("# 测试考核录入\n")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert changed == [("    results: {r01: 50, r02: 30}", "    results: {r01: 55.5, r02: 30}")]
    assert cli("validate").exit_code == 0
    computed = json.loads(cli("compute").output)
    hx3 = next(a for a in computed["appraisals"] if a["person"] == "hx-003")
    # results (55.5 + 30) = 85.5; daily 85; democratic 84: 0.8x85.5 + 8.5 + 8.4 = 85.30
    assert hx3["total"] == "85.30"


def test_bad_cells_are_named_and_nothing_is_written(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    target = mini_repo / "records/appraisals/2025/hexi.yaml"
    before = target.read_bytes()
    cli("export", "sheet", "--unit", "hexi", "--year", "2025", "--out", "s.xlsx")
    row, codes = fill(
        mini_repo / "s.xlsx", "一般工作人员", "hx-003", {"results.r01": 61, "results.r02": "三十"}
    )
    result = cli("import", "sheet", "s.xlsx")
    assert result.exit_code == 1
    assert f"一般工作人员!C{row}: 超过满分 60" in result.output
    assert f"一般工作人员!D{row}: 应为数字" in result.output
    assert target.read_bytes() == before


def test_points_sheet_round_trip(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    assert (
        cli(
            "export",
            "sheet",
            "--unit",
            "hexi",
            "--year",
            "2025",
            "--month",
            "12",
            "--out",
            "p.xlsx",
        ).exit_code
        == 0
    )
    wb = load_workbook(mini_repo / "p.xlsx")
    ws = wb["积分"]
    assert [ws.cell(3, c).value for c in range(1, 6)] == [
        "hx-003",
        "赵小明",
        "work",
        5,
        "完成年终统计",
    ]
    for col, value in enumerate(["hx-002", "", "conduct", -2, "会议迟到"], start=1):
        ws.cell(4, col, value)
    wb.save(mini_repo / "p.xlsx")
    result = cli("import", "sheet", "p.xlsx")
    assert result.exit_code == 0, result.output
    text = (mini_repo / "records/points/2025/12/hexi.yaml").read_text(encoding="utf-8")
    assert "- {class: conduct, points: -2, reason: 会议迟到}" in text
    assert cli("validate").exit_code == 0


def test_a_file_that_is_not_a_workbook_is_refused(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    (mini_repo / "x.xlsx").write_bytes(b"not a zip")
    result = cli("import", "sheet", "x.xlsx")
    assert result.exit_code == 1 and "无法读取工作簿" in result.output
