"""Checks of incidents (F1-F3, F5): the person, the channel, and the catalogue code their kind needs."""

from __future__ import annotations

from ..findings import Finding, error_at
from ..model import Records
from ..rules.shared import policy_in_force


def check_incidents(rec: Records) -> list[Finding]:
    """Every incident names a known person, a channel and a code of the policy in force."""
    out: list[Finding] = []
    for doc in rec.incidents.values():
        i = doc.data
        if i["person"] not in rec.people:
            out.append(
                error_at(doc, ("person",), "person", f"人员 {i['person']} 不存在 (unknown person)")
            )
        year = int(i["date"][:4])
        pol = policy_in_force(rec, year)[1]
        if pol is None:
            continue
        if i["channel"] not in {c["id"] for c in pol["channels"]}:
            out.append(
                error_at(
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
                error_at(
                    doc, ("kind",), "kind", f"类型为 {i['kind']} 时须填写 {need} (missing {need})"
                )
            )
        if "situation" in i and i["situation"] not in {s["code"] for s in pol["situations"]}:
            out.append(
                error_at(
                    doc,
                    ("situation",),
                    "F2",
                    f"情形代码 {i['situation']} 不在政策目录中 (unknown situation code)",
                )
            )
        if "behaviour" in i and i["behaviour"] not in {s["code"] for s in pol["banned_behaviours"]}:
            out.append(
                error_at(
                    doc,
                    ("behaviour",),
                    "F3",
                    f"禁止行为代码 {i['behaviour']} 不在政策目录中 (unknown behaviour code)",
                )
            )
    return out
