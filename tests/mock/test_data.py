"""The seeded entities: the specs' whole enums, enough records to page through, valid, reproducible."""

from __future__ import annotations

import re
from itertools import product
from typing import Any

from contracts.core.spec import Spec
from contracts.mock import data
from contracts.mock.credentials import (OCEANCONNECT_APP_KEY, OCEANCONNECT_AUTHORIZED_APP_ID,
                                        OCEANCONNECT_UNAUTHORIZED_APP_ID)

APPS = (OCEANCONNECT_APP_KEY, OCEANCONNECT_AUTHORIZED_APP_ID, OCEANCONNECT_UNAUTHORIZED_APP_ID)


def spec_named(specs: list[Spec], fragment: str) -> Spec:
    return next(s for s in specs if fragment in s.name)


def schema(spec: Spec, name: str) -> dict[str, Any]:
    return spec.data["components"]["schemas"][name]


def enum(spec: Spec, schema_name: str, prop: str) -> tuple[str, ...]:
    return tuple(schema(spec, schema_name)["properties"][prop]["enum"])


def violations(spec: Spec, schema_name: str, value: Any) -> list[Any]:
    compiled = spec.compiled(schema(spec, schema_name), closed=True, direction="response")
    return compiled.violations(value)


def test_vocabularies_are_the_specs_enums(specs: list[Spec]) -> None:
    iotda = spec_named(specs, "iotda")
    oc = spec_named(specs, "oceanconnect")
    assert data.TASK_TYPES == enum(iotda, "BatchTask", "task_type")
    assert data.TASK_STATUSES == enum(iotda, "BatchTask", "status")
    assert data.COMMAND_STATUSES == enum(iotda, "AsyncDeviceCommand", "status")
    assert data.SEND_STRATEGIES == enum(iotda, "AsyncDeviceCommand", "send_strategy")
    assert data.CANCEL_TASK_STATUSES == enum(oc, "DeviceCommandCancelTaskResp", "status")
    assert data.DEVICE_COMMAND_STATUSES == enum(oc, "DeviceCommandResp", "status")


def test_batch_tasks_cover_every_type_and_status_newest_first(specs: list[Spec]) -> None:
    tasks = data.batch_tasks(0)
    assert len(tasks) >= 120
    assert set(product(data.TASK_TYPES, data.TASK_STATUSES)) <= {(t.task_type, t.status) for t in tasks}
    ids = [t.task_id for t in tasks]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{24}", i) for i in ids)
    times = [t.body["create_time"] for t in tasks]
    assert times == sorted(times, reverse=True)  # newer records have larger ids
    iotda = spec_named(specs, "iotda")
    assert [(t.task_id, v) for t in tasks for v in violations(iotda, "BatchTask", t.body)] == []


def test_async_commands_cover_every_status_and_strategy(specs: list[Spec]) -> None:
    commands = data.async_commands(0)
    assert {c["status"] for c in commands.values()} == set(data.COMMAND_STATUSES)
    assert {c["send_strategy"] for c in commands.values()} == set(data.SEND_STRATEGIES)
    assert all(key == (c["device_id"], c["command_id"]) for key, c in commands.items())
    iotda = spec_named(specs, "iotda")
    assert [v for c in commands.values() for v in violations(iotda, "AsyncDeviceCommand", c)] == []


def test_cancel_tasks_cover_every_status_in_the_callers_app(specs: list[Spec]) -> None:
    found = data.cancel_tasks(0, *APPS)
    own = [t for t in found.tasks if t.app_id == OCEANCONNECT_APP_KEY]
    assert len(own) >= 60
    assert {t.status for t in own} == set(data.CANCEL_TASK_STATUSES)
    assert {c["status"] for t in own for c in t.body["deviceCommands"]} == set(data.DEVICE_COMMAND_STATUSES)
    assert all(t.body["totalCount"] == len(t.body["deviceCommands"]) for t in found.tasks)
    assert [t.created for t in found.tasks] == sorted(t.created for t in found.tasks)
    assert all(t.device_id in found.devices[t.app_id] for t in found.tasks)
    oc = spec_named(specs, "oceanconnect")
    assert [v for t in found.tasks for v in violations(oc, "DeviceCommandCancelTaskResp", t.body)] == []


def test_one_seed_one_dataset() -> None:
    assert data.batch_tasks(3) == data.batch_tasks(3)
    assert data.async_commands(3) == data.async_commands(3)
    assert data.cancel_tasks(3, *APPS) == data.cancel_tasks(3, *APPS)
    assert data.batch_tasks(3)[0].task_id != data.batch_tasks(4)[0].task_id
    assert data.cancel_tasks(3, *APPS).tasks[0].task_id != data.cancel_tasks(4, *APPS).tasks[0].task_id


def test_samples_are_kept_verbatim() -> None:
    task = {"task_id": "5c8ba99030344005c02316ad", "task_type": "softwareUpgrade", "status": "Success",
            "create_time": "20151212T121212Z"}
    kept = [t for t in data.batch_tasks(0, (task,)) if t.task_id == task["task_id"]]
    assert [t.body for t in kept] == [task]
    command = {"device_id": "d-1", "command_id": "c-1", "status": "SENT"}
    assert data.async_commands(0, (command,))[("d-1", "c-1")] == command


def test_times_are_yyyymmddthhmmssz_in_utc() -> None:
    assert data.fmt_time(1_450_000_000) == "20151213T094640Z"
