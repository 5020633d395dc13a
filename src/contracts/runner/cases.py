"""A test case: one request the checker sends, and what the docs say should happen."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from ..core.http import Request
from ..core.severity import Basis, Grounds
from ..core.spec import Operation

NO_BODY = object()

# What a case expects of the answer.
ACCEPT = "accept"  # a valid request: success, or a documented not-found/business error
REJECT = "reject"  # an invalid request: the vendor's documented rejection
REFUSE = "refuse"  # missing or wrong credentials: refused

PHASES = ("samples", "positive", "negative", "auth", "stateful", "generated")


@dataclass
class Case:
    operation: Operation
    phase: str
    name: str
    path_params: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = NO_BODY
    raw_body: bytes | None = None
    content_type: str | None = None
    expect: str = ACCEPT
    location: str = ""  # RFC 6901 pointer of what the case varies (/query/limit, /body/desc)
    reason: str = ""  # why the value is a boundary or invalid
    basis: Basis = Basis.STATED  # how firmly the docs say what the case expects (core/severity.py)
    why: str = ""  # when the basis is not "stated": the reason, for the finding's message
    leniency: str | None = None  # a negative case a careful server may accept (verdict.py): folded by name
    seed: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # stateful steps: the link or paging rule they follow

    def set_param(self, location: str, name: str, value: Any) -> None:
        """Put a parameter value where its location says (path and header values travel as text)."""
        if location == "path":
            self.path_params[name] = wire(value)
        elif location == "query":
            self.query[name] = value
        elif location == "header":
            self.headers[name] = wire(value)

    @property
    def grounds(self) -> Grounds:
        return Grounds(self.basis, self.why)

    def weigh(self, grounds: Grounds, leniency: str | None = None) -> None:
        """Record what the case's expectation rests on."""
        self.basis, self.why, self.leniency = grounds.basis, grounds.why, leniency

    @property
    def label(self) -> str:
        return f"{self.operation.operation_id} [{self.phase}] {self.name}"

    def encoded_body(self) -> bytes | None:
        if self.raw_body is not None:
            return self.raw_body
        if self.body is NO_BODY:
            return None
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")

    def url(self, base_url: str) -> str:
        path = self.operation.path
        for name, value in self.path_params.items():
            path = path.replace("{" + name + "}", quote(str(value), safe=""))
        query = urlencode([(k, wire(v)) for k, v in self.query.items() if v is not None], safe="*:,")
        return base_url.rstrip("/") + path + (f"?{query}" if query else "")

    def request(self, base_url: str) -> Request:
        headers = dict(self.headers)
        body = self.encoded_body()
        if body is not None:
            ctype = self.content_type or "application/json"
            headers.setdefault("Content-Type", ctype)
        return Request(self.operation.method.upper(), self.url(base_url), tuple(headers.items()), body)


def wire(value: Any) -> str:
    """How a parameter value travels in a URL or header."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(wire(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
