"""`cadre new`: the id of the convention, the right folder, and a skeleton that validates once filled."""

from __future__ import annotations

import pytest

from generator.ids import case_id, fits_name, incident_id, person_id, person_stem
from generator.scaffold import next_id


@pytest.mark.parametrize(
    "existing, prefix, expected",
    [
        (["hx-001", "hx-002", "hx-010"], "hx-", "hx-011"),
        (["hx-001", "qs-020"], "hx-", "hx-002"),
        ([], "case-", "case-001"),
    ],
)
def test_next_id_follows_the_highest_number_and_its_width(existing, prefix, expected):
    assert next_id(existing, prefix) == expected


@pytest.mark.parametrize(
    "name, taken, expected",
    [
        ("陈建华", set(), "chen-jianhua"),
        ("陈建华", {"chen-jianhua"}, "chen-jianhua-2"),
        ("陈建华", {"chen-jianhua", "chen-jianhua-2"}, "chen-jianhua-3"),
        ("欧阳晓", set(), "ouyang-xiao"),  # a compound surname stays together
        ("覃振华", set(), "qin-zhenhua"),  # read as a surname, not tan
        ("曾凡宇", set(), "zeng-fanyu"),
        ("吕明", set(), "lv-ming"),
    ],
)
def test_a_persons_id_is_the_pinyin_of_the_name(name, taken, expected):
    assert person_id(name, taken) == expected


@pytest.mark.parametrize(
    "ident, name, fits",
    [
        ("chen-jianhua", "陈建华", True),
        ("chen-jianhua-2", "陈建华", True),
        ("chen-jianhua-1", "陈建华", False),  # a clash starts at -2
        ("chenjianhua", "陈建华", False),  # surname and given name apart
        ("tan-zhenhua", "覃振华", True),  # any reading of a heteronym is the person's own
        ("lu-ming", "吕明", True),
        ("wang-jianguo", "李建国", False),  # a row copied and renamed
        ("hx-003", "赵小明", False),
    ],
)
def test_a_person_id_fits_its_name_or_not(ident, name, fits):
    assert fits_name(ident, name) is fits


def test_incidents_and_cases_take_the_prefix_their_year_and_the_next_number():
    existing = ["qx-2025-01", "qx-2025-07", "sq-2025-09", "qx-tz-2025-02"]
    assert incident_id("qx", 2025, existing) == "qx-2025-08"
    assert incident_id("qx", 2026, existing) == "qx-2026-01"
    assert case_id("qx", 2025, existing) == "qx-tz-2025-03"
    assert case_id("qx", 2026, existing) == "qx-tz-2026-01"
    assert person_stem("阿依古丽·买买提") == "a-yigulimaimaiti"


def test_new_person_is_blank_until_filled_then_valid(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    assert cli("new", "person", "--unit", "hexi", "--name", "孙立").exit_code == 0
    path = mini_repo / "records/people/sun-li.yaml"
    result = cli("validate")
    assert (
        result.exit_code == 1
        and "records/people/sun-li.yaml:6:8: gender: 此项未填写" in result.output
    )
    text = path.read_text(encoding="utf-8")
    assert "name: 孙立\n" in text
    for blank, value in [
        ("gender:  ", "gender: male  "),
        ("birth_date:  ", "birth_date: 1992-05-06  "),
        ("  - post:  ", "  - post: 科员  "),
        ("    rank:  ", "    rank: clerk  "),
        ("    start:  ", "    start: 2026-01-05  "),
    ]:
        text = text.replace(blank, value, 1)
    path.write_text(text, encoding="utf-8")
    result = cli("validate")
    assert result.exit_code == 0, result.output
    # a namesake gets -2
    assert cli("new", "person", "--unit", "hexi", "--name", "孙立").exit_code == 0
    assert (mini_repo / "records/people/sun-li-2.yaml").exists()


def test_new_incident_and_case_are_named_by_their_own_date(cli, tmp_path, monkeypatch):
    import shutil

    from tests.conftest import REPO

    shutil.copytree(REPO / "records", tmp_path / "records")
    monkeypatch.chdir(tmp_path)
    # zeng-fanyu is in 青溪镇 (prefix qx), whose 2025 incident is qx-2025-01
    result = cli("new", "incident", "--person", "zeng-fanyu", "--date", "2026-03-02")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "records/incidents/2026/qx-2026-01.yaml").read_text(encoding="utf-8")
    assert "id: qx-2026-01\nperson: zeng-fanyu\ndate: 2026-03-02" in text
    # a case opened in 2026 is a 2026 case, whatever the last case's year
    assert cli("new", "case", "--person", "zeng-fanyu", "--date", "2026-03-09").exit_code == 0
    assert (tmp_path / "records/cases/qx-tz-2026-01.yaml").exists()
    assert cli("new", "case", "--person", "zeng-fanyu", "--date", "2025-12-30").exit_code == 0
    assert (tmp_path / "records/cases/qx-tz-2025-02.yaml").exists()


def test_new_refuses_what_it_cannot_name(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    assert cli("new", "person", "--unit", "nowhere", "--name", "孙立").exit_code == 2
    result = cli("new", "person", "--unit", "hexi")
    assert result.exit_code == 2 and "--name" in result.output
    result = cli("new", "incident", "--person", "hx-003")
    assert result.exit_code == 2 and "--date" in result.output
    assert cli("new", "incident", "--person", "hx-003", "--date", "2026-13-01").exit_code == 2


def test_the_demo_follows_the_convention_and_a_stray_id_is_warned(cli, tmp_path, monkeypatch):
    import shutil

    from tests.conftest import REPO

    shutil.copytree(REPO / "records", tmp_path / "records")
    monkeypatch.chdir(tmp_path)
    assert "0 warning(s)" in cli("validate").output
    people = tmp_path / "records/people"
    text = (people / "chen-jianhua.yaml").read_text(encoding="utf-8")
    (people / "chen-jianhua.yaml").unlink()
    (people / "wang-jianhua.yaml").write_text(
        text.replace("id: chen-jianhua", "id: wang-jianhua"), encoding="utf-8"
    )
    cases = tmp_path / "records/cases"
    text = (cases / "qx-tz-2025-01.yaml").read_text(encoding="utf-8")
    (cases / "qx-tz-2025-01.yaml").unlink()
    (cases / "tz-2025-06.yaml").write_text(text.replace("qx-tz-2025-01", "tz-2025-06"), "utf-8")
    out = cli("validate").output
    assert (
        "records/people/wang-jianhua.yaml:2:5: id: 人员编号应为姓名的拼音，例如 chen-jianhua" in out
    )
    assert "records/cases/tz-2025-06.yaml:2:5: id: 编号应为 qx-tz-2025-序号" in out
