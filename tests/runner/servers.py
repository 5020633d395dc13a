"""Small vendor servers for the checker's tests: correct, or broken in one way.

They validate requests with the core (as a careful vendor would) and answer
in the vendor's envelope. ``broken`` names the one thing to get wrong.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.routing import Route

from contracts.core.http import Request
from contracts.core.validator import Contract

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "s3cr3t-token-value"
TASKS = [{"task_id": f"{n:024x}", "task_name": f"task {n}", "task_type": "softwareUpgrade", "status": "Success",
          "create_time": "20240101T000000Z", "targets": ["d1"]} for n in range(20, 1, -1)]
COMMAND = {"device_id": "c1224afb-e9f0-4916-8220-b6bab568e888", "command_id": "b1224afb-e9f0-4916-8220-b6bab568e888",
           "service_id": "Switch", "command_name": "ON_OFF", "paras": {"value": "ON"}, "expire_time": 0,
           "send_strategy": "immediately", "created_time": "20151212T121212Z", "status": "DELIVERED",
           "result": {"code": 200}, "sent_time": "20151212T121212Z", "delivered_time": "20151212T121212Z",
           "response_time": "20151212T131312Z"}


def _json(data: Any, status: int = 200, ctype: str = "application/json") -> Response:
    return Response(json.dumps(data), status_code=status, media_type=ctype)


def iotda_app(broken: str | None = None, flaky_every: int = 0) -> Starlette:
    """``flaky_every=n`` answers every n-th valid request with the documented 500."""
    contract = Contract.from_paths([ROOT / "specs" / "iotda-v5.yaml"])
    counter = {"valid": 0}

    async def handle(request: StarletteRequest) -> Response:
        body = await request.body()
        req = Request(request.method, str(request.url), tuple(request.headers.items()), body or None)
        match = contract.match(req)
        if match is None:
            return _json({"error_code": "IOTDA.000404", "error_msg": "no such API"}, 404)
        if broken != "ignore-auth" and request.headers.get("x-auth-token") != TOKEN:
            return _json({"error_code": "IOTDA.000002", "error_msg": "Authentication failed."}, 401)
        problems = [v for v in contract.request_violations(req, match.operation, match.path_params)
                    if v.kind not in ("undocumented-field", "missing-auth")]
        if problems and broken == "crash-on-invalid":  # the documented 500 instead of the 400
            return _json({"error_code": "IOTDA.000001", "error_msg": "Internal server error."}, 500)
        if problems and broken != "accept-invalid":
            return _json({"error_code": "IOTDA.000006", "error_msg": problems[0].message}, 400)
        if broken == "reject-valid" and request.query_params.get("limit") == "50":
            return _json({"error_code": "IOTDA.000006", "error_msg": "limit too large"}, 400)
        counter["valid"] += 1
        if flaky_every and counter["valid"] % flaky_every == 0:
            return _json({"error_code": "IOTDA.000001", "error_msg": "Internal server error."}, 500)
        offset = request.query_params.get("offset", "0")
        if broken == "offset-crash" and offset.isdigit() and 100 <= int(offset) <= 400:
            return Response(b"Bad Gateway", status_code=502, media_type="text/plain")
        if match.operation.operation_id == "ShowAsyncDeviceCommand":
            p = match.path_params
            if (p.get("device_id"), p.get("command_id")) != (COMMAND["device_id"], COMMAND["command_id"]):
                return _json({"error_code": "IOTDA.014000", "error_msg": "The command does not exist."}, 404)
            data: Any = dict(COMMAND)
        else:
            q = request.query_params
            limit = int(q.get("limit", "10")) if q.get("limit", "10").isdigit() else 10
            marker = q.get("marker", "f" * 24)
            rows = [t for t in TASKS if t["task_id"] < marker.lower()]
            page = rows if broken == "ignore-limit" else rows[:limit]
            data = {"batchtasks": page, "page": {"count": len(rows)}}
            if page:
                data["page"]["marker"] = page[-1]["task_id"]
        status, ctype = 200, "application/json"
        if broken == "wrong-type" and "expire_time" in data:
            data["expire_time"] = "0"
        if broken == "enum" and "status" in data:
            data["status"] = "DONE"
        if broken == "pattern" and "created_time" in data:
            data["created_time"] = "2015-12-12T12:12:12Z"
        if broken == "undocumented-field":
            data["surprise"] = True
        if broken == "content-type":
            ctype = "text/plain"
        if broken == "status":
            status = 202
        reply = _json(data, status, ctype)
        if broken == "extra-header":
            reply.headers["X-Debug-Trace"] = "abc"
        return reply

    return Starlette(routes=[Route("/{path:path}", handle, methods=["GET", "POST"])])


JOBS: dict[str, Any] = {}


def enos_app(broken: str | None = None) -> Starlette:
    contract = Contract.from_paths([ROOT / "specs" / "enos-connect-v2.5.yaml"])
    jobs: dict[tuple[str, str], Any] = {}

    def envelope(code: int, msg: str, data: Any = None) -> Response:
        if broken == "no-code":
            return _json({"msg": msg, "requestId": "r-1", "data": data})
        return _json({"code": code, "msg": msg, "requestId": "r-1", "data": data})

    async def handle(request: StarletteRequest) -> Response:
        body = await request.body()
        req = Request(request.method, str(request.url), tuple(request.headers.items()), body or None)
        match = contract.match(req)
        if match is None:
            return envelope(-1, "unknown action")
        problems = [v for v in contract.request_violations(req, match.operation, match.path_params)
                    if v.kind != "undocumented-field"]
        if problems:
            return envelope(0 if broken == "error-as-success" else -1, problems[0].message,
                            "" if broken == "error-as-success" else None)
        org = request.query_params["orgId"]
        if match.operation.operation_id == "createJob":
            schema = match.operation.request_body.content["application/json"].schema  # type: ignore[union-attr]
            job = _documented(json.loads(body), schema, match.operation.spec.resolver.deref)
            job.setdefault("timeoutPolicy", {}).setdefault("inProgressTimeoutInSeconds", 30)
            job["timeoutPolicy"].setdefault("ttlTimeoutInSeconds", 0)
            retry = job.setdefault("retryPolicy", {})
            retry.setdefault("retryIntervalInSeconds", 300)
            retry.setdefault("retryCount", 3)
            job_id = f"job{len(jobs) + 1}"
            job.update({"orgId": org, "jobId": job_id, "status": "ENABLED", "createTimestamp": 1718952422050})
            if broken == "round-trip":
                job["desc"] = "changed"
            jobs[(org, job_id)] = job
            return envelope(0, "OK", job_id)
        found = jobs.get((org, request.query_params["jobId"]))
        if found is None:
            return envelope(-1, "job not found")
        return envelope(0, "OK", found)

    return Starlette(routes=[Route("/{path:path}", handle, methods=["GET", "POST"])])


def _documented(value: Any, schema: Any, deref: Any) -> Any:
    """Keep only what the schema documents, as a careful server stores it."""
    node = deref(schema)
    if isinstance(value, dict) and isinstance(node, dict) and "properties" in node:
        return {k: _documented(v, node["properties"][k], deref) for k, v in value.items() if k in node["properties"]}
    if isinstance(value, list) and isinstance(node, dict) and "items" in node:
        return [_documented(v, node["items"], deref) for v in value]
    return value


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` on 127.0.0.1 on a free port in a thread; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def oceanconnect_app(flaky_every: int = 0) -> Starlette:
    """An honest OceanConnect: every documented error path, HTTP-200 business errors included.

    ``flaky_every=n`` answers every n-th valid request with the documented 500 100001.
    """
    contract = Contract.from_paths([ROOT / "specs" / "oceanconnect-iocm-v1.4.0.yaml"])
    tasks = [{"taskId": f"task-{n:03d}", "appId": "app-1", "deviceId": f"dev-{n % 4}", "status": "SUCCESS",
              "totalCount": 1, "deviceCommands": [{"commandId": f"cmd-{n}", "appId": "app-1",
                                                   "deviceId": f"dev-{n % 4}", "status": "CANCELED",
                                                   "creationTime": "20170222T164000Z", "maxRetransmit": 3,
                                                   "command": {"serviceId": "s", "method": "m", "paras": {}}}]}
             for n in range(11)]
    counter = {"valid": 0}

    def error(status: int, code: str, desc: str) -> Response:
        return _json({"error_code": code, "error_desc": desc}, status)

    async def handle(request: StarletteRequest) -> Response:
        req = Request(request.method, str(request.url), tuple(request.headers.items()), None)
        match = contract.match(req)
        if match is None:
            return error(400, "100022", "The input is invalid.")
        if not request.headers.get("app_key"):
            return error(500, "100220", "Get AppKey from header failed.")
        if request.headers.get("app_key") != "app-1" or request.headers.get("authorization") != f"Bearer {TOKEN}":
            return error(403, "1010005", "Invalid access token or appId.")
        problems = [v for v in contract.request_violations(req, match.operation, match.path_params)
                    if v.kind not in ("undocumented-field", "missing-auth")]
        if problems:
            return error(400, "100022", "The input is invalid.")
        q = request.query_params
        if "appId" in q:
            return error(200, "100203" if q["appId"] != "app-2" else "100217", "The application is not existed.")
        if "deviceId" in q and q["deviceId"] not in {t["deviceId"] for t in tasks}:
            return error(200, "100418", "The deviceData is not existed.")
        counter["valid"] += 1
        if flaky_every and counter["valid"] % flaky_every == 0:
            return error(500, "100001", "Internal server error.")
        rows = [t for t in tasks if all(t.get(k) == q[k] for k in ("taskId", "deviceId", "status") if k in q)]
        page, size = int(q.get("pageNo", "0")), int(q.get("pageSize", "1000"))
        chunk = rows[page * size:(page + 1) * size]
        return _json({"pagination": {"pageNo": page, "pageSize": size, "totalSize": len(rows)}, "data": chunk})

    return Starlette(routes=[Route("/{path:path}", handle, methods=["GET"])])
