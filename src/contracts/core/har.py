"""Streaming HAR 1.2 entries: a recording of any size in bounded memory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

from .errors import UsageError


def iter_entries(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Each ``log.entries`` item, parsed one at a time (ijson), never the whole file."""
    import ijson

    p = Path(path)
    try:
        handle = p.open("rb")
    except FileNotFoundError:
        raise UsageError(f"no such HAR file: {p}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {p}: {exc.strerror}") from None
    with handle:
        try:
            for entry in ijson.items(handle, "log.entries.item", use_float=True):
                if not isinstance(entry, dict) or "request" not in entry:
                    raise UsageError(f"{p}: a log.entries item is not a HAR entry (no 'request')")
                yield entry
        except ijson.JSONError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UsageError(f"{p}: not a valid HAR (JSON) file: {first}") from None
