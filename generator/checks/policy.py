"""Checks of one year's policy: weights, templates and catalogues consistent in themselves."""

from __future__ import annotations

from decimal import Decimal

from ..findings import Finding, error_at
from ..loader import Document


def _sum(values) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal(0))


def check_policy(doc: Document) -> list[Finding]:
    """Internal consistency of one year's policy: weights, templates and catalogues."""
    p, out = doc.data, []
    if _sum(p["weights"].values()) != 1:
        out.append(
            error_at(doc, ("weights",), "A1", "三项权重合计应为 1 (weights must add up to 1)")
        )
    if _sum(p["democratic"]["groups"].values()) != 1:
        out.append(
            error_at(
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
                    error_at(
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
                        error_at(
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
            error_at(
                doc,
                ("grading",),
                "A3",
                "分数线应满足 不称职 ≤ 基本称职 ≤ 优秀 (thresholds out of order)",
            )
        )
    ranks = [r["id"] for r in p["ranks"]]
    if len(set(ranks)) != len(ranks):
        out.append(error_at(doc, ("ranks",), "ranks", "职级代码重复 (duplicate rank id)"))
    if p["leader_min_rank"] not in ranks:
        out.append(
            error_at(doc, ("leader_min_rank",), "F3", "不在职级序列中 (not a rank of this policy)")
        )
    for n, a in enumerate(p["authority"]):
        for m, r in enumerate(a["ranks"]):
            if r not in ranks:
                out.append(
                    error_at(
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
                    error_at(
                        doc, (listname, n, "code"), "F2", f"代码 {s['code']} 重复 (duplicate code)"
                    )
                )
            codes.add(s["code"])
            if listname == "situations" and s["aspect"] not in aspects:
                out.append(
                    error_at(
                        doc,
                        (listname, n, "aspect"),
                        "F2",
                        f"方面 {s['aspect']} 未在 aspects 中定义 (unknown aspect)",
                    )
                )
    for listname in ("channels", "aspects", "ranks"):
        ids = [x["id"] for x in p[listname]]
        if len(set(ids)) != len(ids):
            out.append(error_at(doc, (listname,), listname, "代码重复 (duplicate id)"))
    return out
