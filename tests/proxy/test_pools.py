"""Requests spread over small pools: one pool while traffic is sequential, a new one only when all are full."""

from __future__ import annotations

import asyncio

from contracts.proxy.pools import Pools


def test_sequential_requests_reuse_one_pool() -> None:
    pools = Pools(shard=2, most=3)
    for _ in range(5):
        index, transport = pools.acquire()
        pools.release(index)
    assert (index, pools.in_flight) == (0, 0) and len(pools._pools) == 1


def test_concurrent_requests_fill_pools_in_turn_up_to_the_limit() -> None:
    pools = Pools(shard=2, most=3)
    leased = [pools.acquire()[0] for _ in range(8)]
    assert sorted(leased) == [0, 0, 0, 1, 1, 1, 2, 2]  # 3 pools of 2, then the least busy ones take the rest
    assert len(pools._pools) == 3 and pools.in_flight == 8
    for index in leased:
        pools.release(index)
    assert pools.in_flight == 0
    assert pools.acquire()[0] == 0  # idle again: the first pool


def test_release_after_close_is_harmless() -> None:
    pools = Pools()
    index, _ = pools.acquire()
    asyncio.run(pools.aclose())
    pools.release(index)
    assert pools.in_flight == 0
