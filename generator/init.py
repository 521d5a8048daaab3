"""`cadre init DIR`: a new county's repository from nothing.

The repository is self-contained like this one: the tool (package, schemas, site
templates, lock, workflows) is copied in, so that its workflows install and run it from
the county's own commits; the county's parts are written fresh: this year's policy with
the national defaults (each value commented with its source), empty units and people
folders, `mkdocs.yml` with the site's title, a CODEOWNERS template and a README. What
the county must still say (its document number, the objection contact) is left blank where
`cadre validate` names it by file and line.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import CadreError

TEMPLATES = Path(__file__).resolve().parent / "init_templates"
# The tool, copied as it is (the demo county's records, tests and benchmarks are not).
TOOL = (
    "generator",
    "schemas",
    "site_templates",
    ".github",
    ".vscode",
    "pyproject.toml",
    "requirements.lock",
    ".pre-commit-config.yaml",
    ".gitignore",
    "CONTRIBUTING.md",
)
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
TODO = "待填写"


class InitError(CadreError):
    """The target folder cannot take a new repository."""


@dataclass
class County:
    year: int
    name: str | None = None  # 某某县
    title: str | None = None  # the site's title
    office: str | None = None  # who takes objections to a posting
    phone: str | None = None
    address: str | None = None


def _value(value: str | None, what: str) -> str:
    """A YAML scalar, or a blank with a comment saying what to write there."""
    if value:
        return json.dumps(value, ensure_ascii=False)
    return f"           # {TODO}：{what}"


def policy_text(county: County) -> str:
    title = (
        f"{county.name}机关事业单位工作人员全员绩效考核和干部能上能下实施办法（{county.year}年度）"
        if county.name
        else None
    )
    text = (TEMPLATES / "policy.yaml").read_text(encoding="utf-8")
    for key, value in {
        "@TITLE@": _value(title, "实施办法的名称，例如 某县……实施办法（年度）"),
        "@OFFICE@": _value(county.office, "受理异议的机构，例如 某县委组织部干部监督室"),
        "@PHONE@": _value(county.phone, "受理异议的办公电话（不要写个人手机号）"),
        "@ADDRESS@": _value(county.address, "受理异议的地址"),
        "@YEAR@": str(county.year),
    }.items():
        text = text.replace(key, value)
    return text


def mkdocs_text(source_root: Path, title: str | None) -> str:
    text = (source_root / "mkdocs.yml").read_text(encoding="utf-8")
    site_name = (
        f"site_name: {json.dumps(title, ensure_ascii=False)}"
        if title
        else f"site_name: {TODO}网站标题 # {TODO}：公示网站的标题，例如 某县干部能上能下公示"
    )
    return re.sub(r"(?m)^site_name: .*$", site_name, text, count=1)


def readme_text(county: County) -> str:
    text = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    return (
        text.replace("@COUNTY@", county.name or "本县")
        .replace("@TITLE@", county.title or f"标题{TODO}")
        .replace("@YEAR@", str(county.year))
    )


def placeholders(root: Path) -> list[str]:
    """`file:line` of every blank still to fill, for the clerk's list."""
    out = []
    for path in sorted([root / "mkdocs.yml", *(root / "records").rglob("*.yaml")]):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if f"# {TODO}" in line:
                note = line.split(f"# {TODO}", 1)[1].lstrip("：: ")
                out.append(f"{path.relative_to(root).as_posix()}:{n}: {note}")
    return out


def init_repository(out: Path, source_root: Path, county: County) -> list[str]:
    """Write the new repository into `out` (missing or empty); the blanks left to fill."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InitError(f"{out} 已存在且不是空文件夹 (not an empty folder)")
    for name in TOOL:
        src = source_root / name
        if src.is_dir():
            shutil.copytree(src, out / name, ignore=IGNORE)
        elif src.is_file():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, out / name)
    shutil.copyfile(TEMPLATES / "CODEOWNERS", out / ".github" / "CODEOWNERS")
    records = out / "records"
    (records / "policy").mkdir(parents=True)
    (records / "policy" / f"{county.year}.yaml").write_text(policy_text(county), "utf-8")
    for folder in ("units", "people"):
        (records / folder).mkdir()
        (records / folder / ".gitkeep").write_bytes(b"")
    (out / "mkdocs.yml").write_text(mkdocs_text(source_root, county.title), "utf-8")
    (out / "README.md").write_text(readme_text(county), "utf-8")
    return placeholders(out)
