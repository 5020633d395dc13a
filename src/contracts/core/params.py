"""Parameter values arrive as strings; the schema says what they stand for."""

from __future__ import annotations

import re
from typing import Any

_INT = re.compile(r"^[+-]?\d+$")
_NUM = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _types(schema: dict[str, Any]) -> list[str]:
    t = schema.get("type")
    if isinstance(t, list):
        return [str(x) for x in t]
    return [t] if isinstance(t, str) else []


def coerce(raw: str | list[str], schema: dict[str, Any]) -> Any:
    """Turn a raw parameter value into the JSON value the schema is about.

    A value that does not parse as the documented type stays a string, so
    validation reports a wrong type rather than this function guessing.
    """
    types = _types(schema)
    if "array" in types:
        items = raw if isinstance(raw, list) else (raw.split(",") if raw else [])
        item_schema = schema.get("items")
        return [coerce(i, item_schema if isinstance(item_schema, dict) else {}) for i in items]
    if isinstance(raw, list):
        raw = raw[-1] if raw else ""
    if "integer" in types and _INT.match(raw):
        return int(raw)
    if "number" in types and _NUM.match(raw):
        number = float(raw)
        return int(number) if number.is_integer() and "." not in raw and "e" not in raw.lower() else number
    if "boolean" in types and raw in ("true", "false"):
        return raw == "true"
    if "null" in types and raw == "":
        return None
    return raw
