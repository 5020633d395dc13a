"""Streaming HAR 1.2 entries: a recording of any size in bounded memory.

Entries are read one at a time, never the whole file; an entry nested deeper than ``MAX_DEPTH`` comes
back as a ``Malformed`` marker (its containers are never built past what the reader can afford), and so
does an entry whose shape is not a HAR entry's, naming its index, so the rest of the file is still
validated.

Three readers give the same entries, each taking over where the one before cannot go on, without
yielding an entry twice:

* ``harscan`` cuts each entry's bytes out of the file and parses them with orjson, about three times
  quicker than ijson builds them. It reads only the plain layout (``{"log": {…, "entries": [{…}, …]}}``)
  and entries orjson reads exactly: one with a run of 19 digits (an integer orjson might turn into a
  float) is parsed again by ijson, and an entry with fewer brackets than ``MAX_DEPTH`` (brackets in
  strings too: an upper bound) needs no depth probe. Anything else it leaves to the next reader.
* ijson's C backend builds each entry (``ijson.items``), then its depth is checked; it is several times
  quicker than feeding events to a Python builder, but it builds a deep entry before it can tell, and its
  memory grows with the square of the depth (a 10,000-deep entry takes 250 MB). So it reads the file in
  ``FAST_CHUNK``-byte chunks and counts their container brackets (an upper bound on the depth reached):
  past ``FAST_BRACKETS`` in one chunk, or since the last entry ended, the next reader takes over. A depth
  it can reach is below twice ``FAST_BRACKETS``. A file whose ``log.entries`` yields no item is also left
  to the next reader, which says why.
* the safe reader, event by event, never builds beyond ``MAX_DEPTH``.

The one difference: ijson names the members of an object ``item`` as it names array items, so
``log.entries`` written as an object (not a HAR) with a member called ``item`` yields that member; the
safe reader yields every member.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from . import harscan
from .errors import UsageError
from .http import _DIGITS, _LONG_RUN

MAX_DEPTH = 128  # JSON nesting kept in a HAR entry (real ones nest about a dozen levels)
# The fast reader's chunk, and the brackets it may meet in one chunk or between two entries before
# the safe reader takes over: a real entry has a few dozen containers (its bodies are strings, with
# a bracket every 50 bytes or so), and an entry 6,000 deep costs the C backend about 90 MB.
FAST_CHUNK = 16 * 1024
FAST_BRACKETS = 3_000
# http.py's digit map, with the opening brackets kept (as "{"): a run of 19 digits and an upper bound
# on the depth (brackets in strings counted too), from one translate of the entry's bytes
_MARKS = bytes(0x7B if b in b"{[" else d for b, d in enumerate(_DIGITS))
_EVENTS = {str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


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
        probe = _DepthProbe()
        if handle.seekable():  # a pipe cannot be read again from the start where harscan hands over
            try:
                for raw, entry in harscan.entries(handle):
                    done += 1
                    yield _scanned(done, raw, entry, probe)
                return
            except harscan.Unsure:
                pass
            handle.seek(0)
        try:
            reader, seen = _Counting(handle), 0
            for entry in ijson.items(reader, "log.entries.item", use_float=True, buf_size=FAST_CHUNK):
                seen += 1
                reader.containers = 0
                if seen > done:  # the ones harscan yielded are built again, not yielded again
                    done = seen
                    yield _fast(done, entry, probe)
            if done:
                return
        except _TooManyContainers:
            pass
        except ijson.JSONError as exc:
            if not _overflow(exc):
                raise _invalid(p, exc) from None
    # The safe reader, from the start, after the entries already yielded. The C backend (yajl) refuses
    # integers outside int64, which JSON allows: then ijson's pure-Python backend reads on, which keeps them.
    if not p.is_file():  # opening a pipe again would wait for a writer that is gone
        raise UsageError(f"{p}: this recording must be read a second time (it is empty, nests deeply or holds "
                         f"integers beyond 64 bits), and a pipe cannot be: save it to a file and validate that")
    for backend in (ijson, ijson.get_backend("python")):
        with p.open("rb") as handle:
            try:
                for entry in _entries(backend.basic_parse(handle, use_float=True), p, skip=done):
                    done += 1
                    yield entry
                return
            except ijson.JSONError as exc:
                if backend is not ijson or not _overflow(exc):
                    raise _invalid(p, exc) from None


def _overflow(exc: Exception) -> bool:
    return "integer overflow" in str(exc)


def _invalid(path: Path, exc: Exception) -> UsageError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return UsageError(f"{path}: not a valid HAR (JSON) file: {first}")


class _TooManyContainers(Exception):
    """The fast reader met more brackets than it may build blindly."""


class _Counting:
    """A binary file that counts the container brackets read since the last entry (an upper bound)."""

    __slots__ = ("_handle", "containers")

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self.containers = 0

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self._handle.read(size)
        found = chunk.count(b"[") + chunk.count(b"{")
        self.containers += found
        if found > FAST_BRACKETS or self.containers > FAST_BRACKETS:
            raise _TooManyContainers
        return chunk


def _scanned(index: int, raw: bytes, entry: dict[str, Any], probe: "_DepthProbe") -> dict[str, Any] | Malformed:
    """What the safe reader makes of an entry harscan cut out and orjson parsed."""
    marks = raw.translate(_MARKS)  # one pass for both questions: digits as 0, opening brackets as {
    if _LONG_RUN in marks:
        entry = _exact(raw)
    if marks.count(b"{") > MAX_DEPTH and probe.deeper(entry):
        return Malformed(index, f"the entry nests deeper than {MAX_DEPTH} levels")
    return _checked(index, entry)


def _exact(raw: bytes) -> Any:
    """The entry as ijson reads it, integers beyond 64 bits kept (the C backend refuses them, Python's keeps them)."""
    import io

    import ijson

    try:
        return next(ijson.items(io.BytesIO(raw), "", use_float=True))
    except ijson.JSONError as exc:
        if not _overflow(exc):
            raise
    return next(ijson.get_backend("python").items(io.BytesIO(raw), "", use_float=True))


def _fast(index: int, entry: Any, probe: "_DepthProbe") -> dict[str, Any] | Malformed:
    """What the safe reader makes of an entry the C backend built whole."""
    kind = _EVENTS.get(type(entry))
    if kind is not None:
        return Malformed(index, f"the entry is a {kind}, not an object")
    if probe.deeper(entry):
        return Malformed(index, f"the entry nests deeper than {MAX_DEPTH} levels")
    return _checked(index, entry)


class _DepthProbe:
    """Whether an entry nests deeper than MAX_DEPTH, at C speed.

    orjson refuses to serialise more than ORJSON_DEPTH levels; an entry wrapped in
    ORJSON_DEPTH - MAX_DEPTH single-item lists is refused exactly when it is deeper than
    MAX_DEPTH. Walking the entry in Python cost more than building it. Whether orjson still
    draws its line there is checked once; when it does not, or when orjson refuses an entry
    for another reason, the exact walk decides.
    """

    ORJSON_DEPTH = 254

    def __init__(self) -> None:
        import orjson

        self._dumps = orjson.dumps
        self._error = orjson.JSONEncodeError
        self._inner: list[Any] = [None]
        outer: list[Any] = self._inner
        for _ in range(self.ORJSON_DEPTH - MAX_DEPTH - 1):
            outer = [outer]
        self._outer = outer
        self.usable = self._refuses(_nested(MAX_DEPTH + 1)) and not self._refuses(_nested(MAX_DEPTH))

    def _refuses(self, value: Any) -> bool:
        self._inner[0] = value
        try:
            self._dumps(self._outer)
        except self._error:
            return True
        finally:
            self._inner[0] = None
        return False

    def deeper(self, entry: Any) -> bool:
        if self.usable and not self._refuses(entry):
            return False
        return _deeper_than(entry, MAX_DEPTH)


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether containers nest more than ``limit`` levels (the value itself is level 1); no recursion."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in (node.values() if isinstance(node, dict) else node):
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return False


def _entries(events: Iterator[tuple[str, Any]], path: Path, skip: int = 0) -> Iterator[dict[str, Any] | Malformed]:
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
                if index > skip:
                    yield Malformed(index, f"the entry nests deeper than {MAX_DEPTH} levels") if too_deep \
                        else _checked(index, entry)
            continue
        in_entries = keys == [None, "log", "entries"]
        if event == "map_key":
            key = value
        elif event in ("start_map", "start_array"):
            if in_entries:
                index += 1
                # an entry the fast reader already yielded streams past unbuilt
                builder, depth, too_deep = ijson.ObjectBuilder(), 1, index <= skip
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
            if index > skip:
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
