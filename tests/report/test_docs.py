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


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def _section(page: str, operation_id: str) -> str:
    start = page.index(f"id='op-{operation_id}'")
    end = page.find("<section class='op'", start)
    return page[start:end if end > 0 else len(page)]


def test_iotda_says_token_or_aksk_and_neither_alone_is_mandatory(page: str) -> None:
    for op in ("ListBatchTasks", "ShowAsyncDeviceCommand"):
        text = _text(_section(page, op))
        assert "Authentication, any one of 2 alternatives: IamToken (apiKey, header X-Auth-Token )" in text
        assert " or AkSk (HTTP sdk-hmac-sha256, header Authorization )" in text or \
            " or AkSk (HTTP SDK-HMAC-SHA256, header Authorization )" in text
        row = re.search(r"X-Auth-Token header string (\w+)", text)
        assert row is not None and row.group(1) == "no", text[:400]


def test_a_single_scheme_stays_mandatory(page: str) -> None:
    text = _text(_section(page, "queryDeviceCmdCancelTask"))
    assert "Authentication: " in text and "alternatives" not in text
    assert re.search(r"app_key header string yes", text)
