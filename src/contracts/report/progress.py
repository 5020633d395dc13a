"""Progress while `contracts check` runs: live bars on a terminal, periodic plain lines in a CI log.

Nothing is shown until the target has answered once: a target that never
answers is one line of set-up error with nothing before it. The run's
header line is printed at that moment too.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

PLAIN_EVERY = 10.0  # seconds between plain progress lines when not on a terminal


class ProgressObserver:
    """Implements the runner's Observer protocol.

    ``mode``: "live" (rich bars, a terminal), "plain" (a line per finished
    operation and one every PLAIN_EVERY seconds, for logs), "quiet" (nothing).
    ``verbose`` prints every exchange as a line (``-vv``).
    """

    def __init__(self, console: Console, *, header: Callable[[], str] | None = None, mode: str | None = None,
                 verbose: bool = False) -> None:
        self.console = console
        self.mode = mode or ("live" if console.is_terminal else "plain")
        self.header = header
        self.verbose = verbose
        self.progress = Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[status]}"), TimeElapsedColumn(), console=console,
                                 transient=False, disable=self.mode != "live")
        self._tasks: dict[str, Any] = {}
        self._counts: dict[str, int] = {}
        self._started = False  # the target answered: the header is out, the display is on
        self._live = False
        self._pending: list[tuple[str, int]] = []  # operations started before the first answer
        self._last_plain = time.monotonic()

    def __enter__(self) -> "ProgressObserver":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live:
            self.progress.stop()

    @property
    def started(self) -> bool:
        """Whether anything was shown (the target answered at least once)."""
        return self._started

    def _start(self) -> None:
        self._started = True
        if self.header is not None and self.mode != "quiet":
            self.console.print(self.header(), markup=False, highlight=False)
        if self.mode == "live":
            # The live display starts here, not on entry: its refresh thread must not exist yet when
            # the runner forks its generation workers.
            self._live = True
            self.progress.start()
        for name, total in self._pending:
            self._add(name, total)
        self._pending.clear()

    def _add(self, name: str, total: int) -> None:
        self._counts.setdefault(name, 0)
        if self.mode == "live":
            self._tasks[name] = self.progress.add_task(name, total=total, status="")

    def operation_started(self, op: Any, total: int) -> None:
        if self._started:
            self._add(op.operation_id, total)
        else:
            self._pending.append((op.operation_id, total))

    def case_done(self, op: Any, exchange: Any) -> None:
        if not self._started:
            if exchange.response is None:
                return  # nothing shown until the target has answered once
            self._start()
        name = op.operation_id
        self._counts[name] = self._counts.get(name, 0) + 1
        status = exchange.response.status if exchange.response is not None else "no answer"
        if self.verbose and self.mode != "quiet":
            request = exchange.request
            self.console.print(f"{name}: {request.method} {request.url} -> {status}", markup=False,
                               highlight=False)
        if self.mode == "live":
            task = self._tasks.get(name)
            if task is None:
                return
            info = self.progress.tasks[task]
            if info.total is not None and info.completed >= info.total:
                self.progress.update(task, total=info.total + 1)
            self.progress.update(task, advance=1, status=f"last: {status}")
        elif self.mode == "plain" and time.monotonic() - self._last_plain >= PLAIN_EVERY:
            self._last_plain = time.monotonic()
            done = sum(self._counts.values())
            self.console.print(f"… {done} cases so far ({name}: {self._counts[name]}, last {status})",
                               markup=False, highlight=False)

    def operation_progress(self, op: Any, cases: int) -> None:
        self._counts[op.operation_id] = self._counts.get(op.operation_id, 0) + cases
        task = self._tasks.get(op.operation_id)
        if task is not None and self.mode == "live":
            info = self.progress.tasks[task]
            self.progress.update(task, total=(info.total or 0) + cases, advance=cases, status="generated")

    def operation_finished(self, op: Any) -> None:
        if not self._started:
            return
        task = self._tasks.get(op.operation_id)
        if task is not None and self.mode == "live":
            info = self.progress.tasks[task]
            self.progress.update(task, total=info.completed, status="done")
        elif self.mode == "plain":
            self.console.print(f"{op.operation_id}: {self._counts.get(op.operation_id, 0)} cases done",
                               markup=False, highlight=False)


__all__ = ["PLAIN_EVERY", "ProgressObserver"]
