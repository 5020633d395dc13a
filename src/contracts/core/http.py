"""Transport-neutral request and response records.

Everything the validator sees is one of these, whether it came from httpx,
requests, a raw tuple or a HAR entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Iterable, Mapping, TypeVar, overload
from urllib.parse import parse_qs, urlsplit

import orjson
import re

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


# RFC 9110 as h11 (httpx's HTTP/1.1 engine) enforces it: a token for the name; for the value,
# visible characters separated by single runs of spaces or tabs, with none at either end.
_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+")
_FIELD_VALUE = re.compile(r"([^\x00\s]+(?:[ \t]+[^\x00\s]+)*)?")


def unsendable(request: "Request") -> str | None:
    """Why an HTTP client would refuse to send this request, or None.

    A request that never left the machine is the tool's own problem, not a
    finding against the server.
    """
    for name, value in request.headers:
        try:
            name.encode("latin-1")
            value.encode("latin-1")
        except UnicodeEncodeError:
            return f"header {name!r} is not latin-1, which HTTP/1.1 cannot carry"
        if not _TOKEN.fullmatch(name):
            return f"header name {name!r} is not an HTTP token"
        if not _FIELD_VALUE.fullmatch(value):
            return f"header {name!r} has an illegal value {value!r} (a line break, NUL or surrounding spaces)"
    return None


def parse_query(query: str) -> dict[str, list[str]]:
    """``parse_qs(query, keep_blank_values=True)``: name -> every value, in order; split by hand when
    nothing in it needs decoding (no ``%``, no ``+``), which is what parse_qs would then do."""
    if "%" in query or "+" in query:
        return parse_qs(query, keep_blank_values=True)
    out: dict[str, list[str]] = {}
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            values = out.get(name)
            if values is None:
                out[name] = [value]
            else:
                values.append(value)
    return out


def header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    for k, v in headers:
        if k.lower() == wanted:
            return v
    return None


T = TypeVar("T")
R = TypeVar("R")


class _once(Generic[T]):
    """A value computed on first read and kept in the instance (``functools.cached_property`` without
    the lock Python 3.11 takes on every first read; any thread computes the same value)."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> "_once[T]": ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> "T | _once[T]":
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


_SCHEMES = ("http://", "https://")


def split_target(url: str) -> tuple[str, str]:
    """(path, query string) exactly as ``urlsplit`` reads them. A plain absolute http(s) URL (ASCII; no
    fragment, IPv6 brackets, tab or line break, which urlsplit checks, cuts or strips) is split by hand:
    urlsplit's own cache never hits on traffic whose URLs never repeat, and it costs four times as much."""
    if url.startswith(_SCHEMES) and url.isascii() and "#" not in url and "[" not in url and "]" not in url \
            and "\t" not in url and "\r" not in url and "\n" not in url:
        q = url.find("?")
        head, query = (url, "") if q < 0 else (url[:q], url[q + 1:])
        slash = head.find("/", 8 if url[4] == "s" else 7)  # the path starts where the host ends
        return (head[slash:] if slash >= 0 else ""), query
    split = urlsplit(url)
    return split.path, split.query


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: Headers = ()
    body: bytes | None = None

    def header(self, name: str) -> str | None:
        return self.header_map.get(name.lower())

    @classmethod
    def of(cls, method: str, url: str, headers: Headers, body: bytes | None) -> "Request":
        """``Request(method, url, headers, body)``, filled at once (one per recorded or proxied exchange)."""
        return _filled(cls, {"method": method, "url": url, "headers": headers, "body": body})

    @_once
    def header_map(self) -> dict[str, str]:
        """Lower-case name -> the first value sent under it (what ``header`` answers)."""
        out: dict[str, str] = {}
        for k, v in self.headers:
            out.setdefault(k.lower(), v)
        return out

    @_once
    def _target(self) -> tuple[str, str]:
        """(path, query string) as urlsplit reads them from the URL."""
        return split_target(self.url)

    @property
    def path(self) -> str:
        return self._target[0] or "/"

    @_once
    def query(self) -> dict[str, list[str]]:
        return parse_query(self._target[1])

    @classmethod
    def of_target(cls, method: str, path: str, query_string: str, headers: Headers = (),
                  by_name: Mapping[str, str] | None = None) -> "Request":
        """A body-less request for a server's raw path and query string (``http://mock`` + target):
        the split a server already made is kept, not worked out again by urlsplit, whenever urlsplit
        would make the same one (a path that starts at the root; no ``#``, no tab or line break,
        which it would cut or strip; no ``?`` in the path). ``headers`` and ``by_name`` as for
        ``with_content``."""
        url = f"http://mock{path}?{query_string}" if query_string else f"http://mock{path}"
        fields: dict[str, Any] = {"method": method, "url": url, "headers": headers, "body": None}
        if by_name is not None:
            fields["header_map"] = by_name
        if (not path or path[0] == "/") and "?" not in path and "#" not in url and "\t" not in url \
                and "\r" not in url and "\n" not in url:
            fields["_target"] = (path, query_string)
        return _filled(cls, fields)

    def with_content(self, headers: Headers, body: bytes | None,
                     by_name: Mapping[str, str] | None = None) -> "Request":
        """The same method and URL with these headers and body; the URL is not parsed again
        (the mock routes a request before it reads the body, then validates it whole).
        ``by_name`` is the caller's own map of the headers when every name in them is already
        lower-case and sent once (a server's header dict), so ``header`` need not build one."""
        mine = self.__dict__
        fields = {"method": self.method, "url": self.url, "headers": headers, "body": body}
        for name in ("_target", "query"):
            if name in mine:
                fields[name] = mine[name]
        if by_name is not None:
            fields["header_map"] = by_name
        return _filled(Request, fields)


def _filled(cls: type[R], fields: dict[str, Any]) -> R:
    """A frozen record made from every field at once (its ``__init__`` would set each one through
    ``object.__setattr__``): for the records the mock makes per request. ``fields`` names them all."""
    out = object.__new__(cls)
    out.__dict__.update(fields)
    return out


@dataclass(frozen=True)
class Response:
    status: int
    headers: Headers = ()
    body: bytes | None = None
    truncated: bool = False  # the body was cut at the size cap
    size: int | None = None  # bytes seen (or announced) when truncated
    elapsed: float | None = None
    dropped_headers: int = 0  # response headers beyond the caps, left out of ``headers``
    _json: list[Any] = field(default_factory=list, compare=False, repr=False)

    def header(self, name: str) -> str | None:
        return header(self.headers, name)

    @classmethod
    def of(cls, status: int, headers: Headers, body: bytes | None) -> "Response":
        """``Response(status, headers, body)``, filled at once (one per recorded or proxied exchange)."""
        return _filled(cls, {"status": status, "headers": headers, "body": body, "truncated": False, "size": None,
                             "elapsed": None, "dropped_headers": 0, "_json": []})

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")

    def json(self) -> Any:
        """The parsed body; raises ValueError when it is not JSON."""
        if not self._json:
            try:
                self._json.append(loads(self.body or b""))
            except ValueError as exc:
                self._json.append(exc)
        value = self._json[0]
        if isinstance(value, Exception):
            raise ValueError(str(value))
        return value


# orjson reads integers beyond 64 bits as floats, which would blur int64 bounds; a run of 19 or more
# digits (2**63 has 19) sends the body to the standard library, which keeps every integer exact.
# The run is looked for by mapping every digit to "0" and everything else to " " (bytes.translate)
# and searching for 19 zeros: both run at memory speed, where the regex \d{19} took three times
# as long as orjson's whole parse of a large body.
_DIGITS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_RUN = b"0" * 19


def loads(body: bytes | str) -> Any:
    """Parse JSON fast, keeping integers beyond 64 bits exact; raises ValueError when it is not JSON."""
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if _LONG_RUN not in data.translate(_DIGITS):
        return orjson.loads(data)
    import json

    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("the JSON nests too deeply") from None


def json_body(body: bytes | None) -> Any:
    return loads(body or b"")
