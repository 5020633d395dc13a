"""Findings travel with test reports (so xdist brings them to the controller) and become artefacts."""

from __future__ import annotations

import time
from typing import Any

import pytest

from ..core.finding import Evidence, Finding, Severity
from .outcome import carried, carry


def attach(item: pytest.Item, result: Any) -> None:
    """Keep an item's findings and counters for its report (``outcome.carry``: never user_properties)."""
    matrix = result.matrix()
    carry(item, findings=result.findings, stats={
        "cases": result.cases, "requests": result.requests, "checks": matrix, "skips": result.skipped(matrix),
        "operations": {k: v["spec"] for k, v in result.operations.items()}})


def _better(old: str | None, new: str) -> str:
    """Of two items' reasons for one skipped cell, the one about the spec or the run, not about which
    phase an item ran (each item runs one phase, so "not selected" is true of all but one of them)."""
    if old is None or ("not selected" in old and "not selected" not in new):
        return new
    return old


def _finding(data: dict[str, Any]) -> Finding:
    ev = data.get("evidence")
    return Finding(operation=data["operation"], kind=data["kind"], severity=Severity(data["severity"]),
                   location=data["location"], message=data["message"], suggestion=data.get("suggestion"),
                   spec=data.get("spec"), sample=data.get("sample"), check=data.get("check"), line=data.get("line"),
                   evidence=Evidence(ev.get("request"), ev.get("response"), ev.get("curl")) if ev else None,
                   count=data.get("count", 1), seed=data.get("seed"), extra=data.get("extra") or {},
                   basis=data.get("basis"), baseline=data.get("baseline"))


class Collector:
    """Registered as a plugin when reports are wanted: gathers findings from every item's report."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.findings: list[Finding] = []
        self.cases: dict[str, int] = {}
        self.requests = 0
        self.checks: dict[str, dict[str, str]] = {}
        self.operations: dict[str, str] = {}
        self.skips: dict[str, dict[str, str]] = {}  # operation -> check -> why it did not run
        self.started = time.perf_counter()
        self.seen = False
        self.compared: dict[str, Any] | None = None
        self.written: Any = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call":
            return
        data = carried(report)
        if data is None:
            return
        self.seen = True
        self.findings.extend(_finding(d) for d in data["findings"])
        stats = data.get("stats")
        if stats is not None:
            for op, n in stats["cases"].items():
                self.cases[op] = self.cases.get(op, 0) + n
            self.requests += stats["requests"]
            for op, row in stats["checks"].items():
                merged = self.checks.setdefault(op, {})
                for check, verdict in row.items():
                    merged[check] = _worse(merged.get(check, "skip"), verdict)
            self.operations.update(stats["operations"])
            for op, row in (stats.get("skips") or {}).items():
                kept = self.skips.setdefault(op, {})
                for check, why in row.items():
                    kept[check] = _better(kept.get(check), why)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """On the controller (xdist workers only forward their reports), write the merged artefacts."""
        if hasattr(self.config, "workerinput") or not self.seen:
            return
        from ..report import check as check_report
        from ..core.merge import merge
        from .engine import seed
        from .options import read

        from ..report import baseline as baselines
        from .engine import known

        options = read(self.config)
        findings = merge(self.findings)
        ran = {(op, check) for op, row in self.checks.items() for check, verdict in row.items() if verdict != "skip"}
        findings, compared = baselines.apply(findings, known(self.config), ran | {(f.operation, f.check or "")
                                                                                   for f in findings})
        self.compared = compared
        if options.write_baseline and session.exitstatus != pytest.ExitCode.INTERRUPTED:
            self.written = baselines.write(options.write_baseline, findings, command="pytest")
        if not options.report_dir:
            return
        checks = sorted({c for row in self.checks.values() for c in row})
        by_op: dict[str, dict[str, Any]] = {op: {"spec": spec, "cases": self.cases.get(op, 0), "error": 0,
                                                 "warning": 0, "info": 0} for op, spec in self.operations.items()}
        for f in findings:
            by_op.setdefault(f.operation, {"cases": 0, "error": 0, "warning": 0, "info": 0})[f.severity.value] += 1
        summary = {
            "command": "check", "target": options.base_url or "embedded mock (in-process, per worker)",
            "specs": sorted(set(self.operations.values())), "seed": seed(self.config),
            "max_examples": options.max_examples, "strict": options.strict,
            "duration_seconds": round(time.perf_counter() - self.started, 3),
            "cases": sum(self.cases.values()), "requests": self.requests, "interrupted": False,
            "findings": len(findings), "by_severity": {s.value: sum(1 for f in findings if f.severity is s)
                                                       for s in Severity},
            "by_operation": by_op, "checks": self.checks,
            **({"skip_reasons": skipped} if (skipped := self._skip_reasons()) else {}),
            **({"baseline": compared} if compared is not None else {}),
        }
        check_report.write(check_report.Report(summary, findings, checks, _redactor(options)), options.report_dir)

    def _skip_reasons(self) -> dict[str, dict[str, str]]:
        """Why each cell that no item ran was skipped (a cell one item ran is not skipped)."""
        out: dict[str, dict[str, str]] = {}
        for op, row in self.checks.items():
            for check, verdict in row.items():
                if verdict == "skip":
                    out.setdefault(op, {})[check] = self.skips.get(op, {}).get(check) or "not run for this operation"
        return out

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        compared = getattr(self, "compared", None)
        written = getattr(self, "written", None)
        if compared is None and written is None:
            return
        terminalreporter.section("contracts baseline")
        if compared is not None:
            terminalreporter.write_line(f"{compared['file']}: {compared['new']} new cause(s) "
                                        f"({compared['new_errors']} errors), {compared['known']} known")
            for entry in compared["stale"]:
                terminalreporter.write_line(f"no longer seen: {entry['operation']} {entry['check']} {entry['kind']} "
                                            f"{entry['location']} (fixed upstream? remove it)")
        if written is not None:
            terminalreporter.write_line(f"wrote {written}")


def _redactor(options: Any) -> Any:
    """The secrets of the session's options, for the merged artefacts (workers scrubbed theirs)."""
    from ..core.redact import Redactor, is_secret_header, is_secret_param
    from ..runner.session import parse_header, parse_param

    secrets = [v for k, v in (parse_header(h) for h in options.headers) if is_secret_header(k)]
    secrets += [v for k, v in (parse_param(p) for p in options.params) if is_secret_param(k)]
    return Redactor(secrets)


_ORDER = {"skip": 0, "pass": 1, "warn": 2, "fail": 3}


def _worse(a: str, b: str) -> str:
    return a if _ORDER[a] >= _ORDER[b] else b
