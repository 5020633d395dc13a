"""Live progress while `contracts check` runs: one bar per operation (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class ProgressObserver:
    """Implements the runner's Observer protocol with rich progress bars."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[status]}"), TimeElapsedColumn(), console=console,
                                 transient=False, disable=not console.is_terminal)
        self._tasks: dict[str, Any] = {}
        self._live = False

    def __enter__(self) -> "ProgressObserver":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live:
            self.progress.stop()

    def operation_started(self, op: Any, total: int) -> None:
        # The live display starts here, not on entry: its refresh thread must not exist yet when
        # the runner forks its generation workers.
        if not self._live:
            self._live = True
            self.progress.start()
        self._tasks[op.operation_id] = self.progress.add_task(op.operation_id, total=total, status="")

    def case_done(self, op: Any, exchange: Any) -> None:
        task = self._tasks.get(op.operation_id)
        if task is None:
            return
        task_info = self.progress.tasks[task]
        if task_info.total is not None and task_info.completed >= task_info.total:
            self.progress.update(task, total=task_info.total + 1)
        status = exchange.response.status if exchange.response is not None else "no answer"
        self.progress.update(task, advance=1, status=f"last: {status}")

    def operation_progress(self, op: Any, cases: int) -> None:
        task = self._tasks.get(op.operation_id)
        if task is not None:
            info = self.progress.tasks[task]
            self.progress.update(task, total=(info.total or 0) + cases, advance=cases, status="generated")

    def operation_finished(self, op: Any) -> None:
        task = self._tasks.get(op.operation_id)
        if task is not None:
            info = self.progress.tasks[task]
            self.progress.update(task, total=info.completed, status="done")
