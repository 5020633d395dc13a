"""Huawei OceanConnect IoCM v1.4.0: device command cancel tasks.

Errors are ``{"error_code", "error_desc"}``: 400/403/500 for input and
authentication, and three business errors with HTTP 200 (100203, 100217,
100418), exactly as the page's error table lists them.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from ..core.classify import Violation
from ..core.spec import Operation
from .data import cancel_tasks
from .faults import IGNORE_LIMIT
from .replies import Call, Reply, dumps
from .vendor import Setup, Vendor

APP_KEY_HEADER = "app_key"
AUTHORIZATION_HEADER = "authorization"
DEFAULT_PAGE_SIZE = 1000

APP_NOT_EXIST = ("100203", "The application is not existed.")
APP_NOT_AUTHORIZED = ("100217", "The application hasn't been authorized.")
DEVICE_NOT_EXIST = ("100418", "The deviceData is not existed.")
INVALID_INPUT = ("100022", "The input is invalid.")
INVALID_TOKEN = ("1010005", "Invalid access token or appId.")
NO_APP_KEY = ("100220", "Get AppKey from header failed.")
INTERNAL = ("100001", "Internal server error.")


def _error(status: int, error: tuple[str, str]) -> Reply:
    return Reply(status, dumps({"error_code": error[0], "error_desc": error[1]}), cacheable=True)


class OceanConnectVendor(Vendor):
    name = "OceanConnect"
    operations = frozenset({"queryDeviceCmdCancelTask"})

    def __init__(self, setup: Setup, operations: Iterable[Operation]) -> None:
        super().__init__(setup, operations)
        creds = setup.credentials
        self.own_app = creds.oceanconnect_app_key
        self.authorized = frozenset({self.own_app, creds.oceanconnect_authorized_app_id})
        self.foreign = creds.oceanconnect_unauthorized_app_id
        self.data = cancel_tasks(setup.seed, self.own_app, creds.oceanconnect_authorized_app_id, self.foreign)

    # -- the error dialect ---------------------------------------------------------
    def authenticate(self, call: Call, missing: Sequence[Violation]) -> Reply | None:
        """No app_key: 500 100220. A missing, malformed or unknown token, or an unknown app_key: 403 1010005."""
        missing_headers = {v.location.rsplit("/", 1)[-1].lower() for v in missing}
        if APP_KEY_HEADER in missing_headers:
            return _error(500, NO_APP_KEY)
        creds = self.setup.credentials
        authorization = call.header(AUTHORIZATION_HEADER) or ""
        scheme, _, token = authorization.partition(" ")
        if (AUTHORIZATION_HEADER in missing_headers or scheme.lower() != "bearer"
                or token.strip() != creds.oceanconnect_token
                or call.header(APP_KEY_HEADER) != creds.oceanconnect_app_key):
            return _error(403, INVALID_TOKEN)
        return None

    def reject(self, call: Call | None, problems: Sequence[Violation]) -> Reply:
        return _error(400, INVALID_INPUT)

    def internal_error(self) -> Reply:
        return _error(500, INTERNAL)

    # -- operations ------------------------------------------------------------------
    def op_query_device_cmd_cancel_task(self, call: Call) -> Reply:
        app_id = call.arg("appId")
        if app_id is not None and app_id not in self.authorized:
            return _error(200, APP_NOT_AUTHORIZED if app_id == self.foreign else APP_NOT_EXIST)
        app = app_id if app_id is not None else self.own_app
        device_id = call.arg("deviceId")
        if device_id is not None and device_id not in self.data.devices.get(app, ()):
            return _error(200, DEVICE_NOT_EXIST)
        task_id = call.arg("taskId")
        status = call.arg("status")
        start = call.arg("startTime")
        end = call.arg("endTime")
        page_no = max(0, call.int_arg("pageNo", 0))
        page_size = max(0, call.int_arg("pageSize", DEFAULT_PAGE_SIZE))
        key = ("cancel-tasks", app, device_id, task_id, status, start, end, page_no, page_size)
        return self.cached_success(call.op, key, lambda: self._page(app, device_id, task_id, status, start, end,
                                                                    page_no, page_size))

    def _page(self, app: str, device_id: str | None, task_id: str | None, status: str | None, start: str | None,
              end: str | None, page_no: int, page_size: int) -> dict[str, Any]:
        """Times compare as strings: yyyyMMdd'T'HHmmss'Z' is fixed-width, so order is preserved.
        Both ends of the window are inclusive."""
        matching = [t for t in self.data.tasks
                    if t.app_id == app
                    and (device_id is None or t.device_id == device_id)
                    and (task_id is None or t.task_id == task_id)
                    and (status is None or t.status == status)
                    and (start is None or t.created >= start)
                    and (end is None or t.created <= end)]
        first = page_no * page_size
        last = None if self.setup.has(IGNORE_LIMIT) else first + page_size
        return {"pagination": {"pageNo": page_no, "pageSize": page_size, "totalSize": len(matching)},
                "data": [dict(t.body) for t in matching[first:last]]}
