"""The reviewer's diff between two git revisions: read, check, compute only what can move, compare.

Both revisions are read from git's object store (the working tree is never touched). Then
both are checked and computed only for the units the change can affect (see `scope`):
outside them both revisions hold the same records, so their findings and outcomes are the
same and cancel out. Both sides use one as-of date: the given one, or the latest event in
HEAD's records.

A first diff loads both revisions whole (through the document cache) and keeps each
revision's `Links`, keyed by the git tree of its records folder. A later diff from or to a
known tree needs no whole load: `git diff-tree` names the changed files, the links of the
other side follow from the known ones and those files, and only the files in scope are
read and loaded. Its cost grows with the change and its units, not with the repository.

A change to policy files alone can move every unit; both revisions are then loaded whole,
but only the checks and steps that read a changed parameter are computed for each
(`policy_change`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import gitstore
from .cache import DocumentCache, load_links, store_links
from .diff import OutcomeDiff, outcome_diff, outcomes
from .memory import give_back
from .model import pack
from .pipeline import load
from .policy_change import both_sides, changed_sections
from .repository import classify
from .scope import Links, affected_units, links_of, select
from .scoped import Side, patched_links, scoped_results

PREFIX = "records"


def _source(root: Path, commit: str, tree: str | None) -> dict:
    info = gitstore.commit_info(root, commit)
    return {"digest": tree or "", "commit": info["commit"], "date": info["date"], "dirty": False}


def _read_whole(
    root: Path,
    commit: str,
    tree: str | None,
    cache,
    shared: dict,
    links: Links | None = None,
    other: tuple[Links, set[str]] | None = None,
) -> Side:
    """One revision loaded whole, sharing blob contents with the other side through `shared`.

    Its links are `links` when kept for its tree, else made from the `other` side's and
    the paths that differ (`patched_links`), else from every file: at a province's scale
    that last is seconds of walking every record."""
    files = gitstore.files_at(root, commit, blobs=shared.setdefault("blobs", {}))
    records, findings = load(files, PREFIX, cache, shared.setdefault("places", {}))
    if links is None and other is not None:
        known, changed = other
        links = patched_links(known, {rel: files[rel] for rel in changed if rel in files}, changed)
    if links is None:
        links = links_of(records, files, {f.path for f in findings})
    return Side(records, findings, links, _source(root, commit, tree))


def _read_scoped(
    root: Path,
    commit: str,
    links: Links,
    units: set[str],
    changed: dict,
    unchanged: dict,
    cache,
    memo: dict,
) -> Side | None:
    """One revision, only the files in scope; None if the links do not fit the tree.

    `changed` holds this side's version of every changed file; `unchanged` the files read so
    far that both sides share, filled here for the other side.
    """
    core, context = select(links, units)
    want = core | context | links.failed
    files = {
        rel: changed[rel] if rel in changed else unchanged[rel]
        for rel in want
        if rel in changed or rel in unchanged
    }
    missing = sorted(want - files.keys())
    if missing:
        listed = gitstore.list_records(
            root, commit, PREFIX, missing if len(missing) < 5000 else None
        )
        blobs = {b.path: b for b in listed if b.path in want}
        if len(blobs) != len(missing):
            return None
        raw = gitstore.read_blobs(
            root, [b.oid for b in blobs.values() if not gitstore.refused(b.mode)]
        )
        for rel, b in blobs.items():
            files[rel] = unchanged[rel] = None if gitstore.refused(b.mode) else raw[b.oid]
    big = len(files) >= 2000  # the document cache pays for itself only on many files
    records, findings = load(files, PREFIX, cache if big else None, memo)
    return Side(records, findings, links, {}, (core, context))


def _known_links(
    root: Path, base: str, head: str, trees: dict, changes: list, cache
) -> tuple[dict[str, Links], dict[str, dict]] | None:
    """Both sides' links, when either revision's are kept: the other's follow from the
    change (`patched_links`). With them, each side's version of every changed file."""
    cache_dir = cache.path.parent
    stored = {}
    for commit in (head, base):  # one side's links are enough
        plain = load_links(cache_dir, trees[commit]) if trees[commit] else None
        if plain is not None:
            stored[commit] = plain
            break
    if not stored:
        return None
    old_raw = gitstore.read_blobs(root, [c.old for c in changes if c.old and not c.old_link])
    new_raw = gitstore.read_blobs(root, [c.new for c in changes if c.new and not c.new_link])
    mine = {
        base: {c.path: None if c.old_link else old_raw[c.old] for c in changes if c.old},
        head: {c.path: None if c.new_link else new_raw[c.new] for c in changes if c.new},
    }
    paths = {c.path for c in changes}
    links = {c: Links.from_plain(plain) for c, plain in stored.items()}
    for commit, other in ((base, head), (head, base)):
        if commit not in links:
            links[commit] = patched_links(links[other], mine[commit], paths)
    return links, mine


def _fast(
    root: Path,
    base: str,
    head: str,
    trees: dict,
    changes: list,
    cache,
    links: dict[str, Links],
    mine: dict[str, dict],
) -> tuple[Side, Side, set[str]] | None:
    """Both sides loaded only in scope (from their `_known_links`); None when the change's
    scope is everything."""
    paths = {c.path for c in changes}
    units = affected_units(paths, [links[base], links[head]])
    if units is None:
        return None
    unchanged: dict[str, bytes] = {}
    memo: dict = {}
    sides = []
    for commit in (base, head):
        changed = {rel: mine[commit].get(rel) for rel in paths}
        side = _read_scoped(root, commit, links[commit], units, changed, unchanged, cache, memo)
        if side is None:
            return None
        side.source = _source(root, commit, trees[commit])
        sides.append(side)
    return sides[0], sides[1], units


def _policy_only(changes: list) -> bool:
    """Whether the change is to policy files alone (see `policy_change`)."""
    places = [classify(c.path) for c in changes]
    return bool(places) and all(p is not None and p.kind == "policy" for p in places)


def revision_diff(
    root: Path,
    base: str,
    head: str,
    as_of: dt.date | None,
    cache: DocumentCache | None,
    scoped: bool = True,
) -> tuple[OutcomeDiff, Side, Side]:
    """The outcome diff of two revisions; one document cache serves both sides."""
    base_c, head_c = gitstore.resolve(root, base), gitstore.resolve(root, head)
    trees = {c: gitstore.tree_id(root, c) for c in (base_c, head_c)}
    changes = gitstore.changes(root, base_c, head_c) if scoped else []
    known = _known_links(root, base_c, head_c, trees, changes, cache) if scoped and cache else None
    fast = _fast(root, base_c, head_c, trees, changes, cache, *known) if known else None
    if fast is not None:
        base_side, head_side, units = fast
    else:
        stored = known[0] if known else {}
        shared: dict = {}
        head_side = _read_whole(root, head_c, trees[head_c], cache, shared, stored.get(head_c))
        paths = {change.path for change in changes}
        other = (head_side.links, paths) if scoped else None
        base_side = _read_whole(
            root, base_c, trees[base_c], cache, shared, stored.get(base_c), other
        )
        del shared  # the blobs' bytes: the documents keep them packed, for findings' lines
        pack(base_side.records, head_side.records)
        give_back()
        if cache is not None:
            cache.save()
            for side in (base_side, head_side) if not stored else ():  # else one is kept
                if side.source["digest"]:
                    store_links(cache.path.parent, side.source["digest"], side.links.to_plain())
        units = (
            affected_units({c.path for c in changes}, [base_side.links, head_side.links])
            if scoped
            else None
        )
    latest = head_side.links.latest_event() or base_side.links.latest_event()
    day = as_of or (dt.date.fromisoformat(latest) if latest else None)
    memo: dict = {}
    if units is None and day is not None and scoped and _policy_only(changes):
        changed = changed_sections(base_side.records, head_side.records)
        (base_out, base_findings), (head_out, head_findings) = both_sides(
            base_side, head_side, day, changed, memo
        )
    else:
        head_results, head_findings = scoped_results(head_side, units, day, memo)
        head_out = outcomes(head_results)
        del head_results
        base_results, base_findings = scoped_results(base_side, units, day, memo)
        base_out = outcomes(base_results)
        del base_results
    d = outcome_diff(base_out, head_out, base_findings, head_findings)
    d.head_errors = [f for f in head_findings if f["severity"] == "error"]
    if d.head_errors:
        d.changes = []  # nothing is computed from records with errors: show the errors, not a diff against nothing
    return d, base_side, head_side


def names(*sides: Side) -> dict[str, str]:
    out: dict[str, str] = {}
    for side in sides:
        out.update({pid: doc.data["name"] for pid, doc in side.records.people.items()})
    return out
