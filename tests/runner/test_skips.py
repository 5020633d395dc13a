"""Every "skip" in a check's matrix says why: the spec's doing or the run's."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema

from contracts.cli import run_check
from contracts.report.check import report_schema
from contracts.runner import skips
from contracts.runner.session import Options, open_session


def _run(**options: Any) -> Any:
    session = open_session(Options(seed=1, max_examples=0, **options))
    try:
        return session.runner().run(session.selected_operations())
    finally:
        session.close()


def test_every_skipped_cell_has_a_reason_that_fits_the_spec() -> None:
    result = _run()
    summary = result.summary()
    jsonschema.validate({"summary": {"tool": "contracts", "version": "0.1.0", "causes": 0, "occurrences": 0,
                                     **summary}, "findings": []}, report_schema())
    skipped = {(op, c) for op, row in summary["checks"].items() for c, v in row.items() if v == "skip"}
    reasons = summary["skip_reasons"]
    assert skipped and skipped == {(op, c) for op, row in reasons.items() for c in row}
    ops = {op.operation_id: op for spec in open_session(Options()).specs for op in spec.operations}
    for op, check in skipped:
        why = reasons[op][check]
        assert why and why[0].islower() and "\n" not in why
        if check == "pagination":
            assert "x-pagination" not in ops[op].extensions
            assert "does not page" in why
        if check == "ignored_auth":
            assert not ops[op].requires_auth
            assert "no security requirement" in why
    # an operation that pages is walked, so its pagination cell is a verdict, not a skip
    paging = [o for o, op in ops.items() if isinstance(op.extensions.get("x-pagination"), dict)]
    assert paging and all(summary["checks"][o]["pagination"] != "skip" for o in paging)


def test_a_phase_left_out_is_named_as_the_reason() -> None:
    specs = open_session(Options()).specs
    op = next(o for spec in specs for o in spec.operations if o.operation_id == "ListBatchTasks")
    run = SimpleNamespace(checks=["negative_data_rejection", "ignored_auth", "pagination"], cases={op.operation_id: 3},
                          applied={}, cannot_generate={}, stopped=None, interrupted=False, setup_error=None)
    why = skips.reasons(run, [op], run.checks, ["samples", "positive"])[op.operation_id]
    assert why["negative_data_rejection"] == "the negative phase was not selected"
    assert "negative phase, which was not selected" in why["ignored_auth"]
    assert why["pagination"].startswith("no page was read successfully")
    run.cases = {}
    assert skips.reason(run, op, "pagination", ["positive"], ({}, {})) == "no case of this operation was sent"


def test_stopped_runs_say_the_rest_was_not_reached(tmp_path: Path) -> None:
    result = _run(max_failures=1, mock_faults=("server-error",))
    reasons = result.summary().get("skip_reasons", {})
    assert result.stopped == "max-failures"
    unreached = [why for row in reasons.values() for why in row.values() if "not reached" in why]
    assert unreached and all("--max-failures" in why for why in unreached)


def test_junit_skips_carry_the_reason(tmp_path: Path) -> None:
    run_check(Options(seed=1, max_examples=0, operations=("createJob",)), str(tmp_path))
    skipped = [(case.get("name"), s.get("message")) for case in ET.parse(tmp_path / "junit.xml").iter("testcase")
               for s in case.iter("skipped")]
    assert skipped
    assert all(message and message != "not applicable to this operation" for _, message in skipped)
    assert any("does not page" in message for _, message in skipped)
