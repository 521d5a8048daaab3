"""The loader keeps positions, keeps dates as text, and refuses what records have no use for."""

from __future__ import annotations

import pytest

from generator.loader import MAX_BYTES, LoadError, load_bytes


def test_values_keep_their_line_and_column():
    doc = load_bytes("r.yaml", b"id: a\nhistory:\n  - start: 2020-01-01\n    end: 2021-02-03\n")
    assert doc.where(("history", 0, "end")) == (4, 10)
    assert doc.key_where(("history",)) == (2, 1)
    assert doc.where(("history", 0, "missing")) == (3, 5)  # falls back to the nearest parent


def test_dates_stay_strings_and_numbers_are_typed():
    doc = load_bytes("r.yaml", b"d: 2025-03-01\nn: 12\nf: 8.5\nb: true\nq: '012'\n")
    assert doc.data == {"d": "2025-03-01", "n": 12, "f": 8.5, "b": True, "q": "012"}


def test_yes_and_no_are_not_booleans():
    """YAML 1.1 read `no` as false; a county code `NO` must stay text."""
    assert load_bytes("r.yaml", b"a: no\nb: YES\n").data == {"a": "no", "b": "YES"}


def test_file_over_the_size_limit_is_refused_before_parsing():
    raw = b"a: " + b"x" * (MAX_BYTES + 1) + b"\n"
    with pytest.raises(LoadError) as e:
        load_bytes("big.yaml", raw)
    assert e.value.finding.text().startswith("big.yaml:1:1: file:")


@pytest.mark.parametrize(
    "raw, where",
    [
        (b"a: 1\nb:\n  c: 2\n  c: 3\n", "r.yaml:4:3: c"),
        (b"a: *x\n", "r.yaml:1:4: yaml"),
        (b"a: !!binary aGk=\n", "r.yaml:1:4: yaml"),
        (b"a: -.inf\n", "r.yaml:1:4: number"),
        (b"a: 0x1F\n", "r.yaml:1:4: number"),
        (b"? [1, 2]\n: x\n", "r.yaml:1:3: key"),
        (b"a: 1\n\xc3\x28\n", "r.yaml:2:1: encoding"),
    ],
)
def test_refusals_name_file_line_and_kind(raw, where):
    with pytest.raises(LoadError) as e:
        load_bytes("r.yaml", raw)
    assert e.value.finding.text().startswith(where)


def test_duplicate_key_message_does_not_echo_either_value():
    with pytest.raises(LoadError) as e:
        load_bytes("r.yaml", b"facts: first secret\nfacts: second secret\n")
    assert "secret" not in e.value.finding.text()


def test_files_loaded_on_every_core_in_small_chunks_are_those_loaded_in_one_process(
    tmp_path, monkeypatch
):
    """The parallel loader cuts the files into chunks of a few megabytes, in order; what it
    gives back is what loading them one by one gives, findings included."""
    from generator import model
    from generator.repository import read_tree
    from generator.synth import write_repository

    write_repository(tmp_path, 60, 3, 2, tmp_path)
    files = read_tree(tmp_path / "records")
    files["people/broken.yaml"] = b"id: broken\nname: [\n"
    one, one_findings = model.load_records(files)
    monkeypatch.setattr(model, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(model, "CHUNK_BYTES", 20_000)
    chunked = model._chunks([("k", rel, raw) for rel, raw in files.items()], 25)
    assert [job[1] for chunk in chunked for job in chunk] == list(files)
    assert all(len(c) <= 25 for c in chunked)
    assert all(sum(len(j[2]) for j in c) <= 20_000 or len(c) == 1 for c in chunked)
    many, many_findings = model.load_records(files)
    assert many == one
    assert [f.text() for f in many_findings] == [f.text() for f in one_findings]
    assert any("broken.yaml" in f.path for f in many_findings)


def test_a_packed_document_places_a_value_where_the_file_has_it():
    """Once loaded, a document keeps its bytes compressed (`Document.pack`); a finding
    asked for later is placed on the same line and column as from the bytes themselves."""
    raw = b"id: hexi\nentries:\n  - person: wang-fang\n    grade: competent\n"
    plain, packed = load_bytes("f.yaml", raw), load_bytes("f.yaml", raw)
    packed.pack()
    assert packed.raw is None and packed.data == plain.data
    # line 3 is "  - person: wang-fang": the value starts in column 13
    assert (
        packed.where(("entries", 0, "person")) == plain.where(("entries", 0, "person")) == (3, 13)
    )
    assert packed.key_where(("entries", 0, "grade")) == (4, 5)
    packed.forget_bytes()
    assert packed.where(("entries", 0, "grade")) == (4, 12)  # positions once read are kept
    gone = load_bytes("f.yaml", raw)
    gone.forget_bytes()
    assert gone.where(("entries", 0, "person")) == (1, 1)  # nothing left to place it by
