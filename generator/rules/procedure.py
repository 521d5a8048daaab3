"""F6-F7: the adjustment procedure of a case, and the outcomes that fit its findings.

A case carries dated steps: verification, proposal, a meeting's decision, then a review or
an appeal. Nothing of a case is public before its decision, so a case yields an action
only once it is decided, and an internal alert on its stage before that. Whether the steps
are in order, in time and decided by a body with authority is checked before this runs
(`checks.cases`).
"""

from __future__ import annotations

import datetime as dt

from ..dates import parse_date
from ..labels import OUTCOME_LABELS, STAGE_LABELS, STEP_LABELS
from ..loader import Document
from ..model import Records, case_steps
from .shared import action, alert, basis, current, policy_in_force, situation

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


def step_dates(case: dict) -> dict[tuple[str, str], dt.date]:
    """Every dated step of a case, keyed by its path in the record."""
    return {k: parse_date(v) for k, v in case_steps(case).items()}


def case_stage(case: dict, as_of: dt.date, policy: dict | None) -> str:
    """F6: where a case stands on `as_of`, counting only steps dated by then.

    A decided case stays "decided" while a review or a direct appeal could still be filed
    (or an appeal after a review decision), and is "closed" once every filed step is
    decided and no window is open.
    """
    d = {k: v for k, v in step_dates(case).items() if v <= as_of}
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
    for step in STEP_LABELS:
        s = case.get(step, {})
        if (
            s.get("result") == "changed"
            and "outcome" in s
            and "decided" in s
            and parse_date(s["decided"]) <= as_of
        ):
            outcome = s["outcome"]
    return outcome


def case_result(rec: Records, doc: Document, as_of: dt.date) -> tuple[dict | None, dict | None]:
    """F6: the public action of a decided case, or before the decision an internal alert on its stage.

    The action's `type` is the outcome in force (after any review or appeal), `effective`
    the decision date, and it carries the case's `stage`; its basis gives the decision's
    reference and, under `fit`, the F7 clause the outcome rests on. Undecided cases only
    ever reach the alerts, which are not posted. Returns (action, alert), one of them None.
    """
    c = doc.data
    decided = parse_date(c["decision"]["date"]) if "decision" in c else None
    year, policy = policy_in_force(rec, (decided or as_of).year)
    stage = case_stage(c, as_of, policy)
    if decided is None or decided > as_of:
        last = max((v for v in step_dates(c).values() if v <= as_of), default=None)
        message = f"调整程序进行中：{STAGE_LABELS[stage]}（决定前不公示）"
        unit = current(rec.people[c["person"]].data)["unit"]
        return None, alert(
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
    outcome = final_outcome(c, as_of)
    extra = {"label": OUTCOME_LABELS[outcome], "case": c["id"], "stage": stage}
    if outcome != c["decision"]["outcome"]:
        extra["decided_outcome"] = c["decision"]["outcome"]
    if "summary" in c["decision"]:
        extra["summary"] = c["decision"]["summary"]
    fit = {"rule": "F7", "clause": FIT_CLAUSES.get(outcome, FIT_GENERAL)}
    reference = c["decision"]["reference"]
    the_basis = basis(year, CLAUSE_F6, [doc.path], reference=reference, fit=fit)
    return action(c["person"], "F6", outcome, decided, the_basis, **extra), None


def fitting_outcomes(rec: Records, case: dict) -> set[str] | None:
    """F7: outcomes that fit the case's incidents (the union over them), or None if none is known.

    A situation's fitting outcomes are in the policy's catalogue (`situations`); those of
    an incident without a situation code (a banned behaviour, an assigned matter, an
    investigation by the conduct office) in its `fitting_outcomes` table.
    """
    allowed: set[str] | None = None
    for iid in case["incidents"]:
        inc = rec.incidents.get(iid)
        if inc is None:
            continue
        i = inc.data
        if i["kind"] == "situation":
            year = parse_date(i["date"]).year
            found = situation(policy_in_force(rec, year)[1], i.get("situation"))
            if found is None:
                continue
            fits = set(found["outcomes"])
        else:
            table = policy_in_force(rec, parse_date(i["date"]).year)[1].get("fitting_outcomes", [])
            entry = next((f for f in table if f["kind"] == i["kind"]), None)
            if entry is None:
                continue
            fits = set(entry["outcomes"])
        allowed = fits | (allowed or set())
    return allowed


# F6: how long a review or an appeal may wait for its decision, unless the policy says
# otherwise (公务员法 第九十五条: 复核 within 30 days, 申诉 within 60 days of acceptance).
DECISION_DAYS = {"review": ("review_decision_days", 30), "appeal": ("appeal_decision_days", 60)}


def overdue_steps(rec: Records, doc: Document, as_of: dt.date) -> list[dict]:
    """F6: a review or appeal filed and still undecided past its window (an internal alert)."""
    c, out = doc.data, []
    for step, (key, default) in DECISION_DAYS.items():
        s = c.get(step)
        if not s or "decided" in s:
            continue
        filed = parse_date(s["filed"])
        policy = policy_in_force(rec, filed.year)[1] or {}
        due = filed + dt.timedelta(days=policy.get("appeal", {}).get(key, default))
        if due < as_of:
            message = f"{STEP_LABELS[step]}已于{filed.isoformat()}提出，应于{due.isoformat()}前作出决定，尚未记录"
            unit = current(rec.people[c["person"]].data)["unit"]
            out.append(
                alert(
                    "F6",
                    f"{step}_overdue",
                    message,
                    [doc.path],
                    c["person"],
                    unit,
                    due,
                    case=c["id"],
                )
            )
    return out


def compute_cases(rec: Records, as_of: dt.date) -> tuple[list[dict], list[dict]]:
    """F6 for every case on a known person: (actions of decided cases, alerts of the others
    and of reviews or appeals waiting past their window)."""
    actions, alerts = [], []
    for _, doc in sorted(rec.cases.items()):
        if doc.data["person"] in rec.people:
            done, pending = case_result(rec, doc, as_of)
            actions += [done] if done else []
            alerts += [pending] if pending else []
            alerts += overdue_steps(rec, doc, as_of)
    return actions, alerts
