"""The part of the records a change can affect, so the reviewer's diff computes only that.

Every rule's outcome depends on the records of one unit (grading pools, quotas, selections,
accountability) or of one person across the units they have been in (consecutive grades,
terms, retirement, handling). A change therefore moves outcomes only in the units it
touches and in the units its people have been in; computing both revisions on those units
alone gives the same diff as computing everything. A policy change, or a file whose kind is
unknown, affects everything.
"""

from __future__ import annotations

from .model import Records
from .repository import classify


def _person_units(rec: Records, pid: str) -> set[str]:
    units: set[str] = set()
    doc = rec.people.get(pid)
    if doc is not None:
        units.add(doc.data["unit"])
        units.update(s["unit"] for s in doc.data["history"])
    for (_year, unit), appraisal in rec.appraisals.items():
        if any(e["person"] == pid for e in appraisal.data["entries"]):
            units.add(unit)
    return units


def _people_of(rec: Records, rel: str) -> set[str]:
    """The people a changed file names, as that revision has it."""
    prefix = rec.prefix + "/" if rec.prefix else ""
    place = classify(rel)
    if place is None:
        return set()
    for doc in {"person": rec.people, "incident": rec.incidents, "case": rec.cases}.get(
        place.kind, {}
    ).values():
        if doc.path == prefix + rel:
            return {doc.data["id"] if place.kind == "person" else doc.data["person"]}
    return {place.id} if place.kind == "person" else set()


def affected_units(changed: set[str], sides: list[Records]) -> set[str] | None:
    """Units whose outcomes a set of changed files (paths under records/) may move; None for all."""
    units: set[str] = set()
    for rel in changed:
        place = classify(rel)
        if place is None or place.kind == "policy":
            return None
        if place.kind in ("unit", "appraisal", "points"):
            units.add(place.id)
        elif place.kind == "selection":
            for rec in sides:
                doc = rec.selections.get(place.id)
                if doc is not None:
                    units.add(doc.data["unit"])
        for rec in sides:
            for pid in _people_of(rec, rel):
                for other in sides:
                    units |= _person_units(other, pid)
    # the people of those units may have been elsewhere before: their earlier units' pools count for A4/A7
    grown = set(units)
    for rec in sides:
        for doc in rec.people.values():
            if doc.data["unit"] in units:
                grown |= {s["unit"] for s in doc.data["history"]}
    return grown


def restrict(rec: Records, units: set[str]) -> Records:
    """The records of some units: their people, inputs, selections, incidents and cases; all policy."""
    people = {
        pid: d
        for pid, d in rec.people.items()
        if d.data["unit"] in units or any(s["unit"] in units for s in d.data["history"])
    }
    for (_year, unit), doc in rec.appraisals.items():
        if unit in units:
            people.update(
                {
                    e["person"]: rec.people[e["person"]]
                    for e in doc.data["entries"]
                    if e["person"] in rec.people
                }
            )
    return Records(
        prefix=rec.prefix,
        policies=rec.policies,
        units={u: d for u, d in rec.units.items() if u in units},
        people=people,
        appraisals={k: d for k, d in rec.appraisals.items() if k[1] in units},
        points={k: d for k, d in rec.points.items() if k[2] in units},
        selections={k: d for k, d in rec.selections.items() if d.data["unit"] in units},
        incidents={k: d for k, d in rec.incidents.items() if d.data["person"] in people},
        cases={k: d for k, d in rec.cases.items() if d.data["person"] in people},
        failed=rec.failed,
    )
