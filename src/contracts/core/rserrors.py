"""jsonschema-rs errors in the shape ``classify`` reads from python-jsonschema's.

Naming a violation used to mean importing python-jsonschema (about 40 ms,
a tenth of a short check) and walking the schema again in Python.
jsonschema-rs already found the errors; each one carries its keyword, the
instance, the instance path and the keyword's location in the document, so
the subschema and the keyword's value are one pointer walk away.

An error whose location cannot be read back unambiguously (a ``false``
schema, ``propertyNames``, an embedded ``$id``, a
keyword jsonschema-rs reports under another name, a path through an
empty-string key, which jsonschema-rs leaves out) makes ``adapt`` answer
None, and the caller names that instance with python-jsonschema instead. A
differential test holds both namings equal over every shipped and corpus
schema.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Iterable

__all__ = ["RsError", "adapt"]

_MULTIPLE_VALID = "OneOfMultipleValid"


@dataclass(slots=True)
class RsError:
    """The attributes of ``jsonschema.exceptions.ValidationError`` that classify uses."""

    validator: str
    validator_value: Any
    instance: Any
    schema: Any
    absolute_path: deque[Any]
    schema_path: deque[Any]
    context: list["RsError"]
    message: str
    unexpected: list[str] | None


class _Unreadable(Exception):
    """An error this module cannot translate faithfully."""


def _at(document: Any, path: Iterable[Any]) -> Any:
    node = document
    for part in path:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and not isinstance(part, bool) and 0 <= part < len(node):
            node = node[part]
        else:
            raise _Unreadable
    return node


def _one(error: Any, document: Any, instance: Any, root: str, branch: int | None) -> RsError:
    kind = error.kind
    keyword = kind.name
    where = list(error.schema_path)
    if keyword == "required" and where and where[-1] == "dependentRequired":
        keyword = "dependentRequired"  # jsonschema-rs names the kind of check, python-jsonschema the keyword
    if not where or where[-1] != keyword:
        raise _Unreadable  # reported under another keyword (propertyNames, false schemas)
    location = error.absolute_keyword_location
    if location is not None and not location.startswith(root):
        raise _Unreadable  # inside an embedded $id: the path is relative to that resource
    schema = _at(document, where[:-1])
    if not isinstance(schema, dict):
        raise _Unreadable
    context: list[RsError] = []
    if keyword in ("anyOf", "oneOf") and type(kind).__name__ != _MULTIPLE_VALID:
        for index, errors in enumerate(getattr(kind, "context", None) or ()):
            context.extend(_one(inner, document, instance, root, index) for inner in errors)
    unexpected = list(kind.unexpected) if keyword in ("additionalProperties", "unevaluatedProperties") else None
    relative: deque[Any] = deque([branch] if branch is not None else [])
    relative.extend(where)
    path = error.instance_path
    # The caller's own object, not jsonschema-rs's copy of it (whose objects come back with their keys
    # sorted). The two must be equal: jsonschema-rs leaves an empty-string key out of the path.
    node = _at(instance, path)
    copy = error.instance
    if type(node) is not type(copy) or node != copy:
        raise _Unreadable
    return RsError(keyword, schema[keyword], node, schema, deque(path), relative, context, error.message, unexpected)


def adapt(errors: Iterable[Any], document: Any, instance: Any) -> list[RsError] | None:
    """The errors ``instance`` has under ``document``, translated; None when any one of them cannot be
    (name them the slow way)."""
    root_id = document.get("$id") if isinstance(document, dict) else None
    root = f"{root_id}#" if isinstance(root_id, str) else "\0"  # no root $id: any location means an embedded one
    try:
        return [_one(error, document, instance, root, None) for error in errors]
    except _Unreadable:
        return None
