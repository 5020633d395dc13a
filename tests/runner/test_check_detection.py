"""`contracts check` against small servers: a correct one gives no errors; each broken one is caught."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from contracts.cli import run
from contracts.report.check import report_schema

from .servers import ROOT, TOKEN, enos_app, iotda_app, serve

IOTDA = str(ROOT / "specs" / "iotda-v5.yaml")
ENOS = str(ROOT / "specs" / "enos-connect-v2.5.yaml")


def check(app: Any, spec: str, tmp_path: Path, *extra: str, token: bool = True) -> tuple[int, dict[str, Any]]:
    with serve(app) as url:
        args = ["check", "--spec", spec, "--base-url", url, "--report-dir", str(tmp_path), "--seed", "7",
                "--max-examples", "0",
                "--timeout", "5", *extra]
        if token:
            args += ["--header", f"X-Auth-Token: {TOKEN}"]
        code = run(args)
    report = json.loads((tmp_path / "report.json").read_text())
    jsonschema.validate(report, report_schema())
    return code, report


def errors(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return sorted({(f["operation"], f["check"], f["kind"], f["location"]) for f in report["findings"]
                   if f["severity"] == "error"})


@pytest.mark.parametrize("app,spec", [(iotda_app, IOTDA), (enos_app, ENOS)], ids=["iotda", "enos"])
def test_correct_implementation_has_no_error_findings(app: Any, spec: str, tmp_path: Path) -> None:
    code, report = check(app(), spec, tmp_path)
    assert code == 0
    assert errors(report) == []
    assert report["summary"]["by_severity"]["error"] == 0
    assert report["summary"]["cases"] > 10
    for name in ("report.md", "junit.xml", "report.html"):
        assert (tmp_path / name).stat().st_size > 200


BROKEN = [
    ("wrong-type", "ShowAsyncDeviceCommand", "response_schema_conformance", "wrong-type", "/body/expire_time",
     "expected integer, got string"),
    ("enum", "ShowAsyncDeviceCommand", "response_schema_conformance", "enum-mismatch", "/body/status",
     '"DONE" is not a documented value'),
    ("pattern", "ShowAsyncDeviceCommand", "response_schema_conformance", "out-of-range", "/body/created_time",
     "does not match the time format yyyyMMdd'T'HHmmss'Z'"),
    ("content-type", "ShowAsyncDeviceCommand", "content_type_conformance", "content-type", "/header/content-type",
     "Content-Type 'text/plain; charset=utf-8' is not documented"),
    ("status", "ShowAsyncDeviceCommand", "status_code_conformance", "undocumented-status", "/status",
     "status 202 is not documented"),
    ("accept-invalid", "ListBatchTasks", "negative_data_rejection", "accepted-invalid-input", "/query/limit",
     "invalid input was accepted (HTTP 200): limit="),
    ("ignore-auth", "ListBatchTasks", "ignored_auth", "auth-ignored", "/header",
     "although no credentials were sent"),
    ("ignore-limit", "ListBatchTasks", "pagination", "pagination", "/body/batchtasks",
     "records although limit="),
]


@pytest.mark.parametrize("mode,op,check_name,kind,location,words", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_break_is_caught(tmp_path: Path, mode: str, op: str, check_name: str, kind: str, location: str,
                              words: str) -> None:
    code, report = check(iotda_app(mode), IOTDA, tmp_path)
    assert code == 1
    hits = [f for f in report["findings"] if (f["operation"], f["check"], f["kind"], f["location"]) ==
            (op, check_name, kind, location)]
    assert hits, errors(report)
    assert words in hits[0]["message"]
    assert hits[0]["evidence"]["curl"].startswith("curl ")
    if mode == "accept-invalid":  # not a number, below the minimum, above the maximum: one merged finding
        assert hits[0]["count"] >= 3
    assert report["summary"]["checks"][op][check_name] == "fail"


def test_undocumented_field_is_a_warning_unless_strict(tmp_path: Path) -> None:
    code, report = check(iotda_app("undocumented-field"), IOTDA, tmp_path / "lax")
    assert code == 0
    warned = [f for f in report["findings"] if f["kind"] == "undocumented-field"]
    assert warned and {f["severity"] for f in warned} == {"warning"}
    assert {f["location"] for f in warned} == {"/body/surprise"}
    code, report = check(iotda_app("undocumented-field"), IOTDA, tmp_path / "strict", "--strict")
    assert code == 1
    assert {f["severity"] for f in report["findings"] if f["kind"] == "undocumented-field"} == {"error"}


def test_enos_error_hidden_as_success_is_caught(tmp_path: Path) -> None:
    code, report = check(enos_app("error-as-success"), ENOS, tmp_path, token=False)
    assert code == 1
    found = errors(report)
    assert ("createJob", "negative_data_rejection", "accepted-invalid-input", "/body/desc") in found
    assert ("getJob", "negative_data_rejection", "accepted-invalid-input", "/query/jobId") in found
    desc = next(f for f in report["findings"] if f["location"] == "/body/desc" and f["severity"] == "error")
    assert "HTTP 200 with code=0" in desc["message"]


def test_enos_error_envelope_is_not_a_broken_success(tmp_path: Path) -> None:
    """getJob for an unknown id answers code -1: checked as the error envelope, no finding."""
    code, report = check(enos_app(), ENOS, tmp_path, token=False)
    assert code == 0
    assert not [f for f in report["findings"] if f["check"] == "response_schema_conformance"]


def test_round_trip_mismatch(tmp_path: Path) -> None:
    code, report = check(enos_app("round-trip"), ENOS, tmp_path, token=False)
    assert code == 1
    hit = next(f for f in report["findings"] if f["check"] == "stateful_round_trip")
    assert hit["location"] == "/body/data/desc"
    assert "getJob returned 'changed'" in hit["message"]


def test_checks_can_be_selected_and_excluded(tmp_path: Path) -> None:
    code, report = check(iotda_app("enum"), IOTDA, tmp_path, "--exclude-checks", "response_schema_conformance")
    assert code == 0 and errors(report) == []
    code, report = check(iotda_app("enum"), IOTDA, tmp_path, "--checks", "response_schema_conformance")
    assert code == 1
    assert set(report["summary"]["checks"]["ShowAsyncDeviceCommand"]) == {"response_schema_conformance"}


def test_valid_input_rejected_is_caught(tmp_path: Path) -> None:
    code, report = check(iotda_app("reject-valid"), IOTDA, tmp_path)
    assert code == 1
    hit = next(f for f in report["findings"] if f["check"] == "positive_data_acceptance")
    assert (hit["kind"], hit["location"], hit["severity"]) == ("rejected-valid-input", "/query/limit", "error")
    assert "rejected with HTTP 400 (the maximum 50)" in hit["message"]


def test_documented_500_for_invalid_input_is_a_warning(tmp_path: Path) -> None:
    code, report = check(iotda_app("crash-on-invalid"), IOTDA, tmp_path)
    hits = [f for f in report["findings"] if f["kind"] == "rejection-not-documented"]
    assert hits and {f["severity"] for f in hits} == {"warning"}
    assert "may be transient" in hits[0]["message"]
    assert code == 0  # documented server errors are conformance; the warnings say why they are suspicious


def test_undocumented_response_header_is_info_and_warning_when_strict(tmp_path: Path) -> None:
    code, report = check(iotda_app("extra-header"), IOTDA, tmp_path / "lax")
    hits = [f for f in report["findings"] if f["kind"] == "undocumented-header"]
    assert code == 0 and hits and {f["severity"] for f in hits} == {"info"}
    assert {f["location"] for f in hits} == {"/header/x-debug-trace"}
    code, report = check(iotda_app("extra-header"), IOTDA, tmp_path / "strict", "--strict")
    assert {f["severity"] for f in report["findings"] if f["kind"] == "undocumented-header"} == {"warning"}


def test_missing_envelope_field_is_an_error(tmp_path: Path) -> None:
    code, report = check(enos_app("no-code"), ENOS, tmp_path, token=False)
    assert code == 1
    hit = next(f for f in report["findings"] if f["location"] == "/body/code")
    assert hit["kind"] == "missing-field"
    assert "success cannot be told from failure" in hit["message"]


def test_nothing_valid_succeeded_is_a_warning_with_a_hint(tmp_path: Path) -> None:
    code, report = check(iotda_app(), IOTDA, tmp_path, token=False)  # no credentials: everything is 401
    hits = [f for f in report["findings"] if f["check"] == "positive_data_acceptance" and f["location"] == ""]
    assert hits and {f["severity"] for f in hits} == {"warning"}
    assert hits[0]["suggestion"] == "pass credentials with --header 'Name: value'"
    assert code == 0
