"""The checks, each a plain function registered by name in ``CHECKS``.

A check sees one exchange (or a chain, for stateful checks) and yields
findings. It never prints and never decides an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from ..core import validator as v
from ..core.finding import Finding, Kind
from ..core.severity import Basis, Grounds, basis_of_kind, reweigh
from ..core.spec import Operation
from .cases import ACCEPT, REFUSE, REJECT
from .exchange import Context, Exchange
from .stateful import pagination_findings, round_trip_findings


CheckFn = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    run: CheckFn
    stateful: bool = False


def _core(name: str) -> CheckFn:
    def run(ctx: Context) -> Iterator[Finding]:
        response = ctx.exchange.response
        for f in ctx.exchange.core_findings(ctx.contract):
            if f.check != name:
                continue
            if name == v.CHECK_STATUS and response is not None and response.status >= 500:
                continue  # an undocumented 5xx is not_a_server_error's finding
            if (name == v.CHECK_STATUS and response is not None and 400 <= response.status < 500
                    and ctx.case.expect == REJECT):
                # the invalid input was refused, only with a status the docs do not list: what they imply
                f = reweigh(f, Grounds(Basis.IMPLIED, "the invalid input was refused, with a status the docs "
                                                      "do not list for it"), strict=ctx.contract.strict)
            yield f.with_(seed=ctx.case.seed, extra={**f.extra, "case": ctx.case.name, "phase": ctx.case.phase})
    return run


def not_a_server_error(ctx: Context) -> Iterator[Finding]:
    resp, outcome = ctx.exchange.response, ctx.exchange.outcome
    if resp is None or resp.status < 500 or outcome is None or outcome.documented:
        return
    yield ctx.finding("not_a_server_error", Kind.SERVER_ERROR, Basis.STATED, "/status",
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
        yield ctx.finding("negative_data_rejection", Kind.ACCEPTED_INVALID, ex.case.grounds, ex.case.location,
                          f"invalid input was accepted ({_status_text(ex)}): {ex.case.reason}",
                          _rejection_hint(ctx.op))
    elif ex.outcome.kind == "server-error" and ex.outcome.documented:
        # A documented 5xx may be passing server trouble, so this rests on what the docs imply; an
        # undocumented one is already an error of not_a_server_error.
        yield ctx.finding("negative_data_rejection", Kind.NOT_REJECTED_PROPERLY,
                          basis_of_kind(Kind.NOT_REJECTED_PROPERLY), ex.case.location,
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
        yield ctx.finding("positive_data_acceptance", Kind.REJECTED_VALID, ex.case.grounds,
                          ex.case.location or "/status",
                          f"a request the docs call valid was rejected with HTTP {status}{where}")


def ignored_auth(ctx: Context) -> Iterator[Finding]:
    """Where the spec declares security, missing or wrong credentials must be refused."""
    ex = ctx.exchange
    if ex.case.expect != REFUSE or ex.outcome is None:
        return
    if ex.outcome.kind == "success":
        yield ctx.finding("ignored_auth", Kind.AUTH_IGNORED, Basis.STATED, ex.case.location or "/header",
                          f"the request succeeded ({_status_text(ex)}) although {ex.case.reason}",
                          "the spec declares security for this operation")


def throttling(ctx: Context) -> Iterator[Finding]:
    """A documented throttling answer is conformance: info, with a hint to slow down."""
    ex = ctx.exchange
    if ex.outcome is None or ex.outcome.kind != "throttled" or ex.response is None:
        return
    rule = ex.outcome.response.throttling if ex.outcome.response is not None else None
    limit = rule.limit if rule is not None else None
    yield ctx.finding("throttling", Kind.THROTTLED, Basis.SILENT, "/status",
                      f"HTTP {ex.response.status}{rule.describe() if rule else ''} is the documented throttling "
                      f"answer, not a verdict on the request; its checks did not run",
                      "lower the rate with --rate-limit" + (f" (the docs allow {limit})" if limit else ""))


def stateful_round_trip(ctx: Context) -> Iterator[Finding]:
    yield from round_trip_findings(ctx)


def pagination(ctx: Context) -> Iterator[Finding]:
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
    Check("throttling", "a documented throttling answer is noted (info), never judged as a verdict", throttling),
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
    both = [n for n in include if n in exclude]
    if both:
        raise UsageError(f"--checks and --exclude-checks both name {', '.join(both)}: that runs nothing of it; "
                         "keep each check in one of the two")
    chosen = include or list(CHECKS)
    picked = [CHECKS[n] for n in chosen if n not in exclude]
    if not picked:
        raise UsageError("--exclude-checks leaves no check to run; exclude fewer")
    return picked


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
