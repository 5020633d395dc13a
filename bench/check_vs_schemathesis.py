"""Test cases per second: `contracts check` against plain `schemathesis run`, side by side.

Same specs, same target (the embedded mock served over loopback by
`contracts mock`), same example budget (-n/--max-examples), same seed, the
same number of workers (`-w N` for schemathesis, `--workers N` for contracts;
default 2, one per core here). A "case" is one request sent to the target, for both tools:
schemathesis' count is the number of entries in its HAR report; ours is
`summary.requests` in report.json. Both include positive, negative, boundary
and stateful requests.

Both tools run as installed: schemathesis from site-packages, whose bytecode
pip compiled at install time, and contracts from its editable checkout, whose
bytecode this machine's PYTHONDONTWRITEBYTECODE=1 would otherwise keep it from
caching (140 ms of every run compiling its own modules, which no user installing
the wheel pays). The variable is lifted for both tools' runs, and one dry run
warms the cache before anything is timed.

After the ratios, where each contracts run's time went: its fixed part, measured
as `contracts check --dry-run` of the same spec (the imports, the spec, the
planned cases; nothing sent), and the rest (sending, generating, judging); and
the whole-run time 2x schemathesis' cases per second would have needed.

Run: .venv/bin/python bench/check_vs_schemathesis.py [--max-examples 50] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SPECS = ["enos-connect-v2.5.yaml", "iotda-v5.yaml", "oceanconnect-iocm-v1.4.0.yaml"]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
HEADERS = {"X-Auth-Token": "contracts-demo-token", "app_key": "contracts-demo-app",
           "Authorization": "Bearer contracts-demo-token"}


def start_mock() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([str(BIN / "contracts"), "mock", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=ENV)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"(http://\S+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"the mock did not start: {line!r}")
    return proc, match.group(1)


def run_schemathesis(spec: Path, url: str, n: int, seed: int, workdir: Path, workers: int) -> tuple[int, float]:
    out = workdir / f"st-{spec.stem}"
    # --continue-on-failure: schemathesis stops an operation at its first failure, and it does fail
    # OceanConnect for answering a missing app_key with the documented 500 100220 instead of a 401.
    cmd = [str(BIN / "schemathesis"), "run", str(spec), "-u", url, "-n", str(n), "--seed", str(seed), "-w", str(workers),
           "--continue-on-failure", "--report", "har", "--report-dir", str(out), "--no-color"]
    for name, value in HEADERS.items():
        cmd += ["-H", f"{name}: {value}"]
    started = time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True, cwd=workdir, env=ENV)
    elapsed = time.perf_counter() - started
    hars = list(out.glob("*.json"))
    cases = len(json.loads(hars[0].read_text())["log"]["entries"]) if hars else 0
    return cases, elapsed


def run_contracts(spec: Path | list[Path], url: str, n: int, seed: int, workdir: Path, workers: int) -> tuple[int, float]:
    specs = spec if isinstance(spec, list) else [spec]
    out = workdir / f"ct-{'-'.join(p.stem for p in specs)}"
    cmd = [str(BIN / "contracts"), "check", "--base-url", url, "--max-examples", str(n), "--seed", str(seed),
           "--workers", str(workers), "--report-dir", str(out)]
    for p in specs:
        cmd += ["--spec", str(p)]
    for name, value in HEADERS.items():
        cmd += ["--header", f"{name}: {value}"]
    started = time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True, cwd=workdir, env=ENV)
    elapsed = time.perf_counter() - started
    cases = json.loads((out / "report.json").read_text())["summary"]["requests"]
    return cases, elapsed


def dry_run(spec: Path, url: str, n: int, seed: int) -> float:
    """Seconds of `contracts check --dry-run` for the spec: start-up, spec loading and planning, nothing sent."""
    cmd = [str(BIN / "contracts"), "check", "--dry-run", "--base-url", url, "--max-examples", str(n),
           "--seed", str(seed), "--spec", str(spec)]
    started = time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    subprocess.run([str(BIN / "contracts"), "check", "--dry-run", "--base-url", "http://127.0.0.1:9"],
                   capture_output=True, env=ENV)  # warms contracts' bytecode cache; nothing is sent
    proc, url = start_mock()
    totals = {"schemathesis run": [0, 0.0], "contracts check": [0, 0.0]}
    per_spec: dict[str, dict[str, float]] = {}
    spent: dict[str, tuple[int, float, float]] = {}  # spec -> contracts' cases, seconds, dry-run seconds
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            print(f"target {url} (contracts mock over loopback); -n {args.max_examples}; seed {args.seed}; "
                  f"{args.workers} workers each")
            print(f"{'spec':<32} {'tool':<18} {'cases':>6} {'seconds':>8} {'cases/s':>8}")
            for name in SPECS:
                spec = ROOT / "specs" / name
                for tool, runner in (("schemathesis run", run_schemathesis), ("contracts check", run_contracts)):
                    cases, elapsed = runner(spec, url, args.max_examples, args.seed, workdir, args.workers)
                    totals[tool][0] += cases
                    totals[tool][1] += elapsed
                    per_spec.setdefault(name, {})[tool] = cases / elapsed
                    print(f"{name:<32} {tool:<18} {cases:>6} {elapsed:>8.2f} {cases / elapsed:>8.1f}")
                    if tool == "contracts check":
                        spent[name] = (cases, elapsed, dry_run(spec, url, args.max_examples, args.seed))
            # contracts check takes every spec in one run; schemathesis run takes one schema per run.
            once = run_contracts([ROOT / "specs" / name for name in SPECS], url, args.max_examples, args.seed,
                                 workdir, args.workers)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    rates = {tool: c / s for tool, (c, s) in totals.items()}
    for tool, (cases, seconds) in totals.items():
        print(f"{'3 specs, 3 runs':<32} {tool:<18} {cases:>6} {seconds:>8.2f} {rates[tool]:>8.1f}")
    print(f"{'3 specs, 1 run':<32} {'contracts check':<18} {once[0]:>6} {once[1]:>8.2f} {once[0] / once[1]:>8.1f}")
    for name, rate in per_spec.items():
        print(f"ratio, {name:<32} {rate['contracts check'] / rate['schemathesis run']:.2f}x the cases/s of "
              f"schemathesis run")
    anchor = rates["schemathesis run"]
    print(f"ratio, one run per spec for both tools:     {rates['contracts check'] / anchor:.2f}x the cases/s of "
          f"schemathesis run")
    print(f"ratio, each tool as it covers three specs: {once[0] / once[1] / anchor:.2f}x (contracts: one run; "
          f"schemathesis: one run per spec)")
    print("where each contracts check run's time went:")
    for name, (cases, elapsed, fixed) in spent.items():
        needed = cases / (2 * per_spec[name]["schemathesis run"])
        print(f"  {name:<32} {elapsed:.2f} s = fixed {fixed:.2f} s (a --dry-run: imports, spec, plan) + the rest "
              f"{elapsed - fixed:.2f} s; 2x schemathesis' cases/s needed the whole run in {needed:.2f} s")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
