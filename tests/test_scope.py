"""Computing only the units a change can affect gives the same diff as computing everything."""

from __future__ import annotations

import re
import subprocess

import pytest

from generator.diff import to_json
from generator.review import revision_diff
from generator.synth import write_repository

ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
    "PATH": "/usr/bin:/bin:/usr/local/bin",
}


def git(repo, *args):
    subprocess.run(
        ["git", *args], cwd=repo, env={**ENV, "HOME": str(repo)}, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    repo = tmp_path_factory.mktemp("synth")
    write_repository(repo, 240, 6, 2, repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def replace_once(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def first_score_down(path):
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"r01: [0-9.]+", "r01: 0.5", text, count=1), encoding="utf-8")


EDITS = {
    "one tally": lambda r: replace_once(
        r / "records/appraisals/2025/u0002.yaml",
        "superiors: {raters: 5, excellent: 2, competent: 3",
        "superiors: {raters: 5, excellent: 5, competent: 0",
    ),
    "one score down": lambda r: first_score_down(r / "records/appraisals/2024/u0003.yaml"),
    "a banned behaviour": lambda r: (r / "records/incidents/2025/2025-99999.yaml").write_text(
        "id: 2025-99999\nperson: p000045\ndate: 2025-06-02\nchannel: reports\nkind: banned_behaviour\nbehaviour: JZ01\nserious: true\n"
        "summary: 工作时间打牌。\nfacts: 内部记录。\n",
        encoding="utf-8",
    ),
    "a transfer between units": lambda r: (
        replace_once(r / "records/people/p000050.yaml", "unit: u0002\n", "unit: u0005\n"),
        replace_once(r / "records/people/p000050.yaml", "unit: u0002,", "unit: u0005,"),
    ),
    "a broken reference": lambda r: replace_once(
        r / "records/people/p000090.yaml", "unit: u0003\n", "unit: u9999\n"
    ),
    "a deleted principal leader": lambda r: (r / "records/people/p000001.yaml").unlink(),
    "a policy threshold": lambda r: replace_once(
        r / "records/policy/2025.yaml",
        "basically_competent_below: 70",
        "basically_competent_below: 75",
    ),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_scoped_diff_equals_full_diff(county, name, monkeypatch):
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    git(county, "checkout", "-q", "-B", "change", "main")
    EDITS[name](county)
    git(county, "add", "-A")
    git(county, "commit", "-q", "-m", name)
    scoped, _, _ = revision_diff(county, "main", "change", None, scoped=True)
    full, _, _ = revision_diff(county, "main", "change", None, scoped=False)
    assert to_json(scoped) == to_json(full)
    assert full.changes or full.head_errors or full.introduced, "the edit should move something"
    git(county, "checkout", "-q", "main")
