"""The ``client`` fixture: an httpx client bound to the target that validates every answer.

It is the same session the generated items use (``engine.session``), so it
carries what ``contracts check`` would send: ``--contracts-header`` values,
the ``--contracts-auth`` signer where it covers the operation, and against
the embedded mock its demo credentials. Each answer goes through the same
envelope-aware validation as the CLI (``Contract.iter_findings``); an error
finding the baseline does not know fails the test at the call, showing the
findings.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ..core.adapters import request_from, response_from
from ..core.finding import Finding
from ..core.http import Request
from ..runner.session import Session
from .engine import failing
from .outcome import ContractAssertionError, carry

__all__ = ["CHECKED", "ContractClient", "client_for"]

CHECKED = "contracts_findings"  # response.extensions key: the findings the client found (the marker skips these)


class ContractClient(httpx.Client):
    """``httpx.Client`` whose every response is validated against the specs.

    ``findings`` holds every finding of the test so far (warnings too);
    ``validate_requests = False`` judges the answers only, for tests that
    send invalid requests on purpose.
    """

    def __init__(self, session: Session, item: pytest.Item, base_url: str, **kwargs: Any) -> None:
        super().__init__(base_url=base_url, follow_redirects=False,
                         timeout=session.options.timeout, **kwargs)
        self._session = session
        self._item = item
        self.findings: list[Finding] = []
        self.validate_requests = True

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        contract = self._session.contract
        found = contract.match(request_from(request))
        op = found.operation if found is not None else None
        if op is not None:
            self._authenticate(op, request)
        response = super().send(request, **kwargs)
        response.read()  # validation needs the body; a streamed one stays iterable from memory
        sent = request_from(response.request)
        answer = response_from(response)
        if op is None or self.validate_requests:
            raw = list(contract.iter_findings(sent, answer, operation=op))
        else:
            raw = list(contract.iter_response_findings(sent, answer, op))
        findings = [contract.redactor.finding(f) for f in raw]  # the boundary: no secret beyond here
        response.extensions[CHECKED] = findings
        if findings:
            self.findings.extend(findings)
            carry(self._item, findings=findings)
        errors = failing(self._item.config, findings)
        if errors:
            raise ContractAssertionError(errors)
        return response

    def _authenticate(self, op: Any, request: httpx.Request) -> None:
        """Credentials as ``contracts check`` sends them; a header the test set itself wins."""
        planner = self._session.planner
        for name, value in planner.base_headers(op).items():
            if name not in request.headers:
                request.headers[name] = value
        if planner.signed_by(op) is None:
            return
        core = request_from(request)
        signed = planner.sign(op, Request(core.method, core.url, core.headers, core.body))
        request.headers = httpx.Headers(list(signed.headers))
        if signed.url != core.url:
            request.url = httpx.URL(signed.url)


def client_for(request: pytest.FixtureRequest) -> ContractClient | None:
    """The client for one test, or None when no target is configured."""
    from .engine import session
    from .options import read

    options = read(request.config)
    if options.base_url:
        base_url = options.base_url
    elif options.mock:
        base_url = request.getfixturevalue("contracts_mock")
    else:
        return None
    return ContractClient(session(request.config), request.node, base_url)
