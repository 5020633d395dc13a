"""Every fault breaks the contract in a way the core validator or a plain behavioural check catches."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from contracts.core.errors import UsageError
from contracts.core.validator import Contract
from contracts.mock import FAULTS, create_app

from .conftest import BATCHTASKS, CANCEL_TASKS, COMMANDS, SAMPLE_COMMAND_PATH, Client, Exchange, findings
from .test_enos import MINIMAL

GET_SAMPLE_JOB = f"{COMMANDS}?action=getJob&orgId=yourOrgId&jobId=jobId"
CREATE = f"{COMMANDS}?action=createJob&orgId=org-a"


def success_exchanges(client: Client, iotda: dict[str, str], oc: dict[str, str]) -> dict[str, Exchange]:
    """One valid request per operation."""
    return {
        "createJob": client.post(CREATE, json=MINIMAL),
        "getJob": client.get(GET_SAMPLE_JOB),
        "ListBatchTasks": client.get(f"{BATCHTASKS}?task_type=softwareUpgrade&limit=3", headers=iotda),
        "ShowAsyncDeviceCommand": client.get(SAMPLE_COMMAND_PATH, headers=iotda),
        "queryDeviceCmdCancelTask": client.get(f"{CANCEL_TASKS}?pageSize=3", headers=oc),
    }


def kinds_by_operation(strict: Contract, exchanges: dict[str, Exchange]) -> dict[str, set[str]]:
    return {op: {f.kind for f in findings(strict, ex)} for op, ex in exchanges.items()}


def test_the_fault_list_names_ten_documented_faults() -> None:
    assert list(FAULTS) == ["wrong-type", "undocumented-field", "enum-value", "iso-time", "ignore-auth",
                            "server-error", "accept-invalid", "enos-error-as-success", "ignore-limit",
                            "getjob-mismatch"]
    assert all(f.description and "\n" not in f.description and f.name == name for name, f in FAULTS.items())


def test_an_unknown_fault_is_a_usage_error_with_a_suggestion(specs: list[Any]) -> None:
    with pytest.raises(UsageError, match="unknown fault 'iso-times'; did you mean 'iso-time'"):
        create_app(specs, faults=["iso-times"])


def test_no_fault_no_finding(client: Client, iotda_headers: dict[str, str], oc_headers: dict[str, str],
                             strict: Contract) -> None:
    found = kinds_by_operation(strict, success_exchanges(client, iotda_headers, oc_headers))
    assert found == {op: set() for op in found}


@pytest.mark.parametrize(("fault", "kind", "operations"), [
    ("wrong-type", "wrong-type", {"createJob", "getJob", "ListBatchTasks", "ShowAsyncDeviceCommand",
                                  "queryDeviceCmdCancelTask"}),
    ("undocumented-field", "undocumented-field", {"createJob", "getJob", "ListBatchTasks", "ShowAsyncDeviceCommand",
                                                  "queryDeviceCmdCancelTask"}),
    # EnOS documents no enum and no yyyyMMdd'T'HHmmss'Z' time, so these two stop at the Huawei APIs.
    ("enum-value", "enum-mismatch", {"ListBatchTasks", "ShowAsyncDeviceCommand", "queryDeviceCmdCancelTask"}),
    ("iso-time", "out-of-range", {"ListBatchTasks", "ShowAsyncDeviceCommand", "queryDeviceCmdCancelTask"}),
])
def test_body_faults_are_schema_findings_on_every_vendor(fault: str, kind: str, operations: set[str],
                                                         make_client: Callable[..., Client],
                                                         iotda_headers: dict[str, str], oc_headers: dict[str, str],
                                                         strict: Contract) -> None:
    exchanges = success_exchanges(make_client(faults=[fault]), iotda_headers, oc_headers)
    assert all(ex.status == 200 for ex in exchanges.values())
    found = kinds_by_operation(strict, exchanges)
    assert {op for op, ks in found.items() if kind in ks} == operations
    assert all(ks == set() for op, ks in found.items() if op not in operations)


def test_iso_time_writes_the_iso_form(make_client: Callable[..., Client], iotda_headers: dict[str, str]) -> None:
    body = make_client(faults=["iso-time"]).get(SAMPLE_COMMAND_PATH, headers=iotda_headers).json()
    assert body["created_time"] == "2015-12-12T12:12:12Z" and body["response_time"] == "2015-12-12T13:13:12Z"


def test_ignore_auth_serves_callers_without_credentials(make_client: Callable[..., Client]) -> None:
    client = make_client(faults=["ignore-auth"])
    for url, headers in ((SAMPLE_COMMAND_PATH, {}), (f"{BATCHTASKS}?task_type=createDevices", {"X-Auth-Token": "x"}),
                         (CANCEL_TASKS, {}), (CANCEL_TASKS, {"app_key": "x", "Authorization": "Bearer y"})):
        assert client.get(url, headers=headers).status == 200


def test_server_error_answers_valid_requests_with_plain_text_500(make_client: Callable[..., Client],
                                                                  iotda_headers: dict[str, str],
                                                                  oc_headers: dict[str, str], strict: Contract) -> None:
    client = make_client(faults=["server-error"])
    exchanges = success_exchanges(client, iotda_headers, oc_headers)
    for op, exchange in exchanges.items():
        assert exchange.status == 500 and (exchange.response.content_type or "").startswith("text/plain"), op
    found = kinds_by_operation(strict, exchanges)
    assert found["createJob"] == found["getJob"] == {"undocumented-status"}  # EnOS documents only 200
    for op in ("ListBatchTasks", "ShowAsyncDeviceCommand", "queryDeviceCmdCancelTask"):
        assert {"content-type", "invalid-json"} == found[op]  # documented 500s are JSON
    invalid = client.get(f"{BATCHTASKS}?task_type=createDevices&limit=0", headers=iotda_headers)
    assert invalid.status == 400  # invalid input is still rejected


def test_accept_invalid_serves_invalid_input(make_client: Callable[..., Client], iotda_headers: dict[str, str],
                                             oc_headers: dict[str, str], strict: Contract) -> None:
    client = make_client(faults=["accept-invalid"])
    over = client.get(f"{BATCHTASKS}?task_type=softwareUpgrade&limit=60", headers=iotda_headers)
    assert over.status == 200 and len(over.json()["batchtasks"]) == 60
    untyped = client.get(f"{BATCHTASKS}?offset=501&limit=0", headers=iotda_headers)
    assert untyped.status == 200 and untyped.json()["batchtasks"] == []
    big_page = client.get(f"{CANCEL_TASKS}?pageSize=1001&pageNo=-1", headers=oc_headers)
    assert big_page.status == 200 and big_page.json()["pagination"]["pageSize"] == 1001
    long_desc = client.post(CREATE, json={**MINIMAL, "desc": "x" * 150})
    job_id = long_desc.json()["data"]
    assert long_desc.json()["code"] == 0
    assert client.get(f"{COMMANDS}?action=getJob&orgId=org-a&jobId={job_id}").json()["data"]["desc"] == "x" * 150
    for exchange in (over, untyped, big_page, long_desc):
        match = strict.match(exchange.request)
        assert match is not None
        assert list(strict.iter_request_findings(exchange.request, match.operation)), "the core sees it invalid"
    broken = client.post(CREATE, content=b"{not json", headers={"content-type": "application/json"})
    assert broken.json()["code"] == -1  # unreadable input cannot be served


def test_enos_error_as_success_reports_failures_with_code_0(make_client: Callable[..., Client],
                                                            strict: Contract) -> None:
    client = make_client(faults=["enos-error-as-success"])
    invalid = client.post(CREATE, json={**MINIMAL, "desc": "x" * 101})
    unknown = client.get(f"{COMMANDS}?action=getJob&orgId=org-a&jobId=nope")
    for exchange in (invalid, unknown):
        body = exchange.json()
        assert body["code"] == 0 and body["data"] is None
        assert ("unexpected-null", "/body/data") in {(f.kind, f.location) for f in findings(strict, exchange)}


def test_ignore_limit_returns_more_than_asked(make_client: Callable[..., Client], iotda_headers: dict[str, str],
                                              oc_headers: dict[str, str]) -> None:
    client = make_client(faults=["ignore-limit"])
    tasks = client.get(f"{BATCHTASKS}?task_type=softwareUpgrade&limit=5", headers=iotda_headers).json()
    assert len(tasks["batchtasks"]) > 5
    cancels = client.get(f"{CANCEL_TASKS}?pageSize=5", headers=oc_headers).json()
    assert len(cancels["data"]) > 5 and cancels["pagination"]["pageSize"] == 5


def test_getjob_mismatch_serves_another_job_than_was_stored(make_client: Callable[..., Client],
                                                            strict: Contract) -> None:
    client = make_client(faults=["getjob-mismatch"])
    sent = {**MINIMAL, "timeoutPolicy": {"inProgressTimeoutInSeconds": 900, "ttlTimeoutInSeconds": 5}}
    job_id = client.post(CREATE, json=sent).json()["data"]
    fetched = client.get(f"{COMMANDS}?action=getJob&orgId=org-a&jobId={job_id}")
    assert fetched.json()["data"]["timeoutPolicy"] != sent["timeoutPolicy"]
    assert findings(strict, fetched) == []  # still valid: only a round trip shows it


def test_faults_combine(make_client: Callable[..., Client], iotda_headers: dict[str, str], strict: Contract) -> None:
    client = make_client(faults=["wrong-type", "iso-time", "undocumented-field", "enum-value"])
    found = {f.kind for f in findings(strict, client.get(SAMPLE_COMMAND_PATH, headers=iotda_headers))}
    assert found == {"wrong-type", "out-of-range", "undocumented-field", "enum-mismatch"}
