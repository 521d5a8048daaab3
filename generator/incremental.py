"""Validation that follows the change: a one-file edit checks the units it can move.

`cadre validate` is what a clerk's pre-commit hook and every pull-request check run, so it
must not cost the whole repository after a small edit. The state of the last validation is
kept under the records' cache (`.cache/cadre/validate/`): each file's size, modification
time and a digest of its bytes, the links of every file (`scope.Links`: the ids it names)
and every finding. A new run:

1. stats every file and reads only those whose size or time changed (as git's index
   does); a file read again with the same digest has not changed;
2. with nothing changed, gives the findings kept;
3. otherwise loads the changed files alone, finds the units they can affect from the links
   before and after (`scope.affected_units`), and checks and computes those units only
   (`scoped.scoped_results`, the computation the reviewer's diff uses), keeping every
   other file's findings as they were: nothing they depend on changed.

A policy change, a file whose kind is unknown, a finding that belongs to no file, or a
different as-of date checks everything again. The result is the same as a full
validation; a test compares the two over many kinds of edit. `CADRE_NO_CACHE=1` turns the
state off with the rest of the cache.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import marshal
from dataclasses import dataclass
from pathlib import Path

from .cache import code_version
from .findings import Finding, sort_findings
from .memory import give_back
from .model import pack
from .outputs import write_atomic
from .pipeline import Source, ValidationFailed, check, compute_checked, load
from .repository import file_digest, read_file, stat_tree
from .scope import Links, affected_units, links_of, select
from .scoped import Side, patched_links, scoped_results


class LinksLost(Exception):
    """The links kept with a state are gone or damaged: the next run checks everything."""


@dataclass
class State:
    """The last validation: files (rel -> size, time, inode, digest), findings and the as-of
    day; the links of every file are read only when something changed."""

    files: dict[str, tuple]
    findings: list[dict]
    day: str | None
    _links: Links | None = None
    path: Path | None = None

    @property
    def links(self) -> Links:
        if self._links is None:
            try:
                plain = marshal.loads(self.path.with_suffix(".links").read_bytes())
                self._links = Links.from_plain(plain)
            except (OSError, EOFError, ValueError, TypeError, KeyError) as e:
                raise LinksLost from e
        return self._links


def state_file(cache_dir: Path, prefix: str, as_of: dt.date | None) -> Path:
    """One state per code version, records folder (as shown) and as-of date asked for."""
    key = f"{code_version()}|{prefix}|{as_of.isoformat() if as_of else 'default'}"
    name = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    return cache_dir / "validate" / f"{name}.state"


def _load_state(path: Path) -> State | None:
    try:
        plain = marshal.loads(path.read_bytes())
        return State(plain["files"], plain["findings"], plain["day"], path=path)
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return None  # a damaged state is simply made again


def _store_state(path: Path, state: State, links_changed: bool = True) -> None:
    """The links first, the rest last: a state file present means its links are whole."""
    plain = {"files": state.files, "findings": state.findings, "day": state.day}
    with contextlib.suppress(OSError):  # a state that cannot be kept only makes the next run slower
        if links_changed:
            write_atomic(path.with_suffix(".links"), marshal.dumps(state.links.to_plain()))
        write_atomic(path, marshal.dumps(plain))


def state_of(
    stats: dict,
    digests: dict[str, bytes],
    rec,
    load_findings: list[Finding],
    findings: list[Finding],
    day: dt.date | None,
) -> State:
    """The state of a whole load and check, done here or by the site build (`kept`), from
    every file's `file_digest`: the files' bytes can be let go before checking.

    A file that came while the files were read has no stats: the next run reads it again."""
    links = links_of(rec, digests, {f.path for f in load_findings})
    unknown = (-1, -1, -1)
    kept = {rel: (*stats.get(rel, unknown), digests[rel]) for rel in digests}
    findings = [f.__dict__ for f in sort_findings(findings)]
    return State(kept, findings, day.isoformat() if day else None, links)


def _full(source: Source, stats: dict, as_of: dt.date | None) -> State:
    """Check everything, and keep what a later run needs to check only a change."""
    files = {rel: read_file(str(source.records_dir / rel)) for rel in stats}
    rec, load_findings = load(files, source.prefix, source.cache)
    if source.cache is not None:
        source.cache.save()
    displayed = [f"{source.prefix}/{rel}" for rel in files]
    digests = {rel: file_digest(raw) for rel, raw in files.items()}
    del files  # the documents keep the bytes packed, to place findings
    pack(rec)
    give_back()
    checked = check(rec, load_findings, displayed, as_of)
    try:
        _, findings = compute_checked(checked, {}, whole=False)
    except ValidationFailed as e:
        findings = e.findings
    return state_of(stats, digests, rec, load_findings, findings, checked.as_of)


def _changes(source: Source, state: State, stats: dict) -> tuple[dict, dict[str, bytes | None]]:
    """The files whose bytes changed since the last run (None when gone), and the new stats."""
    files, changed = {}, {}
    for rel, st in stats.items():
        before = state.files.get(rel)
        if before is not None and before[:3] == st:
            files[rel] = before
            continue
        raw = read_file(str(source.records_dir / rel))
        files[rel] = (*st, file_digest(raw))
        if before is None or before[3] != files[rel][3]:
            changed[rel] = raw
    for rel in state.files.keys() - stats.keys():
        changed[rel] = None
    return files, changed


def _scoped(source: Source, state: State, files: dict, changed: dict, as_of) -> State | None:
    """Check only the units a change can move; None when it can move everything."""
    present = {rel: raw for rel, raw in changed.items() if rel in files}
    paths = set(changed)
    links = patched_links(state.links, present, paths, source.prefix)
    units = affected_units(paths, [state.links, links])
    day = as_of or (dt.date.fromisoformat(links.latest_event()) if links.latest_event() else None)
    if units is None or (day.isoformat() if day else None) != state.day:
        return None
    core, context = select(links, units)
    want = core | context | links.failed
    raw = {
        rel: present[rel] if rel in present else read_file(str(source.records_dir / rel))
        for rel in want
    }
    big = len(raw) >= 2000  # the document cache pays for itself only on many files
    records, load_findings = load(raw, source.prefix, source.cache if big else None)
    if big and source.cache is not None:
        source.cache.save()
    side = Side(records, load_findings, links, {}, (core, context), source.prefix)
    _, fresh = scoped_results(side, units, day, {}, whole=False)
    cut = len(source.prefix) + 1
    redone = core | links.failed | state.links.failed | paths
    if any(f["path"][cut:] not in files and f["path"][cut:] not in paths for f in fresh):
        return None  # a finding that belongs to no file: only a whole check places it
    kept = [f for f in state.findings if f["path"][cut:] not in redone]
    if any(f["path"][cut:] not in state.files for f in kept):
        return None
    merged = sort_findings([Finding(**f) for f in kept + fresh])
    return State(files, [f.__dict__ for f in merged], state.day, links)


def validated(source: Source, as_of: dt.date | None = None) -> list[Finding]:
    """Every finding of the records, as a full validation gives them, at the cost of the change."""
    if source.cache_dir is None:
        return [Finding(**f) for f in _full(source, stat_tree(source.records_dir), as_of).findings]
    return [Finding(**f) for f in current(source, as_of, whole=True).findings]


def current(source: Source, as_of: dt.date | None = None, whole: bool = False) -> State | None:
    """The last validation's state brought up to date with the records on disk, and kept.

    Without `whole`, a state that only a check of everything could bring up to date (none
    kept yet, a policy change) gives None instead: the site build then loads everything
    once for its own work, and keeps the state from that (`keep`).
    """
    path = state_file(source.cache_dir, source.prefix, as_of)
    stats = stat_tree(source.records_dir)
    state = _load_state(path)
    links_changed = True
    if state is None:
        if not whole:
            return None
        state = _full(source, stats, as_of)
    else:
        files, changed = _changes(source, state, stats)
        if changed:
            try:
                scoped = _scoped(source, state, files, changed, as_of)
            except LinksLost:
                scoped = None
            if scoped is None and not whole:
                return None
            state = scoped or _full(source, stats, as_of)
        elif files == state.files:
            return state
        else:
            state.files, links_changed = files, False  # touched, not changed: keep the new times
    _store_state(path, state, links_changed)
    return state


def keep(source: Source, as_of: dt.date | None, state: State) -> None:
    """Keep a state made by a whole load elsewhere (`state_of`), for the next validation."""
    if source.cache_dir is not None:
        _store_state(state_file(source.cache_dir, source.prefix, as_of), state)
