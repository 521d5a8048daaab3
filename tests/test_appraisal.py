"""A1-A7: scores, grades within pools, consequences. Every expected number is worked by hand.

The policy used here (`policy()`) sets every parameter these rules read: weights 0.8 / 0.1
/ 0.1; items r01 (max 60) and r02 (max 40), d01 and d02 (max 50 each); points per vote
100 / 80 / 60 / 0; group weights own unit 0.4, superiors 0.3, related units 0.15, service
recipients 0.15; pools by unit and category; 优秀 at most 20% and at least 85 points;
基本称职 below 70; 不称职 below 60; at least 6 months in post; 12 months without promotion;
6 months on trial; ranks clerk < staff_member < deputy_section < section.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from generator.checks.appraisal import check_decisions, check_restrictions
from generator.dates import add_months
from generator.loader import load_bytes
from generator.pipeline import check_files
from generator.rules.consequences import CLAUSES, consequences
from generator.rules.scoring import (
    Member,
    component_score,
    compute_appraisals,
    democratic_score,
    excellent_limit,
    excellent_quota,
    grade_pool,
    months_in_post,
    score_grade,
    total_score,
)

D = Decimal
WEIGHTS = {"results": 0.8, "daily": 0.1, "democratic": 0.1}
DEMOCRATIC = {
    "points": {"excellent": 100, "competent": 80, "basically_competent": 60, "incompetent": 0},
    "groups": {
        "own_unit": 0.4,
        "superiors": 0.3,
        "related_units": 0.15,
        "service_recipients": 0.15,
    },
}
GRADING = {
    "pool": ["unit", "category"],
    "excellent_share": 0.2,
    "excellent_min": 85,
    "basically_competent_below": 70,
    "incompetent_below": 60,
    "min_months_in_post": 6,
    "publish_scores": True,
}
TEMPLATE = {
    "results": [
        {"id": "r01", "name": "工作任务", "max": 60},
        {"id": "r02", "name": "服务群众", "max": 40},
    ],
    "daily": [
        {"id": "d01", "name": "出勤", "max": 50},
        {"id": "d02", "name": "纪律作风", "max": 50},
    ],
}
MINI = Path(__file__).parent / "fixtures" / "mini"
RANKS = ["clerk", "staff_member", "deputy_section", "section", "deputy_division", "division"]


def policy(year: int, **grading) -> dict:
    """The fixture policy with every parameter of A1-A7 set here, where the tests can see it."""
    base = load_bytes("p.yaml", (MINI / "records/policy/2025.yaml").read_bytes()).data
    p = copy.deepcopy(base)
    p["year"] = year
    p["weights"] = WEIGHTS
    p["democratic"] = DEMOCRATIC
    p["grading"] = GRADING | grading
    p["consequences"] = {"no_promotion_months": 12, "trial_months": 6, "deduction_share": 0.1}
    p["templates"] = {c: {"name": c, **TEMPLATE} for c in ("staff", "deputy", "principal")}
    p["ranks"] = [{"id": r, "name": r} for r in RANKS]
    return p


def unit(uid: str) -> dict:
    return {
        "id": uid,
        "name": "测试单位",
        "kind": "township",
        "establishment": 50,
        "leader_posts": 5,
        "principal_leaders": [],
    }


def stint(post: str, unit: str, rank: str, start: str, end=None, category="staff") -> dict:
    out = {"post": post, "unit": unit, "rank": rank, "category": category, "start": start}
    return out | ({"end": end} if end else {})


def person(pid: str, unit: str = "east", rank: str = "staff_member", history=None) -> dict:
    history = history or [stint("科员", unit, rank, "2015-01-01")]
    for s in history:
        s.setdefault("category", "staff")
    return {
        "id": pid,
        "name": "张三",
        "gender": "male",
        "birth_date": "1985-01-01",
        "employment": "cadre",
        "status": "active",
        "history": history,
    }


def tally(raters: int, excellent=0, competent=0, basically_competent=0, incompetent=0) -> dict:
    return {
        "raters": raters,
        "excellent": excellent,
        "competent": competent,
        "basically_competent": basically_competent,
        "incompetent": incompetent,
    }


def entry(pid: str, results, daily, **groups) -> dict:
    return {
        "person": pid,
        "results": {"r01": results[0], "r02": results[1]},
        "daily": {"d01": daily[0], "d02": daily[1]},
        "democratic": groups,
    }


# Score profiles, each total worked out from A1 with the weights above.
def excellent(pid):  # 0.8 x 95 + 0.1 x 100 + 0.1 x 100 = 96.00
    return entry(pid, (58, 37), (50, 50), own_unit=tally(10, excellent=10))


def competent(
    pid,
):  # results 80, daily 85, democratic (2x100 + 8x80) / 10 = 84: 64 + 8.5 + 8.4 = 80.90
    return entry(pid, (50, 30), (45, 40), own_unit=tally(10, excellent=2, competent=8))


def basic(pid):  # 0.8 x 70 + 0.1 x 50 + 0.1 x 80 = 69.00, below 70
    return entry(pid, (40, 30), (25, 25), own_unit=tally(10, competent=10))


def failing(pid):  # 0.8 x 40 + 0.1 x 50 + 0.1 x 0 = 37.00, below 60
    return entry(pid, (30, 10), (25, 25), own_unit=tally(10, incompetent=10))


def appraisal_file(year: int, uid: str, date: str, entries: list[dict]) -> dict:
    return {"year": year, "unit": uid, "date": date, "entries": entries}


def files_of(
    people: list[dict], appraisals: list[dict], years=(2024, 2025), **grading
) -> dict[str, bytes]:
    files = {f"policy/{y}.yaml": policy(y, **grading) for y in years}
    files |= {f"units/{u}.yaml": unit(u) for u in ("east", "west")}
    files |= {f"people/{p['id']}.yaml": p for p in people}
    files |= {f"appraisals/{a['year']}/{a['unit']}.yaml": a for a in appraisals}
    return {k: json.dumps(v, ensure_ascii=False).encode() for k, v in files.items()}


def appraise(files: dict[str, bytes], as_of: str = "2026-03-31", forced=None):
    """A1-A7 as the pipeline runs them, with the grades F rules force given by the test:
    (appraisals, actions, alerts, the findings of the A rules before and after computing)."""
    checked = check_files(files, dt.date.fromisoformat(as_of))
    others = [f for f in checked.findings if f.severity == "error" and f.rule[0] != "A"]
    assert others == []
    rec = checked.records
    appraisals, alerts = compute_appraisals(rec, checked.as_of, forced or {})
    actions, more = consequences(appraisals, rec)
    results = {"appraisals": appraisals, "actions": actions}
    after = check_decisions(rec, results) + check_restrictions(rec, results, checked.as_of)
    findings = [f for f in checked.findings + after if f.rule[0] == "A"]
    return appraisals, actions, alerts + more, findings


def by_person(appraisals: list[dict], year: int = 2025) -> dict[str, dict]:
    return {a["person"]: a for a in appraisals if a["year"] == year}


def kinds(actions: list[dict], pid: str) -> list[tuple[str, str, str, str | None]]:
    return sorted(
        (a["rule"], a["type"], a["effective"], a["until"]) for a in actions if a["person"] == pid
    )


# ---------------------------------------------------------------- A1


@pytest.mark.parametrize(
    ("results", "daily", "groups", "expected"),
    [
        # results 56 + 39 = 95; daily 50 + 48 = 98; democratic: own unit (8x100 + 2x80)/10 = 96,
        # superiors 3x100/3 = 100, weights 0.4 and 0.3 rescaled: 68.4 / 0.7 = 97.714 -> 97.71;
        # total 0.8x95 + 0.1x98 + 0.1x97.71 = 76 + 9.8 + 9.771 = 95.571 -> 95.57
        (
            (56, 39),
            (50, 48),
            {"own_unit": tally(10, 8, 2), "superiors": tally(3, 3)},
            ("95.00", "98.00", "97.71", "95.57"),
        ),
        # daily 49.65 + 48 = 97.65; total 76 + 9.765 + 9.6 = 95.365: half-up gives 95.37
        # (rounding half to even would give 95.36)
        (
            (56, 39),
            (49.65, 48),
            {"own_unit": tally(10, 8, 2)},
            ("95.00", "97.65", "96.00", "95.37"),
        ),
        # results 33.3 + 33.3 = 66.6; daily 0 + 0; democratic 60: 53.28 + 0 + 6 = 59.28
        (
            (33.3, 33.3),
            (0, 0),
            {"related_units": tally(4, basically_competent=4)},
            ("66.60", "0.00", "60.00", "59.28"),
        ),
    ],
)
def test_a1_total_is_the_weighted_sum_of_rounded_components(results, daily, groups, expected):
    e = entry("p1", results, daily, **groups)
    components = {
        "results": component_score(e["results"]),
        "daily": component_score(e["daily"]),
        "democratic": democratic_score(e["democratic"], DEMOCRATIC),
    }
    got = [str(components[c]) for c in ("results", "daily", "democratic")]
    assert got + [str(total_score(components, WEIGHTS))] == list(expected)
    files = files_of([person("p1")], [appraisal_file(2025, "east", "2026-01-20", [e])])
    (a,) = appraise(files)[0]
    assert list(a["components"].values()) + [a["total"]] == list(expected)


# ---------------------------------------------------------------- A2


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        # every group: 0.4x90 + 0.3x80 + 0.15x60 + 0.15x50 = 36 + 24 + 9 + 7.5
        (
            {
                "own_unit": tally(10, excellent=5, competent=5),
                "superiors": tally(4, competent=4),
                "related_units": tally(5, basically_competent=5),
                "service_recipients": tally(2, excellent=1, incompetent=1),
            },
            "76.50",
        ),
        # superiors omitted, service recipients all abstaining: own unit 96 and related 70
        # share the weight 0.4 + 0.15: (0.4x96 + 0.15x70) / 0.55 = 48.9 / 0.55 = 88.909
        (
            {
                "own_unit": tally(10, excellent=8, competent=2),
                "related_units": tally(4, competent=2, basically_competent=2),
                "service_recipients": tally(5),
            },
            "88.91",
        ),
        # 6 of 10 abstain: (3x100 + 1x0) / 4 votes = 75, not 300 / 10 = 30
        ({"own_unit": tally(10, excellent=3, incompetent=1)}, "75.00"),
        # a lone group takes the whole weight: (100 + 2x80) / 3 = 86.667
        ({"superiors": tally(3, excellent=1, competent=2)}, "86.67"),
    ],
)
def test_a2_democratic_score(groups, expected):
    assert str(democratic_score(groups, DEMOCRATIC)) == expected


def test_a2_no_votes_at_all_is_an_error_and_leaves_the_person_ungraded():
    e = entry("p1", (50, 30), (45, 40), own_unit=tally(10), superiors=tally(3))
    files = files_of([person("p1")], [appraisal_file(2025, "east", "2026-01-20", [e])])
    (a,), _, _, findings = appraise(files)
    assert (a["grade"], a["reason"], a["total"]) == ("ungraded", "incomplete", None)
    assert [(f.rule, f.severity) for f in findings] == [("A2", "error")]


DEPUTY_TEMPLATE = {
    "name": "班子副职",
    "results": [{"id": "l01", "name": "班子建设", "max": 100}],
    "daily": [{"id": "d01", "name": "出勤", "max": 100}],
}


def moved_to_deputy(how: str) -> dict[str, bytes]:
    """p1 moved from staff to deputy on 2025-08-01; the deputies have a template of their own.

    The 2024 entry uses the staff items, the 2025 entry the deputy items (results 80, daily
    85, democratic (2 x 100 + 8 x 80) / 10 = 84: 0.8 x 80 + 0.1 x 85 + 0.1 x 84 = 80.90).
    """
    history = [
        stint("科员", "east", "staff_member", "2015-01-01", "2025-08-01"),
        stint("副镇长", "east", "deputy_division", "2025-08-01", category="deputy"),
    ]
    as_deputy = {
        "person": "p1",
        "results": {"l01": 80},
        "daily": {"d01": 85},
        "democratic": {"own_unit": tally(10, excellent=2, competent=8)},
    }
    files = files_of(
        [person("p1", history=history)],
        [
            appraisal_file(2024, "east", "2025-01-20", [competent("p1")]),
            appraisal_file(2025, "east", "2026-01-20", [as_deputy]),
        ],
    )
    for year in (2024, 2025):
        p = policy(year, category_at=how)
        p["templates"]["deputy"] = DEPUTY_TEMPLATE
        files[f"policy/{year}.yaml"] = json.dumps(p, ensure_ascii=False).encode()
    return files


def test_a1_a_past_year_is_appraised_on_the_template_of_the_category_then_held():
    appraisals, _, _, findings = appraise(moved_to_deputy("year_end"))
    got = {a["year"]: (a["category"], a["pool"], a["total"]) for a in appraisals}
    # 2024 as staff (results 80, daily 85, democratic 84: 80.90); 2025 at the year's end a deputy
    assert got == {2024: ("staff", "east/staff", "80.90"), 2025: ("deputy", "east/deputy", "80.90")}
    assert findings == []


def test_a1_with_the_longest_category_a_late_move_is_appraised_in_the_earlier_one():
    # 1 January to 31 July as staff (212 days) against 1 August to 31 December as deputy
    # (153 days): 2025 is appraised on the staff template, which has no item l01
    _, _, _, findings = appraise(moved_to_deputy("longest"))
    assert {(f.path, f.rule, f.severity) for f in findings} == {
        ("records/appraisals/2025/east.yaml", "A1", "error")
    }
    assert any("l01" in f.message for f in findings)


# ---------------------------------------------------------------- A3


@pytest.mark.parametrize(
    ("size", "share", "quota"),
    [(1, 0.2, 0), (4, 0.2, 0), (5, 0.2, 1), (9, 0.2, 1), (10, 0.2, 2), (11, 0.2, 2), (9, 0.25, 2)],
)
def test_a3_excellent_quota_rounds_down(size, share, quota):
    assert excellent_quota(size, share) == quota
    # everyone well above the minimum, all totals different: exactly the quota is 优秀
    members = [Member(f"p{i:02}", D(99 - i), D(99 - i), D(90), D(90)) for i in range(size)]
    outcomes = grade_pool(members, GRADING | {"excellent_share": share}).outcomes
    assert [o.grade for o in outcomes.values()].count("excellent") == quota


def test_a3_minimum_score_leaves_a_slot_empty():
    # pool of 10: 2 slots, but the second best is below 85
    totals = ["90.00", "84.99", "80", "79", "78", "77", "76", "75", "74", "73"]
    members = [Member(f"p{i}", D(t), D(t), D(80), D(80)) for i, t in enumerate(totals)]
    outcomes = grade_pool(members, GRADING).outcomes
    assert [outcomes[f"p{i}"].grade for i in range(2)] == ["excellent", "competent"]


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("70.00", "competent"),
        ("69.99", "basically_competent"),
        ("60.00", "basically_competent"),
        ("59.99", "incompetent"),
        ("0.00", "incompetent"),
    ],
)
def test_a3_thresholds(total, grade):
    assert score_grade(D(total), GRADING) == grade


LOWER = [Member(f"z{i}", D(t), D(t), D(80), D(80)) for i, t in enumerate(("80", "75", "70"))]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # (total, results, democratic, daily); A wins at the level named
        # results: 0.8x95 + 6 + 6 = 88 against 0.8x90 + 6 + 10 = 88
        (("88.00", "95", "60", "60"), ("88.00", "90", "60", "100")),
        # democratic before daily: 72 + 10 + 8 = 90 against 72 + 8 + 10 = 90
        (("90.00", "90", "100", "80"), ("90.00", "90", "80", "100")),
        # daily: 72 + 9 + 9.004 = 90.004 and 72 + 9 + 9 = 90 both round to 90.00
        (("90.00", "90", "90", "90.04"), ("90.00", "90", "90", "90.00")),
    ],
)
def test_a3_ties_broken_by_results_then_democratic_then_daily(a, b):
    # pool of 5: one slot
    def member(pid, t):
        return Member(pid, D(t[0]), results=D(t[1]), democratic=D(t[2]), daily=D(t[3]))

    outcomes = grade_pool([member("b", b), member("a", a), *LOWER], GRADING).outcomes
    assert (outcomes["a"].grade, outcomes["a"].rank) == ("excellent", 1)
    assert (outcomes["b"].grade, outcomes["b"].rank) == ("competent", 2)


def tie_files(decisions: dict[str, dict] | None = None, **grading):
    """Pool of 5 (one slot): p1 and p2 equal on every score, three others lower."""
    entries = [excellent("p1"), excellent("p2")] + [competent(f"p{i}") for i in (3, 4, 5)]
    for e in entries:
        if decisions and e["person"] in decisions:
            e["decision"] = decisions[e["person"]]
    people = [person(f"p{i}") for i in range(1, 6)]
    return files_of(people, [appraisal_file(2025, "east", "2026-01-20", entries)], **grading)


def decision(grade: str) -> dict:
    return {"grade": grade, "reference": "东考委〔2026〕1号", "date": "2026-01-18"}


def test_a3_exact_tie_at_the_boundary_waits_for_a_committee_decision():
    appraisals, _, alerts, _ = appraise(tie_files())
    a = by_person(appraisals)
    for pid in ("p1", "p2"):
        assert (a[pid]["grade"], a[pid]["rank"], a[pid]["pending_decision"]) == (
            "competent",
            1,
            True,
        )
    assert [(x["type"], x["person"], x["rule"]) for x in alerts] == [
        ("tie_needs_decision", "p1", "A3"),
        ("tie_needs_decision", "p2", "A3"),
    ]
    assert "excellent" not in {x["grade"] for x in appraisals}  # the slot is not passed down


@pytest.mark.parametrize(
    "decisions",
    [
        {"p1": decision("excellent"), "p2": decision("competent")},
        {"p1": decision("excellent")},  # the one slot is filled: p2 is 称职 without a decision
    ],
)
def test_a3_committee_decision_settles_the_tie(decisions):
    appraisals, _, alerts, findings = appraise(tie_files(decisions))
    a = by_person(appraisals)
    assert (a["p1"]["grade"], a["p1"]["decision"]["reference"]) == (
        "excellent",
        "东考委〔2026〕1号",
    )
    assert a["p2"]["grade"] == "competent" and "pending_decision" not in a["p2"]
    assert ("decision" in a["p2"]) == ("p2" in decisions)
    assert alerts == [] and findings == []


def test_a3_decisions_beyond_the_quota_are_errors_and_settle_nothing():
    files = tie_files({"p1": decision("excellent"), "p2": decision("excellent")})
    appraisals, _, _, findings = appraise(files)
    assert {a["grade"] for a in appraisals if a["person"] in ("p1", "p2")} == {"competent"}
    assert [(f.rule, f.severity) for f in findings] == [("A3", "error"), ("A3", "error")]


def test_a3_decision_without_a_tie_is_not_used():
    entries = [competent("p1")]
    entries[0]["decision"] = decision("excellent")
    files = files_of([person("p1")], [appraisal_file(2025, "east", "2026-01-20", entries)])
    (a,), _, _, findings = appraise(files)
    assert a["grade"] == "competent" and "decision" not in a
    assert [(f.rule, f.severity) for f in findings] == [("A3", "warning")]


def test_a3_forced_grade_overrides_the_score_and_frees_the_slot():
    # pool of 5, one slot: p1 has the best score but F3 forces 不称职; p2 (0.8x95 + 10 + 8.4
    # = 94.40) takes the slot
    p2 = entry("p2", (58, 37), (50, 50), own_unit=tally(10, excellent=2, competent=8))
    entries = [excellent("p1"), p2] + [competent(f"p{i}") for i in (3, 4, 5)]
    people = [person(f"p{i}") for i in range(1, 6)]
    files = files_of(people, [appraisal_file(2025, "east", "2026-01-20", entries)])
    forced = {("p1", 2025): [{"grade": "incompetent", "rule": "F3", "basis": {}}]}
    appraisals, actions, _, _ = appraise(files, forced=forced)
    a = by_person(appraisals)
    assert (a["p1"]["grade"], a["p1"]["forced_by"], a["p1"]["rank"]) == (
        "incompetent",
        ["F3"],
        1,
    )
    assert (a["p2"]["grade"], a["p2"]["total"]) == ("excellent", "94.40")
    assert {x["rule"] for x in actions if x["person"] == "p1"} == {"A6"}


def test_a3_forced_grade_overrides_ungraded_under_investigation():
    entries = [{"person": "p1", "ungraded": {"reason": "under_investigation"}}]
    files = files_of([person("p1")], [appraisal_file(2025, "east", "2026-01-20", entries)])
    forced = {("p1", 2025): [{"grade": "incompetent", "rule": "F5", "basis": {}}]}
    (a,), *_ = appraise(files, forced=forced)
    assert (a["grade"], a["forced_by"], a["total"], a["rank"]) == (
        "incompetent",
        ["F5"],
        None,
        None,
    )


@pytest.mark.parametrize(
    ("base", "grade"),
    [
        # 5 take part in the appraisal, one of them not graded (under investigation):
        # 20% of the 5 appraised is 1, so p1 (the best score, 85 or more) is 优秀 ...
        ("appraised", "excellent"),
        # ... while 20% of the 4 graded rounds down to 0, and nobody is.
        ("graded", "competent"),
    ],
)
def test_a3_the_excellent_limit_is_a_share_of_the_base_the_policy_names(base, grade):
    entries = [excellent("p1")] + [competent(f"p{i}") for i in (2, 3, 4)]
    entries.append({"person": "p5", "ungraded": {"reason": "under_investigation"}})
    people = [person(f"p{i}") for i in range(1, 6)]
    appraisals = [appraisal_file(2025, "east", "2026-01-20", entries)]
    files = files_of(people, appraisals, excellent_base=base)
    a = by_person(appraise(files)[0])
    assert a["p1"]["grade"] == grade
    # the one not graded is left out of the ranking either way
    assert (a["p5"]["grade"], a["p5"]["reason"], a["p5"]["rank"]) == (
        "ungraded",
        "under_investigation",
        None,
    )


def test_a3_excellent_limit_defaults_to_everyone_appraised():
    assert excellent_limit(5, 4, {"excellent_share": 0.2}) == (1, 5)
    assert excellent_limit(5, 4, {"excellent_share": 0.2, "excellent_base": "graded"}) == (0, 4)


@pytest.mark.parametrize(
    ("history", "months"),
    [
        ([("east", "2015-01-01", None)], 12),
        ([("east", "2025-07-01", None)], 6),  # July to December
        ([("east", "2025-07-02", None)], 5),  # one day short of half a year
        ([("east", "2010-01-01", "2025-07-01")], 6),  # left on 1 July
        ([("east", "2020-01-01", "2025-03-01"), ("west", "2025-03-01", None)], 12),  # transfer
        # separate periods: 1 Jan - 15 Mar gives 2 months, 10 Sep - 31 Dec gives 3
        ([("east", "2025-01-01", "2025-03-15"), ("west", "2025-09-10", None)], 5),
        ([("east", "2026-02-01", None)], 0),
    ],
)
def test_months_in_post(history, months):
    stints = [{"unit": u, "start": s} | ({"end": e} if e else {}) for u, s, e in history]
    assert months_in_post(stints, 2025) == months


@pytest.mark.parametrize(
    ("start", "grade"), [("2025-07-01", "competent"), ("2025-07-02", "ungraded")]
)
def test_a3_less_than_min_months_in_post_is_ungraded(start, grade):
    p = person(
        "p1", history=[{"post": "科员", "unit": "east", "rank": "staff_member", "start": start}]
    )
    files = files_of([p], [appraisal_file(2025, "east", "2026-01-20", [competent("p1")])])
    (a,), *_ = appraise(files)
    assert a["grade"] == grade
    if grade == "ungraded":
        assert (a["reason"], a["months_in_post"]) == ("short_tenure", 5)
        assert a["sources"] == ["records/appraisals/2025/east.yaml", "records/people/p1.yaml"]


def test_appraisal_posted_after_as_of_is_not_yet_decided():
    files = files_of([person("p1")], [appraisal_file(2025, "east", "2026-01-20", [basic("p1")])])
    assert appraise(files, as_of="2026-01-19")[:2] == ([], [])


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-01-20", 12, "2027-01-20"),
        ("2025-08-31", 6, "2026-02-28"),  # no 31 February: the month's last day
        ("2023-08-31", 6, "2024-02-29"),  # leap year
        ("2025-12-31", 2, "2026-02-28"),
        ("2025-11-15", 3, "2026-02-15"),
        ("2026-01-31", 0, "2026-01-31"),
    ],
)
def test_add_months_end_of_month_rule(day, months, expected):
    assert add_months(dt.date.fromisoformat(day), months).isoformat() == expected


# ---------------------------------------------------------------- A4-A7


def test_a5_basically_competent():
    files = files_of([person("p1")], [appraisal_file(2025, "east", "2026-01-20", [basic("p1")])])
    (a,), actions, _, _ = appraise(files)
    assert a["grade"] == "basically_competent"
    assert kinds(actions, "p1") == [
        ("A5", "admonishment_talk", "2026-01-20", None),
        ("A5", "bonus_cancelled", "2026-01-20", None),
        ("A5", "no_promotion", "2026-01-20", "2027-01-20"),  # 12 months
    ]
    for x in actions:
        assert x["basis"] == {
            "policy": 2025,
            "clause": CLAUSES["A5"],
            "sources": ["records/appraisals/2025/east.yaml"],
        }
    assert "基本称职" in CLAUSES["A5"] and "一年内不得晋升职务" in CLAUSES["A5"]


@pytest.mark.parametrize(
    ("date", "trial_months", "until"),
    [("2026-01-20", 6, "2026-07-20"), ("2026-01-31", 1, "2026-02-28")],
)
def test_a6_incompetent(date, trial_months, until):
    files = files_of([person("p1")], [appraisal_file(2025, "east", date, [failing("p1")])])
    p = json.loads(files["policy/2025.yaml"])
    p["consequences"]["trial_months"] = trial_months
    files["policy/2025.yaml"] = json.dumps(p).encode()
    (a,), actions, alerts, _ = appraise(files)
    assert a["grade"] == "incompetent"
    assert kinds(actions, "p1") == [
        ("A6", "admonishment_talk", date, None),
        ("A6", "bonus_cancelled", date, None),
        ("A6", "demotion", date, None),
        ("A6", "trial", date, until),
    ]
    (demote,) = [x for x in actions if x["type"] == "demotion"]
    assert (demote["level"], demote["from_rank"], demote["to_rank"]) == (
        "rank",
        "staff_member",
        "clerk",
    )
    assert demote["basis"]["clause"] == CLAUSES["A6"] and "降低一个职务或职级层次" in CLAUSES["A6"]
    assert alerts == []


def test_a6_at_the_lowest_rank_asks_for_a_decision():
    files = files_of(
        [person("p1", rank="clerk")], [appraisal_file(2025, "east", "2026-01-20", [failing("p1")])]
    )
    _, actions, alerts, _ = appraise(files)
    (demote,) = [x for x in actions if x["type"] == "demotion"]
    assert (demote["from_rank"], demote["to_rank"]) == ("clerk", None)
    assert [(x["rule"], x["type"], x["person"]) for x in alerts] == [
        ("A6", "demotion_needs_decision", "p1")
    ]


def moved(pid: str, rank: str = "staff_member") -> dict:
    """In east until 1 March 2025, in west since."""
    return person(
        pid,
        history=[
            {
                "post": "科员",
                "unit": "east",
                "rank": rank,
                "start": "2015-01-01",
                "end": "2025-03-01",
            },
            {"post": "科员", "unit": "west", "rank": rank, "start": "2025-03-01"},
        ],
    )


def test_a4_two_years_excellent_across_a_change_of_unit():
    appraisals = [
        appraisal_file(2024, "east", "2025-01-20", [excellent("p1")]),
        appraisal_file(2025, "west", "2026-01-20", [excellent("p1")]),
    ]
    # pools of one: a share of 1 lets the single person be 优秀
    files = files_of([moved("p1")], appraisals, excellent_share=1)
    result, actions, _, _ = appraise(files)
    assert [(a["year"], a["unit"], a["grade"]) for a in result] == [
        (2024, "east", "excellent"),
        (2025, "west", "excellent"),
    ]
    (a4,) = actions
    assert (a4["rule"], a4["type"], a4["effective"], a4["until"]) == (
        "A4",
        "reserve_priority",
        "2026-01-20",
        None,
    )
    assert a4["basis"]["sources"] == [
        "records/appraisals/2024/east.yaml",
        "records/appraisals/2025/west.yaml",
    ]


def test_a4_needs_consecutive_years():
    appraisals = [
        appraisal_file(2023, "east", "2024-01-20", [excellent("p1")]),
        appraisal_file(2025, "east", "2026-01-20", [excellent("p1")]),
    ]
    files = files_of([person("p1")], appraisals, years=(2023, 2025), excellent_share=1)
    assert appraise(files)[1] == []


def test_a7_two_years_incompetent_across_a_change_of_unit():
    appraisals = [
        appraisal_file(2024, "east", "2025-01-20", [failing("p1")]),
        appraisal_file(2025, "west", "2026-01-20", [failing("p1")]),
    ]
    # the demotion of 2025-01-20 recorded on 1 March, so no overdue warning
    p = person(
        "p1",
        history=[
            {
                "post": "科员",
                "unit": "east",
                "rank": "deputy_section",
                "start": "2015-01-01",
                "end": "2025-03-01",
            },
            {
                "post": "科员",
                "unit": "west",
                "rank": "staff_member",
                "start": "2025-03-01",
                "end": "2026-03-01",
            },
            {"post": "办事员", "unit": "west", "rank": "clerk", "start": "2026-03-01"},
        ],
    )
    _, actions, _, findings = appraise(files_of([p], appraisals))
    (a7,) = [x for x in actions if x["rule"] == "A7"]
    assert (a7["type"], a7["effective"], a7["basis"]["clause"]) == (
        "dismissal",
        "2026-01-20",
        CLAUSES["A7"],
    )
    assert a7["basis"]["sources"] == [
        "records/appraisals/2024/east.yaml",
        "records/appraisals/2025/west.yaml",
    ]
    demotions = [
        (x["year"], x["from_rank"], x["to_rank"]) for x in actions if x["type"] == "demotion"
    ]
    assert demotions == [(2024, "deputy_section", "staff_member"), (2025, "staff_member", "clerk")]
    assert findings == []


@pytest.mark.parametrize(
    ("recorded", "as_of", "warned"),
    [
        (None, "2026-01-20", False),  # the effective day itself: not yet overdue
        (None, "2026-01-21", True),
        ("2026-03-01", "2026-03-31", False),
    ],
)
def test_a6_demotion_not_recorded_after_its_effective_date_is_a_warning(recorded, as_of, warned):
    history = [{"post": "科员", "unit": "east", "rank": "staff_member", "start": "2015-01-01"}]
    if recorded:
        history[0]["end"] = recorded
        history.append({"post": "办事员", "unit": "east", "rank": "clerk", "start": recorded})
    files = files_of(
        [person("p1", history=history)],
        [appraisal_file(2025, "east", "2026-01-20", [failing("p1")])],
    )
    findings = appraise(files, as_of=as_of)[3]
    expected = [("records/people/p1.yaml", "A6", "warning")] if warned else []
    assert [(f.path, f.rule, f.severity) for f in findings] == expected


@pytest.mark.parametrize(
    ("promoted", "error"), [("2026-06-01", True), ("2027-01-20", True), ("2027-01-21", False)]
)
def test_a5_promotion_inside_the_no_promotion_period_is_an_error(promoted, error):
    # 基本称职 posted 2026-01-20: no promotion up to and including 2027-01-20
    history = [
        {
            "post": "科员",
            "unit": "east",
            "rank": "staff_member",
            "start": "2015-01-01",
            "end": promoted,
        },
        {"post": "副股长", "unit": "east", "rank": "deputy_section", "start": promoted},
    ]
    files = files_of(
        [person("p1", history=history)],
        [appraisal_file(2025, "east", "2026-01-20", [basic("p1")])],
    )
    findings = appraise(files, as_of="2027-03-01")[3]
    assert [(f.rule, f.severity) for f in findings] == ([("A5", "error")] if error else [])
