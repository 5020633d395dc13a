"""Compiled schemas: a fast accept decision, detailed findings only on failure.

jsonschema-rs decides valid/invalid, and its errors name the violations of an
invalid body (core/rserrors.py); python-jsonschema runs only for the errors
those cannot describe faithfully, and as the reference path (``detailed``).
Differential tests keep the two in agreement, verdicts and names alike.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import lru_cache
from typing import Any, Iterator

from typing import TYPE_CHECKING

import jsonschema_rs
import orjson

from .classify import Violation, classify_all
from .finding import Kind
from .formats import FORMATS
from .rserrors import adapt


@lru_cache(maxsize=512)
def _anchored(pattern: str) -> re.Pattern[str]:
    # Python's "$" also matches before a final newline; JSON Schema (and
    # jsonschema-rs) mean the end of the string. "\Z" is Python's absolute end.
    return re.compile(re.sub(r"(?<!\\)\$(?=\)*$)", r"\\Z", pattern))


if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> "Iterator[ValidationError]":
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not _anchored(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_SEEN_LIMIT = 256  # distinct invalid bodies remembered per schema


@lru_cache(maxsize=1)
def _strict_class() -> Any:
    """python-jsonschema, loaded only when a failure has to be explained."""
    import jsonschema
    from jsonschema import validators

    return validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern})


@lru_cache(maxsize=1)
def _format_checker() -> Any:
    """The formats of core/formats.py, and only those, for python-jsonschema."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    for name, check in FORMATS.items():
        # formats constrain strings only (jsonschema-rs never calls them for other types)
        checker.checks(name)(lambda value, check=check: not isinstance(value, str) or check(value))
    return checker


def _formats_in(document: Any) -> set[str]:
    """Every value of a "format" keyword anywhere in a schema document."""
    found: set[str] = set()
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            value = node.get("format")
            if isinstance(value, str):
                found.add(value)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


class CompiledSchema:
    """One JSON Schema document, compiled once and reused."""

    __slots__ = ("document", "_fast", "_slow", "_seen")

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        # Only the formats the document uses are registered: any custom format at all makes jsonschema-rs
        # validate every instance about three times slower, format keywords or not.
        used = {name: FORMATS[name] for name in _formats_in(document) if name in FORMATS}
        extra: dict[str, Any] = {"formats": used} if used else {}
        self._fast = jsonschema_rs.validator_for(document, offline=True, validate_formats=True,
                                                 ignore_unknown_formats=True, **extra)
        self._slow: Any = None
        self._seen: OrderedDict[tuple[bytes, str], list[Violation]] = OrderedDict()

    def is_valid(self, instance: Any) -> bool:
        return bool(self._fast.is_valid(instance))

    def iter_errors(self, instance: Any) -> "Iterator[ValidationError]":
        if self._slow is None:
            self._slow = _strict_class()(self.document, format_checker=_format_checker())
        return self._slow.iter_errors(instance)

    def violations(self, instance: Any, base: str = "") -> list[Violation]:
        """Every violation; empty when valid. Fast path first; repeated bad bodies are classified once."""
        if self.is_valid(instance):
            return []
        try:
            key = (orjson.dumps(instance, option=orjson.OPT_SORT_KEYS), base)
        except TypeError:
            key = None
        if key is not None and key in self._seen:
            self._seen.move_to_end(key)
            return list(self._seen[key])
        try:
            try:
                named = adapt(self._fast.iter_errors(instance), self.document, instance)
            except ValueError:  # jsonschema-rs giving back a value it cannot convert ("Recursion limit reached")
                named = None
            found = classify_all(self.iter_errors(instance) if named is None else named, base)
        except RecursionError:  # python-jsonschema recurses per level: a body this deep is refused as such
            found = [Violation(Kind.SCHEMA_MISMATCH, base, "the body nests too deeply to be explained field by "
                                                           "field; it does not match the documented schema")]
        if not found:  # the two engines disagree: say so rather than pass silently
            found = [Violation(Kind.SCHEMA_MISMATCH, base, "the body does not match the documented schema")]
        if key is not None:
            self._seen[key] = found
            if len(self._seen) > _SEEN_LIMIT:
                self._seen.popitem(last=False)
        return list(found)

    def detailed(self, instance: Any, base: str = "") -> list[Violation]:
        """Every violation, from python-jsonschema alone (the reference path)."""
        try:
            return classify_all(self.iter_errors(instance), base)
        except RecursionError:
            return [Violation(Kind.SCHEMA_MISMATCH, base, "the value nests too deeply to be explained field by "
                                                          "field")]
