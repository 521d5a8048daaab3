"""Check stage, tier two: rules across records, each returning findings.

Tier one is the shape of each file (`schema`). Here every function takes the model (only
documents that passed their schema) and returns a list of findings; none raises and none
prints. A finding names the rule id of DESIGN section 5 where one applies (Q1, Q2, A1, ...)
and otherwise the field. One module per record kind.

`check_records` runs before computing; `check_results` after it, for the rules that can
only be checked against what was computed (a promotion inside a restriction, a round of a
vote that came after its seats were filled, a tie decision at the quota's boundary). Each
rule is checked in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ..findings import Finding
from ..model import Records
from .appraisal import check_appraisals, check_decisions, check_restrictions
from .cases import check_case_references, check_cases
from .files import check_name_clashes
from .ids import check_ids
from .incidents import check_incidents
from .people import check_people, check_quotas, check_units
from .points import check_points
from .policy import check_policy
from .selection import check_selection_references, check_selection_years, check_selections
from .tenure import check_tenure
from .unit_ties import check_unit_ties


@dataclass(frozen=True)
class Check:
    """One rule's check, with the policy sections it reads (see `compute.Stage`)."""

    name: str
    reads: frozenset[str]
    run: Callable[..., list[Finding]]
    needs_as_of: bool = False
    needs: tuple[str, ...] = ()  # the computing steps whose output it reads (after computing)


ALL_SECTIONS = frozenset({"*"})  # reads the whole policy file

# Before computing: (records, record files, as-of date, memo) -> findings.
CHECKS = (
    Check("name clashes", frozenset(), lambda rec, files, as_of, memo: check_name_clashes(files)),
    Check(
        "policy",
        ALL_SECTIONS,
        lambda rec, files, as_of, memo: [f for d in rec.policies.values() for f in check_policy(d)],
    ),
    Check("units", frozenset(), lambda rec, files, as_of, memo: check_units(rec)),
    Check("people", frozenset({"ranks"}), lambda rec, files, as_of, memo: check_people(rec)),
    Check("quotas", frozenset(), lambda rec, files, as_of, memo: check_quotas(rec)),
    Check(
        "appraisals",
        frozenset({"democratic", "grading", "templates"}),
        lambda rec, files, as_of, memo: check_appraisals(rec, memo),
    ),
    Check("points", frozenset({"points"}), lambda rec, files, as_of, memo: check_points(rec)),
    Check("unit ties", frozenset(), lambda rec, files, as_of, memo: check_unit_ties(rec)),
    Check(
        "selection references",
        frozenset(),
        lambda rec, files, as_of, memo: check_selection_references(rec),
    ),
    Check(
        "incidents",
        frozenset({"banned_behaviours", "channels", "situations"}),
        lambda rec, files, as_of, memo: check_incidents(rec),
    ),
    Check(
        "case references",
        frozenset({"authority"}),
        lambda rec, files, as_of, memo: check_case_references(rec),
    ),
    Check("ids", frozenset(), lambda rec, files, as_of, memo: check_ids(rec)),
    Check(
        "selection years",
        frozenset(),
        lambda rec, files, as_of, memo: check_selection_years(rec, as_of),
        needs_as_of=True,
    ),
    Check(
        "tenure",
        frozenset({"retirement", "terms"}),
        lambda rec, files, as_of, memo: check_tenure(rec, as_of),
        needs_as_of=True,
    ),
    Check(
        "cases",
        frozenset({"appeal", "authority", "leader_min_rank", "ranks", "situations"}),
        lambda rec, files, as_of, memo: check_cases(rec, as_of),
        needs_as_of=True,
    ),
)

# After computing: (records, results, as-of date) -> findings.
RESULT_CHECKS = (
    Check(
        "decisions",
        frozenset({"grading"}),
        lambda rec, res, as_of: check_decisions(rec, res),
        needs=("appraisals",),
    ),
    Check(
        "restrictions",
        frozenset({"ranks"}),
        lambda rec, res, as_of: check_restrictions(rec, res, as_of),
        needs=("consequences",),
    ),
    Check(
        "selections",
        frozenset({"selection"}),
        lambda rec, res, as_of: check_selections(rec, res, as_of),
        needs=("selections",),
    ),
)


def check_records(
    rec: Records,
    files: list[str],
    as_of: dt.date | None,
    memo: dict | None = None,
    only: set[str] | None = None,
) -> list[Finding]:
    """Every rule that reads the records alone (and the as-of date, for the rules of time);
    with `only`, the checks of those names."""
    out: list[Finding] = []
    for check in CHECKS:
        if (only is None or check.name in only) and (as_of is not None or not check.needs_as_of):
            out += check.run(rec, files, as_of, memo)
    return out


def check_results(
    rec: Records, results: dict, as_of: dt.date, only: set[str] | None = None
) -> list[Finding]:
    """The rules checked against computed results; with `only`, the checks of those names."""
    out: list[Finding] = []
    for check in RESULT_CHECKS:
        if only is None or check.name in only:
            out += check.run(rec, results, as_of)
    return out
