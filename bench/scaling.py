#!/usr/bin/env python3
"""How `contracts check` grows with the number of operations, and validation with the body size.

    .venv/bin/python bench/scaling.py [--ops 5,10,20,50] [--max-examples 5] [--plot docs/scaling.png]

Synthetic specs: the IoTDA spec's two operations (ListBatchTasks with marker
pagination and its links, ShowAsyncDeviceCommand), copied under their own
paths and operationIds (``ListBatchTasks007`` at ``/v5/iot/{project_id}/s007/
batchtasks``) until the spec has 5, 10, 20 and 50 operations; components are
shared, as in a real spec. Each is checked against the embedded mock in-process
(its IoTDA behaviour serves every copy), once planned-only (``--max-examples
0``) and once with a small generated budget (``--max-examples 5``), seed 1,
each run a fresh process: wall time, CPU time and peak RSS of the largest
process (the generation workers are forked), per run and per operation. The
growth ratio is (time at the largest spec / time at the smallest) / (operations
ratio): 1.0 is linear, below 1 better than linear (the start-up is shared).

The body-size panel: ``Contract.accepts_body`` (orjson + envelope rule +
jsonschema-rs, as bench/validate_bench.py measures it) on ListBatchTasks 200
bodies of 1 to 200 tasks, validations per second and MB per second.

``--plot`` writes both panels as one PNG (matplotlib, from the bench extra).
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path
from typing import Any, Sequence

import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
IOTDA = ROOT / "specs" / "iotda-v5.yaml"
KINDS = (("ListBatchTasks", "/v5/iot/{project_id}/batchtasks"),
         ("ShowAsyncDeviceCommand", "/v5/iot/{project_id}/devices/{device_id}/async-commands/{command_id}"))
PREFIX = "/v5/iot/{project_id}/"
BODY_TASKS = (1, 5, 10, 25, 50, 100, 200)

# Run by each measured child: the embedded mock learns the copies, then the CLI runs as users run it.
CHILD = ("import sys; sys.path.insert(0, sys.argv.pop(1)); import scaling; scaling.install()\n"
         "from contracts.cli import main; main()\n")


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# -- synthetic specs --------------------------------------------------------------------


def synthetic_spec(operations: int, out: Path) -> Path:
    """The IoTDA spec with ``operations`` copies of its operations (alternating kinds), as JSON."""
    doc = yaml.safe_load(IOTDA.read_text(encoding="utf-8"))
    originals = {op_id: (path, doc["paths"][path]) for op_id, path in KINDS}
    paths: dict[str, Any] = {}
    for i in range(operations):
        op_id, path = KINDS[i % 2]
        item = copy.deepcopy(originals[op_id][1])
        new_id = f"{op_id}{i:03d}"
        new_path = path.replace(PREFIX, f"{PREFIX}s{i:03d}/")
        text = json.dumps(item)
        # the operation's own id, its links back to itself, and its request samples' URLs follow the copy
        text = text.replace(f'"{op_id}"', f'"{new_id}"').replace(path.replace(PREFIX, "/"),
                                                                 f"/s{i:03d}" + path.replace(PREFIX, "/"))
        paths[new_path] = json.loads(text)
    doc["paths"] = paths
    doc["info"]["title"] = f"{doc['info']['title']} (synthetic, {operations} operations)"
    target = out / f"synthetic-{operations}.json"
    target.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return target


def install() -> None:
    """Teach the embedded mock the copies: the IoTDA behaviour serves ``<OperationId><nnn>``."""
    from contracts.mock import app as mock_app
    from contracts.mock.iotda import IotdaVendor

    copied = re.compile(r"(ListBatchTasks|ShowAsyncDeviceCommand)\d{3}")

    class Operations(frozenset[str]):
        def __contains__(self, op_id: object) -> bool:
            return isinstance(op_id, str) and (copied.fullmatch(op_id) is not None
                                               or frozenset.__contains__(self, op_id))

    class SyntheticIotda(IotdaVendor):
        operations = Operations(IotdaVendor.operations)

        def __getattr__(self, name: str) -> Any:  # op_list_batch_tasks007 -> op_list_batch_tasks
            found = re.fullmatch(r"(op_[a-z_]+?)\d{3}", name)
            if found is None:
                raise AttributeError(name)
            return getattr(self, found.group(1))

    mock_app.VENDORS = (SyntheticIotda, *(v for v in mock_app.VENDORS if v is not IotdaVendor))


# -- measuring --------------------------------------------------------------------------


def run_measured(command: list[str]) -> dict[str, Any]:
    """Wall and CPU seconds and peak RSS (the largest process) of one command, from a fresh helper."""
    helper = ("import json, resource, subprocess, sys, time\n"
              "t = time.perf_counter()\n"
              "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
              "wall = time.perf_counter() - t\n"
              "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
              "print(json.dumps({'wall': wall, 'rss': use.ru_maxrss * 1024, 'cpu': use.ru_utime + use.ru_stime,\n"
              "                  'rc': p.returncode, 'err': p.stderr[-600:]}))\n")
    done = subprocess.run([sys.executable, "-c", helper, *command], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    if result["rc"] not in (0, 1):
        raise SystemExit(f"[bench] {' '.join(command[3:6])} failed ({result['rc']}): {result['err'].strip()}")
    return result


def check(spec: Path, max_examples: int, report_dir: Path) -> dict[str, Any]:
    command = [sys.executable, "-c", CHILD, str(BENCH), "check", "--spec", str(spec), "--max-examples",
               str(max_examples), "--seed", "1", "--report-dir", str(report_dir), "--report", "json", "-q"]
    result = run_measured(command)
    summary = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))["summary"]
    result["requests"] = summary["requests"]
    return result


def body_rates() -> list[dict[str, float]]:
    sys.path.insert(0, str(BENCH))
    from validate_bench import batch_list

    from contracts.core.spec import load_specs
    from contracts.core.validator import Contract

    contract = Contract(load_specs([IOTDA]))
    op = contract.operation("ListBatchTasks")
    rows = []
    for tasks in BODY_TASKS:
        body = batch_list(tasks)
        assert contract.accepts_body(op, 200, "application/json", body)
        timer = timeit.Timer(lambda: contract.accepts_body(op, 200, "application/json", body))
        number, _ = timer.autorange()
        best = min(timer.repeat(repeat=5, number=max(1, number // 2))) / max(1, number // 2)
        rows.append({"tasks": tasks, "bytes": len(body), "per_second": 1 / best, "mb_per_second": len(body) / best / 1e6})
    return rows


def plot(path: Path, ops_rows: list[dict[str, Any]], body_rows: list[dict[str, float]], budget: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    sizes = [r["bytes"] / 1000 for r in body_rows]
    left.plot(sizes, [r["per_second"] for r in body_rows], "o-", label="validations/s")
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("ListBatchTasks 200 body (kB)")
    left.set_ylabel("response validations per second")
    left.set_title("validation from bytes vs body size")
    twin = left.twinx()
    twin.plot(sizes, [r["mb_per_second"] for r in body_rows], "s--", color="tab:orange", label="MB/s")
    twin.set_ylabel("MB per second", color="tab:orange")
    for mode, marker in (("planned", "o-"), ("generated", "s-")):
        rows = [r for r in ops_rows if r["mode"] == mode]
        label = "planned only" if mode == "planned" else f"planned + generated (-n {budget})"
        right.plot([r["operations"] for r in rows], [r["operations"] / r["wall"] for r in rows], marker, label=label)
    right.set_xlabel("operations in the spec")
    right.set_ylabel("operations checked per second (whole run)")
    right.set_title("contracts check vs operation count")
    right.set_ylim(bottom=0)
    right.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    say(f"wrote {path}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", default="5,10,20,50", help="operation counts (default 5,10,20,50)")
    parser.add_argument("--max-examples", type=int, default=5, help="generated budget of the second run (default 5)")
    parser.add_argument("--plot", type=Path, help="write the PNG here (e.g. docs/scaling.png)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.ops.split(",")]

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="contracts-scaling-") as tmp:
        work = Path(tmp)
        for n in counts:
            spec = synthetic_spec(n, work)
            for mode, budget in (("planned", 0), ("generated", args.max_examples)):
                result = check(spec, budget, work / f"r-{n}-{mode}")
                row = {"operations": n, "mode": mode, **{k: result[k] for k in ("wall", "cpu", "rss", "requests")}}
                rows.append(row)
                say(f"{n:>3} operations, {mode:<9}: {row['requests']:>5} requests, {row['wall']:6.2f}s wall, "
                    f"{row['cpu']:6.2f}s CPU, peak RSS {row['rss'] / 1e6:5.0f} MB")
    body_rows = body_rates()

    print()
    print(f"{'operations':>10}{'mode':>11}{'requests':>10}{'wall s':>9}{'CPU s':>8}{'RSS MB':>8}"
          f"{'ms/op (wall)':>14}{'ms/op (CPU)':>13}{'MB/op':>7}")
    for r in rows:
        print(f"{r['operations']:>10}{r['mode']:>11}{r['requests']:>10}{r['wall']:>9.2f}{r['cpu']:>8.2f}"
              f"{r['rss'] / 1e6:>8.0f}{1000 * r['wall'] / r['operations']:>14.0f}"
              f"{1000 * r['cpu'] / r['operations']:>13.0f}{r['rss'] / 1e6 / r['operations']:>7.1f}")
    print()
    ok = True
    small, large = counts[0], counts[-1]
    for mode in ("planned", "generated"):
        a = next(r for r in rows if r["mode"] == mode and r["operations"] == small)
        b = next(r for r in rows if r["mode"] == mode and r["operations"] == large)
        scale = large / small
        time_growth, cpu_growth, rss_growth = b["wall"] / a["wall"] / scale, b["cpu"] / a["cpu"] / scale, \
            b["rss"] / a["rss"] / scale
        met = time_growth <= 1.0 and cpu_growth <= 1.0 and rss_growth <= 1.0
        ok = ok and met
        print(f"{mode}: {scale:.0f}x the operations -> {b['wall'] / a['wall']:.2f}x the time "
              f"({b['cpu'] / a['cpu']:.2f}x CPU), {b['rss'] / a['rss']:.2f}x the peak memory; growth per operation "
              f"{time_growth:.2f} time, {cpu_growth:.2f} CPU, {rss_growth:.2f} memory "
              f"(1.0 = linear; target: linear or better: {'met' if met else 'NOT met'})")
    print()
    print(f"{'tasks':>6}{'bytes':>9}{'validations/s':>15}{'MB/s':>8}")
    for r in body_rows:
        print(f"{r['tasks']:>6}{r['bytes']:>9,}{r['per_second']:>15,.0f}{r['mb_per_second']:>8.1f}")
    if args.plot:
        plot(args.plot, rows, body_rows, args.max_examples)
    if args.json:
        args.json.write_text(json.dumps({"check": rows, "bodies": body_rows}, indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
