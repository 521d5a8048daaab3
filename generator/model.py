"""The loaded repository: every valid document, indexed by kind and id.

`load_records` runs the load stage and the schema tier for every file and keeps going
after a bad file, so that one run reports every problem. Documents that fail to load or
fail their schema are left out of the model; the cross-record rules in `check` then see
only well-formed data and never need to guard against a wrong type.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from .cache import DocumentCache
from .cache import key as cache_key
from .findings import Finding, error, warning
from .loader import Document, LoadError, load_bytes
from .privacy import sensitive_numbers
from .repository import classify, place_finding
from .schema import validate_document

# Each record kind and the field of `Records` that holds its documents.
KINDS = (
    ("policy", "policies"),
    ("unit", "units"),
    ("person", "people"),
    ("appraisal", "appraisals"),
    ("points", "points"),
    ("selection", "selections"),
    ("incident", "incidents"),
    ("case", "cases"),
)


@dataclass
class Records:
    """Documents by kind. Keys: policy by year; appraisals by (year, unit); points by (year, month, unit)."""

    prefix: str = "records"
    policies: dict[int, Document] = field(default_factory=dict)
    units: dict[str, Document] = field(default_factory=dict)
    people: dict[str, Document] = field(default_factory=dict)
    appraisals: dict[tuple[int, str], Document] = field(default_factory=dict)
    points: dict[tuple[int, int, str], Document] = field(default_factory=dict)
    selections: dict[str, Document] = field(default_factory=dict)
    incidents: dict[str, Document] = field(default_factory=dict)
    cases: dict[str, Document] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)  # files that did not load or failed the schema

    def all_documents(self) -> list[Document]:
        return [doc for _kind, group in KINDS for doc in getattr(self, group).values()]


def pack(*records: Records) -> None:
    """Compress every document's bytes (`Document.pack`), once for a file several share."""
    memo: dict[bytes, bytes] = {}
    for rec in records:
        for doc in rec.all_documents():
            doc.pack(memo)


def _file_matches_place(kind: str, place, doc: Document) -> list[Finding]:
    """The id, year and month inside a record agree with its path."""
    d, out = doc.data, []

    def check(key: str, expected) -> None:
        if key in d and d[key] != expected:
            line, col = doc.where((key,))
            out.append(
                error(
                    doc.path,
                    line,
                    col,
                    key,
                    f"与文件路径不一致，应为 {expected} (must match the file path)",
                    "文件名即编号；年度、月份与所在文件夹一致",
                )
            )

    if kind in ("unit", "person", "selection", "incident", "case"):
        check("id", place.id)
    if kind == "policy":
        check("year", place.year)
    if kind in ("appraisal", "points"):
        check("unit", place.id)
        check("year", place.year)
    if kind == "points":
        check("month", place.month)
    if (
        kind == "incident"
        and isinstance(d.get("date"), str)
        and not d["date"].startswith(f"{place.year}-")
    ):
        line, col = doc.where(("date",))
        out.append(
            error(
                doc.path,
                line,
                col,
                "date",
                f"发现日期不在文件夹年度 {place.year} 内 (date outside the folder's year)",
                "把文件移到对应年度的文件夹",
            )
        )
    return out


def load_one(kind: str, display: str, raw: bytes, place=None) -> tuple[dict | None, list[Finding]]:
    """Load and check one file on its own: its data when valid, and its findings."""
    try:
        doc = load_bytes(display, raw)
    except LoadError as e:
        return None, [e.finding]
    problems = validate_document(kind, doc) + sensitive_numbers(display, raw.decode("utf-8"))
    if not problems and place is not None:
        problems = _file_matches_place(kind, place, doc)
    return (None if problems else doc.data), problems


def _load_chunk(jobs: list[tuple]) -> list[tuple[dict | None, list[Finding]]]:
    """Load files one after another, collecting garbage by hand.

    Bulk loading makes many small objects, and the only cycles are each file's own YAML
    parser's: those are collected every few hundred files (the youngest generation only,
    which holds little else), rather than by the collector walking every new document.
    Left alone, a chunk of ten thousand small files held half a gigabyte of dead parsers.
    """
    gc.disable()
    try:
        out = []
        for n, job in enumerate(jobs, 1):
            out.append(load_one(*job))
            if n % 256 == 0:
                gc.collect(0)
        return out
    finally:
        gc.enable()


PARALLEL_MIN_FILES = 2000
# A worker holds one chunk's documents until it hands them over, and its memory never
# shrinks back: chunks of a few megabytes of YAML keep each worker small (a province's
# appraisal files alone are a hundred megabytes).
CHUNK_BYTES = 4_000_000


def _chunks(jobs: list[tuple], most: int) -> list[list[tuple]]:
    """The jobs in order, cut into chunks of at most `most` files and about CHUNK_BYTES."""
    chunks: list[list[tuple]] = [[]]
    size = 0
    for job in jobs:
        if chunks[-1] and (size + len(job[2]) > CHUNK_BYTES or len(chunks[-1]) >= most):
            chunks.append([])
            size = 0
        chunks[-1].append(job)
        size += len(job[2])
    return chunks


def _load_many(jobs: list[tuple]) -> list[tuple[dict | None, list[Finding]]]:
    """Load files, on every core when there are enough of them to pay for the processes."""
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_MIN_FILES or workers < 2:
        return _load_chunk(jobs)
    chunks = _chunks(jobs, -(-len(jobs) // (workers * 4)))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return [r for part in pool.map(_load_chunk, chunks) for r in part]


def load_records(
    files: dict[str, bytes | None],
    prefix: str = "records",
    cache: DocumentCache | None = None,
    memo: dict | None = None,
) -> tuple[Records, list[Finding]]:
    """Load and shape-check every file; return the model of the valid ones and all findings.

    `memo` (optional) remembers each file's place and cache key by its bytes object, so the
    second revision of a diff, whose unchanged files are the very same objects, skips both.
    """
    rec = Records(prefix=prefix)
    findings: list[Finding] = []
    places: dict[str, tuple] = {}
    jobs: list[tuple] = []
    keys: list[bytes] = []
    loaded: dict[str, dict] = {}
    for rel in sorted(files):
        display = f"{prefix}/{rel}" if prefix else rel
        raw = files[rel]
        if raw is None:  # what the readers refuse to read (`repository.read_tree`, `gitstore`)
            findings.append(
                error(
                    display,
                    1,
                    1,
                    "file",
                    "记录文件不能是符号链接或子模块 (not a regular file: a symbolic link, "
                    "a submodule or a nested repository)",
                    "用普通文件代替；记录只能保存在本仓库中",
                )
            )
            rec.failed.add(display)
            continue
        remembered = memo.get((rel, id(raw))) if memo is not None else None
        place = remembered[0] if remembered else classify(rel)
        if place is None:
            findings.append(place_finding(display))
            continue
        places[display] = (place, raw)
        # The path is part of the key: a document is valid only where it lives (its id is its name).
        if remembered:
            k = remembered[1]
        else:
            k = cache_key(place.kind + "\0" + rel, raw) if cache is not None else b""
            if memo is not None:
                memo[(rel, id(raw))] = (place, k)
        hit = cache.get(k) if cache is not None else None
        if hit is not None:
            loaded[display] = hit
        else:
            jobs.append((place.kind, display, raw, place))
            keys.append(k)
    for (_kind, display, _raw, _place), k, (data, problems) in zip(
        jobs, keys, _load_many(jobs), strict=True
    ):
        findings += problems
        if data is None:
            rec.failed.add(display)
            continue
        loaded[display] = data
        if cache is not None:
            cache.put(k, data)
    for display in sorted(loaded):
        place, raw = places[display]
        doc = Document(display, loaded[display], raw)
        if place.kind == "policy":
            rec.policies[place.year] = doc
        elif place.kind == "unit":
            rec.units[place.id] = doc
        elif place.kind == "person":
            rec.people[place.id] = doc
        elif place.kind == "appraisal":
            rec.appraisals[(place.year, place.id)] = doc
        elif place.kind == "points":
            rec.points[(place.year, place.month, place.id)] = doc
        elif place.kind == "selection":
            rec.selections[place.id] = doc
        elif place.kind == "incident":
            if place.id in rec.incidents:
                other = rec.incidents[place.id].path
                findings.append(
                    error(
                        display,
                        1,
                        1,
                        "id",
                        f"编号与 {other} 重复 (duplicate incident id)",
                        "问题线索编号在各年度间也不能重复",
                    )
                )
                rec.failed.add(display)
                continue
            rec.incidents[place.id] = doc
        elif place.kind == "case":
            rec.cases[place.id] = doc
    return rec, findings


def case_steps(case: dict) -> dict[tuple[str, str], str]:
    """Every dated step of a case (ISO text), keyed by its path in the record."""
    out = {}
    for step in ("verification", "proposal", "decision"):
        if step in case:
            out[(step, "date")] = case[step]["date"]
    for step in ("review", "appeal"):
        for key in ("filed", "decided"):
            if key in case.get(step, {}):
                out[(step, key)] = case[step][key]
    return out


def latest_event(kind: str, data: dict) -> str | None:
    """The latest event date one document speaks of (ISO text), or None.

    Events are the dates of appraisal and points postings, selections, incidents and case
    steps. Dates that describe plans (term ends, probation ends) are not events, so a
    record written ahead of time never moves the as-of date into the future.
    """
    if kind in ("appraisal", "points", "selection", "incident"):
        dates = [data["date"]]
    elif kind == "case":
        dates = list(case_steps(data).values())
    else:
        return None
    parsed = []
    for d in dates:
        try:
            parsed.append(dt.date.fromisoformat(d))
        except ValueError:
            continue
    return max(parsed).isoformat() if parsed else None


# The records that are events, each dated by its `date` (cases by their steps, below).
DATED = ("appraisals", "points", "selections", "incidents")
LATER_STEP = {
    "filed": ("filed", "decided", "result", "outcome"),
    "decided": ("decided", "result", "outcome"),
}


def _case_as_of(case: dict, day: str) -> tuple[dict | None, tuple | None]:
    """A case as it stood on `day` (ISO text): its steps dated after it left out, and the
    path of the first step left out; None for a case not yet begun."""
    later = sorted((v, k) for k, v in case_steps(case).items() if v > day)
    if not later:
        return case, None
    out = dict(case)
    for _, (step, key) in later:
        if step not in out:
            continue
        if key == "date":  # verification, proposal or decision not yet taken
            del out[step]
        else:  # a review or appeal not yet filed, or not yet decided
            kept = {k: v for k, v in out[step].items() if k not in LATER_STEP[key]}
            if kept:
                out[step] = kept
            else:
                del out[step]
    first = later[0][1]
    return (out if "verification" in out else None), first


def as_of_view(rec: Records, day: dt.date) -> tuple[Records, list[Finding]]:
    """The records as they stood on `day`: every event dated after it left out.

    Appraisal and points postings, selections and incidents dated later are left out
    whole; a case keeps only the steps dated by then (none: left out). Each file left out,
    or cut, gives one warning on the line of its first later date, never an error: looking
    at an earlier day is a view, not a mistake. People, units and policies describe the
    present and are kept as they are.
    """
    iso_day = day.isoformat()
    view = Records(prefix=rec.prefix, failed=rec.failed, policies=rec.policies, units=rec.units)
    view.people = rec.people
    warnings: list[Finding] = []

    def later(doc: Document, path: tuple, what: str) -> None:
        line, col = doc.where(path)
        message = (
            f"{what}晚于计算基准日 {iso_day}，本次不计入 (dated after the as-of date; left out)"
        )
        warnings.append(warning(doc.path, line, col, "as_of", message))

    for group in DATED:
        kept = {}
        for key, doc in getattr(rec, group).items():
            if doc.data["date"] <= iso_day:
                kept[key] = doc
            else:
                later(doc, ("date",), "记录日期")
        setattr(view, group, kept)
    for key, doc in rec.cases.items():
        case, first = _case_as_of(doc.data, iso_day)
        if first is not None:
            later(doc, first, "调整程序的步骤")
        if case is not None:
            view.cases[key] = (
                doc if first is None else Document(doc.path, case, doc.raw, _packed=doc._packed)
            )
    return view, warnings


def default_as_of(rec: Records) -> dt.date | None:
    """The latest event the records speak of (`latest_event`): the as-of date when none is given.

    The same commit therefore always computes the same results, whatever day it is built.
    A county that has recorded no event yet (fresh from `cadre init`) is seen on the first
    day of its latest policy's year.
    """
    latest = [
        day
        for kind, group in KINDS
        for doc in getattr(rec, group).values()
        if (day := latest_event(kind, doc.data))
    ]
    if not latest and rec.policies:
        return dt.date(max(rec.policies), 1, 1)
    return dt.date.fromisoformat(max(latest)) if latest else None
