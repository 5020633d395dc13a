"""The proxy itself: a raw ASGI app that forwards every request with httpx and streams the answer back.

Nothing here parses HTTP: uvicorn (httptools) reads the client's requests,
httpx's pooled ``AsyncHTTPTransport`` talks to the target (``pools.py``). The transport, not
an ``AsyncClient``: a client would keep one cookie jar for every application
behind the proxy (one client's session cookie sent on another's requests) and
add its own User-Agent and Accept-Encoding to requests that had none (so the
target would compress answers the client never asked to be compressed). The answer's status,
headers and body bytes pass back unchanged (hop-by-hop fields aside, see
``headers.py``), chunk by chunk as they arrive, so a large body is never held
whole: the client's own pace applies back-pressure through uvicorn's flow
control. Beside the stream, a ``Tap`` keeps at most ``--max-body`` decoded
bytes for validation.

Each exchange ends as an ``Exchange`` handed to a ``Sink`` (the validator
thread, ``live.py``); the forwarding path never validates, prints or writes
files. One deadline (``--timeout``) covers connect, the answer's head and its
body. A target that cannot be reached gets the client a 502, one that does
not answer in time a 504, each with a one-line reason; the proxy goes on.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Callable, Protocol

import httpx

from ..core.http import Request, Response
from ..runner.transport import Limits, _capped_headers
from .headers import end_to_end, upstream
from .pools import Pools
from .tap import Tap



@dataclass
class Exchange:
    """One request that crossed the proxy, as the validator receives it."""

    request: Request
    response: Response | None  # None: the target gave no (complete) answer
    started: float  # epoch seconds
    wait: float  # seconds to the answer's head
    total: float  # seconds to its last byte
    reason: str = ""  # the answer's reason phrase
    request_size: int | None = None  # set when the request body was beyond the cap (not kept)
    response_size: int = 0  # raw bytes of the answer's body that passed
    undecoded: bool = False  # the body's Content-Encoding could not be decoded: its schema is not checked
    error: str | None = None  # why there was no answer
    error_kind: str | None = None  # connect | timeout | protocol

    @property
    def weight(self) -> int:
        """Bytes this exchange holds while it waits for the validator."""
        return len(self.request.body or b"") + len((self.response.body if self.response else None) or b"")


class Sink(Protocol):
    def offer(self, exchange: Exchange) -> bool:
        """Queue without waiting; False when the backlog is full."""

    def put(self, exchange: Exchange) -> None:
        """Queue, waiting for room (called from a worker thread)."""


class ProxyApp:
    """ASGI 3: forwards to ``target`` (scheme, host, port and an optional base path)."""

    def __init__(self, target: str, sink: Sink, limits: Limits | None = None, *,
                 on_failure: Callable[[str], None] | None = None, shown_target: str | None = None,
                 verify: Any = True) -> None:
        self.target = target.rstrip("/")
        self.sink = sink
        self.limits = limits or Limits()
        self.on_failure = on_failure
        self.shown_target = shown_target or self.target  # redacted: no password of the target URL
        self.verify = verify
        self.client: Pools | None = None
        self._timeouts = {name: self.limits.timeout for name in ("connect", "read", "write", "pool")}
        self.failures = 0  # requests that got no answer from the target
        self.aborted = 0  # answers the client stopped reading before the end

    def _client(self) -> Pools:
        return Pools(self.verify)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":  # not forwarded: refused at the handshake
            await receive()
            await send({"type": "websocket.close", "code": 1003})

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.client = self._client()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.client is not None:
                    await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if self.client is None:  # served without lifespan (tests calling the app directly)
            self.client = self._client()
        began_wall, began = time.time(), time.perf_counter()
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
        query = scope.get("query_string") or b""
        url = self.target + raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
        client = scope.get("client")
        headers = upstream(scope["headers"], client[0] if client else None, scope.get("scheme", "http"))
        limit = self.limits.body_limit
        message = await receive()
        first = message.get("body", b"")
        kept: list[bytes] = [first]
        seen = [len(first)]
        content: Any
        if not message.get("more_body", False):
            content = first
        else:
            content = self._request_stream(first, receive, kept, seen, limit)
        request_body = lambda: None if seen[0] > limit else (b"".join(kept) or None)  # noqa: E731
        # validated and recorded as the application sent it (Host aside), not with this hop's X-Forwarded-*
        request = lambda: Request(scope["method"], url, tuple(  # noqa: E731
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in end_to_end(scope["headers"]) if k != b"host"),
            request_body())
        started = False
        pool, transport = self.client.acquire()
        try:
            async with asyncio.timeout(self.limits.timeout):
                req = httpx.Request(scope["method"], url, headers=headers, content=content,
                                    extensions={"timeout": self._timeouts})
                resp = await transport.handle_async_request(req)
                try:
                    head = time.perf_counter()
                    raw_headers = resp.headers.raw
                    declared = resp.headers.get("content-length")
                    tap = Tap(limit, resp.headers.get("content-encoding"),
                              int(declared) if declared and declared.isdigit() else None)
                    await send({"type": "http.response.start", "status": resp.status_code,
                                "headers": end_to_end(raw_headers)})
                    started = True
                    complete = await self._stream_body(resp, tap, send, receive, streamed=content is not first)
                finally:
                    await resp.aclose()
        except (TimeoutError, httpx.TimeoutException):
            await self._failed(send, started, 504, "timeout",
                               f"{self.shown_target}: no answer within {self.limits.timeout:g} s "
                               f"(connect, headers and body)", request(), began_wall, began)
            return
        except httpx.ConnectError as exc:
            await self._failed(send, started, 502, "connect",
                               f"{self.shown_target}: cannot connect: {_first_line(exc)}", request(), began_wall, began)
            return
        except (httpx.HTTPError, OSError) as exc:
            await self._failed(send, started, 502, "protocol",
                               f"{self.shown_target}: {_first_line(exc)}", request(), began_wall, began)
            return
        except _ClientGone:
            self.aborted += 1
            return
        finally:
            self.client.release(pool)
        if not complete:
            self.aborted += 1
            return
        end = time.perf_counter()
        capped, dropped = _capped_headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw_headers],
                                          self.limits)
        response = Response(resp.status_code, capped, tap.body(), tap.truncated,
                            tap.raw_size if tap.truncated else None, end - began, dropped_headers=dropped)
        exchange = Exchange(request(), response, began_wall, head - began, end - began, resp.reason_phrase,
                            seen[0] if seen[0] > limit else None, tap.raw_size, not tap.decodable)
        if not self.sink.offer(exchange):  # the validator is behind: wait for room off the event loop
            await asyncio.to_thread(self.sink.put, exchange)

    async def _request_stream(self, first: bytes, receive: Any, kept: list[bytes], seen: list[int],
                              limit: int) -> Any:
        """The client's body as it arrives, with its first ``limit`` bytes kept for validation."""
        if first:
            yield first
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone()
            chunk = message.get("body", b"")
            seen[0] += len(chunk)
            if seen[0] <= limit:
                kept.append(chunk)
            elif kept:
                kept.clear()
            if chunk:
                yield chunk
            if not message.get("more_body", False):
                return

    async def _stream_body(self, resp: httpx.Response, tap: Tap, send: Any, receive: Any, *, streamed: bool) -> bool:
        """Pass the body through chunk by chunk; False when the client went away first.

        One chunk is held back so the last one goes out with ``more_body: False``
        (a small answer is one write); once a second chunk shows the body is
        long, a watcher notices a client that disconnects, so the target is not
        read for nobody.
        """
        pending: bytes | None = None
        gone: asyncio.Future[Any] | None = None
        try:
            async for chunk in resp.stream:  # type: ignore[union-attr]
                tap.feed(chunk)
                if pending is not None:
                    if gone is None and not streamed:
                        gone = asyncio.ensure_future(receive())
                    elif gone is not None and gone.done():
                        return False
                    await send({"type": "http.response.body", "body": pending, "more_body": True})
                pending = chunk
            await send({"type": "http.response.body", "body": pending or b"", "more_body": False})
            return True
        finally:
            if gone is not None and not gone.done():
                gone.cancel()

    async def _failed(self, send: Any, started: bool, status: int, kind: str, reason: str, request: Request,
                      began_wall: float, began: float) -> None:
        """No (complete) answer: a one-line reason to the client, if it can still get one, and to the sink."""
        self.failures += 1
        if self.on_failure is not None:
            self.on_failure(reason)
        if not started:
            body = f"contracts proxy: {reason}\n".encode("utf-8", "replace")
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body, "more_body": False})
        elapsed = time.perf_counter() - began
        exchange = Exchange(request, None, began_wall, elapsed, elapsed, error=reason, error_kind=kind)
        if not self.sink.offer(exchange):
            await asyncio.to_thread(self.sink.put, exchange)


class _ClientGone(Exception):
    """The client disconnected while its request body was still coming."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


__all__ = ["Exchange", "ProxyApp", "Sink"]
