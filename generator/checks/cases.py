"""Checks of cases: F6's procedure (steps, order, windows, votes, authority) and F7's fit.

They read the case record, the policy in force and the as-of date: a step dated after the
as-of date has not happened yet and is refused rather than counted.
"""

from __future__ import annotations

import datetime as dt

from ..dates import days_between, parse_date
from ..findings import Finding, error_at, warning_at
from ..labels import OUTCOME_LABELS, STEP_LABELS
from ..loader import Document
from ..model import Records
from ..rules.procedure import OUTCOME_SEVERITY, fitting_outcomes, step_dates
from ..rules.shared import leader_rank, leadership_member, policy_in_force, stint_at

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


def procedure_findings(rec: Records, doc: Document) -> list[Finding]:
    """F6: steps present, in order, in time, within the appeal windows, never heavier, by a body with authority.

    Windows count calendar days from the decision (or from the review decision for an
    appeal after review): filing on day `review_days` is in time, the next day is late.
    """
    c, d, out = doc.data, step_dates(doc.data), []

    def flag(path: tuple, message: str, hint: str = "") -> None:
        out.append(error_at(doc, path, "F6", message, hint))

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
    for step, name in STEP_LABELS.items():
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
    for step, name in STEP_LABELS.items():
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
            error_at(
                doc,
                ("decision", "outcome"),
                "F7",
                "处理与情形不相当 (outcome does not fit the finding)",
                f"可选：{labels}",
            )
        )
    stint = stint_at(rec.people[c["person"]].data, parse_date(c["decision"]["date"]))
    if outcome == "professional_post" and not stint.get("specialist"):
        message = (
            "改任专业技术岗位适用于有专业技术特长的干部 (professional post is for specialists)"
        )
        hint = "核对决定之日所任职务的 specialist"
        out.append(warning_at(doc, ("decision", "outcome"), "F7", message, hint))
    if outcome == "non_leadership_post" and not leads(rec, stint, c["decision"]["date"]):
        message = "改任非领导职务适用于担任领导职务的干部 (non-leadership post is for leaders)"
        hint = "核对决定之日所任职务的人员类别和职级"
        out.append(warning_at(doc, ("decision", "outcome"), "F7", message, hint))
    return out


def leads(rec: Records, stint: dict, day: str) -> bool:
    """Whether a stint is a leading post: on the unit's leadership, or at or above the
    policy's `leader_min_rank` (副股级及以上, as F3 counts leaders)."""
    policy = policy_in_force(rec, int(day[:4]))[1]
    return leadership_member(stint) or leader_rank(policy, stint["rank"])


def check_cases(rec: Records, as_of: dt.date) -> list[Finding]:
    """F6 and F7 for every case on a known person."""
    out: list[Finding] = []
    for _, doc in sorted(rec.cases.items()):
        if doc.data["person"] in rec.people:
            out += procedure_findings(rec, doc) + outcome_fit_findings(rec, doc)
    return out


def check_case_references(rec: Records) -> list[Finding]:
    """Every case names a known person, incidents about that person, and a known deciding body."""
    out: list[Finding] = []
    for doc in rec.cases.values():
        c = doc.data
        if c["person"] not in rec.people:
            out.append(
                error_at(doc, ("person",), "person", f"人员 {c['person']} 不存在 (unknown person)")
            )
        for n, iid in enumerate(c["incidents"]):
            inc = rec.incidents.get(iid)
            if inc is None:
                out.append(
                    error_at(
                        doc,
                        ("incidents", n),
                        "incident",
                        f"问题线索 {iid} 不存在 (unknown incident)",
                    )
                )
            elif inc.data["person"] != c["person"]:
                out.append(
                    error_at(
                        doc,
                        ("incidents", n),
                        "incident",
                        f"问题线索 {iid} 不是关于本人的 (incident is about someone else)",
                    )
                )
        policy = (
            policy_in_force(rec, int(c["decision"]["date"][:4]))[1] if "decision" in c else None
        )
        if policy and c["decision"]["body"] not in {a["body"] for a in policy["authority"]}:
            out.append(
                error_at(
                    doc,
                    ("decision", "body"),
                    "F6",
                    "决定机构不在干部管理权限表中 (unknown deciding body)",
                )
            )
    return out
