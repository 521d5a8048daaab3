"""The results JSON of `cadre compute` against schemas/results.schema.json (DESIGN section 6)."""

from __future__ import annotations

import json
import shutil
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from generator.loader import load_bytes

REPO = Path(__file__).parent.parent
SCHEMA = json.loads((REPO / "schemas/results.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
DEMO = REPO / "records"


def compute(cli, records: Path, out: Path) -> dict:
    result = cli("compute", "--records", str(records), "--out", str(out))
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def problems(results: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in VALIDATOR.iter_errors(results)
    ]


def properties(schema, path=()):
    """Every named property of the schema, with its path."""
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            yield path + (name,), sub
        for key, sub in schema.items():
            if key != "properties":
                yield from properties(sub, path + (key,))
        for name, sub in schema.get("properties", {}).items():
            yield from properties(sub, path + (name,))
    elif isinstance(schema, list):
        for sub in schema:
            yield from properties(sub, path)


def test_schema_is_valid_and_every_property_is_described_in_chinese():
    Draft202012Validator.check_schema(SCHEMA)
    for path, sub in properties(SCHEMA):
        assert sub.get("title") and sub.get("description"), path
        assert isinstance(sub.get("x-public"), bool), path


def test_fixture_results_validate(cli, mini_repo, tmp_path):
    results = compute(cli, mini_repo / "records", tmp_path / "results.json")
    assert problems(results) == []
    assert len(results["appraisals"]) == 4 and results["points"]["months"]


def test_schema_rejects_a_float_score_and_an_unknown_grade(cli, mini_repo, tmp_path):
    results = compute(cli, mini_repo / "records", tmp_path / "results.json")
    results["appraisals"][0]["total"] = 87.4
    results["appraisals"][1]["grade"] = "good"
    assert len(problems(results)) == 2


def test_every_appraisal_shape_validates(cli, mini_repo, tmp_path):
    """Ties pending and decided, forced, ungraded, A4-A7 and both alerts, with share 0.5."""
    import test_appraisal as t

    top = [t.entry(p, (60, 40), (50, 50), own_unit=t.tally(10, excellent=10)) for p in ("p4", "p7")]
    decided = t.excellent("p2") | {"decision": t.decision("excellent")}
    east_2025 = top + [decided, t.excellent("p3"), t.failing("p1"), t.basic("p5")]
    east_2025 += [t.failing("low"), {"person": "p6", "ungraded": {"reason": "other"}}]
    files = t.files_of(
        [t.person(f"p{i}") for i in range(1, 8)]
        + [t.person(f"p{i}", unit="west") for i in (8, 9, 10)]  # west appraises its own
        + [t.person("low", rank="clerk")],
        [
            t.appraisal_file(2024, "east", "2025-01-20", [t.failing("p1"), t.excellent("p4")]),
            # 7 graded: 3 slots; p4 and p7 take 2, p2 and p3 tie for the third
            t.appraisal_file(2025, "east", "2026-01-20", east_2025),
            # 3 graded: 1 slot, p8 and p9 tie for it
            t.appraisal_file(
                2025, "west", "2026-01-20", [t.excellent("p8"), t.excellent("p9"), t.basic("p10")]
            ),
        ],
        excellent_share=0.5,
        excellent_base="graded",  # the slots below are worked from the graded
    )
    forced = {("p5", 2025): [{"grade": "incompetent", "rule": "F5", "basis": {}}]}
    appraisals, actions, alerts, _ = t.appraise(files, "2026-03-01", forced)
    results = compute(cli, mini_repo / "records", tmp_path / "results.json")
    results |= {"appraisals": appraisals, "actions": actions, "alerts": alerts}
    assert problems(results) == []
    assert {a["rule"] for a in actions} == {"A4", "A5", "A6", "A7"}
    assert {a["type"] for a in alerts} == {"demotion_needs_decision", "tie_needs_decision"}
    shapes = {k for a in appraisals for k in a}
    assert {"decision", "pending_decision", "forced_by", "reason"} <= shapes


@pytest.fixture(scope="module")
def demo(demo_repo, tmp_path_factory) -> dict:
    if not list((DEMO / "policy").glob("*.yaml")):
        pytest.skip("records/ holds no policy yet: the demo county is not written")
    from click.testing import CliRunner

    from generator.cli import main

    out = tmp_path_factory.mktemp("demo") / "results.json"
    result = CliRunner().invoke(
        main,
        ["compute", "--records", str(demo_repo / "records"), "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_demo_results_validate(demo):
    assert problems(demo) == []
    assert demo["appraisals"] and demo["actions"]  # the test really ran on something


def test_demo_totals_are_the_weighted_sums_of_their_components(demo):
    for a in demo["appraisals"]:
        if a["total"] is None:
            continue
        weights = load_bytes("p", (DEMO / f"policy/{a['year']}.yaml").read_bytes()).data["weights"]
        expected = sum(
            (Decimal(str(weights[c])) * Decimal(a["components"][c]) for c in weights), Decimal(0)
        )
        assert Decimal(a["total"]) == expected.quantize(Decimal("0.01"), ROUND_HALF_UP), a["person"]


def test_demo_excellent_within_the_share_of_each_pool(demo):
    pools: dict[tuple, list[dict]] = {}
    for a in demo["appraisals"]:
        pools.setdefault((a["year"], a["pool"]), []).append(a)
    for (year, pool), members in pools.items():
        grading = load_bytes("p", (DEMO / f"policy/{year}.yaml").read_bytes()).data["grading"]
        graded = [a for a in members if a["grade"] != "ungraded"]
        quota = (len(graded) * Decimal(str(grading["excellent_share"]))).to_integral_value(
            ROUND_FLOOR
        )
        assert sum(a["grade"] == "excellent" for a in members) <= quota, (year, pool)


def test_demo_has_every_appraisal_consequence(demo):
    assert {"A4", "A5", "A6", "A7"} <= {a["rule"] for a in demo["actions"]}


def test_demo_one_item_score_moves_the_total_by_its_weight(demo, cli, tmp_path):
    """One point less on one results item: the total drops by the results weight exactly."""
    copy = tmp_path / "records"
    shutil.copytree(DEMO, copy)
    path = sorted((copy / "appraisals").glob("*/*.yaml"))[-1]
    doc = load_bytes("a.yaml", path.read_bytes())
    entry = next(e for e in doc.data["entries"] if "results" in e)
    code, score = next((c, v) for c, v in entry["results"].items() if v >= 1)
    line, _ = doc.where(("entries", doc.data["entries"].index(entry), "results", code))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[line - 1].strip() == f"{code}: {score}"
    lines[line - 1] = lines[line - 1].replace(str(score), str(Decimal(str(score)) - 1))
    path.write_text("".join(lines), encoding="utf-8")
    after = compute(cli, copy, tmp_path / "after.json")
    year = doc.data["year"]

    def total(results):
        (a,) = [
            a for a in results["appraisals"] if (a["person"], a["year"]) == (entry["person"], year)
        ]
        return Decimal(a["total"])

    weights = load_bytes("p", (DEMO / f"policy/{year}.yaml").read_bytes()).data["weights"]
    assert total(demo) - total(after) == Decimal(str(weights["results"]))
