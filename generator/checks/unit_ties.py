"""Checks that a unit's files touch only that unit: the people they name and the unit they claim.

Who approves a change is decided by its path (CODEOWNERS gives `appraisals/<year>/<unit>`,
`points/<year>/<month>/<unit>` and `selections/<unit>-*` to that unit's reviewers), so a
file under one unit's path must not move anything of another unit. Its `unit:` field is
its path's unit (for appraisals and points `model` checks it against the file name; for
selections the id's prefix is checked here), and every person it names belongs to that
unit on the file's date, by the person's history. A person the records do not know is
reported by the kind's own check.

Which date a file speaks for:

- an appraisal covers a calendar year and is posted early in the next: a person belongs to
  the unit that held them last in that year, i.e. the stint in force on 31 December is in
  the unit and overlaps the year. Someone transferred during the year is appraised by the
  unit they moved to (调入单位考核), someone who left the service during the year by their
  last unit, and a transfer after the year's end, before the posting, changes nothing;
- a points file covers a calendar month: a person belongs when any of their stints in the
  unit overlaps the month, so someone who moved mid-month may have points in both units;
- a selection is held on its `date`: every participant, candidate, nominee and name on a
  two-way list holds a stint in the unit on that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..dates import add_months, parse_date
from ..findings import Finding, error_at
from ..loader import Document
from ..model import Records
from ..rules.shared import served_in, stint_at

# Fields that name people: a `person` value, and lists of person ids.
_PERSON = "person"
_PEOPLE_LISTS = ("participants", "staff")


def named_people(data, at: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, person id) for every person a record names, at any depth, in file order.
    Only mappings and lists are walked into: a plain value names no one."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == _PERSON and isinstance(value, str):
                yield at + (key,), value
            elif key in _PEOPLE_LISTS and isinstance(value, list):
                for n, item in enumerate(value):
                    if isinstance(item, str):
                        yield at + (key, n), item
                    elif isinstance(item, (dict, list)):
                        yield from named_people(item, at + (key, n))
            elif isinstance(value, (dict, list)):
                yield from named_people(value, at + (key,))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            if isinstance(value, (dict, list)):
                yield from named_people(value, at + (n,))


def in_appraisal_unit(person: dict, unit: str, year: int) -> bool:
    """The unit that held the person last in `year` is `unit` (see the module's docstring)."""
    first, after = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    last = stint_at(person, dt.date(year, 12, 31))
    return last["unit"] == unit and served_in(person, unit, first, after)


def in_unit_on(person: dict, unit: str, day: dt.date) -> bool:
    """The person holds a stint in `unit` on `day`."""
    return served_in(person, unit, day, day + dt.timedelta(days=1))


def _outsiders(rec: Records, doc: Document, belongs, message: str, hint: str) -> list[Finding]:
    out = []
    for path, pid in named_people(doc.data):
        person = rec.people.get(pid)
        if person is not None and not belongs(person.data):
            out.append(error_at(doc, path, "unit", message.format(pid=pid), hint))
    return out


def selection_unit(rec: Records, selection_id: str) -> str | None:
    """The unit a selection's id names: the longest unit id it starts with, followed by `-`.

    The longest, because one unit's id may begin with another's (`qingxi` and
    `qingxi-zhen`): `qingxi-zhen-001` is qingxi-zhen's, and CODEOWNERS lists the longer id
    after the shorter so that its reviewers are the ones asked.
    """
    prefixes = [u for u in rec.units if selection_id.startswith(u + "-")]
    return max(prefixes, key=len) if prefixes else None


def check_unit_ties(rec: Records) -> list[Finding]:
    """Every person an appraisal, points or selection file names belongs to its unit on its
    date; a selection's id begins with its unit's id."""
    out: list[Finding] = []
    for (year, uid), doc in sorted(rec.appraisals.items()):
        out += _outsiders(
            rec,
            doc,
            lambda p, uid=uid, year=year: in_appraisal_unit(p, uid, year),
            f"{{pid}} {year} 年末不在本单位任职，不能由本单位考核 "
            "(person not in this unit at the end of the appraised year)",
            "年度考核由年末所在单位进行：把该人员移到其所在单位的考核文件，或补充任职经历",
        )
    for (year, month, uid), doc in sorted(rec.points.items()):
        first = dt.date(year, month, 1)
        out += _outsiders(
            rec,
            doc,
            lambda p, uid=uid, first=first: served_in(p, uid, first, add_months(first, 1)),
            "任职经历显示 {pid} 本月不在本单位 (person not in this unit that month)",
            "积分由当月所在单位记录：核对单位，或补充任职经历",
        )
    for sid, doc in sorted(rec.selections.items()):
        uid = doc.data["unit"]
        named = selection_unit(rec, sid)
        if uid in rec.units and named != uid:
            whose = (
                f"；该编号属于单位 {named}，由其审核人审核 (the id names unit {named})"
                if named
                else " (a selection's id begins with its unit's id)"
            )
            out.append(
                error_at(
                    doc,
                    ("unit",),
                    "unit",
                    f"竞争上岗编号应以本单位编号 {uid}- 开头{whose}",
                    f"把文件改名为 {uid}-<编号>.yaml，并同时修改 id",
                )
            )
        day = parse_date(doc.data["date"])
        out += _outsiders(
            rec,
            doc,
            lambda p, uid=uid, day=day: in_unit_on(p, uid, day),
            "{pid} 在竞争上岗之日不在本单位任职 (person not in this unit on the selection's date)",
            "竞争上岗只在本单位人员中进行：核对人员或补充任职经历",
        )
    return out
