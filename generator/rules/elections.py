"""S1-S2: team leaders by open vote and deputies by secret ballot, round by round.

A competitive-appointment round (竞争上岗) has three steps, each resting on the previous
one: team leaders by open vote (S1), deputies by secret ballot (S2), and everyone else by
two-way selection (S3, `matching`) into the seats the first two leave. The record holds
counts only; this module decides who is elected and whether another round is needed.
Whether the counts add up is checked in `checks.selection`, which reads the same tallies.

Choices the policy leaves open, made here once:

- "The most votes" comes before "more than the majority share": when the seats cannot be
  decided by rank because candidates share the last winning place, the outcome is `tie`
  (another round), even if none of them has a majority either; otherwise a seat left open
  is `no_majority`. Candidates who rank clearly inside the seats and hold a majority are
  elected even when another seat of the same vote stays open (S2 with several seats).
- `rounds_needed` is the round that filled the last seat, or, while a seat is open, the
  number of the round still to be held (a warning and an alert ask for it).
- A later round re-votes only the seats still open. A round recorded twice, or after every
  seat was filled, is not counted (the check stage reports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CLAUSE_S1 = "片线长由参与竞岗的全体干部职工，从班子成员中通过公开投票产生"
CLAUSE_S2 = "副片线长降低任职门槛，采取无记名投票海选方式，从全体干部职工中竞争推选产生"

# Each kind of vote: its rule, the key of its people in the record, and the post it fills.
VOTE_KINDS = {
    "leader_votes": ("S1", "candidates", "片线长"),
    "deputy_votes": ("S2", "nominees", "副片线长"),
}


def share(votes: int, valid: int) -> str | None:
    """Votes as a percentage of valid ballots, two decimals, rounded half-up.

    The quotient is taken to 28 significant digits first; with counts below a million no
    quotient lies that close to a half-cent without being exactly on it.
    """
    if valid == 0:
        return None
    percent = Decimal(votes * 100) / Decimal(valid)
    return str(percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def has_quorum(ballots: dict, quorum: Fraction) -> bool:
    """S1/S2: enough of those eligible came to vote."""
    return ballots["eligible"] > 0 and ballots["present"] >= quorum * ballots["eligible"]


def decide_round(
    votes: list[tuple[str, int]], ballots: dict, seats: int, quorum: Fraction, majority: Fraction
) -> tuple[str, list[str]]:
    """S1/S2: the outcome of one round for `seats` open seats, and who it elects.

    A winner ranks inside the seats by votes, alone at its place, and holds more than the
    majority share of valid ballots. Outcome: `elected` when every seat is filled, `no_quorum`
    when too few came, `tie` when a shared place at the last seat leaves a seat undecided,
    `no_majority` otherwise.
    """
    if not has_quorum(ballots, quorum):
        return "no_quorum", []
    ranked = sorted(votes, key=lambda c: (-c[1], c[0]))
    tie = len(ranked) > seats and ranked[seats][1] == ranked[seats - 1][1]
    boundary = ranked[seats - 1][1] if tie else None
    threshold = majority * ballots["valid"]
    winners = [p for p, v in ranked[:seats] if v > threshold and v != boundary]
    if len(winners) == seats:
        return "elected", winners
    return ("tie" if tie else "no_majority"), winners


@dataclass(frozen=True)
class Tally:
    """One recorded round of one team's vote, as the count treats it."""

    index: int  # its place in the record's list of votes
    vote: dict
    status: str  # counted, repeat (its round number again), after_filled (no seat left)
    follows: int  # the last round counted before it (0 for none)
    open_seats: int  # seats still open when it was held
    previous: frozenset[str] | None  # the previous counted round's candidates not elected
    outcome: str | None = None
    winners: tuple[str, ...] = ()


def tally_team(
    data: dict, key: str, team: str, seats: int, quorum: Fraction, majority: Fraction
) -> list[Tally]:
    """S1/S2: every recorded round of one team's vote, in round order, counted or not."""
    names = VOTE_KINDS[key][1]
    entries = sorted(
        ((n, v) for n, v in enumerate(data.get(key, [])) if v["team"] == team),
        key=lambda nv: (nv[1]["round"], nv[0]),
    )
    out: list[Tally] = []
    remaining, previous, last = seats, None, 0
    for n, vote in entries:
        if vote["round"] == last:
            out.append(Tally(n, vote, "repeat", last, remaining, previous))
            continue
        if remaining == 0:
            out.append(Tally(n, vote, "after_filled", last, 0, previous))
            continue
        votes = [(c["person"], c["votes"]) for c in vote[names]]
        outcome, winners = decide_round(votes, vote["ballots"], remaining, quorum, majority)
        out.append(Tally(n, vote, "counted", last, remaining, previous, outcome, tuple(winners)))
        remaining -= len(winners)
        previous = frozenset(p for p, _ in votes) - set(winners)
        last = vote["round"]
    return out


def vote_result(key: str, team: str, seats: int, tallies: list[Tally]) -> dict:
    """S1/S2: one team's vote as results: its counted rounds, who won, rounds needed."""
    rule, names, _ = VOTE_KINDS[key]
    rounds, elected, last = [], [], 0
    for t in tallies:
        if t.status != "counted":
            continue
        ballots = t.vote["ballots"]
        entry = {
            "round": t.vote["round"],
            "ballots": {k: ballots[k] for k in ("eligible", "present", "valid", "invalid")},
            "candidates": [
                {
                    "person": c["person"],
                    "votes": c["votes"],
                    "share": share(c["votes"], ballots["valid"]),
                }
                for c in t.vote[names]
            ],
            "outcome": t.outcome,
        }
        if rule == "S1":
            entry["winner"] = t.winners[0] if t.winners else None
        else:
            entry["seats"] = t.open_seats
            entry["winners"] = list(t.winners)
        rounds.append(entry)
        elected += t.winners
        last = t.vote["round"]
    result: dict = {"team": team, "rounds": rounds}
    if rule == "S1":
        result["winner"] = elected[0] if elected else None
    else:
        result["seats"] = seats
        result["winners"] = elected
    result["rounds_needed"] = last + 1 if len(elected) < seats else last
    result["rule"] = rule
    return result


def elections(
    data: dict, quorum: Fraction, majority: Fraction
) -> tuple[list[dict], list[dict], list[tuple[str, str]]]:
    """S1 for every team of the round and S2 for every team with deputy seats:
    (leader results, deputy results, (rule, message) of every seat still open)."""
    leaders, deputies, open_seats = [], [], []
    for t in data["teams"]:
        votes = [("leader_votes", 1, leaders)]
        if t["deputy_seats"]:
            votes.append(("deputy_votes", t["deputy_seats"], deputies))
        for key, seats, into in votes:
            tallies = tally_team(data, key, t["team"], seats, quorum, majority)
            result = vote_result(key, t["team"], seats, tallies)
            into.append(result)
            filled = [result["winner"]] if key == "leader_votes" else result["winners"]
            remaining = seats - len([p for p in filled if p])
            if remaining:
                rule, _, post = VOTE_KINDS[key]
                open_seats.append(
                    (
                        rule,
                        f"片线 {t['team']} 尚有 {remaining} 个{post}名额未选出，"
                        f"需进行第 {result['rounds_needed']} 轮投票",
                    )
                )
    return leaders, deputies, open_seats
