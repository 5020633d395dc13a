"""`contracts proxy`: the pieces put together, and the reports written when it stops.

``Proxy`` is shared by the command line (foreground, until SIGINT/SIGTERM)
and the pytest plugin (a background thread for the session). ``reports``
turns what it saw into the artefacts ``check`` and ``validate`` write, from
the same ``Report`` (where secrets are scrubbed once more), causes first,
with the same baseline handling.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

from ..core.errors import UsageError
from ..core.finding import Finding
from ..core.redact import Redactor
from ..core.validator import DEFAULT_BODY_LIMIT, Contract
from ..runner.engine import RunResult
from ..runner.transport import Limits, Tls
from .app import ProxyApp
from .live import LiveValidator
from .record import HarRecorder
from .server import ProxyServer

DEFAULT_PORT = 4011  # next to the mock's 4010, so both run side by side
FAILURE_LINES_PER_SECOND = 1  # a target that is down says so once a second, not once per request


@dataclass
class ProxyOptions:
    target: str
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    specs: Sequence[str] = ()
    record: str | None = None
    strict: bool = False
    timeout: float = 10.0
    max_body: int = DEFAULT_BODY_LIMIT
    cacert: str | None = None
    insecure: bool = False
    secrets: Sequence[str] = field(default_factory=tuple)  # known secret values (the plugin's --contracts-header)


def check_target(url: str, flag: str = "--target") -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{flag} {url!r} is not an http(s) URL such as https://iot.example.com")
    if parts.query or parts.fragment:
        raise UsageError(f"{flag} {url!r}: give the base URL only, without a query or fragment")
    return url.rstrip("/")


class Proxy:
    """A validating reverse proxy in front of ``options.target``."""

    def __init__(self, options: ProxyOptions, *, on_finding: Callable[[Finding], None] | None = None,
                 on_problem: Callable[[str], None] | None = None,
                 on_exchange: Callable[[str], None] | None = None) -> None:
        from ..runner.session import load

        if options.timeout <= 0:
            raise UsageError(f"--timeout must be positive, not {options.timeout:g}")
        if options.max_body <= 0:
            raise UsageError(f"--max-body must be positive, not {options.max_body}")
        target = check_target(options.target)
        self.options = options
        specs = load(options.specs)
        secrets = list(options.secrets)
        parts = urlsplit(target)
        if parts.password:
            secrets.append(parts.password)
        self.redactor = Redactor(secrets)
        self.shown_target = self.redactor.url(target)
        self.contract = Contract(specs, strict=options.strict, base_path=parts.path, body_limit=options.max_body,
                                 redactor=self.redactor)
        verify = Tls(options.cacert, options.insecure).context()
        self.recorder = HarRecorder(options.record, self.redactor) if options.record else None
        self.validator = LiveValidator(self.contract, self.shown_target, recorder=self.recorder,
                                       on_finding=on_finding, on_problem=on_problem, on_exchange=on_exchange)
        self._on_problem = on_problem
        self._last_failure = 0.0
        self._failures_unsaid = 0
        self.app = ProxyApp(target, self.validator, Limits(timeout=options.timeout, body_limit=options.max_body),
                            on_failure=self._failure, shown_target=self.shown_target, verify=verify)
        self.server = ProxyServer(self.app, options.host, options.port)
        self.url: str | None = None
        self.started = time.perf_counter()

    def _failure(self, reason: str) -> None:
        """Called on the event loop for each request the target did not answer: one line a second at most."""
        now = time.monotonic()
        if now - self._last_failure < 1 / FAILURE_LINES_PER_SECOND:
            self._failures_unsaid += 1
            return
        more = f" (and {self._failures_unsaid} more since the last line)" if self._failures_unsaid else ""
        self._last_failure, self._failures_unsaid = now, 0
        if self._on_problem is not None:
            self._on_problem(f"no answer from the target: {reason}{more}; the client got a "
                             f"{504 if 'no answer within' in reason else 502}")

    def run(self, on_ready: Callable[[str], None] | None = None) -> RunResult:
        """Serve in this thread until SIGINT or SIGTERM; then everything seen, validated."""
        self.validator.start()
        try:
            self.server.run(on_ready)
        finally:
            result = self.validator.stop()
        return result

    def start(self) -> str:
        """Serve from a background thread; the proxy's URL once it accepts connections."""
        self.validator.start()
        try:
            self.url = self.server.start()
        except BaseException:
            self.validator.stop()
            raise
        return self.url

    def stop(self) -> RunResult:
        self.server.stop()
        return self.validator.stop()

    def summary_extra(self) -> dict[str, Any]:
        return {"listen": self.server.url or "", "upstream_errors": self.validator.upstream_errors,
                "aborted": self.app.aborted, "recording": str(self.recorder.path) if self.recorder else None,
                "recorded_entries": self.recorder.entries if self.recorder else 0}


def summary_of(proxy: Proxy, result: RunResult, compared: dict[str, Any] | None) -> dict[str, Any]:
    """The report summary, shaped as `contracts validate` shapes its own."""
    summary = {"command": "proxy", "strict": proxy.options.strict, **result.summary(), "proxy": proxy.summary_extra()}
    if compared is not None:
        summary["baseline"] = compared
    seen = {f.operation for f in result.findings} | set(result.cases)
    summary["by_operation"] = {op: m for op, m in summary["by_operation"].items() if op in seen}
    summary["checks"] = {op: row for op, row in summary["checks"].items() if op in result.cases}
    return summary


def ran(result: RunResult) -> set[tuple[str, str]]:
    """(operation, check) pairs the traffic covered: baseline entries outside them are not stale."""
    return {(op, check) for op, checks in result.applied.items() for check in checks} | \
        {(f.operation, f.check or "") for f in result.findings}


def finding_line(f: Finding) -> str:
    """One redacted line per cause, as it is first seen."""
    from ..report.causes import label

    return (f"contracts proxy: {f.severity.value}: {label(f)}: {f.kind}: {f.message}"
            + (f" ({f.suggestion})" if f.suggestion else ""))


def run_proxy(options: ProxyOptions, report_dir: str | None, *, baseline: Any = None,
              write_baseline: str | None = None, formats: Sequence[str] | None = None, level: int = 0) -> int:
    """The `contracts proxy` command: serve until SIGINT/SIGTERM, then report; the exit code.

    Stopping is the normal end, so the exit code is the findings' (0 or 1, new
    errors only with a baseline), as for `contracts validate`. ``level`` -1
    (``-q``) keeps the listening line, problems and the closing line only;
    2 (``-vv``) adds one line per exchange as it is validated.
    """
    from ..report import baseline as baselines
    from ..report import check as check_report
    from ..report.files import ensure_dir
    from ..report.terminal import console, print_summary

    if report_dir:
        ensure_dir(report_dir)  # fail before serving, not after
    lock = threading.Lock()

    def say(text: str, err: bool = False) -> None:
        with lock:
            print(text, file=sys.stderr if err else sys.stdout, flush=True)

    proxy = Proxy(options, on_finding=(lambda f: say(finding_line(f))) if level >= 0 else None,
                  on_problem=lambda text: say(f"contracts proxy: {text}", err=True),
                  on_exchange=(lambda text: say(f"contracts proxy: {text}")) if level >= 2 else None)
    ops = len(proxy.contract.operations)
    if level >= 0:
        say(f"contracts proxy: {len(proxy.contract.specs)} spec(s), {ops} operations; forwarding to "
            f"{proxy.shown_target}" + (f"; recording to {options.record}" if options.record else ""), err=True)
    result = proxy.run(lambda url: say(f"contracts proxy: listening on {url}"))
    if level >= 0:
        say("contracts proxy: stopped; validating what is left and writing the reports", err=True)
    result.findings, compared = baselines.apply(result.findings, baseline, ran(result))
    summary = summary_of(proxy, result, compared)
    report = check_report.Report(summary, result.findings, result.all_checks, proxy.redactor)
    out = console()
    extra = summary["proxy"]
    tail = (f"{result.requests} exchanges validated, {extra['upstream_errors']} without an answer from the target, "
            f"{extra['aborted']} left unread by the client: {_severities(report.summary)}")
    print_summary(out, "findings per operation", report.summary["by_operation"], report.findings, tail, compared,
                  report_written=bool(report_dir))
    written = [f"{proxy.recorder.path} ({proxy.recorder.entries} entries)"] if proxy.recorder is not None else []
    if report_dir:
        written += [str(path) for path in check_report.write(report, report_dir, formats)]
    if write_baseline:
        written.append(str(baselines.write(write_baseline, report.findings, command="proxy")))
    if level >= 0:
        for path in written:
            out.print(f"wrote {path}", markup=False, highlight=False)
    return result.exit_code


def _severities(summary: dict[str, Any]) -> str:
    sev = summary["by_severity"]
    return f"{sev['error']} errors, {sev['warning']} warnings, {sev['info']} info"


__all__ = ["DEFAULT_PORT", "Proxy", "ProxyOptions", "check_target", "finding_line", "ran", "run_proxy",
           "summary_of"]
