"""A small bounded memo: the mock's caches must not grow with a fuzzer's traffic."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A dict that forgets its oldest entries beyond ``size`` entries or ``max_weight`` in total
    (weights are what ``put`` is told, e.g. body bytes); safe to share between threads.

    An OrderedDict, because under unique traffic every ``put`` evicts: ``popitem(last=False)``
    is O(1), where ``next(iter(dict))`` walks the slots earlier pops left empty."""

    __slots__ = ("_data", "_size", "_max_weight", "_weight", "_lock")

    def __init__(self, size: int, max_weight: int | None = None) -> None:
        self._data: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._size = size
        self._max_weight = max_weight
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        found = self._data.get(key)
        return None if found is None else found[0]

    def put(self, key: K, value: V, weight: int = 0) -> None:
        if self._size <= 0 or (self._max_weight is not None and weight > self._max_weight):
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            while self._data and (len(self._data) >= self._size or (
                    self._max_weight is not None and self._weight + weight > self._max_weight)):
                _, (_, evicted) = self._data.popitem(last=False)
                self._weight -= evicted
            self._data[key] = (value, weight)
            self._weight += weight

    @property
    def weight(self) -> int:
        return self._weight

    def __len__(self) -> int:
        return len(self._data)
