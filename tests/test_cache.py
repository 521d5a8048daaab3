"""The content cache never changes a result: same findings and data with and without it."""

from __future__ import annotations

from generator.cache import DocumentCache, dump_sections, load_sections, load_stored, store
from generator.pipeline import check_files
from generator.repository import read_tree


def snapshot(checked):
    docs = {d.path: d.data for d in checked.records.all_documents()}
    return [f.text() for f in checked.findings], docs, checked.as_of


def test_cached_run_equals_uncached_run_before_and_after_edits(mini_repo, tmp_path):
    records = mini_repo / "records"
    cache_file = tmp_path / "cache" / "documents.marshal"

    def run(cached: bool):
        cache = DocumentCache(cache_file) if cached else None
        return snapshot(check_files(read_tree(records), None, "records", cache))

    assert run(True) == run(False)
    assert cache_file.exists()
    warm = DocumentCache(cache_file)
    assert len(warm.entries) == len(list(records.rglob("*.yaml")))
    assert run(True) == run(False)  # every document from the cache

    person = records / "people" / "hx-003.yaml"
    person.write_text(
        person.read_text(encoding="utf-8").replace("post: 科员,", "post: 副站长,", 1),
        encoding="utf-8",
    )
    assert run(True) == run(False)  # an edited file is loaded again, not served stale

    person.write_text(
        person.read_text(encoding="utf-8").replace("unit: hexi", "unit: nowhere"), encoding="utf-8"
    )
    cached, uncached = run(True), run(False)
    assert cached == uncached
    assert any(
        ":9:23: history:" in f for f in cached[0]
    )  # positions found again for a cached file's finding


def test_damaged_cache_is_ignored(mini_repo, tmp_path):
    cache_file = tmp_path / "documents.marshal"
    cache_file.write_bytes(b"not a cache")
    checked = check_files(
        read_tree(mini_repo / "records"), None, "records", DocumentCache(cache_file)
    )
    assert not [f for f in checked.findings if f.severity == "error"]


def test_results_reused_only_for_the_same_bytes(mini_repo, cli, monkeypatch):
    monkeypatch.chdir(mini_repo)
    first = cli("compute")
    stored = list((mini_repo / ".cache" / "cadre" / "results").glob("*.findings"))
    assert first.exit_code == 0 and len(stored) == 1
    assert cli("compute").output == first.output  # served from the stored run
    path = mini_repo / "records/appraisals/2025/hexi.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("r02: 30}", "r02: 20}", 1), encoding="utf-8"
    )
    changed = cli("compute").output
    assert changed != first.output
    monkeypatch.setenv("CADRE_NO_CACHE", "1")
    assert cli("compute").output == changed  # the cached run equals a run without any cache


def test_a_store_written_in_sections_reads_back_equal(tmp_path):
    """Results and the kept view are written a section at a time (`dump_sections`): a
    mapping key by key, long lists in slices. What is read back is what was written."""
    value = {
        "postings": [{"id": f"p{i}", "year": 2025, "tags": ["a", "b"]} for i in range(5001)],
        "site": {"units": list(range(3)), "nested": {"deep": [None, True, 1.5, "字"]}},
        "empty": [],
        "none": None,
    }
    path = tmp_path / "store"
    with open(path, "wb") as fh:
        dump_sections(value, fh, depth=3, chunk=1000)
    with open(path, "rb") as fh:
        assert load_sections(fh) == value


def test_a_damaged_results_store_is_computed_again(tmp_path):
    stem = tmp_path / "results" / "key"
    store(stem, [], {"appraisals": [{"person": "x"}] * 5000, "as_of": "2025-01-01"})
    assert load_stored(stem, "results")["as_of"] == "2025-01-01"
    whole = stem.with_suffix(".results").read_bytes()
    for cut in (len(whole) // 2, len(whole) - 1, 3):
        stem.with_suffix(".results").write_bytes(whole[:cut])
        assert load_stored(stem, "results") is None
