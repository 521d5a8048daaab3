"""Checks of units and people: references, the history's order and shape, and the quotas
(Q1 establishment, Q2 leadership posts) counted over the people in service now."""

from __future__ import annotations

from collections import defaultdict

from ..dates import parse_date
from ..findings import Finding, error_at
from ..model import Records
from ..rules.shared import ACTIVE, current, leadership_member
from ..rules.tenure import period_end


def check_units(rec: Records) -> list[Finding]:
    out = []
    for uid, doc in rec.units.items():
        u = doc.data
        teams = [t["id"] for t in u.get("teams", [])]
        for n, t in enumerate(teams):
            if teams.index(t) != n:
                out.append(
                    error_at(
                        doc, ("teams", n, "id"), "id", f"片线编号 {t} 重复 (duplicate team id)"
                    )
                )
        if sum(t["establishment"] for t in u.get("teams", [])) > u["establishment"]:
            out.append(
                error_at(
                    doc,
                    ("teams",),
                    "Q1",
                    "各片线定员之和超过单位编制 (team quotas exceed the unit's establishment)",
                )
            )
        for n, pid in enumerate(u["principal_leaders"]):
            person = rec.people.get(pid)
            if person is None:
                out.append(
                    error_at(
                        doc,
                        ("principal_leaders", n),
                        "principal_leaders",
                        f"人员 {pid} 不存在 (unknown person)",
                        "先在 records/people/ 中添加该人员",
                    )
                )
                continue
            now = current(person.data)
            if now["unit"] != uid or now["category"] != "principal":
                out.append(
                    error_at(
                        doc,
                        ("principal_leaders", n),
                        "principal_leaders",
                        f"{pid} 不是本单位的主要领导 (not a principal leader of this unit)",
                        "该人员最后一段任职的 unit 应为本单位、category 应为 principal",
                    )
                )
    return out


def _rank_ids(rec: Records) -> set[str]:
    return {r["id"] for doc in rec.policies.values() for r in doc.data["ranks"]}


def _stint_findings(rec: Records, doc, n: int, stint: dict, ranks: set[str]) -> list[Finding]:
    """One stint: its unit, team and rank exist; it ends no earlier than it starts."""
    out = []
    unit = rec.units.get(stint["unit"])
    if unit is None:
        out.append(
            error_at(
                doc,
                ("history", n, "unit"),
                "history",
                f"单位 {stint['unit']} 不存在 (unknown unit)",
                "单位编号见 records/units/",
            )
        )
    elif "team" in stint and stint["team"] not in {t["id"] for t in unit.data.get("teams", [])}:
        out.append(
            error_at(
                doc,
                ("history", n, "team"),
                "team",
                f"单位 {stint['unit']} 没有片线 {stint['team']} (unknown team)",
            )
        )
    if ranks and stint["rank"] not in ranks:
        out.append(
            error_at(
                doc,
                ("history", n, "rank"),
                "history",
                f"职级 {stint['rank']} 不在政策职级序列中 (unknown rank)",
            )
        )
    if "end" in stint and stint["end"] < stint["start"]:
        out.append(
            error_at(
                doc, ("history", n, "end"), "history", "离任日期早于任职日期 (end before start)"
            )
        )
    return out


def _order_findings(doc, history: list[dict]) -> list[Finding]:
    """Stints in order of their start, each closed before the next begins, only the last open."""
    out = []
    for n in range(1, len(history)):
        prev, stint = history[n - 1], history[n]
        if stint["start"] < prev["start"]:
            out.append(
                error_at(
                    doc,
                    ("history", n, "start"),
                    "history",
                    "任职经历未按时间先后排列 (history out of order)",
                    "按任职日期从早到晚排列",
                )
            )
        elif "end" not in prev or prev["end"] > stint["start"]:
            out.append(
                error_at(
                    doc,
                    ("history", n, "start"),
                    "history",
                    "与上一段任职时间重叠 (overlaps the previous post)",
                    "给上一段任职填写不晚于本段开始的离任日期",
                )
            )
    for n, stint in enumerate(history[:-1]):
        if "end" not in stint:
            out.append(
                error_at(
                    doc,
                    ("history", n),
                    "history",
                    "只有最后一段任职可以没有离任日期 (only the last post may be open)",
                )
            )
    return out


def _probation_findings(doc, periods: list[dict]) -> list[Finding]:
    """T3: trial and probation periods in order of their start, none overlapping another."""
    out = []
    for n in range(1, len(periods)):
        before, period = periods[n - 1], periods[n]
        if period["start"] < before["start"]:
            out.append(
                error_at(
                    doc,
                    ("probation", n, "start"),
                    "T3",
                    "试用期和试岗未按时间先后排列 (periods out of order)",
                    "按开始日期从早到晚排列",
                )
            )
        elif period_end(before) >= parse_date(period["start"]):
            out.append(
                error_at(
                    doc,
                    ("probation", n, "start"),
                    "T3",
                    "与上一段试用期或试岗重叠 (overlaps the previous period)",
                    "上一段的最后一天是开始日期加上月数的前一天",
                )
            )
    return out


def check_people(rec: Records) -> list[Finding]:
    """Every stint's references, the history's order, the periods of trial and probation;
    a principal in service is listed by the unit."""
    out = []
    ranks = _rank_ids(rec)
    for pid, doc in rec.people.items():
        p = doc.data
        history = p["history"]
        for n, stint in enumerate(history):
            out += _stint_findings(rec, doc, n, stint, ranks)
        out += _order_findings(doc, history)
        out += _probation_findings(doc, p.get("probation", []))
        last, now = len(history) - 1, history[-1]
        if p["status"] not in ACTIVE:
            continue
        if "end" in now:
            out.append(
                error_at(
                    doc,
                    ("history", last, "end"),
                    "history",
                    "在岗人员的最后一段任职不应有离任日期 (current post has an end date)",
                )
            )
        unit = rec.units.get(now["unit"])
        if now["category"] == "principal" and unit and pid not in unit.data["principal_leaders"]:
            out.append(
                error_at(
                    doc,
                    ("history", last, "category"),
                    "category",
                    "主要领导未列入单位的 principal_leaders (principal not listed by the unit)",
                )
            )
    return out


def check_quotas(rec: Records) -> list[Finding]:
    """Q1 establishment and Q2 leadership-post quotas, counting people in post now."""
    out = []
    staff: dict[str, list[str]] = defaultdict(list)
    leaders: dict[str, list[str]] = defaultdict(list)
    teams: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid, doc in rec.people.items():
        if doc.data["status"] not in ACTIVE:
            continue
        now = current(doc.data)
        staff[now["unit"]].append(pid)
        if leadership_member(now):
            leaders[now["unit"]].append(pid)
        if "team" in now:
            teams[(now["unit"], now["team"])].append(pid)
    for uid, doc in rec.units.items():
        u = doc.data
        if len(staff[uid]) > u["establishment"]:
            out.append(
                error_at(
                    doc,
                    ("establishment",),
                    "Q1",
                    f"在编人员 {len(staff[uid])} 人，超过编制 {u['establishment']} 人 (exceeds the establishment quota)",
                    "不得超编进人：先调出或核增编制",
                )
            )
        if len(leaders[uid]) > u["leader_posts"]:
            out.append(
                error_at(
                    doc,
                    ("leader_posts",),
                    "Q2",
                    f"班子成员 {len(leaders[uid])} 人，超过领导职数 {u['leader_posts']} 人 (exceeds the leadership-post quota)",
                )
            )
        for n, t in enumerate(u.get("teams", [])):
            members = teams[(uid, t["id"])]
            if len(members) > t["establishment"]:
                out.append(
                    error_at(
                        doc,
                        ("teams", n, "establishment"),
                        "Q1",
                        f"片线 {t['name']} 有 {len(members)} 人，超过定员 {t['establishment']} 人 (team above its quota)",
                    )
                )
    return out
