"""The diff of a policy change: computing twice only what the changed parameters can move.

A change to a policy file can move any unit's outcomes, so the unit scope of `scope`
cannot narrow it; but it moves only the steps that read a changed parameter. Every check
and computing step names the top-level policy sections it reads (`checks.CHECKS`,
`compute.STAGES`); a step moves when it reads a changed section or the output of a step
that moved. Both revisions hold the same records but for their policy files, so a step
that does not move gives the same output for both: it runs once, on the revision being
reviewed, and both sides share it. The steps that move run once for each side, in two
processes when the machine has the cores for it.

The output is the same as checking and computing both revisions whole (the equivalence is
tested in tests/test_policy_change.py, over an edit of every section).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from .checks import CHECKS, RESULT_CHECKS
from .compute import STAGES, assemble
from .findings import Finding, has_errors, sort_findings
from .model import Records, as_of_view

EVERYTHING = None


def changed_sections(base: Records, head: Records) -> set[str] | None:
    """The top-level sections that differ between the two revisions' policies, or None
    (everything) when a policy year was added or removed: which policy is in force then
    changes for every year after it."""
    if base.policies.keys() != head.policies.keys():
        return EVERYTHING
    changed: set[str] = set()
    for year, doc in head.policies.items():
        old, new = base.policies[year].data, doc.data
        changed |= {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
    return changed


def moved_steps(changed: set[str] | None) -> set[str]:
    """The names of the checks and computing steps that can move (every one for None).

    Checks are named "check: <name>" and checks of results "results: <name>", apart from
    the computing steps, which go by their own names.
    """
    checks = {f"check: {c.name}" for c in CHECKS}
    result_checks = {f"results: {c.name}" for c in RESULT_CHECKS}
    if changed is None or "year" in changed:
        return checks | result_checks | {s.name for s in STAGES}
    moved = {f"check: {c.name}" for c in CHECKS if c.reads & changed or "*" in c.reads}
    for stage in STAGES:
        if stage.reads & changed or moved & set(stage.needs):
            moved.add(stage.name)
    moved |= {
        f"results: {c.name}" for c in RESULT_CHECKS if c.reads & changed or moved & set(c.needs)
    }
    return moved


def _for_checks(got: dict) -> dict:
    """What the checks of results read, from the steps' outputs (`compute.compute_for_checks`)."""
    return {
        "appraisals": got["appraisals"][0] if "appraisals" in got else [],
        "actions": got["consequences"][0] if "consequences" in got else [],
        "selections": got["selections"][0] if "selections" in got else [],
    }


def _result_checks(rec: Records, got: dict, day: dt.date, names: set[str]) -> list[Finding]:
    results = _for_checks(got)
    return [
        f for c in RESULT_CHECKS if f"results: {c.name}" in names for f in c.run(rec, results, day)
    ]


# What the worker process needs, inherited when it is forked: sending the records and the
# shared outputs to it would cost more than computing them.
_WORK: dict = {}


def _own_steps(key: str) -> tuple[list[Finding], dict | None]:
    """One side's moved steps: its checks, then (without errors) its computing and the
    checks of its results. Returns the side's own findings and the moved steps' outputs."""
    rec, files, before = _WORK[key]
    shared, moved, day, memo = _WORK["shared"], _WORK["moved"], _WORK["day"], _WORK["memo"]
    found = [f for c in CHECKS if f"check: {c.name}" in moved for f in c.run(rec, files, day, memo)]
    if has_errors(before + shared["findings"] + found):
        return found, None
    got = dict(shared["got"])
    for stage in STAGES:
        if stage.name in moved:
            got[stage.name] = stage.run(rec, day, got)
    found += _result_checks(rec, got, day, moved)
    return found, {s.name: got[s.name] for s in STAGES if s.name in moved}


def both_sides(
    base, head, day: dt.date, changed: set[str] | None, memo: dict
) -> tuple[tuple[dict, list[dict]], tuple[dict, list[dict]]]:
    """(results, findings) of each side (`scoped.Side`), as `scoped.scoped_results` gives
    them for the whole records, computing each step that cannot move once for both."""
    moved = moved_steps(changed)
    sides = {}
    for key, side in (("base", base), ("head", head)):
        rec, later = as_of_view(side.records, day)
        files = [f"{side.prefix}/{rel}" for rel in sorted(side.links.paths())]
        sides[key] = (rec, files, side.load_findings + later)
    rec, files, _ = sides["head"]
    shared = {
        "findings": [
            f
            for c in CHECKS
            if f"check: {c.name}" not in moved
            for f in c.run(rec, files, day, memo)
        ]
    }
    got: dict = {}
    if not has_errors(shared["findings"]):
        for stage in STAGES:
            if stage.name not in moved:
                got[stage.name] = stage.run(rec, day, got)
    shared["got"] = got
    _WORK.update(sides, shared=shared, moved=moved, day=day, memo=memo)
    try:
        own = _run_sides()
    finally:
        _WORK.clear()
    out = []
    for key, side in (("base", base), ("head", head)):
        rec, _, before = sides[key]
        found, moved_got = own[key]
        findings = before + shared["findings"] + found
        results: dict = {}
        if moved_got is not None:
            all_got = {**got, **moved_got}
            findings += _result_checks(rec, all_got, day, _unmoved_result_checks(moved))
            results = assemble(all_got, day, side.source)
        findings = sort_findings(findings)
        if results:
            results["findings"] = [f.__dict__ for f in findings]
        out.append((results, [f.__dict__ for f in findings]))
    return out[0], out[1]


def _unmoved_result_checks(moved: set[str]) -> set[str]:
    return {f"results: {c.name}" for c in RESULT_CHECKS} - moved


def _run_sides() -> dict:
    """Both sides' moved steps: the base's in a forked process while this one does the
    head's, on a machine with two cores or more."""
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return {key: _own_steps(key) for key in ("base", "head")}
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        base = pool.submit(_own_steps, "base")
        head = _own_steps("head")
        return {"base": base.result(), "head": head}
