"""Computing only the units a change can affect gives the same diff as computing everything."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from generator import review
from generator.diff import to_json
from generator.pipeline import open_source
from generator.review import revision_diff
from generator.scope import Links, affected_units
from tests.conftest import git, synth_county


def cache_of(county):
    """The county's document cache, as `cadre diff` opens it (none with CADRE_NO_CACHE)."""
    return open_source(county / "records").cache


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    return synth_county(tmp_path_factory.mktemp("synth"))


def replace_once(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def person_in(r, unit, k=0, category="staff"):
    """The k-th synthetic person (by id) with a stint in `unit` of that category."""
    found = [
        path.stem
        for path in sorted((r / "records/people").glob("*.yaml"))
        if f"unit: {unit}," in (text := path.read_text(encoding="utf-8"))
        and f"category: {category}," in text
    ]
    return found[k]


def first_incident(r):
    return sorted((r / "records/incidents/2025").glob("*.yaml"))[0]


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
        f"id: 2025-99999\nperson: {person_in(r, 'u0002')}\ndate: 2025-06-02\nchannel: reports\nkind: banned_behaviour\nbehaviour: JZ01\nserious: true\n"
        "summary: 工作时间打牌。\nfacts: 内部记录。\n",
        encoding="utf-8",
    ),
    "a transfer between units": lambda r: replace_once(
        r / f"records/people/{person_in(r, 'u0002', 1)}.yaml",
        "term: 1}\n",
        "term: 1, end: 2025-07-01}\n"
        "  - {post: 科员, unit: u0005, rank: staff_member, category: staff, start: 2025-07-01}\n",
    ),
    "a broken reference": lambda r: replace_once(
        r / f"records/people/{person_in(r, 'u0003')}.yaml", "unit: u0003,", "unit: u9999,"
    ),
    "a deleted principal leader": lambda r: (
        r / f"records/people/{person_in(r, 'u0001', 0, 'principal')}.yaml"
    ).unlink(),
    "a participant from another unit": lambda r: replace_once(
        r / "records/selections/u0001-2025.yaml",
        "participants:\n",
        f"participants:\n  - {person_in(r, 'u0002', 1)}\n",
    ),
    "a team leader short of a majority": lambda r: replace_once(
        r / "records/selections/u0001-2025.yaml",
        f"{{person: {person_in(r, 'u0001', 0, 'principal')}, votes: 40}}",
        f"{{person: {person_in(r, 'u0001', 0, 'principal')}, votes: 10}}",
    ),
    "an incident id used twice": lambda r: (
        (r / "records/incidents/2024").mkdir(exist_ok=True),
        (r / "records/incidents/2024" / first_incident(r).name).write_text(
            first_incident(r).read_text(encoding="utf-8").replace("date: 2025-", "date: 2024-"),
            encoding="utf-8",
        ),
    ),
    "a policy threshold": lambda r: replace_once(
        r / "records/policy/2025.yaml",
        "basically_competent_below: 70",
        "basically_competent_below: 75",
    ),
}


def commit_edit(repo, name):
    git(repo, "checkout", "-q", "-B", "change", "main")
    EDITS[name](repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", name)


@pytest.mark.parametrize("name", list(EDITS))
def test_scoped_diff_equals_full_diff(county, name, monkeypatch):
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    commit_edit(county, name)
    scoped, _, _ = revision_diff(county, "main", "change", None, cache_of(county), scoped=True)
    full, _, _ = revision_diff(county, "main", "change", None, cache_of(county), scoped=False)
    assert to_json(scoped) == to_json(full)
    assert full.changes or full.head_errors or full.introduced, "the edit should move something"
    git(county, "checkout", "-q", "main")


@pytest.mark.parametrize("known", ["main", "change"])
@pytest.mark.parametrize("name", list(EDITS))
def test_diff_from_one_known_revision_equals_full_diff(county, name, known, monkeypatch):
    """With one side's links kept from an earlier diff, only the files in scope are loaded."""
    monkeypatch.delenv("CADRE_NO_CACHE", raising=False)
    commit_edit(county, name)
    shutil.rmtree(county / ".cache", ignore_errors=True)
    revision_diff(
        county, "main", "change", None, cache_of(county)
    )  # the first run loads both sides whole
    other = "change" if known == "main" else "main"
    tree = subprocess.run(
        ["git", "rev-parse", f"{other}:records"], cwd=county, capture_output=True, text=True
    ).stdout.strip()
    forgotten = list((county / ".cache/cadre/links").glob(f"*-{tree}.marshal"))
    assert len(forgotten) == 1
    forgotten[0].unlink()
    whole_loads = []
    read_whole = review._read_whole
    monkeypatch.setattr(review, "_read_whole", lambda *a: whole_loads.append(a) or read_whole(*a))
    scoped, _, _ = revision_diff(county, "main", "change", None, cache_of(county))
    everything_moves = name == "a policy threshold"
    assert len(whole_loads) == (2 if everything_moves else 0)
    full, _, _ = revision_diff(county, "main", "change", None, cache_of(county), scoped=False)
    assert to_json(scoped) == to_json(full)
    git(county, "checkout", "-q", "main")


def test_links_that_cannot_be_kept_only_cost_time(county, monkeypatch):
    monkeypatch.delenv("CADRE_NO_CACHE", raising=False)
    commit_edit(county, "one tally")
    shutil.rmtree(county / ".cache", ignore_errors=True)
    (county / ".cache/cadre").mkdir(parents=True)
    (county / ".cache/cadre/links").write_text("not a folder", encoding="utf-8")
    scoped, _, _ = revision_diff(county, "main", "change", None, cache_of(county))
    full, _, _ = revision_diff(county, "main", "change", None, cache_of(county), scoped=False)
    assert to_json(scoped) == to_json(full) and full.changes
    shutil.rmtree(county / ".cache")
    git(county, "checkout", "-q", "main")


def test_a_change_in_a_unit_reaches_every_unit_its_former_members_have_been_in():
    """Two years' grades in a row follow a person from unit to unit (A4, A7): the outcomes
    shown under unit u for someone who has since left for y read their grade in x too."""
    links = Links(
        {
            "people/p.yaml": ("person", ("y", "x", "u", "y"), ("p",), (), ""),
            "people/q.yaml": ("person", ("z", "z"), ("q",), (), ""),
            "units/u.yaml": ("unit", ("u",), (), (), ""),
        }
    )
    assert affected_units({"units/u.yaml"}, [links]) == {"u", "x", "y"}
