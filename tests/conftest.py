"""Shared fixtures: a small valid repository, and the CLI run as a user would run it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

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
