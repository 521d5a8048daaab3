"""The public view kept between builds, and brought up to date by computing the change alone.

A province's site has thousands of postings, and computing and projecting all of them is
most of a build's time. Each public build keeps, under the records' cache
(`.cache/cadre/view/`), the view it published with the digest of every record file and
their links (`scope.Links`). The next build:

1. brings the last validation up to date at the cost of the change (`incremental.current`),
   which gives the findings and the digests and links of the records as they are now;
2. with no record changed, takes the kept view (the revision, the commits of each posting
   and the site-wide version are read afresh: a commit may have changed only code);
3. otherwise finds the units whose outcomes the change can move (`scope.affected_units`,
   which counts every unit their people have been in), loads them with every unit their
   own people have been in (`scope.grow`: what a unit's outcomes read), computes and
   projects them, and puts their postings, units and unit-years in place of the kept ones.
   A page shows a person only under a unit they have been in (the checks refuse anything
   else), so a changed name or post is shown only in those units' postings.

A policy change, a file of unknown kind, a different as-of date, a kept posting outside
those units whose records changed, or no kept view at all computes everything, as
`CADRE_NO_CACHE=1` always does. The result is the view a whole computation gives: a test
compares the two over many kinds of edit (tests/test_view_cache.py). Only the public view
is kept: the department's internal view is computed whole (it lists every person).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import incremental
from ..cache import code_version, dump_sections, load_sections
from ..compute import compute
from ..findings import Finding, has_errors
from ..memory import give_back
from ..model import Records, as_of_view, pack
from ..outputs import open_atomic
from ..pipeline import Source, ValidationFailed, check, compute_checked, load
from ..repository import digest_of, file_digest, read_file, stat_tree
from ..rules.postings import KIND_ORDER
from ..scope import Links, affected_units, grow, restrict, select
from .project import assemble, commits_of, project

# What an audience's build asks for: source, as-of, history (see `gitstore.records_history`)
# -> the view it renders, and the records' findings. Raises ValidationFailed on errors.
ViewOf = Callable[[Source, "dt.date | None", "dict | None"], tuple[dict, list[Finding]]]


@dataclass
class Kept:
    """What the last public build published, and the records it was made from."""

    files: dict[str, bytes]  # path under records/ -> `repository.file_digest`
    links: Links
    day: str | None
    view: dict


def kept_file(cache_dir: Path, prefix: str, as_of: dt.date | None) -> Path:
    """One kept view per code version, records folder (as shown) and as-of date asked for."""
    key = f"{code_version()}|{prefix}|{as_of.isoformat() if as_of else 'default'}"
    return cache_dir / "view" / hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def _load_kept(path: Path) -> Kept | None:
    try:
        with open(path, "rb") as fh:
            plain = load_sections(fh)
        return Kept(plain["files"], Links.from_plain(plain["links"]), plain["day"], plain["view"])
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return None  # a damaged kept view only makes this build compute everything


def _store_kept(path: Path, kept: Kept) -> None:
    plain = {
        "files": kept.files,
        "links": kept.links.to_plain(),
        "day": kept.day,
        "view": kept.view,
    }
    with contextlib.suppress(OSError):  # a view that cannot be kept only slows the next build
        if path.parent.exists():  # one kept view per records folder and as-of date asked for
            for old in path.parent.iterdir():
                if old.name != path.name:
                    old.unlink(missing_ok=True)
        with open_atomic(path, binary=True) as fh:
            dump_sections(plain, fh, depth=3)


@dataclass
class Whole:
    """Every record loaded and checked, as of the day (see `checked_whole`)."""

    records: Records
    day: dt.date
    findings: list[Finding]
    state: incremental.State  # the validation's state, kept for the next run
    facts: dict  # the records' digest and commit: the view's `source`
    results: dict | None  # every result, when asked for


def checked_whole(source: Source, as_of: dt.date | None, results: bool = True) -> Whole:
    """Load, check and (with `results`) compute every record; keep the validation's state.

    Without `results` only what the checks read is computed. Raises ValidationFailed when
    the records have errors (nothing is computed from them).
    """
    stats = stat_tree(source.records_dir)  # before reading: a file edited meanwhile is read again
    files = source.files
    rec, load_findings = load(files, source.prefix, source.cache)
    if source.cache is not None:
        source.cache.save()
    digests = {rel: file_digest(raw) for rel, raw in files.items()}
    displayed = [f"{source.prefix}/{rel}" for rel in files]
    # The files' bytes serve only to place findings: a province's are 150 MB, kept
    # compressed while checking and computing, then let go.
    del files
    source.forget()
    pack(rec)
    give_back()
    checked = check(rec, load_findings, displayed, as_of)
    try:
        computed, findings = compute_checked(checked, {}, results)
    except ValidationFailed as e:
        computed, findings = None, e.findings
    state = incremental.state_of(stats, digests, rec, load_findings, findings, checked.as_of)
    incremental.keep(source, as_of, state)
    if computed is None or has_errors(findings):
        raise ValidationFailed(findings)
    facts = {"digest": digest_of(digests), **source.commit}
    for doc in checked.records.all_documents():
        doc.forget_bytes()
    if results:
        computed["source"] = facts
    return Whole(
        checked.records, checked.as_of, findings, state, facts, computed if results else None
    )


def computed_whole(view: Callable[[Records, dict, dict | None], dict]) -> ViewOf:
    """An audience's view made from every record, loaded, checked and computed at once
    (the internal view's, which lists every person): records, results, history -> view."""

    def view_of(source: Source, as_of: dt.date | None, history: dict | None):
        done = checked_whole(source, as_of)
        return view(done.records, done.results, history), done.findings

    return view_of


PART = 100  # units computed at a time by `by_parts`


def by_parts(done: Whole, history: dict | None, part: int = PART) -> dict:
    """The view of every record, computed and projected a few units at a time.

    A province's results are gigabytes beside its records; a part's are a few megabytes.
    Each part is computed as the build after a change computes the units it moves (`follow`):
    with every unit of each of its people loaded, so its postings are those of a whole
    computation (a test compares the two).
    """
    links = done.state.links
    units = sorted(set(done.records.units) | {u for f in links.facts.values() for u in f[1]})
    view = assemble(done.day.isoformat(), done.facts, history, [], [], [])
    for i in range(0, len(units), part):
        scope = set(units[i : i + part])
        core, context = select(links, grow(scope, [links]))
        rec = restrict(done.records, core | context)
        view = splice(
            view,
            project(rec, compute(rec, done.day, done.facts), history),
            scope,
            done.facts,
            history,
        )
    return view


def _order(posting: dict) -> tuple:
    """The postings' order in the results (`rules.postings.compute_postings`)."""
    return (posting["start"], KIND_ORDER.index(posting["kind"]), posting["id"])


def splice(kept: dict, part: dict, scope: set[str], source: dict, history: dict | None) -> dict:
    """The kept view with the postings, units and unit-years of the units in `scope` taken
    from `part` (a view of those units computed afresh), and every posting's commits read
    again."""
    postings = [p for p in kept["postings"] if p["unit"] not in scope]
    postings += [p for p in part["postings"] if p["unit"] in scope]
    postings.sort(key=_order)
    postings = [p | {"commits": commits_of(p["sources"], history)} for p in postings]
    units = [u for u in kept["units"] if u["id"] not in scope]
    units += [u for u in part["units"] if u["id"] in scope]
    units.sort(key=lambda u: u["id"])
    unit_years = [u for u in kept["unit_years"] if u["unit"] not in scope]
    unit_years += [u for u in part["unit_years"] if u["unit"] in scope]
    unit_years.sort(key=lambda u: (u["unit"], u["year"]))
    return assemble(
        kept["as_of"],
        source,
        history,
        postings,
        [{k: u[k] for k in ("id", "name", "kind")} for u in units],
        unit_years,
    )


def follow(kept: Kept, state: incremental.State, source: Source, history: dict | None):
    """The view of the records as they are now, from the kept one and the change alone;
    None when the change can move everything (then everything is computed)."""
    now = {rel: entry[3] for rel, entry in state.files.items()}
    if state.day != kept.day or state.day is None:
        return None
    facts = {"digest": digest_of(now), **source.commit}
    changed = {rel for rel in now.keys() | kept.files.keys() if now.get(rel) != kept.files.get(rel)}
    if not changed:
        return splice(kept.view, kept.view, set(), facts, history)
    units = affected_units(changed, [kept.links, state.links])
    if units is None:
        return None
    moved = {f"records/{rel}" for rel in changed}
    if any(p["unit"] not in units and moved & set(p["sources"]) for p in kept.view["postings"]):
        return None  # a posting outside the scope rests on a changed file: compute everything
    # The postings of every unit the change moves are computed again, so each of their
    # people's other units is loaded too (`scope.grow`).
    core, context = select(state.links, grow(units, [state.links]))
    files = {rel: read_file(str(source.records_dir / rel)) for rel in core | context}
    big = len(files) >= 2000  # the document cache pays for itself only on many files
    rec, _ = load(files, source.prefix, source.cache if big else None)
    if big and source.cache is not None:
        source.cache.save()
    day = dt.date.fromisoformat(state.day)
    rec, _ = as_of_view(rec, day)
    part = project(rec, compute(rec, day, facts), history)
    return splice(kept.view, part, units, facts, history)


def followed_view(
    source: Source, as_of: dt.date | None, history: dict | None
) -> tuple[dict, list[Finding], bool]:
    """The public view and the records' findings; True when it followed a kept view.

    Raises ValidationFailed when the records have errors.
    """
    path = kept_file(source.cache_dir, source.prefix, as_of) if source.cache_dir else None
    kept = _load_kept(path) if path else None
    state = incremental.current(source, as_of) if kept is not None else None
    if state is not None:
        findings = [Finding(**f) for f in state.findings]
        if has_errors(findings):
            raise ValidationFailed(findings)
        view = follow(kept, state, source, history)
        if view is not None:
            if view["source"]["digest"] != kept.view["source"]["digest"]:
                _store_kept(path, _kept(state, view))
            return view, findings, True
    done = checked_whole(source, as_of, results=False)
    view = by_parts(done, history)
    kept, findings = _kept(done.state, view), done.findings
    del done  # the records: the view is all the build needs now
    give_back()
    if path is not None:
        _store_kept(path, kept)
    return view, findings, False


def _kept(state: incremental.State, view: dict) -> Kept:
    return Kept({rel: e[3] for rel, e in state.files.items()}, state.links, state.day, view)


def public_view(source: Source, as_of: dt.date | None, history: dict | None):
    """The public view and the records' findings (`followed_view`), as a build asks."""
    return followed_view(source, as_of, history)[:2]
