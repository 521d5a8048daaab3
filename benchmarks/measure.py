"""Run one `cadre` command in this process and report its wall time and peak memory as JSON.

Used by run.py so that each step's peak memory is its own (a fresh process per step);
the parallel loader's worker processes are counted through RUSAGE_CHILDREN.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from generator.cli import main

if __name__ == "__main__":
    start = time.perf_counter()
    code = 0
    try:
        main(sys.argv[1:], standalone_mode=False)
    except SystemExit as e:
        code = e.code or 0
    elapsed = time.perf_counter() - start
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    sys.stderr.write(
        "\n@@" + json.dumps({"seconds": elapsed, "peak_mb": peak_kb / 1024, "exit": code}) + "\n"
    )
