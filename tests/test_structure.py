"""The package's structure, as the README's layout table describes it.

Rule modules are siblings: each imports `rules.shared` and the record-level modules, never
another rule, so a rule can be read and changed on its own. Findings are made by the check
stage only; only the CLI modules speak to the terminal; no module grows past 500 lines
(the synthetic-data literal aside).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
MODULES = sorted(PACKAGE.rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module a file imports, as a dotted name inside or outside the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(here[: len(here) - node.level + 1]) if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names.add(module)
            if not node.module:
                names.update(f"{module}.{a.name}" for a in node.names)
    return names


def rel(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("rules/*.py")), ids=rel)
def test_a_rule_module_imports_no_other_rule(path):
    rules = {n for n in imported(path) if n.startswith("generator.rules.")}
    assert rules <= {"generator.rules.shared"}


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("rules/*.py")), ids=rel)
def test_rules_make_no_findings_and_know_no_later_stage(path):
    later = ("generator.checks", "generator.findings", "generator.site", "generator.pipeline")
    assert [n for n in imported(path) if n.startswith(later)] == []


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_only_the_cli_modules_use_click(path):
    if path.name.startswith("cli"):
        return
    assert "click" not in imported(path)


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_no_module_over_500_lines(path):
    if path.name == "synth.py":  # most of it is the literal text of the synthetic policy
        return
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500


def test_every_subpackage_is_packaged_and_ci_installs_the_checkout():
    """A package list naming only `generator` would leave rules/, checks/, site/ and the
    rest out of an installed copy; the tool reads its schemas and templates from the
    checkout, so CI installs it editable."""
    import tomllib

    root = PACKAGE.parent
    setup = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    assert setup["packages"]["find"]["include"] == ["generator*"]
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert {"rules", "checks", "site", "internal", "sheets"} <= subpackages
    action = (root / ".github" / "actions" / "install-locked" / "action.yml").read_text("utf-8")
    assert "--no-build-isolation -e ." in action
