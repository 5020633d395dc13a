"""The ``contracts`` command line. It decides exit codes; the core never does.

Exit codes: 0 no error-level finding, 1 findings, 2 usage or set-up error,
130 interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

import click

from .core.errors import ContractsError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _fail(message: str) -> None:
    click.echo(f"contracts: error: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="contracts", prog_name="contracts")
def cli() -> None:
    """Executable contracts for IoT device-platform command APIs."""


def _spec_paths(specs: Sequence[str]) -> list[Path]:
    from .core.spec import default_spec_dir, iter_spec_paths

    return iter_spec_paths(list(specs) or [default_spec_dir()])


@cli.command()
@click.argument("specs", nargs=-1, type=click.Path())
def lint(specs: Sequence[str]) -> None:
    """Lint specs: OpenAPI validity plus the toolkit's rules (default: every spec in specs/)."""
    from .core import lint as linter
    from .core.spec import display_name

    paths = _spec_paths(specs)
    findings = linter.lint(paths)
    for f in findings:
        where = f"{f.spec}:{f.line}" if f.line else f.spec
        click.echo(f"{where}: {f.severity.value}: {f.kind}: {f.message} (at {f.location or '/'})"
                   + (f"; {f.suggestion}" if f.suggestion else ""))
    if findings:
        click.echo(f"{len(findings)} lint finding(s) in {len(paths)} spec(s)")
        raise SystemExit(EXIT_FINDINGS)
    click.echo(f"{len(paths)} spec(s) clean: " + ", ".join(display_name(p) for p in paths))


@cli.command()
@click.argument("specs", nargs=-1, type=click.Path())
@click.option("--report-dir", type=click.Path(file_okay=False), default=None,
              help="Write audit.json and audit.md here.")
def audit(specs: Sequence[str], report_dir: str | None) -> None:
    """Check every docs sample against its own operation's tables."""
    from .core.audit import audit as run_audit
    from .core.spec import load_spec
    from .report import audit as audit_report
    from .report.terminal import console, counts_table, print_findings

    loaded = [load_spec(p) for p in _spec_paths(specs)]
    result = run_audit(loaded)
    out = console()
    summary = result.summary()
    out.print(counts_table("audit: findings per operation", {
        op: {k: m[k] for k in ("error", "warning", "info")} for op, m in summary["by_operation"].items()}))
    print_findings(out, [f for f in result.findings if f.severity.value != "info"], limit=30)
    sev = summary["by_severity"]
    out.print(f"{summary['samples']} samples, {summary['findings']} findings: "
              f"{sev['error']} errors, {sev['warning']} warnings, {sev['info']} info")
    if report_dir:
        for path in audit_report.write(result, report_dir):
            out.print(f"wrote {path}")
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
    return EXIT_OK


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
