"""Checks of competitive-appointment rounds (S1-S3, and Q1/Q2 within a round).

They run after the round is computed, on the record and its result together, because
most of them are about what the count did: a round recorded after every seat was filled,
a name outside the two-way pool, more people placed than the establishment. The tallies
are the same ones the count used (`rules.elections.tally_team`), so the check and the
result never disagree about which round counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from ..dates import parse_date
from ..findings import Finding, error, error_at, warning
from ..loader import Document
from ..model import Records
from ..rules.elections import VOTE_KINDS, Tally, tally_team
from ..rules.matching import elected_people, leadership_on, two_way_pool
from ..rules.shared import ACTIVE, leadership_member, policy_in_force, stint_at


@dataclass
class _Sheet:
    """One selection record being checked, and what has been found in it so far."""

    rec: Records
    doc: Document
    findings: list[Finding] = field(default_factory=list)

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


# ---------------------------------------------------------------- S1, S2 votes


def _ballots(sheet: _Sheet, path: tuple, ballots: dict, rule: str) -> None:
    """Totals add up: valid + invalid == present <= eligible (and eligible == participants for S1).

    Open vote (S1): every participant may vote, so the eligible count must equal the number
    of participants. The secret ballot (S2) is not held to this, since a unit may let each
    team's members alone elect its deputies.
    """
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


def _candidate(sheet: _Sheet, path: tuple, pid: str, rule: str) -> None:
    """S1 candidates are leadership members of the unit; S2 nominees are staff taking part;
    both by the stint they held on the selection's date."""
    person = sheet.rec.people.get(pid)
    if person is None:
        sheet.error(path, rule, f"人员 {pid} 不存在 (unknown person)")
        return
    then = stint_at(person.data, parse_date(sheet.data["date"]))
    if rule == "S1" and (then["unit"] != sheet.data["unit"] or not leadership_member(then)):
        sheet.error(
            path,
            rule,
            f"候选人 {pid} 不是本单位班子成员 (candidate is not a leadership member of the unit)",
            "片线长只能从本单位班子成员中产生",
        )
    if rule == "S2" and (
        then["unit"] != sheet.data["unit"] or pid not in sheet.data["participants"]
    ):
        sheet.error(
            path,
            rule,
            f"被提名人 {pid} 不是参加本次竞岗的本单位人员 (nominee is not a participant of the unit)",
            "副片线长从参加竞岗的全体人员中推选",
        )


def _counted_round(sheet: _Sheet, key: str, team: str, t: Tally) -> None:
    """S1/S2: one counted round: ballots, candidates, votes against the ballots.

    A newcomer in a later round is a warning, not an error: a unit may re-open nominations
    after a failed round, and the paper is silent on it.
    """
    rule, names, _ = VOTE_KINDS[key]
    path = (key, t.index)
    ballots = t.vote["ballots"]
    _ballots(sheet, path + ("ballots",), ballots, rule)
    listed: set[str] = set()
    total = 0
    for j, c in enumerate(t.vote[names]):
        cpath = path + (names, j, "person")
        _candidate(sheet, cpath, c["person"], rule)
        if c["person"] in listed:
            sheet.error(cpath, rule, f"{c['person']} 在本轮重复列出 (listed twice)")
        listed.add(c["person"])
        if t.previous is not None and c["person"] not in t.previous:
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
    if total > ballots["valid"] * t.open_seats:
        sheet.error(
            path + (names,),
            rule,
            f"得票合计 {total} 超过有效票数乘以应选名额 {ballots['valid']}×{t.open_seats} "
            "(each ballot may name at most as many as there are seats)",
            at_key=True,
        )


def _team_vote(
    sheet: _Sheet, key: str, team: str, seats: int, where: tuple, params: tuple
) -> list[str]:
    """S1/S2: every recorded round of one team's vote; returns who it elected."""
    rule, _, post = VOTE_KINDS[key]
    tallies = tally_team(sheet.data, key, team, seats, *params)
    last_path, last_round, elected = where, 0, []
    for t in tallies:
        path, r = (key, t.index), t.vote["round"]
        if t.status == "repeat":
            sheet.error(
                path + ("round",), rule, f"片线 {team} 第 {r} 轮重复 (round recorded twice)"
            )
            continue
        if r != t.follows + 1:
            sheet.error(
                path + ("round",),
                rule,
                f"片线 {team} 缺少第 {t.follows + 1} 轮 (round {r} follows round {t.follows})",
            )
        if t.status == "after_filled":
            sheet.error(
                path + ("round",),
                rule,
                f"片线 {team} 已在前一轮选出，不应再有第 {r} 轮 "
                "(another round recorded after the seats were filled)",
                "删除多余的轮次，或更正前一轮的票数",
            )
            continue
        _counted_round(sheet, key, team, t)
        elected += t.winners
        last_path, last_round = path, r
    remaining = seats - len(elected)
    if remaining:
        sheet.warning(
            last_path,
            rule,
            f"片线 {team} 尚有 {remaining} 个{post}名额未选出，需另行投票 (round needed)",
            f"记录第 {last_round + 1} 轮投票结果",
        )
    return elected


def _elections(sheet: _Sheet, params: tuple) -> None:
    """S1 and S2 for every team; nobody elected twice; no vote for a team not in the round."""
    s = sheet.data
    teams = {t["team"]: t for t in s["teams"]}
    for n, t in enumerate(s["teams"]):
        if [u["team"] for u in s["teams"]].index(t["team"]) != n:
            sheet.error(
                ("teams", n, "team"), "S3", f"片线 {t['team']} 重复列出 (team listed twice)"
            )
    for key, (rule, _, _) in VOTE_KINDS.items():
        for n, vote in enumerate(s.get(key, [])):
            if vote["team"] not in teams:
                sheet.error(
                    (key, n, "team"),
                    rule,
                    f"片线 {vote['team']} 不在本次竞岗的片线定员中 (team not in this round)",
                    "先在 teams 中列出该片线",
                )
    posts: list[tuple[str, list[str], str]] = []
    for n, t in enumerate(s["teams"]):
        elected = _team_vote(sheet, "leader_votes", t["team"], 1, ("teams", n, "team"), params)
        posts.append((t["team"], elected, "leader_votes"))
        has_votes = any(v["team"] == t["team"] for v in s.get("deputy_votes", []))
        if t["deputy_seats"] == 0 and has_votes:
            sheet.error(
                ("teams", n, "deputy_seats"),
                "S2",
                f"片线 {t['team']} 没有副片线长名额却有投票记录 (deputy vote for a team with no seats)",
            )
        elif t["deputy_seats"]:
            elected = _team_vote(
                sheet, "deputy_votes", t["team"], t["deputy_seats"], ("teams", n), params
            )
            posts.append((t["team"], elected, "deputy_votes"))
    seen: dict[str, str] = {}
    for team, winners, key in sorted(posts, key=lambda p: p[2] != "leader_votes"):
        rule, names, _ = VOTE_KINDS[key]
        for pid in winners:
            if pid not in seen:
                seen[pid] = team
                continue
            n = max(
                i
                for i, v in enumerate(s[key])
                if v["team"] == team and pid in {c["person"] for c in v[names]}
            )
            sheet.error(
                (key, n, "team"),
                rule,
                f"{pid} 已在片线 {seen[pid]} 当选，不能再在片线 {team} 当选 (elected in two teams)",
            )


# ---------------------------------------------------------------- S3 two-way selection

# What a name outside the round means, for the first round and for the second.
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
) -> None:
    """S3: the staff's and the teams' lists of one two-way round, each name checked."""
    block = sheet.data[key]
    not_in_pool, not_open = _OUTSIDE[key]
    staff: set[str] = set()
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
                    sheet.error((key, "staff", n, "teams", j), "S3", not_open.format(team=t))
            staff.add(pid)
    lists: set[str] = set()
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
                sheet.error((key, "teams", n, "staff", j), "S3", not_in_pool.format(pid=pid))
        lists.add(t)


def _two_way(sheet: _Sheet, result: dict) -> None:
    """S3 and Q1: seats for the elected within each quota; every name of each round."""
    s = sheet.data
    for n, t in enumerate(s["teams"]):
        if 1 + t["deputy_seats"] > t["quota"]:
            sheet.error(
                ("teams", n, "quota"),
                "Q1",
                f"片线 {t['team']} 定员 {t['quota']} 人容纳不下片线长和 {t['deputy_seats']} 名副片线长 "
                "(quota below the elected seats)",
            )
    elected = elected_people(result["leaders"], result["deputies"])
    pool = two_way_pool(s, elected, leadership_on(sheet.rec, s))
    capacity = {p["team"]: p["capacity"] for p in result["placement"]}
    if "two_way" in s:
        _preferences(sheet, "two_way", pool, set(capacity), elected)
    if "second_round" in s:
        first = {
            p["team"]: [x for x in p["placed"] if x["round"] == 1] for p in result["placement"]
        }
        taken = {x["person"] for xs in first.values() for x in xs}
        short = {t for t in capacity if capacity[t] - len(first[t]) > 0}
        _preferences(sheet, "second_round", pool - taken, short, elected)


def _unit_quota(sheet: _Sheet, result: dict) -> None:
    """Q1: no team above the unit's figure for it, all placed within the establishment; Q2."""
    unit = sheet.rec.units.get(sheet.data["unit"])
    if unit is None:
        return  # reported with the references
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
    total = sum(len(p["members"]) for p in result["placement"])
    if total > unit.data["establishment"]:
        sheet.error(
            ("teams",),
            "Q1",
            f"竞岗后在岗 {total} 人，超过单位编制 {unit.data['establishment']} 人 "
            "(more placed than the unit's establishment)",
            "不得超编进人",
            at_key=True,
        )


def check_selection(rec: Records, doc: Document, result: dict) -> list[Finding]:
    """S1-S3, Q1, Q2 for one computed selection: its record against its result."""
    params = policy_in_force(rec, int(doc.data["date"][:4]))[1]["selection"]
    sheet = _Sheet(rec, doc)
    _elections(sheet, (Fraction(params["quorum"]), Fraction(params["majority"])))
    _two_way(sheet, result)
    _unit_quota(sheet, result)
    return sheet.findings


def people_reflect(rec: Records, result: dict) -> list[Finding]:
    """S3: once a selection is in force, each placed person's record names the team placed in."""
    out = []
    for entry in result["placement"]:
        for pid in entry["members"]:
            person = rec.people.get(pid)
            if person is None or person.data["status"] not in ACTIVE:
                continue
            last = len(person.data["history"]) - 1
            team = person.data["history"][last].get("team")
            if team != entry["team"]:
                key = "team" if team else "unit"
                line, col = person.where(("history", last, key))
                out.append(
                    warning(
                        person.path,
                        line,
                        col,
                        "S3",
                        f"竞争上岗 {result['id']} 自 {result['effective']} 起安排在片线 {entry['team']}，"
                        f"人员记录为{f'片线 {team}' if team else '无片线'} "
                        "(person record does not reflect the placement)",
                        "在人员记录的任职经历中新增一段，写明安排的片线（及职务）",
                    )
                )
    return out


def check_selection_years(rec: Records, as_of: dt.date) -> list[Finding]:
    """A selection held by the as-of date needs its year's policy (quorum, majority, side)."""
    out = []
    for doc in rec.selections.values():
        year = int(doc.data["date"][:4])
        if parse_date(doc.data["date"]) <= as_of and year not in rec.policies:
            line, col = doc.where(("date",))
            out.append(
                error(
                    doc.path,
                    line,
                    col,
                    "policy",
                    f"没有 {year} 年度的政策参数 (no policy for the selection's year)",
                    f"添加 records/policy/{year}.yaml",
                )
            )
    return out


def check_selections(rec: Records, results: dict, as_of: dt.date) -> list[Finding]:
    """Every computed selection, and people against the latest selection in force per unit."""
    out: list[Finding] = []
    in_force: dict[str, dict] = {}
    for result in results["selections"]:
        out += check_selection(rec, rec.selections[result["id"]], result)
        if parse_date(result["effective"]) <= as_of:
            current = in_force.get(result["unit"])
            if current is None or current["effective"] <= result["effective"]:
                in_force[result["unit"]] = result
    for unit in sorted(in_force):
        out += people_reflect(rec, in_force[unit])
    return out


def check_selection_references(rec: Records) -> list[Finding]:
    """The unit, its teams and the participants a selection names exist."""
    out: list[Finding] = []
    for doc in rec.selections.values():
        s = doc.data
        unit = rec.units.get(s["unit"])
        if unit is None:
            out.append(error_at(doc, ("unit",), "unit", f"单位 {s['unit']} 不存在 (unknown unit)"))
            continue
        team_ids = {t["id"] for t in unit.data.get("teams", [])}
        for n, t in enumerate(s["teams"]):
            if t["team"] not in team_ids:
                out.append(
                    error_at(
                        doc,
                        ("teams", n, "team"),
                        "team",
                        f"单位没有片线 {t['team']} (unknown team)",
                    )
                )
        for n, pid in enumerate(s["participants"]):
            if pid not in rec.people:
                out.append(
                    error_at(
                        doc, ("participants", n), "person", f"人员 {pid} 不存在 (unknown person)"
                    )
                )
    return out
