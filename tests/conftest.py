"""Shared fixtures: a small valid repository, the demo county and its built site, and the
CLI run as a user would run it.

The suite runs in parallel (pytest-xdist), one process per worker. A fixture writes only
under a temporary folder of its own, never into the repository: loading records keeps a
cache beside the records folder, so reading records/ in place would have every worker
writing the repository's .cache/ at once. Session fixtures are built once per worker.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.cli_site import build

HERE = Path(__file__).parent
MINI = HERE / "fixtures" / "mini"
REPO = HERE.parent


@pytest.fixture
def mini_repo(tmp_path: Path) -> Path:
    """A copy of the small valid repository in tests/fixtures/mini, safe to modify."""
    dest = tmp_path / "repo"
    shutil.copytree(MINI, dest)
    return dest


@pytest.fixture
def cli():
    """Run `cadre ...` and return the click Result; exceptions are not swallowed."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


def stamp(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file: enough to tell that nothing was written."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def commit_all(repo: Path, message: str) -> None:
    """One commit of everything in `repo`, by a fixed author at a fixed time."""
    env = {
        "GIT_AUTHOR_NAME": "经办人甲",
        "GIT_AUTHOR_EMAIL": "clerk@example.org",
        "GIT_COMMITTER_NAME": "经办人甲",
        "GIT_COMMITTER_EMAIL": "clerk@example.org",
        "GIT_AUTHOR_DATE": "2026-02-01T09:00:00+08:00",
        "GIT_COMMITTER_DATE": "2026-02-01T09:00:00+08:00",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repo),
    }
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture(scope="session")
def demo_repo(tmp_path_factory) -> Iterator[Path]:
    """The shipped demo county (records/) in a git repository of its own; do not modify it.

    Its cache lands beside the copy, never in the repository's .cache/. A test that edits
    records copies `demo_repo / "records"` to its tmp_path first.
    """
    repo = tmp_path_factory.mktemp("demo") / "county"
    shutil.copytree(REPO / "records", repo / "records")
    commit_all(repo, "示范县记录")
    before = stamp(repo / "records")
    yield repo
    assert stamp(repo / "records") == before, "a test modified the shared demo records"


@pytest.fixture(scope="session")
def demo_site(demo_repo, tmp_path_factory) -> Iterator[Path]:
    """The demo county built by `cadre build`, once, for every test that only reads a site.

    A test that changes a built site copies it to its tmp_path first.
    """
    out = tmp_path_factory.mktemp("demo-site") / "site"
    result = CliRunner().invoke(
        build,
        ["--records", str(demo_repo / "records"), "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    before = stamp(out)
    yield out
    assert stamp(out) == before, "a test modified the shared demo site"
