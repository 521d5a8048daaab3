"""S rules: competitive appointment (竞争上岗) of one township round, under the quotas (Q1, Q2).

A round has three steps, each resting on the previous one: team leaders by open vote (S1),
deputies by secret ballot (S2), and everyone else by two-way selection (S3) into the seats
the first two steps leave. The record holds counts only; this module decides who is
elected, whether another round is needed, and who goes where, and reports every count
that does not add up on its own line.

Choices the policy leaves open, made here once:

- Open vote (S1): every participant may vote, so the eligible count of a leader vote must
  equal the number of participants. The secret ballot (S2) is not held to this, since a
  unit may let each team's members alone elect its deputies.
- "The most votes" comes before "more than the majority share": when the seats cannot be
  decided by rank because candidates share the last winning place, the outcome is `tie`
  (another round), even if none of them has a majority either; otherwise a seat left open
  is `no_majority`. Candidates who rank clearly inside the seats and hold a majority are
  elected even when another seat of the same vote stays open (S2 with several seats).
- `rounds_needed` is the round that filled the last seat, or, while a seat is open, the
  number of the round still to be held (a warning and an alert ask for it).
- A later round re-votes only the seats still open, among candidates of the previous round
  who were not elected; a newcomer is a warning, not an error, because a unit may re-open
  nominations after a failed round and the paper is silent on it.
- The two-way pool is every participant who was not elected leader or deputy; leadership
  members who lost the vote join it only if they handed in preferences (otherwise the
  party committee places them). A pair is acceptable only when each side lists the other.
- Selections dated after the as-of date have not happened yet and are left out; people's
  records are compared with the latest selection of their unit in force on the as-of date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .dates import parse_date
from .findings import Finding, error, warning
from .loader import Document
from .model import Records

ACTIVE = ("active", "suspended")

# Clauses of the county's paper each rule rests on (the basis shown with every selection).
CLAUSE_S1 = "片线长由参与竞岗的全体干部职工，从班子成员中通过公开投票产生"
CLAUSE_S2 = "副片线长降低任职门槛，采取无记名投票海选方式，从全体干部职工中竞争推选产生"
CLAUSE_S3 = "干部推领导、领导选干部，片线干部双向选择；站所人员安排打破条块分割，统筹竞争安排"
CLAUSE_Q1 = "各乡镇按照“精简、统一、效能”原则，编制具体明确到片线，明确不得超编进人"


# ---------------------------------------------------------------- pure rules


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


# ---------------------------------------------------------------- one selection record


@dataclass
class _Sheet:
    """One selection being computed: its document, parameters and what it has found so far."""

    rec: Records
    doc: Document
    quorum: Fraction
    majority: Fraction
    proposing: str
    findings: list[Finding] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def data(self) -> dict:
        return self.doc.data

    def error(self, path: tuple, rule: str, message: str, hint: str = "", **kw) -> None:
        self.findings.append(error(self.doc.path, *self._at(path, **kw), rule, message, hint))

    def warning(self, path: tuple, rule: str, message: str, hint: str = "", **kw) -> None:
        self.findings.append(warning(self.doc.path, *self._at(path, **kw), rule, message, hint))

    def _at(self, path: tuple, at_key: bool = False) -> tuple[int, int]:
        """The value at `path`, or its key when the finding is about a whole list."""
        return self.doc.key_where(path) if at_key else self.doc.where(path)

    def alert(self, rule: str, kind: str, message: str, person: str | None = None) -> None:
        self.alerts.append(
            {
                "rule": rule,
                "type": kind,
                "person": person,
                "unit": self.data["unit"],
                "date": self.data["date"],
                "message": message,
                "sources": list(self.sources),
            }
        )


def _check_ballots(sheet: _Sheet, path: tuple, ballots: dict, rule: str) -> None:
    """Totals add up: valid + invalid == present <= eligible (and eligible == participants for S1)."""
    if ballots["valid"] + ballots["invalid"] != ballots["present"]:
        sheet.error(
            path + ("valid",),
            rule,
            "有效票与无效票之和应等于实到人数 (valid + invalid must equal present)",
        )
    if ballots["present"] > ballots["eligible"]:
        sheet.error(path + ("present",), rule, "实到人数超过应到人数 (more present than eligible)")
    if rule == "S1" and ballots["eligible"] != len(sheet.data["participants"]):
        sheet.error(
            path + ("eligible",),
            rule,
            f"公开投票的应到人数应等于参加人员数 {len(sheet.data['participants'])} "
            "(eligible must equal the number of participants)",
            "全体参加竞岗的人员都有投票资格",
        )


def _check_candidate(sheet: _Sheet, path: tuple, pid: str, rule: str) -> None:
    """S1 candidates are leadership members of the unit; S2 nominees are staff taking part."""
    person = sheet.rec.people.get(pid)
    if person is None:
        sheet.error(path, rule, f"人员 {pid} 不存在 (unknown person)")
        return
    p = person.data
    if rule == "S1" and (p["unit"] != sheet.data["unit"] or not p["leadership_member"]):
        sheet.error(
            path,
            rule,
            f"候选人 {pid} 不是本单位班子成员 (candidate is not a leadership member of the unit)",
            "片线长只能从本单位班子成员中产生",
        )
    if rule == "S2" and (p["unit"] != sheet.data["unit"] or pid not in sheet.data["participants"]):
        sheet.error(
            path,
            rule,
            f"被提名人 {pid} 不是参加本次竞岗的本单位人员 (nominee is not a participant of the unit)",
            "副片线长从参加竞岗的全体人员中推选",
        )


def _vote_team(sheet: _Sheet, key: str, team: str, seats: int, where: tuple) -> dict:
    """S1/S2: every recorded round of one team's vote, in order, checked against the last.

    `key` is `leader_votes` (S1, one seat) or `deputy_votes` (S2); `where` locates the team's
    line for a finding when it has no vote at all.
    """
    rule = "S1" if key == "leader_votes" else "S2"
    names = "candidates" if rule == "S1" else "nominees"
    entries = sorted(
        ((n, v) for n, v in enumerate(sheet.data.get(key, [])) if v["team"] == team),
        key=lambda nv: (nv[1]["round"], nv[0]),
    )
    remaining, elected, rounds = seats, [], []
    previous: set[str] | None = None
    last_path, last_round = where, 0
    for n, vote in entries:
        path = (key, n)
        r = vote["round"]
        if r == last_round:
            sheet.error(
                path + ("round",), rule, f"片线 {team} 第 {r} 轮重复 (round recorded twice)"
            )
            continue
        if r != last_round + 1:
            sheet.error(
                path + ("round",),
                rule,
                f"片线 {team} 缺少第 {last_round + 1} 轮 (round {r} follows round {last_round})",
            )
        if remaining == 0:
            sheet.error(
                path + ("round",),
                rule,
                f"片线 {team} 已在前一轮选出，不应再有第 {r} 轮 "
                "(another round recorded after the seats were filled)",
                "删除多余的轮次，或更正前一轮的票数",
            )
            continue
        ballots = vote["ballots"]
        _check_ballots(sheet, path + ("ballots",), ballots, rule)
        people = vote[names]
        listed: set[str] = set()
        total = 0
        for j, c in enumerate(people):
            cpath = path + (names, j, "person")
            _check_candidate(sheet, cpath, c["person"], rule)
            if c["person"] in listed:
                sheet.error(cpath, rule, f"{c['person']} 在本轮重复列出 (listed twice)")
            listed.add(c["person"])
            if previous is not None and c["person"] not in previous:
                sheet.warning(
                    cpath,
                    rule,
                    f"{c['person']} 不在上一轮未当选的候选人中 (not a remaining candidate of the previous round)",
                    "再次投票通常在上一轮候选人中进行",
                )
            if c["votes"] > ballots["valid"]:
                sheet.error(
                    path + (names, j, "votes"),
                    rule,
                    "得票超过有效票数 (votes exceed the valid ballots)",
                )
            total += c["votes"]
        if total > ballots["valid"] * remaining:
            sheet.error(
                path + (names,),
                rule,
                f"得票合计 {total} 超过有效票数乘以应选名额 {ballots['valid']}×{remaining} "
                "(each ballot may name at most as many as there are seats)",
                at_key=True,
            )
        votes = [(c["person"], c["votes"]) for c in people]
        outcome, winners = decide_round(votes, ballots, remaining, sheet.quorum, sheet.majority)
        entry = {
            "round": r,
            "ballots": {k: ballots[k] for k in ("eligible", "present", "valid", "invalid")},
            "candidates": [
                {"person": p, "votes": v, "share": share(v, ballots["valid"])} for p, v in votes
            ],
            "outcome": outcome,
        }
        if rule == "S1":
            entry["winner"] = winners[0] if winners else None
        else:
            entry["seats"] = remaining
            entry["winners"] = winners
        rounds.append(entry)
        elected += winners
        remaining -= len(winners)
        previous = {p for p, _ in votes} - set(winners)
        last_path, last_round = path, r
    if remaining:
        post = "片线长" if rule == "S1" else "副片线长"
        sheet.warning(
            last_path,
            rule,
            f"片线 {team} 尚有 {remaining} 个{post}名额未选出，需另行投票 (round needed)",
            f"记录第 {last_round + 1} 轮投票结果",
        )
        sheet.alert(
            rule,
            "round_needed",
            f"片线 {team} 尚有 {remaining} 个{post}名额未选出，需进行第 {last_round + 1} 轮投票",
        )
    result = {"team": team, "rounds": rounds}
    if rule == "S1":
        result["winner"] = elected[0] if elected else None
    else:
        result["seats"] = seats
        result["winners"] = elected
    result["rounds_needed"] = last_round + 1 if remaining else last_round
    result["rule"] = rule
    return result


def _elections(sheet: _Sheet) -> tuple[list[dict], list[dict]]:
    """S1 and S2 for every team; nobody elected twice; no vote for a team not in the round."""
    s = sheet.data
    teams = {t["team"]: t for t in s["teams"]}
    for n, t in enumerate(s["teams"]):
        if [u["team"] for u in s["teams"]].index(t["team"]) != n:
            sheet.error(
                ("teams", n, "team"), "S3", f"片线 {t['team']} 重复列出 (team listed twice)"
            )
    for key, rule in (("leader_votes", "S1"), ("deputy_votes", "S2")):
        for n, vote in enumerate(s.get(key, [])):
            if vote["team"] not in teams:
                sheet.error(
                    (key, n, "team"),
                    rule,
                    f"片线 {vote['team']} 不在本次竞岗的片线定员中 (team not in this round)",
                    "先在 teams 中列出该片线",
                )
    leaders, deputies = [], []
    for n, t in enumerate(s["teams"]):
        leaders.append(_vote_team(sheet, "leader_votes", t["team"], 1, ("teams", n, "team")))
        has_votes = any(v["team"] == t["team"] for v in s.get("deputy_votes", []))
        if t["deputy_seats"] == 0 and has_votes:
            sheet.error(
                ("teams", n, "deputy_seats"),
                "S2",
                f"片线 {t['team']} 没有副片线长名额却有投票记录 (deputy vote for a team with no seats)",
            )
        elif t["deputy_seats"]:
            deputies.append(
                _vote_team(sheet, "deputy_votes", t["team"], t["deputy_seats"], ("teams", n))
            )
    seen: dict[str, str] = {}
    names = {"leader_votes": "candidates", "deputy_votes": "nominees"}
    posts = [(r["team"], [r["winner"]] if r["winner"] else [], "leader_votes") for r in leaders]
    posts += [(r["team"], r["winners"], "deputy_votes") for r in deputies]
    for team, winners, key in posts:
        for pid in winners:
            if pid in seen:
                n = max(
                    i
                    for i, v in enumerate(s[key])
                    if v["team"] == team and pid in {c["person"] for c in v[names[key]]}
                )
                sheet.error(
                    (key, n, "team"),
                    "S1" if key == "leader_votes" else "S2",
                    f"{pid} 已在片线 {seen[pid]} 当选，不能再在片线 {team} 当选 (elected in two teams)",
                )
            else:
                seen[pid] = team
    return leaders, deputies


# S3: what a name outside the round means, for the first round and for the second.
_OUTSIDE = {
    "two_way": (
        "{pid} 不在双向选择的人员中 (not in the two-way pool)",
        "片线 {team} 不在本次竞岗的片线中 (team not in this round)",
    ),
    "second_round": (
        "{pid} 不是第一轮未落实的人员 (not left unplaced by the first round)",
        "片线 {team} 第一轮后并不缺人 (team not left short by the first round)",
    ),
}


def _preferences(
    sheet: _Sheet, key: str, pool: set[str], teams: set[str], elected: set[str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """S3: the staff's and the teams' lists of one two-way round, each name checked."""
    block = sheet.data[key]
    not_in_pool, not_open = _OUTSIDE[key]
    staff: dict[str, list[str]] = {}
    for n, entry in enumerate(block["staff"]):
        pid, path = entry["person"], (key, "staff", n, "person")
        if pid in staff:
            sheet.error(path, "S3", f"{pid} 的志愿重复填写 (preferences given twice)")
        elif pid in elected:
            sheet.warning(
                path,
                "S3",
                f"{pid} 已当选片线长或副片线长，不参加双向选择 (elected, so not in the two-way pool)",
            )
        elif pid not in pool:
            sheet.error(path, "S3", not_in_pool.format(pid=pid))
        else:
            for j, t in enumerate(entry["teams"]):
                if t not in teams:
                    sheet.error(
                        (key, "staff", n, "teams", j),
                        "S3",
                        not_open.format(team=t),
                    )
            staff[pid] = [t for t in entry["teams"] if t in teams]
    lists: dict[str, list[str]] = {}
    for n, entry in enumerate(block["teams"]):
        t, path = entry["team"], (key, "teams", n, "team")
        if t in lists:
            sheet.error(path, "S3", f"片线 {t} 的选人名单重复 (team listed twice)")
            continue
        if t not in teams:
            sheet.error(path, "S3", not_open.format(team=t))
            continue
        for j, pid in enumerate(entry["staff"]):
            if pid not in pool and pid not in elected:
                sheet.error(
                    (key, "teams", n, "staff", j),
                    "S3",
                    not_in_pool.format(pid=pid),
                )
        lists[t] = [pid for pid in entry["staff"] if pid in pool]
    return staff, lists


def _two_way(sheet: _Sheet, leaders: list[dict], deputies: list[dict]) -> tuple[list[dict], list]:
    """S3 and Q1: capacities after the elections, deferred acceptance, an optional second round."""
    s = sheet.data
    leader_of = {r["team"]: r["winner"] for r in leaders}
    deputies_of = {r["team"]: r["winners"] for r in deputies}
    elected = {p for p in leader_of.values() if p} | {p for ws in deputies_of.values() for p in ws}
    listed = {e["person"] for e in s.get("two_way", {}).get("staff", [])}
    pool = set()
    for pid in s["participants"]:
        person = sheet.rec.people.get(pid)
        leadership = person is not None and person.data["leadership_member"]
        if pid not in elected and (not leadership or pid in listed):
            pool.add(pid)
    capacity = {}
    for n, t in enumerate(s["teams"]):
        seated = (1 if leader_of.get(t["team"]) else 0) + len(deputies_of.get(t["team"], []))
        if 1 + t["deputy_seats"] > t["quota"]:
            sheet.error(
                ("teams", n, "quota"),
                "Q1",
                f"片线 {t['team']} 定员 {t['quota']} 人容纳不下片线长和 {t['deputy_seats']} 名副片线长 "
                "(quota below the elected seats)",
            )
        capacity[t["team"]] = max(0, t["quota"] - seated)
    placed: dict[str, list[tuple[str, int]]] = {t: [] for t in capacity}
    if "two_way" in s:
        staff, lists = _preferences(sheet, "two_way", pool, set(capacity), elected)
        for t, ms in deferred_acceptance(staff, lists, capacity, sheet.proposing).items():
            placed[t] += [(m, 1) for m in ms]
    taken = {m for ms in placed.values() for m, _ in ms}
    if "second_round" in s:
        left = pool - taken
        short = {t: capacity[t] - len(placed[t]) for t in capacity}
        open_teams = {t for t, k in short.items() if k > 0}
        staff, lists = _preferences(sheet, "second_round", left, open_teams, elected)
        for t, ms in deferred_acceptance(staff, lists, short, sheet.proposing).items():
            placed[t] += [(m, 2) for m in ms]
        taken = {m for ms in placed.values() for m, _ in ms}
    placement = []
    for t in s["teams"]:
        team = t["team"]
        leader = leader_of.get(team)
        members = ([leader] if leader else []) + deputies_of.get(team, [])
        members += sorted(m for m, _ in placed[team])
        entry = {
            "team": team,
            "quota": t["quota"],
            "capacity": capacity[team],
            "leader": leader,
            "deputies": deputies_of.get(team, []),
            "members": members,
            "placed": [{"person": m, "round": r} for m, r in sorted(placed[team])],
            "short": capacity[team] - len(placed[team]),
        }
        placement.append(entry)
        if entry["short"]:
            sheet.alert(
                "S3",
                "team_short",
                f"片线 {team} 双向选择后尚缺 {entry['short']} 人",
            )
    unplaced = sorted(pool - taken)
    for pid in unplaced:
        sheet.alert(
            "S3",
            "placement_by_unit",
            "双向选择未落实岗位，由单位统筹安排",
            person=pid,
        )
    return placement, unplaced


def _check_unit_quota(sheet: _Sheet, placement: list[dict]) -> None:
    """Q1: no team above the unit's figure for it, all placed within the establishment; Q2."""
    unit = sheet.rec.units.get(sheet.data["unit"])
    if unit is None:
        return  # reported by check.py
    establishment = {t["id"]: t["establishment"] for t in unit.data.get("teams", [])}
    for n, t in enumerate(sheet.data["teams"]):
        if t["team"] in establishment and t["quota"] > establishment[t["team"]]:
            sheet.error(
                ("teams", n, "quota"),
                "Q1",
                f"片线 {t['team']} 定员 {t['quota']} 人超过单位核定的 {establishment[t['team']]} 人 "
                "(team quota above the unit's figure)",
            )
    if len(sheet.data["teams"]) > unit.data["leader_posts"]:
        sheet.warning(
            ("teams",),
            "Q2",
            f"片线 {len(sheet.data['teams'])} 个，多于领导职数 {unit.data['leader_posts']} 名，"
            "片线长不能都由班子成员担任 (more teams than leadership posts)",
            at_key=True,
        )
    total = sum(len(p["members"]) for p in placement)
    if total > unit.data["establishment"]:
        sheet.error(
            ("teams",),
            "Q1",
            f"竞岗后在岗 {total} 人，超过单位编制 {unit.data['establishment']} 人 "
            "(more placed than the unit's establishment)",
            "不得超编进人",
            at_key=True,
        )


def compute_selection(rec: Records, doc: Document) -> tuple[dict | None, list[dict], list[Finding]]:
    """S1-S3 and Q1 for one selection record: its result, alerts and findings."""
    s = doc.data
    year = int(s["date"][:4])
    policy = rec.policy_for(year)
    if policy is None:
        line, col = doc.where(("date",))
        return (
            None,
            [],
            [
                error(
                    doc.path,
                    line,
                    col,
                    "policy",
                    f"没有 {year} 年度的政策参数 (no policy for the selection's year)",
                    f"添加 records/policy/{year}.yaml",
                )
            ],
        )
    params = policy["selection"]
    sources = [doc.path, rec.policies[year].path]
    if s["unit"] in rec.units:
        sources.append(rec.units[s["unit"]].path)
    sheet = _Sheet(
        rec,
        doc,
        Fraction(params["quorum"]),
        Fraction(params["majority"]),
        params["proposing"],
        sources=sorted(sources),
    )
    leaders, deputies = _elections(sheet)
    placement, unplaced = _two_way(sheet, leaders, deputies)
    _check_unit_quota(sheet, placement)
    result = {
        "id": s["id"],
        "title": s["title"],
        "unit": s["unit"],
        "date": s["date"],
        "effective": s["effective"],
        "basis": {
            "policy": year,
            "clauses": {"S1": CLAUSE_S1, "S2": CLAUSE_S2, "S3": CLAUSE_S3, "Q1": CLAUSE_Q1},
            "parameters": {
                "quorum": params["quorum"],
                "majority": params["majority"],
                "proposing": params["proposing"],
            },
        },
        "participants": len(s["participants"]),
        "leaders": leaders,
        "deputies": deputies,
        "placement": placement,
        "unplaced": unplaced,
        "rule": "S3",
        "sources": sheet.sources,
    }
    return result, sheet.alerts, sheet.findings


def check_people_reflect(rec: Records, result: dict) -> list[Finding]:
    """S3: once a selection is in force, each placed person's record names the team placed in."""
    out = []
    for entry in result["placement"]:
        for pid in entry["members"]:
            person = rec.people.get(pid)
            if person is None or person.data["status"] not in ACTIVE:
                continue
            team = person.data.get("team")
            if team != entry["team"]:
                line, col = person.where(("team",) if "team" in person.data else ("unit",))
                out.append(
                    warning(
                        person.path,
                        line,
                        col,
                        "S3",
                        f"竞争上岗 {result['id']} 自 {result['effective']} 起安排在片线 {entry['team']}，"
                        f"人员记录为{f'片线 {team}' if team else '无片线'} "
                        "(person record does not reflect the placement)",
                        "更新人员记录的 team（及职务）",
                    )
                )
    return out


def compute_selections(
    rec: Records, as_of: dt.date
) -> tuple[list[dict], list[dict], list[Finding]]:
    """S1-S3 for every selection dated on or before `as_of`; people checked against the latest in force."""
    selections, alerts, findings = [], [], []
    in_force: dict[str, dict] = {}
    for doc in sorted(rec.selections.values(), key=lambda d: (d.data["date"], d.data["id"])):
        if parse_date(doc.data["date"]) > as_of:
            continue
        result, s_alerts, s_findings = compute_selection(rec, doc)
        alerts += s_alerts
        findings += s_findings
        if result is None:
            continue
        selections.append(result)
        if parse_date(result["effective"]) <= as_of:
            current = in_force.get(result["unit"])
            if current is None or current["effective"] <= result["effective"]:
                in_force[result["unit"]] = result
    for unit in sorted(in_force):
        findings += check_people_reflect(rec, in_force[unit])
    return selections, alerts, findings
