"""Writing outputs so that a failed or interrupted run never leaves a half-written file."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, flush it to disk, then rename it into place."""
    with open_atomic(path, binary=True) as fh:
        fh.write(data)


@contextmanager
def open_atomic(path: Path, binary: bool = False) -> Iterator[IO]:
    """A file that appears at `path` only once it is complete; on any failure, nothing changes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def json_chunks(value, depth: int = 3, indent: int = 0) -> Iterator[str]:
    """JSON text in pieces: objects and lists open on their own lines down to `depth`, and
    every deeper value compact on one line.

    A province's results stay readable (one record a line, easy to grep and diff) and are
    written by Python's fast one-shot encoder; indenting everything goes through the slow
    pure-Python one, which took half of `cadre compute`. Streamed, so the text never sits
    in memory whole.
    """
    compact = depth <= 0 or not value or not isinstance(value, dict | list)
    if compact:
        yield json.dumps(value, ensure_ascii=False)
        return
    inner = " " * (indent + 2)
    if isinstance(value, dict):
        yield "{"
        for n, (k, v) in enumerate(value.items()):
            yield f"{',' if n else ''}\n{inner}{json.dumps(k, ensure_ascii=False)}: "
            yield from json_chunks(v, depth - 1, indent + 2)
        yield "\n" + " " * indent + "}"
    else:
        yield "["
        for n, v in enumerate(value):
            yield f"{',' if n else ''}\n{inner}"
            yield from json_chunks(v, 0, indent + 2)
        yield "\n" + " " * indent + "]"
