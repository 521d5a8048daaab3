"""The pipeline's edges: read records from disk, run load and check, pick the as-of date.

Kept apart from the CLI so that tests, the diff command and the site builder all run the
very same sequence.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from .cache import DocumentCache
from .check import check_all
from .findings import Finding, error, has_errors, sort_findings
from .model import Records, default_as_of, load_records
from .repository import read_tree


@dataclass
class Checked:
    records: Records
    findings: list[Finding]
    as_of: dt.date | None


def default_cache(records_dir: Path) -> DocumentCache | None:
    """The cache beside the records folder, unless CADRE_NO_CACHE is set."""
    if os.environ.get("CADRE_NO_CACHE"):
        return None
    return DocumentCache(records_dir.resolve().parent / ".cache" / "cadre" / "documents.marshal")


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
    rec, findings = load_records(files, prefix, cache)
    if cache is not None:
        cache.save()
    displayed = [f"{prefix}/{rel}" if prefix else rel for rel in files]
    findings = findings + check_all(rec, displayed, memo)
    return Checked(rec, sort_findings(findings), as_of or default_as_of(rec))


def check_dir(records_dir: Path, as_of: dt.date | None = None) -> Checked:
    return check_files(
        read_tree(records_dir),
        as_of,
        records_dir.as_posix().rstrip("/"),
        default_cache(records_dir),
    )


class ValidationFailed(Exception):
    """The records have errors, so nothing is computed or published."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(findings)} finding(s)")
        self.findings = findings


def compute_checked(checked: Checked, source: dict) -> tuple[dict, list[Finding]]:
    """Compute from checked records; raise ValidationFailed rather than compute from bad ones."""
    from .compute import compute

    if has_errors(checked.findings):
        raise ValidationFailed(checked.findings)
    if checked.as_of is None:
        where = checked.records.prefix or "records"
        raise ValidationFailed(
            [
                error(
                    where,
                    1,
                    1,
                    "as_of",
                    "记录中没有任何事件日期，请用 --as-of 指定基准日 (no event dates; pass --as-of)",
                )
            ]
        )
    results, findings = compute(checked.records, checked.as_of, source)
    findings = sort_findings(checked.findings + findings)
    results["findings"] = [f.__dict__ for f in findings]
    return results, findings


def check_and_compute(
    records_dir: Path,
    as_of: dt.date | None = None,
    need_results: bool = True,
    need_records: bool = False,
) -> tuple[dict | None, list[Finding], Records | None]:
    """Validation and results of the working tree's records, reusing an earlier run on the same bytes.

    The key is the digest of every record file, the as-of date asked for and the code's own
    version, so a hit is exactly what running again would give. The results' `source` (the
    commit) is read afresh, since the same records can sit in several commits. Without
    `need_results` (validation) only the stored findings are read; with `need_records` (the
    site) the loaded records come back too, loaded through the document cache on a hit.
    """
    from .cache import load_stored, results_path, store
    from .provenance import commit_of, digest

    files = read_tree(records_dir)
    records_digest = digest(files)
    prefix = records_dir.as_posix().rstrip("/")
    cache = default_cache(records_dir)
    stem = (
        results_path(cache.path.parent, records_digest, as_of and as_of.isoformat())
        if cache
        else None
    )
    stored = load_stored(stem, "findings") if stem else None
    results = load_stored(stem, "results") if stored is not None and need_results else None
    records = None
    if stored is not None and (results is not None or not need_results):
        findings = [Finding(**f) for f in stored]
        if need_records:
            records, _ = load_records(files, prefix, cache)
            if cache is not None:
                cache.save()
    else:
        checked = check_files(files, as_of, prefix, cache)
        records, results, findings = checked.records, None, checked.findings
        if not has_errors(findings):
            try:
                results, findings = compute_checked(checked, {})
            except ValidationFailed as e:
                findings = e.findings
        if stem:
            store(stem, [f.__dict__ for f in findings], results)
    if results is not None:
        results = {**results, "source": {"digest": records_digest, **commit_of(records_dir)}}
    return results, findings, records
