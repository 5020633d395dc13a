"""Rich terminal output: short summary tables, on stderr-safe consoles."""

from __future__ import annotations

from typing import Iterable

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..core.finding import Finding, Severity

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def print_findings(out: Console, findings: Iterable[Finding], *, limit: int | None = 30) -> None:
    """One compact line per finding; long runs point at the report instead."""
    items = list(findings)
    for f in items[:limit] if limit is not None else items:
        where = " ".join(x for x in (f.operation, f.sample or f.check or "", f.location or "/") if x)
        hint = f"  [dim]→ {escape(f.suggestion)}[/]" if f.suggestion else ""
        out.print(f"[{STYLE[f.severity]}]{f.severity.value:7}[/] {escape(where)}  "
                  f"[bold]{escape(f.kind)}[/]: {escape(f.message)}{hint}")
    if limit is not None and len(items) > limit:
        out.print(f"… and {len(items) - limit} more in the report")


def counts_table(title: str, rows: dict[str, dict[str, int]], key_name: str = "operation") -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column(key_name)
    for name in ("error", "warning", "info"):
        t.add_column(name, justify="right")
    for key, counts in rows.items():
        t.add_row(key, *(_cell(counts.get(s, 0), s) for s in ("error", "warning", "info")))
    return t


def _cell(n: int, severity: str) -> str:
    if not n:
        return "0"
    return f"[{STYLE[Severity(severity)]}]{n}[/]"


def matrix_table(matrix: dict[str, dict[str, str]], checks: list[str]) -> Table:
    """One row per operation: how many checks passed, and which failed or warned."""
    t = Table(title="checks per operation", title_justify="left")
    t.add_column("operation")
    t.add_column("pass", justify="right")
    t.add_column("failed / warned", overflow="fold")
    for op, row in matrix.items():
        passed = sum(1 for c in checks if row.get(c) == "pass")
        bad = [f"[bold red]{c}[/]" for c in checks if row.get(c) == "fail"]
        bad += [f"[yellow]{c}[/]" for c in checks if row.get(c) == "warn"]
        t.add_row(op, str(passed), ", ".join(bad) or "[green]none[/]")
    return t


def print_summary(out: Console, title: str, by_operation: dict[str, dict[str, int]], findings: list[Finding],
                  tail: str) -> None:
    """Counts per operation, the error and warning findings, then one closing line."""
    out.print(counts_table(title, {op: {k: m.get(k, 0) for k in ("error", "warning", "info")}
                                   for op, m in by_operation.items()}))
    print_findings(out, [f for f in findings if f.severity is not Severity.INFO], limit=25)
    out.print(tail)
