"""A4-A7: what each grade brings, dated from the day the result was posted.

Dates follow the Civil Code's counting of periods (民法典 第二百零一、二百零二条): a period of
n months starts the day after the effective date, and its last day is the same day of the
month n months later, or that month's last day when it has no such day (2025-08-31 plus
6 months ends 2026-02-28). An action's `until` is that last day, inclusive: the person is
free of the restriction from the next day on.
"""

from __future__ import annotations

import datetime as dt

from ..dates import add_months, iso, parse_date
from ..labels import CONSEQUENCE_LABELS
from ..model import Records
from .shared import alert, policy_in_force, stint_at

# The policy paper's own words for each consequence: shown on the site as the basis.
CLAUSES = {
    "A3": "年终按绩效考核得分高低评定“优秀”、“称职”、“基本称职”和“不称职”四个等次",
    "A4": "连续两年被评为“优秀等次”的，在后备干部调整、组织推荐和选拔任用时，同等条件下优先考虑",
    "A5": "对“基本称职”等次人员进行诫勉谈话，一年内不得晋升职务，取消年度考核奖金",
    "A6": "对“不称职”等次人员实行诫勉谈话，降低一个职务或职级层次任职，取消年度考核奖金，试岗半年",
    "A7": "连续两年被评为“不称职”等次的人员，按有关规定和程序予以辞退",
}


def _action(
    a: dict, rule: str, kind: str, until: dt.date | None, sources: list[str], **extra
) -> dict:
    return {
        "person": a["person"],
        "rule": rule,
        "type": kind,
        "label": CONSEQUENCE_LABELS[kind],
        "year": a["year"],
        "effective": a["date"],
        "until": iso(until),
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
    held = stint_at(person.data, parse_date(a["date"]))["rank"]
    ladder = [r["id"] for r in policy_in_force(rec, a["year"])[1]["ranks"]]
    to_rank = ladder[ladder.index(held) - 1] if held in ladder and ladder.index(held) > 0 else None
    sources = a["sources"][:1] + [person.path]
    action = _action(
        a, "A6", "demotion", None, sources, level="rank", from_rank=held, to_rank=to_rank
    )
    needs = None
    if to_rank is None:
        message = f"{a['year']} 年度不称职，但现任职级已无更低一级，须另行研究降低职务层次"
        needs = alert(
            "A6", "demotion_needs_decision", message, sources, a["person"], a["unit"], a["date"]
        )
    return action, needs


def consequences(appraisals: list[dict], rec: Records) -> tuple[list[dict], list[dict]]:
    """A4-A7 from the grades: actions dated from the day the result was posted.

    "Two consecutive years" follows the person, whatever unit appraised them each year.
    Every 不称职 brings A6, forced or not, and a second one in a row brings A7 as well: the
    dismissal takes its own procedure, and A6 applies meanwhile.
    """
    grades = {(a["person"], a["year"]): a for a in appraisals}
    actions, alerts = [], []
    for a in sorted(appraisals, key=lambda a: (a["person"], a["year"])):
        policy = policy_in_force(rec, a["year"])[1]["consequences"]
        effective = parse_date(a["date"])
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
            demote, needs = demotion(a, rec)
            actions += [
                _action(a, "A6", "admonishment_talk", None, source),
                demote,
                _action(a, "A6", "bonus_cancelled", None, source),
                _action(a, "A6", "trial", add_months(effective, policy["trial_months"]), source),
            ]
            alerts += [needs] if needs else []
            if before and before["grade"] == "incompetent":
                actions.append(_action(a, "A7", "dismissal", None, both))
    return actions, alerts
