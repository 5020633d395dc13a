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


def _plain_prune(spec: Spec, schema: Any, value: Any) -> Any:
    """The reference: the schema read afresh at every node (what prune did before its shapes)."""
    import copy

    from contracts.mock.schemas import is_closed, properties, resolved

    node = resolved(spec, schema)
    if isinstance(value, dict):
        props, extra = properties(node), node.get("additionalProperties")
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in props:
                out[key] = _plain_prune(spec, props[key], item)
            elif isinstance(extra, dict):
                out[key] = _plain_prune(spec, extra, item)
            elif not is_closed(node):
                out[key] = copy.deepcopy(item)
        return out
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        return [_plain_prune(spec, node["items"], item) for item in value]
    return copy.deepcopy(value)


def _plain_fill(spec: Spec, schema: Any, value: dict[str, Any]) -> dict[str, Any]:
    import copy

    from contracts.mock.schemas import defaults_of, properties, resolved, schema_types

    node = resolved(spec, schema)
    out = dict(value)
    for key, child in properties(node).items():
        child_node = resolved(spec, child)
        if key not in out:
            if "default" in child_node:
                out[key] = copy.deepcopy(child_node["default"])
            elif defaults_of(spec, child_node):
                out[key] = _plain_fill(spec, child_node, {})
        elif isinstance(out[key], dict) and "object" in schema_types(child_node):
            out[key] = _plain_fill(spec, child_node, out[key])
    return out


def test_stored_bodies_are_the_plain_walks_on_every_shipped_request_schema() -> None:
    """prune and fill_defaults read each schema node once; what they make must not change by it."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from contracts.core.spec import load_specs

    root = Path(__file__).resolve().parents[2]
    json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=4),
                               lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                                   st.sampled_from(["name", "desc", "x", "timeoutPolicy", "retryPolicy",
                                                    "commandInfo", "targetScope", "ttlTimeoutInSeconds",
                                                    "enableRetry", "defaultValue", "i18nValue"]), inner,
                                   max_size=5), max_leaves=12)
    schemas = [(spec, mt.schema) for spec in load_specs([root / "specs"]) for op in spec.operations
               if op.request_body is not None for mt in op.request_body.content.values() if mt.schema is not None]
    assert schemas

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.sampled_from(schemas), json_values)
    def same(pair: tuple[Spec, Any], value: Any) -> None:
        spec, schema = pair
        pruned = prune(spec, schema, value)
        assert pruned == _plain_prune(spec, schema, value)
        if isinstance(pruned, dict):
            assert fill_defaults(spec, schema, pruned) == _plain_fill(spec, schema, pruned)

    same()


def test_stored_values_never_share_a_mutable_part_with_the_input_or_the_defaults(spec: Spec) -> None:
    value = {"extra": {"anything": [1]}, "labels": {"a": "b"}}
    pruned = prune(spec, job(spec), value)
    assert pruned["extra"]["anything"] is not value["extra"]["anything"]
    filled = fill_defaults(spec, job(spec), {})
    filled["policy"]["retries"] = 99
    assert fill_defaults(spec, job(spec), {})["policy"]["retries"] == 3
