"""Huawei IoTDA v5: batch tasks (marker pagination) and asynchronous commands.

Errors are 4xx/5xx with ``{"error_code": "IOTDA.xxxxxx", "error_msg": ...}``;
the codes are the illustrative ones the spec's examples use.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any, Iterable, NamedTuple, Sequence

import orjson

from ..core.auth import ALGORITHM, verify_huawei_aksk
from ..core.classify import Violation
from ..core.spec import Operation
from .data import BatchTask, async_commands, batch_tasks
from .faults import IGNORE_LIMIT
from .replies import Call, Reply, dumps
from .vendor import Setup, Vendor, describe, docs_sample

UNAUTHORIZED = "IOTDA.000002"
INVALID = "IOTDA.000006"
NOT_FOUND = "IOTDA.014000"
INTERNAL = "IOTDA.000001"
TOKEN_HEADER = "x-auth-token"

DEFAULT_MARKER = "f" * 24
DEFAULT_LIMIT = 10


class _Pool(NamedTuple):
    """The tasks one filter keeps, newest first; their ids in ascending order (for bisect); each one's JSON."""

    tasks: list[BatchTask]
    ascending: list[str]
    json: list[bytes]


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, dumps({"error_code": code, "error_msg": message}), cacheable=True)


class IotdaVendor(Vendor):
    name = "IoTDA"
    operations = frozenset({"ListBatchTasks", "ShowAsyncDeviceCommand"})

    def __init__(self, setup: Setup, operations: Iterable[Operation]) -> None:
        super().__init__(setup, operations)
        task_samples: tuple[Any, ...] = ()
        command_samples: tuple[Any, ...] = ()
        if "ListBatchTasks" in self.ops:
            sample = docs_sample(self.ops["ListBatchTasks"])
            if isinstance(sample, dict) and isinstance(sample.get("batchtasks"), list):
                task_samples = tuple(t for t in sample["batchtasks"] if isinstance(t, dict) and "task_id" in t)
        if "ShowAsyncDeviceCommand" in self.ops:
            sample = docs_sample(self.ops["ShowAsyncDeviceCommand"])
            if isinstance(sample, dict) and "device_id" in sample and "command_id" in sample:
                command_samples = (sample,)
        self.tasks = batch_tasks(setup.seed, task_samples)
        self.by_type: dict[str, list[BatchTask]] = {}
        for task in self.tasks:
            self.by_type.setdefault(task.task_type, []).append(task)
        self.commands = async_commands(setup.seed, command_samples)
        # the tasks each filter keeps, newest first, with their ids in ascending order for bisect;
        # made on first use, for the values some task has (any other value keeps no task)
        self._known = ({t.task_type for t in self.tasks}, {t.status for t in self.tasks},
                       {t.app_id for t in self.tasks})
        self._pools: dict[tuple[str | None, str | None, str | None], _Pool] = {}
        # each task serialised once, so a page is joined from bytes (None: one orjson refuses)
        try:
            self._task_json: dict[int, bytes] | None = {id(t): orjson.dumps(t.body) for t in self.tasks}
        except (orjson.JSONEncodeError, TypeError):
            self._task_json = None

    # -- the error dialect ---------------------------------------------------------
    def authenticate(self, call: Call, missing: Sequence[Violation]) -> Reply | None:
        """An IAM token in X-Auth-Token, or an AK/SK signature (SDK-HMAC-SHA256), as the docs allow."""
        creds = self.setup.credentials
        if not missing and call.header(TOKEN_HEADER) == creds.iotda_token:
            return None
        authorization = call.header("authorization") or ""
        if authorization.startswith(ALGORITHM):
            why = verify_huawei_aksk(call.method, call.path, call.query_string, call.headers.items(), call.body,
                                     {creds.iotda_ak: creds.iotda_sk})
            if why is None:
                return None
            return _error(401, UNAUTHORIZED, f"The request signature is invalid: {why}.")
        return _error(401, UNAUTHORIZED, "The authentication token is invalid.")

    def reject(self, call: Call | None, problems: Sequence[Violation]) -> Reply:
        return _error(400, INVALID, f"Invalid input data: {describe(problems)}")

    def internal_error(self) -> Reply:
        return _error(500, INTERNAL, "Internal server error.")

    # -- operations ------------------------------------------------------------------
    def op_list_batch_tasks(self, call: Call) -> Reply:
        task_type = call.arg("task_type")
        status = call.arg("status")
        app_id = call.arg("app_id")
        marker = (call.arg("marker") or DEFAULT_MARKER).lower()
        limit = max(0, call.int_arg("limit", DEFAULT_LIMIT))
        offset = max(0, call.int_arg("offset", 0))
        key = ("tasks", task_type, status, app_id, marker, limit, offset)
        args = (task_type, status, app_id, marker, limit, offset)
        return self.cached_success(call.op, key, lambda: self._page(*args),
                                   (lambda: self._page_bytes(*args)) if self._task_json is not None else None)

    def _select(self, task_type: str | None, status: str | None, app_id: str | None, marker: str, limit: int,
                offset: int) -> tuple[_Pool, slice, dict[str, Any]]:
        """Newest first; a marker keeps only smaller ids; offset skips after it; count is all matches."""
        pool = self._pool(task_type, status, app_id)
        start = len(pool.ascending) - bisect_left(pool.ascending, marker)  # the ids below the marker: a suffix
        end = None if self.setup.has(IGNORE_LIMIT) else start + offset + limit
        page = slice(start + offset, end)
        info: dict[str, Any] = {"count": len(pool.tasks)}
        last = pool.tasks[page][-1:]
        if last:
            info["marker"] = last[0].task_id
        return pool, page, info

    def _pool(self, task_type: str | None, status: str | None, app_id: str | None) -> _Pool:
        key = (task_type, status, app_id)
        found = self._pools.get(key)
        if found is None:
            if any(value is not None and value not in known for value, known in zip(key, self._known)):
                return _Pool([], [], [])
            pool = self.tasks if task_type is None else self.by_type.get(task_type, [])
            matching = [t for t in pool if (status is None or t.status == status)
                        and (app_id is None or t.app_id == app_id)]
            json = self._task_json
            found = self._pools[key] = _Pool(matching, sorted(t.task_id for t in matching),
                                             [json[id(t)] for t in matching] if json is not None else [])
        return found

    def _page(self, *args: Any) -> dict[str, Any]:
        pool, page, info = self._select(*args)
        return {"batchtasks": [dict(t.body) for t in pool.tasks[page]], "page": info}

    def _page_bytes(self, *args: Any) -> bytes:
        """``dumps(self._page(...))``, joined from the tasks serialised once."""
        pool, page, info = self._select(*args)
        return b'{"batchtasks":[%b],"page":%b}' % (b",".join(pool.json[page]), dumps(info))

    def op_show_async_device_command(self, call: Call) -> Reply:
        device_id = call.path_params.get("device_id", "")
        command_id = call.path_params.get("command_id", "")
        command = self.commands.get((device_id, command_id))
        if command is None:
            return _error(404, NOT_FOUND, f"The command {command_id} of device {device_id} does not exist.")
        return self.cached_success(call.op, ("command", device_id, command_id), lambda: command)
