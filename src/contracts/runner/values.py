"""Values derived from a schema: one valid value, boundary values, invalid values.

Every value is checked against the compiled schema before it is used, so a
"valid" case is valid and an "invalid" case is invalid by the spec's own
definition: the checker never blames a server for its own mistake.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable

from ..core.formats import EXAMPLES as FORMAT_EXAMPLES, NOT_ANY_FORMAT
from ..core.schema import INTEGER_FORMATS, integer_bounds
from . import regexgen

FILL = "contracts"


@dataclass(frozen=True)
class Variant:
    label: str  # e.g. "above the maximum 50"
    value: Any


def _types(schema: dict[str, Any]) -> list[str]:
    t = schema.get("type")
    if isinstance(t, list):
        return [x for x in t if x != "null"]
    if isinstance(t, str):
        return [t]
    if "properties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


def _string(schema: dict[str, Any], length: int | None = None, rng: random.Random | None = None) -> str:
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in FORMAT_EXAMPLES and length is None and not schema.get("pattern"):
        return FORMAT_EXAMPLES[fmt]  # a value the asserted format accepts
    pattern = schema.get("pattern")
    lo = int(schema.get("minLength", 0))
    hi = schema.get("maxLength")
    if pattern:
        wanted = length if length is not None else max(lo, 1)
        text = regexgen.example(pattern, rng=rng, min_length=wanted, max_repeat=max(3, wanted))
        if length is not None and len(text) != length:
            text = _stretch(text, length, pattern)
        return text
    if length is None:
        length = max(lo, min(len(FILL), hi if isinstance(hi, int) else len(FILL)))
        if rng is not None:
            return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(max(length, 1)))[
                : hi if isinstance(hi, int) else None] or ("a" * lo)
    return (FILL * (length // len(FILL) + 1))[:length]


def _stretch(text: str, length: int, pattern: str) -> str:
    """Try to make a pattern-conforming string exactly ``length`` long."""
    import re

    compiled = re.compile(pattern)
    for fill in (text[-1:] or "a", "a", "0", "_"):
        candidate = (text + fill * length)[:length]
        if compiled.search(candidate):
            return candidate
    return text


def valid(schema: dict[str, Any], deref: Callable[[Any], Any], rng: random.Random | None = None,
          depth: int = 0) -> Any:
    """One value the schema accepts: default, example, first enum value, or built from the type."""
    schema = deref(schema)
    if not isinstance(schema, dict):
        return FILL
    if rng is None:
        for key in ("default", "example"):
            if key in schema and schema[key] is not None:
                return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        choices = [v for v in schema["enum"] if v is not None] or schema["enum"]
        return choices[0] if rng is None else rng.choice(choices)
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf"):  # FastAPI's optional is anyOf [X, {type: null}]: the X
        branches = [b for b in (schema.get(key) or []) if not _null_only(deref(b))]
        if branches and not _types(schema):
            return valid(branches[0], deref, rng, depth + 1)
    if isinstance(schema.get("allOf"), list) and not _types(schema) and "properties" not in schema:
        merged = _merged(schema["allOf"], deref)
        if merged:
            return valid(merged, deref, rng, depth + 1)
    types = _types(schema)
    kind = types[0] if types else "string"
    if kind in ("integer", "number"):
        lo, hi = integer_bounds(schema) if kind == "integer" else (schema.get("minimum"), schema.get("maximum"))
        lo, hi = _exclusive(schema, lo, hi, kind)
        if rng is not None:
            a = int(lo) if lo is not None else -1000
            b = int(hi) if hi is not None else a + 1000
            return rng.randint(a, max(a, b))
        if lo is not None:
            return int(lo) if kind == "integer" else lo
        if hi is not None:
            return min(int(hi), 1)
        return 1
    if kind == "boolean":
        return True if rng is None else rng.choice([True, False])
    if kind == "array":
        if depth > 4:
            return []
        count = max(int(schema.get("minItems", 1)), 1)
        return [valid(schema.get("items", {}), deref, rng, depth + 1) for _ in range(count)]
    if kind == "object":
        if depth > 4:
            return {}
        props = schema.get("properties") or {}
        required = schema.get("required") or []
        return {name: valid(props.get(name, {}), deref, rng, depth + 1) for name in required}
    return _string(schema, rng=rng)


def _null_only(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def _merged(parts: list[Any], deref: Callable[[Any], Any]) -> dict[str, Any]:
    """The object an allOf of object schemas describes: properties and required, merged."""
    out: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    for part in parts:
        node = deref(part)
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("allOf"), list):
            node = {**node, **_merged(node["allOf"], deref)}
        out["properties"].update(node.get("properties") or {})
        out["required"] += [n for n in node.get("required") or [] if n not in out["required"]]
    return out if out["properties"] or out["required"] else {}


def _exclusive(schema: dict[str, Any], lo: Any, hi: Any, kind: str) -> tuple[Any, Any]:
    """Bounds moved inside numeric (3.1) or boolean (3.0) exclusive limits."""
    step = 1 if kind == "integer" else 0.5
    low, high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(low, (int, float)) and not isinstance(low, bool):
        lo = max(lo, low + step) if isinstance(lo, (int, float)) else low + step
    elif low is True and isinstance(lo, (int, float)):
        lo = lo + step
    if isinstance(high, (int, float)) and not isinstance(high, bool):
        hi = min(hi, high - step) if isinstance(hi, (int, float)) else high - step
    elif high is True and isinstance(hi, (int, float)):
        hi = hi - step
    return lo, hi


def boundaries(schema: dict[str, Any], deref: Callable[[Any], Any]) -> list[Variant]:
    """Valid values at the documented edges."""
    schema = deref(schema)
    out: list[Variant] = []
    types = _types(schema)
    if not isinstance(schema, dict) or "enum" in schema:
        return out
    if "integer" in types or "number" in types:
        for key, label in (("minimum", "the minimum"), ("maximum", "the maximum")):
            if isinstance(schema.get(key), (int, float)) and not isinstance(schema.get(key), bool):
                out.append(Variant(f"{label} {schema[key]}", schema[key]))
        width = str(schema.get("format", ""))
        if "integer" in types and width in INTEGER_FORMATS:
            top = INTEGER_FORMATS[width][1]
            if not isinstance(schema.get("maximum"), (int, float)):
                out.append(Variant(f"the {width} maximum {top}", top))
    if "string" in types:
        hi = schema.get("maxLength")
        if isinstance(hi, int) and hi > 0:
            out.append(Variant(f"the maximum length {hi}", _string(schema, length=hi)))
    return out


def invalids(schema: dict[str, Any], deref: Callable[[Any], Any], *, on_wire: str) -> list[Variant]:
    """Values the schema rejects, one per way of breaking it.

    ``on_wire`` is "query" (everything travels as text) or "json". What a
    server that accepts one of them contradicts (and so how severe that is)
    is decided later, on the wire form, by ``verdict.judge``.
    """
    schema = deref(schema)
    out: list[Variant] = []
    if not isinstance(schema, dict):
        return out
    types = _types(schema)
    json = on_wire == "json"
    nullable = schema.get("nullable") is True or "null" in (schema.get("type") or [])
    if json and not nullable and types:
        out.append(Variant("null, which the documented type does not allow", None))
    if "integer" in types or "number" in types:
        out.append(Variant("not a number", "not-a-number"))
        if "integer" in types and "number" not in types:
            out.append(Variant("a fraction where an integer is documented", 1.5 if json else "1.5"))
        if json:
            out.append(Variant("a boolean instead of a number", True))
        else:
            out.append(Variant("an empty value", ""))
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if isinstance(lo, (int, float)) and not isinstance(lo, bool):
            out.append(Variant(f"below the minimum {lo}", lo - 1))
        if isinstance(hi, (int, float)) and not isinstance(hi, bool):
            out.append(Variant(f"above the maximum {hi}", hi + 1))
        width = str(schema.get("format", ""))
        if "integer" in types and width in INTEGER_FORMATS:  # beyond the documented width (Integer vs long)
            wlo, whi = integer_bounds(schema)
            if not isinstance(lo, (int, float)) and wlo is not None:
                out.append(Variant(f"below the {width} minimum {wlo}", wlo - 1))
            if not isinstance(hi, (int, float)) and whi is not None:
                out.append(Variant(f"beyond the {width} maximum {whi}", whi + 1))
    elif "boolean" in types:
        out.append(Variant("a string instead of a boolean", "yes"))
        if json:
            out.append(Variant("a number instead of a boolean", 1))
    elif "string" in types:
        enum = schema.get("enum")
        if isinstance(enum, list):
            out.append(Variant("a value outside the documented list", "NOT_A_DOCUMENTED_VALUE"))
            first = next((v for v in enum if isinstance(v, str)), None)
            if first is not None and first.swapcase() not in enum and first.swapcase() != first:
                out.append(Variant("a documented value in another case", first.swapcase()))
            if not json and "" not in enum:
                out.append(Variant("an empty value", ""))
        hi = schema.get("maxLength")
        if isinstance(hi, int):
            text = _string(schema, length=hi + 1) if schema.get("pattern") else "x" * (hi + 1)
            out.append(Variant(f"longer than the maximum length {hi}", text))
        lo = schema.get("minLength")
        if isinstance(lo, int) and lo > 0:
            out.append(Variant(f"shorter than the minimum length {lo}", ""))
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in FORMAT_EXAMPLES and not isinstance(enum, list):
            out.append(Variant(f"not a valid {fmt}", NOT_ANY_FORMAT))
        if schema.get("pattern"):
            out.append(Variant(f"not matching the pattern {schema['pattern']}", "!not valid!"))
            out.append(Variant(f"an empty value, which the pattern {schema['pattern']} does not allow", ""))
        if json:
            out.append(Variant("a number instead of a string", 12345))
            out.append(Variant("a boolean instead of a string", True))
            out.append(Variant("an array instead of a string", ["x"]))
    elif "array" in types and json:
        out.append(Variant("an object instead of an array", {"not": "an array"}))
        out.append(Variant("a string instead of an array", "not an array"))
    elif "object" in types and json:
        out.append(Variant("a string instead of an object", "not an object"))
        out.append(Variant("an array instead of an object", [{"not": "an object"}]))
    return out
