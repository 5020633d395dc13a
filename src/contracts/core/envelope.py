"""Vendor envelope semantics, read from the spec's ``x-error-envelope`` rule.

Some vendors answer failures with HTTP 200 (EnOS always; OceanConnect for a
few business errors). A response declares the rule that tells such a body
from a success, and the schema the error body must follow::

    x-error-envelope:
      when: {pointer: /code, not-in: [0]}      # or: {pointer: /error_code, present: true}
      schema: {$ref: '#/components/schemas/ErrorEnvelope'}

The validator picks the schema by the rule; it never tries a oneOf.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from . import pointer as jp

if TYPE_CHECKING:
    from .protocols import SpecLike as Spec

_MISSING = object()


@dataclass(frozen=True)
class EnvelopeRule:
    field: str  # JSON pointer into the body
    present: bool | None
    not_in: tuple[Any, ...] | None
    in_: tuple[Any, ...] | None
    schema: dict[str, Any]
    pointer: str  # where the rule lives in the spec
    # success(schema) per schema object (kept, so its id cannot be reused): asked for every body
    _success: dict[int, tuple[Any, Any]] = dc_field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def parse(cls, raw: Any, at: str, spec: "Spec") -> "EnvelopeRule":
        if not isinstance(raw, dict) or not isinstance(raw.get("when"), dict) or "schema" not in raw:
            raise spec.error("x-error-envelope needs 'when' (a mapping) and 'schema'", at)
        when = raw["when"]
        field = when.get("pointer")
        if not isinstance(field, str) or (field and not field.startswith("/")):
            raise spec.error("x-error-envelope.when.pointer must be a JSON pointer such as /code", jp.join(at, "when"))
        tests = [k for k in ("present", "not-in", "in") if k in when]
        if len(tests) != 1:
            raise spec.error("x-error-envelope.when needs exactly one of 'present', 'not-in', 'in'",
                             jp.join(at, "when"))
        not_in = tuple(when["not-in"]) if "not-in" in when else None
        in_ = tuple(when["in"]) if "in" in when else None
        present = bool(when["present"]) if "present" in when else None
        return cls(field, present, not_in, in_, raw["schema"], at)

    def success(self, schema: Any) -> Any:
        """The success shape inside a media schema that also admits this error envelope.

        Specs read alike by every tool say "success or error" in plain OpenAPI
        (a 200 schema that is ``oneOf: [Success, ErrorEnvelope]``); contracts
        validates a success body against the success branch alone, for precise
        findings. Any other schema is the success shape itself.
        """
        if not isinstance(schema, dict):
            return schema
        known = self._success.get(id(schema))
        if known is not None and known[0] is schema:
            return known[1]
        found = self._success_of(schema)
        self._success[id(schema)] = (schema, found)
        return found

    def _success_of(self, schema: dict[str, Any]) -> Any:
        error_ref = self.schema.get("$ref") if isinstance(self.schema, dict) else None
        for key in ("oneOf", "anyOf"):
            branches = schema.get(key)
            if isinstance(branches, list) and error_ref is not None and \
                    any(isinstance(b, dict) and b.get("$ref") == error_ref for b in branches):
                rest = [b for b in branches if not (isinstance(b, dict) and b.get("$ref") == error_ref)]
                if len(rest) == 1:
                    return rest[0]
                return {key: rest}
        return schema

    @cached_property
    def _key(self) -> str | None:
        """The member name when the pointer names one top-level member (``/code``): read without a walk."""
        tokens = jp.split(self.field)
        return tokens[0] if len(tokens) == 1 else None

    def field_value(self, body: Any) -> Any:
        key = self._key
        if key is not None and type(body) is dict:
            return body.get(key, _MISSING)
        return jp.resolve(body, self.field, _MISSING)

    def has_field(self, body: Any) -> bool:
        return self.field_value(body) is not _MISSING

    def matches(self, body: Any) -> bool:
        """True when ``body`` is an error envelope under this rule."""
        value = self.field_value(body)
        if self.present is not None:
            return (value is not _MISSING) is self.present
        if value is _MISSING:
            return False
        if self.not_in is not None:
            return not any(_same(value, v) for v in self.not_in)
        assert self.in_ is not None
        return any(_same(value, v) for v in self.in_)

    @property
    def needs_field(self) -> bool:
        """Whether every body must carry the field for the rule to decide (code-style rules)."""
        return self.present is None

    def describe(self) -> str:
        if self.present is not None:
            return f"a body {'with' if self.present else 'without'} {self.field}"
        if self.not_in is not None:
            return f"{self.field} not in {list(self.not_in)}"
        return f"{self.field} in {list(self.in_ or ())}"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return a == b
