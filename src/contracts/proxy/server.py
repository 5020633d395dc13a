"""Serving the proxy with uvicorn: the mock's server, minus anything uvicorn would add to an answer.

uvicorn adds a Date header of its own by default; an answer that already has
one would reach the client with two, so the proxy turns it off (the Server
header is off already). uvicorn's own log stays quiet: the proxy reports
what matters in one line per event, and an answer cut off mid-body (a
deadline, a client gone) is no error of the proxy's.
"""

from __future__ import annotations

from typing import Any

import uvicorn

from ..mock.server import MockServer


class ProxyServer(MockServer):
    """``MockServer`` (bind first, port 0, readiness, SIGINT/SIGTERM end cleanly) for the proxy app."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(app, host, port, log_level="critical")

    def _config(self) -> uvicorn.Config:
        config = super()._config()
        config.date_header = False
        return config


__all__ = ["ProxyServer"]
