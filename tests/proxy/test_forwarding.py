"""The proxy forwards unchanged, validates on the side, and survives a target that is down or slow."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import threading
import time
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn

from contracts.core.finding import Kind
from contracts.runner.har import validate_har
from contracts.core.validator import Contract

from ..runner.servers import TOKEN, free_port
from . import upstream
from .conftest import IOTDA, proxying

AUTH = {"X-Auth-Token": TOKEN}
REQUESTS = [  # (method, path, headers, body): documented, broken, refused, unknown, with a body
    ("GET", upstream.CMD, AUTH, None),
    ("GET", "/v5/iot/p/batchtasks?task_type=softwareUpgrade&limit=3", AUTH, None),
    ("GET", upstream.command_path("c0000000-0000-0000-0000-000000000000"), AUTH, None),
    ("GET", upstream.CMD, {}, None),
    ("GET", "/v5/iot/p/batchtasks?limit=9999", AUTH, None),
    ("GET", "/v5/iot/p/no-such-thing", AUTH, None),
    ("POST", "/v5/iot/p/batchtasks", {**AUTH, "Content-Type": "application/json"}, b'{"a": [1, 2, 3]}'),
]


def client() -> httpx.Client:
    return httpx.Client(trust_env=False, timeout=30)


def comparable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers (the upstream's own Date may tick between two calls) and body bytes."""
    headers = sorted((k.lower(), v) for k, v in response.headers.multi_items() if k.lower() != "date")
    return response.status_code, headers, response.content


@pytest.mark.slow
@pytest.mark.parametrize("which", ["good", "broken"])
def test_every_answer_passes_through_unchanged(which: str, request: pytest.FixtureRequest) -> None:
    target = request.getfixturevalue(f"{which}_upstream")
    with proxying(target) as running, client() as c:
        for method, path, headers, body in REQUESTS:
            direct = c.request(method, target + path, headers=headers, content=body)
            proxied = c.request(method, running.url + path, headers=headers, content=body)
            assert comparable(proxied) == comparable(direct), (method, path)
        result = running.stop()
    assert result.requests == len(REQUESTS)
    errors = {(f.operation, f.check, f.kind, f.location) for f in result.findings if f.severity.value == "error"}
    client_errors = {("ShowAsyncDeviceCommand", "request_conformance", "missing-auth", "/header/X-Auth-Token"),
                     ("ListBatchTasks", "request_conformance", "out-of-range", "/query/limit"),
                     ("ListBatchTasks", "request_conformance", "missing-parameter", "/query/task_type")}
    enum = {("ShowAsyncDeviceCommand", "response_schema_conformance", "enum-mismatch", "/body/status")}
    # the client's own mistakes, and the server's broken field only where it is broken
    assert errors == (client_errors | enum if which == "broken" else client_errors)


def serve_on(app: Any, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    return server, thread


@pytest.mark.slow
def test_a_target_that_is_down_gets_a_502_and_the_proxy_keeps_running() -> None:
    port = free_port()
    target = f"http://127.0.0.1:{port}"
    with proxying(target) as running, client() as c:
        for _ in range(3):
            answer = c.get(running.url + upstream.CMD, headers=AUTH)
            assert answer.status_code == 502
            lines = answer.text.splitlines()
            assert len(lines) == 1 and "cannot connect" in lines[0] and target in lines[0]
        server, thread = serve_on(upstream.app(), port)  # the target comes up: traffic flows again
        try:
            assert c.get(running.url + upstream.CMD, headers=AUTH).status_code == 200
        finally:
            server.should_exit = True
            thread.join(10)
        result = running.stop()
    assert running.proxy.validator.upstream_errors == 3
    assert result.requests == 1 and result.findings == []  # a target that is down is not a contract deviation
    assert running.problems and "cannot connect" in running.problems[0]
    assert len(running.problems) <= 2  # one line a second, not one per request


@pytest.mark.slow
def test_a_target_that_does_not_answer_in_time_gets_a_504(good_upstream: str) -> None:
    with proxying(good_upstream, timeout=1.0) as running, client() as c:
        began = time.monotonic()
        answer = c.get(running.url + upstream.command_path("slow"), headers=AUTH)
        waited = time.monotonic() - began
        assert answer.status_code == 504 and "no answer within 1 s" in answer.text
        assert waited < upstream.SLOW  # cut off at the deadline, not when the target finally answered
        assert c.get(running.url + upstream.CMD, headers=AUTH).status_code == 200
        result = running.stop()
    [timeout] = [f for f in result.findings if f.kind == Kind.TRANSPORT]
    assert timeout.operation == "ShowAsyncDeviceCommand" and timeout.check == "transport"


@pytest.mark.slow
def test_an_undocumented_endpoint_is_reported_once_per_method_and_path(good_upstream: str) -> None:
    with proxying(good_upstream) as running, client() as c:
        for query in ("", "?x=1", "", "?x=2"):
            c.get(running.url + "/v5/iot/p/nothing-here" + query, headers=AUTH)
        c.post(running.url + "/v5/iot/p/nothing-here", headers=AUTH, content=b"{}")
        c.get(running.url + upstream.CMD, headers=AUTH)  # documented and correct: no finding
        result = running.stop()
    endpoints = {f.operation: f.count for f in result.findings if f.kind == Kind.UNDOCUMENTED_ENDPOINT}
    assert endpoints == {"GET /v5/iot/p/nothing-here": 4, "POST /v5/iot/p/nothing-here": 1}
    live = [f.operation for f in running.seen if f.kind == Kind.UNDOCUMENTED_ENDPOINT]
    assert sorted(live) == ["GET /v5/iot/p/nothing-here", "POST /v5/iot/p/nothing-here"]  # each printed once
    assert {f.kind for f in result.findings} == {Kind.UNDOCUMENTED_ENDPOINT}


@pytest.mark.slow
def test_a_large_body_streams_through_whole_and_is_reported_too_large(good_upstream: str, har: Path) -> None:
    expected = hashlib.sha256()
    for chunk in upstream.big_chunks():
        expected.update(chunk)
    with proxying(good_upstream, record=str(har)) as running, client() as c:
        got = hashlib.sha256()
        size = 0
        with c.stream("GET", running.url + upstream.command_path("big"), headers=AUTH) as answer:
            assert answer.status_code == 200
            for chunk in answer.iter_raw():
                got.update(chunk)
                size += len(chunk)
        result = running.stop()
    assert size == upstream.BIG and got.hexdigest() == expected.hexdigest()
    [large] = [f for f in result.findings if f.kind == Kind.BODY_TOO_LARGE]
    assert large.operation == "ShowAsyncDeviceCommand" and large.location == "/body"
    assert str(upstream.BIG) in large.message
    assert har.stat().st_size < 100_000  # the body is not recorded
    replayed = validate_har(Contract.from_paths([IOTDA]), har)
    assert [(f.kind, f.location) for f in replayed.findings] == [(f.kind, f.location) for f in result.findings]


@pytest.mark.slow
def test_a_gzip_answer_passes_compressed_and_is_validated_decoded(broken_upstream: str) -> None:
    path = upstream.command_path("gzip")
    with proxying(broken_upstream) as running:
        parts = urlsplit(running.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.request("GET", path, headers={**AUTH, "Accept-Encoding": "gzip"})
        answer = conn.getresponse()
        raw = answer.read()
        conn.close()
        result = running.stop()
    assert answer.getheader("content-encoding") == "gzip" and int(answer.getheader("content-length")) == len(raw)
    assert json.loads(gzip.decompress(raw))["status"] == "DONE"
    assert [(f.kind, f.location) for f in result.findings] == [("enum-mismatch", "/body/status")]


@pytest.mark.slow
def test_request_bodies_stream_to_the_target(good_upstream: str) -> None:
    """A chunked upload (no Content-Length) is forwarded as it comes, and its size is not held against it."""
    def chunks() -> Iterator[bytes]:
        for _ in range(64):
            yield b"x" * 65536

    with proxying(good_upstream, max_body=1024) as running, client() as c:
        answer = c.post(running.url + "/v5/iot/p/batchtasks", headers={**AUTH, "Content-Type": "application/json"},
                        content=chunks())
        assert answer.status_code in (400, 404, 405)  # the test server's own verdict, passed through
        result = running.stop()
    assert result.requests == 1


@pytest.mark.slow
def test_the_target_sees_the_clients_headers_and_no_cookie_of_another_client(good_upstream: str) -> None:
    """Nothing is added but this hop's own fields: no client library's User-Agent or Accept-Encoding, and no
    cookie jar shared between the applications behind the proxy."""
    with proxying(good_upstream) as running:
        parts = urlsplit(running.url)
        seen = []
        for _ in range(2):  # two requests: the first answer sets a cookie, the second must not carry it
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            conn.putrequest("GET", upstream.command_path("echo"), skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", parts.netloc)
            conn.putheader("X-Auth-Token", TOKEN)
            conn.endheaders()
            answer = conn.getresponse()
            assert answer.getheader("set-cookie", "").startswith("echo-session=")
            seen.append(json.loads(answer.read())["echo"])
            conn.close()
    for echoed in seen:
        assert sorted(echoed) == ["host", "via", "x-auth-token", "x-forwarded-for", "x-forwarded-host",
                                  "x-forwarded-proto"]
