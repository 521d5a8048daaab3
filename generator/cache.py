"""A content-addressed cache of loaded, schema-valid documents.

The key is a hash of the record kind and the file's bytes, under a version made from the
schemas and the loader's own source, so a cached value is exactly what loading and
validating those bytes would give today. Only valid documents are cached: a file with
findings is always loaded again, with its positions. The cache is an output (ignored by
git), safe to delete, and never changes a result; it is one `marshal` file written
atomically, read only by this tool from the repository's own `.cache/` folder.
"""

from __future__ import annotations

import hashlib
import marshal
from functools import cache
from pathlib import Path

from .outputs import open_atomic, write_atomic

HERE = Path(__file__).resolve().parent


@cache
def version() -> str:
    h = hashlib.blake2b(digest_size=16)
    for f in sorted((HERE.parent / "schemas").glob("*.schema.json")) + [
        HERE / "characters.py",
        HERE / "loader.py",
        HERE / "schema.py",
    ]:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def key(kind: str, raw: bytes) -> bytes:
    return hashlib.blake2b(kind.encode() + b"\0" + raw, digest_size=20).digest()


class DocumentCache:
    def __init__(self, path: Path | None):
        self.path = path
        self._entries: dict[bytes, dict] | None = None  # read on first use: a run served whole
        self.used: set[bytes] = set()  # from stored results never needs the documents
        self.changed = False

    @property
    def entries(self) -> dict[bytes, dict]:
        if self._entries is None:
            self._entries = {}
            if self.path is not None and self.path.exists():
                try:
                    stored = marshal.loads(self.path.read_bytes())
                    if isinstance(stored, dict) and stored.get("version") == version():
                        self._entries = stored["entries"]
                except (EOFError, ValueError, TypeError, KeyError, OSError):
                    self._entries = {}  # a damaged cache is simply rebuilt
        return self._entries

    @entries.setter
    def entries(self, value: dict[bytes, dict]) -> None:
        self._entries = value

    def get(self, k: bytes) -> dict | None:
        data = self.entries.get(k)
        if data is not None:
            self.used.add(k)
        return data

    def put(self, k: bytes, data: dict) -> None:
        self.entries[k] = data
        self.used.add(k)
        self.changed = True

    def forget(self) -> None:
        """Drop the documents held in memory (saved ones are read again if asked for): a
        command that has what it needs from them frees them for its next stage."""
        if self.changed:
            self.save()
        self._entries = None

    def save(self) -> None:
        if self.path is None:
            return
        if len(self.entries) > 2 * max(len(self.used), 1000):
            self.entries = {k: v for k, v in self.entries.items() if k in self.used}
            self.changed = True
        if self.changed:
            write_atomic(self.path, marshal.dumps({"version": version(), "entries": self.entries}))
            self.changed = False


@cache
def code_version() -> str:
    """Every module and schema: a computed result is reused only by the very same code."""
    h = hashlib.blake2b(digest_size=16)
    for f in sorted(HERE.rglob("*.py")) + sorted((HERE.parent / "schemas").glob("*.json")):
        h.update(f.relative_to(HERE.parent).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def results_path(cache_dir: Path, records_digest: str, as_of: str | None, prefix: str) -> Path:
    """Where the findings and results computed from exactly these records are kept.

    Two files share this stem: `.findings` (all `validate` needs) and `.results`. The
    folder the records were read as (`prefix`) is part of the key, since every finding and
    source names its file by it.
    """
    key = f"{code_version()}|{records_digest}|{as_of or 'default'}|{prefix}"
    k = hashlib.blake2b(key.encode(), digest_size=20).hexdigest()
    return cache_dir / "results" / k


def dump_sections(value, fh, depth: int = 2, chunk: int = 2000) -> None:
    """Marshal `value` to a file a section at a time: a mapping key by key (to `depth`
    levels), a long list a slice at a time. At a province's scale the whole at once would
    be a second copy of hundreds of megabytes. `load_sections` reads it back."""
    if depth and isinstance(value, dict):
        marshal.dump(("dict", len(value)), fh)
        for key, item in value.items():
            marshal.dump(key, fh)
            dump_sections(item, fh, depth - 1, chunk)
    elif isinstance(value, list) and len(value) > chunk:
        marshal.dump(("list", len(value)), fh)
        for i in range(0, len(value), chunk):
            marshal.dump(value[i : i + chunk], fh)
    else:
        marshal.dump(("value", 0), fh)
        marshal.dump(value, fh)


def load_sections(fh):
    """What `dump_sections` wrote (raises EOFError, ValueError or TypeError if damaged)."""
    kind, size = marshal.load(fh)
    if kind == "dict":
        out = {}
        for _ in range(size):
            key = marshal.load(fh)
            out[key] = load_sections(fh)
        return out
    if kind == "list":
        items: list = []
        while len(items) < size:
            items += marshal.load(fh)
        if len(items) != size:
            raise ValueError("damaged list section")
        return items
    if kind == "value":
        return marshal.load(fh)
    raise ValueError(f"unknown section {kind!r}")


def load_stored(stem: Path, part: str):
    try:
        if part != "results":
            return marshal.loads(stem.with_suffix(f".{part}").read_bytes())
        with open(stem.with_suffix(".results"), "rb") as fh:
            return load_sections(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def store(stem: Path, findings: list[dict], results: dict | None) -> None:
    """Results first, findings last: findings present means the results beside them are whole."""
    folder = stem.parent
    if folder.exists():  # keep the last few runs only: results are large and cheap to make again
        for old in sorted(folder.glob("*.findings"), key=lambda p: p.stat().st_mtime)[:-7]:
            old.unlink(missing_ok=True)
            old.with_suffix(".results").unlink(missing_ok=True)
    with open_atomic(stem.with_suffix(".results"), binary=True) as fh:
        dump_sections(results, fh)
    write_atomic(stem.with_suffix(".findings"), marshal.dumps(findings))


def links_file(cache_dir: Path, tree: str) -> Path:
    """Where the links (`scope.Links`) of one records tree are kept, for the very same code."""
    return cache_dir / "links" / f"{code_version()}-{tree}.marshal"


def load_links(cache_dir: Path, tree: str) -> dict | None:
    try:
        plain = marshal.loads(links_file(cache_dir, tree).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return plain if isinstance(plain, dict) else None


def store_links(cache_dir: Path, tree: str, plain: dict) -> None:
    """Keep one tree's links; a cache that cannot be written only makes the next diff slower."""
    path = links_file(cache_dir, tree)
    try:
        if path.parent.exists():  # keep the links of the last few trees: one per revision diffed
            for old in sorted(path.parent.glob("*.marshal"), key=lambda p: p.stat().st_mtime)[:-15]:
                old.unlink(missing_ok=True)
        write_atomic(path, marshal.dumps(plain))
    except OSError:
        pass
