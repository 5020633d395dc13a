"""Compiled schemas: a fast accept decision, detailed findings only on failure.

jsonschema-rs decides valid/invalid; python-jsonschema runs only when a body
is invalid, to name every violation with its path. A differential test keeps
the two in agreement.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

import jsonschema
import jsonschema_rs
from jsonschema import validators
from jsonschema.exceptions import ValidationError

from .classify import Violation, classify_all
from .finding import Kind


@lru_cache(maxsize=512)
def _anchored(pattern: str) -> re.Pattern[str]:
    # Python's "$" also matches before a final newline; JSON Schema (and
    # jsonschema-rs) mean the end of the string. "\Z" is Python's absolute end.
    return re.compile(re.sub(r"(?<!\\)\$(?=\)*$)", r"\\Z", pattern))


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _anchored(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Strict = validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern})


class CompiledSchema:
    """One JSON Schema document, compiled once and reused."""

    __slots__ = ("document", "_fast", "_slow")

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._fast = jsonschema_rs.validator_for(document, offline=True)
        self._slow: Any = None

    def is_valid(self, instance: Any) -> bool:
        return bool(self._fast.is_valid(instance))

    def iter_errors(self, instance: Any) -> Iterator[ValidationError]:
        if self._slow is None:
            self._slow = _Strict(self.document)
        return self._slow.iter_errors(instance)

    def violations(self, instance: Any, base: str = "") -> list[Violation]:
        """Every violation; empty when valid. Fast path first."""
        if self.is_valid(instance):
            return []
        found = classify_all(self.iter_errors(instance), base)
        if not found:  # the two engines disagree: say so rather than pass silently
            found = [Violation(Kind.SCHEMA_MISMATCH, base, "the body does not match the documented schema")]
        return found

    def detailed(self, instance: Any, base: str = "") -> list[Violation]:
        """Every violation, from python-jsonschema alone (the reference path)."""
        return classify_all(self.iter_errors(instance), base)
