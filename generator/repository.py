"""Where record files live: the layout of `records/` and reading it from disk.

A record's kind follows from its path (DESIGN section 4); a file anywhere else is a
finding, not something silently ignored, so that a misplaced file never drops out of the
postings unnoticed.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding, error

SLUG = r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?"
LAYOUT = [
    ("policy", re.compile(r"policy/(?P<id>[0-9]{4})\.yaml\Z")),
    ("unit", re.compile(rf"units/(?P<id>{SLUG})\.yaml\Z")),
    ("person", re.compile(rf"people/(?P<id>{SLUG})\.yaml\Z")),
    ("appraisal", re.compile(rf"appraisals/(?P<year>[0-9]{{4}})/(?P<id>{SLUG})\.yaml\Z")),
    (
        "points",
        re.compile(rf"points/(?P<year>[0-9]{{4}})/(?P<month>0[1-9]|1[0-2])/(?P<id>{SLUG})\.yaml\Z"),
    ),
    ("selection", re.compile(rf"selections/(?P<id>{SLUG})\.yaml\Z")),
    ("incident", re.compile(rf"incidents/(?P<year>[0-9]{{4}})/(?P<id>{SLUG})\.yaml\Z")),
    ("case", re.compile(rf"cases/(?P<id>{SLUG})\.yaml\Z")),
]
FOLDER_HINT = (
    "记录应放在 policy/<年度>.yaml、units/<编号>.yaml、people/<编号>.yaml、"
    "appraisals/<年度>/<单位>.yaml、points/<年度>/<两位月份>/<单位>.yaml、selections/<编号>.yaml、"
    "incidents/<年度>/<编号>.yaml 或 cases/<编号>.yaml；编号只用小写字母、数字和连字符"
)
IGNORED = {"README.md", ".gitkeep"}
READ_LIMIT = 2_000_000  # beyond the loader's own size limit, so an oversize file is still reported
# What a reader hands on for a file it will not read: longer than the loader's limit, so the
# loader reports the file as too large without anyone reading its real bytes.
TOO_LARGE = bytes(READ_LIMIT + 1)


@dataclass(frozen=True)
class Place:
    kind: str
    id: str
    year: int | None = None
    month: int | None = None


def classify(relpath: str) -> Place | None:
    """The kind and id a path under records/ stands for, or None if it fits no kind."""
    first = relpath.split("/", 1)[0]
    for kind, pattern in LAYOUT:
        if pattern.pattern[: len(first) + 1] != first + "/":
            continue  # each kind lives in its own top folder; skip the others' patterns
        m = pattern.match(relpath)
        if m:
            g = m.groupdict()
            year = int(g["year"]) if g.get("year") else (int(g["id"]) if kind == "policy" else None)
            month = int(g["month"]) if g.get("month") else None
            return Place(kind, g["id"], year, month)
    return None


def place_finding(display: str) -> Finding:
    return error(
        display,
        1,
        1,
        "file",
        "文件位置或文件名不符合记录目录结构 (file is not where any record kind lives)",
        FOLDER_HINT,
    )


def _foreign(name: str, full: str) -> bool:
    """A folder that is not a plain folder of this repository: `.git`, a link to a folder,
    or a submodule or any folder holding its own `.git` (its records would be another
    repository's, reviewed by nobody here). It is never entered; it stands as one entry."""
    return name == ".git" or os.path.islink(full) or os.path.lexists(os.path.join(full, ".git"))


def _walk(records_dir: Path):
    """(relative path, full path) of every entry read as a record file, in a stable order:
    the files, and the foreign folders (`_foreign`), which are refused as content."""
    base = os.fspath(records_dir)
    for root, dirs, names in os.walk(base):
        rel_root = os.path.relpath(root, base).replace(os.sep, "/")
        prefix = "" if rel_root == "." else rel_root + "/"
        for name in sorted(dirs):
            full = os.path.join(root, name)
            if _foreign(name, full):
                dirs.remove(name)
                yield prefix + name, full
        dirs.sort()
        for name in sorted(names):
            if name not in IGNORED:
                yield prefix + name, os.path.join(root, name)


def read_file(full: str) -> bytes | None:
    """One record file's bytes, or None for what is not a regular file of this repository,
    which the model reports by its path: a symbolic link (to a file or a folder: it could
    pull a private file from outside the repository into the postings), a foreign folder
    (`_foreign`), and sockets, pipes or devices. None of them is followed or read."""
    if os.path.basename(full) == ".git" or not stat.S_ISREG(os.lstat(full).st_mode):
        return None
    with open(full, "rb") as fh:
        # Never read a huge file whole (the loader refuses anything over its limit), and
        # never ask for a large buffer per small file: each would be a memory mapping of
        # its own, and a province's hundred thousand files exhaust the system's map count.
        size = os.fstat(fh.fileno()).st_size
        return fh.read(min(size, READ_LIMIT) + 1)


def read_tree(records_dir: Path) -> dict[str, bytes | None]:
    """Every file under records_dir, keyed by its path relative to records_dir; what is not
    a regular file of this repository maps to None (`read_file`)."""
    return {rel: read_file(full) for rel, full in _walk(records_dir)}


def stat_tree(records_dir: Path) -> dict[str, tuple[int, int, int]]:
    """(size, modification time, inode) of every entry `read_tree` would read, reading
    none: what a later run compares to tell which files may have changed (as git's index
    does)."""
    out = {}
    folders = [("", os.fspath(records_dir))]
    while folders:
        rel, path = folders.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False) and not _foreign(entry.name, entry.path):
                    folders.append((rel + entry.name + "/", entry.path))
                elif entry.name not in IGNORED:
                    st = entry.stat(follow_symlinks=False)
                    out[rel + entry.name] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return out


def file_digest(raw: bytes | None) -> bytes:
    """A short digest of one file's bytes; empty for what is not a regular file (`read_file`)."""
    return b"" if raw is None else hashlib.blake2b(raw, digest_size=16).digest()


def digest(files: dict[str, bytes | None]) -> str:
    """A digest of every file's path and bytes: two builds from the same records agree on it
    whether or not they ran inside git."""
    return digest_of({rel: file_digest(raw) for rel, raw in files.items()})


def digest_of(digests: dict[str, bytes]) -> str:
    """`digest` from each file's `file_digest`, as the last validation keeps them
    (`incremental`): a build after a small change need not read every file again."""
    h = hashlib.sha256()
    for rel in sorted(digests):
        name = rel.encode("utf-8", "surrogateescape")  # a name that is not UTF-8 is hashed as is
        h.update(name + b"\0" + bytes([len(digests[rel])]) + digests[rel])
    return "sha256:" + h.hexdigest()
