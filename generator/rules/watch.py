"""The watch list (预警): leaders who are merely weak, whom no grade alone brings down.

The policy paper's own diagnosis is that cadres with low spirit, middling results and low
approval are never reached. The records already hold the signals; this turns them into an
internal list for the organization department, never posted. Off unless the policy's
`watch.enabled` is true; every threshold is a policy parameter, and every entry carries the
numbers that put it on the list, so the department can judge it:

- `incompetent_votes`: 不称职 votes above a share of all votes cast in the democratic
  evaluation (every rater group together; county practice uses 1/3);
- `low_approval`: 优秀 and 称职 votes together below a share of all votes cast (2/3);
- `bottom_of_pool`: among the lowest `bottom_share` of the grading pool by total score
  (rounded down: a pool too small to hold one person at that share has no bottom) in each
  of the last `bottom_years` years;
- `repeated_assignments`: as many F5 findings in one year as `repeated_assignments`;
- `bottom_points`: a year's points total among the lowest `points_bottom_share` of the
  unit's people (rounded down, likewise).

Only people in service are listed, and only what happened by the as-of date counts.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

from ..dates import parse_date
from ..model import Records
from .shared import ACTIVE, current, policy_in_force

VOTES = ("excellent", "competent", "basically_competent", "incompetent")
SIGNALS = {
    "incompetent_votes": "民主测评不称职票比例高",
    "low_approval": "民主测评认可度低",
    "bottom_of_pool": "连续排在定等范围末位",
    "repeated_assignments": "交办事项多次出现问题",
    "bottom_points": "年度积分排在本单位末位",
}


def bottom(size: int, share) -> int:
    """How many count as the bottom `share` of `size` people, rounded down (10% of 9 is none)."""
    return math.floor(size * Fraction(str(share)))


def _entry(pid: str, unit: str, year: int, signal: str, numbers: dict, sources: list[str]) -> dict:
    return {
        "person": pid,
        "unit": unit,
        "year": year,
        "signal": signal,
        "label": SIGNALS[signal],
        "numbers": numbers,
        "sources": sorted(set(sources)),
    }


def vote_signals(rec: Records, as_of: dt.date, watch: dict) -> list[dict]:
    """`incompetent_votes` and `low_approval` from every democratic evaluation posted by `as_of`."""
    above, below = Fraction(watch["incompetent_votes_above"]), Fraction(watch["approval_below"])
    out = []
    for (year, unit), doc in sorted(rec.appraisals.items()):
        if parse_date(doc.data["date"]) > as_of:
            continue
        for e in doc.data["entries"]:
            tallies = e.get("democratic") or {}
            votes = {v: sum(t[v] for t in tallies.values()) for v in VOTES}
            cast = sum(votes.values())
            if cast == 0:
                continue
            numbers = {"votes": cast, **votes}
            if votes["incompetent"] > above * cast:
                numbers_ = numbers | {"threshold": watch["incompetent_votes_above"]}
                out.append(
                    _entry(e["person"], unit, year, "incompetent_votes", numbers_, [doc.path])
                )
            if votes["excellent"] + votes["competent"] < below * cast:
                numbers_ = numbers | {"threshold": watch["approval_below"]}
                out.append(_entry(e["person"], unit, year, "low_approval", numbers_, [doc.path]))
    return out


def pool_signals(results: dict, watch: dict) -> list[dict]:
    """`bottom_of_pool`: in the lowest share of the pool by total, each of the last N years."""
    pools: dict[tuple[int, str], list[dict]] = {}
    for a in results["appraisals"]:
        if a["rank"] is not None:
            pools.setdefault((a["year"], a["pool"]), []).append(a)
    low: dict[str, dict[int, dict]] = {}
    for (year, _pool), ranked in pools.items():
        size, last = len(ranked), bottom(len(ranked), watch["bottom_share"])
        for a in ranked:
            if last and a["rank"] > size - last:
                low.setdefault(a["person"], {})[year] = a | {"size": size}
    out = []
    years = watch["bottom_years"]
    for pid, by_year in sorted(low.items()):
        latest = max(by_year)
        run = [y for y in range(latest - years + 1, latest + 1) if y in by_year]
        if len(run) < years:
            continue
        numbers = {
            "years": [
                {
                    "year": y,
                    "rank": by_year[y]["rank"],
                    "size": by_year[y]["size"],
                    "total": by_year[y]["total"],
                }
                for y in run
            ],
            "share": watch["bottom_share"],
        }
        sources = [s for y in run for s in by_year[y]["sources"][:1]]
        unit = by_year[latest]["unit"]
        out.append(_entry(pid, unit, latest, "bottom_of_pool", numbers, sources))
    return out


def assignment_signals(rec: Records, as_of: dt.date, watch: dict) -> list[dict]:
    """`repeated_assignments`: F5 findings (shirking or mishandling) of one person in one year."""
    found: dict[tuple[str, int], list] = {}
    for doc in rec.incidents.values():
        day = parse_date(doc.data["date"])
        if doc.data["kind"] == "assignment" and day <= as_of:
            found.setdefault((doc.data["person"], day.year), []).append(doc)
    out = []
    for (pid, year), docs in sorted(found.items()):
        if len(docs) < watch["repeated_assignments"] or pid not in rec.people:
            continue
        numbers = {"count": len(docs), "threshold": watch["repeated_assignments"]}
        unit = current(rec.people[pid].data)["unit"]
        out.append(_entry(pid, unit, year, "repeated_assignments", numbers, [d.path for d in docs]))
    return out


def points_signals(results: dict, watch: dict) -> list[dict]:
    """`bottom_points`: a year's total among the lowest share of the unit's people."""
    out = []
    for table in results["points"]["units"]:
        size = len(table["entries"])
        last = bottom(size, watch["points_bottom_share"])
        for e in table["entries"]:
            if last and e["rank"] > size - last:
                numbers = {
                    "total": e["total"],
                    "rank": e["rank"],
                    "size": size,
                    "share": watch["points_bottom_share"],
                }
                out.append(
                    _entry(e["person"], table["unit"], table["year"], "bottom_points", numbers, [])
                )
    return out


def compute_watch(rec: Records, results: dict, as_of: dt.date) -> list[dict]:
    """The watch list as of one date, by the policy in force then; empty unless it is on."""
    watch = (policy_in_force(rec, as_of.year)[1] or {}).get("watch")
    if not watch or not watch["enabled"]:
        return []
    entries = vote_signals(rec, as_of, watch) + pool_signals(results, watch)
    entries += assignment_signals(rec, as_of, watch) + points_signals(results, watch)
    in_service = {pid for pid, d in rec.people.items() if d.data["status"] in ACTIVE}
    entries = [e for e in entries if e["person"] in in_service]
    return sorted(entries, key=lambda e: (e["person"], e["year"], e["signal"]))
