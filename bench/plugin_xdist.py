"""The pytest plugin, serial against pytest-xdist ``-n 2``, side by side in one run.

Both runs are ``pytest --contracts-mock --contracts-seed 1`` in a throw-away
project holding a copy of specs/ and an empty tests/ folder: the same items,
the same cases. Rounds alternate serial and ``-n 2`` so that a busy machine
slows both alike; the best wall time of each is kept.

Besides the wall time, every pytest process (the serial one, the xdist
controller, each worker) records its own CPU seconds at exit through a
conftest. That gives a figure a shared machine cannot blur: the critical
path ``-n 2`` would take on two idle cores, the controller's start-up (a
worker cannot start before it) plus the busiest worker. The two together
say what is the parallelism and what is the machine.

Each workload is a --contracts-max-examples value: 50 is the default; the
larger ones stand for an API with more operations than the five shipped.

Run: .venv/bin/python bench/plugin_xdist.py [--examples 50,200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = '''
import json, os, time
from pathlib import Path

def _write(config, name, extra=None):
    t = os.times()
    data = {"cpu": t.user + t.system, **(extra or {})}
    Path(os.environ["CONTRACTS_BENCH_OUT"], name + ".json").write_text(json.dumps(data))

def pytest_configure(config):
    t = os.times()
    config._bench_started = t.user + t.system  # CPU spent getting here: interpreter, pytest, plug-ins

def pytest_unconfigure(config):
    worker = getattr(config, "workerinput", {}).get("workerid")
    _write(config, worker or "main", {"startup": config._bench_started})
'''


def run(project: Path, workers: int, examples: int) -> dict:
    out = Path(tempfile.mkdtemp(prefix="cpu-", dir=project))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
               "--contracts-mock", "--contracts-seed=1", f"--contracts-max-examples={examples}", "tests"]
    if workers:
        command[3:3] = ["-n", str(workers)]
    began = time.perf_counter()
    done = subprocess.run(command, cwd=project, capture_output=True, text=True,
                          env={**os.environ, "CONTRACTS_BENCH_OUT": str(out)})
    wall = time.perf_counter() - began
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    cpu = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
    shutil.rmtree(out)
    main = cpu.pop("main")
    if not workers:
        return {"wall": wall, "cpu": main["cpu"], "path": main["cpu"], "workers": [], "startup": main["startup"]}
    busiest = max(w["cpu"] for w in cpu.values())
    return {"wall": wall, "cpu": main["cpu"] + sum(w["cpu"] for w in cpu.values()),
            "path": main["startup"] + busiest, "workers": sorted(w["cpu"] for w in cpu.values()),
            "startup": main["startup"], "worker_startup": max(w["startup"] for w in cpu.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", default="50,200", help="--contracts-max-examples values (default 50,200)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    project = Path(tempfile.mkdtemp(prefix="plugin-xdist-"))
    try:
        shutil.copytree(ROOT / "specs", project / "specs")
        (project / "tests").mkdir()
        (project / "conftest.py").write_text(PROBE)
        (project / "pytest.ini").write_text("[pytest]\n")
        print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start; "
              f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
        for examples in (int(x) for x in args.examples.split(",")):
            best: dict[int, dict] = {}
            for _ in range(args.rounds):
                for workers in (0, 2):
                    r = run(project, workers, examples)
                    if workers not in best or r["wall"] < best[workers]["wall"]:
                        best[workers] = {**r, "path": min(r["path"], best.get(workers, r)["path"])}
                    else:
                        best[workers]["path"] = min(best[workers]["path"], r["path"])
            serial, xdist = best[0], best[2]
            print(f"\npytest --contracts-mock --contracts-max-examples {examples} (5 operations, 18 items), "
                  f"best of {args.rounds}:")
            print(f"  serial  wall {serial['wall']:6.2f} s   cpu {serial['cpu']:6.2f} s   "
                  f"(start-up {serial['startup']:.2f} s)")
            print(f"  -n 2    wall {xdist['wall']:6.2f} s   cpu {xdist['cpu']:6.2f} s   (controller start-up "
                  f"{xdist['startup']:.2f} s; workers " + " / ".join(f"{w:.2f}" for w in xdist["workers"])
                  + f" s, start-up {xdist['worker_startup']:.2f} s each)")
            print(f"  -n 2 = {serial['wall'] / xdist['wall']:.2f}x serial (wall, this machine now); "
                  f"{serial['path'] / xdist['path']:.2f}x on two idle cores (cpu critical path "
                  f"{serial['path']:.2f} s against {xdist['path']:.2f} s)")
        print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    finally:
        shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
