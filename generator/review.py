"""The reviewer's diff between two git revisions: read, check, compute only what can move, compare.

Both revisions are read from git's object store (the working tree is never touched), loaded
through the content cache (so a file unchanged since the last run is neither parsed nor
validated), checked in full (a new validation error anywhere must show), and computed only
for the units the change can affect (see `scope`). Both sides use one as-of date: the
given one, or the latest event in HEAD's records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import gitstore
from .diff import OutcomeDiff, outcome_diff
from .pipeline import Checked, ValidationFailed, check_files, compute_checked, default_cache
from .provenance import digest
from .scope import affected_units, restrict


@dataclass
class Side:
    checked: Checked
    files: dict[str, bytes | None]
    oids: dict[str, str]
    source: dict


def read_side(root: Path, rev: str, as_of: dt.date | None, cache, shared: dict) -> Side:
    """One revision, sharing blob contents and per-entry checks with the other side through `shared`."""
    files, oids = gitstore.files_at(root, rev, blobs=shared.setdefault("blobs", {}))
    checked = check_files(files, as_of, "records", cache, shared.setdefault("memo", {}))
    info = gitstore.commit_info(root, rev)
    return Side(
        checked,
        files,
        oids,
        {"digest": digest(files), "commit": info["commit"], "date": info["date"], "dirty": False},
    )


def _results(side: Side, units: set[str] | None) -> tuple[dict, list[dict]]:
    checked = side.checked
    if units is not None:
        checked = Checked(restrict(checked.records, units), checked.findings, checked.as_of)
    try:
        results, findings = compute_checked(checked, side.source)
    except ValidationFailed as e:
        return {}, [f.__dict__ for f in e.findings]
    return results, [f.__dict__ for f in findings]


def revision_diff(
    root: Path, base: str, head: str, as_of: dt.date | None, scoped: bool = True
) -> tuple[OutcomeDiff, Side, Side]:
    cache = default_cache(root / "records")  # one cache serves both sides
    shared: dict = {}
    head_side = read_side(root, head, as_of, cache, shared)
    base_side = read_side(root, base, as_of, cache, shared)
    day = as_of or head_side.checked.as_of or base_side.checked.as_of
    head_side.checked.as_of = base_side.checked.as_of = day
    changed = {
        p
        for p in head_side.oids.keys() | base_side.oids.keys()
        if head_side.oids.get(p) != base_side.oids.get(p)
    }
    units = (
        affected_units(changed, [base_side.checked.records, head_side.checked.records])
        if scoped
        else None
    )
    head_results, head_findings = _results(head_side, units)
    base_results, base_findings = _results(base_side, units)
    d = outcome_diff(base_results, head_results, base_findings, head_findings)
    d.head_errors = [f for f in head_findings if f["severity"] == "error"]
    return d, base_side, head_side


def names(*sides: Side) -> dict[str, str]:
    out: dict[str, str] = {}
    for side in sides:
        out.update({pid: doc.data["name"] for pid, doc in side.checked.records.people.items()})
    return out
