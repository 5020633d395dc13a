"""EnOS createJob/getJob: validation in the EnOS envelope, documented defaults, faithful storage."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any, Callable

import orjson

from contracts.core.spec import Operation
from contracts.core.validator import Contract
from contracts.mock.store import CREATED_BASE_MS, JobStore

from .conftest import COMMANDS, Client, app_of, findings

CREATE = f"{COMMANDS}?action=createJob&orgId=org-a"
MINIMAL: dict[str, Any] = {
    "name": {"defaultValue": "reboot"},
    "targetScope": {"targetType": "DEVICE_LIST", "targetDevices": [{"productKey": "p", "deviceKey": "d"}]},
    "schedulePolicy": {"scheduleType": "DISPOSABLE", "disposableSchedulePolicy": {"triggerTs": 1718952446317}},
    "desc": "reboot the fleet",
    "commandInfo": {"commandType": "SERVICE_INVOKE", "serviceInvokeInfo": {"serviceId": "reboot", "inputData": {}}},
}
MINIMAL_BYTES = orjson.dumps(MINIMAL)


def store_of(client: Client) -> JobStore:
    enos = next(v for v in app_of(client).vendors if v.name == "EnOS")
    store = getattr(enos, "store")
    assert isinstance(store, JobStore)
    return store


def get_job(client: Client, job_id: str, org: str = "org-a") -> dict[str, Any]:
    return client.get(f"{COMMANDS}?action=getJob&orgId={org}&jobId={job_id}").json()


def create(client: Client, body: Any, url: str = CREATE) -> dict[str, Any]:
    return client.post(url, json=body).json()


def test_create_then_get_returns_exactly_what_was_stored(client: Client, ops: dict[str, Operation],
                                                        strict: Contract) -> None:
    sample = ops["createJob"].request_body.content["application/json"].examples[0].value  # type: ignore[union-attr]
    created = client.post(CREATE, json=sample)
    answer = created.json()
    assert (answer["code"], answer["msg"]) == (0, "OK")
    assert uuid.UUID(answer["requestId"])
    fetched = client.get(f"{COMMANDS}?action=getJob&orgId=org-a&jobId={answer['data']}")
    job = fetched.json()["data"]
    assert job == {"orgId": "org-a", "jobId": answer["data"], "name": sample["name"],
                   "targetScope": sample["targetScope"], "schedulePolicy": sample["schedulePolicy"],
                   "timeoutPolicy": sample["timeoutPolicy"], "retryPolicy": sample["retryPolicy"],
                   "desc": sample["desc"], "status": "ENABLED", "commandInfo": sample["commandInfo"],
                   "createTimestamp": CREATED_BASE_MS + 1000}
    assert findings(strict, created) == [] and findings(strict, fetched) == []


def test_absent_policies_and_members_get_the_documented_defaults(client: Client) -> None:
    job = get_job(client, create(client, MINIMAL)["data"])["data"]
    assert job["timeoutPolicy"] == {"inProgressTimeoutInSeconds": 30, "ttlTimeoutInSeconds": 0}
    assert job["retryPolicy"] == {"retryIntervalInSeconds": 300, "retryCount": 3}
    partial = {**MINIMAL, "timeoutPolicy": {"inProgressTimeoutInSeconds": 60}, "retryPolicy": {"enableRetry": False}}
    job = get_job(client, create(client, partial)["data"])["data"]
    assert job["timeoutPolicy"] == {"inProgressTimeoutInSeconds": 60, "ttlTimeoutInSeconds": 0}
    assert job["retryPolicy"] == {"enableRetry": False, "retryIntervalInSeconds": 300, "retryCount": 3}


def test_invalid_bodies_get_code_minus_one_naming_the_field(client: Client, strict: Contract) -> None:
    cases = {
        "desc": {**MINIMAL, "desc": "x" * 101},
        "timeoutPolicy.inProgressTimeoutInSeconds": {**MINIMAL, "timeoutPolicy": {"inProgressTimeoutInSeconds": 0}},
        "timeoutPolicy.ttlTimeoutInSeconds": {**MINIMAL, "timeoutPolicy": {"ttlTimeoutInSeconds": 172801}},
        "retryPolicy.retryCount": {**MINIMAL, "retryPolicy": {"retryCount": 11}},
        "retryPolicy.retryIntervalInSeconds": {**MINIMAL, "retryPolicy": {"retryIntervalInSeconds": -1}},
        "name": {k: v for k, v in MINIMAL.items() if k != "name"},
        "commandInfo": {**MINIMAL, "commandInfo": "reboot"},
    }
    for field, body in cases.items():
        exchange = client.post(CREATE, json=body)
        answer = exchange.json()
        assert exchange.status == 200
        assert answer["code"] == -1 and answer["data"] is None, field
        assert answer["msg"].startswith(f"{field}: "), answer["msg"]
        assert findings(strict, exchange) == []
    assert len(store_of(client)) == 0


def test_undocumented_fields_are_accepted_but_not_stored(client: Client) -> None:
    body = {**MINIMAL, "priority": 1, "targetScope": {**MINIMAL["targetScope"], "region": "eu"}}
    answer = create(client, body)
    assert answer["code"] == 0
    job = get_job(client, answer["data"])["data"]
    assert "priority" not in job and "region" not in job["targetScope"]
    assert job["commandInfo"]["serviceInvokeInfo"]["inputData"] == {}


def test_unknown_job_and_another_orgs_job_are_failures_naming_the_job(client: Client, strict: Contract) -> None:
    job_id = create(client, MINIMAL)["data"]
    for org, wanted in (("org-a", "no-such-job"), ("org-b", job_id)):
        exchange = client.get(f"{COMMANDS}?action=getJob&orgId={org}&jobId={wanted}")
        answer = exchange.json()
        assert answer["code"] == -1 and answer["data"] is None
        assert wanted in answer["msg"] and org in answer["msg"]
        assert findings(strict, exchange) == []


def test_the_docs_sample_job_is_served_in_the_documented_form(client: Client, ops: dict[str, Operation]) -> None:
    sample = ops["getJob"].responses["200"].content["application/json"].examples[0].value
    job = get_job(client, "jobId", org="yourOrgId")["data"]
    expected = dict(sample["data"])
    expected["commandInfo"] = {k: v for k, v in expected["commandInfo"].items() if k != "measurepointSetInfo"}
    assert job == expected


def test_ids_and_timestamps_follow_the_seed_not_the_clock(make_client: Callable[..., Client]) -> None:
    def two_jobs(seed: int) -> list[tuple[str, int]]:
        client = make_client(seed=seed)
        ids = [create(client, MINIMAL)["data"] for _ in range(2)]
        return [(i, get_job(client, i)["data"]["createTimestamp"]) for i in ids]

    first = two_jobs(7)
    assert first == two_jobs(7)
    assert [i for i, _ in first] != [i for i, _ in two_jobs(8)]
    assert [t for _, t in first] == [CREATED_BASE_MS + 1000, CREATED_BASE_MS + 2000]
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i, _ in first)


def test_the_store_keeps_the_newest_max_jobs(make_client: Callable[..., Client]) -> None:
    client = make_client(max_jobs=2)
    ids = [create(client, MINIMAL)["data"] for _ in range(3)]
    assert get_job(client, ids[0])["code"] == -1
    assert [get_job(client, i)["code"] for i in ids[1:]] == [0, 0]
    assert get_job(client, "jobId", org="yourOrgId")["code"] == 0  # the seeded sample is pinned


def test_concurrent_creates_get_distinct_ids(client: Client) -> None:
    app = client.app

    async def one() -> bytes:
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": MINIMAL_BYTES, "more_body": False}

        out: list[bytes] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                out.append(message["body"])

        scope = {"type": "http", "method": "POST", "path": COMMANDS, "raw_path": COMMANDS.encode(),
                 "query_string": b"action=createJob&orgId=org-a",
                 "headers": [(b"content-type", b"application/json"),
                             (b"content-length", str(len(MINIMAL_BYTES)).encode())]}
        await app(scope, receive, send)
        return out[0]

    async def many() -> list[bytes]:
        return await asyncio.gather(*(one() for _ in range(50)))

    answers = [orjson.loads(b) for b in asyncio.run(many())]
    assert {a["code"] for a in answers} == {0}
    assert len({a["data"] for a in answers}) == 50


def test_an_unknown_or_missing_action_is_an_enos_failure(client: Client) -> None:
    wrong = client.get(f"{COMMANDS}?action=createJob&orgId=org-a").json()
    assert wrong["code"] == -1 and wrong["msg"].startswith("action: 'createJob' is not a GET action")
    missing = client.get(f"{COMMANDS}?orgId=org-a&jobId=x").json()
    assert missing["code"] == -1 and "'action' is missing" in missing["msg"]
