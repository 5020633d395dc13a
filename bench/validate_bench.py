"""Response validation from bytes (parse plus validate), side by side in one run.

Compared on the same bytes:
  floor            orjson.loads alone (no validation at all)
  contracts        Contract.accepts_body: orjson + envelope rule + jsonschema-rs
  contracts, prebuilt  the same decision from Contract.body_check, built once for the kind of
                   response: what a caller with many bodies of one kind calls (no lookup per call)
  python-jsonschema  orjson.loads + jsonschema.Draft202012Validator.is_valid on the same converted schema
  openapi-core     OpenAPI.validate_response with the same spec (the peer)

Bodies: the seed's async-command sample (ShowAsyncDeviceCommand 200) and a
50-item batch-task list (ListBatchTasks 200).

After the table, where contracts' time goes per call: the parse (orjson.loads),
jsonschema-rs's is_valid on the parsed body (the same compiled validator the
accept path calls), and the rest (the dispatch around them); and the cap those
two alone put on the ratio, whatever the rest costs.

Run: .venv/bin/python bench/validate_bench.py   (make bench installs openapi-core)
"""

from __future__ import annotations

import json
import sys
import timeit
from pathlib import Path
from typing import Any, Callable

import jsonschema
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from contracts.core.validator import Contract  # noqa: E402


def rate(fn: Callable[[], Any], seconds: float = 1.0) -> float:
    """Calls per second: best of 5 rounds, each about ``seconds / 5`` long."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    per_round = max(1, int(number * (seconds / 5) / 0.2))
    best = min(timer.repeat(repeat=5, number=per_round)) / per_round
    return 1.0 / best


def batch_list(n: int) -> bytes:
    tasks = []
    for i in range(n):
        tasks.append({
            "task_id": f"{0x5c8ba99030344005c0231600 + i:024x}", "task_name": f"task {i}",
            "task_type": "softwareUpgrade", "targets": [f"device-{i}"],
            "targets_filter": {"group_ids": ["e495cf17-ff79-4294-8f64-4d367919d665"]},
            "document": {"package_id": "32822e5744a45ede319d2c50"},
            "task_policy": {"schedule_time": "20151212T121212Z", "retry_count": 5, "retry_interval": 60},
            "status": "Success", "status_desc": "string",
            "task_progress": {"total": 10, "processing": 0, "success": 10, "fail": 0, "waitting": 0,
                              "fail_wait_retry": 0, "stopped": 0},
            "create_time": "20151212T121212Z"})
    return json.dumps({"batchtasks": tasks, "page": {"count": n, "marker": tasks[-1]["task_id"]}}).encode()


def openapi_core_validator(spec_path: Path, path: str, url_path: str) -> Callable[[bytes], Any] | None:
    try:
        import yaml
        from openapi_core import OpenAPI
        from openapi_core.testing import MockRequest, MockResponse
    except ImportError:
        return None
    spec = yaml.safe_load(spec_path.read_text())
    openapi = OpenAPI.from_dict(spec)
    request = MockRequest("https://iotda.example.com", "get", url_path,
                          args={"task_type": "softwareUpgrade"} if "batchtasks" in url_path else None,
                          headers={"X-Auth-Token": "t"})

    def validate(body: bytes) -> Any:
        return openapi.validate_response(request, MockResponse(body, status_code=200,
                                                               content_type="application/json"))

    validate(case_bodies()[path])  # fail now, not in the timing loop, if the peer rejects the body
    return validate


def case_bodies() -> dict[str, bytes]:
    contract = Contract.from_paths([ROOT / "specs" / "iotda-v5.yaml"])
    op = contract.operation("ShowAsyncDeviceCommand")
    sample = op.responses["200"].content["application/json"].examples[0].value
    return {"ShowAsyncDeviceCommand": json.dumps(sample).encode(), "ListBatchTasks": batch_list(50)}


def main() -> None:
    spec_path = ROOT / "specs" / "iotda-v5.yaml"
    contract = Contract.from_paths([spec_path])
    bodies = case_bodies()
    urls = {"ShowAsyncDeviceCommand": "/v5/iot/p/devices/c1224afb-e9f0-4916-8220-b6bab568e888/async-commands/"
                                      "b1224afb-e9f0-4916-8220-b6bab568e888",
            "ListBatchTasks": "/v5/iot/p/batchtasks"}
    print(f"{'body':<24} {'bytes':>6}  {'implementation':<20} {'calls/s':>12}  {'vs floor':>8}")
    profiles: list[str] = []
    for name, body in bodies.items():
        op = contract.operation(name)
        schema = op.responses["200"].content["application/json"].schema
        compiled = op.spec.compiled(schema, closed=False, direction="response")
        document = compiled.document
        slow = jsonschema.Draft202012Validator(document)
        assert contract.accepts_body(op, 200, "application/json", body)
        check = contract.body_check(op, 200, "application/json")
        assert check(body)
        assert slow.is_valid(orjson.loads(body))
        rows: list[tuple[str, float]] = [
            ("floor (orjson)", rate(lambda: orjson.loads(body))),
            ("contracts", rate(lambda: contract.accepts_body(op, 200, "application/json", body))),
            ("contracts, prebuilt", rate(lambda: check(body))),
            ("python-jsonschema", rate(lambda: slow.is_valid(orjson.loads(body)))),
        ]
        peer = openapi_core_validator(spec_path, name, urls[name])
        if peer is not None:
            rows.append(("openapi-core", rate(lambda: peer(body), seconds=1.0)))
        else:
            print("  (openapi-core not installed: `make bench` installs it)")
        floor = rows[0][1]
        for label, value in rows:
            print(f"{name:<24} {len(body):>6}  {label:<20} {value:>12,.0f}  {value / floor:>8.3f}")
        ours, prebuilt = rows[1][1], rows[2][1]
        others = "; ".join(f"{ours / v:.1f}x {label}" for label, v in rows[3:])
        print(f"{'':<24} {'':>6}  contracts = {ours / floor:.3f} of the floor; {others}")
        print(f"{'':<24} {'':>6}  contracts, prebuilt = {prebuilt / floor:.3f} of the floor")
        profiles.append(profile(name, body, compiled, floor, ours))
    print()
    print("where contracts' time goes, per call:")
    for line in profiles:
        print(line)


def profile(name: str, body: bytes, compiled: Any, floor: float, ours: float) -> str:
    """The parse, the validator and the rest of one accept decision, in µs, and the cap the first two set."""
    instance = orjson.loads(body)
    validate = getattr(compiled, "_fast").is_valid  # what the accept path calls, without the wrapper
    assert validate(instance)
    parse_us, total_us = 1e6 / floor, 1e6 / ours
    validate_us = 1e6 / rate(lambda: validate(instance))
    rest_us = total_us - parse_us - validate_us
    cap = parse_us / (parse_us + validate_us)
    return (f"  {name:<24} orjson {parse_us:.2f} µs + jsonschema-rs {validate_us:.2f} µs + the rest "
            f"{rest_us:.2f} µs = {total_us:.2f} µs; parse plus validate alone cap the ratio at {cap:.2f}")


if __name__ == "__main__":
    main()
