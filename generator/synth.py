"""`cadre synth`: a deterministic synthetic county or province, for benchmarks.

The output is a complete repository (records, schemas, mkdocs.yml and site templates
copied from this checkout) in which every `cadre` command works. Every record kind
appears in realistic proportions: one person file each, one appraisal file per unit and
year, three months of points per unit, an incident for about one person in a hundred, a
case for one in five hundred, and a competitive-appointment round in one township in
twenty. The same arguments always give the same bytes (a fixed seed, no clock).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from .ids import case_id, incident_id, person_id
from .outputs import write_atomic

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文斌海燕晓东丹萍鹏辉宇浩凯"
)
RESULTS_ITEMS = [
    "党的建设",
    "经济发展",
    "项目建设",
    "招商引资",
    "社会治理",
    "安全生产",
    "环境保护",
    "乡村振兴",
    "信访维稳",
    "为民服务",
    "财税征收",
    "民生实事",
    "文明创建",
    "依法行政",
    "重点工作",
]
DAILY_ITEMS = ["出勤", "学习", "纪律作风", "值班值守", "信息报送"]
RANKS = [
    ("clerk", "办事员"),
    ("staff_member", "科员"),
    ("deputy_section", "副股级"),
    ("section", "股级"),
    ("deputy_division", "副科级"),
    ("division", "正科级"),
]


def _now(person: dict) -> dict:
    """A synthetic person's one stint: unit, team, category and rank now."""
    return person["history"][-1]


def _team(person: dict) -> str | None:
    return _now(person).get("team")


def _items(prefix: str, names: list[str], count: int) -> list[dict]:
    base, extra = divmod(100, count)
    return [
        {"id": f"{prefix}{i + 1:02d}", "name": names[i], "max": base + (1 if i < extra else 0)}
        for i in range(count)
    ]


def policy(year: int) -> dict:
    templates = {}
    for cat, name, n in (
        ("staff", "一般工作人员", 12),
        ("deputy", "班子副职", 14),
        ("principal", "单位主要领导", 15),
    ):
        templates[cat] = {
            "name": name,
            "results": _items("r", RESULTS_ITEMS, n),
            "daily": _items("d", DAILY_ITEMS, 5),
        }
    return {
        "year": year,
        "title": f"合成县{year}年度能上能下实施办法参数",
        "basis": f"合组〔{year}〕1号",
        "weights": {"results": 0.8, "daily": 0.1, "democratic": 0.1},
        "templates": templates,
        "democratic": {
            "points": {
                "excellent": 100,
                "competent": 80,
                "basically_competent": 60,
                "incompetent": 0,
            },
            "groups": {
                "own_unit": 0.4,
                "superiors": 0.3,
                "related_units": 0.15,
                "service_recipients": 0.15,
            },
        },
        "grading": {
            "pool": ["unit", "category"],
            "excellent_share": 0.2,
            "excellent_min": 85,
            "basically_competent_below": 70,
            "incompetent_below": 60,
            "min_months_in_post": 6,
            "publish_scores": True,
            "excellent_base": "appraised",
            "category_at": "year_end",
        },
        "consequences": {"no_promotion_months": 12, "trial_months": 6, "deduction_share": 0.1},
        "points": {
            "classes": [{"id": "work", "name": "工作实绩"}, {"id": "conduct", "name": "作风纪律"}],
            "tiers": [
                {"id": "reward", "name": "积分奖励", "kind": "reward", "min": 25},
                {"id": "penalty", "name": "积分通报", "kind": "penalty", "max": 0},
            ],
        },
        "selection": {"quorum": "2/3", "majority": "1/2", "proposing": "staff"},
        "ranks": [{"id": i, "name": n} for i, n in RANKS],
        "leader_min_rank": "deputy_section",
        "authority": [
            {
                "body": "county_committee",
                "name": "县委常委会",
                "ranks": ["deputy_division", "division"],
            },
            {
                "body": "organization_department",
                "name": "县委组织部部务会",
                "ranks": ["deputy_section", "section"],
            },
            {"body": "unit_committee", "name": "单位党委会议", "ranks": ["clerk", "staff_member"]},
        ],
        "channels": [
            {"id": "periodic_appraisal", "name": "定期考核"},
            {"id": "target_appraisal", "name": "目标责任考核"},
            {"id": "daily_appraisal", "name": "平时考核"},
            {"id": "reports", "name": "干部群众举报"},
            {"id": "investigation", "name": "执纪执法机关查处"},
        ],
        "aspects": [
            {"id": a, "name": n}
            for a, n in (
                ("political", "政治素质"),
                ("ability", "能力水平"),
                ("performance", "工作实绩"),
                ("discipline", "纪律法治"),
                ("health", "身体状况"),
            )
        ],
        "situations": [
            {
                "code": "NL01",
                "aspect": "ability",
                "name": "不能胜任本职工作",
                "outcomes": ["non_leadership_post", "removal"],
            },
            {
                "code": "SJ01",
                "aspect": "performance",
                "name": "工作实绩长期排名靠后",
                "outcomes": ["non_leadership_post", "transfer"],
            },
            {
                "code": "ST01",
                "aspect": "health",
                "name": "身体原因长期不能坚持正常工作",
                "outcomes": ["non_leadership_post", "professional_post"],
            },
        ],
        "banned_behaviours": [
            {"code": "JZ01", "name": "打牌"},
            {"code": "JZ07", "name": "玩电子游戏"},
        ],
        "fitting_outcomes": [
            {
                "kind": kind,
                "outcomes": ["removal", "transfer", "demotion", "dismissal", "non_leadership_post"],
                "basis": "进行交流或降职，直至免职、辞退",
            }
            for kind in ("banned_behaviour", "conduct_investigation")
        ]
        + [
            {
                "kind": "assignment",
                "outcomes": ["no_change", "transfer", "removal", "non_leadership_post", "demotion"],
                "basis": "先调离、待岗或免职后再处理",
            }
        ],
        "handling_order": ["enforcement", "leader", "staff"],
        "accountability_threshold": 3,
        "repeated_assignment": 2,
        "terms": {"years": 5, "max_consecutive": 2, "notice_months": 6, "max_years_at_rank": 15},
        "retirement": {
            "notice_months": 12,
            "schedules": [
                {
                    "group": "male",
                    "base_age": 60,
                    "from": "1965-01",
                    "step_months": 4,
                    "max_months": 36,
                },
                {
                    "group": "female_cadre",
                    "base_age": 55,
                    "from": "1970-01",
                    "step_months": 4,
                    "max_months": 36,
                },
                {
                    "group": "female_worker",
                    "base_age": 50,
                    "from": "1975-01",
                    "step_months": 2,
                    "max_months": 60,
                },
            ],
        },
        "probation_months": 12,
        "appeal": {"review_days": 30, "appeal_after_review_days": 15, "direct_appeal_days": 30},
        "posting": {
            "working_days": 5,
            "contact": {
                "office": "合成县委组织部干部监督室",
                "phone": "0745-6212380",
                "address": "合成县人民路1号",
            },
            "holidays": [f"{year + 1}-01-01"],
            "workdays": [],
        },
    }


def _yaml(value, indent: int = 0) -> str:
    """A small YAML writer for plain data: block mappings and sequences, flow maps of scalars."""
    pad = " " * indent
    if isinstance(value, dict):
        lines = []
        for k, v in value.items():
            if (
                isinstance(v, dict)
                and v
                and all(not isinstance(x, dict | list) for x in v.values())
            ):
                lines.append(
                    f"{pad}{k}: {{{', '.join(f'{a}: {_scalar(b)}' for a, b in v.items())}}}"
                )
            elif isinstance(v, dict | list) and v:
                lines.append(f"{pad}{k}:")
                lines.append(_yaml(v, indent + 2))
            else:
                lines.append(f"{pad}{k}: {_scalar(v)}")
        return "\n".join(lines)
    lines = []
    for v in value:
        if isinstance(v, dict):
            if all(not isinstance(x, dict | list) for x in v.values()):
                lines.append(f"{pad}- {{{', '.join(f'{a}: {_scalar(b)}' for a, b in v.items())}}}")
            else:
                body = _yaml(v, indent + 2)
                lines.append(f"{pad}- {body.lstrip()}")
        else:
            lines.append(f"{pad}- {_scalar(v)}")
    return "\n".join(lines)


def _scalar(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, list):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, str) and (
        "/" in v or v[:1].isdigit() and not _is_date(v) or v in ("yes", "no", "on", "off")
    ):
        return f'"{v}"'
    return str(v)


def _is_date(v: str) -> bool:
    return len(v) == 10 and v[4] == "-" and v[7] == "-" and v.replace("-", "").isdigit()


class Synth:
    def __init__(self, people: int, units: int | None, years: int, seed: int = 20260101):
        self.rng = random.Random(seed)
        self.n_people = people
        self.n_units = units or max(4, people // 80)
        self.years = list(range(2026 - years, 2026))
        self.files: dict[str, str] = {}

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
        )

    def put(self, rel: str, header: str, data: dict) -> None:
        self.files[rel] = f"# {header}\n" + _yaml(data) + "\n"

    def build(self) -> dict[str, str]:
        rng = self.rng
        last = self.years[-1]
        for y in self.years:
            self.put(f"policy/{y}.yaml", f"{y} 年度政策参数（合成）", policy(y))
        sizes = [
            self.n_people // self.n_units + (1 if i < self.n_people % self.n_units else 0)
            for i in range(self.n_units)
        ]
        taken: set[str] = set()
        units: list[tuple[str, list[dict]]] = []
        for u, size in enumerate(sizes):
            uid = f"u{u + 1:04d}"
            township = u % 3 == 0
            n_teams = max(1, size // 10) if township else 0
            people: list[dict] = []
            for i in range(size):
                if i < 2:
                    cat, rank, post = "principal", "division", ("党委书记", "镇长")[i]
                elif i < 2 + max(1, size // 12):
                    cat, rank, post = "deputy", "deputy_division", "副镇长"
                else:
                    cat = "staff"
                    rank = rng.choice(["clerk", "staff_member", "staff_member", "deputy_section"])
                    post = "科员"
                gender = rng.choice(["male", "female"])
                # Nobody past retirement age and nobody ten years in one post, so the
                # synthetic county has the few warnings of a well-kept one.
                born = f"{rng.randint(1968 if gender == 'male' else 1973, 1999)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                start = f"{rng.randint(last - 8, last - 1)}-{rng.randint(1, 12):02d}-01"
                stint = {"post": post, "unit": uid, "rank": rank, "category": cat}
                if n_teams:
                    stint["team"] = f"t{i % n_teams + 1}"
                if rng.random() < 0.05:
                    stint["enforcement"] = True
                stint |= {"start": start, "term": 1}
                name = self.name()
                ident = person_id(name, taken)  # the id convention: pinyin, -2 on a clash
                taken.add(ident)
                p = {
                    "id": ident,
                    "name": name,
                    "gender": gender,
                    "birth_date": born,
                    "employment": "cadre",
                    "status": "active",
                    "history": [stint],
                }
                people.append(p)
            unit = {
                "id": uid,
                "name": f"合成{'镇' if township else '局'}{u + 1}",
                "prefix": uid,
                "kind": "township" if township else "department",
                "establishment": size + n_teams + 2,
                "leader_posts": sum(1 for p in people if _now(p)["category"] != "staff") + 1,
                "principal_leaders": [people[0]["id"], people[1]["id"]] if size >= 2 else [],
            }
            if n_teams:
                unit["teams"] = [
                    {
                        "id": f"t{t + 1}",
                        "name": f"第{t + 1}片",
                        "kind": "team",
                        "establishment": sum(1 for p in people if _team(p) == f"t{t + 1}") + 1,
                    }
                    for t in range(n_teams)
                ]
            self.put(f"units/{uid}.yaml", "单位（合成）", unit)
            for p in people:
                self.put(f"people/{p['id']}.yaml", "人员（合成）", p)
            units.append((uid, people))
        for y in self.years:
            for uid, people in units:
                self.put(
                    f"appraisals/{y}/{uid}.yaml",
                    f"{y} 年度考核录入（合成）",
                    {
                        "year": y,
                        "unit": uid,
                        "date": f"{y + 1}-01-20",
                        "entries": [self.appraisal_entry(y, p) for p in people],
                    },
                )
        for month in (10, 11, 12):
            for uid, people in units:
                entries = [
                    {
                        "person": p["id"],
                        "items": [
                            {
                                "class": "work",
                                "points": rng.randint(1, 12),
                                "reason": "完成月度工作任务",
                            }
                        ],
                    }
                    for p in people
                ]
                self.put(
                    f"points/{last}/{month:02d}/{uid}.yaml",
                    f"{last} 年 {month} 月积分（合成）",
                    {
                        "year": last,
                        "month": month,
                        "unit": uid,
                        "date": f"{last + (month == 12)}-{month % 12 + 1:02d}-05",
                        "entries": entries,
                    },
                )
        self.incidents_and_cases(units, last)
        self.selections(units, last)
        return self.files

    def appraisal_entry(self, year: int, p: dict) -> dict:
        rng = self.rng
        tpl = policy(year)["templates"][_now(p)["category"]]
        level = rng.uniform(0.62, 0.99)

        def score(item):
            return round(min(item["max"], item["max"] * rng.uniform(level - 0.05, level + 0.05)), 1)

        raters = rng.randint(15, 40)
        exc = rng.randint(0, raters // 2)
        comp = rng.randint(0, raters - exc)
        return {
            "person": p["id"],
            "results": {i["id"]: score(i) for i in tpl["results"]},
            "daily": {i["id"]: score(i) for i in tpl["daily"]},
            "democratic": {
                "own_unit": {
                    "raters": raters,
                    "excellent": exc,
                    "competent": comp,
                    "basically_competent": raters - exc - comp,
                    "incompetent": 0,
                },
                "superiors": {
                    "raters": 5,
                    "excellent": 2,
                    "competent": 3,
                    "basically_competent": 0,
                    "incompetent": 0,
                },
            },
            "report": "全年认真履行岗位职责，按时完成各项工作任务。",
        }

    def incidents_and_cases(self, units, year: int) -> None:
        rng = self.rng
        n = 0
        incidents: list[str] = []
        cases: list[str] = []
        for uid, people in units:
            for p in people:
                if rng.random() >= 0.01:
                    continue
                n += 1
                iid = incident_id(uid, year, incidents)  # unit prefix, year, sequence
                incidents.append(iid)
                self.put(
                    f"incidents/{year}/{iid}.yaml",
                    "问题线索（合成）",
                    {
                        "id": iid,
                        "person": p["id"],
                        "date": f"{year}-{rng.randint(2, 11):02d}-{rng.randint(1, 28):02d}",
                        "channel": rng.choice(["periodic_appraisal", "daily_appraisal", "reports"]),
                        "kind": "situation",
                        "situation": rng.choice(["NL01", "SJ01"]),
                        "serious": False,
                        "summary": "工作推进不力，群众反映较多。",
                        "facts": f"内部核查记录第{n}号。",
                    },
                )
                if n % 5 == 0:
                    cid = case_id(uid, year, cases)
                    cases.append(cid)
                    self.put(
                        f"cases/{cid}.yaml",
                        "调整程序（合成）",
                        {
                            "id": cid,
                            "person": p["id"],
                            "incidents": [iid],
                            "verification": {"date": f"{year}-12-01", "note": "正在核实。"},
                        },
                    )

    def selections(self, units, year: int) -> None:
        """One round in one township in twenty: each team elects one of its own leadership
        members unopposed, and everyone else chooses the team they are already in."""
        for k, (uid, people) in enumerate(units):
            teams = sorted({_team(p) for p in people if _team(p)})
            if not teams or k % 20:
                continue
            leader_of = {}
            for t in teams:
                own = [p["id"] for p in people if _now(p)["category"] != "staff" and _team(p) == t]
                if own:
                    leader_of[t] = own[0]
            if len(leader_of) < len(teams):
                continue
            n = len(people)
            elected = set(leader_of.values())
            votes = [
                {
                    "team": t,
                    "round": 1,
                    "ballots": {"eligible": n, "present": n, "valid": n, "invalid": 0},
                    "candidates": [{"person": leader_of[t], "votes": n}],
                }
                for t in teams
            ]
            pool = [p for p in people if p["id"] not in elected and _team(p)]
            self.put(
                f"selections/{uid}-{year}.yaml",
                "竞争上岗（合成）",
                {
                    "id": f"{uid}-{year}",
                    "unit": uid,
                    "title": f"合成镇{year}年竞争上岗",
                    "date": f"{year}-03-10",
                    "effective": f"{year}-03-20",
                    "participants": [p["id"] for p in people],
                    "teams": [
                        {
                            "team": t,
                            "quota": sum(1 for p in people if _team(p) == t) + 1,
                            "deputy_seats": 0,
                        }
                        for t in teams
                    ],
                    "leader_votes": votes,
                    "two_way": {
                        "staff": [{"person": p["id"], "teams": [_team(p)]} for p in pool],
                        "teams": [
                            {"team": t, "staff": [p["id"] for p in pool if _team(p) == t]}
                            for t in teams
                        ],
                    },
                },
            )


def write_repository(
    out: Path, people: int, units: int | None, years: int, source_root: Path
) -> int:
    """Write the synthetic repository into `out`; return the number of record files."""
    files = Synth(people, units, years).build()
    records = out / "records"
    if records.exists():
        shutil.rmtree(records)
    for rel, text in files.items():
        path = records / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for name in ("schemas", "site_templates"):
        if (source_root / name).exists():
            shutil.copytree(source_root / name, out / name, dirs_exist_ok=True)
    if (source_root / "mkdocs.yml").exists():
        write_atomic(out / "mkdocs.yml", (source_root / "mkdocs.yml").read_bytes())
    # outputs stay out of git, as in this repository: the cache and a site built in place
    write_atomic(out / ".gitignore", b".cache/\n/site/\n")
    return len(files)
