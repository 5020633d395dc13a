"""The rendered reference page: self-contained, complete, and printable."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from contracts.core.audit import audit
from contracts.core.spec import load_specs
from contracts.report import docs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def page() -> str:
    specs = load_specs([ROOT / "specs"])
    return docs.render(specs, audit(specs))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_self_contained(page: str) -> None:
    parser = _Tags()
    parser.feed(page)
    names = {t for t, _ in parser.tags}
    assert "script" not in names and "link" not in names and "img" not in names
    assert not any("src" in attrs for _, attrs in parser.tags)
    assert "<style>" in page and "@media print" in page


def test_a_section_per_endpoint(page: str) -> None:
    for op in ("createJob", "getJob", "queryDeviceCmdCancelTask", "ListBatchTasks", "ShowAsyncDeviceCommand"):
        assert f"id='op-{op}'" in page


def test_every_parameter_and_field_is_listed(page: str) -> None:
    for name in ("orgId", "jobId", "task_type", "marker", "offset", "pageSize", "startTime", "app_key",
                 "X-Auth-Token", "Instance-Id", "device_id", "command_id", "targetScope.targetType",
                 "timeoutPolicy.inProgressTimeoutInSeconds", "batchtasks[].task_policy.retry_count",
                 "data[].deviceCommands[].maxRetransmit", "send_strategy"):
        assert f"<code>{name}</code>" in page, name


def test_constraints_and_defaults(page: str) -> None:
    assert "maximum: 900" in page and "minimum: 1; maximum: 50" in page
    assert "pattern: ^[0-9a-fA-F]{24}$" in page
    assert re.search(r"<td>1000</td>", page)  # pageSize default


def test_samples_are_verbatim(page: str) -> None:
    raw = (ROOT / "specs/samples/oceanconnect-iocm-v1.4.0/queryDeviceCmdCancelTask.200.txt").read_text()
    from html import escape

    assert escape(raw.rstrip("\n")) in page
    assert escape('"measurepointSetInfo": null') in page


def test_findings_are_shown(page: str) -> None:
    assert "did you mean &#x27;setMeasurepointInfo&#x27;?" in page
    assert "The audit finds no contradiction" in page  # the async-command endpoint
