"""Checks of appraisals (A1-A3 inputs) and, once computed, of what the grades restrict (A5, A6).

Before computing: every entry lists the items of the person's category template, none
above its maximum; the democratic tallies add up and some weighted group voted; a tie
decision names 优秀 or 称职. After computing: a tie decision gives no more 优秀 than the
slots left and is only used at a tie; no promotion inside a no-promotion period (A5); a
demotion recorded once it is due (A6).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..dates import parse_date
from ..findings import Finding, error_at, warning_at
from ..loader import Document
from ..model import Records
from ..rules.scoring import appraised_category, democratic_score, excellent_limit
from ..rules.shared import ACTIVE, policy_in_force


def _entry_findings(
    doc: Document, n: int, e: dict, policy: dict, tpl: dict, items_of: dict
) -> list[Finding]:
    """A1-A3 for one appraisal entry: the template's items, none above its maximum; tallies
    that add up and some weighted group that voted; a tie decision of 优秀 or 称职."""
    out: list[Finding] = []
    if "decision" in e and e["decision"]["grade"] not in ("excellent", "competent"):
        out.append(
            error_at(
                doc,
                ("entries", n, "decision", "grade"),
                "A3",
                "同分决定只能定为优秀或称职 (a tie decision must be excellent or competent)",
                "核对会议纪要中的决定等次",
            )
        )
    if "ungraded" in e:
        return out
    for comp in ("results", "daily"):
        if comp not in e:
            out.append(
                error_at(
                    doc,
                    ("entries", n),
                    "A1",
                    f"缺少 {comp} 得分 (missing {comp} scores)",
                    "不定等次的人员请填写 ungraded",
                )
            )
            continue
        items = items_of[comp]
        given = e[comp]
        if given.keys() == items.keys() and all(given[c] <= items[c]["max"] for c in items):
            continue  # the common case: every item present and within its maximum
        for code in items:
            if code not in given:
                out.append(
                    error_at(
                        doc,
                        ("entries", n, comp),
                        "A1",
                        f"缺少小项 {code}（{items[code]['name']}） (missing item)",
                        "按本人类别的计分模板补齐",
                    )
                )
        for code, score in given.items():
            if code not in items:
                out.append(
                    error_at(
                        doc,
                        ("entries", n, comp, code),
                        "A1",
                        f"小项 {code} 不在{tpl['name']}模板中 (unknown item)",
                        "检查人员类别和小项代码",
                    )
                )
            elif Decimal(str(score)) > Decimal(str(items[code]["max"])):
                out.append(
                    error_at(
                        doc,
                        ("entries", n, comp, code),
                        "A1",
                        f"超过小项满分 {items[code]['max']} (score above the item's maximum)",
                    )
                )
    for group, t in e.get("democratic", {}).items():
        votes = t["excellent"] + t["competent"] + t["basically_competent"] + t["incompetent"]
        if votes > t["raters"]:
            out.append(
                error_at(
                    doc,
                    ("entries", n, "democratic", group),
                    "A2",
                    f"票数合计 {votes} 超过参评人数 {t['raters']} (more votes than raters)",
                )
            )
    if not e.get("democratic"):
        out.append(
            error_at(
                doc,
                ("entries", n),
                "A2",
                "缺少民主测评票数 (no democratic-evaluation tallies)",
            )
        )
    elif democratic_score(e["democratic"], policy["democratic"]) is None:
        out.append(
            error_at(
                doc,
                ("entries", n, "democratic"),
                "A2",
                "民主测评没有有效票，无法计算得分 (no votes in any weighted rater group)",
                "填写各测评群体的票数；该人员暂不定等次",
            )
        )
    return out


def check_appraisals(rec: Records, memo: dict | None = None) -> list[Finding]:
    """A1 inputs: the items of the person's category template, none above its maximum; A2 tallies.

    `memo` (optional) carries the per-entry findings between the two sides of a diff: an
    entry object and a template object that are the very same on both sides (served from
    one cache) give the same findings, so the second side reuses them.
    """
    out = []
    appraised: dict[tuple[int, str], str] = {}
    templates: dict[int, dict] = {}
    for (year, uid), doc in sorted(rec.appraisals.items()):
        a = doc.data
        if uid not in rec.units:
            out.append(error_at(doc, ("unit",), "unit", f"单位 {uid} 不存在 (unknown unit)"))
        policy = rec.policies[year].data if year in rec.policies else None
        if policy is None:
            out.append(
                error_at(
                    doc,
                    ("year",),
                    "year",
                    f"没有 {year} 年度的政策参数 (no policy for this year)",
                    f"添加 records/policy/{year}.yaml",
                )
            )
            continue
        for n, e in enumerate(a["entries"]):
            pid = e["person"]
            person = rec.people.get(pid)
            if person is None:
                out.append(
                    error_at(
                        doc,
                        ("entries", n, "person"),
                        "person",
                        f"人员 {pid} 不存在 (unknown person)",
                    )
                )
                continue
            if (year, pid) in appraised:
                out.append(
                    error_at(
                        doc,
                        ("entries", n, "person"),
                        "A1",
                        f"{pid} 在 {year} 年度已在 {appraised[(year, pid)]} 中考核 (appraised twice in one year)",
                    )
                )
            appraised[(year, pid)] = doc.path
            how = policy["grading"].get("category_at", "year_end")
            tpl = policy["templates"][appraised_category(person.data, year, how)]
            key = (id(tpl), id(e))
            found = memo.get(key) if memo is not None else None
            if found is None:
                items_of = templates.get(id(tpl))
                if items_of is None:
                    items_of = templates[id(tpl)] = {
                        c: {i["id"]: i for i in tpl[c]} for c in ("results", "daily")
                    }
                found = _entry_findings(doc, n, e, policy, tpl, items_of) or ()
                if memo is not None:  # () for the many entries without findings: one object
                    memo[key] = found
            out += found
    return out


# ---------------------------------------------------------------- after computing


def check_decisions(rec: Records, results: dict) -> list[Finding]:
    """A3: a tie decision gives no more 优秀 than the slots left at the tie, and is used.

    A decision is used when it settled the tie it was recorded for (the result carries it)
    or the tie is still pending; anywhere else (no tie at that rank, a forced or ungraded
    person) it is a warning. When the decisions at a tie name more 优秀 than the slots left,
    the tie stays pending and each such decision is an error.
    """
    out: list[Finding] = []
    pools: dict[tuple[int, str], list[dict]] = {}
    for a in results["appraisals"]:
        pools.setdefault((a["year"], a["pool"]), []).append(a)
    for (year, _), members in sorted(pools.items()):
        grading = policy_in_force(rec, year)[1]["grading"]
        graded = sum(a["grade"] != "ungraded" for a in members)
        slots = excellent_limit(len(members), graded, grading)[0]
        slots -= sum(a["grade"] == "excellent" for a in members)
        excellent = []
        for a in members:
            doc = rec.appraisals[(a["year"], a["unit"])]
            n, entry = next(
                (n, e) for n, e in enumerate(doc.data["entries"]) if e["person"] == a["person"]
            )
            if "decision" not in entry:
                continue
            if a.get("pending_decision"):
                if entry["decision"]["grade"] == "excellent":
                    excellent.append((doc, n))
            elif "decision" not in a:
                out.append(
                    warning_at(
                        doc,
                        ("entries", n, "decision"),
                        "A3",
                        "该人员不在优秀名额边界的同分之列，委员会决定未采用 (no tie to settle; decision not used)",
                        "同分决定只用于优秀名额边界上得分完全相同的人员",
                    )
                )
        if len(excellent) > slots:
            out += [
                error_at(
                    doc,
                    ("entries", n, "decision", "grade"),
                    "A3",
                    "决定的优秀人数超过剩余名额 (the decisions give more 优秀 than the quota allows)",
                    "核对会议纪要中的决定等次",
                )
                for doc, n in excellent
            ]
    return out


def check_restrictions(rec: Records, results: dict, as_of: dt.date) -> list[Finding]:
    """A5: no promotion inside a no-promotion period; A6: a demotion overdue by `as_of`.

    A promotion is a history entry that starts inside the period at a higher rank than the
    one before it. A demotion is recorded once a history entry starting on or after its
    effective date holds a lower rank than the one demoted from; people no longer in
    service (retired, dismissed, left) are not chased.
    """
    out = []
    for a in results["actions"]:
        if a["type"] not in ("no_promotion", "demotion") or a["rule"] not in ("A5", "A6"):
            continue
        doc = rec.people[a["person"]]
        ladder = [r["id"] for r in policy_in_force(rec, a["year"])[1]["ranks"]]
        level = {r: i for i, r in enumerate(ladder)}
        history = doc.data["history"]
        effective = parse_date(a["effective"])
        if a["type"] == "no_promotion":
            until = parse_date(a["until"])
            for n in range(1, len(history)):
                start = parse_date(history[n]["start"])
                before, after = history[n - 1]["rank"], history[n]["rank"]
                if effective <= start <= until and level.get(after, -1) > level.get(before, -1):
                    out.append(
                        error_at(
                            doc,
                            ("history", n, "rank"),
                            "A5",
                            f"{a['year']} 年度基本称职，{a['until']} 前不得晋升，该段任职晋升了职级 "
                            "(promotion inside a no-promotion period)",
                            "核对任职日期和职级；期满后方可晋升",
                        )
                    )
        if a["type"] == "demotion" and a["to_rank"] and as_of > effective:
            if doc.data["status"] not in ACTIVE:
                continue
            done = any(
                parse_date(s["start"]) >= effective
                and level.get(s["rank"], len(ladder)) < level[a["from_rank"]]
                for s in history
            )
            if not done:
                out.append(
                    warning_at(
                        doc,
                        ("rank",),
                        "A6",
                        f"{a['year']} 年度不称职，自 {a['effective']} 起应降低一个职级层次，"
                        "任职经历中尚无记录 (demotion overdue)",
                        "在 history 中添加降级后的任职，并更新 rank",
                    )
                )
    return out
