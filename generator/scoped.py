"""Checking and computing only the part of the records a change can move.

The reviewer's diff (`review`) and the validation after a change (`incremental`) both hold
the records of the units a change can affect (`scope.select`) and need the findings and
outcomes of exactly those, equal to what checking everything would give for them. This is
that one computation, and the other one both need: the links of a set of records after
some files changed, from the links before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .findings import Finding
from .model import Records
from .pipeline import ValidationFailed, check, compute_checked, load
from .scope import Links, clash_partners, links_of, restrict, select


@dataclass
class Side:
    """One set of records: loaded (whole or in scope), with its links and where it came from."""

    records: Records
    load_findings: list[Finding]
    links: Links
    source: dict
    scope: tuple[set[str], set[str]] | None = None  # core and context paths, once known
    prefix: str = "records"  # how the records' paths are shown


def patched_links(
    known: Links, mine: dict[str, bytes | None], changed: set[str], prefix: str = "records"
) -> Links:
    """The links after a change, from those before it: drop every changed path, add the new versions."""
    records, findings = load(mine, prefix)
    new = links_of(records, mine, {f.path for f in findings})
    out = Links(
        {rel: f for rel, f in known.facts.items() if rel not in changed},
        (known.failed - changed) | new.failed,
    )
    out.facts.update(new.facts)
    return out


def scoped_results(
    side: Side, units: set[str] | None, as_of: dt.date | None, memo: dict, whole: bool = True
) -> tuple[dict, list[dict]]:
    """Check and compute one side: everything, or the core of the affected units (without
    `whole`, only what the checks read: see `pipeline.compute_checked`).

    Findings of context records are left out: nothing they depend on changed, so whoever
    asks already has them.
    """
    records, context = side.records, set()
    if units is None:
        files = sorted(side.links.paths())
    else:
        core, context = side.scope or select(side.links, units)
        context = context - side.links.failed  # a file's own findings always show
        keep = core | context
        records = restrict(side.records, keep)
        files = sorted(keep | side.links.failed | clash_partners(side.links.failed))
    cut = len(side.prefix) + 1
    displayed = [f"{side.prefix}/{rel}" for rel in files]
    checked = check(records, side.load_findings, displayed, as_of, memo)
    try:
        results, findings = compute_checked(checked, side.source, whole)
    except ValidationFailed as e:
        results, findings = {}, e.findings
    return results, [f.__dict__ for f in findings if f.path[cut:] not in context]
