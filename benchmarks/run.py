"""The benchmark: every stage on one synthetic repository, as seconds and as a ratio to the floor.

    python benchmarks/run.py --people 10000 --people 100000 [--build-max 10000]
        [--internal-max 10000] [--keep DIR]

For each size it writes a synthetic repository (`cadre synth`), makes it a git repository,
and measures in order: the floor (a bare YAML parse of every record file with PyYAML's C
loader, nothing else), `cadre validate` cold (no cache) and again with nothing changed,
`cadre compute` (documents cached, results not), `cadre build` (only up to --build-max
people) cold and again after a one-file change, loading that one changed file on its own,
`cadre diff` of the change (after `cadre diff main main` has kept main's links, as the
publish workflow does), `cadre validate` and `cadre build` after the change, the internal
view's build (only up to --internal-max people: a dossier per person), and `cadre diff` of a policy change (the share of 优秀, which moves every
appraisal). Each step runs in a fresh
process: "seconds" is timed inside it (after start-up), "wall" around it (with start-up).
The table goes to benchmarks/RESULTS.md with the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLOOR = """
import sys, time, pathlib, yaml, resource
t = time.perf_counter()
n = 0
for p in sorted(pathlib.Path("records").rglob("*.yaml")):
    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)
    n += 1
e = time.perf_counter() - t
print("\\n@@" + __import__("json").dumps({"seconds": e, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "exit": 0, "files": n}), file=sys.stderr)
"""

LOAD_ONE = """
import sys, time, json, resource
t = time.perf_counter()
from pathlib import Path
from generator.model import load_one
from generator.repository import classify
rel = sys.argv[1]
place = classify(rel)
data, problems = load_one(place.kind, "records/" + rel, Path("records", rel).read_bytes(), place)
assert data is not None and not problems, problems
e = time.perf_counter() - t
print("\\n@@" + json.dumps({"seconds": e, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "exit": 0}), file=sys.stderr)
"""


def run(args: list[str], cwd: Path, env: dict) -> dict:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    marker = done.stderr.rsplit("@@", 1)
    if len(marker) != 2:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return {**json.loads(marker[1]), "wall": wall}


def git(cwd: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "b@example.org",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "b@example.org",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def measure(people: int, build: bool, internal: bool, workdir: Path) -> list[tuple[str, dict]]:
    repo = workdir / f"synth-{people}"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cadre = [sys.executable, str(HERE / "measure.py")]
    t = time.perf_counter()
    subprocess.run(
        [*cadre[:1], "-m", "generator.cli", "synth", "--people", str(people), "--out", str(repo)],
        check=True,
        env=env,
        capture_output=True,
    )
    print(f"  synth {people}: {time.perf_counter() - t:.1f}s", flush=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "synthetic records")
    steps: list[tuple[str, dict]] = []
    steps.append(
        ("floor: bare YAML parse (PyYAML C)", run([sys.executable, "-c", FLOOR], repo, env))
    )
    shutil.rmtree(repo / ".cache", ignore_errors=True)
    steps.append(("validate, cold", run([*cadre, "validate"], repo, env)))
    steps.append(("validate again, nothing changed", run([*cadre, "validate"], repo, env)))
    shutil.rmtree(repo / ".cache" / "cadre" / "results", ignore_errors=True)
    steps.append(
        (
            "compute (documents cached, results not)",
            run([*cadre, "compute", "--out", str(workdir / "results.json")], repo, env),
        )
    )
    if build:
        steps.append(
            (
                "build, cold (documents cached)",
                run([*cadre, "build", "--out", str(workdir / f"site-{people}")], repo, env),
            )
        )
    # a one-file change on a branch: one score in one appraisal file
    target = sorted((repo / "records" / "appraisals").rglob("*.yaml"))[-1]
    text = target.read_text(encoding="utf-8")
    run(
        [*cadre, "diff", "main", "main"], repo, env
    )  # keeps main's links, as the publish workflow does
    git(repo, "checkout", "-q", "-b", "change")
    # one superiors' tally moves one vote from competent to excellent: one democratic score changes
    tally = "superiors: {raters: 5, excellent: 2, competent: 3"
    assert tally in text
    target.write_text(
        text.replace(tally, "superiors: {raters: 5, excellent: 3, competent: 2", 1),
        encoding="utf-8",
    )
    git(repo, "commit", "-q", "-am", "one score")
    rel = target.relative_to(repo / "records").as_posix()
    steps.append(
        ("load the changed file alone", run([sys.executable, "-c", LOAD_ONE, rel], repo, env))
    )
    steps.append(
        (
            "diff of the one-file change (main's links kept)",
            run([*cadre, "diff", "main", "change"], repo, env),
        )
    )
    steps.append(("validate after the one-file change", run([*cadre, "validate"], repo, env)))
    if build:
        steps.append(
            (
                "build after the one-file change",
                run([*cadre, "build", "--out", str(workdir / f"site-{people}")], repo, env),
            )
        )
    if internal:
        out = workdir / f"internal-{people}"
        steps.append(
            (
                "internal view's build",
                run([*cadre, "build", "--audience", "internal", "--out", str(out)], repo, env),
            )
        )
    # a policy change on another branch: the share of 优秀 in every pool of 2025
    git(repo, "checkout", "-q", "-b", "policy", "main")
    policy = repo / "records" / "policy" / "2025.yaml"
    text = policy.read_text(encoding="utf-8")
    assert "excellent_share: 0.2\n" in text
    policy.write_text(text.replace("excellent_share: 0.2\n", "excellent_share: 0.25\n"), "utf-8")
    git(repo, "commit", "-q", "-am", "excellent share")
    steps.append(
        (
            "diff of a policy change (the share of 优秀)",
            run([*cadre, "diff", "main", "policy"], repo, env),
        )
    )
    git(repo, "checkout", "-q", "change")
    return steps


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, action="append", help="sizes to measure (repeatable)")
    parser.add_argument(
        "--build-max",
        type=int,
        default=10_000,
        help="largest size at which to measure the site build",
    )
    parser.add_argument(
        "--internal-max",
        type=int,
        default=10_000,
        help="largest size at which to measure the internal view's build",
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep the synthetic repositories in this folder"
    )
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    sizes = args.people or [10_000, 100_000]
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="cadre-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True
        ).stdout.strip()
        or "unknown"
    )
    lines = [
        "# Benchmark results",
        "",
        f"Measured at commit {commit} (`python benchmarks/run.py`). Machine: {machine()}.",
        "",
        "One run of `python benchmarks/run.py`; each step in a fresh process, on the same synthetic repository "
        "(`cadre synth`). Ratio is to the floor: a bare YAML parse of every record file with PyYAML's C loader. "
        "*Seconds* are timed inside the process, after start-up; *wall* is the whole process as a user waits for it. "
        "*Peak memory* is the whole process tree's: the largest sum, sampled every 50 ms, of the proportional set "
        "size of the command and every process under it (the loader's workers, git, mkdocs), or the command's own "
        "high-water mark if higher (`benchmarks/measure.py`). The floor and the one-file load count their own process only.",
        "",
    ]
    for people in sizes:
        print(f"measuring {people} people", flush=True)
        steps = measure(people, people <= args.build_max, people <= args.internal_max, workdir)
        floor = steps[0][1]["seconds"]
        lines += [
            f"## {people:,} people ({steps[0][1].get('files', '?')} record files)",
            "",
            "| step | seconds | × floor | wall (s) | peak memory (MB) | exit |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, r in steps:
            lines.append(
                f"| {name} | {r['seconds']:.2f} | {r['seconds'] / floor:.2f} | {r['wall']:.2f} | {r['peak_mb']:.0f} | {r['exit']} |"
            )
            print(
                f"  {name}: {r['seconds']:.2f}s ({r['seconds'] / floor:.2f}x floor), {r['peak_mb']:.0f} MB, exit {r['exit']}",
                flush=True,
            )
        by_name = dict(steps)
        one, diff = (
            by_name["load the changed file alone"],
            by_name["diff of the one-file change (main's links kept)"],
        )
        lines += [
            "",
            f"The diff of the one-file change took {diff['wall'] / one['wall']:.1f}× the wall time of loading that one file on its own "
            f"({diff['wall']:.2f} s against {one['wall']:.2f} s).",
            "",
        ]
        cold, after = by_name["validate, cold"], by_name["validate after the one-file change"]
        top = max(steps[1:], key=lambda step: step[1]["peak_mb"])
        lines += [
            f"Validation after the one-file change took {after['wall'] / cold['wall']:.1%} of a cold "
            f"validation's wall time ({after['wall']:.2f} s against {cold['wall']:.2f} s).",
            "",
            f"The largest peak memory of a step was {top[1]['peak_mb']:.0f} MB ({top[0]}).",
            "",
        ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    if args.keep is None:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
