"""Annual appraisal (A1-A7): scores, grades within pools, and what each grade brings.

Arithmetic is on `Decimal`, rounded half-up to 0.01 at two points only: each component
(A1, A2) is rounded first, then the total is the weighted sum of the *rounded* components,
rounded again. Anyone can therefore recompute a posted total from its posted components.

Dates follow the Civil Code's counting of periods (民法典 第二百零一、二百零二条): a period of
n months starts the day after the effective date, and its last day is the same day of the
month n months later, or that month's last day when it has no such day (2025-08-31 plus
6 months ends 2026-02-28). An action's `until` is that last day, inclusive: the person is
free of the restriction from the next day on.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from itertools import takewhile

from .dates import add_months
from .findings import Finding, error, warning
from .loader import Document
from .model import Records

# The policy paper's own words for each consequence: shown on the site as the basis.
CLAUSES = {
    "A3": "年终按绩效考核得分高低评定“优秀”、“称职”、“基本称职”和“不称职”四个等次",
    "A4": "连续两年被评为“优秀等次”的，在后备干部调整、组织推荐和选拔任用时，同等条件下优先考虑",
    "A5": "对“基本称职”等次人员进行诫勉谈话，一年内不得晋升职务，取消年度考核奖金",
    "A6": "对“不称职”等次人员实行诫勉谈话，降低一个职务或职级层次任职，取消年度考核奖金，试岗半年",
    "A7": "连续两年被评为“不称职”等次的人员，按有关规定和程序予以辞退",
}

LABELS = {
    "reserve_priority": "后备干部调整、组织推荐和选拔任用时同等条件下优先考虑",
    "admonishment_talk": "诫勉谈话",
    "no_promotion": "不得晋升职务",
    "bonus_cancelled": "取消年度考核奖金",
    "demotion": "降低一个职级层次任职",
    "trial": "试岗",
    "dismissal": "按有关规定和程序予以辞退",
}

VOTES = ("excellent", "competent", "basically_competent", "incompetent")
COMPONENTS = ("results", "daily", "democratic")
CENT = Decimal("0.01")


def dec(value) -> Decimal:
    """A number from a record as an exact decimal (through its text, never its float value)."""
    return Decimal(str(value))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def text(value: Decimal | None) -> str | None:
    return None if value is None else str(cents(value))


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


def score_grade(total: Decimal, grading: dict) -> str:
    """A3: the grade a total earns below the 优秀 line, by the policy's thresholds."""
    if total < dec(grading["incompetent_below"]):
        return "incompetent"
    if total < dec(grading["basically_competent_below"]):
        return "basically_competent"
    return "competent"


@dataclass
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


@dataclass(frozen=True)
class Outcome:
    grade: str
    rank: int | None
    decided: bool = False  # a committee decision settled a tie at the 优秀 boundary
    pending: bool = False  # tied at the boundary, no decision yet: 称职 for now


@dataclass
class PoolGrades:
    outcomes: dict[str, Outcome]
    ties: list[tuple[list[str], int]] = field(default_factory=list)  # (people, slots) unsettled
    bad_decisions: list[tuple[str, str]] = field(default_factory=list)  # (person, why)
    unused_decisions: list[str] = field(default_factory=list)


def _settle(group: list[Member], slots: int) -> tuple[dict[str, str] | None, list[tuple]]:
    """A tie at the boundary is settled when the recorded decisions fill every slot or cover
    every tied person, each deciding 优秀 or 称职, and never more 优秀 than slots."""
    bad = [
        (m.person, "grade")
        for m in group
        if m.decision and m.decision["grade"] not in ("excellent", "competent")
    ]
    decided = {m.person: m.decision["grade"] for m in group if m.decision}
    excellent = sum(g == "excellent" for g in decided.values())
    if excellent > slots:
        bad += [(p, "quota") for p, g in decided.items() if g == "excellent"]
    if bad or (excellent < slots and len(decided) < len(group)):
        return None, bad
    return {m.person: decided.get(m.person, "competent") for m in group}, []


def grade_pool(members: list[Member], grading: dict) -> PoolGrades:
    """A3: rank a pool and give each member a grade.

    Forced grades (F3, F5) win over scores; the ungraded are left out of the pool. The rest
    are ranked by the documented order, equals sharing a rank. 优秀 goes down that order to
    those at or above the minimum score while the quota (pool size x share, rounded down)
    has room; forced members count in the pool size but take no slot. When the last slots
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
    slots = excellent_quota(len(graded), grading["excellent_share"])
    eligible = [m for m in ranked if not m.forced and m.total >= dec(grading["excellent_min"])]
    while eligible and slots > 0:
        group = list(takewhile(lambda m, top=eligible[0]: m.order() == top.order(), eligible))
        eligible = eligible[len(group) :]
        if len(group) <= slots:
            grades |= {m.person: ("excellent", False, False) for m in group}
            slots -= len(group)
            continue
        settled, bad = _settle(group, slots)
        result.bad_decisions += bad
        if settled is None:
            result.ties.append(([m.person for m in group], slots))
            grades |= {m.person: ("competent", False, True) for m in group}
        else:
            grades |= {p: (g, True, False) for p, g in settled.items()}
        break
    for m in members:
        if m.forced:
            outcome = Outcome(m.forced_grade, ranks.get(m.person))
        elif m.ungraded:
            outcome = Outcome("ungraded", None)
        elif m.person in grades:
            grade, decided, pending = grades[m.person]
            outcome = Outcome(grade, ranks[m.person], decided, pending)
        else:
            outcome = Outcome(score_grade(m.total, grading), ranks[m.person])
        if m.decision and not outcome.decided and not outcome.pending:
            result.unused_decisions.append(m.person)
        result.outcomes[m.person] = outcome
    return result


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
        start = max(dt.date.fromisoformat(stint["start"]), first)
        end = min(dt.date.fromisoformat(stint["end"]) if "end" in stint else after, after)
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


def rank_on(person: dict, day: dt.date) -> str:
    """The rank a person held on a day, from the history; the current rank otherwise."""
    for stint in person["history"]:
        start = dt.date.fromisoformat(stint["start"])
        end = dt.date.fromisoformat(stint["end"]) if "end" in stint else None
        if start <= day and (end is None or day < end):
            return stint["rank"]
    return person["rank"]


# ---------------------------------------------------------------- the whole year


@dataclass
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


def _pool_key(grading: dict, unit: str, category: str) -> str:
    parts = {"unit": unit, "category": category}
    return "/".join(parts[p] for p in ("unit", "category") if p in grading["pool"])


def _entries(
    rec: Records, as_of: dt.date, forced_grades: dict
) -> tuple[list[_Entry], list[Finding]]:
    """Scores of every appraisal entry posted by `as_of` (a later record is not decided yet)."""
    out, findings = [], []
    for (year, unit), doc in sorted(rec.appraisals.items()):
        date = dt.date.fromisoformat(doc.data["date"])
        if date > as_of:
            continue
        policy = rec.policy_for(year)
        grading = policy["grading"]
        for n, e in enumerate(doc.data["entries"]):
            person = rec.people[e["person"]].data
            category = person["category"]
            m = Member(e["person"], decision=e.get("decision"))
            entry = _Entry(
                doc, n, year, unit, date, category, _pool_key(grading, unit, category), m
            )
            forced = forced_grades.get((m.person, year), [])
            if forced:
                m.forced = tuple(sorted({f["rule"] for f in forced}))
                m.forced_grade = forced[0]["grade"]
            if "ungraded" in e:
                m.ungraded = e["ungraded"]["reason"]
                out.append(entry)
                continue
            m.results = component_score(e["results"])
            m.daily = component_score(e["daily"])
            m.democratic = democratic_score(e["democratic"], policy["democratic"])
            if m.democratic is None:
                line, col = doc.where(("entries", n, "democratic"))
                findings.append(
                    error(
                        doc.path,
                        line,
                        col,
                        "A2",
                        "民主测评没有有效票，无法计算得分 (no votes in any weighted rater group)",
                        "填写各测评群体的票数；该人员暂不定等次",
                    )
                )
                m.ungraded = "incomplete"
            else:
                m.total = total_score(
                    {"results": m.results, "daily": m.daily, "democratic": m.democratic},
                    policy["weights"],
                )
            entry.months_in_post = months_in_post(person["history"], year)
            if not m.ungraded and entry.months_in_post < grading["min_months_in_post"]:
                m.ungraded = "short_tenure"
            out.append(entry)
    return out, findings


def _appraisal(entry: _Entry, outcome: Outcome, rec: Records) -> dict:
    m, e = entry.member, entry.doc.data["entries"][entry.index]
    out = {
        "person": m.person,
        "year": entry.year,
        "unit": entry.unit,
        "category": entry.category,
        "pool": entry.pool,
        "date": entry.date.isoformat(),
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
        alerts.append(
            {
                "rule": "A3",
                "type": "tie_needs_decision",
                "person": pid,
                "unit": entry.unit,
                "date": entry.date.isoformat(),
                "message": (
                    f"{entry.year} 年度 {entry.pool} 有 {len(people)} 人总分及各项得分完全相同，"
                    f"争 {slots} 个优秀名额，须由考核委员会研究决定；决定前暂按称职"
                ),
                "sources": [entry.doc.path],
            }
        )
    return alerts


def _decision_findings(entries: dict[str, _Entry], pool: PoolGrades) -> list[Finding]:
    out = []
    why = {
        "grade": "同分决定只能定为优秀或称职 (a tie decision must be excellent or competent)",
        "quota": "决定的优秀人数超过剩余名额 (the decisions give more 优秀 than the quota allows)",
    }
    for pid, reason in pool.bad_decisions:
        entry = entries[pid]
        line, col = entry.doc.where(("entries", entry.index, "decision", "grade"))
        out.append(error(entry.doc.path, line, col, "A3", why[reason], "核对会议纪要中的决定等次"))
    for pid in pool.unused_decisions:
        entry = entries[pid]
        line, col = entry.doc.where(("entries", entry.index, "decision"))
        out.append(
            warning(
                entry.doc.path,
                line,
                col,
                "A3",
                "该人员不在优秀名额边界的同分之列，委员会决定未采用 (no tie to settle; decision not used)",
                "同分决定只用于优秀名额边界上得分完全相同的人员",
            )
        )
    return out


def compute_appraisals(
    rec: Records, as_of: dt.date, forced_grades: dict[tuple[str, int], list[dict]]
) -> tuple[list[dict], list[dict], list[dict], list[Finding]]:
    """A1-A7 for every appraisal posted by `as_of`: (appraisals, actions, alerts, findings).

    A person is `ungraded` for the reason the entry records, or automatically
    (`short_tenure`, with `months_in_post`) when the history shows fewer than the policy's
    `min_months_in_post` whole months in any post that year, or (`incomplete`) when no
    weighted rater group cast a vote. A forced grade (F3, F5) overrides all of these, since
    the finding is what settles the year. Forced grades for a person and year with no
    appraisal entry wait for the entry: the year's appraisal may not be held yet.
    """
    entries, findings = _entries(rec, as_of, forced_grades)
    pools: dict[tuple[int, str], list[_Entry]] = defaultdict(list)
    for entry in entries:
        pools[(entry.year, entry.pool)].append(entry)
    appraisals, alerts = [], []
    for (year, _), group in sorted(pools.items()):
        by_person = {e.member.person: e for e in group}
        graded = grade_pool([e.member for e in group], rec.policy_for(year)["grading"])
        for people, slots in graded.ties:
            alerts += _tie_alerts(by_person, people, slots)
        findings += _decision_findings(by_person, graded)
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
    actions, more_alerts = consequences(appraisals, rec)
    findings += restriction_findings(actions, rec, as_of)
    return appraisals, actions, alerts + more_alerts, findings


# ---------------------------------------------------------------- A4-A7: consequences


def _action(
    a: dict, rule: str, kind: str, until: dt.date | None, sources: list[str], **extra
) -> dict:
    return {
        "person": a["person"],
        "rule": rule,
        "type": kind,
        "label": LABELS[kind],
        "year": a["year"],
        "effective": a["date"],
        "until": until.isoformat() if until else None,
        "basis": {"policy": a["year"], "clause": CLAUSES[rule], "sources": sources},
        **extra,
    }


def demotion(a: dict, rec: Records) -> tuple[dict, dict | None]:
    """A6: down one rank level (职级), the next lower rank in the policy's `ranks`.

    The policy allows lowering a post (职务) or a rank (职级) by one level. Only ranks form
    an ordered ladder in the records, so the rank is what is lowered here; a post follows
    the rank and is decided by the appointing body. At the lowest rank, or at a rank this
    year's policy does not list, there is no level to go down to: an alert asks for a
    decision instead.
    """
    person = rec.people[a["person"]]
    effective = dt.date.fromisoformat(a["date"])
    held = rank_on(person.data, effective)
    ladder = [r["id"] for r in rec.policy_for(a["year"])["ranks"]]
    to_rank = ladder[ladder.index(held) - 1] if held in ladder and ladder.index(held) > 0 else None
    sources = a["sources"][:1] + [person.path]
    action = _action(
        a, "A6", "demotion", None, sources, level="rank", from_rank=held, to_rank=to_rank
    )
    alert = None
    if to_rank is None:
        alert = {
            "rule": "A6",
            "type": "demotion_needs_decision",
            "person": a["person"],
            "unit": a["unit"],
            "date": a["date"],
            "message": f"{a['year']} 年度不称职，但现任职级已无更低一级，须另行研究降低职务层次",
            "sources": sources,
        }
    return action, alert


def consequences(appraisals: list[dict], rec: Records) -> tuple[list[dict], list[dict]]:
    """A4-A7 from the grades: actions dated from the day the result was posted.

    "Two consecutive years" follows the person, whatever unit appraised them each year.
    Every 不称职 brings A6, forced or not, and a second one in a row brings A7 as well: the
    dismissal takes its own procedure, and A6 applies meanwhile.
    """
    grades = {(a["person"], a["year"]): a for a in appraisals}
    actions, alerts = [], []
    for a in sorted(appraisals, key=lambda a: (a["person"], a["year"])):
        policy = rec.policy_for(a["year"])["consequences"]
        effective = dt.date.fromisoformat(a["date"])
        source = a["sources"][:1]
        before = grades.get((a["person"], a["year"] - 1))
        both = (before["sources"][:1] if before else []) + source
        if a["grade"] == "excellent" and before and before["grade"] == "excellent":
            actions.append(_action(a, "A4", "reserve_priority", None, both))
        if a["grade"] == "basically_competent":
            until = add_months(effective, policy["no_promotion_months"])
            actions += [
                _action(a, "A5", "admonishment_talk", None, source),
                _action(a, "A5", "no_promotion", until, source),
                _action(a, "A5", "bonus_cancelled", None, source),
            ]
        if a["grade"] == "incompetent":
            demote, alert = demotion(a, rec)
            actions += [
                _action(a, "A6", "admonishment_talk", None, source),
                demote,
                _action(a, "A6", "bonus_cancelled", None, source),
                _action(a, "A6", "trial", add_months(effective, policy["trial_months"]), source),
            ]
            alerts += [alert] if alert else []
            if before and before["grade"] == "incompetent":
                actions.append(_action(a, "A7", "dismissal", None, both))
    return actions, alerts


# ---------------------------------------------------------------- integrity of the history


def restriction_findings(actions: list[dict], rec: Records, as_of: dt.date) -> list[Finding]:
    """A5: no promotion inside a no-promotion period; A6: a demotion overdue by `as_of`.

    A promotion is a history entry that starts inside the period at a higher rank than the
    one before it. A demotion is recorded once a history entry starting on or after its
    effective date holds a lower rank than the one demoted from; people no longer in
    service (retired, dismissed, left) are not chased.
    """
    out = []
    for a in actions:
        doc = rec.people[a["person"]]
        ladder = [r["id"] for r in rec.policy_for(a["year"])["ranks"]]
        level = {r: i for i, r in enumerate(ladder)}
        history = doc.data["history"]
        effective = dt.date.fromisoformat(a["effective"])
        if a["type"] == "no_promotion":
            until = dt.date.fromisoformat(a["until"])
            for n in range(1, len(history)):
                start = dt.date.fromisoformat(history[n]["start"])
                before, after = history[n - 1]["rank"], history[n]["rank"]
                if effective <= start <= until and level.get(after, -1) > level.get(before, -1):
                    line, col = doc.where(("history", n, "rank"))
                    out.append(
                        error(
                            doc.path,
                            line,
                            col,
                            "A5",
                            f"{a['year']} 年度基本称职，{a['until']} 前不得晋升，该段任职晋升了职级 "
                            "(promotion inside a no-promotion period)",
                            "核对任职日期和职级；期满后方可晋升",
                        )
                    )
        if a["type"] == "demotion" and a["to_rank"] and as_of > effective:
            if doc.data["status"] not in ("active", "suspended"):
                continue
            done = any(
                dt.date.fromisoformat(s["start"]) >= effective
                and level.get(s["rank"], len(ladder)) < level[a["from_rank"]]
                for s in history
            )
            if not done:
                line, col = doc.where(("rank",))
                out.append(
                    warning(
                        doc.path,
                        line,
                        col,
                        "A6",
                        f"{a['year']} 年度不称职，自 {a['effective']} 起应降低一个职级层次，"
                        "任职经历中尚无记录 (demotion overdue)",
                        "在 history 中添加降级后的任职，并更新 rank",
                    )
                )
    return out
