"""The audit of the shipped specs: the exact contradictions in the vendor docs.

Each expectation below was worked out by reading the seed pages, not by
copying the tool's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.core.audit import audit
from contracts.core.finding import Severity
from contracts.core.spec import load_spec

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

OC_COMMAND = "/data/0/deviceCommands/0"
# seed 002: the normal-response sample shows two tasks, each with one command that
# masks maxRetransmit as a bare ******, uses status PENDDING (not in the command
# status list) and null for six typed fields. The two tasks fold into one finding
# per cause (array indices folded, count 2). No page says whether a field may be
# null, so the nulls are info; the mask and the unknown status contradict the tables.
OCEANCONNECT = {
    (kind, sev, OC_COMMAND + field)
    for kind, sev, field in [
        ("invalid-json", E, "/maxRetransmit"),
        ("enum-mismatch", E, "/status"),
        ("unexpected-null", I, "/expireTime"),
        ("unexpected-null", I, "/result"),
        ("unexpected-null", I, "/executeTime"),
        ("unexpected-null", I, "/platformIssuedTime"),
        ("unexpected-null", I, "/deliveredTime"),
        ("unexpected-null", I, "/issuedTimes"),
    ]
}

EXPECTED = {
    # seed 001: the body sample uses struct members the tables cut off, and an array
    # for targetDevices, which the table types as a Struct.
    ("createJob", "request-body/docs"): {
        ("undocumented-structure", I, "/name"),
        ("undocumented-structure", W, "/targetScope/targetDevices"),
        ("undocumented-structure", W, "/schedulePolicy/disposableSchedulePolicy"),
        ("undocumented-structure", W, "/commandInfo/serviceInvokeInfo"),
    },
    ("createJob", "request/docs"): set(),
    ("createJob", "response/200/docs"): set(),
    # seed 000: as above, plus measurepointSetInfo where the table says setMeasurepointInfo.
    ("getJob", "request/docs"): set(),
    ("getJob", "response/200/docs"): {
        ("undocumented-structure", I, "/data/name"),
        ("undocumented-structure", W, "/data/targetScope/targetDevices"),
        ("undocumented-structure", W, "/data/schedulePolicy/disposableSchedulePolicy"),
        ("undocumented-structure", W, "/data/commandInfo/serviceInvokeInfo"),
        ("renamed-field", E, "/data/commandInfo/measurepointSetInfo"),
    },
    # seed 002: the request sample is all placeholders and carries both auth headers.
    ("queryDeviceCmdCancelTask", "request/docs"): set(),
    ("queryDeviceCmdCancelTask", "response/200/docs"): OCEANCONNECT,
    # seed 003: the request sample omits the mandatory task_type; the response wraps the
    # tasks in batchtasks/page and shows TaskProgress members no table lists.
    ("ListBatchTasks", "request/docs"): {("missing-parameter", E, "/query/task_type")},
    ("ListBatchTasks", "response/200/docs"): {
        ("undocumented-structure", W, ""),
        ("undocumented-structure", W, "/batchtasks/0/task_progress"),
    },
    # seed 004: sample and table agree.
    ("ShowAsyncDeviceCommand", "request/docs"): set(),
    ("ShowAsyncDeviceCommand", "response/200/docs"): set(),
}


@pytest.fixture(scope="module")
def result(shipped_specs_module: list[Path]):  # type: ignore[no-untyped-def]
    return audit([load_spec(p) for p in shipped_specs_module])


@pytest.fixture(scope="module")
def shipped_specs_module() -> list[Path]:
    return sorted((Path(__file__).resolve().parents[2] / "specs").glob("*.yaml"))


@pytest.mark.parametrize("operation,sample", sorted(EXPECTED))
def test_exact_findings_per_sample(result, operation: str, sample: str) -> None:  # type: ignore[no-untyped-def]
    got = {(f.kind, f.severity, f.location) for f in result.findings
           if f.operation == operation and f.sample == sample}
    assert got == EXPECTED[(operation, sample)]


def test_no_findings_outside_the_expected_samples(result) -> None:  # type: ignore[no-untyped-def]
    stray = [f for f in result.findings if (f.operation, f.sample) not in EXPECTED]
    assert stray == []  # constructed error examples must agree with their own schemas


def test_async_command_sample_has_no_error_or_warning(result) -> None:  # type: ignore[no-untyped-def]
    assert [f for f in result.findings if f.operation == "ShowAsyncDeviceCommand"] == []


def test_every_sample_was_audited(result) -> None:  # type: ignore[no-untyped-def]
    audited = {(op, sample) for _, op, sample in result.samples}
    assert set(EXPECTED) <= audited


def test_suggestions_and_lines(result) -> None:  # type: ignore[no-untyped-def]
    renamed = next(f for f in result.findings if f.kind == "renamed-field")
    assert renamed.suggestion == "did you mean 'setMeasurepointInfo'?"
    assert renamed.spec == "specs/enos-connect-v2.5.yaml" or renamed.spec.endswith("enos-connect-v2.5.yaml")
    masked = [f for f in result.findings if f.kind == "invalid-json"]
    assert len(masked) == 1 and masked[0].count == 2  # one cause, seen in both tasks
    assert masked[0].line == 36 and masked[0].extra["lines"] == [36, 68]
    assert "'******'" in masked[0].message and "column 28" in masked[0].message


def test_oceanconnect_folds_sixteen_occurrences_into_eight_causes(result) -> None:  # type: ignore[no-untyped-def]
    mine = [f for f in result.findings if f.operation == "queryDeviceCmdCancelTask"]
    assert len(mine) == 8 and {f.count for f in mine} == {2}
    assert sum(f.severity is E for f in mine) == 2  # the mask and PENDDING
