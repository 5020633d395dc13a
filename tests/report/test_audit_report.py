"""The committed audit of the shipped specs must match a fresh run."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from contracts.core.audit import audit
from contracts.core.spec import load_specs
from contracts.report import audit as audit_report

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)  # spec names in the report are relative to the project root
    audit_report.write(audit(load_specs()), tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", ["audit.md", "audit.json"])
def test_committed_reports_are_fresh(fresh: Path, name: str) -> None:
    committed = (ROOT / "reports" / name).read_text(encoding="utf-8")
    assert committed == (fresh / name).read_text(encoding="utf-8"), (
        f"reports/{name} is stale: run `make reports` and commit the result")


def test_report_is_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    a, b = tmp_path / "a", tmp_path / "b"
    audit_report.write(audit(load_specs()), a)
    audit_report.write(audit(list(reversed(load_specs()))), b)
    assert (a / "audit.json").read_bytes() == (b / "audit.json").read_bytes()
    assert (a / "audit.md").read_bytes() == (b / "audit.md").read_bytes()


def test_json_shape(fresh: Path) -> None:
    data = json.loads((fresh / "audit.json").read_text())
    schema = {
        "type": "object", "required": ["summary", "findings"],
        "properties": {
            "summary": {"type": "object", "required": ["specs", "samples", "findings", "by_severity", "by_kind",
                                                       "by_operation"]},
            "findings": {"type": "array", "items": {
                "type": "object",
                "required": ["operation", "spec", "sample", "kind", "severity", "location", "message"],
                "properties": {"severity": {"enum": ["error", "warning", "info"]},
                               "location": {"type": "string", "pattern": "^(/.*)?$"}}}},
        },
    }
    jsonschema.validate(data, schema)
    assert data["summary"]["findings"] == len(data["findings"])


def test_markdown_groups_by_endpoint_with_summary_on_top(fresh: Path) -> None:
    md = (fresh / "audit.md").read_text()
    lines = md.splitlines()
    assert lines[0].startswith("# Audit")
    first_table = next(i for i, line in enumerate(lines) if line.startswith("| Operation |"))
    first_section = next(i for i, line in enumerate(lines) if line.startswith("## "))
    assert first_table < first_section
    for op in ("createJob", "getJob", "queryDeviceCmdCancelTask", "ListBatchTasks", "ShowAsyncDeviceCommand"):
        assert any(line.startswith(f"## {op}: ") for line in lines), op
