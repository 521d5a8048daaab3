"""The history of one record: who changed it, when, why, and which fields moved.

Only field paths are shown, never values: the same data feeds the site's provenance,
and a changed birth date must not appear there.
"""

from __future__ import annotations

from pathlib import Path

from . import gitstore
from .loader import LoadError, load_bytes

RECORD_GLOBS = (
    "people/{id}.yaml",
    "units/{id}.yaml",
    "selections/{id}.yaml",
    "cases/{id}.yaml",
    "policy/{id}.yaml",
    "incidents/*/{id}.yaml",
    "appraisals/*/{id}.yaml",
    "points/*/*/{id}.yaml",
)


def changed_fields(old, new, path: str = "") -> list[str]:
    """Paths of the fields that differ between two versions of a record's data."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in new:
                out.append(f"-{sub}")
            elif key not in old:
                out.append(f"+{sub}")
            else:
                out += changed_fields(old[key], new[key], sub)
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            out += changed_fields(a, b, f"{path}[{i}]")
        return out
    return [] if old == new else [path or "(whole record)"]


def _data(raw: bytes | None, path: str):
    if raw is None:
        return None
    try:
        return load_bytes(path, raw).data
    except LoadError:
        return {"(unreadable)": True}


def record_paths(records_dir: Path, record_id: str) -> list[Path]:
    """The files a record id names (a unit id also names its appraisal and points files)."""
    direct = records_dir / record_id
    if direct.suffix == ".yaml" and direct.exists():
        return [direct]
    found: list[Path] = []
    for pattern in RECORD_GLOBS:
        found += sorted(records_dir.glob(pattern.format(id=record_id)))
    return found


def record_log(root: Path, relpath: str) -> list[dict]:
    """Commits that changed the file at `relpath` (relative to the git root), newest first, with changed fields."""
    entries = gitstore.history(root, relpath)
    for entry in entries:
        new = _data(gitstore.blob_at(root, entry["commit"], entry["path"]), relpath)
        parent = gitstore.blob_at(root, entry["commit"] + "^", entry["path"])
        if parent is None and len(entries) > 1:
            # renamed in this commit: compare with the previous name
            idx = entries.index(entry)
            if idx + 1 < len(entries):
                parent = gitstore.blob_at(root, entry["commit"] + "^", entries[idx + 1]["path"])
        old = _data(parent, relpath)
        if old is None:
            entry["change"] = "created"
            entry["fields"] = []
        elif new is None:
            entry["change"] = "deleted"
            entry["fields"] = []
        else:
            entry["change"] = "modified"
            entry["fields"] = changed_fields(old, new)
    return entries
