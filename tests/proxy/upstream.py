"""The target the proxy tests stand in front of: the IoTDA test server, plus a few ways to answer.

``/v5/...`` is ``tests/runner/servers.iotda_app`` (``broken`` names the one field
it gets wrong). Devices with special ids answer otherwise, on the documented
ShowAsyncDeviceCommand route: ``big`` streams a body of ``BIG`` bytes in
chunks without a Content-Length, ``gzip`` answers the (broken) command
gzip-encoded, ``slow`` answers after ``SLOW`` seconds, ``echo`` sends back
every request header and the query, in the body and in a header, as a
careless server does with secrets, and sets a session cookie.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from typing import Any

from ..runner.servers import COMMAND, TOKEN, iotda_app

BIG = 48 * 1024 * 1024
CHUNK = 64 * 1024
SLOW = 3.0
PREFIX = "/v5/iot/p/devices/"
SUFFIX = "/async-commands/b1224afb-e9f0-4916-8220-b6bab568e888"
CMD = PREFIX + COMMAND["device_id"] + SUFFIX


def command_path(device: str) -> str:
    return PREFIX + device + SUFFIX


def big_chunks() -> Any:
    """The ``big`` body, chunk by chunk: a JSON object whose one string fills BIG bytes."""
    head, tail = b'{"device_id": "', b'"}'
    yield head
    left = BIG - len(head) - len(tail)
    while left > 0:
        n = min(CHUNK, left)
        yield b"d" * n
        left -= n
    yield tail


def app(broken: str | None = None) -> Any:
    inner = iotda_app(broken)

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        device = path[len(PREFIX):].split("/", 1)[0] if scope["type"] == "http" and path.startswith(PREFIX) else ""
        if device not in ("big", "gzip", "slow", "echo"):
            await inner(scope, receive, send)
            return
        while (await receive()).get("more_body"):
            pass
        if device == "slow":
            await asyncio.sleep(SLOW)
        if device == "big":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})
            for chunk in big_chunks():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        headers = [(b"content-type", b"application/json")]
        if device == "echo":
            seen = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            body = json.dumps({**COMMAND, "echo": seen, "query": scope["query_string"].decode()}).encode()
            headers.append((b"x-echo", "; ".join(f"{k}={v}" for k, v in seen.items()).encode("latin-1")))
            headers.append((b"set-cookie", b"echo-session=one-client-only; Path=/"))
        else:
            body = json.dumps({**COMMAND, "status": "DONE" if broken == "enum" else COMMAND["status"]}).encode()
        if device == "gzip":
            body = gzip.compress(body)
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    return asgi


__all__ = ["BIG", "CMD", "SLOW", "TOKEN", "app", "big_chunks", "command_path"]
