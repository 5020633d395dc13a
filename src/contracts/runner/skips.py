"""Why a check did not run for an operation: the words behind every "skip" in the reports.

A skipped cell that does not say why reads like a gap in the run. Most skips
are the spec's doing (no security declared, no ``x-pagination``, no link);
the others are the run's (a phase not selected, nothing could be generated,
no answer, the run stopped). Each reason is one short sentence.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Protocol

from ..core.spec import Operation
from .stateful import PAGE, link_role

# Checks that read every answer: they are skipped only when no request got one.
RESPONSE_CHECKS = frozenset({"status_code_conformance", "content_type_conformance", "response_headers_conformance",
                             "response_schema_conformance", "not_a_server_error", "throttling"})


class RunFacts(Protocol):
    """What a run knows that explains a skip (``runner.engine.RunResult`` has all of it)."""

    checks: list[str]
    cases: dict[str, int]
    applied: dict[str, set[str]]
    cannot_generate: dict[str, dict[str, str]]
    stopped: str | None
    interrupted: bool
    setup_error: str | None


def _links(ops: Iterable[Operation]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """operationId -> the operations its success links lead to (pages aside: they are walked, not round
    tripped), and -> the operations of the run linking to it."""
    by_id = {op.operation_id: op for op in ops}
    out: dict[str, list[str]] = {}
    into: dict[str, list[str]] = {}
    for op in by_id.values():
        for response in op.responses.values():
            if not response.is_success:
                continue
            for link in response.links.values():
                target_id = link.get("operationId") if isinstance(link, dict) else None
                target = by_id.get(target_id) if isinstance(target_id, str) else None
                if target is None or link_role(op, link, target) == PAGE:
                    continue
                if target.operation_id not in out.setdefault(op.operation_id, []):
                    out[op.operation_id].append(target.operation_id)
                if op.operation_id not in into.setdefault(target.operation_id, []):
                    into[target.operation_id].append(op.operation_id)
    return out, into


def _stopped(run: RunFacts) -> str:
    if run.setup_error:
        return "not run: the set-up failed (see the top of the report)"
    if run.stopped:
        return f"not reached: the run stopped at --{run.stopped}"
    if run.interrupted:
        return "not reached: the run was interrupted"
    return ""


def reason(run: RunFacts, op: Operation, check: str, phases: Iterable[str],
           links: tuple[Mapping[str, list[str]], Mapping[str, list[str]]]) -> str:
    """One sentence: why ``check`` has no verdict for ``op`` in this run."""
    wanted = set(phases)
    op_id = op.operation_id
    if not run.cases.get(op_id):
        return _stopped(run) or "no case of this operation was sent"
    late = _stopped(run)
    suffix = f" ({late})" if late else ""
    if check not in run.checks:
        return (f"{check} is not a check of its own: it records a problem when one happens, "
                "and none happened for this operation")
    cannot = run.cannot_generate.get(op_id, {})
    if check == "ignored_auth":
        if not op.requires_auth:
            return "the operation declares no security requirement, so there are no credentials to leave out"
        if "negative" not in wanted:
            return "credential cases run with the negative phase, which was not selected"
        return "no case without or with wrong credentials got an answer" + suffix
    if check == "negative_data_rejection":
        if "negative" not in wanted:
            return "the negative phase was not selected"
        if cannot.get("negative"):
            return f"no invalid input could be made: {cannot['negative']}"
        return "no invalid-input case got an answer" + suffix
    if check == "positive_data_acceptance":
        if not wanted & {"samples", "positive"}:
            return "the positive phase was not selected"
        if cannot.get("positive"):
            return f"no valid input could be made: {cannot['positive']}"
        return "no valid-input case got an answer" + suffix
    if check == "pagination":
        if not isinstance(op.extensions.get("x-pagination"), dict):
            return "the operation does not page (the spec has no x-pagination for it)"
        if "stateful" not in wanted and "positive" not in wanted:
            return "pages are walked in the stateful phase, which was not selected"
        return "no page was read successfully, so there was nothing to walk" + suffix
    if check == "stateful_round_trip":
        out, into = links[0].get(op_id, []), links[1].get(op_id, [])
        if not out and not into:
            if any(r.links for r in op.responses.values() if r.is_success):
                return "its only links lead to the next page (walked by pagination): no data to bring back"
            return "no OpenAPI link leads to or from this operation"
        if not into:
            return ("checked on the operation" + ("s" if len(out) > 1 else "") + " its links lead to ("
                    + ", ".join(out) + "): the round trip is judged where the data comes back")
        if "stateful" not in wanted:
            return "links are followed in the stateful phase, which was not selected"
        return "no linked call reached this operation: the call linking to it never succeeded" + suffix
    if check in RESPONSE_CHECKS:
        return "no request of this operation got an answer" + suffix
    return "not exercised for this operation" + suffix


def reasons(run: RunFacts, ops: Iterable[Operation], checks: Iterable[str],
            phases: Iterable[str]) -> dict[str, dict[str, str]]:
    """operation -> check -> why it did not run, for every pair the run did not apply."""
    ops = list(ops)
    phases = list(phases)
    links = _links(ops)
    out: dict[str, dict[str, str]] = {}
    for op in ops:
        applied = run.applied.get(op.operation_id, set())
        for check in checks:
            if check not in applied:
                out.setdefault(op.operation_id, {})[check] = reason(run, op, check, phases, links)
    return out


def fallback(run: Any, op: str, check: str) -> str:
    """A reason when the run could not give one (an operation it never met, a HAR recording)."""
    if not getattr(run, "cases", {}).get(op):
        return _stopped(run) or "no case or recorded exchange of this operation"
    if check not in getattr(run, "checks", []):
        return f"{check} records a problem when one happens, and none happened for this operation"
    return "not exercised for this operation"


__all__ = ["RESPONSE_CHECKS", "RunFacts", "fallback", "reason", "reasons"]
