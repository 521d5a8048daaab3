"""The results JSON as a whole: stable order, same bytes from the same records."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(autouse=True)
def in_the_demo_county(demo_repo, monkeypatch):
    """`cadre compute` as a user runs it: from the county's folder, with its default paths."""
    monkeypatch.chdir(demo_repo)


def test_results_are_identical_from_run_to_run(cli, monkeypatch):
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    first = cli("compute")
    assert first.exit_code == 0, first.output
    assert cli("compute").output == first.output


def test_appraisals_are_ordered_by_year_unit_pool_and_numeric_rank(cli):
    results = json.loads(cli("compute").output)
    keys = [
        (a["year"], a["unit"], a["pool"], a["rank"] is None, a["rank"] or 0, a["person"])
        for a in results["appraisals"]
    ]
    assert keys == sorted(keys)
    assert any(
        a["rank"] and a["rank"] >= 10 for a in results["appraisals"]
    )  # the order is tested past 9


def test_year_option_keeps_only_that_years_outcomes(cli):
    everything = json.loads(cli("compute").output)
    only = json.loads(cli("compute", "--year", "2024").output)
    assert {a["year"] for a in only["appraisals"]} == {2024}
    assert len(only["appraisals"]) == sum(1 for a in everything["appraisals"] if a["year"] == 2024)
    assert all(a["effective"].startswith("2024-") for a in only["actions"])
    assert {p["year"] for p in only["postings"]} == {2024}
    assert only["as_of"] == everything["as_of"] and only["source"] == everything["source"]


def test_results_json_puts_one_record_on_a_line(cli):
    """Readable and greppable: each appraisal, action or month of points on a line of its own."""
    text = cli("compute").output
    results = json.loads(text)
    lines = {line.rstrip(",") for line in text.splitlines()}
    for appraisal in results["appraisals"]:
        assert "    " + json.dumps(appraisal, ensure_ascii=False) in lines
    for month in results["points"]["months"]:
        assert "      " + json.dumps(month, ensure_ascii=False) in lines
    assert text.startswith("{\n") and text.endswith("\n}\n")
