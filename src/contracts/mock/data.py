"""The mock's seeded entities.

Everything is drawn from ``random.Random(seed)`` and a seed-derived clock,
never the wall clock, so two runs with one seed answer byte for byte alike.
The vocabularies below are the specs' enums; a test keeps them equal, and
every value appears at least once so a checker sees the whole enum.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

# IoTDA ListBatchTasks: task_type and status (BatchTask enums).
TASK_TYPES = ("firmwareUpgrade", "softwareUpgrade", "createDevices", "deleteDevices", "freezeDevices",
              "unfreezeDevices", "createCommands", "createAsyncCommands", "createMessages", "updateDeviceShadows")
TASK_STATUSES = ("Success", "Fail", "Processing", "PartialSuccess", "Stopped", "Waitting", "Initializing", "Stopping")
# IoTDA ShowAsyncDeviceCommand: status and send_strategy.
COMMAND_STATUSES = ("PENDING", "EXPIRED", "SENT", "DELIVERED", "SUCCESSFUL", "FAILED", "TIMEOUT")
SEND_STRATEGIES = ("immediately", "delay")
# OceanConnect: the cancel task's status and its device commands' status.
CANCEL_TASK_STATUSES = ("WAITTING", "RUNNING", "SUCCESS", "FAILED", "PART_SUCCESS")
DEVICE_COMMAND_STATUSES = ("DEFAULT", "EXPIRED", "SUCCESSFUL", "FAILED", "TIMEOUT", "CANCELED")

# IoTDA resource spaces (the app_id filter). Not in any response; documented here for callers.
IOTDA_APP_IDS = ("contracts-space-water", "contracts-space-lights", "contracts-space-default")

# Extra tasks of two types, so one task_type has several pages to walk (limit 50, offset, marker).
_EXTRA_TASKS = (("softwareUpgrade", 80), ("firmwareUpgrade", 40))
_COMMANDS_GENERATED = 28
_COMMAND_DEVICES = 4
_CANCEL_TASKS = 60  # of the caller's own application
_CANCEL_TASKS_PARTNER = 15
_CANCEL_TASKS_FOREIGN = 5
_DEVICES_PER_APP = 8
_DAY = 86_400
_EPOCH_2023 = 1_672_531_200

# Who does what, for commands and documents.
_SERVICES = (("Switch", "ON_OFF", {"value": "ON"}), ("WaterMeter", "SET_INTERVAL", {"interval": 60}),
             ("StreetLight", "SET_BRIGHTNESS", {"level": 80}), ("Valve", "OPEN", {"percent": 50}))
_STATUS_DESC = {
    "Success": "All subtasks succeeded.", "Fail": "All subtasks failed: the devices are offline.",
    "Processing": "Subtasks are running.", "PartialSuccess": "Some subtasks failed: the devices are offline.",
    "Stopped": "The task was stopped.", "Waitting": "The task waits for its schedule.",
    "Initializing": "The task is being initialized.", "Stopping": "The task is being stopped.",
}
# Which device-command statuses a cancel task of each status holds.
_CANCELLED_STATUSES = {
    "WAITTING": ("DEFAULT",),
    "RUNNING": ("DEFAULT", "CANCELED"),
    "SUCCESS": ("CANCELED",),
    "FAILED": ("SUCCESSFUL", "EXPIRED", "FAILED", "TIMEOUT"),
    "PART_SUCCESS": ("CANCELED", "SUCCESSFUL", "TIMEOUT"),
}
CALLBACK_URL = "http://127.0.0.1:9999/cmd/callbackUrl"  # the docs sample's


def fmt_time(epoch: int) -> str:
    """yyyyMMdd'T'HHmmss'Z' in UTC."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(digits * 4):0{digits}x}"


def _clock(rng: random.Random) -> int:
    """A seed-dependent start of time in 2023."""
    return _EPOCH_2023 + rng.randrange(0, 180 * _DAY)


# -- IoTDA batch tasks ----------------------------------------------------------


@dataclass(frozen=True)
class BatchTask:
    task_id: str  # 24 lowercase hex digits; ordering by id is ordering by age
    task_type: str
    status: str
    app_id: str  # the resource space; internal
    body: Mapping[str, Any]


def batch_tasks(seed: int, samples: tuple[Mapping[str, Any], ...] = ()) -> list[BatchTask]:
    """Every task_type x status at least once, plus many upgrade tasks to page through;
    newest (largest id) first. ``samples`` (the docs' tasks) are kept verbatim."""
    rng = random.Random(f"iotda-batchtasks:{seed}")
    plan = [(t, s) for s in TASK_STATUSES for t in TASK_TYPES]
    for task_type, count in _EXTRA_TASKS:
        plan += [(task_type, TASK_STATUSES[i % len(TASK_STATUSES)]) for i in range(count)]
    rng.shuffle(plan)
    epoch = _clock(rng)
    out = []
    for index, (task_type, status) in enumerate(plan):
        epoch += rng.randrange(300, 36_000)
        task_id = f"{epoch:08x}{_hex(rng, 16)}"
        app_id = IOTDA_APP_IDS[index % len(IOTDA_APP_IDS)]
        out.append(BatchTask(task_id, task_type, status, app_id,
                             _batch_task_body(rng, index, task_id, task_type, status, epoch)))
    for sample in samples:
        out.append(BatchTask(str(sample["task_id"]).lower(), str(sample.get("task_type", "")),
                             str(sample.get("status", "")), IOTDA_APP_IDS[0], dict(sample)))
    out.sort(key=lambda t: t.task_id, reverse=True)
    return out


def _batch_task_body(rng: random.Random, index: int, task_id: str, task_type: str, status: str,
                     epoch: int) -> dict[str, Any]:
    upgrade = task_type in ("firmwareUpgrade", "softwareUpgrade")
    body: dict[str, Any] = {"task_id": task_id, "task_name": f"{task_type}-{index:03d}", "task_type": task_type}
    if upgrade and index % 3 == 0:
        body["task_mode"] = "GATEWAY"
    if upgrade and index % 2 == 0:
        body["task_ext_info"] = {"package_version": f"v{1 + index % 4}.{index % 10}.0"}
    if task_type != "createDevices":
        body["targets"] = [_uuid(rng) for _ in range(1 + index % 3)]
    if index % 3 == 1:
        body["targets_filter"] = {"group_ids": [_uuid(rng)]}
    document = _document(rng, index, task_type)
    if document is not None:
        body["document"] = document
    policy: dict[str, Any] = {"schedule_time": fmt_time(epoch + rng.randrange(60, 7 * _DAY))}
    if index % 2 == 0:
        policy["retry_count"] = 1 + index % 5
        policy["retry_interval"] = 1 + rng.randrange(0, 1440)
    body["task_policy"] = policy
    body["status"] = status
    body["status_desc"] = _STATUS_DESC[status]
    body["task_progress"] = _progress(rng, status)
    body["create_time"] = fmt_time(epoch)
    return body


def _document(rng: random.Random, index: int, task_type: str) -> dict[str, Any] | None:
    service_id, command_name, paras = _SERVICES[index % len(_SERVICES)]
    if task_type in ("firmwareUpgrade", "softwareUpgrade"):
        return {"package_id": _hex(rng, 24)}
    if task_type == "createCommands":
        return {"service_id": service_id, "command_name": command_name, "paras": dict(paras)}
    if task_type == "createAsyncCommands":
        return {"service_id": service_id, "command_name": command_name, "paras": dict(paras),
                "expire_time": 0, "send_strategy": "immediately"}
    if task_type == "updateDeviceShadows":
        return {"shadow": [{"service_id": service_id, "desired": dict(paras)}]}
    if task_type == "createMessages":
        return {"message": {"service_id": service_id, "value": index}}
    return None


def _progress(rng: random.Random, status: str) -> dict[str, int]:
    total = rng.randrange(2, 60)
    part = rng.randrange(1, total)
    counts = {"total": total, "processing": 0, "success": 0, "fail": 0, "waitting": 0, "fail_wait_retry": 0,
              "stopped": 0}
    if status == "Success":
        counts["success"] = total
    elif status == "Fail":
        counts["fail"] = total
    elif status == "PartialSuccess":
        counts.update(success=part, fail=total - part)
    elif status == "Processing":
        counts.update(processing=part, success=total - part)
    elif status == "Stopped":
        counts.update(success=part, stopped=total - part)
    elif status == "Stopping":
        counts.update(processing=part, stopped=total - part)
    else:  # Waitting, Initializing
        counts["waitting"] = total
    return counts


# -- IoTDA asynchronous commands ----------------------------------------------------


def async_commands(seed: int, samples: tuple[Mapping[str, Any], ...] = ()) -> dict[tuple[str, str], dict[str, Any]]:
    """(device_id, command_id) -> command. Every status and send_strategy; the docs' samples verbatim."""
    rng = random.Random(f"iotda-commands:{seed}")
    devices = [_uuid(rng) for _ in range(_COMMAND_DEVICES)]  # the samples' devices hold only the samples
    epoch = _clock(rng)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for sample in samples:
        out[(str(sample["device_id"]), str(sample["command_id"]))] = dict(sample)
    for index in range(_COMMANDS_GENERATED):
        epoch += rng.randrange(60, 7200)
        status = COMMAND_STATUSES[index % len(COMMAND_STATUSES)]
        strategy = SEND_STRATEGIES[(index // len(COMMAND_STATUSES)) % len(SEND_STRATEGIES)]
        device_id = devices[index % len(devices)]
        command = _async_command(rng, index, device_id, _uuid(rng), status, strategy, epoch)
        out[(device_id, command["command_id"])] = command
    return out


def _async_command(rng: random.Random, index: int, device_id: str, command_id: str, status: str, strategy: str,
                   epoch: int) -> dict[str, Any]:
    service_id, command_name, paras = _SERVICES[index % len(_SERVICES)]
    body: dict[str, Any] = {"device_id": device_id, "command_id": command_id, "service_id": service_id,
                            "command_name": command_name, "paras": dict(paras),
                            "expire_time": 0 if strategy == "immediately" else rng.choice((3600, _DAY, 2 * _DAY)),
                            "send_strategy": strategy, "created_time": fmt_time(epoch), "status": status}
    sent = epoch if strategy == "immediately" else epoch + rng.randrange(60, 3600)
    if status in ("SUCCESSFUL", "FAILED"):
        body["result"] = {"code": 200, "message": "ok"} if status == "SUCCESSFUL" else {"code": 500,
                                                                                       "message": "device error"}
    if status not in ("PENDING", "EXPIRED"):
        body["sent_time"] = fmt_time(sent)
    if status in ("DELIVERED", "SUCCESSFUL", "FAILED", "TIMEOUT"):
        body["delivered_time"] = fmt_time(sent + rng.randrange(1, 30))
    if status in ("SUCCESSFUL", "FAILED"):
        body["response_time"] = fmt_time(sent + rng.randrange(30, 600))
    return body


# -- OceanConnect device command cancel tasks --------------------------------------------


@dataclass(frozen=True)
class CancelTask:
    task_id: str
    app_id: str
    device_id: str
    status: str
    created: str  # yyyyMMdd'T'HHmmss'Z'; what startTime/endTime compare against; not in the response
    body: Mapping[str, Any]


@dataclass(frozen=True)
class CancelTaskData:
    tasks: tuple[CancelTask, ...]  # oldest first
    devices: Mapping[str, frozenset[str]]  # application id -> its devices


def cancel_tasks(seed: int, own_app: str, partner_app: str, foreign_app: str) -> CancelTaskData:
    """Cancel tasks of the caller's application, of an authorized partner and of a foreign one;
    every task status and every device-command status among the caller's own tasks."""
    rng = random.Random(f"oceanconnect-cancel-tasks:{seed}")
    apps = ((own_app, _CANCEL_TASKS), (partner_app, _CANCEL_TASKS_PARTNER), (foreign_app, _CANCEL_TASKS_FOREIGN))
    devices = {app: tuple(_uuid(rng) for _ in range(_DEVICES_PER_APP)) for app, _ in apps}
    plan = [(app, i) for app, count in apps for i in range(count)]
    rng.shuffle(plan)
    epoch = _clock(rng)
    tasks = []
    for app, index in plan:
        epoch += rng.randrange(600, 20_000)
        status = CANCEL_TASK_STATUSES[index % len(CANCEL_TASK_STATUSES)]
        # The last two devices of each application have no cancel task: known, but empty results.
        device_id = devices[app][index % (_DEVICES_PER_APP - 2)]
        commands = []
        allowed = _CANCELLED_STATUSES[status]
        for k in range(1 + index % 3):
            command_status = allowed[(index // len(CANCEL_TASK_STATUSES) + k) % len(allowed)]
            commands.append(_device_command(rng, index + k, app, device_id, command_status,
                                            epoch - rng.randrange(3600, 5 * _DAY)))
        task_id = _hex(rng, 32)
        body = {"taskId": task_id, "appId": app, "deviceId": device_id, "status": status,
                "totalCount": len(commands), "deviceCommands": commands}
        tasks.append(CancelTask(task_id, app, device_id, status, fmt_time(epoch), body))
    return CancelTaskData(tuple(tasks), {app: frozenset(ids) for app, ids in devices.items()})


def _device_command(rng: random.Random, index: int, app: str, device_id: str, status: str,
                    created: int) -> dict[str, Any]:
    service_id, method, paras = _SERVICES[index % len(_SERVICES)]
    max_retransmit = index % 4
    body: dict[str, Any] = {"commandId": _hex(rng, 32), "appId": app, "deviceId": device_id,
                            "command": {"serviceId": service_id, "method": method, "paras": dict(paras)},
                            "callbackUrl": CALLBACK_URL, "expireTime": rng.choice((0, 3600, 2 * _DAY)),
                            "status": status}
    issued = created + rng.randrange(1, 600)
    if status in ("SUCCESSFUL", "FAILED"):
        body["result"] = {"resultCode": status, "resultDetail": {"code": 0 if status == "SUCCESSFUL" else 1}}
    body["creationTime"] = fmt_time(created)
    if status in ("SUCCESSFUL", "FAILED"):
        body["executeTime"] = fmt_time(issued + rng.randrange(2, 60))
    if status in ("SUCCESSFUL", "FAILED", "TIMEOUT"):
        body["platformIssuedTime"] = fmt_time(issued)
    if status in ("SUCCESSFUL", "FAILED"):
        body["deliveredTime"] = fmt_time(issued + 1)
    body["issuedTimes"] = 0 if status in ("DEFAULT", "EXPIRED", "CANCELED") else 1 + (
        max_retransmit if status == "TIMEOUT" else 0)
    body["maxRetransmit"] = max_retransmit
    return body
