"""Compute stage: from the checked model to the results the policy prescribes.

The order matters and is fixed here: findings and their handling (F rules) come first
because they force grades (F3, F5); then the appraisal (A rules) with those grades; then
points (P1), selections (S rules), tenure (T rules, which needs every restriction to know
when a person may go up again), and last the postings (O1) of everything public.

Results are plain JSON-ready values, described by `schemas/results.schema.json`. They are
the full, internal results (reviewers and the diff read them); the public site only ever
receives their public projection (see `project`).
"""

from __future__ import annotations

import datetime as dt

from .appraisal import compute_appraisals
from .findings import Finding
from .handling import compute_handling
from .model import Records
from .points import compute_points
from .postings import compute_postings
from .selection import compute_selections
from .tenure import compute_tenure


def _sort_key(value) -> tuple:
    """Numbers in numeric order (rank 2 before rank 10), missing values last, the rest as text."""
    if value is None:
        return (2, 0, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, str(value))


def _order(items: list[dict], *keys: str) -> list[dict]:
    return sorted(items, key=lambda d: tuple(_sort_key(d.get(k)) for k in keys))


def compute(rec: Records, as_of: dt.date, source: dict) -> tuple[dict, list[Finding]]:
    """All results as of one date, and the findings of computing them.

    `source` is {"commit": ..., "digest": ...} of the records. The results' `findings`
    (those of checking and of computing together) are added by `pipeline.compute_checked`.
    """
    handled = compute_handling(rec, as_of)
    appraisals, a_actions, a_alerts, a_findings = compute_appraisals(
        rec, as_of, handled.forced_grades
    )
    points, p_findings = compute_points(rec)
    selections, s_alerts, s_findings = compute_selections(rec, as_of)
    actions = handled.actions + a_actions
    t_actions, t_alerts, t_findings = compute_tenure(rec, as_of, actions)
    actions = actions + t_actions
    alerts = handled.alerts + a_alerts + s_alerts + t_alerts
    results = {
        "as_of": as_of.isoformat(),
        "source": source,
        "appraisals": _order(appraisals, "year", "unit", "pool", "rank", "person"),
        "actions": _order(actions, "person", "effective", "rule", "type"),
        "points": points,
        "selections": selections,
        "alerts": _order(alerts, "rule", "date", "person", "unit", "type"),
    }
    results["postings"] = compute_postings(rec, as_of, results)
    findings = handled.findings + a_findings + p_findings + s_findings + t_findings
    return results, findings


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
    }
