"""One test per audit finding kind, on small inline specs, positive and negative."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from contracts.core.audit import audit
from contracts.core.finding import Finding, Kind, Severity
from contracts.core.spec import load_spec

from .inline_specs import spec_with

GOOD = {"name": "ok", "status": "DONE", "count": 1, "when": "20151212T121212Z", "setMeasurepointInfo": {}}


def run(write_spec: Callable[..., Path], text: str) -> list[Finding]:
    return audit([load_spec(write_spec(text))]).findings


def only(findings: list[Finding], kind: str) -> Finding:
    matching = [f for f in findings if f.kind == kind]
    assert len(matching) == 1, findings
    return matching[0]


def test_clean_sample_has_no_findings(write_spec: Callable[..., Path]) -> None:
    assert run(write_spec, spec_with(GOOD, request_url="https://h/things/1?limit=10")) == []


def test_undocumented_field(write_spec: Callable[..., Path]) -> None:
    f = only(run(write_spec, spec_with({**GOOD, "colour": "red"})), Kind.UNDOCUMENTED_FIELD)
    assert f.location == "/colour"
    assert f.severity is Severity.WARNING
    assert f.operation == "getThing" and f.sample == "response/200/docs"
    assert "colour" in f.message


def test_renamed_field_words_in_another_order(write_spec: Callable[..., Path]) -> None:
    sample = {k: v for k, v in GOOD.items() if k != "setMeasurepointInfo"} | {"measurepointSetInfo": None}
    f = only(run(write_spec, spec_with(sample)), Kind.RENAMED_FIELD)
    assert f.location == "/measurepointSetInfo"
    assert f.suggestion == "did you mean 'setMeasurepointInfo'?"
    assert f.severity is Severity.ERROR


def test_renamed_field_small_edit_distance(write_spec: Callable[..., Path]) -> None:
    sample = {k: v for k, v in GOOD.items() if k != "status"} | {"statsu": "DONE"}
    f = only(run(write_spec, spec_with(sample)), Kind.RENAMED_FIELD)
    assert f.suggestion == "did you mean 'status'?"


def test_extra_field_is_not_renamed_when_the_documented_one_is_present(write_spec: Callable[..., Path]) -> None:
    findings = run(write_spec, spec_with({**GOOD, "statsu": "x"}))
    assert [f.kind for f in findings] == [Kind.UNDOCUMENTED_FIELD]


def test_enum_mismatch_suggests_nearest(write_spec: Callable[..., Path]) -> None:
    f = only(run(write_spec, spec_with({**GOOD, "status": "PENDDING"})), Kind.ENUM_MISMATCH)
    assert f.location == "/status"
    assert f.suggestion is not None and "'PENDING'" in f.suggestion
    assert "not a likely typo" not in f.suggestion


def test_enum_mismatch_far_value_is_flagged_as_unlikely_typo(write_spec: Callable[..., Path]) -> None:
    f = only(run(write_spec, spec_with({**GOOD, "status": "XYZXYZXYZ"})), Kind.ENUM_MISMATCH)
    assert f.suggestion is not None and "not a likely typo" in f.suggestion


def test_null_for_non_nullable(write_spec: Callable[..., Path]) -> None:
    findings = run(write_spec, spec_with({**GOOD, "count": None, "status": None}))
    kinds = sorted((f.location, f.kind) for f in findings)
    assert kinds == [("/count", Kind.UNEXPECTED_NULL), ("/status", Kind.UNEXPECTED_NULL)]


def test_null_allowed_when_nullable(write_spec: Callable[..., Path]) -> None:
    text = spec_with({**GOOD, "count": None}).replace(
        "count:\n          type: integer", "count:\n          nullable: true\n          type: integer")
    assert "nullable: true" in text
    assert run(write_spec, text) == []


def test_wrong_type(write_spec: Callable[..., Path]) -> None:
    f = only(run(write_spec, spec_with({**GOOD, "count": "3"})), Kind.WRONG_TYPE)
    assert f.location == "/count" and "expected integer, got string" in f.message


@pytest.mark.parametrize("field,value,words", [
    ("count", -1, "below the minimum 0"),
    ("name", "toolong", "above the maximum length 5"),
    ("when", "2015-12-12T12:12:12Z", "does not match"),
])
def test_out_of_range_length_pattern(write_spec: Callable[..., Path], field: str, value: Any, words: str) -> None:
    f = only(run(write_spec, spec_with({**GOOD, field: value})), Kind.OUT_OF_RANGE)
    assert f.location == f"/{field}" and words in f.message


def test_pattern_end_anchor_rejects_trailing_newline(write_spec: Callable[..., Path]) -> None:
    f = only(run(write_spec, spec_with({**GOOD, "when": "20151212T121212Z\n"})), Kind.OUT_OF_RANGE)
    assert f.location == "/when"


def test_missing_mandatory_field(write_spec: Callable[..., Path]) -> None:
    sample = {k: v for k, v in GOOD.items() if k != "name"}
    f = only(run(write_spec, spec_with(sample)), Kind.MISSING_FIELD)
    assert f.location == "/name"


def test_request_sample_missing_mandatory_parameter(write_spec: Callable[..., Path]) -> None:
    f = only(run(write_spec, spec_with(request_url="https://h/things/{id}")), Kind.MISSING_PARAMETER)
    assert f.location == "/query/limit" and f.sample == "request/docs"
    assert f.line is not None


def test_request_sample_placeholders_are_not_values(write_spec: Callable[..., Path]) -> None:
    assert run(write_spec, spec_with(request_url="https://h/things/{id}?limit={limit}")) == []


def test_request_sample_parameter_out_of_range(write_spec: Callable[..., Path]) -> None:
    f = only(run(write_spec, spec_with(request_url="https://h/things/1?limit=500")), Kind.OUT_OF_RANGE)
    assert f.location == "/query/limit"


def test_request_sample_undocumented_query_parameter(write_spec: Callable[..., Path]) -> None:
    f = only(run(write_spec, spec_with(request_url="https://h/things/1?limit=5&page=2")), Kind.UNDOCUMENTED_FIELD)
    assert f.location == "/query/page"


def test_invalid_json_sample_reports_line_column_text_and_keeps_checking(write_spec: Callable[..., Path],
                                                                          tmp_path: Path) -> None:
    (tmp_path / "raw.txt").write_text('{\n  "name": "ok",\n  "count": ******,\n  "status": "NOPE"\n}\n')
    text = spec_with().replace("              schema:\n                $ref: '#/components/schemas/Thing'",
                               "              schema:\n                $ref: '#/components/schemas/Thing'\n"
                               "              examples:\n                docs:\n                  externalValue: raw.txt")
    assert "externalValue" in text
    findings = run(write_spec, text)
    bad = only(findings, Kind.INVALID_JSON)
    assert bad.location == "/count" and bad.line == 3
    assert "column 12" in bad.message and "'******'" in bad.message
    assert bad.extra["file"].endswith("raw.txt")
    # the rest of the sample is still audited, and the masked value is not also a wrong type
    assert only(findings, Kind.ENUM_MISMATCH).location == "/status"
    assert not [f for f in findings if f.kind == Kind.WRONG_TYPE]


def test_undocumented_structure_mark(write_spec: Callable[..., Path]) -> None:
    text = spec_with({**GOOD, "setMeasurepointInfo": {"a": 1}}).replace(
        "setMeasurepointInfo:\n          type: object",
        "setMeasurepointInfo:\n          type: object\n          x-undocumented: {severity: info, reason: cut off}")
    f = only(run(write_spec, text), Kind.UNDOCUMENTED_STRUCTURE)
    assert f.location == "/setMeasurepointInfo" and f.severity is Severity.INFO and "cut off" in f.message


def test_undocumented_structure_not_reported_when_sample_does_not_use_it(write_spec: Callable[..., Path]) -> None:
    sample = {k: v for k, v in GOOD.items() if k != "setMeasurepointInfo"}
    text = spec_with(sample).replace(
        "setMeasurepointInfo:\n          type: object",
        "setMeasurepointInfo:\n          type: object\n          x-undocumented: {severity: info, reason: cut off}")
    assert run(write_spec, text) == []
