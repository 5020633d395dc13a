"""Generated cases: zero findings on correct servers, every mock fault caught, shrunk reproductions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contracts.cli import run
from contracts.mock import FAULTS
from contracts.runner import transport as transport_module
from contracts.runner.session import Options, open_session

from .servers import ROOT, TOKEN, enos_app, iotda_app, oceanconnect_app, serve

SPECS = ROOT / "specs"


def report(path: Path) -> dict[str, Any]:
    return json.loads((path / "report.json").read_text())


@pytest.mark.slow
def test_plain_check_on_the_correct_mock_finds_nothing(tmp_path: Path) -> None:
    assert run(["check", "--seed", "1", "--report-dir", str(tmp_path)]) == 0
    data = report(tmp_path)
    assert data["findings"] == []
    assert data["summary"]["max_examples"] == 50  # the default budget generated cases
    assert data["summary"]["cases"] > 400


# fault -> the checks that must fire at error level (undocumented fields are warnings unless --strict)
EXPECTED = {
    "wrong-type": {"response_schema_conformance"},
    "enum-value": {"response_schema_conformance"},
    "iso-time": {"response_schema_conformance"},
    "ignore-auth": {"ignored_auth"},
    "server-error": {"not_a_server_error", "content_type_conformance", "response_schema_conformance"},
    "accept-invalid": {"negative_data_rejection"},
    "enos-error-as-success": {"negative_data_rejection"},  # data: null as well, which the docs call "Null." (info)
    "ignore-limit": {"pagination"},
    "getjob-mismatch": {"stateful_round_trip"},
}


def test_every_fault_has_an_expectation() -> None:
    assert set(EXPECTED) | {"undocumented-field"} == set(FAULTS)


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_each_mock_fault_is_caught_by_the_expected_check(fault: str) -> None:
    session = open_session(Options(seed=1, mock_faults=(fault,)))
    try:
        result = session.runner().run(session.selected_operations())
    finally:
        session.close()
    fired = {f.check for f in result.findings if f.severity.value == "error"}
    assert result.exit_code == 1
    assert EXPECTED[fault] <= fired, fired
    if fault == "iso-time":
        assert any("yyyyMMdd'T'HHmmss'Z'" in f.message for f in result.findings)
    if fault == "getjob-mismatch":
        assert {f.operation for f in result.findings} == {"getJob"}


@pytest.mark.slow
def test_undocumented_field_fault_is_a_warning_and_strict_makes_it_an_error() -> None:
    for strict, severity, code in ((False, "warning", 0), (True, "error", 1)):
        session = open_session(Options(seed=1, mock_faults=("undocumented-field",), strict=strict))
        try:
            result = session.runner().run(session.selected_operations())
        finally:
            session.close()
        hits = [f for f in result.findings if f.kind == "undocumented-field"]
        assert hits and {f.severity.value for f in hits} == {severity}
        assert {f.check for f in hits} == {"response_schema_conformance"}
        assert result.exit_code == code


SERVERS = {
    "oceanconnect": (lambda: oceanconnect_app(flaky_every=5), "oceanconnect-iocm-v1.4.0.yaml",
                     ["app_key: app-1", f"Authorization: Bearer {TOKEN}"]),
    "iotda": (lambda: iotda_app(flaky_every=7), "iotda-v5.yaml", [f"X-Auth-Token: {TOKEN}"]),
    "enos": (enos_app, "enos-connect-v2.5.yaml", []),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SERVERS))
def test_documented_errors_are_not_failures(name: str, tmp_path: Path) -> None:
    """HTTP-200 error envelopes, documented 500s and not-found answers: zero findings of any level."""
    factory, spec, headers = SERVERS[name]
    with serve(factory()) as url:
        args = ["check", "--spec", str(SPECS / spec), "--base-url", url, "--seed", "3", "--report-dir", str(tmp_path)]
        for h in headers:
            args += ["--header", h]
        code = run(args)
    data = report(tmp_path)
    assert data["findings"] == [] and code == 0
    # the run did meet the documented error paths it must tolerate
    assert data["summary"]["requests"] > 60


def _record(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, bytes | None]]:
    seen: list[tuple[str, str, bytes | None]] = []
    real = transport_module.AsgiTransport.send

    def send(self: Any, request: Any) -> Any:
        seen.append((request.method, request.url, request.body))
        return real(self, request)

    monkeypatch.setattr(transport_module.AsgiTransport, "send", send)
    return seen


@pytest.mark.slow
def test_same_seed_same_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = []
    for _ in range(2):
        seen = _record(monkeypatch)
        session = open_session(Options(seed=42, max_examples=15, specs=[str(SPECS / "iotda-v5.yaml")]))
        try:
            session.runner().run(session.selected_operations())
        finally:
            session.close()
        runs.append(list(seen))
        monkeypatch.undo()
    assert len(runs[0]) > 50 and runs[0] == runs[1]


def test_generated_failure_is_shrunk_to_a_minimal_request(tmp_path: Path) -> None:
    """Only generated offsets in 100..400 break this server; hypothesis shrinks to offset=100."""
    with serve(iotda_app("offset-crash")) as url:
        code = run(["check", "--spec", str(SPECS / "iotda-v5.yaml"), "--base-url", url, "--seed", "5",
                    "--header", f"X-Auth-Token: {TOKEN}", "--operation", "ListBatchTasks",
                    "--max-examples", "40", "--report-dir", str(tmp_path)])
    assert code == 1
    [crash] = [f for f in report(tmp_path)["findings"] if f["check"] == "not_a_server_error"]
    assert crash["extra"]["shrunk"] is True and crash["seed"] == 5
    assert crash["count"] >= 1
    assert "offset=100" in crash["evidence"]["curl"]
    assert crash["evidence"]["response"]["status"] == 502


PARALLEL = """
import json, sys
from contracts.runner.session import Options, open_session
out = {}
for workers in (1, 2):
    session = open_session(Options(seed=9, max_examples=20, workers=workers, mock_faults=("enum-value",)))
    try:
        result = session.runner().run(session.selected_operations())
    finally:
        session.close()
    out[workers] = {"cases": result.cases, "findings": sorted([f.operation, f.check, f.location, f.kind, f.count]
                                                               for f in result.findings)}
print(json.dumps(out))
"""


@pytest.mark.slow
def test_forked_workers_give_the_same_report_as_one_process() -> None:
    """Run in a fresh single-threaded process: the only place the runner forks."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", PARALLEL], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["1"] == out["2"]
    assert out["1"]["findings"]


@pytest.mark.slow
def test_ctrl_c_during_forked_generation_stops_the_workers_and_keeps_the_report(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-c", "from contracts.cli import main; main()", "check",
                             "--max-examples", "5000", "--seed", "1", "--report-dir", str(tmp_path)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("contracts check:")  # the run has started (however busy the machine)
    time.sleep(3)  # planned cases are done (or nearly, on a busy machine); the forked workers are generating
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "contracts: error: interrupted; the reports cover what ran so far"
    summary = report(tmp_path)["summary"]
    assert summary["interrupted"] is True and summary["requests"] >= 1
    leftovers = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert leftovers == []  # no generation worker outlives the run
