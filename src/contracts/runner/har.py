"""`contracts validate FILE.har`: offline validation of recorded traffic, streamed."""

from __future__ import annotations

import os
from array import array
from collections import OrderedDict
from typing import Any, Callable, Hashable, Mapping

from ..core.adapters import exchange_from
from ..core.finding import Finding, Kind
from ..core.har import Malformed, iter_entries
from ..core.severity import Basis, decide
from ..core.routing import Match
from ..core.validator import Contract
from .engine import RunResult
from .traffic import TRAFFIC_CHECKS, Traffic, exchange_findings

HAR_CHECKS = TRAFFIC_CHECKS  # the same checks as the live proxy (runner/traffic.py)


MEMO_ENTRIES = 4096  # verdicts kept; an entry's key holds its raw strings, so this is a few MB at most
MEMO_WEIGHT = 16 * 1024 * 1024  # and at most this many characters of keys in all

Verdict = tuple[Match | None, str | None, tuple[Finding, ...]]


def exchange_key(entry: Mapping[str, Any]) -> Hashable:
    """Everything of a HAR entry the checks read (``core/adapters.py`` reads no more), raw, none of
    it parsed: two entries with one key make the same records, so the same findings. Time stamps
    and timings are left out, so an exchange recorded many times has one key. Raises as the adapter
    would on a shape it cannot read (the caller then takes the slow path, which reports it)."""
    request = entry["request"]
    post = request.get("postData") or {}
    key: tuple[Any, ...] = (request["method"], request["url"],
                            tuple((h["name"], h["value"]) for h in request.get("headers", [])), post.get("text"))
    response = entry.get("response")
    if not response:
        return key
    content = response.get("content") or {}
    size = content.get("size")
    return key + (response["status"], tuple((h["name"], h["value"]) for h in response.get("headers", [])),
                  content.get("text"), content.get("encoding"), content.get("mimeType"),
                  content.get("_truncated") is True, size, type(size))


def _weight(key: Hashable) -> int:
    return sum(len(part) if isinstance(part, str) else 16 * len(part) if isinstance(part, tuple) else 8
               for part in key) if isinstance(key, tuple) else 64


class VerdictMemo:
    """Verdicts of exchanges by ``exchange_key``: bounded by count and by key size, oldest out first.

    A verdict is kept the second time its key is seen (the first, only the key's hash is noted in a
    table of ints, as ``mock/cache.py`` does): traffic that never repeats keeps nothing and evicts
    nothing. Only what is a pure function of the exchange is kept (its match, its findings without
    evidence); ``Traffic.record`` does everything that keeps state across entries."""

    def __init__(self, size: int = MEMO_ENTRIES, max_weight: int = MEMO_WEIGHT) -> None:
        self._data: OrderedDict[Hashable, tuple[Verdict, int]] = OrderedDict()
        self._size, self._max_weight, self._weight = size, max_weight, 0
        slots = 1 << max(4, (16 * max(size, 1) - 1).bit_length())  # sparse: few keys lose their slot
        self._seen = array("q", bytes(8 * slots))
        self._mask = slots - 1
        self.hits = 0

    def get(self, key: Hashable) -> Verdict | None:
        found = self._data.get(key)
        if found is None:
            return None
        self.hits += 1
        return found[0]

    def put(self, key: Hashable, verdict: Verdict) -> None:
        h = hash(key)
        slot = h & self._mask
        if self._seen[slot] != h:
            self._seen[slot] = h  # the first sight: noted, not kept
            return
        weight = _weight(key)
        if weight > self._max_weight or key in self._data:
            return
        data = self._data
        while data and (len(data) >= self._size or self._weight + weight > self._max_weight):
            _, (_, gone) = data.popitem(last=False)
            self._weight -= gone
        data[key] = (verdict, weight)
        self._weight += weight

    def __len__(self) -> int:
        return len(self._data)


def validate_har(contract: Contract, path: str | os.PathLike[str], *, base_url: str | None = None,
                 on_entry: Callable[[int], None] | None = None, memo: bool = True) -> RunResult:
    """Validate every entry; findings merge as they come, so memory stays bounded.

    ``memo``: an exchange recorded again (same method, URL, headers, bodies and status; other time
    stamps) replays the verdict of its first validation instead of being validated again; the report
    is the same either way (a test holds it so), ``memo=False`` validates every entry in full."""
    traffic = Traffic(contract, str(path))
    prefix = base_url.rstrip("/") if base_url else None
    verdicts = VerdictMemo() if memo else None
    skipped = 0
    try:
        for n, entry in enumerate(iter_entries(path), 1):
            if isinstance(entry, Malformed):
                traffic.add(Finding(operation="(recording)", kind=Kind.MALFORMED_ENTRY, severity=decide(
                    Basis.IMPLIED), basis=Basis.IMPLIED.value, location=f"/log/entries/{entry.index - 1}{entry.where}",
                    message=f"entry {entry.index} is skipped: {entry.reason}", check="har",
                    extra={"entry": entry.index}))
                continue
            key: Hashable | None = None
            if verdicts is not None:
                try:
                    key = exchange_key(entry)
                    hash(key)
                except (TypeError, KeyError, AttributeError):
                    key = None  # a shape the adapter refuses too: the slow path reports it
                verdict = verdicts.get(key) if key is not None else None
                if verdict is not None:
                    if prefix and not str(entry["request"]["url"]).startswith(prefix):
                        skipped += 1
                        continue
                    found, label, findings = verdict
                    traffic.record(found, label, findings, lambda e=entry: exchange_from(e), extra={"entry": n},
                                   has_response=bool(entry.get("response")))
                    if on_entry is not None:
                        on_entry(n)
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
            if verdicts is None or key is None:
                traffic.observe(request, response, extra={"entry": n})
            else:
                found = contract.match(request)
                label = None if found is not None else f"{request.method.upper()} {request.path}"
                findings = tuple(exchange_findings(contract, request, response, found))
                verdicts.put(key, (found, label, findings))
                traffic.record(found, label, findings, lambda r=request, s=response: (r, s), extra={"entry": n},
                               has_response=response is not None)
            if on_entry is not None:
                on_entry(n)
    except KeyboardInterrupt:
        traffic.result.interrupted = True
    result = traffic.finish()
    result.skipped_entries = skipped
    return result


__all__ = ["HAR_CHECKS", "MEMO_ENTRIES", "VerdictMemo", "exchange_key", "validate_har"]
