"""Repository policy: who approves what (CODEOWNERS), what each workflow may do, the lock.

The git host enforces these files but never checks that they say what we mean; these tests do.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ACTIONS = sorted((GITHUB / "actions").glob("*/action.yml"))

MAINTAINERS = ("@yunxi-zzb/maintainers",)
MEETING = ("@yunxi-zzb/buwuhui",)
SUPERVISION = ("@yunxi-zzb/jiandushi",)
CADRE_SECTION = ("@yunxi-zzb/ganbuke",)
UNITS = sorted(p.stem for p in (ROOT / "records" / "units").glob("*.yaml"))


def load_yaml(path: Path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


# --- CODEOWNERS ---------------------------------------------------------------------------


def codeowners_regex(pattern: str) -> re.Pattern[str]:
    """A CODEOWNERS pattern as a regex over repository paths (written without a leading /).

    GitHub's rules are gitignore's without `!`, `[...]` and `\\` escapes. A / at the start or
    in the middle anchors the pattern at the root, otherwise it matches at any depth; `*` and
    `?` never cross a /; `**` spans any number of folders; a trailing / means a folder and
    everything in it. A pattern also owns what is inside the folder it names (`/apps/github`
    owns `apps/github/x.rb`), except when its last part is a lone `*`: `docs/*` owns
    `docs/a.md`, not `docs/b/c.md`.
    """
    if pattern.startswith("!") or any(c in pattern for c in "[]\\") or "***" in pattern:
        raise ValueError(f"CODEOWNERS does not support this pattern: {pattern}")
    anchored = "/" in pattern.rstrip("/")
    segments = pattern.strip("/").split("/")
    if "" in segments:
        raise ValueError(f"empty path segment in CODEOWNERS pattern: {pattern!r}")
    if not anchored:
        segments.insert(0, "**")
    if pattern.endswith("/"):
        segments.append("**")
    regex = ""
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == "**":
            regex += ".+" if last else "(?:[^/]+/)*"
        elif segment == "*":
            regex += "[^/]+" if last else "[^/]+/"
        else:
            regex += "".join(
                "[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in segment
            )
            regex += "(?:/.+)?" if last else "/"
    return re.compile(regex)


def read_codeowners(text: str) -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    """(pattern, owners) per rule line, in file order; a pattern with no owners unsets them."""
    rules = []
    for line in text.splitlines():
        words = line.split()
        if words and not words[0].startswith("#"):
            rules.append((codeowners_regex(words[0]), tuple(words[1:])))
    return rules


def owners_of(rules: list[tuple[re.Pattern[str], tuple[str, ...]]], path: str) -> tuple[str, ...]:
    """The owners of a path: those of the last rule that matches it."""
    found: tuple[str, ...] = ()
    for regex, owners in rules:
        if regex.fullmatch(path):
            found = owners
    return found


@pytest.fixture(scope="module")
def rules():
    return read_codeowners((GITHUB / "CODEOWNERS").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        # The examples of GitHub's documentation on code owners.
        ("*", "README.md", True),
        ("*", "records/people/a.yaml", True),
        ("*.js", "app.js", True),
        ("*.js", "src/ui/app.js", True),
        ("*.js", "app.jsx", False),
        ("/build/logs/", "build/logs/today.log", True),
        ("/build/logs/", "build/logs/2026/today.log", True),
        ("/build/logs/", "src/build/logs/today.log", False),
        ("/build/logs/", "build/logs", False),
        ("docs/*", "docs/getting-started.md", True),
        ("docs/*", "docs/build-app/troubleshooting.md", False),
        ("docs/*", "src/docs/getting-started.md", False),
        ("apps/", "apps/main.py", True),
        ("apps/", "src/apps/main.py", True),
        ("apps/", "apps", False),
        ("**/logs", "logs/x.log", True),
        ("**/logs", "deeply/nested/logs/x.log", True),
        ("/apps/github", "apps/github", True),
        ("/apps/github", "apps/github/x.rb", True),
        ("/apps/github", "apps/githubber/x.rb", False),
        # The shapes this repository uses.
        ("/records/appraisals/*/u.yaml", "records/appraisals/2025/u.yaml", True),
        ("/records/appraisals/*/u.yaml", "records/appraisals/2025/12/u.yaml", False),
        ("/records/appraisals/*/u.yaml", "records/appraisals/2025/uu.yaml", False),
        ("/records/appraisals/*/u.yaml", "tests/records/appraisals/2025/u.yaml", False),
        ("/records/selections/u-*.yaml", "records/selections/u-001.yaml", True),
        ("/records/selections/u-*.yaml", "records/selections/uv-001.yaml", False),
        ("/.github/", ".github/workflows/publish.yml", True),
        ("/mkdocs.yml", "mkdocs.yml", True),
        ("/mkdocs.yml", "site/mkdocs.yml", False),
        # `**` in the middle and at the end, `?`.
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b/c.txt", True),
        ("a/**/b", "x/a/b", False),
        ("/a/**", "a/b/c", True),
        ("/a/**", "a", False),
        ("f?o", "foo", True),
        ("f?o", "f/o", False),
    ],
)
def test_codeowners_pattern(pattern, path, matches):
    assert bool(codeowners_regex(pattern).fullmatch(path)) is matches


@pytest.mark.parametrize("pattern", ["!docs/", "[ab].md", "\\#notes", "a//b"])
def test_codeowners_syntax_github_does_not_support_is_refused(pattern):
    with pytest.raises(ValueError):
        codeowners_regex(pattern)


def test_the_last_matching_rule_wins():
    rules = read_codeowners("*  @a\n/docs/  @b\n/docs/api/  @c\n/docs/api/x.md\n")
    assert owners_of(rules, "src/x.py") == ("@a",)
    assert owners_of(rules, "docs/guide.md") == ("@b",)
    assert owners_of(rules, "docs/api/y.md") == ("@c",)
    assert owners_of(rules, "docs/api/x.md") == ()


def test_every_owner_is_a_team_of_the_department():
    for line in (GITHUB / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        words = line.split()
        if words and not words[0].startswith("#"):
            assert words[1:], f"no owner: {line}"
            for owner in words[1:]:
                assert re.fullmatch(r"@yunxi-zzb/[a-z0-9-]+", owner), line


@pytest.mark.parametrize(
    ("path", "owners"),
    [
        ("records/policy/2025.yaml", MEETING),
        ("records/policy/2031.yaml", MEETING),
        ("records/people/chen-jianhua.yaml", CADRE_SECTION),
        ("records/incidents/2025/sq-2025-01.yaml", SUPERVISION),
        ("records/cases/tz-2025-01.yaml", SUPERVISION),
        # A unit without its own line yet, and anything else in records/: maintainers.
        ("records/units/a-new-unit.yaml", MAINTAINERS),
        ("records/appraisals/2025/a-new-unit.yaml", MAINTAINERS),
        ("records/README.md", MAINTAINERS),
        ("schemas/person.schema.json", MAINTAINERS),
        ("generator/cli.py", MAINTAINERS),
        ("generator/a_new_module.py", MAINTAINERS),
        ("site_templates/index.md.j2", MAINTAINERS),
        ("mkdocs.yml", MAINTAINERS),
        ("pyproject.toml", MAINTAINERS),
        ("requirements.lock", MAINTAINERS),
        (".github/CODEOWNERS", MAINTAINERS),
        (".github/workflows/pr-check.yml", MAINTAINERS),
        (".github/workflows/publish.yml", MAINTAINERS),
        (".github/actions/install-locked/action.yml", MAINTAINERS),
        (".github/pull_request_template.md", MAINTAINERS),
        (".pre-commit-config.yaml", MAINTAINERS),
        (".ci/run", MAINTAINERS),
        (".vscode/settings.json", MAINTAINERS),
        (".gitignore", MAINTAINERS),
        ("tests/test_cli.py", MAINTAINERS),
        # A fixture shaped like a unit's records is still a test.
        ("tests/fixtures/mini/records/units/hexi.yaml", MAINTAINERS),
        ("benchmarks/run.py", MAINTAINERS),
        ("README.md", MAINTAINERS),
        ("CONTRIBUTING.md", MAINTAINERS + CADRE_SECTION),
    ],
)
def test_owner_of(rules, path, owners):
    assert owners_of(rules, path) == owners


@pytest.mark.parametrize("unit", UNITS)
def test_a_units_records_go_to_its_reviewers(rules, unit):
    team = (f"@yunxi-zzb/{unit}",)
    for path in (
        f"records/units/{unit}.yaml",
        f"records/appraisals/2025/{unit}.yaml",
        f"records/appraisals/2031/{unit}.yaml",
        f"records/points/2025/12/{unit}.yaml",
        f"records/points/2031/01/{unit}.yaml",
        f"records/selections/{unit}-001.yaml",
    ):
        assert owners_of(rules, path) == team, path


def test_the_demo_county_has_four_units_with_reviewers():
    assert len(UNITS) == 4


def test_every_record_of_a_unit_in_the_demo_goes_to_that_units_reviewers(rules):
    records = ROOT / "records"
    checked = 0
    for folder in ("units", "appraisals", "points"):
        for path in sorted((records / folder).rglob("*.yaml")):
            assert owners_of(rules, path.relative_to(ROOT).as_posix()) == (
                f"@yunxi-zzb/{path.stem}",
            )
            checked += 1
    for path in sorted((records / "selections").glob("*.yaml")):
        unit = load_yaml(path)["unit"]
        assert owners_of(rules, path.relative_to(ROOT).as_posix()) == (f"@yunxi-zzb/{unit}",)
        checked += 1
    assert checked > len(UNITS)


def test_every_file_in_git_has_an_owner(rules):
    try:
        listed = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    assert listed
    assert [p for p in listed if not owners_of(rules, p)] == []


# --- workflows ----------------------------------------------------------------------------


def jobs(name: str) -> dict:
    return load_yaml(GITHUB / "workflows" / name)["jobs"]


def all_steps():
    """(file name, job id or None, step) for every step of every workflow and local action."""
    for path in WORKFLOWS:
        for job_id, job in load_yaml(path)["jobs"].items():
            for step in job.get("steps", []):
                yield path.name, job_id, step
    for path in ACTIONS:
        for step in load_yaml(path)["runs"]["steps"]:
            yield path.parent.name, None, step


def test_the_workflows_are_there():
    assert [p.name for p in WORKFLOWS] == ["pr-check.yml", "publish.yml"]
    assert [p.parent.name for p in ACTIONS] == ["install-locked"]


def test_no_workflow_has_a_trigger_that_hands_a_write_token_to_a_pull_request():
    for path in WORKFLOWS:
        triggers = set(load_yaml(path)["on"])
        assert not triggers & {"pull_request_target", "workflow_run"}, path.name


def test_tokens_are_read_only_except_where_a_job_needs_to_write():
    writes = {}
    for path in WORKFLOWS:
        doc = load_yaml(path)
        assert doc["permissions"] in ({}, {"contents": "read"}), path.name
        for job_id, job in doc["jobs"].items():
            assert "permissions" in job, f"{path.name}: {job_id} must say what it needs"
            granted = {k: v for k, v in job["permissions"].items() if v == "write"}
            assert set(job["permissions"].values()) <= {"read", "write"}
            if granted:
                writes[(path.name, job_id)] = granted
    assert writes == {
        ("pr-check.yml", "comment"): {"pull-requests": "write"},
        ("publish.yml", "deploy"): {"pages": "write", "id-token": "write"},
    }


def test_a_job_with_a_write_token_checks_out_and_runs_no_code():
    for name, job_id in (("pr-check.yml", "comment"), ("publish.yml", "deploy")):
        for step in jobs(name)[job_id]["steps"]:
            uses = step.get("uses", "")
            assert not uses.startswith(("actions/checkout", "./", "$/")), (name, job_id)
            words = set(re.findall(r"[\w.-]+", step.get("run", "")))
            assert not words & {"cadre", "pip", "python", "python3", "checkout"}, (name, job_id)


def test_the_comment_is_only_for_this_repositorys_branches_and_only_ever_our_own():
    job = jobs("pr-check.yml")["comment"]
    assert job["needs"] == "diff"
    assert job["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    (step,) = job["steps"]
    assert '.user.login == "github-actions[bot]"' in step["run"]
    assert 'contains("<!-- cadre-diff -->")' in step["run"]


def test_the_diff_is_computed_by_the_base_branchs_code_and_shown_in_the_summary():
    steps = jobs("pr-check.yml")["diff"]["steps"]
    runs = [s.get("run", "") for s in steps]
    uses = [s.get("uses", "") for s in steps]
    to_base = next(i for i, r in enumerate(runs) if re.search(r'checkout .*"\$BASE_SHA"', r))
    install = uses.index("./.github/actions/install-locked")
    diff = next(i for i, r in enumerate(runs) if "cadre diff" in r)
    assert to_base < install < diff
    assert '"$BASE_SHA" "$HEAD_SHA" --format markdown' in runs[diff]
    assert "$GITHUB_STEP_SUMMARY" in runs[diff]


def test_the_links_cache_is_restored_by_pull_requests_and_saved_only_by_publish():
    for name, _job, step in all_steps():
        uses = step.get("uses", "")
        if uses.startswith("actions/cache"):
            assert uses.startswith(
                "actions/cache/restore@" if name == "pr-check.yml" else "actions/cache/save@"
            )
            assert name in ("pr-check.yml", "publish.yml")
            assert step["with"]["path"] == ".cache/cadre/links"


def test_every_action_is_pinned_to_a_full_commit_with_its_tag_alongside():
    pinned = 0
    for path in [*WORKFLOWS, *ACTIONS]:
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"\s*(?:-\s+)?uses:\s*(\S+)(.*)", line)
            if not m or m.group(1).startswith("./"):
                continue
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", m.group(1)), line
            assert re.match(r"\s+# v\d+\.\d+\.\d+\b", m.group(2)), line
            pinned += 1
    assert pinned >= 6


def test_checkouts_leave_no_token_behind():
    checkouts = [s for _, _, s in all_steps() if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    for step in checkouts:
        assert step["with"]["persist-credentials"] is False


def test_no_expression_is_expanded_inside_a_script():
    """Template injection: text a pull request controls reaches a script only through env."""
    for name, job_id, step in all_steps():
        assert "${{" not in step.get("run", ""), (name, job_id, step.get("name"))


def test_publish_runs_daily_and_builds_only_the_public_site_as_of_today_in_shanghai():
    doc = load_yaml(GITHUB / "workflows" / "publish.yml")
    assert doc["on"]["push"] == {"branches": ["main"]}
    assert doc["on"]["schedule"][0]["cron"]
    assert "workflow_dispatch" in doc["on"]
    runs = [s.get("run", "") for s in doc["jobs"]["build"]["steps"]]
    assert any("TZ=Asia/Shanghai date +%F" in r for r in runs)
    (build,) = [r for r in runs if "cadre build" in r]
    assert '--as-of "$AS_OF"' in build
    for name, _job, step in all_steps():
        for command in re.findall(r"cadre [^\n]*", step.get("run", "")):
            assert "--audience" not in command or "--audience public" in command, (name, command)


def test_what_is_published_is_installed_from_the_hash_locked_requirements():
    (step,) = load_yaml(GITHUB / "actions" / "install-locked" / "action.yml")["runs"]["steps"]
    assert '--require-hashes --no-build-isolation -r "$lock"' in step["run"]
    assert "--no-deps --no-build-isolation -e ." in step["run"]
    for name in ("pr-check.yml", "publish.yml"):
        for job_id, job in jobs(name).items():
            runs = " ".join(s.get("run", "") for s in job.get("steps", []))
            if "cadre " in runs:
                assert any(
                    s.get("uses") == "./.github/actions/install-locked" for s in job["steps"]
                ), (name, job_id)
                assert "pip install" not in runs, (name, job_id)


# --- requirements.lock --------------------------------------------------------------------


def read_lock(text: str) -> dict[str, tuple[str, list[str]]]:
    """{normalized name: (pinned version or "", [sha256 hashes])} of a pip-compile lock."""
    entries = {}
    for entry in re.sub(r"\\\n", " ", text).splitlines():
        entry = entry.split(" #", 1)[0].strip()
        if not entry or entry.startswith("#"):
            continue
        requirement, *options = entry.split()
        name = re.split(r"[<>=!~;\[]", requirement, maxsplit=1)[0]
        version = requirement.partition("==")[2]
        hashes = [
            o.removeprefix("--hash=sha256:") for o in options if o.startswith("--hash=sha256:")
        ]
        entries[canonicalize_name(name)] = (version, hashes)
    return entries


def test_read_lock():
    text = "a-b==1.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via x\nC_d>=2\n"
    assert read_lock(text) == {"a-b": ("1.0", ["aa", "bb"]), "c-d": ("", [])}


def test_every_dependency_is_pinned_with_a_hash_in_the_lock():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lock = read_lock((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    wanted = [
        *pyproject["project"]["dependencies"],
        *pyproject["build-system"]["requires"],
    ]
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement.name} is not in requirements.lock: regenerate it"
        version, hashes = lock[name]
        assert version, f"{requirement.name} is not pinned with == in requirements.lock"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {requirement.name}=={version}, outside {requirement.specifier}"
        )
        assert hashes, f"{requirement.name} has no --hash=sha256: in requirements.lock"
    for name, (version, hashes) in lock.items():
        assert version and hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), name
