"""A dossier per person: the whole record on one page, private fields included.

Every stint; each year's components, total and grade; points by month and year; every
action and restriction with its dates and basis; incidents and cases with their steps;
trials and probations; and what the department is alerted to or watches about the person.
"""

from __future__ import annotations

from ..labels import (
    CATEGORY_LABELS,
    EMPLOYMENT_LABELS,
    GENDER_LABELS,
    GRADE_LABELS,
    INCIDENT_KINDS,
    OUTCOME_LABELS,
    PROBATION_LABELS,
    STATUS_LABELS,
    STEP_LABELS,
    STEP_RESULTS,
    UNGRADED_REASONS,
)
from ..model import Records, case_steps
from ..rules.shared import policy_in_force
from ..rules.tenure import period_end
from ..site.project import public_path
from .names import rank_names, team_names, unit_ref
from .watching import watch_text

OUTCOMES = {"passed": "合格", "failed": "不合格"}
STEPS = {
    ("verification", "date"): "核实情况",
    ("proposal", "date"): "提出初步方案",
    ("decision", "date"): "会议决定",
    ("review", "filed"): "申请复核",
    ("review", "decided"): "复核决定",
    ("appeal", "filed"): "提出申诉",
    ("appeal", "decided"): "申诉决定",
}


def by_person(items: list[dict], key: str = "person") -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for item in items:
        out.setdefault(item.get(key), []).append(item)
    return out


def _stints(rec: Records, person: dict) -> list[dict]:
    out = []
    for s in person["history"]:
        ranks = rank_names(rec, int(s["start"][:4]))
        out.append(
            {
                "post": s["post"],
                "unit": unit_ref(rec, s["unit"]),
                "rank": ranks.get(s["rank"], s["rank"]),
                "category": CATEGORY_LABELS[s["category"]],
                "team": team_names(rec, s["unit"]).get(s.get("team"), s.get("team") or ""),
                "enforcement": s.get("enforcement", False),
                "specialist": s.get("specialist", False),
                "start": s["start"],
                "end": s.get("end"),
                "term": s.get("term"),
            }
        )
    return out


def _appraisals(rec: Records, rows: list[dict]) -> list[dict]:
    return [
        {
            "year": a["year"],
            "unit": unit_ref(rec, a["unit"]),
            "category": CATEGORY_LABELS.get(a["category"], a["category"]),
            "pool": a["pool"],
            "results": a["components"]["results"],
            "daily": a["components"]["daily"],
            "democratic": a["components"]["democratic"],
            "total": a["total"],
            "rank": a["rank"],
            "grade": GRADE_LABELS[a["grade"]] + ("（待研究）" if a.get("pending_decision") else ""),
            "reason": UNGRADED_REASONS.get(a.get("reason", ""), a.get("reason", "")),
            "forced_by": "、".join(a.get("forced_by", [])),
        }
        for a in sorted(rows, key=lambda a: a["year"])
    ]


def _points(rec: Records, pid: str, months: list[dict], years: list[dict]) -> dict:
    """Monthly totals and ranks within the unit with each item and its reason, and year totals."""
    out_months = []
    for m in sorted(months, key=lambda m: (m["year"], m["month"], m["unit"])):
        classes = policy_in_force(rec, m["year"])[1]["points"]["classes"]
        names = {c["id"]: c["name"] for c in classes}
        doc = rec.points.get((m["year"], m["month"], m["unit"]))
        items = [
            {
                "class": names.get(i["class"], i["class"]),
                "points": i["points"],
                "reason": i["reason"],
            }
            for e in (doc.data["entries"] if doc else [])
            if e["person"] == pid
            for i in e["items"]
        ]
        out_months.append(
            {
                "year": m["year"],
                "month": m["month"],
                "unit": unit_ref(rec, m["unit"]),
                "total": m["total"],
                "rank": m["rank"],
                "details": items,
            }
        )
    out_years = [
        {
            "year": y["year"],
            "total": y["total"],
            "tier": y["tier"]["name"] if y.get("tier") else "",
            "units": [unit_ref(rec, u)["name"] for u in y["units"]],
        }
        for y in sorted(years, key=lambda y: y["year"])
    ]
    return {"months": out_months, "years": out_years}


def _actions(actions: list[dict]) -> list[dict]:
    return [
        {
            "rule": a["rule"],
            "what": a.get("label") or OUTCOME_LABELS.get(a["type"], a["type"]),
            "effective": a["effective"],
            "until": a.get("until"),
            "open": bool(a.get("restricts")) and not a.get("until"),
            "clause": a["basis"].get("clause", ""),
            "reference": a["basis"].get("reference", ""),
        }
        for a in actions
    ]


def _incidents(rec: Records, pid: str) -> list[dict]:
    out = []
    for doc in sorted(rec.incidents.values(), key=lambda d: (d.data["date"], d.data["id"])):
        i = doc.data
        if i["person"] != pid:
            continue
        policy = policy_in_force(rec, int(i["date"][:4]))[1] or {}
        code = i.get("situation") or i.get("behaviour")
        catalogue = policy.get("situations", []) + policy.get("banned_behaviours", [])
        channels = {c["id"]: c["name"] for c in policy.get("channels", [])}
        out.append(
            {
                "id": i["id"],
                "date": i["date"],
                "channel": channels.get(i["channel"], i["channel"]),
                "kind": INCIDENT_KINDS.get(i["kind"], i["kind"]),
                "what": next((c["name"] for c in catalogue if c["code"] == code), code or ""),
                "serious": i.get("serious", False),
                "summary": i.get("summary", ""),
                "facts": i.get("facts", ""),
                "source": public_path(rec, doc.path),
            }
        )
    return out


def _cases(rec: Records, pid: str, alerts: list[dict]) -> list[dict]:
    stages = {a["case"]: a.get("stage") for a in alerts if a.get("case")}
    out = []
    for cid, doc in sorted(rec.cases.items()):
        c = doc.data
        if c["person"] != pid:
            continue
        steps = []
        for (step, key), day in sorted(case_steps(c).items(), key=lambda kv: kv[1]):
            part = c[step]
            detail = part.get("note", "") if step in ("verification", "proposal") else ""
            if step == "decision":
                detail = f"{part.get('reference', '')} {OUTCOME_LABELS.get(part['outcome'], '')}"
            if step in STEP_LABELS and key == "decided":
                detail = STEP_RESULTS.get(part.get("result", ""), "")
                detail += f" {OUTCOME_LABELS.get(part.get('outcome', ''), '')}"
            steps.append({"step": STEPS[(step, key)], "date": day, "detail": detail.strip()})
        out.append(
            {
                "id": cid,
                "incidents": c["incidents"],
                "steps": steps,
                "stage": stages.get(cid),
                "source": public_path(rec, doc.path),
            }
        )
    return out


def _probation(person: dict) -> list[dict]:
    return [
        {
            "kind": PROBATION_LABELS[p["kind"]],
            "start": p["start"],
            "months": p["months"],
            "end": period_end(p).isoformat(),
            "outcome": OUTCOMES.get(p.get("outcome", ""), "尚未记录"),
        }
        for p in person.get("probation", [])
    ]


def dossier(rec: Records, pid: str, parts: dict) -> dict:
    """One person's whole record; `parts` holds the results grouped by person (`index`)."""
    doc = rec.people[pid]
    p = doc.data
    stints = _stints(rec, p)
    alerts = parts["alerts"].get(pid, [])
    return {
        "id": pid,
        "name": p["name"],
        "gender": GENDER_LABELS[p["gender"]],
        "birth_date": p["birth_date"],
        "employment": EMPLOYMENT_LABELS[p["employment"]],
        "status": STATUS_LABELS[p["status"]],
        "now": stints[-1],
        "stints": stints,
        "appraisals": _appraisals(rec, parts["appraisals"].get(pid, [])),
        "points": _points(rec, pid, parts["months"].get(pid, []), parts["years"].get(pid, [])),
        "actions": _actions(parts["actions"].get(pid, [])),
        "alerts": alerts,
        "watch": [w | {"text": watch_text(w)} for w in parts["watch"].get(pid, [])],
        "incidents": _incidents(rec, pid),
        "cases": _cases(rec, pid, alerts),
        "probation": _probation(p),
        "source": public_path(rec, doc.path),
    }


def index(results: dict) -> dict:
    """The results grouped by person once, so that no dossier scans the whole results."""
    months: dict[str, list[dict]] = {}
    for m in results["points"]["months"]:
        for e in m["entries"]:
            row = {k: m[k] for k in ("year", "month", "unit")} | {
                "total": e["total"],
                "rank": e["rank"],
            }
            months.setdefault(e["person"], []).append(row)
    return {
        "appraisals": by_person(results["appraisals"]),
        "actions": by_person(results["actions"]),
        "alerts": by_person(results["alerts"]),
        "watch": by_person(results.get("watch", [])),
        "months": months,
        "years": by_person(results["points"]["people"]),
    }
