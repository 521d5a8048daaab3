"""Monthly points (P1): totals per month, per unit and year, per person and year, and tiers.

Points are posted by each unit every month, so the month and unit-year tables rank people
within their unit. The reward or penalty at year end follows the person: a year total adds
up the points a person earned in every unit that year, as the appraisal's "consecutive
years" does. Totals are exact sums of the recorded values on `Decimal`, shown with two
decimals.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ..model import Records
from .shared import dec, policy_in_force, text


def tier_for(total: Decimal, tiers: list[dict]) -> dict | None:
    """P1: the first tier, in policy order, whose closed interval [min, max] holds the total.

    A tier without `min` (or `max`) is open on that side. The policy lists its tiers from
    the most to the least significant, so overlapping tiers resolve to the first.
    """
    for t in tiers:
        if "min" in t and total < dec(t["min"]):
            continue
        if "max" in t and total > dec(t["max"]):
            continue
        return {"id": t["id"], "name": t["name"], "kind": t["kind"]}
    return None


def ranked(rows: list[dict]) -> list[dict]:
    """Rows by total, highest first, each with its rank; equal totals share a rank."""
    rows = sorted(rows, key=lambda r: r["person"])
    rows.sort(key=lambda r: r["_total"], reverse=True)
    for i, row in enumerate(rows):
        same = i and rows[i - 1]["_total"] == row["_total"]
        row["rank"] = rows[i - 1]["rank"] if same else i + 1
    return rows


def _row(person: str, by_class: dict[str, Decimal], order: list[str], **extra) -> dict:
    total = sum(by_class.values(), Decimal(0))
    classes = {c: text(by_class[c]) for c in order if c in by_class}
    return {"person": person, "total": text(total), "classes": classes, **extra, "_total": total}


def _strip(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "_total"} for r in rows]


def compute_points(rec: Records, month_tables: bool = True) -> dict:
    """P1: {"months": [...], "units": [...], "people": [...]} (see results.schema.json).

    Without `month_tables`, the month tables are left empty: a policy diff compares only the
    year totals, and at a province's scale the month tables are most of the memory."""
    months = []
    unit_year: dict[tuple[int, str], dict[str, dict[str, Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(Decimal))
    )
    unit_months: dict[tuple[int, str, str], int] = defaultdict(int)
    person_year: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    person_units: dict[tuple[int, str], set[str]] = defaultdict(set)
    person_sources: dict[tuple[int, str], set[str]] = defaultdict(set)
    for (year, month, unit), doc in sorted(rec.points.items()):
        order = [c["id"] for c in policy_in_force(rec, year)[1]["points"]["classes"]]
        rows = []
        for entry in doc.data["entries"]:
            pid = entry["person"]
            by_class: dict[str, Decimal] = defaultdict(Decimal)
            for item in entry["items"]:
                by_class[item["class"]] += dec(item["points"])
                unit_year[(year, unit)][pid][item["class"]] += dec(item["points"])
                person_year[(year, pid)][item["class"]] += dec(item["points"])
            unit_months[(year, unit, pid)] += 1
            person_units[(year, pid)].add(unit)
            person_sources[(year, pid)].add(doc.path)
            if month_tables:
                rows.append(_row(pid, by_class, order))
        if month_tables:
            months.append(
                {
                    "year": year,
                    "month": month,
                    "unit": unit,
                    "date": doc.data["date"],
                    "entries": _strip(ranked(rows)),
                    "sources": [doc.path],
                }
            )
    units = []
    for (year, unit), people in sorted(unit_year.items()):
        order = [c["id"] for c in policy_in_force(rec, year)[1]["points"]["classes"]]
        rows = [
            _row(pid, by_class, order, months=unit_months[(year, unit, pid)])
            for pid, by_class in people.items()
        ]
        units.append({"year": year, "unit": unit, "entries": _strip(ranked(rows))})
    people = []
    for (year, pid), by_class in sorted(person_year.items()):
        policy = policy_in_force(rec, year)[1]["points"]
        total = sum(by_class.values(), Decimal(0))
        people.append(
            {
                "year": year,
                "person": pid,
                "total": text(total),
                "classes": _row(pid, by_class, [c["id"] for c in policy["classes"]])["classes"],
                "units": sorted(person_units[(year, pid)]),
                "tier": tier_for(total, policy["tiers"]),
                "sources": sorted(person_sources[(year, pid)]),
            }
        )
    return {"months": months, "units": units, "people": people}
