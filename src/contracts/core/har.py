"""Streaming HAR 1.2 entries: a recording of any size in bounded memory.

Entries are built from ijson's event stream one at a time, never the whole
file; an entry nested deeper than ``MAX_DEPTH`` is skipped while it streams
past (its containers are never built), and an entry whose shape is not a
HAR entry's comes back as a ``Malformed`` marker naming its index, so the
rest of the file is still validated.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .errors import UsageError

MAX_DEPTH = 128  # JSON nesting kept in a HAR entry (real ones nest about a dozen levels)


@dataclass(frozen=True)
class Malformed:
    """An entry that cannot be read as a HAR entry: skipped, reported, never the end of the run."""

    index: int  # 1-based, as people count entries
    reason: str
    where: str = ""  # an RFC 6901 pointer to the broken part, within the entry


def iter_entries(path: str | os.PathLike[str]) -> Iterator[dict[str, Any] | Malformed]:
    """Each ``log.entries`` item, parsed one at a time (ijson events), never the whole file."""
    import ijson

    p = Path(path)
    try:
        handle = p.open("rb")
    except FileNotFoundError:
        raise UsageError(f"no such HAR file: {p}") from None
    except IsADirectoryError:
        raise UsageError(f"{p} is a folder, not a HAR file") from None
    except OSError as exc:
        raise UsageError(f"cannot read {p}: {exc.strerror}") from None
    done = 0
    with handle:
        try:
            for entry in _entries(ijson.basic_parse(handle, use_float=True), p):
                done += 1
                yield entry
            return
        except ijson.JSONError as exc:
            if "integer overflow" not in str(exc):
                raise UsageError(f"{p}: not a valid HAR (JSON) file: {_first_line(exc)}") from None
    # The C backend (yajl) refuses integers outside int64, which JSON allows: the rest of the file is
    # read again by ijson's pure-Python backend, which keeps them, skipping the entries already given.
    python = ijson.get_backend("python")
    with p.open("rb") as again:
        try:
            for n, entry in enumerate(_entries(python.basic_parse(again, use_float=True), p)):
                if n >= done:
                    yield entry
        except ijson.JSONError as exc:
            raise UsageError(f"{p}: not a valid HAR (JSON) file: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _entries(events: Iterator[tuple[str, Any]], path: Path) -> Iterator[dict[str, Any] | Malformed]:
    """Entries from ijson's prefix-free events: the path is tracked down to log.entries only, so an
    entry nested thousands of levels deep costs a counter, not a prefix string per event."""
    import ijson

    keys: list[str | None] = []  # the map key under which each open container sits, down to the entries
    key: str | None = None
    found = False
    index = 0
    builder: Any = None
    depth = 0
    too_deep = False
    for event, value in events:
        if builder is not None:
            if event in ("start_map", "start_array"):
                depth += 1
                too_deep = too_deep or depth > MAX_DEPTH
            elif event in ("end_map", "end_array"):
                depth -= 1
            if not too_deep:
                builder.event(event, value)
            if depth == 0:
                entry, builder = builder.value, None
                yield Malformed(index, f"the entry nests deeper than {MAX_DEPTH} levels") if too_deep \
                    else _checked(index, entry)
            continue
        in_entries = keys == [None, "log", "entries"]
        if event == "map_key":
            key = value
        elif event in ("start_map", "start_array"):
            if in_entries:
                index += 1
                builder, depth, too_deep = ijson.ObjectBuilder(), 1, False
                builder.event(event, value)
            else:
                keys.append(key if keys else None)
                key = None
                found = found or keys == [None, "log", "entries"]
        elif event in ("end_map", "end_array"):
            if keys:
                keys.pop()
        elif in_entries:  # a scalar where an entry should be
            index += 1
            yield Malformed(index, f"the entry is a {event}, not an object")
    if not found:
        raise UsageError(f"{path}: not a HAR file: it has no log.entries list")


def _checked(index: int, entry: Any) -> dict[str, Any] | Malformed:
    """The entry when it has the shape the adapters read; else why not, and where."""
    if not isinstance(entry, dict):
        return Malformed(index, "the entry is not an object")
    request = entry.get("request")
    if not isinstance(request, dict):
        return Malformed(index, "the entry has no request object", "/request")
    for key in ("method", "url"):
        if not isinstance(request.get(key), str):
            return Malformed(index, f"request.{key} is not a string", f"/request/{key}")
    problem = _headers("request", request.get("headers"))
    if problem:
        return Malformed(index, *problem)
    post = request.get("postData")
    if post is not None and (not isinstance(post, dict) or not isinstance(post.get("text", ""), str)):
        return Malformed(index, "request.postData.text is not a string", "/request/postData")
    response = entry.get("response")
    if response is None:
        return entry
    if not isinstance(response, dict):
        return Malformed(index, "response is not an object", "/response")
    status = response.get("status")
    if isinstance(status, bool) or not isinstance(status, (int, float)) or status != int(status) \
            or not 0 <= status <= 999:
        return Malformed(index, f"response.status {status!r} is not an HTTP status", "/response/status")
    problem = _headers("response", response.get("headers"))
    if problem:
        return Malformed(index, *problem)
    content = response.get("content")
    if content is not None and (not isinstance(content, dict) or not isinstance(content.get("text", ""), str)):
        return Malformed(index, "response.content.text is not a string", "/response/content")
    return entry


def _headers(where: str, headers: Any) -> tuple[str, str] | None:
    if headers is None:
        return None
    if not isinstance(headers, list):
        return f"{where}.headers is not a list", f"/{where}/headers"
    for n, item in enumerate(headers):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item.get("name"):
            return f"{where}.headers[{n}] has no name", f"/{where}/headers/{n}"
        if not isinstance(item.get("value", ""), str):
            return f"{where}.headers[{n}] ({item['name']}) has a value that is not a string", f"/{where}/headers/{n}"
    return None


__all__ = ["MAX_DEPTH", "Malformed", "iter_entries"]
