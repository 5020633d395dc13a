"""The embedded mock: a stateful, spec-driven stand-in for the vendors' APIs.

``create_app()`` builds the ASGI app (usable in-process, no socket);
``serve()`` and ``MockServer`` put it on a port; ``FAULTS`` lists the
deliberate deviations a checker must catch; ``demo_headers()`` gives the
credential headers the mock accepts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .app import MockApp, create_app
from .command import mock
from .credentials import DEMO_CREDENTIALS, Credentials, demo_headers
from .faults import FAULTS, Fault

if TYPE_CHECKING:
    from .server import MockServer, serve


def __getattr__(name: str) -> Any:
    """``MockServer`` and ``serve`` load uvicorn: only on first use, not for the in-process mock."""
    if name in ("MockServer", "serve"):
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEMO_CREDENTIALS",
    "FAULTS",
    "Credentials",
    "Fault",
    "MockApp",
    "MockServer",
    "create_app",
    "demo_headers",
    "mock",
    "serve",
]
