"""O1: postings (公示) and their periods of working days.

Every public result is posted for a period of working days, with a contact for objections
(DESIGN section 5, rule O1). A posting exists from its start date on: a record dated after
the as-of date has not been posted yet, and a case is never posted before its decision (F6).

How the period is counted, once for every posting:

- The start day counts as the first working day when it is one ("公示期为2026年1月20日至
  1月26日" counts the 20th); when it falls on a rest day, counting starts on the next
  working day. The end is the day the count reaches `posting.working_days`, inclusive, so
  a posting is open from its start through its end.
- A working day is Monday to Friday unless listed in `posting.holidays`, plus the weekend
  days listed in `posting.workdays` (调休上班日). The calendars of all policy years are
  merged, since a posting that starts in late December runs into the next year's holidays.
- The number of days and the contact come from the policy of the posting's year (the
  latest earlier policy when that year has none).
"""

from __future__ import annotations

import datetime as dt

from ..dates import iso, parse_date
from ..model import Records
from .shared import policy_in_force, stint_at

KIND_ORDER = ("appraisal", "points", "selection", "decision")


def working_calendar(rec: Records) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """O1: (holidays, workdays) of every policy year together."""
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for doc in rec.policies.values():
        posting = doc.data["posting"]
        holidays.update(parse_date(d) for d in posting.get("holidays", []))
        workdays.update(parse_date(d) for d in posting.get("workdays", []))
    return frozenset(holidays), frozenset(workdays)


def is_working_day(
    day: dt.date, holidays: frozenset[dt.date], workdays: frozenset[dt.date]
) -> bool:
    """O1: weekdays that are not holidays, and weekend days made working days (调休)."""
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def posting_end(
    start: dt.date,
    working_days: int,
    holidays: frozenset[dt.date] = frozenset(),
    workdays: frozenset[dt.date] = frozenset(),
) -> dt.date:
    """O1: the last day of a posting of `working_days` working days, the start day counted."""
    day, counted = start, 0
    while True:
        if is_working_day(day, holidays, workdays):
            counted += 1
            if counted >= working_days:
                return day
        day += dt.timedelta(days=1)


def _unit_name(rec: Records, unit: str) -> str:
    doc = rec.units.get(unit)
    return doc.data["name"] if doc else unit


def _unit_on(rec: Records, person: str, day: dt.date) -> str:
    """The unit a person served in on `day` (from the history)."""
    doc = rec.people.get(person)
    return stint_at(doc.data, day)["unit"] if doc else ""


def _candidates(rec: Records) -> list[dict]:
    """Every posting the records call for, with its start day and sources (not yet dated)."""
    out = []
    for (year, unit), doc in sorted(rec.appraisals.items()):
        out.append(
            {
                "id": f"appraisal-{year}-{unit}",
                "kind": "appraisal",
                "title": f"{_unit_name(rec, unit)}{year}年度绩效考核结果公示",
                "unit": unit,
                "year": year,
                "start": doc.data["date"],
                "sources": [doc.path],
            }
        )
    for (year, month, unit), doc in sorted(rec.points.items()):
        out.append(
            {
                "id": f"points-{year}-{month:02d}-{unit}",
                "kind": "points",
                "title": f"{_unit_name(rec, unit)}{year}年{month}月分类积分公示",
                "unit": unit,
                "year": year,
                "month": month,
                "start": doc.data["date"],
                "sources": [doc.path],
            }
        )
    for sid, doc in sorted(rec.selections.items()):
        s = doc.data
        out.append(
            {
                "id": f"selection-{sid}",
                "kind": "selection",
                "title": f"{s['title']}结果公示",
                "unit": s["unit"],
                "year": int(s["date"][:4]),
                "start": s["date"],
                "sources": [doc.path],
            }
        )
    for cid, doc in sorted(rec.cases.items()):
        decision = doc.data.get("decision")
        if decision is None:
            continue  # F6: nothing of a case is posted before its decision
        day = parse_date(decision["date"])
        unit = _unit_on(rec, doc.data["person"], day)
        out.append(
            {
                "id": f"decision-{cid}",
                "kind": "decision",
                "title": f"{_unit_name(rec, unit)}干部调整决定公示（{decision['reference']}）",
                "unit": unit,
                "year": day.year,
                "start": decision["date"],
                "sources": [doc.path],
            }
        )
    return out


def compute_postings(rec: Records, as_of: dt.date, results: dict) -> list[dict]:
    """O1: every posting started by `as_of`, with its period, state and objection contact.

    Keys: id, kind, title, unit, year, start, end, open, working_days, contact, sources;
    points postings also carry their month. Ordered by start day, then kind, then id.
    """
    holidays, workdays = working_calendar(rec)
    postings = []
    for p in _candidates(rec):
        start = parse_date(p["start"])
        if start > as_of:
            continue  # not posted yet on the as-of date
        year, settings = policy_in_force(rec, p["year"])
        if year is None:
            continue
        policy = rec.policies[year]
        settings = settings["posting"]
        end = posting_end(start, settings["working_days"], holidays, workdays)
        posting = {k: p[k] for k in ("id", "kind", "title", "unit", "year", "month") if k in p}
        posting |= {
            "start": p["start"],
            "end": iso(end),
            "open": start <= as_of <= end,
            "working_days": settings["working_days"],
            "contact": dict(settings["contact"]),
            "sources": sorted(set(p["sources"]) | {policy.path}),
        }
        postings.append(posting)
    postings.sort(key=lambda p: (p["start"], KIND_ORDER.index(p["kind"]), p["id"]))
    return postings
