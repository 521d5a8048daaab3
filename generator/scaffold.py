"""`cadre new`: commented skeletons of new records, with the next free id, in the right folder.

Ids follow the one convention (`ids`, CONTRIBUTING.md 编号规则): a person by the pinyin of
the name, an incident or case by the unit's prefix, the year of its own date and a
sequence. Blanks are left empty (YAML null) on purpose: the skeleton fails validation,
naming each blank's line, until the clerk has filled it, so nothing half-filled can be merged.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .ids import case_id, incident_id, person_id, unit_prefix
from .model import Records
from .rules.shared import stint_at

_NUMBERED = re.compile(r"(?P<prefix>.*?)(?P<number>[0-9]+)\Z")


def next_id(existing: list[str], prefix: str) -> str:
    """The next id after the highest `<prefix><number>`, keeping the number's width."""
    numbers = []
    width = 3
    for ident in existing:
        m = _NUMBERED.match(ident)
        if m and m.group("prefix") == prefix:
            numbers.append(int(m.group("number")))
            width = len(m.group("number"))
    return f"{prefix}{(max(numbers) + 1 if numbers else 1):0{width}d}"


PERSON = """\
# 人员记录：填写所有留空的字段后运行 cadre validate。出生日期、性别、身份不公示。
# 单位、职务、职级、类别、片线按任职经历逐段填写，现任的是最后一段；
# 以后调整职务、类别或片线时，给这一段填写离任日期 end，再在下面新增一段。
id: {id}
name: {name}
gender:          # male 男 / female 女
birth_date:      # 出生日期，例如 1985-06-01
employment: cadre    # cadre 干部 / worker 工人
status: active
history:
  - post:        # 职务，例如 科员
    unit: {unit}
    rank:        # 职级代码，见 records/policy/<年度>.yaml 的 ranks
    category: staff  # staff 一般工作人员 / deputy 班子副职 / principal 单位主要领导
    # team: east     # 所在片线或站所编号（没有则删除本行）
    # enforcement: true  # 执纪执法岗位才写
    start:       # 任职日期，例如 2026-02-01
"""

INCIDENT = """\
# 问题线索：不写举报人身份；facts 不公示，summary 会在作出决定后公示。
id: {id}
person: {person}
date: {date}     # 发现或查实日期（编号中的年份即此日期的年份）
channel:         # 发现途径代码，见政策 channels
kind:            # situation / banned_behaviour / assignment / conduct_investigation
# situation:     # kind 为 situation 时：情形代码，见政策 situations
# behaviour:     # kind 为 banned_behaviour 时：禁止行为代码，见政策 banned_behaviours
# assignment: {{id: , failure: shirking, done: false}}   # kind 为 assignment 时
serious: false
summary:         # 可公示的简要情况
facts:           # 具体事实（不公开）
"""

CASE = """\
# 调整程序：按 核实情况 → 提出初步方案 → 会议决定 → 复核/申诉 的顺序逐步填写。
id: {id}
person: {person}
incidents: []    # 所依据的问题线索编号，例如 [2026-001]
verification:
  date: {date}   # 开始核实的日期（编号中的年份即此日期的年份）
  note:          # 内部记录（不公开）
# proposal: {{date: , outcome: non_leadership_post, note: }}
# decision: {{date: , body: county_committee, reference: , outcome: , summary: }}
"""

SELECTION = """\
# 竞争上岗：只记录票数合计，不记录谁投给谁。
id: {id}
unit: {unit}
title:           # 例如 某镇2026年竞争上岗
date:            # 开始日期
effective:       # 新岗位生效日期
participants: [] # 参加人员编号
teams: []        # 例如 - {{team: east, quota: 6, deputy_seats: 1}}
leader_votes: [] # 片线长公开投票，每个片线每轮一条
"""


def _prefix_on(rec: Records, person: str | None, day: dt.date | None) -> str:
    if person not in rec.people:
        raise ValueError("请用 --person 指定已有的人员编号 (give an existing --person)")
    if day is None:
        raise ValueError("请用 --date 指定日期，例如 --date 2026-03-02 (give --date)")
    unit = stint_at(rec.people[person].data, day)["unit"]
    return unit_prefix(rec.units[unit].data if unit in rec.units else None, unit)


def scaffold(
    kind: str,
    rec: Records,
    records_dir: Path,
    unit: str | None = None,
    person: str | None = None,
    name: str | None = None,
    day: dt.date | None = None,
) -> tuple[Path, str]:
    """The path and text of a new skeleton record. ValueError with a Chinese message on bad options."""
    if kind == "person":
        if unit not in rec.units:
            raise ValueError("请用 --unit 指定已有的单位编号 (give an existing --unit)")
        new = person_id(name or "", rec.people) if name else None
        if new is None:
            raise ValueError(
                "请用 --name 给出姓名（汉字），编号按姓名拼音生成 (give --name; the id is its pinyin)"
            )
        return records_dir / "people" / f"{new}.yaml", PERSON.format(id=new, name=name, unit=unit)
    if kind in ("incident", "case"):
        prefix = _prefix_on(rec, person, day)
        if kind == "incident":
            new = incident_id(prefix, day.year, rec.incidents)
            folder = records_dir / "incidents" / str(day.year)
            return folder / f"{new}.yaml", INCIDENT.format(id=new, person=person, date=day)
        new = case_id(prefix, day.year, rec.cases)
        return records_dir / "cases" / f"{new}.yaml", CASE.format(id=new, person=person, date=day)
    if kind == "selection":
        if unit not in rec.units:
            raise ValueError("请用 --unit 指定已有的单位编号 (give an existing --unit)")
        new = next_id(list(rec.selections), f"{unit}-")
        return records_dir / "selections" / f"{new}.yaml", SELECTION.format(id=new, unit=unit)
    raise ValueError(f"不支持的记录类型 {kind}")
