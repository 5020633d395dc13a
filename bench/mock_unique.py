#!/usr/bin/env python3
"""The embedded mock and Prism under unique traffic (wrk + bench/unique.lua), side by side.

    .venv/bin/python bench/mock_unique.py [--duration 8] [--rounds 3] [--connections 4] [--json FILE]

No two requests are alike (bench/unique.lua: ids, limits, markers, statuses,
offsets and createJob bodies vary; a share is invalid on purpose), so the
mock's memo of replies never hits and every request is routed, validated by
the core and answered afresh. Two traffic mixes, each against both servers
given the same one spec:

* ``iotda`` (specs/iotda-v5.yaml): ShowAsyncDeviceCommand and ListBatchTasks;
* ``enos`` (specs/enos-connect-v2.5.yaml): createJob with a JSON body, getJob.

Memo hits are reported apart, as their own row: the same body-less request
(ShowAsyncDeviceCommand with the docs' ids) again and again, which the mock
answers from its memo of replies (bench/mock_vs_prism.py measures that case
route by route, and without the memo).

As in bench/mock_vs_prism.py, each server runs alone on core 0 (one process),
wrk with one thread on core 1; every round starts each server afresh, warms it
up, then measures; medians of the rounds are printed, and the CPU other
processes took meanwhile ("others", in cores) is shown. On a shared machine
contention slows both servers of a round alike; the ratio is the figure.
``--wait-quiet`` waits (up to 2 minutes) for a quiet machine before each run.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mock_vs_prism as base  # noqa: E402  (the tools, servers and CPU accounting are shared)

ROOT = base.ROOT
SCRIPT = ROOT / "bench" / "unique.lua"
MIXES = {"iotda": ROOT / "specs" / "iotda-v5.yaml", "enos": ROOT / "specs" / "enos-connect-v2.5.yaml"}
MEMO_PATH = base.ROUTES["ShowAsyncDeviceCommand"]
TARGET_RATIO, TARGET_P99_MS = 4.0, 1.0
WARM_UP_SECONDS = 2


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    mean_bytes: float
    others: float
    distinct: int = 0
    cpu_us: float = 0.0  # the server's CPU time per request: what contention does not inflate


def start_mock(spec: Path) -> base.Server:
    command = [sys.executable, "-m", "contracts.mock", "--spec", str(spec), "--port", "0"]
    return base.launch("contracts mock", command, r"serving on (\S+)")


def start_prism(prism: Path, spec: Path) -> base.Server:
    port = base.free_port()
    command = [str(prism), "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "error", str(spec)]
    process = subprocess.Popen(base.pinned(base.SERVER_CORE) + command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    server = base.Server("prism mock", process, f"http://127.0.0.1:{port}", group=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("[bench] prism mock exited during start-up")
        try:
            base.fetch(server.url + "/")  # any answer, even a 404, means it listens
            return server
        except OSError:
            time.sleep(0.5)
    server.stop()
    raise SystemExit("[bench] prism mock did not start within 90 s")


def wrk_command(wrk: str, url: str, duration: int, connections: int, mix: str | None) -> list[str]:
    command = base.pinned(base.CLIENT_CORE) + [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    if mix is None:  # the memo-hit row: one fixed request
        return command + ["-H", f"X-Auth-Token: {base.TOKEN}", url + MEMO_PATH]
    return command + ["-s", str(SCRIPT), url, "--", mix]


def run_wrk(wrk: str, url: str, duration: int, connections: int, mix: str | None, server_pid: int) -> Run:
    command = wrk_command(wrk, url, duration, connections, mix)
    before = (base.busy_seconds(), base.process_seconds(server_pid), base.own_seconds(), time.monotonic())
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = (base.busy_seconds(), base.process_seconds(server_pid), base.own_seconds(), time.monotonic())
    others = ((after[0] - before[0]) - (after[1] - before[1]) - (after[2] - before[2])) / (after[3] - before[3])
    server_cpu = after[1] - before[1]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = base._ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = base._ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    total = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read", out)
    unique = re.search(r"unique: requests (\d+) distinct (\d+) bytes (\d+)", out)
    if unique:
        requests, distinct, size = (int(g) for g in unique.groups())
    else:
        assert total is not None
        requests, distinct = int(total.group(1)), 1
        size = int(float(total.group(2)) * {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}[total.group(3)])
    return Run(rps, p50, p99, int(non_2xx.group(1)) if non_2xx else 0,
               sum(int(g) for g in errors.groups()) if errors else 0, size / max(1, requests), max(0.0, others),
               distinct, 1e6 * server_cpu / max(1, requests))


def median(runs: Sequence[Run]) -> Run:
    return Run(statistics.median(r.rps for r in runs), statistics.median(r.p50_ms for r in runs),
               statistics.median(r.p99_ms for r in runs), sum(r.non_2xx for r in runs), sum(r.errors for r in runs),
               statistics.median(r.mean_bytes for r in runs), statistics.median(r.others for r in runs),
               sum(r.distinct for r in runs), statistics.median(r.cpu_us for r in runs))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, servers started afresh (default 3)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--mix", action="append", choices=sorted(MIXES), help="traffic mixes (default both)")
    parser.add_argument("--no-prism", action="store_true", help="measure the mock only")
    parser.add_argument("--wait-quiet", action="store_true", help="wait for a quiet machine before each run")
    parser.add_argument("--json", type=Path, help="also write the medians here")
    args = parser.parse_args(argv)

    wrk = base.ensure_wrk()
    if wrk is None:
        return 2
    prism = None if args.no_prism else base.ensure_prism()
    mixes = args.mix or list(MIXES)
    base.say(f"cpus: {base.os.cpu_count()}; servers on core {base.SERVER_CORE}, wrk -t1 -c{args.connections} "
             f"on core {base.CLIENT_CORE}; {args.rounds} round(s) of {args.duration}s per mix and server")
    base.say("load: " + " ".join(wrk_command(wrk, "URL", args.duration, args.connections, "MIX")))

    # (row, spec, traffic mix or None for the memo-hit row)
    rows: list[tuple[str, Path, str | None]] = [(f"unique {mix}", MIXES[mix], mix) for mix in mixes]
    rows.append(("memo hit (one request repeated)", MIXES["iotda"], None))
    servers: list[tuple[str, Callable[[Path], base.Server]]] = [("contracts mock", start_mock)]
    if prism is not None:
        servers.append(("prism mock", lambda spec: start_prism(prism, spec)))

    results: dict[tuple[str, str], list[Run]] = {}
    for round_no in range(1, args.rounds + 1):
        for row, spec, mix in rows:
            for name, start in servers:
                server = start(spec)  # one server alive at a time
                try:
                    run_wrk(wrk, server.url, WARM_UP_SECONDS, args.connections, mix, server.process.pid)
                    if args.wait_quiet:
                        base.wait_for_quiet()
                    run = run_wrk(wrk, server.url, args.duration, args.connections, mix, server.process.pid)
                finally:
                    server.stop()
                results.setdefault((row, name), []).append(run)
                base.say(f"round {round_no} {row:<32} {name:<15} {run.rps:>8.0f} req/s  p50 {run.p50_ms:6.3f} ms  "
                         f"p99 {run.p99_ms:6.3f} ms  non-2xx {run.non_2xx}  {run.cpu_us:.0f} us CPU/req  (others: {run.others:.2f} cores)")

    medians = {key: median(runs) for key, runs in results.items()}
    print()
    print(f"{'traffic':<34}{'server':<17}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'bytes/resp':>12}{'non-2xx':>9}"
          f"{'errors':>8}{'CPU us/req':>12}{'others':>8}")
    for row, _, _ in rows:
        for name, _ in servers:
            m = medians[(row, name)]
            print(f"{row:<34}{name:<17}{m.rps:>9.0f}{m.p50_ms:>9.3f}{m.p99_ms:>9.3f}{m.mean_bytes:>12.0f}"
                  f"{m.non_2xx:>9}{m.errors:>8}{m.cpu_us:>12.0f}{m.others:>8.2f}")
    print()
    ok = True
    for row, _, mix in rows:
        mine = medians[(row, "contracts mock")]
        other = medians.get((row, "prism mock"))
        if other is None:
            print(f"{row}: contracts mock {mine.rps:.0f} req/s, p99 {mine.p99_ms:.3f} ms (no Prism to compare)")
            continue
        ratio = mine.rps / other.rps if other.rps else float("inf")
        per_cpu = other.cpu_us / mine.cpu_us if mine.cpu_us else float("inf")
        if mix is None:
            print(f"{row}: contracts mock / prism = {ratio:.2f}x req/s; mock p99 {mine.p99_ms:.3f} ms (memo hits, "
                  "reported apart from the target)")
            continue
        met = ratio >= TARGET_RATIO and mine.p99_ms < TARGET_P99_MS
        ok = ok and met
        print(f"{row}: contracts mock / prism = {ratio:.2f}x req/s ({per_cpu:.2f}x requests per server CPU "
              f"second); mock p99 {mine.p99_ms:.3f} ms (target >= {TARGET_RATIO:.0f}x and p99 < {TARGET_P99_MS:.0f} ms: {'met' if met else 'NOT met'})")
    if args.json:
        args.json.write_text(json.dumps({f"{row} | {name}": vars(m) for (row, name), m in medians.items()},
                                        indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
