"""The one sequence every command runs: read, load, check, compute, check the results.

`validate`, `compute`, `build`, the Excel import and the reviewer's `diff` all go through
these functions, so the same records give the same findings and results whichever command
asks. The records folder, its cache and its commit are resolved once (`Source`) and passed
down; nothing below asks for them again.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import gitstore
from .cache import DocumentCache, load_stored, results_path, store
from .checks import check_records, check_results
from .compute import compute, compute_for_checks
from .errors import CadreError
from .findings import Finding, error, has_errors, report, sort_findings
from .memory import give_back
from .model import Records, as_of_view, default_as_of, load_records, pack
from .repository import digest, read_tree


@dataclass
class Source:
    """A records folder on disk, resolved once: its files, display prefix, cache and commit."""

    records_dir: Path
    cache: DocumentCache | None
    _files: dict[str, bytes | None] | None = field(default=None, repr=False)
    _commit: dict | None = field(default=None, repr=False)

    @property
    def prefix(self) -> str:
        return self.records_dir.as_posix().rstrip("/")

    @property
    def files(self) -> dict[str, bytes | None]:
        if self._files is None:
            self._files = read_tree(self.records_dir)
        return self._files

    def forget(self) -> None:
        """Drop the files' bytes and the cached documents held in memory (read again if asked)."""
        self._files = None
        if self.cache is not None:
            self.cache.forget()

    @property
    def commit(self) -> dict:
        """The commit the records sit in, asked of git once."""
        if self._commit is None:
            self._commit = gitstore.commit_of(self.records_dir)
        return self._commit

    @property
    def cache_dir(self) -> Path | None:
        return self.cache.path.parent if self.cache and self.cache.path else None


def open_source(records_dir: Path) -> Source:
    """The records folder with its cache beside it (`.cache/cadre/`), unless CADRE_NO_CACHE is set."""
    cache = None
    if not os.environ.get("CADRE_NO_CACHE"):
        cache_file = records_dir.resolve().parent / ".cache" / "cadre" / "documents.marshal"
        cache = DocumentCache(cache_file)
    return Source(records_dir, cache)


@dataclass
class Checked:
    records: Records
    findings: list[Finding]
    as_of: dt.date | None


class ValidationFailed(CadreError):
    """The records have errors, so nothing is computed or published."""

    exit_code = 1

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(findings)} finding(s)")
        self.findings = findings

    def lines(self) -> list[str]:
        return [report(self.findings, "text")]


def load(
    files: dict[str, bytes | None],
    prefix: str = "records",
    cache: DocumentCache | None = None,
    memo: dict | None = None,
) -> tuple[Records, list[Finding]]:
    """Load stage: every file to a document, shape-checked (tier one). The caller saves the
    cache once it has loaded everything it needs."""
    return load_records(files, prefix, cache, memo)


def check(
    rec: Records,
    load_findings: list[Finding],
    displayed: list[str],
    as_of: dt.date | None = None,
    memo: dict | None = None,
) -> Checked:
    """Check stage (tier two) on loaded records, as of `as_of` or their latest event.

    The records checked (and computed) are those of the as-of view: every event dated after
    the day is left out, with a warning (`model.as_of_view`).
    """
    day = as_of or default_as_of(rec)
    later: list[Finding] = []
    if day is not None:
        rec, later = as_of_view(rec, day)
    findings = load_findings + later + check_records(rec, displayed, day, memo)
    return Checked(rec, sort_findings(findings), day)


def check_files(
    files: dict[str, bytes | None],
    as_of: dt.date | None = None,
    prefix: str = "records",
    cache: DocumentCache | None = None,
    memo: dict | None = None,
) -> Checked:
    """Load and check a set of record files (from disk or from a git revision).

    `memo` lets two revisions checked one after the other share per-entry work.
    """
    rec, findings = load(files, prefix, cache, memo)
    if cache is not None:
        cache.save()
    displayed = [f"{prefix}/{rel}" if prefix else rel for rel in files]
    return check(rec, findings, displayed, as_of, memo)


def check_dir(source: Source | Path, as_of: dt.date | None = None) -> Checked:
    """Load and check the records of a folder (a `Source`, or its path)."""
    if not isinstance(source, Source):
        source = open_source(source)
    return check_files(source.files, as_of, source.prefix, source.cache)


def compute_checked(
    checked: Checked, source: dict, whole: bool = True
) -> tuple[dict, list[Finding]]:
    """Compute from checked records, then check the results; raise ValidationFailed rather
    than compute from records with errors. Without `whole`, only what the checks read is
    computed (`compute.compute_for_checks`): the findings are the same, the results partial."""
    if has_errors(checked.findings):
        raise ValidationFailed(checked.findings)
    if checked.as_of is None:
        where = checked.records.prefix or "records"
        message = "记录中没有任何事件日期，请用 --as-of 指定基准日 (no event dates; pass --as-of)"
        raise ValidationFailed([error(where, 1, 1, "as_of", message)])
    if whole:
        results = compute(checked.records, checked.as_of, source)
    else:
        results = compute_for_checks(checked.records, checked.as_of)
    after = check_results(checked.records, results, checked.as_of)
    findings = sort_findings(checked.findings + after)
    results["findings"] = [f.__dict__ for f in findings]
    return results, findings


def _checked_results(source: Source, as_of: dt.date | None) -> tuple[dict | None, list[Finding]]:
    """Check, then compute unless there are errors. The records are let go on return,
    before the results are stored and written: at a province's scale each is most of a
    gigabyte."""
    checked = check_dir(source, as_of)
    source.forget()  # the documents hold what they need of the files' bytes
    pack(checked.records)
    give_back()
    if has_errors(checked.findings):
        return None, checked.findings
    try:
        return compute_checked(checked, {})
    except ValidationFailed as e:
        return None, e.findings


def check_and_compute(
    source: Source, as_of: dt.date | None = None
) -> tuple[dict | None, list[Finding]]:
    """Findings and results of a records folder (`cadre compute`), reusing an earlier run on
    the same bytes.

    The key is the digest of every record file, the as-of date asked for and the code's own
    version, so a hit is exactly what running again would give. The results' `source` (the
    commit) is read afresh, since the same records can sit in several commits.
    """
    records_digest = digest(source.files)
    cache_dir = source.cache_dir
    day = as_of and as_of.isoformat()
    stem = results_path(cache_dir, records_digest, day, source.prefix) if cache_dir else None
    stored = load_stored(stem, "findings") if stem else None
    results = load_stored(stem, "results") if stored is not None else None
    if stored is not None and results is not None:
        findings = [Finding(**f) for f in stored]
    else:
        results, findings = _checked_results(source, as_of)
        if stem:
            store(stem, [f.__dict__ for f in findings], results)
    if results is not None:
        results = {**results, "source": {"digest": records_digest, **source.commit}}
    return results, findings
