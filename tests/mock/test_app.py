"""The ASGI app: routing, robustness against hostile input, determinism, and a transparent memo."""

from __future__ import annotations

import asyncio
import re
import warnings
from pathlib import Path
from typing import Any, Callable, MutableMapping

import orjson
import pytest

from contracts.core.errors import UsageError
from contracts.core.spec import Spec
from contracts.core.validator import Contract
from contracts.mock import MockApp, create_app
from contracts.mock.app import BODY_LIMIT

from .conftest import (BATCHTASKS, CANCEL_TASKS, COMMANDS, SAMPLE_COMMAND_PATH, SPECS, Client, app_of, findings)
from .test_enos import MINIMAL

CREATE = f"{COMMANDS}?action=createJob&orgId=org-a"


def call(app: MockApp, method: str, path: str, query: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None,
         chunks: Any = None) -> tuple[list[MutableMapping[str, Any]], int]:
    """Run the app on raw ASGI messages; the messages sent and how many times it pulled a body chunk."""
    pulled = 0
    body_chunks = iter(chunks or [b""])

    async def receive() -> MutableMapping[str, Any]:
        nonlocal pulled
        pulled += 1
        chunk = next(body_chunks, None)
        if chunk is None:
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunk, "more_body": True}

    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": query,
             "headers": headers or []}
    asyncio.run(app(scope, receive, send))
    return sent, pulled


def endless(size: int) -> Any:
    while True:
        yield b"x" * size


def test_broken_bodies_get_the_enos_envelope(client: Client, strict: Contract) -> None:
    cases = {
        "body: the request body is not valid JSON": dict(content=b"{nope",
                                                         headers={"content-type": "application/json"}),
        "content-type: request Content-Type 'text/plain'": dict(content=orjson.dumps(MINIMAL),
                                                                headers={"content-type": "text/plain"}),
        "body: the request body is mandatory": dict(content=b"", headers={"content-type": "application/json"}),
        f"body: the request body is larger than {BODY_LIMIT} bytes": dict(
            content=b" " * (BODY_LIMIT + 1), headers={"content-type": "application/json"}),
    }
    for message, options in cases.items():
        exchange = client.post(CREATE, **options)
        body = exchange.json()
        assert exchange.status == 200 and body["code"] == -1 and body["msg"].startswith(message), body["msg"]
        assert b"Traceback" not in exchange.body
        assert findings(strict, exchange) == []


def test_a_body_of_exactly_one_megabyte_is_read(client: Client) -> None:
    body = orjson.dumps(MINIMAL)
    padded = body + b" " * (BODY_LIMIT - len(body))
    answer = client.post(CREATE, content=padded, headers={"content-type": "application/json"}).json()
    assert answer["code"] == 0


def test_an_oversized_body_is_not_read_beyond_the_limit(specs: list[Spec]) -> None:
    app = create_app(specs)
    chunk = 64 * 1024
    sent, pulled = call(app, "POST", COMMANDS, b"action=createJob&orgId=o",
                        [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")], endless(chunk))
    assert pulled == BODY_LIMIT // chunk + 1
    assert (b"connection", b"close") in sent[0]["headers"]
    assert orjson.loads(sent[1]["body"])["code"] == -1
    declared = [(b"content-type", b"application/json"), (b"content-length", str(BODY_LIMIT + 1).encode())]
    sent, pulled = call(app, "POST", COMMANDS, b"action=createJob&orgId=o", declared, endless(chunk))
    assert pulled == 0 and orjson.loads(sent[1]["body"])["code"] == -1


def test_an_oversized_body_on_a_huawei_get_is_a_vendor_400(client: Client, iotda_headers: dict[str, str],
                                                           oc_headers: dict[str, str]) -> None:
    big = b"x" * (BODY_LIMIT + 1)
    iotda = client.request("GET", SAMPLE_COMMAND_PATH, headers=iotda_headers, content=big)
    assert iotda.status == 400 and iotda.json()["error_code"] == "IOTDA.000006"
    oc = client.request("GET", CANCEL_TASKS, headers=oc_headers, content=big)
    assert oc.status == 400 and oc.json()["error_code"] == "100022"


def test_a_client_that_disconnects_mid_body_gets_nothing(specs: list[Spec]) -> None:
    sent, _ = call(create_app(specs), "POST", COMMANDS, b"action=createJob&orgId=o",
                   [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")], [b"{"])
    assert sent == []


def test_unknown_paths_are_a_neutral_404_and_wrong_methods_a_405(client: Client, iotda_headers: dict[str, str]) -> None:
    missing = client.get("/no/such/thing", headers=iotda_headers)
    assert missing.status == 404
    assert missing.json() == {"error": "not_found", "message": "no documented operation serves GET /no/such/thing"}
    wrong = client.request("DELETE", BATCHTASKS, headers=iotda_headers)
    assert wrong.status == 405 and wrong.response.header("allow") == "GET"


def test_a_bug_in_a_handler_is_the_vendors_500_without_a_traceback(client: Client, iotda_headers: dict[str, str],
                                                                  strict: Contract,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    vendor = app_of(client).by_operation["ShowAsyncDeviceCommand"]

    def broken(call: Any) -> Any:
        raise RuntimeError("boom")

    vendor._handlers["ShowAsyncDeviceCommand"] = broken  # type: ignore[attr-defined]
    for _ in range(2):  # the failure is not remembered as the answer
        exchange = client.get(SAMPLE_COMMAND_PATH, headers=iotda_headers)
        assert exchange.status == 500 and exchange.json()["error_code"] == "IOTDA.000001"
        assert b"boom" not in exchange.body and b"Traceback" not in exchange.body
        assert findings(strict, exchange) == []
    assert "boom" in caplog.text


def script(client: Client, iotda: dict[str, str], oc: dict[str, str]) -> list[bytes]:
    """A fixed conversation touching every operation; bodies without requestId."""
    bodies = []
    job_id = client.post(CREATE, json=MINIMAL).json()["data"]
    exchanges = [
        client.post(CREATE, json={**MINIMAL, "desc": "second"}),
        client.get(f"{COMMANDS}?action=getJob&orgId=org-a&jobId={job_id}"),
        client.get(f"{COMMANDS}?action=getJob&orgId=org-a&jobId=nope"),
        client.get(f"{BATCHTASKS}?task_type=softwareUpgrade&limit=50", headers=iotda),
        client.get(f"{BATCHTASKS}?task_type=createMessages&status=Fail", headers=iotda),
        client.get(SAMPLE_COMMAND_PATH, headers=iotda),
        client.get(f"{CANCEL_TASKS}?pageSize=20&pageNo=1", headers=oc),
        client.get(f"{CANCEL_TASKS}?status=FAILED", headers=oc),
    ]
    for exchange in exchanges:
        bodies.append(re.sub(rb'"requestId":"[^"]*"', b'"requestId":""', exchange.body))
    return bodies


def test_one_seed_gives_byte_identical_answers_apart_from_request_ids(make_client: Callable[..., Client],
                                                                      iotda_headers: dict[str, str],
                                                                      oc_headers: dict[str, str]) -> None:
    first = script(make_client(seed=11), iotda_headers, oc_headers)
    assert first == script(make_client(seed=11), iotda_headers, oc_headers)
    assert first != script(make_client(seed=12), iotda_headers, oc_headers)


def test_the_memo_does_not_change_any_answer(make_client: Callable[..., Client], iotda_headers: dict[str, str],
                                             oc_headers: dict[str, str]) -> None:
    memo = make_client(seed=3)
    fresh = make_client(seed=3, cache_size=0)
    for _ in range(3):  # the memo keeps what it sees a second time: the third round is answered from it
        assert script(memo, iotda_headers, oc_headers) == script(fresh, iotda_headers, oc_headers)
    assert len(app_of(fresh)._replies) == 0 and len(app_of(memo)._replies) > 0


def test_a_remembered_verdict_never_replays_an_answer_that_depends_on_state(
        make_client: Callable[..., Client]) -> None:
    """getJob's answers carry a request id and the store's state: the memo keeps only its route and
    verdict, so a job created after the same request was seen (and remembered) is found."""
    job_id = make_client(seed=5).post(CREATE, json=MINIMAL).json()["data"]
    client = make_client(seed=5)  # the same seed: its first job gets the same id
    url = f"{COMMANDS}?action=getJob&orgId=org-a&jobId={job_id}"
    missing = [client.get(url).json() for _ in range(3)]
    assert all(m["code"] != 0 for m in missing) and len({m["requestId"] for m in missing}) == 3
    assert client.post(CREATE, json=MINIMAL).json()["data"] == job_id
    found = [client.get(url).json() for _ in range(3)]
    assert all(f["code"] == 0 and f["data"]["jobId"] == job_id for f in found)


def test_credentials_are_part_of_the_memo_key(client: Client, iotda_headers: dict[str, str]) -> None:
    assert client.get(SAMPLE_COMMAND_PATH, headers=iotda_headers).status == 200
    assert client.get(SAMPLE_COMMAND_PATH, headers={"X-Auth-Token": "other"}).status == 401
    assert client.get(SAMPLE_COMMAND_PATH).status == 401


def test_starlette_testclient_and_lifespan(specs: list[Spec], iotda_headers: dict[str, str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette prefers httpx2 for its test client
        from starlette.testclient import TestClient

        with TestClient(create_app(specs)) as http:
            answer = http.get(SAMPLE_COMMAND_PATH, headers=iotda_headers)
    assert answer.status_code == 200 and answer.json()["command_id"] == SAMPLE_COMMAND_PATH.rsplit("/", 1)[1]


def test_specs_may_be_paths_and_only_their_operations_are_served(iotda_headers: dict[str, str]) -> None:
    app = create_app(SPECS / "iotda-v5.yaml")
    assert [op.operation_id for op in app.operations] == ["ListBatchTasks", "ShowAsyncDeviceCommand"]
    client = Client(app)
    try:
        assert client.get(SAMPLE_COMMAND_PATH, headers=iotda_headers).status == 200
        assert client.get(f"{COMMANDS}?action=getJob&orgId=o&jobId=j").status == 404
    finally:
        client.close()


def test_set_up_mistakes_are_usage_errors(specs: list[Spec], write_spec: Callable[..., Path]) -> None:
    other = write_spec("""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /things:
            get:
              operationId: listThings
              summary: List things
              responses:
                "200": {description: OK}
    """)
    with pytest.raises(UsageError, match=r"no behaviour for .*listThings"):
        create_app([other])
    with pytest.raises(UsageError, match="max_jobs"):
        create_app(specs, max_jobs=0)
    with pytest.raises(UsageError, match="did you mean 'iotda_token'"):
        create_app(specs, credentials={"iotda_tokn": "x"})


def test_undocumented_parameters_are_tolerated_not_rejected(client: Client, iotda_headers: dict[str, str],
                                                            oc_headers: dict[str, str], strict: Contract) -> None:
    for url, headers in ((f"{BATCHTASKS}?task_type=createDevices&debug=1", iotda_headers),
                         (f"{CANCEL_TASKS}?pageSize=2&verbose=true", oc_headers),
                         (f"{COMMANDS}?action=getJob&orgId=yourOrgId&jobId=jobId&trace=1", {})):
        exchange = client.get(url, headers=headers)
        assert exchange.status == 200 and b"error_code" not in exchange.body and exchange.json().get("code", 0) == 0
        assert findings(strict, exchange) == []
