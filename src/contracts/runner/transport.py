"""Sending a request: over HTTP with hard limits, or in-process to an ASGI app.

A slow or hanging server is cut off by the per-request timeout (connect,
read and a total deadline while streaming); a body above the cap is not
loaded whole. Connection and TLS failures are set-up errors, not findings.

A request the HTTP client refuses to build or send (a header it rejects, a
documented ``Content-Length`` that disagrees with the body) is "unsendable":
the tool's own problem, counted, never a finding and never the end of a run.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import httpx

from ..core.http import Request, Response


class TransportError(Exception):
    """A request that got no HTTP answer."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind  # connect | tls | timeout | protocol | unsendable
        self.message = message
        super().__init__(message)


class Transport(Protocol):
    base_url: str
    description: str

    def send(self, request: Request) -> Response: ...

    def fresh(self) -> "Transport": ...

    def close(self) -> None: ...


@dataclass
class Limits:
    timeout: float = 10.0
    body_limit: int = 10 * 1024 * 1024


def _read_capped(stream: Any, limit: int, deadline: float, url: str) -> tuple[bytes, bool, int]:
    chunks: list[bytes] = []
    size = 0
    for chunk in stream:
        size += len(chunk)
        if size > limit:
            keep = limit - (size - len(chunk))
            if keep > 0:
                chunks.append(chunk[:keep])
            return b"".join(chunks), True, size
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise TransportError("timeout", f"{url}: the response body did not finish within the timeout")
    return b"".join(chunks), False, size


class HttpTransport:
    """httpx over the network, with a timeout per request and a body cap."""

    def __init__(self, base_url: str, limits: Limits | None = None, *, verify: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.description = self.base_url
        self.limits = limits or Limits()
        t = self.limits.timeout
        self._verify = verify
        self._client = httpx.Client(timeout=httpx.Timeout(t, connect=t, read=t, write=t, pool=t),
                                    follow_redirects=False, verify=verify)

    def fresh(self) -> "HttpTransport":
        """A new connection pool (a forked worker must not share the parent's sockets)."""
        return HttpTransport(self.base_url, self.limits, verify=self._verify)

    def send(self, request: Request) -> Response:
        started = time.monotonic()
        deadline = started + self.limits.timeout
        url = request.url
        mismatch = _length_mismatch(request)
        if mismatch:  # h11 would send the head, then refuse the body: refuse before anything leaves
            raise TransportError("unsendable", f"{url}: the HTTP client refused to send it: {mismatch}")
        try:
            req = self._client.build_request(request.method, url, headers=list(request.headers),
                                             content=request.body)
        except Exception as exc:  # an URL or header httpx cannot represent: nothing left the machine
            raise TransportError("unsendable", f"{url}: the HTTP client cannot build it: {_describe(exc)}") from None
        try:
            try:
                resp = self._client.send(req, stream=True)
            except httpx.HTTPError:
                raise
            except Exception as exc:  # h11 refusing what it is asked to write (Content-Length vs body, ...)
                raise TransportError("unsendable", f"{url}: the HTTP client refused to send it: {_describe(exc)}") \
                    from None
            try:
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.limits.body_limit:
                    body, truncated, size = b"", True, int(declared)
                else:
                    body, truncated, size = _read_capped(resp.iter_bytes(), self.limits.body_limit, deadline, url)
            finally:
                resp.close()
            return Response(resp.status_code, tuple(resp.headers.multi_items()), body, truncated,
                            size if truncated else None, time.monotonic() - started)
        except httpx.TimeoutException:
            raise TransportError("timeout", f"{url}: no answer within {self.limits.timeout:g} s") from None
        except httpx.ConnectError as exc:
            cause = exc.__context__ or exc.__cause__
            if isinstance(cause, ssl.SSLError) or "SSL" in str(exc) or "certificate" in str(exc).lower():
                raise TransportError("tls", f"{url}: TLS failure: {_first_line(exc)}") from None
            raise TransportError("connect", f"{url}: cannot connect: {_first_line(exc)}") from None
        except httpx.LocalProtocolError as exc:  # refused before a byte was sent: the tool's own problem
            raise TransportError("unsendable", f"{url}: the HTTP client refused to send it: {_first_line(exc)}") \
                from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise TransportError("protocol", f"{url}: the connection broke: {_first_line(exc)}") from None
        except httpx.HTTPError as exc:
            raise TransportError("protocol", f"{url}: {_first_line(exc)}") from None

    def close(self) -> None:
        self._client.close()


class AsgiTransport:
    """In-process calls into an ASGI app (the embedded mock): no sockets, one private event loop."""

    def __init__(self, app: Any, description: str = "embedded mock (in-process)",
                 limits: Limits | None = None) -> None:
        self.base_url = "http://mock.invalid"
        self.description = description
        self.limits = limits or Limits()
        self._app = app
        self._loop = asyncio.new_event_loop()

    def fresh(self) -> "AsgiTransport":
        """The same app (a forked worker's own copy of its state), on a new event loop."""
        return AsgiTransport(self._app, self.description, self.limits)

    def send(self, request: Request) -> Response:
        started = time.monotonic()
        call = asyncio.wait_for(self._call(request), self.limits.timeout)
        try:
            status, headers, body, truncated, size = self._loop.run_until_complete(call)
        except asyncio.TimeoutError:
            raise TransportError("timeout", f"{request.url}: no answer within {self.limits.timeout:g} s") from None
        return Response(status, headers, body, truncated, size if truncated else None, time.monotonic() - started)

    async def _call(self, request: Request) -> tuple[int, tuple[tuple[str, str], ...], bytes, bool, int]:
        parts = urlsplit(request.url)
        body = request.body or b""
        try:
            headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in request.headers]
        except UnicodeEncodeError as exc:
            raise TransportError("unsendable", f"{request.url}: a header is not latin-1: {exc}") from None
        if body and not any(k == b"content-length" for k, _ in headers):
            headers.append((b"content-length", str(len(body)).encode()))
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": request.method,
                 "scheme": parts.scheme or "http", "path": unquote(parts.path) or "/",
                 "raw_path": (parts.path or "/").encode("latin-1"), "query_string": parts.query.encode("latin-1"),
                 "root_path": "", "headers": headers, "server": (parts.hostname or "mock.invalid", 80),
                 "client": ("127.0.0.1", 50000)}
        sent = False
        status = 500
        out_headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []
        size = 0
        truncated = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)  # the client never disconnects while the app still answers
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, size, truncated
            if message["type"] == "http.response.start":
                status = int(message["status"])
                out_headers.extend((k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.limits.body_limit:
                    truncated = True
                    keep = self.limits.body_limit - (size - len(chunk))
                    if keep > 0:
                        chunks.append(chunk[:keep])
                else:
                    chunks.append(chunk)

        await self._app(scope, receive, send)
        return status, tuple(out_headers), b"".join(chunks), truncated, size

    def close(self) -> None:
        self._loop.close()


def _length_mismatch(request: Request) -> str | None:
    """Why a ``Content-Length`` header the request carries cannot frame its body, if it cannot."""
    declared = [v.strip() for k, v in request.headers if k.lower() == "content-length"]
    if not declared:
        return None
    size = len(request.body or b"")
    if len(set(declared)) > 1:
        return f"Content-Length is given {len(declared)} times with different values ({', '.join(declared)})"
    if not declared[0].isdigit() or int(declared[0]) != size:
        return f"the declared Content-Length {declared[0]!r} does not match the body's {size} bytes"
    return None


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
