"""OpenAPI 3.0 schema -> JSON Schema: the dialect differences that matter."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from contracts.core.compiled import CompiledSchema
from contracts.core.spec import load_spec

SPEC = """
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Node:
      type: object
      properties:
        name: {type: string, nullable: true}
        kind: {type: string, enum: [a, b], nullable: true}
        child: {$ref: "#/components/schemas/Node"}
        low: {type: number, minimum: 0, exclusiveMinimum: true}
        secret: {type: string, writeOnly: true}
        id: {type: string, readOnly: true}
      required: [secret, id]
"""


def compiled(write_spec: Callable[..., Path], closed: bool = False, direction: str = "response") -> CompiledSchema:
    spec = load_spec(write_spec(SPEC))
    return spec.compiled(spec.data["components"]["schemas"]["Node"], closed=closed, direction=direction)


def ok(c: CompiledSchema, value: Any) -> bool:
    fast = c.is_valid(value)
    assert fast == (not c.detailed(value)), value  # both engines agree
    return fast


def test_nullable_adds_null_to_type_and_enum(write_spec: Callable[..., Path]) -> None:
    c = compiled(write_spec)
    assert ok(c, {"name": None, "kind": None, "id": "x"})
    assert not ok(c, {"kind": "c", "id": "x"})


def test_exclusive_minimum_boolean_form(write_spec: Callable[..., Path]) -> None:
    c = compiled(write_spec)
    assert not ok(c, {"low": 0, "id": "x"})
    assert ok(c, {"low": 0.5, "id": "x"})


def test_recursive_refs(write_spec: Callable[..., Path]) -> None:
    c = compiled(write_spec)
    assert ok(c, {"id": "x", "child": {"id": "y", "child": {"id": "z", "name": "deep"}}})
    assert not ok(c, {"id": "x", "child": {"id": "y", "child": {"id": "z", "name": 3}}})
    assert not ok(c, {"id": "x", "child": {"child": {"id": "z"}}})  # a nested mandatory field


def test_write_only_not_required_in_responses_read_only_not_in_requests(write_spec: Callable[..., Path]) -> None:
    assert ok(compiled(write_spec, direction="response"), {"id": "x"})
    assert ok(compiled(write_spec, direction="request"), {"secret": "s"})
    assert not ok(compiled(write_spec, direction="request"), {"id": "x"})


def test_closed_objects_reject_undocumented_fields(write_spec: Callable[..., Path]) -> None:
    assert ok(compiled(write_spec), {"id": "x", "extra": 1})
    assert not ok(compiled(write_spec, closed=True), {"id": "x", "extra": 1})
    assert not ok(compiled(write_spec, closed=True), {"id": "x", "child": {"extra": 1}})
