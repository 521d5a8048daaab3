"""Git, in one place: records at any revision, and where the working tree's records come from.

Reading with `git ls-tree` and one `git cat-file --batch` process never touches the
working tree, so a reviewer's diff can run in a dirty checkout, and every blob comes with
its id, which the content cache uses as its key. Git is asked for every blob's size first
(`--batch-check`); one over the loader's limit is never read, and stands as `TOO_LARGE`,
which the loader reports. A symbolic link or a submodule (gitlink) under the records folder
is listed with its mode and never read: it maps to None, which the model reports by path,
as it does for the working tree's links. The site's provenance (the commit of the
records, the commits that changed each file) is read here too; outside a repository, or
without git, those are simply unknown.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import CadreError
from .loader import MAX_BYTES
from .repository import IGNORED, TOO_LARGE

# Tree entries that are not a file of this repository: never read, reported by path.
REFUSED_MODES = {"120000": "symbolic link", "160000": "submodule"}


class GitError(CadreError):
    """A git command failed: not a repository, or an unknown revision."""


def _git(root: Path, *args: str, input: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, input=input, capture_output=True, check=False
        )
    except OSError as e:
        raise GitError(f"无法运行 git (cannot run git): {e.strerror}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"无法读取 git (git failed): {said[-1] if said else ' '.join(args[:1])}")
    return done.stdout


def quiet(root: Path, *args: str) -> str | None:
    """Output of a git command as text, or None outside a repository or without git."""
    try:
        return _git(root, *args).decode("utf-8", "replace").strip()
    except GitError:
        return None


def commit_of(records_dir: Path) -> dict:
    """The HEAD commit and its date, and whether the records differ from it."""
    head = quiet(records_dir, "log", "-1", "--format=%H%x00%cI", "HEAD")
    if not head:
        return {"commit": None, "date": None, "dirty": None}
    commit, date = head.split("\0")
    status = quiet(records_dir, "status", "--porcelain", "--", ".")
    return {"commit": commit, "date": date, "dirty": bool(status)}


@dataclass(frozen=True)
class RecordsHistory:
    """Which commits changed each record file (`records/<path>` -> [(commit, date)], newest
    first), and when the records last changed (seconds since the epoch)."""

    files: dict[str, list[tuple[str, str]]]
    last_change: int | None


_COMMIT_LINE = re.compile(r"[0-9a-f]{40} [0-9]+ \S+")


def records_history(records_dir: Path) -> RecordsHistory | None:
    """The history of every file under the records folder, from one `git log`; None outside git."""
    out = quiet(
        records_dir,
        "log",
        "--format=%x00%H %ct %cI",
        "--name-only",
        "--no-renames",
        "--relative",
        "-z",
        "--",
        ".",
    )
    if out is None:
        return None
    files: dict[str, list[tuple[str, str]]] = {}
    commit = date = ""
    last: int | None = None
    for token in out.split("\0"):
        token = token.strip("\n")
        if not token:
            continue
        if _COMMIT_LINE.fullmatch(token):
            commit, seconds, date = token.split(" ")
            last = int(seconds) if last is None else last
            continue
        files.setdefault(f"records/{token}", []).append((commit, date[:10]))
    return RecordsHistory(files, last)


def toplevel(path: Path) -> Path:
    return Path(_git(path, "rev-parse", "--show-toplevel").decode().strip())


def resolve(root: Path, rev: str) -> str:
    """The commit id a revision names; GitError for an unknown one."""
    if not rev.startswith("-"):
        try:
            return (
                _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
            )
        except GitError:
            pass
    raise GitError(f"不是有效的版本 (not a revision): {rev}")


@dataclass(frozen=True)
class Blob:
    path: str  # relative to the records folder
    oid: str
    mode: str


def list_records(
    root: Path, commit: str, folder: str = "records", paths: list[str] | None = None
) -> list[Blob]:
    """The record files under a folder at a commit; with `paths` (relative to the folder) only those.

    Like the working-tree reader, a folder's README.md or .gitkeep is not a record.

    Pathspecs are literal, so a name with `*` or `[` names only itself.
    """
    prefix = folder.rstrip("/") + "/"
    specs = [prefix + p for p in paths] if paths is not None else [prefix]
    out = _git(
        root, "--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", commit, "--", *specs
    )
    blobs = []
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = name.decode("utf-8", "surrogateescape")
        listed = kind == "blob" or mode in REFUSED_MODES  # a submodule is a `commit` entry
        if listed and path.startswith(prefix) and path.rpartition("/")[2] not in IGNORED:
            blobs.append(Blob(path[len(prefix) :], oid, mode))
    return blobs


def refused(mode: str) -> bool:
    """Whether a tree entry of this mode is refused as a record (a link or a submodule)."""
    return mode in REFUSED_MODES


def _cat_file(root: Path, mode: str, names: list[str]) -> bytes:
    """`git cat-file` in a batch mode over many names, one per line, as their bytes."""
    return _git(
        root,
        "cat-file",
        mode,
        input="".join(n + "\n" for n in names).encode(errors="surrogateescape"),
    )


def blob_sizes(root: Path, names: list[str]) -> dict[str, int | None]:
    """The size of each blob (by id, or `commit:path`) from `git cat-file --batch-check`,
    which reads no contents; None for a name that is missing or not a blob."""
    unique = [n for n in dict.fromkeys(names) if "\n" not in n]
    out: dict[str, int | None] = dict.fromkeys(names)
    if not unique:
        return out
    raw = _cat_file(root, "--batch-check", unique)
    for name, line in zip(unique, raw.split(b"\n")[: len(unique)], strict=True):
        parts = line.split()
        if len(parts) == 3 and parts[1] == b"blob":
            out[name] = int(parts[2])
    return out


def read_objects(root: Path, names: list[str], limit: int = MAX_BYTES) -> dict[str, bytes | None]:
    """Contents of many blobs (ids, or `commit:path`) through one `git cat-file --batch`.

    Their sizes are asked first: a blob over `limit` is not read and maps to `TOO_LARGE`; a
    name git cannot find, or that is not a blob, maps to None.
    """
    sizes = blob_sizes(root, names)
    out: dict[str, bytes | None] = {
        n: (None if size is None else TOO_LARGE) for n, size in sizes.items()
    }
    small = [n for n, size in sizes.items() if size is not None and size <= limit]
    if not small:
        return out
    raw = _cat_file(root, "--batch", small)
    pos = 0
    for name in small:
        header_end = raw.index(b"\n", pos)
        header = raw[pos:header_end].split()
        if header[-1] == b"missing":  # gone since it was sized: only in a repository being pruned
            out[name] = None
            pos = header_end + 1
            continue
        size = int(header[2])
        start = header_end + 1
        out[name] = raw[start : start + size]
        pos = start + size + 1
    return out


def read_blobs(root: Path, oids: list[str]) -> dict[str, bytes]:
    """Contents of blobs known to exist, by id (`TOO_LARGE` for one over the limit)."""
    return {k: v for k, v in read_objects(root, oids).items() if v is not None}


def tree_id(root: Path, commit: str, folder: str = "records") -> str | None:
    """The id of a folder's tree at a commit: equal ids mean identical contents."""
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{commit}:{folder}").decode().strip()
    except GitError:
        return None


@dataclass(frozen=True)
class Change:
    path: str  # relative to the records folder
    old: str | None  # blob id, None when added
    new: str | None  # blob id, None when deleted
    old_link: bool  # a symbolic link or a submodule: never read
    new_link: bool


def changes(root: Path, base: str, head: str, folder: str = "records") -> list[Change]:
    """Files under a folder that differ between two commits, from the trees alone (no contents read)."""
    out = _git(root, "diff-tree", "-r", "-z", "--no-renames", base, head, "--", folder + "/")
    parts = out.split(b"\0")
    prefix = folder.rstrip("/") + "/"
    found = []
    for meta, name in zip(parts[0::2], parts[1::2], strict=False):
        if not meta.startswith(b":"):
            continue
        old_mode, new_mode, old, new, _status = meta[1:].decode().split()
        path = name.decode("utf-8", "surrogateescape")
        if not path.startswith(prefix) or path.rpartition("/")[2] in IGNORED:
            continue
        found.append(
            Change(
                path[len(prefix) :],
                None if set(old) == {"0"} else old,
                None if set(new) == {"0"} else new,
                refused(old_mode),
                refused(new_mode),
            )
        )
    return found


def files_at(
    root: Path, rev: str, folder: str = "records", blobs: dict[str, bytes] | None = None
) -> dict[str, bytes | None]:
    """Record files at a revision (links and submodules as None, like the working-tree reader).

    `blobs` (optional) holds contents already read by id; only the others are read, so the
    second revision of a diff costs only the files that differ.
    """
    commit = resolve(root, rev)
    listed = list_records(root, commit, folder)
    known = blobs if blobs is not None else {}
    known.update(
        read_blobs(root, [b.oid for b in listed if not refused(b.mode) and b.oid not in known])
    )
    return {b.path: (None if refused(b.mode) else known[b.oid]) for b in listed}


def commit_info(root: Path, rev: str) -> dict:
    fmt = "%H%x00%cI%x00%an%x00%s"
    h, date, author, subject = (
        _git(root, "log", "-1", f"--format={fmt}", rev).decode().strip().split("\0")
    )
    return {"commit": h, "date": date, "author": author, "subject": subject}


def history(root: Path, path: str) -> list[dict]:
    """Commits that touched one file, newest first, following renames."""
    fmt = "%x1e%H%x00%cI%x00%an%x00%s"
    out = _git(root, "log", "--follow", "--name-only", f"--format={fmt}", "--", path).decode(
        "utf-8", "replace"
    )
    entries = []
    for chunk in out.split("\x1e"):
        if not chunk.strip():
            continue
        head, *rest = chunk.strip("\n").splitlines()
        h, date, author, subject = head.split("\0")
        entries.append(
            {
                "commit": h,
                "date": date,
                "author": author,
                "subject": subject,
                "path": next((r for r in rest if r.strip()), path),
            }
        )
    return entries


def blob_at(root: Path, commit: str, path: str) -> bytes | None:
    """One file at a commit (`TOO_LARGE` when over the limit), or None where there is none."""
    try:
        return read_objects(root, [f"{commit}:{path}"])[f"{commit}:{path}"]
    except GitError:
        return None
