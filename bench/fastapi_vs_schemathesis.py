"""Bugs found and cases per second on a FastAPI app: `contracts check` against `schemathesis run`, side by side.

The target is the tutorial-style FastAPI app of the tests
(tests/apps/fastapi_app.py), correct and with each planted bug, served by
uvicorn over loopback; a fresh server for every run, so both tools see the
same seeded data. The spec is FastAPI's own generated OpenAPI 3.1 document
(links included). Same spec, same base URL, same -n/--max-examples, same
seed, positive and negative cases for both (schemathesis `--mode all`,
every phase); schemathesis runs with one worker (as in
bench/check_vs_schemathesis.py) and only its checks that have an equivalent
among ours:

    not_a_server_error, status_code_conformance, content_type_conformance,
    response_headers_conformance, response_schema_conformance,
    negative_data_rejection, positive_data_acceptance, ignored_auth,
    ensure_resource_availability (our create -> read link),
    use_after_free (our delete -> read link)

A case is one request for both tools (schemathesis: entries in its HAR
report; contracts: `summary.requests`). A planted bug counts as found when
the tool reports it on the expected check and operation and does not on the
correct app. "Failures" are schemathesis' unique failures and our causes of
error severity (plus warnings for the one bug whose finding is a warning).

Run: .venv/bin/python bench/fastapi_vs_schemathesis.py [--max-examples 50] [--seed 1] [--only BUG]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests.apps.fastapi_app import API_KEY, BROKEN, spec_document  # noqa: E402

ST_CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,"
             "response_schema_conformance,negative_data_rejection,positive_data_acceptance,ignored_auth,"
             "ensure_resource_availability,use_after_free")
# schemathesis failure type -> the check that reports it
ST_TYPES = {"ServerError": "not_a_server_error", "UndefinedStatusCode": "status_code_conformance",
            "MissingContentType": "content_type_conformance", "UndefinedContentType": "content_type_conformance",
            "MalformedMediaType": "content_type_conformance", "MissingHeaders": "response_headers_conformance",
            "JsonSchemaError": "response_schema_conformance", "AcceptedNegativeData": "negative_data_rejection",
            "RejectedPositiveData": "positive_data_acceptance", "IgnoredAuth": "ignored_auth",
            "UseAfterFree": "use_after_free", "EnsureResourceAvailability": "ensure_resource_availability"}
# planted bug -> (what schemathesis should report, what contracts should report): (check, operation)
EXPECTED = {
    "wrong-type": (("response_schema_conformance", "GET /items/{item_id}"),
                   ("response_schema_conformance", "read_item")),
    "server-error": (("not_a_server_error", "GET /items/"), ("not_a_server_error", "list_items")),
    "unvalidated-parameter": (("negative_data_rejection", "GET /search/"),
                              ("negative_data_rejection", "search_items")),
    "missing-field": (("response_schema_conformance", "GET /items/{item_id}"),
                      ("response_schema_conformance", "read_item")),
    "stale-read": (None, ("stateful_round_trip", "read_item")),  # no schemathesis check compares stored values
    "undeleted": (("use_after_free", "Stateful tests"), ("stateful_round_trip", "delete_item")),
}
assert set(EXPECTED) == set(BROKEN)


@dataclass
class Run:
    requests: int
    seconds: float
    failures: set[tuple[str, str]]  # (check, operation)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(bug: str | None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [sys.executable, str(ROOT / "tests" / "apps" / "fastapi_app.py"), "--port", str(port)]
    if bug:
        cmd += ["--broken", bug]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the FastAPI app did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_schemathesis(spec: Path, url: str, n: int, seed: int, out: Path) -> Run:
    # --continue-on-failure: schemathesis otherwise stops an operation at its first failure.
    cmd = [str(BIN / "schemathesis"), "run", str(spec), "-u", url, "-n", str(n), "--seed", str(seed), "-w", "1",
           "--mode", "all", "--checks", ST_CHECKS, "--continue-on-failure", "-H", f"X-API-Key: {API_KEY}",
           "--report", "har,json", "--report-dir", str(out), "--no-color"]
    started = time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True, cwd=out.parent)
    elapsed = time.perf_counter() - started
    har = next(out.glob("har-*.json"), None)
    report = next(out.glob("json-*.json"), None)
    requests = len(json.loads(har.read_text())["log"]["entries"]) if har else 0
    failures: set[tuple[str, str]] = set()
    if report is not None:
        for failure in json.loads(report.read_text()).get("failures", []):
            check = ST_TYPES.get(failure.get("type", ""), failure.get("type", "?"))
            failures.update((check, op) for op in failure.get("operations", []))
    return Run(requests, elapsed, failures)


def run_contracts(spec: Path, url: str, n: int, seed: int, out: Path, warnings: bool) -> Run:
    cmd = [str(BIN / "contracts"), "check", "--spec", str(spec), "--base-url", url, "--max-examples", str(n),
           "--seed", str(seed), "--header", f"X-API-Key: {API_KEY}", "--report-dir", str(out)]
    started = time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True, cwd=out.parent)
    elapsed = time.perf_counter() - started
    report = json.loads((out / "report.json").read_text())
    wanted = {"error", "warning"} if warnings else {"error"}
    failures = {(f["check"], f["operation"]) for f in report["findings"] if f["severity"] in wanted}
    return Run(report["summary"]["requests"], elapsed, failures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=BROKEN, action="append", help="planted bugs to run (default: all)")
    args = parser.parse_args()
    bugs = args.only or list(BROKEN)
    tools = ("schemathesis run", "contracts check")
    results: dict[tuple[str, str], Run] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        spec = workdir / "openapi.json"
        spec.write_text(json.dumps(spec_document()))
        print(f"FastAPI items app (OpenAPI {spec_document()['openapi']}) over loopback; -n {args.max_examples}; "
              f"seed {args.seed}")
        print(f"{'app':<24} {'tool':<18} {'cases':>6} {'seconds':>8} {'cases/s':>8} {'failures':>9} {'bug found':>10}")
        for variant in ["correct", *bugs]:
            bug = None if variant == "correct" else variant
            for tool in tools:
                proc, url = start_app(bug)
                out = workdir / f"{tool.split()[0]}-{variant}"
                try:
                    if tool == "schemathesis run":
                        run = run_schemathesis(spec, url, args.max_examples, args.seed, out)
                    else:
                        run = run_contracts(spec, url, args.max_examples, args.seed, out, variant == "undeleted")
                finally:
                    stop(proc)
                results[(variant, tool)] = run
                found = "-"
                if bug is not None:
                    expected = EXPECTED[bug][tools.index(tool)]
                    baseline = results[("correct", tool)].failures
                    found = "n/a" if expected is None else (
                        "yes" if expected in run.failures and expected not in baseline else "no")
                print(f"{variant:<24} {tool:<18} {run.requests:>6} {run.seconds:>8.2f} {run.rate:>8.1f} "
                      f"{len(run.failures):>9} {found:>10}")
    for tool in tools:
        runs = [r for (v, t), r in results.items() if t == tool]
        requests, seconds = sum(r.requests for r in runs), sum(r.seconds for r in runs)
        caught = sum(1 for bug in bugs if EXPECTED[bug][tools.index(tool)] is not None
                     and EXPECTED[bug][tools.index(tool)] in results[(bug, tool)].failures
                     and EXPECTED[bug][tools.index(tool)] not in results[("correct", tool)].failures)
        print(f"{'all runs':<24} {tool:<18} {requests:>6} {seconds:>8.2f} {requests / seconds:>8.1f} "
              f"{'':>9} {caught:>6}/{len(bugs)}")
        print(f"  failures on the correct app ({tool}): "
              + (", ".join(f"{c} on {o}" for c, o in sorted(results[("correct", tool)].failures)) or "none"))
    rate = {t: sum(r.requests for (v, x), r in results.items() if x == t) /
            sum(r.seconds for (v, x), r in results.items() if x == t) for t in tools}
    print(f"ratio: contracts check sends {rate['contracts check'] / rate['schemathesis run']:.2f}x the cases per "
          f"second of schemathesis run")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
