"""Run one `cadre` command in this process and report its wall time and peak memory as JSON.

Used by run.py so that each step's peak memory is its own (a fresh process per step).

Peak memory is that of the whole process tree: this process, the parallel loader's
workers, git and the mkdocs subprocess, sampled every 50 ms as the sum of each process's
proportional set size (PSS: a page shared by a forked worker and this process counts once,
split between them), or this process's own exact high-water mark if that is higher.
`getrusage`'s figure for children is not used: a child started with vfork, as Python
starts git and mkdocs, inherits its parent's high-water mark, so it says nothing of the
child.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

from generator.cli import main


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # the process has ended
                todo += [int(c) for c in task.read_text().split()]
    return out


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreePeak(threading.Thread):
    """The largest sum of the process tree's PSS seen, in kB (0 where /proc lacks it)."""

    def __init__(self, every: float = 0.05):
        super().__init__(daemon=True)
        self.every, self.peak_kb, self.done = every, 0, threading.Event()

    def run(self) -> None:
        me = os.getpid()
        self.at_peak: list[tuple[str, int]] = []  # (process, kB) when the peak was seen
        while not self.done.wait(self.every):
            seen = [(p, _pss_kb(p)) for p in _tree(me)]
            total = sum(kb for _, kb in seen)
            if total > self.peak_kb:
                self.peak_kb, self.at_peak = total, [(_name(p), kb) for p, kb in seen]


def _name(pid: int) -> str:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return str(pid)
    return " ".join(w.decode(errors="replace") for w in words[:4]).strip() or str(pid)


if __name__ == "__main__":
    sampler = TreePeak()
    sampler.start()
    start = time.perf_counter()
    code = 0
    try:
        main(sys.argv[1:], standalone_mode=False)
    except SystemExit as e:
        code = e.code or 0
    elapsed = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    own_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stderr.write(
        "\n@@"
        + json.dumps(
            {
                "seconds": elapsed,
                "peak_mb": max(own_kb, sampler.peak_kb) / 1024,
                "own_mb": own_kb / 1024,
                "at_peak": [(name, round(kb / 1024)) for name, kb in sampler.at_peak],
                "exit": code,
            }
        )
        + "\n"
    )
