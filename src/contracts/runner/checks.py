"""The checks, each a plain function registered by name in ``CHECKS``.

A check sees one exchange (or a chain, for stateful checks) and yields
findings. It never prints and never decides an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from ..core import validator as v
from ..core.finding import Finding, Kind, Severity
from ..core.http import Request, Response
from ..core.spec import Operation
from ..core.validator import Contract, Outcome
from .cases import ACCEPT, REFUSE, REJECT, Case


@dataclass
class Exchange:
    """One request the checker sent and what came back."""

    case: Case
    request: Request
    response: Response | None
    outcome: Outcome | None = None
    error: str | None = None
    _core: list[Finding] | None = field(default=None, repr=False)

    def core_findings(self, contract: Contract) -> list[Finding]:
        """The validator's findings on the response, computed once for all checks."""
        if self._core is None:
            if self.response is None:
                self._core = []
            else:
                self._core = list(contract.iter_response_findings(self.request, self.response,
                                                                  self.case.operation))
        return self._core


@dataclass
class Context:
    contract: Contract
    exchange: Exchange
    chain: list[Exchange] = field(default_factory=list)  # stateful checks: every step

    @property
    def case(self) -> Case:
        return self.exchange.case

    @property
    def op(self) -> Operation:
        return self.exchange.case.operation

    def finding(self, check: str, kind: str, severity: Severity, location: str, message: str,
                suggestion: str | None = None, exchange: Exchange | None = None) -> Finding:
        ex = exchange or self.exchange
        return Finding(operation=ex.case.operation.operation_id, kind=kind, severity=severity, location=location,
                       message=message, suggestion=suggestion, spec=ex.case.operation.spec.name, check=check,
                       evidence=self.contract.evidence(ex.request, ex.response), seed=ex.case.seed,
                       extra={"case": ex.case.name, "phase": ex.case.phase})


CheckFn = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    run: CheckFn
    stateful: bool = False


def _core(name: str) -> CheckFn:
    def run(ctx: Context) -> Iterator[Finding]:
        for f in ctx.exchange.core_findings(ctx.contract):
            if f.check != name:
                continue
            if name == v.CHECK_STATUS and ctx.exchange.response is not None and ctx.exchange.response.status >= 500:
                continue  # an undocumented 5xx is not_a_server_error's finding
            yield f.with_(seed=ctx.case.seed, extra={"case": ctx.case.name, "phase": ctx.case.phase})
    return run


def not_a_server_error(ctx: Context) -> Iterator[Finding]:
    resp, outcome = ctx.exchange.response, ctx.exchange.outcome
    if resp is None or resp.status < 500 or outcome is None or outcome.documented:
        return
    yield ctx.finding("not_a_server_error", Kind.SERVER_ERROR, Severity.ERROR, "/status",
                      f"HTTP {resp.status}, which the docs do not list for {ctx.op.operation_id}")


def _status_text(ex: Exchange) -> str:
    """'HTTP 200', or 'HTTP 200 with code=0' where an envelope rule reads the body."""
    if ex.response is None:
        return "no answer"
    text = f"HTTP {ex.response.status}"
    rule = ex.outcome.response.envelope if ex.outcome is not None and ex.outcome.response else None
    if rule is not None:
        try:
            value = rule.field_value(ex.response.json())
        except ValueError:
            return text
        if rule.has_field(ex.response.json()):
            text += f" with {rule.field.lstrip('/')}={value!r}"
    return text


def negative_data_rejection(ctx: Context) -> Iterator[Finding]:
    """Invalid input must be rejected the vendor's documented way."""
    ex = ctx.exchange
    if ex.case.expect != REJECT or ex.outcome is None:
        return
    if ex.outcome.kind == "success":
        severity = Severity.WARNING if ex.case.soft else Severity.ERROR
        why = (" The constraint is not firmly documented (see the spec's x-docs-gap note), so this is a warning."
               if ex.case.soft else "")
        yield ctx.finding("negative_data_rejection", Kind.ACCEPTED_INVALID, severity, ex.case.location,
                          f"invalid input was accepted ({_status_text(ex)}): {ex.case.reason}.{why}",
                          _rejection_hint(ctx.op))
    elif ex.outcome.kind == "server-error" and ex.outcome.documented:
        # A documented 5xx may be passing server trouble, so this is a warning; an undocumented
        # one is already an error of not_a_server_error.
        yield ctx.finding("negative_data_rejection", Kind.NOT_REJECTED_PROPERLY, Severity.WARNING, ex.case.location,
                          f"invalid input got the documented HTTP {ex.response.status if ex.response else '?'} "
                          f"instead of a rejection ({ex.case.reason}); a documented server error may be "
                          f"transient, so run again before blaming the input handling", _rejection_hint(ctx.op))


def _rejection_hint(op: Operation) -> str:
    client = [s for s in op.responses if s.startswith("4")]
    if client:
        return f"documented rejections: HTTP {', '.join(client)} with the error envelope"
    rules = [r.envelope.describe() for r in op.responses.values() if r.envelope is not None]
    if rules:
        return f"documented rejection: HTTP 200 with {rules[0]}"
    return "the docs document no rejection for this operation"


def positive_data_acceptance(ctx: Context) -> Iterator[Finding]:
    """Valid input must not be rejected as invalid (a documented not-found is fine)."""
    ex = ctx.exchange
    if ex.case.expect != ACCEPT or ex.outcome is None or ex.response is None:
        return
    status = ex.response.status
    if ex.outcome.kind == "client-error" or (ex.outcome.kind == "undocumented" and 400 <= status < 500):
        if status in (401, 403, 404):
            return  # credentials or a resource that does not exist: not a verdict on the input
        where = f" ({ex.case.reason})" if ex.case.reason else ""
        yield ctx.finding("positive_data_acceptance", Kind.REJECTED_VALID,
                          Severity.WARNING if ex.case.soft else Severity.ERROR, ex.case.location or "/status",
                          f"a request the docs call valid was rejected with HTTP {status}{where}")


def ignored_auth(ctx: Context) -> Iterator[Finding]:
    """Where the spec declares security, missing or wrong credentials must be refused."""
    ex = ctx.exchange
    if ex.case.expect != REFUSE or ex.outcome is None:
        return
    if ex.outcome.kind == "success":
        yield ctx.finding("ignored_auth", Kind.AUTH_IGNORED, Severity.ERROR, ex.case.location or "/header",
                          f"the request succeeded ({_status_text(ex)}) although {ex.case.reason}",
                          "the spec declares security for this operation")


def stateful_round_trip(ctx: Context) -> Iterator[Finding]:
    from .stateful import round_trip_findings

    yield from round_trip_findings(ctx)


def pagination(ctx: Context) -> Iterator[Finding]:
    from .stateful import pagination_findings

    yield from pagination_findings(ctx)


CHECKS: dict[str, Check] = {c.name: c for c in (
    Check(v.CHECK_STATUS, "the status code is documented for the operation", _core(v.CHECK_STATUS)),
    Check(v.CHECK_CONTENT_TYPE, "the Content-Type is a documented media type", _core(v.CHECK_CONTENT_TYPE)),
    Check(v.CHECK_HEADERS, "documented response headers are present; others are noted", _core(v.CHECK_HEADERS)),
    Check(v.CHECK_SCHEMA, "the body validates against the schema the envelope rule selects",
          _core(v.CHECK_SCHEMA)),
    Check("not_a_server_error", "no undocumented 5xx (a documented 5xx is conformance)", not_a_server_error),
    Check("negative_data_rejection", "invalid input is rejected the vendor's documented way",
          negative_data_rejection),
    Check("positive_data_acceptance", "valid input is not rejected (a documented not-found is fine)",
          positive_data_acceptance),
    Check("ignored_auth", "missing or wrong credentials are refused where security is declared", ignored_auth),
    Check("stateful_round_trip", "what a create call stored is exactly what the get call returns",
          stateful_round_trip, stateful=True),
    Check("pagination", "pages respect the limit, markers move strictly downward, no record repeats",
          pagination, stateful=True),
)}


def select(include: Iterable[str] = (), exclude: Iterable[str] = ()) -> list[Check]:
    """Checks by name, with a did-you-mean for typos."""
    from ..core.errors import UsageError
    from ..core.suggest import did_you_mean

    include, exclude = list(include), list(exclude)
    for name in include + exclude:
        if name not in CHECKS:
            raise UsageError(f"unknown check {name!r}{did_you_mean(name, list(CHECKS))}")
    chosen = include or list(CHECKS)
    return [CHECKS[n] for n in chosen if n not in exclude]


def run_checks(checks: Iterable[Check], ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for check in checks:
        if not check.stateful:
            out.extend(check.run(ctx))
    return out


def describe(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:79] + "…"
