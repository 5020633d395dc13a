#!/usr/bin/env python3
"""Load the embedded mock and Prism side by side with wrk, on the same spec and routes.

    .venv/bin/python bench/mock_vs_prism.py [--duration 8] [--rounds 3] [--connections 4]

Both servers get the IoTDA spec (specs/iotda-v5.yaml), the same two routes
(ShowAsyncDeviceCommand with the docs' ids, ListBatchTasks with
task_type=softwareUpgrade) and the same X-Auth-Token header, so both validate
the request (Prism checks the security header and task_type) before answering.

The machine is assumed to have two cores: each server runs alone on core 0
(one process, one worker), wrk runs with one thread on core 1. Runs are
interleaved (mock, Prism, mock, ...) and the median of the rounds is printed,
because a shared virtual machine drifts between runs.

Rows: `contracts mock` is the product as shipped (validation on; repeated
identical requests are answered from the memo of verdicts and replies);
`contracts mock (no memo)` validates and renders every request afresh
(create_app(cache_size=0)), to show what the memo buys.

wrk comes from the Debian package (installed with apt-get if missing); Prism
from npm (@stoplight/prism-cli, installed into bench/.cache/prism if missing).
If either cannot be installed, the script says so and measures what it can.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"
PRISM_DIR = CACHE / "prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
PRISM_PACKAGE = "@stoplight/prism-cli@5"
SPEC = ROOT / "specs" / "iotda-v5.yaml"
TOKEN = "contracts-demo-token"
ROUTES = {
    "ShowAsyncDeviceCommand": "/v5/iot/bench-project/devices/c1224afb-e9f0-4916-8220-b6bab568e888"
                              "/async-commands/b1224afb-e9f0-4916-8220-b6bab568e888",
    "ListBatchTasks": "/v5/iot/bench-project/batchtasks?task_type=softwareUpgrade",
}
SERVER_CORE, CLIENT_CORE = "0", "1"
TARGET_RATIO, TARGET_P99_MS = 4.0, 2.0
UNCACHED_SERVER = (
    "import sys\n"
    "from contracts.mock import MockServer, create_app\n"
    "app = create_app([sys.argv[1]], cache_size=0)\n"
    "MockServer(app, '127.0.0.1', 0).run(lambda url: print('contracts mock: serving on', url, flush=True))\n"
)


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# -- tools ------------------------------------------------------------------------------


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    say("wrk is missing; installing the Debian package with apt-get")
    prefix = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None or not shutil.which("apt-get"):
        say("cannot install wrk: apt-get (as root or with sudo) is not available; install the 'wrk' package")
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "--no-install-recommends", "wrk"]):
        done = subprocess.run(prefix + command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            say(f"cannot install wrk: {' '.join(command)} failed: {done.stderr.strip()[-300:]}")
            return None
    return shutil.which("wrk")


def ensure_prism() -> Path | None:
    if PRISM_BIN.exists():
        return PRISM_BIN
    npm = shutil.which("npm")
    if npm is None:
        say("cannot install Prism: npm is not available (install Node.js and npm); measuring the mock only")
        return None
    say(f"Prism is missing; installing {PRISM_PACKAGE} with npm into {PRISM_DIR.relative_to(ROOT)}")
    PRISM_DIR.mkdir(parents=True, exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n", encoding="utf-8")  # the cache is never committed
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(PRISM_DIR), PRISM_PACKAGE],
                          capture_output=True, text=True)
    if done.returncode != 0 or not PRISM_BIN.exists():
        say(f"cannot install Prism: npm install failed: {done.stderr.strip()[-300:]}; measuring the mock only")
        return None
    return PRISM_BIN


def pinned(core: str) -> list[str]:
    return ["taskset", "-c", core] if shutil.which("taskset") else []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- servers --------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[str]
    url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_mock(name: str, uncached: bool) -> Server:
    python = sys.executable
    if uncached:
        command = [python, "-c", UNCACHED_SERVER, str(SPEC)]
    else:
        command = [python, "-m", "contracts.mock", "--spec", str(SPEC), "--port", "0"]
    process = subprocess.Popen(pinned(SERVER_CORE) + command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        found = re.search(r"serving on (\S+)", line)
        if found:
            return Server(name, process, found.group(1))
    process.kill()
    raise SystemExit(f"[bench] {name} did not start")


def start_prism(prism: Path) -> Server:
    port = free_port()
    command = [str(prism), "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "error", str(SPEC)]
    process = subprocess.Popen(pinned(SERVER_CORE) + command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    server = Server("prism mock", process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("[bench] prism mock exited during start-up")
        try:
            status, _ = fetch(server.url + ROUTES["ShowAsyncDeviceCommand"])
            if status:
                return server
        except OSError:
            time.sleep(0.5)
    server.stop()
    raise SystemExit("[bench] prism mock did not start within 90 s")


def stop_prism(server: Server) -> None:
    """Prism forks node children; stop the whole session it leads."""
    if server.process.poll() is None:
        try:
            os.killpg(server.process.pid, signal.SIGTERM)
            server.process.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(server.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def fetch(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"X-Auth-Token": TOKEN})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# -- load -----------------------------------------------------------------------------


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if not found:
        raise ValueError(f"cannot read the latency {text!r}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def run_wrk(wrk: str, url: str, duration: int, connections: int) -> Result:
    command = pinned(CLIENT_CORE) + [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--latency",
                                     "-H", f"X-Auth-Token: {TOKEN}", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Result(rps, p50, p99, int(non_2xx.group(1)) if non_2xx else 0,
                  sum(int(g) for g in errors.groups()) if errors else 0)


def median(results: Sequence[Result]) -> Result:
    return Result(statistics.median(r.rps for r in results), statistics.median(r.p50_ms for r in results),
                  statistics.median(r.p99_ms for r in results), sum(r.non_2xx for r in results),
                  sum(r.errors for r in results))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are printed (default 3)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--no-prism", action="store_true", help="measure the mock only")
    parser.add_argument("--no-uncached", action="store_true", help="skip the 'no memo' mock row")
    parser.add_argument("--json", type=Path, help="also write the medians here")
    args = parser.parse_args(argv)

    wrk = ensure_wrk()
    if wrk is None:
        return 2
    prism = None if args.no_prism else ensure_prism()
    say(f"cpus: {os.cpu_count()}; servers on core {SERVER_CORE}, wrk -t1 -c{args.connections} on core "
        f"{CLIENT_CORE}; {args.rounds} round(s) of {args.duration}s per route and server; spec {SPEC.name}")

    servers: list[Server] = [start_mock("contracts mock", uncached=False)]
    if not args.no_uncached:
        servers.append(start_mock("contracts mock (no memo)", uncached=True))
    try:
        if prism is not None:
            servers.append(start_prism(prism))
        for server in servers:
            for route, path in ROUTES.items():
                status, body = fetch(server.url + path)
                if status != 200:
                    raise SystemExit(f"[bench] {server.name} answers {route} with {status}: {body[:200]!r}")
                run_wrk(wrk, server.url + path, 2, args.connections)  # warm-up (JIT, memo)
            say(f"{server.name} ready at {server.url}")
        results: dict[tuple[str, str], list[Result]] = {}
        for round_no in range(1, args.rounds + 1):
            for route, path in ROUTES.items():
                for server in servers:
                    result = run_wrk(wrk, server.url + path, args.duration, args.connections)
                    results.setdefault((route, server.name), []).append(result)
                    say(f"round {round_no} {route:<22} {server.name:<25} {result.rps:>9.0f} req/s  "
                        f"p50 {result.p50_ms:6.3f} ms  p99 {result.p99_ms:6.3f} ms")
    finally:
        for server in servers:
            if server.name == "prism mock":
                stop_prism(server)
            else:
                server.stop()

    medians = {key: median(values) for key, values in results.items()}
    print()
    print(f"{'route':<24}{'server':<27}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'errors':>8}")
    for (route, name), m in medians.items():
        print(f"{route:<24}{name:<27}{m.rps:>10.0f}{m.p50_ms:>9.3f}{m.p99_ms:>9.3f}{m.non_2xx:>9}{m.errors:>8}")
    print()
    ok = True
    for route in ROUTES:
        mine = medians[(route, "contracts mock")]
        other = medians.get((route, "prism mock"))
        if other is None:
            print(f"{route}: contracts mock {mine.rps:.0f} req/s, p99 {mine.p99_ms:.3f} ms (no Prism to compare)")
            continue
        ratio = mine.rps / other.rps if other.rps else float("inf")
        met = ratio >= TARGET_RATIO and mine.p99_ms < TARGET_P99_MS
        ok = ok and met
        print(f"{route}: contracts mock / prism = {ratio:.2f}x req/s; mock p99 {mine.p99_ms:.3f} ms "
              f"(target >= {TARGET_RATIO:.0f}x and p99 < {TARGET_P99_MS:.0f} ms: {'met' if met else 'NOT met'})")
    if args.json:
        args.json.write_text(json.dumps({f"{route} | {name}": vars(m) for (route, name), m in medians.items()},
                                        indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
