"""The diff of a policy change: computing twice only what the changed parameters can move.

A change to a policy file can move any unit's outcomes, so the unit scope of `scope`
cannot narrow it; but it moves only the steps that read a changed parameter. Every check
and computing step names the top-level policy sections it reads (`checks.CHECKS`,
`compute.STAGES`); a step moves when it reads a changed section or the output of a step
that moved. Both revisions hold the same records but for their policy files, so a step
that does not move gives the same output for both: it runs once, on the revision being
reviewed, and both sides share it. The steps that move run once for each side, one side
after the other, and each side keeps only its `diff.outcomes`.

Both sides run in this process, not in two. A forked process would share the records'
pages with this one only until it reads them: reading a Python object writes its
reference count, so the fork soon holds its own copy of every record it read, and at a
province's scale the two sides then need more memory than the machine's budget.

The output is the same as checking and computing both revisions whole (the equivalence is
tested in tests/test_policy_change.py, over an edit of every section).
"""

from __future__ import annotations

import datetime as dt
import marshal

from .checks import CHECKS, RESULT_CHECKS
from .compute import STAGES, actions_of
from .diff import outcomes, points_totals
from .findings import Finding, has_errors, sort_findings
from .memory import give_back
from .model import Records, as_of_view
from .rules.points import compute_points
from .scope import Links

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


def _run(stage, rec: Records, day: dt.date, got: dict):
    """A step's output, less what neither the diff compares nor a later step reads: the
    points' month tables (the diff compares year totals, the watch list reads unit-years)."""
    if stage.name == "points":
        return compute_points(rec, month_tables=False)
    return stage.run(rec, day, got)


def _compared(got: dict) -> dict:
    """What `diff.outcomes` reads of the results, from the steps' outputs: `assemble` less
    the alerts and the order, which no outcome depends on (an action's key names it)."""
    return {
        "appraisals": got["appraisals"][0],
        "actions": actions_of(got),
        "selections": got["selections"][0],
        "points": got["points"],
        "postings": got["postings"],
    }


def _own_steps(
    side: tuple, shared: dict, moved: set[str], day: dt.date, memo: dict
) -> tuple[list[dict], bytes]:
    """One side's moved steps: its checks, then (without errors) its computing and the
    checks of its results. Returns the side's findings and its `outcomes`, marshalled,
    nothing more: a side's whole results at a province's scale are most of a gigabyte,
    and its outcomes held as objects would keep pages of them from being given back."""
    rec, files, before = side
    found = [f for c in CHECKS if f"check: {c.name}" in moved for f in c.run(rec, files, day, memo)]
    found = before + shared["findings"] + found
    results: dict = {}
    if not has_errors(found):
        got = dict(shared["got"])
        for stage in STAGES:
            if stage.name in moved:
                got[stage.name] = _run(stage, rec, day, got)
        found += _result_checks(rec, got, day, {f"results: {c.name}" for c in RESULT_CHECKS})
        results = outcomes(_compared(got))
        del got
    packed = marshal.dumps(results)
    del results
    give_back()
    return [f.__dict__ for f in sort_findings(found)], packed


def both_sides(
    base, head, day: dt.date, changed: set[str] | None, memo: dict
) -> tuple[tuple[dict, list[dict]], tuple[dict, list[dict]]]:
    """(outcomes, findings) of each side (`scoped.Side`): the `diff.outcomes` of what
    `scoped.scoped_results` gives for the whole records, computing each step that cannot
    move once for both.

    The sides' links are emptied once their file lists are taken: the caller has used
    them for the scope, and a province's are 70 MB a side that the steps would sit beside.
    """
    moved = moved_steps(changed)
    sides = {}
    for key, side in (("base", base), ("head", head)):
        rec, later = as_of_view(side.records, day)
        files = [f"{side.prefix}/{rel}" for rel in sorted(side.links.paths())]
        sides[key] = (rec, files, side.load_findings + later)
    base.links = head.links = Links()
    give_back()
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
                got[stage.name] = _run(stage, rec, day, got)
    got["scores"] = {}  # each appraisal entry's scores, for the other side (`_appraisals`)
    totals = None
    if "points" in got:  # unmoved: both sides' year totals are these; no step reads the rest
        totals = points_totals(got["points"])
        got["points"] = {**got["points"], "people": []}  # the watch list reads unit-years
        give_back()
    shared["got"] = got
    del rec, files, got
    own = [_own_steps(sides.pop(key), shared, moved, day, memo) for key in ("base", "head")]
    out = []
    for found, packed in own:
        results = marshal.loads(packed)
        if results and totals is not None:
            results["points"] = totals
        out.append((results, found))
    return out[0], out[1]
