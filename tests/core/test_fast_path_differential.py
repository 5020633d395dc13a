"""The compiled fast path (jsonschema-rs) and the detailed path (python-jsonschema) agree.

Hypothesis builds instances shaped like every shipped schema (request and
response, open and closed), valid ones and near misses, and both engines must
give the same verdict on each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.core.compiled import CompiledSchema
from contracts.core.spec import Spec, load_specs

ROOT = Path(__file__).resolve().parents[2]
SPECS = load_specs([ROOT / "specs"])

JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False,
                    allow_infinity=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                  max_size=3), max_leaves=6)


def shaped(spec: Spec, schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Mostly-conforming instances of an OpenAPI schema, with a chance of a wrong value anywhere."""
    node = spec.resolver.deref(schema) if isinstance(schema, dict) else {}
    if not isinstance(node, dict) or depth > 5:
        return JSON
    kind = node.get("type")
    if "enum" in node:
        good: st.SearchStrategy[Any] = st.sampled_from(node["enum"])
    elif kind == "object" or "properties" in node:
        props = node.get("properties") or {}
        required = set(node.get("required") or [])
        good = st.fixed_dictionaries(
            {k: shaped(spec, v, depth + 1) for k, v in props.items() if k in required},
            optional={**{k: shaped(spec, v, depth + 1) for k, v in props.items() if k not in required},
                      "unexpected": JSON})
    elif kind == "array":
        good = st.lists(shaped(spec, node.get("items", {}), depth + 1), max_size=3)
    elif kind == "integer":
        lo, hi = node.get("minimum"), node.get("maximum")
        good = st.integers(None if lo is None else lo - 2, None if hi is None else hi + 2)
    elif kind == "number":
        good = st.integers(-5, 10**6) | st.floats(-5, 10**6)
    elif kind == "boolean":
        good = st.booleans()
    elif kind == "string":
        pattern = node.get("pattern")
        good = st.from_regex(pattern) if pattern else st.text(max_size=(node.get("maxLength") or 20) + 2)
    else:
        good = JSON
    return st.one_of(good, good, good, JSON) if depth else good


CASES = []
for spec in SPECS:
    for op in spec.operations:
        schemas = [("request", mt.schema) for mt in (op.request_body.content.values() if op.request_body else [])]
        for r in op.responses.values():
            schemas += [("response", mt.schema) for mt in r.content.values()]
            if r.envelope is not None:
                schemas.append(("response", r.envelope.schema))
        for p in op.parameters:
            schemas.append(("request", p.schema))
        for direction, schema in schemas:
            for closed in (False, True):
                CASES.append(pytest.param(spec, schema, direction, closed,
                                          id=f"{op.operation_id}-{direction}-{len(CASES)}-{'closed' if closed else 'open'}"))


@pytest.mark.slow
@pytest.mark.parametrize("spec,schema,direction,closed", CASES)
def test_both_engines_agree(spec: Spec, schema: Any, direction: str, closed: bool) -> None:
    compiled: CompiledSchema = spec.compiled(schema, closed=closed, direction=direction)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(shaped(spec, schema))
    def agree(instance: Any) -> None:
        assert compiled.is_valid(instance) == (not list(compiled.iter_errors(instance))), instance

    agree()


def test_the_generator_reaches_both_verdicts() -> None:
    """Guard against a vacuous differential test: both valid and invalid instances occur."""
    spec = next(s for s in SPECS if s.name.endswith("iotda-v5.yaml"))
    op = spec.operation("ShowAsyncDeviceCommand")
    schema = op.responses["200"].content["application/json"].schema
    compiled = spec.compiled(schema, closed=True, direction="response")
    verdicts: set[bool] = set()

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(shaped(spec, schema))
    def collect(instance: Any) -> None:
        verdicts.add(compiled.is_valid(instance))

    collect()
    assert verdicts == {True, False}
