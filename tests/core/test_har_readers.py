"""The three HAR readers (harscan's byte cuts parsed by orjson, entries built by ijson's C backend, and
the safe one, event by event) agree: same entries, same Malformed markers, same errors, whichever takes
over and wherever."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.core import har
from contracts.core.errors import UsageError

ENTRY = {"request": {"method": "GET", "url": "https://iot.example.com/v5/iot/p/batchtasks?task_type=x",
                     "headers": [{"name": "X-Auth-Token", "value": "t"}]},
         "response": {"status": 200, "headers": [{"name": "Content-Type", "value": "application/json"}],
                      "content": {"text": "{\"batchtasks\": [], \"page\": {\"count\": 0}}"}}}


READERS = ("scan", "ijson", "safe")


def _unsure(handle: Any) -> Any:
    raise har.harscan.Unsure(0)


def read(path: Path, *, reader: str = "scan", monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every entry (or the error) as one reader sees it: ``ijson`` leaves harscan out, ``safe`` hands over
    to the event-by-event reader at the first chunk."""
    with monkeypatch.context() as m:
        if reader != "scan":
            m.setattr(har.harscan, "entries", _unsure)
        if reader == "safe":
            m.setattr(har, "FAST_BRACKETS", -1)
        try:
            return [repr(e) for e in har.iter_entries(path)]
        except UsageError as exc:
            return f"UsageError: {exc}"


def read_all(path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """What the three readers give, after checking that they agree."""
    seen = [read(path, reader=r, monkeypatch=monkeypatch) for r in READERS]
    assert seen[0] == seen[1] == seen[2]
    return seen[0]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


RECORDINGS = {
    "scalars and shapes": json.dumps({"log": {"entries": ["s", 1, 2.5, True, None, ENTRY, [1], {"request": 1}]}}),
    "no entries": json.dumps({"log": {"entries": []}}),
    "no log.entries": json.dumps({"log": {"pages": []}}),
    "not JSON": "{not json",
    "integer overflow": '{"log": {"entries": [' + json.dumps(ENTRY) + ', {"time": 1180591620717411303424}]}}',
    "depth 128 and 129": '{"log": {"entries": [' + nested(129) + "," + nested(128) + "," + json.dumps(ENTRY) + "]}}",
    "deep after many entries": '{"log": {"entries": [' + ",".join([json.dumps(ENTRY)] * 300) + ","
                               + nested(7000) + "," + json.dumps(ENTRY) + "]}}",
    "100,000 deep": '{"log": {"entries": [' + nested(100_000) + "," + json.dumps(ENTRY) + "]}}",
    "pretty, spaced, non-ASCII": json.dumps({"log": {"version": "1.2", "creator": {"name": "é"}, "entries": [
        ENTRY, {"startedDateTime": "x", **ENTRY, "comment": "中文 ✓"}, ENTRY], "pages": [{"id": "p"}]},
        "extra": [1, {"a": None}]}, indent=2, ensure_ascii=False),
    "first keys differ": '{"log": {"entries": [' + json.dumps(ENTRY) + ","
                         + json.dumps({"response": ENTRY["response"], "request": ENTRY["request"]}) + ","
                         + json.dumps(ENTRY) + "]}}",
    "the first key again, nested": '{"log": {"entries": [' + json.dumps({**ENTRY, "x": {"request": 1}}) + ","
                                   + json.dumps(ENTRY) + "]}}",
    "integers past 64 bits and at its edge": '{"log": {"entries": [' + json.dumps(
        {**ENTRY, "a": 2**70, "b": -(2**63), "c": 2**64 - 1, "d": "12345678901234567890123", "e": 1.5e300})
        + "," + json.dumps(ENTRY) + "]}}",
    "garbage after the document": '{"log": {"entries": [' + json.dumps(ENTRY) + "]}} x",
    "two entries lists": '{"log": {"entries": [' + json.dumps(ENTRY) + '], "entries": [' + json.dumps(
        {**ENTRY, "n": 2}) + "]}}",
    "two logs": '{"log": {"entries": [' + json.dumps(ENTRY) + ']}, "log": {"entries": [{"n": 2}]}}',
    "cut short": '{"log": {"entries": [' + json.dumps(ENTRY) + "," + json.dumps(ENTRY)[:50],
    "cut after an entry": '{"log": {"entries": [' + json.dumps(ENTRY) + "," + json.dumps(ENTRY),
    "a lone surrogate": '{"log": {"entries": [' + json.dumps(ENTRY) + ',{"c": "\\ud800"},' + json.dumps(ENTRY) + "]}}",
    "a number past double": '{"log": {"entries": [' + json.dumps(ENTRY) + ',{"c": 1e400}]}}',
    "a control character in a key": '{"log": {"cre\u0001": 1, "entries": [' + json.dumps(ENTRY) + "]}}",
    "a scalar after an entry": '{"log": {"entries": [' + json.dumps(ENTRY) + ", 3, " + json.dumps(ENTRY) + "]}}",
    "log first, then other members": '{"log": {"entries": [' + json.dumps(ENTRY) + '], "comment": "c"}, "z": 1}',
    "deep objects at the line": '{"log": {"entries": [' + json.dumps(ENTRY)[:-1] + ', "x": ' + nested(127) + "},"
                                + json.dumps(ENTRY)[:-1] + ', "x": ' + nested(128) + "}," + json.dumps(ENTRY) + "]}}",
    "brackets in strings only": '{"log": {"entries": [' + json.dumps({**ENTRY, "comment": "[{" * 300}) + "]}}",
    "members before log": '{"z": 1, "log": {"entries": [' + json.dumps(ENTRY) + "]}}",
}


@pytest.mark.parametrize("name", list(RECORDINGS))
def test_every_reader_gives_the_same_entries(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.har"
    path.write_text(RECORDINGS[name], encoding="utf-8")
    seen = read_all(path, monkeypatch)
    if name.startswith("deep") or name.startswith("100"):
        assert any("deeper than 128" in e for e in seen) and repr(ENTRY) in seen[-1]
    if name == "deep objects at the line":  # the entry is level 1: 127 lists inside it make 128
        assert "deeper than" not in seen[0] and "index=2" in seen[1] and "deeper than 128" in seen[1]
    if name == "brackets in strings only":
        assert "Malformed" not in seen[0]


def test_invalid_utf8_in_an_entry_reads_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.har"
    path.write_bytes(b'{"log": {"entries": [' + json.dumps(ENTRY).encode() + b', {"c": "\xff\xfe"}]}}')
    read_all(path, monkeypatch)


@pytest.mark.parametrize("after", [0, 1, 2, 3, 4])
def test_harscan_handing_over_anywhere_repeats_no_entry(after: int, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.har"
    entries = [{**ENTRY, "n": n} for n in range(5)]
    path.write_text(json.dumps({"log": {"entries": entries}}))
    real = har.harscan.entries

    def stops(handle: Any) -> Any:
        for n, item in enumerate(real(handle)):
            if n == after:
                raise har.harscan.Unsure(n)
            yield item

    expected = read(path, monkeypatch=monkeypatch)
    monkeypatch.setattr(har.harscan, "entries", stops)
    assert read(path, monkeypatch=monkeypatch) == expected == [repr(e) for e in entries]


def test_a_deep_entry_midway_hands_over_without_repeating_entries(tmp_path: Path) -> None:
    path = tmp_path / "r.har"
    path.write_text(RECORDINGS["deep after many entries"])
    entries = list(har.iter_entries(path))
    assert len(entries) == 302
    assert isinstance(entries[300], har.Malformed) and entries[300].index == 301


def test_the_depth_probe_draws_the_line_at_max_depth() -> None:
    probe = har._DepthProbe()
    assert probe.usable
    for depth in (1, 2, har.MAX_DEPTH - 1, har.MAX_DEPTH, har.MAX_DEPTH + 1, 300):
        value = json.loads(nested(depth))
        assert probe.deeper(value) == har._deeper_than(value, har.MAX_DEPTH) == (depth > har.MAX_DEPTH)
    # a value orjson refuses for another reason (a lone surrogate) is measured exactly instead
    assert probe.deeper({"a": ["\ud800"]}) is False


JSONISH = st.recursive(st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=6)
                       | st.floats(allow_nan=False, allow_infinity=False),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                           st.sampled_from(["request", "response", "method", "url", "headers", "name", "value",
                                            "status", "content", "text", "postData", "é", "a b"]), inner,
                           max_size=4),
                       max_leaves=12)


@settings(max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(entries=st.lists(JSONISH, max_size=4), indent=st.sampled_from([None, 0, 2]), ascii=st.booleans(),
       block=st.sampled_from([1, 3, 64, 1 << 20]), cut=st.none() | st.integers(0, 400))
def test_generated_recordings_read_alike(entries: list[Any], indent: int | None, ascii: bool, block: int,
                                         cut: int | None, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Any entries, any layout, read in blocks of any size (so that entries and characters straddle them),
    whole or cut short anywhere."""
    path = tmp_path_factory.mktemp("g") / "g.har"
    data = json.dumps({"log": {"entries": [*entries, ENTRY]}}, indent=indent, ensure_ascii=ascii).encode()
    path.write_bytes(data if cut is None else data[:cut])
    with pytest.MonkeyPatch.context() as m:
        m.setattr(har.harscan, "BLOCK", block)
        read_all(path, m)


def test_a_pipe_is_read_once_by_ijson(tmp_path: Path) -> None:
    """harscan may hand over and read again from the start, which a pipe cannot: ijson reads it."""
    import os
    import threading

    fifo, plain = tmp_path / "r.har", tmp_path / "plain.har"
    os.mkfifo(fifo)
    text = json.dumps({"log": {"entries": [ENTRY, 3, {**ENTRY, "n": 2}]}})  # harscan would hand over at the 3
    plain.write_text(text)

    def write() -> None:
        with fifo.open("w") as out:
            out.write(text)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        seen = [repr(e) for e in har.iter_entries(fifo)]
    finally:
        writer.join(timeout=10)
    assert seen == [repr(e) for e in har.iter_entries(plain)]
    assert seen[0] == repr(ENTRY) and "number" in seen[1] and seen[2] == repr({**ENTRY, "n": 2})


def test_a_pipe_that_needs_a_second_read_is_refused_not_waited_on(tmp_path: Path) -> None:
    import os
    import threading

    fifo = tmp_path / "r.har"
    os.mkfifo(fifo)
    text = RECORDINGS["deep after many entries"]

    def write() -> None:
        with fifo.open("w") as out:
            out.write(text)

    writer = threading.Thread(target=write)
    writer.start()
    seen: list[Any] = []
    try:
        with pytest.raises(UsageError, match="a pipe cannot be: save it to a file"):
            for entry in har.iter_entries(fifo):
                seen.append(entry)
    finally:
        writer.join(timeout=10)
    assert 200 < len(seen) <= 300 and all(e == ENTRY for e in seen)  # the entries read before it are kept
