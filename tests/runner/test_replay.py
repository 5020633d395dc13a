"""`contracts replay`: a finding's request sent again with today's credentials, and the new verdict."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .servers import ROOT, TOKEN, iotda_app, serve

IOTDA = str(ROOT / "specs" / "iotda-v5.yaml")
AUTH = ["--header", f"X-Auth-Token: {TOKEN}"]


def contracts(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from contracts.cli import main; main()", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=180)


def reported(tmp_path: Path, broken: str, *extra: str) -> tuple[Path, dict[str, Any]]:
    """A check report against a server broken one way (the server is gone afterwards)."""
    out = tmp_path / broken
    with serve(iotda_app(broken=broken)) as url:
        proc = contracts("check", "--spec", IOTDA, "--base-url", url, *AUTH, "--seed", "1", "--max-examples", "5",
                         "--report-dir", str(out), *extra)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return out / "report.json", json.loads((out / "report.json").read_text())


def number_of(report: dict[str, Any], check: str) -> str:
    return str(next(i for i, f in enumerate(report["findings"], 1) if f["check"] == check))


@pytest.fixture(scope="module")
def wrong_type(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    return reported(tmp_path_factory.mktemp("replay"), "wrong-type", "--operation", "ShowAsyncDeviceCommand")


def test_a_finding_that_still_reproduces_exits_1(wrong_type: tuple[Path, dict[str, Any]]) -> None:
    path, report = wrong_type
    with serve(iotda_app(broken="wrong-type")) as url:
        proc = contracts("replay", str(path), number_of(report, "response_schema_conformance"), "--base-url", url,
                         *AUTH)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "still reproduces: error /body/expire_time wrong-type" in proc.stdout
    assert '"expire_time": "0"' in proc.stdout  # the new answer, pretty-printed
    assert "replayed 1 of 1 finding(s): 1 still reproduce, 0 fixed" in proc.stdout
    assert TOKEN not in proc.stdout + proc.stderr


def test_a_fixed_finding_exits_0(wrong_type: tuple[Path, dict[str, Any]]) -> None:
    path, _ = wrong_type
    with serve(iotda_app()) as url:
        proc = contracts("replay", str(path), "--base-url", url, *AUTH)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "fixed: response_schema_conformance finds no wrong-type at /body/expire_time now" in proc.stdout
    assert "0 still reproduce, 1 fixed" in proc.stdout


def test_without_todays_credentials_a_refusal_is_inconclusive_not_fixed(wrong_type: tuple[Path, dict[str, Any]]) -> None:
    path, _ = wrong_type
    with serve(iotda_app()) as url:
        proc = contracts("replay", str(path), "--base-url", url)
    assert proc.returncode == 2
    assert "X-Auth-Token was masked in the report and nothing gives it now" in proc.stdout
    assert "inconclusive" in proc.stdout and "fixed" not in proc.stdout.split("replayed")[0]
    line, = proc.stderr.strip().splitlines()
    assert "HTTP 401, a refusal" in line and "give today's credentials" in line


def test_the_report_holds_no_secret_and_the_replay_prints_none(wrong_type: tuple[Path, dict[str, Any]]) -> None:
    path, _ = wrong_type
    assert TOKEN not in path.read_text()
    with serve(iotda_app(broken="wrong-type")) as url:
        proc = contracts("replay", str(path), "--base-url", url, *AUTH, "-v")
    assert proc.returncode == 1
    assert TOKEN not in proc.stdout + proc.stderr


def test_invalid_input_accepted_replays_as_a_negative_case(tmp_path: Path) -> None:
    path, report = reported(tmp_path, "accept-invalid", "--operation", "ListBatchTasks")
    number = number_of(report, "negative_data_rejection")
    with serve(iotda_app(broken="accept-invalid")) as url:
        still = contracts("replay", str(path), number, "--base-url", url, *AUTH)
    with serve(iotda_app()) as url:
        fixed = contracts("replay", str(path), number, "--base-url", url, *AUTH)
    assert still.returncode == 1, still.stdout + still.stderr
    assert "still reproduces: error" in still.stdout and "accepted-invalid" in still.stdout
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "HTTP 400" in fixed.stdout


def test_ignored_auth_is_replayed_without_the_credential(tmp_path: Path) -> None:
    path, report = reported(tmp_path, "ignore-auth", "--operation", "ShowAsyncDeviceCommand")
    number = number_of(report, "ignored_auth")
    with serve(iotda_app(broken="ignore-auth")) as url:
        still = contracts("replay", str(path), number, "--base-url", url, *AUTH)
    with serve(iotda_app()) as url:
        fixed = contracts("replay", str(path), number, "--base-url", url, *AUTH)
    assert still.returncode == 1, still.stdout + still.stderr
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "answer: HTTP 401" in fixed.stdout


def test_list_numbers_the_findings(wrong_type: tuple[Path, dict[str, Any]]) -> None:
    path, report = wrong_type
    proc = contracts("replay", str(path), "--list")
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[0].split()[:3] == ["1", report["findings"][0]["severity"],
                                                       report["findings"][0]["operation"]]


def test_select_by_words(wrong_type: tuple[Path, dict[str, Any]]) -> None:
    path, _ = wrong_type
    with serve(iotda_app(broken="wrong-type")) as url:
        proc = contracts("replay", str(path), "expire_time wrong-type", "--base-url", url, *AUTH)
    assert proc.returncode == 1
    unknown = contracts("replay", str(path), "wrong-typo")
    assert unknown.returncode == 2
    assert "did you mean 'wrong-type'" in unknown.stderr


@pytest.mark.parametrize("finding, message", [("0", "the report has findings 1 to"), ("99", "1 to")])
def test_a_number_out_of_range_is_a_usage_error(wrong_type: tuple[Path, dict[str, Any]], finding: str,
                                                message: str) -> None:
    proc = contracts("replay", str(wrong_type[0]), finding)
    assert proc.returncode == 2
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def _report(tmp_path: Path, finding: dict[str, Any], command: str = "check") -> Path:
    path = tmp_path / "report.json"
    path.write_text(json.dumps({"summary": {"command": command, "target": "http://127.0.0.1:9"},
                                "findings": [finding]}))
    return path


BASE = {"operation": "ListBatchTasks", "spec": "specs/iotda-v5.yaml", "severity": "error", "location": "/body",
        "kind": "wrong-type", "message": "m", "check": "response_schema_conformance"}


def test_a_request_body_cut_in_the_report_is_not_replayable(tmp_path: Path) -> None:
    request = {"method": "GET", "url": "http://127.0.0.1:9/v5/iot/p/batchtasks?task_type=x", "headers": {},
               "body": "{\"a\": 1… [5000 more bytes cut]"}
    path = _report(tmp_path, {**BASE, "evidence": {"request": request}})
    every = contracts("replay", str(path))
    assert every.returncode == 2
    assert "no error or warning finding that can be replayed: its request body was cut" in every.stderr
    one = contracts("replay", str(path), "1")
    assert one.returncode == 2
    assert "nothing could be replayed: its request body was cut in the report" in one.stderr


def test_a_stateful_finding_names_the_check_to_rerun(tmp_path: Path) -> None:
    request = {"method": "GET", "url": "http://127.0.0.1:9/v5/iot/p/batchtasks?task_type=x", "headers": {}}
    path = _report(tmp_path, {**BASE, "check": "pagination", "evidence": {"request": request}})
    proc = contracts("replay", str(path), "1")
    assert proc.returncode == 2
    assert "--checks pagination" in proc.stdout + proc.stderr


def test_an_unreachable_target_is_one_line(tmp_path: Path, wrong_type: tuple[Path, dict[str, Any]]) -> None:
    from .servers import free_port

    url = f"http://127.0.0.1:{free_port()}"
    proc = contracts("replay", str(wrong_type[0]), "1", "--base-url", url, *AUTH, "--timeout", "1")
    assert proc.returncode == 2
    assert url in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("content, message", [
    ("{not json", "report.json:1: not JSON"),
    ('{"summary": {"command": "audit"}, "findings": []}', "a 'audit' report has no requests to replay"),
    ("[]", "not a contracts report"),
])
def test_bad_reports_are_one_line_usage_errors(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "report.json").write_text(content)
    proc = contracts("replay", str(tmp_path / "report.json"))
    assert proc.returncode == 2
    line, = proc.stderr.strip().splitlines()
    assert message in line
    assert proc.stdout == ""


def test_a_missing_report_is_a_usage_error(tmp_path: Path) -> None:
    proc = contracts("replay", str(tmp_path / "nope.json"))
    assert proc.returncode == 2
    assert "no such report" in proc.stderr
