"""What a contract failure shows, and what a test's report carries to the controller.

``pytest_plugin`` calls ``on_report`` for every test report, so this module
imports only pytest and the standard library: the plugin stays light in
projects that never ask it for anything.

Two things happen here:

* a test that fails because of the contract (a ``contract`` marker, the
  ``client`` fixture, ``contract.validate_*``) shows the findings, and the
  line of the test that made the call, instead of a traceback through the
  plugin's own hooks;
* an item's findings and counters ride on the report as one attribute
  (``contracts_result``), which pytest-xdist serialises like any other
  report attribute. They never go into ``user_properties``, which belong to
  the user and end up in their ``--junitxml`` file.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Sequence

import pytest

if TYPE_CHECKING:
    from ..core.finding import Finding

__all__ = ["ATTRIBUTE", "ContractAssertionError", "carry", "carried", "describe", "on_report"]

ATTRIBUTE = "contracts_result"
_RESULT = pytest.StashKey[dict[str, Any]]()


class ContractAssertionError(AssertionError):
    """The exchange breaks the contract; the message lists every error-level finding."""

    def __init__(self, findings: list["Finding"]) -> None:
        self.findings = findings
        super().__init__(f"{len(findings)} contract finding(s):\n{describe(findings)}")


def describe(findings: list["Finding"]) -> str:
    """One block per finding: severity, operation, check, pointer, message, the answer and curl."""
    lines = []
    for f in findings:
        count = f" (x{f.count})" if f.count > 1 else ""
        lines.append(f"[{f.severity.value}] {f.operation}: {f.check} {f.kind} at {f.location or '/'}{count}")
        lines.append(f"    {f.message}")
        if f.suggestion:
            lines.append(f"    hint: {f.suggestion}")
        if f.evidence is not None:
            if f.evidence.response is not None:
                body = " ".join(str(f.evidence.response.get("body") or "").split())
                lines.append(f"    got: HTTP {f.evidence.response.get('status')}"
                             + (f" {body[:300]}" if body else ""))
            if f.evidence.curl:
                lines.append(f"    reproduce: {f.evidence.curl}")
    return "\n".join(lines)


def carry(item: pytest.Item, *, findings: Sequence["Finding"] = (), stats: dict[str, Any] | None = None) -> None:
    """Keep findings (as dicts) and counters for this item's call report."""
    data = item.stash.setdefault(_RESULT, {"findings": []})
    # through JSON: exactly what any report serialiser (xdist's, a --report-log) can carry
    data["findings"].extend(json.loads(json.dumps([f.to_dict() for f in findings])))
    if stats is not None:
        data["stats"] = json.loads(json.dumps(stats))


def carried(report: pytest.TestReport) -> dict[str, Any] | None:
    """What ``carry`` put on a report (here or on an xdist worker), or None."""
    value = getattr(report, ATTRIBUTE, None)
    return value if isinstance(value, dict) else None


def on_report(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> None:
    """Called for every report by the plugin's makereport wrapper."""
    if call.when != "call":
        return
    data = item.stash.get(_RESULT, None)
    if data is not None:
        setattr(report, ATTRIBUTE, data)
    if report.failed and call.excinfo is not None and isinstance(call.excinfo.value, ContractAssertionError):
        report.longrepr = _longrepr(item, call.excinfo)


def _longrepr(item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    """The findings, and where in the test the offending call was made (when the call raised)."""
    exc = excinfo.value
    assert isinstance(exc, ContractAssertionError)
    where = ""
    path = getattr(item, "path", None)
    for entry in reversed(excinfo.traceback):
        if path is not None and os.fspath(entry.path) == os.fspath(path):
            try:
                source = str(entry.statement).strip().splitlines()[0]
            except Exception:  # no source to show (a generated test): the line number says enough
                source = ""
            where = f"{os.path.relpath(entry.path, item.config.rootpath)}:{entry.lineno + 1}" + (
                f": {source}" if source else "")
            break
    head = f"{len(exc.findings)} contract finding(s)" + (f" at {where}" if where else "")
    return f"{head}\n{describe(exc.findings)}"
