"""``contracts mock --quota 100/60s``: the documented throttling answer past a call quota.

Only operations whose spec documents throttling (a response with
``x-throttling``) are limited, and the answer is the spec's own: that
response's status and its example for the throttling code (OceanConnect:
403 ``1010009`` "app throttle exceed."). Calls are counted per caller (its
``app_key``, else its address) in a sliding window.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any, Mapping

from ..core import pointer as jp
from ..core.errors import UsageError
from ..core.spec import Operation
from ..core.throttling import parse_rate
from .replies import Reply, dumps

_MAX_CALLERS = 10_000  # callers remembered at once (the oldest forgotten first)


class Quota:
    def __init__(self, calls: float, period: float) -> None:
        self.calls, self.period = int(calls), period
        self._seen: dict[str, deque[float]] = {}

    @classmethod
    def parse(cls, text: str) -> "Quota":
        rate = parse_rate(text)
        if rate is None or rate[0] < 1:
            raise UsageError(f"--quota {text!r} is not a quota such as 100/60s")
        return cls(*rate)

    def admit(self, caller: str, now: float | None = None) -> bool:
        """Count one call of ``caller``; False once it has made ``calls`` within ``period``."""
        now = time.monotonic() if now is None else now
        window = self._seen.get(caller)
        if window is None:
            if len(self._seen) >= _MAX_CALLERS:
                self._seen.pop(next(iter(self._seen)))
            window = self._seen[caller] = deque()
        while window and window[0] <= now - self.period:
            window.popleft()
        if len(window) >= self.calls:
            return False
        window.append(now)
        return True


def throttled_reply(op: Operation) -> Reply | None:
    """The spec's documented throttling answer for ``op``, or None when it documents none."""
    for status, response in sorted(op.responses.items()):
        rule = response.throttling
        if rule is None or not status.isdigit():
            continue
        for media in response.content.values():
            for example in media.examples:
                if example.external is None and (rule.field is None or rule.matches(example.value)):
                    return Reply(int(status), dumps(example.value))
        body: Any = {}
        if rule.field is not None and rule.values:
            body = _set(rule.field, rule.values[0])
        return Reply(int(status), dumps(body))
    return None


def _set(pointer: str, value: Any) -> Any:
    out: Any = value
    for token in reversed(jp.split(pointer)):
        out = {token: out}
    return out


def caller_of(headers: Mapping[str, str], client: Any) -> str:
    return headers.get("app_key") or (str(client[0]) if client else "anonymous")


__all__ = ["Quota", "caller_of", "throttled_reply"]
