"""Laying a workbook's values over a record in place, so that git shows only what changed.

The record is loaded with ruamel.yaml's round-trip mode and every value is assigned only
when it differs from what is there (compared as exact decimals, or as text without
surrounding blanks); containers are edited, never replaced. Comments, key order, quoting
and flow or block style therefore stay as they were, and a workbook exported and imported
unchanged changes nothing. New maps and items take the style the file already uses.

Each function also returns where every cell's value sits in the record (a path of keys
and indexes), so that a finding about the new record can be traced back to its cell.
"""

from __future__ import annotations

import io
from decimal import Decimal
from difflib import SequenceMatcher

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from .reader import Row

Cells = dict[tuple, tuple[Row, str]]  # record path -> (row, column code)


def yaml_rt() -> YAML:
    """The round-trip settings every record of this repository is written with."""
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def load(text: str) -> CommentedMap:
    return yaml_rt().load(text)


def dump(data: CommentedMap) -> str:
    buf = io.StringIO()
    yaml_rt().dump(data, buf)
    return buf.getvalue()


def new_record(header: list[tuple], comment: str) -> CommentedMap:
    data = CommentedMap([*header, ("entries", CommentedSeq())])
    data.yaml_set_start_comment(comment)
    return data


def _same(old, new) -> bool:
    if isinstance(new, int | float) and not isinstance(new, bool):
        if isinstance(old, int | float) and not isinstance(old, bool):
            return Decimal(str(old)) == Decimal(str(new))
        return False
    if isinstance(new, str) and isinstance(old, str):
        return old.strip() == new.strip()
    return old == new


def _text(value):
    return LiteralScalarString(value) if isinstance(value, str) and "\n" in value else value


def assign(node: CommentedMap, key: str, value) -> bool:
    """Set `node[key]` unless it already holds that value; whether anything changed."""
    if key in node and _same(node[key], value):
        return False
    node[key] = _text(value)
    return True


def _map(flow: bool) -> CommentedMap:
    m = CommentedMap()
    if flow:
        m.fa.set_flow_style()
    return m


def _flow_style(entries: CommentedSeq, *keys: str) -> bool:
    """Whether the file writes the maps under `keys` as flow maps (`{r01: 5, r02: 4}`)."""
    for e in entries:
        node = e
        for k in keys:
            node = node.get(k) if isinstance(node, dict) else None
        if isinstance(node, CommentedMap):
            return node.fa.flow_style()
        if isinstance(node, CommentedSeq) and node and isinstance(node[0], CommentedMap):
            return node[0].fa.flow_style()
    return False


# ---------------------------------------------------------------- appraisal

SCORES = ("results", "daily", "democratic")


def apply_appraisal(data: CommentedMap, rows: list[tuple[Row, str, dict]]) -> tuple[bool, Cells]:
    """Each row's values into its person's entry (added at the end if new)."""
    entries = data["entries"]
    flow = {k: _flow_style(entries, k) for k in ("results", "daily", "ungraded")}
    flow["group"] = _flow_style(entries, "democratic", "own_unit")
    index = {e["person"]: n for n, e in enumerate(entries)}
    changed = False
    cells: Cells = {}
    for row, pid, fields in rows:
        n = index.get(pid)
        if n is None:
            entries.append(CommentedMap([("person", pid)]))
            n = index[pid] = len(entries) - 1
            changed = True
        entry = entries[n]
        fields = dict(fields)
        reason = fields.pop("ungraded", None)
        recorded = entry.get("ungraded")
        if reason is not None and (recorded or {}).get("reason") != reason:
            if isinstance(recorded, CommentedMap):
                recorded["reason"] = reason
            else:
                ungraded = _map(flow["ungraded"])
                ungraded["reason"] = reason
                entry["ungraded"] = ungraded
            for key in SCORES:
                entry.pop(key, None)
            fields = {k: v for k, v in fields.items() if not k.startswith(SCORES)}
            changed = True
        elif (
            reason is None
            and recorded is not None
            and any(k.startswith(("results.", "daily.")) for k in fields)
        ):
            del entry["ungraded"]
            changed = True
        for code, value in fields.items():
            changed |= _set_path(entry, code.split("."), value, flow)
        cells[("entries", n, "person")] = (row, "person")
        cells[("entries", n, "name")] = (row, "name")
        for code in row.cells:
            if code not in ("person", "name"):
                path = code.split(".") + (["reason"] if code == "ungraded" else [])
                cells[("entries", n, *path)] = (row, code)
    return changed, cells


def _set_path(entry: CommentedMap, parts: list[str], value, flow: dict) -> bool:
    node, changed = entry, False
    for depth, part in enumerate(parts[:-1]):
        if not isinstance(node.get(part), CommentedMap):
            node[part] = _map(flow["group"] if depth else flow.get(part, False))
            changed = True
        node = node[part]
    return assign(node, parts[-1], value) or changed


# ---------------------------------------------------------------- points


def _item(values: tuple, flow: bool) -> CommentedMap:
    item = _map(flow)
    for key, value in zip(("class", "points", "reason"), values, strict=True):
        item[key] = _text(value)
    return item


def _key(item) -> tuple:
    return (item["class"], Decimal(str(item["points"])), str(item["reason"]).strip())


def _update(item: CommentedMap, values: tuple) -> bool:
    changed = False
    for key, value in zip(("class", "points", "reason"), values, strict=True):
        changed |= assign(item, key, value)
    return changed


def _merge_items(items: CommentedSeq, new: list[tuple], flow: bool) -> bool:
    """Edit a person's items into `new` with the fewest changes: equal runs stay untouched,
    changed items are edited in place, removed ones deleted, added ones inserted."""
    old = [_key(i) for i in items]
    want = [(c, Decimal(str(p)), r.strip()) for c, p, r in new]
    ops = SequenceMatcher(a=old, b=want, autojunk=False).get_opcodes()
    changed = False
    for tag, i1, i2, j1, j2 in reversed(ops):
        if tag == "equal":
            continue
        changed = True
        common = min(i2 - i1, j2 - j1)
        for t in range(common):
            _update(items[i1 + t], new[j1 + t])
        for _ in range(i2 - i1 - common):
            del items[i1 + common]
        for t in range(j2 - j1 - common):
            items.insert(i1 + common + t, _item(new[j1 + common + t], flow))
    return changed


def apply_points(data: CommentedMap, rows: list[tuple[Row, str, tuple]]) -> tuple[bool, Cells]:
    """The month's items, person by person, as the sheet lists them: the sheet is the whole
    month, so a person or item no longer in it is taken out of the record."""
    entries = data["entries"]
    flow = _flow_style(entries, "items")
    by_person: dict[str, list[tuple[Row, tuple]]] = {}
    for row, pid, values in rows:
        by_person.setdefault(pid, []).append((row, values))
    changed = False
    for n in range(len(entries) - 1, -1, -1):
        if entries[n]["person"] not in by_person:
            del entries[n]
            changed = True
    present = {e["person"] for e in entries}
    for pid in by_person:
        if pid not in present:
            entries.append(CommentedMap([("person", pid), ("items", CommentedSeq())]))
            changed = True
    cells: Cells = {}
    for n, entry in enumerate(entries):
        listed = by_person[entry["person"]]
        changed |= _merge_items(entry["items"], [v for _row, v in listed], flow)
        cells[("entries", n, "person")] = (listed[0][0], "person")
        for m, (row, _values) in enumerate(listed):
            for key in ("class", "points", "reason"):
                cells[("entries", n, "items", m, key)] = (row, key)
            cells[("entries", n, "items", m)] = (row, "person")
    return changed, cells
