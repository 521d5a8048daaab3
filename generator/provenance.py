"""Where results come from: the commit and a digest of the record files.

The digest covers every file's path and bytes, so two builds from the same records agree
on it whether or not they ran inside git; the commit is added when git can tell it.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path


def digest(files: dict[str, bytes | None]) -> str:
    h = hashlib.sha256()
    for rel in sorted(files):
        data = files[rel] or b""
        h.update(rel.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return "sha256:" + h.hexdigest()


def git(args: list[str], cwd: Path) -> str | None:
    """Output of a git command, or None outside a repository or without git."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def commit_of(records_dir: Path) -> dict:
    """The HEAD commit and its date, and whether the records differ from it."""
    head = git(["rev-parse", "HEAD"], records_dir)
    if not head:
        return {"commit": None, "date": None, "dirty": None}
    date = git(["log", "-1", "--format=%cI", "HEAD"], records_dir)
    status = git(["status", "--porcelain", "--", "."], records_dir)
    return {"commit": head, "date": date, "dirty": bool(status)}
