"""Findings of observed traffic, one exchange at a time: a HAR replay and the live proxy alike.

`contracts validate` and `contracts proxy` must say the same thing about the
same exchange, so both feed their exchanges through one ``Traffic``: it
matches the operation, validates request and response with the envelope rule
(``Contract``), turns an undocumented 5xx into ``not_a_server_error`` as
``check`` does, and folds findings into causes as they come (bounded memory),
the first occurrence of each cause carrying the redacted evidence.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping, Sequence

from ..core import validator as v
from ..core.finding import Finding, Kind
from ..core.http import Request, Response
from ..core.merge import Folder
from ..core.routing import Match
from ..core.severity import Basis, basis_of_kind, decide
from ..core.validator import Contract
from .engine import RunResult

TRAFFIC_CHECKS = [v.CHECK_ENDPOINT, v.CHECK_REQUEST, v.CHECK_STATUS, v.CHECK_CONTENT_TYPE, v.CHECK_HEADERS,
                  v.CHECK_SCHEMA, "not_a_server_error"]
# Distinct undocumented endpoints (method and path) listed one by one; beyond, they fold into one cause,
# so a scanner walking random paths costs one line, not one cause per path.
ENDPOINT_CAUSES = 200
OTHER_ENDPOINTS = "(other undocumented endpoints)"


class Traffic:
    """Observed exchanges -> a ``RunResult`` (the one every report is rendered from)."""

    def __init__(self, contract: Contract, target: str) -> None:
        self.contract = contract
        self.result = RunResult(target, [s.name for s in contract.specs], None, 0, checks=list(TRAFFIC_CHECKS))
        for op in contract.operations:
            self.result.operations[op.operation_id] = {"spec": op.spec.name, "method": op.method.upper(),
                                                       "path": op.path, "summary": op.summary}
        self.folder = Folder()
        self._endpoints: set[str] = set()
        self._started = time.perf_counter()

    def observe(self, request: Request, response: Response | None, *, extra: Mapping[str, Any] | None = None,
                request_size: int | None = None, body_checked: bool = True) -> list[Finding]:
        """Validate one exchange; returns the causes it showed for the first time (with evidence).

        ``request_size``: the request body was larger than the cap and only its
        beginning is in ``request``; its body is reported too large, not validated.
        ``body_checked=False``: the response body could not be decoded (an unknown
        Content-Encoding), so its schema is not checked rather than blamed.
        """
        found = self.contract.match(request)
        findings = exchange_findings(self.contract, request, response, found, request_size=request_size)
        if not body_checked:
            findings = [f for f in findings if f.check != v.CHECK_SCHEMA]
        label = None if found is not None else f"{request.method.upper()} {request.path}"
        return self.record(found, label, findings, lambda: (request, response), extra=extra,
                           has_response=response is not None)

    def record(self, found: Match | None, label: str | None, findings: Sequence[Finding],
               exchange: Callable[[], tuple[Request, Response | None]], *, extra: Mapping[str, Any] | None = None,
               has_response: bool = True) -> list[Finding]:
        """Count one exchange whose verdict (its match, and its findings without evidence) is already
        known: what ``observe`` does after validating, and what a memo of verdicts replays. Everything
        that keeps state across exchanges (counts, the undocumented-endpoint cap, the folding, the
        first occurrence's evidence) is here, so a replayed verdict is counted as a fresh one.
        ``exchange`` gives the records for evidence, only when a cause is new."""
        contract = self.contract
        self.result.requests += 1
        op_id = found.operation.operation_id if found else self._endpoint(label or "")
        self.result.cases[op_id] = self.result.cases.get(op_id, 0) + 1
        if found is not None:
            applied = self.result.applied.setdefault(op_id, set())
            applied.update({v.CHECK_REQUEST, v.CHECK_ENDPOINT})
            if has_response:
                applied.update(TRAFFIC_CHECKS)
        new = []
        for f in findings:
            if f.kind == Kind.UNDOCUMENTED_ENDPOINT and op_id == OTHER_ENDPOINTS:
                f = f.with_(operation=OTHER_ENDPOINTS, message=f"more than {ENDPOINT_CAUSES} undocumented endpoints "
                                                               f"were seen; for example: {f.message}")
            if f not in self.folder:  # the first occurrence of a cause carries the evidence
                request, response = exchange()
                f = f.with_(extra={**f.extra, **(extra or {})}, evidence=contract.evidence(request, response))
                new.append(f)
            self.folder.add(f)
        return new

    def _endpoint(self, label: str) -> str:
        if label in self._endpoints:
            return label
        if len(self._endpoints) >= ENDPOINT_CAUSES:
            return OTHER_ENDPOINTS
        self._endpoints.add(label)
        return label

    def add(self, finding: Finding) -> bool:
        """A finding about the traffic itself (a malformed HAR entry, a timeout); True if its cause is new."""
        new = finding not in self.folder
        self.folder.add(finding)
        return new

    def finish(self) -> RunResult:
        self.result.duration = time.perf_counter() - self._started
        self.result.findings = self.folder.findings()
        return self.result


def exchange_findings(contract: Contract, request: Request, response: Response | None, found: Match | None, *,
                      request_size: int | None = None) -> list[Finding]:
    """Every finding of one exchange, without evidence (the caller adds it once per cause)."""
    out = list(contract.iter_findings(request, response, operation=found.operation if found else None,
                                      evidence=False, path_params=found.path_params if found else None))
    if found is not None and request_size is not None:
        out = [f for f in out if not (f.check == v.CHECK_REQUEST and f.location.startswith("/body"))]
        basis = basis_of_kind(Kind.BODY_TOO_LARGE)
        out.append(Finding(operation=found.operation.operation_id, kind=Kind.BODY_TOO_LARGE,
                           severity=decide(basis, strict=contract.strict), basis=basis.value, location="/body",
                           message=f"the request body exceeds the size cap ({contract.body_limit} bytes; "
                                   f"{request_size} bytes seen); it was not validated",
                           suggestion="raise the cap with --max-body if this size is expected",
                           spec=found.operation.spec.name, check=v.CHECK_REQUEST))
    if found is not None and response is not None and response.status >= 500:
        if found.operation.response_for(response.status) is None:
            out = [f for f in out if f.check != v.CHECK_STATUS]
            out.append(Finding(operation=found.operation.operation_id, kind=Kind.SERVER_ERROR,
                               severity=decide(Basis.STATED, strict=contract.strict), basis=Basis.STATED.value,
                               location="/status",
                               message=f"HTTP {response.status}, which the docs do not list",
                               spec=found.operation.spec.name, check="not_a_server_error"))
    return out


__all__ = ["ENDPOINT_CAUSES", "OTHER_ENDPOINTS", "TRAFFIC_CHECKS", "Traffic", "exchange_findings"]
