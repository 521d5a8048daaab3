"""Shared fixtures: a small valid repository, the demo county and its built site, a browser,
and the CLI run as a user would run it.

The suite runs in parallel (pytest-xdist), one process per worker. A fixture writes only
under a temporary folder of its own, never into the repository: loading records keeps a
cache beside the records folder, so reading records/ in place would have every worker
writing the repository's .cache/ at once. Session fixtures are built once per worker.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.cli_site import build

HERE = Path(__file__).parent
MINI = HERE / "fixtures" / "mini"
REPO = HERE.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


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


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` as one clerk at one fixed time (the same commits every run)."""
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
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def commit_all(repo: Path, message: str) -> None:
    """One commit of everything in `repo`, by a fixed author at a fixed time."""
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", message]):
        git(repo, *args)


def synth_county(repo: Path) -> Path:
    """A synthetic county of 240 people in six units, committed to git on `main`."""
    from generator.synth import write_repository

    write_repository(repo, 240, 6, 2, repo)
    (repo / ".gitignore").write_text(".cache/\n", encoding="utf-8")
    commit_all(repo, "base")
    return repo


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


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep the test output readable
        pass


@pytest.fixture(scope="session")
def demo_server(demo_site) -> Iterator[str]:
    """The demo site served on 127.0.0.1, as `cadre serve` would; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(demo_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium driven by Playwright, started once; skipped where it is missing."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, demo_server):
    """A fresh page on the demo site; yields (page, base URL, requests that left 127.0.0.1).

    Each test gets its own browser context (no cookies or storage from another test), and
    any request to another host is refused and recorded.
    """
    local = urlsplit(demo_server).netloc
    elsewhere: list[str] = []
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})

    def guard(route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or url.netloc == local:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    yield context.new_page(), demo_server, elsewhere
    context.close()
