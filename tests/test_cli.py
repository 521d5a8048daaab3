"""`cadre validate` as a user runs it: exit codes, formats, help."""

from __future__ import annotations

import json

from generator.cli import main


def break_person(repo):
    """hx-003's only stint names a unit that does not exist (line 9, column 22)."""
    path = repo / "records/people/hx-003.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("unit: hexi", "unit: nowhere", 1), encoding="utf-8"
    )


def test_clean_records_exit_zero(mini_repo, cli):
    result = cli("validate", "--records", str(mini_repo / "records"))
    assert result.exit_code == 0


def test_errors_exit_one_with_every_finding(mini_repo, cli):
    break_person(mini_repo)
    (mini_repo / "records/units/hexi.yaml").write_text("id: hexi\n", encoding="utf-8")
    result = cli("validate", "--records", str(mini_repo / "records"))
    assert result.exit_code == 1
    assert "people/hx-003.yaml:9:22: history:" in result.output
    assert "units/hexi.yaml:1:1: (top): 缺少必填字段 'name'" in result.output


def test_json_format_separates_errors_and_warnings(mini_repo, cli):
    break_person(mini_repo)
    # As of 2026-01-10, the appraisal posted on 2026-01-20 is left out with a warning.
    result = cli(
        "validate",
        "--records",
        str(mini_repo / "records"),
        "--format",
        "json",
        "--as-of",
        "2026-01-10",
    )
    data = json.loads(result.output)
    assert [(e["path"].rsplit("/", 3)[-2:], e["line"], e["rule"]) for e in data["errors"]] == [
        (["people", "hx-003.yaml"], 9, "history"),
        # the person's December points are now in a unit the history does not name
        (["12", "hexi.yaml"], 7, "unit"),
    ]
    assert [(w["rule"], w["severity"]) for w in data["warnings"]] == [("as_of", "warning")]


def test_github_format_gives_annotations(mini_repo, cli):
    break_person(mini_repo)
    result = cli("validate", "--records", str(mini_repo / "records"), "--format", "github")
    line = next(x for x in result.output.splitlines() if "people/hx-003.yaml" in x)
    assert line.startswith("::error file=") and ",line=9,col=22,title=history::" in line


def test_usage_errors_exit_two(cli, tmp_path):
    assert cli("validate", "--as-of", "2026-02-30").exit_code == 2
    assert cli("validate", "--as-of", "20260101").exit_code == 2
    assert cli("validate", "--records", str(tmp_path / "missing")).exit_code == 2
    assert cli("validate", "--format", "xml").exit_code == 2


def test_every_command_has_help(cli):
    for name, command in main.commands.items():
        assert command.help, f"{name} has no help text"
        assert cli(name, "--help").exit_code == 0


def test_a_symbolic_link_is_refused_not_followed(mini_repo, cli, tmp_path):
    secret = tmp_path / "outside.yaml"
    secret.write_text("id: hx-009\nname: 外部文件\n", encoding="utf-8")
    (mini_repo / "records/people/hx-009.yaml").symlink_to(secret)
    result = cli("validate", "--records", str(mini_repo / "records"))
    assert result.exit_code == 1
    assert "people/hx-009.yaml:1:1: file: 记录文件不能是符号链接" in result.output
    assert "外部文件" not in result.output
