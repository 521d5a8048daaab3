"""The 依据 section of every posting: the policy document, the clauses applied, its figures.

Everything comes from the policy in force for the posting's year, read through its public
projection (only fields the schema marks `x-public`: the watch list's thresholds and any
other private field never arrive here), and from the policy paper's own words as the rule
modules quote them. The templates only lay it out: no figure is written in a template.
"""

from __future__ import annotations

from decimal import Decimal

from ..labels import CATEGORY_LABELS, GRADE_LABELS, RATER_GROUPS
from ..model import Records
from ..rules.consequences import CLAUSES as CONSEQUENCE_CLAUSES
from ..rules.shared import percent, policy_in_force
from ..schema import public_view

# The policy paper's words for the rules whose modules keep no quotation of their own.
PAPER = {
    "A1": "建立百分制量化考核机制，对一般工作人员、班子副职和单位主要领导实行分类考核。"
    "绩效考核具体包括实绩考核、日常考核和民主测评三部分",
    "A2": "年终召开民主测评大会，对个人作用发挥、工作态度等方面进行评判打分；考核干部既要听取"
    "其本单位群众的意见，也要听取上级单位、有工作联系的单位和服务对象单位及有关群众的意见",
    "P1": "对干部业绩实行分类积分管理，每月进行公示，年终汇总，重奖真罚",
}
COMPONENTS = {"results": "实绩考核", "daily": "日常考核", "democratic": "民主测评"}
POOL_PARTS = {"unit": "单位", "category": "人员类别"}


def _number(value) -> str:
    """A policy number for Chinese text: 85 -> '85', 0.5 -> '0.5', -5 -> '-5'."""
    return f"{Decimal(str(value)).normalize():f}"


def public_policies(rec: Records) -> dict[int, dict]:
    """Each year's policy as the public may see it, projected once for all of a build's postings."""
    return {year: public_view("policy", doc.data) for year, doc in rec.policies.items()}


def _head(policy: dict) -> dict:
    return {"title": policy.get("title", ""), "number": policy.get("basis", "")}


def _period(policy: dict) -> dict:
    """O1: the posting period and where objections go, as the policy sets them."""
    posting = policy.get("posting", {})
    office = posting.get("contact", {}).get("office", "异议受理机构")
    days = posting.get("working_days")
    period = f"公示期为{days}个工作日，" if days else ""
    return {"rule": "O1", "clause": f"{period}公示期内对公示内容有异议的，可以向{office}反映"}


def _appraisal(policy: dict, body: dict) -> tuple[list[dict], list[dict]]:
    clauses = [{"rule": r, "clause": PAPER[r]} for r in ("A1", "A2")]
    clauses.append({"rule": "A3", "clause": CONSEQUENCE_CLAUSES["A3"]})
    for rule in sorted({c["rule"] for c in body.get("consequences", [])}):
        clauses.append({"rule": rule, "clause": CONSEQUENCE_CLAUSES[rule]})
    figures = []
    weights = policy.get("weights", {})
    if weights:
        parts = [f"{COMPONENTS[k]}{percent(v)}%" for k, v in weights.items() if k in COMPONENTS]
        figures.append({"label": "得分构成", "text": "百分制，" + "、".join(parts)})
    items = [
        f"{t.get('name') or CATEGORY_LABELS.get(c, c)}实绩考核{len(t.get('results', []))}项、"
        f"日常考核{len(t.get('daily', []))}项"
        for c, t in policy.get("templates", {}).items()
    ]
    if items:
        figures.append({"label": "计分小项", "text": "；".join(items)})
    democratic = policy.get("democratic", {})
    if democratic.get("groups"):
        groups = [f"{RATER_GROUPS.get(g, g)}{percent(w)}%" for g, w in democratic["groups"].items()]
        figures.append({"label": "民主测评权重", "text": "、".join(groups)})
    if democratic.get("points"):
        points = [f"{GRADE_LABELS[g]}{_number(v)}分" for g, v in democratic["points"].items()]
        figures.append(
            {"label": "民主测评计分", "text": "每票" + "、".join(points) + "，各组取平均分"}
        )
    grading = policy.get("grading", {})
    if grading:
        pool = "、".join(POOL_PARTS.get(p, p) for p in grading.get("pool", []))
        base = "定等次" if grading.get("excellent_base") == "graded" else "参加考核"
        excellent = (
            f"得分不低于{_number(grading['excellent_min'])}分，"
            if "excellent_min" in grading
            else ""
        )
        figures.append(
            {
                "label": "优秀",
                "text": f"{excellent}按{pool}分别评定，人数不超过{base}人数的"
                f"{percent(grading['excellent_share'])}%（向下取整）",
            }
        )
        for limit in body.get("limits", []):
            figures.append(
                {
                    "label": "优秀名额",
                    "text": f"{limit['pool']}：{limit['base_label']}{limit['base']}人，"
                    f"优秀不超过{limit['limit']}名，评为优秀{limit['excellent']}名",
                }
            )
        below = [
            (key, grade)
            for key, grade in (
                ("basically_competent_below", "basically_competent"),
                ("incompetent_below", "incompetent"),
            )
            if key in grading
        ]
        if below:
            text = "；".join(f"低于{_number(grading[k])}分为{GRADE_LABELS[g]}" for k, g in below)
            figures.append({"label": "等次分数线", "text": text})
        if grading.get("min_months_in_post"):
            figures.append(
                {
                    "label": "不定等次",
                    "text": f"考核年度内在岗不足{_number(grading['min_months_in_post'])}个月的不定等次",
                }
            )
    return clauses, figures


def _points(policy: dict) -> tuple[list[dict], list[dict]]:
    points = policy.get("points", {})
    figures = []
    if points.get("classes"):
        figures.append(
            {"label": "积分类别", "text": "、".join(c["name"] for c in points["classes"])}
        )
    for tier in points.get("tiers", []):
        if "min" in tier and "max" in tier:
            span = f"{_number(tier['min'])}分至{_number(tier['max'])}分"
        elif "min" in tier:
            span = f"{_number(tier['min'])}分及以上"
        elif "max" in tier:
            span = f"{_number(tier['max'])}分及以下"
        else:
            span = "不限分数"
        figures.append({"label": tier["name"], "text": f"年度积分合计{span}"})
    return [{"rule": "P1", "clause": PAPER["P1"]}], figures


def _selection(policy: dict, body: dict) -> tuple[list[dict], list[dict]]:
    parameters = body.get("parameters", {})
    figures = []
    if parameters:
        figures.append(
            {
                "label": "到会和当选",
                "text": f"到会人数不少于应到人数的{parameters['quorum']}，"
                f"当选须得票超过有效票的{parameters['majority']}",
            }
        )
    return list(body.get("clauses", [])), figures


def _decision(policy: dict, body: dict) -> tuple[list[dict], list[dict]]:
    clauses = [{"rule": body["rule"], "clause": body["clause"]}] if body.get("clause") else []
    if body.get("fit"):
        clauses.append(dict(body["fit"]))
    figures = []
    ranks = {r["id"]: r["name"] for r in policy.get("ranks", [])}
    for entry in policy.get("authority", []):
        if entry["name"] == body.get("body"):
            held = "、".join(ranks.get(r, r) for r in entry.get("ranks", []))
            figures.append(
                {"label": "干部管理权限", "text": f"{entry['name']}决定{held}干部的调整"}
            )
    appeal = policy.get("appeal", {})
    if appeal:
        figures.append(
            {
                "label": "复核和申诉",
                "text": f"对调整决定不服的，可以自接到决定之日起{appeal['review_days']}日内申请复核，"
                f"对复核结果不服的，可以自接到复核决定之日起{appeal['appeal_after_review_days']}日内申诉；"
                f"也可以不经复核，自接到决定之日起{appeal['direct_appeal_days']}日内直接申诉",
            }
        )
    return clauses, figures


def posting_basis(
    rec: Records, posting: dict, body: dict, policies: dict[int, dict] | None = None
) -> dict:
    """The policy document, the clauses applied with their rule ids, and the figures used.

    `policies` is `public_policies(rec)`, when the caller has it already."""
    policies = public_policies(rec) if policies is None else policies
    year = policy_in_force(rec, posting["year"])[0]
    policy = policies.get(year, {}) if year is not None else {}
    kind = posting["kind"]
    if kind == "appraisal":
        clauses, figures = _appraisal(policy, body)
    elif kind == "points":
        clauses, figures = _points(policy)
    elif kind == "selection":
        clauses, figures = _selection(policy, body)
    else:
        clauses, figures = _decision(policy, body)
    return {
        "policy": _head(policy),
        "clauses": [*clauses, _period(policy)],
        "figures": figures,
    }
