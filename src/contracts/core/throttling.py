"""Documented throttling answers, read from a response's ``x-throttling`` mark.

A throttling answer is conformance, not a verdict on the input: the checker
reports it as info with a hint to lower ``--rate-limit``, never as "valid
input rejected". HTTP 429 is throttling wherever it is documented; a vendor
that throttles with another status marks that response::

    "403":
      x-throttling:
        when: {pointer: /error_code, in: ["1010009"]}   # optional: which bodies of this status
        limit: 100/60s                                  # optional: the documented quota
    "503":
      x-throttling: {note: congestion}                  # every 503 is throttling
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import pointer as jp

if TYPE_CHECKING:
    from .protocols import SpecLike

_MISSING = object()
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)?\s*(s|sec|second|m|min|minute)?\s*$", re.I)


@dataclass(frozen=True)
class ThrottleRule:
    field: str | None  # a JSON pointer into the body, or None: the status alone
    values: tuple[Any, ...]  # values of that field that mean throttling
    limit: str | None  # the documented quota, e.g. 100/60s
    note: str = ""

    @classmethod
    def parse(cls, raw: Any, at: str, spec: "SpecLike") -> "ThrottleRule":
        if raw is True:
            return cls(None, (), None)
        if not isinstance(raw, dict):
            raise spec.error("x-throttling must be true or a mapping with optional 'when', 'limit', 'note'", at)
        when = raw.get("when")
        field, values = None, ()
        if when is not None:
            if not isinstance(when, dict) or not isinstance(when.get("pointer"), str) \
                    or not isinstance(when.get("in"), list):
                raise spec.error("x-throttling.when needs 'pointer' (a JSON pointer) and 'in' (a list)",
                                 jp.join(at, "when"))
            field, values = when["pointer"], tuple(when["in"])
        limit = raw.get("limit")
        if limit is not None and parse_rate(str(limit)) is None:
            raise spec.error(f"x-throttling.limit {limit!r} is not a rate such as 100/60s", jp.join(at, "limit"))
        return cls(field, values, str(limit) if limit is not None else None, str(raw.get("note", "")))

    def matches(self, body: Any) -> bool:
        if self.field is None:
            return True
        value = jp.resolve(body, self.field, _MISSING)
        return value is not _MISSING and any(value == v and type(value) is type(v) for v in self.values)

    def describe(self) -> str:
        what = f" with {self.field.lstrip('/')} in {list(self.values)}" if self.field else ""
        return what + (f" (documented limit: {self.limit})" if self.limit else "")


def parse_rate(text: str) -> tuple[float, float] | None:
    """'20/s', '100/60s', '100/60', '5/min' -> (requests, per seconds); None when not a rate."""
    m = _RATE.match(text)
    if m is None:
        return None
    count = float(m[1])
    period = float(m[2]) if m[2] else 1.0
    unit = (m[3] or "s").lower()
    if unit.startswith("m"):
        period *= 60
    if count <= 0 or period <= 0:
        return None
    return count, period


__all__ = ["ThrottleRule", "parse_rate"]
