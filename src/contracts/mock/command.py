"""``contracts mock``: serve the embedded mock from the command line.

``cli.py`` registers the ``mock`` command object; ``run()`` gives
``python -m contracts.mock`` the same one-line errors and exit codes.
"""

from __future__ import annotations

import sys
from typing import Sequence

import click

from ..core.errors import ContractsError
from .faults import FAULTS

EXIT_OK, EXIT_USAGE = 0, 2
DEFAULT_PORT = 4010  # Prism's, since the mock stands in for it


def fault_listing() -> str:
    width = max(len(name) for name in FAULTS)
    return "\n".join(f"{fault.name:<{width}}  {fault.description}" for fault in FAULTS.values())


@click.command("mock")
@click.option("--spec", "specs", multiple=True, type=click.Path(), metavar="PATH",
              help="A spec file or folder to serve (repeatable; default: every spec in specs/).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one (the URL is printed).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the generated data and ids.")
@click.option("--fault", "faults", multiple=True, metavar="NAME",
              help="Break the contract on purpose (repeatable); see --list-faults.")
@click.option("--list-faults", is_flag=True, help="List the fault names and what each breaks, then exit.")
@click.option("--quota", default=None, metavar="N/PERIOD",
              help="Calls per caller, e.g. 100/60s: past it, operations that document throttling answer the "
                   "documented throttling error (OceanConnect 403 1010009).")
def mock(specs: Sequence[str], host: str, port: int, seed: int, faults: Sequence[str], list_faults: bool,
         quota: str | None) -> None:
    """Serve a stateful mock of every operation of the specs, under the vendors' own paths.

    Requests are validated against the specs and rejected in each vendor's own
    error envelope. Prints `contracts mock: serving on URL` once ready; SIGINT
    or SIGTERM stops it (exit 0).
    """
    if list_faults:
        click.echo(fault_listing())
        return
    from .app import create_app
    from .server import MockServer

    app = create_app(list(specs) or None, seed=seed, faults=faults, quota=quota)
    ops = ", ".join(op.operation_id for op in app.operations)
    click.echo(f"contracts mock: {len(app.operations)} operations ({ops}); seed {seed}; "
               f"faults: {', '.join(sorted(app.faults)) or 'none'}" + (f"; quota {quota}" if quota else ""), err=True)
    MockServer(app, host, port).run(lambda url: click.echo(f"contracts mock: serving on {url}"))
    click.echo("contracts mock: stopped", err=True)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command and return its exit code: one-line errors, never a traceback."""
    try:
        mock.main(args=list(argv) if argv is not None else None, prog_name="contracts mock", standalone_mode=False)
    except click.exceptions.Abort:
        return EXIT_OK
    except click.ClickException as exc:
        click.echo(f"contracts mock: error: {exc.format_message()}", err=True)
        return EXIT_USAGE
    except ContractsError as exc:
        click.echo(f"contracts mock: error: {exc}", err=True)
        return EXIT_USAGE
    return EXIT_OK


def main() -> None:
    sys.exit(run())
