"""Project stage: the public view of the results, built from an allow-list.

The computed results are internal: they hold retirement alerts derived from birth dates,
cases still in procedure, item scores and tallies. The public site receives only this
view, and the view is built field by field from what may be posted (DESIGN section 3):
grades (scores only where the policy publishes them), work-report summaries, points,
selection counts and placements, decisions from their decision date on, the A4-A7
consequences of posted grades, and the postings themselves. Anything not copied here
cannot reach a template or a download.

Deliberately left out although some schemas mark them public: the reason a person is
ungraded (it may say "under investigation"), two-way preference lists, incident summaries
and every F3-F5 action and alert, which are internal until a case decides on them.
"""

from __future__ import annotations

from decimal import Decimal

from .labels import CATEGORY_LABELS, GRADE_LABELS, OUTCOME_LABELS
from .model import Records
from .postings import policy_year
from .schema import public_view

GRADES = ("excellent", "competent", "basically_competent", "incompetent", "ungraded")
PENDING_LABEL = "待定（同分待考核委员会研究决定）"
CATEGORY_ORDER = ("principal", "deputy", "staff")
UNIT_KINDS = {"township": "乡镇", "department": "县直机关", "institution": "事业单位"}
KIND_LABELS = {
    "appraisal": "年度考核",
    "points": "月度积分",
    "selection": "竞争上岗",
    "decision": "干部调整",
}
STEP_RESULTS = {"upheld": "维持原决定", "changed": "变更处理方式"}
INCIDENT_KINDS = {
    "situation": "不胜任现职情形",
    "banned_behaviour": "工作时间禁止行为",
    "assignment": "交办事项推诿扯皮或办理不当",
    "conduct_investigation": "被上级作风办查处",
}
VOTE_OUTCOMES = {
    "elected": "选出",
    "tie": "票数相同，另行投票",
    "no_majority": "得票未过半数，另行投票",
    "no_quorum": "到会人数不足，另行投票",
}
CONSEQUENCE_RULES = ("A4", "A5", "A6", "A7")


def public_path(rec: Records, path: str) -> str:
    """A record path as the public sees it, `records/...`, whatever folder the build read."""
    prefix = rec.prefix.rstrip("/") + "/" if rec.prefix else ""
    if prefix and path.startswith(prefix):
        return "records/" + path[len(prefix) :]
    return path


def _name(rec: Records, pid: str | None) -> str:
    if pid is None:
        return ""
    doc = rec.people.get(pid)
    return doc.data["name"] if doc else pid


def _stint(rec: Records, pid: str, day: str) -> dict:
    """The history entry a person held on `day`, for the post shown beside the name."""
    doc = rec.people.get(pid)
    if doc is None:
        return {}
    held = [s for s in doc.data["history"] if s["start"] <= day]
    return held[-1] if held else doc.data["history"][0]


def _policy(rec: Records, year: int) -> dict:
    chosen = policy_year(rec, year)
    return rec.policies[chosen].data if chosen is not None else {}


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
            "name": _name(rec, a["person"]),
            "post": _stint(rec, a["person"], posting["start"]).get("post", ""),
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
                        "name": _name(rec, entry["person"]),
                        "post": _stint(rec, entry["person"], posting["start"]).get("post", ""),
                        "report": entry["report"],
                    }
                )
    people = {r["person"] for r in rows}
    consequences = [
        {
            "name": _name(rec, a["person"]),
            "rule": a["rule"],
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
        "work_reports": reports,
        "consequences": consequences,
        "distribution": distribution,
    }


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
            "name": _name(rec, e["person"]),
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
                        "name": _name(rec, c["person"]),
                        "votes": c["votes"],
                        "share": c["share"],
                        "elected": c["person"] in elected,
                    }
                    for c in r["candidates"]
                ],
                "elected": [_name(rec, p) for p in elected],
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
                "elected": [_name(rec, p) for p in (v.get("winners") or [v.get("winner")]) if p],
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
                "leader": _name(rec, p["leader"]),
                "deputies": [_name(rec, d) for d in p["deputies"]],
                "placed": [_name(rec, x["person"]) for x in p["placed"]],
                "members": len(p["members"]),
                "short": p["short"],
            }
            for p in sel["placement"]
        ],
        "unplaced": [_name(rec, p) for p in sel["unplaced"]],
        "clauses": [{"rule": k, "clause": v} for k, v in sel["basis"]["clauses"].items()],
        "parameters": dict(sel["basis"]["parameters"]),
    }


def _catalogue_name(policy: dict, incident: dict) -> str:
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
                "name": _catalogue_name(_policy(rec, int(i["date"][:4])), i),
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
        "name": _name(rec, person),
        "post": _stint(rec, person, decision["date"]).get("post", ""),
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
        "decided_outcome": (
            OUTCOME_LABELS.get(decision["outcome"], "") if outcome != decision["outcome"] else ""
        ),
        "summary": decision.get("summary", ""),
        "findings": findings,
        "steps": steps,
        "later": later,
        "rule": action["rule"] if action else "F6",
        "clause": action["basis"]["clause"] if action else "",
        "policy": {"title": policy.get("title", ""), "basis": policy.get("basis", "")},
    }


# ---------------------------------------------------------------- the whole view


def _head(rec: Records, posting: dict, history: dict | None) -> dict:
    sources = [public_path(rec, s) for s in posting["sources"]]
    if history is None:
        commits = None
    else:
        seen: dict[str, str] = {}
        for s in sources:
            for commit, date in history.get(s, []):
                seen[commit] = date
        commits = [
            {"commit": c, "date": d}
            for c, d in sorted(seen.items(), key=lambda cd: (cd[1], cd[0]), reverse=True)
        ]
    unit = rec.units.get(posting["unit"])
    head = {
        "id": posting["id"],
        "kind": posting["kind"],
        "kind_label": KIND_LABELS[posting["kind"]],
        "title": posting["title"],
        "unit": posting["unit"],
        "unit_name": unit.data["name"] if unit else posting["unit"],
        "year": posting["year"],
        "month": posting.get("month"),
        "start": posting["start"],
        "end": posting["end"],
        "open": posting["open"],
        "working_days": posting.get("working_days"),
        "contact": {k: posting["contact"][k] for k in ("office", "phone", "address")},
        "sources": sources,
        "commits": commits,
    }
    return head


def _unit_years(rec: Records, results: dict, postings: list[dict]) -> list[dict]:
    """Per unit and year: the grade distribution and monthly totals behind the charts, and year points."""
    published = {(p["kind"], p["unit"], p["year"], p.get("month")) for p in postings}
    out: dict[tuple[str, int], dict] = {}

    def slot(unit: str, year: int) -> dict:
        return out.setdefault(
            (unit, year),
            {"unit": unit, "year": year, "distribution": None, "months": [], "totals": None},
        )

    for p in postings:
        if p["kind"] == "appraisal":
            slot(p["unit"], p["year"])["distribution"] = p["body"]["distribution"]
        elif p["kind"] == "points":
            slot(p["unit"], p["year"])["months"].append(
                {"month": p["month"], "total": p["body"]["total"], "people": p["body"]["people"]}
            )
        else:
            slot(p["unit"], p["year"])
    tiers = {
        (t["year"], t["person"]): t["tier"]["name"] if t.get("tier") else ""
        for t in results.get("points", {}).get("people", [])
    }
    months_of: dict[tuple[int, str], list[int]] = {}
    for m in results.get("points", {}).get("months", []):
        months_of.setdefault((m["year"], m["unit"]), []).append(m["month"])
    for u in results.get("points", {}).get("units", []):
        key = (u["year"], u["unit"])
        # Year totals only when every month that entered them has been posted.
        if not all(
            ("points", u["unit"], u["year"], m) in published for m in months_of.get(key, [])
        ):
            continue
        slot(u["unit"], u["year"])["totals"] = [
            {
                "name": _name(rec, e["person"]),
                "rank": e["rank"],
                "total": e["total"],
                "months": e.get("months"),
                "tier": tiers.get((u["year"], e["person"]), ""),
            }
            for e in u["entries"]
        ]
    for v in out.values():
        v["months"].sort(key=lambda m: m["month"])
    return [out[k] for k in sorted(out)]


def _group(items: list[dict], key) -> dict:
    out: dict = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return out


def _parts(results: dict):
    """Each posting's part of the results, grouped once, so that no body scans the whole results.

    A body given its part filters it exactly as it would filter the whole.
    """
    appraisals = _group(results["appraisals"], lambda a: (a["year"], a["unit"]))
    actions = _group(results["actions"], lambda a: a.get("year"))
    decisions = _group(results["actions"], lambda a: a.get("case"))
    points = results.get("points", {})
    months = _group(points.get("months", []), lambda m: (m["year"], m["month"], m["unit"]))

    def part(p: dict) -> dict:
        if p["kind"] == "appraisal":
            return results | {
                "appraisals": appraisals.get((p["year"], p["unit"]), []),
                "actions": actions.get(p["year"], []),
            }
        if p["kind"] == "points":
            months_of = months.get((p["year"], p["month"], p["unit"]), [])
            return results | {"points": points | {"months": months_of}}
        if p["kind"] == "decision":
            return results | {"actions": decisions.get(p["id"].removeprefix("decision-"), [])}
        return results

    return part


def project(rec: Records, results: dict, history: dict | None = None) -> dict:
    """The public view: site facts, units, postings with their bodies, per-unit-year summaries.

    `history` maps public record paths (`records/...`) to [(commit, date), ...] of the
    commits that changed them, or is None when the records are not in git.
    """
    as_of = results["as_of"]
    postings = []
    part = _parts(results)
    for p in results["postings"]:
        if p["kind"] == "appraisal":
            body = appraisal_body(rec, part(p), p)
        elif p["kind"] == "points":
            body = points_body(rec, part(p), p)
        elif p["kind"] == "selection":
            body = selection_body(rec, results, p)
        else:
            body = decision_body(rec, part(p), p, as_of)
        if body is not None:
            postings.append(_head(rec, p, history) | {"body": body})
    source = results.get("source", {})
    units = [
        {
            "id": uid,
            "name": doc.data["name"],
            "kind": UNIT_KINDS.get(doc.data["kind"], ""),
            "years": sorted({p["year"] for p in postings if p["unit"] == uid}, reverse=True),
        }
        for uid, doc in sorted(rec.units.items())
    ]
    return {
        "as_of": as_of,
        "source": {
            "commit": source.get("commit"),
            "date": source.get("date"),
            "dirty": source.get("dirty"),
            "digest": source.get("digest"),
            "in_git": history is not None,
        },
        "years": sorted({p["year"] for p in postings}, reverse=True),
        "units": units,
        "postings": postings,
        "unit_years": _unit_years(rec, results, postings),
    }


def posting_rows(posting: dict) -> list[dict]:
    """One posting's data as flat rows with Chinese column names (the CSV download)."""
    b, kind = posting["body"], posting["kind"]
    if kind == "appraisal":
        rows = []
        for r in b["rows"]:
            row = {"姓名": r["name"], "职务": r["post"], "人员类别": r["category"]}
            if b["publish_scores"]:
                row["得分"] = r["score"] or ""
            row["等次"] = r["grade_label"]
            rows.append(row)
        return rows
    if kind == "points":
        rows = []
        for r in b["rows"]:
            row = {"排名": r["rank"], "姓名": r["name"]}
            row |= dict(zip(b["classes"], r["classes"], strict=True))
            row["月度合计"] = r["total"]
            row["积分事由"] = "；".join(
                f"{i['class']} {i['points']} {i['reason']}" for i in r["details"]
            )
            rows.append(row)
        return rows
    if kind == "selection":
        rows = []
        for post, votes in (("片线长", b["leaders"]), ("副片线长", b["deputies"])):
            for v in votes:
                for r in v["rounds"]:
                    for c in r["candidates"]:
                        rows.append(
                            {
                                "职位": post,
                                "片线": v["team"],
                                "轮次": r["round"],
                                "姓名": c["name"],
                                "得票": c["votes"],
                                "得票率": c["share"] or "",
                                "结果": "当选" if c["elected"] else "",
                            }
                        )
        for p in b["placement"]:
            for name in p["placed"]:
                rows.append({"职位": "双向选择", "片线": p["team"], "姓名": name, "结果": "安排"})
        for name in b["unplaced"]:
            rows.append({"职位": "双向选择", "姓名": name, "结果": "由单位统筹安排"})
        return rows
    return [
        {
            "姓名": b["name"],
            "职务": b["post"],
            "处理方式": b["outcome"],
            "决定日期": b["date"],
            "决定文号": b["reference"],
            "决定机构": b["body"],
            "会议": b["meeting"],
            "表决情况": b["vote"],
            "依据": f"{b['rule']} {b['clause']}",
        }
    ]
