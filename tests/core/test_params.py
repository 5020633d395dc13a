"""Parameter strings become the JSON values their schema describes, or stay strings."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.core.params import coerce, coercer


@pytest.mark.parametrize("raw,schema,value", [
    ("12", {"type": "integer"}, 12),
    ("+7", {"type": "integer"}, 7),
    ("\u0661\u0662", {"type": "integer"}, "\u0661\u0662"),  # ASCII digits only, though int() reads these
    ("\uff15", {"type": "number"}, "\uff15"),
    ("10\n", {"type": "integer"}, "10\n"),        # not a number on the wire, though int() reads it
    ("2.5\n", {"type": "number"}, "2.5\n"),
    ("1.5", {"type": "integer"}, "1.5"),          # not an integer: left for validation to name
    ("2", {"type": "number"}, 2),
    ("2.0", {"type": "number"}, 2.0),
    ("2e3", {"type": "number"}, 2000.0),
    ("true", {"type": "boolean"}, True),
    ("True", {"type": "boolean"}, "True"),
    ("", {"type": ["string", "null"]}, None),      # an empty value of a nullable parameter is null
    ("", {"type": ["integer", "null"]}, None),
    (["1", "2"], {"type": "integer"}, 2),          # repeated: the last value
    ([], {"type": "integer"}, ""),
    ("a,b", {"type": "array", "items": {"type": "string"}}, ["a", "b"]),
    ("1,x", {"type": "array", "items": {"type": "integer"}}, [1, "x"]),
    (["3", "4"], {"type": "array", "items": {"type": "integer"}}, [3, 4]),
    ("", {"type": "array"}, []),
    ("v", {}, "v"),
    (["a", "b"], {"type": "string"}, "b"),
])
def test_coerce(raw: Any, schema: dict[str, Any], value: Any) -> None:
    assert coerce(raw, schema) == value and type(coerce(raw, schema)) is type(value)
    assert coercer(schema)(raw) == value  # the prebuilt form is the same function
