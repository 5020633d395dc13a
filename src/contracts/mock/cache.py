"""A small bounded memo: the mock's caches must not grow with a fuzzer's traffic."""

from __future__ import annotations

import threading
from typing import Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A dict that forgets its oldest entry beyond ``size`` entries; safe to share between threads."""

    __slots__ = ("_data", "_size", "_lock")

    def __init__(self, size: int) -> None:
        self._data: dict[K, V] = {}
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        return self._data.get(key)

    def put(self, key: K, value: V) -> None:
        if self._size <= 0:
            return
        with self._lock:
            while len(self._data) >= self._size:
                self._data.pop(next(iter(self._data)))
            self._data[key] = value

    def __len__(self) -> int:
        return len(self._data)
