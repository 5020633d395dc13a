"""Cheap drawing of plain JSON request bodies: objects, arrays and scalars, no composition.

Schemathesis spends 25-60 ms drawing one case of a nested body such as EnOS
createJob's; most vendor bodies are plain trees of objects, arrays and
scalars with bounds, which hypothesis draws here for a fraction of that.
Negative bodies break exactly one thing at one place: a value of the wrong
JSON type, outside its enum or bounds, too long or short, not matching its
pattern, an array with too few or too many items, a required member left
out. As for parameters, whether a case is valid is still decided by
``verdict.judge`` before it is sent.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Callable

from . import scalars

__all__ = ["plain", "valid", "invalid"]

_KEYS = frozenset({"type", "format", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
                   "exclusiveMinimum", "exclusiveMaximum", "properties", "required", "items",
                   "additionalProperties", "minItems", "maxItems", "default", "example", "examples",
                   "description", "title", "deprecated", "externalDocs", "$comment", "$ref"})
_DEPTH = 8  # deeper trees (and recursive ones) go to schemathesis
_SITES = 256  # ways to break one body, at most
_DELETE = object()  # a member left out
_WRONG = {"string": "x", "integer": 7, "number": 1.5, "boolean": True, "object": {}, "array": [], "null": None}

Deref = Callable[[Any], Any]
Path = tuple[Any, ...]


def plain(schema: Any, deref: Deref, depth: int = 0) -> bool:
    """Whether ``schema`` is a tree this module draws: objects, arrays and simple scalars only."""
    if depth > _DEPTH:
        return False
    node = deref(schema)
    if not isinstance(node, dict):
        return False
    if not {k for k in node if not k.startswith("x-")} <= _KEYS or node.get("nullable") is True \
            or node.get("readOnly") is True or node.get("writeOnly") is True:
        return False
    if "$ref" in node:  # a $ref beside other keys (3.1): its siblings would be merged; leave it to schemathesis
        return False
    kind = node.get("type")
    if kind is not None and not isinstance(kind, str):  # 3.1's type lists: schemathesis' to draw
        return False
    if kind == "object":
        props = node.get("properties", {})
        required = node.get("required", [])
        extra = node.get("additionalProperties", True)
        if not isinstance(props, dict) or not isinstance(required, list) \
                or not all(isinstance(r, str) and r in props for r in required):
            return False
        if not isinstance(extra, bool) and not plain(extra, deref, depth + 1):
            return False
        return all(plain(sub, deref, depth + 1) for sub in props.values())
    if kind == "array":
        items = node.get("items", {})
        bounds = [node.get(k) for k in ("minItems", "maxItems") if k in node]
        if not all(isinstance(b, int) and not isinstance(b, bool) and b >= 0 for b in bounds):
            return False
        if "minItems" in node and "maxItems" in node and node["minItems"] > node["maxItems"]:
            return False
        return isinstance(items, dict) and plain(items, deref, depth + 1)
    if kind in scalars.SCALARS:
        if set(node) & {"properties", "required", "items", "additionalProperties", "minItems", "maxItems"}:
            return False
        parameter_like = {k: v for k, v in node.items() if not k.startswith("x-")}
        return scalars.simple_schema(parameter_like)
    if kind is None:  # free-form: any JSON value, so nothing to constrain or break
        return not set(node) & (_KEYS - {"description", "title", "default", "example", "examples", "deprecated",
                                          "externalDocs", "$comment"})
    return False


# -- valid bodies -------------------------------------------------------------------------
def valid(schema: Any, deref: Deref, force: Path = ()) -> Any:
    """A strategy of bodies ``schema`` accepts; every step of ``force`` is present (for a break there)."""
    from hypothesis import strategies as st

    node = deref(schema)
    kind = node.get("type")
    if kind == "object":
        props: dict[str, Any] = node.get("properties", {})
        head = force[0] if force else None
        required = set(node.get("required", []))
        needed = {name: valid(sub, deref, force[1:] if name == head else ())
                  for name, sub in props.items() if name in required or name == head}
        optional = {name: valid(sub, deref) for name, sub in props.items() if name not in needed}
        extra = node.get("additionalProperties", True)
        if head is not None and head not in props and isinstance(extra, dict):  # a map member broken
            needed[head] = valid(extra, deref, force[1:])
        members = st.fixed_dictionaries(needed, optional=optional)
        if isinstance(extra, dict):  # a map: a few members of its own schema beside the listed ones
            keys = st.text(min_size=1, max_size=8).filter(lambda k: k not in props)
            more = st.dictionaries(keys, valid(extra, deref), max_size=2)
            return st.tuples(members, more).map(lambda pair: {**pair[1], **pair[0]})
        return members
    if kind == "array":
        lo = node.get("minItems", 0)
        if force:
            lo = max(lo, 1)
        hi = node.get("maxItems", lo + 3)
        items = node.get("items", {})
        if force:  # the first item is the one a break is made in
            return st.tuples(valid(items, deref, force[1:]), st.lists(valid(items, deref), min_size=lo - 1,
                                                                      max_size=max(hi - 1, lo - 1))) \
                .map(lambda pair: [pair[0], *pair[1]])
        return st.lists(valid(items, deref), min_size=lo, max_size=hi)
    if kind is None:
        return st.one_of(st.none(), st.booleans(), st.integers(-100, 100), st.text(max_size=8))
    return scalars.valid(node, "body")


# -- invalid bodies -----------------------------------------------------------------------
def invalid(schema: Any, deref: Deref, required: bool) -> list[Any]:
    """Strategies of bodies with one thing broken at one place, one per top-level member (so that
    each is as likely to be broken as a parameter), one for the root itself, and a missing body."""
    from hypothesis import strategies as st

    from .cases import NO_BODY

    groups: dict[Any, list[Any]] = {}
    for path, breaker in list(_sites(schema, deref, ()))[:_SITES]:
        groups.setdefault(path[0] if len(path) > 1 else None, []).append(
            st.tuples(valid(schema, deref, path), breaker).map(_apply(path)))
    variants = [st.one_of(group) for group in groups.values()]
    if required:
        variants.append(st.just(NO_BODY))
    return variants


def _sites(schema: Any, deref: Deref, path: Path) -> Any:
    """(where, a strategy of what goes there) for every way of breaking the tree at ``schema``."""
    from hypothesis import strategies as st

    node = deref(schema)
    kind = node.get("type")
    if kind is None:
        return
    yield path, st.sampled_from([v for k, v in _WRONG.items() if k != kind and not (kind == "number" and
                                                                                    k == "integer")])
    if kind == "object":
        props = node.get("properties", {})
        for name in node.get("required", []):
            yield path + (name,), st.just(_DELETE)
        for name, sub in props.items():
            if len(path) < _DEPTH:
                yield from _sites(sub, deref, path + (name,))
        extra = node.get("additionalProperties", True)
        if isinstance(extra, dict) and len(path) < _DEPTH:  # a map: one of its members broken
            yield from _sites(extra, deref, path + (_member(props),))
        return
    if kind == "array":
        items = node.get("items", {})
        lo, hi = node.get("minItems", 0), node.get("maxItems")
        if lo > 0:
            yield path, st.lists(valid(items, deref), max_size=lo - 1)
        if hi is not None:
            yield path, st.lists(valid(items, deref), min_size=hi + 1, max_size=hi + 3)
        if len(path) < _DEPTH and hi != 0:
            yield from _sites(items, deref, path + (0,))
        return
    yield from ((path, breaker) for breaker in _scalar_breaks(node))


def _member(props: dict[str, Any]) -> str:
    """A member name a map can hold that its listed properties do not use."""
    name = "k"
    while name in props:
        name += "k"
    return name


def _scalar_breaks(node: dict[str, Any]) -> list[Any]:
    from hypothesis import strategies as st

    kind = node["type"]
    out: list[Any] = []
    if "enum" in node:
        documented = node["enum"]
        if kind == "string":
            out.append(st.text(max_size=12).filter(lambda s: s not in documented))
        elif kind in ("integer", "number"):
            out.append(st.integers(-10**6, 10**6).filter(lambda i: i not in documented))
        return out
    if kind in ("integer", "number"):
        if kind == "integer":
            out.append(st.integers(-10**6, 10**6).map(lambda i: i + 0.5))
            lo, hi = scalars.integer_range(node)
        else:
            lo, hi = node.get("minimum"), node.get("maximum")
        if lo is not None:
            out.append(st.integers(max_value=int(-(-lo // 1)) - 1))
        if hi is not None:
            out.append(st.integers(min_value=int(hi // 1) + 1))
    elif kind == "string":
        lo, hi = node.get("minLength", 0), node.get("maxLength")
        if hi is not None:
            out.append(st.text(min_size=hi + 1, max_size=hi + 16))
        if lo > 0:
            out.append(st.text(max_size=lo - 1))
        if "pattern" in node:
            compiled = re.compile(node["pattern"])
            out.append(st.text(max_size=hi).filter(lambda s: compiled.search(s) is None or s.endswith("\n")))
    return out


def _apply(path: Path) -> Callable[[tuple[Any, Any]], Any]:
    def apply(pair: tuple[Any, Any]) -> Any:
        body, value = pair
        if not path:
            return copy.deepcopy(value)
        parent = body
        for step in path[:-1]:
            parent = parent[step]
        if value is _DELETE:
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = copy.deepcopy(value)  # the wrong-type values are shared
        return body

    return apply
