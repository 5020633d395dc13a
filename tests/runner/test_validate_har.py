"""`contracts validate FILE.har`: recorded traffic, offline, streamed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contracts.cli import run

ROOT = Path(__file__).resolve().parents[2]
CMD = "https://iot.example.com/v5/iot/p/devices/c1224afb-e9f0-4916-8220-b6bab568e888/async-commands/c1"
GOOD = {"device_id": "d", "command_id": "c", "status": "SENT"}


def entry(url: str, status: int, body: Any, token: str = "har-secret-token") -> dict[str, Any]:
    return {"startedDateTime": "2026-01-01T00:00:00Z", "time": 1,
            "request": {"method": "GET", "url": url, "httpVersion": "HTTP/1.1", "cookies": [], "queryString": [],
                        "headers": [{"name": "X-Auth-Token", "value": token}], "headersSize": -1, "bodySize": 0},
            "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [],
                         "headers": [{"name": "Content-Type", "value": "application/json"}],
                         "content": {"size": 0, "mimeType": "application/json", "text": json.dumps(body)},
                         "redirectURL": "", "headersSize": -1, "bodySize": -1},
            "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}}


def write_har(path: Path, entries: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
                                        "entries": entries}}))
    return path


def test_findings_reports_and_exit_code(tmp_path: Path) -> None:
    har = write_har(tmp_path / "t.har", [
        entry(CMD, 200, GOOD),
        entry(CMD, 200, {**GOOD, "status": "NOPE"}),
        entry(CMD, 200, {**GOOD, "status": "NOPE"}),
        entry("https://iot.example.com/v5/iot/p/nothing-here", 404, {}),
        entry(CMD, 502, {"oops": 1}),
    ])
    out = tmp_path / "r"
    assert run(["validate", str(har), "--report-dir", str(out)]) == 1
    report = json.loads((out / "report.json").read_text())
    got = {(f["check"], f["kind"], f["location"], f["severity"], f.get("count", 1)) for f in report["findings"]}
    assert ("response_schema_conformance", "enum-mismatch", "/body/status", "error", 2) in got
    assert ("documented_endpoint", "undocumented-endpoint", "", "warning", 1) in got
    assert ("not_a_server_error", "server-error", "/status", "error", 1) in got
    assert report["summary"]["command"] == "validate" and report["summary"]["requests"] == 5
    for name in ("report.json", "report.md", "junit.xml", "report.html"):
        assert "har-secret-token" not in (out / name).read_text()


def test_base_url_filters_entries(tmp_path: Path) -> None:
    har = write_har(tmp_path / "t.har", [entry(CMD, 200, GOOD), entry("https://cdn.example.com/app.js", 200, {})])
    out = tmp_path / "r"
    assert run(["validate", str(har), "--base-url", "https://iot.example.com", "--report-dir", str(out)]) == 0
    summary = json.loads((out / "report.json").read_text())["summary"]
    assert summary["requests"] == 1 and summary["skipped_entries"] == 1


@pytest.mark.parametrize("content,words", [
    ("{not json", "not a valid HAR (JSON) file"),
    ('{"log": {"pages": []}}', "not a HAR file: it has no log.entries list"),
])
def test_broken_har_is_one_line_exit_2(tmp_path: Path, content: str, words: str) -> None:
    har = tmp_path / "bad.har"
    har.write_text(content)
    proc = subprocess.run([sys.executable, "-c", "from contracts.cli import main; main()", "validate", str(har)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert words in proc.stderr.strip().splitlines()[-1]


def test_missing_har_file(tmp_path: Path) -> None:
    assert run(["validate", str(tmp_path / "none.har")]) == 2


MEASURE = """
import resource, sys
from contracts.core.validator import Contract
from contracts.runner.har import validate_har
contract = Contract.from_paths([sys.argv[2]])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = validate_har(contract, sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
[finding] = [f for f in result.findings if f.kind == "enum-mismatch"]
print(result.requests, finding.count, before, after)
"""


@pytest.mark.slow
def test_100k_entries_in_bounded_memory(tmp_path: Path) -> None:
    har = tmp_path / "big.har"
    one = json.dumps(entry(CMD, 200, {**GOOD, "status": "NOPE"}))
    with har.open("w") as fh:
        fh.write('{"log": {"version": "1.2", "entries": [')
        fh.write(",".join([one] * 100_000))
        fh.write("]}}")
    size_mb = har.stat().st_size / 1e6
    assert size_mb > 50
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(har), str(ROOT / "specs")], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    requests_seen, count, before_kb, after_kb = map(int, proc.stdout.split())
    assert requests_seen == 100_000 and count == 100_000
    grown_mb = (after_kb - before_kb) / 1024
    assert grown_mb < 30, f"peak RSS grew {grown_mb:.0f} MB while streaming a {size_mb:.0f} MB HAR"
