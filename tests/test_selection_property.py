"""S3 over random instances: deferred acceptance is stable, within capacity and deterministic.

The checks are written from the definitions, not from the algorithm: an assignment is
stable when no staff member and team that list each other would both rather be together
than with what they have (no blocking pair).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.checks.selection import check_selection
from generator.compute import compute_selection, compute_selections
from generator.loader import Document
from generator.pipeline import check_dir
from generator.rules.matching import deferred_acceptance

DEMO = Path(__file__).parent.parent / "records"

STAFF = [f"s{i}" for i in range(7)]
TEAMS = ["t0", "t1", "t2", "t3"]


def ranking(items: list[str]):
    """Some of `items`, in some order: who is listed, best first."""
    return st.permutations(items).flatmap(lambda p: st.integers(0, len(p)).map(lambda k: p[:k]))


@st.composite
def instances(draw):
    """Random staff, teams, capacities (0-3) and preference lists (any order, any subset)."""
    staff = STAFF[: draw(st.integers(0, len(STAFF)))]
    teams = TEAMS[: draw(st.integers(1, len(TEAMS)))]
    capacity = {t: draw(st.integers(0, 3)) for t in teams}
    staff_prefs = {s: draw(ranking(teams)) for s in staff}
    # A rank list may not cover every person: unlisted people are unacceptable.
    team_prefs = {t: draw(ranking(staff)) for t in teams}
    return staff_prefs, team_prefs, capacity


def prefers(order: list[str], new: str, current: str | None) -> bool:
    """`new` is on the list and ranks above `current` (None: holding nothing)."""
    if new not in order:
        return False
    return current is None or order.index(new) < order.index(current)


def blocking_pairs(staff_prefs, team_prefs, capacity, assignment) -> list[tuple[str, str]]:
    team_of = {s: t for t, ms in assignment.items() for s in ms}
    out = []
    for s, wanted in staff_prefs.items():
        for t in wanted:
            if s not in team_prefs.get(t, ()) or team_of.get(s) == t:
                continue
            if not prefers(wanted, t, team_of.get(s)):
                continue
            members = assignment.get(t, [])
            room = len(members) < capacity.get(t, 0)
            worst = max(members, key=team_prefs[t].index) if members else None
            if room or (worst is not None and prefers(team_prefs[t], s, worst)):
                out.append((s, t))
    return out


@settings(max_examples=300, deadline=None)
@given(instances(), st.sampled_from(["staff", "teams"]), st.randoms(use_true_random=False))
def test_assignment_is_stable_within_capacity_and_deterministic(instance, side, rnd):
    staff_prefs, team_prefs, capacity = instance
    assignment = deferred_acceptance(staff_prefs, team_prefs, capacity, side)

    placed = [s for ms in assignment.values() for s in ms]
    assert len(placed) == len(set(placed)), "nobody is placed twice"
    for t, members in assignment.items():
        assert len(members) <= capacity[t], "no team above its capacity"
        for s in members:
            assert t in staff_prefs[s] and s in team_prefs[t], "only mutually listed pairs"
    assert blocking_pairs(staff_prefs, team_prefs, capacity, assignment) == []

    # The same answer whatever order the lists arrive in.
    def shuffled(d: dict) -> dict:
        keys = list(d)
        rnd.shuffle(keys)
        return {k: d[k] for k in keys}

    again = deferred_acceptance(
        shuffled(staff_prefs), shuffled(team_prefs), shuffled(capacity), side
    )
    assert again == assignment


@settings(max_examples=300, deadline=None)
@given(instances())
def test_each_side_gets_its_best_stable_assignment(instance):
    """Staff-proposing is weakly better for every staff member, teams-proposing for every team,
    and both place the same people (the same set is matched in every stable assignment)."""
    staff_prefs, team_prefs, capacity = instance
    by_staff = deferred_acceptance(staff_prefs, team_prefs, capacity, "staff")
    by_teams = deferred_acceptance(staff_prefs, team_prefs, capacity, "teams")
    staff_in = {s: t for t, ms in by_staff.items() for s in ms}
    teams_in = {s: t for t, ms in by_teams.items() for s in ms}
    assert set(staff_in) == set(teams_in)
    for s, t in teams_in.items():
        assert staff_prefs[s].index(staff_in[s]) <= staff_prefs[s].index(t)
    for t in capacity:
        # Compare member by member in the team's order: each of the team-proposing members
        # ranks at least as high as the one in the same place under staff-proposing.
        mine = sorted(by_teams[t], key=team_prefs[t].index)
        theirs = sorted(by_staff[t], key=team_prefs[t].index)
        assert len(mine) == len(theirs)
        for a, b in zip(mine, theirs, strict=True):
            assert team_prefs[t].index(a) <= team_prefs[t].index(b)


def first_round_blocking_pairs(record: dict, result: dict) -> list[tuple[str, str]]:
    """Blocking pairs of a computed selection's first two-way round, read from its record."""
    elected = {p["leader"] for p in result["placement"]}
    elected |= {d for p in result["placement"] for d in p["deputies"]}
    staff_prefs = {
        e["person"]: e["teams"] for e in record["two_way"]["staff"] if e["person"] not in elected
    }
    team_prefs = {e["team"]: e["staff"] for e in record["two_way"]["teams"]}
    capacity = {p["team"]: p["capacity"] for p in result["placement"]}
    first = {
        p["team"]: [m["person"] for m in p["placed"] if m["round"] == 1]
        for p in result["placement"]
    }
    return blocking_pairs(staff_prefs, team_prefs, capacity, first)


needs_demo = pytest.mark.skipif(
    not any((DEMO / "selections").glob("*.yaml")), reason="the demo county has no selection yet"
)


@needs_demo
def test_the_demo_placement_has_no_blocking_pair(demo_repo):
    """The demo's two-way round, read back from the results, is stable and within quota."""
    checked = check_dir(demo_repo / "records")
    selections, _ = compute_selections(checked.records, checked.as_of)
    for result in selections:
        record = checked.records.selections[result["id"]].data
        if "two_way" in record:
            assert first_round_blocking_pairs(record, result) == []
        for p in result["placement"]:
            assert len(p["members"]) <= p["quota"]


@needs_demo
def test_changing_one_demo_preference_gives_a_new_stable_assignment(demo_repo):
    """An unplaced person moved to the top of a team they ranked blocks the old assignment;
    the recomputed one is stable again and places them there."""
    checked = check_dir(demo_repo / "records")
    selections, _ = compute_selections(checked.records, checked.as_of)
    choices = [
        (result, e["person"], t)
        for result in selections
        for e in checked.records.selections[result["id"]].data.get("two_way", {}).get("staff", [])
        if e["person"] in result["unplaced"]
        for t in e["teams"]
        if any(p["team"] == t and p["capacity"] for p in result["placement"])
    ]
    if not choices:
        pytest.skip("nobody in the demo is left unplaced with a team to block")
    result, person, team = choices[0]
    doc = checked.records.selections[result["id"]]
    record = copy.deepcopy(doc.data)
    entry = next(e for e in record["two_way"]["teams"] if e["team"] == team)
    entry["staff"] = [person] + [s for s in entry["staff"] if s != person]
    assert (person, team) in first_round_blocking_pairs(record, result)

    changed_doc = Document(doc.path, record)
    changed, _ = compute_selection(checked.records, changed_doc)
    findings = check_selection(checked.records, changed_doc, changed)
    assert [f for f in findings if f.severity == "error"] == []
    assert first_round_blocking_pairs(record, changed) == []
    assert person in next(p["members"] for p in changed["placement"] if p["team"] == team)
