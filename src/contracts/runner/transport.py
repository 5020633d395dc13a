"""Sending a request: over HTTP with hard limits, or in-process to an ASGI app.

A slow, hanging or dripping server is cut off by one deadline per request
(connect, headers and body together); a body above the cap is not loaded
whole, and response headers beyond a count and size cap are counted, not
kept. Connection and TLS failures are set-up errors, not findings.

A request the HTTP client refuses to build or send (a header it rejects, a
documented ``Content-Length`` that disagrees with the body) is "unsendable":
the tool's own problem, counted, never a finding and never the end of a run.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Coroutine, Protocol
from urllib.parse import unquote, urlsplit

from ..core.http import Request, Response

if TYPE_CHECKING:  # httpx costs about 60 ms to import; the embedded mock never needs it
    import ssl

    import httpx


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
    timeout: float = 10.0  # one deadline per request: connect, headers, body and slow drip alike
    body_limit: int = 10 * 1024 * 1024
    max_headers: int = 200  # response headers kept; the rest are counted, never checked one by one
    max_header_bytes: int = 64 * 1024  # total size of the response headers kept


@dataclass(frozen=True)
class Tls:
    """How to reach HTTPS targets: a CA bundle, no verification (warned), a client certificate, a proxy."""

    cacert: str | None = None
    insecure: bool = False
    cert: str | None = None  # client certificate (PEM), with its key inside or in ``key``
    key: str | None = None
    proxy: str | None = None  # otherwise HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment

    def context(self) -> "ssl.SSLContext | bool":
        """What httpx verifies with; UsageError (one line, naming the file) when a file cannot be used."""
        import ssl

        from ..core.errors import UsageError

        if not (self.cacert or self.cert or self.insecure):
            return True
        try:
            context = ssl.create_default_context(cafile=self.cacert) if self.cacert else \
                ssl.create_default_context()
        except (OSError, ssl.SSLError) as exc:
            raise UsageError(f"--cacert {self.cacert}: not a readable CA bundle ({_first_line(exc)})") from None
        if self.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.cert:
            try:
                context.load_cert_chain(self.cert, self.key)
            except (OSError, ssl.SSLError) as exc:
                raise UsageError(f"--cert {self.cert}: not a usable client certificate and key "
                                 f"({_first_line(exc)})") from None
        return context


class HttpTransport:
    """httpx over the network: one total deadline per request, capped bodies and headers.

    Requests run on httpx's async client in a private event loop, so the
    deadline is a real one (``asyncio.wait_for`` cancels a read that a
    server drips a byte at a time, which a per-read timeout never ends). A
    reused keep-alive connection that the server closed before answering is
    retried once on a fresh one; nothing else is retried.
    """

    def __init__(self, base_url: str, limits: Limits | None = None, *, verify: Any = True,
                 tls: Tls | None = None) -> None:
        import asyncio
        import ssl

        self.base_url = base_url.rstrip("/")
        self.description = self.base_url
        self.limits = limits or Limits()
        self.tls = tls or Tls(insecure=verify is False)
        self._verify = self.tls.context()
        if self._verify is True and not _may_use_tls(self.base_url, self.tls.proxy):
            # httpx loads the whole CA bundle for verify=True (~60 ms of every run's start-up). A
            # plain-http target with no TLS proxy never uses it; a context without CAs fails any
            # TLS that happens all the same, closed rather than open.
            self._verify = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        try:
            self._client = self._new_client()
        except ValueError as exc:  # httpx refusing a proxy URL, given or from the environment
            from ..core.errors import UsageError

            where = f"--proxy {self.tls.proxy!r}" if self.tls.proxy else _proxy_variables()
            raise UsageError(_USERINFO.sub("//***@", f"{where}: not a usable proxy ({_first_line(exc)}); expected "
                                                     f"e.g. http://proxy.example.com:3128")) from None
        self._loop = asyncio.new_event_loop()

    def _new_client(self) -> httpx.AsyncClient:
        import httpx

        t = self.limits.timeout
        kwargs: dict[str, Any] = {}
        if self.tls.proxy:
            kwargs["proxy"] = self.tls.proxy
        return httpx.AsyncClient(timeout=httpx.Timeout(t, connect=t, read=t, write=t, pool=t), follow_redirects=False,
                                 verify=self._verify, trust_env=True, **kwargs)

    def fresh(self) -> "HttpTransport":
        """A new connection pool (a forked worker must not share the parent's sockets)."""
        return HttpTransport(self.base_url, self.limits, tls=self.tls)

    def send(self, request: Request) -> Response:
        url = request.url
        mismatch = _length_mismatch(request)
        if mismatch:  # h11 would send the head, then refuse the body: refuse before anything leaves
            raise TransportError("unsendable", f"{url}: the HTTP client refused to send it: {mismatch}")
        import asyncio

        started = time.monotonic()
        try:
            return self._loop.run_until_complete(asyncio.wait_for(self._send(request, started),
                                                                  self.limits.timeout))
        except asyncio.TimeoutError:
            self._reset()  # a cancelled read leaves its connection in an unknown state
            raise TransportError("timeout", f"{url}: no answer within {self.limits.timeout:g} s (connect, headers and body)") from None

    async def _send(self, request: Request, started: float) -> Response:
        import asyncio
        import ssl

        import httpx

        url = request.url
        try:
            req = self._client.build_request(request.method, url, headers=list(request.headers),
                                             content=request.body)
        except Exception as exc:  # an URL or header httpx cannot represent: nothing left the machine
            raise TransportError("unsendable", f"{url}: the HTTP client cannot build it: {_describe(exc)}") from None
        for attempt in (1, 2):
            try:
                return await self._exchange(req, started)
            except httpx.RemoteProtocolError as exc:
                if attempt == 1 and "without sending" in str(exc):  # a keep-alive connection closed under us
                    continue
                raise TransportError("protocol", f"{url}: the connection broke: {_first_line(exc)}") from None
            except httpx.TimeoutException:
                raise TransportError("timeout", f"{url}: no answer within {self.limits.timeout:g} s") from None
            except httpx.ConnectError as exc:
                raise _connect_error(url, exc) from None
            except httpx.ProxyError as exc:
                raise TransportError("connect", f"{url}: the proxy refused or failed: {_first_line(exc)}") from None
            except httpx.LocalProtocolError as exc:  # refused before a byte was sent: the tool's own problem
                raise TransportError("unsendable", f"{url}: the HTTP client refused to send it: "
                                                   f"{_first_line(exc)}") from None
            except (httpx.ReadError, httpx.WriteError) as exc:
                raise TransportError("protocol", f"{url}: the connection broke: {_first_line(exc)}") from None
            except httpx.HTTPError as exc:
                raise TransportError("protocol", f"{url}: {_first_line(exc)}") from None
            except ssl.SSLError as exc:
                raise TransportError("tls", f"{url}: TLS failure: {_first_line(exc)}") from None
            except (TransportError, asyncio.CancelledError):
                raise
            except Exception as exc:  # h11 refusing what it is asked to write (Content-Length vs body, ...)
                raise TransportError("unsendable", f"{url}: the HTTP client refused to send it: "
                                                   f"{_describe(exc)}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _exchange(self, req: httpx.Request, started: float) -> Response:
        resp = await self._client.send(req, stream=True)
        try:
            headers, dropped = _capped_headers(resp.headers.multi_items(), self.limits)
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.limits.body_limit:
                body, truncated, size = b"", True, int(declared)
            else:
                body, truncated, size = await _read_capped(resp.aiter_bytes(), self.limits.body_limit)
        finally:
            await resp.aclose()
        return Response(resp.status_code, headers, body, truncated, size if truncated else None,
                        time.monotonic() - started, dropped_headers=dropped)

    def _reset(self) -> None:
        import asyncio

        old, self._client = self._client, self._new_client()
        try:
            self._loop.run_until_complete(asyncio.wait_for(old.aclose(), 2))
        except Exception:  # closing what a cancelled read left behind may fail; the new pool is clean
            pass

    def close(self) -> None:
        import asyncio

        try:
            self._loop.run_until_complete(asyncio.wait_for(self._client.aclose(), 2))
        except Exception:
            pass
        finally:
            self._loop.close()


def _may_use_tls(base_url: str, proxy: str | None) -> bool:
    """Whether requests to ``base_url`` can need TLS: an https target, or an https proxy (given or from the environment)."""
    import os

    if not base_url.lower().startswith("http://"):
        return True
    proxies = [proxy] + [os.environ.get(k) for k in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")]
    return any(p and p.strip().lower().startswith("https://") for p in proxies)


_USERINFO = re.compile(r"//[^/@\s]*@")  # proxy credentials never reach a message


def _proxy_variables() -> str:
    """The proxy variables set in the environment, for an error message."""
    import os

    names = [k for k in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
             if os.environ.get(k)]
    return "the proxy in " + (", ".join(f"{k}={os.environ[k]!r}" for k in names) or "the environment")


async def _read_capped(stream: Any, limit: int) -> tuple[bytes, bool, int]:
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            keep = limit - (size - len(chunk))
            if keep > 0:
                chunks.append(chunk[:keep])
            return b"".join(chunks), True, size
        chunks.append(chunk)
    return b"".join(chunks), False, size


def _capped_headers(items: list[tuple[str, str]], limits: Limits) -> tuple[tuple[tuple[str, str], ...], int]:
    """The response headers within the caps, and how many were left out."""
    kept: list[tuple[str, str]] = []
    total = 0
    for name, value in items:
        total += len(name) + len(value) + 4
        if len(kept) >= limits.max_headers or total > limits.max_header_bytes:
            return tuple(kept), len(items) - len(kept)
        kept.append((name, value))
    return tuple(kept), 0


def _connect_error(url: str, exc: BaseException) -> TransportError:
    import ssl

    cause = exc.__context__ or exc.__cause__
    text = str(exc)
    if isinstance(cause, ssl.SSLError) or "SSL" in text or "certificate" in text.lower():
        return TransportError("tls", f"{url}: TLS failure: {_first_line(exc)}")
    return TransportError("connect", f"{url}: cannot connect: {_first_line(exc)}")


class AsgiTransport:
    """In-process calls into an ASGI app (the embedded mock): no sockets.

    An app that says it never suspends (``runs_without_loop``: it awaits
    nothing but the ASGI ``receive`` and ``send``, which are answered at
    once) is driven straight through its coroutine: no event loop, and no
    asyncio import, which is a tenth of a short run's start-up. Any other
    app runs on one private event loop, under the per-request deadline.
    """

    def __init__(self, app: Any, description: str = "embedded mock (in-process)",
                 limits: Limits | None = None) -> None:
        self.base_url = "http://mock.invalid"
        self.description = description
        self.limits = limits or Limits()
        self._app = app
        self._direct = getattr(app, "runs_without_loop", False) is True
        self._loop: Any = None

    def fresh(self) -> "AsgiTransport":
        """The same app (a forked worker's own copy of its state), on a new event loop."""
        return AsgiTransport(self._app, self.description, self.limits)

    def send(self, request: Request) -> Response:
        started = time.monotonic()
        if self._direct:
            status, headers, body, truncated, size = _complete(self._call(request))
        else:
            status, headers, body, truncated, size = self._on_loop(request)
        return Response(status, headers, body, truncated, size if truncated else None, time.monotonic() - started)

    def _on_loop(self, request: Request) -> tuple[int, tuple[tuple[str, str], ...], bytes, bool, int]:
        import asyncio

        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        call = asyncio.wait_for(self._call(request), self.limits.timeout)
        try:
            return self._loop.run_until_complete(call)  # type: ignore[no-any-return]
        except asyncio.TimeoutError:
            raise TransportError("timeout", f"{request.url}: no answer within {self.limits.timeout:g} s") from None

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
            if not self._direct:
                import asyncio

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
        if self._loop is not None:
            self._loop.close()


def _complete(call: Coroutine[Any, Any, Any]) -> Any:
    """The result of a coroutine that never suspends, run without an event loop."""
    try:
        call.send(None)
    except StopIteration as done:
        return done.value
    call.close()
    raise RuntimeError("an app marked runs_without_loop suspended; drop the mark so it runs on an event loop")


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
