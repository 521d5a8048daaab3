"""T1-T4: terms, retirement, trial and probation, and the way back up.

Retirement dates are worked out by hand from the gradual schedule (DESIGN, policy
defaults): born before `from`, the base age; born in `from` or later, one month more for
each started block of `step_months` birth months, capped at `max_months`; the age is
reached on the birth date plus the age, clamped to the month's end, and the national table
names that month as the retirement time.
"""

from __future__ import annotations

import datetime as dt

import pytest

from generator.checks.tenure import check_tenure
from generator.loader import Document, load_bytes
from generator.model import Records
from generator.rules.tenure import (
    compute_tenure,
    probation_results,
    restrictions_ended,
    retirement_age_months,
    retirement_date,
    retirement_group,
    term_end,
)

AS_OF = dt.date(2026, 11, 25)

MALE = {"group": "male", "base_age": 60, "from": "1965-01", "step_months": 4, "max_months": 36}
FEMALE_CADRE = {
    "group": "female_cadre",
    "base_age": 55,
    "from": "1970-01",
    "step_months": 4,
    "max_months": 36,
}
FEMALE_WORKER = {
    "group": "female_worker",
    "base_age": 50,
    "from": "1975-01",
    "step_months": 2,
    "max_months": 60,
}

POLICY = {
    "terms": {"years": 5, "max_consecutive": 2, "notice_months": 6},
    "retirement": {"notice_months": 12, "schedules": [MALE, FEMALE_CADRE, FEMALE_WORKER]},
}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# ---------------------------------------------------------------- T2 retirement


@pytest.mark.parametrize(
    "schedule, birth, age, retires",
    [
        # men: born before 1965-01 retire at 60y0m
        (MALE, "1964-12-15", (60, 0), "2024-12-15"),
        # 1965-01 is month 0 of the schedule: 0 // 4 + 1 = 1 month; the national table's
        # example, born 1965-01, retires in 2025-02
        (MALE, "1965-01-10", (60, 1), "2025-02-10"),
        # 1965-04 is month 3: 3 // 4 + 1 = 1 month
        (MALE, "1965-04-30", (60, 1), "2025-05-30"),
        # 1965-05 is month 4: 4 // 4 + 1 = 2 months
        (MALE, "1965-05-20", (60, 2), "2025-07-20"),
        # 1965-11 is month 10: 10 // 4 + 1 = 3 months; 2026-02-30 does not exist: 2026-02-28
        (MALE, "1965-11-30", (60, 3), "2026-02-28"),
        # 1976-09 is month 140: 140 // 4 + 1 = 36, exactly the cap: 63y0m
        (MALE, "1976-09-01", (63, 0), "2039-09-01"),
        # 1976-12 is month 143: 143 // 4 + 1 = 36
        (MALE, "1976-12-31", (63, 0), "2039-12-31"),
        # long after: capped at 36 months
        (MALE, "1990-06-15", (63, 0), "2053-06-15"),
        # women cadres: 55, from 1970-01
        (FEMALE_CADRE, "1969-12-31", (55, 0), "2024-12-31"),
        # month 2: 2 // 4 + 1 = 1; the table's example, born 1970-03, retires in 2025-04
        (FEMALE_CADRE, "1970-03-15", (55, 1), "2025-04-15"),
        # women workers: 50, from 1975-01, one month per 2 birth months, up to 60
        (FEMALE_WORKER, "1975-02-10", (50, 1), "2025-03-10"),  # month 1: 1 // 2 + 1 = 1
        (FEMALE_WORKER, "1975-03-10", (50, 2), "2025-05-10"),  # month 2: 2 // 2 + 1 = 2
        # month 11: 11 // 2 + 1 = 6 -> 50y6m; 1975-12-31 + 606 months is 2026-06-30 (clamped)
        (FEMALE_WORKER, "1975-12-31", (50, 6), "2026-06-30"),
        (FEMALE_WORKER, "1984-12-05", (55, 0), "2039-12-05"),  # month 119: 59 + 1 = 60
        (FEMALE_WORKER, "1985-06-05", (55, 0), "2040-06-05"),  # month 125: 63, capped at 60
    ],
)
def test_t2_retirement_date_from_the_gradual_schedule(schedule, birth, age, retires):
    years, months = age
    assert retirement_age_months(d(birth), schedule) == years * 12 + months
    assert retirement_date(d(birth), schedule) == d(retires)


@pytest.mark.parametrize(
    "gender, employment, group",
    [
        ("male", "cadre", "male"),
        ("male", "worker", "male"),
        ("female", "cadre", "female_cadre"),
        ("female", "worker", "female_worker"),
    ],
)
def test_t2_retirement_group(gender, employment, group):
    assert retirement_group({"gender": gender, "employment": employment}) == group


# ---------------------------------------------------------------- records for compute_tenure


def person(
    pid: str,
    birth: str = "1980-01-01",
    gender: str = "male",
    status: str = "active",
    leader: bool = False,
    history: list[dict] | None = None,
    probation: list[dict] | None = None,
) -> Document:
    history = history or [
        {"post": "科员", "unit": "u1", "rank": "staff_member", "start": "2020-01-01"}
    ]
    for s in history:
        s.setdefault("category", "deputy" if leader else "staff")
    data = {
        "id": pid,
        "gender": gender,
        "birth_date": birth,
        "employment": "cadre",
        "status": status,
        "history": history,
    }
    if probation:
        data["probation"] = probation
    return Document(f"records/people/{pid}.yaml", data)


def records(*people: Document, policy: dict | None = None) -> Records:
    rec = Records()
    rec.policies[2026] = Document("records/policy/2026.yaml", policy or POLICY)
    for p in people:
        rec.people[p.data["id"]] = p
    return rec


def tenure(rec: Records, as_of: dt.date = AS_OF, actions: list[dict] | None = None):
    """T1-T4 as the pipeline runs them: (actions, alerts, findings of the T checks)."""
    actions, alerts = compute_tenure(rec, as_of, actions or [])
    return actions, alerts, check_tenure(rec, as_of)


def by_rule(items: list[dict], rule: str) -> list[tuple]:
    return [(i["person"], i["type"], i["date"]) for i in items if i["rule"] == rule]


@pytest.mark.parametrize(
    "birth, gender, alert",
    [
        # male born 1966-09-10: month 20 -> 20 // 4 + 1 = 6 -> 60y6m on 2027-03-10, within
        # 12 months of 2026-11-25 (up to 2027-11-25)
        ("1966-09-10", "male", ("retirement_due", "2027-03-10")),
        # male born 1967-06-10: month 29 -> 8 -> 60y8m on 2028-02-10: not yet
        ("1967-06-10", "male", None),
        # female cadre born 1971-06-25: month 17 -> 17 // 4 + 1 = 5 -> 55y5m on 2026-11-25,
        # the as-of date itself: due that day, not yet past it
        ("1971-06-25", "female", ("retirement_due", "2026-11-25")),
        # born five days earlier, the age was reached on 2026-11-20: still in post is past it
        # (the first of the next month, 2026-12-01, would have been a week late)
        ("1971-06-20", "female", ("retirement_overdue", "2026-11-20")),
        # male born 1965-08-01: month 7 -> 7 // 4 + 1 = 2 -> 60y2m on 2025-10-01: past
        ("1965-08-01", "male", ("retirement_overdue", "2025-10-01")),
    ],
)
def test_t2_retirement_alerts_and_the_error_for_people_still_in_post(birth, gender, alert):
    _, alerts, findings = tenure(records(person("p1", birth, gender)))
    assert by_rule(alerts, "T2") == ([("p1", *alert)] if alert else [])
    overdue = alert is not None and alert[0] == "retirement_overdue"
    assert [(f.rule, f.severity) for f in findings] == ([("T2", "error")] if overdue else [])
    # the birth date is private: alerts name the month only
    assert all(birth not in a["message"] for a in alerts)
    assert all("养老金" not in a["message"] for a in alerts)  # not asked for by this policy


def test_t2_the_pension_month_is_a_second_labelled_date_when_the_policy_asks():
    # male born 1966-09-10 reaches 60y6m on 2027-03-10: retires in March 2027, draws a
    # pension from 1 April 2027
    policy = POLICY | {"retirement": POLICY["retirement"] | {"pension_month": True}}
    _, alerts, _ = tenure(records(person("p1", "1966-09-10"), policy=policy))
    [due] = alerts
    assert (due["date"], due["pension_from"]) == ("2027-03-10", "2027-04-01")
    assert "2027年3月到达法定退休年龄（2027年4月起领取养老金）" in due["message"]


def test_t2_people_no_longer_in_service_are_left_alone():
    _, alerts, findings = tenure(records(person("p1", "1950-01-01", status="retired")))
    assert alerts == [] and findings == []


# ---------------------------------------------------------------- T1 terms


def test_t1_term_end_is_the_anniversary():
    assert term_end(d("2021-06-01"), 5) == d("2026-06-01")
    assert term_end(d("2020-02-29"), 5) == d("2025-02-28")


def stint(
    start: str,
    term: int | None = None,
    end: str | None = None,
    post: str = "副镇长",
    rank: str = "deputy_division",
) -> dict:
    s = {"post": post, "unit": "u1", "rank": rank, "start": start}
    if term is not None:
        s["term"] = term
    if end is not None:
        s["end"] = end
    return s


@pytest.mark.parametrize(
    "start, leader, alert",
    [
        # 2021-06-01 + 5 years = 2026-06-01, before 2026-11-25: the term has ended
        ("2021-06-01", True, ("term_expired", "2026-06-01")),
        # ends 2027-05-25 = as-of + 6 months: within the notice, boundary included
        ("2022-05-25", True, ("term_ending", "2027-05-25")),
        # ends 2027-05-26: one day beyond the notice
        ("2022-05-26", True, None),
        # ordinary staff without a term number have no term
        ("2021-06-01", False, None),
    ],
)
def test_t1_term_alerts(start, leader, alert):
    history = [stint(start) if leader else stint(start, post="科员", rank="staff_member")]
    _, alerts, findings = tenure(records(person("p1", leader=leader, history=history)))
    assert by_rule(alerts, "T1") == ([("p1", *alert)] if alert else [])
    assert findings == []


PERSON_YAML = """\
id: p1
gender: male
birth_date: 1980-01-01
employment: cadre
status: active
history:
  - {post: 副镇长, unit: u1, rank: deputy_division, category: deputy, start: 2012-01-01, end: 2017-01-01, term: 1}
  - {post: 副镇长, unit: u1, rank: deputy_division, category: deputy, start: 2017-01-01, end: 2022-01-01, term: 2}
  - {post: 副镇长, unit: u1, rank: deputy_division, category: deputy, start: 2022-01-01, term: 3}
"""


def test_t1_a_third_consecutive_term_is_an_error_and_the_long_run_a_warning():
    doc = load_bytes("records/people/p1.yaml", PERSON_YAML.encode())
    _, _, findings = tenure(records(doc))
    got = sorted((f.severity, f.line, f.rule) for f in findings)
    # line 9 holds the third stint: term 3 > max_consecutive 2; the run since 2012-01-01 is
    # longer than 2 x 5 = 10 years (2022-01-01 < 2026-11-25)
    assert got == [("error", 9, "T1"), ("warning", 9, "T1")]


def test_t1_a_second_term_is_fine_and_alerts_ahead_of_its_end():
    history = [stint("2017-01-01", 1, "2022-01-01"), stint("2022-01-01", 2)]
    rec = records(person("p1", leader=True, history=history))
    # the run since 2017-01-01 is under 10 years; the second term ends 2022-01-01 + 5 years
    # = 2027-01-01, which is within 6 months of 2026-07-01 (boundary included)
    _, alerts, findings = tenure(rec, dt.date(2026, 7, 1))
    assert findings == []
    assert by_rule(alerts, "T1") == [("p1", "term_ending", "2027-01-01")]
    _, alerts, _ = tenure(rec, dt.date(2026, 6, 30))
    assert by_rule(alerts, "T1") == []


def test_t1_years_at_one_rank_when_the_policy_sets_a_limit():
    policy = POLICY | {"terms": POLICY["terms"] | {"max_years_at_rank": 15}}
    history = [
        stint("2010-01-01", 1, "2015-01-01", post="副书记"),
        stint("2015-01-01", 1, "2020-01-01"),
        stint("2020-01-01", 1, post="镇长"),
    ]
    _, _, findings = tenure(
        records(person("p1", leader=True, history=history), policy=policy), dt.date(2025, 1, 2)
    )
    # three posts at deputy_division since 2010-01-01: more than 15 years by 2025-01-02
    assert [(f.severity, f.rule) for f in findings] == [("warning", "T1")]


# ---------------------------------------------------------------- T3 trial and probation


@pytest.mark.parametrize(
    "start, outcome, alert, action",
    [
        # 6 months from 2026-06-26: the last day is 2026-12-25, within a month of 2026-11-25
        ("2026-06-26", None, "assessment_due", None),
        # from 2026-06-27 the last day is 2026-12-26: more than a month ahead
        ("2026-06-27", None, None, None),
        # from 2026-05-26 the last day is the as-of date 2026-11-25: ended, no outcome yet
        ("2026-05-26", None, "assessment_overdue", None),
        # from 2026-05-02 it ended on 2026-11-01
        ("2026-05-02", "passed", None, None),
        # a failed trial: down from the post tried, from the trial's last day
        ("2026-05-02", "failed", None, ("removal", "2026-11-01")),
        # not begun on the as-of date: nothing yet
        ("2026-12-01", None, None, None),
    ],
)
def test_t3_trial_and_probation(start, outcome, alert, action):
    period = {"kind": "trial", "start": start, "months": 6}
    if outcome:
        period["outcome"] = outcome
    actions, alerts = probation_results(person("p1", probation=[period]), 2026, AS_OF)
    assert [a["type"] for a in alerts] == ([alert] if alert else [])
    assert [(a["rule"], a["type"], a["effective"]) for a in actions] == (
        [("T3", *action)] if action else []
    )


def test_t3_each_period_is_assessed_and_a_second_trial_keeps_the_first():
    # 不称职 in 2024 and again in 2025: two trials, the first failed, the second running.
    # The first (2025-01-21, 6 months) ended on 2025-07-20; the second (2026-01-21, 6 months)
    # ends on 2026-07-20, within a month of 2026-07-01.
    periods = [
        {"kind": "trial", "start": "2025-01-21", "months": 6, "outcome": "failed"},
        {"kind": "trial", "start": "2026-01-21", "months": 6},
    ]
    actions, alerts = probation_results(person("p1", probation=periods), 2026, d("2026-07-01"))
    assert [(a["type"], a["effective"], a["start"]) for a in actions] == [
        ("removal", "2025-07-20", "2025-01-21")
    ]
    assert [(a["type"], a["date"], a["start"]) for a in alerts] == [
        ("assessment_due", "2026-07-20", "2026-01-21")
    ]


@pytest.mark.parametrize(
    ("second", "problem"),
    [
        ("2025-07-21", None),  # the first trial's last day is 2025-07-20
        ("2025-07-20", "与上一段试用期或试岗重叠 (overlaps the previous period)"),
        ("2025-01-01", "试用期和试岗未按时间先后排列 (periods out of order)"),
    ],
)
def test_t3_periods_may_not_overlap(second, problem):
    from generator.checks.people import check_people

    text = PERSON_YAML + (
        "probation:\n"
        "  - {kind: trial, start: 2025-01-21, months: 6}\n"
        f"  - {{kind: probation, start: {second}, months: 12}}\n"
    )
    doc = load_bytes("records/people/p1.yaml", text.encode())
    policy = POLICY | {"ranks": [{"id": "deputy_division", "name": "副科级"}]}
    found = [
        (f.line, f.message) for f in check_people(records(doc, policy=policy)) if f.rule == "T3"
    ]
    # line 12 holds the second period
    assert found == ([(12, problem)] if problem else [])


# ---------------------------------------------------------------- T4 the way back up


def restriction(until: str | None, rule: str = "A5", type_: str = "no_promotion", **extra) -> dict:
    return {
        "person": "p1",
        "rule": rule,
        "type": type_,
        "effective": "2025-01-01",
        "until": until,
        "basis": {"sources": ["records/appraisals/2024/u1.yaml"]},
        **extra,
    }


@pytest.mark.parametrize(
    "restrictions, as_of, ended, restricted",
    [
        # the last restriction's last day is 2026-11-24: free from 2026-11-25
        ([restriction("2026-11-24")], "2026-11-25", "2026-11-25", None),
        # last day 2026-11-25: still restricted on that day, free from the next
        ([restriction("2026-11-25")], "2026-11-25", None, "2026-11-26"),
        ([restriction("2026-11-25")], "2026-11-26", "2026-11-26", None),
        # every restriction counts: the latest decides
        (
            [restriction("2026-05-31"), restriction("2027-02-28", "A6", "trial")],
            "2026-11-25",
            None,
            "2027-03-01",
        ),
        # a 待岗 awaiting its decision has no end yet
        (
            [
                restriction("2026-05-31"),
                restriction(None, "F3", "suspension_first", restricts=True),
            ],
            "2026-11-25",
            None,
            "open",
        ),
        # actions that restrict nothing are not restrictions
        ([restriction(None, "A5", "admonishment_talk")], "2026-11-25", None, None),
    ],
)
def test_t4_restrictions_end(restrictions, as_of, ended, restricted):
    rec = records(person("p1"))
    actions, alerts = restrictions_ended(rec, d(as_of), restrictions, 2026)
    assert [(a["type"], a["effective"]) for a in actions] == (
        [("restrictions_ended", ended)] if ended else []
    )
    if restricted is None:
        assert alerts == []
    else:
        assert [(a["type"], a["date"]) for a in alerts] == [
            ("restricted", None if restricted == "open" else restricted)
        ]


def test_t4_through_compute_tenure_and_only_for_people_in_service():
    rec = records(person("p1"), person("p2", status="dismissed"))
    gone = restriction("2026-01-31") | {"person": "p2"}
    actions, _, _ = tenure(rec, AS_OF, [restriction("2026-01-31"), gone])
    ended = [(a["person"], a["rule"], a["type"], a["effective"]) for a in actions]
    assert ended == [("p1", "T4", "restrictions_ended", "2026-02-01")]
    assert actions[0]["restrictions"] == [
        {"rule": "A5", "type": "no_promotion", "until": "2026-01-31"}
    ]
    assert "records/appraisals/2024/u1.yaml" in actions[0]["basis"]["sources"]
