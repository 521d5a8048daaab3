"""S1-S3 and Q1: who a vote elects, when another round is needed, a stable two-way placement.

Every expected number is worked out here from the rule. The policy in these tests has
quorum 2/3 (present >= 2/3 of eligible), majority 1/2 (votes > 1/2 of valid ballots), and
staff propose in the two-way selection unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from generator.checks.selection import check_selection_years, check_selections
from generator.compute import compute_selections
from generator.loader import parse
from generator.model import Records
from generator.pipeline import check_files
from generator.rules.elections import decide_round, share
from generator.rules.matching import deferred_acceptance

HALF, TWO_THIRDS = Fraction(1, 2), Fraction(2, 3)
HERE = Path(__file__).parent
MINI = HERE / "fixtures" / "mini" / "records"
DEMO = HERE.parent / "records"


# ---------------------------------------------------------------- shares and single rounds


@pytest.mark.parametrize(
    "votes, valid, expected",
    [
        (6, 8, "75.00"),
        (2, 3, "66.67"),  # 66.666... rounds up
        (1, 3, "33.33"),  # 33.333... rounds down
        (1, 160, "0.63"),  # exactly 0.625: half-up, not half-even (0.62)
        (3, 8, "37.50"),
        (0, 5, "0.00"),
        (0, 0, None),  # no valid ballot: no share
    ],
)
def test_share_is_percent_of_valid_ballots_rounded_half_up(votes, valid, expected):
    assert share(votes, valid) == expected


def ballots(eligible, present, valid, invalid=0):
    return {"eligible": eligible, "present": present, "valid": valid, "invalid": invalid}


@pytest.mark.parametrize(
    "case, votes, ball, seats, majority, outcome, winners",
    [
        # S1, one seat. 9 valid: more than half means at least 5.
        ("clear majority", [("a", 6), ("b", 3)], ballots(9, 9, 9), 1, HALF, "elected", ["a"]),
        ("plurality only", [("a", 4), ("b", 3), ("c", 2)], ballots(9, 9, 9), 1, HALF,
         "no_majority", []),
        # 10 valid: exactly half (5) is not more than half.
        ("exactly half", [("a", 5), ("b", 4)], ballots(10, 10, 10), 1, HALF, "no_majority", []),
        # A shared first place: nobody has "the most votes".
        ("tie", [("a", 5), ("b", 5)], ballots(10, 10, 10), 1, HALF, "tie", []),
        # 2/3 of 9 eligible is 6: 5 present is too few, 6 is enough.
        ("no quorum", [("a", 5)], ballots(9, 5, 5), 1, HALF, "no_quorum", []),
        ("quorum exactly", [("a", 5), ("b", 1)], ballots(9, 6, 6), 1, HALF, "elected", ["a"]),
        # A stricter majority from the policy: 2/3 of 9 valid is 6, so 6 is not enough.
        ("majority 2/3, 6 of 9", [("a", 6), ("b", 3)], ballots(9, 9, 9), 1, TWO_THIRDS,
         "no_majority", []),
        ("majority 2/3, 7 of 9", [("a", 7), ("b", 2)], ballots(9, 9, 9), 1, TWO_THIRDS,
         "elected", ["a"]),
        # S2, two seats, 10 valid ballots naming up to two each: more than half is 6 or more.
        ("two seats filled", [("a", 7), ("b", 6), ("c", 4), ("d", 3)], ballots(10, 10, 10), 2,
         HALF, "elected", ["a", "b"]),
        ("one seat left open", [("a", 7), ("b", 5), ("c", 4)], ballots(10, 10, 10), 2, HALF,
         "no_majority", ["a"]),
        ("tie for the last seat", [("a", 8), ("b", 6), ("c", 6)], ballots(10, 10, 10), 2, HALF,
         "tie", ["a"]),
        ("three tied for two seats", [("a", 6), ("b", 6), ("c", 6)], ballots(10, 10, 10), 2,
         HALF, "tie", []),
        ("tie below the seats", [("a", 8), ("b", 7), ("c", 2), ("d", 2)], ballots(10, 10, 10),
         2, HALF, "elected", ["a", "b"]),
        ("fewer nominees than seats", [("a", 8)], ballots(10, 10, 10), 2, HALF, "no_majority",
         ["a"]),
    ],
)  # fmt: skip
def test_decide_round(case, votes, ball, seats, majority, outcome, winners):
    assert decide_round(votes, ball, seats, TWO_THIRDS, majority) == (outcome, winners)


# ---------------------------------------------------------------- deferred acceptance by hand

# Four staff, two teams; X takes 2, Y takes 1. c and d each list one team only. a and b
# each rank first the team that ranks them last among its acceptable staff, so the
# staff-optimal and the teams-optimal stable assignments differ.
STAFF = {"a": ["X", "Y"], "b": ["Y", "X"], "c": ["X"], "d": ["Y"]}
TEAMS = {"X": ["b", "c", "a"], "Y": ["a", "b", "d"]}
CAPACITY = {"X": 2, "Y": 1}


def test_staff_proposing_gives_the_staff_optimal_assignment():
    # a->X, b->Y, c->X: X holds a, c (capacity 2), Y holds b. d->Y: Y ranks b (2nd) over
    # d (3rd), keeps b, refuses d; d has no other team and stays unplaced.
    assert deferred_acceptance(STAFF, TEAMS, CAPACITY, "staff") == {"X": ["a", "c"], "Y": ["b"]}


def test_teams_proposing_gives_the_teams_optimal_assignment():
    # X offers its top two, b and c; Y offers a. b holds X (its only offer), c holds X,
    # a holds Y. Both teams are full: X gets b instead of a, Y gets a instead of b, each
    # team's better stable partner; a and b each get their second choice.
    assert deferred_acceptance(STAFF, TEAMS, CAPACITY, "teams") == {"X": ["b", "c"], "Y": ["a"]}


def test_only_mutually_listed_pairs_are_matched():
    # c lists X but X does not list c: c is acceptable nowhere and X stays one short.
    assert deferred_acceptance({"c": ["X"]}, {"X": ["a"]}, {"X": 1}) == {"X": []}


# ---------------------------------------------------------------- a whole round, from records

POLICY = "year: 2025\nselection: {quorum: 2/3, majority: 1/2, proposing: staff}\n"
UNIT = """\
id: qs
establishment: 8
leader_posts: 3
teams:
  - {id: east, establishment: 4}
  - {id: west, establishment: 3}
"""
# person: (leadership member, team on the person's record)
PEOPLE = {
    "l1": (True, "east"),
    "l2": (True, "west"),
    "l3": (True, None),
    "s1": (False, "east"),
    "s2": (False, "west"),
    "s3": (False, "east"),
    "s4": (False, "east"),
    "s5": (False, None),
    "o1": (False, "east"),  # staff of the unit who does not take part
}

# East: l1 wins round 1 with 6 of 8 (> 4). West: round 1 is a tie 3-3; round 2 l2 wins 5 of
# 8. Deputies: s1 (5 of 8) for east, s2 (6 of 8) for west. Capacities: east 4 - 2 = 2,
# west 3 - 2 = 1. The two-way pool is s3, s4, s5 (l3 lost, is a leadership member and
# handed in no preferences). Staff propose: s3->east (held), s4->west (held), s5->west:
# west ranks s4 over s5 and refuses s5, whose list is done. East: s3; west: s4; s5 unplaced.
SELECTION = """\
id: qs-2025
unit: qs
title: 青石镇2025年竞争上岗
date: 2025-12-20
effective: 2026-01-01
participants: [l1, l2, l3, s1, s2, s3, s4, s5]
teams:
  - {team: east, quota: 4, deputy_seats: 1}
  - {team: west, quota: 3, deputy_seats: 1}
leader_votes:
  - team: east
    round: 1
    ballots: {eligible: 8, present: 8, valid: 8, invalid: 0}
    candidates:
      - {person: l1, votes: 6}
      - {person: l3, votes: 2}
  - team: west
    round: 1
    ballots: {eligible: 8, present: 7, valid: 6, invalid: 1}
    candidates:
      - {person: l2, votes: 3}
      - {person: l3, votes: 3}
  - team: west
    round: 2
    ballots: {eligible: 8, present: 8, valid: 8, invalid: 0}
    candidates:
      - {person: l2, votes: 5}
      - {person: l3, votes: 3}
deputy_votes:
  - team: east
    round: 1
    ballots: {eligible: 8, present: 8, valid: 8, invalid: 0}
    nominees:
      - {person: s1, votes: 5}
      - {person: s2, votes: 3}
  - team: west
    round: 1
    ballots: {eligible: 8, present: 8, valid: 8, invalid: 0}
    nominees:
      - {person: s2, votes: 6}
      - {person: s3, votes: 2}
two_way:
  staff:
    - {person: s3, teams: [east, west]}
    - {person: s4, teams: [west, east]}
    - {person: s5, teams: [west]}
  teams:
    - {team: east, staff: [s4, s3, s5]}
    - {team: west, staff: [s3, s4, s5]}
"""
BEFORE = dt.date(2025, 12, 31)  # the day before the selection takes effect
AFTER = dt.date(2026, 1, 10)


def person_yaml(pid: str, leadership: bool, team: str | None) -> str:
    """One stint in qs since 2020: a deputy (on the leadership) or staff, in a team or not."""
    stint = [
        "  - post: 科员",
        "    unit: qs",  # line 5
        "    rank: staff_member",
        f"    category: {'deputy' if leadership else 'staff'}",
    ]
    stint += [f"    team: {team}"] if team else []  # line 8
    lines = [f"id: {pid}", "status: active", "history:", *stint, "    start: 2020-01-01"]
    return "\n".join(lines + [""])


def records(selection: str = SELECTION, unit: str = UNIT, people=None) -> Records:
    rec = Records()
    rec.policies[2025] = parse("records/policy/2025.yaml", POLICY)
    rec.units["qs"] = parse("records/units/qs.yaml", unit)
    for pid, (leadership, team) in (people or PEOPLE).items():
        rec.people[pid] = parse(f"records/people/{pid}.yaml", person_yaml(pid, leadership, team))
    rec.selections["qs-2025"] = parse("records/selections/qs-2025.yaml", selection)
    return rec


def line_of(text: str, needle: str) -> int:
    """1-based line where the first occurrence of `needle` starts."""
    return text.count("\n", 0, text.index(needle)) + 1


def select(rec: Records, as_of: dt.date):
    """S1-S3 as the pipeline runs them: the year's policy checked first, then the rounds
    computed, then checked against the results: (selections, alerts, S findings)."""
    before = check_selection_years(rec, as_of)
    if before:
        return [], [], before
    selections, alerts = compute_selections(rec, as_of)
    return selections, alerts, check_selections(rec, {"selections": selections}, as_of)


def run(selection: str = SELECTION, as_of: dt.date = BEFORE, **kw):
    return select(records(selection, **kw), as_of)


def test_the_worked_round():
    [result], alerts, findings = run()
    assert findings == []
    east, west = result["leaders"]
    assert east == {
        "team": "east",
        "rounds": [
            {
                "round": 1,
                "ballots": ballots(8, 8, 8),
                "candidates": [
                    {"person": "l1", "votes": 6, "share": "75.00"},
                    {"person": "l3", "votes": 2, "share": "25.00"},
                ],
                "outcome": "elected",
                "winner": "l1",
            }
        ],
        "winner": "l1",
        "rounds_needed": 1,
        "rule": "S1",
    }
    assert [r["outcome"] for r in west["rounds"]] == ["tie", "elected"]
    assert west["rounds"][0]["candidates"][0]["share"] == "50.00"  # 3 of 6 valid
    assert west["rounds"][1]["candidates"][0]["share"] == "62.50"  # 5 of 8 valid
    assert (west["winner"], west["rounds_needed"]) == ("l2", 2)
    assert [(d["team"], d["seats"], d["winners"], d["rule"]) for d in result["deputies"]] == [
        ("east", 1, ["s1"], "S2"),
        ("west", 1, ["s2"], "S2"),
    ]
    assert result["placement"] == [
        {
            "team": "east",
            "quota": 4,
            "capacity": 2,
            "leader": "l1",
            "deputies": ["s1"],
            "members": ["l1", "s1", "s3"],
            "placed": [{"person": "s3", "round": 1}],
            "short": 1,
        },
        {
            "team": "west",
            "quota": 3,
            "capacity": 1,
            "leader": "l2",
            "deputies": ["s2"],
            "members": ["l2", "s2", "s4"],
            "placed": [{"person": "s4", "round": 1}],
            "short": 0,
        },
    ]
    assert result["unplaced"] == ["s5"]
    assert result["basis"]["parameters"] == {
        "quorum": "2/3",
        "majority": "1/2",
        "proposing": "staff",
    }
    assert result["sources"] == [
        "records/policy/2025.yaml",
        "records/selections/qs-2025.yaml",
        "records/units/qs.yaml",
    ]
    assert sorted((a["rule"], a["type"], a["person"]) for a in alerts) == [
        ("S3", "placement_by_unit", "s5"),
        ("S3", "team_short", None),
    ]


def test_teams_proposing_is_read_from_the_policy():
    # Teams propose: east offers s4 and s3, west offers s3. s4 holds east; s3 prefers east
    # and refuses west; west offers s4, who prefers west and leaves east; east offers s5,
    # who does not list east. The same assignment as when staff propose.
    rec = records()
    rec.policies[2025] = parse(
        "records/policy/2025.yaml",
        POLICY.replace("proposing: staff", "proposing: teams"),
    )
    [result], _, _ = select(rec, BEFORE)
    assert [p["members"] for p in result["placement"]] == [["l1", "s1", "s3"], ["l2", "s2", "s4"]]
    assert result["basis"]["parameters"]["proposing"] == "teams"


SECOND_ROUND = """\
second_round:
  staff:
    - {person: s5, teams: [east]}
  teams:
    - {team: east, staff: [s5]}
"""


def test_second_round_places_the_unplaced_in_the_short_teams():
    # After round 1 s5 is unplaced and east is one short: they now list each other.
    [result], alerts, findings = run(SELECTION + SECOND_ROUND)
    assert findings == []
    east = result["placement"][0]
    assert east["placed"] == [{"person": "s3", "round": 1}, {"person": "s5", "round": 2}]
    assert (east["short"], result["unplaced"]) == (0, [])
    assert alerts == []


def test_changing_one_preference_moves_to_the_new_stable_assignment():
    # West now ranks s5 above s4, so the old assignment (west: s4, s5 unplaced) is blocked
    # by s5 and west. Staff propose: s3->east (held), s4->west (held), s5->west: west keeps
    # s5 and refuses s4; s4->east, which has room for two. East: s3, s4; west: s5.
    text = SELECTION.replace(
        "{team: west, staff: [s3, s4, s5]}", "{team: west, staff: [s3, s5, s4]}"
    )
    [result], _, findings = run(text)
    assert findings == []
    assert [p["members"] for p in result["placement"]] == [
        ["l1", "s1", "s3", "s4"],
        ["l2", "s2", "s5"],
    ]
    assert result["unplaced"] == []


@pytest.mark.parametrize(
    "case, replace, severity, rule, needle",
    [
        # S1: a candidate who is not a leadership member of the unit, on its own line.
        ("non-leadership candidate", ("{person: l3, votes: 2}", "{person: s5, votes: 2}"),
         "error", "S1", "{person: s5, votes: 2}"),
        ("unknown candidate", ("{person: l3, votes: 2}", "{person: zz, votes: 2}"),
         "error", "S1", "{person: zz, votes: 2}"),
        # Round 1 already elected l1 for east: a round 2 for east is an error.
        ("round after a decision", ("  - team: west\n    round: 1", "  - team: east\n    round: 2"),
         "error", "S1", "round: 2"),
        # West round 1 is a tie; without its round 2 another round is needed.
        ("round skipped", ("    round: 2\n", "    round: 3\n"), "error", "S1", "round: 3"),
        # Eligible must equal the 8 participants of the open vote.
        ("eligible not participants",
         ("{eligible: 8, present: 8, valid: 8, invalid: 0}\n    candidates:\n      - {person: l1",
          "{eligible: 9, present: 8, valid: 8, invalid: 0}\n    candidates:\n      - {person: l1"),
         "error", "S1", "eligible: 9"),
        ("valid and invalid do not make present",
         ("{eligible: 8, present: 7, valid: 6, invalid: 1}",
          "{eligible: 8, present: 7, valid: 6, invalid: 0}"), "error", "S1", "present: 7"),
        ("present above eligible",
         ("{eligible: 8, present: 7, valid: 6, invalid: 1}",
          "{eligible: 8, present: 9, valid: 8, invalid: 1}"), "error", "S1", "present: 9"),
        ("votes above valid", ("{person: l1, votes: 6}", "{person: l1, votes: 9}"),
         "error", "S1", "{person: l1, votes: 9}"),
        # One seat: 8 valid ballots carry at most 8 votes; 6 + 3 = 9.
        ("sum above valid x seats", ("{person: l3, votes: 2}", "{person: l3, votes: 3}"),
         "error", "S1", "    candidates:"),
        ("new candidate in round 2", ("{person: l3, votes: 3}\ndeputy", "{person: l1, votes: 3}\ndeputy"),
         "warning", "S1", "{person: l1, votes: 3}"),
        # S2: a nominee must take part in the round.
        ("nominee not a participant", ("{person: s3, votes: 2}", "{person: o1, votes: 2}"),
         "error", "S2", "{person: o1, votes: 2}"),
        ("deputy also a leader", ("{person: s2, votes: 6}", "{person: l1, votes: 6}"),
         "error", "S2", "  - team: west\n    round: 1\n    ballots: {eligible: 8, present: 8"),
        ("team listed twice", ("  - {team: west, quota: 3", "  - {team: east, quota: 3"),
         "error", "S3", "  - {team: east, quota: 3"),
        # Q1: a team's quota above the unit's figure (east: 4), or below its elected seats.
        ("quota above the unit's", ("{team: east, quota: 4", "{team: east, quota: 5"),
         "error", "Q1", "{team: east, quota: 5"),
        ("quota below the seats", ("{team: west, quota: 3, deputy_seats: 1}",
                                   "{team: west, quota: 1, deputy_seats: 1}"),
         "error", "Q1", "{team: west, quota: 1"),
        # S3: a preference list for a team not in the round, and one for an elected deputy.
        ("unknown team in a preference", ("{person: s5, teams: [west]}", "{person: s5, teams: [north]}"),
         "error", "S3", "{person: s5, teams: [north]}"),
        ("elected deputy in the pool", ("{person: s5, teams: [west]}", "{person: s1, teams: [west]}"),
         "warning", "S3", "{person: s1, teams: [west]}"),
    ],
)  # fmt: skip
def test_findings_name_their_line(case, replace, severity, rule, needle):
    old, new = replace
    assert old in SELECTION
    text = SELECTION.replace(old, new, 1)
    _, _, findings = run(text)
    where = (severity, rule, line_of(text, needle))
    hits = [f for f in findings if (f.severity, f.rule, f.line) == where]
    assert hits, f"{case}: {[f.text() for f in findings]}"
    assert all(f.path == "records/selections/qs-2025.yaml" for f in hits)


def test_missing_round_is_a_warning_and_an_alert():
    # Drop west's round 2: round 1 was a tie, so a second round is needed.
    start = SELECTION.index("  - team: west\n    round: 2")
    end = SELECTION.index("deputy_votes:")
    text = SELECTION[:start] + SELECTION[end:]
    [result], alerts, findings = run(text)
    west = result["leaders"][1]
    assert (west["winner"], west["rounds_needed"]) == (None, 2)
    [f] = findings
    assert (f.severity, f.rule, f.line) == ("warning", "S1", line_of(text, "  - team: west"))
    assert "round needed" in f.message
    assert ("S1", "round_needed") in {(a["rule"], a["type"]) for a in alerts}
    # Without a leader, west has room for one more (3 - 1 deputy = 2): s4 is placed there.
    assert result["placement"][1]["capacity"] == 2


def test_placements_above_the_unit_establishment_are_q1_errors():
    # 6 people end in teams (3 in east, 3 in west); an establishment of 5 is exceeded.
    _, _, findings = run(unit=UNIT.replace("establishment: 8", "establishment: 5"))
    [f] = findings
    assert (f.rule, f.line) == ("Q1", line_of(SELECTION, "teams:"))


def test_more_teams_than_leadership_posts_is_a_q2_warning():
    # Two teams need two distinct leaders, drawn from the leadership members; with one
    # leadership post a team must stay without one.
    _, _, findings = run(unit=UNIT.replace("leader_posts: 3", "leader_posts: 1"))
    assert [(f.severity, f.rule, f.line) for f in findings] == [
        ("warning", "Q2", line_of(SELECTION, "teams:"))
    ]


def test_second_round_may_only_name_the_unplaced_and_the_short():
    # s4 was placed in round 1 and west was full: neither belongs in the second round.
    text = SELECTION + SECOND_ROUND.replace(
        "[east]}\n  teams", "[east]}\n    - {person: s4, teams: [west]}\n  teams"
    )
    _, _, findings = run(text)
    assert {(f.rule, f.line) for f in findings} == {
        ("S3", line_of(text, "{person: s4, teams: [west]}")),
    }


def test_people_records_are_checked_once_the_round_is_in_force():
    # In force: s4 was placed in west but its record says east; s5's record, after the
    # second round placed s5 in east, has no team. Everyone else matches.
    text = SELECTION + SECOND_ROUND
    assert run(text, BEFORE)[2] == []
    _, _, findings = run(text, AFTER)
    assert sorted((f.path, f.line, f.severity, f.rule) for f in findings) == [
        ("records/people/s4.yaml", 8, "warning", "S3"),  # the current stint's team line
        ("records/people/s5.yaml", 5, "warning", "S3"),  # no team: its unit line
    ]


def test_selections_after_the_as_of_date_are_left_out():
    assert run(as_of=dt.date(2025, 12, 19)) == ([], [], [])


def test_no_policy_for_the_year_is_an_error():
    rec = records()
    rec.policies = {2024: parse("records/policy/2024.yaml", POLICY.replace("2025", "2024"))}
    selections, _, [f] = select(rec, BEFORE)
    assert (selections, f.rule, f.line) == ([], "policy", line_of(SELECTION, "date:"))


# ---------------------------------------------------------------- end to end


def mini_files() -> dict[str, bytes]:
    return {p.relative_to(MINI).as_posix(): p.read_bytes() for p in MINI.rglob("*.yaml")}


HEXI_SELECTION = """\
id: hexi-2025
unit: hexi
title: 河西镇2025年竞争上岗
date: 2025-12-01
effective: 2025-12-15
participants: [hx-001, hx-002, hx-003, hx-004]
teams:
  - {team: east, quota: 3, deputy_seats: 1}
  - {team: farm, quota: 2, deputy_seats: 0}
leader_votes:
  - team: east
    round: 1
    ballots: {eligible: 4, present: 4, valid: 4, invalid: 0}
    candidates:
      - {person: hx-002, votes: 3}
      - {person: hx-001, votes: 1}
deputy_votes:
  - team: east
    round: 1
    ballots: {eligible: 4, present: 3, valid: 3, invalid: 0}
    nominees:
      - {person: hx-003, votes: 2}
      - {person: hx-004, votes: 1}
two_way:
  staff:
    - {person: hx-004, teams: [farm, east]}
  teams:
    - {team: east, staff: [hx-004]}
    - {team: farm, staff: [hx-004]}
"""


def test_a_schema_valid_selection_computes_through_the_pipeline():
    # hx-002 leads east (3 of 4 > 2), hx-003 is its deputy (2 of 3 > 1.5), hx-004 goes to
    # farm, the first choice. farm has no leader vote: a warning that a round is needed.
    files = mini_files() | {"selections/hexi-2025.yaml": HEXI_SELECTION.encode()}
    checked = check_files(files)  # as of the latest event of the mini county
    assert [f.text() for f in checked.findings if f.severity == "error"] == []
    [result], _, findings = select(checked.records, checked.as_of)
    assert [p["members"] for p in result["placement"]] == [["hx-002", "hx-003"], ["hx-004"]]
    assert [(f.severity, f.rule, f.line) for f in findings] == [
        ("warning", "S1", line_of(HEXI_SELECTION, "{team: farm"))
    ]


@pytest.mark.skipif(
    not (DEMO / "selections").is_dir() or not any((DEMO / "selections").glob("*.yaml")),
    reason="the demo county has no selection yet",
)
def test_the_demo_county_selection_computes_without_errors(demo_repo):
    from generator.pipeline import check_dir

    checked = check_dir(demo_repo / "records")
    selections, _, findings = select(checked.records, checked.as_of)
    assert selections
    assert [f.text() for f in findings if f.severity == "error"] == []
    for s in selections:
        for p in s["placement"]:
            assert len(p["members"]) <= p["quota"]
