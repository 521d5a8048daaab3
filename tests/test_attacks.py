"""A pull request written to mislead: each attack on the review loop, and what stops it.

The records of a unit go to that unit's reviewers by their path (CODEOWNERS), so a file
under one unit's path must not reach another unit's people; values and keys are shown on
terminals, in workflow annotations, in the reviewer's Markdown and on the public site, so
none may carry characters that disguise text or forge a command.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git

# A second unit with one person of its own, beside the mini repository's hexi.
HEDONG = """id: hedong
name: 河东镇
kind: township
establishment: 5
leader_posts: 2
principal_leaders: []
"""
HD_001 = """id: hd-001
name: 孙海东
gender: male
birth_date: 1985-05-06
employment: cadre
status: active
history:
  - {post: 科员, unit: hedong, rank: staff_member, category: staff, start: 2018-04-01}
"""


def put(repo, rel: str, text: str) -> None:
    path = repo / "records" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def replace(repo, rel: str, old: str, new: str) -> None:
    path = repo / "records" / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(repo, rel: str, needle: str) -> int:
    lines = (repo / "records" / rel).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


@pytest.fixture
def two_units(mini_repo):
    put(mini_repo, "units/hedong.yaml", HEDONG)
    put(mini_repo, "people/hd-001.yaml", HD_001)
    return mini_repo


def validate(cli, repo, *args: str):
    return cli("validate", "--records", str(repo / "records"), *args)


def errors(cli, repo) -> list[tuple[str, int, str]]:
    out = json.loads(validate(cli, repo, "--format", "json").output)
    return [(e["path"].split("/records/")[-1], e["line"], e["rule"]) for e in out["errors"]]


# --- 3. a path names the unit it may touch ---------------------------------------------------


def test_the_second_unit_alone_is_valid(two_units, cli):
    assert validate(cli, two_units).exit_code == 0


def test_a_points_file_cannot_give_points_to_another_units_person(two_units, cli):
    # hexi's December points name hedong's hd-001 (the entry's `person` is on line 7).
    replace(two_units, "points/2025/12/hexi.yaml", "person: hx-003", "person: hd-001")
    assert line_of(two_units, "points/2025/12/hexi.yaml", "hd-001") == 7
    assert errors(cli, two_units) == [("points/2025/12/hexi.yaml", 7, "unit")]


def test_an_appraisal_cannot_list_another_units_person(two_units, cli):
    # hexi's 2025 appraisal grades hedong's hd-001 in hx-003's place (a staff template alike).
    replace(two_units, "appraisals/2025/hexi.yaml", "person: hx-003", "person: hd-001")
    line = line_of(two_units, "appraisals/2025/hexi.yaml", "hd-001")
    assert errors(cli, two_units) == [("appraisals/2025/hexi.yaml", line, "unit")]


def test_an_appraisal_or_points_file_cannot_claim_another_unit(two_units, cli):
    replace(two_units, "points/2025/12/hexi.yaml", "unit: hexi", "unit: hedong")
    replace(two_units, "appraisals/2025/hexi.yaml", "unit: hexi", "unit: hedong")
    found = errors(cli, two_units)
    assert ("points/2025/12/hexi.yaml", 4, "unit") in found
    assert ("appraisals/2025/hexi.yaml", 3, "unit") in found


SELECTION = """id: {id}
unit: {unit}
title: 竞争上岗
date: 2025-03-03
effective: 2025-03-10
participants: [hx-002, hx-003]
teams:
  - {{team: east, quota: 2, deputy_seats: 0}}
leader_votes:
  - team: east
    round: 1
    ballots: {{eligible: 2, present: 2, valid: 2, invalid: 0}}
    candidates:
      - {{person: hx-002, votes: 2}}
two_way:
  staff:
    - {{person: hx-003, teams: [east]}}
  teams:
    - {{team: east, staff: [hx-003]}}
"""


def test_a_selection_of_the_unit_named_by_its_id_is_valid(two_units, cli):
    put(two_units, "selections/hexi-2025.yaml", SELECTION.format(id="hexi-2025", unit="hexi"))
    assert validate(cli, two_units).exit_code == 0


def test_a_selection_filed_under_another_units_name_is_an_error(two_units, cli):
    # hedong's reviewers own selections/hedong-*.yaml; this one is hexi's round.
    put(two_units, "selections/hedong-2025.yaml", SELECTION.format(id="hedong-2025", unit="hexi"))
    assert errors(cli, two_units) == [("selections/hedong-2025.yaml", 2, "unit")]


def test_a_selection_id_naming_a_longer_unit_id_is_that_units(two_units, cli):
    # Units hexi and hexi-nan: hexi-nan-2025 is hexi-nan's, though it also begins with "hexi-".
    put(two_units, "units/hexi-nan.yaml", HEDONG.replace("hedong", "hexi-nan"))
    rel = "selections/hexi-nan-2025.yaml"
    put(two_units, rel, SELECTION.format(id="hexi-nan-2025", unit="hexi"))
    assert errors(cli, two_units) == [(rel, 2, "unit")]


def test_a_selection_cannot_name_another_units_people(two_units, cli):
    # hd-001 takes part and is placed by the two-way lists: lines 6, 17 and 19.
    text = SELECTION.format(id="hexi-2025", unit="hexi").replace("hx-003", "hd-001")
    put(two_units, "selections/hexi-2025.yaml", text)
    assert errors(cli, two_units) == [
        ("selections/hexi-2025.yaml", 6, "unit"),
        ("selections/hexi-2025.yaml", 17, "unit"),
        ("selections/hexi-2025.yaml", 19, "unit"),
    ]


def stints(*spans: tuple[str, str, str | None]) -> dict:
    """A person's history from (unit, start, end) spans."""
    history = []
    for unit, start, end in spans:
        stint = {"unit": unit, "start": start, "category": "staff", "rank": "clerk"}
        if end:
            stint["end"] = end
        history.append(stint)
    return {"history": history}


@pytest.mark.parametrize(
    ("person", "unit", "expected"),
    [
        # in the unit all year
        (stints(("a", "2020-01-01", None)), "a", True),
        (stints(("a", "2020-01-01", None)), "b", False),
        # moved from a to b in July: appraised by b, the unit that held them last in 2025
        (stints(("a", "2020-01-01", "2025-07-01"), ("b", "2025-07-01", None)), "a", False),
        (stints(("a", "2020-01-01", "2025-07-01"), ("b", "2025-07-01", None)), "b", True),
        # moved on the first day of 2026, before the posting: still a's for 2025
        (stints(("a", "2020-01-01", "2026-01-01"), ("b", "2026-01-01", None)), "a", True),
        (stints(("a", "2020-01-01", "2026-01-01"), ("b", "2026-01-01", None)), "b", False),
        # left the service in October: their last unit appraises them
        (stints(("a", "2020-01-01", "2025-10-01")), "a", True),
        # left before the year began, or joined after it ended: nobody's for 2025
        (stints(("a", "2020-01-01", "2025-01-01")), "a", False),
        (stints(("a", "2026-02-01", None)), "a", False),
    ],
)
def test_who_an_appraisal_of_2025_may_name(person, unit, expected):
    from generator.checks.unit_ties import in_appraisal_unit

    assert in_appraisal_unit(person, unit, 2025) is expected


@pytest.mark.parametrize(
    ("day", "unit", "expected"),
    [
        ("2025-06-30", "a", True),
        ("2025-07-01", "a", False),  # a stint's end is the day the next one starts
        ("2025-07-01", "b", True),
        ("2019-12-31", "a", False),  # before the first stint
    ],
)
def test_who_a_selection_on_a_day_may_name(day, unit, expected):
    from generator.checks.unit_ties import in_unit_on

    person = stints(("a", "2020-01-01", "2025-07-01"), ("b", "2025-07-01", None))
    assert in_unit_on(person, unit, dt.date.fromisoformat(day)) is expected


def test_points_of_a_person_who_moved_mid_month_belong_to_both_units(two_units, cli):
    # hx-003 moves from hexi to hedong on 2025-12-15: December points are right in both.
    replace(
        two_units,
        "people/hx-003.yaml",
        "team: east, start: 2016-08-01}",
        "team: east, start: 2016-08-01, end: 2025-12-15}\n"
        "  - {post: 科员, unit: hedong, rank: staff_member, category: staff, start: 2025-12-15}",
    )
    put(
        two_units,
        "points/2025/12/hedong.yaml",
        "year: 2025\nmonth: 12\nunit: hedong\ndate: 2026-01-05\nentries:\n"
        "  - person: hx-003\n    items:\n      - {class: work, points: 2, reason: 交接}\n",
    )
    # hexi's 2025 appraisal now names someone hedong holds at the year's end: that alone is wrong.
    line = line_of(two_units, "appraisals/2025/hexi.yaml", "hx-003")
    assert errors(cli, two_units) == [("appraisals/2025/hexi.yaml", line, "unit")]


@pytest.fixture
def county(two_units, monkeypatch):
    """The two units in a git repository on `main`, the current directory, no cache."""
    git(two_units, "init", "-q", "-b", "main")
    git(two_units, "add", "-A")
    git(two_units, "commit", "-q", "-m", "初始记录")
    monkeypatch.chdir(two_units)
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    return two_units


def test_the_reviewers_diff_knows_which_unit_a_selection_id_names(county, cli):
    # hexi-nan is a unit on main; a pull request files hexi's round as hexi-nan-2025. The diff
    # computes only the units in scope, and still loads hexi-nan to check the id against.
    put(county, "units/hexi-nan.yaml", HEDONG.replace("hedong", "hexi-nan"))
    git(county, "add", "-A")
    git(county, "commit", "-q", "-m", "新增单位")
    git(county, "checkout", "-q", "-b", "round")
    put(county, "selections/hexi-nan-2025.yaml", SELECTION.format(id="hexi-nan-2025", unit="hexi"))
    git(county, "add", "-A")
    git(county, "commit", "-q", "-m", "竞争上岗")
    result = cli("diff", "main", "HEAD", "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.output)["head_errors"]
    assert [(f["path"], f["line"], f["rule"]) for f in found] == [
        ("records/selections/hexi-nan-2025.yaml", 2, "unit")
    ]


# --- 4. clean values: what an escape decodes to is held to the raw text's rule ---------------


def test_the_issues_reason_is_an_error_at_its_line(mini_repo, cli):
    # YAML decodes "\u202e" to a right-to-left override and "\u0000" to NUL.
    replace(
        mini_repo,
        "points/2025/12/hexi.yaml",
        "reason: 完成年终统计",
        r'reason: "Ali\u202ecod\u0000"',
    )
    line = (
        (mini_repo / "records/points/2025/12/hexi.yaml").read_text(encoding="utf-8").split("\n")[8]
    )
    col = line.index('"') + 1  # the quoted value, on line 9
    result = validate(cli, mini_repo)
    assert result.exit_code == 1
    assert f"records/points/2025/12/hexi.yaml:9:{col}: characters:" in result.output
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in result.output
    assert "\u202e" not in result.output and "\0" not in result.output


ESCAPES = [
    r"\0",  # NUL
    r"\a",
    r"\e",  # ESC: terminal control sequences
    r"\x1b",
    r"\x7f",
    r"\N",  # U+0085, next line
    r"\L",  # U+2028, line separator
    r"\P",  # U+2029, paragraph separator
    r"\r",  # a carriage return, unlike a line end, can overwrite a line on a terminal
    r"\u202e",  # right-to-left override
    r"\u2066",  # left-to-right isolate
    r"\u200f",  # right-to-left mark
    r"\u200b",  # zero-width space
    r"\u2060",  # word joiner
    r"\ufeff",  # zero-width no-break space
    r"\u00ad",  # soft hyphen
    r"\U000E0041",  # a Unicode tag: invisible text
]


@pytest.mark.parametrize("escape", ESCAPES)
def test_an_escape_that_decodes_to_an_unwanted_character_is_an_error(escape):
    from generator.loader import LoadError, load_bytes

    raw = f'id: x\nname: "王{escape}五"\n'.encode()
    with pytest.raises(LoadError) as e:
        load_bytes("records/people/x.yaml", raw)
    assert (e.value.finding.line, e.value.finding.col, e.value.finding.rule) == (2, 7, "characters")


@pytest.mark.parametrize("escape", ESCAPES + [r"\t", r"\n"])
def test_a_key_may_hold_no_unwanted_character_nor_a_tab_or_line_break(escape):
    from generator.loader import LoadError, load_bytes

    raw = f'id: x\n"na{escape}me": 王五\n'.encode()
    with pytest.raises(LoadError) as e:
        load_bytes("records/people/x.yaml", raw)
    assert (e.value.finding.line, e.value.finding.col, e.value.finding.rule) == (2, 1, "characters")


def test_tabs_and_line_feeds_stay_allowed_in_values():
    from generator.loader import load_bytes

    raw = 'a: "一\\t二\\n三"\nb: |\n  第一行\n  第二行\n'.encode()
    assert load_bytes("records/x.yaml", raw).data == {"a": "一\t二\n三", "b": "第一行\n第二行\n"}


def test_a_key_escape_is_refused_before_it_reaches_any_report(mini_repo, cli):
    # The key decodes to a line break and a workflow command of the record's choosing.
    path = mini_repo / "records/people/hx-003.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + '"x\\n::error file=README.md::pwned": 1\n',
        encoding="utf-8",
    )
    result = validate(cli, mini_repo, "--format", "github")
    assert result.exit_code == 1
    # Every workflow command is one of ours, about a record file; hx-003's own is on line 10.
    commands = [line for line in result.output.splitlines() if line.startswith("::")]
    records = str(mini_repo / "records")
    assert all(c.startswith(f"::error file={records}/") for c in commands), commands
    assert f"::error file={records}/people/hx-003.yaml,line=10,col=1," in result.output
    assert "README.md" not in result.output


# --- 5. escaped output: annotations, the text and JSON reports, the reviewer's Markdown -------

HOSTILE = [
    "x\n::error file=README.md::pwned",  # a second workflow command
    "a,line=1,title=x:y",  # properties of its own
    "100%0A::warning::",  # an escape GitHub would decode
    "\x1b[2J\x1b[31m",  # clear the terminal, paint it red
    "abc\u202edcba",  # read backwards
    "x`y``z",  # backticks
    "<img src=x onerror=alert(1)><!-- cadre-diff -->",  # raw HTML
    "@yunxi-zzb/maintainers",  # a mention
    "[click](javascript:alert(1))",  # a link
    "a|b\\|c",  # table cells
    " `",  # a backtick at an edge
]


def properties(command: str) -> dict[str, str]:
    """The properties of one workflow command, split as GitHub's runner splits them."""
    assert command.startswith("::")
    head = command[2:].split("::", 1)[0]
    _kind, _, props = head.partition(" ")
    return dict(p.split("=", 1) for p in props.split(","))


def unescape_github(value: str) -> str:
    return (
        value.replace("%2C", ",")
        .replace("%3A", ":")
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_an_annotation_is_one_command_whatever_a_finding_holds(text):
    from generator.characters import printable
    from generator.findings import Finding, report

    finding = Finding(f"records/{text}.yaml", 3, 4, text, f"message {text}", hint=text)
    out = report([finding], "github")
    assert "\n" not in out and "\r" not in out and "\x1b" not in out and "\u202e" not in out
    props = properties(out)
    assert list(props) == ["file", "line", "col", "title"]
    assert unescape_github(props["file"]) == printable(f"records/{text}.yaml")
    assert (props["line"], props["col"]) == ("3", "4")
    assert unescape_github(props["title"]) == printable(text)
    message = out.split("::", 2)[2]
    assert unescape_github(message) == printable(f"{text}: message {text} (提示: {text})")


@pytest.mark.parametrize("text", HOSTILE)
def test_the_text_report_prints_each_finding_on_one_line_without_control_characters(text):
    from generator.findings import Finding, report

    finding = Finding(f"records/{text}.yaml", 3, 4, text, f"message {text}", hint=text)
    out = report([finding], "text")
    assert len(out.splitlines()) == 3  # the heading, the finding, the count
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out)


@pytest.mark.parametrize("text", HOSTILE + ["\x85\u2028\U000e0041\udcff"])
def test_the_json_report_escapes_what_json_leaves_raw_and_keeps_the_value(text):
    from generator.findings import Finding, report

    finding = Finding(f"records/{text}.yaml", 3, 4, text, "m")
    out = report([finding], "json")
    assert not re.search(
        "[\x80-\x9f\u202a-\u202e\u2028\u2029\U000e0000-\U000e007f\ud800-\udfff]", out
    )
    assert json.loads(out)["errors"][0]["path"] == f"records/{text}.yaml"


def test_a_file_name_cannot_forge_an_annotation_or_a_terminal_line(mini_repo, cli):
    # Git and Linux allow any byte but / and NUL in a name.
    name = "x\n::error file=README.md::pwned\x1b[2J.yaml"
    (mini_repo / "records" / "people" / name).write_text("id: x\n", encoding="utf-8")
    github = validate(cli, mini_repo, "--format", "github").output
    assert [line for line in github.splitlines() if not line.startswith("::error file=")] == []
    assert len(github.splitlines()) == 1
    text = validate(cli, mini_repo).output
    assert "\x1b" not in text and len(text.splitlines()) == 3


def markdown_line(line: str) -> tuple[str, list[str]]:
    """The text outside the code spans of one Markdown line, and the spans' contents.

    CommonMark: a run of n backticks opens a span that the next run of exactly n closes; one
    space is stripped from each side of content that begins and ends with one.
    """
    outside, spans, i = [], [], 0
    while i < len(line):
        if line[i] != "`":
            outside.append(line[i])
            i += 1
            continue
        n = len(re.match("`+", line[i:]).group())
        close = next((m for m in re.finditer("`+", line[i + n :]) if len(m.group()) == n), None)
        if close is None:
            outside.append(line[i : i + n])
            i += n
            continue
        content = line[i + n : i + n + close.start()]
        if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
            content = content[1:-1]
        spans.append(content)
        i += n + close.end()
    return "".join(outside), spans


def table_cells(row: str) -> list[str]:
    """A GitHub table row's cells: split at every `|` without a backslash before it, then
    `\\|` read as `|` (inside code spans too)."""
    assert row.startswith("|") and row.endswith("|")
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row)[1:-1]]


def hostile_diff(text: str):
    from generator.diff import Change, OutcomeDiff

    finding = {"path": f"records/{text}.yaml", "line": 2, "col": 3, "rule": text, "message": text}
    d = OutcomeDiff(
        changes=[Change("grade", "hx-001", text, text, text, f"records/{text}.yaml")],
        introduced=[{**finding, "severity": "warning"}],
    )
    return d, finding


@pytest.mark.parametrize("text", HOSTILE)
def test_the_markdown_diff_keeps_every_record_string_inside_an_unbreakable_code_span(text):
    from generator.characters import printable
    from generator.diff import to_markdown

    d, finding = hostile_diff(text)
    md = to_markdown(d, {"hx-001": text}, text, text)
    lines = md.splitlines()
    row = next(line for line in lines if line.startswith("| ") and "hx-001" in line)
    cells = [markdown_line(c) for c in table_cells(row)]
    shown = printable(text)
    assert [spans for _, spans in cells] == [
        [f"{shown}（hx-001）"],
        [shown],
        [shown],
        [shown],
        [printable(f"records/{text}.yaml")],
    ]
    assert all(outside == "" for outside, _ in cells)
    item = next(line for line in lines if line.startswith("- warning"))
    outside, spans = markdown_line(item)
    assert outside == "- warning  : "
    assert spans == [printable(f"records/{text}.yaml:2"), shown, shown]
    revisions = next(line for line in lines if "→" in line)
    assert markdown_line(revisions) == (" → ", [printable(text[:12])] * 2)
    for line in lines:  # nothing of the record's outside a span: no HTML, mention or link
        outside = markdown_line(line)[0]
        assert not re.search("[<>@\\[\\]]|::", outside), line


def test_a_link_to_a_record_is_percent_encoded(tmp_path):
    from generator.diff import to_markdown

    d, _ = hostile_diff("a b)(`\n<x>")
    md = to_markdown(d, {}, "base", "head", link_base="https://git.example/c/blob/abc")
    row = next(line for line in md.splitlines() if line.startswith("| ") and "hx-001" in line)
    url = re.search(r"\]\((\S+)\) \|$", row).group(1)
    assert url == "https://git.example/c/blob/abc/records/a%20b%29%28%60%5Cn%3Cx%3E.yaml"


def test_a_file_name_cannot_break_out_of_the_reviewers_markdown(county, cli):
    git(county, "checkout", "-q", "-b", "name")
    put(county, "people/x`y\n<b>@yunxi-zzb/maintainers.yaml", "id: x\n")
    git(county, "add", "-A")
    git(county, "commit", "-q", "-m", "新增")
    result = cli("diff", "main", "HEAD")
    assert result.exit_code == 1
    # Listed once among HEAD's errors and once among the new findings, each on one line.
    items = [markdown_line(line) for line in result.output.splitlines() if line.startswith("- ")]
    name = "records/people/x`y\\n<b>@yunxi-zzb/maintainers.yaml"
    assert [(outside, spans[:2]) for outside, spans in items] == [
        ("-  : ", [f"{name}:1:1", "file"]),
        ("- error  : ", [f"{name}:1", "file"]),
    ]
    for line in result.output.splitlines():
        assert not re.search("[<>@]", markdown_line(line)[0]), line


# --- 7. early limits: sizes before contents; links and submodules refused by path ------------


def spy_git(monkeypatch) -> list[tuple[tuple, bytes | None]]:
    """Every git command the package runs, with what it sends on stdin."""
    import generator.gitstore as gitstore

    calls: list[tuple[tuple, bytes | None]] = []
    real = gitstore._git

    def spy(root, *args, input=None):
        calls.append((args, input))
        return real(root, *args, input=input)

    monkeypatch.setattr(gitstore, "_git", spy)
    return calls


def test_the_diff_never_reads_a_blob_over_the_limit(county, cli, monkeypatch):
    from generator.loader import MAX_BYTES

    git(county, "checkout", "-q", "-b", "big")
    put(county, "people/big.yaml", "# " + "x" * (2 * MAX_BYTES) + "\nid: big\n")
    git(county, "add", "-A")
    git(county, "commit", "-q", "-m", "大文件")
    big = git(county, "rev-parse", "HEAD:records/people/big.yaml")
    for cache in ("1", ""):  # read whole without a cache; then whole, then only the change
        monkeypatch.setenv("CADRE_NO_CACHE", cache)
        for _ in range(1 if cache else 2):
            calls = spy_git(monkeypatch)
            result = cli("diff", "main", "HEAD", "--format", "json")
            assert result.exit_code == 1
            errors = json.loads(result.output)["head_errors"]
            assert [(e["path"], e["rule"]) for e in errors] == [("records/people/big.yaml", "file")]
            sized = [i for a, i in calls if "--batch-check" in a and i and big.encode() in i]
            read = [i for a, i in calls if "--batch" in a and i and big.encode() in i]
            assert sized and not read


def test_cadre_log_never_reads_a_blob_over_the_limit(county, cli, monkeypatch):
    from generator.loader import MAX_BYTES

    put(county, "people/big.yaml", "# " + "x" * (2 * MAX_BYTES) + "\nid: big\n")
    git(county, "add", "-A")
    git(county, "commit", "-q", "-m", "大文件")
    calls = spy_git(monkeypatch)
    result = cli("log", "big", "--format", "json")
    assert result.exit_code == 0
    assert not [a for a, _ in calls if "show" in a or ("--batch" in a and b"big" in (_ or b""))]


def gitlink(repo, path: str) -> None:
    """A submodule entry (mode 160000) at `path`, pointing at some commit of another repository."""
    other = "0123456789abcdef0123456789abcdef01234567"
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{other},{path}")


def test_a_submodule_in_a_revision_is_an_error_naming_its_path(county, cli):
    git(county, "checkout", "-q", "-b", "submodule")
    gitlink(county, "records/people/more")
    git(county, "commit", "-q", "-m", "子模块")
    result = cli("diff", "main", "HEAD", "--format", "json")
    assert result.exit_code == 1
    errors = json.loads(result.output)["head_errors"]
    assert [(e["path"], e["line"], e["rule"]) for e in errors] == [
        ("records/people/more", 1, "file")
    ]


def test_a_symbolic_link_in_a_revision_is_an_error_naming_its_path(county, cli):
    git(county, "checkout", "-q", "-b", "link")
    (county / "records/people/hx-009.yaml").symlink_to("/etc/hostname")
    (county / "records/incidents/2024").symlink_to("/etc")
    git(county, "add", "-A")
    git(county, "commit", "-q", "-m", "链接")
    result = cli("diff", "main", "HEAD", "--format", "json")
    assert result.exit_code == 1
    errors = json.loads(result.output)["head_errors"]
    assert [(e["path"], e["rule"]) for e in errors] == [
        ("records/incidents/2024", "file"),
        ("records/people/hx-009.yaml", "file"),
    ]


def test_a_linked_folder_in_the_working_tree_is_an_error_naming_its_path(mini_repo, cli, tmp_path):
    # A folder elsewhere, holding a valid record, linked in under people/.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "hx-009.yaml").write_text(
        (mini_repo / "records/people/hx-004.yaml")
        .read_text(encoding="utf-8")
        .replace("hx-004", "hx-009"),
        encoding="utf-8",
    )
    (mini_repo / "records/people/more").symlink_to(elsewhere)
    assert errors(cli, mini_repo) == [("people/more", 1, "file")]


def test_a_nested_repository_in_the_working_tree_is_an_error_naming_its_path(mini_repo, cli):
    # records/points as a repository of its own (a checked-out submodule): its records are
    # another repository's, and nobody here reviewed them.
    git(mini_repo / "records/points", "init", "-q")
    assert errors(cli, mini_repo) == [("points", 1, "file")]


def test_a_pipe_in_the_working_tree_is_refused_without_opening_it(mini_repo):
    import os
    import sys

    import generator

    os.mkfifo(mini_repo / "records/people/hx-009.yaml")
    package = str(Path(generator.__file__).parent.parent)  # the code under test, in a process
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "validate"],
        cwd=mini_repo,
        capture_output=True,
        text=True,
        timeout=60,
        env={"CADRE_NO_CACHE": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": package},
    )
    assert done.returncode == 1
    assert "records/people/hx-009.yaml:1:1: file:" in done.stdout


def test_a_file_name_that_is_not_utf8_is_shown_as_escapes(county, cli):
    import os

    name = os.fsdecode(b"records/people/bad\xff.yaml")  # the byte 0xff as a lone surrogate
    (county / name).write_text("id: x\n", encoding="utf-8")
    result = validate(cli, county, "--format", "github")
    assert result.exit_code == 1
    assert "file=" + str(county / "records/people/bad\\udcff.yaml") in result.output
    git(county, "checkout", "-q", "-b", "name")
    git(county, "add", "-A")
    git(county, "commit", "-q", "-m", "文件名")
    result = cli("diff", "main", "HEAD")
    assert result.exit_code == 1
    assert "`records/people/bad\\udcff.yaml:1:1`" in result.output


def test_cadre_log_shows_a_commit_subject_and_author_as_what_they_hold(county, cli):
    # a commit message is written by whoever made the commit: an escape sequence or a
    # right-to-left override in it must reach the terminal as escapes, not act there
    replace(county, "people/hx-003.yaml", "1990-02-01", "1990-03-01")
    git(county, "commit", "-q", "-am", "更正\x1b[2J\u202e出生日期")
    text = cli("log", "hx-003").output
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b[2J\\u202e" in text
    data = cli("log", "hx-003", "--format", "json").output
    assert "\u202e" not in data and "\\u202e" in data
    assert (
        json.loads(data)["records/people/hx-003.yaml"][0]["subject"] == "更正\x1b[2J\u202e出生日期"
    )


def test_the_json_diff_escapes_what_json_leaves_raw(county, cli):
    git(county, "checkout", "-q", "-b", "named")
    put(county, "units/a\u202eb.yaml", "id: x\n")  # a file name the loader refuses
    git(county, "add", "-A")
    git(county, "commit", "-q", "-m", "文件名")
    out = cli("diff", "main", "HEAD", "--format", "json").output
    assert "\u202e" not in out and "\\u202e" in out
