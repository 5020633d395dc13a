"""The ``contracts`` command line. It decides exit codes; the core never does.

Exit codes: 0 no error-level finding, 1 findings, 2 usage or set-up error,
3 an internal error (a bug in contracts), 130 interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn, Sequence

import click

from . import __version__
from .core.errors import ContractsError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _fail(message: str) -> None:
    click.echo(f"contracts: error: {message}", err=True)


class _Group(click.Group):
    """Loads the `mock` command (uvicorn, the mock's data) only when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), "mock"])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "mock":
            from .mock.command import mock

            return mock
        return super().get_command(ctx, name)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="contracts")  # not importlib.metadata: 24 ms at start-up
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Executable contracts for IoT device-platform command APIs.

    Settings: [tool.contracts] in pyproject.toml (or contracts.toml) takes the long option names as keys,
    _ for - (max_examples = 3, base_url = "..."); the command line overrides them; `contracts config` shows
    what is in effect. Shell completion: eval "$(_CONTRACTS_COMPLETE=bash_source contracts)" (zsh_source,
    fish_source for those shells).
    """
    from .clisettings import default_map

    if ctx.invoked_subcommand is not None and not ctx.resilient_parsing:
        ctx.default_map = default_map(cli, ctx, ctx.invoked_subcommand)


@cli.command("config")
@click.argument("command", required=False, default="check")
def config_command(command: str) -> None:
    """Show the settings COMMAND (default: check) takes before its command line, and where each comes from."""
    from .clisettings import effective
    from .core.config import read_settings
    from .core.suggest import did_you_mean

    ctx = click.get_current_context()
    target = cli.get_command(ctx, command)
    if target is None:
        from .core.errors import UsageError

        raise UsageError(f"no command {command!r}{did_you_mean(command, cli.list_commands(ctx))}")
    settings = read_settings()
    where = f"{settings.file} {settings.table}" if settings.file else "none (no contracts.toml, and no " \
        "[tool.contracts] in a pyproject.toml here or above)"
    click.echo(f"settings file: {where}")
    rows = list(effective(target, settings))
    width = max(len(r.key) for r in rows) if rows else 0
    for row in rows:
        value = "" if row.value is None else (", ".join(map(str, row.value)) if isinstance(row.value, (list, tuple))
                                              else str(row.value))
        click.echo(f"{row.key:<{width}}  {value or '-':<30}  {row.source}")
    click.echo(f"(the command line overrides any of these: contracts {command} --help)")


@cli.command("specs")
@click.option("--export", "export_dir", type=click.Path(file_okay=False), default=None,
              help="Copy the shipped specs (and their raw samples) into this folder, for editing.")
def specs_command(export_dir: str | None) -> None:
    """List the specs that ship with contracts (select one with --spec NAME), or export them."""
    import shutil

    from .core.shipped import shipped, shipped_dir
    from .core.spec import load_spec

    if export_dir:
        target = Path(export_dir)
        clashes = [p.name for p in shipped_dir().iterdir() if (target / p.name).exists()]
        if clashes:
            from .core.errors import UsageError

            raise UsageError(f"{target}: would overwrite {', '.join(sorted(clashes))}; choose an empty folder")
        shutil.copytree(shipped_dir(), target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "__init__.py"))
        for item in shipped():
            click.echo(f"wrote {target / item.path.name}")
        click.echo(f"use them with --spec {target} (or spec = [\"{target}\"] in [tool.contracts])")
        return
    for item in shipped():
        spec = load_spec(item.path)
        ops = ", ".join(op.operation_id for op in spec.operations)
        click.echo(f"{item.name:<13} {item.path.name:<32} {spec.title} {spec.version}: {ops}")


def _output_options(command: Any) -> Any:
    """--no-color, -q and -v, the same on every command that prints (pytest's and ruff's habits)."""
    command = click.option("-v", "--verbose", count=True,
                           help="More: every cause with its example (-v), and every request as it is sent (-vv).")(command)
    command = click.option("-q", "--quiet", is_flag=True, help="Only the closing summary line (and errors).")(command)
    return click.option("--no-color", "no_color", is_flag=True,
                        help="No colour or other escape codes (also NO_COLOR=1; FORCE_COLOR=1 forces colour).")(command)


def _output(no_color: bool, quiet: bool, verbose: int) -> int:
    """Apply the output options; the verbosity: -1 quiet, 0, 1, 2."""
    from .core.errors import UsageError
    from .report.terminal import configure

    if quiet and verbose:
        raise UsageError("-q and -v contradict each other; give one of them")
    level = -1 if quiet else min(verbose, 2)
    configure(no_color=no_color, verbosity=level)
    return level


def _formats_option(choices: Sequence[str]) -> Any:
    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
        if not value:
            return None
        from .core.suggest import did_you_mean

        names = [n.strip() for n in value.split(",") if n.strip()]
        for name in names:
            if name not in choices:
                raise click.BadParameter(f"{name!r} is not a report format{did_you_mean(name, list(choices))} "
                                         f"(formats: {', '.join(choices)})")
        return names

    return click.option("--report", "report_formats", default=None, metavar=",".join(choices), callback=parse,
                        help=f"Which reports --report-dir gets (default: all of {', '.join(choices)}).")


def _baseline_options(command: Any) -> Any:
    """--baseline and --write-baseline, the same on check, validate and audit."""
    command = click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False), default=None,
                           help="Write the causes found to this baseline file (reasons already in it are kept).")(command)
    return click.option("--baseline", "baseline", type=click.Path(dir_okay=False), default=None,
                        help="Known deviations: mark findings known/new; exit 1 only for new errors.")(command)


def _open_baseline(baseline: str | None, write_baseline: str | None) -> Any:
    """Read --baseline and vet --write-baseline before any work, so a typo costs nothing."""
    from .core import baseline as core_baseline
    from .report.baseline import check_writable

    if write_baseline:
        check_writable(write_baseline)
    return core_baseline.load(baseline) if baseline else None


def _spec_paths(specs: Sequence[str]) -> list[Path]:
    from .core.spec import default_spec_dir, iter_spec_paths

    return iter_spec_paths(list(specs) or [default_spec_dir()])


@cli.command()
@click.argument("specs", nargs=-1, type=click.Path())
@_output_options
def lint(specs: Sequence[str], no_color: bool, quiet: bool, verbose: int) -> None:
    """Lint specs: OpenAPI validity plus the toolkit's rules (default: every spec in specs/).

    Rule severities come from [tool.contracts.lint] in pyproject.toml (or [lint] in contracts.toml), e.g.
    rules = {missing-summary = "off", missing-example = "info"}. Exit 1 only for error findings.
    """
    from .core import lint as linter
    from .core.finding import count_by_severity, has_errors
    from .core.spec import display_name

    level = _output(no_color, quiet, verbose)
    rules = linter.project_rules()
    paths = _spec_paths(specs)
    findings = linter.lint(paths, rules)
    for f in findings:
        if level < 0 and f.severity.value != "error":
            continue
        where = f"{f.spec}:{f.line}" if f.line else f.spec
        click.echo(f"{where}: {f.severity.value}: {f.kind}: {f.message} (at {f.location or '/'})"
                   + (f"; {f.suggestion}" if f.suggestion else ""))
    if findings:
        sev = count_by_severity(findings)
        click.echo(f"{sev['error']} error(s), {sev['warning']} warning(s), {sev['info']} info in {len(paths)} spec(s)")
        raise SystemExit(EXIT_FINDINGS if has_errors(findings) else EXIT_OK)
    click.echo(f"{len(paths)} spec(s) clean: " + ", ".join(display_name(p) for p in paths))


@cli.command()
@click.argument("specs", nargs=-1, type=click.Path())
@click.option("--report-dir", type=click.Path(file_okay=False), default=None,
              help="Write audit.json and audit.md here.")
@_formats_option(("json", "md"))
@_baseline_options
@_output_options
def audit(specs: Sequence[str], report_dir: str | None, report_formats: list[str] | None, baseline: str | None,
          write_baseline: str | None, no_color: bool, quiet: bool, verbose: int) -> None:
    """Check every docs sample against its own operation's tables."""
    from .core.audit import audit as run_audit
    from .core.spec import load_spec
    from .report import audit as audit_report
    from .report import baseline as baselines
    from .report.terminal import console, print_summary

    level = _output(no_color, quiet, verbose)
    known = _open_baseline(baseline, write_baseline)
    loaded = [load_spec(p) for p in _spec_paths(specs)]
    result = run_audit(loaded)
    result.findings, result.baseline = baselines.apply(result.findings, known)
    out = console()
    summary = result.summary()
    sev = summary["by_severity"]
    print_summary(out, "audit: findings per operation", summary["by_operation"], result.findings,
                  f"{summary['samples']} samples, {summary['findings']} findings: "
                  f"{sev['error']} errors, {sev['warning']} warnings, {sev['info']} info",
                  result.baseline, report_written=bool(report_dir))
    if report_dir:
        for path in audit_report.write(result, report_dir, report_formats):
            if level >= 0:
                out.print(f"wrote {path}")
    if write_baseline:
        written = baselines.write(write_baseline, result.findings, command='audit')
        if level >= 0:
            out.print(f"wrote {written}")
    raise SystemExit(result.exit_code)


@cli.command()
@click.argument("specs", nargs=-1, type=click.Path())
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Folder for index.html.")
def docs(specs: Sequence[str], out_dir: str) -> None:
    """Render the specs as one self-contained HTML reference page."""
    from .core.audit import audit as run_audit
    from .core.spec import load_spec
    from .report import docs as docs_report

    loaded = [load_spec(p) for p in _spec_paths(specs)]
    path = docs_report.write(loaded, run_audit(loaded), out_dir)
    click.echo(f"wrote {path}")


@cli.command()
@click.option("--spec", "specs", multiple=True, type=click.Path(), help="Spec file or folder (repeatable; default specs/).")
@click.option("--base-url", default=None, help="The implementation to check; default: the embedded mock, in-process.")
@click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'", help="Sent on every request (repeatable).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Fix a parameter's value wherever it appears, e.g. project_id (repeatable).")
@click.option("--report-dir", type=click.Path(file_okay=False), default=None,
              help="Write report.json, report.md, junit.xml and report.html here.")
@click.option("--max-examples", type=int, default=50, show_default=True,
              help="Generated cases per operation (half positive, half negative, as schemathesis' -n), "
                   "on top of the planned ones; 0 turns generation off.")
@click.option("--seed", type=int, default=None, help="Make the run reproducible (default: random, printed).")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds per request.")
@click.option("--strict", is_flag=True, help="Undocumented response fields and headers become errors.")
@click.option("--checks", "checks", default="", metavar="NAME,...", help="Run only these checks.")
@click.option("--exclude-checks", default="", metavar="NAME,...", help="Skip these checks.")
@click.option("--max-body", type=int, default=10 * 1024 * 1024, show_default=True,
              help="Bodies above this many bytes are reported, not loaded.")
@click.option("--operation", "operations", multiple=True, metavar="OPERATION_ID", help="Only these operations.")
@click.option("--auth", "auth", default=None, metavar="SIGNER",
              help="Sign every request with a registered signer: huawei-aksk (keys from HUAWEICLOUD_SDK_AK/_SK), "
                   "bearer, basic, header, or a plug-in's.")
@click.option("--auth-option", "auth_options", multiple=True, metavar="NAME=VALUE",
              help="An option of the --auth signer, e.g. project_id=... (secrets are better left in the environment).")
@click.option("--cacert", type=click.Path(), default=None, help="A CA bundle (PEM) to verify the target's certificate.")
@click.option("--insecure", is_flag=True, help="Do not verify the target's TLS certificate (warned).")
@click.option("--cert", type=click.Path(), default=None, help="A client certificate (PEM) for mutual TLS.")
@click.option("--key", type=click.Path(), default=None, help="The client certificate's key, if not in --cert.")
@click.option("--proxy", default=None, metavar="URL",
              help="Send through this proxy (default: HTTPS_PROXY/HTTP_PROXY, honouring NO_PROXY).")
@click.option("--max-time", type=float, default=None, metavar="SECONDS",
              help="Cap the whole run: it stops, reports what ran, and exits by its findings.")
@click.option("--rate-limit", default=None, metavar="N/PERIOD",
              help="At most N requests per period for the whole run, e.g. 20/s or 100/60s (OceanConnect's quota).")
@click.option("--undocumented-fields", is_flag=True,
              help="Also send generated bodies with fields the docs do not list, as negative cases "
                   "(accepting them is info: the docs are silent).")
@click.option("-x", "--exitfirst", "exit_first", is_flag=True, help="Stop at the first error finding (--max-failures 1).")
@click.option("--max-failures", type=int, default=None, metavar="N", help="Stop after N error findings.")
@click.option("--dry-run", is_flag=True, help="List the planned cases that would be sent, and send nothing.")
@click.option("-w", "--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes generating cases (as schemathesis' -w; default: one per CPU).")
@_formats_option(("json", "md", "junit", "html"))
@_baseline_options
@_output_options
def check(specs: Sequence[str], base_url: str | None, headers: Sequence[str], params: Sequence[str],
          report_dir: str | None, max_examples: int, seed: int | None, timeout: float, strict: bool, checks: str,
          exclude_checks: str, max_body: int, operations: Sequence[str], auth: str | None,
          auth_options: Sequence[str], cacert: str | None, insecure: bool, cert: str | None, key: str | None,
          proxy: str | None, max_time: float | None, rate_limit: str | None, undocumented_fields: bool,
          exit_first: bool, max_failures: int | None, dry_run: bool, workers: int | None,
          report_formats: list[str] | None,
          baseline: str | None, write_baseline: str | None, no_color: bool, quiet: bool, verbose: int) -> None:
    """Check a running implementation (or the embedded mock) against the specs."""
    from .core.errors import UsageError
    from .runner.session import Options

    _output(no_color, quiet, verbose)
    if exit_first and max_failures not in (None, 1):
        raise UsageError(f"-x stops at the first error and --max-failures {max_failures} after {max_failures}: "
                         "give one of them")
    options = Options(specs=specs, base_url=base_url, headers=headers, params=params, max_examples=max_examples,
                      seed=seed, timeout=timeout, strict=strict, checks=_names(checks),
                      exclude_checks=_names(exclude_checks), max_body=max_body, operations=operations,
                      undocumented_fields=undocumented_fields, auth=auth, auth_options=auth_options,
                      rate_limit=rate_limit, max_time=max_time, cacert=cacert, insecure=insecure, cert=cert,
                      key=key, proxy=proxy, max_failures=1 if exit_first else max_failures, dry_run=dry_run,
                      workers=workers or 0)
    if insecure:
        click.echo("contracts: warning: --insecure: the target's TLS certificate is not verified", err=True)
    if report_formats is not None and not report_dir:
        raise UsageError("--report chooses the formats --report-dir gets: give --report-dir too")
    raise SystemExit(run_check(options, report_dir, baseline=baseline, write_baseline=write_baseline,
                               formats=report_formats))


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def _ran(result: Any) -> set[tuple[str, str]]:
    """(operation, check) pairs a run covered: baseline entries outside them are not stale."""
    ran = {(op, check) for op, checks in result.applied.items() for check in checks}
    return ran | {(f.operation, f.check or "") for f in result.findings}


def run_check(options: Any, report_dir: str | None, *, app: Any = None, baseline: str | None = None,
              write_baseline: str | None = None, formats: Sequence[str] | None = None) -> int:
    """Run the check and write reports; returns the exit code. Ctrl-C keeps what ran.

    A set-up error (the target never answered) is one line on stderr with nothing printed before
    it; the reports of what ran are still written.
    """
    from .report import baseline as baselines
    from .report import check as check_report
    from .report.files import ensure_dir
    from .report.progress import ProgressObserver
    from .report.terminal import console, matrix_table, print_summary, verbosity
    from .runner.session import open_session

    out = console()
    level = verbosity()
    if report_dir:
        ensure_dir(report_dir)  # fail early, before any request
    known = _open_baseline(baseline, write_baseline)
    session = open_session(options, app=app)
    if getattr(options, "dry_run", False):
        try:
            return _dry_run(out, session)
        finally:
            session.close()

    def header() -> str:
        return (f"contracts check: {session.contract.redactor.url(session.transport.description)} · "
                f"{len(session.specs)} spec(s) · seed {session.seed}")

    try:
        with ProgressObserver(out, header=header, mode="quiet" if level < 0 else None,
                              verbose=level >= 2) as observer:
            result = session.runner(observer).run(session.selected_operations())
    finally:
        session.close()
    result.findings, compared = baselines.apply(result.findings, known, _ran(result))
    summary = {"command": "check", "strict": options.strict, **result.summary()}
    if compared is not None:
        summary["baseline"] = compared
    if result.setup_error:
        summary["setup_error"] = result.setup_error
    report = check_report.Report(summary, result.findings, result.all_checks, session.contract.redactor)
    summary = report.summary
    written = check_report.write(report, report_dir, formats) if report_dir else []
    if result.setup_error:
        where = f" (reports of what ran: {report_dir})" if report_dir else ""
        _fail(session.contract.redactor.scrub(result.setup_error) + where)
        return EXIT_USAGE
    if not observer.started and level >= 0:
        out.print(header(), markup=False, highlight=False)
    print_summary(out, "findings per operation", summary["by_operation"], report.findings,
                  f"{summary['cases']} cases, {summary['requests']} requests in {summary['duration_seconds']} s: "
                  f"{_severity_text(summary)} (seed {result.seed})" + _unsent_text(summary), compared,
                  report_written=bool(report_dir))
    if level >= 0:
        out.print(matrix_table(result.matrix(), result.all_checks))
        for line in _cannot_generate_lines(summary):
            out.print(line, markup=False, highlight=False)
        for path in written:
            out.print(f"wrote {path}")
    if write_baseline and not result.interrupted and not result.stopped:
        path = baselines.write(write_baseline, report.findings, command="check")
        if level >= 0:
            out.print(f"wrote {path}")
    if result.interrupted:
        _fail("interrupted; the reports cover what ran so far" + (" (the baseline was not written)"
                                                                   if write_baseline else ""))
        return EXIT_INTERRUPTED
    if result.stopped == "max-time":
        out.print(f"stopped at --max-time {options.max_time:g} s; the reports cover what ran")
    elif result.stopped == "max-failures":
        out.print(f"stopped after {options.max_failures} error finding(s) (-x / --max-failures); "
                  "the reports cover what ran")
    return result.exit_code


def _dry_run(out: Any, session: Any) -> int:
    """Every planned case that would be sent (method, URL, what it expects, why), and the generation budget."""
    base = session.contract.redactor.url(session.transport.base_url)
    total = 0
    for op in session.selected_operations():
        cases = session.planner.plan(op)
        out.print(f"{op.operation_id} ({op.method.upper()} {op.path}): {len(cases)} planned case(s)"
                  + (f", up to {session.options.max_examples} generated" if session.options.max_examples else ""),
                  markup=False, highlight=False)
        for case in cases:
            why = f" ({case.reason})" if case.reason and case.reason not in case.name else ""
            out.print(f"  {case.phase:<9} {case.expect:<6} {case.operation.method.upper()} "
                      f"{session.contract.redactor.url(case.url(base))}  {case.name}{why}",
                      markup=False, highlight=False)
        total += len(cases)
    out.print(f"dry run: {total} planned case(s) in {len(session.selected_operations())} operation(s); nothing sent",
              markup=False, highlight=False)
    return EXIT_OK


def _severity_text(summary: dict[str, Any]) -> str:
    sev = summary["by_severity"]
    return f"{sev['error']} errors, {sev['warning']} warnings, {sev['info']} info"


def _cannot_generate_lines(summary: dict[str, Any], limit: int = 10) -> list[str]:
    """One line per operation and mode that no case could be generated for (the tool's limit, not a finding)."""
    rows = [f"cannot generate: {op} ({mode}): {why}"
            for op, modes in summary.get("cannot_generate", {}).items() for mode, why in modes.items()]
    more = [f"cannot generate: {len(rows) - limit} more (report.json: summary.cannot_generate)"] \
        if len(rows) > limit else []
    return rows[:limit] + more


def _unsent_text(summary: dict[str, Any]) -> str:
    n = summary.get("not_sendable")
    return f"; {n} generated requests were not sendable (the tool's own limit, not findings)" if n else ""


@cli.command("replay")
@click.argument("report_file", metavar="REPORT.json", type=click.Path())
@click.argument("finding", required=False, default=None)
@click.option("--list", "list_only", is_flag=True, help="Number the report's findings and say which can be replayed.")
@click.option("--spec", "specs", multiple=True, type=click.Path(),
              help="Spec file or folder (repeatable; default: the specs the report names).")
@click.option("--base-url", default=None, help="Send to this target (default: the report's own target).")
@click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'",
              help="Credentials and headers now: they fill the report's *** values (repeatable).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Fill a masked query parameter.")
@click.option("--auth", "auth", default=None, metavar="SIGNER", help="Sign the requests again (e.g. huawei-aksk).")
@click.option("--auth-option", "auth_options", multiple=True, metavar="NAME=VALUE", help="An option of the signer.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds per request.")
@click.option("--cacert", type=click.Path(), default=None, help="A CA bundle (PEM) to verify the target's certificate.")
@click.option("--insecure", is_flag=True, help="Do not verify the target's TLS certificate (warned).")
@_output_options
def replay_command(report_file: str, finding: str | None, list_only: bool, specs: Sequence[str],
                   base_url: str | None, headers: Sequence[str], params: Sequence[str], auth: str | None,
                   auth_options: Sequence[str], timeout: float, cacert: str | None, insecure: bool,
                   no_color: bool, quiet: bool, verbose: int) -> None:
    """Send a reported finding's request again, with today's credentials, and judge the new answer.

    FINDING is a number from --list, or words of its title (operation, check, location, kind); by
    default every error and warning with a request. Exit 0 when each is fixed, 1 when one still
    reproduces, 2 when none could be sent.
    """
    from .report.replay import print_list, print_replayed
    from .report.terminal import console
    from .runner import replay
    from .runner.session import Options, open_session

    level = _output(no_color, quiet, verbose)
    out = console()
    summary, recorded = replay.read_report(report_file)
    if list_only:
        print_list(out, recorded)
        raise SystemExit(EXIT_OK)
    chosen = replay.select(recorded, finding)
    target = str(summary.get("target") or "")
    recorded_base = target if target.startswith(("http://", "https://")) else None
    if base_url is None and recorded_base is not None:
        if "***" in recorded_base:
            from .core.errors import UsageError

            raise UsageError(f"the report's target {recorded_base} had a password in it: give --base-url")
        base_url = recorded_base
    if not specs:
        named = sorted({str(r.data.get("spec")) for r in chosen if r.data.get("spec")})
        specs = tuple(s for s in named if Path(s).exists())
    options = Options(specs=specs, base_url=base_url, headers=headers, params=params, max_examples=0, seed=0,
                      timeout=timeout, auth=auth, auth_options=auth_options, cacert=cacert, insecure=insecure)
    session = open_session(options)
    replayer = replay.Replayer(session, recorded_base)
    results = []
    try:
        for item in chosen:
            done = replayer.replay(item)
            results.append(done)
            if level >= 0 or done.reproduced is not None:
                print_replayed(out, done, session.contract.redactor)
    finally:
        replayer.close()
    sent = [r for r in results if r.skipped is None]
    still = [r for r in sent if r.reproduced is not None]
    unsure = [r for r in sent if r.inconclusive is not None]
    fixed = [r for r in sent if r.fixed]
    out.print(f"replayed {len(sent)} of {len(results)} finding(s): {len(still)} still reproduce, {len(fixed)} fixed"
              + (f", {len(unsure)} inconclusive" if unsure else ""), highlight=False)
    if still:
        raise SystemExit(EXIT_FINDINGS)
    if not sent or unsure:
        reasons = {r.skipped or r.inconclusive for r in results if not r.fixed}
        _fail(("nothing could be replayed" if not sent else f"{len(unsure)} replay(s) inconclusive")
              + (f": {reasons.pop()}" if len(reasons) == 1 else ""))
        raise SystemExit(EXIT_USAGE)
    raise SystemExit(EXIT_OK)


@cli.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True,
              help="What to print: Markdown for a pull-request comment, or JSON (contracts/schemas/diff.schema.json).")
@click.option("--report-dir", type=click.Path(file_okay=False), default=None, help="Also write diff.json and diff.md here.")
@click.option("--strict", is_flag=True, help="Changes that break only generated clients (operationId, path "
                                            "parameter names) fail too.")
def diff_command(old: str, new: str, fmt: str, report_dir: str | None, strict: bool) -> None:
    """Breaking-change diff of two versions of a spec, each a file or a git revision (REV:PATH).

    Exit 1 when a change breaks clients of the old spec, 0 otherwise, 2 on bad input.
    """
    from .core.diff import diff_sources
    from .report import diff as diff_report
    from .report.files import ensure_dir

    if report_dir:
        ensure_dir(report_dir)
    result = diff_sources(old, new)
    click.echo(diff_report.render(result, fmt), nl=False)
    if report_dir:
        for path in diff_report.write(result, report_dir):
            click.echo(f"wrote {path}", err=True)
    raise SystemExit(EXIT_FINDINGS if result.fails(strict) else EXIT_OK)


@cli.command("validate")
@click.argument("har", type=click.Path())
@click.option("--spec", "specs", multiple=True, type=click.Path(), help="Spec file or folder (repeatable; default specs/).")
@click.option("--base-url", default=None, help="Only entries under this URL; others are skipped.")
@click.option("--report-dir", type=click.Path(file_okay=False), default=None,
              help="Write report.json, report.md, junit.xml and report.html here.")
@click.option("--strict", is_flag=True, help="Undocumented fields and headers become errors.")
@_formats_option(("json", "md", "junit", "html"))
@_baseline_options
@_output_options
def validate_command(har: str, specs: Sequence[str], base_url: str | None, report_dir: str | None,
                     strict: bool, report_formats: list[str] | None, baseline: str | None,
                     write_baseline: str | None, no_color: bool, quiet: bool, verbose: int) -> None:
    """Validate recorded traffic (HAR 1.2) against the specs, offline."""
    from .core.redact import Redactor
    from .core.validator import Contract
    from .report import check as check_report
    from .report.files import ensure_dir
    from .report.terminal import console, print_summary
    from .report import baseline as baselines
    from .runner.har import validate_har
    from .runner.session import check_base_url, load

    level = _output(no_color, quiet, verbose)
    if report_dir:
        ensure_dir(report_dir)
    known = _open_baseline(baseline, write_baseline)
    base_path = ""
    if base_url:
        from urllib.parse import urlsplit

        base_path = urlsplit(check_base_url(base_url)).path
    contract = Contract(load(specs), strict=strict, base_path=base_path, redactor=Redactor())
    out = console()
    result = validate_har(contract, har, base_url=base_url)
    result.findings, compared = baselines.apply(result.findings, known, _ran(result))
    summary = {"command": "validate", "strict": strict, **result.summary()}
    if compared is not None:
        summary["baseline"] = compared
    seen = {f.operation for f in result.findings} | set(result.cases)
    summary["by_operation"] = {op: m for op, m in summary["by_operation"].items() if op in seen}
    summary["checks"] = {op: row for op, row in summary["checks"].items() if op in result.cases}
    sev = summary["by_severity"]
    skipped = f", {result.skipped_entries} outside --base-url skipped" if result.skipped_entries else ""
    report = check_report.Report(summary, result.findings, result.all_checks, contract.redactor)
    print_summary(out, "findings per operation", report.summary["by_operation"], report.findings,
                  f"{result.requests} entries validated{skipped}: {sev['error']} errors, {sev['warning']} warnings, "
                  f"{sev['info']} info", compared, report_written=bool(report_dir))
    if report_dir:
        for path in check_report.write(report, report_dir, report_formats):
            if level >= 0:
                out.print(f"wrote {path}")
    if write_baseline and not result.interrupted:
        path = baselines.write(write_baseline, report.findings, command="validate")
        if level >= 0:
            out.print(f"wrote {path}")
    if result.interrupted:
        _fail("interrupted; the reports cover what ran so far")
        raise SystemExit(EXIT_INTERRUPTED)
    raise SystemExit(result.exit_code)


@cli.command("proxy")
@click.option("--target", required=True, metavar="URL", help="Forward every request to this base URL.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=4011, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one (the URL is printed).")
@click.option("--spec", "specs", multiple=True, type=click.Path(), help="Spec file or folder (repeatable; default specs/).")
@click.option("--report-dir", type=click.Path(file_okay=False), default=None,
              help="Write report.json, report.md, junit.xml and report.html here when stopped.")
@click.option("--record", type=click.Path(dir_okay=False), default=None, metavar="FILE.har",
              help="Record the traffic as HAR 1.2, secrets redacted (replay with contracts validate).")
@click.option("--strict", is_flag=True, help="Undocumented fields and headers become errors.")
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="Seconds per request to the target: connect, headers and body together.")
@click.option("--max-body", type=int, default=10 * 1024 * 1024, show_default=True,
              help="Validate at most this many bytes of a body; larger ones pass through, reported too large.")
@click.option("--cacert", type=click.Path(), default=None, help="A CA bundle (PEM) to verify an https target.")
@click.option("--insecure", is_flag=True, help="Do not verify the target's TLS certificate (warned).")
@_formats_option(("json", "md", "junit", "html"))
@_baseline_options
@_output_options
def proxy(target: str, host: str, port: int, specs: Sequence[str], report_dir: str | None, record: str | None,
          strict: bool, timeout: float, max_body: int, cacert: str | None, insecure: bool,
          report_formats: list[str] | None, baseline: str | None, write_baseline: str | None, no_color: bool,
          quiet: bool, verbose: int) -> None:
    """Validate live traffic: a reverse proxy in front of --target. SIGINT/SIGTERM stops it and writes the reports."""
    from .proxy.command import ProxyOptions, run_proxy

    level = _output(no_color, quiet, verbose)
    if insecure:
        click.echo("contracts: warning: --insecure: the target's TLS certificate is not verified", err=True)
    options = ProxyOptions(target=target, host=host, port=port, specs=specs, record=record, strict=strict,
                           timeout=timeout, max_body=max_body, cacert=cacert, insecure=insecure)
    raise SystemExit(run_proxy(options, report_dir, baseline=_open_baseline(baseline, write_baseline),
                               write_baseline=write_baseline, formats=report_formats, level=level))


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code: one-line errors, never a traceback."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="contracts", standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_USAGE)
    except (click.exceptions.Abort, KeyboardInterrupt):
        _fail("interrupted")
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        _fail(exc.format_message())
        return EXIT_USAGE
    except ContractsError as exc:
        _fail(str(exc))
        return EXIT_USAGE
    except Exception as exc:  # a bug in contracts itself: still one line, unless asked for more
        import os

        if os.environ.get("CONTRACTS_DEBUG"):
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (set CONTRACTS_DEBUG=1 for the traceback)")
        return EXIT_INTERNAL
    return EXIT_OK


def main() -> None:
    """Console-script entry point."""
    import signal

    try:
        code = run()
    except KeyboardInterrupt:  # between run()'s own handlers (a Ctrl-C as it returns)
        _fail("interrupted")
        code = EXIT_INTERRUPTED
    # What is left is the interpreter's own shutdown (worker pools, flushing): a Ctrl-C there would
    # only turn a finished run into a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _leave(code)


def _leave(code: int) -> NoReturn:
    """Exit without freeing every object one by one, as mypy does: that teardown was about 70 ms of a
    short check. Exit handlers still run and the output is flushed (every report file is closed, and the
    HAR recorder flushes each entry). With another thread alive, the ordinary exit joins it; under a
    profiler or a tracer (``python -m cProfile -o``, a debugger), it lets that write its results."""
    import atexit
    import os
    import threading

    if threading.active_count() > 1 or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can reach it
            pass
    os._exit(code)
