"""`cadre init`: a new county from nothing, which validates and builds once its blanks are filled."""

from __future__ import annotations

import re

import yaml

BLANKS = {
    "title": "青山县机关事业单位工作人员全员绩效考核和干部能上能下实施办法（2026年度）",
    "basis": "青办发〔2026〕1号",
    "office": "青山县委组织部干部监督室",
    "phone": '"0731-1234567"',
    "address": "青山县人民路1号",
}


def fill(path, values: dict) -> None:
    """Replace each `key:   # 待填写：...` blank with its value, as a clerk would."""
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        text, n = re.subn(rf"(?m)^(\s*{key}:) +# 待填写：.*$", rf"\1 {value}", text)
        assert n == 1, key
    path.write_text(text, encoding="utf-8")


def test_init_validates_once_filled_and_builds_a_site_with_nothing_posted(
    tmp_path, cli, monkeypatch
):
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    county = tmp_path / "qingshan"
    result = cli("init", str(county), "--year", "2026")
    assert result.exit_code == 0, result.output
    policy = county / "records/policy/2026.yaml"
    assert "records/policy/2026.yaml:6: 实施办法的文号" in result.output
    assert "mkdocs.yml:6: 公示网站的标题" in result.output
    # the tool comes along, the demo county does not
    for part in ("generator/cli.py", "schemas/person.schema.json", "site_templates/home.md.j2",
                 ".github/workflows/pr-check.yml", ".github/CODEOWNERS", "requirements.lock",
                 "records/units/.gitkeep", "records/people/.gitkeep", "README.md"):  # fmt: skip
        assert (county / part).exists(), part
    assert not (county / "records/units/qingxi-zhen.yaml").exists()
    assert "@your-org/maintainers" in (county / ".github/CODEOWNERS").read_text("utf-8")
    # every default says where it comes from
    text = policy.read_text(encoding="utf-8")
    assert "《公务员考核规定》2020" in text and "《公务员法》第九十五条" in text

    monkeypatch.chdir(county)
    result = cli("validate")
    assert result.exit_code == 1
    errors = [line.strip() for line in result.output.splitlines() if ": 此项未填写" in line]
    assert [e.split(": ")[0] for e in errors] == [
        "records/policy/2026.yaml:5:7",
        "records/policy/2026.yaml:6:7",
        "records/policy/2026.yaml:501:12",
        "records/policy/2026.yaml:502:11",
        "records/policy/2026.yaml:503:13",
    ]

    fill(policy, BLANKS)
    mkdocs = county / "mkdocs.yml"
    mkdocs.write_text(
        re.sub(
            r"(?m)^site_name: .*$", "site_name: 青山县干部能上能下公示", mkdocs.read_text("utf-8")
        ),
        encoding="utf-8",
    )
    result = cli("validate")
    assert result.exit_code == 0, result.output
    assert (
        yaml.safe_load(policy.read_text("utf-8"))["posting"]["contact"]["phone"] == "0731-1234567"
    )
    result = cli("build")
    assert result.exit_code == 0, result.output
    home = (county / "site/index.html").read_text(encoding="utf-8")
    assert "<title>青山县干部能上能下公示</title>" in home
    assert "尚未发布任何公示" in home


def test_init_takes_flags_and_leaves_only_the_document_number(tmp_path, cli):
    county = tmp_path / "c"
    result = cli(
        "init", str(county), "--year", "2026", "--county", "青山县",
        "--office", "青山县委组织部干部监督室", "--phone", "0731-1234567", "--address", "青山县人民路1号",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    blanks = [line for line in result.output.splitlines() if "2026.yaml:" in line]
    assert len(blanks) == 1 and "文号" in blanks[0]
    data = yaml.safe_load((county / "records/policy/2026.yaml").read_text("utf-8"))
    assert data["title"].startswith("青山县") and data["posting"]["contact"]["address"]
    assert 'site_name: "青山县干部能上能下公示"' in (county / "mkdocs.yml").read_text("utf-8")


def test_init_never_writes_into_a_folder_in_use(tmp_path, cli):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine", encoding="utf-8")
    result = cli("init", str(tmp_path / "x"))
    assert result.exit_code == 2 and "不是空文件夹" in result.output
    assert [p.name for p in (tmp_path / "x").iterdir()] == ["keep.txt"]
