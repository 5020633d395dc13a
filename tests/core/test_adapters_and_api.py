"""iter_findings/validate on httpx and requests objects, raw tuples and HAR entries."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import requests

from contracts.core.errors import UsageError
from contracts.core.validator import Contract, ContractViolation, iter_findings, validate

ROOT = Path(__file__).resolve().parents[2]
URL = ("https://iot.example.com/v5/iot/p1/devices/c1224afb-e9f0-4916-8220-b6bab568e888/async-commands/"
       "b1224afb-e9f0-4916-8220-b6bab568e888")
GOOD = {"device_id": "d", "command_id": "c", "status": "SENT", "created_time": "20151212T121212Z"}
BAD = {**GOOD, "status": "NOPE"}


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract.from_paths([ROOT / "specs"])


def kinds(findings: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(f.kind, f.location) for f in findings]


def test_httpx_response(contract: Contract) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=BAD)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        resp = client.get(URL, headers={"X-Auth-Token": "t"})
    assert kinds(list(iter_findings(contract, resp))) == [("enum-mismatch", "/body/status")]
    with pytest.raises(ContractViolation) as err:
        validate(contract, resp)
    assert isinstance(err.value, AssertionError)
    assert "/body/status" in str(err.value) and "reproduce: curl" in str(err.value)


def test_requests_response(contract: Contract) -> None:
    resp = requests.Response()
    resp.status_code = 200
    resp.headers["Content-Type"] = "application/json"
    resp._content = json.dumps(GOOD).encode()
    resp.request = requests.Request("GET", URL, headers={"X-Auth-Token": "t"}).prepare()
    assert list(iter_findings(contract, resp)) == []


def test_raw_tuples(contract: Contract) -> None:
    request = ("GET", URL, {"X-Auth-Token": "t"}, None)
    response = (200, {"Content-Type": "application/json"}, json.dumps(BAD).encode())
    assert kinds(list(iter_findings(contract, request, response))) == [("enum-mismatch", "/body/status")]


def test_request_only_checks_parameters_and_auth(contract: Contract) -> None:
    findings = list(iter_findings(contract, ("GET", "https://x/v5/iot/p1/batchtasks?limit=99", {}, None)))
    assert sorted(kinds(findings)) == [("missing-auth", "/header/X-Auth-Token"),
                                       ("missing-parameter", "/query/task_type"),
                                       ("out-of-range", "/query/limit")]


def test_har_entry(contract: Contract) -> None:
    entry = {"request": {"method": "GET", "url": URL, "headers": [{"name": "X-Auth-Token", "value": "t"}]},
             "response": {"status": 500, "headers": [], "content": {"mimeType": "application/json",
                                                                    "text": json.dumps({"error_code": "IOTDA.000001",
                                                                                        "error_msg": "boom"})}}}
    assert list(iter_findings(contract, entry)) == []  # a documented 500 with its envelope is conformance


def test_operation_can_be_named(contract: Contract) -> None:
    findings = validate(contract, ("GET", URL, {"X-Auth-Token": "t"}), (200, {"Content-Type": "application/json"},
                                                                       json.dumps({**GOOD, "x": 1})),
                        operation="ShowAsyncDeviceCommand")
    assert kinds(findings) == [("undocumented-field", "/body/x")]  # a warning: validate returns it


def test_unknown_objects_are_usage_errors(contract: Contract) -> None:
    with pytest.raises(UsageError, match="cannot read a request from int"):
        list(iter_findings(contract, 42))


def test_undocumented_endpoint_is_a_warning(contract: Contract) -> None:
    [f] = list(iter_findings(contract, ("GET", "https://x/connect-service/v2.5/commands?action=deleteJob", {})))
    assert (f.kind, f.severity.value) == ("undocumented-endpoint", "warning")
    assert f.suggestion == "documented with action=getJob"


def test_oceanconnect_http_200_error_must_carry_a_code_documented_for_200(contract: Contract) -> None:
    url = "https://h/iocm/app/cmd/v1.4.0/deviceCommandCancelTasks?deviceId=d9"
    headers = {"app_key": "a", "Authorization": "Bearer t"}
    ok = (200, {"Content-Type": "application/json"}, json.dumps({"error_code": "100418", "error_desc": "x"}))
    assert list(iter_findings(contract, ("GET", url, headers), ok)) == []
    wrong = (200, {"Content-Type": "application/json"}, json.dumps({"error_code": "100022", "error_desc": "x"}))
    [f] = list(iter_findings(contract, ("GET", url, headers), wrong))
    assert (f.kind, f.location) == ("enum-mismatch", "/body/error_code")
    assert "checked as the error envelope" in f.message and '"100418"' in f.message


def test_enos_http_200_with_code_is_checked_as_the_error_envelope(contract: Contract) -> None:
    url = "https://h/connect-service/v2.5/commands?action=getJob&orgId=o&jobId=j"
    bad = (200, {"Content-Type": "application/json"}, json.dumps({"code": -1, "requestId": "r"}))
    [f] = list(iter_findings(contract, ("GET", url, {}), bad))
    assert (f.kind, f.location) == ("missing-field", "/body/msg")
    assert "checked as the error envelope" in f.message
