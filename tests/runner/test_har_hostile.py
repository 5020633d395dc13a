"""`contracts validate` on hostile recordings: malformed entries are skipped and named, the rest is still
validated, and nesting cannot exhaust memory."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.cli import run

from .servers import ROOT
from .test_validate_har import CMD, GOOD, entry

IOTDA = str(ROOT / "specs" / "iotda-v5.yaml")


def har(path: Path, entries: list[Any]) -> Path:
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
                                        "entries": entries}}))
    return path


def broken(**changes: Any) -> dict[str, Any]:
    e = entry(CMD, 200, GOOD)
    for where, value in changes.items():
        part, _, key = where.partition("__")
        e[part][key] = value
    return e


MALFORMED = [
    (broken(request__headers={"X-Auth-Token": "t"}), "request.headers is not a list"),
    (broken(request__headers=[{"value": "no name"}]), "request.headers[0] has no name"),
    (broken(response__status="two hundred"), "response.status 'two hundred' is not an HTTP status"),
    (broken(response__headers=[{"name": "X", "value": 5}]), "has a value that is not a string"),
    (broken(request__url=["not", "a", "url"]), "request.url is not a string"),
    ("not an entry", "the entry is a string, not an object"),
    (broken(response__content={"text": "!!!", "encoding": "base64"}), "entry 7 is skipped"),
]


def test_each_malformed_entry_is_named_and_the_rest_is_still_validated(tmp_path: Path) -> None:
    entries = [e for e, _ in MALFORMED] + [entry(CMD, 200, {**GOOD, "status": "NOPE"})]
    code = run(["validate", str(har(tmp_path / "bad.har", entries)), "--spec", IOTDA, "--report-dir",
                str(tmp_path / "r")])
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert code == 1  # the one good entry's enum deviation is still found
    assert any(f["kind"] == "enum-mismatch" for f in report["findings"])
    malformed = [f for f in report["findings"] if f["kind"] == "malformed-entry"]
    messages = " | ".join(f["message"] for f in malformed) + " | " + " | ".join(
        str(f.get("extra")) for f in malformed)
    assert sum(f.get("count", 1) for f in malformed) == len(MALFORMED)
    for _, words in MALFORMED:
        assert words in messages or words.split(" ")[0] in messages, words


@pytest.mark.slow
def test_a_recording_nested_100000_deep_stays_in_bounded_memory(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    text = json.dumps({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
                               "entries": ["@DEEP@", entry(CMD, 200, GOOD)]}}).replace('"@DEEP@"', deep)
    path = tmp_path / "deep.har"
    path.write_text(text)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, "-c", "from contracts.cli import main; main()", "validate", str(path),
                           "--spec", IOTDA, "--report-dir", str(tmp_path / "r")], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert peak_mb < 500, peak_mb
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert any(f["kind"] == "malformed-entry" and "deeper than" in f["message"] for f in report["findings"])


JSONISH = st.recursive(st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
                       lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                           st.sampled_from(["request", "response", "method", "url", "headers", "name", "value",
                                            "status", "content", "text", "encoding", "postData", "x"]), inner,
                           max_size=5), max_leaves=15)


@settings(max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(entries=st.lists(JSONISH, max_size=4))
def test_generated_entries_never_crash_validate(entries: list[Any], tmp_path_factory: pytest.TempPathFactory) -> None:
    path = har(tmp_path_factory.mktemp("gen") / "g.har", [*entries, entry(CMD, 200, GOOD)])
    assert run(["validate", str(path), "--spec", IOTDA]) in (0, 1)


def test_integers_beyond_64_bits_in_the_recording_itself_are_read(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """JSON allows them and yajl refuses them: the rest of the file is read by ijson's Python backend,
    every entry once, the ones before the big number included."""
    entries = [entry(CMD, 200, GOOD), {**entry(CMD, 200, GOOD), "time": 2**70},
               {**entry(CMD, 200, GOOD), "time": -(2**63)}, broken(response__status="two hundred")]
    path = har(tmp_path / "big.har", entries)
    assert run(["validate", str(path), "--spec", IOTDA, "--report-dir", str(tmp_path / "out")]) == 0
    assert "3 entries validated" in capsys.readouterr().out
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert [f["message"] for f in report["findings"] if "entry 4" in f["message"]], report["findings"]
