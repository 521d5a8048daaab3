"""A1-A3: the annual appraisal's scores, and grades within grading pools.

Arithmetic is on `Decimal`, rounded half-up to 0.01 at two points only: each component
(A1, A2) is rounded first, then the total is the weighted sum of the *rounded* components,
rounded again. Anyone can therefore recompute a posted total from its posted components.

What each grade brings (A4-A7) is `consequences`; whether the inputs are complete and
within their maxima is checked before this runs (`checks.appraisal`).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from itertools import takewhile

from ..dates import add_months, iso, parse_date
from ..loader import Document
from ..model import Records
from .shared import alert, cents, dec, policy_in_force, stint_at, text

VOTES = ("excellent", "competent", "basically_competent", "incompetent")
COMPONENTS = ("results", "daily", "democratic")

# ---------------------------------------------------------------- A1, A2: scores


def component_score(given: dict) -> Decimal:
    """A1: a component is the sum of its item scores (the template's maxima add to 100)."""
    return cents(sum((dec(v) for v in given.values()), Decimal(0)))


def democratic_score(tallies: dict, settings: dict) -> Decimal | None:
    """A2: the weighted mean of the rater groups' average points per vote.

    Each group's average counts the votes cast: abstentions (raters minus votes) are left
    out, so that a rater who did not vote neither raises nor lowers the score. A group with
    no votes, whether omitted or all abstaining, has no average; its weight is handed to the
    groups that voted in proportion to their own weights (the weights of the groups present
    are rescaled to add up to 1). None when no group with a weight above zero voted.
    """
    per_vote = {v: dec(settings["points"][v]) for v in VOTES}
    weighted, weights = Decimal(0), Decimal(0)
    for group, weight in settings["groups"].items():
        tally = tallies.get(group)
        votes = sum(tally[v] for v in VOTES) if tally else 0
        if votes == 0:
            continue
        average = sum((per_vote[v] * tally[v] for v in VOTES), Decimal(0)) / votes
        weighted += dec(weight) * average
        weights += dec(weight)
    return cents(weighted / weights) if weights else None


def total_score(components: dict[str, Decimal], weights: dict) -> Decimal:
    """A1: total = results x w + daily x w + democratic x w, from the rounded components."""
    return cents(sum((dec(weights[c]) * components[c] for c in COMPONENTS), Decimal(0)))


# ---------------------------------------------------------------- A3: grades in a pool


def excellent_quota(pool_size: int, share) -> int:
    """A3: at most pool size x share rated 优秀, rounded down (9 at 20% gives 1)."""
    return int((pool_size * dec(share)).to_integral_value(rounding=ROUND_FLOOR))


def excellent_limit(appraised: int, graded: int, grading: dict) -> tuple[int, int]:
    """A3: (the most 优秀 a pool may have, and the number of people that is a share of).

    The base is the policy's `excellent_base`: `appraised` (the default) counts everyone
    who takes part in the year's appraisal, graded or not (参加年度考核的总人数, as the
    national rules say); `graded` counts only those given a grade.
    """
    base = appraised if grading.get("excellent_base", "appraised") == "appraised" else graded
    return excellent_quota(base, grading["excellent_share"]), base


def score_grade(total: Decimal, grading: dict) -> str:
    """A3: the grade a total earns below the 优秀 line, by the policy's thresholds."""
    if total < dec(grading["incompetent_below"]):
        return "incompetent"
    if total < dec(grading["basically_competent_below"]):
        return "basically_competent"
    return "competent"


@dataclass(slots=True)
class Member:
    """One person in a grading pool: the scores and whatever else decides the grade."""

    person: str
    total: Decimal | None = None
    results: Decimal | None = None
    democratic: Decimal | None = None
    daily: Decimal | None = None
    ungraded: str | None = None  # reason the person is not graded this year
    forced: tuple[str, ...] = ()  # rules (F3, F5) forcing the grade
    forced_grade: str = "incompetent"
    decision: dict | None = None  # a committee decision recorded on the entry

    def order(self) -> tuple:
        """The documented order: total, then results, then democratic, then daily."""
        return (self.total, self.results, self.democratic, self.daily)


@dataclass(frozen=True, slots=True)
class Outcome:
    grade: str
    rank: int | None
    decided: bool = False  # a committee decision settled a tie at the 优秀 boundary
    pending: bool = False  # tied at the boundary, no decision yet: 称职 for now


@dataclass
class PoolGrades:
    outcomes: dict[str, Outcome]
    ties: list[tuple[list[str], int]] = field(default_factory=list)  # (people, slots) unsettled


def settle(decided: dict[str, str], tied: int, slots: int) -> dict[str, str] | None:
    """A3: a tie at the boundary is settled when the recorded decisions (person -> grade,
    优秀 or 称职) fill every slot or cover all `tied` people, and never give more 优秀 than
    slots; the undecided are then 称职. None while it is not settled."""
    excellent = sum(g == "excellent" for g in decided.values())
    if excellent > slots or (excellent < slots and len(decided) < tied):
        return None
    return decided


def grade_pool(members: list[Member], grading: dict) -> PoolGrades:
    """A3: rank a pool and give each member a grade.

    Forced grades (F3, F5) win over scores; the ungraded are left out of the pool. The rest
    are ranked by the documented order, equals sharing a rank. 优秀 goes down that order to
    those at or above the minimum score while the limit (`excellent_limit`) has room;
    forced members count in the base but take no slot. When the last slots
    fall inside a group of exact equals, a recorded committee decision settles it;
    otherwise the group is 称职 pending a decision, and the slot stays empty rather than
    passing to anyone ranked lower. Everyone else is graded by the thresholds.
    """
    graded = [m for m in members if m.forced or not m.ungraded]
    ranked = sorted((m for m in graded if m.total is not None), key=lambda m: m.person)
    ranked.sort(key=Member.order, reverse=True)
    ranks: dict[str, int] = {}
    for i, m in enumerate(ranked):
        same = i and ranked[i - 1].order() == m.order()
        ranks[m.person] = ranks[ranked[i - 1].person] if same else i + 1
    result = PoolGrades({})
    grades: dict[str, tuple[str, bool, bool]] = {}
    slots = excellent_limit(len(members), len(graded), grading)[0]
    eligible = [m for m in ranked if not m.forced and m.total >= dec(grading["excellent_min"])]
    while eligible and slots > 0:
        group = list(takewhile(lambda m, top=eligible[0]: m.order() == top.order(), eligible))
        eligible = eligible[len(group) :]
        if len(group) <= slots:
            grades |= {m.person: ("excellent", False, False) for m in group}
            slots -= len(group)
            continue
        decided = {m.person: m.decision["grade"] for m in group if m.decision}
        settled = settle(decided, len(group), slots)
        if settled is None:
            result.ties.append(([m.person for m in group], slots))
            grades |= {m.person: ("competent", False, True) for m in group}
        else:
            grades |= {m.person: (settled.get(m.person, "competent"), True, False) for m in group}
        break
    for m in members:
        if m.forced:
            outcome = Outcome(m.forced_grade, ranks.get(m.person))
        elif m.ungraded:
            outcome = Outcome("ungraded", None)
        elif m.person in grades:
            grade, decided_, pending = grades[m.person]
            outcome = Outcome(grade, ranks[m.person], decided_, pending)
        else:
            outcome = Outcome(score_grade(m.total, grading), ranks[m.person])
        result.outcomes[m.person] = outcome
    return result


# ---------------------------------------------------------------- who is appraised in what


def appraised_category(person: dict, year: int, how: str = "year_end") -> str:
    """A1: the category (and so the item template) a person is appraised in for `year`.

    Categories belong to stints, so a change within the year needs a rule, the policy's
    `grading.category_at`: `year_end` (the default) takes the stint held at the year's end,
    the post the appraising unit knows; `longest` takes the category held longest during
    the year (the later one on a tie).
    """
    year_end = dt.date(year, 12, 31)
    if how == "longest":
        first, after = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        held: dict[str, tuple[int, int]] = {}  # category -> (days in the year, last stint)
        for n, stint in enumerate(person["history"]):
            start = max(parse_date(stint["start"]), first)
            end = min(parse_date(stint["end"]) if "end" in stint else after, after)
            if start < end:
                days = held.get(stint["category"], (0, n))[0] + (end - start).days
                held[stint["category"]] = (days, n)
        if held:
            return max(held, key=held.__getitem__)
    return stint_at(person, year_end)["category"]


# ---------------------------------------------------------------- time in post


def months_in_post(history: list[dict], year: int) -> int:
    """A3: whole months a person held any post during `year`, in whatever unit.

    A history `end` is the day the next post starts, so touching posts join into one
    period. Months are counted per period by calendar month arithmetic (2025-07-01 to the
    year's end is 6 months); the odd days of separate periods are not added up.
    """
    first, after = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    periods: list[list[dt.date]] = []
    for stint in history:
        start = max(parse_date(stint["start"]), first)
        end = min(parse_date(stint["end"]) if "end" in stint else after, after)
        if start >= end:
            continue
        if periods and start <= periods[-1][1]:
            periods[-1][1] = max(periods[-1][1], end)
        else:
            periods.append([start, end])
    total = 0
    for start, end in periods:
        # the largest k with add_months(start, k) <= end; add_months only grows with k
        months = (end.year - start.year) * 12 + end.month - start.month
        if add_months(start, months) > end:
            months -= 1
        total += max(months, 0)
    return total


# ---------------------------------------------------------------- the whole year


@dataclass(slots=True)
class _Entry:
    doc: Document
    index: int
    year: int
    unit: str
    date: dt.date
    category: str
    pool: str
    member: Member
    months_in_post: int | None = None


def pool_key(grading: dict, unit: str, category: str) -> str:
    """A3: the grading pool an entry belongs to, by the policy's `grading.pool` keys."""
    parts = {"unit": unit, "category": category}
    return "/".join(parts[p] for p in ("unit", "category") if p in grading["pool"])


def _scores(e: dict, policy: dict) -> tuple:
    """A1, A2: an entry's component scores and total (None for an incomplete democratic part)."""
    results, daily = component_score(e["results"]), component_score(e["daily"])
    democratic = democratic_score(e["democratic"], policy["democratic"])
    if democratic is None:
        return results, daily, None, None
    components = {"results": results, "daily": daily, "democratic": democratic}
    return results, daily, democratic, total_score(components, policy["weights"])


def _entries(
    rec: Records, as_of: dt.date, forced_grades: dict, scores: dict | None = None
) -> list[_Entry]:
    """Scores of every appraisal entry posted by `as_of` (a later record is not decided yet).

    `scores` (optional) passes each entry's scores to another revision of the same records:
    an entry and the parameters its scores read, unchanged, give the same scores (a policy
    diff moving only the grading need not score a province twice). Scores found there are
    taken out, so the memo empties as the second revision reads it. The entry itself is
    kept beside its scores, so that its id cannot be taken by another while the memo lives.
    """
    out = []
    for (year, unit), doc in sorted(rec.appraisals.items()):
        date = parse_date(doc.data["date"])
        if date > as_of:
            continue
        policy = policy_in_force(rec, year)[1]
        grading = policy["grading"]
        read = repr((policy["democratic"], policy["weights"])) if scores is not None else ""
        for n, e in enumerate(doc.data["entries"]):
            person = rec.people[e["person"]].data
            category = appraised_category(person, year, grading.get("category_at", "year_end"))
            m = Member(e["person"], decision=e.get("decision"))
            entry = _Entry(doc, n, year, unit, date, category, pool_key(grading, unit, category), m)
            forced = forced_grades.get((m.person, year), [])
            if forced:
                m.forced = tuple(sorted({f["rule"] for f in forced}))
                m.forced_grade = forced[0]["grade"]
            if "ungraded" in e:
                m.ungraded = e["ungraded"]["reason"]
                out.append(entry)
                continue
            kept = scores.pop((id(e), read), None) if scores is not None else None
            if kept is None or kept[0] is not e:
                kept = (e, *_scores(e, policy))
                if scores is not None:
                    scores[(id(e), read)] = kept
            m.results, m.daily, m.democratic, m.total = kept[1:]
            if m.democratic is None:
                m.ungraded = "incomplete"  # the check stage reports it; nothing is posted then
            entry.months_in_post = months_in_post(person["history"], year)
            if not m.ungraded and entry.months_in_post < grading["min_months_in_post"]:
                m.ungraded = "short_tenure"
            out.append(entry)
    return out


def _appraisal(entry: _Entry, outcome: Outcome, rec: Records) -> dict:
    m, e = entry.member, entry.doc.data["entries"][entry.index]
    out = {
        "person": m.person,
        "year": entry.year,
        "unit": entry.unit,
        "category": entry.category,
        "pool": sys.intern(entry.pool),
        "date": iso(entry.date),
        "components": {
            "results": text(m.results),
            "daily": text(m.daily),
            "democratic": text(m.democratic),
        },
        "total": text(m.total),
        "rank": outcome.rank,
        "grade": outcome.grade,
    }
    sources = [entry.doc.path]
    if outcome.grade == "ungraded":
        out["reason"] = m.ungraded
        if m.ungraded == "short_tenure" and "ungraded" not in e:
            out["months_in_post"] = entry.months_in_post
            sources.append(rec.people[m.person].path)
    if m.forced:
        out["forced_by"] = list(m.forced)
    if outcome.decided and m.decision:
        out["decision"] = dict(m.decision)
    if outcome.pending:
        out["pending_decision"] = True
    out["sources"] = sources
    return out


def _tie_alerts(entries: dict[str, _Entry], people: list[str], slots: int) -> list[dict]:
    alerts = []
    for pid in people:
        entry = entries[pid]
        if entry.member.decision:
            continue
        message = (
            f"{entry.year} 年度 {entry.pool} 有 {len(people)} 人总分及各项得分完全相同，"
            f"争 {slots} 个优秀名额，须由考核委员会研究决定；决定前暂按称职"
        )
        alerts.append(
            alert(
                "A3",
                "tie_needs_decision",
                message,
                [entry.doc.path],
                pid,
                entry.unit,
                entry.date.isoformat(),
            )
        )
    return alerts


def compute_appraisals(
    rec: Records,
    as_of: dt.date,
    forced_grades: dict[tuple[str, int], list[dict]],
    scores: dict | None = None,
) -> tuple[list[dict], list[dict]]:
    """A1-A3 for every appraisal posted by `as_of`: (appraisals, alerts).

    A person is `ungraded` for the reason the entry records, or automatically
    (`short_tenure`, with `months_in_post`) when the history shows fewer than the policy's
    `min_months_in_post` whole months in any post that year. A forced grade (F3, F5)
    overrides these, since the finding is what settles the year. Forced grades for a person
    and year with no appraisal entry wait for the entry: the year's appraisal may not be
    held yet. `scores`: see `_entries`.
    """
    pools: dict[tuple[int, str], list[_Entry]] = defaultdict(list)
    for entry in _entries(rec, as_of, forced_grades, scores):
        pools[(entry.year, entry.pool)].append(entry)
    appraisals, alerts = [], []
    for (year, _), group in sorted(pools.items()):
        by_person = {e.member.person: e for e in group}
        graded = grade_pool([e.member for e in group], policy_in_force(rec, year)[1]["grading"])
        for people, slots in graded.ties:
            alerts += _tie_alerts(by_person, people, slots)
        appraisals += [_appraisal(e, graded.outcomes[e.member.person], rec) for e in group]
    appraisals.sort(
        key=lambda a: (
            a["year"],
            a["unit"],
            a["pool"],
            a["rank"] is None,
            a["rank"] or 0,
            a["person"],
        )
    )
    return appraisals, alerts
