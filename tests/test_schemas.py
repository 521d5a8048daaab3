"""The schemas themselves: Chinese help on every property, an explicit publication mark, safe patterns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from generator.schema import KINDS, public_view, raw_schema


def properties(schema, path=""):
    """Yield (path, property schema) for every property at any depth."""
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            yield f"{path}.{name}", sub
            yield from properties(sub, f"{path}.{name}")
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                yield from properties(schema[key], path + "[]")


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft_2020_12(kind):
    Draft202012Validator.check_schema(raw_schema(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_has_chinese_help_and_a_publication_mark(kind):
    for path, prop in properties(raw_schema(kind)):
        assert re.search(r"[\u4e00-\u9fff]", prop.get("title", "")), (
            f"{kind}{path}: no Chinese title"
        )
        assert re.search(r"[\u4e00-\u9fff]", prop.get("description", "")), (
            f"{kind}{path}: no Chinese description"
        )
        assert isinstance(prop.get("x-public"), bool), (
            f"{kind}{path}: x-public must be true or false"
        )


def all_patterns(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "pattern":
                yield v
            else:
                yield from all_patterns(v)
    elif isinstance(node, list):
        for v in node:
            yield from all_patterns(v)


@pytest.mark.parametrize("kind", (*KINDS, "common"))
def test_patterns_are_anchored_with_backslash_z_and_use_ascii_digits(kind):
    for pattern in all_patterns(raw_schema(kind)):
        assert pattern.startswith("^") and pattern.endswith("\\Z"), pattern
        assert "\\d" not in pattern, f"{pattern}: \\d also matches non-ASCII digits"


def test_private_fields_never_survive_projection():
    person = {
        "id": "hx-003",
        "name": "赵小明",
        "gender": "male",
        "birth_date": "1990-02-01",
        "employment": "cadre",
        "unit": "hexi",
        "category": "staff",
        "leadership_member": False,
        "post": "科员",
        "rank": "clerk",
        "status": "active",
        "enforcement": False,
        "history": [{"post": "科员", "unit": "hexi", "rank": "clerk", "start": "2016-08-01"}],
        "unexpected": "dropped too",
    }
    view = public_view("person", person)
    assert "birth_date" not in view and "gender" not in view and "employment" not in view
    assert "unexpected" not in view
    assert view["name"] == "赵小明" and view["history"][0]["start"] == "2016-08-01"


def test_incident_facts_and_channel_are_private():
    incident = {
        "id": "i-1",
        "person": "p",
        "date": "2025-01-02",
        "channel": "reports",
        "kind": "situation",
        "situation": "NL01",
        "summary": "公开摘要",
        "facts": "内部事实",
    }
    assert public_view("incident", incident) == {
        "id": "i-1",
        "person": "p",
        "date": "2025-01-02",
        "kind": "situation",
        "situation": "NL01",
        "summary": "公开摘要",
    }


def example_documents():
    """Every record file of the example folders and the mini repository that loads."""
    from generator.loader import LoadError, load_bytes
    from generator.repository import classify

    here = Path(__file__).parent
    roots = [
        here / "fixtures" / "mini" / "records",
        *sorted((here / "example-files" / "negative").glob("*/records")),
    ]
    for root in roots:
        for f in sorted(root.rglob("*.yaml")):
            place = classify(f.relative_to(root).as_posix())
            if place is None:
                continue
            try:
                yield place.kind, load_bytes(str(f), f.read_bytes())
            except LoadError:
                continue


def test_fast_path_and_full_validator_agree_on_every_example():
    """The compiled check decides only where it means the same as the strict validator."""
    from generator.schema import validate_document, validator

    checked = 0
    for kind, doc in example_documents():
        assert (validate_document(kind, doc) == []) == validator(kind).is_valid(doc.data), doc.path
        checked += 1
    assert checked > 20
