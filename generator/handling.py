"""F rules: findings about a person, the handling they call for, and the adjustment procedure.

Incidents (F1, F2) arrive through a channel and name a situation, a banned behaviour (F3),
an assigned matter (F5) or an investigation by the higher conduct office (F4). Banned
behaviours and repeated assigned matters act at once: a first measure, a forced grade of
不称职 for the year (applied by the appraisal through `forced_grades`) and a deduction of
pay. Cases (F6, F7) carry the procedure that may adjust a leader; nothing of a case is
public before its decision, so a case yields an action only once it is decided and an
internal alert before that.

Incidents dated after the as-of date have not happened yet for this computation and are
left out, so that results computed as of an earlier day match what was known then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .dates import days_between, end_of_year, iso, parse_date
from .findings import Finding, error, warning
from .labels import OUTCOME_LABELS
from .loader import Document
from .model import Records

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
CLAUSE_F6 = "调整按照干部管理权限进行，对初步调整对象，按照核实情况、提出初步方案、会议决定、申诉和复核等程序，作出妥善处置"

# F7: the paper's differentiated handling, by outcome, shown with a decided case's action.
_UNFIT = "对那些领导能力和水平不胜任所在层次领导职务的，改任非领导职务，或免职"
_MISTAKE = "对那些领导能力和水平较好，因一念之差犯错误的，进行交流或降职"
FIT_CLAUSES = {
    "non_leadership_post": _UNFIT,
    "removal": _UNFIT,
    "transfer": _MISTAKE,
    "demotion": _MISTAKE,
    "professional_post": "对那些不适应现职领导岗位，但有专业技术特长的，免去现职，让其从事熟悉的专业技术工作",
}
FIT_GENERAL = "对干部的处理和调整，既要严格执行政策规定……又要做到不重责轻罚、不轻责重罚"

# F3: the first measure for each kind of person, in the words of the paper.
FIRST_MEASURES = {
    "enforcement": ("transfer_first", "先调离原工作岗位再处理"),
    "leader": ("removal_first", "先免职再处理"),
    "staff": ("suspension_first", "先待岗再处理"),
}


# F6: severity of outcomes, light to heavy, so that a review or appeal never makes a measure
# worse. It follows the order of 《中国共产党组织处理规定（试行）》 (2021): 调整职务 (transfer,
# professional or non-leadership post) < 责令辞职 < 免职 < 降职; dismissal ends employment and
# is the heaviest. Outcomes of equal severity may replace each other.
OUTCOME_SEVERITY = {
    "no_change": 0,
    "transfer": 1,
    "professional_post": 2,
    "non_leadership_post": 2,
    "early_retirement": 3,
    "resignation": 3,
    "removal": 4,
    "demotion": 5,
    "dismissal": 6,
}

# F7: outcomes that fit incidents without a situation code. A banned behaviour is a
# one-off mistake or worse (交流或降职, up to 免职 and 辞退 as F3 foresees); an investigation
# by the conduct office is treated alike; an assigned matter calls for 调离、待岗或免职, or
# for no adjustment when the matter was handled once.
_MISCONDUCT = frozenset({"removal", "transfer", "demotion", "dismissal", "non_leadership_post"})
KIND_OUTCOMES = {
    "banned_behaviour": _MISCONDUCT,
    "conduct_investigation": _MISCONDUCT,
    "assignment": frozenset(
        {"no_change", "transfer", "removal", "non_leadership_post", "demotion"}
    ),
}

STAGE_LABELS = {
    "verification": "核实情况",
    "proposal": "提出初步方案",
    "decided": "已作出会议决定",
    "under_review": "复核中",
    "under_appeal": "申诉中",
    "closed": "程序终结",
}


@dataclass
class Handling:
    """What the F rules produce; `forced_grades` is read by the appraisal (A3)."""

    actions: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    forced_grades: dict[tuple[str, int], list[dict]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def extend(self, other: Handling) -> None:
        self.actions += other.actions
        self.alerts += other.alerts
        self.findings += other.findings
        for key, grades in other.forced_grades.items():
            self.forced_grades.setdefault(key, []).extend(grades)


# ---------------------------------------------------------------- shared helpers


def policy_in_force(rec: Records, year: int) -> tuple[int | None, dict | None]:
    """The policy of `year`, else the latest earlier one, else the earliest: (its year, its data)."""
    if not rec.policies:
        return None, None
    earlier = [y for y in rec.policies if y <= year]
    chosen = max(earlier) if earlier else min(rec.policies)
    return chosen, rec.policies[chosen].data


def stint_at(person: dict, day: dt.date) -> dict:
    """The history entry a person held on `day` (the last one started by then, else the first)."""
    held = [s for s in person["history"] if parse_date(s["start"]) <= day]
    return held[-1] if held else person["history"][0]


def basis(year: int | None, clause: str, sources: list[str], **extra) -> dict:
    return {"policy": year, "clause": clause, "sources": sorted(set(sources)), **extra}


def action(
    pid: str, rule: str, type_: str, effective: dt.date, basis_: dict, until=None, **extra
) -> dict:
    """An action in the shared shape; `until` is the last day a restriction applies."""
    return {
        "person": pid,
        "rule": rule,
        "type": type_,
        "effective": iso(effective),
        "until": iso(until),
        "basis": basis_,
        **extra,
    }


def alert(
    rule: str,
    type_: str,
    message: str,
    sources: list[str],
    person=None,
    unit=None,
    day=None,
    **extra,
) -> dict:
    """An internal alert in the shared shape (alerts are never posted)."""
    return {
        "rule": rule,
        "type": type_,
        "person": person,
        "unit": unit,
        "date": iso(day),
        "message": message,
        "sources": sorted(set(sources)),
        **extra,
    }


def percent(share) -> str:
    """A policy share as a percentage for Chinese text: 0.1 -> '10'."""
    return f"{(Decimal(str(share)) * 100).normalize():f}"


def _incident_day(doc: Document) -> dt.date:
    return parse_date(doc.data["date"])


def _err(doc: Document, path: tuple, rule: str, message: str, hint: str = "") -> Finding:
    line, col = doc.where(path)
    return error(doc.path, line, col, rule, message, hint)


# ---------------------------------------------------------------- F3 banned behaviour


def first_measure(person: dict, policy: dict, day: dt.date) -> str:
    """F3: which first measure applies, by the policy's handling order.

    A person may be several kinds at once (an enforcement officer who is also a leader);
    the first kind in `handling_order` that the person is decides. "leader" means the
    rank held on the day is at or above `leader_min_rank`; "staff" is everyone else.
    """
    ranks = [r["id"] for r in policy["ranks"]]
    rank = stint_at(person, day)["rank"]
    leader = rank in ranks and ranks.index(rank) >= ranks.index(policy["leader_min_rank"])
    kinds = {"enforcement": person["enforcement"], "leader": leader, "staff": not leader}
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
    out.actions.append(
        act("pay_deduction", clause, label=label, deduction_share=str(Decimal(str(share))))
    )
    if i.get("serious"):
        out.actions.append(act("discipline_referral", CLAUSE_F3_SERIOUS, label="移交追究纪律责任"))
    grade_basis = basis(year, CLAUSE_F3_GRADE, [inc.path], incident=i["id"])
    out.forced_grades[(pid, day.year)] = [
        {"grade": "incompetent", "rule": "F3", "basis": grade_basis}
    ]
    return out


# ---------------------------------------------------------------- F4 unit accountability


def _in_unit_during(person: dict, unit: str, year: int) -> bool:
    first, last = dt.date(year, 1, 1), end_of_year(year)
    return any(
        s["unit"] == unit
        and parse_date(s["start"]) <= last
        and ("end" not in s or parse_date(s["end"]) > first)
        for s in person["history"]
    )


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
            if person and _in_unit_during(person.data, unit, year):
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
                deduction_share=str(Decimal(str(share))),
                **extra,
            )
        )
        grade = {"grade": "incompetent", "rule": "F5", "basis": the_basis | {"assignment": matter}}
        out.forced_grades.setdefault((pid, day.year), []).append(grade)
    return out


# ---------------------------------------------------------------- F6 procedure


def _dates(case: dict) -> dict[tuple[str, str], dt.date]:
    """Every dated step of a case, keyed by its path in the record."""
    out = {}
    for step in ("verification", "proposal", "decision"):
        if step in case:
            out[(step, "date")] = parse_date(case[step]["date"])
    for step in ("review", "appeal"):
        for key in ("filed", "decided"):
            if key in case.get(step, {}):
                out[(step, key)] = parse_date(case[step][key])
    return out


ORDER_HINT = "按 核实情况→提出初步方案→会议决定→复核→申诉 的顺序核对日期"
# (later step, earlier step, message); an appeal follows the review when there is one.
STEP_ORDER = [
    ("proposal.date", "verification.date", "提出初步方案早于核实情况 (proposal too early)"),
    ("decision.date", "proposal.date", "会议决定早于初步方案 (decision before proposal)"),
    ("review.filed", "decision.date", "复核申请早于会议决定 (review before decision)"),
    ("review.decided", "review.filed", "复核决定早于复核申请 (review decided before filed)"),
    ("appeal.decided", "appeal.filed", "申诉决定早于申诉提出 (appeal decided before filed)"),
]
AFTER_REVIEW = ("appeal.filed", "review.decided", "申诉早于复核决定 (appeal before review result)")
DIRECT = ("appeal.filed", "decision.date", "申诉早于会议决定 (appeal before decision)")
STEP_NAMES = {"review": "复核", "appeal": "申诉"}


def procedure_findings(rec: Records, doc: Document, as_of: dt.date) -> list[Finding]:
    """F6: steps present, in order, in time, within the appeal windows, never heavier, by a body with authority.

    Windows count calendar days from the decision (or from the review decision for an
    appeal after review): filing on day `review_days` is in time, the next day is late.
    """
    c, d, out = doc.data, _dates(doc.data), []

    def flag(path: tuple, message: str, hint: str = "") -> None:
        out.append(_err(doc, path, "F6", message, hint))

    for path, day in sorted(d.items()):
        if day > as_of:
            flag(path, "日期晚于计算基准日 (date after the as-of date)", "未发生的步骤不要先录入")
    for later_key, earlier_key, message in [*STEP_ORDER, AFTER_REVIEW if "review" in c else DIRECT]:
        later, earlier = tuple(later_key.split(".")), tuple(earlier_key.split("."))
        if later in d and earlier in d and d[later] < d[earlier]:
            flag(later, message, ORDER_HINT)
    if "decision" in c and "proposal" not in c:
        flag(
            ("decision", "date"),
            "没有初步方案不得作出会议决定 (decision without a proposal)",
            "补录初步方案",
        )
    if "review" in c and "appeal" in c and "decided" not in c["review"]:
        flag(("appeal", "filed"), "复核尚未决定即提出申诉 (appeal while the review is pending)")
    decision = c.get("decision", {})
    if decision and not ("meeting" in decision and "vote" in decision):
        flag(
            ("decision",),
            "会议决定应记录会议名称和表决情况 (record the meeting and its vote)",
            "填写 meeting 和 vote",
        )
    vote = decision.get("vote")
    if vote and vote["for"] + vote["against"] + vote["abstain"] > vote["present"]:
        flag(("decision", "vote"), "表决票数合计超过到会人数 (more votes than members present)")
    elif vote and 2 * vote["for"] <= vote["present"]:
        flag(
            ("decision", "vote"),
            "同意票未超过到会人数的半数，决定不成立 (the decision lacks a majority)",
        )
    for step, name in STEP_NAMES.items():
        s = c.get(step)
        if s is None:
            continue
        if "decision" not in c:
            flag((step, "filed"), f"尚未作出会议决定，不能{name} (no decision to contest)")
        if "decided" in s and "result" not in s:
            flag(
                (step, "decided"),
                f"{name}已决定但未填写结果 (decided without a result)",
                "填写 result",
            )
        if s.get("result") == "changed" and "outcome" not in s:
            flag(
                (step, "result"),
                f"{name}变更了处理但未填写变更后的处理方式 (changed without an outcome)",
            )
    if "decision" in c:
        _windows_and_authority(rec, doc, d, flag)
    return out


def _windows_and_authority(rec: Records, doc: Document, d: dict, flag) -> None:
    """F6 for a decided case: review and appeal windows, no heavier change, the body's authority."""
    c = doc.data
    decided = d[("decision", "date")]
    _, policy = policy_in_force(rec, decided.year)
    if policy is None:
        return
    w = policy["appeal"]
    filed = d.get(("review", "filed"))
    if filed and days_between(decided, filed) > w["review_days"]:
        flag(
            ("review", "filed"),
            f"超过复核申请期限（决定后{w['review_days']}日内） (review too late)",
        )
    filed = d.get(("appeal", "filed"))
    if "review" in c:
        start, days, since = (
            d.get(("review", "decided")),
            w["appeal_after_review_days"],
            "复核决定后",
        )
    else:
        start, days, since = decided, w["direct_appeal_days"], "决定后"
    if filed and start and days_between(start, filed) > days:
        flag(("appeal", "filed"), f"超过申诉期限（{since}{days}日内） (appeal too late)")
    contested = c["decision"]["outcome"]
    for step, name in STEP_NAMES.items():
        s = c.get(step, {})
        if s.get("result") == "changed" and "outcome" in s:
            if OUTCOME_SEVERITY[s["outcome"]] > OUTCOME_SEVERITY[contested]:
                flag(
                    (step, "outcome"),
                    f"{name}变更后的处理重于原处理 (changed outcome heavier)",
                    "复核、申诉不得加重处理",
                )
            contested = s["outcome"]
    body = next((a for a in policy["authority"] if a["body"] == c["decision"]["body"]), None)
    rank = stint_at(rec.people[c["person"]].data, decided)["rank"]
    if body is not None and rank not in body["ranks"]:
        flag(
            ("decision", "body"),
            "决定机构无权对该职级人员作出调整 (body lacks authority over the rank)",
            "见政策 authority 表",
        )


def case_stage(case: dict, as_of: dt.date, policy: dict | None) -> str:
    """F6: where a case stands on `as_of`, counting only steps dated by then.

    A decided case stays "decided" while a review or a direct appeal could still be filed
    (or an appeal after a review decision), and is "closed" once every filed step is
    decided and no window is open.
    """
    d = {k: v for k, v in _dates(case).items() if v <= as_of}
    if ("decision", "date") not in d:
        return "proposal" if ("proposal", "date") in d else "verification"
    if ("appeal", "filed") in d and ("appeal", "decided") not in d:
        return "under_appeal"
    if ("review", "filed") in d and ("review", "decided") not in d:
        return "under_review"
    if ("appeal", "decided") in d or policy is None:
        return "closed"
    w = policy["appeal"]
    if ("review", "decided") in d:
        open_until = d[("review", "decided")] + dt.timedelta(days=w["appeal_after_review_days"])
    else:
        days = max(w["review_days"], w["direct_appeal_days"])
        open_until = d[("decision", "date")] + dt.timedelta(days=days)
    return "decided" if as_of <= open_until else "closed"


def final_outcome(case: dict, as_of: dt.date) -> str:
    """The outcome in force: the decision's, as changed by a review or appeal decided by `as_of`."""
    outcome = case["decision"]["outcome"]
    for step in STEP_NAMES:
        s = case.get(step, {})
        if (
            s.get("result") == "changed"
            and "outcome" in s
            and "decided" in s
            and parse_date(s["decided"]) <= as_of
        ):
            outcome = s["outcome"]
    return outcome


def case_result(rec: Records, doc: Document, as_of: dt.date) -> Handling:
    """F6: the public action of a decided case, or before the decision an internal alert on its stage.

    The action's `type` is the outcome in force (after any review or appeal), `effective`
    the decision date, and it carries the case's `stage`; its basis gives the decision's
    reference and, under `fit`, the F7 clause the outcome rests on. Undecided cases only
    ever reach the alerts, which are not posted.
    """
    out = Handling()
    c = doc.data
    decided = parse_date(c["decision"]["date"]) if "decision" in c else None
    year, policy = policy_in_force(rec, (decided or as_of).year)
    stage = case_stage(c, as_of, policy)
    if decided is None or decided > as_of:
        last = max((v for v in _dates(c).values() if v <= as_of), default=None)
        message = f"调整程序进行中：{STAGE_LABELS[stage]}（决定前不公示）"
        unit = rec.people[c["person"]].data["unit"]
        out.alerts.append(
            alert(
                "F6",
                "case_in_progress",
                message,
                [doc.path],
                c["person"],
                unit,
                last,
                case=c["id"],
                stage=stage,
            )
        )
        return out
    outcome = final_outcome(c, as_of)
    extra = {"label": OUTCOME_LABELS[outcome], "case": c["id"], "stage": stage}
    if outcome != c["decision"]["outcome"]:
        extra["decided_outcome"] = c["decision"]["outcome"]
    if "summary" in c["decision"]:
        extra["summary"] = c["decision"]["summary"]
    fit = {"rule": "F7", "clause": FIT_CLAUSES.get(outcome, FIT_GENERAL)}
    reference = c["decision"]["reference"]
    the_basis = basis(year, CLAUSE_F6, [doc.path], reference=reference, fit=fit)
    out.actions.append(action(c["person"], "F6", outcome, decided, the_basis, **extra))
    return out


# ---------------------------------------------------------------- F7 differentiated handling


def _situation(policy: dict | None, code: str | None) -> dict | None:
    return next((s for s in (policy or {}).get("situations", []) if s["code"] == code), None)


def fitting_outcomes(rec: Records, case: dict) -> set[str] | None:
    """F7: outcomes that fit the case's incidents (the union over them), or None if none is known."""
    allowed: set[str] | None = None
    for iid in case["incidents"]:
        inc = rec.incidents.get(iid)
        if inc is None:
            continue
        i = inc.data
        if i["kind"] == "situation":
            situation = _situation(
                policy_in_force(rec, _incident_day(inc).year)[1], i.get("situation")
            )
            if situation is None:
                continue
            fits = set(situation["outcomes"])
        else:
            fits = set(KIND_OUTCOMES[i["kind"]])
        allowed = fits | (allowed or set())
    return allowed


def outcome_fit_findings(rec: Records, doc: Document) -> list[Finding]:
    """F7: the decided outcome must be one the findings call for, neither heavier nor lighter."""
    c, out = doc.data, []
    if "decision" not in c:
        return out
    outcome = c["decision"]["outcome"]
    allowed = fitting_outcomes(rec, c)
    if allowed is not None and outcome not in allowed:
        labels = "、".join(
            OUTCOME_LABELS[o] for o in sorted(allowed, key=lambda o: (OUTCOME_SEVERITY[o], o))
        )
        out.append(
            _err(
                doc,
                ("decision", "outcome"),
                "F7",
                "处理与情形不相当 (outcome does not fit the finding)",
                f"可选：{labels}",
            )
        )
    if outcome == "professional_post" and not rec.people[c["person"]].data.get("specialist"):
        line, col = doc.where(("decision", "outcome"))
        message = (
            "改任专业技术岗位适用于有专业技术特长的干部 (professional post is for specialists)"
        )
        out.append(warning(doc.path, line, col, "F7", message, "核对人员记录的 specialist"))
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
        situation = _situation(policy, i.get("situation"))
        aspects = {a["id"]: a["name"] for a in policy.get("aspects", [])}
        what = (
            f"{aspects.get(situation['aspect'], '')}方面：{situation['name']}"
            if situation
            else i.get("situation")
        )
        message = f"发现不胜任现职情形（{what}），尚未启动调整程序"
        unit = rec.people[i["person"]].data["unit"]
        day = _incident_day(inc)
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
    """F1-F7 over every incident and case, as of one date."""
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
    for _, doc in sorted(rec.cases.items()):
        if doc.data["person"] in rec.people:
            out.findings += procedure_findings(rec, doc, as_of) + outcome_fit_findings(rec, doc)
            out.extend(case_result(rec, doc, as_of))
    return out
