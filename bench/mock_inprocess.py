#!/usr/bin/env python3
"""The mock's CPU time per request on unique traffic, in-process (no sockets, no wrk, no Prism).

    .venv/bin/python bench/mock_inprocess.py [--requests 20000] [--profile | --latency]

The same kinds of unique requests as bench/unique.lua, in the same shares (a
counter in every request: project ids, device and command ids, markers; task
types, statuses, limits and offsets as the script picks them; createJob bodies
and getJob of unknown ids; about 5 % invalid on purpose), sent straight to the
ASGI app, so what is measured is the mock's own work: routing, validation by the
core, the vendor handler, rendering. CPU time (time.process_time), which a busy
shared machine inflates far less than wall time; the heap is frozen out of the
garbage collector after start-up, as `contracts mock` does. ``--profile`` prints
where the time goes (cProfile, CPU clock): the share of each step.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import pstats
import random
import sys
import time
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parents[1]
SPECS = {"iotda": ROOT / "specs" / "iotda-v5.yaml", "enos": ROOT / "specs" / "enos-connect-v2.5.yaml"}
TASK_TYPES = ("firmwareUpgrade", "softwareUpgrade", "createDevices", "deleteDevices", "freezeDevices",
              "unfreezeDevices", "createCommands", "createAsyncCommands", "createMessages", "updateDeviceShadows")
STATUSES = ("Success", "Fail", "Processing", "PartialSuccess", "Stopped", "Waitting", "Initializing", "Stopping")
DOCS_DEVICE, DOCS_COMMAND = "c1224afb-e9f0-4916-8220-b6bab568e888", "b1224afb-e9f0-4916-8220-b6bab568e888"
STEPS = ("http.py:of_target", "validator.py:match", "app.py:_route", "app.py:_check",
         "validator.py:request_violations", "requestcheck.py:accepts", "validator.py:body_violations",
         "vendor.py:handle", "enos.py:op_create_job", "schemas.py:prune", "schemas.py:fill_defaults",
         "iotda.py:op_list_batch_tasks", "cache.py:put_seen", "replies.py:dumps")


def requests(mix: str, n: int) -> list[tuple[str, str, str, bytes | None]]:
    rng = random.Random(1)
    out: list[tuple[str, str, str, bytes | None]] = []
    for i in range(n):
        roll = rng.randrange(100)
        if mix == "iotda":
            project = f"/v5/iot/p{i:010x}"
            if roll < 30:
                out.append(("GET", f"{project}/devices/{DOCS_DEVICE}/async-commands/{DOCS_COMMAND}", "", None))
            elif roll < 45:
                out.append(("GET", f"{project}/devices/dev-{i:08x}/async-commands/cmd-{i:012x}", "", None))
            else:
                query = f"task_type={rng.choice(TASK_TYPES)}&limit={rng.randint(1, 50) if roll < 95 else 50 + rng.randint(1, 100)}"
                if rng.random() < 0.5:
                    query += f"&marker={rng.randrange(1 << 24):06x}{i:018x}"
                if rng.random() < 0.25:
                    query += f"&status={rng.choice(STATUSES)}"
                if rng.random() < 0.25:
                    query += f"&offset={rng.randint(0, 20)}"
                out.append(("GET", f"{project}/batchtasks", query, None))
            continue
        if roll < 25:
            out.append(("GET", "/connect-service/v2.5/commands", f"action=getJob&orgId=o{i:010x}&jobId=job-{i}", None))
            continue
        body = {"timeoutPolicy": {"inProgressTimeoutInSeconds": rng.randint(1, 900), "ttlTimeoutInSeconds": 5},
                "retryPolicy": {"enableRetry": True, "retryCount": rng.randint(1, 10), "retryIntervalInSeconds": 30},
                "name": {"defaultValue": f"job-{i}", "i18nValue": {"en_US": f"job {i}"}},
                "schedulePolicy": {"disposableSchedulePolicy": {"triggerTs": 1718952446317 + i},
                                   "scheduleType": "DISPOSABLE"},
                "commandInfo": {"commandType": "SERVICE_INVOKE",
                                "serviceInvokeInfo": {"inputData": {"input": 1}, "serviceId": "s"}},
                "targetScope": {"targetDevices": [{"deviceKey": f"d{i}", "productKey": "p"}],
                                "targetType": "DEVICE_LIST"},
                "desc": f"job {i}" + ("y" * 120 if roll > 95 else "")}
        out.append(("POST", "/connect-service/v2.5/commands", f"action=createJob&orgId=o{i:010x}",
                    json.dumps(body).encode()))
    return out


async def send_all(app: Any, batch: list[tuple[str, str, str, bytes | None]]) -> dict[int, int]:
    statuses: dict[int, int] = {}
    for method, path, qs, body in batch:
        headers = [(b"host", b"mock"), (b"x-auth-token", b"contracts-demo-token")]
        if body is not None:
            headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
                 "query_string": qs.encode(), "headers": headers, "client": ("127.0.0.1", 1)}
        messages = [{"type": "http.request", "body": body or b"", "more_body": False}]

        async def receive() -> dict[str, Any]:
            return messages.pop() if messages else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses[message["status"]] = statuses.get(message["status"], 0) + 1

        await app(scope, receive, send)
    return statuses


def _kind(request: tuple[str, str, str, bytes | None]) -> str:
    method, path, qs, body = request
    if "action=" in qs:
        name = qs.split("action=")[1].split("&")[0]
        return name + (" (invalid: desc too long)" if body is not None and b"y" * 100 in body else "")
    return "ListBatchTasks" if path.endswith("/batchtasks") else "ShowAsyncDeviceCommand"


def latency(n: int) -> int:
    """Each request timed apart: where the tail of a mix comes from."""
    from contracts.mock import create_app

    for mix, spec in SPECS.items():
        app = create_app([spec])
        batch = requests(mix, n)
        gc.collect()
        gc.freeze()
        times: dict[str, list[float]] = {}

        async def each() -> None:
            for request in batch:
                began = time.perf_counter()
                await send_all(app, [request])
                times.setdefault(_kind(request), []).append(1e6 * (time.perf_counter() - began))

        asyncio.run(each())
        every = sorted(t for spent in times.values() for t in spent)
        at = lambda values, q: values[min(len(values) - 1, int(len(values) * q))]  # noqa: E731
        print(f"unique {mix}: p50 {at(every, 0.5):.0f} us, p99 {at(every, 0.99):.0f} us, "
              f"p99.9 {at(every, 0.999):.0f} us (wall clock, one request at a time)")
        for kind, spent in sorted(times.items()):
            spent.sort()
            print(f"    {kind:<40} {len(spent):>6}  p50 {at(spent, 0.5):5.0f} us  p99 {at(spent, 0.99):5.0f} us")
        gc.unfreeze()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--profile", action="store_true", help="print the share of each step (cProfile)")
    parser.add_argument("--latency", action="store_true",
                        help="time each request apart (wall clock) and print percentiles per kind of request")
    args = parser.parse_args(argv)
    from contracts.mock import create_app

    if args.latency:
        return latency(args.requests)

    for mix, spec in SPECS.items():
        app = create_app([spec])
        batch = requests(mix, args.requests)
        gc.collect()
        gc.freeze()
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        started = time.process_time()
        if profiler:
            profiler.enable()
        statuses = asyncio.run(send_all(app, batch))
        if profiler:
            profiler.disable()
        spent = time.process_time() - started
        print(f"unique {mix}: {1e6 * spent / len(batch):.0f} us CPU per request ({len(batch) / spent:,.0f} requests "
              f"per CPU second), statuses {dict(sorted(statuses.items()))}")
        if profiler:
            stats = pstats.Stats(profiler)
            shares: dict[str, float] = {}
            for (file, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
                key = f"{Path(file).name}:{name}"
                shares[key] = shares.get(key, 0.0) + cumulative
            total = stats.total_tt  # type: ignore[attr-defined]
            for step in STEPS:
                if step in shares:
                    print(f"    {step:<34} {shares[step] / total:6.1%}")
        gc.unfreeze()
    return 0


if __name__ == "__main__":
    sys.exit(main())
