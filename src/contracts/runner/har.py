"""`contracts validate FILE.har`: offline validation of recorded traffic, streamed."""

from __future__ import annotations

import os
import time
from typing import Any, Callable

from ..core import validator as v
from ..core.adapters import exchange_from
from ..core.finding import Finding, Kind
from ..core.har import Malformed, iter_entries
from ..core.merge import Folder
from ..core.severity import Basis, decide
from ..core.validator import Contract
from .engine import RunResult

HAR_CHECKS = [v.CHECK_ENDPOINT, v.CHECK_REQUEST, v.CHECK_STATUS, v.CHECK_CONTENT_TYPE, v.CHECK_HEADERS,
              v.CHECK_SCHEMA, "not_a_server_error"]


def validate_har(contract: Contract, path: str | os.PathLike[str], *, base_url: str | None = None,
                 on_entry: Callable[[int], None] | None = None) -> RunResult:
    """Validate every entry; findings merge as they come, so memory stays bounded."""
    result = RunResult(str(path), [s.name for s in contract.specs], None, 0, checks=list(HAR_CHECKS))
    for op in contract.operations:
        result.operations[op.operation_id] = {"spec": op.spec.name, "method": op.method.upper(), "path": op.path,
                                              "summary": op.summary}
    folder = Folder()
    started = time.perf_counter()
    prefix = base_url.rstrip("/") if base_url else None
    skipped = 0
    try:
        for n, entry in enumerate(iter_entries(path), 1):
            if isinstance(entry, Malformed):
                folder.add(Finding(operation="(recording)", kind=Kind.MALFORMED_ENTRY, severity=decide(
                    Basis.IMPLIED), basis=Basis.IMPLIED.value, location=f"/log/entries/{entry.index - 1}{entry.where}",
                    message=f"entry {entry.index} is skipped: {entry.reason}", check="har",
                    extra={"entry": entry.index}))
                continue
            try:
                request, response = exchange_from(entry)
            except (ValueError, TypeError, KeyError) as exc:  # e.g. base64 content that does not decode
                folder.add(Finding(operation="(recording)", kind=Kind.MALFORMED_ENTRY, severity=decide(
                    Basis.IMPLIED), basis=Basis.IMPLIED.value, location=f"/log/entries/{n - 1}/response/content",
                    message=f"entry {n} is skipped: {type(exc).__name__}: {exc}", check="har", extra={"entry": n}))
                continue
            if prefix and not request.url.startswith(prefix):
                skipped += 1
                continue
            result.requests += 1
            found = contract.match(request)
            op_id = found.operation.operation_id if found else f"{request.method.upper()} {request.path}"
            result.cases[op_id] = result.cases.get(op_id, 0) + 1
            if found is not None:
                applied = result.applied.setdefault(op_id, set())
                applied.update({v.CHECK_REQUEST, v.CHECK_ENDPOINT})
                if response is not None:
                    applied.update(HAR_CHECKS)
            for f in _findings(contract, request, response, found):
                if f not in folder:  # the first occurrence of a cause carries the evidence
                    f = f.with_(extra={**f.extra, "entry": n}, evidence=contract.evidence(request, response))
                folder.add(f)
            if on_entry is not None:
                on_entry(n)
    except KeyboardInterrupt:
        result.interrupted = True
    result.duration = time.perf_counter() - started
    result.findings = folder.findings()
    result.skipped_entries = skipped
    return result


def _findings(contract: Contract, request: Any, response: Any, found: Any) -> list[Finding]:
    out = list(contract.iter_findings(request, response, operation=found.operation if found else None,
                                      evidence=False))
    if found is not None and response is not None and response.status >= 500:
        if found.operation.response_for(response.status) is None:
            out = [f for f in out if f.check != v.CHECK_STATUS]
            out.append(Finding(operation=found.operation.operation_id, kind=Kind.SERVER_ERROR,
                               severity=decide(Basis.STATED, strict=contract.strict), basis=Basis.STATED.value,
                               location="/status",
                               message=f"HTTP {response.status}, which the docs do not list",
                               spec=found.operation.spec.name, check="not_a_server_error"))
    return out
