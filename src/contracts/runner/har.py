"""`contracts validate FILE.har`: offline validation of recorded traffic, streamed."""

from __future__ import annotations

import os
from typing import Callable

from ..core.adapters import exchange_from
from ..core.finding import Finding, Kind
from ..core.har import Malformed, iter_entries
from ..core.severity import Basis, decide
from ..core.validator import Contract
from .engine import RunResult
from .traffic import TRAFFIC_CHECKS, Traffic

HAR_CHECKS = TRAFFIC_CHECKS  # the same checks as the live proxy (runner/traffic.py)


def validate_har(contract: Contract, path: str | os.PathLike[str], *, base_url: str | None = None,
                 on_entry: Callable[[int], None] | None = None) -> RunResult:
    """Validate every entry; findings merge as they come, so memory stays bounded."""
    traffic = Traffic(contract, str(path))
    prefix = base_url.rstrip("/") if base_url else None
    skipped = 0
    try:
        for n, entry in enumerate(iter_entries(path), 1):
            if isinstance(entry, Malformed):
                traffic.add(Finding(operation="(recording)", kind=Kind.MALFORMED_ENTRY, severity=decide(
                    Basis.IMPLIED), basis=Basis.IMPLIED.value, location=f"/log/entries/{entry.index - 1}{entry.where}",
                    message=f"entry {entry.index} is skipped: {entry.reason}", check="har",
                    extra={"entry": entry.index}))
                continue
            try:
                request, response = exchange_from(entry)
            except (ValueError, TypeError, KeyError) as exc:  # e.g. base64 content that does not decode
                traffic.add(Finding(operation="(recording)", kind=Kind.MALFORMED_ENTRY, severity=decide(
                    Basis.IMPLIED), basis=Basis.IMPLIED.value, location=f"/log/entries/{n - 1}/response/content",
                    message=f"entry {n} is skipped: {type(exc).__name__}: {exc}", check="har", extra={"entry": n}))
                continue
            if prefix and not request.url.startswith(prefix):
                skipped += 1
                continue
            traffic.observe(request, response, extra={"entry": n})
            if on_entry is not None:
                on_entry(n)
    except KeyboardInterrupt:
        traffic.result.interrupted = True
    result = traffic.finish()
    result.skipped_entries = skipped
    return result


__all__ = ["HAR_CHECKS", "validate_har"]
