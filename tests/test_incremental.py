"""Validation after a change checks only what the change can move, and finds exactly what a
full validation finds.

The same edits as the reviewer's diff is tested with (test_scope.EDITS), applied to a
working tree one after another: after each, `cadre validate` (which keeps its state in the
cache) must give the findings of a validation with no cache at all.
"""

from __future__ import annotations

import shutil

import pytest
from test_scope import EDITS

from generator import incremental
from generator.incremental import validated
from generator.pipeline import open_source
from generator.synth import write_repository


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    repo = tmp_path_factory.mktemp("incremental")
    write_repository(repo, 240, 6, 2, repo)
    return repo


def texts(findings) -> list[str]:
    return [f.text() for f in findings]


def full(records) -> list[str]:
    """A validation with no cache and no state: everything checked."""
    source = open_source(records)
    source.cache = None
    return texts(validated(source))


@pytest.mark.parametrize("name", list(EDITS))
def test_validation_after_an_edit_equals_a_full_validation(county, tmp_path, name, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(county, repo)
    records = repo / "records"
    before = texts(validated(open_source(records)))  # checks everything, keeps the state
    assert before == full(records)
    EDITS[name](repo)
    calls = []
    real = incremental._full
    monkeypatch.setattr(incremental, "_full", lambda *a: calls.append(1) or real(*a))
    after = texts(validated(open_source(records)))
    whole = len(calls)
    assert after == full(records), name
    # only a policy change can move everything
    assert whole == (name == "a policy threshold"), name
    # and again with nothing changed: the findings kept
    assert texts(validated(open_source(records))) == after


def test_edits_in_a_row_and_back(county, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(county, repo)
    records = repo / "records"
    validated(open_source(records))
    original = {p: p.read_bytes() for p in records.rglob("*.yaml")}
    for name in ("one tally", "a broken reference", "a transfer between units"):
        EDITS[name](repo)
        assert texts(validated(open_source(records))) == full(records), name
    for p in records.rglob("*.yaml"):
        if p not in original:
            p.unlink()
    for p, raw in original.items():
        p.write_bytes(raw)
    assert texts(validated(open_source(records))) == full(records)


def test_a_policy_change_checks_everything(county, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(county, repo)
    records = repo / "records"
    validated(open_source(records))
    EDITS["a policy threshold"](repo)
    calls = []
    real = incremental._full
    monkeypatch.setattr(incremental, "_full", lambda *a: calls.append(1) or real(*a))
    after = texts(validated(open_source(records)))
    assert calls == [1]
    assert after == full(records)


def test_a_link_or_a_nested_repository_added_after_is_found_as_a_full_check_finds_it(
    county, tmp_path
):
    repo = tmp_path / "repo"
    shutil.copytree(county, repo)
    records = repo / "records"
    validated(open_source(records))
    (records / "people" / "linked.yaml").symlink_to(records / "people" / "p000001.yaml")
    (records / "cases" / "nested" / ".git").mkdir(parents=True)
    after = texts(validated(open_source(records)))
    assert after == full(records)
    assert any("people/linked.yaml" in t for t in after)
    assert any("cases/nested" in t for t in after)
