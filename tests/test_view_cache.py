"""The public view a build keeps and brings up to date by the change alone is the view a
whole computation gives.

The same edits as the reviewer's diff is tested with (test_scope.EDITS), each committed
on a copy of a synthetic county after a first build kept its view: the view followed from
the kept one must equal the view computed from every record with no cache at all, commits
of each posting included. Only a policy change computes everything again.
"""

from __future__ import annotations

import re
import shutil

import pytest
from test_scope import EDITS, person_in, replace_once

from generator import gitstore
from generator.pipeline import ValidationFailed, open_source
from generator.site import view_cache
from generator.site.view_cache import public_view
from tests.conftest import git


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from generator.synth import write_repository

    repo = tmp_path_factory.mktemp("kept-view")
    write_repository(repo, 240, 6, 2, repo)
    (repo / ".gitignore").write_text(".cache/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def first_points_up(path):
    text = path.read_text(encoding="utf-8")
    n = int(re.search(r"points: ([0-9]+),", text).group(1))
    path.write_text(text.replace(f"points: {n},", f"points: {n + 1},", 1), encoding="utf-8")


def rename(path, name):
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^name: .*$", f"name: {name}", text, count=1, flags=re.M), "utf-8")


# Edits that show on pages without moving any outcome, beside the diff's (which move them).
SHOWN = {
    "a name corrected": lambda r: rename(
        r / f"records/people/{person_in(r, 'u0002', 1)}.yaml", "柯正名"
    ),
    "a unit renamed": lambda r: rename(r / "records/units/u0003.yaml", "合成局第三"),
    "a month of points": lambda r: first_points_up(r / "records/points/2025/11/u0004.yaml"),
    "a month's points withdrawn": lambda r: (r / "records/points/2025/12/u0005.yaml").unlink(),
}
ALL = EDITS | SHOWN


def view_of(records, cache: bool = True):
    """(view, followed) as the build gets it, or the findings' texts when it refuses."""
    source = open_source(records)
    if not cache:
        source.cache = None
    history = gitstore.records_history(records)
    try:
        view, _, followed = public_view(source, None, history.files if history else None)
    except ValidationFailed as e:
        return [(f.severity, f.text()) for f in e.findings], None
    return view, followed


def commit(repo, message):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.mark.parametrize("name", list(ALL))
def test_the_view_after_an_edit_is_the_view_of_a_whole_computation(county, tmp_path, name):
    repo = tmp_path / "repo"
    shutil.copytree(county, repo)
    records = repo / "records"
    first, followed = view_of(records)  # computes everything and keeps the view
    assert followed is False
    ALL[name](repo)
    commit(repo, name)
    after, followed = view_of(records)
    whole, _ = view_of(records, cache=False)
    assert after == whole, name
    if isinstance(whole, list):  # the edit made an error: both refuse with the same findings
        assert any(severity == "error" for severity, _ in whole), whole
        return
    assert after != first, "the edit should move the view"
    # only a policy change needs everything computed again
    assert followed == (name != "a policy threshold"), name


def test_a_view_kept_over_edits_in_a_row_and_back(county, tmp_path):
    """Each build keeps the view it published; the next follows from that one."""
    repo = tmp_path / "repo"
    shutil.copytree(county, repo)
    records = repo / "records"
    first, _ = view_of(records)
    for name in ("one tally", "a name corrected", "a banned behaviour"):
        ALL[name](repo)
        commit(repo, name)
        after, followed = view_of(records)
        assert followed, name
        assert after == view_of(records, cache=False)[0], name
    git(repo, "revert", "--no-edit", "HEAD~3..HEAD")
    back, followed = view_of(records)
    assert followed
    # the same postings as at first; only the commits that touched their records are new
    assert back == view_of(records, cache=False)[0]
    assert [p | {"commits": None} for p in back["postings"]] == [
        p | {"commits": None} for p in first["postings"]
    ]


def test_a_commit_that_changes_no_record_refreshes_the_revision_only(county, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(county, repo)
    records = repo / "records"
    first, _ = view_of(records)
    (repo / "notes.md").write_text("一份说明\n", encoding="utf-8")
    commit(repo, "a note beside the records")
    again, followed = view_of(records)
    assert followed
    assert again["source"]["commit"] != first["source"]["commit"]
    assert again == view_of(records, cache=False)[0]


def test_a_damaged_kept_view_computes_everything(county, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(county, repo)
    records = repo / "records"
    view_of(records)
    source = open_source(records)
    kept = view_cache.kept_file(source.cache_dir, source.prefix, None)
    kept.write_bytes(b"\x00 not a kept view")
    replace_once(
        records / "appraisals/2025/u0002.yaml",
        "superiors: {raters: 5, excellent: 2, competent: 3",
        "superiors: {raters: 5, excellent: 3, competent: 2",
    )
    after, followed = view_of(records)
    assert followed is False
    assert after == view_of(records, cache=False)[0]
