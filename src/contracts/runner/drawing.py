"""Cheap drawing: hypothesis strategies built straight from simple parameter schemas.

Schemathesis spends about 30 ms per generated case on an operation with a few
query parameters (its filters, serialisation and hooks), which is most of a
check's time. When an operation's whole request is scalar path, query and
header parameters with schemas made only of a type, bounds, lengths, an enum
and a pattern, the same kinds of cases (valid requests, and requests with
exactly one parameter broken or one required parameter left out) are drawn
here for a fraction of that; a plain JSON body beside them is drawn by
``drawbody``. Anything else goes to schemathesis.

Whether a drawn case is valid is still decided on the wire by
``verdict.judge``: a "broken" value that the schema accepts after all is sent
as a positive case, never blamed on the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..core.spec import Operation, Parameter
from . import drawbody, scalars
from .cases import wire

__all__ = ["Drawn", "simple", "strategy"]

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
    return scalars.simple_schema(deref(p.schema))


def _valid(p: Parameter, schema: dict[str, Any]) -> Any:
    return scalars.valid(schema, p.location)


def _invalids(p: Parameter, schema: dict[str, Any], taken: frozenset[str] = frozenset()) -> list[Any]:
    """One strategy per way of breaking ``p``'s schema, as text on the wire; never a value in ``taken``."""
    from hypothesis import strategies as st

    kind, where = schema["type"], p.location
    out: list[Any] = []
    if "enum" in schema:
        documented = {wire(v) for v in schema["enum"]} | taken
        out.append(scalars.text(where).filter(lambda s: s not in documented))
    elif kind in ("integer", "number"):
        numeric = _INTEGER if kind == "integer" else _NUMBER
        out.append(scalars.text(where, 1).filter(lambda s: numeric.match(s) is None))
        if kind == "integer":
            out.append(st.integers(-10**6, 10**6).map(lambda i: f"{i}.5"))
            lo, hi = scalars.integer_range(schema)
        else:
            lo, hi = schema.get("minimum"), schema.get("maximum")
        if lo is not None:
            out.append(st.integers(max_value=int(-(-lo // 1)) - 1).map(str))
        if hi is not None:
            out.append(st.integers(min_value=int(hi // 1) + 1).map(str))
    elif kind == "boolean":
        out.append(scalars.text(where).filter(lambda s: s not in ("true", "false")))
    else:
        lo, hi = schema.get("minLength", 0), schema.get("maxLength")
        if hi is not None:
            out.append(scalars.text(where, hi + 1, hi + 16))
        if lo > (1 if where == "path" else 0):
            out.append(scalars.text(where, 0, lo - 1))
        if "pattern" in schema:
            compiled = re.compile(schema["pattern"])
            out.append(scalars.text(where, 0, hi).filter(lambda s: compiled.search(s) is None or s.endswith("\n")))
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
