"""The reviewer's commands on real git repositories made in temporary folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import git

HERE = Path(__file__).parent


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "county"
    shutil.copytree(HERE / "fixtures" / "mini", root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "初始记录")
    monkeypatch.chdir(root)
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    return root


def edit(repo: Path, rel: str, old: str, new: str, message: str) -> None:
    path = repo / "records" / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    git(repo, "commit", "-q", "-am", message)


def diff_json(cli, base="main", head="HEAD"):
    result = cli("diff", base, head, "--format", "json")
    return result, json.loads(result.output)


def test_a_lower_score_moves_the_grade_and_adds_the_a5_action(repo, cli):
    git(repo, "checkout", "-q", "-b", "score")
    # hx-003 (staff): r01 50 -> 30. Results 60, daily 85, democratic (2x100 + 8x80)/10 = 84.
    # Old total 0.8x80 + 0.1x85 + 0.1x84 = 80.90 (competent); new 0.8x60 + 8.5 + 8.4 = 64.90,
    # below 70 and not below 60: basically competent, which brings A5.
    edit(
        repo,
        "appraisals/2025/hexi.yaml",
        "results: {r01: 50, r02: 30}",
        "results: {r01: 30, r02: 30}",
        "更正赵小明实绩得分",
    )
    result, d = diff_json(cli)
    assert result.exit_code == 0
    by_kind = {(c["kind"], c["person"]): c for c in d["changes"]}
    assert (
        by_kind[("grade", "hx-003")]["old"] == "称职"
        and by_kind[("grade", "hx-003")]["new"] == "基本称职"
    )
    assert (by_kind[("score", "hx-003")]["old"], by_kind[("score", "hx-003")]["new"]) == (
        "80.90",
        "64.90",
    )
    a5 = [c for c in d["changes"] if c["kind"] == "action" and c["person"] == "hx-003"]
    assert a5 and all(c["old"] is None and c["what"] == "A5" for c in a5)
    assert "1 等次变化" in d["summary"]
    md = cli("diff", "main", "HEAD").output
    assert (
        md.startswith("**")
        and "赵小明（hx-003）" in md
        and "records/appraisals/2025/hexi.yaml" in md
    )


def test_a_new_banned_behaviour_incident_forces_the_grade(repo, cli):
    git(repo, "checkout", "-q", "-b", "incident")
    (repo / "records/incidents/2025/i-003.yaml").write_text(
        "id: i-003\nperson: hx-003\ndate: 2025-10-09\nchannel: reports\nkind: banned_behaviour\nbehaviour: JZ01\n"
        "serious: false\nsummary: 工作时间打牌。\nfacts: 内部记录。\n",
        encoding="utf-8",
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "新增问题线索")
    result, d = diff_json(cli)
    assert result.exit_code == 0
    grade = next(c for c in d["changes"] if c["kind"] == "grade" and c["person"] == "hx-003")
    assert grade["new"] == "不称职"  # F3: the year's grade is incompetent whatever the score
    rules = {
        c["what"]
        for c in d["changes"]
        if c["kind"] == "action" and c["person"] == "hx-003" and c["old"] is None
    }
    assert "F3" in rules and "A6" in rules


def test_a_broken_head_exits_one_and_lists_the_errors(repo, cli):
    git(repo, "checkout", "-q", "-b", "broken")
    edit(repo, "people/hx-003.yaml", "unit: hexi", "unit: nowhere", "调动")
    result = cli("diff", "main", "HEAD")
    assert result.exit_code == 1
    assert "records/people/hx-003.yaml:9" in result.output


def test_renaming_a_unit_everywhere_changes_no_grade(repo, cli):
    git(repo, "checkout", "-q", "-b", "rename")
    for path in sorted((repo / "records").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("unit: hexi", "unit: hexi-town").replace("id: hexi\n", "id: hexi-town\n"),
            encoding="utf-8",
        )
    git(repo, "mv", "records/units/hexi.yaml", "records/units/hexi-town.yaml")
    git(repo, "mv", "records/appraisals/2025/hexi.yaml", "records/appraisals/2025/hexi-town.yaml")
    git(repo, "mv", "records/points/2025/12/hexi.yaml", "records/points/2025/12/hexi-town.yaml")
    git(repo, "commit", "-q", "-am", "单位更名")
    result, d = diff_json(cli)
    assert result.exit_code == 0, result.output
    assert not [c for c in d["changes"] if c["kind"] == "grade"]
    assert not d["introduced"]


def test_diff_leaves_the_working_tree_untouched(repo, cli):
    git(repo, "checkout", "-q", "-b", "wip")
    edit(repo, "appraisals/2025/hexi.yaml", "r02: 30}", "r02: 29}", "微调")
    (repo / "records/people/hx-003.yaml").write_text("unsaved: 正在编辑\n", encoding="utf-8")
    before = git(repo, "status", "--porcelain")
    assert (
        cli("diff", "main", "HEAD").exit_code == 0
    )  # HEAD is read from git, not from the dirty file
    assert git(repo, "status", "--porcelain") == before


def test_unknown_revision_is_a_usage_error(repo, cli):
    assert cli("diff", "main", "no-such-branch").exit_code == 2


def test_log_of_a_record_edited_three_times(repo, cli):
    edit(repo, "people/hx-003.yaml", "post: 科员", "post: 副站长", "任副站长")
    stint = "category: staff, team: east,"
    edit(
        repo,
        "people/hx-003.yaml",
        "birth_date: 1990-02-01",
        "birth_date: 1990-03-01",
        "更正出生日期",
    )
    edit(repo, "people/hx-003.yaml", stint, f"{stint} enforcement: true,", "转执法岗位")
    result = cli("log", "hx-003", "--format", "json")
    entries = json.loads(result.output)["records/people/hx-003.yaml"]
    assert [e["subject"] for e in entries] == ["转执法岗位", "更正出生日期", "任副站长", "初始记录"]
    assert [e["fields"] for e in entries[:3]] == [
        ["+history[0].enforcement"],
        ["birth_date"],
        ["history[0].post"],
    ]
    assert entries[3]["change"] == "created"
    assert entries[0]["author"] == "经办人甲"
    text = cli("log", "hx-003").output
    assert (
        "1990-03-01" not in text and "birth_date" in text
    )  # fields named, private values never shown


def test_every_cadre_command_in_the_workflows_exists():
    from ruamel.yaml import YAML

    calls = 0
    for wf in sorted((HERE.parent / ".github" / "workflows").glob("*.yml")):
        doc = YAML(typ="safe").load(wf.read_text(encoding="utf-8"))
        for job in doc["jobs"].values():
            for step in job.get("steps", []):
                for line in str(step.get("run", "")).splitlines():
                    words = line.split()
                    for i, word in enumerate(words):
                        if word == "cadre":
                            calls += 1
                            assert words[i + 1] in main.commands, (
                                f"{wf.name}: cadre {words[i + 1]} does not exist"
                            )
    assert calls >= 4


def test_codeowners_routes_every_units_records():
    owners = (HERE.parent / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    for unit in sorted((HERE.parent / "records" / "units").glob("*.yaml")):
        for pattern in (
            f"/records/units/{unit.name}",
            f"/records/appraisals/*/{unit.name}",
            f"/records/points/*/*/{unit.name}",
        ):
            assert any(
                line.split()[0] == pattern
                for line in owners.splitlines()
                if line.strip() and not line.startswith("#")
            ), pattern


def test_a_points_change_shows_the_new_year_total(repo, cli):
    git(repo, "checkout", "-q", "-b", "points")
    # hx-003 has one item of 5 points in the year's only recorded month: the year total goes 5 -> 9
    edit(repo, "points/2025/12/hexi.yaml", "points: 5,", "points: 9,", "更正积分")
    result, d = diff_json(cli)
    assert result.exit_code == 0
    points = [c for c in d["changes"] if c["kind"] == "points"]
    assert [(c["person"], c["old"], c["new"]) for c in points] == [("hx-003", "5.00", "9.00")]


def test_a_folder_readme_in_git_is_not_a_record_for_the_diff(repo, cli):
    """`validate` skips README.md and .gitkeep in the records; so does the diff reading git."""
    git(repo, "checkout", "-q", "-b", "docs")
    (repo / "records" / "README.md").write_text("# 记录说明\n", encoding="utf-8")
    (repo / "records" / "cases").mkdir(exist_ok=True)
    (repo / "records" / "cases" / ".gitkeep").write_text("", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "说明文件")
    assert cli("validate").exit_code == 0
    result, d = diff_json(cli)
    assert result.exit_code == 0
    assert d["introduced"] == [] and d["head_errors"] == [] and d["changes"] == []
