"""The watch list's numbers in words, for the 预警 page and each dossier."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ..rules.shared import cents, percent


def _votes_at(threshold: str, votes: int) -> str:
    """A fraction of the votes cast, to two decimals: '1/3' of 32 is '10.67'."""
    share = Fraction(threshold) * votes
    return str(cents(Decimal(share.numerator) / Decimal(share.denominator)))


def watch_text(w: dict) -> str:
    """The numbers that put an entry on the watch list, in words."""
    n = w["numbers"]
    if w["signal"] == "incompetent_votes":
        return (
            f"{w['year']}年度民主测评有效票{n['votes']}票，不称职{n['incompetent']}票，"
            f"超过{n['threshold']}（{_votes_at(n['threshold'], n['votes'])}票）"
        )
    if w["signal"] == "low_approval":
        approving = n["excellent"] + n["competent"]
        return (
            f"{w['year']}年度民主测评有效票{n['votes']}票，优秀{n['excellent']}票、称职{n['competent']}票，"
            f"合计{approving}票，不足{n['threshold']}（{_votes_at(n['threshold'], n['votes'])}票）"
        )
    if w["signal"] == "bottom_of_pool":
        years = "；".join(
            f"{y['year']}年度定等范围{y['size']}人中排第{y['rank']}名（总分{y['total']}）"
            for y in n["years"]
        )
        return f"{years}，连续{len(n['years'])}年处于末位{percent(n['share'])}%"
    if w["signal"] == "repeated_assignments":
        return f"{w['year']}年度交办事项推诿扯皮或办理不当{n['count']}次（达到{n['threshold']}次）"
    return (
        f"{w['year']}年度积分{n['total']}分，在本单位{n['size']}人中排第{n['rank']}名，"
        f"处于末位{percent(n['share'])}%"
    )
