"""Checks of monthly points (P1): people, classes, one entry a person.

That each person belongs to the file's unit that month is checked with the other files of a
unit (`unit_ties`)."""

from __future__ import annotations

from ..findings import Finding, error_at
from ..model import Records


def check_points(rec: Records) -> list[Finding]:
    out = []
    for (year, _month, uid), doc in sorted(rec.points.items()):
        if uid not in rec.units:
            out.append(error_at(doc, ("unit",), "unit", f"单位 {uid} 不存在 (unknown unit)"))
        policy = rec.policies[year].data if year in rec.policies else None
        if policy is None:
            out.append(
                error_at(
                    doc, ("year",), "year", f"没有 {year} 年度的政策参数 (no policy for this year)"
                )
            )
            continue
        classes = {c["id"] for c in policy["points"]["classes"]}
        seen: set[str] = set()
        for n, e in enumerate(doc.data["entries"]):
            if e["person"] not in rec.people:
                out.append(
                    error_at(
                        doc,
                        ("entries", n, "person"),
                        "person",
                        f"人员 {e['person']} 不存在 (unknown person)",
                    )
                )
            if e["person"] in seen:
                out.append(
                    error_at(
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
                        error_at(
                            doc,
                            ("entries", n, "items", m, "class"),
                            "P1",
                            f"积分类别 {item['class']} 不在政策中 (unknown points class)",
                        )
                    )
    return out
