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

from ..labels import POSTING_KINDS, UNIT_KINDS
from ..model import Records
from .basis import posting_basis, public_policies
from .bodies import appraisal_body, decision_body, name_of, points_body, selection_body


def public_path(rec: Records, path: str) -> str:
    """A record path as the public sees it, `records/...`, whatever folder the build read."""
    prefix = rec.prefix.rstrip("/") + "/" if rec.prefix else ""
    if prefix and path.startswith(prefix):
        return "records/" + path[len(prefix) :]
    return path


# ---------------------------------------------------------------- the whole view


def commits_of(sources: list[str], history: dict | None) -> list[dict] | None:
    """The commits that changed any of a posting's records, newest first; None outside git."""
    if history is None:
        return None
    seen: dict[str, str] = {}
    for s in sources:
        for commit, date in history.get(s, []):
            seen[commit] = date
    return [
        {"commit": c, "date": d}
        for c, d in sorted(seen.items(), key=lambda cd: (cd[1], cd[0]), reverse=True)
    ]


def _head(rec: Records, posting: dict, history: dict | None) -> dict:
    sources = [public_path(rec, s) for s in posting["sources"]]
    commits = commits_of(sources, history)
    unit = rec.units.get(posting["unit"])
    head = {
        "id": posting["id"],
        "kind": posting["kind"],
        "kind_label": POSTING_KINDS[posting["kind"]],
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
                "name": name_of(rec, e["person"]),
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
    pools = _group(results["appraisals"], lambda a: (a["year"], a["pool"]))
    numbered = _group(
        enumerate(results["actions"]), lambda ia: (ia[1].get("year"), ia[1].get("person"))
    )
    decisions = _group(results["actions"], lambda a: a.get("case"))
    points = results.get("points", {})
    months = _group(points.get("months", []), lambda m: (m["year"], m["month"], m["unit"]))

    def part(p: dict) -> dict:
        if p["kind"] == "appraisal":
            own = appraisals.get((p["year"], p["unit"]), [])
            people = {a["person"] for a in own}
            mine = sorted(
                (ia for pid in people for ia in numbered.get((p["year"], pid), [])),
                key=lambda ia: ia[0],
            )
            return results | {
                "appraisals": own,
                "actions": [a for _, a in mine],  # the year's actions of its people, in order
                "pools": {a["pool"]: pools[(p["year"], a["pool"])] for a in own},
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
    policies = public_policies(rec)
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
            head = _head(rec, p, history)
            postings.append(head | {"body": body, "basis": posting_basis(rec, p, body, policies)})
    units = [
        {"id": uid, "name": doc.data["name"], "kind": UNIT_KINDS.get(doc.data["kind"], "")}
        for uid, doc in sorted(rec.units.items())
    ]
    return assemble(
        as_of,
        results.get("source", {}),
        history,
        postings,
        units,
        _unit_years(rec, results, postings),
    )


def assemble(
    as_of: str,
    source: dict,
    history: dict | None,
    postings: list[dict],
    units: list[dict],
    unit_years: list[dict],
) -> dict:
    """The view from its parts: postings in order, units by id, unit-years by unit and year.

    Everything else (the years, each unit's years, the site-wide version) follows from
    these, so a view put together from parts (`view_cache`) is the same as a whole one.
    """
    years_of = _group(postings, lambda p: p["unit"])
    return {
        "as_of": as_of,
        # The site's name, address and records repository: `build` fills them in from mkdocs.yml.
        "site": {"name": None, "site_url": None, "repo_url": None},
        "source": {
            "commit": source.get("commit"),
            "date": source.get("date"),
            "dirty": source.get("dirty"),
            "digest": source.get("digest"),
            "in_git": history is not None,
            # when a commit last changed any record (HEAD may change only code)
            "updated": max(
                (d for changes in (history or {}).values() for _, d in changes), default=None
            ),
        },
        "years": sorted({p["year"] for p in postings}, reverse=True),
        "units": [
            {**u, "years": sorted({p["year"] for p in years_of.get(u["id"], [])}, reverse=True)}
            for u in units
        ],
        "postings": postings,
        "unit_years": unit_years,
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
