"""P1: monthly totals, unit-year tables, year totals per person and their tiers, by hand.

Tiers used here (closed intervals, most significant first): gold from 30 up; silver from 20
to 29.5; notice from -5 down.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from generator.loader import load_bytes
from generator.pipeline import check_dir, check_files
from generator.rules.points import compute_points, tier_for

MINI = Path(__file__).parent / "fixtures" / "mini"
TIERS = [
    {"id": "gold", "name": "年度积分一等奖", "kind": "reward", "min": 30},
    {"id": "silver", "name": "年度积分二等奖", "kind": "reward", "min": 20, "max": 29.5},
    {"id": "notice", "name": "年度积分通报", "kind": "penalty", "max": -5},
]


@pytest.mark.parametrize(
    ("total", "tier"),
    [
        ("45", "gold"),
        ("30", "gold"),  # the bound belongs to the tier
        ("29.75", None),  # between silver's max and gold's min
        ("29.5", "silver"),
        ("20", "silver"),
        ("19.99", None),
        ("0", None),
        ("-4.5", None),
        ("-5", "notice"),
        ("-12", "notice"),
    ],
)
def test_tier_is_the_closed_interval_holding_the_total(total, tier):
    got = tier_for(Decimal(total), TIERS)
    assert (got["id"] if got else None) == tier


def test_overlapping_tiers_resolve_to_the_first_listed():
    tiers = [{"id": "a", "name": "甲", "kind": "reward", "min": 10}] + TIERS
    assert tier_for(Decimal(35), tiers)["id"] == "a"


def policy() -> dict:
    p = copy.deepcopy(load_bytes("p.yaml", (MINI / "records/policy/2025.yaml").read_bytes()).data)
    p["points"] = {
        "classes": [{"id": "work", "name": "工作实绩"}, {"id": "conduct", "name": "作风纪律"}],
        "tiers": TIERS,
    }
    return p


def person(pid: str, history: list[tuple[str, str, str | None]]) -> dict:
    stints = [
        {"post": "科员", "unit": u, "rank": "staff_member", "category": "staff", "start": s}
        | ({"end": e} if e else {})
        for u, s, e in history
    ]
    return {
        "id": pid,
        "name": "李四",
        "gender": "female",
        "birth_date": "1990-05-01",
        "employment": "cadre",
        "status": "active",
        "history": stints,
    }


def month(m: int, unit: str, entries: dict[str, list[tuple[str, float]]]) -> dict:
    return {
        "year": 2025,
        "month": m,
        "unit": unit,
        "date": f"2025-{m + 1:02}-05",
        "entries": [
            {
                "person": pid,
                "items": [{"class": c, "points": v, "reason": "事由"} for c, v in items],
            }
            for pid, items in entries.items()
        ],
    }


def points_files(months: list[dict], people: list[dict]):
    """The check of a small repository: units east and west, some people, some months."""
    files = {"policy/2025.yaml": policy()}
    files |= {
        f"units/{u}.yaml": {
            "id": u,
            "name": "测试单位",
            "kind": "township",
            "establishment": 50,
            "leader_posts": 5,
            "principal_leaders": [],
        }
        for u in ("east", "west")
    }
    files |= {f"people/{p['id']}.yaml": p for p in people}
    files |= {f"points/2025/{m['month']:02}/{m['unit']}.yaml": m for m in months}
    return check_files({k: json.dumps(v, ensure_ascii=False).encode() for k, v in files.items()})


def points_of(months: list[dict], people: list[dict]):
    checked = points_files(months, people)
    assert [f for f in checked.findings if f.severity == "error"] == []
    return compute_points(checked.records), [f for f in checked.findings if f.rule == "P1"]


EAST = [("east", "2015-01-01", None)]
MOVED = [("east", "2015-01-01", "2025-02-01"), ("west", "2025-02-01", None)]  # c, from February
MONTHS = [
    month(
        1,
        "east",
        {
            "a": [("work", 5), ("work", 3.5), ("conduct", -2)],  # 6.50: work 8.50, conduct -2.00
            "b": [("conduct", -3)],
            "c": [("work", 12)],
            "d": [("work", 6.5)],
        },
    ),
    month(2, "east", {"a": [("work", 10)], "b": [("conduct", -4)]}),
    month(2, "west", {"c": [("work", 9)]}),
]
PEOPLE = [person("a", EAST), person("b", EAST), person("c", MOVED), person("d", EAST)]


def test_p1_monthly_totals_by_class_with_ranks_within_the_unit():
    result, findings = points_of(MONTHS, PEOPLE)
    january = result["months"][0]
    assert (january["year"], january["month"], january["unit"], january["date"]) == (
        2025,
        1,
        "east",
        "2025-02-05",
    )
    assert [(e["person"], e["total"], e["rank"]) for e in january["entries"]] == [
        ("c", "12.00", 1),
        ("a", "6.50", 2),
        ("d", "6.50", 2),  # equal totals share a rank
        ("b", "-3.00", 4),
    ]
    assert january["entries"][1]["classes"] == {"work": "8.50", "conduct": "-2.00"}
    assert [(m["month"], m["unit"]) for m in result["months"]] == [
        (1, "east"),
        (2, "east"),
        (2, "west"),
    ]
    assert findings == []


def test_p1_unit_year_table():
    result, _ = points_of(MONTHS, PEOPLE)
    east = next(u for u in result["units"] if u["unit"] == "east")
    # a: 6.5 + 10 = 16.5 in 2 months; c: 12 in east (January only); d 6.5; b: -3 - 4 = -7
    assert [(e["person"], e["total"], e["months"], e["rank"]) for e in east["entries"]] == [
        ("a", "16.50", 2, 1),
        ("c", "12.00", 1, 2),
        ("d", "6.50", 1, 3),
        ("b", "-7.00", 2, 4),
    ]


def test_p1_year_totals_follow_the_person_and_reach_tiers():
    more = MONTHS + [month(3, "west", {"c": [("work", 0.5)]})]
    result, _ = points_of(more, PEOPLE)
    people = {p["person"]: p for p in result["people"]}
    # c: 12 in east + 9 + 0.5 in west = 21.5 -> silver
    assert (people["c"]["total"], people["c"]["units"], people["c"]["tier"]["id"]) == (
        "21.50",
        ["east", "west"],
        "silver",
    )
    assert people["c"]["tier"] == {"id": "silver", "name": "年度积分二等奖", "kind": "reward"}
    assert (people["b"]["total"], people["b"]["tier"]["kind"]) == ("-7.00", "penalty")
    assert (people["a"]["total"], people["a"]["classes"], people["a"]["tier"]) == (
        "16.50",
        {"work": "18.50", "conduct": "-2.00"},
        None,
    )
    assert len(people["c"]["sources"]) == 3


@pytest.mark.parametrize(
    ("extra", "outside"),
    [
        (month(1, "west", {"c": [("work", 1)]}), True),  # c joins west on 1 February
        (month(2, "east", {"c": [("work", 1)]}), True),  # and leaves east that day
        (month(3, "east", {"e": [("work", 1)]}), False),  # e leaves east on 15 March
        (month(4, "east", {"e": [("work", 1)]}), True),
    ],
)
def test_p1_points_in_a_unit_the_person_was_not_in_that_month_are_an_error(extra, outside):
    """A unit's points file may give points only to its own people (by the history)."""
    e = person("e", [("east", "2015-01-01", "2025-03-15"), ("west", "2025-03-15", None)])
    findings = points_files(MONTHS + [extra], PEOPLE + [e]).findings
    path = f"records/points/2025/{extra['month']:02}/{extra['unit']}.yaml"
    assert [(f.path, f.rule, f.severity) for f in findings] == (
        [(path, "unit", "error")] if outside else []
    )


def test_without_month_tables_the_unit_and_person_years_are_the_same(demo_repo):
    """A policy diff leaves the month tables out (`compute_points(month_tables=False)`);
    what it compares and what the watch list reads must not change with them."""
    rec = check_dir(demo_repo / "records").records
    whole, lean = compute_points(rec), compute_points(rec, month_tables=False)
    assert whole["months"] and lean["months"] == []
    assert lean["units"] == whole["units"] and lean["people"] == whole["people"]
