"""T rules: terms, retirement, trial and probation periods, and the way back up.

These rules are about time: each compares a date in a person's record with the as-of date
passed in (never the wall clock). They produce internal alerts for the department (term
ends, people due to retire, assessments due) and a few actions; birth dates are private,
so a retirement alert names the month only and is never posted.

Restrictions (T4) are the actions of every other rule that carry an `until`: the last day
the restriction applies. A person may go up again from the day after the last of them; an
action marked `restricts: true` without an `until` (a 待岗 awaiting its decision) has no
end yet and keeps the person restricted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..dates import add_months, first_of_next_month, month_index, parse_date, parse_month
from ..labels import PROBATION_LABELS
from ..loader import Document
from ..model import Records
from .shared import ACTIVE, action, alert, basis, current, leadership_member, policy_in_force

CLAUSE_T3 = "对试用制和聘用制干部跟踪进行考核，对不胜任现职的领导干部要让他们及时“下”来"
CLAUSE_T4 = (
    "“下”的干部不是“一棒子被打死”，只要努力改正不足，做出实绩，得到群众公认，时时还会有“上”的机会"
)


# ---------------------------------------------------------------- T1 terms


def term_end(start: dt.date, years: int) -> dt.date:
    """T1: the day a term that began on `start` is complete (its anniversary; see dates.add_months)."""
    return add_months(start, 12 * years)


def current_term(person: dict) -> dict | None:
    """T1: the current stint when a term runs in it: one that records a term number, or any
    open stint of a leadership member."""
    stint = current(person)
    if "end" in stint or ("term" not in stint and not leadership_member(stint)):
        return None
    return stint


def term_alerts(doc: Document, policy: dict, as_of: dt.date) -> list[dict]:
    """T1: the current term's end, ahead of it (`notice_months`) and after it.

    The paper: 干部任期届满，其职务自动免除……连任不能超过两届（十年）. The limits on
    consecutive terms and years are checked in `checks.tenure`.
    """
    p = doc.data
    stint = current_term(p)
    if stint is None:
        return []
    terms = policy["terms"]
    ends = term_end(parse_date(stint["start"]), terms["years"])
    unit, pid, src = stint["unit"], p["id"], [doc.path]
    if ends <= as_of:
        message = f"任期已于{ends.isoformat()}届满；未记录连任的，职务自动免除"
        return [alert("T1", "term_expired", message, src, pid, unit, ends)]
    if ends <= add_months(as_of, terms["notice_months"]):
        message = f"任期将于{ends.isoformat()}届满，请提前研究连任或调整"
        return [alert("T1", "term_ending", message, src, pid, unit, ends)]
    return []


# ---------------------------------------------------------------- T2 retirement


def retirement_group(person: dict) -> str:
    """T2: which schedule applies: men; women cadres; women workers."""
    if person["gender"] == "male":
        return "male"
    return "female_cadre" if person["employment"] == "cadre" else "female_worker"


def retirement_age_months(birth: dt.date, schedule: dict) -> int:
    """T2: the statutory retirement age in months under a gradual schedule.

    Born before `from`: the base age. Born in `from` or later: one month more for each
    started block of `step_months` birth months, at most `max_months` more.
    """
    since = month_index(birth) - parse_month(schedule["from"])
    delay = 0 if since < 0 else min(schedule["max_months"], since // schedule["step_months"] + 1)
    return schedule["base_age"] * 12 + delay


def retirement_date(birth: dt.date, schedule: dict) -> dt.date:
    """T2: the day a person reaches the statutory age: the birth date plus the age in months,
    clamped to the month's end (see dates.add_months). The national table states the
    retirement time as that month (a man born in 1965-01 retires in 2025-02); a pension is
    drawn from the month after (`pension_from`)."""
    return add_months(birth, retirement_age_months(birth, schedule))


def pension_from(due: dt.date) -> dt.date:
    """T2: the first day of the month after the one the statutory age is reached in."""
    return first_of_next_month(due)


def retirement_due(person: dict, policy: dict) -> dt.date | None:
    """T2: when a person reaches the statutory retirement date, by the policy's schedules."""
    schedules = policy["retirement"]["schedules"]
    schedule = next((s for s in schedules if s["group"] == retirement_group(person)), None)
    if schedule is None:
        return None
    return retirement_date(parse_date(person["birth_date"]), schedule)


def retirement_alerts(doc: Document, policy: dict, as_of: dt.date) -> list[dict]:
    """T2: alert those due within `notice_months`, and anyone still in post past the date.

    The paper: 严格执行干部离退休制度，对到龄的领导干部及时办理离退休手续. Still in post past
    the date is also an error of the record (`checks.tenure`).
    """
    p = doc.data
    due = retirement_due(p, policy)
    if due is None:
        return []
    month = f"{due.year}年{due.month}月"
    src, unit = [doc.path], current(p)["unit"]
    extra, pension = {}, ""
    if policy["retirement"].get("pension_month"):
        first = pension_from(due)
        extra["pension_from"] = first.isoformat()
        pension = f"（{first.year}年{first.month}月起领取养老金）"
    if due < as_of:
        message = f"已于{month}到达法定退休年龄{pension}，仍在岗，应及时办理退休手续"
        return [alert("T2", "retirement_overdue", message, src, p["id"], unit, due, **extra)]
    if due <= add_months(as_of, policy["retirement"]["notice_months"]):
        message = f"将于{month}到达法定退休年龄{pension}，请提前做好工作衔接"
        return [alert("T2", "retirement_due", message, src, p["id"], unit, due, **extra)]
    return []


# ---------------------------------------------------------------- T3 trial and probation


def period_end(period: dict) -> dt.date:
    """T3: the last day of a trial or probation period: the day before its start plus its
    months (2026-01-21 and 6 months end on 2026-07-20)."""
    return add_months(parse_date(period["start"]), period["months"]) - dt.timedelta(days=1)


def probation_results(
    doc: Document, year: int | None, as_of: dt.date
) -> tuple[list[dict], list[dict]]:
    """T3: every trial or probation period is assessed at its end; a failed one means stepping down.

    Each recorded period counts on its own, so a second trial (after a second 不称职) never
    hides the first. Alerts come in the month before a period's last day and after it while
    no outcome is recorded. A failed period gives a `removal` from the post tried, effective
    its last day, as the paper asks that those who prove unfit "及时“下”来". Periods that
    begin after the as-of date are not yet running.
    """
    p = doc.data
    src, unit = [doc.path], current(p)["unit"]
    the_basis = basis(year, CLAUSE_T3, src)
    actions, alerts = [], []
    for period in p.get("probation", []):
        if parse_date(period["start"]) > as_of:
            continue
        ends = period_end(period)
        label = PROBATION_LABELS[period["kind"]]
        extra = {"probation": period["kind"], "start": period["start"]}
        if period.get("outcome") == "failed":
            actions.append(
                action(
                    p["id"],
                    "T3",
                    "removal",
                    ends,
                    the_basis,
                    label=f"{label}考核不合格，免去现职",
                    **extra,
                )
            )
        elif "outcome" in period:
            continue
        elif ends <= as_of:
            message = f"{label}已于{ends.isoformat()}期满，尚未记录考核结果"
            alerts.append(
                alert("T3", "assessment_overdue", message, src, p["id"], unit, ends, **extra)
            )
        elif ends <= add_months(as_of, 1):
            message = f"{label}将于{ends.isoformat()}期满，请组织考核"
            alerts.append(alert("T3", "assessment_due", message, src, p["id"], unit, ends, **extra))
    return actions, alerts


# ---------------------------------------------------------------- T4 the way back up


def restrictions_ended(
    rec: Records, as_of: dt.date, actions: list[dict], year: int | None
) -> tuple[list[dict], list[dict]]:
    """T4: once every restriction has expired a person may go up again; list who is still restricted.

    A restriction is an action with an `until` (its last day) or with `restricts: true`
    and no `until` (no end yet). The person is free from the day after the latest `until`;
    a `restrictions_ended` action takes effect that day once it is on or before `as_of`.
    Otherwise a `restricted` alert gives the day the person will be free (or none yet).
    Only people still in service are considered.
    """
    by_person: dict[str, list[dict]] = defaultdict(list)
    for a in actions:
        if a.get("until") or a.get("restricts"):
            by_person[a["person"]].append(a)
    out_actions, out_alerts = [], []
    for pid, restrictions in sorted(by_person.items()):
        person = rec.people.get(pid)
        if person is None or person.data["status"] not in ACTIVE:
            continue
        sources = sorted({s for a in restrictions for s in a["basis"]["sources"]} | {person.path})
        listed = [
            {"rule": a["rule"], "type": a["type"], "until": a.get("until")} for a in restrictions
        ]
        listed.sort(key=lambda r: (r["until"] or "", r["rule"], r["type"]))
        unit = current(person.data)["unit"]
        if any(not a.get("until") for a in restrictions):
            message = "尚有待处理决定的限制（如待岗），暂不能确定恢复日期"
            out_alerts.append(
                alert("T4", "restricted", message, sources, pid, unit, None, restrictions=listed)
            )
            continue
        free = parse_date(max(a["until"] for a in restrictions)) + dt.timedelta(days=1)
        if free <= as_of:
            the_basis = basis(year, CLAUSE_T4, sources)
            out_actions.append(
                action(
                    pid,
                    "T4",
                    "restrictions_ended",
                    free,
                    the_basis,
                    label="限制期满，可正常晋升使用",
                    restrictions=listed,
                )
            )
        else:
            message = f"限制期未满，自{free.isoformat()}起可正常晋升使用"
            out_alerts.append(
                alert("T4", "restricted", message, sources, pid, unit, free, restrictions=listed)
            )
    return out_actions, out_alerts


# ---------------------------------------------------------------- all T rules


def compute_tenure(
    rec: Records, as_of: dt.date, actions: list[dict]
) -> tuple[list[dict], list[dict]]:
    """T1-T4 as of one date: (actions, alerts); `actions` are those of every earlier rule (for T4)."""
    year, policy = policy_in_force(rec, as_of.year)
    out_actions: list[dict] = []
    alerts: list[dict] = []
    for _, doc in sorted(rec.people.items()):
        if doc.data["status"] not in ACTIVE:
            continue
        if policy is not None:
            alerts += term_alerts(doc, policy, as_of) + retirement_alerts(doc, policy, as_of)
        acts, a = probation_results(doc, year, as_of)
        out_actions += acts
        alerts += a
    acts, a = restrictions_ended(rec, as_of, actions + out_actions, year)
    return out_actions + acts, alerts + a
