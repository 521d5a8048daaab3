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


def check_records(
    rec: Records, files: list[str], as_of: dt.date | None, memo: dict | None = None
) -> list[Finding]:
    """Every rule that reads the records alone (and the as-of date, for the rules of time)."""
    out = check_name_clashes(files)
    for doc in rec.policies.values():
        out += check_policy(doc)
    out += check_units(rec) + check_people(rec) + check_quotas(rec)
    out += check_appraisals(rec, memo) + check_points(rec) + check_unit_ties(rec)
    out += check_selection_references(rec) + check_incidents(rec) + check_case_references(rec)
    out += check_ids(rec)
    if as_of is not None:
        out += check_selection_years(rec, as_of) + check_tenure(rec, as_of)
        out += check_cases(rec, as_of)
    return out


def check_results(rec: Records, results: dict, as_of: dt.date) -> list[Finding]:
    """The rules checked against computed results."""
    return (
        check_decisions(rec, results)
        + check_restrictions(rec, results, as_of)
        + check_selections(rec, results, as_of)
    )
