"""`cadre new`: the next free id, the right folder, and a skeleton that validates once filled."""

from __future__ import annotations

import pytest

from generator.scaffold import next_id


@pytest.mark.parametrize(
    "existing, prefix, expected",
    [
        (["hx-001", "hx-002", "hx-010"], "hx-", "hx-011"),
        (["hx-001", "qs-020"], "hx-", "hx-002"),
        ([], "case-", "case-001"),
        (["2025-07", "2025-12"], "2025-", "2025-13"),
    ],
)
def test_next_id_follows_the_highest_number_and_its_width(existing, prefix, expected):
    assert next_id(existing, prefix) == expected


def test_new_person_is_blank_until_filled_then_valid(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    assert cli("new", "person", "--unit", "hexi").exit_code == 0
    path = mini_repo / "records/people/hx-005.yaml"
    result = cli("validate")
    assert (
        result.exit_code == 1
        and "records/people/hx-005.yaml:5:6: name: 此项未填写" in result.output
    )
    text = path.read_text(encoding="utf-8")
    for blank, value in [
        ("name:  ", "name: 孙立  "),
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


def test_new_incident_goes_to_its_year_folder(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    assert cli("new", "incident", "--person", "hx-003", "--year", "2025").exit_code == 0
    assert (mini_repo / "records/incidents/2025/i-003.yaml").exists()
    assert cli("new", "person", "--unit", "nowhere").exit_code == 2
