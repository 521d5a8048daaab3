"""The import refuses a workbook whole: each problem named by its cell and column, nothing written."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

import generator.sheets.reader as reader

NEWCOMER = """\
id: hx-005
name: 孙立
gender: male
birth_date: 1992-05-06
employment: cadre
status: active
history:
  - {{post: 科员, unit: hexi, rank: clerk, category: staff, start: {start}}}
"""


@pytest.fixture
def repo(mini_repo, monkeypatch):
    monkeypatch.chdir(mini_repo)
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    return mini_repo


def snapshot(repo: Path) -> dict:
    return {p: p.read_bytes() for p in (repo / "records").rglob("*") if p.is_file()}


def export(cli, month: int | None = None) -> Path:
    args = ["export", "sheet", "--unit", "hexi", "--year", "2025", "--out", "w.xlsx"]
    assert cli(*args, *(["--month", str(month)] if month else [])).exit_code == 0
    return Path("w.xlsx").resolve()


def edit(path: Path, sheet: str, cells: dict) -> None:
    wb = load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(path)


def refused(cli, repo: Path, path: Path) -> str:
    """Import, expecting a refusal that leaves every record as it was; the message lines."""
    before = snapshot(repo)
    result = cli("import", "sheet", str(path))
    assert result.exit_code == 1, result.output
    assert "未写入任何文件" in result.output
    assert "Traceback" not in result.output
    assert snapshot(repo) == before
    return result.output


def test_a_name_that_is_not_the_ids_person(repo, cli):
    path = export(cli, 12)
    # the natural mistake: copy a row, change the name, forget the id; and a good edit beside it
    edit(path, "积分", {"A4": "hx-003", "B4": "王建国", "C4": "工作实绩", "D4": 2, "E4": "值班"})
    edit(path, "积分", {"D3": 6})
    out = refused(cli, repo, path)
    assert "w.xlsx:积分!B4: 姓名“王建国”不是人员 hx-003 的姓名" in out
    assert (
        "(提示: “姓名”列应为 hx-003 的姓名 赵小明；复制一行后改了姓名，也要改“人员编号”列)" in out
    )


def test_a_name_left_blank_is_refused_in_an_appraisal_sheet(repo, cli):
    path = export(cli)
    edit(path, "一般工作人员", {"B3": None})
    assert "一般工作人员!B3: 姓名为空" in refused(cli, repo, path)


@pytest.mark.parametrize(
    "start, month, words",
    [("2026-02-01", 12, "2025 年 12 月"), ("2025-12-15", 11, "2025 年 11 月")],
)
def test_a_person_not_in_the_unit_in_the_sheets_period(repo, cli, start, month, words):
    (repo / "records/people/hx-005.yaml").write_text(NEWCOMER.format(start=start), "utf-8")
    path = export(cli, month) if month != 11 else None
    if path is None:  # no November record: a sheet for it all the same
        path = export(cli, 12)
        wb = load_workbook(path)
        wb["_meta"]["B4"] = 11
        wb.save(path)
    edit(path, "积分", {"A4": "hx-005", "B4": "孙立", "C4": "工作实绩", "D4": 2, "E4": "值班"})
    out = refused(cli, repo, path)
    assert f"积分!A4: hx-005（孙立）{words}不在单位 hexi 任职" in out
    assert "“人员编号”列" in out


def _cached_formula(raw: bytes, ref: str, formula: str, cached: str) -> bytes:
    """The workbook with cell `ref` of its first sheet made a formula with a saved value, as
    Excel writes one (openpyxl writes formulas without)."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                cell = re.search(rf'<c r="{ref}"[^>]*>.*?</c>', text).group(0)
                text = text.replace(cell, f'<c r="{ref}"><f>{formula}</f><v>{cached}</v></c>')
                data = text.encode()
            dst.writestr(info, data)
    return out.getvalue()


def test_formula_cells_are_refused_with_or_without_a_saved_value(repo, cli):
    path = export(cli, 12)
    edit(path, "积分", {"D3": "=2+3"})  # no saved value: Excel never opened it
    assert "积分!D3: 不能填写公式" in refused(cli, repo, path)
    path = export(cli, 12)
    path.write_bytes(_cached_formula(path.read_bytes(), "D3", "2+3", "5"))
    out = refused(cli, repo, path)
    assert "积分!D3: 不能填写公式 (a formula cell) (提示: 在“分值”列直接填写数值或文字" in out


def test_a_label_that_is_not_a_points_class(repo, cli):
    path = export(cli, 12)
    edit(path, "积分", {"C3": "服务群众"})  # a class of the demo county, not of this policy
    out = refused(cli, repo, path)
    assert (
        "积分!C3: “服务群众”不是可选的值 (not one of the choices) (提示: “积分类别”列应为 工作实绩 / 作风纪律 之一)"
        in out
    )


def test_a_value_the_record_refuses_is_traced_to_its_cell(repo, cli):
    path = export(cli)
    # an invisible character pasted from a web page: the loader refuses it in the record
    ws = load_workbook(path)["一般工作人员"]
    report = next(c.column_letter for c in ws[1] if c.value == "report")
    edit(path, "一般工作人员", {f"{report}3": "按时完成\u200b交办任务。"})
    out = refused(cli, repo, path)
    assert re.search(
        rf"一般工作人员!{report}3: .*不可见或控制字符.*“工作实绩报告摘要（公示）”列", out
    ), out


def test_a_rule_without_a_cell_names_the_row_in_the_sheets_words(repo, cli):
    (repo / "records/people/hx-005.yaml").write_text(NEWCOMER.format(start="2025-03-01"), "utf-8")
    path = export(cli)  # hx-005 now has a row, empty; fill one item only
    wb = load_workbook(path)
    ws = wb["一般工作人员"]
    row = next(r for r in range(3, 10) if ws.cell(r, 1).value == "hx-005")
    ws.cell(row, 3, 40)
    wb.save(path)
    out = refused(cli, repo, path)
    assert f"一般工作人员!A{row}（hx-005 这一行）: A1: 缺少 “日常”各列 得分" in out
    assert "(提示: 不定等次的人员请填写 “不定等次原因”列)" in out
    assert f"一般工作人员!A{row}（hx-005 这一行）: A1: 缺少小项 r02（服务群众）" in out
    assert "ungraded" not in out


def _rows(path: Path, n: int) -> None:
    wb = load_workbook(path)
    ws = wb["积分"]
    for r in range(3, 3 + n):
        for c, v in enumerate(["hx-003", "赵小明", "工作实绩", 1, f"第{r}项"], start=1):
            ws.cell(r, c, v)
    wb.save(path)


def test_too_many_rows_are_refused_before_the_sheet_is_read(repo, cli, monkeypatch):
    path = export(cli, 12)
    _rows(path, 5)
    monkeypatch.setattr(reader, "MAX_ROWS", 4)
    read = []
    monkeypatch.setattr(reader, "_row", lambda *a: read.append(a))
    out = refused(cli, repo, path)
    assert "积分: 有 5 行以上数据，超过 4 行的上限" in out
    assert read == []  # the declared size was enough


def test_a_sheet_that_declares_no_size_is_counted_only_up_to_the_limit(repo, cli, monkeypatch):
    exported = load_workbook(export(cli, 12))
    wb = Workbook(write_only=True)  # writes no <dimension>, unlike Excel
    ws = wb.create_sheet("积分")
    for row in exported["积分"].iter_rows(max_row=2, values_only=True):
        ws.append(row)
    for n in range(50):
        ws.append(["hx-003", "赵小明", "工作实绩", 1, f"第{n}项"])
    meta = wb.create_sheet("_meta")
    for row in exported["_meta"].iter_rows(values_only=True):
        meta.append(row)
    wb.save("big.xlsx")
    monkeypatch.setattr(reader, "MAX_ROWS", 10)
    opened = []
    monkeypatch.setattr(reader, "load_workbook", lambda *a, **k: opened.append(a))
    out = refused(cli, repo, Path("big.xlsx"))
    assert re.search(r"big\.xlsx:积分: 有 \d+ 行以上数据，超过 10 行的上限", out), out
    assert opened == []


def test_a_long_cell_is_refused_and_quoted_only_by_its_start(repo, cli):
    path = export(cli, 12)
    edit(path, "积分", {"E3": "很长" * 2_500})
    out = refused(cli, repo, path)
    assert (
        "积分!E3: 内容有 5000 字，超过 2000 字的上限（开头：很长很长很长很长很长很长很长很长很长很长…（共 5000 字））"
        in out
    )
    assert max(len(line) for line in out.splitlines()) < 200


def test_a_workbook_over_the_file_or_part_limit_is_refused_unopened(repo, cli, monkeypatch):
    path = export(cli, 12)
    opened = []
    monkeypatch.setattr(reader, "load_workbook", lambda *a, **k: opened.append(a))
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1024)
    assert "超过 0 MB 的上限 (workbook over the size limit)" in refused(cli, repo, path)
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 2**30)
    monkeypatch.setattr(reader, "MAX_PART_BYTES", 100)
    assert "解压后有" in refused(cli, repo, path)
    assert opened == []


def test_a_workbook_not_made_by_cadre_or_not_a_workbook(repo, cli):
    Path("x.xlsx").write_bytes(b"not a zip")
    assert "无法读取工作簿" in refused(cli, repo, Path("x.xlsx"))
    Workbook().save("plain.xlsx")
    assert "不是本工具导出的工作簿" in refused(cli, repo, Path("plain.xlsx"))


def test_bad_numbers_are_all_named_at_once(repo, cli):
    path = export(cli)
    edit(path, "一般工作人员", {"C3": 61, "D3": "三十", "E3": -1, "F3": 1.234})
    out = refused(cli, repo, path)
    assert "一般工作人员!C3: 超过上限 60" in out
    assert "一般工作人员!D3: “三十”不是数字" in out
    assert "一般工作人员!E3: 不能为负数" in out
    assert "一般工作人员!F3: 最多两位小数" in out
