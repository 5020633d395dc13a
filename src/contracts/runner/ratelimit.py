"""``--rate-limit N/s``: one pace for the whole run, forked generation workers included.

The next free slot lives in shared memory created before the workers fork,
so parent and workers together never exceed the rate. Slots are spaced
evenly (no bursts), 5% wider than the rate needs, so that network jitter
cannot squeeze N + 1 requests into one period at the server: at 100/60s one
request leaves every 0.63 s.
"""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

from ..core.errors import UsageError
from ..core.throttling import parse_rate

HEADROOM = 1.05  # slots a little wider than the rate, for jitter between here and the server


class RateLimiter:
    def __init__(self, requests: float, period: float) -> None:
        self.requests, self.period = requests, period
        self.interval = period / requests * HEADROOM
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                              else "spawn")
        self._next: Any = context.Value("d", 0.0, lock=True)

    @classmethod
    def parse(cls, text: str) -> "RateLimiter":
        rate = parse_rate(text)
        if rate is None:
            raise UsageError(f"--rate-limit {text!r} is not a rate such as 20/s, 100/60s or 5/min")
        return cls(*rate)

    def wait(self) -> None:
        """Block until this caller may send; callers in every process leave one interval apart.

        The wait happens under the shared lock and the next slot is counted from
        the moment a caller actually leaves, so a caller that a busy machine
        wakes late never squeezes the ones after it closer together.
        """
        with self._next.get_lock():
            delay = self._next.value - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._next.value = time.monotonic() + self.interval

    def describe(self) -> str:
        return f"{self.requests:g}/{self.period:g}s"


__all__ = ["RateLimiter"]
