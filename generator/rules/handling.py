"""F1-F5: findings about a person and the handling they call for at once.

Incidents (F1, F2) arrive through a channel and name a situation, a banned behaviour (F3),
an assigned matter (F5) or an investigation by the higher conduct office (F4). Banned
behaviours and repeated assigned matters act at once: a first measure, a forced grade of
不称职 for the year (applied by the appraisal through `forced_grades`) and a deduction of
pay. The adjustment procedure that may follow (F6, F7) is `procedure`.

Incidents dated after the as-of date have not happened yet for this computation and are
left out, so that results computed as of an earlier day match what was known then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ..dates import end_of_year, parse_date
from ..loader import Document
from ..model import Records
from .shared import (
    action,
    alert,
    basis,
    dec,
    leader_rank,
    percent,
    policy_in_force,
    served_in,
    situation,
    stint_at,
)

# Clauses of the county's paper each rule rests on (the basis shown with every action).
CLAUSE_F3 = (
    "凡有上班时间在办公场所打牌、下棋、打麻将、上网聊天、炒股、网购、玩电脑游戏、观看影视剧及娱乐节目等行为之一的，"
    "领导干部（副股级及以上）一律先免职再处理，一般工作人员一律先待岗再处理，执纪执法人员一律先调离原工作岗位再处理"
)
CLAUSE_F3_GRADE = "责任人该年度考核确定为不称职"
CLAUSE_F3_DEDUCTION = "相应扣减津补贴或绩效工资的{pct}%"
CLAUSE_F3_SERIOUS = "情节严重的依据有关规定追究纪律责任"
CLAUSE_F4 = "乡镇、县直机关单位年度内发生{n}起工作人员受到该《规定》第二种处理或被上级作风办查处的，党政主要负责人一律引咎辞职"
CLAUSE_F5 = "凡对交办事项推诿扯皮、处理不当或未按规定按时办结的，要对相关责任人进行诫勉谈话、取消年度评先评优资格"
CLAUSE_F5_REPEAT = "同一事项被交办2次以上仍未按时按质办结的，对责任人员予以先调离、待岗或免职后再处理，年度考核定为不称职，扣减年度绩效工资{pct}%"

# F3: the first measure for each kind of person, in the words of the paper.
FIRST_MEASURES = {
    "enforcement": ("transfer_first", "先调离原工作岗位再处理"),
    "leader": ("removal_first", "先免职再处理"),
    "staff": ("suspension_first", "先待岗再处理"),
}


@dataclass
class Handling:
    """What the F rules produce; `forced_grades` is read by the appraisal (A3)."""

    actions: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    forced_grades: dict[tuple[str, int], list[dict]] = field(default_factory=dict)

    def extend(self, other: Handling) -> None:
        self.actions += other.actions
        self.alerts += other.alerts
        for key, grades in other.forced_grades.items():
            self.forced_grades.setdefault(key, []).extend(grades)


def _incident_day(doc: Document) -> dt.date:
    return parse_date(doc.data["date"])


# ---------------------------------------------------------------- F3 banned behaviour


def first_measure(person: dict, policy: dict, day: dt.date) -> str:
    """F3: which first measure applies, by the policy's handling order.

    A person may be several kinds at once (an enforcement officer who is also a leader);
    the first kind in `handling_order` that the person is decides, by the stint held on the
    day of the incident. "leader" means its rank is at or above `leader_min_rank`; "staff"
    is everyone else.
    """
    stint = stint_at(person, day)
    leader = leader_rank(policy, stint["rank"])
    enforcement = stint.get("enforcement", False)
    kinds = {"enforcement": enforcement, "leader": leader, "staff": not leader}
    return next(k for k in policy["handling_order"] if kinds[k])


def measure_action(
    rule: str, pid: str, kind: str, day: dt.date, basis_: dict, ends, **extra
) -> dict:
    """F3, F5: the first measure for a kind of person (see `first_measure`).

    A suspension (待岗) lasts until a case on the incident is decided (`ends`, its date);
    until then it is an open restriction (`restricts: true`), which T4 reports as having
    no end yet. Removal and transfer are not restrictions in time.
    """
    measure, label = FIRST_MEASURES[kind]
    if measure != "suspension_first":
        return action(pid, rule, measure, day, basis_, label=label, **extra)
    if ends is None:
        return action(pid, rule, measure, day, basis_, label=label, restricts=True, **extra)
    return action(pid, rule, measure, day, basis_, ends, label=label, **extra)


def banned_behaviour(rec: Records, inc: Document, ends: dt.date | None) -> Handling:
    """F3: first measure by the handling order, grade 不称职, pay deducted, serious cases referred."""
    out = Handling()
    i = inc.data
    pid, day = i["person"], _incident_day(inc)
    year, policy = policy_in_force(rec, day.year)
    if policy is None:
        return out

    def act(type_: str, clause: str, until=None, **extra) -> dict:
        return action(
            pid, "F3", type_, day, basis(year, clause, [inc.path]), until, incident=i["id"], **extra
        )

    kind = first_measure(rec.people[pid].data, policy, day)
    the_basis = basis(year, CLAUSE_F3, [inc.path])
    out.actions.append(measure_action("F3", pid, kind, day, the_basis, ends, incident=i["id"]))
    share = policy["consequences"]["deduction_share"]
    pct = percent(share)
    label = f"扣减津补贴或绩效工资的{pct}%"
    clause = CLAUSE_F3_DEDUCTION.format(pct=pct)
    out.actions.append(act("pay_deduction", clause, label=label, deduction_share=str(dec(share))))
    if i.get("serious"):
        out.actions.append(act("discipline_referral", CLAUSE_F3_SERIOUS, label="移交追究纪律责任"))
    grade_basis = basis(year, CLAUSE_F3_GRADE, [inc.path], incident=i["id"])
    out.forced_grades[(pid, day.year)] = [
        {"grade": "incompetent", "rule": "F3", "basis": grade_basis}
    ]
    return out


# ---------------------------------------------------------------- F4 unit accountability


def accountability(rec: Records, counted: list[Document]) -> Handling:
    """F4: distinct people of one unit in one year handled under F3 or investigated by the conduct office.

    The unit is the one the person served in on the incident's date (from the history), so
    a later transfer does not move the count. From the day the threshold is reached, the
    unit's principal leaders who served there that year are to resign; the incidents are
    the basis.
    """
    out = Handling()
    groups: dict[tuple[str, int], dict[str, list[Document]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for inc in counted:
        day = _incident_day(inc)
        unit = stint_at(rec.people[inc.data["person"]].data, day)["unit"]
        groups[(unit, day.year)][inc.data["person"]].append(inc)
    for (unit, year), by_person in sorted(groups.items()):
        pyear, policy = policy_in_force(rec, year)
        if policy is None or len(by_person) < policy["accountability_threshold"]:
            continue
        threshold = policy["accountability_threshold"]
        reached = sorted(_incident_day(docs[0]) for docs in by_person.values())[threshold - 1]
        docs = sorted(
            (d for ds in by_person.values() for d in ds),
            key=lambda d: (d.data["date"], d.data["id"]),
        )
        ids = [d.data["id"] for d in docs]
        unit_doc = rec.units.get(unit)
        sources = [d.path for d in docs] + ([unit_doc.path] if unit_doc else [])
        message = (
            f"{year}年度本单位已有{len(by_person)}人受到禁止行为处理或被上级作风办查处，"
            f"达到{threshold}人，党政主要负责人应引咎辞职"
        )
        out.alerts.append(
            alert(
                "F4",
                "accountability_threshold",
                message,
                sources,
                unit=unit,
                day=reached,
                incidents=ids,
            )
        )
        the_basis = basis(pyear, CLAUSE_F4.format(n=threshold), sources)
        for pid in unit_doc.data["principal_leaders"] if unit_doc else []:
            person = rec.people.get(pid)
            if person and served_in(
                person.data, unit, dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
            ):
                out.actions.append(
                    action(
                        pid,
                        "F4",
                        "accountability_resignation",
                        reached,
                        the_basis,
                        label="引咎辞职",
                        unit=unit,
                        incidents=ids,
                    )
                )
    return out


# ---------------------------------------------------------------- F5 assigned matters


def assignments(rec: Records, incidents: list[Document], ends: dict[str, dt.date]) -> Handling:
    """F5: admonishment and no awards that year; a matter assigned twice or more and still not done is handled like F3.

    Repeats are counted per person and assignment id; "still not done" is read from the
    latest record of the matter (incidents come sorted by date, then id). No awards holds
    to the end of the incident's year. A suspension ends with the first decided case on
    any of the matter's incidents (`ends`, by incident id).
    """
    out = Handling()
    per_year: dict[tuple[str, int], list[Document]] = defaultdict(list)
    per_matter: dict[tuple[str, str], list[Document]] = defaultdict(list)
    for inc in incidents:
        i, day = inc.data, _incident_day(inc)
        year, policy = policy_in_force(rec, day.year)
        if policy is None:
            continue
        out.actions.append(
            action(
                i["person"],
                "F5",
                "admonishment_talk",
                day,
                basis(year, CLAUSE_F5, [inc.path]),
                label="诫勉谈话",
                incident=i["id"],
            )
        )
        per_year[(i["person"], day.year)].append(inc)
        per_matter[(i["person"], i["assignment"]["id"])].append(inc)
    for (pid, year), docs in sorted(per_year.items()):
        the_basis = basis(policy_in_force(rec, year)[0], CLAUSE_F5, [d.path for d in docs])
        ids = [d.data["id"] for d in docs]
        first = _incident_day(docs[0])
        out.actions.append(
            action(
                pid,
                "F5",
                "no_awards",
                first,
                the_basis,
                end_of_year(year),
                label="取消年度评先评优资格",
                incidents=ids,
            )
        )
    for (pid, matter), docs in sorted(per_matter.items()):
        day = _incident_day(docs[-1])
        pyear, policy = policy_in_force(rec, day.year)
        if len(docs) < policy["repeated_assignment"] or docs[-1].data["assignment"]["done"]:
            continue
        share = policy["consequences"]["deduction_share"]
        pct = percent(share)
        the_basis = basis(pyear, CLAUSE_F5_REPEAT.format(pct=pct), [d.path for d in docs])
        ids = [d.data["id"] for d in docs]
        extra = {"assignment": matter, "incidents": ids}
        kind = first_measure(rec.people[pid].data, policy, day)
        decided = min((ends[i] for i in ids if i in ends), default=None)
        out.actions.append(measure_action("F5", pid, kind, day, the_basis, decided, **extra))
        out.actions.append(
            action(
                pid,
                "F5",
                "pay_deduction",
                day,
                the_basis,
                label=f"扣减年度绩效工资{pct}%",
                deduction_share=str(dec(share)),
                **extra,
            )
        )
        grade = {"grade": "incompetent", "rule": "F5", "basis": the_basis | {"assignment": matter}}
        out.forced_grades.setdefault((pid, day.year), []).append(grade)
    return out


# ---------------------------------------------------------------- F1, F2 overview


def channel_overview(rec: Records, incidents: list[Document]) -> Handling:
    """F1: per year, how many findings arrived through each channel (internal; never per person)."""
    out = Handling()
    by_year: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for inc in incidents:
        by_year[_incident_day(inc).year][inc.data["channel"]].append(inc.path)
    for year, channels in sorted(by_year.items()):
        _, policy = policy_in_force(rec, year)
        names = {c["id"]: c["name"] for c in (policy or {}).get("channels", [])}
        order = [c for c in names if c in channels] + sorted(c for c in channels if c not in names)
        parts = "，".join(f"{names.get(c, c)}{len(channels[c])}条" for c in order)
        sources = [p for paths in channels.values() for p in paths]
        message = f"{year}年度发现途径：{parts}"
        out.alerts.append(
            alert("F1", "findings_by_channel", message, sources, day=end_of_year(year), year=year)
        )
    return out


def situations_without_case(rec: Records, incidents: list[Document]) -> Handling:
    """F2: a situation found about a person and no case opened on it yet."""
    out = Handling()
    named = {iid for doc in rec.cases.values() for iid in doc.data["incidents"]}
    for inc in incidents:
        i = inc.data
        if i["kind"] != "situation" or i["id"] in named:
            continue
        policy = policy_in_force(rec, _incident_day(inc).year)[1] or {}
        found = situation(policy, i.get("situation"))
        aspects = {a["id"]: a["name"] for a in policy.get("aspects", [])}
        what = (
            f"{aspects.get(found['aspect'], '')}方面：{found['name']}"
            if found
            else i.get("situation")
        )
        message = f"发现不胜任现职情形（{what}），尚未启动调整程序"
        day = _incident_day(inc)
        unit = stint_at(rec.people[i["person"]].data, day)["unit"]
        out.alerts.append(
            alert(
                "F2",
                "situation_without_case",
                message,
                [inc.path],
                i["person"],
                unit,
                day,
                incident=i["id"],
            )
        )
    return out


# ---------------------------------------------------------------- all F rules


def _suspension_ends(rec: Records, as_of: dt.date) -> dict[str, dt.date]:
    """Incident id -> the earliest decision (by `as_of`) of a case on it: when a 待岗 ends."""
    ends: dict[str, dt.date] = {}
    for doc in rec.cases.values():
        c = doc.data
        day = parse_date(c["decision"]["date"]) if "decision" in c else None
        if day is None or day > as_of:
            continue
        for iid in c["incidents"]:
            ends[iid] = min(day, ends.get(iid, day))
    return ends


def compute_handling(rec: Records, as_of: dt.date) -> Handling:
    """F1-F5 over every incident dated by `as_of`."""
    out = Handling()
    incidents = sorted(
        (
            d
            for d in rec.incidents.values()
            if _incident_day(d) <= as_of and d.data["person"] in rec.people
        ),
        key=lambda d: (d.data["date"], d.data["id"]),
    )
    ends = _suspension_ends(rec, as_of)
    out.extend(channel_overview(rec, incidents))
    out.extend(situations_without_case(rec, incidents))
    for inc in incidents:
        if inc.data["kind"] == "banned_behaviour":
            out.extend(banned_behaviour(rec, inc, ends.get(inc.data["id"])))
    counted = [
        d for d in incidents if d.data["kind"] in ("banned_behaviour", "conduct_investigation")
    ]
    out.extend(accountability(rec, counted))
    out.extend(assignments(rec, [d for d in incidents if d.data["kind"] == "assignment"], ends))
    return out
