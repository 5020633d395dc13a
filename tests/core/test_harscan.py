"""harscan reads a plain HAR whole by itself, and hands over (``Unsure``, with the entries done) where it
is not plain; tests/core/test_har_readers.py holds what it yields equal to the other readers."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.core import harscan

ENTRY = {"startedDateTime": "2026-01-01T00:00:00.000Z",
         "request": {"method": "GET", "url": "https://iot.example.com/v5/iot/p/batchtasks?limit=2", "headers": []},
         "response": {"status": 200, "headers": [], "content": {"text": "{\"startedDateTime\": [1, {}]}"}}}


def scan(data: bytes) -> tuple[list[Any], int | None]:
    """The entries harscan yields, and the entries done when it handed over (None: it read to the end)."""
    seen: list[Any] = []
    try:
        for raw, value in harscan.entries(io.BytesIO(data)):
            assert json.loads(raw) == value
            seen.append(value)
    except harscan.Unsure as exc:
        assert exc.done == len(seen)
        return seen, exc.done
    return seen, None


def har(entries: list[Any], **dumps: Any) -> bytes:
    return json.dumps({"log": {"version": "1.2", "creator": {"name": "t"}, "entries": entries,
                               "pages": [{"id": "p"}]}, "comment": "c"}, **dumps).encode()


@pytest.mark.parametrize("dumps", [{}, {"indent": 2}, {"indent": "\t", "ensure_ascii": False},
                                   {"separators": (",", ":")}])
def test_a_plain_recording_is_read_whole(dumps: dict[str, Any]) -> None:
    entries = [{**ENTRY, "n": n, "comment": "é中" * n} for n in range(50)]
    assert scan(har(entries, **dumps)) == (entries, None)


def test_an_entry_larger_than_a_block_and_entries_across_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harscan, "BLOCK", 4096)
    entries = [{**ENTRY, "big": "x" * 100_000}, ENTRY, {**ENTRY, "big": "é" * 50_000}, ENTRY]
    assert scan(har(entries)) == (entries, None)


def test_entries_that_open_otherwise_are_still_read() -> None:
    entries = [ENTRY, {"response": ENTRY["response"], "request": ENTRY["request"]}, {**ENTRY, "x": {"n": 1}}, ENTRY]
    assert scan(har(entries)) == (entries, None)


@pytest.mark.parametrize("data, done", [
    (b'{"log": {"entries": []}}', 0),
    (b'{"log": {"pages": []}}', 0),
    (b'{"z": 1, "log": {"entries": [{}]}}', 0),
    (b'{"log": {"entries": [1, {}]}}', 0),
    (b'{"log": {"entries": {"item": {}}}}', 0),
    (b'{"log": {"c\\u0061": 1, "entries": [{}]}}', 0),  # an escaped key: ijson's to judge
    (b'{"log": {"entries": [{}, 2]}}', 1),
    (b'{"log": {"entries": [{}, {"c": "\\ud800"}]}}', 1),
    (b'{"log": {"entries": [{}, {"c": 1e400}]}}', 1),
    (b'{"log": {"entries": [{}, {"c": 1', 1),
    (b'{"log": {"entries": [{}, {"c": 1}', 2),  # whole, then the document ends too soon
    (b'{"log": {"entries": [{}], "entries": [{}]}}', 1),
    (b'{"log": {"entries": [{}]}, "log": {}}', 1),
    (b'{"log": {"entries": [{}]}} x', 1),
    (b'{"log": {"entries": [{}]}}}', 1),
    (b'{"log": {"entries": [{"c": 1}, {"c": "\xff"}]}}', 1),
    (b'{"log": {"entries": [{}, {"c": "\xff"}]}}', 0),  # no opening to cut at: orjson saw the bad byte
    (b'{"log": {"entries": [{}, ' + b"[" * 2000 + b"]" * 2000 + b"]}}", 1),
])
def test_what_is_not_plain_is_handed_over_after_the_entries_done(data: bytes, done: int) -> None:
    assert scan(data)[1] == done


def test_an_entry_just_under_the_cap_is_still_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window doubles up to the cap, not past it: an entry near the cap is read here, not by ijson
    (whose C backend took 21 s over one 50 MB body)."""
    monkeypatch.setattr(harscan, "MAX_VALUE", 300_000)
    entries = [ENTRY, {**ENTRY, "big": "x" * 250_000}, ENTRY]
    assert scan(har(entries)) == (entries, None)


def test_a_value_past_the_cap_is_handed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harscan, "MAX_VALUE", 10_000)
    assert scan(har([ENTRY, {**ENTRY, "big": "x" * 50_000}, ENTRY])) == ([ENTRY], 1)


SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(max_size=8) \
    | st.floats(allow_nan=False, allow_infinity=False)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(["startedDateTime", "request", "a", "é", "{"]), inner,
                                        max_size=3), max_leaves=10)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(entries=st.lists(st.dictionaries(st.sampled_from(["startedDateTime", "request", "b"]), VALUES, max_size=3),
                        min_size=1, max_size=5),
       indent=st.sampled_from([None, 1]), ascii=st.booleans(), block=st.sampled_from([1, 2, 7, 1 << 20]))
def test_generated_plain_recordings_are_read_whole(entries: list[Any], indent: int | None, ascii: bool,
                                                   block: int) -> None:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(harscan, "BLOCK", block)
        assert scan(har(entries, indent=indent, ensure_ascii=ascii)) == (entries, None)
