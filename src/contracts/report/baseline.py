"""Reading a baseline before a run and writing one after it (CLI and pytest plugin alike)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from ..core import baseline as core
from ..core.finding import Finding
from .files import write_text


def check_writable(path: str | os.PathLike[str]) -> None:
    """Fail before the run, not after it, when the baseline cannot be written."""
    from ..core.errors import UsageError

    p = Path(path)
    if p.is_dir():
        raise UsageError(f"--write-baseline {p} is a folder; name a file such as {p / 'contracts-baseline.json'}")
    if not p.parent.exists():
        raise UsageError(f"--write-baseline {p}: the folder {p.parent} does not exist")
    if p.is_file():
        core.load(p)  # rewriting keeps reasons: the old file must be a baseline


def apply(findings: list[Finding], baseline: core.Baseline | None,
          ran: Iterable[tuple[str, str]] | None = None) -> tuple[list[Finding], dict[str, Any] | None]:
    """Mark findings known/new; the summary's ``baseline`` entry (None without a baseline)."""
    if baseline is None:
        return findings, None
    comparison = core.compare(findings, baseline, ran=set(ran) if ran is not None else None)
    return comparison.findings, comparison.summary()


def write(path: str | os.PathLike[str], findings: Iterable[Finding], *, command: str) -> Path:
    """Write (or rewrite) a baseline atomically, keeping the reasons already written."""
    p = Path(path)
    previous = core.load(p) if p.is_file() else None
    return write_text(p, core.render(findings, command=command, previous=previous))
