"""A policy change's diff computes twice only what the changed parameters can move, and
says exactly what computing both revisions whole says."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from generator import checks, compute, gitstore, policy_change, review
from generator.cache import DocumentCache
from generator.diff import outcome_diff, outcomes, to_json
from generator.pipeline import check_dir, open_source
from generator.policy_change import changed_sections, moved_steps
from generator.review import revision_diff
from generator.rules import scoring
from generator.scoped import scoped_results
from tests.conftest import git

POLICY = "records/policy/2025.yaml"


@pytest.fixture(scope="module")
def county(demo_repo, tmp_path_factory):
    repo = tmp_path_factory.mktemp("policy") / "county"
    shutil.copytree(demo_repo, repo)
    git(repo, "branch", "-M", "main")
    return repo


def replace(repo, old: str, new: str, path: str = POLICY) -> None:
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    file.write_text(text.replace(old, new), encoding="utf-8")


def new_year(repo) -> None:
    text = (repo / POLICY).read_text(encoding="utf-8")
    (repo / "records/policy/2026.yaml").write_text(
        text.replace("year: 2025", "year: 2026"), encoding="utf-8"
    )


# An edit of every section a step reads, and some that move nothing or everything.
EDITS = {
    "excellent share": lambda r: replace(r, "excellent_share: 0.2", "excellent_share: 0.3"),
    "basically competent line": lambda r: replace(
        r, "basically_competent_below: 70", "basically_competent_below: 80"
    ),
    "weights": lambda r: replace(
        r, "  results: 0.8\n  daily: 0.1\n", "  results: 0.7\n  daily: 0.2\n"
    ),
    "democratic points": lambda r: replace(r, "    competent: 80\n", "    competent: 70\n"),
    "no-promotion months": lambda r: replace(
        r, "no_promotion_months: 12", "no_promotion_months: 36"
    ),
    "a points tier": lambda r: replace(r, "      min: 30\n", "      min: 34\n"),
    "majority": lambda r: replace(r, 'majority: "1/2"', 'majority: "9/10"'),
    "term years": lambda r: replace(r, "  years: 5\n", "  years: 2\n"),
    "retirement notice": lambda r: replace(
        r, "  notice_months: 12\n  # 提示", "  notice_months: 60\n  # 提示"
    ),
    "watch threshold": lambda r: replace(r, "approval_below: 2/3", "approval_below: 9/10"),
    "posting days": lambda r: replace(r, "working_days: 5", "working_days: 15"),
    "appeal window": lambda r: replace(r, "  review_days: 30", "  review_days: 3"),
    "accountability threshold": lambda r: replace(
        r, "accountability_threshold: 3", "accountability_threshold: 1"
    ),
    "leader rank": lambda r: replace(
        r, "leader_min_rank: deputy_section", "leader_min_rank: division"
    ),
    "a channel removed": lambda r: replace(r, "  - id: reports\n    name: 干部群众举报\n", ""),
    "a situation's outcome removed": lambda r: replace(
        r,
        "造成不良影响\n    aspect: performance\n    outcomes:\n      - transfer\n",
        "造成不良影响\n    aspect: performance\n    outcomes:\n",
    ),
    "the title": lambda r: replace(r, "（2025年度）", "（2025年度修订）"),
    "a new policy year": new_year,
}


def commit_edit(repo, name):
    git(repo, "checkout", "-q", "-B", "change", "main")
    EDITS[name](repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", name)


@pytest.mark.parametrize("name", list(EDITS))
def test_policy_diff_equals_full_diff(county, name, monkeypatch):
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    commit_edit(county, name)
    cache = open_source(county / "records").cache
    sides = []
    both = policy_change.both_sides
    monkeypatch.setattr(review, "both_sides", lambda *a: sides.append(a) or both(*a))
    scoped, _, _ = revision_diff(county, "main", "change", None, cache, scoped=True)
    assert len(sides) == 1  # the policy path was taken, not the whole computation
    full, _, _ = revision_diff(county, "main", "change", None, cache, scoped=False)
    assert to_json(scoped) == to_json(full)
    if name not in QUIET:
        assert full.changes or full.head_errors or full.introduced, "the edit should move something"
    git(county, "checkout", "-q", "main")


# Edits that change no public outcome: no step reads the title; the new year's policy says
# what the last one said; the watch list is the department's own, never in a diff.
QUIET = {"the title", "a new policy year", "watch threshold"}


@pytest.mark.parametrize("name", ["watch threshold", "excellent share", "a channel removed"])
def test_each_sides_outcomes_are_those_of_computing_it_whole(county, name, monkeypatch):
    """Beyond the diff: every outcome the diff compares and every finding, side by side."""
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    commit_edit(county, name)
    root, shared = county, {}
    base_c, head_c = (gitstore.resolve(root, c) for c in ("main", "change"))
    base = review._read_whole(root, base_c, None, None, shared)
    head = review._read_whole(root, head_c, None, None, shared)
    day = dt.date.fromisoformat(head.links.latest_event())
    changed = changed_sections(base.records, head.records)
    ours = policy_change.both_sides(base, head, day, changed, {})
    whole = [scoped_results(side, None, day, {}) for side in (base, head)]
    assert [ours[0], ours[1]] == [(outcomes(results), found) for results, found in whole]
    if name == "excellent share":  # 优秀 moves in every pool with enough people for it
        assert ours[0][0]["grades"] != ours[1][0]["grades"]
    git(county, "checkout", "-q", "main")


@pytest.mark.parametrize("kept", [("main",), ("change",), ("main", "change")])
def test_links_kept_from_an_earlier_diff_give_the_same_diff(county, kept, monkeypatch, tmp_path):
    """The links of a side whose tree an earlier diff kept are read, not made again; the
    other side's follow from them and the changed paths. The diff is the same either way."""
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    commit_edit(county, "excellent share")
    expected, _, _ = revision_diff(county, "main", "change", None, None)
    cache = DocumentCache(tmp_path / "cache" / "documents.marshal")
    for commit in kept:  # what `cadre diff X X` leaves behind
        revision_diff(county, commit, commit, None, cache)
    trees = {gitstore.tree_id(county, c) for c in kept}
    assert {
        p.name.split("-")[1].split(".")[0] for p in (tmp_path / "cache/links").iterdir()
    } == trees
    made = []
    real = review.links_of
    monkeypatch.setattr(review, "links_of", lambda *a: made.append(1) or real(*a))
    ours, _, _ = revision_diff(county, "main", "change", None, cache)
    assert made == [] and to_json(ours) == to_json(expected) and ours.changes
    git(county, "checkout", "-q", "main")


def test_a_parameter_moves_the_steps_that_read_it_and_those_after_them():
    policy = "check: policy"  # the policy files' own check runs again on any change
    assert moved_steps(set()) == {policy}
    assert moved_steps({"watch"}) == {policy, "watch"}
    assert moved_steps({"selection"}) == {policy, "selections", "results: selections"}
    assert moved_steps({"posting"}) == {policy, "postings"}
    assert moved_steps({"authority"}) == {policy, "check: case references", "check: cases"}
    # the grading moves the grades (and their check), so the consequences, the terms (T4
    # reads the restrictions), the watch list (it reads the grades) and the checks of
    # decisions and restrictions; not the points, selections, cases or postings
    assert moved_steps({"grading"}) == {
        policy,
        "check: appraisals",
        "appraisals",
        "consequences",
        "tenure",
        "watch",
        "results: decisions",
        "results: restrictions",
    }
    everything = moved_steps(None)
    assert {s.name for s in compute.STAGES} <= everything
    assert {f"check: {c.name}" for c in checks.CHECKS} <= everything
    assert moved_steps({"year"}) == everything


class Traced(dict):
    """A policy file's data that notes each top-level section read."""

    read: set[str] = set()

    def __getitem__(self, key):
        Traced.read.add(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        Traced.read.add(key)
        return dict.get(self, key, default)

    def __contains__(self, key):
        Traced.read.add(key)
        return dict.__contains__(self, key)

    def _all(self):
        Traced.read.add("*")

    def __iter__(self):
        self._all()
        return dict.__iter__(self)

    def keys(self):
        self._all()
        return dict.keys(self)

    def items(self):
        self._all()
        return dict.items(self)

    def values(self):
        self._all()
        return dict.values(self)


def reads_of(run) -> set[str]:
    Traced.read = set()
    run()
    return Traced.read


@pytest.mark.parametrize("where", ["demo", "mini"])
def test_every_step_reads_only_the_sections_it_names(demo_repo, where, monkeypatch):
    """Held on the demo county (every kind of record) and the small test county."""
    from pathlib import Path

    monkeypatch.setenv("CADRE_NO_CACHE", "1")  # nothing written beside either
    folder = (
        demo_repo / "records"
        if where == "demo"
        else Path(__file__).parent / "fixtures" / "mini" / "records"
    )
    checked = check_dir(folder)
    rec, day = checked.records, checked.as_of
    for doc in rec.policies.values():
        doc.data = Traced(doc.data)
    files = [f"records/{p}" for p in sorted(open_source(folder).files)]
    got: dict = {}
    for stage in compute.STAGES:
        read = reads_of(lambda s=stage: got.__setitem__(s.name, s.run(rec, day, got)))
        assert read <= stage.reads, (stage.name, read - stage.reads)
    for check in checks.CHECKS:
        read = reads_of(lambda c=check: c.run(rec, files, day, {}))
        assert read <= check.reads or "*" in check.reads, (check.name, read - check.reads)
    results = compute.assemble(got, day, {})
    for check in checks.RESULT_CHECKS:
        read = reads_of(lambda c=check: c.run(rec, results, day))
        assert read <= check.reads, (check.name, read - check.reads)


def test_a_grading_change_scores_each_entry_once(county, monkeypatch, tmp_path):
    """The share of 优秀 moves grades, not scores: the second side takes the first side's
    scores of every entry it shares (`scoring._entries`), so each is scored once, not twice."""
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    commit_edit(county, "excellent share")
    scored = []
    real = scoring._scores
    monkeypatch.setattr(scoring, "_scores", lambda e, p: scored.append(1) or real(e, p))
    checked = check_dir(county / "records")
    compute.compute(checked.records, checked.as_of, {})  # one revision: each entry scored once
    once = len(scored)
    scored.clear()
    cache = DocumentCache(tmp_path / "documents.marshal")  # both sides share what they load
    d, _, _ = revision_diff(county, "main", "change", None, cache)
    assert d.changes and once > 0 and len(scored) == once
    git(county, "checkout", "-q", "main")


def test_a_points_change_shows_the_total_and_the_name_of_the_tier():
    """The reviewer reads "25.00（年度积分二等奖）", the tier as the policy names it."""
    silver = {"id": "silver", "name": "年度积分二等奖", "kind": "reward"}

    def side(total: str, tier) -> dict:
        row = {"person": "wang-fang", "year": 2025, "total": total, "tier": tier}
        return outcomes({"points": {"people": [row]}})

    d = outcome_diff(side("18.00", None), side("25.00", silver), [], [])
    assert [(c.kind, c.person, c.what, c.old, c.new) for c in d.changes] == [
        ("points", "wang-fang", "2025 年度积分", "18.00", "25.00（年度积分二等奖）")
    ]
