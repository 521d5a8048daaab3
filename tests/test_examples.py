"""Example folders: every negative case names its file, line and rule; every positive repo validates.

A negative case is a folder under tests/example-files/negative/ whose `records/` files are laid
over the small valid repository (tests/fixtures/mini). `expected` lists the start of each
finding the case must produce (`path:line:col: rule`); `forbid` lists values that must never
be echoed (they may be private).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent
NEGATIVE = sorted((HERE / "example-files" / "negative").iterdir())


def overlay(case: Path, repo: Path) -> None:
    src = case / "records"
    for f in src.rglob("*"):
        if f.is_file():
            dest = repo / "records" / f.relative_to(src)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)


@pytest.mark.parametrize("case", NEGATIVE, ids=[c.name for c in NEGATIVE])
def test_negative_case_is_reported_with_file_line_and_rule(case, mini_repo, cli, monkeypatch):
    overlay(case, mini_repo)
    monkeypatch.chdir(mini_repo)
    result = cli("validate")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    for expected in (case / "expected").read_text(encoding="utf-8").splitlines():
        assert any(line.strip().startswith(expected) for line in lines), (
            f"{expected!r} not in\n{result.output}"
        )
    forbid = case / "forbid"
    if forbid.exists():
        for value in forbid.read_text(encoding="utf-8").splitlines():
            assert value not in result.output
    assert "Traceback" not in result.output


def test_mini_repository_is_valid(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    result = cli("validate")
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_demo_records_are_valid(demo_repo, cli, monkeypatch):
    monkeypatch.chdir(demo_repo)
    result = cli("validate")
    assert result.exit_code == 0, result.output


HOSTILE = [c for c in NEGATIVE if c.name.startswith(("loader-", "id-", "layout-"))]


def _limit_memory():  # runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (500 * 2**20, 500 * 2**20))


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_hostile_input_is_refused_within_10_seconds_and_500_mb(case, mini_repo):
    """As a user runs it: a fresh process under a 500 MB address-space limit and a 10 s timeout."""
    import subprocess
    import sys

    overlay(case, mini_repo)
    if case.name == "loader-alias-bomb":  # make the bomb big enough to matter if it ever expanded
        bomb = mini_repo / "records/people/hx-003.yaml"
        bomb.write_text(
            bomb.read_text(encoding="utf-8")
            + "".join(
                f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}]\n" for i in range(1, 30)
            ),
            encoding="utf-8",
        )
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "validate"],
        cwd=mini_repo,
        capture_output=True,
        text=True,
        timeout=10,
        preexec_fn=_limit_memory,
        env={"CADRE_NO_CACHE": "1", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    first = (case / "expected").read_text(encoding="utf-8").splitlines()[0]
    assert first.split(":")[0] in done.stdout
