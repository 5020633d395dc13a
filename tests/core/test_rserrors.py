"""Violations named from jsonschema-rs's own errors: the same as python-jsonschema's, or not named at all.

The differential test in test_fast_path_differential.py holds the two namings equal over every shipped
and corpus schema; these are the cases that test found, and the ones the adapter must hand back.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contracts.core.classify import classify_all
from contracts.core.compiled import CompiledSchema
from contracts.core.finding import Kind
from contracts.core.rserrors import adapt

ROOT = Path(__file__).resolve().parents[2]
S = "https://json-schema.org/draft/2020-12/schema"


def _named(document: dict[str, Any], instance: Any) -> list[Any] | None:
    compiled = CompiledSchema({"$schema": S, **document})
    errors = adapt(compiled._fast.iter_errors(instance), compiled.document, instance)
    return None if errors is None else classify_all(errors, "/body")


def _reference(document: dict[str, Any], instance: Any) -> list[Any]:
    return CompiledSchema({"$schema": S, **document}).detailed(instance, "/body")


AGREE = [
    # keys come back from jsonschema-rs sorted: messages and field order must still follow the instance
    ({"type": "object", "properties": {"a": {"type": "string"}}}, {"a": {"z": 1, "b": 2, "m": None}}),
    ({"type": "object", "properties": {"a": {}}, "additionalProperties": False}, {"zz": 1, "a": 1, "bb": 2, "c": 3}),
    ({"allOf": [{"properties": {"a": {}}}], "unevaluatedProperties": False}, {"z": 1, "a": 1, "b": 2}),
    # two required lists: the order must not depend on which engine reported which first
    ({"allOf": [{"required": ["name"]}, {"required": ["id"]}]}, {}),
    # null in a non-nullable field is one finding, not a type and an enum one
    ({"properties": {"s": {"type": "string", "enum": ["A", "B"]}}}, {"s": None}),
    # the branch the instance was meant for names its violations; a $ref'd branch included
    ({"anyOf": [{"$ref": "#/$defs/o"}, {"type": "null"}],
      "$defs": {"o": {"type": "object", "required": ["x"], "properties": {"x": {"type": "integer", "minimum": 3},
                                                                        "y": {"enum": ["on", "off"]}}}}},
     {"x": 1, "y": "of"}),
    ({"oneOf": [{"type": "integer"}, {"minimum": 1}]}, 5),  # valid under both: one schema mismatch
    # jsonschema-rs reports it as "required" under the dependentRequired keyword
    ({"dependentRequired": {"a": ["b", "c"], "x": ["c"]}}, {"x": 1, "a": 1}),
    ({"type": "array", "items": {"type": "string", "pattern": "^[0-9]{8}T[0-9]{6}Z$"}, "maxItems": 2},
     ["20151212T121212Z", "2015-12-12T12:12:12Z", "x"]),
    ({"properties": {"n": {"type": "integer", "minimum": 1, "maximum": 50}, "t": {"type": "string", "maxLength": 3}}},
     {"n": 0, "t": "toolong"}),
]


@pytest.mark.parametrize("document,instance", AGREE)
def test_both_engines_name_the_same_violations_in_the_same_order(document: dict[str, Any], instance: Any) -> None:
    named = _named(document, instance)
    assert named is not None
    assert named == _reference(document, instance)
    assert named  # every case here is invalid


def test_the_named_instance_is_the_callers_own_object() -> None:
    compiled = CompiledSchema({"$schema": S, "properties": {"a": {"type": "string"}}})
    value = {"z": 1, "b": 2}
    errors = adapt(compiled._fast.iter_errors({"a": value}), compiled.document, {"a": value})
    assert errors is not None and errors[0].instance is value
    assert list(errors[0].absolute_path) == ["a"]


HANDED_BACK = [
    ({"properties": {"a": False}}, {"a": 1}),  # a false schema: reported under the property's name
    ({"propertyNames": {"maxLength": 2}}, {"abc": 1}),  # the instance is the object, not the name
    ({"properties": {"a": {"$id": "https://example.com/inner", "$ref": "#/$defs/q",
                           "$defs": {"q": {"type": "integer"}}}}}, {"a": "s"}),  # a path inside another resource
    ({"additionalProperties": {"type": "object"}}, {"": []}),  # jsonschema-rs drops the empty key from the path
]


@pytest.mark.parametrize("document,instance", HANDED_BACK)
def test_errors_it_cannot_read_back_faithfully_are_handed_to_python_jsonschema(document: dict[str, Any],
                                                                                instance: Any) -> None:
    assert _named(document, instance) is None
    compiled = CompiledSchema({"$schema": S, **document})
    assert compiled.violations(instance, "/body") == compiled.detailed(instance, "/body") != []


def test_a_field_some_branch_declares_is_never_called_a_rename() -> None:
    # {"a": ""} is valid under both object shapes, so oneOf fails and "a" is left unevaluated; it is no typo
    # of "b", and the oneOf failure is the one root cause
    document = {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}},
                          {"type": "object", "properties": {"c": {"type": "string"}, "d": {"type": "string"}}}],
                "unevaluatedProperties": False, "x-contracts-declared": ["a", "b", "c", "d"]}
    named = _named(document, {"a": ""})
    assert named == _reference(document, {"a": ""})
    assert [v.kind for v in named or ()] == [Kind.SCHEMA_MISMATCH]


PROBE = """
import json, sys
from contracts.core.compiled import CompiledSchema
S = "https://json-schema.org/draft/2020-12/schema"
plain = CompiledSchema({"$schema": S, "type": "object", "required": ["a"], "properties": {"b": {"enum": [1]}}})
first = [v.kind for v in plain.violations({"b": 2}, "/body")]
before = "jsonschema" in sys.modules
odd = CompiledSchema({"$schema": S, "propertyNames": {"maxLength": 2}})
second = [v.kind for v in odd.violations({"abc": 1}, "/body")]
print(json.dumps([first, before, second, "jsonschema" in sys.modules]))
"""


def test_python_jsonschema_is_imported_only_for_errors_jsonschema_rs_cannot_describe() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True)
    first, before, second, after = json.loads(done.stdout)
    assert sorted(first) == sorted([Kind.MISSING_FIELD, Kind.ENUM_MISMATCH])
    assert before is False
    assert second == [Kind.OUT_OF_RANGE] and after is True  # python-jsonschema named it


@pytest.mark.parametrize("depth", [300, 1000])
def test_a_value_too_deep_for_jsonschema_rs_to_hand_back_is_named_the_slow_way(depth: int) -> None:
    # jsonschema-rs refuses to convert an error's instance past about 255 levels ("Recursion limit
    # reached"); orjson parses up to 1024, so a server can send such a body
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(depth):
        node["x"] = {}
        node = node["x"]
    compiled = CompiledSchema({"$schema": S, "type": "object", "properties": {"d": {"type": "string"}}})
    found = compiled.violations({"d": deep}, "/body")
    assert len(found) == 1
    assert found[0].kind in (Kind.WRONG_TYPE, Kind.SCHEMA_MISMATCH)  # named, or said to nest too deeply
    assert found[0].location in ("/body/d", "/body")


def test_a_missing_dependent_field_is_named_as_missing() -> None:
    document = {"type": "object", "dependentRequired": {"a": ["b", "c"], "x": ["c"]}}
    named = _named(document, {"x": 1, "a": 1})
    assert [(v.kind, v.location) for v in named or ()] == [(Kind.MISSING_FIELD, "/body/b"),
                                                           (Kind.MISSING_FIELD, "/body/c")]
    assert named is not None and "mandatory when 'a' is present" in named[0].message
    assert _named(document, {"b": 1}) == []  # no trigger present: nothing is required
