"""S3: two-way selection of the staff left after the elections, within team quotas (Q1).

Choices the policy leaves open, made here once:

- The two-way pool is every participant who was not elected leader or deputy; leadership
  members who lost the vote join it only if they handed in preferences (otherwise the
  party committee places them). A pair is acceptable only when each side lists the other.
- A second round, when recorded, places those the first left unplaced into the teams it
  left short. Names outside the round are not placed (the check stage reports them).
"""

from __future__ import annotations

from ..dates import parse_date
from ..model import Records
from .shared import leadership_member, stint_at

CLAUSE_S3 = "干部推领导、领导选干部，片线干部双向选择；站所人员安排打破条块分割，统筹竞争安排"
CLAUSE_Q1 = "各乡镇按照“精简、统一、效能”原则，编制具体明确到片线，明确不得超编进人"


def deferred_acceptance(
    staff_prefs: dict[str, list[str]],
    team_prefs: dict[str, list[str]],
    capacity: dict[str, int],
    proposing: str = "staff",
) -> dict[str, list[str]]:
    """S3: a stable assignment of staff to teams by deferred acceptance (Gale-Shapley).

    The proposing side gets its best stable assignment (the policy chooses the side). A pair
    is acceptable only when each lists the other; nobody exceeds a team's capacity. The
    result does not depend on the order of the dicts. Returns team -> members sorted by id.
    """
    open_teams = {t for t, c in capacity.items() if c > 0}
    staff_sets = {s: set(ts) for s, ts in staff_prefs.items()}
    staff_list = {
        s: [t for t in ts if t in open_teams and s in team_prefs.get(t, ())]
        for s, ts in staff_prefs.items()
    }
    team_list = {
        t: [s for s in ss if t in staff_sets.get(s, ())]
        for t, ss in team_prefs.items()
        if t in open_teams
    }
    members: dict[str, set[str]] = {t: set() for t in capacity}
    if proposing == "staff":
        rank = {t: {s: i for i, s in enumerate(ss)} for t, ss in team_list.items()}
        nxt = dict.fromkeys(staff_list, 0)
        free = sorted(staff_list, reverse=True)  # a stack: smallest id proposes first
        while free:
            s = free.pop()
            if nxt[s] == len(staff_list[s]):
                continue  # every acceptable team has refused: unplaced
            t = staff_list[s][nxt[s]]
            nxt[s] += 1
            members[t].add(s)
            if len(members[t]) > capacity[t]:
                worst = max(members[t], key=rank[t].__getitem__)
                members[t].remove(worst)
                free.append(worst)
    else:
        rank = {s: {t: i for i, t in enumerate(ts)} for s, ts in staff_list.items()}
        held: dict[str, str] = {}
        nxt = dict.fromkeys(team_list, 0)
        proposed = True
        while proposed:
            proposed = False
            for t in sorted(team_list):
                while len(members[t]) < capacity[t] and nxt[t] < len(team_list[t]):
                    s = team_list[t][nxt[t]]
                    nxt[t] += 1
                    proposed = True
                    current = held.get(s)
                    if current is None or rank[s][t] < rank[s][current]:
                        if current is not None:
                            members[current].remove(s)
                        held[s] = t
                        members[t].add(s)
    return {t: sorted(ms) for t, ms in members.items()}


def elected_people(leaders: list[dict], deputies: list[dict]) -> set[str]:
    """Everyone S1 or S2 elected."""
    return {r["winner"] for r in leaders if r["winner"]} | {
        p for r in deputies for p in r["winners"]
    }


def leadership_on(rec: Records, data: dict) -> set[str]:
    """The participants on the unit's leadership on the selection's date (by their stints)."""
    day = parse_date(data["date"])
    return {
        pid
        for pid in data["participants"]
        if pid in rec.people and leadership_member(stint_at(rec.people[pid].data, day))
    }


def two_way_pool(data: dict, elected: set[str], leadership: set[str]) -> set[str]:
    """S3: the participants two-way selection places (see the module's docstring)."""
    listed = {e["person"] for e in data.get("two_way", {}).get("staff", [])}
    return {
        pid
        for pid in data["participants"]
        if pid not in elected and (pid not in leadership or pid in listed)
    }


def capacities(data: dict, leaders: list[dict], deputies: list[dict]) -> dict[str, int]:
    """S3: the seats two-way selection may fill per team: its quota less those elected to it."""
    leader_of = {r["team"]: r["winner"] for r in leaders}
    deputies_of = {r["team"]: r["winners"] for r in deputies}
    return {
        t["team"]: max(
            0,
            t["quota"]
            - (1 if leader_of.get(t["team"]) else 0)
            - len(deputies_of.get(t["team"], [])),
        )
        for t in data["teams"]
    }


def preference_lists(
    block: dict, pool: set[str], teams: set[str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """S3: the staff's and the teams' lists of one round, keeping only names in the round:
    people of the pool and open teams; a person or team listed twice counts once."""
    staff: dict[str, list[str]] = {}
    for entry in block["staff"]:
        pid = entry["person"]
        if pid not in staff and pid in pool:
            staff[pid] = [t for t in entry["teams"] if t in teams]
    lists: dict[str, list[str]] = {}
    for entry in block["teams"]:
        t = entry["team"]
        if t not in lists and t in teams:
            lists[t] = [pid for pid in entry["staff"] if pid in pool]
    return staff, lists


def two_way(
    data: dict,
    leaders: list[dict],
    deputies: list[dict],
    leadership: set[str],
    proposing: str,
) -> tuple[list[dict], list[str]]:
    """S3: deferred acceptance into the seats the elections left, then an optional second
    round for those left unplaced: (placement per team, the unplaced)."""
    leader_of = {r["team"]: r["winner"] for r in leaders}
    deputies_of = {r["team"]: r["winners"] for r in deputies}
    pool = two_way_pool(data, elected_people(leaders, deputies), leadership)
    capacity = capacities(data, leaders, deputies)
    placed: dict[str, list[tuple[str, int]]] = {t: [] for t in capacity}
    if "two_way" in data:
        staff, lists = preference_lists(data["two_way"], pool, set(capacity))
        for t, ms in deferred_acceptance(staff, lists, capacity, proposing).items():
            placed[t] += [(m, 1) for m in ms]
    taken = {m for ms in placed.values() for m, _ in ms}
    if "second_round" in data:
        short = {t: capacity[t] - len(placed[t]) for t in capacity}
        open_teams = {t for t, k in short.items() if k > 0}
        staff, lists = preference_lists(data["second_round"], pool - taken, open_teams)
        for t, ms in deferred_acceptance(staff, lists, short, proposing).items():
            placed[t] += [(m, 2) for m in ms]
        taken = {m for ms in placed.values() for m, _ in ms}
    placement = []
    for t in data["teams"]:
        team = t["team"]
        leader = leader_of.get(team)
        members = ([leader] if leader else []) + deputies_of.get(team, [])
        members += sorted(m for m, _ in placed[team])
        placement.append(
            {
                "team": team,
                "quota": t["quota"],
                "capacity": capacity[team],
                "leader": leader,
                "deputies": deputies_of.get(team, []),
                "members": members,
                "placed": [{"person": m, "round": r} for m, r in sorted(placed[team])],
                "short": capacity[team] - len(placed[team]),
            }
        )
    return placement, sorted(pool - taken)
