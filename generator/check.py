"""Check stage, tier two: rules across records, each returning findings.

Every function takes the model (only documents that passed their schema) and returns a
list of findings; none raises and none prints. A finding names the rule id of DESIGN
section 5 where one applies (Q1, Q2, A1, ...) and otherwise the field.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from decimal import Decimal

from .findings import Finding, error
from .loader import Document
from .model import Records

ACTIVE = ("active", "suspended")


def _err(doc: Document, path: tuple, rule: str, message: str, hint: str = "") -> Finding:
    line, col = doc.where(path)
    return error(doc.path, line, col, rule, message, hint)


# ---------------------------------------------------------------- identity and privacy


def check_name_clashes(files: list[str]) -> list[Finding]:
    """File names that differ only by case or Unicode width name the same record on many systems."""
    seen: dict[str, str] = {}
    out = []
    for path in sorted(files):
        folder, _, name = path.rpartition("/")
        key = folder + "/" + unicodedata.normalize("NFKC", name).casefold()
        if key in seen:
            out.append(
                error(
                    path,
                    1,
                    1,
                    "id",
                    f"与 {seen[key]} 的编号只差大小写或全角半角 (id clashes with {seen[key]})",
                    "改用不同的编号",
                )
            )
        else:
            seen[key] = path
    return out


# ---------------------------------------------------------------- policy


def _sum(values) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal(0))


def check_policy(doc: Document) -> list[Finding]:
    """Internal consistency of one year's policy: weights, templates and catalogues."""
    p, out = doc.data, []
    if _sum(p["weights"].values()) != 1:
        out.append(_err(doc, ("weights",), "A1", "三项权重合计应为 1 (weights must add up to 1)"))
    if _sum(p["democratic"]["groups"].values()) != 1:
        out.append(
            _err(
                doc,
                ("democratic", "groups"),
                "A2",
                "测评群体权重合计应为 1 (group weights must add up to 1)",
            )
        )
    for cat, tpl in p["templates"].items():
        for comp in ("results", "daily"):
            items = tpl[comp]
            if _sum(i["max"] for i in items) != 100:
                out.append(
                    _err(
                        doc,
                        ("templates", cat, comp),
                        "A1",
                        "小项满分合计应为 100 (item maxima must add up to 100)",
                    )
                )
            seen = set()
            for n, item in enumerate(items):
                if item["id"] in seen:
                    out.append(
                        _err(
                            doc,
                            ("templates", cat, comp, n, "id"),
                            "A1",
                            f"小项代码 {item['id']} 重复 (duplicate item id)",
                        )
                    )
                seen.add(item["id"])
    g = p["grading"]
    if not g["incompetent_below"] <= g["basically_competent_below"] <= g["excellent_min"]:
        out.append(
            _err(
                doc,
                ("grading",),
                "A3",
                "分数线应满足 不称职 ≤ 基本称职 ≤ 优秀 (thresholds out of order)",
            )
        )
    ranks = [r["id"] for r in p["ranks"]]
    if len(set(ranks)) != len(ranks):
        out.append(_err(doc, ("ranks",), "ranks", "职级代码重复 (duplicate rank id)"))
    if p["leader_min_rank"] not in ranks:
        out.append(
            _err(doc, ("leader_min_rank",), "F3", "不在职级序列中 (not a rank of this policy)")
        )
    for n, a in enumerate(p["authority"]):
        for m, r in enumerate(a["ranks"]):
            if r not in ranks:
                out.append(
                    _err(
                        doc,
                        ("authority", n, "ranks", m),
                        "F6",
                        f"职级 {r} 不在职级序列中 (unknown rank)",
                    )
                )
    aspects = {a["id"] for a in p["aspects"]}
    codes: set[str] = set()
    for listname in ("situations", "banned_behaviours"):
        for n, s in enumerate(p[listname]):
            if s["code"] in codes:
                out.append(
                    _err(
                        doc, (listname, n, "code"), "F2", f"代码 {s['code']} 重复 (duplicate code)"
                    )
                )
            codes.add(s["code"])
            if listname == "situations" and s["aspect"] not in aspects:
                out.append(
                    _err(
                        doc,
                        (listname, n, "aspect"),
                        "F2",
                        f"方面 {s['aspect']} 未在 aspects 中定义 (unknown aspect)",
                    )
                )
    for listname in ("channels", "aspects", "ranks"):
        ids = [x["id"] for x in p[listname]]
        if len(set(ids)) != len(ids):
            out.append(_err(doc, (listname,), listname, "代码重复 (duplicate id)"))
    return out


# ---------------------------------------------------------------- units and people


def check_units(rec: Records) -> list[Finding]:
    out = []
    for uid, doc in rec.units.items():
        u = doc.data
        teams = [t["id"] for t in u.get("teams", [])]
        for n, t in enumerate(teams):
            if teams.index(t) != n:
                out.append(
                    _err(doc, ("teams", n, "id"), "id", f"片线编号 {t} 重复 (duplicate team id)")
                )
        if sum(t["establishment"] for t in u.get("teams", [])) > u["establishment"]:
            out.append(
                _err(
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
                    _err(
                        doc,
                        ("principal_leaders", n),
                        "principal_leaders",
                        f"人员 {pid} 不存在 (unknown person)",
                        "先在 records/people/ 中添加该人员",
                    )
                )
            elif person.data["unit"] != uid or person.data["category"] != "principal":
                out.append(
                    _err(
                        doc,
                        ("principal_leaders", n),
                        "principal_leaders",
                        f"{pid} 不是本单位的主要领导 (not a principal leader of this unit)",
                        "人员记录的 unit 应为本单位、category 应为 principal",
                    )
                )
    return out


def _rank_ids(rec: Records) -> set[str]:
    return {r["id"] for doc in rec.policies.values() for r in doc.data["ranks"]}


def check_people(rec: Records) -> list[Finding]:
    """References, history order, category against post."""
    out = []
    ranks = _rank_ids(rec)
    for pid, doc in rec.people.items():
        p = doc.data
        unit = rec.units.get(p["unit"])
        if unit is None:
            out.append(
                _err(
                    doc,
                    ("unit",),
                    "unit",
                    f"单位 {p['unit']} 不存在 (unknown unit)",
                    "单位编号见 records/units/",
                )
            )
        elif "team" in p and p["team"] not in {t["id"] for t in unit.data.get("teams", [])}:
            out.append(
                _err(
                    doc, ("team",), "team", f"单位 {p['unit']} 没有片线 {p['team']} (unknown team)"
                )
            )
        if ranks and p["rank"] not in ranks:
            out.append(
                _err(doc, ("rank",), "rank", f"职级 {p['rank']} 不在政策职级序列中 (unknown rank)")
            )
        leader = p["category"] in ("deputy", "principal")
        if leader != p["leadership_member"]:
            out.append(
                _err(
                    doc,
                    ("category",),
                    "category",
                    "人员类别与班子成员身份不一致 (category does not match leadership membership)",
                    "班子副职和主要领导是班子成员，一般工作人员不是",
                )
            )
        if (
            p["category"] == "principal"
            and unit
            and pid not in unit.data["principal_leaders"]
            and p["status"] in ACTIVE
        ):
            out.append(
                _err(
                    doc,
                    ("category",),
                    "category",
                    "主要领导未列入单位的 principal_leaders (principal not listed by the unit)",
                )
            )
        history = p["history"]
        for n, stint in enumerate(history):
            if stint["unit"] not in rec.units:
                out.append(
                    _err(
                        doc,
                        ("history", n, "unit"),
                        "history",
                        f"单位 {stint['unit']} 不存在 (unknown unit)",
                    )
                )
            if ranks and stint["rank"] not in ranks:
                out.append(
                    _err(
                        doc,
                        ("history", n, "rank"),
                        "history",
                        f"职级 {stint['rank']} 不在政策职级序列中 (unknown rank)",
                    )
                )
            if "end" in stint and stint["end"] < stint["start"]:
                out.append(
                    _err(
                        doc,
                        ("history", n, "end"),
                        "history",
                        "离任日期早于任职日期 (end before start)",
                    )
                )
            if n:
                prev = history[n - 1]
                if stint["start"] < prev["start"]:
                    out.append(
                        _err(
                            doc,
                            ("history", n, "start"),
                            "history",
                            "任职经历未按时间先后排列 (history out of order)",
                            "按任职日期从早到晚排列",
                        )
                    )
                elif "end" not in prev or prev["end"] > stint["start"]:
                    out.append(
                        _err(
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
                    _err(
                        doc,
                        ("history", n),
                        "history",
                        "只有最后一段任职可以没有离任日期 (only the last post may be open)",
                    )
                )
        last = history[-1]
        if p["status"] in ACTIVE:
            if "end" in last:
                out.append(
                    _err(
                        doc,
                        ("history", len(history) - 1, "end"),
                        "history",
                        "在岗人员的最后一段任职不应有离任日期 (current post has an end date)",
                    )
                )
            for key in ("post", "unit", "rank"):
                if last[key] != p[key]:
                    out.append(
                        _err(
                            doc,
                            ("history", len(history) - 1, key),
                            "history",
                            f"最后一段任职的 {key} 与现任不一致 (last post differs from current {key})",
                            "调整职务时同时更新任职经历",
                        )
                    )
        if "probation" in p and p["probation"]["end"] < p["probation"]["start"]:
            out.append(
                _err(
                    doc, ("probation", "end"), "T3", "试用期结束日期早于开始日期 (end before start)"
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
        p = doc.data
        if p["status"] not in ACTIVE:
            continue
        staff[p["unit"]].append(pid)
        if p["leadership_member"]:
            leaders[p["unit"]].append(pid)
        if "team" in p:
            teams[(p["unit"], p["team"])].append(pid)
    for uid, doc in rec.units.items():
        u = doc.data
        if len(staff[uid]) > u["establishment"]:
            out.append(
                _err(
                    doc,
                    ("establishment",),
                    "Q1",
                    f"在编人员 {len(staff[uid])} 人，超过编制 {u['establishment']} 人 (exceeds the establishment quota)",
                    "不得超编进人：先调出或核增编制",
                )
            )
        if len(leaders[uid]) > u["leader_posts"]:
            out.append(
                _err(
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
                    _err(
                        doc,
                        ("teams", n, "establishment"),
                        "Q1",
                        f"片线 {t['name']} 有 {len(members)} 人，超过定员 {t['establishment']} 人 (team above its quota)",
                    )
                )
    return out


# ---------------------------------------------------------------- appraisal and points inputs


def _entry_findings(doc: Document, n: int, e: dict, tpl: dict, items_of: dict) -> list[Finding]:
    """A1 and A2 for one appraisal entry: the template's items, none above its maximum; tallies."""
    out: list[Finding] = []
    if "ungraded" in e:
        return out
    for comp in ("results", "daily"):
        if comp not in e:
            out.append(
                _err(
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
                    _err(
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
                    _err(
                        doc,
                        ("entries", n, comp, code),
                        "A1",
                        f"小项 {code} 不在{tpl['name']}模板中 (unknown item)",
                        "检查人员类别和小项代码",
                    )
                )
            elif Decimal(str(score)) > Decimal(str(items[code]["max"])):
                out.append(
                    _err(
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
                _err(
                    doc,
                    ("entries", n, "democratic", group),
                    "A2",
                    f"票数合计 {votes} 超过参评人数 {t['raters']} (more votes than raters)",
                )
            )
    if not e.get("democratic"):
        out.append(
            _err(
                doc,
                ("entries", n),
                "A2",
                "缺少民主测评票数 (no democratic-evaluation tallies)",
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
            out.append(_err(doc, ("unit",), "unit", f"单位 {uid} 不存在 (unknown unit)"))
        policy = rec.policy_for(year)
        if policy is None:
            out.append(
                _err(
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
                    _err(
                        doc,
                        ("entries", n, "person"),
                        "person",
                        f"人员 {pid} 不存在 (unknown person)",
                    )
                )
                continue
            if (year, pid) in appraised:
                out.append(
                    _err(
                        doc,
                        ("entries", n, "person"),
                        "A1",
                        f"{pid} 在 {year} 年度已在 {appraised[(year, pid)]} 中考核 (appraised twice in one year)",
                    )
                )
            appraised[(year, pid)] = doc.path
            tpl = policy["templates"][person.data["category"]]
            key = (id(tpl), id(e))
            found = memo.get(key) if memo is not None else None
            if found is None:
                items_of = templates.get(id(tpl))
                if items_of is None:
                    items_of = templates[id(tpl)] = {
                        c: {i["id"]: i for i in tpl[c]} for c in ("results", "daily")
                    }
                found = _entry_findings(doc, n, e, tpl, items_of)
                if memo is not None:
                    memo[key] = found
            out += found
    return out


def check_points(rec: Records) -> list[Finding]:
    out = []
    for (year, _month, uid), doc in sorted(rec.points.items()):
        if uid not in rec.units:
            out.append(_err(doc, ("unit",), "unit", f"单位 {uid} 不存在 (unknown unit)"))
        policy = rec.policy_for(year)
        if policy is None:
            out.append(
                _err(
                    doc, ("year",), "year", f"没有 {year} 年度的政策参数 (no policy for this year)"
                )
            )
            continue
        classes = {c["id"] for c in policy["points"]["classes"]}
        seen: set[str] = set()
        for n, e in enumerate(doc.data["entries"]):
            if e["person"] not in rec.people:
                out.append(
                    _err(
                        doc,
                        ("entries", n, "person"),
                        "person",
                        f"人员 {e['person']} 不存在 (unknown person)",
                    )
                )
            if e["person"] in seen:
                out.append(
                    _err(
                        doc,
                        ("entries", n, "person"),
                        "P1",
                        f"{e['person']} 在本月出现两次 (person listed twice)",
                        "把积分明细合并到一条",
                    )
                )
            seen.add(e["person"])
            for m, item in enumerate(e["items"]):
                if item["class"] not in classes:
                    out.append(
                        _err(
                            doc,
                            ("entries", n, "items", m, "class"),
                            "P1",
                            f"积分类别 {item['class']} 不在政策中 (unknown points class)",
                        )
                    )
    return out


# ---------------------------------------------------------------- selections, incidents, cases (references)


def check_references(rec: Records) -> list[Finding]:
    """Every person, unit, team, code and body an event record names exists."""
    out = []
    policy = rec.latest_policy()
    for doc in rec.selections.values():
        s = doc.data
        unit = rec.units.get(s["unit"])
        if unit is None:
            out.append(_err(doc, ("unit",), "unit", f"单位 {s['unit']} 不存在 (unknown unit)"))
            continue
        team_ids = {t["id"] for t in unit.data.get("teams", [])}
        for n, t in enumerate(s["teams"]):
            if t["team"] not in team_ids:
                out.append(
                    _err(
                        doc,
                        ("teams", n, "team"),
                        "team",
                        f"单位没有片线 {t['team']} (unknown team)",
                    )
                )
        for n, pid in enumerate(s["participants"]):
            if pid not in rec.people:
                out.append(
                    _err(doc, ("participants", n), "person", f"人员 {pid} 不存在 (unknown person)")
                )
    for doc in rec.incidents.values():
        i = doc.data
        if i["person"] not in rec.people:
            out.append(
                _err(doc, ("person",), "person", f"人员 {i['person']} 不存在 (unknown person)")
            )
        year = int(i["date"][:4])
        pol = rec.policy_for(year) or policy
        if pol is None:
            continue
        if i["channel"] not in {c["id"] for c in pol["channels"]}:
            out.append(
                _err(
                    doc,
                    ("channel",),
                    "F1",
                    "发现途径不在政策目录中 (unknown channel)",
                    "使用政策 channels 中的代码",
                )
            )
        need = {
            "situation": "situation",
            "banned_behaviour": "behaviour",
            "assignment": "assignment",
        }.get(i["kind"])
        if need and need not in i:
            out.append(
                _err(doc, ("kind",), "kind", f"类型为 {i['kind']} 时须填写 {need} (missing {need})")
            )
        if "situation" in i and i["situation"] not in {s["code"] for s in pol["situations"]}:
            out.append(
                _err(
                    doc,
                    ("situation",),
                    "F2",
                    f"情形代码 {i['situation']} 不在政策目录中 (unknown situation code)",
                )
            )
        if "behaviour" in i and i["behaviour"] not in {s["code"] for s in pol["banned_behaviours"]}:
            out.append(
                _err(
                    doc,
                    ("behaviour",),
                    "F3",
                    f"禁止行为代码 {i['behaviour']} 不在政策目录中 (unknown behaviour code)",
                )
            )
    for doc in rec.cases.values():
        c = doc.data
        if c["person"] not in rec.people:
            out.append(
                _err(doc, ("person",), "person", f"人员 {c['person']} 不存在 (unknown person)")
            )
        for n, iid in enumerate(c["incidents"]):
            inc = rec.incidents.get(iid)
            if inc is None:
                out.append(
                    _err(
                        doc,
                        ("incidents", n),
                        "incident",
                        f"问题线索 {iid} 不存在 (unknown incident)",
                    )
                )
            elif inc.data["person"] != c["person"]:
                out.append(
                    _err(
                        doc,
                        ("incidents", n),
                        "incident",
                        f"问题线索 {iid} 不是关于本人的 (incident is about someone else)",
                    )
                )
        if (
            policy
            and "decision" in c
            and c["decision"]["body"] not in {a["body"] for a in policy["authority"]}
        ):
            out.append(
                _err(
                    doc,
                    ("decision", "body"),
                    "F6",
                    "决定机构不在干部管理权限表中 (unknown deciding body)",
                )
            )
    return out


def check_all(rec: Records, files: list[str], memo: dict | None = None) -> list[Finding]:
    """Tier two over the whole model."""
    out = check_name_clashes(files)
    for doc in rec.policies.values():
        out += check_policy(doc)
    out += check_units(rec) + check_people(rec) + check_quotas(rec)
    out += check_appraisals(rec, memo) + check_points(rec) + check_references(rec)
    return out
