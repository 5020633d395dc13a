"""Simple scalar schemas: which ones the drawing lane takes, and hypothesis strategies of their values.

A scalar is simple when its schema is a type, bounds, lengths, an enum and a
pattern, and no asserted format: what a parameter or a leaf of a plain body
usually is. Shared by ``drawing`` (parameters) and ``drawbody`` (bodies).
"""

from __future__ import annotations

import re
from typing import Any

from ..core.formats import EXAMPLES as ASSERTED_FORMATS
from ..core.schema import integer_bounds
from . import regexgen
from .values import _exclusive

__all__ = ["alphabet", "integer_range", "simple_schema", "text", "travels", "valid"]

SCALARS = frozenset({"string", "integer", "number", "boolean"})
# Keys that leave a parameter schema simple: what the drawing below honours, and annotations.
_KEYS = frozenset({"type", "format", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
                   "exclusiveMinimum", "exclusiveMaximum", "default", "example", "examples", "description",
                   "title", "deprecated", "nullable", "readOnly", "writeOnly", "externalDocs", "$comment"})
_WIDTHS = {"integer": frozenset({"int32", "int64"}), "number": frozenset({"float", "double"})}

def simple_schema(schema: Any) -> bool:
    """Whether ``schema`` is a scalar this module draws: a type, bounds, lengths, an enum, a pattern."""
    if not isinstance(schema, dict) or not set(schema) <= _KEYS or schema.get("nullable") is True:
        return False
    kind = schema.get("type")
    if not isinstance(kind, str) or kind not in SCALARS:  # 3.1's type lists (["string", "null"]) included
        return False
    fmt = schema.get("format")
    if fmt is not None:
        if kind == "string" and (not isinstance(fmt, str) or fmt in ASSERTED_FORMATS):
            return False  # an asserted format: schemathesis knows how to draw it
        if kind in _WIDTHS and fmt not in _WIDTHS[kind]:
            return False
    enum = schema.get("enum")
    if enum is not None and not (isinstance(enum, list) and enum and all(_is(v, kind) for v in enum)):
        return False
    pattern = schema.get("pattern")
    if pattern is not None:
        if kind != "string" or not isinstance(pattern, str):
            return False
        try:
            re.compile(pattern)
        except re.error:
            return False
    for key in ("minLength", "maxLength"):
        if key in schema and not (isinstance(schema[key], int) and not isinstance(schema[key], bool)):
            return False
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        value = schema.get(key)
        if value is not None and not isinstance(value, (int, float)):
            return False
    if kind == "integer":
        lo, hi = integer_range(schema)
        return lo is None or hi is None or lo <= hi
    if kind == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None and (low > high or low == high and (
                schema.get("exclusiveMinimum") is True or schema.get("exclusiveMaximum") is True)):
            return False  # no number fits: schemathesis names the contradiction
    lo_len, hi_len = schema.get("minLength", 0), schema.get("maxLength")
    return hi_len is None or lo_len <= hi_len


def _is(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return kind == "boolean"
    return {"string": isinstance(value, str), "integer": isinstance(value, int),
            "number": isinstance(value, (int, float)), "boolean": False}[kind]


def integer_range(schema: dict[str, Any]) -> tuple[int | None, int | None]:
    lo, hi = _exclusive(schema, *integer_bounds(schema), "integer")
    return (None if lo is None else int(-(-lo // 1)), None if hi is None else int(hi // 1))


# -- strategies ---------------------------------------------------------------------------
def alphabet(location: str) -> Any:
    """Characters a value can hold and still mean itself where it travels."""
    from hypothesis import strategies as st

    if location == "header":
        return st.characters(min_codepoint=0x21, max_codepoint=0x7E)
    if location == "path":  # not '/', '\\', '?', '#', '%', space or controls: those change the route
        return st.characters(min_codepoint=0x21, blacklist_categories=("Cs",), blacklist_characters="/\\?#%\x7f")
    return st.characters(blacklist_categories=("Cs",))


def travels(char: str, location: str) -> bool:
    """Whether ``char`` is in ``alphabet(location)``."""
    if location == "header":
        return "\x21" <= char <= "\x7e"
    if location == "path":
        return char > "\x20" and char not in "/\\?#%\x7f" and not "\ud800" <= char <= "\udfff"
    return not "\ud800" <= char <= "\udfff"


def text(location: str, min_size: int = 0, max_size: int | None = None) -> Any:
    from hypothesis import strategies as st

    if location == "path":
        min_size = max(min_size, 1)
    return st.text(alphabet(location), min_size=min_size, max_size=max_size)


def valid(schema: dict[str, Any], location: str) -> Any:
    """A strategy of the valid values of a simple scalar ``schema`` that travel in ``location``."""
    from hypothesis import strategies as st

    kind = schema["type"]
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        lo, hi = integer_range(schema)
        return st.integers(lo, hi)
    if kind == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        ex_lo, ex_hi = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        if isinstance(ex_lo, (int, float)) and not isinstance(ex_lo, bool):
            low, ex_lo = (ex_lo, True) if low is None or ex_lo >= low else (low, False)
        if isinstance(ex_hi, (int, float)) and not isinstance(ex_hi, bool):
            high, ex_hi = (ex_hi, True) if high is None or ex_hi <= high else (high, False)
        return st.floats(low, high, allow_nan=False, allow_infinity=False,
                         exclude_min=ex_lo is True and low is not None, exclude_max=ex_hi is True and high is not None)
    lo, hi = schema.get("minLength", 0), schema.get("maxLength")
    pattern = schema.get("pattern")
    if pattern is None:
        return text(location, lo, hi)
    floor = max(lo, 1 if location == "path" else 0)
    compiled = re.compile(pattern)
    planned = regexgen.pieces(pattern)
    if planned is not None and planned[0] == "repeat":  # one repeat: the length bounds go into it
        _, fewest, most, inner = planned
        top = most if hi is None else hi if most is None else min(most, hi)
        planned = ("repeat", max(fewest, floor), top, inner) if top is None or max(fewest, floor) <= top else None
    fast = None if planned is None else from_pieces(planned, location)
    if fast is not None:  # small alphabets in a row: plain text and choices, no regex strategy
        return fast.filter(lambda text: floor <= len(text) and (hi is None or len(text) <= hi)
                           and compiled.search(text) is not None)

    def fits(text: str) -> bool:  # Python's '$' also matches before a final newline; ECMA's does not
        return floor <= len(text) and (hi is None or len(text) <= hi) and not text.endswith("\n") \
            and compiled.search(text) is not None

    return st.from_regex(compiled, alphabet=alphabet(location)).filter(fits)


def from_pieces(piece: regexgen.Piece, location: str) -> Any:
    """A strategy of the strings ``piece`` describes, in characters that travel in ``location``; None if one cannot."""
    from hypothesis import strategies as st

    kind = piece[0]
    if kind == "chars":
        chars = "".join(c for c in piece[1] if travels(c, location))
        return (st.just(chars) if len(chars) == 1 else st.sampled_from(chars)) if chars else None
    if kind == "repeat":
        _, lo, hi, inner = piece
        most = lo + 16 if hi is None else hi
        if inner[0] == "chars":
            chars = "".join(c for c in inner[1] if travels(c, location))
            return st.text(chars, min_size=lo, max_size=most) if chars else None
        part = from_pieces(inner, location)
        return None if part is None else st.lists(part, min_size=lo, max_size=most).map("".join)
    parts = [from_pieces(sub, location) for sub in piece[1]]
    if any(part is None for part in parts):
        return None
    if kind == "alt":
        return st.one_of(parts)
    return st.tuples(*parts).map("".join)
