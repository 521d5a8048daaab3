"""The body of each kind of posting, built field by field from what may be posted.

See `project` for what is public and why; each builder here receives the records and the
part of the results its posting needs, and returns plain values for the templates.
"""

from __future__ import annotations

from decimal import Decimal

from ..dates import parse_date
from ..labels import (
    CATEGORY_LABELS,
    CATEGORY_ORDER,
    GRADE_LABELS,
    INCIDENT_KINDS,
    OUTCOME_LABELS,
    PENDING_LABEL,
    STEP_RESULTS,
    VOTE_OUTCOMES,
)
from ..model import Records
from ..rules.scoring import excellent_limit
from ..rules.shared import percent, policy_in_force, stint_at
from ..schema import public_view

GRADES = ("excellent", "competent", "basically_competent", "incompetent", "ungraded")
CONSEQUENCE_RULES = ("A4", "A5", "A6", "A7")


def name_of(rec: Records, pid: str | None) -> str:
    if pid is None:
        return ""
    doc = rec.people.get(pid)
    return doc.data["name"] if doc else pid


def _post(rec: Records, pid: str, day: str) -> str:
    """The post a person held on `day`, shown beside the name."""
    doc = rec.people.get(pid)
    return stint_at(doc.data, parse_date(day)).get("post", "") if doc else ""


def _policy(rec: Records, year: int) -> dict:
    return policy_in_force(rec, year)[1] or {}


def _signed(value) -> str:
    d = Decimal(str(value))
    return f"{d:+f}" if d else "0"


def _team_names(rec: Records, unit: str) -> dict[str, str]:
    doc = rec.units.get(unit)
    return {t["id"]: t["name"] for t in (doc.data.get("teams", []) if doc else [])}


# ---------------------------------------------------------------- one builder per kind


def appraisal_body(rec: Records, results: dict, posting: dict) -> dict:
    """Grades per person (score if published), work-report summaries, A4-A7 consequences."""
    year, unit = posting["year"], posting["unit"]
    policy = _policy(rec, year)
    publish = bool(policy.get("grading", {}).get("publish_scores"))
    labels = {c: t["name"] for c, t in policy.get("templates", {}).items()}
    rows = []
    appraised = [a for a in results["appraisals"] if a["year"] == year and a["unit"] == unit]
    appraised.sort(key=lambda a: CATEGORY_ORDER.index(a["category"]))  # stable: keeps rank order
    for a in appraised:
        pending = bool(a.get("pending_decision"))
        row = {
            "person": a["person"],
            "name": name_of(rec, a["person"]),
            "post": _post(rec, a["person"], posting["start"]),
            "category": labels.get(a["category"], CATEGORY_LABELS.get(a["category"], "")),
            "grade": "pending" if pending else a["grade"],
            "grade_label": PENDING_LABEL if pending else GRADE_LABELS[a["grade"]],
            "score": a["total"] if publish and a["grade"] != "ungraded" else None,
            "decision": None,
        }
        if a.get("decision"):
            row["decision"] = {
                "reference": a["decision"]["reference"],
                "date": a["decision"]["date"],
            }
        rows.append(row)
    reports = []
    doc = rec.appraisals.get((year, unit))
    if doc is not None:
        order = {r["person"]: n for n, r in enumerate(rows)}
        entries = public_view("appraisal", doc.data)["entries"]
        for entry in sorted(entries, key=lambda e: order.get(e["person"], len(order))):
            if entry.get("report"):
                reports.append(
                    {
                        "name": name_of(rec, entry["person"]),
                        "post": _post(rec, entry["person"], posting["start"]),
                        "report": entry["report"],
                    }
                )
    people = {r["person"] for r in rows}
    consequences = [
        {
            "name": name_of(rec, a["person"]),
            "rule": a["rule"],
            "type": a["type"],
            "label": a.get("label", a["type"]),
            "effective": a["effective"],
            "until": a["until"],
            "clause": a["basis"]["clause"],
        }
        for a in results["actions"]
        if a["rule"] in CONSEQUENCE_RULES and a.get("year") == year and a["person"] in people
    ]
    counts = {g: 0 for g in (*GRADES, "pending")}
    for r in rows:
        counts[r["grade"]] += 1
    distribution = [
        {"grade": g, "label": GRADE_LABELS.get(g, "待定"), "count": counts[g]}
        for g in (*GRADES, "pending")
        if counts[g] or g in GRADES[:4]
    ]
    return {
        "publish_scores": publish,
        "rows": [{k: v for k, v in r.items() if k != "person"} for r in rows],
        "limits": _limits(rec, results, year, policy),
        "work_reports": reports,
        "consequences": consequences,
        "distribution": distribution,
    }


def _limits(rec: Records, results: dict, year: int, policy: dict) -> list[dict]:
    """A3: for each grading pool of the posting, the 优秀 limit and the number it is a share of.

    A pool may reach beyond the unit (a county that grades by category alone), so the
    counts come from the whole pool (`pools` in the posting's part of the results).
    """
    grading = policy.get("grading")
    if not grading:
        return []
    out = []

    def order(pool: str) -> tuple:
        last = pool.rsplit("/", 1)[-1]
        return (CATEGORY_ORDER.index(last) if last in CATEGORY_ORDER else -1, pool)

    for pool, members in sorted(results.get("pools", {}).items(), key=lambda pm: order(pm[0])):
        graded = sum(a["grade"] != "ungraded" for a in members)
        limit, base = excellent_limit(len(members), graded, grading)
        parts = [
            rec.units[p].data["name"] if p in rec.units else CATEGORY_LABELS.get(p, p)
            for p in pool.split("/")
        ]
        out.append(
            {
                "pool": "·".join(parts),
                "appraised": len(members),
                "graded": graded,
                "base": base,
                "base_label": "参加考核" if base == len(members) else "定等次",
                "share": percent(grading["excellent_share"]),
                "limit": limit,
                "excellent": sum(a["grade"] == "excellent" for a in members),
            }
        )
    return out


def points_body(rec: Records, results: dict, posting: dict) -> dict:
    """The month's table: points by class with the posted reasons, month total and rank."""
    year, month, unit = posting["year"], posting["month"], posting["unit"]
    classes = _policy(rec, year).get("points", {}).get("classes", [])
    class_names = {c["id"]: c["name"] for c in classes}
    month_result = next(
        (
            m
            for m in results.get("points", {}).get("months", [])
            if (m["year"], m["month"], m["unit"]) == (year, month, unit)
        ),
        {"entries": []},
    )
    items: dict[str, list[dict]] = {}
    doc = rec.points.get((year, month, unit))
    if doc is not None:
        for entry in public_view("points", doc.data)["entries"]:
            items.setdefault(entry["person"], []).extend(
                {
                    "class": class_names.get(i["class"], i["class"]),
                    "points": _signed(i["points"]),
                    "reason": i["reason"],
                }
                for i in entry["items"]
            )
    rows = [
        {
            "name": name_of(rec, e["person"]),
            "rank": e["rank"],
            "total": e["total"],
            "classes": [e["classes"].get(c["id"], "") for c in classes],
            "details": items.get(e["person"], []),
        }
        for e in month_result["entries"]
    ]
    total = sum((Decimal(e["total"]) for e in month_result["entries"]), Decimal(0))
    return {
        "classes": [c["name"] for c in classes],
        "rows": rows,
        "people": len(rows),
        "total": str(total),
    }


def _rounds(rec: Records, rounds: list[dict]) -> list[dict]:
    out = []
    for r in rounds:
        elected = [p for p in (r.get("winners") or [r.get("winner")]) if p]
        out.append(
            {
                "round": r["round"],
                "ballots": dict(r["ballots"]),
                "seats": r.get("seats", 1),
                "outcome": VOTE_OUTCOMES.get(r["outcome"], r["outcome"]),
                "candidates": [
                    {
                        "name": name_of(rec, c["person"]),
                        "votes": c["votes"],
                        "share": c["share"],
                        "elected": c["person"] in elected,
                    }
                    for c in r["candidates"]
                ],
                "elected": [name_of(rec, p) for p in elected],
            }
        )
    return out


def selection_body(rec: Records, results: dict, posting: dict) -> dict | None:
    """S1-S3: open-vote counts, secret-ballot totals, elected, placements and the unplaced."""
    sid = posting["id"].removeprefix("selection-")
    sel = next((s for s in results.get("selections", []) if s["id"] == sid), None)
    if sel is None:
        return None
    teams = _team_names(rec, sel["unit"])

    def votes(kind: str) -> list[dict]:
        return [
            {
                "team": teams.get(v["team"], v["team"]),
                "rounds": _rounds(rec, v["rounds"]),
                "elected": [name_of(rec, p) for p in (v.get("winners") or [v.get("winner")]) if p],
                "rounds_needed": v["rounds_needed"],
            }
            for v in sel[kind]
        ]

    return {
        "effective": sel["effective"],
        "participants": sel["participants"],
        "leaders": votes("leaders"),
        "deputies": votes("deputies"),
        "placement": [
            {
                "team": teams.get(p["team"], p["team"]),
                "quota": p["quota"],
                "leader": name_of(rec, p["leader"]),
                "deputies": [name_of(rec, d) for d in p["deputies"]],
                "placed": [name_of(rec, x["person"]) for x in p["placed"]],
                "members": len(p["members"]),
                "short": p["short"],
            }
            for p in sel["placement"]
        ],
        "unplaced": [name_of(rec, p) for p in sel["unplaced"]],
        "clauses": [{"rule": k, "clause": v} for k, v in sel["basis"]["clauses"].items()],
        "parameters": dict(sel["basis"]["parameters"]),
    }


def _cataloguename_of(policy: dict, incident: dict) -> str:
    code = incident.get("situation") or incident.get("behaviour")
    for listname in ("situations", "banned_behaviours"):
        for item in policy.get(listname, []):
            if item["code"] == code:
                return item["name"]
    return ""


def decision_body(rec: Records, results: dict, posting: dict, as_of: str) -> dict | None:
    """F6/F7: the decision, its outcome in force and rule basis; steps dated by the as-of date."""
    cid = posting["id"].removeprefix("decision-")
    doc = rec.cases.get(cid)
    if doc is None or "decision" not in doc.data:
        return None
    case = public_view("case", doc.data)
    decision = case["decision"]
    action = next(
        (a for a in results["actions"] if a["rule"] == "F6" and a.get("case") == cid), None
    )
    policy = _policy(rec, posting["year"])
    bodies = {a["body"]: a["name"] for a in policy.get("authority", [])}
    outcome = action["type"] if action else decision["outcome"]
    findings = []
    for iid in case["incidents"]:
        inc = rec.incidents.get(iid)
        if inc is None:
            continue
        i = public_view("incident", inc.data)
        findings.append(
            {
                "kind": INCIDENT_KINDS.get(i["kind"], ""),
                "name": _cataloguename_of(_policy(rec, int(i["date"][:4])), i),
            }
        )
    steps = [
        {"step": label, "date": case[key]["date"]}
        for key, label in (
            ("verification", "核实情况"),
            ("proposal", "提出初步方案"),
            ("decision", "会议决定"),
        )
        if key in case
    ]
    later = []
    for key, label in (("review", "复核"), ("appeal", "申诉")):
        s = case.get(key)
        if not s or s["filed"] > as_of:
            continue
        decided = s.get("decided") if s.get("decided", "9999") <= as_of else None
        later.append(
            {
                "step": label,
                "filed": s["filed"],
                "decided": decided,
                "result": STEP_RESULTS.get(s.get("result", ""), "") if decided else "",
                "outcome": OUTCOME_LABELS.get(s.get("outcome", ""), "") if decided else "",
            }
        )
    person = case["person"]
    return {
        "name": name_of(rec, person),
        "post": _post(rec, person, decision["date"]),
        "date": decision["date"],
        "reference": decision["reference"],
        "body": bodies.get(decision["body"], decision["body"]),
        "meeting": decision.get("meeting", ""),
        "vote": (
            "到会{present}人，同意{for}票，反对{against}票，弃权{abstain}票".format(
                **decision["vote"]
            )
            if "vote" in decision
            else ""
        ),
        "outcome": OUTCOME_LABELS.get(outcome, outcome),
        "outcome_type": outcome,
        "decided_outcome": (
            OUTCOME_LABELS.get(decision["outcome"], "") if outcome != decision["outcome"] else ""
        ),
        "summary": decision.get("summary", ""),
        "findings": findings,
        "steps": steps,
        "later": later,
        "rule": action["rule"] if action else "F6",
        "clause": action["basis"]["clause"] if action else "",
        "fit": dict(action["basis"]["fit"]) if action and action["basis"].get("fit") else None,
    }
