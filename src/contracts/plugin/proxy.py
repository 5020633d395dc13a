"""``--contracts-proxy-target URL``: an existing integration suite validates its own traffic.

The plugin starts the validating proxy (``contracts.proxy``) in front of the
target before any test is collected, and exposes its URL as the session
fixture ``contracts_proxy`` and as ``CONTRACTS_PROXY_URL`` in the environment
(set before collection, so configuration read at import time sees it too;
xdist workers inherit it and share the controller's one proxy). The suite
points its vendor base URL at it and changes nothing else.

At session end the proxy stops and its findings are reported in the terminal
summary. Error findings (new ones, with ``--contracts-baseline``) fail the
session: exit status 1 even when every test passed. Not a dedicated test
item, because an item cannot run after every other test under xdist, and
traffic validated before the last test ran would miss some. With
``--contracts-report-dir DIR`` the four reports and the recording
``traffic.har`` go to ``DIR`` (to ``DIR/proxy`` when the generated contract
items run in the same session and write their own reports to ``DIR``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ENV = "CONTRACTS_PROXY_URL"
_WORKER_KEY = "contracts_proxy_url"


def target_of(config: pytest.Config) -> str | None:
    """--contracts-proxy-target, or the ini key contracts_proxy_target."""
    value = config.getoption("contracts_proxy_target", None)
    if not value:
        try:
            value = config.getini("contracts_proxy_target")
        except ValueError:
            value = None
    return str(value) if value else None


class ProxyPlugin:
    """Registered by ``pytest_plugin.pytest_configure`` when a proxy target is given."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.url: str | None = None
        self.proxy: Any = None
        self.report: Any = None
        self.compared: dict[str, Any] | None = None
        self.written: list[Path] = []
        self.failing: list[Any] = []
        self._previous_env: str | None = None

    # -- start -----------------------------------------------------------------------
    def pytest_configure(self, config: pytest.Config) -> None:
        worker = getattr(config, "workerinput", None)
        if worker is not None:  # an xdist worker: the controller's proxy serves every worker
            self.url = worker.get(_WORKER_KEY) or os.environ.get(ENV)
            return
        from ..core.errors import ContractsError

        try:
            self.proxy = self._open()
            self.url = self.proxy.start()
        except ContractsError as exc:
            raise pytest.UsageError(f"contracts: {exc}") from None
        self._previous_env = os.environ.get(ENV)
        os.environ[ENV] = self.url

    def _open(self) -> Any:
        from ..core.redact import is_secret_header
        from ..proxy.command import Proxy, ProxyOptions, check_target
        from ..runner.session import parse_header
        from .options import read

        options = read(self.config)
        target = check_target(target_of(self.config) or "", "--contracts-proxy-target")
        report_dir = self._report_dir()
        record = None
        if report_dir is not None:
            from ..report.files import ensure_dir

            record = str(ensure_dir(report_dir) / "traffic.har")
        secrets = [v for k, v in (parse_header(h) for h in options.headers) if is_secret_header(k)]
        return Proxy(ProxyOptions(target=target, port=0, specs=list(options.specs) or
                                  [str(Path(self.config.rootpath) / "specs")], record=record, strict=options.strict,
                                  timeout=options.timeout, secrets=secrets))

    def _report_dir(self) -> Path | None:
        from .options import read

        options = read(self.config)
        if not options.report_dir:
            return None
        base = Path(options.report_dir)
        return base / "proxy" if (options.base_url or options.mock) else base

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """pytest-xdist: each worker is told the proxy's URL (it inherits the environment too)."""
        if self.url:
            node.workerinput[_WORKER_KEY] = self.url

    @pytest.fixture(scope="session")
    def contracts_proxy(self) -> str:
        """The URL of the validating proxy: point the application's vendor base URL at it."""
        if not self.url:
            raise pytest.UsageError("contracts: the proxy is not running (is --contracts-proxy-target given?)")
        return self.url

    # -- stop and report ---------------------------------------------------------------
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.proxy is None:
            return
        from ..core.finding import Severity
        from ..proxy.command import ran, summary_of
        from ..report import baseline as baselines
        from ..report import check as check_report
        from .engine import known

        proxy, self.proxy = self.proxy, None
        result = proxy.stop()
        result.findings, self.compared = baselines.apply(result.findings, known(self.config), ran(result))
        self.report = check_report.Report(summary_of(proxy, result, self.compared), result.findings,
                                          result.all_checks, proxy.redactor)
        report_dir = self._report_dir()
        if report_dir is not None:
            self.written = [Path(p) for p in check_report.write(self.report, report_dir)]
            if proxy.recorder is not None:
                self.written.append(proxy.recorder.path)
        from .options import read

        options = read(self.config)
        mixed = bool(options.base_url or options.mock)
        if options.write_baseline and not mixed and session.exitstatus != pytest.ExitCode.INTERRUPTED:
            self.written.append(baselines.write(options.write_baseline, self.report.findings, command="proxy"))
        self.failing = [f for f in self.report.findings if f.severity is Severity.ERROR and f.baseline != "known"]
        if self.failing and session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.report is None:
            return
        from ..proxy.command import finding_line
        from ..report.causes import headline

        findings = self.report.findings
        extra = self.report.summary.get("proxy", {})
        terminalreporter.section("contracts proxy")
        terminalreporter.write_line(f"{self.report.summary['target']} via {extra.get('listen')}: "
                                    f"{self.report.summary['requests']} exchanges validated; "
                                    f"{headline(findings, self.compared).text()}")
        for f in findings:
            if f.severity.value != "info":
                terminalreporter.write_line(finding_line(f).removeprefix("contracts proxy: "))
        if extra.get("upstream_errors"):
            terminalreporter.write_line(f"{extra['upstream_errors']} request(s) got no answer from the target")
        for path in self.written:
            terminalreporter.write_line(f"wrote {path}")
        if self.failing:
            terminalreporter.write_line(f"the session fails: {len(self.failing)} error cause(s) in the traffic",
                                        red=True)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.proxy is not None:  # the session never finished (a usage error during collection)
            self.proxy.stop()
            self.proxy = None
        if getattr(config, "workerinput", None) is None and self.url:
            if self._previous_env is None:
                os.environ.pop(ENV, None)
            else:
                os.environ[ENV] = self._previous_env


__all__ = ["ENV", "ProxyPlugin", "target_of"]
