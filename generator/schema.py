"""The JSON Schemas of the record kinds: shape validation and the public/private marking.

Each schema property carries `x-public: true` or `x-public: false`; only properties marked
true ever reach the public view (see `public_view`). The schemas are also what a clerk's
editor uses for completion and hints, so they stay plain draft 2020-12.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from functools import cache
from pathlib import Path

import fastjsonschema
from jsonschema import Draft202012Validator, validators
from referencing import Registry, Resource

from .findings import Finding, error
from .loader import Document

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
KINDS = ("policy", "unit", "person", "appraisal", "points", "selection", "incident", "case")


@cache
def raw_schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    common = Resource.from_contents(raw_schema("common"))
    return Registry().with_resource("common.schema.json", common)


# JSON Schema counts 3.0 as an integer; records do not: a count or a number of months is
# written without a decimal point, so the rules never meet a float where they count.
_STRICT_TYPES = Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
)
StrictValidator = validators.extend(Draft202012Validator, type_checker=_STRICT_TYPES)
# The compiled check follows the JSON Schema meaning (3.0 is an integer); where a file may
# hold such a number, a walk of the document looks for one in an integer's place.
_INTEGRAL_FLOAT = re.compile(rb"(?<![0-9.])[0-9]+\.0*(?![0-9])")


@cache
def validator(kind: str) -> Draft202012Validator:
    return StrictValidator(
        raw_schema(kind), registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@cache
def fast_validator(kind: str):
    """A compiled yes/no check of the same schema, run first; jsonschema explains failures.

    fastjsonschema knows drafts up to 7; our schemas use no keyword whose meaning changed
    in 2020-12, so the common definitions are inlined as draft-07 `definitions`. A test
    checks that both validators agree on every example file.
    """
    schema = copy.deepcopy(raw_schema(kind))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["definitions"] = copy.deepcopy(raw_schema("common")["$defs"])

    def relink(node) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                node["$ref"] = node["$ref"].replace("common.schema.json#/$defs/", "#/definitions/")
            for v in node.values():
                relink(v)
        elif isinstance(node, list):
            for v in node:
                relink(v)

    relink(schema)
    # A yes or no is all it gives: jsonschema explains a failure. Detailed exceptions would
    # name every value it passes, at a quarter of the whole load's time.
    return fastjsonschema.compile(schema, formats={"date": _is_date}, detailed_exceptions=False)


def is_valid(kind: str, data: dict) -> bool:
    try:
        fast_validator(kind)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _float_for_integer(schema: dict, value) -> bool:
    """Whether a number with a decimal point sits where the schema asks for an integer."""
    schema = _resolve(schema)
    if isinstance(value, float):
        return schema.get("type") == "integer"
    if isinstance(value, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return any(
            _float_for_integer(
                props[k] if k in props else (extra if isinstance(extra, dict) else {}), v
            )
            for k, v in value.items()
        )
    if isinstance(value, list):
        return any(_float_for_integer(schema.get("items", {}), v) for v in value)
    return False


def _field(path) -> str:
    return ".".join(str(p) for p in path) or "(top)"


def _message(err) -> tuple[str, str]:
    """A clerk-facing message for one schema error that never quotes the offending value."""
    kw = err.validator
    title = err.schema.get("title", "")
    if err.instance is None and kw in ("type", "enum", "pattern", "format"):
        return "此项未填写 (value is blank)", err.schema.get("description", "")
    if kw == "required":
        missing = err.message.split("'")[1] if "'" in err.message else ""
        return f"缺少必填字段 '{missing}' (required field missing)", f"添加 {missing}: ..."
    if kw == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        return (
            f"不认识的字段 {', '.join(map(repr, extra))} (unknown field)",
            "检查拼写；可用字段见 schemas/ 中的说明",
        )
    if kw == "type":
        return (
            f"类型应为 {err.validator_value} (expected {err.validator_value})",
            "文字请加引号，数字不加引号",
        )
    if kw == "enum":
        allowed = " / ".join(map(str, err.validator_value))
        return f"取值不在允许范围内 (must be one of: {allowed})", ""
    if kw in ("pattern", "format"):
        return f"格式不正确 ({title or kw} has the wrong format)", err.schema.get("description", "")
    if kw == "not":
        return "不能使用保留名称 (reserved name)", "换一个编号"
    if kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"数值超出范围 ({kw} {err.validator_value})", ""
    if kw in ("minItems", "maxItems", "minLength", "maxLength"):
        return f"数量或长度不符合要求 ({kw} {err.validator_value})", ""
    if kw == "uniqueItems":
        return "列表中有重复项 (items must be unique)", ""
    if kw == "propertyNames":
        return "字段名格式不正确 (bad key)", "小项代码为小写字母、数字和下划线"
    return f"不符合格式要求 ({kw})", ""


def validate_document(kind: str, doc: Document) -> list[Finding]:
    """Tier one: the shape of one document, each error placed on its line."""
    if (
        doc.raw is not None
        and is_valid(kind, doc.data)
        and (
            not _INTEGRAL_FLOAT.search(doc.raw)
            or not _float_for_integer(raw_schema(kind), doc.data)
        )
    ):
        return []
    findings = []
    for err in sorted(
        validator(kind).iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))
    ):
        path = tuple(err.absolute_path)
        if err.validator == "required" and "'" in err.message:
            line, col = doc.where(path)
        elif err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            line, col = doc.key_where(path + (extra[0],)) if extra else doc.where(path)
            path = path + tuple(extra[:1])
        else:
            line, col = doc.where(path)
        message, hint = _message(err)
        findings.append(error(doc.path, line, col, _field(path), message, hint))
    return findings


def _resolve(schema: dict) -> dict:
    ref = schema.get("$ref")
    if ref and ref.startswith("common.schema.json#/$defs/"):
        base = raw_schema("common")["$defs"][ref.rsplit("/", 1)[1]]
        return {**base, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def project(schema: dict, value):
    """Keep only what the schema marks public; unknown or unmarked fields are dropped."""
    schema = _resolve(schema)
    if isinstance(value, dict) and "properties" in schema:
        out = {}
        for key, sub in schema["properties"].items():
            if key in value and sub.get("x-public") is True:
                out[key] = project(sub, value[key])
        return out
    if isinstance(value, list) and "items" in schema:
        return [project(schema["items"], v) for v in value]
    if isinstance(value, dict | list):
        return None  # a container whose parts are not individually marked stays private
    return value


def public_view(kind: str, data: dict) -> dict:
    """The public projection of one record (DESIGN section 3, `project` stage)."""
    return project(raw_schema(kind), data)


def private_leaves(schema: dict, value, path: tuple = (), private: bool = False):
    """Yield (path, value) for every scalar the schema does not mark public."""
    schema = _resolve(schema)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key, sub in value.items():
            sub_schema = props.get(key) or (
                schema.get("additionalProperties")
                if isinstance(schema.get("additionalProperties"), dict)
                else {}
            )
            hidden = private or not (key in props and props[key].get("x-public") is True)
            yield from private_leaves(sub_schema, sub, path + (key,), hidden)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from private_leaves(schema.get("items", {}), v, path + (i,), private)
    elif private:
        yield path, value
