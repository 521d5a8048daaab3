"""The reviewer's diff between two git revisions: read, check, compute only what can move, compare.

Both revisions are read from git's object store (the working tree is never touched), loaded
through the content cache (so a file unchanged since the last run is neither parsed nor
validated), and then checked and computed only for the units the change can affect (see
`scope`): outside them both revisions hold the same records, so their findings and
outcomes are the same and cancel out. Per-file findings (shape, privacy, place) are kept
for every file. Both sides use one as-of date: the given one, or the latest event in
HEAD's records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import gitstore
from .check import check_all
from .diff import OutcomeDiff, outcome_diff
from .findings import Finding, sort_findings
from .model import Records, default_as_of, load_records
from .pipeline import Checked, ValidationFailed, compute_checked, default_cache
from .provenance import digest
from .scope import affected_units, restrict


@dataclass
class Side:
    records: Records
    load_findings: list[Finding]
    files: dict[str, bytes | None]
    oids: dict[str, str]
    source: dict


def read_side(root: Path, rev: str, cache, shared: dict) -> Side:
    """One revision loaded, sharing blob contents with the other side through `shared`."""
    files, oids = gitstore.files_at(root, rev, blobs=shared.setdefault("blobs", {}))
    records, findings = load_records(files, "records", cache, shared.setdefault("places", {}))
    info = gitstore.commit_info(root, rev)
    source = {
        "digest": digest(files),
        "commit": info["commit"],
        "date": info["date"],
        "dirty": False,
    }
    return Side(records, findings, files, oids, source)


def _results(
    side: Side, units: set[str] | None, as_of: dt.date | None, memo: dict
) -> tuple[dict, list[dict]]:
    records = restrict(side.records, units) if units is not None else side.records
    findings = side.load_findings + check_all(
        records, [f"records/{rel}" for rel in side.files], memo
    )
    checked = Checked(records, sort_findings(findings), as_of)
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
    head_side = read_side(root, head, cache, shared)
    base_side = read_side(root, base, cache, shared)
    if cache is not None:
        cache.save()
    day = as_of or default_as_of(head_side.records) or default_as_of(base_side.records)
    changed = {
        p
        for p in head_side.oids.keys() | base_side.oids.keys()
        if head_side.oids.get(p) != base_side.oids.get(p)
    }
    units = affected_units(changed, [base_side.records, head_side.records]) if scoped else None
    memo: dict = {}
    head_results, head_findings = _results(head_side, units, day, memo)
    base_results, base_findings = _results(base_side, units, day, memo)
    d = outcome_diff(base_results, head_results, base_findings, head_findings)
    d.head_errors = [f for f in head_findings if f["severity"] == "error"]
    if d.head_errors:
        d.changes = []  # nothing is computed from records with errors: show the errors, not a diff against nothing
    return d, base_side, head_side


def names(*sides: Side) -> dict[str, str]:
    out: dict[str, str] = {}
    for side in sides:
        out.update({pid: doc.data["name"] for pid, doc in side.records.people.items()})
    return out
