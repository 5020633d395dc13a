"""The bounded memo forgets its oldest entries by count and by weight."""

from __future__ import annotations

import threading

from contracts.mock.cache import BoundedCache


def test_oldest_entries_go_first_when_full() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    for key, value in (("a", 1), ("b", 2), ("c", 3)):
        cache.put(key, value)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, 2, 3)


def test_weight_is_bounded_and_oversized_entries_are_not_kept() -> None:
    cache: BoundedCache[str, bytes] = BoundedCache(100, max_weight=10)
    cache.put("a", b"x", 6)
    cache.put("b", b"y", 6)
    assert cache.get("a") is None and cache.get("b") == b"y" and cache.weight == 6
    cache.put("huge", b"z", 11)
    assert cache.get("huge") is None
    cache.put("b", b"w", 2)
    assert cache.weight == 2 and len(cache) == 1


def test_size_zero_keeps_nothing() -> None:
    cache: BoundedCache[str, int] = BoundedCache(0)
    cache.put("a", 1)
    assert cache.get("a") is None and len(cache) == 0


def test_concurrent_writers_never_exceed_the_bound() -> None:
    cache: BoundedCache[int, int] = BoundedCache(64, max_weight=640)

    def write(base: int) -> None:
        for i in range(2000):
            cache.put(base * 10_000 + i, i, 10)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) <= 64 and cache.weight == 10 * len(cache)
