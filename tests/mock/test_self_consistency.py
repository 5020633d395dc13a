"""Every answer the mock gives validates against the specs, with zero findings of any severity.

Driven three ways: the docs' own request samples, generated valid requests
and generated invalid ones (hypothesis, derandomised so every run sends the
same requests). Each request must also match the operation it was built for,
and invalid ones must be answered with a documented rejection.
"""

from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import quote, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.core.spec import Operation, Spec
from contracts.core.validator import Contract
from contracts.mock import create_app, demo_headers
from contracts.mock.credentials import (OCEANCONNECT_APP_KEY, OCEANCONNECT_AUTHORIZED_APP_ID,
                                        OCEANCONNECT_UNAUTHORIZED_APP_ID)
from contracts.mock.data import (CANCEL_TASK_STATUSES, IOTDA_APP_IDS, TASK_STATUSES, TASK_TYPES, async_commands,
                                 batch_tasks, cancel_tasks)

from .conftest import BATCHTASKS, CANCEL_TASKS, COMMANDS, SAMPLE_COMMAND, SAMPLE_DEVICE, Client, Exchange

SEED = 5
SETTINGS = settings(max_examples=120, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PATH_VALUES = {"project_id": "p1", "device_id": SAMPLE_DEVICE, "command_id": SAMPLE_COMMAND}
TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
ID_CHARS = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", min_size=1, max_size=40)
TIME = st.datetimes().map(lambda d: d.strftime("%Y%m%dT%H%M%SZ")).filter(lambda t: len(t) == 16)
OC_APPS = (OCEANCONNECT_APP_KEY, OCEANCONNECT_AUTHORIZED_APP_ID, OCEANCONNECT_UNAUTHORIZED_APP_ID)
TASKS = batch_tasks(SEED)
COMMAND_KEYS = sorted(async_commands(SEED)) + [(SAMPLE_DEVICE, SAMPLE_COMMAND)]
CANCELS = cancel_tasks(SEED, *OC_APPS)


class Checked:
    """A client whose every exchange is matched and validated against the strict contract."""

    def __init__(self, client: Client, contract: Contract, ops: dict[str, Operation]) -> None:
        self.client = client
        self.contract = contract
        self.ops = ops
        self.sent = 0

    def send(self, operation_id: str, method: str, url: str, headers: dict[str, str] | None = None,
             **options: Any) -> Exchange:
        exchange = self.client.request(method, url, headers=headers, **options)
        self.sent += 1
        match = self.contract.match(exchange.request)
        assert match is not None and match.operation.operation_id == operation_id, url
        found = list(self.contract.iter_response_findings(exchange.request, exchange.response, match.operation))
        assert found == [], [f"{f.kind} {f.location}: {f.message}" for f in found] + [exchange.body[:300]]
        return exchange

    def rejected(self, operation_id: str, exchange: Exchange) -> bool:
        """A documented failure (OceanConnect documents 500 for a missing app_key)."""
        outcome = self.contract.outcome(self.ops[operation_id], exchange.response)
        return outcome.documented and outcome.kind != "success"


@pytest.fixture(scope="module")
def checked(specs: list[Spec], strict: Contract, ops: dict[str, Operation]) -> Iterator[Checked]:
    client = Client(create_app(specs, seed=SEED))
    yield Checked(client, strict, ops)
    client.close()


def query(params: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in params.items() if v is not None}, quote_via=quote)


# -- the docs' samples ---------------------------------------------------------------------


def sample_request(op: Operation, sample: Any) -> tuple[str, dict[str, str], Any]:
    """The sample's URL with placeholders filled (paths) or dropped (query), masked headers replaced."""
    parts = urlsplit(sample.url.replace("{", "%7B").replace("}", "%7D"))
    path = re.sub(r"%7B([^%]+)%7D", lambda m: PATH_VALUES[m.group(1)], parts.path)
    kept = [p for p in parts.query.split("&") if p and "%7B" not in p]
    headers = {k: v for k, v in sample.headers.items() if "*" not in v}
    headers.update(demo_headers(op))
    body = None
    if sample.body_example and op.request_body is not None:
        examples = op.request_body.content["application/json"].examples
        body = next(e.value for e in examples if e.name == sample.body_example)
    return path + ("?" + "&".join(kept) if kept else ""), headers, body


def test_the_docs_request_samples(checked: Checked, ops: dict[str, Operation]) -> None:
    statuses = {}
    for op in ops.values():
        for sample in op.request_samples:
            url, headers, body = sample_request(op, sample)
            exchange = checked.send(op.operation_id, sample.method, url, headers, json=body)
            statuses[op.operation_id] = (exchange.status, exchange.json().get("code"))
    assert statuses == {
        "createJob": (200, 0),
        "getJob": (200, 0),
        "ListBatchTasks": (400, None),  # the docs' sample omits the mandatory task_type
        "ShowAsyncDeviceCommand": (200, None),
        "queryDeviceCmdCancelTask": (200, None),
    }


# -- generated valid requests -------------------------------------------------------------


def members(optional: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """An object whose members are each present or absent."""
    return st.fixed_dictionaries({}, optional=optional)


def list_batch_tasks() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"task_type": st.sampled_from(TASK_TYPES)}, optional={
        "status": st.sampled_from(TASK_STATUSES),
        "app_id": st.one_of(st.sampled_from(IOTDA_APP_IDS), ID_CHARS.map(lambda s: s[:36])),
        "limit": st.integers(1, 50),
        "offset": st.integers(0, 500),
        "marker": st.one_of(st.sampled_from([t.task_id for t in TASKS]).map(lambda i: i.upper()),
                            st.from_regex(r"\A[0-9a-f]{24}\Z")),
    })


def cancel_task_query() -> st.SearchStrategy[dict[str, Any]]:
    devices = sorted(d for ids in CANCELS.devices.values() for d in ids)
    return members({
        "pageNo": st.integers(0, 2**31 - 1),  # Integer: int32
        "pageSize": st.integers(1, 1000),
        "taskId": st.one_of(st.sampled_from([t.task_id for t in CANCELS.tasks]), TEXT),
        "deviceId": st.one_of(st.sampled_from(devices), TEXT),
        "status": st.sampled_from(CANCEL_TASK_STATUSES),
        "startTime": TIME,
        "endTime": TIME,
        "appId": st.one_of(st.sampled_from(OC_APPS), TEXT),
    })


JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63), st.floats(allow_nan=False,
                      allow_infinity=False), TEXT)
JSON = st.recursive(JSON_LEAF, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(TEXT, inner, max_size=3)), max_leaves=8)


def job_body() -> st.SearchStrategy[dict[str, Any]]:
    device = members({"assetId": JSON_LEAF, "productKey": TEXT, "deviceKey": TEXT})
    return st.fixed_dictionaries({
        "name": members({"defaultValue": TEXT,
                                                    "i18nValue": st.dictionaries(TEXT, TEXT, max_size=2)}),
        "targetScope": members({"targetType": TEXT,
                                                           "targetDevices": st.lists(device, max_size=3)}),
        "schedulePolicy": members({
            "scheduleType": TEXT,
            "disposableSchedulePolicy": members({"triggerTs": st.integers(0, 2**62)})}),
        "desc": st.text(st.characters(codec="utf-8"), max_size=100),
        "commandInfo": members({
            "commandType": TEXT, "setMeasurepointInfo": st.dictionaries(TEXT, JSON, max_size=2),
            "serviceInvokeInfo": members({
                "serviceId": TEXT, "inputData": st.dictionaries(TEXT, JSON, max_size=3)})}),
    }, optional={
        "timeoutPolicy": members({"inProgressTimeoutInSeconds": st.integers(1, 900),
                                                             "ttlTimeoutInSeconds": st.integers(0, 172800)}),
        "retryPolicy": members({
            "enableRetry": st.booleans(),
            "retryIntervalInSeconds": st.one_of(st.integers(0, 86400), st.floats(0, 86400)),
            "retryCount": st.one_of(st.integers(1, 10), st.floats(1, 10))}),
    })


@SETTINGS
@given(params=list_batch_tasks(), instance=st.one_of(st.none(), ID_CHARS))
def test_generated_batch_task_listings(checked: Checked, iotda_headers: dict[str, str], params: dict[str, Any],
                                       instance: str | None) -> None:
    headers = {**iotda_headers, **({"Instance-Id": instance} if instance else {})}
    exchange = checked.send("ListBatchTasks", "GET", f"{BATCHTASKS}?{query(params)}", headers)
    assert exchange.status == 200


@SETTINGS
@given(key=st.one_of(st.sampled_from(COMMAND_KEYS), st.tuples(ID_CHARS, ID_CHARS)))
def test_generated_command_lookups(checked: Checked, iotda_headers: dict[str, str], key: tuple[str, str]) -> None:
    device, command = key
    exchange = checked.send("ShowAsyncDeviceCommand", "GET", f"/v5/iot/p1/devices/{device}/async-commands/{command}",
                            iotda_headers)
    assert exchange.status == (200 if key in COMMAND_KEYS else 404)


@SETTINGS
@given(params=cancel_task_query())
def test_generated_cancel_task_queries(checked: Checked, oc_headers: dict[str, str], params: dict[str, Any]) -> None:
    exchange = checked.send("queryDeviceCmdCancelTask", "GET", f"{CANCEL_TASKS}?{query(params)}", oc_headers)
    assert exchange.status == 200


@SETTINGS
@given(body=job_body(), org=ID_CHARS)
def test_generated_jobs_round_trip(checked: Checked, body: dict[str, Any], org: str) -> None:
    created = checked.send("createJob", "POST", f"{COMMANDS}?action=createJob&orgId={quote(org)}", json=body)
    assert created.json()["code"] == 0
    job_id = created.json()["data"]
    fetched = checked.send("getJob", "GET", f"{COMMANDS}?action=getJob&orgId={quote(org)}&jobId={job_id}")
    job = fetched.json()["data"]
    assert {k: job[k] for k in body if k not in ("timeoutPolicy", "retryPolicy")} == {
        k: v for k, v in body.items() if k not in ("timeoutPolicy", "retryPolicy")}
    for policy in ("timeoutPolicy", "retryPolicy"):
        assert body.get(policy, {}).items() <= job[policy].items()


# -- generated invalid requests -----------------------------------------------------------


BAD_BATCH_PARAMS = st.one_of(
    st.tuples(st.just("limit"), st.one_of(st.integers(max_value=0), st.integers(min_value=51), TEXT.filter(
        lambda s: not re.fullmatch(r"[+-]?\d+", s)))),
    st.tuples(st.just("offset"), st.one_of(st.integers(max_value=-1), st.integers(min_value=501))),
    st.tuples(st.just("marker"), TEXT.filter(lambda s: not re.fullmatch(r"[0-9a-fA-F]{24}", s))),
    st.tuples(st.just("status"), TEXT.filter(lambda s: s not in TASK_STATUSES)),
    st.tuples(st.just("task_type"), TEXT.filter(lambda s: s not in TASK_TYPES)),
    st.tuples(st.just("app_id"), st.text(min_size=37, max_size=40) | st.just("bad space")),
)


@SETTINGS
@given(bad=BAD_BATCH_PARAMS, token=st.sampled_from(["good", "missing", "wrong"]))
def test_generated_invalid_listings_are_documented_rejections(checked: Checked, iotda_headers: dict[str, str],
                                                              bad: tuple[str, Any], token: str) -> None:
    params: dict[str, Any] = {"task_type": "createDevices", bad[0]: bad[1]}
    headers = {"good": iotda_headers, "missing": {}, "wrong": {"X-Auth-Token": "nope"}}[token]
    exchange = checked.send("ListBatchTasks", "GET", f"{BATCHTASKS}?{query(params)}", headers)
    assert exchange.status == (400 if token == "good" else 401)
    assert checked.rejected("ListBatchTasks", exchange)


BAD_CANCEL_PARAMS = st.one_of(
    st.tuples(st.just("pageSize"), st.one_of(st.integers(max_value=0), st.integers(min_value=1001))),
    st.tuples(st.just("pageNo"), st.one_of(st.integers(max_value=-1), st.just("1.5"))),
    st.tuples(st.just("status"), TEXT.filter(lambda s: s not in CANCEL_TASK_STATUSES)),
    st.tuples(st.sampled_from(["startTime", "endTime"]), TEXT.filter(lambda s: not re.fullmatch(r"\d{8}T\d{6}Z", s))),
)


@SETTINGS
@given(bad=BAD_CANCEL_PARAMS, auth=st.sampled_from(["good", "no-app-key", "no-token", "bad-token", "bad-app"]))
def test_generated_invalid_cancel_task_queries_are_documented_rejections(checked: Checked, oc_headers: dict[str, str],
                                                                         bad: tuple[str, Any], auth: str) -> None:
    headers = dict(oc_headers)
    if auth == "no-app-key":
        del headers["app_key"]
    elif auth == "no-token":
        del headers["Authorization"]
    elif auth == "bad-token":
        headers["Authorization"] = "Bearer nope"
    elif auth == "bad-app":
        headers["app_key"] = "nope"
    exchange = checked.send("queryDeviceCmdCancelTask", "GET", f"{CANCEL_TASKS}?{query({bad[0]: bad[1]})}", headers)
    assert exchange.status == {"good": 400, "no-app-key": 500}.get(auth, 403)
    assert checked.rejected("queryDeviceCmdCancelTask", exchange)


BAD_MEMBERS = st.sampled_from([
    ("desc", "x" * 101), ("desc", 5), ("name", "n"), ("targetScope", []), ("commandInfo", None),
    ("timeoutPolicy", {"inProgressTimeoutInSeconds": 0}), ("timeoutPolicy", {"inProgressTimeoutInSeconds": 901}),
    ("timeoutPolicy", {"ttlTimeoutInSeconds": -1}), ("timeoutPolicy", {"ttlTimeoutInSeconds": 172801}),
    ("retryPolicy", {"retryCount": 0}), ("retryPolicy", {"retryCount": 10.5}), ("retryPolicy", {"enableRetry": "yes"}),
    ("retryPolicy", {"retryIntervalInSeconds": 86401}),
    ("schedulePolicy", {"disposableSchedulePolicy": {"triggerTs": 1.5}}),
])


@SETTINGS
@given(body=job_body(), bad=BAD_MEMBERS, drop=st.sampled_from([None, "name", "targetScope", "schedulePolicy", "desc",
                                                               "commandInfo"]))
def test_generated_invalid_jobs_are_enos_failures(checked: Checked, body: dict[str, Any], bad: tuple[str, Any],
                                                  drop: str | None) -> None:
    broken = {**body, bad[0]: bad[1]}
    if drop is not None:
        broken.pop(drop)
    exchange = checked.send("createJob", "POST", f"{COMMANDS}?action=createJob&orgId=o", json=broken)
    answer = exchange.json()
    assert answer["code"] == -1 and answer["data"] is None
    assert checked.rejected("createJob", exchange)


def test_hostile_requests_are_documented_rejections(checked: Checked, iotda_headers: dict[str, str],
                                                    oc_headers: dict[str, str]) -> None:
    json_header = {"content-type": "application/json"}
    cases = [
        ("createJob", "POST", f"{COMMANDS}?action=createJob&orgId=o", {}, {"content": b"[1, 2"}),
        ("createJob", "POST", f"{COMMANDS}?action=createJob&orgId=o", json_header, {"content": b"[]"}),
        ("createJob", "POST", f"{COMMANDS}?action=createJob&orgId=o", {"content-type": "text/xml"},
         {"content": b"<a/>"}),
        ("createJob", "POST", f"{COMMANDS}?action=createJob&orgId=o", json_header, {"content": b"x" * (2**20 + 1)}),
        ("createJob", "POST", f"{COMMANDS}?action=createJob", json_header, {"content": b"{}"}),
        ("getJob", "GET", f"{COMMANDS}?action=getJob&orgId=o", {}, {}),
        ("getJob", "GET", f"{COMMANDS}?action=getJob&orgId=o&jobId=none", {}, {}),
        ("ListBatchTasks", "GET", BATCHTASKS, iotda_headers, {}),
        ("ShowAsyncDeviceCommand", "GET", "/v5/iot/p1/devices/%2F/async-commands/x", iotda_headers, {}),
        ("queryDeviceCmdCancelTask", "GET", f"{CANCEL_TASKS}?pageNo=&pageSize=", oc_headers, {}),
    ]
    for operation_id, method, url, headers, options in cases:
        exchange = checked.send(operation_id, method, url, headers, **options)
        assert checked.rejected(operation_id, exchange), url
        assert b"Traceback" not in exchange.body
