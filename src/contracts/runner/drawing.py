"""Cheap drawing: hypothesis strategies built straight from simple parameter schemas.

Schemathesis spends about 30 ms per generated case on an operation with a few
query parameters (its filters, serialisation and hooks), which is most of a
check's time. When an operation's whole request is scalar path, query and
header parameters with schemas made only of a type, bounds, lengths, an enum
and a pattern, the same kinds of cases (valid requests, and requests with
exactly one parameter broken or one required parameter left out) are drawn
here for a fraction of that. Anything else goes to schemathesis.

Whether a drawn case is valid is still decided on the wire by
``verdict.judge``: a "broken" value that the schema accepts after all is sent
as a positive case, never blamed on the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..core.formats import EXAMPLES as ASSERTED_FORMATS
from ..core.schema import integer_bounds
from ..core.spec import Operation, Parameter
from . import regexgen
from .cases import wire
from .values import _exclusive

__all__ = ["Drawn", "simple", "strategy"]

_SCALARS = frozenset({"string", "integer", "number", "boolean"})
# Keys that leave a parameter schema simple: what the drawing below honours, and annotations.
_KEYS = frozenset({"type", "format", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
                   "exclusiveMinimum", "exclusiveMaximum", "default", "example", "examples", "description",
                   "title", "deprecated", "nullable", "readOnly", "writeOnly", "externalDocs", "$comment"})
_WIDTHS = {"integer": frozenset({"int32", "int64"}), "number": frozenset({"float", "double"})}
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
_NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
_OMIT = object()  # a required parameter left out


@dataclass(frozen=True)
class Drawn:
    """One drawn request, shaped like the schemathesis case ``Fuzzer.convert`` reads."""

    path_parameters: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    media_type: str | None = None


def simple(op: Operation) -> bool:
    """Whether the whole request of ``op`` is scalar parameters, and a plain JSON body, that this module draws."""
    deref = op.spec.resolver.deref
    if op.request_body is not None:
        from . import drawbody

        media = _json_media(op)
        if media is None or not drawbody.plain(op.request_body.content[media].schema, deref):
            return False
    return all(_simple_parameter(p, deref) for p in op.parameters)


def _json_media(op: Operation) -> str | None:
    """The body's media type when it is the only one and JSON; the others are schemathesis' to draw."""
    assert op.request_body is not None
    content = op.request_body.content
    if len(content) != 1:
        return None
    media = next(iter(content))
    return media if media.split(";")[0].strip().lower() in ("application/json",) or \
        media.split(";")[0].strip().lower().endswith("+json") else None


def _simple_parameter(p: Parameter, deref: Callable[[Any], Any]) -> bool:
    if p.location not in ("path", "query", "header") or p.style not in (None, "form", "simple"):
        return False
    return simple_schema(deref(p.schema))


def simple_schema(schema: Any) -> bool:
    """Whether ``schema`` is a scalar this module draws: a type, bounds, lengths, an enum, a pattern."""
    if not isinstance(schema, dict) or not set(schema) <= _KEYS or schema.get("nullable") is True:
        return False
    kind = schema.get("type")
    if kind not in _SCALARS:
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
        lo, hi = _integer_range(schema)
        return lo is None or hi is None or lo <= hi
    lo_len, hi_len = schema.get("minLength", 0), schema.get("maxLength")
    return hi_len is None or lo_len <= hi_len


def _is(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return kind == "boolean"
    return {"string": isinstance(value, str), "integer": isinstance(value, int),
            "number": isinstance(value, (int, float)), "boolean": False}[kind]


def _integer_range(schema: dict[str, Any]) -> tuple[int | None, int | None]:
    lo, hi = _exclusive(schema, *integer_bounds(schema), "integer")
    return (None if lo is None else int(-(-lo // 1)), None if hi is None else int(hi // 1))


# -- strategies ---------------------------------------------------------------------------
def _alphabet(location: str) -> Any:
    """Characters a value can hold and still mean itself where it travels."""
    from hypothesis import strategies as st

    if location == "header":
        return st.characters(min_codepoint=0x21, max_codepoint=0x7E)
    if location == "path":  # not '/', '\\', '?', '#', '%', space or controls: those change the route
        return st.characters(min_codepoint=0x21, blacklist_categories=("Cs",), blacklist_characters="/\\?#%\x7f")
    return st.characters(blacklist_categories=("Cs",))


def _travels(char: str, location: str) -> bool:
    """Whether ``char`` is in ``_alphabet(location)``."""
    if location == "header":
        return "\x21" <= char <= "\x7e"
    if location == "path":
        return char > "\x20" and char not in "/\\?#%\x7f" and not "\ud800" <= char <= "\udfff"
    return not "\ud800" <= char <= "\udfff"


def _text(location: str, min_size: int = 0, max_size: int | None = None) -> Any:
    from hypothesis import strategies as st

    if location == "path":
        min_size = max(min_size, 1)
    return st.text(_alphabet(location), min_size=min_size, max_size=max_size)


def _valid(p: Parameter, schema: dict[str, Any]) -> Any:
    return scalar(schema, p.location)


def scalar(schema: dict[str, Any], location: str) -> Any:
    """A strategy of the valid values of a simple scalar ``schema`` that travel in ``location``."""
    from hypothesis import strategies as st

    kind = schema["type"]
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        lo, hi = _integer_range(schema)
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
        return _text(location, lo, hi)
    floor = max(lo, 1 if location == "path" else 0)
    compiled = re.compile(pattern)
    planned = regexgen.pieces(pattern)
    if planned is not None and planned[0] == "repeat":  # one repeat: the length bounds go into it
        _, fewest, most, inner = planned
        top = most if hi is None else hi if most is None else min(most, hi)
        planned = ("repeat", max(fewest, floor), top, inner) if top is None or max(fewest, floor) <= top else None
    fast = None if planned is None else _from_pieces(planned, location)
    if fast is not None:  # small alphabets in a row: plain text and choices, no regex strategy
        return fast.filter(lambda text: floor <= len(text) and (hi is None or len(text) <= hi)
                           and compiled.search(text) is not None)

    def fits(text: str) -> bool:  # Python's '$' also matches before a final newline; ECMA's does not
        return floor <= len(text) and (hi is None or len(text) <= hi) and not text.endswith("\n") \
            and compiled.search(text) is not None

    return st.from_regex(compiled, alphabet=_alphabet(location)).filter(fits)


def _from_pieces(piece: regexgen.Piece, location: str) -> Any:
    """A strategy of the strings ``piece`` describes, in characters that travel in ``location``; None if one cannot."""
    from hypothesis import strategies as st

    kind = piece[0]
    if kind == "chars":
        chars = "".join(c for c in piece[1] if _travels(c, location))
        return (st.just(chars) if len(chars) == 1 else st.sampled_from(chars)) if chars else None
    if kind == "repeat":
        _, lo, hi, inner = piece
        most = lo + 16 if hi is None else hi
        if inner[0] == "chars":
            chars = "".join(c for c in inner[1] if _travels(c, location))
            return st.text(chars, min_size=lo, max_size=most) if chars else None
        part = _from_pieces(inner, location)
        return None if part is None else st.lists(part, min_size=lo, max_size=most).map("".join)
    parts = [_from_pieces(sub, location) for sub in piece[1]]
    if any(part is None for part in parts):
        return None
    if kind == "alt":
        return st.one_of(parts)
    return st.tuples(*parts).map("".join)


def _invalids(p: Parameter, schema: dict[str, Any], taken: frozenset[str] = frozenset()) -> list[Any]:
    """One strategy per way of breaking ``p``'s schema, as text on the wire; never a value in ``taken``."""
    from hypothesis import strategies as st

    kind, where = schema["type"], p.location
    out: list[Any] = []
    if "enum" in schema:
        documented = {wire(v) for v in schema["enum"]} | taken
        out.append(_text(where).filter(lambda s: s not in documented))
    elif kind in ("integer", "number"):
        numeric = _INTEGER if kind == "integer" else _NUMBER
        out.append(_text(where, 1).filter(lambda s: numeric.match(s) is None))
        if kind == "integer":
            out.append(st.integers(-10**6, 10**6).map(lambda i: f"{i}.5"))
            lo, hi = _integer_range(schema)
        else:
            lo, hi = schema.get("minimum"), schema.get("maximum")
        if lo is not None:
            out.append(st.integers(max_value=int(-(-lo // 1)) - 1).map(str))
        if hi is not None:
            out.append(st.integers(min_value=int(hi // 1) + 1).map(str))
    elif kind == "boolean":
        out.append(_text(where).filter(lambda s: s not in ("true", "false")))
    else:
        lo, hi = schema.get("minLength", 0), schema.get("maxLength")
        if hi is not None:
            out.append(_text(where, hi + 1, hi + 16))
        if lo > (1 if where == "path" else 0):
            out.append(_text(where, 0, lo - 1))
        if "pattern" in schema:
            compiled = re.compile(schema["pattern"])
            out.append(_text(where, 0, hi).filter(lambda s: compiled.search(s) is None or s.endswith("\n")))
    if where != "path" and kind != "string" and "enum" not in schema:
        out.append(st.just(""))
    if p.required and where in ("query", "header"):
        out.append(st.just(_OMIT))
    return out


def _selectors(op: Operation) -> dict[str, frozenset[str]]:
    """For each RPC action selector of ``op``, the values that select some operation of its spec.

    A selector is broken only by leaving it out or by a value that selects
    nothing: another operation's value asks for that operation, not for a rejection.
    """
    pinned = op.discriminators
    return {name: frozenset(str(o.discriminators[name]) for o in op.spec.operations if name in o.discriminators)
            for name in pinned}


def strategy(op: Operation, negative: bool) -> Any:
    """A strategy of ``Drawn`` requests for a ``simple`` operation; None when nothing can be broken."""
    from hypothesis import strategies as st

    deref = op.spec.resolver.deref
    params = list(op.parameters)
    schemas = [deref(p.schema) for p in params]
    valid = [_valid(p, s) if p.required else st.none() | _valid(p, s) for p, s in zip(params, schemas)]
    media = None
    if op.request_body is not None:
        from . import drawbody
        from .cases import NO_BODY

        media = _json_media(op)
        body_schema = op.request_body.content[media].schema  # type: ignore[index]
        body = drawbody.valid(body_schema, deref)
        valid.append(body if op.request_body.required else st.just(NO_BODY) | body)

    def build(values: tuple[Any, ...]) -> Drawn:
        drawn = Drawn(media_type=media)
        if media is not None:
            drawn = Drawn(body=values[-1], media_type=media)
            values = values[:-1]
        for p, value in zip(params, values):
            if value is None or value is _OMIT:
                continue
            text = wire(value)  # as it travels: booleans as 'true', whole floats without '.0'
            if p.location == "path":
                drawn.path_parameters[p.name] = text
            elif p.location == "query":
                drawn.query[p.name] = text
            else:
                drawn.headers[p.name] = text
        return drawn

    if not negative:
        return st.tuples(*valid).map(build)
    selectors = _selectors(op)
    variants = []
    for i, (p, s) in enumerate(zip(params, schemas)):  # each parameter as likely to be broken as another
        taken = selectors.get(p.name, frozenset()) if p.location == "query" else frozenset()
        bad = _invalids(p, s, taken)
        if bad:
            variants.append(st.tuples(*valid[:i], st.one_of(bad), *valid[i + 1:]).map(build))
    if media is not None:
        for broken in drawbody.invalid(body_schema, deref, op.request_body.required):  # type: ignore[union-attr]
            variants.append(st.tuples(*valid[:-1], broken).map(build))
    return st.one_of(variants) if variants else None
