"""A small bounded memo: the mock's caches must not grow with a fuzzer's traffic."""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from typing import Callable, Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A dict that forgets its oldest entries beyond ``size`` entries or ``max_weight`` in total
    (weights are what ``put`` is told, e.g. body bytes); safe to share between threads.

    An OrderedDict, because under unique traffic every ``put`` evicts: ``popitem(last=False)``
    is O(1), where ``next(iter(dict))`` walks the slots earlier pops left empty. ``get`` is the
    dict's own and ``put`` is chosen once (nothing kept, bounded by count, or by weight too):
    both run several times a request.

    ``second_sight`` keeps an entry only when its key is put the second time: the first time only
    the key's hash is noted, in a table of ints with one slot per hash (a later key that lands on
    the same slot takes it over). Under traffic that never repeats, every put would evict an entry
    put thousands of requests earlier, freeing objects long gone cold from the CPU caches (a fifth
    of the mock's time on the wire); with it, nothing is kept, so nothing is evicted."""

    __slots__ = ("_data", "_weights", "_size", "_max_weight", "_weight", "_lock", "_seen", "_mask", "get", "put")

    def __init__(self, size: int, max_weight: int | None = None, *, second_sight: bool = False) -> None:
        self._data: OrderedDict[K, V] = OrderedDict()
        self._weights: dict[K, int] = {}
        self._size = size
        self._max_weight = max_weight
        self._weight = 0
        self._lock = threading.Lock()
        slots = 1 << max(4, (4 * max(size, 1) - 1).bit_length())  # a power of two, four per entry or more
        self._seen: array[int] | None = array("q", bytes(8 * slots)) if second_sight and size > 0 else None
        self._mask = slots - 1
        self.get: Callable[[K], V | None] = self._data.get
        put = self._put_counted if max_weight is None else self._put_weighed
        self.put: Callable[..., None] = (self._put_none if size <= 0 else
                                         self._second_sight(put) if self._seen is not None else put)

    def _put_none(self, key: K, value: V, weight: int = 0) -> None:
        return None

    def _second_sight(self, put: Callable[[K, V, int], None]) -> Callable[..., None]:
        seen, mask = self._seen, self._mask
        assert seen is not None

        def put_seen(key: K, value: V, weight: int = 0) -> None:
            h = hash(key)
            slot = h & mask
            if seen[slot] != h:
                seen[slot] = h  # the first sight: noted, not kept
                return
            put(key, value, weight)

        return put_seen

    def _put_counted(self, key: K, value: V, weight: int = 0) -> None:
        data = self._data
        with self._lock:
            if key in data:
                data.move_to_end(key)
            else:
                while len(data) >= self._size:
                    data.popitem(last=False)
            data[key] = value

    def _put_weighed(self, key: K, value: V, weight: int = 0) -> None:
        limit = self._max_weight
        assert limit is not None
        if weight > limit:
            return
        data, weights = self._data, self._weights
        with self._lock:
            if key in data:
                del data[key]
                self._weight -= weights.pop(key)
            while data and (len(data) >= self._size or self._weight + weight > limit):
                evicted, _ = data.popitem(last=False)
                self._weight -= weights.pop(evicted)
            data[key] = value
            weights[key] = weight
            self._weight += weight

    @property
    def weight(self) -> int:
        return self._weight

    def __len__(self) -> int:
        return len(self._data)
