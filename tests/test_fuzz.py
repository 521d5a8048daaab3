"""Fuzzing: whatever a record file holds, validate and compute return findings, never raise.

Three kinds of input around the schemas: mutated bytes of valid files, valid documents
with one value replaced by something of another shape, and documents with a field dropped.
CI runs a bounded number of examples; `HYPOTHESIS_PROFILE=long pytest tests/test_fuzz.py`
runs many more by hand.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.loader import load_bytes
from generator.pipeline import ValidationFailed, check_files, compute_checked
from generator.repository import read_tree

MINI = Path(__file__).parent / "fixtures" / "mini" / "records"
FILES = read_tree(MINI)
NAMES = sorted(FILES)
DATA = {rel: load_bytes(rel, FILES[rel]).data for rel in NAMES}

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def run_pipeline(rel: str, raw: bytes) -> None:
    files = dict(FILES)
    files[rel] = raw
    checked = check_files(files, None, "records")
    for finding in checked.findings:
        assert finding.path.startswith("records/") and finding.line >= 1
    with contextlib.suppress(ValidationFailed):  # errors found: nothing is computed, which is right
        compute_checked(checked, {"digest": "x", "commit": None, "date": None, "dirty": None})


@given(st.sampled_from(NAMES), st.data())
def test_mutated_bytes_never_crash(rel, data):
    raw = bytearray(FILES[rel])
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["flip", "insert", "delete"]))
        pos = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[pos] = data.draw(st.integers(0, 255))
        elif op == "insert":
            raw[pos:pos] = data.draw(st.binary(min_size=1, max_size=8))
        elif raw:
            del raw[pos]
    run_pipeline(rel, bytes(raw))


def paths(value, at=()):
    yield at
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, at + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, at + (i,))


def replaced(value, at, new):
    if not at:
        return new
    copy = list(value) if isinstance(value, list) else dict(value)
    copy[at[0]] = replaced(value[at[0]], at[1:], new)
    return copy


odd_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=12)
    | st.sampled_from(["2025-02-30", "hx-003", "hexi", "east", "NL01", "", "excellent", "1/0"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["id", "date", "person", "x"]), inner, max_size=3)
    ),
    max_leaves=6,
)


@given(st.sampled_from(NAMES), st.data())
def test_near_valid_documents_never_crash(rel, data):
    doc = DATA[rel]
    at = data.draw(st.sampled_from(list(paths(doc))[1:]))
    if data.draw(st.booleans()):
        new = replaced(doc, at, data.draw(odd_values))
    else:  # drop the field or item
        new = json.loads(json.dumps(doc))
        node = new
        for k in at[:-1]:
            node = node[k]
        del node[at[-1]]
    run_pipeline(rel, json.dumps(new, ensure_ascii=False).encode())  # JSON is YAML 1.2
