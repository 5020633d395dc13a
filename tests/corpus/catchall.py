"""A server that answers anything: any method, any path, one configurable answer.

The corpus tests point `contracts check` at it to show that the checker
copes with any spec a user brings; what the server answers is beside the
point, so it never looks at the request beyond reading (and, if asked,
recording) it.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator

from starlette.requests import Request
from starlette.responses import Response

from ..runner.servers import serve

__all__ = ["Seen", "catchall_app", "serve_catchall"]

Seen = list[tuple[str, str, dict[str, str], bytes]]  # method, path with query, headers, body


def catchall_app(status: int = 200, body: Any = None, media_type: str = "application/json",
                 seen: Seen | None = None) -> Any:
    """An ASGI app answering every request with ``status`` and ``body`` (default ``{}``) as JSON.

    ``seen``, when given, receives every request, in order.
    """
    payload = json.dumps({} if body is None else body).encode()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        data = await request.body()  # read it whole, as a real server would
        if seen is not None:
            query = scope.get("query_string", b"").decode("latin-1")
            seen.append((request.method, scope["path"] + (f"?{query}" if query else ""), dict(request.headers), data))
        await Response(payload, status_code=status, media_type=media_type)(scope, receive, send)

    return app


@contextmanager
def serve_catchall(status: int = 200, body: Any = None, media_type: str = "application/json",
                   seen: Seen | None = None) -> Iterator[str]:
    """Start the catch-all on 127.0.0.1 on a free port; yield its base URL; stop it afterwards."""
    with serve(catchall_app(status, body, media_type, seen)) as url:
        yield url
