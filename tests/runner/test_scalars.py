"""Deciding whether a schema is simple never fails, whatever a user's document holds."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings, strategies as st

from contracts.runner import drawbody, scalars

KEYWORDS = ["type", "format", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "properties", "required", "items", "additionalProperties",
            "minItems", "maxItems", "nullable", "readOnly", "$ref", "oneOf", "x-vendor"]
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True), st.text(max_size=4),
                   st.sampled_from(["string", "integer", "number", "boolean", "object", "array", "null", "int32",
                                    "date-time", "^[a-f]{2}$", "(", "[z-a]"]))
SCHEMAS = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYWORDS + ["a", "b"]), inner, max_size=5)),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(SCHEMAS)
def test_simple_and_plain_answer_a_bool_for_any_schema(schema: Any) -> None:
    def deref(node: Any) -> Any:
        return node

    assert scalars.simple_schema(schema) in (True, False)
    assert drawbody.plain(schema, deref) in (True, False)


def test_unhashable_keyword_values_are_not_simple() -> None:
    for odd in ({"type": "string", "format": ["date-time"]}, {"type": "string", "enum": [["a"]]},
                {"type": {"a": 1}}, {"type": "integer", "minimum": [1]}):
        assert scalars.simple_schema(odd) is False
        assert drawbody.plain({"type": "object", "properties": {"a": odd}}, lambda n: n) is False


def test_a_type_list_is_not_simple() -> None:
    assert scalars.simple_schema({"type": ["string", "null"]}) is False
    assert drawbody.plain({"type": "object", "properties": {"a": {"type": ["integer", "null"]}}}, lambda n: n) is False
