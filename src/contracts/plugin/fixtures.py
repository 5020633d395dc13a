"""The `contracts_mock` and `contract` fixtures (`client` is in client.py)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator

import pytest

from ..core.finding import Finding, Severity
from ..core.spec import load_specs
from ..core.validator import Contract, iter_findings
from .options import read
from .outcome import ContractAssertionError

_CONTRACT = pytest.StashKey[Contract]()


def contract_of(config: pytest.Config) -> Contract:
    if _CONTRACT not in config.stash:
        options = read(config)
        from .engine import _project_specs

        specs = list(options.specs) or _project_specs(config)  # as the items: specs/, else the shipped ones
        config.stash[_CONTRACT] = Contract(load_specs(specs), strict=options.strict)
    return config.stash[_CONTRACT]


class Validator:
    """What the `contract` fixture gives a test."""

    def __init__(self, contract: Contract, config: pytest.Config | None = None) -> None:
        self.contract = contract
        self.config = config

    def findings(self, *exchange: Any, operation: str | None = None) -> list[Finding]:
        return list(iter_findings(self.contract, *exchange, operation=operation))

    def _raise(self, findings: list[Finding]) -> list[Finding]:
        findings = [self.contract.redactor.finding(f) for f in findings]
        if self.config is not None:
            from .engine import failing

            errors = failing(self.config, findings)
        else:
            errors = [f for f in findings if f.severity is Severity.ERROR]
        if errors:
            raise ContractAssertionError(errors)
        return findings

    def validate_response(self, response: Any, operation: str | None = None) -> list[Finding]:
        """An httpx or requests response (it knows its request); returns warnings, raises on errors."""
        return self._raise(self.findings(response, operation=operation))

    def validate_request(self, request: Any, operation: str | None = None) -> list[Finding]:
        """An httpx or requests (prepared) request; returns warnings, raises on errors."""
        return self._raise(self.findings(request, operation=operation))


def validator(config: pytest.Config) -> Validator:
    return Validator(contract_of(config), config)


@contextlib.contextmanager
def running_mock(config: pytest.Config) -> Iterator[str]:
    from ..mock import create_app
    from ..mock.server import MockServer
    from .engine import seed

    from .engine import _project_specs

    options = read(config)
    specs = list(options.specs) or _project_specs(config)  # the specs the items and the client validate with
    server = MockServer(create_app(specs, seed=seed(config)), "127.0.0.1", 0)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()
