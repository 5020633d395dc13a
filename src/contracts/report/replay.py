"""What `contracts replay` prints: the finding, the request sent again, the new answer, the verdict."""

from __future__ import annotations

import json
from typing import Any, Sequence

from rich.console import Console
from rich.markup import escape

from ..core.redact import Redactor

BODY_LINES = 30  # of the new answer's pretty-printed body


def _body(text: str | None) -> list[str]:
    if not text:
        return []
    try:
        shown = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        shown = text
    lines = shown.splitlines()
    return lines[:BODY_LINES] + ([f"… {len(lines) - BODY_LINES} more line(s)"] if len(lines) > BODY_LINES else [])


def print_list(out: Console, recorded: Sequence[Any]) -> None:
    """Every finding of the report with its number, and why one cannot be replayed."""
    for item in recorded:
        why = item.why_not()
        out.print(f"{item.number:>3}  {escape(item.title)}" + (f"  [dim](not replayable: {escape(why)})[/]"
                                                               if why else ""), highlight=False)
        out.print(f"     {escape(str(item.data.get('message', '')))}", highlight=False)


def print_replayed(out: Console, replayed: Any, redactor: Redactor) -> None:
    item = replayed.recorded
    out.print(f"[bold]finding {item.number}[/]: {escape(item.title)}", highlight=False)
    out.print(f"  reported: {escape(str(item.data.get('message', '')))}", highlight=False)
    for note in replayed.notes:
        out.print(f"  [yellow]note[/]: {escape(note)}", highlight=False)
    ex = replayed.exchange
    if ex is not None:
        out.print(f"  sent: {ex.request.method} {escape(redactor.url(ex.request.url))}", highlight=False)
    if replayed.skipped is not None:
        out.print(f"  [yellow]not replayed[/]: {escape(redactor.scrub(replayed.skipped))}", highlight=False)
        return
    response = ex.response
    ctype = response.header("content-type") or "no Content-Type"
    body = response.body or b""
    out.print(f"  answer: HTTP {response.status}, {escape(ctype)}, {len(body)} bytes", highlight=False)
    for line in _body(redactor.scrub(body[:64 * 1024].decode("utf-8", "replace"))):
        out.print(f"    {escape(line)}", highlight=False)
    if replayed.inconclusive is not None:
        out.print(f"  [yellow]inconclusive[/]: {escape(replayed.inconclusive)}", highlight=False)
        return
    if replayed.reproduced is not None:
        f = replayed.reproduced
        out.print(f"  [bold red]still reproduces[/]: {f.severity.value} {escape(f.location or '/')} "
                  f"{escape(f.kind)}: {escape(redactor.scrub(f.message))}", highlight=False)
    else:
        out.print(f"  [bold green]fixed[/]: {escape(str(item.data.get('check')))} finds no "
                  f"{escape(str(item.data.get('kind')))} at {escape(str(item.data.get('location') or '/'))} now",
                  highlight=False)
    others = [f for f in replayed.findings if f is not replayed.reproduced]
    for f in others:
        out.print(f"  also: {f.severity.value} {escape(f.check or '-')} {escape(f.location or '/')} "
                  f"{escape(f.kind)}: {escape(redactor.scrub(f.message))}", highlight=False)


__all__ = ["print_list", "print_replayed"]
