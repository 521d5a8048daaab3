"""`cadre synth` writes a deterministic repository on which every command runs cleanly."""

from __future__ import annotations

import hashlib
import json
import subprocess

from generator.synth import Synth


def digest(files: dict[str, str]) -> str:
    return hashlib.sha256(
        json.dumps(files, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def test_same_arguments_give_the_same_files():
    assert digest(Synth(300, None, 2).build()) == digest(Synth(300, None, 2).build())


def test_every_record_kind_in_proportion():
    files = Synth(2000, 25, 2).build()
    kinds = {}
    for rel in files:
        kinds[rel.split("/")[0]] = kinds.get(rel.split("/")[0], 0) + 1
    assert kinds["people"] == 2000 and kinds["units"] == 25 and kinds["policy"] == 2
    assert kinds["appraisals"] == 2 * 25 and kinds["points"] == 3 * 25
    assert (
        0 < kinds["incidents"] < 60
        and 0 < kinds["cases"] <= kinds["incidents"]
        and kinds["selections"] >= 1
    )


def test_synthetic_repository_validates_and_computes_without_findings(tmp_path, cli, monkeypatch):
    out = tmp_path / "province"
    assert cli("synth", "--people", "600", "--units", "12", "--out", str(out)).exit_code == 0
    monkeypatch.chdir(out)
    assert cli("validate").exit_code == 0
    result = cli("compute", "--out", "results.json")
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert len(results["appraisals"]) == 2 * 600
    assert results["findings"] == []


def test_a_synthetic_repository_keeps_its_outputs_out_of_git(tmp_path, cli, monkeypatch):
    out = tmp_path / "county"
    assert cli("synth", "--people", "60", "--units", "2", "--out", str(out)).exit_code == 0
    monkeypatch.chdir(out)
    monkeypatch.delenv("CADRE_NO_CACHE", raising=False)
    assert cli("validate").exit_code == 0
    assert (out / ".cache").is_dir()
    subprocess.run(["git", "init", "-q"], cwd=out, check=True)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=out,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert status and ".cache" not in status
