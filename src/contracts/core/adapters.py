"""Requests and responses from anywhere -> the core's records.

httpx and requests objects, raw tuples and HAR entries all become a
``Request`` plus an optional ``Response``. Duck-typed, so neither client
library is imported unless the caller already uses it.
"""

from __future__ import annotations

import base64
from typing import Any, Mapping

from .errors import UsageError
from .http import Request, Response, headers_from


def _bytes(body: Any) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    return None  # a generator or file object: not replayable, so not checked


def _mapping(obj: Any) -> bool:
    # typing.Mapping's isinstance goes through the ABC machinery (about 2 us); HAR entries are plain dicts
    return type(obj) is dict or isinstance(obj, Mapping)


def _module(obj: Any) -> str:
    return type(obj).__module__.split(".")[0]


def request_from(obj: Any) -> Request:
    if isinstance(obj, Request):
        return obj
    if isinstance(obj, tuple) and len(obj) in (2, 3, 4):
        method, url, *rest = obj
        headers = headers_from(rest[0]) if rest else ()
        body = _bytes(rest[1]) if len(rest) > 1 else None
        return Request(str(method).upper(), str(url), headers, body)
    if _mapping(obj) and "method" in obj and "url" in obj:  # a HAR request
        headers = tuple((h["name"], h["value"]) for h in obj.get("headers", []))
        post = obj.get("postData") or {}
        body = post.get("text")
        return Request.of(str(obj["method"]).upper(), str(obj["url"]), headers, _bytes(body))
    module = _module(obj)
    if module == "httpx":
        try:
            body = obj.content
        except Exception:  # a streaming request that was never read
            body = None
        return Request(obj.method.upper(), str(obj.url), tuple(obj.headers.multi_items()), _bytes(body))
    if module == "requests":  # PreparedRequest
        return Request(str(obj.method).upper(), str(obj.url), headers_from(dict(obj.headers)), _bytes(obj.body))
    raise UsageError(f"cannot read a request from {type(obj).__name__}: pass an httpx/requests object, "
                     "a (method, url, headers, body) tuple, or a HAR entry")


def response_from(obj: Any) -> Response:
    if isinstance(obj, Response):
        return obj
    if isinstance(obj, tuple) and len(obj) in (2, 3):
        status, *rest = obj
        headers = headers_from(rest[0]) if rest else ()
        return Response(int(status), headers, _bytes(rest[1]) if len(rest) > 1 else None)
    if _mapping(obj) and "status" in obj:  # a HAR response
        headers = tuple((h["name"], h["value"]) for h in obj.get("headers", []))
        content = obj.get("content") or {}
        if content.get("_truncated") is True:  # a body beyond the recorder's cap, not recorded (contracts proxy)
            size = content.get("size")
            return Response(int(obj["status"]), headers, None, truncated=True,
                            size=size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else None)
        text = content.get("text")
        body = None
        if text is not None:
            body = base64.b64decode(text, validate=True) if content.get("encoding") == "base64" else _bytes(text)
        if body is not None and not any(k.lower() == "content-type" for k, _ in headers) and content.get("mimeType"):
            headers += (("Content-Type", content["mimeType"]),)
        return Response.of(int(obj["status"]), headers, body)
    module = _module(obj)
    if module == "httpx":
        return Response(obj.status_code, tuple(obj.headers.multi_items()), obj.content)
    if module == "requests":
        return Response(obj.status_code, headers_from(dict(obj.headers)), obj.content)
    raise UsageError(f"cannot read a response from {type(obj).__name__}: pass an httpx/requests response, "
                     "a (status, headers, body) tuple, or a HAR entry")


def exchange_from(*args: Any) -> tuple[Request, Response | None]:
    """(request, response) from one or two objects in any supported form."""
    if len(args) == 1:
        obj = args[0]
        if _mapping(obj) and "request" in obj:  # a HAR entry
            return request_from(obj["request"]), (response_from(obj["response"]) if obj.get("response") else None)
        if _module(obj) in ("httpx", "requests") and hasattr(obj, "status_code"):
            return request_from(obj.request), response_from(obj)
        return request_from(obj), None
    if len(args) == 2:
        return request_from(args[0]), response_from(args[1]) if args[1] is not None else None
    raise UsageError("pass a response (it knows its request), or a request and a response")
