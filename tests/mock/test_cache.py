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


def test_second_sight_keeps_an_entry_only_when_its_key_comes_back() -> None:
    cache: BoundedCache[str, int] = BoundedCache(8, second_sight=True)
    for i in range(100):  # keys that never come back: nothing is kept, so nothing is evicted
        cache.put(f"once-{i}", i)
    assert len(cache) == 0
    cache.put("again", 1)
    assert cache.get("again") is None
    cache.put("again", 2)
    assert cache.get("again") == 2 and len(cache) == 1


def test_second_sight_is_bounded_like_any_memo() -> None:
    cache: BoundedCache[int, int] = BoundedCache(4, max_weight=30, second_sight=True)
    for _ in range(2):
        for key in range(10):
            cache.put(key, key, 10)
    assert len(cache) <= 3 and cache.weight == 10 * len(cache)
