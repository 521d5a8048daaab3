"""Checks of terms and retirement (T1, T2) on the as-of date.

A term number beyond the limit, years in one post or at one rank beyond the policy's, and
someone still in post after the statutory retirement date are problems of the records
themselves: the first is an error, the long runs are warnings (the term numbers may be
missing), being in post past retirement is an error.
"""

from __future__ import annotations

import datetime as dt

from ..dates import add_months, parse_date
from ..findings import Finding, error_at, warning_at
from ..loader import Document
from ..model import Records
from ..rules.shared import ACTIVE, policy_in_force
from ..rules.tenure import current_term, retirement_due


def _same_run(history: list[dict], n: int, key) -> int:
    """Index of the first stint of the unbroken run of adjacent stints sharing `key` with stint n."""
    while n > 0 and key(history[n - 1]) == key(history[n]):
        n -= 1
    return n


def term_findings(doc: Document, policy: dict, as_of: dt.date) -> list[Finding]:
    """T1: no term beyond the limit, no overlong run in one post or at one rank.

    Terms apply to a current stint that records a term number, and to every leadership
    member's current stint. A recorded term number above `max_consecutive` is an error; a
    run of adjacent stints in the same post and unit longer than max_consecutive x years is
    a warning (the term numbers may be missing or wrong). With the policy value
    `terms.max_years_at_rank`, a run at one rank level longer than that is a warning too.
    """
    p = doc.data
    stint = current_term(p)
    if stint is None:
        return []
    n = len(p["history"]) - 1
    terms = policy["terms"]
    findings = []
    limit = terms["max_consecutive"]
    if stint.get("term", 1) > limit:
        findings.append(
            error_at(
                doc,
                ("history", n, "term"),
                "T1",
                f"同一职位连任不能超过{limit}届 (term beyond the limit)",
                "任期届满后应交流或改任",
            )
        )
    first = _same_run(p["history"], n, lambda s: (s["post"], s["unit"]))
    if as_of > add_months(parse_date(p["history"][first]["start"]), 12 * terms["years"] * limit):
        years = terms["years"] * limit
        findings.append(
            warning_at(
                doc,
                ("history", n, "start"),
                "T1",
                f"同一职位连续任职超过{years}年 (more than {years} years in one post)",
            )
        )
    at_rank = terms.get("max_years_at_rank")
    first = _same_run(p["history"], n, lambda s: s["rank"])
    if at_rank and as_of > add_months(parse_date(p["history"][first]["start"]), 12 * at_rank):
        findings.append(
            warning_at(
                doc,
                ("history", n, "rank"),
                "T1",
                f"同一职级任职超过{at_rank}年 (more than {at_rank} years at one rank level)",
            )
        )
    return findings


def retirement_findings(doc: Document, policy: dict, as_of: dt.date) -> list[Finding]:
    """T2: still in post after the day the statutory age is reached is an error."""
    due = retirement_due(doc.data, policy)
    if due is None or due >= as_of:
        return []
    return [
        error_at(
            doc,
            ("status",),
            "T2",
            "已过法定退休时间仍在岗 (in post past the statutory retirement date)",
            "办理退休手续后把 status 改为 retired，并给最后一段任职填写离任日期 end",
        )
    ]


def check_tenure(rec: Records, as_of: dt.date) -> list[Finding]:
    """T1 and T2 for everyone in service, by the policy in force on the as-of date."""
    policy = policy_in_force(rec, as_of.year)[1]
    if policy is None:
        return []
    out: list[Finding] = []
    for _, doc in sorted(rec.people.items()):
        if doc.data["status"] in ACTIVE:
            out += term_findings(doc, policy, as_of) + retirement_findings(doc, policy, as_of)
    return out
