"""A HAR's entries cut out of the file's bytes and parsed by orjson: the quickest way to read one.

ijson's C backend builds an entry at about a quarter of orjson's speed. Here each entry's bytes are found
first and handed to ``orjson.loads`` whole. Entries written by one tool begin alike (``{"startedDateTime":``
or whatever the first entry begins with): the next such opening, after a comma, most likely starts the next
entry, and orjson accepting the bytes before that comma proves it does, since a JSON value that starts
with ``{`` ends exactly at its matching ``}``. Where the guess fails, orjson's own complaint about the
content after the entry says where the entry ended. Raw quotes cannot occur inside JSON strings, so an
opening found in a body's text is never taken for an entry's.

Only the plain layout is read here: ``{"log": {…, "entries": [{…}, …], …}}``, keys without escapes,
entries that are objects. Anything else (a scalar entry, a second ``entries``, a value orjson refuses, a
value past ``MAX_VALUE``, bytes after the document) raises ``Unsure`` with the number of entries already
yielded, and the caller reads the file again with ijson, which streams every case and words every error;
orjson is at least as strict as yajl, so an entry yielded here is one ijson would have yielded too.
Memory is one entry plus a block.
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO, Iterator

import orjson

BLOCK = 1 << 20  # bytes read at a time
MAX_VALUE = 64 << 20  # a value larger than this is left to ijson, which streams it
_SPACE = b" \t\n\r"
# a key of printable ASCII without escapes, then the colon: anything else is ijson's to read and judge
_KEY = re.compile(rb'[ \t\n\r]*"([\x20\x21\x23-\x5b\x5d-\x7e]*)"[ \t\n\r]*:[ \t\n\r]*')
_OPEN_LOG = re.compile(rb'[ \t\n\r]*\{[ \t\n\r]*"log"[ \t\n\r]*:[ \t\n\r]*\{')
_ENDS_VALUE = frozenset(b" \t\n\r,]}")
_TRAILING = "unexpected content after document"
_TRUNCATED = "unexpected end of data"


class Unsure(Exception):
    """The file is not in the plain layout from here on: ijson reads it, after ``done`` entries."""

    def __init__(self, done: int) -> None:
        super().__init__(done)
        self.done = done


class _Bytes:
    """The file from ``base`` on, read in blocks and dropped once behind the reader."""

    __slots__ = ("_handle", "data", "eof")

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.data = b""
        self.eof = False

    def need(self, end: int) -> None:
        """At least ``end`` bytes buffered, unless the file ends first."""
        if len(self.data) >= end or self.eof:
            return
        parts = [self.data]
        have = len(self.data)
        while have < end:
            block = self._handle.read(max(BLOCK, end - have))
            if not block:
                self.eof = True
                break
            parts.append(block)
            have += len(block)
        self.data = b"".join(parts)

    def drop(self, pos: int) -> int:
        """Forget the bytes before ``pos`` once they are a block's worth; the new offset of ``pos``."""
        if pos < BLOCK:
            return pos
        self.data = self.data[pos:]
        return 0


def entries(handle: BinaryIO) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """Each entry of ``log.entries`` as its bytes and its value, or ``Unsure`` where the layout is not plain."""
    buf = _Bytes(handle)
    buf.need(4096)
    opened = _OPEN_LOG.match(buf.data)
    if opened is None:
        raise Unsure(0)
    pos = _members_until(buf, opened.end(), "entries", 0)
    pos = _space(buf, pos)
    if buf.data[pos:pos + 1] != b"{":
        raise Unsure(0)  # no entries, or a scalar one: ijson says what there is
    done = 0
    last = 4096
    buf.need(pos + 256)
    signature = _signature(buf.data, pos)
    while True:
        raw, value, end = _entry(buf, pos, last, signature, done)
        done += 1
        last = end - pos
        yield raw, value
        pos = _space(buf, end)
        mark = buf.data[pos:pos + 1]
        if mark == b"]":
            break
        if mark != b",":
            raise Unsure(done)
        pos = _space(buf, pos + 1)
        if buf.data[pos:pos + 1] != b"{":
            raise Unsure(done)
        pos = buf.drop(pos)
    _rest_is_plain(buf, pos + 1, done)


def _signature(data: bytes, pos: int) -> bytes | None:
    """How the first entry opens, through its first key's colon: the likely opening of every other."""
    found = _KEY.match(data, pos + 1, pos + 256)
    return None if found is None else data[pos:data.index(b":", found.end(1)) + 1]


def _entry(buf: _Bytes, pos: int, last: int, signature: bytes | None, done: int) -> tuple[bytes, Any, int]:
    """The entry starting at ``pos``: its bytes, its value, and where it ends."""
    if signature is not None:
        limit = min(max(65536, 8 * last), MAX_VALUE)
        buf.need(pos + limit)
        found = buf.data.find(signature, pos + 1, pos + limit)
        if found > 0:
            comma = found - 1
            while buf.data[comma] in _SPACE:
                comma -= 1
            if buf.data[comma] == 0x2C:
                raw = buf.data[pos:comma]
                try:
                    return raw, orjson.loads(raw), comma
                except orjson.JSONDecodeError:
                    pass  # the opening was a nested object's, or the next entry opens otherwise
    end = _value_end(buf, pos, last + (last >> 1) + 1024, done)
    raw = buf.data[pos:end]
    return raw, orjson.loads(raw), end


def _value_end(buf: _Bytes, pos: int, size: int, done: int) -> int:
    """Where the JSON value starting at ``pos`` ends, from orjson's complaint about what follows it."""
    size = min(size, MAX_VALUE)
    while True:
        buf.need(pos + size)
        data = buf.data
        cut = min(pos + size, len(data))
        while cut > pos + 1 and cut < len(data) and 0x80 <= data[cut] < 0xC0:
            cut -= 1  # never inside a UTF-8 sequence: orjson would refuse the whole window
        at_end = buf.eof and cut == len(data)
        try:
            orjson.loads(data[pos:cut])
        except orjson.JSONDecodeError as exc:
            message = str(exc)
            if message.startswith(_TRAILING):
                window = cut - pos
                text = exc.doc
                offset = exc.pos if len(text) == window else len(text[:exc.pos].encode())
                end = pos + offset
                while data[end - 1] in _SPACE:
                    end -= 1
                return end
            if at_end or not message.startswith(_TRUNCATED) or size >= MAX_VALUE:  # orjson words every
                raise Unsure(done) from None  # cut-short value so
            size = min(2 * size, MAX_VALUE)
            continue
        if at_end or data[cut] in _ENDS_VALUE:
            return cut
        if size >= MAX_VALUE:
            raise Unsure(done)
        size = min(2 * size, MAX_VALUE)  # a number cut short parses too: only a delimiter says it is whole


def _space(buf: _Bytes, pos: int) -> int:
    while True:
        buf.need(pos + 1)
        data = buf.data
        while pos < len(data) and data[pos] in _SPACE:
            pos += 1
        if pos < len(data) or buf.eof:
            return pos
        pos = buf.drop(pos)


def _members_until(buf: _Bytes, pos: int, wanted: str, done: int) -> int:
    """Past the members of an open object up to the key ``wanted`` and its ``[``; ``Unsure`` if it is not there."""
    first = True
    while True:
        pos = _space(buf, pos)
        if not first:
            if buf.data[pos:pos + 1] != b",":
                raise Unsure(done)
            pos += 1
        first = False
        buf.need(pos + 1024)
        found = _KEY.match(buf.data, pos)
        if found is None:
            raise Unsure(done)
        pos = found.end()
        if found.group(1).decode() == wanted:
            pos = _space(buf, pos)
            if buf.data[pos:pos + 1] != b"[":
                raise Unsure(done)
            return pos + 1
        pos = buf.drop(_value_end(buf, pos, 4096, done))


def _rest_is_plain(buf: _Bytes, pos: int, done: int) -> None:
    """After the entries: the log's other members, its end, the document's end, only space after it."""
    for twice in ("entries", "log"):  # the log object's members, then the document's
        while True:
            pos = _space(buf, pos)
            mark = buf.data[pos:pos + 1]
            if mark == b"}":
                pos += 1
                break
            if mark != b",":
                raise Unsure(done)
            buf.need(pos + 1024)
            found = _KEY.match(buf.data, pos + 1)
            if found is None or found.group(1).decode() == twice:
                raise Unsure(done)  # a second log.entries: ijson reads its items too
            pos = buf.drop(_value_end(buf, found.end(), 4096, done))
    pos = _space(buf, pos)
    if pos < len(buf.data):
        raise Unsure(done)


__all__ = ["BLOCK", "MAX_VALUE", "Unsure", "entries"]
