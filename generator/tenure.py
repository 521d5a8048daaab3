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

from .dates import add_months, first_of_next_month, month_index, parse_date, parse_month
from .findings import Finding, error, warning
from .handling import action, alert, basis, policy_in_force
from .loader import Document
from .model import Records

ACTIVE = ("active", "suspended")

CLAUSE_T3 = "对试用制和聘用制干部跟踪进行考核，对不胜任现职的领导干部要让他们及时“下”来"
CLAUSE_T4 = (
    "“下”的干部不是“一棒子被打死”，只要努力改正不足，做出实绩，得到群众公认，时时还会有“上”的机会"
)

PROBATION_LABELS = {"probation": "试用期", "trial": "试岗"}


def _where(doc: Document, path: tuple) -> tuple[str, int, int]:
    line, col = doc.where(path)
    return doc.path, line, col


# ---------------------------------------------------------------- T1 terms


def term_end(start: dt.date, years: int) -> dt.date:
    """T1: the day a term that began on `start` is complete (its anniversary; see dates.add_months)."""
    return add_months(start, 12 * years)


def _same_run(history: list[dict], n: int, key) -> int:
    """Index of the first stint of the unbroken run of adjacent stints sharing `key` with stint n."""
    while n > 0 and key(history[n - 1]) == key(history[n]):
        n -= 1
    return n


def check_terms(doc: Document, policy: dict, as_of: dt.date) -> tuple[list[dict], list[Finding]]:
    """T1: the current term's end (alert ahead and after), no term beyond the limit, no overlong run.

    The paper: 干部任期届满，其职务自动免除……连任不能超过两届（十年）.

    Terms apply to a current stint that records a term number, and to every leadership
    member's current stint. A recorded term number above `max_consecutive` is an error; a
    run of adjacent stints in the same post and unit longer than max_consecutive x years is
    a warning (the term numbers may be missing or wrong). With the optional policy value
    `terms.max_years_at_rank`, a run at one rank level longer than that is a warning too.
    """
    p = doc.data
    n = len(p["history"]) - 1
    stint = p["history"][n]
    if "end" in stint or ("term" not in stint and not p["leadership_member"]):
        return [], []
    terms = policy["terms"]
    alerts, findings = [], []
    start = parse_date(stint["start"])
    ends = term_end(start, terms["years"])
    unit, pid, src = p["unit"], p["id"], [doc.path]
    if ends <= as_of:
        message = f"任期已于{ends.isoformat()}届满；未记录连任的，职务自动免除"
        alerts.append(alert("T1", "term_expired", message, src, pid, unit, ends))
    elif ends <= add_months(as_of, terms["notice_months"]):
        message = f"任期将于{ends.isoformat()}届满，请提前研究连任或调整"
        alerts.append(alert("T1", "term_ending", message, src, pid, unit, ends))
    limit = terms["max_consecutive"]
    if stint.get("term", 1) > limit:
        where = _where(doc, ("history", n, "term"))
        findings.append(
            error(
                *where,
                "T1",
                f"同一职位连任不能超过{limit}届 (term beyond the limit)",
                "任期届满后应交流或改任",
            )
        )
    first = _same_run(p["history"], n, lambda s: (s["post"], s["unit"]))
    if as_of > add_months(parse_date(p["history"][first]["start"]), 12 * terms["years"] * limit):
        where = _where(doc, ("history", n, "start"))
        years = terms["years"] * limit
        findings.append(
            warning(
                *where, "T1", f"同一职位连续任职超过{years}年 (more than {years} years in one post)"
            )
        )
    at_rank = terms.get("max_years_at_rank")
    first = _same_run(p["history"], n, lambda s: s["rank"])
    if at_rank and as_of > add_months(parse_date(p["history"][first]["start"]), 12 * at_rank):
        where = _where(doc, ("history", n, "rank"))
        findings.append(
            warning(
                *where,
                "T1",
                f"同一职级任职超过{at_rank}年 (more than {at_rank} years at one rank level)",
            )
        )
    return alerts, findings


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
    """T2: the first day of the month after the one in which the person reaches the age.

    This follows the practice of retiring (and drawing a pension) from the month after the
    statutory age is reached; the age itself is reached on the same day of the month as
    the birthday (clamped, see dates.add_months).
    """
    return first_of_next_month(add_months(birth, retirement_age_months(birth, schedule)))


def check_retirement(
    doc: Document, policy: dict, as_of: dt.date
) -> tuple[list[dict], list[Finding]]:
    """T2: alert those due within `notice_months`; warn about anyone still in post past the date.

    The paper: 严格执行干部离退休制度，对到龄的领导干部及时办理离退休手续.
    """
    p = doc.data
    r = policy["retirement"]
    schedule = next((s for s in r["schedules"] if s["group"] == retirement_group(p)), None)
    if schedule is None:
        return [], []
    due = retirement_date(parse_date(p["birth_date"]), schedule)
    month = f"{due.year}年{due.month}月"
    src = [doc.path]
    if due <= as_of:
        message = f"已于{month}到达法定退休年龄，仍在岗，应及时办理退休手续"
        where = _where(doc, ("status",))
        finding = error(
            *where,
            "T2",
            "已过法定退休时间仍在岗 (in post past the statutory retirement date)",
            "办理退休手续后把 status 改为 retired",
        )
        return [alert("T2", "retirement_overdue", message, src, p["id"], p["unit"], due)], [finding]
    if due <= add_months(as_of, r["notice_months"]):
        message = f"将于{month}到达法定退休年龄，请提前做好工作衔接"
        return [alert("T2", "retirement_due", message, src, p["id"], p["unit"], due)], []
    return [], []


# ---------------------------------------------------------------- T3 trial and probation


def check_probation(
    doc: Document, year: int | None, as_of: dt.date
) -> tuple[list[dict], list[dict]]:
    """T3: an assessment is due at the end of every trial or probation; a failed one means stepping down.

    Alerts come in the month before the end and after an end with no result recorded. A
    failed period gives a `removal` from the post tried, effective the end date, as the
    paper asks that those who prove unfit "及时“下”来".
    """
    p = doc.data
    pr = p.get("probation")
    if pr is None:
        return [], []
    ends = parse_date(pr["end"])
    label = PROBATION_LABELS[pr["kind"]]
    src = [doc.path]
    the_basis = basis(year, CLAUSE_T3, src)
    if pr.get("result") == "failed":
        act = action(
            p["id"],
            "T3",
            "removal",
            ends,
            the_basis,
            label=f"{label}考核不合格，免去现职",
            probation=pr["kind"],
        )
        return [act], []
    if "result" in pr:
        return [], []
    if ends <= as_of:
        message = f"{label}已于{ends.isoformat()}期满，尚未记录考核结果"
        return [], [alert("T3", "assessment_overdue", message, src, p["id"], p["unit"], ends)]
    if ends <= add_months(as_of, 1):
        message = f"{label}将于{ends.isoformat()}期满，请组织考核"
        return [], [alert("T3", "assessment_due", message, src, p["id"], p["unit"], ends)]
    return [], []


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
        unit = person.data["unit"]
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
) -> tuple[list[dict], list[dict], list[Finding]]:
    """T1-T4 as of one date; `actions` are those of every earlier rule (for T4)."""
    year, policy = policy_in_force(rec, as_of.year)
    out_actions: list[dict] = []
    alerts: list[dict] = []
    findings: list[Finding] = []
    for _, doc in sorted(rec.people.items()):
        if doc.data["status"] not in ACTIVE:
            continue
        if policy is not None:
            for check in (check_terms, check_retirement):
                a, f = check(doc, policy, as_of)
                alerts += a
                findings += f
        acts, a = check_probation(doc, year, as_of)
        out_actions += acts
        alerts += a
    acts, a = restrictions_ended(rec, as_of, actions + out_actions, year)
    return out_actions + acts, alerts + a, findings
