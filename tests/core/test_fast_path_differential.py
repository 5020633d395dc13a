"""The compiled fast path (jsonschema-rs) and the detailed path (python-jsonschema) agree.

Hypothesis builds instances shaped like every shipped schema and every schema
of the public corpus in tests/corpus (request and response, open and closed,
3.0 and 3.1, formats and combinators included), valid ones and near misses,
and both engines must give the same verdict on each, and the detailed path
must name at least one violation whenever the fast path rejects. Where
jsonschema-rs's own errors can be read back (core/rserrors.py), the
violations named from them must be python-jsonschema's, kind, place,
message and order alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.core.classify import classify_all
from contracts.core.compiled import CompiledSchema
from contracts.core.errors import ContractsError
from contracts.core.formats import EXAMPLES, NOT_ANY_FORMAT
from contracts.core.rserrors import adapt
from contracts.core.spec import Spec, load_spec, load_specs

ROOT = Path(__file__).resolve().parents[2]
SPECS = load_specs([ROOT / "specs"])
CORPUS = []
for _path in sorted((ROOT / "tests" / "corpus" / "specs").rglob("*")):
    if _path.suffix in (".json", ".yaml", ".yml") and (_path.parent.name == "specs" or _path.name == "openapi.yaml"):
        try:
            CORPUS.append(load_spec(_path))
        except ContractsError:  # Swagger 2.0 and broken documents are other tests' business
            pass
PER_SPEC = 40  # schemas per corpus document, so the largest ones stay affordable

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
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    branches = [b for key in ("oneOf", "anyOf", "allOf") for b in (node.get(key) or [])]
    if "enum" in node and node["enum"]:
        good: st.SearchStrategy[Any] = st.sampled_from(node["enum"])
    elif "const" in node:
        good = st.just(node["const"])
    elif branches and "properties" not in node:
        good = st.one_of([shaped(spec, b, depth + 1) for b in branches[:6]])
    elif kind == "string" and node.get("format") in EXAMPLES:
        example = EXAMPLES[node["format"]]
        good = st.sampled_from([example, NOT_ANY_FORMAT, example[:-1], example + " ", example.upper()]) | st.text(
            max_size=12)
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
for spec in [*SPECS, *CORPUS]:
    before = len(CASES)
    for op in [*spec.operations, *spec.webhooks]:
        if len(CASES) - before >= PER_SPEC:
            break
        schemas = [("request", mt.schema) for mt in (op.request_body.content.values() if op.request_body else [])]
        for r in op.responses.values():
            schemas += [("response", mt.schema) for mt in r.content.values()]
            if r.envelope is not None:
                schemas.append(("response", r.envelope.schema))
        for p in op.parameters:
            schemas.append(("request", p.schema))
        for direction, schema in schemas:
            if schema is None:
                continue
            for closed in (False, True):
                CASES.append(pytest.param(spec, schema, direction, closed,
                                          id=f"{spec.path.stem}-{op.operation_id}-{direction}-{len(CASES)}-"
                                             f"{'closed' if closed else 'open'}"))


@pytest.mark.slow
@pytest.mark.parametrize("spec,schema,direction,closed", CASES)
def test_both_engines_agree(spec: Spec, schema: Any, direction: str, closed: bool) -> None:
    compiled: CompiledSchema = spec.compiled(schema, closed=closed, direction=direction)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(shaped(spec, schema))
    def agree(instance: Any) -> None:
        fast = compiled.is_valid(instance)
        assert fast == (not list(compiled.iter_errors(instance))), instance
        detailed = compiled.detailed(instance, "/body")
        assert fast == (not detailed), instance  # a rejection always names a violation
        named = adapt(compiled._fast.iter_errors(instance), compiled.document, instance)
        if named is not None:
            assert classify_all(named, "/body") == detailed, instance

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


def test_the_shipped_schemas_are_named_from_jsonschema_rs_alone() -> None:
    """Guard against a vacuous name comparison: on the shipped specs, jsonschema-rs names nearly all."""
    seen = {"invalid": 0, "handed back": 0}
    for spec in SPECS:
        for op in spec.operations:
            for response in op.responses.values():
                for mt in response.content.values():
                    if mt.schema is None:
                        continue
                    compiled = spec.compiled(mt.schema, closed=True, direction="response")

                    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
                    @given(shaped(spec, mt.schema))
                    def count(instance: Any) -> None:
                        if not compiled.is_valid(instance):
                            seen["invalid"] += 1
                            if adapt(compiled._fast.iter_errors(instance), compiled.document, instance) is None:
                                seen["handed back"] += 1

                    count()
    assert seen["invalid"] > 50
    # only an error under an empty-string key (jsonschema-rs leaves it out of the path) may be handed back
    assert seen["handed back"] <= seen["invalid"] // 20
