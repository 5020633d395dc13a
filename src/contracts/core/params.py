"""Parameter values arrive as strings; the schema says what they stand for."""

from __future__ import annotations

import re
from typing import Any, Callable

# ASCII digits only: a number on the wire is written in them (JSON, RFC 3986). Python's \d and int()
# also take "５" or "٣", so a strict server refusing those would otherwise be blamed for it.
_INT = re.compile(r"[+-]?[0-9]+")
_NUM = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")

Coercer = Callable[["str | list[str]"], Any]


def _types(schema: dict[str, Any]) -> list[str]:
    t = schema.get("type")
    if isinstance(t, list):
        return [str(x) for x in t]
    return [t] if isinstance(t, str) else []


def _last(raw: str | list[str]) -> str:
    if isinstance(raw, list):
        return raw[-1] if raw else ""
    return raw


def coercer(schema: dict[str, Any]) -> Coercer:
    """``coerce`` for one schema, its types read once: what a prebuilt request check calls per value."""
    types = _types(schema)
    if "array" in types:
        item_schema = schema.get("items")
        item = coercer(item_schema if isinstance(item_schema, dict) else {})

        def array(raw: str | list[str]) -> Any:
            items = raw if isinstance(raw, list) else (raw.split(",") if raw else [])
            return [item(i) for i in items]

        return array
    integer, number, boolean, null = ("integer" in types, "number" in types, "boolean" in types,
                                      "null" in types)
    if not (integer or number or boolean or null):
        return _last  # a string (or untyped) value stays as it came

    def scalar(raw: str | list[str]) -> Any:
        if isinstance(raw, list):
            raw = raw[-1] if raw else ""
        if integer and ((raw.isdecimal() and raw.isascii()) or _INT.fullmatch(raw)):  # the common case first
            return int(raw)
        if number and _NUM.fullmatch(raw):  # fullmatch: "10\n" is not a number on the wire
            value = float(raw)
            return int(value) if value.is_integer() and "." not in raw and "e" not in raw.lower() else value
        if boolean and raw in ("true", "false"):
            return raw == "true"
        if null and raw == "":
            return None
        return raw

    return scalar


def coerce(raw: str | list[str], schema: dict[str, Any]) -> Any:
    """Turn a raw parameter value into the JSON value the schema is about.

    A value that does not parse as the documented type stays a string, so
    validation reports a wrong type rather than this function guessing.
    """
    return coercer(schema)(raw)
