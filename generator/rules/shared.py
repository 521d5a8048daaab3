"""What every rule module shares: the shapes of results, the policy in force, exact
decimals and a person's stint on a day.

Rule modules import this module and nothing else of the rules, so each can be read (and
changed) on its own.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import ROUND_HALF_UP, Decimal

from ..dates import iso, parse_date
from ..model import Records

# People in service: the rules that watch terms, quotas and restrictions look only at them.
ACTIVE = ("active", "suspended")
# 班子成员: the unit's deputies and principal leaders, by the category of their stint.
LEADERSHIP = ("deputy", "principal")

# ---------------------------------------------------------------- the policy in force


def policy_in_force(rec: Records, year: int) -> tuple[int | None, dict | None]:
    """The policy that governs `year`: its own, else the latest earlier one, else the
    earliest (a record older than every policy is judged by the first one): (its year, its data).

    Rules that need a year's own policy (an appraisal, a points month, a selection) have it:
    the check stage refuses those records when it is missing.
    """
    if not rec.policies:
        return None, None
    earlier = [y for y in rec.policies if y <= year]
    chosen = max(earlier) if earlier else min(rec.policies)
    return chosen, rec.policies[chosen].data


def situation(policy: dict | None, code: str | None) -> dict | None:
    """F2: the catalogue entry of a situation code in a policy, or None."""
    return next((s for s in (policy or {}).get("situations", []) if s["code"] == code), None)


# ---------------------------------------------------------------- decimals

CENT = Decimal("0.01")


_DECIMALS: dict[tuple, Decimal] = {}


def dec(value) -> Decimal:
    """A number from a record as an exact decimal (through its text, never its float value).

    Made once per distinct number and shared (a `Decimal` never changes): a province's
    appraisals read six million numbers, nearly all of them small whole ones. Zero is not
    shared, so -0.0 keeps its sign; any other two equal numbers of one type have one text.
    """
    key = (value.__class__, value)
    got = _DECIMALS.get(key) if value else None
    if got is None:
        got = Decimal(str(value))
        if value and len(_DECIMALS) < 100_000:
            _DECIMALS[key] = got
    return got


_CENTS: dict[Decimal, Decimal] = {}


def cents(value: Decimal) -> Decimal:
    """Rounded half-up to 0.01: how every posted score and total is rounded.

    One object per distinct amount (`dec` says why); zero is not shared, so -0.00 keeps
    its sign, and any two equal amounts rounded to cents have one text."""
    q = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if not q or len(_CENTS) >= 100_000:
        return q
    return _CENTS.setdefault(q, q)


def text(value: Decimal | None) -> str | None:
    """A decimal as results text with two decimals, one string object per distinct text
    (`sys.intern`): a province's points tables repeat "12.00" a million times."""
    return None if value is None else sys.intern(str(cents(value)))


def percent(share) -> str:
    """A policy share as a percentage for Chinese text: 0.1 -> '10'."""
    return f"{(dec(share) * 100).normalize():f}"


# ---------------------------------------------------------------- a person's history


def current(person: dict) -> dict:
    """The stint a person holds now, or held last: the last of the history. What a person
    record says of the present (unit, team, post, rank, category) is read from it."""
    return person["history"][-1]


def leadership_member(stint: dict) -> bool:
    """Whether a stint is on the unit's leadership (班子成员): a deputy or a principal."""
    return stint["category"] in LEADERSHIP


def leader_rank(policy: dict, rank: str) -> bool:
    """A rank at or above the policy's `leader_min_rank` (领导干部, 副股级及以上, as F3 counts)."""
    ranks = [r["id"] for r in policy["ranks"]]
    floor = policy["leader_min_rank"]
    return rank in ranks and ranks.index(rank) >= ranks.index(floor)


def stint_at(person: dict, day: dt.date) -> dict:
    """The stint of the history in force on `day`: the last one started by then, or the
    first when the day is before them all. A stint's `end` is the day the next one starts."""
    held = None
    for stint in person["history"]:
        if parse_date(stint["start"]) > day:
            break
        held = stint
    return held if held is not None else person["history"][0]


def served_in(person: dict, unit: str, first: dt.date, after: dt.date) -> bool:
    """Whether any stint in `unit` overlaps the days from `first` up to (not including) `after`."""
    for stint in person["history"]:
        start = parse_date(stint["start"])
        end = parse_date(stint["end"]) if "end" in stint else None
        if stint["unit"] == unit and start < after and (end is None or end > first):
            return True
    return False


# ---------------------------------------------------------------- result shapes


def basis(year: int | None, clause: str, sources: list[str], **extra) -> dict:
    """Why an action was taken: the policy year, the clause of the paper, the records."""
    return {"policy": year, "clause": clause, "sources": sorted(set(sources)), **extra}


def action(
    pid: str, rule: str, type_: str, effective: dt.date, basis_: dict, until=None, **extra
) -> dict:
    """An action in the shared shape; `until` is the last day a restriction applies."""
    return {
        "person": pid,
        "rule": rule,
        "type": type_,
        "effective": iso(effective),
        "until": iso(until),
        "basis": basis_,
        **extra,
    }


def alert(
    rule: str,
    type_: str,
    message: str,
    sources: list[str],
    person=None,
    unit=None,
    day=None,
    **extra,
) -> dict:
    """An internal alert in the shared shape (alerts are never posted)."""
    return {
        "rule": rule,
        "type": type_,
        "person": person,
        "unit": unit,
        "date": iso(day) if isinstance(day, dt.date) else day,
        "message": message,
        "sources": sorted(set(sources)),
        **extra,
    }
