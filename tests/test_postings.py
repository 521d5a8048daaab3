"""O1: posting periods in working days, and which postings exist on a given day.

Every expected date below is counted by hand on the calendar, the start day counted as the
first working day when it is one (see generator/postings.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.pipeline import check_files
from generator.repository import read_tree
from generator.rules.postings import compute_postings, is_working_day, posting_end

MINI = Path(__file__).parent / "fixtures" / "mini" / "records"
D = dt.date.fromisoformat

# 2026 Spring Festival as the State Council set it: 15-23 February off (the weekdays among
# them are holidays), Saturday 14 and Saturday 28 February worked instead.
SPRING_HOLIDAYS = frozenset(
    D(d)
    for d in ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23"]
)
SPRING_WORKDAYS = frozenset({D("2026-02-14"), D("2026-02-28")})
NEW_YEAR = frozenset({D("2026-01-01")})


@pytest.mark.parametrize(
    ("start", "days", "holidays", "workdays", "end", "why"),
    [
        ("2026-01-20", 5, frozenset(), frozenset(), "2026-01-26", "Tue: Tue Wed Thu Fri, then Mon"),
        ("2026-01-23", 5, frozenset(), frozenset(), "2026-01-29", "Fri: Fri, Mon Tue Wed Thu"),
        (
            "2026-01-24",
            5,
            frozenset(),
            frozenset(),
            "2026-01-30",
            "Sat: counting starts Mon 26, ends Fri 30",
        ),
        ("2026-01-25", 5, frozenset(), frozenset(), "2026-01-30", "Sun: the same as Sat"),
        (
            "2025-12-29",
            5,
            NEW_YEAR,
            frozenset(),
            "2026-01-05",
            "Mon 29 Tue 30 Wed 31, Thu 1 off, Fri 2, Mon 5",
        ),
        (
            "2025-12-31",
            5,
            NEW_YEAR,
            frozenset(),
            "2026-01-07",
            "Wed 31, Thu 1 off, Fri 2, Mon 5 Tue 6 Wed 7",
        ),
        (
            "2026-01-01",
            1,
            NEW_YEAR,
            frozenset(),
            "2026-01-02",
            "starts on a holiday: the next working day",
        ),
        ("2026-01-20", 1, frozenset(), frozenset(), "2026-01-20", "one day: the start day itself"),
        (
            "2026-02-12",
            5,
            SPRING_HOLIDAYS,
            SPRING_WORKDAYS,
            "2026-02-25",
            "Thu 12 Fri 13 Sat 14 (worked), 15-23 off, Tue 24 Wed 25",
        ),
        ("2026-02-27", 2, SPRING_HOLIDAYS, SPRING_WORKDAYS, "2026-02-28", "Fri 27, Sat 28 worked"),
        (
            "2026-01-20",
            10,
            frozenset(),
            frozenset(),
            "2026-02-02",
            "two weeks: Tue 20 ... Mon 2 Feb",
        ),
    ],
)
def test_posting_end_counts_working_days(start, days, holidays, workdays, end, why):
    assert posting_end(D(start), days, holidays, workdays) == D(end), why


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-01-19", True),  # Monday
        ("2026-01-24", False),  # Saturday
        ("2026-01-25", False),  # Sunday
        ("2026-02-17", False),  # Tuesday, a listed holiday
        ("2026-02-14", True),  # Saturday, a listed working day
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(D(day), SPRING_HOLIDAYS, SPRING_WORKDAYS) is working


DECIDED_CASE = b"""id: case-001
person: hx-002
incidents: [i-002]
verification: {date: 2025-12-10}
proposal: {date: 2025-12-20, outcome: non_leadership_post}
decision: {date: 2025-12-31, body: county_committee, reference: test-3, meeting: county-meeting-1, vote: {present: 7, for: 6, against: 1, abstain: 0}, outcome: non_leadership_post}
"""


def _postings(as_of: str, **replace: bytes) -> dict[str, dict]:
    files = read_tree(MINI)
    files.update(replace)
    checked = check_files(files, D(as_of))
    return {p["id"]: p for p in compute_postings(checked.records, D(as_of), {})}


def test_mini_postings_have_periods_contact_and_sources():
    postings = _postings("2026-01-20")
    assert list(postings) == ["points-2025-12-hexi", "appraisal-2025-hexi"]  # by start day
    appraisal = postings["appraisal-2025-hexi"]
    # Appraisal dated Tue 2026-01-20, 5 working days: Tue, Wed, Thu, Fri, Mon 26.
    assert (appraisal["start"], appraisal["end"], appraisal["open"]) == (
        "2026-01-20",
        "2026-01-26",
        True,
    )
    assert (
        appraisal["kind"] == "appraisal"
        and appraisal["unit"] == "hexi"
        and appraisal["year"] == 2025
    )
    assert appraisal["title"] == "河西镇2025年度绩效考核结果公示"
    assert appraisal["contact"] == {
        "office": "测试县委组织部干部监督室",
        "phone": "0745-6212380",
        "address": "测试县人民路1号",
    }
    assert appraisal["sources"] == ["records/appraisals/2025/hexi.yaml", "records/policy/2025.yaml"]
    points = postings["points-2025-12-hexi"]
    # Points dated Mon 2026-01-05: Mon to Fri 9 January; closed by the 20th.
    assert (points["end"], points["open"], points["month"]) == ("2026-01-09", False, 12)


@pytest.mark.parametrize(
    ("as_of", "open_"),
    [("2026-01-05", True), ("2026-01-09", True), ("2026-01-10", False), ("2026-01-12", False)],
)
def test_a_posting_is_open_through_its_last_day(as_of, open_):
    assert _postings(as_of)["points-2025-12-hexi"]["open"] is open_


def test_a_record_dated_after_the_as_of_date_is_not_posted_yet():
    assert "appraisal-2025-hexi" not in _postings("2026-01-19")


@pytest.mark.parametrize(
    ("as_of", "posted"),
    [("2025-12-30", False), ("2025-12-31", True)],
)
def test_a_case_is_posted_from_its_decision_on(as_of, posted):
    postings = _postings(as_of, **{"cases/case-001.yaml": DECIDED_CASE})
    assert ("decision-case-001" in postings) is posted
    if posted:
        p = postings["decision-case-001"]
        # Wed 31 Dec, Thu 1 Jan is a holiday in the policy, Fri 2, Mon 5, Tue 6, Wed 7.
        assert (p["start"], p["end"], p["year"], p["unit"]) == (
            "2025-12-31",
            "2026-01-07",
            2025,
            "hexi",
        )
        assert p["sources"] == ["records/cases/case-001.yaml", "records/policy/2025.yaml"]


def test_a_case_without_a_decision_is_never_posted():
    assert not [p for p in _postings("2026-01-20") if p.startswith("decision-")]
