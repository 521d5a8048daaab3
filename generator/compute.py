"""Compute stage: from the checked model to the results the policy prescribes.

The order matters and is fixed here: findings and their handling (F rules) come first
because they force grades (F3, F5); then the appraisal (A rules) with those grades; then
points (P1), selections (S rules), tenure (T rules, which needs every restriction to know
when a person may go up again), and last the postings (O1) of everything public.

Results are plain JSON-ready values, described by `schemas/results.schema.json`. They are
the full, internal results (reviewers and the diff read them); the public site only ever
receives their public projection (see `site.project`). Computing finds nothing wrong with
the records: that is the check stage's work, before and after this (`checks`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .dates import parse_date
from .loader import Document
from .model import Records
from .rules.consequences import consequences
from .rules.elections import CLAUSE_S1, CLAUSE_S2, elections
from .rules.handling import compute_handling
from .rules.matching import CLAUSE_Q1, CLAUSE_S3, leadership_on, two_way
from .rules.points import compute_points
from .rules.postings import compute_postings
from .rules.procedure import compute_cases
from .rules.scoring import compute_appraisals
from .rules.shared import alert, policy_in_force
from .rules.tenure import compute_tenure
from .rules.watch import compute_watch


def _sort_key(value) -> tuple:
    """Numbers in numeric order (rank 2 before rank 10), missing values last, the rest as text."""
    if value is None:
        return (2, 0, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, str(value))


def _order(items: list[dict], *keys: str) -> list[dict]:
    return sorted(items, key=lambda d: tuple(_sort_key(d.get(k)) for k in keys))


def compute_selection(rec: Records, doc: Document) -> tuple[dict, list[dict]]:
    """S1-S3 for one selection record: its result and alerts (the seats still open, teams
    left short, people left for placement by the unit)."""
    s = doc.data
    year = int(s["date"][:4])
    params = policy_in_force(rec, year)[1]["selection"]
    sources = [doc.path, rec.policies[year].path]
    if s["unit"] in rec.units:
        sources.append(rec.units[s["unit"]].path)
    sources.sort()

    def note(rule: str, kind: str, message: str, person: str | None = None) -> dict:
        return alert(rule, kind, message, sources, person, s["unit"], s["date"])

    leaders, deputies, open_seats = elections(
        s, Fraction(params["quorum"]), Fraction(params["majority"])
    )
    leadership = leadership_on(rec, s)
    placement, unplaced = two_way(s, leaders, deputies, leadership, params["proposing"])
    alerts = [note(rule, "round_needed", message) for rule, message in open_seats]
    alerts += [
        note("S3", "team_short", f"片线 {p['team']} 双向选择后尚缺 {p['short']} 人")
        for p in placement
        if p["short"]
    ]
    alerts += [
        note("S3", "placement_by_unit", "双向选择未落实岗位，由单位统筹安排", pid)
        for pid in unplaced
    ]
    result = {
        "id": s["id"],
        "title": s["title"],
        "unit": s["unit"],
        "date": s["date"],
        "effective": s["effective"],
        "basis": {
            "policy": year,
            "clauses": {"S1": CLAUSE_S1, "S2": CLAUSE_S2, "S3": CLAUSE_S3, "Q1": CLAUSE_Q1},
            "parameters": {
                "quorum": params["quorum"],
                "majority": params["majority"],
                "proposing": params["proposing"],
            },
        },
        "participants": len(s["participants"]),
        "leaders": leaders,
        "deputies": deputies,
        "placement": placement,
        "unplaced": unplaced,
        "rule": "S3",
        "sources": sources,
    }
    return result, alerts


def compute_selections(rec: Records, as_of: dt.date) -> tuple[list[dict], list[dict]]:
    """S1-S3 for every selection held by `as_of`, in date order (a later one has not happened)."""
    selections, alerts = [], []
    for doc in sorted(rec.selections.values(), key=lambda d: (d.data["date"], d.data["id"])):
        if parse_date(doc.data["date"]) <= as_of:
            result, found = compute_selection(rec, doc)
            selections.append(result)
            alerts += found
    return selections, alerts


@dataclass(frozen=True)
class Stage:
    """One step of computing: the steps whose output it reads, and the policy sections it
    reads (top-level keys of a policy file; `rules.shared.policy_in_force`).

    The sections are what a policy change can move: a diff of a policy change computes
    twice only the steps that read a changed section or a moved step's output, and once,
    for both revisions, everything else (`policy_change`). tests/test_policy_change.py
    traces every step's reads and holds them to what is written here.
    """

    name: str
    needs: tuple[str, ...]
    reads: frozenset[str]
    run: Callable[[Records, dt.date, dict], Any]  # records, as-of, outputs so far -> output


def _appraisals(rec: Records, as_of: dt.date, got: dict):
    """`got` may hold a `scores` memo, which a policy diff shares between its two sides
    (see `scoring._entries`)."""
    forced = got["handling"].forced_grades
    appraisals, alerts = compute_appraisals(rec, as_of, forced, got.get("scores"))
    return _order(appraisals, "year", "unit", "pool", "rank", "person"), alerts


def _tenure(rec: Records, as_of: dt.date, got: dict):
    earlier = got["handling"].actions + got["cases"][0] + got["consequences"][0]
    return compute_tenure(rec, as_of, earlier)


def _watch(rec: Records, as_of: dt.date, got: dict):
    return compute_watch(rec, {"appraisals": got["appraisals"][0], "points": got["points"]}, as_of)


# In the order they run; each needs only earlier ones.
STAGES = (
    Stage(
        "handling",
        (),
        frozenset(
            {"accountability_threshold", "aspects", "channels", "consequences", "handling_order"}
            | {"leader_min_rank", "ranks", "repeated_assignment", "situations"}
        ),
        lambda rec, as_of, got: compute_handling(rec, as_of),
    ),
    Stage(
        "cases",
        (),
        frozenset({"appeal", "fitting_outcomes", "situations"}),
        lambda rec, as_of, got: compute_cases(rec, as_of),
    ),
    Stage(
        "appraisals",
        ("handling",),
        frozenset({"democratic", "grading", "weights"}),
        _appraisals,
    ),
    Stage(
        "consequences",
        ("appraisals",),
        frozenset({"consequences", "ranks"}),
        lambda rec, as_of, got: consequences(got["appraisals"][0], rec),
    ),
    Stage("points", (), frozenset({"points"}), lambda rec, as_of, got: compute_points(rec)),
    Stage(
        "selections",
        (),
        frozenset({"selection"}),
        lambda rec, as_of, got: compute_selections(rec, as_of),
    ),
    Stage(
        "tenure", ("handling", "cases", "consequences"), frozenset({"retirement", "terms"}), _tenure
    ),
    Stage(
        "postings",
        (),
        frozenset({"posting"}),
        lambda rec, as_of, got: compute_postings(rec, as_of, {}),
    ),
    Stage("watch", ("appraisals", "points"), frozenset({"watch"}), _watch),
)
BY_NAME = {s.name: s for s in STAGES}


def with_needs(names: set[str]) -> set[str]:
    """These steps and every step they read, however indirectly."""
    out: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo += BY_NAME[name].needs
    return out


def run_stages(
    rec: Records, as_of: dt.date, names: set[str] | None = None, given: dict | None = None
) -> dict:
    """The outputs of the named steps (all, by default) and those they need, by name.

    Outputs in `given` are taken as they are rather than computed again.
    """
    wanted = with_needs(names) if names is not None else set(BY_NAME)
    got = dict(given or {})
    for stage in STAGES:
        if stage.name in wanted and stage.name not in got:
            got[stage.name] = stage.run(rec, as_of, got)
    return got


def actions_of(got: dict) -> list[dict]:
    """Every step's actions, in the order the steps run (`assemble` sorts them)."""
    return got["handling"].actions + got["cases"][0] + got["consequences"][0] + got["tenure"][0]


def assemble(got: dict, as_of: dt.date, source: dict) -> dict:
    """The results from every step's output."""
    handled = got["handling"]
    actions = actions_of(got)
    alerts = (
        handled.alerts
        + got["cases"][1]
        + got["appraisals"][1]
        + got["consequences"][1]
        + got["selections"][1]
        + got["tenure"][1]
    )
    return {
        "as_of": as_of.isoformat(),
        "source": source,
        "appraisals": got["appraisals"][0],
        "actions": _order(actions, "person", "effective", "rule", "type"),
        "points": got["points"],
        "selections": got["selections"][0],
        "alerts": _order(alerts, "rule", "date", "person", "unit", "type"),
        "postings": got["postings"],
        "watch": got["watch"],
    }


def compute(rec: Records, as_of: dt.date, source: dict) -> dict:
    """All results as of one date. `source` is {"commit": ..., "digest": ...} of the records.

    The results' `findings` (those of checking, before and after computing) are added by
    the pipeline.
    """
    return assemble(run_stages(rec, as_of), as_of, source)


def compute_for_checks(rec: Records, as_of: dt.date) -> dict:
    """Only what the checks after computing read (`checks.check_results`): the appraisals
    with the grades F3 and F5 force, their consequences, and the selections. Validation
    needs no more, and at a province's scale the rest (points, postings, tenure, the
    watch list) is most of the time and memory of computing."""
    got = run_stages(rec, as_of, {"consequences", "selections"})
    return {
        "appraisals": got["appraisals"][0],
        "actions": got["consequences"][0],
        "selections": got["selections"][0],
    }


def for_year(results: dict, year: int) -> dict:
    """The results of one year (`cadre compute --year`): appraisals, points and postings of
    that year, and the actions, selections and alerts dated in it. Undated alerts and all
    findings are kept, since they speak of the records as they stand."""

    def in_year(day: str | None) -> bool:
        return day is None or day.startswith(f"{year}-")

    points = results["points"]
    return {
        **results,
        "appraisals": [a for a in results["appraisals"] if a["year"] == year],
        "actions": [a for a in results["actions"] if in_year(a.get("effective"))],
        "points": {k: [row for row in rows if row["year"] == year] for k, rows in points.items()},
        "selections": [s for s in results["selections"] if in_year(s.get("date"))],
        "alerts": [a for a in results["alerts"] if in_year(a.get("date"))],
        "postings": [p for p in results["postings"] if p["year"] == year],
        "watch": [w for w in results.get("watch", []) if w["year"] == year],
    }
