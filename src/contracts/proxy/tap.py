"""A bounded copy of a body that streams past, decoded for validation.

The client gets every byte unchanged; validation sees at most the first
``limit`` bytes of the *decoded* body, as ``contracts check`` does: a body
beyond the cap (or announced beyond it by Content-Length) is "too large",
and decoding stops there, so a gzip bomb costs at most the cap.
"""

from __future__ import annotations

import zlib
from typing import Any


def _decoder(encoding: str) -> Any:
    """A decompressor with ``decompress(data, max_length)``, None for identity, False if unknown."""
    coding = encoding.strip().lower()
    if coding in ("", "identity"):
        return None
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if coding == "deflate":
        return _Deflate()
    return False  # br, zstd, compress, ...: passed through, not validated


class _Deflate:
    """'deflate' is zlib-wrapped by the RFC, raw by many servers: try the one, then the other."""

    def __init__(self) -> None:
        self._inner: Any = zlib.decompressobj()
        self._first = True

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._first:
            self._first = False
            try:
                return bytes(self._inner.decompress(data, max_length))
            except zlib.error:
                self._inner = zlib.decompressobj(-zlib.MAX_WBITS)
        return bytes(self._inner.decompress(data, max_length))


class Tap:
    """Keeps the first ``limit`` decoded bytes of a body; counts the raw bytes that passed."""

    __slots__ = ("limit", "raw_size", "truncated", "decodable", "_chunks", "_kept", "_decoder")

    def __init__(self, limit: int, content_encoding: str | None = None, declared: int | None = None) -> None:
        self.limit = limit
        self.raw_size = 0
        self.truncated = declared is not None and declared > limit
        self._chunks: list[bytes] = []
        self._kept = 0
        codings = [c for c in (content_encoding or "").split(",") if c.strip()]
        self._decoder = _decoder(codings[0]) if len(codings) == 1 else (None if not codings else False)
        self.decodable = self._decoder is not False

    def feed(self, chunk: bytes) -> None:
        self.raw_size += len(chunk)
        if self.truncated or not self.decodable or not chunk:
            return
        if self._decoder is None:
            data = chunk
        else:
            try:
                data = self._decoder.decompress(chunk, self.limit - self._kept + 1)
            except zlib.error:
                self.decodable = False  # a corrupt stream: its bytes still pass, unvalidated
                self._chunks = []
                return
        room = self.limit - self._kept
        if len(data) > room:
            self.truncated = True
            self._chunks = []  # a body too large is reported, not validated: nothing is kept
            return
        self._chunks.append(data)
        self._kept += len(data)

    def body(self) -> bytes | None:
        """The decoded body (None when it was too large or could not be decoded)."""
        if self.truncated or not self.decodable:
            return None
        return b"".join(self._chunks)


__all__ = ["Tap"]
