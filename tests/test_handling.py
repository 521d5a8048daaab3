"""F1-F7: findings, their handling, and the adjustment procedure, on small hand-made records.

Every record set goes through the real load and check stages first (and must pass them),
so the rules are tested on exactly what they receive in production. Expected values are
worked out here from the rules and the policy below, never copied from the program.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.pipeline import check_dir, check_files, compute_checked
from generator.rules.handling import compute_handling, first_measure
from generator.rules.procedure import OUTCOME_SEVERITY, case_stage, compute_cases

AS_OF = dt.date(2025, 12, 31)

# The policy parameters the rules read: deduction 10%, threshold 3, windows 30/15/30 days,
# leaders from deputy_section up, enforcement first.
POLICY = """\
year: 2025
title: 测试县2025年度能上能下实施办法参数
basis: 测组〔2025〕1号
weights: {results: 0.8, daily: 0.1, democratic: 0.1}
templates:
  staff:
    name: 一般工作人员
    results: [{id: r01, name: 工作任务, max: 100}]
    daily: [{id: d01, name: 出勤, max: 100}]
  deputy:
    name: 班子副职
    results: [{id: r01, name: 分管工作, max: 100}]
    daily: [{id: d01, name: 出勤, max: 100}]
  principal:
    name: 单位主要领导
    results: [{id: r01, name: 全面工作, max: 100}]
    daily: [{id: d01, name: 出勤, max: 100}]
democratic:
  points: {excellent: 100, competent: 80, basically_competent: 60, incompetent: 0}
  groups: {own_unit: 0.4, superiors: 0.3, related_units: 0.15, service_recipients: 0.15}
grading:
  pool: [unit, category]
  excellent_share: 0.2
  excellent_min: 85
  basically_competent_below: 70
  incompetent_below: 60
  min_months_in_post: 6
  publish_scores: true
consequences: {no_promotion_months: 12, trial_months: 6, deduction_share: 0.1}
points:
  classes: [{id: work, name: 工作实绩}]
  tiers: [{id: reward, name: 积分奖励, kind: reward, min: 20}]
selection: {quorum: 2/3, majority: 1/2, proposing: staff}
ranks:
  - {id: clerk, name: 办事员}
  - {id: staff_member, name: 科员}
  - {id: deputy_section, name: 副股级}
  - {id: section, name: 股级}
  - {id: deputy_division, name: 副科级}
  - {id: division, name: 正科级}
leader_min_rank: deputy_section
authority:
  - {body: county_committee, name: 县委常委会, ranks: [deputy_division, division]}
  - {body: organization_department, name: 县委组织部部务会, ranks: [deputy_section, section]}
  - {body: unit_committee, name: 单位党委会议, ranks: [clerk, staff_member]}
channels:
  - {id: periodic_appraisal, name: 定期考核}
  - {id: target_appraisal, name: 目标责任考核}
  - {id: daily_appraisal, name: 平时考核}
  - {id: reports, name: 干部群众举报}
  - {id: investigation, name: 执纪执法机关查处}
aspects:
  - {id: ability, name: 能力水平}
  - {id: health, name: 身体状况}
situations:
  - {code: NL01, aspect: ability, name: 不能胜任本职工作, outcomes: [non_leadership_post, removal]}
  - {code: ST01, aspect: health, name: 身体原因不能坚持工作, outcomes: [non_leadership_post, professional_post]}
banned_behaviours:
  - {code: JZ01, name: 打牌}
fitting_outcomes:
  - {kind: banned_behaviour, outcomes: [removal, transfer, demotion, dismissal, non_leadership_post], basis: 交流或降职}
  - {kind: conduct_investigation, outcomes: [removal, transfer, demotion, dismissal, non_leadership_post], basis: 交流或降职}
  - {kind: assignment, outcomes: [no_change, transfer, removal, non_leadership_post, demotion], basis: 先调离、待岗或免职}
handling_order: [enforcement, leader, staff]
accountability_threshold: 3
repeated_assignment: 2
terms: {years: 5, max_consecutive: 2, notice_months: 6, max_years_at_rank: 15}
retirement:
  notice_months: 12
  schedules:
    - {group: male, base_age: 60, from: 1965-01, step_months: 4, max_months: 36}
    - {group: female_cadre, base_age: 55, from: 1970-01, step_months: 4, max_months: 36}
    - {group: female_worker, base_age: 50, from: 1975-01, step_months: 2, max_months: 60}
probation_months: 12
appeal: {review_days: 30, appeal_after_review_days: 15, direct_appeal_days: 30}
posting:
  working_days: 5
  contact: {office: 测试县委组织部干部监督室, phone: 0745-6212380, address: 测试县人民路1号}
"""

UNIT = """\
id: {id}
name: 测试镇
kind: township
establishment: 40
leader_posts: 10
principal_leaders: [{boss}]
"""

PERSON = """\
id: {id}
name: 张测试
gender: male
birth_date: 1980-01-01
employment: cadre
status: active
history:
{history}
"""

INCIDENT = """\
id: {id}
person: {person}
date: {date}
channel: {channel}
kind: {kind}
{extra}summary: 公开摘要。
facts: 内部事实ZZ私密。
"""

PRIVATE_FACTS = "内部事实ZZ私密"


def person(
    pid: str,
    unit: str = "u1",
    rank: str = "staff_member",
    category: str = "staff",
    enforcement: bool = False,
    history: str | None = None,
) -> str:
    post = {"staff": "科员", "deputy": "副镇长", "principal": "党委书记"}[category]
    history = history or (
        f"  - {{post: {post}, unit: {unit}, rank: {rank}, category: {category}, "
        f"enforcement: {str(enforcement).lower()}, start: 2020-01-01}}"
    )
    return PERSON.format(id=pid, history=history)


def incident(
    iid: str,
    pid: str,
    date: str,
    kind: str = "banned_behaviour",
    extra: str = "",
    channel: str = "daily_appraisal",
) -> str:
    if kind == "banned_behaviour" and not extra:
        extra = "behaviour: JZ01\n"
    return INCIDENT.format(id=iid, person=pid, date=date, channel=channel, kind=kind, extra=extra)


def assignment(matter: str, done: bool) -> str:
    return f"assignment: {{id: {matter}, failure: overdue, done: {str(done).lower()}}}\n"


def base() -> dict[str, str]:
    """A policy, two units each with a principal, and their principals."""
    return {
        "policy/2025.yaml": POLICY,
        "units/u1.yaml": UNIT.format(id="u1", boss="boss1"),
        "units/u2.yaml": UNIT.format(id="u2", boss="boss2"),
        "people/boss1.yaml": person("boss1", "u1", "division", "principal"),
        "people/boss2.yaml": person("boss2", "u2", "division", "principal"),
    }


def handle(files: dict[str, str], as_of: dt.date = AS_OF) -> SimpleNamespace:
    """F1-F7 as the pipeline runs them: the actions and alerts of incidents and cases, the
    grades they force, and the findings of the F rules."""
    checked = check_files({k: v.encode() for k, v in files.items()}, as_of)
    others = [f.text() for f in checked.findings if f.severity == "error" and f.rule[0] != "F"]
    assert others == []
    handled = compute_handling(checked.records, as_of)
    actions, alerts = compute_cases(checked.records, as_of)
    return SimpleNamespace(
        actions=handled.actions + actions,
        alerts=handled.alerts + alerts,
        forced_grades=handled.forced_grades,
        findings=[f for f in checked.findings if f.rule[0] == "F"],
    )


def of(actions: list[dict], rule: str, person_id: str | None = None) -> list[dict]:
    return [
        a for a in actions if a["rule"] == rule and (person_id is None or a["person"] == person_id)
    ]


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle` (the line a finding must point at)."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# ---------------------------------------------------------------- F3


POLICY_PART = {
    "ranks": [
        {"id": r} for r in ("clerk", "staff_member", "deputy_section", "section", "division")
    ],
    "leader_min_rank": "deputy_section",
}


@pytest.mark.parametrize(
    "rank, enforcement, order, expected",
    [
        # an ordinary staff member is suspended first
        ("staff_member", False, ["enforcement", "leader", "staff"], "staff"),
        # 副股级 is the lowest leader rank: removed first
        ("deputy_section", False, ["enforcement", "leader", "staff"], "leader"),
        ("division", False, ["enforcement", "leader", "staff"], "leader"),
        # enforcement staff below leader rank: transferred first
        ("clerk", True, ["enforcement", "leader", "staff"], "enforcement"),
        # both enforcement and leader: the policy order decides
        ("section", True, ["enforcement", "leader", "staff"], "enforcement"),
        ("section", True, ["leader", "enforcement", "staff"], "leader"),
        # a leader is not "staff", so with staff first an enforcement leader is still transferred
        ("section", True, ["staff", "enforcement", "leader"], "enforcement"),
        # an enforcement officer below leader rank is also staff: with staff first, suspended
        ("clerk", True, ["staff", "enforcement", "leader"], "staff"),
    ],
)
def test_f3_first_measure_follows_the_policy_order(rank, enforcement, order, expected):
    stint = {"rank": rank, "enforcement": enforcement, "start": "2020-01-01"}
    someone = {"history": [stint]}
    policy = POLICY_PART | {"handling_order": order}
    assert first_measure(someone, policy, dt.date(2025, 6, 1)) == expected


def test_f3_uses_the_rank_held_on_the_incident_date():
    promoted = {
        "history": [
            {"rank": "staff_member", "start": "2020-01-01"},
            {"rank": "section", "start": "2025-07-01"},
        ],
    }
    policy = POLICY_PART | {"handling_order": ["enforcement", "leader", "staff"]}
    assert first_measure(promoted, policy, dt.date(2025, 6, 30)) == "staff"
    assert first_measure(promoted, policy, dt.date(2025, 7, 1)) == "leader"


def test_f3_the_role_is_the_one_held_on_the_incident_date():
    # an enforcement officer until 2025-06-01, then an ordinary clerk of the same unit
    moved = (
        "  - {post: 执法队员, unit: u1, rank: staff_member, category: staff, enforcement: true,"
        " start: 2020-01-01, end: 2025-06-01}\n"
        "  - {post: 科员, unit: u1, rank: staff_member, category: staff, start: 2025-06-01}"
    )
    files = base() | {"people/p1.yaml": person("p1", history=moved)}
    files["incidents/2025/i1.yaml"] = incident("i1", "p1", "2025-03-03")
    files["incidents/2025/i2.yaml"] = incident("i2", "p1", "2025-09-01")
    first = {
        a["incident"]: a["type"]
        for a in of(handle(files).actions, "F3", "p1")
        if "_first" in a["type"]
    }
    assert first == {"i1": "transfer_first", "i2": "suspension_first"}


@pytest.mark.parametrize(
    "rank, category, enforcement, measure",
    [
        ("staff_member", "staff", False, "suspension_first"),
        ("deputy_division", "deputy", False, "removal_first"),
        ("deputy_division", "deputy", True, "transfer_first"),
    ],
)
def test_f3_banned_behaviour_measure_grade_and_deduction(rank, category, enforcement, measure):
    files = base() | {
        "people/p1.yaml": person("p1", rank=rank, category=category, enforcement=enforcement),
        "incidents/2025/i1.yaml": incident("i1", "p1", "2025-05-06"),
    }
    h = handle(files)
    f3 = of(h.actions, "F3", "p1")
    assert [a["type"] for a in f3] == [measure, "pay_deduction"]
    assert all(a["effective"] == "2025-05-06" for a in f3)
    deduction = f3[1]
    assert deduction["deduction_share"] == "0.1"  # policy deduction_share
    assert "10%" in deduction["label"] and "10%" in deduction["basis"]["clause"]
    assert deduction["basis"]["sources"] == ["records/incidents/2025/i1.yaml"]
    assert deduction["basis"]["policy"] == 2025
    assert [g["grade"] for g in h.forced_grades[("p1", 2025)]] == ["incompetent"]
    assert h.forced_grades[("p1", 2025)][0]["rule"] == "F3"


def test_f3_serious_case_is_referred_for_discipline():
    files = base() | {
        "people/p1.yaml": person("p1"),
        "incidents/2025/i1.yaml": incident(
            "i1", "p1", "2025-05-06", extra="behaviour: JZ01\nserious: true\n"
        ),
    }
    types = [a["type"] for a in of(handle(files).actions, "F3", "p1")]
    assert types == ["suspension_first", "pay_deduction", "discipline_referral"]


def test_f3_suspension_is_open_until_a_case_on_it_is_decided():
    files = base() | {
        "people/p1.yaml": person("p1"),
        "incidents/2025/i1.yaml": incident("i1", "p1", "2025-05-06"),
    }
    suspension = of(handle(files).actions, "F3", "p1")[0]
    assert suspension["until"] is None and suspension["restricts"] is True
    files["cases/c1.yaml"] = case_yaml(
        person_id="p1",
        incidents="[i1]",
        decision="{date: 2025-06-20, body: unit_committee, reference: 测委〔2025〕3号, meeting: 党委会议, vote: {present: 7, for: 6, against: 1, abstain: 0}, outcome: transfer}",
    )
    suspension = of(handle(files).actions, "F3", "p1")[0]
    assert suspension["until"] == "2025-06-20" and "restricts" not in suspension


# ---------------------------------------------------------------- F4


@pytest.mark.parametrize(
    "incidents, flagged",
    [
        # two distinct people: below the threshold of 3
        ([("a", "banned_behaviour"), ("b", "banned_behaviour")], False),
        # one person three times is still one person
        (
            [("a", "banned_behaviour"), ("a", "banned_behaviour"), ("a", "conduct_investigation")],
            False,
        ),
        # three distinct people, counting an investigation by the conduct office
        (
            [("a", "banned_behaviour"), ("b", "banned_behaviour"), ("c", "conduct_investigation")],
            True,
        ),
        # a situation finding is not an F3 handling and does not count
        ([("a", "banned_behaviour"), ("b", "banned_behaviour"), ("c", "situation")], False),
    ],
)
def test_f4_counts_distinct_people_in_one_unit_and_year(incidents, flagged):
    files = base() | {f"people/{p}.yaml": person(p) for p in "abc"}
    for n, (pid, kind) in enumerate(incidents):
        extra = "situation: NL01\n" if kind == "situation" else ""
        files[f"incidents/2025/i{n}.yaml"] = incident(
            f"i{n}", pid, f"2025-0{n + 3}-01", kind, extra
        )
    h = handle(files)
    resign = of(h.actions, "F4")
    if not flagged:
        assert resign == [] and of(h.alerts, "F4") == []
        return
    # the third distinct person came on 2025-05-01 (incident i2): the threshold is reached then
    assert [(a["person"], a["type"], a["effective"]) for a in resign] == [
        ("boss1", "accountability_resignation", "2025-05-01")
    ]
    assert resign[0]["incidents"] == ["i0", "i1", "i2"]
    assert "records/units/u1.yaml" in resign[0]["basis"]["sources"]
    [alert] = of(h.alerts, "F4")
    assert (alert["unit"], alert["date"], alert["incidents"]) == (
        "u1",
        "2025-05-01",
        ["i0", "i1", "i2"],
    )


def test_f4_counts_the_unit_at_the_incident_date_and_spares_a_principal_who_came_later():
    # c served in u2 until 2025-06-01 and then moved to u1; her March incident counts for u2.
    moved = (
        "  - {post: 科员, unit: u2, rank: staff_member, category: staff, start: 2020-01-01,"
        " end: 2025-06-01}\n"
        "  - {post: 科员, unit: u1, rank: staff_member, category: staff, start: 2025-06-01}"
    )
    files = base() | {f"people/{p}.yaml": person(p, "u2") for p in "ab"}
    files["people/c.yaml"] = person("c", "u1", history=moved)
    files["people/boss2.yaml"] = person(
        "boss2",
        "u2",
        "division",
        "principal",
        history="  - {post: 党委书记, unit: u2, rank: division, category: principal, start: 2026-01-01}",
    )
    for n, pid in enumerate("abc"):
        files[f"incidents/2025/i{n}.yaml"] = incident(f"i{n}", pid, f"2025-0{n + 3}-01")
    h = handle(files, dt.date(2026, 2, 1))
    [alert] = of(h.alerts, "F4")
    assert alert["unit"] == "u2"
    # boss2 took office in 2026: not the principal of the year the incidents happened
    assert of(h.actions, "F4") == []


# ---------------------------------------------------------------- F5


def test_f5_a_single_assignment_failure_gives_admonishment_and_no_awards_that_year():
    files = base() | {
        "people/p1.yaml": person("p1"),
        "incidents/2025/i1.yaml": incident(
            "i1", "p1", "2025-04-10", "assignment", assignment("m1", False)
        ),
    }
    h = handle(files)
    f5 = of(h.actions, "F5", "p1")
    assert [(a["type"], a["effective"], a["until"]) for a in f5] == [
        ("admonishment_talk", "2025-04-10", None),
        ("no_awards", "2025-04-10", "2025-12-31"),  # no awards to the end of the year
    ]
    assert h.forced_grades == {}


@pytest.mark.parametrize(
    "records, repeated",
    [
        # the same matter twice, still not done on the latest record: handled like F3
        ([("m1", False), ("m1", False)], True),
        # done on the latest record: only the admonishments
        ([("m1", False), ("m1", True)], False),
        # two different matters are not a repeat
        ([("m1", False), ("m2", False)], False),
        # three times, the latest not done
        ([("m1", False), ("m1", True), ("m1", False)], True),
    ],
)
def test_f5_repeated_assignment(records, repeated):
    files = base() | {"people/p1.yaml": person("p1")}
    for n, (matter, done) in enumerate(records):
        files[f"incidents/2025/i{n}.yaml"] = incident(
            f"i{n}", "p1", f"2025-0{n + 3}-15", "assignment", assignment(matter, done)
        )
    h = handle(files)
    types = [a["type"] for a in of(h.actions, "F5", "p1")]
    assert types.count("admonishment_talk") == len(records)
    assert types.count("no_awards") == 1  # one per person and year
    if not repeated:
        assert "suspension_first" not in types and h.forced_grades == {}
        return
    latest = f"2025-0{len(records) + 2}-15"
    measure = [a for a in of(h.actions, "F5") if a["type"] == "suspension_first"]
    assert [a["effective"] for a in measure] == [latest]
    assert measure[0]["until"] is None and measure[0]["restricts"] is True  # no case decided yet
    deduction = [a for a in of(h.actions, "F5") if a["type"] == "pay_deduction"]
    assert deduction[0]["deduction_share"] == "0.1" and "10%" in deduction[0]["label"]
    assert [(g["grade"], g["rule"]) for g in h.forced_grades[("p1", 2025)]] == [
        ("incompetent", "F5")
    ]


def test_f5_repeat_measure_follows_the_f3_order_for_a_leader():
    files = base() | {"people/p1.yaml": person("p1", rank="deputy_division", category="deputy")}
    for n in range(2):
        files[f"incidents/2025/i{n}.yaml"] = incident(
            f"i{n}", "p1", f"2025-0{n + 3}-15", "assignment", assignment("m1", False)
        )
    assert "removal_first" in [a["type"] for a in of(handle(files).actions, "F5")]


# ---------------------------------------------------------------- F6


def case_yaml(
    person_id: str = "p1",
    incidents: str = "[i1]",
    verification: str = "{date: 2025-02-01}",
    proposal: str | None = "{date: 2025-02-10, outcome: transfer}",
    decision: str | None = None,
    review: str | None = None,
    appeal: str | None = None,
) -> str:
    lines = [
        "id: c1",
        f"person: {person_id}",
        f"incidents: {incidents}",
        f"verification: {verification}",
    ]
    for key, value in (
        ("proposal", proposal),
        ("decision", decision),
        ("review", review),
        ("appeal", appeal),
    ):
        if value is not None:
            lines.append(f"{key}:")
            inner = value.strip()[1:-1]  # split on the commas outside a nested {...}
            lines += [f"  {part.strip()}" for part in re.split(r", (?![^{]*\})", inner)]
    return "\n".join(lines) + "\n"


DECISION = "{date: 2025-03-01, body: unit_committee, reference: 测委〔2025〕3号, meeting: 党委会议, vote: {present: 7, for: 6, against: 1, abstain: 0}, outcome: transfer}"


def case_files(**steps) -> dict[str, str]:
    return base() | {
        "people/p1.yaml": person("p1"),
        "incidents/2025/i1.yaml": incident("i1", "p1", "2025-01-20"),
        "cases/c1.yaml": case_yaml(**steps),
    }


def f6_findings(steps: dict, as_of: dt.date = AS_OF) -> list[tuple[int, str]]:
    files = case_files(**steps)
    return [(f.line, f.message) for f in handle(files, as_of).findings if f.rule == "F6"]


@pytest.mark.parametrize(
    "steps, needle",
    [
        # review within 30 days of the decision (2025-03-01): day 30 is 2025-03-31
        ({"decision": DECISION, "review": "{filed: 2025-03-31}"}, None),
        ({"decision": DECISION, "review": "{filed: 2025-04-01}"}, "filed: 2025-04-01"),
        # direct appeal within 30 days of the decision
        ({"decision": DECISION, "appeal": "{filed: 2025-03-31}"}, None),
        ({"decision": DECISION, "appeal": "{filed: 2025-04-01}"}, "filed: 2025-04-01"),
        # appeal within 15 days of the review decision (2025-03-20): day 15 is 2025-04-04
        (
            {
                "decision": DECISION,
                "review": "{filed: 2025-03-10, decided: 2025-03-20, result: upheld}",
                "appeal": "{filed: 2025-04-04}",
            },
            None,
        ),
        (
            {
                "decision": DECISION,
                "review": "{filed: 2025-03-10, decided: 2025-03-20, result: upheld}",
                "appeal": "{filed: 2025-04-05}",
            },
            "filed: 2025-04-05",
        ),
    ],
)
def test_f6_review_and_appeal_windows(steps, needle):
    found = f6_findings(steps)
    if needle is None:
        assert found == []
    else:
        text = case_yaml(**steps)
        assert [line for line, _ in found] == [line_of(text, needle)]
        assert "期限" in found[0][1]


@pytest.mark.parametrize(
    "steps, needle, words",
    [
        # proposal dated before the verification
        ({"proposal": "{date: 2025-01-25, outcome: transfer}"}, "date: 2025-01-25", "早于核实"),
        # decision before the proposal
        (
            {
                "decision": "{date: 2025-02-05, body: unit_committee, reference: 测委〔2025〕3号, meeting: 党委会议, vote: {present: 7, for: 6, against: 1, abstain: 0}, outcome: transfer}"
            },
            "date: 2025-02-05",
            "早于初步方案",
        ),
        # a decision with no proposal at all
        ({"proposal": None, "decision": DECISION}, "date: 2025-03-01", "没有初步方案"),
        # a review filed before the decision
        (
            {"decision": DECISION, "review": "{filed: 2025-02-20}"},
            "filed: 2025-02-20",
            "早于会议决定",
        ),
        # a review with no decision to contest
        ({"review": "{filed: 2025-02-20}"}, "filed: 2025-02-20", "尚未作出会议决定"),
        # an appeal while the review is still pending
        (
            {
                "decision": DECISION,
                "review": "{filed: 2025-03-10}",
                "appeal": "{filed: 2025-03-12}",
            },
            "filed: 2025-03-12",
            "复核尚未决定",
        ),
        # a review decided before it was filed
        (
            {
                "decision": DECISION,
                "review": "{filed: 2025-03-10, decided: 2025-03-05, result: upheld}",
            },
            "decided: 2025-03-05",
            "早于复核申请",
        ),
        # a review decided with no result
        (
            {"decision": DECISION, "review": "{filed: 2025-03-10, decided: 2025-03-15}"},
            "decided: 2025-03-15",
            "未填写结果",
        ),
    ],
)
def test_f6_steps_out_of_order_are_errors_on_the_step_line(steps, needle, words):
    found = f6_findings(steps)
    text = case_yaml(**steps)
    assert (line_of(text, needle), True) in [(line, words in message) for line, message in found], (
        found
    )


def test_f6_a_step_after_the_as_of_date_is_left_out_with_a_warning_not_an_error():
    # decided 2025-03-01; as of 28 February the case stands at its proposal, posts nothing
    steps = {"decision": DECISION}
    files = case_files(**steps)
    checked = check_files({k: v.encode() for k, v in files.items()}, dt.date(2025, 2, 28))
    assert [(f.rule, f.severity, f.line) for f in checked.findings] == [
        ("as_of", "warning", line_of(case_yaml(**steps), "date: 2025-03-01"))
    ]
    h = handle(files, dt.date(2025, 2, 28))
    assert of(h.actions, "F6") == []
    [pending] = of(h.alerts, "F6")
    assert pending["stage"] == "proposal"


@pytest.mark.parametrize(
    "decided, changed_to, heavier",
    [
        ("removal", "transfer", False),  # lighter
        ("non_leadership_post", "professional_post", False),  # equally heavy
        ("transfer", "removal", True),
        ("removal", "dismissal", True),
    ],
)
def test_f6_a_review_never_makes_the_outcome_heavier(decided, changed_to, heavier):
    assert (OUTCOME_SEVERITY[changed_to] > OUTCOME_SEVERITY[decided]) is heavier
    decision = DECISION.replace("outcome: transfer", f"outcome: {decided}")
    steps = {
        "decision": decision,
        "review": f"{{filed: 2025-03-10, decided: 2025-03-20, result: changed, outcome: {changed_to}}}",
    }
    found = f6_findings(steps)
    expected = [line_of(case_yaml(**steps), f"outcome: {changed_to}")] if heavier else []
    assert [line for line, m in found if "重于" in m] == expected


@pytest.mark.parametrize(
    "rank, body, allowed",
    [
        ("staff_member", "unit_committee", True),
        ("section", "unit_committee", False),  # a section-level cadre is the department's to decide
        ("section", "organization_department", True),
        ("division", "organization_department", False),
    ],
)
def test_f6_the_deciding_body_must_hold_authority_over_the_rank(rank, body, allowed):
    steps = {"decision": DECISION.replace("unit_committee", body)}
    files = case_files(**steps)
    category = "staff" if rank in ("staff_member", "section") else "deputy"
    files["people/p1.yaml"] = person("p1", rank=rank, category=category)
    found = [f.line for f in handle(files).findings if "权" in f.message]
    assert found == ([] if allowed else [line_of(case_yaml(**steps), "body:")])


@pytest.mark.parametrize(
    "steps, as_of, stage",
    [
        ({"verification": {"date": "2025-02-01"}}, "2025-02-01", "verification"),
        ({"proposal": {"date": "2025-02-10"}}, "2025-02-10", "proposal"),
        # a proposal dated after the as-of date does not count yet
        ({"proposal": {"date": "2025-02-10"}}, "2025-02-09", "verification"),
        # decided on 03-01: review (30) and direct appeal (30) windows open to 03-31
        (
            {"proposal": {"date": "2025-02-10"}, "decision": {"date": "2025-03-01"}},
            "2025-03-31",
            "decided",
        ),
        (
            {"proposal": {"date": "2025-02-10"}, "decision": {"date": "2025-03-01"}},
            "2025-04-01",
            "closed",
        ),
        (
            {"decision": {"date": "2025-03-01"}, "review": {"filed": "2025-03-10"}},
            "2025-03-15",
            "under_review",
        ),
        # review decided 03-20: an appeal may follow until 04-04
        (
            {
                "decision": {"date": "2025-03-01"},
                "review": {"filed": "2025-03-10", "decided": "2025-03-20"},
            },
            "2025-04-04",
            "decided",
        ),
        (
            {
                "decision": {"date": "2025-03-01"},
                "review": {"filed": "2025-03-10", "decided": "2025-03-20"},
            },
            "2025-04-05",
            "closed",
        ),
        (
            {"decision": {"date": "2025-03-01"}, "appeal": {"filed": "2025-03-10"}},
            "2025-03-15",
            "under_appeal",
        ),
        (
            {
                "decision": {"date": "2025-03-01"},
                "appeal": {"filed": "2025-03-10", "decided": "2025-04-01"},
            },
            "2025-04-01",
            "closed",
        ),
    ],
)
def test_f6_case_stage(steps, as_of, stage):
    case = {"verification": {"date": "2025-02-01"}} | steps
    policy = {
        "appeal": {"review_days": 30, "appeal_after_review_days": 15, "direct_appeal_days": 30}
    }
    assert case_stage(case, dt.date.fromisoformat(as_of), policy) == stage


def test_f6_nothing_of_a_case_is_an_action_before_its_decision():
    files = case_files()
    h = handle(files)
    assert of(h.actions, "F6") == []
    [alert] = of(h.alerts, "F6")
    assert (alert["type"], alert["stage"], alert["date"]) == (
        "case_in_progress",
        "proposal",
        "2025-02-10",
    )


def test_f6_a_decided_case_is_an_action_with_its_reference_and_final_outcome():
    decision = DECISION.replace("outcome: transfer", "outcome: removal")
    review = "{filed: 2025-03-10, decided: 2025-03-20, result: changed, outcome: transfer}"
    h = handle(case_files(decision=decision, review=review))
    [act] = of(h.actions, "F6")
    assert (act["type"], act["effective"], act["until"], act["stage"]) == (
        "transfer",
        "2025-03-01",
        None,
        "closed",
    )
    assert act["decided_outcome"] == "removal"
    assert act["basis"]["reference"] == "测委〔2025〕3号"
    # transfer is the paper's outcome for a one-off mistake (交流或降职)
    assert act["basis"]["fit"]["rule"] == "F7" and "交流或降职" in act["basis"]["fit"]["clause"]
    assert act["basis"]["sources"] == ["records/cases/c1.yaml"]
    assert of(h.alerts, "F6") == []


# ---------------------------------------------------------------- F7


@pytest.mark.parametrize(
    "kind, outcome, fits",
    [
        ("situation", "removal", True),  # NL01 allows non_leadership_post and removal
        ("situation", "non_leadership_post", True),
        ("situation", "demotion", False),
        ("situation", "no_change", False),
        ("banned_behaviour", "transfer", True),
        ("banned_behaviour", "demotion", True),
        ("banned_behaviour", "no_change", False),  # too light for a banned behaviour
        ("banned_behaviour", "professional_post", False),
    ],
)
def test_f7_the_outcome_must_fit_the_finding(kind, outcome, fits):
    decision = DECISION.replace("outcome: transfer", f"outcome: {outcome}")
    files = case_files(decision=decision)
    extra = "situation: NL01\n" if kind == "situation" else ""
    files["incidents/2025/i1.yaml"] = incident("i1", "p1", "2025-01-20", kind, extra)
    found = [
        (f.line, f.message)
        for f in handle(files).findings
        if f.rule == "F7" and f.severity == "error"
    ]
    if fits:
        assert found == []
    else:
        assert found == [
            (
                line_of(case_yaml(decision=decision), f"outcome: {outcome}"),
                "处理与情形不相当 (outcome does not fit the finding)",
            )
        ]


def test_f7_the_table_for_incidents_without_a_situation_is_the_countys_to_change():
    # a banned behaviour fits a transfer in the seed table; a county that allows only
    # removal and dismissal makes the same decision an F7 error
    files = case_files(decision=DECISION)
    files["incidents/2025/i1.yaml"] = incident("i1", "p1", "2025-01-20")
    assert [f for f in handle(files).findings if f.rule == "F7"] == []
    strict = "  - {kind: banned_behaviour, outcomes: [removal, dismissal], basis: 一律免职或辞退}"
    seed = next(line for line in POLICY.splitlines() if "kind: banned_behaviour" in line)
    files["policy/2025.yaml"] = POLICY.replace(seed, strict)
    found = [(f.rule, f.severity) for f in handle(files).findings if f.rule == "F7"]
    assert found == [("F7", "error")]


@pytest.mark.parametrize(
    ("stint", "outcome", "warned"),
    [
        # a specialist on the day of the decision may move to a professional post
        (
            "{post: 农技员, unit: u1, rank: staff_member, category: staff, specialist: true, start: 2020-01-01}",
            "professional_post",
            False,
        ),
        (
            "{post: 科员, unit: u1, rank: staff_member, category: staff, start: 2020-01-01}",
            "professional_post",
            True,
        ),
        # a non-leadership post is for someone in a leading post on that day
        (
            "{post: 副镇长, unit: u1, rank: deputy_division, category: deputy, start: 2020-01-01}",
            "non_leadership_post",
            False,
        ),
        (
            "{post: 科员, unit: u1, rank: staff_member, category: staff, start: 2020-01-01}",
            "non_leadership_post",
            True,
        ),
    ],
)
def test_f7_the_outcome_suits_the_stint_held_on_the_decision_date(stint, outcome, warned):
    decision = DECISION.replace("outcome: transfer", f"outcome: {outcome}")
    files = case_files(decision=decision)
    files["incidents/2025/i1.yaml"] = incident(
        "i1", "p1", "2025-01-20", "situation", "situation: ST01\n"
    )
    files["people/p1.yaml"] = PERSON.format(id="p1", history=f"  - {stint}")
    warnings = [f for f in handle(files).findings if f.rule == "F7" and f.severity == "warning"]
    assert bool(warnings) == warned


def test_f7_several_incidents_allow_any_outcome_that_fits_one_of_them():
    decision = DECISION.replace("outcome: transfer", "outcome: professional_post")
    files = case_files(decision=decision, incidents="[i1, i2]")
    files["incidents/2025/i1.yaml"] = incident(
        "i1", "p1", "2025-01-20", "situation", "situation: NL01\n"
    )
    files["incidents/2025/i2.yaml"] = incident(
        "i2", "p1", "2025-01-21", "situation", "situation: ST01\n"
    )
    assert [f for f in handle(files).findings if f.rule == "F7" and f.severity == "error"] == []


# ---------------------------------------------------------------- F1, F2 and privacy


def test_f1_f2_overview_and_pending_situations_without_private_facts():
    files = base() | {
        "people/p1.yaml": person("p1"),
        "incidents/2025/i1.yaml": incident(
            "i1", "p1", "2025-01-20", "situation", "situation: NL01\n", channel="reports"
        ),
        "incidents/2025/i2.yaml": incident("i2", "p1", "2025-02-20", channel="daily_appraisal"),
    }
    h = handle(files)
    [overview] = of(h.alerts, "F1")
    assert overview["message"] == "2025年度发现途径：平时考核1条，干部群众举报1条"
    [pending] = of(h.alerts, "F2")
    assert (pending["person"], pending["incident"]) == ("p1", "i1")
    assert "能力水平" in pending["message"]
    dumped = json.dumps(
        [h.actions, h.alerts, h.forced_grades.get(("p1", 2025))], ensure_ascii=False
    )
    assert PRIVATE_FACTS not in dumped


def test_incidents_after_the_as_of_date_are_not_yet_handled():
    files = base() | {
        "people/p1.yaml": person("p1"),
        "incidents/2025/i1.yaml": incident("i1", "p1", "2025-06-01"),
    }
    assert handle(files, dt.date(2025, 5, 31)).actions == []


# ---------------------------------------------------------------- the demo county

DEMO = Path(__file__).resolve().parent.parent / "records"


@pytest.mark.skipif(not (DEMO / "policy").is_dir(), reason="demo records not written yet")
def test_demo_county_handling_and_tenure_have_no_errors_and_leak_nothing_private(demo_repo):
    checked = check_dir(demo_repo / "records")
    rec = checked.records
    results, findings = compute_checked(checked, {})
    assert [f.text() for f in findings if f.severity == "error"] == []
    dumped = json.dumps([results["actions"], results["alerts"]], ensure_ascii=False)
    private = [d.data["facts"] for d in rec.incidents.values()]
    private += [
        d.data[s]["note"]
        for d in rec.cases.values()
        for s in ("verification", "proposal", "decision")
        if "note" in d.data.get(s, {})
    ]
    private += [d.data["birth_date"] for d in rec.people.values()]
    assert [p for p in private if p in dumped] == []
