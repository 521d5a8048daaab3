"""Giving freed memory back to the system between the long stages of a province's run.

CPython returns its own small-object arenas once they are empty, but the C library's heap
keeps what larger objects (a file's bytes, a big list) freed in its middle until told to
let go. After a stage drops hundreds of megabytes of those, the next stage would otherwise
grow beside them rather than into them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache


@cache
def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def give_back() -> None:
    """Collect garbage, then ask glibc to return free pages (a no-op on other C libraries)."""
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
