"""`contracts proxy`: a validating reverse proxy (ASGI under uvicorn, httpx to the target).

The application under test points its vendor base URL at the proxy; every
exchange is forwarded unchanged and validated against the specs on the side.
"""

from __future__ import annotations

from .command import DEFAULT_PORT, Proxy, ProxyOptions, run_proxy

__all__ = ["DEFAULT_PORT", "Proxy", "ProxyOptions", "run_proxy"]
