"""Transport-neutral request and response records.

Everything the validator sees is one of these, whether it came from httpx,
requests, a raw tuple or a HAR entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qs, urlsplit

import orjson

Headers = tuple[tuple[str, str], ...]

_UNPARSED = object()


def headers_from(value: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> Headers:
    if value is None:
        return ()
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(k), str(v)) for k, v in items)


def is_json_media(content_type: str | None) -> bool:
    """application/json or any +json media type, parameters ignored."""
    if not content_type:
        return False
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    for k, v in headers:
        if k.lower() == wanted:
            return v
    return None


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: Headers = ()
    body: bytes | None = None

    def header(self, name: str) -> str | None:
        return header(self.headers, name)

    @cached_property
    def _split(self) -> Any:
        return urlsplit(self.url)

    @property
    def path(self) -> str:
        return self._split.path or "/"

    @cached_property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self._split.query, keep_blank_values=True)


@dataclass(frozen=True)
class Response:
    status: int
    headers: Headers = ()
    body: bytes | None = None
    truncated: bool = False  # the body was cut at the size cap
    size: int | None = None  # bytes seen (or announced) when truncated
    elapsed: float | None = None
    _json: list[Any] = field(default_factory=list, compare=False, repr=False)

    def header(self, name: str) -> str | None:
        return header(self.headers, name)

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")

    def json(self) -> Any:
        """The parsed body; raises ValueError when it is not JSON."""
        if not self._json:
            try:
                self._json.append(orjson.loads(self.body or b""))
            except orjson.JSONDecodeError as exc:
                self._json.append(exc)
        value = self._json[0]
        if isinstance(value, Exception):
            raise ValueError(str(value))
        return value


def json_body(body: bytes | None) -> Any:
    return orjson.loads(body or b"")
