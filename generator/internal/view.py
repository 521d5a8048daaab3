"""The internal view: the results and the records, as the department's pages need them.

Unlike the public projection (`site.project`), nothing here is filtered by `x-public`: the
view holds private fields and internal alerts, which is why it is only ever built into a
folder of its own and never published.
"""

from __future__ import annotations

import datetime as dt

from ..dates import parse_date
from ..labels import CATEGORY_ORDER, GRADE_LABELS, UNIT_KINDS
from ..model import Records
from ..rules.shared import ACTIVE, current, leadership_member, policy_in_force
from ..rules.watch import SIGNALS
from ..site.project import public_path
from .dossier import dossier, index
from .due import due_items
from .names import person_ref, unit_ref
from .watching import watch_text

GRADES = ("excellent", "competent", "basically_competent", "incompetent", "ungraded")


def watch_list(rec: Records, results: dict) -> list[dict]:
    return [
        {
            "person": person_ref(rec, w["person"]),
            "unit": unit_ref(rec, w["unit"]),
            "year": w["year"],
            "signal": w["signal"],
            "label": SIGNALS[w["signal"]],
            "text": watch_text(w),
            "sources": [public_path(rec, s) for s in w["sources"]],
        }
        for w in results.get("watch", [])
    ]


def unit_page(rec: Records, uid: str, results: dict) -> dict:
    """Q1/Q2 headroom now, teams, the people in post and each year's grades."""
    u = rec.units[uid].data
    people = [
        (pid, current(d.data))
        for pid, d in sorted(rec.people.items())
        if d.data["status"] in ACTIVE and current(d.data)["unit"] == uid
    ]
    leaders = [pid for pid, now in people if leadership_member(now)]
    teams = [
        {
            "name": t["name"],
            "establishment": t["establishment"],
            "members": [person_ref(rec, pid) for pid, now in people if now.get("team") == t["id"]],
        }
        for t in u.get("teams", [])
    ]
    years: dict[int, dict[str, int]] = {}
    for a in results["appraisals"]:
        if a["unit"] == uid:
            counts = years.setdefault(a["year"], dict.fromkeys(GRADES, 0))
            counts[a["grade"]] += 1
    grades = [
        {
            "year": year,
            "distribution": [
                {"grade": g, "label": GRADE_LABELS[g], "count": counts[g]}
                for g in GRADES
                if counts[g] or g != "ungraded"
            ],
        }
        for year, counts in sorted(years.items(), reverse=True)
    ]
    order = {c: n for n, c in enumerate(CATEGORY_ORDER)}
    return {
        "id": uid,
        "name": u["name"],
        "kind": UNIT_KINDS.get(u["kind"], ""),
        "establishment": u["establishment"],
        "in_post": len(people),
        "headroom": u["establishment"] - len(people),
        "leader_posts": u["leader_posts"],
        "leaders": len(leaders),
        "leader_headroom": u["leader_posts"] - len(leaders),
        "teams": teams,
        "grades": grades,
        "people": [
            person_ref(rec, pid) | {"post": now["post"]}
            for pid, now in sorted(people, key=lambda pn: (order[pn[1]["category"]], pn[0]))
        ],
        "source": public_path(rec, rec.units[uid].path),
    }


def internal_view(rec: Records, results: dict, history: dict | None = None) -> dict:
    """Everything the internal pages show, as plain values (`history` is not used: the
    records' own files are named on each page instead)."""
    as_of = parse_date(results["as_of"])
    parts = index(results)
    return {
        "as_of": results["as_of"],
        "source": results.get("source", {}),
        "due": due_items(rec, results, as_of),
        "watch": watch_list(rec, results),
        "watch_on": _watch_enabled(rec, as_of),
        "people": [dossier(rec, pid, parts) for pid in sorted(rec.people)],
        "units": [unit_page(rec, uid, results) for uid in sorted(rec.units)],
        "postings": results["postings"],
    }


def _watch_enabled(rec: Records, as_of: dt.date) -> bool:
    watch = (policy_in_force(rec, as_of.year)[1] or {}).get("watch")
    return bool(watch and watch["enabled"])
