"""A correct but lenient implementation of all five endpoints, written from the seed pages.

It shares no code with ``contracts`` (no spec loading, no core validation):
every rule below is read off the vendor tables by hand, as a vendor's own
engineer would write it. It does what the pages state and is lenient only
where they are silent:

* any request Content-Type is accepted (the EnOS pages never name one);
* ``null`` is treated as absent (no page says whether a field may be null);
* an empty query value is treated as absent;
* fields nobody documented are stored and echoed back (getJob returns a job
  with whatever fields createJob was sent);
* values the pages take from another table (IoTDA ``task_type``/``status``
  filters, OceanConnect ``status``) are filters, not validated lists;
* integers beyond int32 are refused for ``Integer`` parameters;
* every documented error path answers as documented, HTTP-200 business errors
  included.

Run it on its own with ``python tests/runner/lenient.py --port 8099``.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

TOKEN = "lenient-token"
APP_KEY = "lenient-app"
INT32_MAX = 2**31 - 1
TIME = re.compile(r"^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]Z$")
HEX24 = re.compile(r"^[0-9a-fA-F]{24}$")
ID = re.compile(r"^[a-zA-Z0-9_-]+$")
APP_ID = re.compile(r"^[a-zA-Z0-9_-]*$")
_MISSING = object()


class Invalid(Exception):
    """One invalid input, named for the error message."""


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status_code=status, media_type="application/json")


def _query(request: Request, name: str) -> str | None:
    """A query value; an empty one counts as absent."""
    value = request.query_params.get(name)
    return value if value not in (None, "") else None


def _int_param(request: Request, name: str, lo: int, hi: int, default: int) -> int:
    raw = _query(request, name)
    if raw is None:
        return default
    if not re.fullmatch(r"[+-]?[0-9]+", raw):
        raise Invalid(f"{name} must be an integer")
    value = int(raw)
    if not lo <= value <= hi:
        raise Invalid(f"{name} must be between {lo} and {hi}")
    return value


# -- JSON body rules (EnOS) -------------------------------------------------------------
def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _field(body: dict[str, Any], name: str, where: str, check: Callable[[Any, str], None],
           required: bool = False) -> None:
    value = body.get(name)
    if value is None:  # null is absent
        if required:
            raise Invalid(f"{where}{name} is mandatory")
        return
    check(value, f"{where}{name}")


def _string(max_length: int | None = None) -> Callable[[Any, str], None]:
    def check(value: Any, where: str) -> None:
        if not isinstance(value, str):
            raise Invalid(f"{where} must be a string")
        if max_length is not None and len(value) > max_length:
            raise Invalid(f"{where} must have at most {max_length} characters")
    return check


def _integer(lo: int, hi: int) -> Callable[[Any, str], None]:
    def check(value: Any, where: str) -> None:
        if not _is_int(value) or not lo <= value <= hi:
            raise Invalid(f"{where} must be an integer from {lo} to {hi}")
    return check


def _number(lo: float, hi: float) -> Callable[[Any, str], None]:
    def check(value: Any, where: str) -> None:
        if not _is_number(value) or not lo <= value <= hi:
            raise Invalid(f"{where} must be a number from {lo:g} to {hi:g}")
    return check


def _boolean(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise Invalid(f"{where} must be true or false")


def _object(members: dict[str, tuple[Callable[[Any, str], None], bool]]) -> Callable[[Any, str], None]:
    def check(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise Invalid(f"{where} must be an object")
        for name, (rule, required) in members.items():
            _field(value, name, where + ".", rule, required)
    return check


def _any_object(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise Invalid(f"{where} must be an object")


def _devices(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise Invalid(f"{where} must be a list of devices")
    for index, device in enumerate(value):
        _object({"productKey": (_string(), False), "deviceKey": (_string(), False)})(device, f"{where}[{index}]")


def _i18n(value: Any, where: str) -> None:
    _object({"defaultValue": (_string(), False)})(value, where)
    names = value.get("i18nValue")
    if names is not None and (not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values())):
        raise Invalid(f"{where}.i18nValue must map locales to strings")


JOB_RULES: dict[str, tuple[Callable[[Any, str], None], bool]] = {
    "name": (_i18n, True),
    "targetScope": (_object({"targetType": (_string(), False), "targetDevices": (_devices, False)}), True),
    "schedulePolicy": (_object({
        "scheduleType": (_string(), False),
        "disposableSchedulePolicy": (_object({"triggerTs": (_integer(-2**63, 2**63 - 1), False)}), False)}), True),
    "timeoutPolicy": (_object({"inProgressTimeoutInSeconds": (_integer(1, 900), False),
                               "ttlTimeoutInSeconds": (_integer(0, 172800), False)}), False),
    "retryPolicy": (_object({"enableRetry": (_boolean, False),
                             "retryIntervalInSeconds": (_number(0, 86400), False),
                             "retryCount": (_number(1, 10), False)}), False),
    "desc": (_string(100), True),
    "commandInfo": (_object({"commandType": (_string(), False), "setMeasurepointInfo": (_any_object, False),
                             "serviceInvokeInfo": (_object({"serviceId": (_string(), False),
                                                            "inputData": (_any_object, False)}), False)}), True),
}


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def enos_app() -> Starlette:
    jobs: dict[tuple[str, str], dict[str, Any]] = {}
    sample = {"orgId": "yourOrgId", "jobId": "jobId", "name": {"defaultValue": "commandJobName"},
              "targetScope": {"targetType": "DEVICE_LIST", "targetDevices": [
                  {"productKey": "productKey", "deviceKey": "deviceKey"}]},
              "schedulePolicy": {"scheduleType": "DISPOSABLE", "disposableSchedulePolicy": {"triggerTs": 1718952446317}},
              "timeoutPolicy": {"inProgressTimeoutInSeconds": 30, "ttlTimeoutInSeconds": 20},
              "retryPolicy": {"enableRetry": True, "retryIntervalInSeconds": 300, "retryCount": 3},
              "desc": "commandJobDescription", "status": "ENABLED",
              "commandInfo": {"commandType": "SERVICE_INVOKE",
                              "serviceInvokeInfo": {"serviceId": "serviceId", "inputData": {"input": 22}}},
              "createTimestamp": 1718952422050}
    jobs[("yourOrgId", "jobId")] = sample

    def answer(code: int, msg: str, data: Any = None) -> Response:
        return _json({"code": code, "msg": msg, "requestId": str(uuid.uuid4()), "data": data})

    async def commands(request: Request) -> Response:
        action = request.query_params.get("action")
        org = _query(request, "orgId")
        wanted = {"POST": "createJob", "GET": "getJob"}[request.method]
        if action != wanted:
            return answer(-1, f"unknown action {action!r}")
        if org is None:
            return answer(-1, "orgId is mandatory")
        if request.method == "GET":
            job_id = _query(request, "jobId")
            if job_id is None:
                return answer(-1, "jobId is mandatory")
            job = jobs.get((org, job_id))
            return answer(0, "OK", job) if job is not None else answer(-1, f"job not found: {job_id}")
        try:  # whatever the Content-Type says
            body = json.loads(await request.body() or b"null")
        except ValueError:
            return answer(-1, "the body is not JSON")
        if not isinstance(body, dict):
            return answer(-1, "the body must be an object")
        try:
            for name, (rule, required) in JOB_RULES.items():
                _field(body, name, "", rule, required)
        except Invalid as exc:
            return answer(-1, str(exc))
        job = _without_nulls(body)
        timeout = job.setdefault("timeoutPolicy", {})
        timeout.setdefault("inProgressTimeoutInSeconds", 30)
        timeout.setdefault("ttlTimeoutInSeconds", 0)
        retry = job.setdefault("retryPolicy", {})
        retry.setdefault("retryIntervalInSeconds", 300)
        retry.setdefault("retryCount", 3)
        job_id = uuid.uuid4().hex
        job.update({"orgId": org, "jobId": job_id, "status": "ENABLED", "createTimestamp": 1718952422050})
        if len(jobs) > 10_000:
            jobs.pop(next(iter(jobs)))
        jobs[(org, job_id)] = job
        return answer(0, "OK", job_id)

    return Starlette(routes=[Route("/connect-service/v2.5/commands", commands, methods=["GET", "POST"])])


# -- IoTDA -------------------------------------------------------------------------------
TASKS = [{"task_id": f"{0x5c8ba99030344005c02316ad - n * 0x1000:024x}", "task_name": f"task {n}",
          "task_type": ("softwareUpgrade", "firmwareUpgrade", "createCommands")[n % 3],
          "status": ("Success", "Processing", "Fail")[n % 3], "status_desc": "", "targets": [f"device-{n}"],
          "task_policy": {"retry_count": 3, "retry_interval": 60},
          "task_progress": {"total": 1, "processing": 0, "success": 1, "fail": 0, "waitting": 0,
                            "fail_wait_retry": 0, "stopped": 0},
          "create_time": "20240101T000000Z"} for n in range(40)]
COMMAND = {"device_id": "c1224afb-e9f0-4916-8220-b6bab568e888", "command_id": "b1224afb-e9f0-4916-8220-b6bab568e888",
           "service_id": "Switch", "command_name": "ON_OFF", "paras": {"value": "ON"}, "expire_time": 0,
           "send_strategy": "immediately", "created_time": "20151212T121212Z", "status": "DELIVERED",
           "result": {"code": 200}, "sent_time": "20151212T121212Z", "delivered_time": "20151212T121212Z",
           "response_time": "20151212T131312Z"}


def iotda_app() -> Starlette:
    def error(status: int, code: str, msg: str) -> Response:
        return _json({"error_code": code, "error_msg": msg}, status)

    def authenticated(request: Request) -> bool:
        return request.headers.get("x-auth-token") == TOKEN

    async def batchtasks(request: Request) -> Response:
        if not authenticated(request):
            return error(401, "IOTDA.000002", "The authentication token is invalid.")
        try:
            task_type = _query(request, "task_type")
            if task_type is None:
                raise Invalid("task_type is mandatory")
            limit = _int_param(request, "limit", 1, 50, 10)
            offset = _int_param(request, "offset", 0, 500, 0)
            marker = _query(request, "marker") or "f" * 24
            if not HEX24.match(marker):
                raise Invalid("marker must be 24 hexadecimal digits")
            app_id = _query(request, "app_id")
            if app_id is not None and (len(app_id) > 36 or not APP_ID.match(app_id)):
                raise Invalid("app_id: at most 36 letters, digits, '_' or '-'")
        except Invalid as exc:
            return error(400, "IOTDA.000006", f"Invalid input data: {exc}")
        status = _query(request, "status")
        rows = [t for t in TASKS if t["task_type"] == task_type and (status is None or t["status"] == status)
                and t["task_id"] < marker.lower()]
        page = rows[offset:offset + limit]
        data: dict[str, Any] = {"batchtasks": page, "page": {"count": len(rows)}}
        if page:
            data["page"]["marker"] = page[-1]["task_id"]
        return _json(data)

    async def command(request: Request) -> Response:
        if not authenticated(request):
            return error(401, "IOTDA.000002", "The authentication token is invalid.")
        device, command_id = request.path_params["device_id"], request.path_params["command_id"]
        if not ID.match(device) or len(device) > 128 or not ID.match(command_id) or len(command_id) > 100:
            return error(400, "IOTDA.000006", "Invalid input data.")
        if (device, command_id) != (COMMAND["device_id"], COMMAND["command_id"]):
            return error(404, "IOTDA.014000", "The command does not exist.")
        return _json(COMMAND)

    return Starlette(routes=[
        Route("/v5/iot/{project_id}/batchtasks", batchtasks, methods=["GET"]),
        Route("/v5/iot/{project_id}/devices/{device_id}/async-commands/{command_id}", command, methods=["GET"]),
    ])


# -- OceanConnect ------------------------------------------------------------------------
def oceanconnect_app() -> Starlette:
    tasks = [{"taskId": f"task-{n:03d}", "appId": APP_KEY, "deviceId": f"dev-{n % 4}",
              "status": ("SUCCESS", "RUNNING", "WAITTING")[n % 3], "totalCount": 1,
              "deviceCommands": [{"commandId": f"cmd-{n}", "appId": APP_KEY, "deviceId": f"dev-{n % 4}",
                                  "status": "CANCELED", "creationTime": "20170222T164000Z", "maxRetransmit": 3,
                                  "result": None,  # unset: Jackson writes null, and no page forbids it
                                  "command": {"serviceId": "s", "method": "m", "paras": {}}}]}
             for n in range(25)]

    def error(status: int, code: str, desc: str) -> Response:
        return _json({"error_code": code, "error_desc": desc}, status)

    async def cancel_tasks(request: Request) -> Response:
        if not request.headers.get("app_key"):
            return error(500, "100220", "Get AppKey from header failed.")
        if request.headers.get("app_key") != APP_KEY or request.headers.get("authorization") != f"Bearer {TOKEN}":
            return error(403, "1010005", "Invalid access token or appId.")
        try:
            page = _int_param(request, "pageNo", 0, INT32_MAX, 0)
            size = _int_param(request, "pageSize", 1, 1000, 1000)
            for name in ("startTime", "endTime"):
                value = _query(request, name)
                if value is not None and not TIME.match(value):
                    raise Invalid(f"{name} must read yyyyMMdd'T'HHmmss'Z'")
        except Invalid:
            return error(400, "100022", "The input is invalid.")
        app_id = _query(request, "appId")
        if app_id is not None and app_id != APP_KEY:
            return error(200, "100203", "The application is not existed.")
        device = _query(request, "deviceId")
        if device is not None and device not in {t["deviceId"] for t in tasks}:
            return error(200, "100418", "The deviceData is not existed.")
        filters = {k: _query(request, k) for k in ("taskId", "deviceId", "status")}
        rows = [t for t in tasks if all(v is None or t[k] == v for k, v in filters.items())]
        chunk = rows[page * size:(page + 1) * size]
        return _json({"pagination": {"pageNo": page, "pageSize": size, "totalSize": len(rows)}, "data": chunk})

    return Starlette(routes=[Route("/iocm/app/cmd/v1.4.0/deviceCommandCancelTasks", cancel_tasks, methods=["GET"])])


def app() -> Starlette:
    """All three vendors under their own paths, as one server."""
    parts = [enos_app(), iotda_app(), oceanconnect_app()]
    return Starlette(routes=[route for part in parts for route in part.routes])


HEADERS = (f"X-Auth-Token: {TOKEN}", f"app_key: {APP_KEY}", f"Authorization: Bearer {TOKEN}")


if __name__ == "__main__":
    import argparse

    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()
    print(f"lenient implementation on http://127.0.0.1:{args.port}; headers: " + " ".join(repr(h) for h in HEADERS))
    uvicorn.run(app(), host="127.0.0.1", port=args.port, log_level="warning")
