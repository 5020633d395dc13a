"""The verdict memo of `validate FILE.har` (runner/har.py) changes no report: memo on == memo off."""

from __future__ import annotations

import base64
import copy
import random
from pathlib import Path
from typing import Any

import pytest

from contracts.core.validator import Contract
from contracts.runner.har import VerdictMemo, exchange_key, validate_har

from .test_validate_har import CMD, GOOD, entry, write_har

ROOT = Path(__file__).resolve().parents[2]
IOTDA = ROOT / "specs" / "iotda-v5.yaml"
HOST = "https://iot.example.com"


def _variants() -> list[dict[str, Any]]:
    """Valid and invalid exchanges, undocumented endpoints, server errors, odd content."""
    out = [entry(CMD, 200, GOOD), entry(CMD, 200, {**GOOD, "status": "NOPE"}),
           entry(CMD, 200, {**GOOD, "extra_field": 1}), entry(CMD, 502, {"oops": 1}),
           entry(CMD, 404, {"error_code": "X", "error_msg": "no"}), entry(CMD, 200, GOOD, token=""),
           entry(f"{HOST}/v5/iot/p/nothing-here", 404, {}), entry(f"{HOST}/v5/iot/p/batchtasks?limit=500", 200, {}),
           entry(f"{HOST}/v5/iot/p/batchtasks?task_type=createDevices&limit=5", 200, {"batchtasks": []})]
    text = copy.deepcopy(out[0])
    text["response"]["content"]["text"] = "not json"
    out.append(text)
    b64 = copy.deepcopy(out[1])
    b64["response"]["content"]["text"] = base64.b64encode(b64["response"]["content"]["text"].encode()).decode()
    b64["response"]["content"]["encoding"] = "base64"
    out.append(b64)
    broken = copy.deepcopy(out[0])
    broken["response"]["content"].update(text="!!!", encoding="base64")
    out.append(broken)
    truncated = copy.deepcopy(out[0])
    truncated["response"]["content"] = {"_truncated": True, "size": 99, "mimeType": "application/json"}
    out.append(truncated)
    header = copy.deepcopy(out[0])
    header["response"]["headers"].append({"name": "X-Odd", "value": "1"})
    out.append(header)
    no_response = copy.deepcopy(out[1])
    del no_response["response"]
    out.append(no_response)
    mime = copy.deepcopy(out[0])
    mime["response"]["headers"] = []
    out.append(mime)
    out.append({"request": {"method": "GET"}})  # malformed: no url
    return out


def _report(result: Any) -> Any:
    return (result.findings, result.requests, result.cases, result.applied, result.skipped_entries)


@pytest.mark.parametrize("seed", range(4))
def test_memo_changes_nothing(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    variants = _variants()
    # many undocumented endpoints, repeated, so the cap on listed endpoints is crossed while verdicts replay
    variants += [entry(f"{HOST}/v5/iot/p/unknown-{i}", 404, {}) for i in range(rng.choice((5, 250)))]
    entries = []
    for n in range(3000):
        e = copy.deepcopy(rng.choice(variants))
        e["startedDateTime"] = f"2026-01-01T00:00:{n % 60:02d}.{n % 1000:03d}Z"
        e["time"] = n
        entries.append(e)
    har = write_har(tmp_path / "t.har", entries)
    contract = Contract.from_paths([IOTDA])
    on = validate_har(contract, har)
    off = validate_har(Contract.from_paths([IOTDA]), har, memo=False)
    assert _report(on) == _report(off)
    assert any(f.count > 1 for f in on.findings) and on.requests == off.requests
    for base in (HOST + "/v5/iot/p/unknown", "https://elsewhere.example.com"):
        assert _report(validate_har(contract, har, base_url=base)) == \
            _report(validate_har(contract, har, base_url=base, memo=False))


def test_key_ignores_time_stamps_not_content() -> None:
    a, b = entry(CMD, 200, GOOD), entry(CMD, 200, GOOD)
    b["startedDateTime"], b["time"], b["timings"] = "2027-01-01T00:00:00Z", 9, {"wait": 5}
    assert exchange_key(a) == exchange_key(b)
    c = copy.deepcopy(a)
    c["response"]["content"]["size"] = True
    d = copy.deepcopy(a)
    d["response"]["content"]["size"] = 1
    assert exchange_key(c) != exchange_key(d)
    for change in (("request", "url", CMD + "x"), ("response", "status", 201)):
        e = copy.deepcopy(a)
        e[change[0]][change[1]] = change[2]
        assert exchange_key(e) != exchange_key(a)


def test_memo_is_bounded_and_keeps_only_repeats() -> None:
    memo = VerdictMemo(size=8, max_weight=10_000)
    for i in range(100):
        memo.put(("k", str(i)), (None, None, ()))
    assert len(memo) == 0  # each seen once: nothing kept
    for i in range(100):
        for _ in range(2):  # seen a second time: kept, the oldest out beyond the size
            memo.put(("k", str(i)), (None, None, ()))
    assert len(memo) == 8 and memo.get(("k", "99")) is not None and memo.get(("k", "0")) is None
    memo.put(("big", "x" * 20_000), (None, None, ()))
    memo.put(("big", "x" * 20_000), (None, None, ()))
    assert memo.get(("big", "x" * 20_000)) is None
