"""Connections to the target, in several small httpx pools rather than one large one.

httpcore's pool, on every request it queues or finishes, walks its whole list
of connections once per waiting request: the work per request grows with
connections x requests in flight. At 200 concurrent requests one pool spent
most of the proxy's time in that walk (tens of requests a second). Requests
are spread over pools of ``SHARD`` connections instead, each request to the
pool with the fewest in flight; a new pool opens only when every open one is
full, so sequential traffic reuses one pool (and its kept-alive connection).
The TLS context is built once and shared: building one reads the CA bundle.
"""

from __future__ import annotations

import ssl
from typing import Any

import httpx

SHARD = 8  # connections per pool: its walk per request stays short
MAX_POOLS = 128  # SHARD x MAX_POOLS connections to the target at most; beyond, requests wait in a pool


class Pools:
    """Leases a transport per request; ``release`` when its answer is closed."""

    def __init__(self, verify: Any = True, *, shard: int = SHARD, most: int = MAX_POOLS) -> None:
        self.verify: ssl.SSLContext | bool = httpx.create_ssl_context() if verify is True else verify
        self.shard, self.most = shard, most
        self._pools: list[httpx.AsyncHTTPTransport] = []
        self._busy: list[int] = []

    def acquire(self) -> tuple[int, httpx.AsyncHTTPTransport]:
        busy = self._busy
        index = min(range(len(busy)), key=busy.__getitem__) if busy else -1
        if index < 0 or (busy[index] >= self.shard and len(busy) < self.most):
            self._pools.append(httpx.AsyncHTTPTransport(
                limits=httpx.Limits(max_connections=self.shard, max_keepalive_connections=self.shard),
                verify=self.verify, trust_env=False))  # the target is named explicitly: no environment proxy
            busy.append(0)
            index = len(busy) - 1
        busy[index] += 1
        return index, self._pools[index]

    def release(self, index: int) -> None:
        if index < len(self._busy):  # not after aclose (a request still finishing at shutdown)
            self._busy[index] -= 1

    @property
    def in_flight(self) -> int:
        return sum(self._busy)

    async def aclose(self) -> None:
        pools, self._pools, self._busy = self._pools, [], []
        for pool in pools:
            await pool.aclose()


__all__ = ["MAX_POOLS", "Pools", "SHARD"]
