"""Checks of the id convention (`generator.ids`, CONTRIBUTING.md 编号规则): warnings only.

An id that breaks the convention still works; the warning says which id it should have
been, so that the next record is named right and a reader can find a record by its name.
A unit adopts the convention by declaring its `prefix` (编号前缀): the records of its
people, and the incidents and cases about them, are checked from then on. A county that
already has records under another scheme can so adopt it unit by unit; the demo county,
`cadre init` and `cadre synth` declare a prefix for every unit.
"""

from __future__ import annotations

from ..dates import parse_date
from ..findings import Finding, warning_at
from ..ids import CASE_ID, INCIDENT_ID, fits_name, person_stem, unit_prefix
from ..model import Records
from ..rules.shared import stint_at

HINT = "编号规则见 CONTRIBUTING.md；改编号要同时改文件名和引用它的记录"


def _adopted(rec: Records, unit: str) -> bool:
    return unit in rec.units and "prefix" in rec.units[unit].data


def _prefix(rec: Records, person: str, day) -> str | None:
    """The prefix of the person's unit on the day, if that unit follows the convention."""
    doc = rec.people.get(person)
    if doc is None:
        return None
    unit = stint_at(doc.data, day)["unit"]
    return unit_prefix(rec.units[unit].data, unit) if _adopted(rec, unit) else None


def check_ids(rec: Records) -> list[Finding]:
    out = []
    seen: dict[str, str] = {}
    for uid, doc in sorted(rec.units.items()):
        prefix = unit_prefix(doc.data, uid)
        if "prefix" in doc.data and prefix in seen:
            out.append(
                warning_at(
                    doc,
                    ("prefix",),
                    "id",
                    f"编号前缀 {prefix} 与单位 {seen[prefix]} 相同 (two units share a prefix)",
                    "每个单位用不同的前缀",
                )
            )
        seen.setdefault(prefix, uid)
    for pid, doc in sorted(rec.people.items()):
        if not _adopted(rec, doc.data["history"][-1]["unit"]):
            continue
        if fits_name(pid, doc.data["name"]) is False:
            stem = person_stem(doc.data["name"])
            out.append(
                warning_at(
                    doc,
                    ("id",),
                    "id",
                    f"人员编号应为姓名的拼音，例如 {stem}（重名加 -2、-3）"
                    " (a person's id is the pinyin of the name)",
                    HINT,
                )
            )
    kinds = (
        (rec.incidents, INCIDENT_ID, "", ("date",)),
        (rec.cases, CASE_ID, "tz-", ("verification", "date")),
    )
    for docs, pattern, marker, date_path in kinds:
        for ident, doc in sorted(docs.items()):
            value = doc.data
            for key in date_path:
                value = value[key]
            day = parse_date(value)
            prefix = _prefix(rec, doc.data["person"], day)
            if prefix is None:
                continue
            m = pattern.match(ident)
            if m and m.group("prefix") == prefix and int(m.group("year")) == day.year:
                continue
            out.append(
                warning_at(
                    doc,
                    ("id",),
                    "id",
                    f"编号应为 {prefix}-{marker}{day.year}-序号，例如 {prefix}-{marker}{day.year}-01"
                    "（单位前缀、本记录日期的年份、序号） (id does not follow the convention)",
                    HINT,
                )
            )
    return out
