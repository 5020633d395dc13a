"""Walking a value alongside its OpenAPI schema.

The mock stores what a client sent, fills documented defaults and breaks
bodies on purpose; all three follow the spec's schemas rather than per-field
code, so a spec change changes the mock's behaviour with it.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from ..core import pointer as jp
from ..core.spec import Operation, Spec

# A node visitor returns KEEP to leave a node alone (and descend into it) or a replacement.
KEEP: Any = object()
Visitor = Callable[[dict[str, Any], Any, str], Any]

_TIME_MARKER = "T([01][0-9]|2[0-3])"

# Followed $ref chains, by (spec, schema node) identity: createJob prunes and fills every body it
# stores, and following each $ref afresh (a JSON pointer walk) was a fifth of the mock's time on
# unique createJob traffic. The entries hold the spec and the node, so an id is never reused while
# cached; the memo is cleared when it outgrows RESOLVED_MAX (specs are a bounded set of nodes).
RESOLVED_MAX = 50_000
_ATOMIC = frozenset({str, int, float, bool})
_resolved: dict[tuple[int, int], tuple[Spec, dict[str, Any], dict[str, Any]]] = {}


def resolved(spec: Spec, schema: Any) -> dict[str, Any]:
    """The schema with its ``$ref`` chain followed; ``{}`` (anything) when it is not a mapping."""
    if not isinstance(schema, dict):
        return {}
    if "$ref" not in schema:
        return schema
    key = (id(spec), id(schema))
    hit = _resolved.get(key)
    if hit is not None and hit[0] is spec and hit[1] is schema:
        return hit[2]
    node = spec.resolver.deref(schema)
    node = node if isinstance(node, dict) else {}
    if len(_resolved) >= RESOLVED_MAX:
        _resolved.clear()
    _resolved[key] = (spec, schema, node)
    return node


def success_schema(op: Operation) -> dict[str, Any] | None:
    """The JSON schema of the operation's first documented 2xx response."""
    for status in sorted(op.responses):
        response = op.responses[status]
        if not response.is_success:
            continue
        media = response.media("application/json")
        if media is not None and media.schema is not None:
            shape = response.envelope.success(media.schema) if response.envelope is not None else media.schema
            return resolved(op.spec, shape)
    return None


def envelope_pointer(op: Operation) -> str | None:
    """The body field the success response's error-envelope rule reads (``/code`` for EnOS)."""
    for response in op.responses.values():
        if response.is_success and response.envelope is not None:
            return response.envelope.field
    return None


def is_closed(schema: dict[str, Any]) -> bool:
    """Whether the core's closed conversion forbids members this schema does not list."""
    return ("properties" in schema and "additionalProperties" not in schema
            and "patternProperties" not in schema
            and not any(k in schema for k in ("allOf", "anyOf", "oneOf")))


def is_time_pattern(schema: dict[str, Any]) -> bool:
    """The vendors' yyyyMMdd'T'HHmmss'Z' time strings, recognised by their pattern."""
    pattern = schema.get("pattern")
    return isinstance(pattern, str) and _TIME_MARKER in pattern and pattern.endswith("Z$")


def properties(schema: dict[str, Any]) -> dict[str, Any]:
    found = schema.get("properties")
    return found if isinstance(found, dict) else {}


def schema_types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return {str(k) for k in kind}
    return {kind} if isinstance(kind, str) else set()


def transform(spec: Spec, schema: Any, value: Any, visit: Visitor, at: str = "") -> Any:
    """A copy of ``value`` with ``visit`` applied to every documented node, pre-order.

    Only members the schema documents are visited; free-form objects and
    undocumented members are copied untouched. The input is never mutated.
    """
    node = resolved(spec, schema)
    replaced = visit(node, value, at)
    if replaced is not KEEP:
        return replaced
    if isinstance(value, dict):
        props = properties(node)
        extra = node.get("additionalProperties")
        out: dict[str, Any] = {}
        for key, item in value.items():
            child = props.get(key)
            if child is None and isinstance(extra, dict):
                child = extra
            out[key] = transform(spec, child, item, visit, jp.join(at, key)) if child is not None else item
        return out
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        return [transform(spec, node["items"], item, visit, jp.join(at, i)) for i, item in enumerate(value)]
    return value


class _Shape:
    """What prune and fill_defaults read of one schema node, read once: the specs never change, and
    reading them again per stored createJob (resolving each member's $ref, testing closedness and
    types, looking for defaults) was half of the mock's CPU on unique createJob traffic."""

    __slots__ = ("spec", "node", "props", "extra", "open", "items", "_fills")

    def __init__(self, spec: Spec, node: dict[str, Any]) -> None:
        self.spec = spec
        self.node = node
        self.props = properties(node)
        extra = node.get("additionalProperties")
        self.extra: dict[str, Any] | None = extra if isinstance(extra, dict) else None
        self.open = not is_closed(node)
        items = node.get("items")
        self.items: dict[str, Any] | None = items if isinstance(items, dict) else None
        self._fills: tuple[tuple[str, dict[str, Any], Any, bool, bool], ...] | None = None

    @property
    def fills(self) -> tuple[tuple[str, dict[str, Any], Any, bool, bool], ...]:
        """Per member: its schema, its default (or _NO_DEFAULT), whether an absent member is created
        from its own members' defaults, and whether it is an object schema."""
        if self._fills is None:
            found = []
            for key, child in self.props.items():
                node = resolved(self.spec, child)
                default = node["default"] if "default" in node else _NO_DEFAULT
                nested = default is _NO_DEFAULT and bool(defaults_of(self.spec, node))
                found.append((key, node, default, nested, "object" in schema_types(node)))
            self._fills = tuple(found)
        return self._fills


_NO_DEFAULT: Any = object()
_shapes: dict[tuple[int, int], tuple[Spec, Any, _Shape]] = {}


def _shape(spec: Spec, schema: Any) -> _Shape:
    """The shape of a schema (its $ref chain followed), memoised by identity as ``resolved`` is."""
    key = (id(spec), id(schema))
    hit = _shapes.get(key)
    if hit is not None and hit[0] is spec and hit[1] is schema:
        return hit[2]
    shape = _Shape(spec, resolved(spec, schema))
    if len(_shapes) >= RESOLVED_MAX:
        _shapes.clear()
    _shapes[key] = (spec, schema, shape)
    return shape


def _copied(value: Any) -> Any:
    return value if value is None or type(value) in _ATOMIC else copy.deepcopy(value)


def prune(spec: Spec, schema: Any, value: Any) -> Any:
    """``value`` without the members a closed schema does not document (what the mock stores).

    A stored job is served back by getJob, whose schema is closed; an extra
    member a client sent (accepted with a warning) must not come back as an
    undocumented field.
    """
    if isinstance(value, dict):
        shape = _shape(spec, schema)
        props, extra = shape.props, shape.extra
        out: dict[str, Any] = {}
        for key, item in value.items():
            if item is None or type(item) in _ATOMIC:  # immutable: kept as it is wherever it is kept
                if key in props or extra is not None or shape.open:
                    out[key] = item
            elif key in props:
                out[key] = prune(spec, props[key], item)
            elif extra is not None:
                out[key] = prune(spec, extra, item)
            elif shape.open:
                out[key] = copy.deepcopy(item)
        return out
    if isinstance(value, list):
        items = _shape(spec, schema).items
        if items is not None:
            return [prune(spec, items, item) for item in value]
    return _copied(value)  # deepcopy's own dispatch on immutable values cost a third of prune


def defaults_of(spec: Spec, schema: Any) -> dict[str, Any]:
    """The documented defaults of an object schema's members."""
    node = resolved(spec, schema)
    props = properties(node)
    out = {}
    for key, child in props.items():
        child_node = resolved(spec, child)
        if "default" in child_node:
            out[key] = copy.deepcopy(child_node["default"])
    return out


def fill_defaults(spec: Spec, schema: Any, value: dict[str, Any]) -> dict[str, Any]:
    """Absent members that document a default get it; absent optional objects whose
    members document defaults are created with them (EnOS timeoutPolicy, retryPolicy).

    Nothing without a documented default is invented.
    """
    out = dict(value)
    for key, node, default, nested, is_object in _shape(spec, schema).fills:
        if key not in out:
            if default is not _NO_DEFAULT:
                out[key] = _copied(default)
            elif nested:
                out[key] = fill_defaults(spec, node, {})
        elif is_object and isinstance(out[key], dict):
            out[key] = fill_defaults(spec, node, out[key])
    return out
