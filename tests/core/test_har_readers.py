"""The fast HAR reader (entries built by ijson's C backend) and the safe one (event by event) agree:
same entries, same Malformed markers, same errors, whichever takes over and wherever."""

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


def read(path: Path, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every entry (or the error) as one reader sees it; ``fast=False`` hands over at the first chunk."""
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(har, "FAST_BRACKETS", -1)
        try:
            return [repr(e) for e in har.iter_entries(path)]
        except UsageError as exc:
            return f"UsageError: {exc}"


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
}


@pytest.mark.parametrize("name", list(RECORDINGS))
def test_both_readers_give_the_same_entries(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.har"
    path.write_text(RECORDINGS[name])
    fast, safe = read(path, fast=True, monkeypatch=monkeypatch), read(path, fast=False, monkeypatch=monkeypatch)
    assert fast == safe
    if name.startswith("deep") or name.startswith("100"):
        assert any("deeper than 128" in e for e in fast) and repr(ENTRY) in fast[-1]


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


JSONISH = st.recursive(st.none() | st.booleans() | st.integers(-(2**63) + 1, 2**63 - 1) | st.text(max_size=6),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                           st.sampled_from(["request", "response", "method", "url", "headers", "name", "value",
                                            "status", "content", "text", "postData"]), inner, max_size=4),
                       max_leaves=12)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(entries=st.lists(JSONISH, max_size=4))
def test_generated_recordings_read_alike(entries: list[Any], tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("g") / "g.har"
    path.write_text(json.dumps({"log": {"entries": [*entries, ENTRY]}}))
    with pytest.MonkeyPatch.context() as m:
        assert read(path, fast=True, monkeypatch=m) == read(path, fast=False, monkeypatch=m)
