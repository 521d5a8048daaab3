"""The reviewer's view of a change: which computed outcomes move between two revisions.

`outcome_diff` compares two sides' `outcomes` (and the findings of each side) and returns
plain data; `to_markdown` renders it for a pull-request comment. Neither touches git: the
CLI reads both revisions and hands the results over.

Every string in the Markdown that a record, a file name or a revision could have written
(ids, names, labels, file paths, findings) stands in an inline code span that its content
cannot close, on one line (`_code`): inside one, GitHub renders no HTML, no links, no
emphasis and no @-mention, so a pull request can neither shape the comment nor ping anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from .characters import printable
from .labels import GRADE_LABELS


@dataclass
class Change:
    kind: str  # grade, score, action, placement, posting, points
    person: str | None
    what: str
    old: str | None
    new: str | None
    source: str | None = None


@dataclass
class OutcomeDiff:
    changes: list[Change] = field(default_factory=list)
    introduced: list[dict] = field(default_factory=list)  # findings new in HEAD
    resolved: list[dict] = field(default_factory=list)  # findings gone in HEAD
    head_errors: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for c in self.changes:
            label = {
                "grade": "等次变化 grade(s) change",
                "score": "分数变化 score(s) change",
                "action": "处理变化 action(s) change",
                "placement": "岗位变化 placement(s) change",
                "posting": "公示变化 posting(s) change",
                "points": "积分变化 points total(s) change",
                "selection": "选举结果变化 election result(s) change",
            }[c.kind]
            counts[label] = counts.get(label, 0) + 1
        parts = [f"{n} {label}" for label, n in counts.items()]
        if self.introduced:
            parts.append(f"{len(self.introduced)} 新问题 new finding(s)")
        if self.resolved:
            parts.append(f"{len(self.resolved)} 已解决 resolved finding(s)")
        if self.head_errors:
            parts.insert(0, f"{len(self.head_errors)} 校验错误 validation error(s)")
        return "；".join(parts) if parts else "结果无变化 (no outcome changes)"


def _key_findings(findings: list[dict]) -> dict[tuple, dict]:
    # Line numbers move when unrelated lines are edited; a finding is the same if its file, rule and message are.
    return {(f["path"], f["rule"], f["message"], f.get("severity", "error")): f for f in findings}


def _fmt_grade(grade: str | None) -> str | None:
    return None if grade is None else GRADE_LABELS.get(grade, grade)


def _fmt_action(a: dict) -> str:
    until = f"至 {a['until']}" if a.get("until") else ""
    return f"{a['rule']} {a.get('label') or a['type']}（{a['effective']}起{until}）"


def _first(sources) -> str | None:
    return sources[0] if sources else None


def _placements(selections: list[dict]) -> dict[tuple[str, str], str]:
    out = {}
    for s in selections:
        for team in s.get("placement", []):
            for person in team.get("members", []):
                out[(s["id"], person)] = team["team"]
        for person in s.get("unplaced", []):
            out[(s["id"], person)] = "未落实岗位 (unplaced)"
    return out


def _winners(selections: list[dict]) -> dict[tuple[str, str, str], str]:
    out = {}
    for s in selections:
        for contest in s.get("leaders", []):
            out[(s["id"], contest["team"], "片线长")] = str(contest.get("winner"))
        for contest in s.get("deputies", []):
            out[(s["id"], contest["team"], "副片线长")] = "、".join(contest.get("winners", []))
    return out


def points_totals(points: dict) -> dict[tuple, str]:
    """Year totals per person (the points section's `people` table), with the name of the
    tier reached."""
    return {
        (row["person"], row["year"]): str(row["total"])
        + (f"（{row['tier']['name']}）" if row.get("tier") else "")
        for row in points.get("people", [])
    }


def outcomes(results: dict) -> dict:
    """What a reviewer compares of one side's results, each outcome by its key, as plain
    data (`marshal` can hold it): {} for a side with nothing computed.

    A policy change computes both sides of a province (`policy_change`); their whole
    results would not fit beside their records, these do.
    """
    if not results:
        return {}

    def shown(p: dict) -> str:
        return f"{p['title']} {p['start']}至{p['end']}"

    return {
        "grades": {
            (a["person"], a["year"]): (
                a["grade"],
                a.get("total"),
                a.get("components"),
                a.get("sources", [None])[0],
            )
            for a in results.get("appraisals", [])
        },
        "actions": {
            (a["person"], a["rule"], a["type"], a["effective"]): (
                a.get("until"),
                _fmt_action(a),
                _first((a.get("basis") or {}).get("sources", [None])),
            )
            for a in results.get("actions", [])
        },
        "placements": _placements(results.get("selections", [])),
        "winners": _winners(results.get("selections", [])),
        "points": points_totals(results.get("points", {})),
        "postings": {
            p["id"]: (shown(p), (p.get("sources") or [None])[0])
            for p in results.get("postings", [])
        },
    }


def _differing(old: dict, new: dict, order=None) -> list[tuple]:
    """(key, old value, new value) for every key whose value differs between two mappings."""
    keys = sorted(old.keys() | new.keys(), key=order)
    return [(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def _appraisal_changes(old: dict, new: dict) -> list[Change]:
    out = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        src = (b or a)[3]
        person, year = key
        if a is None or b is None or a[0] != b[0]:
            out.append(
                Change(
                    "grade",
                    person,
                    f"{year} 年度等次",
                    _fmt_grade(a and a[0]),
                    _fmt_grade(b and b[0]),
                    src,
                )
            )
        if a and b and a[1:3] != b[1:3]:
            out.append(Change("score", person, f"{year} 年度总分", str(a[1]), str(b[1]), src))
    return out


def _action_changes(old: dict, new: dict) -> list[Change]:
    out = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and a[0] == b[0]:
            continue
        out.append(
            Change("action", key[0], key[1], a and a[1], b and b[1], (b or a)[2]),
        )
    return out


def _selection_changes(base: dict, head: dict) -> list[Change]:
    def source(selection_id: str) -> str:
        return f"records/selections/{selection_id}.yaml"

    placed = [
        Change("placement", k[1], f"{k[0]} 岗位", a, b, source(k[0]))
        for k, a, b in _differing(base.get("placements", {}), head.get("placements", {}))
    ]
    elected = [
        Change("selection", None, f"{k[0]} {k[1]} {k[2]}", a, b, source(k[0]))
        for k, a, b in _differing(base.get("winners", {}), head.get("winners", {}))
    ]
    return placed + elected


def _posting_changes(old: dict, new: dict) -> list[Change]:
    return [
        Change("posting", None, pid, a and a[0], b and b[0], (b or a)[1])
        for pid in sorted(old.keys() | new.keys())
        for a, b in [(old.get(pid), new.get(pid))]
        if (a and a[0]) != (b and b[0])
    ]


def _points_changes(base: dict, head: dict) -> list[Change]:
    return [
        Change("points", k[0], f"{k[1]} 年度积分", a, b, None)
        for k, a, b in _differing(base, head, order=str)
    ]


def outcome_diff(
    base: dict, head: dict, base_findings: list[dict], head_findings: list[dict]
) -> OutcomeDiff:
    """Everything a reviewer should see move between two revisions' `outcomes`."""
    d = OutcomeDiff()
    d.changes += _appraisal_changes(base.get("grades", {}), head.get("grades", {}))
    d.changes += _action_changes(base.get("actions", {}), head.get("actions", {}))
    d.changes += _selection_changes(base, head)
    d.changes += _points_changes(base.get("points", {}), head.get("points", {}))
    d.changes += _posting_changes(base.get("postings", {}), head.get("postings", {}))
    old, new = _key_findings(base_findings), _key_findings(head_findings)
    d.introduced = [new[k] for k in sorted(new.keys() - old.keys())]
    d.resolved = [old[k] for k in sorted(old.keys() - new.keys())]
    return d


_BACKTICKS = re.compile(r"`+")


def _code(text) -> str:
    """`text` as an inline code span nothing in it can end early.

    Control and invisible characters and line breaks are written as escapes first, so the
    span stays on its line; the fence is one backtick longer than the longest run inside;
    a space pads content that starts or ends with a backtick or a space (CommonMark strips
    one from each side).
    """
    text = printable(str(text))
    if not text:
        return "（空）"
    fence = "`" * (max((len(m) for m in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text) -> str:
    """A table cell: a code span whose `|` are escaped, since GitHub splits a table row at
    every unescaped `|`, inside code spans too (and drops the backslash when it does not)."""
    return "—" if text is None else _code(text).replace("|", "\\|")


def _link(path: str | None, link_base: str | None) -> str:
    if not path:
        return ""
    if not link_base:
        return _cell(path)
    return f"[{_cell(path)}]({link_base.rstrip('/')}/{quote(printable(path), safe='/')})"


def _where(finding: dict, col: int | None = None) -> str:
    tail = f":{col}" if col is not None else ""
    return f"{finding['path']}:{finding['line']}{tail}"


def to_markdown(
    d: OutcomeDiff,
    names: dict[str, str],
    base_rev: str,
    head_rev: str,
    link_base: str | None = None,
) -> str:
    lines = [f"**{d.summary()}**", "", f"{_code(base_rev[:12])} → {_code(head_rev[:12])}", ""]
    if d.head_errors:
        lines += ["### 校验错误 (validation errors in HEAD)", ""]
        lines += [
            f"- {_code(_where(f, f['col']))} {_code(f['rule'])}: {_code(f['message'])}"
            for f in d.head_errors
        ]
        lines.append("")
    if d.changes:
        lines += [
            "### 结果变化 (outcome changes)",
            "",
            "| 人员 | 事项 | 原 | 新 | 依据记录 |",
            "|---|---|---|---|---|",
        ]
        for c in sorted(d.changes, key=lambda c: (c.person or "", c.kind, c.what)):
            who = _cell(f"{names.get(c.person, '')}（{c.person}）") if c.person else "—"
            lines.append(
                f"| {who} | {_cell(c.what)} | {_cell(c.old)} | {_cell(c.new)} "
                f"| {_link(c.source, link_base)} |"
            )
        lines.append("")
    for title, items in (
        ("新出现的问题 (introduced findings)", d.introduced),
        ("已解决的问题 (resolved findings)", d.resolved),
    ):
        if items:
            lines += [f"### {title}", ""]
            lines += [
                f"- {'warning' if f.get('severity') == 'warning' else 'error'} "
                f"{_code(_where(f))} {_code(f['rule'])}: {_code(f['message'])}"
                for f in items
            ]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_json(d: OutcomeDiff) -> dict:
    return {
        "summary": d.summary(),
        "changes": [c.__dict__ for c in d.changes],
        "introduced": d.introduced,
        "resolved": d.resolved,
        "head_errors": d.head_errors,
    }
