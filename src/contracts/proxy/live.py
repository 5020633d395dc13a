"""Live validation: one thread validates each exchange, reports new causes, and records the HAR.

The event loop only queues exchanges; this thread owns the ``Contract``, its
``Redactor`` and the recording, so none of them is shared between threads.
The queue is bounded in bytes and in entries (``Backlog``): when validation
falls behind, the forwarding path waits for room instead of holding more.
Each cause is reported once, the first time it is seen, already redacted.
"""

from __future__ import annotations

import collections
import threading
from typing import Any, Callable

from ..core.finding import Finding, Kind
from ..core.severity import Basis, decide
from ..core.validator import Contract
from ..runner.engine import RunResult
from ..runner.traffic import Traffic
from .app import Exchange
from .record import HarRecorder

BACKLOG_BYTES = 64 * 1024 * 1024  # bodies waiting for validation (at least one --max-body more is let in)
BACKLOG_ENTRIES = 10_000


class Backlog:
    """A queue bounded in bytes and entries, fed from the event loop, drained by one thread."""

    def __init__(self, max_bytes: int = BACKLOG_BYTES, max_entries: int = BACKLOG_ENTRIES) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._items: collections.deque[tuple[Any, int]] = collections.deque()
        self._bytes = 0
        self._cv = threading.Condition()

    def _room(self, size: int) -> bool:
        return not self._items or (self._bytes + size <= self.max_bytes and len(self._items) < self.max_entries)

    def offer(self, item: Any, size: int | None = None) -> bool:
        size = item.weight if size is None else size
        with self._cv:
            if not self._room(size):
                return False
            self._items.append((item, size))
            self._bytes += size
            self._cv.notify_all()
            return True

    def put(self, item: Any, size: int | None = None) -> None:
        size = item.weight if size is None else size
        with self._cv:
            self._cv.wait_for(lambda: self._room(size))
            self._items.append((item, size))
            self._bytes += size
            self._cv.notify_all()

    def get(self) -> Any:
        with self._cv:
            self._cv.wait_for(lambda: bool(self._items))
            item, size = self._items.popleft()
            self._bytes -= size
            self._cv.notify_all()
            return item


_STOP = object()


class LiveValidator:
    """Validates what the proxy forwards; ``stop()`` drains the backlog and returns the result."""

    def __init__(self, contract: Contract, target: str, *, recorder: HarRecorder | None = None,
                 on_finding: Callable[[Finding], None] | None = None,
                 on_problem: Callable[[str], None] | None = None,
                 on_exchange: Callable[[str], None] | None = None) -> None:
        self.contract = contract
        self.traffic = Traffic(contract, target)
        self.recorder = recorder
        self.on_finding = on_finding
        self.on_problem = on_problem
        self.on_exchange = on_exchange  # -vv: one redacted line per exchange
        self.backlog = Backlog()
        self.upstream_errors = 0
        self._thread = threading.Thread(target=self._run, name="contracts-proxy-validator", daemon=True)

    # the Sink protocol (app.py)
    def offer(self, exchange: Exchange) -> bool:
        return self.backlog.offer(exchange)

    def put(self, exchange: Exchange) -> None:
        self.backlog.put(exchange)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> RunResult:
        if self._thread.is_alive():
            self.backlog.put(_STOP, 0)
            self._thread.join()
        if self.recorder is not None:
            self.recorder.close()
        return self.traffic.finish()

    def _run(self) -> None:
        while True:
            item = self.backlog.get()
            if item is _STOP:
                return
            try:
                self.handle(item)
            except Exception as exc:  # a bug in contracts: said in one line, the proxy goes on
                if self.on_problem is not None:
                    self.on_problem(f"internal error while validating {item.request.method} {item.request.path}: "
                                    f"{type(exc).__name__}: {exc}")

    def handle(self, ex: Exchange) -> None:
        """Validate and record one exchange (called on the validator thread)."""
        if ex.response is None:
            self._failure(ex)
            return
        extra: dict[str, Any] = {}
        if self.recorder is not None:
            extra["entry"] = self.recorder.write(ex.request, ex.response, started=ex.started, wait=ex.wait,
                                                 total=ex.total, reason=ex.reason, request_size=ex.request_size,
                                                 response_size=ex.response_size)
        if self.on_exchange is not None:
            self.on_exchange(f"{ex.request.method.upper()} {self.contract.redactor.url(ex.request.url)} -> "
                             f"{ex.response.status} ({ex.total * 1000:.1f} ms)")
        for f in self.traffic.observe(ex.request, ex.response, extra=extra, request_size=ex.request_size,
                                      body_checked=not ex.undecoded):
            self._report(f)

    def _failure(self, ex: Exchange) -> None:
        """No answer. A target that cannot be reached is not the contract's business (counted, not a
        finding); an answer that never came in time or broke off is a transport finding, as in check."""
        self.upstream_errors += 1
        if ex.error_kind == "connect":
            return
        found = self.contract.match(ex.request)
        operation = found.operation.operation_id if found else f"{ex.request.method.upper()} {ex.request.path}"
        f = Finding(operation=operation, kind=Kind.TRANSPORT, severity=decide(Basis.STATED), basis=Basis.STATED.value,
                    location="", message=ex.error or "no answer", spec=found.operation.spec.name if found else None,
                    check="transport", evidence=self.contract.evidence(ex.request, None))
        if self.traffic.add(f):
            self._report(f)

    def _report(self, f: Finding) -> None:
        if self.on_finding is not None:
            self.on_finding(self.contract.redactor.finding(f))


__all__ = ["BACKLOG_BYTES", "BACKLOG_ENTRIES", "Backlog", "LiveValidator"]
