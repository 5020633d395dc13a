#!/usr/bin/env python3
"""The latency `contracts proxy` adds, against a local upstream, beside direct calls and `prism proxy`.

    .venv/bin/python bench/proxy_latency.py [--duration 2] [--slices 8] [--connections 1,200] [--no-prism]

The upstream is the embedded mock on the IoTDA spec (specs/iotda-v5.yaml),
answering ShowAsyncDeviceCommand with the docs' ids: a conformant 200 of
about 500 bytes in tens of microseconds, so what is measured is the proxy.
Three rows, each loaded with wrk on the same route and X-Auth-Token:

- ``direct``: wrk straight to the upstream;
- ``contracts proxy``: wrk -> ``contracts proxy --target UPSTREAM`` (every
  exchange validated against the spec, findings counted) -> the upstream;
- ``prism proxy``: wrk -> ``prism proxy SPEC UPSTREAM`` (Prism validates
  request and response too) -> the upstream.

Each row runs sequentially (wrk -c1: one request at a time, the latency a
test suite sees) and at 200 concurrent connections (-c200; a closed loop, so
the latency there mostly measures throughput). All three servers stay up and
the rows take turns in short wrk slices, so a busy spell on a shared machine
hits each row alike; each figure is the median over a row's slices. "added"
is a row's p50/p99 minus the direct row's at the same concurrency. The
target: under 1 ms added at the median, sequentially.

The machine is assumed to have two cores: the upstream and the proxies
share core 0 (only the row being measured is loaded), wrk (one thread) runs on core 1, as in
bench/mock_vs_prism.py, whose helpers (wrk and Prism installation, pinning,
the wrk parser) this script reuses; Prism is installed with npm into
bench/.cache/prism when missing, and when that is impossible the Prism row is
left out with a note. The "others" column is how many cores other processes
kept busy meanwhile: on a shared machine the figures drift, so read them with
it.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mock_vs_prism as base  # noqa: E402  (bench/ is not a package: its sibling's helpers)

ROOT, SPEC = base.ROOT, base.SPEC
ROUTE = base.ROUTES["ShowAsyncDeviceCommand"]
TARGET_ADDED_P50_MS = 1.0
WARM_UP_SECONDS = 2


def start_proxy(upstream: str) -> base.Server:
    """`contracts proxy` as shipped (the CLI), on a free port, quiet but for its closing line."""
    command = [sys.executable, "-c", "from contracts.cli import main; main()", "proxy", "--target", upstream,
               "--port", "0", "--spec", str(SPEC), "-q", "--no-color"]
    return base.launch("contracts proxy", command, r"listening on (\S+)")


def stop_proxy(server: base.Server) -> str:
    """SIGINT (the documented way to stop it); its closing line, which counts exchanges and findings."""
    server.process.send_signal(signal.SIGINT)
    out, _ = server.process.communicate(timeout=60)
    lines = [line for line in out.splitlines() if line.strip()]
    return lines[-1] if lines else f"(exit {server.process.returncode}, nothing printed)"


def start_prism_proxy(prism: Path, upstream: str) -> base.Server:
    port = base.free_port()
    command = [str(prism), "proxy", "-h", "127.0.0.1", "-p", str(port), "-v", "error", str(SPEC), upstream]
    process = subprocess.Popen(base.pinned(base.SERVER_CORE) + command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    server = base.Server("prism proxy", process, f"http://127.0.0.1:{port}", group=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("[bench] prism proxy exited during start-up")
        try:
            status, _ = base.fetch(server.url + ROUTE)
            if status:
                return server
        except OSError:
            time.sleep(0.5)
    server.stop()
    raise SystemExit("[bench] prism proxy did not start within 90 s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=2, help="seconds per wrk slice (default 2)")
    parser.add_argument("--slices", type=int, default=8,
                        help="slices per row and connection count, the rows taking turns (default 8)")
    parser.add_argument("--connections", default="1,200", help="wrk connection counts (default 1,200)")
    parser.add_argument("--no-prism", action="store_true", help="leave the prism proxy row out")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.connections.split(",") if c.strip()]

    wrk = base.ensure_wrk()
    if wrk is None:
        return 2
    prism = None if args.no_prism else base.ensure_prism()
    note = "" if prism is not None else (" (prism proxy left out: --no-prism)" if args.no_prism
                                         else " (prism proxy left out: Prism could not be installed)")
    base.say(f"cpus: {os.cpu_count()}; upstream and proxies on core {base.SERVER_CORE}, wrk -t1 on core "
             f"{base.CLIENT_CORE}; connections {counts}; {args.slices} slice(s) of {args.duration}s per row, "
             f"the rows taking turns{note}")

    upstream = base.start_mock("upstream (contracts mock)", uncached=False)
    servers: dict[str, base.Server] = {}
    results: dict[tuple[str, int], list[base.Result]] = {}
    closing = ""
    try:
        status, body = base.fetch(upstream.url + ROUTE)
        if status != 200:
            raise SystemExit(f"[bench] the upstream answers {status}: {body[:200]!r}")
        servers["contracts proxy"] = start_proxy(upstream.url)
        if prism is not None:
            servers["prism proxy"] = start_prism_proxy(prism, upstream.url)
        rows = {"direct": upstream, **servers}
        for name, server in rows.items():
            status, answer = base.fetch(server.url + ROUTE)
            if status != 200 or (name == "contracts proxy" and answer != body):
                raise SystemExit(f"[bench] {name} answers {status}: {answer[:200]!r}")
        for n in counts:
            for name, server in rows.items():  # warm up: connections open, caches filled
                base.run_wrk(wrk, server.url + ROUTE, WARM_UP_SECONDS, n, server.process.pid)
            names = list(rows)
            for turn in range(args.slices):
                # the rows take turns in short slices, so a busy spell on a shared machine hits each alike
                for name in names[turn % len(names):] + names[:turn % len(names)]:
                    server = rows[name]
                    result = base.run_wrk(wrk, server.url + ROUTE, args.duration, n, server.process.pid)
                    results.setdefault((name, n), []).append(result)
                    base.say(f"-c{n:<4} slice {turn + 1} {name:<16} {result.rps:>8.0f} req/s  "
                             f"p50 {result.p50_ms:8.3f} ms  p99 {result.p99_ms:8.3f} ms  "
                             f"errors {result.errors}  others {result.others:.2f}")
    finally:
        if "contracts proxy" in servers:
            closing = stop_proxy(servers.pop("contracts proxy"))
        for server in servers.values():
            server.stop()
        upstream.stop()

    medians = {key: base.median(values) for key, values in results.items()}
    print()
    print(f"{'row':<18}{'conns':>6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'added p50':>11}{'added p99':>11}"
          f"{'non-2xx':>9}{'errors':>8}{'others':>8}")
    for n in counts:
        direct = medians[("direct", n)]
        for name in ["direct", *(k for k in ("contracts proxy", "prism proxy") if (k, n) in medians)]:
            m = medians[(name, n)]
            added = "" if name == "direct" else f"{m.p50_ms - direct.p50_ms:>11.3f}{m.p99_ms - direct.p99_ms:>11.3f}"
            print(f"{name:<18}{n:>6}{m.rps:>9.0f}{m.p50_ms:>9.3f}{m.p99_ms:>9.3f}{added or ' ' * 22}"
                  f"{m.non_2xx:>9}{m.errors:>8}{m.others:>8.2f}")
    print()
    print(f"contracts proxy's own closing line: {closing}")
    ok = True
    for n in counts:
        direct, mine = medians[("direct", n)], medians[("contracts proxy", n)]
        added = mine.p50_ms - direct.p50_ms
        text = f"-c{n}: contracts proxy adds {added:.3f} ms at p50, {mine.p99_ms - direct.p99_ms:.3f} ms at p99"
        other = medians.get(("prism proxy", n))
        if other is not None:
            theirs = other.p50_ms - direct.p50_ms
            text += (f"; prism proxy adds {theirs:.3f} ms at p50, {other.p99_ms - direct.p99_ms:.3f} ms at p99 "
                     f"(added at p50, prism / contracts: {theirs / added if added > 0 else float('inf'):.1f}x; "
                     f"req/s, contracts / prism: {mine.rps / other.rps if other.rps else float('inf'):.2f}x)")
        if n == 1:
            met = added < TARGET_ADDED_P50_MS
            ok = ok and met
            text += f" [target: under {TARGET_ADDED_P50_MS:g} ms added at p50: {'met' if met else 'NOT met'}]"
        print(text)
    if prism is None:
        print(f"note:{note.strip(' ()').removeprefix('prism proxy left out:')}; no prism proxy row to compare")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
