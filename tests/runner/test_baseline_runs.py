"""--baseline / --write-baseline on check, validate and audit: CI fails only on new deviations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from contracts.cli import run
from contracts.core import baseline
from contracts.report.check import report_schema

from .servers import ROOT, TOKEN, iotda_app, serve
from .test_validate_har import CMD, GOOD, entry, write_har

IOTDA = str(ROOT / "specs" / "iotda-v5.yaml")


def check(app: Any, tmp_path: Path, name: str, *extra: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / name
    with serve(app) as url:
        code = run(["check", "--spec", IOTDA, "--base-url", url, "--report-dir", str(out), "--seed", "7",
                    "--max-examples", "0", "--header", f"X-Auth-Token: {TOKEN}", *extra])
    report = json.loads((out / "report.json").read_text())
    jsonschema.validate(report, report_schema())
    return code, report


def test_a_run_with_its_own_baseline_passes_and_new_or_fixed_deviations_show(tmp_path: Path) -> None:
    file = tmp_path / "contracts-baseline.json"
    code, first = check(iotda_app("enum"), tmp_path, "first", "--write-baseline", str(file))
    assert code == 1  # the vendor's enum deviation is an error
    written = json.loads(file.read_text())
    jsonschema.validate(written, baseline.schema())
    assert {(e["operation"], e["kind"], e["location"]) for e in written["entries"]} >= {
        ("ShowAsyncDeviceCommand", "enum-mismatch", "/body/status")}

    code, same = check(iotda_app("enum"), tmp_path, "same", "--baseline", str(file))
    assert code == 0
    assert {f["baseline"] for f in same["findings"]} == {"known"}
    assert same["summary"]["baseline"]["new_errors"] == 0 and same["summary"]["baseline"]["stale"] == []
    assert "[known]" in (tmp_path / "same" / "report.md").read_text()
    junit = (tmp_path / "same" / "junit.xml").read_text()
    assert "<failure" not in junit  # known errors do not fail CI

    code, worse = check(iotda_app("wrong-type"), tmp_path, "worse", "--baseline", str(file))
    assert code == 1
    new = [f for f in worse["findings"] if f["baseline"] == "new" and f["severity"] == "error"]
    assert [(f["kind"], f["location"]) for f in new] == [("wrong-type", "/body/expire_time")]

    code, fixed = check(iotda_app(), tmp_path, "fixed", "--baseline", str(file))
    assert code == 0
    stale = fixed["summary"]["baseline"]["stale"]
    assert ("ShowAsyncDeviceCommand", "enum-mismatch", "/body/status") in {
        (e["operation"], e["kind"], e["location"]) for e in stale}
    assert "no longer seen" in (tmp_path / "fixed" / "report.md").read_text()


def test_the_baseline_is_stable_across_seeds(tmp_path: Path) -> None:
    files = []
    for seed in ("1", "2"):
        file = tmp_path / f"b{seed}.json"
        with serve(iotda_app("enum")) as url:
            run(["check", "--spec", IOTDA, "--base-url", url, "--seed", seed, "--max-examples", "0",
                 "--header", f"X-Auth-Token: {TOKEN}", "--write-baseline", str(file)])
        files.append(file.read_text())
    assert files[0] == files[1]


def test_a_broken_baseline_is_a_usage_error_before_any_request(tmp_path: Path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text("[]")
    assert run(["check", "--spec", IOTDA, "--base-url", "http://127.0.0.1:9", "--baseline", str(bad)]) == 2
    assert run(["check", "--spec", IOTDA, "--base-url", "http://127.0.0.1:9", "--write-baseline",
                str(tmp_path)]) == 2


def test_validate_and_audit_take_the_same_flags(tmp_path: Path) -> None:
    har = write_har(tmp_path / "t.har", [entry(CMD, 200, GOOD), entry(CMD, 200, {**GOOD, "status": "NOPE"})])
    file = tmp_path / "har-baseline.json"
    assert run(["validate", str(har), "--spec", IOTDA, "--write-baseline", str(file)]) == 1
    assert run(["validate", str(har), "--spec", IOTDA, "--baseline", str(file), "--report-dir",
                str(tmp_path / "v")]) == 0
    report = json.loads((tmp_path / "v" / "report.json").read_text())
    assert {f["baseline"] for f in report["findings"]} == {"known"}

    audit_file = tmp_path / "audit-baseline.json"
    assert run(["audit", "--write-baseline", str(audit_file)]) == 1  # the docs contradict themselves
    assert run(["audit", "--baseline", str(audit_file), "--report-dir", str(tmp_path / "a")]) == 0
    audited = json.loads((tmp_path / "a" / "audit.json").read_text())
    assert {f["baseline"] for f in audited["findings"]} == {"known"}
    entries = json.loads(audit_file.read_text())["entries"]
    assert any(e.get("sample") == "response/200/docs" and e["kind"] == "renamed-field" for e in entries)
