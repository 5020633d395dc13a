"""What a vendor handler receives (``Call``) and returns (``Reply``).

Replies carry bytes, not objects, so a handler can hand back a body it
serialised once and cached.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

import orjson

from ..core.spec import Operation

JSON = "application/json"
TEXT = "text/plain; charset=utf-8"


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON. orjson first; the standard library for what orjson refuses
    (integers beyond 64 bits echoed from a query, nesting deeper than 254)."""
    try:
        return orjson.dumps(value)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True, init=False)
class Reply:
    status: int
    body: bytes
    content_type: str = JSON
    close: bool = False  # ask the server to close the connection (an unread request body remains)
    headers: tuple[tuple[str, str], ...] = ()
    # The same request always gets this very reply (no request id, no state): the app may replay it.
    cacheable: bool = False

    def __init__(self, status: int, body: bytes, content_type: str = JSON, close: bool = False,
                 headers: tuple[tuple[str, str], ...] = (), cacheable: bool = False) -> None:
        # one per request: the fields go straight into the instance, where a frozen dataclass's own
        # __init__ would set each through object.__setattr__ (twice the time)
        fields = self.__dict__
        fields["status"] = status
        fields["body"] = body
        fields["content_type"] = content_type
        fields["close"] = close
        fields["headers"] = headers
        fields["cacheable"] = cacheable

    @classmethod
    def json(cls, status: int, value: Any, *, cacheable: bool = False) -> "Reply":
        return cls(status, dumps(value), cacheable=cacheable)

    @classmethod
    def text(cls, status: int, text: str) -> "Reply":
        return cls(status, text.encode("utf-8"), TEXT, cacheable=True)


@dataclass
class Call:
    """One routed request as a handler sees it. Header names are lower-case."""

    op: Operation
    method: str
    path: str
    path_params: Mapping[str, str]
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes | None = None
    query_string: str = ""  # as received, for request signatures

    def arg(self, name: str) -> str | None:
        """The query value the core validated (the last one when repeated)."""
        values = self.query.get(name)
        return values[-1] if values else None

    def int_arg(self, name: str, default: int) -> int:
        """A validated integer parameter; under accept-invalid, ``default`` when it is not an integer."""
        raw = self.arg(name)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            return default

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())
