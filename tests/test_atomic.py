"""Atomic output: a build killed midway leaves the previous site whole, and the next build works."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build(repo: Path, **kw) -> subprocess.Popen:
    env = {**os.environ, "CADRE_NO_CACHE": "1", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "build", "--out", "site"],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        **kw,
    )


def test_killed_build_leaves_the_previous_site_whole(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(HERE / "fixtures" / "mini", repo)
    assert build(repo).wait(timeout=120) == 0
    before = snapshot(repo / "site")
    assert "index.html" in before

    report = repo / "records/appraisals/2025/hexi.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace(
            "按时完成交办任务。", "按时完成交办任务，新版本。"
        ),
        encoding="utf-8",
    )
    proc = build(repo)
    deadline = time.monotonic() + 60
    while (
        not list(repo.glob(".site.new-*")) and proc.poll() is None and time.monotonic() < deadline
    ):
        time.sleep(0.02)  # wait until the new site is being written beside the old one
    assert proc.poll() is None, "the build finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert snapshot(repo / "site") == before

    assert build(repo).wait(timeout=120) == 0  # the next build replaces it cleanly
    after = snapshot(repo / "site")
    assert after != before and "新版本" in (
        repo / "site" / "postings" / "appraisal-2025-hexi.html"
    ).read_text(encoding="utf-8")
