#!/usr/bin/env python3
"""`contracts validate` on a large HAR next to the parse floor (ijson + orjson on the same file).

    .venv/bin/python bench/har_validate.py [--entries 100000] [--distinct 4000] [--keep DIR] [--profile]

The recording is made here, in a temporary folder: the embedded mock (all
shipped specs, in-process, no sockets) answers ``--distinct`` varied requests
of all five operations (the docs' ids and unknown ids, every task type, limits
of 1 to 50, markers, cancel-task pages, createJob bodies and getJob of the jobs
just created; about one in twenty is invalid and rejected in the vendor's
dialect), and each exchange becomes a HAR 1.2 entry with its headers, query,
request body and response body. Those entries are written again and again,
each with its own time stamp, until the file holds ``--entries`` of them.

Two processes then read the same file, one after the other:

* the floor: ``ijson.items(file, "log.entries.item")`` (the yajl2_c backend)
  and ``orjson.loads`` of every request and response body — the least any
  streaming validator must do;
* ``contracts validate FILE.har --report-dir DIR`` (all shipped specs, every
  check), as a user runs it.

With ``--unique also`` (the default) the same is measured again on
all-unique traffic: ``--entries`` distinct exchanges, so no entry repeats
another and ``validate``'s memo of verdicts never hits.

Printed, for each traffic kind: entries per second of each (the loop alone, and the whole process
with its start-up), ``contracts validate = R of the floor`` (the floor's time
over validate's, loops alone), and the peak RSS of each. A run with a tenth of
the entries shows that the memory is bounded (it does not grow with the file).

``--profile`` then runs ``contracts validate`` once more on the large file of
each kind under cProfile and prints where its time goes: the share
of the whole process spent in each step (cumulative, so a step includes what it
calls; the steps do not overlap but for the indented ones).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

import orjson

ROOT = Path(__file__).resolve().parents[1]
HOST = "https://iot.example.com"
TARGET_RATE = 20_000  # entries per second
TASK_TYPES = ("firmwareUpgrade", "softwareUpgrade", "createDevices", "deleteDevices", "freezeDevices",
              "unfreezeDevices", "createCommands", "createAsyncCommands", "createMessages", "updateDeviceShadows")
TASK_STATUSES = ("Success", "Fail", "Processing", "PartialSuccess", "Stopped", "Waitting", "Initializing", "Stopping")
CANCEL_STATUSES = ("WAITTING", "RUNNING", "SUCCESS", "FAILED", "PART_SUCCESS")
DOCS_DEVICE = "c1224afb-e9f0-4916-8220-b6bab568e888"
DOCS_COMMAND = "b1224afb-e9f0-4916-8220-b6bab568e888"

FLOOR = r"""
import sys, time, ijson, orjson
assert ijson.backend == "yajl2_c", ijson.backend
started = time.perf_counter()
n = 0
with open(sys.argv[1], "rb") as handle:
    for entry in ijson.items(handle, "log.entries.item", use_float=True):
        n += 1
        post = entry["request"].get("postData")
        if post and post.get("text"):
            orjson.loads(post["text"])
        text = (entry.get("response") or {}).get("content", {}).get("text")
        if text:
            orjson.loads(text)
print(n, time.perf_counter() - started)
"""


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# -- the recording ----------------------------------------------------------------------


class Recorder:
    """Requests to the embedded mock's ASGI app, kept as HAR entries."""

    def __init__(self) -> None:
        from contracts.mock import create_app
        from contracts.mock.credentials import demo_headers

        self.app = create_app()
        self.headers = {op.operation_id: demo_headers(op) for op in self.app.operations}
        self.entries: list[dict[str, Any]] = []
        self.jobs: list[tuple[str, str]] = []

    async def send(self, op_id: str, method: str, path: str, query: list[tuple[str, str]],
                   body: bytes | None = None) -> Any:
        from urllib.parse import urlencode

        qs = urlencode(query)
        headers = [("Host", "iot.example.com"), ("User-Agent", "contracts-bench/1"), ("Accept", "application/json"),
                   *self.headers.get(op_id, {}).items()]
        if body is not None:
            headers += [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
                 "query_string": qs.encode(), "client": ("127.0.0.1", 50000),
                 "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]}
        messages = [{"type": "http.request", "body": body or b"", "more_body": False}]
        sent: dict[str, Any] = {}

        async def receive() -> dict[str, Any]:
            return messages.pop() if messages else {"type": "http.disconnect"}

        async def reply(message: dict[str, Any]) -> None:
            sent.setdefault(message["type"], message)

        await self.app(scope, receive, reply)
        start, content = sent["http.response.start"], sent["http.response.body"]["body"]
        response_headers = [{"name": k.decode("latin-1"), "value": v.decode("latin-1")} for k, v in start["headers"]]
        mime = next((h["value"] for h in response_headers if h["name"] == "content-type"), "")
        request: dict[str, Any] = {
            "method": method, "url": f"{HOST}{path}" + (f"?{qs}" if qs else ""), "httpVersion": "HTTP/1.1",
            "cookies": [], "headers": [{"name": k, "value": v} for k, v in headers],
            "queryString": [{"name": k, "value": v} for k, v in query], "headersSize": -1,
            "bodySize": len(body) if body else 0}
        if body is not None:
            request["postData"] = {"mimeType": "application/json", "text": body.decode("utf-8")}
        self.entries.append({
            "startedDateTime": "", "time": 1.0, "request": request,
            "response": {"status": start["status"], "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [],
                         "headers": response_headers,
                         "content": {"size": len(content), "mimeType": mime, "text": content.decode("utf-8")},
                         "redirectURL": "", "headersSize": -1, "bodySize": len(content)},
            "cache": {}, "timings": {"send": 0.1, "wait": 0.8, "receive": 0.1}})
        return orjson.loads(content) if mime.startswith("application/json") else None

    async def one(self, rng: random.Random, i: int) -> None:
        roll = rng.randrange(100)
        project = f"p{i:08x}"
        if roll < 15:
            if rng.random() < 0.7:
                path = f"/v5/iot/{project}/devices/{DOCS_DEVICE}/async-commands/{DOCS_COMMAND}"
            else:
                path = f"/v5/iot/{project}/devices/dev-{i:06x}/async-commands/cmd-{i:08x}"
            await self.send("ShowAsyncDeviceCommand", "GET", path, [])
        elif roll < 40:
            query = [("task_type", rng.choice(TASK_TYPES)),
                     ("limit", str(rng.randint(1, 50) if rng.random() < 0.93 else rng.randint(51, 99)))]
            if rng.random() < 0.4:
                query.append(("marker", f"{rng.getrandbits(96):024x}"))
            if rng.random() < 0.25:
                query.append(("status", rng.choice(TASK_STATUSES)))
            await self.send("ListBatchTasks", "GET", f"/v5/iot/{project}/batchtasks", query)
        elif roll < 60:
            query = [("pageNo", str(rng.randint(0, 3))), ("pageSize", str(rng.choice((1, 5, 10, 25))))]
            if rng.random() < 0.3:
                query.append(("status", rng.choice(CANCEL_STATUSES)))
            if rng.random() < 0.05:
                query.append(("pageSize", "-1"))
            await self.send("queryDeviceCmdCancelTask", "GET", "/iocm/app/cmd/v1.4.0/deviceCommandCancelTasks", query)
        elif roll < 82:
            org = f"org{i % 37}"
            desc = f"job {i} " + "x" * rng.randint(0, 60) + ("y" * 100 if rng.random() < 0.06 else "")
            body = {"timeoutPolicy": {"inProgressTimeoutInSeconds": rng.randint(1, 900),
                                      "ttlTimeoutInSeconds": rng.randint(0, 172800)},
                    "retryPolicy": {"enableRetry": rng.random() < 0.5, "retryCount": rng.randint(1, 10),
                                    "retryIntervalInSeconds": rng.randint(0, 86400)},
                    "name": {"defaultValue": f"job-{i}", "i18nValue": {"en_US": f"job {i}", "zh_CN": f"任务 {i}"}},
                    "schedulePolicy": {"disposableSchedulePolicy": {"triggerTs": 1718952446317 + i},
                                       "scheduleType": "DISPOSABLE"},
                    "commandInfo": {"commandType": "SERVICE_INVOKE",
                                    "serviceInvokeInfo": {"inputData": {"input": rng.randint(0, 99)},
                                                          "serviceId": f"service{rng.randint(1, 9)}"}},
                    "targetScope": {"targetDevices": [{"deviceKey": f"dev{i}-{d}", "productKey": "prod"}
                                                      for d in range(rng.randint(1, 4))],
                                    "targetType": "DEVICE_LIST"},
                    "desc": desc}
            answer = await self.send("createJob", "POST", "/connect-service/v2.5/commands",
                                     [("action", "createJob"), ("orgId", org)], orjson.dumps(body))
            if isinstance(answer, dict) and answer.get("code") == 0:
                self.jobs.append((org, answer["data"]))
        else:
            org, job = rng.choice(self.jobs) if self.jobs and rng.random() < 0.8 else ("org0", f"nojob{i}")
            await self.send("getJob", "GET", "/connect-service/v2.5/commands",
                            [("action", "getJob"), ("orgId", org), ("jobId", job)])

    def record(self, distinct: int, seed: int = 1) -> list[dict[str, Any]]:
        rng = random.Random(seed)

        async def all_of_them() -> None:
            for i in range(distinct):
                await self.one(rng, i)

        asyncio.run(all_of_them())
        return self.entries


def write_har(path: Path, exchanges: Sequence[dict[str, Any]], entries: int) -> int:
    """``entries`` HAR entries cycling through ``exchanges``, each with its own time stamp; bytes written."""
    base = 1_767_225_600.0  # 2026-01-01T00:00:00Z
    with path.open("wb") as out:
        out.write(b'{"log":{"version":"1.2","creator":{"name":"contracts-bench","version":"1"},"entries":[')
        for n in range(entries):
            entry = dict(exchanges[n % len(exchanges)])
            seconds = base + n * 0.01
            entry["startedDateTime"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + \
                f".{int(seconds * 1000) % 1000:03d}Z"
            out.write((b"," if n else b"") + orjson.dumps(entry))
        out.write(b"]}}\n")
    return path.stat().st_size


# -- measuring --------------------------------------------------------------------------


def run_measured(command: list[str]) -> tuple[float, int, float, str]:
    """Run ``command`` under a helper that reports its own child's peak RSS (ru_maxrss is per waited child)."""
    helper = ("import json, resource, subprocess, sys, time\n"
              "t = time.perf_counter()\n"
              "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
              "wall = time.perf_counter() - t\n"
              "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
              "print(json.dumps({'wall': wall, 'rss': use.ru_maxrss * 1024, 'cpu': use.ru_utime + use.ru_stime,\n"
              "                  'rc': p.returncode, 'out': p.stdout, 'err': p.stderr}))\n")
    done = subprocess.run([sys.executable, "-c", helper, *command], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    result = json.loads(done.stdout)
    if result["rc"] not in (0, 1):
        raise SystemExit(f"[bench] {' '.join(command[:4])} failed ({result['rc']}): {result['err'].strip()[-400:]}")
    return result["wall"], result["rss"], result["cpu"], result["out"]


# What --profile reports: (label, "folder/module.py:function"), shares of the whole process's CPU time.
STEPS = (
    ("the loop over the entries (validate_har)", "runner/har.py:validate_har"),
    ("  reading entries (harscan and orjson, shape check, depth probe)", "core/har.py:iter_entries"),
    ("    the shape check", "core/har.py:_checked"),
    ("    the depth probe", "core/har.py:deeper"),
    ("  the memo's key", "runner/har.py:exchange_key"),
    ("  request and response records", "core/adapters.py:exchange_from"),
    ("  routing and URL parsing", "core/validator.py:match"),
    ("  request validation", "core/validator.py:iter_request_findings"),
    ("  response validation", "core/validator.py:iter_response_findings"),
    ("  counting and folding (Traffic.record)", "runner/traffic.py:record"),
)
PROFILE = r"""
import cProfile, json, sys, time
from pathlib import Path
from contracts.cli import run
profiler = cProfile.Profile()
profiler.enable()
code = run(sys.argv[1:])
profiler.disable()
import pstats
stats = pstats.Stats(profiler)
shares = {}
for (file, _, name), (_, _, _, cumulative, _) in stats.stats.items():
    key = f"{Path(file).parent.name}/{Path(file).name}:{name}"
    shares[key] = shares.get(key, 0.0) + cumulative
print(json.dumps({"code": code, "total": stats.total_tt, "shares": shares}))
"""


def profile(har: Path, entries: int, work: Path) -> list[str]:
    """Where ``contracts validate`` spends its time on ``har``: one line per step of STEPS."""
    report_dir = work / f"profile-{entries}"
    done = subprocess.run([sys.executable, "-c", PROFILE, "validate", str(har), "--report-dir", str(report_dir), "-q"],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"[bench] the profiled run failed: {done.stderr.strip()[-400:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["code"] not in (0, 1):
        raise SystemExit(f"[bench] the profiled contracts validate exited {result['code']}")
    total, shares = result["total"], result["shares"]
    lines = [f"  the whole process under cProfile: {total:.2f} s, {1e6 * total / entries:.0f} µs an entry"]
    for label, key in STEPS:
        spent = shares.get(key, 0.0)
        lines.append(f"  {label:<62} {spent / total:6.1%}  {1e6 * spent / entries:6.1f} µs an entry")
    return lines


def contracts_command() -> list[str]:
    exe = Path(sys.executable).with_name("contracts")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from contracts.cli import main; main()"]


def measure(har: Path, entries: int, work: Path) -> dict[str, float]:
    floor_wall, floor_rss, floor_cpu, floor_out = run_measured([sys.executable, "-c", FLOOR, str(har)])
    counted, floor_loop = floor_out.split()
    if int(counted) != entries:
        raise SystemExit(f"[bench] the floor read {counted} entries, not {entries}")
    report_dir = work / f"report-{entries}"
    wall, rss, cpu, _ = run_measured(contracts_command() + ["validate", str(har), "--report-dir", str(report_dir), "-q"])
    summary = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))["summary"]
    if summary["requests"] != entries:
        raise SystemExit(f"[bench] contracts validate validated {summary['requests']} entries, not {entries}")
    loop = float(summary["duration_seconds"])
    return {"entries": entries, "floor_loop": float(floor_loop), "floor_wall": floor_wall, "floor_rss": floor_rss,
            "floor_cpu": floor_cpu, "loop": loop, "wall": wall, "rss": rss, "cpu": cpu, "findings": len(json.loads(
                (report_dir / "report.json").read_text(encoding="utf-8"))["findings"])}


def run_kind(exchanges: Sequence[dict[str, Any]], entries: int, work: Path, tag: str,
             profiled: bool = False) -> list[dict[str, Any]]:
    """The two file sizes (a tenth, and all of ``entries``) cycling through ``exchanges``."""
    rows = []
    for count in (max(1, entries // 10), entries):
        har = work / f"recording-{tag}-{count}.har"
        size = write_har(har, exchanges, count)
        say(f"{har.name}: {count:,} entries, {size / 1e6:.1f} MB")
        row = measure(har, count, work)
        row["mb"] = size / 1e6
        row["traffic"] = tag
        rows.append(row)
        say(f"{count:,} entries: floor {row['floor_loop']:.2f}s ({row['floor_rss'] / 1e6:.0f} MB), "
            f"contracts validate {row['loop']:.2f}s loop, {row['wall']:.2f}s process "
            f"({row['rss'] / 1e6:.0f} MB), {row['findings']} findings")
        if profiled and count == entries:
            say("profiling contracts validate on the same file")
            row["profile"] = profile(har, count, work)
        har.unlink()
    return rows


def summarise(rows: list[dict[str, Any]], title: str) -> bool:
    """The table and the summary lines of one traffic kind; whether the target is met."""
    print()
    print(title)
    print(f"{'entries':>9}{'MB':>8}{'floor/s':>11}{'floor RSS':>11}{'validate/s':>12}{'(process)':>11}"
          f"{'validate RSS':>14}{'R of floor':>12}{'floor CPU s':>13}{'validate CPU s':>16}")
    for row in rows:
        print(f"{row['entries']:>9,}{row['mb']:>8.1f}{row['entries'] / row['floor_loop']:>11,.0f}"
              f"{row['floor_rss'] / 1e6:>9.0f}MB{row['entries'] / row['loop']:>12,.0f}"
              f"{row['entries'] / row['wall']:>11,.0f}{row['rss'] / 1e6:>12.0f}MB{row['floor_loop'] / row['loop']:>12.2f}"
              f"{row['floor_cpu']:>13.2f}{row['cpu']:>16.2f}")
    print()
    big, small = rows[-1], rows[0]
    rate = big["entries"] / big["loop"]
    ratio = big["floor_loop"] / big["loop"]
    growth = big["rss"] / small["rss"] if small["rss"] else float("inf")
    met = rate >= TARGET_RATE and growth < 1.5
    print(f"contracts validate = {ratio:.2f} of the floor (ijson + orjson); {rate:,.0f} entries/s "
          f"({big['entries'] / big['wall']:,.0f}/s with start-up); peak RSS {big['rss'] / 1e6:.0f} MB "
          f"for {big['entries']:,} entries, {small['rss'] / 1e6:.0f} MB for {small['entries']:,} "
          f"(x{growth:.2f} for 10x the entries)")
    print(f"CPU time of the whole processes (start-up included; what contention on a shared machine does not "
          f"inflate): floor {big['floor_cpu']:.2f}s, contracts validate {big['cpu']:.2f}s = "
          f"{big['floor_cpu'] / big['cpu']:.2f} of the floor, {big['entries'] / big['cpu']:,.0f} entries per CPU second")
    print(f"target >= {TARGET_RATE:,} entries/s in bounded memory: {'met' if met else 'NOT met'}")
    if "profile" in big:
        print(f"where contracts validate's time goes ({big['entries']:,} entries, cProfile):")
        for line in big["profile"]:
            print(line)
    return met


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000, help="entries in the large HAR (default 100,000)")
    parser.add_argument("--distinct", type=int, default=4000, help="distinct exchanges recorded (default 4,000)")
    parser.add_argument("--unique", choices=("also", "no", "only"), default="also",
                        help="also (default), not, or only measure all-unique traffic: --distinct = --entries, "
                             "every entry a different exchange, so no verdict is replayed")
    parser.add_argument("--keep", type=Path, help="write the HAR files here instead of a temporary folder")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--profile", action="store_true",
                        help="also profile contracts validate on the large file of each kind and print the shares")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="contracts-har-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    kinds = []
    if args.unique != "only":
        kinds.append(("repeated", args.distinct))
    if args.unique != "no":
        kinds.append(("unique", args.entries))
    results: list[tuple[str, int, list[dict[str, Any]]]] = []
    try:
        for tag, distinct in kinds:
            started = time.perf_counter()
            exchanges = Recorder().record(distinct)
            statuses: dict[str, int] = {}
            for e in exchanges:
                key = str(e["response"]["status"])
                statuses[key] = statuses.get(key, 0) + 1
            say(f"recorded {len(exchanges)} distinct exchanges from the embedded mock in "
                f"{time.perf_counter() - started:.1f}s (statuses {dict(sorted(statuses.items()))})")
            results.append((tag, distinct, run_kind(exchanges, args.entries, work, tag, args.profile)))
            del exchanges
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    met = {}
    for tag, distinct, rows in results:
        title = (f"repeated traffic: {args.entries:,} entries from {distinct:,} distinct exchanges (verdicts replayed)"
                 if tag == "repeated" else f"all-unique traffic: every entry a different exchange ({distinct:,})")
        met[tag] = summarise(rows, title)
    if args.json:
        args.json.write_text(json.dumps([row for _, _, rows in results for row in rows], indent=2), encoding="utf-8")
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
