"""Schema walking: what is stored, which defaults are filled, where faults land."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from contracts.core.spec import Spec, load_spec
from contracts.mock.schemas import KEEP, fill_defaults, is_time_pattern, prune, transform

SPEC = """
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Job:
      type: object
      properties:
        name: {type: string}
        labels: {type: object, additionalProperties: {type: string}}
        extra: {type: object}
        policy: {$ref: "#/components/schemas/Policy"}
        steps: {type: array, items: {$ref: "#/components/schemas/Step"}}
        when: {type: string, pattern: "^[0-9]{8}T([01][0-9]|2[0-3])[0-9]{4}Z$"}
    Policy:
      type: object
      properties:
        retries: {type: integer, default: 3}
        interval: {type: integer, default: 60}
        enabled: {type: boolean}
    Step:
      type: object
      properties:
        name: {type: string}
"""


@pytest.fixture
def spec(write_spec: Callable[..., Path]) -> Spec:
    return load_spec(write_spec(SPEC))


def job(spec: Spec) -> dict[str, Any]:
    return spec.data["components"]["schemas"]["Job"]


def test_prune_keeps_documented_members_and_free_form_content(spec: Spec) -> None:
    value = {"name": "n", "secret": 1, "labels": {"a": "b"}, "extra": {"anything": [1]},
             "policy": {"retries": 1, "surprise": True}, "steps": [{"name": "s", "x": 1}]}
    assert prune(spec, job(spec), value) == {"name": "n", "labels": {"a": "b"}, "extra": {"anything": [1]},
                                             "policy": {"retries": 1}, "steps": [{"name": "s"}]}
    assert value["policy"] == {"retries": 1, "surprise": True}  # the input is not touched


def test_defaults_fill_absent_members_and_create_absent_objects_that_have_them(spec: Spec) -> None:
    assert fill_defaults(spec, job(spec), {"name": "n"}) == {"name": "n", "policy": {"retries": 3, "interval": 60}}
    assert fill_defaults(spec, job(spec), {"policy": {"retries": 1, "enabled": False}}) == {
        "policy": {"retries": 1, "enabled": False, "interval": 60}}


def test_transform_visits_documented_nodes_only(spec: Spec) -> None:
    seen: list[str] = []

    def visit(schema: dict[str, Any], value: Any, at: str) -> Any:
        seen.append(at)
        return value.upper() if schema.get("type") == "string" and isinstance(value, str) else KEEP

    out = transform(spec, job(spec), {"name": "n", "extra": {"k": "v"}, "steps": [{"name": "s"}], "odd": "o"}, visit)
    assert out == {"name": "N", "extra": {"k": "v"}, "steps": [{"name": "S"}], "odd": "o"}
    assert seen == ["", "/name", "/extra", "/steps", "/steps/0", "/steps/0/name"]


def test_time_patterns_are_recognised(spec: Spec) -> None:
    assert is_time_pattern(job(spec)["properties"]["when"])
    assert not is_time_pattern({"pattern": "^[0-9a-f]{24}$"})
