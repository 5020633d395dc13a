"""Rich terminal output: short summary tables, on stderr-safe consoles."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..core.finding import Finding, Severity
from .causes import example, headline, label, marks

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


_OUTPUT: dict[str, Any] = {"no_color": False, "verbosity": 0}


def configure(*, no_color: bool = False, verbosity: int = 0) -> None:
    """The command line's --no-color and -q/-v (verbosity -1, 0, 1, 2), for every console made after."""
    _OUTPUT.update(no_color=no_color, verbosity=verbosity)


def verbosity() -> int:
    return int(_OUTPUT["verbosity"])


class _Console(Console):
    """rich's console, except when its reader goes away (``contracts check | head``).

    rich exits with status 1 there, mid-run: the exit code of a run with no finding, and the reports
    not yet written. Here the output goes to /dev/null (as Python's note on SIGPIPE advises, so that
    the exit's own flush cannot fail again) and the run goes on to its reports and its own exit code.
    """

    def on_broken_pipe(self) -> None:
        import os
        import sys

        self.quiet = True
        stream = sys.stderr if self.stderr else sys.stdout
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):  # no file descriptor to replace: quiet is enough
            pass


def console(stderr: bool = False) -> Console:
    """A console that never cuts a line mid-word (soft_wrap: a CI log or a pager wraps long lines whole).

    Colour follows --no-color, then the NO_COLOR and FORCE_COLOR conventions (rich reads both); with
    no colour at all, no escape codes either.
    """
    import os

    plain = _OUTPUT["no_color"] or (os.environ.get("NO_COLOR", "") != "" and not os.environ.get("FORCE_COLOR"))
    if plain:
        return _Console(stderr=stderr, highlight=False, soft_wrap=True, color_system=None, no_color=True,
                        force_terminal=False)  # no live bars either: they are cursor escape codes
    return _Console(stderr=stderr, highlight=False, soft_wrap=True)


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


def print_causes(out: Console, findings: list[Finding], baseline: Mapping[str, Any] | None = None, *,
                 limit: int = 25, report_written: bool = False) -> None:
    """Causes first: how many, then each error and warning cause with its count and one example.

    ``-v`` lists every cause, info included, each with its example.
    """
    lead = headline(findings, baseline)
    out.print(f"[bold]{escape(lead.text())}[/]")
    loud = verbosity() >= 1
    shown = [f for f in findings if loud or f.severity is not Severity.INFO]
    if loud:
        limit = len(shown)
    for f in shown[:limit]:
        hint = f"  [dim]→ {escape(f.suggestion)}[/]" if f.suggestion else ""
        out.print(f"[{STYLE[f.severity]}]{f.severity.value:7}[/]{escape(marks(f))} {escape(label(f))}  "
                  f"[bold]{escape(f.kind)}[/]: {escape(f.message)}{hint}")
        if (f.severity is Severity.ERROR and f.baseline != "known") or loud:
            example_text = example(f)
            if example_text:
                out.print(f"        [dim]e.g. {escape(example_text)}[/]")
    rest = len(shown) - limit
    infos = len(findings) - len(shown)
    where = "in the report" if report_written else "(write them with --report-dir)"
    if rest > 0:
        out.print(f"… and {rest} more error/warning cause(s) {where}")
    if infos:
        out.print(f"{infos} info cause(s) {where}")
    for entry in (baseline or {}).get("stale") or []:
        out.print(f"[yellow]baseline entry no longer seen[/] {escape(entry['operation'])} {escape(entry['check'])} "
                  f"{escape(entry['location'])} {escape(entry['kind'])}: remove it once the fix is confirmed")


def print_summary(out: Console, title: str, by_operation: dict[str, dict[str, int]], findings: list[Finding],
                  tail: str, baseline: Mapping[str, Any] | None = None, *, report_written: bool = False) -> None:
    """Causes first, then counts per operation, then one closing line (only that line with -q)."""
    if verbosity() < 0:
        out.print(tail)
        return
    print_causes(out, findings, baseline, report_written=report_written)
    out.print(counts_table(title, {op: {k: m.get(k, 0) for k in ("error", "warning", "info")}
                                   for op, m in by_operation.items()}))
    out.print(tail)
