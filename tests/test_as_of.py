"""The as-of view: `--as-of D` shows the records as they stood on D.

Every event dated after D (appraisal and points postings, selections, incidents, case
steps) is left out of validation, computing and the site alike, with one warning for each
file left out or cut, never an error.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from generator.model import as_of_view, case_steps
from generator.pipeline import check_dir

D = "2025-01-15"


@pytest.fixture(scope="session")
def DEMO(demo_repo):
    """The demo county's records, in a copy of their own (see conftest.demo_repo)."""
    return demo_repo / "records"


@pytest.fixture(scope="module")
def early(tmp_path_factory, DEMO):
    """`cadre compute --as-of 2025-01-15` on the demo county, as a user runs it."""
    from click.testing import CliRunner

    from generator.cli import main

    out = tmp_path_factory.mktemp("asof") / "results.json"
    result = CliRunner().invoke(
        main, ["compute", "--records", str(DEMO), "--as-of", D, "--out", str(out)]
    )
    return result, json.loads(out.read_text(encoding="utf-8"))


def test_an_earlier_day_computes_without_errors(early):
    result, results = early
    assert result.exit_code == 0, result.output
    assert results["as_of"] == D
    assert [f for f in results["findings"] if f["severity"] == "error"] == []


def test_nothing_dated_after_the_day_is_listed(early):
    _, r = early
    dated = [a["date"] for a in r["appraisals"]]
    dated += [m["date"] for m in r["points"]["months"]]
    dated += [s["date"] for s in r["selections"]]
    dated += [p["start"] for p in r["postings"]]
    dated += [a["effective"] for a in r["actions"]]
    assert dated and max(dated) <= D
    # the demo's 2025 appraisals (posted 2026-01), October to December points and the 2025
    # selection are not there; the 2024 appraisals (posted 2025-01-10) are
    assert {a["year"] for a in r["appraisals"]} == {2024}
    assert r["points"]["months"] == [] and r["selections"] == []


def test_one_warning_for_each_file_left_out(early, DEMO):
    _, r = early
    later = [f for f in r["findings"] if f["rule"] == "as_of"]
    assert all(f["severity"] == "warning" for f in later)
    paths = [f["path"] for f in later]
    assert len(paths) == len(set(paths))
    rec = check_dir(DEMO).records
    expected = {
        d.path
        for group in ("appraisals", "points", "selections", "incidents")
        for d in getattr(rec, group).values()
        if d.data["date"] > D
    }
    expected |= {d.path for d in rec.cases.values() if max(case_steps(d.data).values()) > D}
    assert {p.replace(str(DEMO), "records") for p in paths} == {
        p.replace(str(DEMO), "records") for p in expected
    }


def test_a_case_keeps_only_the_steps_taken_by_then(DEMO):
    rec = check_dir(DEMO).records
    case = next(d for d in rec.cases.values() if "decision" in d.data)
    decided = case.data["decision"]["date"]
    day = dt.date.fromisoformat(decided) - dt.timedelta(days=1)
    view, warnings = as_of_view(rec, day)
    kept = view.cases.get(case.data["id"])
    # the day before its decision a case has no decision (and nothing after it)
    assert kept is None or "decision" not in kept.data
    assert case.path in {w.path for w in warnings}
    assert "decision" in case.data  # the record itself is untouched
