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
from generator.scope import affected_units
from generator.site import view_cache
from generator.site.project import project
from generator.site.view_cache import followed_view
from tests.conftest import git, synth_county


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    return synth_county(tmp_path_factory.mktemp("kept-view"))


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
        view, _, followed = followed_view(source, None, history.files if history else None)
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


def entry_block(text: str, pid: str) -> str:
    """The `  - person: pid` entry of an appraisal or points file, up to the next entry."""
    start = text.index(f"  - person: {pid}\n")
    end = text.find("\n  - person: ", start + 1)
    return text[start : len(text) if end == -1 else end + 1]


def move_entries(records, pid: str, leaves: str, joins: str, year: int) -> None:
    """`pid`'s appraisal and points entries of `year` go from one unit's files to another's."""
    for folder in [records / f"appraisals/{year}", *sorted((records / f"points/{year}").iterdir())]:
        left, joined = folder / f"{leaves}.yaml", folder / f"{joins}.yaml"
        text = left.read_text(encoding="utf-8")
        if f"  - person: {pid}\n" not in text:
            continue
        block = entry_block(text, pid)
        left.write_text(text.replace(block, "", 1), encoding="utf-8")
        block = re.sub(  # every rater finds them excellent, so they stay 优秀 in their new pool
            r"\{raters: (\d+), excellent: \d+, competent: \d+, basically_competent: \d+",
            r"{raters: \1, excellent: \1, competent: 0, basically_competent: 0",
            block,
        )
        other = joined.read_text(encoding="utf-8")
        joined.write_text(other.rstrip("\n") + "\n" + block.rstrip("\n") + "\n", encoding="utf-8")


def newcomer_and_veteran(repo) -> str:
    """Someone 优秀 in u0003 in 2024 joins u0002 for 2025 (and stays 优秀: A4, two years
    running, read across two units), and someone of u0002 was in u0001 long ago. Returns
    the newcomer's name."""
    from generator.pipeline import check_dir, compute_checked

    records = repo / "records"
    results, _ = compute_checked(check_dir(records), {})
    twice = {
        a["person"]
        for a in results["actions"]
        if a["rule"] == "A4" and a["year"] == 2025
        for g in results["appraisals"]
        if g["person"] == a["person"] and g["year"] == 2025 and g["unit"] == "u0003"
    }
    newcomer = sorted(twice)[0]
    replace_once(
        records / f"people/{newcomer}.yaml",
        "term: 1}\n",
        "term: 1, end: 2024-12-31}\n"
        "  - {post: 科员, unit: u0002, rank: staff_member, category: staff, start: 2025-01-01}\n",
    )
    move_entries(records, newcomer, "u0003", "u0002", 2025)
    veteran = person_in(repo, "u0002", 2)
    replace_once(
        records / f"people/{veteran}.yaml",
        "history:\n",
        "history:\n  - {post: 科员, unit: u0001, rank: staff_member, category: staff, "
        "start: 2016-01-01, end: 2019-12-31}\n",
    )
    commit(repo, "a newcomer and a veteran")
    text = (records / f"people/{newcomer}.yaml").read_text(encoding="utf-8")
    return re.search(r"^name: (.*)$", text, re.M).group(1)


def a4_of(view: dict, name: str) -> list[dict]:
    return [
        a
        for p in view["postings"]
        if p["id"] == "appraisal-2025-u0002"
        for a in p["body"]["consequences"]
        if a["rule"] == "A4" and a["name"] == name
    ]


def test_a_unit_the_change_reaches_is_computed_with_every_unit_of_its_own_people(county, tmp_path):
    """A rename in u0001 reaches u0002 through someone who was once in both; u0002's 2025
    posting shows a newcomer's A4 (优秀 two years running), which reads their 2024 grade in
    u0003. The postings put in place must be computed with u0003 loaded too."""
    repo = tmp_path / "repo"
    shutil.copytree(county, repo)
    records = repo / "records"
    name = newcomer_and_veteran(repo)
    before, _ = view_of(records)
    assert a4_of(before, name), "the newcomer's A4 is on u0002's 2025 posting"

    rename(records / "units/u0001.yaml", "合成局第一")
    commit(repo, "u0001 renamed")
    source = open_source(records)
    kept = view_cache._load_kept(view_cache.kept_file(source.cache_dir, source.prefix, None))
    moved = affected_units({"units/u0001.yaml"}, [kept.links])
    assert "u0002" in moved and "u0003" not in moved  # u0003 is only read, not moved
    after, followed = view_of(records)
    assert followed
    assert after == view_of(records, cache=False)[0]


@pytest.mark.parametrize("part", [1, 4])
def test_the_view_computed_a_few_units_at_a_time_is_the_view_computed_at_once(
    county, tmp_path, part
):
    """A build with nothing kept computes its view a few units at a time (`by_parts`); the
    view is the one computing every record at once gives, the newcomer's A4 included."""
    repo = tmp_path / "repo"
    shutil.copytree(county, repo)
    name = newcomer_and_veteran(repo)
    source = open_source(repo / "records")
    source.cache = None
    done = view_cache.checked_whole(source, None)
    history = gitstore.records_history(repo / "records").files
    at_once = project(done.records, done.results, history)
    assert a4_of(at_once, name)
    assert view_cache.by_parts(done, history, part) == at_once
